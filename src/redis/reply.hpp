// Redis replies as owned values and command arguments as binary-safe bytes:
// callers never hold hiredis's redisReply, whose lifetime is the library's.
#pragma once

#include <concepts>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mizan::redis {

/// Redis cannot be reached (connect, I/O, timeout, the breaker is open, AUTH
/// or SELECT refused). The caller fails open (a cache computes) or closed (a
/// session store refuses), never waits.
class unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One RESP2 reply (hiredis 0.14 speaks no RESP3). An error reply (`-ERR`,
/// `WRONGTYPE`) is a value, not an exception: the server answered.
struct reply {
  enum class kind { nil, integer, string, status, error, array };
  kind type = kind::nil;
  std::int64_t integer = 0;
  std::string str;              // string, status and error
  std::vector<reply> elements;  // array

  bool is_nil() const { return type == kind::nil; }
  bool is_error() const { return type == kind::error; }
  bool operator==(const reply&) const = default;
};

/// One argument of a command: bytes (any, NUL included) or an integer,
/// formatted in place. Views what it was made from: use it within the call.
class arg {
 public:
  arg(std::string_view bytes) : data_(bytes.data()), size_(bytes.size()) {}
  arg(const std::string& bytes) : arg(std::string_view(bytes)) {}
  arg(const char* text) : arg(std::string_view(text)) {}
  template <std::integral I>
  requires(!std::same_as<I, char> && !std::same_as<I, bool>) arg(I value)
      : arg(format(static_cast<std::int64_t>(value))) {}
  arg(const arg& other) { *this = other; }
  arg& operator=(const arg& other);

  std::string_view view() const { return {data_, size_}; }

 private:
  struct formatted {
    char digits[24];
    std::size_t size;
  };
  explicit arg(const formatted& f);
  static formatted format(std::int64_t value);

  const char* data_ = nullptr;
  std::size_t size_ = 0;
  bool owns_ = false;
  char digits_[24] = {};
};

/// Several commands sent in one round trip (client::execute).
class pipeline {
 public:
  template <class... A>
  pipeline& add(const A&... args) {
    const arg list[] = {arg(args)...};
    std::vector<std::string>& command = commands_.emplace_back();
    for (const arg& a : list) command.emplace_back(a.view());
    return *this;
  }
  /// One command whose arguments are counted at run time.
  pipeline& add_argv(std::vector<std::string> argv) {
    commands_.push_back(std::move(argv));
    return *this;
  }
  const std::vector<std::vector<std::string>>& commands() const { return commands_; }
  std::size_t size() const { return commands_.size(); }

 private:
  std::vector<std::vector<std::string>> commands_;
};

}  // namespace mizan::redis
