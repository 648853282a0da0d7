// The checked-in wire goldens (golden/<tag>/wire-<Type>.bin, one message of
// every type each tag's schema declares) fed to every registered tag's
// decode paths by the cross-decode grid: each golden becomes a Sample of its
// sender and goes through DecodeCell (a fresh receiver node, and the
// receiver's generated schema) and JudgeCell, exactly as captured samples do.
// So the grid also covers bytes pinned by a released tag, not only what the
// current build of that tag sends today.
//
// A golden's cluster version is its envelope's protocol_version: the
// cluster version its sender spoke when it sent it; except that a message
// carrying a CLUSTER_VERSION entry (the finalize being replicated) counts at
// the version finalize raises to, the sender's max_protocol, as captured
// samples do (capture.h: messages sent while the raise commits reach only
// members that all speak the new version).
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "golden/manifest.h"
#include "gtest/gtest.h"
#include "versions/registry.h"
#include "wire/cross_decode/corpus.h"
#include "wire/cross_decode/policy.h"
#include "wire/cross_decode/schema.h"

namespace raftlog::wire::cross_decode {
namespace {

std::string GoldenDir(const std::string& tag) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/raftcert/golden/", tag);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every wire golden of `tag` as a Sample; kNotFound when the tag has no
// checked-in goldens.
absl::StatusOr<std::vector<Sample>> GoldenSamples(const api::ReleaseInfo& release) {
  const std::string& tag = release.tag;
  absl::StatusOr<std::string> text = ReadFile(GoldenDir(tag) + "/MANIFEST");
  if (!text.ok()) return text.status();
  absl::StatusOr<golden::Manifest> manifest = golden::ParseManifest(*text);
  if (!manifest.ok()) return manifest.status();
  std::vector<Sample> out;
  uint64_t seq = 0;
  for (const golden::ManifestFile& f : manifest->files) {
    if (!absl::StartsWith(f.format, "wire/")) continue;
    absl::StatusOr<std::string> bytes = ReadFile(absl::StrCat(GoldenDir(tag), "/", f.name));
    if (!bytes.ok()) return bytes.status();
    Sample s;
    s.sender_tag = tag;
    s.type = f.format.substr(5);
    s.seq = ++seq;
    s.bytes = *std::move(bytes);
    if (!absl::SimpleAtoi(f.attrs.at("from"), &s.from) ||
        !absl::SimpleAtoi(f.attrs.at("to"), &s.to)) {
      return absl::DataLossError(absl::StrCat(tag, "/", f.name, ": bad from/to"));
    }
    std::unique_ptr<google::protobuf::Message> m = ParseEnvelope(tag, s.bytes);
    if (m == nullptr) return absl::DataLossError(absl::StrCat(tag, "/", f.name, ": unparsable"));
    s.type_value = TypeValueName(*m);
    s.shape = Shape(*m);
    const google::protobuf::FieldDescriptor* pv =
        m->GetDescriptor()->FindFieldByName("protocol_version");
    if (pv == nullptr) return absl::DataLossError(absl::StrCat(tag, ": no protocol_version"));
    s.cluster_version = std::max<uint32_t>(1, m->GetReflection()->GetUInt32(*m, pv));
    if (absl::StrContains(m->DebugString(), "ENTRY_TYPE_CLUSTER_VERSION")) {
      s.cluster_version = release.max_protocol;
    }
    if (s.type_value != f.attrs.at("type")) {
      return absl::DataLossError(absl::StrCat(tag, "/", f.name, ": MANIFEST says type ",
                                              f.attrs.at("type"), ", the bytes ", s.type_value));
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(GoldenWireTest, EveryGoldenMessageThroughEveryTagsDecodePaths) {
  std::vector<std::string> tags;
  std::map<std::string, uint32_t> max_protocol;
  for (const api::ReleaseInfo& r : AllReleases()) {
    tags.push_back(r.tag);
    max_protocol[r.tag] = r.max_protocol;
  }
  const std::string policy_path = FindPolicyFile();
  ASSERT_FALSE(policy_path.empty()) << "versions/policy.txt not in the runfiles";
  WirePolicy policy = WirePolicy::Load(policy_path, tags);
  ASSERT_TRUE(policy.status().ok()) << policy.status();
  policy.SetMaxProtocols(max_protocol);

  size_t cells = 0, ok = 0, refused = 0, goldens = 0;
  std::vector<std::string> violations;
  for (const api::ReleaseInfo& sender : AllReleases()) {
    absl::StatusOr<std::vector<Sample>> samples = GoldenSamples(sender);
    // Every registered tag has checked-in goldens (golden/README.md: the
    // head's are written before the next cut; this grid needs them).
    ASSERT_TRUE(samples.ok()) << sender.tag << ": " << samples.status();
    ASSERT_FALSE(samples->empty()) << sender.tag << " has no wire goldens";
    goldens += samples->size();
    for (const Sample& s : *samples) {
      for (const api::ReleaseInfo& receiver : AllReleases()) {
        Cell c = DecodeCell(sender.tag, receiver, s.type, {&s}, /*seed=*/1, policy);
        c.violation = JudgeCell(c);
        ++cells;
        ok += c.outcome == CellOutcome::kOk;
        refused += c.outcome == CellOutcome::kRefused;
        const std::string line =
            absl::StrCat("golden/", sender.tag, "/wire-", s.type, ".bin (cv ", s.cluster_version,
                         ") -> ", receiver.tag, ": ", CellOutcomeName(c.outcome), ", expected ",
                         ExpectName(c.expected), c.required ? "" : " (not required)",
                         c.violation.empty() ? "" : absl::StrCat(": VIOLATION ", c.violation));
        std::cout << line << "\n";
        if (!c.violation.empty()) violations.push_back(line);
        // Whatever the policy: never broken, on either path.
        EXPECT_NE(c.outcome, CellOutcome::kBroken) << line << "\n" << c.first_broken;
      }
    }
  }
  std::cout << goldens << " golden messages, " << cells << " cells: " << ok << " ok, " << refused
            << " refused\n";
  EXPECT_TRUE(violations.empty()) << absl::StrJoin(violations, "\n");
  EXPECT_GT(ok, 0u);
}

}  // namespace
}  // namespace raftlog::wire::cross_decode
