#include "server/registry/schema.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace mizan::server {
namespace {

std::string_view level_name(auth_level level) {
  switch (level) {
    case auth_level::none:
      return "none";
    case auth_level::user:
      return "user";
    case auth_level::staff:
      return "staff";
    case auth_level::superuser:
      return "superuser";
  }
  return "none";
}

std::string_view auth_name(const function_def& f) {
  return f.auth_predicate ? "predicate" : level_name(f.auth);
}

// The strictest guard of a context's functions: what an edge would have to
// check before serving a copy (it can check none but a user's MWT).
std::string_view context_auth(const context_def& ctx) {
  auth_level level = auth_level::none;
  for (const auto* f : ctx.functions) {
    if (f->auth_predicate) return "predicate";
    level = std::max(level, f->auth);
  }
  return level_name(level);
}

boost::json::value rules_json(const rules& r) {
  boost::json::object o;
  if (r.required) o["required"] = true;
  if (r.min_length) o["min_length"] = *r.min_length;
  if (r.max_length) o["max_length"] = *r.max_length;
  if (r.min) o["min"] = *r.min;
  if (r.max) o["max"] = *r.max;
  if (r.pattern) o["pattern"] = *r.pattern;
  if (r.email) o["email"] = true;
  return o;
}

boost::json::array affects_json(const catalog& cat, const function_def& f) {
  boost::json::array out;
  for (const auto& a : f.affects) {
    out.push_back(boost::json::object{{"context", a.context}, {"scoped", bool(a.scope)}});
  }
  if (f.affects_private_contexts) {
    for (const auto& name : cat.private_contexts()) {
      out.push_back(boost::json::object{{"context", name}, {"scoped", false}});
    }
  }
  return out;
}

boost::json::array params_json(const std::vector<field_def>& fields) {
  boost::json::array out;
  for (const auto& f : fields) {
    boost::json::object p{{"name", f.name}, {"type", kind_name(f.kind)}, {"optional", f.optional}};
    if (f.kind == detail::scalar_kind::integer) {
      p["min"] = f.int_min;
      p["max"] = f.int_max;
    }
    out.push_back(std::move(p));
  }
  return out;
}

boost::json::value optional_int(const std::optional<std::int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object sorted(const boost::json::object& o) {
  std::vector<std::string_view> keys;
  for (const auto& kv : o) keys.push_back(kv.key());
  std::sort(keys.begin(), keys.end());
  boost::json::object out;
  for (auto k : keys) out[k] = o.at(k);
  return out;
}

}  // namespace

boost::json::value schema_of(const catalog& cat) {
  boost::json::array functions;
  std::vector<const function_def*> all;
  for (const auto& f : cat.functions().functions()) all.push_back(&f);
  std::sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const auto* f : all) {
    boost::json::array fields;
    for (const auto& field : f->fields) {
      fields.push_back(
          boost::json::object{{"name", field.name}, {"rules", rules_json(field.rules)}});
    }
    boost::json::array methods;
    for (const auto& m : f->methods) methods.emplace_back(m);
    if (!f->route.empty() && methods.empty()) methods.emplace_back("GET");
    functions.push_back(boost::json::object{
        {"name", f->name},
        {"kind", f->returns_view      ? "view"
                 : f->context.empty() ? "mutation"
                                      : "query"},
        {"context",
         f->context.empty() ? boost::json::value(nullptr) : boost::json::value(f->context)},
        {"args", f->args_type},
        {"fields", std::move(fields)},
        {"result", f->result_type},
        {"affects", affects_json(cat, *f)},
        {"auth", auth_name(*f)},
        {"private", f->is_private},
        {"websocket", f->websocket},
        {"csrf_exempt", f->csrf_exempt},
        // Signing in or out (or rotating the session): clients forget their
        // session and every private context's data (docs/protocol.md).
        {"session", f->affects_private_contexts},
        {"route", f->route.empty() ? boost::json::value(nullptr) : boost::json::value(f->route)},
        {"methods", std::move(methods)},
        {"rev", f->rev},
        {"cache", optional_int(f->cache_seconds)},
    });
  }
  boost::json::array contexts;
  for (const auto& [name, ctx] : cat.contexts()) {
    boost::json::array fns;
    for (const auto* f : ctx.functions) fns.emplace_back(f->name);
    contexts.push_back(boost::json::object{{"name", name},
                                           {"functions", std::move(fns)},
                                           {"params", params_json(ctx.params)},
                                           {"private", ctx.is_private},
                                           {"cache", optional_int(ctx.ttl_seconds)},
                                           {"rev", ctx.rev}});
  }
  boost::json::array channels;
  for (const auto& [name, ch] : cat.channels()) {
    channels.push_back(boost::json::object{
        {"name", name}, {"auth", level_name(ch->auth)}, {"message", ch->message_type}});
  }
  return boost::json::object{{"mizan_schema", 1},
                             {"functions", std::move(functions)},
                             {"contexts", std::move(contexts)},
                             {"channels", std::move(channels)},
                             {"types", sorted(cat.functions().types().types())}};
}

boost::json::value manifest_of(const catalog& cat) {
  const std::string prefix = cat.api_prefix();
  boost::json::array contexts, mutations, routes, pages;
  for (const auto& [name, ctx] : cat.contexts()) {
    contexts.push_back(boost::json::object{{"name", name},
                                           {"path", prefix + "/ctx/" + name + "/"},
                                           {"params", params_json(ctx.params)},
                                           {"ttl", optional_int(ctx.ttl_seconds)},
                                           {"private", ctx.is_private},
                                           {"auth", context_auth(ctx)},
                                           {"rev", ctx.rev}});
  }
  std::vector<const function_def*> all;
  for (const auto& f : cat.functions().functions()) all.push_back(&f);
  std::sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const auto* f : all) {
    if (!f->context.empty() || f->returns_view) continue;
    mutations.push_back(boost::json::object{{"name", f->name},
                                            {"path", prefix + "/call/" + f->name + "/"},
                                            {"affects", affects_json(cat, *f)}});
  }
  for (const auto& r : cat.routes()) {
    boost::json::array methods;
    for (const auto& m : r.methods) methods.emplace_back(m);
    routes.push_back(boost::json::object{{"pattern", r.pattern},
                                         {"methods", std::move(methods)},
                                         {"function", r.function->name},
                                         {"affects", affects_json(cat, *r.function)}});
  }
  // Server-rendered documents: their privacy and lifetime follow their contexts.
  for (const auto& p : cat.functions().pages()) {
    boost::json::array needs;
    for (const auto& pc : p.contexts) {
      needs.push_back(boost::json::object{{"context", pc.context}, {"defaults", pc.defaults}});
    }
    pages.push_back(
        boost::json::object{{"name", p.name}, {"route", p.route}, {"contexts", std::move(needs)}});
  }
  return boost::json::object{
      {"mizan_manifest", 1},
      {"prefix", prefix},
      {"contexts", std::move(contexts)},
      {"mutations", std::move(mutations)},
      {"routes", std::move(routes)},
      {"pages", std::move(pages)},
      {"cache_key",
       boost::json::object{
           {"key", "mizan:c:{context}:{hex}"},
           {"hmac", "sha256"},
           {"input", "mizan-cache-v1\n{context}\n{rev}\n{canonical params}\n{scope}"},
           {"scope", "public | user:{id}"}}},
      {"mwt",
       boost::json::object{{"cookie", "mizan_mwt"}, {"format", "mwt1.{payload}.{signature}"}}},
  };
}

std::string pretty_json(const boost::json::value& v) {
  // Boost.JSON 1.81 has no pretty printer: indent by two spaces per level.
  std::string out;
  auto indent = [&](int level) { out.append(static_cast<std::size_t>(level) * 2, ' '); };
  auto write = [&](auto& self, const boost::json::value& x, int level) -> void {
    if (x.is_object()) {
      const auto& o = x.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      std::size_t i = 0;
      for (const auto& kv : o) {
        indent(level + 1);
        out += boost::json::serialize(boost::json::string(kv.key()));
        out += ": ";
        self(self, kv.value(), level + 1);
        out += ++i < o.size() ? ",\n" : "\n";
      }
      indent(level);
      out += "}";
    } else if (x.is_array()) {
      const auto& a = x.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (std::size_t i = 0; i < a.size(); ++i) {
        indent(level + 1);
        self(self, a[i], level + 1);
        out += i + 1 < a.size() ? ",\n" : "\n";
      }
      indent(level);
      out += "]";
    } else {
      out += boost::json::serialize(x);
    }
  };
  write(write, v, 0);
  out += '\n';
  return out;
}

}  // namespace mizan::server
