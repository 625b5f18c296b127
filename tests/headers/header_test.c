/* zari.h must compile on its own, in strict C89 and C11. */
#include "zari/zari.h"

int zari_header_test_dummy(void);
int zari_header_test_dummy(void) { return ZARI_OK + ZARI_VERSION_NUMBER * 0; }
