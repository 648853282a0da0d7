// Test helpers for the chunked container (formats 2 and 3): sample states,
// options that make small files span several chunks, and byte surgery that
// reseals a deliberately altered file so that it reaches the check under
// test. testonly.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_TESTING_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "snapshots/format2/options.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format2::testing {

// Format 1's sample states plus what format 2 adds: learners and a cluster
// version of 2.
SnapshotState EmptyState();
SnapshotState SmallState();
SnapshotState GeneratedState(uint64_t seed, int kv_pairs, int sessions);

// The smallest chunks the format allows (64 bytes), so that small states
// give several chunk records.
EncodeOptions TinyChunks();

// Encodes with format 2 or aborts.
std::string MustEncode(const SnapshotState& state, const EncodeOptions& options = {});

// Little-endian overwrites. REQUIRES: they fit.
void PutU32At(std::string* file, size_t offset, uint32_t v);
void PutU64At(std::string* file, size_t offset, uint64_t v);

// The file offsets of the chunk records, read from the file as it is
// (head_len, chunk_count and each data_len trusted). Stops where the file
// does not hold a whole record.
std::vector<size_t> ChunkRecordOffsets(absl::string_view file);
// The file offset of the first byte of chunk data (chunk 0's data).
size_t FirstChunkDataOffset(absl::string_view file);

// Recompute the stored (masked) checksums after an edit, trusting the lengths in the
// file: the head's, every chunk record's, the trailer's; ResealAll does the
// three in that order. Harmless on a file too short to hold them.
void ResealHead(std::string* file);
void ResealChunks(std::string* file);
void ResealTrailer(std::string* file);
void ResealAll(std::string* file);

// Overwrites the Frame_Content_Size of the zstd frame in chunk 0 (keeping
// the field's width), for bomb tests. Returns false when the frame has no
// content size field wide enough for `fcs`.
bool PatchFrameContentSize(std::string* file, uint64_t fcs);

// --- Files built by hand from the grammar -------------------------------------

// A container file of `format` around an arbitrary compressed stream: the
// head from head_state with the given body_bytes and chunk_bytes (level 3),
// `extension` after the learners, `stream` cut into records of chunk_bytes
// (or at the sizes in `cuts`, the rest in one last record), every checksum
// valid. Built independently of the encoder.
std::string HandmadeFile(const SnapshotState& head_state, uint64_t body_bytes,
                         absl::string_view stream, uint32_t chunk_bytes,
                         const std::vector<size_t>& cuts = {}, uint32_t format = 2,
                         absl::string_view extension = absl::string_view());

// A zstd frame by hand (RFC 8878): an 8-byte Frame_Content_Size (absent when
// fcs is kNoContentSize), a 2^window_log window, `raw` as one raw block, then
// rle_blocks RLE blocks of 128 KiB of `rle_byte`; the last block is marked
// last unless `unfinished`. What no encoder writes: bombs and lies.
inline constexpr uint64_t kNoContentSize = ~uint64_t{0};
std::string HandmadeFrame(uint64_t fcs, absl::string_view raw, uint64_t rle_blocks,
                          char rle_byte = '\0', int window_log = 17, bool unfinished = false);

// The zstd frame the container writer must produce for `body` at `level`
// and `chunk_bytes` (FORMAT.md: one frame, content size, no checksum, the
// prescribed window), made by one-shot ZSTD_compress2: the reference that
// byte-level grammar tests compare the streaming writer against.
std::string ReferenceFrame(absl::string_view body, int level, uint32_t chunk_bytes);

// Sample format 2 files (several states and chunk sizes), the fuzz seeds.
std::vector<std::string> SampleFiles();

}  // namespace raftlog::snapshots::format2::testing

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_TESTING_H_
