#include "server/registry/field_coercion.hpp"

#include "mizan/error.hpp"

namespace mizan::server {

params::param_spec spec_of(const detail::field_def& field) {
  params::param_spec spec;
  spec.name = field.name;
  switch (field.kind) {
    case detail::scalar_kind::integer:
      spec.type = params::param_type::integer;
      spec.min = field.int_min;
      spec.max = field.int_max;
      break;
    case detail::scalar_kind::number:
      spec.type = params::param_type::number;
      break;
    case detail::scalar_kind::boolean:
      spec.type = params::param_type::boolean;
      break;
    default:
      spec.type = params::param_type::string;
      break;
  }
  return spec;
}

std::vector<params::param_spec> specs_of(const std::vector<detail::field_def>& fields) {
  std::vector<params::param_spec> specs;
  specs.reserve(fields.size());
  for (const auto& f : fields) specs.push_back(spec_of(f));
  return specs;
}

std::optional<boost::json::value> coerce_path_segment(const detail::field_def& field,
                                                      std::string_view raw) {
  // A path keeps `+` literally, unlike a query string: escape it first.
  std::string query = field.name + "=";
  for (const char ch : raw) {
    if (ch == '+') {
      query += "%2B";
    } else {
      query += ch;
    }
  }
  const params::param_spec spec = spec_of(field);
  try {
    auto parsed = params::parse_query(query, {&spec, 1});
    if (auto* v = parsed.params.if_contains(field.name)) return *v;
  } catch (const error&) {
  }
  return std::nullopt;
}

}  // namespace mizan::server
