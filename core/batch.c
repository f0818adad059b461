/* batch.c - many traces in one command: `analyze -o DIR/ A B C ...`.
 *
 * The plugins are loaded and their options read once; each trace is a
 * run of engine.c of its own (fresh instances, created and destroyed
 * around it), with its result set in DIR named after the trace's file.
 * Up to -j traces run at once, on threads of this process: a plugin
 * instance stays on the one thread that runs its trace.  A trace that
 * fails gets its row in the index with the error; the others go on.
 * Then DIR/index.csv and DIR/index.json: one row per trace, in the order
 * given, whatever the order they finished in.
 *
 * Owns the index rows (Row) and the threads; reads each run's results
 * through the public result calls, as a sink would.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "run.h"

/* One trace's line of the index. */
typedef struct {
    const char *path;       /* as given */
    char *name;             /* the stem of its files in DIR */
    int code;               /* its run's exit code */
    char *error;            /* NULL when it was analyzed */
    gboolean done;          /* results seen (the fields below are set) */
    char *format, *compression;
    gint64 first_ts_ns, last_ts_ns;
    guint64 events, unparsed, lost_markers;
    gint64 lost_events;
    guint cpus;
    gboolean has_cpu;       /* cpu.cpus was there */
    double busy_min, busy_mean, busy_max;
    double pressure, pressure_max;
    guint findings[3];      /* by FtaSeverity */
    char *top_severity, *top_code, *top_title;
} Row;

typedef struct {
    const FtaRunConfig *rc;
    const FtaPluginSet *set;
    Row *rows;
    guint n;
    gint next;              /* the next trace to start (atomic) */
    guint jobs_each;
    GMutex lock;            /* standard error */
} Batch;

static gint64
cell_int (const FtaTable *t, guint row, int col)
{
    const FtaValue *v = col >= 0 ? fta_table_cell (t, row, (guint) col) : NULL;
    return v && !v->is_null ? v->i : 0;
}

/* busy % per CPU (min, max, and of all CPUs together) and runnable
 * pressure (of all CPUs, and the worst one), from cpu.cpus as the
 * diagnosis reads it: observed time = busy + idle. */
static void
summarize_cpus (Row *row, const FtaResults *r)
{
    const FtaTable *t = fta_results_find_table (r, "cpu.cpus");
    if (!t)
        return;
    int c_busy = fta_table_column_index (t, "busy_ns");
    int c_idle = fta_table_column_index (t, "idle_ns");
    int c_press = fta_table_column_index (t, "runnable_pressure_ns");
    if (c_busy < 0 || c_idle < 0)
        return;
    gint64 busy_all = 0, obs_all = 0, press_all = 0;
    gboolean any = FALSE;
    for (guint i = 0; i < fta_table_n_rows (t); i++) {
        gint64 busy = cell_int (t, i, c_busy);
        gint64 obs = busy + cell_int (t, i, c_idle);
        gint64 press = cell_int (t, i, c_press);
        if (obs <= 0)
            continue;
        double b = 100.0 * busy / obs, p = 100.0 * press / obs;
        row->busy_min = any ? MIN (row->busy_min, b) : b;
        row->busy_max = any ? MAX (row->busy_max, b) : b;
        row->pressure_max = any ? MAX (row->pressure_max, p) : p;
        any = TRUE;
        busy_all += busy;
        obs_all += obs;
        press_all += press;
    }
    if (!any)
        return;
    row->has_cpu = TRUE;
    row->busy_mean = 100.0 * busy_all / obs_all;
    row->pressure = c_press >= 0 ? 100.0 * press_all / obs_all : 0;
    if (c_press < 0)
        row->pressure_max = 0;
}

/* The run's results, on its thread, before its sinks render them. */
static void
summarize (const FtaResults *r, gpointer data)
{
    Row *row = data;
    const FtaQuality *q = fta_results_quality (r);
    row->done = TRUE;
    row->format = g_strdup (q->format ? q->format : "unknown");
    row->compression = g_strdup (q->compression ? q->compression : "none");
    row->first_ts_ns = q->first_ts_ns;
    row->last_ts_ns = q->last_ts_ns;
    row->events = q->lines_event;
    row->unparsed = q->lines_unparsed;
    row->lost_events = q->lost_events;
    row->lost_markers = q->lost_markers;
    row->cpus = q->n_cpus;
    summarize_cpus (row, r);
    const FtaFinding *top = NULL;
    for (guint i = 0; i < fta_results_n_findings (r); i++) {
        const FtaFinding *f = fta_results_finding (r, i);
        if (f->severity <= FTA_SEVERITY_CRITICAL)
            row->findings[f->severity]++;
        if (!top || f->severity > top->severity)
            top = f;
    }
    if (top) {
        row->top_severity = g_strdup (fta_severity_name (top->severity));
        row->top_code = g_strdup (top->code);
        row->top_title = g_strdup (top->title);
    }
}

static gpointer
batch_thread (gpointer data)
{
    Batch *b = data;
    for (;;) {
        guint i = (guint) g_atomic_int_add (&b->next, 1);
        if (i >= b->n)
            break;
        Row *row = &b->rows[i];
        FtaRunConfig one = *b->rc;
        one.input_path = row->path;
        one.plugins = b->set;
        one.output_stem = row->name;
        one.jobs = b->jobs_each;
        one.quiet = TRUE;           /* no progress and no "wrote" per trace */
        one.progress = FALSE;
        one.on_results = summarize;
        one.results_data = row;
        GError *err = NULL;
        row->code = fta_engine_run (&one, &err);
        if (row->code != FTA_EXIT_OK) {
            row->error = g_strdup (err ? err->message : "failed");
            if (!b->rc->quiet) {
                g_mutex_lock (&b->lock);
                g_printerr ("ftrace-analyzer: %s: %s\n", row->path, row->error);
                g_mutex_unlock (&b->lock);
            }
        }
        g_clear_error (&err);
    }
    return NULL;
}

/* The name of PATH's files: its file name without a compression suffix
 * and then without its extension ("host1.txt.gz" -> "host1"). */
static char *
stem_of (const char *path)
{
    if (strcmp (path, "-") == 0)
        return g_strdup ("stdin");
    char *base = g_path_get_basename (path);
    static const char *const packed[] = { ".gz", ".zst", ".xz", NULL };
    for (guint i = 0; packed[i]; i++)
        if (g_str_has_suffix (base, packed[i]) && strlen (base) > strlen (packed[i])) {
            base[strlen (base) - strlen (packed[i])] = '\0';
            break;
        }
    char *dot = strrchr (base, '.');
    if (dot && dot != base)
        *dot = '\0';
    return base;
}

/* Stems for every trace, each once ("a", "a-2", ...); "index" is the
 * index's. */
static void
name_rows (Row *rows, guint n)
{
    GHashTable *taken = g_hash_table_new (g_str_hash, g_str_equal);
    g_hash_table_add (taken, (gpointer) "index");
    for (guint i = 0; i < n; i++) {
        char *stem = stem_of (rows[i].path);
        char *name = g_strdup (stem);
        for (guint k = 2; g_hash_table_contains (taken, name); k++) {
            g_free (name);
            name = g_strdup_printf ("%s-%u", stem, k);
        }
        g_free (stem);
        rows[i].name = name;
        g_hash_table_add (taken, name);
    }
    g_hash_table_destroy (taken);
}

/* --- the index ------------------------------------------------------------ */

static const char *const index_columns[] = {
    "path", "name", "status", "exit_code", "error", "format", "compression",
    "first_ts_ns", "last_ts_ns", "span_ns", "events", "lines_unparsed", "lost_events",
    "lost_markers", "cpus", "busy_pct_min", "busy_pct_mean", "busy_pct_max",
    "runnable_pressure_pct", "runnable_pressure_pct_max", "findings_critical",
    "findings_warning", "findings_info", "top_severity", "top_code", "top_title", NULL
};

typedef enum { CELL_NULL, CELL_STR, CELL_INT, CELL_PCT } CellKind;

typedef struct {
    CellKind kind;
    const char *s;
    gint64 i;
    double d;
} Cell;

static Cell
row_cell (const Row *r, guint col)
{
    Cell c = { CELL_NULL, NULL, 0, 0 };
    const char *name = index_columns[col];
    gboolean cpu_col = g_str_has_prefix (name, "busy_") || g_str_has_prefix (name, "runnable_");
#define S(v) do { c.kind = (v) ? CELL_STR : CELL_NULL; c.s = (v); } while (0)
#define I(v) do { c.kind = CELL_INT; c.i = (gint64) (v); } while (0)
#define P(v) do { c.kind = CELL_PCT; c.d = (v); } while (0)
    if (strcmp (name, "path") == 0) S (r->path);
    else if (strcmp (name, "name") == 0) S (r->name);
    else if (strcmp (name, "status") == 0) S (r->code == FTA_EXIT_OK ? "ok" : "error");
    else if (strcmp (name, "exit_code") == 0) I (r->code);
    else if (strcmp (name, "error") == 0) S (r->error);
    else if (!r->done) ;
    else if (strcmp (name, "format") == 0) S (r->format);
    else if (strcmp (name, "compression") == 0) S (r->compression);
    else if (strcmp (name, "first_ts_ns") == 0) { if (r->first_ts_ns >= 0) I (r->first_ts_ns); }
    else if (strcmp (name, "last_ts_ns") == 0) { if (r->last_ts_ns >= 0) I (r->last_ts_ns); }
    else if (strcmp (name, "span_ns") == 0) {
        if (r->first_ts_ns >= 0) I (r->last_ts_ns - r->first_ts_ns);
    }
    else if (strcmp (name, "events") == 0) I (r->events);
    else if (strcmp (name, "lines_unparsed") == 0) I (r->unparsed);
    else if (strcmp (name, "lost_events") == 0) I (r->lost_events);
    else if (strcmp (name, "lost_markers") == 0) I (r->lost_markers);
    else if (strcmp (name, "cpus") == 0) I (r->cpus);
    else if (cpu_col && !r->has_cpu) ;
    else if (strcmp (name, "busy_pct_min") == 0) P (r->busy_min);
    else if (strcmp (name, "busy_pct_mean") == 0) P (r->busy_mean);
    else if (strcmp (name, "busy_pct_max") == 0) P (r->busy_max);
    else if (strcmp (name, "runnable_pressure_pct") == 0) P (r->pressure);
    else if (strcmp (name, "runnable_pressure_pct_max") == 0) P (r->pressure_max);
    else if (strcmp (name, "findings_critical") == 0) I (r->findings[FTA_SEVERITY_CRITICAL]);
    else if (strcmp (name, "findings_warning") == 0) I (r->findings[FTA_SEVERITY_WARNING]);
    else if (strcmp (name, "findings_info") == 0) I (r->findings[FTA_SEVERITY_INFO]);
    else if (strcmp (name, "top_severity") == 0) S (r->top_severity);
    else if (strcmp (name, "top_code") == 0) S (r->top_code);
    else if (strcmp (name, "top_title") == 0) S (r->top_title);
#undef S
#undef I
#undef P
    return c;
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void
csv_string (GString *out, const char *s)
{
    if (!strpbrk (s, ",\"\r\n")) {
        g_string_append (out, s);
        return;
    }
    g_string_append_c (out, '"');
    for (; *s; s++) {
        if (*s == '"')
            g_string_append_c (out, '"');
        g_string_append_c (out, *s);
    }
    g_string_append_c (out, '"');
}

static void
json_string (GString *out, const char *s)
{
    g_string_append_c (out, '"');
    for (; *s; s++) {
        guchar c = (guchar) *s;
        if (c == '"' || c == '\\')
            g_string_append_printf (out, "\\%c", c);
        else if (c == '\n')
            g_string_append (out, "\\n");
        else if (c == '\t')
            g_string_append (out, "\\t");
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
        else
            g_string_append_c (out, (char) c);
    }
    g_string_append_c (out, '"');
}

static char *
index_text (const Row *rows, guint n, gboolean json)
{
    GString *out = g_string_new (json ? "[\n" : NULL);
    guint n_cols = g_strv_length ((char **) index_columns);
    if (!json) {
        for (guint c = 0; c < n_cols; c++)
            g_string_append_printf (out, "%s%s", c ? "," : "", index_columns[c]);
        g_string_append_c (out, '\n');
    }
    for (guint i = 0; i < n; i++) {
        if (json)
            g_string_append (out, "  {");
        for (guint c = 0; c < n_cols; c++) {
            Cell cell = row_cell (&rows[i], c);
            if (json) {
                g_string_append_printf (out, "%s\"%s\": ", c ? ", " : "", index_columns[c]);
            } else if (c) {
                g_string_append_c (out, ',');
            }
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            switch (cell.kind) {
            case CELL_NULL:
                if (json)
                    g_string_append (out, "null");
                break;
            case CELL_STR:
                /* a string the trace gave may not be valid UTF-8 */
                {
                    char *valid = g_utf8_make_valid (cell.s, -1);
                    if (json)
                        json_string (out, valid);
                    else
                        csv_string (out, valid);
                    g_free (valid);
                }
                break;
            case CELL_INT:
                g_string_append_printf (out, "%" G_GINT64_FORMAT, cell.i);
                break;
            case CELL_PCT:
                g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.2f", cell.d));
                break;
            }
        }
        if (json)
            g_string_append (out, i + 1 < n ? "},\n" : "}\n");
        else
            g_string_append_c (out, '\n');
    }
    if (json)
        g_string_append (out, "]\n");
    return g_string_free (out, FALSE);
}

/* Written whole or not at all: to a temporary file renamed into place. */
static gboolean
write_index (const char *dir, const char *file, const char *text, GError **error)
{
    char *path = g_build_filename (dir, file, NULL);
    GError *err = NULL;
    gboolean ok = g_file_set_contents (path, text, -1, &err);
    if (!ok) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s", path,
                     err->message);
        g_error_free (err);
    }
    g_free (path);
    return ok;
}

int
fta_engine_run_many (const FtaRunConfig *rc, char **paths, guint n_paths, GError **error)
{
    const FtaProfile *p = rc->profile;
    const char *dir = fta_pick (rc->output, p->output);
    if (!dir || !(g_str_has_suffix (dir, "/") || g_file_test (dir, G_FILE_TEST_IS_DIR))) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "%u traces given: name a directory for their results with "
                     "-o DIR/ (each trace's files, and index.csv and index.json, go there)",
                     n_paths);
        return FTA_EXIT_USAGE;
    }
    guint stdin_count = 0;
    for (guint i = 0; i < n_paths; i++)
        stdin_count += strcmp (paths[i], "-") == 0;
    if (stdin_count > 1) {
        g_set_error_literal (error, FTA_ERROR, FTA_EXIT_USAGE,
                             "standard input (-) can be given only once");
        return FTA_EXIT_USAGE;
    }
    /* the filters and sinks are checked once, before any trace is read */
    FtaEngine probe;
    fta_engine_init (&probe);
    gboolean ok = fta_select_setup (&probe, rc, error);
    fta_engine_clear (&probe);
    if (!ok)
        return (*error)->code;
    char **sinks = rc->formats && rc->formats[0] ? rc->formats : p->sinks;
    if (!sinks || !sinks[0]) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "profile %s selects no output: give -f text (or json), or set "
                     "sinks = [ \"text\" ]; in the profile", p->source);
        return FTA_EXIT_USAGE;
    }
    FtaPluginSet *set = fta_plugin_set_load (rc, error);
    if (!set)
        return (*error)->code;
    if (g_mkdir_with_parents (dir, 0777) != 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot create directory %s: %s",
                     dir, g_strerror (errno));
        fta_plugin_set_free (set);
        return FTA_EXIT_OUTPUT;
    }

    Batch b = { .rc = rc, .set = set, .n = n_paths };
    b.rows = g_new0 (Row, n_paths);
    for (guint i = 0; i < n_paths; i++) {
        b.rows[i].path = paths[i];
        b.rows[i].first_ts_ns = -1;
    }
    name_rows (b.rows, n_paths);
    guint jobs = rc->jobs > 0 ? rc->jobs : MAX (g_get_num_processors (), 1u);
    guint n_threads = MIN (jobs, n_paths);
    b.jobs_each = MAX (jobs / n_threads, 1u);
    g_mutex_init (&b.lock);
    if (n_threads == 1) {
        batch_thread (&b);
    } else {
        GThread **threads = g_new (GThread *, n_threads);
        for (guint t = 0; t < n_threads; t++)
            threads[t] = g_thread_new ("fta-trace", batch_thread, &b);
        for (guint t = 0; t < n_threads; t++)
            g_thread_join (threads[t]);
        g_free (threads);
    }
    g_mutex_clear (&b.lock);

    guint failed = 0;
    for (guint i = 0; i < n_paths; i++)
        failed += b.rows[i].code != FTA_EXIT_OK;
    char *csv = index_text (b.rows, n_paths, FALSE);
    char *json = index_text (b.rows, n_paths, TRUE);
    int code = failed ? FTA_EXIT_SOME_FAILED : FTA_EXIT_OK;
    if (!write_index (dir, "index.csv", csv, error)
        || !write_index (dir, "index.json", json, error))
        code = FTA_EXIT_OUTPUT;
    else if (!rc->quiet)
        g_printerr ("ftrace-analyzer: %u of %u traces analyzed%s; index in %s%sindex.csv "
                    "and index.json\n", n_paths - failed, n_paths,
                    failed ? " (the others' rows say why)" : "", dir,
                    g_str_has_suffix (dir, "/") ? "" : "/");
    g_free (csv);
    g_free (json);
    for (guint i = 0; i < n_paths; i++) {
        Row *r = &b.rows[i];
        g_free (r->name);
        g_free (r->error);
        g_free (r->format);
        g_free (r->compression);
        g_free (r->top_severity);
        g_free (r->top_code);
        g_free (r->top_title);
    }
    g_free (b.rows);
    fta_plugin_set_free (set);
    return code;
}
