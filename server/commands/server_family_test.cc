// Tests of the administration commands: CLIENT, CONFIG, INFO, COMMAND, OBJECT, MEMORY, DEBUG,
// SHUTDOWN, RESET, TIME, ROLE, WAIT, HELLO. Expected texts are Redis 7's, checked against
// redis-server 7.0 (and 7.2 for CLIENT SETINFO).

#include <gmock/gmock.h>

#include <memory>
#include <string>

#include "server/base/clock.h"
#include "server/commands/client_info.h"
#include "server/commands/object_encoding.h"
#include "server/commands/server_info.h"
#include "server/commands/test_util.h"
#include "server/db/zset.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

class ServerFamilyTest : public test::CommandTest {
 protected:
  ServerFamilyTest() {
    client_.addr = "127.0.0.1:5000";
    client_.laddr = "127.0.0.1:6379";
    client_.created_ms = UnixMillis();
    client_.last_interaction_ms = client_.created_ms;
    state_.clients.Add(&client_);
  }
  ~ServerFamilyTest() override { state_.clients.Remove(client_.id); }

  // The payload of a bulk reply.
  static std::string BulkBody(const std::string& reply) {
    size_t crlf = reply.find("\r\n");
    return reply.substr(crlf + 2, reply.size() - crlf - 4);
  }
};

// A second client whose Close() is observable, for CLIENT KILL.
class FakeChannel : public ClientChannel {
 public:
  void Post(std::function<void(ClientState&, resp::ReplyBuilder&)>) override {}
  void Close() override { closed = true; }
  bool closed = false;
};

TEST_F(ServerFamilyTest, ClientNames) {
  EXPECT_EQ(Run({"client", "getname"}), kNil);
  EXPECT_EQ(Run({"client", "setname", "conn-1"}), kOk);
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), Bulk("conn-1"));
  EXPECT_EQ(Run({"client", "setname", "a b"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(Run({"client", "setname"}),
            Err("ERR wrong number of arguments for 'client|setname' command"));
  EXPECT_EQ(Run({"client", "id"}), Int(static_cast<int64_t>(client_.id)));
  EXPECT_EQ(Run({"client", "id", "x"}),
            Err("ERR wrong number of arguments for 'client|id' command"));
  EXPECT_EQ(Run({"client", "foo"}), Err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
  EXPECT_EQ(Run({"client"}), Err(resp::WrongNumArgsError("client")));
}

TEST_F(ServerFamilyTest, ClientSetInfo) {
  EXPECT_EQ(Run({"client", "setinfo", "lib-name", "redis-py"}), kOk);
  EXPECT_EQ(Run({"client", "setinfo", "LIB-VER", "5.0.1"}), kOk);
  EXPECT_EQ(Run({"client", "setinfo", "lib-foo", "x"}), Err("ERR Unrecognized option 'lib-foo'"));
  EXPECT_EQ(Run({"client", "setinfo", "lib-name", "a b"}),
            Err("ERR lib-name cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(Run({"client", "setinfo", "lib-name"}),
            Err("ERR wrong number of arguments for 'client|setinfo' command"));
  EXPECT_THAT(Run({"client", "info"}), HasSubstr(" lib-name=redis-py lib-ver=5.0.1\n"));
}

TEST_F(ServerFamilyTest, ClientListFormat) {
  Run({"client", "setname", "me"});
  std::string body = BulkBody(Run({"client", "list"}));
  // Redis 7.2's field order; every field parses as key=value.
  EXPECT_THAT(body, MatchesRegex("id=[0-9]+ addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=-?[0-9]+ "
                                 "name=me age=[0-9]+ idle=[0-9]+ flags=N db=0 sub=0 psub=0 ssub=0 "
                                 "multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 "
                                 "obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client\\|list "
                                 "user=default redir=-1 resp=2 lib-name= lib-ver=\n"));
  EXPECT_EQ(Run({"client", "list", "type", "pubsub"}), Bulk(""));
  EXPECT_EQ(Run({"client", "list", "type", "foo"}), Err("ERR Unknown client type 'foo'"));
  EXPECT_EQ(Run({"client", "list", "id", "999"}), Bulk(""));
  EXPECT_EQ(BulkBody(Run({"client", "list", "id", std::to_string(client_.id)})), body);
  EXPECT_EQ(Run({"client", "list", "foo"}), Err(resp::kSyntaxErr));
  // RESP3: a verbatim string, as Redis.
  client_.resp3 = true;
  EXPECT_THAT(Run({"client", "info"}), StartsWith("="));
}

TEST_F(ServerFamilyTest, ClientKill) {
  auto other_channel = std::make_shared<FakeChannel>();
  ClientState other;
  other.addr = "127.0.0.1:7000";
  other.laddr = "127.0.0.1:6379";
  other.channel = other_channel;
  state_.clients.Add(&other);

  EXPECT_EQ(Run({"client", "kill", "1.2.3.4:5"}), Err("ERR No such client"));
  EXPECT_EQ(Run({"client", "kill", "id", "x"}), Err("ERR client-id should be greater than 0"));
  EXPECT_EQ(Run({"client", "kill", "id", "0"}), Err("ERR client-id should be greater than 0"));
  EXPECT_EQ(Run({"client", "kill", "id", "99999"}), Int(0));
  EXPECT_EQ(Run({"client", "kill", "foo", "bar"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"client", "kill", "skipme", "maybe"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"client", "kill", "user", "bob"}), Err("ERR No such user 'bob'"));
  // SKIPME defaults to yes: only the other client matches the local address.
  EXPECT_EQ(Run({"client", "kill", "laddr", "127.0.0.1:6379"}), Int(1));
  EXPECT_TRUE(other_channel->closed);
  EXPECT_FALSE(client_.close_after_reply);
  other_channel->closed = false;
  EXPECT_EQ(Run({"client", "kill", "127.0.0.1:7000"}), kOk);
  EXPECT_TRUE(other_channel->closed);
  EXPECT_EQ(Run({"client", "kill", "id", std::to_string(client_.id), "skipme", "no"}), Int(1));
  EXPECT_TRUE(client_.close_after_reply);
  state_.clients.Remove(other.id);
}

TEST_F(ServerFamilyTest, ClientFlags) {
  EXPECT_EQ(Run({"client", "no-evict", "on"}), kOk);
  EXPECT_TRUE(client_.no_evict);
  EXPECT_EQ(Run({"client", "no-evict", "maybe"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"client", "no-touch", "off"}), kOk);
  EXPECT_EQ(Run({"client", "reply", "skip"}), "");
  EXPECT_TRUE(client_.reply_skip_next);
  EXPECT_EQ(Run({"client", "reply", "off"}), "");
  EXPECT_TRUE(client_.reply_off);
  EXPECT_EQ(Run({"client", "reply", "on"}), kOk);
  EXPECT_FALSE(client_.reply_off);
  EXPECT_FALSE(client_.reply_skip_next);
  EXPECT_EQ(Run({"client", "reply", "foo"}), Err(resp::kSyntaxErr));
  EXPECT_THAT(
      Run({"client", "help"}),
      StartsWith("*45\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
}

TEST_F(ServerFamilyTest, HelloAndReset) {
  EXPECT_EQ(Run({"hello", "4"}), Err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(Run({"hello", "x"}), Err("ERR Protocol version is not an integer or out of range"));
  EXPECT_EQ(Run({"hello", "3", "setname"}), Err("ERR Syntax error in HELLO option 'setname'"));
  std::string id = std::to_string(client_.id);
  EXPECT_EQ(
      Run({"hello", "3", "setname", "h"}),
      "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
      "$2\r\nid\r\n:" +
          id +
          "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\n"
          "master\r\n$7\r\nmodules\r\n*0\r\n");
  EXPECT_EQ(client_.resp_for_listing.load(), 3);
  // No requirepass: the default user takes any password; other users do not exist.
  EXPECT_EQ(Run({"auth", "default", "anything"}), kOk);
  EXPECT_EQ(Run({"hello", "2", "auth", "other", "x"}), Err(resp::kWrongPassErr));
  EXPECT_THAT(Run({"hello", "2", "auth", "default", "x"}), StartsWith("*14\r\n"));
  EXPECT_EQ(Run({"select", "3"}), kOk);
  int reset_hooks = 0;
  client_.on_reset.push_back([&] { ++reset_hooks; });
  EXPECT_EQ(Run({"reset"}), "+RESET\r\n");
  EXPECT_EQ(reset_hooks, 1);
  EXPECT_EQ(client_.db, 0);
  EXPECT_FALSE(client_.resp3);
  EXPECT_EQ(Run({"client", "getname"}), kNil);
}

TEST_F(ServerFamilyTest, ConfigGetSet) {
  EXPECT_EQ(Run({"config", "get", "maxclients"}), Arr({"maxclients", "10000"}));
  EXPECT_EQ(Run({"config", "get", "maxclients", "maxc*"}), Arr({"maxclients", "10000"}));
  EXPECT_EQ(Run({"config", "get", "nothing"}), "*0\r\n");
  EXPECT_EQ(Run({"config", "get", "MAXCLIENTS"}), Arr({"MAXCLIENTS", "10000"}));
  EXPECT_EQ(Run({"config", "set", "maxclients", "50", "hz", "20"}), kOk);
  EXPECT_EQ(config_.GetInt("maxclients"), 50);
  EXPECT_EQ(config_.GetInt("hz"), 20);
  EXPECT_EQ(Run({"config", "set", "foo", "bar"}),
            Err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
  EXPECT_EQ(Run({"config", "set", "maxclients", "x"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument "
                "couldn't be parsed into an integer"));
  EXPECT_EQ(Run({"config", "set", "maxclients", "10", "maxclients", "20"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxclients') - duplicate "
                "parameter"));
  EXPECT_EQ(Run({"config", "set", "appendfsync", "foo"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) "
                "must be one of the following: everysec, always, no"));
  // Atomic: the valid first pair is rolled back when the second fails.
  EXPECT_EQ(Run({"config", "set", "maxclients", "77", "timeout", "-1"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must "
                "be between 0 and 2147483647 inclusive"));
  // hz is clamped to 1..500, as Redis does, rather than refused.
  EXPECT_EQ(Run({"config", "set", "hz", "100000"}), kOk);
  EXPECT_EQ(config_.GetInt("hz"), 500);
  EXPECT_EQ(config_.GetInt("maxclients"), 50);
  EXPECT_EQ(Run({"config", "set", "port", "1"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'port') - can't set "
                "immutable config"));
  EXPECT_EQ(Run({"config", "set", "maxclients"}),
            Err("ERR wrong number of arguments for 'config|set' command"));
  EXPECT_EQ(Run({"config", "get"}), Err("ERR wrong number of arguments for 'config|get' command"));
  EXPECT_EQ(Run({"config", "foo"}), Err("ERR unknown subcommand 'foo'. Try CONFIG HELP."));
  EXPECT_EQ(Run({"config", "rewrite"}), Err("ERR The server is running without a config file"));
  client_.resp3 = true;
  EXPECT_EQ(Run({"config", "get", "maxclients"}), "%1\r\n$10\r\nmaxclients\r\n$2\r\n50\r\n");
}

TEST_F(ServerFamilyTest, ConfigSetLoglevelNotifiesObservers) {
  std::string seen;
  config_.OnChange("loglevel", [&](const std::string& v) { seen = v; });
  EXPECT_EQ(Run({"config", "set", "loglevel", "warning"}), kOk);
  EXPECT_EQ(seen, "warning");
}

TEST_F(ServerFamilyTest, InfoSections) {
  Run({"set", "k", "v"});
  Run({"get", "k"});
  Run({"get", "missing"});
  std::string info = BulkBody(Run({"info"}));
  for (const char* header : {"# Server\r\n", "# Clients\r\n", "# Memory\r\n", "# Persistence\r\n",
                             "# Stats\r\n", "# Replication\r\n", "# CPU\r\n", "# Keyspace\r\n"}) {
    EXPECT_THAT(info, HasSubstr(header));
  }
  EXPECT_THAT(info, StartsWith("# Server\r\nredis_version:7.0.15\r\n"));
  EXPECT_THAT(info, Not(HasSubstr("# Commandstats")));
  EXPECT_THAT(info, HasSubstr("\r\nkeyspace_hits:1\r\nkeyspace_misses:1\r\n"));
  EXPECT_THAT(info, HasSubstr("\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"));
  EXPECT_THAT(info, HasSubstr("\r\nconnected_clients:1\r\n"));
  EXPECT_THAT(info, HasSubstr("\r\naof_enabled:0\r\n"));
  EXPECT_THAT(info, MatchesRegex("(.|\r|\n)*\r\nused_memory:[1-9][0-9]*\r\n(.|\r|\n)*"));

  std::string stats = BulkBody(Run({"info", "commandstats", "latencystats"}));
  EXPECT_THAT(stats, StartsWith("# Commandstats\r\n"));
  EXPECT_THAT(stats, HasSubstr("cmdstat_get:calls=2,usec="));
  EXPECT_THAT(stats, MatchesRegex("(.|\r|\n)*cmdstat_get:calls=2,usec=[0-9]+,usec_per_call=[0-9.]+,"
                                  "rejected_calls=0,failed_calls=0\r\n(.|\r|\n)*"));
  EXPECT_THAT(stats, MatchesRegex("(.|\r|\n)*\r\n\r\n# Latencystats\r\n(.|\r|\n)*"
                                  "latency_percentiles_usec_get:p50=[0-9.]+,p99=[0-9.]+,"
                                  "p99.9=[0-9.]+\r\n(.|\r|\n)*"));
  EXPECT_EQ(Run({"info", "nosuchsection"}), Bulk(""));
  EXPECT_THAT(BulkBody(Run({"info", "all"})), HasSubstr("# Commandstats"));
  EXPECT_THAT(BulkBody(Run({"INFO", "KEYSPACE"})), StartsWith("# Keyspace\r\ndb0:keys=1"));

  EXPECT_EQ(Run({"config", "resetstat"}), kOk);
  EXPECT_THAT(BulkBody(Run({"info", "stats"})), HasSubstr("\r\nkeyspace_hits:0\r\n"));
  client_.resp3 = true;
  EXPECT_THAT(Run({"info", "server"}), StartsWith("="));
}

TEST_F(ServerFamilyTest, InstantaneousOpsAreSampled) {
  StatsSampler::Totals totals{};
  state_.sampler.Sample(1000, totals);
  totals[StatsSampler::kOps] = 1600;
  state_.sampler.Sample(1100, totals);  // 16000 ops/s over one of 16 samples
  EXPECT_DOUBLE_EQ(state_.sampler.PerSecond(StatsSampler::kOps), 1000.0);
}

TEST_F(ServerFamilyTest, CommandIntrospection) {
  EXPECT_EQ(Run({"command", "count"}), Int(static_cast<int64_t>(state_.commands.All().size())));
  EXPECT_EQ(Run({"command", "info", "get"}),
            "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
            "*2\r\n+@read\r\n+@fast\r\n*0\r\n"
            "*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n"
            "$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n"
            "$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n"
            "$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
  EXPECT_EQ(Run({"command", "info", "nope"}), "*1\r\n$-1\r\n");
  EXPECT_THAT(Run({"command"}), StartsWith("*" + std::to_string(state_.commands.All().size())));
  EXPECT_EQ(Run({"command", "docs", "nope"}), "*0\r\n");
  EXPECT_THAT(Run({"command", "docs", "get"}),
              StartsWith("*2\r\n$3\r\nget\r\n*8\r\n$7\r\nsummary"));
  EXPECT_EQ(Run({"command", "getkeys", "get", "a"}), Arr({"a"}));
  EXPECT_EQ(Run({"command", "getkeys", "nope", "a"}), Err("ERR Invalid command specified"));
  EXPECT_EQ(Run({"command", "getkeys", "ping", "x"}), Err("ERR The command has no key arguments"));
  EXPECT_EQ(Run({"command", "getkeys", "get"}),
            Err("ERR wrong number of arguments for 'command|getkeys' command"));
  EXPECT_EQ(Run({"command", "getkeys", "get", "a", "b"}),
            Err("ERR Invalid number of arguments specified for command"));
  EXPECT_EQ(Run({"command", "list", "filterby", "pattern", "clie*"}), Arr({"client"}));
  EXPECT_EQ(Run({"command", "list", "foo"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"command", "foo"}), Err("ERR unknown subcommand 'foo'. Try COMMAND HELP."));
}

TEST_F(ServerFamilyTest, ObjectEncodingFollowsRedisThresholds) {
  EXPECT_EQ(Run({"object", "encoding", "nokey"}), kNil);
  Run({"set", "i", "12345"});
  Run({"set", "e", std::string(44, 'x')});
  Run({"set", "r", std::string(45, 'x')});
  EXPECT_EQ(Run({"object", "encoding", "i"}), Bulk("int"));
  EXPECT_EQ(Run({"object", "encoding", "e"}), Bulk("embstr"));
  EXPECT_EQ(Run({"object", "encoding", "r"}), Bulk("raw"));
  EXPECT_EQ(Run({"object", "refcount", "i"}), Int(1));
  Run({"set", "shared", "7"});
  EXPECT_EQ(Run({"object", "refcount", "shared"}), Int(2147483647));
  EXPECT_EQ(Run({"object", "refcount", "r"}), Int(1));
  EXPECT_EQ(Run({"object", "idletime", "r"}), Int(0));
  EXPECT_EQ(Run({"object", "foo", "r"}), Err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  EXPECT_EQ(Run({"object", "encoding"}),
            Err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_THAT(Run({"object", "help"}), StartsWith("*15\r\n+OBJECT <subcommand>"));

  Value set = Value::NewSet();
  for (int i = 0; i < 512; ++i) set.set().insert(std::to_string(i));
  EXPECT_EQ(ObjectEncoding(set), "intset");
  set.set().insert("512");
  EXPECT_EQ(ObjectEncoding(set), "hashtable");
  Value small = Value::NewSet();
  small.set().insert("a");
  EXPECT_EQ(ObjectEncoding(small), "hashtable");  // Redis 7.0: no listpack sets
  Value hash = Value::NewHash();
  hash.hash()["f"] = std::string(64, 'v');
  EXPECT_EQ(ObjectEncoding(hash), "listpack");
  hash.hash()["g"] = std::string(65, 'v');
  EXPECT_EQ(ObjectEncoding(hash), "hashtable");
  Value list = Value::NewList();
  list.list().push_back("a");
  EXPECT_EQ(ObjectEncoding(list), "quicklist");  // Redis 7.0: every list
  for (int i = 0; i < 100; ++i) list.list().push_back(std::string(100, 'x'));
  EXPECT_EQ(ObjectEncoding(list), "quicklist");
  Value zset = Value::NewZSet();
  for (int i = 0; i < 128; ++i) zset.zset().Add("m" + std::to_string(i), i);
  EXPECT_EQ(ObjectEncoding(zset), "listpack");
  zset.zset().Add("one-more", 1);
  EXPECT_EQ(ObjectEncoding(zset), "skiplist");
  Value long_member = Value::NewZSet();
  long_member.zset().Add(std::string(65, 'm'), 1);
  EXPECT_EQ(ObjectEncoding(long_member), "skiplist");

  EncodingLimits tight;
  tight.set_max_intset_entries = 2;
  tight.hash_max_listpack_entries = 0;
  tight.zset_max_listpack_value = 1;
  Value three = Value::NewSet();
  for (const char* m : {"1", "2"}) three.set().insert(m);
  EXPECT_EQ(ObjectEncoding(three, tight), "intset");
  three.set().insert("3");
  EXPECT_EQ(ObjectEncoding(three, tight), "hashtable");
  EXPECT_EQ(ObjectEncoding(hash, tight), "hashtable");
  EXPECT_EQ(ObjectEncoding(zset, tight), "skiplist");
}

TEST_F(ServerFamilyTest, ObjectEncodingFollowsConfig) {
  Run({"sadd", "s", "1", "2", "3"});
  EXPECT_EQ(Run({"object", "encoding", "s"}), Bulk("intset"));
  EXPECT_EQ(Run({"config", "set", "set-max-intset-entries", "2"}), "+OK\r\n");
  EXPECT_EQ(Run({"object", "encoding", "s"}), Bulk("hashtable"));
  Run({"hset", "h", "f", "v"});
  EXPECT_EQ(Run({"config", "set", "hash-max-ziplist-entries", "0"}), "+OK\r\n");
  EXPECT_EQ(Run({"config", "get", "hash-max-listpack-entries"}),
            "*2\r\n$25\r\nhash-max-listpack-entries\r\n$1\r\n0\r\n");
  EXPECT_EQ(Run({"object", "encoding", "h"}), Bulk("hashtable"));
}

TEST_F(ServerFamilyTest, MemoryUsage) {
  EXPECT_EQ(Run({"memory", "usage", "nokey"}), kNil);
  Run({"set", "k", std::string(1000, 'x')});
  std::string reply = Run({"memory", "usage", "k"});
  ASSERT_EQ(reply[0], ':');
  EXPECT_GT(std::stoll(reply.substr(1)), 1000);
  EXPECT_EQ(Run({"memory", "usage", "k", "samples", "0"}), reply);
  // A 16-byte key with a 16-byte value is one entry block (value inline) and a table slot.
  Run({"set", "key:000000000001", "0000000000000001"});
  EXPECT_EQ(Run({"memory", "usage", "key:000000000001"}),
            ":" + std::to_string(sizeof(EntryPtr) + sizeof(Entry) + 16) + "\r\n");
  EXPECT_EQ(Run({"memory", "usage", "k", "foo"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"memory", "usage"}),
            Err("ERR wrong number of arguments for 'memory|usage' command"));
  EXPECT_EQ(Run({"memory", "foo"}), Err("ERR unknown subcommand 'foo'. Try MEMORY HELP."));
  EXPECT_EQ(BytesToHuman(965912), "943.27K");
  EXPECT_EQ(BytesToHuman(1023), "1023B");
}

TEST_F(ServerFamilyTest, MiscServerCommands) {
  std::string time = Run({"time"});
  EXPECT_THAT(time, MatchesRegex("\\*2\r\n\\$10\r\n[0-9]{10}\r\n\\$[1-6]\r\n[0-9]+\r\n"));
  state_.start_time_ms = 1795619261000;
  EXPECT_EQ(Run({"lastsave"}), Int(1795619261));
  EXPECT_EQ(Run({"role"}), "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
  EXPECT_EQ(Run({"wait", "0", "0"}), Int(0));
  EXPECT_EQ(Run({"wait", "x", "0"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"wait", "0", "-1"}), Err("ERR timeout is negative"));
  // enable-debug-command no (the default) refuses DEBUG, as Redis 7.
  EXPECT_THAT(Run({"debug", "sleep", "0"}), StartsWith("-ERR DEBUG command not allowed."));
  ASSERT_FALSE(config_.Set("enable-debug-command", "yes"));
  EXPECT_EQ(Run({"debug", "sleep", "0"}), kOk);
  EXPECT_EQ(Run({"debug", "foo"}), Err("ERR unknown subcommand 'foo'. Try DEBUG HELP."));
}

TEST_F(ServerFamilyTest, Shutdown) {
  int requests = 0;
  state_.request_shutdown = [&] { ++requests; };
  EXPECT_EQ(Run({"shutdown", "foo"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"shutdown", "nosave", "save"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"shutdown", "abort"}), Err("ERR No shutdown in progress."));
  EXPECT_EQ(requests, 0);
  EXPECT_EQ(Run({"shutdown", "nosave"}), "");  // no reply on success, as Redis
  EXPECT_EQ(requests, 1);
  EXPECT_TRUE(client_.close_after_reply);
}

TEST(ClientInfoTest, ValidClientName) {
  EXPECT_TRUE(ValidClientName("abc-1_2"));
  EXPECT_FALSE(ValidClientName("a b"));
  EXPECT_FALSE(ValidClientName("a\nb"));
  EXPECT_TRUE(ValidClientName(""));
}

}  // namespace
}  // namespace kv
