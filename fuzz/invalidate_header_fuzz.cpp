// mizan::params::parse_invalidate_header on arbitrary header values: it either
// throws mizan::error or returns entries that survive both wire forms (header
// and JSON) unchanged and match the instance they describe.
#include "mizan/error.hpp"
#include "params/canonical.hpp"
#include "params/invalidation.hpp"

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace params = mizan::params;
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  std::vector<params::invalidation_entry> entries;
  try {
    entries = params::parse_invalidate_header(header);
  } catch (const mizan::error& e) {
    MIZAN_FUZZ_CHECK(e.status() == 400);
    return 0;
  }

  // The formatted header is canonical: it reads back to the same entries.
  const auto formatted = params::format_invalidate_header(entries);
  MIZAN_FUZZ_CHECK(params::parse_invalidate_header(formatted) == entries);

  for (const auto& entry : entries) {
    MIZAN_FUZZ_CHECK(params::is_valid_context_name(entry.context));
    MIZAN_FUZZ_CHECK(params::from_json(params::to_json(entry)) == entry);
    // An entry covers the instance whose params are exactly its own.
    const auto instance = params::join_canonical(entry.params);
    MIZAN_FUZZ_CHECK(params::matches(entry, entry.context, instance));
    MIZAN_FUZZ_CHECK(params::matches(entry, entry.context, std::span(entry.params)));
    MIZAN_FUZZ_CHECK(!params::matches(entry, entry.context + "x", instance));
  }
  return 0;
}
