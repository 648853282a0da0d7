// Decoding bytes through a release's node (api::Node::Deliver), and judging
// the result by the project's rules (versions/api/node.h):
//  - OK: the node accepted the message;
//  - refused cleanly: a Status whose code is in the project's table, and at
//    least one of the node's Counters went up during the call (every refusal
//    is counted and attributed, ARCHITECTURE.md "Mixed versions");
//  - broken: anything else (an error code outside the table, or an error no
//    counter recorded). A crash is not caught: it ends the process, which is
//    the loudest "broken" there is.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_NODE_DECODE_H_
#define RAFTLOG_WIRE_CROSS_DECODE_NODE_DECODE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"

namespace raftlog::wire::cross_decode {

enum class Verdict { kOk, kRefused, kBroken };
const char* VerdictName(Verdict v);  // "ok", "refused", "broken"

// The codes of node.h's table: what a clean refusal may carry.
bool IsTableCode(absl::StatusCode code);

// A refusal a release is known to leave uncounted: judged kRefused (with
// `known` set) instead of kBroken, so the finding is recorded once instead
// of failing every run. Each entry names a reproduction that
// node_decode_test runs: once the release is fixed the reproduction no
// longer matches and the test fails until the entry is deleted, so the list
// never goes stale (an unexpected green fails too). A frozen release keeps
// its entries forever; a head release should fix the finding instead.
struct KnownFinding {
  std::string tag;
  absl::StatusCode code = absl::StatusCode::kUnknown;
  std::string message_part;  // a substring of the status message
  std::string reproduction;  // the name of node_decode_test's reproduction
  std::string why;
};
const std::vector<KnownFinding>& KnownFindings();
// The entry matching an uncounted refusal by a node of `tag`, or nullptr.
const KnownFinding* FindKnownFinding(absl::string_view tag, const absl::Status& status);

struct NodeResult {
  Verdict verdict = Verdict::kBroken;
  absl::Status status;
  std::vector<std::string> counters_moved;  // names whose value went up, sorted
  std::string detail;                       // for kBroken: why
  const KnownFinding* known = nullptr;      // an uncounted refusal on the known list
};

// Delivers `bytes` as if from `from` to a started node and judges the result.
// (The node's tag, for the known findings, is its State().release.)
NodeResult DeliverAndJudge(api::Node* node, api::NodeId from, absl::string_view bytes);

// A node of some release on its own MemEnv, started. Owns both.
struct FreshNode {
  std::unique_ptr<api::MemEnv> env;
  std::unique_ptr<api::Node> node;
  absl::Status start_status;
};

// A fresh node of `release` with id `id` (0 is replaced by 1) on an empty
// MemEnv seeded with `seed`: joining (no bootstrap voters) unless
// `bootstrap_voters` is given. Start() has been called; check start_status.
FreshNode StartFreshNode(const api::ReleaseInfo& release, api::NodeId id, uint64_t seed,
                         const std::vector<api::NodeId>& bootstrap_voters = {});

// StartFreshNode (joining) + DeliverAndJudge: decode (a) of the corpus.
// A node that fails to Start is kBroken.
NodeResult DeliverToFreshNode(const api::ReleaseInfo& release, api::NodeId from, api::NodeId to,
                              absl::string_view bytes, uint64_t seed);

}  // namespace raftlog::wire::cross_decode

#endif  // RAFTLOG_WIRE_CROSS_DECODE_NODE_DECODE_H_
