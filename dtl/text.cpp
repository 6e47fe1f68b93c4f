#include "dtl/text.hpp"

#include <clocale>
#include <cwctype>
#include <locale.h>
#include <wctype.h>

#include "dtl/errors.hpp"

namespace dtl {

namespace {

locale_t utf8_locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (!l) l = newlocale(LC_CTYPE_MASK, "C", static_cast<locale_t>(0));
    return l;
  }();
  return loc;
}

// NFKD-to-ASCII of U+00C0..U+024F (generated with Python's unicodedata).
const char* const kAsciiFold[] = {
#include "dtl/text_fold.inc"
};

}  // namespace

char32_t utf8_decode(std::string_view s, std::size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int n = (c >= 0xf0) ? 3 : (c >= 0xe0) ? 2 : (c >= 0xc0) ? 1 : 0;
  if (n == 0 || i + static_cast<std::size_t>(n) >= s.size()) {
    ++i;
    return c;
  }
  char32_t cp = c & (0x3f >> n);
  for (int k = 1; k <= n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((cc & 0xc0) != 0x80) {
      ++i;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3f);
  }
  i += static_cast<std::size_t>(n) + 1;
  return cp;
}

void utf8_append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) out += utf8_decode(s, i);
  return out;
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8_append(out, c);
  return out;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  return n;
}

bool is_space(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
         c == 0x205f || c == 0x3000;
}
bool is_alpha(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return iswalpha_l(static_cast<wint_t>(c), utf8_locale()) != 0;
}
bool is_digit(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return iswdigit_l(static_cast<wint_t>(c), utf8_locale()) != 0;
}
bool is_word(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return iswalnum_l(static_cast<wint_t>(c), utf8_locale()) != 0 || is_combining(c);
}
char32_t to_upper(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  return static_cast<char32_t>(towupper_l(static_cast<wint_t>(c), utf8_locale()));
}
char32_t to_lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), utf8_locale()));
}
bool is_combining(char32_t c) {
  return (c >= 0x300 && c <= 0x36f) || (c >= 0x483 && c <= 0x489) || (c >= 0x591 && c <= 0x5bd) ||
         (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
         (c >= 0xfe20 && c <= 0xfe2f);
}

std::string py_upper(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = utf8_decode(s, i);
    if (c == 0xdf) {
      out += "SS";
      continue;
    }
    utf8_append(out, to_upper(c));
  }
  return out;
}

std::string py_lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) utf8_append(out, to_lower(utf8_decode(s, i)));
  return out;
}

namespace {
bool is_cased(char32_t c) { return to_upper(c) != c || to_lower(c) != c; }
}  // namespace

std::string py_title(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool prev_cased = false;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = utf8_decode(s, i);
    bool cased = is_cased(c) || c == 0xdf;
    if (c == 0xdf && !prev_cased)
      out += "Ss";  // the title case of U+00DF
    else
      utf8_append(out, cased ? (prev_cased ? to_lower(c) : to_upper(c)) : c);
    prev_cased = cased;
  }
  return out;
}

std::string capfirst(std::string_view s) {
  if (s.empty()) return std::string();
  std::size_t i = 0;
  char32_t c = utf8_decode(s, i);
  std::string out;
  utf8_append(out, to_upper(c));
  out.append(s.substr(i));
  return out;
}

std::string py_strip(std::string_view s) {
  std::u32string u = to_u32(s);
  std::size_t a = 0, b = u.size();
  while (a < b && is_space(u[a])) ++a;
  while (b > a && is_space(u[b - 1])) --b;
  return to_utf8(std::u32string_view(u).substr(a, b - a));
}

namespace {

// Calls fn(word) for each whitespace-separated word of s until fn returns
// false. ASCII bytes take a fast path; other code points are decoded.
template <class Fn>
void for_each_word(std::string_view s, Fn fn) {
  std::size_t i = 0, start = 0;
  bool in_word = false;
  const std::size_t n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t next;
    bool space;
    if (c < 0x80) {
      space = c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
      next = i + 1;
    } else {
      next = i;
      space = is_space(utf8_decode(s, next));
    }
    if (space) {
      if (in_word && !fn(s.substr(start, i - start))) return;
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      start = i;
    }
    i = next;
  }
  if (in_word) fn(s.substr(start));
}

}  // namespace

std::vector<std::string> py_split(std::string_view s) {
  std::vector<std::string> out;
  for_each_word(s, [&](std::string_view w) {
    out.emplace_back(w);
    return true;
  });
  return out;
}

namespace {

/// `n` spaces of padding. Past 64 Mi characters this raises Python's
/// MemoryError instead of trying (Python would try, and fail only when the
/// allocation does; a width like 2**63-1 must not take the server down).
std::string padding(long n) {
  constexpr long kMaxPadding = 64L * 1024 * 1024;
  if (n > kMaxPadding) throw RenderError("MemoryError", "");
  return std::string(static_cast<std::size_t>(n), ' ');
}

}  // namespace

std::string py_center(std::string_view s, long width) {
  long len = static_cast<long>(utf8_length(s));
  if (width <= len) return std::string(s);
  long marg = width - len;
  long left = marg / 2 + (marg & width & 1);
  return padding(left) + std::string(s) + padding(marg - left);
}

std::string py_ljust(std::string_view s, long width) {
  long len = static_cast<long>(utf8_length(s));
  std::string out(s);
  if (width > len) out += padding(width - len);
  return out;
}

std::string py_rjust(std::string_view s, long width) {
  long len = static_cast<long>(utf8_length(s));
  std::string out;
  if (width > len) out = padding(width - len);
  out.append(s);
  return out;
}

std::string py_slice(std::string_view s, const long* start, const long* stop, const long* step) {
  std::u32string u = to_u32(s);
  long n = static_cast<long>(u.size());
  long st = step ? *step : 1;
  std::u32string out;
  if (st == 0) return std::string(s);
  auto clamp = [&](const long* p, long def_pos, long def_neg) -> long {
    if (!p) return st > 0 ? def_pos : def_neg;
    long v = *p;
    if (v < 0) v += n;
    if (st > 0) return v < 0 ? 0 : (v > n ? n : v);
    return v < -1 ? -1 : (v > n - 1 ? n - 1 : v);
  };
  long a = clamp(start, 0, n - 1);
  long b = clamp(stop, n, -1);
  if (st > 0)
    for (long i = a; i < b; i += st) out += u[static_cast<std::size_t>(i)];
  else
    for (long i = a; i > b; i += st) out += u[static_cast<std::size_t>(i)];
  return to_utf8(out);
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  if (from.empty()) {
    // Python inserts `to` between every character (and at both ends).
    std::size_t i = 0;
    out += to;
    while (i < s.size()) {
      std::size_t st = i;
      utf8_decode(s, i);
      out.append(s.substr(st, i - st));
      out += to;
    }
    return out;
  }
  std::size_t pos = 0;
  while (true) {
    std::size_t f = s.find(from, pos);
    if (f == std::string_view::npos) break;
    out.append(s.substr(pos, f - pos));
    out.append(to);
    pos = f + from.size();
  }
  out.append(s.substr(pos));
  return out;
}

std::string normalize_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

namespace {

// re_tag = <(/)?(\S+?)(?:(\s*/)|\s.*?)?>  matched at the start of a tag text.
bool match_tag(std::u32string_view t, bool& closing, std::u32string& name, bool& self_closing) {
  if (t.size() < 2 || t[0] != '<') return false;
  std::size_t i = 1;
  closing = false;
  if (i < t.size() && t[i] == '/') {
    closing = true;
    ++i;
  }
  for (std::size_t k = i; k < t.size(); ++k) {
    if (is_space(t[k])) return false;
    // name = t[i..k]
    std::size_t r = k + 1;
    // (\s*/) then >
    std::size_t j = r;
    while (j < t.size() && is_space(t[j])) ++j;
    if (j + 1 < t.size() + 0 && j < t.size() && t[j] == '/' && j + 1 < t.size() && t[j + 1] == '>') {
      name = t.substr(i, r - i);
      self_closing = true;
      return true;
    }
    if (r < t.size() && is_space(t[r]) && t.find('>', r) != std::u32string_view::npos) {
      name = t.substr(i, r - i);
      self_closing = false;
      return true;
    }
    if (r < t.size() && t[r] == '>') {
      name = t.substr(i, r - i);
      self_closing = false;
      return true;
    }
  }
  return false;
}

// One step of re_chars / WordsRegex.search from pos. Returns false when no
// match; sets is_text (group 1 present), mstart, mend.
bool search_unit(std::u32string_view text, std::size_t pos, bool words, bool& is_text, std::size_t& mstart,
                 std::size_t& mend) {
  const std::size_t n = text.size();
  if (!words) {
    if (pos >= n) return false;
    if (text[pos] == '<' && pos + 1 < n && text[pos + 1] != '>') {
      std::size_t gt = text.find('>', pos + 1);
      if (gt != std::u32string_view::npos) {
        is_text = false;
        mstart = pos;
        mend = gt + 1;
        return true;
      }
    }
    is_text = true;
    mstart = pos;
    mend = pos + 1;
    return true;
  }
  auto word_at = [&](std::size_t p, std::size_t& s, std::size_t& e) {
    while (p < n && (text[p] == '<' || text[p] == '>' || is_space(text[p]))) ++p;
    if (p >= n) return false;
    s = p;
    while (p < n && text[p] != '<' && text[p] != '>' && !is_space(text[p])) ++p;
    e = p;
    return true;
  };
  // re_prt: '<' or a word, whichever comes first.
  std::size_t p = pos;
  while (p < n && (text[p] == '>' || is_space(text[p]))) ++p;
  if (p >= n) return false;
  if (text[p] != '<') {
    is_text = true;
    return word_at(p, mstart, mend);
  }
  std::size_t gt = text.find('>', p + 1);
  if (gt == std::u32string_view::npos) {
    is_text = true;
    return word_at(pos + 1, mstart, mend);
  }
  is_text = false;
  mstart = p;
  mend = gt + 1;
  return true;
}

std::string truncate_html(std::u32string text, long length, const std::u32string& truncate_text, long truncate_len,
                          bool words) {
  if (words && length <= 0) return std::string();
  static const char* const singlets[] = {"br", "col", "link", "base", "img", "param", "area", "hr", "input"};
  std::size_t pos = 0, end_text_pos = 0;
  long current_len = 0;
  std::vector<std::u32string> open_tags;  // front = most recent
  while (current_len <= length) {
    bool is_text;
    std::size_t ms, me;
    if (!search_unit(text, pos, words, is_text, ms, me)) break;
    pos = me;
    if (is_text) {
      ++current_len;
      if (current_len == truncate_len) end_text_pos = pos;
      continue;
    }
    bool closing, self_closing;
    std::u32string name;
    if (!match_tag(std::u32string_view(text).substr(ms, me - ms), closing, name, self_closing) ||
        current_len >= truncate_len)
      continue;
    for (auto& c : name) c = to_lower(c);
    bool singlet = false;
    std::string n8 = to_utf8(name);
    for (auto* s : singlets)
      if (n8 == s) singlet = true;
    if (self_closing || singlet) {
    } else if (closing) {
      if (!open_tags.empty() && open_tags.front() == name) open_tags.erase(open_tags.begin());
    } else {
      open_tags.insert(open_tags.begin(), name);
    }
  }
  if (current_len <= length) return to_utf8(text);
  std::u32string out = text.substr(0, end_text_pos);
  out += truncate_text;
  for (const auto& t : open_tags) out += U"</" + t + U">";
  return to_utf8(out);
}

}  // namespace

std::string truncate_chars(std::string_view s, long length, bool html) {
  std::u32string text = to_u32(s);
  long truncate_len = length - 1;  // the "…" ending is one character
  if (html) return truncate_html(text, length, U"\u2026", truncate_len, false);
  long s_len = 0;
  long end_index = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_combining(text[i])) continue;
    ++s_len;
    if (end_index < 0 && s_len > truncate_len) end_index = static_cast<long>(i);
    if (s_len > length) {
      std::u32string out = text.substr(0, static_cast<std::size_t>(end_index < 0 ? 0 : end_index));
      out += U'\u2026';
      return to_utf8(out);
    }
  }
  return std::string(s);
}

std::string truncate_words(std::string_view s, long length, bool html) {
  if (html) return truncate_html(to_u32(s), length, U" \u2026", length, true);
  // Only the first `length` words are kept: stop scanning at the next one.
  std::string out;
  long count = 0;
  bool truncated = false;
  for_each_word(s, [&](std::string_view w) {
    if (count >= length) {
      truncated = true;
      return false;
    }
    if (count) out += ' ';
    out.append(w);
    ++count;
    return true;
  });
  if (truncated) {
    const std::string ending = " \u2026";
    if (!(out.size() >= ending.size() && out.compare(out.size() - ending.size(), ending.size(), ending) == 0))
      out += ending;
  }
  return out;
}

std::string wrap(std::string_view text, long width) {
  // textwrap.TextWrapper(width, break_long_words=False, break_on_hyphens=False)
  // applied to each line of text.splitlines(True), joined with '\n'.
  std::u32string t = to_u32(text);
  std::vector<std::u32string> result;
  std::size_t start = 0;
  auto is_linebreak = [](char32_t c) {
    return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e ||
           c == 0x85 || c == 0x2028 || c == 0x2029;
  };
  while (start < t.size()) {
    std::size_t end = start;
    while (end < t.size() && !is_linebreak(t[end])) ++end;
    if (end < t.size()) {
      if (t[end] == '\r' && end + 1 < t.size() && t[end + 1] == '\n') ++end;
      ++end;
    }
    std::u32string line = t.substr(start, end - start);
    start = end;
    // expand tabs (tabsize 8), then every whitespace char becomes a space
    std::u32string exp;
    std::size_t col = 0;
    for (char32_t c : line) {
      if (c == '\t') {
        std::size_t nsp = 8 - col % 8;
        exp.append(nsp, U' ');
        col += nsp;
      } else if (c == '\n' || c == '\r') {
        exp += c;
        col = 0;
      } else {
        exp += c;
        ++col;
      }
    }
    for (auto& c : exp)
      if (c == '\t' || c == '\n' || c == 0x0b || c == 0x0c || c == '\r' || c == ' ') c = U' ';
    // chunks: runs of whitespace / non-whitespace (textwrap's wordsep_simple_re)
    std::vector<std::u32string> chunks;
    std::size_t i = 0;
    while (i < exp.size()) {
      std::size_t j = i;
      bool sp = is_space(exp[i]);
      while (j < exp.size() && is_space(exp[j]) == sp) ++j;
      chunks.push_back(exp.substr(i, j - i));
      i = j;
    }
    std::vector<std::u32string> lines;
    std::size_t ci = 0;
    auto blank = [](const std::u32string& c) {
      for (char32_t x : c)
        if (!is_space(x)) return false;
      return true;
    };
    while (ci < chunks.size()) {
      std::vector<std::u32string> cur;
      long cur_len = 0;
      if (blank(chunks[ci]) && !lines.empty()) ++ci;
      while (ci < chunks.size()) {
        long l = static_cast<long>(chunks[ci].size());
        if (cur_len + l <= width) {
          cur.push_back(chunks[ci++]);
          cur_len += l;
        } else {
          break;
        }
      }
      if (ci < chunks.size() && static_cast<long>(chunks[ci].size()) > width && cur.empty())
        cur.push_back(chunks[ci++]);
      if (!cur.empty() && blank(cur.back())) cur.pop_back();
      if (!cur.empty()) {
        std::u32string l;
        for (auto& c : cur) l += c;
        lines.push_back(l);
      }
    }
    for (auto& l : lines) result.push_back(std::move(l));
  }
  std::string out;
  for (std::size_t k = 0; k < result.size(); ++k) {
    if (k) out += '\n';
    out += to_utf8(result[k]);
  }
  return out;
}

std::string slugify(std::string_view s) {
  std::string ascii;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = utf8_decode(s, i);
    if (c < 0x80)
      ascii += static_cast<char>(c);
    else if (c >= 0xc0 && c < 0x250)
      ascii += kAsciiFold[c - 0xc0];
  }
  std::string kept;
  for (char c : ascii) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_' || l == '-' || l == ' ' ||
        (l >= 9 && l <= 13) || (l >= 0x1c && l <= 0x1f))
      kept += l;
  }
  std::string out;
  for (std::size_t k = 0; k < kept.size();) {
    char c = kept[k];
    if (c == '-' || c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f)) {
      while (k < kept.size() &&
             (kept[k] == '-' || kept[k] == ' ' || (kept[k] >= 9 && kept[k] <= 13) || (kept[k] >= 0x1c && kept[k] <= 0x1f)))
        ++k;
      out += '-';
    } else {
      out += c;
      ++k;
    }
  }
  std::size_t a = 0, b = out.size();
  while (a < b && (out[a] == '-' || out[a] == '_')) ++a;
  while (b > a && (out[b - 1] == '-' || out[b - 1] == '_')) --b;
  return out.substr(a, b - a);
}

std::string phone2numeric(std::string_view s) {
  static const char map[] = "22233344455566677778889999";
  std::string low = py_lower(s);
  for (auto& c : low)
    if (c >= 'a' && c <= 'z') c = map[c - 'a'];
  return low;
}

std::string get_text_list(const std::vector<std::string>& items, const std::string& last_word) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  std::string out;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out + " " + last_word + " " + items.back();
}

}  // namespace dtl
