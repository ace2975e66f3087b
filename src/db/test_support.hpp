// Helpers shared by the data layer's tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace db_test {

/// A fresh directory under the system's temporary directory, removed after.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mizan-db-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }
  /// `sqlite:///` followed by the absolute path of `file` in this directory.
  std::string url(std::string_view file = "test.db") const {
    return "sqlite:///" + path_ + "/" + std::string(file);
  }

 private:
  std::string path_;
};

}  // namespace db_test
