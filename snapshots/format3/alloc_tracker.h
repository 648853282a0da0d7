// Counts the bytes a process has allocated through malloc and friends (and
// so through operator new and inside libzstd), with a resettable peak: how
// the benchmark and the memory test measure "peak memory beyond the input
// and the result". It works by defining malloc, free, calloc, realloc and
// the aligned variants in the binary that links it (alwayslink), forwarding
// to glibc's __libc_* functions; the dynamic linker then resolves libzstd's
// calls to them too. Not available under AddressSanitizer, which owns
// malloc: Enabled() is false there and the counters stay 0. testonly;
// single-threaded use.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT3_ALLOC_TRACKER_H_
#define RAFTLOG_SNAPSHOTS_FORMAT3_ALLOC_TRACKER_H_

#include <cstdint>

namespace raftlog::snapshots::alloc_tracker {

bool Enabled();
// Bytes currently allocated (malloc_usable_size of every live block).
uint64_t LiveBytes();
// The largest LiveBytes() since the last ResetPeak().
uint64_t PeakBytes();
// Sets the peak to the current live bytes.
void ResetPeak();
// Counting costs a malloc_usable_size per call; timing runs turn it off.
// Blocks allocated while off and freed while on make LiveBytes drift, so
// measure only over windows that do not free such blocks.
void SetCounting(bool on);

}  // namespace raftlog::snapshots::alloc_tracker

#endif  // RAFTLOG_SNAPSHOTS_FORMAT3_ALLOC_TRACKER_H_
