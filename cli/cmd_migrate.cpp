// mvt migrate: Django's migrate command — applies or unapplies migrations to
// reach the targets, each in its own transaction, then runs the post-migrate
// step (content types and permissions).
#include <chrono>
#include <iostream>

#include "cli/command.hpp"
#include "cli/migration_errors.hpp"
#include "migrator/autodetector.hpp"
#include "migrator/executor.hpp"
#include "migrator/post_migrate.hpp"
#include "migrator/project_support.hpp"

namespace mvt::cli {

using namespace mvt::migrator;

namespace {

/// migrate --plan's description of an operation (Django's describe_operation).
std::pair<std::string, bool> describe_operation(const Operation& op, bool backwards) {
  std::string prefix;
  bool is_error = false;
  std::optional<std::string> action;
  if (op.type() == Operation::Type::RunPython) {
    action = backwards ? std::optional<std::string>("") : std::optional<std::string>("");
  } else if (op.type() == Operation::Type::RunSQL) {
    const auto& r = static_cast<const RunSQL&>(op);
    if (backwards) action = r.reverse_sql;
    else action = r.sql;
  } else {
    action = "";
    if (backwards) prefix = "Undo ";
  }
  std::string text;
  if (action) {
    for (char c : *action)
      if (c != '\n') text += c;
  } else if (backwards) {
    text = "IRREVERSIBLE";
    is_error = true;
  }
  if (!text.empty()) text = " -> " + text;
  // Truncator(action).chars(40)
  if (text.size() > 40) text = text.substr(0, 39) + "\xe2\x80\xa6";
  return {prefix + op.describe() + text, is_error};
}

}  // namespace

class MigrateCommand : public Command {
 public:
  std::string name() const override { return "migrate"; }
  std::string help() const override {
    return "Updates database schema. Manages both apps with migrations and those without.";
  }
  void add_arguments(CLI::App& app) override {
    app.add_option("app_label", app_label_, "App label of an application to synchronize the state.");
    app.add_option("migration_name", migration_name_,
                   "Database state will be brought to the state after that migration. Use the name \"zero\" to "
                   "unapply all migrations.");
    app.add_flag("--noinput,--no-input", noinput_, "Tells mvt to NOT prompt the user for input of any kind.");
    app.add_flag("--fake", fake_, "Mark migrations as run without actually running them.");
    app.add_flag("--fake-initial", fake_initial_,
                 "Detect if tables already exist and fake-apply initial migrations if so. Make sure that the "
                 "current database schema matches your initial migration before using this flag. mvt will only "
                 "check for an existing table name.");
    app.add_flag("--plan", plan_, "Shows a list of the migration actions that will be performed.");
    app.add_flag("--check", check_unapplied_, "Exits with a non-zero status if unapplied migrations exist.");
  }

  int handle(CommandContext& ctx) override {
    return run_reporting_migration_errors([&] { return run(ctx); });
  }

 private:
  int run(CommandContext& ctx) {
    Project& project = ctx.project();
    const int v = ctx.verbosity();
    Diagnostics warnings;
    models::ModelRegistry registry = models::load_valid_models(project, warnings);
    ctx.err() << warnings.format();

    auto conn = open_project_database(project, !(plan_ || check_unapplied_));
    std::chrono::steady_clock::time_point start;
    auto progress = [&](Progress p, const Migration& m, bool fake) {
      if (v < 1) return;
      auto elapsed = [&]() -> std::string {
        if (v < 2) return "";
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        char buf[32];
        std::snprintf(buf, sizeof buf, " (%.3fs)", s);
        return buf;
      };
      switch (p) {
        case Progress::ApplyStart:
          start = std::chrono::steady_clock::now();
          ctx.out() << "  Applying " << m.label() << "..." << std::flush;
          break;
        case Progress::UnapplyStart:
          start = std::chrono::steady_clock::now();
          ctx.out() << "  Unapplying " << m.label() << "..." << std::flush;
          break;
        case Progress::ApplySuccess:
        case Progress::UnapplySuccess:
          ctx.out() << ctx.style().success((fake ? " FAKED" : " OK") + elapsed()) << "\n";
          break;
        case Progress::RenderStart:
          start = std::chrono::steady_clock::now();
          ctx.out() << "  Rendering model states..." << std::flush;
          break;
        case Progress::RenderSuccess:
          ctx.out() << ctx.style().success(" DONE" + elapsed()) << "\n";
          break;
      }
    };
    MigrationExecutor executor(project, *conn, progress);
    try {
      executor.loader.check_consistent_history(executor.loader.applied_migrations);
    } catch (const MigrationError& e) {
      throw CommandError(e.what());
    }
    auto conflicts = executor.loader.detect_conflicts();
    if (!conflicts.empty()) {
      std::string list;
      for (const auto& [app, names] : conflicts) {
        std::string n;
        for (const auto& x : names) n += (n.empty() ? "" : ", ") + x;
        list += (list.empty() ? "" : "; ") + n + " in " + app;
      }
      throw CommandError("Conflicting migrations detected; multiple leaf nodes in the migration graph: (" + list +
                         ").\nTo fix them run 'mvt makemigrations --merge'");
    }

    bool target_app_labels_only = true;
    if (!app_label_.empty()) {
      if (!project.app(app_label_)) throw CommandError("No installed app with label '" + app_label_ + "'.");
      if (!executor.loader.migrated_apps.count(app_label_))
        throw CommandError("App '" + app_label_ + "' does not have migrations.");
    }
    std::vector<Target> targets;
    if (!app_label_.empty() && !migration_name_.empty()) {
      if (migration_name_ == "zero") {
        targets.push_back({app_label_, std::nullopt});
      } else {
        MigrationPtr m;
        try {
          m = executor.loader.get_migration_by_prefix(app_label_, migration_name_);
        } catch (const MigrationError& e) {
          throw CommandError(e.what());
        }
        targets.push_back({app_label_, m->name});
      }
      target_app_labels_only = false;
    } else {
      for (const auto& [a, n] : executor.loader.graph.leaf_nodes())
        if (app_label_.empty() || a == app_label_) targets.push_back({a, n});
    }
    auto plan = executor.migration_plan(targets);
    const bool exit_dry = !plan.empty() && check_unapplied_;

    if (plan_) {
      ctx.out() << ctx.style().migrate_label("Planned operations:") << "\n";
      if (plan.empty()) ctx.out() << "  No planned migration operations.\n";
      for (const auto& step : plan) {
        ctx.out() << ctx.style().migrate_heading(step.migration->label()) << "\n";
        for (const auto& op : step.migration->operations) {
          auto [message, is_error] = describe_operation(*op, step.backwards);
          ctx.out() << (is_error ? ctx.style().warning("    " + message) : "    " + message) << "\n";
        }
      }
      return exit_dry ? 1 : 0;
    }
    if (exit_dry) return 1;

    if (v >= 1) {
      ctx.out() << ctx.style().migrate_heading("Operations to perform:") << "\n";
      if (target_app_labels_only) {
        std::set<std::string> apps;
        for (const auto& t : targets) apps.insert(t.app_label);
        std::string list;
        for (const auto& a : apps) list += (list.empty() ? "" : ", ") + a;
        ctx.out() << ctx.style().migrate_label("  Apply all migrations: ") << (list.empty() ? "(none)" : list)
                  << "\n";
      } else if (!targets[0].name) {
        ctx.out() << ctx.style().migrate_label("  Unapply all migrations: ") << targets[0].app_label << "\n";
      } else {
        ctx.out() << ctx.style().migrate_label("  Target specific migration: ") << *targets[0].name << ", from "
                  << targets[0].app_label << "\n";
      }
      ctx.out() << ctx.style().migrate_heading("Running migrations:") << "\n";
    }
    ProjectState post_state;
    if (plan.empty()) {
      if (v >= 1) {
        ctx.out() << "  No migrations to apply.\n";
        // Changes not yet in migrations are pointed out, as Django does.
        MigrationQuestioner q;
        ProjectState from = executor.loader.project_state();
        for (const auto* m : registry.models())
          if (executor.loader.unmigrated_apps.count(m->app_label)) from.add(*m);
        MigrationAutodetector detector(from, current_models_state(registry), q, executor.loader.unmigrated_apps);
        auto changes = detector.changes(executor.loader.graph);
        std::string apps;
        for (const auto& [a, list] : changes)
          if (!project.app(a) || !project.app(a)->builtin) apps += (apps.empty() ? "" : ", ") + ("'" + a + "'");
        if (!apps.empty()) {
          ctx.out() << ctx.style().notice("  Your models in app(s): " + apps +
                                          " have changes that are not yet reflected in a migration, and so won't "
                                          "be applied.")
                    << "\n"
                    << ctx.style().notice(
                           "  Run 'mvt makemigrations' to make new migrations, and then re-run 'mvt migrate' to "
                           "apply them.")
                    << "\n";
        }
      }
      post_state = executor.migrate(plan);
    } else {
      try {
        post_state = executor.migrate(plan, fake_, fake_initial_);
      } catch (const OperationError& e) {
        ctx.out() << "\n" << std::flush;
        throw CommandError("Migration " + e.migration + " failed at operation " + std::to_string(e.index) + " (" +
                           e.operation + "): " + e.what() +
                           "\nThe migration was rolled back; earlier migrations stay applied.");
      } catch (const IrreversibleError& e) {
        ctx.out() << "\n" << std::flush;
        throw CommandError(e.what());
      } catch (const db::DatabaseError& e) {
        ctx.out() << "\n" << std::flush;
        throw CommandError(std::string(e.what()) + "\nThe migration was rolled back; earlier migrations stay applied.");
      }
    }
    for (const auto& line : emit_post_migrate(*conn, project, post_state))
      if (v >= 2) ctx.out() << line << "\n";
    return 0;
  }

 private:
  std::string app_label_, migration_name_;
  bool noinput_ = false, fake_ = false, fake_initial_ = false, plan_ = false, check_unapplied_ = false;
};

}  // namespace mvt::cli

MVT_REGISTER_COMMAND(mvt::cli::MigrateCommand, "migrate")
