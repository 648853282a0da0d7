#include "matrix/lin/lincheck_main.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace raftlog::lin {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

const char kGood[] =
    "{:process 0, :type :invoke, :f :write, :key \"k\", :value 1}\n"
    "{:process 0, :type :ok, :f :write, :key \"k\", :value 1}\n"
    "{:process 1, :type :invoke, :f :read, :key \"k\", :value nil}\n"
    "{:process 1, :type :ok, :f :read, :key \"k\", :value 1}\n";

const char kStale[] =
    "{:process 0, :type :invoke, :f :write, :key \"k\", :value 1}\n"
    "{:process 0, :type :ok, :f :write, :key \"k\", :value 1}\n"
    "{:process 0, :type :invoke, :f :write, :key \"k\", :value 2}\n"
    "{:process 0, :type :ok, :f :write, :key \"k\", :value 2}\n"
    "{:process 1, :type :invoke, :f :read, :key \"k\", :value nil}\n"
    "{:process 1, :type :ok, :f :read, :key \"k\", :value 1}\n";

TEST(LincheckTest, Linearizable) {
  LincheckArgs args;
  args.file = WriteFile("good.edn", kGood);
  std::string out, err;
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitLinearizable);
  EXPECT_EQ(out.substr(0, out.find('\n')), "linearizable");
  EXPECT_EQ(err, "");
}

TEST(LincheckTest, NotLinearizablePrintsWindow) {
  LincheckArgs args;
  args.file = WriteFile("stale.edn", kStale);
  std::string out, err;
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitNotLinearizable);
  EXPECT_EQ(out.substr(0, out.find('\n')), "not linearizable");
  EXPECT_NE(out.find("window (3 ops):\n"
                     "{:process 0, :type :invoke, :f :write, :key \"k\", "
                     ":value 1, :time 1}\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  {:process 1, :type :ok, :f :read, :key \"k\", "
                     ":value 1, :time 6}\n"),
            std::string::npos)
      << out;
  args.window = 1;
  out.clear();
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitNotLinearizable);
  EXPECT_NE(out.find("the first 2 not shown"), std::string::npos) << out;
}

// Keys "a" and "b" both read a value never written.
const char kTwoBadKeys[] =
    "{:process 0, :type :invoke, :f :read, :key \"a\", :value nil}\n"
    "{:process 0, :type :ok, :f :read, :key \"a\", :value 1}\n"
    "{:process 1, :type :invoke, :f :read, :key \"b\", :value nil}\n"
    "{:process 1, :type :ok, :f :read, :key \"b\", :value 2}\n";

TEST(LincheckTest, StopsAtTheFirstBadKeyUnlessAllKeys) {
  LincheckArgs args;
  args.file = WriteFile("two_bad.edn", kTwoBadKeys);
  std::string out, err;
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitNotLinearizable);
  EXPECT_NE(out.find("non-linearizable keys: \"a\"\n"
                     "stopped at the first non-linearizable key: 1 later "
                     "keys not checked (--all-keys checks them)\n"
                     "key \"a\": "),
            std::string::npos)
      << out;
  args.all_keys = true;
  out.clear();
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitNotLinearizable);
  EXPECT_NE(out.find("non-linearizable keys: \"a\" \"b\"\nkey \"a\": "),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("stopped"), std::string::npos) << out;
  // --jobs: the same report.
  for (bool all_keys : {false, true}) {
    args.all_keys = all_keys;
    std::string serial, parallel;
    args.jobs = 1;
    EXPECT_EQ(RunLincheck(args, &serial, &err), kExitNotLinearizable);
    args.jobs = 2;
    EXPECT_EQ(RunLincheck(args, &parallel, &err), kExitNotLinearizable);
    EXPECT_EQ(parallel, serial);
  }
  args.jobs = 0;
  out.clear();
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitUnknown);
  args.jobs = 1;
  args.all_keys = true;
  args.json = true;
  out.clear();
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitNotLinearizable);
  EXPECT_NE(out.find("\"bad_keys\": [\"\\\"a\\\"\", \"\\\"b\\\"\"], "
                     "\"unknown_keys\": [], \"keys_unchecked\": 0"),
            std::string::npos)
      << out;
}

TEST(LincheckTest, Json) {
  LincheckArgs args;
  args.file = WriteFile("stale.edn", kStale);
  args.json = true;
  std::string out, err;
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitNotLinearizable);
  EXPECT_EQ(out.rfind("{\"verdict\": \"not linearizable\", \"model\": "
                      "\"register\", \"ops\": 3, \"keys\": 1",
                      0),
            0u)
      << out;
  EXPECT_NE(out.find("\"window\": {\"key\": \"\\\"k\\\"\", \"cut_time\": 6, "
                     "\"minimal\": true, \"ops\": 3, \"omitted\": 0"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.back(), '\n');
}

TEST(LincheckTest, UnknownWithReason) {
  std::string text;
  for (int p = 0; p < 10; ++p) {
    text += absl::StrCat("{:process ", p,
                         ", :type :invoke, :f :write, :value ", p, "}\n");
  }
  for (int p = 0; p < 10; ++p) {
    text += absl::StrCat("{:process ", p, ", :type :ok, :f :write, :value ",
                         p, "}\n");
  }
  text += "{:process 20, :type :invoke, :f :read, :value nil}\n"
          "{:process 20, :type :ok, :f :read, :value 42}\n";
  LincheckArgs args;
  args.file = WriteFile("hard.edn", text);
  args.max_states = 50;
  std::string out, err;
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitUnknown);
  EXPECT_EQ(out.substr(0, out.find('\n')), "unknown");
  EXPECT_NE(out.find("reason: key nil: state budget exhausted (50 states)"),
            std::string::npos)
      << out;
}

TEST(LincheckTest, BadInputExitsTwo) {
  std::string out, err;
  LincheckArgs args;
  args.file = WriteFile("bad.edn", "{:process 0, :type :invoke, :f :zap}\n");
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitUnknown);
  EXPECT_NE(err.find("bad.edn: line 1: column 32: unknown :f :zap"), std::string::npos)
      << err;

  err.clear();
  args.file = "/nonexistent.edn";
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitUnknown);
  EXPECT_NE(err.find("cannot open /nonexistent.edn"), std::string::npos);

  err.clear();
  args.file = WriteFile("good.edn", kGood);
  args.model = "kv";  // the file is a register history
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitUnknown);
  EXPECT_NE(err.find("which the kv model does not have"), std::string::npos)
      << err;

  err.clear();
  out.clear();
  args.model = "queue";
  args.json = true;
  EXPECT_EQ(RunLincheck(args, &out, &err), kExitUnknown);
  EXPECT_NE(out.find("\"verdict\": \"error\""), std::string::npos);
}

// Ten concurrent writes then a read of a value none wrote: unknown with a
// budget of 50 states.
std::string HardText() {
  std::string text;
  for (int p = 0; p < 10; ++p) {
    text += absl::StrCat("{:process ", p,
                         ", :type :invoke, :f :write, :value ", p, "}\n");
  }
  for (int p = 0; p < 10; ++p) {
    text += absl::StrCat("{:process ", p, ", :type :ok, :f :write, :value ",
                         p, "}\n");
  }
  return text + "{:process 20, :type :invoke, :f :read, :value nil}\n"
                "{:process 20, :type :ok, :f :read, :value 42}\n";
}

TEST(LincheckTest, SeveralFilesOneLineEachWorstExit) {
  const std::string good = WriteFile("many_good.edn", kGood);
  const std::string stale = WriteFile("many_stale.edn", kStale);
  const std::string hard = WriteFile("many_hard.edn", HardText());
  const std::string missing = ::testing::TempDir() + "/many_missing.edn";
  LincheckArgs args;
  args.max_states = 50;
  std::string out, err;
  EXPECT_EQ(RunLincheckFiles(args, {good, stale}, &out, &err),
            kExitNotLinearizable);
  EXPECT_EQ(out, absl::StrCat(
                     good, ": linearizable (register, 2 ops, 1 keys, ",
                     "2 states)\n", stale,
                     ": not linearizable (register, 3 ops, 1 keys, 4 states; "
                     "key \"k\" not linearizable by time 6)\n"));
  // An undecided or unreadable file is never hidden by a later pass, nor
  // by a violation: 2 > 1 > 0, in either order.
  struct {
    std::vector<std::string> files;
    int exit;
  } cases[] = {
      {{good, good}, kExitLinearizable},
      {{stale, good}, kExitNotLinearizable},
      {{missing, good}, kExitUnknown},
      {{good, hard}, kExitUnknown},
      {{hard, good, stale}, kExitUnknown},
      {{stale, missing}, kExitUnknown},
  };
  for (const auto& c : cases) {
    out.clear();
    err.clear();
    EXPECT_EQ(RunLincheckFiles(args, c.files, &out, &err), c.exit)
        << c.files[0] << "\n" << out;
    // One line per file, in order, each starting with the file name.
    size_t pos = 0;
    for (const std::string& f : c.files) {
      EXPECT_EQ(out.compare(pos, f.size() + 2, f + ": "), 0) << out;
      pos = out.find('\n', pos) + 1;
    }
    EXPECT_EQ(pos, out.size()) << out;
  }
  out.clear();
  err.clear();
  EXPECT_EQ(RunLincheckFiles(args, {hard, missing}, &out, &err), kExitUnknown);
  EXPECT_NE(out.find(hard + ": unknown (register, 11 ops, 1 keys, 51 states; "
                            "key nil: state budget exhausted (50 states))\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(missing + ": error: "), std::string::npos) << out;
  EXPECT_NE(err.find("lincheck: " + missing + ": "), std::string::npos);
  // --json: one object per line, each with its file.
  args.json = true;
  out.clear();
  EXPECT_EQ(RunLincheckFiles(args, {good, missing}, &out, &err), kExitUnknown);
  EXPECT_EQ(out.rfind(absl::StrCat("{\"file\": \"", good,
                                   "\", \"verdict\": \"linearizable\""),
                      0),
            0u)
      << out;
  EXPECT_NE(out.find(absl::StrCat("\n{\"file\": \"", missing,
                                  "\", \"verdict\": \"error\", ")),
            std::string::npos)
      << out;
  // One file: exactly the single-file report.
  args.json = false;
  out.clear();
  std::string single;
  args.file = stale;
  EXPECT_EQ(RunLincheckFiles(args, {stale}, &out, &err), kExitNotLinearizable);
  EXPECT_EQ(RunLincheck(args, &single, &err), kExitNotLinearizable);
  EXPECT_EQ(out, single);
}

std::string TestData(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir ? srcdir : ".", "/",
                      workspace ? workspace : "raftcert",
                      "/matrix/lin/testdata/", name);
}

TEST(LincheckTest, ExampleHistories) {
  struct {
    const char* file;
    int exit;
    const char* expect;
  } cases[] = {
      {"register_ok.edn", kExitLinearizable,
       "linearizable\nmodel: register, ops: 7, keys: 1"},
      {"register_stale_read.edn", kExitNotLinearizable,
       "ends at time 60 with\n"
       "  {:process 2, :type :ok, :f :read, :key \"r\", :value 1, :time 60}\n"
       "window (3 ops):\n"},
      {"kv_ok.edn", kExitLinearizable, "linearizable\nmodel: kv, ops: 8, keys: 2"},
      // The same histories in the forms people have them in: the same verdict.
      {"jepsen_register_stale_read.edn", kExitNotLinearizable,
       "ends at time 60000 with\n"
       "  {:process 2, :type :ok, :f :read, :key \"r\", :value 1, :time 60000}\n"
       "window (3 ops):\n"},
      {"kv_ok_vector.edn", kExitLinearizable, "linearizable\nmodel: kv, ops: 8, keys: 2"},
  };
  for (const auto& c : cases) {
    LincheckArgs args;
    args.file = TestData(c.file);
    std::string out, err;
    EXPECT_EQ(RunLincheck(args, &out, &err), c.exit) << c.file << "\n" << err;
    EXPECT_NE(out.find(c.expect), std::string::npos) << c.file << "\n" << out;
  }
}

// The binary itself: exit statuses, including usage errors (which must not
// read as "not linearizable").
int RunBinary(const std::string& args) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  std::string bin = absl::StrCat(srcdir ? srcdir : ".", "/",
                                 workspace ? workspace : "raftcert",
                                 "/matrix/lin/lincheck");
  int status = std::system(
      absl::StrCat(bin, " ", args, " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(LincheckBinaryTest, ExitStatuses) {
  std::string good = WriteFile("bin_good.edn", kGood);
  std::string stale = WriteFile("bin_stale.edn", kStale);
  EXPECT_EQ(RunBinary(good), 0);
  EXPECT_EQ(RunBinary(stale + " --json"), 1);
  EXPECT_EQ(RunBinary(stale + " --all-keys"), 1);
  EXPECT_EQ(RunBinary(stale + " --all_keys --json"), 1);
  EXPECT_EQ(RunBinary(stale + " --all-keyz"), 2);
  EXPECT_EQ(RunBinary(stale + " --jobs=3"), 1);
  EXPECT_EQ(RunBinary(stale + " --jobs=0"), 2);
  EXPECT_EQ(RunBinary(stale + " --model=register --max_states=1000"), 1);
  EXPECT_EQ(RunBinary(good + " --bogus"), 2);
  EXPECT_EQ(RunBinary(good + " --max_states=lots"), 2);
  EXPECT_EQ(RunBinary(good + " --model"), 2);
  EXPECT_EQ(RunBinary(""), 2);
  EXPECT_EQ(RunBinary(good + " " + stale), 1);
  EXPECT_EQ(RunBinary(good + " " + good), 0);
  EXPECT_EQ(RunBinary(stale + " /nonexistent.edn " + good), 2);
  EXPECT_EQ(RunBinary("/nonexistent.edn"), 2);
}

}  // namespace
}  // namespace raftlog::lin
