// mizan::params::parse_query on arbitrary query strings against a fixed
// schema: it either throws mizan::error or returns params whose canonical
// string is canonical_params of them and reads back to the same params.
#include "mizan/error.hpp"
#include "params/canonical.hpp"
#include "params/query.hpp"

#include "fuzz_check.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using mizan::params::param_spec;
using mizan::params::param_type;

// One param of each type, a bounded integer, and a key that needs encoding.
const std::array<param_spec, 6> schema = {{
    {"id", param_type::integer, 1, 1000},
    {"n", param_type::integer},
    {"q", param_type::string},
    {"price", param_type::number},
    {"done", param_type::boolean},
    {"caf\xc3\xa9 &=+", param_type::string},
}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  mizan::params::parsed_query parsed;
  try {
    parsed = mizan::params::parse_query(query, schema);
  } catch (const mizan::error& e) {
    MIZAN_FUZZ_CHECK(e.status() == 400);
    return 0;
  }
  MIZAN_FUZZ_CHECK(parsed.canonical == mizan::params::canonical_params(parsed.params));

  // The canonical string is a query string of its own, with one reading.
  const auto again = mizan::params::parse_query(parsed.canonical, schema);
  MIZAN_FUZZ_CHECK(again.canonical == parsed.canonical);
  MIZAN_FUZZ_CHECK(again.params == parsed.params);
  return 0;
}
