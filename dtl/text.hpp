#pragma once
// Text helpers with Python's str semantics over UTF-8 (code points, not
// bytes): decoding, case mapping, whitespace, and the text utilities of
// django.utils.text (Truncator, wrap, slugify, phone2numeric...).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dtl {

/// Appends str(v) of an int. Written digit by digit: a printed number is
/// short, and a page prints hundreds of them (ids, days, years), where
/// to_chars plus an append (a memcpy call) cost several times more.
inline void append_int(std::string& out, std::int64_t v) {
  char buf[20];
  char* p = buf + sizeof buf;
  std::uint64_t u = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) out += '-';
  for (; p < buf + sizeof buf; ++p) out += *p;
}

/// Decodes the code point at s[i] and advances i (invalid bytes decode as
/// themselves, one byte each).
char32_t utf8_decode(std::string_view s, std::size_t& i);
void utf8_append(std::string& out, char32_t cp);
std::u32string to_u32(std::string_view s);
std::string to_utf8(std::u32string_view s);
/// len(str): the number of code points.
std::size_t utf8_length(std::string_view s);

/// Python's str.isspace() for one code point.
bool is_space(char32_t c);
/// Python's \w (Unicode word character) for one code point.
bool is_word(char32_t c);
bool is_alpha(char32_t c);
bool is_digit(char32_t c);
char32_t to_upper(char32_t c);
char32_t to_lower(char32_t c);
/// unicodedata.combining(c) != 0 (approximated by the combining blocks).
bool is_combining(char32_t c);

std::string py_upper(std::string_view s);
std::string py_lower(std::string_view s);
/// str.title().
std::string py_title(std::string_view s);
/// str.capitalize()-like first-letter upper (django.utils.text.capfirst).
std::string capfirst(std::string_view s);
/// str.strip() / split() with Python's whitespace.
std::string py_strip(std::string_view s);
std::vector<std::string> py_split(std::string_view s);
std::string py_center(std::string_view s, long width);
std::string py_ljust(std::string_view s, long width);
std::string py_rjust(std::string_view s, long width);
/// s[start:stop:step] on code points (Python slice semantics).
std::string py_slice(std::string_view s, const long* start, const long* stop, const long* step);
/// Replace every occurrence of from (non-empty) with to.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

/// django.utils.text.normalize_newlines.
std::string normalize_newlines(std::string_view s);
/// Truncator(s).chars(n) with the default "…" ending (html=true: markup aware).
std::string truncate_chars(std::string_view s, long n, bool html);
/// Truncator(s).words(n, truncate=' …') (html=true: markup aware).
std::string truncate_words(std::string_view s, long n, bool html);
/// django.utils.text.wrap(text, width).
std::string wrap(std::string_view text, long width);
/// django.utils.text.slugify (ASCII).
std::string slugify(std::string_view s);
std::string phone2numeric(std::string_view s);
/// get_text_list(items, last_word): "'a', 'b' or 'c'".
std::string get_text_list(const std::vector<std::string>& items, const std::string& last_word);

}  // namespace dtl
