#include "auth/base64url.hpp"

#include <array>
#include <cstdint>

namespace mizan::auth {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t invalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(invalid);
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = i;
  return table;
}
constexpr auto decode_table = make_decode_table();

std::uint8_t sextet(char c) noexcept {
  return decode_table[static_cast<unsigned char>(c)];
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.resize(bytes.size() / 3 * 4 + (bytes.size() % 3 ? bytes.size() % 3 + 1 : 0));
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0, o = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[v >> 12 & 63];
    out[o++] = alphabet[v >> 6 & 63];
    out[o++] = alphabet[v & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    const std::uint32_t v = in[i] << 16 | (rest == 2 ? in[i + 1] << 8 : 0);
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[v >> 12 & 63];
    if (rest == 2) out[o++] = alphabet[v >> 6 & 63];
  }
  return out;
}

std::optional<std::size_t> base64url_decode_to(std::string_view text,
                                               std::span<char> out) noexcept {
  const std::size_t rest = text.size() % 4;
  const std::size_t size = base64url_decoded_size(text.size());
  if (rest == 1 || out.size() < size) return std::nullopt;
  std::size_t i = 0, o = 0;
  for (; i + 4 <= text.size(); i += 4) {
    const std::uint8_t a = sextet(text[i]), b = sextet(text[i + 1]), c = sextet(text[i + 2]),
                       d = sextet(text[i + 3]);
    // Valid sextets are below 64; `invalid` has the top bits set.
    if (((a | b | c | d) & 0xc0) != 0) return std::nullopt;
    const std::uint32_t v = a << 18 | b << 12 | c << 6 | d;
    out[o++] = static_cast<char>(v >> 16);
    out[o++] = static_cast<char>(v >> 8 & 0xff);
    out[o++] = static_cast<char>(v & 0xff);
  }
  if (rest >= 2) {
    const std::uint8_t a = sextet(text[i]), b = sextet(text[i + 1]);
    const std::uint8_t c = rest == 3 ? sextet(text[i + 2]) : 0;
    if (((a | b | c) & 0xc0) != 0) return std::nullopt;
    // The bits past the last whole byte must be zero: one spelling per value.
    if (rest == 2 ? (b & 0x0f) != 0 : (c & 0x03) != 0) return std::nullopt;
    out[o++] = static_cast<char>(a << 2 | b >> 4);
    if (rest == 3) out[o++] = static_cast<char>((b & 0x0f) << 4 | c >> 2);
  }
  return o;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out(base64url_decoded_size(text.size()), '\0');
  if (!base64url_decode_to(text, out)) return std::nullopt;
  return out;
}

}  // namespace mizan::auth
