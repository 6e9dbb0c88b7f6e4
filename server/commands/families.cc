#include "server/commands/command_registry.h"

namespace kv {

void RegisterConnectionFamily(CommandRegistry& r);
void RegisterStringFamily(CommandRegistry& r);
void RegisterGenericFamily(CommandRegistry& r);
void RegisterListFamily(CommandRegistry& r);
void RegisterHashFamily(CommandRegistry& r);
void RegisterSetFamily(CommandRegistry& r);
void RegisterZSetFamily(CommandRegistry& r);

// Explicit, in one place: no static initialisers decide what the table holds.
void RegisterAllFamilies(CommandRegistry& r) {
  RegisterConnectionFamily(r);
  RegisterStringFamily(r);
  RegisterGenericFamily(r);
  RegisterListFamily(r);
  RegisterHashFamily(r);
  RegisterSetFamily(r);
  RegisterZSetFamily(r);
}

}  // namespace kv
