// Registering server-rendered pages: a route, the contexts its data comes
// from, and who may see it. The server runs those contexts as `GET ctx/`
// would, hands their data to the front end's renderer, and answers with the
// HTML document, the data inlined so the page does not fetch it again.
#pragma once

#include "mizan/context.hpp"
#include "mizan/user.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace mizan {
namespace detail {

/// One context a page needs, with the params it takes when the request does
/// not give them.
struct page_context {
  std::string context;
  boost::json::object defaults;
};

/// A page as registered.
struct page_def {
  std::string name;
  std::string route;
  std::vector<page_context> contexts;
  auth_level auth = auth_level::none;
};

}  // namespace detail

/// Sets the options of one page; returned by `registry::page`.
class page_builder {
 public:
  explicit page_builder(detail::page_def& def) : def_(&def) {}

  /// The page shows context `c`. Its params come from the route's typed
  /// segments and the query string (by name: only names `c` declares), and
  /// otherwise from `defaults`, e.g. `.context(leaderboard, {{"limit", 10}})`.
  page_builder& context(const mizan::context& c, boost::json::object defaults = {}) {
    def_->contexts.push_back({std::string(c.name()), std::move(defaults)});
    return *this;
  }
  /// Who may load the page: anyone (the default), a signed-in user, staff or
  /// a superuser; others get 401 or 403. The contexts keep their own guards:
  /// a context the caller may not read is left out of the page's data.
  page_builder& auth(auth_level level) {
    def_->auth = level;
    return *this;
  }

 private:
  detail::page_def* def_;
};

}  // namespace mizan
