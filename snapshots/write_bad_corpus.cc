// Writes the snapshot decoders' bad-input corpus (bad_corpus.h):
//   write_bad_corpus OUT_DIR        (OUT_DIR/<decoder>/<case> + EXPECTED)
// Each case is built by hand from a sample file: truncations, wrong magic,
// bad checksums, counts and lengths past the end, zstd bombs, and chunked
// transfers with a gap, an overlap or a damaged chunk. EXPECTED records the
// decoder's verdict (code and message) when written; bad_corpus_test then
// holds the decoders to it. Run it again only to add cases, and review the
// EXPECTED diff: every message must name what is wrong and where.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "snapshots/bad_corpus.h"
#include "snapshots/format1/constants.h"
#include "snapshots/format1/testing.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/install.h"
#include "snapshots/format2/testing.h"
#include "snapshots/format3/testing.h"
#include "snapshots/install_fuzz.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots {
namespace {

using Cases = std::vector<std::pair<std::string, std::string>>;

std::string Flip(std::string s, size_t at) {
  s[at] = static_cast<char>(s[at] ^ 0x40);
  return s;
}

void Truncations(const std::string& f, Cases* out) {
  for (size_t n : {size_t{0}, size_t{7}, kPreambleBytes, f.size() / 2, f.size() - 1}) {
    out->emplace_back(absl::StrCat("truncated_", n), f.substr(0, n));
  }
}

Cases Format1Cases() {
  using namespace format1;
  const std::string f = testing::MustEncode(testing::SmallState());
  Cases c;
  Truncations(f, &c);
  c.emplace_back("wrong_magic", Flip(f, 0));
  c.emplace_back("bad_crc", Flip(f, f.size() - 1));
  c.emplace_back("bad_body_byte", Flip(f, f.size() / 2));
  const std::string e = testing::MustEncode(testing::EmptyState());
  const size_t counts = kPreambleBytes + kHeaderFixedBytes +
                        kVoterBytes * testing::EmptyState().voters.size();
  std::string kv_past_end = e;
  testing::PutU64At(&kv_past_end, counts, uint64_t{1} << 40);
  testing::Reseal(&kv_past_end);
  c.emplace_back("kv_count_past_end", kv_past_end);
  std::string voters = e;
  testing::PutU32At(&voters, kPreambleBytes + 24, kMaxVoters + 1);
  testing::Reseal(&voters);
  c.emplace_back("voter_count_over_limit", voters);
  std::string format9 = e;
  testing::PutU32At(&format9, kSnapshotMagicBytes, 9);
  testing::Reseal(&format9);
  c.emplace_back("unknown_format_number", format9);
  return c;
}

std::string OnePairPrefix(uint32_t value_len) {
  std::string p;
  for (uint64_t v : {uint64_t{1}}) {
    for (int i = 0; i < 8; ++i) p += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  for (uint32_t v : {uint32_t{0}, value_len}) {
    for (int i = 0; i < 4; ++i) p += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  return p;
}

void ContainerCases(const std::string& f, uint32_t format, Cases* c) {
  using namespace format2;
  Truncations(f, c);
  c->emplace_back("wrong_magic", Flip(f, 0));
  c->emplace_back("bad_trailer_crc", Flip(f, f.size() - 1));
  c->emplace_back("bad_head_crc", Flip(f, kOffsetLastIndex));
  c->emplace_back("bad_chunk_crc", Flip(f, f.size() - 8));
  // zstd bombs (FORMAT.md, "Limits"): a head declaring more than the reader's
  // cap, and a frame holding far more than the head declares (1 GiB of
  // zeros in 128 KiB RLE blocks, a 32 KiB file).
  const SnapshotState s = testing::SmallState();
  const std::string huge_frame =
      testing::HandmadeFrame(uint64_t{2} << 30, OnePairPrefix(0), (uint64_t{2} << 30) >> 17);
  c->emplace_back("zstd_bomb_declared_over_cap",
                  testing::HandmadeFile(s, uint64_t{2} << 30, huge_frame, kMaxChunkBytes, {},
                                        format, format == 3 ? absl::string_view("\0\0\0\0\0\0\0\0", 8)
                                                            : absl::string_view()));
  const uint64_t declared = 16 + 4096 + 8;
  const std::string lying_frame =
      testing::HandmadeFrame(declared, OnePairPrefix(4096), uint64_t{1} << 13);
  c->emplace_back("zstd_bomb_frame_holds_more",
                  testing::HandmadeFile(s, declared, lying_frame, kMaxChunkBytes, {}, format,
                                        format == 3 ? absl::string_view("\0\0\0\0\0\0\0\0", 8)
                                                    : absl::string_view()));
  const std::string honest_frame = testing::HandmadeFrame(uint64_t{1} << 30, OnePairPrefix(0),
                                                          (uint64_t{1} << 30) >> 17);
  c->emplace_back("zstd_frame_content_size_over_head",
                  testing::HandmadeFile(s, 1000, honest_frame, kMaxChunkBytes, {}, format,
                                        format == 3 ? absl::string_view("\0\0\0\0\0\0\0\0", 8)
                                                    : absl::string_view()));
}

Cases Format2Cases() {
  Cases c;
  ContainerCases(format2::testing::MustEncode(format2::testing::SmallState()), 2, &c);
  return c;
}

Cases Format3Cases() {
  Cases c;
  ContainerCases(format3::testing::MustEncode(format3::testing::SmallState()), 3, &c);
  return c;
}

// A transfer message in install_fuzz.h's layout.
std::string Msg(uint8_t op, uint16_t delta, absl::string_view data, uint32_t crc = 0) {
  std::string m(1, static_cast<char>(op));
  m += static_cast<char>(delta & 0xFF);
  m += static_cast<char>(delta >> 8);
  m += static_cast<char>(data.size() & 0xFF);
  m += static_cast<char>(data.size() >> 8);
  m.append(data.data(), data.size());
  if (op & 4) {
    for (int i = 0; i < 4; ++i) m += static_cast<char>((crc >> (8 * i)) & 0xFF);
  }
  return m;
}

Cases InstallCases() {
  format2::EncodeOptions o;
  o.chunk_bytes = format2::kMinChunkBytes;
  const std::string f = format2::testing::MustEncode(format2::testing::GeneratedState(3, 40, 4), o);
  absl::StatusOr<std::vector<format2::Chunk>> chunks = format2::SplitForInstall(f, 0xFFFF);
  if (!chunks.ok() || chunks->size() < 4) {
    std::cerr << "install sample: " << chunks.status() << "\n";
    return {};
  }
  const auto& ch = *chunks;
  auto transfer = [&](const std::vector<std::string>& msgs, uint8_t flags = 0) {
    std::string t(1, static_cast<char>(flags));
    for (const std::string& m : msgs) t += m;
    return t;
  };
  auto stored = [&](size_t i) { return Msg(4, 0, ch[i].data, ch[i].crc); };
  Cases c;
  c.emplace_back("head_wrong_magic", transfer({Msg(0, 0, Flip(std::string(ch[0].data), 0))}));
  c.emplace_back("transfer_of_head_only", transfer({stored(0)}));
  c.emplace_back("chunk_record_from_a_later_offset", transfer({stored(0), stored(2)}));
  c.emplace_back("gap_skips_a_chunk",
                 transfer({stored(0), Msg(4 | 2, static_cast<uint16_t>(ch[2].offset - ch[1].offset),
                                          ch[2].data, ch[2].crc)}));
  c.emplace_back("overlap_resends_a_chunk",
                 transfer({stored(0), stored(1),
                           Msg(4 | 3, static_cast<uint16_t>(ch[1].offset), ch[1].data, ch[1].crc)}));
  c.emplace_back("chunk_damaged_in_flight",
                 transfer({stored(0), Msg(4, 0, Flip(std::string(ch[1].data), 5), ch[1].crc)}));
  c.emplace_back("chunk_at_wrong_offset",
                 transfer({stored(0), Msg(3, 3, ch[1].data)}));
  std::vector<std::string> all;
  for (size_t i = 0; i + 1 < ch.size(); ++i) all.push_back(stored(i));
  all.push_back(Msg(4, 0, ch.back().data, ch.back().crc ^ 1));
  c.emplace_back("trailer_crc_wrong", transfer(all));
  all.pop_back();
  c.emplace_back("transfer_stops_before_trailer", transfer(all));
  return c;
}

}  // namespace
}  // namespace raftlog::snapshots

int main(int argc, char** argv) {
  using namespace raftlog::snapshots;
  if (argc != 2) {
    std::cerr << "usage: write_bad_corpus OUT_DIR\n";
    return 2;
  }
  const std::map<std::string, Cases> all = {{"format1", Format1Cases()},
                                            {"format2", Format2Cases()},
                                            {"format3", Format3Cases()},
                                            {"install", InstallCases()}};
  int accepted = 0;
  for (const auto& [decoder, cases] : all) {
    const std::string dir = std::string(argv[1]) + "/" + decoder;
    std::ofstream expected(dir + "/EXPECTED");
    expected << "# <file> <code> <message>: what " << decoder
             << " says of each input (write_bad_corpus; bad_corpus_test checks it)\n";
    for (const auto& [name, bytes] : cases) {
      std::ofstream(dir + "/" + name + ".bin", std::ios::binary) << bytes;
      const absl::Status s = RunBadCorpusInput(decoder, bytes);
      if (s.ok()) {
        std::cerr << decoder << "/" << name << ": accepted (not a bad input)\n";
        ++accepted;
      }
      expected << name << ".bin " << absl::StatusCodeToString(s.code()) << " " << s.message()
               << "\n";
    }
  }
  return accepted == 0 ? 0 : 1;
}
