/* json.c - the whole result as one JSON document (output contract v1,
 * see docs/json.md and its schema).
 *
 * Written as a stream, row by row, straight to the output: the document is
 * never held in memory (a result with millions of rows would take several
 * times its own size as a tree of nodes, and again as one string).  The
 * layout is json-glib's generator's, byte for byte: two-space indentation,
 * " : " after a member name, doubles as g_ascii_dtostr writes them with
 * ".0" when they would read as integers (not after an exponent: json-glib
 * 1.6 wrote "1e+21.0", which no JSON reader takes; percentages never have
 * one); strings escaped as it does.  An
 * object member named twice appears once, where it was first set, with
 * the last value (as a JSON object built by json-glib keeps it).
 */
#include <math.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

typedef struct {
    gboolean pretty;
} Json;

#define JSON_BUF 65536
#define JSON_DEPTH 16

/* The writer: the output, a buffer in front of it, and per open object
 * or array whether it has a member yet. */
typedef struct {
    FILE *out;
    gboolean pretty;
    gboolean failed;
    guint depth;
    gboolean has_member[JSON_DEPTH];
    gsize fill;
    char buf[JSON_BUF];
} JsonOut;

static void
jo_flush (JsonOut *o)
{
    if (o->fill && !o->failed && fwrite (o->buf, 1, o->fill, o->out) != o->fill)
        o->failed = TRUE;
    o->fill = 0;
}

static inline void
jo_put (JsonOut *o, const char *s, gsize n)
{
    if (G_UNLIKELY (o->fill + n > JSON_BUF)) {
        jo_flush (o);
        if (n > JSON_BUF) {
            if (!o->failed && fwrite (s, 1, n, o->out) != n)
                o->failed = TRUE;
            return;
        }
    }
    memcpy (o->buf + o->fill, s, n);
    o->fill += n;
}

static inline void
jo_c (JsonOut *o, char c)
{
    if (G_UNLIKELY (o->fill == JSON_BUF))
        jo_flush (o);
    o->buf[o->fill++] = c;
}

static void
jo_s (JsonOut *o, const char *s)
{
    jo_put (o, s, strlen (s));
}

static void
jo_indent (JsonOut *o, guint level)
{
    static const char spaces[] = "                                        ";
    G_STATIC_ASSERT (sizeof spaces > 2 * JSON_DEPTH);
    jo_put (o, spaces, level * 2);
}

/* The bytes json-glib escapes: backslash, quote, control characters
 * 0x01 to 0x1e and 0x7f (0x1f and bytes above 0x7f are copied). */
static void
jo_string (JsonOut *o, const char *s)
{
    jo_c (o, '"');
    const char *run = s;
    for (const char *p = s; *p; p++) {
        guchar c = (guchar) *p;
        if (G_LIKELY (c != '\\' && c != '"' && (c >= 0x1f || c == 0) && c != 0x7f))
            continue;
        jo_put (o, run, (gsize) (p - run));
        run = p + 1;
        char esc[8];
        switch (c) {
        case '\\': jo_put (o, "\\\\", 2); break;
        case '"': jo_put (o, "\\\"", 2); break;
        case '\b': jo_put (o, "\\b", 2); break;
        case '\f': jo_put (o, "\\f", 2); break;
        case '\n': jo_put (o, "\\n", 2); break;
        case '\r': jo_put (o, "\\r", 2); break;
        case '\t': jo_put (o, "\\t", 2); break;
        default:
            g_snprintf (esc, sizeof esc, "\\u00%02x", (guint) c);
            jo_s (o, esc);
        }
    }
    jo_put (o, run, strlen (run));
    jo_c (o, '"');
}

/* Before a value: the separator from the previous one and, inside an
 * object, the member's NAME. */
static void
jo_next (JsonOut *o, const char *name)
{
    if (o->depth > 0) {
        if (o->has_member[o->depth - 1])
            jo_c (o, ',');
        o->has_member[o->depth - 1] = TRUE;
        if (o->pretty) {
            jo_c (o, '\n');
            jo_indent (o, o->depth);
        }
    }
    if (name) {
        jo_string (o, name);
        if (o->pretty)
            jo_put (o, " : ", 3);
        else
            jo_c (o, ':');
    }
}

static void
jo_open (JsonOut *o, const char *name, char bracket)
{
    jo_next (o, name);
    jo_c (o, bracket);
    g_assert (o->depth < JSON_DEPTH);
    o->has_member[o->depth++] = FALSE;
}

/* An empty array is "[]"; an empty object, pretty, keeps the closing
 * indentation ("{  }" at the first level), as json-glib 1.6 writes it. */
static void
jo_close (JsonOut *o, char bracket)
{
    o->depth--;
    if (o->pretty && o->has_member[o->depth])
        jo_c (o, '\n');
    if (o->pretty && (o->has_member[o->depth] || bracket == '}'))
        jo_indent (o, o->depth);
    jo_c (o, bracket);
}

/* Digits of U before END, returned where they start. */
static char *
jo_digits (char *end, guint64 u)
{
    do {
        *--end = (char) ('0' + u % 10);
        u /= 10;
    } while (u);
    return end;
}

/* Decimal, by hand: printf's machinery costs more than the digits, and a
 * document of a row per task has millions of numbers. */
static void
jo_int (JsonOut *o, const char *name, gint64 v)
{
    jo_next (o, name);
    char buf[24];
    char *p = jo_digits (buf + sizeof buf, v < 0 ? 0 - (guint64) v : (guint64) v);
    if (v < 0)
        *--p = '-';
    jo_put (o, p, (gsize) (buf + sizeof buf - p));
}

static void
jo_double (JsonOut *o, const char *name, double v)
{
    jo_next (o, name);
    /* a whole number of fewer than 16 digits: g_ascii_dtostr's "%.17g"
     * writes its digits (a percentage is often 100 or 0), "-0" aside */
    if (v > -1e15 && v < 1e15 && v == (double) (gint64) v && !(v == 0 && signbit (v))) {
        char buf[24];
        gint64 i = (gint64) v;
        char *p = jo_digits (buf + sizeof buf - 2, i < 0 ? 0 - (guint64) i : (guint64) i);
        if (i < 0)
            *--p = '-';
        buf[sizeof buf - 2] = '.';
        buf[sizeof buf - 1] = '0';
        jo_put (o, p, (gsize) (buf + sizeof buf - p));
        return;
    }
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_dtostr (buf, sizeof buf, v);
    jo_s (o, buf);
    /* a double never reads back as an integer */
    if (!strpbrk (buf, ".eE"))
        jo_put (o, ".0", 2);
}

static void
jo_str (JsonOut *o, const char *name, const char *v)
{
    jo_next (o, name);
    if (v)
        jo_string (o, v);
    else
        jo_put (o, "null", 4);
}

static void
jo_null (JsonOut *o, const char *name)
{
    jo_next (o, name);
    jo_put (o, "null", 4);
}

static void
jo_bool (JsonOut *o, const char *name, gboolean v)
{
    jo_next (o, name);
    jo_s (o, v ? "true" : "false");
}

static void *
json_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) ctx;
    (void) error;
    Json *j = g_new0 (Json, 1);
    j->pretty = fta_options_get_bool (opts, "pretty");
    return j;
}

static void
json_columns (JsonOut *o, const FtaTable *t)
{
    jo_open (o, "columns", '[');
    for (guint c = 0; c < fta_table_n_columns (t); c++) {
        const FtaColumn *col = fta_table_column (t, c);
        jo_open (o, NULL, '{');
        jo_str (o, "name", col->name);
        jo_str (o, "type", fta_column_type_name (col->type));
        jo_str (o, "unit", col->unit);
        jo_bool (o, "key", col->key);
        if (col->type == FTA_COL_DURATION) /* the unit text and HTML show it in */
            jo_str (o, "display_unit", fta_column_display_unit (col));
        jo_close (o, '}');
    }
    jo_close (o, ']');
}

static void
json_rows (JsonOut *o, const FtaTable *t)
{
    guint n_cols = fta_table_n_columns (t);
    jo_open (o, "rows", '[');
    for (guint r = 0; r < fta_table_n_rows (t); r++) {
        jo_open (o, NULL, '[');
        for (guint c = 0; c < n_cols; c++) {
            const FtaColumn *col = fta_table_column (t, c);
            const FtaValue *v = fta_table_cell (t, r, c);
            if (!v || v->is_null)
                jo_null (o, NULL);
            else if (col->type == FTA_COL_STRING)
                jo_str (o, NULL, v->s);
            else if (col->type == FTA_COL_PERCENT)
                jo_double (o, NULL, v->d);
            else
                jo_int (o, NULL, v->i);
        }
        jo_close (o, ']');
    }
    jo_close (o, ']');
}

static void
json_quality (JsonOut *o, const FtaQuality *q)
{
    jo_open (o, "quality", '{');
    jo_int (o, "lines_total", q->lines_total);
    jo_int (o, "lines_header", q->lines_header);
    jo_int (o, "lines_event", q->lines_event);
    jo_int (o, "lines_unparsed", q->lines_unparsed);
    jo_open (o, "unparsed_examples", '[');
    for (guint i = 0; i < q->unparsed_examples->len; i++) {
        const FtaUnparsed *u = &g_array_index (q->unparsed_examples, FtaUnparsed, i);
        jo_open (o, NULL, '{');
        jo_int (o, "line", u->line);
        jo_str (o, "text", u->text);
        jo_str (o, "why", u->why);
        jo_close (o, '}');
    }
    jo_close (o, ']');
    jo_open (o, "events_by_type", '{');
    for (guint i = 0; i < q->event_counts->len && i < q->event_names->len; i++) {
        guint64 n = g_array_index (q->event_counts, guint64, i);
        if (n)
            jo_int (o, g_ptr_array_index (q->event_names, i), n);
    }
    jo_close (o, '}');
    jo_int (o, "lost_events", q->lost_events);
    jo_int (o, "lost_markers", q->lost_markers);
    jo_int (o, "lost_markers_without_count", q->lost_unknown);
    jo_int (o, "buffer_started", q->buffer_started);
    jo_int (o, "entries_in_buffer", q->entries_in_buffer);
    jo_int (o, "entries_written", q->entries_written);
    jo_int (o, "out_of_order", q->out_of_order);
    jo_int (o, "out_of_order_within_cpu", q->out_of_order_cpu);
    jo_int (o, "events_behind", q->events_behind);
    jo_int (o, "out_of_order_unplaced", q->out_of_order_unplaced);
    jo_int (o, "max_step_back_ns", q->max_step_back_ns);
    jo_int (o, "first_ts_ns", q->first_ts_ns);
    jo_int (o, "last_ts_ns", q->last_ts_ns);
    jo_int (o, "cpus", q->n_cpus);
    jo_int (o, "cpus_seen", q->n_cpus_seen);
    jo_str (o, "cpu_list", q->cpu_list ? q->cpu_list : "");
    jo_int (o, "cpus_header", q->header_cpus);
    jo_int (o, "inferred_switch_in", q->inferred_switch_in);
    jo_int (o, "inferred_switch_out", q->inferred_switch_out);
    jo_int (o, "switch_in_while_running", q->switch_in_while_running);
    jo_int (o, "model_resets", q->model_resets);
    if (q->process_dump_threads)
        jo_int (o, "process_dump_threads", q->process_dump_threads);
    jo_bool (o, "truncated_last_line", q->truncated_line != 0);
    jo_close (o, '}');
}

/* Of the keys KEYS[0..N), the index that holds the member named
 * KEYS[I] (the last one of that name), or -1 when KEYS[I] is not the
 * first of its name: an object has each member once. */
static int
member_source (const GPtrArray *keys, guint i)
{
    const char *k = g_ptr_array_index (keys, i);
    for (guint j = 0; j < i; j++)
        if (strcmp (g_ptr_array_index (keys, j), k) == 0)
            return -1;
    int last = (int) i;
    for (guint j = i + 1; j < keys->len; j++)
        if (strcmp (g_ptr_array_index (keys, j), k) == 0)
            last = (int) j;
    return last;
}

static void
json_findings (JsonOut *o, const FtaResults *r)
{
    jo_open (o, "findings", '[');
    for (guint i = 0; i < fta_results_n_findings (r); i++) {
        const FtaFinding *f = fta_results_finding (r, i);
        jo_open (o, NULL, '{');
        jo_str (o, "severity", fta_severity_name (f->severity));
        jo_str (o, "code", f->code);
        jo_str (o, "title", f->title);
        jo_open (o, "evidence", '{');
        for (guint k = 0; k < f->evidence_keys->len; k++) {
            int src = member_source (f->evidence_keys, k);
            if (src >= 0)
                jo_str (o, g_ptr_array_index (f->evidence_keys, k),
                        g_ptr_array_index (f->evidence_values, src));
        }
        jo_close (o, '}');
        jo_str (o, "cause", f->cause);
        jo_str (o, "advice", f->advice);
        jo_int (o, "cost_ns", f->cost_ns);
        jo_close (o, '}');
    }
    jo_close (o, ']');
}

/* The tables (SERIES FALSE) or the series of R, each name once: the
 * last table of a name, where the first one was. */
static void
json_tables (JsonOut *o, const FtaResults *r, gboolean series)
{
    GPtrArray *names = g_ptr_array_new ();
    GPtrArray *tables = g_ptr_array_new ();
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        const FtaTable *t = fta_results_table (r, i);
        if (fta_table_is_series (t) != series)
            continue;
        g_ptr_array_add (names, (gpointer) fta_table_full_name (t));
        g_ptr_array_add (tables, (gpointer) t);
    }
    jo_open (o, series ? "series" : "tables", '{');
    for (guint i = 0; i < names->len; i++) {
        int src = member_source (names, i);
        if (src < 0)
            continue;
        const FtaTable *t = g_ptr_array_index (tables, src);
        jo_open (o, fta_table_full_name (t), '{');
        if (series) {
            jo_int (o, "window_ns", fta_table_window_ns (t));
            jo_int (o, "start_ns", fta_table_start_ns (t));
        } else {
            jo_str (o, "title", fta_table_title (t));
        }
        json_columns (o, t);
        json_rows (o, t);
        jo_close (o, '}');
    }
    jo_close (o, '}');
    g_ptr_array_free (names, TRUE);
    g_ptr_array_free (tables, TRUE);
}

static gboolean
json_render (void *self, const FtaResults *r, FILE *out, GError **error)
{
    (void) error;
    Json *j = self;
    const FtaQuality *q = fta_results_quality (r);
    JsonOut *o = g_new (JsonOut, 1);
    o->out = out;
    o->pretty = j->pretty;
    o->failed = FALSE;
    o->depth = 0;
    o->fill = 0;

    jo_open (o, NULL, '{');
    jo_int (o, "version", 1);
    jo_str (o, "tool", "ftrace-analyzer");
    jo_open (o, "input", '{');
    jo_str (o, "path", q->input_path);
    jo_str (o, "format", q->format ? q->format : "unknown");
    jo_str (o, "variant", q->format_variant ? q->format_variant : "");
    jo_str (o, "compression", q->compression ? q->compression : "none");
    jo_str (o, "profile", q->profile);
    if (q->file_version >= 0) {
        /* a trace.dat: what its header says */
        jo_int (o, "file_version", q->file_version);
        jo_int (o, "file_cpus", q->file_cpus);
        jo_str (o, "trace_clock", q->trace_clock);
        jo_str (o, "tracecmd_version", q->tracecmd_version);
        jo_str (o, "buffer", q->buffer ? q->buffer : "");
        jo_str (o, "buffers", q->buffers ? q->buffers : "");
    }
    jo_close (o, '}');
    json_quality (o, q);
    json_tables (o, r, FALSE);
    json_tables (o, r, TRUE);
    json_findings (o, r);
    jo_close (o, '}');
    jo_c (o, '\n');
    jo_flush (o);
    gboolean ok = !o->failed && !ferror (out);
    g_free (o);
    return ok;
}

static void
json_destroy (void *self)
{
    g_free (self);
}

static const FtaOptionSpec json_options[] = {
    { "pretty", FTA_OPT_BOOL, "true", "indent the document" },
    { NULL }
};

FTA_PLUGIN_DEFINE (
    .name = "json",
    .kind = FTA_PLUGIN_SINK,
    .summary = "one JSON document with every table, finding and the quality section",
    .options = json_options,
    .create = json_create,
    .render = json_render,
    .destroy = json_destroy,
    .extension = "json",
);
