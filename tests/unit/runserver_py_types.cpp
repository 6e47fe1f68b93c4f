// uuid.UUID and datetime.timedelta template values against Python 3's
// outputs (written out from /usr/bin/python3 and django.utils.duration).
#include <catch2/catch.hpp>

#include "runserver/field_values.hpp"
#include "runserver/py_types.hpp"

using namespace mvt::runserver;

namespace {

std::string attr(const dtl::Value& v, const char* name) { return v.as_object().resolve(name).value().str(); }

}  // namespace

TEST_CASE("timedelta str, repr, duration_string and attributes as Python's") {
  struct Row {
    std::int64_t us;
    const char *str, *duration, *repr, *days, *total;
  };
  for (const Row& r : std::vector<Row>{
           {-1, "-1 day, 23:59:59.999999", "-1 23:59:59.999999",
            "datetime.timedelta(days=-1, seconds=86399, microseconds=999999)", "-1", "-1e-06"},
           {(2LL * 86400 + 5) * 1000000, "2 days, 0:00:05", "2 00:00:05", "datetime.timedelta(days=2, seconds=5)", "2",
            "172805.0"},
           {-(3LL * 86400 + 4 * 3600) * 1000000, "-4 days, 20:00:00", "-4 20:00:00",
            "datetime.timedelta(days=-4, seconds=72000)", "-4", "-273600.0"},
           {0, "0:00:00", "00:00:00", "datetime.timedelta(0)", "0", "0.0"},
       }) {
    INFO(r.us);
    dtl::Value v = timedelta_value(r.us);
    CHECK(v.str() == r.str);
    CHECK(duration_string(r.us) == r.duration);
    CHECK(v.as_object().repr() == r.repr);
    CHECK(attr(v, "days") == r.days);
    CHECK(attr(v, "total_seconds") == r.total);
    CHECK(v.truthy() == (r.us != 0));
    CHECK(to_json_text(v) == std::string("\"") + r.duration + "\"");
  }
  CHECK(dtl::equals(timedelta_value(5), timedelta_value(5)));
  CHECK_FALSE(dtl::equals(timedelta_value(5), dtl::Value::integer(5)));
  CHECK(dtl::compare(timedelta_value(-5), timedelta_value(5)) == -1);
  CHECK_FALSE(dtl::compare(timedelta_value(5), dtl::Value::integer(5)));
}

TEST_CASE("UUID attributes as Python's uuid.UUID") {
  struct Row {
    const char *hex, *integer, *version, *variant, *bytes_le, *time, *clock_seq;
  };
  for (const Row& r : std::vector<Row>{
           {"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "340282366920938463463374607431768211455", "None",
            "reserved for future definition",
            "b'\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff'",
            "1152921504606846975", "16383"},
           {"00000000000000000000000000000005", "5", "None", "reserved for NCS compatibility",
            "b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x05'", "0", "0"},
           {"123e4567e89b12d3a456426614174000", "24249434048109030647017182301789831168", "1", "specified in RFC 4122",
            "b'gE>\\x12\\x9b\\xe8\\xd3\\x12\\xa4VBf\\x14\\x17@\\x00'", "203762160885450087", "9302"},
           {"0000000000000000c000000000000000", "13835058055282163712", "None", "reserved for Microsoft compatibility",
            "b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xc0\\x00\\x00\\x00\\x00\\x00\\x00\\x00'", "0", "0"},
       }) {
    INFO(r.hex);
    dtl::Value v = uuid_value(r.hex).value();
    CHECK(attr(v, "int") == r.integer);
    CHECK(attr(v, "version") == r.version);
    CHECK(attr(v, "variant") == r.variant);
    CHECK(attr(v, "bytes_le") == r.bytes_le);
    CHECK(attr(v, "time") == r.time);
    CHECK(attr(v, "clock_seq") == r.clock_seq);
  }
  dtl::Value u = uuid_value("123E4567E89B12D3A456426614174000").value();
  CHECK(u.str() == "123e4567-e89b-12d3-a456-426614174000");
  CHECK(attr(u, "hex") == "123e4567e89b12d3a456426614174000");
  CHECK(u.as_object().repr() == "UUID('123e4567-e89b-12d3-a456-426614174000')");
  CHECK(to_json_text(u) == "\"123e4567-e89b-12d3-a456-426614174000\"");
  CHECK(dtl::equals(u, uuid_value("123e4567e89b12d3a456426614174000").value()));
  CHECK_FALSE(dtl::equals(u, dtl::Value::string("123e4567-e89b-12d3-a456-426614174000")));
  CHECK(dtl::compare(uuid_value(std::string(32, '0')).value(), u) == -1);
  CHECK_FALSE(uuid_value("123e4567-e89b-12d3-a456-426614174000"));
  CHECK_FALSE(uuid_value("zz3e4567e89b12d3a456426614174000"));
}
