#include "versions/v3/adapter/adapter.h"

#include <memory>

#include "versions/v3/node.h"

namespace raftlog::v3::adapter {
namespace {

// Forwards every call; v3::Node already speaks the ABI's value types.
class NodeAdapter : public api::Node {
 public:
  explicit NodeAdapter(const api::NodeOptions& options) : node_(options) {}
  absl::Status Start() override { return node_.Start(); }
  absl::Status Deliver(api::NodeId from, absl::string_view bytes) override {
    return node_.Deliver(from, bytes);
  }
  void Tick() override { node_.Tick(); }
  void Submit(const api::Request& request) override { node_.Submit(request); }
  api::Ready TakeReady() override { return node_.TakeReady(); }
  api::ProtocolState State() const override { return node_.State(); }
  std::optional<api::EntryId> EntryAt(uint64_t index) const override {
    return node_.EntryAt(index);
  }
  std::map<std::string, uint64_t> Counters() const override { return node_.Counters(); }

 private:
  v3::Node node_;
};

std::unique_ptr<api::Node> MakeNode(const api::NodeOptions& options) {
  return std::make_unique<NodeAdapter>(options);
}

}  // namespace

api::ReleaseInfo Release() {
  api::ReleaseInfo info;
  info.tag = kReleaseTag;
  info.min_protocol = kMinProtocol;
  info.max_protocol = kMaxProtocol;
  // Format 2 is written only at cluster version 2, format 3 only once it is
  // at least 3 (below: format 1).
  info.snapshot_formats_read = {kSnapshotFormat, kSnapshotFormat2, kSnapshotFormat3};
  info.snapshot_formats_written = {kSnapshotFormat, kSnapshotFormat2, kSnapshotFormat3};
  info.make_node = &MakeNode;
  return info;
}

}  // namespace raftlog::v3::adapter
