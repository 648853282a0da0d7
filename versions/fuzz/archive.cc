#include "versions/fuzz/archive.h"

#include "absl/strings/match.h"

namespace raftlog::fuzz {

Archive ParseArchive(absl::string_view input) {
  Archive a;
  if (input.empty()) return a;
  a.mode = static_cast<uint8_t>(input[0]);
  input.remove_prefix(1);
  while (!input.empty() && a.files.size() < kMaxArchiveFiles) {
    const size_t newline = input.substr(0, kMaxNameBytes + 1).find('\n');
    if (newline == absl::string_view::npos) break;
    const absl::string_view name = input.substr(0, newline);
    input.remove_prefix(newline + 1);
    uint32_t length = 0;
    for (int i = 0; i < 4 && !input.empty(); ++i) {
      length |= static_cast<uint32_t>(static_cast<uint8_t>(input[0])) << (8 * i);
      input.remove_prefix(1);
    }
    const absl::string_view content = input.substr(0, length);
    input.remove_prefix(content.size());
    if (name.empty() || absl::StrContains(name, "..") || name[0] == '/') continue;
    a.files[std::string(name)] = std::string(content);
  }
  return a;
}

std::string PackArchive(uint8_t mode, const std::map<std::string, std::string>& files) {
  std::string out(1, static_cast<char>(mode));
  for (const auto& [name, content] : files) {
    out += name;
    out += '\n';
    const uint32_t n = static_cast<uint32_t>(content.size());
    for (int i = 0; i < 4; ++i) out += static_cast<char>((n >> (8 * i)) & 0xFF);
    out += content;
  }
  return out;
}

}  // namespace raftlog::fuzz
