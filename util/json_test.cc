#include "util/json.h"

#include "gtest/gtest.h"

namespace raftlog::util {
namespace {

TEST(Json, WritesNestedValuesWithCommasAndIndentation) {
  JsonWriter j;
  j.BeginObject().Field("a", uint64_t{1}).Key("list").BeginArray().Int(-2).String("x").Bool(true).Null();
  j.BeginObject().EndObject().BeginArray().EndArray().EndArray().Field("d", 0.5).EndObject();
  EXPECT_EQ(j.str(),
            "{\n  \"a\": 1,\n  \"list\": [\n    -2,\n    \"x\",\n    true,\n    null,\n    {},\n"
            "    []\n  ],\n  \"d\": 0.5\n}");
}

TEST(Json, EscapesForJsonAndForAnHtmlScriptElement) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\te"), "\"a\\\"b\\\\c\\nd\\te\"");
  EXPECT_EQ(JsonQuote("</script><!--&"), "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x7f", 2)), "\"\\u0001\\u007f\"");
  // Valid UTF-8 passes through; invalid bytes become their Latin-1 code point.
  EXPECT_EQ(JsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(JsonQuote("\xff\xc3"), "\"\\u00ff\\u00c3\"");
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"") << "surrogates are invalid";
  // The cases the linearizability checker's and schema checker's reports rely on.
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01\xff"), "\"a\\\"b\\\\c\\n\\u0001\\u00ff\"");
  EXPECT_EQ(JsonQuote(std::string("a\\b\n\x01", 5)), "\"a\\\\b\\n\\u0001\"");
}

TEST(Json, NonFiniteDoublesAreNull) {
  JsonWriter j;
  j.BeginArray().Double(1.0 / 0.0).EndArray();
  EXPECT_EQ(j.str(), "[\n  null\n]");
}

}  // namespace
}  // namespace raftlog::util
