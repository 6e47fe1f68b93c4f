// mvt makemigrations: Django's makemigrations command — the autodetector over
// models.yaml and the migrations on disk, the interactive questioner (when
// stdin is a terminal), --merge, --empty, --dry-run, --check (writes nothing,
// as Django 4.2), --noinput (exit status 3 when a default is needed).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cli/command.hpp"
#include "cli/migration_errors.hpp"
#include "core/models_yaml.hpp"
#include "migrator/autodetector.hpp"
#include "migrator/loader.hpp"
#include "migrator/project_support.hpp"
#include "migrator/recorder.hpp"
#include "migrator/writer.hpp"

namespace mvt::cli {

namespace fs = std::filesystem;
using namespace mvt::migrator;

namespace {

/// Django's InteractiveMigrationQuestioner, asking on the terminal.
class TerminalQuestioner : public MigrationQuestioner {
 public:
  explicit TerminalQuestioner(CommandContext& ctx) : ctx_(ctx) {}

  std::optional<models::Value> ask_not_null_addition(const models::FieldDef& field,
                                                     const std::string& model_name) override {
    if (dry_run) return std::nullopt;
    int choice = choice_input("You are trying to add a non-nullable field '" + field.name + "' to " + model_name +
                                  " without a default; we can't do that (the database needs something to populate "
                                  "existing rows).\nPlease select a fix:",
                              {"Provide a one-off default now (will be set on all existing rows with a null value for "
                               "this column)",
                               "Quit, and let me add a default in models.yaml"});
    if (choice == 2) throw QuestionerExit(3, "");
    return ask_default(field);
  }

  std::optional<models::Value> ask_not_null_alteration(const models::FieldDef& field,
                                                       const std::string& model_name) override {
    if (dry_run) return std::nullopt;
    int choice = choice_input(
        "You are trying to change the nullable field '" + field.name + "' on " + model_name +
            " to non-nullable without a default; we can't do that (the database needs something to populate "
            "existing rows).\nPlease select a fix:",
        {"Provide a one-off default now (will be set on all existing rows with a null value for this column)",
         "Ignore for now, and let me handle existing rows with NULL myself (e.g. because you added a RunSQL "
         "operation to handle NULL values in a previous data migration)",
         "Quit, and let me add a default in models.yaml"});
    if (choice == 2) return std::nullopt;
    if (choice == 3) throw QuestionerExit(3, "");
    return ask_default(field);
  }

  std::optional<models::Value> ask_auto_now_add_addition(const models::FieldDef& field,
                                                         const std::string& model_name) override {
    if (dry_run) return std::nullopt;
    int choice = choice_input("You are trying to add the field '" + field.name +
                                  "' with 'auto_now_add=True' to " + model_name +
                                  " without a default; the database needs something to populate existing rows.\n",
                              {"Provide a one-off default now (will be set on all existing rows)",
                               "Quit, and let me add a default in models.yaml"});
    if (choice == 2) throw QuestionerExit(3, "");
    return ask_default(field, "timezone.now");
  }

  bool ask_rename(const std::string& model_name, const std::string& old_name, const std::string& new_name,
                  const models::FieldDef& field) override {
    return boolean_input("Did you rename " + model_name + "." + old_name + " to " + model_name + "." + new_name +
                             " (a " + field.type_name() + ")? [y/N]",
                         false);
  }

  bool ask_rename_model(const models::ModelDef& old_model, const models::ModelDef& new_model) override {
    return boolean_input("Did you rename the " + old_model.app_label + "." + old_model.name + " model to " +
                             new_model.name + "? [y/N]",
                         false);
  }

  bool ask_merge(const std::string&) override {
    return boolean_input(
        "\nMerging will only work if the operations printed above do not conflict\n"
        "with each other (working on different fields or models)\n"
        "Do you want to merge these migration branches? [y/N]",
        false);
  }

 private:
  CommandContext& ctx_;

  std::string input(const std::string& prompt) {
    ctx_.out() << prompt << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) {
      ctx_.out() << "\n";
      throw QuestionerExit(1, "");
    }
    return line;
  }

  bool boolean_input(const std::string& question, std::optional<bool> dflt) {
    std::string result = input(question + " ");
    if (result.empty() && dflt) return *dflt;
    while (result.empty() || (std::tolower(static_cast<unsigned char>(result[0])) != 'y' &&
                              std::tolower(static_cast<unsigned char>(result[0])) != 'n'))
      result = input("Please answer yes or no: ");
    return std::tolower(static_cast<unsigned char>(result[0])) == 'y';
  }

  int choice_input(const std::string& question, const std::vector<std::string>& choices) {
    ctx_.out() << question << "\n";
    for (std::size_t i = 0; i < choices.size(); ++i) ctx_.out() << " " << i + 1 << ") " << choices[i] << "\n";
    std::string result = input("Select an option: ");
    while (true) {
      try {
        std::size_t pos = 0;
        int v = std::stoi(result, &pos);
        if (pos == result.size() && v > 0 && v <= static_cast<int>(choices.size())) return v;
      } catch (const std::exception&) {
      }
      result = input("Please select a valid option: ");
    }
  }

  /// Reads a one-off default as a YAML value of the field's type
  /// (`timezone.now` and the other callables by name).
  models::Value ask_default(const models::FieldDef& field, const std::string& dflt = "") {
    ctx_.out() << "Please enter the default value now, as a YAML value (converted like the field's 'default')\n";
    if (!dflt.empty())
      ctx_.out() << "You can accept the default '" << dflt
                 << "' by pressing 'Enter' or you can provide another value.\n";
    ctx_.out() << "The callables timezone.now, date.today and uuid.uuid4 are available, so you can enter e.g. "
                  "timezone.now\n"
               << "Type 'exit' to exit this prompt\n";
    while (true) {
      std::string code = input(dflt.empty() ? ">>> " : "[default: " + dflt + "] >>> ");
      if (code.empty() && !dflt.empty()) code = dflt;
      if (code.empty()) {
        ctx_.out() << "Please enter some code, or 'exit' (with no quotes) to exit.\n";
        continue;
      }
      if (code == "exit") throw QuestionerExit(1, "");
      static const std::set<std::string> callables{"timezone.now", "date.today", "uuid.uuid4", "now", "today",
                                                   "uuid4", "dict", "list"};
      std::string text = callables.count(code) ? "{callable: " + code + "}" : code;
      Diagnostics diags;
      auto doc = yaml::parse("value: " + text + "\n", "<input>", diags);
      if (doc) {
        models::ParseContext pc{*doc, diags, "", false};
        auto v = models::parse_field_value(pc, field, doc->root["value"], "the default");
        if (v && !diags.has_errors()) return *v;
      }
      std::string why = diags.empty() ? "not a value" : diags.items().front().message;
      ctx_.out() << "Invalid input: " << why << "\n";
    }
  }
};

std::string relative_display(const fs::path& p) {
  std::error_code ec;
  fs::path rel = fs::relative(p, fs::current_path(), ec);
  if (ec || rel.empty() || rel.string().rfind("..", 0) == 0) return p.string();
  return rel.string();
}

}  // namespace

class MakeMigrationsCommand : public Command {
 public:
  std::string name() const override { return "makemigrations"; }
  std::string help() const override { return "Creates new migration(s) for apps."; }
  void add_arguments(CLI::App& app) override {
    app.add_option("app_label", app_labels_, "Specify the app label(s) to create migrations for.");
    app.add_flag("--dry-run", dry_run_, "Just show what migrations would be made; don't actually write them.");
    app.add_flag("--merge", merge_, "Enable fixing of migration conflicts.");
    app.add_flag("--empty", empty_, "Create an empty migration.");
    app.add_flag("--noinput,--no-input", noinput_, "Tells mvt to NOT prompt the user for input of any kind.");
    app.add_option("-n,--name", migration_name_, "Use this name for migration file(s).");
    app.add_flag("--no-header", no_header_, "Do not add header comments to new migration file(s).");
    app.add_flag("--check", check_, "Exit with a non-zero status if model changes are missing migrations.");
  }

  int handle(CommandContext& ctx) override {
    return run_reporting_migration_errors([&] { return run(ctx); });
  }

 private:
  int run(CommandContext& ctx) {
    Project& project = ctx.project();
    verbosity_ = ctx.verbosity();
    if (!migration_name_.empty() && !is_identifier(migration_name_))
      throw CommandError("The migration name must be a valid Python identifier.");
    if (check_) dry_run_ = true;  // Django 4.2: --check writes nothing
    std::set<std::string> labels(app_labels_.begin(), app_labels_.end());
    bool bad = false;
    for (const auto& l : labels)
      if (!project.app(l)) {
        ctx.err() << "No installed app with label '" << l << "'.\n";
        bad = true;
      }
    if (bad) return 2;

    Diagnostics warnings;
    models::ModelRegistry registry = models::load_valid_models(project, warnings);
    ctx.err() << warnings.format();

    LoaderOptions lo;
    lo.ignore_no_migrations = true;
    MigrationLoader loader(project, nullptr, lo);
    {
      // Migrations applied before their dependencies make the history inconsistent.
      auto conn = open_project_database(project, false);
      loader.check_consistent_history(MigrationRecorder(*conn).applied_migrations());
    }
    auto conflicts = loader.detect_conflicts();
    if (!labels.empty())
      for (auto it = conflicts.begin(); it != conflicts.end();)
        it = labels.count(it->first) ? std::next(it) : conflicts.erase(it);
    if (!conflicts.empty() && !merge_) {
      std::string list;
      for (const auto& [app, names] : conflicts) {
        std::string n;
        for (const auto& x : names) n += (n.empty() ? "" : ", ") + x;
        list += (list.empty() ? "" : "; ") + n + " in " + app;
      }
      throw CommandError("Conflicting migrations detected; multiple leaf nodes in the migration graph: (" + list +
                         ").\nTo fix them run 'mvt makemigrations --merge'");
    }
    if (merge_ && conflicts.empty()) {
      ctx.out() << "No conflicts detected to merge.\n";
      return 0;
    }

    std::unique_ptr<MigrationQuestioner> questioner;
    if (ctx.interactive() && !noinput_) questioner = std::make_unique<TerminalQuestioner>(ctx);
    else questioner = std::make_unique<NonInteractiveQuestioner>();
    questioner->specified_apps = labels;
    questioner->dry_run = dry_run_;
    questioner->migration_dirs = loader.migration_dirs;
    questioner->log = [&ctx](const std::string& line) { ctx.out() << line << "\n"; };

    try {
      if (merge_) return handle_merge(ctx, loader, conflicts, *questioner);

      // The state the migrations give, plus the models of apps without
      // migrations (Django's real_apps).
      ProjectState from_state = loader.project_state();
      for (const auto* m : registry.models())
        if (loader.unmigrated_apps.count(m->app_label)) from_state.add(*m);
      MigrationAutodetector autodetector(from_state, current_models_state(registry), *questioner,
                                         loader.unmigrated_apps);
      if (empty_) {
        if (labels.empty()) throw CommandError("You must supply at least one app label when using --empty.");
        Changes changes;
        for (const auto& app : labels) {
          auto m = std::make_shared<Migration>();
          m->app_label = app;
          m->name = "custom";
          changes[app].push_back(m);
        }
        changes = autodetector.arrange_for_graph(changes, loader.graph, migration_name_);
        write_migration_files(ctx, project, loader, changes);
        return 0;
      }
      Changes changes = autodetector.changes(loader.graph, labels, labels, migration_name_);
      for (auto it = changes.begin(); it != changes.end();)
        it = project.app(it->first) && project.app(it->first)->builtin ? changes.erase(it) : std::next(it);
      if (changes.empty()) {
        if (verbosity_ >= 1) {
          if (labels.size() == 1) {
            ctx.out() << "No changes detected in app '" << *labels.begin() << "'\n";
          } else if (labels.size() > 1) {
            std::string list;
            for (const auto& l : labels) list += (list.empty() ? "" : "', '") + l;
            ctx.out() << "No changes detected in apps '" << list << "'\n";
          } else {
            ctx.out() << "No changes detected\n";
          }
        }
        return 0;
      }
      write_migration_files(ctx, project, loader, changes);
      return check_ ? 1 : 0;
    } catch (const QuestionerExit& e) {
      return e.code;
    }
  }

 private:
  std::vector<std::string> app_labels_;
  bool dry_run_ = false, merge_ = false, empty_ = false, noinput_ = false, no_header_ = false, check_ = false;
  std::string migration_name_;
  int verbosity_ = 1;

  static bool is_identifier(const std::string& s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    for (unsigned char c : s)
      if (!(std::isalnum(c) || c == '_')) return false;
    return true;
  }

  fs::path migration_path(const Project& project, const MigrationLoader& loader, const Migration& m) const {
    auto it = loader.migration_dirs.find(m.app_label);
    fs::path dir = it != loader.migration_dirs.end() ? it->second : project.base_dir() / m.app_label / "migrations";
    return dir / (m.name + ".yaml");
  }

  void write_migration_files(CommandContext& ctx, const Project& project, const MigrationLoader& loader,
                             const Changes& changes) {
    for (const auto& [app, list] : changes) {
      if (verbosity_ >= 1) ctx.out() << ctx.style().migrate_heading("Migrations for '" + app + "':") << "\n";
      for (const auto& m : list) {
        fs::path path = migration_path(project, loader, *m);
        if (verbosity_ >= 1) {
          ctx.out() << "  " << ctx.style().migrate_label(relative_display(path)) << "\n";
          for (const auto& op : m->operations) ctx.out() << "    - " << op->describe() << "\n";
        }
        std::string text = write_migration(*m, !no_header_);
        if (!dry_run_) {
          std::error_code ec;
          fs::create_directories(path.parent_path(), ec);
          std::ofstream out(path, std::ios::binary);
          if (!out) throw CommandError("Cannot write " + path.string());
          out << text;
        }
        if (verbosity_ >= 3) {
          ctx.out() << ctx.style().migrate_heading("Full migrations file '" + path.filename().string() + "':")
                    << "\n"
                    << text;
        }
      }
    }
  }

  int handle_merge(CommandContext& ctx, const MigrationLoader& loader,
                   const std::map<std::string, std::vector<std::string>>& conflicts, MigrationQuestioner& questioner) {
    for (const auto& [app, names] : conflicts) {
      struct Branch {
        MigrationPtr migration;
        std::vector<MigrationKey> ancestry;
        std::vector<OpPtr> ops;
      };
      std::vector<Branch> branches;
      for (const auto& name : names) {
        Branch b;
        b.migration = loader.graph.migration({app, name});
        for (const auto& k : loader.graph.forwards_plan({app, name}))
          if (k.first == app) b.ancestry.push_back(k);
        branches.push_back(std::move(b));
      }
      std::size_t common = 0;
      while (true) {
        bool all = true;
        for (const auto& b : branches)
          if (b.ancestry.size() <= common || b.ancestry[common] != branches[0].ancestry[common]) all = false;
        if (!all) break;
        ++common;
      }
      if (common == 0) throw CommandError("Could not find common ancestor of " + app);
      for (auto& b : branches)
        for (std::size_t i = common; i < b.ancestry.size(); ++i)
          for (const auto& op : loader.graph.migration(b.ancestry[i])->operations) b.ops.push_back(op);
      if (verbosity_ > 0) {
        ctx.out() << ctx.style().migrate_heading("Merging " + app) << "\n";
        for (const auto& b : branches) {
          ctx.out() << ctx.style().migrate_label("  Branch " + b.migration->name) << "\n";
          for (const auto& op : b.ops) ctx.out() << "    - " << op->describe() << "\n";
        }
      }
      bool proceed = dynamic_cast<TerminalQuestioner*>(&questioner) ? questioner.ask_merge(app) : true;
      if (!proceed) continue;
      int biggest = 1;
      bool any = false;
      for (const auto& b : branches)
        if (auto n = MigrationAutodetector::parse_number(b.migration->name)) {
          biggest = any ? std::max(biggest, *n) : *n;
          any = true;
        }
      char num[16];
      std::snprintf(num, sizeof num, "%04d", biggest + 1);
      std::string name = num;
      if (!migration_name_.empty()) {
        name += "_" + migration_name_;
      } else {
        std::vector<std::string> leaf_names;
        for (const auto& b : branches) leaf_names.push_back(b.migration->name);
        std::sort(leaf_names.begin(), leaf_names.end());
        std::string joined;
        for (const auto& l : leaf_names) joined += (joined.empty() ? "" : "_") + l;
        name += "_merge_" + (joined.size() > 47 ? migration_name_timestamp() : joined);
      }
      Migration merge;
      merge.app_label = app;
      merge.name = name;
      for (const auto& b : branches) merge.dependencies.push_back({app, b.migration->name});
      auto it = loader.migration_dirs.find(app);
      fs::path path = (it != loader.migration_dirs.end() ? it->second : fs::path(app) / "migrations") / (name + ".yaml");
      std::string text = write_migration(merge, !no_header_);
      if (!dry_run_) {
        std::ofstream out(path, std::ios::binary);
        if (!out) throw CommandError("Cannot write " + path.string());
        out << text;
        if (verbosity_ > 0) ctx.out() << "\nCreated new merge migration " << path.string() << "\n";
      } else if (verbosity_ == 3) {
        ctx.out() << ctx.style().migrate_heading("Full merge migrations file '" + path.filename().string() + "':")
                  << "\n"
                  << text;
      }
    }
    return 0;
  }
};

}  // namespace mvt::cli

MVT_REGISTER_COMMAND(mvt::cli::MakeMigrationsCommand, "makemigrations")
