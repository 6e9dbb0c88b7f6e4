#pragma once

// kv::ZSet, the value type behind Redis sorted sets, plus the range types and parsers that the
// ZSET command family needs (ZRANGE*, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*, ZPOP*...).
//
// Why a skip list and not an order-statistic B-tree: this is a port of Redis's zskiplist
// (t_zset.c) with span counts, so ranks, score ranges and lex ranges follow the very algorithms
// whose results we must reproduce (including what "lex range" means when scores differ), and
// in-place score updates, range deletion and rank lookups are each a few lines that can be checked
// against the C. A B-tree would use less memory per element (~1.33 levels * 16 bytes here) and be
// friendlier to caches; it stays an option behind this same API if memory profiling asks for it.
//
// Layout: every element lives in one heap block (node header + its levels + member bytes); the
// hash index maps a string_view of those member bytes to the score, so each member is stored once
// (as Redis shares one sds between dict and skiplist). Nodes never move, which keeps the views
// valid; a score update relinks the same node instead of reallocating it.
//
// Threading: a ZSet is a plain value; it is touched only by the thread that owns its key.

#include <absl/container/flat_hash_map.h>
#include <absl/functional/function_ref.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kv {

// Error replies of the range parsers, in Redis's wording.
inline constexpr std::string_view kZMinMaxNotFloatErr = "ERR min or max is not a float";
inline constexpr std::string_view kZMinMaxNotLexErr = "ERR min or max not valid string range item";

// A score interval as ZRANGEBYSCORE/ZCOUNT understand it: "(1.5" is exclusive, "-inf"/"+inf"
// are the infinities.
struct ZScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;
};

// One end of a lex interval: "[a" inclusive, "(a" exclusive, "-" below every string, "+" above.
struct ZLexBound {
  enum class Kind : uint8_t { kValue, kMinusInf, kPlusInf };
  Kind kind = Kind::kValue;
  bool exclusive = false;
  std::string value;  // only for kValue
};

struct ZLexRange {
  ZLexBound min;
  ZLexBound max;
};

// Either a parsed range or the exact Redis error text to reply with (no exceptions).
template <typename T>
struct RangeParseResult {
  std::optional<T> value;
  std::string_view error;  // set iff !ok(); one of the constants above

  bool ok() const { return value.has_value(); }
  const T& operator*() const { return *value; }
  const T* operator->() const { return &*value; }
};

// zslParseRange: parses ZRANGEBYSCORE-style bounds. Accepts what strtod accepts (so "inf",
// "+inf", "-inf", "1e3", " 2", "0x10"), rejects NaN and trailing bytes; error
// kZMinMaxNotFloatErr.
RangeParseResult<ZScoreRange> ParseScoreRange(std::string_view min, std::string_view max);

// zslParseLexRange: error kZMinMaxNotLexErr.
RangeParseResult<ZLexRange> ParseLexRange(std::string_view min, std::string_view max);

// ZRANGE/ZREMRANGEBYRANK index normalisation (negative indexes count from the end, out-of-range
// ends are clamped). Returns the inclusive 0-based [start, stop], or nullopt for an empty range.
std::optional<std::pair<size_t, size_t>> NormalizeRankRange(int64_t start, int64_t stop,
                                                            size_t size);

// ZADD / ZINCRBY options (zsetAdd's in_flags). The command layer rejects the invalid mixes
// (NX with XX, NX with GT/LT) before calling.
struct ZAddOptions {
  bool nx = false;    // only add new members
  bool xx = false;    // only update existing members
  bool gt = false;    // only update when the new score is greater
  bool lt = false;    // only update when the new score is less
  bool incr = false;  // the score is an increment (ZINCRBY, ZADD INCR)
};

// zsetAdd's out_flags. At most one of added/updated/nop/nan is set; none is set when an existing
// member was given its current score.
struct ZAddResult {
  bool added = false;
  bool updated = false;  // existing member whose score changed
  bool nop = false;      // not applied because of NX/XX/GT/LT (ZADD INCR then replies nil)
  bool nan = false;      // the score or the increment result is NaN: nothing changed
  double new_score = 0;  // the member's score afterwards, when neither nop nor nan
};

struct ZEntry {
  std::string member;
  double score = 0;
  bool operator==(const ZEntry&) const = default;
};

class ZSet {
 public:
  struct Node;  // opaque; defined in zset.cc
  // Visitors get each element in iteration order; the views are valid only during the call, and
  // the visitor must not modify the ZSet.
  using Visitor = absl::FunctionRef<void(std::string_view member, double score)>;
  static constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

  // A position in the set, in ascending (score, member) order. Any mutation of the ZSet
  // invalidates every cursor.
  class Cursor {
   public:
    Cursor() = default;
    bool valid() const { return node_ != nullptr; }
    std::string_view member() const;
    double score() const;
    void Next();  // towards higher scores; becomes invalid past the last element
    void Prev();  // towards lower scores; becomes invalid before the first element

   private:
    friend class ZSet;
    explicit Cursor(const Node* node) : node_(node) {}
    const Node* node_ = nullptr;
  };

  ZSet();
  ~ZSet();
  ZSet(ZSet&& other) noexcept;
  ZSet& operator=(ZSet&& other) noexcept;
  // Deep copies, O(n log n) (as Redis's zsetDup), for COPY and friends.
  ZSet(const ZSet& other);
  ZSet& operator=(const ZSet& other);
  ZSet Clone() const { return ZSet(*this); }

  // Inserts or updates. Returns true if the member is new. `score` must not be NaN (the command
  // layer rejects NaN input before it gets here).
  bool Add(std::string_view member, double score);
  // A port of Redis's zsetAdd: ZADD NX/XX/GT/LT/INCR and ZINCRBY semantics in one place. Unlike
  // Add(), a NaN score is reported (result.nan) rather than being a precondition violation.
  ZAddResult Add(std::string_view member, double score, const ZAddOptions& options);
  bool Remove(std::string_view member);
  std::optional<double> Score(std::string_view member) const;
  size_t size() const { return length_; }
  bool empty() const { return length_ == 0; }
  void Clear();

  // 0-based rank in ascending order, or from the highest score when `reverse` (ZREVRANK).
  std::optional<size_t> Rank(std::string_view member, bool reverse = false) const;

  // Positioning, all O(log n). Invalid cursor when there is no such element.
  Cursor First() const;
  Cursor Last() const;
  Cursor AtRank(size_t rank) const;  // ascending 0-based rank
  Cursor FirstInScoreRange(const ZScoreRange& range) const;
  Cursor LastInScoreRange(const ZScoreRange& range) const;
  Cursor FirstInLexRange(const ZLexRange& range) const;
  Cursor LastInLexRange(const ZLexRange& range) const;

  // ZCOUNT / ZLEXCOUNT in O(log n), from rank differences.
  size_t CountInScoreRange(const ZScoreRange& range) const;
  size_t CountInLexRange(const ZLexRange& range) const;

  // ZRANGE by index: start/stop are inclusive 0-based positions in iteration order (for
  // `reverse`, 0 is the highest score), already normalised (see NormalizeRankRange); stop is
  // clamped to the size. Returns the number of elements visited.
  size_t RangeByRank(size_t start, size_t stop, bool reverse, Visitor visit) const;
  // ZRANGEBYSCORE / ZREVRANGEBYSCORE with LIMIT offset count (count kNoLimit = all). The offset
  // is skipped in O(log n). `range` is the same for both directions (min is the low end).
  size_t RangeByScore(const ZScoreRange& range, bool reverse, size_t offset, size_t count,
                      Visitor visit) const;
  // ZRANGEBYLEX / ZREVRANGEBYLEX; meaningful when all scores are equal, as in Redis.
  size_t RangeByLex(const ZLexRange& range, bool reverse, size_t offset, size_t count,
                    Visitor visit) const;
  // Every element in ascending order.
  void ForEach(Visitor visit) const;

  // ZREMRANGEBY*: each returns how many elements were removed. Ranks are ascending, inclusive.
  size_t RemoveRangeByRank(size_t start, size_t stop);
  size_t RemoveRangeByScore(const ZScoreRange& range);
  size_t RemoveRangeByLex(const ZLexRange& range);

  // ZPOPMIN / ZPOPMAX: removes and returns up to `count` elements, lowest (resp. highest) first.
  std::vector<ZEntry> PopMin(size_t count);
  std::vector<ZEntry> PopMax(size_t count);

  // Estimated heap bytes owned (nodes, header, hash index) plus the object itself.
  size_t MemoryUsage() const;

  // O(n) structural self-check for tests: order, backward links, spans, levels, tail, length and
  // the index. Returns an empty string when consistent, else what is wrong.
  std::string CheckInvariants() const;

 private:
  static constexpr int kMaxLevel = 32;  // enough for 4^32 elements at p = 1/4

  struct NodeDeleter {
    void operator()(Node* node) const;
  };
  using NodePtr = std::unique_ptr<Node, NodeDeleter>;

  static NodePtr AllocNode(int level, double score, std::string_view member);
  int RandomLevel();
  void EnsureHeader(int level);
  // Links `x` (already carrying its score, member and level) at its sorted position.
  void InsertNode(Node* x);
  // zslDeleteNode: unlinks x given update[] (the last node before x on each level).
  void UnlinkNode(Node* x, Node** update);
  // Unlinks and frees x, and drops it from the index.
  void EraseNode(Node* x, Node** update);
  // Fills update[] for the position of (score, member); returns the node there (or after).
  Node* FindForUpdate(double score, std::string_view member, Node** update) const;
  // 1-based rank of an element known to be present.
  size_t RankOf(double score, std::string_view member) const;
  Node* NodeAtRank(size_t rank1) const;  // 1-based
  // First node >= range.min / last node <= range.max together with their 1-based ranks.
  std::pair<Node*, size_t> FirstInScore(const ZScoreRange& range) const;
  std::pair<Node*, size_t> LastInScore(const ZScoreRange& range) const;
  std::pair<Node*, size_t> FirstInLex(const ZLexRange& range) const;
  std::pair<Node*, size_t> LastInLex(const ZLexRange& range) const;
  bool IsInScoreRange(const ZScoreRange& range) const;
  bool IsInLexRange(const ZLexRange& range) const;

  // Owns every node: header_ directly, the others through the level-0 chain starting at
  // header_ (freed by Clear()). Links between nodes are non-owning.
  NodePtr header_;
  int header_levels_ = 0;  // capacity of header_'s level array
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;  // levels in use
  size_t node_bytes_ = 0;
  uint64_t rng_state_ = 0;
  // member -> score; keys view the member bytes stored in the nodes.
  absl::flat_hash_map<std::string_view, double> index_;
};

}  // namespace kv
