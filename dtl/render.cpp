// Variable resolution and value output: Django's Variable._resolve_lookup,
// FilterExpression.resolve, VariableNode and render_value_in_context.
#include <array>
#include <cstdio>

#include "dtl/dateformat.hpp"
#include "dtl/engine.hpp"
#include "dtl/parser.hpp"
#include "dtl/text.hpp"
#include "dtl/timezone.hpp"

namespace dtl {

namespace {

struct Lookup {
  std::optional<Value> value;
};

Value invalid_value(const Context& ctx) {
  return Value::string(ctx.engine ? ctx.engine->options().string_if_invalid : std::string());
}

// A method that needs arguments: Django's resolver falls back to string_if_invalid.
bool needs_args(std::string_view type, std::string_view name) {
  static const char* const str_methods[] = {"count", "find", "index", "rfind", "rindex", "join", "replace",
                                            "startswith", "endswith", "center", "ljust", "rjust", "zfill",
                                            "partition", "rpartition", "format_map", "translate", "maketrans",
                                            "removeprefix", "removesuffix", "encode_"};
  static const char* const list_methods[] = {"append", "count", "extend", "index", "insert", "remove"};
  static const char* const dict_methods[] = {"get", "pop", "setdefault", "fromkeys"};
  auto in = [&](auto& arr) {
    for (auto* m : arr)
      if (name == m) return true;
    return false;
  };
  if (type == "str") return in(str_methods);
  if (type == "list") return in(list_methods);
  if (type == "dict") return in(dict_methods);
  return false;
}

// A dict view (dict_keys / dict_values / dict_items): iterable, printable.
class DictView : public Object {
 public:
  DictView(const char* kind, List items) : kind_(kind), items_(std::move(items)) {}
  std::optional<Value> resolve(std::string_view) const override { return std::nullopt; }
  std::string str() const override { return std::string(kind_) + "(" + Value::list(items_).repr() + ")"; }
  bool truthy() const override { return !items_->items.empty(); }
  std::optional<std::size_t> length() const override { return items_->items.size(); }
  std::optional<List> iterate() const override { return items_; }
  std::string type_name() const override { return kind_; }

 private:
  const char* kind_;
  List items_;
};

std::optional<Value> string_attribute(const Value& v, std::string_view name) {
  const std::string& s = v.as_string();
  auto all = [&](bool (*pred)(char32_t)) {
    if (s.empty()) return false;
    std::size_t i = 0;
    while (i < s.size())
      if (!pred(utf8_decode(s, i))) return false;
    return true;
  };
  if (name == "upper") return Value::string(py_upper(s));
  if (name == "lower" || name == "casefold") return Value::string(py_lower(s));
  if (name == "title") return Value::string(py_title(s));
  if (name == "capitalize") return Value::string(capfirst(py_lower(s)));
  if (name == "strip") return Value::string(py_strip(s));
  if (name == "split") {
    std::vector<Value> items;
    for (auto& w : py_split(s)) items.push_back(Value::string(w));
    return Value::list(std::move(items));
  }
  if (name == "isdigit" || name == "isnumeric" || name == "isdecimal") return Value::boolean(all(is_digit));
  if (name == "isalpha") return Value::boolean(all(is_alpha));
  if (name == "isalnum") return Value::boolean(all([](char32_t c) { return is_alpha(c) || is_digit(c); }));
  if (name == "isspace") return Value::boolean(all(is_space));
  return std::nullopt;
}

std::optional<Value> date_attribute(const Value& v, std::string_view name) {
  Date d;
  std::optional<Time> t;
  if (v.is_date()) d = v.as_date();
  if (v.is_datetime()) {
    d = v.as_datetime().date;
    t = v.as_datetime().time;
  }
  if (v.is_time()) t = v.as_time();
  if (!v.is_time()) {
    if (name == "year") return Value::integer(d.year);
    if (name == "month") return Value::integer(d.month);
    if (name == "day") return Value::integer(d.day);
    if (name == "weekday") return Value::integer(weekday(d));
    if (name == "isoweekday") return Value::integer(weekday(d) + 1);
    if (name == "toordinal") return Value::integer(days_from_civil(d.year, d.month, d.day) + 719163);
  }
  if (t) {
    if (name == "hour") return Value::integer(t->hour);
    if (name == "minute") return Value::integer(t->minute);
    if (name == "second") return Value::integer(t->second);
    if (name == "microsecond") return Value::integer(t->microsecond);
  }
  if (v.is_datetime()) {
    if (name == "date") return Value::date(d);
    if (name == "time") return Value::time(*t);
  }
  if (name == "isoformat") {
    std::string s = v.str();
    if (v.is_datetime()) s[10] = 'T';
    return Value::string(s);
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_index(std::string_view bit) {
  if (bit.empty()) return std::nullopt;
  std::size_t i = 0;
  bool neg = false;
  if (bit[0] == '-' || bit[0] == '+') {
    neg = bit[0] == '-';
    i = 1;
  }
  if (i >= bit.size()) return std::nullopt;
  std::int64_t n = 0;
  for (; i < bit.size(); ++i) {
    if (bit[i] < '0' || bit[i] > '9') return std::nullopt;
    n = n * 10 + (bit[i] - '0');
    if (n > (1LL << 40)) return std::nullopt;
  }
  return neg ? -n : n;
}

// One step of _resolve_lookup on a non-context value.
std::optional<Value> lookup_step(const Value& cur, std::string_view bit, const Context& ctx) {
  // 1. dictionary lookup
  if (cur.is_map()) {
    if (const Value* v = cur.as_map().find(bit)) return *v;
    if (needs_args("dict", bit)) return invalid_value(ctx);
    auto view = [&](const char* kind, int which) {
      auto d = std::make_shared<ListData>();
      for (const auto& [k, v] : cur.as_map().items) {
        if (which == 0) d->items.push_back(Value::string(k));
        if (which == 1) d->items.push_back(v);
        if (which == 2) d->items.push_back(Value::list({Value::string(k), v}, true));
      }
      return Value::object(std::make_shared<DictView>(kind, List(std::move(d))));
    };
    if (bit == "keys") return view("dict_keys", 0);
    if (bit == "values") return view("dict_values", 1);
    if (bit == "items") return view("dict_items", 2);
    if (bit == "copy") return cur;
    return std::nullopt;
  }
  if (cur.is_object()) {
    if (auto v = cur.as_object().resolve(bit)) return v;
    if (auto idx = parse_index(bit)) return cur.as_object().item(*idx);
    return std::nullopt;
  }
  // 2. attribute lookup
  if (cur.is_string()) {
    if (auto v = string_attribute(cur, bit)) return v;
    if (needs_args("str", bit)) return invalid_value(ctx);
  } else if (cur.is_list()) {
    if (!cur.as_list().tuple && needs_args("list", bit)) return invalid_value(ctx);
    if (cur.as_list().tuple && (bit == "count" || bit == "index")) return invalid_value(ctx);
    if (bit == "copy" && !cur.as_list().tuple) return Value::list(cur.as_list().items);
  } else if (cur.is_date() || cur.is_datetime() || cur.is_time()) {
    if (auto v = date_attribute(cur, bit)) return v;
  } else if (cur.is_int() || cur.is_bool()) {
    std::int64_t n = cur.is_bool() ? cur.as_bool() : cur.as_int();
    if (bit == "real" || bit == "numerator") return Value::integer(n);
    if (bit == "imag") return Value::integer(0);
    if (bit == "denominator") return Value::integer(1);
  } else if (cur.is_float()) {
    if (bit == "real") return cur;
    if (bit == "imag") return Value::real(0.0);
  }
  // 3. list-index lookup
  if (cur.is_list() || cur.is_string()) {
    auto idx = parse_index(bit);
    if (!idx) return std::nullopt;
    if (cur.is_list()) {
      const auto& items = cur.as_list().items;
      std::int64_t n = static_cast<std::int64_t>(items.size());
      std::int64_t i = *idx < 0 ? *idx + n : *idx;
      if (i < 0 || i >= n) return std::nullopt;
      return items[static_cast<std::size_t>(i)];
    }
    std::u32string u = to_u32(cur.as_string());
    std::int64_t n = static_cast<std::int64_t>(u.size());
    std::int64_t i = *idx < 0 ? *idx + n : *idx;
    if (i < 0 || i >= n) return std::nullopt;
    std::string ch;
    utf8_append(ch, u[static_cast<std::size_t>(i)]);
    return cur.is_safe() ? Value::safe(ch) : Value::string(ch);
  }
  return std::nullopt;
}

void append_localized_number(const Value& v, std::string& out) {
  if (v.is_int()) {
    v.append_str(out);
    return;
  }
  if (v.is_float()) {
    std::string r = python_float_repr(v.as_float());
    if (r.find('e') != std::string::npos) {
      auto d = Decimal::parse(r);
      out += d ? d->fixed() : r;
    } else {
      out += r;
    }
    return;
  }
  const Decimal& d = v.as_decimal();
  if (d.is_finite() && std::abs(static_cast<long>(d.exponent)) + static_cast<long>(d.digits.size()) > 200) {
    out += d.str();
    return;
  }
  out += d.fixed();
}

}  // namespace

std::optional<Value> Variable::resolve(Context& ctx) const {
  if (lookups_.empty()) return literal_;
  const Value* first = ctx.get(lookups_[0]);
  if (!first) return std::nullopt;
  if (lookups_.size() == 1) return *first;
  std::optional<Value> cur = lookup_step(*first, lookups_[1], ctx);
  for (std::size_t i = 2; cur && i < lookups_.size(); ++i) cur = lookup_step(*cur, lookups_[i], ctx);
  return cur;
}

std::optional<Value> FilterExpression::resolve_optional(Context& ctx) const {
  if (!var_) return apply_filters(constant_, ctx);
  auto v = var_->resolve(ctx);
  if (!v) return std::nullopt;
  return apply_filters(std::move(*v), ctx);
}

Value FilterExpression::resolve(Context& ctx, bool ignore_failures) const {
  Value obj;
  if (var_) {
    auto v = var_->resolve(ctx);
    if (!v) {
      if (!ignore_failures) {
        const std::string& sii = ctx.engine ? ctx.engine->options().string_if_invalid : std::string();
        if (!sii.empty()) {
          auto pos = sii.find("%s");
          if (pos == std::string::npos) return Value::string(sii);
          return Value::string(sii.substr(0, pos) + var_->text() + sii.substr(pos + 2));
        }
        obj = Value::string(std::string());
      }
    } else {
      obj = std::move(*v);
    }
  } else {
    obj = constant_;
  }
  if (filters_.empty()) return obj;
  return apply_filters(std::move(obj), ctx);
}

Value mark_safe(const Value& v) {
  if (v.is_string()) return v.is_safe() ? v : Value::safe(v.string_ptr());
  if (v.is_safe()) return v;
  return Value::safe(v.str());
}

Value FilterExpression::apply_filters(Value obj, Context& ctx) const {
  for (const auto& f : filters_) {
    const FilterOptions& o = f.filter->options;
    Value argv;
    const Value* argp = nullptr;
    if (f.arg) {
      if (!f.arg->lookup) {
        argv = f.arg->constant;
      } else {
        auto r = f.arg->var->resolve(ctx);
        if (!r) {
          throw RenderError("VariableDoesNotExist", "Failed lookup for key [" + f.arg->var->text() + "]");
        }
        argv = std::move(*r);
      }
      argp = &argv;
    }
    if (o.expects_localtime && ctx.use_tz && obj.is_datetime() && obj.as_datetime().aware && ctx.engine)
      obj = Value::datetime(localtime(obj.as_datetime(), ctx.engine->time_zone()));
    bool input_safe = obj.is_safe();
    if (o.string_filter && !obj.is_string()) obj = Value::string(obj.str());
    FilterContext fc{ctx.autoescape, ctx};
    Value result = f.filter->fn(obj, argp, fc);
    if (o.is_safe && input_safe)
      obj = mark_safe(result);
    else
      obj = std::move(result);
  }
  return obj;
}

void append_escaped(std::string& out, std::string_view text) {
  // django.utils.html.escape: & < > " ' (html.escape with quote=True).
  static constexpr std::string_view reps[] = {{}, "&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"};
  static const auto table = [] {
    std::array<unsigned char, 256> t{};
    t[static_cast<unsigned char>('&')] = 1;
    t[static_cast<unsigned char>('<')] = 2;
    t[static_cast<unsigned char>('>')] = 3;
    t[static_cast<unsigned char>('"')] = 4;
    t[static_cast<unsigned char>('\'')] = 5;
    return t;
  }();
  out.reserve(out.size() + text.size() + 16);
  const char* p = text.data();
  const char* const end = p + text.size();
  const char* start = p;
  for (; p < end; ++p) {
    unsigned char k = table[static_cast<unsigned char>(*p)];
    if (!k) continue;
    out.append(start, static_cast<std::size_t>(p - start));
    out.append(reps[k]);
    start = p + 1;
  }
  out.append(start, static_cast<std::size_t>(end - start));
}

Value conditional_escape(const Value& v) {
  if (v.is_safe()) return v.is_string() ? v : Value::safe(v.str());
  std::string out;
  if (v.is_string())
    append_escaped(out, v.as_string());
  else
    append_escaped(out, v.str());
  return Value::safe(std::move(out));
}

void render_value_in_context(const Value& value, Context& ctx, std::string& out) {
  if (value.is_string()) {
    if (ctx.autoescape && !value.is_safe())
      append_escaped(out, value.as_string());
    else
      out += value.as_string();
    return;
  }
  // The text is written straight into out and escaped afterwards only when it
  // holds a character that needs it: no temporary string per printed value.
  // Numbers and booleans never do; a date or time only through what its
  // format writes literally (format characters write digits, names and zone
  // names), so the format is checked instead of the text.
  std::size_t mark = out.size();
  bool may_need_escape = true;
  auto special = [](std::string_view s) {
    for (char c : s)
      if (c == '<' || c == '>' || c == '&' || c == '\'' || c == '"') return true;
    return false;
  };
  // Naive datetimes format their e/O/T/Z/I in the default time zone
  // (Django's get_default_timezone()), aware ones in their own.
  const TimeZone* current = ctx.engine ? ctx.engine->time_zone() : nullptr;
  switch (value.type()) {
    case Value::Type::Bool:
      value.append_str(out);
      may_need_escape = false;
      break;
    case Value::Type::Int:
    case Value::Type::Float:
    case Value::Type::Decimal:
      append_localized_number(value, out);
      may_need_escape = false;
      break;
    case Value::Type::DateTime: {
      const std::string_view fmt = ctx.engine ? std::string_view(ctx.engine->options().datetime_format) : "N j, Y, P";
      if (ctx.use_tz && current && value.as_datetime().aware)
        append_format_date(out, Value::datetime(localtime(value.as_datetime(), current)), fmt, current);
      else
        append_format_date(out, value, fmt, current);
      may_need_escape = special(fmt);
      break;
    }
    case Value::Type::Date: {
      const std::string_view fmt = ctx.engine ? std::string_view(ctx.engine->options().date_format) : "N j, Y";
      append_format_date(out, value, fmt, current);
      may_need_escape = special(fmt);
      break;
    }
    case Value::Type::Time: {
      const std::string_view fmt = ctx.engine ? std::string_view(ctx.engine->options().time_format) : "P";
      append_format_time(out, value, fmt, current);
      may_need_escape = special(fmt);
      break;
    }
    default: value.append_str(out); break;
  }
  if (!may_need_escape || !ctx.autoescape || value.is_safe()) return;
  if (!special(std::string_view(out).substr(mark))) return;
  std::string text = out.substr(mark);
  out.resize(mark);
  append_escaped(out, text);
}

namespace {

class VariableNode : public Node {
 public:
  explicit VariableNode(FilterExpression fe) : fe_(std::move(fe)) {}
  void render(Context& ctx, std::string& out) const override {
    // Fast paths for the commonest variables, without filters: `name`, and
    // `obj.attr` on a runtime object (a model instance's field in a list).
    // They print the value where it is, with no intermediate optional
    // values; the result is the general path's (Variable::resolve makes the
    // same context lookup and Object::resolve call). A failed lookup, or
    // anything else, takes the general path.
    if (const Variable* var = fe_.plain_variable()) {
      const auto& names = var->lookups();
      if (names.size() <= 2) {
        if (const Value* base = ctx.get(names[0])) {
          if (names.size() == 1) {
            render_value_in_context(*base, ctx, out);
            return;
          }
          if (base->is_object()) {
            if (auto v = base->as_object().resolve(names[1])) {
              render_value_in_context(*v, ctx, out);
              return;
            }
          }
        }
      }
    }
    render_value_in_context(fe_.resolve(ctx), ctx, out);
  }
  std::string repr() const override { return "<Variable Node: " + fe_.token() + ">"; }

 private:
  FilterExpression fe_;
};

}  // namespace

NodePtr make_variable_node(FilterExpression expression) {
  return std::make_shared<VariableNode>(std::move(expression));
}

std::string TextNode::repr() const {
  std::string s;
  append_python_string_repr(s, py_slice(text, nullptr, nullptr, nullptr).substr(0, 25));
  return "<TextNode: " + s + ">";
}

void NodeList::render(Context& ctx, std::string& out) const {
  for (const auto& n : nodes) {
    try {
      n->render(ctx, out);
    } catch (TemplateError& e) {
      if (n->origin) e.locate(*n->origin, n->line);
      throw;
    }
  }
}

}  // namespace dtl
