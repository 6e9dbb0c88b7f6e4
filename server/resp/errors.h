#pragma once

// Reply texts in Redis 7's exact wording. Client libraries match on these strings, so tests compare
// against the same constants rather than retyping them.

#include <string>
#include <string_view>

namespace kv::resp {

inline constexpr std::string_view kSyntaxErr = "ERR syntax error";
inline constexpr std::string_view kWrongTypeErr =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotIntegerErr = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloatErr = "ERR value is not a valid float";
inline constexpr std::string_view kOverflowErr = "ERR increment or decrement would overflow";
inline constexpr std::string_view kDecrementOverflowErr = "ERR decrement would overflow";
inline constexpr std::string_view kOffsetOutOfRangeErr = "ERR offset is out of range";
inline constexpr std::string_view kInvalidCursorErr = "ERR invalid cursor";
inline constexpr std::string_view kExpireNxConflictErr =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtLtConflictErr =
    "ERR GT and LT options at the same time are not compatible";
// Redis's getIntFromObjectOrReply when the number does not fit 32 bits (MOVE, COPY DB).
inline constexpr std::string_view kIntOutOfRangeErr =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kNoSuchKeyErr = "ERR no such key";
inline constexpr std::string_view kIndexOutOfRangeErr = "ERR index out of range";
inline constexpr std::string_view kInvalidExpireErr = "ERR invalid expire time in '%s' command";
inline constexpr std::string_view kDbIndexOutOfRangeErr = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidDbIndexErr = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNoAuthErr = "NOAUTH Authentication required.";
inline constexpr std::string_view kLoadingErr = "LOADING Redis is loading the dataset in memory";
// Cluster mode, as Redis Cluster words them.
inline constexpr std::string_view kCrossSlotErr = "CROSSSLOT Keys in request don't hash to the same slot";
inline constexpr std::string_view kClusterDownErr = "CLUSTERDOWN The cluster is down";
inline constexpr std::string_view kSlotNotServedErr = "CLUSTERDOWN Hash slot not served";
inline constexpr std::string_view kClusterDisabledErr = "ERR This instance has cluster support disabled";
inline constexpr std::string_view kOomErr = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kLfuNotSelectedErr =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuSelectedErr =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kWrongPassErr =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kMaxClientsErr = "ERR max number of clients reached";
inline constexpr std::string_view kStringTooLongErr = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kSameObjectErr = "ERR source and destination objects are the same";
inline constexpr std::string_view kOutOfRangeErr = "ERR value is out of range, must be positive";
inline constexpr std::string_view kNanErr = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kMisconfErr =
    "MISCONF Errors writing to the AOF file: the server cannot persist writes right now";
inline constexpr std::string_view kMultiNestedErr = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMultiErr = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMultiErr = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMultiErr = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kExecAbortErr =
    "EXECABORT Transaction discarded because of previous errors.";

// "ERR Can't execute 'get': only (P|S)SUBSCRIBE / ..." (a RESP2 client in subscribed mode)
inline std::string SubscribedContextError(std::string_view cmd) {
  return "ERR Can't execute '" + std::string(cmd) +
         "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
         "context";
}

// Blocking commands (blocked.c, timeout.c) and CLIENT UNBLOCK (networking.c).
inline constexpr std::string_view kTimeoutNegativeErr = "ERR timeout is negative";
inline constexpr std::string_view kTimeoutNotFloatErr =
    "ERR timeout is not a float or out of range";
inline constexpr std::string_view kUnblockedErr = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view kUnblockReasonErr =
    "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";

// Sets and sorted sets (t_set.c, t_zset.c).
inline constexpr std::string_view kNumKeysErr = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kNumKeysArgsErr =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kLimitNegativeErr = "ERR LIMIT can't be negative";
inline constexpr std::string_view kCountPositiveErr = "ERR count should be greater than 0";
// getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) for LONG_MIN (SRANDMEMBER, ZRANDMEMBER).
inline constexpr std::string_view kLongRangeErr =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
inline constexpr std::string_view kValueOutOfRangeErr = "ERR value is out of range";
inline constexpr std::string_view kZAddXxNxErr =
    "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZAddGtLtNxErr =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZAddIncrPairErr =
    "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kZNanErr = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kZWeightNotFloatErr = "ERR weight value is not a float";
inline constexpr std::string_view kZLimitOnlyByErr =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kZWithScoresByLexErr =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

// "ERR wrong number of arguments for 'get' command"
std::string WrongNumArgsError(std::string_view cmd);

// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
template <typename Args>
std::string UnknownCommandError(std::string_view cmd, const Args& args);

// "ERR unknown subcommand 'x'. Try CLIENT HELP."
std::string UnknownSubcommandError(std::string_view sub, std::string_view cmd);
// addReplySubcommandSyntaxError: a known subcommand with arguments its handler does not accept
// (CLIENT UNBLOCK id reason extra).
std::string SubcommandSyntaxError(std::string_view sub, std::string_view cmd);

}  // namespace kv::resp

#include "server/resp/errors_inl.h"
