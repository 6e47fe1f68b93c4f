#include "runserver/http_request.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "runserver/pyrepr.hpp"
#include "runserver/pyurl.hpp"

namespace mvt::runserver {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string unquote_impl(std::string_view text, bool plus) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int h = hex_value(text[i + 1]), l = hex_value(text[i + 2]);
      if (h >= 0 && l >= 0) {
        out += static_cast<char>(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out += (plus && c == '+') ? ' ' : c;
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string url_unquote(std::string_view text) { return unquote_impl(text, false); }
std::string url_unquote_plus(std::string_view text) { return unquote_impl(text, true); }

std::string url_quote(std::string_view text, std::string_view safe) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' ||
        safe.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string url_quote_plus(std::string_view text, std::string_view safe) {
  std::string with_space(safe);
  with_space += ' ';
  std::string q = url_quote(text, with_space);
  std::replace(q.begin(), q.end(), ' ', '+');
  return q;
}

QueryDict QueryDict::parse(std::string_view text) {
  QueryDict q;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t amp = text.find('&', start);
    if (amp == std::string_view::npos) amp = text.size();
    std::string_view pair = text.substr(start, amp - start);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      // Names and values are text, as Django's (decoded with errors='replace'):
      // invalid UTF-8 would otherwise reach JSON encoders and templates.
      auto text_of = [](std::string_view part) { return py::decode_replace(url_unquote_plus(part)); };
      if (eq == std::string_view::npos) q.append(text_of(pair), "");
      else q.append(text_of(pair.substr(0, eq)), text_of(pair.substr(eq + 1)));
    }
    start = amp + 1;
  }
  return q;
}

std::optional<std::string> QueryDict::get(const std::string& key) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it)
    if (it->first == key) return it->second;
  return std::nullopt;
}

std::vector<std::string> QueryDict::getlist(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : items_)
    if (k == key) out.push_back(v);
  return out;
}

bool QueryDict::contains(const std::string& key) const {
  return std::any_of(items_.begin(), items_.end(), [&](const auto& kv) { return kv.first == key; });
}

void QueryDict::set(const std::string& key, std::string value) {
  remove(key);
  append(key, std::move(value));
}

void QueryDict::remove(const std::string& key) {
  items_.erase(std::remove_if(items_.begin(), items_.end(), [&](const auto& kv) { return kv.first == key; }),
               items_.end());
}

std::string QueryDict::urlencode() const {
  std::string out;
  for (const auto& [k, v] : items_) {
    if (!out.empty()) out += '&';
    out += url_quote_plus(k) + "=" + url_quote_plus(v);
  }
  return out;
}

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  std::string n = lower(std::string(name));
  for (const auto& [k, v] : headers)
    if (k == n) return v;
  return std::nullopt;
}

std::string HttpRequest::get_full_path() const {
  std::string p = url_quote(path, "/#%[]=:;$&()+,!?*@'~");
  if (!query_string.empty()) p += "?" + query_string;
  return p;
}

std::string HttpRequest::raw_host() const {
  if (auto h = header("host")) return *h;
  std::string host = server_name;
  if (server_port != (secure ? 443 : 80)) host += ":" + std::to_string(server_port);
  return host;
}

/// Django's host_validation_re: ^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9\.:]+\])(:\d+)?$
/// (hand-written: it runs on every request).
static bool valid_host(const std::string& h) {
  std::size_t i = 0;
  if (!h.empty() && h[0] == '[') {
    std::size_t close = h.find(']');
    if (close == std::string::npos) return false;
    std::string inner = h.substr(1, close - 1);
    std::size_t colon = inner.find(':');
    if (colon == std::string::npos || colon + 1 >= inner.size()) return false;
    for (std::size_t k = 0; k < inner.size(); ++k) {
      char c = inner[k];
      bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (k < colon ? !hex : !(hex || c == '.' || c == ':')) return false;
    }
    i = close + 1;
  } else {
    while (i < h.size() && ((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '0' && h[i] <= '9') || h[i] == '.' || h[i] == '-')) ++i;
    if (i == 0) return false;
  }
  if (i == h.size()) return true;
  if (h[i] != ':' || i + 1 == h.size()) return false;
  for (std::size_t k = i + 1; k < h.size(); ++k)
    if (h[k] < '0' || h[k] > '9') return false;
  return true;
}

std::pair<std::string, std::string> split_domain_port(const std::string& raw) {
  std::string host = lower(raw);
  if (!valid_host(host)) return {"", ""};
  if (host.back() == ']') return {host, ""};
  std::string domain = host, port;
  if (auto colon = host.rfind(':'); colon != std::string::npos) {
    domain = host.substr(0, colon);
    port = host.substr(colon + 1);
  }
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  return {domain, port};
}

bool validate_host(const std::string& domain, const std::vector<std::string>& allowed_hosts) {
  for (const auto& raw : allowed_hosts) {
    if (raw == "*") return true;
    if (raw.empty()) continue;
    std::string pattern = lower(raw);
    if (pattern[0] == '.' &&
        ((domain.size() >= pattern.size() &&
          domain.compare(domain.size() - pattern.size(), pattern.size(), pattern) == 0) ||
         domain == pattern.substr(1)))
      return true;
    if (pattern == domain) return true;
  }
  return false;
}

std::string HttpRequest::get_host(const std::vector<std::string>& allowed_hosts) const {
  std::string host = raw_host();
  auto [domain, port] = split_domain_port(host);
  if (!domain.empty() && validate_host(domain, allowed_hosts)) return host;
  std::string msg = "Invalid HTTP_HOST header: " + py_repr(host) + ".";
  if (!domain.empty()) msg += " You may need to add " + py_repr(domain) + " to ALLOWED_HOSTS.";
  else msg += " The domain name provided is not valid according to RFC 1034/1035.";
  throw DisallowedHost(msg);
}

std::string HttpRequest::build_absolute_uri(const std::string& location) const {
  std::string loc = location.empty() ? get_full_path() : location;
  if (loc.find("://") != std::string::npos) return loc;
  return scheme() + "://" + raw_host() + loc;
}

std::map<std::string, std::string> parse_cookie(std::string_view header) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t semi = header.find(';', start);
    if (semi == std::string_view::npos) semi = header.size();
    std::string_view chunk = header.substr(start, semi - start);
    std::string key, val;
    if (auto eq = chunk.find('='); eq != std::string_view::npos) {
      key = std::string(chunk.substr(0, eq));
      val = std::string(chunk.substr(eq + 1));
    } else {
      val = std::string(chunk);  // Django: a chunk without '=' is a value with an empty key
    }
    auto trim = [](std::string& s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
    };
    trim(key);
    trim(val);
    if (!key.empty() || !val.empty()) {
      // http.cookies._unquote: strip surrounding double quotes and unescape.
      if (val.size() >= 2 && val.front() == '"' && val.back() == '"') {
        std::string inner = val.substr(1, val.size() - 2), un;
        for (std::size_t i = 0; i < inner.size(); ++i) {
          auto octal = [&](std::size_t k, char hi) { return inner[k] >= '0' && inner[k] <= hi; };
          if (inner[i] == '\\' && i + 3 < inner.size() && octal(i + 1, '3') && octal(i + 2, '7') &&
              octal(i + 3, '7')) {
            un += static_cast<char>(std::stoi(inner.substr(i + 1, 3), nullptr, 8));
            i += 3;
          } else if (inner[i] == '\\' && i + 1 < inner.size()) {
            un += inner[++i];
          } else {
            un += inner[i];
          }
        }
        val = un;
      }
      out[key] = val;
    }
    start = semi + 1;
  }
  return out;
}

namespace {

/// The parts of urllib.parse.urlsplit that is_safe_url needs.
struct UrlParts {
  std::string scheme, netloc;
};

UrlParts urlsplit(std::string url) {
  UrlParts p;
  auto colon = url.find(':');
  if (colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(url[0]))) {
    bool valid = std::all_of(url.begin(), url.begin() + static_cast<long>(colon), [](unsigned char c) {
      return std::isalnum(c) || c == '+' || c == '-' || c == '.';
    });
    if (valid) {
      p.scheme = lower(url.substr(0, colon));
      url = url.substr(colon + 1);
    }
  }
  if (url.rfind("//", 0) == 0) {
    std::size_t end = url.find_first_of("/?#", 2);
    p.netloc = url.substr(2, end == std::string::npos ? std::string::npos : end - 2);
  }
  return p;
}

bool has_allowed_host_and_scheme(std::string url, const std::vector<std::string>& allowed_hosts,
                                 bool require_https) {
  if (url.rfind("///", 0) == 0) return false;
  // urlsplit strips leading C0 controls and spaces, and drops tabs and newlines.
  std::string cleaned;
  for (char c : url)
    if (c != '\t' && c != '\r' && c != '\n') cleaned += c;
  std::size_t lead = 0;
  while (lead < cleaned.size() && static_cast<unsigned char>(cleaned[lead]) <= 0x20) ++lead;
  UrlParts info = urlsplit(cleaned.substr(lead));
  if (info.netloc.empty() && !info.scheme.empty()) return false;
  unsigned char first = static_cast<unsigned char>(url[0]);
  if (first < 0x20 || first == 0x7f) return false;
  std::string scheme = info.scheme;
  if (scheme.empty() && !info.netloc.empty()) scheme = "http";
  bool host_ok = info.netloc.empty() ||
                 std::find(allowed_hosts.begin(), allowed_hosts.end(), info.netloc) != allowed_hosts.end();
  bool scheme_ok = scheme.empty() || scheme == "https" || (!require_https && scheme == "http");
  return host_ok && scheme_ok;
}

}  // namespace

bool url_has_allowed_host_and_scheme(const std::string& raw, const std::vector<std::string>& allowed_hosts,
                                     bool require_https) {
  std::string url = raw;
  url.erase(0, url.find_first_not_of(" \t\r\n\f\v"));
  if (auto last = url.find_last_not_of(" \t\r\n\f\v"); last != std::string::npos) url.erase(last + 1);
  else url.clear();
  if (url.empty()) return false;
  std::string slashed = url;
  std::replace(slashed.begin(), slashed.end(), '\\', '/');
  return has_allowed_host_and_scheme(url, allowed_hosts, require_https) &&
         has_allowed_host_and_scheme(slashed, allowed_hosts, require_https);
}

}  // namespace mvt::runserver
