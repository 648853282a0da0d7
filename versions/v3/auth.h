// Message authentication of release v3 (a leaf: OpenSSL, protobuf and the
// wire schema, no Raft state).
//
// Once the cluster version is 3, every peer message carries `Message.mac`
// (field 6, since 3): HMAC-SHA256 keyed by the cluster key
// (api::NodeOptions::cluster_key) over the message serialized
// deterministically with `mac` empty. The sender serializes the message with
// the MAC set (deterministically again, so field 6 sits between the header
// and the body). The receiver removes every top-level field-6 record from the
// bytes it received and MACs the rest: for a v3 sender that is exactly what
// the sender MACed, and it stays so for a later sender whose messages carry
// fields this release does not know (no re-serialization on the receiving
// side, whose order of unknown fields could differ).
//
// Replays are not rejected here: a replayed message is indistinguishable
// from a duplicated or delayed one, which Raft tolerates by design, and
// `from`, `to` and `term` are covered by the MAC (Node checks them).
#ifndef RAFTLOG_VERSIONS_V3_AUTH_H_
#define RAFTLOG_VERSIONS_V3_AUTH_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3::auth {

inline constexpr size_t kMacSize = 32;  // SHA-256
inline constexpr int kMacField = 6;     // wire::v3::Message.mac

// HMAC-SHA256(key, data), kMacSize bytes (RFC 2104, RFC 4231).
std::string HmacSha256(absl::string_view key, absl::string_view data);

// Constant-time comparison (CRYPTO_memcmp); false when the sizes differ.
bool MacEquals(absl::string_view a, absl::string_view b);

// `bytes` (a serialized message) without its top-level records of field
// number `field`; nullopt when `bytes` is not a sequence of well-formed
// records.
std::optional<std::string> StripField(absl::string_view bytes, int field);

// Deterministic serialization of `m`, as is.
std::string SerializeDeterministic(const wire::v3::Message& m);

// Sets m->mac to the MAC of `m` (with mac empty) under `key` and returns the
// bytes to send. REQUIRES: !key.empty().
std::string Seal(absl::string_view key, wire::v3::Message* m);

// Checks the MAC of a received message: `bytes` as received, `m` parsed from
// them. OK, or kUnauthenticated with the reason: no key to verify with, no
// MAC, a MAC of the wrong size, or a MAC that does not match (another key or
// altered bytes).
absl::Status Verify(absl::string_view key, absl::string_view bytes, const wire::v3::Message& m);

}  // namespace raftlog::v3::auth

#endif  // RAFTLOG_VERSIONS_V3_AUTH_H_
