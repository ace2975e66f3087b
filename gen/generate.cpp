#include "gen/generate.hpp"

#include "gen/back_framework.hpp"
#include "gen/back_ts.hpp"
#include "gen/front.hpp"
#include "gen/schema_hash.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mizan::gen {
namespace {

bool same_contents(const std::filesystem::path& path, const std::string& contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream existing;
  existing << in.rdbuf();
  return existing.str() == contents;
}

}  // namespace

framework_set parse_framework(std::string_view name) {
  if (name == "all") return framework_set::all();
  if (name == "react") return {.react = true};
  if (name == "vue") return {.vue = true};
  if (name == "svelte") return {.svelte = true};
  throw std::invalid_argument("unknown framework '" + std::string(name) +
                              "' (expected react, vue, svelte or all)");
}

std::map<std::string, std::string> generate(const boost::json::value& schema_json,
                                            framework_set frameworks) {
  schema s = read_schema(schema_json);
  s.hash = schema_hash(schema_json);
  std::map<std::string, std::string> files;
  files.emplace("index.ts", emit_index(s));
  if (frameworks.react) files.emplace("react.ts", emit_react(s));
  if (frameworks.vue) files.emplace("vue.ts", emit_vue(s));
  if (frameworks.svelte) files.emplace("svelte.svelte.ts", emit_svelte(s));
  return files;
}

std::vector<std::string> write_files(const std::filesystem::path& dir,
                                     const std::map<std::string, std::string>& files) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> written;
  for (const auto& [name, contents] : files) {
    const auto path = dir / name;
    if (same_contents(path, contents)) continue;
    auto temporary = path;
    temporary += ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << contents;
      out.close();
      if (!out) throw std::runtime_error("cannot write " + temporary.string());
    }
    std::filesystem::rename(temporary, path);
    written.push_back(name);
  }
  return written;
}

}  // namespace mizan::gen
