#pragma once
// Running migrations (Django's django.db.migrations.executor.MigrationExecutor):
// plans forwards or backwards to any targets, applies each migration in its
// own transaction (foreign key checks off during the change, PRAGMA
// foreign_key_check before commit, the record in django_migrations inside
// the same transaction), --fake and --fake-initial.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "migrator/loader.hpp"
#include "migrator/recorder.hpp"

namespace mvt::migrator {

/// A migrate target: an app and a migration name, or nullopt for "zero".
struct Target {
  std::string app_label;
  std::optional<std::string> name;
};

/// One step of a plan: a migration and whether it runs backwards.
struct PlanStep {
  MigrationPtr migration;
  bool backwards = false;
};

/// Progress events (Django's progress_callback actions).
enum class Progress { ApplyStart, ApplySuccess, UnapplyStart, UnapplySuccess, RenderStart, RenderSuccess };
using ProgressCallback = std::function<void(Progress, const Migration&, bool fake)>;

class MigrationExecutor {
 public:
  MigrationExecutor(const Project& project, db::Connection& connection, ProgressCallback progress = {});

  MigrationLoader loader;
  MigrationRecorder recorder;

  /// The steps to reach `targets` (Django's migration_plan).
  std::vector<PlanStep> migration_plan(const std::vector<Target>& targets, bool clean_start = false) const;
  /// Applies or unapplies `plan` (all forwards or all backwards); returns
  /// the project state after. Throws OperationError, db::DatabaseError,
  /// IrreversibleError or MigrationError; migrations before the failing one
  /// stay applied, the failing one is rolled back wholly.
  ProjectState migrate(const std::vector<PlanStep>& plan, bool fake = false, bool fake_initial = false);
  /// Marks squashed migrations applied when all they replace are (Django's check_replacements).
  void check_replacements();
  /// Whether an initial migration's tables and columns already exist
  /// (Django's detect_soft_applied, for --fake-initial).
  bool detect_soft_applied(const ProjectState& state, const Migration& migration);
  /// The SQL a plan would run (sqlmigrate), without executing it.
  std::vector<std::string> collect_sql(const std::vector<PlanStep>& plan) const;

 private:
  db::Connection& conn_;
  ProgressCallback progress_;
  std::set<MigrationKey> rename_content_types_;  // migrations whose RenameModels rename content types
  ProjectState create_project_state(bool with_applied) const;
  void apply_migration(ProjectState& state, const Migration& m, bool fake, bool fake_initial);
  void unapply_migration(const ProjectState& state, const Migration& m, bool fake);
  void record_migration(const Migration& m, bool applied);
};

}  // namespace mvt::migrator
