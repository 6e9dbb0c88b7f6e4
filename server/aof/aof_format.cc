#include "server/aof/aof_format.h"

#include <fmt/format.h>

#include <cmath>

#include "server/base/string_util.h"
#include "server/db/zset.h"

namespace kv {
namespace {

void AppendBulk(std::string* out, std::string_view s) {
  out->push_back('$');
  out->append(std::to_string(s.size()));
  out->append("\r\n");
  out->append(s);
  out->append("\r\n");
}

// Collects (cmd key item...) commands of at most kRewriteItemsPerCommand items each.
class BatchWriter {
 public:
  BatchWriter(std::string* out, std::string_view cmd, std::string_view key, size_t total,
              size_t args_per_item)
      : out_(out), cmd_(cmd), key_(key), left_(total), per_item_(args_per_item) {}

  void Add(std::string_view a) { AddItem({a}); }
  void Add(std::string_view a, std::string_view b) { AddItem({a, b}); }

 private:
  void AddItem(std::initializer_list<std::string_view> args) {
    if (in_batch_ == 0) {
      size_t n = std::min(left_, kRewriteItemsPerCommand);
      out_->push_back('*');
      out_->append(std::to_string(2 + n * per_item_));
      out_->append("\r\n");
      AppendBulk(out_, cmd_);
      AppendBulk(out_, key_);
      batch_size_ = n;
    }
    for (auto a : args) AppendBulk(out_, a);
    --left_;
    if (++in_batch_ == batch_size_) in_batch_ = 0;
  }

  std::string* out_;
  std::string_view cmd_;
  std::string_view key_;
  size_t left_;
  size_t per_item_;
  size_t in_batch_ = 0;
  size_t batch_size_ = 0;
};

// Compiles against both the placeholder ZSet of main (no iteration API: serialisation reports
// failure) and the real one of branch ds (ForEach in ascending order).
template <typename Z>
bool AppendZSet(std::string* out, std::string_view key, const Z& z) {
  if constexpr (requires(const Z& zs) {
                  zs.ForEach([](std::string_view, double) {});
                  zs.size();
                }) {
    BatchWriter w(out, "ZADD", key, z.size(), 2);
    z.ForEach([&](std::string_view member, double score) { w.Add(FormatScore(score), member); });
    return true;
  } else {
    (void)out;
    (void)key;
    (void)z;
    return false;
  }
}

bool ParseSeq(std::string_view s, int64_t* out) {
  auto v = ParseInt64(s);
  if (!v || *v <= 0) return false;
  *out = *v;
  return true;
}

}  // namespace

void AppendRespCommand(std::string* out, std::span<const std::string_view> argv) {
  out->push_back('*');
  out->append(std::to_string(argv.size()));
  out->append("\r\n");
  for (auto a : argv) AppendBulk(out, a);
}

void AppendRespCommand(std::string* out, std::initializer_list<std::string_view> argv) {
  AppendRespCommand(out, std::span<const std::string_view>(argv.begin(), argv.size()));
}

std::string FormatScore(double score) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  return fmt::format("{}", score);  // shortest representation that round-trips
}

bool AppendEntryCommands(std::string* out, std::string_view key, const Entry& entry) {
  const Value& v = entry.value;
  std::string deadline = entry.expire_at_ms != 0 ? std::to_string(entry.expire_at_ms) : "";
  switch (v.type()) {
    case ValueType::kString:
      if (deadline.empty()) {
        AppendRespCommand(out, {"SET", key, v.str()});
      } else {
        AppendRespCommand(out, {"SET", key, v.str(), "PXAT", deadline});
      }
      return true;
    case ValueType::kList: {
      BatchWriter w(out, "RPUSH", key, v.list().size(), 1);
      for (const auto& item : v.list()) w.Add(item);
      break;
    }
    case ValueType::kHash: {
      BatchWriter w(out, "HSET", key, v.hash().size(), 2);
      for (const auto& [field, value] : v.hash()) w.Add(field, value);
      break;
    }
    case ValueType::kSet: {
      BatchWriter w(out, "SADD", key, v.set().size(), 1);
      for (const auto& member : v.set()) w.Add(member);
      break;
    }
    case ValueType::kZSet:
      if (!AppendZSet(out, key, v.zset())) return false;
      break;
  }
  if (!deadline.empty()) AppendRespCommand(out, {"PEXPIREAT", key, deadline});
  return true;
}

std::optional<AofManifest> ParseManifest(std::string_view text, std::string* error) {
  AofManifest m;
  int line_no = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    // Tokens are "key value" pairs; Redis quotes names with spaces, which we never create.
    std::vector<std::string_view> tokens;
    size_t pos = 0;
    while (pos < line.size()) {
      size_t start = line.find_first_not_of(" \t", pos);
      if (start == std::string_view::npos) break;
      size_t end = line.find_first_of(" \t", start);
      if (end == std::string_view::npos) end = line.size();
      tokens.push_back(line.substr(start, end - start));
      pos = end;
    }
    auto fail = [&](std::string_view why) {
      *error = "Invalid AOF manifest file format at line " + std::to_string(line_no) + ": " +
               std::string(why);
      return std::nullopt;
    };
    if (tokens.size() % 2 != 0) return fail("odd number of tokens");
    AofFileInfo info;
    bool has_seq = false;
    bool has_type = false;
    for (size_t i = 0; i < tokens.size(); i += 2) {
      std::string_view k = tokens[i];
      std::string_view val = tokens[i + 1];
      if (k == "file") {
        if (val.find('/') != std::string_view::npos) return fail("file name with a '/'");
        info.name = std::string(val);
      } else if (k == "seq") {
        if (!ParseSeq(val, &info.seq)) return fail("bad seq");
        has_seq = true;
      } else if (k == "type") {
        if (val != "b" && val != "i" && val != "h") return fail("bad type");
        info.type = static_cast<AofFileInfo::Type>(val[0]);
        has_type = true;
      }  // unknown keys are skipped, as Redis does, for forward compatibility
    }
    if (info.name.empty() || !has_seq || !has_type) return fail("missing file, seq or type");
    switch (info.type) {
      case AofFileInfo::Type::kBase:
        if (m.base) return fail("more than one base file");
        m.base = info;
        break;
      case AofFileInfo::Type::kIncr:
        if (!m.incrs.empty() && m.incrs.back().seq >= info.seq) {
          return fail("incr files out of seq order");
        }
        m.incrs.push_back(info);
        break;
      case AofFileInfo::Type::kHistory:
        m.history.push_back(info);
        break;
    }
  }
  if (!m.base && m.incrs.empty()) {
    *error = "Found an empty AOF manifest";
    return std::nullopt;
  }
  return m;
}

std::string FormatManifest(const AofManifest& m) {
  std::string out;
  auto line = [&](const AofFileInfo& f) {
    out += fmt::format("file {} seq {} type {}\n", f.name, f.seq, static_cast<char>(f.type));
  };
  if (m.base) line(*m.base);
  for (const auto& f : m.history) line(f);
  for (const auto& f : m.incrs) line(f);
  return out;
}

std::string BaseFileName(std::string_view appendfilename, int64_t seq) {
  return fmt::format("{}.{}.base.aof", appendfilename, seq);
}
std::string IncrFileName(std::string_view appendfilename, int64_t seq) {
  return fmt::format("{}.{}.incr.aof", appendfilename, seq);
}
std::string ManifestFileName(std::string_view appendfilename) {
  return fmt::format("{}.manifest", appendfilename);
}

}  // namespace kv
