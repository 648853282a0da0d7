// Configuration safety for single-server membership changes (Raft
// dissertation, section 4.1): at most one uncommitted configuration change in
// a log at a time.
//
// Observed through ProtocolState: config_index is the log index of the entry
// that set the node's current config. When a node's config_index moves from c1
// to c2 > c1 while c1 is still above its commit index and the entry at c1 is
// still the one that set the earlier config (it was not truncated away), two
// configuration changes are in flight. Joint consensus keeps the same rule per
// step (enter joint, commit, then leave), so it applies to every release.
#ifndef RAFTLOG_MATRIX_CHECK_CONFIG_SAFETY_H_
#define RAFTLOG_MATRIX_CHECK_CONFIG_SAFETY_H_

#include <map>
#include <optional>

#include "matrix/check/checker.h"

namespace raftlog::check {

class ConfigSafety : public Checker {
 public:
  ConfigSafety() : Checker("config_safety") {}
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override { nodes_.erase(id); }
  uint64_t changes_seen() const { return changes_seen_; }

 private:
  struct Seen {
    uint64_t config_index = 0;
    std::optional<api::EntryId> entry;  // the entry at config_index
    api::Config config;
    bool reported = false;
  };
  std::map<api::NodeId, Seen> nodes_;
  uint64_t changes_seen_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_CONFIG_SAFETY_H_
