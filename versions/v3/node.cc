#include "versions/v3/node.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "versions/v3/auth.h"
#include "versions/v3/check.h"

namespace raftlog::v3 {
namespace {

// --- Where undecodable bytes go wrong (protobuf's parser says only that it
// failed): a walk of the wire format, into nested message fields through
// the descriptor, naming the field and offset of the first problem, e.g.
// "field append_entries (12) at offset 10 > field entries (3) at offset 4:
// length 1073741824 runs past the end (20 bytes left)". Offsets are
// relative to the enclosing payload; "" when the walk finds nothing (the
// parser refused something finer, such as invalid UTF-8).
constexpr int kMaxDepth = 16;

// Reads a varint at *pos; nullopt when it runs past the end or past 10 bytes.
std::optional<uint64_t> ReadVarint(absl::string_view bytes, size_t* pos) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70 && *pos < bytes.size(); shift += 7) {
    const uint8_t b = static_cast<uint8_t>(bytes[(*pos)++]);
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return v;
  }
  return std::nullopt;
}

std::string FieldName(const google::protobuf::Descriptor* type, uint64_t number) {
  const google::protobuf::FieldDescriptor* f =
      type == nullptr ? nullptr : type->FindFieldByNumber(static_cast<int>(number));
  return f == nullptr ? absl::StrCat("field ", number)
                      : absl::StrCat("field ", f->name(), " (", number, ")");
}

std::string DescribeMalformed(absl::string_view bytes, const google::protobuf::Descriptor* type, int depth) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t at = pos;
    std::optional<uint64_t> key = ReadVarint(bytes, &pos);
    if (!key) return absl::StrCat("offset ", at, ": truncated or overlong field key");
    const uint64_t number = *key >> 3;
    const int wire_type = static_cast<int>(*key & 7);
    if (number == 0) return absl::StrCat("offset ", at, ": field number 0");
    const std::string name = FieldName(type, number);
    switch (wire_type) {
      case 0:
        if (!ReadVarint(bytes, &pos))
          return absl::StrCat(name, " at offset ", at, ": truncated or overlong varint");
        break;
      case 1:
      case 5: {
        const size_t width = wire_type == 1 ? 8 : 4;
        if (bytes.size() - pos < width) {
          return absl::StrCat(name, " at offset ", at, ": ", width, "-byte value, ",
                              bytes.size() - pos, " bytes left");
        }
        pos += width;
        break;
      }
      case 2: {
        std::optional<uint64_t> length = ReadVarint(bytes, &pos);
        if (!length) return absl::StrCat(name, " at offset ", at, ": truncated length");
        if (*length > bytes.size() - pos) {
          return absl::StrCat(name, " at offset ", at, ": length ", *length,
                              " runs past the end (", bytes.size() - pos, " bytes left)");
        }
        const absl::string_view payload = bytes.substr(pos, *length);
        pos += *length;
        const google::protobuf::FieldDescriptor* f =
            type == nullptr ? nullptr : type->FindFieldByNumber(static_cast<int>(number));
        if (f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
            depth < kMaxDepth) {
          const std::string inner = DescribeMalformed(payload, f->message_type(), depth + 1);
          if (!inner.empty()) return absl::StrCat(name, " at offset ", at, " > ", inner);
        }
        break;
      }
      default:
        return absl::StrCat(name, " at offset ", at, ": wire type ", wire_type,
                            wire_type == 3 || wire_type == 4 ? " (group, which v3 never uses)"
                                                             : " (undefined)");
    }
  }
  return "";
}



using wire::v3::Message;

bool BodyMatchesType(const Message& m) {
  switch (m.type()) {
    case wire::v3::MESSAGE_TYPE_REQUEST_VOTE: return m.has_request_vote();
    case wire::v3::MESSAGE_TYPE_REQUEST_VOTE_RESPONSE: return m.has_request_vote_response();
    case wire::v3::MESSAGE_TYPE_APPEND_ENTRIES: return m.has_append_entries();
    case wire::v3::MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE: return m.has_append_entries_response();
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT: return m.has_install_snapshot();
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_RESPONSE:
      return m.has_install_snapshot_response();
    case wire::v3::MESSAGE_TYPE_PRE_VOTE: return m.has_pre_vote();
    case wire::v3::MESSAGE_TYPE_PRE_VOTE_RESPONSE: return m.has_pre_vote_response();
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK: return m.has_install_snapshot_chunk();
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK_RESPONSE:
      return m.has_install_snapshot_chunk_response();
    default: return false;
  }
}

// An AppendEntries carrying a CLUSTER_VERSION entry that raises the cluster
// version to 3 or more (authenticated messages). Validated already.
bool RaisesToAuthenticated(const Message& m) {
  if (!m.has_append_entries()) return false;
  for (const Entry& e : m.append_entries().entries()) {
    if (e.type() != wire::v3::ENTRY_TYPE_CLUSTER_VERSION) continue;
    wire::v3::ClusterVersionChange cv;
    if (cv.ParseFromString(e.data()) && cv.version() >= 3 && !cv.downgrade()) return true;
  }
  return false;
}

}  // namespace

const char* MessageTypeName(wire::v3::MessageType type) {
  switch (type) {
    case wire::v3::MESSAGE_TYPE_REQUEST_VOTE: return "RequestVote";
    case wire::v3::MESSAGE_TYPE_REQUEST_VOTE_RESPONSE: return "RequestVoteResponse";
    case wire::v3::MESSAGE_TYPE_APPEND_ENTRIES: return "AppendEntries";
    case wire::v3::MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE: return "AppendEntriesResponse";
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT: return "InstallSnapshot";
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_RESPONSE: return "InstallSnapshotResponse";
    case wire::v3::MESSAGE_TYPE_PRE_VOTE: return "PreVote";
    case wire::v3::MESSAGE_TYPE_PRE_VOTE_RESPONSE: return "PreVoteResponse";
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK: return "InstallSnapshotChunk";
    case wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK_RESPONSE:
      return "InstallSnapshotChunkResponse";
    default: return "Unknown";
  }
}

Node::Node(const api::NodeOptions& options) : options_(options), storage_(options.env.fs) {
  RAFTLOG_V3_CHECK(options_.id != 0);
  RAFTLOG_V3_CHECK(options_.env.fs != nullptr && options_.env.random != nullptr);
  RaftOptions ro;
  ro.id = options_.id;
  ro.election_ticks = options_.election_ticks > 0 ? options_.election_ticks : 10;
  ro.heartbeat_ticks = options_.heartbeat_ticks > 0 ? options_.heartbeat_ticks : 1;
  ro.snapshot_threshold = options_.snapshot_threshold;
  ro.random = options_.env.random;
  ro.auto_finalize = options_.auto_finalize;
  ro.max_inflight_requests = options_.max_inflight_requests;
  ro.has_cluster_key = !options_.cluster_key.empty();
  raft_ = std::make_unique<Raft>(ro, &storage_, &counters_);
  // Present from the start, so a report shows 0 rather than nothing.
  for (const char* name :
       {api::kCounterDecodeErrors, api::kCounterElections, api::kCounterLeaderChanges,
        api::kCounterSnapshotsSent, api::kCounterSnapshotsInstalled, api::kCounterCompactions,
        api::kCounterUnknownMessages, api::kCounterOverloaded, api::kCounterAuthFailures,
        kCounterTornTail, kCounterReadIndexReads, kCounterStaleReads,
        kCounterSnapshotInstallsFormat1, kCounterSnapshotInstallsFormat2,
        kCounterSnapshotInstallsFormat3, kCounterChunkedInstalls, kCounterJointEntered,
        kCounterJointLeft, kCounterLearnersAdded, kCounterLearnersPromoted,
        kCounterDowngradeRewrites, kCounterFinalizeApplied, kCounterAuthDropsForged,
        kCounterAuthDropsUnauthenticated, kCounterAuthDropsOlderVersion, kCounterPreVotes,
        kCounterCheckQuorumStepDowns, kCounterClusterVersionChanges}) {
    counters_[name] = 0;
  }
}

absl::Status Node::Start() {
  if (started_) return absl::FailedPreconditionError("Start called twice");
  // Before Open() repairs or deletes anything: data of a cluster version (or
  // a snapshot format) this binary cannot speak is refused untouched.
  if (absl::Status s = storage_.CheckSpeakable(kMaxProtocol); !s.ok()) return s;
  // Read and judge first, repair after: a directory refused below (its hard
  // state against its log, the cluster key) is left exactly as it was found.
  absl::StatusOr<Recovered> recovered = storage_.Recover();
  if (!recovered.ok()) return recovered.status();
  if (absl::Status s = raft_->Restore(*recovered, options_.bootstrap_voters); !s.ok()) return s;
  if (raft_->cluster_version() >= 3 && options_.cluster_key.empty()) {
    // Cluster version 3 authenticates every peer message: without the key
    // this node could neither be heard nor hear anyone.
    return absl::FailedPreconditionError(absl::StrCat(
        "no cluster key: the data directory is at cluster version ", raft_->cluster_version(),
        ", which authenticates every peer message; start with NodeOptions::cluster_key set"));
  }
  if (absl::Status s = storage_.ApplyRepairs(); !s.ok()) return s;
  counters_[kCounterTornTail] += recovered->torn_tail_truncations;
  if (absl::Status s = raft_->Flush(); !s.ok()) return s;
  started_ = true;
  AfterInput();
  return absl::OkStatus();
}

absl::Status Node::Validate(api::NodeId from, const Message& m) {
  auto decode_error = [&](std::string what) {
    ++counters_[api::kCounterDecodeErrors];
    return absl::InvalidArgumentError(absl::StrCat("message from node ", from, ": ", what));
  };
  auto unknown = [&](std::string what) {
    ++counters_[api::kCounterUnknownMessages];
    return absl::UnimplementedError(absl::StrCat("message from node ", from, ": ", what));
  };
  if (m.protocol_version() < kMinProtocol || m.protocol_version() > kMaxProtocol) {
    return unknown(absl::StrCat("protocol version ", m.protocol_version(), "; v3 speaks protocol ",
                                kMinProtocol, "..", kMaxProtocol));
  }
  if (!wire::v3::MessageType_IsValid(m.type()) ||
      m.type() == wire::v3::MESSAGE_TYPE_UNSPECIFIED) {
    return unknown(absl::StrCat("unknown message type ", static_cast<int>(m.type())));
  }
  if (m.body_case() == Message::BODY_NOT_SET) {
    return unknown(absl::StrCat("no body v3 knows (type ", MessageTypeName(m.type()), ")"));
  }
  if (!BodyMatchesType(m)) {
    return decode_error(absl::StrCat("type ", MessageTypeName(m.type()),
                                     " does not match its body (case ", m.body_case(), ")"));
  }
  if (m.from() != from || from == 0) {
    return decode_error(absl::StrCat("claims to be from node ", m.from()));
  }
  if (m.to() != options_.id) {
    return decode_error(absl::StrCat("addressed to node ", m.to(), ", not ", options_.id));
  }
  if (!m.has_append_entries()) return absl::OkStatus();

  const wire::v3::AppendEntries& ae = m.append_entries();
  if (static_cast<size_t>(ae.entries_size()) > kMaxEntriesPerAppend) {
    return decode_error(absl::StrCat("field entries: ", ae.entries_size(),
                                     " entries, over the limit of ", kMaxEntriesPerAppend,
                                     " per message (kMaxEntriesPerAppend)"));
  }
  if (ae.prev_log_term() > m.term()) {
    return decode_error(absl::StrCat("prev_log_term ", ae.prev_log_term(), " above term ",
                                     m.term()));
  }
  uint64_t index = ae.prev_log_index();
  uint64_t term = ae.prev_log_term();
  for (const Entry& e : ae.entries()) {
    if (e.index() != ++index) {
      return decode_error(absl::StrCat("entry index ", e.index(), " where ", index, " expected"));
    }
    if (e.term() < term || e.term() > m.term()) {
      return decode_error(absl::StrCat("entry ", e.index(), " has term ", e.term(),
                                       " outside [", term, ", ", m.term(), "]"));
    }
    term = e.term();
    switch (e.type()) {
      case wire::v3::ENTRY_TYPE_NOOP:
        break;
      case wire::v3::ENTRY_TYPE_COMMAND: {
        wire::v3::Command cmd;
        if (!cmd.ParseFromString(e.data())) {
          return decode_error(absl::StrCat("entry ", e.index(), ": undecodable command"));
        }
        if (!wire::v3::CommandOp_IsValid(cmd.op()) ||
            cmd.op() == wire::v3::COMMAND_OP_UNSPECIFIED) {
          return unknown(absl::StrCat("entry ", e.index(), ": unknown command op ",
                                      static_cast<int>(cmd.op())));
        }
        break;
      }
      case wire::v3::ENTRY_TYPE_CONFIG: {
        wire::v3::ConfigChange cc;
        if (!cc.ParseFromString(e.data())) {
          return decode_error(absl::StrCat("entry ", e.index(), ": undecodable config change"));
        }
        if (!wire::v3::ConfigChangeType_IsValid(cc.type()) ||
            cc.type() == wire::v3::CONFIG_CHANGE_TYPE_UNSPECIFIED) {
          return unknown(absl::StrCat("entry ", e.index(), ": unknown config change type ",
                                      static_cast<int>(cc.type())));
        }
        if (cc.voters_size() == 0) {
          return decode_error(absl::StrCat("entry ", e.index(), ": empty configuration"));
        }
        for (int i = 0; i < cc.voters_size(); ++i) {
          if (cc.voters(i) == 0 || (i > 0 && cc.voters(i) <= cc.voters(i - 1))) {
            return decode_error(
                absl::StrCat("entry ", e.index(), ": voters not sorted, unique and non-zero"));
          }
        }
        for (int i = 0; i < cc.learners_size(); ++i) {
          if (cc.learners(i) == 0 || (i > 0 && cc.learners(i) <= cc.learners(i - 1)) ||
              std::binary_search(cc.voters().begin(), cc.voters().end(), cc.learners(i))) {
            return decode_error(absl::StrCat(
                "entry ", e.index(), ": learners not sorted, unique, non-zero and non-voters"));
          }
        }
        // Joint consensus (since v3): only ENTER_JOINT names C_old.
        if ((cc.voters_outgoing_size() > 0) !=
            (cc.type() == wire::v3::CONFIG_CHANGE_TYPE_ENTER_JOINT)) {
          return decode_error(absl::StrCat("entry ", e.index(), ": voters_outgoing ",
                                           cc.voters_outgoing_size() > 0 ? "set" : "missing",
                                           " in a ", cc.type(), " change"));
        }
        for (int i = 0; i < cc.voters_outgoing_size(); ++i) {
          if (cc.voters_outgoing(i) == 0 ||
              (i > 0 && cc.voters_outgoing(i) <= cc.voters_outgoing(i - 1)) ||
              std::binary_search(cc.learners().begin(), cc.learners().end(),
                                 cc.voters_outgoing(i))) {
            return decode_error(absl::StrCat(
                "entry ", e.index(),
                ": voters_outgoing not sorted, unique, non-zero and non-learners"));
          }
        }
        break;
      }
      case wire::v3::ENTRY_TYPE_CLUSTER_VERSION: {
        wire::v3::ClusterVersionChange cv;
        if (!cv.ParseFromString(e.data())) {
          return decode_error(absl::StrCat("entry ", e.index(), ": undecodable version change"));
        }
        if (cv.version() == 0) {
          return decode_error(absl::StrCat("entry ", e.index(), ": cluster version 0"));
        }
        if (cv.version() > kMaxProtocol) {
          return unknown(absl::StrCat("entry ", e.index(), ": cluster version ", cv.version(),
                                      "; v3 speaks at most ", kMaxProtocol));
        }
        break;
      }
      default:
        return unknown(absl::StrCat("entry ", e.index(), ": unknown entry type ",
                                    static_cast<int>(e.type())));
    }
  }
  return absl::OkStatus();
}

absl::Status Node::Deliver(api::NodeId from, absl::string_view bytes) {
  if (!started_) return absl::FailedPreconditionError("node not started");
  if (!raft_->fatal().ok()) return raft_->fatal();
  if (bytes.size() > kMaxMessageBytes) {
    ++counters_[api::kCounterDecodeErrors];
    return absl::ResourceExhaustedError(absl::StrCat("message from node ", from, ": ",
                                                     bytes.size(), " bytes, over the limit of ",
                                                     kMaxMessageBytes, " (kMaxMessageBytes)"));
  }
  Message m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    ++counters_[api::kCounterDecodeErrors];
    const std::string where = DescribeMalformed(bytes, Message::descriptor(), 0);
    return absl::DataLossError(absl::StrCat("undecodable message from node ", from, " (",
                                            bytes.size(), " bytes)",
                                            where.empty() ? "" : ": ", where));
  }
  if (absl::Status s = Authenticate(from, bytes, m); !s.ok()) return s;
  if (absl::Status s = Validate(from, m); !s.ok()) return s;
  if (!seal_latched_ && RaisesToAuthenticated(m)) seal_latched_ = true;
  absl::Status status = raft_->Step(m);
  AfterInput();
  if (!raft_->fatal().ok()) return raft_->fatal();
  return status;
}

bool Node::SendsMac() const {
  return !options_.cluster_key.empty() && (raft_->cluster_version() >= 3 || seal_latched_);
}

absl::Status Node::Authenticate(api::NodeId from, absl::string_view bytes, const Message& m) {
  const bool required = raft_->cluster_version() >= 3;
  // Below cv 3: a message without a MAC is accepted (v2 peers, and v3 peers
  // that have not applied cv 3), and so is one with a MAC when this node has
  // no key to check it with (an unknown field, as for v2).
  if (!required && (m.mac().empty() || options_.cluster_key.empty())) return absl::OkStatus();
  absl::Status s = auth::Verify(options_.cluster_key, bytes, m);
  if (s.ok()) {
    seal_latched_ = true;
    return absl::OkStatus();
  }
  ++counters_[api::kCounterAuthFailures];
  ++counters_[m.mac().empty() ? kCounterAuthDropsUnauthenticated : kCounterAuthDropsForged];
  if (m.protocol_version() < raft_->cluster_version()) ++counters_[kCounterAuthDropsOlderVersion];
  std::string reason(s.message());
  if (m.mac().empty() && m.protocol_version() < 3) {
    absl::StrAppend(&reason, "; claims protocol version ", m.protocol_version(),
                    ", which cluster version 3 does not accept unauthenticated");
  }
  raft_->RecordAudit(
      "auth_failure",
      absl::StrCat("node=", options_.id, " from=", from, " claimed_from=", m.from(),
                   " type=", MessageTypeName(m.type()), " protocol_version=",
                   m.protocol_version(), " term=", m.term(), " cluster_version=",
                   raft_->cluster_version(), " reason=", reason));
  AfterInput();
  return absl::UnauthenticatedError(
      absl::StrCat("message from node ", from, " (", MessageTypeName(m.type()),
                   ") dropped: ", reason));
}

void Node::Tick() {
  if (!started_) return;
  raft_->Tick();
  AfterInput();
}

void Node::Submit(const api::Request& request) {
  if (!started_) {
    api::Reply r;
    r.client_id = request.client_id;
    r.sequence = request.sequence;
    r.status = absl::UnavailableError("node not started");
    ready_.replies.push_back(std::move(r));
    return;
  }
  raft_->Propose(request);
  AfterInput();
}

void Node::AfterInput() {
  (void)raft_->Flush();  // on failure the core is stopped; TakeOutput drops messages
  Output out = raft_->TakeOutput();
  const bool mac = SendsMac();
  for (wire::v3::Message& m : out.messages) {
    api::Outbound o;
    o.to = m.to();
    o.type = MessageTypeName(m.type());
    o.bytes = mac ? auth::Seal(options_.cluster_key, &m) : m.SerializeAsString();
    ready_.messages.push_back(std::move(o));
  }
  for (api::Reply& r : out.replies) ready_.replies.push_back(std::move(r));
  for (api::AppliedEntry& a : out.applied) ready_.applied.push_back(a);
  for (api::AuditEvent& a : out.audit) ready_.audit.push_back(std::move(a));
}

api::Ready Node::TakeReady() {
  api::Ready r = std::move(ready_);
  ready_ = api::Ready();
  return r;
}

api::ProtocolState Node::State() const {
  const Raft& r = *raft_;
  api::ProtocolState s;
  s.id = options_.id;
  s.release = kReleaseTag;
  s.term = r.term();
  s.vote = r.vote();
  s.role = r.role();
  s.leader = r.leader();
  s.commit_index = r.commit_index();
  s.applied_index = r.applied_index();
  s.first_index = r.log().first_index();
  s.last_index = r.log().last_index();
  s.last_term = r.log().last_term();
  s.config.voters = r.config().voters;
  s.config.learners = r.config().learners;
  s.config.voters_outgoing = r.config().voters_outgoing;
  s.config_index = r.config().index;
  if (s.role == api::Role::kFollower &&
      std::binary_search(s.config.learners.begin(), s.config.learners.end(), options_.id)) {
    s.role = api::Role::kLearner;
  }
  s.cluster_version = r.cluster_version();
  s.min_protocol = kMinProtocol;
  s.max_protocol = kMaxProtocol;
  s.snapshot_index = r.log().snapshot_index();
  s.snapshot_term = r.log().snapshot_term();
  s.snapshot_format = r.snapshot_format();
  s.kv_digest = r.kv().Digest();
  return s;
}

std::optional<api::EntryId> Node::EntryAt(uint64_t index) const {
  const Entry* e = raft_->log().At(index);
  if (e == nullptr) return std::nullopt;
  return api::EntryId{e->term(), api::Fnv1a64(e->data())};
}

}  // namespace raftlog::v3
