// Raft core, the log and the state machine: local appends (a configuration
// takes effect on append), truncation, and applying committed entries.
#include "versions/v3/raft.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "versions/v3/check.h"
#include "versions/v3/raft_internal.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using wire::v3::Message;
using raft_internal::ConfigFromChange;

}  // namespace

uint64_t Raft::AppendLocal(wire::v3::EntryType type, const std::string& data) {
  Entry e;
  e.set_index(log_.last_index() + 1);
  e.set_term(term_);
  e.set_type(type);
  e.set_data(data);
  if (!AppendToLog({e})) return 0;
  return e.index();
}

bool Raft::AppendToLog(const std::vector<Entry>& entries) {
  if (absl::Status s = storage_->Append(entries); !s.ok()) {
    Fail(s);
    return false;
  }
  for (const Entry& e : entries) {
    log_.Append(e);
    if (e.type() == wire::v3::ENTRY_TYPE_CONFIG) {
      // Effective on append (thesis 4.1), before it commits.
      wire::v3::ConfigChange cc;
      if (cc.ParseFromString(e.data())) SetConfig(ConfigFromChange(cc, e.index()));
    }
  }
  return true;
}

bool Raft::TruncateLog(uint64_t index) {
  RAFTLOG_V3_CHECK(index > commit_);
  if (absl::Status s = storage_->TruncateFrom(index); !s.ok()) {
    Fail(s);
    return false;
  }
  log_.TruncateFrom(index);
  if (config_.index >= index) SetConfig(ConfigAt(log_.last_index()));
  return true;
}

ConfigState Raft::ConfigAt(uint64_t index) const {
  uint64_t i = std::min(index, log_.last_index());
  for (; i >= log_.first_index() && i > 0; --i) {
    const Entry* e = log_.At(i);
    if (e->type() != wire::v3::ENTRY_TYPE_CONFIG) continue;
    wire::v3::ConfigChange cc;
    if (!cc.ParseFromString(e->data())) continue;
    return ConfigFromChange(cc, i);
  }
  return base_config_;
}

void Raft::SetConfig(const ConfigState& config) {
  config_ = config;
  SyncProgress();
}

void Raft::ApplyCommitted() {
  while (applied_ < commit_ && fatal_.ok()) {
    const Entry* e = log_.At(applied_ + 1);
    RAFTLOG_V3_CHECK(e != nullptr);
    ApplyEntry(*e);
    applied_ = e->index();
    if (compact_for_downgrade_) {
      compact_for_downgrade_ = false;
      if (!Compact()) return;
      // Covered records of a higher cluster version left in a partly covered
      // segment would still make the lower release refuse the directory.
      if (absl::Status s = storage_->ScrubCoveredVersionEntries(cv_.current()); !s.ok()) {
        Fail(s);
        return;
      }
      Audit("downgrade_compacted", absl::StrCat("snapshot_index=", log_.snapshot_index(),
                                                " format=", snapshot_format_,
                                                " cluster_version=", cv_.current()));
    }
  }
  MaybeLeaveJoint();
  // A leader that removed itself leads until that change commits, then
  // steps down (thesis 4.2.2); outside the configuration it never campaigns.
  // Joint consensus: a leader in C_old only leads until LEAVE_JOINT commits.
  if (role_ == api::Role::kLeader && !IsVoter(options_.id) && config_.index <= commit_) {
    BecomeFollower(term_, 0);
  }
  ServeReads();
  MaybeCompact();
}

void Raft::ApplyEntry(const Entry& e) {
  out_.applied.push_back(
      api::AppliedEntry{e.index(), api::EntryId{e.term(), api::Fnv1a64(e.data())}});
  auto pending = pending_.find(e.index());
  switch (e.type()) {
    case wire::v3::ENTRY_TYPE_COMMAND: {
      wire::v3::Command cmd;
      if (!cmd.ParseFromString(e.data())) break;  // validated on receipt
      CommandResult result = kv_.Apply(cmd, e.index());
      if (result.duplicate) Count(kCounterDuplicateRequests);
      if (pending != pending_.end() && pending->second.client_id == cmd.client_id() &&
          pending->second.sequence == cmd.sequence()) {
        api::Reply r;
        r.client_id = cmd.client_id();
        r.sequence = cmd.sequence();
        r.status = result.status;
        r.value = result.value;
        r.found = result.found;
        r.succeeded = result.succeeded;
        r.index = result.index;
        r.leader_hint = leader_;
        r.hint_term = term_;
        out_.replies.push_back(std::move(r));
      }
      break;
    }
    case wire::v3::ENTRY_TYPE_CONFIG: {
      ApplyConfigEntry(e, pending == pending_.end() ? nullptr : &pending->second);
      break;
    }
    case wire::v3::ENTRY_TYPE_CLUSTER_VERSION: {
      ApplyClusterVersionEntry(e);
      break;
    }
    default:
      break;  // NOOP
  }
  if (pending != pending_.end()) pending_.erase(pending);
}

void Raft::ReplyPending(const Entry& e) {
  auto pending = pending_.find(e.index());
  if (pending == pending_.end()) return;
  api::Reply r;
  r.client_id = pending->second.client_id;
  r.sequence = pending->second.sequence;
  r.index = e.index();
  r.leader_hint = leader_;
  r.hint_term = term_;
  out_.replies.push_back(std::move(r));
}

}  // namespace raftlog::v3
