// mvt render: renders one template with a JSON context (SPEC §5). Typed JSON
// values: {"$date": ...}, {"$datetime": ...}, {"$time": ...}, {"$decimal": ...},
// {"$safe": ...}; other JSON maps as Python's json module would.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "dtl/engine.hpp"
#include "dtl/errors.hpp"
#include "dtl/timezone.hpp"
#include "runserver/static_tags.hpp"

namespace mvt::cli {

namespace {

using json = nlohmann::ordered_json;

int parse_int(const std::string& s, std::size_t pos, std::size_t len, bool& ok) {
  if (pos + len > s.size()) {
    ok = false;
    return 0;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') ok = false;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

dtl::Date parse_date(const std::string& s, bool& ok) {
  dtl::Date d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') ok = false;
  d.year = parse_int(s, 0, 4, ok);
  d.month = static_cast<std::uint8_t>(parse_int(s, 5, 2, ok));
  d.day = static_cast<std::uint8_t>(parse_int(s, 8, 2, ok));
  if (ok && (d.month < 1 || d.month > 12 || d.day < 1 || d.day > dtl::days_in_month(d.year, d.month))) ok = false;
  return d;
}

// HH:MM[:SS[.ffffff]] starting at pos; returns the end position.
std::size_t parse_time(const std::string& s, std::size_t pos, dtl::Time& t, bool& ok) {
  t.hour = static_cast<std::uint8_t>(parse_int(s, pos, 2, ok));
  if (pos + 2 >= s.size() || s[pos + 2] != ':') ok = false;
  t.minute = static_cast<std::uint8_t>(parse_int(s, pos + 3, 2, ok));
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    t.second = static_cast<std::uint8_t>(parse_int(s, pos + 1, 2, ok));
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      std::size_t st = ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      std::string frac = s.substr(st, pos - st);
      if (frac.empty() || frac.size() > 6) ok = false;
      frac.append(6 - std::min<std::size_t>(6, frac.size()), '0');
      t.microsecond = std::atoi(frac.substr(0, 6).c_str());
    }
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) ok = false;
  return pos;
}

dtl::Value typed(const std::string& kind, const json& v) {
  if (!v.is_string()) throw CommandError("context: " + kind + " needs a string value");
  const std::string s = v.get<std::string>();
  bool ok = true;
  if (kind == "$safe") return dtl::Value::safe(s);
  if (kind == "$decimal") {
    auto d = dtl::Decimal::parse(s);
    if (!d) throw CommandError("context: invalid $decimal value '" + s + "'");
    return dtl::Value::decimal(*d);
  }
  if (kind == "$date") {
    dtl::Date d = parse_date(s, ok);
    if (!ok || s.size() != 10) throw CommandError("context: invalid $date value '" + s + "' (expected YYYY-MM-DD)");
    return dtl::Value::date(d);
  }
  if (kind == "$time") {
    dtl::Time t;
    std::size_t end = parse_time(s, 0, t, ok);
    if (!ok || end != s.size()) throw CommandError("context: invalid $time value '" + s + "' (expected HH:MM[:SS])");
    return dtl::Value::time(t);
  }
  // $datetime: YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][Z|±HH:MM]
  dtl::DateTime dt;
  dt.date = parse_date(s, ok);
  if (s.size() < 16 || (s[10] != 'T' && s[10] != ' ')) ok = false;
  std::size_t pos = ok ? parse_time(s, 11, dt.time, ok) : 0;
  if (ok && pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      dt.aware = true;
    } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
      int h = parse_int(s, pos + 1, 2, ok), m = parse_int(s, pos + 4, 2, ok);
      dt.aware = true;
      dt.utc_offset = (s[pos] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    } else {
      ok = false;
    }
  }
  if (!ok) throw CommandError("context: invalid $datetime value '" + s + "' (expected ISO 8601)");
  return dtl::Value::datetime(dt);
}

dtl::Value from_json(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return dtl::Value();
    case json::value_t::boolean: return dtl::Value::boolean(j.get<bool>());
    case json::value_t::number_integer: return dtl::Value::integer(j.get<std::int64_t>());
    case json::value_t::number_unsigned: {
      auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) return dtl::Value::real(static_cast<double>(u));
      return dtl::Value::integer(static_cast<std::int64_t>(u));
    }
    case json::value_t::number_float: return dtl::Value::real(j.get<double>());
    case json::value_t::string: return dtl::Value::string(j.get<std::string>());
    case json::value_t::array: {
      std::vector<dtl::Value> items;
      for (const auto& x : j) items.push_back(from_json(x));
      return dtl::Value::list(std::move(items));
    }
    case json::value_t::object: {
      if (j.size() == 1) {
        const std::string& k = j.begin().key();
        if (k == "$date" || k == "$datetime" || k == "$time" || k == "$decimal" || k == "$safe")
          return typed(k, j.begin().value());
      }
      std::vector<std::pair<std::string, dtl::Value>> items;
      for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(it.key(), from_json(it.value()));
      return dtl::Value::map(std::move(items));
    }
    default: throw CommandError("context: unsupported JSON value");
  }
}

class RenderCommand : public Command {
 public:
  std::string name() const override { return "render"; }
  std::string help() const override {
    return "Renders a template with a JSON context and prints the result (Django Template Language).";
  }
  void add_arguments(CLI::App& app) override {
    app.add_option("name", name_, "Template name, looked up in the template folders.")->required();
    app.add_option("--template-dir", dirs_, "A folder to look templates up in (repeatable; searched first).");
    app.add_option("--context", context_, "JSON file holding the context object ('-' reads standard input).");
    app.add_flag("--no-autoescape", no_autoescape_, "Render with autoescaping off.");
    app.add_option("--string-if-invalid", string_if_invalid_, "Text printed for invalid variables.");
    app.add_option("--repeat", repeat_, "Render N times and print the timing to stderr.")->check(CLI::PositiveNumber);
  }

  int handle(CommandContext& ctx) override {
    dtl::EngineOptions opts;
    opts.time_zone = "America/Chicago";  // Django's global default TIME_ZONE
    for (const auto& d : dirs_) opts.dirs.emplace_back(d);
    std::unique_ptr<runserver::StaticFilesStorage> storage;
    if (ctx.has_project()) {
      // The project's loaders, options and `static` library, as runserver's.
      Project& project = ctx.project();
      dtl::EngineOptions p = runserver::project_engine_options(project);
      p.dirs.insert(p.dirs.begin(), opts.dirs.begin(), opts.dirs.end());
      opts = std::move(p);
      try {
        storage = runserver::make_static_storage(project.settings);
      } catch (const std::exception& e) {
        throw CommandError(e.what());
      }
    }
    if (no_autoescape_) opts.autoescape = false;
    if (string_if_invalid_) opts.string_if_invalid = *string_if_invalid_;

    dtl::Context::Items vars;
    if (!context_.empty()) {
      std::string text;
      if (context_ == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        text = ss.str();
      } else {
        std::ifstream in(context_, std::ios::binary);
        if (!in) throw CommandError("cannot read context file '" + context_ + "'");
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
      }
      json j;
      try {
        j = json::parse(text);
      } catch (const json::parse_error& e) {
        throw CommandError("context '" + context_ + "' is not valid JSON: " + e.what());
      }
      if (!j.is_object()) throw CommandError("context '" + context_ + "' must hold a JSON object");
      for (auto it = j.begin(); it != j.end(); ++it) vars.emplace_back(it.key(), from_json(it.value()));
    }

    std::unique_ptr<dtl::Engine> engine;
    try {
      engine = ctx.has_project() ? runserver::make_project_engine(opts, storage.get(), ctx.project().settings)
                                 : std::make_unique<dtl::Engine>(opts);
    } catch (const std::invalid_argument& e) {
      throw CommandError(e.what());
    }
    try {
      auto tmpl = engine->get_template(name_);
      std::string out;
      auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < repeat_; ++i) {
        out.clear();
        dtl::Context c(vars);
        engine->configure(c);
        tmpl->render(c, out);
      }
      auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ctx.out() << out;
      ctx.out().flush();
      if (repeat_ > 1 || repeat_set()) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "rendered %d times in %.3f s: %.2f us/render, %.0f renders/s\n", repeat_,
                      elapsed, elapsed * 1e6 / repeat_, repeat_ / elapsed);
        ctx.err() << buf;
      }
    } catch (const dtl::TemplateError& e) {
      ctx.err() << e.error_class() << ": " << e.what() << "\n";
      if (!e.template_name.empty()) ctx.err() << "  in " << e.template_name << ":" << e.line << "\n";
      return 1;
    }
    return 0;
  }

 private:
  bool repeat_set() const { return repeat_ != 1; }
  std::string name_;
  std::vector<std::string> dirs_;
  std::string context_;
  bool no_autoescape_ = false;
  std::optional<std::string> string_if_invalid_;
  int repeat_ = 1;
};

}  // namespace

}  // namespace mvt::cli

MVT_REGISTER_COMMAND(mvt::cli::RenderCommand, "render")
