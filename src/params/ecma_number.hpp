// Numbers written exactly as JavaScript writes them, so that canonical params
// (PROTOCOL.md §2) are byte-identical in C++ and TypeScript.
#pragma once

#include <cstddef>
#include <string>

namespace mizan::params {

/// Room `write_ecma_number` needs: the longest output is 25 characters
/// (`-0.0000012345678901234567`).
inline constexpr std::size_t ecma_number_max_chars = 32;

/// Writes `value` as `append_ecma_number` does into `first`, which must have
/// room for `ecma_number_max_chars` characters; returns the end. No allocation.
char* write_ecma_number(char* first, double value) noexcept;

/// Appends `value` as ECMAScript `Number.prototype.toString()` (radix 10) writes it.
///
/// Shortest round-trip digits laid out by ECMAScript 2023 §6.1.6.1.20: plain
/// integers below 1e21 (`100`, `123456789012345680000`), plain decimals down to
/// 1e-6 (`0.000001`), exponent form otherwise (`1e+21`, `1.5e-7`); `-0` is `0`.
/// Precondition: `value` is finite (callers refuse NaN and infinities first).
/// Thread-safe; allocates only when `out` grows.
void append_ecma_number(std::string& out, double value);

/// `append_ecma_number` into a new string, e.g. `ecma_number_to_string(0.1) == "0.1"`.
std::string ecma_number_to_string(double value);

}  // namespace mizan::params
