#include "golden/scenario.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "golden/layout.h"
#include "golden/schema.h"
#include "snapshots/codec.h"
#include "snapshots/preamble.h"
#include "versions/api/pump.h"

namespace raftlog::golden {
namespace {

using api::NodeId;
using api::Op;
using api::Reply;
using api::Request;

constexpr int kMaxSteps = 400;
constexpr uint64_t kAdminClient = 900;
constexpr NodeId kJoiner = 4;

bool IsSnapshotFile(absl::string_view bytes) {
  return bytes.substr(0, snapshots::kSnapshotMagicBytes) ==
         absl::string_view(snapshots::kSnapshotMagic, snapshots::kSnapshotMagicBytes);
}

struct Sample {
  uint64_t seq = 0;
  NodeId from = 0;
  NodeId to = 0;
  std::string type;
  std::string type_value;
  size_t score = 0;
  std::string bytes;
};

class Scenario {
 public:
  Scenario(const api::ReleaseInfo& release, uint64_t seed)
      : release_(release), pump_(release.make_node, PumpOptions(seed)) {}

  absl::StatusOr<ScenarioRun> Run();
  const std::vector<std::string>& steps() const { return steps_; }

 private:
  static api::Pump::Options PumpOptions(uint64_t seed) {
    api::Pump::Options o;
    o.ids = {1, 2, 3};
    o.seed = seed;
    o.node.election_ticks = 10;
    o.node.heartbeat_ticks = 1;
    // No threshold compaction: snapshots are taken only where the scenario
    // asks, so their content is fixed.
    o.node.snapshot_threshold = uint64_t{1} << 40;
    return o;
  }

  void Note(std::string s) { steps_.push_back(std::move(s)); }
  absl::Status Fail(absl::string_view what) {
    return absl::InternalError(absl::StrCat("golden scenario for ", release_.tag, ", step ",
                                            steps_.size() + 1, ": ", what));
  }

  void Observe(const api::Pump::Envelope& e);
  absl::StatusOr<Reply> Client(uint64_t client, Op op, std::string key, std::string value = "",
                               std::string expected = "");
  absl::Status Retry(uint64_t client);
  absl::StatusOr<Reply> Admin(Op op, NodeId target, NodeId to, uint32_t version = 0);
  absl::Status Compact();
  absl::Status CaptureSnapshot(NodeId node);
  absl::Status Converge();
  absl::Status ExtraSteps();
  absl::Status CaptureDisk(NodeId node);
  std::set<uint32_t> MissingFormats() const;
  std::vector<std::string> MissingTypes() const;

  const api::ReleaseInfo& release_;
  api::Pump pump_;
  ScenarioRun run_;
  std::vector<std::string> steps_;
  uint64_t seen_ = 0;
  // By (Outbound::type, the envelope's type value): normally one value per
  // name, but a release that names two types alike must not lose one.
  std::map<std::pair<std::string, std::string>, Sample> samples_;
  std::map<uint32_t, Artifact> snapshots_;  // by format
  std::map<uint64_t, uint64_t> sequence_;   // per client
  std::map<uint64_t, std::pair<Request, Reply>> last_;
};

void Scenario::Observe(const api::Pump::Envelope& e) {
  Sample s;
  s.seq = ++seen_;
  s.from = e.from;
  s.to = e.to;
  s.type = e.type;
  s.bytes = e.bytes;
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> m =
      ParseWire(release_.tag, "Message", e.bytes);
  if (m.ok()) {
    s.type_value = TypeValueName(**m);
    s.score = FieldPaths(**m).size();
  }
  const std::pair<std::string, std::string> key(e.type, s.type_value);
  auto it = samples_.find(key);
  if (it == samples_.end()) {
    samples_.emplace(key, std::move(s));
    return;
  }
  const Sample& best = it->second;
  if (s.score > best.score || (s.score == best.score && s.bytes.size() < best.bytes.size())) {
    it->second = std::move(s);
  }
}

absl::StatusOr<Reply> Scenario::Client(uint64_t client, Op op, std::string key,
                                       std::string value, std::string expected) {
  Request r;
  r.client_id = client;
  r.sequence = ++sequence_[client];
  r.op = op;
  r.key = std::move(key);
  r.value = std::move(value);
  r.expected = std::move(expected);
  const std::string what =
      absl::StrCat("client ", client, " seq ", r.sequence, " ", api::OpName(op), " \"",
                   absl::CEscape(r.key), "\"");
  std::optional<Reply> reply = pump_.SubmitToLeader(r, kMaxSteps);
  if (!reply.has_value()) return Fail(absl::StrCat(what, ": no reply"));
  if (!reply->status.ok()) return Fail(absl::StrCat(what, ": ", reply->status.ToString()));
  Note(absl::StrCat(what, " -> index ", reply->index, op == Op::kGet ? (reply->found ? " found" : " absent") : "",
                    op == Op::kCas ? (reply->succeeded ? " swapped" : " not swapped") : ""));
  last_[client] = {r, *reply};
  return *reply;
}

absl::Status Scenario::Retry(uint64_t client) {
  auto it = last_.find(client);
  if (it == last_.end()) return Fail(absl::StrCat("client ", client, " has nothing to retry"));
  const auto& [request, first] = it->second;
  std::optional<Reply> reply = pump_.SubmitToLeader(request, kMaxSteps);
  const std::string what =
      absl::StrCat("client ", client, " retries seq ", request.sequence);
  if (!reply.has_value() || !reply->status.ok()) return Fail(absl::StrCat(what, ": no ok reply"));
  if (reply->index != first.index) {
    return Fail(absl::StrCat(what, ": answered at index ", reply->index, ", first at ",
                             first.index, " (applied twice?)"));
  }
  Note(absl::StrCat(what, " -> answered from the session, index ", reply->index));
  return absl::OkStatus();
}

absl::StatusOr<Reply> Scenario::Admin(Op op, NodeId target, NodeId to, uint32_t version) {
  Request r;
  r.client_id = kAdminClient;
  r.sequence = ++sequence_[kAdminClient];
  r.op = op;
  r.target = target;
  r.version = version;
  std::optional<Reply> reply =
      to == 0 ? pump_.SubmitToLeader(r, kMaxSteps) : pump_.Submit(to, r, kMaxSteps);
  const std::string what = absl::StrCat(api::OpName(op), target != 0 ? absl::StrCat(" ", target) : "",
                                        to != 0 ? absl::StrCat(" on node ", to) : "");
  if (!reply.has_value()) return Fail(absl::StrCat(what, ": no reply"));
  Note(absl::StrCat(what, " -> ", reply->status.ok() ? "ok" : reply->status.ToString(),
                    " index ", reply->index));
  return *reply;
}

absl::Status Scenario::Converge() {
  for (int i = 0; i < kMaxSteps; ++i) {
    const NodeId leader = pump_.Leader();
    if (leader != 0) {
      const uint64_t commit = pump_.node(leader)->State().commit_index;
      bool all = true;
      for (NodeId id : pump_.ids()) {
        api::Node* n = pump_.node(id);
        if (n != nullptr && n->State().applied_index < commit) all = false;
      }
      if (all) return absl::OkStatus();
    }
    pump_.Step();
  }
  return Fail("the cluster did not converge");
}

absl::Status Scenario::Compact() {
  const NodeId leader = pump_.RunUntilLeader(kMaxSteps);
  if (leader == 0) return Fail("no leader to compact");
  absl::StatusOr<Reply> reply = Admin(Op::kCompact, 0, leader);
  if (!reply.ok()) return reply.status();
  if (!reply->status.ok()) return Fail(absl::StrCat("compaction: ", reply->status.ToString()));
  return CaptureSnapshot(leader);
}

absl::Status Scenario::CaptureSnapshot(NodeId node) {
  api::MemFileSystem& fs = pump_.env(node)->fs;
  absl::StatusOr<std::vector<std::string>> names = fs.List("");
  if (!names.ok()) return names.status();
  std::optional<std::pair<std::string, std::string>> newest;
  uint64_t newest_index = 0;
  for (const std::string& name : *names) {
    absl::StatusOr<std::string> bytes = fs.Read(name);
    if (!bytes.ok() || !IsSnapshotFile(*bytes)) continue;
    absl::StatusOr<snapshots::SnapshotState> state = snapshots::DecodeAny(*bytes);
    const uint64_t index = state.ok() ? state->last_index : 0;
    if (!newest.has_value() || index >= newest_index) {
      newest = {name, *bytes};
      newest_index = index;
    }
  }
  if (!newest.has_value()) return Fail(absl::StrCat("node ", node, " holds no snapshot file"));
  const api::ProtocolState st = pump_.node(node)->State();
  absl::StatusOr<uint32_t> format = snapshots::PeekFormat(newest->second);
  if (!format.ok()) return Fail(absl::StrCat(newest->first, ": ", format.status().ToString()));
  if (*format != st.snapshot_format || st.snapshot_index != st.applied_index) {
    return Fail(absl::StrCat("node ", node, " reports snapshot format ", st.snapshot_format,
                             " at index ", st.snapshot_index, " applied ", st.applied_index,
                             "; the file ", newest->first, " has format ", *format));
  }
  Artifact a;
  a.name = absl::StrCat("snapshot-format", *format, ".bin");
  a.format = absl::StrCat("snapshot/", *format);
  a.bytes = newest->second;
  a.attrs["source"] = newest->first;
  a.attrs["node"] = absl::StrCat(node);
  a.attrs["last_index"] = absl::StrCat(st.snapshot_index);
  a.attrs["last_term"] = absl::StrCat(st.snapshot_term);
  a.attrs["kv_digest"] = absl::StrCat(st.kv_digest);
  a.attrs["voters"] = absl::StrJoin(st.config.voters, ",");
  a.attrs["config_index"] = absl::StrCat(st.config_index);
  Note(absl::StrCat("snapshot ", newest->first, " of node ", node, ": format ", *format,
                    ", index ", st.snapshot_index, ", ", a.bytes.size(), " bytes"));
  snapshots_[*format] = std::move(a);
  return absl::OkStatus();
}

std::set<uint32_t> Scenario::MissingFormats() const {
  std::set<uint32_t> missing;
  for (uint32_t f : release_.snapshot_formats_written) {
    if (!snapshots_.count(f)) missing.insert(f);
  }
  return missing;
}

std::vector<std::string> Scenario::MissingTypes() const {
  std::set<std::string> seen;
  for (const auto& [type, s] : samples_) seen.insert(s.type_value);
  std::vector<std::string> missing;
  for (const std::string& v : MessageTypeValues(release_.tag)) {
    if (!seen.count(v)) missing.push_back(v);
  }
  return missing;
}

// Steps run only when the main ones left something the release declares
// unproduced (see scenario.h): a release that needs none of them runs none.
absl::Status Scenario::ExtraSteps() {
  if (MissingFormats().empty() && MissingTypes().empty()) return absl::OkStatus();
  Note("extra steps: the release declares formats or message types not produced yet");
  // 1. Raise the cluster version as far as every member supports.
  absl::StatusOr<Reply> fin = Admin(Op::kFinalize, 0, 0);
  if (!fin.ok()) return fin.status();
  if (absl::Status s = Converge(); !s.ok()) return s;
  // 2. A follower falls behind a compaction and is brought back by a
  //    snapshot install in whatever form the cluster version now selects.
  NodeId leader = pump_.RunUntilLeader(kMaxSteps);
  if (leader == 0) return Fail("no leader after finalize");
  NodeId lagging = 0;
  for (NodeId id : pump_.ids()) {
    if (id != leader && pump_.node(id) != nullptr) {
      lagging = id;
      break;
    }
  }
  pump_.Isolate(lagging);
  Note(absl::StrCat("isolate follower ", lagging));
  for (const char* key : {"extra-1", "extra-2", "extra-3"}) {
    if (absl::StatusOr<Reply> r = Client(101, Op::kPut, key, "x"); !r.ok()) return r.status();
  }
  if (absl::Status s = Compact(); !s.ok()) return s;
  pump_.Heal(lagging);
  Note(absl::StrCat("heal follower ", lagging));
  if (absl::Status s = Converge(); !s.ok()) return s;
  // 3. An election at the new cluster version.
  leader = pump_.RunUntilLeader(kMaxSteps);
  pump_.Isolate(leader);
  Note(absl::StrCat("isolate leader ", leader, " to force an election"));
  for (int i = 0; i < kMaxSteps && (pump_.Leader() == leader || pump_.Leader() == 0); ++i) {
    pump_.Step();
  }
  pump_.Heal(leader);
  Note(absl::StrCat("heal ", leader, "; leader now ", pump_.Leader()));
  if (absl::Status s = Converge(); !s.ok()) return s;
  if (absl::StatusOr<Reply> r = Client(102, Op::kPut, "extra-4", "y"); !r.ok()) return r.status();
  if (absl::Status s = Converge(); !s.ok()) return s;
  // 4. A format the release writes only below its highest cluster version
  //    (v3 writes format 2 at cluster version 2 and after a downgrade from
  //    3): the explicit downgrade procedure lowers the cluster version by
  //    one and every node compacts into the older format. Runs only then.
  if (!MissingFormats().empty()) {
    leader = pump_.RunUntilLeader(kMaxSteps);
    if (leader == 0) return Fail("no leader before the downgrade");
    const uint32_t cv = pump_.node(leader)->State().cluster_version;
    if (cv > 1) {
      absl::StatusOr<Reply> down = Admin(Op::kDowngrade, 0, 0, cv - 1);
      if (!down.ok()) return down.status();
      if (!down->status.ok()) return Fail(absl::StrCat("downgrade: ", down->status.ToString()));
      if (absl::Status s = Converge(); !s.ok()) return s;
      if (absl::Status s = CaptureSnapshot(pump_.RunUntilLeader(kMaxSteps)); !s.ok()) return s;
      // An entry after the rewrite, so the log segments the goldens pin exist.
      if (absl::StatusOr<Reply> r = Client(103, Op::kPut, "extra-5", "z"); !r.ok()) {
        return r.status();
      }
      if (absl::Status s = Converge(); !s.ok()) return s;
    }
  }

  std::vector<std::string> problems;
  if (std::set<uint32_t> f = MissingFormats(); !f.empty()) {
    problems.push_back(absl::StrCat("snapshot format(s) ", absl::StrJoin(f, ","),
                                    " that the release declares it writes"));
  }
  if (std::vector<std::string> t = MissingTypes(); !t.empty()) {
    problems.push_back(absl::StrCat("message type(s) ", absl::StrJoin(t, ","),
                                    " that its schema declares"));
  }
  if (!problems.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "golden scenario for ", release_.tag, " produced no ", absl::StrJoin(problems, "; no "),
        ". Add a scenario (golden/scenario.cc) whose steps make the release produce them."));
  }
  return absl::OkStatus();
}

absl::Status Scenario::CaptureDisk(NodeId node) {
  absl::StatusOr<DiskLayout> layout = LayoutFor(release_.tag);
  if (!layout.ok()) return layout.status();
  api::MemFileSystem& fs = pump_.env(node)->fs;
  absl::StatusOr<std::string> hs = fs.Read(layout->hard_state_path);
  if (!hs.ok()) return Fail(absl::StrCat("node ", node, ": ", hs.status().ToString()));
  Artifact h;
  h.name = "hardstate.bin";
  h.format = "hard-state";
  h.bytes = *hs;
  h.attrs["source"] = layout->hard_state_path;
  h.attrs["node"] = absl::StrCat(node);
  run_.artifacts.push_back(std::move(h));
  absl::StatusOr<std::vector<std::string>> segments = fs.List(layout->segment_prefix);
  if (!segments.ok()) return segments.status();
  if (segments->empty()) return Fail(absl::StrCat("node ", node, " has no log segment"));
  for (const std::string& path : *segments) {
    absl::StatusOr<std::string> bytes = fs.Read(path);
    if (!bytes.ok()) return bytes.status();
    Artifact s;
    s.name = absl::StrCat("log-", SafeName(path.substr(layout->segment_prefix.size())), ".bin");
    s.format = "log-segment";
    s.bytes = *bytes;
    s.attrs["source"] = path;
    s.attrs["node"] = absl::StrCat(node);
    run_.artifacts.push_back(std::move(s));
  }
  const api::ProtocolState st = pump_.node(node)->State();
  Note(absl::StrCat("disk of node ", node, ": term ", st.term, " commit ", st.commit_index,
                    " first index ", st.first_index, " last index ", st.last_index, ", ",
                    segments->size(), " segment(s)"));
  return absl::OkStatus();
}

absl::StatusOr<ScenarioRun> Scenario::Run() {
  pump_.SetFilter([this](const api::Pump::Envelope& e) {
    Observe(e);
    return true;
  });
  if (absl::Status s = pump_.StartAll(); !s.ok()) return Fail(s.ToString());
  const NodeId first = pump_.RunUntilLeader(kMaxSteps);
  if (first == 0) return Fail("no leader elected");
  Note(absl::StrCat("leader ", first, " elected"));

  // Phase A: every kind of client operation, with sessions.
  struct Step {
    uint64_t client;
    Op op;
    std::string key, value, expected;
  };
  auto run = [this](const std::vector<Step>& steps) -> absl::Status {
    for (const Step& s : steps) {
      absl::StatusOr<Reply> r = Client(s.client, s.op, s.key, s.value, s.expected);
      if (!r.ok()) return r.status();
    }
    return absl::OkStatus();
  };
  const std::vector<Step> phase_a = {
      {101, Op::kPut, "alpha", "1", ""},
      {102, Op::kPut, "beta", "two", ""},
      {103, Op::kAppend, "log", "a", ""},
      {101, Op::kAppend, "log", "b", ""},
      {102, Op::kCas, "alpha", "uno", "1"},
      {103, Op::kCas, "beta", "x", "nope"},
      {101, Op::kGet, "alpha", "", ""},
      {102, Op::kGet, "missing", "", ""},
      {103, Op::kPut, "bin", std::string("\x00\x01\xfe\xff", 4), ""},
      {101, Op::kDelete, "beta", "", ""},
      {102, Op::kPut, "key with spaces", "value\nwith newline", ""},
  };
  if (absl::Status s = run(phase_a); !s.ok()) return s;
  if (absl::Status s = Retry(102); !s.ok()) return s;
  if (absl::Status s = Compact(); !s.ok()) return s;

  // A config change: node 4 joins empty, behind the leader's first index, so
  // it is brought up to date by InstallSnapshot.
  if (absl::Status s = pump_.StartNode(kJoiner, {}); !s.ok()) return Fail(s.ToString());
  absl::StatusOr<Reply> add = Admin(Op::kAddVoter, kJoiner, 0);
  if (!add.ok()) return add.status();
  if (!add->status.ok()) return Fail(absl::StrCat("add voter: ", add->status.ToString()));
  if (absl::Status s = Converge(); !s.ok()) return s;

  const std::vector<Step> phase_b = {
      {103, Op::kAppend, "log", "c", ""},
      {101, Op::kPut, "delta", "4", ""},
      {102, Op::kCas, "delta", "four", "4"},
      {103, Op::kDelete, "missing", "", ""},
      {101, Op::kGet, "log", "", ""},
  };
  if (absl::Status s = run(phase_b); !s.ok()) return s;
  if (absl::Status s = Compact(); !s.ok()) return s;

  const std::vector<Step> phase_c = {
      {102, Op::kPut, "epsilon", "5", ""},
      {103, Op::kAppend, "bin", "\x7f", ""},
      {101, Op::kGet, "bin", "", ""},
  };
  if (absl::Status s = run(phase_c); !s.ok()) return s;
  if (absl::Status s = Converge(); !s.ok()) return s;

  if (absl::Status s = ExtraSteps(); !s.ok()) return s;
  if (pump_.violations() != 0) return Fail(pump_.first_violation());

  const NodeId subject = pump_.RunUntilLeader(kMaxSteps);
  if (subject == 0) return Fail("no leader at the end");
  if (absl::Status s = CaptureDisk(subject); !s.ok()) return s;

  for (auto& [format, a] : snapshots_) run_.artifacts.push_back(std::move(a));
  std::map<std::string, int> values_per_name;
  for (const auto& [key, s] : samples_) ++values_per_name[key.first];
  for (auto& [key, s] : samples_) {
    const std::string& type = key.first;
    Artifact a;
    a.name = values_per_name[type] == 1
                 ? absl::StrCat("wire-", SafeName(type), ".bin")
                 : absl::StrCat("wire-", SafeName(type), "-", SafeName(s.type_value), ".bin");
    a.format = absl::StrCat("wire/", SafeName(type));
    a.bytes = s.bytes;
    a.attrs["message"] = absl::StrCat(WirePackage(release_.tag), ".Message");
    a.attrs["type"] = s.type_value.empty() ? "unparsable" : s.type_value;
    a.attrs["from"] = absl::StrCat(s.from);
    a.attrs["to"] = absl::StrCat(s.to);
    run_.artifacts.push_back(std::move(a));
  }
  std::sort(run_.artifacts.begin(), run_.artifacts.end(),
            [](const Artifact& a, const Artifact& b) { return a.name < b.name; });
  run_.steps = steps_;
  return std::move(run_);
}

}  // namespace

std::string SafeName(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? "_" : out;
}

absl::StatusOr<ScenarioRun> RunScenario(const api::ReleaseInfo& release,
                                        const ScenarioOptions& options,
                                        std::vector<std::string>* steps) {
  if (options.scenario != 1) {
    return absl::InvalidArgumentError(absl::StrCat("unknown golden scenario ", options.scenario,
                                                   " (known: 1)"));
  }
  if (release.make_node == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("release ", release.tag, " has no make_node"));
  }
  Scenario scenario(release, options.seed);
  absl::StatusOr<ScenarioRun> run = scenario.Run();
  if (steps != nullptr) *steps = scenario.steps();
  return run;
}

}  // namespace raftlog::golden
