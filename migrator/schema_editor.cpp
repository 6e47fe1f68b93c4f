// Table creation and deletion, indexes, unique_together and constraints
// (Django 3.2's BaseDatabaseSchemaEditor with the SQLite backend's templates).
#include "migrator/schema_editor.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/models_names.hpp"
#include "db/values.hpp"

namespace mvt::migrator {

namespace {

std::string q(const std::string& name) { return db::quote_identifier(name); }

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// Field.rel_db_type(): the column type of a foreign key pointing at `target`.
std::string rel_db_type(const ProjectState& state, const FieldDef& target) {
  switch (target.type) {
    case FieldType::AutoField: return "integer";
    case FieldType::BigAutoField: return "bigint";
    case FieldType::SmallAutoField: return "smallint";
    case FieldType::PositiveIntegerField:
    case FieldType::PositiveSmallIntegerField:
    case FieldType::PositiveBigIntegerField: return "integer";  // related_fields_match_type is False on SQLite
    default: return SchemaEditor::db_type(state, target);
  }
}

}  // namespace

const ModelDef& get_model(const ProjectState& state, const std::string& app_label, const std::string& name) {
  const ModelDef* m = state.get(app_label, name);
  if (!m) throw std::runtime_error("No installed model " + app_label + "." + name + " in the migration state");
  return *m;
}

const FieldDef& get_field(const ModelDef& model, const std::string& name) {
  const FieldDef* f = model.field(name);
  if (!f) throw std::runtime_error(model.label() + " has no field named '" + name + "'");
  return *f;
}

std::string DeferredStatement::render() const {
  std::string index_name = name.empty() ? models::create_index_name(table, columns, suffix) : name;
  std::vector<std::string> cols;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    std::string c = q(columns[i]);
    if (i < col_suffixes.size() && !col_suffixes[i].empty()) c += " " + col_suffixes[i];
    cols.push_back(c);
  }
  return std::string(unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + q(index_name) + " ON " + q(table) + " (" +
         join(cols, ", ") + ")" + condition;
}

SchemaEditor::SchemaEditor(db::Connection* connection, bool collect_sql)
    : conn_(connection), collect_(collect_sql) {}

void SchemaEditor::execute(const std::string& sql) {
  if (collect_) {
    collected_.push_back(sql + (!sql.empty() && sql.back() == ';' ? "" : ";"));
    return;
  }
  conn_->execute(sql);
}

void SchemaEditor::rename_content_type(const std::string& app_label, const std::string& old_model,
                                       const std::string& new_model) {
  if (!rename_content_types() || !conn_->has_table("django_content_type")) return;
  conn_->execute(
      "UPDATE \"django_content_type\" SET \"model\" = ? WHERE \"app_label\" = ? AND \"model\" = ? AND NOT EXISTS "
      "(SELECT 1 FROM \"django_content_type\" WHERE \"app_label\" = ? AND \"model\" = ?)",
      {new_model, app_label, old_model, app_label, new_model});
}

void SchemaEditor::flush_deferred() {
  auto pending = std::move(deferred_);
  deferred_.clear();
  for (const auto& s : pending) execute(s.render());
}

std::string SchemaEditor::db_type(const ProjectState& state, const FieldDef& field) {
  if (field.many_to_many()) return "";
  if (field.type == FieldType::ForeignKey || field.type == FieldType::OneToOneField) {
    const FieldDef* target = state.target_field(field);
    if (!target)
      throw std::runtime_error("Related model '" + field.to + "' cannot be resolved for field '" + field.name + "'");
    return rel_db_type(state, *target);
  }
  std::string t = field.info().column_type;
  auto pos = t.find("%(max_length)s");
  if (pos != std::string::npos) {
    auto ml = field.effective_max_length();
    t.replace(pos, 14, ml ? std::to_string(*ml) : "None");
  }
  return t;
}

std::string SchemaEditor::db_check(const FieldDef& field) {
  const char* tmpl = field.info().check;
  if (!tmpl || field.is_relation()) return "";
  std::string t = tmpl;
  const std::string col = field.column();
  for (auto pos = t.find("%(column)s"); pos != std::string::npos; pos = t.find("%(column)s", pos + col.size()))
    t.replace(pos, 10, col);
  return t;
}

std::string SchemaEditor::column_sql(const ProjectState& state, const FieldDef& field) {
  std::string sql = db_type(state, field);
  if (sql.empty()) return "";
  sql += field.null ? " NULL" : " NOT NULL";
  if (field.primary_key) sql += " PRIMARY KEY";
  else if (field.effective_unique()) sql += " UNIQUE";
  return sql;
}

std::string SchemaEditor::effective_default_sql(const FieldDef& field) {
  // BaseDatabaseSchemaEditor._effective_default, then get_db_prep_save and quote_value.
  models::Value v;
  if (field.has_default()) {
    v = *field.default_value;
  } else if (!field.null && field.effective_blank() && field.empty_strings_allowed()) {
    v = models::Value::string("");
  } else if (field.auto_now || field.auto_now_add) {
    v = models::Value::callable("timezone.now");
  } else {
    return "NULL";
  }
  return db::sql_literal(db::to_db_value(field, v));
}

DeferredStatement SchemaEditor::create_index_statement(const ModelDef& m, const std::vector<const FieldDef*>& fields,
                                                       const std::string& name,
                                                       const std::vector<std::string>& suffixes) {
  DeferredStatement s;
  s.table = m.db_table();
  for (const FieldDef* f : fields) s.columns.push_back(f->column());
  s.col_suffixes = suffixes;
  s.name = name;
  return s;
}

DeferredStatement SchemaEditor::create_unique_statement(const ModelDef& m, const std::vector<std::string>& columns,
                                                        const std::string& name, const std::string& condition) {
  DeferredStatement s;
  s.table = m.db_table();
  s.columns = columns;
  s.name = name;
  s.suffix = "_uniq";
  s.unique = true;
  s.condition = condition.empty() ? "" : " WHERE " + condition;
  return s;
}

std::vector<DeferredStatement> SchemaEditor::model_indexes_sql(const ModelDef& m) {
  std::vector<DeferredStatement> out;
  for (const auto& f : m.fields) {
    if (!f.concrete()) continue;
    if (f.effective_db_index() && !f.effective_unique()) out.push_back(create_index_statement(m, {&f}, "", {}));
  }
  for (const auto& idx : m.options.indexes) {
    std::vector<const FieldDef*> fields;
    std::vector<std::string> suffixes;
    for (const auto& name : idx.fields) {
      bool desc = !name.empty() && name[0] == '-';
      fields.push_back(&get_field(m, desc ? name.substr(1) : name));
      suffixes.push_back(desc ? "DESC" : "");
    }
    out.push_back(create_index_statement(m, fields, idx.name, suffixes));
  }
  return out;
}

std::string SchemaEditor::constraint_sql(const ModelDef& m, const models::ConstraintDef& c) {
  if (c.kind == models::ConstraintDef::Kind::Check)
    return "CONSTRAINT " + q(c.name) + " CHECK (" + condition_sql(m, c.check) + ")";
  std::vector<std::string> columns;
  for (const auto& f : c.fields) columns.push_back(get_field(m, f).column());
  if (!c.condition.empty()) {
    deferred_.push_back(create_unique_statement(m, columns, c.name, condition_sql(m, c.condition)));
    return "";
  }
  std::vector<std::string> quoted;
  for (const auto& col : columns) quoted.push_back(q(col));
  return "CONSTRAINT " + q(c.name) + " UNIQUE (" + join(quoted, ", ") + ")";
}

std::string SchemaEditor::table_sql(const BoundModel& bm) {
  const ModelDef& m = *bm.model;
  for (const auto& ut : m.options.unique_together) {
    std::vector<std::string> columns;
    for (const auto& name : ut) columns.push_back(get_field(m, name).column());
    deferred_.push_back(create_unique_statement(m, columns));
  }
  std::vector<std::string> defs;
  for (const auto& f : m.fields) {
    if (!f.concrete()) continue;
    std::string def = column_sql(*bm.state, f);
    std::string check = db_check(f);
    if (!check.empty()) def += " CHECK (" + check + ")";
    if (f.is_auto()) def += " AUTOINCREMENT";
    if (f.is_relation() && f.db_constraint) {
      const ModelDef* target = bm.state->related_model(f);
      const FieldDef* tf = bm.state->target_field(f);
      def += " REFERENCES " + q(target->db_table()) + " (" + q(tf->column()) + ") DEFERRABLE INITIALLY DEFERRED";
    }
    defs.push_back(q(f.column()) + " " + def);
  }
  for (const auto& c : m.options.constraints) {
    std::string sql = constraint_sql(m, c);
    if (!sql.empty()) defs.push_back(sql);
  }
  return "CREATE TABLE " + q(m.db_table()) + " (" + join(defs, ", ") + ")";
}

void SchemaEditor::create_model(const BoundModel& bm) {
  execute(table_sql(bm));
  for (auto& s : model_indexes_sql(*bm.model)) deferred_.push_back(std::move(s));
  for (const auto& f : bm.model->fields) {
    if (f.many_to_many() && !f.through) {
      ModelDef through = bm.state->auto_through_model(*bm.model, f);
      create_model(BoundModel{&through, bm.state});
    }
  }
}

void SchemaEditor::delete_deferred_for_table(const std::string& table) {
  deferred_.erase(std::remove_if(deferred_.begin(), deferred_.end(),
                                 [&](const DeferredStatement& s) { return s.table == table; }),
                  deferred_.end());
}

void SchemaEditor::delete_model(const BoundModel& bm, bool handle_autom2m) {
  if (handle_autom2m) {
    for (const auto& f : bm.model->fields) {
      if (f.many_to_many() && !f.through) {
        ModelDef through = bm.state->auto_through_model(*bm.model, f);
        delete_model(BoundModel{&through, bm.state});
      }
    }
  }
  execute("DROP TABLE " + q(bm.model->db_table()));
  delete_deferred_for_table(bm.model->db_table());
}

void SchemaEditor::alter_db_table(const std::string& old_table, const std::string& new_table) {
  // SQLite ignores the case of table names (features.ignores_table_name_case).
  if (models::lower(old_table) == models::lower(new_table)) return;
  execute("ALTER TABLE " + q(old_table) + " RENAME TO " + q(new_table));
  for (auto& s : deferred_)
    if (s.table == old_table) s.table = new_table;
}

std::vector<std::string> SchemaEditor::unique_index_names(const std::string& table,
                                                          const std::vector<std::string>& columns,
                                                          const ModelDef& m) {
  std::vector<std::string> out;
  if (!conn_) return out;
  std::set<std::string> exclude;
  for (const auto& c : m.options.constraints) exclude.insert(c.name);
  for (const auto& i : m.options.indexes) exclude.insert(i.name);
  for (const auto& idx : conn_->index_list(table)) {
    if (!idx.sql || !idx.unique || idx.columns != columns || exclude.count(idx.name)) continue;
    out.push_back(idx.name);
  }
  return out;
}

void SchemaEditor::alter_unique_together(const BoundModel& bm, const std::vector<std::vector<std::string>>& olds,
                                         const std::vector<std::vector<std::string>>& news) {
  const ModelDef& m = *bm.model;
  auto contains = [](const std::vector<std::vector<std::string>>& set, const std::vector<std::string>& v) {
    return std::find(set.begin(), set.end(), v) != set.end();
  };
  for (const auto& fields : olds) {
    if (contains(news, fields)) continue;
    std::vector<std::string> columns;
    for (const auto& f : fields) columns.push_back(get_field(m, f).column());
    auto names = unique_index_names(m.db_table(), columns, m);
    if (names.empty() && (collect_ || !conn_)) names.push_back(models::create_index_name(m.db_table(), columns, "_uniq"));
    if (names.size() != 1)
      throw std::runtime_error("Found wrong number (" + std::to_string(names.size()) + ") of constraints for " +
                               m.db_table() + "(" + join(columns, ", ") + ")");
    execute("DROP INDEX " + q(names[0]));
  }
  for (const auto& fields : news) {
    if (contains(olds, fields)) continue;
    std::vector<std::string> columns;
    for (const auto& f : fields) columns.push_back(get_field(m, f).column());
    execute(create_unique_statement(m, columns).render());
  }
}

void SchemaEditor::add_index(const BoundModel& bm, const models::IndexDef& index) {
  std::vector<const FieldDef*> fields;
  std::vector<std::string> suffixes;
  for (const auto& name : index.fields) {
    bool desc = !name.empty() && name[0] == '-';
    fields.push_back(&get_field(*bm.model, desc ? name.substr(1) : name));
    suffixes.push_back(desc ? "DESC" : "");
  }
  execute(create_index_statement(*bm.model, fields, index.name, suffixes).render());
}

void SchemaEditor::remove_index(const BoundModel&, const models::IndexDef& index) {
  execute("DROP INDEX " + q(index.name));
}

void SchemaEditor::add_constraint(const BoundModel& bm, const models::ConstraintDef& c) {
  if (c.kind == models::ConstraintDef::Kind::Unique && !c.condition.empty()) {
    std::vector<std::string> columns;
    for (const auto& f : c.fields) columns.push_back(get_field(*bm.model, f).column());
    execute(create_unique_statement(*bm.model, columns, c.name, condition_sql(*bm.model, c.condition)).render());
    return;
  }
  remake_table(bm, nullptr, nullptr, nullptr);
}

void SchemaEditor::remove_constraint(const BoundModel& bm, const models::ConstraintDef& c) {
  if (c.kind == models::ConstraintDef::Kind::Unique && !c.condition.empty()) {
    execute("DROP INDEX " + q(c.name));
    return;
  }
  remake_table(bm, nullptr, nullptr, nullptr);
}

// ---------------------------------------------------------------------------
// Conditions of CheckConstraint / UniqueConstraint(condition=...): Django
// compiles the Q with the SQLite operators and inlines the parameters with
// quote_value (CheckConstraint._get_check_sql).

namespace {

std::string escape_like(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

std::string value_text(const models::Value& v) {
  switch (v.kind()) {
    case models::Value::Kind::Int: return std::to_string(v.as_int());
    case models::Value::Kind::Float: return models::python_float_repr(v.as_float());
    case models::Value::Kind::Bool: return v.as_bool() ? "True" : "False";
    default: return v.as_string();
  }
}

// Field.get_prep_value + quote_value of a lookup's right-hand side.
std::string prep_literal(const ProjectState* state, const FieldDef& field, const models::Value& v) {
  using K = models::Value::Kind;
  if (v.is_null()) return "NULL";
  switch (field.type) {
    case FieldType::DecimalField:
      return db::sql_literal(db::SqlValue(db::decimal_str(value_text(v))));
    case FieldType::FloatField: {
      double d = v.kind() == K::Float ? v.as_float() : v.kind() == K::Int ? static_cast<double>(v.as_int())
                                                                          : std::stod(value_text(v));
      return models::python_float_repr(d);
    }
    case FieldType::BooleanField:
      if (v.kind() == K::Bool) return v.as_bool() ? "1" : "0";
      return db::sql_literal(db::to_db_value(field, v));
    case FieldType::ForeignKey: case FieldType::OneToOneField:
      if (state) {
        if (const FieldDef* t = state->target_field(field)) return prep_literal(state, *t, v);
      }
      return v.kind() == K::Int ? std::to_string(v.as_int()) : db::sql_literal(db::SqlValue(value_text(v)));
    case FieldType::CharField: case FieldType::SlugField: case FieldType::EmailField: case FieldType::URLField:
    case FieldType::TextField: case FieldType::FileField: case FieldType::ImageField:
    case FieldType::GenericIPAddressField:
      return db::sql_literal(db::SqlValue(value_text(v)));
    case FieldType::JSONField:
      return db::sql_literal(db::SqlValue(models::json_dumps(v)));
    default:
      return db::sql_literal(db::to_db_value(field, v));
  }
}

}  // namespace

std::string SchemaEditor::condition_sql(const ModelDef& model, const models::Condition& cond) {
  static const std::set<std::string> lookups{"exact", "iexact", "gt", "gte", "lt", "lte", "in", "range", "isnull",
                                             "contains", "icontains", "startswith", "istartswith", "endswith",
                                             "iendswith"};
  std::vector<std::string> parts;
  for (const auto& [key, value] : cond.lookups) {
    std::string name = key, lookup = "exact";
    auto sep = key.rfind("__");
    if (sep != std::string::npos && lookups.count(key.substr(sep + 2))) {
      name = key.substr(0, sep);
      lookup = key.substr(sep + 2);
    }
    const FieldDef* f = model.field(name);
    if (!f) {
      for (const auto& g : model.fields)
        if (g.attname() == name) f = &g;
    }
    if (!f) throw std::runtime_error("Cannot resolve keyword '" + name + "' into field (" + model.label() + ")");
    const std::string col = q(f->column());
    auto lit = [&](const models::Value& v) { return prep_literal(nullptr, *f, v); };
    std::string sql;
    if ((lookup == "exact" || lookup == "iexact") && value.is_null()) {
      sql = col + " IS NULL";
    } else if (lookup == "exact") {
      sql = col + " = " + lit(value);
    } else if (lookup == "gt" || lookup == "gte" || lookup == "lt" || lookup == "lte") {
      const char* op = lookup == "gt" ? " > " : lookup == "gte" ? " >= " : lookup == "lt" ? " < " : " <= ";
      sql = col + op + lit(value);
    } else if (lookup == "isnull") {
      bool is_null = value.kind() == models::Value::Kind::Bool ? value.as_bool() : value_text(value) != "0";
      sql = col + (is_null ? " IS NULL" : " IS NOT NULL");
    } else if (lookup == "in") {
      std::vector<std::string> items;
      for (const auto& item : value.as_list()) items.push_back(lit(item));
      sql = col + " IN (" + join(items, ", ") + ")";
    } else if (lookup == "range") {
      const auto& l = value.as_list();
      if (l.size() != 2) throw std::runtime_error("'range' needs two values");
      sql = col + " BETWEEN " + lit(l[0]) + " AND " + lit(l[1]);
    } else {
      std::string pattern = escape_like(value_text(value));
      if (lookup == "contains" || lookup == "icontains") pattern = "%" + pattern + "%";
      else if (lookup == "startswith" || lookup == "istartswith") pattern += "%";
      else if (lookup == "endswith" || lookup == "iendswith") pattern = "%" + pattern;
      sql = col + " LIKE " + db::sql_literal(db::SqlValue(pattern)) + " ESCAPE '\\'";
    }
    parts.push_back(sql);
  }
  std::string out = join(parts, " AND ");
  return parts.size() > 1 ? "(" + out + ")" : out;
}

}  // namespace mvt::migrator
