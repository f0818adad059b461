/* gnuplot.c - plot data and gnuplot scripts for the time series, and the
 * images when gnuplot is installed.
 *
 * In the output directory, for each series and for wakeup.latency_hist:
 * STEM.NAME.dat (whitespace-separated, one row per table row, the columns
 * of the table in order, a series' first column as t_s: seconds since the
 * trace's first timestamp) and STEM.NAME.gp, which renders it to
 * STEM.NAME.png (or .svg).  The main output, STEM.gp, draws the overview
 * STEM.png: wakeup and switch rates, the per-CPU busy heatmap and the
 * latency histograms.  With gnuplot on PATH and run = true every script is
 * run in the output directory; otherwise STEM.README.txt says how.
 *
 * When the main output is STEM.png or STEM.svg (-o overview.png), it is
 * the overview image itself: data and scripts go to a scratch directory,
 * removed once gnuplot has drawn it, and without gnuplot it is an error.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#define GP_MAX_LINES 20 /* lines per plot of a series keyed by pid */

typedef struct {
    const FtaContext *ctx;
    const char *dir; /* where the files go: the output directory */
    gboolean svg, run;
} Gp;

#define GP_ERROR g_quark_from_string ("gnuplot")

static void *
gp_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    if (!fta_context_output_dir (ctx)) {
        g_set_error_literal (error, GP_ERROR, 0,
                             "gnuplot writes data and scripts per series: give -o DIR/ "
                             "(or -o NAME.gp for the overview script, files beside it)");
        return NULL;
    }
    const char *format = fta_options_get_string (opts, "format");
    if (g_strcmp0 (format, "png") != 0 && g_strcmp0 (format, "svg") != 0) {
        g_set_error (error, GP_ERROR, 0, "format must be \"png\" or \"svg\", not \"%s\"",
                     format ? format : "");
        return NULL;
    }
    Gp *g = g_new0 (Gp, 1);
    g->ctx = ctx;
    g->dir = fta_context_output_dir (ctx);
    g->svg = strcmp (format, "svg") == 0;
    g->run = fta_options_get_bool (opts, "run");
    return g;
}

/* "STEM.WHAT" */
static char *
gp_name (Gp *g, const char *what, const char *ext)
{
    return what ? g_strdup_printf ("%s.%s.%s", fta_context_output_stem (g->ctx), what, ext)
                : g_strdup_printf ("%s.%s", fta_context_output_stem (g->ctx), ext);
}

/* a gnuplot string literal */
static void
gp_quote (GString *s, const char *text)
{
    g_string_append_c (s, '"');
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c (s, '\\');
        if (*p == '\n')
            g_string_append (s, "\\n");
        else
            g_string_append_c (s, *p);
    }
    g_string_append_c (s, '"');
}

static gboolean
gp_write_file (Gp *g, const char *name, const char *text, GError **error)
{
    char *path = g_build_filename (g->dir, name, NULL);
    GError *e = NULL;
    gboolean ok = g_file_set_contents (path, text, -1, &e);
    if (!ok) {
        g_set_error (error, GP_ERROR, 0, "cannot write %s: %s", path, e->message);
        g_error_free (e);
    }
    g_free (path);
    return ok;
}

static char *
gp_seconds (gint64 ns)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.9f", (double) ns / 1e9));
}

/* STEM.NAME.dat: a series' first column in seconds, the others as in the
 * table; strings quoted (a quote inside becomes '), missing numbers NaN. */
static char *
gp_dat (Gp *g, const FtaTable *t, GError **error)
{
    GString *s = g_string_new (NULL);
    guint nc = fta_table_n_columns (t), nr = fta_table_n_rows (t);
    gboolean series = fta_table_is_series (t);
    g_string_append_printf (s, "# %s: %s\n", fta_table_full_name (t), fta_table_title (t));
    if (series) {
        char *w = gp_seconds (fta_table_window_ns (t));
        g_string_append_printf (s, "# windows of %s s; t_s = window start, seconds since the "
                                   "trace's first timestamp\n", w);
        g_free (w);
    }
    g_string_append (s, "#");
    for (guint c = 0; c < nc; c++)
        g_string_append_printf (s, " %s", series && c == 0 ? "t_s"
                                                           : fta_table_column (t, c)->name);
    g_string_append_c (s, '\n');
    for (guint r = 0; r < nr; r++) {
        for (guint c = 0; c < nc; c++) {
            const FtaColumn *col = fta_table_column (t, c);
            const FtaValue *v = fta_table_cell (t, r, c);
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            if (c)
                g_string_append_c (s, ' ');
            if (col->type == FTA_COL_STRING) {
                char *q = g_strdup (v && !v->is_null && v->s ? v->s : "");
                g_strdelimit (q, "\"\n\r", '\'');
                g_string_append_printf (s, "\"%s\"", q);
                g_free (q);
            } else if (!v || v->is_null) {
                g_string_append (s, "NaN");
            } else if (series && c == 0) {
                char *sec = gp_seconds (v->i);
                g_string_append (s, sec);
                g_free (sec);
            } else if (col->type == FTA_COL_PERCENT) {
                g_string_append (s, g_ascii_dtostr (buf, sizeof buf, v->d));
            } else {
                g_string_append_printf (s, "%" G_GINT64_FORMAT, v->i);
            }
        }
        g_string_append_c (s, '\n');
    }
    char *name = gp_name (g, fta_table_full_name (t), "dat");
    gboolean ok = gp_write_file (g, name, s->str, error);
    g_string_free (s, TRUE);
    if (!ok) {
        g_free (name);
        return NULL;
    }
    return name;
}

/* a number for a script: the shortest that reads back close enough */
static const char *
gp_num (char *buf, gsize len, double v)
{
    return g_ascii_formatd (buf, len, "%.10g", v);
}

/* Options every panel sets, so that panels of one multiplot do not
 * inherit each other's. */
static void
gp_panel_reset (GString *s)
{
    g_string_append (s, "unset logscale; unset colorbox; unset label; set autoscale\n"
                        "set datafile missing\n"
                        "set format x \"%g\"; set format y \"%g\"; set ytics autofreq\n"
                        "set key top right; set grid; set style fill empty\n"
                        "set lmargin 12; set rmargin at screen 0.8\n");
}

/* gnuplot's column number of table column C */
#define GP_COL(c) ((c) + 1)

static double
gp_window_s (const FtaTable *t)
{
    return (double) fta_table_window_ns (t) / 1e9;
}

static double
gp_last_end_s (const FtaTable *t)
{
    guint n = fta_table_n_rows (t);
    if (!n)
        return gp_window_s (t);
    return (double) fta_table_cell (t, n - 1, 0)->i / 1e9 + gp_window_s (t);
}

/* COL of an unkeyed series as events per second */
static void
gp_panel_rate (GString *s, const FtaTable *t, const char *dat, guint col, const char *title)
{
    char w[G_ASCII_DTOSTR_BUF_SIZE], end[G_ASCII_DTOSTR_BUF_SIZE];
    const char *name = fta_table_column (t, col)->name;
    gp_panel_reset (s);
    g_string_append (s, "set title ");
    gp_quote (s, title);
    g_string_append_printf (s, "\nset xlabel \"time since trace start (s)\"\n"
                               "set ylabel \"%s per second\"\nunset key\n"
                               "set xrange [0:%s]; set yrange [0:*]\n",
                            name, gp_num (end, sizeof end, gp_last_end_s (t)));
    g_string_append_printf (s, "plot \"%s\" using 1:($%u/%s) with steps lw 1.5 lc rgb "
                               "\"#1f77b4\"\n",
                            dat, GP_COL (col), gp_num (w, sizeof w, gp_window_s (t)));
}

/* The heatmap shows a row per CPU (key) seen, in order, so CPUs without
 * events take no room; past GP_HEAT_ROWS of them, a row per group of
 * consecutive CPUs, its upper band their mean and its lower band their
 * maximum.  The rows go into the script as a datablock. */
#define GP_HEAT_ROWS 64

static int
gp_cmp_i64 (const void *a, const void *b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
    return x < y ? -1 : x > y;
}

/* heatmap: x time, y COL_KEY (cpu, vm), colour COL_PCT; grey where a key
 * has no value in a window; returns its rows */
static guint
gp_panel_heatmap (GString *s, const FtaTable *t, const char *dat, guint col_key,
                  guint col_pct, const char *title)
{
    (void) dat;
    guint nr = fta_table_n_rows (t);
    gint64 wns = MAX (fta_table_window_ns (t), 1);
    GArray *keys = g_array_new (FALSE, FALSE, sizeof (gint64));
    /* the windows the rows have, from the first: a series starting late
     * in the trace (--cpu, --start) has no room kept for its empty start */
    gint64 wmin = G_MAXINT64, wmax = 0;
    for (guint r = 0; r < nr; r++) {
        gint64 k = fta_table_cell (t, r, col_key)->i;
        g_array_append_val (keys, k);
        wmin = MIN (wmin, fta_table_cell (t, r, 0)->i / wns);
        wmax = MAX (wmax, fta_table_cell (t, r, 0)->i / wns);
    }
    if (!nr)
        wmin = 0;
    g_array_sort (keys, gp_cmp_i64);
    guint n = 0;
    for (guint i = 0; i < keys->len; i++)
        if (!n || g_array_index (keys, gint64, i) != g_array_index (keys, gint64, n - 1))
            g_array_index (keys, gint64, n++) = g_array_index (keys, gint64, i);
    g_array_set_size (keys, n);
    guint g = n ? (n + GP_HEAT_ROWS - 1) / GP_HEAT_ROWS : 1;
    guint rows = n ? (n + g - 1) / g : 1;
    guint windows = (guint) (wmax - wmin) + 1;
    double *sum = g_new0 (double, (gsize) rows * windows);
    double *max = g_new0 (double, (gsize) rows * windows);
    guint *cnt = g_new0 (guint, (gsize) rows * windows);
    for (guint r = 0; r < nr; r++) {
        gint64 k = fta_table_cell (t, r, col_key)->i;
        gint64 *at = bsearch (&k, keys->data, n, sizeof (gint64), gp_cmp_i64);
        const FtaValue *v = fta_table_cell (t, r, col_pct);
        if (!at || v->is_null)
            continue;
        gsize cell = (gsize) ((at - (gint64 *) (gpointer) keys->data) / g) * windows
                     + (gsize) (fta_table_cell (t, r, 0)->i / wns - wmin);
        sum[cell] += v->d;
        if (!cnt[cell]++ || v->d > max[cell])
            max[cell] = v->d;
    }
    char hw[G_ASCII_DTOSTR_BUF_SIZE], x[G_ASCII_DTOSTR_BUF_SIZE], v[G_ASCII_DTOSTR_BUF_SIZE];
    char end[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append (s, "$heat << EOD\n");
    for (guint row = 0; row < rows; row++)
        for (guint w = 0; w < windows; w++) {
            gsize cell = (gsize) row * windows + w;
            if (!cnt[cell])
                continue;
            gp_num (x, sizeof x, ((double) wmin + w + 0.5) * gp_window_s (t));
            gp_num (v, sizeof v, sum[cell] / cnt[cell]);
            g_string_append_printf (s, "%s %u %s", x, row, v);
            gp_num (v, sizeof v, max[cell]);
            g_string_append_printf (s, " %s\n", v);
        }
    g_string_append (s, "EOD\n");
    gp_panel_reset (s);
    /* room on the left for the longest label: "1193694-1259230" */
    int label_len = 0;
    for (guint row = 0; row < rows && n; row++) {
        char *l = g_strdup_printf ("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT,
                                   g_array_index (keys, gint64, row * g),
                                   g_array_index (keys, gint64, MIN ((row + 1) * g, n) - 1));
        label_len = MAX (label_len, (int) strlen (l));
        g_free (l);
    }
    if (label_len + 4 > 12)
        g_string_append_printf (s, "set lmargin %d\n", label_len + 4);
    /* "CPU", "VM": the key's name, capitals when short */
    const char *kname = fta_table_column (t, col_key)->name;
    char *ylabel = strlen (kname) <= 3 ? g_ascii_strup (kname, -1) : g_strdup (kname);
    const char *pname = fta_table_column (t, col_pct)->name;
    gsize plen = g_str_has_suffix (pname, "_pct") ? strlen (pname) - 4 : strlen (pname);
    g_string_append (s, "set title ");
    if (g > 1) {
        char *t2 = g_strdup_printf ("%s: each row %u %ss, upper band their mean, lower "
                                    "band their maximum", title, g, ylabel);
        gp_quote (s, t2);
        g_free (t2);
    } else {
        gp_quote (s, title);
    }
    g_string_append_printf (
        s,
        "\nset xlabel \"time since trace start (s)\"\nset ylabel \"%s\"\nunset key; unset grid\n"
        "set xrange [0:%s]; set yrange [-0.5:%u.5]\n"
        "set cbrange [0:100]; set cblabel \"%.*s %%\"\n"
        "set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind "
        "fillcolor rgb \"#d9d9d9\" fillstyle solid 1.0 noborder\n"
        "set colorbox user origin graph 1.03, graph 0 size graph 0.025, graph 1\n"
        "set palette defined (0 \"#ffffff\", 25 \"#fee391\", 50 \"#fe9929\", 75 \"#cc4c02\", "
        "100 \"#662506\")\n"
        "set style fill solid 1.0 noborder\nset ytics (",
        ylabel, gp_num (end, sizeof end, gp_last_end_s (t)), rows - 1, (int) plen, pname);
    g_free (ylabel);
    guint every = (rows + 31) / 32;
    for (guint row = 0; row < rows && n; row += every) {
        gint64 a = g_array_index (keys, gint64, row * g);
        gint64 b = g_array_index (keys, gint64, MIN ((row + 1) * g, n) - 1);
        if (a == b)
            g_string_append_printf (s, "%s\"%" G_GINT64_FORMAT "\" %u", row ? ", " : "", a, row);
        else
            g_string_append_printf (s, "%s\"%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "\" %u",
                                    row ? ", " : "", a, b, row);
    }
    g_string_append (s, ")\n");
    /* boxes a little wider than the window, so that antialiasing leaves no
     * seams between them */
    gp_num (hw, sizeof hw, gp_window_s (t) / 2 * 1.04);
    if (g > 1)
        g_string_append_printf (s,
                                "plot $heat using 1:($2+0.1667):(%s):(0.3334):3 with boxxyerror "
                                "fillcolor palette, \\\n"
                                "     $heat using 1:($2-0.3333):(%s):(0.1668):4 with boxxyerror "
                                "fillcolor palette\n", hw, hw);
    else
        g_string_append_printf (s,
                                "plot $heat using 1:2:(%s):(0.52):3 with boxxyerror "
                                "fillcolor palette\n", hw);
    g_string_append (s, "unset object 1\n");
    g_free (sum);
    g_free (max);
    g_free (cnt);
    g_array_free (keys, TRUE);
    return rows;
}

/* Distinct values of integer column COL, in order of appearance, at most
 * GP_MAX_LINES; LABEL gets "comm (pid)" when the table has a comm. */
static GArray *
gp_keys (const FtaTable *t, guint col, GPtrArray *label)
{
    GArray *keys = g_array_new (FALSE, FALSE, sizeof (gint64));
    int c_comm = fta_table_column_index (t, "comm");
    for (guint r = 0; r < fta_table_n_rows (t) && keys->len < GP_MAX_LINES; r++) {
        gint64 k = fta_table_cell (t, r, col)->i;
        gboolean seen = FALSE;
        for (guint i = 0; i < keys->len && !seen; i++)
            seen = g_array_index (keys, gint64, i) == k;
        if (seen)
            continue;
        g_array_append_val (keys, k);
        const FtaValue *cv = c_comm >= 0 ? fta_table_cell (t, r, c_comm) : NULL;
        if (cv && !cv->is_null && cv->s)
            g_ptr_array_add (label, g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", cv->s, k));
        else
            g_ptr_array_add (label, g_strdup_printf ("%s %" G_GINT64_FORMAT,
                                                     fta_table_column (t, col)->name, k));
    }
    return keys;
}

/* One plot clause of file DAT per distinct value of integer column COL
 * (gp_keys): USING writes the clause between "using " and its title for
 * that value.  Returns how many clauses were written. */
static guint
gp_plot_keys (GString *s, const FtaTable *t, guint col, const char *dat,
              void (*using) (GString *s, gint64 value, gconstpointer data),
              gconstpointer data)
{
    GPtrArray *label = g_ptr_array_new_with_free_func (g_free);
    GArray *keys = gp_keys (t, col, label);
    for (guint i = 0; i < keys->len; i++) {
        g_string_append_printf (s, "%s \\\n  \"%s\" using ", i ? "," : "", dat);
        using (s, g_array_index (keys, gint64, i), data);
        g_string_append (s, "title ");
        gp_quote (s, g_ptr_array_index (label, i));
    }
    guint n = keys->len;
    g_array_free (keys, TRUE);
    g_ptr_array_unref (label);
    return n;
}

/* The columns of a latency histogram, as gnuplot numbers them. */
typedef struct {
    guint pid, lo, hi, n;
} GpHist;

/* x: the bucket's geometric middle, in us; an empty bucket falls off the
 * log scale and breaks the line */
static void
gp_using_hist (GString *s, gint64 pid, gconstpointer data)
{
    const GpHist *h = data;
    g_string_append_printf (s,
                            "($%u == %" G_GINT64_FORMAT " ? sqrt(($%u > 0 ? $%u : 1) * $%u) "
                            "/ 1000 : NaN):($%u > 0 ? $%u : NaN) with linespoints lw 1.5 pt 7 "
                            "ps 0.6 ",
                            h->pid, pid, h->lo, h->lo, h->hi, h->n, h->n);
}

/* latency histograms: a line per task, log-log */
static void
gp_panel_hist (GString *s, const FtaTable *t, const char *dat, const char *title)
{
    int c_pid = fta_table_column_index (t, "pid");
    int c_lo = fta_table_column_index (t, "bucket_lo_ns");
    int c_hi = fta_table_column_index (t, "bucket_hi_ns");
    int c_n = fta_table_column_index (t, "count");
    gp_panel_reset (s);
    g_string_append (s, "set title ");
    gp_quote (s, title);
    g_string_append (s, "\nset xlabel \"wakeup latency (us, log2 buckets)\"\n"
                        "set ylabel \"wakeups\"\nset logscale xy\nset key outside right top reverse Left\n"
                        "set yrange [0.8:*]\n");
    if (c_pid < 0 || c_lo < 0 || c_hi < 0 || c_n < 0 || !fta_table_n_rows (t)) {
        g_string_append (s, "set label 1 \"no wakeup latency in this trace\" at graph 0.5, "
                            "graph 0.5 center\nset xrange [1:10]; set yrange [1:10]\n"
                            "plot 100 notitle\n");
        return;
    }
    GpHist h = { GP_COL (c_pid), GP_COL (c_lo), GP_COL (c_hi), GP_COL (c_n) };
    g_string_append (s, "plot");
    gp_plot_keys (s, t, (guint) c_pid, dat, gp_using_hist, &h);
    g_string_append_c (s, '\n');
}

/* the first column of TYPE that is no key, or -1 */
static int
gp_value_col (const FtaTable *t, FtaColumnType type)
{
    for (guint c = 1; c < fta_table_n_columns (t); c++)
        if (!fta_table_column (t, c)->key && fta_table_column (t, c)->type == type)
            return (int) c;
    return -1;
}

/* The columns of a series with rows per (window, key), as gnuplot numbers
 * them, and what scales the value. */
typedef struct {
    guint key, val;
    const char *scale;
} GpKeyed;

/* the other keys' rows are skipped, not gaps in the line */
static void
gp_using_keyed (GString *s, gint64 key, gconstpointer data)
{
    const GpKeyed *k = data;
    g_string_append_printf (s, "1:($%u == %" G_GINT64_FORMAT " ? $%u%s : NaN) with steps lw 1.5 ",
                            k->key, key, k->val, k->scale);
}

/* Any other series: one line per count (as a rate), or per key value of
 * a series with rows per (window, key). */
static void
gp_panel_series (GString *s, const FtaTable *t, const char *dat)
{
    char w[G_ASCII_DTOSTR_BUF_SIZE], end[G_ASCII_DTOSTR_BUF_SIZE];
    gp_num (w, sizeof w, gp_window_s (t));
    int key = -1;
    for (guint c = 1; c < fta_table_n_columns (t) && key < 0; c++)
        if (fta_table_column (t, c)->key && fta_table_column (t, c)->type == FTA_COL_INT)
            key = (int) c;
    int val = gp_value_col (t, FTA_COL_PERCENT);
    const char *unit = "%";
    if (val < 0 && (val = gp_value_col (t, FTA_COL_DURATION)) >= 0)
        unit = "ms";
    if (key < 0 && gp_value_col (t, FTA_COL_COUNT) >= 0) {
        val = gp_value_col (t, FTA_COL_COUNT);
        unit = "events per second";
    }
    gp_panel_reset (s);
    g_string_append (s, "set title ");
    gp_quote (s, fta_table_title (t));
    g_string_append_printf (s, "\nset xlabel \"time since trace start (s)\"\n"
                               "set xrange [0:%s]; set yrange [0:*]\n"
                               "set key outside right top reverse Left\n",
                            gp_num (end, sizeof end, gp_last_end_s (t)));
    if (val < 0) {
        g_string_append (s, "set label 1 \"nothing to plot\" at graph 0.5, graph 0.5 center\n"
                            "set yrange [0:1]\nplot 2 notitle\n");
        return;
    }
    char *scale = strcmp (unit, "ms") == 0 ? g_strdup ("/1e6")
                  : strcmp (unit, "%") == 0 ? g_strdup ("")
                                            : g_strdup_printf ("/%s", w);
    if (key >= 0) {
        g_string_append_printf (s, "set ylabel \"%s (%s)\"\n", fta_table_column (t, val)->name,
                                unit);
        GpKeyed k = { GP_COL (key), GP_COL (val), scale };
        g_string_append (s, "set datafile missing NaN\nplot");
        if (!gp_plot_keys (s, t, (guint) key, dat, gp_using_keyed, &k))
            g_string_append (s, " 0 notitle");
        g_string_append_c (s, '\n');
    } else {
        FtaColumnType type = fta_table_column (t, val)->type;
        g_string_append_printf (s, "set ylabel \"%s\"\nplot", unit);
        guint n = 0;
        for (guint c = 1; c < fta_table_n_columns (t); c++) {
            if (fta_table_column (t, c)->type != type)
                continue;
            g_string_append_printf (s, "%s \\\n  \"%s\" using 1:($%u%s) with steps lw 1.5 title ",
                                    n++ ? "," : "", dat, GP_COL (c), scale);
            gp_quote (s, fta_table_column (t, c)->name);
        }
        g_string_append_c (s, '\n');
    }
    g_free (scale);
}

static void
gp_terminal (Gp *g, GString *s, const char *image, int w, int h)
{
    if (g->svg)
        g_string_append_printf (s, "set terminal svg size %d,%d dynamic font \"sans,11\"\n", w,
                                h);
    else
        g_string_append_printf (s,
                                "if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n"
                                "  set terminal pngcairo size %d,%d font \"sans,10\"\n"
                                "} else {\n  set terminal png size %d,%d\n}\n",
                                w, h, w, h);
    g_string_append (s, "set termoption noenhanced\nset output ");
    gp_quote (s, image);
    g_string_append_c (s, '\n');
}

/* The heatmap's columns when T is a series with rows per (window, cpu),
 * or per (window, key) of more keys than lines a plot can tell apart
 * (kvm.vm_steal on a host of many VMs), and a percent. */
static gboolean
gp_is_heatmap (const FtaTable *t, guint *c_key, guint *c_pct)
{
    int k = fta_table_column_index (t, "cpu");
    int p = gp_value_col (t, FTA_COL_PERCENT);
    if (!fta_table_is_series (t) || p < 0)
        return FALSE;
    if (k < 0 || !fta_table_column (t, k)->key) {
        k = -1;
        for (guint c = 1; c < fta_table_n_columns (t) && k < 0; c++)
            if (fta_table_column (t, c)->key && fta_table_column (t, c)->type == FTA_COL_INT)
                k = (int) c;
        if (k < 0)
            return FALSE;
        /* the values copied: a cell may not outlive the next rows read */
        GHashTable *seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
        for (guint r = 0; r < fta_table_n_rows (t) && g_hash_table_size (seen) <= GP_MAX_LINES;
             r++)
            g_hash_table_add (seen, g_memdup2 (&fta_table_cell (t, r, (guint) k)->i,
                                               sizeof (gint64)));
        gboolean many = g_hash_table_size (seen) > GP_MAX_LINES;
        g_hash_table_destroy (seen);
        if (!many)
            return FALSE;
    }
    *c_key = (guint) k;
    *c_pct = (guint) p;
    return TRUE;
}

static gboolean
gp_is_hist (const FtaTable *t)
{
    return strcmp (fta_table_full_name (t), "wakeup.latency_hist") == 0;
}

typedef struct {
    GPtrArray *scripts; /* names of the scripts to run, the overview last */
    GPtrArray *images;
} Written;

/* STEM.NAME.dat and STEM.NAME.gp for table T */
static gboolean
gp_table (Gp *g, const FtaTable *t, Written *wr, GError **error)
{
    char *dat = gp_dat (g, t, error);
    if (!dat)
        return FALSE;
    const char *name = fta_table_full_name (t);
    char *image = gp_name (g, name, g->svg ? "svg" : "png");
    char *script = gp_name (g, name, "gp");
    GString *s = g_string_new (NULL);
    g_string_append_printf (s, "# %s: renders %s from %s (run in this directory: "
                               "gnuplot %s)\n",
                            name, image, dat, script);
    guint c_key, c_pct;
    if (gp_is_hist (t)) {
        gp_terminal (g, s, image, 1200, 600);
        gp_panel_hist (s, t, dat, fta_table_title (t));
    } else if (gp_is_heatmap (t, &c_key, &c_pct)) {
        /* the terminal comes first: the panel is written aside, and the
         * image grows with its rows (9 pixels each) */
        GString *panel = g_string_new (NULL);
        guint rows = gp_panel_heatmap (panel, t, dat, c_key, c_pct, fta_table_title (t));
        gp_terminal (g, s, image, 1200, (int) CLAMP (160 + rows * 9, 500, 900));
        g_string_append (s, panel->str);
        g_string_free (panel, TRUE);
    } else {
        gp_terminal (g, s, image, 1200, 500);
        gp_panel_series (s, t, dat);
    }
    g_string_append (s, "set output\n");
    gboolean ok = gp_write_file (g, script, s->str, error);
    g_string_free (s, TRUE);
    g_free (dat);
    if (ok) {
        g_ptr_array_add (wr->scripts, script);
        g_ptr_array_add (wr->images, image);
    } else {
        g_free (script);
        g_free (image);
    }
    return ok;
}

/* The overview: wakeup rate, switch rate, CPU heatmap, latency histograms,
 * those the results have. */
static char *
gp_overview (Gp *g, const FtaResults *r)
{
    GString *body = g_string_new (NULL);
    guint panels = 0;
    const FtaTable *ev = fta_results_find_table (r, "timeline.events");
    if (ev && fta_table_is_series (ev)) {
        char *dat = gp_name (g, "timeline.events", "dat");
        static const char *const what[][2] = { { "wakeups", "Wakeups per second" },
                                               { "switches", "Context switches per second" } };
        for (guint i = 0; i < G_N_ELEMENTS (what); i++) {
            int c = fta_table_column_index (ev, what[i][0]);
            if (c < 0)
                continue;
            gp_panel_rate (body, ev, dat, (guint) c, what[i][1]);
            panels++;
        }
        g_free (dat);
    }
    const FtaTable *busy = fta_results_find_table (r, "timeline.cpu_busy");
    guint c_key, c_pct;
    if (busy && gp_is_heatmap (busy, &c_key, &c_pct)) {
        char *dat = gp_name (g, "timeline.cpu_busy", "dat");
        gp_panel_heatmap (body, busy, dat, c_key, c_pct, "CPU utilisation (busy % per window)");
        g_free (dat);
        panels++;
    }
    const FtaTable *hist = fta_results_find_table (r, "wakeup.latency_hist");
    if (hist) {
        char *dat = gp_name (g, "wakeup.latency_hist", "dat");
        gp_panel_hist (body, hist, dat, "Wakeup latency of the tasks woken most");
        g_free (dat);
        panels++;
    }
    const FtaQuality *q = fta_results_quality (r);
    char *image = gp_name (g, NULL, g->svg ? "svg" : "png");
    char *script = gp_name (g, NULL, "gp");
    GString *s = g_string_new (NULL);
    g_string_append_printf (s, "# ftrace-analyzer overview of %s\n"
                               "# renders %s; run in this directory: gnuplot %s\n"
                               "# each STEM.NAME.gp here renders STEM.NAME.dat alone\n",
                            q->input_path ? q->input_path : "-", image, script);
    gp_terminal (g, s, image, 1200, MAX (panels, 1) * 340 + 40);
    if (!panels) {
        g_string_append (s, "set title \"no time series or latency histogram in this run "
                            "(analyzers timeline and wakeup)\"\n"
                            "unset key; set xrange [0:1]; set yrange [0:1]\nplot 2\n");
    } else {
        g_string_append (s, "set multiplot layout ");
        g_string_append_printf (s, "%u,1 title ", panels);
        char *t = g_path_get_basename (q->input_path ? q->input_path : "-");
        gp_quote (s, t);
        g_free (t);
        g_string_append_printf (s, " font \",13\"\n%s"
                                   "unset multiplot\n",
                                body->str);
    }
    g_string_append (s, "set output\n");
    g_string_free (body, TRUE);
    g_free (script);
    g_free (image);
    return g_string_free (s, FALSE);
}

/* gnuplot SCRIPT in the output directory; its messages go to our
 * standard error, named after the script. */
static gboolean
gp_run (Gp *g, const char *gnuplot, const char *script, GError **error)
{
    const char *argv[] = { gnuplot, script, NULL };
    char *err = NULL;
    int status = 0;
    GError *e = NULL;
    if (!g_spawn_sync (g->dir, (char **) argv, NULL,
                       G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &e)) {
        g_set_error (error, GP_ERROR, 0, "cannot run %s %s: %s", gnuplot, script, e->message);
        g_error_free (e);
        return FALSE;
    }
    gboolean ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
    char **lines = g_strsplit (err ? err : "", "\n", -1);
    for (char **l = lines; *l; l++)
        if (g_strstrip (*l)[0] && ok)
            g_printerr ("gnuplot %s: %s\n", script, *l);
    if (!ok) {
        GString *msg = g_string_new (NULL);
        for (char **l = lines; *l; l++)
            if ((*l)[0])
                g_string_append_printf (msg, "%s%s", msg->len ? "; " : "", *l);
        if (WIFEXITED (status))
            g_set_error (error, GP_ERROR, 0, "gnuplot %s failed (exit status %d): %s", script,
                         WEXITSTATUS (status), msg->str);
        else
            g_set_error (error, GP_ERROR, 0, "gnuplot %s failed: %s", script, msg->str);
        g_string_free (msg, TRUE);
    }
    g_strfreev (lines);
    g_free (err);
    return ok;
}

/* TRUE when OUT becomes the file DIR/NAME: the same name in the same
 * directory */
static gboolean
gp_out_is (Gp *g, FILE *out, const char *name)
{
    const char *file = fta_context_output_file (g->ctx);
    if (!file)
        return FALSE;
    char *base = g_path_get_basename (file), *dir = g_path_get_dirname (file);
    struct stat a, b;
    gboolean same = strcmp (base, name) == 0 && stat (dir, &a) == 0
                    && stat (g->dir, &b) == 0 && a.st_dev == b.st_dev
                    && a.st_ino == b.st_ino;
    g_free (base);
    g_free (dir);
    return same;
}

/* The data and script of every series and histogram of R. */
static gboolean
gp_tables (Gp *g, const FtaResults *r, Written *wr, GError **error)
{
    gboolean ok = TRUE;
    for (guint i = 0; i < fta_results_n_tables (r) && ok; i++) {
        const FtaTable *t = fta_results_table (r, i);
        if (fta_table_is_series (t) || gp_is_hist (t))
            ok = gp_table (g, t, wr, error);
    }
    return ok;
}

/* Removes DIR and the files in it. */
static void
gp_remove_dir (const char *dir)
{
    GDir *d = g_dir_open (dir, 0, NULL);
    const char *f;
    while (d && (f = g_dir_read_name (d))) {
        char *path = g_build_filename (dir, f, NULL);
        g_unlink (path);
        g_free (path);
    }
    if (d)
        g_dir_close (d);
    g_rmdir (dir);
}

/* The overview drawn in a scratch directory, its image copied to OUT. */
static gboolean
gp_render_image (Gp *g, const FtaResults *r, FILE *out, gboolean svg, GError **error)
{
    char *image = gp_name (g, NULL, svg ? "svg" : "png");
    char *gnuplot = g->run ? g_find_program_in_path ("gnuplot") : NULL;
    if (!gnuplot) {
        g_set_error (error, GP_ERROR, 0, "drawing %s needs gnuplot%s: install it, or give "
                     "-f gnuplot -o DIR/ for the data and scripts, to draw them elsewhere",
                     image, g->run ? " on PATH" : " (the gnuplot sink's option run is false)");
        g_free (image);
        return FALSE;
    }
    GError *e = NULL;
    char *tmp = g_dir_make_tmp ("ftrace-analyzer-XXXXXX", &e);
    if (!tmp) {
        g_set_error (error, GP_ERROR, 0, "cannot make a scratch directory: %s", e->message);
        g_error_free (e);
        g_free (gnuplot);
        g_free (image);
        return FALSE;
    }
    const char *dir = g->dir;
    gboolean was_svg = g->svg;
    g->dir = tmp;
    g->svg = svg;
    Written wr = { g_ptr_array_new_with_free_func (g_free),
                   g_ptr_array_new_with_free_func (g_free) };
    gboolean ok = gp_tables (g, r, &wr, error);
    char *script = gp_name (g, NULL, "gp");
    char *overview = ok ? gp_overview (g, r) : NULL;
    ok = ok && gp_write_file (g, script, overview, error)
         && gp_run (g, gnuplot, script, error);
    if (ok) {
        char *path = g_build_filename (tmp, image, NULL), *data = NULL;
        gsize len = 0;
        ok = g_file_get_contents (path, &data, &len, &e);
        if (!ok) {
            g_set_error (error, GP_ERROR, 0, "gnuplot drew no %s: %s", image, e->message);
            g_clear_error (&e);
        } else if (fwrite (data, 1, len, out) != len || fflush (out) != 0) {
            g_set_error (error, GP_ERROR, 0, "cannot write %s: %s", image, g_strerror (errno));
            ok = FALSE;
        }
        g_free (data);
        g_free (path);
    }
    gp_remove_dir (tmp);
    g->dir = dir;
    g->svg = was_svg;
    g_ptr_array_unref (wr.scripts);
    g_ptr_array_unref (wr.images);
    g_free (overview);
    g_free (script);
    g_free (tmp);
    g_free (gnuplot);
    g_free (image);
    return ok;
}

static gboolean
gp_render (void *self, const FtaResults *r, FILE *out, GError **error)
{
    Gp *g = self;
    static const char *const images[] = { "png", "svg", "PNG", "SVG" };
    for (guint k = 0; k < G_N_ELEMENTS (images); k++) {
        char *image = gp_name (g, NULL, images[k]);
        gboolean is = gp_out_is (g, out, image);
        g_free (image);
        if (is)
            return gp_render_image (g, r, out, k % 2 == 1, error);
    }
    Written wr = { g_ptr_array_new_with_free_func (g_free),
                   g_ptr_array_new_with_free_func (g_free) };
    gboolean ok = gp_tables (g, r, &wr, error);
    char *overview = NULL, *script = gp_name (g, NULL, "gp");
    if (ok) {
        /* the main output is the overview script; written again as
         * STEM.gp, which gnuplot reads now: the main output is in place
         * only once the sink returns */
        overview = gp_overview (g, r);
        fputs (overview, out);
        ok = fflush (out) == 0 && !ferror (out);
        if (!ok)
            g_set_error (error, GP_ERROR, 0, "cannot write %s: %s", script, g_strerror (errno));
        else
            ok = gp_write_file (g, script, overview, error);
        g_ptr_array_add (wr.scripts, g_strdup (script));
        g_ptr_array_add (wr.images, gp_name (g, NULL, g->svg ? "svg" : "png"));
    }
    char *gnuplot = g->run ? g_find_program_in_path ("gnuplot") : NULL;
    for (guint i = 0; ok && gnuplot && i < wr.scripts->len; i++)
        ok = gp_run (g, gnuplot, g_ptr_array_index (wr.scripts, i), error);
    if (ok && !gnuplot) {
        GString *s = g_string_new (NULL);
        g_string_append_printf (s, "The images were not drawn: %s.\n"
                                   "To draw them, run in this directory:\n\n",
                                g->run ? "gnuplot was not found on PATH"
                                       : "the gnuplot sink's option run is false");
        for (guint i = 0; i < wr.scripts->len; i++)
            g_string_append_printf (s, "  gnuplot %s    # -> %s\n",
                                    (char *) g_ptr_array_index (wr.scripts, i),
                                    (char *) g_ptr_array_index (wr.images, i));
        g_string_append_printf (s, "\n%s is the overview; the others plot one series each.\n",
                                script);
        char *readme = gp_name (g, "README", "txt");
        ok = gp_write_file (g, readme, s->str, error);
        if (ok) {
            fprintf (out, "# images not drawn (%s): see %s\n",
                     g->run ? "gnuplot not found" : "run = false", readme);
            ok = fflush (out) == 0 && !ferror (out);
        }
        g_free (readme);
        g_string_free (s, TRUE);
    }
    g_free (gnuplot);
    g_free (script);
    g_free (overview);
    g_ptr_array_unref (wr.scripts);
    g_ptr_array_unref (wr.images);
    return ok;
}

static void
gp_destroy (void *self)
{
    g_free (self);
}

static const FtaOptionSpec gp_options[] = {
    { "format", FTA_OPT_STRING, "png", "image format the scripts write: png or svg" },
    { "run", FTA_OPT_BOOL, "true", "run gnuplot on the scripts when it is on PATH" },
    { NULL }
};

FTA_PLUGIN_DEFINE (
    .name = "gnuplot",
    .kind = FTA_PLUGIN_SINK,
    .summary = "gnuplot data and scripts per series, an overview plot; the images if "
               "gnuplot is installed",
    .options = gp_options,
    .create = gp_create,
    .render = gp_render,
    .destroy = gp_destroy,
    .extension = "gp",
);
