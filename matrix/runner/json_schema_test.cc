#include "matrix/runner/json_schema.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

constexpr char kSchema[] = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "a test schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["format", "count", "cells"],
  "properties": {
    "format": {"const": "x/1"},
    "count": {"type": "integer", "minimum": 0},
    "ratio": {"type": "number"},
    "digest": {"type": "string", "pattern": "^[0-9a-f]{4}$"},
    "cells": {"type": "array", "items": {"$ref": "#/$defs/cell"}},
    "extra": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/cell"}]},
    "counters": {"type": "object", "additionalProperties": {"type": "integer"}}
  },
  "$defs": {
    "cell": {
      "type": "object",
      "additionalProperties": false,
      "required": ["status"],
      "properties": {"status": {"enum": ["PASS", "FAIL"]}, "flag": {"type": ["boolean", "null"]}}
    }
  }
})";

std::vector<std::string> Errors(const std::string& json) {
  absl::StatusOr<JsonSchema> schema = JsonSchema::Parse(kSchema);
  EXPECT_TRUE(schema.ok()) << schema.status();
  absl::StatusOr<google::protobuf::Value> v = ParseJson(json, "test");
  EXPECT_TRUE(v.ok()) << v.status();
  return schema->Validate(*v);
}

std::string Joined(const std::string& json) { return absl::StrJoin(Errors(json), "\n"); }

TEST(JsonSchemaTest, ConformingDocumentHasNoErrors) {
  EXPECT_EQ(Joined(R"({"format": "x/1", "count": 3, "ratio": 0.5, "digest": "00af",
                       "cells": [{"status": "PASS"}, {"status": "FAIL", "flag": null}],
                       "extra": null, "counters": {"a": 1, "b": 2}})"),
            "");
  EXPECT_EQ(Joined(R"({"format": "x/1", "count": 0, "cells": [], "extra": {"status": "PASS"}})"), "");
}

TEST(JsonSchemaTest, EachKeywordRejects) {
  const std::string base = R"("format": "x/1", "count": 1, "cells": [])";
  EXPECT_EQ(Joined(R"({"count": 1, "cells": []})"), "$: missing field \"format\"");
  EXPECT_EQ(Joined("{" + base + R"(, "new": 1})"),
            "$: unexpected field \"new\" (the schema does not describe it)");
  EXPECT_EQ(Joined(R"({"format": "x/2", "count": 1, "cells": []})"),
            "$.format: expected \"x/1\", found \"x/2\"");
  EXPECT_EQ(Joined(R"({"format": "x/1", "count": 1.5, "cells": []})"),
            "$.count: expected \"integer\", found number 1.5");
  EXPECT_EQ(Joined(R"({"format": "x/1", "count": -1, "cells": []})"),
            "$.count: -1 is below the minimum 0");
  EXPECT_EQ(Joined("{" + base + R"(, "digest": "00AF"})"),
            "$.digest: \"00AF\" does not match \"^[0-9a-f]{4}$\"");
  EXPECT_EQ(Joined(R"({"format": "x/1", "count": 1, "cells": [{"status": "MAYBE"}]})"),
            "$.cells[0].status: \"MAYBE\" is not one of [\"PASS\",\"FAIL\"]");
  EXPECT_EQ(Joined(R"({"format": "x/1", "count": 1, "cells": [{"status": "PASS", "flag": 1}]})"),
            "$.cells[0].flag: expected [\"boolean\",\"null\"], found integer 1");
  EXPECT_EQ(Joined("{" + base + R"(, "extra": 7})"), "$.extra: matches none of anyOf: 7");
  EXPECT_EQ(Joined("{" + base + R"(, "counters": {"a": "x"}})"),
            "$.counters.a: expected \"integer\", found string \"x\"");
  // Several problems: all of them, fields in name order.
  EXPECT_EQ(Errors(R"({"cells": [{}], "zz": 1, "aa": 2})").size(), 5u);
}

TEST(JsonSchemaTest, SchemaOutsideTheSubsetIsRefused) {
  auto refused = [](const std::string& schema, const std::string& what) {
    absl::StatusOr<JsonSchema> s = JsonSchema::Parse(schema);
    ASSERT_FALSE(s.ok()) << schema;
    EXPECT_NE(s.status().message().find(what), std::string::npos) << s.status();
  };
  refused(R"({"type": "object", "oneOf": []})", "keyword \"oneOf\" is outside the supported subset");
  refused(R"({"properties": {"a": {"maxLength": 3}}})", "schema #/properties/a: keyword \"maxLength\"");
  refused(R"({"$ref": "#/$defs/missing"})", "names no definition");
  refused(R"({"$ref": "other.json#/x"})", "$ref must be");
  refused(R"({"type": "float"})", "unknown type");
  refused(R"({"pattern": "("})", "not a regular expression");
  refused("[1, 2", "the schema is not JSON");
  refused("[1, 2]", "not a JSON object");
}

TEST(JsonSchemaTest, TextThatIsNotJsonIsAnError) {
  absl::StatusOr<google::protobuf::Value> v = ParseJson("{\"a\": ", "some.json");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find("some.json is not JSON"), std::string::npos) << v.status();
  absl::StatusOr<google::protobuf::Value> missing = ReadJsonFile("/nonexistent/report.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/report.json"), std::string::npos);
}

}  // namespace
}  // namespace raftlog::runner
