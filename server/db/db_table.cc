#include "server/db/db_table.h"

namespace kv {

Entry* DbTable::Find(std::string_view key, int64_t now_ms) {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  Entry& e = it->second;
  if (e.expire_at_ms != 0 && e.expire_at_ms <= now_ms) {
    expires_.erase({e.expire_at_ms, it->first});
    map_.erase(it);
    ++expired;
    return nullptr;
  }
  return &e;
}

std::pair<Entry*, bool> DbTable::FindOrInsert(std::string_view key, int64_t now_ms) {
  if (Entry* e = Find(key, now_ms)) return {e, false};
  auto [it, inserted] = map_.try_emplace(key);
  return {&it->second, inserted};
}

Entry* DbTable::Upsert(std::string_view key, Value value) {
  auto [it, inserted] = map_.try_emplace(key);
  Entry& e = it->second;
  if (!inserted && e.expire_at_ms != 0) {
    expires_.erase({e.expire_at_ms, it->first});
    e.expire_at_ms = 0;
  }
  e.value = std::move(value);
  return &e;
}

bool DbTable::Erase(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return false;
  if (it->second.expire_at_ms != 0) expires_.erase({it->second.expire_at_ms, it->first});
  map_.erase(it);
  return true;
}

void DbTable::SetExpire(std::string_view key, Entry* entry, int64_t at_ms) {
  if (entry->expire_at_ms == at_ms) return;
  std::string k(key);
  if (entry->expire_at_ms != 0) expires_.erase({entry->expire_at_ms, k});
  entry->expire_at_ms = at_ms;
  if (at_ms != 0) expires_.emplace(at_ms, std::move(k));
}

size_t DbTable::ActiveExpire(int64_t now_ms, size_t max_keys) {
  size_t n = 0;
  while (n < max_keys && !expires_.empty()) {
    auto it = expires_.begin();
    if (it->first > now_ms) break;
    map_.erase(it->second);
    expires_.erase(it);
    ++n;
  }
  expired += n;
  return n;
}

void DbTable::Clear() {
  // Swapping with fresh containers returns the memory; clear() would keep the capacity.
  Map().swap(map_);
  decltype(expires_)().swap(expires_);
}

}  // namespace kv
