#include "server/resp/reply_builder.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace kv::resp {

void ReplyBuilder::Header(char type, int64_t n) {
  char buf[24];
  buf[0] = type;
  auto [ptr, ec] = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
  (void)ec;
  *ptr++ = '\r';
  *ptr++ = '\n';
  out_->append(buf, static_cast<size_t>(ptr - buf));
}

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Error(std::string_view msg) {
  out_->push_back('-');
  // An error must stay on one line or the client's parser desynchronises.
  size_t start = out_->size();
  out_->append(msg);
  for (size_t i = start; i < out_->size(); ++i) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n");
}

void ReplyBuilder::Integer(int64_t v) { Header(':', v); }

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::NullBulk() { out_->append(resp3_ ? "_\r\n" : "$-1\r\n"); }
void ReplyBuilder::NullArray() { out_->append(resp3_ ? "_\r\n" : "*-1\r\n"); }
void ReplyBuilder::ArrayHeader(size_t n) { Header('*', static_cast<int64_t>(n)); }
void ReplyBuilder::MapHeader(size_t n) {
  if (resp3_) {
    Header('%', static_cast<int64_t>(n));
  } else {
    Header('*', static_cast<int64_t>(2 * n));
  }
}
void ReplyBuilder::SetHeader(size_t n) { Header(resp3_ ? '~' : '*', static_cast<int64_t>(n)); }
void ReplyBuilder::PushHeader(size_t n) { Header(resp3_ ? '>' : '*', static_cast<int64_t>(n)); }

void ReplyBuilder::Double(double d) {
  if (resp3_) {
    out_->push_back(',');
    out_->append(FormatDouble(d));
    out_->append("\r\n");
  } else {
    Bulk(FormatDouble(d));
  }
}

void ReplyBuilder::Bool(bool b) {
  if (resp3_) {
    out_->append(b ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(b ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyBuilder::Verbatim(std::string_view s) {
  if (!resp3_) return Bulk(s);
  Header('=', static_cast<int64_t>(s.size() + 4));
  out_->append("txt:");
  out_->append(s);
  out_->append("\r\n");
}

std::string FormatDouble(double d) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (std::isnan(d)) return "nan";
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", d);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace kv::resp
