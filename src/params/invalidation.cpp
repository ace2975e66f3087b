#include "params/invalidation.hpp"

#include "mizan/error.hpp"
#include "params/coerce.hpp"
#include "params/ecma_number.hpp"
#include "params/query.hpp"
#include "params/uri_encode.hpp"
#include "params/utf8.hpp"

#include <algorithm>

namespace mizan::params {
namespace json = boost::json;

namespace {

constexpr std::string_view list_whitespace = " \t";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(list_whitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(list_whitespace) - first + 1);
}

std::string_view view_of(const json::string& text) {
  return {text.data(), text.size()};
}

void check_context_name(std::string_view name) {
  if (!is_valid_context_name(name)) {
    throw error(errc::bad_request, "An invalidation entry names no valid context.");
  }
}

// The JSON value whose canonical text is `text`: a number or boolean where
// that spelling round-trips, else the string itself.
json::value value_of_canonical_text(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  if (const auto integer = detail::parse_integer(text);
      integer && *integer >= -max_safe_integer && *integer <= max_safe_integer) {
    return *integer;
  }
  if (const auto number = detail::parse_number(text);
      number && ecma_number_to_string(*number) == text) {
    return *number;
  }
  return json::string(text);
}

// Calls `visit(key, value)` for each `key=value` of a canonical string until it returns true.
template <class Visit>
bool any_pair(std::string_view canonical, Visit&& visit) {
  while (!canonical.empty()) {
    const std::size_t amp = std::min(canonical.find('&'), canonical.size());
    const std::string_view pair = canonical.substr(0, amp);
    const std::size_t eq = std::min(pair.find('='), pair.size());
    if (visit(pair.substr(0, eq), pair.substr(std::min(eq + 1, pair.size())))) return true;
    canonical.remove_prefix(std::min(amp + 1, canonical.size()));
  }
  return false;
}

struct decoded_pair {
  std::string key;  // decoded: the sort order of canonical strings is that of raw keys
  canonical_pair pair;
};

std::string decode_header_part(std::string_view text) {
  auto decoded = percent_decode(text, false);
  if (!decoded) throw error(errc::bad_request, "An invalidation entry has a malformed escape.");
  if (!is_valid_utf8(*decoded)) {
    throw error(errc::bad_request, "An invalidation entry is not valid UTF-8.");
  }
  return std::move(*decoded);
}

std::vector<canonical_pair> parse_header_params(std::string_view text) {
  std::vector<decoded_pair> decoded;
  while (!text.empty()) {
    const std::size_t amp = std::min(text.find('&'), text.size());
    const std::string_view pair = text.substr(0, amp);
    text.remove_prefix(std::min(amp + 1, text.size()));
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      throw error(errc::bad_request, "An invalidation entry has a param without a value.");
    }
    auto& entry = decoded.emplace_back();
    entry.key = decode_header_part(pair.substr(0, eq));
    entry.pair.first = encode_uri_component(entry.key);
    entry.pair.second = encode_uri_component(decode_header_part(pair.substr(eq + 1)));
  }
  std::sort(decoded.begin(), decoded.end(),
            [](const decoded_pair& a, const decoded_pair& b) { return a.key < b.key; });
  std::vector<canonical_pair> pairs;
  pairs.reserve(decoded.size());
  for (auto& entry : decoded) {
    if (!pairs.empty() && pairs.back().first == entry.pair.first) {
      throw error(errc::bad_request, "An invalidation entry repeats a param.");
    }
    pairs.push_back(std::move(entry.pair));
  }
  return pairs;
}

}  // namespace

bool is_valid_context_name(std::string_view name) noexcept {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

invalidation_entry make_entry(std::string_view context, const json::object& params) {
  check_context_name(context);
  return {std::string(context), canonical_pairs(params)};
}

json::value to_json(const invalidation_entry& entry) {
  if (entry.params.empty()) return json::string(entry.context);
  json::object params;
  params.reserve(entry.params.size());
  for (const auto& [key, value] : entry.params) {
    // Entries hold canonical (decodable) text; anything else is shown as is.
    auto decoded_key = percent_decode(key, false);
    auto decoded_value = percent_decode(value, false);
    params.emplace(decoded_key ? *decoded_key : key,
                   value_of_canonical_text(decoded_value ? *decoded_value : value));
  }
  return json::object{{"context", entry.context}, {"params", std::move(params)}};
}

invalidation_entry from_json(const json::value& value) {
  if (const auto* name = value.if_string()) return make_entry(view_of(*name));
  const auto* object = value.if_object();
  if (object == nullptr) {
    throw error(errc::bad_request,
                "An invalidation entry must be a context name or an object with context and "
                "params.");
  }
  const json::string* context = nullptr;
  const json::object* params = nullptr;
  for (const auto& member : *object) {
    if (member.key() == "context" && member.value().is_string()) {
      context = &member.value().get_string();
    } else if (member.key() == "params" && member.value().is_object()) {
      params = &member.value().get_object();
    } else {
      throw error(errc::bad_request,
                  "An invalidation entry has only a context name and a params object.");
    }
  }
  if (context == nullptr) throw error(errc::bad_request, "An invalidation entry needs a context.");
  return params ? make_entry(view_of(*context), *params) : make_entry(view_of(*context));
}

std::string format_invalidate_header(std::span<const invalidation_entry> entries) {
  std::string out;
  for (const auto& entry : entries) {
    if (!out.empty()) out += ", ";
    out += entry.context;
    if (entry.params.empty()) continue;
    out += '?';
    out += join_canonical(entry.params);
  }
  return out;
}

std::vector<invalidation_entry> parse_invalidate_header(std::string_view header) {
  std::vector<invalidation_entry> entries;
  while (!header.empty()) {
    const std::size_t comma = std::min(header.find(','), header.size());
    const std::string_view item = trim(header.substr(0, comma));
    header.remove_prefix(std::min(comma + 1, header.size()));
    if (item.empty()) continue;
    const std::size_t question = std::min(item.find('?'), item.size());
    auto& entry = entries.emplace_back();
    entry.context = item.substr(0, question);
    check_context_name(entry.context);
    if (question < item.size()) entry.params = parse_header_params(item.substr(question + 1));
  }
  return entries;
}

bool matches(const invalidation_entry& entry, std::string_view context,
             std::string_view instance_params) noexcept {
  if (entry.context != context) return false;
  return std::all_of(entry.params.begin(), entry.params.end(), [&](const canonical_pair& wanted) {
    return any_pair(instance_params, [&](std::string_view key, std::string_view value) {
      return key == wanted.first && value == wanted.second;
    });
  });
}

bool matches(const invalidation_entry& entry, std::string_view context,
             std::span<const canonical_pair> instance_params) noexcept {
  if (entry.context != context) return false;
  return std::all_of(entry.params.begin(), entry.params.end(), [&](const canonical_pair& wanted) {
    return std::any_of(instance_params.begin(), instance_params.end(),
                       [&](const canonical_pair& have) { return have == wanted; });
  });
}

void tag_invoke(json::value_from_tag, json::value& json, const invalidation_entry& entry) {
  json = to_json(entry);
}

invalidation_entry tag_invoke(json::value_to_tag<invalidation_entry>, const json::value& json) {
  return from_json(json);
}

}  // namespace mizan::params
