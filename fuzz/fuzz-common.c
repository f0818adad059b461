/* fuzz-common.c - set-up shared by the fuzz targets. */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"

void
fta_fuzz_plugin_path (void)
{
    /* quiet and unbuffered enough for a fuzzer's log */
    setenv ("FTA_PLUGIN_PATH", FTA_BUILDDIR "/plugins/.libs", 0);
}
