#include "cli/malloc_tuning.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace mvt::cli {

void tune_malloc_for_runserver(int argc, char** argv) {
#ifdef __GLIBC__
  if (argc < 2 || std::string_view(argv[1]) != "runserver") return;
  const char* current = std::getenv("GLIBC_TUNABLES");
  std::string tunables = current ? current : "";
  if (tunables.find("glibc.malloc.tcache_count") != std::string::npos) return;  // set: by us, or by the user
  tunables += (tunables.empty() ? "" : ":") + std::string("glibc.malloc.tcache_count=1024");
  // The binary's own path, not /proc/self/exe: the process name (ps, top,
  // pkill) is taken from the path executed.
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return;
  self[n] = '\0';
  if (::access(self, X_OK) != 0) return;  // replaced or deleted since it started
  if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  ::execv(self, argv);
  // exec failed: run untuned, without leaving the variable to children
  if (current)
    ::setenv("GLIBC_TUNABLES", current, 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
#else
  (void)argc;
  (void)argv;
#endif
}

}  // namespace mvt::cli
