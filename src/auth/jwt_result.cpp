#include "auth/jwt.hpp"

#include <stdexcept>

namespace mizan::auth {

std::string_view to_string(jwt_error e) noexcept {
  switch (e) {
    case jwt_error::malformed:
      return "malformed";
    case jwt_error::bad_signature:
      return "bad_signature";
    case jwt_error::algorithm_not_allowed:
      return "algorithm_not_allowed";
    case jwt_error::expired:
      return "expired";
    case jwt_error::not_yet_valid:
      return "not_yet_valid";
    case jwt_error::wrong_issuer:
      return "wrong_issuer";
    case jwt_error::wrong_audience:
      return "wrong_audience";
    case jwt_error::wrong_token_type:
      return "wrong_token_type";
    case jwt_error::missing_claim:
      return "missing_claim";
  }
  return "unknown";
}

const jwt_claims& jwt_result::claims() const& {
  if (error_) throw std::logic_error("jwt_result::claims() on a refused token");
  return claims_;
}

jwt_claims&& jwt_result::claims() && {
  if (error_) throw std::logic_error("jwt_result::claims() on a refused token");
  return std::move(claims_);
}

}  // namespace mizan::auth
