// Inputs that fuzz_settings and fuzz_models (tests/fuzz) found crashing, kept as regression
// tests. Each failed under AddressSanitizer before its fix; the assertions
// check the diagnostics the input must give instead.
#include <catch2/catch.hpp>

#include "core/models_load.hpp"
#include "core/settings.hpp"

using namespace mvt;

namespace {

std::optional<std::string> fuzz_env(const std::string& name) {
  if (name == "SET") return std::string("value");
  if (name == "EMPTY") return std::string();
  if (name == "BOOL") return std::string("true");
  return std::nullopt;
}

}  // namespace

TEST_CASE("fuzz_settings crash-6860c889: DATABASES entries read through a dangling iterator proxy",
          "[settings][fuzz]") {
  // core/settings.cpp bound `const YAML::Node& db = it->second`, a member of
  // the iterator's temporary proxy (stack-use-after-scope).
  const std::string input =
      "SECRET_KEY: \"${SET}\"\n"
      "DEBUG: \"${BOOL:-false}\"\n"
      "ALLOWED_HOSTS: [\"${EMPTY:-localhost}\", \"$${literal}\"]\n"
      "STATIC_ROOT: \"${MISSING}\"\n"
      "DATABASES: {default: {ENGINE: django.db.backends.sqlite3, NAME: \":memory:\"}, other: {NAME: x.db}}\n";
  Diagnostics diags;
  SettingsEnvironment env;
  env.getenv = fuzz_env;
  auto settings = load_settings_text(input, "/nonexistent/settings.yaml", diags, env);
  CHECK_FALSE(settings);
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].message ==
        "environment variable 'MISSING' is not set (used by STATIC_ROOT; write ${MISSING:-default} to give a default)");

  Diagnostics ok_diags;
  auto ok = load_settings_text(
      "SECRET_KEY: k\nDATABASES: {default: {ENGINE: sqlite3, NAME: a.db}, other: {NAME: \":memory:\"}}\n",
      "/srv/site/settings.yaml", ok_diags, env);
  REQUIRE(ok);
  CHECK(ok->databases.at("default").path == "/srv/site/a.db");
  CHECK(ok->databases.at("other").path == ":memory:");
}

TEST_CASE("fuzz_settings crash-d03254b4: a TIME_ZONE or app label too long for a path threw", "[settings][fuzz]") {
  // std::filesystem::is_regular_file / is_directory throw on ENAMETOOLONG;
  // the exception escaped load_settings (std::terminate).
  const std::string long_name(5000, 'x');
  Diagnostics diags;
  auto s = load_settings_text("SECRET_KEY: k\nTIME_ZONE: Europe/" + long_name + "\n", "/nonexistent/settings.yaml",
                              diags);
  CHECK_FALSE(s);
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].message == "Incorrect timezone setting: Europe/" + long_name);

  Diagnostics app_diags;
  auto a = load_settings_text("SECRET_KEY: k\nINSTALLED_APPS: [" + long_name + "]\n", "/nonexistent/settings.yaml",
                              app_diags);
  CHECK_FALSE(a);
  REQUIRE(app_diags.size() == 1);
  CHECK(app_diags.items()[0].message.rfind("no app named '" + long_name + "'", 0) == 0);
}

TEST_CASE("fuzz_models crash-807f470d: a field mapping without 'type' threw YAML::InvalidNode", "[models][fuzz]") {
  // core/models_yaml_field.cpp assigned value["type"] (a missing key's
  // invalid node) to a YAML::Node, which throws; the exception escaped the
  // loader. It must be the "has no 'type'" diagnostic instead.
  Diagnostics diags;
  auto doc = yaml::parse("Post:\n  fields:\n    pi: {ty}\n    title: {max_length: 5}\n    ok: TextField\n",
                         "blog/models.yaml", diags);
  REQUIRE(doc);
  auto models = models::parse_models_document(*doc, "blog", diags);
  REQUIRE(diags.size() == 2);
  CHECK(diags.items()[0].message == "field 'pi' has no 'type' (e.g. {type: CharField, max_length: 200})");
  CHECK(diags.items()[0].line == 3);
  CHECK(diags.items()[1].message == "field 'title' has no 'type' (e.g. {type: CharField, max_length: 200})");
  REQUIRE(models.size() == 1);
  REQUIRE(models[0].field("ok"));
}

TEST_CASE("fuzz_settings crash-d03254b4 under clang: std::regex on long text overflowed the stack", "[yaml][fuzz]") {
  // libstdc++'s std::regex recurses once per character: the 5000-character
  // app label of crash-d03254b4 overflowed the stack of the clang ASan build,
  // and longer scalars overflow any build. Numbers, app labels and model
  // defaults are scanned instead.
  const std::string digits(200000, '7');
  CHECK_FALSE(yaml::text_to_int(digits));  // out of range
  CHECK(yaml::text_to_int("-" + digits.substr(0, 18)) == -777777777777777777LL);
  CHECK(yaml::text_to_int("0o17") == 15);
  CHECK(yaml::text_to_int("0x1F") == 31);
  CHECK_FALSE(yaml::text_to_int("0x"));
  CHECK_FALSE(yaml::text_to_int("+"));
  CHECK_FALSE(yaml::text_to_int("1_000"));
  CHECK(yaml::text_to_float("1." + digits) == Approx(1.7777777));
  CHECK(yaml::text_to_float(".5e-3") == Approx(0.0005));
  CHECK(yaml::text_to_float("-3.") == -3.0);
  CHECK_FALSE(yaml::text_to_float("."));
  CHECK_FALSE(yaml::text_to_float("1e"));
  CHECK_FALSE(yaml::text_to_float("1.5.2"));
  CHECK(yaml::is_decimal_number(digits + "." + digits + "E+" + digits));
  CHECK_FALSE(yaml::is_decimal_number(digits + "x"));

  Diagnostics diags;
  auto s = load_settings_text("SECRET_KEY: k\nINSTALLED_APPS: [\"" + std::string(100000, 'x') + "-\"]\n",
                              "/nonexistent/settings.yaml", diags);
  CHECK_FALSE(s);
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].message == "'" + std::string(100000, 'x') + "-' is not a valid app label");

  Diagnostics model_diags;
  auto doc = yaml::parse("Post:\n  fields:\n    d: {type: DateField, default: \"" + digits +
                             "\"}\n    n: {type: DecimalField, max_digits: 5, decimal_places: 2, default: \"" + digits +
                             "x\"}\n",
                         "blog/models.yaml", model_diags);
  REQUIRE(doc);
  models::parse_models_document(*doc, "blog", model_diags);
  REQUIRE(model_diags.size() == 2);
  CHECK(model_diags.items()[0].message.find("expected a date YYYY-MM-DD") != std::string::npos);
  CHECK(model_diags.items()[1].message.find("expected a decimal number") != std::string::npos);
}

TEST_CASE("fuzz_models crash-1750c839: a recursive YAML alias recursed without end", "[yaml][fuzz]") {
  // `fields: &f {x: ..., self: *f}` is a cycle in yaml-cpp; the duplicate-key
  // walk of yaml::parse (and every reader after it) recursed until the
  // stack overflowed. Documents nested deeper than 100 levels are refused.
  Diagnostics diags;
  CHECK_FALSE(yaml::parse("A:\n  fields: &f\n    x: IntegerField\n    self: *f\n", "blog/models.yaml", diags));
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].message == "YAML nested more than 100 levels deep (or a recursive alias)");

  Diagnostics deep;
  CHECK_FALSE(yaml::parse("a: " + std::string(150, '[') + std::string(150, ']') + "\n", "x.yaml", deep));
  CHECK(deep.has_errors());
  Diagnostics fine;
  CHECK(yaml::parse("a: " + std::string(50, '[') + std::string(50, ']') + "\nb: &y [1]\nc: *y\n", "x.yaml", fine));
  CHECK(fine.empty());
}
