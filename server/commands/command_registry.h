#pragma once

#include <absl/container/flat_hash_map.h>

#include <memory>
#include <string_view>
#include <vector>

#include "server/commands/command.h"

namespace kv {

// The command table. Filled once at start-up by RegisterAllFamilies(); read-only afterwards, so
// lookups need no lock.
class CommandRegistry {
 public:
  void Add(CommandSpec spec);
  // Case-insensitive lookup.
  const CommandSpec* Find(std::string_view name) const;
  CommandStats& StatsOf(const CommandSpec& spec) const;
  const std::vector<const CommandSpec*>& All() const { return ordered_; }

 private:
  struct Row {
    CommandSpec spec;
    std::unique_ptr<CommandStats> stats = std::make_unique<CommandStats>();
  };
  absl::flat_hash_map<std::string_view, std::unique_ptr<Row>> rows_;
  std::vector<const CommandSpec*> ordered_;
};

// Each family file defines one of these; RegisterAllFamilies calls them all explicitly.
void RegisterAllFamilies(CommandRegistry& registry);

}  // namespace kv
