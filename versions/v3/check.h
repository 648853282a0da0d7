// RAFTLOG_V3_CHECK: a broken internal invariant of release v3 is a crash,
// never a Status (see the code table in versions/api/node.h). Bad input from
// disk or wire is a Status, and must never reach a CHECK.
#ifndef RAFTLOG_VERSIONS_V3_CHECK_H_
#define RAFTLOG_VERSIONS_V3_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define RAFTLOG_V3_CHECK(cond)                                                     \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                \
    }                                                                              \
  } while (0)

#endif  // RAFTLOG_VERSIONS_V3_CHECK_H_
