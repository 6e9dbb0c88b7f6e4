#pragma once

// INFO's building blocks, shared by INFO, CONFIG RESETSTAT, the server cron and the AOF module.

#include <cstdint>
#include <string>

#include "server/commands/server_state.h"

namespace kv {

// Fills the "# Persistence" section body (lines "key:value\r\n", no header). Defined in
// persistence_info.cc as a stub reporting no persistence activity; the AOF module owns that file
// and replaces the body with its real state (aof_enabled, aof_rewrite_in_progress, ...).
void AppendPersistenceInfo(ServerState& server, std::string* out);

// Called by the server cron on every tick: feeds the instantaneous_* rates and the memory peak.
void SampleServerStats(ServerState& server, int64_t now_ms);

// CONFIG RESETSTAT: zeroes the counters INFO reports (command stats, connections, hits/misses,
// expired keys, network bytes). Takes each shard's lock in turn.
void ResetServerStats(ServerState& server);

// Bytes allocated by the process: jemalloc's stats.allocated when jemalloc is the allocator in use,
// else glibc's mallinfo2 (the resident set when the allocator keeps no statistics, as under
// AddressSanitizer). Also the allocator's name for mem_allocator ("jemalloc-5.3.0", "libc").
uint64_t UsedMemory();
// Resident set size of the process (used_memory_rss).
uint64_t ResidentBytes();
std::string AllocatorName();

// "943.27K", "6.80M": Redis's bytesToHuman.
std::string BytesToHuman(uint64_t n);

}  // namespace kv
