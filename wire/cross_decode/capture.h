// Sampling the messages a release sends, from one seeded run of a small
// cluster of that release on the test pump (versions/api/pump.h), driven only
// through the harness ABI. The scenario runs once at the cluster version the
// cluster starts with and, when the release speaks a higher protocol
// (ReleaseInfo::max_protocol), once more after Op::kFinalize raised it: what a
// release sends only after finalize is sampled apart, since older releases
// need not read it. Each pass: elections, replication, client requests of
// every kind, a membership change (add a joining node, later remove it), threshold
// and on-request compaction, a snapshot install to a follower that fell
// behind, a leader crash with a new election, writes while it is down, and its
// restart into a second snapshot install.
//
// Every delivered message is seen (the pump's filter keeps all of them); per
// Outbound::type and sender's cluster version the capture keeps up to
// `per_type` samples: first those of
// a shape (schema.h) not kept yet, in send order, then, if the type has fewer
// distinct shapes than `per_type`, the earliest remaining ones. Same release,
// same options: the same samples, byte for byte.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_CAPTURE_H_
#define RAFTLOG_WIRE_CROSS_DECODE_CAPTURE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "versions/api/node.h"

namespace raftlog::wire::cross_decode {

struct Sample {
  std::string sender_tag;
  api::NodeId from = 0;
  api::NodeId to = 0;
  std::string type;        // Outbound::type, the sender's name
  std::string type_value;  // the envelope's `type` value as the sender's schema names it
  std::string shape;       // schema.h Shape() under the sender's schema ("" if unparsable)
  // The cluster version of the scenario phase it was sent in: before
  // finalize, the one the cluster started with; from the finalize request
  // on, the one finalize raises it to (ReleaseInfo::max_protocol). Messages
  // sent while the raise commits count as after: only members that all speak
  // the new version receive them.
  uint32_t cluster_version = 0;
  uint64_t seq = 0;  // position in the run's delivery order
  std::string bytes;
};

struct CaptureOptions {
  uint64_t seed = 1;
  size_t per_type = 8;
};

struct Capture {
  std::string tag;
  uint64_t seed = 0;
  // Sorted by (type, cluster_version, seq).
  std::vector<Sample> samples;
  // Every message seen in the run, by Outbound::type.
  std::map<std::string, uint64_t> seen_by_type;
  uint64_t delivered = 0;
  // Steps of the scenario that did not go as planned (a release may lack an
  // operation): informational, never an error by itself.
  std::vector<std::string> notes;
};

// Runs the scenario on a cluster of `release` and samples what it sent.
Capture CaptureRelease(const api::ReleaseInfo& release, const CaptureOptions& options);

// Fnv1a64 over every sample's tag, ids, type and bytes, in order.
uint64_t CaptureDigest(const Capture& capture);

}  // namespace raftlog::wire::cross_decode

#endif  // RAFTLOG_WIRE_CROSS_DECODE_CAPTURE_H_
