#include "wire/minver/requirement.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace raftlog::wire::minver {
namespace {

MinRelease Make(uint32_t release, const char* element) {
  MinRelease m;
  m.release = release;
  m.element = element;
  m.where = element;
  return m;
}

TEST(Combine, LargerWinsFirstWinsTies) {
  MinRelease acc = Make(1, "a");
  Combine(Make(2, "b"), &acc);
  Combine(Make(2, "c"), &acc);
  Combine(Make(1, "d"), &acc);
  EXPECT_EQ(acc.release, 2u);
  EXPECT_EQ(acc.element, "b");
  EXPECT_TRUE(acc.complete);
}

TEST(Combine, IncompletenessAndNotesStick) {
  MinRelease acc = Make(3, "a");
  MinRelease lower = Make(2, "b");
  lower.complete = false;
  lower.note = "n1";
  Combine(lower, &acc);
  EXPECT_EQ(acc.release, 3u);
  EXPECT_FALSE(acc.complete);
  EXPECT_EQ(acc.note, "n1");
  MinRelease other = Make(1, "c");
  other.note = "n2";
  Combine(other, &acc);
  EXPECT_EQ(acc.note, "n1; n2");
}

TEST(ReleaseTag, RoundTrip) {
  EXPECT_EQ(ReleaseTag(2), "v2");
  EXPECT_EQ(*ParseReleaseTag("v2"), 2u);
  EXPECT_EQ(*ParseReleaseTag("v12"), 12u);
  for (const char* bad : {"", "v", "v0", "2", "v2_ok", "V2", "v-1", "v99999999999"}) {
    EXPECT_EQ(ParseReleaseTag(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Describe, PrintsEveryPart) {
  MinRelease m = Make(2, "field x since 2");
  m.where = "Message.x";
  EXPECT_EQ(Describe(m), "minimum release: v2\nforced by: field x since 2\nat: Message.x\n");
  m.complete = false;
  m.note = "why";
  EXPECT_EQ(Describe(m),
            "minimum release: v2 (lower bound)\nforced by: field x since 2\nat: Message.x\n"
            "note: why\n");
}

}  // namespace
}  // namespace raftlog::wire::minver
