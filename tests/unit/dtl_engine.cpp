// The engine's public API: runtime objects, request-scoped tags, libraries,
// loaders and their cache, error locations, recursion guards, value printing.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "dtl/engine.hpp"
#include "dtl/errors.hpp"
#include "dtl/parser.hpp"

namespace fs = std::filesystem;

namespace {

// A lazy queryset: runs its "query" only when iterated or counted.
class FakeQuerySet : public dtl::Object {
 public:
  mutable int queries = 0;
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "count") return dtl::Value::integer(static_cast<std::int64_t>(rows()->items.size()));
    if (name == "first") return rows()->items.front();
    if (name == "delete") return std::nullopt;  // alters_data: never called from templates
    return std::nullopt;
  }
  std::string str() const override { return "<QuerySet>"; }
  bool truthy() const override { return !rows()->items.empty(); }
  std::optional<std::size_t> length() const override { return rows()->items.size(); }
  std::optional<dtl::List> iterate() const override { return rows(); }

 private:
  dtl::List rows() const {
    if (!cache_) {
      ++queries;
      auto d = std::make_shared<dtl::ListData>();
      d->items = {dtl::Value::string("a<"), dtl::Value::string("b")};
      cache_ = d;
    }
    return cache_;
  }
  mutable dtl::List cache_;
};

class Form : public dtl::Object {
 public:
  std::optional<dtl::Value> resolve(std::string_view) const override { return std::nullopt; }
  std::string str() const override { return "<input name=\"x\">"; }
  bool is_html() const override { return true; }
};

std::string render(const dtl::Engine& e, const std::string& src, dtl::Context::Items vars = {}) {
  auto t = e.from_string(src);
  dtl::Context ctx(std::move(vars));
  e.configure(ctx);
  return t->render(ctx);
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("dtl-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
  }
  static inline int counter = 0;
};

}  // namespace

TEST_CASE("objects: lookups, laziness, html and alters_data", "[dtl][engine]") {
  dtl::EngineOptions o;
  o.string_if_invalid = "INVALID";
  dtl::Engine e(o);
  auto qs = std::make_shared<FakeQuerySet>();
  dtl::Context::Items vars{{"qs", dtl::Value::object(qs)}, {"form", dtl::Value::object(std::make_shared<Form>())}};
  CHECK(render(e, "{{ form }}", vars) == "<input name=\"x\">");
  CHECK(qs->queries == 0);
  CHECK(render(e, "{% for x in qs %}{{ x }}{% endfor %}|{{ qs.count }}|{{ qs.first }}|{{ qs.0 }}|{{ qs.delete }}", vars) ==
        "a&lt;b|2|a&lt;|INVALID|INVALID");
  CHECK(qs->queries == 1);
  CHECK(render(e, "{% if qs %}yes{% endif %}{{ qs|length }}", vars) == "yes2");
}

TEST_CASE("host data reaches simple tags and {% url %}", "[dtl][engine]") {
  auto lib = std::make_shared<dtl::Library>();
  lib->simple_tag("static", [](dtl::Context& ctx, const std::vector<dtl::Value>& args,
                               const std::vector<std::pair<std::string, dtl::Value>>&) {
    const std::string* prefix = ctx.host_data<std::string>("static_url");
    return dtl::Value::string((prefix ? *prefix : std::string()) + args.at(0).str());
  });
  lib->filter("shout", [](const dtl::Value& v, const dtl::Value*, dtl::FilterContext&) {
    return dtl::Value::string(v.str() + "!");
  }, dtl::FilterOptions{dtl::FilterArg::None, true});
  dtl::Engine e;
  e.add_library("static", lib);
  auto t = e.from_string("{% load static %}{% static 'a b.css' %}|{% static 'x' as u %}{{ u }}|{{ 'hi'|shout }}|"
                         "{% url 'blog:post' 5 slug='a&b' %}|{% url 'nope' as n %}[{{ n }}]");
  dtl::Context ctx;
  e.configure(ctx);
  ctx.set_host_data("static_url", std::string("/static/"));
  ctx.set_host_data("url_reverse", dtl::UrlReverser([](const std::string& name, const std::vector<dtl::Value>& args,
                                                       const std::vector<std::pair<std::string, dtl::Value>>& kw,
                                                       dtl::Context&) -> std::string {
    if (name != "blog:post") throw dtl::RenderError("NoReverseMatch", "Reverse for '" + name + "' not found.");
    return "/post/" + args.at(0).str() + "/" + kw.at(0).second.str() + "/";
  }));
  CHECK(t->render(ctx) == "/static/a b.css|/static/x|hi!|/post/5/a&amp;b/|[]");
  CHECK_THROWS_AS(render(e, "{% static 'x' %}"), dtl::TemplateSyntaxError);  // not loaded
  try {
    render(e, "{% load i18n %}");
    FAIL("expected an error");
  } catch (const dtl::TemplateSyntaxError& err) {
    CHECK(std::string(err.what()) == "'i18n' is not a registered tag library. Must be one of:\nstatic");
  }
  CHECK(render(e, "{% load shout from static %}{{ 'x'|shout }}") == "x!");
}

TEST_CASE("errors carry the template and line", "[dtl][engine]") {
  TempDir dir;
  dir.write("bad.html", "one\ntwo {% if x %}\nthree");
  dtl::EngineOptions o;
  o.dirs = {dir.path};
  dtl::Engine e(o);
  try {
    e.get_template("bad.html");
    FAIL("expected TemplateSyntaxError");
  } catch (const dtl::TemplateSyntaxError& err) {
    CHECK(std::string(err.what()) == "Unclosed tag on line 2: 'if'. Looking for one of: elif, else, endif.");
    CHECK(err.line == 2);
    CHECK(err.template_name == (dir.path / "bad.html").string());
  }
  try {
    e.get_template("missing.html");
    FAIL("expected TemplateDoesNotExist");
  } catch (const dtl::TemplateDoesNotExist& err) {
    CHECK(std::string(err.what()) == "missing.html");
    REQUIRE(err.tried.size() == 1);
    CHECK(err.tried[0].second == "Source does not exist");
  }
}

TEST_CASE("loaders: dirs before app dirs, cache re-parsed on change", "[dtl][engine]") {
  TempDir proj, app;
  app.write("blog/a.html", "app-a");
  app.write("blog/b.html", "app-b");
  proj.write("blog/a.html", "project-a {% include 'blog/b.html' %}");
  dtl::EngineOptions o;
  o.dirs = {proj.path};
  o.app_dirs = {app.path};
  dtl::Engine e(o);
  dtl::Context ctx;
  e.configure(ctx);
  CHECK(e.get_template("blog/a.html")->render(ctx) == "project-a app-b");
  auto first = e.get_template("blog/a.html");
  CHECK(first == e.get_template("blog/a.html"));  // cached
  proj.write("blog/a.html", "changed, longer text");
  fs::last_write_time(proj.path / "blog/a.html", fs::last_write_time(proj.path / "blog/a.html") + std::chrono::seconds(2));
  CHECK(e.get_template("blog/a.html")->render(ctx) == "changed, longer text");
  CHECK_THROWS_AS(e.get_template("../x.html"), dtl::TemplateDoesNotExist);
  CHECK(e.select_template({"nope.html", "blog/b.html"})->render(ctx) == "app-b");
}

TEST_CASE("recursion guards: extends and include", "[dtl][engine]") {
  dtl::EngineOptions o;
  o.templates = {{"self.html", "{% extends 'self.html' %}"}, {"loop.html", "x{% include 'loop.html' %}"}};
  dtl::Engine e(o);
  dtl::Context ctx;
  e.configure(ctx);
  CHECK_THROWS_AS(e.get_template("self.html")->render(ctx), dtl::TemplateDoesNotExist);
  try {
    e.get_template("loop.html")->render(ctx);
    FAIL("expected RecursionError");
  } catch (const dtl::TemplateError& err) {
    CHECK(err.error_class() == "RecursionError");
  }
}

TEST_CASE("templates render concurrently from one engine", "[dtl][engine]") {
  dtl::EngineOptions o;
  o.templates = {{"t.html", "{% for i in l %}{% cycle 'a' 'b' %}{{ i }}{% endfor %}"}};
  dtl::Engine e(o);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        dtl::Context ctx({{"l", dtl::Value::list({dtl::Value::integer(1), dtl::Value::integer(2)})}});
        e.configure(ctx);
        if (e.get_template("t.html")->render(ctx) == "a1b2") ++ok;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(ok == 800);
}

TEST_CASE("values print as Python prints them", "[dtl][value]") {
  CHECK(dtl::python_float_repr(1.0) == "1.0");
  CHECK(dtl::python_float_repr(1e16) == "1e+16");
  CHECK(dtl::python_float_repr(1e-5) == "1e-05");
  CHECK(dtl::python_float_repr(0.1) == "0.1");
  CHECK(dtl::python_float_repr(-1.5e300) == "-1.5e+300");
  CHECK(dtl::python_float_repr(1.0 / 0.0) == "inf");
  CHECK(dtl::Value::list({dtl::Value::string("it's"), dtl::Value(), dtl::Value::boolean(true)}).str() ==
        "[\"it's\", None, True]");
  CHECK(dtl::Value::list({dtl::Value::integer(1)}, true).str() == "(1,)");
  CHECK(dtl::Value::map({{"a", dtl::Value::real(2.0)}}).str() == "{'a': 2.0}");
  CHECK(dtl::Value::decimal(*dtl::Decimal::parse("12.50")).str() == "12.50");
  CHECK(dtl::Value::decimal(*dtl::Decimal::parse("1E+3")).repr() == "Decimal('1E+3')");
  CHECK(dtl::Decimal::parse("1.25")->quantize_half_up(-1).str() == "1.3");
  CHECK(dtl::equals(dtl::Value::integer(1), dtl::Value::real(1.0)));
  CHECK(dtl::equals(dtl::Value::boolean(true), dtl::Value::decimal(*dtl::Decimal::parse("1.00"))));
  CHECK_FALSE(dtl::compare(dtl::Value::integer(1), dtl::Value::string("1")).has_value());
  dtl::DateTime dt;
  dt.date = {2026, 11, 21};
  dt.time = {7, 18, 3, 0};
  dt.aware = true;
  CHECK(dtl::Value::datetime(dt).str() == "2026-11-21 07:18:03+00:00");
}

TEST_CASE("aware datetimes show in TIME_ZONE when use_tz", "[dtl][engine]") {
  dtl::EngineOptions o;
  o.use_tz = true;
  o.time_zone = "Europe/Paris";
  dtl::Engine e(o);
  dtl::DateTime dt;
  dt.date = {2026, 7, 1};
  dt.time = {10, 0, 0, 0};
  dt.aware = true;
  CHECK(render(e, "{{ dt }}|{{ dt|date:'H:i T O e' }}", {{"dt", dtl::Value::datetime(dt)}}) ==
        "July 1, 2026, noon|12:00 CEST +0200 CEST");
  CHECK_THROWS_AS(dtl::Engine([] {
    dtl::EngineOptions bad;
    bad.time_zone = "Mars/Olympus";
    return bad;
  }()), std::invalid_argument);
}

TEST_CASE("lexer and smart_split follow Django", "[dtl][parser]") {
  auto toks = dtl::tokenize("a{{ b }}{% c d %}{# e #}{{ f\n}}");
  REQUIRE(toks.size() == 5);
  CHECK(toks[1].type == dtl::TokenType::Var);
  CHECK(toks[1].contents == "b");
  CHECK(toks[2].contents == "c d");
  CHECK(toks[3].type == dtl::TokenType::Comment);
  CHECK(toks[4].type == dtl::TokenType::Text);  // tags never span lines
  CHECK(dtl::smart_split(R"(This is "a person\'s" test.)") ==
        std::vector<std::string>{"This", "is", R"("a person\'s")", "test."});
}

TEST_CASE("printed dates and times are escaped through what their format writes literally", "[dtl][engine]") {
  // render_value_in_context checks the format, not the text, for a character
  // to escape: the format characters write none.
  dtl::EngineOptions o;
  o.datetime_format = "\\<Y\\> N j, P \\&";
  o.date_format = "D, j M Y 'y'";
  o.time_format = "H:i";
  dtl::Engine e(o);
  dtl::DateTime dt;
  dt.date = {2026, 11, 28};
  dt.time = {7, 18, 3, 0};
  dtl::Context::Items vars{{"dt", dtl::Value::datetime(dt)},
                           {"d", dtl::Value::date(dt.date)},
                           {"t", dtl::Value::time(dt.time)},
                           {"n", dtl::Value::integer(-42)},
                           {"b", dtl::Value::boolean(true)}};
  CHECK(render(e, "{{ dt }}|{{ d }}|{{ t }}|{{ n }}|{{ b }}", vars) ==
        "&lt;2026&gt; Nov. 28, 7:18 a.m. &amp;|Sat, 28 Nov 2026 &#x27;26&#x27;|07:18|-42|True");
  CHECK(render(e, "{% autoescape off %}{{ dt }}|{{ d }}{% endautoescape %}", vars) ==
        "<2026> Nov. 28, 7:18 a.m. &|Sat, 28 Nov 2026 '26'");
}
