// The cross-version decode corpus: every registered tag A sends (a seeded run,
// capture.h), every registered tag B decodes each sample two ways:
//  (a) through B's node: a fresh B node (joining, empty MemEnv, the sample's
//      addressee id) gets Deliver(sample's sender id, bytes) (node_decode.h);
//  (b) through B's generated schema, found by name in the generated pool
//      (schema.h CheckSchemaDecode: parses, unknown fields survive a round
//      trip byte for byte, nothing the sender wrote is lost).
// Each (A, B, message type) cell is ok (every sample accepted by the node and
// round-tripped exactly or equivalently), refused (the node refused every
// sample cleanly, the schema round trip still intact), mixed (some of each),
// or broken (some sample broke either way). The policy (policy.h:
// versions/policy.txt plus expectations derived from the schemas) says what
// each cell must get; Report::violations lists every way reality and policy
// disagree, plus the corpus' own completeness checks.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_CORPUS_H_
#define RAFTLOG_WIRE_CROSS_DECODE_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "versions/api/node.h"
#include "wire/cross_decode/capture.h"
#include "wire/cross_decode/node_decode.h"
#include "wire/cross_decode/policy.h"

namespace raftlog::wire::cross_decode {

struct CrossDecodeOptions {
  uint64_t seed = 1;
  size_t per_type = 8;
  // The policy file to read (FindPolicyFile() finds the real one); "" runs
  // without one, requiring only the self pairs. A path that cannot be read
  // or does not validate is a violation.
  std::string policy_path;
};

enum class CellOutcome { kOk, kRefused, kMixed, kBroken };
const char* CellOutcomeName(CellOutcome o);

struct Cell {
  std::string sender;
  std::string receiver;
  std::string type;              // Outbound::type
  std::string type_value;        // the sender's MessageType value name
  uint32_t cluster_version = 0;  // the sender's, when it sent them
  size_t samples = 0;
  size_t ok = 0;
  size_t refused = 0;
  size_t broken = 0;               // broken by the node path or the schema path
  size_t node_broken = 0;          // of which by the node path
  size_t unknown_fields = 0;       // samples where the receiver kept unknown fields
  std::set<std::string> codes;     // status codes of refusals ("UNIMPLEMENTED")
  std::set<std::string> counters;  // counters those refusals moved
  std::string first_broken;        // the first broken sample and why
  CellOutcome outcome = CellOutcome::kOk;
  // From the policy.
  bool required = false;
  Expect expected = Expect::kOk;
  std::string expected_why;
  std::string violation;  // "" when the cell agrees with the policy
};

struct Report {
  CrossDecodeOptions options;
  WirePolicy policy;
  std::vector<std::string> tags;  // registry order, oldest first
  std::vector<Capture> captures;  // one per tag, same order
  std::vector<Cell> cells;        // by sender, type, cluster version, receiver (registry order)
  std::vector<std::string> violations;
};

// The completeness checks on one tag's capture: a sample of every value of
// the tag's MessageType except the ones its TagPolicy says it never sends;
// none of those sent after all; Outbound::type and the envelope's `type`
// value in one-to-one correspondence. One line per problem.
std::vector<std::string> CoverageViolations(const Capture& capture);

// Decodes `samples` (all of one Outbound::type and cluster version, sent by
// tag `sender`) by
// `receiver` both ways, and fills in what `policy` says about the cell;
// the fresh nodes' MemEnv seeds derive from `seed` and each sample's seq.
// Does not judge: see JudgeCell.
Cell DecodeCell(absl::string_view sender, const api::ReleaseInfo& receiver, absl::string_view type,
                const std::vector<const Sample*>& samples, uint64_t seed, const WirePolicy& policy);

// "" when the cell agrees with the policy, else why not. A node-path break
// (an uncounted refusal, an error code outside node.h's table) is a violation
// for every pair, required or not: ARCHITECTURE.md "Mixed versions" makes every refusal counted.
// For a pair that must interoperate, a schema-path break is one too, and the
// outcome must equal the expectation exactly (all ok, or all refused).
std::string JudgeCell(const Cell& cell);

// Loads the policy (options.policy_path), captures every release in
// `releases` and decodes every sample by every one. An unusable policy file
// is a violation.
Report RunCrossDecode(const std::vector<api::ReleaseInfo>& releases,
                      const CrossDecodeOptions& options);

// The report as a readable grid: a row per (sender, message type, cluster
// version), a column per receiver, then the non-ok cells' details, the violations and a verdict.
std::string FormatGrid(const Report& report);

}  // namespace raftlog::wire::cross_decode

#endif  // RAFTLOG_WIRE_CROSS_DECODE_CORPUS_H_
