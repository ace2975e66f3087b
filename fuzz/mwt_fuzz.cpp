// mizan::auth::mwt_verify on arbitrary tokens. An input starting with 'S' is
// instead a payload that the target signs itself, so that the fuzzer reaches
// the payload checks a forged signature never gets to. An accepted token
// names a non-empty user that mwt_issue -> mwt_verify gives back unchanged,
// and it is refused under any other secret.
#include "auth/base64url.hpp"
#include "auth/mwt.hpp"
#include "core/crypto.hpp"

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view secret = "mizan-fuzz-mwt-secret";
constexpr std::int64_t now = 1'700'000'000;

std::string signed_token(std::string_view payload) {
  std::string token = "mwt1." + mizan::auth::base64url_encode(payload);
  const auto mac = mizan::crypto::hmac_sha256(secret, token);
  return token + "." +
         mizan::auth::base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

void check(std::string_view token, bool signed_here) {
  using namespace mizan::auth;
  MIZAN_FUZZ_CHECK(!mwt_verify({}, token, now));
  const auto sub = mwt_verify(secret, token, now);
  if (signed_here) MIZAN_FUZZ_CHECK(!mwt_verify("mizan-fuzz-other-secret", token, now));
  if (!sub) return;
  MIZAN_FUZZ_CHECK(!sub->empty());
  // Valid at `now`, so not at the end of time.
  MIZAN_FUZZ_CHECK(!mwt_verify(secret, token, std::numeric_limits<std::int64_t>::max()));
  MIZAN_FUZZ_CHECK(mwt_verify(secret, mwt_issue(secret, *sub, now + 1), now) == sub);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input.front() == 'S') {
    check(signed_token(input.substr(1)), true);
  } else {
    check(input, false);
  }
  return 0;
}
