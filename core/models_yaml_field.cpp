// Field definitions in YAML (SPEC §2 field types and options).
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "core/models_yaml.hpp"

namespace mvt::models {

namespace {

using FT = FieldType;

bool is_string_type(FT t) {
  switch (t) {
    case FT::CharField: case FT::SlugField: case FT::EmailField: case FT::URLField: case FT::TextField:
    case FT::FileField: case FT::ImageField: case FT::GenericIPAddressField: case FT::BinaryField:
      return true;
    default:
      return false;
  }
}

bool is_integer_type(FT t) {
  switch (t) {
    case FT::AutoField: case FT::BigAutoField: case FT::SmallAutoField: case FT::IntegerField:
    case FT::BigIntegerField: case FT::SmallIntegerField: case FT::PositiveIntegerField:
    case FT::PositiveSmallIntegerField: case FT::PositiveBigIntegerField: case FT::DurationField:
      return true;
    default:
      return false;
  }
}

/// The options a type accepts (besides `type`).
std::vector<std::string> allowed_options(FT t, bool migration) {
  std::vector<std::string> o{"null", "blank", "default", "unique", "db_index", "db_column", "primary_key",
                             "choices", "editable", "verbose_name", "help_text", "max_length"};
  if (migration) o.push_back("auto_created");
  switch (t) {
    case FT::DecimalField: o.insert(o.end(), {"max_digits", "decimal_places"}); break;
    case FT::DateField: case FT::DateTimeField: case FT::TimeField:
      o.insert(o.end(), {"auto_now", "auto_now_add"});
      break;
    case FT::FileField: case FT::ImageField: o.push_back("upload_to"); break;
    case FT::GenericIPAddressField: o.insert(o.end(), {"protocol", "unpack_ipv4"}); break;
    case FT::ForeignKey: case FT::OneToOneField:
      o.insert(o.end(), {"to", "on_delete", "related_name", "related_query_name", "to_field", "db_constraint"});
      break;
    case FT::ManyToManyField:
      o.insert(o.end(), {"to", "related_name", "related_query_name", "through", "db_table", "db_constraint"});
      break;
    default:
      break;
  }
  return o;
}


}  // namespace

bool is_python_identifier(const std::string& s) {
  static const std::set<std::string> keywords{
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
      "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
      "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
      "with", "yield"};
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) || keywords.count(s)) return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '_')) return false;
  return true;
}

std::string key_text(const YAML::Node& key) {
  if (key.IsScalar()) return key.Scalar();
  if (key.IsNull()) return "null";
  return "";
}

SourceLocation location(const ParseContext& ctx, const YAML::Node& n) {
  return {ctx.doc.display_name, ctx.doc.line(n), ctx.doc.column(n)};
}

Value yaml_to_value(const YAML::Node& n) {
  if (yaml::is_null(n)) return Value::null();
  if (n.IsSequence()) {
    Value::List items;
    for (const auto& item : n) items.push_back(yaml_to_value(item));
    return Value::list(std::move(items));
  }
  if (n.IsMap()) {
    if (n.size() == 1) {
      auto it = n.begin();
      if (it->first.IsScalar() && it->first.Scalar() == "callable" && it->second.IsScalar())
        return Value::callable(it->second.Scalar());
    }
    Value::Map items;
    for (auto it = n.begin(); it != n.end(); ++it)
      items.emplace_back(key_text(it->first), yaml_to_value(it->second));
    return Value::map(std::move(items));
  }
  if (yaml::is_plain(n)) {
    if (auto b = yaml::to_bool(n)) return Value::boolean(*b);
    if (auto i = yaml::to_int(n)) return Value::integer(*i);
    if (auto f = yaml::to_float(n)) return Value::real(*f);
  }
  return Value::string(n.Scalar());
}

std::string check_text_for_type(FieldType type, const std::string& text) {
  // std::regex recurses once per character of the text and overflows the
  // stack on long input, so nothing long reaches it: every valid date,
  // time, datetime, UUID or duration is short (Django's parsers read at most
  // 12 fraction digits); decimals, which may be long, are scanned.
  if (type != FT::DecimalField && text.size() > 64) {
    switch (type) {
      case FT::DateField: return "expected a date YYYY-MM-DD";
      case FT::DateTimeField: return "expected a date and time YYYY-MM-DD HH:MM[:SS[.ffffff]]";
      case FT::TimeField: return "expected a time HH:MM[:SS[.ffffff]]";
      case FT::UUIDField: return "expected a UUID";
      case FT::DurationField: return "expected a duration such as '1 02:03:04' or 'P1DT2H'";
      default: return "";
    }
  }
  static const std::regex date("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}");
  static const std::regex time("[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}([.,][0-9]{1,6}[0-9]*)?)?");
  static const std::regex datetime(
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}([.,][0-9]{1,6}[0-9]*)?)?"
      "[ ]*(Z|[+-][0-9]{2}(:?[0-9]{2})?)?");
  static const std::regex uuid(
      "(\\{)?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}(\\})?");
  static const std::regex duration(
      "(([-+]?[0-9]+) (days?, )?)?(([-+]?[0-9]+):)?(([-+]?[0-9]+):)?([-+]?[0-9]+)([.,][0-9]{1,6}[0-9]*)?|"
      "[-+]?P([0-9]+([.,][0-9]+)?D)?(T([0-9]+([.,][0-9]+)?H)?([0-9]+([.,][0-9]+)?M)?([0-9]+([.,][0-9]+)?S)?)?");
  switch (type) {
    case FT::DecimalField:
      return yaml::is_decimal_number(text) ? "" : "expected a decimal number";
    case FT::DateField: {
      if (!std::regex_match(text, date)) return "expected a date YYYY-MM-DD";
      int y = std::stoi(text.substr(0, 4)), m = std::stoi(text.substr(5, text.find('-', 5) - 5)),
          d = std::stoi(text.substr(text.rfind('-') + 1));
      static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      if (m < 1 || m > 12 || d < 1 || d > days[m - 1] || (m == 2 && d == 29 && !leap))
        return "expected a valid date YYYY-MM-DD";
      return "";
    }
    case FT::DateTimeField:
      return std::regex_match(text, datetime) || std::regex_match(text, date)
                 ? ""
                 : "expected a date and time YYYY-MM-DD HH:MM[:SS[.ffffff]]";
    case FT::TimeField:
      return std::regex_match(text, time) ? "" : "expected a time HH:MM[:SS[.ffffff]]";
    case FT::UUIDField:
      return std::regex_match(text, uuid) ? "" : "expected a UUID";
    case FT::DurationField:
      return std::regex_match(text, duration) ? "" : "expected a duration such as '1 02:03:04' or 'P1DT2H'";
    default:
      return "";
  }
}

std::optional<std::string> parse_string(const ParseContext& ctx, const YAML::Node& n, const std::string& what) {
  if (n.IsScalar() && !yaml::is_null(n)) return n.Scalar();
  std::string hint = yaml::unquoted_template_hint(n);
  ctx.doc.error(ctx.diags, n, what + " must be a string, not " + yaml::describe(n) + (hint.empty() ? "" : " (" + hint + ")"));
  return std::nullopt;
}

std::optional<std::vector<std::string>> parse_string_list(const ParseContext& ctx, const YAML::Node& n,
                                                          const std::string& what) {
  if (!n.IsSequence()) {
    ctx.doc.error(ctx.diags, n, what + " must be a list, not " + yaml::describe(n));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : n) {
    auto s = parse_string(ctx, item, "each entry of " + what);
    if (s) out.push_back(*s);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Value> parse_field_value(const ParseContext& ctx, const FieldDef& field, const YAML::Node& n,
                                       const std::string& what) {
  const FT t = field.type;
  if (yaml::is_null(n)) return Value::null();
  if (n.IsMap() && n.size() == 1 && n.begin()->first.IsScalar() && n.begin()->first.Scalar() == "callable") {
    auto name = parse_string(ctx, n.begin()->second, "callable");
    if (!name) return std::nullopt;
    static const std::vector<std::pair<std::string, std::string>> known{
        {"timezone.now", "timezone.now"}, {"now", "timezone.now"},         {"date.today", "date.today"},
        {"today", "date.today"},          {"uuid.uuid4", "uuid.uuid4"},     {"uuid4", "uuid.uuid4"},
        {"dict", "dict"},                 {"list", "list"}};
    for (const auto& [k, v] : known)
      if (*name == k) return Value::callable(v);
    std::vector<std::string> names;
    for (const auto& [k, v] : known) names.push_back(k);
    std::string guess = closest_match(*name, names);
    ctx.doc.error(ctx.diags, n.begin()->second,
                  "unknown callable '" + *name + "' (known: timezone.now, date.today, uuid.uuid4, dict, list)" +
                      (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
    return std::nullopt;
  }
  if (t == FT::JSONField) return yaml_to_value(n);
  if (!n.IsScalar()) {
    ctx.doc.error(ctx.diags, n,
                  what + " of a " + field.type_name() + " must be a single value, not " + yaml::describe(n));
    return std::nullopt;
  }
  const std::string& text = n.Scalar();
  auto fail = [&](const std::string& expected) {
    ctx.doc.error(ctx.diags, n, what + " of " + field.type_name() + " '" + field.name + "': " + expected +
                                    ", not '" + text + "'");
    return std::optional<Value>();
  };
  if (t == FT::BooleanField) {
    if (auto b = yaml::text_to_bool(text)) return Value::boolean(*b);
    if (text == "0" || text == "1") return Value::boolean(text == "1");
    return fail("expected true or false");
  }
  if (is_integer_type(t) && t != FT::DurationField) {
    if (auto i = yaml::text_to_int(text)) return Value::integer(*i);
    return fail("expected an integer");
  }
  if (t == FT::FloatField) {
    if (auto i = yaml::text_to_int(text)) return Value::real(static_cast<double>(*i));
    if (auto f = yaml::text_to_float(text)) return Value::real(*f);
    return fail("expected a number");
  }
  if (is_string_type(t)) return Value::string(text);
  if (t == FT::ForeignKey || t == FT::OneToOneField) {
    if (yaml::is_plain(n)) {
      if (auto i = yaml::text_to_int(text)) return Value::integer(*i);
    }
    return Value::string(text);
  }
  std::string problem = check_text_for_type(t, text);
  if (!problem.empty()) return fail(problem);
  return Value::string(text);
}

namespace {

std::optional<bool> option_bool(const ParseContext& ctx, const YAML::Node& n, const std::string& opt,
                                const std::string& field) {
  if (auto b = yaml::to_bool(n)) return b;
  ctx.doc.error(ctx.diags, n, "option '" + opt + "' of field '" + field + "' must be true or false, not " +
                                  yaml::describe(n));
  return std::nullopt;
}

std::optional<int> option_int(const ParseContext& ctx, const YAML::Node& n, const std::string& opt,
                              const std::string& field) {
  if (auto i = yaml::to_int(n)) {
    if (*i >= -2147483647 && *i <= 2147483647) return static_cast<int>(*i);
  }
  ctx.doc.error(ctx.diags, n, "option '" + opt + "' of field '" + field + "' must be an integer, not " +
                                  yaml::describe(n));
  return std::nullopt;
}

std::optional<std::vector<Choice>> parse_choices(const ParseContext& ctx, const FieldDef& field,
                                                 const YAML::Node& n, bool allow_groups) {
  if (!n.IsSequence()) {
    ctx.doc.error(ctx.diags, n, "'choices' of field '" + field.name +
                                    "' must be a list of [value, label] pairs, not " + yaml::describe(n));
    return std::nullopt;
  }
  std::vector<Choice> out;
  bool ok = true;
  for (const auto& item : n) {
    if (!item.IsSequence() || item.size() != 2) {
      ctx.doc.error(ctx.diags, item, "each entry of 'choices' of field '" + field.name +
                                         "' must be a [value, label] pair, not " + yaml::describe(item));
      ok = false;
      continue;
    }
    Choice c;
    if (item[1].IsSequence() && allow_groups) {
      auto label = parse_string(ctx, item[0], "a choices group name");
      auto group = parse_choices(ctx, field, item[1], false);
      if (!label || !group) {
        ok = false;
        continue;
      }
      c.value = Value::string(*label);
      c.group = std::move(*group);
    } else {
      auto v = parse_field_value(ctx, field, item[0], "a choice value");
      auto label = parse_string(ctx, item[1], "a choice label");
      if (!v || !label) {
        ok = false;
        continue;
      }
      c.value = *v;
      c.label = *label;
    }
    out.push_back(std::move(c));
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

std::optional<FieldDef> parse_field(const ParseContext& ctx, const YAML::Node& key, const YAML::Node& value) {
  FieldDef f;
  f.name = key.Scalar();
  f.loc = location(ctx, key);
  // Bound, never assigned: yaml-cpp's operator= throws InvalidNode when the
  // right side is a missing key's node (value["type"] without a type).
  YAML::Node type_node = value;
  if (value.IsScalar() && !yaml::is_null(value)) {
  } else if (value.IsMap()) {
    const YAML::Node type = value["type"];
    if (!type) {
      ctx.doc.error(ctx.diags, key, "field '" + f.name + "' has no 'type' (e.g. {type: CharField, max_length: 200})");
      return std::nullopt;
    }
    type_node.reset(type);
  } else {
    std::string msg = "field '" + f.name + "' must be a type name or a mapping with a 'type', not " +
                      yaml::describe(value);
    if (value.IsDefined() && !yaml::is_null(value)) ctx.doc.error(ctx.diags, value, msg);
    else ctx.doc.error(ctx.diags, key, msg);
    return std::nullopt;
  }
  auto type_name = parse_string(ctx, type_node, "the type of field '" + f.name + "'");
  if (!type_name) return std::nullopt;
  const FieldTypeInfo* info = find_field_type(*type_name);
  if (!info) {
    std::string guess = closest_match(*type_name, field_type_names());
    ctx.doc.error(ctx.diags, type_node,
                  "unknown field type '" + *type_name + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
    return std::nullopt;
  }
  f.type = info->type;
  if (!value.IsMap()) return f;

  const auto allowed = allowed_options(f.type, ctx.migration);
  std::map<std::string, SourceLocation> locs;
  bool ok = true;
  std::optional<YAML::Node> default_node, choices_node;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const YAML::Node k = it->first;
    const YAML::Node v = it->second;
    const std::string opt = key_text(k);
    if (opt == "type") continue;
    locs[opt] = location(ctx, k);
    if (std::find(allowed.begin(), allowed.end(), opt) == allowed.end()) {
      std::vector<std::string> candidates = allowed;
      std::string guess = closest_match(opt, candidates);
      ctx.doc.error(ctx.diags, k, "unknown option '" + opt + "' for " + info->name +
                                      (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
      ok = false;
      continue;
    }
    auto set_bool = [&](bool& target) {
      if (auto b = option_bool(ctx, v, opt, f.name)) target = *b;
      else ok = false;
    };
    auto set_opt_bool = [&](std::optional<bool>& target) {
      if (auto b = option_bool(ctx, v, opt, f.name)) target = *b;
      else ok = false;
    };
    auto set_int = [&](std::optional<int>& target) {
      if (auto i = option_int(ctx, v, opt, f.name)) target = *i;
      else ok = false;
    };
    auto set_str = [&](std::optional<std::string>& target) {
      if (auto s = parse_string(ctx, v, "option '" + opt + "' of field '" + f.name + "'")) target = *s;
      else ok = false;
    };
    auto set_plain_str = [&](std::string& target) {
      if (auto s = parse_string(ctx, v, "option '" + opt + "' of field '" + f.name + "'")) target = *s;
      else ok = false;
    };
    if (opt == "null") set_bool(f.null);
    else if (opt == "blank") set_bool(f.blank);
    else if (opt == "unique") set_bool(f.unique);
    else if (opt == "primary_key") set_bool(f.primary_key);
    else if (opt == "db_index") set_opt_bool(f.db_index);
    else if (opt == "editable") set_opt_bool(f.editable);
    else if (opt == "auto_now") set_bool(f.auto_now);
    else if (opt == "auto_now_add") set_bool(f.auto_now_add);
    else if (opt == "auto_created") set_bool(f.auto_created);
    else if (opt == "db_constraint") set_bool(f.db_constraint);
    else if (opt == "unpack_ipv4") set_bool(f.unpack_ipv4);
    else if (opt == "max_length") set_int(f.max_length);
    else if (opt == "max_digits") set_int(f.max_digits);
    else if (opt == "decimal_places") set_int(f.decimal_places);
    else if (opt == "db_column") set_str(f.db_column);
    else if (opt == "verbose_name") set_str(f.verbose_name);
    else if (opt == "related_name") set_str(f.related_name);
    else if (opt == "related_query_name") set_str(f.related_query_name);
    else if (opt == "to_field") set_str(f.to_field);
    else if (opt == "through") set_str(f.through);
    else if (opt == "db_table") set_str(f.db_table);
    else if (opt == "help_text") set_plain_str(f.help_text);
    else if (opt == "upload_to") set_plain_str(f.upload_to);
    else if (opt == "protocol") {
      set_plain_str(f.protocol);
      std::string p = lower(f.protocol);
      if (!f.protocol.empty() && p != "both" && p != "ipv4" && p != "ipv6") {
        ctx.doc.error(ctx.diags, v, "option 'protocol' must be 'both', 'IPv4' or 'IPv6', not '" + f.protocol + "'");
        ok = false;
      }
    } else if (opt == "to") set_plain_str(f.to);
    else if (opt == "on_delete") {
      std::string od;
      set_plain_str(od);
      if (od.rfind("models.", 0) == 0) od = od.substr(7);
      const auto& names = on_delete_names();
      if (!od.empty() && std::find(names.begin(), names.end(), od) == names.end()) {
        std::string guess = closest_match(od, names);
        ctx.doc.error(ctx.diags, v, "unknown on_delete '" + od + "' (one of CASCADE, PROTECT, RESTRICT, SET_NULL, "
                                    "SET_DEFAULT, DO_NOTHING)" +
                                        (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
        ok = false;
      }
      f.on_delete = od;
    } else if (opt == "default") default_node.emplace(v);
    else if (opt == "choices") choices_node.emplace(v);
  }
  // Values that depend on the type are converted once the options are known.
  if (default_node) {
    if (auto d = parse_field_value(ctx, f, *default_node, "the default")) f.default_value = *d;
    else ok = false;
  }
  if (choices_node) {
    if (auto c = parse_choices(ctx, f, *choices_node, true)) f.choices = std::move(*c);
    else ok = false;
  }
  if (f.is_relation()) {
    if (f.to.empty()) {
      ctx.doc.error(ctx.diags, key, std::string(info->name) + " '" + f.name + "' needs 'to' (the related model, "
                                    "'Model' or 'app_label.Model')");
      ok = false;
    } else if (f.to != "self" && f.to.find('.') == std::string::npos) {
      f.to = ctx.app_label + "." + f.to;  // "self" is resolved against the model by the caller
    }
    if (f.through && f.through->find('.') == std::string::npos) *f.through = ctx.app_label + "." + *f.through;
    if (f.type != FT::ManyToManyField && f.on_delete.empty() && !locs.count("on_delete")) {
      ctx.doc.error(ctx.diags, key, std::string(info->name) + " '" + f.name +
                                        "' needs 'on_delete' (CASCADE, PROTECT, RESTRICT, SET_NULL, "
                                        "SET_DEFAULT or DO_NOTHING)");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  f.option_locs = std::make_shared<const std::map<std::string, SourceLocation>>(std::move(locs));
  return f;
}

std::vector<FieldDef> parse_fields(const ParseContext& ctx, const YAML::Node& fields) {
  std::vector<FieldDef> out;
  if (!fields.IsMap()) {
    ctx.doc.error(ctx.diags, fields, "'fields' must be a mapping from field name to definition, not " +
                                         yaml::describe(fields));
    return out;
  }
  std::set<std::string> seen;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!it->first.IsScalar()) {
      ctx.doc.error(ctx.diags, it->first, "a field name must be a string");
      continue;
    }
    if (!seen.insert(it->first.Scalar()).second) continue;  // duplicate keys are reported by the parser
    const std::string& name = it->first.Scalar();
    if (!is_python_identifier(name)) {
      ctx.doc.error(ctx.diags, it->first,
                    "invalid field name '" + name + "': a field name must be an identifier (letters, digits and "
                    "'_', not starting with a digit) and not a Python keyword");
      continue;
    }
    if (auto f = parse_field(ctx, it->first, it->second)) out.push_back(std::move(*f));
  }
  return out;
}

}  // namespace mvt::models
