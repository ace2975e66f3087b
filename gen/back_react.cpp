// react.ts: hooks over @mizan/react.
#include "gen/back_framework.hpp"

namespace mizan::gen {

std::string emit_react(const schema& s) {
  static constexpr framework_binding react{
      .module = "@mizan/react",
      .prefix = "use",
      .context_fn = "useMizanContext",
      .mutation_fn = "useMizanMutation",
      .form_fn = "useMizanForm",
      .channel_fn = "useMizanChannel",
      .channel_lifetime = "while mounted",
      .context_options = "UseMizanContextOptions",
      .context_option_imports = {{{"UseMizanContextOptions", "@mizan/react"}}},
      .params_wrapper = "{}",
      .params_import = {},
      .empty_params = "{}",
  };
  return emit_framework(s, react);
}

}  // namespace mizan::gen
