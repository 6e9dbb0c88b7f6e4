// The "# Persistence" section of INFO: loading and the (always idle) RDB lines here, the aof_*
// lines from the AOF module (server/aof) through AofControl.

#include "server/commands/server_info.h"

namespace kv {

void AppendPersistenceInfo(ServerState& server, std::string* out) {
  out->append("loading:");
  out->append(server.loading.load(std::memory_order_relaxed) ? "1" : "0");
  out->append("\r\nasync_loading:0\r\n");
  out->append("rdb_changes_since_last_save:0\r\nrdb_bgsave_in_progress:0\r\n");
  out->append("rdb_last_save_time:" + std::to_string(server.start_time_ms / 1000) + "\r\n");
  out->append("rdb_last_bgsave_status:ok\r\nrdb_saves:0\r\n");
  if (server.aof != nullptr) return server.aof->AppendPersistenceInfo(out);
  // Without the AOF module (unit tests of the command layer): what the config says.
  out->append("aof_enabled:");
  out->append(server.config.GetBool("appendonly") ? "1" : "0");
  out->append(
      "\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:-1\r\n"
      "aof_current_rewrite_time_sec:-1\r\naof_last_bgrewrite_status:ok\r\naof_rewrites:0\r\n"
      "aof_last_write_status:ok\r\n");
}

}  // namespace kv
