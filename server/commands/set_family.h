#pragma once

// Helpers shared by the set family's files (set_family.cc, set_algebra.cc).

#include <string_view>

#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"

namespace kv {

// The set stored under `key`, created empty when absent. Replies WRONGTYPE and returns nullptr
// when the key holds another type.
SetValue* FindOrCreateSet(CommandContext& ctx, std::string_view key);

// Registers SINTER, SINTERCARD, SUNION, SDIFF and their STORE forms (set_algebra.cc).
void RegisterSetAlgebra(CommandRegistry& r);

}  // namespace kv
