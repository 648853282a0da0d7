#include "versions/process/convert.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace raftlog::process {

Request ToProto(const api::Request& r) {
  Request out;
  out.set_client_id(r.client_id);
  out.set_sequence(r.sequence);
  out.set_op(static_cast<Op>(static_cast<int>(r.op)));
  out.set_key(r.key);
  out.set_value(r.value);
  out.set_expected(r.expected);
  out.set_stale_read_ok(r.stale_read_ok);
  out.set_target(r.target);
  for (api::NodeId id : r.new_voters) out.add_new_voters(id);
  out.set_version(r.version);
  return out;
}

absl::StatusOr<api::Request> FromProto(const Request& r) {
  if (r.op() < OP_GET || r.op() > OP_COMPACT) {
    return absl::InvalidArgumentError(absl::StrCat("unknown op ", static_cast<int>(r.op())));
  }
  api::Request out;
  out.client_id = r.client_id();
  out.sequence = r.sequence();
  out.op = static_cast<api::Op>(static_cast<int>(r.op()));
  out.key = r.key();
  out.value = r.value();
  out.expected = r.expected();
  out.stale_read_ok = r.stale_read_ok();
  out.target = r.target();
  out.new_voters.assign(r.new_voters().begin(), r.new_voters().end());
  out.version = r.version();
  return out;
}

Reply ToProto(const api::Reply& r) {
  Reply out;
  out.set_client_id(r.client_id);
  out.set_sequence(r.sequence);
  out.set_status_code(static_cast<int32_t>(r.status.code()));
  out.set_status_message(std::string(r.status.message()));
  out.set_value(r.value);
  out.set_found(r.found);
  out.set_succeeded(r.succeeded);
  out.set_leader_hint(r.leader_hint);
  out.set_hint_term(r.hint_term);
  out.set_index(r.index);
  return out;
}

api::Reply FromProto(const Reply& r) {
  api::Reply out;
  out.client_id = r.client_id();
  out.sequence = r.sequence();
  out.status = absl::Status(static_cast<absl::StatusCode>(r.status_code()), r.status_message());
  out.value = r.value();
  out.found = r.found();
  out.succeeded = r.succeeded();
  out.leader_hint = r.leader_hint();
  out.hint_term = r.hint_term();
  out.index = r.index();
  return out;
}

bool IsAdminOp(api::Op op) {
  return static_cast<int>(op) >= static_cast<int>(api::Op::kAddVoter);
}

NodeState ToProto(const api::ProtocolState& s, const std::string& cluster_id,
                  const std::map<std::string, uint64_t>& counters,
                  const std::map<std::string, uint64_t>& server_counters) {
  NodeState out;
  out.set_id(s.id);
  out.set_release(s.release);
  out.set_cluster_version(s.cluster_version);
  out.set_term(s.term);
  out.set_vote(s.vote);
  out.set_role(api::RoleName(s.role));
  out.set_leader(s.leader);
  out.set_commit_index(s.commit_index);
  out.set_applied_index(s.applied_index);
  out.set_first_index(s.first_index);
  out.set_last_index(s.last_index);
  out.set_last_term(s.last_term);
  for (api::NodeId id : s.config.voters) out.mutable_config()->add_voters(id);
  for (api::NodeId id : s.config.learners) out.mutable_config()->add_learners(id);
  for (api::NodeId id : s.config.voters_outgoing) out.mutable_config()->add_voters_outgoing(id);
  out.set_config_index(s.config_index);
  out.set_min_protocol(s.min_protocol);
  out.set_max_protocol(s.max_protocol);
  out.set_snapshot_index(s.snapshot_index);
  out.set_snapshot_term(s.snapshot_term);
  out.set_snapshot_format(s.snapshot_format);
  out.set_kv_digest(s.kv_digest);
  for (const auto& [k, v] : counters) (*out.mutable_counters())[k] = v;
  for (const auto& [k, v] : server_counters) (*out.mutable_server_counters())[k] = v;
  out.set_cluster_id(cluster_id);
  return out;
}

std::string StateToJson(const NodeState& state) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(state, &json, options);
  return json;
}

absl::StatusOr<NodeState> StateFromJson(const std::string& json) {
  NodeState state;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // a newer server may add fields
  auto status = google::protobuf::util::JsonStringToMessage(json, &state, options);
  if (!status.ok()) {
    return absl::DataLossError(absl::StrCat("state JSON does not parse: ", status.ToString()));
  }
  return state;
}

}  // namespace raftlog::process
