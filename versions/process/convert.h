// Conversions between the harness ABI's value types (versions/api/node.h) and
// the node protocol's messages, and the protocol-state JSON.
#ifndef RAFTLOG_VERSIONS_PROCESS_CONVERT_H_
#define RAFTLOG_VERSIONS_PROCESS_CONVERT_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "versions/api/node.h"
#include "versions/process/node_protocol.pb.h"

namespace raftlog::process {

Request ToProto(const api::Request& request);
// InvalidArgument for an op outside api::Op.
absl::StatusOr<api::Request> FromProto(const Request& request);
Reply ToProto(const api::Reply& reply);
api::Reply FromProto(const Reply& reply);

// True for the administrative ops (kAddVoter .. kCompact).
bool IsAdminOp(api::Op op);

NodeState ToProto(const api::ProtocolState& state, const std::string& cluster_id,
                  const std::map<std::string, uint64_t>& counters,
                  const std::map<std::string, uint64_t>& server_counters);

// NodeState <-> JSON (proto3 JSON mapping, original field names, every
// field printed; 64-bit integers as strings).
std::string StateToJson(const NodeState& state);
absl::StatusOr<NodeState> StateFromJson(const std::string& json);

}  // namespace raftlog::process

#endif  // RAFTLOG_VERSIONS_PROCESS_CONVERT_H_
