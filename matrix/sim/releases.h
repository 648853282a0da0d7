// Every release the simulator can run by tag: the project's registered
// releases plus the simulator's fakes ("fake", "fake_broken", "fake_refuse", "fake_noisy",
// for testing the simulator itself).
#ifndef RAFTLOG_MATRIX_SIM_RELEASES_H_
#define RAFTLOG_MATRIX_SIM_RELEASES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "versions/api/node.h"

namespace raftlog::sim {

const api::ReleaseInfo* FindSimRelease(absl::string_view tag);
// "v1,fake,fake_broken,fake_refuse,fake_noisy"
std::string SimReleaseTags();

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_RELEASES_H_
