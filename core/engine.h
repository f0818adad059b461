/* engine.h - run one analysis (private). */
#ifndef FTA_ENGINE_H
#define FTA_ENGINE_H

#include "core.h"

/* The analyzers and sinks of a profile, loaded and their options read
 * once, for any number of runs (each creates its own instances). */
typedef struct _FtaPluginSet FtaPluginSet;

typedef struct {
    const char *input_path;      /* path or "-" */
    const FtaProfile *profile;   /* not owned */
    char **formats;              /* -f, replaces the profile's sinks; may be NULL */
    const char *output;          /* -o; NULL = the profile's */
    char **plugin_dirs;          /* --plugin-dir; may be NULL */
    /* Filters: NULL = the profile's, "" = none. */
    const char *comm, *pids, *cpus, *start, *end;
    const char *events;          /* --events "a,b*": NULL = every event */
    /* --buffer NAME: the instance of a trace.dat to read; NULL = the top
     * buffer */
    const char *buffer;
    /* --sort: NULL = off, "" = the default window (FTA_SORT_EVENTS
     * events), else seconds of trace time. */
    const char *sort;
    gint64 top;                  /* -1 = the profile's */
    const char *window;          /* --window seconds; NULL = the profile's */
    /* --tables: glob patterns of the tables and series the sinks write
     * ("wakeup.*"); NULL = all of them */
    char **tables;
    FtaColor color;              /* --color */
    gboolean summary;            /* --summary: the text's first screen only */
    gboolean quiet;
    gboolean progress;      /* --progress: also when stderr is no terminal */
    /* -j: threads that parse the input; 0 = one per online CPU, 1 = the
     * reading thread parses (no other thread). */
    guint jobs;
    /* When set, no plugin runs: called with the quality once the input is
     * read (the `events` command). */
    void (*events_only) (const FtaResults *results, gpointer data);
    gpointer events_data;
    /* When set, no plugin runs either: the event lines that pass the
     * filters, and every header and marker line, are copied unchanged to
     * OUTPUT (the `filter` command), with a count on stderr unless QUIET. */
    gboolean filter_lines;
    /* When set, no sink runs: the analyzers' results are copied to *KEEP
     * (the caller frees them; `compare` runs this way). */
    FtaResults **keep;
    /* Plugins loaded once for many runs (fta_plugin_set_load); NULL: the
     * run loads its own. */
    const FtaPluginSet *plugins;
    /* With an output directory: the run's files are DIR/STEM.EXT; NULL:
     * DIR/report.EXT. */
    const char *output_stem;
    /* Called with the analyzers' results (and the quality) once they are
     * complete, before the sinks render them. */
    void (*on_results) (const FtaResults *results, gpointer data);
    gpointer results_data;
} FtaRunConfig;

/* --sort without a value: events kept pending.  A time window (--sort=S)
 * keeps at most FTA_SORT_MAX_EVENTS.  Memory: 300 to 400 bytes an event. */
#define FTA_SORT_EVENTS 100000
#define FTA_SORT_MAX_EVENTS 1000000

/* Returns an exit code (FTA_EXIT_*); sets ERROR unless it is FTA_EXIT_OK. */
int fta_engine_run (const FtaRunConfig *rc, GError **error);

/* RC's analyzers and sinks (-f, else the profile's; no sinks with
 * RC->keep), loaded, their options checked, and every plugins.NAME
 * section of the profile checked.  NULL with ERROR (an exit code). */
FtaPluginSet *fta_plugin_set_load (const FtaRunConfig *rc, GError **error);
void fta_plugin_set_free (FtaPluginSet *set);

/* Analyzes each of the N_PATHS traces PATHS with RC (see batch.c): up to
 * RC->jobs at once, the plugins loaded once, one result set per trace in
 * RC->output (a directory) and an index of them all.  FTA_EXIT_OK when
 * every trace was analyzed, FTA_EXIT_SOME_FAILED when some were not (the
 * index says why), another code when none could start. */
int fta_engine_run_many (const FtaRunConfig *rc, char **paths, guint n_paths,
                         GError **error);

/* `compare`: each of BASELINE and PROBLEM is analyzed with RC's profile
 * and filters (or read back, when it is a saved JSON result); the
 * comparator plugin COMPARATOR (NULL = "compare") writes what changed
 * into a new result that RC's sinks render.  An exit code, as above. */
int fta_engine_compare (const FtaRunConfig *rc, const char *baseline,
                        const char *problem, const char *comparator,
                        GError **error);

#endif /* FTA_ENGINE_H */
