// zari.h must compile on its own as C++20.
#include "zari/zari.h"

int zari_header_test_cxx(void);
int zari_header_test_cxx(void) { return ZARI_OK; }
