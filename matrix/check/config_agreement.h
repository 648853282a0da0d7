// Configuration agreement: every node's active configuration is the one its
// log defines, and nodes agree on what a configuration entry says.
//
// What is observable: each step's ProtocolState carries the node's active
// configuration (`config`) and the log index of the entry that set it
// (`config_index`; 0 for the bootstrap configuration, which is not an entry
// and is not compared); EntryAt gives the entry at that index while the log
// still holds it. From that the checker promises:
//  1. committed entries: two nodes reporting the same config_index at or
//     below their own commit index report the same configuration (that index
//     is committed, so it holds one entry, and one entry defines one
//     configuration), across releases too;
//  2. uncommitted entries: two nodes reporting the same config_index with the
//     same entry there (term and digest) report the same configuration; once
//     some node commits that index holding that entry, the configuration
//     joins the committed ones of (1);
//  3. no stale configuration: a node that applied index A (or holds a
//     snapshot through A) reports a config_index at least k, where k is the
//     highest committed configuration entry at or below A known so far. Its
//     log or snapshot holds entry k, and a configuration takes effect no
//     later than when applied (on append in every release here), so only a
//     later configuration entry may replace it. After a snapshot install at S
//     with the leader's configuration C (index <= S), (1) and (3) together
//     make the installing node report C, or a later configuration its kept
//     log holds.
// Each violation is reported once per (node, index); at most kMaxReports.
#ifndef RAFTLOG_MATRIX_CHECK_CONFIG_AGREEMENT_H_
#define RAFTLOG_MATRIX_CHECK_CONFIG_AGREEMENT_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "matrix/check/checker.h"

namespace raftlog::check {

class ConfigAgreement : public Checker {
 public:
  static constexpr int kMaxReports = 16;
  static constexpr size_t kMaxPending = 4096;

  ConfigAgreement() : Checker("config_agreement") {}
  void OnStep(const NodeStep& step) override;
  void OnCrash(uint64_t time_us, api::NodeId id) override { nodes_.erase(id); }
  size_t committed_configs() const { return committed_.size(); }

 private:
  struct Known {
    api::Config config;
    api::NodeId node = 0;
    std::string tag;
    uint64_t time_us = 0;
  };
  struct Seen {  // a node's last step, to skip steps that change nothing here
    uint64_t config_index = 0, commit = 0, reach = 0;
    size_t committed_known = 0;
    api::Config config;
  };
  void Promote(const NodeStep& step, uint64_t from, uint64_t to);
  void RecordCommitted(uint64_t index, const Known& k, const NodeStep& step);
  void RecordPending(uint64_t index, const api::EntryId& entry, const Known& k,
                     const NodeStep& step);
  void CheckNotStale(const NodeStep& step);
  void ReportOnce(const NodeStep& step, uint64_t index, std::string message);

  std::map<uint64_t, Known> committed_;  // by config entry index
  std::map<uint64_t, std::vector<std::pair<api::EntryId, Known>>> pending_;
  std::map<api::NodeId, Seen> nodes_;
  std::set<std::pair<api::NodeId, uint64_t>> reported_;
  int reports_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_CONFIG_AGREEMENT_H_
