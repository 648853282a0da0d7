#include "matrix/runner/report_junit.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "matrix/runner/report.h"

namespace raftlog::runner {
namespace {

constexpr char kSchema[] = "matrix/runner/testdata/junit.xsd";
constexpr char kBroken[] = "matrix/runner/testdata/junit_broken.xml";
constexpr char kXmllint[] = "/usr/bin/xmllint";

CellResult Cell(const std::string& scenario, const std::string& from, const std::string& to,
                CellStatus status, std::vector<SeedOutcome> outcomes, double wall_s) {
  CellResult c;
  c.key = {scenario, from, to};
  c.supported = status != CellStatus::kRefused && status != CellStatus::kUnexpectedGreen;
  c.verdict.status = status;
  c.verdict.seeds = static_cast<int>(outcomes.size());
  c.wall_s = wall_s;
  uint64_t seed = 1;
  for (SeedOutcome o : outcomes) {
    SeedSummary s;
    s.seed = seed++;
    s.outcome = o;
    s.matches_policy = o == (c.supported ? SeedOutcome::kPass : SeedOutcome::kRefused);
    if (s.matches_policy) ++c.verdict.matching;
    c.seeds.push_back(s);
  }
  return c;
}

// Two scenarios; a cell of every status; strings that need escaping.
MatrixResult Sample() {
  MatrixResult m;
  m.mode = Mode::kFast;
  m.pairs = {{"v2", "v2"}, {"v2", "v3"}};
  m.scenarios = {"leader_flaps", "downgrade"};
  m.policy_file = "versions/policy.txt";
  m.cells.push_back(Cell("leader_flaps", "v2", "v2", CellStatus::kPass,
                         {SeedOutcome::kPass, SeedOutcome::kPass}, 0.25));
  CellResult fail = Cell("leader_flaps", "v2", "v3", CellStatus::kFail,
                         {SeedOutcome::kPass, SeedOutcome::kFail}, 1.2345);
  Artifact a;
  a.seed = 2;
  a.verdict.outcome = SeedOutcome::kFail;
  a.verdict.first_violation =
      "SAFETY election_safety @1500us: two leaders <n1 & n2> in \"term\" '7'";
  a.first_violation = a.verdict.first_violation;
  a.verdict.reasons = {"safety: 1 violation(s), first: ...", "bell\x07 and bad byte \xff"};
  a.reproduce = ReproduceCommand(fail.key, 2, Mode::kFast);
  fail.artifact = a;
  m.cells.push_back(fail);
  m.cells.push_back(Cell("downgrade", "v2", "v2", CellStatus::kRefused,
                         {SeedOutcome::kRefused, SeedOutcome::kRefused}, 0.5));
  CellResult green = Cell("downgrade", "v2", "v3", CellStatus::kUnexpectedGreen,
                          {SeedOutcome::kGreen, SeedOutcome::kRefused}, 0.125);
  green.seeds[0].reason = "every check passed and nothing was refused, but the policy ...";
  m.cells.push_back(green);
  CellResult unknown = Cell("downgrade", "v3", "v3", CellStatus::kUnknown,
                            {SeedOutcome::kPass, SeedOutcome::kUnknown}, 2.0004);
  unknown.seeds[1].reason =
      "linearizability unknown (search budget exhausted, not a pass): 9 states";
  m.cells.push_back(unknown);
  return m;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string TmpFile(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = absl::StrCat(dir ? dir : "/tmp", "/", name);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

// xmllint's exit status validating `path` against the schema.
int Xmllint(const std::string& path) {
  const std::string cmd =
      absl::StrCat(kXmllint, " --noout --schema '", kSchema, "' '", path, "'");
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(XmlEscapeTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(XmlEscape("plain v2->v3"), "plain v2-&gt;v3");
}

TEST(XmlEscapeTest, WhitespaceSurvivesAttributesAndStaysReadableInText) {
  EXPECT_EQ(XmlEscape("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
  EXPECT_EQ(XmlEscapeText("a\tb\nc\rd"), "a\tb\nc&#13;d");
}

TEST(XmlEscapeTest, ControlCharactersXmlCannotCarryBecomeVisibleText) {
  EXPECT_EQ(XmlEscape(std::string("nul\0bell\x07", 9)), "nul\\x00bell\\x07");
  EXPECT_EQ(XmlEscape("\x1b[31m"), "\\x1B[31m");
  EXPECT_EQ(XmlEscapeText("\x0b\x0c"), "\\x0B\\x0C");
}

TEST(XmlEscapeTest, KeepsWellFormedUtf8AndEscapesTheRest) {
  EXPECT_EQ(XmlEscape("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80");
  EXPECT_EQ(XmlEscape("\xff"), "\\xFF");
  EXPECT_EQ(XmlEscape("\xc3"), "\\xC3");                 // truncated
  EXPECT_EQ(XmlEscape("\xc0\xaf"), "\\xC0\\xAF");        // overlong '/'
  EXPECT_EQ(XmlEscape("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a surrogate
  EXPECT_EQ(XmlEscape("\xef\xbf\xbe"), "\\xEF\\xBF\\xBE");  // U+FFFE
}

TEST(JunitReportTest, OneSuitePerScenarioOneCasePerCellWithMatchingTotals) {
  const std::string x = JunitReport(Sample());
  EXPECT_TRUE(absl::StartsWith(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")) << x;
  EXPECT_TRUE(absl::StrContains(
      x, R"(<testsuites name="raftcert matrix" tests="5" failures="2" errors="1" skipped="0" )"
         R"(time="4.110">)"))
      << x;
  EXPECT_TRUE(absl::StrContains(
      x, R"(<testsuite name="leader_flaps" tests="2" failures="1" errors="0" skipped="0" )"
         R"(time="1.485">)"))
      << x;
  EXPECT_TRUE(absl::StrContains(
      x, R"(<testsuite name="downgrade" tests="3" failures="1" errors="1" skipped="0" )"
         R"(time="2.625">)"))
      << x;
  EXPECT_EQ(Count(x, "<testsuite "), 2u);
  EXPECT_EQ(Count(x, "<testcase "), 5u);
  EXPECT_EQ(Count(x, "<failure "), 2u);
  EXPECT_EQ(Count(x, "<error "), 1u);
  EXPECT_EQ(Count(x, "<skipped"), 0u);
  EXPECT_TRUE(absl::StrContains(
      x, R"(<testcase classname="leader_flaps" name="v2-&gt;v3" time="1.235">)"))
      << x;
  // leader_flaps comes first: the cells' order.
  EXPECT_LT(x.find("name=\"leader_flaps\""), x.find("name=\"downgrade\""));
}

TEST(JunitReportTest, SeedsAreProperties) {
  const std::string x = JunitReport(Sample());
  EXPECT_TRUE(absl::StrContains(x, R"(<property name="seed.1" value="pass"/>)")) << x;
  EXPECT_TRUE(absl::StrContains(x, R"(<property name="seed.2" value="fail"/>)")) << x;
  EXPECT_TRUE(absl::StrContains(x, R"(<property name="seed.1" value="green"/>)")) << x;
  EXPECT_TRUE(absl::StrContains(x, R"(<property name="seed.2" value="unknown"/>)")) << x;
  EXPECT_EQ(Count(x, "<property name=\"seed."), 10u);
}

TEST(JunitReportTest, FailureCarriesInvariantClassSeedAndReproduction) {
  const MatrixResult m = Sample();
  const std::string x = JunitReport(m);
  EXPECT_TRUE(absl::StrContains(
      x, "<failure message=\"SAFETY election_safety @1500us: two leaders &lt;n1 &amp; n2&gt; in "
         "&quot;term&quot; &apos;7&apos;\" type=\"election_safety\">"))
      << x;
  EXPECT_TRUE(absl::StrContains(x, "\nseed 2: SAFETY election_safety")) << x;
  EXPECT_TRUE(absl::StrContains(x, "bell\\x07 and bad byte \\xFF")) << x;
  const std::string repro = ReproduceCommand(m.cells[1].key, 2, Mode::kFast);
  EXPECT_TRUE(absl::StrContains(x, absl::StrCat("reproduce: ", XmlEscapeText(repro), "\n"))) << x;
}

TEST(JunitReportTest, UnexpectedGreenFailsAndUnknownIsAnErrorNotAPass) {
  const MatrixResult m = Sample();
  EXPECT_EQ(CellDiagnosisClass(m.cells[3]), "unexpected_green");
  EXPECT_EQ(CellDiagnosisClass(m.cells[4]), "lin_unknown");
  const std::string x = JunitReport(m);
  EXPECT_TRUE(absl::StrContains(
      x, "<failure message=\"every check passed and nothing was refused, but the policy ...\" "
         "type=\"unexpected_green\">"))
      << x;
  // No artifact: the first mismatching seed and its own command.
  EXPECT_TRUE(absl::StrContains(
      x, absl::StrCat("reproduce: ",
                      XmlEscapeText(ReproduceCommand(m.cells[3].key, 1, Mode::kFast)))))
      << x;
  EXPECT_TRUE(absl::StrContains(
      x, "<error message=\"linearizability unknown (search budget exhausted, not a pass): 9 "
         "states\" type=\"lin_unknown\">"))
      << x;
  // The refused-as-expected cell is a plain pass.
  const size_t refused = x.find(R"(<testcase classname="downgrade" name="v2-&gt;v2")");
  ASSERT_NE(refused, std::string::npos);
  const std::string body = x.substr(refused, x.find("</testcase>", refused) - refused);
  EXPECT_FALSE(absl::StrContains(body, "<failure")) << body;
  EXPECT_FALSE(absl::StrContains(body, "<error")) << body;
  EXPECT_TRUE(absl::StrContains(body, "REFUSED-as-expected 2/2")) << body;
}

TEST(JunitReportTest, DiagnosisClassFromTheJudgedReasons) {
  CellResult c = Cell("s", "v1", "v2", CellStatus::kFail, {SeedOutcome::kFail}, 0);
  Artifact a;
  a.verdict.outcome = SeedOutcome::kFail;
  a.verdict.reasons = {"linearizability: history not linearizable"};
  c.artifact = a;
  EXPECT_EQ(CellDiagnosisClass(c), "linearizability");
  c.artifact->verdict.reasons = {"read-back incomplete: acknowledged data could not be read"};
  EXPECT_EQ(CellDiagnosisClass(c), "read_back");
  c.artifact->verdict.reasons = {"refused although the policy supports it: 3 message(s) "
                                 "rejected: v3 -> v2 AppendEntries"};
  c.artifact->verdict.refusals = {"3 message(s) rejected: v3 -> v2 AppendEntries"};
  EXPECT_EQ(CellDiagnosisClass(c), "wire");
  c.artifact->verdict.refusals = {"n2 refused to start as v2 at 1.000s: DATA_LOSS: bad log"};
  EXPECT_EQ(CellDiagnosisClass(c), "data_loss_on_restart");
  c.artifact->verdict.refusals = {"n2 refused to start as v2 at 1.000s: FAILED_PRECONDITION: x"};
  EXPECT_EQ(CellDiagnosisClass(c), "refusal");
  c.artifact->verdict.refusals.clear();
  c.artifact->verdict.reasons = {"step 3 (wait_commit) stalled: no leader"};
  EXPECT_EQ(CellDiagnosisClass(c), "liveness");
}

TEST(JunitReportTest, SameResultSameBytes) {
  EXPECT_EQ(JunitReport(Sample()), JunitReport(Sample()));
}

TEST(JunitReportTest, WriteReportsWritesReportXml) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = absl::StrCat(tmp ? tmp : "/tmp", "/junit_reports");
  const MatrixResult m = Sample();
  ASSERT_TRUE(WriteReports(m, dir).ok());
  EXPECT_EQ(Read(dir + "/report.xml"), JunitReport(m));
  EXPECT_EQ(Read(dir + "/report.seeds.xml"), JunitSeedReport(m));
}

TEST(JunitSeedReportTest, OneSuitePerCellOneCasePerSeed) {
  const MatrixResult m = Sample();
  const std::string x = JunitSeedReport(m);
  EXPECT_TRUE(absl::StrContains(
      x, R"(<testsuites name="raftcert matrix seeds" tests="10" failures="2" errors="1" )"
         R"(skipped="0" time="0.000">)"))
      << x;
  EXPECT_EQ(Count(x, "<testsuite "), 5u);
  EXPECT_EQ(Count(x, "<testcase "), 10u);
  EXPECT_TRUE(absl::StrContains(
      x, R"(<testsuite name="leader_flaps v2-&gt;v3" tests="2" failures="1" errors="0" )"))
      << x;
  EXPECT_TRUE(absl::StrContains(
      x, R"(<testcase classname="leader_flaps v2-&gt;v3" name="seed 2" time="0.000">)"))
      << x;
  // The judged seed carries the artifact's invariant and class.
  EXPECT_TRUE(absl::StrContains(x, "type=\"election_safety\">seed 2 (fail): SAFETY")) << x;
  EXPECT_TRUE(absl::StrContains(
      x, absl::StrCat("reproduce: ", XmlEscapeText(ReproduceCommand(m.cells[1].key, 2,
                                                                    Mode::kFast)))))
      << x;
  // The green seed of the unsupported cell fails, its refused seed passes.
  EXPECT_TRUE(absl::StrContains(x, "type=\"unexpected_green\">seed 1 (green)")) << x;
  EXPECT_EQ(Count(x, "seed 2 (refused)"), 0u) << x;
  EXPECT_TRUE(absl::StrContains(x, "<error message=\"linearizability unknown")) << x;
  EXPECT_EQ(JunitSeedReport(m), JunitSeedReport(Sample()));
}

TEST(JunitSchemaTest, ReportValidatesAndBrokenFilesDoNot) {
  if (access(kXmllint, X_OK) != 0) {
    GTEST_SKIP() << kXmllint << " is absent: install libxml2-utils (scripts/setup.sh)";
  }
  ASSERT_FALSE(Read(kSchema).empty()) << kSchema;
  const std::string x = JunitReport(Sample());
  EXPECT_EQ(Xmllint(TmpFile("report.xml", x)), 0) << x;
  EXPECT_EQ(Xmllint(TmpFile("report.seeds.xml", JunitSeedReport(Sample()))), 0);
  // An empty run is still a valid document.
  EXPECT_EQ(Xmllint(TmpFile("empty.xml", JunitReport(MatrixResult{}))), 0);
  // The schema has teeth: the checked-in broken file, and the report with
  // a testcase's classname dropped, are rejected.
  EXPECT_NE(Xmllint(kBroken), 0);
  const std::string no_class =
      absl::StrReplaceAll(x, {{R"(<testcase classname="downgrade" )", "<testcase "}});
  ASSERT_NE(no_class, x);
  EXPECT_NE(Xmllint(TmpFile("no_class.xml", no_class)), 0);
  // A raw control character (what escaping prevents) is not even XML.
  const std::string raw_control = absl::StrReplaceAll(x, {{"\\x07", "\x07"}});
  ASSERT_NE(raw_control, x);
  EXPECT_NE(Xmllint(TmpFile("raw_control.xml", raw_control)), 0);
}

}  // namespace
}  // namespace raftlog::runner
