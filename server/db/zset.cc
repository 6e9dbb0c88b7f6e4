#include "server/db/zset.h"

#include <absl/hash/hash.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

// The skip list is a port of Redis's zskiplist (t_zset.c): same search, insert, delete, rank and
// range algorithms, with the C names given next to each function.

namespace kv {

// One skip list element, allocated as a single block:
//   [Node][Level x level][member bytes]
// The level array and the member are reached by pointer arithmetic (C++ has no flexible array
// members). Blocks come from AllocNode() and go back through NodeDeleter; nothing else allocates
// or frees them. The header node uses the same layout with no member.
struct ZSet::Node {
  struct Level {
    Node* forward;
    size_t span;  // number of level-0 steps this link jumps over
  };

  double score;
  Node* backward;  // nullptr for the first element (never points at the header)
  uint32_t member_len;
  int32_t level;

  Level* levels() { return reinterpret_cast<Level*>(this + 1); }
  const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
  Level& lv(int i) { return levels()[i]; }
  const Level& lv(int i) const { return levels()[i]; }
  char* member_data() { return reinterpret_cast<char*>(levels() + level); }
  std::string_view member() const {
    return {reinterpret_cast<const char*>(levels() + level), member_len};
  }
  static size_t AllocSize(int level, size_t member_len) {
    return sizeof(Node) + static_cast<size_t>(level) * sizeof(Level) + member_len;
  }
  size_t alloc_size() const { return AllocSize(level, member_len); }
};

static_assert(sizeof(ZSet::Node) % alignof(ZSet::Node::Level) == 0,
              "levels must start aligned right after the node header");
static_assert(std::is_trivially_destructible_v<ZSet::Node>);

namespace {

using Node = ZSet::Node;

// Ascending order: by score, then by member bytes (memcmp order, shorter prefix first), as Redis.
bool Less(const Node* n, double score, std::string_view member) {
  return n->score < score || (n->score == score && n->member() < member);
}

bool ValueGteMin(double v, const ZScoreRange& r) {
  return r.min_exclusive ? v > r.min : v >= r.min;
}
bool ValueLteMax(double v, const ZScoreRange& r) {
  return r.max_exclusive ? v < r.max : v <= r.max;
}

// sdscmplex for an element against a bound: "-" is below and "+" above every string.
int CompareLex(std::string_view v, const ZLexBound& b) {
  switch (b.kind) {
    case ZLexBound::Kind::kMinusInf:
      return 1;
    case ZLexBound::Kind::kPlusInf:
      return -1;
    case ZLexBound::Kind::kValue:
      break;
  }
  int c = v.compare(b.value);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// sdscmplex for two bounds.
int CompareBounds(const ZLexBound& a, const ZLexBound& b) {
  using Kind = ZLexBound::Kind;
  if (a.kind != Kind::kValue && a.kind == b.kind) return 0;
  if (a.kind == Kind::kMinusInf || b.kind == Kind::kPlusInf) return -1;
  if (a.kind == Kind::kPlusInf || b.kind == Kind::kMinusInf) return 1;
  int c = a.value.compare(b.value);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool LexGteMin(std::string_view v, const ZLexRange& r) {
  int c = CompareLex(v, r.min);
  return r.min.exclusive ? c > 0 : c >= 0;
}
bool LexLteMax(std::string_view v, const ZLexRange& r) {
  int c = CompareLex(v, r.max);
  return r.max.exclusive ? c < 0 : c <= 0;
}

// Visits up to `count` nodes from x (inclusive) while `in_range` holds, walking forward or
// backward.
template <typename InRange>
size_t Walk(const Node* x, size_t count, bool reverse, InRange in_range, ZSet::Visitor visit) {
  size_t n = 0;
  while (x != nullptr && n < count && in_range(x)) {
    visit(x->member(), x->score);
    ++n;
    x = reverse ? x->backward : x->lv(0).forward;
  }
  return n;
}

// zslParseRange for one bound.
bool ParseScoreBound(std::string_view s, double* value, bool* exclusive) {
  *exclusive = false;
  if (!s.empty() && s[0] == '(') {
    s.remove_prefix(1);
    *exclusive = true;
  }
  // strtod needs a terminator. Like Redis, an embedded NUL ends the number ("eptr[0] != '\0'").
  std::string buf(s);
  char* end = nullptr;
  double v = std::strtod(buf.c_str(), &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *value = v;
  return true;
}

// zslParseLexRangeItem.
bool ParseLexBound(std::string_view s, ZLexBound* b) {
  if (s.empty()) return false;
  // "+" and "-" must be the whole argument; C sees "+\0..." as "+" too.
  const bool alone = s.size() == 1 || s[1] == '\0';
  switch (s[0]) {
    case '+':
      if (!alone) return false;
      *b = ZLexBound{ZLexBound::Kind::kPlusInf, true, {}};
      return true;
    case '-':
      if (!alone) return false;
      *b = ZLexBound{ZLexBound::Kind::kMinusInf, true, {}};
      return true;
    case '(':
      *b = ZLexBound{ZLexBound::Kind::kValue, true, std::string(s.substr(1))};
      return true;
    case '[':
      *b = ZLexBound{ZLexBound::Kind::kValue, false, std::string(s.substr(1))};
      return true;
    default:
      return false;
  }
}

}  // namespace

RangeParseResult<ZScoreRange> ParseScoreRange(std::string_view min, std::string_view max) {
  ZScoreRange r;
  if (!ParseScoreBound(min, &r.min, &r.min_exclusive) ||
      !ParseScoreBound(max, &r.max, &r.max_exclusive)) {
    return {std::nullopt, kZMinMaxNotFloatErr};
  }
  return {r, {}};
}

RangeParseResult<ZLexRange> ParseLexRange(std::string_view min, std::string_view max) {
  ZLexRange r;
  if (!ParseLexBound(min, &r.min) || !ParseLexBound(max, &r.max)) {
    return {std::nullopt, kZMinMaxNotLexErr};
  }
  return {std::move(r), {}};
}

std::optional<std::pair<size_t, size_t>> NormalizeRankRange(int64_t start, int64_t stop,
                                                            size_t size) {
  const auto len = static_cast<int64_t>(size);
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return std::nullopt;
  if (stop >= len) stop = len - 1;
  return std::make_pair(static_cast<size_t>(start), static_cast<size_t>(stop));
}

// ---- Cursor ----

std::string_view ZSet::Cursor::member() const { return node_->member(); }
double ZSet::Cursor::score() const { return node_->score; }
void ZSet::Cursor::Next() { node_ = node_->lv(0).forward; }
void ZSet::Cursor::Prev() { node_ = node_->backward; }

// ---- Node memory ----

void ZSet::NodeDeleter::operator()(Node* node) const {
  // Node and Level are trivially destructible: releasing the block ends their lifetimes.
  ::operator delete(static_cast<void*>(node));
}

ZSet::NodePtr ZSet::AllocNode(int level, double score, std::string_view member) {
  assert(member.size() <= std::numeric_limits<uint32_t>::max());
  void* mem = ::operator new(Node::AllocSize(level, member.size()));
  NodePtr node(::new (mem) Node{score, nullptr, static_cast<uint32_t>(member.size()), level});
  for (int i = 0; i < level; ++i) ::new (&node->levels()[i]) Node::Level{nullptr, 0};
  if (!member.empty()) std::memcpy(node->member_data(), member.data(), member.size());
  return node;
}

// ---- Construction ----

ZSet::ZSet() {
  // Levels must not be predictable: with a known sequence a client could insert, keep only the
  // low-level nodes and degrade the list to linear scans. absl's hash is seeded per process.
  rng_state_ = absl::HashOf(reinterpret_cast<uintptr_t>(this)) | 1;
}

ZSet::~ZSet() { Clear(); }

ZSet::ZSet(ZSet&& other) noexcept
    : header_(std::move(other.header_)),
      header_levels_(std::exchange(other.header_levels_, 0)),
      tail_(std::exchange(other.tail_, nullptr)),
      length_(std::exchange(other.length_, 0)),
      level_(std::exchange(other.level_, 1)),
      node_bytes_(std::exchange(other.node_bytes_, 0)),
      rng_state_(other.rng_state_),
      index_(std::move(other.index_)) {
  other.index_.clear();
}

ZSet& ZSet::operator=(ZSet&& other) noexcept {
  if (this != &other) {
    Clear();
    header_ = std::move(other.header_);
    header_levels_ = std::exchange(other.header_levels_, 0);
    tail_ = std::exchange(other.tail_, nullptr);
    length_ = std::exchange(other.length_, 0);
    level_ = std::exchange(other.level_, 1);
    node_bytes_ = std::exchange(other.node_bytes_, 0);
    index_ = std::move(other.index_);
    other.index_.clear();
  }
  return *this;
}

ZSet::ZSet(const ZSet& other) : ZSet() {
  index_.reserve(other.length_);
  other.ForEach([this](std::string_view member, double score) { Add(member, score); });
}

ZSet& ZSet::operator=(const ZSet& other) {
  if (this != &other) *this = ZSet(other);
  return *this;
}

void ZSet::Clear() {
  index_.clear();
  if (header_ == nullptr) return;
  Node* x = header_->lv(0).forward;
  while (x != nullptr) {
    Node* next = x->lv(0).forward;
    NodePtr owned(x);  // freed at the end of this iteration
    x = next;
  }
  for (int i = 0; i < header_levels_; ++i) header_->lv(i) = Node::Level{nullptr, 0};
  tail_ = nullptr;
  length_ = 0;
  level_ = 1;
  node_bytes_ = 0;
}

// ---- Skip list core ----

int ZSet::RandomLevel() {
  // splitmix64; each extra level has probability 1/4 (ZSKIPLIST_P), i.e. two more zero bits.
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  int level = 1 + (z == 0 ? 64 : std::countr_zero(z)) / 2;
  return level < kMaxLevel ? level : kMaxLevel;
}

// The header grows on demand instead of always carrying kMaxLevel levels (512 bytes), which
// matters for the many small sorted sets. Nothing points at the header except header_ (first
// elements have backward == nullptr), so it can be reallocated freely.
void ZSet::EnsureHeader(int level) {
  if (level <= header_levels_) return;
  int capacity = std::max(level, std::min(kMaxLevel, std::max(4, header_levels_ * 2)));
  NodePtr grown = AllocNode(capacity, 0, {});
  for (int i = 0; i < header_levels_; ++i) grown->lv(i) = header_->lv(i);
  header_ = std::move(grown);
  header_levels_ = capacity;
}

// zslInsert, linking an existing node.
void ZSet::InsertNode(Node* x) {
  EnsureHeader(x->level);
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  Node* const head = header_.get();
  const std::string_view member = x->member();

  Node* p = head;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (p->lv(i).forward != nullptr && Less(p->lv(i).forward, x->score, member)) {
      rank[i] += p->lv(i).span;
      p = p->lv(i).forward;
    }
    update[i] = p;
  }
  if (x->level > level_) {
    for (int i = level_; i < x->level; ++i) {
      rank[i] = 0;
      update[i] = head;
      head->lv(i).span = length_;
    }
    level_ = x->level;
  }
  for (int i = 0; i < x->level; ++i) {
    x->lv(i).forward = update[i]->lv(i).forward;
    update[i]->lv(i).forward = x;
    x->lv(i).span = update[i]->lv(i).span - (rank[0] - rank[i]);
    update[i]->lv(i).span = (rank[0] - rank[i]) + 1;
  }
  for (int i = x->level; i < level_; ++i) update[i]->lv(i).span++;

  x->backward = update[0] == head ? nullptr : update[0];
  if (x->lv(0).forward != nullptr) {
    x->lv(0).forward->backward = x;
  } else {
    tail_ = x;
  }
  ++length_;
}

// zslDeleteNode.
void ZSet::UnlinkNode(Node* x, Node** update) {
  for (int i = 0; i < level_; ++i) {
    if (update[i]->lv(i).forward == x) {
      update[i]->lv(i).span += x->lv(i).span - 1;
      update[i]->lv(i).forward = x->lv(i).forward;
    } else {
      update[i]->lv(i).span -= 1;
    }
  }
  if (x->lv(0).forward != nullptr) {
    x->lv(0).forward->backward = x->backward;
  } else {
    tail_ = x->backward;
  }
  while (level_ > 1 && header_->lv(level_ - 1).forward == nullptr) --level_;
  --length_;
}

void ZSet::EraseNode(Node* x, Node** update) {
  UnlinkNode(x, update);
  index_.erase(x->member());  // before the free: the key views the node's bytes
  node_bytes_ -= x->alloc_size();
  NodePtr owned(x);
}

ZSet::Node* ZSet::FindForUpdate(double score, std::string_view member, Node** update) const {
  Node* x = header_.get();
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && Less(x->lv(i).forward, score, member)) {
      x = x->lv(i).forward;
    }
    update[i] = x;
  }
  return x->lv(0).forward;
}

// zslGetRank.
size_t ZSet::RankOf(double score, std::string_view member) const {
  size_t rank = 0;
  const Node* x = header_.get();
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr &&
           (x->lv(i).forward->score < score ||
            (x->lv(i).forward->score == score && x->lv(i).forward->member() <= member))) {
      rank += x->lv(i).span;
      x = x->lv(i).forward;
    }
    if (x != header_.get() && x->score == score && x->member() == member) return rank;
  }
  return 0;
}

// zslGetElementByRank.
ZSet::Node* ZSet::NodeAtRank(size_t rank1) const {
  if (rank1 == 0 || rank1 > length_) return nullptr;
  size_t traversed = 0;
  Node* x = header_.get();
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && traversed + x->lv(i).span <= rank1) {
      traversed += x->lv(i).span;
      x = x->lv(i).forward;
    }
    if (traversed == rank1) return x;
  }
  return nullptr;
}

// ---- Point operations ----

bool ZSet::Add(std::string_view member, double score) {
  assert(!std::isnan(score));
  auto it = index_.find(member);
  if (it != index_.end()) {
    const double current = it->second;
    if (current == score) return false;
    // zslUpdateScore: keep the node where it is when the order is unchanged, else relink it.
    Node* update[kMaxLevel];
    Node* x = FindForUpdate(current, member, update);
    assert(x != nullptr && x->score == current && x->member() == member);
    if ((x->backward == nullptr || x->backward->score < score) &&
        (x->lv(0).forward == nullptr || x->lv(0).forward->score > score)) {
      x->score = score;
    } else {
      UnlinkNode(x, update);
      x->score = score;
      InsertNode(x);  // cannot allocate: the header already covers x's level
    }
    it->second = score;
    return false;
  }
  // Allocate everything that can throw before linking, so a bad_alloc leaves the set unchanged.
  NodePtr node = AllocNode(RandomLevel(), score, member);
  EnsureHeader(node->level);
  index_.emplace(node->member(), score);
  node_bytes_ += node->alloc_size();
  InsertNode(node.release());  // the list owns it from here on
  return true;
}

ZAddResult ZSet::Add(std::string_view member, double score, const ZAddOptions& options) {
  ZAddResult result;
  if (std::isnan(score)) {
    result.nan = true;
    return result;
  }
  auto it = index_.find(member);
  if (it != index_.end()) {
    if (options.nx) {
      result.nop = true;
      return result;
    }
    const double current = it->second;
    if (options.incr) {
      score += current;
      if (std::isnan(score)) {  // inf + -inf
        result.nan = true;
        return result;
      }
    }
    if ((options.lt && score >= current) || (options.gt && score <= current)) {
      result.nop = true;
      return result;
    }
    result.new_score = score;
    if (score != current) {
      Add(member, score);
      result.updated = true;
    }
    return result;
  }
  if (options.xx) {
    result.nop = true;
    return result;
  }
  Add(member, score);
  result.added = true;
  result.new_score = score;
  return result;
}

bool ZSet::Remove(std::string_view member) {
  auto it = index_.find(member);
  if (it == index_.end()) return false;
  Node* update[kMaxLevel];
  Node* x = FindForUpdate(it->second, member, update);
  assert(x != nullptr && x->member() == member);
  EraseNode(x, update);
  return true;
}

std::optional<double> ZSet::Score(std::string_view member) const {
  auto it = index_.find(member);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> ZSet::Rank(std::string_view member, bool reverse) const {
  auto it = index_.find(member);
  if (it == index_.end()) return std::nullopt;
  const size_t rank1 = RankOf(it->second, member);
  assert(rank1 != 0);
  return reverse ? length_ - rank1 : rank1 - 1;
}

ZSet::Cursor ZSet::First() const { return Cursor(length_ == 0 ? nullptr : header_->lv(0).forward); }
ZSet::Cursor ZSet::Last() const { return Cursor(tail_); }
ZSet::Cursor ZSet::AtRank(size_t rank) const {
  return Cursor(rank >= length_ ? nullptr : NodeAtRank(rank + 1));
}

// ---- Score ranges ----

// zslIsInRange: false when the range is empty or misses the set entirely.
bool ZSet::IsInScoreRange(const ZScoreRange& r) const {
  if (r.min > r.max || (r.min == r.max && (r.min_exclusive || r.max_exclusive))) return false;
  if (length_ == 0) return false;
  if (!ValueGteMin(tail_->score, r)) return false;
  if (!ValueLteMax(header_->lv(0).forward->score, r)) return false;
  return true;
}

// zslNthInRange / zslFirstInRange, also returning the 1-based rank.
std::pair<ZSet::Node*, size_t> ZSet::FirstInScore(const ZScoreRange& r) const {
  if (!IsInScoreRange(r)) return {nullptr, 0};
  Node* x = header_.get();
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && !ValueGteMin(x->lv(i).forward->score, r)) {
      rank += x->lv(i).span;
      x = x->lv(i).forward;
    }
  }
  x = x->lv(0).forward;  // not null: the tail is >= min
  if (!ValueLteMax(x->score, r)) return {nullptr, 0};
  return {x, rank + 1};
}

// zslLastInRange.
std::pair<ZSet::Node*, size_t> ZSet::LastInScore(const ZScoreRange& r) const {
  if (!IsInScoreRange(r)) return {nullptr, 0};
  Node* x = header_.get();
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && ValueLteMax(x->lv(i).forward->score, r)) {
      rank += x->lv(i).span;
      x = x->lv(i).forward;
    }
  }
  // Not the header: the first element is <= max.
  if (!ValueGteMin(x->score, r)) return {nullptr, 0};
  return {x, rank};
}

ZSet::Cursor ZSet::FirstInScoreRange(const ZScoreRange& r) const {
  return Cursor(FirstInScore(r).first);
}
ZSet::Cursor ZSet::LastInScoreRange(const ZScoreRange& r) const {
  return Cursor(LastInScore(r).first);
}

size_t ZSet::CountInScoreRange(const ZScoreRange& r) const {
  auto [first, first_rank] = FirstInScore(r);
  if (first == nullptr) return 0;
  auto [last, last_rank] = LastInScore(r);
  return last_rank - first_rank + 1;
}

// ---- Lex ranges ----

// zslIsInLexRange.
bool ZSet::IsInLexRange(const ZLexRange& r) const {
  int cmp = CompareBounds(r.min, r.max);
  if (cmp > 0 || (cmp == 0 && (r.min.exclusive || r.max.exclusive))) return false;
  if (length_ == 0) return false;
  if (!LexGteMin(tail_->member(), r)) return false;
  if (!LexLteMax(header_->lv(0).forward->member(), r)) return false;
  return true;
}

// zslFirstInLexRange.
std::pair<ZSet::Node*, size_t> ZSet::FirstInLex(const ZLexRange& r) const {
  if (!IsInLexRange(r)) return {nullptr, 0};
  Node* x = header_.get();
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && !LexGteMin(x->lv(i).forward->member(), r)) {
      rank += x->lv(i).span;
      x = x->lv(i).forward;
    }
  }
  x = x->lv(0).forward;
  if (x == nullptr || !LexLteMax(x->member(), r)) return {nullptr, 0};
  return {x, rank + 1};
}

// zslLastInLexRange.
std::pair<ZSet::Node*, size_t> ZSet::LastInLex(const ZLexRange& r) const {
  if (!IsInLexRange(r)) return {nullptr, 0};
  Node* x = header_.get();
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && LexLteMax(x->lv(i).forward->member(), r)) {
      rank += x->lv(i).span;
      x = x->lv(i).forward;
    }
  }
  if (x == header_.get() || !LexGteMin(x->member(), r)) return {nullptr, 0};
  return {x, rank};
}

ZSet::Cursor ZSet::FirstInLexRange(const ZLexRange& r) const { return Cursor(FirstInLex(r).first); }
ZSet::Cursor ZSet::LastInLexRange(const ZLexRange& r) const { return Cursor(LastInLex(r).first); }

size_t ZSet::CountInLexRange(const ZLexRange& r) const {
  auto [first, first_rank] = FirstInLex(r);
  if (first == nullptr) return 0;
  auto [last, last_rank] = LastInLex(r);
  // With unequal scores (undefined in Redis too) the last match can precede the first one.
  return last == nullptr || last_rank < first_rank ? 0 : last_rank - first_rank + 1;
}

// ---- Range visits ----

size_t ZSet::RangeByRank(size_t start, size_t stop, bool reverse, Visitor visit) const {
  if (start >= length_ || start > stop) return 0;
  if (stop >= length_) stop = length_ - 1;
  const Node* x = reverse ? NodeAtRank(length_ - start) : NodeAtRank(start + 1);
  return Walk(
      x, stop - start + 1, reverse, [](const Node*) { return true; }, visit);
}

size_t ZSet::RangeByScore(const ZScoreRange& r, bool reverse, size_t offset, size_t count,
                          Visitor visit) const {
  if (count == 0) return 0;
  if (!reverse) {
    auto [x, rank] = FirstInScore(r);
    if (x == nullptr) return 0;
    if (offset > 0) {
      if (offset > length_ - rank) return 0;
      x = NodeAtRank(rank + offset);
    }
    return Walk(
        x, count, false, [&r](const Node* n) { return ValueLteMax(n->score, r); }, visit);
  }
  auto [x, rank] = LastInScore(r);
  if (x == nullptr) return 0;
  if (offset > 0) {
    if (offset >= rank) return 0;
    x = NodeAtRank(rank - offset);
  }
  return Walk(
      x, count, true, [&r](const Node* n) { return ValueGteMin(n->score, r); }, visit);
}

size_t ZSet::RangeByLex(const ZLexRange& r, bool reverse, size_t offset, size_t count,
                        Visitor visit) const {
  if (count == 0) return 0;
  if (!reverse) {
    auto [x, rank] = FirstInLex(r);
    if (x == nullptr) return 0;
    if (offset > 0) {
      if (offset > length_ - rank) return 0;
      x = NodeAtRank(rank + offset);
    }
    return Walk(
        x, count, false, [&r](const Node* n) { return LexLteMax(n->member(), r); }, visit);
  }
  auto [x, rank] = LastInLex(r);
  if (x == nullptr) return 0;
  if (offset > 0) {
    if (offset >= rank) return 0;
    x = NodeAtRank(rank - offset);
  }
  return Walk(
      x, count, true, [&r](const Node* n) { return LexGteMin(n->member(), r); }, visit);
}

void ZSet::ForEach(Visitor visit) const {
  if (length_ == 0) return;
  Walk(
      header_->lv(0).forward, kNoLimit, false, [](const Node*) { return true; }, visit);
}

// ---- Range removal ----

// zslDeleteRangeByRank. update[] stays valid while deleting: every removed node follows it.
size_t ZSet::RemoveRangeByRank(size_t start, size_t stop) {
  if (start >= length_ || start > stop) return 0;
  if (stop >= length_) stop = length_ - 1;
  const size_t start1 = start + 1;
  const size_t stop1 = stop + 1;
  Node* update[kMaxLevel];
  Node* x = header_.get();
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && traversed + x->lv(i).span < start1) {
      traversed += x->lv(i).span;
      x = x->lv(i).forward;
    }
    update[i] = x;
  }
  ++traversed;
  x = x->lv(0).forward;
  size_t removed = 0;
  while (x != nullptr && traversed <= stop1) {
    Node* next = x->lv(0).forward;
    EraseNode(x, update);
    ++removed;
    ++traversed;
    x = next;
  }
  return removed;
}

// zslDeleteRangeByScore.
size_t ZSet::RemoveRangeByScore(const ZScoreRange& r) {
  if (length_ == 0) return 0;
  Node* update[kMaxLevel];
  Node* x = header_.get();
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && !ValueGteMin(x->lv(i).forward->score, r)) {
      x = x->lv(i).forward;
    }
    update[i] = x;
  }
  x = x->lv(0).forward;
  size_t removed = 0;
  while (x != nullptr && ValueLteMax(x->score, r)) {
    Node* next = x->lv(0).forward;
    EraseNode(x, update);
    ++removed;
    x = next;
  }
  return removed;
}

// zslDeleteRangeByLex.
size_t ZSet::RemoveRangeByLex(const ZLexRange& r) {
  if (length_ == 0) return 0;
  Node* update[kMaxLevel];
  Node* x = header_.get();
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->lv(i).forward != nullptr && !LexGteMin(x->lv(i).forward->member(), r)) {
      x = x->lv(i).forward;
    }
    update[i] = x;
  }
  x = x->lv(0).forward;
  size_t removed = 0;
  while (x != nullptr && LexLteMax(x->member(), r)) {
    Node* next = x->lv(0).forward;
    EraseNode(x, update);
    ++removed;
    x = next;
  }
  return removed;
}

std::vector<ZEntry> ZSet::PopMin(size_t count) {
  std::vector<ZEntry> out;
  out.reserve(std::min(count, length_));
  while (out.size() < count && length_ > 0) {
    // The first element's predecessor is the header on every level.
    Node* update[kMaxLevel];
    for (int i = 0; i < level_; ++i) update[i] = header_.get();
    Node* x = header_->lv(0).forward;
    out.push_back(ZEntry{std::string(x->member()), x->score});
    EraseNode(x, update);
  }
  return out;
}

std::vector<ZEntry> ZSet::PopMax(size_t count) {
  std::vector<ZEntry> out;
  out.reserve(std::min(count, length_));
  while (out.size() < count && length_ > 0) {
    Node* update[kMaxLevel];
    Node* x = FindForUpdate(tail_->score, tail_->member(), update);
    assert(x == tail_);
    out.push_back(ZEntry{std::string(x->member()), x->score});
    EraseNode(x, update);
  }
  return out;
}

size_t ZSet::MemoryUsage() const {
  size_t bytes = sizeof(ZSet) + node_bytes_;
  if (header_ != nullptr) bytes += Node::AllocSize(header_levels_, 0);
  // flat_hash_map: one slot plus one control byte per bucket.
  bytes += index_.capacity() * (sizeof(std::pair<std::string_view, double>) + 1);
  return bytes;
}

std::string ZSet::CheckInvariants() const {
  if (length_ == 0 && header_ == nullptr) return index_.empty() ? "" : "index without nodes";
  if (header_ == nullptr) return "elements without a header";
  if (level_ < 1 || level_ > header_levels_) return "level_ out of range";
  // Level 0: order, backward links, tail, length, index agreement; remember each node's rank.
  absl::flat_hash_map<const Node*, size_t> rank;
  rank[header_.get()] = 0;
  const Node* prev = nullptr;
  int max_level = 1;
  size_t n = 0;
  for (const Node* x = header_->lv(0).forward; x != nullptr; x = x->lv(0).forward) {
    ++n;
    rank[x] = n;
    if (x->backward != prev) return "bad backward link at rank " + std::to_string(n);
    if (prev != nullptr && !Less(prev, x->score, x->member())) {
      return "order violated at rank " + std::to_string(n);
    }
    auto it = index_.find(x->member());
    if (it == index_.end() || it->second != x->score || it->first.data() != x->member().data()) {
      return "index disagrees at rank " + std::to_string(n);
    }
    max_level = std::max(max_level, static_cast<int>(x->level));
    prev = x;
  }
  if (n != length_ || index_.size() != length_) return "length mismatch";
  if (tail_ != prev) return "bad tail";
  if (max_level != level_) return "level_ is not the highest node level";
  // Each level: exactly the nodes tall enough, in order, with spans equal to rank distances (to
  // the end of the list for the last link, which is what later inserts rely on).
  for (int i = 0; i < level_; ++i) {
    const Node* x = header_.get();
    size_t seen = 0;
    while (true) {
      const Node* f = x->lv(i).forward;
      const size_t want = (f != nullptr ? rank[f] : length_) - rank[x];
      if (x->lv(i).span != want) return "bad span on level " + std::to_string(i);
      if (f == nullptr) break;
      if (rank[f] <= rank[x]) return "level " + std::to_string(i) + " goes backwards";
      x = f;
      ++seen;
    }
    size_t tall = 0;
    for (const auto& [node, r] : rank) tall += (node != header_.get() && node->level > i) ? 1 : 0;
    if (seen != tall) return "level " + std::to_string(i) + " misses nodes";
  }
  for (int i = level_; i < header_levels_; ++i) {
    if (header_->lv(i).forward != nullptr) return "header link above level_";
  }
  return "";
}

}  // namespace kv
