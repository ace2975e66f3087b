#include "gen/generate.hpp"

#include "gen/naming.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

namespace mizan::gen {
namespace {

namespace fs = std::filesystem;

const char* const minimal = R"({"mizan_schema": 1, "contexts": [],
  "functions": [{"name": "ping", "kind": "mutation", "args": {"kind": "ref", "name": "no_args"},
                 "result": {"kind": "null"}}],
  "types": {"no_args": {"kind": "struct", "fields": []}}})";

std::vector<std::string> names_of(const std::map<std::string, std::string>& files) {
  std::vector<std::string> out;
  for (const auto& [name, contents] : files) out.push_back(name);
  return out;
}

TEST(parse_framework, knows_the_three_frameworks_and_all) {
  EXPECT_TRUE(parse_framework("react").react);
  EXPECT_FALSE(parse_framework("react").vue);
  EXPECT_TRUE(parse_framework("vue").vue);
  EXPECT_TRUE(parse_framework("svelte").svelte);
  const auto all = parse_framework("all");
  EXPECT_TRUE(all.react && all.vue && all.svelte);
  EXPECT_THROW(parse_framework("angular"), std::invalid_argument);
  EXPECT_THROW(parse_framework(""), std::invalid_argument);
}

TEST(generate, writes_index_and_the_frameworks_asked_for) {
  const auto schema = boost::json::parse(minimal);
  EXPECT_EQ(names_of(generate(schema, framework_set::all())),
            (std::vector<std::string>{"index.ts", "react.ts", "svelte.svelte.ts", "vue.ts"}));
  EXPECT_EQ(names_of(generate(schema, parse_framework("svelte"))),
            (std::vector<std::string>{"index.ts", "svelte.svelte.ts"}));
  EXPECT_EQ(names_of(generate(schema, {})), (std::vector<std::string>{"index.ts"}));
}

TEST(generate, gives_the_same_bytes_for_the_same_schema_in_any_order) {
  const auto a = generate(boost::json::parse(R"({"mizan_schema": 1, "contexts": [],
    "functions": [
      {"name": "b", "kind": "mutation", "args": {"kind": "ref", "name": "no_args"}, "result": {"kind": "ref", "name": "y"}},
      {"name": "a", "kind": "mutation", "args": {"kind": "ref", "name": "no_args"}, "result": {"kind": "ref", "name": "x"}}],
    "types": {"y": {"kind": "struct", "fields": []}, "x": {"kind": "struct", "fields": []},
              "no_args": {"kind": "struct", "fields": []}}})"),
                          framework_set::all());
  const auto b = generate(boost::json::parse(R"({"mizan_schema": 1, "contexts": [],
    "functions": [
      {"name": "a", "kind": "mutation", "args": {"kind": "ref", "name": "no_args"}, "result": {"kind": "ref", "name": "x"}},
      {"name": "b", "kind": "mutation", "args": {"kind": "ref", "name": "no_args"}, "result": {"kind": "ref", "name": "y"}}],
    "types": {"no_args": {"kind": "struct", "fields": []}, "x": {"kind": "struct", "fields": []},
              "y": {"kind": "struct", "fields": []}}})"),
                          framework_set::all());
  EXPECT_EQ(a, b);
  EXPECT_LT(a.at("index.ts").find("export interface X"),
            a.at("index.ts").find("export interface Y"));
}

TEST(generate, reports_schema_errors) {
  EXPECT_THROW(generate(boost::json::parse(R"({"mizan_schema": 1})"), {}), schema_error);
}

class write_files_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mizan_gen_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
};

TEST_F(write_files_test, creates_the_directory_and_writes_every_file) {
  const auto out = dir_ / "web" / "src" / "api";
  const auto written = write_files(out, {{"index.ts", "one\n"}, {"react.ts", "two\n"}});
  EXPECT_EQ(written, (std::vector<std::string>{"index.ts", "react.ts"}));
  EXPECT_EQ(read(out / "index.ts"), "one\n");
  EXPECT_EQ(read(out / "react.ts"), "two\n");
  EXPECT_FALSE(fs::exists(out / "index.ts.tmp"));
}

TEST_F(write_files_test, leaves_unchanged_files_alone) {
  write_files(dir_, {{"index.ts", "one\n"}, {"react.ts", "two\n"}});
  const auto stamp = fs::last_write_time(dir_ / "index.ts");
  // Make any rewrite visible even on coarse file system clocks.
  fs::last_write_time(dir_ / "index.ts", stamp - std::chrono::hours(1));
  const auto written = write_files(dir_, {{"index.ts", "one\n"}, {"react.ts", "changed\n"}});
  EXPECT_EQ(written, (std::vector<std::string>{"react.ts"}));
  EXPECT_EQ(fs::last_write_time(dir_ / "index.ts"), stamp - std::chrono::hours(1));
  EXPECT_EQ(read(dir_ / "react.ts"), "changed\n");
}

TEST_F(write_files_test, keeps_other_files_in_the_directory) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "custom.ts") << "mine\n";
  write_files(dir_, {{"index.ts", "one\n"}});
  EXPECT_EQ(read(dir_ / "custom.ts"), "mine\n");
}

}  // namespace
}  // namespace mizan::gen
