// Writes the Deliver paths' bad-input corpus (wire/testdata/bad/deliver_<tag>/,
// see bad_wire_corpus_test.cc): for each tag given, malformed peer messages
// built from that tag's golden wire messages (golden/<tag>/wire-*.bin):
// truncated, with a length that runs past the end, with a group wire type,
// and raw garbage; for v3, an AppendEntries over kMaxEntriesPerAppend. Each
// is delivered to a follower of the tag (bootstrapped with voters {1,2,3}
// and itself) as the MANIFEST's sender, and EXPECTED records
//   <file> <from> <to> <code> <counter that moved> <message>
// Run it again only to add cases, and review the EXPECTED diff.
//   write_bad_wire_corpus OUT_ROOT GOLDEN_ROOT TAG...
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "versions/fuzz/bad_wire_corpus.h"
#include "versions/registry.h"
#include "wire/cross_decode/wire_bytes.h"

namespace raftlog::fuzz {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Golden {
  std::string name;  // "AppendEntries"
  std::string bytes;
  uint64_t from = 0, to = 0;
};

std::vector<Golden> GoldenMessages(const std::string& dir) {
  std::vector<Golden> out;
  for (absl::string_view line : absl::StrSplit(ReadFile(dir + "/MANIFEST"), '\n')) {
    if (!absl::ConsumePrefix(&line, "file wire-") || !absl::StrContains(line, ".bin ")) continue;
    Golden g;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    g.name = std::string(absl::StripSuffix(words[0], ".bin"));
    for (absl::string_view w : words) {
      if (absl::ConsumePrefix(&w, "from=")) (void)absl::SimpleAtoi(w, &g.from);
      if (absl::ConsumePrefix(&w, "to=")) (void)absl::SimpleAtoi(w, &g.to);
    }
    g.bytes = ReadFile(dir + "/wire-" + g.name + ".bin");
    out.push_back(g);
  }
  return out;
}

}  // namespace
}  // namespace raftlog::fuzz

int main(int argc, char** argv) {
  using namespace raftlog::fuzz;
  if (argc < 4) {
    std::cerr << "usage: write_bad_wire_corpus OUT_ROOT GOLDEN_ROOT TAG...\n";
    return 2;
  }
  int accepted = 0;
  for (int i = 3; i < argc; ++i) {
    const std::string tag = argv[i];
    const std::string dir = std::string(argv[1]) + "/deliver_" + tag;
    std::vector<BadMessage> cases;
    for (const Golden& g : GoldenMessages(std::string(argv[2]) + "/" + tag)) {
      if (g.name != "AppendEntries" && g.name != "RequestVote" && g.name != "InstallSnapshot" &&
          g.name != "InstallSnapshotChunk") {
        continue;
      }
      cases.push_back({"truncated_" + g.name, g.from, g.to, g.bytes.substr(0, g.bytes.size() / 2)});
      auto lying = raftlog::wire::cross_decode::WithLyingLength(g.bytes, uint64_t{1} << 30);
      if (lying) cases.push_back({"length_past_end_" + g.name, g.from, g.to, *lying});
      cases.push_back({"group_wire_type_" + g.name, g.from, g.to, g.bytes + "\x0b"});
    }
    cases.push_back({"garbage", 2, 1, std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 10)});
    if (tag == "v3") cases.push_back({"append_over_entry_limit", 2, 1, AppendEntriesV3(65)});
    std::ofstream expected(dir + "/EXPECTED");
    expected << "# <file> <from> <to> <code> <counter> <message>: what a " << tag
             << " follower says of each input (write_bad_wire_corpus; bad_wire_corpus_test "
                "checks it)\n";
    for (const BadMessage& c : cases) {
      std::ofstream(dir + "/" + c.name + ".bin", std::ios::binary) << c.bytes;
      const DeliverOutcome o = DeliverToFollower(tag, c);
      if (o.status.ok()) {
        std::cerr << tag << "/" << c.name << ": accepted\n";
        ++accepted;
      }
      expected << c.name << ".bin " << c.from << " " << c.to << " "
               << absl::StatusCodeToString(o.status.code()) << " "
               << (o.counter_moved.empty() ? "-" : o.counter_moved) << " " << o.status.message()
               << "\n";
    }
  }
  return accepted == 0 ? 0 : 1;
}
