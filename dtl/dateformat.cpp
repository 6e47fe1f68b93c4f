// Port of django/utils/dateformat.py (DateFormat, TimeFormat) and
// django/utils/timesince.py.
#include "dtl/dateformat.hpp"

#include <cstdio>

#include "dtl/errors.hpp"
#include "dtl/timezone.hpp"

namespace dtl {

namespace {

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kMonths3[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
const char* const kMonthsAP[] = {"Jan.", "Feb.", "March", "April", "May",  "June",
                                 "July", "Aug.", "Sept.", "Oct.",  "Nov.", "Dec."};
const char* const kWeekdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
const char* const kWeekdaysAbbr[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

bool is_format_char(char c) {
  static const std::string chars = "aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ";
  return chars.find(c) != std::string::npos;
}
bool is_time_char(char c) {
  static const std::string chars = "aAefgGhHiOPsTuZ";
  return chars.find(c) != std::string::npos;
}

std::string two(int v) {
  if (v >= 0 && v < 100) return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
  char b[16];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

std::string offset_hhmm(std::int32_t seconds) {
  char sign = seconds < 0 ? '-' : '+';
  std::int32_t a = seconds < 0 ? -seconds : seconds;
  char b[16];
  std::snprintf(b, sizeof b, "%c%02d%02d", sign, a / 3600, (a / 60) % 60);
  return b;
}

// ISO calendar (year, week) of a date.
std::pair<int, int> iso_calendar(const Date& d) {
  auto ordinal = [](std::int64_t y, unsigned m, unsigned dd) { return days_from_civil(y, m, dd); };
  auto week1_monday = [&](std::int64_t y) {
    std::int64_t jan4 = ordinal(y, 1, 4);
    int wd = static_cast<int>(((jan4 % 7) + 7 + 3) % 7);  // Monday = 0
    return jan4 - wd;
  };
  std::int64_t day = ordinal(d.year, d.month, d.day);
  std::int64_t y = d.year;
  std::int64_t start = week1_monday(y);
  if (day < start) {
    --y;
    start = week1_monday(y);
  } else if (day >= week1_monday(y + 1)) {
    ++y;
    start = week1_monday(y);
  }
  return {static_cast<int>(y), static_cast<int>((day - start) / 7 + 1)};
}

struct Subject {
  bool has_date = false, has_time = false, is_datetime = false, aware = false;
  Date date;
  Time time;
  std::int32_t offset = 0;
  const TimeZone* zone = nullptr;      // aware: its zone (or null: fixed offset)
  const TimeZone* default_tz = nullptr;  // naive datetimes: TIME_ZONE
};

// The timezone information of a datetime for e, I, O, T, Z: nullopt when
// Django's formatter has no timezone (date, time, or no default zone).
struct TzView {
  std::int32_t offset;
  bool dst;
  std::string name;
};

std::optional<TzView> tz_view(const Subject& s) {
  if (!s.is_datetime) return std::nullopt;
  if (s.aware) {
    if (s.zone) {
      std::int64_t utc = days_from_civil(s.date.year, s.date.month, s.date.day) * 86400 + s.time.hour * 3600 +
                         s.time.minute * 60 + s.time.second - s.offset;
      auto info = s.zone->at_utc(utc);
      return TzView{info.offset, info.dst, info.abbrev};
    }
    std::string name = "UTC";
    if (s.offset != 0) {
      std::int32_t a = s.offset < 0 ? -s.offset : s.offset;
      char b[32];
      std::snprintf(b, sizeof b, "UTC%c%02d:%02d", s.offset < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
      name = b;
    }
    return TzView{s.offset, false, name};
  }
  if (!s.default_tz) return std::nullopt;
  std::int64_t local = days_from_civil(s.date.year, s.date.month, s.date.day) * 86400 + s.time.hour * 3600 +
                       s.time.minute * 60 + s.time.second;
  auto info = s.default_tz->at_local(local);
  return TzView{info.offset, info.dst, info.abbrev};
}

std::string iso(const Subject& s) {
  Value v;
  if (s.is_datetime) {
    DateTime dt{s.date, s.time, s.aware, s.offset, s.zone};
    std::string out = Value::datetime(dt).str();
    out[10] = 'T';
    return out;
  }
  return Value::date(s.date).str();
}

// One format character; nullopt when the formatter has no such method
// (AttributeError).
std::optional<std::string> format_char(char c, const Subject& s) {
  const Date& d = s.date;
  const Time& t = s.time;
  if (is_time_char(c)) {
    if (!s.has_time) return std::nullopt;
    int g = t.hour % 12 == 0 ? 12 : t.hour % 12;
    auto f = [&]() { return t.minute == 0 ? std::to_string(g) : std::to_string(g) + ":" + two(t.minute); };
    auto a = [&]() { return std::string(t.hour > 11 ? "p.m." : "a.m."); };
    switch (c) {
      case 'a': return a();
      case 'A': return std::string(t.hour > 11 ? "PM" : "AM");
      case 'e': {
        if (!s.is_datetime || !s.aware) return std::string();
        auto tv = tz_view(s);
        return tv ? tv->name : std::string();
      }
      case 'f': return f();
      case 'g': return std::to_string(g);
      case 'G': return std::to_string(t.hour);
      case 'h': return two(g);
      case 'H': return two(t.hour);
      case 'i': return two(t.minute);
      case 'O': {
        auto tv = tz_view(s);
        return tv ? offset_hhmm(tv->offset) : std::string();
      }
      case 'P':
        if (t.minute == 0 && t.hour == 0) return std::string("midnight");
        if (t.minute == 0 && t.hour == 12) return std::string("noon");
        return f() + " " + a();
      case 's': return two(t.second);
      case 'T': {
        auto tv = tz_view(s);
        return tv ? tv->name : std::string();
      }
      case 'u': {
        char b[16];
        std::snprintf(b, sizeof b, "%06d", t.microsecond);
        return std::string(b);
      }
      case 'Z': {
        auto tv = tz_view(s);
        return tv ? std::to_string(tv->offset) : std::string();
      }
    }
  }
  if (!s.has_date) return std::nullopt;
  int wd = weekday(d);
  switch (c) {
    case 'b': return std::string(kMonths3[d.month - 1]);
    case 'c': return iso(s);
    case 'd': return two(d.day);
    case 'D': return std::string(kWeekdaysAbbr[wd]);
    case 'E':
    case 'F': return std::string(kMonths[d.month - 1]);
    case 'I': {
      auto tv = tz_view(s);
      return tv ? std::string(tv->dst ? "1" : "0") : std::string();
    }
    case 'j': return std::to_string(d.day);
    case 'l': return std::string(kWeekdays[wd]);
    case 'L': return std::string(is_leap(d.year) ? "True" : "False");
    case 'm': return two(d.month);
    case 'M': {
      std::string m = kMonths3[d.month - 1];
      m[0] = static_cast<char>(m[0] - 32);
      return m;
    }
    case 'n': return std::to_string(d.month);
    case 'N': return std::string(kMonthsAP[d.month - 1]);
    case 'o': return std::to_string(iso_calendar(d).first);
    case 'r': {
      std::int32_t off = 0;
      if (auto tv = tz_view(s)) off = tv->offset;
      char b[64];
      std::snprintf(b, sizeof b, "%s, %02d %s %04d %02d:%02d:%02d %s", kWeekdaysAbbr[wd], d.day,
                    std::string(kMonths[d.month - 1]).substr(0, 3).c_str(), d.year, t.hour, t.minute, t.second,
                    offset_hhmm(off).c_str());
      return std::string(b);
    }
    case 'S':
      if (d.day == 11 || d.day == 12 || d.day == 13) return std::string("th");
      if (d.day % 10 == 1) return std::string("st");
      if (d.day % 10 == 2) return std::string("nd");
      if (d.day % 10 == 3) return std::string("rd");
      return std::string("th");
    case 't': return two(days_in_month(d.year, d.month));
    case 'U': {
      std::int64_t local = days_from_civil(d.year, d.month, d.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
      if (s.aware) return std::to_string(local - s.offset);
      const TimeZone* tz = s.default_tz ? s.default_tz : TimeZone::locate("UTC");
      return std::to_string(local - tz->at_local(local).offset);
    }
    case 'w': return std::to_string((wd + 1) % 7);
    case 'W': return std::to_string(iso_calendar(d).second);
    case 'y': return two(((d.year % 100) + 100) % 100);
    case 'Y': return std::to_string(d.year);
    case 'z': return std::to_string(days_from_civil(d.year, d.month, d.day) - days_from_civil(d.year, 1, 1) + 1);
  }
  return std::nullopt;
}

std::optional<std::string> run(std::string_view fmt, const Subject& s, bool date_only_check) {
  std::string out, piece;
  auto flush = [&]() {
    // re_escaped: \\(.) -> \1
    for (std::size_t i = 0; i < piece.size(); ++i) {
      if (piece[i] == '\\' && i + 1 < piece.size() && piece[i + 1] != '\n') {
        out += piece[++i];
      } else {
        out += piece[i];
      }
    }
    piece.clear();
  };
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (is_format_char(c) && (i == 0 || fmt[i - 1] != '\\')) {
      flush();
      if (date_only_check && (is_time_char(c) || c == 'r'))
        throw RenderError("TypeError",
                          "The format for date objects may not contain time-related format specifiers (found '" +
                              std::string(1, c) + "').");
      auto r = format_char(c, s);
      if (!r) return std::nullopt;
      out += *r;
    } else {
      piece += c;
    }
  }
  flush();
  return out;
}

Subject subject_of(const Value& v, const TimeZone* current) {
  Subject s;
  s.default_tz = current;
  if (v.is_date()) {
    s.has_date = true;
    s.date = v.as_date();
  } else if (v.is_datetime()) {
    const auto& dt = v.as_datetime();
    s.has_date = s.has_time = s.is_datetime = true;
    s.date = dt.date;
    s.time = dt.time;
    s.aware = dt.aware;
    s.offset = dt.utc_offset;
    s.zone = dt.zone;
  } else if (v.is_time()) {
    s.has_time = true;
    s.time = v.as_time();
  }
  return s;
}

}  // namespace

std::string format_date(const Value& value, std::string_view fmt, const TimeZone* current) {
  Subject s = subject_of(value, current);
  auto r = run(fmt, s, value.is_date());
  return r ? *r : std::string();
}

std::string format_time(const Value& value, std::string_view fmt, const TimeZone* current) {
  Subject s = subject_of(value, current);
  s.has_date = false;  // TimeFormat has no date methods
  auto r = run(fmt, s, false);
  return r ? *r : std::string();
}

std::optional<std::string> timesince(const Value& dv, const std::optional<Value>& nowv, bool reversed,
                                     const TimeZone* current) {
  auto to_dt = [](const Value& v) -> std::optional<DateTime> {
    if (v.is_datetime()) return v.as_datetime();
    if (v.is_date()) {
      DateTime dt;
      dt.date = v.as_date();
      return dt;
    }
    return std::nullopt;
  };
  auto d = to_dt(dv);
  if (!d) return std::nullopt;
  DateTime n;
  if (nowv && nowv->truthy()) {
    auto x = to_dt(*nowv);
    if (!x) return std::nullopt;
    n = *x;
  } else {
    n = now(d->aware ? TimeZone::locate("UTC") : nullptr, current);
  }
  if (d->aware != n.aware) return std::nullopt;
  DateTime a = *d, b = n;
  if (reversed) std::swap(a, b);
  auto abs_us = [](const DateTime& x) {
    return (wall_seconds(x) - (x.aware ? x.utc_offset : 0)) * 1000000LL + x.time.microsecond;
  };
  std::int64_t delta_us = abs_us(b) - abs_us(a);
  // calendar.leapdays(a.year, b.year) adjustment
  auto leapdays = [](std::int64_t y1, std::int64_t y2) {
    --y1;
    --y2;
    auto f = [](std::int64_t y) { return y / 4 - y / 100 + y / 400; };
    return f(y2) - f(y1);
  };
  std::int64_t ld = leapdays(a.date.year, b.date.year);
  if (ld != 0) {
    if (is_leap(a.date.year)) --ld;
    else if (is_leap(b.date.year)) ++ld;
  }
  delta_us -= ld * 86400LL * 1000000LL;
  // since = delta.days * 86400 + delta.seconds (floor to whole seconds)
  std::int64_t since = delta_us >= 0 ? delta_us / 1000000 : -((-delta_us + 999999) / 1000000);
  const std::string nb = "\xc2\xa0";
  static const std::pair<std::int64_t, const char*> chunks[] = {
      {60LL * 60 * 24 * 365, "year"}, {60LL * 60 * 24 * 30, "month"}, {60LL * 60 * 24 * 7, "week"},
      {60LL * 60 * 24, "day"},        {60LL * 60, "hour"},            {60, "minute"}};
  if (since <= 0) return "0" + nb + "minutes";
  std::size_t i = 0;
  for (; i < 6; ++i)
    if (since / chunks[i].first != 0) break;
  if (i == 6) return "0" + nb + "minutes";
  std::string result;
  int depth = 0;
  while (i < 6 && depth < 2) {
    std::int64_t count = since / chunks[i].first;
    if (count == 0) break;
    if (!result.empty()) result += ", ";
    result += std::to_string(count) + nb + chunks[i].second + (count == 1 ? "" : "s");
    since -= chunks[i].first * count;
    ++depth;
    ++i;
  }
  return result;
}

}  // namespace dtl
