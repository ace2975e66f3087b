// Stage 2 back ends: one small file per framework that binds the descriptors
// of `index.ts` to that framework's adapter package. Hook names follow the
// IR's PascalCase names: `use<Context>`, `use<Channel>Channel`,
// `use<Mutation>`, `use<Mutation>Form` (`create…` in Svelte). Views get
// nothing; queries are read through their context, so they get no hook of
// their own.
#pragma once

#include "gen/ir.hpp"

#include <array>
#include <string>
#include <string_view>

namespace mizan::gen {

/// A type-only import: `name` from `module`.
struct type_import {
  std::string_view name;
  std::string_view module;
};

/// How one framework's file is written.
struct framework_binding {
  /// The adapter package, e.g. `@mizan/react`.
  std::string_view module;
  /// `use` or `create`.
  std::string_view prefix;
  std::string_view context_fn;
  std::string_view mutation_fn;
  std::string_view form_fn;
  std::string_view channel_fn;
  /// How long a channel hook listens, for its doc comment: `while mounted`.
  std::string_view channel_lifetime;
  /// The type of a context hook's options, and what it needs imported.
  std::string_view context_options;
  std::array<type_import, 2> context_option_imports;
  /// Wraps a params type, e.g. `MaybeRefOrGetter<{}>` (`{}` is the type),
  /// and what it needs imported.
  std::string_view params_wrapper;
  type_import params_import;
  /// The default value of params that may all be left out.
  std::string_view empty_params;
};

/// The file for one framework.
/// @throws schema_error when two hooks would share a name.
std::string emit_framework(const schema& s, const framework_binding& b);

/// `react.ts`, bound to `@mizan/react`.
std::string emit_react(const schema& s);
/// `vue.ts`, bound to `@mizan/vue` (params may be refs or getters).
std::string emit_vue(const schema& s);
/// `svelte.svelte.ts`, bound to `@mizan/svelte` (params are a getter).
std::string emit_svelte(const schema& s);

}  // namespace mizan::gen
