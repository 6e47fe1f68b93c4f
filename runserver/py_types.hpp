#pragma once
// Python's uuid.UUID and datetime.timedelta as template values: what a
// UUIDField and a DurationField hold in Django (their from_db_value), with
// the attributes templates can reach ({{ key.hex }}, {{ took.days }}), str(),
// repr(), truth value, equality and ordering as Python's.
#include <cstdint>
#include <optional>
#include <string>

#include "dtl/value.hpp"

namespace mvt::runserver {

/// datetime.timedelta, held as a count of microseconds.
class Timedelta : public dtl::Object {
 public:
  explicit Timedelta(std::int64_t microseconds) : us_(microseconds) {}
  std::int64_t microseconds() const { return us_; }
  /// days, seconds, microseconds (normalised as Python's: 0 <= seconds <
  /// 86400, 0 <= microseconds < 10**6) and total_seconds() (a float).
  std::optional<dtl::Value> resolve(std::string_view name) const override;
  /// str(timedelta): "1 day, 2:00:03.000004".
  std::string str() const override;
  /// repr(timedelta): "datetime.timedelta(days=1, seconds=7203, microseconds=4)".
  std::string repr() const override;
  bool truthy() const override { return us_ != 0; }
  std::optional<bool> equals(const dtl::Value& other) const override;
  std::optional<int> compare(const dtl::Value& other) const override;
  std::string type_name() const override { return "timedelta"; }

 private:
  std::int64_t us_;
};

/// uuid.UUID, held as 32 lowercase hex digits.
class Uuid : public dtl::Object {
 public:
  /// `hex`: 32 hex digits (either case).
  explicit Uuid(std::string hex);
  const std::string& hex() const { return hex_; }
  /// hex, int, urn, version, variant, fields, time_low, time_mid,
  /// time_hi_version, clock_seq_hi_variant, clock_seq_low, node, time,
  /// clock_seq, bytes, bytes_le, is_safe — as Python's uuid.UUID.
  std::optional<dtl::Value> resolve(std::string_view name) const override;
  /// str(uuid): the hyphenated form.
  std::string str() const override;
  /// repr(uuid): "UUID('0b5d7e34-...')".
  std::string repr() const override;
  std::optional<bool> equals(const dtl::Value& other) const override;
  std::optional<int> compare(const dtl::Value& other) const override;
  std::string type_name() const override { return "UUID"; }

 private:
  std::string hex_;
};

/// A DurationField's value: a Timedelta of `microseconds`.
dtl::Value timedelta_value(std::int64_t microseconds);
/// A UUIDField's value from 32 hex digits; nullopt when `hex` is not that.
std::optional<dtl::Value> uuid_value(const std::string& hex);
/// The Timedelta / Uuid a value holds; nullptr for any other value.
const Timedelta* as_timedelta(const dtl::Value& v);
const Uuid* as_uuid(const dtl::Value& v);

/// django.utils.duration.duration_string: "1 02:00:03.000004", "00:00:00"
/// (what Django REST framework's DurationField and Django's forms.DurationField
/// write).
std::string duration_string(std::int64_t microseconds);

}  // namespace mvt::runserver
