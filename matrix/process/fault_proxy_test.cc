#include "matrix/process/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "versions/process/frame.h"
#include "versions/process/posix_env.h"

namespace raftlog::process {
namespace {

int Listen(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(fd, 4);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

int Dial(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  return fd;
}

void SendFrame(int fd, const std::string& type) {
  Frame f;
  f.mutable_peer_message()->set_type(type);
  std::string bytes = *EncodeFrame(f);
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

// Frame types read from `fd` until `quiet_ms` pass without data (bounded).
std::vector<std::string> Receive(int fd, int quiet_ms, std::string* buffer) {
  std::vector<std::string> types;
  for (int rounds = 0; rounds < 1000; ++rounds) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, quiet_ms) <= 0) break;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    buffer->append(buf, static_cast<size_t>(n));
    while (true) {
      auto f = TakeFrame(buffer);
      if (!f.ok() || !f->has_value()) break;
      types.push_back((*f)->has_hello() ? "hello" : (*f)->peer_message().type());
    }
  }
  return types;
}

class FaultProxyTest : public testing::Test {
 protected:
  void SetUp() override {
    listen_ = Listen(&port2_);
    auto proxy = FaultProxy::Create({{1, 1}, {2, port2_}}, /*seed=*/7);
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = std::move(*proxy);
    dialer_ = Dial(proxy_->port(1, 2));
    Frame hello;
    hello.mutable_hello()->set_node_id(1);
    std::string bytes = *EncodeFrame(hello);
    ASSERT_GT(::send(dialer_, bytes.data(), bytes.size(), MSG_NOSIGNAL), 0);
    target_ = ::accept(listen_, nullptr, nullptr);
    ASSERT_GE(target_, 0);
    ASSERT_EQ(Receive(target_, 200, &buffer_), std::vector<std::string>{"hello"});
  }
  void TearDown() override {
    ::close(dialer_);
    ::close(target_);
    ::close(listen_);
  }
  int listen_ = -1, port2_ = 0, dialer_ = -1, target_ = -1;
  std::string buffer_;
  std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(FaultProxyTest, ForwardsFramesInOrder) {
  for (int i = 0; i < 20; ++i) SendFrame(dialer_, std::to_string(i));
  auto got = Receive(target_, 200, &buffer_);
  ASSERT_EQ(got.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(got[i], std::to_string(i));
  EXPECT_EQ(proxy_->stats().forwarded, 20u);
}

TEST_F(FaultProxyTest, ACutLinkDropsEveryFrameUntilHealed) {
  proxy_->Partition({1});
  for (int i = 0; i < 10; ++i) SendFrame(dialer_, "lost");
  EXPECT_TRUE(Receive(target_, 200, &buffer_).empty());
  EXPECT_EQ(proxy_->stats().dropped, 10u);
  proxy_->Heal();
  SendFrame(dialer_, "after");
  EXPECT_EQ(Receive(target_, 200, &buffer_), std::vector<std::string>{"after"});
}

TEST_F(FaultProxyTest, DropsSomeFramesAndDelaysTheRestInOrder) {
  proxy_->SetFault(1, 2, LinkFault{false, 50, 0});
  for (int i = 0; i < 100; ++i) SendFrame(dialer_, std::to_string(i));
  auto got = Receive(target_, 200, &buffer_);
  EXPECT_GT(got.size(), 20u);
  EXPECT_LT(got.size(), 80u);
  for (size_t i = 1; i < got.size(); ++i) EXPECT_LT(std::stoi(got[i - 1]), std::stoi(got[i]));

  proxy_->SetFault(1, 2, LinkFault{false, 0, 150});
  const uint64_t start = MonotonicMicros();
  SendFrame(dialer_, "a");
  SendFrame(dialer_, "b");
  got = Receive(target_, 400, &buffer_);
  const uint64_t elapsed_ms = (MonotonicMicros() - start) / 1000;
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b"}));
  EXPECT_GE(elapsed_ms, 150u);
}

}  // namespace
}  // namespace raftlog::process
