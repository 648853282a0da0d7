// Peak memory of format 3 decode and encode beyond their input and result,
// measured by allocation tracking (alloc_tracker.h, libzstd's allocations
// included). Decoding streams chunk by chunk: beyond the decoded state it
// holds about one zstd window (<= chunk_bytes for files this encoder writes),
// zstd's context and a 128 KiB buffer; the target is 2 x chunk_bytes.
// Skipped under AddressSanitizer, which owns malloc.
#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "snapshots/format3/alloc_tracker.h"
#include "snapshots/format3/bench_state.h"
#include "snapshots/format3/format3.h"

namespace raftlog::snapshots::format3 {
namespace {

namespace alloc = alloc_tracker;

struct Peak {
  uint64_t transient = 0;  // beyond the input and the result
  uint64_t result = 0;
};

Peak DecodePeak(const std::string& file) {
  const uint64_t live0 = alloc::LiveBytes();
  alloc::ResetPeak();
  absl::StatusOr<SnapshotState> st = format3::Decode(file);
  EXPECT_TRUE(st.ok()) << st.status();
  const uint64_t live1 = alloc::LiveBytes();
  return {alloc::PeakBytes() - live1, live1 - live0};
}

Peak EncodePeak(const SnapshotState& state, const EncodeOptions& options, std::string* file) {
  const uint64_t live0 = alloc::LiveBytes();
  alloc::ResetPeak();
  absl::StatusOr<std::string> out = format3::Encode(state, options);
  EXPECT_TRUE(out.ok()) << out.status();
  const uint64_t peak = alloc::PeakBytes();
  const uint64_t result = alloc::LiveBytes() - live0;
  *file = *std::move(out);
  return {peak - live0 - result, result};
}

TEST(Format3Memory, TrackerSeesAllocations) {
  if (!alloc::Enabled()) GTEST_SKIP() << "allocation tracking is off under AddressSanitizer";
  const uint64_t before = alloc::LiveBytes();
  std::string big(10 << 20, 'x');
  EXPECT_GE(alloc::LiveBytes() - before, uint64_t{10} << 20);
}

TEST(Format3Memory, DecodeHoldsAboutOneChunkBeyondTheState) {
  if (!alloc::Enabled()) GTEST_SKIP() << "allocation tracking is off under AddressSanitizer";
  const SnapshotState state = testing::BenchState(48 << 20, 1024, 7);
  for (uint32_t chunk : {1u << 20, 4u << 20}) {
    EncodeOptions options;
    options.chunk_bytes = chunk;
    std::string file;
    EncodePeak(state, options, &file);
    const Peak d = DecodePeak(file);
    EXPECT_LE(d.transient, 2 * uint64_t{chunk})
        << absl::StrFormat("chunk %u: decode needed %u bytes beyond a %u-byte state", chunk,
                           d.transient, d.result);
    EXPECT_GT(d.result, uint64_t{48} << 20);
  }
}

TEST(Format3Memory, EncodeNeverHoldsTheUncompressedBody) {
  if (!alloc::Enabled()) GTEST_SKIP() << "allocation tracking is off under AddressSanitizer";
  const SnapshotState state = testing::BenchState(48 << 20, 1024, 8);
  EncodeOptions options;
  std::string file;
  const Peak e = EncodePeak(state, options, &file);
  // zstd's compression context (window, hash and chain tables) and the
  // 128 KiB stage; far below the 48 MiB body.
  EXPECT_LE(e.transient, uint64_t{4} << 20) << e.transient;
  EXPECT_GE(e.result, file.size());
}

}  // namespace
}  // namespace raftlog::snapshots::format3
