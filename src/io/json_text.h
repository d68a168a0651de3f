// JSON text helpers of the file formats (safetensors headers): strict UTF-8 validation and
// string literals escaped exactly as serde_json, the reference safetensors writer, escapes them.
#pragma once

#include <string>
#include <string_view>

namespace ember::io {

/// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), as JSON requires.
bool is_valid_utf8(std::string_view s);
/// Appends `s` as a JSON string literal, escaped as serde_json does.
void append_json_string(std::string& out, std::string_view s);
/// A name for error messages: quoted, escaped, and cut short if very long.
std::string quote_name(std::string_view name);

}  // namespace ember::io
