// `mizan new`: a new application written from the templates in
// templates/app (common/ and then the chosen framework's folder over it).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::cli {

/// What `mizan new` is asked for; every path may be relative.
struct new_app_options {
  std::filesystem::path dir;        ///< created; refused if it exists and is not empty
  std::string framework = "react";  ///< react, vue or svelte
  std::string name;                 ///< empty: from dir's last component
  std::filesystem::path templates;  ///< holds app/common and app/<framework>
  std::filesystem::path npm_dir;    ///< the packed @mizan tarballs (or package folders)
  std::filesystem::path prefix;     ///< the installed Mizan the app builds against, if known
};

/// Replaces every `{{key}}` of `vars` in `text`. A `{{` not followed
/// directly by a letter (Vue's `{{ value }}`) is left as it is.
/// Throws std::runtime_error on an unknown or unterminated `{{key`.
std::string substitute(std::string_view text, const std::map<std::string, std::string>& vars);

/// An application name from a directory: its last component in lower case,
/// every character other than [a-z0-9_] replaced by `_`, `app_` before a
/// leading digit.
std::string app_name_from(const std::filesystem::path& dir);

/// Whether `name` is a usable application (and CMake target) name:
/// [a-z][a-z0-9_]*, at most 64 characters.
bool valid_app_name(std::string_view name);

/// The `file:` dependency of @mizan/<package> in `npm_dir`: the tarball
/// `mizan-<package>-*.tgz` (`npm pack`), else the folder <package>/ or
/// packages/<package>/ holding a package.json. Throws std::runtime_error
/// when there is none.
std::string npm_spec(const std::filesystem::path& npm_dir, std::string_view package);

/// Writes the application and returns the files written, relative to
/// options.dir, sorted. Throws std::runtime_error (nothing is written when
/// the options are refused; a failure while writing may leave a partial
/// directory behind).
std::vector<std::filesystem::path> create_app(const new_app_options& options);

}  // namespace mizan::cli
