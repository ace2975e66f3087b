#include "mail/smtp_url.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace mizan::mail;

std::string error_of(std::string_view url) {
  try {
    parse_smtp_url(url);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(SmtpUrl, SchemesPickSecurityAndDefaultPorts) {
  const auto plain = parse_smtp_url("smtp://localhost");
  EXPECT_EQ(plain.security, smtp_security::none);
  EXPECT_EQ(plain.host, "localhost");
  EXPECT_EQ(plain.port, 25);
  EXPECT_TRUE(plain.username.empty());
  const auto starttls = parse_smtp_url("smtp+starttls://mail.example.com");
  EXPECT_EQ(starttls.security, smtp_security::starttls);
  EXPECT_EQ(starttls.port, 587);
  const auto tls = parse_smtp_url("smtps://mail.example.com:2465/");
  EXPECT_EQ(tls.security, smtp_security::tls);
  EXPECT_EQ(tls.port, 2465);
}

TEST(SmtpUrl, CredentialsArePercentDecoded) {
  const auto u = parse_smtp_url("smtp+starttls://me%40example.com:p%3As%40ss@smtp.example.com:25");
  EXPECT_EQ(u.username, "me@example.com");
  EXPECT_EQ(u.password, "p:s@ss");
  EXPECT_EQ(u.host, "smtp.example.com");
  EXPECT_EQ(u.port, 25);
}

TEST(SmtpUrl, Ipv6HostsInBrackets) {
  const auto u = parse_smtp_url("smtp://[::1]:2525");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 2525);
}

TEST(SmtpUrl, MalformedUrlsAreRefusedWithoutRepeatingThePassword) {
  EXPECT_NE(error_of("http://localhost"), "");
  EXPECT_NE(error_of("smtp://"), "");
  EXPECT_NE(error_of("smtp://host:0"), "");
  EXPECT_NE(error_of("smtp://host:99999"), "");
  EXPECT_NE(error_of("smtp://host:"), "");
  EXPECT_NE(error_of("smtp://host/path"), "");
  EXPECT_NE(error_of("smtp://user@host"), "");
  EXPECT_NE(error_of("smtp://[::1:25"), "");
  EXPECT_NE(error_of("smtp://u:p%zz@host"), "");
  EXPECT_NE(error_of("smtp://u:a%00b@host"), "") << "a NUL would move AUTH PLAIN's split";
  const auto message = error_of("smtp://user:hunter2secret@host:bad");
  EXPECT_NE(message, "");
  EXPECT_EQ(message.find("hunter2secret"), std::string::npos);
}

}  // namespace
