/* csv.c - one tidy CSV file per table and series, and a manifest.
 *
 * RFC 4180: fields holding a comma, a quote or a line break are quoted,
 * quotes doubled; the header row holds the column names (units are in the
 * names: run_ns, busy_pct); numbers are written unformatted; a cell with
 * no value is empty.  The main output is the manifest: one row per file.
 * Files go to the -o directory as STEM.TABLE.csv (report.switch.tasks.csv),
 * plus STEM.quality.csv with the input-quality section as key,value.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

typedef struct {
    const FtaContext *ctx;
} Csv;

static void *
csv_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) opts;
    if (!fta_context_output_dir (ctx)) {
        g_set_error_literal (error, g_quark_from_string ("csv"), 0,
                             "csv writes one file per table: give -o DIR/ "
                             "(or -o NAME.csv for the manifest, files beside it)");
        return NULL;
    }
    Csv *c = g_new0 (Csv, 1);
    c->ctx = ctx;
    return c;
}

static void
csv_field (FILE *f, const char *s)
{
    if (!s)
        return;
    if (!strpbrk (s, ",\"\r\n")) {
        fputs (s, f);
        return;
    }
    fputc ('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc ('"', f);
        fputc (*s, f);
    }
    fputc ('"', f);
}

/* V in decimal, by hand: printf's machinery costs more than the digits,
 * and a table of a row per task has millions of numbers. */
static void
csv_int (FILE *f, gint64 v)
{
    char buf[24], *p = buf + sizeof buf;
    guint64 u = v < 0 ? 0 - (guint64) v : (guint64) v;
    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    fwrite (p, 1, (gsize) (buf + sizeof buf - p), f);
}

static void
csv_value (FILE *f, const FtaColumn *c, const FtaValue *v)
{
    if (!v || v->is_null)
        return;
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    switch (c->type) {
    case FTA_COL_STRING: csv_field (f, v->s); break;
    case FTA_COL_PERCENT:
        /* a whole number of fewer than 16 digits: the digits "%.17g"
         * (g_ascii_dtostr) writes, "-0" aside */
        if (v->d > -1e15 && v->d < 1e15 && v->d == (double) (gint64) v->d
            && !(v->d == 0 && signbit (v->d)))
            csv_int (f, (gint64) v->d);
        else
            fputs (g_ascii_dtostr (buf, sizeof buf, v->d), f);
        break;
    default: csv_int (f, v->i); break;
    }
}

static FILE *
csv_open (Csv *c, const char *what, char **path, GError **error)
{
    char *name = g_strdup_printf ("%s.%s.csv", fta_context_output_stem (c->ctx), what);
    *path = g_build_filename (fta_context_output_dir (c->ctx), name, NULL);
    g_free (name);
    FILE *f = fopen (*path, "w");
    if (!f)
        g_set_error (error, g_quark_from_string ("csv"), 0, "cannot write %s: %s",
                     *path, g_strerror (errno));
    return f;
}

static gboolean
csv_close (FILE *f, const char *path, GError **error)
{
    gboolean ok = !ferror (f);
    ok = (fclose (f) == 0) && ok;
    if (!ok)
        g_set_error (error, g_quark_from_string ("csv"), 0, "cannot write %s: %s",
                     path, g_strerror (errno));
    return ok;
}

static gboolean
csv_table (Csv *c, const FtaTable *t, FILE *manifest, GError **error)
{
    char *path;
    FILE *f = csv_open (c, fta_table_full_name (t), &path, error);
    if (!f) {
        g_free (path);
        return FALSE;
    }
    guint nc = fta_table_n_columns (t), nr = fta_table_n_rows (t);
    for (guint i = 0; i < nc; i++) {
        if (i)
            fputc (',', f);
        csv_field (f, fta_table_column (t, i)->name);
    }
    fputs ("\r\n", f);
    for (guint r = 0; r < nr; r++) {
        for (guint i = 0; i < nc; i++) {
            if (i)
                fputc (',', f);
            csv_value (f, fta_table_column (t, i), fta_table_cell (t, r, i));
        }
        fputs ("\r\n", f);
    }
    gboolean ok = csv_close (f, path, error);
    if (ok) {
        char *base = g_path_get_basename (path);
        csv_field (manifest, fta_table_full_name (t));
        fputc (',', manifest);
        csv_field (manifest, fta_table_is_series (t) ? "series" : "table");
        fputc (',', manifest);
        csv_field (manifest, base);
        fprintf (manifest, ",%u,", nr);
        csv_field (manifest, fta_table_title (t));
        fputs ("\r\n", manifest);
        g_free (base);
    }
    g_free (path);
    return ok;
}

static void
csv_kv (FILE *f, const char *key, gint64 v)
{
    csv_field (f, key);
    fprintf (f, ",%" G_GINT64_FORMAT "\r\n", v);
}

static gboolean
csv_quality (Csv *c, const FtaQuality *q, FILE *manifest, GError **error)
{
    char *path;
    FILE *f = csv_open (c, "quality", &path, error);
    if (!f) {
        g_free (path);
        return FALSE;
    }
    fputs ("key,value\r\n", f);
    csv_field (f, "input_path");
    fputc (',', f);
    csv_field (f, q->input_path);
    fputs ("\r\nformat,", f);
    csv_field (f, q->format ? q->format : "");
    fputs ("\r\n", f);
    if (q->file_version >= 0) {
        csv_kv (f, "file_version", q->file_version);
        csv_kv (f, "file_cpus", q->file_cpus);
        fputs ("trace_clock,", f);
        csv_field (f, q->trace_clock ? q->trace_clock : "");
        fputs ("\r\ntracecmd_version,", f);
        csv_field (f, q->tracecmd_version ? q->tracecmd_version : "");
        fputs ("\r\nbuffer,", f);
        csv_field (f, q->buffer ? q->buffer : "");
        fputs ("\r\nbuffers,", f);
        csv_field (f, q->buffers ? q->buffers : "");
        fputs ("\r\n", f);
    }
    csv_kv (f, "lines_total", q->lines_total);
    csv_kv (f, "lines_header", q->lines_header);
    csv_kv (f, "lines_event", q->lines_event);
    csv_kv (f, "lines_unparsed", q->lines_unparsed);
    csv_kv (f, "lost_events", q->lost_events);
    csv_kv (f, "lost_markers", q->lost_markers);
    csv_kv (f, "buffer_started", q->buffer_started);
    csv_kv (f, "out_of_order", q->out_of_order);
    csv_kv (f, "events_behind", q->events_behind);
    csv_kv (f, "first_ts_ns", q->first_ts_ns);
    csv_kv (f, "last_ts_ns", q->last_ts_ns);
    csv_kv (f, "cpus", q->n_cpus);
    csv_kv (f, "cpus_seen", q->n_cpus_seen);
    csv_kv (f, "cpus_header", q->header_cpus);
    csv_kv (f, "inferred_switch_in", q->inferred_switch_in);
    csv_kv (f, "inferred_switch_out", q->inferred_switch_out);
    for (guint i = 0; i < q->event_counts->len && i < q->event_names->len; i++) {
        guint64 n = g_array_index (q->event_counts, guint64, i);
        if (!n)
            continue;
        char *k = g_strconcat ("events.", (const char *) g_ptr_array_index (q->event_names, i),
                               NULL);
        csv_kv (f, k, n);
        g_free (k);
    }
    gboolean ok = csv_close (f, path, error);
    if (ok) {
        char *base = g_path_get_basename (path);
        fputs ("quality,quality,", manifest);
        csv_field (manifest, base);
        fputs (",,Input quality\r\n", manifest);
        g_free (base);
    }
    g_free (path);
    return ok;
}

static gboolean
csv_render (void *self, const FtaResults *r, FILE *out, GError **error)
{
    Csv *c = self;
    fputs ("name,kind,file,rows,title\r\n", out);
    for (guint i = 0; i < fta_results_n_tables (r); i++)
        if (!csv_table (c, fta_results_table (r, i), out, error))
            return FALSE;
    return csv_quality (c, fta_results_quality (r), out, error) && !ferror (out);
}

static void
csv_destroy (void *self)
{
    g_free (self);
}

FTA_PLUGIN_DEFINE (
    .name = "csv",
    .kind = FTA_PLUGIN_SINK,
    .summary = "one RFC 4180 CSV file per table and series, and a manifest of them",
    .create = csv_create,
    .render = csv_render,
    .destroy = csv_destroy,
    .extension = "csv",
);
