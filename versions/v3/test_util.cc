#include "versions/v3/test_util.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "versions/v1/adapter/adapter.h"
#include "versions/v2/adapter/adapter.h"
#include "versions/v3/adapter/adapter.h"

namespace raftlog::v3::testing {

namespace {
api::Request Make(uint64_t client, uint64_t seq, api::Op op) {
  api::Request r;
  r.client_id = client;
  r.sequence = seq;
  r.op = op;
  return r;
}
}  // namespace

api::Request Put(uint64_t client, uint64_t seq, const std::string& key, const std::string& value) {
  api::Request r = Make(client, seq, api::Op::kPut);
  r.key = key;
  r.value = value;
  return r;
}

api::Request Append(uint64_t client, uint64_t seq, const std::string& key,
                    const std::string& value) {
  api::Request r = Make(client, seq, api::Op::kAppend);
  r.key = key;
  r.value = value;
  return r;
}

api::Request Get(uint64_t client, uint64_t seq, const std::string& key) {
  api::Request r = Make(client, seq, api::Op::kGet);
  r.key = key;
  return r;
}

api::Request AddVoter(uint64_t client, uint64_t seq, api::NodeId target) {
  api::Request r = Make(client, seq, api::Op::kAddVoter);
  r.target = target;
  return r;
}

api::Request RemoveVoter(uint64_t client, uint64_t seq, api::NodeId target) {
  api::Request r = Make(client, seq, api::Op::kRemoveVoter);
  r.target = target;
  return r;
}

api::Request AddLearner(uint64_t client, uint64_t seq, api::NodeId target) {
  api::Request r = Make(client, seq, api::Op::kAddLearner);
  r.target = target;
  return r;
}

api::Request PromoteLearner(uint64_t client, uint64_t seq, api::NodeId target) {
  api::Request r = Make(client, seq, api::Op::kPromoteLearner);
  r.target = target;
  return r;
}

api::Request Finalize(uint64_t client, uint64_t seq, uint32_t version) {
  api::Request r = Make(client, seq, api::Op::kFinalize);
  r.version = version;
  return r;
}

api::Request Downgrade(uint64_t client, uint64_t seq, uint32_t version) {
  api::Request r = Make(client, seq, api::Op::kDowngrade);
  r.version = version;
  return r;
}

api::Request Compact(uint64_t client, uint64_t seq) {
  return Make(client, seq, api::Op::kCompact);
}

api::NodeOptions TestNodeOptions(uint64_t snapshot_threshold) {
  api::NodeOptions o;
  o.election_ticks = 10;
  o.heartbeat_ticks = 1;
  o.snapshot_threshold = snapshot_threshold;
  o.cluster_key = kTestClusterKey;
  return o;
}

api::Pump MakePump(const std::vector<api::NodeId>& ids, uint64_t seed,
                   const api::NodeOptions& node) {
  api::Pump::Options o;
  o.ids = ids;
  o.seed = seed;
  o.node = node;
  api::ReleaseInfo info = adapter::Release();
  return api::Pump(info.make_node, o);
}

api::Pump MakeMixedPump(const std::vector<api::NodeId>& ids, uint64_t seed,
                        std::shared_ptr<MixedReleases> releases, const api::NodeOptions& node) {
  api::Pump::Options o;
  o.ids = ids;
  o.seed = seed;
  o.node = node;
  auto make = [releases](const api::NodeOptions& options) -> std::unique_ptr<api::Node> {
    api::NodeOptions opts = options;
    auto ticks = releases->election_ticks.find(opts.id);
    if (ticks != releases->election_ticks.end()) opts.election_ticks = ticks->second;
    auto rel = releases->release.find(opts.id);
    if (rel != releases->release.end() && rel->second == "v1") {
      return v1::adapter::Release().make_node(opts);
    }
    if (rel != releases->release.end() && rel->second == "v2") {
      return v2::adapter::Release().make_node(opts);
    }
    return adapter::Release().make_node(opts);
  };
  return api::Pump(make, o);
}

wire::v3::Entry VersionEntry(uint64_t index, uint64_t term, uint32_t version, bool downgrade) {
  wire::v3::ClusterVersionChange cv;
  cv.set_version(version);
  cv.set_previous(version > 1 ? version - 1 : 2);
  cv.set_downgrade(downgrade);
  wire::v3::Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_type(wire::v3::ENTRY_TYPE_CLUSTER_VERSION);
  e.set_data(cv.SerializeAsString());
  return e;
}

wire::v3::Entry ConfigEntry(uint64_t index, uint64_t term, const std::vector<uint64_t>& voters) {
  wire::v3::ConfigChange cc;
  cc.set_type(wire::v3::CONFIG_CHANGE_TYPE_BOOTSTRAP);
  for (uint64_t v : voters) cc.add_voters(v);
  wire::v3::Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_type(wire::v3::ENTRY_TYPE_CONFIG);
  e.set_data(cc.SerializeAsString());
  return e;
}

wire::v3::Entry CommandEntry(uint64_t index, uint64_t term, const std::string& key,
                             const std::string& value) {
  wire::v3::Command c;
  c.set_op(wire::v3::COMMAND_OP_PUT);
  c.set_key(key);
  c.set_value(value);
  wire::v3::Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_type(wire::v3::ENTRY_TYPE_COMMAND);
  e.set_data(c.SerializeAsString());
  return e;
}

absl::Status WriteDataDir(api::FileSystem* fs, const HardState& hs,
                          const std::vector<wire::v3::Entry>& entries) {
  Storage s(fs);
  absl::StatusOr<Recovered> r = s.Open();
  if (!r.ok()) return r.status();
  if (!r->empty) return absl::FailedPreconditionError("data directory not empty");
  if (absl::Status st = s.Append(entries); !st.ok()) return st;
  return s.SaveHardState(hs);
}

std::vector<wire::v3::Entry> LogWithTerms(const std::vector<uint64_t>& voters,
                                          const std::vector<uint64_t>& terms) {
  std::vector<wire::v3::Entry> out = {ConfigEntry(1, 1, voters)};
  for (size_t i = 0; i < terms.size(); ++i) {
    uint64_t index = i + 2;
    out.push_back(CommandEntry(index, terms[i], absl::StrCat("k", index),
                               absl::StrCat("t", terms[i])));
  }
  return out;
}

}  // namespace raftlog::v3::testing
