// Numbers as people read them in reports and benchmarks.
#ifndef ZARI_ENGINE_UTIL_NUMBERS_H_
#define ZARI_ENGINE_UTIL_NUMBERS_H_

#include <cstdint>
#include <string>

namespace zari {

// 1234567 → "1,234,567"; -1234 → "-1,234". Always a comma: the output is
// read next to English labels whatever the locale.
std::string GroupThousands(int64_t n);

}  // namespace zari

#endif  // ZARI_ENGINE_UTIL_NUMBERS_H_
