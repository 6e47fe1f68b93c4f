// mvt showmigrations: Django's showmigrations (--list, the default, and --plan).
#include <set>

#include "cli/command.hpp"
#include "cli/migration_errors.hpp"
#include "migrator/loader.hpp"
#include "migrator/project_support.hpp"
#include "migrator/recorder.hpp"

namespace mvt::cli {

using namespace mvt::migrator;

class ShowMigrationsCommand : public Command {
 public:
  std::string name() const override { return "showmigrations"; }
  std::string help() const override { return "Shows all available migrations for the current project"; }
  void add_arguments(CLI::App& app) override {
    app.add_option("app_label", app_labels_, "App labels of applications to limit the output to.");
    app.add_flag("--list,-l", list_, "Shows a list of all migrations and which are applied.");
    app.add_flag("--plan,-p", plan_,
                 "Shows all migrations in the order they will be applied. With a verbosity level of 2 or above all "
                 "direct migration dependencies and reverse dependencies (run_before) will be included.");
  }

  int handle(CommandContext& ctx) override {
    return run_reporting_migration_errors([&] { return run(ctx); });
  }

 private:
  int run(CommandContext& ctx) {
    Project& project = ctx.project();
    bool bad = false;
    for (const auto& l : app_labels_)
      if (!project.app(l)) {
        ctx.err() << "No installed app with label '" << l << "'.\n";
        bad = true;
      }
    if (bad) return 2;
    auto conn = open_project_database(project, false);
    std::map<MigrationKey, std::string> applied_at;
    for (const auto& r : MigrationRecorder(*conn).rows()) applied_at[{r.app, r.name}] = r.applied;
    LoaderOptions lo;
    lo.ignore_no_migrations = !plan_;
    MigrationLoader loader(project, conn.get(), lo);
    const MigrationGraph& g = loader.graph;
    if (plan_) {
      std::vector<MigrationKey> targets;
      for (const auto& k : g.leaf_nodes())
        if (app_labels_.empty() || std::find(app_labels_.begin(), app_labels_.end(), k.first) != app_labels_.end())
          targets.push_back(k);
      std::vector<MigrationKey> plan;
      std::set<MigrationKey> seen;
      for (const auto& t : targets)
        for (const auto& m : g.forwards_plan(t))
          if (seen.insert(m).second) plan.push_back(m);
      for (const auto& k : plan) {
        std::string deps;
        if (ctx.verbosity() >= 2) {
          for (const auto& p : g.parents(k)) deps += (deps.empty() ? "" : ", ") + p.first + "." + p.second;
          if (!deps.empty()) deps = " ... (" + deps + ")";
        }
        ctx.out() << (loader.applied_migrations.count(k) ? "[X]  " : "[ ]  ") << k.first << "." << k.second << deps
                  << "\n";
      }
      if (plan.empty()) ctx.out() << ctx.style().error("(no migrations)") << "\n";
      return 0;
    }
    std::vector<std::string> apps = app_labels_;
    if (apps.empty()) apps.assign(loader.migrated_apps.begin(), loader.migrated_apps.end());
    for (const auto& app : apps) {
      ctx.out() << ctx.style().migrate_label(app) << "\n";
      std::set<MigrationKey> shown;
      for (const auto& leaf : g.leaf_nodes(app)) {
        for (const auto& k : g.forwards_plan(leaf)) {
          if (shown.count(k) || k.first != app) continue;
          std::string title = k.second;
          const auto& m = g.migration(k);
          if (!m->replaces.empty()) title += " (" + std::to_string(m->replaces.size()) + " squashed migrations)";
          if (loader.applied_migrations.count(k)) {
            std::string out = " [X] " + title;
            auto at = applied_at.find(k);
            if (ctx.verbosity() >= 2 && at != applied_at.end())
              out += " (applied at " + at->second.substr(0, 19) + ")";
            ctx.out() << out << "\n";
          } else {
            ctx.out() << " [ ] " << title << "\n";
          }
          shown.insert(k);
        }
      }
      if (shown.empty()) ctx.out() << ctx.style().error(" (no migrations)") << "\n";
    }
    return 0;
  }

 private:
  std::vector<std::string> app_labels_;
  bool list_ = false, plan_ = false;
};

}  // namespace mvt::cli

MVT_REGISTER_COMMAND(mvt::cli::ShowMigrationsCommand, "showmigrations")
