// svelte.svelte.ts: Svelte 5 factories over @mizan/svelte; params are a
// getter so that `$state` read inside it is tracked.
#include "gen/back_framework.hpp"

namespace mizan::gen {

std::string emit_svelte(const schema& s) {
  static constexpr framework_binding svelte{
      .module = "@mizan/svelte",
      .prefix = "create",
      .context_fn = "createMizanContext",
      .mutation_fn = "createMizanMutation",
      .form_fn = "createMizanForm",
      .channel_fn = "createMizanChannel",
      .channel_lifetime = "while the component lives",
      .context_options = "CreateMizanContextOptions",
      .context_option_imports = {{{"CreateMizanContextOptions", "@mizan/svelte"}}},
      .params_wrapper = "() => {}",
      .params_import = {},
      .empty_params = "() => ({})",
  };
  return emit_framework(s, svelte);
}

}  // namespace mizan::gen
