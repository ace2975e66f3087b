#include "server/pages/page_inputs.hpp"

#include "params/canonical.hpp"

#include <algorithm>

namespace mizan::server {
namespace {

/// The pairs of `query` whose key (as written) a page param has.
std::string declared_pairs(std::string_view query, const std::vector<params::param_spec>& specs) {
  std::string kept;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto key = pair.substr(0, pair.find('='));
    const bool declared =
        std::any_of(specs.begin(), specs.end(), [&](const auto& s) { return s.name == key; });
    if (!declared) continue;
    if (!kept.empty()) kept += '&';
    kept.append(pair);
  }
  return kept;
}

}  // namespace

page_inputs resolve_page_inputs(const services& svc, const page_match& match,
                                std::string_view query) {
  const page_entry& page = *match.page;
  boost::json::object given =
      params::parse_query(declared_pairs(query, page.query_specs), page.query_specs).params;
  for (const auto& [name, value] : match.route_params) given[name] = value;

  page_inputs in;
  in.lookups.reserve(page.contexts.size());
  in.ssr_keys.reserve(page.contexts.size());
  for (const auto& pc : page.contexts) {
    boost::json::object own = pc.defaults;
    for (const auto& spec : pc.context->specs) {
      if (const auto* v = given.if_contains(spec.name)) own[spec.name] = *v;
    }
    const std::string canonical = params::canonical_params(own);
    in.lookups.push_back(lookup_context(svc, *pc.context, canonical));
    in.ssr_keys.push_back(canonical.empty() ? pc.context->name
                                            : pc.context->name + "?" + canonical);
    for (const auto& [name, value] : in.lookups.back().parsed.params) {
      if (!in.params.contains(name)) in.params[name] = value;
    }
  }
  in.canonical = params::canonical_params(in.params);
  return in;
}

}  // namespace mizan::server
