#include "admin/persistence_info.h"

#include <charconv>
#include <string>

namespace kv::admin {
namespace {

int64_t ToInt(std::string_view v) {
  int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

}  // namespace

PersistenceStatus ParsePersistenceInfo(std::string_view info) {
  PersistenceStatus p;
  while (!info.empty()) {
    size_t eol = info.find('\n');
    std::string_view line = info.substr(0, eol);
    info = eol == std::string_view::npos ? std::string_view() : info.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1);
    if (key == "aof_enabled") {
      p.aof_enabled = ToInt(value) != 0;
    } else if (key == "aof_rewrite_in_progress") {
      p.aof_rewrite_in_progress = ToInt(value) != 0;
    } else if (key == "aof_rewrite_scheduled") {
      p.aof_rewrite_scheduled = ToInt(value) != 0;
    } else if (key == "aof_last_rewrite_time_sec") {
      p.aof_last_rewrite_time_seconds = ToInt(value);
    } else if (key == "aof_current_rewrite_time_sec") {
      p.aof_current_rewrite_time_seconds = ToInt(value);
    } else if (key == "aof_last_bgrewrite_status") {
      p.aof_last_bgrewrite_status = std::string(value);
    } else if (key == "aof_last_write_status") {
      p.aof_last_write_status = std::string(value);
    } else if (key == "aof_rewrites") {
      p.aof_rewrites = ToInt(value);
    } else if (key == "aof_current_size") {
      p.aof_current_size_bytes = ToInt(value);
    } else if (key == "aof_base_size") {
      p.aof_base_size_bytes = ToInt(value);
    } else if (key == "loading") {
      p.loading = ToInt(value) != 0;
    } else if (key == "loading_loaded_bytes") {
      p.loading_loaded_bytes = ToInt(value);
    } else if (key == "loading_total_bytes") {
      p.loading_total_bytes = ToInt(value);
    }
  }
  return p;
}

}  // namespace kv::admin
