/* nosym.c - a shared object that looks like a plugin but exports its
 * descriptor under the wrong name, as a hand-written plugin might. */
#include <ftrace-analyzer/ftrace-analyzer.h>

__attribute__ ((visibility ("default")))
const FtaPluginDescriptor fta_plugin_descriptr = {
    .abi_major = FTA_PLUGIN_ABI_MAJOR,
    .abi_minor = FTA_PLUGIN_ABI_MINOR,
    .name = "nosym",
    .kind = FTA_PLUGIN_ANALYZER,
};
