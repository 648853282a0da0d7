#include "wire/minver/downgrade.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "wire/minver/log.h"
#include "wire/minver/message.h"
#include "wire/minver/snapshot.h"

namespace raftlog::wire::minver {

absl::Status CheckDowngrade(uint32_t target_release, const std::vector<MinRelease>& requirements) {
  if (target_release == 0) {
    return absl::InvalidArgumentError("downgrade target release 0 (releases count from 1)");
  }
  const MinRelease* worst = nullptr;
  const MinRelease* unproven = nullptr;
  for (const MinRelease& r : requirements) {
    if (worst == nullptr || r.release > worst->release) worst = &r;
    if (!r.complete && unproven == nullptr) unproven = &r;
  }
  if (worst != nullptr && worst->release > target_release) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data needs release ", ReleaseTag(worst->release), " to read (", worst->element,
        "); run the downgrade procedure first [at ", worst->where, "; target ",
        ReleaseTag(target_release), "]"));
  }
  if (unproven != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot certify that ", ReleaseTag(target_release), " reads the data: ", unproven->note,
        " [at ", unproven->where, "]"));
  }
  return absl::OkStatus();
}

absl::Status CheckDowngrade(uint32_t target_release, const DowngradeData& data) {
  const std::string context = absl::StrCat("cannot certify downgrade to ", ReleaseTag(target_release), ": ");
  auto annotate = [&context](const absl::Status& s) {
    return absl::Status(s.code(), absl::StrCat(context, s.message()));
  };
  std::vector<MinRelease> requirements;
  if (data.entry_type != nullptr) {
    absl::StatusOr<MinRelease> log = MinReleaseForLog(data.entry_type, data.log_entries);
    if (!log.ok()) return annotate(log.status());
    requirements.push_back(*std::move(log));
  } else if (!data.log_entries.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(context, "log entries given without their entry type"));
  }
  for (size_t i = 0; i < data.snapshots.size(); ++i) {
    absl::StatusOr<MinRelease> snap = MinReleaseForSnapshot(data.snapshots[i]);
    if (!snap.ok()) {
      return annotate(absl::Status(snap.status().code(),
                                   absl::StrCat("snapshot ", i + 1, ": ", snap.status().message())));
    }
    snap->where = absl::StrCat("snapshot ", i + 1, ": ", snap->where);
    requirements.push_back(*std::move(snap));
  }
  for (const google::protobuf::Message* m : data.messages) {
    absl::StatusOr<MinRelease> msg = MinReleaseForMessage(*m);
    if (!msg.ok()) return annotate(msg.status());
    requirements.push_back(*std::move(msg));
  }
  return CheckDowngrade(target_release, requirements);
}

}  // namespace raftlog::wire::minver
