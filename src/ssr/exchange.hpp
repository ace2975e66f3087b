// One request/reply exchange with a renderer the calling thread has checked
// out of the pool: send {"id","input"} on the request socket, read frames from
// the reply pipe until the reply with that id, a failure or the deadline. No
// locks and no supervisor involved: the caller owns both descriptors.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "ssr/frame.hpp"
#include "ssr/renderer_pool.hpp"

namespace mizan::ssr::detail {

/// The outcome of one exchange. `failure` is none (page set), timeout,
/// crashed (the channel closed), bad_reply (oversize frame, not JSON, wrong
/// shape) or render_error (the module's render threw: `detail` is its message).
render_result exchange(int request_fd, int reply_fd, frame_decoder& replies, std::uint64_t id,
                       std::string_view input_json, std::chrono::steady_clock::time_point deadline);

/// Reads what is available on a non-blocking descriptor into `decoder`:
/// the byte count, 0 at end of stream, -1 when nothing is available yet, or
/// -errno.
long read_some(int fd, frame_decoder& decoder);

}  // namespace mizan::ssr::detail
