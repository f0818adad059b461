/* parser.h - one text line to one FtaEvent (private to the core). */
#ifndef FTA_PARSER_H
#define FTA_PARSER_H

#include <ftrace-analyzer/fta-event.h>

typedef enum {
    FTA_LINE_EVENT = 0, /* ev is filled */
    FTA_LINE_MARKER,    /* ev is a LOST or BUFFER_STARTED marker */
    FTA_LINE_HEADER,    /* '#' comment/header or blank */
    FTA_LINE_UNPARSED,  /* *why says what was wrong */
} FtaLineKind;

typedef struct _FtaParser FtaParser;

FtaParser *fta_parser_new (void);
void fta_parser_free (FtaParser *p);

/* Parses LINE (LEN bytes, no newline).  EV's string pointers point into
 * LINE.  Allocates only when an event name is seen for the first time. */
FtaLineKind fta_parser_parse_line (FtaParser *p, const char *line, gsize len,
                                   FtaEvent *ev, const char **why);

/* Interned event names: id -> name.  Ids of the known types are fixed. */
guint fta_parser_n_names (const FtaParser *p);
const char *fta_parser_name (const FtaParser *p, guint id);

/* Values read from the header ("# entries-in-buffer/entries-written:"),
 * -1 when not seen. */
gint64 fta_parser_entries_in_buffer (const FtaParser *p);
gint64 fta_parser_entries_written (const FtaParser *p);
/* "#P:N" on that header line: the CPUs the kernel had; -1 when absent. */
gint64 fta_parser_header_cpus (const FtaParser *p);
/* "tracefs", "trace-cmd", "perf-script" or "systrace-html" once an
 * event line was parsed; NULL before. */
const char *fta_parser_format (const FtaParser *p);
/* "5-character flags column, TGID column": the layout of the first event
 * line; NULL before one was parsed.  Owned by the parser. */
const char *fta_parser_variant (const FtaParser *p);

/* Parsing on several threads (see core/pipeline.c): a parser of its own
 * per thread, started from the state MAIN reached at the first event line.
 * Once fta_parser_can_split (MAIN), lines parse the same on any parser
 * started so, except for the interned name ids above the fixed ones (the
 * first fta_parser_n_fixed_names ()) and the entries-in-buffer header. */
FtaParser *fta_parser_new_worker (const FtaParser *main);
gboolean fta_parser_can_split (const FtaParser *p);
/* NO_NUL: the lines to come hold no NUL byte (the caller checked their
 * whole block at once), so a line is not searched for one. */
void fta_parser_set_no_nul (FtaParser *p, gboolean no_nul);
guint fta_parser_n_fixed_names (void);
/* NAME's id, interned when new. */
guint fta_parser_intern (FtaParser *p, const char *name);
/* The entries-in-buffer header values read since the last call: FALSE
 * when none was. */
gboolean fta_parser_take_entries (FtaParser *p, gint64 *in_buffer, gint64 *written,
                                  gint64 *cpus);
void fta_parser_set_entries (FtaParser *p, gint64 in_buffer, gint64 written, gint64 cpus);

/* Android systrace's PROCESS DUMP block: the process (tgid) of thread PID
 * as the block lists it, -1 when it does not; and how many threads it
 * lists. */
gint32 fta_parser_dump_tgid (const FtaParser *p, gint32 pid);
guint fta_parser_dump_threads (const FtaParser *p);

/* Helpers shared with tests. */
guint32 fta_parse_state (const char *s, gsize len);
/* prev_state as a number when the kernel's letters are not known (trace-cmd
 * report -R; a trace.dat whose format has no __print_flags): see fields.c. */
guint32 fta_state_from_number (gint64 v);
/* Parses "123.456789" to ns; FALSE on junk.  Fractions of 1..9 digits. */
gboolean fta_parse_timestamp (const char *s, gsize len, gint64 *ns);
const char *fta_event_type_name (FtaEventType t);

#endif /* FTA_PARSER_H */
