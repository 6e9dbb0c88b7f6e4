#include "server/db/db_table.h"

namespace kv {

Entry* DbTable::Peek(std::string_view key, int64_t now_ms) {
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

Entry* DbTable::Find(std::string_view key, int64_t now_ms) {
  if (sketch_) CountInSketch(key);
  Entry* e = Peek(key, now_ms);
  if (e != nullptr) Touch(e);
  return e;
}

std::pair<Entry*, bool> DbTable::FindOrInsert(std::string_view key, int64_t now_ms) {
  if (Entry* e = Find(key, now_ms)) return {e, false};
  auto [it, inserted] = map_.insert(Entry::Make(key));
  if (access_ != nullptr) (*it)->access = access_->NewStamp();
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
    if (access_ != nullptr) e->access = access_->NewStamp();
    Counted(e);
  } else {
    // Replacing a value is an access to the key (Redis's lookupKeyWrite before dbOverwrite).
    if (sketch_) CountInSketch(key);
    Touch(e);
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

EntryPtr DbTable::Extract(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  const Entry* e = it->get();
  if (e->expire_at_ms != 0) expires_.erase({e->expire_at_ms, e});
  auto node = map_.extract(it);
  return std::move(node.value());
}

DbTable::Contents DbTable::TakeAll() {
  Contents c{std::move(map_), std::move(expires_)};
  Clear();  // a moved-from container's state is only "valid": make it empty for sure
  return c;
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

void DbTable::SampleKeys(size_t n, std::vector<Entry*>* out) {
  if (map_.empty()) return;
  // Resume after the previous sample. The cursor is a key, found again by hash: an iterator would
  // not survive the inserts in between. When that key is gone, start over.
  auto it = sample_cursor_.empty() ? map_.end() : map_.find(sample_cursor_);
  if (it == map_.end()) it = map_.begin();
  n = std::min(n, map_.size());
  for (size_t i = 0; i < n; ++i) {
    out->push_back(it->get());
    if (++it == map_.end()) it = map_.begin();
  }
  sample_cursor_.assign(it->get()->key());
}

void DbTable::SampleVolatile(size_t n, std::vector<Entry*>* out) {
  if (expires_.empty()) return;
  // The cursor is a (deadline, entry) value, compared only, never dereferenced.
  auto it = expires_.upper_bound(volatile_cursor_);
  n = std::min(n, expires_.size());
  for (size_t i = 0; i < n; ++i) {
    if (it == expires_.end()) it = expires_.begin();
    out->push_back(const_cast<Entry*>(it->second));
    volatile_cursor_ = *it++;
  }
}

void DbTable::NearestDeadlines(size_t n, std::vector<Entry*>* out) const {
  for (auto it = expires_.begin(); it != expires_.end() && n > 0; ++it, --n) {
    out->push_back(const_cast<Entry*>(it->second));
  }
}

void DbTable::EnableSketch(bool on) {
  if (!on) {
    sketch_.reset();
  } else if (!sketch_) {
    sketch_ = std::make_unique<FrequencySketch>(map_.size());
  }
}

uint8_t DbTable::SketchEstimate(std::string_view key) const {
  return sketch_ ? sketch_->Estimate(HashKey(key)) : 0;
}

void DbTable::CountInSketch(std::string_view key) {
  // Grown (and so reset) when the table outgrows it: a sketch narrower than the key count mixes
  // up too many keys' counts.
  if (map_.size() > sketch_->width()) sketch_ = std::make_unique<FrequencySketch>(2 * map_.size());
  sketch_->Increment(HashKey(key));
}

uint64_t DbTable::NextRandom() {
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return rng_;
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
