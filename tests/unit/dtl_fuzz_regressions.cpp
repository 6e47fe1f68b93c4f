// Inputs that fuzz_template (tests/fuzz) found crashing, kept as regression
// tests. Each failed under UBSan (or trapped) before its fix; the expected
// output is Django 3.2's for the same template and context.
#include <climits>

#include <catch2/catch.hpp>

#include "dtl/engine.hpp"
#include "dtl/errors.hpp"

namespace {

std::string render(const std::string& src) {
  dtl::Engine engine;
  auto t = engine.from_string(src);
  dtl::Context ctx({{"big", dtl::Value::integer(INT64_MAX)}, {"minint", dtl::Value::integer(INT64_MIN)}});
  engine.configure(ctx);
  return t->render(ctx);
}

}  // namespace

TEST_CASE("fuzz_template crash-5ac87ea4: integer add, divisibleby and filesizeformat at the int64 limits",
          "[dtl][fuzz]") {
  // dtl/filters_number.cpp: `add` overflowed int64 (signed overflow),
  // `divisibleby:-1` of INT64_MIN trapped (idiv overflow), filesizeformat
  // negated INT64_MIN. Python's ints do not overflow.
  CHECK(render("{{ big|add:1 }}") == "9223372036854775808");
  CHECK(render("{{ minint|add:-1 }}") == "-9223372036854775809");
  CHECK(render("{{ big|add:big }}") == "18446744073709551614");
  CHECK(render("{{ big|add:-1 }}") == "9223372036854775806");
  CHECK(render("{{ minint|divisibleby:-1 }}") == "True");
  CHECK(render("{{ minint|divisibleby:3 }}") == "False");
  CHECK(render("{{ minint|filesizeformat }}") == "-8192.0\xc2\xa0PB");
  CHECK(render("{{ big|filesizeformat }}") == "8192.0\xc2\xa0PB");
}

TEST_CASE("fuzz_template crash-756bbcee: ljust, rjust and center to a width of 2**63-1", "[dtl][fuzz]") {
  // dtl/text.cpp: the padding was allocated whatever the width (ASan aborts on
  // a 9 EB request). Python raises MemoryError for such a width; so does mvt,
  // past 64 Mi characters of padding. Ordinary widths pad as before.
  for (const char* f : {"ljust", "rjust", "center"}) {
    try {
      render(std::string("{{ 'a'|") + f + ":big }}");
      FAIL("no MemoryError for " << f);
    } catch (const dtl::RenderError& e) {
      CHECK(e.error_class() == "MemoryError");
    }
  }
  CHECK(render(".{{ 'ab'|ljust:\"5\" }}.{{ 'ab'|rjust:5 }}.{{ 'ab'|center:5 }}.") == ".ab   .   ab.  ab .");  // Python's str.ljust, rjust, center
}
