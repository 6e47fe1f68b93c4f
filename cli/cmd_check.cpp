// mvt check: Django's `check` command. Settings are validated when the project
// loads (their diagnostics carry file:line:col); the checks of each component
// are gathered here and reported in Django's format.
#include "cli/command.hpp"
#include "core/checks.hpp"
#include "cli/system_checks.hpp"
#include "runserver/template_checks.hpp"

namespace mvt::cli {

class CheckCommand : public Command {
 public:
  std::string name() const override { return "check"; }
  std::string help() const override { return "Checks the entire mvt project for potential problems."; }
  void add_arguments(CLI::App& app) override {
    app.add_option("app_label", app_labels_, "Apps to check (default: all)");
    app.add_flag("--deploy", deploy_, "Check deployment settings.");
    app.add_option("--fail-level", fail_level_,
                   "Message level that will cause the command to exit with a non-zero status. Default is ERROR.")
        ->check(CLI::IsMember({"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}));
  }
  int handle(CommandContext& ctx) override {
    Project& project = ctx.project();
    for (const auto& label : app_labels_)
      if (!project.app(label)) throw CommandError("No installed app with label '" + label + "'.");
    std::vector<CheckMessage> messages;
    for (auto& m : gather_system_checks(ctx, project, deploy_)) {
      // `check APP...` keeps the messages about those apps (and the global ones).
      bool keep = app_labels_.empty() || m.obj.empty() || m.obj == "?";
      for (const auto& label : app_labels_) keep = keep || m.obj.rfind(label + ".", 0) == 0;
      if (keep) messages.push_back(std::move(m));
    }
    // Templates (mvt's templates.E100/E101; Django has no such check). Only
    // here, not in runserver's checks: Django's runserver starts with a broken
    // template and reports it when rendering, and so does mvt's. `check APP...`
    // checks those apps' templates/ and the project's TEMPLATES.DIRS.
    std::vector<runserver::TemplateDir> dirs;
    for (auto& d : runserver::template_dirs(project)) {
      bool keep = app_labels_.empty() || d.app_label.empty();
      for (const auto& label : app_labels_) keep = keep || d.app_label == label;
      if (keep) dirs.push_back(std::move(d));
    }
    for (auto& m : runserver::check_templates(project, dirs)) messages.push_back(std::move(m));
    CheckLevel level = CheckLevel::Error;
    parse_check_level(fail_level_, level);
    CheckReport report = format_check_report(messages, project.settings.silenced_system_checks, level);
    if (report.failed) {
      ctx.err() << ctx.err_style().error(report.text) << "\n";
      return 1;
    }
    (report.to_stderr ? ctx.err() : ctx.out()) << report.text << "\n";
    return 0;
  }

 private:
  std::vector<std::string> app_labels_;
  bool deploy_ = false;
  std::string fail_level_ = "ERROR";
};

}  // namespace mvt::cli

MVT_REGISTER_COMMAND(mvt::cli::CheckCommand, "check")
