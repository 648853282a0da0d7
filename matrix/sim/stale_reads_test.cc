#include "matrix/sim/stale_reads.h"

#include "gtest/gtest.h"

namespace raftlog::sim {
namespace {

using Kind = Observation::Kind;

Observation Write(uint64_t client, uint32_t key, std::string value, uint64_t index) {
  Observation o;
  o.kind = Kind::kWrite;
  o.client = client;
  o.key = key;
  o.written = std::move(value);
  o.index = index;
  return o;
}

Observation Read(Kind kind, uint64_t client, uint32_t key, std::string value, uint64_t index,
                 uint64_t time_us = 0) {
  Observation o;
  o.kind = kind;
  o.client = client;
  o.key = key;
  o.found = !value.empty();
  o.value = std::move(value);
  o.index = index;
  o.time_us = time_us;
  return o;
}

TEST(LastWrite, NamesTheWriteAValueEndsWith) {
  EXPECT_EQ(LastWrite("c1.2;"), "c1.2;");
  EXPECT_EQ(LastWrite("c1.2;c13.7;"), "c13.7;");
  EXPECT_EQ(LastWrite(""), "");
  EXPECT_EQ(LastWrite("garbage"), "");
}

TEST(CheckStaleReads, MonotonicReadsPass) {
  std::vector<Observation> h = {
      Write(1, 0, "c1.1;", 5),
      Read(Kind::kStaleRead, 2, 0, "c1.1;", 7),        // client 2 saw nothing on k0 yet
      Write(2, 0, "c2.1;", 9),
      Read(Kind::kStaleRead, 1, 0, "c1.1;", 6),        // own write, nothing newer seen
      Read(Kind::kRead, 1, 0, "c1.1;c2.1;", 10),       // linearizable read sees c2.1 (9)
      Read(Kind::kStaleRead, 1, 0, "c1.1;c2.1;", 12),  // still c2.1: fine
  };
  StaleReadReport r = CheckStaleReads(h);
  EXPECT_TRUE(r.violations.empty()) << r.violations.front().message;
  EXPECT_EQ(r.checked, 3u);
  EXPECT_EQ(r.skipped, 0u);
}

TEST(CheckStaleReads, AReadOlderThanWhatTheClientSawIsAViolation) {
  std::vector<Observation> h = {
      Write(1, 0, "c1.1;", 5),
      Write(1, 0, "c1.2;", 8),
      Read(Kind::kStaleRead, 1, 0, "c1.1;", 9, 123),  // the client wrote c1.2 (8) already
  };
  StaleReadReport r = CheckStaleReads(h);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].time_us, 123u);
  EXPECT_NE(r.violations[0].message.find("older than what it already saw"), std::string::npos)
      << r.violations[0].message;
}

TEST(CheckStaleReads, AbsentAfterAValueAndAValueBeyondItsIndexAreViolations) {
  std::vector<Observation> h = {
      Write(1, 0, "c1.1;", 5),
      Read(Kind::kStaleRead, 1, 0, "", 6),             // went back to before the first write
      Write(2, 1, "c2.1;", 20),
      Read(Kind::kStaleRead, 3, 1, "c2.1;", 10),       // says it read at 10, saw index 20
  };
  StaleReadReport r = CheckStaleReads(h);
  ASSERT_EQ(r.violations.size(), 2u);
  EXPECT_NE(r.violations[0].message.find("returned absent"), std::string::npos);
  EXPECT_NE(r.violations[1].message.find("beyond the index it read from"), std::string::npos);
}

TEST(CheckStaleReads, LinearizableReadsAreNotJudgedAndUnknownWritesAreSkipped) {
  std::vector<Observation> h = {
      Write(1, 0, "c1.2;", 8),
      Read(Kind::kRead, 1, 0, "", 3),                  // not a stale read: not this check's
      Read(Kind::kStaleRead, 1, 0, "c9.9;", 9),        // never acknowledged: cannot be ordered
  };
  StaleReadReport r = CheckStaleReads(h);
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.checked, 0u);
  EXPECT_EQ(r.skipped, 1u);
}

}  // namespace
}  // namespace raftlog::sim
