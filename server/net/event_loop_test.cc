#include "server/net/event_loop.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>
#include <vector>

namespace kv::net {
namespace {

// Runs a loop on its own thread for the length of a test.
class LoopThread {
 public:
  LoopThread() : thread_([this] { loop.Run(); }) {}
  ~LoopThread() {
    loop.Stop();
    thread_.join();
  }
  // Runs fn on the loop's thread and waits for it.
  template <typename Fn>
  void RunOnLoop(Fn fn) {
    std::promise<void> done;
    loop.Post([&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

  EventLoop loop;

 private:
  std::thread thread_;
};

TEST(EventLoopTest, PostsFromAnotherThreadRunOnTheLoopInOrder) {
  LoopThread t;
  std::vector<int> seen;
  std::thread::id ran_on;
  for (int i = 0; i < 1000; ++i) t.loop.Post([&seen, i] { seen.push_back(i); });
  t.RunOnLoop([&] { ran_on = std::this_thread::get_id(); });
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(EventLoopTest, APostFromTheLoopRunsAfterTheCurrentTask) {
  LoopThread t;
  std::vector<std::string> order;
  std::promise<void> done;
  t.loop.Post([&] {
    t.loop.Post([&] {
      order.push_back("posted");
      done.set_value();
    });
    order.push_back("current");
  });
  done.get_future().wait();
  EXPECT_EQ(order, (std::vector<std::string>{"current", "posted"}));
}

TEST(EventLoopTest, TimersFireInDeadlineOrderAndNotEarly) {
  LoopThread t;
  std::vector<int> fired;
  std::promise<void> done;
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration first_after{};
  t.RunOnLoop([&] {
    t.loop.RunAfter(std::chrono::milliseconds(60), [&] {
      fired.push_back(60);
      done.set_value();
    });
    t.loop.RunAfter(std::chrono::milliseconds(20), [&] {
      fired.push_back(20);
      first_after = std::chrono::steady_clock::now() - start;
    });
    t.loop.RunAfter(std::chrono::milliseconds(20), [&] { fired.push_back(21); });
  });
  done.get_future().wait();
  EXPECT_EQ(fired, (std::vector<int>{20, 21, 60}));
  EXPECT_GE(first_after, std::chrono::milliseconds(20));
}

TEST(EventLoopTest, RunAfterFromAnotherThreadIsHandedToTheLoop) {
  LoopThread t;
  std::promise<std::thread::id> ran_on;
  t.RunOnLoop([] {});  // the loop is running
  t.loop.RunAfter(std::chrono::milliseconds(1),
                  [&] { ran_on.set_value(std::this_thread::get_id()); });
  EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
}

class CountingHandler : public EventLoop::Handler {
 public:
  void OnEvents(uint32_t events) override {
    if (events & EPOLLIN) readable.fetch_add(1);
  }
  std::atomic<int> readable{0};
};

TEST(EventLoopTest, AWatchedSocketReportsEachNewEdge) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  UniqueFd a(fds[0]), b(fds[1]);
  LoopThread t;
  CountingHandler h;
  t.RunOnLoop([&] { ASSERT_EQ(t.loop.Watch(a.get(), &h, EPOLLIN), 0); });
  auto wait_for = [&](int n) {
    for (int i = 0; i < 500 && h.readable.load() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return h.readable.load();
  };
  ASSERT_EQ(::write(b.get(), "x", 1), 1);
  EXPECT_EQ(wait_for(1), 1);
  // Nothing was read, yet new data is a new edge.
  ASSERT_EQ(::write(b.get(), "y", 1), 1);
  EXPECT_EQ(wait_for(2), 2);
  t.RunOnLoop([&] { t.loop.Unwatch(a.get()); });
  ASSERT_EQ(::write(b.get(), "z", 1), 1);
  t.RunOnLoop([] {});  // one more round of the loop
  EXPECT_EQ(h.readable.load(), 2);
}

// Posts one task and one round-end task from inside an event, as a connection does when its input
// publishes to another connection and its own replies wait for the end of the round.
class OrderingHandler : public EventLoop::Handler {
 public:
  explicit OrderingHandler(EventLoop& loop) : loop_(loop) {}
  void OnEvents(uint32_t) override {
    loop_.Post([this] {
      order.push_back("posted");
      done.set_value();
    });
    loop_.AtRoundEnd([this] { order.push_back("round end"); });
  }
  std::vector<std::string> order;
  std::promise<void> done;

 private:
  EventLoop& loop_;
};

TEST(EventLoopTest, RoundEndTasksRunBeforeTheTasksPostedDuringTheRound) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  UniqueFd a(fds[0]), b(fds[1]);
  LoopThread t;
  OrderingHandler h(t.loop);
  t.RunOnLoop([&] { ASSERT_EQ(t.loop.Watch(a.get(), &h, EPOLLIN), 0); });
  ASSERT_EQ(::write(b.get(), "x", 1), 1);
  h.done.get_future().wait();
  EXPECT_EQ(h.order, (std::vector<std::string>{"round end", "posted"}));
  t.RunOnLoop([&] { t.loop.Unwatch(a.get()); });
}

TEST(EventLoopTest, StopFromAnotherThreadEndsRun) {
  EventLoop loop;
  std::promise<void> running;
  std::promise<void> returned;
  std::thread runner([&] {
    loop.Run();
    returned.set_value();
  });
  // Once a posted task has run, Run is in its loop and goes back to waiting in epoll_wait.
  loop.Post([&] { running.set_value(); });
  running.get_future().wait();
  loop.Stop();
  const bool stopped =
      returned.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  if (!stopped) {
    // Fails the test at once instead of hanging in join() until CTest's timeout.
    ADD_FAILURE() << "Stop from another thread did not wake a loop waiting in epoll_wait";
    std::_Exit(1);
  }
  runner.join();
}

}  // namespace
}  // namespace kv::net
