#pragma once
// django.utils.dateformat (DateFormat / TimeFormat) and timesince: PHP-style
// format strings ("N j, Y, P") over dates, times and datetimes, with every
// format character of Django 3.2.
#include <optional>
#include <string>
#include <string_view>

#include "dtl/value.hpp"

namespace dtl {

class TimeZone;

/// dateformat.format(value, fmt) for a date or datetime. `current` is the
/// current time zone (for naive datetimes' e/O/T/Z/I when use_tz, as Django's
/// DateFormat uses get_default_timezone()); nullptr when USE_TZ is off.
/// Throws RenderError(TypeError) for time-only characters on a date
/// ("The format for date objects may not contain time-related format
/// specifiers (found 'a')."). value must be a date or datetime.
std::string format_date(const Value& value, std::string_view fmt, const TimeZone* current);
/// format_date appending to out (nothing appended when Django's formatter
/// would fail): no temporary strings, for the hot path of `{{ value }}`.
void append_format_date(std::string& out, const Value& value, std::string_view fmt, const TimeZone* current);
/// dateformat.time_format(value, fmt) for a time or datetime (date
/// characters give ''... as Django's TimeFormat, which only knows time ones).
std::string format_time(const Value& value, std::string_view fmt, const TimeZone* current);
/// format_time appending to out.
void append_format_time(std::string& out, const Value& value, std::string_view fmt, const TimeZone* current);

/// django.utils.timesince.timesince(d, now, reversed): "2 days, 3 hours".
/// `now` nullopt = the current time. nullopt result: Python would raise
/// TypeError (mixing naive and aware).
std::optional<std::string> timesince(const Value& d, const std::optional<Value>& now, bool reversed,
                                     const TimeZone* current);

}  // namespace dtl
