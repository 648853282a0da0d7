// Read freshness: a successful linearizable Get returns the value of the last
// write to its key that was acknowledged before the Get arrived, or of a
// later write; it never returns "absent", nor an older acknowledged value,
// once a write was acknowledged (Raft thesis section 6.4: a read reflects
// every write committed before it began).
//
// It judges only what it can judge without a model of the whole history
// (matrix/lin does that for the simulator's histories): keys written only by
// Puts whose values are unique on the key. A key that also sees a Delete,
// Append or Cas, or the same value put twice, is left alone from then on.
// A returned value that no acknowledged write carries (an unacknowledged
// write that did take effect) is not judged either.
//
// Observations: OnSubmit (the Put's key and value; the Get's first arrival,
// with the highest acknowledged write of its key at that moment), OnAck (the
// index a Put was applied at), OnReply (the Get's answer). A Get that allowed
// a stale answer and was served as one (Reply::succeeded) is not judged.
// Memory: per judged key, every acknowledged value and its index; the first
// arrival of each Get until its reply.
#ifndef RAFTLOG_MATRIX_CHECK_READ_FRESHNESS_H_
#define RAFTLOG_MATRIX_CHECK_READ_FRESHNESS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "matrix/check/checker.h"

namespace raftlog::check {

class ReadFreshness : public Checker {
 public:
  static constexpr int kMaxReports = 8;

  ReadFreshness() : Checker("read_freshness") {}
  void OnSubmit(uint64_t time_us, api::NodeId node, const api::Request& request) override;
  void OnAck(const Ack& ack) override;
  void OnReply(const ClientReply& reply) override;
  uint64_t reads_judged() const { return reads_judged_; }

 private:
  using RequestKey = std::pair<uint64_t, uint64_t>;  // (client, sequence)
  struct Written {
    uint64_t index = 0;  // where the acknowledged Put was applied
    uint64_t time_us = 0;
    std::string value;
  };
  struct KeyState {
    bool judged = true;            // only unique-valued Puts so far
    std::set<std::string> values;  // every value put (acknowledged or not)
    std::map<std::string, Written> acked;  // by value
    Written newest;                // the acknowledged Put with the highest index
  };
  struct Arrival {
    uint64_t time_us = 0;
    api::NodeId node = 0;
    std::string key;
    bool stale_ok = false;
    Written floor;  // the key's newest acknowledged Put when the Get arrived
  };

  std::map<std::string, KeyState> keys_;
  std::map<RequestKey, std::pair<std::string, std::string>> puts_;  // pending: key, value
  std::map<RequestKey, Arrival> gets_;
  uint64_t reads_judged_ = 0;
  int reports_ = 0;
};

}  // namespace raftlog::check

#endif  // RAFTLOG_MATRIX_CHECK_READ_FRESHNESS_H_
