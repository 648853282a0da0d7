// The logical content of a snapshot, independent of any format number.
//
// Every snapshot codec (snapshots/format1, format2, ...) encodes and decodes
// this struct; which fields a format can carry is part of its spec in
// snapshots/FORMAT.md, and an encoder refuses (kFailedPrecondition) a state
// its format cannot represent rather than drop data silently.
#ifndef RAFTLOG_SNAPSHOTS_STATE_H_
#define RAFTLOG_SNAPSHOTS_STATE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace raftlog::snapshots {

// One client's exactly-once record: the last sequence applied for it and the
// outcome that was answered, replayed verbatim when the request is retried.
struct Session {
  uint64_t client_id = 0;
  uint64_t last_sequence = 0;
  uint64_t last_index = 0;   // log index the last sequence was applied at
  std::string response;      // value answered (get; cas current value)
  bool found = false;        // get: key existed
  bool succeeded = false;    // cas: swapped
  bool operator==(const Session& o) const {
    return client_id == o.client_id && last_sequence == o.last_sequence &&
           last_index == o.last_index && response == o.response && found == o.found &&
           succeeded == o.succeeded;
  }
};

struct SnapshotState {
  uint64_t last_index = 0;  // last log index the state includes
  uint64_t last_term = 0;   // term of that entry
  // Configuration as of last_index. Sorted node ids.
  std::vector<uint64_t> voters;
  std::vector<uint64_t> learners;         // format >= 2
  std::vector<uint64_t> voters_outgoing;  // joint configuration, format >= 3
  uint64_t config_index = 0;              // log index of the config entry
  uint32_t cluster_version = 1;           // format >= 2 records it; format 1 implies 1
  std::map<std::string, std::string> kv;  // sorted: encoders iterate in key order
  std::vector<Session> sessions;          // sorted by client_id
  // Format 3 metadata section: free-form, sorted by key.
  std::map<std::string, std::string> metadata;

  bool operator==(const SnapshotState& o) const {
    return last_index == o.last_index && last_term == o.last_term && voters == o.voters &&
           learners == o.learners && voters_outgoing == o.voters_outgoing &&
           config_index == o.config_index && cluster_version == o.cluster_version &&
           kv == o.kv && sessions == o.sessions && metadata == o.metadata;
  }
};

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_STATE_H_
