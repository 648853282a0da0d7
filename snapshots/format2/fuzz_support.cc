#include "snapshots/format2/fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "snapshots/format2/constants.h"
#include "snapshots/format2/install.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"

namespace raftlog::snapshots::format2::testing {
namespace {

void CheckOne(const CodecUnderFuzz& codec, absl::string_view bytes) {
  DecodeLimits limits;
  limits.max_body_bytes = 16 << 20;
  absl::StatusOr<SnapshotState> state = codec.decode(bytes, limits);
  if (!state.ok()) {
    switch (state.status().code()) {
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kUnimplemented:
      case absl::StatusCode::kDataLoss:
      case absl::StatusCode::kResourceExhausted:
        return;
      default:
        FuzzFail(codec.name, "undocumented error class", state.status());
    }
  }
  absl::StatusOr<SnapshotState> head = codec.decode_head(bytes);
  if (!head.ok()) FuzzFail(codec.name, "decodes but its head does not", head.status());
  SnapshotState config = *state;
  config.kv.clear();
  config.sessions.clear();
  if (!(*head == config)) FuzzFail(codec.name, "DecodeHead disagrees", absl::OkStatus());

  EncodeOptions options;
  options.zstd_level = static_cast<int>(internal::LoadU32(bytes.data() + kOffsetZstdLevel));
  options.chunk_bytes = internal::LoadU32(bytes.data() + kOffsetChunkBytes);
  absl::StatusOr<std::string> again = codec.encode(*state, options);
  if (!again.ok()) FuzzFail(codec.name, "decoded state does not encode", again.status());
  absl::StatusOr<SnapshotState> back = codec.decode(*again, DecodeLimits());
  if (!back.ok()) FuzzFail(codec.name, "re-encoded state does not decode", back.status());
  if (!(*back == *state)) FuzzFail(codec.name, "re-encoding changes the state", absl::OkStatus());

  absl::StatusOr<std::vector<Chunk>> chunks = SplitForInstall(bytes, kMaxChunkBytes + 64);
  if (!chunks.ok()) FuzzFail(codec.name, "decodable file does not split", chunks.status());
  ChunkAssembler assembler({codec.format}, limits);
  for (const Chunk& c : *chunks) {
    absl::Status s = assembler.Add(c);
    if (!s.ok()) FuzzFail(codec.name, "assembler refuses a chunk of a decodable file", s);
  }
  absl::StatusOr<std::string> rebuilt = assembler.TakeFile();
  if (!rebuilt.ok() || *rebuilt != bytes) {
    FuzzFail(codec.name, "assembled file differs", rebuilt.status());
  }
  if (codec.on_decoded != nullptr) codec.on_decoded(bytes, *state);
}

}  // namespace

void FuzzFail(const char* codec, const char* what, const absl::Status& status) {
  std::fprintf(stderr, "%s fuzz: %s: %s\n", codec, what, status.ToString().c_str());
  std::abort();
}

void FuzzContainerInput(const CodecUnderFuzz& codec, absl::string_view input) {
  CheckOne(codec, input);
  std::string resealed(input);
  ResealAll(&resealed);
  if (resealed != input) CheckOne(codec, resealed);
  if (!input.empty() && input[0] == 'B') {
    absl::StatusOr<std::string> wrapped = internal::EncodeContainerWithBody(
        codec.format, SmallState(), absl::string_view(codec.wrap_extension, codec.wrap_extension_size),
        input.substr(1), EncodeOptions());
    if (!wrapped.ok()) FuzzFail(codec.name, "cannot wrap a body", wrapped.status());
    CheckOne(codec, *wrapped);
  }
}

}  // namespace raftlog::snapshots::format2::testing
