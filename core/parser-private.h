/* parser-private.h - what the parser's files share (private to them).
 *
 * A text line crosses the parser's files in this order:
 *   parser.c            the parser object (event names, the format seen)
 *                       and the walk of one line: markers and headers,
 *                       the prefix before the timestamp, the event name
 *   format-tracefs.c    the kernel's own text: header, markers, the
 *                       COMM-PID [(TGID)] [CPU] FLAGS prefix
 *   format-tracecmd.c   trace-cmd report: its header, DROPPED markers, the
 *                       latency (-l) column, its plugins' field forms
 *   format-perf.c       perf script: PID/TID, sample periods, callchain
 *                       lines, PERF_RECORD_LOST, event modifiers
 *   format-systrace.c   Android systrace HTML around the text
 *   fields.c            the typed fields of the known events, as the
 *                       kernel prints them (every format shares them)
 *   scan.h, scan.c      numbers, timestamps, keys, comms
 * They are compiled as one unit (parser-unit.c), so what they share is
 * static: the calls a line makes from one grammar into another inline.
 */
#ifndef FTA_PARSER_PRIVATE_H
#define FTA_PARSER_PRIVATE_H

#include "parser.h"
#include "scan.h"

struct _FtaParser {
    GHashTable *ids;   /* name (owned) -> id + 1 */
    GPtrArray *names;  /* id -> name (owned by ids' keys) */
    gint64 entries_in_buffer;
    gint64 entries_written;
    gint64 header_cpus;       /* "#P:N" of the header, -1 */
    const char *format;
    int variant;
    gboolean tracecmd_header; /* "cpus=N" or "version = N" seen */
    guint type_id[FTA_EV__COUNT]; /* known type -> its name id */
    int html;                 /* HTML_* while reading a systrace file */
    int flags_width;          /* of the first flags column seen */
    char *variant_text;       /* "5-character flags column, TGID column" */
    gboolean seen_event;
    gboolean entries_seen;    /* since fta_parser_take_entries */
    /* systrace PROCESS DUMP: thread id -> its process (tgid) */
    GHashTable *dump_tgids;
    int dump_form;            /* 0 no header yet, 1 USER PID TID, 2 USER PID PPID */
    gboolean no_nul;          /* fta_parser_set_no_nul */
};

/* Android systrace HTML: the ftrace text sits in <script class="trace-data">
 * blocks, or (legacy) in a JavaScript string 'var linuxPerfData = "\' whose
 * lines end in '\n\'.  Everything else in the file is HTML. */
enum {
    HTML_NO = 0,
    HTML_OUTSIDE,
    HTML_BLOCK_START, /* first line of a trace-data block: text or JSON? */
    HTML_TEXT,
    HTML_JSON,
    HTML_JS_STRING,
    /* a block that starts "PROCESS DUMP": a ps listing, "USER PID TID CMD"
     * (threads) or "USER PID PPID VSZ RSS WCHAN PC S NAME ..." (processes) */
    HTML_PROCESS_DUMP,
    /* another non-trace block ("CGROUP DUMP") */
    HTML_OTHER_DUMP,
};

/* The layout of the prefix before the timestamp. */
enum {
    V_TGID = 1 << 0,
    V_FLAGS = 1 << 1,
    V_PERF = 1 << 2,
    V_NOCPU = 1 << 3,
    V_LATENCY = 1 << 4,
};

/* --- fields.c: the typed fields of the known events ----------------------- */

/* The known type of the event named N (LEN bytes), else FTA_EV_OTHER. */
static FtaEventType fta_fields_classify (const char *n, gsize len);
/* Fills EV->u from EV->fields for the known types; FALSE when they do not
 * read as the type's fields. */
static gboolean fta_fields_parse (FtaEvent *ev, const char **why);

/* --- format-tracefs.c ------------------------------------------------------ */

/* A '#' line: reads "# entries-in-buffer/entries-written: A/B". */
static void fta_tracefs_header (FtaParser *p, const char *s, const char *end);
/* "##### CPU 3 buffer started ####" */
static gboolean fta_tracefs_buffer_started (const char *s, const char *end, FtaEvent *ev);
/* "CPU:1 [LOST 90 EVENTS]" */
static gboolean fta_tracefs_lost (const char *s, const char *end, FtaEvent *ev);
/* Everything before the timestamp [s, e): fills the line's task, CPU and
 * TGID; returns the V_* bits, or -1 with *why. */
static int fta_tracefs_prefix (FtaParser *p, const char *s, const char *e, FtaEvent *ev,
                        const char **why);

/* --- format-tracecmd.c ----------------------------------------------------- */

/* "cpus=2", "version = 6", "CPU 3 is empty": TRUE (and noted) when it is
 * one. */
static gboolean fta_tracecmd_header (FtaParser *p, const char *s, const char *end);
/* "CPU:0 [1806 EVENTS DROPPED]", "CPU:0 [EVENTS DROPPED]" */
static gboolean fta_tracecmd_dropped (const char *s, const char *end, FtaEvent *ev);
/* "-l": the fused "0d.h1" CPU-and-flags column at T, after "COMM-PID"
 * (from S); sets *cpu. */
static gboolean fta_tracecmd_latency_column (const char *s, const char *t, const char *e,
                                      gint64 *cpu);
/* The plugin forms of sched_switch and sched_wak*'s fields. */
static gboolean fta_tracecmd_switch (FtaSwitchFields *f, const char *s, const char *end,
                                     const char **why);
static gboolean fta_tracecmd_wake (FtaWakeFields *f, const char *s, const char *end,
                                   const char **why);

/* --- format-perf.c --------------------------------------------------------- */

/* A callchain line ("\t    ffffffff8100 sym+0x6 (dso)"): LINE is the raw
 * line, [s, end) its trimmed text. */
static gboolean fta_perf_callchain (const char *line, const char *s, const char *end);
/* "PID/TID" ending at PD (the TID's first digit): sets EV's tgid and
 * returns where the PID starts, or NULL with *why. */
static const char *fta_perf_pid_tid (const char *s, const char *pd, FtaEvent *ev,
                              const char **why);
/* After the timestamp at Q: skips an optional sample period. */
static const char *fta_perf_skip_period (const char *q, const char *end);
/* "PERF_RECORD_LOST lost 117" at Q (perf script --show-lost-events). */
static gboolean fta_perf_lost (const char *q, const char *end, FtaEvent *ev);
/* ":ppp", ":u" ...: perf's modifiers after an event name, [s, e). */
static gboolean fta_perf_is_modifier (const char *s, const char *e);

/* --- format-systrace.c ----------------------------------------------------- */

/* The start of a systrace HTML file, at S (the first line's text). */
static gboolean fta_systrace_starts (const char *s, const char *end);
/* Steps the systrace HTML state for one line.  Returns SYSTRACE_TEXT when
 * [*s, *end) is trace text to parse (trimmed of the JavaScript line
 * ending), SYSTRACE_OTHER for the page and its other blocks (a PROCESS
 * DUMP line is read into the thread -> process map), SYSTRACE_BAD with
 * *WHY for a PROCESS DUMP line that is not one. */
enum { SYSTRACE_OTHER = 0, SYSTRACE_TEXT, SYSTRACE_BAD };
static int fta_systrace_line (FtaParser *p, const char **s, const char **end,
                              const char **why);

#endif /* FTA_PARSER_PRIVATE_H */
