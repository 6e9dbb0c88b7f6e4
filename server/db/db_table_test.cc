#include "server/db/db_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace kv {
namespace {

TEST(ValueTest, ShortStringsStayInline) {
  Value v(std::string(Value::kInlineCapacity, 'a'));
  EXPECT_TRUE(v.IsInlineStr());
  EXPECT_EQ(v.type(), ValueType::kString);
  EXPECT_EQ(v.str(), std::string(Value::kInlineCapacity, 'a'));
  EXPECT_EQ(v.MemoryUsage(), 0u);
  EXPECT_TRUE(Value("-9223372036854775808").IsInlineStr());  // every integer fits

  Value longer(std::string(Value::kInlineCapacity + 1, 'b'));
  EXPECT_FALSE(longer.IsInlineStr());
  EXPECT_EQ(longer.str(), std::string(Value::kInlineCapacity + 1, 'b'));
  EXPECT_GT(longer.MemoryUsage(), Value::kInlineCapacity);
}

TEST(ValueTest, SetStrSwitchesRepresentationBothWays) {
  Value v(std::string(100, 'x'));
  v.SetStr("short");
  EXPECT_TRUE(v.IsInlineStr());
  EXPECT_EQ(v.str(), "short");
  v.SetStr(std::string(30, 'y'));
  EXPECT_EQ(v.str(), std::string(30, 'y'));
  Value list = Value::NewList();
  list.SetStr("now a string");
  EXPECT_EQ(list.type(), ValueType::kString);
  EXPECT_EQ(list.str(), "now a string");
}

TEST(ValueTest, MutableStrMovesToTheHeapAndKeepsTheBytes) {
  Value v("abc");
  std::string& s = v.MutableStr();
  EXPECT_EQ(s, "abc");
  s.append(std::string(1, '\0')).append("def");
  EXPECT_FALSE(v.IsInlineStr());
  EXPECT_EQ(v.str(), std::string_view("abc\0def", 7));
}

TEST(ValueTest, MoveTransfersOwnership) {
  Value a = Value::NewSet();
  a.set().insert("m");
  Value b(std::move(a));
  EXPECT_EQ(b.type(), ValueType::kSet);
  EXPECT_EQ(b.set().size(), 1u);
  EXPECT_EQ(a.type(), ValueType::kString);  // NOLINT(bugprone-use-after-move): defined empty
  EXPECT_EQ(a.str(), "");
  Value c("inline");
  c = std::move(b);
  EXPECT_EQ(c.type(), ValueType::kSet);
  Value d = c.Clone();
  d.set().insert("n");
  EXPECT_EQ(c.set().size(), 1u);
  EXPECT_EQ(d.set().size(), 2u);
}

TEST(EntryTest, KeyLivesInTheBlock) {
  std::string key("key:000000000001");
  EntryPtr e = Entry::Make(key, Value("0000000000000001"));
  EXPECT_EQ(e->key(), key);
  EXPECT_EQ(e->value.str(), "0000000000000001");
  EXPECT_EQ(e->expire_at_ms, 0);
  EXPECT_EQ(e->BlockSize(), sizeof(Entry) + key.size());
  // A 16-byte key with a 16-byte value fits a 64-byte size class of jemalloc and glibc.
  EXPECT_LE(e->BlockSize(), 56u);
  EXPECT_EQ(Entry::Make("")->key(), "");
}

TEST(DbTableTest, FindInsertUpsertErase) {
  DbTable t;
  EXPECT_EQ(t.Find("k", 0), nullptr);
  auto [e, inserted] = t.FindOrInsert("k", 0);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(e->key(), "k");
  e->value.SetStr("v");
  auto [again, inserted_again] = t.FindOrInsert("k", 0);
  EXPECT_FALSE(inserted_again);
  EXPECT_EQ(again, e);
  Entry* u = t.Upsert("k", Value::NewList());
  EXPECT_EQ(u, e);
  EXPECT_EQ(t.Find("k", 0)->value.type(), ValueType::kList);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_TRUE(t.Erase("k"));
  EXPECT_FALSE(t.Erase("k"));
  EXPECT_EQ(t.size(), 0u);
}

TEST(DbTableTest, EntriesDoNotMoveWhenTheTableGrows) {
  DbTable t;
  Entry* first = t.Upsert("first", Value("1"));
  for (int i = 0; i < 10000; ++i) t.Upsert("k" + std::to_string(i), Value(std::to_string(i)));
  EXPECT_EQ(t.Find("first", 0), first);
  EXPECT_EQ(first->value.str(), "1");
  EXPECT_EQ(t.Find("k9999", 0)->value.str(), "9999");
}

TEST(DbTableTest, DeadlinesExpireLazilyAndActively) {
  DbTable t;
  Entry* a = t.Upsert("a", Value("1"));
  Entry* b = t.Upsert("b", Value("2"));
  t.Upsert("c", Value("3"));
  t.SetExpire(a, 100);
  t.SetExpire(b, 200);
  EXPECT_EQ(t.expires_size(), 2u);
  t.SetExpire(b, 300);  // moves its index entry
  EXPECT_EQ(t.expires_size(), 2u);

  EXPECT_NE(t.Find("a", 99), nullptr);
  EXPECT_EQ(t.Find("a", 100), nullptr);  // lazy
  EXPECT_EQ(t.expired, 1u);
  EXPECT_EQ(t.expires_size(), 1u);

  EXPECT_EQ(t.ActiveExpire(299, 10), 0u);
  EXPECT_EQ(t.ActiveExpire(300, 10), 1u);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.expires_size(), 0u);

  Entry* c = t.Find("c", 1000);
  t.SetExpire(c, 500);
  t.Upsert("c", Value("4"));  // clears the deadline
  EXPECT_EQ(c->expire_at_ms, 0);
  EXPECT_EQ(t.expires_size(), 0u);
  t.SetExpire(c, 500);
  EXPECT_TRUE(t.Erase("c"));
  EXPECT_EQ(t.expires_size(), 0u);
}

TEST(DbTableTest, ActiveExpireHonoursItsBudget) {
  DbTable t;
  for (int i = 0; i < 10; ++i) {
    t.SetExpire(t.Upsert("k" + std::to_string(i), Value("v")), 10 + i);
  }
  EXPECT_EQ(t.ActiveExpire(100, 4), 4u);
  EXPECT_EQ(t.size(), 6u);
  EXPECT_EQ(t.Find("k3", 0), nullptr);
  EXPECT_NE(t.Find("k4", 0), nullptr);
  t.Clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.expires_size(), 0u);
}

TEST(DbTableTest, IterationSeesEveryKeyOnce) {
  DbTable t;
  for (int i = 0; i < 100; ++i) t.Upsert("k" + std::to_string(i), Value());
  std::vector<std::string> keys;
  for (const EntryPtr& e : t.map()) keys.emplace_back(e->key());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::unique(keys.begin(), keys.end()), keys.end());
  EXPECT_EQ(keys.size(), 100u);
  EXPECT_TRUE(t.map().contains(std::string_view("k42")));
}

}  // namespace
}  // namespace kv
