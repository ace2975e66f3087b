// mizan::json::parse_strict on arbitrary bytes: no crash, and whatever it
// accepts survives a round trip through both serializers unchanged.
#include "core/json_strict.hpp"

#include "fuzz_check.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using mizan::json::limits;
using mizan::json::parse_strict;

// Equality that also tells -0.0 from 0.0 and keeps int64 apart from double,
// which boost::json::value's operator== does not.
bool same(const boost::json::value& a, const boost::json::value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case boost::json::kind::double_:
      return std::bit_cast<std::uint64_t>(a.get_double()) ==
             std::bit_cast<std::uint64_t>(b.get_double());
    case boost::json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!same(x[i], y[i])) return false;
      }
      return true;
    }
    case boost::json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& member : x) {
        const auto* other = y.if_contains(member.key());
        if (!other || !same(member.value(), *other)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

void check(std::string_view text, const limits& lim) {
  const auto r = parse_strict(text, lim);
  if (!r) {
    MIZAN_FUZZ_CHECK(r.value.is_null());
    return;
  }
  // Boost writes doubles in shortest round-trip form, so a correctly rounded
  // reader gets the very same bits back.
  const std::string plain = boost::json::serialize(r.value);
  const auto again = parse_strict(plain, lim);
  MIZAN_FUZZ_CHECK(again.ok());
  MIZAN_FUZZ_CHECK(same(again.value, r.value));

  const std::string safe = mizan::json::serialize_safe_for_script(r.value);
  MIZAN_FUZZ_CHECK(safe.find_first_of("<>&") == std::string::npos);
  MIZAN_FUZZ_CHECK(safe.find("\xe2\x80\xa8") == std::string::npos);
  MIZAN_FUZZ_CHECK(safe.find("\xe2\x80\xa9") == std::string::npos);
  const auto from_safe = parse_strict(safe, lim);
  MIZAN_FUZZ_CHECK(from_safe.ok());
  MIZAN_FUZZ_CHECK(same(from_safe.value, r.value));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(text, limits{});
  check(text, limits{4});

  // As the token readers call it: the value in a small monotonic buffer.
  std::array<unsigned char, 512> buffer;
  boost::json::monotonic_resource mr(buffer.data(), buffer.size());
  const auto in_buffer = parse_strict(text, limits{16}, &mr);
  MIZAN_FUZZ_CHECK(in_buffer.ok() == parse_strict(text, limits{16}).ok());
  return 0;
}
