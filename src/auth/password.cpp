#include "auth/password.hpp"

#include <sodium.h>

#include <array>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace mizan::auth {
namespace {

constexpr std::string_view argon2id_prefix = "$argon2id$";

// sodium_init() runs once per process; a function-local static makes the
// first call thread-safe.
bool sodium_ready() noexcept {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// libsodium wants a NUL-terminated hash; an embedded NUL would make it read
// a prefix of what was stored, so such input is refused.
using hash_buffer = std::array<char, crypto_pwhash_STRBYTES>;
std::optional<hash_buffer> terminated_argon2id(std::string_view hash) noexcept {
  if (hash.size() >= crypto_pwhash_STRBYTES || !hash.starts_with(argon2id_prefix) ||
      hash.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  hash_buffer buffer{};
  std::memcpy(buffer.data(), hash.data(), hash.size());
  return buffer;
}

// A valid pointer even for an empty view, whose data() may be null.
const char* bytes(std::string_view s) noexcept {
  return s.empty() ? "" : s.data();
}

}  // namespace

password_cost password_cost::interactive() noexcept {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

password_cost password_cost::fast_for_tests() noexcept {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

std::string password_hash(std::string_view password, const password_cost& cost) {
  if (!sodium_ready()) throw std::runtime_error("password_hash: libsodium failed to initialise");
  if (cost.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      cost.opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      cost.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      cost.memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    throw std::invalid_argument("password_hash: cost outside libsodium's Argon2id limits");
  }
  if (password.size() > crypto_pwhash_argon2id_PASSWD_MAX) {
    throw std::invalid_argument("password_hash: password too long");
  }
  hash_buffer out{};
  if (crypto_pwhash_str_alg(out.data(), bytes(password), password.size(), cost.opslimit,
                            cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password_hash: Argon2id failed (out of memory?)");
  }
  return out.data();
}

bool password_verify(std::string_view hash, std::string_view password) noexcept {
  const auto terminated = terminated_argon2id(hash);
  if (!terminated || !sodium_ready()) return false;
  return crypto_pwhash_str_verify(terminated->data(), bytes(password), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash, const password_cost& cost) noexcept {
  const auto terminated = terminated_argon2id(hash);
  if (!terminated || !sodium_ready()) return true;
  return crypto_pwhash_str_needs_rehash(terminated->data(), cost.opslimit, cost.memlimit) != 0;
}

}  // namespace mizan::auth
