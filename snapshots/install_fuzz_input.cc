#include "snapshots/install_fuzz.h"

#include <vector>

#include "snapshots/format2/install.h"

namespace raftlog::snapshots {

absl::StatusOr<std::string> EncodeInstallInput(absl::string_view file, uint8_t flags) {
  absl::StatusOr<std::vector<format2::Chunk>> chunks =
      format2::SplitForInstall(file, /*max_chunk=*/0xFFFF);
  if (!chunks.ok()) return chunks.status();
  std::string out(1, static_cast<char>(flags));
  for (const format2::Chunk& c : *chunks) {
    out += static_cast<char>(0x04);  // at next_offset(), stored crc follows
    out.append(2, '\0');             // delta
    out += static_cast<char>(c.data.size() & 0xFF);
    out += static_cast<char>((c.data.size() >> 8) & 0xFF);
    out.append(c.data.data(), c.data.size());
    for (int i = 0; i < 4; ++i) out += static_cast<char>((c.crc >> (8 * i)) & 0xFF);
  }
  return out;
}

}  // namespace raftlog::snapshots
