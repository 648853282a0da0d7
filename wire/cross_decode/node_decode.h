// Decoding bytes through a release's node (api::Node::Deliver), and judging
// the result by the project's rules (versions/api/node.h):
//  - OK: the node accepted the message;
//  - refused cleanly: a Status whose code is in the project's table, and at
//    least one of the node's Counters went up during the call (every refusal
//    is counted and attributed, DESIGN.md "Mixed versions");
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

struct NodeResult {
  Verdict verdict = Verdict::kBroken;
  absl::Status status;
  std::vector<std::string> counters_moved;  // names whose value went up, sorted
  std::string detail;                       // for kBroken: why
};

// Delivers `bytes` as if from `from` to a started node and judges the result.
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
