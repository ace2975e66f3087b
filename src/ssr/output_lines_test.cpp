#include "ssr/output_lines.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mizan::ssr::detail {
namespace {

struct collector {
  std::vector<std::string> lines;
  std::function<void(std::string_view)> emit = [this](std::string_view l) {
    lines.emplace_back(l);
  };
};

TEST(SsrOutputLines, SplitsLinesAcrossReads) {
  collector c;
  output_lines out;
  out.feed("one\ntw", c.emit);
  out.feed("o\r\nthree", c.emit);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"one", "two"}));
  out.finish(c.emit);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(SsrOutputLines, CapsALongLineAndDropsItsRest) {
  collector c;
  output_lines out(8);
  out.feed(std::string(100000, 'x') + "\nnext\n", c.emit);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"xxxxxxxx [...]", "next"}));
}

TEST(SsrOutputLines, ShowsControlBytesAsQuestionMarks) {
  collector c;
  output_lines out;
  out.feed(std::string("a\0b\x1b[31m\tc\n", 11), c.emit);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"a?b?[31m\tc"}));
}

}  // namespace
}  // namespace mizan::ssr::detail
