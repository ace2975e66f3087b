#include "new_app.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mizan::cli {
namespace fs = std::filesystem;
namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

// Template file → contents, relative path as the key; the framework's
// folder overrides common/ file by file.
std::map<fs::path, fs::path> template_files(const fs::path& root, const std::string& framework) {
  std::map<fs::path, fs::path> files;
  for (const auto* part : {"common", framework.c_str()}) {
    const fs::path dir = root / "app" / part;
    if (!fs::is_directory(dir)) throw std::runtime_error("no templates in " + dir.string());
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file()) files[entry.path().lexically_relative(dir)] = entry.path();
    }
  }
  return files;
}

}  // namespace

std::string substitute(std::string_view text, const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (true) {
    const auto open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    out.append(text, at, open - at);
    const auto key_start = open + 2;
    if (key_start >= text.size() || text[key_start] < 'a' || text[key_start] > 'z') {
      out += "{{";  // not a placeholder: Vue's `{{ value }}`, a JS object in JSX
      at = key_start;
      continue;
    }
    auto key_end = key_start;
    while (key_end < text.size() && is_key_char(text[key_end])) ++key_end;
    const std::string key(text.substr(key_start, key_end - key_start));
    if (text.substr(key_end, 2) != "}}") throw std::runtime_error("unterminated {{" + key);
    const auto var = vars.find(key);
    if (var == vars.end()) throw std::runtime_error("unknown placeholder {{" + key + "}}");
    out += var->second;
    at = key_end + 2;
  }
  out.append(text, at);
  return out;
}

std::string app_name_from(const fs::path& dir) {
  auto base = fs::absolute(dir).lexically_normal();
  if (base.filename().empty()) base = base.parent_path();  // a trailing slash
  std::string name;
  for (const char c : base.filename().string()) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    name += is_key_char(lower) ? lower : '_';
  }
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) name = "app_" + name;
  return name.substr(0, 64);
}

bool valid_app_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && name[0] >= 'a' && name[0] <= 'z' &&
         std::all_of(name.begin(), name.end(), is_key_char);
}

std::string npm_spec(const fs::path& npm_dir, std::string_view package) {
  const std::string prefix = "mizan-" + std::string(package) + "-";
  std::vector<fs::path> tarballs;
  if (fs::is_directory(npm_dir)) {
    for (const auto& entry : fs::directory_iterator(npm_dir)) {
      const auto file = entry.path().filename().string();
      // mizan-base-0.1.0.tgz, not mizan-base-extra-0.1.0.tgz.
      if (file.starts_with(prefix) && file.ends_with(".tgz") && file.size() > prefix.size() &&
          file[prefix.size()] >= '0' && file[prefix.size()] <= '9') {
        tarballs.push_back(entry.path());
      }
    }
  }
  if (!tarballs.empty()) {
    // The newest version by name; one tarball per package is the usual case.
    return "file:" + fs::absolute(*std::max_element(tarballs.begin(), tarballs.end())).string();
  }
  for (const auto& folder : {npm_dir / package, npm_dir / "packages" / package}) {
    if (fs::is_regular_file(folder / "package.json")) {
      return "file:" + fs::absolute(folder).lexically_normal().string();
    }
  }
  throw std::runtime_error("no @mizan/" + std::string(package) + " in " + npm_dir.string() +
                           " (neither " + prefix + "<version>.tgz nor " + std::string(package) +
                           "/package.json); --mizan-npm <dir> names another folder");
}

std::vector<fs::path> create_app(const new_app_options& o) {
  if (o.framework != "react" && o.framework != "vue" && o.framework != "svelte") {
    throw std::runtime_error("--framework must be react, vue or svelte, not '" + o.framework + "'");
  }
  const std::string name = o.name.empty() ? app_name_from(o.dir) : o.name;
  if (!valid_app_name(name)) {
    throw std::runtime_error("'" + name + "' is not an application name ([a-z][a-z0-9_]*)");
  }
  if (fs::exists(o.dir) && !(fs::is_directory(o.dir) && fs::is_empty(o.dir))) {
    throw std::runtime_error(o.dir.string() + " exists and is not an empty directory");
  }
  const std::map<std::string, std::string> vars = {
      {"name", name},
      {"framework", o.framework},
      {"mizan_base", npm_spec(o.npm_dir, "base")},
      {"mizan_adapter", npm_spec(o.npm_dir, o.framework)},
      {"mizan_devtools", npm_spec(o.npm_dir, "devtools")},
      {"mizan_prefix", o.prefix.empty() ? "" : fs::absolute(o.prefix).lexically_normal().string()},
      {"main_ext", o.framework == "react" ? "tsx" : "ts"},
  };
  // Everything is read and substituted before the first write.
  std::map<fs::path, std::string> out;
  for (const auto& [relative, source] : template_files(o.templates, o.framework)) {
    out[relative] = substitute(read_file(source), vars);
  }
  std::vector<fs::path> written;
  for (const auto& [relative, text] : out) {
    const auto file = o.dir / relative;
    write_file(file, text);
    if (relative.extension() == ".sh") {
      fs::permissions(file, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add);
    }
    written.push_back(relative);
  }
  return written;
}

}  // namespace mizan::cli
