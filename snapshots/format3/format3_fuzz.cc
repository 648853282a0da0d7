// libFuzzer target for format3::Decode, DecodeHead and DowngradeToFormat2.
// The container's properties come from snapshots/format2/fuzz_support.h
// (the same code as format 2's target); format 3 adds: a decodable input
// downgrades to format 2 exactly when it has no joint configuration and a
// cluster version of at most 2, and then format 2 decodes it to the same
// state without metadata; otherwise the refusal is kFailedPrecondition.
//
// Built two ways: linked with libFuzzer (//snapshots/format3:format3_fuzz,
// --config=fuzz, see BUILD) and with a plain driver that replays a seed
// corpus inside `bazel test` (format3_fuzz_corpus_test).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/fuzz_support.h"
#include "snapshots/format3/constants.h"
#include "snapshots/format3/format3.h"

namespace {

namespace f2 = raftlog::snapshots::format2;
namespace f3 = raftlog::snapshots::format3;
using raftlog::snapshots::SnapshotState;

void CheckDowngrade(absl::string_view bytes, const SnapshotState& state) {
  f3::DecodeLimits limits;
  limits.max_body_bytes = 16 << 20;
  absl::StatusOr<std::string> two = f3::DowngradeToFormat2(bytes, limits);
  const bool allowed = state.voters_outgoing.empty() && state.cluster_version <= 2;
  if (!allowed) {
    if (two.status().code() != absl::StatusCode::kFailedPrecondition) {
      f2::testing::FuzzFail("format3", "downgrade not refused", two.status());
    }
    return;
  }
  if (!two.ok()) f2::testing::FuzzFail("format3", "downgrade refused", two.status());
  absl::StatusOr<SnapshotState> back = f2::Decode(*two, limits);
  if (!back.ok()) f2::testing::FuzzFail("format3", "downgraded file does not decode", back.status());
  SnapshotState want = state;
  want.metadata.clear();
  if (!(*back == want)) {
    f2::testing::FuzzFail("format3", "downgrade changes the state", absl::OkStatus());
  }
}

// outgoing_count 0, metadata_count 0.
constexpr char kEmptyExtension[8] = {0, 0, 0, 0, 0, 0, 0, 0};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const f2::testing::CodecUnderFuzz kCodec = {
      "format3",       f3::kFormatNumber, f3::Decode,     f3::DecodeHead, f3::Encode,
      kEmptyExtension, sizeof(kEmptyExtension), CheckDowngrade};
  f2::testing::FuzzContainerInput(
      kCodec, absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
