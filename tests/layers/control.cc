// Along the direction: the log sees the text layer and util.
#include "log/log_store.h"
#include "text/normalize.h"
#include "util/json_writer.h"
