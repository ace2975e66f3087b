#include "ssr/frame.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace mizan::ssr::detail {
namespace {

std::vector<std::string> drain(frame_decoder& decoder) {
  std::vector<std::string> frames;
  std::string payload;
  while (decoder.next(payload) == frame_decoder::status::frame) frames.push_back(payload);
  return frames;
}

TEST(SsrFrame, EncodesTheLengthBigEndian) {
  EXPECT_EQ(encode_frame("{}"), std::string("\0\0\0\2{}", 6));
  const std::string big(0x010203, 'x');
  const auto frame = encode_frame(big);
  EXPECT_EQ(frame.substr(0, 4), std::string("\0\1\2\3", 4));
  EXPECT_EQ(frame.size(), 4 + big.size());
}

TEST(SsrFrame, DecodesAFrameFedByteByByte) {
  const auto stream = encode_frame(R"({"id":1,"body":"é"})");
  frame_decoder decoder;
  std::string payload;
  for (std::size_t i = 0; i + 1 < stream.size(); ++i) {
    decoder.feed(stream.substr(i, 1));
    ASSERT_EQ(decoder.next(payload), frame_decoder::status::need_more) << i;
  }
  decoder.feed(stream.substr(stream.size() - 1));
  ASSERT_EQ(decoder.next(payload), frame_decoder::status::frame);
  EXPECT_EQ(payload, R"({"id":1,"body":"é"})");
  EXPECT_EQ(decoder.pending(), 0u);
}

TEST(SsrFrame, DecodesSeveralFramesMergedInOneRead) {
  frame_decoder decoder;
  decoder.feed(encode_frame("a") + encode_frame("bb") + encode_frame("ccc") +
               std::string("\0\0", 2));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"a", "bb", "ccc"}));
  EXPECT_EQ(decoder.pending(), 2u);
  decoder.feed(std::string("\0\1d", 3));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"d"}));
}

TEST(SsrFrame, AcceptsAZeroLengthFrame) {
  frame_decoder decoder;
  decoder.feed(encode_frame("") + encode_frame("x"));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"", "x"}));
}

TEST(SsrFrame, RefusesALengthAboveTheLimitAndStaysRefused) {
  frame_decoder decoder;
  decoder.feed(std::string_view("\x04\0\0\x01", 4));  // 64 MiB + 1
  std::string payload;
  EXPECT_EQ(decoder.next(payload), frame_decoder::status::oversize);
  decoder.feed(encode_frame("x"));
  EXPECT_EQ(decoder.next(payload), frame_decoder::status::oversize);

  frame_decoder small(10);
  small.feed(encode_frame(std::string(11, 'x')));
  EXPECT_EQ(small.next(payload), frame_decoder::status::oversize);
  EXPECT_THROW(encode_frame(std::string(max_frame + 1, 'x')), std::length_error);
}

TEST(SsrFrame, ReportsATruncatedStream) {
  const auto stream = encode_frame("complete") + encode_frame("cut short");
  frame_decoder decoder;
  decoder.feed(std::string_view(stream).substr(0, stream.size() - 3));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"complete"}));
  EXPECT_EQ(decoder.pending(), 4 + std::string("cut short").size() - 3);
}

}  // namespace
}  // namespace mizan::ssr::detail
