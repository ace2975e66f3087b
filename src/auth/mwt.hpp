// Mizan Web Token (PROTOCOL.md §7): a tiny signed cookie that lets an edge
// cache key private responses by user without calling the origin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::auth {

/// Issues `mwt1.{payload}.{signature}` for user `sub`, valid until `exp`.
///
/// The payload is base64url of `{"sub":"<sub>","exp":<exp>}`; the signature is
/// base64url of HMAC-SHA256(secret, "mwt1." + payload).
/// @param secret the MWT secret (distinct from the session and cache secrets).
/// @param sub the user id, non-empty.
/// @param exp expiry in unix seconds.
/// @throws std::invalid_argument for an empty secret or sub, or an `exp`
///   beyond ±(2^53 - 1) that no verifier would read back.
/// Thread-safety: reentrant.
/// Example: `set_cookie("mizan_mwt", mwt_issue(secret, "42", now + 3600));`
std::string mwt_issue(std::string_view secret, std::string_view sub, std::int64_t exp);

/// Checks an MWT and returns its `sub`.
///
/// Valid when the token has exactly three parts, the first being `mwt1`, the
/// signature matches (constant-time compare of strictly decoded bytes), and
/// the payload is a strict JSON object whose `sub` is a non-empty string and
/// whose `exp` is an integer greater than `now`. Other keys are allowed.
/// @returns the user id, or nullopt for any invalid or expired token (and for
///   an empty secret, so a misconfiguration fails closed).
/// Thread-safety: reentrant.
std::optional<std::string> mwt_verify(std::string_view secret, std::string_view token,
                                      std::int64_t now);

}  // namespace mizan::auth
