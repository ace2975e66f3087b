// Password hashing with Argon2id (RFC 9106) through libsodium.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mizan::auth {

/// Argon2id work factors: passes over memory and memory in bytes (p is 1).
struct password_cost {
  unsigned long long opslimit = 0;
  std::size_t memlimit = 0;

  /// libsodium's interactive limits (t=2, 64 MiB): for logins.
  static password_cost interactive() noexcept;
  /// The smallest libsodium accepts (t=1, 8 KiB): for tests only.
  static password_cost fast_for_tests() noexcept;
};

/// Hashes `password` with a fresh random salt.
///
/// @returns a PHC string, e.g. `$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>`.
/// @throws std::invalid_argument for a cost below libsodium's minimum;
///   std::runtime_error when the memory cannot be had.
/// Thread-safety: reentrant. It is slow and memory-hungry by design (tens
/// of milliseconds at interactive cost): run it off the network threads and
/// never while holding a lock.
std::string password_hash(std::string_view password,
                          const password_cost& cost = password_cost::interactive());

/// Whether `password` matches the Argon2id PHC string `hash`.
///
/// Compares in constant time (libsodium). Returns false, never throws, for a
/// malformed hash, a hash of another algorithm (argon2i included) or a hash
/// longer than libsodium's 128-byte limit. Slow like password_hash.
bool password_verify(std::string_view hash, std::string_view password) noexcept;

/// Whether `hash` should be recomputed at `cost` at the next successful
/// login: true when its algorithm or parameters differ, or it is malformed.
bool password_needs_rehash(std::string_view hash, const password_cost& cost) noexcept;

}  // namespace mizan::auth
