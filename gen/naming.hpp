// Names and literals in generated TypeScript: PascalCase, identifier safety,
// reserved words, string and number literals.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mizan::gen {

/// A schema the generator cannot turn into TypeScript; the message names the
/// offending function, context or type.
class schema_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// PascalCase: words split at `_`, `.` and `-`, each starting upper case, the
/// rest kept (`add_todo` → `AddTodo`, `TodoStats` → `TodoStats`, `a.b-c` →
/// `ABC`). Characters that cannot appear in an identifier become `_`; a
/// leading digit gets a `_` in front, so the result is always an identifier.
std::string pascal_case(std::string_view name);

/// True for an ASCII JavaScript identifier (`[A-Za-z_$][A-Za-z0-9_$]*`),
/// reserved or not.
bool is_identifier(std::string_view name);

/// True for the words that cannot name a `const` in a strict-mode module
/// (`delete`, `class`, `await`, `eval`, ...).
bool is_reserved_word(std::string_view name);

/// A binding name for `name`: invalid characters become `_`, a leading digit
/// gets a `_` in front, and a reserved word gets a `_` after it (`delete` →
/// `delete_`).
std::string safe_identifier(std::string_view name);

/// `name` as a property key: bare when it is an identifier, else quoted.
std::string property_key(std::string_view name);

/// A single-quoted TypeScript string literal of UTF-8 `text`.
std::string string_literal(std::string_view text);

/// `x` as ECMAScript's Number.prototype.toString writes it (`1`, `0.1`,
/// `1e+21`, `1.5e-7`); throws schema_error for NaN and infinities.
std::string js_number(double x);

/// An integer as JavaScript writes it.
std::string js_number(std::int64_t x);

}  // namespace mizan::gen
