// CollectStatic's worker threads: whatever their number, the same files,
// the same log lines in the same order, the same result and the same first
// error (runserver/collectstatic.hpp).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "runserver/collectstatic.hpp"
#include "runserver_static_fixture.hpp"

using namespace mvt::runserver;
namespace fs = std::filesystem;

namespace {

/// Two locations with 40 folders of files each; the second repeats some of
/// the first's paths (duplicates, reported at verbosity 1).
void make_tree(const mvt::test::TempDir& dir) {
  for (int loc = 0; loc < 2; ++loc) {
    for (int d = 0; d < 40; ++d) {
      for (int f = 0; f < 8; ++f) {
        if (loc == 1 && f % 3 != 0) continue;
        std::string rel = "loc" + std::to_string(loc) + "/dir" + std::to_string(d) + "/sub" + std::to_string(d % 3) +
                          "/f" + std::to_string(f) + ".txt";
        dir.write(rel, "loc " + std::to_string(loc) + " file " + std::to_string(f) + " of " + std::to_string(d));
      }
    }
  }
}

struct Run {
  std::vector<std::string> log;
  CollectResult result;
  std::string error;
};

/// One collection of the tree into `root` with `threads` threads, at verbosity 2.
Run collect_with(const mvt::test::TempDir& dir, const std::string& root, unsigned threads, bool dry_run = false) {
  StaticFinders finders({{dir.path() / "loc0", ""}, {dir.path() / "loc1", ""}});
  StaticFilesStorage storage(fs::path(root), "/static/", false);
  CollectOptions options;
  options.threads = threads;
  options.dry_run = dry_run;
  Run run;
  CollectHooks hooks;
  hooks.log_level = 2;
  hooks.log = [&](int level, const std::string& message) {
    std::string m = message;
    for (std::size_t at; (at = m.find(root)) != std::string::npos;) m.replace(at, root.size(), "ROOT");
    run.log.push_back(std::to_string(level) + " " + m);
  };
  try {
    run.result = CollectStatic(finders, storage, options, hooks).collect();
  } catch (const CollectError& e) {
    run.error = e.what();
    for (std::size_t at; (at = run.error.find(root)) != std::string::npos;) run.error.replace(at, root.size(), "ROOT");
  }
  return run;
}

}  // namespace

TEST_CASE("collectstatic: one thread or several give the same log, result and files", "[static][collect]") {
  mvt::test::TempDir dir;
  make_tree(dir);
  const std::string one = dir.str() + "/one", many = dir.str() + "/many";

  Run a = collect_with(dir, one, 1), b = collect_with(dir, many, 4);
  CHECK(a.error.empty());
  CHECK(a.result.modified.size() == 320);
  CHECK(b.log == a.log);
  CHECK(b.result.modified == a.result.modified);
  // Duplicates are reported where the finders list them, between the copies.
  auto dup = std::find_if(a.log.begin(), a.log.end(), [](const std::string& l) { return l.rfind("1 Found", 0) == 0; });
  REQUIRE(dup != a.log.end());
  CHECK(dup != a.log.begin());
  CHECK(mvt::test::read_text(many + "/dir7/sub1/f3.txt") == "loc 0 file 3 of 7");

  // Second run: everything unmodified, skipped in the same order.
  Run a2 = collect_with(dir, one, 1), b2 = collect_with(dir, many, 4);
  CHECK(a2.result.modified.empty());
  CHECK(a2.result.unmodified.size() == 320);
  CHECK(b2.log == a2.log);
  CHECK(b2.result.unmodified == a2.result.unmodified);

  // A newer source is copied again (after Django's "Deleting" line).
  fs::path changed = dir.path() / "loc0/dir5/sub2/f1.txt";
  fs::last_write_time(changed, fs::last_write_time(changed) + std::chrono::hours(1));
  Run a3 = collect_with(dir, one, 1, /*dry_run=*/true), b3 = collect_with(dir, many, 4, /*dry_run=*/true);
  CHECK(a3.result.modified == std::vector<std::string>{"dir5/sub2/f1.txt"});
  CHECK(b3.log == a3.log);
  CHECK(std::find(a3.log.begin(), a3.log.end(), "2 Pretending to delete 'dir5/sub2/f1.txt'") != a3.log.end());
}

TEST_CASE("collectstatic: the first error in Django's order, whatever the threads", "[static][collect]") {
  mvt::test::TempDir dir;
  make_tree(dir);
  Run reference;
  for (unsigned threads : {1u, 2u, 4u}) {
    const std::string root = dir.str() + "/root" + std::to_string(threads);
    // Files where STATIC_ROOT needs folders: those folders cannot be made.
    dir.write("root" + std::to_string(threads) + "/dir9", "a file");
    dir.write("root" + std::to_string(threads) + "/dir30", "a file");
    Run r = collect_with(dir, root, threads);
    INFO("threads " << threads);
    CHECK((r.error == "[Errno 20] Not a directory: 'ROOT/dir9/sub0'" ||
           r.error == "[Errno 20] Not a directory: 'ROOT/dir30/sub0'"));
    // The files listed before the failing folder were copied and logged, in order.
    CHECK(r.log.size() > 0);
    if (threads == 1) reference = r;
    CHECK(r.error == reference.error);
    CHECK(r.log == reference.log);
  }
}
