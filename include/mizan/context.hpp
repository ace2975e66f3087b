// Typed references to contexts, so that a misspelt context does not compile.
#pragma once

#include <string_view>

namespace mizan {

/// A named group of functions fetched together in one GET (PROTOCOL.md §1).
///
/// Declare each context once and refer to the variable everywhere:
///   inline constexpr mizan::context todos{"todos"};
/// The name must match `[A-Za-z0-9_.-]+`; registration checks it at start-up.
class context {
 public:
  constexpr explicit context(std::string_view name) : name_(name) {}
  constexpr std::string_view name() const { return name_; }

 private:
  std::string_view name_;
};

}  // namespace mizan
