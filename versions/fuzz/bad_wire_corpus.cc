#include "versions/fuzz/bad_wire_corpus.h"

#include <map>

#include "absl/strings/str_join.h"
#include "versions/api/node.h"
#include "versions/registry.h"
#include "wire/cross_decode/node_decode.h"
#include "wire/cross_decode/wire_bytes.h"

namespace raftlog::fuzz {

using wire::cross_decode::BytesField;
using wire::cross_decode::VarintField;

DeliverOutcome DeliverToFollower(const std::string& tag, const BadMessage& message) {
  DeliverOutcome o;
  const api::ReleaseInfo* release = FindRelease(tag);
  if (release == nullptr) {
    o.status = absl::NotFoundError("no release " + tag);
    return o;
  }
  std::vector<api::NodeId> voters = {1, 2, 3};
  if (message.to > 3) voters.push_back(message.to);
  wire::cross_decode::FreshNode f =
      wire::cross_decode::StartFreshNode(*release, message.to, 1, voters);
  if (!f.start_status.ok()) {
    o.status = f.start_status;
    return o;
  }
  const api::ProtocolState before = f.node->State();
  const std::map<std::string, uint64_t> counters = f.node->Counters();
  o.status = f.node->Deliver(message.from, message.bytes);
  std::vector<std::string> moved;
  for (const auto& [name, value] : f.node->Counters()) {
    auto it = counters.find(name);
    if (value > (it == counters.end() ? 0 : it->second)) moved.push_back(name);
  }
  o.counter_moved = absl::StrJoin(moved, ",");
  const api::ProtocolState after = f.node->State();
  o.state_unchanged = after.term == before.term && after.vote == before.vote &&
                      after.role == before.role && after.last_index == before.last_index &&
                      after.commit_index == before.commit_index;
  return o;
}

std::string AppendEntriesV3(size_t entries) {
  std::string ae = VarintField(1, 1) + VarintField(2, 1);  // prev_log_index, prev_log_term
  for (size_t i = 0; i < entries; ++i) {
    // index, term, type NOOP
    ae += BytesField(3, VarintField(1, 2 + i) + VarintField(2, 1) + VarintField(3, 1));
  }
  // protocol_version 1, type APPEND_ENTRIES (3), from 2, to 1, term 1, body.
  return VarintField(1, 1) + VarintField(2, 3) + VarintField(3, 2) + VarintField(4, 1) +
         VarintField(5, 1) + BytesField(12, ae);
}

}  // namespace raftlog::fuzz
