#include "runserver/fixtures.hpp"

#include "db/connection.hpp"
#include <nlohmann/json.hpp>

#include "dtl/text.hpp"
#include "runserver/field_values.hpp"
#include "runserver/model_save.hpp"

namespace mvt::runserver {

namespace fs = std::filesystem;
using models::FieldDef;

std::vector<fs::path> find_fixtures(const Project& project, const std::string& name) {
  std::vector<fs::path> out;
  fs::path direct(name);
  for (const fs::path& candidate : {direct, fs::path(name + ".json")})
    if (fs::is_regular_file(candidate)) return {fs::absolute(candidate)};
  const std::string file = name.ends_with(".json") ? name : name + ".json";
  for (const auto& app : project.apps) {
    if (app.builtin) continue;
    fs::path p = app.path / "fixtures" / file;
    if (fs::is_regular_file(p)) out.push_back(p);
  }
  return out;
}

namespace {

dtl::Value json_to_dtl(const nlohmann::json& j) {
  if (j.is_null()) return dtl::Value::none();
  if (j.is_boolean()) return dtl::Value::boolean(j.get<bool>());
  if (j.is_number_integer()) return dtl::Value::integer(j.get<std::int64_t>());
  if (j.is_number_float()) return dtl::Value::real(j.get<double>());
  if (j.is_string()) return dtl::Value::string(j.get<std::string>());
  if (j.is_array()) {
    std::vector<dtl::Value> items;
    for (const auto& e : j) items.push_back(json_to_dtl(e));
    return dtl::Value::list(std::move(items));
  }
  std::vector<std::pair<std::string, dtl::Value>> items;
  for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(it.key(), json_to_dtl(it.value()));
  return dtl::Value::map(std::move(items));
}

}  // namespace

std::size_t load_fixture(const DataSession& data, const std::string& text, const std::string& display_name) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array())
    throw FixtureError("Problem installing fixture '" + display_name + "': not a JSON list of objects");
  const auto& reg = data.registry();
  const ValueSettings& vs = data.settings();
  db::Connection& db = data.connection();
  // Django disables constraint checks while loading, then checks them all.
  db.execute_script("PRAGMA foreign_keys = OFF");
  db.execute_script("BEGIN IMMEDIATE");
  std::size_t count = 0;
  try {
    for (const auto& obj : doc) {
      std::string label = obj.value("model", "");
      const models::ModelDef* model = reg.get(label);
      std::string where = "Problem installing fixture '" + display_name + "': ";
      if (!model) throw FixtureError(where + "Invalid model identifier: '" + label + "'");
      FieldValues values;
      std::vector<std::pair<const FieldDef*, dtl::Value>> m2m;
      if (obj.contains("pk") && !obj["pk"].is_null()) values.emplace_back(model->pk(), json_to_dtl(obj["pk"]));
      if (obj.contains("fields")) {
        for (auto it = obj["fields"].begin(); it != obj["fields"].end(); ++it) {
          const FieldDef* f = model->field(it.key());
          if (!f) throw FixtureError(where + label + " has no field named '" + it.key() + "'");
          values.emplace_back(f, json_to_dtl(it.value()));
        }
      }
      // Raw save: UPDATE when the key exists, else INSERT (defaults for the rest).
      db::SqlValue pk;
      bool exists = false;
      if (!values.empty() && values.front().first == model->pk()) {
        pk = to_db_value(*model->pk(), values.front().second, vs);
        exists = !data.fetch({"SELECT 1 FROM " + db::quote_name(model->db_table()) + " WHERE " +
                                  db::quote_name(model->pk()->column()) + " = ?",
                              {pk}})
                      .empty();
      }
      try {
        if (exists) {
          FieldValues rest(values.begin() + 1, values.end());
          std::string sets;
          std::vector<db::SqlValue> params;
          for (const auto& [f, v] : rest) {
            if (f->many_to_many()) continue;
            const FieldDef* conv = f->is_relation() ? reg.target_field(*f) : f;
            sets += (sets.empty() ? "" : ", ") + db::quote_name(f->column()) + " = ?";
            params.push_back(to_db_value(conv ? *conv : *f, v, vs));
          }
          if (!sets.empty()) {
            params.push_back(pk);
            data.execute({"UPDATE " + db::quote_name(model->db_table()) + " SET " + sets + " WHERE " +
                              db::quote_name(model->pk()->column()) + " = ?",
                          params});
          }
        } else {
          std::string cols, marks;
          std::vector<db::SqlValue> params;
          for (const FieldDef* f : model->concrete_fields()) {
            const dtl::Value* given = nullptr;
            for (const auto& [vf, v] : values)
              if (vf == f) given = &v;
            if (!given && f->is_auto()) continue;
            dtl::Value v = given ? *given : field_default(*f, vs);
            const FieldDef* conv = f->is_relation() ? reg.target_field(*f) : f;
            cols += (cols.empty() ? "" : ", ") + db::quote_name(f->column());
            marks += marks.empty() ? "?" : ", ?";
            params.push_back(to_db_value(conv ? *conv : *f, v, vs));
          }
          data.execute({"INSERT INTO " + db::quote_name(model->db_table()) + " (" + cols + ") VALUES (" + marks + ")",
                        params});
          if (pk.is_null()) pk = data.last_insert_rowid();
        }
        for (const auto& [f, v] : values) {
          if (!f->many_to_many()) continue;
          const models::ModelDef* target = reg.related_model(*f);
          std::string table = db::quote_name(reg.m2m_db_table(*model, *f));
          std::string from = db::quote_name(reg.m2m_column_name(*model, *f));
          std::string to = db::quote_name(reg.m2m_reverse_name(*model, *f));
          data.execute({"DELETE FROM " + table + " WHERE " + from + " = ?", {pk}});
          if (v.is_list())
            for (const auto& k : v.as_list().items)
              data.execute({"INSERT INTO " + table + " (" + from + ", " + to + ") VALUES (?, ?)",
                            {pk, to_db_value(*target->pk(), k, vs)}});
        }
      } catch (const FieldValueError& e) {
        throw FixtureError(where + label + "(pk=" + pk.to_text() + "): " + e.what());
      } catch (const db::DatabaseError& e) {
        throw FixtureError(where + "Could not load " + label + "(pk=" + pk.to_text() + "): " + e.what());
      }
      ++count;
    }
    // connection.check_constraints()
    auto bad = data.fetch({"PRAGMA foreign_key_check", {}});
    if (!bad.empty())
      throw FixtureError("Problem installing fixture '" + display_name + "': the row in table '" + bad[0][0].to_text() +
                         "' with primary key '" + bad[0][1].to_text() + "' has an invalid foreign key to '" +
                         bad[0][2].to_text() + "'");
    db.execute_script("COMMIT");
  } catch (...) {
    db.execute_script("ROLLBACK");
    db.execute_script("PRAGMA foreign_keys = ON");
    throw;
  }
  db.execute_script("PRAGMA foreign_keys = ON");
  return count;
}

}  // namespace mvt::runserver
