// mizan-gen: the TypeScript generator on a schema file, for the golden-file
// update script and the benchmark. Applications use `<app> generate`, which
// builds the schema in-process.
//
//   mizan-gen SCHEMA.json --out DIR [--framework react|vue|svelte|all]
//   mizan-gen --error-codes FILE     (the kernel's packages/base/src/errorCodes.ts)
//
// SCHEMA.json may be `-` for standard input.
#include "core/json_strict.hpp"
#include "gen/back_ts.hpp"
#include "gen/generate.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

int usage() {
  std::cerr << "usage: mizan-gen SCHEMA.json --out DIR [--framework react|vue|svelte|all]\n"
               "       mizan-gen --error-codes FILE\n";
  return 2;
}

// Writes the kernel's list of error codes, generated from the server's table.
int write_error_codes(const std::filesystem::path& file) {
  try {
    const auto written =
        mizan::gen::write_files(file.parent_path().empty() ? "." : file.parent_path(),
                                {{file.filename().string(), mizan::gen::emit_error_codes_file()}});
    std::cout << "mizan-gen: " << file.string()
              << (written.empty() ? " unchanged\n" : " written\n");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "mizan-gen: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "--error-codes") return write_error_codes(argv[2]);
  std::string schema_path, out_dir, framework = "all";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--out" || arg == "--framework") && i + 1 < argc) {
      (arg == "--out" ? out_dir : framework) = argv[++i];
    } else if (schema_path.empty() && (arg == "-" || arg.rfind("--", 0) != 0)) {
      schema_path = arg;
    } else {
      return usage();
    }
  }
  if (schema_path.empty() || out_dir.empty()) return usage();
  try {
    std::ostringstream text;
    if (schema_path == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(schema_path, std::ios::binary);
      if (!in) throw std::runtime_error("cannot read " + schema_path);
      text << in.rdbuf();
    }
    const auto start = std::chrono::steady_clock::now();
    // The strict parser reads doubles correctly rounded (Boost.JSON 1.81 may
    // be one ulp off, which would change a rule's number).
    const auto parsed = mizan::json::parse_strict(text.str(), {.max_depth = 1000});
    if (!parsed) throw std::runtime_error(schema_path + ": " + parsed.error);
    const auto files = mizan::gen::generate(parsed.value, mizan::gen::parse_framework(framework));
    const auto written = mizan::gen::write_files(out_dir, files);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    std::cout << "mizan-gen: " << files.size() << " files in " << out_dir << " (" << written.size()
              << " changed) in " << took.count() << " ms\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "mizan-gen: " << e.what() << '\n';
    return 1;
  }
}
