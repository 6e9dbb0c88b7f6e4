#pragma once

// Helpers shared by the sorted set family's files: zset_family.cc (single-member commands, pops,
// ZSCAN), zset_range.cc (ZRANGE and friends, ZREMRANGEBY*) and zset_store.cc (ZUNION, ZINTER,
// ZDIFF and their STORE forms), zset_blocking.cc (BZPOPMIN, BZPOPMAX, BZMPOP).

#include <string_view>
#include <utility>
#include <vector>

#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/db/zset.h"

namespace kv {

// A (member, score) pair viewing a ZSet's member bytes; valid until the ZSet is modified.
using ZView = std::pair<std::string_view, double>;

// Replies the elements as ZRANGE ... WITHSCORES does: RESP2 a flat member, score, ... array;
// RESP3 an array of [member, score] pairs. Without scores, an array of members.
void ReplyZEntries(CommandContext& ctx, const std::vector<ZView>& items, bool withscores);

// Replaces `dst` with `result` (deleted when empty, whatever it held) and replies its size.
void StoreZSet(CommandContext& ctx, std::string_view dst, ZSet result);

// Key positions after a numkeys argument at args[nk], clamped to the arguments present (the
// handlers reject a bad numkeys before touching any key). KeysAfterNumKeys: numkeys at args[1]
// (ZUNION, ZMPOP, SINTERCARD...).
void NumKeysIndices(ArgList args, size_t nk, KeyIndexVec* out);
void KeysAfterNumKeys(ArgList args, KeyIndexVec* out);

void RegisterZSetRange(CommandRegistry& r);
void RegisterZSetStore(CommandRegistry& r);
void RegisterZSetBlocking(CommandRegistry& r);  // zset_blocking.cc

}  // namespace kv
