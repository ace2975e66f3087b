#include "auth/mwt.hpp"

#include <gtest/gtest.h>

#include <string>

using mizan::auth::mwt_issue;
using mizan::auth::mwt_verify;

namespace {

constexpr std::string_view secret = "mwt-test-secret-0123456789abcdef";
constexpr std::int64_t exp = 2000000000;

// Computed independently with Node 20:
//   const c = require('crypto'), b = s => Buffer.from(s).toString('base64url');
//   const tok = (secret, text, prefix = 'mwt1') => { const p = b(text);
//     return prefix + '.' + p + '.' +
//       c.createHmac('sha256', secret).update(prefix + '.' + p).digest('base64url'); };
//   tok('mwt-test-secret-0123456789abcdef', <payload text in the comment>)
// `valid`: JSON.stringify({sub: '42', exp: 2000000000})
constexpr std::string_view valid =
    "mwt1.eyJzdWIiOiI0MiIsImV4cCI6MjAwMDAwMDAwMH0.eFXOXpMbZIl93O5Dnz1hPTaRXBbbI1bfzM1lTBQwrUs";
// JSON.stringify({exp: 2000000000, role: 'x', sub: 'user-\u00e9<7>'})
constexpr std::string_view extra_keys =
    "mwt1.eyJleHAiOjIwMDAwMDAwMDAsInJvbGUiOiJ4Iiwic3ViIjoidXNlci3DqTw3PiJ9."
    "6qXmD6W0vKdBkEq4pQBCWAfNegL_gkKtKzgKkqXu9po";

}  // namespace

TEST(Mwt, IssuesTheSameBytesAsAnIndependentImplementation) {
  EXPECT_EQ(mwt_issue(secret, "42", exp), valid);
}

TEST(Mwt, VerifiesIndependentTokens) {
  EXPECT_EQ(mwt_verify(secret, valid, exp - 1), "42");
  EXPECT_EQ(mwt_verify(secret, extra_keys, 0), "user-\xc3\xa9<7>");
}

TEST(Mwt, RoundTripsSubjectsThatNeedEscaping) {
  const std::string sub = "a\"b\\c\n\xe2\x80\xa8";
  EXPECT_EQ(mwt_verify(secret, mwt_issue(secret, sub, exp), 0), sub);
}

TEST(Mwt, RefusesExpiredTokens) {
  EXPECT_FALSE(mwt_verify(secret, valid, exp));  // exp must be in the future
  EXPECT_FALSE(mwt_verify(secret, valid, exp + 1));
}

TEST(Mwt, RefusesBadSignatures) {
  // Same payload signed with 'another-secret'.
  EXPECT_FALSE(mwt_verify(
      secret,
      "mwt1.eyJzdWIiOiI0MiIsImV4cCI6MjAwMDAwMDAwMH0.J4giFgaLUKrHvj7_imjqpAveejRyssWaCRhEWDooHnA",
      0));
  EXPECT_FALSE(mwt_verify("another-secret", valid, 0));
  EXPECT_FALSE(mwt_verify("", valid, 0));
  std::string tampered(valid);
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(mwt_verify(secret, tampered, 0));
  // The last signature character carries two unused bits: 't' decodes to the
  // same bytes as 's' in a lenient decoder.
  std::string alternate(valid);
  alternate.back() = 't';
  EXPECT_FALSE(mwt_verify(secret, alternate, 0));
  EXPECT_FALSE(mwt_verify(secret, std::string(valid) + "=", 0));
}

TEST(Mwt, RefusesWrongShape) {
  const std::string v(valid);
  EXPECT_FALSE(mwt_verify(secret, v + ".x", 0));
  EXPECT_FALSE(mwt_verify(secret, v.substr(0, v.rfind('.')), 0));
  EXPECT_FALSE(mwt_verify(secret, "", 0));
  EXPECT_FALSE(mwt_verify(secret, "..", 0));
  // Correctly signed under prefix mwt2 (same tool, prefix 'mwt2').
  EXPECT_FALSE(mwt_verify(
      secret,
      "mwt2.eyJzdWIiOiI0MiIsImV4cCI6MjAwMDAwMDAwMH0.fhLEMiFMucAJilH4E5a3wUkyMnvRJH8ZSIcLn5LZPmM",
      0));
}

TEST(Mwt, RefusesSignedPayloadsWithBadClaims) {
  // Each is correctly signed (same tool); the payload text is in the comment.
  const std::string_view bad[] = {
      // {"sub":"","exp":2000000000}
      "mwt1.eyJzdWIiOiIiLCJleHAiOjIwMDAwMDAwMDB9.pmKFYM9occz5irspeQXwXhkUYyofIj80fzk4B5QWxaY",
      // {"sub":42,"exp":2000000000}
      "mwt1.eyJzdWIiOjQyLCJleHAiOjIwMDAwMDAwMDB9.9T9lpI9Z6ehMwlM7LJDtfipo0n0e6d2Q0kb_cVKHeVM",
      // {"sub":"42"}
      "mwt1.eyJzdWIiOiI0MiJ9.5mmYJcbOVMeoD-w9i3N5QcpY8D06XNkY3Y19UfY2-VI",
      // {"sub":"42","exp":2000000000.5}
      "mwt1.eyJzdWIiOiI0MiIsImV4cCI6MjAwMDAwMDAwMC41fQ.vcAZWNTleFZu3urpYZuqtWY7X4NLd-W_ViAJVXJowR8",
      // {"sub":"42","exp":"2000000000"}
      "mwt1.eyJzdWIiOiI0MiIsImV4cCI6IjIwMDAwMDAwMDAifQ.9Evuov9FbfT-MeQyyKU4YtNsgo4h5phy6Gv_WU1vsFk",
      // {"sub":"42","sub":"1","exp":2000000000}
      "mwt1.eyJzdWIiOiI0MiIsInN1YiI6IjEiLCJleHAiOjIwMDAwMDAwMDB9.72KSxmOV3FCesmdzw_"
      "FlpfzrewXFK2sczE7-jkm4X1Q",
      // ["42",2000000000]
      "mwt1.WyI0MiIsMjAwMDAwMDAwMF0.bpC9oSckNJjTKaSNgLCSuEwQq_al9RdkJC_Jurao4ZA",
      // {"sub":"42","exp":9007199254740992}
      "mwt1.eyJzdWIiOiI0MiIsImV4cCI6OTAwNzE5OTI1NDc0MDk5Mn0.t1oHnYh20giia0raBtft0UlqoJbQ_"
      "kHkSZcolnp0ZzE",
  };
  for (const auto token : bad) EXPECT_FALSE(mwt_verify(secret, token, 0)) << token;
}

TEST(Mwt, IssueRefusesWhatCouldNeverVerify) {
  EXPECT_THROW(mwt_issue("", "42", exp), std::invalid_argument);
  EXPECT_THROW(mwt_issue(secret, "", exp), std::invalid_argument);
  EXPECT_THROW(mwt_issue(secret, "42", std::int64_t{1} << 53), std::invalid_argument);
}
