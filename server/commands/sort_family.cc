// SORT and SORT_RO (Redis sort.c): sort a list, set or sorted set numerically or ALPHA, by its
// elements or by external keys (BY pattern, with "*" substituted and "->field" for hashes), then
// LIMIT, GET other keys per element ("#" is the element) and reply or STORE as a list.
//
// BY and GET read keys that only the patterns name, so the command takes every shard lock
// (kAllShards). Sorting is stable, like glibc's qsort, so ties keep Redis's order.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"
#include "server/db/zset.h"

namespace kv {
namespace {

struct SortOptions {
  bool desc = false, alpha = false;
  int64_t limit_start = 0, limit_count = -1;
  std::optional<std::string_view> store, by;
  std::vector<std::string_view> gets;
  bool dont_sort = false;  // BY a pattern without '*': keep the stored order
};

bool ParseSortOptionsOrReply(CommandContext& ctx, ArgList args, bool read_only, SortOptions* o) {
  for (size_t j = 2; j < args.size(); ++j) {
    std::string_view a = args[j];
    size_t left = args.size() - j - 1;
    if (EqualsIgnoreCase(a, "asc")) {
      o->desc = false;
    } else if (EqualsIgnoreCase(a, "desc")) {
      o->desc = true;
    } else if (EqualsIgnoreCase(a, "alpha")) {
      o->alpha = true;
    } else if (EqualsIgnoreCase(a, "limit") && left >= 2) {
      auto start = ParseIntOrReply(ctx, args[j + 1]);
      if (!start) return false;
      auto count = ParseIntOrReply(ctx, args[j + 2]);
      if (!count) return false;
      o->limit_start = *start;
      o->limit_count = *count;
      j += 2;
    } else if (!read_only && EqualsIgnoreCase(a, "store") && left >= 1) {
      o->store = args[++j];
    } else if (EqualsIgnoreCase(a, "by") && left >= 1) {
      o->by = args[++j];
      o->dont_sort = o->by->find('*') == std::string_view::npos;
    } else if (EqualsIgnoreCase(a, "get") && left >= 1) {
      o->gets.push_back(args[++j]);
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
  }
  return true;
}

// Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by
// the element, and a "->field" after it reads that field of a hash instead of a string.
std::optional<std::string_view> LookupByPattern(CommandContext& ctx, std::string_view pattern,
                                                std::string_view element, std::string* key_buf) {
  if (pattern == "#") return element;
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t arrow = pattern.find("->", star + 1);
  std::string_view field;
  if (arrow != std::string_view::npos && arrow + 2 < pattern.size()) {
    field = pattern.substr(arrow + 2);
  } else {
    arrow = pattern.size();
  }
  key_buf->assign(pattern.substr(0, star));
  key_buf->append(element);
  key_buf->append(pattern.substr(star + 1, arrow - star - 1));
  Entry* e = ctx.Db(*key_buf).Find(*key_buf, ctx.now_ms);
  if (e == nullptr) return std::nullopt;
  if (!field.empty()) {
    if (e->value.type() != ValueType::kHash) return std::nullopt;
    auto it = e->value.hash().find(field);
    if (it == e->value.hash().end()) return std::nullopt;
    return std::string_view(it->second);
  }
  if (e->value.type() != ValueType::kString) return std::nullopt;
  return e->value.str();
}

struct SortItem {
  std::string_view element;
  double score = 0;
  std::optional<std::string_view> by_value;  // ALPHA with BY: the value compared
};

// Parses a sort weight as strtod does (whole string, no NaN, no ERANGE), as Redis does.
bool ParseWeight(std::string_view s, double* out) {
  std::string copy(s);
  char* end = nullptr;
  errno = 0;
  *out = std::strtod(copy.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

int CompareBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Loads the elements to sort; for a list or sorted set kept in stored order, only the LIMIT
// range (and *start/*end are rebased onto it).
std::vector<SortItem> LoadElements(const Value& v, const SortOptions& o, int64_t* start,
                                   int64_t* end) {
  std::vector<SortItem> items;
  const int64_t n = static_cast<int64_t>(
      v.type() == ValueType::kList ? v.list().size()
      : v.type() == ValueType::kSet ? v.set().size() : v.zset().size());
  bool ranged = o.dont_sort && v.type() != ValueType::kSet;
  if (ranged) {
    if (*end >= *start) {
      auto count = static_cast<size_t>(*end - *start + 1);
      if (v.type() == ValueType::kList) {
        const ListValue& l = v.list();
        for (size_t i = 0; i < count; ++i) {
          auto idx = static_cast<size_t>(o.desc ? n - *start - 1 - static_cast<int64_t>(i)
                                                : *start + static_cast<int64_t>(i));
          items.push_back({l[idx]});
        }
      } else {
        v.zset().RangeByRank(static_cast<size_t>(*start), static_cast<size_t>(*end), o.desc,
                             [&](std::string_view m, double) { items.push_back({m}); });
      }
      *end -= *start;
      *start = 0;
    }
    return items;
  }
  items.reserve(static_cast<size_t>(n));
  if (v.type() == ValueType::kList) {
    for (const std::string& s : v.list()) items.push_back({s});
  } else if (v.type() == ValueType::kSet) {
    for (const std::string& s : v.set()) items.push_back({s});
  } else {
    v.zset().ForEach([&](std::string_view m, double) { items.push_back({m}); });
  }
  return items;
}

void SortGeneric(CommandContext& ctx, ArgList args, bool read_only) {
  SortOptions o;
  if (!ParseSortOptionsOrReply(ctx, args, read_only, &o)) return;
  Entry* e = ctx.Db(args[1]).Find(args[1], ctx.now_ms);
  if (e != nullptr && e->value.type() != ValueType::kList && e->value.type() != ValueType::kSet &&
      e->value.type() != ValueType::kZSet) {
    return ctx.rb.Error(resp::kWrongTypeErr);
  }
  static const Value kEmptyList = Value::NewList();
  const Value& v = e != nullptr ? e->value : kEmptyList;
  // A set has no order of its own: stored without sorting, it is sorted ALPHA so that replicas
  // and the AOF agree.
  if (o.dont_sort && v.type() == ValueType::kSet && o.store) {
    o.dont_sort = false;
    o.alpha = true;
    o.by.reset();
  }
  const int64_t n = static_cast<int64_t>(
      v.type() == ValueType::kList ? v.list().size()
      : v.type() == ValueType::kSet ? v.set().size() : v.zset().size());
  int64_t start = std::min(std::max<int64_t>(o.limit_start, 0), n);
  int64_t count = std::min(std::max<int64_t>(o.limit_count, -1), n);
  int64_t end = count < 0 ? n - 1 : start + count - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  end = std::min(end, n - 1);

  std::vector<SortItem> items = LoadElements(v, o, &start, &end);
  std::string key_buf;
  bool bad_weight = false;
  if (!o.dont_sort) {
    for (SortItem& it : items) {
      std::optional<std::string_view> weight = it.element;
      if (o.by) {
        weight = LookupByPattern(ctx, *o.by, it.element, &key_buf);
        if (!weight) continue;  // a missing weight sorts as 0 (or first, ALPHA)
      }
      if (o.alpha) {
        if (o.by) it.by_value = weight;
      } else if (!ParseWeight(*weight, &it.score)) {
        bad_weight = true;
      }
    }
    auto cmp = [&](const SortItem& a, const SortItem& b) {
      int c;
      if (!o.alpha) {
        c = a.score > b.score ? 1 : (a.score < b.score ? -1 : CompareBytes(a.element, b.element));
      } else if (o.by) {
        c = !a.by_value || !b.by_value
                ? (a.by_value.has_value() == b.by_value.has_value() ? 0 : (a.by_value ? 1 : -1))
                : CompareBytes(*a.by_value, *b.by_value);
      } else {
        c = CompareBytes(a.element, b.element);
      }
      return (o.desc ? -c : c) < 0;
    };
    std::stable_sort(items.begin(), items.end(), cmp);
  }
  if (bad_weight) return ctx.rb.Error("ERR One or more scores can't be converted into double");

  const size_t picked = end >= start ? static_cast<size_t>(end - start + 1) : 0;
  const size_t out_len = o.gets.empty() ? picked : o.gets.size() * picked;
  if (!o.store) {
    ctx.rb.ArrayHeader(out_len);
    for (size_t j = 0; j < picked; ++j) {
      std::string_view element = items[static_cast<size_t>(start) + j].element;
      if (o.gets.empty()) ctx.rb.Bulk(element);
      for (std::string_view pattern : o.gets) {
        auto val = LookupByPattern(ctx, pattern, element, &key_buf);
        val ? ctx.rb.Bulk(*val) : ctx.rb.NullBulk();
      }
    }
    return;
  }
  auto list = std::make_unique<ListValue>();
  for (size_t j = 0; j < picked; ++j) {
    std::string_view element = items[static_cast<size_t>(start) + j].element;
    if (o.gets.empty()) list->emplace_back(element);
    for (std::string_view pattern : o.gets) {
      list->emplace_back(LookupByPattern(ctx, pattern, element, &key_buf).value_or(""));
    }
  }
  // Logged as its result: a replay must not depend on the pattern keys or on a set's order.
  // The destination is not among the command table's keys, so the observers (WATCH, blocked
  // pops) are told about it explicitly.
  DbTable& db = ctx.Db(*o.store);
  if (out_len > 0) {
    std::vector<std::string> rpush{"RPUSH", std::string(*o.store)};
    rpush.insert(rpush.end(), list->begin(), list->end());
    db.Upsert(*o.store, Value(std::move(list)));
    ctx.MarkDirty(out_len);
    ctx.Propagate({"DEL", *o.store});
    ctx.Propagate(std::move(rpush));
    ctx.ModifiedInDb(ctx.client.db, *o.store);
  } else if (db.Erase(*o.store)) {
    ctx.MarkDirty();
    ctx.Propagate({"DEL", *o.store});
    ctx.ModifiedInDb(ctx.client.db, *o.store);
  }
  ctx.rb.Integer(static_cast<int64_t>(out_len));
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dest]
void CmdSort(CommandContext& ctx, ArgList args) { SortGeneric(ctx, args, false); }
// SORT_RO: SORT without STORE.
void CmdSortRo(CommandContext& ctx, ArgList args) { SortGeneric(ctx, args, true); }

}  // namespace

void RegisterSortFamily(CommandRegistry& r) {
  r.Add({"sort", -2, kWrite | kDenyOom | kAllShards, 1, 1, 1, CmdSort});
  r.Add({"sort_ro", -2, kReadOnly | kAllShards, 1, 1, 1, CmdSortRo});
}

}  // namespace kv
