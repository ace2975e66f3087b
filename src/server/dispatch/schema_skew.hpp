// Deploy skew (docs/protocol.md, "Deploy skew"): a client generated from
// another schema than the server runs says so, and its calls are refused
// before they run. HTTP calls send the hash as X-Mizan-Schema; the kernel's
// WebSocket sends it in its handshake URL (`{prefix}/ws/?s=<hash>`).
#pragma once

#include "mizan/error.hpp"

#include <string_view>

namespace mizan::server {

/// Whether a client that was built from schema `sent` runs another schema
/// than `served`. A client that sends nothing (empty) is not checked.
bool stale_schema(std::string_view sent, std::string_view served) noexcept;

/// The hash a WebSocket handshake's query carries (`s=`), or empty.
std::string_view schema_of_handshake(std::string_view query) noexcept;

/// The refusal of a stale client's call: 409 `schema_mismatch`.
error schema_mismatch();

}  // namespace mizan::server
