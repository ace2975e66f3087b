// The origin's half of the edge (docs/edge.md): cache tags on the responses
// an edge may keep, and the tags each committed mutation purges.
#pragma once

#include "http/message.hpp"
#include "params/canonical.hpp"
#include "server/app/services.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::server {

/// True when an edge may keep `ctx`: it has a time to live, and no guard an
/// edge cannot check (public: none; private: none or a signed-in user, whom
/// the edge knows by the MWT). The manifest says the same (`auth`).
bool edge_cacheable(const context_def& ctx);

/// The tags of one response of `ctx`, space-separated; "" when no edge is
/// configured or none may keep it. A private response is tagged only for
/// `user` when the request's MWT cookie (in `cookies`) verifies and names
/// that user, so an edge never files one user's data under another's token.
std::string edge_tags(const settings& cfg, const context_def& ctx,
                      const boost::json::object& params, std::optional<std::int64_t> user,
                      std::string_view cookies);

/// Adds `tags` under the header of each configured kind of edge: `xkey`
/// (Varnish), `Cache-Tag` (Cloudflare, comma-separated), `Surrogate-Key`
/// (Fastly). Nothing when `tags` is empty.
void add_edge_tags(http::response& res, const settings& cfg, std::string_view tags);

/// The tags that purge what `effects` made stale at the edge: every entry's
/// (private contexts: the caller's and the named users' entries), and every
/// private entry of a user who signed in or out or whose sessions ended.
std::vector<std::string> edge_purge_tags(const catalog& cat, const mutation_effects& effects);

/// The tags of every entry an edge may hold: one per edge-cacheable context.
std::vector<std::string> edge_whole_purge_tags(const catalog& cat);

}  // namespace mizan::server
