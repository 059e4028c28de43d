#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::text {

// Returns `s` with ASCII letters lower-cased; other bytes unchanged.
std::string to_lower(std::string_view s);

// Returns `items` joined with `separator` ("a, b, c" by default).
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// True when `s` starts with `prefix`, ignoring ASCII case.
bool istarts_with(std::string_view s, std::string_view prefix);

// Returns the key used to compare property names across export shapes: ASCII
// lower-case, runs of white space and '_' folded into one space, trimmed.
// "Attacker IP Address", "attacker IP  Address" and "attacker_ip_address" agree.
std::string fold_key(std::string_view key);

// Returns `s` without leading and trailing ASCII white space.
std::string_view trim(std::string_view s);

// Splits `s` at '\n' (a preceding '\r' is dropped); empty lines are dropped.
std::vector<std::string> split_lines(std::string_view s);

// True for a GUID written 8-4-4-4-12 hexadecimal digits (either case), as Azure's IDs are.
bool is_guid(std::string_view s);

// Returns the segments of a '/'-separated path, empty ones dropped ("/a//b/" → a, b).
std::vector<std::string> split_path(std::string_view path);

// Returns `s` as a JSON string literal in ASCII (quotes included, control and
// non-ASCII characters escaped, invalid UTF-8 replaced), cut after `limit` bytes
// with "..." appended. For quoting input inside messages.
std::string quote(std::string_view s, std::size_t limit = 120);

// Returns the Levenshtein distance between `a` and `b`, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// Returns the closest candidate to `word` within a small edit distance (at most a third
// of its length, and at least 2), or "". Ties go to the first candidate.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

// Returns the hint to append to an "unknown X" message: `; did you mean "NEAR"?` (NEAR
// quoted like quote()) for the closest candidate, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Decodes the UTF-8 sequence at s[i] into `cp`; returns its length in bytes, or 0 when it
// is not valid UTF-8 (truncated, overlong, a surrogate, past U+10FFFF).
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp);

// Returns whether code point `cp` must never reach a terminal or a rendered document as
// it is: C0 and C1 controls, DEL, bidirectional embeddings, overrides, isolates and
// marks, and the Unicode line and paragraph separators.
bool is_unsafe_code_point(std::uint32_t cp);

} // namespace dftriage::text
