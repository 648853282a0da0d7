#include "versions/process/frame.h"

#include "absl/strings/str_cat.h"

namespace raftlog::process {

absl::StatusOr<std::string> EncodeFrame(const Frame& frame) {
  std::string payload;
  if (!frame.SerializeToString(&payload)) return absl::InternalError("frame does not serialize");
  if (payload.size() > kMaxFrameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("frame of ", payload.size(), " bytes exceeds the maximum ", kMaxFrameBytes));
  }
  const uint32_t n = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(kFrameHeaderBytes + payload.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out += payload;
  return out;
}

absl::StatusOr<std::optional<Frame>> TakeFrame(std::string* buffer) {
  if (buffer->size() < kFrameHeaderBytes) return std::optional<Frame>();
  const auto* b = reinterpret_cast<const unsigned char*>(buffer->data());
  const uint32_t n = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) |
                     uint32_t{b[3]};
  if (n > kMaxFrameBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("frame length ", n, " exceeds the maximum ", kMaxFrameBytes));
  }
  if (buffer->size() < kFrameHeaderBytes + n) return std::optional<Frame>();
  Frame frame;
  if (!frame.ParseFromArray(buffer->data() + kFrameHeaderBytes, static_cast<int>(n))) {
    return absl::DataLossError(absl::StrCat("frame of ", n, " bytes does not parse"));
  }
  buffer->erase(0, kFrameHeaderBytes + n);
  return std::optional<Frame>(std::move(frame));
}

}  // namespace raftlog::process
