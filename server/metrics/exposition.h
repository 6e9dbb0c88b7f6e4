#pragma once

// The Prometheus text exposition format (version 0.0.4) of a node's state: what GET /metrics
// answers. Names follow Prometheus's conventions (kvcache_ prefix, _total for counters, base units:
// seconds and bytes); labels have bounded cardinality (the command table's names, database
// numbers, histogram bounds).

#include <string>

namespace kv {

struct ServerState;

// Reads counters without stopping the data plane: atomics, and each shard's lock in turn for the
// key counts.
std::string RenderMetrics(ServerState& server);

}  // namespace kv
