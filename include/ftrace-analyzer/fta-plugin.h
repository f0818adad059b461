/* fta-plugin.h - the plugin contract.
 *
 * A plugin is a shared object (built with libtool's -module -avoid-version)
 * that exports exactly one symbol, "fta_plugin_descriptor", defined with
 * FTA_PLUGIN_DEFINE.  The file is named after the plugin: plugin "switch" is
 * "switch.so".  The core finds it in the plugin path, in this order:
 *   1. each --plugin-dir DIR, in the order given;
 *   2. each directory of $FTA_PLUGIN_PATH (colon-separated);
 *   3. each of the profile's plugin_dirs (relative to the profile's file);
 *   4. $XDG_DATA_HOME/ftrace-analyzer/plugins (~/.local/share/...);
 *   5. the build tree's plugins/.libs when the binary runs uninstalled,
 *      otherwise $(pkglibdir) (e.g. /usr/local/lib/ftrace-analyzer).
 * The first file with the exact name wins.
 *
 * The descriptor is data: the core reads name, kind, ABI, options and
 * subscriptions without running plugin code.  The core accepts a plugin
 * whose abi_major equals FTA_PLUGIN_ABI_MAJOR and whose abi_minor is at
 * most FTA_PLUGIN_ABI_MINOR; anything else is an error naming the file.
 * Descriptors and FtaQuality only grow by appending fields, with a minor
 * bump (1.1: FtaQuality.out_of_order_unplaced; 1.2: the descriptor's
 * compare; 1.3: task ids in FtaEvent and FtaSpan, fta_context_task_comm,
 * fta_context_task_selected_id; 1.4: FtaQuality's n_cpus_seen, cpu_list,
 * header_cpus; 1.5: fta_context_use_color, the display unit of duration
 * columns, FtaColumn.display_unit; 1.6: FtaQuality's trace.dat fields,
 * from file_version to buffers, and process_dump_threads; 1.7:
 * FtaFinding.cost_ns and fta_finding_set_cost; 1.8: column ranks,
 * FtaColumn.rank, tables omitted when empty, a comparison's inputs,
 * fta_results_input; 1.9: FtaSpan's holders, n_holders, preempted_by_pid
 * and preempted_by_task, FtaHolder; 1.10: fta_context_summary; 1.11:
 * tables declared as data, FtaColumnSpec, FtaTableSpec,
 * fta_results_add_table_spec and fta_table_add_row_from; 1.12: per-task
 * state, FtaTasks; events by name, the descriptor's event_names, and
 * fields by name, FtaField; 1.13: fta_context_output_file; 1.14: table
 * specs read identifiers and distributions, FTA_FIELD_ID32 and
 * FTA_FIELD_DIST_*, and make series, fta_results_add_series_spec; 1.15:
 * FTA_FIELD_OPT_INT64 and FTA_FIELD_OPT_DOUBLE; 1.16: a pid's tasks,
 * fta_context_task_seq and fta_context_task_other_comms; 1.17: the events
 * a table needs, fta_table_set_needs; 1.18: FTA_TABLE_SPEC,
 * fta_table_sort_by and fta_table_set_title; 1.19:
 * FTA_SPAN_HOLDERS_INFERRED; 1.20: rows read from the analyzer's
 * structs, fta_table_add_row_ref, and the cells of such rows valid only
 * while few other rows are read; 1.21: fta_finding_add_evidence_printf
 * and fta_quality_event_count; 1.22: fta_dist_log2_counts).  The core
 * reads a field only from plugins whose abi_minor has it.
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
 *   compare (self, base, problem, out)
 *                                comparators (since ABI 1.2): add to OUT
 *                                what changed from BASE to PROBLEM, two
 *                                complete result sets (tables, findings,
 *                                quality) of the same profile.
 *   destroy (self)               always, if create succeeded.
 * Any callback may be NULL.  Event and span pointers are valid only during
 * the call.
 *
 * Threads: an instance (what create returned) is called on one thread
 * only, from create to destroy.  When several traces are analyzed in one
 * command, each trace gets instances of its own, and instances of the
 * same plugin may run at the same time on different threads: keep every
 * bit of state in the instance, none in static or global variables.  The
 * plugin is loaded once for all of them.
 */
#ifndef FTA_PLUGIN_H
#define FTA_PLUGIN_H

#include <glib.h>
#include <stdio.h>

#include <ftrace-analyzer/fta-event.h>
#include <ftrace-analyzer/fta-result.h>

G_BEGIN_DECLS

#define FTA_PLUGIN_ABI_MAJOR 1
#define FTA_PLUGIN_ABI_MINOR 22
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
    /* comparators (since ABI 1.2) */
    void (*compare) (void *self, const FtaResults *baseline,
                     const FtaResults *problem, FtaResults *out);
    /* Events by name (since ABI 1.12): names as the trace prints them, '*'
     * matching any run of characters ("block_rq_*"), NULL-terminated; may
     * be NULL.  on_event gets every event whose name matches one, besides
     * the types of events[] (an event matching both comes once).  The
     * core matches each distinct name once, at its first event, not per
     * line.  Read the fields of such events with FtaField. */
    const char *const *event_names;
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
/* --summary (ABI 1.10): TRUE when the text output is its first screen only
 * (the input, the findings one line each, the top of each table). */
gboolean fta_context_summary (const FtaContext *ctx);
/* TRUE when the task passes --comm / --pid (always TRUE without them).
 * The regex runs once per distinct (pid, comm). */
gboolean fta_context_task_selected (const FtaContext *ctx, gint32 pid,
                                    const char *comm);
/* The same for the task with id TASK (and that PID), without hashing the
 * pid (ABI 1.3): for per-event use. */
gboolean fta_context_task_selected_id (const FtaContext *ctx, guint32 task,
                                       gint32 pid, const char *comm);
/* --window in ns for time series; 0 = let the analyzer choose from the
 * trace's span (documented in docs/metrics.md, timeline). */
gint64 fta_context_window_ns (const FtaContext *ctx);
/* Where sinks that write more than their main output (one CSV per table,
 * plot data and scripts) put the other files: a directory, NULL when the
 * output is standard output, and a stem to start their names with
 * ("report" in a -o directory, else the -o file's name without its
 * extension). */
const char *fta_context_output_dir (const FtaContext *ctx);
const char *fta_context_output_stem (const FtaContext *ctx);
/* During render (ABI 1.13): the file OUT becomes once the sink succeeds, NULL
 * for standard output.  OUT itself is a temporary file beside it, renamed
 * to it only when the sink returns TRUE and everything was written, and
 * removed otherwise: a sink never sees a half-written file of its own,
 * and tells what OUT is by this name, not by its inode. */
const char *fta_context_output_file (const FtaContext *ctx);
/* The comm the sched model last saw in event fields (prev_comm,
 * next_comm, comm=) for PID, or NULL.  The TASK column can be stale: it is
 * filled from saved_cmdlines when the text is rendered. */
const char *fta_context_comm (const FtaContext *ctx, gint32 pid);
/* The same by task id (ABI 1.3), without a hash lookup.  Like
 * FtaSpan.comm, a buffer of FTA_COMM_LEN bytes, NUL-terminated: it may be
 * copied with one fixed-size memcpy.  Both, called in finish, give the
 * name of the task's rows instead: the comm it ran under longest (a thread
 * renamed while alive has one name in every table). */
const char *fta_context_task_comm (const FtaContext *ctx, guint32 task);
/* A pid names one task after another when the kernel reuses it (ABI
 * 1.16): each has its own task id.  This is which task of its pid TASK
 * is: 0 for the first the trace shows, 1 for the one that got the pid
 * after it (a fork, or an event after its last switch-out, dead), and so
 * on.  Tables keyed by pid show it as the column task_seq. */
guint32 fta_context_task_seq (const FtaContext *ctx, guint32 task);
/* In finish (ABI 1.16): the comms TASK ran under besides its name (an
 * exec or a rename), ", "-separated in the order it first ran under them,
 * or NULL when it ran under one only.  Valid until the run ends. */
const char *fta_context_task_other_comms (const FtaContext *ctx, guint32 task);
/* "--comm 'x' --pid 1,2" or "" : for headings. */
const char *fta_context_filter_text (const FtaContext *ctx);
/* TRUE when a sink may colour what it writes to OUT with terminal escape
 * sequences (ABI 1.5): OUT is standard output, and --color=always, or
 * --color=auto (the default) with standard output a terminal, NO_COLOR
 * unset or empty and TERM not "dumb".  Never for a file of -o. */
gboolean fta_context_use_color (const FtaContext *ctx, FILE *out);

/* Per-task state (ABI 1.12): "my state for this task", kept by the core
 * the way the sched model keeps its own.  A state is STATE_SIZE bytes,
 * zeroed, created at the task's first sight (INIT, if not NULL, is called
 * on it then, with the task's pid) and owned by the
 * FtaTasks: CLEAR (may be NULL) frees what it points to before the state
 * is freed.  States never move: a pointer stays valid until
 * fta_tasks_free.
 *
 * A task is its task id (FtaEvent.task, FtaSpan.task, the fields' *_task):
 * dense, found in one array index on every event, and right even where a
 * pid is reused for a new task.  The idle task (pid 0) is one task per
 * CPU, as in the kernel: give the CPU it runs on (an event's cpu, a
 * span's cpu); for other pids CPU is not used.  A pid that comes without
 * an id (FTA_TASK_NONE) is found by pid, more slowly.
 *
 * finish walks the states with fta_tasks_nth (0 .. fta_tasks_count - 1) in
 * the order they were created: the order of first sight in the trace,
 * the same on every run and with any -j. */
typedef struct _FtaTasks FtaTasks;
typedef void (*FtaTaskInit) (gpointer state, gint32 pid);
FtaTasks *fta_tasks_new (gsize state_size, FtaTaskInit init,
                         GDestroyNotify clear);
/* The state of the task, created at first sight.  Never NULL. */
gpointer fta_tasks_get (FtaTasks *tasks, guint32 task, gint32 pid,
                        gint32 cpu);
/* The state of the task, or NULL when it has none yet. */
gpointer fta_tasks_find (const FtaTasks *tasks, guint32 task, gint32 pid,
                         gint32 cpu);
guint fta_tasks_count (const FtaTasks *tasks);
gpointer fta_tasks_nth (const FtaTasks *tasks, guint i);
/* CLEAR on every state, then frees them all.  NULL is allowed. */
void fta_tasks_free (FtaTasks *tasks);

/* Per-task slots: a GPtrArray indexed by task id (see fta-event.h), one
 * pointer per task, NULL until set.  Pointers stay valid as the array
 * grows, so a plugin allocates a task's state once, at first sight, and
 * finds it in O(1) on every later event. */
static inline gpointer
fta_task_slot (const GPtrArray *slots, guint32 task)
{
    return task < slots->len ? g_ptr_array_index (slots, task) : NULL;
}

static inline void
fta_task_slot_set (GPtrArray *slots, guint32 task, gpointer state)
{
    g_return_if_fail (task != FTA_TASK_NONE);
    if (task >= slots->len)
        g_ptr_array_set_size (slots, task + 1);
    g_ptr_array_index (slots, task) = state;
}

/* Percentiles over a set of durations, for analyzers.  Exact (keeps every
 * sample) up to 4096 samples, then a log-bucketed histogram whose values
 * are within 1.6% of the exact ones: at most 32 KB each. */
typedef struct _FtaDist FtaDist;
FtaDist *fta_dist_new (void);
void fta_dist_add (FtaDist *d, gint64 v);
guint64 fta_dist_count (const FtaDist *d);
gint64 fta_dist_sum (const FtaDist *d);
gint64 fta_dist_max (const FtaDist *d);
gint64 fta_dist_min (const FtaDist *d);
/* P in 0..100, nearest-rank; -1 when empty.  May reorder samples. */
gint64 fta_dist_percentile (FtaDist *d, double p);
/* The values in powers of two (ABI 1.22): COUNTS[0] gets those below 2
 * (negative ones included), COUNTS[k] those in [2^k, 2^(k+1)).  Exact at
 * any count: a bucket of the histogram lies inside a power of two. */
void fta_dist_log2_counts (const FtaDist *d, guint64 counts[64]);
void fta_dist_free (FtaDist *d);

G_END_DECLS

#endif /* FTA_PLUGIN_H */
