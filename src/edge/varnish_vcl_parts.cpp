// The parts of the Varnish VCL that depend on the manifest: one block per
// cacheable context, and the safe splicing of its strings into VCL.
#include "edge/varnish_vcl.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace mizan::edge::detail {
namespace {

bool is_hex_or_dot(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
         c == ':';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string seconds(std::int64_t s) {
  return fmt::format("{}s", s);
}

}  // namespace

std::string vcl_string(std::string_view s) {
  // A long string ends at the first `"}` and knows no escapes, so that
  // sequence cannot be written at all; control characters have no business
  // in a name, path or pattern and would break the comments they appear in.
  if (s.find("\"}") != std::string_view::npos) {
    throw std::invalid_argument(fmt::format("VCL: cannot write {:?} as a VCL string", s));
  }
  if (std::any_of(s.begin(), s.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    throw std::invalid_argument(fmt::format("VCL: control character in {:?}", s));
  }
  return "{\"" + std::string(s) + "\"}";
}

std::string vcl_acl_entry(std::string_view entry) {
  const auto slash = entry.find('/');
  const auto address = entry.substr(0, slash);
  // Addresses only: VCL resolves a host name once, at compile time.
  const bool ok = !address.empty() && std::all_of(address.begin(), address.end(), is_hex_or_dot) &&
                  (slash == std::string_view::npos ||
                   (all_digits(entry.substr(slash + 1)) && entry.size() - slash - 1 <= 3));
  if (!ok) throw std::invalid_argument(fmt::format("VCL: purger {:?} is not an address", entry));
  if (slash == std::string_view::npos) return fmt::format("\"{}\";", address);
  return fmt::format("\"{}\"/{};", address, entry.substr(slash + 1));
}

std::string regex_literal(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || static_cast<unsigned char>(c) >= 0x80;
    if (!word) out += '\\';
    out += c;
  }
  return out;
}

std::string vcl_recv_contexts(const edge_rules& rules) {
  std::string out;
  for (const auto& r : rules.contexts) {
    if (!r.cacheable) continue;
    if (r.ttl <= 0) throw std::invalid_argument("VCL: cacheable context " + r.name + " has no ttl");
    out += fmt::format("  # Context {}: {}, {} s.\n", r.name, r.is_private ? "private" : "public",
                       r.ttl);
    out += fmt::format("  if (req.http.x-mizan-path == {}) {{\n", vcl_string(r.path));
    out +=
        "    # Only the canonical spelling of declared params is cached: any other\n"
        "    # spelling or a junk param would multiply entries (PROTOCOL.md §2).\n";
    out += fmt::format("    if (req.http.x-mizan-q !~ {}) {{\n      return (pass);\n    }}\n",
                       vcl_string(r.canonical_query));
    if (r.is_private) {
      out +=
          "    call mizan_mwt;\n"
          "    if (!req.http.x-mizan-mwt) {\n      return (pass);\n    }\n";
    } else {
      out +=
          "    # A public value is the same for everyone: the origin need not see\n"
          "    # cookies, and so cannot answer with a Set-Cookie.\n"
          "    unset req.http.Cookie;\n";
    }
    out += fmt::format("    set req.http.x-mizan-ctx = {};\n", vcl_string(r.name));
    out += "    return (hash);\n  }\n";
  }
  return out;
}

std::string vcl_hash_contexts(const edge_rules& rules) {
  std::string out;
  for (const auto& r : rules.contexts) {
    if (!r.cacheable) continue;
    out += fmt::format("  if (req.http.x-mizan-ctx == {}) {{\n", vcl_string(r.name));
    out += fmt::format("    hash_data({});\n", vcl_string(r.name));
    out += fmt::format("    hash_data({});\n", vcl_string(std::to_string(r.rev)));
    out += "    hash_data(req.http.x-mizan-query);\n";
    if (r.is_private) out += "    hash_data(req.http.x-mizan-mwt);\n";
    out += "    return (lookup);\n  }\n";
  }
  return out;
}

std::string vcl_ttl_contexts(const edge_rules& rules) {
  std::string out;
  for (const auto& r : rules.contexts) {
    if (!r.cacheable) continue;
    out += fmt::format("  {}if (bereq.http.x-mizan-ctx == {}) {{\n    set beresp.ttl = {};\n",
                       out.empty() ? "" : "} els", vcl_string(r.name), seconds(r.ttl));
  }
  out += out.empty() ? "  call mizan_uncacheable;\n"
                     : "  } else {\n    call mizan_uncacheable;\n  }\n";
  return out;
}

std::string vcl_mwt_sub(const edge_rules& rules) {
  const auto name = regex_literal(rules.mwt_cookie);
  std::string out =
      "# The MWT (PROTOCOL.md §7) keys a private entry. The origin tags a private\n"
      "# response only when this cookie is valid and names the signed-in user, so\n"
      "# an entry is found again only with the very token it was stored for; a\n"
      "# forged token is another key, whose response the origin never tags.\n"
      "# Anything but one well-formed, unexpired token is passed.\n"
      "sub mizan_mwt {\n"
      "  unset req.http.x-mizan-mwt;\n"
      "  unset req.http.x-mizan-mwt-exp;\n"
      "  # Twice: the origin might read the other one.\n";
  out += fmt::format("  if (req.http.Cookie ~ {}) {{\n    return;\n  }}\n",
                     vcl_string(fmt::format("(^|;)\\s*{0}=.*;\\s*{0}=", name)));
  out += fmt::format("  if (req.http.Cookie !~ {}) {{\n    return;\n  }}\n",
                     vcl_string(fmt::format("(^|;)\\s*{}=", name)));
  out += fmt::format("  set req.http.x-mizan-mwt = regsub(req.http.Cookie, {}, \"\\1\");\n",
                     vcl_string(fmt::format("^(?:.*;)?\\s*{}=([^;]*).*$", name)));
  out +=
      "  # mwt1.{base64url payload}.{base64url HMAC-SHA256}: checked before the\n"
      "  # payload is decoded, since blob fails the request on bad base64.\n"
      "  if (req.http.x-mizan-mwt !~ "
      "\"^mwt1\\.(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?\\.[A-Za-z0-9_-]{43}$\") {\n"
      "    unset req.http.x-mizan-mwt;\n"
      "    return;\n"
      "  }\n"
      "  # Its exp: an expired token is no key (the origin refuses it), and it\n"
      "  # bounds the entry's time to live (vcl_backend_response).\n"
      "  set req.http.x-mizan-mwt-exp = regsub(blob.transcode(BASE64URLNOPAD, IDENTITY,\n"
      "      encoded=regsub(req.http.x-mizan-mwt, \"^mwt1\\.([^.]*)\\..*$\", \"\\1\")),\n"
      "    {\"^\\{.*\"exp\":([0-9]{1,12})[,}].*$\"}, \"\\1\");\n"
      "  if (req.http.x-mizan-mwt-exp !~ \"^[0-9]{1,12}$\" ||\n"
      "      std.integer(req.http.x-mizan-mwt-exp, 0) <= std.integer(time=now)) {\n"
      "    unset req.http.x-mizan-mwt;\n"
      "    unset req.http.x-mizan-mwt-exp;\n"
      "  }\n"
      "}\n";
  return out;
}

}  // namespace mizan::edge::detail
