// report.json against report.schema.json: the schema parses; the report of a
// real run (every cell with its artifact, a refused cell and a red one)
// conforms; and a report that gains or loses any field does not, so the
// schema cannot drift from JsonReport unnoticed.
#include "matrix/runner/report_schema.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "matrix/runner/report.h"
#include "matrix/sim/releases.h"
#include "versions/policy.h"

namespace raftlog::runner {
namespace {

using google::protobuf::Value;

// A real run: v1 -> v2, rolling_upgrade (supported: PASS) and
// downgrade_after_finalize, which `policy_text` declares or not (declared,
// the clean refusal is red: FAIL; undeclared: REFUSED-as-expected).
MatrixResult RunCells(const std::string& policy_text, bool artifacts_for_all) {
  absl::StatusOr<policy::Policy> policy = policy::Policy::Parse(policy_text, "test-policy");
  EXPECT_TRUE(policy.ok()) << policy.status();
  MatrixOptions o;
  o.pairs = {{"v1", "v2"}};
  o.scenarios = {"rolling_upgrade", "downgrade_after_finalize"};
  o.seeds = {1};
  o.policy = &*policy;
  o.find_release = sim::FindSimRelease;
  o.artifacts_for_all = artifacts_for_all;
  o.shrink_runs = 4;
  return RunMatrix(o);
}

Value Parsed(const MatrixResult& m) {
  absl::StatusOr<Value> v = ParseJson(JsonReport(m), "report.json");
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Value();
}

constexpr char kSupported[] =
    "v1 -> v2: rolling_upgrade, downgrade_before_finalize, snapshot_exchange, downgrade_by_procedure\n";
constexpr char kOverclaimed[] =
    "v1 -> v2: rolling_upgrade, downgrade_before_finalize, downgrade_after_finalize, "
    "snapshot_exchange, downgrade_by_procedure\n";

class ReportSchemaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MatrixResult green = RunCells(kSupported, /*artifacts_for_all=*/true);
    MatrixResult red = RunCells(kOverclaimed, /*artifacts_for_all=*/false);
    green_ = new Value(Parsed(green));
    red_ = new Value(Parsed(red));
    green_statuses_ = new std::string(
        absl::StrCat(CellStatusName(green.cells[0].verdict.status), ",",
                     CellStatusName(green.cells[1].verdict.status)));
    red_statuses_ = new std::string(absl::StrCat(CellStatusName(red.cells[0].verdict.status), ",",
                                                 CellStatusName(red.cells[1].verdict.status)));
  }
  static Value* green_;
  static Value* red_;
  static std::string* green_statuses_;
  static std::string* red_statuses_;
};
Value* ReportSchemaTest::green_ = nullptr;
Value* ReportSchemaTest::red_ = nullptr;
std::string* ReportSchemaTest::green_statuses_ = nullptr;
std::string* ReportSchemaTest::red_statuses_ = nullptr;

TEST_F(ReportSchemaTest, SchemaParsesAndPinsTheFormat) {
  absl::StatusOr<JsonSchema> s = JsonSchema::Parse(ReportSchemaText());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NE(ReportSchemaText().find(absl::StrCat("\"const\": \"", kReportFormat, "\"")),
            absl::string_view::npos);
}

TEST_F(ReportSchemaTest, RealReportsConform) {
  // The runs are what the test claims they are.
  EXPECT_EQ(*green_statuses_, "PASS,REFUSED-as-expected");
  EXPECT_EQ(*red_statuses_, "PASS,FAIL");
  for (const Value* report : {green_, red_}) {
    EXPECT_EQ(absl::StrJoin(ReportSchema().Validate(*report), "\n"), "");
    EXPECT_TRUE(CheckReport(*report, "report.json").ok());
  }
}

// Visits every object of `v` (first element of each array only: the others
// have the same schema), with its path.
void ForEachObject(Value& v, const std::string& path,
                   const std::function<void(Value&, const std::string&)>& f) {
  if (v.kind_case() == Value::kStructValue) {
    f(v, path);
    std::vector<std::string> keys;
    for (auto& [k, x] : *v.mutable_struct_value()->mutable_fields()) keys.push_back(k);
    for (const std::string& k : keys) {
      ForEachObject((*v.mutable_struct_value()->mutable_fields())[k], path + "." + k, f);
    }
  } else if (v.kind_case() == Value::kListValue && v.list_value().values_size() > 0) {
    ForEachObject(*v.mutable_list_value()->mutable_values(0), path + "[0]", f);
  }
}

TEST_F(ReportSchemaTest, EveryFieldLostIsCaught) {
  int checked = 0;
  for (Value* report : {green_, red_}) {
    Value copy = *report;
    ForEachObject(copy, "$", [&](Value& object, const std::string& path) {
      if (absl::EndsWith(path, ".fault_steps") || absl::EndsWith(path, ".steps")) {
        return;  // maps keyed by name: any subset is a report
      }
      std::vector<std::string> keys;
      for (const auto& [k, x] : object.struct_value().fields()) keys.push_back(k);
      for (const std::string& k : keys) {
        Value removed = object.struct_value().fields().at(k);
        object.mutable_struct_value()->mutable_fields()->erase(k);
        const std::vector<std::string> errors = ReportSchema().Validate(copy);
        EXPECT_FALSE(errors.empty()) << "report.json without " << path << "." << k
                                     << " still conforms: the schema does not require it";
        (*object.mutable_struct_value()->mutable_fields())[k] = removed;
        ++checked;
      }
    });
  }
  EXPECT_GT(checked, 200);  // the walk reached the cells, telemetry and artifacts
}

TEST_F(ReportSchemaTest, EveryFieldGainedIsCaught) {
  int checked = 0;
  Value copy = *green_;
  ForEachObject(copy, "$", [&](Value& object, const std::string& path) {
    if (absl::EndsWith(path, ".fault_steps")) return;  // counts keyed by fault name
    Value one;
    one.set_number_value(1);
    (*object.mutable_struct_value()->mutable_fields())["field_the_schema_lacks"] = one;
    const std::vector<std::string> errors = ReportSchema().Validate(copy);
    EXPECT_EQ(absl::StrJoin(errors, "\n"),
              absl::StrCat(path, ": unexpected field \"field_the_schema_lacks\" (the schema does "
                                 "not describe it)"));
    object.mutable_struct_value()->mutable_fields()->erase("field_the_schema_lacks");
    ++checked;
  });
  EXPECT_GT(checked, 20);
}

TEST_F(ReportSchemaTest, OtherVersionsAndOtherJsonAreRefusedClearly) {
  Value old = *green_;
  (*old.mutable_struct_value()->mutable_fields())["format"].set_string_value(
      "raftlog-matrix-report/1");
  absl::Status s = CheckReport(old, "base/report.json");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("base/report.json is report format raftlog-matrix-report/1; this "
                             "build reads raftlog-matrix-report/2"),
            std::string::npos)
      << s;
  absl::StatusOr<Value> canary = ParseJson(R"({"scenarios": "default matrix", "rows": []})", "x");
  ASSERT_TRUE(canary.ok());
  s = CheckReport(*canary, "canary/report.json");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("canary/report.json is not a matrix report"), std::string::npos) << s;
  Value broken = *green_;
  (*broken.mutable_struct_value()->mutable_fields())["seeds_run"].set_string_value("many");
  s = CheckReport(broken, "r.json");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("$.seeds_run: expected \"integer\", found string \"many\""),
            std::string::npos)
      << s;
  EXPECT_EQ(ReadReport("/nonexistent/report.json").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace raftlog::runner
