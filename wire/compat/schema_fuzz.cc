// libFuzzer target for the wire schema checker's input: serialized
// FileDescriptorSets (schema.h Schema::FromBytes), and the checker over
// whatever loads (checker.h CheckCompatibility).
//
// Input: byte 0 and 1 (little-endian) split the rest into an old and a new
// set; inputs shorter than 2 bytes are one set.
//
// Properties (a violation aborts):
//   - FromBytes returns; an error is kInvalidArgument with a message;
//   - a schema that loads checks against itself deterministically (the same
//     findings twice; findings there are about the schema alone, such as a
//     missing since annotation);
//   - old vs new, both ways, returns findings sorted and free of duplicates,
//     and errors + warnings equals the number of findings.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "wire/compat/checker.h"
#include "wire/compat/schema.h"

namespace {

using raftlog::wire::compat::CheckResult;
using raftlog::wire::compat::Schema;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "schema_fuzz: %s\n", what.c_str());
  std::abort();
}

std::unique_ptr<Schema> Load(absl::string_view bytes) {
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromBytes(bytes);
  if (schema.ok()) return *std::move(schema);
  if (schema.status().code() != absl::StatusCode::kInvalidArgument)
    Fail("FromBytes: error outside kInvalidArgument: " + schema.status().ToString());
  if (schema.status().message().empty()) Fail("FromBytes: error without a message");
  return nullptr;
}

void CheckWellFormed(const CheckResult& r, const char* what) {
  for (size_t i = 1; i < r.findings.size(); ++i) {
    if (!(r.findings[i - 1] < r.findings[i])) Fail(std::string(what) + ": unsorted or duplicate");
  }
  if (static_cast<size_t>(r.errors + r.warnings) != r.findings.size())
    Fail(std::string(what) + ": counts disagree with the findings");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::string_view old_bytes = input, new_bytes;
  if (size >= 2) {
    const size_t split = (data[0] | (size_t{data[1]} << 8)) % (size - 1);
    old_bytes = input.substr(2, split);
    new_bytes = input.substr(2 + split);
  }
  std::unique_ptr<Schema> old_schema = Load(old_bytes);
  std::unique_ptr<Schema> new_schema = new_bytes.empty() ? nullptr : Load(new_bytes);
  for (const Schema* s : {old_schema.get(), new_schema.get()}) {
    if (s == nullptr) continue;
    const CheckResult self = raftlog::wire::compat::CheckCompatibility(*s, *s);
    CheckWellFormed(self, "self");
    const CheckResult again = raftlog::wire::compat::CheckCompatibility(*s, *s);
    if (!(again.findings == self.findings)) Fail("the same check gave other findings");
  }
  if (old_schema != nullptr && new_schema != nullptr) {
    CheckWellFormed(raftlog::wire::compat::CheckCompatibility(*old_schema, *new_schema), "old->new");
    CheckWellFormed(raftlog::wire::compat::CheckCompatibility(*new_schema, *old_schema), "new->old");
  }
  return 0;
}
