// Field changes on SQLite: Django 3.2's sqlite3 DatabaseSchemaEditor.add_field,
// remove_field, alter_field, _alter_field, _alter_many_to_many and
// _remake_table (create "new__<table>", copy the rows, drop, rename).
#include <algorithm>
#include <map>
#include <stdexcept>

#include "db/values.hpp"
#include "migrator/schema_editor.hpp"

namespace mvt::migrator {

namespace {

std::string q(const std::string& name) { return db::quote_identifier(name); }

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

/// Deconstruction without the options that do not affect the schema
/// (_field_should_be_altered's non_database_attrs).
std::vector<std::pair<std::string, models::Value>> db_relevant(const FieldDef& f) {
  static const std::vector<std::string> non_db{"blank", "db_column", "editable", "help_text", "on_delete",
                                               "related_name", "related_query_name", "verbose_name"};
  std::vector<std::pair<std::string, models::Value>> out;
  for (auto& [k, v] : f.deconstruct()) {
    if (std::find(non_db.begin(), non_db.end(), k) != non_db.end()) continue;
    if (k == "to" || k == "through") out.emplace_back(k, models::Value::string(models::lower(v.as_string())));
    else out.emplace_back(k, v);
  }
  return out;
}

}  // namespace

bool field_should_be_altered(const FieldDef& old_field, const FieldDef& new_field) {
  return old_field.column() != new_field.column() || old_field.type != new_field.type ||
         db_relevant(old_field) != db_relevant(new_field);
}

void SchemaEditor::add_field(const BoundModel& m, const BoundField& field) {
  if (field.field.many_to_many() && !field.field.through) {
    ModelDef through = field.state->auto_through_model(*m.model, field.field);
    create_model(BoundModel{&through, field.state});
    return;
  }
  // As Django, a many-to-many field with an explicit through model still
  // rebuilds the table (without a column for it).
  remake_table(m, &field, nullptr, nullptr);
}

void SchemaEditor::remove_field(const BoundModel& m, const BoundField& field) {
  if (field.field.many_to_many()) {
    if (!field.field.through) {
      ModelDef through = field.state->auto_through_model(*m.model, field.field);
      delete_model(BoundModel{&through, field.state});
    }
    return;
  }
  remake_table(m, nullptr, &field, nullptr);
}

void SchemaEditor::alter_field(const BoundModel& m, const BoundField& old_field, const BoundField& new_field) {
  if (!field_should_be_altered(old_field.field, new_field.field)) return;
  const std::string old_type = db_type(*old_field.state, old_field.field);
  const std::string new_type = db_type(*new_field.state, new_field.field);
  if (old_type.empty() && new_type.empty()) {
    bool old_auto = !old_field.field.through, new_auto = !new_field.field.through;
    if (old_auto && new_auto) return alter_many_to_many(m, old_field, new_field);
    if (!old_auto && !new_auto) return;
  }
  if (old_type.empty() || new_type.empty())
    throw std::runtime_error("Cannot alter field " + m->label() + "." + old_field.field.name + " into " +
                             m->label() + "." + new_field.field.name +
                             " - they are not compatible types (you cannot alter to or from M2M fields, or add or "
                             "remove through= on M2M fields)");
  sqlite_alter_field(m, old_field, new_field, old_type, new_type);
}

void SchemaEditor::sqlite_alter_field(const BoundModel& m, const BoundField& old_field, const BoundField& new_field,
                                      const std::string& old_type, const std::string& new_type) {
  const FieldDef& of = old_field.field;
  const FieldDef& nf = new_field.field;
  // Only the column name changed and there are no constraints: RENAME COLUMN.
  if (of.column() != nf.column() &&
      column_sql(*old_field.state, of) == column_sql(*new_field.state, nf) &&
      !((of.is_relation() && of.db_constraint) || (nf.is_relation() && nf.db_constraint))) {
    execute("ALTER TABLE " + q(m->db_table()) + " RENAME COLUMN " + q(of.column()) + " TO " + q(nf.column()));
    return;
  }
  std::pair<BoundField, BoundField> alter{old_field, new_field};
  remake_table(m, nullptr, nullptr, &alter);
  // Rebuild tables with foreign keys pointing to this field when its type changed.
  if (!(nf.effective_unique() && old_type != new_type)) return;
  const ProjectState& to_state = *new_field.state;
  const ModelDef* to_model = to_state.get(m->app_label, m->name);
  if (!to_model) return;
  std::vector<ModelDef> related;
  std::vector<std::string> seen;
  auto add = [&](ModelDef def) {
    if (std::find(seen.begin(), seen.end(), def.label_lower()) != seen.end()) return;
    seen.push_back(def.label_lower());
    related.push_back(std::move(def));
  };
  for (const auto& rel : to_state.related_objects(*to_model)) {
    if (rel.model->label_lower() == m->label_lower()) continue;
    if (!rel.field->many_to_many()) {
      const FieldDef* target = to_state.target_field(*rel.field);
      if (target && target->name == nf.name) add(*rel.model);
    } else if (nf.primary_key && !rel.field->through) {
      add(to_state.auto_through_model(*rel.model, *rel.field));
    }
  }
  if (nf.primary_key) {
    for (const FieldDef* m2m : to_model->many_to_many_fields()) {
      const ModelDef* target = to_state.related_model(*m2m);
      if (target && target->label_lower() == to_model->label_lower()) continue;
      if (!m2m->through) add(to_state.auto_through_model(*to_model, *m2m));
    }
  }
  for (const auto& r : related) remake_table(BoundModel{&r, &to_state}, nullptr, nullptr, nullptr);
}

void SchemaEditor::alter_many_to_many(const BoundModel& m, const BoundField& old_field, const BoundField& new_field) {
  const ModelDef* new_model = new_field.state->get(m->app_label, m->name);
  if (!new_model) new_model = m.model;
  ModelDef old_through = old_field.state->auto_through_model(*m.model, old_field.field);
  ModelDef new_through = new_field.state->auto_through_model(*new_model, new_field.field);
  const std::string old_reverse = old_field.state->m2m_reverse_name(*m.model, old_field.field);
  const std::string new_reverse = new_field.state->m2m_reverse_name(*new_model, new_field.field);
  if (old_through.db_table() == new_through.db_table()) {
    // Repoint the column of the target side (m2m_reverse_field_name()).
    const FieldDef* of = old_through.field_by_column(old_reverse);
    const FieldDef* nf = new_through.field_by_column(new_reverse);
    std::pair<BoundField, BoundField> alter{BoundField{*of, old_field.state}, BoundField{*nf, new_field.state}};
    remake_table(BoundModel{&old_through, old_field.state}, nullptr, nullptr, &alter);
    return;
  }
  create_model(BoundModel{&new_through, new_field.state});
  execute("INSERT INTO " + q(new_through.db_table()) + " (" +
          join({"id", new_field.state->m2m_column_name(*new_model, new_field.field), new_reverse}, ", ") +
          ") SELECT " + join({"id", old_field.state->m2m_column_name(*m.model, old_field.field), old_reverse}, ", ") +
          " FROM " + q(old_through.db_table()));
  delete_model(BoundModel{&old_through, old_field.state});
}

void SchemaEditor::remake_table(const BoundModel& m, const BoundField* create_field, const BoundField* delete_field,
                                const std::pair<BoundField, BoundField>* alter) {
  const ModelDef& model = *m.model;
  const std::string table = model.db_table();
  // The new body. Field order follows the creation counters Django's
  // rendered fields carry: auto-created fields first (negative counters),
  // the old fields in state order and the created or altered field (from
  // the new state) in the order their states were rendered, then the
  // self-referential fields, which Django clones (so they are newest).
  struct Entry {
    FieldDef field;
    const ProjectState* state;
    int rank;  // -1 auto-created, 0/1 old or new field, 2 self-referential clone
  };
  const int old_rank = new_fields_newer_ ? 0 : 1, new_rank = new_fields_newer_ ? 1 : 0;
  std::vector<Entry> body;
  std::vector<std::pair<std::string, std::string>> mapping;  // column -> SQL expression
  auto mapping_erase = [&](const std::string& column) {
    mapping.erase(std::remove_if(mapping.begin(), mapping.end(), [&](const auto& p) { return p.first == column; }),
                  mapping.end());
  };
  for (const auto& f : model.fields) {
    if (!f.concrete()) continue;
    bool self_ref = f.is_relation() && m.state->related_model(f) &&
                    m.state->related_model(f)->label_lower() == model.label_lower();
    body.push_back({f, m.state, f.auto_created ? -1 : self_ref ? 2 : old_rank});
    mapping.emplace_back(f.column(), q(f.column()));
  }
  std::map<std::string, std::string> rename_mapping;
  // A new primary key replaces the old one (an auto-created one is dropped).
  if ((create_field && create_field->field.primary_key) || (alter && alter->second.field.primary_key)) {
    for (auto it = body.begin(); it != body.end();) {
      if (it->field.primary_key) {
        it->field.primary_key = false;
        if (it->field.auto_created) {
          mapping_erase(it->field.column());
          it = body.erase(it);
          continue;
        }
      }
      ++it;
    }
  }
  if (create_field) {
    body.push_back({create_field->field, create_field->state, create_field->field.auto_created ? -1 : new_rank});
    if (create_field->field.concrete())
      mapping.emplace_back(create_field->field.column(), effective_default_sql(create_field->field));
  }
  if (alter) {
    const FieldDef& of = alter->first.field;
    const FieldDef& nf = alter->second.field;
    // A new field rendered with the model's own state (RenameModel altering
    // a self-reference of the renamed model) keeps its place: Django's
    // fields of one rendering are ordered by their creation counters.
    auto same = std::find_if(body.begin(), body.end(), [&](const Entry& e) { return e.field.name == of.name; });
    const bool in_place = alter->second.state == m.state && same != body.end();
    if (in_place) *same = {nf, alter->second.state, nf.auto_created ? -1 : old_rank};
    else
      body.erase(std::remove_if(body.begin(), body.end(), [&](const Entry& e) { return e.field.name == of.name; }),
                 body.end());
    mapping_erase(of.column());
    if (!in_place) body.push_back({nf, alter->second.state, nf.auto_created ? -1 : new_rank});
    if (of.null && !nf.null)
      mapping.emplace_back(nf.column(), "coalesce(" + q(of.column()) + ", " + effective_default_sql(nf) + ")");
    else
      mapping.emplace_back(nf.column(), q(of.column()));
    rename_mapping[of.name] = nf.name;
  }
  if (delete_field) {
    const FieldDef& df = delete_field->field;
    body.erase(std::remove_if(body.begin(), body.end(), [&](const Entry& e) { return e.field.name == df.name; }),
               body.end());
    mapping_erase(df.column());
  }
  std::stable_sort(body.begin(), body.end(), [](const Entry& a, const Entry& b) { return a.rank < b.rank; });

  // The new model definition (unique_together follows renames; indexes on a
  // deleted field go away).
  ModelDef def = model;
  def.fields.clear();
  for (const auto& e : body) def.fields.push_back(e.field);
  for (auto& ut : def.options.unique_together)
    for (auto& n : ut)
      if (rename_mapping.count(n)) n = rename_mapping[n];
  if (delete_field) {
    auto& idx = def.options.indexes;
    idx.erase(std::remove_if(idx.begin(), idx.end(),
                             [&](const models::IndexDef& i) {
                               return std::find(i.fields.begin(), i.fields.end(), delete_field->field.name) !=
                                      i.fields.end();
                             }),
              idx.end());
  }
  // Self-referential fields resolve against the new definition, under the
  // original table name.
  ProjectState temp_state = *m.state;
  temp_state.add(def);
  ModelDef new_model = def;
  new_model.options.db_table = "new__" + table;

  // CREATE TABLE "new__<table>": fields carry the state they resolve in.
  {
    std::vector<std::string> defs;
    for (const auto& ut : new_model.options.unique_together) {
      std::vector<std::string> columns;
      for (const auto& name : ut) columns.push_back(get_field(new_model, name).column());
      deferred_.push_back(create_unique_statement(new_model, columns));
    }
    for (const auto& e : body) {
      if (!e.field.concrete()) continue;
      const ProjectState& st = e.rank == 2 ? temp_state : *e.state;
      const FieldDef& f = e.field;
      std::string col = column_sql(st, f);
      std::string check = db_check(f);
      if (!check.empty()) col += " CHECK (" + check + ")";
      if (f.is_auto()) col += " AUTOINCREMENT";
      if (f.is_relation() && f.db_constraint) {
        const ModelDef* target = st.related_model(f);
        const FieldDef* tf = st.target_field(f);
        if (!target || !tf) throw std::runtime_error("Related model '" + f.to + "' cannot be resolved");
        col += " REFERENCES " + q(target->db_table()) + " (" + q(tf->column()) + ") DEFERRABLE INITIALLY DEFERRED";
      }
      defs.push_back(q(f.column()) + " " + col);
    }
    for (const auto& c : new_model.options.constraints) {
      std::string sql = constraint_sql(new_model, c);
      if (!sql.empty()) defs.push_back(sql);
    }
    execute("CREATE TABLE " + q(new_model.db_table()) + " (" + join(defs, ", ") + ")");
    for (auto& s : model_indexes_sql(new_model)) deferred_.push_back(std::move(s));
  }
  std::vector<std::string> cols, exprs;
  for (const auto& [col, expr] : mapping) {
    cols.push_back(q(col));
    exprs.push_back(expr);
  }
  execute("INSERT INTO " + q(new_model.db_table()) + " (" + join(cols, ", ") + ") SELECT " + join(exprs, ", ") +
          " FROM " + q(table));
  delete_model(BoundModel{&model, m.state}, false);
  alter_db_table(new_model.db_table(), table);
  flush_deferred();
}

}  // namespace mvt::migrator
