/* text.c - aligned, readable tables for a terminal.
 *
 * Each column is shown in the one unit its table fixed (durations in us,
 * ms or s, whatever their values), named in its heading ("run_ms").
 * Tables show the first --top rows and a line saying how the rest are
 * distributed (sink-rest.h); the JSON sink has them all.
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#include "sink-rest.h"

typedef struct {
    const FtaContext *ctx;
    gboolean quality;
    guint width; /* 0: no limit */
    /* during a render: table -> the column it is ranked by + 2 (-1: none),
     * found once (a table of a row per task is long to read down) */
    GHashTable *ranked;
} Text;

static void *
text_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    Text *t = g_new0 (Text, 1);
    t->ctx = ctx;
    t->quality = fta_options_get_bool (opts, "quality");
    gint64 w = fta_options_get_int (opts, "width");
    if (w != 0 && w < 40) {
        g_set_error (error, g_quark_from_static_string ("fta-text"), 1,
                     "text: width %" G_GINT64_FORMAT " is too narrow: give 40 or more, or 0 "
                     "for no limit", w);
        g_free (t);
        return NULL;
    }
    t->width = (guint) w;
    return t;
}

/* sink_ranked_column of T, found once per render. */
static int
text_ranked (const Text *tx, const FtaTable *t)
{
    gpointer v = g_hash_table_lookup (tx->ranked, t);
    if (v)
        return GPOINTER_TO_INT (v) - 2;
    int c = sink_ranked_column (t);
    g_hash_table_insert (tx->ranked, (gpointer) t, GINT_TO_POINTER (c + 2));
    return c;
}

/* A cell in the unit of its column (fta_column_display_unit): us with one
 * decimal, ms and s with three, so every unit shows the microseconds. */
static char *
text_cell_text (const FtaColumn *c, const FtaValue *v)
{
    if (!v || v->is_null)
        return g_strdup ("-");
    switch (c->type) {
    case FTA_COL_STRING: return g_strdup (v->s);
    case FTA_COL_PERCENT: return g_strdup_printf ("%.1f", v->d);
    case FTA_COL_DURATION: {
        const char *unit = fta_column_display_unit (c);
        int decimals = strcmp (unit, "ns") == 0 ? 0 : strcmp (unit, "us") == 0 ? 1 : 3;
        return g_strdup_printf ("%.*f", decimals, v->i / fta_column_display_scale (c));
    }
    default: return g_strdup_printf ("%" G_GINT64_FORMAT, v->i);
    }
}

static int
text_cmp_rank (const void *a, const void *b, void *data)
{
    const FtaTable *t = data;
    guint x = *(const guint *) a, y = *(const guint *) b;
    guint rx = fta_table_column (t, x)->rank, ry = fta_table_column (t, y)->rank;
    if (fta_table_column (t, x)->key)
        rx = 0;
    if (fta_table_column (t, y)->key)
        ry = 0;
    return rx != ry ? (rx > ry) - (rx < ry) : (x > y) - (x < y);
}

/* Which columns fit in LIMIT characters (0: all but details): the keys,
 * then columns by rising rank, a rank's columns all or none. */
static gboolean *
text_fit_columns (const FtaTable *t, const int *width, guint limit)
{
    guint nc = fta_table_n_columns (t);
    gboolean *show = g_new0 (gboolean, nc);
    guint *order = g_new (guint, nc);
    for (guint c = 0; c < nc; c++)
        order[c] = c;
    g_qsort_with_data (order, nc, sizeof *order, text_cmp_rank, (gpointer) t);
    guint used = 1;
    for (guint i = 0; i < nc;) {
        const FtaColumn *col = fta_table_column (t, order[i]);
        guint rank = col->key ? 0 : col->rank, j = i, need = 0;
        for (; j < nc; j++) {
            const FtaColumn *cj = fta_table_column (t, order[j]);
            if ((cj->key ? 0 : cj->rank) != rank)
                break;
            need += 1 + (guint) width[order[j]];
        }
        if (rank != FTA_RANK_DETAIL && (rank == 0 || !limit || used + need <= limit)) {
            for (guint k = i; k < j; k++)
                show[order[k]] = TRUE;
            used += need;
        }
        i = j;
    }
    g_free (order);
    return show;
}

static void
text_print_table (FILE *out, const Text *tx, const FtaTable *t, guint top, guint limit)
{
    guint nc = fta_table_n_columns (t), nr = fta_table_n_rows (t);
    if (nr == 0 && fta_table_omit_empty (t))
        return;
    guint shown = top && top < nr ? top : nr;
    int *width = g_new0 (int, nc);
    char ***cells = g_new0 (char **, shown + 1);

    for (guint r = 0; r <= shown; r++) {
        cells[r] = g_new0 (char *, nc + 1);
        for (guint c = 0; c < nc; c++) {
            const FtaColumn *col = fta_table_column (t, c);
            cells[r][c] = r == 0 ? fta_column_display_name (col)
                                 : text_cell_text (col, fta_table_cell (t, r - 1, c));
            int w = (int) g_utf8_strlen (cells[r][c], -1);
            if (w > width[c])
                width[c] = w;
        }
    }
    gboolean *show = text_fit_columns (t, width, limit);
    guint hidden = 0, last = 0;
    for (guint c = 0; c < nc; c++) {
        hidden += !show[c] && !sink_empty_detail (t, c);
        if (show[c])
            last = c;
    }
    fprintf (out, "\n== %s (%s) ==\n", fta_table_title (t), fta_table_full_name (t));
    if (nr == 0) {
        fprintf (out, "  (no rows)\n");
    } else {
        for (guint r = 0; r <= shown; r++) {
            fputs (" ", out);
            for (guint c = 0; c < nc; c++) {
                const FtaColumn *col = fta_table_column (t, c);
                if (!show[c])
                    continue;
                int pad = width[c] - (int) g_utf8_strlen (cells[r][c], -1);
                gboolean left = col->type == FTA_COL_STRING;
                fputs (" ", out);
                if (!left)
                    fprintf (out, "%*s", pad, "");
                fputs (cells[r][c], out);
                if (left && c < last)
                    fprintf (out, "%*s", pad, "");
            }
            fputs ("\n", out);
        }
        if (shown < nr) {
            static const char hint[] = " (all: --top 0, -f json)";
            guint room = !limit ? 0 : limit > 6 + strlen (hint) ? limit - 6 - strlen (hint) : 1;
            char *rest = sink_rest_line (t, shown, room, text_ranked (tx, t));
            fprintf (out, "  ... %s%s\n", rest, hint);
            g_free (rest);
        }
        if (hidden)
            fprintf (out, "  ... %u more columns (-f csv and -f json have them)\n", hidden);
    }
    g_free (show);
    for (guint r = 0; r <= shown; r++)
        g_strfreev (cells[r]);
    g_free (cells);
    g_free (width);
}

static int
text_cmp_i64 (const void *a, const void *b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
    return (x > y) - (x < y);
}

/* A series is summarised, one line per numeric column: rows of windows
 * do not read well on a terminal (-f json, csv, gnuplot or html have them
 * all). */
/* A percentage in thousandths, as an integer to sort: a saved result may
 * hold any double, and a conversion out of range is undefined. */
static gint64
text_milli (double d)
{
    double m = d * 1000;
    if (m != m)
        return 0;
    if (m >= 9.2e18)
        return G_MAXINT64;
    if (m <= -9.2e18)
        return G_MININT64;
    return (gint64) m;
}

static void
text_print_series (FILE *out, const FtaTable *t)
{
    guint nc = fta_table_n_columns (t), nr = fta_table_n_rows (t);
    if (nr == 0 && fta_table_omit_empty (t))
        return;
    gint64 w = fta_table_window_ns (t);
    fprintf (out, "\n== %s (%s) ==\n  %u rows, windows of %.3f ms; summary per column:\n",
             fta_table_title (t), fta_table_full_name (t), nr, w / 1e6);
    if (nr == 0) {
        fprintf (out, "  (no rows)\n");
        return;
    }
    fprintf (out, "  %-24s %14s %14s %14s %12s\n", "column", "min", "median", "max",
             "max at (s)");
    gint64 *vals = g_new (gint64, nr);
    for (guint c = 1; c < nc; c++) {
        const FtaColumn *col = fta_table_column (t, c);
        /* details are for CSV, JSON and HTML (FTA_RANK_DETAIL) */
        if (col->key || col->type == FTA_COL_STRING || col->rank == FTA_RANK_DETAIL)
            continue;
        guint n = 0, at = 0;
        gint64 max = G_MININT64;
        for (guint r = 0; r < nr; r++) {
            const FtaValue *v = fta_table_cell (t, r, c);
            if (v->is_null)
                continue;
            gint64 x = col->type == FTA_COL_PERCENT ? text_milli (v->d) : v->i;
            vals[n++] = x;
            if (x > max) {
                max = x;
                at = r;
            }
        }
        if (!n)
            continue;
        qsort (vals, n, sizeof *vals, text_cmp_i64);
        const FtaValue *t0 = fta_table_cell (t, at, 0);
        double when = t0->is_null ? 0 : t0->i / 1e9;
        double k = col->type == FTA_COL_PERCENT ? 1000.0 : fta_column_display_scale (col);
        char *name = fta_column_display_name (col);
        if (col->type == FTA_COL_DURATION)
            fprintf (out, "  %-24s %14.3f %14.3f %14.3f %12.3f\n", name, vals[0] / k,
                     vals[n / 2] / k, vals[n - 1] / k, when);
        else
            fprintf (out, "  %-24s %14.6g %14.6g %14.6g %12.3f\n", name, vals[0] / k,
                     vals[n / 2] / k, vals[n - 1] / k, when);
        g_free (name);
    }
    g_free (vals);
}

/* "2 CPUs", or where the CPUs seen are not 0..N-1 or the header says
 * more: "2 CPUs seen (86,300)", "62 CPUs seen (0-61) of #P:64". */
static char *
text_cpus (const FtaQuality *q)
{
    gboolean plain = (q->n_cpus_seen == q->n_cpus || !q->cpu_list)
                     && (q->header_cpus < 0 || q->header_cpus == q->n_cpus);
    if (plain)
        return g_strdup_printf ("%u CPUs", q->n_cpus);
    GString *s = g_string_new (NULL);
    g_string_append_printf (s, "%u CPUs seen", q->n_cpus_seen);
    if (q->cpu_list && strlen (q->cpu_list) <= 40)
        g_string_append_printf (s, " (%s)", q->cpu_list);
    if (q->header_cpus >= 0 && q->header_cpus != q->n_cpus_seen)
        g_string_append_printf (s, " of #P:%" G_GINT64_FORMAT, q->header_cpus);
    return g_string_free (s, FALSE);
}

/* TEXT after FIRST (printed as is), wrapped at spaces to WIDTH columns
 * (0: one line), continued lines indented by INDENT spaces.  Returns the
 * lines written. */
static guint
text_wrap (FILE *out, const char *first, const char *text, guint indent, guint width)
{
    fputs (first, out);
    glong col = g_utf8_strlen (first, -1);
    const char *p = text;
    gboolean line_start = TRUE;
    guint lines = 1;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        glong w = g_utf8_strlen (p, e - p);
        if (width && !line_start && col + 1 + w > (glong) width) {
            fprintf (out, "\n%*s", (int) indent, "");
            col = indent;
            line_start = TRUE;
            lines++;
        }
        if (!line_start) {
            fputc (' ', out);
            col++;
        }
        fwrite (p, 1, (gsize) (e - p), out);
        col += w;
        line_start = FALSE;
        p = e;
    }
    fputc ('\n', out);
    return lines;
}

static void
text_print_quality (FILE *out, const FtaQuality *q, const char *role, guint width)
{
    if (role)
        fprintf (out, "\n== Input quality: %s ==\n  %s\n", role, q->input_path);
    else
        fprintf (out, "\n== Input quality ==\n");
    fprintf (out, "  lines: %" G_GUINT64_FORMAT " total = %" G_GUINT64_FORMAT
             " events + %" G_GUINT64_FORMAT " header/markers + %" G_GUINT64_FORMAT
             " not understood\n",
             q->lines_total, q->lines_event, q->lines_header, q->lines_unparsed);
    for (guint i = 0; i < q->unparsed_examples->len; i++) {
        const FtaUnparsed *u = &g_array_index (q->unparsed_examples, FtaUnparsed, i);
        char *head = g_strdup_printf ("    line %" G_GUINT64_FORMAT " (%s): ", u->line, u->why);
        glong room = (glong) width - g_utf8_strlen (head, -1);
        if (width && room > 10 && g_utf8_strlen (u->text, -1) > room)
            fprintf (out, "%s%.*s...\n", head,
                     (int) (g_utf8_offset_to_pointer (u->text, room - 3) - u->text), u->text);
        else
            fprintf (out, "%s%s\n", head, u->text);
        g_free (head);
    }
    if (q->truncated_line)
        fprintf (out, "  the input ends without a newline (last line may be cut)\n");
    char *cpus = text_cpus (q);
    fprintf (out, "  time: %.6f to %.6f (%.3f s), %s\n", q->first_ts_ns / 1e9,
             q->last_ts_ns / 1e9, (q->last_ts_ns - q->first_ts_ns) / 1e9, cpus);
    g_free (cpus);
    if (q->entries_in_buffer >= 0) {
        fprintf (out, "  ring buffer: %" G_GINT64_FORMAT " entries kept of %"
                 G_GINT64_FORMAT " written", q->entries_in_buffer, q->entries_written);
        if (q->entries_written > q->entries_in_buffer)
            fprintf (out, " (%" G_GINT64_FORMAT " overwritten: the start of the "
                     "trace is missing)", q->entries_written - q->entries_in_buffer);
        fputs ("\n", out);
    }
    fprintf (out, "  lost-event markers: %" G_GUINT64_FORMAT " (%" G_GINT64_FORMAT
             " events lost%s), buffer-started markers: %" G_GUINT64_FORMAT "\n",
             q->lost_markers, q->lost_events,
             q->lost_unknown ? ", some markers give no number" : "", q->buffer_started);
    fprintf (out, "  timestamps going back: %" G_GUINT64_FORMAT " (within a CPU: %"
             G_GUINT64_FORMAT "); %" G_GUINT64_FORMAT " events behind the latest time "
             "read, by up to %.6f s\n",
             q->out_of_order, q->out_of_order_cpu, q->events_behind,
             q->max_step_back_ns / 1e9);
    if (q->out_of_order_unplaced)
        fprintf (out, "  --sort could not place %" G_GUINT64_FORMAT " events (later than "
                 "its window allows: left in arrival order)\n", q->out_of_order_unplaced);
    fprintf (out, "  sched model: %" G_GUINT64_FORMAT " switch-ins inferred (never "
             "recorded), %" G_GUINT64_FORMAT " switch-outs inferred, %" G_GUINT64_FORMAT
             " switch-ins of a task already running, %" G_GUINT64_FORMAT
             " resets at markers\n",
             q->inferred_switch_in, q->inferred_switch_out, q->switch_in_while_running,
             q->model_resets);
    GString *ev = g_string_new (NULL);
    for (guint i = 0; i < q->event_counts->len && i < q->event_names->len; i++) {
        guint64 n = g_array_index (q->event_counts, guint64, i);
        if (!n)
            continue;
        g_string_append_printf (ev, "%s%s %" G_GUINT64_FORMAT, ev->len ? ", " : "",
                                (const char *) g_ptr_array_index (q->event_names, i), n);
    }
    text_wrap (out, "  events: ", ev->str, 4, width);
    g_string_free (ev, TRUE);
}

/* The first screen is read on a terminal of 100 columns and 40 rows: its
 * lines are cut there, and at most this many findings are listed, one
 * each (a line more where the rows allow, below). */
#define SCREEN_COLS 100
#define SCREEN_ROWS 40
#define SCREEN_FINDINGS 12
/* Lines naming who held the CPU under one finding of the screen, and under
 * all of them together: the holders are the answer to "who took it". */
#define SCREEN_HOLDERS 4
#define SCREEN_HOLDERS_ALL 8
/* Lines a finding's title or an overview's row may take: a title names
 * its worst entities last, where one line of 100 columns cuts them. */
#define SCREEN_ITEM_LINES 2

/* Writes PREFIX (PREFIX_COLS columns wide) and TEXT in at most MAX_LINES
 * lines of SCREEN_COLS columns, wrapped at spaces, the lines after the
 * first indented by PREFIX_COLS; the last is cut with an ellipsis where
 * TEXT would run over.  OUT NULL: writes nothing.  Returns the lines
 * written. */
static guint
text_screen_wrap (FILE *out, const char *prefix, glong prefix_cols, const char *text,
                  guint max_lines)
{
    glong room = MAX (SCREEN_COLS - prefix_cols, 10);
    if (out)
        fputs (prefix, out);
    const char *p = text;
    guint lines = 1;
    gboolean utf8 = g_utf8_validate (text, -1, NULL);
    while (utf8 && g_utf8_strlen (p, -1) > room) {
        if (lines >= max_lines) {
            const char *end = g_utf8_offset_to_pointer (p, room - 1);
            if (out)
                fprintf (out, "%.*s\u2026\n", (int) (end - p), p);
            return lines;
        }
        /* the last space within the line's room, else cut the word there */
        const char *lim = g_utf8_offset_to_pointer (p, room), *brk = NULL;
        for (const char *q = p; q <= lim; q++)
            if (*q == ' ')
                brk = q;
        const char *end = brk && brk > p ? brk : lim, *next = end;
        while (*next == ' ')
            next++;
        if (out)
            fprintf (out, "%.*s\n%*s", (int) (end - p), p, (int) prefix_cols, "");
        p = next;
        lines++;
    }
    if (out)
        fprintf (out, "%s\n", p);
    return lines;
}

/* PREFIX and TEXT on one line, cut with an ellipsis where it would run
 * over. */
static void
text_screen_line (FILE *out, const char *prefix, glong prefix_cols, const char *text)
{
    text_screen_wrap (out, prefix, prefix_cols, text, 1);
}

/* A value in a unit that reads well alone: 850 ns, 12.3 us, 4.567 ms,
 * 1.234 s, 48.7%. */
static char *
text_readable (const FtaColumn *c, const FtaValue *v)
{
    if (c->type == FTA_COL_PERCENT)
        return g_strdup_printf ("%.1f%%", v->d);
    if (c->type != FTA_COL_DURATION)
        return text_cell_text (c, v);
    double a = v->i < 0 ? -(double) v->i : (double) v->i;
    if (a < 1e3)
        return g_strdup_printf ("%" G_GINT64_FORMAT " ns", v->i);
    if (a < 1e6)
        return g_strdup_printf ("%.1f us", v->i / 1e3);
    if (a < 1e9)
        return g_strdup_printf ("%.3f ms", v->i / 1e6);
    return g_strdup_printf ("%.3f s", v->i / 1e9);
}

/* The metric the table is ranked by: a duration, else a percent, else a
 * count that never grows down the rows and is not constant (a count can
 * fall with the time ranked by); else the first of them. */
static int
text_rank_column (const Text *tx, const FtaTable *t)
{
    int best = text_ranked (tx, t);
    if (best >= 0)
        return best;
    for (guint c = 0; c < fta_table_n_columns (t); c++) {
        const FtaColumn *col = fta_table_column (t, c);
        if (col->key || (col->type != FTA_COL_DURATION && col->type != FTA_COL_COUNT
                         && col->type != FTA_COL_PERCENT))
            continue;
        if (!fta_table_cell (t, 0, c)->is_null)
            return (int) c;
    }
    return -1;
}

/* An overview: a table named "*.overview" with a "summary" column, a few
 * rows that say what the machine was in words.  The first screen opens
 * with it. */
static gboolean
text_is_overview (const FtaTable *t)
{
    return !fta_table_is_series (t) && g_str_has_suffix (fta_table_full_name (t), ".overview")
           && fta_table_column_index (t, "summary") >= 0;
}

/* "  CPUs   64, busy 69-89% ...": each overview's rows, the first column
 * and the summary.  OUT NULL: writes nothing, appends to ROWS the lines
 * each row needs (at most SCREEN_ITEM_LINES) and returns the lines with
 * one a row; else writes row k in ROWS[k] lines at most and returns the
 * lines written. */
static guint
text_print_overviews (FILE *out, const FtaResults *r, GArray *rows)
{
    guint lines = 0, at = 0;
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        const FtaTable *t = fta_results_table (r, i);
        if (!text_is_overview (t) || !fta_table_n_rows (t))
            continue;
        guint sum = (guint) fta_table_column_index (t, "summary"), w = 0;
        for (guint row = 0; row < fta_table_n_rows (t); row++) {
            const FtaValue *k = fta_table_cell (t, row, 0);
            if (!k->is_null && k->s)
                w = MAX (w, (guint) g_utf8_strlen (k->s, -1));
        }
        if (out)
            fprintf (out, "\n== %s ==\n", fta_table_title (t));
        lines += 2;
        for (guint row = 0; row < fta_table_n_rows (t); row++) {
            const FtaValue *kc = fta_table_cell (t, row, 0), *v = fta_table_cell (t, row, sum);
            if (v->is_null || !v->s)
                continue;
            const char *key = kc->is_null || !kc->s ? "" : kc->s;
            GString *head = g_string_new ("  ");
            g_string_append (head, key);
            for (guint n = (guint) g_utf8_strlen (key, -1); n < w + 2; n++)
                g_string_append_c (head, ' ');
            if (out) {
                lines += text_screen_wrap (out, head->str, (glong) w + 4, v->s,
                                           at < rows->len ? g_array_index (rows, guint, at) : 1);
            } else {
                guint need = text_screen_wrap (NULL, head->str, (glong) w + 4, v->s,
                                               SCREEN_ITEM_LINES);
                g_array_append_val (rows, need);
                lines++;
            }
            at++;
            g_string_free (head, TRUE);
        }
    }
    return lines;
}

/* "switch.tasks: stress-ng-cpu (pid 14048), run 8.693 s": the first row of
 * the first table of each analyzer that has one, in words.  Returns the
 * lines; OUT NULL: only counts them. */
static guint
text_print_tops (FILE *out, const Text *tx, const FtaResults *r)
{
    GHashTable *done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    guint lines = 0;
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        const FtaTable *t = fta_results_table (r, i);
        const char *name = fta_table_full_name (t);
        const char *dot = strchr (name, '.');
        char *prefix = g_strndup (name, dot ? (gsize) (dot - name) : strlen (name));
        int metric = fta_table_is_series (t) || !fta_table_n_rows (t) || text_is_overview (t)
                             || g_hash_table_contains (done, prefix)
                         ? -1
                         : text_rank_column (tx, t);
        if (metric < 0) {
            g_free (prefix);
            continue;
        }
        g_hash_table_add (done, prefix);
        int label = -1, id = -1;
        for (guint c = 0; c < fta_table_n_columns (t); c++) {
            const FtaColumn *col = fta_table_column (t, c);
            if (fta_table_cell (t, 0, c)->is_null)
                continue;
            if (col->type == FTA_COL_STRING && label < 0)
                label = (int) c;
            else if (col->type == FTA_COL_INT && col->key && id < 0)
                id = (int) c;
        }
        GString *s = g_string_new (NULL);
        if (label >= 0)
            g_string_append (s, fta_table_cell (t, 0, label)->s);
        if (id >= 0)
            g_string_append_printf (s, "%s%s %" G_GINT64_FORMAT "%s", label >= 0 ? " (" : "",
                                    fta_table_column (t, id)->name,
                                    fta_table_cell (t, 0, id)->i, label >= 0 ? ")" : "");
        const FtaColumn *mc = fta_table_column (t, metric);
        char *v = text_readable (mc, fta_table_cell (t, 0, metric));
        gsize n = strlen (mc->name);
        if (mc->type == FTA_COL_DURATION && g_str_has_suffix (mc->name, "_ns"))
            n -= 3;
        g_string_append_printf (s, "%s%.*s %s", s->len ? ", " : "", (int) n, mc->name, v);
        char *head = g_strdup_printf ("  %s: ", name);
        if (out)
            text_screen_line (out, head, g_utf8_strlen (head, -1), s->str);
        lines++;
        g_free (head);
        g_free (v);
        g_string_free (s, TRUE);
    }
    g_hash_table_destroy (done);
    return lines;
}

/* The input line: what was read, how much, and the filters; a
 * comparison's inputs one a line.  Returns the lines written. */
static guint
text_print_input (FILE *out, const Text *t, const FtaResults *r)
{
    guint lines = 0;
    const FtaQuality *q = fta_results_quality (r);
    guint n_in = fta_results_n_inputs (r);
    char *cpus = text_cpus (q);
    GString *line = g_string_new (NULL);
    if (n_in)
        g_string_printf (line, "comparison of %u traces, profile %s", n_in, q->profile);
    else
        g_string_printf (line, "%s (%s%s%s%s%s, %" G_GUINT64_FORMAT " events, "
                         "%.3f s, %s), profile %s",
                         q->input_path, q->format ? q->format : "?",
                         q->format_variant && *q->format_variant ? ": " : "",
                         q->format_variant ? q->format_variant : "", q->compression ? ", " : "",
                         q->compression ? q->compression : "", q->lines_event,
                         (q->last_ts_ns - q->first_ts_ns) / 1e9, cpus, q->profile);
    g_free (cpus);
    const char *f = fta_context_filter_text (t->ctx);
    if (*f)
        g_string_append_printf (line, ", reporting %s", f);
    /* the first line of the first screen */
    lines += text_wrap (out, "ftrace-analyzer: ", line->str, 2,
                        n_in ? t->width : t->width ? MIN (t->width, SCREEN_COLS) : SCREEN_COLS);
    g_string_free (line, TRUE);
    for (guint i = 0; i < n_in; i++) {
        const char *role;
        const FtaQuality *iq = fta_results_quality (fta_results_input (r, i, &role));
        char *c = text_cpus (iq);
        char *head = g_strdup_printf ("  %-9s", role);
        char *what = g_strdup_printf ("%s (%s%s%s, %" G_GUINT64_FORMAT " events, %.3f s, %s)",
                                      iq->input_path, iq->format ? iq->format : "?",
                                      iq->compression ? ", " : "",
                                      iq->compression ? iq->compression : "", iq->lines_event,
                                      (iq->last_ts_ns - iq->first_ts_ns) / 1e9, c);
        lines += text_wrap (out, head, what, 12, t->width);
        g_free (what);
        g_free (head);
        g_free (c);
    }
    if (!n_in && q->file_version >= 0) {
        gboolean inst = q->buffers && *q->buffers;
        fprintf (out, "trace.dat: %d CPUs, clock %s, written by trace-cmd %s, buffer %s%s%s%s\n",
                 q->file_cpus, q->trace_clock ? q->trace_clock : "unknown",
                 q->tracecmd_version ? q->tracecmd_version : "(version not recorded)",
                 q->buffer && *q->buffer ? q->buffer : "top", inst ? " (instances: " : "",
                 inst ? q->buffers : "", inst ? ")" : "");
        lines++;
    }
    return lines;
}

/* "[critical]" in bold red on a terminal, bold yellow, cyan. */
static char *
text_badge (const Text *t, FILE *out, FtaSeverity s)
{
    static const char *const sgr[] = { "36", "1;33", "1;31" };
    guint sev = MIN ((guint) s, G_N_ELEMENTS (sgr) - 1);
    if (fta_context_use_color (t->ctx, out))
        return g_strdup_printf ("  \033[%sm[%s]\033[0m ", sgr[sev], fta_severity_name (s));
    return g_strdup_printf ("  [%s] ", fta_severity_name (s));
}

/* The evidence of FD that names holders ("KEY: held by A 3.4 s, B ..."):
 * how many lines the first screen would give them. */
static guint
text_holder_lines (const FtaFinding *fd)
{
    guint n = 0;
    for (guint k = 0; k < fd->evidence_keys->len && n < SCREEN_HOLDERS; k++)
        n += strstr (g_ptr_array_index (fd->evidence_values, k), "held by ") != NULL;
    return n;
}

/* Gives NEED[i] - 1 more lines to the items of ITEMS (an index into
 * NEED, GRANT) while ROOM lasts, in their order. */
static void
text_grant (GArray *need, GArray *grant, const guint *items, guint n_items, guint *room)
{
    for (guint j = 0; j < n_items && *room; j++) {
        guint i = items[j], more = g_array_index (need, guint, i) - 1;
        more = MIN (more, *room);
        g_array_index (grant, guint, i) += more;
        *room -= more;
    }
}

/* The first screen: the overview, the findings one a line, most severe
 * first (the results come sorted), then the top of each table.  HEAD_LINES
 * were written above it.  The lines left of SCREEN_ROWS go, in this order,
 * to the titles of warnings and critical findings that run over a line,
 * to the overview's rows that do, to the holders under the findings, and
 * to the titles of the other findings. */
static void
text_print_screen (FILE *out, const Text *t, const FtaResults *r, guint head_lines)
{
    guint n = fta_results_n_findings (r), nsev[3] = { 0 };
    guint shown = n > SCREEN_FINDINGS ? SCREEN_FINDINGS - 1 : n;
    /* the lines each part needs, and the room for more than one a part */
    GArray *ov_need = g_array_new (FALSE, FALSE, sizeof (guint));
    guint used = head_lines + text_print_overviews (NULL, r, ov_need);
    used += (n ? 2 : 3) + shown + (shown < n) + 2 + MAX (text_print_tops (NULL, t, r), 1u);
    guint room = SCREEN_ROWS > used ? SCREEN_ROWS - used : 0;
    GArray *ov_grant = g_array_new (FALSE, FALSE, sizeof (guint));
    GArray *ti_need = g_array_new (FALSE, FALSE, sizeof (guint));
    GArray *ti_grant = g_array_new (FALSE, FALSE, sizeof (guint));
    GArray *severe = g_array_new (FALSE, FALSE, sizeof (guint));
    GArray *other = g_array_new (FALSE, FALSE, sizeof (guint));
    guint one = 1;
    for (guint i = 0; i < ov_need->len; i++)
        g_array_append_val (ov_grant, one);
    for (guint i = 0; i < shown; i++) {
        const FtaFinding *fd = fta_results_finding (r, i);
        guint need = text_screen_wrap (NULL, "", 5 + strlen (fta_severity_name (fd->severity)),
                                       fd->title[0] ? fd->title : fd->code, SCREEN_ITEM_LINES);
        g_array_append_val (ti_need, need);
        g_array_append_val (ti_grant, one);
        g_array_append_val (fd->severity >= FTA_SEVERITY_WARNING ? severe : other, i);
    }
    text_grant (ti_need, ti_grant, (guint *) (void *) severe->data, severe->len, &room);
    guint *all_rows = g_new (guint, ov_need->len + 1);
    for (guint i = 0; i < ov_need->len; i++)
        all_rows[i] = i;
    text_grant (ov_need, ov_grant, all_rows, ov_need->len, &room);
    g_free (all_rows);
    /* the holders' lines, each finding's in turn, then the other titles */
    guint holders_room = MIN (room, (guint) SCREEN_HOLDERS_ALL), holders_all = 0;
    GArray *hol = g_array_new (FALSE, TRUE, sizeof (guint));
    g_array_set_size (hol, shown);
    for (guint i = 0; i < shown && holders_all < holders_room; i++) {
        guint h = MIN (text_holder_lines (fta_results_finding (r, i)), holders_room - holders_all);
        g_array_index (hol, guint, i) = h;
        holders_all += h;
    }
    room -= holders_all;
    text_grant (ti_need, ti_grant, (guint *) (void *) other->data, other->len, &room);

    text_print_overviews (out, r, ov_grant);
    for (guint i = 0; i < n; i++)
        nsev[MIN ((guint) fta_results_finding (r, i)->severity, 2u)]++;
    if (n)
        fprintf (out, "\n== Findings: %u critical, %u warning, %u info ==\n", nsev[2], nsev[1],
                 nsev[0]);
    else
        fprintf (out, "\n== Findings: none ==\n  nothing crossed a threshold of the "
                 "analyzers that ran\n");
    for (guint i = 0; i < shown; i++) {
        const FtaFinding *fd = fta_results_finding (r, i);
        char *badge = text_badge (t, out, fd->severity);
        /* the badge's escape sequences take no column */
        text_screen_wrap (out, badge, 5 + strlen (fta_severity_name (fd->severity)),
                          fd->title[0] ? fd->title : fd->code, g_array_index (ti_grant, guint, i));
        g_free (badge);
        /* the evidence that names holders: "KEY: held by A 3.4 s, B ..." */
        for (guint k = 0, lines = 0;
             k < fd->evidence_keys->len && lines < g_array_index (hol, guint, i); k++) {
            const char *held = strstr (g_ptr_array_index (fd->evidence_values, k), "held by ");
            if (!held)
                continue;
            char *line = g_strdup_printf ("%s: %s",
                                          (const char *) g_ptr_array_index (fd->evidence_keys, k),
                                          held);
            text_screen_line (out, "      ", 6, line);
            g_free (line);
            lines++;
        }
    }
    g_array_free (hol, TRUE);
    g_array_free (other, TRUE);
    g_array_free (severe, TRUE);
    g_array_free (ti_grant, TRUE);
    g_array_free (ti_need, TRUE);
    g_array_free (ov_grant, TRUE);
    g_array_free (ov_need, TRUE);
    if (shown < n) {
        guint rest[3] = { 0 };
        for (guint i = shown; i < n; i++)
            rest[MIN ((guint) fta_results_finding (r, i)->severity, 2u)]++;
        fprintf (out, "  ... %u more: %u critical, %u warning, %u info (all of them below "
                 "and in -f json)\n", n - shown, rest[2], rest[1], rest[0]);
    }
    fprintf (out, "\n== Top of each table ==\n");
    if (!text_print_tops (out, t, r))
        fprintf (out, "  (no table has rows)\n");
}

/* Every finding with its evidence, likely cause and what to try. */
static void
text_print_findings (FILE *out, const Text *t, const FtaResults *r)
{
    if (!fta_results_n_findings (r))
        return;
    gboolean color = fta_context_use_color (t->ctx, out);
    fprintf (out, "\n== Findings ==\n");
    for (guint i = 0; i < fta_results_n_findings (r); i++) {
        const FtaFinding *fd = fta_results_finding (r, i);
        char *head = text_badge (t, out, fd->severity);
        text_wrap (out, head, fd->title, 6, t->width ? t->width + (color ? 11 : 0) : 0);
        g_free (head);
        for (guint k = 0; k < fd->evidence_keys->len; k++) {
            head = g_strdup_printf ("      %s: ",
                                    (const char *) g_ptr_array_index (fd->evidence_keys, k));
            text_wrap (out, head, g_ptr_array_index (fd->evidence_values, k), 8, t->width);
            g_free (head);
        }
        if (fd->cause && *fd->cause)
            text_wrap (out, "    likely cause: ", fd->cause, 6, t->width);
        if (fd->advice && *fd->advice)
            text_wrap (out, "    try: ", fd->advice, 6, t->width);
    }
}

static gboolean
text_render_all (Text *t, const FtaResults *r, FILE *out)
{
    const FtaQuality *q = fta_results_quality (r);
    guint n_in = fta_results_n_inputs (r);
    guint head = text_print_input (out, t, r);
    /* a comparison opens with its inputs side by side and its regressions,
     * tables of their own: its findings follow them */
    if (!n_in)
        text_print_screen (out, t, r, head);
    if (fta_context_summary (t->ctx))
        return !ferror (out);
    if (!n_in)
        text_print_findings (out, t, r);
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        const FtaTable *tb = fta_results_table (r, i);
        if (fta_table_is_series (tb))
            text_print_series (out, tb);
        else
            text_print_table (out, t, tb, fta_context_top (t->ctx), t->width);
    }
    if (n_in)
        text_print_findings (out, t, r);
    if (t->quality && n_in) {
        for (guint i = 0; i < n_in; i++) {
            const char *role;
            const FtaResults *in = fta_results_input (r, i, &role);
            text_print_quality (out, fta_results_quality (in), role, t->width);
        }
    } else if (t->quality) {
        text_print_quality (out, q, NULL, t->width);
    }
    return !ferror (out);
}

static gboolean
text_render (void *self, const FtaResults *r, FILE *out, GError **error)
{
    (void) error;
    Text *t = self;
    t->ranked = g_hash_table_new (g_direct_hash, g_direct_equal);
    gboolean ok = text_render_all (t, r, out);
    g_clear_pointer (&t->ranked, g_hash_table_destroy);
    return ok;
}

static void
text_destroy (void *self)
{
    g_free (self);
}

static const FtaOptionSpec text_options[] = {
    { "quality", FTA_OPT_BOOL, "true", "print the input-quality section" },
    { "width", FTA_OPT_INT, "160",
      "fit tables and text to this many columns (0: no limit; tables keep their keys)" },
    { NULL }
};

FTA_PLUGIN_DEFINE (
    .name = "text",
    .kind = FTA_PLUGIN_SINK,
    .summary = "aligned tables for the terminal (top N rows per table)",
    .options = text_options,
    .create = text_create,
    .render = text_render,
    .destroy = text_destroy,
    .extension = "txt",
);
