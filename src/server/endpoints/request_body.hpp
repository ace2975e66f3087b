// Reading a request's JSON arguments and writing invalidation entries, shared
// by the call endpoint and the view path.
#pragma once

#include "http/message.hpp"
#include "params/invalidation.hpp"
#include "server/dispatch/dispatch.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace mizan::server {

/// True when `content_type` is application/json (parameters allowed).
bool is_json_content_type(std::string_view content_type);

/// The body as an arguments object: `{}` when empty; throws 415 for another
/// content type, 400 for malformed JSON or a non-object.
boost::json::object parse_arguments(std::string_view content_type, std::string_view body);

/// A mutation's response body: `{"result": ..., "invalidate": [...]}`.
std::string result_body(const call_result& r);

}  // namespace mizan::server
