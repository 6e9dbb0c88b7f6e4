#include "server/db/entry.h"

#include <cstring>
#include <new>

namespace kv {

// The header every key pays (MEMORY USAGE and README figures assume it).
static_assert(sizeof(Entry) == 40, "Entry grew: every key pays for it");

// The one place that allocates and frees entry blocks: the object is built at the start of a block
// sized for it and the key, and EntryDeleter undoes exactly that.
EntryPtr Entry::Make(std::string_view key, Value value) {
  auto* block = static_cast<char*>(::operator new(sizeof(Entry) + key.size()));
  std::memcpy(block + sizeof(Entry), key.data(), key.size());
  return EntryPtr(new (block) Entry(std::move(value), key.size()));
}

size_t Entry::MemoryUsage() const { return sizeof(EntryPtr) + BlockSize() + value.MemoryUsage(); }

void EntryDeleter::operator()(Entry* e) const {
  const size_t bytes = e->BlockSize();
  e->~Entry();
  ::operator delete(e, bytes);
}

}  // namespace kv
