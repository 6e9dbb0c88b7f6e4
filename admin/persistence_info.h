#pragma once

// Reads the `name:value` lines of INFO persistence (what AofControl::AppendPersistenceInfo
// writes) into the admin plane's PersistenceStatus, so GetPersistence and INFO can never disagree:
// both come from the same text.

#include <string_view>

#include "admin/node_backend.h"

namespace kv::admin {

// Unknown lines are ignored; missing ones keep PersistenceStatus's defaults.
PersistenceStatus ParsePersistenceInfo(std::string_view info);

}  // namespace kv::admin
