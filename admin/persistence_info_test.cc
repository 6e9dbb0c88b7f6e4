#include "admin/persistence_info.h"

#include <gtest/gtest.h>

namespace kv::admin {
namespace {

TEST(ParsePersistenceInfoTest, RedisLines) {
  PersistenceStatus p = ParsePersistenceInfo(
      "# Persistence\r\n"
      "loading:0\r\n"
      "async_loading:0\r\n"
      "aof_enabled:1\r\n"
      "aof_rewrite_in_progress:1\r\n"
      "aof_rewrite_scheduled:0\r\n"
      "aof_last_rewrite_time_sec:3\r\n"
      "aof_current_rewrite_time_sec:1\r\n"
      "aof_last_bgrewrite_status:err\r\n"
      "aof_last_write_status:ok\r\n"
      "aof_rewrites:7\r\n"
      "aof_current_size:123456789\r\n"
      "aof_base_size:1024\r\n");
  EXPECT_TRUE(p.aof_enabled);
  EXPECT_TRUE(p.aof_rewrite_in_progress);
  EXPECT_FALSE(p.aof_rewrite_scheduled);
  EXPECT_EQ(p.aof_last_rewrite_time_seconds, 3);
  EXPECT_EQ(p.aof_current_rewrite_time_seconds, 1);
  EXPECT_EQ(p.aof_last_bgrewrite_status, "err");
  EXPECT_EQ(p.aof_last_write_status, "ok");
  EXPECT_EQ(p.aof_rewrites, 7);
  EXPECT_EQ(p.aof_current_size_bytes, 123456789);
  EXPECT_EQ(p.aof_base_size_bytes, 1024);
  EXPECT_FALSE(p.loading);
}

TEST(ParsePersistenceInfoTest, LoadingAndMissingLines) {
  PersistenceStatus p = ParsePersistenceInfo(
      "loading:1\nloading_loaded_bytes:50\nloading_total_bytes:200\naof_last_rewrite_time_sec:-1\n"
      "garbage\n");
  EXPECT_TRUE(p.loading);
  EXPECT_EQ(p.loading_loaded_bytes, 50);
  EXPECT_EQ(p.loading_total_bytes, 200);
  EXPECT_EQ(p.aof_last_rewrite_time_seconds, -1);
  EXPECT_FALSE(p.aof_enabled);
  EXPECT_EQ(p.aof_current_rewrite_time_seconds, -1);  // default kept
  EXPECT_EQ(p.aof_last_bgrewrite_status, "ok");
}

}  // namespace
}  // namespace kv::admin
