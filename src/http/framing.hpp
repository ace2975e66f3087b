// Mizan's own request framing checks (RFC 9112 §2.2, §3.2, §5.2, §6.1, §6.3),
// applied on top of Beast 1.81's parser, which accepts several ambiguous
// framings that enable request smuggling (see TRAPS.md).
#pragma once

#include <cstddef>
#include <string_view>

#include "http/message.hpp"

namespace mizan::http::detail {

/// Finds the end of a request header in raw bytes, incrementally, while
/// refusing what Beast would let through: obs-fold continuation lines (a line
/// starting with SP or HTAB), bare CR and bare LF. Empty lines before the
/// request line are skipped (RFC 9112 §2.2).
///
/// Feed it the whole buffered input each time; it resumes where it stopped, so
/// a client sending one byte at a time costs linear, not quadratic, work.
class header_scanner {
 public:
  enum class result { need_more, complete, bad };

  result scan(std::string_view data) noexcept;
  /// Offset of the request line (after skipped empty lines).
  std::size_t begin() const noexcept { return begin_; }
  /// One past the final CRLF of the header; valid once `complete`.
  std::size_t end() const noexcept { return end_; }
  /// Why the header was refused; valid once `bad`.
  const char* error() const noexcept { return error_; }
  void reset() noexcept { *this = header_scanner(); }

 private:
  std::size_t pos_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t line_length_ = 0;
  bool after_cr_ = false;
  bool seen_request_line_ = false;
  const char* error_ = nullptr;
};

/// Checks the header fields of a parsed request for ambiguous framing: more
/// than one Content-Length or a non-numeric one; Transfer-Encoding together
/// with Content-Length, on HTTP/1.0, or other than exactly `chunked`; a missing
/// Host on HTTP/1.1 or more than one Host. Returns null when the request is
/// acceptable, otherwise the message for the 400 answer.
///
/// Mizan accepts no transfer coding other than a single `chunked`: RFC 9112
/// allows e.g. `gzip, chunked`, but decoding it is not supported, and passing
/// still-encoded bodies to the application would be wrong.
const char* check_framing(const request& req) noexcept;

}  // namespace mizan::http::detail
