#include "migrator/migration.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace mvt::migrator {

void Migration::mutate_state(ProjectState& state) const {
  for (const auto& op : operations) op->state_forwards(app_label, state);
}

namespace {

// Whether Django's database_forwards renders the "to" state (before the
// "from" one, for the operations that use both).
bool renders_to_state(Operation::Type t) {
  using T = Operation::Type;
  switch (t) {
    case T::DeleteModel: case T::RemoveField: case T::RemoveIndex: case T::AlterModelOptions: case T::RunSQL:
    case T::RunPython:
      return false;
    default:
      return true;
  }
}

}  // namespace

void Migration::apply(ProjectState& state, SchemaEditor& editor) const {
  std::size_t index = 0;
  // `migrate` renders the state before the first migration, so fields of
  // each operation's "to" state are always newer; `sqlmigrate` starts from
  // an unrendered state, which the first operations render "to" first.
  bool rendered = !editor.collecting();
  for (const auto& op : operations) {
    ++index;
    editor.set_new_fields_newer(rendered);
    rendered = rendered || renders_to_state(op->type());
    if (editor.collecting()) {
      auto& sql = editor.collected_sql();
      sql.push_back("--");
      if (!op->reduces_to_sql()) sql.push_back("-- MIGRATION NOW PERFORMS OPERATION THAT CANNOT BE WRITTEN AS SQL:");
      sql.push_back("-- " + op->describe());
      sql.push_back("--");
      if (!op->reduces_to_sql()) continue;
    }
    ProjectState old_state = state;
    try {
      op->state_forwards(app_label, state);
      op->database_forwards(app_label, editor, old_state, state);
      if (op->type() == Operation::Type::RenameModel) {
        const auto& r = static_cast<const RenameModel&>(*op);
        editor.rename_content_type(app_label, models::lower(r.old_name), models::lower(r.new_name));
      }
    } catch (const IrreversibleError&) {
      throw;
    } catch (const std::exception& e) {
      throw OperationError(label(), index, op->describe(), e.what());
    }
  }
}

void Migration::unapply(const ProjectState& state, SchemaEditor& editor) const {
  struct Step {
    const Operation* op;
    std::size_t index;
    ProjectState before, after;
  };
  std::vector<Step> to_run;
  ProjectState current = state;
  std::size_t index = 0;
  for (const auto& op : operations) {
    ++index;
    if (!op->reversible()) {
      // Django: IrreversibleError("Operation %s in %s is not reversible")
      std::string repr = "<" + op->type_name();
      if (op->type() == Operation::Type::RunSQL)
        repr += "  sql='" + static_cast<const RunSQL&>(*op).sql + "'";
      repr += ">";
      throw IrreversibleError("Operation " + repr + " in " + label() + " is not reversible");
    }
    ProjectState before = current;
    op->state_forwards(app_label, current);
    to_run.push_back({op.get(), index, std::move(before), current});
  }
  // Unapplying, the state before each operation is the one rendered first
  // (executor) or the one its database_backwards renders first (sqlmigrate).
  editor.set_new_fields_newer(false);
  for (auto it = to_run.rbegin(); it != to_run.rend(); ++it) {
    if (editor.collecting()) {
      auto& sql = editor.collected_sql();
      sql.push_back("--");
      if (!it->op->reduces_to_sql())
        sql.push_back("-- MIGRATION NOW PERFORMS OPERATION THAT CANNOT BE WRITTEN AS SQL:");
      sql.push_back("-- " + it->op->describe());
      sql.push_back("--");
      if (!it->op->reduces_to_sql()) continue;
    }
    try {
      if (it->op->type() == Operation::Type::RenameModel) {
        const auto& r = static_cast<const RenameModel&>(*it->op);
        editor.rename_content_type(app_label, models::lower(r.new_name), models::lower(r.old_name));
      }
      it->op->database_backwards(app_label, editor, it->after, it->before);
    } catch (const IrreversibleError&) {
      throw;
    } catch (const std::exception& e) {
      throw OperationError(label(), it->index, it->op->describe(), e.what());
    }
  }
}

std::string migration_name_timestamp() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d_%H%M", &tm);
  return buf;
}

std::string Migration::suggest_name() const {
  if (initial.value_or(false)) return "initial";
  std::vector<std::string> fragments;
  for (const auto& op : operations) {
    auto f = op->migration_name_fragment();
    if (!f) return "auto_" + migration_name_timestamp();
    fragments.push_back(*f);
  }
  if (fragments.empty()) return "auto_" + migration_name_timestamp();
  std::string name = fragments[0];
  for (std::size_t i = 1; i < fragments.size(); ++i) {
    name += "_" + fragments[i];
    // SPEC §3: a name built from all operations, or auto_<timestamp> when
    // that would be too long (Django 4.0 caps the joined name at 52).
    if (name.size() > 52) return "auto_" + migration_name_timestamp();
  }
  return name;
}

}  // namespace mvt::migrator
