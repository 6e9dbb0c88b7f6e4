#include "server/db/value.h"

#include <cstring>

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

Value::Value(std::unique_ptr<ListValue> l) noexcept : Value(Rep::kList, l.release()) {}
Value::Value(std::unique_ptr<HashValue> h) noexcept : Value(Rep::kHash, h.release()) {}
Value::Value(std::unique_ptr<SetValue> s) noexcept : Value(Rep::kSet, s.release()) {}
Value::Value(ZSetPtr z) noexcept : Value(Rep::kZSet, z.release()) {}

Value::Value(Value&& other) noexcept : Value() { *this = std::move(other); }

Value& Value::operator=(Value&& other) noexcept {
  if (this == &other) return *this;
  Reset();
  std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
  inline_size_ = other.inline_size_;
  rep_ = other.rep_;
  // The pointer (if any) changed hands: leave `other` an empty string without freeing it.
  other.rep_ = Rep::kInlineStr;
  other.inline_size_ = 0;
  return *this;
}

namespace {

// Destroys an object a Value owned.
template <typename T, typename Deleter = std::default_delete<T>>
void Destroy(T* p) {
  std::unique_ptr<T, Deleter> owner(p);
}

}  // namespace

void Value::Reset() noexcept {
  switch (rep_) {
    case Rep::kInlineStr: break;
    case Rep::kHeapStr: Destroy(Ptr<std::string>()); break;
    case Rep::kList: Destroy(Ptr<ListValue>()); break;
    case Rep::kHash: Destroy(Ptr<HashValue>()); break;
    case Rep::kSet: Destroy(Ptr<SetValue>()); break;
    case Rep::kZSet: Destroy<ZSet, ZSetDeleter>(Ptr<ZSet>()); break;
  }
  rep_ = Rep::kInlineStr;
  inline_size_ = 0;
}

ValueType Value::type() const {
  return rep_ == Rep::kInlineStr ? ValueType::kString : static_cast<ValueType>(rep_);
}

std::string_view Value::str() const {
  if (rep_ == Rep::kInlineStr) return {bytes_, inline_size_};
  return *Ptr<std::string>();
}

void Value::SetStr(std::string_view s) {
  if (rep_ == Rep::kHeapStr && s.size() > kInlineCapacity) {
    Ptr<std::string>()->assign(s);  // reuses the buffer
    return;
  }
  Reset();
  if (s.size() <= kInlineCapacity) {
    std::memcpy(bytes_, s.data(), s.size());
    inline_size_ = static_cast<uint8_t>(s.size());
  } else {
    SetPtr(std::make_unique<std::string>(s).release());
    rep_ = Rep::kHeapStr;
  }
}

std::string& Value::MutableStr() {
  if (rep_ == Rep::kInlineStr) {
    SetPtr(std::make_unique<std::string>(bytes_, inline_size_).release());
    rep_ = Rep::kHeapStr;
    inline_size_ = 0;
  }
  return *Ptr<std::string>();
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
    case ValueType::kString:
    {
      if (rep_ == Rep::kInlineStr) return 0;
      const size_t capacity = Ptr<std::string>()->capacity();
      return sizeof(std::string) + (capacity > 15 ? capacity + 1 : 0);
    }
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
