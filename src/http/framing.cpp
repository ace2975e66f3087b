#include "http/framing.hpp"

namespace mizan::http::detail {

header_scanner::result header_scanner::scan(std::string_view data) noexcept {
  if (error_) return result::bad;
  if (end_) return result::complete;
  // Locals, not members, in the loop: `data` is char, which may alias them,
  // so the compiler would reload and store each member on every byte.
  const char* const p = data.data();
  const std::size_t n = data.size();
  std::size_t pos = pos_;
  while (pos < n) {
    if (after_cr_) {
      after_cr_ = false;
      if (p[pos] != '\n') {
        error_ = "Bare CR in request header.";
        pos_ = pos;
        return result::bad;
      }
      ++pos;
      if (line_length_ == 0) {
        if (!seen_request_line_) {
          begin_ = pos;  // empty line before the request line
          continue;
        }
        end_ = pos;
        pos_ = pos;
        return result::complete;
      }
      seen_request_line_ = true;
      line_length_ = 0;
      continue;
    }
    if (line_length_ == 0 && seen_request_line_ && (p[pos] == ' ' || p[pos] == '\t')) {
      error_ = "Obsolete line folding in request header.";
      pos_ = pos;
      return result::bad;
    }
    const std::size_t start = pos;
    while (pos < n && p[pos] != '\r' && p[pos] != '\n') ++pos;
    line_length_ += pos - start;
    if (pos == n) break;
    if (p[pos] == '\n') {
      error_ = "Bare LF in request header.";
      pos_ = pos;
      return result::bad;
    }
    after_cr_ = true;
    ++pos;
  }
  pos_ = pos;
  return result::need_more;
}

namespace {

constexpr bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

const char* check_framing(const request& req) noexcept {
  if (req.version != 10 && req.version != 11) return "Unsupported HTTP version.";
  int hosts = 0;
  int lengths = 0;
  int encodings = 0;
  for (const auto& h : req.headers) {
    if (iequals(h.name, "host")) {
      ++hosts;
    } else if (iequals(h.name, "content-length")) {
      ++lengths;
      if (!all_digits(trim(h.value))) return "Invalid Content-Length.";
    } else if (iequals(h.name, "transfer-encoding")) {
      ++encodings;
      // Exactly one coding, `chunked`: anything else ("chunked, identity",
      // "xchunked", "gzip") would leave the body length to interpretation.
      if (!iequals(trim(h.value), "chunked")) return "Unsupported Transfer-Encoding.";
    }
  }
  if (hosts > 1) return "More than one Host header.";
  if (hosts == 0 && req.version == 11) return "Missing Host header.";
  if (lengths > 1) return "More than one Content-Length header.";
  if (encodings > 0) {
    if (encodings > 1) return "More than one Transfer-Encoding header.";
    if (lengths > 0) return "Transfer-Encoding together with Content-Length.";
    if (req.version == 10) return "Transfer-Encoding on an HTTP/1.0 request.";
  }
  return nullptr;
}

}  // namespace mizan::http::detail
