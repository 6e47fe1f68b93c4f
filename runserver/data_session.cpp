#include "runserver/data_session.hpp"

#include "db/connection.hpp"

namespace mvt::runserver {

namespace {

// Design note: the dev server runs a thread per client connection (as
// Django's threaded runserver). A thread's SQLite connection goes back to a
// process-wide pool after each request (and when the thread ends), and the
// next request on any thread takes it with its prepared statements warm:
// there are about as many connections as requests running at once, not as
// open client connections, and none is opened per client connection.
std::mutex g_pool_mutex;
std::vector<std::unique_ptr<db::Connection>> g_pool;  // idle connections
constexpr std::size_t kMaxIdle = 16;

/// Puts `conn` back in the idle pool (closed instead when a transaction
/// was left open or the pool is full).
void give_back(std::unique_ptr<db::Connection> conn) {
  if (!conn || conn->in_transaction()) return;
  std::lock_guard<std::mutex> lock(g_pool_mutex);
  if (g_pool.size() < kMaxIdle) g_pool.push_back(std::move(conn));
}

/// The calling thread's connection; returned to g_pool after each request
/// (release_thread_connection) and at thread exit.
struct ThreadConnection {
  std::unique_ptr<db::Connection> conn;
  ~ThreadConnection() { give_back(std::move(conn)); }
};

thread_local ThreadConnection t_conn;

std::recursive_mutex g_write_mutex;

/// An idle pooled connection to `path`, or null (connections to other
/// files, left from before a settings reload, are closed).
std::unique_ptr<db::Connection> take_pooled(const std::filesystem::path& path) {
  std::vector<std::unique_ptr<db::Connection>> stale;
  std::unique_ptr<db::Connection> found;
  {
    std::lock_guard<std::mutex> lock(g_pool_mutex);
    while (!g_pool.empty() && !found) {
      std::unique_ptr<db::Connection> c = std::move(g_pool.back());
      g_pool.pop_back();
      if (c->path() == path) found = std::move(c);
      else stale.push_back(std::move(c));
    }
  }
  return found;  // `stale` closes outside the lock
}

}  // namespace

void release_thread_connection() { give_back(std::move(t_conn.conn)); }

db::Connection& thread_connection(const std::filesystem::path& path) {
  std::unique_ptr<db::Connection>& conn = t_conn.conn;
  if (!conn || conn->path() != path) {
    conn.reset();  // close the old file first
    conn = take_pooled(path);
    if (!conn) {
      conn = std::make_unique<db::Connection>(path, 5000);
      conn->execute_script("PRAGMA journal_mode = WAL");
      conn->execute_script("PRAGMA synchronous = NORMAL");
    }
  }
  return *conn;
}

db::SqlRows DataSession::fetch(const db::SqlQuery& q) const {
  ++queries_;
  return connection().query_rows(q.sql, q.params);
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
