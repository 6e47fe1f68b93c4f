#pragma once
// The request side of Django's HTTP layer (django.http.request): HttpRequest,
// QueryDict, host validation. Independent of the HTTP library (cpp-httplib is
// confined to dev_server.cpp).
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mvt::runserver {

/// An ordered multi-valued mapping: Django's QueryDict (request.GET / POST).
/// `get` returns the last value of a key, as Django's MultiValueDict does.
class QueryDict {
 public:
  /// Parses application/x-www-form-urlencoded text ("a=1&b=2&a=3"), with
  /// `+` as space and %XX decoding; pairs without '=' get an empty value
  /// (parse_qsl(keep_blank_values=True)).
  static QueryDict parse(std::string_view text);

  std::optional<std::string> get(const std::string& key) const;
  std::vector<std::string> getlist(const std::string& key) const;
  bool contains(const std::string& key) const;
  void append(std::string key, std::string value) { items_.emplace_back(std::move(key), std::move(value)); }
  /// Replaces every value of key with one value (QueryDict.__setitem__).
  void set(const std::string& key, std::string value);
  void remove(const std::string& key);
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  /// Encodes back to a query string (QueryDict.urlencode()).
  std::string urlencode() const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

/// One uploaded file of a multipart/form-data request (Django's
/// UploadedFile / InMemoryUploadedFile): the client's file name after
/// Django's sanitising, its declared content type, and the bytes.
struct UploadedFile {
  std::string name;
  std::string content_type;
  std::string content;
  std::size_t size() const { return content.size(); }
};

/// request.FILES: field name -> the files sent under it, in order
/// (MultiValueDict: `get` is the last one).
using UploadedFiles = std::map<std::string, std::vector<UploadedFile>>;

/// Raised by HttpRequest::get_host for a Host header not in ALLOWED_HOSTS
/// (Django's DisallowedHost, a SuspiciousOperation answered with 400).
class DisallowedHost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One HTTP request, as a view sees it (Django's HttpRequest / WSGIRequest).
struct HttpRequest {
  std::string method;                 // "GET"
  std::string path;                   // decoded path ("/blog/é/"), Django's path_info
  std::string raw_path;               // as on the request line, before decoding
  std::string query_string;           // after '?', undecoded
  std::string http_version = "HTTP/1.1";
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;
  std::string server_name = "127.0.0.1";
  int server_port = 8000;
  bool secure = false;
  QueryDict GET;
  QueryDict POST;                     // filled for form posts
  UploadedFiles FILES;                // multipart uploads (parts with a file name)
  /// Set when the body broke a DATA_UPLOAD_* limit (POST and FILES are then
  /// empty): Django's exception class ("RequestDataTooBig",
  /// "TooManyFieldsSent") and message, a SuspiciousOperation (400) raised
  /// where Django first reads request.POST.
  std::string post_error_type, post_error;
  std::map<std::string, std::string> COOKIES;

  /// The first value of a header (name case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  /// "http" or "https".
  std::string scheme() const { return secure ? "https" : "http"; }
  /// The path with the query string ("/a/?b=1"), Django's get_full_path().
  std::string get_full_path() const;
  /// Host header (or SERVER_NAME:SERVER_PORT) validated against
  /// `allowed_hosts` (the effective ALLOWED_HOSTS); throws DisallowedHost
  /// with Django's message otherwise. As Django's HttpRequest.get_host().
  std::string get_host(const std::vector<std::string>& allowed_hosts) const;
  /// The raw host, unvalidated (HttpRequest._get_raw_host()).
  std::string raw_host() const;
  /// "scheme://host" + location (or full path) as build_absolute_uri; the
  /// host is the raw host (callers validate first).
  std::string build_absolute_uri(const std::string& location = "") const;
};

/// Percent-decodes text (no '+' handling); invalid UTF-8 is kept as bytes.
std::string url_unquote(std::string_view text);
/// Percent-decodes with '+' as space (unquote_plus).
std::string url_unquote_plus(std::string_view text);
/// Percent-encodes every byte outside unreserved characters and `safe`
/// (urllib.parse.quote(text, safe)).
std::string url_quote(std::string_view text, std::string_view safe = "/");
/// quote_plus: as url_quote with space as '+'.
std::string url_quote_plus(std::string_view text, std::string_view safe = "");
/// django.utils.encoding.iri_to_uri: url_quote keeping the characters an
/// IRI may already hold escaped or reserved ("/#%[]=:;$&()+,!?*@'~").
inline std::string iri_to_uri(std::string_view iri) { return url_quote(iri, "/#%[]=:;$&()+,!?*@'~"); }

/// Parses a Cookie header into a map, as Django's parse_cookie (later
/// duplicates win, values unquoted).
std::map<std::string, std::string> parse_cookie(std::string_view header);

/// Splits "host:port" into lower-cased domain and port ("[::1]:8000" →
/// "[::1]", "8000"); an invalid host gives an empty domain. As Django's
/// split_domain_port.
std::pair<std::string, std::string> split_domain_port(const std::string& host);

/// Django's validate_host: `*`, exact match, or `.example.com` for the
/// domain and its subdomains.
bool validate_host(const std::string& domain, const std::vector<std::string>& allowed_hosts);

/// Django's url_has_allowed_host_and_scheme (is_safe_url): whether `url` is
/// safe to redirect to for the given allowed hosts.
bool url_has_allowed_host_and_scheme(const std::string& url, const std::vector<std::string>& allowed_hosts,
                                     bool require_https = false);

}  // namespace mvt::runserver
