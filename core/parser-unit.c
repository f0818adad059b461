/* parser-unit.c - the parser's files compiled as one unit, so that the
 * calls a line makes from one grammar to another (several per line) are
 * inlined as if they were one file.  Each file stays on its own for
 * reading; parser-private.h says what each holds. */
#include "scan.c"
#include "fields.c"
#include "format-tracefs.c"
#include "format-tracecmd.c"
#include "format-perf.c"
#include "format-systrace.c"
#include "parser.c"
