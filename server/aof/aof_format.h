#pragma once

// The AOF's on-disk formats, free of threads and files so they can be unit-tested: RESP multibulk
// records, the rewrite's serialisation of one keyspace entry, and Redis 7's manifest.
//
// Manifest (Redis 7 multi-part AOF, `<appendfilename>.manifest` in the AOF directory), one file
// per line, keys and values separated by spaces, '#' starts a comment line:
//   file appendonly.aof.2.base.aof seq 2 type b
//   file appendonly.aof.3.incr.aof seq 3 type i
// type b = base (at most one), i = incremental (replayed in seq order after the base), h = history
// (superseded, awaiting deletion; never loaded).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/db/entry.h"

namespace kv {

// Appends `*N\r\n$len\r\narg\r\n...` to `out`.
void AppendRespCommand(std::string* out, std::span<const std::string_view> argv);
void AppendRespCommand(std::string* out, std::initializer_list<std::string_view> argv);

// The rewrite emits at most this many elements per RPUSH/SADD/HSET/ZADD, as Redis's
// AOF_REWRITE_ITEMS_PER_CMD, so that replaying a huge collection never needs a huge command.
inline constexpr size_t kRewriteItemsPerCommand = 64;

// Appends the commands that recreate `entry` under `key` (SET ... PXAT for strings with a
// deadline, RPUSH/HSET/SADD/ZADD batches and PEXPIREAT for collections). Returns false when the
// value cannot be serialised (a sorted set while the real ZSet type is missing), so a rewrite
// fails loudly instead of writing an incomplete file.
bool AppendEntryCommands(std::string* out, std::string_view key, const Entry& entry);

// Shortest text that parses back to exactly `score` ("inf", "-inf", "1.5", "1e+20").
std::string FormatScore(double score);

struct AofFileInfo {
  enum class Type : char { kBase = 'b', kIncr = 'i', kHistory = 'h' };
  std::string name;
  int64_t seq = 0;
  Type type = Type::kIncr;
  bool operator==(const AofFileInfo&) const = default;
};

struct AofManifest {
  std::optional<AofFileInfo> base;
  std::vector<AofFileInfo> incrs;    // ascending seq
  std::vector<AofFileInfo> history;  // to delete
  int64_t next_base_seq() const { return base ? base->seq + 1 : 1; }
  int64_t next_incr_seq() const { return incrs.empty() ? 1 : incrs.back().seq + 1; }
  bool operator==(const AofManifest&) const = default;
};

// Parses a manifest; on failure returns nullopt and sets *error to a message naming the line.
std::optional<AofManifest> ParseManifest(std::string_view text, std::string* error);
std::string FormatManifest(const AofManifest& m);

// Redis's file names: "<base>.<seq>.base.aof", "<base>.<seq>.incr.aof", "<base>.manifest".
std::string BaseFileName(std::string_view appendfilename, int64_t seq);
std::string IncrFileName(std::string_view appendfilename, int64_t seq);
std::string ManifestFileName(std::string_view appendfilename);

}  // namespace kv
