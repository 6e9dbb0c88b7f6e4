#pragma once

// Checkers for the Redis config keys whose values have their own syntax; each is a
// ConfigNormalizer (config.h) and replies with the error text Redis 7.0 gives for the same input.

#include <optional>
#include <string>
#include <string_view>

namespace kv::config {

using Result = std::optional<std::string>;

// save "<seconds> <changes> ..." or "" (no snapshots).
Result Save(std::string_view value, std::string_view current, std::string* out);
// bind "addr [-addr ...]", at most 16 addresses.
Result Bind(std::string_view value, std::string_view current, std::string* out);
// client-output-buffer-limit "<class> <hard> <soft> <seconds> ...": updates only the classes given.
Result ClientOutputBufferLimit(std::string_view value, std::string_view current, std::string* out);
// notify-keyspace-events "KEA"...: re-spelled in Redis's canonical order ("AKE").
Result KeyspaceEvents(std::string_view value, std::string_view current, std::string* out);
// oom-score-adj-values "<master> <replica> <bgchild>", each in [-2000, 2000].
Result OomScoreAdjValues(std::string_view value, std::string_view current, std::string* out);
// latency-tracking-info-percentiles "50 99 99.9", each in [0, 100].
Result Percentiles(std::string_view value, std::string_view current, std::string* out);
// replicaof "no one" | "<host> <port>".
Result ReplicaOf(std::string_view value, std::string_view current, std::string* out);
// shutdown-on-sigint / -sigterm: "default" or a set of save|nosave|now|force.
Result ShutdownOnSignal(std::string_view value, std::string_view current, std::string* out);
// maxmemory-clients: a memory value or a percentage of maxmemory ("10%").
Result MemoryOrPercent(std::string_view value, std::string_view current, std::string* out);
// unixsocketperm: an octal mode up to 0777.
Result OctalPermissions(std::string_view value, std::string_view current, std::string* out);
// hz: Redis clamps to [1, 500] instead of refusing.
Result ClampHz(std::string_view value, std::string_view current, std::string* out);

// The pubsub class's hard limit in a client-output-buffer-limit value (kvcache's one output
// limit), and that value with the pubsub hard limit replaced.
int64_t PubSubHardLimit(std::string_view client_output_buffer_limit);
std::string WithPubSubHardLimit(std::string_view client_output_buffer_limit, int64_t hard);

}  // namespace kv::config
