#include "snapshots/bad_corpus.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "snapshots/crc32c.h"
#include "snapshots/format1/format1.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/install.h"
#include "snapshots/format3/format3.h"

namespace raftlog::snapshots {
namespace {

uint32_t Fixed(absl::string_view* in, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes && !in->empty(); ++i) {
    v |= static_cast<uint32_t>(static_cast<uint8_t>((*in)[0])) << (8 * i);
    in->remove_prefix(1);
  }
  return v;
}

// install_fuzz.h's layout, in its simplest use: flags, then messages at
// next_offset() (op 0) or at `delta` (op 3), crc computed (op bit 2 clear)
// or stored.
absl::Status RunInstall(absl::string_view in) {
  if (in.empty()) return absl::InvalidArgumentError("empty transfer");
  const uint8_t flags = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  std::vector<uint32_t> formats = (flags & 3) == 0 ? std::vector<uint32_t>{2}
                                  : (flags & 3) == 2 ? std::vector<uint32_t>{3}
                                                     : std::vector<uint32_t>{2, 3};
  format2::ChunkAssembler a(formats);
  while (!in.empty()) {
    const uint8_t op = static_cast<uint8_t>(Fixed(&in, 1));
    const uint32_t delta = Fixed(&in, 2);
    const uint32_t length = Fixed(&in, 2);
    const absl::string_view data = in.substr(0, length);
    in.remove_prefix(data.size());
    const uint32_t crc = (op & 4) ? Fixed(&in, 4) : Crc32c(data);
    uint64_t offset = a.next_offset();
    if ((op & 3) == 1) offset = offset >= delta ? offset - delta : 0;
    if ((op & 3) == 2) offset += delta;
    if ((op & 3) == 3) offset = delta;
    if (absl::Status s = a.Add(offset, data, crc); !s.ok()) return s;
  }
  if (!a.complete()) {
    return absl::OutOfRangeError(absl::StrCat("transfer ended at offset ", a.next_offset(),
                                              " before the trailer"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunBadCorpusInput(absl::string_view decoder, absl::string_view input) {
  if (decoder == "format1") return format1::Decode(input).status();
  if (decoder == "format2") return format2::Decode(input).status();
  if (decoder == "format3") return format3::Decode(input).status();
  if (decoder == "install") return RunInstall(input);
  return absl::InvalidArgumentError(absl::StrCat("no decoder named ", decoder));
}

}  // namespace raftlog::snapshots
