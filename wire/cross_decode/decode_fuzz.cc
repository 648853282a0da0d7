// libFuzzer target for every registered tag's decode path.
//
// Input layout (fuzz_seeds.h writes seeds in it):
//   byte 0: the sender id passed to Deliver (taken modulo 8)
//   byte 1: the receiver's node id (modulo 8; 0 becomes 1)
//   byte 2: the receiver's state (modulo 4): 0 a fresh node joining with an
//           empty data directory; 1 a follower bootstrapped with voters
//           {1,2,3} plus itself; 2 the same, ticked until it campaigns
//           (candidate); 3 the leader of a single-voter cluster of itself
//   rest:   the bytes delivered
// For every registered tag, on a node of that tag set up as byte 2 says:
//   - Deliver returns; an error carries a code of node.h's table and moves a
//     counter (node_decode.h DeliverAndJudge), otherwise the input is a
//     finding and the process aborts;
//   - the node survives a few ticks and drains its outputs afterwards;
//   - if the bytes parse under the tag's schema, its own parse/serialize
//     round trip keeps them (schema.h CheckSchemaDecode with sender ==
//     receiver).
// Inputs shorter than 3 bytes are delivered whole to a fresh node with ids
// 2 -> 1.
//
// Built two ways: as a libFuzzer binary (decode_fuzz, --config=fuzz, see
// BUILD) and linked with a plain driver that replays seeds and seeded
// mutations inside `bazel test` (decode_fuzz_corpus_test).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "versions/api/node.h"
#include "versions/registry.h"
#include "wire/cross_decode/node_decode.h"
#include "wire/cross_decode/schema.h"

namespace {

using raftlog::api::NodeId;
using raftlog::wire::cross_decode::FreshNode;

[[noreturn]] void Fail(const std::string& tag, const std::string& what) {
  std::fprintf(stderr, "decode_fuzz: %s: %s\n", tag.c_str(), what.c_str());
  std::abort();
}

FreshNode Setup(const raftlog::api::ReleaseInfo& release, NodeId id, int state) {
  using raftlog::wire::cross_decode::StartFreshNode;
  switch (state) {
    case 0:
      return StartFreshNode(release, id, 1);
    case 3:
      return StartFreshNode(release, id, 1, {id});
    default: {
      std::vector<NodeId> voters = {1, 2, 3};
      if (id > 3) voters.push_back(id);
      return StartFreshNode(release, id, 1, voters);
    }
  }
}

void CheckOne(const raftlog::api::ReleaseInfo& release, NodeId from, NodeId to, int state,
              absl::string_view bytes) {
  FreshNode f = Setup(release, to, state);
  if (!f.start_status.ok())
    Fail(release.tag, "a node does not start: " + f.start_status.ToString());
  if (state == 2 || state == 3) {
    // Campaign (state 2) or win alone (state 3); bounded.
    const raftlog::api::Role want =
        state == 2 ? raftlog::api::Role::kCandidate : raftlog::api::Role::kLeader;
    for (int i = 0; i < 100 && f.node->State().role != want; ++i) f.node->Tick();
    (void)f.node->TakeReady();
  }
  const raftlog::wire::cross_decode::NodeResult r =
      raftlog::wire::cross_decode::DeliverAndJudge(f.node.get(), from, bytes);
  if (r.verdict == raftlog::wire::cross_decode::Verdict::kBroken) Fail(release.tag, r.detail);
  for (int i = 0; i < 3; ++i) f.node->Tick();
  (void)f.node->TakeReady();
  (void)f.node->State();

  if (raftlog::wire::cross_decode::ParseEnvelope(release.tag, bytes) != nullptr) {
    const raftlog::wire::cross_decode::SchemaVerdict v =
        raftlog::wire::cross_decode::CheckSchemaDecode(release.tag, release.tag, bytes);
    if (!v.ok) Fail(release.tag, "schema round trip: " + v.detail);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  NodeId from = 2, to = 1;
  int state = 0;
  absl::string_view bytes = input;
  if (size >= 3) {
    from = data[0] % 8;
    to = data[1] % 8 == 0 ? 1 : data[1] % 8;
    state = data[2] % 4;
    bytes = input.substr(3);
  }
  for (const raftlog::api::ReleaseInfo& release : raftlog::AllReleases()) {
    CheckOne(release, from, to, state, bytes);
  }
  return 0;
}
