#pragma once
// Python's urllib.parse and posixpath functions, as Django's staticfiles
// storage uses them to build hashed names and rewrite URLs in CSS. They are
// transliterated from CPython 3.11 (the Python Django 3.2.25 runs on here) so
// that edge cases — fragments, `?#` font hacks, `%xx` escapes, `..` segments —
// come out byte for byte as Django's. Strings are UTF-8; the functions work
// on bytes wherever Python's result is the same for code points.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace mvt::runserver::py {

/// urllib.parse.SplitResult.
struct SplitResult {
  std::string scheme, netloc, path, query, fragment;
};

/// Raised where Python raises ValueError (e.g. urlsplit's "Invalid IPv6 URL").
class ValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// bytes.decode('utf-8', 'replace'): each maximal invalid subpart becomes
/// one U+FFFD; valid text comes back unchanged.
std::string decode_replace(std::string_view bytes);

/// urllib.parse.unquote(s): %XX escapes decoded as UTF-8, invalid sequences
/// replaced by U+FFFD (errors='replace'); only ASCII runs are decoded.
std::string unquote(std::string_view s);

/// urllib.parse.quote(s, safe): every byte outside `A-Za-z0-9_.-~` and `safe`
/// becomes %XX (upper-case hex).
std::string quote(std::string_view s, std::string_view safe = "/");

/// django.utils.encoding.filepath_to_uri: quote(path, safe="/~!*()'").
std::string filepath_to_uri(std::string_view path);

/// urllib.parse.urlsplit(url). Throws ValueError for an unbalanced '[' / ']'
/// in the network location, as Python does.
SplitResult urlsplit(std::string_view url);

/// urllib.parse.urlunsplit.
std::string urlunsplit(const SplitResult& parts);

/// urllib.parse.urldefrag(url): (url without fragment, fragment). Goes
/// through urlparse/urlunparse when there is a '#', so `a.png?#x` gives
/// ("a.png", "x") exactly like Python.
std::pair<std::string, std::string> urldefrag(std::string_view url);

/// urllib.parse.urljoin(base, url).
std::string urljoin(std::string_view base, std::string_view url);

/// Python's str.isspace() for one code point (also what `\s` matches in a
/// str regular expression).
bool is_space(char32_t c);

/// Decodes the UTF-8 code point starting at s[pos]; sets `len` to its byte
/// length. An invalid byte decodes as itself (0x80..0xFF) with len 1.
char32_t decode_utf8(std::string_view s, std::size_t pos, std::size_t& len);

/// str.strip() with no argument: removes Unicode whitespace at both ends.
std::string strip(std::string_view s);

// posixpath
/// posixpath.normpath.
std::string normpath(std::string_view path);
/// posixpath.join(a, b).
std::string path_join(std::string_view a, std::string_view b);
/// posixpath.split: (head, tail); head loses trailing slashes unless it is all slashes.
std::pair<std::string, std::string> path_split(std::string_view p);
/// posixpath.dirname.
std::string dirname(std::string_view p);
/// posixpath.splitext: (root, ext); leading dots of the file name never start an extension.
std::pair<std::string, std::string> splitext(std::string_view p);

}  // namespace mvt::runserver::py
