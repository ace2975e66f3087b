// Front end: the schema JSON an application prints (PROTOCOL.md §8) → the IR.
#pragma once

#include "gen/ir.hpp"
#include "gen/naming.hpp"

#include <boost/json/value.hpp>

namespace mizan::gen {

/// Validates `schema_json` and builds the IR: names chosen, references
/// resolved, every list sorted by name. Views are left out (they are reached
/// through their route, not the call endpoint), and so are the named types
/// that neither a result, an argument's member nor a channel's message
/// reaches (argument structs such as `IdArgs` become each function's own
/// `<Name>Args`). A schema without `channels` has none.
///
/// @param schema_json the output of `<app> schema`, parsed.
/// @returns the IR.
/// @throws schema_error naming the offending function, context, channel or type when
///   the document is not a version-1 schema, refers to unknown types or
///   contexts, or when two names would become the same TypeScript name.
/// Thread-safety: reentrant.
schema read_schema(const boost::json::value& schema_json);

}  // namespace mizan::gen
