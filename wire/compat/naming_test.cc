#include "wire/compat/naming.h"

#include "gtest/gtest.h"

namespace raftlog::wire::compat {
namespace {

TEST(IsTagComponentTest, AcceptsTagsAndVariants) {
  EXPECT_TRUE(IsTagComponent("v1"));
  EXPECT_TRUE(IsTagComponent("v12"));
  EXPECT_TRUE(IsTagComponent("v2_ok"));
  EXPECT_TRUE(IsTagComponent("v2_field_reuse"));
  EXPECT_TRUE(IsTagComponent("v3_canary2"));
}

TEST(IsTagComponentTest, RejectsEverythingElse) {
  EXPECT_FALSE(IsTagComponent(""));
  EXPECT_FALSE(IsTagComponent("v"));
  EXPECT_FALSE(IsTagComponent("v_1"));
  EXPECT_FALSE(IsTagComponent("V1"));
  EXPECT_FALSE(IsTagComponent("wire"));
  EXPECT_FALSE(IsTagComponent("v1_"));
  EXPECT_FALSE(IsTagComponent("v1-ok"));
  EXPECT_FALSE(IsTagComponent("v1_OK"));
  EXPECT_FALSE(IsTagComponent("v1beta"));
  EXPECT_FALSE(IsTagComponent("raft.proto"));
}

TEST(NormalizeFilePathTest, ReplacesTagDirectoriesOnly) {
  EXPECT_EQ(NormalizeFilePath("wire/v1/raft.proto"), "wire/<tag>/raft.proto");
  EXPECT_EQ(NormalizeFilePath("wire/v2/raft.proto"), "wire/<tag>/raft.proto");
  EXPECT_EQ(NormalizeFilePath("wire/testdata/x/v2_ok/schema.proto"),
            "wire/testdata/x/<tag>/schema.proto");
  EXPECT_EQ(NormalizeFilePath("wire/options.proto"), "wire/options.proto");
  // A file named like a tag keeps its name.
  EXPECT_EQ(NormalizeFilePath("protos/v1"), "protos/v1");
  EXPECT_EQ(NormalizeFilePath("v1.proto"), "v1.proto");
}

TEST(NormalizePackageTest, ReplacesTheLastComponentWhenItIsATag) {
  EXPECT_EQ(NormalizePackage("raftlog.wire.v1"), "raftlog.wire.<tag>");
  EXPECT_EQ(NormalizePackage("raftlog.wire.v2_ok"), "raftlog.wire.<tag>");
  EXPECT_EQ(NormalizePackage("v3"), "<tag>");
  EXPECT_EQ(NormalizePackage("raftlog.wire"), "raftlog.wire");
  EXPECT_EQ(NormalizePackage("raftlog.v1.wire"), "raftlog.v1.wire");
  EXPECT_EQ(NormalizePackage(""), "");
}

TEST(RelativeNameTest, StripsThePackage) {
  EXPECT_EQ(RelativeName("raftlog.wire.v1.Entry", "raftlog.wire.v1"), "Entry");
  EXPECT_EQ(RelativeName("raftlog.wire.v1.Entry.Kind", "raftlog.wire.v1"), "Entry.Kind");
  EXPECT_EQ(RelativeName("Entry", ""), "Entry");
  EXPECT_EQ(RelativeName("other.Entry", "raftlog"), "other.Entry");
  EXPECT_EQ(RelativeName("raftlog.wire.v10.Entry", "raftlog.wire.v1"),
            "raftlog.wire.v10.Entry");
}

TEST(TypeKeyTest, MatchesAcrossTags) {
  EXPECT_EQ(TypeKey("raftlog.wire.v1.Entry", "raftlog.wire.v1"),
            TypeKey("raftlog.wire.v2.Entry", "raftlog.wire.v2"));
  EXPECT_EQ(TypeKey("raftlog.wire.v1.Entry", "raftlog.wire.v1"), "raftlog.wire.<tag>.Entry");
  EXPECT_NE(TypeKey("raftlog.wire.v1.Entry", "raftlog.wire.v1"),
            TypeKey("raftlog.kv.v2.Entry", "raftlog.kv.v2"));
  EXPECT_EQ(TypeKey("Entry", ""), "Entry");
}

}  // namespace
}  // namespace raftlog::wire::compat
