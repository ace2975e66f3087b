#include "ssr/frame.hpp"

#include <stdexcept>

namespace mizan::ssr::detail {

std::string encode_frame(std::string_view payload) {
  if (payload.size() > max_frame) throw std::length_error("ssr frame larger than 64 MiB");
  const auto n = static_cast<std::uint32_t>(payload.size());
  std::string out;
  out.reserve(4 + payload.size());
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(payload);
  return out;
}

void frame_decoder::feed(std::string_view bytes) {
  // Drop what was consumed before growing, so a long stream of small frames
  // keeps the buffer at the size of one frame plus one read.
  if (start_ > 0 && (start_ == buffer_.size() || start_ >= buffer_.size() / 2)) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

frame_decoder::status frame_decoder::next(std::string& payload) {
  if (oversize_) return status::oversize;
  if (pending() < 4) return status::need_more;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + start_);
  const std::size_t n = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) |
                        (std::size_t{p[2]} << 8) | std::size_t{p[3]};
  if (n > limit_) {
    oversize_ = true;
    return status::oversize;
  }
  if (pending() - 4 < n) {
    buffer_.reserve(start_ + 4 + n);  // one allocation for a large frame
    return status::need_more;
  }
  payload.assign(buffer_, start_ + 4, n);
  start_ += 4 + n;
  return status::frame;
}

}  // namespace mizan::ssr::detail
