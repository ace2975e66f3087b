#include "edge/cache_tags.hpp"

#include <fmt/format.h>
#include <xxhash.h>

namespace mizan::edge {
namespace {

std::string bounded(std::string tag) {
  if (tag.size() <= max_tag_bytes) return tag;
  return fmt::format("mz#{:016x}", XXH3_64bits(tag.data(), tag.size()));
}

std::string owner(std::string_view ctx, std::optional<std::int64_t> user) {
  return user ? fmt::format("mz:{}@{}", ctx, *user) : fmt::format("mz:{}", ctx);
}

std::string pair_tag(std::string_view owner_tag, const params::canonical_pair& p) {
  return bounded(fmt::format("{}:{}={}", owner_tag, p.first, p.second));
}

}  // namespace

std::string user_tag(std::int64_t user) {
  return fmt::format("mz:@{}", user);
}

std::string response_tags(const tagged_context& ctx, std::span<const params::canonical_pair> params,
                          std::optional<std::int64_t> user) {
  std::string out = bounded(owner(ctx.name, std::nullopt));
  const std::optional<std::int64_t> scope = ctx.is_private ? user : std::nullopt;
  const std::string own = owner(ctx.name, scope);
  if (scope) {
    out += ' ';
    out += bounded(own);
    out += ' ';
    out += user_tag(*scope);
  }
  if (ctx.declared_params <= max_param_tags) {
    for (const auto& p : params) {
      out += ' ';
      out += pair_tag(own, p);
    }
  }
  return out;
}

void purge_tags(const tagged_context& ctx, const params::invalidation_entry& entry,
                std::span<const std::int64_t> users, std::vector<std::string>& out) {
  // An entry scoped by several params matches a subset of those scoped by
  // its first one: purging by one key is coarser, never short.
  const bool scoped = !entry.params.empty() && ctx.declared_params <= max_param_tags;
  auto add = [&](std::optional<std::int64_t> user) {
    const std::string own = owner(ctx.name, user);
    out.push_back(scoped ? pair_tag(own, entry.params.front()) : bounded(own));
  };
  if (!ctx.is_private) {
    add(std::nullopt);
    return;
  }
  if (users.empty()) {
    // Nobody in particular: every user's entries. Their per-param tags are
    // per user, so this is the whole context.
    out.push_back(bounded(owner(ctx.name, std::nullopt)));
    return;
  }
  for (auto user : users) add(user);
}

}  // namespace mizan::edge
