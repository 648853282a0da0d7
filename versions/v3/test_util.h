// Helpers shared by v3's tests: requests, a pump over the v3 adapter (or over
// a mix of v1, v2 and v3 nodes), and data directories built through v3's own
// Storage.
#ifndef RAFTLOG_VERSIONS_V3_TEST_UTIL_H_
#define RAFTLOG_VERSIONS_V3_TEST_UTIL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/storage.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3::testing {

api::Request Put(uint64_t client, uint64_t seq, const std::string& key, const std::string& value);
api::Request Append(uint64_t client, uint64_t seq, const std::string& key,
                    const std::string& value);
api::Request Get(uint64_t client, uint64_t seq, const std::string& key);
api::Request AddVoter(uint64_t client, uint64_t seq, api::NodeId target);
api::Request RemoveVoter(uint64_t client, uint64_t seq, api::NodeId target);
api::Request AddLearner(uint64_t client, uint64_t seq, api::NodeId target);
api::Request PromoteLearner(uint64_t client, uint64_t seq, api::NodeId target);
api::Request Finalize(uint64_t client, uint64_t seq, uint32_t version = 0);
api::Request Downgrade(uint64_t client, uint64_t seq, uint32_t version);
api::Request Compact(uint64_t client, uint64_t seq);

// The cluster key TestNodeOptions gives every node (cluster version 3
// authenticates peer messages with it).
inline constexpr char kTestClusterKey[] = "v3-test-cluster-key";

// Node options used by tests: election 10 ticks, heartbeat 1, kTestClusterKey.
api::NodeOptions TestNodeOptions(uint64_t snapshot_threshold = 1000);

// A pump over release v3.
api::Pump MakePump(const std::vector<api::NodeId>& ids, uint64_t seed,
                   const api::NodeOptions& node = TestNodeOptions());

// Which release each node of a mixed pump runs ("v1", "v2" or "v3"; absent:
// v3),
// and per-node overrides of the election timeout (to choose who leads).
// Changing `release` and then Pump::Crash + Pump::Restart (or StartNode)
// upgrades or rolls back that node on its own data directory.
struct MixedReleases {
  std::map<api::NodeId, std::string> release;
  std::map<api::NodeId, int> election_ticks;
};

// A pump whose nodes are built through //versions/v1/adapter,
// //versions/v2/adapter or //versions/v3/adapter as `releases` says at the
// time each node starts.
api::Pump MakeMixedPump(const std::vector<api::NodeId>& ids, uint64_t seed,
                        std::shared_ptr<MixedReleases> releases,
                        const api::NodeOptions& node = TestNodeOptions());

// Entry builders.
wire::v3::Entry ConfigEntry(uint64_t index, uint64_t term, const std::vector<uint64_t>& voters);
wire::v3::Entry CommandEntry(uint64_t index, uint64_t term, const std::string& key,
                             const std::string& value);

// Writes a data directory: hard state and a log (entry 1 must be the config).
absl::Status WriteDataDir(api::FileSystem* fs, const HardState& hs,
                          const std::vector<wire::v3::Entry>& entries);

// A CLUSTER_VERSION entry.
wire::v3::Entry VersionEntry(uint64_t index, uint64_t term, uint32_t version,
                             bool downgrade = false);

// A log with entry 1 = config(voters) at term 1, then one command per term in
// `terms` (index 2, 3, ...), key "k<index>" value "t<term>".
std::vector<wire::v3::Entry> LogWithTerms(const std::vector<uint64_t>& voters,
                                          const std::vector<uint64_t>& terms);

}  // namespace raftlog::v3::testing

#endif  // RAFTLOG_VERSIONS_V3_TEST_UTIL_H_
