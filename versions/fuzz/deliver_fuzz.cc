// libFuzzer target for one release's whole Deliver path: a node of the tag
// named at compile time (RAFTCERT_FUZZ_TAG, one binary per registered tag;
// see BUILD) set up in a fixed state and fed arbitrary bytes as peer
// messages.
//
// Input layout (the same header as wire/cross_decode/decode_fuzz.cc, so that
// target's seeds serve here too):
//   byte 0: the sender id passed to Deliver (modulo 8)
//   byte 1: the receiver's node id (modulo 8; 0 becomes 1)
//   byte 2: the receiver's state (modulo 4): 0 a fresh node joining with an
//           empty data directory; 1 a follower bootstrapped with voters
//           {1,2,3} plus itself; 2 the same, ticked until it campaigns
//           (candidate); 3 the leader of a single-voter cluster of itself
//   rest:   up to kMaxMessages messages separated by kMessageSeparator,
//           delivered in order (so a sequence such as InstallSnapshot
//           chunks reaches the code that follows the first message).
// Inputs shorter than 3 bytes are delivered whole to a fresh node, 2 -> 1.
//
// Properties (a violation aborts, which libFuzzer reports as a crash):
//   - Deliver returns: OK, or a code of node.h's table that moved a counter
//     (wire/cross_decode/node_decode.h DeliverAndJudge);
//   - the node survives ticks and drains its outputs afterwards;
//   - its protocol state stays sane: commit_index <= last_index,
//     first_index <= last_index + 1, applied_index <= commit_index.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "versions/api/node.h"
#include "versions/fuzz/fuzz_tag.h"
#include "versions/registry.h"
#include "wire/cross_decode/node_decode.h"


namespace {


using raftlog::api::NodeId;
using raftlog::wire::cross_decode::FreshNode;

// Separates the messages of one input; libFuzzer's comparison tracing finds
// it quickly, and the seeds carry it between chunks.
constexpr absl::string_view kMessageSeparator = "\xF0\x0D\xFE\xED";
constexpr size_t kMaxMessages = 8;

[[noreturn]] void Fail(const std::string& what) { raftlog::fuzz::FuzzFail("deliver_fuzz", what); }

const raftlog::api::ReleaseInfo& Release() { return raftlog::fuzz::FuzzRelease("deliver_fuzz"); }

FreshNode Setup(NodeId id, int state) {
  using raftlog::wire::cross_decode::StartFreshNode;
  switch (state) {
    case 0:
      return StartFreshNode(Release(), id, 1);
    case 3:
      return StartFreshNode(Release(), id, 1, {id});
    default: {
      std::vector<NodeId> voters = {1, 2, 3};
      if (id > 3) voters.push_back(id);
      return StartFreshNode(Release(), id, 1, voters);
    }
  }
}

void CheckSane(const raftlog::api::ProtocolState& s) {
  if (s.commit_index > s.last_index)
    Fail(absl::StrCat("commit_index ", s.commit_index, " > last_index ", s.last_index));
  if (s.first_index > s.last_index + 1)
    Fail(absl::StrCat("first_index ", s.first_index, " > last_index+1 ", s.last_index + 1));
  if (s.applied_index > s.commit_index)
    Fail(absl::StrCat("applied_index ", s.applied_index, " > commit_index ", s.commit_index));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  NodeId from = 2, to = 1;
  int state = 0;
  absl::string_view rest = input;
  if (size >= 3) {
    from = data[0] % 8;
    to = data[1] % 8 == 0 ? 1 : data[1] % 8;
    state = data[2] % 4;
    rest = input.substr(3);
  }
  FreshNode f = Setup(to, state);
  if (!f.start_status.ok()) Fail("a node does not start: " + f.start_status.ToString());
  if (state == 2 || state == 3) {
    const raftlog::api::Role want =
        state == 2 ? raftlog::api::Role::kCandidate : raftlog::api::Role::kLeader;
    for (int i = 0; i < 100 && f.node->State().role != want; ++i) f.node->Tick();
    (void)f.node->TakeReady();
  }
  std::vector<absl::string_view> messages = absl::StrSplit(rest, kMessageSeparator);
  if (messages.size() > kMaxMessages) messages.resize(kMaxMessages);
  for (absl::string_view bytes : messages) {
    const raftlog::wire::cross_decode::NodeResult r =
        raftlog::wire::cross_decode::DeliverAndJudge(f.node.get(), from, bytes);
    if (r.verdict == raftlog::wire::cross_decode::Verdict::kBroken) Fail(r.detail);
    (void)f.node->TakeReady();
    CheckSane(f.node->State());
  }
  for (int i = 0; i < 3; ++i) f.node->Tick();
  (void)f.node->TakeReady();
  CheckSane(f.node->State());
  return 0;
}
