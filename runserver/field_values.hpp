#pragma once
// Converting field values between the database, templates and text, as
// Django's model fields do (from_db_value / to_python / get_db_prep_value)
// with the SQLite backend's storage formats (SPEC §2): datetimes as UTC text
// when USE_TZ, booleans 0/1, UUIDs as 32 hex digits, decimals quantized to
// decimal_places on read, durations as microseconds, JSON as text.
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/models_fields.hpp"
#include "core/models_value.hpp"
#include "db/sql_value.hpp"
#include "dtl/value.hpp"
#include "runserver/data_session.hpp"

namespace mvt::runserver {

/// A value a field cannot take (Django's ValidationError raised by a model
/// field's to_python); the message is Django's, e.g.
/// "“abc” value must be an integer."
class FieldValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The template value of a stored column value (NULL → None). With `owner`
/// (whatever keeps `v` alive and unchanged, e.g. the result batch holding the
/// row), a str value shares the text of `v` instead of copying it.
dtl::Value from_db_value(const models::FieldDef& field, const db::SqlValue& v, const ValueSettings& s,
                         std::shared_ptr<const void> owner = nullptr);

/// The stored form of a template/Python-level value for the field
/// (to_python + get_db_prep_value); None → NULL. Strings are parsed as the
/// field's type (dates "YYYY-MM-DD", datetimes ISO 8601, "true"/"1"...).
/// A naive datetime is taken in TIME_ZONE when USE_TZ, as Django does.
/// Throws FieldValueError with Django's message.
db::SqlValue to_db_value(const models::FieldDef& field, const dtl::Value& v, const ValueSettings& s);

/// A models::Value (YAML option values, defaults) as a template value.
dtl::Value model_value_to_dtl(const models::Value& v);

/// The value as JSON for `format: json` (Django REST framework's defaults:
/// datetimes ISO 8601, decimals as strings, UUIDs dashed), serialised.
std::string to_json_text(const dtl::Value& v);

/// Whether text is `[+-]?[0-9]+`. A scan, not std::regex: libstdc++'s
/// std::regex recurses once per character, so a long form or JSON value
/// overflowed a worker's stack (found by fuzz_http_request). The other
/// patterns of the request path only see text bounded in length first.
bool is_integer_text(std::string_view text);

/// Parses Django's parse_datetime / parse_date / parse_time formats;
/// false when the text does not match (the regexes only see text short
/// enough for a valid value).
bool parse_datetime_text(const std::string& text, dtl::DateTime& out);
bool parse_date_text(const std::string& text, dtl::Date& out);
bool parse_time_text(const std::string& text, dtl::Time& out);

/// "YYYY-MM-DD HH:MM:SS[.ffffff]", as Django's SQLite backend stores datetimes.
std::string format_db_datetime(const dtl::DateTime& dt);
/// ISO 8601 as DRF renders it ("2026-11-21T07:18:03Z", "+01:00" offsets).
std::string format_iso_datetime(const dtl::DateTime& dt);

/// str(datetime.timedelta(microseconds=us)): "1 day, 2:03:04.000005".
std::string format_duration(std::int64_t microseconds);

}  // namespace mvt::runserver
