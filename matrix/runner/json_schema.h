// JSON text and a JSON Schema validator for the subset of JSON Schema
// (draft 2020-12) the project's schemas use (matrix/runner/report.schema.json):
//
//   type (a name or a list of names: object, array, string, integer,
//   number, boolean, null), properties, required, additionalProperties
//   (false, true or a schema), items (one schema), enum, const, minimum,
//   pattern (ECMAScript), anyOf, $ref ("#/$defs/NAME" only), $defs.
//   Annotations are accepted and ignored: $schema, $id, title, description,
//   $comment.
//
// A schema that uses any other keyword is refused when it is loaded, so a
// schema never seems to check what this validator does not.
#ifndef RAFTLOG_MATRIX_RUNNER_JSON_SCHEMA_H_
#define RAFTLOG_MATRIX_RUNNER_JSON_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace raftlog::runner {

// Parses JSON text (any value at the top). InvalidArgument when the text is
// not JSON, naming `what` (a file name, "report.json").
absl::StatusOr<google::protobuf::Value> ParseJson(absl::string_view text, absl::string_view what);

// Reads and parses a file: NotFound when it cannot be read, InvalidArgument
// when it is not JSON; both name the path.
absl::StatusOr<google::protobuf::Value> ReadJsonFile(const std::string& path);

class JsonSchema {
 public:
  // Parses and checks a schema: InvalidArgument on text that is not JSON, a
  // keyword outside the subset above, a malformed keyword or a $ref to a
  // definition that does not exist.
  static absl::StatusOr<JsonSchema> Parse(absl::string_view text);

  // Every way `value` breaks the schema, one line each ("$.cells[2].telemetry:
  // unexpected field \"x\" (the schema does not describe it)"); empty when it
  // conforms. Object fields are visited in name order, so the list is stable.
  std::vector<std::string> Validate(const google::protobuf::Value& value) const;

 private:
  explicit JsonSchema(google::protobuf::Value root) : root_(std::move(root)) {}
  google::protobuf::Value root_;
};

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_JSON_SCHEMA_H_
