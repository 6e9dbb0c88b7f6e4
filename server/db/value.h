#pragma once

// The typed value stored under a key, in 24 bytes: a string of up to kInlineCapacity bytes is held
// inline (no allocation: a 16-byte value, or any integer, costs nothing beyond the entry), a longer
// one in a heap std::string, a collection behind a pointer.

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "server/db/key_hash.h"

namespace kv {

class ZSet;  // server/db/zset.h
struct ZSetDeleter {
  void operator()(ZSet* z) const;
};

enum class ValueType : uint8_t { kString = 0, kList = 1, kHash = 2, kSet = 3, kZSet = 4 };

using ListValue = std::deque<std::string>;
using HashValue = absl::flat_hash_map<std::string, std::string, KeyHash, KeyEq>;
using SetValue = absl::flat_hash_set<std::string, KeyHash, KeyEq>;
using ZSetPtr = std::unique_ptr<ZSet, ZSetDeleter>;

// Redis's TYPE names: "string", "list", "hash", "set", "zset".
std::string_view TypeName(ValueType t);

class Value {
 public:
  // Longest string kept inside the Value itself.
  static constexpr size_t kInlineCapacity = 22;

  Value() noexcept : inline_size_(0), rep_(Rep::kInlineStr) {}
  explicit Value(std::string_view s) : Value() { SetStr(s); }
  explicit Value(std::unique_ptr<ListValue> l) noexcept;
  explicit Value(std::unique_ptr<HashValue> h) noexcept;
  explicit Value(std::unique_ptr<SetValue> s) noexcept;
  explicit Value(ZSetPtr z) noexcept;
  Value(Value&& other) noexcept;
  Value& operator=(Value&& other) noexcept;
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  ~Value() { Reset(); }

  static Value NewList() { return Value(std::make_unique<ListValue>()); }
  static Value NewHash() { return Value(std::make_unique<HashValue>()); }
  static Value NewSet() { return Value(std::make_unique<SetValue>()); }
  static Value NewZSet();

  ValueType type() const;

  // Strings. str() stays valid until the value is next modified.
  std::string_view str() const;
  // Replaces the value (of any type) with a string.
  void SetStr(std::string_view s);
  // The string as a std::string to edit in place (APPEND, SETRANGE); moves it to the heap.
  std::string& MutableStr();
  // Whether the string is held inline (no heap block of its own).
  bool IsInlineStr() const { return rep_ == Rep::kInlineStr; }

  ListValue& list() { return *Ptr<ListValue>(); }
  const ListValue& list() const { return *Ptr<ListValue>(); }
  HashValue& hash() { return *Ptr<HashValue>(); }
  const HashValue& hash() const { return *Ptr<HashValue>(); }
  SetValue& set() { return *Ptr<SetValue>(); }
  const SetValue& set() const { return *Ptr<SetValue>(); }
  ZSet& zset() { return *Ptr<ZSet>(); }
  const ZSet& zset() const { return *Ptr<ZSet>(); }

  // A deep copy (COPY command, AOF rewrite snapshots).
  Value Clone() const;
  // Approximate heap bytes owned by the value (0 for an inline string), for MEMORY USAGE.
  size_t MemoryUsage() const;

 private:
  // kList..kZSet match ValueType; the two string representations both report kString.
  enum class Rep : uint8_t { kHeapStr, kList, kHash, kSet, kZSet, kInlineStr };

  Value(Rep rep, void* p) noexcept : inline_size_(0), rep_(rep) { SetPtr(p); }

  // Frees whatever the value owns and leaves an empty inline string.
  void Reset() noexcept;

  // Outside kInlineStr, bytes_ starts with the owning pointer of rep_'s object (std::string,
  // ListValue, ...), which came from a unique_ptr's release(); Reset() destroys it. Pointers are
  // copied in and out with memcpy so that one 22-byte buffer serves both, in 24 bytes overall.
  template <typename T>
  T* Ptr() const {
    T* p;
    std::memcpy(&p, bytes_, sizeof(p));
    return p;
  }
  void SetPtr(void* p) { std::memcpy(bytes_, &p, sizeof(p)); }

  alignas(void*) char bytes_[kInlineCapacity];
  uint8_t inline_size_;
  Rep rep_;
};
static_assert(sizeof(Value) == 24, "Value must stay three words: it is part of every entry");

}  // namespace kv
