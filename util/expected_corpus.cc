#include "util/expected_corpus.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace raftlog::util {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void ReplayExpectedFolder(
    const std::string& dir, size_t field_count, size_t min_cases,
    absl::FunctionRef<void(const std::vector<std::string>& fields, const std::string& bytes)>
        check) {
  std::set<std::string> listed;
  const std::string expected = ReadWholeFile(dir + "/EXPECTED");
  EXPECT_FALSE(expected.empty()) << dir << "/EXPECTED is missing or empty";
  for (absl::string_view line : absl::StrSplit(expected, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields =
        absl::StrSplit(line, absl::MaxSplits(' ', static_cast<int>(field_count) - 1));
    if (fields.size() != field_count) {
      ADD_FAILURE() << dir << "/EXPECTED: a line with fewer than " << field_count
                    << " fields: " << line;
      continue;
    }
    listed.insert(fields[0]);
    check(fields, ReadWholeFile(dir + "/" + fields[0]));
  }
  EXPECT_GE(listed.size(), min_cases) << dir;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name == "EXPECTED") continue;
    EXPECT_EQ(listed.count(name), 1u) << dir << "/" << name << " has no EXPECTED line";
  }
}

}  // namespace raftlog::util
