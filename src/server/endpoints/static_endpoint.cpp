// Static files below the configured directory: MIME types, no traversal,
// and the single-page-app fallback to index.html for page navigations.
#include "params/uri_encode.hpp"
#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/responses.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace mizan::server {
namespace {

namespace fs = std::filesystem;

std::string_view mime_type(const fs::path& path) {
  static const std::map<std::string, std::string_view, std::less<>> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
      {".csv", "text/csv; charset=utf-8"},
  };
  const auto it = types.find(path.extension().string());
  return it == types.end() ? std::string_view("application/octet-stream") : it->second;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

http::response file_response(const fs::path& path, std::string body, bool immutable) {
  http::response r;
  add_header(r, "Content-Type", std::string(mime_type(path)));
  add_header(r, "Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  add_header(r, "X-Content-Type-Options", "nosniff");
  r.body = std::move(body);
  return r;
}

bool wants_html(const http::request& req) {
  const auto* accept = req.find("Accept");
  return accept && accept->find("text/html") != std::string::npos;
}

}  // namespace

http::response static_endpoint(const settings& cfg, const http::request& req) {
  const error missing(errc::not_found, "Not found.");
  if (cfg.static_dir.empty()) throw missing;
  if (req.method != "GET" && req.method != "HEAD") {
    throw error(errc::method_not_allowed, "Method not allowed.").with_header("Allow", "GET, HEAD");
  }
  const auto decoded = params::percent_decode(req.path(), false);
  if (!decoded || decoded->find('\0') != std::string::npos) throw missing;
  const fs::path root = fs::weakly_canonical(cfg.static_dir);
  fs::path relative = fs::path(*decoded).relative_path().lexically_normal();
  for (const auto& part : relative) {
    if (part == "..") throw missing;  // never climb out of the root
  }
  std::error_code ec;
  fs::path target = fs::weakly_canonical(root / relative, ec);
  // A symlink inside the root may still point outside it.
  const auto rel = target.lexically_relative(root);
  if (ec || rel.empty() || *rel.begin() == "..") throw missing;
  if (fs::is_directory(target, ec)) target /= "index.html";
  if (fs::is_regular_file(target, ec)) {
    if (auto body = read_file(target)) {
      const bool hashed = rel.begin() != rel.end() && *rel.begin() == "assets";
      return file_response(target, std::move(*body), hashed);
    }
  }
  // Client-side routes: a page navigation to an unknown path gets the app.
  if (wants_html(req) && !relative.has_extension()) {
    if (auto body = read_file(root / "index.html")) {
      return file_response(root / "index.html", std::move(*body), false);
    }
  }
  throw missing;
}

}  // namespace mizan::server
