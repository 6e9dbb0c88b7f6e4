// HyperLogLog commands (Redis hyperloglog.c): PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST. The
// HLL lives in a plain string in Redis's byte format (see hll.h), so GET, DUMP and the AOF rewrite
// see exactly what Redis would hold.

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"
#include "server/commands/hll.h"

namespace kv {
namespace {

constexpr std::string_view kNotHllErr = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kCorruptHllErr = "INVALIDOBJ Corrupted HLL object detected";

size_t SparseMaxBytes(CommandContext& ctx) {
  return static_cast<size_t>(ctx.server.config.GetInt("hll-sparse-max-bytes"));
}

// The HLL string under `key`: nullptr when absent (*bad false), or after replying WRONGTYPE when
// the key holds something else (*bad true).
std::string* FindHllOrReply(CommandContext& ctx, std::string_view key, bool* bad) {
  *bad = false;
  Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
  if (e == nullptr) return nullptr;
  if (e->value.type() != ValueType::kString) {
    *bad = true;
    ctx.rb.Error(resp::kWrongTypeErr);
    return nullptr;
  }
  if (!hll::LooksLikeHll(e->value.str())) {
    *bad = true;
    ctx.rb.Error(kNotHllErr);
    return nullptr;
  }
  return &e->value.MutableStr();
}

// PFADD key [element ...]: 1 when a register changed (or the key was created).
void CmdPfAdd(CommandContext& ctx, ArgList args) {
  std::string_view key = args[1];
  bool bad;
  std::string* s = FindHllOrReply(ctx, key, &bad);
  if (bad) return;
  uint64_t changes = 0;
  if (s == nullptr) {
    s = &ctx.Db(key).Upsert(key, Value())->value.MutableStr();
    *s = hll::NewHll();
    ++changes;
  }
  size_t max_bytes = SparseMaxBytes(ctx);
  for (size_t i = 2; i < args.size(); ++i) {
    hll::Status st = hll::Add(*s, args[i], max_bytes);
    if (st == hll::Status::kCorrupt) {
      if (changes != 0) ctx.MarkDirty(changes);  // what did change must still reach the AOF
      return ctx.rb.Error(kCorruptHllErr);
    }
    if (st == hll::Status::kChanged) ++changes;
  }
  if (changes != 0) {
    hll::InvalidateCache(*s);
    ctx.MarkDirty(changes);
  }
  ctx.rb.Integer(changes != 0 ? 1 : 0);
}

// PFCOUNT key [key ...]: one key reads (and refreshes) its cached cardinality; several keys count
// their union without modifying any of them.
void CmdPfCount(CommandContext& ctx, ArgList args) {
  if (args.size() > 2) {
    hll::RawRegisters raw{};
    for (size_t i = 1; i < args.size(); ++i) {
      bool bad;
      std::string* s = FindHllOrReply(ctx, args[i], &bad);
      if (bad) return;
      if (s != nullptr && !hll::MergeInto(*s, raw)) return ctx.rb.Error(kCorruptHllErr);
    }
    return ctx.rb.Integer(static_cast<int64_t>(hll::CountRaw(raw)));
  }
  bool bad;
  std::string* s = FindHllOrReply(ctx, args[1], &bad);
  if (bad) return;
  if (s == nullptr) return ctx.rb.Integer(0);
  bool cache_updated;
  auto card = hll::Count(*s, &cache_updated);
  if (!card) return ctx.rb.Error(kCorruptHllErr);
  ctx.rb.Integer(static_cast<int64_t>(*card));
}

// PFMERGE destkey [sourcekey ...]: destkey (itself one of the inputs) becomes the union.
void CmdPfMerge(CommandContext& ctx, ArgList args) {
  hll::RawRegisters raw{};
  bool any_dense = false;
  for (size_t i = 1; i < args.size(); ++i) {
    bool bad;
    std::string* s = FindHllOrReply(ctx, args[i], &bad);
    if (bad) return;
    if (s == nullptr) continue;
    any_dense |= !hll::IsSparse(*s);
    if (!hll::MergeInto(*s, raw)) return ctx.rb.Error(kCorruptHllErr);
  }
  std::string_view dest = args[1];
  DbTable& db = ctx.Db(dest);
  Entry* e = db.Find(dest, ctx.now_ms);
  if (e == nullptr) {
    e = db.Upsert(dest, Value());
    e->value.MutableStr() = hll::NewHll();
  }
  std::string& s = e->value.MutableStr();
  if (hll::StoreMax(s, raw, any_dense, SparseMaxBytes(ctx)) == hll::Status::kCorrupt) {
    return ctx.rb.Error(kCorruptHllErr);
  }
  ctx.MarkDirty();
  ctx.rb.Ok();
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
void CmdPfDebug(CommandContext& ctx, ArgList args) {
  std::string_view sub = args[1];
  bool bad;
  std::string* s = FindHllOrReply(ctx, args[2], &bad);
  if (bad) return;
  if (s == nullptr) return ctx.rb.Error("ERR The specified key does not exist");
  auto arity_err = [&] {
    ctx.rb.Error("ERR Wrong number of arguments for the '" + std::string(sub) + "' subcommand");
  };
  if (EqualsIgnoreCase(sub, "getreg")) {
    if (args.size() != 3) return arity_err();
    if (hll::IsSparse(*s)) {
      if (!hll::ToDense(*s)) return ctx.rb.Error(kCorruptHllErr);
      ctx.MarkDirty();
    }
    ctx.rb.ArrayHeader(hll::kRegisters);
    for (int i = 0; i < hll::kRegisters; ++i) ctx.rb.Integer(hll::DenseRegister(*s, i));
  } else if (EqualsIgnoreCase(sub, "decode")) {
    if (args.size() != 3) return arity_err();
    if (!hll::IsSparse(*s)) return ctx.rb.Error("ERR HLL encoding is not sparse");
    ctx.rb.Bulk(hll::DecodeSparse(*s));
  } else if (EqualsIgnoreCase(sub, "encoding")) {
    if (args.size() != 3) return arity_err();
    ctx.rb.SimpleString(hll::IsSparse(*s) ? "sparse" : "dense");
  } else if (EqualsIgnoreCase(sub, "todense")) {
    if (args.size() != 3) return arity_err();
    bool converted = hll::IsSparse(*s);
    if (converted) {
      if (!hll::ToDense(*s)) return ctx.rb.Error(kCorruptHllErr);
      ctx.MarkDirty();
    }
    ctx.rb.Integer(converted ? 1 : 0);
  } else {
    ctx.rb.Error("ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'");
  }
}

// PFSELFTEST: checks that sparse and dense HLLs fed the same elements count the same, within the
// expected error, at cardinalities 1, 10, ... 100000.
void CmdPfSelfTest(CommandContext& ctx, ArgList) {
  std::string sparse = hll::NewHll();
  std::string dense = hll::NewHll();
  hll::ToDense(dense);
  std::mt19937_64 rng(std::random_device{}());
  uint64_t seed = rng();
  const double rel_err = 1.04 / std::sqrt(static_cast<double>(hll::kRegisters));
  for (uint64_t j = 1, checkpoint = 1; j <= 100000; ++j) {
    uint64_t ele = j ^ seed;
    std::string_view bytes(reinterpret_cast<const char*>(&ele), sizeof(ele));
    hll::Add(sparse, bytes, 3000);
    hll::Add(dense, bytes, 3000);
    if (j != checkpoint) continue;
    bool unused;
    uint64_t a = *hll::Count(sparse, &unused), b = *hll::Count(dense, &unused);
    if (a != b) return ctx.rb.Error("TESTFAILED dense/sparse disagree");
    auto err = static_cast<uint64_t>(std::llabs(static_cast<int64_t>(checkpoint - b)));
    auto max_err = static_cast<uint64_t>(std::ceil(rel_err * 6 * static_cast<double>(checkpoint)));
    if (j == 10) max_err = 1;
    if (err > max_err) {
      return ctx.rb.Error("TESTFAILED Too big error. card:" + std::to_string(checkpoint) +
                          " abserr:" + std::to_string(err));
    }
    checkpoint *= 10;
  }
  ctx.rb.Ok();
}

}  // namespace

void RegisterHllFamily(CommandRegistry& r) {
  r.Add({"pfadd", -2, kWrite | kDenyOom | kFast, 1, 1, 1, CmdPfAdd});
  r.Add({"pfcount", -2, kReadOnly, 1, -1, 1, CmdPfCount});
  r.Add({"pfmerge", -2, kWrite | kDenyOom, 1, -1, 1, CmdPfMerge});
  r.Add({"pfdebug", 3, kWrite | kDenyOom | kAdmin, 2, 2, 1, CmdPfDebug});
  r.Add({"pfselftest", 1, kAdmin, 0, 0, 0, CmdPfSelfTest});
}

}  // namespace kv
