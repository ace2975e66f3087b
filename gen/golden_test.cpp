// Golden files: tests/golden/<case>/schema.json is the input and the .ts
// files beside it the expected output, byte for byte. After an intended
// change, rewrite them with scripts/update-golden.sh and review the diff.
#include "gen/back_ts.hpp"
#include "gen/generate.hpp"

#include "core/json_strict.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mizan::gen {
namespace {

namespace fs = std::filesystem;

fs::path source_root() {
  const char* env = std::getenv("MIZAN_SOURCE_DIR");
  return fs::path(env && *env ? env : MIZAN_GEN_SOURCE_DIR);
}

fs::path golden_root() {
  return source_root() / "tests" / "golden";
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class golden : public ::testing::TestWithParam<std::string> {};

TEST_P(golden, output_matches_the_committed_files) {
  const auto dir = golden_root() / GetParam();
  const auto parsed = json::parse_strict(read(dir / "schema.json"), {.max_depth = 1000});
  ASSERT_TRUE(parsed) << parsed.error;
  const auto files = generate(parsed.value, framework_set::all());
  std::map<std::string, std::string> expected;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".ts") expected[entry.path().filename()] = read(entry.path());
  }
  for (const auto& [name, contents] : files) {
    const auto it = expected.find(name);
    ASSERT_NE(it, expected.end()) << name << " is generated but not committed in " << dir
                                  << "; run scripts/update-golden.sh";
    EXPECT_EQ(contents, it->second) << name << " differs from " << dir / name
                                    << "; if the change is intended, run scripts/update-golden.sh";
  }
  EXPECT_EQ(files.size(), expected.size()) << "stale .ts files in " << dir;
}

TEST_P(golden, generation_is_deterministic) {
  const auto parsed = json::parse_strict(read(golden_root() / GetParam() / "schema.json"));
  ASSERT_TRUE(parsed) << parsed.error;
  EXPECT_EQ(generate(parsed.value, framework_set::all()),
            generate(parsed.value, framework_set::all()));
}

// The server's error table (MIZAN_ERRC_TABLE) is the one list of wire codes
// written by hand; the kernel's copy is generated from it and must not drift.
TEST(ErrorCodes, KernelListIsTheServerTable) {
  const auto file = source_root() / "packages" / "base" / "src" / "errorCodes.ts";
  EXPECT_EQ(read(file), emit_error_codes_file())
      << file << " differs from MIZAN_ERRC_TABLE in include/mizan/error.hpp; run "
      << "`mizan-gen --error-codes " << file.string() << "` (in the build's gen/) and commit it";
}

// todo: the reference application; synthetic: every type kind, escaping, a
// context with params of every scalar type.
INSTANTIATE_TEST_SUITE_P(cases, golden, ::testing::Values("todo", "synthetic"));

}  // namespace
}  // namespace mizan::gen
