#include <functional>
#include <memory>
#include <vector>

#include "server/commands/test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

// Stands in for a connection: keeps what publishers post and runs it on demand, as the
// subscriber's I/O thread would.
class FakeChannel final : public ClientChannel {
 public:
  void Post(std::function<void(ClientState&, resp::ReplyBuilder&)> fn) override {
    posted.push_back(std::move(fn));
  }
  void Close() override {}
  std::string Deliver(ClientState& client) {
    std::string out;
    resp::ReplyBuilder rb(&out);
    rb.set_resp3(client.resp3);
    for (auto& fn : posted) fn(client, rb);
    posted.clear();
    return out;
  }
  std::vector<std::function<void(ClientState&, resp::ReplyBuilder&)>> posted;
};

class PubSubTest : public test::CommandTest {
 protected:
  PubSubTest() {
    client_.channel = chan_;
    client_.id = 1;
    other_.channel = other_chan_;
    other_.id = 2;
  }
  static std::string Push(std::initializer_list<std::string_view> items, std::string_view count) {
    std::string out = "*" + std::to_string(items.size() + 1) + "\r\n";
    for (auto s : items) out += Bulk(s);
    return out + ":" + std::string(count) + "\r\n";
  }
  std::shared_ptr<FakeChannel> chan_ = std::make_shared<FakeChannel>();
  std::shared_ptr<FakeChannel> other_chan_ = std::make_shared<FakeChannel>();
  ClientState other_;
  ClientState publisher_;
};

TEST_F(PubSubTest, SubscribeConfirmations) {
  EXPECT_EQ(Run({"subscribe", "a", "b", "a"}), Push({"subscribe", "a"}, "1") +
                                                   Push({"subscribe", "b"}, "2") +
                                                   Push({"subscribe", "a"}, "2"));
  EXPECT_EQ(Run({"psubscribe", "n*"}), Push({"psubscribe", "n*"}, "3"));
  EXPECT_EQ(Run({"unsubscribe", "b", "zz"}),
            Push({"unsubscribe", "b"}, "2") + Push({"unsubscribe", "zz"}, "2"));
  EXPECT_EQ(Run({"punsubscribe"}), Push({"punsubscribe", "n*"}, "1"));
  EXPECT_EQ(Run({"unsubscribe"}), Push({"unsubscribe", "a"}, "0"));
  EXPECT_EQ(Run({"unsubscribe"}), "*3\r\n" + Bulk("unsubscribe") + "$-1\r\n:0\r\n");
  EXPECT_EQ(Run({"subscribe"}), Err(resp::WrongNumArgsError("subscribe")));
}

TEST_F(PubSubTest, Resp3UsesPushFrames) {
  client_.resp3 = true;
  EXPECT_EQ(Run({"subscribe", "a"}), ">3\r\n" + Bulk("subscribe") + Bulk("a") + ":1\r\n");
  EXPECT_EQ(Run({"get", "k"}), "_\r\n");  // RESP3 subscribers may run anything
  EXPECT_EQ(Run({"ping"}), "+PONG\r\n");
  EXPECT_EQ(RunAs(publisher_, {"publish", "a", "hi"}), Int(1));
  EXPECT_EQ(chan_->Deliver(client_), ">3\r\n" + Bulk("message") + Bulk("a") + Bulk("hi"));
  EXPECT_EQ(Run({"unsubscribe"}), ">3\r\n" + Bulk("unsubscribe") + Bulk("a") + ":0\r\n");
  EXPECT_EQ(Run({"unsubscribe"}), ">3\r\n" + Bulk("unsubscribe") + "_\r\n:0\r\n");
}

TEST_F(PubSubTest, SubscribedContextInResp2) {
  EXPECT_EQ(Run({"subscribe", "a"}), Push({"subscribe", "a"}, "1"));
  EXPECT_EQ(Run({"get", "k"}), Err(resp::SubscribedContextError("get")));
  EXPECT_EQ(Run({"pubsub", "numpat"}), Err(resp::SubscribedContextError("pubsub|numpat")));
  EXPECT_EQ(Run({"ping"}), "*2\r\n" + Bulk("pong") + Bulk(""));
  EXPECT_EQ(Run({"ping", "x"}), "*2\r\n" + Bulk("pong") + Bulk("x"));
  EXPECT_EQ(Run({"unsubscribe", "a"}), Push({"unsubscribe", "a"}, "0"));
  EXPECT_EQ(Run({"get", "k"}), kNil);
  EXPECT_EQ(Run({"ping"}), "+PONG\r\n");
}

TEST_F(PubSubTest, PublishFansOutToChannelsAndPatterns) {
  EXPECT_EQ(Run({"subscribe", "news.1"}), Push({"subscribe", "news.1"}, "1"));
  EXPECT_EQ(Run({"psubscribe", "news.*"}), Push({"psubscribe", "news.*"}, "2"));
  EXPECT_EQ(RunAs(other_, {"psubscribe", "n?ws.[0-9]"}), Push({"psubscribe", "n?ws.[0-9]"}, "1"));
  EXPECT_EQ(RunAs(publisher_, {"publish", "news.1", "hello"}), Int(3));
  EXPECT_EQ(chan_->Deliver(client_), "*3\r\n" + Bulk("message") + Bulk("news.1") + Bulk("hello") +
                                         "*4\r\n" + Bulk("pmessage") + Bulk("news.*") +
                                         Bulk("news.1") + Bulk("hello"));
  EXPECT_EQ(other_chan_->Deliver(other_),
            "*4\r\n" + Bulk("pmessage") + Bulk("n?ws.[0-9]") + Bulk("news.1") + Bulk("hello"));
  EXPECT_EQ(RunAs(publisher_, {"publish", "news.x", "m"}), Int(1));
  EXPECT_EQ(RunAs(publisher_, {"publish", "other", "m"}), Int(0));
  other_chan_->Deliver(other_);
  // A message posted before an unsubscribe is dropped, as Redis would not have sent it.
  EXPECT_EQ(RunAs(publisher_, {"publish", "news.1", "late"}), Int(3));
  EXPECT_EQ(Run({"unsubscribe", "news.1"}), Push({"unsubscribe", "news.1"}, "1"));
  EXPECT_EQ(chan_->Deliver(client_).find("message\r\n$6\r\nnews.1\r\n$4\r\nlate"),
            std::string::npos);
}

TEST_F(PubSubTest, PubSubIntrospection) {
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "numpat"}), Int(0));
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "channels"}), "*0\r\n");
  Run({"subscribe", "a1", "b1"});
  RunAs(other_, {"subscribe", "a1"});
  RunAs(other_, {"psubscribe", "x*", "y*"});
  Run({"psubscribe", "x*"});
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "numpat"}), Int(2));
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "channels", "a*"}), Arr({"a1"}));
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "numsub", "a1", "b1", "c1"}),
            "*6\r\n" + Bulk("a1") + Int(2) + Bulk("b1") + Int(1) + Bulk("c1") + Int(0));
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "numsub"}), "*0\r\n");
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "foo"}),
            Err("ERR unknown subcommand 'foo'. Try PUBSUB HELP."));
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "channels", "a", "b"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB "
                "HELP."));
  EXPECT_EQ(RunAs(publisher_, {"pubsub"}), Err(resp::WrongNumArgsError("pubsub")));
}

TEST_F(PubSubTest, DisconnectUnsubscribes) {
  {
    ClientState gone;
    gone.id = 9;
    EXPECT_EQ(RunAs(gone, {"subscribe", "c"}), Push({"subscribe", "c"}, "1"));
    EXPECT_EQ(RunAs(gone, {"psubscribe", "c*"}), Push({"psubscribe", "c*"}, "2"));
    EXPECT_EQ(RunAs(publisher_, {"pubsub", "numsub", "c"}), "*2\r\n" + Bulk("c") + Int(1));
  }
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "numsub", "c"}), "*2\r\n" + Bulk("c") + Int(0));
  EXPECT_EQ(RunAs(publisher_, {"pubsub", "numpat"}), Int(0));
  EXPECT_EQ(RunAs(publisher_, {"publish", "c", "x"}), Int(0));
}

}  // namespace
}  // namespace kv

namespace kv {
namespace {

using ResetTest = test::CommandTest;

TEST_F(ResetTest, LeavesMultiWatchAndSubscriptions) {
  EXPECT_EQ(Run({"select", "1"}), kOk);
  EXPECT_EQ(Run({"watch", "w"}), kOk);
  EXPECT_EQ(Run({"subscribe", "c"}), "*3\r\n" + Bulk("subscribe") + Bulk("c") + Int(1));
  EXPECT_EQ(Run({"reset"}), "+RESET\r\n");
  EXPECT_EQ(state_.watches->watched_count(), 0u);
  EXPECT_EQ(Run({"pubsub", "numsub", "c"}), "*2\r\n" + Bulk("c") + Int(0));
  EXPECT_EQ(client_.db, 0);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"reset"}), "+RESET\r\n");  // not queued
  EXPECT_EQ(Run({"exec"}), Err(resp::kExecWithoutMultiErr));
}

}  // namespace
}  // namespace kv
