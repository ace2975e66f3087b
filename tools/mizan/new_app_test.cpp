#include "new_app.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using mizan::cli::create_app;
using mizan::cli::substitute;

namespace {

struct temp_dir {
  fs::path path =
      fs::temp_directory_path() /
      ("mizan_cli_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A stand-in for the packed packages: one tarball each (never opened).
fs::path fake_npm(const fs::path& root) {
  fs::create_directories(root / "npm");
  for (const auto* p : {"base", "react", "vue", "svelte", "devtools"}) {
    std::ofstream(root / "npm" / (std::string("mizan-") + p + "-0.1.0.tgz")) << "x";
  }
  return root / "npm";
}

}  // namespace

TEST(substitute, replaces_known_keys_and_leaves_vue_mustaches) {
  EXPECT_EQ(substitute("a {{name}} b {{ value }} {{{x: 1}}}", {{"name", "n"}}),
            "a n b {{ value }} {{{x: 1}}}");
}

TEST(substitute, refuses_unknown_and_unterminated_keys) {
  EXPECT_THROW(substitute("{{nmae}}", {{"name", "n"}}), std::runtime_error);
  EXPECT_THROW(substitute("{{name", {{"name", "n"}}), std::runtime_error);
}

TEST(app_name, comes_from_the_directory) {
  EXPECT_EQ(mizan::cli::app_name_from("/tmp/My-App/"), "my_app");
  EXPECT_EQ(mizan::cli::app_name_from("2go"), "app_2go");
  EXPECT_FALSE(mizan::cli::valid_app_name("My"));
  EXPECT_TRUE(mizan::cli::valid_app_name("my_app2"));
}

TEST(npm_spec, prefers_the_tarball_and_refuses_a_missing_package) {
  temp_dir t;
  const auto npm = fake_npm(t.path);
  EXPECT_EQ(mizan::cli::npm_spec(npm, "base"), "file:" + (npm / "mizan-base-0.1.0.tgz").string());
  EXPECT_THROW(mizan::cli::npm_spec(npm, "angular"), std::runtime_error);
}

TEST(create_app, writes_every_framework_with_no_placeholder_left) {
  for (const auto* fw : {"react", "vue", "svelte"}) {
    temp_dir t;
    const auto files = create_app({.dir = t.path / "app",
                                   .framework = fw,
                                   .name = "my_app",
                                   .templates = MIZAN_SOURCE_TEMPLATES,
                                   .npm_dir = fake_npm(t.path)});
    ASSERT_FALSE(files.empty());
    for (const auto& f : files) {
      const auto text = read(t.path / "app" / f);
      EXPECT_EQ(text.find("{{name}}"), std::string::npos) << fw << ' ' << f;
    }
    EXPECT_NE(read(t.path / "app" / "CMakeLists.txt").find("mizan_add_app(my_app"),
              std::string::npos);
    const auto package_json = read(t.path / "app" / "web" / "package.json");
    EXPECT_NE(package_json.find(std::string("mizan-") + fw + "-0.1.0.tgz"), std::string::npos);
    EXPECT_NE(package_json.find("mizan-devtools-0.1.0.tgz"), std::string::npos);
    EXPECT_TRUE((fs::status(t.path / "app" / "test.sh").permissions() & fs::perms::owner_exec) !=
                fs::perms::none);
  }
}

TEST(create_app, refuses_a_directory_that_is_not_empty) {
  temp_dir t;
  std::ofstream(t.path / "keep") << "x";
  EXPECT_THROW(create_app({.dir = t.path,
                           .templates = MIZAN_SOURCE_TEMPLATES,
                           .npm_dir = fake_npm(t.path / "elsewhere")}),
               std::runtime_error);
  EXPECT_FALSE(fs::exists(t.path / "CMakeLists.txt"));
}
