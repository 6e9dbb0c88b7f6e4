# Standalone keyspace data structures (glob matcher, sorted set). They depend on nothing else in
# the server, only on the standard library and abseil. Included from server/db/CMakeLists.txt.
kv_add_library(kv_ds
  SRCS ${CMAKE_CURRENT_LIST_DIR}/glob.cc ${CMAKE_CURRENT_LIST_DIR}/zset.cc
  DEPS absl::flat_hash_map absl::hash absl::function_ref)
kv_add_test(ds_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/glob_test.cc ${CMAKE_CURRENT_LIST_DIR}/zset_test.cc
  DEPS kv_ds)
