#include "params/canonical.hpp"

#include "mizan/detail/encode.hpp"
#include "mizan/error.hpp"
#include "params/bad_param.hpp"
#include "params/ecma_number.hpp"
#include "params/uri_encode.hpp"
#include "params/utf8.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace mizan::params {
namespace json = boost::json;

namespace {

// Integers up to this magnitude are exact doubles, so JavaScript prints them digit for digit.
constexpr std::uint64_t exact_limit = std::uint64_t{1} << 53;

char* write_integer(char* first, std::int64_t value) {
  const std::uint64_t magnitude =
      value < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(value) : value;
  if (magnitude <= exact_limit) return std::to_chars(first, first + 24, value).ptr;
  return write_ecma_number(first, static_cast<double>(value));
}

char* write_unsigned(char* first, std::uint64_t value) {
  if (value <= exact_limit) return std::to_chars(first, first + 24, value).ptr;
  return write_ecma_number(first, static_cast<double>(value));
}

std::string_view key_of(const json::key_value_pair& member) {
  const auto key = member.key();
  return {key.data(), key.size()};
}

void append_encoded_key(std::string& out, std::string_view key) {
  if (!is_valid_utf8(key)) throw error(errc::bad_request, "A param name is not valid UTF-8.");
  append_uri_component(out, key);
}

// The canonical text of a scalar param before percent-encoding, checked:
// strings as they are (valid UTF-8), booleans, numbers as JavaScript writes
// them. `number` is scratch space for a number's text.
struct scalar_text {
  std::string_view text;
  bool is_string = false;
};

scalar_text text_of(std::string_view key, const json::value& value,
                    std::array<char, ecma_number_max_chars>& number) {
  char* number_end = number.data();
  switch (value.kind()) {
    case json::kind::string: {
      const auto& text = value.get_string();
      const std::string_view view(text.data(), text.size());
      if (!is_valid_utf8(view)) detail::raise_bad_param(key, "is not valid UTF-8.");
      return {view, true};
    }
    case json::kind::bool_:
      return {value.get_bool() ? "true" : "false"};
    case json::kind::int64:
      number_end = write_integer(number.data(), value.get_int64());
      break;
    case json::kind::uint64:
      number_end = write_unsigned(number.data(), value.get_uint64());
      break;
    case json::kind::double_:
      if (!std::isfinite(value.get_double())) detail::raise_bad_param(key, "must be finite.");
      number_end = write_ecma_number(number.data(), value.get_double());
      break;
    case json::kind::null:
    case json::kind::array:
    case json::kind::object:
      detail::raise_bad_param(key, "must be a string, number, boolean or null.");
  }
  return {std::string_view(number.data(), number_end - number.data())};
}

void append_encoded_value(std::string& out, std::string_view key, const json::value& value) {
  std::array<char, ecma_number_max_chars> number;
  // Exponents carry a '+' ("1e+21"), which encodeURIComponent escapes.
  append_uri_component(out, text_of(key, value, number).text);
}

// Calls `visit(key, value)` for the non-null members in UTF-8 byte order of
// their keys, sorting pointers in place for the usual handful of params.
template <class Visit>
void for_each_sorted(const json::object& params, Visit&& visit) {
  constexpr std::size_t inline_size = 16;
  std::array<const json::key_value_pair*, inline_size> inline_members;
  std::vector<const json::key_value_pair*> heap_members;
  const json::key_value_pair** members = inline_members.data();
  if (params.size() > inline_size) {
    heap_members.resize(params.size());
    members = heap_members.data();
  }
  std::size_t count = 0;
  for (const auto& member : params) {
    if (!member.value().is_null()) members[count++] = &member;
  }
  // std::string_view compares as unsigned bytes (char_traits<char>), i.e. UTF-8 order.
  std::sort(members, members + count,
            [](const auto* a, const auto* b) { return key_of(*a) < key_of(*b); });
  for (std::size_t i = 0; i < count; ++i) visit(key_of(*members[i]), members[i]->value());
}

}  // namespace

std::string_view type_name(param_type type) noexcept {
  switch (type) {
    case param_type::string:
      return "string";
    case param_type::integer:
      return "integer";
    case param_type::number:
      return "number";
    case param_type::boolean:
      return "boolean";
  }
  return "string";
}

json::value to_json(const param_value& value) {
  return std::visit([](const auto& v) { return json::value(v); }, value);
}

std::string canonical_params(const json::object& params) {
  std::string out;
  for_each_sorted(params, [&](std::string_view key, const json::value& value) {
    if (!out.empty()) out += '&';
    append_encoded_key(out, key);
    out += '=';
    append_encoded_value(out, key, value);
  });
  return out;
}

std::vector<canonical_pair> canonical_pairs(const json::object& params) {
  std::vector<canonical_pair> pairs;
  pairs.reserve(params.size());
  for_each_sorted(params, [&](std::string_view key, const json::value& value) {
    auto& pair = pairs.emplace_back();
    append_encoded_key(pair.first, key);
    append_encoded_value(pair.second, key, value);
  });
  return pairs;
}

void append_params_json(std::string& out, const json::object& params) {
  std::array<char, ecma_number_max_chars> number;
  out += '{';
  bool first = true;
  for_each_sorted(params, [&](std::string_view key, const json::value& value) {
    if (!is_valid_utf8(key)) throw error(errc::bad_request, "A param name is not valid UTF-8.");
    const auto scalar = text_of(key, value, number);
    if (!first) out += ',';
    first = false;
    mizan::detail::append_json_string(out, key);
    out += ':';
    if (scalar.is_string) {
      mizan::detail::append_json_string(out, scalar.text);
    } else {
      out += scalar.text;  // a number's canonical text is a JSON number
    }
  });
  out += '}';
}

std::string join_canonical(std::span<const canonical_pair> pairs) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out.append(key).append(1, '=').append(value);
  }
  return out;
}

void append_value_text(std::string& out, const param_value& value) {
  char number[ecma_number_max_chars];
  switch (value.index()) {
    case 0:
      out += std::get<std::string>(value);
      return;
    case 1:
      out.append(number, write_integer(number, std::get<std::int64_t>(value)));
      return;
    case 2:
      out.append(number, write_ecma_number(number, std::get<double>(value)));
      return;
    case 3:
      out += std::get<bool>(value) ? "true" : "false";
      return;
  }
}

}  // namespace mizan::params
