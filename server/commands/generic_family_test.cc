#include <set>
#include <string>
#include <vector>

#include "server/base/clock.h"
#include "server/commands/log_capture_test_util.h"
#include "server/commands/test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

class GenericFamilyTest : public test::CommandTest {
 protected:
  GenericFamilyTest() { state_.write_log.store(&log_); }
  ~GenericFamilyTest() override { state_.write_log.store(nullptr); }

  void MakeList(std::string_view key) {
    Keyspace& ks = state_.keyspace;
    ks.shard(ks.ShardIndex(key)).dbs[0].Upsert(key, Value::NewList())->value.list().push_back("x");
  }

  // Splits a SCAN reply into its cursor and keys.
  static std::pair<std::string, std::vector<std::string>> ParseScan(const std::string& r) {
    size_t p = 0;
    auto line = [&] {
      size_t e = r.find("\r\n", p);
      std::string l = r.substr(p, e - p);
      p = e + 2;
      return l;
    };
    auto bulk = [&] {
      size_t n = std::stoul(line().substr(1));
      std::string s = r.substr(p, n);
      p += n + 2;
      return s;
    };
    EXPECT_EQ(line(), "*2");
    std::string cursor = bulk();
    size_t n = std::stoul(line().substr(1));
    std::vector<std::string> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(bulk());
    return {cursor, keys};
  }

  // A full SCAN iteration; `between` runs after every call (to change the keyspace meanwhile).
  std::vector<std::string> ScanAll(std::vector<std::string_view> extra,
                                   const std::function<void()>& between = {}) {
    std::vector<std::string> all;
    std::string cursor = "0";
    for (int calls = 0; calls < 100000; ++calls) {
      std::vector<std::string_view> argv{"scan", cursor};
      argv.insert(argv.end(), extra.begin(), extra.end());
      auto [next, keys] = ParseScan(Run(argv));
      all.insert(all.end(), keys.begin(), keys.end());
      if (between) between();
      if (next == "0") return all;
      cursor = next;
    }
    ADD_FAILURE() << "SCAN did not finish";
    return all;
  }

  test::CapturingWriteLog log_;
};

TEST_F(GenericFamilyTest, DelExistsTouchUnlink) {
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2", "c", "3"}), kOk);
  EXPECT_EQ(Run({"exists", "a", "a", "b", "nokey"}), Int(3));
  EXPECT_EQ(Run({"touch", "a", "a", "nokey"}), Int(2));
  EXPECT_EQ(Run({"del", "a", "b", "nokey", "a"}), Int(2));
  EXPECT_EQ(Run({"unlink", "c"}), Int(1));
  size_t n = log_.records.size();
  EXPECT_EQ(Run({"del", "a"}), Int(0));
  EXPECT_EQ(log_.records.size(), n);  // nothing deleted, nothing logged
  EXPECT_EQ(Run({"del"}), Err(resp::WrongNumArgsError("del")));
  EXPECT_EQ(Run({"exists"}), Err(resp::WrongNumArgsError("exists")));
}

TEST_F(GenericFamilyTest, Type) {
  EXPECT_EQ(Run({"set", "s", "1"}), kOk);
  MakeList("l");
  EXPECT_EQ(Run({"type", "s"}), "+string\r\n");
  EXPECT_EQ(Run({"type", "l"}), "+list\r\n");
  EXPECT_EQ(Run({"type", "nokey"}), "+none\r\n");
}

TEST_F(GenericFamilyTest, Rename) {
  EXPECT_EQ(Run({"rename", "nokey", "x"}), Err(resp::kNoSuchKeyErr));
  EXPECT_EQ(Run({"rename", "nokey", "nokey"}), Err(resp::kNoSuchKeyErr));
  EXPECT_EQ(Run({"renamenx", "nokey", "nokey"}), Err(resp::kNoSuchKeyErr));
  EXPECT_EQ(Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(Run({"expire", "a", "100"}), Int(1));
  EXPECT_EQ(Run({"rename", "a", "a"}), kOk);
  EXPECT_EQ(Run({"renamenx", "a", "a"}), Int(0));
  EXPECT_EQ(Run({"rename", "a", "b"}), kOk);
  EXPECT_EQ(Run({"exists", "a"}), Int(0));
  EXPECT_EQ(Run({"get", "b"}), Bulk("1"));
  EXPECT_EQ(Run({"ttl", "b"}), Int(100));
  EXPECT_EQ(Run({"set", "c", "3"}), kOk);
  EXPECT_EQ(Run({"renamenx", "b", "c"}), Int(0));
  EXPECT_EQ(Run({"renamenx", "b", "d"}), Int(1));
  EXPECT_EQ(Run({"rename", "d", "c"}), kOk);  // overwrites
  EXPECT_EQ(Run({"get", "c"}), Bulk("1"));
  auto* spec = state_.commands.Find("rename");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->first_key, 1);
  EXPECT_EQ(spec->last_key, 2);
  EXPECT_EQ(spec->key_step, 1);
}

TEST_F(GenericFamilyTest, MoveAndCopy) {
  EXPECT_EQ(Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(Run({"pexpire", "k", "100000"}), Int(1));
  EXPECT_EQ(Run({"move", "k", "0"}), Err(resp::kSameObjectErr));
  EXPECT_EQ(Run({"move", "k", "16"}), Err(resp::kDbIndexOutOfRangeErr));
  EXPECT_EQ(Run({"move", "k", "abc"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"move", "k", "99999999999"}), Err(resp::kIntOutOfRangeErr));
  EXPECT_EQ(Run({"move", "nokey", "1"}), Int(0));
  EXPECT_EQ(Run({"move", "k", "1"}), Int(1));
  EXPECT_EQ(Run({"exists", "k"}), Int(0));
  EXPECT_EQ(Run({"select", "1"}), kOk);
  EXPECT_EQ(Run({"get", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"ttl", "k"}), Int(100));
  EXPECT_EQ(Run({"set", "x", "1"}), kOk);
  EXPECT_EQ(Run({"select", "0"}), kOk);
  EXPECT_EQ(Run({"set", "x", "0"}), kOk);
  EXPECT_EQ(Run({"move", "x", "1"}), Int(0));  // exists in the target

  EXPECT_EQ(Run({"copy", "x", "y"}), Int(1));
  EXPECT_EQ(Run({"copy", "x", "y"}), Int(0));
  EXPECT_EQ(Run({"copy", "x", "y", "replace"}), Int(1));
  EXPECT_EQ(Run({"copy", "x", "x"}), Err(resp::kSameObjectErr));
  EXPECT_EQ(Run({"copy", "x", "x", "db", "0"}), Err(resp::kSameObjectErr));
  EXPECT_EQ(Run({"copy", "x", "x", "db", "1"}), Int(0));
  EXPECT_EQ(Run({"copy", "x", "x", "db", "1", "replace"}), Int(1));
  EXPECT_EQ(Run({"copy", "x", "x", "db", "16"}), Err(resp::kDbIndexOutOfRangeErr));
  EXPECT_EQ(Run({"copy", "x", "x", "db"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"copy", "x", "x", "foo"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"copy", "nokey", "z"}), Int(0));
  MakeList("l");
  EXPECT_EQ(Run({"copy", "l", "l2"}), Int(1));
  EXPECT_EQ(Run({"type", "l2"}), "+list\r\n");
  EXPECT_EQ(Run({"select", "1"}), kOk);
  EXPECT_EQ(Run({"get", "x"}), Bulk("0"));
  EXPECT_EQ(Run({"select", "0"}), kOk);
}

TEST_F(GenericFamilyTest, ExpireOptions) {
  const std::string nx_err(resp::kExpireNxConflictErr), gtlt_err(resp::kExpireGtLtConflictErr);
  EXPECT_EQ(Run({"set", "e", "1"}), kOk);
  EXPECT_EQ(Run({"expire", "e", "100", "nx", "xx"}), Err(nx_err));
  EXPECT_EQ(Run({"expire", "e", "100", "nx", "gt"}), Err(nx_err));
  EXPECT_EQ(Run({"expire", "e", "100", "gt", "lt"}), Err(gtlt_err));
  EXPECT_EQ(Run({"expire", "e", "100", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(Run({"expire", "e", "abc"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"expire", "e", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(Run({"pexpire", "e", "9223372036854775807"}),
            Err("ERR invalid expire time in 'pexpire' command"));
  EXPECT_EQ(Run({"expireat", "e", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expireat' command"));
  EXPECT_EQ(Run({"expire", "e", "100", "xx"}), Int(0));
  EXPECT_EQ(Run({"expire", "e", "100", "gt"}), Int(0));  // no TTL counts as infinite
  EXPECT_EQ(Run({"expire", "e", "100", "nx"}), Int(1));
  EXPECT_EQ(Run({"expire", "e", "200", "nx"}), Int(0));
  EXPECT_EQ(Run({"expire", "e", "50", "gt"}), Int(0));
  EXPECT_EQ(Run({"expire", "e", "300", "gt"}), Int(1));
  EXPECT_EQ(Run({"expire", "e", "400", "lt"}), Int(0));
  EXPECT_EQ(Run({"expire", "e", "150", "LT"}), Int(1));
  EXPECT_EQ(Run({"ttl", "e"}), Int(150));
  EXPECT_EQ(Run({"persist", "e"}), Int(1));
  EXPECT_EQ(Run({"persist", "e"}), Int(0));
  EXPECT_EQ(Run({"expire", "e", "100", "lt"}), Int(1));
  EXPECT_EQ(Run({"expire", "nokey", "100"}), Int(0));
}

TEST_F(GenericFamilyTest, ExpirePropagatesAbsolute) {
  EXPECT_EQ(Run({"set", "e", "1"}), kOk);
  int64_t before = UnixMillis();
  EXPECT_EQ(Run({"expire", "e", "100", "gt"}), Int(0));
  EXPECT_EQ(Run({"expire", "e", "100"}), Int(1));
  std::string rec = log_.records.back();
  ASSERT_EQ(rec.rfind("PEXPIREAT e ", 0), 0u) << rec;
  int64_t at = std::stoll(rec.substr(12));
  EXPECT_GE(at, before + 100000);
  EXPECT_LE(at, UnixMillis() + 100000);
  EXPECT_EQ(Run({"pexpire", "e", "200000", "gt"}), Int(1));
  EXPECT_NE(log_.records.back().find(" gt"), std::string::npos);
  EXPECT_EQ(Run({"expireat", "e", "4000000000"}), Int(1));
  EXPECT_EQ(log_.records.back(), "PEXPIREAT e 4000000000000");
  EXPECT_EQ(Run({"pexpireat", "e", "4000000000123"}), Int(1));
  EXPECT_EQ(log_.records.back(), "pexpireat e 4000000000123");  // logged as sent
  EXPECT_EQ(Run({"expiretime", "e"}), Int(4000000000));
  EXPECT_EQ(Run({"pexpiretime", "e"}), Int(4000000000123));
  // A past deadline deletes the key and is logged as DEL.
  EXPECT_EQ(Run({"expire", "e", "-1"}), Int(1));
  EXPECT_EQ(log_.records.back(), "DEL e");
  EXPECT_EQ(Run({"exists", "e"}), Int(0));
  EXPECT_EQ(Run({"set", "e", "1"}), kOk);
  EXPECT_EQ(Run({"pexpireat", "e", "100"}), Int(1));
  EXPECT_EQ(Run({"exists", "e"}), Int(0));
}

TEST_F(GenericFamilyTest, Ttl) {
  EXPECT_EQ(Run({"ttl", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"pttl", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"expiretime", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"pexpiretime", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(Run({"ttl", "k"}), Int(-1));
  EXPECT_EQ(Run({"pttl", "k"}), Int(-1));
  EXPECT_EQ(Run({"expiretime", "k"}), Int(-1));
  EXPECT_EQ(Run({"pexpiretime", "k"}), Int(-1));
  EXPECT_EQ(Run({"persist", "nokey"}), Int(0));
}

TEST_F(GenericFamilyTest, ExpiredKeysAreInvisible) {
  EXPECT_EQ(Run({"set", "k", "v", "pxat", "1"}), kOk);  // already past
  EXPECT_EQ(Run({"exists", "k"}), Int(0));
  EXPECT_EQ(Run({"type", "k"}), "+none\r\n");
  EXPECT_EQ(Run({"keys", "*"}), "*0\r\n");
  EXPECT_EQ(Run({"scan", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(Run({"randomkey"}), kNil);
}

TEST_F(GenericFamilyTest, Keys) {
  for (auto k : {"hello", "hallo", "hxllo", "foo", ""}) {
    EXPECT_EQ(Run({"set", k, "1"}), kOk);
  }
  auto sorted_keys = [&](std::string_view pattern) {
    std::string r = Run({"keys", pattern});
    std::set<std::string> out;
    size_t p = r.find("\r\n") + 2;
    while (p < r.size()) {
      size_t e = r.find("\r\n", p);
      size_t n = std::stoul(r.substr(p + 1, e - p - 1));
      out.insert(r.substr(e + 2, n));
      p = e + 2 + n + 2;
    }
    return out;
  };
  EXPECT_EQ(sorted_keys("*"), (std::set<std::string>{"hello", "hallo", "hxllo", "foo", ""}));
  EXPECT_EQ(sorted_keys("h[ae]llo"), (std::set<std::string>{"hello", "hallo"}));
  EXPECT_EQ(sorted_keys("h?llo"), (std::set<std::string>{"hello", "hallo", "hxllo"}));
  EXPECT_EQ(sorted_keys("nomatch*"), std::set<std::string>{});
  EXPECT_EQ(Run({"keys"}), Err(resp::WrongNumArgsError("keys")));
}

TEST_F(GenericFamilyTest, ScanErrors) {
  EXPECT_EQ(Run({"scan", "abc"}), Err(resp::kInvalidCursorErr));
  EXPECT_EQ(Run({"scan", " 0"}), Err(resp::kInvalidCursorErr));
  EXPECT_EQ(Run({"scan", "18446744073709551616"}), Err(resp::kInvalidCursorErr));
  EXPECT_EQ(Run({"scan", "0", "count", "0"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"scan", "0", "count", "abc"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"scan", "0", "count"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"scan", "0", "match"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"scan", "0", "foo", "bar"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"scan", "abc", "foo"}), Err(resp::kInvalidCursorErr));  // cursor first
}

TEST_F(GenericFamilyTest, ScanReturnsEveryKeyOnce) {
  constexpr int kKeys = 3000;
  std::vector<std::string> names;
  for (int i = 0; i < kKeys; ++i) names.push_back("key:" + std::to_string(i));
  for (const auto& k : names) ASSERT_EQ(Run({"set", k, "v"}), kOk);
  for (std::string_view count : {"1", "7", "100", "100000"}) {
    auto all = ScanAll({"count", count});
    std::set<std::string> uniq(all.begin(), all.end());
    EXPECT_EQ(all.size(), static_cast<size_t>(kKeys)) << count;
    EXPECT_EQ(uniq, std::set<std::string>(names.begin(), names.end())) << count;
  }
  auto matched = ScanAll({"match", "key:1?", "count", "5"});
  EXPECT_EQ(std::set<std::string>(matched.begin(), matched.end()),
            (std::set<std::string>{"key:10", "key:11", "key:12", "key:13", "key:14", "key:15",
                                   "key:16", "key:17", "key:18", "key:19"}));
  MakeList("l");
  EXPECT_EQ(ScanAll({"type", "LIST"}), std::vector<std::string>{"l"});
  EXPECT_TRUE(ScanAll({"type", "zset"}).empty());
}

// Keys present for the whole scan come back exactly once even while the tables grow (rehash)
// and other keys come and go.
TEST_F(GenericFamilyTest, ScanSurvivesResize) {
  constexpr int kKeys = 2000;
  for (int i = 0; i < kKeys; ++i) ASSERT_EQ(Run({"set", "old:" + std::to_string(i), "v"}), kOk);
  int added = 0;
  auto all = ScanAll({"count", "20"}, [&] {
    for (int j = 0; j < 200; ++j, ++added) {
      std::string k = "new:" + std::to_string(added);
      Run({"set", k, "v"});
      if (j % 2 == 0) Run({"del", k});
    }
  });
  std::multiset<std::string> old;
  for (const auto& k : all) {
    if (k.rfind("old:", 0) == 0) old.insert(k);
  }
  EXPECT_EQ(old.size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(std::set<std::string>(old.begin(), old.end()).size(), static_cast<size_t>(kKeys));
  EXPECT_GT(added, 10000);  // the tables did grow several times
}

TEST_F(GenericFamilyTest, RandomKeyDbSizeFlush) {
  EXPECT_EQ(Run({"randomkey"}), kNil);
  EXPECT_EQ(Run({"dbsize"}), Int(0));
  EXPECT_EQ(Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(Run({"randomkey"}), Bulk("a"));
  EXPECT_EQ(Run({"set", "b", "1"}), kOk);
  std::set<std::string> seen;
  for (int i = 0; i < 200 && seen.size() < 2; ++i) seen.insert(Run({"randomkey"}));
  EXPECT_EQ(seen, (std::set<std::string>{Bulk("a"), Bulk("b")}));
  EXPECT_EQ(Run({"dbsize"}), Int(2));
  EXPECT_EQ(Run({"select", "1"}), kOk);
  EXPECT_EQ(Run({"set", "c", "1"}), kOk);
  EXPECT_EQ(Run({"flushdb", "foo"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"flushdb", "async", "x"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"flushdb", "ASYNC"}), kOk);
  EXPECT_EQ(Run({"dbsize"}), Int(0));
  EXPECT_EQ(Run({"select", "0"}), kOk);
  EXPECT_EQ(Run({"dbsize"}), Int(2));
  EXPECT_EQ(Run({"flushall", "sync"}), kOk);
  EXPECT_EQ(Run({"dbsize"}), Int(0));
  EXPECT_EQ(log_.records.back(), "flushall sync");
}

class RecordingObserver : public KeyObserver {
 public:
  void OnKeyModified(int db, std::string_view key) override {
    modified.push_back(std::to_string(db) + ":" + std::string(key));
  }
  void OnFlush(int db) override { flushed.push_back(db); }
  std::vector<std::string> modified;
  std::vector<int> flushed;
};

TEST_F(GenericFamilyTest, ObserversSeeFlushesAndOtherDbs) {
  RecordingObserver obs;
  state_.key_observers.push_back(&obs);
  EXPECT_EQ(Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(Run({"move", "k", "3"}), Int(1));
  // The other db's key comes with the command's own keys, after the command is logged.
  EXPECT_EQ(obs.modified, (std::vector<std::string>{"0:k", "0:k", "3:k"}));
  EXPECT_EQ(Run({"flushdb"}), kOk);
  EXPECT_EQ(Run({"flushall"}), kOk);
  EXPECT_EQ(obs.flushed, (std::vector<int>{0, -1}));
  state_.key_observers.clear();
}

TEST_F(GenericFamilyTest, KeyPositions) {
  struct Want {
    std::string_view name;
    int first, last, step;
    bool all;
  };
  for (const Want& w :
       {Want{"rename", 1, 2, 1, false}, Want{"copy", 1, 2, 1, false}, Want{"move", 1, 1, 1, false},
        Want{"del", 1, -1, 1, false}, Want{"keys", 0, 0, 0, true}, Want{"scan", 0, 0, 0, true},
        Want{"randomkey", 0, 0, 0, true}, Want{"dbsize", 0, 0, 0, true},
        Want{"flushdb", 0, 0, 0, true}, Want{"flushall", 0, 0, 0, true}}) {
    const CommandSpec* s = state_.commands.Find(w.name);
    ASSERT_NE(s, nullptr) << w.name;
    EXPECT_EQ(s->first_key, w.first) << w.name;
    EXPECT_EQ(s->last_key, w.last) << w.name;
    EXPECT_EQ(s->key_step, w.step) << w.name;
    EXPECT_EQ(s->is(kAllShards), w.all) << w.name;
  }
}

}  // namespace
}  // namespace kv
