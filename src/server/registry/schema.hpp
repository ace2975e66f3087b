// Machine-readable descriptions (PROTOCOL.md §8): the schema that code
// generation reads and the manifest an edge cache obeys. Deterministic.
#pragma once

#include "server/registry/catalog.hpp"

#include <boost/json/value.hpp>

namespace mizan::server {

boost::json::value schema_of(const catalog& cat);
boost::json::value manifest_of(const catalog& cat);

/// Pretty JSON with sorted keys where order carries no meaning, newline-ended.
std::string pretty_json(const boost::json::value& v);

}  // namespace mizan::server
