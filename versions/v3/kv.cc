#include "versions/v3/kv.h"

#include "absl/strings/str_cat.h"
#include "versions/api/node.h"

namespace raftlog::v3 {
namespace {

// Finalizer (splitmix64): spreads FNV's output so sums of hashes stay
// well distributed.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void AppendField(std::string* out, absl::string_view field) {
  absl::StrAppend(out, field.size(), ":", field, ";");
}

}  // namespace

uint64_t KvRecordHash(const std::string& key, const std::string& value) {
  std::string buf = "kv;";
  AppendField(&buf, key);
  AppendField(&buf, value);
  return Mix(api::Fnv1a64(buf));
}

uint64_t SessionRecordHash(const snapshots::Session& s) {
  std::string buf = absl::StrCat("session;", s.client_id, ";", s.last_sequence, ";",
                                 s.last_index, ";", s.found ? 1 : 0, ";", s.succeeded ? 1 : 0,
                                 ";");
  AppendField(&buf, s.response);
  return Mix(api::Fnv1a64(buf));
}

void KvStore::SetValue(const std::string& key, const std::string& value) {
  auto it = kv_.find(key);
  if (it != kv_.end()) {
    digest_ -= KvRecordHash(key, it->second);
    it->second = value;
  } else {
    kv_.emplace(key, value);
  }
  digest_ += KvRecordHash(key, value);
}

void KvStore::EraseValue(const std::string& key) {
  auto it = kv_.find(key);
  if (it == kv_.end()) return;
  digest_ -= KvRecordHash(key, it->second);
  kv_.erase(it);
}

void KvStore::SetSession(const snapshots::Session& session) {
  auto it = sessions_.find(session.client_id);
  if (it != sessions_.end()) {
    digest_ -= SessionRecordHash(it->second);
    it->second = session;
  } else {
    sessions_.emplace(session.client_id, session);
  }
  digest_ += SessionRecordHash(session);
}

CommandResult KvStore::Apply(const wire::v3::Command& cmd, uint64_t index) {
  CommandResult r;
  r.index = index;
  if (cmd.client_id() != 0) {
    auto it = sessions_.find(cmd.client_id());
    if (it != sessions_.end()) {
      const snapshots::Session& s = it->second;
      if (cmd.sequence() == s.last_sequence) {
        r.value = s.response;
        r.found = s.found;
        r.succeeded = s.succeeded;
        r.index = s.last_index;
        r.duplicate = true;
        return r;
      }
      if (cmd.sequence() < s.last_sequence) {
        r.status = absl::OutOfRangeError(
            absl::StrCat("client ", cmd.client_id(), " sequence ", cmd.sequence(),
                         " is older than its last applied sequence ", s.last_sequence,
                         "; that outcome is no longer kept"));
        r.index = 0;
        r.duplicate = true;
        return r;
      }
    }
  }
  const std::string& key = cmd.key();
  switch (cmd.op()) {
    case wire::v3::COMMAND_OP_GET: {
      auto it = kv_.find(key);
      r.found = it != kv_.end();
      if (r.found) r.value = it->second;
      break;
    }
    case wire::v3::COMMAND_OP_PUT:
      SetValue(key, cmd.value());
      break;
    case wire::v3::COMMAND_OP_DELETE:
      EraseValue(key);
      break;
    case wire::v3::COMMAND_OP_APPEND: {
      auto it = kv_.find(key);
      SetValue(key, (it == kv_.end() ? std::string() : it->second) + cmd.value());
      break;
    }
    case wire::v3::COMMAND_OP_CAS: {
      auto it = kv_.find(key);
      std::string current = it == kv_.end() ? std::string() : it->second;
      if (current == cmd.expected()) {
        SetValue(key, cmd.value());
        r.succeeded = true;
      } else {
        r.value = current;
      }
      break;
    }
    default:
      // Validated on receipt (node.cc); an unknown op applies as a no-op on
      // every v1 replica alike, and is still recorded in the session.
      r.status = absl::UnimplementedError(absl::StrCat("unknown command op ", cmd.op()));
      break;
  }
  if (cmd.client_id() != 0) {
    snapshots::Session s;
    s.client_id = cmd.client_id();
    s.last_sequence = cmd.sequence();
    s.last_index = index;
    s.response = r.value;
    s.found = r.found;
    s.succeeded = r.succeeded;
    SetSession(s);
  }
  return r;
}

std::optional<std::string> KvStore::Get(const std::string& key) const {
  auto it = kv_.find(key);
  if (it == kv_.end()) return std::nullopt;
  return it->second;
}

CommandResult KvStore::Read(uint64_t client_id, uint64_t sequence, const std::string& key) const {
  CommandResult r;
  if (client_id != 0) {
    auto it = sessions_.find(client_id);
    if (it != sessions_.end()) {
      const snapshots::Session& s = it->second;
      if (sequence == s.last_sequence) {
        r.value = s.response;
        r.found = s.found;
        r.succeeded = s.succeeded;
        r.index = s.last_index;
        r.duplicate = true;
        return r;
      }
      if (sequence < s.last_sequence) {
        r.status = absl::OutOfRangeError(
            absl::StrCat("client ", client_id, " sequence ", sequence,
                         " is older than its last applied sequence ", s.last_sequence,
                         "; that outcome is no longer kept"));
        r.duplicate = true;
        return r;
      }
    }
  }
  auto it = kv_.find(key);
  r.found = it != kv_.end();
  if (r.found) r.value = it->second;
  return r;
}

const snapshots::Session* KvStore::FindSession(uint64_t client_id) const {
  auto it = sessions_.find(client_id);
  return it == sessions_.end() ? nullptr : &it->second;
}

void KvStore::ToSnapshot(snapshots::SnapshotState* state) const {
  state->kv = kv_;
  state->sessions.clear();
  for (const auto& [id, s] : sessions_) state->sessions.push_back(s);
}

void KvStore::FromSnapshot(const snapshots::SnapshotState& state) {
  kv_.clear();
  sessions_.clear();
  digest_ = 0;
  for (const auto& [k, v] : state.kv) SetValue(k, v);
  for (const snapshots::Session& s : state.sessions) SetSession(s);
}

}  // namespace raftlog::v3
