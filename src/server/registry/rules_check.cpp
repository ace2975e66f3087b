#include "server/registry/rules_check.hpp"

#include "params/ecma_number.hpp"

#include <fmt/format.h>

#include <map>
#include <regex>

namespace mizan::server {
namespace {

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Compiled patterns, per thread so that no lock is shared across threads.
const std::regex& compiled(const std::string& pattern) {
  thread_local std::map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern)).first;
  return it->second;
}

bool looks_like_email(std::string_view s) {
  // The same deliberately simple shape the TypeScript forms use.
  static const std::regex re(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)");
  return std::regex_match(s.begin(), s.end(), re);
}

}  // namespace

std::size_t code_point_length(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (const char ch : utf8) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

void check_field_rules(const detail::field_def& field, const boost::json::value* value,
                       field_errors& errors) {
  const auto& r = field.rules;
  auto add = [&](std::string message) { errors[field.name].push_back(std::move(message)); };
  const bool absent = value == nullptr || value->is_null();
  if (absent || (value->is_string() && is_blank(value->get_string()))) {
    // Like Django, an empty optional value skips the other rules.
    if (r.required) add("This field is required.");
    return;
  }
  if (value->is_string()) {
    const std::string_view s = value->get_string();
    const auto length = code_point_length(s);
    if (r.min_length && length < *r.min_length) {
      add(fmt::format("Ensure this field has at least {} characters.", *r.min_length));
    }
    if (r.max_length && length > *r.max_length) {
      add(fmt::format("Ensure this field has no more than {} characters.", *r.max_length));
    }
    if (r.pattern && !std::regex_match(s.begin(), s.end(), compiled(*r.pattern))) {
      add("Enter a valid value.");
    }
    if (r.email && !looks_like_email(s)) add("Enter a valid email address.");
  } else if (value->is_number()) {
    const double x = value->to_number<double>();
    if (r.min && x < *r.min) {
      add(fmt::format("Ensure this value is greater than or equal to {}.",
                      params::ecma_number_to_string(*r.min)));
    }
    if (r.max && x > *r.max) {
      add(fmt::format("Ensure this value is less than or equal to {}.",
                      params::ecma_number_to_string(*r.max)));
    }
  }
}

}  // namespace mizan::server
