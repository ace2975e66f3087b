#include "auth/rs256_key.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace mizan::auth::detail {
namespace {

[[noreturn]] void fail(const std::string& what) {
  ERR_clear_error();  // leave no stale errors for the next OpenSSL user on this thread
  throw std::invalid_argument("jwt_verifier: rs256_public_key_pem: " + what);
}

}  // namespace

void rs256_key::deleter::operator()(evp_pkey_st* p) const noexcept {
  EVP_PKEY_free(p);
}
void rs256_key::deleter::operator()(evp_md_st* p) const noexcept {
  EVP_MD_free(p);
}

rs256_key::rs256_key(std::string_view pem) {
  if (pem.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) fail("too large");
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) fail("out of memory");
  key_.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key_) fail("not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
  if (!EVP_PKEY_is_a(key_.get(), "RSA")) fail("not an RSA key");
  const int bits = EVP_PKEY_get_bits(key_.get());
  if (bits < 2048) fail("RSA key of " + std::to_string(bits) + " bits; RS256 needs 2048 or more");
  if (bits > 8192) fail("RSA key of " + std::to_string(bits) + " bits; at most 8192 supported");
  signature_size_ = static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()));
  // Fetched once: an implicit fetch on every verification costs a lookup.
  sha256_.reset(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  if (!sha256_) fail("SHA-256 is not available");
}

bool rs256_key::verify(std::string_view signed_part, std::string_view signature) const {
  if (signature.size() != signature_size_) return false;
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
  // An RSA key defaults to PKCS#1 v1.5 padding, which is what RS256 means.
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, sha256_.get(), nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace mizan::auth::detail
