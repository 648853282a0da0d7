#include "matrix/check/read_freshness.h"

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void ReadFreshness::OnSubmit(uint64_t time_us, api::NodeId node, const api::Request& request) {
  const RequestKey id{request.client_id, request.sequence};
  switch (request.op) {
    case api::Op::kGet: {
      KeyState& k = keys_[request.key];
      gets_.try_emplace(id, Arrival{time_us, node, request.key, request.stale_read_ok, k.newest});
      return;
    }
    case api::Op::kPut: {
      KeyState& k = keys_[request.key];
      if (puts_.count(id)) return;  // a retry: the same write
      if (!k.values.insert(request.value).second) k.judged = false;
      puts_.emplace(id, std::make_pair(request.key, request.value));
      return;
    }
    case api::Op::kDelete:
    case api::Op::kAppend:
    case api::Op::kCas:
      keys_[request.key].judged = false;
      return;
    default:
      return;  // administrative: no key
  }
}

void ReadFreshness::OnAck(const Ack& ack) {
  auto it = puts_.find({ack.client_id, ack.sequence});
  if (it == puts_.end()) return;
  const auto [key, value] = std::move(it->second);
  puts_.erase(it);
  KeyState& k = keys_[key];
  Written w{ack.index, ack.time_us, value};
  k.acked[value] = w;
  if (ack.index > k.newest.index) k.newest = w;
}

void ReadFreshness::OnReply(const ClientReply& cr) {
  const api::Reply& r = *cr.reply;
  auto it = gets_.find({r.client_id, r.sequence});
  if (it == gets_.end()) return;
  const Arrival a = std::move(it->second);
  gets_.erase(it);
  if (!r.status.ok()) return;
  if (a.stale_ok && r.succeeded) return;  // served as a stale read, as allowed
  const KeyState& k = keys_[a.key];
  if (!k.judged || a.floor.index == 0) return;
  ++reads_judged_;
  std::string got;
  if (!r.found) {
    got = "nothing";
  } else if (r.value == a.floor.value) {
    return;
  } else {
    auto w = k.acked.find(r.value);
    if (w == k.acked.end() || w->second.index >= a.floor.index) {
      return;  // a later write, or one never acknowledged: not judged
    }
    got = absl::StrCat("'", r.value, "' (the write acknowledged at index ", w->second.index, ")");
  }
  if (reports_ >= kMaxReports) return;
  ++reports_;
  Report(cr.time_us,
         absl::StrCat("node ", cr.node, " (", cr.tag, ", ", api::RoleName(cr.role), ", term ",
                      cr.term, ") answered get ", a.key, " client ", r.client_id, " seq ",
                      r.sequence, " (arrived at node ", a.node, " at ", a.time_us, "us) with ",
                      got, ", but '", a.floor.value, "' was acknowledged at index ",
                      a.floor.index, " at ", a.floor.time_us, "us, before the read arrived"));
}

}  // namespace raftlog::check
