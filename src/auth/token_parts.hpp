// Pieces shared by the JWT and MWT readers: splitting, HMAC checking and
// decoding a base64url JSON part without heap allocation for typical sizes.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <optional>
#include <string_view>

namespace mizan::auth::detail {

/// The three dot-separated parts of `token`, or nullopt if it has more or fewer.
std::optional<std::array<std::string_view, 3>> split_three(std::string_view token) noexcept;

/// Whether `signature_b64` is the strict base64url of HMAC-SHA256(key, signed_part),
/// compared in constant time.
bool hs256_matches(std::string_view key, std::string_view signed_part,
                   std::string_view signature_b64);

/// The JSON object that base64url `part` encodes, parsed strictly, with the
/// decoded text and the value allocated from `mr`; null if either step fails
/// or the document is not an object. The value must not outlive `mr`.
boost::json::value decode_json_object(std::string_view part, boost::json::monotonic_resource& mr);

}  // namespace mizan::auth::detail
