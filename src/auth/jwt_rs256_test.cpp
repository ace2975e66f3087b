#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_test_support.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <gtest/gtest.h>

#include <memory>

using namespace mizan::auth;
using namespace mizan::auth::test;

namespace {

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

pkey_ptr rsa_key(unsigned bits) {
  return {EVP_RSA_gen(bits), &EVP_PKEY_free};
}

std::string pem_of(EVP_PKEY* key, bool private_key = false) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  const int ok =
      private_key ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                  : PEM_write_bio_PUBKEY(bio.get(), key);
  EXPECT_EQ(ok, 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// Signs with OpenSSL's one-shot EVP_DigestSign (RSASSA-PKCS1-v1_5, SHA-256).
std::string rs256_token(EVP_PKEY* key, std::string_view header_json, std::string_view payload) {
  const std::string signed_part = base64url_encode(header_json) + "." + base64url_encode(payload);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(signed_part.data());
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, data, signed_part.size()), 1);
  std::string signature(size, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                           data, signed_part.size()),
            1);
  signature.resize(size);
  return signed_part + "." + base64url_encode(signature);
}

constexpr std::string_view rs_header = R"({"alg":"RS256","typ":"JWT"})";
constexpr std::string_view access_payload =
    R"({"sub":"42","token_type":"access","exp":2000000000})";

jwt_verifier_config rs256_only(const std::string& pem) {
  jwt_verifier_config c;
  c.rs256_public_key_pem = pem;
  c.allowed_algorithms = {"RS256"};
  c.now = [] { return expiry - 100; };
  return c;
}

class JwtRs256 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = new pkey_ptr(rsa_key(2048));
    ASSERT_TRUE(key_->get());
  }
  static void TearDownTestSuite() { delete key_; }
  static EVP_PKEY* key() { return key_->get(); }
  static inline pkey_ptr* key_ = nullptr;
};

}  // namespace

TEST_F(JwtRs256, VerifiesTokensSignedWithTheKeyPair) {
  const jwt_verifier v(rs256_only(pem_of(key())));
  const auto r = v.verify(rs256_token(key(), rs_header, access_payload), "access");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r.claims().sub, "42");
}

TEST_F(JwtRs256, RefusesTamperedOrForeignSignatures) {
  const jwt_verifier v(rs256_only(pem_of(key())));
  std::string token = rs256_token(key(), rs_header, access_payload);
  std::string tampered = token;
  tampered[tampered.size() - 10] = tampered[tampered.size() - 10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(v.verify(tampered, "access").error(), jwt_error::bad_signature);
  EXPECT_EQ(v.verify(token.substr(0, token.size() - 4), "access").error(),
            jwt_error::bad_signature);
  const auto other = rsa_key(2048);
  EXPECT_EQ(v.verify(rs256_token(other.get(), rs_header, access_payload), "access").error(),
            jwt_error::bad_signature);
}

TEST_F(JwtRs256, RefusesHs256TokensWhenOnlyRs256IsConfigured) {
  const std::string pem = pem_of(key());
  const std::string hs_token = hs256_claims(access_payload);
  EXPECT_EQ(jwt_verifier(rs256_only(pem)).verify(hs_token, "access").error(),
            jwt_error::algorithm_not_allowed);
  // Key confusion: HS256 keyed with the public PEM, against a verifier that
  // allows both algorithms but has no HMAC secret.
  auto both = rs256_only(pem);
  both.allowed_algorithms = {"HS256", "RS256"};
  const std::string confused = hs256_token(R"({"alg":"HS256"})", access_payload, pem);
  EXPECT_EQ(jwt_verifier(both).verify(confused, "access").error(),
            jwt_error::algorithm_not_allowed);
  // With a secret as well, the PEM is still not the HMAC key.
  both.hs256_secret = secret;
  EXPECT_EQ(jwt_verifier(both).verify(confused, "access").error(), jwt_error::bad_signature);
  EXPECT_TRUE(jwt_verifier(both).verify(rs256_token(key(), rs_header, access_payload), "access"));
  EXPECT_TRUE(jwt_verifier(both).verify(hs_token, "access"));
}

TEST_F(JwtRs256, RefusesRs256TokensWhenOnlyHs256IsAllowed) {
  auto c = hs256_config();
  c.rs256_public_key_pem = pem_of(key());  // configured, but not allowed
  EXPECT_EQ(jwt_verifier(c).verify(rs256_token(key(), rs_header, access_payload), "access").error(),
            jwt_error::algorithm_not_allowed);
}

TEST_F(JwtRs256, ConstructorNamesBadKeys) {
  const auto throws_naming = [](const jwt_verifier_config& c, std::string_view part) {
    try {
      jwt_verifier v(c);
      ADD_FAILURE() << "no exception for " << part;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string_view(e.what()).find(part), std::string_view::npos) << e.what();
    }
  };
  throws_naming(rs256_only("not a pem"), "not a PEM public key");
  std::string broken = pem_of(key());
  broken[40] = broken[40] == 'A' ? 'B' : 'A';
  broken.erase(60, 8);
  throws_naming(rs256_only(broken), "rs256_public_key_pem");
  throws_naming(rs256_only(pem_of(key(), true)), "not a PEM public key");
  throws_naming(rs256_only(pem_of(rsa_key(1024).get())), "1024 bits");
  pkey_ptr ec(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  throws_naming(rs256_only(pem_of(ec.get())), "not an RSA key");
}

TEST(JwtVerifierConfig, RefusesMisconfiguration) {
  const auto throws_naming = [](jwt_verifier_config c, std::string_view part) {
    try {
      jwt_verifier v(std::move(c));
      ADD_FAILURE() << "no exception for " << part;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string_view(e.what()).find(part), std::string_view::npos) << e.what();
    }
  };
  auto c = hs256_config();
  c.allowed_algorithms = {"HS256", "none"};
  throws_naming(c, "\"none\" can never be allowed");
  c.allowed_algorithms = {"NONE"};
  throws_naming(c, "\"none\" can never be allowed");
  c.allowed_algorithms = {"HS512"};
  throws_naming(c, "unsupported algorithm \"HS512\"");
  c = hs256_config();
  c.hs256_secret = "too short";
  throws_naming(c, "under 32 bytes");
  c = hs256_config();
  c.leeway_seconds = -1;
  throws_naming(c, "leeway_seconds");
  c = hs256_config();
  c.hs256_secret.clear();
  throws_naming(c, "no usable algorithm");
  c = hs256_config();
  c.allowed_algorithms = {"RS256"};  // and no PEM
  throws_naming(c, "no usable algorithm");
  c.allowed_algorithms.clear();
  throws_naming(c, "no usable algorithm");
}
