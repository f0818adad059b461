/* ftrace-analyzer.h - everything a plugin author needs.
 *
 *   #include <ftrace-analyzer/ftrace-analyzer.h>
 *
 * Build flags: pkg-config --cflags ftrace-analyzer.  Plugins link nothing
 * from the core: the host binary provides the fta_* functions at load time.
 */
#ifndef FTRACE_ANALYZER_H
#define FTRACE_ANALYZER_H

#include <ftrace-analyzer/fta-event.h>
#include <ftrace-analyzer/fta-result.h>
#include <ftrace-analyzer/fta-plugin.h>

#endif /* FTRACE_ANALYZER_H */
