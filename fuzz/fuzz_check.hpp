// Property checks for the fuzz targets: a failed check is a crash libFuzzer
// reports with the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>

/// Aborts with the failed condition and its place when `condition` is false.
#define MIZAN_FUZZ_CHECK(condition)                                                      \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)
