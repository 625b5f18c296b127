// Shared by the fuzz targets: the entry point both libFuzzer and the
// standalone replay driver (standalone_main.cc) call.
#ifndef ZARI_TESTS_FUZZ_FUZZ_COMMON_H_
#define ZARI_TESTS_FUZZ_FUZZ_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// A property violation found by a fuzzer: print and abort so libFuzzer keeps
// the input.
#define ZARI_FUZZ_CHECK(cond, what)                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "fuzz property violated: %s (%s)\n", what, #cond); \
      std::abort();                                                        \
    }                                                                      \
  } while (0)

#endif  // ZARI_TESTS_FUZZ_FUZZ_COMMON_H_
