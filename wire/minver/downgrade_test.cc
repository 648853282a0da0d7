#include "wire/minver/downgrade.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "snapshots/format1/format1.h"
#include "snapshots/preamble.h"
#include "snapshots/state.h"
#include "wire/minver/testdata/evolved.pb.h"
#include "wire/minver/testdata/evolved_entries.h"
#include "wire/minver/testdata/unannotated.pb.h"
#include "wire/v1/raft.pb.h"

namespace raftlog::wire::minver {
namespace {

namespace ev = ::raftlog::minver_testdata::v2;
namespace v1 = ::raftlog::wire::v1;
using ::testing::HasSubstr;

using ::raftlog::minver_testdata::EvolvedPutEntry;

std::string Format1Snapshot() {
  snapshots::SnapshotState state;
  state.last_index = 3;
  state.last_term = 1;
  state.voters = {1};
  absl::StatusOr<std::string> bytes = snapshots::format1::Encode(state);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

TEST(CheckDowngrade, RefusesDataThatNeedsANewerRelease) {
  DowngradeData data;
  data.entry_type = ev::Entry::descriptor();
  data.log_entries = {EvolvedPutEntry(1, 0), EvolvedPutEntry(2, 30)};
  data.snapshots = {Format1Snapshot()};
  const absl::Status refused = CheckDowngrade(1, data);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(),
            "data needs release v2 to read (field raftlog.minver_testdata.v2.Command.ttl_ms "
            "since 2); run the downgrade procedure first [at log entry 2: "
            "Entry.data<Command>.ttl_ms; target v1]");
  EXPECT_TRUE(CheckDowngrade(2, data).ok());
  EXPECT_TRUE(CheckDowngrade(3, data).ok());
}

TEST(CheckDowngrade, V1DataGoesAnywhere) {
  v1::Message message;
  message.set_protocol_version(1);
  message.mutable_request_vote()->set_last_log_index(3);
  DowngradeData data;
  data.entry_type = v1::Entry::descriptor();
  v1::Entry noop;
  noop.set_index(1);
  noop.set_type(v1::ENTRY_TYPE_NOOP);
  data.log_entries = {noop.SerializeAsString()};
  data.snapshots = {Format1Snapshot()};
  data.messages = {&message};
  EXPECT_TRUE(CheckDowngrade(1, data).ok());
}

TEST(CheckDowngrade, Format2SnapshotIsRefusedToV1AndNotCertifiedBlind) {
  DowngradeData data;
  std::string preamble;
  snapshots::AppendPreamble(2, &preamble);
  data.snapshots = {Format1Snapshot(), preamble + std::string(64, '\0')};
  const absl::Status to_v1 = CheckDowngrade(1, data);
  EXPECT_EQ(to_v1.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(to_v1.message(), HasSubstr("data needs release v2 to read (snapshot format 2"));
  EXPECT_THAT(to_v1.message(), HasSubstr("[at snapshot 2: snapshot preamble"));
  // To v2: the format fits, but the recorded cluster version is unread (the
  // body is torn), so nothing proves v2 reads it.
  const absl::Status to_v2 = CheckDowngrade(2, data);
  EXPECT_EQ(to_v2.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(to_v2.message(), HasSubstr("cannot certify that v2 reads the data"));
}

TEST(CheckDowngrade, RequirementsList) {
  MinRelease a{1, "message A since 1", "a"};
  MinRelease b{3, "field B.x since 3", "b"};
  MinRelease c{3, "field C.y since 3", "c"};
  EXPECT_TRUE(CheckDowngrade(3, {a, b, c}).ok());
  const absl::Status s = CheckDowngrade(2, {a, b, c});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "data needs release v3 to read (field B.x since 3); run the downgrade procedure "
            "first [at b; target v2]");
  MinRelease lower = a;
  lower.complete = false;
  lower.note = "could not look";
  const absl::Status blind = CheckDowngrade(1, {lower});
  EXPECT_EQ(blind.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(blind.message(), HasSubstr("cannot certify that v1 reads the data: could not look"));
  EXPECT_TRUE(CheckDowngrade(1, std::vector<MinRelease>{}).ok());
}

TEST(CheckDowngrade, UnexaminableDataIsNotCertified) {
  raftlog::minver_testdata::v2_unannotated::Entry e;
  e.set_no_since(1);
  DowngradeData data;
  data.messages = {&e};
  const absl::Status s = CheckDowngrade(3, data);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("cannot certify downgrade to v3: field "
                                     "raftlog.minver_testdata.v2_unannotated.Entry.no_since"));

  DowngradeData torn;
  torn.snapshots = {"RLSNAP"};
  EXPECT_EQ(CheckDowngrade(1, torn).code(), absl::StatusCode::kDataLoss);

  DowngradeData untyped;
  untyped.log_entries = {""};
  EXPECT_EQ(CheckDowngrade(1, untyped).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckDowngrade(0, DowngradeData()).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace raftlog::wire::minver
