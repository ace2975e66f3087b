// vue.ts: composables over @mizan/vue; params may be refs or getters.
#include "gen/back_framework.hpp"

namespace mizan::gen {

std::string emit_vue(const schema& s) {
  static constexpr framework_binding vue{
      .module = "@mizan/vue",
      .prefix = "use",
      .context_fn = "useMizanContext",
      .mutation_fn = "useMizanMutation",
      .form_fn = "useMizanForm",
      .channel_fn = "useMizanChannel",
      .channel_lifetime = "while mounted",
      .context_options = "MaybeRefOrGetter<ObserveOptions>",
      .context_option_imports = {{{"ObserveOptions", "@mizan/base"}, {"MaybeRefOrGetter", "vue"}}},
      .params_wrapper = "MaybeRefOrGetter<{}>",
      .params_import = {"MaybeRefOrGetter", "vue"},
      .empty_params = "{}",
  };
  return emit_framework(s, vue);
}

}  // namespace mizan::gen
