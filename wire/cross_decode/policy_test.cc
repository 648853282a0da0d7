// Mapping the upgrade policy onto wire pairs, and the schema-derived
// expectations.
#include "wire/cross_decode/policy.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "versions/registry.h"

namespace raftlog::wire::cross_decode {
namespace {

const std::vector<std::string> kTags = {"v1", "v2", "v3"};

TEST(WirePolicy, AnyCapabilityMeansBothDirectionsMustInteroperate) {
  WirePolicy p = WirePolicy::FromText(
      "v1 -> v1: rolling_upgrade\n"
      "v1 -> v2: downgrade_before_finalize\n"
      "v2 -> v3: none\n"
      "v1 -> v3: skip_version\n",
      "p.txt", kTags);
  ASSERT_TRUE(p.status().ok()) << p.status();
  EXPECT_TRUE(p.Pair("v1", "v2").must_interoperate);
  EXPECT_TRUE(p.Pair("v2", "v1").must_interoperate);
  EXPECT_EQ(p.Pair("v2", "v1").why, "p.txt:2 v1 -> v2: downgrade_before_finalize");
  EXPECT_TRUE(p.Pair("v3", "v1").must_interoperate);
  EXPECT_FALSE(p.Pair("v2", "v3").must_interoperate);
  EXPECT_FALSE(p.Pair("v3", "v2").must_interoperate);
  EXPECT_NE(p.Pair("v3", "v2").why.find("supports nothing"), std::string::npos);
  // Self pairs: declared or not.
  EXPECT_TRUE(p.Pair("v1", "v1").must_interoperate);
  EXPECT_EQ(p.Pair("v1", "v1").why, "p.txt:1 v1 -> v1: rolling_upgrade");
  EXPECT_TRUE(p.Pair("v3", "v3").must_interoperate);
  EXPECT_EQ(p.Pair("v3", "v3").why, "a release always talks to itself");
}

TEST(WirePolicy, AnUnusablePolicyRequiresOnlySelfPairs) {
  WirePolicy bad = WirePolicy::FromText("v1 -> v2: teleport\n", "p.txt", kTags);
  EXPECT_FALSE(bad.status().ok());
  EXPECT_FALSE(bad.Pair("v1", "v2").must_interoperate);
  EXPECT_NE(bad.Pair("v1", "v2").why.find("policy unusable"), std::string::npos);
  EXPECT_TRUE(bad.Pair("v2", "v2").must_interoperate);
  // Validation against the tags: v9 is not registered.
  EXPECT_FALSE(WirePolicy::FromText("v1 -> v9: rolling_upgrade\n", "p.txt", kTags).status().ok());
  WirePolicy missing = WirePolicy::Load("/nonexistent/policy.txt", kTags);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(WirePolicy, SelfPairsOnly) {
  WirePolicy p = WirePolicy::SelfPairsOnly(kTags);
  EXPECT_TRUE(p.status().ok());
  EXPECT_TRUE(p.Pair("v2", "v2").must_interoperate);
  EXPECT_FALSE(p.Pair("v1", "v2").must_interoperate);
  EXPECT_EQ(p.Pair("v1", "v2").why, "no policy file");
}

TEST(WirePolicy, TheRealFileValidatesAgainstTheRegistry) {
  const std::string path = FindPolicyFile();
  ASSERT_EQ(path, kPolicyPath) << "not in the runfiles";
  std::vector<std::string> tags;
  for (const api::ReleaseInfo& r : AllReleases()) tags.push_back(r.tag);
  WirePolicy p = WirePolicy::Load(path, tags);
  ASSERT_TRUE(p.status().ok()) << p.status();
  for (const std::string& t : tags) EXPECT_TRUE(p.Pair(t, t).must_interoperate) << t;
}

TEST(WirePolicy, ExpectationsComeFromTheReceiversEnum) {
  WirePolicy p = WirePolicy::FromText("v1 -> v1: rolling_upgrade\n", "p.txt", {"v1"});
  TypeRule r = p.Type("v1", "v1", "AppendEntries", "MESSAGE_TYPE_APPEND_ENTRIES", 1);
  EXPECT_EQ(r.expect, Expect::kOk);
  EXPECT_EQ(r.why, "v1 declares MESSAGE_TYPE_APPEND_ENTRIES = 3");
  // Nothing to derive from: an unlinked tag, or a value the sender lacks.
  EXPECT_EQ(p.Type("v999", "v1", "X", "MESSAGE_TYPE_X", 1).why, "no schema to derive from");
  EXPECT_EQ(p.Type("v1", "v1", "X", "MESSAGE_TYPE_X", 1).why, "no schema to derive from");
  // After finalize above the receiver's protocols: either, cleanly.
  p.SetMaxProtocols({{"v1", 1}});
  r = p.Type("v1", "v1", "AppendEntries", "MESSAGE_TYPE_APPEND_ENTRIES", 2);
  EXPECT_EQ(r.expect, Expect::kAny);
  EXPECT_EQ(r.why, "sent after finalize to cluster version 2; v1 speaks protocol 1 at most");
  EXPECT_EQ(p.Type("v1", "v1", "AppendEntries", "MESSAGE_TYPE_APPEND_ENTRIES", 1).expect,
            Expect::kOk);
  // (A type the receiver does not know: newer_sender_test, with a schema
  // that has one.)
  EXPECT_TRUE(ExpectationOverrides().empty());
  EXPECT_TRUE(NeverSends("v1").empty());
  EXPECT_TRUE(NeverSends("v999").empty());
}

}  // namespace
}  // namespace raftlog::wire::cross_decode
