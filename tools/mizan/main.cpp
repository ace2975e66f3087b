// mizan: the command-line tool.
//
//   mizan new <dir> [--framework react|vue|svelte] [--name <app_name>]
//                   [--mizan-npm <dir>] [--templates <dir>]
//
// Installed, it reads its templates from <prefix>/share/mizan/templates and
// the packed npm packages from <prefix>/share/mizan/npm; run from the build
// tree, the templates come from the source tree and the packages from
// <build>/npm (`cmake --build <build> --target mizan_npm`).
#include "new_app.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace {

// <prefix>/share/mizan, when this executable is <prefix>/bin/mizan.
fs::path installed_share() {
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return exe.parent_path().parent_path() / "share" / "mizan";
}

fs::path default_templates() {
  if (const auto share = installed_share(); fs::is_directory(share / "templates" / "app")) {
    return share / "templates";
  }
  return MIZAN_SOURCE_TEMPLATES;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"mizan: create and manage Mizan applications"};
  cli.require_subcommand(1);
  mizan::cli::new_app_options options;
  auto* create = cli.add_subcommand("new", "Create a new application in a new directory");
  create->add_option("dir", options.dir, "The directory to create (empty or missing)")->required();
  create->add_option("--framework", options.framework, "The web front end")
      ->check(CLI::IsMember({"react", "vue", "svelte"}))
      ->capture_default_str();
  create->add_option("--name", options.name, "The application's name (default: from <dir>)");
  create->add_option("--mizan-npm", options.npm_dir,
                     "The packed @mizan npm packages (default: <prefix>/share/mizan/npm)");
  create->add_option("--templates", options.templates,
                     "The templates (default: <prefix>/share/mizan/templates)");
  CLI11_PARSE(cli, argc, argv);

  if (options.templates.empty()) options.templates = default_templates();
  // Installed: the app's build.sh defaults to this prefix.
  if (const auto share = installed_share(); fs::is_directory(share / "templates" / "app")) {
    options.prefix = share.parent_path().parent_path();
  }
  if (options.npm_dir.empty()) {
    // Installed: share/mizan/npm; in the build tree: what `--target mizan_npm` packed.
    const auto installed = installed_share() / "npm";
    options.npm_dir = fs::is_directory(installed) ? installed : fs::path(MIZAN_BUILD_NPM);
  }
  try {
    const auto files = mizan::cli::create_app(options);
    std::cout << "mizan new: wrote " << files.size() << " files to " << options.dir.string()
              << "\nNext:\n  cd " << options.dir.string()
              << "\n  ./run.sh    # build and serve on http://127.0.0.1:8000"
                 "\n  ./test.sh   # build and run the tests\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "mizan new: " << e.what() << '\n';
    return 1;
  }
}
