#include "runserver/static_finders.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <set>
#include <utility>

#include "runserver/pyurl.hpp"

namespace mvt::runserver {

namespace fs = std::filesystem;

namespace {

/// A location root as Django's FileSystemStorage holds it: os.path.abspath.
std::string abspath(const fs::path& p) {
  std::string s = p.is_absolute() ? p.string() : (fs::current_path() / p).string();
  return py::normpath(s);
}

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// realpath(3), or "" when the path does not resolve.
std::string real_path(const std::string& p) {
  std::unique_ptr<char, decltype(&std::free)> r(::realpath(p.c_str(), nullptr), &std::free);
  return r ? std::string(r.get()) : std::string();
}

bool is_within(const std::string& path, const std::string& root) {
  if (root == "/") return !path.empty() && path[0] == '/';
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

/// Percent-decodes bytes (no '+' handling: this is a path).
std::string percent_decode(std::string_view s) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// Django's utils.get_files over one folder tree.
///
/// Design note: each folder is opened relative to its parent's descriptor
/// (no path walk from the root per folder) and read with getdents64 (no
/// DIR stream, whose fdopendir/opendir adds an fstat and an fcntl); the
/// folder's fstat gives the (device, inode) that cuts symlink loops. With
/// 5,000 files in 2,000 folders that is 2 syscalls less per folder.
class Walker {
 public:
  Walker(const std::vector<py::FnPattern>& ignore, std::size_t location, std::vector<StaticSource>& out)
      : ignore_(ignore), location_(location), out_(out) {}

  /// Lists the folder tree at `root` (missing: nothing).
  void walk_root(const std::string& root) {
    int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) walk(fd, "");
  }

 private:
  /// Lists the open folder `fd` (closed here), `rel` being its path below the root.
  void walk(int fd, const std::string& rel) {
    struct stat dst;
    if (::fstat(fd, &dst) != 0) {
      ::close(fd);
      return;
    }
    // Cut symlink loops: a folder already on the way down is not entered again.
    auto key = std::make_pair(dst.st_dev, dst.st_ino);
    if (!stack_.insert(key).second) {
      ::close(fd);
      return;
    }
    std::vector<std::string> subdirs;
    alignas(8) char buf[32768];
    while (true) {
      ssize_t n = ::getdents64(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      for (ssize_t off = 0; off < n;) {
        const auto* e = reinterpret_cast<const struct dirent64*>(buf + off);
        off += e->d_reclen;
        std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        bool directory = e->d_type == DT_DIR;
        if (e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) {
          struct stat st;
          directory = ::fstatat(fd, e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
        }
        if (directory) {
          subdirs.emplace_back(name);
          continue;
        }
        if (py::matches_patterns(name, ignore_)) continue;
        std::string path = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
        if (!rel.empty() && py::matches_patterns(path, ignore_)) continue;
        out_.push_back({std::move(path), location_});
      }
    }
    for (const auto& sub : subdirs) {
      if (py::matches_patterns(sub, ignore_)) continue;
      int sfd = ::openat(fd, sub.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (sfd >= 0) walk(sfd, rel.empty() ? sub : rel + "/" + sub);
    }
    ::close(fd);
    stack_.erase(key);
  }

  const std::vector<py::FnPattern>& ignore_;
  std::size_t location_;
  std::vector<StaticSource>& out_;
  std::set<std::pair<dev_t, ino_t>> stack_;
};

}  // namespace

const std::vector<std::string>& default_ignore_patterns() {
  static const std::vector<std::string> p{"CVS", ".*", "*~"};
  return p;
}

std::string safe_join(const std::string& base, std::string_view path) {
  std::string base_path = abspath(base);
  std::string final_path = abspath(py::path_join(base, path));
  if (!is_within(final_path, base_path) && py::dirname(base_path) != base_path)
    throw SuspiciousFileOperation("The joined path (" + final_path +
                                  ") is located outside of the base path component (" + base_path + ")");
  return final_path;
}

StaticFinders::StaticFinders(const Settings& settings, const std::vector<AppConfig>& apps) {
  for (const auto& dir : settings.staticfiles_dirs) {
    StaticLocation loc{abspath(dir), ""};
    bool seen = false;
    for (const auto& l : locations_) seen = seen || l.root == loc.root;
    if (!seen) locations_.push_back(loc);
  }
  dirs_count_ = locations_.size();
  for (const auto& app : apps) {
    if (app.builtin || app.path.empty()) continue;
    std::string root = abspath(app.path / "static");
    if (is_dir(root)) locations_.push_back({root, app.label});
  }
}

StaticFinders::StaticFinders(std::vector<StaticLocation> locations) : locations_(std::move(locations)) {
  for (auto& l : locations_) l.root = abspath(l.root);
  dirs_count_ = locations_.size();
}

std::vector<fs::path> StaticFinders::find(std::string_view path, bool all, std::vector<fs::path>* searched) const {
  std::vector<fs::path> matches;
  for (const auto& loc : locations_) {
    if (searched) {
      bool seen = false;
      for (const auto& s : *searched) seen = seen || s == loc.root;
      if (!seen) searched->push_back(loc.root);
    }
    std::string candidate = safe_join(loc.root.string(), path);
    if (!exists(candidate)) continue;
    matches.emplace_back(candidate);
    if (!all) break;
  }
  return matches;
}

std::vector<StaticSource> StaticFinders::list(const std::vector<py::FnPattern>& ignore_patterns) const {
  std::vector<StaticSource> out;
  for (std::size_t i = 0; i < locations_.size(); ++i) {
    if (!is_dir(locations_[i].root.string())) continue;
    Walker(ignore_patterns, i, out).walk_root(locations_[i].root.string());
  }
  return out;
}

fs::path StaticFinders::source_path(const StaticSource& s) const {
  return fs::path(locations_.at(s.location).root.string() + "/" + s.path);
}

StaticServeResult StaticFinders::resolve_url_path(std::string_view url_path) const {
  StaticServeResult r;
  std::string path = percent_decode(url_path);
  auto not_found = [&] {
    r.status = StaticServeResult::Status::NotFound;
    if (path.empty() || path.back() == '/') r.message = "Directory indexes are not allowed here.";
    else r.message = "'" + path + "' could not be found";
    return r;
  };
  if (path.find('\0') != std::string::npos) return not_found();
  std::string normalized = py::normpath(path);
  std::size_t start = normalized.find_first_not_of('/');
  normalized = start == std::string::npos ? "" : normalized.substr(start);
  if (normalized.empty()) normalized = ".";
  if (normalized == ".." || normalized.rfind("../", 0) == 0) return not_found();

  for (const auto& loc : locations_) {
    std::string candidate = normalized == "." ? loc.root.string() : loc.root.string() + "/" + normalized;
    struct stat lst;
    if (::lstat(candidate.c_str(), &lst) != 0) continue;  // not in this location
    // Found here: first found wins, so any refusal below is final.
    std::string real = real_path(candidate);
    std::string real_root = real_path(loc.root.string());
    if (real.empty() || real_root.empty() || !is_within(real, real_root)) return not_found();
    struct stat st;
    if (::stat(real.c_str(), &st) != 0) return not_found();
    if (S_ISDIR(st.st_mode)) {
      r.status = StaticServeResult::Status::DirectoryIndex;
      r.message = "Directory indexes are not allowed here.";
      return r;
    }
    if (!S_ISREG(st.st_mode)) return not_found();
    r.status = StaticServeResult::Status::Found;
    r.file = real;
    return r;
  }
  return not_found();
}

std::vector<CheckMessage> check_static_finders(const Settings& settings) {
  std::vector<CheckMessage> out;
  if (!settings.static_root) return out;
  std::string root = abspath(*settings.static_root);
  for (const auto& dir : settings.staticfiles_dirs) {
    if (abspath(dir) == root) {
      CheckMessage m;
      m.level = CheckLevel::Error;
      m.msg = "The STATICFILES_DIRS setting should not contain the STATIC_ROOT setting.";
      m.id = "staticfiles.E002";
      out.push_back(m);
    }
  }
  return out;
}

}  // namespace mvt::runserver
