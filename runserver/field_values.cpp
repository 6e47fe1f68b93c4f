#include "runserver/field_values.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <regex>

#include "dtl/decimal.hpp"
#include "dtl/text.hpp"
#include "dtl/timezone.hpp"
#include "runserver/py_types.hpp"

namespace mvt::runserver {

using models::FieldDef;
using models::FieldType;

namespace {

std::string quoted(const std::string& s) { return "“" + s + "”"; }

int to_int(const std::string& s) { return s.empty() ? 0 : std::stoi(s); }

bool valid_date(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= dtl::days_in_month(y, static_cast<unsigned>(m));
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string format_date(const dtl::Date& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string format_time(const dtl::Time& t) {
  char buf[32];
  if (t.microsecond) std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06d", t.hour, t.minute, t.second, t.microsecond);
  else std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", t.hour, t.minute, t.second);
  return buf;
}

/// The UTC wall time of an aware datetime.
dtl::DateTime to_utc(const dtl::DateTime& dt) {
  std::int64_t secs = dtl::wall_seconds(dt) - dt.utc_offset;
  std::int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  std::int64_t rem = secs - days * 86400;
  dtl::DateTime out;
  out.date = dtl::civil_from_days(days);
  out.time.hour = static_cast<std::uint8_t>(rem / 3600);
  out.time.minute = static_cast<std::uint8_t>(rem / 60 % 60);
  out.time.second = static_cast<std::uint8_t>(rem % 60);
  out.time.microsecond = dt.time.microsecond;
  out.aware = true;
  return out;
}

/// Makes a naive datetime aware in TIME_ZONE (django.utils.timezone.make_aware).
dtl::DateTime make_aware(dtl::DateTime dt, const ValueSettings& s) {
  const dtl::TimeZone* tz = dtl::TimeZone::locate(s.time_zone);
  dt.aware = true;
  dt.utc_offset = tz ? tz->at_local(dtl::wall_seconds(dt)).offset : 0;
  dt.zone = tz;
  return dt;
}

dtl::Value json_to_value(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return dtl::Value::none();
    case nlohmann::json::value_t::boolean: return dtl::Value::boolean(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return dtl::Value::integer(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return dtl::Value::integer(static_cast<std::int64_t>(j.get<std::uint64_t>()));
    case nlohmann::json::value_t::number_float: return dtl::Value::real(j.get<double>());
    case nlohmann::json::value_t::string: return dtl::Value::string(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<dtl::Value> items;
      for (const auto& e : j) items.push_back(json_to_value(e));
      return dtl::Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      std::vector<std::pair<std::string, dtl::Value>> items;
      for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(it.key(), json_to_value(it.value()));
      return dtl::Value::map(std::move(items));
    }
    default: return dtl::Value::none();
  }
}

/// Python's json.dumps (separators ", " and ": ", ensure_ascii).
void dumps(const dtl::Value& v, std::string& out) {
  switch (v.type()) {
    case dtl::Value::Type::None: out += "null"; break;
    case dtl::Value::Type::Bool: out += v.as_bool() ? "true" : "false"; break;
    case dtl::Value::Type::Int: out += std::to_string(v.as_int()); break;
    case dtl::Value::Type::Float: {
      double f = v.as_float();
      out += std::isnan(f) ? "NaN" : std::isinf(f) ? (f > 0 ? "Infinity" : "-Infinity") : dtl::python_float_repr(f);
      break;
    }
    case dtl::Value::Type::List: {
      out += '[';
      bool first = true;
      for (const auto& e : v.as_list().items) {
        if (!first) out += ", ";
        first = false;
        dumps(e, out);
      }
      out += ']';
      break;
    }
    case dtl::Value::Type::Map: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.as_map().items) {
        if (!first) out += ", ";
        first = false;
        out += nlohmann::json(k).dump(-1, ' ', true);
        out += ": ";
        dumps(e, out);
      }
      out += '}';
      break;
    }
    default: out += nlohmann::json(v.str()).dump(-1, ' ', true);
  }
}

}  // namespace

namespace {

/// Reads n digits at s[i]; false when they are not all digits.
inline bool digits(const std::string& s, std::size_t i, std::size_t n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (std::size_t k = i; k < i + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    v = v * 10 + (s[k] - '0');
  }
  out = v;
  return true;
}

/// The storage format "YYYY-MM-DD HH:MM:SS[.ffffff]" without a regex (the
/// hot path: every datetime read from the database).
bool parse_stored_datetime(const std::string& t, dtl::DateTime& out) {
  int y, mo, d, h, mi, se, us = 0;
  if (t.size() != 19 && t.size() != 26) return false;
  if (!digits(t, 0, 4, y) || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' || !digits(t, 8, 2, d) ||
      (t[10] != ' ' && t[10] != 'T') || !digits(t, 11, 2, h) || t[13] != ':' || !digits(t, 14, 2, mi) ||
      t[16] != ':' || !digits(t, 17, 2, se))
    return false;
  if (t.size() == 26 && (t[19] != '.' || !digits(t, 20, 6, us))) return false;
  if (!valid_date(y, mo, d) || h > 23 || mi > 59 || se > 59) return false;
  out = dtl::DateTime{};
  out.date = {y, static_cast<std::uint8_t>(mo), static_cast<std::uint8_t>(d)};
  out.time = {static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(mi), static_cast<std::uint8_t>(se), us};
  return true;
}

}  // namespace

bool is_integer_text(std::string_view text) {
  std::size_t i = !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
  if (i >= text.size()) return false;
  for (; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  return true;
}

bool parse_date_text(const std::string& text, dtl::Date& out) {
  int y, mo, d;
  if (text.size() == 10 && digits(text, 0, 4, y) && text[4] == '-' && digits(text, 5, 2, mo) && text[7] == '-' &&
      digits(text, 8, 2, d)) {
    if (!valid_date(y, mo, d)) return false;
    out = {y, static_cast<std::uint8_t>(mo), static_cast<std::uint8_t>(d)};
    return true;
  }
  if (text.size() > 10) return false;  // YYYY-MM-DD (see is_integer_text)
  static const std::regex re(R"(^(\d{4})-(\d{1,2})-(\d{1,2})$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return false;
  y = to_int(m[1]);
  mo = to_int(m[2]);
  d = to_int(m[3]);
  if (!valid_date(y, mo, d)) return false;
  out = {y, static_cast<std::uint8_t>(mo), static_cast<std::uint8_t>(d)};
  return true;
}

bool parse_time_text(const std::string& text, dtl::Time& out) {
  if (text.size() > 21) return false;  // HH:MM:SS.ffffffffffff (see is_integer_text)
  static const std::regex re(R"(^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[\.,](\d{1,6})\d{0,6})?)?$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return false;
  int h = to_int(m[1]), mi = to_int(m[2]), s = to_int(m[3]);
  std::string us = m[4].str();
  us.resize(us.empty() ? 0 : 6, '0');
  if (h > 23 || mi > 59 || s > 59) return false;
  out = {static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(mi), static_cast<std::uint8_t>(s), to_int(us)};
  return true;
}

bool parse_datetime_text(const std::string& text, dtl::DateTime& out) {
  if (parse_stored_datetime(text, out)) return true;
  // django.utils.dateparse.datetime_re (its \s* aside, at most 38
  // characters: longer text is not a datetime, and would overflow the
  // stack in std::regex; see is_integer_text)
  if (text.size() > 64) return false;
  static const std::regex re(
      R"(^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[\.,](\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return false;
  int y = to_int(m[1]), mo = to_int(m[2]), d = to_int(m[3]);
  int h = to_int(m[4]), mi = to_int(m[5]), s = to_int(m[6]);
  std::string us = m[7].str();
  us.resize(us.empty() ? 0 : 6, '0');
  if (!valid_date(y, mo, d) || h > 23 || mi > 59 || s > 59) return false;
  dtl::DateTime dt;
  dt.date = {y, static_cast<std::uint8_t>(mo), static_cast<std::uint8_t>(d)};
  dt.time = {static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(mi), static_cast<std::uint8_t>(s), to_int(us)};
  std::string tz = m[8].str();
  if (!tz.empty()) {
    dt.aware = true;
    if (tz != "Z") {
      int sign = tz[0] == '-' ? -1 : 1;
      int oh = to_int(tz.substr(1, 2));
      std::string rest = tz.substr(3);
      if (!rest.empty() && rest[0] == ':') rest = rest.substr(1);
      int om = to_int(rest);
      dt.utc_offset = sign * (oh * 3600 + om * 60);
    }
  }
  out = dt;
  return true;
}

std::string format_db_datetime(const dtl::DateTime& dt) { return format_date(dt.date) + " " + format_time(dt.time); }

std::string format_iso_datetime(const dtl::DateTime& dt) {
  std::string out = format_date(dt.date) + "T" + format_time(dt.time);
  if (!dt.aware) return out;
  if (dt.utc_offset == 0) return out + "Z";
  int off = dt.utc_offset;
  char sign = off < 0 ? '-' : '+';
  off = std::abs(off);
  return out + sign + two(off / 3600) + ":" + two(off / 60 % 60);
}

std::string format_duration(std::int64_t us) {
  // Python normalises to days (may be negative), seconds and microseconds >= 0.
  std::int64_t total_seconds = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
  std::int64_t micro = us - total_seconds * 1000000;
  std::int64_t days = total_seconds >= 0 ? total_seconds / 86400 : -((-total_seconds + 86399) / 86400);
  std::int64_t secs = total_seconds - days * 86400;
  char buf[64];
  std::string out;
  if (days) out = std::to_string(days) + (std::llabs(days) == 1 ? " day, " : " days, ");
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  out += buf;
  if (micro) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(micro));
    out += buf;
  }
  return out;
}

dtl::Value from_db_value(const FieldDef& f, const db::SqlValue& v, const ValueSettings& s,
                         std::shared_ptr<const void> owner) {
  if (v.is_null()) return dtl::Value::none();
  // A TEXT cell is read in place (`text`): a list page converts every cell it
  // shows, and a copy per cell was a third of its allocations.
  std::string converted;
  auto text = [&]() -> const std::string& {
    if (v.is_text()) return v.as_text();
    if (converted.empty()) converted = v.to_text();
    return converted;
  };
  switch (f.type) {
    case FieldType::BooleanField:
      return dtl::Value::boolean(v.is_int() ? v.as_int() != 0 : text() == "1" || text() == "true");
    case FieldType::FloatField:
      if (v.is_int()) return dtl::Value::real(static_cast<double>(v.as_int()));
      if (v.is_real()) return dtl::Value::real(v.as_real());
      return dtl::Value::real(std::strtod(text().c_str(), nullptr));
    case FieldType::DecimalField: {
      std::string decimal_text = v.is_real() ? dtl::python_float_repr(v.as_real()) : text();
      auto d = dtl::Decimal::parse(decimal_text);
      if (!d) return dtl::Value::string(decimal_text);
      if (f.decimal_places) *d = d->quantize_half_up(-*f.decimal_places);
      return dtl::Value::decimal(*d);
    }
    case FieldType::DateField: {
      dtl::Date d;
      return parse_date_text(text().substr(0, 10), d) ? dtl::Value::date(d) : dtl::Value::string(text());
    }
    case FieldType::DateTimeField: {
      dtl::DateTime dt;
      if (!parse_datetime_text(text(), dt)) {
        dtl::Date d;
        if (!parse_date_text(text(), d)) return dtl::Value::string(text());
        dt.date = d;
      }
      if (s.use_tz && !dt.aware) dt.aware = true;  // stored in UTC
      return dtl::Value::datetime(dt);
    }
    case FieldType::TimeField: {
      dtl::Time t;
      return parse_time_text(text(), t) ? dtl::Value::time(t) : dtl::Value::string(text());
    }
    case FieldType::DurationField:  // a datetime.timedelta
      return timedelta_value(v.is_int() ? v.as_int() : std::stoll(text()));
    case FieldType::UUIDField: {  // a uuid.UUID
      if (auto u = uuid_value(text())) return *u;
      return dtl::Value::string(text());
    }
    case FieldType::JSONField:
      try {
        return json_to_value(nlohmann::ordered_json::parse(text()));
      } catch (const nlohmann::json::exception&) {
        return dtl::Value::string(text());
      }
    default:
      if (v.is_int()) return dtl::Value::integer(v.as_int());
      if (v.is_real()) return dtl::Value::real(v.as_real());
      if (owner && v.is_text()) return dtl::Value::string(dtl::String(std::move(owner), &v.as_text()));  // aliasing: no copy
      return dtl::Value::string(text());
  }
}

db::SqlValue to_db_value(const FieldDef& f, const dtl::Value& v, const ValueSettings& s) {
  if (v.is_none()) return nullptr;
  const std::string text = v.is_string() ? dtl::py_strip(v.as_string()) : v.str();
  switch (f.type) {
    case FieldType::AutoField: case FieldType::BigAutoField: case FieldType::SmallAutoField:
    case FieldType::IntegerField: case FieldType::BigIntegerField: case FieldType::SmallIntegerField:
    case FieldType::PositiveIntegerField: case FieldType::PositiveSmallIntegerField:
    case FieldType::PositiveBigIntegerField: case FieldType::ForeignKey: case FieldType::OneToOneField: {
      if (v.is_int()) return v.as_int();
      if (v.is_bool()) return static_cast<std::int64_t>(v.as_bool());
      if (v.is_float() && std::isfinite(v.as_float())) return static_cast<std::int64_t>(v.as_float());
      if (is_integer_text(text)) {
        try {
          return static_cast<std::int64_t>(std::stoll(text));
        } catch (const std::out_of_range&) {
        }
      }
      throw FieldValueError(quoted(v.str()) + " value must be an integer.");
    }
    case FieldType::BooleanField: {
      if (v.is_bool()) return static_cast<std::int64_t>(v.as_bool());
      if (v.is_int() && (v.as_int() == 0 || v.as_int() == 1)) return v.as_int();
      if (text == "t" || text == "True" || text == "1" || text == "true") return 1;
      if (text == "f" || text == "False" || text == "0" || text == "false") return 0;
      throw FieldValueError(quoted(v.str()) + " value must be either True or False.");
    }
    case FieldType::FloatField: {
      if (v.is_float()) return v.as_float();
      if (v.is_int()) return static_cast<double>(v.as_int());
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end) throw FieldValueError(quoted(v.str()) + " value must be a float.");
      return d;
    }
    case FieldType::DecimalField: {
      std::optional<dtl::Decimal> d = v.is_decimal() ? std::optional(v.as_decimal())
                                      : v.is_float()  ? std::optional(dtl::Decimal::from_double(v.as_float()))
                                                      : dtl::Decimal::parse(text);
      if (!d || !d->is_finite()) throw FieldValueError(quoted(v.str()) + " value must be a decimal number.");
      if (f.decimal_places) *d = d->quantize_half_up(-*f.decimal_places);
      return d->fixed();
    }
    case FieldType::DateField: {
      if (v.is_date()) return format_date(v.as_date());
      if (v.is_datetime()) return format_date(v.as_datetime().date);
      dtl::Date d;
      if (parse_date_text(text, d)) return format_date(d);
      static const std::regex shape(R"(^\d{4}-\d{1,2}-\d{1,2}$)");
      if (text.size() <= 10 && std::regex_match(text, shape))
        throw FieldValueError(quoted(text) + " value has the correct format (YYYY-MM-DD) but it is an invalid date.");
      throw FieldValueError(quoted(text) + " value has an invalid date format. It must be in YYYY-MM-DD format.");
    }
    case FieldType::DateTimeField: {
      dtl::DateTime dt;
      if (v.is_datetime()) dt = v.as_datetime();
      else if (v.is_date()) dt.date = v.as_date();
      else if (!parse_datetime_text(text, dt)) {
        dtl::Date d;
        if (!parse_date_text(text, d))
          throw FieldValueError(quoted(text) +
                                " value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.");
        dt = dtl::DateTime{};
        dt.date = d;
      }
      if (s.use_tz) {
        if (!dt.aware) dt = make_aware(dt, s);
        return format_db_datetime(to_utc(dt));
      }
      if (dt.aware) {  // USE_TZ off: Django stores the naive wall time in TIME_ZONE
        const dtl::TimeZone* tz = dtl::TimeZone::locate(s.time_zone);
        dt = tz ? dtl::localtime(dt, tz) : to_utc(dt);
      }
      return format_db_datetime(dt);
    }
    case FieldType::TimeField: {
      if (v.is_time()) return format_time(v.as_time());
      if (v.is_datetime()) return format_time(v.as_datetime().time);
      dtl::Time t;
      if (parse_time_text(text, t)) return format_time(t);
      throw FieldValueError(quoted(text) + " value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format.");
    }
    case FieldType::DurationField:
      if (v.is_int()) return v.as_int();
      if (const Timedelta* t = as_timedelta(v)) return t->microseconds();
      throw FieldValueError(quoted(text) + " value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format.");
    case FieldType::UUIDField: {
      if (const Uuid* u = as_uuid(v)) return u->hex();
      std::string hex;
      for (char c : text)
        if (c != '-' && c != '{' && c != '}') hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (hex.rfind("urn:uuid:", 0) == 0) hex = hex.substr(9);
      static const std::regex hex_re("^[0-9a-f]{32}$");
      if (hex.size() != 32 || !std::regex_match(hex, hex_re)) throw FieldValueError(quoted(v.str()) + " is not a valid UUID.");
      return hex;
    }
    case FieldType::JSONField: {
      std::string out;
      dumps(v, out);
      return out;
    }
    case FieldType::BinaryField: return db::Blob{v.is_string() ? v.as_string() : v.str()};
    default: return v.is_string() ? v.as_string() : v.str();
  }
}

dtl::Value model_value_to_dtl(const models::Value& v) {
  switch (v.kind()) {
    case models::Value::Kind::Null: return dtl::Value::none();
    case models::Value::Kind::Bool: return dtl::Value::boolean(v.as_bool());
    case models::Value::Kind::Int: return dtl::Value::integer(v.as_int());
    case models::Value::Kind::Float: return dtl::Value::real(v.as_float());
    case models::Value::Kind::List: {
      std::vector<dtl::Value> items;
      for (const auto& e : v.as_list()) items.push_back(model_value_to_dtl(e));
      return dtl::Value::list(std::move(items));
    }
    case models::Value::Kind::Map: {
      std::vector<std::pair<std::string, dtl::Value>> items;
      for (const auto& [k, e] : v.as_map()) items.emplace_back(k, model_value_to_dtl(e));
      return dtl::Value::map(std::move(items));
    }
    default: return dtl::Value::string(v.as_string());
  }
}

std::string to_json_text(const dtl::Value& v) {
  switch (v.type()) {
    case dtl::Value::Type::Decimal: return nlohmann::json(v.as_decimal().str()).dump();
    case dtl::Value::Type::DateTime: return nlohmann::json(format_iso_datetime(v.as_datetime())).dump();
    case dtl::Value::Type::Date: return nlohmann::json(format_date(v.as_date())).dump();
    case dtl::Value::Type::Time: return nlohmann::json(format_time(v.as_time())).dump();
    case dtl::Value::Type::String: return nlohmann::json(v.as_string()).dump();
    case dtl::Value::Type::Object:
      // DRF's DurationField writes duration_string; a UUID is its str().
      if (const Timedelta* t = as_timedelta(v)) return nlohmann::json(duration_string(t->microseconds())).dump();
      if (const Uuid* u = as_uuid(v)) return nlohmann::json(u->str()).dump();
      break;
    case dtl::Value::Type::List: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v.as_list().items) {
        out += (first ? "" : ",") + to_json_text(e);
        first = false;
      }
      return out + "]";
    }
    case dtl::Value::Type::Map: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, e] : v.as_map().items) {
        out += (first ? "" : ",") + nlohmann::json(k).dump() + ":" + to_json_text(e);
        first = false;
      }
      return out + "}";
    }
    default: break;
  }
  std::string out;
  dumps(v, out);
  return out;
}

}  // namespace mvt::runserver
