#include "server/commands/object_encoding.h"

#include "server/base/string_util.h"
#include "server/db/zset.h"

namespace kv {
namespace {

// Redis's string2l + length rule of tryObjectEncoding: up to 20 characters that parse as a long.
bool IsIntEncodable(std::string_view s) { return s.size() <= 20 && ParseInt64(s).has_value(); }

// Bytes a listpack entry takes (lpEncodeBacklen + the encoding header), to estimate whether a
// list fits in one 8 KiB listpack node.
size_t ListpackEntryBytes(std::string_view s) {
  if (IsIntEncodable(s)) return 1 + 8 + 1;
  size_t header = s.size() < 64 ? 1 : s.size() < 4096 ? 2 : 5;
  size_t len = header + s.size();
  size_t backlen = len < 128 ? 1 : len < 16384 ? 2 : len < 2097152 ? 3 : 5;
  return len + backlen;
}

// The ZSet placeholder on main has no size(); the real one (branch ds) does. A template keeps this
// compiling against both until the real one lands.
template <typename Z>
std::string_view ZSetEncoding(const Z& z) {
  if constexpr (requires { z.size(); }) {
    if (z.size() > kZSetMaxListpackEntries) return "skiplist";
    bool small = true;
    z.ForEach([&](std::string_view member, double) {
      if (member.size() > kZSetMaxListpackValue) small = false;
    });
    return small ? "listpack" : "skiplist";
  } else {
    return "listpack";
  }
}

}  // namespace

std::string_view ObjectEncoding(const Value& v) {
  switch (v.type()) {
    case ValueType::kString: {
      std::string_view s = v.str();
      if (IsIntEncodable(s)) return "int";
      return s.size() <= kEmbstrSizeLimit ? "embstr" : "raw";
    }
    case ValueType::kList: {
      size_t bytes = 6 + 1;  // listpack header and terminator
      for (const auto& item : v.list()) {
        bytes += ListpackEntryBytes(item);
        if (bytes > kListMaxListpackBytes) return "quicklist";
      }
      return "listpack";
    }
    case ValueType::kHash: {
      if (v.hash().size() > kHashMaxListpackEntries) return "hashtable";
      for (const auto& [field, value] : v.hash()) {
        if (field.size() > kHashMaxListpackValue || value.size() > kHashMaxListpackValue) {
          return "hashtable";
        }
      }
      return "listpack";
    }
    case ValueType::kSet: {
      const SetValue& set = v.set();
      bool all_ints = true, all_short = true;
      for (const auto& m : set) {
        all_ints = all_ints && IsIntEncodable(m);
        all_short = all_short && m.size() <= kSetMaxListpackValue;
      }
      if (all_ints && set.size() <= kSetMaxIntsetEntries) return "intset";
      if (all_short && set.size() <= kSetMaxListpackEntries) return "listpack";
      return "hashtable";
    }
    case ValueType::kZSet:
      return ZSetEncoding(v.zset());
  }
  return "unknown";
}

}  // namespace kv
