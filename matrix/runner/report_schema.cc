#include "matrix/runner/report_schema.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftlog::runner {

// Generated from report.schema.json (BUILD: report_schema_text).
extern const char kReportSchemaJson[];

absl::string_view ReportSchemaText() { return kReportSchemaJson; }

const JsonSchema& ReportSchema() {
  static const JsonSchema* schema = [] {
    absl::StatusOr<JsonSchema> s = JsonSchema::Parse(ReportSchemaText());
    if (!s.ok()) {  // a build defect, caught by report_schema_test
      std::cerr << "report.schema.json: " << s.status().message() << "\n";
      std::abort();
    }
    return new JsonSchema(*std::move(s));
  }();
  return *schema;
}

absl::Status CheckReport(const google::protobuf::Value& report, absl::string_view what) {
  using google::protobuf::Value;
  const Value* format = nullptr;
  if (report.kind_case() == Value::kStructValue) {
    auto it = report.struct_value().fields().find("format");
    if (it != report.struct_value().fields().end()) format = &it->second;
  }
  if (format == nullptr || format->kind_case() != Value::kStringValue) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is not a matrix report: no \"format\" string (a runner's report.json starts with "
              "\"format\": \"", kReportFormat, "\")"));
  }
  if (format->string_value() != kReportFormat) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " is report format ", format->string_value(), "; this build reads ", kReportFormat,
        " (matrix/runner/report.schema.json): rerun that matrix with this build"));
  }
  std::vector<std::string> errors = ReportSchema().Validate(report);
  if (errors.empty()) return absl::OkStatus();
  const size_t shown = std::min<size_t>(errors.size(), 5);
  return absl::InvalidArgumentError(absl::StrCat(
      what, " does not conform to matrix/runner/report.schema.json (", errors.size(),
      " problem(s)):\n  ",
      absl::StrJoin(std::vector<std::string>(errors.begin(), errors.begin() + shown), "\n  ")));
}

absl::StatusOr<google::protobuf::Value> ReadReport(const std::string& path) {
  absl::StatusOr<google::protobuf::Value> v = ReadJsonFile(path);
  if (!v.ok()) return v.status();
  if (absl::Status s = CheckReport(*v, path); !s.ok()) return s;
  return v;
}

}  // namespace raftlog::runner
