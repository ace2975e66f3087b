#include "ssr/output_lines.hpp"

namespace mizan::ssr::detail {

void output_lines::feed(std::string_view bytes, const std::function<void(std::string_view)>& emit) {
  for (const char c : bytes) {
    if (c == '\n') {
      if (cut_) line_ += " [...]";
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      emit(line_);
      line_.clear();
      cut_ = false;
    } else if (line_.size() >= cap_) {
      cut_ = true;
    } else {
      const auto u = static_cast<unsigned char>(c);
      line_ += (u < 0x20 && c != '\t' && c != '\r') || u == 0x7f ? '?' : c;
    }
  }
}

void output_lines::finish(const std::function<void(std::string_view)>& emit) {
  if (line_.empty() && !cut_) return;
  if (cut_) line_ += " [...]";
  emit(line_);
  line_.clear();
  cut_ = false;
}

}  // namespace mizan::ssr::detail
