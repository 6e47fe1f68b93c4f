#pragma once
// The SQLite connection (Django's django.db.backends.sqlite3.base
// DatabaseWrapper, reduced to what mvt needs): opened with foreign key
// enforcement on and a busy timeout, statements with bound parameters only,
// explicit transactions, and the introspection the migration system uses.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/sql_value.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace mvt::db {

/// An error reported by SQLite (Django's DatabaseError / IntegrityError /
/// OperationalError); the message is SQLite's.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(const std::string& message, int code = 0) : std::runtime_error(message), code(code) {}
  int code;  // SQLite's extended result code
  /// True for constraint violations (Django's IntegrityError).
  bool is_integrity_error() const { return (code & 0xff) == 19; }
};

/// One column of PRAGMA table_info.
struct ColumnInfo {
  std::string name;
  std::string type;
  bool not_null = false;
  std::optional<std::string> default_value;
  int pk = 0;  // position in the primary key, 0 when not part of it
};

/// One index of PRAGMA index_list (with its columns from index_info).
struct IndexInfo {
  std::string name;
  bool unique = false;
  std::string origin;               // "c" (CREATE INDEX), "u" (UNIQUE), "pk"
  bool partial = false;
  std::vector<std::string> columns;
  std::optional<std::string> sql;   // sqlite_master.sql (absent for automatic indexes)
};

/// One row of PRAGMA foreign_key_list.
struct ForeignKeyInfo {
  std::string table;       // referenced table
  std::string from;        // column
  std::string to;          // referenced column
};

/// A connection to one SQLite database file.
class Connection {
 public:
  /// Opens (creating when missing) the database at `path` (":memory:" for an
  /// in-memory one) with `PRAGMA foreign_keys = ON` as Django's
  /// get_new_connection, and a busy timeout of `timeout_ms` (Django's default
  /// 5 seconds). Throws DatabaseError.
  explicit Connection(const std::filesystem::path& path, int timeout_ms = 5000);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs SQL without parameters; several statements separated by ';' are
  /// allowed. Throws DatabaseError.
  void execute_script(const std::string& sql);
  /// Runs one statement with bound parameters ('?' placeholders); returns
  /// the number of rows changed. Throws DatabaseError.
  std::int64_t execute(const std::string& sql, const std::vector<SqlValue>& params = {});
  /// Runs a query and returns every row. Throws DatabaseError.
  std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params = {});
  /// Runs a query and returns its rows in one flat block (what the dev
  /// server's reads use). Throws DatabaseError.
  SqlRows query_rows(const std::string& sql, const std::vector<SqlValue>& params = {});
  /// The first row of a query, or nullopt.
  std::optional<SqlRow> query_one(const std::string& sql, const std::vector<SqlValue>& params = {});
  /// Names of the columns a query returns.
  std::vector<std::string> column_names(const std::string& sql);
  std::int64_t last_insert_rowid() const;

  /// BEGIN / COMMIT / ROLLBACK. Throws DatabaseError.
  void begin();
  void commit();
  void rollback();
  bool in_transaction() const;

  /// PRAGMA foreign_keys (Django's disable/enable_constraint_checking). It
  /// cannot change inside a transaction; returns the value in effect.
  bool set_foreign_keys(bool on);
  bool foreign_keys() ;

  // Introspection (django.db.backends.sqlite3.introspection).
  /// User tables, sorted (sqlite_* tables excluded).
  std::vector<std::string> table_names();
  bool has_table(const std::string& name);
  std::vector<ColumnInfo> table_info(const std::string& table);
  std::vector<IndexInfo> index_list(const std::string& table);
  std::vector<ForeignKeyInfo> foreign_key_list(const std::string& table);
  /// sqlite_master.sql of a table or index, or nullopt.
  std::optional<std::string> schema_sql(const std::string& name);
  /// PRAGMA foreign_key_check: the first violation as Django's message
  /// ("The row in table 'x' with primary key '1' has an invalid foreign key:
  /// x.y_id contains a value '5' that does not have a corresponding value in
  /// t.id."), or nullopt when every reference holds.
  std::optional<std::string> foreign_key_violation();

  sqlite3* handle() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  /// A prepared statement kept for reuse, with the number of cells its last
  /// run returned (the next run reserves that many).
  struct CachedStatement {
    sqlite3_stmt* st = nullptr;
    std::size_t last_cells = 0;
  };
  /// The cached statement for `sql` (reset, bindings cleared).
  CachedStatement& prepare_query(const std::string& sql);
  /// Runs a cached query, appending its cells to `cells`; returns the column count.
  std::size_t run_cached(const std::string& sql, const std::vector<SqlValue>& params, std::vector<SqlValue>& cells);
  void finalize_queries();
  /// Binds `params`, steps `st` to the end (appending the cells of its rows,
  /// row-major, to `cells` when given) and resets it. Returns the statement's
  /// column count. Throws DatabaseError.
  std::size_t run(sqlite3_stmt* st, const std::vector<SqlValue>& params, std::vector<SqlValue>* cells);
  std::filesystem::path path_;
  std::unique_ptr<SQLite::Database> db_;
  // Statements by SQL, run through the C API (SQLiteCpp's Column costs a
  // shared_ptr copy per value).
  std::map<std::string, CachedStatement> query_cache_;
};

/// A transaction: BEGIN on construction, ROLLBACK on destruction unless
/// committed (Django's transaction.atomic, outermost level).
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.begin(); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& c_;
  bool done_ = false;
};

/// Quotes an identifier as Django's SQLite backend does ("name"; names
/// already quoted are kept).
std::string quote_identifier(const std::string& name);

}  // namespace mvt::db
