#include "golden/manifest.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace raftlog::golden {
namespace {

using ::testing::HasSubstr;

Manifest Sample() {
  Manifest m;
  m.tag = "v1";
  m.scenario = 1;
  m.seed = 42;
  ManifestFile b{"b.bin", Sha256Hex("b"), "v1", "snapshot/1", {{"source", "snap/1"}}};
  ManifestFile a{"a.txt", Sha256Hex("a"), "v1", "twin/snapshot/1", {{"twin_of", "b.bin"}}};
  m.files = {b, a};
  return m;
}

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ManifestTest, RenderParseRoundTripSortsFiles) {
  const std::string text = RenderManifest(Sample());
  absl::StatusOr<Manifest> m = ParseManifest(text);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->tag, "v1");
  EXPECT_EQ(m->scenario, 1u);
  EXPECT_EQ(m->seed, 42u);
  ASSERT_EQ(m->files.size(), 2u);
  EXPECT_EQ(m->files[0].name, "a.txt");
  EXPECT_EQ(m->files[1].attrs.at("source"), "snap/1");
  EXPECT_EQ(RenderManifest(*m), text);
  EXPECT_NE(m->Find("b.bin"), nullptr);
  EXPECT_EQ(m->Find("c.bin"), nullptr);
}

TEST(ManifestTest, RefusesMalformedLines) {
  const std::string head = "tag v1\nscenario 1\nseed 1\n";
  const std::string digest = Sha256Hex("x");
  struct Case {
    std::string text, why;
  } cases[] = {
      {"scenario 1\nseed 1\n", "required"},
      {head + "file x.bin release=v1 format=f\n", "required"},
      {head + "file x.bin sha256=abc release=v1 format=f\n", "64 lowercase hex"},
      {head + "file x.bin sha256=" + digest + " release=v1 format=f\nfile x.bin sha256=" +
           digest + " release=v1 format=f\n",
       "duplicate file"},
      {head + "file x.bin sha256=" + digest + " release=v1 format=f junk\n", "key=value"},
      {head + "file a/b sha256=" + digest + " release=v1 format=f\n", "plain name"},
      {head + "bogus 1\n", "unknown"},
      {"tag v1\nscenario x\nseed 1\n", "not a number"},
      {head + "   \n", "blank"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Manifest> m = ParseManifest(c.text);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(m.status().message()), HasSubstr(c.why)) << c.text;
  }
}

}  // namespace
}  // namespace raftlog::golden
