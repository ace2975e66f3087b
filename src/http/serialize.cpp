#include "http/serialize.hpp"

#include "core/error_body.hpp"

#include <array>
#include <charconv>

namespace mizan::http::detail {

std::string http_date(std::time_t t) {
  static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  auto two = [](char* p, int v) {
    p[0] = char('0' + v / 10);
    p[1] = char('0' + v % 10);
  };
  std::string out;
  out.reserve(29);
  out += days[static_cast<std::size_t>(tm.tm_wday)];
  out += ", ";
  two(buf, tm.tm_mday);
  out.append(buf, 2);
  out += ' ';
  out += months[static_cast<std::size_t>(tm.tm_mon)];
  out += ' ';
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, tm.tm_year + 1900);
  (void)ec;
  out.append(buf, end);
  out += ' ';
  two(buf, tm.tm_hour);
  buf[2] = ':';
  two(buf + 3, tm.tm_min);
  buf[5] = ':';
  two(buf + 6, tm.tm_sec);
  out.append(buf, 8);
  out += " GMT";
  return out;
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

namespace {

// RFC 9110 §5.6.2 tchar.
constexpr bool is_tchar(unsigned char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool server_owned(std::string_view name) noexcept {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection") || iequals(name, "date");
}

}  // namespace

const char* check_header(const header& h) noexcept {
  if (h.name.empty()) return "empty header name";
  for (char c : h.name) {
    if (!is_tchar(static_cast<unsigned char>(c))) return "invalid character in header name";
  }
  for (char ch : h.value) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return "control character in header value";
  }
  return nullptr;
}

bool valid_status(int status) noexcept {
  return status >= 200 && status <= 599;
}

bool status_without_body(int status) noexcept {
  return status == 204 || status == 304;
}

std::string format_headers(const std::vector<header>& headers) {
  std::string out;
  for (const auto& h : headers) {
    if (const char* why = check_header(h)) {
      throw std::invalid_argument("response header " + h.name + ": " + why);
    }
    out += h.name + ": " + h.value + "\r\n";
  }
  return out;
}

void write_head(const response& res, std::string_view date, persistence p, std::string_view common,
                std::string& out) {
  char num[24];
  out.clear();
  out += "HTTP/1.1 ";
  auto [end, ec] = std::to_chars(num, num + sizeof num, res.status);
  (void)ec;
  out.append(num, end);
  out += ' ';
  out += reason_phrase(res.status);
  out += "\r\n";
  for (const auto& h : res.headers) {
    if (server_owned(h.name)) continue;
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  if (!status_without_body(res.status)) {
    out += "Content-Length: ";
    auto [len_end, len_ec] = std::to_chars(num, num + sizeof num, res.body_view().size());
    (void)len_ec;
    out.append(num, len_end);
    out += "\r\n";
  }
  out += common;
  out += "Date: ";
  out += date;
  out += "\r\n";
  if (p == persistence::close) {
    out += "Connection: close\r\n";
  } else if (p == persistence::keep_alive_10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

response error_response(errc code, std::string_view message, bool close) {
  response res;
  res.status = status_of(code);
  res.headers.push_back({"Content-Type", "application/json"});
  core::append_error_body(res.body, wire_code(code), message);
  res.close = close;
  return res;
}

response internal_error_response() {
  return error_response(errc::internal, core::internal_error_message);
}

}  // namespace mizan::http::detail
