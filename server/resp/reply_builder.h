#pragma once

// Serialises replies into a connection's output buffer, in RESP2 or RESP3 depending on what the
// client negotiated with HELLO. Callers describe the reply once; the protocol decides the bytes
// (a RESP3 map is a flat array in RESP2, a double is a bulk string, a null is $-1 or *-1 or _).

#include <cstdint>
#include <string>
#include <string_view>

namespace kv::resp {

class ReplyBuilder {
 public:
  explicit ReplyBuilder(std::string* out) : out_(out) {}

  void set_resp3(bool on) { resp3_ = on; }
  bool resp3() const { return resp3_; }

  void SimpleString(std::string_view s);
  void Ok() { out_->append("+OK\r\n"); }
  // `msg` without the leading '-'; an error code such as "ERR" or "WRONGTYPE" is part of it.
  void Error(std::string_view msg);
  void Integer(int64_t v);
  void Bulk(std::string_view s);
  void NullBulk();   // $-1 (RESP2) / _ (RESP3)
  void NullArray();  // *-1 (RESP2) / _ (RESP3)
  void ArrayHeader(size_t n);
  void MapHeader(size_t n);  // n key/value pairs
  void SetHeader(size_t n);
  void PushHeader(size_t n);  // pub/sub messages: '>' in RESP3, '*' in RESP2
  void Double(double d);      // ',' in RESP3, bulk string in RESP2
  void Bool(bool b);          // '#' in RESP3, integer in RESP2
  void Verbatim(std::string_view s);  // '=' txt in RESP3, bulk in RESP2 (INFO, CLIENT INFO)
  // Raw bytes already in RESP form (forwarded replies).
  void Raw(std::string_view bytes) { out_->append(bytes); }

  template <typename Range>
  void BulkArray(const Range& items) {
    ArrayHeader(items.size());
    for (const auto& s : items) Bulk(s);
  }

  std::string* buffer() { return out_; }

 private:
  void Header(char type, int64_t n);

  std::string* out_;
  bool resp3_ = false;
};

// Redis's textual form of a double in replies (RESP2 bulk / RESP3 double): "%.17g", with
// "inf"/"-inf"/"nan" spelled as Redis spells them.
std::string FormatDouble(double d);

}  // namespace kv::resp
