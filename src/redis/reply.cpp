// Integer arguments formatted into the argument itself, so that building a
// command allocates nothing.
#include "redis/reply.hpp"

#include <charconv>
#include <cstring>

namespace mizan::redis {

arg::formatted arg::format(std::int64_t value) {
  formatted f{};
  f.size = static_cast<std::size_t>(std::to_chars(f.digits, f.digits + sizeof f.digits, value).ptr -
                                    f.digits);
  return f;
}

arg::arg(const formatted& f) : size_(f.size), owns_(true) {
  std::memcpy(digits_, f.digits, f.size);
  data_ = digits_;
}

arg& arg::operator=(const arg& other) {
  size_ = other.size_;
  owns_ = other.owns_;
  if (owns_) {
    std::memcpy(digits_, other.digits_, sizeof digits_);
    data_ = digits_;
  } else {
    data_ = other.data_;
  }
  return *this;
}

}  // namespace mizan::redis
