#include "runserver/static_hashing.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <openssl/evp.h>

#include "runserver/pyfnmatch.hpp"
#include "runserver/pyurl.hpp"
#include "runserver/static_css.hpp"
#include "runserver/static_finders.hpp"

namespace mvt::runserver {

namespace {

/// A Python exception escaping the URL converter (ValueError and friends).
struct ConverterError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Reads a whole file; nullopt when it cannot be opened or read as a file
/// (Django's OSError, e.g. a folder).
std::optional<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  if (st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

/// bytes.decode('utf-8') strictness: Python's UnicodeDecodeError text, or "".
std::string utf8_error(std::string_view s) {
  auto msg = [](unsigned char b, std::size_t pos, const char* why) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "'utf-8' codec can't decode byte 0x%02x in position %zu: %s", b, pos, why);
    return std::string(buf);
  };
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    if (n == 0) return msg(c, i, "invalid start byte");
    for (int k = 1; k < n; ++k) {
      if (i + k >= s.size()) return msg(c, i, "unexpected end of data");
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) return msg(c, i, "invalid continuation byte");
    }
    i += static_cast<std::size_t>(n);
  }
  return "";
}

std::string clean_name(std::string name) {
  std::replace(name.begin(), name.end(), '\\', '/');
  return name;
}

/// Writes `content` as a new file of STATIC_ROOT (FileSystemStorage._save
/// with FILE_UPLOAD_PERMISSIONS 0o644); returns the name relative to it.
/// `made_dirs` remembers the folders already created in this run.
std::string save(const StaticFilesStorage& storage, const std::string& name, std::string_view content,
                 std::unordered_set<std::string>& made_dirs) {
  std::string full = storage.path(name);
  std::string dir = py::dirname(full);
  if (made_dirs.insert(dir).second) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw ConverterError("[Errno " + std::to_string(errno) + "] " + std::strerror(errno) + ": '" + full + "'");
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw ConverterError("[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": '" + full + "'");
    }
    done += static_cast<std::size_t>(n);
  }
  static const bool chmod_needed = [] {
    mode_t mask = ::umask(0);
    ::umask(mask);
    return (0644 & ~mask) != 0644;
  }();
  if (chmod_needed) ::fchmod(fd, 0644);
  ::close(fd);
  const std::string& root = storage.location();
  return full.size() > root.size() ? full.substr(root == "/" ? 1 : root.size() + 1) : ".";
}

/// What exists in STATIC_ROOT, for storage.exists() and storage.delete().
///
/// Design note: Django asks storage.exists() for every hashed name, and for
/// each stylesheet several times per pass; with 5,000 files that was ~25,000
/// stat() calls walking the whole path each time. One walk of STATIC_ROOT
/// (a readdir per folder) answers them instead. The post-process is the only
/// writer of STATIC_ROOT while it runs, so saving and deleting through this
/// index keeps it exact. Below a symlinked or unreadable folder nothing is
/// listed ("opaque"): names there are stat()ed, as before.
class RootIndex {
 public:
  explicit RootIndex(const StaticFilesStorage& storage) : storage_(storage), root_(storage.location()) {}

  /// storage.exists(name) (os.path.exists: symlinks followed). Throws
  /// SuspiciousFileOperation, as storage.path, for a name leaving STATIC_ROOT.
  bool exists(const std::string& name) { return kind(storage_.path(name)) != Kind::Missing; }

  /// storage.delete(name): rmdir for a folder, unlink otherwise.
  void remove(const std::string& name) {
    std::string full = storage_.path(name);
    if (kind(full) == Kind::Folder) {
      if (::rmdir(full.c_str()) == 0) entries_.erase(relative(full));
    } else if (::unlink(full.c_str()) == 0 || errno == ENOENT) {
      entries_.erase(relative(full));
    }
  }

  /// Records a file just written at the absolute `full` (its folders exist now).
  void added(const std::string& full) {
    if (!listed_) return;  // listed later, with it
    std::string rel = relative(full);
    entries_[rel] = false;
    for (auto slash = rel.rfind('/'); slash != std::string::npos && slash > 0; slash = rel.rfind('/', slash - 1)) {
      if (!entries_.emplace(rel.substr(0, slash), true).second) break;  // that folder and its parents were known
    }
  }

 private:
  enum class Kind { Missing, File, Folder };

  std::string relative(const std::string& full) const {
    if (full.size() <= root_.size()) return "";
    return full.substr(root_ == "/" ? 1 : root_.size() + 1);
  }

  Kind stat_kind(const std::string& full) const {
    struct stat st;
    if (::stat(full.c_str(), &st) != 0) return Kind::Missing;
    return S_ISDIR(st.st_mode) ? Kind::Folder : Kind::File;
  }

  Kind kind(const std::string& full) {
    if (full.size() <= root_.size()) return stat_kind(full);  // STATIC_ROOT itself
    if (!listed_) list();
    if (root_opaque_) return stat_kind(full);
    std::string rel = relative(full);
    for (const auto& o : opaque_)
      if (rel.size() > o.size() && rel.compare(0, o.size(), o) == 0 && rel[o.size()] == '/') return stat_kind(full);
    auto it = entries_.find(rel);
    if (it == entries_.end()) return Kind::Missing;
    return it->second ? Kind::Folder : Kind::File;
  }

  void list() {
    listed_ = true;
    int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      root_opaque_ = errno != ENOENT;  // missing: nothing exists yet
      return;
    }
    walk(fd, "");
  }

  /// Lists the open folder `fd` (closed here), `rel` being its name.
  void walk(int fd, const std::string& rel) {
    DIR* d = ::fdopendir(fd);
    if (!d) {
      ::close(fd);
      opaque_.push_back(rel);
      return;
    }
    std::vector<std::string> subdirs;
    while (struct dirent* e = ::readdir(d)) {
      const char* n = e->d_name;
      if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'))) continue;
      std::string name = rel.empty() ? std::string(n) : rel + "/" + n;
      if (e->d_type == DT_DIR) {
        subdirs.push_back(std::move(name));
        continue;
      }
      if (e->d_type == DT_REG) {
        entries_[name] = false;
        continue;
      }
      struct stat st;  // a symlink, or a file system without d_type
      if (::fstatat(::dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        subdirs.push_back(std::move(name));
        continue;
      }
      if (S_ISLNK(st.st_mode) && ::fstatat(::dirfd(d), n, &st, 0) != 0) continue;  // dangling: does not exist
      entries_[name] = S_ISDIR(st.st_mode);
      if (S_ISDIR(st.st_mode)) opaque_.push_back(std::move(name));  // a symlink to a folder: not followed
    }
    for (auto& sub : subdirs) {
      entries_[sub] = true;
      std::size_t slash = sub.rfind('/');
      const char* leaf = sub.c_str() + (slash == std::string::npos ? 0 : slash + 1);
      int sfd = ::openat(::dirfd(d), leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sfd < 0) opaque_.push_back(sub);
      else walk(sfd, sub);
    }
    ::closedir(d);
  }

  const StaticFilesStorage& storage_;
  std::string root_;
  std::unordered_map<std::string, bool> entries_;  // relative name -> is a folder
  std::vector<std::string> opaque_;                // relative folders not listed
  bool listed_ = false;
  bool root_opaque_ = false;
};

/// `^[a-z]+:` (re.match, case-sensitive).
bool has_scheme(std::string_view url) {
  std::size_t i = 0;
  while (i < url.size() && url[i] >= 'a' && url[i] <= 'z') ++i;
  return i > 0 && i < url.size() && url[i] == ':';
}

/// The state of one post_process run (Django's local `hashed_files`).
class Processor {
 public:
  explicit Processor(ManifestStaticFilesStorage& storage) : storage_(storage), index_(storage) {}

  /// HashedFilesMixin.hashed_name(name) without content: hashes the file in STATIC_ROOT.
  std::string hashed_name_from_storage(const std::string& name) {
    py::SplitResult parsed = py::urlsplit(py::unquote(name));
    std::string clean = py::strip(parsed.path);
    // Collected files do not change during the post-process (hashed copies
    // are only added, and a deleted one is forgotten), so each is hashed once.
    auto cached = content_hash_.find(clean);
    if (cached == content_hash_.end()) {
      if (!index_.exists(clean))
        throw ConverterError("The file '" + clean + "' could not be found with <" + storage_.class_name() + ">.");
      auto content = read_file(storage_.path(clean));
      cached = content_hash_.emplace(clean, content ? std::optional<std::string>(file_hash(*content)) : std::nullopt).first;
    }
    if (!cached->second) return name;  // a folder or unreadable: Django keeps the name
    return hashed_name_with_hash(name, *cached->second);
  }

  std::string save_file(const std::string& name, std::string_view content) {
    std::string saved = save(storage_, name, content, made_dirs_);
    index_.added(storage_.path(saved));
    return saved;
  }

  void remove(const std::string& name) {
    index_.remove(name);
    content_hash_.erase(name);
  }

  /// HashedFilesMixin._stored_name(name, hashed_files).
  std::string stored_name(const std::string& raw) {
    std::string name = py::normpath(raw);
    std::string key = clean_name(name);
    if (const std::string* cached = hashed_files_.get(key)) return *cached;
    return clean_name(hashed_name_from_storage(name));
  }

  /// One `_post_process` pass; returns whether any substitution changed a hash.
  bool pass(const std::vector<const PostProcessInput*>& files,
            const std::function<void(const PostProcessEvent&)>& on_event) {
    std::vector<const PostProcessInput*> order = files;
    auto level = [](const PostProcessInput* f) { return std::count(f->name.begin(), f->name.end(), '/'); };
    std::stable_sort(order.begin(), order.end(),
                     [&](const PostProcessInput* a, const PostProcessInput* b) { return level(a) > level(b); });
    bool any_substitutions = false;
    for (const PostProcessInput* f : order) {
      bool substitutions = true;
      // A stylesheet is read once and kept for the later passes (its source does not change meanwhile).
      const bool css = adjustable(f->name);
      auto cached_source = css ? css_sources_.find(f) : css_sources_.end();
      std::optional<std::string> read;
      if (cached_source == css_sources_.end()) {
        read = read_file(f->source);
        if (!read) throw PostProcessError(f->name, "[Errno 2] No such file or directory: '" + f->source + "'");
        if (css) cached_source = css_sources_.emplace(f, std::move(*read)).first;
      }
      const std::string* original = css ? &cached_source->second : &*read;
      std::string key = clean_name(f->name);
      std::string hashed;
      if (const std::string* cached = hashed_files_.get(key)) hashed = *cached;
      else hashed = hashed_name(f->name, *original);
      try {
        bool hashed_exists = index_.exists(hashed);
        bool processed = false;
        if (css) {
          std::string old_hashed = hashed;
          if (std::string err = utf8_error(*original); !err.empty()) throw ConverterError(err);
          std::string content = rewrite_css(storage_, f->name, *original,
                                            [this](const std::string& n) { return stored_name(n); });
          if (hashed_exists) remove(hashed);
          hashed = hashed_name(f->name, content);
          if (index_.exists(hashed)) remove(hashed);
          hashed = clean_name(save_file(hashed, content));
          if (old_hashed == hashed) substitutions = false;
          processed = true;
        }
        if (!processed && !hashed_exists) {
          processed = true;
          hashed = clean_name(save_file(hashed, *original));
        }
        hashed_files_.set(key, hashed);
        on_event({f->name, hashed, processed});
      } catch (const PostProcessError&) {
        throw;
      } catch (const std::exception& e) {
        throw PostProcessError(f->name, e.what());
      }
      any_substitutions = any_substitutions || substitutions;
    }
    return any_substitutions;
  }

  static bool adjustable(const std::string& name) {
    static const std::vector<py::FnPattern> css{py::FnPattern("*.css")};
    return py::matches_patterns(name, css);
  }

  OrderedNames& hashed_files() { return hashed_files_; }

 private:
  ManifestStaticFilesStorage& storage_;
  OrderedNames hashed_files_;
  std::unordered_map<std::string, std::optional<std::string>> content_hash_;  // name -> file_hash, nullopt: unreadable
  std::unordered_set<std::string> made_dirs_;
  RootIndex index_;
  std::unordered_map<const PostProcessInput*, std::string> css_sources_;
};

}  // namespace

std::string file_hash(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(content.data(), content.size(), digest, &len, EVP_md5(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 6 && i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string hashed_name(std::string_view name, std::string_view content) {
  return hashed_name_with_hash(name, file_hash(content));
}

std::string hashed_name_with_hash(std::string_view name, const std::string& hash) {
  py::SplitResult parsed = py::urlsplit(py::unquote(name));
  std::string clean = py::strip(parsed.path);
  auto [dir, filename] = py::path_split(clean);
  auto [root, ext] = py::splitext(filename);
  parsed.path = py::path_join(dir, root + "." + hash + ext);
  if (name.find("?#") != std::string_view::npos && parsed.query.empty()) parsed.path += '?';
  return py::urlunsplit(parsed);
}

std::string rewrite_css(const ManifestStaticFilesStorage& storage, std::string_view name, std::string_view content,
                        const std::function<std::string(const std::string&)>& stored_name) {
  const std::string& static_url = storage.static_url();
  // HashedFilesMixin._url(self._stored_name, name, force=True, hashed_files)
  auto forced_url = [&](const std::string& target) {
    auto [clean, fragment] = py::urldefrag(target);
    std::string p = py::urlsplit(clean).path;
    std::string hashed = (!p.empty() && p.back() == '/') ? target : stored_name(clean);
    std::string final_url = storage.plain_url(hashed);
    bool query_fragment = target.find("?#") != std::string::npos;
    if (!fragment.empty() || query_fragment) {
      py::SplitResult parts = py::urlsplit(final_url);
      if (!fragment.empty() && parts.fragment.empty()) parts.fragment = fragment;
      if (query_fragment && parts.query.empty()) parts.path += '?';
      final_url = py::urlunsplit(parts);
    }
    return py::unquote(final_url);
  };
  auto converter = [&](const char* prefix, const char* suffix) {
    return [&, prefix, suffix](std::string_view matched, std::string_view url) -> std::string {
      if (has_scheme(url)) return std::string(matched);
      if (!url.empty() && url[0] == '/' && url.rfind(static_url, 0) != 0) return std::string(matched);
      auto [url_path, fragment] = py::urldefrag(url);
      std::string target;
      if (!url_path.empty() && url_path[0] == '/')
        target = url_path.substr(std::min(static_url.size(), url_path.size()));
      else
        target = py::path_join(py::dirname(name), url_path);
      std::string hashed_url = forced_url(py::unquote(target));
      auto slash = url_path.rfind('/');
      std::string transformed = (slash == std::string::npos ? "" : url_path.substr(0, slash + 1)) +
                                hashed_url.substr(hashed_url.rfind('/') == std::string::npos ? 0 : hashed_url.rfind('/') + 1);
      if (!fragment.empty()) transformed += (url.find("?#") != std::string_view::npos ? "?#" : "#") + fragment;
      return prefix + py::unquote(transformed) + suffix;
    };
  };
  std::string out = sub_css_url(content, converter("url(\"", "\")"));
  return sub_css_import(out, converter("@import url(\"", "\")"));
}

void post_process(ManifestStaticFilesStorage& storage, const std::vector<PostProcessInput>& files,
                  const std::function<void(const PostProcessEvent&)>& on_event) {
  Processor p(storage);
  std::vector<const PostProcessInput*> all, adjustable;
  for (const auto& f : files) {
    all.push_back(&f);
    if (Processor::adjustable(f.name)) adjustable.push_back(&f);
  }
  p.pass(all, on_event);
  bool substitutions = false;
  for (int i = 0; i < ManifestStaticFilesStorage::kMaxPostProcessPasses; ++i) {
    substitutions = p.pass(adjustable, on_event);
    if (!substitutions) break;
  }
  if (substitutions) throw PostProcessError("All", "Max post-process passes exceeded.");
  storage.save_manifest(std::move(p.hashed_files()));
}

}  // namespace mvt::runserver
