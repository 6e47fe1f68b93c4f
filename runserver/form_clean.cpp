// Model form cleaning: each form field's to_python / validate / validators
// (django.forms.fields, django.core.validators) and the model-level checks of
// ModelForm._post_clean (integer ranges, unique, unique_together), with
// Django's messages.
#include <time.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

#include <nlohmann/json.hpp>

#include "dtl/text.hpp"
#include "dtl/timezone.hpp"
#include "runserver/field_values.hpp"
#include "runserver/forms.hpp"

namespace mvt::runserver {

using models::FieldDef;
using models::FieldType;

namespace {

struct ValidationError {
  std::string message;
};

std::string plural(long n, const std::string& one, const std::string& many) { return n == 1 ? one : many; }

/// strptime over the whole text with one of Python's formats (%f handled here).
bool parse_with(const std::string& text, const std::string& fmt, std::tm& tm, int& micro) {
  std::string f = fmt, t = text;
  micro = 0;
  if (auto p = f.find(".%f"); p != std::string::npos) {
    f = f.substr(0, p);
    auto dot = t.rfind('.');
    if (dot == std::string::npos) return false;
    std::string us = t.substr(dot + 1);
    if (us.empty() || us.size() > 6 || us.find_first_not_of("0123456789") != std::string::npos) return false;
    us.resize(6, '0');
    micro = std::stoi(us);
    t = t.substr(0, dot);
  }
  tm = {};
  const char* end = strptime(t.c_str(), f.c_str(), &tm);
  return end && *end == '\0';
}

bool parse_date_input(const std::string& text, dtl::Date& out) {
  static const char* formats[] = {"%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%b %d %Y", "%b %d, %Y", "%d %b %Y",
                                  "%d %b, %Y", "%B %d %Y", "%B %d, %Y", "%d %B %Y", "%d %B, %Y"};
  for (const char* fmt : formats) {
    std::tm tm;
    int micro;
    if (parse_with(text, fmt, tm, micro)) {
      out = {tm.tm_year + 1900, static_cast<std::uint8_t>(tm.tm_mon + 1), static_cast<std::uint8_t>(tm.tm_mday)};
      return true;
    }
  }
  return false;
}

bool parse_time_input(const std::string& text, dtl::Time& out) {
  for (const char* fmt : {"%H:%M:%S", "%H:%M:%S.%f", "%H:%M"}) {
    std::tm tm;
    int micro;
    if (parse_with(text, fmt, tm, micro)) {
      out = {static_cast<std::uint8_t>(tm.tm_hour), static_cast<std::uint8_t>(tm.tm_min),
             static_cast<std::uint8_t>(tm.tm_sec), micro};
      return true;
    }
  }
  return false;
}

bool parse_datetime_input(const std::string& text, dtl::DateTime& out) {
  if (parse_datetime_text(text, out)) return true;
  static const char* formats[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M",
                                  "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M",
                                  "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M:%S.%f", "%m/%d/%y %H:%M"};
  for (const char* fmt : formats) {
    std::tm tm;
    int micro;
    if (parse_with(text, fmt, tm, micro)) {
      out = {};
      out.date = {tm.tm_year + 1900, static_cast<std::uint8_t>(tm.tm_mon + 1), static_cast<std::uint8_t>(tm.tm_mday)};
      out.time = {static_cast<std::uint8_t>(tm.tm_hour), static_cast<std::uint8_t>(tm.tm_min),
                  static_cast<std::uint8_t>(tm.tm_sec), micro};
      return true;
    }
  }
  dtl::Date d;  // DateTimeField also accepts a date alone (midnight)
  if (parse_date_input(text, d)) {
    out = {};
    out.date = d;
    return true;
  }
  return false;
}

/// django.utils.dateparse.parse_duration for the standard format
/// "[-][DD ][[HH:]MM:]ss[.uuuuuu]" (and "D days, HH:MM:SS").
std::optional<std::int64_t> parse_duration(const std::string& text) {
  // Longer text overflows int64 microseconds anyway, and std::regex would
  // overflow the stack on it (see is_integer_text).
  if (text.size() > 64) return std::nullopt;
  static const std::regex re(
      R"(^(?:(-?\d+) (?:days?, )?)?(-?)(?:(\d+):)??(?:(\d+):)?(\d+)(?:[\.,](\d{1,6})\d{0,6})?$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  std::int64_t days = m[1].matched ? std::stoll(m[1]) : 0;
  std::int64_t h = m[3].matched ? std::stoll(m[3]) : 0, mi = m[4].matched ? std::stoll(m[4]) : 0;
  std::int64_t s = std::stoll(m[5]);
  std::string us = m[6].str();
  us.resize(us.empty() ? 0 : 6, '0');
  std::int64_t micro = us.empty() ? 0 : std::stoll(us);
  std::int64_t total = ((h * 60 + mi) * 60 + s) * 1000000 + micro;
  if (m[2].str() == "-") total = -total;
  return days * 86400LL * 1000000 + total;
}

/// django.core.validators.EmailValidator.
bool valid_email(const std::string& value) {
  auto at = value.rfind('@');
  // Django 3.2.20's limit (CVE-2023-36053); it also keeps std::regex's
  // recursion bounded (see is_integer_text).
  if (value.size() > 320) return false;
  if (value.empty() || at == std::string::npos || at == 0 || at + 1 == value.size()) return false;
  std::string user = value.substr(0, at), domain = value.substr(at + 1);
  static const std::regex user_re(
      R"(^([-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*$|^"([\x01-\x08\x0b\x0c\x0e-\x1f!#-\[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0d-\x7f])*"$))");
  if (!std::regex_match(user, user_re)) return false;
  if (domain == "localhost") return true;
  static const std::regex domain_simple(R"(^((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+)[A-Za-z0-9-]{2,63}$)");
  static const std::regex literal_re(R"(^\[([A-Fa-f0-9:.]+)\]$)");
  if (std::regex_match(domain, literal_re)) return true;
  return std::regex_match(domain, domain_simple) && domain.back() != '-';
}

/// django.core.validators.URLValidator (schemes http, https, ftp, ftps).
bool valid_url(const std::string& value) {
  static const std::regex re(
      R"(^(?:http|ftp)s?://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?(?:(?:25[0-5]|2[0-4]\d|[0-1]?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|[0-1]?\d?\d)){3}|\[[0-9a-fA-F:.]+\]|(?:[a-zA-Z0-9\x80-\xff](?:[a-zA-Z0-9\x80-\xff-]{0,61}[a-zA-Z0-9\x80-\xff])?(?:\.(?!-)[a-zA-Z0-9\x80-\xff-]{1,63})*\.(?!-)(?:[a-zA-Z\x80-\xff-]{2,63}|xn--[a-zA-Z0-9]{1,59})\.?|localhost))(?::\d{2,5})?(?:[/?#][^\s]*)?$)",
      std::regex::icase);
  return value.size() <= 2048 && std::regex_match(value, re);
}

/// URLField.to_python: adds "http://" when the scheme is missing.
std::string url_to_python(const std::string& value) {
  if (value.find("://") != std::string::npos) return value;
  std::string rest = value;
  if (rest.rfind("//", 0) == 0) rest = rest.substr(2);
  return "http://" + rest;
}

/// django.core.validators.DecimalValidator.
void check_decimal(const dtl::Decimal& d, const FormField& f) {
  if (!d.is_finite()) throw ValidationError{"Enter a number."};
  long ndigits = static_cast<long>(d.digits.size());
  long exponent = d.exponent;
  long digits, decimals;
  if (exponent >= 0) {
    digits = ndigits + exponent;
    decimals = 0;
  } else if (-exponent > ndigits) {
    digits = decimals = -exponent;
  } else {
    digits = ndigits;
    decimals = -exponent;
  }
  long whole = digits - decimals;
  if (f.max_digits && digits > *f.max_digits)
    throw ValidationError{plural(*f.max_digits, "Ensure that there are no more than " + std::to_string(*f.max_digits) + " digit in total.",
                                 "Ensure that there are no more than " + std::to_string(*f.max_digits) + " digits in total.")};
  if (f.decimal_places && decimals > *f.decimal_places)
    throw ValidationError{plural(*f.decimal_places, "Ensure that there are no more than " + std::to_string(*f.decimal_places) + " decimal place.",
                                 "Ensure that there are no more than " + std::to_string(*f.decimal_places) + " decimal places.")};
  if (f.max_digits && f.decimal_places && whole > *f.max_digits - *f.decimal_places) {
    long w = *f.max_digits - *f.decimal_places;
    throw ValidationError{plural(w, "Ensure that there are no more than " + std::to_string(w) + " digit before the decimal point.",
                                 "Ensure that there are no more than " + std::to_string(w) + " digits before the decimal point.")};
  }
}

/// The integer range the SQLite backend gives an integer field (model validators).
std::optional<std::pair<std::int64_t, std::int64_t>> integer_range(FieldType t) {
  switch (t) {
    case FieldType::SmallIntegerField: return std::pair<std::int64_t, std::int64_t>{-32768, 32767};
    case FieldType::IntegerField: return std::pair<std::int64_t, std::int64_t>{-2147483648LL, 2147483647LL};
    case FieldType::PositiveSmallIntegerField: return std::pair<std::int64_t, std::int64_t>{0, 32767};
    case FieldType::PositiveIntegerField: return std::pair<std::int64_t, std::int64_t>{0, 2147483647LL};
    default: return std::nullopt;
  }
}

dtl::Value json_value(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return dtl::Value::none();
    case nlohmann::json::value_t::boolean: return dtl::Value::boolean(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return dtl::Value::integer(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_float: return dtl::Value::real(j.get<double>());
    case nlohmann::json::value_t::string: return dtl::Value::string(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<dtl::Value> items;
      for (const auto& e : j) items.push_back(json_value(e));
      return dtl::Value::list(std::move(items));
    }
    default: {
      std::vector<std::pair<std::string, dtl::Value>> items;
      for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(it.key(), json_value(it.value()));
      return dtl::Value::map(std::move(items));
    }
  }
}

bool in_choices(const std::vector<FormChoice>& choices, const std::string& v) {
  for (const auto& c : choices) {
    if (!c.group.empty() ? in_choices(c.group, v) : c.value == v) return true;
  }
  return false;
}

}  // namespace

void ModelForm::clean_field(const FormField& f) {
  if (f.kind == FormFieldKind::File || f.kind == FormFieldKind::Image) return clean_file_field(f);
  const ValueSettings& vs = env_->data().settings();
  const FieldDef& mf = *f.model_field;
  std::optional<std::string> raw = data_.get(f.name);
  std::string text = raw ? *raw : "";
  try {
    dtl::Value value;
    switch (f.kind) {
      case FormFieldKind::Boolean: {
        bool b = bound_value(f).truthy();
        if (!b && f.required) throw ValidationError{"This field is required."};
        value = dtl::Value::boolean(b);
        break;
      }
      case FormFieldKind::NullBoolean: {
        std::string t = raw ? *raw : "";
        if (t == "True" || t == "true" || t == "2") value = dtl::Value::boolean(true);
        else if (t == "False" || t == "false" || t == "3") value = dtl::Value::boolean(false);
        else value = dtl::Value::none();
        break;
      }
      case FormFieldKind::ModelMultipleChoice: {
        auto values = data_.getlist(f.name);
        if (values.empty()) {
          if (f.required) throw ValidationError{"This field is required."};
          value = dtl::Value::list({});
          break;
        }
        std::vector<dtl::Value> keys;
        const auto* target = env_->data().registry().related_model(mf);
        for (const auto& v : values) {
          try {
            to_db_value(*target->pk(), dtl::Value::string(v), vs);
          } catch (const FieldValueError&) {
            throw ValidationError{"“" + v + "” is not a valid value."};
          }
          if (!in_choices(f.choices, v))
            throw ValidationError{"Select a valid choice. " + v + " is not one of the available choices."};
          keys.push_back(dtl::Value::string(v));
        }
        value = dtl::Value::list(std::move(keys));
        break;
      }
      default: {
        // Text-based fields: strip, then the empty check.
        std::string t = (f.kind == FormFieldKind::JSON || f.widget == WidgetKind::PasswordInput) ? text : dtl::py_strip(text);
        if (t.empty()) {
          if (f.required) throw ValidationError{"This field is required."};
          value = (f.kind == FormFieldKind::Char || f.kind == FormFieldKind::Slug || f.kind == FormFieldKind::Email ||
                   f.kind == FormFieldKind::URL || f.kind == FormFieldKind::GenericIP ||
                   (f.kind == FormFieldKind::TypedChoice && !f.empty_value_none && mf.empty_strings_allowed()))
                      ? (f.empty_value_none ? dtl::Value::none() : dtl::Value::string(""))
                      : dtl::Value::none();
          break;
        }
        switch (f.kind) {
          case FormFieldKind::Char:
          case FormFieldKind::Slug:
          case FormFieldKind::Email:
          case FormFieldKind::URL:
          case FormFieldKind::GenericIP: {
            if (f.kind == FormFieldKind::URL) t = url_to_python(t);
            std::size_t len = dtl::utf8_length(t);
            if (f.max_length && static_cast<std::int64_t>(len) > *f.max_length)
              throw ValidationError{"Ensure this value has at most " + std::to_string(*f.max_length) + " " +
                                    plural(*f.max_length, "character", "characters") + " (it has " + std::to_string(len) + ")."};
            auto slug_char = [](char c) {
              return c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            };
            if (f.kind == FormFieldKind::Slug && (t.empty() || !std::all_of(t.begin(), t.end(), slug_char)))
              throw ValidationError{"Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."};
            if (f.kind == FormFieldKind::Email && !valid_email(t)) throw ValidationError{"Enter a valid email address."};
            if (f.kind == FormFieldKind::URL && !valid_url(t)) throw ValidationError{"Enter a valid URL."};
            if (f.kind == FormFieldKind::GenericIP &&  // 45: the longest IPv6 text
                (t.size() > 45 || !std::regex_match(t, std::regex(R"(^((25[0-5]|2[0-4]\d|[0-1]?\d?\d)(\.(25[0-5]|2[0-4]\d|[0-1]?\d?\d)){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$)"))))
              throw ValidationError{"Enter a valid IPv4 or IPv6 address."};
            value = dtl::Value::string(t);
            break;
          }
          case FormFieldKind::Integer: {
            // IntegerField.re_decimal `\.0*\s*$` removed, then int(): scanned
            // (see is_integer_text).
            std::string s = t;
            if (auto dot = s.rfind('.'); dot != std::string::npos) {
              std::size_t k = dot + 1;
              while (k < s.size() && s[k] == '0') ++k;
              while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
              if (k == s.size()) s.erase(dot);
            }
            if (!is_integer_text(s)) throw ValidationError{"Enter a whole number."};
            std::int64_t i;
            try {
              i = std::stoll(s);
            } catch (const std::out_of_range&) {
              throw ValidationError{"Enter a whole number."};
            }
            if (f.min_value && i < std::stoll(*f.min_value))
              throw ValidationError{"Ensure this value is greater than or equal to " + *f.min_value + "."};
            if (f.max_value && i > std::stoll(*f.max_value))
              throw ValidationError{"Ensure this value is less than or equal to " + *f.max_value + "."};
            value = dtl::Value::integer(i);
            break;
          }
          case FormFieldKind::Float: {
            char* end = nullptr;
            double d = std::strtod(t.c_str(), &end);
            if (*end || !std::isfinite(d)) throw ValidationError{"Enter a number."};
            value = dtl::Value::real(d);
            break;
          }
          case FormFieldKind::Decimal: {
            auto d = dtl::Decimal::parse(t);
            if (!d) throw ValidationError{"Enter a number."};
            check_decimal(*d, f);
            value = dtl::Value::decimal(*d);
            break;
          }
          case FormFieldKind::TypedChoice: {
            if (!in_choices(f.choices, t))
              throw ValidationError{"Select a valid choice. " + t + " is not one of the available choices."};
            try {
              value = from_db_value(mf, to_db_value(mf, dtl::Value::string(t), vs), vs);
            } catch (const FieldValueError&) {
              throw ValidationError{"Select a valid choice. " + t + " is not one of the available choices."};
            }
            break;
          }
          case FormFieldKind::Date: {
            dtl::Date d;
            if (!parse_date_input(t, d)) throw ValidationError{"Enter a valid date."};
            value = dtl::Value::date(d);
            break;
          }
          case FormFieldKind::DateTime: {
            dtl::DateTime dt;
            if (!parse_datetime_input(t, dt)) throw ValidationError{"Enter a valid date/time."};
            value = dtl::Value::datetime(dt);  // naive: taken in TIME_ZONE when stored
            break;
          }
          case FormFieldKind::Time: {
            dtl::Time tm;
            if (!parse_time_input(t, tm)) throw ValidationError{"Enter a valid time."};
            value = dtl::Value::time(tm);
            break;
          }
          case FormFieldKind::Duration: {
            auto us = parse_duration(t);
            if (!us) throw ValidationError{"Enter a valid duration."};
            value = dtl::Value::integer(*us);
            break;
          }
          case FormFieldKind::UUID: {
            try {
              to_db_value(mf, dtl::Value::string(t), vs);
            } catch (const FieldValueError&) {
              throw ValidationError{"Enter a valid UUID."};
            }
            value = dtl::Value::string(t);
            break;
          }
          case FormFieldKind::JSON: {
            try {
              value = json_value(nlohmann::ordered_json::parse(t));
            } catch (const nlohmann::json::exception&) {
              throw ValidationError{"Enter a valid JSON."};
            }
            break;
          }
          case FormFieldKind::ModelChoice: {
            if (!in_choices(f.choices, t))
              throw ValidationError{"Select a valid choice. That choice is not one of the available choices."};
            value = dtl::Value::string(t);
            break;
          }
          default: value = dtl::Value::string(t);
        }
      }
    }
    // Model-level validation (Model.clean_fields): the integer ranges of the backend.
    if (value.is_int() && f.kind == FormFieldKind::Integer && model_validation_)
      if (auto range = integer_range(mf.type)) {
        if (value.as_int() < range->first)
          throw ValidationError{"Ensure this value is greater than or equal to " + std::to_string(range->first) + "."};
        if (value.as_int() > range->second)
          throw ValidationError{"Ensure this value is less than or equal to " + std::to_string(range->second) + "."};
      }
    if (value.is_none() && !mf.null && !mf.is_relation() && !mf.many_to_many() && f.kind != FormFieldKind::NullBoolean &&
        !f.required && !mf.empty_strings_allowed() && !mf.has_default())
      throw ValidationError{"This field cannot be null."};
    cleaned_[f.name] = value;
  } catch (const ValidationError& e) {
    add_error(f.name, e.message);
  }
}

void ModelForm::validate_unique() {
  const auto& reg = env_->data().registry();
  const ValueSettings& vs = env_->data().settings();
  std::optional<db::SqlValue> own_pk;
  if (instance_) own_pk = static_cast<const ModelInstance&>(instance_->as_object()).pk();
  auto exists = [&](const std::vector<const FieldDef*>& fields) -> std::optional<bool> {
    std::vector<db::Lookup> lookups;
    for (const auto* f : fields) {
      auto it = cleaned_.find(f->name);
      if (it == cleaned_.end() || it->second.is_none()) return std::nullopt;  // not checked
      db::Lookup l;
      l.path = {f->attname() == f->name ? f->name : f->attname()};
      if (f->is_relation()) l.path = {f->name};
      const FieldDef* conv = f->is_relation() ? reg.target_field(*f) : f;
      l.values.push_back(to_db_value(*conv, it->second, vs));
      lookups.push_back(l);
    }
    db::QuerySet qs(reg, *model_);
    qs = qs.filter(lookups).order_by({});
    if (own_pk) {
      db::Lookup self;
      self.path = {model_->pk()->name};
      self.values = {*own_pk};
      qs = qs.exclude({self});
    }
    return env_->data().count(qs.count_sql()) > 0;
  };
  const std::string model_name = dtl::capfirst(model_->verbose_name());
  for (const auto& f : fields_) {
    const FieldDef& mf = *f.model_field;
    if (!mf.effective_unique() || mf.primary_key || !cleaned_.count(f.name)) continue;
    if (f.kind == FormFieldKind::File || f.kind == FormFieldKind::Image) continue;  // the name is known only once stored
    if (exists({&mf}).value_or(false))
      add_error(f.name, model_name + " with this " + dtl::capfirst(mf.effective_verbose_name()) + " already exists.");
  }
  std::vector<std::vector<std::string>> together = model_->options.unique_together;
  for (const auto& c : model_->options.constraints)
    if (c.kind == models::ConstraintDef::Kind::Unique && c.condition.empty()) together.push_back(c.fields);
  for (const auto& group : together) {
    std::vector<const FieldDef*> fields;
    std::vector<std::string> labels;
    bool all_in_form = true;
    for (const auto& name : group) {
      const FieldDef* fd = model_->field(name);
      if (!fd || !cleaned_.count(name) || fd->type == FieldType::FileField || fd->type == FieldType::ImageField)
        all_in_form = false;
      else {
        fields.push_back(fd);
        labels.push_back(dtl::capfirst(fd->effective_verbose_name()));
      }
    }
    if (!all_in_form) continue;
    if (exists(fields).value_or(false)) {
      std::string text;
      for (std::size_t i = 0; i < labels.size(); ++i)
        text += (i == 0 ? "" : i + 1 == labels.size() ? " and " : ", ") + labels[i];
      add_error("", model_name + " with this " + text + " already exists.");
    }
  }
}

bool ModelForm::is_valid() {
  if (!bound_) return false;
  errors_.clear();
  cleaned_.clear();
  for (const auto& f : fields_) clean_field(f);
  if (model_validation_) validate_unique();
  return errors_.empty();
}

}  // namespace mvt::runserver
