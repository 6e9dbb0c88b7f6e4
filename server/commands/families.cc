#include "server/commands/command_registry.h"

namespace kv {

void RegisterAofFamily(CommandRegistry& r);
void RegisterConnectionFamily(CommandRegistry& r);
void RegisterStringFamily(CommandRegistry& r);
void RegisterBitmapFamily(CommandRegistry& r);
void RegisterHllFamily(CommandRegistry& r);
void RegisterSortFamily(CommandRegistry& r);
void RegisterSwapDbCommand(CommandRegistry& r);
void RegisterGeoFamily(CommandRegistry& r);
void RegisterGenericFamily(CommandRegistry& r);
void RegisterListFamily(CommandRegistry& r);
void RegisterHashFamily(CommandRegistry& r);
void RegisterSetFamily(CommandRegistry& r);
void RegisterZSetFamily(CommandRegistry& r);
void RegisterClientFamily(CommandRegistry& r);
void RegisterConfigFamily(CommandRegistry& r);
void RegisterInfoFamily(CommandRegistry& r);
void RegisterCommandDocsFamily(CommandRegistry& r);
void RegisterServerFamily(CommandRegistry& r);
void RegisterMultiFamily(CommandRegistry& r);
void RegisterPubSubFamily(CommandRegistry& r);
void RegisterClusterFamily(CommandRegistry& r);
void RegisterScriptFamily(CommandRegistry& r);

// Explicit, in one place: no static initialisers decide what the table holds.
void RegisterAllFamilies(CommandRegistry& r) {
  RegisterAofFamily(r);
  RegisterConnectionFamily(r);
  RegisterStringFamily(r);
  RegisterBitmapFamily(r);
  RegisterHllFamily(r);
  RegisterSortFamily(r);
  RegisterSwapDbCommand(r);
  RegisterGeoFamily(r);
  RegisterGenericFamily(r);
  RegisterListFamily(r);
  RegisterHashFamily(r);
  RegisterSetFamily(r);
  RegisterZSetFamily(r);
  RegisterClientFamily(r);
  RegisterConfigFamily(r);
  RegisterInfoFamily(r);
  RegisterCommandDocsFamily(r);
  RegisterServerFamily(r);
  RegisterMultiFamily(r);
  RegisterPubSubFamily(r);
  RegisterClusterFamily(r);
  RegisterScriptFamily(r);
}

}  // namespace kv
