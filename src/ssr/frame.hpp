// Length-prefixed frames of the channel between the server and its Node.js
// renderers (src/ssr/renderer_host.mjs): a 4-byte big-endian length, then
// that many bytes of UTF-8 JSON. Reads from a pipe arrive split or merged;
// the decoder takes whatever a read returned and hands out whole frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mizan::ssr::detail {

/// Largest payload accepted in either direction (64 MiB).
inline constexpr std::size_t max_frame = std::size_t{64} << 20;

/// The frame carrying `payload`: its length as 4 bytes big-endian, then it.
/// Throws std::length_error when `payload` is longer than `max_frame`.
std::string encode_frame(std::string_view payload);

/// Incremental decoder: feed() the bytes of each read, then call next() until
/// it returns need_more. Not thread-safe; one per stream.
class frame_decoder {
 public:
  enum class status { frame, need_more, oversize };

  explicit frame_decoder(std::size_t limit = max_frame) noexcept : limit_(limit) {}

  void feed(std::string_view bytes);
  /// `frame`: `payload` holds the next frame's payload. `need_more`: no whole
  /// frame is buffered. `oversize`: the announced length exceeds the limit;
  /// the stream cannot be resynchronized and the decoder stays in that state.
  status next(std::string& payload);
  /// Bytes of an unfinished frame: nonzero at the end of a stream means it
  /// was truncated.
  std::size_t pending() const noexcept { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;  // consumed prefix of buffer_, dropped lazily
  std::size_t limit_;
  bool oversize_ = false;
};

}  // namespace mizan::ssr::detail
