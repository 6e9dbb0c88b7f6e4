// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] (Redis t_string.c lcsCommand): the
// longest common subsequence of two strings by the classic dynamic-programming table, walked back
// from the end so that the matches come out in Redis's order (last match first).

#include <algorithm>
#include <string>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"

namespace kv {
namespace {

struct LcsOptions {
  bool len = false, idx = false, with_match_len = false;
  int64_t min_match_len = 0;
};

bool ParseLcsOptionsOrReply(CommandContext& ctx, ArgList args, LcsOptions* o) {
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    if (EqualsIgnoreCase(opt, "IDX")) {
      o->idx = true;
    } else if (EqualsIgnoreCase(opt, "LEN")) {
      o->len = true;
    } else if (EqualsIgnoreCase(opt, "WITHMATCHLEN")) {
      o->with_match_len = true;
    } else if (EqualsIgnoreCase(opt, "MINMATCHLEN") && j + 1 < args.size()) {
      auto v = ParseIntOrReply(ctx, args[++j]);
      if (!v) return false;
      o->min_match_len = std::max<int64_t>(*v, 0);
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
  }
  if (o->len && o->idx) {
    ctx.rb.Error("ERR If you want both the length and indexes, please just use IDX.");
    return false;
  }
  return true;
}

// One contiguous match: [a_start, a_end] in the first string, [b_start, b_end] in the second.
struct Match {
  uint32_t a_start, a_end, b_start, b_end;
  uint32_t length() const { return a_end - a_start + 1; }
};

void CmdLcs(CommandContext& ctx, ArgList args) {
  Entry* ea = ctx.Db(args[1]).Find(args[1], ctx.now_ms);
  Entry* eb = ctx.Db(args[2]).Find(args[2], ctx.now_ms);
  if ((ea != nullptr && ea->value.type() != ValueType::kString) ||
      (eb != nullptr && eb->value.type() != ValueType::kString)) {
    return ctx.rb.Error("ERR The specified keys must contain string values");
  }
  LcsOptions opt;
  if (!ParseLcsOptionsOrReply(ctx, args, &opt)) return;
  std::string_view a = ea != nullptr ? ea->value.str() : std::string_view();
  std::string_view b = eb != nullptr ? eb->value.str() : std::string_view();
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    return ctx.rb.Error("ERR String too long for LCS");
  }
  const size_t alen = a.size(), blen = b.size(), width = blen + 1;
  // The table is transient but (|a|+1)(|b|+1) cells: bounded like Redis, by proto-max-bulk-len.
  if ((alen + 1) * width * sizeof(uint32_t) >
      static_cast<uint64_t>(ctx.server.config.proto_max_bulk_len())) {
    return ctx.rb.Error(
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  }
  std::vector<uint32_t> table((alen + 1) * width, 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[i * width + j]; };
  for (size_t i = 1; i <= alen; ++i) {
    for (size_t j = 1; j <= blen; ++j) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const uint32_t total = at(alen, blen);
  if (opt.len) return ctx.rb.Integer(total);

  // Walk back from the end, collecting the subsequence and its contiguous runs.
  std::string common(total, '\0');
  std::vector<Match> matches;
  bool in_run = false;
  Match run{};
  size_t i = alen, j = blen, k = total;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      common[--k] = a[i - 1];
      auto ai = static_cast<uint32_t>(i - 1), bj = static_cast<uint32_t>(j - 1);
      if (!in_run) {
        run = {ai, ai, bj, bj};
        in_run = true;
      } else {
        run.a_start = ai;  // contiguous with the run: a match right after one always is
        run.b_start = bj;
      }
      emit = run.a_start == 0 || run.b_start == 0;  // the walk ends here
      --i, --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      emit = in_run;
    }
    if (emit) {
      if (opt.min_match_len == 0 || run.length() >= opt.min_match_len) matches.push_back(run);
      in_run = false;
    }
  }
  if (!opt.idx) return ctx.rb.Bulk(common);
  ctx.rb.MapHeader(2);
  ctx.rb.Bulk("matches");
  ctx.rb.ArrayHeader(matches.size());
  for (const Match& m : matches) {
    ctx.rb.ArrayHeader(opt.with_match_len ? 3 : 2);
    ctx.rb.ArrayHeader(2);
    ctx.rb.Integer(m.a_start);
    ctx.rb.Integer(m.a_end);
    ctx.rb.ArrayHeader(2);
    ctx.rb.Integer(m.b_start);
    ctx.rb.Integer(m.b_end);
    if (opt.with_match_len) ctx.rb.Integer(m.length());
  }
  ctx.rb.Bulk("len");
  ctx.rb.Integer(total);
}

}  // namespace

void RegisterStringLcsCommand(CommandRegistry& r) {
  r.Add({"lcs", -3, kReadOnly, 1, 2, 1, CmdLcs});
}

}  // namespace kv
