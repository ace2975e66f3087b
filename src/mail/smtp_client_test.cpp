#include "mail/smtp_client.hpp"

#include "mail/fake_smtp_server.hpp"
#include "mail/message.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {

using namespace mizan::mail;
using namespace std::chrono_literals;

// `trusted`: the client trusts the test certificate (as it would a CA's).
delivery run(const smtp_url& url, delivery_request req, bool trusted = false) {
  boost::asio::io_context io;
  boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
  if (trusted) {
    tls.add_certificate_authority(boost::asio::buffer(std::string_view(test::certificate_pem)));
  }
  auto done = boost::asio::co_spawn(io, deliver(url, tls, req), boost::asio::use_future);
  io.run();
  return done.get();
}

delivery_request request(std::chrono::milliseconds timeout = 2000ms) {
  const auto text = format_message(
      {"mizan@example.com", "alice@example.org", "Hi", ".hidden\nshown\n"}, 0, "id@example.com");
  return {"mizan@example.com", "alice@example.org", dot_stuffed(text), "test.local", timeout};
}

smtp_url url_of(const test::fake_smtp_server& server, std::string credentials = "") {
  return parse_smtp_url("smtp://" + credentials + "127.0.0.1:" + std::to_string(server.port()));
}

TEST(SmtpClient, DeliversThroughMultiLineRepliesAndSendsTheMessageDotStuffed) {
  test::fake_smtp_server server;
  server.start();
  const auto result = run(url_of(server), request());
  EXPECT_EQ(result.status, delivery_status::sent) << result.detail;
  const auto got = server.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].mail_from, "<mizan@example.com> BODY=8BITMIME");
  EXPECT_EQ(got[0].rcpt_to, "<alice@example.org>");
  EXPECT_NE(got[0].data.find("\r\n\r\n..hidden\r\nshown\r\n.\r\n"), std::string::npos)
      << got[0].data;
  EXPECT_TRUE(got[0].auth.empty()) << "no credentials, no AUTH";
}

TEST(SmtpClient, AuthPlainWhenCredentialsAreGiven) {
  test::fake_smtp_server server;
  server.start();
  const auto result = run(url_of(server, "user:pass@"), request());
  EXPECT_EQ(result.status, delivery_status::sent) << result.detail;
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(server.messages()[0].auth, "AUTH PLAIN AHVzZXIAcGFzcw==");  // "\0user\0pass"
}

TEST(SmtpClient, A4xxReplyIsTemporary) {
  test::fake_smtp_server server;
  server.failing_connections = 1;
  server.start();
  const auto result = run(url_of(server), request());
  EXPECT_EQ(result.status, delivery_status::temporary);
  EXPECT_NE(result.detail.find("451"), std::string::npos) << result.detail;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpClient, A5xxReplyIsPermanent) {
  test::fake_smtp_server server;
  server.failing_connections = 1;
  server.rcpt_reply = "550 5.1.1 no such user";
  server.start();
  const auto result = run(url_of(server), request());
  EXPECT_EQ(result.status, delivery_status::permanent);
  EXPECT_NE(result.detail.find("550"), std::string::npos) << result.detail;
}

TEST(SmtpClient, AServerThatNeverAnswersMeetsTheDeadline) {
  test::fake_smtp_server server;
  server.silent = true;
  server.start();
  const auto start = std::chrono::steady_clock::now();
  const auto result = run(url_of(server), request(300ms));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.status, delivery_status::temporary);
  EXPECT_NE(result.detail.find("no reply in time"), std::string::npos) << result.detail;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
}

TEST(SmtpClient, ARefusedConnectionIsTemporary) {
  unsigned short port = 0;
  {
    test::fake_smtp_server closed;  // bound, then gone: nothing listens there
    port = closed.port();
  }
  const auto result = run(parse_smtp_url("smtp://127.0.0.1:" + std::to_string(port)), request());
  EXPECT_EQ(result.status, delivery_status::temporary);
  EXPECT_NE(result.detail.find("connecting"), std::string::npos) << result.detail;
}

TEST(SmtpClient, StarttlsIsRequiredWhenAskedForAndNotOffered) {
  test::fake_smtp_server server;  // offers no STARTTLS
  server.start();
  auto url = url_of(server);
  url.security = smtp_security::starttls;
  const auto result = run(url, request());
  EXPECT_EQ(result.status, delivery_status::temporary);
  EXPECT_NE(result.detail.find("STARTTLS"), std::string::npos) << result.detail;
  EXPECT_TRUE(server.messages().empty()) << "never in plain text";
}

TEST(SmtpClient, StarttlsUpgradesBeforeAnythingIsSentAndVerifiesTheCertificate) {
  test::fake_smtp_server server;
  server.tls = test::tls_mode::starttls;
  server.start();
  auto url = url_of(server, "user:pass@");
  url.security = smtp_security::starttls;
  const auto result = run(url, request(), /*trusted=*/true);
  EXPECT_EQ(result.status, delivery_status::sent) << result.detail;
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_TRUE(server.messages()[0].tls);
  EXPECT_FALSE(server.messages()[0].auth.empty()) << "credentials only through TLS";
}

TEST(SmtpClient, AnUntrustedCertificateIsRefused) {
  test::fake_smtp_server server;
  server.tls = test::tls_mode::starttls;
  server.start();
  auto url = url_of(server, "user:pass@");
  url.security = smtp_security::starttls;
  const auto result = run(url, request(), /*trusted=*/false);
  EXPECT_EQ(result.status, delivery_status::temporary);
  EXPECT_NE(result.detail.find("TLS handshake"), std::string::npos) << result.detail;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpClient, RepliesInjectedBeforeTheHandshakeAreRefused) {
  test::fake_smtp_server server;
  server.tls = test::tls_mode::starttls;
  server.inject_after_starttls = true;
  server.start();
  auto url = url_of(server);
  url.security = smtp_security::starttls;
  const auto result = run(url, request(), /*trusted=*/true);
  EXPECT_EQ(result.status, delivery_status::temporary);
  EXPECT_NE(result.detail.find("after the STARTTLS reply"), std::string::npos) << result.detail;
}

TEST(SmtpClient, SmtpsIsTlsFromTheFirstByte) {
  test::fake_smtp_server server;
  server.tls = test::tls_mode::implicit;
  server.start();
  auto url = url_of(server);
  url.security = smtp_security::tls;
  const auto result = run(url, request(), /*trusted=*/true);
  EXPECT_EQ(result.status, delivery_status::sent) << result.detail;
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_TRUE(server.messages()[0].tls);
}

}  // namespace
