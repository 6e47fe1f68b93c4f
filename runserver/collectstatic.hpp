#pragma once
// The collectstatic engine (Django's contrib/staticfiles/management/commands/
// collectstatic.py without the terminal): lists the finders' files, copies or
// symlinks the first of each path into STATIC_ROOT, skips copies that are
// not older than their source, optionally clears STATIC_ROOT first, and runs
// the storage's post-process. It reports through callbacks and returns the
// counts; cli/cmd_collectstatic.cpp prompts and prints.
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runserver/static_finders.hpp"
#include "runserver/static_storage.hpp"

namespace mvt::runserver {

/// collectstatic's options (Django's names).
struct CollectOptions {
  bool clear = false;         // -c/--clear
  bool dry_run = false;       // -n/--dry-run
  bool link = false;          // -l/--link
  bool post_process = true;   // not --no-post-process
  std::vector<std::string> ignore_patterns;   // -i/--ignore, in order
  bool use_default_ignore_patterns = true;    // not --no-default-ignore
  unsigned threads = 0;  // not a Django option: worker threads for the copies, 0 = automatic
};

/// What one collection did (Django's collect() return value).
struct CollectResult {
  std::vector<std::string> modified;        // copied or symlinked, by destination path
  std::vector<std::string> unmodified;
  std::vector<std::string> post_processed;  // one entry per processed yield, as Django counts them
};

/// A failure Django reports as CommandError (e.g. an OSError while linking).
class CollectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Django's ignore patterns for `options`: the user's, plus CVS, .*, *~
/// unless disabled, each passed through os.path.normpath, duplicates removed.
std::vector<py::FnPattern> effective_ignore_patterns(const CollectOptions& options);

/// How a collection reports: `log(level, message)` receives Django's messages with the verbosity at
/// which Django shows them (1 or 2); messages above `log_level` are not
/// even built. `progress(done, total)` is called after each file. The
/// callbacks may be empty.
struct CollectHooks {
  std::function<void(int level, const std::string& message)> log;
  std::function<void(std::size_t done, std::size_t total)> progress;
  int log_level = 3;
};

/// One collectstatic run over a project's finders into a storage.
class CollectStatic {
 public:
  using Hooks = CollectHooks;

  /// Most threads a collection uses (the calling one included); fewer on
  /// machines with fewer cores and for small trees.
  static constexpr unsigned kMaxThreads = 4;

  CollectStatic(const StaticFinders& finders, StaticFilesStorage& storage, CollectOptions options, Hooks hooks = {});
  ~CollectStatic();
  CollectStatic(const CollectStatic&) = delete;
  CollectStatic& operator=(const CollectStatic&) = delete;

  /// Runs the collection. Throws StaticStorageError when STATIC_ROOT is
  /// unset, CollectError for file system failures Django turns into a
  /// CommandError, PostProcessError when the manifest post-process fails.
  CollectResult collect();

 private:
  // Design note: the listed files are grouped by (location, folder); worker
  // threads (collectstatic.cpp, at most kMaxThreads, the calling thread
  // included) take whole groups in order, keep the group's source and
  // destination folders open and work relative to them (openat/fstatat: no
  // path walks per file; in a destination folder this run created, nothing
  // needs a stat). Each file's decisions (exists, unmodified, deleted, copied)
  // and error are recorded; the calling thread alone replays them in
  // Django's order into the result, the log and the progress callback, and
  // throws the first error in that order. So output is the same whatever
  // the number of threads; only on an error may files listed after the
  // failing one already have been copied (Django stops at the failing one).
  bool logs(int level) const { return hooks_.log && level <= hooks_.log_level; }
  void log(int level, const std::string& message) const;
  void clear_dir(const std::string& rel);

  const StaticFinders& finders_;
  StaticFilesStorage& storage_;
  CollectOptions options_;
  Hooks hooks_;
  CollectResult result_;
  bool chmod_needed_ = true;
};

/// The confirmation Django asks for before collecting, or "" when it would
/// not ask (destination empty or missing). Ends with "Type 'yes' to
/// continue, or 'no' to cancel: ".
std::string collectstatic_prompt(const StaticFilesStorage& storage, const CollectOptions& options);

/// Django's summary line, e.g. "\n12 static files copied to '/x/staticfiles', 3 unmodified."
/// (no trailing newline).
std::string collectstatic_summary(const CollectResult& result, const StaticFilesStorage& storage,
                                  const CollectOptions& options);

}  // namespace mvt::runserver
