#pragma once

// One I/O thread's event loop: epoll over its sockets, work posted from other threads, and
// timers. kv-server's own rather than asio's because a request/reply round trip is a handful of
// syscalls and asio adds one: every async read first tries recv(2) speculatively, and on a
// request/reply connection that attempt almost always finds nothing (EAGAIN). Here sockets are
// edge-triggered and a connection reads again only when its last read filled the buffer or a new
// edge arrived, so a round trip costs what it costs Redis: one read, one write and a share of one
// epoll_wait.

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "server/base/unique_fd.h"
#include "server/net/mailbox.h"

namespace kv::net {

class EventLoop {
 public:
  // Something with a descriptor in this loop; called on the loop's thread.
  class Handler {
   public:
    virtual void OnEvents(uint32_t events) = 0;

   protected:
    ~Handler() = default;
  };
  using Task = std::function<void()>;

  // When the kernel refuses the epoll or eventfd descriptor, error() says so and the loop must not
  // be used.
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  const std::string& error() const { return error_; }

  // Watches `fd` edge-triggered for `events` (EPOLLET is added) until Unwatch or close; the
  // handler must outlive the registration. 0 or an errno value.
  int Watch(int fd, Handler* handler, uint32_t events);
  void Unwatch(int fd);

  // Any thread: runs `task` on the loop's thread. From the loop's own thread it runs after the
  // events of the current round, without waking anything.
  void Post(Task task);
  // Loop thread: runs `task` once this round's events are handled, ahead of the tasks posted during
  // the round (the replies of a round go out before the work it handed to other connections).
  void AtRoundEnd(Task task);
  // Runs `task` on the loop's thread after `delay` (timers are not cancellable: the task checks
  // whether it still has something to do). From another thread the call first hops onto the loop,
  // except before Run, when the caller still owns the loop.
  void RunAfter(std::chrono::milliseconds delay, Task task);

  // Runs until Stop. Tasks and timers still pending then are dropped unrun.
  void Run();
  // Any thread.
  void Stop();

 private:
  struct Timer {
    std::chrono::steady_clock::time_point when;
    uint64_t seq;  // FIFO among timers due at the same instant
    Task task;
    bool operator>(const Timer& o) const { return when != o.when ? when > o.when : seq > o.seq; }
  };

  bool InLoopThread() const { return std::this_thread::get_id() == owner_.load(); }
  void Wake();
  void DrainWakeups();
  int TimeoutMs() const;
  void RunDueTimers();
  // Runs the tasks in `queue` (round_end_ or local_) and empties it.
  void RunQueued(std::vector<Task>& queue);

  UniqueFd epoll_;
  UniqueFd wakeup_;  // eventfd: other threads' posts and Stop
  std::string error_;
  std::atomic<bool> stop_{false};
  std::atomic<std::thread::id> owner_{};
  Mailbox<Task> remote_;     // posted from other threads
  std::vector<Task> local_;  // posted from the loop's own thread
  std::vector<Task> round_end_;
  std::vector<Task> running_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  uint64_t timer_seq_ = 0;
};

}  // namespace kv::net
