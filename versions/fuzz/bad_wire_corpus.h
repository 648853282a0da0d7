// Delivering the checked-in bad peer messages (wire/testdata/bad/deliver_<tag>/)
// to a node of a tag, through the registry: shared by the corpus's writer
// and its test. testonly.
#ifndef RAFTLOG_VERSIONS_FUZZ_BAD_WIRE_CORPUS_H_
#define RAFTLOG_VERSIONS_FUZZ_BAD_WIRE_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace raftlog::fuzz {

struct BadMessage {
  std::string name;
  uint64_t from = 0;
  uint64_t to = 0;
  std::string bytes;
};

struct DeliverOutcome {
  absl::Status status;
  std::string counter_moved;  // the one counter that went up ("" none, "a,b" several)
  bool state_unchanged = false;  // term, vote, role, log, commit as before
};

// A follower of `tag` with id message.to (voters {1,2,3} and itself), then
// Deliver(message.from, message.bytes).
DeliverOutcome DeliverToFollower(const std::string& tag, const BadMessage& message);

// A v3 AppendEntries from 2 to 1, term 1, after the bootstrap entry, with
// `entries` no-op entries (v3's schema, hand-encoded).
std::string AppendEntriesV3(size_t entries);

}  // namespace raftlog::fuzz

#endif  // RAFTLOG_VERSIONS_FUZZ_BAD_WIRE_CORPUS_H_
