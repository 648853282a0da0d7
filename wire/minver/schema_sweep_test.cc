// Sweeps whole schemas: every message type alone, every field set alone
// (every value of an enum field, each alone), and every field of every
// declared Entry.data payload, must yield exactly the largest since on its
// path, computed here straight from the annotations. Runs over every linked
// tag (so wire/v2's since-2 elements are picked up as they are added) and
// over the release-2 stand-in testdata/evolved.proto.
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "gtest/gtest.h"
#include "wire/compat/since.h"
#include "wire/minver/message.h"
#include "wire/minver/payloads.h"
#include "wire/minver/tags.h"
#include "wire/minver/testdata/evolved.pb.h"

namespace raftlog::wire::minver {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DynamicMessageFactory;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

uint32_t SinceOrFail(std::optional<uint64_t> since, const std::string& what) {
  EXPECT_TRUE(since.has_value() && *since >= 1) << what << " is not annotated";
  return since.has_value() ? static_cast<uint32_t>(*since) : 0;
}

uint32_t MessageSince(const Descriptor* d) { return SinceOrFail(compat::SinceOf(d), d->full_name()); }
uint32_t FieldSince(const FieldDescriptor* f) {
  return SinceOrFail(compat::SinceOf(f), f->full_name());
}
uint32_t ValueSince(const EnumValueDescriptor* v) {
  uint32_t since = SinceOrFail(compat::SinceOf(v), v->full_name());
  if (std::optional<uint64_t> e = compat::SinceOf(v->type()); e.has_value() && *e > since) {
    since = static_cast<uint32_t>(*e);
  }
  return since;
}

bool IsPayloadBytes(const FieldDescriptor* f) {
  absl::StatusOr<ResolvedNestedRule> rule = ResolveNestedRule(WirePayloads(), f->containing_type());
  return rule.ok() && rule->rule != nullptr && rule->bytes_field == f;
}

// Sets `f` of `m` to a witness value (`value` for enums) and returns the
// since of what that puts on the wire besides `m`'s own type: 0 when
// nothing is present (a proto3 enum field at its zero value).
uint32_t SetWitness(Message* m, const FieldDescriptor* f, const EnumValueDescriptor* value) {
  const Reflection* r = m->GetReflection();
  uint32_t since = FieldSince(f);
  const bool repeated = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      repeated ? r->AddInt32(m, f, 1) : r->SetInt32(m, f, 1);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      repeated ? r->AddInt64(m, f, 1) : r->SetInt64(m, f, 1);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:  // 1: also a valid format/version
      repeated ? r->AddUInt32(m, f, 1) : r->SetUInt32(m, f, 1);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      repeated ? r->AddUInt64(m, f, 1) : r->SetUInt64(m, f, 1);
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      repeated ? r->AddDouble(m, f, 1) : r->SetDouble(m, f, 1);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      repeated ? r->AddFloat(m, f, 1) : r->SetFloat(m, f, 1);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      repeated ? r->AddBool(m, f, true) : r->SetBool(m, f, true);
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r->AddString(m, f, "x") : r->SetString(m, f, "x");
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      repeated ? r->AddEnumValue(m, f, value->number()) : r->SetEnumValue(m, f, value->number());
      if (!repeated && value->number() == 0 && !f->has_presence()) return 0;
      since = std::max(since, ValueSince(value));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (f->is_map()) {
        r->AddMessage(m, f);  // default key and value: the value is not set
      } else {
        repeated ? r->AddMessage(m, f) : r->MutableMessage(m, f);
        since = std::max(since, MessageSince(f->message_type()));
      }
      break;
  }
  return since;
}

// The enum values to try for `f`: each value, or one null for other types.
std::vector<const EnumValueDescriptor*> Witnesses(const FieldDescriptor* f) {
  std::vector<const EnumValueDescriptor*> out;
  if (f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) return {nullptr};
  for (int i = 0; i < f->enum_type()->value_count(); ++i) out.push_back(f->enum_type()->value(i));
  return out;
}

struct Counts {
  int cases = 0;
  int since_above_1 = 0;
};

void Check(const Message& m, uint32_t expected, const std::string& what, Counts* counts) {
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(m);
  ASSERT_TRUE(min.ok()) << what << ": " << min.status();
  EXPECT_EQ(min->release, expected) << what << " (walk says " << min->element << " at "
                                    << min->where << ")";
  ++counts->cases;
  if (expected > 1) ++counts->since_above_1;
}

void SweepMessage(const Descriptor* d, DynamicMessageFactory* factory, Counts* counts) {
  if (d->options().map_entry()) return;
  const Message* prototype = factory->GetPrototype(d);
  ASSERT_NE(prototype, nullptr);
  const uint32_t own = MessageSince(d);
  Check(*prototype, own, absl::StrCat("empty ", d->full_name()), counts);
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (IsPayloadBytes(f)) continue;  // SweepPayloads
    for (const EnumValueDescriptor* value : Witnesses(f)) {
      std::unique_ptr<Message> m(prototype->New());
      const uint32_t expected = std::max(own, SetWitness(m.get(), f, value));
      Check(*m, expected,
            absl::StrCat(f->full_name(), value ? absl::StrCat(" = ", value->name()) : ""),
            counts);
    }
  }
  for (int i = 0; i < d->nested_type_count(); ++i) SweepMessage(d->nested_type(i), factory, counts);
}

// Every field (and enum value) of every payload an Entry.data may hold,
// inside an Entry of the matching type.
// `allow_undeclared`: the stand-in has an entry type the table leaves out on
// purpose (message_test.cc checks the error).
void SweepPayloads(const FileDescriptor* file, bool allow_undeclared,
                   DynamicMessageFactory* factory, Counts* counts) {
  const Descriptor* entry = file->pool()->FindMessageTypeByName(file->package() + ".Entry");
  if (entry == nullptr || entry->file() != file) return;
  absl::StatusOr<ResolvedNestedRule> rule = ResolveNestedRule(WirePayloads(), entry);
  ASSERT_TRUE(rule.ok()) << rule.status();
  ASSERT_NE(rule->rule, nullptr);
  const Message* entry_prototype = factory->GetPrototype(entry);
  const auto* types = rule->selector_field->enum_type();
  for (int t = 0; t < types->value_count(); ++t) {
    const EnumValueDescriptor* type = types->value(t);
    absl::StatusOr<const Descriptor*> payload = PayloadTypeFor(*rule, entry, type);
    if (!payload.ok() && allow_undeclared) continue;
    ASSERT_TRUE(payload.ok()) << payload.status();
    if (*payload == nullptr) continue;
    const Message* payload_prototype = factory->GetPrototype(*payload);
    for (int i = 0; i < (*payload)->field_count(); ++i) {
      const FieldDescriptor* g = (*payload)->field(i);
      for (const EnumValueDescriptor* value : Witnesses(g)) {
        std::unique_ptr<Message> p(payload_prototype->New());
        const uint32_t inner = SetWitness(p.get(), g, value);
        std::unique_ptr<Message> e(entry_prototype->New());
        uint32_t expected = MessageSince(entry);
        if (type->number() != 0) {
          e->GetReflection()->SetEnumValue(e.get(), rule->selector_field, type->number());
          expected = std::max({expected, FieldSince(rule->selector_field), ValueSince(type)});
        }
        const std::string bytes = p->SerializeAsString();
        if (!bytes.empty()) {
          e->GetReflection()->SetString(e.get(), rule->bytes_field, bytes);
          expected = std::max({expected, FieldSince(rule->bytes_field), MessageSince(*payload),
                               inner});
        }
        Check(*e, expected,
              absl::StrCat(type->name(), ": ", g->full_name(),
                           value ? absl::StrCat(" = ", value->name()) : ""),
              counts);
      }
    }
  }
}

Counts SweepFile(const FileDescriptor* file, bool allow_undeclared = false) {
  DynamicMessageFactory factory;
  factory.SetDelegateToGeneratedFactory(true);
  Counts counts;
  for (int i = 0; i < file->message_type_count(); ++i) {
    SweepMessage(file->message_type(i), &factory, &counts);
  }
  SweepPayloads(file, allow_undeclared, &factory, &counts);
  std::cout << file->name() << ": " << counts.cases << " cases, " << counts.since_above_1
            << " needing a release above v1\n";
  return counts;
}

TEST(SchemaSweep, EveryLinkedTag) {
  for (const std::string& tag : LinkedTags()) {
    SCOPED_TRACE(tag);
    absl::StatusOr<const Descriptor*> message = FindTagMessage(tag, "Message");
    ASSERT_TRUE(message.ok());
    const Counts counts = SweepFile((*message)->file());
    EXPECT_GT(counts.cases, 50);
    // v1 is frozen with everything since 1: nothing may need more.
    if (tag == "v1") {
      EXPECT_EQ(counts.since_above_1, 0);
    }
  }
}

TEST(SchemaSweep, ReleaseTwoStandIn) {
  const Counts counts = SweepFile(raftlog::minver_testdata::v2::Message::descriptor()->file(),
                                   /*allow_undeclared=*/true);
  EXPECT_GE(counts.since_above_1, 10);
}

}  // namespace
}  // namespace raftlog::wire::minver
