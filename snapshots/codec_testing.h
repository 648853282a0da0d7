// What every snapshot format's tests check of a state: it survives a round
// trip, and the format is canonical (re-encoding the decoded state gives the
// same bytes). testonly; gtest assertions.
#ifndef RAFTLOG_SNAPSHOTS_CODEC_TESTING_H_
#define RAFTLOG_SNAPSHOTS_CODEC_TESTING_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::testing {

inline void ExpectCanonicalRoundTrip(
    const SnapshotState& state,
    absl::FunctionRef<absl::StatusOr<std::string>(const SnapshotState&)> encode,
    absl::FunctionRef<absl::StatusOr<SnapshotState>(absl::string_view)> decode) {
  absl::StatusOr<std::string> bytes = encode(state);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<SnapshotState> back = decode(*bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == state);
  absl::StatusOr<std::string> again = encode(*back);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *bytes) << "re-encoding the decoded state changed the bytes";
}

}  // namespace raftlog::snapshots::testing

#endif  // RAFTLOG_SNAPSHOTS_CODEC_TESTING_H_
