/* fuzz.h - what the fuzz targets share: the libFuzzer entry points, and
 * the set-up a target does once per process. */
#ifndef FTA_FUZZ_H
#define FTA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The build tree's plugins, unless FTA_PLUGIN_PATH says otherwise. */
void fta_fuzz_plugin_path (void);

#endif /* FTA_FUZZ_H */
