#include "gen/schema_hash.hpp"

#include "core/fingerprint.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace mizan::gen {
namespace {

boost::json::value canonical(const boost::json::value& v);

boost::json::object canonical_object(const boost::json::object& o) {
  std::vector<std::pair<std::string_view, const boost::json::value*>> members;
  members.reserve(o.size());
  for (const auto& m : o) members.emplace_back(m.key(), &m.value());
  std::sort(members.begin(), members.end());
  boost::json::object out;
  for (const auto& [key, value] : members) out.emplace(key, canonical(*value));
  return out;
}

boost::json::value canonical(const boost::json::value& v) {
  if (v.is_object()) return canonical_object(v.as_object());
  if (!v.is_array()) return v;
  boost::json::array out;
  for (const auto& item : v.as_array()) out.push_back(canonical(item));
  return out;
}

std::string_view name_of(const boost::json::value& v) {
  const auto* o = v.if_object();
  const auto* name = o ? o->if_contains("name") : nullptr;
  return name && name->is_string() ? std::string_view(name->get_string()) : std::string_view{};
}

}  // namespace

std::string schema_hash(const boost::json::value& schema) {
  auto value = canonical(schema);
  if (auto* top = value.if_object()) {
    for (const auto* list : {"functions", "contexts", "channels"}) {
      auto* items = top->if_contains(list);
      if (!items || !items->is_array()) continue;
      auto& array = items->as_array();
      std::stable_sort(array.begin(), array.end(),
                       [](const auto& a, const auto& b) { return name_of(a) < name_of(b); });
    }
  }
  return fingerprint::short_id(boost::json::serialize(value));
}

}  // namespace mizan::gen
