#include "matrix/runner/json_schema.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "util/json.h"

namespace raftlog::runner {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

const std::set<std::string>& KnownKeywords() {
  static const auto* k = new std::set<std::string>{
      "type",    "properties", "required", "additionalProperties", "items", "enum",
      "const",   "minimum",    "pattern",  "anyOf",                "$ref",  "$defs",
      "$schema", "$id",        "title",    "description",          "$comment"};
  return *k;
}

const std::set<std::string>& TypeNames() {
  static const auto* k = new std::set<std::string>{"object", "array",   "string", "integer",
                                                   "number", "boolean", "null"};
  return *k;
}

// A map's keys in name order (protobuf maps have no stable order).
std::vector<std::string> SortedKeys(const Struct& s) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : s.fields()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return keys;
}

const Value* Field(const Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? nullptr : &it->second;
}

bool IsInteger(const Value& v) {
  return v.kind_case() == Value::kNumberValue && std::isfinite(v.number_value()) &&
         std::floor(v.number_value()) == v.number_value();
}

bool HasType(const Value& v, absl::string_view type) {
  switch (v.kind_case()) {
    case Value::kNullValue: return type == "null";
    case Value::kBoolValue: return type == "boolean";
    case Value::kStringValue: return type == "string";
    case Value::kStructValue: return type == "object";
    case Value::kListValue: return type == "array";
    case Value::kNumberValue: return type == "number" || (type == "integer" && IsInteger(v));
    default: return false;
  }
}

std::string TypeOf(const Value& v) {
  switch (v.kind_case()) {
    case Value::kNullValue: return "null";
    case Value::kBoolValue: return "boolean";
    case Value::kStringValue: return "string";
    case Value::kStructValue: return "object";
    case Value::kListValue: return "array";
    case Value::kNumberValue: return IsInteger(v) ? "integer" : "number";
    default: return "nothing";
  }
}

// Compact JSON of a value, for messages.
std::string Show(const Value& v) {
  std::string out;
  google::protobuf::util::MessageToJsonString(v, &out);
  return out.size() > 80 ? out.substr(0, 77) + "..." : out;
}

bool Equal(const Value& a, const Value& b) {
  if (a.kind_case() != b.kind_case()) return false;
  switch (a.kind_case()) {
    case Value::kNullValue: return true;
    case Value::kBoolValue: return a.bool_value() == b.bool_value();
    case Value::kStringValue: return a.string_value() == b.string_value();
    case Value::kNumberValue: return a.number_value() == b.number_value();
    case Value::kListValue: {
      if (a.list_value().values_size() != b.list_value().values_size()) return false;
      for (int i = 0; i < a.list_value().values_size(); ++i) {
        if (!Equal(a.list_value().values(i), b.list_value().values(i))) return false;
      }
      return true;
    }
    case Value::kStructValue: {
      if (a.struct_value().fields_size() != b.struct_value().fields_size()) return false;
      for (const auto& [k, v] : a.struct_value().fields()) {
        const Value* w = Field(b.struct_value(), k);
        if (w == nullptr || !Equal(v, *w)) return false;
      }
      return true;
    }
    default: return false;
  }
}

// Checks that a schema node uses the subset, recursively.
absl::Status CheckSchemaNode(const Value& node, const Struct& root, const std::string& where) {
  auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("schema ", where, ": ", what));
  };
  if (node.kind_case() == Value::kBoolValue) return absl::OkStatus();
  if (node.kind_case() != Value::kStructValue) return bad("a schema must be an object or a boolean");
  const Struct& s = node.struct_value();
  for (const std::string& k : SortedKeys(s)) {
    if (!KnownKeywords().count(k)) {
      return bad(absl::StrCat("keyword \"", k, "\" is outside the supported subset (json_schema.h)"));
    }
  }
  if (const Value* t = Field(s, "type")) {
    std::vector<const Value*> names;
    if (t->kind_case() == Value::kListValue) {
      for (const Value& x : t->list_value().values()) names.push_back(&x);
    } else {
      names.push_back(t);
    }
    for (const Value* n : names) {
      if (n->kind_case() != Value::kStringValue || !TypeNames().count(n->string_value())) {
        return bad(absl::StrCat("unknown type ", Show(*n)));
      }
    }
  }
  if (const Value* p = Field(s, "properties")) {
    if (p->kind_case() != Value::kStructValue) return bad("properties must be an object");
    for (const std::string& k : SortedKeys(p->struct_value())) {
      if (auto st = CheckSchemaNode(*Field(p->struct_value(), k), root, where + "/properties/" + k);
          !st.ok()) {
        return st;
      }
    }
  }
  if (const Value* r = Field(s, "required")) {
    if (r->kind_case() != Value::kListValue) return bad("required must be an array");
    for (const Value& x : r->list_value().values()) {
      if (x.kind_case() != Value::kStringValue) return bad("required lists field names");
    }
  }
  for (const char* k : {"additionalProperties", "items"}) {
    if (const Value* x = Field(s, k)) {
      if (auto st = CheckSchemaNode(*x, root, absl::StrCat(where, "/", k)); !st.ok()) return st;
    }
  }
  if (const Value* e = Field(s, "enum"); e != nullptr && e->kind_case() != Value::kListValue) {
    return bad("enum must be an array");
  }
  if (const Value* m = Field(s, "minimum"); m != nullptr && m->kind_case() != Value::kNumberValue) {
    return bad("minimum must be a number");
  }
  if (const Value* p = Field(s, "pattern")) {
    if (p->kind_case() != Value::kStringValue) return bad("pattern must be a string");
    try {
      std::regex re(p->string_value(), std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return bad(absl::StrCat("pattern ", Show(*p), " is not a regular expression"));
    }
  }
  if (const Value* a = Field(s, "anyOf")) {
    if (a->kind_case() != Value::kListValue || a->list_value().values_size() == 0) {
      return bad("anyOf must be a non-empty array");
    }
    for (int i = 0; i < a->list_value().values_size(); ++i) {
      if (auto st = CheckSchemaNode(a->list_value().values(i), root, absl::StrCat(where, "/anyOf/", i));
          !st.ok()) {
        return st;
      }
    }
  }
  if (const Value* r = Field(s, "$ref")) {
    const std::string prefix = "#/$defs/";
    if (r->kind_case() != Value::kStringValue || !absl::StartsWith(r->string_value(), prefix)) {
      return bad("$ref must be \"#/$defs/NAME\"");
    }
    const Value* defs = Field(root, "$defs");
    if (defs == nullptr || defs->kind_case() != Value::kStructValue ||
        Field(defs->struct_value(), r->string_value().substr(prefix.size())) == nullptr) {
      return bad(absl::StrCat("$ref ", r->string_value(), " names no definition"));
    }
  }
  if (const Value* d = Field(s, "$defs")) {
    if (d->kind_case() != Value::kStructValue) return bad("$defs must be an object");
    for (const std::string& k : SortedKeys(d->struct_value())) {
      if (auto st = CheckSchemaNode(*Field(d->struct_value(), k), root, where + "/$defs/" + k);
          !st.ok()) {
        return st;
      }
    }
  }
  return absl::OkStatus();
}

class Validator {
 public:
  explicit Validator(const Struct& root) : root_(root) {}

  void Check(const Value& schema, const Value& v, const std::string& path) {
    if (schema.kind_case() == Value::kBoolValue) {
      if (!schema.bool_value()) Add(path, "no value is allowed here");
      return;
    }
    const Struct& s = schema.struct_value();
    if (const Value* r = Field(s, "$ref")) {
      const Value& defs = *Field(root_, "$defs");
      Check(*Field(defs.struct_value(), r->string_value().substr(std::strlen("#/$defs/"))), v, path);
    }
    if (const Value* t = Field(s, "type"); t != nullptr && !TypeMatches(*t, v)) {
      Add(path, absl::StrCat("expected ", Show(*t), ", found ", TypeOf(v), " ", Show(v)));
      return;  // the other keywords would only repeat it
    }
    if (const Value* c = Field(s, "const"); c != nullptr && !Equal(*c, v)) {
      Add(path, absl::StrCat("expected ", Show(*c), ", found ", Show(v)));
    }
    if (const Value* e = Field(s, "enum")) {
      bool any = false;
      for (const Value& x : e->list_value().values()) any = any || Equal(x, v);
      if (!any) Add(path, absl::StrCat(Show(v), " is not one of ", Show(*e)));
    }
    if (const Value* m = Field(s, "minimum");
        m != nullptr && v.kind_case() == Value::kNumberValue && v.number_value() < m->number_value()) {
      Add(path, absl::StrCat(Show(v), " is below the minimum ", Show(*m)));
    }
    if (const Value* p = Field(s, "pattern"); p != nullptr && v.kind_case() == Value::kStringValue) {
      if (!std::regex_search(v.string_value(), std::regex(p->string_value(), std::regex::ECMAScript))) {
        Add(path, absl::StrCat(Show(v), " does not match ", Show(*p)));
      }
    }
    if (const Value* a = Field(s, "anyOf")) CheckAnyOf(*a, v, path);
    if (v.kind_case() == Value::kStructValue) CheckObject(s, v.struct_value(), path);
    if (v.kind_case() == Value::kListValue) {
      if (const Value* items = Field(s, "items")) {
        for (int i = 0; i < v.list_value().values_size(); ++i) {
          Check(*items, v.list_value().values(i), absl::StrCat(path, "[", i, "]"));
        }
      }
    }
  }

  std::vector<std::string> errors_;

 private:
  void Add(const std::string& path, const std::string& what) {
    errors_.push_back(absl::StrCat(path, ": ", what));
  }

  // No alternative matches: when exactly one has the value's type (null or
  // an object), its own errors say what is wrong; otherwise one line.
  void CheckAnyOf(const Value& alternatives, const Value& v, const std::string& path) {
    std::vector<std::vector<std::string>> typed;
    for (const Value& alt : alternatives.list_value().values()) {
      Validator sub(root_);
      sub.Check(alt, v, path);
      if (sub.errors_.empty()) return;
      const std::string type_error = path + ": expected ";
      const bool wrong_type = std::any_of(sub.errors_.begin(), sub.errors_.end(), [&](const std::string& e) {
        return absl::StartsWith(e, type_error);
      });
      if (!wrong_type) typed.push_back(std::move(sub.errors_));
    }
    if (typed.size() == 1) {
      errors_.insert(errors_.end(), typed[0].begin(), typed[0].end());
    } else {
      Add(path, absl::StrCat("matches none of anyOf: ", Show(v)));
    }
  }

  static bool TypeMatches(const Value& t, const Value& v) {
    if (t.kind_case() == Value::kStringValue) return HasType(v, t.string_value());
    for (const Value& n : t.list_value().values()) {
      if (HasType(v, n.string_value())) return true;
    }
    return false;
  }

  void CheckObject(const Struct& s, const Struct& o, const std::string& path) {
    if (const Value* r = Field(s, "required")) {
      for (const Value& k : r->list_value().values()) {
        if (Field(o, k.string_value()) == nullptr) {
          Add(path, absl::StrCat("missing field \"", k.string_value(), "\""));
        }
      }
    }
    const Value* props = Field(s, "properties");
    const Value* extra = Field(s, "additionalProperties");
    for (const std::string& k : SortedKeys(o)) {
      const std::string sub = absl::StrCat(path, ".", k);
      const Value* ps = props ? Field(props->struct_value(), k) : nullptr;
      if (ps != nullptr) {
        Check(*ps, *Field(o, k), sub);
      } else if (extra != nullptr) {
        if (extra->kind_case() == Value::kBoolValue && !extra->bool_value()) {
          Add(path, absl::StrCat("unexpected field \"", k, "\" (the schema does not describe it)"));
        } else {
          Check(*extra, *Field(o, k), sub);
        }
      }
    }
  }

  const Struct& root_;
};

}  // namespace

absl::StatusOr<Value> ParseJson(absl::string_view text, absl::string_view what) {
  Value v;
  google::protobuf::util::JsonParseOptions options;
  auto st = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &v, options);
  if (!st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not JSON: ", std::string(st.message())));
  }
  return v;
}

absl::StatusOr<Value> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseJson(ss.str(), path);
}

absl::StatusOr<JsonSchema> JsonSchema::Parse(absl::string_view text) {
  absl::StatusOr<Value> v = ParseJson(text, "the schema");
  if (!v.ok()) return v.status();
  if (v->kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError("the schema is not a JSON object");
  }
  if (auto st = CheckSchemaNode(*v, v->struct_value(), "#"); !st.ok()) return st;
  return JsonSchema(*std::move(v));
}

std::vector<std::string> JsonSchema::Validate(const Value& value) const {
  Validator v(root_.struct_value());
  v.Check(root_, value, "$");
  return v.errors_;
}

}  // namespace raftlog::runner
