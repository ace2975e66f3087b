// GET of a registered page (include/mizan/page.hpp): its contexts run
// through the context endpoint (same params, guards and origin cache as
// `GET ctx/`), their data goes to a renderer, and the answer is the HTML
// document with the data inlined. Public pages whose contexts are all
// cached are cached too, keyed by the data they were rendered from.
#pragma once

#include "http/message.hpp"
#include "server/app/services.hpp"
#include "server/dispatch/caller.hpp"
#include "server/pages/page_catalog.hpp"

#include <optional>
#include <string_view>

namespace mizan::server {

/// On a network thread: a cached public page answered from the in-memory
/// cache without blocking; nothing when the request must go to a worker.
std::optional<http::response> page_fast_path(services& svc, const page_match& match,
                                             std::string_view path, std::string_view query,
                                             std::string_view if_none_match);

/// On a worker thread: the page of `match` for `from`. Never fails because
/// of the renderer: without one the document carries the data and no markup,
/// and the front end renders it in the browser.
http::response page_endpoint(services& svc, const caller& from, const page_match& match,
                             std::string_view path, std::string_view query,
                             std::string_view if_none_match);

}  // namespace mizan::server
