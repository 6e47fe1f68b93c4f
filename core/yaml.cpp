#include "core/yaml.hpp"

#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace mvt::yaml {

namespace fs = std::filesystem;

void Document::error(Diagnostics& d, const YAML::Node& n, std::string message) const {
  d.error(display_name, line(n), column(n), std::move(message));
}

void Document::warning(Diagnostics& d, const YAML::Node& n, std::string message) const {
  d.warning(display_name, line(n), column(n), std::move(message));
}

std::string display_path(const fs::path& p) {
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  if (ec || p.is_relative()) return p.lexically_normal().string();
  fs::path rel = p.lexically_relative(cwd);
  if (rel.empty() || *rel.begin() == "..") return p.string();
  return rel.string();
}

namespace {

/// Nesting no project file needs; deeper documents are refused, so that no
/// reader recurses without bound. A recursive alias (`&a [*a]`, which
/// yaml-cpp loads as a cycle) is infinitely deep.
constexpr int kMaxDepth = 100;

/// Reports duplicate keys; false (with an error) when n nests deeper than kMaxDepth.
bool check_duplicates(const Document& doc, const YAML::Node& n, Diagnostics& diags, int depth = 0) {
  if (depth > kMaxDepth && (n.IsMap() || n.IsSequence())) {
    doc.error(diags, n, "YAML nested more than " + std::to_string(kMaxDepth) +
                            " levels deep (or a recursive alias)");
    return false;
  }
  if (n.IsMap()) {
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (it->first.IsScalar()) {
        const std::string key = it->first.Scalar();
        if (!seen.insert(key).second)
          doc.error(diags, it->first, "duplicate key '" + key + "'");
      }
      if (!check_duplicates(doc, it->first, diags, depth + 1) || !check_duplicates(doc, it->second, diags, depth + 1))
        return false;
    }
  } else if (n.IsSequence()) {
    for (const auto& item : n)
      if (!check_duplicates(doc, item, diags, depth + 1)) return false;
  }
  return true;
}

}  // namespace

std::optional<Document> parse(const std::string& text, const std::string& display_name,
                              Diagnostics& diags) {
  Document doc;
  doc.display_name = display_name;
  try {
    doc.root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diags.error(display_name, e.mark.line + 1, e.mark.column + 1, "invalid YAML: " + e.msg);
    return std::nullopt;
  }
  if (!doc.root.IsDefined() || doc.root.IsNull()) doc.root = YAML::Node(YAML::NodeType::Map);
  if (!check_duplicates(doc, doc.root, diags)) return std::nullopt;
  return doc;
}

std::optional<Document> load_file(const fs::path& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error(display_path(path), 0, 0, "cannot read file");
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), display_path(path), diags);
}

bool is_plain(const YAML::Node& n) { return n.IsScalar() && n.Tag() != "!"; }

bool is_null(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return true;
  if (!is_plain(n)) return false;
  const std::string& s = n.Scalar();
  return s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> text_to_bool(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

namespace {

/// Whether every character of s from `from` on satisfies pred, and there is one.
template <class Pred>
bool all_from(std::string_view s, std::size_t from, Pred pred) {
  if (from >= s.size()) return false;
  for (std::size_t i = from; i < s.size(); ++i)
    if (!pred(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_decimal_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    return all_from(s, i, is_digit);
  }
  return i == s.size();
}

std::optional<std::int64_t> text_to_int(const std::string& s) {
  // [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ (scanned, not std::regex: see is_decimal_number)
  try {
    if (all_from(s, s.empty() || (s[0] != '+' && s[0] != '-') ? 0 : 1, is_digit)) return std::stoll(s, nullptr, 10);
    if (s.rfind("0o", 0) == 0 && all_from(s, 2, [](unsigned char c) { return c >= '0' && c <= '7'; }))
      return std::stoll(s.substr(2), nullptr, 8);
    if (s.rfind("0x", 0) == 0 && all_from(s, 2, [](unsigned char c) { return std::isxdigit(c) != 0; }))
      return std::stoll(s.substr(2), nullptr, 16);
  } catch (const std::out_of_range&) {
  }
  return std::nullopt;
}

std::optional<double> text_to_float(const std::string& s) {
  if (is_decimal_number(s)) return std::stod(s);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF")
    return INFINITY;
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -INFINITY;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return NAN;
  if (auto i = text_to_int(s)) return static_cast<double>(*i);
  return std::nullopt;
}

std::optional<bool> to_bool(const YAML::Node& n) {
  return is_plain(n) ? text_to_bool(n.Scalar()) : std::nullopt;
}

std::optional<std::int64_t> to_int(const YAML::Node& n) {
  return is_plain(n) ? text_to_int(n.Scalar()) : std::nullopt;
}

std::optional<double> to_float(const YAML::Node& n) {
  return is_plain(n) ? text_to_float(n.Scalar()) : std::nullopt;
}

std::optional<std::string> to_string(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  return std::nullopt;
}

std::string describe(const YAML::Node& n) {
  if (is_null(n)) return "null";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  return "'" + n.Scalar() + "'";
}

std::string unquoted_template_hint(const YAML::Node& n) {
  if (!n.IsMap() || n.size() != 1) return "";
  auto it = n.begin();
  if (!it->first.IsMap()) return "";
  return "an unquoted '{{' starts a YAML mapping: quote templates, e.g. str: \"{{ title }}\"";
}

}  // namespace mvt::yaml
