#include "matrix/digests/digest_list.h"

#include "gtest/gtest.h"

namespace raftlog::digests {
namespace {

// The shape report.json has (matrix/runner/report.cc), two cells, fields the
// list ignores included; '>' escaped as the report's writer does.
constexpr char kReport[] = R"({
  "summary": {"line": "x"},
  "cells": [
    {"scenario": "rolling_upgrade", "from": "v2", "to": "v3", "pair": "v2-\u003ev3",
     "seed_results": [
       {"seed": 10, "outcome": "pass", "digest": "00000000000000aa", "reason": ""},
       {"seed": 2, "outcome": "pass", "digest": "00000000000000bb", "reason": ""}]},
    {"scenario": "joint_mixed", "from": "v1", "to": "v1",
     "seed_results": [{"seed": 1, "digest": "0123456789abcdef"}],
     "artifact": {"seed": 1, "digest": "not one"}}
  ]
})";

TEST(DigestsFromReport, EverySeedOfEveryCellSortedBySeedNumber) {
  absl::StatusOr<std::vector<SeedDigest>> d = DigestsFromReport(kReport);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(FormatList(*d, {"head"}),
            "# head\n"
            "joint_mixed v1->v1 1 0123456789abcdef\n"
            "rolling_upgrade v2->v3 2 00000000000000bb\n"
            "rolling_upgrade v2->v3 10 00000000000000aa\n");
}

TEST(DigestsFromReport, BadReportsAreErrorsNamingTheField) {
  const auto error = [](const std::string& json) {
    absl::StatusOr<std::vector<SeedDigest>> d = DigestsFromReport(json);
    return d.ok() ? std::string("ok") : std::string(d.status().message());
  };
  EXPECT_NE(error("{").find("not JSON"), std::string::npos);
  EXPECT_NE(error("{}").find("\"cells\""), std::string::npos);
  EXPECT_EQ(error(R"({"cells": []})"), "report has no seed result");
  EXPECT_NE(error(R"({"cells": [{"from": "v1", "to": "v2", "seed_results": []}]})").find("cells[0]: no string field \"scenario\""),
            std::string::npos);
  EXPECT_NE(error(R"({"cells": [{"scenario": "s", "from": "v1", "to": "v2"}]})").find("seed_results"), std::string::npos);
  EXPECT_NE(error(R"({"cells": [{"scenario": "s", "from": "v1", "to": "v2", "seed_results": [{"seed": 1.5, "digest": "0000000000000000"}]}]})")
                .find("not a positive integer"),
            std::string::npos);
  EXPECT_NE(error(R"({"cells": [{"scenario": "s", "from": "v1", "to": "v2", "seed_results": [{"seed": 1, "digest": "00AB"}]}]})")
                .find("s v1->v2) seed_results[0]: digest \"00AB\" is not 16 lowercase hex digits"),
            std::string::npos);
  EXPECT_NE(error(R"({"cells": [{"scenario": "s", "from": "v1", "to": "v2", "seed_results": [
              {"seed": 1, "digest": "0000000000000000"}, {"seed": 1, "digest": "0000000000000001"}]}]})")
                .find("s v1->v2 1 appears twice"),
            std::string::npos);
  EXPECT_NE(error(R"({"cells": [{"scenario": "a b", "from": "v1", "to": "v2", "seed_results": []}]})").find("holds a space"),
            std::string::npos);
}

TEST(ParseList, ReadsWhatFormatListWrites) {
  absl::StatusOr<std::vector<SeedDigest>> d = DigestsFromReport(kReport);
  ASSERT_TRUE(d.ok());
  absl::StatusOr<std::vector<SeedDigest>> back = ParseList(FormatList(*d, {"a comment", ""}));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(Compare(*d, *back).empty());
  EXPECT_EQ(back->size(), 3u);
}

TEST(ParseList, BadLinesAreErrorsWithTheLineNumber) {
  const auto error = [](const std::string& text) {
    absl::StatusOr<std::vector<SeedDigest>> d = ParseList(text);
    return d.ok() ? std::string("ok") : std::string(d.status().message());
  };
  EXPECT_EQ(error("# only a comment\n\n"), "ok");
  EXPECT_NE(error("# c\ns v1->v2 1\n").find("line 2 "), std::string::npos);
  EXPECT_NE(error("s v1-v2 1 0000000000000000\n").find("from->to"), std::string::npos);
  EXPECT_NE(error("s v1->v2 0 0000000000000000\n").find("positive integer"), std::string::npos);
  EXPECT_NE(error("s v1->v2 1 000000000000000g\n").find("hex"), std::string::npos);
  EXPECT_NE(error("s v1->v2 2 0000000000000000\ns v1->v2 1 0000000000000000\n").find("line 2 "), std::string::npos);
  EXPECT_NE(error("s v1->v2 1 0000000000000000\ns v1->v2 1 0000000000000000\n").find("repeated"), std::string::npos);
}

TEST(Compare, NamesTheCellsAndSeedsThatMoved) {
  absl::StatusOr<std::vector<SeedDigest>> expected = ParseList(
      "a v1->v2 1 0000000000000001\n"
      "a v1->v2 2 0000000000000002\n"
      "b v2->v3 1 0000000000000003\n"
      "c v3->v3 1 0000000000000004\n");
  absl::StatusOr<std::vector<SeedDigest>> actual = ParseList(
      "a v1->v2 1 0000000000000001\n"
      "a v1->v2 2 00000000000000ff\n"
      "b v2->v3 1 0000000000000003\n"
      "b v2->v3 2 0000000000000005\n");
  ASSERT_TRUE(expected.ok() && actual.ok());
  const ListDiff diff = Compare(*expected, *actual);
  ASSERT_EQ(diff.changed.size(), 1u);
  ASSERT_EQ(diff.added.size(), 1u);
  ASSERT_EQ(diff.removed.size(), 1u);
  EXPECT_EQ(Describe(diff),
            "3 line(s) differ: 1 digest(s) changed, 1 seed(s) not in the list, 1 seed(s) of the list not run\n"
            "cells whose seeds moved (3):\n"
            "  a v1->v2: seed 2 changed\n"
            "  b v2->v3: seed 2 new\n"
            "  c v3->v3: seed 1 gone\n"
            "lines (- the list, + this run):\n"
            "- a v1->v2 2 0000000000000002\n"
            "+ a v1->v2 2 00000000000000ff\n"
            "- c v3->v3 1 0000000000000004\n"
            "+ b v2->v3 2 0000000000000005\n");
  EXPECT_TRUE(Compare(*expected, *expected).empty());
}

TEST(Compare, ListsTheSeedsOfACellOnOneLine) {
  absl::StatusOr<std::vector<SeedDigest>> expected = ParseList(
      "a v1->v2 1 0000000000000001\n"
      "a v1->v2 2 0000000000000002\n");
  absl::StatusOr<std::vector<SeedDigest>> actual = ParseList(
      "a v1->v2 1 0000000000000011\n"
      "a v1->v2 2 0000000000000012\n");
  ASSERT_TRUE(expected.ok() && actual.ok());
  EXPECT_NE(Describe(Compare(*expected, *actual)).find("\n  a v1->v2: seeds 1,2 changed\n"), std::string::npos);
}

}  // namespace
}  // namespace raftlog::digests
