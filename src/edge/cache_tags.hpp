// Cache tags: how an edge finds the entries an invalidation names. One
// encoder for every CDN (Varnish xkey, Cloudflare Cache-Tag, Fastly
// Surrogate-Key): the origin tags each cacheable response, and purges the
// tags of every committed mutation's entries (docs/edge.md).
#pragma once

#include "params/invalidation.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::edge {

/// The longest tag written: every CDN takes 128 bytes (Cloudflare and Fastly
/// allow 1,024). A longer one is replaced by `mz#` and a 64-bit hash of it,
/// which purges the same entries.
inline constexpr std::size_t max_tag_bytes = 128;
/// Contexts with more declared params get no per-param tags: their scoped
/// purges fall back to the whole context (coarser, never missed), which
/// keeps a response's tags within every CDN's header limit.
inline constexpr std::size_t max_param_tags = 30;

/// What the tags of a context depend on.
struct tagged_context {
  std::string_view name;
  bool is_private = false;
  std::size_t declared_params = 0;
};

/// The tags of one cached response, space-separated: `mz:{ctx}` and one
/// `mz:{ctx}:{key}={value}` per canonical param; a private context's also
/// `mz:{ctx}@{user}`, its per-param tags under that user, and `mz:@{user}`.
/// Thread-safe.
std::string response_tags(const tagged_context& ctx, std::span<const params::canonical_pair> params,
                          std::optional<std::int64_t> user);

/// Appends the tags that purge every entry `entry` names. For a private
/// context that is `users`' entries only (the caller, and the users the call
/// named), or every user's when `users` is empty. Thread-safe.
void purge_tags(const tagged_context& ctx, const params::invalidation_entry& entry,
                std::span<const std::int64_t> users, std::vector<std::string>& out);

/// The tag of every private entry of one user (purged at sign-in and
/// sign-out).
std::string user_tag(std::int64_t user);

}  // namespace mizan::edge
