// Cache keys shared by the origin cache and any edge (PROTOCOL.md §6).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mizan::cache {

/// The key of one cached context response: `mizan:c:{context}:{hex}`, where
/// hex is the lower-case HMAC-SHA256 under `secret` of
/// `mizan-cache-v1\n{context}\n{rev}\n{canonical_params}\n{scope}`.
///
/// `rev` is the largest `rev` of the context's functions, `canonical_params`
/// comes from params::canonical_params or params::parse_query, and `scope` is
/// `public` or `user:{id}` (see public_scope and user_scope). The secret is
/// the cache secret, never the session or MWT one. Thread-safe.
/// Example: `cache_key("secret", "todos", 0, "", "public")` is
/// `mizan:c:todos:23ddf3d7edb8ec626234014751d3ce7041ba55fc516925f9d60092fa4b4675fa`.
std::string cache_key(std::string_view secret, std::string_view context, std::int64_t rev,
                      std::string_view canonical_params, std::string_view scope);

/// The scope of a public context: `public`.
inline constexpr std::string_view public_scope = "public";

/// The scope of a private context for one user: `user:{id}`.
std::string user_scope(std::string_view user_id);

}  // namespace mizan::cache
