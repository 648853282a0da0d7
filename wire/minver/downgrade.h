// Refusing a downgrade whose data needs newer readers, before any binary of
// the older release touches the data (ARCHITECTURE.md, "Schema annotations and the
// minimum readable version"; the explicit downgrade procedure of v3 lowers
// the cluster version and rewrites the data first).
#ifndef RAFTLOG_WIRE_MINVER_DOWNGRADE_H_
#define RAFTLOG_WIRE_MINVER_DOWNGRADE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "wire/minver/requirement.h"

namespace raftlog::wire::minver {

// OK when release `target_release` reads everything `requirements` describe.
// kFailedPrecondition otherwise:
//   "data needs release v2 to read (field raftlog.wire.v2.Command.ttl_ms
//    since 2); run the downgrade procedure first [at log entry 3: ...]"
// naming the first requirement (in order) with the largest release; or, when
// every release fits but one requirement is only a lower bound (complete =
// false), "cannot certify ...: <its note>". kInvalidArgument for target 0.
absl::Status CheckDowngrade(uint32_t target_release, const std::vector<MinRelease>& requirements);

// The data a downgrade would hand to the older release.
struct DowngradeData {
  // Serialized entries of the log, in order, of `entry_type`'s package.
  const google::protobuf::Descriptor* entry_type = nullptr;
  std::vector<std::string> log_entries;
  // Whole snapshot files.
  std::vector<std::string> snapshots;
  // Anything else persisted or in flight (not owned).
  std::vector<const google::protobuf::Message*> messages;
};

// Computes each requirement (log.h, snapshot.h, message.h) and checks them as
// above. A requirement that cannot be computed is returned as is (its code,
// its message prefixed with "cannot certify downgrade to vN: "): no
// downgrade is certified on data that cannot be examined.
absl::Status CheckDowngrade(uint32_t target_release, const DowngradeData& data);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_DOWNGRADE_H_
