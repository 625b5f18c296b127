// engine/util/numbers: thousands separators, as `zari report` and
// `zari bench` print counts.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "util/numbers.h"

using zari::GroupThousands;

TEST_CASE("thousands are grouped with commas") {
  CHECK(GroupThousands(0) == "0");
  CHECK(GroupThousands(7) == "7");
  CHECK(GroupThousands(999) == "999");
  CHECK(GroupThousands(1000) == "1,000");
  CHECK(GroupThousands(16202) == "16,202");
  CHECK(GroupThousands(100000) == "100,000");
  CHECK(GroupThousands(1234567) == "1,234,567");
  CHECK(GroupThousands(-5) == "-5");
  CHECK(GroupThousands(-1234) == "-1,234");
  CHECK(GroupThousands(-123456) == "-123,456");
  CHECK(GroupThousands(std::numeric_limits<int64_t>::max()) == "9,223,372,036,854,775,807");
  CHECK(GroupThousands(std::numeric_limits<int64_t>::min()) == "-9,223,372,036,854,775,808");
}
