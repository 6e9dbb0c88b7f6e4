#pragma once

// One client connection on one I/O thread: read → parse → execute → one write per batch.
// Runs entirely on its event loop's thread; other threads reach it only through Post/Close
// (ClientChannel), which hop onto that thread.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/base/unique_fd.h"
#include "server/commands/client_state.h"
#include "server/commands/dispatcher.h"
#include "server/net/event_loop.h"
#include "server/net/mailbox.h"
#include "server/resp/parser.h"
#include "server/resp/reply_builder.h"

namespace kv::net {

class ConnectionSet;

class Connection final : public ClientChannel,
                         public EventLoop::Handler,
                         public std::enable_shared_from_this<Connection> {
 public:
  // `socket`: a connected, non-blocking TCP socket.
  Connection(UniqueFd socket, Dispatcher& dispatcher, ConnectionSet& owner);
  ~Connection() override;

  // Registers with the client registry and the event loop, and starts reading.
  void Start();
  // Sends `error` (max clients) and closes, without registering as a client.
  void Reject(std::string_view error);
  // Graceful stop: no more input is executed; the replies already produced are written, then the
  // socket closes. Call on the connection's thread.
  void Shutdown();

  void Post(std::function<void(ClientState&, resp::ReplyBuilder&)> fn) override;
  void PostAfter(std::chrono::milliseconds delay,
                 std::function<void(ClientState&, resp::ReplyBuilder&)> fn) override;
  void Close() override;

  // appendfsync always: the AOF made this connection's writes up to `seq` durable; sends the
  // replies held for them and resumes the input held back meanwhile.
  void OnDurable(uint64_t seq);

  void OnEvents(uint32_t events) override;
  // The flush ReadInput deferred to the end of the round.
  void FlushScheduled();

 private:
  // Adds this connection to its thread's set and event loop; false (and closes) on failure.
  bool Attach();
  // One read (while reading is allowed and the socket may hold input), then executes what came.
  // A read that filled the buffer leaves more to read: it continues after the other connections
  // had their turn.
  void ReadInput();
  bool ReadingPaused() const;
  // Makes room in in_ for the next read; false (and closes) past the query buffer limit.
  bool MakeReadRoom();
  // Parses and executes whatever whole commands the input buffer holds.
  void ProcessInput();
  // Writes the replies produced so far; what the socket does not take waits for EPOLLOUT.
  void Flush();
  void OnWritable();
  // Sends what the socket takes of `data` now (*sent) and counts it; false (and closes) when the
  // connection is broken.
  bool Send(std::string_view data, size_t* sent);
  static void ReleaseOutput(std::string& buf);
  void CloseNow();
  using PostedFn = std::function<void(ClientState&, resp::ReplyBuilder&)>;
  // Runs a posted function on this thread, then resumes input and output.
  void RunPosted(const PostedFn& fn);
  // Runs every function Post() queued since the last drain, then resumes input and output once.
  void DrainPosted();
  // After posted work ran: closes a subscriber over its output limit, else runs the input held
  // back, writes, and reads again.
  void ResumeAfterPosted();
  // A subscriber whose pending output exceeds client-output-buffer-limit-pubsub is closed at once
  // (returns true): a slow reader must not make us buffer messages without bound.
  bool OverOutputLimit();
  void CompactInput();
  // False (and arranges a later Flush) while this client's last write is not durable enough.
  bool WriteIsDurable();

  UniqueFd socket_;
  Dispatcher& dispatcher_;
  ConnectionSet& owner_;
  ClientState client_;
  resp::Parser parser_;

  std::string in_;  // received bytes; [in_start_, in_.size()) not yet parsed
  size_t in_start_ = 0;
  size_t in_filled_ = 0;  // bytes of in_ holding data (in_ is sized as the read buffer)
  std::string out_;       // replies produced since the last write started
  std::string writing_;   // replies the socket did not take yet, from writing_[written_]
  size_t written_ = 0;
  resp::ReplyBuilder rb_{&out_};
  // Edge-triggered: the socket may hold input (an edge came, and no read since came up short).
  bool readable_ = false;
  bool peer_closed_ = false;        // EPOLLRDHUP: the peer will send nothing more
  bool read_scheduled_ = false;     // a ReadInput is queued for the next round
  bool flush_scheduled_ = false;    // a Flush is queued for the end of this round
  bool writing_in_flight_ = false;  // writing_ waits for the socket to drain
  bool closing_ = false;            // finish writing, then close
  bool closed_ = false;
  bool registered_ = false;
  // appendfsync always: replies wait until the AOF has fsynced this client's last write; input is
  // not executed meanwhile, so no reply of a later, not yet durable write can overtake.
  bool waiting_durable_ = false;
  uint64_t durable_seq_ = 0;

  // Post() from any thread queues here and schedules one DrainPosted for the whole batch: a
  // PUBLISH to many subscribers, or a pipeline of them, costs each subscriber one hop onto its
  // thread and one write per batch instead of one per message.
  Mailbox<PostedFn> posted_;
};

}  // namespace kv::net
