#include "wire/minver/cli.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "snapshots/format1/format1.h"
#include "snapshots/preamble.h"
#include "snapshots/state.h"
#include "wire/minver/log.h"
#include "wire/v1/raft.pb.h"
#include "wire/v2/raft.pb.h"

namespace raftlog::wire::minver {
namespace {

using ::testing::HasSubstr;

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string TmpDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir == nullptr ? "/tmp" : dir;
}

CliRun Cli(const std::vector<std::string>& args, const std::string& wd = "") {
  std::ostringstream out, err;
  CliRun run;
  run.code = RunCli(args, wd, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

std::string Write(const std::string& name, const std::string& bytes) {
  const std::string path = TmpDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string V1Message() {
  v1::Message m;
  m.set_protocol_version(1);
  m.mutable_request_vote()->set_last_log_index(2);
  return m.SerializeAsString();
}

std::string Format1Snapshot() {
  snapshots::SnapshotState state;
  state.last_index = 3;
  state.voters = {1};
  return *snapshots::format1::Encode(state);
}

TEST(Cli, Usage) {
  EXPECT_EQ(Cli({"--help"}).code, kExitOk);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {},
           {"--tag=v1"},
           {"--tag=v1", "--message=a", "--log=b"},
           {"--message=a"},
           {"--tag=v1", "--snapshot=a"},
           {"--snapshot=a", "--type=Entry"},
           {"--tag=v1", "--message=a", "--bogus=1"},
           {"--tag=v1", "--message=a", "positional"},
           {"--tag=v1", "--tag=v2", "--message=a"},
           {"--tag=v1", "--message=a", "--downgrade_to=2"},
       }) {
    const CliRun run = Cli(args);
    EXPECT_EQ(run.code, kExitBadInput) << ::testing::PrintToString(args);
    EXPECT_THAT(run.err, HasSubstr("usage: minver"));
  }
  const std::string path = Write("v1_message_for_usage.bin", V1Message());
  const CliRun unknown_tag = Cli({"--tag=v9", "--message=" + path});
  EXPECT_EQ(unknown_tag.code, kExitBadInput);
  EXPECT_THAT(unknown_tag.err, HasSubstr("unknown tag \"v9\"; this build links v1, v2"));
  const CliRun unknown_type = Cli({"--tag=v1", "--message=" + path, "--type=Nope"});
  EXPECT_EQ(unknown_type.code, kExitBadInput);
  EXPECT_THAT(unknown_type.err, HasSubstr("raftlog.wire.v1.Nope"));
}

TEST(Cli, UnreadableFiles) {
  EXPECT_EQ(Cli({"--snapshot=/nonexistent/file"}).code, kExitBadInput);
  EXPECT_EQ(Cli({"--snapshot=" + TmpDir()}).code, kExitBadInput);  // a directory
  EXPECT_EQ(Cli({"--snapshot=" + Write("not_a_snapshot", "hello world, not a snapshot")}).code,
            kExitBadInput);
  EXPECT_EQ(Cli({"--tag=v1", "--message=" + Write("garbage.bin", "\xff\xff")}).code,
            kExitBadInput);
  const CliRun torn = Cli({"--tag=v1", "--log=" + Write("torn.log", "\x05xy")});
  EXPECT_EQ(torn.code, kExitBadInput);
  EXPECT_THAT(torn.err, HasSubstr("declares 5 bytes, only 2 remain"));
}

TEST(Cli, V1MessageRelativeToTheWorkingDirectory) {
  Write("v1_message.bin", V1Message());
  const CliRun run = Cli({"--tag=v1", "--message=v1_message.bin"}, TmpDir());
  EXPECT_EQ(run.code, kExitOk) << run.err;
  EXPECT_EQ(run.out,
            "minimum release: v1\n"
            "forced by: message raftlog.wire.v1.Message since 1\n"
            "at: Message\n");
  const CliRun typed = Cli({"--tag=v1", "--message=v1_message.bin", "--type=Message",
                         "--downgrade_to=v1"},
                        TmpDir());
  EXPECT_EQ(typed.code, kExitOk);
  EXPECT_THAT(typed.out, HasSubstr("downgrade to v1: ok\n"));
}

TEST(Cli, NewerDataThanTheSchemaIsExit1) {
  // Field 16 (a body case v1 does not know), length-delimited, empty.
  const CliRun run = Cli({"--tag=v1", "--message=" + Write("newer.bin", std::string("\x82\x01\x00", 3))});
  EXPECT_EQ(run.code, kExitRefused);
  EXPECT_THAT(run.err, HasSubstr("field number(s) 16 unknown to this schema"));
}

TEST(Cli, V2LogAndDowngrade) {
  v2::Entry noop;
  noop.set_index(1);
  noop.set_type(v2::ENTRY_TYPE_NOOP);
  v2::Entry old_style;
  old_style.set_index(2);
  old_style.set_type(v2::ENTRY_TYPE_COMMAND);
  v2::Command cmd;
  cmd.set_op(v2::COMMAND_OP_PUT);
  cmd.set_key("k");
  old_style.set_data(cmd.SerializeAsString());
  std::string file;
  AppendLengthPrefixed(noop.SerializeAsString(), &file);
  AppendLengthPrefixed(old_style.SerializeAsString(), &file);
  const std::string v1_era = Write("v2_v1era.log", file);
  const CliRun v1_ok = Cli({"--tag=v2", "--log=" + v1_era, "--downgrade_to=v1"});
  EXPECT_EQ(v1_ok.code, kExitOk) << v1_ok.err;
  EXPECT_THAT(v1_ok.out, HasSubstr("minimum release: v1\n"));
  EXPECT_THAT(v1_ok.out, HasSubstr("downgrade to v1: ok\n"));

  // A cluster version entry (since 2), looked up by name while v2 evolves.
  const auto* type = v2::EntryType_descriptor()->FindValueByName("ENTRY_TYPE_CLUSTER_VERSION");
  if (type == nullptr) GTEST_SKIP() << "wire/v2 has no cluster version entry yet";
  v2::Entry finalize;
  finalize.set_index(3);
  finalize.set_type(static_cast<v2::EntryType>(type->number()));
  AppendLengthPrefixed(finalize.SerializeAsString(), &file);
  const std::string path = Write("v2_finalized.log", file);
  const CliRun run = Cli({"--tag=v2", "--log=" + path});
  EXPECT_EQ(run.code, kExitOk) << run.err;
  EXPECT_EQ(run.out,
            "minimum release: v2\n"
            "forced by: enum value raftlog.wire.v2.EntryType.ENTRY_TYPE_CLUSTER_VERSION since 2\n"
            "at: log entry 3: Entry.type\n");
  const CliRun refused = Cli({"--tag=v2", "--log=" + path, "--downgrade_to=v1"});
  EXPECT_EQ(refused.code, kExitRefused);
  EXPECT_THAT(refused.out,
              HasSubstr("downgrade to v1: refused: data needs release v2 to read (enum value "
                        "raftlog.wire.v2.EntryType.ENTRY_TYPE_CLUSTER_VERSION since 2); run the "
                        "downgrade procedure first"));
  EXPECT_EQ(Cli({"--tag=v2", "--log=" + path, "--downgrade_to=v2"}).code, kExitOk);
}

TEST(Cli, Snapshots) {
  const std::string f1 = Write("f1.snap", Format1Snapshot());
  const CliRun run = Cli({"--snapshot=" + f1, "--downgrade_to=v1"});
  EXPECT_EQ(run.code, kExitOk) << run.err;
  EXPECT_EQ(run.out,
            "minimum release: v1\n"
            "forced by: snapshot format 1 (first read by v1)\n"
            "at: snapshot preamble\n"
            "downgrade to v1: ok\n");

  std::string preamble;
  snapshots::AppendPreamble(2, &preamble);
  const std::string f2 = Write("f2.snap", preamble);
  const CliRun lower = Cli({"--snapshot=" + f2});
  EXPECT_EQ(lower.code, kExitOk) << lower.err;
  EXPECT_THAT(lower.out, HasSubstr("minimum release: v2 (lower bound)\n"));
  EXPECT_THAT(lower.out, HasSubstr("note: the cluster version recorded in the snapshot is unread"));
  EXPECT_EQ(Cli({"--snapshot=" + f2, "--downgrade_to=v1"}).code, kExitRefused);
  const CliRun blind = Cli({"--snapshot=" + f2, "--downgrade_to=v2"});
  EXPECT_EQ(blind.code, kExitRefused);
  EXPECT_THAT(blind.out, HasSubstr("downgrade to v2: refused: cannot certify"));
}

}  // namespace
}  // namespace raftlog::wire::minver
