#include <string>

#include "gtest/gtest.h"
#include "versions/process/convert.h"
#include "versions/process/frame.h"
#include "versions/process/server.h"

namespace raftlog::process {
namespace {

Frame HelloFrame() {
  Frame f;
  f.mutable_hello()->set_node_protocol(NODE_PROTOCOL_V1);
  f.mutable_hello()->set_cluster_id("c1");
  return f;
}

TEST(FrameTest, RoundTripsAndWaitsForWholeFrames) {
  std::string bytes = *EncodeFrame(HelloFrame());
  std::string buffer = bytes.substr(0, 3);
  auto none = TakeFrame(&buffer);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  buffer = bytes.substr(0, bytes.size() - 1);
  EXPECT_FALSE(TakeFrame(&buffer)->has_value());
  buffer = bytes + bytes;
  auto one = TakeFrame(&buffer);
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->hello().cluster_id(), "c1");
  EXPECT_EQ(buffer, bytes);
}

TEST(FrameTest, OversizedLengthAndGarbageAreErrors) {
  std::string buffer = "\xff\xff\xff\xff";
  EXPECT_EQ(TakeFrame(&buffer).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(buffer.size(), 4u);  // left as it was
  buffer = std::string("\0\0\0\x03\xff\xff\xff", 7);
  EXPECT_EQ(TakeFrame(&buffer).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ConvertTest, RequestReplyAndStateRoundTrip) {
  api::Request r;
  r.client_id = 7;
  r.sequence = 9;
  r.op = api::Op::kChangeConfig;
  r.key = std::string("k\0z", 3);
  r.new_voters = {1, 2, 4};
  r.version = 3;
  auto back = FromProto(ToProto(r));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->key, r.key);
  EXPECT_EQ(back->op, api::Op::kChangeConfig);
  EXPECT_EQ(back->new_voters, r.new_voters);
  EXPECT_TRUE(IsAdminOp(back->op));
  EXPECT_FALSE(IsAdminOp(api::Op::kCas));
  Request bad = ToProto(r);
  bad.set_op(static_cast<Op>(99));
  EXPECT_EQ(FromProto(bad).status().code(), absl::StatusCode::kInvalidArgument);

  api::Reply reply;
  reply.status = absl::FailedPreconditionError("not leader");
  reply.leader_hint = 3;
  api::Reply reply_back = FromProto(ToProto(reply));
  EXPECT_EQ(reply_back.status, reply.status);
  EXPECT_EQ(reply_back.leader_hint, 3u);

  api::ProtocolState st;
  st.id = 2;
  st.release = "v3";
  st.term = 12345678901234ull;
  st.role = api::Role::kLeader;
  st.config.voters = {1, 2, 3};
  std::string json = StateToJson(ToProto(st, "c1", {{"elections_started", 4}}, {{"ticks", 9}}));
  EXPECT_NE(json.find("\"role\":\"leader\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"term\":\"12345678901234\""), std::string::npos) << json;
  auto parsed = StateFromJson(json);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->term(), st.term);
  EXPECT_EQ(parsed->counters().at("elections_started"), 4u);
  EXPECT_EQ(parsed->config().voters_size(), 3);
  EXPECT_EQ(StateFromJson("{not json").status().code(), absl::StatusCode::kDataLoss);
}

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  return out;
}

TEST(ServerFlagsTest, ParsesAndRefusesNonLoopbackPeers) {
  std::vector<std::string> args = {"node", "--id=2", "--data_dir=/d", "--cluster_id=c",
                                   "--port=0", "--peers=1=127.0.0.1:5001,2=127.0.0.1:5002,3=localhost:5003",
                                   "--bootstrap_voters=1,2,3"};
  auto argv = Argv(args);
  auto o = ParseServerFlags(static_cast<int>(argv.size()), argv.data());
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->peers.size(), 2u);  // itself dropped
  EXPECT_EQ(o->peers.at(3).second, 5003);
  EXPECT_EQ(o->cluster_key, "c");
  EXPECT_EQ(o->bootstrap_voters, (std::vector<api::NodeId>{1, 2, 3}));

  std::vector<std::vector<std::string>> bad = {
      {"node", "--id=2", "--data_dir=/d", "--cluster_id=c", "--port=0", "--peers=1=10.0.0.1:5001"},
      {"node", "--data_dir=/d", "--cluster_id=c", "--port=0"},
      {"node", "--id=1", "--data_dir=/d", "--cluster_id=c"},
      {"node", "--id=1", "--data_dir=/d", "--cluster_id=c", "--port=0", "--listen_fd=3"},
      {"node", "--id=1", "--data_dir=/d", "--cluster_id=c", "--port=0", "--bogus=1"},
  };
  for (auto& b : bad) {
    auto bargv = Argv(b);
    EXPECT_EQ(ParseServerFlags(static_cast<int>(bargv.size()), bargv.data()).status().code(),
              absl::StatusCode::kInvalidArgument)
        << b.back();
  }
}

}  // namespace
}  // namespace raftlog::process
