// Feature coverage: which of each release's feature paths a matrix run
// exercised, as a figure rather than a hope.
//
// A feature path is a counter a release exposes through Node::Counters()
// (versions/api/node.h) that moves when the release takes the code path of
// one of its features: an election, a snapshot sent or installed, a joint
// configuration entered, a forged message dropped, a stale read served. Each
// release has its table (FeaturePathsOf), read from the counters it really
// has (versions/vN/raft.h, raft.cc, node.cc; v3's are listed in
// versions/v3/RELEASE.md under "Feature counters"). A run exercises a path of
// release R when some node running R counted it at least once, in any cell
// and seed (the driver keeps counters per release tag, so in a v2->v3 cell a
// v2 node's election is not credited to v3). A path no cell exercised is a
// feature the matrix never tested: a defect there would pass green.
//
// Counters that move only on a peer's defect or on corrupt data
// (committed_overwrite_refused, second_leader_in_term,
// unknown_snapshot_formats, decode_errors, unknown_message_types) are not
// feature paths: a healthy run must not need them.
#ifndef RAFTLOG_MATRIX_RUNNER_COVERAGE_H_
#define RAFTLOG_MATRIX_RUNNER_COVERAGE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "matrix/runner/matrix.h"

namespace raftlog::runner {

struct FeaturePath {
  std::string counter;  // the Counters() name, e.g. "joint_entered"
  std::string meaning;  // what moving it means, for the report
};

// "v3+stale_read" -> "v3" (a canary release uses its base's table); a plain
// tag is its own base.
std::string BaseTag(absl::string_view tag);

// The feature paths of `tag` (of its base for a canary), in table order;
// null for a tag without a table (a newly cut release: add its table).
const std::vector<FeaturePath>* FeaturePathsOf(absl::string_view tag);

// The tags that have a table, oldest first.
std::vector<std::string> TagsWithFeaturePaths();

// Release counters per release tag (RunResult::release_counters_by_tag,
// summed over seeds in Telemetry::counters_by_release).
using CountersByRelease = std::map<std::string, std::map<std::string, uint64_t>>;

// One release's paths in one cell or one run.
struct ReleaseCoverage {
  std::string tag;
  bool has_table = false;
  // Every path of the table with its count (0: not exercised), table order.
  std::vector<std::pair<FeaturePath, uint64_t>> paths;
  size_t exercised() const;
  std::vector<FeaturePath> unexercised() const;
};

// The releases a cell ran (its from and to tags, and any other tag a node
// ran there, e.g. the intermediate hop of multi_hop), oldest first, each
// with its path counts in `counters`.
std::vector<ReleaseCoverage> CellCoverage(const CellKey& key, const CountersByRelease& counters);

// The run: every release of the run's pairs, with the counts summed over
// every cell.
struct RunCoverage {
  std::vector<ReleaseCoverage> releases;  // oldest first
  size_t paths() const;
  size_t exercised() const;
  // Every path of every release of the run that no cell exercised, and every
  // release without a table.
  bool complete() const;
  // "feature paths exercised: v1 10/10, v2 15/15, v3 21/31; never exercised:
  // v3 joint_entered, v3 joint_left, ..." (or "...; every path exercised").
  std::string Line() const;
  // One line per unexercised path: "v3 joint_entered: a joint configuration
  // ... took effect"; one per release without a table.
  std::vector<std::string> Gaps() const;
};
RunCoverage SummarizeCoverage(const MatrixResult& m);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_COVERAGE_H_
