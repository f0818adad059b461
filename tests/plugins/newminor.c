/* newminor.c - a plugin built against newer headers of the same ABI
 * major: its descriptor may carry fields this core does not know, so the
 * core must refuse it. */
#include <ftrace-analyzer/ftrace-analyzer.h>

__attribute__ ((visibility ("default")))
const FtaPluginDescriptor fta_plugin_descriptor = {
    .abi_major = FTA_PLUGIN_ABI_MAJOR,
    .abi_minor = FTA_PLUGIN_ABI_MINOR + 1,
    .name = "newminor",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "built for a newer ABI minor",
};
