// Shared by the explorer's tests: bounds by name, reading test data.
#ifndef RAFTLOG_MATRIX_EXPLORE_TEST_UTIL_H_
#define RAFTLOG_MATRIX_EXPLORE_TEST_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "matrix/explore/recording.h"
#include "matrix/explore/search.h"

namespace raftlog::explore::testing {

// Bounds with every budget zero except what the caller sets.
inline Bounds Tight(std::vector<std::string> tags, int depth) {
  Bounds b;
  b.tags = std::move(tags);
  b.depth = depth;
  b.timeouts = b.heartbeats = b.crashes = b.drops = b.duplicates = 0;
  b.client_ops = b.membership = b.upgrades = b.finalizes = 0;
  return b;
}

// A file under matrix/explore/testdata (a data dependency of the test).
inline Recording ReadTestRecording(const std::string& name) {
  std::ifstream in("matrix/explore/testdata/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  absl::StatusOr<Recording> r = ParseRecording(ss.str());
  return r.ok() ? *r : Recording{};
}

}  // namespace raftlog::explore::testing

#endif  // RAFTLOG_MATRIX_EXPLORE_TEST_UTIL_H_
