// Whatever a schema holds, the generator either succeeds or throws a
// schema_error with a message: never another exception, never a crash.
#include "gen/generate.hpp"
#include "gen/naming.hpp"

#include "core/json_strict.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

namespace mizan::gen {
namespace {

boost::json::value synthetic_schema() {
  const char* env = std::getenv("MIZAN_SOURCE_DIR");
  std::ifstream in(std::filesystem::path(env && *env ? env : MIZAN_GEN_SOURCE_DIR) / "tests" /
                   "golden" / "synthetic" / "schema.json");
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = json::parse_strict(text.str());
  EXPECT_TRUE(parsed) << parsed.error;
  return parsed.value;
}

// Calls `visit` with a pointer to every value inside `v`, `v` included.
void each_value(boost::json::value& v, const std::function<void(boost::json::value&)>& visit) {
  visit(v);
  if (v.is_object()) {
    for (auto& kv : v.get_object()) each_value(kv.value(), visit);
  } else if (v.is_array()) {
    for (auto& x : v.get_array()) each_value(x, visit);
  }
}

TEST(generate, answers_any_corrupted_schema_with_success_or_a_schema_error) {
  const auto original = synthetic_schema();
  ASSERT_TRUE(original.is_object());
  std::size_t nodes = 0;
  {
    auto copy = original;
    each_value(copy, [&](boost::json::value&) { ++nodes; });
  }
  const boost::json::value replacements[] = {
      nullptr, 0, -1, 1.5, "", "x", true, boost::json::array{}, boost::json::object{}};
  std::size_t errors = 0;
  for (std::size_t target = 0; target < nodes; ++target) {
    for (const auto& replacement : replacements) {
      auto copy = original;
      std::size_t i = 0;
      each_value(copy, [&](boost::json::value& v) {
        if (i++ == target) v = replacement;
      });
      try {
        generate(copy, framework_set::all());
      } catch (const schema_error& e) {
        EXPECT_NE(std::string_view(e.what()).find("schema: "), std::string_view::npos);
        ++errors;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "node " << target << " := " << replacement << ": " << e.what();
      }
    }
  }
  EXPECT_GT(errors, nodes) << "most corruptions must be refused";
}

}  // namespace
}  // namespace mizan::gen
