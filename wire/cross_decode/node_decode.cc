#include "wire/cross_decode/node_decode.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace raftlog::wire::cross_decode {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kOk:
      return "ok";
    case Verdict::kRefused:
      return "refused";
    case Verdict::kBroken:
      return "broken";
  }
  return "?";
}

bool IsTableCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kFailedPrecondition:  // not the leader
    case absl::StatusCode::kUnavailable:         // overloaded / busy
    case absl::StatusCode::kResourceExhausted:   // overloaded / busy
    case absl::StatusCode::kOutOfRange:          // index compacted away
    case absl::StatusCode::kDataLoss:            // corrupt bytes on disk or wire
    case absl::StatusCode::kUnimplemented:       // unknown format, type or version
    case absl::StatusCode::kInvalidArgument:     // malformed argument
      return true;
    default:
      return false;
  }
}

const std::vector<KnownFinding>& KnownFindings() {
  static const auto* table = new std::vector<KnownFinding>{
      {"v1", absl::StatusCode::kFailedPrecondition, "acts as leader in term",
       "second_leader_in_term",
       "v1 (frozen) refuses an AppendEntries or InstallSnapshot from a second leader of its own "
       "term (the sender broke election safety) without counting it; found by decode_fuzz"},
  };
  return *table;
}

const KnownFinding* FindKnownFinding(absl::string_view tag, const absl::Status& status) {
  for (const KnownFinding& k : KnownFindings()) {
    if (k.tag == tag && k.code == status.code() &&
        absl::string_view(status.message()).find(k.message_part) != absl::string_view::npos) {
      return &k;
    }
  }
  return nullptr;
}

NodeResult DeliverAndJudge(api::Node* node, api::NodeId from, absl::string_view bytes) {
  NodeResult r;
  const std::map<std::string, uint64_t> before = node->Counters();
  r.status = node->Deliver(from, bytes);
  const std::map<std::string, uint64_t> after = node->Counters();
  for (const auto& [name, value] : after) {
    auto it = before.find(name);
    if (value > (it == before.end() ? 0 : it->second)) r.counters_moved.push_back(name);
  }
  // Outputs are drained so that a long run over one node stays small; what a
  // node says in answer is not judged here.
  (void)node->TakeReady();
  if (r.status.ok()) {
    r.verdict = Verdict::kOk;
  } else if (!IsTableCode(r.status.code())) {
    r.verdict = Verdict::kBroken;
    r.detail = absl::StrCat("error code outside the table: ", r.status.ToString());
  } else if (r.counters_moved.empty()) {
    r.known = FindKnownFinding(node->State().release, r.status);
    if (r.known != nullptr) {
      r.verdict = Verdict::kRefused;
      r.detail = absl::StrCat("known finding: ", r.known->why);
    } else {
      r.verdict = Verdict::kBroken;
      r.detail = absl::StrCat("refusal not counted: ", r.status.ToString());
    }
  } else {
    r.verdict = Verdict::kRefused;
  }
  return r;
}

FreshNode StartFreshNode(const api::ReleaseInfo& release, api::NodeId id, uint64_t seed,
                         const std::vector<api::NodeId>& bootstrap_voters) {
  FreshNode f;
  f.env = std::make_unique<api::MemEnv>(seed);
  api::NodeOptions o;
  o.id = id == 0 ? 1 : id;
  o.bootstrap_voters = bootstrap_voters;
  o.env = f.env->env();
  f.node = release.make_node(o);
  f.start_status = f.node->Start();
  (void)f.node->TakeReady();
  return f;
}

NodeResult DeliverToFreshNode(const api::ReleaseInfo& release, api::NodeId from, api::NodeId to,
                              absl::string_view bytes, uint64_t seed) {
  FreshNode f = StartFreshNode(release, to, seed);
  if (!f.start_status.ok()) {
    NodeResult r;
    r.verdict = Verdict::kBroken;
    r.status = f.start_status;
    r.detail =
        absl::StrCat("a fresh ", release.tag, " node does not start: ", f.start_status.ToString());
    return r;
  }
  return DeliverAndJudge(f.node.get(), from, bytes);
}

}  // namespace raftlog::wire::cross_decode
