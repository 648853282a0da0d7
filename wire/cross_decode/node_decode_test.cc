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
