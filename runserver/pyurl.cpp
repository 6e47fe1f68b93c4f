#include "runserver/pyurl.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <vector>

namespace mvt::runserver::py {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool contains(std::string_view s, char c) { return s.find(c) != std::string_view::npos; }

/// unquote_to_bytes: %XX pairs decoded, anything else kept.
std::string unquote_to_bytes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}


struct ParseResult {
  std::string scheme, netloc, path, params, query, fragment;
};

bool in_list(const std::string& s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool uses_netloc(const std::string& scheme) {
  return in_list(scheme, {"", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms",
                          "https", "shttp", "snews", "prospero", "rtsp", "rtspu", "rsync", "svn",
                          "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss"});
}
bool uses_relative(const std::string& scheme) {
  return in_list(scheme, {"", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp",
                          "mms", "prospero", "rtsp", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss"});
}
bool uses_params(const std::string& scheme) {
  return in_list(scheme, {"", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu",
                          "sip", "sips", "mms", "sftp", "tel"});
}

ParseResult urlparse(std::string_view url, const std::string& default_scheme = "") {
  SplitResult s = urlsplit(url);
  ParseResult r{s.scheme.empty() ? default_scheme : s.scheme, s.netloc, s.path, "", s.query, s.fragment};
  if (uses_params(r.scheme) && contains(r.path, ';')) {
    std::size_t i;
    if (contains(r.path, '/')) {
      i = r.path.find(';', r.path.rfind('/'));
    } else {
      i = r.path.find(';');
    }
    if (i != std::string::npos) {
      r.params = r.path.substr(i + 1);
      r.path.resize(i);
    }
  }
  return r;
}

std::string urlunparse(const ParseResult& p) {
  std::string path = p.path;
  if (!p.params.empty()) path += ";" + p.params;
  return urlunsplit({p.scheme, p.netloc, path, p.query, p.fragment});
}

void check_bracketed_netloc(const std::string& netloc) {
  std::string host_port = netloc.substr(netloc.rfind('@') == std::string::npos ? 0 : netloc.rfind('@') + 1);
  auto open = host_port.find('[');
  std::string hostname;
  if (open != std::string::npos) {
    if (open != 0) throw ValueError("Invalid IPv6 URL");
    std::string bracketed = host_port.substr(open + 1);
    auto close = bracketed.find(']');
    hostname = bracketed.substr(0, close);
    std::string port = close == std::string::npos ? "" : bracketed.substr(close + 1);
    if (!port.empty() && port[0] != ':') throw ValueError("Invalid IPv6 URL");
  } else {
    hostname = host_port.substr(0, host_port.find(':'));
  }
  if (!hostname.empty() && hostname[0] == 'v') {
    // \Av[a-fA-F0-9]+\..+\Z
    std::size_t i = 1;
    while (i < hostname.size() && hex_value(hostname[i]) >= 0) ++i;
    if (i == 1 || i >= hostname.size() || hostname[i] != '.' || i + 1 >= hostname.size())
      throw ValueError("IPvFuture address is invalid");
    return;
  }
  std::string addr = hostname.substr(0, hostname.find('%'));
  unsigned char buf[16];
  if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) return;
  if (inet_pton(AF_INET, hostname.c_str(), buf) == 1) throw ValueError("An IPv4 address cannot be in brackets");
  throw ValueError("'" + hostname + "' does not appear to be an IPv4 or IPv6 address");
}

}  // namespace

/// bytes.decode('utf-8', 'replace'): each maximal invalid subpart becomes one U+FFFD.
std::string decode_replace(std::string_view b) {
  std::string out;
  out.reserve(b.size());
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(b[k]); };
  while (i < b.size()) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    int n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    int k = 1;
    for (; k < n; ++k) {
      if (i + k >= b.size()) break;
      unsigned char d = byte(i + k);
      unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
      if (d < l || d > h) break;
    }
    if (k < n) {
      out += "\xEF\xBF\xBD";
      i += k;
      continue;
    }
    out.append(b.substr(i, n));
    i += n;
  }
  return out;
}

char32_t decode_utf8(std::string_view s, std::size_t pos, std::size_t& len) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(pos);
  len = 1;
  if (c < 0x80) return c;
  int n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || pos + n > s.size()) return c;
  char32_t cp = n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < n; ++k) {
    if ((b(pos + k) & 0xC0) != 0x80) return c;
    cp = (cp << 6) | (b(pos + k) & 0x3F);
  }
  len = static_cast<std::size_t>(n);
  return cp;
}

bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

std::string strip(std::string_view s) {
  std::vector<std::pair<std::size_t, bool>> marks;  // (offset, is_space)
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len;
    char32_t c = decode_utf8(s, i, len);
    marks.emplace_back(i, is_space(c));
    i += len;
  }
  std::size_t first = 0, last = marks.size();
  while (first < last && marks[first].second) ++first;
  while (last > first && marks[last - 1].second) --last;
  if (first == last) return "";
  std::size_t begin = marks[first].first;
  std::size_t end = last < marks.size() ? marks[last].first : s.size();
  return std::string(s.substr(begin, end - begin));
}

std::string unquote(std::string_view s) {
  if (!contains(s, '%')) return std::string(s);
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      while (j < s.size() && static_cast<unsigned char>(s[j]) < 0x80) ++j;
      out += decode_replace(unquote_to_bytes(s.substr(i, j - i)));
    } else {
      while (j < s.size() && static_cast<unsigned char>(s[j]) >= 0x80) ++j;
      out.append(s.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

std::string quote(std::string_view s, std::string_view safe) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool always = std::isalnum(c) && c < 0x80;
    if (always || c == '_' || c == '.' || c == '-' || c == '~' || (c < 0x80 && contains(safe, ch))) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string filepath_to_uri(std::string_view path) {
  std::string p(path);
  std::replace(p.begin(), p.end(), '\\', '/');
  return quote(p, "/~!*()'");
}

SplitResult urlsplit(std::string_view input) {
  std::size_t start = 0;
  while (start < input.size() && static_cast<unsigned char>(input[start]) <= 0x20) ++start;
  std::string url;
  for (char c : input.substr(start))
    if (c != '\t' && c != '\r' && c != '\n') url += c;
  SplitResult r;
  auto colon = url.find(':');
  if (colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(url[0])) &&
      static_cast<unsigned char>(url[0]) < 0x80) {
    bool ok = true;
    for (std::size_t i = 0; i < colon; ++i) {
      unsigned char c = static_cast<unsigned char>(url[i]);
      if (!(c < 0x80 && (std::isalnum(c) || c == '+' || c == '-' || c == '.'))) {
        ok = false;
        break;
      }
    }
    if (ok) {
      r.scheme = url.substr(0, colon);
      for (auto& c : r.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      url = url.substr(colon + 1);
    }
  }
  if (url.compare(0, 2, "//") == 0) {
    std::size_t delim = url.size();
    for (char c : {'/', '?', '#'}) {
      auto w = url.find(c, 2);
      if (w != std::string::npos) delim = std::min(delim, w);
    }
    r.netloc = url.substr(2, delim - 2);
    url = url.substr(delim);
    bool open = contains(r.netloc, '['), close = contains(r.netloc, ']');
    if (open != close) throw ValueError("Invalid IPv6 URL");
    if (open && close) check_bracketed_netloc(r.netloc);
  }
  if (auto h = url.find('#'); h != std::string::npos) {
    r.fragment = url.substr(h + 1);
    url.resize(h);
  }
  if (auto q = url.find('?'); q != std::string::npos) {
    r.query = url.substr(q + 1);
    url.resize(q);
  }
  r.path = url;
  return r;
}

std::string urlunsplit(const SplitResult& p) {
  std::string url = p.path;
  if (!p.netloc.empty() || (!p.scheme.empty() && uses_netloc(p.scheme) && url.compare(0, 2, "//") != 0)) {
    if (!url.empty() && url[0] != '/') url = "/" + url;
    url = "//" + p.netloc + url;
  }
  if (!p.scheme.empty()) url = p.scheme + ":" + url;
  if (!p.query.empty()) url += "?" + p.query;
  if (!p.fragment.empty()) url += "#" + p.fragment;
  return url;
}

std::pair<std::string, std::string> urldefrag(std::string_view url) {
  if (!contains(url, '#')) return {std::string(url), ""};
  ParseResult p = urlparse(url);
  std::string frag = p.fragment;
  p.fragment.clear();
  return {urlunparse(p), frag};
}

std::string urljoin(std::string_view base, std::string_view url) {
  if (base.empty()) return std::string(url);
  if (url.empty()) return std::string(base);
  ParseResult b = urlparse(base);
  ParseResult u = urlparse(url, b.scheme);
  if (u.scheme != b.scheme || !uses_relative(u.scheme)) return std::string(url);
  if (uses_netloc(u.scheme)) {
    if (!u.netloc.empty()) return urlunparse(u);
    u.netloc = b.netloc;
  }
  if (u.path.empty() && u.params.empty()) {
    u.path = b.path;
    u.params = b.params;
    if (u.query.empty()) u.query = b.query;
    return urlunparse(u);
  }
  auto split = [](const std::string& s) {
    std::vector<std::string> parts;
    std::size_t i = 0;
    while (true) {
      auto j = s.find('/', i);
      parts.push_back(s.substr(i, j == std::string::npos ? std::string::npos : j - i));
      if (j == std::string::npos) break;
      i = j + 1;
    }
    return parts;
  };
  std::vector<std::string> base_parts = split(b.path);
  if (base_parts.back() != "") base_parts.pop_back();
  std::vector<std::string> segments;
  if (!u.path.empty() && u.path[0] == '/') {
    segments = split(u.path);
  } else {
    segments = base_parts;
    for (auto& s : split(u.path)) segments.push_back(s);
    if (segments.size() > 2) {
      std::vector<std::string> filtered{segments.front()};
      for (std::size_t i = 1; i + 1 < segments.size(); ++i)
        if (!segments[i].empty()) filtered.push_back(segments[i]);
      filtered.push_back(segments.back());
      segments = std::move(filtered);
    }
  }
  std::vector<std::string> resolved;
  for (const auto& seg : segments) {
    if (seg == "..") {
      if (!resolved.empty()) resolved.pop_back();
    } else if (seg != ".") {
      resolved.push_back(seg);
    }
  }
  if (segments.back() == "." || segments.back() == "..") resolved.push_back("");
  std::string joined;
  for (std::size_t i = 0; i < resolved.size(); ++i) joined += (i ? "/" : "") + resolved[i];
  u.path = joined.empty() ? "/" : joined;
  return urlunparse(u);
}

std::string normpath(std::string_view path) {
  if (path.empty()) return ".";
  int initial = path[0] == '/' ? 1 : 0;
  if (initial && path.compare(0, 2, "//") == 0 && path.compare(0, 3, "///") != 0) initial = 2;
  std::vector<std::string_view> comps;
  std::size_t i = 0;
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view comp = path.substr(i, j - i);
    i = j + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp != ".." || (!initial && comps.empty()) || (!comps.empty() && comps.back() == ".."))
      comps.push_back(comp);
    else if (!comps.empty())
      comps.pop_back();
  }
  std::string out(static_cast<std::size_t>(initial), '/');
  for (std::size_t k = 0; k < comps.size(); ++k) {
    if (k) out += '/';
    out.append(comps[k]);
  }
  return out.empty() ? "." : out;
}

std::string path_join(std::string_view a, std::string_view b) {
  if (!b.empty() && b[0] == '/') return std::string(b);
  std::string out(a);
  if (out.empty() || out.back() == '/') out.append(b);
  else {
    out += '/';
    out.append(b);
  }
  return out;
}

std::pair<std::string, std::string> path_split(std::string_view p) {
  auto slash = p.rfind('/');
  std::size_t i = slash == std::string_view::npos ? 0 : slash + 1;
  std::string head(p.substr(0, i)), tail(p.substr(i));
  if (!head.empty() && head.find_first_not_of('/') != std::string::npos) {
    while (!head.empty() && head.back() == '/') head.pop_back();
  }
  return {head, tail};
}

std::string dirname(std::string_view p) { return path_split(p).first; }

std::pair<std::string, std::string> splitext(std::string_view p) {
  auto sep = p.rfind('/');
  auto dot = p.rfind('.');
  long sep_index = sep == std::string_view::npos ? -1 : static_cast<long>(sep);
  if (dot != std::string_view::npos && static_cast<long>(dot) > sep_index) {
    for (std::size_t f = static_cast<std::size_t>(sep_index + 1); f < dot; ++f)
      if (p[f] != '.') return {std::string(p.substr(0, dot)), std::string(p.substr(dot))};
  }
  return {std::string(p), ""};
}

}  // namespace mvt::runserver::py
