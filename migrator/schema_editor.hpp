#pragma once
// The SQLite schema editor: Django 3.2's
// django.db.backends.sqlite3.schema.DatabaseSchemaEditor (on top of
// base.schema.BaseDatabaseSchemaEditor), producing the same SQL text in the
// same order — column types, NOT NULL, CHECKs, inline REFERENCES ...
// DEFERRABLE INITIALLY DEFERRED, deferred index creation, index names with
// Django's digest, and the table rebuild (_remake_table) for every change
// ALTER TABLE cannot express.
//
// Django's schema editor works on rendered model classes; here a model is a
// ModelDef together with the ProjectState its relations resolve in (the
// "from" state for the old model, the "to" state for the new one).
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "migrator/state.hpp"

namespace mvt::migrator {

/// A field bound to the state its relation target resolves in.
struct BoundField {
  FieldDef field;
  const ProjectState* state = nullptr;
};

/// A model with the state it belongs to.
struct BoundModel {
  const ModelDef* model = nullptr;
  const ProjectState* state = nullptr;
  const ModelDef& operator*() const { return *model; }
  const ModelDef* operator->() const { return model; }
};

/// An index statement whose execution is deferred to the end of the
/// migration (Django's deferred_sql of ddl_references.Statement objects):
/// its table is renamed along with the table, and it is dropped when the
/// table is deleted first.
struct DeferredStatement {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::string> col_suffixes;  // "DESC" or ""
  std::string name;                       // explicit name; empty: computed from table, columns, suffix
  std::string suffix;                     // "" (field index) or "_uniq"
  bool unique = false;
  std::string condition;                  // " WHERE ..." for partial unique constraints
  std::string render() const;
};

/// Emits (or collects) the DDL of migration operations.
class SchemaEditor {
 public:
  /// `connection` is used for execution (unless collecting) and for the
  /// introspection some changes need; it may be null when collecting.
  SchemaEditor(db::Connection* connection, bool collect_sql);

  // Django's schema editor actions. `m` is the model as its state defines it.
  void create_model(const BoundModel& m);
  void delete_model(const BoundModel& m, bool handle_autom2m = true);
  void add_field(const BoundModel& m, const BoundField& field);
  void remove_field(const BoundModel& m, const BoundField& field);
  /// Alters old_field of `m` (from-state) into new_field (to-state).
  void alter_field(const BoundModel& m, const BoundField& old_field, const BoundField& new_field);
  void alter_db_table(const std::string& old_table, const std::string& new_table);
  void alter_unique_together(const BoundModel& m, const std::vector<std::vector<std::string>>& olds,
                             const std::vector<std::vector<std::string>>& news);
  void add_index(const BoundModel& m, const models::IndexDef& index);
  void remove_index(const BoundModel& m, const models::IndexDef& index);
  void add_constraint(const BoundModel& m, const models::ConstraintDef& c);
  void remove_constraint(const BoundModel& m, const models::ConstraintDef& c);
  /// Runs (or collects) one statement; a ';' is added when collecting.
  void execute(const std::string& sql);

  /// Runs the deferred statements (the end of Django's `with schema_editor`).
  void flush_deferred();
  bool has_deferred() const { return !deferred_.empty(); }
  /// Whether fields of the "to" state count as newer than the model's
  /// existing fields (see remake_table). Django orders the columns of a
  /// rebuilt table by the fields' creation counters, which depend on which
  /// state was rendered first: the "to" state during `migrate`, but the
  /// other way round when unapplying, and for the first operations that
  /// `sqlmigrate` renders.
  void set_new_fields_newer(bool newer) { new_fields_newer_ = newer; }
  bool collecting() const { return collect_; }
  /// Whether RenameModel also renames the model's content type (Django's
  /// contenttypes app injects RenameContentType after every RenameModel of
  /// a `migrate` plan once django_content_type exists; sqlmigrate does not).
  void set_rename_content_types(bool on) { rename_content_types_ = on; }
  bool rename_content_types() const { return rename_content_types_ && !collect_; }
  /// RenameContentType: the (app_label, old_model) content type becomes
  /// (app_label, new_model), unless that one exists already (Django then
  /// leaves both, for remove_stale_contenttypes). Throws db::DatabaseError.
  void rename_content_type(const std::string& app_label, const std::string& old_model,
                           const std::string& new_model);
  /// The connection (null when only collecting without a database).
  db::Connection* connection() const { return conn_; }
  /// The statements collected so far (sqlmigrate).
  std::vector<std::string>& collected_sql() { return collected_; }

  // SQL fragments (public for tests and the executor).
  /// The column type of a field (Django's db_parameters()['type']), "" for
  /// many-to-many fields.
  static std::string db_type(const ProjectState& state, const FieldDef& field);
  /// The CHECK of a field's type, "" when none.
  static std::string db_check(const FieldDef& field);
  /// column_sql(): "varchar(200) NOT NULL UNIQUE" (type, nullability, PK/UNIQUE).
  static std::string column_sql(const ProjectState& state, const FieldDef& field);
  /// The CREATE TABLE statement of a model; index statements it needs are
  /// appended to `deferred`.
  std::string table_sql(const BoundModel& m);
  /// The SQL literal of a field's effective default (Django's
  /// quote_value(effective_default(field))).
  static std::string effective_default_sql(const FieldDef& field);
  /// The SQL of a CheckConstraint's condition (Django's _get_check_sql).
  static std::string condition_sql(const ModelDef& model, const models::Condition& q);

 private:
  db::Connection* conn_;
  bool collect_;
  std::vector<std::string> collected_;
  std::vector<DeferredStatement> deferred_;
  bool new_fields_newer_ = true;
  bool rename_content_types_ = false;

  void remake_table(const BoundModel& m, const BoundField* create_field, const BoundField* delete_field,
                    const std::pair<BoundField, BoundField>* alter);
  void sqlite_alter_field(const BoundModel& m, const BoundField& old_field, const BoundField& new_field,
                          const std::string& old_type, const std::string& new_type);
  void alter_many_to_many(const BoundModel& m, const BoundField& old_field, const BoundField& new_field);
  std::vector<DeferredStatement> model_indexes_sql(const ModelDef& m);
  DeferredStatement create_index_statement(const ModelDef& m, const std::vector<const FieldDef*>& fields,
                                           const std::string& name, const std::vector<std::string>& suffixes);
  DeferredStatement create_unique_statement(const ModelDef& m, const std::vector<std::string>& columns,
                                            const std::string& name = "", const std::string& condition = "");
  std::string constraint_sql(const ModelDef& m, const models::ConstraintDef& c);
  void delete_deferred_for_table(const std::string& table);
  std::vector<std::string> unique_index_names(const std::string& table, const std::vector<std::string>& columns,
                                              const ModelDef& m);
};

/// Django's _field_should_be_altered: whether an AlterField changes the
/// database (options such as help_text or verbose_name do not).
bool field_should_be_altered(const FieldDef& old_field, const FieldDef& new_field);

}  // namespace mvt::migrator
