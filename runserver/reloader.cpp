#include "runserver/reloader.hpp"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mvt::runserver {

namespace fs = std::filesystem;

namespace {
constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                           IN_ATTRIB | IN_DELETE_SELF;
}

FileWatcher::FileWatcher(fs::path root, std::vector<fs::path> excluded, std::vector<fs::path> ignored_files)
    : root_(std::move(root)), excluded_(std::move(excluded)), ignored_files_(std::move(ignored_files)) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(std::string("inotify_init1 failed: ") + std::strerror(errno));
  watch_tree(root_);
}

FileWatcher::~FileWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

bool FileWatcher::is_excluded(const fs::path& dir) const {
  const std::string name = dir.filename().string();
  if (dir != root_ && !name.empty() && name[0] == '.') return true;
  if (name == "__pycache__" || name == "node_modules") return true;
  return std::find(excluded_.begin(), excluded_.end(), dir) != excluded_.end();
}

void FileWatcher::watch_tree(const fs::path& dir) {
  if (is_excluded(dir)) return;
  int wd = inotify_add_watch(fd_, dir.c_str(), kMask);
  if (wd >= 0) watches_.emplace_back(wd, dir);
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) watch_tree(it->path());
  }
}

std::vector<fs::path> FileWatcher::poll_changes() {
  std::vector<fs::path> changed;
  std::lock_guard<std::mutex> lock(mutex_);
  alignas(inotify_event) char buf[16384];
  while (true) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      auto w = std::find_if(watches_.begin(), watches_.end(), [&](const auto& x) { return x.first == ev->wd; });
      if (w == watches_.end()) continue;
      fs::path path = ev->len ? w->second / ev->name : w->second;
      if (std::find(ignored_files_.begin(), ignored_files_.end(), path) != ignored_files_.end()) continue;
      const std::string name = path.filename().string();
      // Editors' temporary files and the database's journals are not changes.
      if (name.empty() || name.back() == '~' || name.rfind(".#", 0) == 0 || name.ends_with(".swp") ||
          name.ends_with(".swx") || name.ends_with("-journal") || name.ends_with("-wal") || name.ends_with("-shm"))
        continue;
      if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) watch_tree(path);
      // A new folder counts as a change: files written into it before its
      // watch was added send no event of their own.
      if (ev->mask & IN_ISDIR && !(ev->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))) continue;
      if (std::find(changed.begin(), changed.end(), path) == changed.end()) changed.push_back(path);
    }
  }
  return changed;
}

}  // namespace mvt::runserver
