// report.json's schema and version: matrix/runner/report.schema.json (JSON
// Schema, embedded at build time) and the "format" string it pins. Readers of
// a report.json (the run-to-run comparison) check both before trusting a
// field.
#ifndef RAFTLOG_MATRIX_RUNNER_REPORT_SCHEMA_H_
#define RAFTLOG_MATRIX_RUNNER_REPORT_SCHEMA_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "matrix/runner/json_schema.h"

namespace raftlog::runner {

// The "format" field of report.json: its schema and version. A change that
// adds, removes or retypes a field changes report.schema.json with it (the
// schema test fails otherwise), and bumps the number when an old reader
// would misread the new report.
inline constexpr char kReportFormat[] = "raftlog-matrix-report/2";

// The text of report.schema.json.
absl::string_view ReportSchemaText();

// The parsed schema (parsed once; the schema test proves it parses).
const JsonSchema& ReportSchema();

// A parsed report.json that this build can read: InvalidArgument when it has
// no "format" string (not a matrix report: a canary report, some other
// JSON), FailedPrecondition when its format is another version (naming
// both), InvalidArgument listing the first few schema violations otherwise.
// `what` names it in messages (its path).
absl::Status CheckReport(const google::protobuf::Value& report, absl::string_view what);

// Reads, parses and checks a report.json (ReadJsonFile, then CheckReport).
absl::StatusOr<google::protobuf::Value> ReadReport(const std::string& path);

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_REPORT_SCHEMA_H_
