#include "runserver/data_session.hpp"

#include "db/connection.hpp"

namespace mvt::runserver {

namespace {

thread_local std::unique_ptr<db::Connection> t_conn;

std::recursive_mutex g_write_mutex;

}  // namespace

db::Connection& thread_connection(const std::filesystem::path& path) {
  if (!t_conn || t_conn->path() != path) {
    t_conn.reset();  // close the old file first
    t_conn = std::make_unique<db::Connection>(path, 5000);
    t_conn->execute_script("PRAGMA journal_mode = WAL");
    t_conn->execute_script("PRAGMA synchronous = NORMAL");
  }
  return *t_conn;
}

std::vector<db::SqlRow> DataSession::fetch(const db::SqlQuery& q) const {
  ++queries_;
  return connection().query(q.sql, q.params);
}

std::int64_t DataSession::count(const db::SqlQuery& q) const {
  ++queries_;
  auto rows = connection().query(q.sql, q.params);
  if (rows.empty() || rows[0].empty()) return 0;
  return rows[0][0].is_int() ? rows[0][0].as_int() : 0;
}

std::unique_lock<std::recursive_mutex> DataSession::write_lock() const {
  return std::unique_lock<std::recursive_mutex>(g_write_mutex);
}

int DataSession::execute(const db::SqlQuery& q) const {
  ++queries_;
  std::lock_guard<std::recursive_mutex> lock(g_write_mutex);
  return static_cast<int>(connection().execute(q.sql, q.params));
}

std::int64_t DataSession::last_insert_rowid() const { return connection().last_insert_rowid(); }

}  // namespace mvt::runserver
