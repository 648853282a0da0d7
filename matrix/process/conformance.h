// Checks a node binary against the node protocol (PROTOCOL.md): start,
// handshake, refusals (another cluster id, a peer outside the protocol
// window, another node protocol), admin state, client write and read, admin
// ops refused on a client connection, a protocol error, a garbage peer
// message, clean and unclean stops, restart on the same data directory, and
// the usage exit code. Runs a one-node cluster of the binary.
#ifndef RAFTLOG_MATRIX_PROCESS_CONFORMANCE_H_
#define RAFTLOG_MATRIX_PROCESS_CONFORMANCE_H_

#include <string>
#include <vector>

namespace raftlog::process {

struct ConformanceCheck {
  std::string name;
  bool passed = false;
  std::string detail;  // what was seen when it failed
};

struct ConformanceOptions {
  std::string binary;
  std::string base_dir;
};

// Every check, in order; a check whose precondition failed (no node to talk
// to) fails with that reason rather than being skipped.
std::vector<ConformanceCheck> RunConformance(const ConformanceOptions& options);

// "PASS name" / "MISSING name: detail" lines and a closing count.
std::string FormatConformance(const std::vector<ConformanceCheck>& checks);

}  // namespace raftlog::process

#endif  // RAFTLOG_MATRIX_PROCESS_CONFORMANCE_H_
