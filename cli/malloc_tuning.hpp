#pragma once
// Process-level tuning of glibc's allocator for the dev server.
//
// Design: glibc's per-thread cache (tcache) holds 7 freed blocks per size.
// A request that reads and renders a list page allocates and frees a few
// hundred blocks of the same few sizes (row texts, template values), so all
// but 7 go through the shared bins, whose fast bins are consolidated again at
// the next large allocation: measured with bench/server_compare.py, that was
// about a sixth of the server's time. The cache size is a glibc tunable, read
// once when the process starts, so `mvt runserver` re-executes itself (same
// PID, same arguments) with GLIBC_TUNABLES extended. Alternatives measured
// and rejected: mimalloc, jemalloc and tcmalloc were slower or took 2-10 MB
// more memory; mallopt() has no setting for the cache.
namespace mvt::cli {

/// When argv is `mvt runserver ...` on glibc and GLIBC_TUNABLES does not set
/// glibc.malloc.tcache_count yet, re-executes its own binary (the target of
/// /proc/self/exe) with argv and
/// GLIBC_TUNABLES=<previous>:glibc.malloc.tcache_count=1024. Returns (doing
/// nothing) otherwise, or when exec fails. Call first thing in main, before
/// any output or thread.
void tune_malloc_for_runserver(int argc, char** argv);

}  // namespace mvt::cli
