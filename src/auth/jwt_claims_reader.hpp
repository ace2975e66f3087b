// Reads and checks the registered claims of a JWT payload whose signature
// has already been verified.
#pragma once

#include "auth/jwt.hpp"

#include <boost/json/object.hpp>

namespace mizan::auth::detail {

/// What the claims are checked against.
struct claim_rules {
  std::int64_t now;
  std::int64_t leeway;
  const std::optional<std::string>& issuer;
  const std::optional<std::string>& audience;
  std::optional<std::string_view> token_type;  ///< nullopt: not checked
};

/// The claims of `payload`, or the first rule they break.
jwt_result read_claims(const boost::json::object& payload, const claim_rules& rules);

}  // namespace mizan::auth::detail
