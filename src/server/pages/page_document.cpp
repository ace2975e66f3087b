#include "server/pages/page_document.hpp"

#include "core/fingerprint.hpp"

#include <fstream>
#include <sstream>

namespace mizan::server {
namespace {

constexpr std::string_view head_marker = "<!--app-head-->";
constexpr std::string_view html_marker = "<!--app-html-->";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

}  // namespace

std::string ssr_data_script(std::string_view data_json) {
  constexpr std::string_view open = "<script>window.__MIZAN_SSR_DATA__=";
  constexpr std::string_view close = "</script>";
  std::string out;
  out.reserve(open.size() + data_json.size() + data_json.size() / 16 + close.size());
  out.append(open);
  // Copies the runs between the characters that need an escape in one go.
  std::size_t from = 0;
  for (std::size_t i = 0; i < data_json.size(); ++i) {
    const char c = data_json[i];
    if (c != '<' && c != '>' && c != '&' && c != '\xE2') continue;
    std::string_view escape;
    if (c == '<') {
      escape = "\\u003c";
    } else if (c == '>') {
      escape = "\\u003e";
    } else if (c == '&') {
      escape = "\\u0026";
    } else if (i + 2 < data_json.size() && data_json[i + 1] == '\x80' &&
               (data_json[i + 2] == '\xA8' || data_json[i + 2] == '\xA9')) {
      // U+2028 and U+2029, in UTF-8.
      escape = data_json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
    } else {
      continue;  // another character starting with 0xE2
    }
    out.append(data_json.substr(from, i - from)).append(escape);
    from = i + (c == '\xE2' ? 3 : 1);
    i = from - 1;
  }
  out.append(data_json.substr(from)).append(close);
  return out;
}

page_template::page_template(std::string html) : build_(fingerprint::etag(html)) {
  std::string_view rest = html;
  auto head = rest.find(head_marker);
  std::size_t head_skip = head_marker.size();
  if (head == std::string_view::npos) {
    head = rest.find("</head>");
    head_skip = 0;
  }
  if (head == std::string_view::npos) head = head_skip = 0;
  before_head_ = std::string(rest.substr(0, head));
  rest.remove_prefix(head + head_skip);
  const auto outlet = rest.find(html_marker);
  has_outlet_ = outlet != std::string_view::npos;
  if (has_outlet_) {
    between_ = std::string(rest.substr(0, outlet));
    after_body_ = std::string(rest.substr(outlet + html_marker.size()));
  } else {
    between_ = std::string(rest);
  }
}

page_template page_template::fallback() {
  return page_template(
      "<!doctype html>\n<html>\n  <head>\n    <meta charset=\"utf-8\" />\n    "
      "<!--app-head-->\n  </head>\n  <body>\n    <div id=\"app\"><!--app-html--></div>\n"
      "  </body>\n</html>\n");
}

std::string page_template::render(std::string_view head, std::string_view data_script,
                                  std::string_view body) const {
  std::string out;
  out.reserve(before_head_.size() + head.size() + data_script.size() + between_.size() +
              body.size() + after_body_.size());
  out.append(before_head_).append(head).append(data_script).append(between_);
  if (has_outlet_) out.append(body);
  out.append(after_body_);
  return out;
}

page_template_source::page_template_source(std::string static_dir, bool reload) : reload_(reload) {
  if (!static_dir.empty()) path_ = std::filesystem::path(static_dir) / "index.html";
  std::lock_guard lock(mutex_);
  load_locked();
}

void page_template_source::load_locked() {
  std::error_code ec;
  const auto mtime = path_.empty() ? std::filesystem::file_time_type{}
                                   : std::filesystem::last_write_time(path_, ec);
  if (template_ && (ec || mtime == mtime_)) return;
  mtime_ = ec ? std::filesystem::file_time_type{} : mtime;
  std::string html = path_.empty() || ec ? std::string() : read_file(path_);
  template_ = std::make_shared<const page_template>(html.empty() ? page_template::fallback()
                                                                 : page_template(std::move(html)));
}

std::shared_ptr<const page_template> page_template_source::current() {
  if (!reload_) return template_;  // never changes: no lock
  std::lock_guard lock(mutex_);
  load_locked();
  return template_;
}

std::string page_template_source::build() {
  if (!reload_) return template_->build();
  return current()->build();
}

}  // namespace mizan::server
