/* run.h - the state of one run, shared by the files that carry a line from
 * the read loop to the sinks (private to the core).
 *
 * One event crosses these files in this order, each once:
 *   engine.c      the run: set-up, the read loop, the accounting of every
 *                 line as it arrives (engine.h is its interface)
 *   sorter.c      --sort: lines back in timestamp order (optional)
 *   bus.c         the plugin instances; each line to the sched model and
 *                 to the analyzers subscribed to it, or to `filter`'s
 *                 output; spans from the model to their subscribers
 *   select.c      what is reported: --comm, --pid, --cpu, --start/--end,
 *                 --events (asked by bus.c, set up by engine.c)
 *   context.c     the FtaContext calls plugins make while they run
 *   output.c      where results go: -o planning, sink rendering, notes
 *   needs.c       tables empty for want of events: which to record
 * comparison.c runs the compare command on top of engine.c.
 *
 * FtaEngine is owned by the caller of fta_engine_init; each file changes
 * only the fields listed under its name below.
 */
#ifndef FTA_RUN_H
#define FTA_RUN_H

#include "core.h"
#include "engine.h"

typedef struct _FtaSorter FtaSorter;

/* A plugin in use: loaded, its options read, and (once created) its
 * state. */
typedef struct {
    FtaPlugin *plugin;
    FtaOptions *opts;
    void *self;
    gboolean borrowed;  /* plugin and opts belong to an FtaPluginSet */
} FtaInstance;

struct _FtaPluginSet {
    GPtrArray *instances; /* FtaInstance*: plugin and options, never created */
};

typedef struct {
    FtaQuality q;
    FtaParser *parser;
    FtaModel *model;
    FtaContext ctx;
    /* bus.c */
    GPtrArray *instances;                /* FtaInstance*, analyzers then sinks */
    GPtrArray *subs[FTA_EV__COUNT];      /* FtaInstance* per event type */
    /* With a plugin that subscribes by name (ABI 1.7), events go by their
     * interned name id instead: the instances subscribed to the name's
     * type or to a pattern it matches, in the instances' order, resolved
     * at the name's first event (NULL until then). */
    gboolean by_name;
    GPtrArray *subs_by_name;             /* name id -> GPtrArray* (owned) */
    GByteArray *cpu_seen;                /* per CPU: 1 once it had an event */
    GArray *holders;                     /* FtaHolder: a clipped span's, scaled */
    /* select.c */
    GHashTable *cpus;                    /* report filter, NULL = all */
    gboolean has_start, has_end;
    gboolean start_rel, end_rel;
    gint64 start_ns, end_ns;             /* resolved at the first event */
    gint64 start_off, end_off;
    /* --events: the patterns, and the verdict per interned name id (0 not
     * yet known, 1 selected, 2 not): a pattern is matched once per name,
     * not per line. */
    char **event_patterns;               /* owned, NULL = every event */
    GArray *name_verdict;                /* guint8 */
    /* `filter --comm`: comm (owned) -> 1 matches, 2 does not */
    GHashTable *comm_verdict;
    /* engine.c */
    GArray *cpu_last_ts;                 /* gint64 per CPU: its previous line */
    gint64 prev_ts;                      /* the previous event line's */
    GStringChunk *strings;
    /* timestamps as they arrive, before --sort reorders them */
    gboolean arrived;
    gint64 arrival_max_ts;
    FtaSorter *sorter;                   /* owned, NULL without --sort */
    gboolean filter_lines;               /* `filter` */
    gboolean counts_only;                /* `events`: no model, no plugins */
    guint jobs;                          /* parse threads; 1 = none */
    gboolean quiet;                      /* -q: no progress either */
    gboolean progress;                   /* --progress: without a terminal too */
    /* bus.c: `filter`'s output */
    FILE *out;                           /* not owned: engine.c's */
    int write_errno;                     /* first write error, 0 = none */
    guint64 written_events, written_other;
} FtaEngine;

/* A command-line value over the profile's: NULL = the profile's, "" =
 * none. */
static inline const char *
fta_pick (const char *cli, const char *profile)
{
    return cli ? (*cli ? cli : NULL) : profile;
}

/* --- engine.c ------------------------------------------------------------ */

void fta_engine_init (FtaEngine *e);
void fta_engine_clear (FtaEngine *e);

/* --- sorter.c ------------------------------------------------------------ */

/* Receives the lines in timestamp order. */
typedef void (*FtaSortEmit) (gpointer data, FtaLineKind kind, FtaEvent *ev,
                             const char *line, gsize len);

/* TEXT: "" = a window of FTA_SORT_EVENTS lines, "0.5" = half a second of
 * trace time.  Events too late to be placed are counted in *UNPLACED.
 * NULL with ERROR on a bad TEXT. */
FtaSorter *fta_sorter_new (const char *text, FtaSortEmit emit, gpointer data,
                           guint64 *unplaced, GError **error);
void fta_sorter_push (FtaSorter *s, FtaLineKind kind, FtaEvent *ev,
                      const char *line, gsize len);
/* Releases every line still waiting. */
void fta_sorter_finish (FtaSorter *s);
void fta_sorter_free (FtaSorter *s);

/* --- bus.c --------------------------------------------------------------- */

/* Loads plugin NAME (of kind WANT) with its options from PROFILE into
 * INSTANCES (FtaInstance*); a name listed twice runs once. */
gboolean fta_bus_add_instance (GPtrArray *instances, const char *name, FtaPluginKind want,
                               GPtrArray *dirs, const FtaProfile *profile,
                               GError **error);
/* Creates every instance and subscribes it to its events. */
gboolean fta_bus_create_instances (FtaEngine *e, GError **error);
/* A line in the order the model sees it: counted, then to the model and
 * the subscribers (or `filter`'s output). */
void fta_bus_emit_line (gpointer engine, FtaLineKind kind, FtaEvent *ev,
                        const char *line, gsize len);
/* The model's spans (an FtaSpanFunc, DATA the engine). */
void fta_bus_dispatch_span (const FtaSpan *span, gpointer data);

/* --- select.c ------------------------------------------------------------ */

/* The report filters of RC over its profile's, --sort, --top, --window. */
gboolean fta_select_setup (FtaEngine *e, const FtaRunConfig *rc, GError **error);
gboolean fta_select_in_window (const FtaEngine *e, gint64 ts);
/* FALSE with a usage error giving the trace's span when --start/--end
 * lie wholly outside the trace read: nothing would be reported. */
gboolean fta_select_check_window (const FtaEngine *e, const char *path, GError **error);
/* --events: NAME_ID passes (the patterns run once per name). */
gboolean fta_select_name (FtaEngine *e, guint32 name_id);
/* `filter`: the event line passes every filter given. */
gboolean fta_select_line (FtaEngine *e, const FtaEvent *ev);

/* --- output.c ------------------------------------------------------------ */

/* -o PATH: where the sinks' files go (see fta_context_output_dir); in a
 * directory, files are named STEM.EXT (NULL: report.EXT). */
gboolean fta_output_plan (FtaEngine *e, const char *output, const char *stem,
                          GError **error);
/* An output file being written: to a temporary file beside PATH, renamed
 * to PATH once complete (a regular file, or a name not yet taken), or
 * straight to PATH (a device, a pipe), or standard output (PATH NULL). */
typedef struct _FtaOutCookie FtaOutCookie;
typedef struct {
    FILE *f;
    char *path;  /* owned; NULL: standard output */
    char *tmp;   /* owned; NULL: written in place */
    FtaOutCookie *cookie; /* owned; the first write error of F */
} FtaOutFile;
/* The first error writing O's file met (0: none, or standard output). */
int fta_output_errno (const FtaOutFile *o);
/* PATH (NULL or "-": standard output), as planned for CTX (may be NULL):
 * the file a sink with extension EXT writes, opened for writing.  FALSE
 * with ERROR (FTA_EXIT_OUTPUT) when it cannot be. */
gboolean fta_output_begin (const FtaContext *ctx, const char *path, const char *ext,
                           gboolean several, FtaOutFile *o, GError **error);
/* Closes O's file and, when OK and nothing failed (WRITE_ERRNO: a write
 * error the caller saw, 0 = none), renames it into place; else removes
 * what was written.  FALSE with ERROR naming the file and the reason when
 * OK was TRUE but writing failed (ERROR untouched when OK was FALSE).
 * O's path stays for messages until fta_output_clear. */
gboolean fta_output_end (FtaOutFile *o, gboolean ok, int write_errno, GError **error);
void fta_output_clear (FtaOutFile *o);
/* FALSE with ERROR (FTA_EXIT_USAGE) when FILE (NULL: standard output, if
 * it is a regular file) is one of INPUTS (NULL-terminated; "-" is
 * standard input): the same file, through links too. */
gboolean fta_output_refuse_input (const char *file, const char *const *inputs,
                                  GError **error);
/* The same for the file of every sink instance of E, for -o OUTPUT. */
gboolean fta_output_check_sinks (const FtaEngine *e, const char *output,
                                 const char *const *inputs, GError **error);
/* Renders RESULTS with every sink instance of E to the run's output. */
int fta_output_render_sinks (FtaEngine *e, const FtaRunConfig *rc,
                             const FtaResults *results, GError **error);
void fta_output_note_unmatched_events (const FtaEngine *e, const char *path);
/* --comm/--pid that no task of the trace passes: a note naming the
 * nearest comms (or pids). */
void fta_output_note_unmatched_tasks (const FtaEngine *e, const char *path);
void fta_output_note_filtered (const FtaEngine *e, const char *path);

/* needs.c, after the analyzers' finish: adds the table
 * quality.missing_events to R, a row per event the whole trace lacks that
 * an empty table needs (fta_table_set_needs), with the commands that
 * record it; such tables are left out of text and HTML.  The table comes
 * first when it has rows, last when not.  Unless QUIET a note on standard
 * error says the same once. */
void fta_needs_check (const FtaEngine *e, FtaResults *r, const char *path, gboolean quiet);

#endif /* FTA_RUN_H */
