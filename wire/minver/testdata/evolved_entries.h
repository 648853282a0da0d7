// Log entries of the release-2 stand-in schema (evolved.proto), for the
// minimum-version tests.
#ifndef RAFTLOG_WIRE_MINVER_TESTDATA_EVOLVED_ENTRIES_H_
#define RAFTLOG_WIRE_MINVER_TESTDATA_EVOLVED_ENTRIES_H_

#include <cstdint>
#include <string>

namespace raftlog::minver_testdata {

// A serialized evolved Entry at `index` holding a PUT of key "k"; a non-zero
// `ttl_ms` sets the field only release 2 knows.
std::string EvolvedPutEntry(uint64_t index, uint64_t ttl_ms = 0);

}  // namespace raftlog::minver_testdata

#endif  // RAFTLOG_WIRE_MINVER_TESTDATA_EVOLVED_ENTRIES_H_
