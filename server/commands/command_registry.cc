#include "server/commands/command_registry.h"

#include <cctype>

namespace kv {

void CommandRegistry::Add(CommandSpec spec) {
  auto row = std::make_unique<Row>();
  row->spec = spec;
  row->spec.stats = row->stats.get();
  ordered_.push_back(&row->spec);
  rows_[spec.name] = std::move(row);
}

const CommandSpec* CommandRegistry::Find(std::string_view name) const {
  char buf[32];
  if (name.size() > sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) {
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  auto it = rows_.find(std::string_view(buf, name.size()));
  return it == rows_.end() ? nullptr : &it->second->spec;
}

CommandStats& CommandRegistry::StatsOf(const CommandSpec& spec) const {
  return *spec.stats;
}

}  // namespace kv
