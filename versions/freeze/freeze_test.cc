// Fails when a released tree differs from the digest versions/FROZEN records:
// frozen means frozen. The fix is either to revert the edit or to re-freeze
// explicitly with scripts/freeze.sh TAG.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/freeze/tree_digest.h"

namespace raftlog::freeze {
namespace {

std::string RunfilesRoot() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir ? srcdir : ".", "/raftcert");
}

TEST(Freeze, EveryReleasedTreeMatchesItsRecordedDigest) {
  std::ifstream in(RunfilesRoot() + "/versions/FROZEN");
  ASSERT_TRUE(in.good()) << "versions/FROZEN missing from runfiles";
  std::stringstream text;
  text << in.rdbuf();
  auto frozen = ParseFrozen(text.str());
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  for (const auto& [tag, want] : *frozen) {
    auto files = ReadReleaseTree(RunfilesRoot(), tag);
    ASSERT_TRUE(files.ok()) << tag << ": " << files.status()
                            << " (add //versions/" << tag << ":release_files to freeze_test's data)";
    EXPECT_EQ(TreeDigest(*files), want)
        << "released tree " << tag << " changed (" << files->size() << " files). Released tags are "
        << "frozen: revert the change, or re-freeze on purpose with scripts/freeze.sh " << tag;
  }
}

TEST(TreeDigest, AnyEditRenameOrAdditionChangesIt) {
  std::map<std::string, std::string> a = {{"versions/v9/a.cc", "x"}, {"wire/v9/a.proto", "y"}};
  std::string base = TreeDigest(a);
  auto edited = a;
  edited["versions/v9/a.cc"] = "x ";
  auto renamed = a;
  renamed.erase("versions/v9/a.cc");
  renamed["versions/v9/b.cc"] = "x";
  auto added = a;
  added["versions/v9/c.cc"] = "";
  EXPECT_NE(TreeDigest(edited), base);
  EXPECT_NE(TreeDigest(renamed), base);
  EXPECT_NE(TreeDigest(added), base);
  EXPECT_EQ(TreeDigest(a), base);
  EXPECT_EQ(base.size(), 64u);
}

TEST(ParseFrozen, RefusesMalformedLines) {
  EXPECT_TRUE(ParseFrozen("# c\n\nv1 " + std::string(64, 'a') + "\n").ok());
  EXPECT_EQ(ParseFrozen("v1 abc\n").status().code(), absl::StatusCode::kInvalidArgument);
  std::string line = "v1 " + std::string(64, 'a') + "\n";
  EXPECT_EQ(ParseFrozen(line + line).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace raftlog::freeze
