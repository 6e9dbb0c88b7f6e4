#include "server/commands/object_encoding.h"

#include "server/base/string_util.h"
#include "server/config/config.h"
#include "server/db/zset.h"

namespace kv {
namespace {

// Redis's string2l + length rule of tryObjectEncoding: up to 20 characters that parse as a long.
bool IsIntEncodable(std::string_view s) { return s.size() <= 20 && ParseInt64(s).has_value(); }

// The ZSet placeholder on main has no size(); the real one (branch ds) does. A template keeps this
// compiling against both until the real one lands.
template <typename Z>
std::string_view ZSetEncoding(const Z& z, const EncodingLimits& limits) {
  if constexpr (requires { z.size(); }) {
    if (z.size() > limits.zset_max_listpack_entries) return "skiplist";
    bool small = true;
    z.ForEach([&](std::string_view member, double) {
      if (member.size() > limits.zset_max_listpack_value) small = false;
    });
    return small ? "listpack" : "skiplist";
  } else {
    return "listpack";
  }
}

size_t ConfigSize(const Config& config, std::string_view name) {
  int64_t v = config.GetInt(name);
  return v < 0 ? 0 : static_cast<size_t>(v);
}

}  // namespace

EncodingLimits EncodingLimits::FromConfig(const Config& config) {
  EncodingLimits limits;
  limits.hash_max_listpack_entries = ConfigSize(config, "hash-max-listpack-entries");
  limits.hash_max_listpack_value = ConfigSize(config, "hash-max-listpack-value");
  limits.set_max_intset_entries = ConfigSize(config, "set-max-intset-entries");
  limits.zset_max_listpack_entries = ConfigSize(config, "zset-max-listpack-entries");
  limits.zset_max_listpack_value = ConfigSize(config, "zset-max-listpack-value");
  return limits;
}

std::string_view ObjectEncoding(const Value& v, const EncodingLimits& limits) {
  switch (v.type()) {
    case ValueType::kString: {
      std::string_view s = v.str();
      if (IsIntEncodable(s)) return "int";
      return s.size() <= kEmbstrSizeLimit ? "embstr" : "raw";
    }
    case ValueType::kList:
      return "quicklist";  // Redis 7.0 keeps every list in a quicklist, however small
    case ValueType::kHash: {
      if (v.hash().size() > limits.hash_max_listpack_entries) return "hashtable";
      for (const auto& [field, value] : v.hash()) {
        if (field.size() > limits.hash_max_listpack_value ||
            value.size() > limits.hash_max_listpack_value) {
          return "hashtable";
        }
      }
      return "listpack";
    }
    case ValueType::kSet: {
      // Redis 7.0 sets are an intset (integers only, few) or a hashtable: no listpack yet.
      const SetValue& set = v.set();
      if (set.size() > limits.set_max_intset_entries) return "hashtable";
      for (const auto& m : set) {
        if (!IsIntEncodable(m)) return "hashtable";
      }
      return "intset";
    }
    case ValueType::kZSet:
      return ZSetEncoding(v.zset(), limits);
  }
  return "unknown";
}

}  // namespace kv
