#pragma once

// List operations shared by list_family.cc, list_blocking.cc and the blocking registry.

#include <optional>
#include <string>
#include <string_view>

#include "server/commands/command_context.h"
#include "server/db/db_table.h"

namespace kv {

class CommandRegistry;

enum class ListEnd : uint8_t { kLeft, kRight };

// "LEFT" / "RIGHT", case-insensitive.
std::optional<ListEnd> ParseListEnd(std::string_view s);
inline std::string_view ListEndName(ListEnd e) { return e == ListEnd::kLeft ? "LEFT" : "RIGHT"; }
// Removes and returns the element at `where`; the list must not be empty.
std::string PopOne(ListValue& list, ListEnd where);
void PushOne(ListValue& list, ListEnd where, std::string v);
// Redis deletes a list that became empty.
void DeleteIfEmptyList(DbTable& db, std::string_view key, Entry* e);

// LMOVE: replies with the moved element, nil when `src` is absent, or WRONGTYPE; returns true
// when an element moved (the caller's shard locks must cover both keys).
bool ListMoveOrReply(CommandContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                     ListEnd to);

void RegisterListBlockingCommands(CommandRegistry& r);

}  // namespace kv
