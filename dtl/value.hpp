#pragma once
// dtl::Value — what a template variable holds: Python's None, bool, int,
// float, Decimal, str / SafeString, list / tuple, dict, date, time, datetime,
// or a runtime object (model instance, queryset, form, page...) implementing
// dtl::Object.
//
// Design: a std::variant of small inline types; strings, lists, maps and
// objects are immutable and reference-counted, so copying a Value never
// copies text (resolving `post.title` costs one reference-count increment).
// Printing follows Python: str() for output, repr() inside lists and dicts
// (`['a', 'b']`, `{'a': 1}`, `None`).
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "dtl/decimal.hpp"

namespace dtl {

class Value;
class Object;
class TimeZone;  // dtl/timezone.hpp

/// A calendar date (datetime.date).
struct Date {
  std::int32_t year = 1;
  std::uint8_t month = 1;
  std::uint8_t day = 1;
};

/// A naive time of day (datetime.time).
struct Time {
  std::uint8_t hour = 0;
  std::uint8_t minute = 0;
  std::uint8_t second = 0;
  std::int32_t microsecond = 0;
};

/// A datetime.datetime: naive, or aware with its UTC offset (seconds) and,
/// when it came from a named zone, that zone (for the `T`, `e`, `I` formats).
/// An aware datetime holds the local wall time in that offset.
struct DateTime {
  Date date;
  Time time;
  bool aware = false;
  std::int32_t utc_offset = 0;
  const TimeZone* zone = nullptr;  // nullptr: fixed offset (UTC when 0)
};

struct ListData;
struct MapData;

using String = std::shared_ptr<const std::string>;
using List = std::shared_ptr<const ListData>;
using Map = std::shared_ptr<const MapData>;
using ObjectPtr = std::shared_ptr<const Object>;

/// A template value. Cheap to copy.
class Value {
 public:
  enum class Type : std::uint8_t { None, Bool, Int, Float, Decimal, String, List, Map, Date, Time, DateTime, Object };

  Value() = default;
  static Value none() { return Value(); }
  static Value boolean(bool b) { return Value(Store(std::in_place_index<1>, b)); }
  static Value integer(std::int64_t i) { return Value(Store(std::in_place_index<2>, i)); }
  static Value real(double f) { return Value(Store(std::in_place_index<3>, f)); }
  static Value decimal(Decimal d) {
    return Value(Store(std::in_place_index<4>, std::make_shared<const Decimal>(std::move(d))));
  }
  /// A plain str (escaped when autoescaping).
  static Value string(std::string s) { return Value(Store(std::in_place_index<5>, std::make_shared<const std::string>(std::move(s)))); }
  static Value string(String s) { return Value(Store(std::in_place_index<5>, std::move(s))); }
  /// A SafeString (mark_safe): never escaped again.
  static Value safe(std::string s) { return Value(Store(std::in_place_index<6>, std::make_shared<const std::string>(std::move(s)))); }
  static Value safe(String s) { return Value(Store(std::in_place_index<6>, std::move(s))); }
  static Value list(std::vector<Value> items, bool tuple = false);
  static Value list(std::initializer_list<Value> items) { return list(std::vector<Value>(items)); }
  static Value list(List l) { return Value(Store(std::in_place_index<7>, std::move(l))); }
  static Value map(std::vector<std::pair<std::string, Value>> items);
  static Value map(std::initializer_list<std::pair<std::string, Value>> items) {
    return map(std::vector<std::pair<std::string, Value>>(items));
  }
  static Value map(Map m) { return Value(Store(std::in_place_index<8>, std::move(m))); }
  static Value date(Date d) { return Value(Store(std::in_place_index<9>, d)); }
  static Value time(Time t) { return Value(Store(std::in_place_index<10>, t)); }
  static Value datetime(DateTime dt) { return Value(Store(std::in_place_index<11>, dt)); }
  static Value object(ObjectPtr o) { return Value(Store(std::in_place_index<12>, std::move(o))); }

  Type type() const;
  bool is_none() const { return v_.index() == 0; }
  bool is_bool() const { return v_.index() == 1; }
  bool is_int() const { return v_.index() == 2; }
  bool is_float() const { return v_.index() == 3; }
  bool is_decimal() const { return v_.index() == 4; }
  /// str or SafeString.
  bool is_string() const { return v_.index() == 5 || v_.index() == 6; }
  bool is_list() const { return v_.index() == 7; }
  bool is_map() const { return v_.index() == 8; }
  bool is_date() const { return v_.index() == 9; }
  bool is_time() const { return v_.index() == 10; }
  bool is_datetime() const { return v_.index() == 11; }
  bool is_object() const { return v_.index() == 12; }
  /// int, float or Decimal (not bool).
  bool is_number() const { return is_int() || is_float() || is_decimal(); }
  /// Django's SafeData or an object with __html__: printed without escaping.
  bool is_safe() const;

  bool as_bool() const { return std::get<1>(v_); }
  std::int64_t as_int() const { return std::get<2>(v_); }
  double as_float() const { return std::get<3>(v_); }
  const Decimal& as_decimal() const { return *std::get<4>(v_); }
  /// The text of a str / SafeString.
  const std::string& as_string() const { return v_.index() == 5 ? *std::get<5>(v_) : *std::get<6>(v_); }
  const String& string_ptr() const { return v_.index() == 5 ? std::get<5>(v_) : std::get<6>(v_); }
  const ListData& as_list() const { return *std::get<7>(v_); }
  const List& list_ptr() const { return std::get<7>(v_); }
  const MapData& as_map() const { return *std::get<8>(v_); }
  const Date& as_date() const { return std::get<9>(v_); }
  const Time& as_time() const { return std::get<10>(v_); }
  const DateTime& as_datetime() const { return std::get<11>(v_); }
  const Object& as_object() const { return *std::get<12>(v_); }
  const ObjectPtr& object_ptr() const { return std::get<12>(v_); }

  /// Python's str(value).
  std::string str() const;
  /// Appends str(value) to out.
  void append_str(std::string& out) const;
  /// Python's repr(value).
  std::string repr() const;
  void append_repr(std::string& out) const;
  /// Python's bool(value).
  bool truthy() const;
  /// Python's len(value); nullopt when the type has no len().
  std::optional<std::size_t> length() const;
  /// The items of an iterable (list, tuple, dict keys, characters of a str,
  /// an object's items); nullopt when not iterable.
  std::optional<List> iterate() const;
  /// Python's name of the type ("int", "str", "list"...), for messages.
  std::string type_name() const;

 private:
  using Store = std::variant<std::monostate, bool, std::int64_t, double, std::shared_ptr<const Decimal>, String,
                             String, List, Map, Date, Time, DateTime, ObjectPtr>;
  explicit Value(Store v) : v_(std::move(v)) {}
  Store v_;
};

/// A list (or tuple, which prints as `(1, 2)`).
struct ListData {
  std::vector<Value> items;
  bool tuple = false;
};
/// An insertion-ordered dict with string keys.
struct MapData {
  std::vector<std::pair<std::string, Value>> items;
  /// The value under key, or nullptr.
  const Value* find(std::string_view key) const;
};

/// A runtime object seen by templates (model instances, querysets, forms,
/// pages...). Implement what applies; the defaults behave like a plain
/// Python object without those protocols.
///
/// Lookup semantics (Django's Variable._resolve_lookup): for `obj.name` the
/// engine calls resolve(name) — return the dict-key or attribute value, with
/// zero-argument methods already called (so `qs.count` returns the count).
/// Return nullopt when the lookup fails (also for `alters_data` methods, which
/// templates must not call: the engine then uses string_if_invalid). For a
/// `do_not_call_in_templates` callable return an object standing for it.
/// When resolve(name) fails and name is an integer, item(index) is tried.
class Object {
 public:
  virtual ~Object() = default;
  /// Attribute / key lookup; nullopt when there is no such name.
  virtual std::optional<Value> resolve(std::string_view name) const = 0;
  /// obj[index]; nullopt when not indexable or out of range.
  virtual std::optional<Value> item(std::int64_t index) const {
    (void)index;
    return std::nullopt;
  }
  /// str(obj), used when the object is printed.
  virtual std::string str() const = 0;
  /// repr(obj), used inside printed lists and dicts. Defaults to str().
  virtual std::string repr() const { return str(); }
  /// True when str() is already HTML (has __html__, e.g. a form): printed
  /// without escaping.
  virtual bool is_html() const { return false; }
  /// bool(obj). A queryset answers whether it has rows (running its query).
  virtual bool truthy() const { return true; }
  /// len(obj); nullopt when it has none. A queryset runs its query here.
  virtual std::optional<std::size_t> length() const { return std::nullopt; }
  /// The items to iterate (for, join, first...); nullopt when not iterable.
  /// Called only when the template iterates: a queryset runs its query (and
  /// may cache the result) here, not before.
  virtual std::optional<List> iterate() const { return std::nullopt; }
  /// obj == other; nullopt means identity comparison.
  virtual std::optional<bool> equals(const Value& other) const {
    (void)other;
    return std::nullopt;
  }
  /// `needle in obj` (__contains__); nullopt: no __contains__, so Python
  /// falls back to iterating the object.
  virtual std::optional<bool> contains(const Value& needle) const {
    (void)needle;
    return std::nullopt;
  }
  /// Ordering against other (<0, 0, >0); nullopt when unordered (TypeError).
  virtual std::optional<int> compare(const Value& other) const {
    (void)other;
    return std::nullopt;
  }
  /// Python type name, for messages.
  virtual std::string type_name() const { return "object"; }
};

/// Python's a == b (1 == 1.0 == Decimal(1) == True, 'a' == SafeString('a'),
/// lists elementwise, dicts by content, objects through Object::equals).
bool equals(const Value& a, const Value& b);
/// Python's ordering of a and b: <0, 0, >0; nullopt when Python would raise
/// TypeError ('<' not supported between ...).
std::optional<int> compare(const Value& a, const Value& b);
/// Python's `needle in haystack`; nullopt when it would raise TypeError.
std::optional<bool> contains(const Value& haystack, const Value& needle);
/// Python's repr() of a str.
void append_python_string_repr(std::string& out, std::string_view s);

}  // namespace dtl
