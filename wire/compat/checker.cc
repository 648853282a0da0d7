#include "wire/compat/checker.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.pb.h"
#include "wire/compat/naming.h"
#include "wire/compat/since.h"

namespace raftlog::wire::compat {

namespace gp = ::google::protobuf;
namespace r = rule_id;

bool operator<(const Finding& a, const Finding& b) {
  return std::tie(a.file, a.message, a.field, a.rule_id, a.why) <
         std::tie(b.file, b.message, b.field, b.rule_id, b.why);
}

bool operator==(const Finding& a, const Finding& b) {
  return std::tie(a.file, a.message, a.field, a.rule_id, a.why) ==
         std::tie(b.file, b.message, b.field, b.rule_id, b.why);
}

namespace {

// ---------------------------------------------------------------------------
// Small helpers over descriptors.

template <typename D>
std::string KeyOf(const D* d) {
  return TypeKey(d->full_name(), d->file()->package());
}

template <typename D>
std::string LocalName(const D* d) {
  return RelativeName(d->full_name(), d->file()->package());
}

std::string FieldLabel(const gp::FieldDescriptor* f) {
  return absl::StrCat(f->name(), "=", f->number());
}

std::string ValueLabel(const gp::EnumValueDescriptor* v) {
  return absl::StrCat(v->name(), "=", v->number());
}

bool IsMapEntry(const gp::Descriptor* m) { return m->options().map_entry(); }

// The type of a field as a reader sees it: the scalar name, or the
// tag-normalized name of its message or enum type.
std::string TypeDisplay(const gp::FieldDescriptor* f) {
  switch (f->type()) {
    case gp::FieldDescriptor::TYPE_MESSAGE:
    case gp::FieldDescriptor::TYPE_GROUP:
      return absl::StrCat(f->type_name(), " ", KeyOf(f->message_type()));
    case gp::FieldDescriptor::TYPE_ENUM:
      return absl::StrCat("enum ", KeyOf(f->enum_type()));
    default:
      return f->type_name();
  }
}

// Wire compatibility groups of buf's FIELD_WIRE_COMPATIBLE_TYPE
// (https://protobuf.dev/programming-guides/proto3/#updating): types in one
// group decode each other's bytes. string and bytes are apart: string ->
// bytes is allowed by a special case, bytes -> string is not (no way to know
// the bytes are UTF-8). message and enum are apart from bytes and int32: the
// schema cannot prove the bytes are a serialized message or the numbers
// valid enum values.
int WireGroup(gp::FieldDescriptor::Type type) {
  switch (type) {
    case gp::FieldDescriptor::TYPE_INT32:
    case gp::FieldDescriptor::TYPE_INT64:
    case gp::FieldDescriptor::TYPE_UINT32:
    case gp::FieldDescriptor::TYPE_UINT64:
    case gp::FieldDescriptor::TYPE_BOOL:
      return 1;
    case gp::FieldDescriptor::TYPE_SINT32:
    case gp::FieldDescriptor::TYPE_SINT64:
      return 2;
    case gp::FieldDescriptor::TYPE_STRING:
      return 3;
    case gp::FieldDescriptor::TYPE_BYTES:
      return 4;
    case gp::FieldDescriptor::TYPE_FIXED32:
    case gp::FieldDescriptor::TYPE_SFIXED32:
      return 5;
    case gp::FieldDescriptor::TYPE_FIXED64:
    case gp::FieldDescriptor::TYPE_SFIXED64:
      return 6;
    case gp::FieldDescriptor::TYPE_DOUBLE:
      return 7;
    case gp::FieldDescriptor::TYPE_FLOAT:
      return 8;
    case gp::FieldDescriptor::TYPE_GROUP:
      return 9;
    case gp::FieldDescriptor::TYPE_MESSAGE:
      return 10;
    case gp::FieldDescriptor::TYPE_ENUM:
      return 11;
  }
  return 0;
}

// buf's cardinality groups: optional (explicit or implicit presence),
// required, repeated (maps included: a map is a repeated entry message).
int CardinalityGroup(const gp::FieldDescriptor* f) {
  if (f->is_repeated()) return 3;
  if (f->is_required()) return 2;
  return 1;
}

std::string CardinalityName(const gp::FieldDescriptor* f) {
  if (f->is_map()) return "map";
  if (f->is_repeated()) return "repeated";
  if (f->is_required()) return "required";
  return f->has_presence() ? "optional (explicit presence)" : "optional (implicit presence)";
}

// A field's default value, comparable across the numeric types (buf's
// FIELD_SAME_DEFAULT compares int32 5 and int64 5 as equal).
struct DefaultValue {
  enum Kind { kString, kSigned, kUnsigned, kFloat, kDouble } kind = kSigned;
  std::string s;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string printable;

  bool IsZero() const {
    switch (kind) {
      case kString:
        return s.empty();
      case kSigned:
        return i == 0;
      case kUnsigned:
        return u == 0;
      case kFloat:
      case kDouble:
        return d == 0 && !std::signbit(d);
    }
    return false;
  }
  bool IsFloating() const { return kind == kFloat || kind == kDouble; }
  long double AsLongDouble() const {
    switch (kind) {
      case kSigned:
        return static_cast<long double>(i);
      case kUnsigned:
        return static_cast<long double>(u);
      default:
        return static_cast<long double>(d);
    }
  }
};

// Only singular scalar and enum fields have a default.
bool CanHaveDefault(const gp::FieldDescriptor* f) {
  return !f->is_repeated() && f->cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE;
}

DefaultValue DefaultOf(const gp::FieldDescriptor* f) {
  DefaultValue v;
  switch (f->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
      v.kind = DefaultValue::kSigned;
      v.i = f->default_value_int32();
      v.printable = absl::StrCat(v.i);
      break;
    case gp::FieldDescriptor::CPPTYPE_INT64:
      v.kind = DefaultValue::kSigned;
      v.i = f->default_value_int64();
      v.printable = absl::StrCat(v.i);
      break;
    case gp::FieldDescriptor::CPPTYPE_UINT32:
      v.kind = DefaultValue::kUnsigned;
      v.u = f->default_value_uint32();
      v.printable = absl::StrCat(v.u);
      break;
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      v.kind = DefaultValue::kUnsigned;
      v.u = f->default_value_uint64();
      v.printable = absl::StrCat(v.u);
      break;
    case gp::FieldDescriptor::CPPTYPE_BOOL:
      v.kind = DefaultValue::kUnsigned;
      v.u = f->default_value_bool() ? 1 : 0;
      v.printable = f->default_value_bool() ? "true" : "false";
      break;
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
      v.kind = DefaultValue::kFloat;
      v.d = f->default_value_float();
      v.printable = absl::StrCat(v.d);
      break;
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
      v.kind = DefaultValue::kDouble;
      v.d = f->default_value_double();
      v.printable = absl::StrCat(v.d);
      break;
    case gp::FieldDescriptor::CPPTYPE_ENUM: {
      // Explicit [default = X], else the first value (proto2) or 0 (proto3).
      const gp::EnumValueDescriptor* e = f->default_value_enum();
      v.kind = DefaultValue::kSigned;
      v.i = e == nullptr ? 0 : e->number();
      v.printable = e == nullptr ? absl::StrCat(v.i) : ValueLabel(e);
      break;
    }
    case gp::FieldDescriptor::CPPTYPE_STRING:
      v.kind = DefaultValue::kString;
      v.s = f->default_value_string();
      v.printable = absl::StrCat("\"", absl::CEscape(v.s), "\"");
      break;
    case gp::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return v;
}

bool DefaultsEqual(const DefaultValue& a, const DefaultValue& b) {
  if (a.kind == DefaultValue::kString || b.kind == DefaultValue::kString) {
    return a.kind == b.kind && a.s == b.s;
  }
  if (a.IsFloating() || b.IsFloating()) {
    if (a.IsFloating() && b.IsFloating()) {
      if (std::isnan(a.d) || std::isnan(b.d)) return std::isnan(a.d) && std::isnan(b.d);
      // float <-> double: compare at float precision, like buf.
      if (a.kind != b.kind) return static_cast<float>(a.d) == static_cast<float>(b.d);
      return a.d == b.d;
    }
    return a.AsLongDouble() == b.AsLongDouble();
  }
  if (a.kind == DefaultValue::kSigned && b.kind == DefaultValue::kSigned) return a.i == b.i;
  if (a.kind == DefaultValue::kUnsigned && b.kind == DefaultValue::kUnsigned) return a.u == b.u;
  const DefaultValue& s = a.kind == DefaultValue::kSigned ? a : b;
  const DefaultValue& u = a.kind == DefaultValue::kSigned ? b : a;
  return s.i >= 0 && static_cast<uint64_t>(s.i) == u.u;
}

// Half-open [start, end) number ranges.
using Range = std::pair<int64_t, int64_t>;

std::vector<Range> ReservedRanges(const gp::Descriptor* m) {
  std::vector<Range> out;
  for (int i = 0; i < m->reserved_range_count(); ++i) {
    out.emplace_back(m->reserved_range(i)->start, m->reserved_range(i)->end);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// EnumDescriptor::ReservedRange is inclusive; convert.
std::vector<Range> ReservedRanges(const gp::EnumDescriptor* e) {
  std::vector<Range> out;
  for (int i = 0; i < e->reserved_range_count(); ++i) {
    out.emplace_back(e->reserved_range(i)->start,
                     static_cast<int64_t>(e->reserved_range(i)->end) + 1);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The first number of `range` that `cover` leaves out, if any.
std::optional<int64_t> FirstUncovered(const Range& range, const std::vector<Range>& cover) {
  int64_t next = range.first;
  bool progressed = true;
  while (next < range.second && progressed) {
    progressed = false;
    for (const Range& c : cover) {
      if (c.first <= next && next < c.second) {
        next = c.second;
        progressed = true;
      }
    }
  }
  if (next < range.second) return next;
  return std::nullopt;
}

std::string RangeText(const Range& range) {
  if (range.second == range.first + 1) return absl::StrCat(range.first);
  return absl::StrCat(range.first, " to ", range.second - 1);
}

// ---------------------------------------------------------------------------

class Checker {
 public:
  Checker(const Schema& old_schema, const Schema& new_schema)
      : old_(old_schema), new_(new_schema), old_max_since_(MaxSince(old_schema)) {}

  std::vector<Finding> Run() {
    CheckFiles();
    CheckMessages();
    CheckEnums();
    CheckServices();
    CheckSinceMissing();
    std::sort(findings_.begin(), findings_.end());
    findings_.erase(std::unique(findings_.begin(), findings_.end()), findings_.end());
    return std::move(findings_);
  }

 private:
  void Add(absl::string_view id, const std::string& file, const std::string& message,
           const std::string& field, std::string why) {
    const Rule* rule = FindRule(id);
    assert(rule != nullptr && "every reported rule ID is in the table");
    if (rule == nullptr) abort();
    findings_.push_back(
        Finding{std::string(id), rule->severity, file, message, field, std::move(why)});
  }

  static uint64_t MaxSince(const Schema& schema) {
    uint64_t max = 0;
    auto take = [&max](std::optional<uint64_t> since) {
      if (since.has_value()) max = std::max(max, *since);
    };
    for (const auto& [key, m] : schema.messages()) {
      take(SinceOf(m));
      for (int i = 0; i < m->field_count(); ++i) take(SinceOf(m->field(i)));
    }
    for (const auto& [key, e] : schema.enums()) {
      take(SinceOf(e));
      for (int i = 0; i < e->value_count(); ++i) take(SinceOf(e->value(i)));
    }
    return max;
  }

  // FILE_SAME_PACKAGE.
  void CheckFiles() {
    for (const auto& [path, old_file] : old_.files()) {
      auto it = new_.files().find(path);
      if (it == new_.files().end()) continue;
      const gp::FileDescriptor* new_file = it->second;
      if (NormalizePackage(old_file->package()) != NormalizePackage(new_file->package())) {
        Add(r::kFileSamePackage, new_file->name(), "", "",
            absl::StrCat("package changed from \"", old_file->package(), "\" to \"",
                         new_file->package(),
                         "\" beyond the tag suffix: every full name changes, so no type of "
                         "this file matches across tags (Any type URLs, RPC paths)"));
      }
    }
  }

  // Reports an element added in the new tag whose since does not exceed
  // what the old tag already uses. Missing since: SINCE_ANNOTATION_MISSING.
  void CheckAddedSince(std::optional<uint64_t> since, absl::string_view kind,
                       const std::string& file, const std::string& message,
                       const std::string& field) {
    if (!since.has_value() || *since == 0) return;
    if (*since > old_max_since_) return;
    Add(r::kNewValueSinceNotNewer, file, message, field,
        absl::StrCat(kind, " added in the new tag claims since=", *since,
                     " but the old tag already ships since up to ", old_max_since_,
                     ": an old reader is declared able to read it and is not"));
  }

  void CheckSinceChanged(std::optional<uint64_t> old_since, std::optional<uint64_t> new_since,
                         absl::string_view kind, const std::string& file,
                         const std::string& message, const std::string& field) {
    if (!old_since.has_value() || !new_since.has_value() || *old_since == *new_since) return;
    Add(r::kSinceAnnotationChanged, file, message, field,
        absl::StrCat(kind, " since changed from ", *old_since, " to ", *new_since,
                     ": the minimum readable release computed from the two tags disagrees"));
  }

  void CheckReservedKept(const std::vector<Range>& old_ranges,
                         const std::vector<Range>& new_ranges,
                         const std::vector<std::string>& old_names,
                         const std::function<bool(const std::string&)>& new_has_name,
                         absl::string_view id, absl::string_view kind, const std::string& file,
                         const std::string& name) {
    for (const Range& range : old_ranges) {
      if (std::optional<int64_t> free = FirstUncovered(range, new_ranges)) {
        const bool single = range.second == range.first + 1;
        Add(id, file, name, "",
            absl::StrCat(single ? "reserved number " : "reserved numbers ", RangeText(range),
                         " of ", kind, " ", name,
                         single ? " no longer reserved"
                                : absl::StrCat(" no longer all reserved (", *free, " is free)"),
                         ": a later tag may reuse a number old data still carries"));
      }
    }
    for (const std::string& reserved : old_names) {
      if (!new_has_name(reserved)) {
        Add(id, file, name, "",
            absl::StrCat("reserved name \"", reserved, "\" of ", kind, " ", name,
                         " no longer reserved: a later tag may reuse it with another meaning"));
      }
    }
  }

  // ---- messages -----------------------------------------------------------

  void CheckMessages() {
    for (const auto& [key, new_msg] : new_.messages()) {
      auto it = old_.messages().find(key);
      if (it == old_.messages().end()) {
        CheckAddedMessage(new_msg);
      } else {
        CheckMessagePair(it->second, new_msg);
      }
    }
  }

  void CheckAddedMessage(const gp::Descriptor* m) {
    if (IsMapEntry(m)) return;
    const std::string file = m->file()->name();
    const std::string name = LocalName(m);
    CheckAddedSince(SinceOf(m), "message", file, name, "");
    for (int i = 0; i < m->field_count(); ++i) {
      CheckAddedSince(SinceOf(m->field(i)), "field", file, name, FieldLabel(m->field(i)));
    }
  }

  void CheckMessagePair(const gp::Descriptor* old_msg, const gp::Descriptor* new_msg) {
    const std::string file = new_msg->file()->name();
    const std::string name = LocalName(new_msg);
    const bool map_entry = IsMapEntry(old_msg) && IsMapEntry(new_msg);

    if (old_msg->options().message_set_wire_format() !=
        new_msg->options().message_set_wire_format()) {
      Add(r::kMessageSameMessageSetWireFormat, file, name, "",
          absl::StrCat("message_set_wire_format changed from ",
                       old_msg->options().message_set_wire_format() ? "true" : "false", " to ",
                       new_msg->options().message_set_wire_format() ? "true" : "false",
                       ": the two encodings of the message's content are not interchangeable"));
    }
    if (!map_entry) {
      CheckSinceChanged(SinceOf(old_msg), SinceOf(new_msg), "message", file, name, "");
    }

    // Reserved numbers and names.
    std::vector<std::string> old_reserved_names;
    for (int i = 0; i < old_msg->reserved_name_count(); ++i) {
      old_reserved_names.push_back(old_msg->reserved_name(i));
    }
    CheckReservedKept(
        ReservedRanges(old_msg), ReservedRanges(new_msg), old_reserved_names,
        [new_msg](const std::string& n) { return new_msg->IsReservedName(n); },
        r::kReservedMessageNoDelete, "message", file, name);

    std::map<int, const gp::FieldDescriptor*> old_fields, new_fields;
    for (int i = 0; i < old_msg->field_count(); ++i) {
      old_fields[old_msg->field(i)->number()] = old_msg->field(i);
    }
    for (int i = 0; i < new_msg->field_count(); ++i) {
      new_fields[new_msg->field(i)->number()] = new_msg->field(i);
    }

    for (const auto& [number, old_field] : old_fields) {
      auto it = new_fields.find(number);
      if (it != new_fields.end()) {
        CheckFieldPair(old_field, it->second, file, name, map_entry);
        continue;
      }
      if (old_field->is_required()) {
        Add(r::kMessageSameRequiredFields, file, name, FieldLabel(old_field),
            "required field deleted: an old reader rejects every new message as missing it");
      }
      if (!new_msg->IsReservedNumber(number)) {
        Add(r::kFieldNoDeleteUnlessNumberReserved, file, name, FieldLabel(old_field),
            absl::StrCat("field ", FieldLabel(old_field), " deleted without reserving ",
                         number, ": a later tag may reuse the number with another meaning "
                         "while old data and old peers still send it"));
      }
    }
    for (const auto& [number, new_field] : new_fields) {
      if (old_msg->IsReservedName(new_field->name())) {
        Add(r::kReservedNameReused, file, name, FieldLabel(new_field),
            absl::StrCat("field name \"", new_field->name(),
                         "\" was reserved by the old tag: it names a retired field"));
      }
      if (old_fields.count(number) != 0) continue;
      if (new_field->is_required()) {
        Add(r::kMessageSameRequiredFields, file, name, FieldLabel(new_field),
            "required field added: a new reader rejects every old message as missing it");
      }
      if (old_msg->IsReservedNumber(number)) {
        Add(r::kReservedNumberReused, file, name, FieldLabel(new_field),
            absl::StrCat("field number ", number,
                         " was reserved by the old tag: old data may still carry the retired "
                         "field under it, and the new reader misreads it"));
      }
      if (!map_entry) {
        CheckAddedSince(SinceOf(new_field), "field", file, name, FieldLabel(new_field));
      }
    }
  }

  void CheckFieldPair(const gp::FieldDescriptor* o, const gp::FieldDescriptor* n,
                      const std::string& file, const std::string& name, bool map_entry) {
    const std::string label = FieldLabel(n);

    if (o->name() != n->name()) {
      Add(r::kFieldSameName, file, name, label,
          absl::StrCat("field ", n->number(), " renamed from \"", o->name(), "\" to \"",
                       n->name(),
                       "\": binary wire unaffected, but text and JSON forms (golden twins) "
                       "change meaning"));
    }

    const gp::OneofDescriptor* oo = o->real_containing_oneof();
    const gp::OneofDescriptor* no = n->real_containing_oneof();
    if (oo != nullptr || no != nullptr) {
      std::string change;
      if (oo == nullptr) {
        change = absl::StrCat("moved into oneof ", no->name());
      } else if (no == nullptr) {
        change = absl::StrCat("moved out of oneof ", oo->name());
      } else if (oo->name() != no->name()) {
        change = absl::StrCat("moved from oneof ", oo->name(), " to oneof ", no->name());
      }
      if (!change.empty()) {
        Add(r::kFieldSameOneof, file, name, label,
            absl::StrCat(change,
                         ": setting one member clears the others, so readers of the two tags "
                         "keep different fields of the same bytes"));
      }
    }

    if (o->is_required() != n->is_required()) {
      Add(r::kMessageSameRequiredFields, file, name, label,
          n->is_required()
              ? "field became required: a new reader rejects old messages that omit it"
              : "field is no longer required: an old reader rejects new messages that omit it");
    }

    if (!map_entry && CardinalityGroup(o) != CardinalityGroup(n)) {
      const bool required = o->is_required() || n->is_required();
      Add(r::kFieldWireCompatibleCardinality, file, name, label,
          absl::StrCat("cardinality changed from ", CardinalityName(o), " to ",
                       CardinalityName(n),
                       required ? ": one tag rejects messages without the field, the other "
                                  "omits it"
                                : ": a singular reader keeps only the last of several values "
                                  "(and cannot read a packed list)"));
    }

    CheckFieldType(o, n, file, name, label);

    if (CanHaveDefault(o) && CanHaveDefault(n)) {
      const DefaultValue od = DefaultOf(o);
      const DefaultValue nd = DefaultOf(n);
      if (!(od.IsZero() && nd.IsZero()) && !DefaultsEqual(od, nd)) {
        Add(r::kFieldSameDefault, file, name, label,
            absl::StrCat("default changed from ", od.printable, " to ", nd.printable,
                         ": when the field is absent on the wire the two tags read different "
                         "values"));
      }
    }

    if (!map_entry) {
      CheckSinceChanged(SinceOf(o), SinceOf(n), "field", file, name, label);
    }
  }

  void CheckFieldType(const gp::FieldDescriptor* o, const gp::FieldDescriptor* n,
                      const std::string& file, const std::string& name,
                      const std::string& label) {
    const int og = WireGroup(o->type());
    const int ng = WireGroup(n->type());
    if (og != ng) {
      if (o->type() == gp::FieldDescriptor::TYPE_STRING &&
          n->type() == gp::FieldDescriptor::TYPE_BYTES) {
        return;  // every string is valid bytes.
      }
      std::string why = absl::StrCat(
          "type changed from ", TypeDisplay(o), " to ", TypeDisplay(n),
          ": the encodings differ, so a reader of one tag misparses or drops the other's value");
      if (o->type() == gp::FieldDescriptor::TYPE_BYTES &&
          n->type() == gp::FieldDescriptor::TYPE_STRING) {
        absl::StrAppend(&why, " (bytes are valid strings only when UTF-8, which nothing enforces)");
      }
      Add(r::kFieldWireCompatibleType, file, name, label, std::move(why));
      return;
    }
    if (n->type() == gp::FieldDescriptor::TYPE_MESSAGE ||
        n->type() == gp::FieldDescriptor::TYPE_GROUP) {
      if (KeyOf(o->message_type()) != KeyOf(n->message_type())) {
        Add(r::kFieldWireCompatibleType, file, name, label,
            absl::StrCat("message type changed from ", KeyOf(o->message_type()), " to ",
                         KeyOf(n->message_type()),
                         ": the embedded bytes are parsed as another message"));
      }
      return;
    }
    if (n->type() == gp::FieldDescriptor::TYPE_ENUM) {
      const gp::EnumDescriptor* oe = o->enum_type();
      const gp::EnumDescriptor* ne = n->enum_type();
      if (KeyOf(oe) == KeyOf(ne)) return;
      // Like buf: another enum is fine only if it has the same short name and
      // every old value (name and number) is still in it.
      bool subset = oe->name() == ne->name();
      for (int i = 0; subset && i < oe->value_count(); ++i) {
        const gp::EnumValueDescriptor* v = ne->FindValueByName(oe->value(i)->name());
        subset = v != nullptr && v->number() == oe->value(i)->number();
      }
      if (!subset) {
        Add(r::kFieldWireCompatibleType, file, name, label,
            absl::StrCat("enum type changed from ", KeyOf(oe), " to ", KeyOf(ne),
                         ": the numbers on the wire mean other values"));
      }
    }
  }

  // ---- enums --------------------------------------------------------------

  void CheckEnums() {
    for (const auto& [key, new_enum] : new_.enums()) {
      auto it = old_.enums().find(key);
      if (it == old_.enums().end()) {
        const std::string file = new_enum->file()->name();
        const std::string name = LocalName(new_enum);
        CheckAddedSince(SinceOf(new_enum), "enum", file, name, "");
        for (int i = 0; i < new_enum->value_count(); ++i) {
          CheckAddedSince(SinceOf(new_enum->value(i)), "enum value", file, name,
                          ValueLabel(new_enum->value(i)));
        }
      } else {
        CheckEnumPair(it->second, new_enum);
      }
    }
  }

  void CheckEnumPair(const gp::EnumDescriptor* old_enum, const gp::EnumDescriptor* new_enum) {
    const std::string file = new_enum->file()->name();
    const std::string name = LocalName(new_enum);

    CheckSinceChanged(SinceOf(old_enum), SinceOf(new_enum), "enum", file, name, "");

    std::vector<std::string> old_reserved_names;
    for (int i = 0; i < old_enum->reserved_name_count(); ++i) {
      old_reserved_names.push_back(old_enum->reserved_name(i));
    }
    CheckReservedKept(
        ReservedRanges(old_enum), ReservedRanges(new_enum), old_reserved_names,
        [new_enum](const std::string& n) { return new_enum->IsReservedName(n); },
        r::kReservedEnumNoDelete, "enum", file, name);

    // Values by number; aliases (allow_alias) give several values one number.
    std::map<int, std::vector<const gp::EnumValueDescriptor*>> old_values, new_values;
    for (int i = 0; i < old_enum->value_count(); ++i) {
      old_values[old_enum->value(i)->number()].push_back(old_enum->value(i));
    }
    for (int i = 0; i < new_enum->value_count(); ++i) {
      new_values[new_enum->value(i)->number()].push_back(new_enum->value(i));
    }

    for (const auto& [number, olds] : old_values) {
      if (new_values.count(number) != 0) continue;
      if (!new_enum->IsReservedNumber(number)) {
        Add(r::kEnumValueNoDeleteUnlessNumberReserved, file, name, ValueLabel(olds.front()),
            absl::StrCat("enum value ", ValueLabel(olds.front()), " deleted without reserving ",
                         number, ": a later tag may reuse the number with another meaning "
                         "while old data still carries it"));
      }
    }
    for (const auto& [number, news] : new_values) {
      auto it = old_values.find(number);
      for (const gp::EnumValueDescriptor* v : news) {
        if (old_enum->IsReservedName(v->name())) {
          Add(r::kReservedNameReused, file, name, ValueLabel(v),
              absl::StrCat("enum value name \"", v->name(),
                           "\" was reserved by the old tag: it names a retired value"));
        }
        if (it != old_values.end()) continue;
        if (old_enum->IsReservedNumber(number)) {
          Add(r::kReservedNumberReused, file, name, ValueLabel(v),
              absl::StrCat("enum number ", number,
                           " was reserved by the old tag: old data may still carry the "
                           "retired value under it"));
        }
        CheckAddedSince(SinceOf(v), "enum value", file, name, ValueLabel(v));
      }
      if (it == old_values.end()) continue;

      // A number present in both tags. Like buf, every old name must still be
      // there; new aliases (allow_alias) are fine.
      const std::vector<const gp::EnumValueDescriptor*>& olds = it->second;
      std::set<std::string> new_names;
      for (const gp::EnumValueDescriptor* v : news) new_names.insert(v->name());
      std::vector<std::string> lost;
      for (const gp::EnumValueDescriptor* ov : olds) {
        if (new_names.count(ov->name()) == 0) lost.push_back(ov->name());
      }
      if (!lost.empty()) {
        std::vector<std::string> now(new_names.begin(), new_names.end());
        Add(r::kEnumValueSameName, file, name, ValueLabel(news.front()),
            absl::StrCat("enum number ", number, " was ", absl::StrJoin(lost, "/"),
                         " and is now ", absl::StrJoin(now, "/"),
                         ": the same number means another value to the two tags"));
      }
      for (const gp::EnumValueDescriptor* v : news) {
        const gp::EnumValueDescriptor* same_name = nullptr;
        for (const gp::EnumValueDescriptor* ov : olds) {
          if (ov->name() == v->name()) same_name = ov;
        }
        if (same_name != nullptr) {
          CheckSinceChanged(SinceOf(same_name), SinceOf(v), "enum value", file, name,
                            ValueLabel(v));
        } else if (lost.empty()) {
          // A new alias of a known number.
          CheckAddedSince(SinceOf(v), "enum value", file, name, ValueLabel(v));
        } else {
          // A rename: it still claims the old value's release.
          CheckSinceChanged(SinceOf(olds.front()), SinceOf(v), "enum value", file, name,
                            ValueLabel(v));
        }
      }
    }
  }

  // ---- services -----------------------------------------------------------

  void CheckServices() {
    for (const auto& [key, old_service] : old_.services()) {
      auto it = new_.services().find(key);
      if (it == new_.services().end()) continue;
      const gp::ServiceDescriptor* new_service = it->second;
      const std::string file = new_service->file()->name();
      const std::string name = LocalName(new_service);
      for (int i = 0; i < old_service->method_count(); ++i) {
        const gp::MethodDescriptor* o = old_service->method(i);
        const gp::MethodDescriptor* n = new_service->FindMethodByName(o->name());
        if (n == nullptr) continue;
        const std::string rpc = n->name();
        if (o->client_streaming() != n->client_streaming()) {
          Add(r::kRpcSameClientStreaming, file, name, rpc,
              absl::StrCat("client streaming changed from ", o->client_streaming() ? "true" : "false",
                           " to ", n->client_streaming() ? "true" : "false",
                           ": the call framing differs between the tags"));
        }
        if (o->server_streaming() != n->server_streaming()) {
          Add(r::kRpcSameServerStreaming, file, name, rpc,
              absl::StrCat("server streaming changed from ", o->server_streaming() ? "true" : "false",
                           " to ", n->server_streaming() ? "true" : "false",
                           ": the call framing differs between the tags"));
        }
        if (KeyOf(o->input_type()) != KeyOf(n->input_type())) {
          Add(r::kRpcSameRequestType, file, name, rpc,
              absl::StrCat("request type changed from ", KeyOf(o->input_type()), " to ",
                           KeyOf(n->input_type()),
                           ": the server parses requests as another message"));
        }
        if (KeyOf(o->output_type()) != KeyOf(n->output_type())) {
          Add(r::kRpcSameResponseType, file, name, rpc,
              absl::StrCat("response type changed from ", KeyOf(o->output_type()), " to ",
                           KeyOf(n->output_type()),
                           ": the client parses responses as another message"));
        }
        const auto ol = o->options().idempotency_level();
        const auto nl = n->options().idempotency_level();
        if (ol != nl) {
          Add(r::kRpcSameIdempotencyLevel, file, name, rpc,
              absl::StrCat("idempotency_level changed from ",
                           gp::MethodOptions::IdempotencyLevel_Name(ol), " to ",
                           gp::MethodOptions::IdempotencyLevel_Name(nl),
                           ": clients of the two tags retry (or use GET) differently"));
        }
      }
    }
  }

  // ---- since-annotations present ------------------------------------------

  void CheckSinceMissing() {
    auto missing = [](std::optional<uint64_t> since) {
      return !since.has_value() || *since == 0;
    };
    auto why = [](absl::string_view kind, std::optional<uint64_t> since) {
      return absl::StrCat(kind, " has ",
                          since.has_value() ? "since=0" : "no since annotation",
                          ": the minimum readable release of data using it cannot be "
                          "computed (wire/options.proto; releases count from 1)");
    };
    for (const auto& [key, m] : new_.messages()) {
      if (IsMapEntry(m)) continue;
      const std::string file = m->file()->name();
      const std::string name = LocalName(m);
      if (missing(SinceOf(m))) {
        Add(r::kSinceAnnotationMissing, file, name, "", why("message", SinceOf(m)));
      }
      for (int i = 0; i < m->field_count(); ++i) {
        const std::optional<uint64_t> since = SinceOf(m->field(i));
        if (missing(since)) {
          Add(r::kSinceAnnotationMissing, file, name, FieldLabel(m->field(i)),
              why("field", since));
        }
      }
    }
    for (const auto& [key, e] : new_.enums()) {
      for (int i = 0; i < e->value_count(); ++i) {
        const std::optional<uint64_t> since = SinceOf(e->value(i));
        if (missing(since)) {
          Add(r::kSinceAnnotationMissing, e->file()->name(), LocalName(e),
              ValueLabel(e->value(i)), why("enum value", since));
        }
      }
    }
  }

  const Schema& old_;
  const Schema& new_;
  const uint64_t old_max_since_;
  std::vector<Finding> findings_;
};

}  // namespace

CheckResult CheckCompatibility(const Schema& old_schema, const Schema& new_schema,
                               const CheckOptions& options) {
  CheckResult result;
  for (Finding& f : Checker(old_schema, new_schema).Run()) {
    if (options.except.count(f.rule_id) != 0) {
      ++result.excepted;
      continue;
    }
    if (f.severity == Severity::kError) {
      ++result.errors;
    } else {
      ++result.warnings;
    }
    result.findings.push_back(std::move(f));
  }
  return result;
}

}  // namespace raftlog::wire::compat
