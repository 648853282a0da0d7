// histgen [--seed=N] [--model=register|kv] [--clients=N] [--ops=N] ...
// Writes a generated history (see histgen.h) as EDN to stdout: inputs for
// measuring lincheck on a chosen shape of history. --bad_key=K corrupts one
// :ok read of key "kK" (the middle one), so only that key's sub-history can
// be non-linearizable.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "matrix/lin/histgen.h"
#include "matrix/lin/history.h"

ABSL_FLAG(uint64_t, seed, 1, "generator seed");
ABSL_FLAG(std::string, model, "kv", "register or kv");
ABSL_FLAG(int, clients, 50, "concurrent clients");
ABSL_FLAG(int, ops, 2000, "operations over all clients and keys");
ABSL_FLAG(int, keys, 10, "keys k0..k{n-1}");
ABSL_FLAG(int, values, 5, "distinct values written (puts, cas)");
ABSL_FLAG(int, max_latency, 4, "invoke->point and point->completion");
ABSL_FLAG(double, read_rate, 0.5, "share of reads");
ABSL_FLAG(double, cas_rate, 0.0, "share of cas among the rest");
ABSL_FLAG(double, append_rate, 0.9, "kv: share of appends among writes");
ABSL_FLAG(double, delete_rate, 0.0, "kv: share of deletes");
ABSL_FLAG(double, info_rate, 0.02, "share of indeterminate outcomes");
ABSL_FLAG(double, fail_rate, 0.02, "share of :fail outcomes");
ABSL_FLAG(bool, unique_appends, true, "every append writes its own text");
ABSL_FLAG(int, bad_key, -1, "corrupt one :ok read of key k<N> (-1: none)");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  raftlog::lin::GenOptions o;
  o.model = absl::GetFlag(FLAGS_model) == "register"
                ? raftlog::lin::Model::kRegister
                : raftlog::lin::Model::kKv;
  o.clients = absl::GetFlag(FLAGS_clients);
  o.ops = absl::GetFlag(FLAGS_ops);
  o.keys = absl::GetFlag(FLAGS_keys);
  o.values = absl::GetFlag(FLAGS_values);
  o.max_latency = absl::GetFlag(FLAGS_max_latency);
  o.read_rate = absl::GetFlag(FLAGS_read_rate);
  o.cas_rate = absl::GetFlag(FLAGS_cas_rate);
  o.append_rate = absl::GetFlag(FLAGS_append_rate);
  o.delete_rate = absl::GetFlag(FLAGS_delete_rate);
  o.info_rate = absl::GetFlag(FLAGS_info_rate);
  o.fail_rate = absl::GetFlag(FLAGS_fail_rate);
  o.unique_appends = absl::GetFlag(FLAGS_unique_appends);
  raftlog::lin::History h =
      raftlog::lin::GenerateHistory(absl::GetFlag(FLAGS_seed), o);
  if (int bad = absl::GetFlag(FLAGS_bad_key); bad >= 0) {
    raftlog::lin::Value key = raftlog::lin::Value::Str(absl::StrCat("k", bad));
    if (!raftlog::lin::CorruptMiddleRead(&h, key)) {
      std::fprintf(stderr, "histgen: key k%d has no :ok read\n", bad);
      return 2;
    }
  }
  std::string text = raftlog::lin::ToEdn(h);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
