#pragma once

// The typed value stored under a key. Strings are held inline; collections live behind a
// unique_ptr so that an entry of the hot string case stays small.

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

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
  Value() = default;
  explicit Value(std::string s) : v_(std::move(s)) {}
  explicit Value(std::unique_ptr<ListValue> l) : v_(std::move(l)) {}
  explicit Value(std::unique_ptr<HashValue> h) : v_(std::move(h)) {}
  explicit Value(std::unique_ptr<SetValue> s) : v_(std::move(s)) {}
  explicit Value(ZSetPtr z) : v_(std::move(z)) {}

  static Value NewList() { return Value(std::make_unique<ListValue>()); }
  static Value NewHash() { return Value(std::make_unique<HashValue>()); }
  static Value NewSet() { return Value(std::make_unique<SetValue>()); }
  static Value NewZSet();

  ValueType type() const { return static_cast<ValueType>(v_.index()); }

  std::string& str() { return std::get<std::string>(v_); }
  const std::string& str() const { return std::get<std::string>(v_); }
  ListValue& list() { return *std::get<std::unique_ptr<ListValue>>(v_); }
  const ListValue& list() const { return *std::get<std::unique_ptr<ListValue>>(v_); }
  HashValue& hash() { return *std::get<std::unique_ptr<HashValue>>(v_); }
  const HashValue& hash() const { return *std::get<std::unique_ptr<HashValue>>(v_); }
  SetValue& set() { return *std::get<std::unique_ptr<SetValue>>(v_); }
  const SetValue& set() const { return *std::get<std::unique_ptr<SetValue>>(v_); }
  ZSet& zset() { return *std::get<ZSetPtr>(v_); }
  const ZSet& zset() const { return *std::get<ZSetPtr>(v_); }

  // A deep copy (COPY command, AOF rewrite snapshots).
  Value Clone() const;
  // Approximate heap bytes owned by the value, for INFO memory and MEMORY USAGE.
  size_t MemoryUsage() const;

 private:
  std::variant<std::string, std::unique_ptr<ListValue>, std::unique_ptr<HashValue>,
               std::unique_ptr<SetValue>, ZSetPtr>
      v_;
};

// What the keyspace stores per key.
struct Entry {
  Value value;
  int64_t expire_at_ms = 0;  // absolute Unix ms; 0 means no deadline
};

}  // namespace kv
