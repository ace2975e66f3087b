#include "auth/jwt_claims_reader.hpp"

namespace mizan::auth::detail {
namespace {

// Outcome of reading one claim: absent, present with the right type, or wrong type.
enum class claim { absent, present, wrong_type };

claim read_string(const boost::json::object& o, std::string_view name,
                  std::optional<std::string>& out) {
  const auto* v = o.if_contains(name);
  if (!v) return claim::absent;
  if (!v->is_string()) return claim::wrong_type;
  out.emplace(v->get_string());
  return claim::present;
}

claim read_date(const boost::json::object& o, std::string_view name,
                std::optional<std::int64_t>& out) {
  const auto* v = o.if_contains(name);
  if (!v) return claim::absent;
  // parse_strict keeps every integer literal within ±(2^53 - 1) as int64.
  if (!v->is_int64()) return claim::wrong_type;
  out = v->get_int64();
  return claim::present;
}

// `aud` is a string or an array of strings (RFC 7519 §4.1.3). Yields the
// configured audience when listed, else the first entry (or nothing).
claim read_audience(const boost::json::object& o, const std::optional<std::string>& wanted,
                    std::optional<std::string>& out, bool& matches) {
  matches = false;
  const auto* v = o.if_contains("aud");
  if (!v) return claim::absent;
  if (v->is_string()) {
    out.emplace(v->get_string());
    matches = wanted && *out == *wanted;
    return claim::present;
  }
  if (!v->is_array()) return claim::wrong_type;
  for (const auto& entry : v->get_array()) {
    if (!entry.is_string()) return claim::wrong_type;
    if (!matches && wanted && entry.get_string() == *wanted) {
      matches = true;
      out = *wanted;
    }
  }
  return claim::present;
}

}  // namespace

jwt_result read_claims(const boost::json::object& payload, const claim_rules& rules) {
  jwt_claims c;
  const auto* sub = payload.if_contains("sub");
  if (!sub) return {jwt_error::missing_claim, "missing claim: sub"};
  if (!sub->is_string()) return {jwt_error::malformed, "claim sub is not a string"};
  if (sub->get_string().empty()) return {jwt_error::missing_claim, "claim sub is empty"};
  c.sub = sub->get_string();

  std::optional<std::int64_t> exp;
  switch (read_date(payload, "exp", exp)) {
    case claim::absent:
      return {jwt_error::missing_claim, "missing claim: exp"};
    case claim::wrong_type:
      return {jwt_error::malformed, "claim exp is not an integer"};
    case claim::present:
      c.exp = *exp;
  }
  if (read_date(payload, "nbf", c.nbf) == claim::wrong_type) {
    return {jwt_error::malformed, "claim nbf is not an integer"};
  }
  if (read_date(payload, "iat", c.iat) == claim::wrong_type) {
    return {jwt_error::malformed, "claim iat is not an integer"};
  }
  if (read_string(payload, "iss", c.iss) == claim::wrong_type) {
    return {jwt_error::malformed, "claim iss is not a string"};
  }
  if (read_string(payload, "jti", c.jti) == claim::wrong_type) {
    return {jwt_error::malformed, "claim jti is not a string"};
  }
  if (read_string(payload, "password_stamp", c.password_stamp) == claim::wrong_type) {
    return {jwt_error::malformed, "claim password_stamp is not a string"};
  }
  bool audience_matches = false;
  const claim aud = read_audience(payload, rules.audience, c.aud, audience_matches);
  if (aud == claim::wrong_type) {
    return {jwt_error::malformed, "claim aud is not a string or an array of strings"};
  }
  std::optional<std::string> token_type;
  if (read_string(payload, "token_type", token_type) == claim::wrong_type) {
    return {jwt_error::malformed, "claim token_type is not a string"};
  }
  if (token_type) c.token_type = std::move(*token_type);

  // Dates are within ±2^53 and leeway within a day: no overflow.
  if (rules.now >= c.exp + rules.leeway) return {jwt_error::expired, "token has expired"};
  if (c.nbf && rules.now + rules.leeway < *c.nbf) {
    return {jwt_error::not_yet_valid, "token is not valid yet (nbf)"};
  }
  if (rules.issuer) {
    if (!c.iss) return {jwt_error::missing_claim, "missing claim: iss"};
    if (*c.iss != *rules.issuer) return {jwt_error::wrong_issuer, "token has the wrong issuer"};
  }
  if (rules.audience && aud == claim::absent) {
    return {jwt_error::missing_claim, "missing claim: aud"};
  }
  if (aud == claim::present && !audience_matches) {
    return {jwt_error::wrong_audience, rules.audience
                                           ? "token is not intended for this audience"
                                           : "token names an audience but none is configured"};
  }
  if (rules.token_type) {
    if (!token_type) return {jwt_error::missing_claim, "missing claim: token_type"};
    if (c.token_type != *rules.token_type) {
      return {jwt_error::wrong_token_type, "token has the wrong token_type"};
    }
  }
  return c;
}

}  // namespace mizan::auth::detail
