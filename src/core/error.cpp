#include "mizan/error.hpp"

#include <utility>

namespace mizan {

int status_of(errc code) noexcept {
  switch (code) {
#define MIZAN_ERRC_STATUS(name, status, wire) \
  case errc::name:                            \
    return status;
    MIZAN_ERRC_TABLE(MIZAN_ERRC_STATUS)
#undef MIZAN_ERRC_STATUS
  }
  return 500;
}

std::string_view wire_code(errc code) noexcept {
  switch (code) {
#define MIZAN_ERRC_WIRE(name, status, wire) \
  case errc::name:                          \
    return wire;
    MIZAN_ERRC_TABLE(MIZAN_ERRC_WIRE)
#undef MIZAN_ERRC_WIRE
  }
  return "internal";
}

error::error(errc code, std::string message)
    : std::runtime_error(std::move(message)), status_(status_of(code)), code_(wire_code(code)) {}

error::error(errc code, std::string message, field_errors fields)
    : std::runtime_error(std::move(message)),
      status_(status_of(code)),
      code_(wire_code(code)),
      fields_(std::move(fields)) {}

error::error(int status, std::string wire_code, std::string message)
    : std::runtime_error(std::move(message)), status_(status), code_(std::move(wire_code)) {}

error& error::with_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

void raise_not_found(std::string message) {
  throw error(errc::not_found, std::move(message));
}

void raise_validation(field_errors fields, std::string message) {
  throw error(errc::validation, std::move(message), std::move(fields));
}

void raise_forbidden(std::string message) {
  throw error(errc::forbidden, std::move(message));
}

}  // namespace mizan
