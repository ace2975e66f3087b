// Internal figures exposed for tests and debugging.
#pragma once

#include <cstddef>

namespace mizan::http::detail {

/// The largest read buffer capacity any closed connection of this process
/// reached. Read buffers are capped (max_header_bytes + 8 KiB), so this stays
/// small whatever a client sends.
std::size_t peak_read_buffer_bytes() noexcept;

}  // namespace mizan::http::detail
