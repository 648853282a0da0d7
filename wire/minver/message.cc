#include "wire/minver/message.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/unknown_field_set.h"
#include "snapshots/codec.h"
#include "wire/compat/since.h"

namespace raftlog::wire::minver {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::DynamicMessageFactory;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::UnknownFieldSet;

// The annotation as a release number; kNotFound naming `element` when it is
// missing, 0, or beyond any release number.
absl::StatusOr<uint32_t> Required(std::optional<uint64_t> since, absl::string_view element,
                                  absl::string_view option, absl::string_view where) {
  if (!since.has_value()) {
    return absl::NotFoundError(absl::StrCat(element, " has no (raftlog.wire.", option,
                                            ") annotation (present at ", where,
                                            "): annotate it in its .proto"));
  }
  if (*since == 0 || *since > std::numeric_limits<uint32_t>::max()) {
    return absl::NotFoundError(absl::StrCat(element, " has (raftlog.wire.", option, ") = ",
                                            *since, ", not a release number (present at ",
                                            where, ")"));
  }
  return static_cast<uint32_t>(*since);
}

std::string EnumValueName(const EnumValueDescriptor* v) {
  return absl::StrCat(v->type()->full_name(), ".", v->name());
}

// Map entries sort by key so that the reported element does not depend on
// the map's (seeded) iteration order.
bool MapKeyLess(const Message& a, const Message& b) {
  const FieldDescriptor* key = a.GetDescriptor()->map_key();
  const Reflection* ra = a.GetReflection();
  const Reflection* rb = b.GetReflection();
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return ra->GetInt32(a, key) < rb->GetInt32(b, key);
    case FieldDescriptor::CPPTYPE_INT64:
      return ra->GetInt64(a, key) < rb->GetInt64(b, key);
    case FieldDescriptor::CPPTYPE_UINT32:
      return ra->GetUInt32(a, key) < rb->GetUInt32(b, key);
    case FieldDescriptor::CPPTYPE_UINT64:
      return ra->GetUInt64(a, key) < rb->GetUInt64(b, key);
    case FieldDescriptor::CPPTYPE_BOOL:
      return ra->GetBool(a, key) < rb->GetBool(b, key);
    case FieldDescriptor::CPPTYPE_STRING:
      return ra->GetString(a, key) < rb->GetString(b, key);
    default:
      return false;  // map keys are integral, bool or string (protobuf spec)
  }
}

std::string MapKeyText(const Message& entry) {
  const FieldDescriptor* key = entry.GetDescriptor()->map_key();
  const Reflection* r = entry.GetReflection();
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(r->GetInt32(entry, key));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(r->GetInt64(entry, key));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(r->GetUInt32(entry, key));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(r->GetUInt64(entry, key));
    case FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(entry, key) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_STRING:
      return absl::StrCat("\"", absl::CHexEscape(r->GetString(entry, key)), "\"");
    default:
      return "?";
  }
}

class Walker {
 public:
  explicit Walker(const PayloadTable& table) : table_(table) {
    // Payload messages of generated types come out as generated classes;
    // others (a pool built from a descriptor set) as dynamic messages.
    factory_.SetDelegateToGeneratedFactory(true);
  }

  const MinRelease& result() const { return result_; }
  const std::optional<MinRelease>& cluster_version() const { return cluster_version_; }

  absl::Status Walk(const Message& m, const std::string& path, int depth) {
    const Descriptor* d = m.GetDescriptor();
    const Reflection* r = m.GetReflection();
    const bool map_entry = d->options().map_entry();
    if (!map_entry) {
      absl::StatusOr<uint32_t> since =
          Required(compat::SinceOf(d), absl::StrCat("message ", d->full_name()), "message_since",
                   path);
      if (!since.ok()) return since.status();
      Raise(*since, absl::StrCat("message ", d->full_name(), " since ", *since), path);
    }

    const UnknownFieldSet& unknown = r->GetUnknownFields(m);
    if (!unknown.empty()) {
      std::vector<int> numbers;
      for (int i = 0; i < unknown.field_count(); ++i) numbers.push_back(unknown.field(i).number());
      std::sort(numbers.begin(), numbers.end());
      numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
      return absl::UnimplementedError(absl::StrCat(
          d->full_name(), " at ", path, " carries field number(s) ", absl::StrJoin(numbers, ", "),
          " unknown to this schema: written by a newer release; read it with that release's "
          "schema"));
    }

    std::vector<const FieldDescriptor*> fields;
    r->ListFields(m, &fields);  // set fields only, in field-number order
    for (const FieldDescriptor* f : fields) {
      const std::string field_path = absl::StrCat(path, ".", f->name());
      if (!map_entry) {
        absl::StatusOr<uint32_t> since = Required(
            compat::SinceOf(f), absl::StrCat("field ", f->full_name()), "field_since", field_path);
        if (!since.ok()) return since.status();
        Raise(*since, absl::StrCat("field ", f->full_name(), " since ", *since), field_path);
      }
      if (absl::Status s = WalkValues(m, f, field_path, depth); !s.ok()) return s;
    }

    if (absl::Status s = WalkValueFields(m, path); !s.ok()) return s;
    return WalkNestedPayload(m, path, depth);
  }

 private:
  void Raise(uint32_t since, std::string element, const std::string& where) {
    if (since > result_.release) {
      result_.release = since;
      result_.element = std::move(element);
      result_.where = where;
    }
  }

  absl::Status EnumValue(const FieldDescriptor* f, int number, const std::string& where) {
    const EnumValueDescriptor* v = f->enum_type()->FindValueByNumber(number);
    if (v == nullptr) {
      return absl::UnimplementedError(absl::StrCat(
          "enum value ", number, " of ", f->enum_type()->full_name(), " at ", where,
          " is unknown to this schema: written by a newer release"));
    }
    // enum_since is optional (wire/compat/README.md); value_since is not.
    if (std::optional<uint64_t> enum_since = compat::SinceOf(v->type());
        enum_since.has_value() && *enum_since >= 1 &&
        *enum_since <= std::numeric_limits<uint32_t>::max()) {
      Raise(static_cast<uint32_t>(*enum_since),
            absl::StrCat("enum ", v->type()->full_name(), " since ", *enum_since), where);
    }
    absl::StatusOr<uint32_t> since = Required(
        compat::SinceOf(v), absl::StrCat("enum value ", EnumValueName(v)), "value_since", where);
    if (!since.ok()) return since.status();
    Raise(*since, absl::StrCat("enum value ", EnumValueName(v), " since ", *since), where);
    return absl::OkStatus();
  }

  absl::Status WalkValues(const Message& m, const FieldDescriptor* f, const std::string& path,
                          int depth) {
    const Reflection* r = m.GetReflection();
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      if (!f->is_repeated()) return EnumValue(f, r->GetEnumValue(m, f), path);
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        if (absl::Status s = EnumValue(f, r->GetRepeatedEnumValue(m, f, i),
                                       absl::StrCat(path, "[", i, "]"));
            !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return absl::OkStatus();
    if (!f->is_repeated()) return Walk(r->GetMessage(m, f), path, depth);
    if (f->is_map()) {
      std::vector<const Message*> entries;
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        entries.push_back(&r->GetRepeatedMessage(m, f, i));
      }
      std::stable_sort(entries.begin(), entries.end(),
                       [](const Message* a, const Message* b) { return MapKeyLess(*a, *b); });
      for (const Message* entry : entries) {
        if (absl::Status s = Walk(*entry, absl::StrCat(path, "[", MapKeyText(*entry), "]"), depth);
            !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    }
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      if (absl::Status s = Walk(r->GetRepeatedMessage(m, f, i), absl::StrCat(path, "[", i, "]"),
                                depth);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

  // The unsigned value of the field `rules` declare for `m`, when set.
  absl::StatusOr<std::optional<uint64_t>> DeclaredValue(const std::vector<ValueFieldRule>& rules,
                                                        const Message& m,
                                                        const FieldDescriptor** field) {
    absl::StatusOr<const FieldDescriptor*> f = ResolveValueField(rules, m.GetDescriptor());
    if (!f.ok()) return f.status();
    *field = *f;
    const Reflection* r = m.GetReflection();
    if (*f == nullptr || !r->HasField(m, *f)) return std::optional<uint64_t>();
    return std::optional<uint64_t>((*f)->cpp_type() == FieldDescriptor::CPPTYPE_UINT32
                                       ? r->GetUInt32(m, *f)
                                       : r->GetUInt64(m, *f));
  }

  absl::StatusOr<uint32_t> AsRelease(uint64_t value, const FieldDescriptor* f,
                                     const std::string& where) {
    if (value == 0 || value > std::numeric_limits<uint32_t>::max()) {
      return absl::InvalidArgumentError(absl::StrCat(f->full_name(), " = ", value, " at ", where,
                                                     " is not a release number"));
    }
    return static_cast<uint32_t>(value);
  }

  // Snapshot formats, protocol versions and cluster versions (payloads.h).
  absl::Status WalkValueFields(const Message& m, const std::string& path) {
    const FieldDescriptor* f = nullptr;
    absl::StatusOr<std::optional<uint64_t>> format =
        DeclaredValue(table_.snapshot_formats, m, &f);
    if (!format.ok()) return format.status();
    if (format->has_value()) {
      const uint64_t number = **format;
      const std::string where = absl::StrCat(path, ".", f->name());
      const snapshots::FormatInfo* info =
          number > std::numeric_limits<uint32_t>::max()
              ? nullptr
              : snapshots::FindFormat(static_cast<uint32_t>(number));
      if (info == nullptr) {
        return absl::UnimplementedError(absl::StrCat(
            "snapshot format ", number, " at ", where, " is unknown: no release known here reads it"));
      }
      absl::StatusOr<uint32_t> reader = ParseReleaseTag(info->first_reader);
      if (!reader.ok()) {
        return absl::InternalError(absl::StrCat(
            "snapshot format ", number,
            ": bad first reader in snapshots/codec's registry: ", reader.status().message()));
      }
      Raise(*reader,
            absl::StrCat("snapshot format ", number, " (first read by ", info->first_reader, ")"),
            where);
    }

    absl::StatusOr<std::optional<uint64_t>> protocol =
        DeclaredValue(table_.protocol_versions, m, &f);
    if (!protocol.ok()) return protocol.status();
    if (protocol->has_value()) {
      const std::string where = absl::StrCat(path, ".", f->name());
      absl::StatusOr<uint32_t> release = AsRelease(**protocol, f, where);
      if (!release.ok()) return release.status();
      Raise(*release,
            absl::StrCat("protocol version ", *release, " in ", f->full_name(),
                         " (releases below ", ReleaseTag(*release), " refuse it)"),
            where);
    }

    absl::StatusOr<std::optional<uint64_t>> cluster =
        DeclaredValue(table_.cluster_versions, m, &f);
    if (!cluster.ok()) return cluster.status();
    if (cluster->has_value()) {
      const std::string where = absl::StrCat(path, ".", f->name());
      absl::StatusOr<uint32_t> release = AsRelease(**cluster, f, where);
      if (!release.ok()) return release.status();
      MinRelease set;
      set.release = *release;
      set.element = absl::StrCat("cluster version ", *release, " set by ", f->full_name());
      set.where = where;
      cluster_version_ = set;  // the last one set is in effect
    }
    return absl::OkStatus();
  }

  // Entry.data: the payload message its Entry.type declares.
  absl::Status WalkNestedPayload(const Message& m, const std::string& path, int depth) {
    const Descriptor* d = m.GetDescriptor();
    absl::StatusOr<ResolvedNestedRule> rule = ResolveNestedRule(table_, d);
    if (!rule.ok()) return rule.status();
    const Reflection* r = m.GetReflection();
    if (rule->rule == nullptr || !r->HasField(m, rule->bytes_field)) return absl::OkStatus();
    const int number = r->GetEnumValue(m, rule->selector_field);
    const EnumValueDescriptor* selector = rule->selector_field->enum_type()->FindValueByNumber(number);
    const std::string selector_path = absl::StrCat(path, ".", rule->selector_field->name());
    if (selector == nullptr) {
      return absl::UnimplementedError(absl::StrCat(
          "enum value ", number, " of ", rule->selector_field->enum_type()->full_name(), " at ",
          selector_path, " is unknown to this schema: written by a newer release"));
    }
    absl::StatusOr<const Descriptor*> payload = PayloadTypeFor(*rule, d, selector);
    if (!payload.ok()) {
      return absl::Status(payload.status().code(),
                          absl::StrCat(payload.status().message(), " (at ", path, ")"));
    }
    if (*payload == nullptr) return absl::OkStatus();  // opaque by declaration
    if (depth + 1 > kMaxPayloadDepth) {
      return absl::InvalidArgumentError(absl::StrCat("payloads nested deeper than ",
                                                     kMaxPayloadDepth, " at ", path));
    }
    const Message* prototype = factory_.GetPrototype(*payload);
    if (prototype == nullptr) {
      return absl::InternalError(absl::StrCat("no message factory for ", (*payload)->full_name()));
    }
    std::unique_ptr<Message> nested(prototype->New());
    const std::string bytes_path = absl::StrCat(path, ".", rule->bytes_field->name());
    if (!nested->ParseFromString(r->GetString(m, rule->bytes_field))) {
      return absl::DataLossError(absl::StrCat(bytes_path, " (", selector->name(),
                                              ") does not parse as ", (*payload)->full_name()));
    }
    return Walk(*nested, absl::StrCat(bytes_path, "<", RelativeName(*payload), ">"), depth + 1);
  }

  const PayloadTable& table_;
  DynamicMessageFactory factory_;
  MinRelease result_;
  std::optional<MinRelease> cluster_version_;
};

}  // namespace

absl::StatusOr<Walked> WalkMessage(const Message& message, const PayloadTable& table,
                                   absl::string_view where_prefix) {
  Walker walker(table);
  const std::string root = absl::StrCat(where_prefix, RelativeName(message.GetDescriptor()));
  if (absl::Status s = walker.Walk(message, root, 0); !s.ok()) return s;
  return Walked{walker.result(), walker.cluster_version()};
}

absl::StatusOr<Walked> WalkBytes(const Descriptor* type, absl::string_view bytes,
                                 const PayloadTable& table, absl::string_view where_prefix) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError(absl::StrCat(where_prefix, bytes.size(),
                                                   " bytes: too large for one message"));
  }
  DynamicMessageFactory factory;
  factory.SetDelegateToGeneratedFactory(true);
  const Message* prototype = factory.GetPrototype(type);
  if (prototype == nullptr) {
    return absl::InternalError(absl::StrCat("no message factory for ", type->full_name()));
  }
  std::unique_ptr<Message> message(prototype->New());
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat(where_prefix, bytes.size(),
                                            " bytes do not parse as ", type->full_name()));
  }
  return WalkMessage(*message, table, where_prefix);
}

namespace {

MinRelease Fold(const Walked& walked) {
  MinRelease min = walked.min;
  if (walked.cluster_version.has_value()) Combine(*walked.cluster_version, &min);
  return min;
}

}  // namespace

absl::StatusOr<MinRelease> MinReleaseForMessage(const Message& message) {
  return MinReleaseForMessage(message, WirePayloads());
}

absl::StatusOr<MinRelease> MinReleaseForMessage(const Message& message, const PayloadTable& table,
                                                absl::string_view where_prefix) {
  absl::StatusOr<Walked> walked = WalkMessage(message, table, where_prefix);
  if (!walked.ok()) return walked.status();
  return Fold(*walked);
}

absl::StatusOr<MinRelease> MinReleaseForBytes(const Descriptor* type, absl::string_view bytes,
                                              absl::string_view where_prefix) {
  absl::StatusOr<Walked> walked = WalkBytes(type, bytes, WirePayloads(), where_prefix);
  if (!walked.ok()) return walked.status();
  return Fold(*walked);
}

}  // namespace raftlog::wire::minver
