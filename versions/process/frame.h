// Framing of the node protocol (matrix/process/PROTOCOL.md, "Framing"): a
// 4-byte big-endian length, then that many bytes of one serialized
// raftlog.process.Frame. A length above kMaxFrameBytes, or bytes that do not
// parse, is a protocol error: the receiver closes the connection and counts it.
#ifndef RAFTLOG_VERSIONS_PROCESS_FRAME_H_
#define RAFTLOG_VERSIONS_PROCESS_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "versions/process/node_protocol.pb.h"

namespace raftlog::process {

// The largest frame payload a node sends or accepts: big enough for a
// snapshot of the test workloads, small enough to bound a connection's memory.
inline constexpr size_t kMaxFrameBytes = 64u << 20;
inline constexpr size_t kFrameHeaderBytes = 4;

// Header + payload. InvalidArgument when the payload exceeds kMaxFrameBytes.
absl::StatusOr<std::string> EncodeFrame(const Frame& frame);

// Takes one whole frame off the front of `buffer` when one is there.
// Returns nullopt when more bytes are needed; an error (and leaves `buffer`
// as it was) for an oversized length (kResourceExhausted) or a payload that
// does not parse (kDataLoss).
absl::StatusOr<std::optional<Frame>> TakeFrame(std::string* buffer);

}  // namespace raftlog::process

#endif  // RAFTLOG_VERSIONS_PROCESS_FRAME_H_
