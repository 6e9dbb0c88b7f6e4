#include "server/db/db_table.h"

namespace kv {

Entry* DbTable::Find(std::string_view key, int64_t now_ms) {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  Entry* e = it->get();
  if (e->expire_at_ms != 0 && e->expire_at_ms <= now_ms) {
    EraseAt(it);
    ++expired;
    return nullptr;
  }
  return e;
}

std::pair<Entry*, bool> DbTable::FindOrInsert(std::string_view key, int64_t now_ms) {
  if (Entry* e = Find(key, now_ms)) return {e, false};
  auto [it, inserted] = map_.insert(Entry::Make(key));
  if (inserted) Counted(it->get());
  return {it->get(), inserted};
}

Entry* DbTable::Upsert(std::string_view key, Value value) {
  // One hash and probe whether the key is new or not (SET's path).
  bool inserted = false;
  auto it = map_.lazy_emplace(key, [&](const Map::constructor& make) {
    make(Entry::Make(key, std::move(value)));
    inserted = true;
  });
  Entry* e = it->get();
  if (inserted) {
    Counted(e);
  } else {
    SetExpire(e, 0);
    e->value = std::move(value);
  }
  return e;
}

bool DbTable::Erase(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return false;
  EraseAt(it);
  return true;
}

void DbTable::EraseAt(Map::iterator it) {
  const Entry* e = it->get();
  if (e->expire_at_ms != 0) expires_.erase({e->expire_at_ms, e});
  if (slot_keys_ != nullptr) slot_keys_->Sub(e->slot());
  map_.erase(it);
}

void DbTable::SetExpire(Entry* entry, int64_t at_ms) {
  if (entry->expire_at_ms == at_ms) return;
  if (entry->expire_at_ms != 0) expires_.erase({entry->expire_at_ms, entry});
  entry->expire_at_ms = at_ms;
  if (at_ms != 0) expires_.emplace(at_ms, entry);
}

size_t DbTable::ActiveExpire(int64_t now_ms, size_t max_keys) {
  size_t n = 0;
  while (n < max_keys && !expires_.empty()) {
    auto [at, entry] = *expires_.begin();
    if (at > now_ms) break;
    EraseAt(map_.find(entry->key()));
    ++n;
  }
  expired += n;
  return n;
}

void DbTable::Clear() {
  if (slot_keys_ != nullptr) {
    for (const EntryPtr& e : map_) slot_keys_->Sub(e->slot());
  }
  // Swapping with fresh containers returns the memory; clear() would keep the capacity.
  decltype(expires_)().swap(expires_);
  Map().swap(map_);
}

}  // namespace kv
