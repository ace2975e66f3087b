#include "server/registry/catalog.hpp"

#include "server/registry/field_coercion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

namespace mizan::server {
namespace {

[[noreturn]] void fail(const function_def& f, std::string_view what) {
  throw std::invalid_argument(fmt::format("mizan: function '{}': {}", f.name, what));
}

bool valid_function_name(std::string_view name) {
  static const std::regex re("[a-z][a-z0-9_]*");
  return std::regex_match(name.begin(), name.end(), re);
}

bool valid_context_name(std::string_view name) {
  static const std::regex re("[A-Za-z0-9_.-]+");
  return std::regex_match(name.begin(), name.end(), re);
}

const std::set<std::string, std::less<>> known_methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};

}  // namespace

std::string_view kind_name(detail::scalar_kind kind) {
  switch (kind) {
    case detail::scalar_kind::string:
      return "str";
    case detail::scalar_kind::integer:
      return "int";
    case detail::scalar_kind::number:
      return "float";
    case detail::scalar_kind::boolean:
      return "bool";
    case detail::scalar_kind::none:
      break;
  }
  return "object";
}

std::vector<route_segment> parse_route_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument(fmt::format("route '{}' must start with '/'", pattern));
  }
  std::vector<route_segment> segments;
  std::size_t pos = 1;
  while (pos <= pattern.size()) {
    const auto end = std::min(pattern.find('/', pos), pattern.size());
    const auto part = pattern.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty()) continue;  // a trailing slash
    route_segment seg;
    if (part.front() == '{') {
      static const std::regex re(R"(\{([a-z][a-z0-9_]*)(?::(int|str|float|bool))?\})");
      std::match_results<std::string_view::const_iterator> m;
      if (!std::regex_match(part.begin(), part.end(), m, re)) {
        throw std::invalid_argument(fmt::format("route '{}': bad segment '{}'", pattern, part));
      }
      seg.param = m[1].str();
      const auto type = m[2].matched ? m[2].str() : std::string("str");
      seg.kind = type == "int"     ? detail::scalar_kind::integer
                 : type == "float" ? detail::scalar_kind::number
                 : type == "bool"  ? detail::scalar_kind::boolean
                                   : detail::scalar_kind::string;
    } else {
      seg.literal = part;
    }
    segments.push_back(std::move(seg));
  }
  return segments;
}

catalog::catalog(const registry& reg, std::string_view api_prefix)
    : registry_(&reg), api_prefix_(api_prefix) {
  for (const auto& f : reg.functions()) {
    check_function(f);
    if (!functions_.emplace(f.name, &f).second) fail(f, "registered twice");
  }
  build_contexts();
  for (const auto& f : reg.functions()) {
    for (const auto& a : f.affects) {
      if (!contexts_.contains(a.context)) {
        fail(f, fmt::format("affects context '{}', which no function declares", a.context));
      }
    }
    for (const auto& name : f.unaffected) {
      if (!contexts_.contains(name)) {
        fail(f, fmt::format("unaffected names context '{}', which no function declares", name));
      }
      const auto both = [&](const auto& a) { return a.context == name; };
      if (std::any_of(f.affects.begin(), f.affects.end(), both)) {
        fail(f, fmt::format("declares both affects and unaffected on context '{}'", name));
      }
    }
  }
  build_routes(api_prefix);
  for (const auto& ch : reg.channels()) {
    if (!valid_context_name(ch.name)) {
      throw std::invalid_argument(
          fmt::format("mizan: channel '{}': the name must match [A-Za-z0-9_.-]+", ch.name));
    }
    if (!channels_.emplace(ch.name, &ch).second) {
      throw std::invalid_argument(fmt::format("mizan: channel '{}': registered twice", ch.name));
    }
  }
}

const detail::channel_def* catalog::channel(std::string_view name) const {
  const auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second;
}

void catalog::check_function(const function_def& f) const {
  if (!valid_function_name(f.name)) fail(f, "the name must match [a-z][a-z0-9_]*");
  if (!f.context.empty() && !valid_context_name(f.context)) {
    fail(f, fmt::format("context name '{}' must match [A-Za-z0-9_.-]+", f.context));
  }
  if (f.returns_view && f.route.empty()) fail(f, "returns an http_response but has no route");
  if (f.returns_view && !f.context.empty()) fail(f, "a view function cannot be part of a context");
  if (f.returns_view && f.websocket) fail(f, "a view function cannot be called over the WebSocket");
  if (!f.methods.empty() && f.route.empty()) fail(f, "methods are set but there is no route");
  if (f.cache_seconds && f.context.empty()) fail(f, "cache is set but there is no context");
  if (f.cache_seconds && *f.cache_seconds <= 0) fail(f, "cache must be a positive duration");
  if (f.rev < 0) fail(f, "rev must not be negative");
  if (f.is_private && f.context.empty()) fail(f, "private is set but there is no context");
  if (f.unbatched && !f.context.empty()) fail(f, "unbatched is set on a context function");
  for (const auto& m : f.methods) {
    if (!known_methods.contains(m)) fail(f, fmt::format("unknown HTTP method '{}'", m));
  }
  if (!f.context.empty()) {
    for (const auto& field : f.fields) {
      if (field.kind == detail::scalar_kind::none) {
        fail(f, fmt::format("context param '{}' must be a string, integer, number or boolean",
                            field.name));
      }
    }
  }
}

void catalog::build_contexts() {
  for (const auto& [name, f] : functions_) {
    if (f->context.empty()) continue;
    auto [it, fresh] = contexts_.try_emplace(f->context);
    context_def& c = it->second;
    if (fresh) {
      c.name = f->context;
      c.is_private = f->is_private;
      c.ttl_seconds = f->cache_seconds;
    } else if (c.is_private != f->is_private) {
      fail(*f, fmt::format("context '{}' mixes private and public functions", c.name));
    }
    c.functions.push_back(f);
    c.rev = std::max(c.rev, f->rev);
    if (!f->cache_seconds) {
      c.ttl_seconds.reset();
    } else if (c.ttl_seconds) {
      c.ttl_seconds = std::min(*c.ttl_seconds, *f->cache_seconds);
    }
    c.needs_user = c.needs_user || f->auth != auth_level::none || f->auth_predicate;
    for (const auto& field : f->fields) {
      auto same = std::find_if(c.params.begin(), c.params.end(),
                               [&](const field_def& p) { return p.name == field.name; });
      if (same == c.params.end()) {
        c.params.push_back(field);
      } else if (same->kind != field.kind || same->int_min != field.int_min ||
                 same->int_max != field.int_max) {
        fail(*f, fmt::format("context '{}' param '{}' is declared with two different types", c.name,
                             field.name));
      }
    }
  }
  // A function without `cache` makes its whole context uncached, whatever the
  // registration order; recompute after all functions are in.
  for (auto& [name, c] : contexts_) {
    std::sort(c.params.begin(), c.params.end(),
              [](const field_def& a, const field_def& b) { return a.name < b.name; });
    for (const auto* f : c.functions) {
      if (!f->cache_seconds) c.ttl_seconds.reset();
    }
    c.specs = specs_of(c.params);
    if (c.is_private) private_contexts_.push_back(name);
  }
}

void catalog::build_routes(std::string_view api_prefix) {
  for (const auto& [name, f] : functions_) {
    if (f->route.empty()) continue;
    route_def r;
    r.function = f;
    r.pattern = f->route;
    try {
      r.segments = parse_route_pattern(f->route);
    } catch (const std::invalid_argument& e) {
      fail(*f, e.what());
    }
    if (f->route.starts_with(api_prefix)) fail(*f, "the route lies under the API prefix");
    r.methods = f->methods.empty() ? std::vector<std::string>{"GET"} : f->methods;
    for (const auto& seg : r.segments) {
      if (seg.param.empty()) continue;
      auto field = std::find_if(f->fields.begin(), f->fields.end(),
                                [&](const field_def& d) { return d.name == seg.param; });
      if (field == f->fields.end()) {
        fail(*f, fmt::format("route param '{}' is not an argument", seg.param));
      }
      if (field->kind != seg.kind) {
        fail(*f, fmt::format("route param '{}' is declared {} but the argument is {}", seg.param,
                             kind_name(seg.kind), kind_name(field->kind)));
      }
    }
    for (const auto& other : routes_) {
      const bool same_shape = other.pattern == r.pattern;
      for (const auto& m : r.methods) {
        if (same_shape &&
            std::find(other.methods.begin(), other.methods.end(), m) != other.methods.end()) {
          fail(*f, fmt::format("route {} {} is also served by '{}'", m, r.pattern,
                               other.function->name));
        }
      }
    }
    routes_.push_back(std::move(r));
  }
}

const function_def* catalog::function(std::string_view name) const {
  const auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : it->second;
}

const context_def* catalog::context(std::string_view name) const {
  const auto it = contexts_.find(name);
  return it == contexts_.end() ? nullptr : &it->second;
}

std::optional<route_match> catalog::match(std::string_view path, std::string_view method) const {
  std::vector<std::string_view> parts;
  for (std::size_t pos = 1; pos <= path.size();) {
    const auto end = std::min(path.find('/', pos), path.size());
    if (end > pos) parts.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  std::optional<route_match> fallback;
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; ok && i < parts.size(); ++i) {
      ok = !r.segments[i].param.empty() || r.segments[i].literal == parts[i];
    }
    if (!ok) continue;
    route_match m;
    m.route = &r;
    // A typed segment that does not coerce means this route does not match.
    for (std::size_t i = 0; ok && i < parts.size(); ++i) {
      const auto& seg = r.segments[i];
      if (seg.param.empty()) continue;
      const auto* field = &*std::find_if(r.function->fields.begin(), r.function->fields.end(),
                                         [&](const field_def& d) { return d.name == seg.param; });
      auto value = coerce_path_segment(*field, parts[i]);
      if (!value)
        ok = false;
      else
        m.params[seg.param] = std::move(*value);
    }
    if (!ok) continue;
    m.method_allowed = std::find(r.methods.begin(), r.methods.end(), method) != r.methods.end() ||
                       (method == "HEAD" &&
                        std::find(r.methods.begin(), r.methods.end(), "GET") != r.methods.end());
    if (m.method_allowed) return m;
    if (!fallback) fallback = std::move(m);
  }
  return fallback;
}

}  // namespace mizan::server
