#include "matrix/process/smoke.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matrix/lin/checker.h"
#include "matrix/process/fault_proxy.h"
#include "matrix/process/load.h"
#include "matrix/process/process_cluster.h"
#include "versions/process/client.h"
#include "versions/process/posix_env.h"

namespace raftlog::process {
namespace {

constexpr int kStopTimeoutMs = 5000;
constexpr int kWaitMs = 10000;
constexpr uint64_t kAdminClient = 900'000'000;
constexpr uint64_t kReaderClient = 910'000'000;
constexpr uint64_t kProbeClient = 920'000'000;
constexpr int kKeys = 8;
constexpr uint64_t kMaxLinesPerCheck = 10;  // failure lines per check, then a count
// The cluster's members, and a node that only ever runs a release too old
// for the finalized cluster (its links must be refused).
const std::vector<api::NodeId> kMembers = {1, 2, 3};
constexpr api::NodeId kStale = 4;
// A node that joins the finalized v3 cluster as a learner, is promoted, and
// is removed again.
constexpr api::NodeId kJoiner = 5;

using States = std::map<api::NodeId, NodeState>;

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

uint64_t Counter(const NodeState& st, const std::string& name) {
  auto it = st.counters().find(name);
  return it == st.counters().end() ? 0 : it->second;
}

api::NodeId LeaderOf(const States& states) {
  api::NodeId leader = 0;
  uint64_t term = 0;
  for (const auto& [id, st] : states) {
    if (st.role() == "leader" && st.term() >= term) {
      leader = id;
      term = st.term();
    }
  }
  return leader;
}

uint64_t MaxCommit(const States& states) {
  uint64_t commit = 0;
  for (const auto& [id, st] : states) commit = std::max(commit, st.commit_index());
  return commit;
}

class Scenario {
 public:
  Scenario(const SmokeOptions& options, SmokeReport* report)
      : options_(options), report_(report) {}

  void Run() {
    const uint64_t t0 = MonotonicMicros();
    ProcessClusterOptions co;
    co.base_dir = options_.base_dir;
    co.binaries = options_.binaries;
    co.ids = kMembers;
    co.ids.push_back(kStale);
    co.ids.push_back(kJoiner);
    co.bootstrap_voters = kMembers;
    co.joiners = {kJoiner};
    auto cluster = ProcessCluster::Create(co);
    if (!cluster.ok()) return Fail("create the cluster", cluster.status());
    cluster_ = cluster->get();
    for (api::NodeId id : cluster_->ids()) report_->node_logs.push_back(cluster_->log_path(id));
    std::map<api::NodeId, int> ports;
    for (api::NodeId id : kMembers) ports[id] = cluster_->port(id);
    if (options_.script == SmokeScript::kPartition) {
      auto proxy = FaultProxy::Create(ports, options_.seed);
      if (!proxy.ok()) return Fail("start the fault proxy", proxy.status());
      proxy_ = std::move(*proxy);
      for (api::NodeId from : kMembers) {
        for (api::NodeId to : kMembers) {
          if (from != to) cluster_->SetPeerPort(from, to, proxy_->port(from, to));
        }
      }
    }
    LoadOptions lo;
    lo.cluster_id = cluster_->cluster_id();
    lo.ports = ports;
    lo.keys = kKeys;
    lo.seed = options_.seed;
    load_ = std::make_unique<ClientLoad>(lo);
    StateSampler sampler(cluster_->cluster_id(), ports, /*period_ms=*/20);

    const uint64_t load_start = MonotonicMicros();
    const bool scripted = options_.script == SmokeScript::kPartition
                              ? PartitionScript(&sampler)
                              : Scripted(&sampler);
    load_->Stop();
    const double load_seconds = (MonotonicMicros() - load_start) / 1e6;
    // Every acknowledged append, read back once the cluster is whole again.
    if (scripted) CheckDurable(load_->acked_appends(), "at the end");
    sampler.Stop();
    for (api::NodeId id : cluster_->ids()) {
      if (!cluster_->Running(id)) continue;
      auto code = cluster_->Stop(id, kStopTimeoutMs);
      if (!code.ok() || *code != 0) {
        Fail(absl::StrCat("clean stop of node ", id),
             code.ok() ? absl::InternalError(absl::StrCat("exit code ", *code)) : code.status());
      }
    }
    cluster->reset();
    cluster_ = nullptr;
    if (proxy_) {
      FaultProxy::Stats ps = proxy_->stats();
      report_->frames_dropped = ps.dropped;
      report_->frames_delayed = ps.delayed;
      proxy_.reset();
    }

    LoadStats stats = load_->stats();
    report_->ops = stats.ops;
    report_->ok = stats.ok;
    report_->info = stats.info;
    report_->acked_writes = stats.acked_writes;
    report_->ops_per_second = load_seconds > 0 ? stats.ok / load_seconds : 0;
    CheckLinearizable(load_->history());
    std::vector<StateSample> samples = sampler.samples();
    report_->samples = samples.size();
    for (const StateSample& s : samples) report_->max_term = std::max(report_->max_term, s.term);
    std::vector<std::string> violations = CheckSampledInvariants(samples);
    for (size_t i = 0; i < violations.size() && i < kMaxLinesPerCheck; ++i) {
      report_->failures.push_back(absl::StrCat("invariant: ", violations[i]));
    }
    if (violations.size() > kMaxLinesPerCheck) {
      report_->failures.push_back(absl::StrCat(violations.size() - kMaxLinesPerCheck,
                                               " more invariant violations"));
    }
    if (samples.size() < 100) {
      report_->failures.push_back(absl::StrCat("only ", samples.size(), " state samples"));
    }
    if (report_->acked_writes < 100) {
      report_->failures.push_back(absl::StrCat("only ", report_->acked_writes,
                                               " acknowledged writes: the load did not run"));
    }
    report_->wall_seconds = (MonotonicMicros() - t0) / 1e6;
  }

 private:
  void Fail(const std::string& what, const absl::Status& s) {
    report_->failures.push_back(absl::StrCat(what, ": ", s.ToString()));
  }
  void Note(const std::string& what) { report_->steps.push_back(what); }

  // The upgrade script; false when a step failed (the failure is recorded).
  bool Scripted(StateSampler* sampler) {
    for (api::NodeId id : kMembers) {
      absl::Status s = cluster_->Start(id, "v1");
      if (!s.ok()) return Fail(absl::StrCat("start node ", id), s), false;
    }
    absl::Status s = cluster_->WaitFor(
        "a v1 leader", [](const States& st) { return st.size() == 3 && LeaderOf(st) != 0; },
        kWaitMs);
    if (!s.ok()) return Fail("elect", s), false;
    Note(absl::StrCat("v1 cluster up, leader ", cluster_->Leader()));
    load_->Start();
    sampler->Start();
    SleepMs(options_.load_ms_per_phase);

    if (!RollTo("v2")) return false;
    if (!Finalize(2)) return false;

    // v2 -> v3 with a kill -9 of the leader in the middle.
    const api::NodeId first = kMembers.front();
    if (!Restart(first, "v3", /*kill=*/false)) return false;
    api::NodeId leader = cluster_->Leader();
    if (leader == 0) return Fail("find the leader", absl::UnavailableError("no leader")), false;
    auto acked_before_kill = load_->AckedSoFar();
    if (!Restart(leader, "v3", /*kill=*/true)) return false;
    report_->killed_leader = true;
    CheckDurable(acked_before_kill, absl::StrCat("after kill -9 of leader ", leader));
    if (!RollTo("v3")) return false;
    if (!Finalize(3)) return false;
    if (!StaleReleaseRefused()) return false;
    if (!SnapshotInstall()) return false;
    if (!MembershipChange()) return false;
    SleepMs(options_.load_ms_per_phase);
    return true;
  }

  // Through the admin endpoint: node 5 joins as a learner, catches up, is
  // promoted to voter, and is removed; each change verified in the leader's
  // configuration.
  bool MembershipChange() {
    absl::Status s = cluster_->Start(kJoiner, "v3");
    if (!s.ok()) return Fail("start the joining node", s), false;
    auto change = [&](api::Op op, const std::string& what,
                      const std::function<bool(const Config&)>& done) {
      api::Request r;
      r.op = op;
      r.target = kJoiner;
      auto reply = Admin(r);
      if (!reply.ok() || !reply->status.ok()) {
        return Fail(what, reply.ok() ? reply->status : reply.status()), false;
      }
      absl::Status w = cluster_->WaitFor(
          what,
          [&](const States& st) {
            for (const auto& [id, state] : st) {
              if (id != kJoiner && state.role() == "leader" && done(state.config()) &&
                  state.applied_index() >= reply->index) {
                return true;
              }
            }
            return false;
          },
          kWaitMs);
      if (!w.ok()) return Fail(what, w), false;
      return true;
    };
    auto has = [](const google::protobuf::RepeatedField<uint64_t>& ids) {
      return std::find(ids.begin(), ids.end(), kJoiner) != ids.end();
    };
    if (!change(api::Op::kAddLearner, "add node 5 as a learner",
                [&](const Config& c) { return has(c.learners()); })) {
      return false;
    }
    s = cluster_->WaitFor(
        "node 5 to catch up as a learner",
        [&](const States& st) {
          auto it = st.find(kJoiner);
          return it != st.end() && it->second.applied_index() > 0 &&
                 it->second.applied_index() + 20 >= MaxCommit(st);
        },
        kWaitMs);
    if (!s.ok()) return Fail("learner catch-up", s), false;
    if (!change(api::Op::kPromoteLearner, "promote node 5 to voter",
                [&](const Config& c) { return has(c.voters()) && !has(c.learners()); })) {
      return false;
    }
    if (!change(api::Op::kRemoveVoter, "remove node 5",
                [&](const Config& c) { return !has(c.voters()) && !has(c.learners()); })) {
      return false;
    }
    auto code = cluster_->Stop(kJoiner, kStopTimeoutMs);
    if (!code.ok() || *code != 0) {
      return Fail("stop node 5", absl::InternalError("unclean stop")), false;
    }
    report_->membership_changed = true;
    Note("node 5 joined as a learner, was promoted to voter and removed, through the admin endpoint");
    return true;
  }

  // kPartition (smoke.h). The old leader, cut off alone, must not serve
  // anything the majority's new leader contradicts.
  bool PartitionScript(StateSampler* sampler) {
    for (api::NodeId id : kMembers) {
      absl::Status s = cluster_->Start(id, "v3");
      if (!s.ok()) return Fail(absl::StrCat("start node ", id), s), false;
    }
    absl::Status s = cluster_->WaitFor(
        "a v3 leader", [](const States& st) { return st.size() == 3 && LeaderOf(st) != 0; },
        kWaitMs);
    if (!s.ok()) return Fail("elect", s), false;
    // Cluster version 3: reads go through ReadIndex, not the log.
    if (!Finalize(3)) return false;
    load_->Start();
    sampler->Start();
    SleepMs(options_.load_ms_per_phase);
    const api::NodeId old_leader = cluster_->Leader();
    auto old_state = cluster_->State(old_leader);
    if (old_leader == 0 || !old_state.ok()) {
      return Fail("find the leader", absl::UnavailableError("no leader")), false;
    }
    // The leader is paused and cut off at once; it resumes, still cut off,
    // believing it leads (its timers restart on resume), while the majority
    // has a new leader: a read it answered without a quorum would be stale.
    proxy_->Partition({old_leader});
    s = cluster_->Pause(old_leader);
    if (!s.ok()) return Fail("pause the leader", s), false;
    s = cluster_->WaitFor(
        absl::StrCat("a leader other than node ", old_leader, " in a later term"),
        [&](const States& st) {
          for (const auto& [id, state] : st) {
            if (id != old_leader && state.role() == "leader" && state.term() > old_state->term()) {
              return true;
            }
          }
          return false;
        },
        kWaitMs);
    // Paused long enough that it skips its missed ticks (server.cc).
    SleepMs(1000);
    absl::Status resumed = cluster_->Resume(old_leader);
    if (!s.ok()) return Fail("elect a leader in the majority", s), false;
    if (!resumed.ok()) return Fail("resume the old leader", resumed), false;
    report_->partitioned = true;
    const int probes = ProbeReads(old_leader, /*duration_ms=*/400);
    Note(absl::StrCat("node ", old_leader, " (leader in term ", old_state->term(),
                      ") paused and cut off; the majority elected a new leader; resumed, still "
                      "cut off, asked ", probes, " reads"));
    SleepMs(options_.load_ms_per_phase);
    proxy_->Heal();
    s = cluster_->WaitFor(
        "every node to follow one leader",
        [](const States& st) {
          if (st.size() != 3) return false;
          api::NodeId leader = LeaderOf(st);
          for (const auto& [id, state] : st) {
            if (leader == 0 || state.leader() != leader) return false;
          }
          return true;
        },
        kWaitMs);
    if (!s.ok()) return Fail("heal", s), false;
    Note("healed: one leader again");
    SleepMs(options_.load_ms_per_phase);
    for (api::NodeId from : kMembers) {
      for (api::NodeId to : kMembers) {
        if (from != to) proxy_->SetFault(from, to, LinkFault{false, 20, 5});
      }
    }
    SleepMs(2 * options_.load_ms_per_phase);
    proxy_->Heal();
    s = cluster_->WaitFor(
        "a leader after the lossy phase",
        [](const States& st) { return st.size() == 3 && LeaderOf(st) != 0; }, kWaitMs);
    if (!s.ok()) return Fail("recover from the lossy phase", s), false;
    Note("lossy links (20% dropped, 5 ms delay) healed");
    SleepMs(options_.load_ms_per_phase);
    return true;
  }

  // Reads every key at node `id` for `duration_ms` (bounded in count too),
  // each recorded in the history like a load operation: a node that answers
  // without a quorum answers stale. Returns how many were asked.
  int ProbeReads(api::NodeId id, int duration_ms) {
    const uint64_t deadline = MonotonicMicros() + static_cast<uint64_t>(duration_ms) * 1000;
    int asked = 0;
    std::unique_ptr<NodeClient> client;
    for (int n = 0; n < 200 && MonotonicMicros() < deadline; ++n) {
      if (!client) {
        auto c = NodeClient::Connect(cluster_->port(id), cluster_->cluster_id(), false, 100);
        if (!c.ok()) continue;
        client = std::move(*c);
      }
      const uint64_t process = kProbeClient + static_cast<uint64_t>(n);
      api::Request r;
      r.client_id = process;
      r.sequence = 1;
      r.op = api::Op::kGet;
      r.key = absl::StrCat("k", n % kKeys);
      lin::Operation op;
      op.process = static_cast<int64_t>(process);
      op.kind = lin::OpKind::kGet;
      op.key = lin::Value::Str(r.key);
      op.invoke_time = static_cast<int64_t>(MonotonicMicros());
      auto reply = client->Call(r, 100);
      ++asked;
      if (reply.ok() && reply->status.ok()) {
        op.outcome = lin::Outcome::kOk;
        op.complete_time = static_cast<int64_t>(MonotonicMicros());
        if (reply->found) op.result = lin::Value::Str(reply->value);
      } else if (reply.ok()) {
        op.outcome = lin::Outcome::kFail;  // refused: certain
        op.complete_time = static_cast<int64_t>(MonotonicMicros());
      } else {
        client.reset();  // unknown: a new connection for the next
      }
      load_->Record(std::move(op));
    }
    return asked;
  }

  // Restarts every node not on `tag` yet, one at a time, with SIGTERM.
  bool RollTo(const std::string& tag) {
    for (api::NodeId id : kMembers) {
      if (cluster_->tag(id) == tag) continue;
      if (!Restart(id, tag, /*kill=*/false)) return false;
      SleepMs(options_.load_ms_per_phase / 2);
    }
    return true;
  }

  // Stops node `id` (SIGTERM and a clean exit, or SIGKILL), starts `tag` on
  // the same data directory and waits until it applied what was committed.
  bool Restart(api::NodeId id, const std::string& tag, bool kill) {
    uint64_t target = 0;
    (void)cluster_->WaitFor("states", [&](const States& st) {
      target = MaxCommit(st);
      return true;
    }, kWaitMs);
    const std::string from = cluster_->tag(id);
    if (kill) {
      absl::Status s = cluster_->Kill(id);
      if (!s.ok()) return Fail(absl::StrCat("kill -9 node ", id), s), false;
    } else {
      auto code = cluster_->Stop(id, kStopTimeoutMs);
      if (!code.ok()) return Fail(absl::StrCat("SIGTERM node ", id), code.status()), false;
      if (*code != 0) {
        return Fail(absl::StrCat("SIGTERM node ", id),
                    absl::InternalError(absl::StrCat("exit code ", *code))), false;
      }
    }
    absl::Status s = cluster_->Start(id, tag);
    if (!s.ok()) return Fail(absl::StrCat("start node ", id, " on ", tag), s), false;
    bool exited = false;
    s = cluster_->WaitFor(
        absl::StrCat("node ", id, " (", tag, ") to apply index ", target),
        [&](const States& st) {
          exited = !cluster_->Running(id);  // no use waiting for a dead process
          auto it = st.find(id);
          return exited || (it != st.end() && it->second.release() == tag &&
                            it->second.applied_index() >= target && LeaderOf(st) != 0);
        },
        kWaitMs);
    if (exited) {
      s = absl::InternalError(absl::StrCat("node ", id, " (", tag, ") exited after its restart; see ",
                                           cluster_->log_path(id)));
    }
    if (!s.ok()) return Fail(absl::StrCat("restart node ", id), s), false;
    Note(absl::StrCat(kill ? "kill -9" : "SIGTERM", " node ", id, ", ", from, " -> ", tag,
                      ", caught up to ", target));
    return true;
  }

  // An admin request through whichever node leads, retried (bounded) while
  // there is no leader or the node answered "not the leader".
  absl::StatusOr<api::Reply> Admin(api::Request r) {
    const uint64_t deadline = MonotonicMicros() + kWaitMs * 1000ull;
    absl::StatusOr<api::Reply> last = absl::UnavailableError("no leader");
    while (MonotonicMicros() < deadline) {
      api::NodeId leader = cluster_->Leader();
      if (leader != 0) {
        auto client = NodeClient::Connect(cluster_->port(leader), cluster_->cluster_id(),
                                          /*admin=*/true, 500);
        if (client.ok()) {
          r.client_id = kAdminClient;
          r.sequence = ++admin_sequence_;
          last = (*client)->Call(r, 2000);
          if (last.ok() && last->status.code() != absl::StatusCode::kFailedPrecondition &&
              last->status.code() != absl::StatusCode::kUnavailable) {
            return last;
          }
        }
      }
      SleepMs(50);
    }
    return last;
  }

  bool Finalize(uint32_t version) {
    api::Request r;
    r.op = api::Op::kFinalize;
    r.version = 0;  // the highest version every member supports
    auto reply = Admin(r);
    if (!reply.ok() || !reply->status.ok()) {
      return Fail(absl::StrCat("finalize to ", version),
                  reply.ok() ? reply->status : reply.status()), false;
    }
    absl::Status s = cluster_->WaitFor(
        absl::StrCat("cluster version ", version, " on every node"),
        [&](const States& st) {
          if (st.size() != 3) return false;
          for (const auto& [id, state] : st) {
            if (state.cluster_version() < version) return false;
          }
          return true;
        },
        kWaitMs);
    if (!s.ok()) return Fail(absl::StrCat("finalize to ", version), s), false;
    Note(absl::StrCat("finalized: cluster version ", version));
    return true;
  }

  // Starts a v1 node (protocol 1..1) on a fresh directory next to the
  // cluster finalized at version 3: every member must refuse its links
  // (outside the window) and count it; the cluster keeps serving.
  bool StaleReleaseRefused() {
    auto refused = [&](const States& st) {
      uint64_t n = 0;
      for (api::NodeId id : kMembers) {
        auto it = st.find(id);
        if (it == st.end()) return uint64_t{0};
        auto c = it->second.server_counters().find("refused_window");
        if (c != it->second.server_counters().end()) n += c->second > 0;
      }
      return n;
    };
    absl::Status s = cluster_->Start(kStale, "v1");
    if (!s.ok()) return Fail("start a stale v1 node", s), false;
    s = cluster_->WaitFor("every member to refuse the v1 node's link",
                          [&](const States& st) { return refused(st) == kMembers.size(); },
                          kWaitMs);
    if (!s.ok()) return Fail("refuse a peer outside the window", s), false;
    auto code = cluster_->Stop(kStale, kStopTimeoutMs);
    if (!code.ok() || *code != 0) {
      return Fail("stop the stale node", absl::InternalError("unclean stop")), false;
    }
    report_->stale_peer_refused = true;
    Note("a v1 node's links were refused by every v3 member (outside the protocol window)");
    return true;
  }

  // Stops a follower, compacts the leader's log past it, restarts it: the
  // leader must catch it up with a snapshot.
  bool SnapshotInstall() {
    const api::NodeId leader = cluster_->Leader();
    api::NodeId follower = 0;
    for (api::NodeId id : kMembers) {
      if (id != leader) follower = id;
    }
    auto before = cluster_->State(follower);
    if (leader == 0 || !before.ok()) {
      return Fail("pick a follower", absl::UnavailableError("no leader or follower state")), false;
    }
    const uint64_t behind = before->last_index();
    auto code = cluster_->Stop(follower, kStopTimeoutMs);
    if (!code.ok() || *code != 0) {
      return Fail(absl::StrCat("SIGTERM node ", follower), absl::InternalError("unclean stop")), false;
    }
    absl::Status s = cluster_->WaitFor(
        "the log to grow past the stopped follower",
        [&](const States& st) { return MaxCommit(st) >= behind + 20; }, kWaitMs);
    if (!s.ok()) return Fail("grow the log", s), false;
    // The leader may change while a member is down: compact again through
    // the new one until the leader's log starts past the stopped follower.
    uint64_t snapshot_index = 0;
    uint32_t snapshot_format = 0;
    for (int attempt = 0; attempt < 5 && snapshot_index == 0; ++attempt) {
      api::Request r;
      r.op = api::Op::kCompact;
      auto reply = Admin(r);
      if (!reply.ok() || !reply->status.ok()) {
        return Fail("compact", reply.ok() ? reply->status : reply.status()), false;
      }
      (void)cluster_->WaitFor(
          "a snapshot past the stopped follower",
          [&](const States& st) {
            for (const auto& [id, state] : st) {
              if (state.role() == "leader" && state.snapshot_index() > behind) {
                snapshot_index = state.snapshot_index();
                snapshot_format = state.snapshot_format();
                return true;
              }
            }
            return false;
          },
          3000);
    }
    if (snapshot_index == 0) {
      return Fail("compact", absl::DeadlineExceededError(
                                 "no leader compacted past the stopped follower in 5 attempts")), false;
    }
    report_->compacted = true;
    Note(absl::StrCat("compacted through index ", snapshot_index, " while node ", follower,
                      " (last index ", behind, ") was down"));
    s = cluster_->Start(follower, "v3");
    if (!s.ok()) return Fail(absl::StrCat("restart node ", follower), s), false;
    uint32_t installed_format = 0;
    s = cluster_->WaitFor(
        absl::StrCat("node ", follower, " to install a snapshot"),
        [&](const States& st) {
          auto it = st.find(follower);
          if (it == st.end()) return false;
          installed_format = it->second.snapshot_format();
          return Counter(it->second, api::kCounterSnapshotsInstalled) >= 1 &&
                 it->second.applied_index() >= snapshot_index;
        },
        kWaitMs);
    if (!s.ok()) return Fail("snapshot install", s), false;
    // The follower holds the leader's snapshot in the leader's format.
    if (installed_format != snapshot_format) {
      return Fail("snapshot install",
                  absl::InternalError(absl::StrCat("node ", follower,
                                                   " holds a snapshot in format ",
                                                   installed_format, ", the leader wrote format ",
                                                   snapshot_format))), false;
    }
    report_->snapshot_installed = true;
    Note(absl::StrCat("node ", follower, " installed a snapshot in format ", snapshot_format));
    return true;
  }

  // Reads every key through the leader.
  absl::StatusOr<std::map<std::string, std::string>> ReadAll() {
    std::map<std::string, std::string> values;
    const uint64_t deadline = MonotonicMicros() + kWaitMs * 1000ull;
    for (int k = 0; k < kKeys; ++k) {
      const std::string key = absl::StrCat("k", k);
      bool done = false;
      while (!done && MonotonicMicros() < deadline) {
        api::NodeId leader = cluster_->Leader();
        if (leader == 0) {
          SleepMs(50);
          continue;
        }
        auto client = NodeClient::Connect(cluster_->port(leader), cluster_->cluster_id(),
                                          /*admin=*/false, 500);
        if (!client.ok()) continue;
        api::Request r;
        r.client_id = kReaderClient;
        r.sequence = ++reader_sequence_;
        r.op = api::Op::kGet;
        r.key = key;
        auto reply = (*client)->Call(r, 2000);
        if (reply.ok() && reply->status.ok()) {
          values[key] = reply->found ? reply->value : "";
          done = true;
        } else {
          SleepMs(50);
        }
      }
      if (!done) return absl::DeadlineExceededError(absl::StrCat("could not read ", key));
    }
    return values;
  }

  // Every token in `acked` appears exactly once in its key's value.
  void CheckDurable(const std::map<std::string, std::vector<std::string>>& acked,
                    const std::string& when) {
    auto values = ReadAll();
    if (!values.ok()) return Fail(absl::StrCat("durability read ", when), values.status());
    uint64_t found = 0, lost = 0;
    for (const auto& [key, tokens] : acked) {
      const std::string& value = (*values)[key];
      for (const std::string& token : tokens) {
        // Tokens end in ';' and are unique, so a match at a token boundary is
        // the token itself.
        size_t at = 0, count = 0;
        while ((at = value.find(token, at)) != std::string::npos) {
          if (at == 0 || value[at - 1] == ';') ++count;
          at += token.size();
        }
        if (count != 1) {
          if (++lost <= kMaxLinesPerCheck) {
            report_->failures.push_back(absl::StrCat("durability ", when,
                                                     ": acknowledged append \"", token, "\" to ",
                                                     key, " appears ", count, " times"));
          }
        } else {
          ++found;
        }
      }
    }
    if (lost > kMaxLinesPerCheck) {
      report_->failures.push_back(absl::StrCat("durability ", when, ": ", lost - kMaxLinesPerCheck,
                                               " more acknowledged appends not read back once"));
    }
    report_->durable_checked += found;
    Note(absl::StrCat("durability ", when, ": ", found, " acknowledged appends read back"));
  }

  void CheckLinearizable(const lin::History& history) {
    lin::CheckOptions options;
    options.model = lin::Model::kKv;
    options.max_states = 5'000'000;
    auto result = lin::Check(history, options);
    if (!result.ok()) return Fail("linearizability check", result.status());
    report_->lin_verdict = std::string(lin::VerdictName(result->verdict));
    report_->lin_ops_checked = result->ops_checked;
    if (result->verdict != lin::Verdict::kLinearizable) {
      report_->failures.push_back(absl::StrCat(
          "history is ", report_->lin_verdict, " ", result->reason, "\n",
          lin::WindowToEdn(history, *result, 40)));
    }
  }

  const SmokeOptions& options_;
  SmokeReport* report_;
  ProcessCluster* cluster_ = nullptr;
  std::unique_ptr<ClientLoad> load_;
  std::unique_ptr<FaultProxy> proxy_;
  uint64_t admin_sequence_ = 0;
  uint64_t reader_sequence_ = 0;
};

}  // namespace

SmokeReport RunSmoke(const SmokeOptions& options) {
  SmokeReport report;
  Scenario(options, &report).Run();
  return report;
}

std::string FormatReport(const SmokeReport& r) {
  std::string out;
  for (const std::string& s : r.steps) absl::StrAppend(&out, "step: ", s, "\n");
  absl::StrAppend(&out, "wall time: ", r.wall_seconds, " s\n");
  absl::StrAppend(&out, "client ops: ", r.ops, " (ok ", r.ok, ", info ", r.info, "), ",
                  r.ops_per_second, " ok ops/s\n");
  absl::StrAppend(&out, "acknowledged writes: ", r.acked_writes, ", read back: ", r.durable_checked,
                  "\n");
  absl::StrAppend(&out, "linearizability: ", r.lin_verdict, " over ", r.lin_ops_checked, " ops\n");
  absl::StrAppend(&out, "state samples: ", r.samples, ", highest term ", r.max_term, "\n");
  absl::StrAppend(&out, "kill -9 of the leader: ", r.killed_leader ? "yes" : "no",
                  ", compaction: ", r.compacted ? "yes" : "no",
                  ", snapshot install: ", r.snapshot_installed ? "yes" : "no",
                  ", stale v1 peer refused: ", r.stale_peer_refused ? "yes" : "no",
                  ", learner added, promoted, removed: ", r.membership_changed ? "yes" : "no", "\n");
  if (r.partitioned || r.frames_dropped > 0) {
    absl::StrAppend(&out, "partition: ", r.partitioned ? "yes" : "no", ", frames dropped ",
                    r.frames_dropped, ", delayed ", r.frames_delayed, "\n");
  }
  for (const std::string& f : r.failures) absl::StrAppend(&out, "FAILURE: ", f, "\n");
  return out;
}

}  // namespace raftlog::process
