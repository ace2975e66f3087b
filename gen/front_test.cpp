#include "gen/front.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace mizan::gen {
namespace {

using ::testing::HasSubstr;

// A small valid schema: one query in context `items`, one mutation, one view.
boost::json::value base_schema() {
  return boost::json::parse(R"({
    "mizan_schema": 1,
    "functions": [
      {"name": "list_items", "kind": "query", "context": "items",
       "args": {"kind": "ref", "name": "list_args"},
       "fields": [{"name": "q", "rules": {}}],
       "result": {"kind": "array", "of": {"kind": "ref", "name": "item"}},
       "websocket": false},
      {"name": "add_item", "kind": "mutation", "context": null,
       "args": {"kind": "ref", "name": "add_args"},
       "fields": [{"name": "tags", "rules": {"min_length": 1}},
                  {"name": "title", "rules": {"required": true, "max_length": 200, "min": 1E0}}],
       "result": {"kind": "ref", "name": "item"},
       "websocket": true, "session": true},
      {"name": "export_csv", "kind": "view", "context": null,
       "args": {"kind": "ref", "name": "no_args"}, "fields": [],
       "result": {"kind": "response"}}
    ],
    "contexts": [
      {"name": "items", "functions": ["list_items"],
       "params": [{"name": "q", "type": "str", "optional": true}], "private": true}
    ],
    "types": {
      "add_args": {"kind": "struct", "fields": [
        {"name": "title", "type": {"kind": "string"}},
        {"name": "tags", "type": {"kind": "optional", "of": {"kind": "array", "of": {"kind": "ref", "name": "tag"}}}}]},
      "item": {"kind": "struct", "fields": [{"name": "title", "type": {"kind": "string"}}]},
      "list_args": {"kind": "struct", "fields": [{"name": "q", "type": {"kind": "optional", "of": {"kind": "string"}}}]},
      "no_args": {"kind": "struct", "fields": []},
      "tag": {"kind": "enum", "values": ["red", "blue"]},
      "unused": {"kind": "struct", "fields": []}
    }
  })");
}

boost::json::object& fn(boost::json::value& s, std::size_t i) {
  return s.at("functions").as_array().at(i).as_object();
}

std::string error_of(const boost::json::value& s) {
  try {
    read_schema(s);
  } catch (const schema_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(read_schema, builds_sorted_ir_without_views) {
  const schema s = read_schema(base_schema());
  ASSERT_EQ(s.functions.size(), 2u);
  EXPECT_EQ(s.functions[0].name, "add_item");
  EXPECT_EQ(s.functions[1].name, "list_items");
  const auto& add = s.functions[0];
  EXPECT_FALSE(add.is_query);
  EXPECT_TRUE(add.websocket);
  EXPECT_TRUE(add.session) << "the schema's session flag reaches the IR";
  EXPECT_EQ(add.pascal, "AddItem");
  EXPECT_EQ(add.args_type, "AddArgs");
  ASSERT_EQ(add.args.size(), 2u);
  EXPECT_EQ(add.args[1].name, "tags");
  EXPECT_TRUE(add.args[1].optional());
  EXPECT_EQ(add.result.k, type::kind::ref);
  EXPECT_EQ(add.result.ref, "Item");
  const auto& list = s.functions[1];
  EXPECT_TRUE(list.is_query);
  EXPECT_FALSE(list.session) << "absent means false";
  EXPECT_EQ(list.context, "items");
  EXPECT_TRUE(list.rules.empty()) << "a field without rules has no entry";
  ASSERT_EQ(s.contexts.size(), 1u);
  EXPECT_EQ(s.contexts[0].const_name, "itemsContext");
  EXPECT_TRUE(s.contexts[0].is_private);
  ASSERT_EQ(s.contexts[0].params.size(), 1u);
  EXPECT_EQ(s.contexts[0].params[0].kind, context_param::scalar::string);
  EXPECT_TRUE(s.contexts[0].params[0].optional);
}

TEST(read_schema, orders_rules_as_the_arguments_and_keeps_integers) {
  const schema s = read_schema(base_schema());
  const auto& add = s.functions[0];
  ASSERT_EQ(add.rules.size(), 2u);
  EXPECT_EQ(add.rules[0].field, "title");
  EXPECT_TRUE(add.rules[0].required);
  EXPECT_EQ(add.rules[0].max_length, 200);
  ASSERT_TRUE(add.rules[0].min);
  EXPECT_EQ(std::get<double>(*add.rules[0].min), 1.0);
  EXPECT_EQ(add.rules[1].field, "tags");
  EXPECT_EQ(add.rules[1].min_length, 1);
}

TEST(read_schema, keeps_only_types_that_results_and_members_reach) {
  const schema s = read_schema(base_schema());
  std::vector<std::string> names;
  for (const auto& t : s.types) names.push_back(t.ts_name);
  // AddArgs, ListArgs and NoArgs are argument structs; Unused is unused.
  EXPECT_EQ(names, (std::vector<std::string>{"Item", "Tag"}));
  EXPECT_TRUE(s.types[1].is_enum);
  EXPECT_EQ(s.types[1].values, (std::vector<std::string>{"red", "blue"}));
}

TEST(read_schema, refuses_other_documents) {
  EXPECT_THAT(error_of(boost::json::parse("[]")), HasSubstr("expected an object"));
  EXPECT_THAT(error_of(boost::json::parse(R"({"mizan_manifest": 1})")),
              HasSubstr("not a Mizan schema of version 1"));
  auto s = base_schema();
  s.as_object()["mizan_schema"] = 2;
  EXPECT_THAT(error_of(s), HasSubstr("version 1"));
}

TEST(read_schema, names_the_function_with_an_unknown_type) {
  auto s = base_schema();
  fn(s, 1)["result"] = boost::json::parse(R"({"kind": "ref", "name": "Missing"})");
  EXPECT_EQ(error_of(s), "schema: function 'add_item': result: unknown type 'Missing'");
}

TEST(read_schema, names_the_type_with_an_unknown_kind) {
  auto s = base_schema();
  s.at("types").at("item").at("fields").as_array()[0].as_object()["type"] =
      boost::json::parse(R"({"kind": "bigint"})");
  EXPECT_EQ(error_of(s), "schema: type 'item': field 'title': unknown kind 'bigint'");
}

TEST(read_schema, refuses_a_response_outside_a_view) {
  auto s = base_schema();
  fn(s, 1)["result"] = boost::json::parse(R"({"kind": "response"})");
  EXPECT_THAT(error_of(s), HasSubstr("function 'add_item': result: an HTTP response is only"));
}

TEST(read_schema, refuses_bad_function_shapes) {
  auto s = base_schema();
  fn(s, 1)["context"] = "items";
  EXPECT_EQ(error_of(s), "schema: function 'add_item': a mutation has no context");
  s = base_schema();
  fn(s, 0)["context"] = nullptr;
  EXPECT_EQ(error_of(s), "schema: function 'list_items': a query needs a context");
  s = base_schema();
  fn(s, 1)["kind"] = "job";
  EXPECT_EQ(error_of(s), "schema: function 'add_item': unknown kind 'job'");
  s = base_schema();
  fn(s, 1)["name"] = "Add";
  EXPECT_THAT(error_of(s), HasSubstr("function 'Add': the name must match"));
  s = base_schema();
  fn(s, 1)["args"] = boost::json::parse(R"({"kind": "ref", "name": "tag"})");
  EXPECT_EQ(error_of(s), "schema: function 'add_item': args: 'tag' is not a struct");
  s = base_schema();
  fn(s, 1)["args"] = boost::json::parse(R"({"kind": "string"})");
  EXPECT_EQ(error_of(s), "schema: function 'add_item': args: expected a reference to a struct");
  s = base_schema();
  s.at("functions").as_array().push_back(fn(s, 1));
  EXPECT_EQ(error_of(s), "schema: function 'add_item': declared twice");
}

TEST(read_schema, refuses_rules_that_do_not_fit) {
  auto s = base_schema();
  fn(s, 1)["fields"].as_array()[0].as_object()["name"] = "colour";
  EXPECT_EQ(error_of(s), "schema: function 'add_item': rules of 'colour': no such argument");
  s = base_schema();
  fn(s, 1)["fields"].as_array()[0].as_object()["rules"] = boost::json::parse(R"({"slug": true})");
  EXPECT_EQ(error_of(s), "schema: function 'add_item': rules of 'tags': unknown rule 'slug'");
  s = base_schema();
  fn(s, 1)["fields"].as_array()[0].as_object()["rules"] =
      boost::json::parse(R"({"min_length": -1})");
  EXPECT_THAT(error_of(s),
              HasSubstr("rules of 'tags': min_length: expected a non-negative integer"));
  s = base_schema();
  fn(s, 1)["fields"].as_array()[0].as_object()["rules"] = boost::json::parse(R"({"pattern": 5})");
  EXPECT_THAT(error_of(s), HasSubstr("rules of 'tags': pattern: expected a string"));
}

TEST(read_schema, checks_contexts_against_their_queries) {
  auto s = base_schema();
  s.at("contexts").as_array()[0].as_object()["functions"] = boost::json::parse(R"(["add_item"])");
  EXPECT_EQ(error_of(s), "schema: context 'items': 'add_item' is not a query of this context");
  s = base_schema();
  s.at("contexts").as_array()[0].as_object()["functions"] = boost::json::array{};
  EXPECT_EQ(error_of(s), "schema: context 'items': does not list its query 'list_items'");
  s = base_schema();
  fn(s, 0)["context"] = "other";
  EXPECT_THAT(error_of(s), HasSubstr("is not a query of this context"));
  s = base_schema();
  s.at("contexts").as_array()[0].as_object()["params"] =
      boost::json::parse(R"([{"name": "q", "type": "date", "optional": true}])");
  EXPECT_THAT(error_of(s), HasSubstr("context 'items': param 'q': unknown type 'date'"));
  s = base_schema();
  s.at("contexts").as_array()[0].as_object()["name"] = "it ems";
  EXPECT_THAT(error_of(s), HasSubstr("context 'it ems': the name must match"));
}

TEST(read_schema, a_context_needs_a_user_when_one_of_its_queries_does) {
  auto s = base_schema();
  EXPECT_FALSE(read_schema(s).contexts[0].needs_user) << "no auth: none";
  for (const char* level : {"none", "predicate"}) {
    fn(s, 0)["auth"] = level;
    EXPECT_FALSE(read_schema(s).contexts[0].needs_user) << level;
  }
  for (const char* level : {"user", "staff", "superuser"}) {
    fn(s, 0)["auth"] = level;
    EXPECT_TRUE(read_schema(s).contexts[0].needs_user) << level;
  }
  fn(s, 0)["auth"] = "admin";
  EXPECT_EQ(error_of(s), "schema: function 'list_items': unknown auth 'admin'");
  fn(s, 0)["auth"] = 1;
  EXPECT_THAT(error_of(s), HasSubstr("function 'list_items': auth: expected a string"));
}

// base_schema() with `channels`: the JSON of each channel.
boost::json::value with_channels(std::initializer_list<std::string_view> channels) {
  auto s = base_schema();
  auto& list = s.as_object()["channels"].emplace_array();
  for (const auto c : channels) list.push_back(boost::json::parse(c));
  return s;
}

TEST(read_schema, reads_channels_sorted_with_their_names_chosen) {
  const schema s = read_schema(with_channels({
      R"({"name": "a.b-c", "auth": "staff",
          "message": {"kind": "optional", "of": {"kind": "array", "of": {"kind": "string"}}}})",
      R"({"name": "delete", "auth": "none", "message": {"kind": "ref", "name": "unused"}})",
      R"({"name": "Activity", "auth": "user", "message": {"kind": "ref", "name": "item"}})",
  }));
  ASSERT_EQ(s.channels.size(), 3u);
  EXPECT_EQ(s.channels[0].name, "Activity") << "sorted by wire name";
  EXPECT_EQ(s.channels[0].const_name, "ActivityChannel");
  EXPECT_EQ(s.channels[0].pascal, "Activity");
  EXPECT_EQ(s.channels[0].message.ref, "Item");
  EXPECT_TRUE(s.channels[0].needs_user);
  const auto& abc = s.channels[1];
  EXPECT_EQ(abc.const_name, "a_b_cChannel") << "escaped as context constants are";
  EXPECT_EQ(abc.pascal, "ABC");
  EXPECT_EQ(abc.message.k, type::kind::optional);
  EXPECT_EQ(abc.message.of.at(0).k, type::kind::array);
  EXPECT_TRUE(abc.needs_user) << "staff";
  EXPECT_EQ(s.channels[2].const_name, "delete_Channel");
  EXPECT_FALSE(s.channels[2].needs_user);
}

TEST(read_schema, keeps_types_that_only_a_channel_reaches) {
  const schema s = read_schema(with_channels(
      {R"({"name": "c", "auth": "none", "message": {"kind": "ref", "name": "unused"}})"}));
  std::vector<std::string> names;
  for (const auto& t : s.types) names.push_back(t.ts_name);
  EXPECT_EQ(names, (std::vector<std::string>{"Item", "Tag", "Unused"}));
}

TEST(read_schema, has_no_channels_without_the_member) {
  EXPECT_TRUE(read_schema(base_schema()).channels.empty());
  EXPECT_TRUE(read_schema(with_channels({})).channels.empty());
}

TEST(read_schema, refuses_bad_channels) {
  const char* ok =
      R"({"name": "feed", "auth": "none", "message": {"kind": "ref", "name": "item"}})";
  EXPECT_EQ(error_of(with_channels({ok, ok})), "schema: channel 'feed': declared twice");
  EXPECT_EQ(
      error_of(with_channels({R"({"name": "", "auth": "none", "message": {"kind": "null"}})"})),
      "schema: channel '': the name must match [A-Za-z0-9_.-]+");
  EXPECT_EQ(
      error_of(with_channels({R"({"name": "a b", "auth": "none", "message": {"kind": "null"}})"})),
      "schema: channel 'a b': the name must match [A-Za-z0-9_.-]+");
  EXPECT_EQ(
      error_of(with_channels({R"({"name": 1, "auth": "none", "message": {"kind": "null"}})"})),
      "schema: channels: name: expected a string");
  EXPECT_EQ(error_of(with_channels({R"({"name": "feed", "auth": "none",
      "message": {"kind": "ref", "name": "Missing"}})"})),
            "schema: channel 'feed': message: unknown type 'Missing'");
  EXPECT_THAT(error_of(with_channels({R"({"name": "feed", "auth": "none",
      "message": {"kind": "response"}})"})),
              HasSubstr("channel 'feed': message: an HTTP response is only"));
  EXPECT_EQ(error_of(with_channels({R"({"name": "feed", "auth": "none"})"})),
            "schema: channel 'feed': 'message' is missing");
  EXPECT_EQ(error_of(with_channels({R"({"name": "feed", "message": {"kind": "null"}})"})),
            "schema: channel 'feed': 'auth' is missing");
  EXPECT_EQ(error_of(with_channels(
                {R"({"name": "feed", "auth": "predicate", "message": {"kind": "null"}})"})),
            "schema: channel 'feed': unknown auth 'predicate' (expected none, user, staff or "
            "superuser)");
  EXPECT_EQ(
      error_of(with_channels({R"({"name": "feed", "auth": true, "message": {"kind": "null"}})"})),
      "schema: channel 'feed': auth: expected a string");
  EXPECT_EQ(error_of(with_channels({"[]"})), "schema: channels: expected an object");
  auto s = base_schema();
  s.as_object()["channels"] = boost::json::object{};
  EXPECT_EQ(error_of(s), "schema: channels: expected an array");
}

TEST(read_schema, refuses_two_types_with_one_typescript_name) {
  auto s = base_schema();
  s.at("types").as_object()["Item"] = s.at("types").at("item");
  EXPECT_THAT(error_of(s), HasSubstr("also becomes 'Item' in TypeScript; rename one"));
}

TEST(read_schema, refuses_duplicate_members_and_enum_values) {
  auto s = base_schema();
  auto& fields = s.at("types").at("item").at("fields").as_array();
  fields.push_back(fields[0]);
  EXPECT_EQ(error_of(s), "schema: type 'item': field 'title': declared twice");
  s = base_schema();
  s.at("types").at("tag").at("values").as_array().push_back("red");
  EXPECT_EQ(error_of(s), "schema: type 'tag': value 'red' twice");
}

}  // namespace
}  // namespace mizan::gen
