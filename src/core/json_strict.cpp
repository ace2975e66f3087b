#include "core/json_strict.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <memory_resource>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace mizan::json {
namespace detail {

// The parser recurses once per nesting level; past this a caller's limit
// would trade a clean error for a risk to the thread's stack.
constexpr std::size_t max_depth_ceiling = 1000;

// Why the handler stopped the parser; Boost itself only sees a generic error.
enum class refusal { none, duplicate_key, non_finite_number, unsafe_integer };

// Boost.JSON writes numbers with a fraction or an exponent using these.
inline bool has_fraction_or_exponent(std::string_view number) noexcept {
  return number.find_first_of(".eE") != std::string_view::npos;
}

// Boost.JSON 1.81 is not correctly rounded (123456789012345680000.0 reads one
// ulp low, 1.7976931348623158e308 as infinity); std::from_chars is, as
// JavaScript's JSON.parse. `approx` is Boost's reading, consulted only for the
// direction in which a literal left the range of double: libstdc++ reports
// underflow as out of range too, where JavaScript reads a signed zero.
// Returns nullopt when the literal rounds to infinity.
inline std::optional<double> exact_double(std::string_view literal, double approx) noexcept {
  const char* const last = literal.data() + literal.size();
  double d = 0;
  const auto [end, ec] = std::from_chars(literal.data(), last, d);
  if (ec == std::errc{} && end == last) return d;
  if (ec == std::errc::result_out_of_range && std::fabs(approx) < 1) {
    return std::copysign(0.0, approx);
  }
  return std::nullopt;  // overflow; the parser has already checked the grammar
}

// Feeds a value_stack exactly as boost::json::parser's own handler does, and
// refuses what that handler lets through. The keys of open objects form a
// stack (an object's keys lie above those of its ancestors) and are checked
// when their object closes, by sorting: O(n log n) whatever the keys are,
// where a hash set could be flooded with colliding keys.
class strict_handler {
 public:
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;

  strict_handler(std::pmr::memory_resource* scratch, unsigned char* temp, std::size_t temp_size)
      : st({}, temp, temp_size), key_bytes_(scratch), keys_(scratch), number_(scratch) {}

  boost::json::value_stack st;
  refusal why = refusal::none;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t n, error_code& ec) {
    if (has_duplicate_key(n)) return refuse(refusal::duplicate_key, ec);
    pop_keys(n);
    st.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    begin_key();
    key_bytes_.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    begin_key();
    key_bytes_.append(s.data(), s.size());
    keys_.push_back({key_start_, key_bytes_.size() - key_start_});
    in_key_ = false;
    st.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    st.push_string(s);
    return true;
  }
  // A number arrives in parts only when the input is split mid-number; the
  // whole text is then needed to read it again exactly.
  bool on_number_part(string_view s, error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, string_view, error_code& ec) {
    number_.clear();
    if (i > max_safe_integer || i < -max_safe_integer) return refuse(refusal::unsafe_integer, ec);
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t, string_view, error_code& ec) {
    number_.clear();
    return refuse(refusal::unsafe_integer, ec);  // above INT64_MAX, so above 2^53
  }
  bool on_double(double approx, string_view s, error_code& ec) {
    std::string_view literal(s.data(), s.size());
    if (!number_.empty()) literal = number_.append(s.data(), s.size());
    const auto d = exact_double(literal, approx);
    const bool integer_literal = !has_fraction_or_exponent(literal);
    number_.clear();
    if (!d) return refuse(refusal::non_finite_number, ec);
    // An integer literal reaches here only when it overflowed 64 bits.
    if (integer_literal) return refuse(refusal::unsafe_integer, ec);
    st.push_double(*d);
    return true;
  }
  bool on_bool(bool b, error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    st.push_null();
    return true;
  }
  // Comments are disabled in the parse options; these are never called.
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  struct key_ref {
    std::size_t offset;
    std::size_t size;
  };

  bool refuse(refusal r, error_code& ec) {
    why = r;
    ec = boost::json::error::syntax;
    return false;
  }

  void begin_key() {
    if (!in_key_) key_start_ = key_bytes_.size();
    in_key_ = true;
  }

  std::string_view key(const key_ref& k) const noexcept {
    return {key_bytes_.data() + k.offset, k.size};
  }

  bool has_duplicate_key(std::size_t n) {
    if (n < 2) return false;
    const auto first = keys_.end() - static_cast<std::ptrdiff_t>(n);
    const auto less = [this](const key_ref& a, const key_ref& b) { return key(a) < key(b); };
    const auto same = [this](const key_ref& a, const key_ref& b) { return key(a) == key(b); };
    std::sort(first, keys_.end(), less);
    return std::adjacent_find(first, keys_.end(), same) != keys_.end();
  }

  void pop_keys(std::size_t n) {
    if (n == 0) return;
    key_bytes_.resize(keys_[keys_.size() - n].offset);
    keys_.resize(keys_.size() - n);
  }

  std::pmr::string key_bytes_;
  std::pmr::vector<key_ref> keys_;
  std::size_t key_start_ = 0;
  std::pmr::string number_;  // the parts of a number split across inputs
  bool in_key_ = false;
};

std::string describe(const boost::json::error_code& ec, refusal why, std::size_t offset,
                     std::size_t max_depth) {
  std::string what;
  switch (why) {
    case refusal::duplicate_key:
      what = "duplicate key in object";
      break;
    case refusal::non_finite_number:
      what = "number out of range";
      break;
    case refusal::unsafe_integer:
      what = "integer magnitude above 2^53 - 1";
      break;
    case refusal::none:
      if (ec == boost::json::error::too_deep) {
        what = "nesting deeper than " + std::to_string(max_depth);
      } else if (ec == boost::json::error::extra_data) {
        what = "unexpected data after the document";
      } else if (ec == boost::json::error::incomplete) {
        what = "incomplete document";
      } else {
        // Boost reports invalid UTF-8 as a syntax error too.
        what = "invalid JSON or UTF-8 (" + ec.message() + ")";
      }
      break;
  }
  return what + " at byte " + std::to_string(offset);
}

}  // namespace detail

parse_result parse_strict(std::string_view text, const limits& lim, boost::json::storage_ptr sp) {
  // Stack buffers so that small documents (tokens, typical bodies) need no
  // allocation besides the value itself.
  std::array<std::byte, 1024> scratch_buffer;
  std::pmr::monotonic_buffer_resource scratch(scratch_buffer.data(), scratch_buffer.size());
  std::array<unsigned char, 1024> temp;

  boost::json::parse_options opt;
  opt.max_depth = std::min(lim.max_depth, detail::max_depth_ceiling);
  boost::json::basic_parser<detail::strict_handler> parser(opt, &scratch, temp.data(), temp.size());
  parser.handler().st.reset(std::move(sp));

  boost::json::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = boost::json::error::extra_data;
  if (ec) {
    return {nullptr, detail::describe(ec, parser.handler().why, used, opt.max_depth)};
  }
  return {parser.handler().st.release(), {}};
}

std::string serialize_safe_for_script(const boost::json::value& v) {
  std::string text = boost::json::serialize(v);

  // Outside strings Boost.JSON writes only lower-case literals, digits, `E`
  // and punctuation, so an `I` or `N` there is Infinity or NaN.
  std::size_t extra = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      if (c == 'I' || c == 'N') {
        throw std::invalid_argument("serialize_safe_for_script: non-finite number");
      }
    } else if (c == '\\') {
      ++i;
    } else if (c == '"') {
      in_string = false;
    } else if (c == '<' || c == '>' || c == '&') {
      extra += 5;
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      extra += 3;
    }
  }
  if (extra == 0) return text;

  std::string out;
  out.reserve(text.size() + extra);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "\\u003C";
    } else if (c == '>') {
      out += "\\u003E";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace mizan::json
