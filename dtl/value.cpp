#include "dtl/value.hpp"

#include <cstdio>

#include "dtl/text.hpp"

namespace dtl {

const Value* MapData::find(std::string_view key) const {
  for (const auto& [k, v] : items)
    if (k == key) return &v;
  return nullptr;
}

Value Value::list(std::vector<Value> items, bool tuple) {
  auto d = std::make_shared<ListData>();
  d->items = std::move(items);
  d->tuple = tuple;
  return list(List(std::move(d)));
}

Value Value::map(std::vector<std::pair<std::string, Value>> items) {
  auto d = std::make_shared<MapData>();
  d->items = std::move(items);
  return map(Map(std::move(d)));
}

Value::Type Value::type() const {
  switch (v_.index()) {
    case 0: return Type::None;
    case 1: return Type::Bool;
    case 2: return Type::Int;
    case 3: return Type::Float;
    case 4: return Type::Decimal;
    case 5:
    case 6: return Type::String;
    case 7: return Type::List;
    case 8: return Type::Map;
    case 9: return Type::Date;
    case 10: return Type::Time;
    case 11: return Type::DateTime;
    default: return Type::Object;
  }
}

bool Value::is_safe() const {
  if (v_.index() == 6) return true;
  if (v_.index() == 12) return std::get<12>(v_)->is_html();
  return false;
}

namespace {

void pad(std::string& out, long v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*ld", width, v);
  out += buf;
}

void append_date(std::string& out, const Date& d) {
  pad(out, d.year, 4);
  out += '-';
  pad(out, d.month, 2);
  out += '-';
  pad(out, d.day, 2);
}

void append_time(std::string& out, const Time& t) {
  pad(out, t.hour, 2);
  out += ':';
  pad(out, t.minute, 2);
  out += ':';
  pad(out, t.second, 2);
  if (t.microsecond) {
    out += '.';
    pad(out, t.microsecond, 6);
  }
}

void append_offset(std::string& out, std::int32_t off) {
  out += off < 0 ? '-' : '+';
  std::int32_t a = off < 0 ? -off : off;
  pad(out, a / 3600, 2);
  out += ':';
  pad(out, (a / 60) % 60, 2);
  if (a % 60) {
    out += ':';
    pad(out, a % 60, 2);
  }
}

}  // namespace

void append_python_string_repr(std::string& out, std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char q = (has_single && !has_double) ? '"' : '\'';
  out += q;
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      if (c == '\\') out += "\\\\";
      else if (c == static_cast<unsigned char>(q)) { out += '\\'; out += q; }
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20 || c == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
      continue;
    }
    std::size_t start = i;
    char32_t cp = utf8_decode(s, i);
    if ((cp >= 0x80 && cp <= 0xa0) || cp == 0xad) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if (cp == 0x2028 || cp == 0x2029 || (cp >= 0xd800 && cp <= 0xdfff)) {
      char buf[12];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  out += q;
}

std::string Value::str() const {
  if (is_string()) return as_string();
  std::string out;
  append_str(out);
  return out;
}

void Value::append_str(std::string& out) const {
  switch (v_.index()) {
    case 0: out += "None"; return;
    case 1: out += std::get<1>(v_) ? "True" : "False"; return;
    case 2: append_int(out, std::get<2>(v_)); return;
    case 3: out += python_float_repr(std::get<3>(v_)); return;
    case 4: out += std::get<4>(v_)->str(); return;
    case 5:
    case 6: out += as_string(); return;
    case 7:
    case 8: append_repr(out); return;
    case 9: append_date(out, std::get<9>(v_)); return;
    case 10: append_time(out, std::get<10>(v_)); return;
    case 11: {
      const auto& dt = std::get<11>(v_);
      append_date(out, dt.date);
      out += ' ';
      append_time(out, dt.time);
      if (dt.aware) append_offset(out, dt.utc_offset);
      return;
    }
    default: out += std::get<12>(v_)->str(); return;
  }
}

std::string Value::repr() const {
  std::string out;
  append_repr(out);
  return out;
}

void Value::append_repr(std::string& out) const {
  switch (v_.index()) {
    case 4: out += "Decimal('" + std::get<4>(v_)->str() + "')"; return;
    case 5:
    case 6: append_python_string_repr(out, as_string()); return;
    case 7: {
      const auto& l = as_list();
      out += l.tuple ? '(' : '[';
      for (std::size_t i = 0; i < l.items.size(); ++i) {
        if (i) out += ", ";
        l.items[i].append_repr(out);
      }
      if (l.tuple && l.items.size() == 1) out += ',';
      out += l.tuple ? ')' : ']';
      return;
    }
    case 8: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : as_map().items) {
        if (!first) out += ", ";
        first = false;
        append_python_string_repr(out, k);
        out += ": ";
        v.append_repr(out);
      }
      out += '}';
      return;
    }
    case 9: {
      const auto& d = std::get<9>(v_);
      out += "datetime.date(" + std::to_string(d.year) + ", " + std::to_string(d.month) + ", " +
             std::to_string(d.day) + ")";
      return;
    }
    case 10:
    case 11: {
      Time t = v_.index() == 10 ? std::get<10>(v_) : std::get<11>(v_).time;
      std::string args;
      if (v_.index() == 11) {
        const auto& d = std::get<11>(v_).date;
        out += "datetime.datetime(";
        args = std::to_string(d.year) + ", " + std::to_string(d.month) + ", " + std::to_string(d.day) + ", ";
      } else {
        out += "datetime.time(";
      }
      args += std::to_string(t.hour) + ", " + std::to_string(t.minute);
      if (t.second || t.microsecond) args += ", " + std::to_string(t.second);
      if (t.microsecond) args += ", " + std::to_string(t.microsecond);
      out += args;
      if (v_.index() == 11 && std::get<11>(v_).aware) {
        auto off = std::get<11>(v_).utc_offset;
        if (off == 0)
          out += ", tzinfo=<UTC>";
        else
          out += ", tzinfo=datetime.timezone(datetime.timedelta(seconds=" + std::to_string(off) + "))";
      }
      out += ')';
      return;
    }
    case 12: out += std::get<12>(v_)->repr(); return;
    default: append_str(out); return;
  }
}

bool Value::truthy() const {
  switch (v_.index()) {
    case 0: return false;
    case 1: return std::get<1>(v_);
    case 2: return std::get<2>(v_) != 0;
    case 3: return std::get<3>(v_) != 0.0;
    case 4: return !std::get<4>(v_)->is_zero();
    case 5:
    case 6: return !as_string().empty();
    case 7: return !as_list().items.empty();
    case 8: return !as_map().items.empty();
    case 9:
    case 11: return true;
    case 10: return true;  // Python 3.5+: every time is true
    default: return std::get<12>(v_)->truthy();
  }
}

std::optional<std::size_t> Value::length() const {
  switch (v_.index()) {
    case 5:
    case 6: return utf8_length(as_string());
    case 7: return as_list().items.size();
    case 8: return as_map().items.size();
    case 12: return std::get<12>(v_)->length();
    default: return std::nullopt;
  }
}

std::optional<List> Value::iterate() const {
  switch (v_.index()) {
    case 5:
    case 6: {
      auto d = std::make_shared<ListData>();
      const std::string& s = as_string();
      std::size_t i = 0;
      while (i < s.size()) {
        std::size_t start = i;
        utf8_decode(s, i);
        if (v_.index() == 6)
          d->items.push_back(Value::safe(s.substr(start, i - start)));
        else
          d->items.push_back(Value::string(s.substr(start, i - start)));
      }
      return List(std::move(d));
    }
    case 7: return std::get<7>(v_);
    case 8: {
      auto d = std::make_shared<ListData>();
      for (const auto& [k, v] : as_map().items) d->items.push_back(Value::string(k));
      return List(std::move(d));
    }
    case 12: return std::get<12>(v_)->iterate();
    default: return std::nullopt;
  }
}

std::string Value::type_name() const {
  switch (v_.index()) {
    case 0: return "NoneType";
    case 1: return "bool";
    case 2: return "int";
    case 3: return "float";
    case 4: return "decimal.Decimal";
    case 5: return "str";
    case 6: return "SafeString";
    case 7: return as_list().tuple ? "tuple" : "list";
    case 8: return "dict";
    case 9: return "datetime.date";
    case 10: return "datetime.time";
    case 11: return "datetime.datetime";
    default: return std::get<12>(v_)->type_name();
  }
}

namespace {

// Numeric view for comparisons: bool/int/float/Decimal.
bool numeric(const Value& v) { return v.is_bool() || v.is_number(); }

Decimal to_decimal(const Value& v) {
  if (v.is_bool()) return Decimal::from_int(v.as_bool() ? 1 : 0);
  if (v.is_int()) return Decimal::from_int(v.as_int());
  if (v.is_float()) return Decimal::from_double(v.as_float());
  return v.as_decimal();
}

std::optional<int> compare_numbers(const Value& a, const Value& b) {
  if ((a.is_int() || a.is_bool()) && (b.is_int() || b.is_bool())) {
    std::int64_t x = a.is_bool() ? a.as_bool() : a.as_int();
    std::int64_t y = b.is_bool() ? b.as_bool() : b.as_int();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (!a.is_decimal() && !b.is_decimal()) {
    double x = a.is_float() ? a.as_float() : static_cast<double>(a.is_bool() ? a.as_bool() : a.as_int());
    double y = b.is_float() ? b.as_float() : static_cast<double>(b.is_bool() ? b.as_bool() : b.as_int());
    if (x != x || y != y) return std::nullopt;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  return Decimal::compare(to_decimal(a), to_decimal(b));
}

std::int64_t dt_key_seconds(const DateTime& d, bool utc) {
  // days from civil (Howard Hinnant's algorithm)
  std::int64_t y = d.date.year;
  unsigned m = d.date.month, dd = d.date.day;
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  std::int64_t s = days * 86400 + d.time.hour * 3600 + d.time.minute * 60 + d.time.second;
  if (utc && d.aware) s -= d.utc_offset;
  return s;
}

int cmp3(std::int64_t a, std::int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

}  // namespace

bool equals(const Value& a, const Value& b) {
  if (a.is_object()) {
    if (auto r = a.as_object().equals(b)) return *r;
    return b.is_object() && a.object_ptr() == b.object_ptr();
  }
  if (b.is_object()) {
    if (auto r = b.as_object().equals(a)) return *r;
    return false;
  }
  if (numeric(a) && numeric(b)) {
    auto c = compare_numbers(a, b);
    return c && *c == 0;
  }
  if (a.is_none() || b.is_none()) return a.is_none() && b.is_none();
  if (a.is_string() && b.is_string()) return a.as_string() == b.as_string();
  if (a.is_list() && b.is_list()) {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    if (x.tuple != y.tuple || x.items.size() != y.items.size()) return false;
    for (std::size_t i = 0; i < x.items.size(); ++i)
      if (!equals(x.items[i], y.items[i])) return false;
    return true;
  }
  if (a.is_map() && b.is_map()) {
    const auto& x = a.as_map();
    const auto& y = b.as_map();
    if (x.items.size() != y.items.size()) return false;
    for (const auto& [k, v] : x.items) {
      const Value* o = y.find(k);
      if (!o || !equals(v, *o)) return false;
    }
    return true;
  }
  if (a.is_date() && b.is_date()) {
    const auto &x = a.as_date(), &y = b.as_date();
    return x.year == y.year && x.month == y.month && x.day == y.day;
  }
  if (a.is_time() && b.is_time()) {
    const auto &x = a.as_time(), &y = b.as_time();
    return x.hour == y.hour && x.minute == y.minute && x.second == y.second && x.microsecond == y.microsecond;
  }
  if (a.is_datetime() && b.is_datetime()) {
    const auto &x = a.as_datetime(), &y = b.as_datetime();
    if (x.aware != y.aware) return false;
    return dt_key_seconds(x, true) == dt_key_seconds(y, true) && x.time.microsecond == y.time.microsecond;
  }
  return false;
}

std::optional<int> compare(const Value& a, const Value& b) {
  if (a.is_object()) return a.as_object().compare(b);
  if (b.is_object()) {
    auto r = b.as_object().compare(a);
    if (r) return -*r;
    return std::nullopt;
  }
  if (numeric(a) && numeric(b)) return compare_numbers(a, b);
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_list() && b.is_list() && a.as_list().tuple == b.as_list().tuple) {
    const auto& x = a.as_list().items;
    const auto& y = b.as_list().items;
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (equals(x[i], y[i])) continue;
      return compare(x[i], y[i]);
    }
    return cmp3(static_cast<std::int64_t>(x.size()), static_cast<std::int64_t>(y.size()));
  }
  if (a.is_date() && b.is_date()) {
    const auto &x = a.as_date(), &y = b.as_date();
    if (x.year != y.year) return cmp3(x.year, y.year);
    if (x.month != y.month) return cmp3(x.month, y.month);
    return cmp3(x.day, y.day);
  }
  if (a.is_time() && b.is_time()) {
    const auto &x = a.as_time(), &y = b.as_time();
    std::int64_t p = (x.hour * 3600 + x.minute * 60 + x.second) * 1000000LL + x.microsecond;
    std::int64_t q = (y.hour * 3600 + y.minute * 60 + y.second) * 1000000LL + y.microsecond;
    return cmp3(p, q);
  }
  if (a.is_datetime() && b.is_datetime()) {
    const auto &x = a.as_datetime(), &y = b.as_datetime();
    if (x.aware != y.aware) return std::nullopt;
    std::int64_t p = dt_key_seconds(x, true), q = dt_key_seconds(y, true);
    if (p != q) return cmp3(p, q);
    return cmp3(x.time.microsecond, y.time.microsecond);
  }
  return std::nullopt;
}

std::optional<bool> contains(const Value& haystack, const Value& needle) {
  if (haystack.is_string()) {
    if (!needle.is_string()) return std::nullopt;
    return haystack.as_string().find(needle.as_string()) != std::string::npos;
  }
  if (haystack.is_map()) {
    if (!needle.is_string()) return false;
    return haystack.as_map().find(needle.as_string()) != nullptr;
  }
  if (haystack.is_object())
    if (auto r = haystack.as_object().contains(needle)) return r;
  auto items = haystack.iterate();
  if (!items) return std::nullopt;
  for (const auto& v : (*items)->items)
    if (equals(v, needle)) return true;
  return false;
}

}  // namespace dtl
