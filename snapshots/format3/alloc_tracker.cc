#include "snapshots/format3/alloc_tracker.h"

#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define RAFTLOG_ALLOC_TRACKER 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RAFTLOG_ALLOC_TRACKER 0
#endif
#endif
#ifndef RAFTLOG_ALLOC_TRACKER
#define RAFTLOG_ALLOC_TRACKER 1
#endif

#if RAFTLOG_ALLOC_TRACKER
#include <malloc.h>

#include <cerrno>

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

namespace {
// Signed: a block glibc allocated internally and a caller frees through
// free() is subtracted without having been added; the measurements are
// deltas over short windows, where that noise is negligible.
int64_t g_live = 0;
int64_t g_peak = 0;
bool g_counting = true;

inline void Added(void* p) {
  if (p == nullptr || !g_counting) return;
  g_live += static_cast<int64_t>(malloc_usable_size(p));
  if (g_live > g_peak) g_peak = g_live;
}
inline void Removing(void* p) {
  if (p != nullptr && g_counting) g_live -= static_cast<int64_t>(malloc_usable_size(p));
}
}  // namespace

extern "C" {
void* malloc(size_t n) {
  void* p = __libc_malloc(n);
  Added(p);
  return p;
}
void free(void* p) {
  Removing(p);
  __libc_free(p);
}
void* calloc(size_t n, size_t size) {
  void* p = __libc_calloc(n, size);
  Added(p);
  return p;
}
void* realloc(void* old, size_t n) {
  Removing(old);
  void* p = __libc_realloc(old, n);
  if (p == nullptr && n != 0) {
    Added(old);  // the old block is still there
    return nullptr;
  }
  Added(p);
  return p;
}
void* memalign(size_t align, size_t n) {
  void* p = __libc_memalign(align, n);
  Added(p);
  return p;
}
void* aligned_alloc(size_t align, size_t n) { return memalign(align, n); }
int posix_memalign(void** out, size_t align, size_t n) {
  void* p = memalign(align, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
void* valloc(size_t n) { return memalign(4096, n); }
}  // extern "C"
#endif  // RAFTLOG_ALLOC_TRACKER

namespace raftlog::snapshots::alloc_tracker {

#if RAFTLOG_ALLOC_TRACKER
bool Enabled() { return true; }
uint64_t LiveBytes() { return g_live > 0 ? static_cast<uint64_t>(g_live) : 0; }
uint64_t PeakBytes() { return g_peak > 0 ? static_cast<uint64_t>(g_peak) : 0; }
void ResetPeak() { g_peak = g_live; }
void SetCounting(bool on) { g_counting = on; }
#else
bool Enabled() { return false; }
uint64_t LiveBytes() { return 0; }
uint64_t PeakBytes() { return 0; }
void ResetPeak() {}
void SetCounting(bool) {}
#endif

}  // namespace raftlog::snapshots::alloc_tracker
