// The MAC itself (RFC 4231 vectors) and how a message is sealed, stripped and
// verified.
#include "versions/v3/auth.h"

#include <string>

#include "absl/strings/escaping.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "gtest/gtest.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3::auth {
namespace {

using wire::v3::Message;

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }
std::string Unhex(const std::string& hex) { return absl::HexStringToBytes(hex); }

// RFC 4231 section 4, HMAC-SHA-256 of each test case (case 5 is a truncated
// output and is left out).
TEST(HmacSha256, Rfc4231TestVectors) {
  struct Case {
    std::string key;
    std::string data;
    const char* mac;
  };
  const Case cases[] = {
      // 1
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      // 2: a key shorter than the output
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      // 3: 50 bytes of 0xdd
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      // 4
      {Unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      // 6: a key larger than the block size (hashed first)
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      // 7: key and data larger than the block size
      {std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size "
       "data. The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const Case& c : cases) {
    const std::string mac = HmacSha256(c.key, c.data);
    EXPECT_EQ(mac.size(), kMacSize);
    EXPECT_EQ(Hex(mac), c.mac) << c.data;
  }
}

// The keyed context is kept between calls: alternating keys, repeating a key,
// empty keys and empty data all give what OpenSSL's one-shot HMAC gives.
TEST(HmacSha256, SameAsOneShotHmacAcrossKeyChangesAndEmptyInputs) {
  const std::string keys[] = {"", "k", std::string(32, '\x5a'), std::string(131, '\xaa'), "k"};
  const std::string data[] = {"", "x", std::string(1000, '\x01'), "x"};
  for (int round = 0; round < 2; ++round) {
    for (const std::string& k : keys) {
      for (const std::string& d : data) {
        static const unsigned char kNothing = 0;
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        ASSERT_NE(HMAC(EVP_sha256(), k.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(k.data()),
                       static_cast<int>(k.size()),
                       d.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(d.data()),
                       d.size(), out, &len),
                  nullptr);
        EXPECT_EQ(Hex(HmacSha256(k, d)), Hex(std::string(reinterpret_cast<char*>(out), len)))
            << "key size " << k.size() << " data size " << d.size();
      }
    }
  }
}

TEST(HmacSha256, MacEqualsComparesSizeAndEveryByte) {
  const std::string a = HmacSha256("k", "x");
  std::string b = a;
  EXPECT_TRUE(MacEquals(a, b));
  b[31] ^= 1;
  EXPECT_FALSE(MacEquals(a, b));
  EXPECT_FALSE(MacEquals(a, a.substr(0, 31)));
  EXPECT_FALSE(MacEquals(a, ""));
}

Message Sample() {
  Message m;
  m.set_protocol_version(3);
  m.set_type(wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  m.set_from(1);
  m.set_to(2);
  m.set_term(7);
  m.mutable_append_entries()->set_prev_log_index(4);
  m.mutable_append_entries()->set_leader_commit(4);
  wire::v3::Entry* e = m.mutable_append_entries()->add_entries();
  e->set_index(5);
  e->set_term(7);
  e->set_type(wire::v3::ENTRY_TYPE_NOOP);
  return m;
}

TEST(Seal, MacIsOverTheDeterministicSerializationWithMacEmpty) {
  Message m = Sample();
  const std::string unsealed = SerializeDeterministic(m);
  const std::string bytes = Seal("key", &m);
  EXPECT_EQ(m.mac(), HmacSha256("key", unsealed));
  Message parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.mac(), m.mac());
  // Stripping field 6 from the wire bytes gives back what was MACed.
  std::optional<std::string> stripped = StripField(bytes, kMacField);
  ASSERT_TRUE(stripped.has_value());
  EXPECT_EQ(*stripped, unsealed);
  EXPECT_TRUE(Verify("key", bytes, parsed).ok());
  // Sealing is deterministic.
  Message again = Sample();
  EXPECT_EQ(Seal("key", &again), bytes);
}

TEST(Verify, RefusesEachWayAMessageCanBeUnauthenticated) {
  Message m = Sample();
  const std::string bytes = Seal("key", &m);

  // Another key.
  Message parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  absl::Status s = Verify("other key", bytes, parsed);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("mismatch"), std::string::npos) << s;

  // No key to verify with.
  EXPECT_EQ(Verify("", bytes, parsed).code(), absl::StatusCode::kUnauthenticated);

  // MAC stripped.
  Message stripped = parsed;
  stripped.clear_mac();
  const std::string plain = stripped.SerializeAsString();
  s = Verify("key", plain, stripped);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message(), "no mac");

  // A MAC of the wrong size.
  Message short_mac = parsed;
  short_mac.set_mac(parsed.mac().substr(0, 16));
  EXPECT_NE(Verify("key", short_mac.SerializeAsString(), short_mac).message().find("16 bytes"),
            std::string::npos);

  // Any field changed after sealing (here the term, and an entry's term).
  Message altered = parsed;
  altered.set_term(8);
  EXPECT_EQ(Verify("key", altered.SerializeAsString(), altered).code(),
            absl::StatusCode::kUnauthenticated);
  altered = parsed;
  altered.mutable_append_entries()->mutable_entries(0)->set_term(6);
  EXPECT_EQ(Verify("key", altered.SerializeAsString(), altered).code(),
            absl::StatusCode::kUnauthenticated);

  // An older-version claim under the original MAC.
  altered = parsed;
  altered.set_protocol_version(2);
  EXPECT_EQ(Verify("key", altered.SerializeAsString(), altered).code(),
            absl::StatusCode::kUnauthenticated);

  // Any single byte flipped on the wire fails (or no longer parses).
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] ^= 0x01;
    Message f;
    if (!f.ParseFromString(flipped)) continue;
    EXPECT_FALSE(Verify("key", flipped, f).ok()) << "byte " << i;
  }
}

// A later sender's field this release does not know is covered as sent: the
// receiver MACs the received bytes minus field 6, not a re-serialization.
TEST(Verify, CoversUnknownFieldsAsTheSenderSerializedThem) {
  Message m = Sample();
  std::string unsealed = SerializeDeterministic(m);
  // A header field 7 of some later tag, placed where that tag's serializer
  // puts it: after field 6, before the body (field 12). Here without a MAC
  // yet: the later sender MACs this.
  const std::string field7("\x38\x05", 2);  // field 7, varint 5
  const size_t body = unsealed.find('\x62');  // field 12, length-delimited
  ASSERT_NE(body, std::string::npos);
  std::string later = unsealed.substr(0, body) + field7 + unsealed.substr(body);
  const std::string mac = HmacSha256("key", later);
  const std::string mac_record = std::string("\x32\x20", 2) + mac;  // field 6, 32 bytes
  const std::string bytes = later.substr(0, body) + mac_record + later.substr(body);
  Message parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.mac(), mac);
  EXPECT_TRUE(Verify("key", bytes, parsed).ok());
  // Re-serializing would move the unknown field behind the body: different
  // bytes, which is why Verify does not.
  EXPECT_NE(*StripField(parsed.SerializeAsString(), kMacField), later);
}

TEST(StripField, RefusesMalformedRecords) {
  EXPECT_EQ(*StripField("", kMacField), "");
  EXPECT_FALSE(StripField(std::string("\x32\x20\x01", 3), kMacField).has_value());  // short
  EXPECT_FALSE(StripField(std::string("\x00\x01", 2), kMacField).has_value());      // tag 0
  EXPECT_FALSE(StripField(std::string("\x08", 1), kMacField).has_value());          // no value
  // Every record of the field goes, others stay in order.
  const std::string in("\x08\x01\x32\x01\x41\x10\x02\x32\x00", 9);
  EXPECT_EQ(*StripField(in, kMacField), std::string("\x08\x01\x10\x02", 4));
}

}  // namespace
}  // namespace raftlog::v3::auth
