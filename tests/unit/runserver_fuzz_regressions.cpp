// Inputs that fuzz_http_request (tests/fuzz) found crashing, kept as
// regression tests. Each crashed the server before its fix.
#include <catch2/catch.hpp>

#include "runserver/field_values.hpp"
#include "runserver/http_request.hpp"

using namespace mvt;
using namespace mvt::runserver;

namespace {

models::FieldDef field(models::FieldType type) {
  models::FieldDef f;
  f.name = "f";
  f.type = type;
  return f;
}

}  // namespace

TEST_CASE("fuzz_http_request: a long form or JSON value overflowed the stack in std::regex",
          "[runserver][fuzz]") {
  // libstdc++'s std::regex recurses once per character: a 100 KB integer,
  // date or UUID value posted to a create view (form or JSON) crashed the
  // worker (stack-overflow). Such values are now scanned, or too long to be
  // valid before any regex sees them; the answers are Django's messages.
  const std::string digits(1000000, '7');
  CHECK(is_integer_text("-12"));
  CHECK(is_integer_text("+0"));
  CHECK(is_integer_text(digits));
  CHECK_FALSE(is_integer_text(""));
  CHECK_FALSE(is_integer_text("-"));
  CHECK_FALSE(is_integer_text("1.0"));
  CHECK_FALSE(is_integer_text(digits + "x"));

  ValueSettings settings;
  CHECK_THROWS_WITH(to_db_value(field(models::FieldType::IntegerField), dtl::Value::string(digits), settings),
                    "“" + digits + "” value must be an integer.");
  CHECK(to_db_value(field(models::FieldType::IntegerField), dtl::Value::string("-42"), settings).as_int() == -42);
  CHECK_THROWS_WITH(to_db_value(field(models::FieldType::DateField), dtl::Value::string(digits), settings),
                    "“" + digits + "” value has an invalid date format. It must be in YYYY-MM-DD format.");
  CHECK_THROWS_WITH(to_db_value(field(models::FieldType::UUIDField), dtl::Value::string(digits), settings),
                    "“" + digits + "” is not a valid UUID.");

  dtl::Date d;
  dtl::Time t;
  dtl::DateTime dt;
  CHECK_FALSE(parse_date_text(digits, d));
  CHECK_FALSE(parse_time_text(digits, t));
  CHECK_FALSE(parse_datetime_text(digits, dt));
  CHECK_FALSE(parse_datetime_text("2021-03-14 15:09:26" + std::string(100000, ' ') + "Z", dt));
  REQUIRE(parse_datetime_text("2021-03-14T15:09:26.123456789012+05:30", dt));
  CHECK(dt.time.microsecond == 123456);
  CHECK(dt.utc_offset == 19800);
  REQUIRE(parse_time_text("23:59:59.999999999999", t));
  CHECK(t.microsecond == 999999);
  REQUIRE(parse_date_text("2020-2-29", d));
  CHECK(d.day == 29);
}

TEST_CASE("fuzz_http_request crash-9be99b73: invalid UTF-8 in a form reached a JSON encoder (500)",
          "[runserver][fuzz]") {
  // A POST with bytes that are not UTF-8 made the create view throw
  // nlohmann's type_error 316 where it encodes values as JSON. Django's
  // QueryDict holds text decoded with errors='replace'; so does ours.
  auto q = QueryDict::parse("t%FFx=a%C3%A9%E2%82&b=\xF7z&ok=%C3%A9");
  REQUIRE(q.items().size() == 3);
  CHECK(q.items()[0].first == "t\xEF\xBF\xBDx");
  CHECK(q.items()[0].second == "a\xC3\xA9\xEF\xBF\xBD");
  CHECK(*q.get("b") == "\xEF\xBF\xBDz");
  CHECK(*q.get("ok") == "\xC3\xA9");
  CHECK(*QueryDict::parse("a=x+y%2B").get("a") == "x y+");
}
