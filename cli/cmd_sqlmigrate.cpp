// mvt sqlmigrate: Django's sqlmigrate — the SQL statements a migration runs
// (or, with --backwards, runs when unapplied), without running them.
#include "cli/command.hpp"
#include "cli/migration_errors.hpp"
#include "migrator/executor.hpp"
#include "migrator/project_support.hpp"

namespace mvt::cli {

using namespace mvt::migrator;

class SqlMigrateCommand : public Command {
 public:
  std::string name() const override { return "sqlmigrate"; }
  std::string help() const override { return "Prints the SQL statements for the named migration."; }
  void add_arguments(CLI::App& app) override {
    app.add_option("app_label", app_label_, "App label of the application containing the migration.")->required();
    app.add_option("migration_name", migration_name_, "Migration name to print the SQL for.")->required();
    app.add_flag("--backwards", backwards_, "Creates SQL to unapply the migration, rather than to apply it");
  }

  int handle(CommandContext& ctx) override {
    return run_reporting_migration_errors([&] { return run(ctx); });
  }

 private:
  int run(CommandContext& ctx) {
    Project& project = ctx.project();
    if (!project.app(app_label_)) throw CommandError("No installed app with label '" + app_label_ + "'.");
    auto conn = open_project_database(project, false);
    LoaderOptions lo;
    lo.replace_migrations = false;
    MigrationLoader loader(project, conn.get(), lo);
    if (!loader.migrated_apps.count(app_label_))
      throw CommandError("App '" + app_label_ + "' does not have migrations");
    MigrationPtr migration;
    try {
      migration = loader.get_migration_by_prefix(app_label_, migration_name_);
    } catch (const MigrationError& e) {
      std::string msg = e.what();
      if (msg.rfind("Cannot find", 0) == 0 && !msg.empty()) msg = msg.substr(0, msg.size() - 1) + ". Is it in INSTALLED_APPS?";
      throw CommandError(msg);
    }
    std::vector<std::string> statements;
    try {
      SchemaEditor editor(conn.get(), true);
      ProjectState state = loader.project_state({migration->key()}, false);
      if (backwards_) migration->unapply(state, editor);
      else migration->apply(state, editor);
      editor.flush_deferred();
      statements = std::move(editor.collected_sql());
    } catch (const OperationError& e) {
      throw CommandError(e.what());
    } catch (const IrreversibleError& e) {
      throw CommandError(e.what());
    }
    if (statements.empty()) {
      if (ctx.verbosity() >= 1) ctx.err() << "No operations found.\n";
      return 0;
    }
    std::string out = ctx.style().sql_keyword("BEGIN;") + "\n";
    for (const auto& s : statements) out += s + "\n";
    out += ctx.style().sql_keyword("COMMIT;") + "\n";
    ctx.out() << out;
    return 0;
  }

 private:
  std::string app_label_, migration_name_;
  bool backwards_ = false;
};

}  // namespace mvt::cli

MVT_REGISTER_COMMAND(mvt::cli::SqlMigrateCommand, "sqlmigrate")
