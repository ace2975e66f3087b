#include "core/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <string>

namespace mizan::crypto {

namespace {

// OpenSSL 3 looks the digest up on every one-shot HMAC() call, which costs
// more than hashing a cache key. Each thread keeps a few keyed contexts and
// re-initialises them with the key they already hold.
class mac_contexts {
 public:
  ~mac_contexts() {
    for (auto& slot : slots_) EVP_MAC_CTX_free(slot.ctx);
  }

  EVP_MAC_CTX* keyed(std::string_view key) {
    for (auto& slot : slots_) {
      if (slot.ctx && slot.key == key) {
        if (!EVP_MAC_init(slot.ctx, nullptr, 0, nullptr)) break;
        return slot.ctx;
      }
    }
    auto& slot = slots_[next_++ % slots_.size()];
    EVP_MAC_CTX_free(slot.ctx);
    slot.ctx = EVP_MAC_CTX_new(hmac());
    slot.key.assign(key);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                           OSSL_PARAM_construct_end()};
    if (!slot.ctx || !EVP_MAC_init(slot.ctx, reinterpret_cast<const unsigned char*>(key.data()),
                                   key.size(), params)) {
      throw std::runtime_error("HMAC-SHA256 initialisation failed");
    }
    return slot.ctx;
  }

 private:
  static EVP_MAC* hmac() {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac) throw std::runtime_error("OpenSSL has no HMAC");
    return mac;
  }

  struct slot {
    std::string key;
    EVP_MAC_CTX* ctx = nullptr;
  };
  std::array<slot, 4> slots_{};
  std::size_t next_ = 0;
};

}  // namespace

digest256 hmac_sha256(std::string_view key, std::string_view data) {
  thread_local mac_contexts contexts;
  EVP_MAC_CTX* ctx = contexts.keyed(key);
  digest256 out{};
  std::size_t len = 0;
  if (!EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ||
      !EVP_MAC_final(ctx, out.data(), &len, out.size()) || len != out.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

digest256 sha256(std::string_view data) {
  // SHA256() is a one-shot EVP_Q_digest: it fetches the algorithm and makes
  // a context on every call, which costs more than hashing a short input.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local context reused;
  digest256 out{};
  unsigned int len = 0;
  if (!md || !reused.ctx || !EVP_DigestInit_ex2(reused.ctx, md, nullptr) ||
      !EVP_DigestUpdate(reused.ctx, data.data(), data.size()) ||
      !EVP_DigestFinal_ex(reused.ctx, out.data(), &len) || len != out.size()) {
    throw std::runtime_error("SHA-256 failed");
  }
  return out;
}

std::string to_hex(const std::uint8_t* bytes, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0x0f];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(std::size_t size) {
  std::string out(size, '\0');
  if (size &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size)) != 1) {
    throw std::runtime_error("the system random generator failed");
  }
  return out;
}

std::string random_token(std::size_t bytes) {
  const std::string raw = random_bytes(bytes);
  return to_hex(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size());
}

}  // namespace mizan::crypto
