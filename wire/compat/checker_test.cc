// Unit tests of the checker on inline schemas: the cases the per-rule pairs of
// wire/testdata do not cover (tag matching, maps, nesting, enum aliases and
// type changes, defaults across types, ordering and except).
#include "wire/compat/checker.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wire/compat/test_schemas.h"

namespace raftlog::wire::compat {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Describe;
using testing::File;
using testing::RuleIds;
using testing::SchemaOf;


// Checks v1 (old body) against v2 (new body), both raft.proto of their tag.
CheckResult Check(const std::string& old_body, const std::string& new_body,
                  const std::string& syntax = "proto3", const CheckOptions& options = {}) {
  auto old_schema = SchemaOf({File("wire/v1/raft.proto", "raftlog.wire.v1", old_body, syntax)});
  auto new_schema = SchemaOf({File("wire/v2/raft.proto", "raftlog.wire.v2", new_body, syntax)});
  return CheckCompatibility(*old_schema, *new_schema, options);
}

std::string Field(const std::string& name, int number, const std::string& type,
                  const std::string& extra = "") {
  return absl::StrCat("field { name: \"", name, "\" number: ", number,
                      " label: LABEL_OPTIONAL type: ", type, " ", extra, " }");
}

std::string Message(const std::string& name, const std::string& body) {
  return absl::StrCat("message_type { name: \"", name, "\" ", body, " }");
}

TEST(CheckerTest, SameSchemaInAnotherTagIsCompatible) {
  const std::string body =
      Message("Entry", Field("index", 1, "TYPE_UINT64") +
                           Field("inner", 2, "TYPE_MESSAGE",
                                 "type_name: \".raftlog.wire.v1.Inner\"")) +
      Message("Inner", Field("x", 1, "TYPE_UINT64"));
  std::string new_body = body;
  new_body.replace(new_body.find("wire.v1"), 7, "wire.v2");
  const CheckResult result = Check(body, new_body);
  EXPECT_THAT(result.findings, IsEmpty()) << Describe(result);
  EXPECT_TRUE(result.compatible());
}

TEST(CheckerTest, MessageTypeChangeIsCaughtAcrossTags) {
  const std::string old_body =
      Message("Entry", Field("inner", 1, "TYPE_MESSAGE", "type_name: \".raftlog.wire.v1.A\"")) +
      Message("A", "") + Message("B", "");
  const std::string new_body =
      Message("Entry", Field("inner", 1, "TYPE_MESSAGE", "type_name: \".raftlog.wire.v2.B\"")) +
      Message("A", "") + Message("B", "");
  const CheckResult result = Check(old_body, new_body);
  EXPECT_THAT(RuleIds(result), ElementsAre("FIELD_WIRE_COMPATIBLE_TYPE")) << Describe(result);
  EXPECT_EQ(result.findings[0].message, "Entry");
  EXPECT_EQ(result.findings[0].field, "inner=1");
  EXPECT_EQ(result.findings[0].file, "wire/v2/raft.proto");
}

TEST(CheckerTest, StringToBytesIsFineBytesToStringIsNot) {
  EXPECT_THAT(Check(Message("M", Field("k", 1, "TYPE_STRING")),
                    Message("M", Field("k", 1, "TYPE_BYTES")))
                  .findings,
              IsEmpty());
  EXPECT_THAT(RuleIds(Check(Message("M", Field("k", 1, "TYPE_BYTES")),
                        Message("M", Field("k", 1, "TYPE_STRING")))),
              ElementsAre("FIELD_WIRE_COMPATIBLE_TYPE"));
}

TEST(CheckerTest, ScalarGroups) {
  // Same group: fine.
  EXPECT_THAT(Check(Message("M", Field("a", 1, "TYPE_UINT32")),
                    Message("M", Field("a", 1, "TYPE_BOOL")))
                  .findings,
              IsEmpty());
  EXPECT_THAT(Check(Message("M", Field("a", 1, "TYPE_FIXED64")),
                    Message("M", Field("a", 1, "TYPE_SFIXED64")))
                  .findings,
              IsEmpty());
  // Zigzag versus plain varint, fixed versus varint, float versus double.
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"TYPE_INT32", "TYPE_SINT32"},
           {"TYPE_FIXED32", "TYPE_UINT32"},
           {"TYPE_FLOAT", "TYPE_DOUBLE"},
           {"TYPE_INT32", "TYPE_ENUM"}}) {
    std::string extra = to == "TYPE_ENUM" ? "type_name: \".raftlog.wire.v2.E\"" : "";
    std::string enums = "enum_type { name: \"E\" value { name: \"E_UNSPECIFIED\" number: 0 } }";
    EXPECT_THAT(RuleIds(Check(Message("M", Field("a", 1, from)) + enums,
                          Message("M", Field("a", 1, to, extra)) + enums)),
                ElementsAre("FIELD_WIRE_COMPATIBLE_TYPE"))
        << from << " -> " << to;
  }
}

TEST(CheckerTest, EnumTypeChangeAllowedOnlyToASupersetOfTheSameName) {
  const std::string e1 =
      "enum_type { name: \"Kind\" value { name: \"K0\" number: 0 } value { name: \"K1\" number: "
      "1 } }";
  const std::string nested_superset =
      "enum_type { name: \"Kind\" value { name: \"K0\" number: 0 } value { name: \"K1\" number: "
      "1 } value { name: \"K2\" number: 2 options { [raftlog.wire.value_since]: 2 } } }";
  const std::string old_body =
      Message("M", Field("k", 1, "TYPE_ENUM", "type_name: \".raftlog.wire.v1.Kind\"")) + e1;
  // Kind moved into M (another full name), same short name, more values: fine.
  const std::string moved =
      Message("M", Field("k", 1, "TYPE_ENUM", "type_name: \".raftlog.wire.v2.M.Kind\"") +
                       nested_superset);
  CheckResult result = Check(old_body, moved);
  // (The moved enum itself counts as added: its values claim since=1, see
  // checker.h. Only the field's type matters here.)
  EXPECT_THAT(RuleIds(result), ::testing::Not(::testing::Contains("FIELD_WIRE_COMPATIBLE_TYPE")))
      << Describe(result);
  // Another enum name: not fine.
  const std::string other =
      Message("M", Field("k", 1, "TYPE_ENUM", "type_name: \".raftlog.wire.v2.Other\"")) +
      "enum_type { name: \"Other\" value { name: \"K0\" number: 0 } value { name: \"K1\" "
      "number: 1 } }";
  result = Check(old_body, other);
  EXPECT_THAT(RuleIds(result), ::testing::Contains("FIELD_WIRE_COMPATIBLE_TYPE")) << Describe(result);
}

TEST(CheckerTest, MapFieldsMatchAndNeedNoAnnotationOnTheirEntries) {
  const std::string body = R"(
    message_type {
      name: "Table"
      field { name: "rows" number: 1 label: LABEL_REPEATED type: TYPE_MESSAGE
              type_name: ".raftlog.wire.TAG.Table.RowsEntry" }
      nested_type {
        name: "RowsEntry"
        field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
        field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_UINT64 }
        options { map_entry: true }
      }
    }
  )";
  auto with_tag = [&body](const std::string& tag) {
    std::string out = body;
    out.replace(out.find("TAG"), 3, tag);
    return out;
  };
  CheckResult result = Check(with_tag("v1"), with_tag("v2"));
  EXPECT_THAT(result.findings, IsEmpty()) << Describe(result);
  // Changing the value type inside the map is a type change of the entry.
  std::string changed = with_tag("v2");
  changed.replace(changed.find("TYPE_UINT64"), 11, "TYPE_STRING");
  result = Check(with_tag("v1"), changed);
  EXPECT_THAT(RuleIds(result), ElementsAre("FIELD_WIRE_COMPATIBLE_TYPE")) << Describe(result);
  EXPECT_EQ(result.findings[0].message, "Table.RowsEntry");
}

TEST(CheckerTest, OneofMoves) {
  auto in_oneof = [](int index) {
    return absl::StrCat("oneof_index: ", index);
  };
  const std::string decl = "oneof_decl { name: \"a\" } oneof_decl { name: \"b\" }";
  const std::string old_body =
      Message("M", Field("x", 1, "TYPE_UINT64", in_oneof(0)) + Field("y", 2, "TYPE_UINT64", in_oneof(1)) + decl);
  // x leaves its oneof, y moves from b to a.
  const std::string new_body =
      Message("M", Field("x", 1, "TYPE_UINT64") + Field("y", 2, "TYPE_UINT64", in_oneof(0)) +
                       Field("z", 3, "TYPE_UINT64",
                             in_oneof(1) + " options { [raftlog.wire.field_since]: 2 }") +
                       decl);
  const CheckResult result = Check(old_body, new_body);
  ASSERT_THAT(RuleIds(result), ElementsAre("FIELD_SAME_ONEOF", "FIELD_SAME_ONEOF"))
      << Describe(result);
  EXPECT_EQ(result.findings[0].field, "x=1");
  EXPECT_NE(result.findings[0].why.find("out of oneof a"), std::string::npos);
  EXPECT_NE(result.findings[1].why.find("from oneof b to oneof a"), std::string::npos);
}

TEST(CheckerTest, RequiredFieldDeletedOrRelaxed) {
  const std::string req = "field { name: \"t\" number: 1 label: LABEL_REQUIRED type: TYPE_UINT64 }";
  CheckResult result = Check(Message("H", req), Message("H", "reserved_range { start: 1 end: 2 }"),
                             "proto2");
  EXPECT_THAT(RuleIds(result), ElementsAre("MESSAGE_SAME_REQUIRED_FIELDS")) << Describe(result);
  result = Check(Message("H", req), Message("H", Field("t", 1, "TYPE_UINT64")), "proto2");
  EXPECT_THAT(RuleIds(result), ElementsAre("FIELD_WIRE_COMPATIBLE_CARDINALITY",
                                       "MESSAGE_SAME_REQUIRED_FIELDS"))
      << Describe(result);
}

TEST(CheckerTest, DefaultsCompareByValueAcrossTypes) {
  // float 0.5 -> double 0.5: same value (type change reported separately).
  CheckResult result = Check(Message("M", Field("f", 1, "TYPE_FLOAT", "default_value: \"0.5\"")),
                             Message("M", Field("f", 1, "TYPE_DOUBLE", "default_value: \"0.5\"")),
                             "proto2");
  EXPECT_THAT(RuleIds(result), ElementsAre("FIELD_WIRE_COMPATIBLE_TYPE")) << Describe(result);
  // uint32 7 -> int64 7: same value, same wire group.
  result = Check(Message("M", Field("n", 1, "TYPE_UINT32", "default_value: \"7\"")),
                 Message("M", Field("n", 1, "TYPE_INT64", "default_value: \"7\"")), "proto2");
  EXPECT_THAT(result.findings, IsEmpty()) << Describe(result);
  // A string default that changes.
  result = Check(Message("M", Field("s", 1, "TYPE_STRING", "default_value: \"a\"")),
                 Message("M", Field("s", 1, "TYPE_STRING", "default_value: \"b\"")), "proto2");
  EXPECT_THAT(RuleIds(result), ElementsAre("FIELD_SAME_DEFAULT")) << Describe(result);
}

TEST(CheckerTest, Proto2EnumDefaultIsTheFirstValue) {
  const std::string a = "value { name: \"A\" number: 1 }";
  const std::string b = "value { name: \"B\" number: 2 }";
  auto body = [](const std::string& values) {
    return Message("M", Field("e", 1, "TYPE_ENUM", "type_name: \".raftlog.wire.vX.E\"")) +
           "enum_type { name: \"E\" " + values + " }";
  };
  auto tagged = [](std::string s, const std::string& tag) {
    s.replace(s.find("vX"), 2, tag);
    return s;
  };
  const CheckResult result =
      Check(tagged(body(a + b), "v1"), tagged(body(b + a), "v2"), "proto2");
  EXPECT_THAT(RuleIds(result), ElementsAre("FIELD_SAME_DEFAULT")) << Describe(result);
  EXPECT_NE(result.findings[0].why.find("from A=1 to B=2"), std::string::npos);
}

TEST(CheckerTest, EnumReservedNumberAndNameReuse) {
  const std::string old_enum =
      "enum_type { name: \"E\" value { name: \"E0\" number: 0 } "
      "reserved_range { start: 3 end: 3 } reserved_name: \"E_OLD\" }";
  const std::string new_enum =
      "enum_type { name: \"E\" value { name: \"E0\" number: 0 } "
      "value { name: \"E_NEW\" number: 3 options { [raftlog.wire.value_since]: 2 } } "
      "value { name: \"E_OLD\" number: 4 options { [raftlog.wire.value_since]: 2 } } }";
  const CheckResult result = Check(old_enum, new_enum);
  EXPECT_THAT(RuleIds(result), ElementsAre("RESERVED_ENUM_NO_DELETE", "RESERVED_ENUM_NO_DELETE",
                                       "RESERVED_NUMBER_REUSED", "RESERVED_NAME_REUSED"))
      << Describe(result);
}

TEST(CheckerTest, ReservedRangesCompareByCoverage) {
  const std::string old_body = Message("M", "reserved_range { start: 2 end: 10 }");
  EXPECT_THAT(Check(old_body, Message("M", "reserved_range { start: 2 end: 5 } "
                                           "reserved_range { start: 5 end: 12 }"))
                  .findings,
              IsEmpty());
  const CheckResult result =
      Check(old_body, Message("M", "reserved_range { start: 2 end: 5 } "
                                   "reserved_range { start: 6 end: 12 }"));
  ASSERT_THAT(RuleIds(result), ElementsAre("RESERVED_MESSAGE_NO_DELETE"));
  EXPECT_NE(result.findings[0].why.find("5 is free"), std::string::npos);
}

TEST(CheckerTest, NestedTypesMatchByRelativeName) {
  auto body = [](const std::string& since) {
    return Message("Outer", "nested_type { name: \"Inner\" field { name: \"x\" number: 1 "
                            "label: LABEL_OPTIONAL type: TYPE_UINT64 options { "
                            "[raftlog.wire.field_since]: " + since + " } } }");
  };
  const CheckResult result = Check(body("1"), body("2"));
  ASSERT_THAT(RuleIds(result), ElementsAre("SINCE_ANNOTATION_CHANGED"));
  EXPECT_EQ(result.findings[0].message, "Outer.Inner");
  EXPECT_EQ(result.findings[0].field, "x=1");
}

TEST(CheckerTest, DeletedMessagesServicesAndRpcsAreNotWireBreaks) {
  const std::string old_body =
      Message("Gone", "") + Message("Kept", "") +
      R"(service { name: "S" method { name: "Old" input_type: ".raftlog.wire.v1.Kept"
                                      output_type: ".raftlog.wire.v1.Kept" } }
         service { name: "T" })";
  const CheckResult result = Check(old_body, Message("Kept", "") + "service { name: \"S\" }");
  EXPECT_THAT(result.findings, IsEmpty()) << Describe(result);
}

TEST(CheckerTest, AddedElementsAgainstAnUnannotatedOldTag) {
  // The old tag has no annotations at all: anything >= 1 is newer.
  auto old_schema =
      SchemaOf({File("wire/v1/raft.proto", "raftlog.wire.v1", Message("M", Field("a", 1, "TYPE_UINT64")))},
               /*default_since=*/0);
  auto new_schema = SchemaOf({File("wire/v2/raft.proto", "raftlog.wire.v2",
                                   Message("M", Field("a", 1, "TYPE_UINT64") +
                                                    Field("b", 2, "TYPE_UINT64")))},
                             /*default_since=*/1);
  const CheckResult result = CheckCompatibility(*old_schema, *new_schema);
  EXPECT_THAT(result.findings, IsEmpty()) << Describe(result);
}

TEST(CheckerTest, SinceZeroCountsAsMissing) {
  const CheckResult result =
      Check(Message("M", ""),
            Message("M", Field("a", 1, "TYPE_UINT64", "options { [raftlog.wire.field_since]: 0 }")));
  ASSERT_THAT(RuleIds(result), ElementsAre("SINCE_ANNOTATION_MISSING"));
  EXPECT_NE(result.findings[0].why.find("since=0"), std::string::npos);
}

TEST(CheckerTest, EnumValueRenameWithAliasKeptIsFine) {
  const std::string old_enum =
      "enum_type { name: \"E\" options { allow_alias: true } value { name: \"A\" number: 0 } "
      "value { name: \"B\" number: 0 } }";
  const std::string dropped_alias =
      "enum_type { name: \"E\" value { name: \"A\" number: 0 } }";
  EXPECT_THAT(RuleIds(Check(old_enum, dropped_alias)), ElementsAre("ENUM_VALUE_SAME_NAME"));
  EXPECT_THAT(Check(old_enum, old_enum).findings, IsEmpty());
}

TEST(CheckerTest, PackageMustMatchBeyondTheTag) {
  auto old_schema = SchemaOf({File("wire/v1/raft.proto", "raftlog.wire.v1", "")});
  auto same = SchemaOf({File("wire/v2/raft.proto", "raftlog.wire.v2", "")});
  auto moved = SchemaOf({File("wire/v2/raft.proto", "raftlog.kv.v2", "")});
  EXPECT_THAT(CheckCompatibility(*old_schema, *same).findings, IsEmpty());
  const CheckResult result = CheckCompatibility(*old_schema, *moved);
  ASSERT_THAT(RuleIds(result), ElementsAre("FILE_SAME_PACKAGE"));
  EXPECT_EQ(result.findings[0].file, "wire/v2/raft.proto");
  EXPECT_EQ(result.findings[0].message, "");
}

TEST(CheckerTest, FindingsAreSortedAndExceptIsCounted) {
  const std::string old_body = Message("B", Field("x", 1, "TYPE_UINT64") + Field("y", 2, "TYPE_UINT64")) +
                               Message("A", Field("x", 1, "TYPE_UINT64"));
  const std::string new_body = Message("A", Field("x2", 1, "TYPE_UINT64")) +
                               Message("B", Field("x", 1, "TYPE_STRING") + Field("y2", 2, "TYPE_UINT64"));
  CheckResult result = Check(old_body, new_body);
  ASSERT_EQ(result.findings.size(), 3u) << Describe(result);
  EXPECT_TRUE(std::is_sorted(result.findings.begin(), result.findings.end()));
  EXPECT_EQ(result.findings[0].message, "A");
  EXPECT_EQ(result.findings[0].rule_id, "FIELD_SAME_NAME");
  EXPECT_EQ(result.findings[1].field, "x=1");
  EXPECT_EQ(result.findings[2].field, "y2=2");
  EXPECT_EQ(result.errors, 1);
  EXPECT_EQ(result.warnings, 2);
  EXPECT_FALSE(result.compatible());

  CheckOptions options;
  options.except = {"FIELD_WIRE_COMPATIBLE_TYPE"};
  result = Check(old_body, new_body, "proto3", options);
  EXPECT_EQ(result.errors, 0);
  EXPECT_EQ(result.warnings, 2);
  EXPECT_EQ(result.excepted, 1);
  EXPECT_TRUE(result.compatible());
}

TEST(CheckerTest, RpcTypesMatchAcrossTags) {
  auto body = [](const std::string& tag) {
    return Message("Req", "") + Message("Rep", "") +
           absl::StrCat("service { name: \"S\" method { name: \"Call\" input_type: \".raftlog.wire.",
                        tag, ".Req\" output_type: \".raftlog.wire.", tag, ".Rep\" } }");
  };
  EXPECT_THAT(Check(body("v1"), body("v2")).findings, IsEmpty());
}

}  // namespace
}  // namespace raftlog::wire::compat
