#include "server/db/value.h"

#include "server/db/zset.h"

namespace kv {

void ZSetDeleter::operator()(ZSet* z) const { std::default_delete<ZSet>()(z); }

Value Value::NewZSet() { return Value(ZSetPtr(std::make_unique<ZSet>().release())); }

std::string_view TypeName(ValueType t) {
  switch (t) {
    case ValueType::kString: return "string";
    case ValueType::kList: return "list";
    case ValueType::kHash: return "hash";
    case ValueType::kSet: return "set";
    case ValueType::kZSet: return "zset";
  }
  return "none";
}

Value Value::Clone() const {
  switch (type()) {
    case ValueType::kString: return Value(str());
    case ValueType::kList: return Value(std::make_unique<ListValue>(list()));
    case ValueType::kHash: return Value(std::make_unique<HashValue>(hash()));
    case ValueType::kSet: return Value(std::make_unique<SetValue>(set()));
    case ValueType::kZSet: return Value(ZSetPtr(std::make_unique<ZSet>(zset()).release()));
  }
  return Value();
}

size_t Value::MemoryUsage() const {
  constexpr size_t kStringOverhead = 32;
  switch (type()) {
    case ValueType::kString: return str().capacity() > 15 ? str().capacity() + 1 : 0;
    case ValueType::kList: {
      size_t bytes = sizeof(ListValue);
      for (const auto& s : list()) bytes += kStringOverhead + (s.size() > 15 ? s.capacity() : 0);
      return bytes;
    }
    case ValueType::kHash: {
      size_t bytes = sizeof(HashValue) + hash().capacity() * (2 * kStringOverhead + 1);
      for (const auto& [k, v] : hash()) {
        bytes += (k.size() > 15 ? k.capacity() : 0) + (v.size() > 15 ? v.capacity() : 0);
      }
      return bytes;
    }
    case ValueType::kSet: {
      size_t bytes = sizeof(SetValue) + set().capacity() * (kStringOverhead + 1);
      for (const auto& m : set()) bytes += m.size() > 15 ? m.capacity() : 0;
      return bytes;
    }
    case ValueType::kZSet: return zset().MemoryUsage();
  }
  return 0;
}

}  // namespace kv
