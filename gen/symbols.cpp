#include "gen/symbols.hpp"

#include <fmt/format.h>

namespace mizan::gen::detail {

void symbols::claim(const std::string& name, std::string_view what) {
  const auto [it, fresh] = owners_.emplace(name, what);
  if (!fresh) {
    throw schema_error(fmt::format(
        "schema: {} and {} would both be named '{}' in the generated TypeScript; rename one",
        it->second, what, name));
  }
}

}  // namespace mizan::gen::detail
