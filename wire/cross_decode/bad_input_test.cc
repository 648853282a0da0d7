// Bad input through every registered tag's decode path (api::Node::Deliver):
// truncated (every prefix of every corpus sample), oversized (length claims
// of 64 MiB and more, real 16 MiB messages) and seeded random bytes. Every
// refusal must be clean: a Status code from node.h's table and a counter
// that went up (DeliverAndJudge); nothing may crash (a crash ends the test).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "versions/registry.h"
#include "wire/cross_decode/capture.h"
#include "wire/cross_decode/node_decode.h"
#include "wire/cross_decode/schema.h"
#include "wire/cross_decode/wire_bytes.h"

namespace raftlog::wire::cross_decode {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr size_t k16MiB = size_t{16} << 20;
constexpr uint64_t k64MiB = uint64_t{64} << 20;

// Every registered tag's corpus samples (seed 1, up to 8 per type).
const std::vector<Sample>& AllSamples() {
  static const auto* samples = [] {
    auto* out = new std::vector<Sample>();
    for (const api::ReleaseInfo& r : AllReleases()) {
      Capture c = CaptureRelease(r, CaptureOptions());
      for (Sample& s : c.samples) out->push_back(std::move(s));
    }
    return out;
  }();
  return *samples;
}

std::string Describe(const NodeResult& r) {
  return absl::StrCat(VerdictName(r.verdict), " ", r.status.ToString(), " counters {",
                      absl::StrJoin(r.counters_moved, ","), "} ", r.detail);
}

// What `tag` reads from `bytes`, unknown fields set aside; nullptr if it
// does not parse.
std::unique_ptr<Message> KnownPart(const std::string& tag, absl::string_view bytes) {
  std::unique_ptr<Message> m = ParseEnvelope(tag, bytes);
  if (m != nullptr) DiscardUnknown(m.get());
  return m;
}

TEST(BadInput, CorpusIsThere) {
  ASSERT_FALSE(AllSamples().empty());
  std::map<std::string, size_t> per_tag;
  for (const Sample& s : AllSamples()) ++per_tag[s.sender_tag];
  EXPECT_EQ(per_tag.size(), AllReleases().size());
}

// Every strict prefix of every sample, to a fresh node of every tag. A
// prefix may only be accepted if the receiver reads it exactly as the whole
// message (what was cut is unknown to it); anything else accepted would be
// a silent misread. v1 puts the body last, so for v1 no strict prefix is
// acceptable at all.
TEST(BadInput, EveryPrefixOfEverySampleIsRefusedAndCounted) {
  for (const api::ReleaseInfo& receiver : AllReleases()) {
    size_t prefixes = 0, refused = 0, accepted = 0;
    std::map<std::string, size_t> counters;
    for (const Sample& s : AllSamples()) {
      FreshNode f = StartFreshNode(receiver, s.to, 100 + s.seq);
      ASSERT_TRUE(f.start_status.ok()) << f.start_status;
      std::unique_ptr<Message> whole = KnownPart(receiver.tag, s.bytes);
      for (size_t n = 0; n < s.bytes.size(); ++n) {
        const absl::string_view prefix = absl::string_view(s.bytes).substr(0, n);
        ++prefixes;
        NodeResult r = DeliverAndJudge(f.node.get(), s.from, prefix);
        ASSERT_NE(r.verdict, Verdict::kBroken)
            << receiver.tag << " on " << s.sender_tag << " " << s.type << " #" << s.seq
            << " prefix " << n << "/" << s.bytes.size() << ": " << Describe(r);
        if (r.verdict == Verdict::kRefused) {
          ++refused;
          for (const std::string& c : r.counters_moved) ++counters[c];
          continue;
        }
        ++accepted;
        std::unique_ptr<Message> part = KnownPart(receiver.tag, prefix);
        ASSERT_TRUE(whole != nullptr && part != nullptr &&
                    google::protobuf::util::MessageDifferencer::Equals(*whole, *part))
            << receiver.tag << " accepted prefix " << n << "/" << s.bytes.size() << " of "
            << s.sender_tag << " " << s.type << " #" << s.seq << " and reads it differently";
      }
    }
    EXPECT_GT(prefixes, 1000u) << receiver.tag;
    if (receiver.tag == "v1") {
      EXPECT_EQ(accepted, 0u);
    }
    EXPECT_EQ(refused + accepted, prefixes);
    std::string moved;
    for (const auto& [name, n] : counters) absl::StrAppend(&moved, " ", name, "=", n);
    std::printf("%s: %zu prefixes, %zu refused, %zu accepted as equivalent; counted:%s\n",
                receiver.tag.c_str(), prefixes, refused, accepted, moved.c_str());
  }
}

// Length claims far beyond the input: in the first length-delimited field
// (the body, or whatever comes first), and as an extra unknown field.
TEST(BadInput, HugeLengthClaimsAreRefusedAndCounted) {
  const uint64_t claims[] = {k64MiB, uint64_t{1} << 31, (uint64_t{1} << 32) + 5, ~uint64_t{0}};
  for (const api::ReleaseInfo& receiver : AllReleases()) {
    size_t inputs = 0;
    for (const Sample& s : AllSamples()) {
      std::vector<std::string> bad;
      for (uint64_t claim : claims) {
        std::optional<std::string> lying = WithLyingLength(s.bytes, claim);
        ASSERT_TRUE(lying.has_value()) << s.type << " has no length-delimited field";
        bad.push_back(*lying);
        bad.push_back(s.bytes + LyingBytesField(1000, claim, std::string(16, 'x')));
      }
      // A claim inside the body: the body's own first length-delimited
      // field (an entry, snapshot data) when it has one.
      std::optional<std::vector<WireField>> fields = SplitFields(s.bytes);
      ASSERT_TRUE(fields.has_value());
      for (const WireField& f : *fields) {
        // Field 6 of the envelope is v3's MAC, opaque bytes, not a body.
        if (f.wire_type != 2 || f.number == 6) continue;
        std::string body(s.bytes.substr(f.value_begin, f.end - f.value_begin));
        std::optional<std::string> lying_body = WithLyingLength(body, k64MiB);
        if (lying_body.has_value()) {
          bad.push_back(s.bytes.substr(0, f.begin) + BytesField(f.number, *lying_body) +
                        s.bytes.substr(f.end));
        }
        break;
      }
      FreshNode node = StartFreshNode(receiver, s.to, 200 + s.seq);
      ASSERT_TRUE(node.start_status.ok());
      for (const std::string& b : bad) {
        ++inputs;
        NodeResult r = DeliverAndJudge(node.node.get(), s.from, b);
        EXPECT_EQ(r.verdict, Verdict::kRefused)
            << receiver.tag << " on " << s.type << " #" << s.seq << ": " << Describe(r);
      }
    }
    EXPECT_GT(inputs, 8 * AllSamples().size()) << receiver.tag;
  }
}

// The largest non-empty bytes/string field of `m`, recursively.
struct BytesSlot {
  Message* message = nullptr;
  const FieldDescriptor* field = nullptr;
  int index = -1;  // -1: singular
  size_t size = 0;
};
void FindLargestBytes(Message* m, BytesSlot* best) {
  const google::protobuf::Reflection* r = m->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(*m, &fields);
  for (const FieldDescriptor* f : fields) {
    // The envelope's MAC (v3) is not a payload: an older release keeps it
    // as an unknown field and never looks at it.
    if (f->name() == "mac" && f->containing_type()->name() == "Message") continue;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(*m, f); ++i) {
          const size_t n = r->GetRepeatedString(*m, f, i).size();
          if (n > best->size) *best = BytesSlot{m, f, i, n};
        }
      } else {
        const size_t n = r->GetString(*m, f).size();
        if (n > best->size) *best = BytesSlot{m, f, -1, n};
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(*m, f); ++i) {
          FindLargestBytes(r->MutableRepeatedMessage(m, f, i), best);
        }
      } else {
        FindLargestBytes(r->MutableMessage(m, f), best);
      }
    }
  }
}

// Real 16 MiB messages: pure random bytes; each sample with its largest
// payload (snapshot data, an entry's command) replaced by 16 MiB of random
// bytes; each sample with a 16 MiB unknown field appended. The node must
// refuse the random bytes cleanly; on the other two it must not break (a
// payload is not always looked at: a snapshot chunk for a gap is answered
// with a resume offset, unknown fields are kept and ignored), and v1, which
// validates every command and snapshot it gets, refuses every inflated one.
// The schema path must round-trip all the well-formed ones.
TEST(BadInput, SixteenMiBMessages) {
  Rng rng(16);
  const std::string random = rng.Bytes(k16MiB);
  const std::string unknown_field = BytesField(1000, rng.Bytes(k16MiB));
  std::map<std::string, size_t> inflated_outcomes;
  for (const api::ReleaseInfo& receiver : AllReleases()) {
    {
      NodeResult r = DeliverToFreshNode(receiver, 2, 1, random, 300);
      EXPECT_EQ(r.verdict, Verdict::kRefused) << receiver.tag << ": " << Describe(r);
    }
    size_t inflated = 0;
    // At most 2 samples per (sender, type) for each kind, the inflated ones
    // among those that have a payload.
    std::map<std::string, size_t> inflated_per_type, padded_per_type;
    for (const Sample& s : AllSamples()) {
      const std::string key = absl::StrCat(s.sender_tag, " ", s.type);
      std::unique_ptr<Message> m = ParseEnvelope(s.sender_tag, s.bytes);
      ASSERT_NE(m, nullptr);
      BytesSlot slot;
      FindLargestBytes(m.get(), &slot);
      if (slot.field != nullptr && inflated_per_type[key]++ < 2) {
        const google::protobuf::Reflection* r = slot.message->GetReflection();
        if (slot.index < 0) {
          r->SetString(slot.message, slot.field, random);
        } else {
          r->SetRepeatedString(slot.message, slot.field, slot.index, random);
        }
        const std::string big = m->SerializeAsString();
        ASSERT_GT(big.size(), k16MiB);
        ++inflated;
        NodeResult nr = DeliverToFreshNode(receiver, s.from, s.to, big, 400 + s.seq);
        EXPECT_NE(nr.verdict, Verdict::kBroken)
            << receiver.tag << " on " << s.sender_tag << " " << s.type << " #" << s.seq << " ("
            << slot.field->full_name() << " = 16 MiB random): " << Describe(nr);
        if (receiver.tag == "v1") {
          EXPECT_EQ(nr.verdict, Verdict::kRefused)
              << "v1 on " << s.sender_tag << " " << s.type << " #" << s.seq << " ("
              << slot.field->full_name() << " = 16 MiB random): " << Describe(nr);
        }
        ++inflated_outcomes[absl::StrCat(receiver.tag, "<-", s.sender_tag, " ", s.type, " ",
                                         VerdictName(nr.verdict))];
        SchemaVerdict sv = CheckSchemaDecode(s.sender_tag, receiver.tag, big);
        EXPECT_TRUE(sv.ok) << receiver.tag << " " << s.type << ": " << sv.detail;
      }
      if (padded_per_type[key]++ >= 2) continue;
      const std::string padded = s.bytes + unknown_field;
      NodeResult pr = DeliverToFreshNode(receiver, s.from, s.to, padded, 500 + s.seq);
      EXPECT_NE(pr.verdict, Verdict::kBroken)
          << receiver.tag << " " << s.type << ": " << Describe(pr);
      SchemaVerdict sv = CheckSchemaDecode(s.sender_tag, receiver.tag, padded);
      EXPECT_TRUE(sv.ok) << receiver.tag << " " << s.type << ": " << sv.detail;
      std::unique_ptr<Message> kept = ParseEnvelope(receiver.tag, padded);
      ASSERT_NE(kept, nullptr);
      const std::string top = UnknownFieldsByPath(*kept)[""];
      EXPECT_TRUE(
          top.size() >= unknown_field.size() &&
          top.compare(top.size() - unknown_field.size(), unknown_field.size(), unknown_field) == 0)
          << receiver.tag << " " << s.type << ": the 16 MiB unknown field is not kept";
    }
    // AppendEntries with commands and snapshots at least.
    EXPECT_GE(inflated, 3u) << receiver.tag;
    for (const auto& [what, n] : inflated_outcomes)
      std::printf("16 MiB payload: %s x%zu\n", what.c_str(), n);
    inflated_outcomes.clear();
  }
}

// Seeded random bytes, and random well-formed field sequences (which parse,
// so decoding reaches the validation after the parser), to one fresh node
// per tag.
TEST(BadInput, SeededRandomBytesAreRefusedAndCounted) {
  for (const api::ReleaseInfo& receiver : AllReleases()) {
    FreshNode f = StartFreshNode(receiver, 1, 600);
    ASSERT_TRUE(f.start_status.ok());
    Rng rng(20240601);
    std::map<std::string, size_t> counters;
    for (int i = 0; i < 3000; ++i) {
      const std::string bytes = rng.Bytes(rng.Uniform(513));
      NodeResult r = DeliverAndJudge(f.node.get(), 2, bytes);
      ASSERT_EQ(r.verdict, Verdict::kRefused)
          << receiver.tag << " random #" << i << ": " << Describe(r);
      for (const std::string& c : r.counters_moved) ++counters[c];
    }
    size_t structured_ok = 0, structured_refused = 0;
    for (int i = 0; i < 3000; ++i) {
      const std::string bytes = RandomMessage(&rng, 8, 20, 2);
      NodeResult r = DeliverAndJudge(f.node.get(), 2, bytes);
      ASSERT_NE(r.verdict, Verdict::kBroken)
          << receiver.tag << " structured #" << i << ": " << Describe(r);
      if (r.verdict == Verdict::kOk) {
        ++structured_ok;
      } else {
        ++structured_refused;
        for (const std::string& c : r.counters_moved) ++counters[c];
      }
    }
    EXPECT_GT(structured_refused, 2900u) << receiver.tag;
    std::string moved;
    for (const auto& [name, n] : counters) absl::StrAppend(&moved, " ", name, "=", n);
    std::printf("%s: 3000 random refused; structured: %zu refused, %zu accepted; counted:%s\n",
                receiver.tag.c_str(), structured_refused, structured_ok, moved.c_str());
    // The node still works: it joins when a leader's first AppendEntries comes.
    EXPECT_TRUE(f.node->State().config.voters.empty());
  }
}

TEST(WireBytes, SplitAndLie) {
  const std::string m = VarintField(1, 1) + BytesField(10, VarintField(1, 7)) + VarintField(2, 3);
  std::optional<std::vector<WireField>> fields = SplitFields(m);
  ASSERT_TRUE(fields.has_value());
  ASSERT_EQ(fields->size(), 3u);
  EXPECT_EQ((*fields)[1].number, 10u);
  EXPECT_EQ((*fields)[1].wire_type, 2);
  EXPECT_EQ((*fields)[1].end - (*fields)[1].value_begin, 2u);
  std::optional<std::string> lie = WithLyingLength(m, k64MiB);
  ASSERT_TRUE(lie.has_value());
  EXPECT_EQ(lie->size(), m.size() + 3);  // 64 MiB takes 4 varint bytes, 2 took 1
  EXPECT_FALSE(SplitFields(*lie).has_value());
  EXPECT_FALSE(SplitFields(m.substr(0, m.size() - 1)).has_value());
  EXPECT_FALSE(WithLyingLength(VarintField(1, 1), 5).has_value());
}

}  // namespace
}  // namespace raftlog::wire::cross_decode
