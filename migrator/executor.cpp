#include "migrator/executor.hpp"

#include <algorithm>
#include <set>

namespace mvt::migrator {

MigrationExecutor::MigrationExecutor(const Project& project, db::Connection& connection, ProgressCallback progress)
    : loader(project, &connection), recorder(connection), conn_(connection), progress_(std::move(progress)) {}

std::vector<PlanStep> MigrationExecutor::migration_plan(const std::vector<Target>& targets, bool clean_start) const {
  std::vector<PlanStep> plan;
  std::set<MigrationKey> applied = clean_start ? std::set<MigrationKey>{} : loader.applied_migrations;
  const MigrationGraph& g = loader.graph;
  for (const auto& t : targets) {
    if (!t.name) {
      for (const auto& root : g.root_nodes()) {
        if (root.first != t.app_label) continue;
        for (const auto& m : g.backwards_plan(root)) {
          if (applied.count(m)) {
            plan.push_back({g.migration(m), true});
            applied.erase(m);
          }
        }
      }
      continue;
    }
    MigrationKey key{t.app_label, *t.name};
    if (applied.count(key)) {
      std::vector<MigrationKey> next;
      for (const auto& c : g.children(key))
        if (c.first == key.first) next.push_back(c);
      std::sort(next.begin(), next.end());
      for (const auto& n : next) {
        for (const auto& m : g.backwards_plan(n)) {
          if (applied.count(m)) {
            plan.push_back({g.migration(m), true});
            applied.erase(m);
          }
        }
      }
    } else {
      for (const auto& m : g.forwards_plan(key)) {
        if (!applied.count(m)) {
          plan.push_back({g.migration(m), false});
          applied.insert(m);
        }
      }
    }
  }
  return plan;
}

ProjectState MigrationExecutor::create_project_state(bool with_applied) const {
  ProjectState state;
  if (!with_applied) return state;
  std::vector<Target> leaves;
  for (const auto& [a, n] : loader.graph.leaf_nodes()) leaves.push_back({a, n});
  for (const auto& step : migration_plan(leaves, true))
    if (loader.applied_migrations.count(step.migration->key())) step.migration->mutate_state(state);
  return state;
}

void MigrationExecutor::record_migration(const Migration& m, bool applied) {
  if (!m.replaces.empty()) {
    for (const auto& [a, n] : m.replaces) {
      if (applied) recorder.record_applied(a, n);
      else recorder.record_unapplied(a, n);
    }
  } else if (applied) {
    recorder.record_applied(m.app_label, m.name);
  } else {
    recorder.record_unapplied(m.app_label, m.name);
  }
}

namespace {

/// One migration's transaction: foreign key enforcement off for the schema
/// change (SQLite cannot switch it inside a transaction), the check of
/// every reference before commit, and a rollback of everything on failure.
class MigrationTransaction {
 public:
  explicit MigrationTransaction(db::Connection& c) : c_(c) {
    c_.set_foreign_keys(false);
    c_.begin();
  }
  ~MigrationTransaction() {
    if (!done_) {
      try {
        if (c_.in_transaction()) c_.rollback();
      } catch (...) {
      }
    }
    try {
      c_.set_foreign_keys(true);
    } catch (...) {
    }
  }
  void commit() {
    if (auto violation = c_.foreign_key_violation()) throw db::DatabaseError(*violation, 787);
    c_.commit();
    done_ = true;
  }

 private:
  db::Connection& c_;
  bool done_ = false;
};

}  // namespace

void MigrationExecutor::apply_migration(ProjectState& state, const Migration& m, bool fake, bool fake_initial) {
  if (progress_) progress_(Progress::ApplyStart, m, fake);
  if (!fake && fake_initial && detect_soft_applied(state, m)) fake = true;
  if (fake) {
    m.mutate_state(state);
    record_migration(m, true);
  } else {
    MigrationTransaction txn(conn_);
    SchemaEditor editor(&conn_, false);
    editor.set_rename_content_types(rename_content_types_.count(m.key()) > 0);
    m.apply(state, editor);
    editor.flush_deferred();
    record_migration(m, true);
    txn.commit();
  }
  loader.applied_migrations.insert(m.key());
  if (progress_) progress_(Progress::ApplySuccess, m, fake);
}

void MigrationExecutor::unapply_migration(const ProjectState& state, const Migration& m, bool fake) {
  if (progress_) progress_(Progress::UnapplyStart, m, fake);
  if (!fake) {
    MigrationTransaction txn(conn_);
    SchemaEditor editor(&conn_, false);
    editor.set_rename_content_types(rename_content_types_.count(m.key()) > 0);
    m.unapply(state, editor);
    editor.flush_deferred();
    record_migration(m, false);
    txn.commit();
  } else {
    record_migration(m, false);
  }
  loader.applied_migrations.erase(m.key());
  if (progress_) progress_(Progress::UnapplySuccess, m, fake);
}

namespace {

/// Runs the migrations of one `migrate` with the database in WAL mode and
/// restores the rollback journal afterwards. Each migration still commits
/// on its own (as durably as before); a commit costs one sync instead of
/// several, and the file ends in the journal mode Django uses. When the
/// mode cannot change (another connection, an in-memory database) nothing
/// changes.
class WalDuringMigrate {
 public:
  explicit WalDuringMigrate(db::Connection& c) : c_(c) {
    try {
      auto mode = c_.query_one("PRAGMA journal_mode");
      if (!mode || !mode->at(0).is_text() || mode->at(0).as_text() != "delete") return;
      auto now = c_.query_one("PRAGMA journal_mode = WAL");
      switched_ = now && now->at(0).is_text() && now->at(0).as_text() == "wal";
    } catch (const db::DatabaseError&) {
    }
  }
  ~WalDuringMigrate() {
    if (!switched_) return;
    try {
      c_.query("PRAGMA journal_mode = DELETE");
    } catch (...) {
    }
  }

 private:
  db::Connection& c_;
  bool switched_ = false;
};

}  // namespace

ProjectState MigrationExecutor::migrate(const std::vector<PlanStep>& plan, bool fake, bool fake_initial) {
  std::optional<WalDuringMigrate> wal;
  if (!plan.empty() && !fake) wal.emplace(conn_);
  recorder.ensure_schema();
  std::vector<Target> leaves;
  for (const auto& [a, n] : loader.graph.leaf_nodes()) leaves.push_back({a, n});
  const auto full_plan = migration_plan(leaves, true);
  const bool all_forwards = std::none_of(plan.begin(), plan.end(), [](const PlanStep& s) { return s.backwards; });
  const bool all_backwards = std::all_of(plan.begin(), plan.end(), [](const PlanStep& s) { return s.backwards; });
  if (!plan.empty() && all_forwards == all_backwards)
    throw MigrationError(
        "Migration plans with both forwards and backwards migrations are not supported. Please split your migration "
        "process into separate plans of only forwards OR backwards migrations.");
  std::set<MigrationKey> to_run;
  for (const auto& s : plan) to_run.insert(s.migration->key());
  // Django's inject_rename_contenttypes_operations (pre_migrate): content
  // types follow RenameModel in the migrations planned once the
  // ContentType model exists in the state (from contenttypes.0001_initial
  // on; none after unapplying it).
  rename_content_types_.clear();
  bool ct_available = create_project_state(true).get("contenttypes", "ContentType") != nullptr;
  for (const auto& s : plan) {
    if (s.migration->key() == MigrationKey{"contenttypes", "0001_initial"}) {
      if (s.backwards) break;
      ct_available = true;
      continue;
    }
    if (ct_available) rename_content_types_.insert(s.migration->key());
  }
  if (!plan.empty() && all_forwards) {
    ProjectState state = create_project_state(true);
    for (const auto& step : full_plan) {
      if (to_run.empty()) break;
      if (!to_run.count(step.migration->key())) continue;
      apply_migration(state, *step.migration, fake, fake_initial);
      to_run.erase(step.migration->key());
    }
  } else if (!plan.empty()) {
    std::map<MigrationKey, ProjectState> states;
    ProjectState state;
    auto applied = loader.applied_migrations;
    // Django computes the states before each migration first ("Rendering model states...").
    if (progress_) progress_(Progress::RenderStart, *plan.front().migration, false);
    for (const auto& step : full_plan) {
      if (to_run.empty()) break;
      const MigrationKey key = step.migration->key();
      if (to_run.count(key)) {
        states.emplace(key, state);
        step.migration->mutate_state(state);
        to_run.erase(key);
      } else if (applied.count(key)) {
        step.migration->mutate_state(state);
      }
    }
    if (progress_) progress_(Progress::RenderSuccess, *plan.front().migration, false);
    for (const auto& step : plan) unapply_migration(states.at(step.migration->key()), *step.migration, fake);
  }
  check_replacements();
  return create_project_state(true);
}

void MigrationExecutor::check_replacements() {
  auto applied = recorder.applied_migrations();
  for (const auto& [key, m] : loader.replacements) {
    bool all = std::all_of(m->replaces.begin(), m->replaces.end(),
                           [&](const MigrationKey& k) { return applied.count(k) > 0; });
    if (all && !applied.count(key)) recorder.record_applied(key.first, key.second);
  }
}

bool MigrationExecutor::detect_soft_applied(const ProjectState& state, const Migration& m) {
  if (!m.initial) {
    for (const auto& d : m.dependencies)
      if (d.first == m.app_label) return false;
  } else if (!*m.initial) {
    return false;
  }
  ProjectState after = state;
  m.mutate_state(after);
  std::set<std::string> tables;
  for (const auto& t : conn_.table_names()) tables.insert(models::lower(t));
  bool found_create = false, found_add = false;
  for (const auto& op : m.operations) {
    if (op->type() == Operation::Type::CreateModel) {
      const auto& cm = static_cast<const CreateModel&>(*op);
      const ModelDef& model = get_model(after, m.app_label, cm.name);
      if (!tables.count(models::lower(model.db_table()))) return false;
      found_create = true;
    } else if (op->type() == Operation::Type::AddField) {
      const auto& af = static_cast<const AddField&>(*op);
      const ModelDef& model = get_model(after, m.app_label, af.model_name);
      const FieldDef& f = get_field(model, af.name);
      if (f.many_to_many()) {
        if (!tables.count(models::lower(after.m2m_db_table(model, f)))) return false;
        found_add = true;
        continue;
      }
      bool found = false;
      for (const auto& c : conn_.table_info(model.db_table()))
        if (models::lower(c.name) == models::lower(f.column())) found = true;
      if (!found) return false;
      found_add = true;
    }
  }
  return found_create || found_add;
}

std::vector<std::string> MigrationExecutor::collect_sql(const std::vector<PlanStep>& plan) const {
  std::vector<std::string> statements;
  std::optional<ProjectState> state;
  for (const auto& step : plan) {
    SchemaEditor editor(&conn_, true);
    if (!state) state = loader.project_state({step.migration->key()}, false);
    if (!step.backwards) {
      step.migration->apply(*state, editor);
    } else {
      step.migration->unapply(*state, editor);
    }
    editor.flush_deferred();
    for (auto& s : editor.collected_sql()) statements.push_back(std::move(s));
  }
  return statements;
}

}  // namespace mvt::migrator
