#pragma once
// Live reload for `mvt runserver` (Django's autoreload, without restarting
// the process): an inotify watch on every folder of the project. Each request
// drains the pending events first, so a request sent after a file was saved
// always sees the change; the listening socket is never closed.
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace mvt::runserver {

/// Watches a project tree for changes to the files the server reads.
class FileWatcher {
 public:
  /// Watches `root` and its sub-folders, except hidden folders and the
  /// folders in `excluded` (STATIC_ROOT, MEDIA_ROOT, ...). Changes to files
  /// in `ignored_files` (the database and its journals) are ignored.
  /// Throws std::runtime_error if inotify is unavailable.
  FileWatcher(std::filesystem::path root, std::vector<std::filesystem::path> excluded,
              std::vector<std::filesystem::path> ignored_files);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  /// Reads every pending event without blocking; returns the changed paths
  /// (empty when nothing relevant changed). Thread-safe.
  std::vector<std::filesystem::path> poll_changes();
  /// The inotify descriptor: readable while events are pending (so one
  /// poll() can tell which of several watchers have any to read).
  int fd() const { return fd_; }

 private:
  void watch_tree(const std::filesystem::path& dir);
  bool is_excluded(const std::filesystem::path& dir) const;

  std::filesystem::path root_;
  std::vector<std::filesystem::path> excluded_;
  std::vector<std::filesystem::path> ignored_files_;
  int fd_ = -1;
  std::mutex mutex_;
  std::vector<std::pair<int, std::filesystem::path>> watches_;  // wd -> folder
};

}  // namespace mvt::runserver
