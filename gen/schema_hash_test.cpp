#include "gen/schema_hash.hpp"

#include "gen/generate.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace mizan::gen {
namespace {

constexpr const char* ab = R"({"mizan_schema": 1, "contexts": [],
  "functions": [
    {"name": "a", "kind": "mutation", "args": {"kind": "ref", "name": "no_args"}, "result": {"kind": "ref", "name": "x"}},
    {"name": "b", "kind": "mutation", "args": {"kind": "ref", "name": "no_args"}, "result": {"kind": "ref", "name": "x"}}],
  "types": {"x": {"kind": "struct", "fields": []}, "no_args": {"kind": "struct", "fields": []}}})";

constexpr const char* ba =
    R"({"types": {"no_args": {"fields": [], "kind": "struct"}, "x": {"kind": "struct", "fields": []}},
  "functions": [
    {"name": "b", "kind": "mutation", "args": {"kind": "ref", "name": "no_args"}, "result": {"kind": "ref", "name": "x"}},
    {"kind": "mutation", "name": "a", "args": {"kind": "ref", "name": "no_args"}, "result": {"kind": "ref", "name": "x"}}],
  "contexts": [], "mizan_schema": 1})";

TEST(schema_hash, is_sixteen_hex_digits_and_ignores_order) {
  const auto hash = schema_hash(boost::json::parse(ab));
  EXPECT_EQ(hash.size(), 16u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(hash, schema_hash(boost::json::parse(ba)));
}

TEST(schema_hash, changes_with_what_a_client_depends_on) {
  auto changed = boost::json::parse(ab);
  changed.at("functions").at(1).as_object()["result"] = boost::json::parse(R"({"kind": "int"})");
  EXPECT_NE(schema_hash(changed), schema_hash(boost::json::parse(ab)));
  auto renamed = boost::json::parse(ab);
  renamed.at("functions").at(1).as_object()["name"] = "c";
  EXPECT_NE(schema_hash(renamed), schema_hash(boost::json::parse(ab)));
}

TEST(schema_hash, is_what_generated_code_exports) {
  const auto files = generate(boost::json::parse(ba), framework_set::all());
  EXPECT_NE(files.at("index.ts")
                .find("export const schemaHash = '" + schema_hash(boost::json::parse(ab)) + "';"),
            std::string::npos);
}

}  // namespace
}  // namespace mizan::gen
