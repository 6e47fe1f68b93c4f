#include "runserver/model_save.hpp"

#include <openssl/rand.h>

#include <set>

#include "db/connection.hpp"
#include "db/query.hpp"
#include "dtl/timezone.hpp"
#include "runserver/field_values.hpp"

namespace mvt::runserver {

using models::FieldDef;
using models::FieldType;
using models::ModelDef;

namespace {

/// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
class WriteTransaction {
 public:
  explicit WriteTransaction(const DataSession& d) : lock_(d.write_lock()), db_(d.connection()) {
    db_.execute_script("BEGIN IMMEDIATE");
  }
  ~WriteTransaction() {
    if (!done_) {
      try {
        db_.execute_script("ROLLBACK");
      } catch (...) {
      }
    }
  }
  void commit() {
    db_.execute_script("COMMIT");
    done_ = true;
  }

 private:
  std::unique_lock<std::recursive_mutex> lock_;  // released after COMMIT / ROLLBACK
  db::Connection& db_;
  bool done_ = false;
};

dtl::Value now_value(const FieldDef& f, const ValueSettings& s) {
  const dtl::TimeZone* tz = dtl::TimeZone::locate(s.time_zone);
  dtl::DateTime now = dtl::now(s.use_tz ? dtl::TimeZone::locate("UTC") : nullptr, tz);
  if (f.type == FieldType::DateField) {
    // date.today(): the local date in TIME_ZONE.
    dtl::DateTime local = s.use_tz && tz ? dtl::localtime(now, tz) : now;
    return dtl::Value::date(local.date);
  }
  if (f.type == FieldType::TimeField) return dtl::Value::time(now.time);
  return dtl::Value::datetime(now);
}

std::string uuid4_hex() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

db::SqlValue to_column(const models::ModelRegistry& reg, const FieldDef& f, const dtl::Value& v,
                       const ValueSettings& s) {
  if (f.is_relation()) {
    const FieldDef* target = reg.target_field(f);
    return to_db_value(target ? *target : f, v, s);
  }
  return to_db_value(f, v, s);
}

void set_m2m(const DataSession& data, const ModelDef& model, const FieldDef& f, const db::SqlValue& pk,
             const dtl::Value& keys) {
  const auto& reg = data.registry();
  const ModelDef* target = reg.related_model(f);
  if (!target) return;
  std::string table = db::quote_name(reg.m2m_db_table(model, f));
  std::string from = db::quote_name(reg.m2m_column_name(model, f));
  std::string to = db::quote_name(reg.m2m_reverse_name(model, f));
  std::vector<db::SqlValue> wanted;
  if (keys.is_list())
    for (const auto& k : keys.as_list().items) wanted.push_back(to_db_value(*target->pk(), k, data.settings()));
  // Django's ManyRelatedManager.set(): remove what is gone, add what is new.
  std::set<std::string> have;
  for (const auto& row : data.fetch({"SELECT " + to + " FROM " + table + " WHERE " + from + " = ?", {pk}}))
    have.insert(row[0].to_text());
  std::set<std::string> want_text;
  for (const auto& w : wanted) want_text.insert(w.to_text());
  for (const auto& h : have)
    if (!want_text.count(h)) data.execute({"DELETE FROM " + table + " WHERE " + from + " = ? AND " + to + " = ?", {pk, h}});
  for (const auto& w : wanted)
    if (!have.count(w.to_text()) && have.insert(w.to_text()).second)
      data.execute({"INSERT INTO " + table + " (" + from + ", " + to + ") VALUES (?, ?)", {pk, w}});
}

const dtl::Value* find_value(const FieldValues& values, const FieldDef& f) {
  for (const auto& [field, v] : values)
    if (field == &f || field->name == f.name) return &v;
  return nullptr;
}

/// The Collector: deletes `pks` of `model` after applying on_delete to every
/// relation pointing at them.
void collect_delete(const DataSession& data, const ModelDef& model, const std::vector<db::SqlValue>& pks, int depth) {
  if (pks.empty()) return;
  if (depth > 64) throw std::runtime_error("on_delete cascade too deep");
  const auto& reg = data.registry();
  auto in_list = [&](std::size_t n) {
    std::string s = "(";
    for (std::size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
    return s + ")";
  };
  for (const auto& rel : reg.related_objects(model)) {
    const FieldDef& f = *rel.field;
    if (f.many_to_many()) {
      std::string table = db::quote_name(reg.m2m_db_table(*rel.model, f));
      std::string col = db::quote_name(reg.m2m_reverse_name(*rel.model, f));
      data.execute({"DELETE FROM " + table + " WHERE " + col + " IN " + in_list(pks.size()), pks});
      continue;
    }
    const FieldDef* target = reg.target_field(f);
    // The referenced values: the primary keys, or the to_field's values.
    std::vector<db::SqlValue> refs = pks;
    if (target && target != model.pk()) {
      refs.clear();
      for (const auto& row : data.fetch({"SELECT " + db::quote_name(target->column()) + " FROM " +
                                             db::quote_name(model.db_table()) + " WHERE " +
                                             db::quote_name(model.pk()->column()) + " IN " + in_list(pks.size()),
                                         pks}))
        refs.push_back(row[0]);
    }
    if (refs.empty()) continue;
    std::string where = " FROM " + db::quote_name(rel.model->db_table()) + " WHERE " + db::quote_name(f.column()) +
                        " IN " + in_list(refs.size());
    std::vector<db::SqlValue> related;
    for (const auto& row : data.fetch({"SELECT " + db::quote_name(rel.model->pk()->column()) + where, refs}))
      related.push_back(row[0]);
    if (related.empty()) continue;
    if (f.on_delete == "CASCADE") {
      collect_delete(data, *rel.model, related, depth + 1);
    } else if (f.on_delete == "PROTECT" || f.on_delete == "RESTRICT") {
      throw ProtectedError("Cannot delete some instances of model '" + model.name + "' because they are referenced through " +
                           (f.on_delete == "PROTECT" ? "protected" : "restricted") + " foreign keys: '" +
                           rel.model->name + "." + f.name + "'.");
    } else if (f.on_delete == "SET_NULL" || f.on_delete == "SET_DEFAULT") {
      db::SqlValue v = nullptr;
      if (f.on_delete == "SET_DEFAULT") v = to_column(reg, f, field_default(f, data.settings()), data.settings());
      std::vector<db::SqlValue> params{v};
      params.insert(params.end(), related.begin(), related.end());
      data.execute({"UPDATE " + db::quote_name(rel.model->db_table()) + " SET " + db::quote_name(f.column()) +
                        " = ? WHERE " + db::quote_name(rel.model->pk()->column()) + " IN " + in_list(related.size()),
                    params});
    }
    // DO_NOTHING: the database's deferred constraint decides at COMMIT.
  }
  for (const auto* m2m : model.many_to_many_fields()) {
    std::string table = db::quote_name(reg.m2m_db_table(model, *m2m));
    std::string col = db::quote_name(reg.m2m_column_name(model, *m2m));
    data.execute({"DELETE FROM " + table + " WHERE " + col + " IN " + in_list(pks.size()), pks});
  }
  data.execute({"DELETE FROM " + db::quote_name(model.db_table()) + " WHERE " + db::quote_name(model.pk()->column()) +
                     " IN " + in_list(pks.size()),
                 pks});
}

}  // namespace

dtl::Value field_default(const FieldDef& f, const ValueSettings& s) {
  if (f.default_value) {
    const models::Value& v = *f.default_value;
    switch (v.kind()) {
      case models::Value::Kind::Null: return dtl::Value::none();
      case models::Value::Kind::Bool: return dtl::Value::boolean(v.as_bool());
      case models::Value::Kind::Int: return dtl::Value::integer(v.as_int());
      case models::Value::Kind::Float: return dtl::Value::real(v.as_float());
      case models::Value::Kind::String: return dtl::Value::string(v.as_string());
      case models::Value::Kind::Callable: {
        const std::string& name = v.as_string();
        if (name == "timezone.now" || name == "datetime.now" || name == "date.today") return now_value(f, s);
        if (name == "uuid.uuid4") return dtl::Value::string(uuid4_hex());
        if (name == "dict") return dtl::Value::map({});
        if (name == "list") return dtl::Value::list({});
        return dtl::Value::none();
      }
      case models::Value::Kind::List:
      case models::Value::Kind::Map: return model_value_to_dtl(v);
    }
  }
  if (!f.empty_strings_allowed() || f.null) return dtl::Value::none();
  return dtl::Value::string("");
}

db::SqlValue insert_object(const DataSession& data, const ModelDef& model, const FieldValues& values) {
  const auto& reg = data.registry();
  const ValueSettings& s = data.settings();
  std::string cols, marks;
  std::vector<db::SqlValue> params;
  for (const FieldDef* f : model.concrete_fields()) {
    const dtl::Value* given = find_value(values, *f);
    dtl::Value v;
    if (f->auto_now || f->auto_now_add) v = now_value(*f, s);
    else if (given) v = *given;
    else if (f->is_auto()) continue;  // AUTOINCREMENT assigns it
    else v = field_default(*f, s);
    params.push_back(to_column(reg, *f, v, s));
    cols += (cols.empty() ? "" : ", ") + db::quote_name(f->column());
    marks += marks.empty() ? "?" : ", ?";
  }
  WriteTransaction tx(data);
  std::string sql = "INSERT INTO " + db::quote_name(model.db_table());
  sql += cols.empty() ? " DEFAULT VALUES" : " (" + cols + ") VALUES (" + marks + ")";
  data.execute({sql, params});
  db::SqlValue pk;
  if (const dtl::Value* given = find_value(values, *model.pk())) pk = to_column(reg, *model.pk(), *given, s);
  else pk = data.last_insert_rowid();
  for (const auto* m2m : model.many_to_many_fields())
    if (const dtl::Value* keys = find_value(values, *m2m)) set_m2m(data, model, *m2m, pk, *keys);
  tx.commit();
  return pk;
}

void update_object(const DataSession& data, const ModelDef& model, const db::SqlValue& pk, const FieldValues& values) {
  const auto& reg = data.registry();
  const ValueSettings& s = data.settings();
  std::string sets;
  std::vector<db::SqlValue> params;
  for (const FieldDef* f : model.concrete_fields()) {
    if (f->primary_key) continue;
    const dtl::Value* given = find_value(values, *f);
    dtl::Value v;
    if (f->auto_now) v = now_value(*f, s);
    else if (given) v = *given;
    else continue;
    sets += (sets.empty() ? "" : ", ") + db::quote_name(f->column()) + " = ?";
    params.push_back(to_column(reg, *f, v, s));
  }
  WriteTransaction tx(data);
  if (!sets.empty()) {
    params.push_back(pk);
    data.execute({"UPDATE " + db::quote_name(model.db_table()) + " SET " + sets + " WHERE " +
                      db::quote_name(model.pk()->column()) + " = ?",
                  params});
  }
  for (const auto* m2m : model.many_to_many_fields())
    if (const dtl::Value* keys = find_value(values, *m2m)) set_m2m(data, model, *m2m, pk, *keys);
  tx.commit();
}

void delete_object(const DataSession& data, const ModelDef& model, const db::SqlValue& pk) {
  WriteTransaction tx(data);
  collect_delete(data, model, {pk}, 0);
  tx.commit();
}

}  // namespace mvt::runserver
