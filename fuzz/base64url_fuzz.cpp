// mizan::auth::base64url_decode on arbitrary text, and encode/decode on
// arbitrary bytes: decoding is strict (one spelling per byte string, so
// decode then encode gives the input back), and the allocation-free decoder
// agrees with the allocating one.
#include "auth/base64url.hpp"

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mizan::auth;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // The input as bytes: encoding then decoding gives them back.
  const std::string encoded = base64url_encode(input);
  MIZAN_FUZZ_CHECK(encoded.find_first_of("=+/") == std::string::npos);
  const auto decoded = base64url_decode(encoded);
  MIZAN_FUZZ_CHECK(decoded && *decoded == input);
  MIZAN_FUZZ_CHECK(base64url_decoded_size(encoded.size()) == input.size());

  // The input as text: accepted only in the one spelling the encoder writes.
  const std::optional<std::string> bytes = base64url_decode(input);
  if (bytes) {
    MIZAN_FUZZ_CHECK(base64url_encode(*bytes) == input);
    MIZAN_FUZZ_CHECK(bytes->size() == base64url_decoded_size(input.size()));
  }

  // The buffer variant: same verdict and bytes, and never writes past `out`.
  std::vector<char> out(base64url_decoded_size(input.size()));
  const auto written = base64url_decode_to(input, out);
  MIZAN_FUZZ_CHECK(written.has_value() == bytes.has_value());
  if (written) MIZAN_FUZZ_CHECK(std::string_view(out.data(), *written) == *bytes);
  if (!out.empty()) {
    std::vector<char> small(out.size() - 1);
    MIZAN_FUZZ_CHECK(!base64url_decode_to(input, small));
  }
  return 0;
}
