// The cross-version decode grid, asserted. Generic part: every registered
// pair agrees with the policy, every tag's capture covers its MessageType.
// Expectations of today: v1->v1 is ok for every type v1 sends. The judging
// itself is tested on fake receivers and edited captures, so that each
// check is seen to fail when it should.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/registry.h"
#include "wire/cross_decode/capture.h"
#include "wire/cross_decode/corpus.h"
#include "wire/cross_decode/node_decode.h"
#include "wire/cross_decode/policy.h"
#include "wire/cross_decode/schema.h"

namespace raftlog::wire::cross_decode {
namespace {

// With versions/policy.txt (in the runfiles).
const Report& TheReport() {
  static const Report* report = [] {
    CrossDecodeOptions o;
    o.policy_path = FindPolicyFile();
    return new Report(RunCrossDecode(AllReleases(), o));
  }();
  return *report;
}

const Capture& CaptureOf(const Report& report, const std::string& tag) {
  for (const Capture& c : report.captures) {
    if (c.tag == tag) return c;
  }
  static const Capture* none = new Capture();
  return *none;
}

TEST(CrossDecode, EveryCellAgreesWithThePolicy) {
  const Report& report = TheReport();
  EXPECT_TRUE(report.violations.empty()) << FormatGrid(report);
  EXPECT_EQ(report.tags.size(), AllReleases().size());
  // Every (sender, type, cluster version) row has a cell for every receiver.
  std::map<std::string, size_t> receivers;
  for (const Cell& c : report.cells) {
    ++receivers[absl::StrCat(c.sender, " ", c.type, " @cv", c.cluster_version)];
  }
  for (const auto& [row, n] : receivers) EXPECT_EQ(n, report.tags.size()) << row;
  std::printf("%s", FormatGrid(report).c_str());
}

TEST(CrossDecode, ReadsThePolicyFile) {
  // An unusable policy file is a violation, and the grid says so.
  CrossDecodeOptions o;
  o.policy_path = "/nonexistent/policy.txt";
  const Report broken = RunCrossDecode(AllReleases(), o);
  ASSERT_FALSE(broken.violations.empty());
  EXPECT_NE(broken.violations.front().find("policy unusable"), std::string::npos);
  EXPECT_NE(FormatGrid(broken).find("UNUSABLE"), std::string::npos);

  const Report& report = TheReport();
  EXPECT_EQ(report.policy.source(), kPolicyPath);
  ASSERT_TRUE(report.policy.status().ok()) << report.policy.status();
  // v1 -> v1 is declared in the file (its line, not only the self rule).
  const PairRule rule = report.policy.Pair("v1", "v1");
  EXPECT_TRUE(rule.must_interoperate);
  EXPECT_NE(rule.why.find("versions/policy.txt:"), std::string::npos) << rule.why;
}

// Today's expectation: v1 sends every type its schema declares, and v1 reads
// every one of them.
TEST(CrossDecode, V1ToV1IsOkForEveryTypeV1Sends) {
  const Report& report = TheReport();
  const Capture& v1 = CaptureOf(report, "v1");
  ASSERT_EQ(v1.tag, "v1");
  EXPECT_TRUE(v1.notes.empty()) << v1.notes.front();
  std::map<std::string, std::string> type_of_value;  // envelope value -> Outbound::type
  for (const Sample& s : v1.samples) type_of_value[s.type_value] = s.type;
  const std::vector<const google::protobuf::EnumValueDescriptor*> sendable = SendableTypes("v1");
  ASSERT_EQ(sendable.size(), 6u);
  EXPECT_TRUE(NeverSends("v1").empty());
  for (const auto* value : sendable) {
    auto it = type_of_value.find(value->name());
    ASSERT_NE(it, type_of_value.end()) << "no sample of " << value->full_name();
    bool found = false;
    for (const Cell& c : report.cells) {
      if (c.sender != "v1" || c.receiver != "v1" || c.type != it->second) continue;
      found = true;
      EXPECT_EQ(c.outcome, CellOutcome::kOk) << c.type << ": " << c.first_broken;
      EXPECT_GE(c.samples, 1u);
      EXPECT_EQ(c.ok, c.samples);
      EXPECT_EQ(c.unknown_fields, 0u) << c.type;  // v1 writes nothing v1 does not know
      EXPECT_TRUE(c.required);
    }
    EXPECT_TRUE(found) << value->name();
  }
  // The run went through what the scenario promises: more than one sample
  // of the busy types, a snapshot install and its answer.
  std::map<std::string, size_t> per_type;
  for (const Sample& s : v1.samples) ++per_type[s.type_value];
  EXPECT_EQ(per_type["MESSAGE_TYPE_APPEND_ENTRIES"], CrossDecodeOptions().per_type);
  EXPECT_GE(per_type["MESSAGE_TYPE_INSTALL_SNAPSHOT"], 1u);
  EXPECT_GE(per_type["MESSAGE_TYPE_INSTALL_SNAPSHOT_RESPONSE"], 1u);
}

// The shapes the corpus promises for v1's richest type: heartbeats, and
// entries of every type v1 writes (noop, command, config).
TEST(CrossDecode, V1AppendEntriesSamplesCoverEveryEntryType) {
  const Capture& v1 = CaptureOf(TheReport(), "v1");
  std::string shapes;
  for (const Sample& s : v1.samples) {
    if (s.type_value == "MESSAGE_TYPE_APPEND_ENTRIES") absl::StrAppend(&shapes, s.shape, "\n");
  }
  for (const char* part : {"ENTRY_TYPE_NOOP", "ENTRY_TYPE_COMMAND", "ENTRY_TYPE_CONFIG"}) {
    EXPECT_NE(shapes.find(part), std::string::npos) << part << " in\n" << shapes;
  }
}

TEST(CrossDecode, CaptureIsDeterministicPerSeed) {
  const api::ReleaseInfo* v1 = FindRelease("v1");
  ASSERT_NE(v1, nullptr);
  CaptureOptions o;
  const Capture a = CaptureRelease(*v1, o);
  const Capture b = CaptureRelease(*v1, o);
  EXPECT_EQ(CaptureDigest(a), CaptureDigest(b));
  EXPECT_EQ(a.delivered, b.delivered);
  EXPECT_EQ(CaptureDigest(a), CaptureDigest(CaptureOf(TheReport(), "v1")));
  o.seed = 2;
  const Capture c = CaptureRelease(*v1, o);
  EXPECT_NE(CaptureDigest(a), CaptureDigest(c));
  EXPECT_TRUE(CoverageViolations(c).empty()) << CoverageViolations(c).front();
}

// The completeness check fails when a type is missing: drop each of v1's
// types from its capture in turn.
TEST(CrossDecode, AMissingTypeIsAViolation) {
  const Capture& full = CaptureOf(TheReport(), "v1");
  ASSERT_TRUE(CoverageViolations(full).empty());
  for (const auto* value : SendableTypes("v1")) {
    Capture cut = full;
    cut.samples.erase(
        std::remove_if(cut.samples.begin(), cut.samples.end(),
                       [&](const Sample& s) { return s.type_value == value->name(); }),
        cut.samples.end());
    ASSERT_LT(cut.samples.size(), full.samples.size()) << value->name();
    std::vector<std::string> v = CoverageViolations(cut);
    ASSERT_EQ(v.size(), 1u) << value->name();
    EXPECT_NE(v[0].find(absl::StrCat("no sample of ", value->full_name())), std::string::npos)
        << v[0];
  }
}

TEST(CrossDecode, InconsistentTypeNamesAreViolations) {
  Capture c = CaptureOf(TheReport(), "v1");
  ASSERT_GE(c.samples.size(), 2u);
  // One sample claims another Outbound::type than its envelope says.
  Sample odd = c.samples.front();
  odd.type = "SomethingElse";
  c.samples.push_back(odd);
  std::vector<std::string> v = CoverageViolations(c);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("sent under several names"), std::string::npos) << v[0];
  // An unspecified type in the envelope.
  Capture u = CaptureOf(TheReport(), "v1");
  Sample zero = u.samples.front();
  zero.type = "Zero";
  zero.type_value = "MESSAGE_TYPE_UNSPECIFIED";
  u.samples.push_back(zero);
  v = CoverageViolations(u);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("MESSAGE_TYPE_UNSPECIFIED"), std::string::npos) << v[0];
  // An unregistered tag's capture has no schema.
  Capture none;
  none.tag = "v999";
  v = CoverageViolations(none);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("not linked"), std::string::npos);
}

// --- The judge, on receivers that misbehave -------------------------------

// Wraps a real node; Deliver answers `status` (counted or not) instead.
class Refuser : public api::Node {
 public:
  Refuser(std::unique_ptr<api::Node> inner, absl::Status status, bool count)
      : inner_(std::move(inner)), status_(std::move(status)), count_(count) {}
  absl::Status Start() override { return inner_->Start(); }
  absl::Status Deliver(api::NodeId, absl::string_view) override {
    if (count_) ++extra_["unknown_message_types"];
    return status_;
  }
  void Tick() override { inner_->Tick(); }
  void Submit(const api::Request& r) override { inner_->Submit(r); }
  api::Ready TakeReady() override { return inner_->TakeReady(); }
  api::ProtocolState State() const override { return inner_->State(); }
  std::optional<api::EntryId> EntryAt(uint64_t i) const override { return inner_->EntryAt(i); }
  std::map<std::string, uint64_t> Counters() const override {
    std::map<std::string, uint64_t> c = inner_->Counters();
    for (const auto& [k, v] : extra_) c[k] += v;
    return c;
  }

 private:
  std::unique_ptr<api::Node> inner_;
  absl::Status status_;
  bool count_;
  std::map<std::string, uint64_t> extra_;
};

struct RefuserMode {
  absl::Status status;
  bool count;
};
RefuserMode g_mode;

std::unique_ptr<api::Node> MakeRefuser(const api::NodeOptions& o) {
  return std::make_unique<Refuser>(FindRelease("v1")->make_node(o), g_mode.status, g_mode.count);
}

// A receiver that looks like v1 (tag and schema) but refuses as `mode` says.
api::ReleaseInfo FakeV1(RefuserMode mode) {
  g_mode = std::move(mode);
  api::ReleaseInfo r = *FindRelease("v1");
  r.make_node = &MakeRefuser;
  return r;
}

std::vector<const Sample*> SamplesOf(const Capture& c, const std::string& type) {
  std::vector<const Sample*> out;
  for (const Sample& s : c.samples) {
    if (s.type == type) out.push_back(&s);
  }
  return out;
}

TEST(CrossDecode, JudgeFailsARequiredPairOnAnyDisagreement) {
  const Capture& v1 = CaptureOf(TheReport(), "v1");
  const std::vector<const Sample*> samples = SamplesOf(v1, "AppendEntries");
  ASSERT_FALSE(samples.empty());

  // Counted refusals where the policy expects ok.
  const WirePolicy& policy = TheReport().policy;
  Cell c = DecodeCell("v1", FakeV1({absl::UnimplementedError("no"), true}), "AppendEntries",
                      samples, 1, policy);
  EXPECT_EQ(c.outcome, CellOutcome::kRefused);
  EXPECT_EQ(c.codes, std::set<std::string>{"UNIMPLEMENTED"});
  EXPECT_EQ(c.counters, std::set<std::string>{"unknown_message_types"});
  EXPECT_NE(JudgeCell(c).find("expected ok, got refused"), std::string::npos) << JudgeCell(c);

  // Uncounted refusals: broken, for any pair.
  c = DecodeCell("v1", FakeV1({absl::DataLossError("no"), false}), "AppendEntries", samples, 1,
                 policy);
  EXPECT_EQ(c.outcome, CellOutcome::kBroken);
  EXPECT_EQ(c.node_broken, samples.size());
  c.required = false;
  EXPECT_NE(JudgeCell(c).find("node path broken"), std::string::npos) << JudgeCell(c);

  // An error code outside the table.
  c = DecodeCell("v1", FakeV1({absl::InternalError("no"), true}), "AppendEntries", samples, 1,
                 policy);
  EXPECT_EQ(c.outcome, CellOutcome::kBroken);
  EXPECT_NE(c.first_broken.find("outside the table"), std::string::npos) << c.first_broken;

  // The real v1, where the policy would expect refusals: an unexpected ok
  // fails too.
  c = DecodeCell("v1", *FindRelease("v1"), "AppendEntries", samples, 1, policy);
  EXPECT_EQ(c.outcome, CellOutcome::kOk);
  EXPECT_EQ(JudgeCell(c), "");
  c.expected = Expect::kRefused;
  EXPECT_NE(JudgeCell(c).find("expected refused, got ok"), std::string::npos) << JudgeCell(c);

  // A pair the policy does not require: a schema-only break is reported,
  // not failed; the same break on a required pair fails.
  Cell schema_broken = c;
  schema_broken.expected = Expect::kOk;
  schema_broken.outcome = CellOutcome::kBroken;
  schema_broken.broken = 1;
  schema_broken.ok = schema_broken.samples - 1;
  schema_broken.first_broken = "schema: lost";
  schema_broken.required = false;
  EXPECT_EQ(JudgeCell(schema_broken), "");
  schema_broken.required = true;
  EXPECT_NE(JudgeCell(schema_broken).find("must interoperate"), std::string::npos);
}

TEST(CrossDecode, SchemaBreakIsBroken) {
  // Bytes that the sender's own schema cannot parse make a broken cell.
  Sample bad;
  bad.sender_tag = "v1";
  bad.from = 2;
  bad.to = 1;
  bad.type = "AppendEntries";
  bad.bytes = std::string("\x62\x05\x08", 3);  // body claims 5 bytes, has 1
  Cell c = DecodeCell("v1", *FindRelease("v1"), "AppendEntries", {&bad}, 1, TheReport().policy);
  EXPECT_EQ(c.outcome, CellOutcome::kBroken);
  // The node refuses it cleanly; the schema path is what breaks.
  EXPECT_EQ(c.node_broken, 0u);
  EXPECT_NE(c.first_broken.find("schema: "), std::string::npos) << c.first_broken;
  EXPECT_NE(JudgeCell(c), "");
}

TEST(CrossDecode, GridIsReadable) {
  const std::string grid = FormatGrid(TheReport());
  EXPECT_NE(grid.find("-> v1"), std::string::npos) << grid;
  EXPECT_NE(grid.find("AppendEntries"), std::string::npos);
  EXPECT_NE(grid.find(TheReport().violations.empty() ? "PASS" : "FAIL"), std::string::npos);
  Report failing = TheReport();
  failing.violations = {"v1->v1 X: made up"};
  EXPECT_NE(FormatGrid(failing).find("FAIL: 1 violations"), std::string::npos);
}

}  // namespace
}  // namespace raftlog::wire::cross_decode
