// Random client histories generated from a real sequential execution, for
// tests and benchmarks. Deterministic for a given seed (std::mt19937_64 with
// explicit arithmetic, no std distributions whose output varies by library).
//
// Each client runs operations one after another. Every operation gets an
// invocation time, a linearization point after it and a completion after
// that; effects are applied to a true model state in linearization-point
// order, so the history is linearizable unless corrupted on purpose:
//  - info_rate: the client does not learn the outcome (:info); the operation
//    took effect or not with probability 1/2. A client's last indeterminate
//    operation may never complete at all.
//  - fail_rate: the operation is rejected (:fail) and has no effect; a cas
//    whose expected value does not match is :fail too, as Jepsen reports it.
//  - corrupt_rate: an :ok read reports a random value instead.
//  - lose_rate: an :ok write/put/append/cas/delete has no effect (lost).
#ifndef RAFTLOG_MATRIX_LIN_HISTGEN_H_
#define RAFTLOG_MATRIX_LIN_HISTGEN_H_

#include <cstdint>

#include "matrix/lin/checker.h"
#include "matrix/lin/history.h"

namespace raftlog::lin {

struct GenOptions {
  Model model = Model::kRegister;
  int clients = 3;
  int ops = 8;           // total, over all clients
  int keys = 1;          // keys "k0".."k{n-1}"
  int values = 3;        // distinct values written
  int max_latency = 4;   // invoke->point and point->completion, time units
  int max_think = 2;     // idle time between a client's operations
  double read_rate = 0.4;
  double cas_rate = 0.15;    // register and kv
  double append_rate = 0.2;  // kv only (of the non-read, non-cas ops)
  double delete_rate = 0.05; // kv only
  double info_rate = 0.1;
  double fail_rate = 0.05;
  double corrupt_rate = 0.0;
  double lose_rate = 0.0;
  // kv: every append writes its own text ("<i>,"), as Jepsen's append
  // workloads do, instead of one of `values`.
  bool unique_appends = false;
};

History GenerateHistory(uint64_t seed, const GenOptions& options);

// Makes `key`'s sub-history non-linearizable (and no other key's): its
// middle :ok read reports the value it read followed by "#", a text no
// operation writes. False when the key has no :ok read.
bool CorruptMiddleRead(History* history, const Value& key);

}  // namespace raftlog::lin

#endif  // RAFTLOG_MATRIX_LIN_HISTGEN_H_
