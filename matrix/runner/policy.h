// The upgrade policy, as the runner names it: a forward to versions/policy.h,
// where the parser of versions/policy.txt lives (below both the runner and
// wire/cross_decode). New code includes versions/policy.h; this header goes
// once the runner's files and versions/canaries include it directly.
#ifndef RAFTLOG_MATRIX_RUNNER_POLICY_H_
#define RAFTLOG_MATRIX_RUNNER_POLICY_H_

#include "versions/policy.h"

namespace raftlog::runner {

using ::raftlog::policy::Capabilities;
using ::raftlog::policy::Capability;
using ::raftlog::policy::CapabilityFromName;
using ::raftlog::policy::CapabilityName;
using ::raftlog::policy::kAllCapabilities;
using ::raftlog::policy::PairPolicy;
using ::raftlog::policy::Policy;

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_POLICY_H_
