// The identity of a schema, as the server sends it (X-Mizan-Schema) and as
// generated code records it (`schemaHash`): a client tells from it that the
// server now runs another schema (deploy skew).
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace mizan::gen {

/// fingerprint::short_id of a canonical serialization of `schema`: object
/// keys sorted, and its functions, contexts and channels sorted by name, so
/// registering the same functions in another order is the same schema.
std::string schema_hash(const boost::json::value& schema);

}  // namespace mizan::gen
