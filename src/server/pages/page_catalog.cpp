#include "server/pages/page_catalog.hpp"

#include "params/canonical.hpp"
#include "server/registry/field_coercion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace mizan::server {
namespace {

[[noreturn]] void fail(const detail::page_def& p, std::string_view what) {
  throw std::invalid_argument(fmt::format("mizan: page '{}': {}", p.name, what));
}

const params::param_spec* find_spec(const std::vector<params::param_spec>& specs,
                                    std::string_view name) {
  auto it = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
  return it == specs.end() ? nullptr : &*it;
}

const field_def* find_field(const context_def& ctx, std::string_view name) {
  auto it = std::find_if(ctx.params.begin(), ctx.params.end(),
                         [&](const field_def& f) { return f.name == name; });
  return it == ctx.params.end() ? nullptr : &*it;
}

page_entry check_page(const detail::page_def& p, const catalog& cat) {
  page_entry e;
  e.def = &p;
  if (p.name.empty()) fail(p, "the name is empty");
  try {
    e.segments = parse_route_pattern(p.route);
  } catch (const std::invalid_argument& err) {
    fail(p, err.what());
  }
  if (p.route.starts_with(cat.api_prefix())) fail(p, "the route lies under the API prefix");
  if (p.contexts.empty()) fail(p, "names no context");
  bool all_cached = true;
  for (const auto& pc : p.contexts) {
    const auto* ctx = cat.context(pc.context);
    if (!ctx) fail(p, fmt::format("context '{}' has no function", pc.context));
    for (const auto& other : e.contexts) {
      if (other.context == ctx) fail(p, fmt::format("names context '{}' twice", ctx->name));
    }
    // The defaults must be params the context declares, of its types.
    try {
      (void)params::parse_query(params::canonical_params(pc.defaults), ctx->specs);
    } catch (const error& err) {
      fail(p, fmt::format("defaults of context '{}': {}", ctx->name, err.what()));
    }
    for (const auto& spec : ctx->specs) {
      if (const auto* seen = find_spec(e.query_specs, spec.name)) {
        if (seen->type != spec.type) {
          fail(p, fmt::format("param '{}' has two types across its contexts", spec.name));
        }
        continue;
      }
      e.query_specs.push_back(spec);
    }
    e.is_private = e.is_private || ctx->is_private || ctx->needs_user;
    if (ctx->ttl_seconds) {
      e.ttl_seconds = std::min(e.ttl_seconds.value_or(*ctx->ttl_seconds), *ctx->ttl_seconds);
    } else {
      all_cached = false;
    }
    e.contexts.push_back({ctx, pc.defaults});
  }
  for (const auto& seg : e.segments) {
    if (seg.param.empty()) continue;
    bool declared = false;
    for (const auto& pc : e.contexts) {
      const auto* field = find_field(*pc.context, seg.param);
      if (!field) continue;
      if (field->kind != seg.kind) {
        fail(p, fmt::format("route param '{}' is declared {} but context '{}' takes {}", seg.param,
                            kind_name(seg.kind), pc.context->name, kind_name(field->kind)));
      }
      declared = true;
    }
    if (!declared) fail(p, fmt::format("route param '{}' is no context's param", seg.param));
  }
  // A guarded page asks who is calling, which blocks: it is never cached.
  if (e.is_private || !all_cached || p.auth != auth_level::none) e.ttl_seconds.reset();
  return e;
}

}  // namespace

page_catalog::page_catalog(const registry& reg, const catalog& cat) {
  for (const auto& p : reg.pages()) {
    auto entry = check_page(p, cat);
    for (const auto& other : pages_) {
      if (other.def->name == p.name) fail(p, "registered twice");
      if (other.def->route == p.route) {
        fail(p, fmt::format("route {} is also page '{}'", p.route, other.def->name));
      }
    }
    for (const auto& r : cat.routes()) {
      if (r.pattern == p.route) {
        fail(p, fmt::format("route {} is also served by '{}'", p.route, r.function->name));
      }
    }
    pages_.push_back(std::move(entry));
  }
}

std::optional<page_match> page_catalog::match(std::string_view path) const {
  std::vector<std::string_view> parts;
  for (std::size_t pos = 1; pos <= path.size();) {
    const auto end = std::min(path.find('/', pos), path.size());
    if (end > pos) parts.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  for (const auto& page : pages_) {
    if (page.segments.size() != parts.size()) continue;
    page_match m{&page, {}};
    bool ok = true;
    for (std::size_t i = 0; ok && i < parts.size(); ++i) {
      const auto& seg = page.segments[i];
      if (seg.param.empty()) {
        ok = seg.literal == parts[i];
        continue;
      }
      for (const auto& pc : page.contexts) {
        if (const auto* field = find_field(*pc.context, seg.param)) {
          auto value = coerce_path_segment(*field, parts[i]);
          if (!value)
            ok = false;
          else
            m.route_params[seg.param] = std::move(*value);
          break;
        }
      }
    }
    if (ok) return m;
  }
  return std::nullopt;
}

}  // namespace mizan::server
