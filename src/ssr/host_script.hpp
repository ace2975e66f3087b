// The renderer host script (src/ssr/renderer_host.mjs), embedded at build
// time: CMake writes it into a generated .cpp as a raw string literal.
#pragma once

#include <string_view>

namespace mizan::ssr::detail {

extern const std::string_view host_script;

}  // namespace mizan::ssr::detail
