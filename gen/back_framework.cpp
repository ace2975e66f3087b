#include "gen/back_framework.hpp"

#include "gen/back_ts.hpp"
#include "gen/symbols.hpp"

#include <fmt/format.h>

#include <iterator>
#include <map>
#include <set>

namespace mizan::gen {
namespace {

using out_it = std::back_insert_iterator<std::string>;

bool has_form(const function& f) {
  return !f.is_query && !f.args.empty();
}

std::string wrap(std::string_view wrapper, const std::string& inner) {
  return fmt::format(fmt::runtime(wrapper), inner);
}

std::string function_list(const context& c) {
  std::string out;
  for (const auto& f : c.functions) out += (out.empty() ? "" : ", ") + f;
  return out;
}

// Import lines, one per module in module order, only what the file uses.
class imports {
 public:
  void value(std::string_view module, std::string_view name) {
    modules_[std::string(module)].first.emplace(name);
  }
  void type(type_import t) {
    if (!t.name.empty()) modules_[std::string(t.module)].second.emplace(t.name);
  }
  void claim(detail::symbols& names) const {
    for (const auto& [module, used] : modules_) {
      for (const auto* set : {&used.first, &used.second}) {
        for (const auto& n : *set)
          names.claim(n, fmt::format("'{}' imported from '{}'", n, module));
      }
    }
  }
  void write(out_it out) const {
    for (const auto& [module, used] : modules_) {
      std::string list;
      for (const auto& n : used.first) list += (list.empty() ? "" : ", ") + n;
      for (const auto& n : used.second) {
        list += (list.empty() ? "" : ", ") + (used.first.empty() ? n : "type " + n);
      }
      fmt::format_to(out, "import {}{{ {} }} from '{}';\n", used.first.empty() ? "type " : "", list,
                     module);
    }
  }

 private:
  // module → (values, types)
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> modules_;
};

imports collect_imports(const schema& s, const framework_binding& b) {
  imports out;
  if (!s.contexts.empty()) {
    out.value(b.module, b.context_fn);
    for (const auto& t : b.context_option_imports) out.type(t);
    out.type(b.params_import);
  }
  if (!s.channels.empty()) out.value(b.module, b.channel_fn);
  for (const auto& f : s.functions) {
    if (f.is_query) continue;
    out.value(b.module, b.mutation_fn);
    if (has_form(f)) {
      out.value(b.module, b.form_fn);
      out.type({"FormOptions", "@mizan/base"});
    }
  }
  return out;
}

void claim_names(const schema& s, const framework_binding& b, const imports& used) {
  detail::symbols names;
  names.claim("api", "the import of './index.js'");
  used.claim(names);
  for (const auto& c : s.contexts) {
    names.claim(fmt::format("{}{}", b.prefix, c.pascal), fmt::format("context '{}'", c.name));
  }
  for (const auto& c : s.channels) {
    names.claim(fmt::format("{}{}Channel", b.prefix, c.pascal),
                fmt::format("channel '{}'", c.name));
  }
  for (const auto& f : s.functions) {
    if (f.is_query) continue;
    names.claim(fmt::format("{}{}", b.prefix, f.pascal), fmt::format("function '{}'", f.name));
    if (has_form(f)) {
      names.claim(fmt::format("{}{}Form", b.prefix, f.pascal),
                  fmt::format("the form of function '{}'", f.name));
    }
  }
}

}  // namespace

std::string emit_framework(const schema& s, const framework_binding& b) {
  const imports used = collect_imports(s, b);
  claim_names(s, b, used);
  std::string text(banner);
  auto out = std::back_inserter(text);
  used.write(out);
  fmt::format_to(out, "import * as api from './index.js';\n");

  for (const auto& c : s.contexts) {
    const std::string params = wrap(b.params_wrapper, "api." + c.pascal + "Params");
    fmt::format_to(out,
                   "\n/** The `{}` context: {}. */\n"
                   "export function {}{}(params: {}{}, options?: {}) {{\n"
                   "  return {}(api.{}, params, options);\n}}\n",
                   c.name, function_list(c), b.prefix, c.pascal, params,
                   c.params_optional() ? fmt::format(" = {}", b.empty_params) : "",
                   b.context_options, b.context_fn, c.const_name);
  }
  for (const auto& c : s.channels) {
    fmt::format_to(out,
                   "\n/** Listens to the `{}` channel {}. */\n"
                   "export function {}{}Channel(onMessage: (message: {}) => void) {{\n"
                   "  return {}(api.{}, onMessage);\n}}\n",
                   c.name, b.channel_lifetime, b.prefix, c.pascal, ts_type(c.message, "api."),
                   b.channel_fn, c.const_name);
  }
  for (const auto& f : s.functions) {
    if (f.is_query) continue;
    fmt::format_to(out,
                   "\n/** Calls `{}`. */\n"
                   "export function {}{}() {{\n  return {}(api.{});\n}}\n",
                   f.name, b.prefix, f.pascal, b.mutation_fn, f.const_name);
    if (!has_form(f)) continue;
    fmt::format_to(out,
                   "\n/** A form that submits `{}`. */\n"
                   "export function {}{}Form(options?: FormOptions<api.{}Args, {}>) {{\n"
                   "  return {}(api.{}, options);\n}}\n",
                   f.name, b.prefix, f.pascal, f.pascal, ts_type(f.result, "api."), b.form_fn,
                   f.const_name);
  }
  return text;
}

}  // namespace mizan::gen
