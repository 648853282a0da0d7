// A small streaming JSON writer for the reports (no dependency, stable
// output: keys in the order written, two-space indentation).
//
// Strings are escaped so that the text can also be embedded in an HTML
// <script> element: '<', '>' and '&' become \u003c, \u003e and \u0026, and
// bytes that are not valid UTF-8 are written as the code point of the byte
// (Latin-1), so any std::string yields valid JSON.
#ifndef RAFTLOG_UTIL_JSON_H_
#define RAFTLOG_UTIL_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace raftlog::util {

// The JSON string literal for `s`, quotes included.
std::string JsonQuote(absl::string_view s);

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The key of the next value. REQUIRES: inside an object.
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view v);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // Shorthands for a key and a value.
  JsonWriter& Field(absl::string_view key, absl::string_view v) { return Key(key).String(v); }
  JsonWriter& Field(absl::string_view key, const char* v) { return Key(key).String(v); }
  JsonWriter& Field(absl::string_view key, const std::string& v) { return Key(key).String(v); }
  JsonWriter& Field(absl::string_view key, uint64_t v) { return Key(key).Uint(v); }
  JsonWriter& Field(absl::string_view key, int v) { return Key(key).Int(v); }
  JsonWriter& Field(absl::string_view key, double v) { return Key(key).Double(v); }
  JsonWriter& Field(absl::string_view key, bool v) { return Key(key).Bool(v); }

  // REQUIRES: every object and array closed.
  const std::string& str() const { return out_; }

 private:
  void BeforeValue();
  void Newline();
  struct Level {
    bool object = false;
    bool empty = true;
  };
  std::string out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace raftlog::util

#endif  // RAFTLOG_UTIL_JSON_H_
