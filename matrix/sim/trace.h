// The run's trace: every event (delivery, drop, tick batch, crash, restart,
// fault start and heal, client invoke and complete) is folded into a running
// 64-bit digest (api::Fnv1a64 chained over "time kind detail"), so one seed
// gives one digest and any divergence between two runs changes it.
//
// Lines are kept only when asked (a bounded ring of the last `keep` lines, for
// the failure artifact's window around a violation, or all of them for
// --trace_out); the digest never depends on what is kept.
#ifndef RAFTLOG_MATRIX_SIM_TRACE_H_
#define RAFTLOG_MATRIX_SIM_TRACE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace raftlog::sim {

// A fast 64-bit digest of message bytes (8 bytes per step; the records of the
// trace itself are chained with api::Fnv1a64). Deterministic on every
// little-endian platform.
uint64_t BytesDigest(absl::string_view bytes);

// The lines of `lines` that tell a story: everything but deliveries, drops
// and tick batches, plus the last `tail` lines whatever they are.
std::string KeyEvents(absl::string_view lines, size_t tail = 10);

class Trace {
 public:
  // keep = 0: no lines; SIZE_MAX: all lines.
  explicit Trace(size_t keep = 0) : keep_(keep) {}

  // Appends an event. `kind` is a short word ("deliver", "crash" ...).
  void Add(uint64_t time_us, absl::string_view kind, absl::string_view detail);
  // Cheap form for the hottest event (deliveries): folds numbers directly and
  // builds no string unless lines are kept.
  void AddDelivery(uint64_t time_us, uint64_t from, uint64_t to, uint64_t bytes_digest,
                   absl::string_view type, bool dropped);

  // Numbers-only event (tick batches and other frequent events).
  void AddNumbers(uint64_t time_us, absl::string_view kind, uint64_t a, uint64_t b = 0);

  uint64_t digest() const { return digest_; }
  uint64_t events() const { return events_; }
  // The kept lines, oldest first.
  std::vector<std::string> Lines() const { return {lines_.begin(), lines_.end()}; }
  // The last `n` kept lines joined with newlines.
  std::string Tail(size_t n) const;

 private:
  void Keep(std::string line);
  size_t keep_;
  uint64_t digest_ = 14695981039346656037ull;
  uint64_t events_ = 0;
  std::deque<std::string> lines_;
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_TRACE_H_
