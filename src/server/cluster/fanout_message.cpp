#include "server/cluster/fanout_message.hpp"

#include "mizan/detail/encode.hpp"
#include "params/invalidation.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace mizan::server {
namespace {

void append_member(std::string& out, std::string_view name) {
  out += ',';
  mizan::detail::append_json_string(out, name);
  out += ':';
}

std::optional<std::int64_t> integer(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

bool read_effects(const boost::json::object& o, mutation_effects& e) {
  if (const auto* v = o.if_contains("invalidate")) {
    if (!v->is_string()) return false;
    e.invalidate = params::parse_invalidate_header(v->get_string());
  }
  if (const auto* v = o.if_contains("user")) {
    if (!(e.user_id = integer(*v))) return false;
  }
  if (const auto* v = o.if_contains("users")) {
    if (!v->is_array()) return false;
    for (const auto& id : v->get_array()) {
      const auto n = integer(id);
      if (!n) return false;
      e.other_users.push_back(*n);
    }
  }
  if (const auto* v = o.if_contains("session")) {
    if (!v->is_string()) return false;
    e.ended_session = v->get_string();
  }
  if (const auto* v = o.if_contains("sessions_of")) {
    if (!(e.ended_sessions_of = integer(*v))) return false;
  }
  if (const auto* v = o.if_contains("published")) {
    if (!v->is_array()) return false;
    for (const auto& item : v->get_array()) {
      const auto* pair = item.if_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
        return false;
      }
      e.published.emplace_back((*pair)[0].get_string(), (*pair)[1].get_string());
    }
  }
  return true;
}

}  // namespace

std::string encode_fanout(std::string_view from, const mutation_effects& effects) {
  std::string out = R"({"v":1)";
  append_member(out, "from");
  mizan::detail::append_json_string(out, from);
  if (!effects.invalidate.empty()) {
    append_member(out, "invalidate");
    mizan::detail::append_json_string(out, params::format_invalidate_header(effects.invalidate));
  }
  if (effects.user_id) {
    append_member(out, "user");
    out += std::to_string(*effects.user_id);
  }
  if (!effects.other_users.empty()) {
    append_member(out, "users");
    out += '[';
    for (std::size_t i = 0; i < effects.other_users.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(effects.other_users[i]);
    }
    out += ']';
  }
  if (!effects.ended_session.empty()) {
    append_member(out, "session");
    mizan::detail::append_json_string(out, effects.ended_session);
  }
  if (effects.ended_sessions_of) {
    append_member(out, "sessions_of");
    out += std::to_string(*effects.ended_sessions_of);
  }
  if (!effects.published.empty()) {
    append_member(out, "published");
    out += '[';
    for (std::size_t i = 0; i < effects.published.size(); ++i) {
      if (i) out += ',';
      out += '[';
      mizan::detail::append_json_string(out, effects.published[i].first);
      out += ',';
      mizan::detail::append_json_string(out, effects.published[i].second);
      out += ']';
    }
    out += ']';
  }
  out += '}';
  return out;
}

std::string encode_missed(std::string_view from) {
  std::string out = R"({"v":1)";
  append_member(out, "from");
  mizan::detail::append_json_string(out, from);
  out += R"(,"missed":true})";
  return out;
}

std::optional<fanout_message> decode_fanout(std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(text, ec);
  if (ec || !json.is_object()) return std::nullopt;
  const auto& o = json.get_object();
  const auto* version = o.if_contains("v");
  const auto* from = o.if_contains("from");
  if (!version || integer(*version) != 1 || !from || !from->is_string()) return std::nullopt;
  fanout_message m;
  m.from = from->get_string();
  if (const auto* missed = o.if_contains("missed")) {
    if (!missed->is_bool()) return std::nullopt;
    m.missed = missed->get_bool();
    if (m.missed) return m;
  }
  try {
    if (!read_effects(o, m.effects)) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;  // an entry the header form refuses
  }
  return m;
}

}  // namespace mizan::server
