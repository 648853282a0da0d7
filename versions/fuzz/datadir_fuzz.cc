// libFuzzer target for one release's storage recovery (RAFTCERT_FUZZ_TAG,
// one binary per registered tag; see BUILD): arbitrary files in a data
// directory, then Start() (open/recover) on it.
//
// The input is an archive of files (archive.h). Its mode byte:
//   bit 0: lay the files over the base directory (hard state, log segments,
//          snapshot files a live node of the tag wrote: BaseDirectory()),
//          replacing files of the same name; clear: an empty directory.
//   bit 1: the restarting node bootstraps with voters {1,2,3}; clear: joins.
// Seeds (scripts/fuzz.sh, datadir_fuzz_corpus_test) pack the goldens of
// golden/<tag>/ at their data-directory paths: hard state, log segments, hard
// state and segment alone, and the golden snapshots.
//
// Properties (a violation aborts):
//   - Start returns; an error carries a code of node.h's table and a message,
//     and leaves the data directory as it was (a refusal changes nothing on
//     disk). Known finding of the frozen releases, tolerated for them only
//     (kRepairsBeforeJudging): v1's and v2's storage repairs as it reads,
//     before the rest is validated, so a Start that then refuses may already
//     have dropped a torn or empty log segment, cut one back to a prefix, or
//     removed older snapshots and scratch files (e.g. an empty last segment
//     dropped, then "commit index beyond the last log index"); any other
//     change (a file added, the newest snapshot or the hard state touched, a
//     segment rewritten other than to a prefix) aborts. From v3 on, recovery
//     reads and judges first and repairs after (Storage::Recover): a refusal
//     must leave every byte as it was;
//   - a node that started is sane (commit <= last index, first index <= last
//     index + 1), survives ticks, and its directory, crashed (unsynced data
//     lost) and started again by a new node of the same tag, starts again:
//     what a release accepted and rewrote, it reads back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"
#include "versions/fuzz/archive.h"
#include "versions/fuzz/fuzz_tag.h"
#include "versions/registry.h"
#include "wire/cross_decode/node_decode.h"


namespace {


using raftlog::api::MemEnv;
using raftlog::api::NodeId;
using Files = std::map<std::string, std::string>;

[[noreturn]] void Fail(const std::string& what) { raftlog::fuzz::FuzzFail("datadir_fuzz", what); }

const raftlog::api::ReleaseInfo& Release() { return raftlog::fuzz::FuzzRelease("datadir_fuzz"); }

Files DirectoryOf(const raftlog::api::MemFileSystem& fs, bool after_crash) {
  Files files;
  fs.ForEachFile(after_crash, [&](absl::string_view path, absl::string_view content) {
    files[std::string(path)] = std::string(content);
  });
  return files;
}

std::unique_ptr<raftlog::api::Node> MakeNode(MemEnv* env, NodeId id,
                                             const std::vector<NodeId>& voters) {
  raftlog::api::NodeOptions o;
  o.id = id;
  o.bootstrap_voters = voters;
  o.env = env->env();
  o.snapshot_threshold = 16;
  return Release().make_node(o);
}

// What a single-voter node of the tag leaves on disk after 40 writes with a
// threshold of 16 entries: hard state, log segment(s) and snapshot file(s).
const Files& BaseDirectory() {
  static const Files* base = [] {
    MemEnv env(7);
    std::unique_ptr<raftlog::api::Node> node = MakeNode(&env, 1, {1});
    if (!node->Start().ok()) Fail("base node does not start");
    for (int i = 0; i < 200 && node->State().role != raftlog::api::Role::kLeader; ++i)
      node->Tick();
    for (uint64_t seq = 1; seq <= 40; ++seq) {
      raftlog::api::Request r;
      r.client_id = 9;
      r.sequence = seq;
      r.op = raftlog::api::Op::kPut;
      r.key = absl::StrCat("k", seq % 7);
      r.value = absl::StrCat("v", seq);
      node->Submit(r);
      node->Tick();
      (void)node->TakeReady();
    }
    return new Files(DirectoryOf(env.fs, /*after_crash=*/true));
  }();
  return *base;
}

// The directory under test, for a finding's message.
std::string Describe(uint8_t mode, const Files& files) {
  std::string out = absl::StrCat("mode ", mode, ", files:");
  for (const auto& [path, content] : files) absl::StrAppend(&out, " ", path, "(", content.size(), ")");
  return out + "; ";
}

// "" when a refused Start left `before` as it was, up to the repairs every
// release's recovery makes before it has validated the whole directory
// (known finding, see the header): a log segment dropped or cut back to a
// prefix of itself (a torn tail), a snapshot older than the newest or a
// scratch file removed. Otherwise the
// first path that differs and how.
// The frozen releases whose recovery repairs before it has judged the whole
// directory (a finding, kept as they are).
bool RepairsBeforeJudging() {
  const std::string tag = raftlog::fuzz::kFuzzTag;
  return tag == "v1" || tag == "v2";
}

std::string FirstDifference(const Files& before, const Files& after) {
  const bool tolerate_repairs = RepairsBeforeJudging();
  std::string newest_snapshot;
  for (const auto& [path, content] : before) {
    if (absl::StartsWith(path, "snap/")) newest_snapshot = path;
  }
  for (const auto& [path, content] : before) {
    auto it = after.find(path);
    const bool log = absl::StartsWith(path, "log/");
    const bool old_snapshot = absl::StartsWith(path, "snap/") && path != newest_snapshot;
    if (it == after.end()) {
      if (tolerate_repairs && (log || old_snapshot || absl::StartsWith(path, "tmp"))) continue;
      return path + " removed";
    }
    if (it->second == content) continue;
    if (tolerate_repairs && log && it->second.size() < content.size() &&
        absl::StartsWith(content, it->second))
      continue;
    return absl::StrCat(path, " rewritten (", content.size(), " -> ", it->second.size(),
                        " bytes)");
  }
  for (const auto& [path, content] : after) {
    if (before.count(path) == 0) return path + " added";
  }
  return "";
}

void CheckSane(const raftlog::api::ProtocolState& s, const char* when) {
  if (s.commit_index > s.last_index || s.first_index > s.last_index + 1 ||
      s.applied_index > s.commit_index) {
    Fail(absl::StrCat(when, ": insane state: first ", s.first_index, " last ", s.last_index,
                      " commit ", s.commit_index, " applied ", s.applied_index));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const raftlog::fuzz::Archive archive = raftlog::fuzz::ParseArchive(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  Files files = (archive.mode & 1) ? BaseDirectory() : Files();
  for (const auto& [path, content] : archive.files) files[path] = content;
  const std::vector<NodeId> voters =
      (archive.mode & 2) ? std::vector<NodeId>{1, 2, 3} : std::vector<NodeId>{};

  MemEnv env(1);
  for (const auto& [path, content] : files) env.fs.Overwrite(path, content);
  std::unique_ptr<raftlog::api::Node> node = MakeNode(&env, 1, voters);
  const absl::Status started = node->Start();
  if (!started.ok()) {
    if (!raftlog::wire::cross_decode::IsTableCode(started.code()))
      Fail("Start refused with a code outside node.h's table: " + started.ToString());
    if (started.message().empty()) Fail("Start refused without a message");
    const std::string changed = FirstDifference(files, DirectoryOf(env.fs, false));
    if (!changed.empty())
      Fail(Describe(archive.mode, files) + "Start refused (" + started.ToString() +
           ") but changed the data directory: " + changed);
    return 0;
  }
  (void)node->TakeReady();
  CheckSane(node->State(), "after Start");
  for (int i = 0; i < 3; ++i) node->Tick();
  (void)node->TakeReady();
  CheckSane(node->State(), "after ticks");
  node.reset();

  // What it accepted, and rewrote, it reads back after a crash.
  env.fs.Crash();
  std::unique_ptr<raftlog::api::Node> again = MakeNode(&env, 1, voters);
  const absl::Status restarted = again->Start();
  if (!restarted.ok())
    Fail("accepted a directory, but not after restarting on it: " + restarted.ToString());
  CheckSane(again->State(), "after restart");
  return 0;
}
