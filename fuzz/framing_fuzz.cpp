// The HTTP request framing checks of src/http/framing.hpp on arbitrary bytes,
// run as the connection runs them: header_scanner finds the header, Beast
// parses it, check_framing judges it.
//
// The scanner must reach the same verdict at the same offset whether the bytes
// arrive at once or one at a time. And whenever check_framing accepts a header,
// Beast's reading of the body length must be the single one the headers
// state: chunked for Transfer-Encoding, the stated length for Content-Length,
// no body otherwise. A disagreement there is what request smuggling is made of.
#include "http/framing.hpp"
#include "http/message.hpp"

#include "fuzz_check.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace {

namespace bhttp = boost::beast::http;
using mizan::http::detail::header_scanner;

void check_incremental(std::string_view input, const header_scanner& whole,
                       header_scanner::result verdict) {
  header_scanner scanner;
  auto result = header_scanner::result::need_more;
  for (std::size_t n = 0; n <= input.size() && result == header_scanner::result::need_more; ++n) {
    result = scanner.scan(input.substr(0, n));
  }
  MIZAN_FUZZ_CHECK(result == verdict);
  MIZAN_FUZZ_CHECK(scanner.scan(input) == verdict);  // a verdict is final
  if (verdict == header_scanner::result::complete) {
    MIZAN_FUZZ_CHECK(scanner.begin() == whole.begin());
    MIZAN_FUZZ_CHECK(scanner.end() == whole.end());
    MIZAN_FUZZ_CHECK(whole.begin() < whole.end() && whole.end() <= input.size());
    MIZAN_FUZZ_CHECK(input.substr(0, whole.end()).ends_with("\r\n\r\n"));
  }
  if (verdict == header_scanner::result::bad) {
    MIZAN_FUZZ_CHECK(std::strcmp(scanner.error(), whole.error()) == 0);
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// As connection.cpp does after the scanner accepted a header.
void check_parsed(std::string_view header) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(1024 * 1024);
  boost::beast::error_code ec;
  parser.put(boost::asio::const_buffer(header.data(), header.size()), ec);
  if (ec && ec != bhttp::error::body_limit) return;  // answered 400

  mizan::http::request req;
  const auto& msg = parser.get();
  req.method.assign(msg.method_string());
  req.target.assign(msg.target());
  const unsigned v = msg.version();
  req.version = (v > 11 && v < 20) ? 11 : static_cast<int>(v);
  for (const auto& f : msg)
    req.headers.push_back({std::string(f.name_string()), std::string(f.value())});
  if (mizan::http::detail::check_framing(req) != nullptr || ec) return;  // 400 or 413
  MIZAN_FUZZ_CHECK(parser.is_header_done());

  const std::string* length = req.find("content-length");
  if (req.find("transfer-encoding")) {
    MIZAN_FUZZ_CHECK(!length);
    MIZAN_FUZZ_CHECK(parser.chunked());
    MIZAN_FUZZ_CHECK(!parser.content_length());
  } else if (length) {
    MIZAN_FUZZ_CHECK(!parser.chunked());
    const std::string_view digits = trim(*length);
    std::uint64_t n = 0;
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    MIZAN_FUZZ_CHECK(err == std::errc{} && end == digits.data() + digits.size());
    MIZAN_FUZZ_CHECK(parser.content_length() && *parser.content_length() == n);
  } else {
    MIZAN_FUZZ_CHECK(!parser.chunked());
    MIZAN_FUZZ_CHECK(parser.is_done());  // no body: the next bytes are the next request
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  header_scanner whole;
  const auto verdict = whole.scan(input);
  check_incremental(input, whole, verdict);
  if (verdict == header_scanner::result::complete) {
    check_parsed(input.substr(whole.begin(), whole.end() - whole.begin()));
  }
  return 0;
}
