#include "runserver/py_types.hpp"

#include <cctype>
#include <cstdio>

#include "dtl/decimal.hpp"
#include "runserver/field_values.hpp"

namespace mvt::runserver {

namespace {

constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000LL;

/// Python's normalisation: days (floor), 0 <= seconds < 86400, 0 <= microseconds < 10**6.
struct Parts {
  std::int64_t days, seconds, micro;
};
Parts parts(std::int64_t us) {
  std::int64_t days = us / kMicrosPerDay;
  if (us % kMicrosPerDay < 0) --days;
  std::int64_t rest = us - days * kMicrosPerDay;
  return {days, rest / 1000000, rest % 1000000};
}

/// repr(bytes), as Python writes it (b'\x0b]~4...').
std::string bytes_repr(const std::string& data) {
  char quote = data.find('\'') != std::string::npos && data.find('"') == std::string::npos ? '"' : '\'';
  std::string out = "b";
  out += quote;
  for (char ch : data) {
    auto c = static_cast<unsigned char>(ch);
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < ' ' || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + quote;
}

std::uint64_t hex_bits(const std::string& hex, std::size_t from, std::size_t count) {
  return std::stoull(hex.substr(from, count), nullptr, 16);
}

}  // namespace

// --- Timedelta ----------------------------------------------------------------

std::optional<dtl::Value> Timedelta::resolve(std::string_view name) const {
  Parts p = parts(us_);
  if (name == "days") return dtl::Value::integer(p.days);
  if (name == "seconds") return dtl::Value::integer(p.seconds);
  if (name == "microseconds") return dtl::Value::integer(p.micro);
  // A method: the template engine calls it.
  if (name == "total_seconds") return dtl::Value::real(static_cast<double>(us_) / 1e6);
  return std::nullopt;
}

std::string Timedelta::str() const { return format_duration(us_); }

std::string Timedelta::repr() const {
  Parts p = parts(us_);
  std::string args;
  auto add = [&](const char* name, std::int64_t v) {
    if (v) args += (args.empty() ? "" : ", ") + std::string(name) + "=" + std::to_string(v);
  };
  add("days", p.days);
  add("seconds", p.seconds);
  add("microseconds", p.micro);
  return "datetime.timedelta(" + (args.empty() ? "0" : args) + ")";
}

std::optional<bool> Timedelta::equals(const dtl::Value& other) const {
  const Timedelta* t = as_timedelta(other);
  return t && t->us_ == us_;
}

std::optional<int> Timedelta::compare(const dtl::Value& other) const {
  const Timedelta* t = as_timedelta(other);
  if (!t) return std::nullopt;
  return us_ < t->us_ ? -1 : us_ > t->us_ ? 1 : 0;
}

std::string duration_string(std::int64_t microseconds) {
  Parts p = parts(microseconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(p.seconds / 3600),
                static_cast<long long>(p.seconds / 60 % 60), static_cast<long long>(p.seconds % 60));
  std::string out = buf;
  if (p.days) out = std::to_string(p.days) + " " + out;
  if (p.micro) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(p.micro));
    out += buf;
  }
  return out;
}

// --- Uuid ---------------------------------------------------------------------

Uuid::Uuid(std::string hex) : hex_(std::move(hex)) {
  for (auto& c : hex_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::optional<dtl::Value> Uuid::resolve(std::string_view name) const {
  const std::uint64_t time_low = hex_bits(hex_, 0, 8), time_mid = hex_bits(hex_, 8, 4),
                      time_hi_version = hex_bits(hex_, 12, 4), clock_seq_hi_variant = hex_bits(hex_, 16, 2),
                      clock_seq_low = hex_bits(hex_, 18, 2), node = hex_bits(hex_, 20, 12);
  auto integer = [](std::uint64_t v) { return dtl::Value::integer(static_cast<std::int64_t>(v)); };
  if (name == "hex") return dtl::Value::string(hex_);
  if (name == "urn") return dtl::Value::string("urn:uuid:" + str());
  if (name == "int") {
    unsigned __int128 v = (static_cast<unsigned __int128>(hex_bits(hex_, 0, 16)) << 64) | hex_bits(hex_, 16, 16);
    std::string digits;
    do {
      digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    } while (v);
    // Python's int has no bound; a Decimal prints the same digits.
    if (auto d = dtl::Decimal::parse(digits)) return dtl::Value::decimal(*d);
    return dtl::Value::string(digits);
  }
  // uuid.UUID.variant: the top bits of clock_seq_hi_variant.
  const char* variant = !(clock_seq_hi_variant & 0x80)   ? "reserved for NCS compatibility"
                        : !(clock_seq_hi_variant & 0x40) ? "specified in RFC 4122"
                        : !(clock_seq_hi_variant & 0x20) ? "reserved for Microsoft compatibility"
                                                         : "reserved for future definition";
  if (name == "variant") return dtl::Value::string(variant);
  if (name == "version") {
    if ((clock_seq_hi_variant & 0xc0) != 0x80) return dtl::Value::none();  // only RFC 4122 UUIDs have one
    return integer(time_hi_version >> 12);
  }
  if (name == "time_low") return integer(time_low);
  if (name == "time_mid") return integer(time_mid);
  if (name == "time_hi_version") return integer(time_hi_version);
  if (name == "clock_seq_hi_variant") return integer(clock_seq_hi_variant);
  if (name == "clock_seq_low") return integer(clock_seq_low);
  if (name == "node") return integer(node);
  if (name == "time") return integer(((time_hi_version & 0x0fff) << 48) | (time_mid << 32) | time_low);
  if (name == "clock_seq") return integer(((clock_seq_hi_variant & 0x3f) << 8) | clock_seq_low);
  if (name == "fields")
    return dtl::Value::list({integer(time_low), integer(time_mid), integer(time_hi_version),
                             integer(clock_seq_hi_variant), integer(clock_seq_low), integer(node)},
                            true);
  if (name == "bytes" || name == "bytes_le") {
    std::string bytes;
    for (std::size_t i = 0; i < 32; i += 2) bytes += static_cast<char>(hex_bits(hex_, i, 2));
    if (name == "bytes_le") {
      std::swap(bytes[0], bytes[3]);
      std::swap(bytes[1], bytes[2]);
      std::swap(bytes[4], bytes[5]);
      std::swap(bytes[6], bytes[7]);
    }
    return dtl::Value::string(bytes_repr(bytes));
  }
  if (name == "is_safe") return dtl::Value::string("SafeUUID.unknown");
  return std::nullopt;
}

std::string Uuid::str() const {
  return hex_.substr(0, 8) + "-" + hex_.substr(8, 4) + "-" + hex_.substr(12, 4) + "-" + hex_.substr(16, 4) + "-" +
         hex_.substr(20);
}

std::string Uuid::repr() const { return "UUID('" + str() + "')"; }

std::optional<bool> Uuid::equals(const dtl::Value& other) const {
  const Uuid* u = as_uuid(other);
  return u && u->hex_ == hex_;
}

std::optional<int> Uuid::compare(const dtl::Value& other) const {
  const Uuid* u = as_uuid(other);
  if (!u) return std::nullopt;
  int c = hex_.compare(u->hex_);  // fixed-width lowercase hex: the order of .int
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// --- helpers --------------------------------------------------------------------

dtl::Value timedelta_value(std::int64_t microseconds) {
  return dtl::Value::object(std::make_shared<Timedelta>(microseconds));
}

std::optional<dtl::Value> uuid_value(const std::string& hex) {
  if (hex.size() != 32) return std::nullopt;
  for (char c : hex)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return dtl::Value::object(std::make_shared<Uuid>(hex));
}

const Timedelta* as_timedelta(const dtl::Value& v) {
  return v.is_object() ? dynamic_cast<const Timedelta*>(&v.as_object()) : nullptr;
}

const Uuid* as_uuid(const dtl::Value& v) {
  return v.is_object() ? dynamic_cast<const Uuid*>(&v.as_object()) : nullptr;
}

}  // namespace mvt::runserver
