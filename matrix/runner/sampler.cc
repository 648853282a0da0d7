#include "matrix/runner/sampler.h"

#include "absl/strings/str_cat.h"

namespace raftlog::runner {

void Sampler::Open(api::NodeId id, NodeSeen& n, uint64_t time_us, std::string release,
                   std::string role, uint64_t term, uint32_t cluster_version) {
  Close(n, time_us);
  if (timeline_.size() >= kMaxEvents) {
    truncated_ = true;
    return;
  }
  timeline_.push_back(
      Segment{id, time_us, time_us, std::move(release), std::move(role), term, cluster_version});
  n.open = timeline_.size() - 1;
}

void Sampler::Close(NodeSeen& n, uint64_t time_us) {
  if (n.open == SIZE_MAX) return;
  timeline_[n.open].to_us = time_us;
  n.open = SIZE_MAX;
}

void Sampler::OnStep(const check::NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  NodeSeen& n = nodes_[step.id];
  const bool first = !n.up;
  if (first || n.release != step.tag || n.role != s.role || n.term != s.term ||
      n.cluster_version != s.cluster_version) {
    Open(step.id, n, step.time_us, std::string(step.tag), api::RoleName(s.role), s.term,
         s.cluster_version);
  }
  // A snapshot index past the node's own last index cannot come from its own
  // compaction: a leader sent it.
  if (!first && s.snapshot_index > n.snapshot_index && s.snapshot_index > n.last_index) {
    auto it = release_of_.find(s.leader);
    std::string leader = it != release_of_.end() ? it->second : "?";
    ++installs_[{leader, std::string(step.tag)}];
  }
  auto c = config_seen_.find(s.config_index);
  // A node that joins empty reports no configuration (index 0) until it
  // learns one: not a change.
  const bool empty = s.config_index == 0 && s.config.voters.empty() && s.config.learners.empty();
  if (!empty && (c == config_seen_.end() || !(c->second == s.config))) {
    config_seen_[s.config_index] = s.config;
    if (config_history_.size() < kMaxEvents) {
      config_history_.push_back(
          HistoryEvent{step.time_us, step.id, s.config_index, api::ConfigString(s.config)});
    } else {
      truncated_ = true;
    }
  }
  if (first || n.cluster_version != s.cluster_version) {
    // A node that restarts rebuilds its cluster version while it re-applies
    // its log: only a node at least as far along as the last recorded change
    // reports a change of the cluster's version.
    if (version_history_.empty() ||
        (version_history_.back().what != absl::StrCat("cluster version ", s.cluster_version) &&
         s.applied_index >= version_history_.back().index)) {
      if (version_history_.size() < kMaxEvents) {
        version_history_.push_back(HistoryEvent{step.time_us, step.id, s.applied_index,
                                                absl::StrCat("cluster version ", s.cluster_version)});
      } else {
        truncated_ = true;
      }
    }
  }
  n.up = true;
  if (n.release != step.tag) n.release = std::string(step.tag);
  n.role = s.role;
  n.term = s.term;
  n.last_index = s.last_index;
  n.snapshot_index = s.snapshot_index;
  n.cluster_version = s.cluster_version;
  std::string& last = release_of_[step.id];
  if (last != step.tag) last = std::string(step.tag);
}

void Sampler::OnCrash(uint64_t time_us, api::NodeId id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return;
  NodeSeen& n = it->second;
  Open(id, n, time_us, "", "down", n.term);
  n.up = false;
}

void Sampler::Finish(uint64_t time_us) {
  for (auto& [id, n] : nodes_) Close(n, time_us);
}

}  // namespace raftlog::runner
