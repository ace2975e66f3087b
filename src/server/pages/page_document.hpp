// The HTML document of a page: the front end's built index.html, with the
// rendered head and markup in place of its `<!--app-head-->` and
// `<!--app-html-->` markers, and the page's data in a script element.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace mizan::server {

/// `<script>window.__MIZAN_SSR_DATA__=...</script>` for `data_json`, a JSON
/// object. `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX` escapes,
/// so no string in the data can close the element, open a comment or break
/// the script: the same bytes as `ssrScript` of @mizan/base for the same JSON.
std::string ssr_data_script(std::string_view data_json);

/// An index.html split at its markers.
class page_template {
 public:
  /// Splits `html`. Without `<!--app-head-->` the head part goes before
  /// `</head>`; without `<!--app-html-->` no markup can be placed (`accepts_markup()`).
  explicit page_template(std::string html);
  /// A bare document, for applications that serve no front end of their own.
  static page_template fallback();

  /// The document with `head` and `data_script` at the head marker and
  /// `body` at the markup marker.
  std::string render(std::string_view head, std::string_view data_script,
                     std::string_view body) const;
  bool accepts_markup() const { return has_outlet_; }
  /// A digest of the whole file: the same on every instance serving the
  /// same build, another one for another build (its asset names change).
  const std::string& build() const { return build_; }

 private:
  std::string build_;
  std::string before_head_, between_, after_body_;
  bool has_outlet_ = false;
};

/// index.html of the static directory, read at start-up; with `reload`
/// (MIZAN_DEBUG) read again whenever the file changes, so a rebuilt front end
/// is picked up without a restart.
class page_template_source {
 public:
  page_template_source(std::string static_dir, bool reload);
  std::shared_ptr<const page_template> current();
  /// current()->build(): part of a cached page's key.
  std::string build();

 private:
  void load_locked();

  std::filesystem::path path_;
  bool reload_;
  mutable std::mutex mutex_;
  std::shared_ptr<const page_template> template_;
  std::filesystem::file_time_type mtime_{};
};

}  // namespace mizan::server
