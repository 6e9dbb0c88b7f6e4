#pragma once

// Number parsing and formatting with Redis's rules (string2ll / string2ld / ld2string), shared by
// every command family.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kv {

// Strict integer parse like Redis's string2ll: optional '-', digits, no spaces, no '+', no leading
// zeros (except "0"), within int64.
std::optional<int64_t> ParseInt64(std::string_view s);
// Like Redis's string2ld / strtold checks: rejects empty, spaces, NaN; accepts "inf", "-inf".
std::optional<long double> ParseLongDouble(std::string_view s);
// Like Redis's getDoubleFromObject: rejects NaN and trailing garbage; accepts inf.
std::optional<double> ParseDouble(std::string_view s);
// Redis's ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a bare '.') removed.
std::string FormatLongDoubleHuman(long double v);
// Case-insensitive ASCII equality, for option keywords.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

}  // namespace kv
