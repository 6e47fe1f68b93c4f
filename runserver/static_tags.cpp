#include "runserver/static_tags.hpp"

#include <filesystem>

#include "dtl/errors.hpp"
#include "dtl/node.hpp"
#include "dtl/parser.hpp"
#include "runserver/http_request.hpp"

namespace mvt::runserver {

namespace fs = std::filesystem;

namespace {

// django.templatetags.static.StaticNode.
class StaticNode : public dtl::Node {
 public:
  StaticNode(const StaticFilesStorage* storage, std::string static_url, dtl::FilterExpression path,
             std::string varname)
      : storage_(storage), static_url_(std::move(static_url)), path_(std::move(path)), varname_(std::move(varname)) {}

  void render(dtl::Context& ctx, std::string& out) const override {
    const std::string path = path_.resolve(ctx).str();
    dtl::Value url;
    try {
      url = dtl::Value::string(storage_ ? storage_->url(path) : plain_static_url(static_url_, path));
    } catch (const std::exception& e) {
      throw dtl::RenderError("ValueError", e.what());
    }
    if (ctx.autoescape) url = dtl::conditional_escape(url);
    if (varname_.empty())
      out += url.as_string();
    else
      ctx.set(varname_, url);
  }
  std::string repr() const override { return "<StaticNode>"; }

 private:
  const StaticFilesStorage* storage_;
  std::string static_url_;
  dtl::FilterExpression path_;
  std::string varname_;
};

// django.templatetags.static.PrefixNode.
class PrefixNode : public dtl::Node {
 public:
  PrefixNode(std::string prefix, std::string varname) : prefix_(std::move(prefix)), varname_(std::move(varname)) {}
  void render(dtl::Context& ctx, std::string& out) const override {
    if (varname_.empty())
      out += prefix_;
    else
      ctx.set(varname_, dtl::Value::string(prefix_));
  }
  std::string repr() const override { return "<PrefixNode>"; }

 private:
  std::string prefix_;
  std::string varname_;
};

dtl::TagCompiler prefix_tag(const std::string& setting) {
  return [prefix = iri_to_uri(setting)](dtl::Parser&, const dtl::Token& token) -> dtl::NodePtr {
    // PrefixNode.handle_token: token.contents.split()
    std::vector<std::string> tokens = dtl::split_whitespace(token.contents);
    if (tokens.size() > 1 && tokens[1] != "as")
      throw dtl::TemplateSyntaxError("First argument in '" + tokens[0] + "' must be 'as'");
    // Django indexes tokens[2] (an IndexError for a bare "as"): a syntax error here.
    if (tokens.size() == 2) throw dtl::TemplateSyntaxError("'" + tokens[0] + "' needs a variable name after 'as'");
    return std::make_shared<PrefixNode>(prefix, tokens.size() > 2 ? tokens[2] : std::string());
  };
}

}  // namespace

std::shared_ptr<dtl::Library> make_static_library(const StaticFilesStorage* storage, const Settings& settings) {
  auto lib = std::make_shared<dtl::Library>();
  lib->tag("static", [storage, static_url = settings.static_url](dtl::Parser& parser,
                                                                  const dtl::Token& token) -> dtl::NodePtr {
    // StaticNode.handle_token
    auto bits = token.split_contents();
    if (bits.size() < 2)
      throw dtl::TemplateSyntaxError("'" + bits[0] + "' takes at least one argument (path to file)");
    std::string varname;
    if (bits.size() >= 2 && bits[bits.size() - 2] == "as") {
      // Django takes bits[3]: `{% static as x %}` is an IndexError there.
      if (bits.size() < 4) throw dtl::TemplateSyntaxError("'" + bits[0] + "' needs a path before 'as'");
      varname = bits[3];
    }
    return std::make_shared<StaticNode>(storage, static_url, parser.compile_filter(bits[1]), varname);
  });
  lib->tag("get_static_prefix", prefix_tag(settings.static_url));
  lib->tag("get_media_prefix", prefix_tag(settings.media_url));
  return lib;
}

dtl::EngineOptions project_engine_options(const Project& project) {
  const Settings& s = project.settings;
  dtl::EngineOptions eo;
  eo.dirs = s.templates.dirs;
  if (s.templates.app_dirs)
    for (const auto& app : project.apps)
      if (!app.builtin && !app.path.empty() && fs::is_directory(app.path / "templates"))
        eo.app_dirs.push_back(app.path / "templates");
  eo.autoescape = s.templates.autoescape;
  eo.string_if_invalid = s.templates.string_if_invalid;
  eo.use_tz = s.use_tz;
  eo.time_zone = s.time_zone;
  eo.use_l10n = s.use_l10n;
  return eo;
}

std::unique_ptr<dtl::Engine> make_project_engine(dtl::EngineOptions options, const StaticFilesStorage* storage,
                                                 const Settings& settings) {
  auto engine = std::make_unique<dtl::Engine>(std::move(options));
  auto static_lib = make_static_library(storage, settings);
  engine->add_library("static", static_lib);
  engine->add_builtin(static_lib);
  return engine;
}

}  // namespace mvt::runserver
