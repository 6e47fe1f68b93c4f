// Model operations (django/db/migrations/operations/models.py).
#include <algorithm>
#include <cctype>
#include <string_view>

#include "migrator/operation_utils.hpp"
#include "migrator/operations.hpp"

namespace mvt::migrator {

std::pair<std::string, std::string> resolve_relation(const std::string& target, const std::string& app_label) {
  auto [app, name] = models::split_label(target, app_label);
  return {app, models::lower(name)};
}

namespace {

/// Whether a relation target "app.Model" (or "Model" in app_label) is
/// (ref_app, ref_model_lower), compared without allocating.
bool target_is(const std::string& to, const std::string& app_label, const std::string& ref_app,
               const std::string& ref_model_lower) {
  const auto dot = to.find('.');
  std::string_view app = dot == std::string::npos ? std::string_view(app_label) : std::string_view(to).substr(0, dot);
  std::string_view name = dot == std::string::npos ? std::string_view(to) : std::string_view(to).substr(dot + 1);
  if (app != ref_app || name.size() != ref_model_lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(name[i])) !=
        std::tolower(static_cast<unsigned char>(ref_model_lower[i])))
      return false;
  return true;
}

}  // namespace

bool iequals_lower(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(name[i])) != lower[i]) return false;
  return true;
}

bool field_references(const std::string& app_label, const FieldDef& field, const std::string& ref_app,
                      const std::string& ref_model_lower, const std::string* ref_field) {
  if (!field.is_relation()) return false;
  if (target_is(field.to, app_label, ref_app, ref_model_lower)) {
    if (!ref_field || field.many_to_many() || !field.to_field || *field.to_field == *ref_field) return true;
  }
  if (field.through && target_is(*field.through, app_label, ref_app, ref_model_lower)) return true;
  return false;
}

std::string Operation::type_name() const {
  static const char* names[] = {"CreateModel", "DeleteModel", "RenameModel", "AlterModelTable",
                                "AlterUniqueTogether", "AlterModelOptions", "AddField", "RemoveField",
                                "AlterField", "RenameField", "AddIndex", "RemoveIndex", "AddConstraint",
                                "RemoveConstraint", "RunSQL", "RunPython"};
  return names[static_cast<int>(type())];
}

bool Operation::references_model(const std::string&, const std::string&) const { return true; }

bool Operation::references_field(const std::string& model_name, const std::string&,
                                 const std::string& app_label) const {
  return references_model(model_name, app_label);
}

Reduction Operation::reduce(const OpPtr& other, const std::string&) const {
  if (elidable()) return Reduction::replace({other});
  if (other->elidable()) return Reduction::replace({shared_from_this()});
  return Reduction::no();
}

// ---------------------------------------------------------------------------

bool ModelOperation::references_model(const std::string& model, const std::string&) const {
  return iequals_lower(model, name_lower());
}

Reduction ModelOperation::reduce(const OpPtr& other, const std::string& app_label) const {
  Reduction r = Operation::reduce(other, app_label);
  if (r.truthy()) return r;
  return Reduction::through(!other->references_model(name, app_label));
}

// CreateModel ----------------------------------------------------------------

void CreateModel::state_forwards(const std::string& app_label, ProjectState& state) const {
  ModelDef m;
  m.app_label = app_label;
  m.name = name;
  m.fields = fields;
  m.options = options;
  state.add(std::move(m));
}

void CreateModel::database_forwards(const std::string& app_label, SchemaEditor& editor, const ProjectState&,
                                    const ProjectState& to_state) const {
  editor.create_model(BoundModel{&get_model(to_state, app_label, name), &to_state});
}

void CreateModel::database_backwards(const std::string& app_label, SchemaEditor& editor,
                                     const ProjectState& from_state, const ProjectState&) const {
  editor.delete_model(BoundModel{&get_model(from_state, app_label, name), &from_state});
}

bool CreateModel::references_model(const std::string& model, const std::string& app_label) const {
  if (iequals_lower(model, name_lower())) return true;
  for (const auto& f : fields)
    if (f.is_relation() && field_references(app_label, f, app_label, model)) return true;
  return false;
}

Reduction CreateModel::reduce(const OpPtr& other, const std::string& app_label) const {
  auto with = [&](std::vector<FieldDef> f, models::ModelOptions o, std::string n) {
    return Reduction::replace({std::make_shared<CreateModel>(std::move(n), std::move(f), std::move(o))});
  };
  switch (other->type()) {
    case Type::DeleteModel:
      if (static_cast<const DeleteModel&>(*other).name_lower() == name_lower()) return Reduction::replace({});
      break;
    case Type::RenameModel: {
      const auto& o = static_cast<const RenameModel&>(*other);
      if (models::lower(o.old_name) == name_lower()) return with(fields, options, o.new_name);
      break;
    }
    case Type::AlterModelOptions: {
      const auto& o = static_cast<const AlterModelOptions&>(*other);
      if (o.name_lower() == name_lower()) {
        models::ModelOptions opts = options;
        opts.set_alter_options(o.options);
        return with(fields, opts, name);
      }
      break;
    }
    case Type::AlterUniqueTogether: {
      const auto& o = static_cast<const AlterUniqueTogether&>(*other);
      if (o.name_lower() == name_lower()) {
        models::ModelOptions opts = options;
        opts.unique_together = o.unique_together;
        return with(fields, opts, name);
      }
      break;
    }
    case Type::AddField: case Type::RemoveField: case Type::AlterField: case Type::RenameField: {
      const auto& fo = static_cast<const FieldOperation&>(*other);
      if (fo.model_name_lower() != name_lower()) break;
      if (other->type() == Type::AddField) {
        std::vector<FieldDef> f;
        f.reserve(fields.size() + 1);
        f.insert(f.end(), fields.begin(), fields.end());
        f.push_back(*fo.field);
        f.back().name = fo.name;
        return with(std::move(f), options, name);
      }
      if (other->type() == Type::AlterField) {
        auto f = fields;
        for (auto& x : f)
          if (x.name == fo.name) {
            x = *fo.field;
            x.name = fo.name;
          }
        return with(std::move(f), options, name);
      }
      if (other->type() == Type::RemoveField) {
        models::ModelOptions opts = options;
        std::vector<std::vector<std::string>> ut;
        for (const auto& group : opts.unique_together) {
          std::vector<std::string> g;
          for (const auto& n : group)
            if (n != fo.name_lower()) g.push_back(n);
          if (!g.empty() && std::find(ut.begin(), ut.end(), g) == ut.end()) ut.push_back(g);
        }
        opts.unique_together = ut;
        std::vector<FieldDef> f;
        for (const auto& x : fields)
          if (models::lower(x.name) != fo.name_lower()) f.push_back(x);
        return with(std::move(f), opts, name);
      }
      const auto& rf = static_cast<const RenameField&>(*other);
      models::ModelOptions opts = options;
      for (auto& group : opts.unique_together)
        for (auto& n : group)
          if (n == rf.old_name) n = rf.new_name;
      auto f = fields;
      for (auto& x : f)
        if (x.name == rf.old_name) x.name = rf.new_name;
      return with(std::move(f), opts, name);
    }
    default:
      break;
  }
  return ModelOperation::reduce(other, app_label);
}

// DeleteModel ----------------------------------------------------------------

void DeleteModel::state_forwards(const std::string& app_label, ProjectState& state) const {
  state.remove(app_label, name);
}

void DeleteModel::database_forwards(const std::string& app_label, SchemaEditor& editor,
                                    const ProjectState& from_state, const ProjectState&) const {
  editor.delete_model(BoundModel{&get_model(from_state, app_label, name), &from_state});
}

void DeleteModel::database_backwards(const std::string& app_label, SchemaEditor& editor, const ProjectState&,
                                     const ProjectState& to_state) const {
  editor.create_model(BoundModel{&get_model(to_state, app_label, name), &to_state});
}

// RenameModel ----------------------------------------------------------------

void RenameModel::state_forwards(const std::string& app_label, ProjectState& state) const {
  ModelDef renamed = get_model(state, app_label, old_name);
  renamed.name = new_name;
  const std::string old_lower = models::lower(old_name);
  const std::string new_label = app_label + "." + new_name;
  // Repoint every field pointing to the old model.
  std::vector<std::pair<std::string, std::string>> to_change;
  for (const ModelDef* m : state.models()) {
    for (const auto& f : m->fields) {
      if (field_references(m->app_label, f, app_label, old_lower)) {
        to_change.emplace_back(m->app_label, m->name);
        break;
      }
    }
  }
  auto repoint = [&](ModelDef& m) {
    for (auto& f : m.fields) {
      if (!f.is_relation()) continue;
      auto t = resolve_relation(f.to, m.app_label);
      if (t.first == app_label && t.second == old_lower) f.to = new_label;
      if (f.through) {
        auto th = resolve_relation(*f.through, m.app_label);
        if (th.first == app_label && th.second == old_lower) f.through = new_label;
      }
    }
  };
  for (const auto& [a, n] : to_change) {
    if (a == app_label && models::lower(n) == old_lower) continue;
    repoint(state.mutate(a, n));
  }
  repoint(renamed);
  state.add(std::move(renamed));
  state.remove(app_label, old_name);
}

void RenameModel::rename(const std::string& app_label, SchemaEditor& editor, const ProjectState& from_state,
                         const ProjectState& to_state, const std::string& from_name,
                         const std::string& to_name) const {
  const ModelDef& old_model = get_model(from_state, app_label, from_name);
  const ModelDef& new_model = get_model(to_state, app_label, to_name);
  editor.alter_db_table(old_model.db_table(), new_model.db_table());
  // Alter the fields pointing to us.
  for (const auto& rel : from_state.related_objects(old_model)) {
    if (rel.field->related_name && !rel.field->related_name->empty() && rel.field->related_name->back() == '+' &&
        !rel.field->many_to_many())
      continue;
    const bool self = rel.model->label_lower() == old_model.label_lower();
    const ModelDef& target = self ? new_model : get_model(to_state, rel.model->app_label, rel.model->name);
    const FieldDef& to_field = get_field(target, rel.field->name);
    const ModelDef& model = self ? new_model : *rel.model;
    const ProjectState& model_state = self ? to_state : from_state;
    editor.alter_field(BoundModel{&model, &model_state}, BoundField{*rel.field, &from_state},
                       BoundField{to_field, &to_state});
  }
  // Rename the M2M tables and columns based on this model's name.
  auto old_m2m = old_model.many_to_many_fields();
  auto new_m2m = new_model.many_to_many_fields();
  for (std::size_t i = 0; i < std::min(old_m2m.size(), new_m2m.size()); ++i) {
    const FieldDef& of = *old_m2m[i];
    const FieldDef& nf = *new_m2m[i];
    const ModelDef* target = to_state.related_model(nf);
    if ((target && target->label_lower() == new_model.label_lower()) || nf.through) continue;
    ModelDef old_through = from_state.auto_through_model(old_model, of);
    ModelDef new_through = to_state.auto_through_model(new_model, nf);
    editor.alter_db_table(old_through.db_table(), new_through.db_table());
    editor.alter_field(BoundModel{&new_through, &to_state},
                       BoundField{get_field(old_through, old_model.name_lower()), &from_state},
                       BoundField{get_field(new_through, new_model.name_lower()), &to_state});
  }
}

void RenameModel::database_forwards(const std::string& app_label, SchemaEditor& editor,
                                    const ProjectState& from_state, const ProjectState& to_state) const {
  rename(app_label, editor, from_state, to_state, old_name, new_name);
}

void RenameModel::database_backwards(const std::string& app_label, SchemaEditor& editor,
                                     const ProjectState& from_state, const ProjectState& to_state) const {
  rename(app_label, editor, from_state, to_state, new_name, old_name);
}

bool RenameModel::references_model(const std::string& model, const std::string&) const {
  const std::string ml = models::lower(model);
  return ml == models::lower(old_name) || ml == models::lower(new_name);
}

Reduction RenameModel::reduce(const OpPtr& other, const std::string& app_label) const {
  if (other->type() == Type::RenameModel) {
    const auto& o = static_cast<const RenameModel&>(*other);
    if (models::lower(new_name) == models::lower(o.old_name))
      return Reduction::replace({std::make_shared<RenameModel>(old_name, o.new_name)});
  }
  Reduction r = Operation::reduce(other, app_label);
  if (r.truthy()) return r;
  return Reduction::through(!other->references_model(new_name, app_label));
}

// Model option operations ----------------------------------------------------

Reduction ModelOptionOperation::reduce(const OpPtr& other, const std::string& app_label) const {
  if ((other->type() == type() || other->type() == Type::DeleteModel) &&
      static_cast<const ModelOperation&>(*other).name_lower() == name_lower()) {
    return Reduction::replace({other});  // the later operation replaces this one
  }
  return ModelOperation::reduce(other, app_label);
}

void AlterModelTable::state_forwards(const std::string& app_label, ProjectState& state) const {
  state.mutate(app_label, name).options.db_table = table;
}

void AlterModelTable::database_forwards(const std::string& app_label, SchemaEditor& editor,
                                        const ProjectState& from_state, const ProjectState& to_state) const {
  const ModelDef& old_model = get_model(from_state, app_label, name);
  const ModelDef& new_model = get_model(to_state, app_label, name);
  editor.alter_db_table(old_model.db_table(), new_model.db_table());
  auto old_m2m = old_model.many_to_many_fields();
  auto new_m2m = new_model.many_to_many_fields();
  for (std::size_t i = 0; i < std::min(old_m2m.size(), new_m2m.size()); ++i) {
    if (new_m2m[i]->through) continue;
    editor.alter_db_table(from_state.m2m_db_table(old_model, *old_m2m[i]),
                          to_state.m2m_db_table(new_model, *new_m2m[i]));
  }
}

void AlterUniqueTogether::state_forwards(const std::string& app_label, ProjectState& state) const {
  state.mutate(app_label, name).options.unique_together = unique_together;
}

void AlterUniqueTogether::database_forwards(const std::string& app_label, SchemaEditor& editor,
                                            const ProjectState& from_state, const ProjectState& to_state) const {
  const ModelDef& old_model = get_model(from_state, app_label, name);
  const ModelDef& new_model = get_model(to_state, app_label, name);
  editor.alter_unique_together(BoundModel{&new_model, &to_state}, old_model.options.unique_together,
                               new_model.options.unique_together);
}

bool AlterUniqueTogether::references_field(const std::string& model_name, const std::string& field,
                                           const std::string& app_label) const {
  if (!references_model(model_name, app_label)) return false;
  if (unique_together.empty()) return true;
  for (const auto& g : unique_together)
    if (std::find(g.begin(), g.end(), field) != g.end()) return true;
  return false;
}

void AlterModelOptions::state_forwards(const std::string& app_label, ProjectState& state) const {
  state.mutate(app_label, name).options.set_alter_options(options);
}

}  // namespace mvt::migrator
