// Commitment: every index the cluster reports committed is held by a quorum
// of the voters of the configuration that committed it, and learners never
// campaign (Raft paper, section 5.3; thesis sections 4.1-4.3, 4.2.1).
//
// Quorum check. The first time any node reports a commit index c above every
// commit index reported before (in a correct cluster that node is the leader
// that just counted the acknowledgements), the entry that node holds at c must
// be held by a majority of the voters of the configuration the node reports
// in that same step (its latest configuration, committed or not: thesis 4.1),
// and while that configuration is joint by a majority of `voters` AND a
// majority of `voters_outgoing`. Learners never count. Committing c commits
// every index below it (log matching), so only the highest newly committed
// index of a step is checked. The first step of a node's incarnation is not
// checked: its commit index is what it bootstrapped or recovered. When the
// reporter's configuration changed within that step (a leader that commits
// the joint entry and leaves the joint configuration in one step), and the
// step committed the entry that set the configuration it began with, that
// entry must be held by a quorum of that configuration (both halves when
// joint): only that configuration could decide it, and only once it is
// committed may the leader move on; entries after it may then commit under
// the new configuration alone (thesis 4.3). (Only when the new configuration's entry
// lies above the committed index: a configuration in force from its own entry
// on may decide the commit of that entry, as when a leader removes the only
// other voter.) A voter "holds" c when the last log it showed
// (LogShadow) has the same entry at c, or c is covered by its snapshot.
// A node that is down still holds the log it showed last (it synced it before
// acknowledging anything); once it restarts, only its recovered log counts:
// if the restart lost entries, the highest checked index is checked again
// against the configuration it was first checked with.
// Cost: the copies are kept incrementally; a check is O(voters) lookups in
// them, and runs only when the cluster's commit index advances.
//
// Learners: a node whose own configuration lists it as a learner is never a
// pre-candidate, candidate or a new leader (a learner neither campaigns nor,
// hence, collects votes). Votes cast for a learner are not observable apart
// from that: ProtocolState shows a node's vote, not the voter's view of the
// candidate's membership.
#ifndef RAFTLOG_MATRIX_CHECK_COMMITMENT_H_
#define RAFTLOG_MATRIX_CHECK_COMMITMENT_H_

#include <map>
#include <utility>
#include <vector>

#include "matrix/check/checker.h"
#include "matrix/check/log_shadow.h"

namespace raftlog::check {

class Commitment : public Checker {
 public:
  Commitment() : Checker("commitment") {}
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override { shadow_.OnCrash(id); }
  uint64_t quorum_checks() const { return quorum_checks_; }

 private:
  // The highest index checked, with what it was checked against.
  struct Checked {
    uint64_t index = 0;
    api::EntryId entry;
    api::NodeId reporter = 0;
    api::Config config;
  };
  // Voters of `voters` holding `c.entry` at `c.index`.
  std::vector<api::NodeId> Holders(const std::vector<api::NodeId>& voters, const Checked& c) const;
  // A majority of each half of c.config holds c's entry; otherwise appends
  // what is missing to `detail`.
  bool HasQuorum(const Checked& c, std::string* detail) const;
  void CheckLearner(const NodeStep& step);

  LogShadow shadow_;
  Checked checked_;
  // Each node's configuration at the end of its last step (this incarnation).
  // With the index of the entry that set it.
  std::map<api::NodeId, std::pair<api::Config, uint64_t>> last_config_;
  std::map<api::NodeId, std::pair<api::Role, uint64_t>> roles_;  // last role and term
  uint64_t quorum_checks_ = 0;
  int quorum_reports_ = 0;
  int learner_reports_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_COMMITMENT_H_
