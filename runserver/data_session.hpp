#pragma once
// Database access for one request: the worker thread's SQLite connection
// (opened once per thread, foreign keys on, WAL, busy timeout — as the dev
// server needs), the project's models, and the time-zone settings that
// decide how stored values read back. Runs queries with bound parameters only.
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/models.hpp"
#include "db/query.hpp"
#include "db/sql_value.hpp"

namespace mvt::db {
class Connection;
}

namespace mvt::runserver {

/// Settings that affect how values are read and written.
struct ValueSettings {
  bool use_tz = true;
  std::string time_zone = "UTC";
  /// Where FileField values live and are served (FieldFile.path / .url).
  std::filesystem::path media_root = "media";
  std::string media_url = "/media/";
};

/// The connection of the calling thread to `path`, opened on first use with
/// `PRAGMA foreign_keys = ON`, WAL journal (synchronous=NORMAL: a commit does
/// not wait for the disk; the database stays consistent, a power cut may
/// lose the last commits) and a 5 s busy timeout; its
/// prepared statements are cached across requests. release_thread_connection()
/// (after each request) and the thread's end put it back in an idle pool,
/// from which the next call on any thread takes it. A new path (after a
/// settings reload) opens a new connection. Throws db::DatabaseError when the
/// file cannot be opened.
db::Connection& thread_connection(const std::filesystem::path& path);

/// Returns the calling thread's connection, if any, to the idle pool (a
/// connection left inside a transaction is closed instead). References from
/// thread_connection() must not be used after it.
void release_thread_connection();

/// One request's view of the database.
class DataSession {
 public:
  DataSession(const std::filesystem::path& db_path, const models::ModelRegistry& registry, ValueSettings settings)
      : db_path_(db_path), registry_(registry), settings_(std::move(settings)) {}

  const models::ModelRegistry& registry() const { return registry_; }
  const ValueSettings& settings() const { return settings_; }

  /// Runs a SELECT and returns its rows. Throws db::DatabaseError.
  db::SqlRows fetch(const db::SqlQuery& q) const;
  /// Runs a SELECT COUNT(*) and returns the count.
  std::int64_t count(const db::SqlQuery& q) const;
  /// Runs any statement; returns the number of changed rows.
  int execute(const db::SqlQuery& q) const;
  /// The process-wide writer lock (recursive). Writes of the dev server's
  /// worker threads queue here instead of in SQLite's busy handler, which
  /// sleeps in steps of milliseconds; other processes still meet the busy
  /// timeout. execute() takes it per statement; hold it across a write
  /// transaction (BEGIN IMMEDIATE ... COMMIT).
  std::unique_lock<std::recursive_mutex> write_lock() const;
  /// The rowid of the last INSERT on this thread's connection.
  std::int64_t last_insert_rowid() const;
  /// Number of queries run by this session (tests and the N+1 guard).
  int query_count() const { return queries_; }
  db::Connection& connection() const { return thread_connection(db_path_); }

 private:
  std::filesystem::path db_path_;
  const models::ModelRegistry& registry_;
  ValueSettings settings_;
  mutable int queries_ = 0;
};

}  // namespace mvt::runserver
