// The names one generated file declares: two things must never share one.
#pragma once

#include "gen/naming.hpp"

#include <map>
#include <string>
#include <string_view>

namespace mizan::gen::detail {

/// Declared names of one file, each with what declares it.
class symbols {
 public:
  /// Records `name` for `what` (e.g. "type 'login_args'").
  /// @throws schema_error naming both owners when `name` is already taken.
  void claim(const std::string& name, std::string_view what);

 private:
  std::map<std::string, std::string, std::less<>> owners_;
};

}  // namespace mizan::gen::detail
