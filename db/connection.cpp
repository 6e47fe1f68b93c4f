#include "db/connection.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <mutex>

namespace mvt::db {

namespace {

[[noreturn]] void rethrow(const SQLite::Exception& e) {
  throw DatabaseError(e.what(), e.getExtendedErrorCode());
}

/// Appends column `i` of the current row to `cells`, read through its
/// sqlite3_value (one API call per cell rather than three; SQLiteCpp's Column
/// object costs a shared_ptr copy per value) and built in place. The value is
/// unprotected, which is safe here: a Connection is used by one thread at a
/// time (it is opened NOMUTEX).
void append_column(std::vector<SqlValue>& cells, sqlite3_stmt* st, int i) {
  sqlite3_value* v = sqlite3_column_value(st, i);
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: cells.emplace_back(static_cast<std::int64_t>(sqlite3_value_int64(v))); return;
    case SQLITE_FLOAT: cells.emplace_back(sqlite3_value_double(v)); return;
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
      cells.emplace_back(text, static_cast<std::size_t>(sqlite3_value_bytes(v)));
      return;
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const char*>(sqlite3_value_blob(v));
      cells.emplace_back(Blob{std::string(data, static_cast<std::size_t>(sqlite3_value_bytes(v)))});
      return;
    }
    default: cells.emplace_back(); return;
  }
}

std::string text_of(const SqlValue& v) {
  if (v.is_null()) return "None";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_real()) return std::to_string(v.as_real());
  if (v.is_text()) return v.as_text();
  return v.as_blob().bytes;
}

}  // namespace

std::string quote_identifier(const std::string& name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') return name;
  return "\"" + name + "\"";
}

Connection::Connection(const std::filesystem::path& path, int timeout_ms) : path_(path) {
  // SQLite's memory statistics (on by default) put a process-wide mutex
  // around every allocation it makes; mvt never reads them, and the dev
  // server's threads would queue on that lock. This must precede SQLite's
  // initialisation, so the first connection of the process sets it.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  try {
    // NOMUTEX: a Connection is used by one thread at a time (the dev server's
    // pool hands each to one request at a time), so SQLite's per-call mutex
    // is pure cost.
    db_ = std::make_unique<SQLite::Database>(path.string(),
                                             SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                             timeout_ms);
    db_->exec("PRAGMA foreign_keys = ON");
  } catch (const SQLite::Exception& e) {
    throw DatabaseError("unable to open database file '" + path.string() + "': " + e.what(),
                        e.getExtendedErrorCode());
  }
}

Connection::~Connection() {
  finalize_queries();
  if (db_ && in_transaction()) {
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
    }
  }
}

sqlite3* Connection::handle() const { return db_->getHandle(); }

void Connection::execute_script(const std::string& sql) {
  try {
    db_->exec(sql);
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
}

std::int64_t Connection::execute(const std::string& sql, const std::vector<SqlValue>& params) {
  if (params.empty()) {
    // DDL invalidates prepared statements: run it without caching it.
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(handle(), sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
      sqlite3_finalize(st);
      throw DatabaseError(sqlite3_errmsg(handle()), sqlite3_extended_errcode(handle()));
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owner(st, sqlite3_finalize);
    run(st, params, nullptr);
  } else {
    run(prepare_query(sql).st, params, nullptr);
  }
  return sqlite3_changes64(handle());
}

Connection::CachedStatement& Connection::prepare_query(const std::string& sql) {
  auto it = query_cache_.find(sql);
  if (it != query_cache_.end()) {
    sqlite3_reset(it->second.st);
    sqlite3_clear_bindings(it->second.st);
    return it->second;
  }
  if (query_cache_.size() > 256) finalize_queries();
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(handle(), sql.c_str(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(st);
    throw DatabaseError(sqlite3_errmsg(handle()), sqlite3_extended_errcode(handle()));
  }
  return query_cache_.emplace(sql, CachedStatement{st, 0}).first->second;
}

void Connection::finalize_queries() {
  for (auto& [sql, cached] : query_cache_) sqlite3_finalize(cached.st);
  query_cache_.clear();
}

std::size_t Connection::run(sqlite3_stmt* st, const std::vector<SqlValue>& params, std::vector<SqlValue>* cells) {
  auto fail = [&](int rc) {
    std::string message = sqlite3_errmsg(handle());
    int code = sqlite3_extended_errcode(handle());
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    throw DatabaseError(message, code ? code : rc);
  };
  int i = 1;
  for (const auto& p : params) {
    int rc;
    if (p.is_null()) rc = sqlite3_bind_null(st, i);
    else if (p.is_int()) rc = sqlite3_bind_int64(st, i, p.as_int());
    else if (p.is_real()) rc = sqlite3_bind_double(st, i, p.as_real());
    else if (p.is_text())
      rc = sqlite3_bind_text(st, i, p.as_text().data(), static_cast<int>(p.as_text().size()), SQLITE_STATIC);
    else
      rc = sqlite3_bind_blob(st, i, p.as_blob().bytes.data(), static_cast<int>(p.as_blob().bytes.size()),
                             SQLITE_STATIC);
    if (rc != SQLITE_OK) fail(rc);
    ++i;
  }
  const int n = sqlite3_column_count(st);
  for (;;) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) fail(rc);
    if (!cells) continue;
    for (int c = 0; c < n; ++c) append_column(*cells, st, c);
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);  // the bound texts point into `params`
  return static_cast<std::size_t>(n);
}

std::size_t Connection::run_cached(const std::string& sql, const std::vector<SqlValue>& params,
                                   std::vector<SqlValue>& cells) {
  CachedStatement& cached = prepare_query(sql);
  cells.reserve(cached.last_cells);
  const std::size_t columns = run(cached.st, params, &cells);
  cached.last_cells = cells.size();
  return columns;
}

SqlRows Connection::query_rows(const std::string& sql, const std::vector<SqlValue>& params) {
  // Cached: sqlite3_prepare_v2 statements re-prepare themselves after a
  // schema change, and run() always resets the statement.
  std::vector<SqlValue> cells;
  const std::size_t columns = run_cached(sql, params, cells);
  return SqlRows(columns, std::move(cells));
}

std::vector<SqlRow> Connection::query(const std::string& sql, const std::vector<SqlValue>& params) {
  std::vector<SqlValue> cells;
  const std::size_t columns = run_cached(sql, params, cells);
  std::vector<SqlRow> rows;
  if (columns == 0) return rows;
  rows.reserve(cells.size() / columns);
  for (auto it = cells.begin(); it != cells.end(); it += static_cast<long>(columns))
    rows.emplace_back(std::make_move_iterator(it), std::make_move_iterator(it + static_cast<long>(columns)));
  return rows;
}

std::optional<SqlRow> Connection::query_one(const std::string& sql, const std::vector<SqlValue>& params) {
  auto rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<std::string> Connection::column_names(const std::string& sql) {
  std::vector<std::string> out;
  try {
    SQLite::Statement st(*db_, sql);
    for (int i = 0; i < st.getColumnCount(); ++i) out.push_back(st.getColumnName(i));
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
  return out;
}

std::int64_t Connection::last_insert_rowid() const { return db_->getLastInsertRowid(); }

void Connection::begin() { execute_script("BEGIN"); }
void Connection::commit() { execute_script("COMMIT"); }
void Connection::rollback() { execute_script("ROLLBACK"); }
bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_->getHandle()) == 0; }

bool Connection::set_foreign_keys(bool on) {
  execute_script(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
  return foreign_keys();
}

bool Connection::foreign_keys() {
  auto row = query_one("PRAGMA foreign_keys");
  return row && row->at(0).is_int() && row->at(0).as_int() != 0;
}

std::vector<std::string> Connection::table_names() {
  std::vector<std::string> out;
  for (auto& row : query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                         "ESCAPE '\\' ORDER BY name"))
    out.push_back(row[0].as_text());
  return out;
}

bool Connection::has_table(const std::string& name) {
  return query_one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {name}).has_value();
}

std::vector<ColumnInfo> Connection::table_info(const std::string& table) {
  std::vector<ColumnInfo> out;
  for (auto& r : query("PRAGMA table_info(" + quote_identifier(table) + ")")) {
    ColumnInfo c;
    c.name = r[1].as_text();
    c.type = r[2].is_text() ? r[2].as_text() : "";
    c.not_null = r[3].as_int() != 0;
    if (!r[4].is_null()) c.default_value = text_of(r[4]);
    c.pk = static_cast<int>(r[5].as_int());
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<IndexInfo> Connection::index_list(const std::string& table) {
  std::vector<IndexInfo> out;
  for (auto& r : query("PRAGMA index_list(" + quote_identifier(table) + ")")) {
    IndexInfo i;
    i.name = r[1].as_text();
    i.unique = r[2].as_int() != 0;
    i.origin = r.size() > 3 && r[3].is_text() ? r[3].as_text() : "";
    i.partial = r.size() > 4 && r[4].is_int() && r[4].as_int() != 0;
    for (auto& c : query("PRAGMA index_info(" + quote_identifier(i.name) + ")"))
      i.columns.push_back(c[2].is_text() ? c[2].as_text() : "");
    i.sql = schema_sql(i.name);
    out.push_back(std::move(i));
  }
  return out;
}

std::vector<ForeignKeyInfo> Connection::foreign_key_list(const std::string& table) {
  std::vector<ForeignKeyInfo> out;
  for (auto& r : query("PRAGMA foreign_key_list(" + quote_identifier(table) + ")"))
    out.push_back({r[2].as_text(), r[3].as_text(), r[4].is_text() ? r[4].as_text() : ""});
  return out;
}

std::optional<std::string> Connection::schema_sql(const std::string& name) {
  auto row = query_one("SELECT sql FROM sqlite_master WHERE name = ?", {name});
  if (!row || row->at(0).is_null()) return std::nullopt;
  return row->at(0).as_text();
}

std::optional<std::string> Connection::foreign_key_violation() {
  auto rows = query("PRAGMA foreign_key_check");
  if (rows.empty()) return std::nullopt;
  const auto& v = rows.front();
  const std::string table = v[0].as_text();
  const std::int64_t rowid = v[1].is_int() ? v[1].as_int() : 0;
  const std::string ref_table = v[2].as_text();
  const auto fk_index = static_cast<std::size_t>(v[3].as_int());
  auto fks = query("PRAGMA foreign_key_list(" + quote_identifier(table) + ")");
  std::string column, ref_column;
  for (const auto& fk : fks)
    if (static_cast<std::size_t>(fk[0].as_int()) == fk_index) {
      column = fk[3].as_text();
      ref_column = fk[4].is_text() ? fk[4].as_text() : "";
    }
  std::string pk_column;
  for (const auto& c : table_info(table))
    if (c.pk == 1) pk_column = c.name;
  std::string pk_value = std::to_string(rowid), bad_value;
  try {
    auto row = query_one("SELECT " + (pk_column.empty() ? std::string("rowid") : quote_identifier(pk_column)) + ", " +
                             quote_identifier(column) + " FROM " + quote_identifier(table) + " WHERE rowid = ?",
                         {rowid});
    if (row) {
      pk_value = text_of((*row)[0]);
      bad_value = text_of((*row)[1]);
    }
  } catch (const DatabaseError&) {
  }
  return "The row in table '" + table + "' with primary key '" + pk_value + "' has an invalid foreign key: " +
         table + "." + column + " contains a value '" + bad_value +
         "' that does not have a corresponding value in " + ref_table + "." + ref_column + ".";
}

Transaction::~Transaction() {
  if (!done_ && c_.in_transaction()) {
    try {
      c_.rollback();
    } catch (...) {
    }
  }
}

void Transaction::commit() {
  c_.commit();
  done_ = true;
}

}  // namespace mvt::db
