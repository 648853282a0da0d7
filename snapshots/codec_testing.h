// What every snapshot format's tests check of a state: it survives a round
// trip, and the format is canonical (re-encoding the decoded state gives the
// same bytes), and every bit flip of a file is refused with the right class.
// testonly; gtest assertions.
#ifndef RAFTLOG_SNAPSHOTS_CODEC_TESTING_H_
#define RAFTLOG_SNAPSHOTS_CODEC_TESTING_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "snapshots/preamble.h"
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

// Every single-bit flip of `file` is refused, classified as the preamble
// says: a flip in the magic is "not a snapshot" (kInvalidArgument), in the
// format number "another format" (kUnimplemented), anywhere else corruption
// (kDataLoss).
inline void ExpectEveryBitFlipRefused(
    const std::string& file,
    absl::FunctionRef<absl::StatusOr<SnapshotState>(absl::string_view)> decode) {
  for (size_t bit = 0; bit < file.size() * 8; ++bit) {
    std::string flipped = file;
    const size_t byte = bit / 8;
    flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << (bit % 8)));
    absl::StatusOr<SnapshotState> st = decode(flipped);
    ASSERT_FALSE(st.ok()) << "bit " << bit << " flipped and still accepted";
    const absl::StatusCode want = byte < kSnapshotMagicBytes ? absl::StatusCode::kInvalidArgument
                                  : byte < kPreambleBytes    ? absl::StatusCode::kUnimplemented
                                                             : absl::StatusCode::kDataLoss;
    EXPECT_EQ(st.status().code(), want) << "bit " << bit << ": " << st.status();
  }
}

}  // namespace raftlog::snapshots::testing

#endif  // RAFTLOG_SNAPSHOTS_CODEC_TESTING_H_
