#include "edge/purge_target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace mizan::edge {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad(std::string_view entry, std::string_view why) {
  throw std::invalid_argument(fmt::format("MIZAN_EDGE_PURGE entry \"{}\": {}", entry, why));
}

purge_kind parse_kind(std::string_view entry, std::string_view name) {
  for (auto kind : {purge_kind::varnish, purge_kind::cloudflare, purge_kind::fastly}) {
    if (name == to_string(kind)) return kind;
  }
  bad(entry, "the kind must be varnish, cloudflare or fastly");
}

// The URL ends up in a request line and a Host header: a space or control
// character there would let a setting inject headers.
bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

void parse_authority(std::string_view entry, std::string_view authority, purge_target& out) {
  if (authority.find('@') != std::string_view::npos) bad(entry, "user info is not supported");
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {  // an IPv6 literal: [::1]:8080
    const auto close = authority.find(']');
    if (close == std::string_view::npos) bad(entry, "unclosed [ in the host");
    host = authority.substr(1, close - 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) bad(entry, "junk after the host");
    if (!rest.empty()) port = rest.substr(1);
    if (rest == ":") bad(entry, "empty port");
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) bad(entry, "empty port");
  }
  if (host.empty()) bad(entry, "the URL names no host");
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      bad(entry, "the port must be a number from 1 to 65535");
    }
  }
  out.host = host;
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
}

purge_target parse_entry(std::string_view entry) {
  const auto eq = entry.find('=');
  if (eq == std::string_view::npos) bad(entry, "expected kind=url");
  purge_target out;
  out.kind = parse_kind(entry, trim(entry.substr(0, eq)));
  const std::string_view url = trim(entry.substr(eq + 1));
  out.url = url;
  if (!printable(url)) bad(entry, "the URL has a space or control character");
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    bad(entry, "the URL must start with http:// or https://");
  }
  if (rest.find('#') != std::string_view::npos) bad(entry, "a fragment is not supported");
  const auto path = rest.find_first_of("/?");
  parse_authority(entry, rest.substr(0, path), out);
  if (path == std::string_view::npos) {
    out.target = "/";
  } else {
    out.target = rest[path] == '?' ? "/" : "";
    out.target += rest.substr(path);
  }
  return out;
}

}  // namespace

std::string_view to_string(purge_kind kind) {
  switch (kind) {
    case purge_kind::varnish:
      return "varnish";
    case purge_kind::cloudflare:
      return "cloudflare";
    case purge_kind::fastly:
      return "fastly";
  }
  return "unknown";
}

std::vector<purge_target> parse_purge_targets(std::string_view text) {
  std::vector<purge_target> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto entry = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (!entry.empty()) out.push_back(parse_entry(entry));
  }
  return out;
}

}  // namespace mizan::edge
