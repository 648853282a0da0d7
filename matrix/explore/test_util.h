// Shared by the explorer's tests: bounds by name, reading test data, the
// default bounded runs.
#ifndef RAFTLOG_MATRIX_EXPLORE_TEST_UTIL_H_
#define RAFTLOG_MATRIX_EXPLORE_TEST_UTIL_H_

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "matrix/explore/recording.h"
#include "matrix/explore/search.h"
#include "matrix/explore/walk.h"

namespace raftlog::explore::testing {

// Bounds with every budget zero except what the caller sets.
inline Bounds Tight(std::vector<std::string> tags, int depth) {
  Bounds b;
  b.tags = std::move(tags);
  b.depth = depth;
  b.timeouts = b.heartbeats = b.crashes = b.drops = b.duplicates = 0;
  b.client_ops = b.membership = b.upgrades = b.finalizes = 0;
  return b;
}

// A file under matrix/explore/testdata (a data dependency of the test).
inline Recording ReadTestRecording(const std::string& name) {
  std::ifstream in("matrix/explore/testdata/" + name);
  if (!in) ADD_FAILURE() << "cannot read testdata/" << name << " (a data dependency?)";
  std::stringstream ss;
  ss << in.rdbuf();
  absl::StatusOr<Recording> r = ParseRecording(ss.str());
  if (!r.ok()) ADD_FAILURE() << name << ": " << r.status();
  return r.ok() ? *r : Recording{};
}

struct FileReplay {
  Recording recording;  // as read back from its text
  ReplayResult result;
};

// `path` as a recorded file read back (text round trip) and replayed with a
// full trace; a failure is a test failure and nullopt.
inline std::optional<FileReplay> ReplayThroughAFile(const Bounds& b,
                                                    const std::vector<Choice>& path) {
  Recording rec;
  rec.tags = b.tags;
  rec.voters = b.voters;
  rec.election_ticks = b.election_ticks;
  rec.choices = path;
  absl::StatusOr<Recording> back = ParseRecording(FormatRecording(rec));
  if (!back.ok()) {
    ADD_FAILURE() << back.status();
    return std::nullopt;
  }
  absl::StatusOr<ReplayResult> replay = Replay(*back, /*trace=*/true);
  if (!replay.ok()) {
    ADD_FAILURE() << replay.status();
    return std::nullopt;
  }
  return FileReplay{*std::move(back), *std::move(replay)};
}

// Search options that start from a recorded opening (a file under
// matrix/explore/testdata): its voters and election timeout, its choices as
// the prefix; `tags` replaces the file's tags when given. Every budget is
// zero (the caller grants what the opening spends, plus what the search may).
inline SearchOptions FromOpening(const std::string& name, int depth,
                                 std::vector<std::string> tags = {}) {
  Recording opening = ReadTestRecording(name);
  SearchOptions o;
  o.bounds = Tight(tags.empty() ? opening.tags : std::move(tags), depth);
  o.bounds.voters = opening.voters;
  o.bounds.election_ticks = opening.election_ticks;
  o.prefix = opening.choices;
  return o;
}

// The default bounded runs of runs_test; canaries_test runs the same bounds
// on the known-bad variants.

// Two voters and a joining third node: elect, two single-server changes (add
// it, remove one, or both), replicate them, with a crash anywhere. Two
// changes, because the defects live in the second change while the first is
// in flight (canaries_test finds v2+reconfig with these very bounds).
inline SearchOptions Membership(const std::string& tag) {
  SearchOptions o;
  o.bounds = Tight({tag, tag, tag}, 10);
  o.bounds.voters = 2;
  o.bounds.timeouts = 2;
  o.bounds.heartbeats = 1;
  o.bounds.membership = 2;
  o.bounds.crashes = 1;
  o.max_transitions = 400'000;
  return o;
}

// Joint consensus on v3: from a settled cluster at cluster version 3 (n1
// leads voters {1,2,3}; n4 runs, no member), one joint change (adding n4,
// removing a voter, or replacing one by n4), its replication, a crash, an
// election. The opening is scripted: reaching cluster version 3 takes 20
// choices, out of reach of an exhaustive search.
inline SearchOptions Joint(const std::string& tag) {
  SearchOptions o = FromOpening("v3_cv3_opening.txt", 5, {tag, tag, tag, tag});
  o.bounds.timeouts = 2;   // one spent by the opening
  o.bounds.finalizes = 1;  // spent by the opening
  o.bounds.heartbeats = 1;
  o.bounds.membership = 1;
  o.bounds.crashes = 1;
  o.max_transitions = 400'000;
  return o;
}

// Reads while leadership changes hands, on v3 at cluster version 3: n1 still
// leads term 2 and has heard nothing since, while n3 won term 3 with n2's
// vote and committed its first entry (what n3 sent n1 is in flight). Reads
// at either leader, a write, the deposed leader's read round and heartbeats,
// the messages that depose it, a crash.
inline SearchOptions TwoLeaders(const std::string& tag) {
  SearchOptions o = FromOpening("v3_two_leaders_opening.txt", 5, {tag, tag, tag});
  o.bounds.timeouts = 3;   // two spent by the opening
  o.bounds.finalizes = 1;  // spent by the opening
  o.bounds.heartbeats = 2;
  o.bounds.reads = 2;
  o.bounds.client_ops = 1;
  o.bounds.crashes = 1;
  o.max_transitions = 400'000;
  return o;
}

// Mixed releases across an upgrade and a finalize: from a settled cluster led
// by n2 (the newer release) with n1 on the older one, n1 restarting on the
// newer release is a choice, and so is finalize; the cluster version rises
// within the bounds (upgrade, heartbeat, report, finalize, replicate, commit).
inline SearchOptions Mixed(std::vector<std::string> tags) {
  SearchOptions o = FromOpening("mixed_opening.txt", 8, std::move(tags));
  o.bounds.timeouts = 2;  // one spent by the opening
  o.bounds.heartbeats = 2;
  o.bounds.upgrades = 1;
  o.bounds.finalizes = 1;
  o.max_transitions = 400'000;
  return o;
}

// The default random walks (walks_test on the good releases; walk canaries
// on the known-bad variants, with the very same options).

// Every budget the head release's features need, on one path.
inline Bounds Everything(std::vector<std::string> tags, int depth) {
  Bounds b = Tight(std::move(tags), depth);
  b.timeouts = 6;
  b.heartbeats = 4;
  b.crashes = 1;
  b.drops = 2;
  b.duplicates = 2;
  b.client_ops = 3;
  b.reads = 3;
  b.membership = 2;
  b.learners = 2;
  b.compactions = 2;
  return b;
}

// Five nodes of `tag` from a settled cluster at cluster version 3 (n1 leads
// {1,2,3}; n4 and n5 run, no members): learners join and are promoted, joint
// changes replace voters, logs are compacted and snapshots installed on the
// nodes that join, reads are served while leaders change.
inline WalkOptions FiveNodeWalks(const std::string& tag) {
  const Recording opening = ReadTestRecording("v3_cv3_opening.txt");
  WalkOptions o;
  o.bounds = Everything({tag, tag, tag, tag, tag}, 50);
  o.bounds.voters = 3;
  o.bounds.finalizes = 1;  // spent by the opening
  o.bounds.timeouts += 1;  // one spent by the opening
  o.prefix = opening.choices;
  o.walks = 16000;
  o.seed = 1;
  return o;
}

// Four nodes of `tag` from their first election, three voters and a fourth
// node that may join: elections with crashes, drops and duplicates, client
// writes and reads, membership changes (learners once finalized),
// compaction, finalize.
inline WalkOptions FromScratchWalks(const std::string& tag) {
  WalkOptions o;
  o.bounds = Everything({tag, tag, tag, tag}, 40);
  o.bounds.voters = 3;
  o.bounds.crashes = 2;
  o.bounds.finalizes = 3;  // refused until every member reported its release
  o.bounds.learners = 3;
  o.walks = 10000;
  o.seed = 2;
  return o;
}

}  // namespace raftlog::explore::testing

#endif  // RAFTLOG_MATRIX_EXPLORE_TEST_UTIL_H_
