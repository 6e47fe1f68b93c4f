// mvt squashmigrations: Django's squashmigrations — one migration that
// `replaces` a range of an app's migrations (used in their place on new
// databases, alongside them on databases that applied them).
#include <fstream>
#include <iostream>

#include "cli/command.hpp"
#include "cli/migration_errors.hpp"
#include "migrator/loader.hpp"
#include "migrator/optimizer.hpp"
#include "migrator/project_support.hpp"
#include "migrator/writer.hpp"

namespace mvt::cli {

using namespace mvt::migrator;

class SquashMigrationsCommand : public Command {
 public:
  std::string name() const override { return "squashmigrations"; }
  std::string help() const override {
    return "Squashes an existing set of migrations (from first until specified) into a single new one.";
  }
  void add_arguments(CLI::App& app) override {
    app.add_option("app_label", app_label_, "App label of the application to squash migrations for.")->required();
    app.add_option("start_migration_name", start_name_,
                   "Migrations will be squashed starting from and including this migration.");
    app.add_option("migration_name", end_name_, "Migrations will be squashed until and including this migration.");
    app.add_flag("--no-optimize", no_optimize_, "Do not try to optimize the squashed operations.");
    app.add_flag("--noinput,--no-input", noinput_, "Tells mvt to NOT prompt the user for input of any kind.");
    app.add_option("--squashed-name", squashed_name_, "Sets the name of the new squashed migration.");
    app.add_flag("--no-header", no_header_, "Do not add a header comment to the new squashed migration.");
  }

  int handle(CommandContext& ctx) override {
    return run_reporting_migration_errors([&] { return run(ctx); });
  }

 private:
  int run(CommandContext& ctx) {
    // With one positional name it is the end of the range (argparse fills migration_name last).
    if (end_name_.empty()) std::swap(end_name_, start_name_);
    if (end_name_.empty()) throw CommandError("Error: the following arguments are required: migration_name");
    Project& project = ctx.project();
    if (!project.app(app_label_)) throw CommandError("No installed app with label '" + app_label_ + "'.");
    const bool interactive = ctx.interactive() && !noinput_;
    const int v = ctx.verbosity();
    auto conn = open_project_database(project, false);
    MigrationLoader loader(project, conn.get());
    if (!loader.migrated_apps.count(app_label_))
      throw CommandError("App '" + app_label_ + "' does not have migrations (so squashmigrations on it makes no sense)");
    if (project.app(app_label_)->builtin) throw CommandError("Cannot squash the migrations of built-in app '" + app_label_ + "'.");
    auto find = [&](const std::string& name) {
      try {
        return loader.get_migration_by_prefix(app_label_, name);
      } catch (const MigrationError& e) {
        throw CommandError(e.what());
      }
    };
    MigrationPtr migration = find(end_name_);
    std::vector<MigrationPtr> to_squash;
    for (const auto& k : loader.graph.forwards_plan(migration->key()))
      if (k.first == app_label_) to_squash.push_back(loader.disk_migrations.at(k));
    MigrationPtr start;
    if (!start_name_.empty()) {
      start = find(start_name_);
      auto it = std::find_if(to_squash.begin(), to_squash.end(), [&](const MigrationPtr& m) { return m->name == start->name; });
      if (it == to_squash.end())
        throw CommandError("The migration '" + start->label() + "' cannot be found. Maybe it comes after the migration '" +
                           migration->label() + "'?\nHave a look at:\n  mvt showmigrations " + app_label_ +
                           "\nto debug this issue.");
      to_squash.erase(to_squash.begin(), it);
    }
    if (v > 0 || interactive) {
      ctx.out() << ctx.style().migrate_heading("Will squash the following migrations:") << "\n";
      for (const auto& m : to_squash) ctx.out() << " - " << m->name << "\n";
      if (interactive) {
        std::string answer;
        ctx.out() << "Do you wish to proceed? [yN] " << std::flush;
        if (!std::getline(std::cin, answer)) answer.clear();
        if (answer.empty() || std::tolower(static_cast<unsigned char>(answer[0])) != 'y') return 0;
      }
    }
    std::vector<OpPtr> operations;
    std::vector<MigrationKey> dependencies;
    bool first = true;
    for (const auto& m : to_squash) {
      if (!m->replaces.empty())
        throw CommandError("You cannot squash squashed migrations! Please transition it to a normal migration first");
      operations.insert(operations.end(), m->operations.begin(), m->operations.end());
      for (const auto& d : m->dependencies)
        if (d.first != m->app_label || first) dependencies.push_back(d);
      first = false;
    }
    std::vector<OpPtr> new_operations = operations;
    if (no_optimize_) {
      if (v > 0) ctx.out() << ctx.style().migrate_heading("(Skipping optimization.)") << "\n";
    } else {
      if (v > 0) ctx.out() << ctx.style().migrate_heading("Optimizing...") << "\n";
      new_operations = optimize(operations, app_label_);
      if (v > 0) {
        if (new_operations.size() == operations.size()) ctx.out() << "  No optimizations possible.\n";
        else
          ctx.out() << "  Optimized from " << operations.size() << " operations to " << new_operations.size()
                    << " operations.\n";
      }
    }
    Migration squashed;
    squashed.app_label = app_label_;
    squashed.operations = new_operations;
    squashed.dependencies = dependencies;
    for (const auto& m : to_squash) squashed.replaces.push_back(m->key());
    if (start) {
      squashed.name = squashed_name_.empty() ? start->name + "_squashed_" + migration->name
                                             : start->name.substr(0, start->name.find('_')) + "_" + squashed_name_;
    } else {
      squashed.name = "0001_" + (squashed_name_.empty() ? "squashed_" + migration->name : squashed_name_);
      squashed.initial = true;
    }
    auto path = loader.migration_dirs.at(app_label_) / (squashed.name + ".yaml");
    std::ofstream out(path, std::ios::binary);
    if (!out) throw CommandError("Cannot write " + path.string());
    out << write_migration(squashed, !no_header_);
    if (v > 0)
      ctx.out() << ctx.style().migrate_heading("Created new squashed migration " + path.string()) << "\n"
                << "  You should commit this migration but leave the old ones in place;\n"
                   "  the new migration will be used for new installs. Once you are sure\n"
                   "  all instances of the codebase have applied the migrations you squashed,\n"
                   "  you can delete them.\n";
    return 0;
  }

 private:
  std::string app_label_, start_name_, end_name_, squashed_name_;
  bool no_optimize_ = false, noinput_ = false, no_header_ = false;
};

}  // namespace mvt::cli

MVT_REGISTER_COMMAND(mvt::cli::SquashMigrationsCommand, "squashmigrations")
