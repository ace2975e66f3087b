// The one error vocabulary of Mizan: wire code and HTTP status side by side.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mizan {

// Client errors first, then server errors (PROTOCOL.md §3, "Errors").
#define MIZAN_ERRC_TABLE(X)                                \
  X(bad_request, 400, "bad_request")                       \
  X(unauthenticated, 401, "unauthenticated")               \
  X(forbidden, 403, "forbidden")                           \
  X(csrf_failed, 403, "csrf_failed")                       \
  X(not_found, 404, "not_found")                           \
  X(method_not_allowed, 405, "method_not_allowed")         \
  X(payload_too_large, 413, "payload_too_large")           \
  X(unsupported_media_type, 415, "unsupported_media_type") \
  X(validation, 422, "validation")                         \
  X(rate_limited, 429, "rate_limited")                     \
  X(internal, 500, "internal")                             \
  X(unavailable, 503, "unavailable")

enum class errc {
#define MIZAN_ERRC_ENUM(name, status, code) name,
  MIZAN_ERRC_TABLE(MIZAN_ERRC_ENUM)
#undef MIZAN_ERRC_ENUM
};

/// HTTP status of a code, e.g. 404 for errc::not_found.
int status_of(errc code) noexcept;
/// Wire spelling of a code, e.g. "not_found".
std::string_view wire_code(errc code) noexcept;

/// Field name -> messages, as in the `fields` member of a validation error.
using field_errors = std::map<std::string, std::vector<std::string>>;

/// A protocol error raised by a server function or by Mizan itself.
///
/// Thrown, it becomes `{"error": {"code", "message"[, "fields"]}}` with the
/// status of its code. A function may also raise its own wire code with any
/// status of the table: `mizan::error(409, "conflict", "Already taken")`.
/// Anything else that escapes a function becomes `internal` (500) and is logged.
class error : public std::runtime_error {
 public:
  error(errc code, std::string message);
  error(errc code, std::string message, field_errors fields);
  error(int status, std::string wire_code, std::string message);

  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }
  const field_errors& fields() const noexcept { return fields_; }
  /// Extra response headers, e.g. Allow for 405 or Retry-After for 429.
  const std::vector<std::pair<std::string, std::string>>& headers() const noexcept {
    return headers_;
  }
  error& with_header(std::string name, std::string value);

 private:
  int status_;
  std::string code_;
  field_errors fields_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

/// Shorthands for the errors functions raise most.
[[noreturn]] void raise_not_found(std::string message = "Not found.");
[[noreturn]] void raise_validation(field_errors fields, std::string message = "Invalid input.");
[[noreturn]] void raise_forbidden(std::string message = "You do not have permission.");

}  // namespace mizan
