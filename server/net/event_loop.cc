#include "server/net/event_loop.h"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace kv::net {
namespace {

// Events taken per epoll_wait; more ready descriptors simply wait for the next round.
constexpr int kMaxEvents = 256;

}  // namespace

EventLoop::EventLoop()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wakeup_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!epoll_ || !wakeup_) {
    error_ = std::string("cannot create the event loop: ") + std::strerror(errno);
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the wake-up descriptor; every other entry is a Handler
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wakeup_.get(), &ev) != 0) {
    error_ = std::string("cannot watch the event loop's eventfd: ") + std::strerror(errno);
  }
}

EventLoop::~EventLoop() = default;

int EventLoop::Watch(int fd, Handler* handler, uint32_t events) {
  epoll_event ev{};
  ev.events = events | EPOLLET;
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
}

void EventLoop::Unwatch(int fd) { ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::Post(Task task) {
  if (InLoopThread()) {
    local_.push_back(std::move(task));
    return;
  }
  if (remote_.Push(std::move(task))) Wake();
}

void EventLoop::AtRoundEnd(Task task) { round_end_.push_back(std::move(task)); }

void EventLoop::RunAfter(std::chrono::milliseconds delay, Task task) {
  if (!InLoopThread() && owner_.load() != std::thread::id()) {
    Post([this, delay, task = std::move(task)]() mutable { RunAfter(delay, std::move(task)); });
    return;
  }
  timers_.push(Timer{std::chrono::steady_clock::now() + delay, timer_seq_++, std::move(task)});
}

void EventLoop::Stop() {
  stop_.store(true);
  Wake();
}

void EventLoop::Wake() {
  uint64_t one = 1;
  // Only EAGAIN can fail here (the counter is saturated), and then a wake-up is pending anyway.
  [[maybe_unused]] ssize_t n = ::write(wakeup_.get(), &one, sizeof one);
}

void EventLoop::DrainWakeups() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(wakeup_.get(), &count, sizeof count);
  remote_.Drain([](Task& task) { task(); });
}

int EventLoop::TimeoutMs() const {
  if (!local_.empty() || !round_end_.empty()) return 0;
  if (timers_.empty()) return -1;
  auto left = timers_.top().when - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return 0;
  // Round up: waking a little early would only spin until the timer is due.
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<int64_t>(ms, 60'000));
}

void EventLoop::RunDueTimers() {
  if (timers_.empty()) return;
  auto now = std::chrono::steady_clock::now();
  while (!timers_.empty() && timers_.top().when <= now) {
    // priority_queue::top is const; the task is moved out before pop destroys it.
    Task task = std::move(const_cast<Timer&>(timers_.top()).task);
    timers_.pop();
    task();
  }
}

void EventLoop::RunQueued(std::vector<Task>& queue) {
  // Tasks queued while these run wait for the next round, after the sockets had their turn.
  running_.swap(queue);
  for (Task& task : running_) task();
  running_.clear();
}

void EventLoop::Run() {
  owner_.store(std::this_thread::get_id());
  std::array<epoll_event, kMaxEvents> events;
  while (!stop_.load(std::memory_order_relaxed)) {
    int n = ::epoll_wait(epoll_.get(), events.data(), kMaxEvents, TimeoutMs());
    if (n < 0) {
      if (errno != EINTR) spdlog::error("epoll_wait: {}", std::strerror(errno));
      n = 0;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == nullptr) {
        DrainWakeups();
      } else {
        static_cast<Handler*>(events[i].data.ptr)->OnEvents(events[i].events);
      }
    }
    RunDueTimers();
    RunQueued(round_end_);
    RunQueued(local_);
  }
}

}  // namespace kv::net
