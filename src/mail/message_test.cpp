#include "mail/message.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace mizan::mail;

message sample() {
  return {"mizan@example.com", "alice@example.org", "Reset your password", "Hello\nline two\n"};
}

TEST(MailMessage, HeadersAndBodyEndEveryLineWithCrlf) {
  const auto text = format_message(sample(), 0, "abc@example.com");
  EXPECT_EQ(text,
            "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"
            "Message-ID: <abc@example.com>\r\n"
            "From: mizan@example.com\r\n"
            "To: alice@example.org\r\n"
            "Subject: Reset your password\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n"
            "\r\n"
            "Hello\r\nline two\r\n");
}

TEST(MailMessage, BareCrAndLfInTheBodyBecomeCrlf) {
  auto m = sample();
  m.text = "a\rb\r\nc\nd";
  const auto text = format_message(m, 0, "x@y");
  EXPECT_TRUE(text.ends_with("\r\n\r\na\r\nb\r\nc\r\nd\r\n")) << text;
}

TEST(MailMessage, NonAsciiSubjectIsEncodedWithoutSplittingACharacter) {
  auto m = sample();
  m.subject = std::string(44, 'a') + "\xc3\xa9" + "z";  // é straddles byte 45
  const auto text = format_message(m, 0, "x@y");
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
  // The first word holds 44 bytes: 'a' * 44 is base64 "YWFh..." with no é half.
  EXPECT_NE(text.find("?=\r\n =?UTF-8?B?w6l6?="), std::string::npos) << text;
}

TEST(MailMessage, HeaderInjectionIsRefused) {
  auto m = sample();
  m.to = "alice@example.org\r\nBcc: victim@example.net";
  EXPECT_THROW(format_message(m, 0, "x@y"), std::invalid_argument);
  m = sample();
  m.to = "alice@example.org\nBcc:x@y.z";
  EXPECT_THROW(format_message(m, 0, "x@y"), std::invalid_argument);
  m = sample();
  m.from = "a@b>\r\nRCPT TO:<c@d";
  EXPECT_THROW(format_message(m, 0, "x@y"), std::invalid_argument);
  m = sample();
  m.subject = "Hi\r\nBcc: victim@example.net";
  EXPECT_THROW(format_message(m, 0, "x@y"), std::invalid_argument);
  m = sample();
  m.subject = "tab\there";
  EXPECT_THROW(format_message(m, 0, "x@y"), std::invalid_argument);
}

TEST(MailMessage, AddressesAreBareAndPrintable) {
  EXPECT_NO_THROW(check_address("a.b+c@example.com"));
  EXPECT_THROW(check_address("example.com"), std::invalid_argument);
  EXPECT_THROW(check_address("@example.com"), std::invalid_argument);
  EXPECT_THROW(check_address("a@"), std::invalid_argument);
  EXPECT_THROW(check_address("a b@example.com"), std::invalid_argument);
  EXPECT_THROW(check_address("<a@example.com>"), std::invalid_argument);
  EXPECT_THROW(check_address("a@example.com,b@example.com"), std::invalid_argument);
  EXPECT_THROW(check_address("\xc3\xa9@example.com"), std::invalid_argument);
}

TEST(MailMessage, DotStuffingDoublesLeadingDotsAndEndsTheData) {
  EXPECT_EQ(dot_stuffed("a\r\n.\r\n..b\r\nc.d\r\n"), "a\r\n..\r\n...b\r\nc.d\r\n.\r\n");
  EXPECT_EQ(dot_stuffed(".first\r\nlast"), "..first\r\nlast\r\n.\r\n");
}

TEST(MailMessage, MessageIdsAreUniqueAndUseTheSendersDomain) {
  const auto a = new_message_id("mizan@example.com");
  const auto b = new_message_id("mizan@example.com");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.ends_with("@example.com"));
}

}  // namespace
