/* fta-plugin.h - the plugin contract.
 *
 * A plugin is a shared object (built with libtool's -module -avoid-version)
 * that exports exactly one symbol, "fta_plugin_descriptor", defined with
 * FTA_PLUGIN_DEFINE.  The file is named after the plugin: plugin "switch" is
 * "switch.so".  The core finds it in the plugin path, in this order:
 *   1. each --plugin-dir DIR, in the order given;
 *   2. each directory of $FTA_PLUGIN_PATH (colon-separated);
 *   3. $XDG_DATA_HOME/ftrace-analyzer/plugins (~/.local/share/...);
 *   4. the build tree's plugins/.libs when the binary runs uninstalled,
 *      otherwise $(pkglibdir) (e.g. /usr/local/lib/ftrace-analyzer).
 * The first file with the exact name wins.
 *
 * The descriptor is data: the core reads name, kind, ABI, options and
 * subscriptions without running plugin code.  The core accepts a plugin
 * whose abi_major equals FTA_PLUGIN_ABI_MAJOR and whose abi_minor is at
 * most FTA_PLUGIN_ABI_MINOR; anything else is an error naming the file.
 * Descriptors only grow by appending fields, with a minor bump.
 *
 * Lifecycle, all on one thread, in this order:
 *   create (ctx, opts, &error)   once; returns the plugin's state, or NULL
 *                                with error set (the run stops, naming the
 *                                plugin and the message).
 *   on_event (self, ev)          analyzers: for each event whose type is in
 *                                events[], in file order, after the core's
 *                                sched model has seen it.  Report filters
 *                                (--cpu, --start/--end) are already applied;
 *                                task filters (--comm, --pid) are not: use
 *                                fta_context_task_selected when reporting.
 *   on_span (self, span)         analyzers subscribed to FTA_EV_SPAN: each
 *                                task-state span when it ends.
 *   finish (self, results)       analyzers: add tables/series/findings.
 *   render (self, results, out)  sinks: write the whole result to OUT.
 *   destroy (self)               always, if create succeeded.
 * Any callback may be NULL.  Event and span pointers are valid only during
 * the call.
 */
#ifndef FTA_PLUGIN_H
#define FTA_PLUGIN_H

#include <glib.h>
#include <stdio.h>

#include <ftrace-analyzer/fta-event.h>
#include <ftrace-analyzer/fta-result.h>

G_BEGIN_DECLS

#define FTA_PLUGIN_ABI_MAJOR 1
#define FTA_PLUGIN_ABI_MINOR 0
#define FTA_PLUGIN_SYMBOL "fta_plugin_descriptor"

typedef enum {
    FTA_PLUGIN_ANALYZER = 0,
    FTA_PLUGIN_SINK,
    FTA_PLUGIN_COMPARATOR,
} FtaPluginKind;

typedef enum {
    FTA_OPT_INT = 0,
    FTA_OPT_BOOL,
    FTA_OPT_DOUBLE,
    FTA_OPT_STRING,
} FtaOptionType;

/* One option a plugin accepts in its profile section.  An options array
 * ends with an entry whose name is NULL. */
typedef struct {
    const char *name;
    FtaOptionType type;
    const char *default_value; /* as text: "20", "true", "0.5", "x" */
    const char *help;
} FtaOptionSpec;

typedef struct _FtaOptions FtaOptions;
typedef struct _FtaContext FtaContext;

typedef struct {
    guint32 abi_major;
    guint32 abi_minor;
    const char *name;
    FtaPluginKind kind;
    const char *summary;          /* one line */
    const FtaOptionSpec *options; /* may be NULL */
    const FtaEventType *events;   /* ends with FTA_EV_NONE; may be NULL */
    void *(*create) (const FtaContext *ctx, const FtaOptions *opts,
                     GError **error);
    void (*on_event) (void *self, const FtaEvent *ev);
    void (*on_span) (void *self, const FtaSpan *span);
    void (*finish) (void *self, FtaResults *results);
    gboolean (*render) (void *self, const FtaResults *results, FILE *out,
                        GError **error);
    void (*destroy) (void *self);
    const char *extension;        /* sinks: output file extension, "txt" */
} FtaPluginDescriptor;

#define FTA_PLUGIN_DEFINE(...)                                            \
    __attribute__ ((visibility ("default")))                             \
    const FtaPluginDescriptor fta_plugin_descriptor = {                  \
        .abi_major = FTA_PLUGIN_ABI_MAJOR,                               \
        .abi_minor = FTA_PLUGIN_ABI_MINOR,                               \
        __VA_ARGS__                                                      \
    }

/* Option values: the profile's section for this plugin, else the default
 * from the descriptor.  Asking for an option the descriptor does not
 * declare is a programming error (returns 0 / FALSE / NULL). */
gint64 fta_options_get_int (const FtaOptions *opts, const char *name);
gboolean fta_options_get_bool (const FtaOptions *opts, const char *name);
double fta_options_get_double (const FtaOptions *opts, const char *name);
const char *fta_options_get_string (const FtaOptions *opts, const char *name);

/* The run's settings. */
guint fta_context_top (const FtaContext *ctx);      /* --top, 0 = all */
/* TRUE when the task passes --comm / --pid (always TRUE without them).
 * The regex runs once per distinct (pid, comm). */
gboolean fta_context_task_selected (const FtaContext *ctx, gint32 pid,
                                    const char *comm);
/* --window in ns for time series; 0 = let the analyzer choose from the
 * trace's span (documented in README "Time series"). */
gint64 fta_context_window_ns (const FtaContext *ctx);
/* The comm the sched model last saw in event fields (prev_comm,
 * next_comm, comm=) for PID, or NULL.  The TASK column can be stale: it is
 * filled from saved_cmdlines when the text is rendered. */
const char *fta_context_comm (const FtaContext *ctx, gint32 pid);
/* "--comm 'x' --pid 1,2" or "" : for headings. */
const char *fta_context_filter_text (const FtaContext *ctx);

/* Percentiles over a set of durations, for analyzers.  Exact (keeps every
 * sample) up to 65536 samples, then a log-bucketed histogram whose values
 * are within 1.6% of the exact ones. */
typedef struct _FtaDist FtaDist;
FtaDist *fta_dist_new (void);
void fta_dist_add (FtaDist *d, gint64 v);
guint64 fta_dist_count (const FtaDist *d);
gint64 fta_dist_sum (const FtaDist *d);
gint64 fta_dist_max (const FtaDist *d);
gint64 fta_dist_min (const FtaDist *d);
/* P in 0..100, nearest-rank; -1 when empty.  May reorder samples. */
gint64 fta_dist_percentile (FtaDist *d, double p);
void fta_dist_free (FtaDist *d);

G_END_DECLS

#endif /* FTA_PLUGIN_H */
