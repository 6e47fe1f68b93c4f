// Port of django/utils/dateformat.py (DateFormat, TimeFormat) and
// django/utils/timesince.py.
#include "dtl/dateformat.hpp"

#include <cstdio>

#include "dtl/errors.hpp"
#include "dtl/text.hpp"
#include "dtl/timezone.hpp"

namespace dtl {

namespace {

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kMonths3[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::string_view kMonthsAP[] = {"Jan.", "Feb.", "March", "April", "May",  "June",
                                          "July", "Aug.", "Sept.", "Oct.",  "Nov.", "Dec."};
const char* const kWeekdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
const char* const kWeekdaysAbbr[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// Lookup tables for the format characters (a per-character string search
// showed up in the blog benchmark's profile).
struct CharTable {
  bool v[256] = {};
  explicit constexpr CharTable(const char* chars) {
    for (; *chars; ++chars) v[static_cast<unsigned char>(*chars)] = true;
  }
  constexpr bool operator()(char c) const { return v[static_cast<unsigned char>(c)]; }
};
constexpr CharTable is_format_char("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ");
constexpr CharTable is_time_char("aAefgGhHiOPsTuZ");

void append_two(std::string& out, int v) {
  if (v >= 0 && v < 100) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
    return;
  }
  char b[16];
  int n = std::snprintf(b, sizeof b, "%02d", v);
  out.append(b, static_cast<std::size_t>(n));
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

// Appends one format character's text to out; false when the formatter has
// no such method (AttributeError).
bool format_char(char c, const Subject& s, std::string& out) {
  const Date& d = s.date;
  const Time& t = s.time;
  if (is_time_char(c)) {
    if (!s.has_time) return false;
    int g = t.hour % 12 == 0 ? 12 : t.hour % 12;
    auto f = [&]() {
      append_int(out, g);
      if (t.minute != 0) {
        out += ':';
        append_two(out, t.minute);
      }
    };
    auto a = [&]() { out += t.hour > 11 ? std::string_view("p.m.") : std::string_view("a.m."); };
    switch (c) {
      case 'a': a(); return true;
      case 'A': out += t.hour > 11 ? "PM" : "AM"; return true;
      case 'e': {
        if (!s.is_datetime || !s.aware) return true;
        auto tv = tz_view(s);
        out += tv ? tv->name : std::string();
        return true;
      }
      case 'f': f(); return true;
      case 'g': append_int(out, g); return true;
      case 'G': append_int(out, t.hour); return true;
      case 'h': append_two(out, g); return true;
      case 'H': append_two(out, t.hour); return true;
      case 'i': append_two(out, t.minute); return true;
      case 'O': {
        auto tv = tz_view(s);
        out += tv ? offset_hhmm(tv->offset) : std::string();
        return true;
      }
      case 'P':
        if (t.minute == 0 && t.hour == 0) {
          out += "midnight";
          return true;
        }
        if (t.minute == 0 && t.hour == 12) {
          out += "noon";
          return true;
        }
        f();
        out += ' ';
        a();
        return true;
      case 's': append_two(out, t.second); return true;
      case 'T': {
        auto tv = tz_view(s);
        out += tv ? tv->name : std::string();
        return true;
      }
      case 'u': {
        char b[16];
        std::snprintf(b, sizeof b, "%06d", t.microsecond);
        out += std::string(b);
        return true;
      }
      case 'Z': {
        auto tv = tz_view(s);
        out += tv ? std::to_string(tv->offset) : std::string();
        return true;
      }
    }
  }
  if (!s.has_date) return false;
  auto wd = [&]() { return weekday(d); };
  switch (c) {
    case 'b': out += kMonths3[d.month - 1]; return true;
    case 'c': out += iso(s); return true;
    case 'd': append_two(out, d.day); return true;
    case 'D': out += kWeekdaysAbbr[wd()]; return true;
    case 'E':
    case 'F': out += kMonths[d.month - 1]; return true;
    case 'I': {
      auto tv = tz_view(s);
      out += tv ? std::string(tv->dst ? "1" : "0") : std::string();
      return true;
    }
    case 'j': append_int(out, d.day); return true;
    case 'l': out += kWeekdays[wd()]; return true;
    case 'L': out += is_leap(d.year) ? "True" : "False"; return true;
    case 'm': append_two(out, d.month); return true;
    case 'M': {
      std::string m = kMonths3[d.month - 1];
      m[0] = static_cast<char>(m[0] - 32);
      out += m;
      return true;
    }
    case 'n': append_int(out, d.month); return true;
    case 'N': out += kMonthsAP[d.month - 1]; return true;
    case 'o': out += std::to_string(iso_calendar(d).first); return true;
    case 'r': {
      std::int32_t off = 0;
      if (auto tv = tz_view(s)) off = tv->offset;
      char b[64];
      std::snprintf(b, sizeof b, "%s, %02d %s %04d %02d:%02d:%02d %s", kWeekdaysAbbr[wd()], d.day,
                    std::string(kMonths[d.month - 1]).substr(0, 3).c_str(), d.year, t.hour, t.minute, t.second,
                    offset_hhmm(off).c_str());
      out += std::string(b);
      return true;
    }
    case 'S':
      if (d.day == 11 || d.day == 12 || d.day == 13) out += "th";
      else if (d.day % 10 == 1) out += "st";
      else if (d.day % 10 == 2) out += "nd";
      else if (d.day % 10 == 3) out += "rd";
      else out += "th";
      return true;
    case 't': append_two(out, days_in_month(d.year, d.month)); return true;
    case 'U': {
      std::int64_t local = days_from_civil(d.year, d.month, d.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
      if (s.aware) {
        append_int(out, local - s.offset);
        return true;
      }
      const TimeZone* tz = s.default_tz ? s.default_tz : TimeZone::locate("UTC");
      append_int(out, local - tz->at_local(local).offset);
      return true;
    }
    case 'w': out += std::to_string((wd() + 1) % 7); return true;
    case 'W': out += std::to_string(iso_calendar(d).second); return true;
    case 'y': append_two(out, ((d.year % 100) + 100) % 100); return true;
    case 'Y': append_int(out, d.year); return true;
    case 'z': out += std::to_string(days_from_civil(d.year, d.month, d.day) - days_from_civil(d.year, 1, 1) + 1); return true;
  }
  return false;
}

bool run(std::string_view fmt, const Subject& s, bool date_only_check, std::string& out) {
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (is_format_char(c) && (i == 0 || fmt[i - 1] != '\\')) {
      if (date_only_check && (is_time_char(c) || c == 'r'))
        throw RenderError("TypeError",
                          "The format for date objects may not contain time-related format specifiers (found '" +
                              std::string(1, c) + "').");
      if (!format_char(c, s, out)) return false;
    } else if (c == '\\' && i + 1 < fmt.size() && fmt[i + 1] != '\n') {
      // re_escaped: \\(.) -> \1 (the escaped character is copied as is).
      out += fmt[++i];
    } else {
      out += c;
    }
  }
  return true;
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

void append_format_date(std::string& out, const Value& value, std::string_view fmt, const TimeZone* current) {
  Subject s = subject_of(value, current);
  std::size_t mark = out.size();
  if (!run(fmt, s, value.is_date(), out)) out.resize(mark);
}

std::string format_date(const Value& value, std::string_view fmt, const TimeZone* current) {
  std::string out;
  append_format_date(out, value, fmt, current);
  return out;
}

void append_format_time(std::string& out, const Value& value, std::string_view fmt, const TimeZone* current) {
  Subject s = subject_of(value, current);
  s.has_date = false;  // TimeFormat has no date methods
  std::size_t mark = out.size();
  if (!run(fmt, s, false, out)) out.resize(mark);
}

std::string format_time(const Value& value, std::string_view fmt, const TimeZone* current) {
  std::string out;
  append_format_time(out, value, fmt, current);
  return out;
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
