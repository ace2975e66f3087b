// The generator's entry point: schema JSON → TypeScript files, and writing
// them so that unchanged files keep their timestamps (no needless rebuilds
// in the front-end's watcher).
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::gen {

/// Which framework files to write besides the framework-free `index.ts`.
struct framework_set {
  bool react = false;
  bool vue = false;
  bool svelte = false;

  static framework_set all() { return {true, true, true}; }
};

/// Parses `react`, `vue`, `svelte` or `all`.
/// @throws std::invalid_argument for anything else.
framework_set parse_framework(std::string_view name);

/// Generates the client of an application from its schema.
///
/// @param schema the output of `<app> schema` (PROTOCOL.md §8), parsed; the
///   generator reads nothing else.
/// @param frameworks the stage-2 files wanted.
/// @returns file name → contents: `index.ts`, and `react.ts`, `vue.ts`,
///   `svelte.svelte.ts` as asked. Deterministic: the same schema gives the
///   same bytes.
/// @throws schema_error naming the offending function, context or type.
/// Thread-safety: reentrant.
/// Example: `write_files("web/src/api", generate(schema, framework_set::all()));`
std::map<std::string, std::string> generate(const boost::json::value& schema,
                                            framework_set frameworks);

/// Writes `files` into `dir` (created if needed), each only when its contents
/// differ from what is there, through a temporary file renamed into place.
///
/// @returns the names of the files written.
/// @throws std::filesystem::filesystem_error or std::runtime_error when a
///   file cannot be written.
std::vector<std::string> write_files(const std::filesystem::path& dir,
                                     const std::map<std::string, std::string>& files);

}  // namespace mizan::gen
