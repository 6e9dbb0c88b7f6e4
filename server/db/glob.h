#pragma once

#include <string_view>

namespace kv {

// Glob-style matching with Redis 7's exact semantics (a port of stringmatchlen in util.c), used by
// KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET. Byte-oriented and binary safe:
//   *        any run of bytes          ?        exactly one byte
//   [abc]    one of the bytes          [^abc]   any byte but those
//   [a-z]    a range (reversed ranges such as [z-a] are swapped; bytes compare as signed char,
//            as in C on x86, so [a-\xff] is the range [\xff..a])
//   \x       the literal byte x; a trailing lone backslash matches a literal backslash
// An unterminated class ("[abc") runs to the end of the pattern. With `nocase`, ASCII letters fold
// (the C locale's tolower), except bytes escaped inside a class, which Redis compares exactly.
//
// Quirk kept on purpose: an empty `str` matches only the empty pattern, so GlobMatch("*", "") is
// false. Redis's KEYS/SCAN never ask the matcher about a bare "*" (they treat it as "every key"),
// and callers must apply the same short circuit to return the empty key.
//
// Abusive patterns are defused as in Redis: the recursion depth is capped at 1000 nested '*'
// (deeper branches count as "no match"), and once the rest of a pattern failed at every position
// after a '*', outer stars stop trying longer matches, so "a*a*a*...b" is linear, not exponential.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace kv
