#include "params/query.hpp"

#include "mizan/error.hpp"
#include "params/bad_param.hpp"
#include "params/coerce.hpp"
#include "params/ecma_number.hpp"
#include "params/uri_encode.hpp"
#include "params/utf8.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

namespace mizan::params {
namespace {

struct found_param {
  const param_spec* spec;
  std::string_view raw_value;
};

// Percent-decodes into `scratch` only when needed: most keys and values
// contain neither '%' nor '+' and are used in place.
bool decode(std::string_view raw, std::string& scratch, std::string_view& decoded) {
  if (raw.find_first_of("%+") == std::string_view::npos) {
    decoded = raw;
    return true;
  }
  scratch.clear();
  if (!append_percent_decoded(scratch, raw, true)) return false;
  decoded = scratch;
  return true;
}

const param_spec* find_spec(std::span<const param_spec> schema, std::string_view name) {
  for (const auto& spec : schema) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

[[noreturn]] void raise_integer_range(const param_spec& spec, std::int64_t min, std::int64_t max) {
  detail::raise_bad_param(spec.name, "must be an integer from " + std::to_string(min) + " to " +
                                         std::to_string(max) + ".");
}

// Coerces one decoded value, adding it to the object and the canonical string.
void add_value(const param_spec& spec, std::string_view value, parsed_query& out) {
  char number[ecma_number_max_chars];
  switch (spec.type) {
    case param_type::string:
      if (!is_valid_utf8(value)) detail::raise_bad_param(spec.name, "is not valid UTF-8.");
      out.params.emplace(spec.name, value);
      append_uri_component(out.canonical, value);
      return;
    case param_type::integer: {
      const auto min = std::max(spec.min, -max_safe_integer);
      const auto max = std::min(spec.max, max_safe_integer);
      const auto parsed = detail::parse_integer(value);
      if (!parsed || *parsed < min || *parsed > max) raise_integer_range(spec, min, max);
      out.params.emplace(spec.name, *parsed);
      out.canonical.append(number, std::to_chars(number, number + sizeof number, *parsed).ptr);
      return;
    }
    case param_type::number: {
      const auto parsed = detail::parse_number(value);
      if (!parsed) detail::raise_bad_param(spec.name, "must be a finite number.");
      out.params.emplace(spec.name, *parsed);
      // Exponents carry a '+' ("1e+21"), which encodeURIComponent escapes.
      append_uri_component(out.canonical,
                           std::string_view(number, write_ecma_number(number, *parsed) - number));
      return;
    }
    case param_type::boolean:
      if (value != "true" && value != "false") {
        detail::raise_bad_param(spec.name, "must be true or false.");
      }
      out.params.emplace(spec.name, value == "true");
      out.canonical += value;
      return;
  }
}

}  // namespace

parsed_query parse_query(std::string_view query, std::span<const param_spec> schema) {
  // Accepted keys are distinct declared names, so there are at most schema.size().
  constexpr std::size_t inline_size = 16;
  std::array<found_param, inline_size> inline_found;
  std::vector<found_param> heap_found;
  found_param* found = inline_found.data();
  if (schema.size() > inline_size) {
    heap_found.resize(schema.size());
    found = heap_found.data();
  }
  std::size_t count = 0;
  std::string scratch;

  for (std::size_t pos = 0; pos <= query.size();) {
    const std::size_t amp = std::min(query.find('&', pos), query.size());
    const std::string_view pair = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string_view raw_key = pair.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::string_view key;
    if (!decode(raw_key, scratch, key)) {
      throw error(errc::bad_request, "A param name has a malformed percent escape.");
    }
    const param_spec* spec = find_spec(schema, key);
    if (spec == nullptr) {
      if (!is_valid_utf8(key)) throw error(errc::bad_request, "A param name is not valid UTF-8.");
      detail::raise_bad_param(key, "is not declared by this context.");
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (found[i].spec == spec) detail::raise_bad_param(spec->name, "is repeated.");
    }
    found[count++] = {spec, raw_value};
  }

  std::sort(found, found + count, [](const found_param& a, const found_param& b) {
    return std::string_view(a.spec->name) < std::string_view(b.spec->name);
  });
  parsed_query out;
  out.params.reserve(count);
  out.canonical.reserve(query.size() + 8 * count);
  for (std::size_t i = 0; i < count; ++i) {
    const param_spec& spec = *found[i].spec;
    std::string_view value;
    if (!decode(found[i].raw_value, scratch, value)) {
      detail::raise_bad_param(spec.name, "has a malformed percent escape.");
    }
    if (i > 0) out.canonical += '&';
    append_uri_component(out.canonical, spec.name);
    out.canonical += '=';
    add_value(spec, value, out);
  }
  return out;
}

}  // namespace mizan::params
