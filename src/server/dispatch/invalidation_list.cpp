#include "server/dispatch/invalidation_list.hpp"

#include "mizan/detail/encode.hpp"

namespace mizan::server {
namespace {

void add_whole(invalidation_list& list, const std::string& context) {
  if (list.json.size() > 1) list.json += ',';
  detail::append_json_string(list.json, context);
  list.entries.push_back(params::invalidation_entry{context, {}});
}

}  // namespace

invalidation_list affected_by(const detail::function_def& f,
                              std::span<const boost::json::object> scopes,
                              std::span<const std::string> private_contexts) {
  invalidation_list list;
  list.json.resize(1);  // "[", entries follow (not = "[": a GCC 12 -Wrestrict false positive)
  for (const auto& a : f.affects) {
    if (!a.scope) add_whole(list, a.context);
  }
  std::size_t next_scope = 0;
  for (const auto& a : f.affects) {
    if (!a.scope || next_scope == scopes.size()) continue;
    const auto& scope = scopes[next_scope++];
    auto entry = params::make_entry(a.context, scope);
    if (entry.params.empty()) {
      add_whole(list, a.context);  // every param null: the whole context
      continue;
    }
    if (list.json.size() > 1) list.json += ',';
    list.json += R"({"context":)";
    detail::append_json_string(list.json, a.context);
    list.json += R"(,"params":)";
    params::append_params_json(list.json, scope);
    list.json += '}';
    list.entries.push_back(std::move(entry));
  }
  if (f.affects_private_contexts) {
    for (const auto& name : private_contexts) add_whole(list, name);
  }
  list.json += ']';
  return list;
}

}  // namespace mizan::server
