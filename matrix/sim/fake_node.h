// Fake releases for testing the simulator before (and apart from) the real
// ones. Not Raft: node min(voters) is the leader forever (term 1), replicates
// its log to the followers, commits on a majority, applies a KV state machine
// with (client_id, sequence) sessions. Trivially correct as long as the leader
// syncs before it sends or answers; it stalls while the leader is down.
//
// The broken variant acknowledges puts and appends before they are durable or
// replicated, and syncs only on ticks: a leader crash can lose an
// acknowledged write, which the checkers and linearizability must catch and
// the shrinker must reduce to a few events.
//
// The on-disk log is checksummed (bit flips make Start fail with kDataLoss;
// a torn tail is truncated); messages are bytes with a one-byte type.
#ifndef RAFTLOG_MATRIX_SIM_FAKE_NODE_H_
#define RAFTLOG_MATRIX_SIM_FAKE_NODE_H_

#include "versions/api/node.h"

namespace raftlog::sim::fake {

// Tag "fake": the correct fake.
const api::ReleaseInfo& FakeRelease();
// Tag "fake_broken": acknowledges before replication and durability.
const api::ReleaseInfo& BrokenRelease();
// Tag "fake_refuse": Start() always fails with kFailedPrecondition (a release
// that cannot read the data it finds).
const api::ReleaseInfo& RefusingRelease();
// Tag "fake_noisy": correct, but every tick sends two bytes no release
// decodes to every other voter (a release whose peers refuse its messages:
// what a staged rollout's gate must notice).
const api::ReleaseInfo& NoisyRelease();
// Lookup by tag among the fakes; nullptr otherwise.
const api::ReleaseInfo* FindFakeRelease(absl::string_view tag);

}  // namespace raftlog::sim::fake

#endif  // RAFTLOG_MATRIX_SIM_FAKE_NODE_H_
