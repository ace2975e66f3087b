// Splits a renderer's stdout/stderr into log lines, each capped so that a
// renderer printing megabytes without a newline, or binary bytes, costs the
// server at most one capped line of memory.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace mizan::ssr::detail {

class output_lines {
 public:
  /// Lines are handed to `emit` without their newline; a line longer than
  /// `cap` bytes is cut there and the rest of it, up to the next newline, is
  /// dropped (the emitted line then ends in " [...]"). Control bytes other
  /// than tab are shown as '?', so a log line stays one line of text.
  explicit output_lines(std::size_t cap = 4096) : cap_(cap) {}

  void feed(std::string_view bytes, const std::function<void(std::string_view)>& emit);
  /// At end of stream: emits an unfinished last line, if any.
  void finish(const std::function<void(std::string_view)>& emit);

 private:
  std::string line_;
  std::size_t cap_;
  bool cut_ = false;
};

}  // namespace mizan::ssr::detail
