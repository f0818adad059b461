/* badabi.c - a plugin built for a plugin ABI major the core does not
 * speak.  The descriptor is spelled out because FTA_PLUGIN_DEFINE always
 * stamps the current ABI. */
#include <ftrace-analyzer/ftrace-analyzer.h>

__attribute__ ((visibility ("default")))
const FtaPluginDescriptor fta_plugin_descriptor = {
    .abi_major = FTA_PLUGIN_ABI_MAJOR + 1,
    .abi_minor = 0,
    .name = "badabi",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "built for the next ABI major",
};
