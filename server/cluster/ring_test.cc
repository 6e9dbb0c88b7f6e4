#include "server/cluster/ring.h"

#include <gtest/gtest.h>

#include <random>

#include "server/cluster/cluster_state.h"

namespace kv::cluster {
namespace {

std::vector<std::string> Ids(int n, int offset = 0) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    ids.push_back(std::string(39, 'a') + static_cast<char>('0' + i + offset));
  }
  return ids;
}

double Share(const std::vector<int16_t>& owners, int16_t who) {
  return static_cast<double>(std::count(owners.begin(), owners.end(), who)) / kNumSlots;
}

TEST(Ring, SameMembersGiveTheSameSlotTable) {
  ClusterState a;
  a.epoch = 1;
  a.slot_owner = RingOwners(Ids(3), 128);
  for (const auto& id : Ids(3)) a.members.push_back(Member{id, "127.0.0.1", 1, 2});
  // Golden digest: a change to the token hash, the slot positions or the serialisation that would
  // make two versions of kvcache disagree on owners shows up here.
  EXPECT_EQ(a.Digest(), ClusterState(a).Digest());
  EXPECT_EQ(RingOwners(Ids(3), 128), RingOwners(Ids(3), 128));
  EXPECT_EQ(a.Digest(), "bb51f369f0845540");
}

TEST(Ring, ThreeNodesShareSlotsAndKeys) {
  const auto owners = RingOwners(Ids(3), 128);
  for (int16_t m = 0; m < 3; ++m) {
    EXPECT_GE(Share(owners, m), 0.20) << m;
    EXPECT_LE(Share(owners, m), 0.47) << m;
  }
  // 30k random keys land by slot; their shares follow the slot shares.
  std::mt19937_64 rng(7);
  std::array<int, 3> keys{};
  for (int i = 0; i < 30000; ++i) ++keys[static_cast<size_t>(owners[rng() % kNumSlots])];
  for (int k : keys) {
    EXPECT_GE(k, 6000);
    EXPECT_LE(k, 14100);
  }
}

TEST(Ring, AFourthNodeTakesAFairShareAndOnlyItGains) {
  const auto ids3 = Ids(3);
  auto ids4 = ids3;
  ids4.push_back(Ids(1, 3)[0]);  // sorts after the others, so indexes 0..2 keep their meaning
  const auto before = RingOwners(ids3, 128);
  const auto after = RingOwners(ids4, 128);
  size_t moved = 0;
  for (size_t s = 0; s < kNumSlots; ++s) {
    if (before[s] != after[s]) {
      ++moved;
      EXPECT_EQ(after[s], 3) << "slot " << s << " moved between old members";
    }
  }
  const double share = static_cast<double>(moved) / kNumSlots;
  EXPECT_GE(share, 0.15);
  EXPECT_LE(share, 0.35);
}

TEST(Ring, RemovingANodeMovesOnlyItsSlots) {
  const auto ids4 = Ids(4);
  std::vector<std::string> ids3 = {ids4[0], ids4[1], ids4[3]};
  const auto before = RingOwners(ids4, 128);
  const auto after = RingOwners(ids3, 128);
  const int16_t remap[] = {0, 1, -1, 2};
  for (size_t s = 0; s < kNumSlots; ++s) {
    if (before[s] != 2) {
      EXPECT_EQ(after[s], remap[before[s]]) << "slot " << s;
    }
  }
}

TEST(Ring, PlanMovesListsSlotsMovingToANewMember) {
  ClusterState st;
  st.epoch = 5;
  st.vnodes = 64;
  const auto ids = Ids(3);
  for (const auto& id : ids) st.members.push_back(Member{id, "h", 1, 2});
  st.slot_owner = RingOwners({ids[0], ids[1]}, 64);  // the third has joined but owns nothing yet
  const auto moves = PlanMoves(st);
  ASSERT_FALSE(moves.empty());
  for (const SlotMove& m : moves) EXPECT_EQ(m.to, ids[2]);
  st.members[1].state = MemberState::kLeaving;
  for (const SlotMove& m : PlanMoves(st)) EXPECT_NE(m.to, ids[1]);
}

TEST(ClusterStateJson, RoundTripsAndRejectsGarbage) {
  ClusterState s = BootstrapState(Member{"b", "10.0.0.1", 6379, 7379}, 128, "c1");
  s.UpsertMember(Member{"a", "host-a.svc", 6380, 7380, MemberState::kJoining});
  EXPECT_EQ(s.OwnerOf(0)->id, "b");  // inserting "a" before "b" kept owners pointing at "b"
  s.slot_owner[5] = 0;
  s.migrations.push_back({5, "b", "a"});
  std::string err;
  auto back = ClusterState::FromJson(s.ToJson(), &err);
  ASSERT_TRUE(back) << err;
  EXPECT_EQ(*back, s);
  EXPECT_EQ(back->Digest(), s.Digest());
  s.RemoveMember("a");
  EXPECT_EQ(s.OwnerOf(5), nullptr);
  EXPECT_EQ(s.OwnerOf(6)->id, "b");
  EXPECT_FALSE(ClusterState::FromJson("{", &err));
  EXPECT_FALSE(ClusterState::FromJson(R"({"version":99})", &err));
  EXPECT_NE(err.find("version"), std::string::npos);
  EXPECT_FALSE(ClusterState::FromJson(
      R"({"version":1,"epoch":1,"cluster_id":"c","vnodes":1,"change_id":"x","members":[],"slots":[[0,5,0]],"migrations":[]})",
      &err));
}

}  // namespace
}  // namespace kv::cluster
