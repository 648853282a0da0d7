// Judging Deliver results: clean refusals need a table code and a counter;
// anything else is broken. Fake nodes produce the broken kinds a real release
// must never show.
#include "wire/cross_decode/node_decode.h"

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/registry.h"

namespace raftlog::wire::cross_decode {
namespace {

// A node whose Deliver returns a fixed status, counting it or not.
class FixedNode : public api::Node {
 public:
  FixedNode(absl::Status status, bool count) : status_(std::move(status)), count_(count) {}
  absl::Status Start() override { return absl::OkStatus(); }
  absl::Status Deliver(api::NodeId, absl::string_view) override {
    if (count_) ++counters_["decode_errors"];
    return status_;
  }
  void Tick() override {}
  void Submit(const api::Request&) override {}
  api::Ready TakeReady() override { return api::Ready(); }
  api::ProtocolState State() const override { return api::ProtocolState(); }
  std::optional<api::EntryId> EntryAt(uint64_t) const override { return std::nullopt; }
  std::map<std::string, uint64_t> Counters() const override { return counters_; }

 private:
  absl::Status status_;
  bool count_;
  std::map<std::string, uint64_t> counters_;
};

TEST(NodeDecode, TableCodes) {
  for (absl::StatusCode code :
       {absl::StatusCode::kFailedPrecondition, absl::StatusCode::kUnavailable,
        absl::StatusCode::kResourceExhausted, absl::StatusCode::kOutOfRange,
        absl::StatusCode::kDataLoss, absl::StatusCode::kUnimplemented,
        absl::StatusCode::kInvalidArgument}) {
    EXPECT_TRUE(IsTableCode(code)) << absl::StatusCodeToString(code);
  }
  for (absl::StatusCode code :
       {absl::StatusCode::kOk, absl::StatusCode::kInternal, absl::StatusCode::kUnknown,
        absl::StatusCode::kAborted, absl::StatusCode::kNotFound, absl::StatusCode::kCancelled}) {
    EXPECT_FALSE(IsTableCode(code)) << absl::StatusCodeToString(code);
  }
}

TEST(NodeDecode, JudgesFakeNodes) {
  FixedNode counted(absl::DataLossError("bad"), true);
  NodeResult r = DeliverAndJudge(&counted, 2, "x");
  EXPECT_EQ(r.verdict, Verdict::kRefused);
  EXPECT_EQ(r.counters_moved, std::vector<std::string>{"decode_errors"});

  FixedNode uncounted(absl::DataLossError("bad"), false);
  r = DeliverAndJudge(&uncounted, 2, "x");
  EXPECT_EQ(r.verdict, Verdict::kBroken);
  EXPECT_NE(r.detail.find("not counted"), std::string::npos) << r.detail;

  FixedNode off_table(absl::InternalError("oops"), true);
  r = DeliverAndJudge(&off_table, 2, "x");
  EXPECT_EQ(r.verdict, Verdict::kBroken);
  EXPECT_NE(r.detail.find("outside the table"), std::string::npos) << r.detail;

  FixedNode accepts(absl::OkStatus(), false);
  EXPECT_EQ(DeliverAndJudge(&accepts, 2, "x").verdict, Verdict::kOk);
}

// "second_leader_in_term": a single-voter leader gets an AppendEntries from
// another node claiming the leader's own term. Written with v1's field
// numbers, which every later tag keeps.
NodeResult SecondLeaderInTerm(const api::ReleaseInfo& release) {
  FreshNode f = StartFreshNode(release, 2, 1, {2});
  EXPECT_TRUE(f.start_status.ok());
  for (int i = 0; i < 100 && f.node->State().role != api::Role::kLeader; ++i) f.node->Tick();
  EXPECT_EQ(f.node->State().role, api::Role::kLeader) << release.tag;
  const uint64_t term = f.node->State().term;
  auto varint = [](uint64_t field, uint64_t v) {
    std::string out(1, static_cast<char>(field << 3));
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
    return out;
  };
  // protocol_version 1, type 3 (AppendEntries), from 1, to 2, term, an empty
  // append_entries body (field 12).
  const std::string ae = varint(1, 1) + varint(2, 3) + varint(3, 1) + varint(4, 2) +
                         varint(5, term) + std::string("\x62\x00", 2);
  return DeliverAndJudge(f.node.get(), 1, ae);
}

TEST(NodeDecode, EveryKnownFindingStillReproduces) {
  ASSERT_FALSE(KnownFindings().empty());
  for (const KnownFinding& k : KnownFindings()) {
    const api::ReleaseInfo* release = FindRelease(k.tag);
    ASSERT_NE(release, nullptr) << k.tag << " is not registered: delete its known findings";
    ASSERT_EQ(k.reproduction, "second_leader_in_term")
        << "no reproduction named " << k.reproduction;
    NodeResult r = SecondLeaderInTerm(*release);
    EXPECT_EQ(r.known, &k) << k.tag << " no longer shows \"" << k.why
                           << "\": delete the entry. Now: " << r.status << " " << r.detail;
    EXPECT_EQ(r.verdict, Verdict::kRefused) << k.tag;
    EXPECT_TRUE(r.counters_moved.empty()) << k.tag;
  }
  // Not known for another tag, nor for another code.
  const absl::Status s = absl::FailedPreconditionError("node 1 acts as leader in term 2");
  EXPECT_NE(FindKnownFinding("v1", s), nullptr);
  EXPECT_EQ(FindKnownFinding("v999", s), nullptr);
  EXPECT_EQ(FindKnownFinding("v1", absl::InternalError(std::string(s.message()))), nullptr);
}

// A release with no known finding refuses a second leader of its own term and
// counts it: the refusal is visible in telemetry, not only in a status.
TEST(NodeDecode, ReleasesWithoutTheFindingCountASecondLeaderInTerm) {
  int checked = 0;
  for (const api::ReleaseInfo& release : AllReleases()) {
    bool known = false;
    for (const KnownFinding& k : KnownFindings()) known = known || k.tag == release.tag;
    if (known) continue;
    NodeResult r = SecondLeaderInTerm(release);
    EXPECT_EQ(r.verdict, Verdict::kRefused) << release.tag << " " << r.status;
    EXPECT_FALSE(r.counters_moved.empty()) << release.tag << " refused silently: " << r.status;
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(NodeDecode, EveryRegisteredReleaseRefusesGarbageOnAFreshNode) {
  for (const api::ReleaseInfo& r : AllReleases()) {
    // 0x08 0x80: a varint that never ends.
    NodeResult res = DeliverToFreshNode(r, 2, 1, std::string("\x08\x80", 2), 7);
    EXPECT_EQ(res.verdict, Verdict::kRefused) << r.tag << " " << res.status << " " << res.detail;
    EXPECT_FALSE(res.counters_moved.empty()) << r.tag;
    // The empty message: parses, says nothing a release speaks.
    res = DeliverToFreshNode(r, 2, 1, "", 7);
    EXPECT_EQ(res.verdict, Verdict::kRefused) << r.tag << " " << res.status << " " << res.detail;
  }
}

TEST(NodeDecode, FreshNodeStartsJoiningWithTheGivenId) {
  for (const api::ReleaseInfo& r : AllReleases()) {
    FreshNode f = StartFreshNode(r, 5, 1);
    ASSERT_TRUE(f.start_status.ok()) << r.tag << " " << f.start_status;
    api::ProtocolState s = f.node->State();
    EXPECT_EQ(s.id, 5u) << r.tag;
    EXPECT_EQ(s.release, r.tag);
    EXPECT_TRUE(s.config.voters.empty()) << r.tag;  // joining
    FreshNode zero = StartFreshNode(r, 0, 1);
    ASSERT_TRUE(zero.start_status.ok());
    EXPECT_EQ(zero.node->State().id, 1u);
  }
}

}  // namespace
}  // namespace raftlog::wire::cross_decode
