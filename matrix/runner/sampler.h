// Telemetry from ProtocolState sampling: a Checker that never reports a
// violation but watches every node step the driver feeds the checkers, and
// keeps what a report needs and the releases do not count themselves:
//  - the configuration history (each new config with the log index of the
//    entry that set it, first node to report it) and the cluster-version
//    history (each change with the reporting node's applied index: the entry
//    that changed it is at or below that index; a restarted node replaying
//    its log below the last change does not count);
//  - snapshot installs attributed to (leader release, follower release): a
//    node whose snapshot index jumps past its own last index got a snapshot;
//  - a per-node timeline (release, role, term) over simulated time.
// Memory is bounded (kMaxEvents per list); `truncated()` says when it hit.
#ifndef RAFTLOG_MATRIX_RUNNER_SAMPLER_H_
#define RAFTLOG_MATRIX_RUNNER_SAMPLER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "matrix/check/checker.h"

namespace raftlog::runner {

struct HistoryEvent {
  uint64_t time_us = 0;
  api::NodeId node = 0;  // first node that reported it
  uint64_t index = 0;    // log index (config: exact; cluster version: applied bound)
  std::string what;      // "voters={1,2,3} learners={}" / "cluster version 2"
};

// One node's (release, role, term, cluster version) from `from_us` until
// `to_us`.
struct Segment {
  api::NodeId node = 0;
  uint64_t from_us = 0;
  uint64_t to_us = 0;
  std::string release;  // "" while down
  std::string role;     // RoleName, or "down"
  uint64_t term = 0;
  uint32_t cluster_version = 0;  // as the node reports it (0 while down)
};

class Sampler : public check::Checker {
 public:
  static constexpr size_t kMaxEvents = 4000;
  static constexpr char kName[] = "telemetry_sampler";

  Sampler() : Checker(kName) {}
  void OnStep(const check::NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override;
  void Finish(uint64_t time_us) override;

  const std::vector<HistoryEvent>& config_history() const { return config_history_; }
  const std::vector<HistoryEvent>& version_history() const { return version_history_; }
  // (leader release, follower release) -> installs observed.
  const std::map<std::pair<std::string, std::string>, uint64_t>& installs() const {
    return installs_;
  }
  const std::vector<Segment>& timeline() const { return timeline_; }
  bool truncated() const { return truncated_; }

 private:
  struct NodeSeen {
    bool up = false;
    std::string release;
    api::Role role = api::Role::kFollower;
    uint64_t term = 0;
    uint64_t last_index = 0;
    uint64_t snapshot_index = 0;
    uint32_t cluster_version = 0;
    size_t open = SIZE_MAX;  // index of the open timeline segment
  };
  void Open(api::NodeId id, NodeSeen& n, uint64_t time_us, std::string release, std::string role,
            uint64_t term, uint32_t cluster_version = 0);
  void Close(NodeSeen& n, uint64_t time_us);

  std::map<api::NodeId, NodeSeen> nodes_;
  std::map<api::NodeId, std::string> release_of_;  // last release each node ran
  std::vector<HistoryEvent> config_history_;
  std::vector<HistoryEvent> version_history_;
  std::map<uint64_t, api::Config> config_seen_;  // config index -> config last seen there
  std::map<std::pair<std::string, std::string>, uint64_t> installs_;
  std::vector<Segment> timeline_;
  bool truncated_ = false;
};

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_SAMPLER_H_
