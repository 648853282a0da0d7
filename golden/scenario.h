// The seeded run that produces a release's golden artifacts: a small cluster
// of that release on the test pump (versions/api/pump.h), driven only through
// the harness ABI, to a fixed state.
//
// Scenario 1 (the steps, in order; every step must succeed or the run fails):
//  - nodes 1, 2, 3 bootstrap; an election;
//  - clients 101, 102, 103 (sessions) put, append, cas (one that swaps, one
//    that does not), get (found and not), delete, binary and multi-line
//    values, and one retried request answered from its session;
//  - compaction on the leader (Op::kCompact);
//  - node 4 joins empty and is added as a voter (a config change); being
//    behind the leader's first index it receives InstallSnapshot;
//  - more client operations; compaction on the leader again: the snapshot
//    golden (it holds the new configuration and every session);
//  - a few more operations, so the log on disk holds entries past the snapshot.
// Then, only when the release declares a snapshot format it has not written
// or a message type it has not sent by now: Op::kFinalize (raise the cluster
// version), a follower cut off while the leader writes and compacts and then
// healed (a snapshot install at the new cluster version), and a forced
// election (the leader cut off, then healed). A release for which none of
// this is needed never runs it, so earlier releases' runs stay the same.
// Anything still missing is an error naming it.
//
// Artifacts: every snapshot format the release wrote (the last file of each,
// copied from the node's MemFileSystem), one message of every MessageType its
// schema declares (per Outbound::type and type value, the sample touching the
// most schema paths, then the smallest, then the earliest; only delivered
// messages are seen), and the leader's log segments
// and hard state at the end.
//
// A scenario number is frozen once a released tag's goldens use it (the
// MANIFEST records it): change the steps by adding scenario 2, never by
// editing scenario 1.
#ifndef RAFTLOG_GOLDEN_SCENARIO_H_
#define RAFTLOG_GOLDEN_SCENARIO_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "versions/api/node.h"

namespace raftlog::golden {

inline constexpr uint32_t kLatestScenario = 1;
inline constexpr uint64_t kDefaultSeed = 20261125;

struct ScenarioOptions {
  uint32_t scenario = kLatestScenario;
  uint64_t seed = kDefaultSeed;
};

// One binary artifact. Formats as in manifest.h.
struct Artifact {
  std::string name;
  std::string format;
  std::string bytes;
  std::map<std::string, std::string> attrs;
};

struct ScenarioRun {
  std::vector<Artifact> artifacts;
  std::vector<std::string> steps;  // what happened, in order (for --verbose)
};

// kInvalidArgument for an unknown scenario number; kInternal naming the step
// when a step does not go as the scenario requires; kFailedPrecondition when
// the release declares a format or message type the run did not produce.
// `steps`, when given, receives the run's log even when it fails.
absl::StatusOr<ScenarioRun> RunScenario(const api::ReleaseInfo& release,
                                        const ScenarioOptions& options,
                                        std::vector<std::string>* steps = nullptr);

// A file-name-safe form of an Outbound::type ("AppendEntries").
std::string SafeName(const std::string& s);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_SCENARIO_H_
