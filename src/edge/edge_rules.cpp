#include "edge/edge_rules.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace mizan::edge {
namespace {

const boost::json::value& member(const boost::json::object& o, std::string_view key,
                                 std::string_view where) {
  const auto* v = o.if_contains(key);
  if (!v) throw std::invalid_argument(fmt::format("manifest: {} has no '{}'", where, key));
  return *v;
}

std::string text(const boost::json::object& o, std::string_view key, std::string_view where) {
  const auto& v = member(o, key, where);
  if (!v.is_string()) throw std::invalid_argument(fmt::format("manifest: {}.{}", where, key));
  return std::string(v.get_string());
}

// Names as the registry allows them; anything else would not be safe to
// splice into a regular expression or VCL.
bool plain_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

std::string escape_regex(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '.' || c == '-') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string canonical_value_pattern(const std::string& type) {
  if (type == "int") return "(?:0|-?[1-9][0-9]{0,15})";
  if (type == "bool") return "(?:true|false)";
  if (type == "float") return "(?:0|-?(?:0|[1-9][0-9]{0,20})(?:\\.[0-9]{0,16}[1-9])?)";
  // A string: encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) as they
  // are and writes everything else as upper-case %XX; an escape of one of
  // those characters is another spelling of the same value.
  return "(?:[A-Za-z0-9_.!~*'()-]|%(?!2[1789ADE]|3[0-9]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])"
         "[0-9A-F]{2})*";
}

edge_rules rules_from_manifest(const boost::json::value& manifest) {
  if (!manifest.is_object()) throw std::invalid_argument("manifest: not a JSON object");
  const auto& m = manifest.get_object();
  const auto& version = member(m, "mizan_manifest", "the manifest");
  if (!version.is_int64() || version.get_int64() != 1) {
    throw std::invalid_argument("manifest: mizan_manifest is not 1");
  }
  edge_rules rules;
  rules.prefix = text(m, "prefix", "the manifest");
  if (const auto* mwt = m.if_contains("mwt"); mwt && mwt->is_object()) {
    rules.mwt_cookie = text(mwt->get_object(), "cookie", "mwt");
  }
  const auto& contexts = member(m, "contexts", "the manifest");
  if (!contexts.is_array()) throw std::invalid_argument("manifest: contexts is not an array");
  for (const auto& c : contexts.get_array()) {
    if (!c.is_object()) throw std::invalid_argument("manifest: a context is not an object");
    const auto& o = c.get_object();
    context_rule r;
    r.name = text(o, "name", "a context");
    if (!plain_name(r.name)) throw std::invalid_argument("manifest: context name " + r.name);
    r.path = text(o, "path", r.name);
    const auto& priv = member(o, "private", r.name);
    r.is_private = priv.is_bool() && priv.get_bool();
    if (const auto& rev = member(o, "rev", r.name); rev.is_int64()) r.rev = rev.get_int64();
    const auto& ttl = member(o, "ttl", r.name);
    const std::string auth = o.contains("auth") ? text(o, "auth", r.name) : "predicate";
    const bool checkable = auth == "none" || (r.is_private && auth == "user");
    if (ttl.is_int64() && ttl.get_int64() > 0 && checkable) {
      r.ttl = ttl.get_int64();
      r.cacheable = true;
    }
    const auto& params = member(o, "params", r.name);
    if (!params.is_array()) throw std::invalid_argument("manifest: " + r.name + ".params");
    for (const auto& p : params.get_array()) {
      if (!p.is_object()) throw std::invalid_argument("manifest: " + r.name + ".params");
      param_rule pr{text(p.get_object(), "name", r.name), text(p.get_object(), "type", r.name)};
      if (!plain_name(pr.name)) throw std::invalid_argument("manifest: param name " + pr.name);
      if (pr.type != "int" && pr.type != "float" && pr.type != "bool" && pr.type != "str") {
        throw std::invalid_argument("manifest: param type " + pr.type);
      }
      r.params.push_back(std::move(pr));
    }
    std::sort(r.params.begin(), r.params.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    // `&` is put before the query when matching, so each pair is `&k=v`,
    // present at most once, in key order.
    r.canonical_query = "^";
    for (const auto& p : r.params) {
      r.canonical_query +=
          fmt::format("(?:&{}={})?", escape_regex(p.name), canonical_value_pattern(p.type));
    }
    r.canonical_query += "$";
    rules.contexts.push_back(std::move(r));
  }
  std::sort(rules.contexts.begin(), rules.contexts.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return rules;
}

}  // namespace mizan::edge
