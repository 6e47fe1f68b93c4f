#include "dtl/timezone.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include <date/tz.h>

namespace dtl {

const TimeZone* TimeZone::locate(const std::string& name) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<TimeZone>> zones;
  std::lock_guard<std::mutex> lock(m);
  auto it = zones.find(name);
  if (it != zones.end()) return it->second.get();
  const date::time_zone* z = nullptr;
  try {
    z = date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
  auto tz = std::unique_ptr<TimeZone>(new TimeZone(name, z));
  const TimeZone* p = tz.get();
  zones.emplace(name, std::move(tz));
  return p;
}

TimeZone::Info TimeZone::at_utc(std::int64_t s) const {
  // The zone's rules hold over a range of instants [begin, end): the last
  // range looked up on this thread answers the next instants in it without
  // a search (a page lists many datetimes of the same few months).
  struct Last {
    const TimeZone* zone = nullptr;
    std::int64_t begin = 0, end = 0;
    Info info;
  };
  thread_local Last last;
  if (last.zone == this && s >= last.begin && s < last.end) return last.info;
  const auto* z = static_cast<const date::time_zone*>(zone_);
  auto info = z->get_info(date::sys_seconds{std::chrono::seconds{s}});
  last.zone = this;
  last.begin = info.begin.time_since_epoch().count();
  last.end = info.end.time_since_epoch().count();
  last.info = Info{static_cast<std::int32_t>(info.offset.count()), info.save.count() != 0, info.abbrev};
  return last.info;
}

TimeZone::Info TimeZone::at_local(std::int64_t s) const {
  const auto* z = static_cast<const date::time_zone*>(zone_);
  auto li = z->get_info(date::local_seconds{std::chrono::seconds{s}});
  const auto& info = li.result == date::local_info::nonexistent ? li.second : li.first;
  return Info{static_cast<std::int32_t>(info.offset.count()), info.save.count() != 0, info.abbrev};
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  Date out;
  out.year = static_cast<std::int32_t>(y + (m <= 2));
  out.month = static_cast<std::uint8_t>(m);
  out.day = static_cast<std::uint8_t>(d);
  return out;
}

std::int64_t wall_seconds(const DateTime& dt) {
  return days_from_civil(dt.date.year, dt.date.month, dt.date.day) * 86400 + dt.time.hour * 3600 +
         dt.time.minute * 60 + dt.time.second;
}

namespace {
DateTime from_wall(std::int64_t s, std::int32_t us) {
  std::int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  std::int64_t rem = s - days * 86400;
  DateTime dt;
  dt.date = civil_from_days(days);
  dt.time.hour = static_cast<std::uint8_t>(rem / 3600);
  dt.time.minute = static_cast<std::uint8_t>((rem / 60) % 60);
  dt.time.second = static_cast<std::uint8_t>(rem % 60);
  dt.time.microsecond = us;
  return dt;
}
}  // namespace

DateTime localtime(const DateTime& aware, const TimeZone* tz) {
  if (!aware.aware || !tz) return aware;
  std::int64_t utc = wall_seconds(aware) - aware.utc_offset;
  auto info = tz->at_utc(utc);
  // Same offset (UTC stored and shown in UTC, the usual case): the wall time
  // stays; only the zone is attached. No calendar conversion.
  DateTime out = info.offset == aware.utc_offset ? aware : from_wall(utc + info.offset, aware.time.microsecond);
  out.aware = true;
  out.utc_offset = info.offset;
  out.zone = tz;
  return out;
}

DateTime now(const TimeZone* aware_zone, const TimeZone* naive_zone) {
  auto tp = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(tp.time_since_epoch()).count();
  std::int64_t s = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
  auto frac = static_cast<std::int32_t>(us - s * 1000000);
  if (aware_zone) {
    auto info = aware_zone->at_utc(s);
    DateTime out = from_wall(s + info.offset, frac);
    out.aware = true;
    out.utc_offset = info.offset;
    out.zone = aware_zone;
    return out;
  }
  std::int32_t off = naive_zone ? naive_zone->at_utc(s).offset : 0;
  return from_wall(s + off, frac);
}

int weekday(const Date& d) {
  std::int64_t days = days_from_civil(d.year, d.month, d.day);
  // 1970-01-01 was a Thursday (3 with Monday = 0)
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t y, unsigned m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

}  // namespace dtl
