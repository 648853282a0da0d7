#include "versions/v3/auth.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/core_names.h"
#include "openssl/params.h"
#include "versions/v3/check.h"

namespace raftlog::v3::auth {

namespace {

// OpenSSL 3's one-shot HMAC() fetches the algorithm, allocates a context and
// hashes the key pads on every call: measured in the simulator, that was most
// of a v3 node's cost per message. A node MACs every message under one
// cluster key, so each thread keeps one context keyed once; the next message
// under the same key re-initialises it from the keyed state (EVP_MAC_init
// with no key reuses the key set before).
class KeyedHmac {
 public:
  KeyedHmac() = default;
  KeyedHmac(const KeyedHmac&) = delete;
  KeyedHmac& operator=(const KeyedHmac&) = delete;
  ~KeyedHmac() { EVP_MAC_CTX_free(ctx_); }

  std::string Mac(absl::string_view key, absl::string_view data) {
    if (ctx_ == nullptr || key != key_) {
      Rekey(key);
    } else {
      RAFTLOG_V3_CHECK(EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1);
    }
    // OpenSSL wants non-null pointers even for empty inputs.
    static const unsigned char kNothing = 0;
    const unsigned char* d =
        data.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(data.data());
    RAFTLOG_V3_CHECK(EVP_MAC_update(ctx_, d, data.size()) == 1);
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t len = 0;
    RAFTLOG_V3_CHECK(EVP_MAC_final(ctx_, out, &len, sizeof(out)) == 1 && len == kMacSize);
    return std::string(reinterpret_cast<const char*>(out), len);
  }

 private:
  void Rekey(absl::string_view key) {
    static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    RAFTLOG_V3_CHECK(hmac != nullptr);
    EVP_MAC_CTX_free(ctx_);
    ctx_ = EVP_MAC_CTX_new(hmac);
    RAFTLOG_V3_CHECK(ctx_ != nullptr);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end()};
    // A key of length zero is a key (HMAC pads it): pass a non-null pointer,
    // since a null key would mean "keep the previous one".
    static const unsigned char kEmptyKey = 0;
    const unsigned char* k =
        key.empty() ? &kEmptyKey : reinterpret_cast<const unsigned char*>(key.data());
    RAFTLOG_V3_CHECK(EVP_MAC_init(ctx_, k, key.size(), params) == 1);
    key_.assign(key.data(), key.size());
  }

  EVP_MAC_CTX* ctx_ = nullptr;
  std::string key_;
};

}  // namespace

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  thread_local KeyedHmac context;
  return context.Mac(key, data);
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
