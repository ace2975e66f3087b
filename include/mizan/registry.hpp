// Registering server functions with the options of the `@client` decorator.
#pragma once

#include "mizan/call.hpp"
#include "mizan/channel.hpp"
#include "mizan/context.hpp"
#include "mizan/detail/decode.hpp"
#include "mizan/detail/encode.hpp"
#include "mizan/detail/function_def.hpp"
#include "mizan/detail/type_info.hpp"
#include "mizan/page.hpp"
#include "mizan/response.hpp"
#include "mizan/rules.hpp"

#include <chrono>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace mizan {

/// The params that scope an `affects` entry, e.g. `mizan::scope{{"id", args.id}}`.
using scope = boost::json::object;

/// The arguments of a function that takes none.
struct no_args {};
BOOST_DESCRIBE_STRUCT(no_args, (), ())

namespace detail {

template <class F>
struct fn_traits : fn_traits<decltype(&F::operator())> {};
template <class R, class... A>
struct fn_traits<R (*)(A...)> {
  using result = R;
  static constexpr std::size_t arity = sizeof...(A);
  using args = std::tuple<std::remove_cvref_t<A>...>;
};
template <class C, class R, class... A>
struct fn_traits<R (C::*)(A...) const> : fn_traits<R (*)(A...)> {};
template <class C, class R, class... A>
struct fn_traits<R (C::*)(A...)> : fn_traits<R (*)(A...)> {};

/// The argument struct of `F(call&, const Args&)`, or no_args for `F(call&)`.
template <class F>
using args_of = std::conditional_t<
    (fn_traits<F>::arity == 2),
    std::tuple_element_t<fn_traits<F>::arity == 2 ? 1 : 0, typename fn_traits<F>::args>, no_args>;

template <class Args>
std::vector<field_def> fields_of() {
  std::vector<field_def> fields;
  using members = boost::describe::describe_members<Args, boost::describe::mod_public>;
  boost::mp11::mp_for_each<members>([&](auto member) {
    using T = std::remove_cvref_t<decltype(std::declval<Args&>().*member.pointer)>;
    using V = typename unwrap_optional<T>::type;
    field_def f;
    f.name = member.name;
    f.kind = scalar_kind_of<T>();
    f.optional = is_optional<T>::value;
    if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool>) {
      constexpr std::int64_t js_max = (std::int64_t{1} << 53) - 1;
      f.int_min =
          std::is_signed_v<V> ? std::max<std::int64_t>(std::numeric_limits<V>::min(), -js_max) : 0;
      f.int_max = static_cast<std::int64_t>(
          std::min<std::uint64_t>(std::numeric_limits<V>::max(), std::uint64_t(js_max)));
    }
    fields.push_back(std::move(f));
  });
  return fields;
}

}  // namespace detail

/// Sets the options of one registered function; returned by `registry::add`.
/// Every method returns the builder, so options chain like decorator options.
template <class Args, class Result>
class function_builder {
 public:
  explicit function_builder(detail::function_def& def) : def_(&def) {}

  /// Part of context `c`: fetched with the other functions of `c` in one GET.
  function_builder& context(const mizan::context& c) {
    def_->context = c.name();
    return *this;
  }
  /// Makes every instance of `c` stale after a successful call.
  function_builder& affects(const mizan::context& c) {
    def_->affects.push_back({std::string(c.name()), nullptr});
    return *this;
  }
  /// Makes the instances of `c` whose params contain `scope(args, result)` stale.
  template <class Scope>
  function_builder& affects(const mizan::context& c, Scope scope) {
    def_->affects.push_back(
        {std::string(c.name()), [scope](const void* args, const void* result) -> mizan::scope {
           if constexpr (std::is_void_v<Result>) {
             (void)result;
             return scope(*static_cast<const Args*>(args));
           } else {
             return scope(*static_cast<const Args*>(args), *static_cast<const Result*>(result));
           }
         }});
    return *this;
  }
  /// Declares that a successful call leaves `c` unchanged even though it
  /// writes a table that `c` reads (an added todo that is not done changes no
  /// count of done todos). Only development mode's missed-invalidation check
  /// reads it: it then does not warn about `c` (docs/guide.md, "Catching a
  /// missed invalidation"). Say why in a comment beside it.
  function_builder& unaffected(const mizan::context& c) {
    def_->unaffected.emplace_back(c.name());
    return *this;
  }
  /// The call may change who is signed in (sign-in, sign-out, a password
  /// change that rotates the session): every private context is stale, and
  /// the schema marks the function `"session": true`, so that clients forget
  /// their session (CSRF token, user) and the private data they hold.
  function_builder& affects_private_contexts() {
    def_->affects_private_contexts = true;
    return *this;
  }
  function_builder& auth(auth_level level) {
    def_->auth = level;
    return *this;
  }
  /// Allows the call only when `predicate(call)` is true (403 otherwise).
  function_builder& auth(std::function<bool(const call&)> predicate) {
    def_->auth_predicate = std::move(predicate);
    return *this;
  }
  /// Skips the CSRF check. Only for functions that neither read nor set
  /// cookies (issuing bearer tokens), as Django's `csrf_exempt`.
  function_builder& csrf_exempt(bool enabled = true) {
    def_->csrf_exempt = enabled;
    return *this;
  }
  /// Runs this mutation on the worker pool, each statement committing on its
  /// own, instead of in the database's write lane, where mutations run one
  /// after another and commit together in one transaction, each rolled back
  /// alone if it fails. For mutations that spend long outside the database
  /// (password hashing, calls to other services), which would hold up every
  /// other write in the lane.
  function_builder& unbatched(bool enabled = true) {
    def_->unbatched = enabled;
    return *this;
  }
  function_builder& websocket(bool enabled = true) {
    def_->websocket = enabled;
    return *this;
  }
  /// The result depends on the user: cached per user, `Cache-Control: private`.
  function_builder& private_(bool enabled = true) {
    def_->is_private = enabled;
    return *this;
  }
  /// Also served at an application route, e.g. "/todos/{id:int}/export.csv".
  function_builder& route(std::string pattern) {
    def_->route = std::move(pattern);
    return *this;
  }
  function_builder& methods(std::initializer_list<std::string_view> methods) {
    def_->methods.assign(methods.begin(), methods.end());
    return *this;
  }
  /// Bumping the revision retires every cached result of the function.
  function_builder& rev(std::int64_t revision) {
    def_->rev = revision;
    return *this;
  }
  /// Time to live of the cached result, in the origin cache and at the edge.
  function_builder& cache(std::chrono::seconds ttl) {
    def_->cache_seconds = ttl.count();
    return *this;
  }
  /// Declares validation rules on argument field `field`.
  function_builder& validate(std::string_view field, rules r) {
    for (auto& f : def_->fields) {
      if (f.name == field) {
        f.rules = std::move(r);
        return *this;
      }
    }
    throw std::logic_error("mizan: function '" + def_->name + "' has no argument '" +
                           std::string(field) + "' to validate");
  }

 private:
  detail::function_def* def_;
};

/// Options added to a function registered elsewhere, such as the accounts
/// functions; returned by `registry::function`. Only whole contexts: a scope
/// would need the function's argument and result types.
class registered_function {
 public:
  explicit registered_function(detail::function_def& def) : def_(&def) {}

  /// Makes every instance of `c` stale after a successful call, as
  /// `function_builder::affects(c)` does.
  registered_function& affects(const mizan::context& c) {
    def_->affects.push_back({std::string(c.name()), nullptr});
    return *this;
  }
  /// Declares that a successful call leaves `c` unchanged, as
  /// `function_builder::unaffected(c)` does.
  registered_function& unaffected(const mizan::context& c) {
    def_->unaffected.emplace_back(c.name());
    return *this;
  }

 private:
  detail::function_def* def_;
};

/// Sets the options of one registered channel; returned by `registry::channel`.
class channel_builder {
 public:
  explicit channel_builder(detail::channel_def& def) : def_(&def) {}
  /// Who may subscribe: anyone (the default), a signed-in user, staff or a
  /// superuser. A subscriber that signs out loses the channel with its socket.
  channel_builder& auth(auth_level level) {
    def_->auth = level;
    return *this;
  }

 private:
  detail::channel_def* def_;
};

/// All server functions of an application.
///
/// Registration happens at start-up, on one thread; afterwards the registry
/// is read-only and shared by every thread.
///   app.add("add_todo", &add_todo).affects(todos).auth(mizan::auth_level::user);
class registry {
 public:
  /// Registers `f`, a callable `Result(call&, const Args&)` or `Result(call&)`.
  /// `Args` is a described struct; `Result` is data (JSON) or `http_response`.
  template <class F>
  auto add(std::string name, F f) {
    using traits = detail::fn_traits<F>;
    using Args = detail::args_of<F>;
    using Result = typename traits::result;
    static_assert(traits::arity == 1 || traits::arity == 2,
                  "mizan: a server function takes (mizan::call&) or (mizan::call&, const Args&)");
    detail::function_def& def = add_def(std::move(name));
    def.args_type = detail::describe_type<Args>(types_);
    if constexpr (std::is_same_v<Result, http_response>) {
      def.result_type = detail::scalar_description("response");
    } else {
      def.result_type = detail::describe_type<Result>(types_);
    }
    def.fields = detail::fields_of<Args>();
    def.returns_view = std::is_same_v<Result, http_response>;
    def.invoke = [f, &def](call& c, const boost::json::object& in,
                           detail::after_decode_hook after_decode, detail::invoke_output& out) {
      const Args args = detail::decode_arguments<Args>(in);
      if (after_decode) after_decode(def, in);
      auto run = [&]() -> decltype(auto) {
        if constexpr (traits::arity == 2) {
          return f(c, args);
        } else {
          return f(c);
        }
      };
      if constexpr (std::is_void_v<Result>) {
        run();
        out.result += "null";
        record_scopes(def, &args, nullptr, out);
      } else {
        Result result = run();
        record_scopes(def, &args, &result, out);
        if constexpr (std::is_same_v<Result, http_response>) {
          out.view = std::move(result);
        } else {
          detail::encode_json(out.result, result);
        }
      }
    };
    return function_builder<Args, Result>(def);
  }

  /// Registers channel `ch`, whose messages are `Message` (described in the
  /// schema, so clients get a typed hook).
  ///   app.channel(activity).auth(mizan::auth_level::none);
  template <class Message>
  channel_builder channel(const mizan::channel<Message>& ch) {
    auto& def = channels_.emplace_back();
    def.name = std::string(ch.name());
    def.message_type = detail::describe_type<Message>(types_);
    return channel_builder(def);
  }

  /// Registers page `name` at `route` (typed segments as for `route()`,
  /// e.g. "/todos/{id:int}/"), rendered on the server from the contexts its
  /// builder names:
  ///   app.page("leaderboard_page", "/leaderboard/").context(leaderboard, {{"limit", 10}});
  page_builder page(std::string name, std::string route) {
    auto& def = pages_.emplace_back();
    def.name = std::move(name);
    def.route = std::move(route);
    return page_builder(def);
  }

  /// A function registered earlier, so that the application can declare what
  /// else it changes: `app.function("auth_signup").affects(stats)`. Throws
  /// std::logic_error, naming it, when no function has that name.
  registered_function function(std::string_view name);

  const std::deque<detail::function_def>& functions() const { return functions_; }
  const std::deque<detail::channel_def>& channels() const { return channels_; }
  const std::deque<detail::page_def>& pages() const { return pages_; }
  const detail::type_table& types() const { return types_; }

 private:
  detail::function_def& add_def(std::string name);
  static void record_scopes(const detail::function_def& def, const void* args, const void* result,
                            detail::invoke_output& out);

  std::deque<detail::function_def> functions_;
  std::deque<detail::channel_def> channels_;
  std::deque<detail::page_def> pages_;
  detail::type_table types_;
};

}  // namespace mizan
