#include "runserver/collectstatic.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <thread>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>
#include <string_view>
#include <unordered_set>

#include "runserver/pyurl.hpp"
#include "runserver/static_hashing.hpp"

namespace mvt::runserver {

namespace {

/// Python's OSError text: "[Errno 2] No such file or directory: 'path'".
std::string os_error(int err, const std::string& path, const std::string& path2 = "") {
  std::string s = "[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": '" + path + "'";
  if (!path2.empty()) s += " -> '" + path2 + "'";
  return s;
}

/// The whole seconds Django compares: datetime.utcfromtimestamp(st_mtime)
/// .replace(microsecond=0), where the float is rounded to microseconds first.
long long django_seconds(const struct timespec& t) {
  double ts = static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  double whole;
  double frac = std::modf(ts, &whole);
  double us = std::nearbyint(frac * 1e6);  // round-half-even, as Python's round()
  long long sec = static_cast<long long>(whole);
  if (us >= 1e6) ++sec;
  if (us < 0) --sec;
  return sec;
}

/// mkdir -p; existing folders are fine.
void make_dirs(const std::string& dir) {
  if (dir.empty() || dir == "/") return;
  if (::mkdir(dir.c_str(), 0777) == 0 || errno == EEXIST) return;
  if (errno == ENOENT) {
    make_dirs(py::dirname(dir));
    if (::mkdir(dir.c_str(), 0777) == 0 || errno == EEXIST) return;
  }
  throw CollectError(os_error(errno, dir));
}

/// Copies an open file into another: copy_file_range, else read/write.
void copy_fd(int in, int out, off_t size, const std::string& src, const std::string& dst) {
  off_t left = size;
  bool fallback = false;
  while (left > 0 && !fallback) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<std::size_t>(left), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP || errno == EBADF) {
        fallback = true;
        break;
      }
      throw CollectError(os_error(errno, dst));
    }
    if (n == 0) break;  // the source shrank
    left -= n;
  }
  if (!fallback) return;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw CollectError(os_error(errno, src));
    }
    if (n == 0) return;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out, buf + done, static_cast<std::size_t>(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        throw CollectError(os_error(errno, dst));
      }
      done += w;
    }
  }
}

}  // namespace

std::vector<py::FnPattern> effective_ignore_patterns(const CollectOptions& options) {
  std::vector<std::string> raw = options.ignore_patterns;
  if (options.use_default_ignore_patterns)
    for (const auto& p : default_ignore_patterns()) raw.push_back(p);
  std::vector<std::string> unique;
  for (const auto& p : raw) {
    std::string n = py::normpath(p);
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
  }
  std::vector<py::FnPattern> out;
  for (const auto& p : unique) out.emplace_back(p);
  return out;
}

CollectStatic::CollectStatic(const StaticFinders& finders, StaticFilesStorage& storage, CollectOptions options,
                             Hooks hooks)
    : finders_(finders), storage_(storage), options_(std::move(options)), hooks_(std::move(hooks)) {
  // Django opens with 0o666 and chmods to 0o644; opening with 0644 gives the
  // same mode unless the umask removes some of those bits.
  mode_t mask = ::umask(0);
  ::umask(mask);
  chmod_needed_ = (0644 & ~mask) != 0644;
}

CollectStatic::~CollectStatic() = default;

void CollectStatic::log(int level, const std::string& message) const {
  if (logs(level)) hooks_.log(level, message);
}

void CollectStatic::clear_dir(const std::string& rel) {
  std::string full = rel.empty() ? storage_.location() : storage_.path(rel);
  struct stat st;
  if (::stat(full.c_str(), &st) != 0) return;
  DIR* d = ::opendir(full.c_str());
  if (!d) return;
  std::vector<std::string> dirs, files;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    // A symlink is deleted, never followed (Django would empty the folder it points to).
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat lst;
      is_dir = ::lstat((full + "/" + name).c_str(), &lst) == 0 && S_ISDIR(lst.st_mode);
    }
    (is_dir ? dirs : files).push_back(name);
  }
  ::closedir(d);
  for (const auto& f : files) {
    std::string fpath = py::path_join(rel, f);
    if (options_.dry_run) {
      log(1, "Pretending to delete '" + fpath + "'");
    } else {
      log(1, "Deleting '" + fpath + "'");
      std::string p = full + "/" + f;
      if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw CollectError(os_error(errno, p));
    }
  }
  for (const auto& sub : dirs) clear_dir(py::path_join(rel, sub));
}

namespace {

/// What happened to one collected file, recorded by a worker and replayed
/// in order by CollectStatic::collect (Django's delete_file then copy_file
/// or link_file).
struct FileOutcome {
  bool existed = false;     // storage.exists(): delete_file had something to decide
  bool unmodified = false;  // skipped as not modified
  bool acted = false;       // reached the copy/link step (its log line is due)
  std::exception_ptr error;  // raised at the last step recorded above
};

/// One source folder's files (consecutive in the finders' list).
struct FileGroup {
  std::size_t location = 0;
  std::string rel_dir;                // relative to the location and to STATIC_ROOT
  std::vector<std::size_t> files;     // indexes into the listed files (first of their path only)
};

/// What the workers share, read-only.
struct CopyContext {
  const std::vector<StaticSource>& listed;
  const std::vector<std::string>& roots;  // location roots, as strings
  const std::string& static_root;
  const CollectOptions& options;
  bool chmod_needed;
};

/// Works through groups with its own open folders (one per thread).
class CopyWorker {
 public:
  explicit CopyWorker(const CopyContext& ctx) : ctx_(ctx) {}
  ~CopyWorker() { close_dirs(); }
  CopyWorker(const CopyWorker&) = delete;
  CopyWorker& operator=(const CopyWorker&) = delete;

  /// Handles a group's files in order, recording each outcome in `out`
  /// (indexed like the listed files); stops at the first error (false).
  bool run(const FileGroup& g, std::vector<FileOutcome>& out) {
    for (std::size_t k = 0; k < g.files.size(); ++k) {
      std::size_t i = g.files[k];
      FileOutcome& o = out[i];
      try {
        if (k == 0) enter(g.location, g.rel_dir);
        const std::string& path = ctx_.listed[i].path;
        const char* name = path.c_str() + (g.rel_dir.empty() ? 0 : g.rel_dir.size() + 1);
        if (!delete_file(path, name, o)) continue;
        o.acted = true;
        if (ctx_.options.dry_run) continue;
        if (ctx_.options.link) link_file(g.location, path, name);
        else copy_file(g.location, path, name);
      } catch (...) {
        o.error = std::current_exception();
        return false;
      }
    }
    return true;
  }

 private:
  void close_dirs() {
    if (src_ >= 0) ::close(src_);
    if (dst_ >= 0) ::close(dst_);
    src_ = dst_ = -1;
    dst_fresh_ = false;
  }

  void enter(std::size_t location, const std::string& rel_dir) {
    close_dirs();
    std::string src = ctx_.roots[location];
    if (!rel_dir.empty()) src += "/" + rel_dir;
    src_ = ::open(src.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (src_ < 0) throw CollectError(os_error(errno, src));
    std::string dst = ctx_.static_root;
    if (!rel_dir.empty()) dst += "/" + rel_dir;
    dst_ = ::open(dst.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dst_ >= 0) return;
    if (errno != ENOENT) throw CollectError(os_error(errno, dst));
    if (ctx_.options.dry_run) return;  // nothing exists there, and nothing may be created
    make_dirs(dst);
    dst_ = ::open(dst.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dst_ < 0) throw CollectError(os_error(errno, dst));
    // Missing a moment ago: whatever is in it now was copied by this run,
    // under other (unique) destination paths.
    dst_fresh_ = true;
  }

  /// Django's Command.delete_file: false when the copy is kept as unmodified.
  bool delete_file(const std::string& path, const char* name, FileOutcome& o) {
    if (dst_ < 0 || dst_fresh_) return true;  // storage.exists() is false
    struct stat target;
    if (::fstatat(dst_, name, &target, AT_SYMLINK_NOFOLLOW) != 0) return true;
    const bool is_link = S_ISLNK(target.st_mode);
    if (is_link && ::fstatat(dst_, name, &target, 0) != 0) return true;  // a dangling link
    o.existed = true;
    struct stat source;
    if (::fstatat(src_, name, &source, 0) == 0) {
      bool can_skip_unmodified_files = !(ctx_.options.link ^ is_link);
      bool file_is_unmodified = django_seconds(target.st_mtim) >= django_seconds(source.st_mtim);
      if (file_is_unmodified && can_skip_unmodified_files) {
        o.unmodified = true;
        return false;
      }
    }
    if (!ctx_.options.dry_run) {
      int flags = S_ISDIR(target.st_mode) && !is_link ? AT_REMOVEDIR : 0;
      if (::unlinkat(dst_, name, flags) != 0 && errno != ENOENT)
        throw CollectError(os_error(errno, ctx_.static_root + "/" + path));
    }
    return true;
  }

  void copy_file(std::size_t location, const std::string& path, const char* name) {
    const int create = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
    int out = ::openat(dst_, name, create, 0644);
    if (out < 0 && errno == EEXIST) {  // a dangling symlink: storage.exists() said no
      ::unlinkat(dst_, name, 0);
      out = ::openat(dst_, name, create, 0644);
    }
    if (out < 0) throw CollectError(os_error(errno, ctx_.static_root + "/" + path));
    int in = ::openat(src_, name, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      int err = errno;
      ::close(out);
      ::unlinkat(dst_, name, 0);
      throw CollectError(os_error(err, ctx_.roots[location] + "/" + path));
    }
    struct stat st;
    try {
      if (::fstat(in, &st) != 0) throw CollectError(os_error(errno, ctx_.roots[location] + "/" + path));
      copy_fd(in, out, st.st_size, ctx_.roots[location] + "/" + path, ctx_.static_root + "/" + path);
    } catch (...) {
      ::close(in);
      ::close(out);
      throw;
    }
    ::close(in);
    if (ctx_.chmod_needed) ::fchmod(out, 0644);
    if (::close(out) != 0) throw CollectError(os_error(errno, ctx_.static_root + "/" + path));
  }

  void link_file(std::size_t location, const std::string& path, const char* name) {
    const std::string source = ctx_.roots[location] + "/" + path;
    struct stat lst;
    if (::fstatat(dst_, name, &lst, AT_SYMLINK_NOFOLLOW) == 0) ::unlinkat(dst_, name, 0);
    if (::symlinkat(source.c_str(), dst_, name) != 0)
      throw CollectError(os_error(errno, source, ctx_.static_root + "/" + path));
  }

  const CopyContext& ctx_;
  int src_ = -1, dst_ = -1;  // dst_ is -1 when the folder does not exist (dry run)
  bool dst_fresh_ = false;
};

/// Joins the helper threads however the calling thread leaves (an error
/// being replayed stops the others first).
struct ThreadsGuard {
  std::atomic<bool>& stop;
  std::vector<std::thread> threads;
  ~ThreadsGuard() {
    stop.store(true, std::memory_order_relaxed);
    for (auto& t : threads) t.join();
  }
};

}  // namespace

CollectResult CollectStatic::collect() {
  result_ = {};
  const std::string& static_root = storage_.location();  // Django's ImproperlyConfigured message when unset
  if (options_.clear) clear_dir("");

  const std::vector<StaticSource> listed = finders_.list(effective_ignore_patterns(options_));
  std::vector<std::string> roots;
  for (const auto& loc : finders_.locations()) roots.push_back(loc.root.string());

  // Django's order: the first file of each destination path is collected,
  // later ones are only reported. Consecutive files of one folder form a group.
  std::vector<char> duplicate(listed.size(), 0);
  std::vector<FileGroup> groups;
  {
    std::unordered_set<std::string_view> found;
    found.reserve(listed.size());
    for (std::size_t i = 0; i < listed.size(); ++i) {
      const StaticSource& s = listed[i];
      if (!found.insert(s.path).second) {
        duplicate[i] = 1;
        continue;
      }
      auto slash = s.path.rfind('/');
      std::string_view rel_dir = slash == std::string::npos ? std::string_view() : std::string_view(s.path).substr(0, slash);
      if (groups.empty() || groups.back().location != s.location || groups.back().rel_dir != rel_dir)
        groups.push_back({s.location, std::string(rel_dir), {}});
      groups.back().files.push_back(i);
    }
  }

  std::vector<FileOutcome> outcomes(listed.size());
  std::unique_ptr<std::atomic<bool>[]> group_done(new std::atomic<bool>[groups.size()]);
  for (std::size_t g = 0; g < groups.size(); ++g) group_done[g].store(false, std::memory_order_relaxed);
  std::atomic<std::size_t> next_group{0};
  std::atomic<bool> stop{false};
  const CopyContext ctx{listed, roots, static_root, options_, chmod_needed_};

  // Takes the next group (groups are taken in order); false when none is
  // left or an error stopped the run.
  auto work = [&](CopyWorker& worker) {
    if (stop.load(std::memory_order_relaxed)) return false;
    std::size_t g = next_group.fetch_add(1, std::memory_order_relaxed);
    if (g >= groups.size()) return false;
    if (!worker.run(groups[g], outcomes)) stop.store(true, std::memory_order_relaxed);
    group_done[g].store(true, std::memory_order_release);
    return true;
  };

  auto* manifest = dynamic_cast<ManifestStaticFilesStorage*>(&storage_);
  const bool post = options_.post_process && manifest && !options_.dry_run;
  std::vector<PostProcessInput> inputs;
  std::size_t replayed = 0;  // listed files replayed so far
  std::size_t replayed_group = 0;
  // Replays the finished prefix of the list (in order) into the result and the hooks.
  auto replay = [&](bool all) {
    while (replayed < listed.size()) {
      const std::size_t i = replayed;
      const StaticSource& s = listed[i];
      if (duplicate[i]) {
        log(1, "Found another file with the destination path '" + s.path +
                   "'. It will be ignored since only the first encountered file is collected. If this is not "
                   "what you want, make sure every static file has a unique path.");
      } else {
        while (replayed_group < groups.size() && groups[replayed_group].files.back() < i) ++replayed_group;
        if (!all && !group_done[replayed_group].load(std::memory_order_acquire)) return;
        const FileOutcome& o = outcomes[i];
        // Django post-processes every found file, unmodified ones included.
        if (post && !o.error) inputs.push_back({s.path, roots[s.location] + "/" + s.path});
        if (o.existed && o.unmodified) {
          result_.unmodified.push_back(s.path);
          if (logs(2)) log(2, "Skipping '" + s.path + "' (not modified)");
        } else {
          if (o.existed && logs(2)) log(2, (options_.dry_run ? "Pretending to delete '" : "Deleting '") + s.path + "'");
          if (o.acted) {
            std::string source = roots[s.location] + "/" + s.path;
            const char* verb = options_.link ? "link '" : "copy '";
            if (options_.dry_run) log(1, std::string("Pretending to ") + verb + source + "'");
            else if (logs(2)) log(2, std::string(options_.link ? "Linking '" : "Copying '") + source + "'");
            if (!o.error) result_.modified.push_back(s.path);
          }
          if (o.error) std::rethrow_exception(o.error);
        }
      }
      ++replayed;
      if (hooks_.progress) hooks_.progress(replayed, listed.size());
    }
  };

  unsigned threads = options_.threads;
  if (threads == 0) {
    // Below a few hundred files a thread costs more than it saves.
    threads = std::min(std::max(1u, std::thread::hardware_concurrency()), kMaxThreads);
    if (listed.size() < 256) threads = 1;
  }
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(groups.size(), 1)));
  {
    ThreadsGuard guard{stop, {}};
    for (unsigned t = 1; t < threads; ++t)
      guard.threads.emplace_back([&] {
        CopyWorker worker(ctx);
        while (work(worker)) {
        }
      });
    CopyWorker worker(ctx);
    while (work(worker)) replay(false);
    for (auto& t : guard.threads) t.join();
    guard.threads.clear();
  }
  replay(true);

  if (post) {
    post_process(*manifest, inputs, [&](const PostProcessEvent& e) {
      if (e.processed) {
        log(2, "Post-processed '" + e.name + "' as '" + e.hashed_name + "'");
        result_.post_processed.push_back(e.name);
      } else {
        log(2, "Skipped post-processing '" + e.name + "'");
      }
    });
  }
  return result_;
}

std::string collectstatic_prompt(const StaticFilesStorage& storage, const CollectOptions& options) {
  std::string message = "\n";
  if (options.dry_run) message += "You have activated the --dry-run option so no files will be modified.\n\n";
  message += "You have requested to collect static files at the destination\nlocation as specified in your settings";
  bool should_warn = true;
  if (storage.has_location()) {
    const std::string& dest = storage.location();
    message += ":\n\n    " + dest + "\n\n";
    should_warn = false;
    if (DIR* d = ::opendir(dest.c_str())) {
      while (struct dirent* e = ::readdir(d)) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
          should_warn = true;
          break;
        }
      }
      ::closedir(d);
    }
  } else {
    message += ".\n\n";
  }
  if (!should_warn) return "";
  message += options.clear ? "This will DELETE ALL FILES in this location!\n" : "This will overwrite existing files!\n";
  message += "Are you sure you want to do this?\n\nType 'yes' to continue, or 'no' to cancel: ";
  return message;
}

std::string collectstatic_summary(const CollectResult& r, const StaticFilesStorage& storage,
                                  const CollectOptions& options) {
  std::size_t n = r.modified.size();
  std::string s = "\n" + std::to_string(n) + " static file" + (n == 1 ? "" : "s") + " " +
                  (options.link ? "symlinked" : "copied");
  if (storage.has_location()) s += " to '" + storage.location() + "'";
  if (!r.unmodified.empty()) s += ", " + std::to_string(r.unmodified.size()) + " unmodified";
  if (!r.post_processed.empty()) s += ", " + std::to_string(r.post_processed.size()) + " post-processed";
  return s + ".";
}

}  // namespace mvt::runserver
