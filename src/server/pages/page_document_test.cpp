// The page document: the data script's escaping (against the vectors the
// TypeScript client is checked with) and the template's markers.
#include "server/pages/page_document.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using namespace mizan::server;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

TEST(SsrDataScript, WritesTheBytesOfTheCrossLanguageVectors) {
  const char* root = std::getenv("MIZAN_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  const auto vectors =
      boost::json::parse(read_text(std::filesystem::path(root) / "tests/vectors/ssr_script.json"))
          .as_array();
  ASSERT_GT(vectors.size(), 10u);
  for (const auto& v : vectors) {
    const auto& json = v.at("json").as_string();
    EXPECT_EQ(ssr_data_script(json), std::string_view(v.at("script").as_string())) << json;
  }
}

TEST(SsrDataScript, NoStringInTheDataCanEndTheScriptOrOpenAComment) {
  const std::string data = R"({"t":"</script><script>alert(1)</script><!-- & )"
                           "\xE2\x80\xA8\xE2\x80\xA9"
                           R"("})";
  const auto script = ssr_data_script(data);
  const auto inner = script.substr(0, script.size() - std::string_view("</script>").size());
  EXPECT_EQ(inner.find("</"), std::string::npos);
  EXPECT_EQ(inner.find("<!--"), std::string::npos);
  EXPECT_EQ(inner.find('&'), std::string::npos);
  EXPECT_EQ(inner.find("\xE2\x80\xA8"), std::string::npos);
  EXPECT_NE(inner.find(R"(\u003c/script\u003e)"), std::string::npos);
  EXPECT_NE(inner.find(R"(\u2028\u2029)"), std::string::npos);
  // The escapes are JSON: the data reads back unchanged.
  const auto json = inner.substr(std::string_view("<script>window.__MIZAN_SSR_DATA__=").size());
  EXPECT_EQ(boost::json::parse(json).at("t").as_string(),
            "</script><script>alert(1)</script><!-- & \xE2\x80\xA8\xE2\x80\xA9");
}

TEST(PageTemplate, PutsHeadDataAndMarkupAtTheMarkers) {
  const page_template t(
      "<html><head><title>x</title><!--app-head--></head>"
      "<body><div id=\"app\"><!--app-html--></div><script src=\"/a.js\"></script></body></html>");
  EXPECT_TRUE(t.accepts_markup());
  EXPECT_EQ(t.render("<meta name=\"h\">", "<script>D</script>", "<p>hi</p>"),
            "<html><head><title>x</title><meta name=\"h\"><script>D</script></head>"
            "<body><div id=\"app\"><p>hi</p></div><script src=\"/a.js\"></script></body></html>");
  // Without markup (no renderer): the data alone, the markers gone.
  EXPECT_EQ(t.render("", "<script>D</script>", ""),
            "<html><head><title>x</title><script>D</script></head>"
            "<body><div id=\"app\"></div><script src=\"/a.js\"></script></body></html>");
}

TEST(PageTemplate, WithoutMarkersTheDataGoesBeforeTheHeadEndAndNoMarkupIsPlaced) {
  const page_template t("<html><head></head><body><div id=\"app\"></div></body></html>");
  EXPECT_FALSE(t.accepts_markup());
  EXPECT_EQ(t.render("", "<script>D</script>", "<p>ignored</p>"),
            "<html><head><script>D</script></head><body><div id=\"app\"></div></body></html>");
}

TEST(PageTemplate, TheFallbackDocumentHasBothMarkers) {
  const auto t = page_template::fallback();
  EXPECT_TRUE(t.accepts_markup());
  const auto html = t.render("<title>T</title>", "<script>D</script>", "<main>M</main>");
  EXPECT_NE(html.find("<title>T</title><script>D</script>"), std::string::npos);
  EXPECT_NE(html.find("<div id=\"app\"><main>M</main></div>"), std::string::npos);
}

TEST(PageTemplateSource, ReloadsAChangedIndexOnlyWhenAskedTo) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mizan-page-template-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto write = [&](std::string_view html) { std::ofstream(dir / "index.html") << html; };
  write("<head><!--app-head--></head><div><!--app-html--></div>one");
  page_template_source fixed(dir.string(), false), watched(dir.string(), true);
  const auto build = watched.build();
  write("<head><!--app-head--></head><div><!--app-html--></div>two, longer");
  std::filesystem::last_write_time(
      dir / "index.html", std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  EXPECT_NE(fixed.current()->render("", "", "").find("one"), std::string::npos);
  EXPECT_NE(watched.current()->render("", "", "").find("two"), std::string::npos);
  EXPECT_NE(watched.build(), build);
  EXPECT_EQ(fixed.build(), build);  // the same file, the same build
  std::filesystem::remove_all(dir);
}

TEST(PageTemplateSource, NoStaticDirectoryMeansTheFallbackDocument) {
  page_template_source none("", false);
  EXPECT_TRUE(none.current()->accepts_markup());
}

}  // namespace
