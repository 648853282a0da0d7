#include "versions/registry.h"

#include <set>

#include "gtest/gtest.h"

namespace raftlog {
namespace {

TEST(Registry, EveryReleaseIsWellFormedAndUnique) {
  ASSERT_FALSE(AllReleases().empty());
  std::set<std::string> tags;
  for (const api::ReleaseInfo& r : AllReleases()) {
    EXPECT_TRUE(tags.insert(r.tag).second) << "tag registered twice: " << r.tag;
    EXPECT_NE(r.make_node, nullptr) << r.tag;
    EXPECT_LE(r.min_protocol, r.max_protocol) << r.tag;
    EXPECT_FALSE(r.snapshot_formats_read.empty()) << r.tag;
    EXPECT_EQ(FindRelease(r.tag), &r);
  }
  EXPECT_EQ(FindRelease("no-such-tag"), nullptr);
}

TEST(Registry, ReleasesAreOldestFirstByProtocol) {
  const auto& all = AllReleases();
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LE(all[i - 1].max_protocol, all[i].max_protocol) << all[i].tag;
  }
}

TEST(Registry, TagListNamesEveryTag) {
  std::string list = ReleaseTagList();
  for (const api::ReleaseInfo& r : AllReleases()) {
    EXPECT_NE(list.find(r.tag), std::string::npos) << list;
  }
}

}  // namespace
}  // namespace raftlog
