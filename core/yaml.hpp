#pragma once
// YAML helpers shared by every loader of users' files (settings, models,
// views, urls, migrations). yaml-cpp parses; this file applies SPEC's YAML
// rules on top of it: YAML 1.2 core-schema scalars (so `NO`, `12:30`, `1.10`
// stay what their option expects), duplicate keys are errors, an empty file
// is an empty mapping, and every node maps to file:line:col for diagnostics.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/diagnostics.hpp"

namespace mvt::yaml {

/// A parsed YAML file: its root node and the name diagnostics use for it.
struct Document {
  std::string display_name;  // path as shown in messages (relative when possible)
  YAML::Node root;           // a Map for an empty file

  int line(const YAML::Node& n) const { return n.Mark().line + 1; }
  int column(const YAML::Node& n) const { return n.Mark().column + 1; }
  /// Adds an error located at node n.
  void error(Diagnostics& d, const YAML::Node& n, std::string message) const;
  void warning(Diagnostics& d, const YAML::Node& n, std::string message) const;
};

/// Path as users see it in messages: relative to the working folder when the
/// file is below it, else as given.
std::string display_path(const std::filesystem::path& p);

/// Parses text. On a syntax error adds "name:line:col: error: ..." to diags and
/// returns nullopt. Duplicate keys anywhere in the document are reported as
/// errors (the document is still returned). An empty document is an empty map.
std::optional<Document> parse(const std::string& text, const std::string& display_name,
                              Diagnostics& diags);

/// Reads and parses a file; an unreadable file is an error diagnostic.
std::optional<Document> load_file(const std::filesystem::path& path, Diagnostics& diags);

/// True for a plain (unquoted) scalar; quoted scalars are always strings.
bool is_plain(const YAML::Node& n);

/// YAML 1.2 core null: a missing value, or plain `~`, `null`, `Null`, `NULL`.
bool is_null(const YAML::Node& n);

// Scalar conversions by the YAML 1.2 core schema. Each returns nullopt when the
// node is not a scalar of that type (the caller reports the error).
std::optional<bool> to_bool(const YAML::Node& n);          // true|True|TRUE|false|False|FALSE
std::optional<std::int64_t> to_int(const YAML::Node& n);   // [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+
std::optional<double> to_float(const YAML::Node& n);       // ints, decimals, exponents, .inf, .nan
/// Any scalar's source text (plain or quoted): `12:30`, `1.10` and `NO` stay as written.
std::optional<std::string> to_string(const YAML::Node& n);

/// Whether text is a decimal number `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
/// (the core schema's float without .inf/.nan; Python's Decimal literal).
/// A linear scan: std::regex recurses once per character and overflows the
/// stack on long text.
bool is_decimal_number(std::string_view text);

/// Bool/int/float conversion of text as if it were a plain scalar.
std::optional<bool> text_to_bool(const std::string& s);
std::optional<std::int64_t> text_to_int(const std::string& s);
std::optional<double> text_to_float(const std::string& s);

/// Describes a node's kind for messages: "a mapping", "a list", "null",
/// "the string 'x'", ...
std::string describe(const YAML::Node& n);

/// An error message for a value that should be a string but is a mapping
/// because of an unquoted `{{ ... }}`; empty when that is not the case.
std::string unquoted_template_hint(const YAML::Node& n);

}  // namespace mvt::yaml
