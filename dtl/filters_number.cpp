// Number filters of django/template/defaultfilters.py: add, get_digit,
// divisibleby, floatformat, filesizeformat, pluralize; and Python's int() /
// float() / round() for template values.
#include <cfenv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "dtl/builtins.hpp"
#include "dtl/errors.hpp"
#include "dtl/text.hpp"

namespace dtl::builtins {

namespace {

std::optional<std::int64_t> parse_py_int(std::string s) {
  s = py_strip(s);
  std::string digits;
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i >= s.size()) return std::nullopt;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits += s[i];
    } else if (s[i] == '_' && !digits.empty() && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::int64_t n = std::stoll(digits);
  return neg ? -n : n;
}

}  // namespace

std::optional<std::int64_t> py_int(const Value& v) {
  if (v.is_int()) return v.as_int();
  if (v.is_bool()) return v.as_bool() ? 1 : 0;
  if (v.is_float()) {
    double d = v.as_float();
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  if (v.is_decimal()) {
    const Decimal& d = v.as_decimal();
    if (!d.is_finite()) return std::nullopt;
    Decimal i = d.integral();
    if (i.digits.size() > 18) return std::nullopt;
    std::int64_t n = std::stoll(i.digits);
    return d.negative ? -n : n;
  }
  if (v.is_string()) return parse_py_int(v.as_string());
  return std::nullopt;
}

std::optional<double> py_float(const Value& v) {
  if (v.is_float()) return v.as_float();
  if (v.is_int()) return static_cast<double>(v.as_int());
  if (v.is_bool()) return v.as_bool() ? 1.0 : 0.0;
  if (v.is_decimal()) return v.as_decimal().to_double();
  if (v.is_string()) {
    std::string s = py_strip(v.as_string());
    std::string t;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '_' && i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
          std::isdigit(static_cast<unsigned char>(s[i + 1])))
        continue;
      t += s[i];
    }
    if (t.empty() || t.find_first_of("xXpP") != std::string::npos) return std::nullopt;
    std::string low = py_lower(t);
    std::string body = (low[0] == '+' || low[0] == '-') ? low.substr(1) : low;
    if (body == "inf" || body == "infinity") return low[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    if (body == "nan") return std::nan("");
    if (body.find_first_not_of("0123456789.e+-") != std::string::npos) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size()) return std::nullopt;
    return d;
  }
  return std::nullopt;
}

double py_round(double x) {
  int old = std::fegetround();
  std::fesetround(FE_TONEAREST);
  double r = std::nearbyint(x);
  std::fesetround(old);
  return r;
}

namespace {

// numberformat.format for a plain "123.456" string with decimal_pos.
std::string number_format_str(const std::string& s, int decimal_pos) {
  std::string sign, num = s;
  if (!num.empty() && num[0] == '-') {
    sign = "-";
    num = num.substr(1);
  }
  std::string int_part = num, dec_part;
  auto dot = num.find('.');
  if (dot != std::string::npos) {
    int_part = num.substr(0, dot);
    dec_part = num.substr(dot + 1, static_cast<std::size_t>(decimal_pos));
  }
  if (static_cast<int>(dec_part.size()) < decimal_pos) dec_part.append(static_cast<std::size_t>(decimal_pos) - dec_part.size(), '0');
  return sign + int_part + (dec_part.empty() ? "" : "." + dec_part);
}

Value floatformat(const Value& text, const Value* argp) {
  Value arg = argp ? *argp : Value::integer(-1);
  if (arg.is_string() && !arg.as_string().empty() && arg.as_string().back() == 'g') {
    std::string a = arg.as_string().substr(0, arg.as_string().size() - 1);
    arg = a.empty() ? Value::integer(-1) : Value::string(a);
  }
  std::string input_val = text.repr();
  std::optional<Decimal> d;
  if (text.is_int()) d = Decimal::from_int(text.as_int());
  else if (text.is_float()) d = Decimal::parse(input_val);
  if (!d) {
    auto f = py_float(text);
    if (!f) return Value::string(std::string());
    d = Decimal::parse(python_float_repr(*f));
    if (!d) return Value::string(std::string());
  }
  auto p = py_int(arg);
  if (!p || (arg.is_float() && false)) return Value::string(input_val);
  if (d->is_finite() && d->digits.size() + static_cast<std::size_t>(std::abs(d->exponent)) > 200)
    return Value::string(input_val);
  if (!d->is_finite()) return Value::string(input_val);
  Decimal integral = d->integral();
  bool m = !(Decimal::compare(integral, *d).value_or(1) == 0);
  if (!m && *p < 0) {
    std::string s = (integral.negative && !integral.is_zero() ? "-" : "") + integral.digits;
    return Value::safe(s);
  }
  std::int32_t ap = static_cast<std::int32_t>(std::llabs(*p));
  Decimal rounded = d->quantize_half_up(-ap);
  std::string number = rounded.fixed();
  if (!number.empty() && number[0] == '-' && rounded.is_zero()) number = number.substr(1);
  return Value::safe(number_format_str(number, ap));
}

std::string filesizeformat(const Value& v) {
  auto b = py_int(v);
  const std::string nb = "\xc2\xa0";
  if (!b || (v.is_string() && false)) return "0" + nb + "bytes";
  // The magnitude as unsigned: -INT64_MIN does not fit an int64.
  bool negative = *b < 0;
  std::uint64_t bytes = negative ? 0 - static_cast<std::uint64_t>(*b) : static_cast<std::uint64_t>(*b);
  const double KB = 1024.0, MB = KB * 1024, GB = MB * 1024, TB = GB * 1024, PB = TB * 1024;
  auto fmt = [](double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", x);
    return std::string(buf);
  };
  std::string value;
  double db = static_cast<double>(bytes);
  if (db < KB) value = std::to_string(bytes) + nb + (bytes == 1 ? "byte" : "bytes");
  else if (db < MB) value = fmt(db / KB) + nb + "KB";
  else if (db < GB) value = fmt(db / MB) + nb + "MB";
  else if (db < TB) value = fmt(db / GB) + nb + "GB";
  else if (db < PB) value = fmt(db / TB) + nb + "TB";
  else value = fmt(db / PB) + nb + "PB";
  if (negative) value = "-" + value;
  return value;
}

}  // namespace

void register_number_filters(Library& lib) {
  lib.filter("add", [](const Value& v, const Value* arg, FilterContext&) -> Value {
    auto a = py_int(v), b = py_int(*arg);
    if (a && b) {
      std::int64_t sum;
      if (!__builtin_add_overflow(*a, *b, &sum)) return Value::integer(sum);
      // Python's ints do not overflow: the exact sum, as a Decimal (printed alike).
      __int128 wide = static_cast<__int128>(*a) + *b;
      bool neg = wide < 0;
      unsigned __int128 mag = neg ? -static_cast<unsigned __int128>(wide) : static_cast<unsigned __int128>(wide);
      std::string digits;
      for (; mag; mag /= 10) digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
      return Value::decimal(*Decimal::parse((neg ? "-" : "") + digits));
    }
    // value + arg
    if (v.is_string() && arg->is_string()) return Value::string(v.as_string() + arg->as_string());
    if (v.is_list() && arg->is_list() && v.as_list().tuple == arg->as_list().tuple) {
      std::vector<Value> items = v.as_list().items;
      items.insert(items.end(), arg->as_list().items.begin(), arg->as_list().items.end());
      return Value::list(std::move(items), v.as_list().tuple);
    }
    bool vn = v.is_number() || v.is_bool(), an = arg->is_number() || arg->is_bool();
    if (vn && an) {
      if (v.is_decimal() || arg->is_decimal()) {
        if (v.is_float() || arg->is_float()) return Value::string(std::string());
        auto x = py_float(v), y = py_float(*arg);
        return Value::decimal(Decimal::from_double(*x + *y));
      }
      return Value::real(*py_float(v) + *py_float(*arg));
    }
    return Value::string(std::string());
  }, FilterOptions{FilterArg::Required});
  lib.filter("get_digit", [](const Value& v, const Value* arg, FilterContext&) -> Value {
    auto a = py_int(*arg);
    auto n = py_int(v);
    if (!a || !n) {
      if ((!a && !(arg->is_string() || arg->is_number() || arg->is_bool())) ||
          (!n && !(v.is_string() || v.is_number() || v.is_bool())))
        throw RenderError("TypeError", "int() argument must be a string, a bytes-like object or a number");
      return v;
    }
    if (*a < 1) return v;
    std::string s = std::to_string(*n);
    if (*a > static_cast<std::int64_t>(s.size())) return Value::integer(0);
    char c = s[s.size() - static_cast<std::size_t>(*a)];
    if (c == '-') throw RenderError("ValueError", "invalid literal for int() with base 10: '-'");
    return Value::integer(c - '0');
  }, FilterOptions{FilterArg::Required});
  lib.filter("divisibleby", [](const Value& v, const Value* arg, FilterContext&) -> Value {
    auto a = py_int(v), b = py_int(*arg);
    if (!a) throw RenderError("ValueError", "invalid literal for int() with base 10: " + v.repr());
    if (!b) throw RenderError("ValueError", "invalid literal for int() with base 10: " + arg->repr());
    if (*b == 0) throw RenderError("ZeroDivisionError", "integer division or modulo by zero");
    return Value::boolean(*b == -1 || *a % *b == 0);  // INT64_MIN % -1 traps on x86
  }, FilterOptions{FilterArg::Required});
  lib.filter("floatformat", [](const Value& v, const Value* arg, FilterContext&) { return floatformat(v, arg); },
             FilterOptions{FilterArg::Optional, true});
  lib.filter("filesizeformat", [](const Value& v, const Value*, FilterContext&) {
    return Value::string(filesizeformat(v));
  }, FilterOptions{FilterArg::None, true});
  lib.filter("pluralize", [](const Value& v, const Value* argp, FilterContext&) -> Value {
    std::string arg = argp ? argp->str() : "s";
    if (arg.find(',') == std::string::npos) arg = "," + arg;
    std::vector<std::string> bits;
    std::size_t st = 0;
    while (true) {
      auto c = arg.find(',', st);
      bits.push_back(arg.substr(st, c == std::string::npos ? std::string::npos : c - st));
      if (c == std::string::npos) break;
      st = c + 1;
    }
    if (bits.size() > 2) return Value::string(std::string());
    if (v.is_number() || v.is_bool() || v.is_string()) {
      auto f = py_float(v);
      if (!f) return Value::string(std::string());
      return Value::string(*f == 1 ? bits[0] : bits[1]);
    }
    auto len = v.length();
    if (len) return Value::string(*len == 1 ? bits[0] : bits[1]);
    return Value::string(std::string());
  }, FilterOptions{FilterArg::Optional});
}

}  // namespace dtl::builtins
