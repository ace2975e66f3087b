// Invalidation entries (PROTOCOL.md §3, §4): which cached context instances a
// mutation retires, in their JSON and header forms, and how they match.
#pragma once

#include "params/canonical.hpp"

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::params {

/// Every instance of `context`, or those whose params contain all of `params`.
struct invalidation_entry {
  std::string context;
  /// Canonical pairs (key and value each encoded as by encodeURIComponent, as
  /// they appear in a canonical string), in the order of a canonical string,
  /// keys distinct. Empty means the whole context.
  std::vector<canonical_pair> params;

  friend bool operator==(const invalidation_entry&, const invalidation_entry&) = default;
};

/// True for a context name as the protocol allows it: `[A-Za-z0-9_.-]+`.
bool is_valid_context_name(std::string_view name) noexcept;

/// An entry for `context` scoped to `params` (null members dropped; empty
/// object = whole context). Throws `mizan::error(errc::bad_request)` for an
/// invalid context name or a param that is not a scalar (see canonical_params).
invalidation_entry make_entry(std::string_view context, const boost::json::object& params = {});

/// The JSON form: `"todos"` for a whole context, else
/// `{"context": "todo", "params": {"id": 5}}`. Values come back as JSON
/// numbers or booleans when that spelling has the same canonical text, so
/// `{"id": 5}` round-trips as `{"id": 5}`. Thread-safe.
boost::json::value to_json(const invalidation_entry& entry);

/// Reads the JSON form. Throws `mizan::error(errc::bad_request)` for anything
/// else: an invalid context name, members other than `context` and `params`,
/// `params` not an object, or a param that is not a scalar.
invalidation_entry from_json(const boost::json::value& json);

/// The `X-Mizan-Invalidate` header value: entries joined by `, `, each a
/// context name optionally followed by `?` and its canonical params,
/// e.g. `todos, todo?id=5`.
std::string format_invalidate_header(std::span<const invalidation_entry> entries);

/// Reads an `X-Mizan-Invalidate` value: entries separated by a comma and
/// optional spaces or tabs (empty entries ignored, as HTTP lists allow), each
/// `name` or `name?key=value&...`. Params are percent-decoded (`+` stays a
/// plus) and re-encoded, so the result is canonical however they were spelled.
/// Throws `mizan::error(errc::bad_request)` for an invalid context name, a
/// pair without `=`, a malformed escape, invalid UTF-8 or a repeated key.
std::vector<invalidation_entry> parse_invalidate_header(std::string_view header);

/// True when `entry` covers the instance of `context` whose canonical params
/// string is `instance_params` (e.g. `done=true&id=5`): same context, and the
/// instance has every key of the entry with an equal canonical value.
/// Allocation-free; thread-safe.
bool matches(const invalidation_entry& entry, std::string_view context,
             std::string_view instance_params) noexcept;

/// `matches` for an instance whose params are already split into canonical pairs.
bool matches(const invalidation_entry& entry, std::string_view context,
             std::span<const canonical_pair> instance_params) noexcept;

/// Boost.JSON conversion hooks, so `value_from(std::vector<invalidation_entry>)`
/// and `value_to<std::vector<invalidation_entry>>(array)` work.
void tag_invoke(boost::json::value_from_tag, boost::json::value& json,
                const invalidation_entry& entry);
invalidation_entry tag_invoke(boost::json::value_to_tag<invalidation_entry>,
                              const boost::json::value& json);

}  // namespace mizan::params
