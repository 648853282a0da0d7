#include "matrix/runner/coverage.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftlog::runner {

namespace {

using Table = std::vector<FeaturePath>;

Table Concat(Table a, const Table& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// v1 (frozen): versions/v1/raft.cc and node.cc.
const Table& V1() {
  static const Table* t = new Table{
      {"elections_started", "an election timer fired and the node stood for leader"},
      {"became_leader", "a candidate won an election"},
      {"stale_term_messages", "a message from an older term was answered with the newer term"},
      {"not_leader_replies", "a node that is not the leader redirected a client"},
      {"duplicate_requests", "a retried client request was answered from the session table, "
                             "not applied twice"},
      {"config_changes_applied", "a membership change was applied"},
      {"compactions", "the log was compacted into a snapshot"},
      {"snapshots_sent", "a leader sent a snapshot to a follower behind its compacted log"},
      {"snapshots_installed", "a follower installed a leader's snapshot"},
      {"torn_tail_truncations", "recovery cut a torn write off the log's tail"},
  };
  return *t;
}

// v2 (frozen) adds the cluster version, pre-vote, check-quorum, leader
// leases and admission control: versions/v2/raft.h.
const Table& V2() {
  static const Table* t = new Table(Concat(
      V1(),
      {
          {"pre_votes_started", "a node ran a pre-vote before standing for leader"},
          {"check_quorum_step_downs", "a leader out of touch with a quorum stepped down"},
          {"votes_ignored_in_lease", "a vote request was ignored while a leader's lease held"},
          {"cluster_version_changes", "the cluster version changed (finalize or downgrade)"},
          {"overloaded_replies", "admission control answered a request as overloaded"},
      }));
  return *t;
}

// v3 (head) adds ReadIndex and stale reads, authentication, joint consensus,
// learners, snapshot format 3 and the downgrade procedure: versions/v3/raft.h
// and RELEASE.md ("Feature counters").
const Table& V3() {
  static const Table* t = new Table(Concat(
      V2(),
      {
          // versions/v3/RELEASE.md names admission_rejections,
          // read_index_served and stale_reads_served as features of the
          // counters overloaded_replies, read_index_reads and stale_reads.
          {"read_index_reads", "a leader answered a Get by ReadIndex, without a log entry"},
          {"stale_reads", "a node answered a Get with stale_read_ok from its applied state"},
          {"auth_failures", "a peer message failed authentication and was dropped"},
          {"auth_drops_forged", "a dropped peer message carried a MAC that did not verify"},
          {"auth_drops_unauthenticated",
           "a dropped peer message carried no MAC where one is required (cluster version 3)"},
          {"auth_drops_older_version",
           "a dropped message claimed a protocol version below the committed cluster version"},
          {"snapshot_installs_format_1", "a follower installed a format 1 snapshot"},
          {"snapshot_installs_format_2", "a follower installed a format 2 snapshot"},
          {"snapshot_installs_format_3", "a follower installed a format 3 snapshot"},
          {"chunked_installs_completed",
           "a follower installed a snapshot assembled from InstallSnapshotChunk messages"},
          {"learners_added", "a leader appended an ADD_LEARNER configuration entry"},
          {"learners_promoted", "a leader appended a PROMOTE_LEARNER configuration entry"},
          {"joint_entered", "a leader appended ENTER_JOINT (joint consensus, cluster version 3)"},
          {"joint_left", "a leader appended LEAVE_JOINT once the joint configuration committed"},
          {"finalize_applied", "a node applied a cluster-version entry that raised its version"},
          {"downgrade_rewrites", "after a downgrade entry a node rewrote its data for the lower "
                                 "release"},
      }));
  return *t;
}

struct Entry {
  const char* tag;
  const Table& (*table)();
};
constexpr Entry kTables[] = {{"v1", &V1}, {"v2", &V2}, {"v3", &V3}};

// Position of a tag's base in kTables (unknown tags after every known one).
size_t Rank(absl::string_view tag) {
  const std::string base = BaseTag(tag);
  for (size_t i = 0; i < std::size(kTables); ++i) {
    if (base == kTables[i].tag) return i;
  }
  return std::size(kTables);
}

void SortOldestFirst(std::vector<std::string>& tags) {
  std::stable_sort(tags.begin(), tags.end(), [](const std::string& a, const std::string& b) {
    const size_t ra = Rank(a), rb = Rank(b);
    return ra != rb ? ra < rb : a < b;
  });
}

ReleaseCoverage Coverage(const std::string& tag, const CountersByRelease& counters) {
  ReleaseCoverage rc;
  rc.tag = tag;
  const Table* table = FeaturePathsOf(tag);
  rc.has_table = table != nullptr;
  if (table == nullptr) return rc;
  auto it = counters.find(tag);
  for (const FeaturePath& p : *table) {
    uint64_t n = 0;
    if (it != counters.end()) {
      auto c = it->second.find(p.counter);
      if (c != it->second.end()) n = c->second;
    }
    rc.paths.emplace_back(p, n);
  }
  return rc;
}

}  // namespace

std::string BaseTag(absl::string_view tag) {
  return std::string(tag.substr(0, tag.find('+')));
}

const std::vector<FeaturePath>* FeaturePathsOf(absl::string_view tag) {
  const std::string base = BaseTag(tag);
  for (const Entry& e : kTables) {
    if (base == e.tag) return &e.table();
  }
  return nullptr;
}

std::vector<std::string> TagsWithFeaturePaths() {
  std::vector<std::string> out;
  for (const Entry& e : kTables) out.push_back(e.tag);
  return out;
}

size_t ReleaseCoverage::exercised() const {
  return std::count_if(paths.begin(), paths.end(), [](const auto& p) { return p.second > 0; });
}

std::vector<FeaturePath> ReleaseCoverage::unexercised() const {
  std::vector<FeaturePath> out;
  for (const auto& [p, n] : paths) {
    if (n == 0) out.push_back(p);
  }
  return out;
}

std::vector<ReleaseCoverage> CellCoverage(const CellKey& key, const CountersByRelease& counters) {
  std::set<std::string> seen{key.from, key.to};
  for (const auto& [tag, unused] : counters) seen.insert(tag);
  std::vector<std::string> tags(seen.begin(), seen.end());
  SortOldestFirst(tags);
  std::vector<ReleaseCoverage> out;
  for (const std::string& t : tags) out.push_back(Coverage(t, counters));
  return out;
}

size_t RunCoverage::paths() const {
  size_t n = 0;
  for (const ReleaseCoverage& r : releases) n += r.paths.size();
  return n;
}

size_t RunCoverage::exercised() const {
  size_t n = 0;
  for (const ReleaseCoverage& r : releases) n += r.exercised();
  return n;
}

bool RunCoverage::complete() const { return Gaps().empty(); }

std::vector<std::string> RunCoverage::Gaps() const {
  std::vector<std::string> out;
  for (const ReleaseCoverage& r : releases) {
    if (!r.has_table) {
      out.push_back(absl::StrCat(r.tag, ": no feature-path table (add one in "
                                        "matrix/runner/coverage.cc)"));
    }
    for (const FeaturePath& p : r.unexercised()) {
      out.push_back(absl::StrCat(r.tag, " ", p.counter, ": ", p.meaning));
    }
  }
  return out;
}

std::string RunCoverage::Line() const {
  std::vector<std::string> per_release, missing;
  for (const ReleaseCoverage& r : releases) {
    per_release.push_back(r.has_table ? absl::StrCat(r.tag, " ", r.exercised(), "/", r.paths.size())
                                      : absl::StrCat(r.tag, " (no table)"));
    for (const FeaturePath& p : r.unexercised()) missing.push_back(absl::StrCat(r.tag, " ", p.counter));
  }
  std::string line = absl::StrCat("feature paths exercised: ", absl::StrJoin(per_release, ", "));
  if (missing.empty()) {
    absl::StrAppend(&line, complete() ? "; every path exercised" : "");
  } else {
    absl::StrAppend(&line, "; never exercised: ", absl::StrJoin(missing, ", "));
  }
  return line;
}

RunCoverage SummarizeCoverage(const MatrixResult& m) {
  std::set<std::string> seen;
  for (const auto& [a, b] : m.pairs) {
    seen.insert(a);
    seen.insert(b);
  }
  std::vector<std::string> tags(seen.begin(), seen.end());
  SortOldestFirst(tags);
  CountersByRelease total;
  for (const CellResult& c : m.cells) {
    for (const auto& [tag, counters] : c.telemetry.counters_by_release) {
      for (const auto& [name, n] : counters) total[tag][name] += n;
    }
  }
  RunCoverage rc;
  for (const std::string& t : tags) rc.releases.push_back(Coverage(t, total));
  return rc;
}

}  // namespace raftlog::runner
