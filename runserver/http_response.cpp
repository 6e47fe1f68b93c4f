#include "runserver/http_response.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "runserver/http_request.hpp"

namespace mvt::runserver {

namespace {

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// http.cookies quoting: values with characters outside the legal set are
/// double-quoted with backslash/octal escapes, as SimpleCookie does.
std::string cookie_quote(const std::string& v) {
  static const std::string legal =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~:";
  if (std::all_of(v.begin(), v.end(), [](char c) { return legal.find(c) != std::string::npos; })) return v;
  std::string out = "\"";
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f || c == ',' || c == ';') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

HttpResponse::HttpResponse(int status_code, std::string content, std::string content_type)
    : status(status_code), body(std::move(content)) {
  headers.emplace_back("Content-Type", std::move(content_type));
}

void HttpResponse::set_header(const std::string& name, std::string value) {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(name, std::move(value));
}

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

void HttpResponse::remove_header(const std::string& name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const auto& kv) { return iequals(kv.first, name); }),
                headers.end());
}

std::string http_date(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

void HttpResponse::set_cookie(const std::string& name, const std::string& value, const CookieOptions& o) {
  // Django replaces an earlier cookie of the same name in the same response.
  const std::string prefix = name + "=";
  cookies.erase(std::remove_if(cookies.begin(), cookies.end(),
                               [&](const std::string& c) { return c.rfind(prefix, 0) == 0; }),
                cookies.end());
  std::string c = name + "=" + cookie_quote(value);
  if (o.domain.size()) c += "; Domain=" + o.domain;
  if (o.max_age) {
    std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    c += "; expires=" + http_date(now + *o.max_age);
  }
  if (o.httponly) c += "; HttpOnly";
  if (o.max_age) c += "; Max-Age=" + std::to_string(*o.max_age);
  c += "; Path=" + o.path;
  if (o.samesite.size()) c += "; SameSite=" + o.samesite;
  if (o.secure) c += "; Secure";
  cookies.push_back(std::move(c));
}

void HttpResponse::delete_cookie(const std::string& name, const std::string& path, const std::string& samesite) {
  const std::string prefix = name + "=";
  cookies.erase(std::remove_if(cookies.begin(), cookies.end(),
                               [&](const std::string& c) { return c.rfind(prefix, 0) == 0; }),
                cookies.end());
  std::string c = name + "=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=" + path;
  if (samesite.size()) c += "; SameSite=" + samesite;
  bool secure = name.rfind("__Secure-", 0) == 0 || name.rfind("__Host-", 0) == 0 || samesite == "None";
  if (secure) c += "; Secure";
  cookies.push_back(std::move(c));
}

HttpResponse HttpResponse::redirect(const std::string& location, bool permanent) {
  HttpResponse r(permanent ? 301 : 302, "");
  // HttpResponseRedirectBase: Location is iri_to_uri(redirect_to).
  r.set_header("Location", iri_to_uri(location));
  return r;
}

const char* HttpResponse::reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    default: return "Unknown Status Code";
  }
}

HttpResponse default_error_page(int status) {
  // django.views.defaults' ERROR_PAGE_TEMPLATE, used when the project has no
  // 400.html / 403.html / 404.html / 500.html template.
  std::string title, details;
  switch (status) {
    case 400: title = "Bad Request (400)"; break;
    case 403: title = "403 Forbidden"; break;
    case 404:
      title = "Not Found";
      details = "The requested resource was not found on this server.";
      break;
    default: status = 500; title = "Server Error (500)";
  }
  return HttpResponse(status,
                      "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>" + title +
                          "</title>\n</head>\n<body>\n  <h1>" + title + "</h1><p>" + details +
                          "</p>\n</body>\n</html>\n",
                      "text/html");
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#x27;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace mvt::runserver
