#include "versions/v3/auth.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "versions/v3/check.h"

namespace raftlog::v3::auth {

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  // OpenSSL wants non-null pointers even for empty inputs.
  static const unsigned char kNothing = 0;
  const void* k = key.empty() ? static_cast<const void*>(&kNothing) : key.data();
  const unsigned char* d =
      data.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(data.data());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  unsigned char* r = HMAC(EVP_sha256(), k, static_cast<int>(key.size()), d, data.size(), out, &len);
  RAFTLOG_V3_CHECK(r != nullptr && len == kMacSize);
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool MacEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> StripField(absl::string_view bytes, int field) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  std::string out;
  out.reserve(bytes.size());
  while (true) {
    const int start = in.CurrentPosition();
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      // End of input, or a tag that is not one (field number 0).
      if (static_cast<size_t>(start) != bytes.size()) return std::nullopt;
      return out;
    }
    if (!WireFormatLite::SkipField(&in, tag)) return std::nullopt;
    const int end = in.CurrentPosition();
    if (WireFormatLite::GetTagFieldNumber(tag) != field) {
      out.append(bytes.data() + start, static_cast<size_t>(end - start));
    }
  }
}

std::string SerializeDeterministic(const wire::v3::Message& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return out;
}

std::string Seal(absl::string_view key, wire::v3::Message* m) {
  RAFTLOG_V3_CHECK(!key.empty());
  m->clear_mac();
  m->set_mac(HmacSha256(key, SerializeDeterministic(*m)));
  return SerializeDeterministic(*m);
}

absl::Status Verify(absl::string_view key, absl::string_view bytes, const wire::v3::Message& m) {
  if (key.empty()) return absl::UnauthenticatedError("no cluster key to verify with");
  if (m.mac().empty()) return absl::UnauthenticatedError("no mac");
  if (m.mac().size() != kMacSize) {
    return absl::UnauthenticatedError(
        absl::StrCat("mac of ", m.mac().size(), " bytes, not ", kMacSize));
  }
  std::optional<std::string> covered = StripField(bytes, kMacField);
  if (!covered.has_value()) return absl::UnauthenticatedError("unparsable records");
  if (!MacEquals(HmacSha256(key, *covered), m.mac())) {
    return absl::UnauthenticatedError("mac mismatch (another key or altered bytes)");
  }
  return absl::OkStatus();
}

}  // namespace raftlog::v3::auth
