// Dispatch without sockets: registration checks, argument decoding, rules,
// access, invalidation entries and context bundling.
#include "server/dispatch/dispatch.hpp"
#include "server/dispatch/call_state.hpp"
#include "server/registry/schema.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace {

using namespace mizan;
using server::catalog;

inline constexpr context items{"items"};
inline constexpr context item{"item"};

struct Item {
  std::int64_t id;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(Item, (), (id, name))

struct IdArgs {
  std::int64_t id;
};
BOOST_DESCRIBE_STRUCT(IdArgs, (), (id))

struct NameArgs {
  std::string name;
  std::optional<std::int32_t> count;
};
BOOST_DESCRIBE_STRUCT(NameArgs, (), (name, count))

struct IdText {
  std::string id;
};
BOOST_DESCRIBE_STRUCT(IdText, (), (id))

int runs = 0;

std::vector<Item> list_items(call&) {
  ++runs;
  return {{1, "a"}};
}
Item get_item(call&, const IdArgs& a) {
  return {a.id, "x"};
}
Item add_item(call&, const NameArgs& a) {
  return {7, a.name};
}

registry make_registry() {
  registry app;
  app.add("list_items", &list_items).context(items).auth(auth_level::user);
  app.add("get_item", &get_item).context(item);
  app.add("add_item", &add_item)
      .affects(items)
      .affects(item,
               [](const NameArgs&, const Item& r) {
                 return scope{{"id", r.id}};
               })
      .validate("name", {.required = true, .max_length = 3})
      .validate("count", {.min = 1, .max = 10});
  return app;
}

struct caller {
  detail::call_state state;
  call c{state};
  explicit caller(std::optional<user> u = std::nullopt) { state.user = std::move(u); }
};

boost::json::object obj(std::string_view text) {
  return boost::json::parse(text).as_object();
}

int status_of_call(const catalog& cat, std::string_view fn, std::string_view args,
                   std::optional<user> u = user{1, "ann", "", false, false}) {
  caller who(std::move(u));
  try {
    server::run_function(cat, *cat.function(fn), obj(args), who.c);
    return 200;
  } catch (const error& e) {
    return e.status();
  }
}

TEST(Dispatch, RunsFunctionAndNamesWholeAndScopedInvalidations) {
  const auto app = make_registry();
  const catalog cat(app, "/api/mizan");
  caller who;
  auto r = server::run_function(cat, *cat.function("add_item"), obj(R"({"name":"abc"})"), who.c);
  EXPECT_EQ(r.result, R"({"id":7,"name":"abc"})");
  ASSERT_EQ(r.invalidate.size(), 2u);
  EXPECT_EQ(boost::json::serialize(params::to_json(r.invalidate[0])), R"("items")");
  EXPECT_EQ(boost::json::serialize(params::to_json(r.invalidate[1])),
            R"({"context":"item","params":{"id":7}})");
}

TEST(Dispatch, MissingRequiredFieldIsValidationWithFieldMessage) {
  const auto app = make_registry();
  const catalog cat(app, "/api/mizan");
  caller who;
  try {
    server::run_function(cat, *cat.function("add_item"), obj("{}"), who.c);
    FAIL() << "expected a validation error";
  } catch (const error& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.code(), "validation");
    EXPECT_EQ(e.fields().at("name").front(), "This field is required.");
  }
}

TEST(Dispatch, RulesProduceTheSchemaMessages) {
  const auto app = make_registry();
  const catalog cat(app, "/api/mizan");
  caller who;
  try {
    server::run_function(cat, *cat.function("add_item"), obj(R"({"name":"abcd","count":11})"),
                         who.c);
    FAIL() << "expected a validation error";
  } catch (const error& e) {
    EXPECT_EQ(e.fields().at("name").front(), "Ensure this field has no more than 3 characters.");
    EXPECT_EQ(e.fields().at("count").front(), "Ensure this value is less than or equal to 10.");
  }
}

TEST(Dispatch, BlankOptionalValuesSkipTheOtherRules) {
  registry app;
  app.add("mail", [](call&, const NameArgs& a) { return a.name; })
      .validate("name", {.min_length = 3, .email = true});
  const catalog cat(app, "/api/mizan");
  EXPECT_EQ(status_of_call(cat, "mail", R"({"name":""})"), 200);
  EXPECT_EQ(status_of_call(cat, "mail", R"({"name":"  "})"), 200);
  EXPECT_EQ(status_of_call(cat, "mail", R"({"name":"ab"})"), 422);
}

TEST(Dispatch, WrongTypesUnknownKeysAndRangesAreBadRequests) {
  const auto app = make_registry();
  const catalog cat(app, "/api/mizan");
  EXPECT_EQ(status_of_call(cat, "add_item", R"({"name":5})"), 400);
  EXPECT_EQ(status_of_call(cat, "add_item", R"({"name":"a","extra":1})"), 400);
  EXPECT_EQ(status_of_call(cat, "add_item", R"({"name":"a","count":3000000000})"), 400);
  EXPECT_EQ(status_of_call(cat, "add_item", R"({"name":"a","count":1.5})"), 400);
  EXPECT_EQ(status_of_call(cat, "add_item", R"({"name":"a","count":null})"), 200);
}

TEST(Dispatch, ContextChecksAccessBeforeRunningAnything) {
  const auto app = make_registry();
  const catalog cat(app, "/api/mizan");
  caller anonymous;
  runs = 0;
  try {
    server::run_context(*cat.context("items"), {}, anonymous.c);
    FAIL() << "expected unauthenticated";
  } catch (const error& e) {
    EXPECT_EQ(e.status(), 401);
  }
  EXPECT_EQ(runs, 0);
  caller ann(user{1, "ann", "", false, false});
  const auto bundle = server::run_context(*cat.context("items"), {}, ann.c);
  EXPECT_EQ(bundle, R"({"list_items":[{"id":1,"name":"a"}]})");
}

TEST(Dispatch, StaffAndPredicateGuards) {
  registry app;
  app.add("staff_only", &list_items).auth(auth_level::staff);
  app.add("odd_only", &list_items).auth([](const call& c) { return c.user() && c.user()->id % 2; });
  const catalog cat(app, "/api/mizan");
  EXPECT_EQ(status_of_call(cat, "staff_only", "{}", std::nullopt), 401);
  EXPECT_EQ(status_of_call(cat, "staff_only", "{}"), 403);
  EXPECT_EQ(status_of_call(cat, "staff_only", "{}", user{2, "s", "", true, false}), 200);
  EXPECT_EQ(status_of_call(cat, "odd_only", "{}"), 200);
  EXPECT_EQ(status_of_call(cat, "odd_only", "{}", user{2, "b", "", false, false}), 403);
}

template <class Setup>
std::string registration_error(Setup setup) {
  registry app;
  setup(app);
  try {
    catalog cat(app, "/api/mizan");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// A library registers a mutation (as mizan::accounts does auth_signup); the
// application, which alone knows its contexts, declares what else it changes.
TEST(Registry, FunctionRegisteredElsewhereGainsAffectsInCallsSchemaAndManifest) {
  registry app;
  app.add("join", [](call&) { return 1; }).affects_private_contexts();
  app.add("list_items", &list_items).context(items);
  app.add("get_item", &get_item).context(item).private_();
  app.function("join").affects(items);
  const catalog cat(app, "/api/mizan");
  caller who;
  const auto r = server::run_function(cat, *cat.function("join"), obj("{}"), who.c);
  std::vector<std::string> entries;
  for (const auto& e : r.invalidate) entries.push_back(boost::json::serialize(params::to_json(e)));
  EXPECT_EQ(entries, (std::vector<std::string>{R"("items")", R"("item")"}));

  const std::string affects =
      R"([{"context":"items","scoped":false},{"context":"item","scoped":false}])";
  const auto schema = server::schema_of(cat);
  const auto& join = schema.at("functions").as_array().at(1);  // sorted: get_item, join, ...
  EXPECT_EQ(join.at("name"), "join");
  EXPECT_EQ(boost::json::serialize(join.at("affects")), affects);
  // affects_private_contexts() is what tells clients the session changed.
  EXPECT_EQ(join.at("session"), true);
  EXPECT_EQ(schema.at("functions").as_array().at(0).at("session"), false);  // get_item
  const auto manifest = server::manifest_of(cat);
  const auto& mutation = manifest.at("mutations").as_array().at(0);
  EXPECT_EQ(mutation.at("name"), "join");
  EXPECT_EQ(boost::json::serialize(mutation.at("affects")), affects);

  try {
    app.function("nobody");
    FAIL() << "expected a logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "mizan: no function 'nobody' is registered");
  }
  EXPECT_NE(registration_error([](registry& a) {
              a.add("join", [](call&) { return 1; });
              a.function("join").affects(items);
            }).find("affects context 'items', which no function declares"),
            std::string::npos);
}

TEST(Catalog, InconsistentRegistrationsStopStartupNamingTheFunction) {
  EXPECT_EQ(registration_error([](registry& a) {
              a.add("f", &list_items);
              a.add("f", &list_items);
            }),
            "mizan: function 'f': registered twice");
  EXPECT_NE(registration_error([](registry& a) {
              a.add("g", &add_item).affects(items);
            }).find("affects context 'items', which no function declares"),
            std::string::npos);
  EXPECT_NE(registration_error([](registry& a) {
              a.add("a", &list_items).context(items).private_();
              a.add("b", &list_items).context(items);
            }).find("mixes private and public"),
            std::string::npos);
  EXPECT_NE(registration_error([](registry& a) { a.add("Bad", &list_items); }).find("must match"),
            std::string::npos);
  EXPECT_NE(registration_error([](registry& a) {
              a.add("v", [](call&) { return http_response::text("x"); });
            }).find("no route"),
            std::string::npos);
  EXPECT_NE(registration_error([](registry& a) {
              a.add("v", [](call&, const IdArgs&) {
                 return http_response::text("x");
               }).route("/x/{id:str}");
            }).find("declared str but the argument is int"),
            std::string::npos);
  EXPECT_NE(registration_error([](registry& a) {
              a.add("a", &list_items).context(items).unbatched();
            }).find("unbatched is set on a context function"),
            std::string::npos);
}

TEST(Catalog, ParamDeclaredWithTwoTypesIsRefused) {
  EXPECT_NE(registration_error([](registry& a) {
              a.add("a", &get_item).context(item);
              a.add("b", [](call&, const IdText& t) { return t.id; }).context(item);
            }).find("param 'id' is declared with two different types"),
            std::string::npos);
}

TEST(Catalog, TypedRoutesMatchAndCoerce) {
  registry app;
  app.add("export", [](call&, const IdArgs&) { return http_response::text("x"); })
      .route("/things/{id:int}/export.csv")
      .methods({"GET"});
  const catalog cat(app, "/api/mizan");
  auto m = cat.match("/things/42/export.csv", "GET");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->method_allowed);
  EXPECT_EQ(m->params.at("id").as_int64(), 42);
  EXPECT_FALSE(cat.match("/things/abc/export.csv", "GET"));
  EXPECT_FALSE(cat.match("/things/01/export.csv", "GET"));
  auto wrong = cat.match("/things/1/export.csv", "POST");
  ASSERT_TRUE(wrong);
  EXPECT_FALSE(wrong->method_allowed);
}

TEST(Schema, IsDeterministicAndNamesTypesAndOptions) {
  const auto app = make_registry();
  const catalog cat(app, "/api/mizan");
  const auto a = server::pretty_json(server::schema_of(cat));
  const auto b = server::pretty_json(server::schema_of(catalog(app, "/api/mizan")));
  EXPECT_EQ(a, b);
  const auto schema = server::schema_of(cat).as_object();
  EXPECT_TRUE(schema.at("types").as_object().contains("Item"));
  const auto manifest = server::manifest_of(cat).as_object();
  EXPECT_EQ(manifest.at("contexts").as_array()[0].at("path").as_string(), "/api/mizan/ctx/item/");
}

}  // namespace
