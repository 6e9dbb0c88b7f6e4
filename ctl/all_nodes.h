#pragma once

// --all on info, stats and rewrite-aof: the call made on every member of the cluster (membership
// from the seed), one row or JSON entry per member. Exit kExitPartial when some member did not
// answer, kExitFailed when some refused.

#include "ctl/call.h"
#include "kvcache/v1/admin.pb.h"

namespace kv::ctl {

int RunInfoAll(const GlobalOptions& g);
int RunStatsAll(const GlobalOptions& g, int top);
int RunRewriteAofAll(const GlobalOptions& g, bool wait);

// Sum of the members' counters; a command's p99 is the largest member's (the only bound a sum of
// percentiles allows).
kvcache::v1::GetStatsResponse MergeStats(const std::vector<kvcache::v1::GetStatsResponse>& all);

}  // namespace kv::ctl
