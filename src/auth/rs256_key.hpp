// An RSA public key loaded once for RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
#pragma once

#include <memory>
#include <string_view>

struct evp_pkey_st;
struct evp_md_st;

namespace mizan::auth::detail {

class rs256_key {
 public:
  /// Loads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
  /// @throws std::invalid_argument if it is not one, is not RSA, or is
  ///   below 2048 bits (RFC 7518 §3.3) or above 8192.
  explicit rs256_key(std::string_view pem);

  /// Whether `signature` (raw bytes) signs `signed_part`.
  /// Thread-safety: may be called concurrently.
  bool verify(std::string_view signed_part, std::string_view signature) const;

  /// Size in bytes of a signature under this key.
  std::size_t signature_size() const noexcept { return signature_size_; }

  /// The largest signature_size() accepted.
  static constexpr std::size_t max_signature_size = 8192 / 8;

 private:
  struct deleter {
    void operator()(evp_pkey_st* p) const noexcept;
    void operator()(evp_md_st* p) const noexcept;
  };
  std::unique_ptr<evp_pkey_st, deleter> key_;
  std::unique_ptr<evp_md_st, deleter> sha256_;
  std::size_t signature_size_ = 0;
};

}  // namespace mizan::auth::detail
