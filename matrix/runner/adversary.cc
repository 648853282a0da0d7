#include "matrix/runner/adversary.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::runner {

const char* InjectionName(Injection k) {
  switch (k) {
    case Injection::kForged: return "forged";
    case Injection::kStripped: return "stripped";
    case Injection::kOlderClaim: return "older_claim";
    case Injection::kReplay: return "replay";
    case Injection::kReplayOld: return "replay_old";
  }
  return "?";
}

namespace {

constexpr size_t kMacSize = 32;  // HMAC-SHA256, wire/v3 Message.mac

bool IsSnapshotBody(const wire::v3::Message& m) {
  return m.has_install_snapshot() || m.has_install_snapshot_chunk();
}

}  // namespace

absl::StatusOr<std::string> Alter(absl::string_view genuine, Injection kind, api::NodeId sender,
                                  uint64_t term) {
  if (!Altered(kind)) {
    return absl::InvalidArgumentError(absl::StrCat(InjectionName(kind), " is sent verbatim"));
  }
  wire::v3::Message m;
  if (!m.ParseFromArray(genuine.data(), static_cast<int>(genuine.size()))) {
    return absl::InvalidArgumentError(
        absl::StrCat("captured bytes (", genuine.size(), ") do not parse as a v3 Message"));
  }
  if (IsSnapshotBody(m)) {
    return absl::InvalidArgumentError("snapshot messages are not altered");
  }
  m.set_from(sender);
  m.set_term(term);
  if (m.has_append_entries()) {
    // Accepted, it moves the term and nothing else: no entry, no commit.
    m.mutable_append_entries()->clear_entries();
    m.mutable_append_entries()->set_leader_commit(0);
  }
  switch (kind) {
    case Injection::kForged: {
      // A MAC of the right size that is not the message's: the sender's
      // (now stale, the content changed) with its first byte flipped, or
      // made up when the sender sent none.
      std::string mac = m.mac().size() == kMacSize ? m.mac() : std::string(kMacSize, '\xa5');
      mac[0] = static_cast<char>(mac[0] ^ 0x5a);
      m.set_mac(mac);
      break;
    }
    case Injection::kStripped:
      m.clear_mac();
      break;
    case Injection::kOlderClaim:
      // "An older peer that cannot authenticate": below what the cluster speaks.
      m.set_protocol_version(m.protocol_version() > 1 ? m.protocol_version() - 1 : 1);
      m.clear_mac();
      break;
    default:
      break;
  }
  return m.SerializeAsString();
}

bool IsAppendWithEntries(absl::string_view bytes) {
  wire::v3::Message m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
  return m.has_append_entries() && m.append_entries().entries_size() > 0;
}

Observed Observe(const api::Node& node) {
  Observed o;
  o.state = node.State();
  const uint64_t last = o.state.last_index;
  for (uint64_t i = last >= kComparedTail ? last - kComparedTail + 1 : 1; i <= last; ++i) {
    o.tail.push_back(node.EntryAt(i));
  }
  return o;
}

std::string Difference(const Observed& before, const Observed& after) {
  std::vector<std::string> d;
  const api::ProtocolState& a = before.state;
  const api::ProtocolState& b = after.state;
  auto num = [&d](const char* what, uint64_t x, uint64_t y) {
    if (x != y) d.push_back(absl::StrCat(what, " ", x, " -> ", y));
  };
  num("term", a.term, b.term);
  num("vote", a.vote, b.vote);
  if (a.role != b.role) d.push_back(absl::StrCat("role ", api::RoleName(a.role), " -> ",
                                                 api::RoleName(b.role)));
  num("leader", a.leader, b.leader);
  num("commit", a.commit_index, b.commit_index);
  num("last_index", a.last_index, b.last_index);
  num("last_term", a.last_term, b.last_term);
  if (!(a.config == b.config)) {
    d.push_back(absl::StrCat("config ", api::ConfigString(a.config), " -> ",
                             api::ConfigString(b.config)));
  }
  num("cluster_version", a.cluster_version, b.cluster_version);
  if (before.tail != after.tail) d.push_back("the last entries changed");
  return absl::StrJoin(d, ", ");
}

}  // namespace raftlog::runner
