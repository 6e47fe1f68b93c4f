// fuzz-links: dtl
// libFuzzer target for the template engine (dtl/): the input is a template
// source, lexed, parsed and rendered through an Engine whose in-memory
// loader also holds it as "input.html" (so `{% include "input.html" %}` and
// `{% extends %}` recursion are reachable), beside "base.html" and
// "inc.html". The context holds the value kinds views give templates:
// strings (one with HTML, one safe), integers, a float, a decimal, lists,
// dicts, None, booleans, a date and an aware datetime.
//
// Django's own errors are expected results: TemplateSyntaxError for bad
// templates, TemplateDoesNotExist, RenderError (ValueError, TypeError...)
// from filters. Anything else — another exception, a crash, a sanitizer
// report, a hang — is a finding.
//
// Inputs that make Django itself exhaust memory or time (a width of a
// billion for ljust, loops nested a dozen deep, strings doubled by `add`
// in nested withs, a template including itself twice) are skipped: they
// are the template author's doing, not a bug, and would only drown real
// findings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dtl/engine.hpp"
#include "dtl/errors.hpp"

namespace {

/// Whether the source may need more than a bounded amount of work for
/// reasons Django shares (see the note above).
bool unbounded(std::string_view src) {
  std::size_t digits = 0;
  for (char c : src) {
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits > 6) return true;  // widths / counts of a million and more
  }
  auto count = [&](std::string_view word) {
    std::size_t n = 0;
    for (auto p = src.find(word); p != std::string_view::npos; p = src.find(word, p + 1)) ++n;
    return n;
  };
  // The template including itself twice recurses as a binary tree down to
  // the include depth limit: 2^100 renders, in Django as here.
  if (count("input.html") > 1) return true;
  // Loops multiply, `with`/`add`/`join`/`ljust`... grow strings: bound how
  // many can nest. Each word costs at most a small factor.
  return count("for") + count("with") + count("add") + count("join") + count("cycle") + count("include") +
             count("extends") + count("block") + count("lorem") + count("just") + count("center") >
         12;
}

dtl::Context::Items context() {
  using dtl::Value;
  dtl::DateTime dt;
  dt.date = {2021, 3, 14};
  dt.time = {15, 9, 26, 535897};
  dt.aware = true;
  return {
      {"s", Value::string("hello <b>world</b> & 'quotes' \"too\"")},
      {"a", Value::string("<a>'")},  // the names Django's template tests use
      {"b", Value::safe("<a>'")},
      {"var", Value::string("x&y")},
      {"safe", Value::safe("<em>safe</em>")},
      {"empty", Value::string("")},
      {"uni", Value::string("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")},
      {"n", Value::integer(42)},
      {"neg", Value::integer(-7)},
      {"big", Value::integer(INT64_MAX)},
      {"minint", Value::integer(INT64_MIN)},
      {"f", Value::real(3.14159)},
      {"d", Value::decimal(*dtl::Decimal::parse("1234.5678"))},
      {"t", Value::boolean(true)},
      {"no", Value::none()},
      {"l", Value::list({Value::integer(3), Value::string("b<"), Value::none()})},
      {"nested", Value::list({Value::list({Value::integer(1), Value::integer(2)}),
                              Value::list({Value::string("x"), Value::string("y")})})},
      {"dicts", Value::list({Value::map({{"name", Value::string("b")}, {"age", Value::integer(2)}}),
                             Value::map({{"name", Value::string("a")}, {"age", Value::integer(10)}})})},
      {"m", Value::map({{"k", Value::string("v")}, {"items", Value::integer(1)}, {"0", Value::string("zero")}})},
      {"date", Value::date({1999, 12, 31})},
      {"dt", Value::datetime(dt)},
  };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  if (unbounded(source)) return -1;  // not added to the corpus
  dtl::EngineOptions options;
  options.time_zone = "America/Chicago";
  options.use_tz = true;
  options.string_if_invalid = size % 2 ? "INVALID(%s)" : "";
  options.templates = {{"base.html", "B[{% block a %}base-a{% endblock %}|{% block b %}{{ s }}{% endblock %}]"},
                       {"inc.html", "<{{ x|default:n }}>"},
                       {"input.html", source}};
  dtl::Engine engine(options);
  try {
    auto t = engine.get_template("input.html");
    dtl::Context ctx(context());
    engine.configure(ctx);
    std::string out = t->render(ctx);
    (void)out;
  } catch (const dtl::TemplateError&) {
    // Django's TemplateSyntaxError, TemplateDoesNotExist, or a filter's
    // ValueError/TypeError...: an expected result.
  }
  return 0;
}
