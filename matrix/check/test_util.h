// Hand-made observations for checker tests: a node's log as a vector of
// terms (digest = term * 1000 + index unless overridden) and a ProtocolState.
#ifndef RAFTLOG_MATRIX_CHECK_TEST_UTIL_H_
#define RAFTLOG_MATRIX_CHECK_TEST_UTIL_H_

#include <map>
#include <vector>

#include "matrix/check/checker.h"

namespace raftlog::check::testing {

class FakeLog : public EntrySource {
 public:
  // entries[k] holds index first + k.
  std::optional<api::EntryId> EntryAt(uint64_t index) const override {
    auto it = entries.find(index);
    if (it == entries.end()) return std::nullopt;
    return it->second;
  }
  // Appends entries with the given terms after the current end.
  FakeLog& Terms(std::vector<uint64_t> terms) {
    uint64_t i = entries.empty() ? 1 : entries.rbegin()->first + 1;
    for (uint64_t t : terms) {
      entries[i] = api::EntryId{t, t * 1000 + i};
      ++i;
    }
    return *this;
  }
  FakeLog& Set(uint64_t index, uint64_t term, uint64_t digest) {
    entries[index] = api::EntryId{term, digest};
    return *this;
  }
  uint64_t last() const { return entries.empty() ? 0 : entries.rbegin()->first; }
  uint64_t last_term() const { return entries.empty() ? 0 : entries.rbegin()->second.term; }
  uint64_t first() const { return entries.empty() ? 1 : entries.begin()->first; }
  std::map<uint64_t, api::EntryId> entries;
};

// A node as a test drives it: its log, its state, and a step helper.
struct FakeNode {
  explicit FakeNode(api::NodeId id) { state.id = id; state.release = "v1"; }
  api::ProtocolState state;
  FakeLog log;
  std::vector<api::AppliedEntry> applied;

  // Fills last_index/last_term/first_index from the log and the snapshot
  // (an empty log after a snapshot ends at the snapshot), then calls OnStep.
  template <typename C>
  void Step(C& checker, uint64_t time_us) {
    const bool snapshot_ends = state.snapshot_index > 0 && log.last() <= state.snapshot_index;
    state.last_index = snapshot_ends ? state.snapshot_index : log.last();
    state.last_term = snapshot_ends ? state.snapshot_term : log.last_term();
    state.first_index = std::max<uint64_t>(log.first(), state.snapshot_index + 1);
    NodeStep step{time_us, state.id, "v1", &state, &log, &applied};
    checker.OnStep(step);
    applied.clear();
  }
  FakeNode& Role(api::Role r, uint64_t term) {
    state.role = r;
    state.term = term;
    return *this;
  }
};

}  // namespace raftlog::check::testing

#endif  // RAFTLOG_MATRIX_CHECK_TEST_UTIL_H_
