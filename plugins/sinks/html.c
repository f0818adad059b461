/* html.c - one self-contained HTML report: inline CSS, inline SVG plots,
 * a few lines of script to sort tables; nothing is fetched from anywhere.
 *
 * The report is built from the generic result model only.  Tables are
 * grouped into sections by their plugin prefix ("switch.tasks" goes to the
 * section of "switch"); a few well-known prefixes get a friendlier heading
 * and id (switch -> #threads, kvm -> #vms), any other prefix gets a section
 * named after it.  Every series is drawn in the #timeline section: one line
 * per numeric column (per key value when the series has key columns), a
 * heatmap when a chart would have more lines than can be told apart.
 * Findings make the executive summary's top list and the recommendations
 * section; the quality section holds every FtaQuality field.
 *
 * Each table shows its first --top rows, a line saying how the rest are
 * distributed (sink-rest.h), and all rows in a collapsed <details>.  A column's cells are in the one unit its heading names
 * ("run (ms)"), fixed by its table; every numeric cell carries its exact
 * value in data-v (and, for durations, in ns in the title), which the
 * sorting script uses and scripts can read back.  The summary lines show
 * numbers in a readable unit each.
 */
#include <math.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#include "sink-rest.h"

typedef struct {
    const FtaContext *ctx;
} Html;

static void *
html_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) opts;
    (void) error;
    Html *h = g_new0 (Html, 1);
    h->ctx = ctx;
    return h;
}

/* --- text helpers ---------------------------------------------------------- */

/* Text and attribute values: & < > " ' escaped; bytes that are not UTF-8
 * are replaced so the document stays valid. */
static void
esc (FILE *f, const char *s)
{
    if (!s)
        return;
    char *valid = g_utf8_make_valid (s, -1);
    for (const char *p = valid; *p; p++) {
        switch (*p) {
        case '&': fputs ("&amp;", f); break;
        case '<': fputs ("&lt;", f); break;
        case '>': fputs ("&gt;", f); break;
        case '"': fputs ("&quot;", f); break;
        case '\'': fputs ("&#39;", f); break;
        default:
            if ((unsigned char) *p < 0x20 && *p != '\t' && *p != '\n')
                fputs ("&#xFFFD;", f);
            else
                fputc (*p, f);
        }
    }
    g_free (valid);
}

/* A double, locale-independent (the program runs with setlocale). */
static const char *
fmt_d (char *buf, gsize n, const char *format, double v)
{
    return g_ascii_formatd (buf, (int) n, format, v);
}

/* A duration in a readable unit: 850 ns, 12.3 µs, 4.567 ms, 1.234 s. */
static char *
dur_text (gint64 ns)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    double a = fabs ((double) ns);
    if (a < 1000)
        return g_strdup_printf ("%" G_GINT64_FORMAT " ns", ns);
    if (a < 1e6)
        return g_strdup_printf ("%s µs", fmt_d (buf, sizeof buf, "%.1f", ns / 1e3));
    if (a < 1e9)
        return g_strdup_printf ("%s ms", fmt_d (buf, sizeof buf, "%.3f", ns / 1e6));
    return g_strdup_printf ("%s s", fmt_d (buf, sizeof buf, "%.3f", ns / 1e9));
}

static char *
int_text (gint64 v)
{
    /* thin-space thousands separators keep long counts readable */
    char *raw = g_strdup_printf ("%" G_GINT64_FORMAT, v);
    gsize len = strlen (raw), neg = raw[0] == '-';
    if (len - neg <= 4)
        return raw;
    GString *s = g_string_new (neg ? "-" : "");
    for (gsize i = neg; i < len; i++) {
        if (i > neg && (len - i) % 3 == 0)
            g_string_append (s, "\u2009");
        g_string_append_c (s, raw[i]);
    }
    g_free (raw);
    return g_string_free (s, FALSE);
}

static char *summary_text (const FtaColumn *c, const FtaValue *v, char **exact);

/* A table's cell as shown, in the unit of its column's heading
 * (fta_column_display_unit), and its exact value for data-v. */
static char *
cell_text (const FtaColumn *c, const FtaValue *v, char **exact)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (v && !v->is_null && c->type == FTA_COL_DURATION) {
        const char *unit = fta_column_display_unit (c);
        *exact = g_strdup_printf ("%" G_GINT64_FORMAT, v->i);
        if (strcmp (unit, "ns") == 0)
            return g_strdup (*exact);
        return g_strdup (fmt_d (buf, sizeof buf, strcmp (unit, "us") == 0 ? "%.1f" : "%.3f",
                                v->i / fta_column_display_scale (c)));
    }
    if (v && !v->is_null && c->type == FTA_COL_PERCENT) {
        *exact = g_strdup (g_ascii_dtostr (buf, sizeof buf, v->d));
        return g_strdup (fmt_d (buf, sizeof buf, "%.1f", v->d));
    }
    return summary_text (c, v, exact);
}

/* The heading of a table's column, its unit in parentheses: "run (ms)",
 * "busy (%)", "latency p99 (µs)". */
static char *
col_heading (const FtaColumn *c)
{
    char *name = fta_column_display_name (c);
    const char *unit = fta_column_display_unit (c);
    if (!unit && c->type == FTA_COL_INT && g_str_has_suffix (c->name, "_ns"))
        unit = "ns"; /* a timestamp (blocking.longest's start_ns) */
    if (unit) {
        /* the unit's part of the name goes into the parentheses */
        const char *part = strcmp (unit, "%") == 0 ? "pct" : unit;
        gsize n = strlen (name), k = strlen (part);
        char *at = NULL;
        for (char *p = name; (p = strstr (p, part)) != NULL; p++)
            if ((p == name || p[-1] == '_') && (p[k] == '\0' || p[k] == '_'))
                at = p;
        if (at) {
            memmove (at > name ? at - 1 : at, at + k, n - (at - name) - k + 1);
        }
    }
    g_strdelimit (name, "_", ' ');
    char *h = unit ? g_strdup_printf ("%s (%s)", name,
                                      strcmp (unit, "us") == 0 ? "µs" : unit)
                   : g_strdup (name);
    g_free (name);
    return h;
}

/* A cell in a readable unit for the summary lines (850 ns, 12.3 µs,
 * 4.567 ms), and its exact value. */
static char *
summary_text (const FtaColumn *c, const FtaValue *v, char **exact)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    *exact = NULL;
    if (!v || v->is_null)
        return g_strdup ("–");
    switch (c->type) {
    case FTA_COL_STRING:
        return g_strdup (v->s ? v->s : "");
    case FTA_COL_PERCENT:
        *exact = g_strdup (g_ascii_dtostr (buf, sizeof buf, v->d));
        return g_strdup_printf ("%s %%", fmt_d (buf, sizeof buf, "%.1f", v->d));
    case FTA_COL_DURATION:
        *exact = g_strdup_printf ("%" G_GINT64_FORMAT, v->i);
        return dur_text (v->i);
    case FTA_COL_INT:
        *exact = g_strdup_printf ("%" G_GINT64_FORMAT, v->i);
        return g_strdup (*exact); /* identifiers: no separators */
    default:
        *exact = g_strdup_printf ("%" G_GINT64_FORMAT, v->i);
        return int_text (v->i);
    }
}

static char *
summary_heading (const FtaColumn *c)
{
    gsize n = strlen (c->name);
    if (c->type == FTA_COL_DURATION && g_str_has_suffix (c->name, "_ns"))
        n -= 3;
    char *h = g_strndup (c->name, n);
    g_strdelimit (h, "_", ' ');
    return h;
}

/* --- sections -------------------------------------------------------------- */

typedef struct {
    const char *prefix, *id, *heading, *blurb;
} KnownSection;

/* Order of the sections for the prefixes we know; others follow in the
 * order their first table came. */
static const KnownSection known_sections[] = {
    { "quality", "missing-events", "Events the trace lacks", "Tables left out because "
      "the recording did not enable the events they need, and how to enable them." },
    { "switch", "threads", "Threads", "Per-thread scheduling: time on a CPU, waiting "
      "for one, sleeping and blocked; context switches." },
    { "wakeup", "wakeups", "Wake-ups", "Who wakes whom, and how long the woken wait "
      "before they run." },
    { "cpu", "cpus", "CPU utilisation", "Busy, idle and interrupt time per CPU." },
    { "timeline", "timeline", "Over time", NULL },
    { "blocking", "blocking", "Blocking (D state)", "Uninterruptible sleeps: who "
      "blocked, for how long, and who woke them." },
    { "migration", "migration", "Migrations", "Tasks moved between CPUs, and between "
      "which CPUs." },
    { "irq", "irq", "Interrupts", "Hard IRQ and softirq handlers: how often, and how "
      "much CPU time they took." },
    { "kvm", "vms", "Virtual machines", "KVM/QEMU guests: vCPU threads, their steal "
      "time and who preempted them, the VMs' other threads." },
    { "compare", "compare", "Comparison", "Both traces side by side, the regressions by "
      "what they cost, then the tables of both joined row by row (all columns under "
      "\"every column\", and in -f csv or json)." },
};

static const char *const reserved_ids[] = { "summary", "recommendations", "quality",
                                            "top", NULL };

typedef struct {
    char *prefix, *id, *heading;
    const char *blurb;
    GPtrArray *tables; /* const FtaTable* */
} Section;

static void
section_free (gpointer p)
{
    Section *s = p;
    g_free (s->prefix);
    g_free (s->id);
    g_free (s->heading);
    g_ptr_array_free (s->tables, TRUE);
    g_free (s);
}

static Section *
section_new (const char *prefix)
{
    Section *s = g_new0 (Section, 1);
    s->prefix = g_strdup (prefix);
    s->tables = g_ptr_array_new ();
    for (guint i = 0; i < G_N_ELEMENTS (known_sections); i++)
        if (strcmp (known_sections[i].prefix, prefix) == 0) {
            s->id = g_strdup (known_sections[i].id);
            s->heading = g_strdup (known_sections[i].heading);
            s->blurb = known_sections[i].blurb;
            return s;
        }
    GString *id = g_string_new (NULL);
    for (const char *p = prefix; *p; p++)
        g_string_append_c (id, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : '-');
    gboolean clash = id->len == 0;
    for (guint i = 0; i < G_N_ELEMENTS (known_sections); i++)
        clash |= strcmp (known_sections[i].id, id->str) == 0;
    for (const char *const *r = reserved_ids; *r; r++)
        clash |= strcmp (*r, id->str) == 0;
    if (clash)
        g_string_prepend (id, "plugin-");
    s->id = g_string_free (id, FALSE);
    s->heading = g_strdup (prefix);
    return s;
}

static int
known_rank (const char *prefix)
{
    for (guint i = 0; i < G_N_ELEMENTS (known_sections); i++)
        if (strcmp (known_sections[i].prefix, prefix) == 0)
            return (int) i;
    return G_N_ELEMENTS (known_sections);
}

static int
section_cmp (gconstpointer a, gconstpointer b)
{
    const Section *x = *(Section *const *) a, *y = *(Section *const *) b;
    return known_rank (x->prefix) - known_rank (y->prefix); /* stable sort keeps the rest */
}

/* Tables (not series) by prefix; a section for "timeline" whenever there
 * is a series, since all series are drawn there. */
static GPtrArray *
build_sections (const FtaResults *r, GPtrArray *series)
{
    GPtrArray *secs = g_ptr_array_new_with_free_func (section_free);
    GHashTable *by_prefix = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        const FtaTable *t = fta_results_table (r, i);
        if (!fta_table_n_rows (t) && fta_table_omit_empty (t))
            continue;
        if (fta_table_is_series (t)) {
            g_ptr_array_add (series, (gpointer) t);
            continue;
        }
        const char *full = fta_table_full_name (t), *dot = strchr (full, '.');
        char *prefix = dot ? g_strndup (full, dot - full) : g_strdup (full);
        Section *s = g_hash_table_lookup (by_prefix, prefix);
        if (!s) {
            s = section_new (prefix);
            g_ptr_array_add (secs, s);
            g_hash_table_insert (by_prefix, s->prefix, s);
        }
        g_ptr_array_add (s->tables, (gpointer) t);
        g_free (prefix);
    }
    if (series->len && !g_hash_table_lookup (by_prefix, "timeline"))
        g_ptr_array_add (secs, section_new ("timeline"));
    g_hash_table_destroy (by_prefix);
    g_ptr_array_sort (secs, section_cmp); /* g_ptr_array_sort is a stable merge sort */
    return secs;
}

/* --- tables ---------------------------------------------------------------- */

static gboolean
col_numeric (const FtaColumn *c)
{
    return c->type != FTA_COL_STRING;
}

/* The ranks of columns the first table shows (FtaColumn.rank): a
 * comparison's three most changed metrics, every column of the others. */
#define SHOWN_RANK 3

/* A column of the table shown first; ALL: of the complete one. */
static gboolean
col_shown (const FtaColumn *c, gboolean all)
{
    return all || c->key || c->rank <= SHOWN_RANK;
}

static gboolean
has_details (const FtaTable *t)
{
    for (guint c = 0; c < fta_table_n_columns (t); c++)
        if (!col_shown (fta_table_column (t, c), FALSE) && !sink_empty_detail (t, c))
            return TRUE;
    return FALSE;
}

static void
table_rows (FILE *out, const FtaTable *t, guint from, guint to, gboolean all)
{
    guint nc = fta_table_n_columns (t);
    for (guint r = from; r < to; r++) {
        fputs ("<tr>", out);
        for (guint c = 0; c < nc; c++) {
            const FtaColumn *col = fta_table_column (t, c);
            if (!col_shown (col, all))
                continue;
            const FtaValue *v = fta_table_cell (t, r, c);
            char *exact;
            char *text = cell_text (col, v, &exact);
            fputs (col_numeric (col) ? "<td class=\"n\"" : "<td", out);
            if (exact) {
                fprintf (out, " data-v=\"%s\"", exact);
                if (col->type == FTA_COL_DURATION)
                    fprintf (out, " title=\"%s ns\"", exact);
            }
            fputc ('>', out);
            esc (out, text);
            fputs ("</td>", out);
            g_free (text);
            g_free (exact);
        }
        fputs ("</tr>\n", out);
    }
}

static void
table_one (FILE *out, const FtaTable *t, guint from, guint to, const char *cls, gboolean all)
{
    guint nc = fta_table_n_columns (t);
    fprintf (out, "<div class=\"tw\"><table class=\"data %s\" data-table=\"", cls);
    esc (out, fta_table_full_name (t));
    fputs ("\"><thead><tr>", out);
    for (guint c = 0; c < nc; c++) {
        const FtaColumn *col = fta_table_column (t, c);
        if (!col_shown (col, all))
            continue;
        char *h = col_heading (col);
        fprintf (out, "<th class=\"%s%s\" data-col=\"", col_numeric (col) ? "n" : "s",
                 col->key ? " key" : "");
        esc (out, col->name);
        fputs ("\" title=\"", out);
        esc (out, col->name);
        fprintf (out, " (%s%s%s)\">", fta_column_type_name (col->type),
                 col->unit ? ", " : "", col->unit ? col->unit : "");
        esc (out, h);
        fputs ("</th>", out);
        g_free (h);
    }
    fputs ("</tr></thead>\n<tbody>\n", out);
    table_rows (out, t, from, to, all);
    fputs ("</tbody></table></div>\n", out);
}

static void
table_block (FILE *out, const FtaTable *t, guint top, gboolean collapsed)
{
    guint nr = fta_table_n_rows (t);
    guint shown = top && top < nr ? top : nr;
    const char *full = fta_table_full_name (t);
    fputs ("<div class=\"table\" id=\"t-", out);
    esc (out, full);
    if (collapsed) { /* a series' numbers, under its charts */
        fprintf (out, "\"><details class=\"all\"><summary>Data: all %u rows</summary>\n",
                 nr);
        table_one (out, t, 0, nr, "sortable", TRUE);
        fputs ("</details></div>\n", out);
        return;
    }
    fputs ("\"><h3>", out);
    esc (out, fta_table_title (t));
    fputs (" <code>", out);
    esc (out, full);
    fprintf (out, "</code> <span class=\"rows\">%u row%s</span></h3>\n", nr,
             nr == 1 ? "" : "s");
    if (nr == 0) {
        fputs ("<p class=\"empty\">No rows.</p></div>\n", out);
        return;
    }
    gboolean details = has_details (t);
    table_one (out, t, 0, shown, "sortable top", FALSE);
    char *rest = sink_rest_line (t, shown, 0, -2);
    if (rest) {
        fputs ("<p class=\"rest\">&hellip; ", out);
        esc (out, rest);
        fputs ("</p>\n", out);
        g_free (rest);
    }
    if (shown < nr || details) {
        if (shown < nr)
            fprintf (out, "<details class=\"all\"><summary>All %u rows (%u more)%s</summary>\n",
                     nr, nr - shown, details ? ", every column" : "");
        else
            fputs ("<details class=\"all\"><summary>Every column</summary>\n", out);
        table_one (out, t, 0, nr, "sortable", TRUE);
        fputs ("</details>\n", out);
    }
    fputs ("</div>\n", out);
}

/* --- series: SVG line charts and heatmaps -------------------------------- */

static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                       "#9467bd", "#8c564b", "#e377c2", "#17becf",
                                       "#7f7f7f", "#bcbd22" };
#define MAX_LINES 8

typedef struct {
    char *name;
    FtaColumnType type;
    GArray *x; /* double, seconds from the trace's start */
    GArray *y; /* double */
} Line;

static void
line_free (gpointer p)
{
    Line *l = p;
    g_free (l->name);
    g_array_free (l->x, TRUE);
    g_array_free (l->y, TRUE);
    g_free (l);
}

static double
value_of (const FtaColumn *c, const FtaValue *v)
{
    return c->type == FTA_COL_PERCENT ? v->d : (double) v->i;
}

/* Coordinates and labels, locale-independent; a few rotating buffers so
 * one fprintf can take several, per thread (several traces may render at
 * once). */
static const char *
num (double v)
{
    static __thread char bufs[8][G_ASCII_DTOSTR_BUF_SIZE];
    static __thread guint next;
    char *b = bufs[next++ % G_N_ELEMENTS (bufs)];
    return g_ascii_formatd (b, G_ASCII_DTOSTR_BUF_SIZE, "%.1f", v);
}

static const char *
numg (double v)
{
    static __thread char bufs[4][G_ASCII_DTOSTR_BUF_SIZE];
    static __thread guint next;
    char *b = bufs[next++ % G_N_ELEMENTS (bufs)];
    return g_ascii_formatd (b, G_ASCII_DTOSTR_BUF_SIZE, "%g", v);
}

/* A tick step of 1, 2 or 5 times a power of ten giving about N ticks. */
static double
nice_step (double span, int n)
{
    if (span <= 0)
        return 1;
    double raw = span / n, p = pow (10, floor (log10 (raw))), m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* An axis label: durations in the unit of the axis' largest value. */
static char *
axis_value (FtaColumnType type, double v, double hi)
{
    if (type == FTA_COL_DURATION) {
        double a = fabs (hi);
        const char *unit = a < 1e3 ? "ns" : a < 1e6 ? "µs" : a < 1e9 ? "ms" : "s";
        double div = a < 1e3 ? 1 : a < 1e6 ? 1e3 : a < 1e9 ? 1e6 : 1e9;
        return g_strdup_printf ("%s %s", numg (v / div), unit);
    }
    if (type == FTA_COL_PERCENT)
        return g_strdup_printf ("%s%%", numg (v));
    return g_strdup (numg (v));
}

typedef struct {
    char *title;
    FtaColumnType type;
    GPtrArray *lines; /* Line* */
} Chart;

static void
chart_free (gpointer p)
{
    Chart *c = p;
    g_free (c->title);
    g_ptr_array_free (c->lines, TRUE);
    g_free (c);
}

static Line *
line_new (const char *name, FtaColumnType type)
{
    Line *l = g_new0 (Line, 1);
    l->name = g_strdup (name);
    l->type = type;
    l->x = g_array_new (FALSE, FALSE, sizeof (double));
    l->y = g_array_new (FALSE, FALSE, sizeof (double));
    return l;
}

static void
line_add (Line *l, double x, double y)
{
    g_array_append_val (l->x, x);
    g_array_append_val (l->y, y);
}

static gboolean
is_key_col (const FtaColumn *c)
{
    return c->key || c->type == FTA_COL_STRING;
}

/* The row's key label ("cpu 3", "kworker/0:1 pid 42"), "" without keys. */
static char *
group_label (const FtaTable *t, guint r)
{
    GString *s = g_string_new (NULL);
    for (guint c = 1; c < fta_table_n_columns (t); c++) {
        const FtaColumn *col = fta_table_column (t, c);
        const FtaValue *v = fta_table_cell (t, r, c);
        if (!is_key_col (col))
            continue;
        if (s->len)
            g_string_append_c (s, ' ');
        if (v->is_null)
            g_string_append_printf (s, "%s -", col->name);
        else if (col->type == FTA_COL_STRING)
            g_string_append (s, v->s ? v->s : "");
        else
            g_string_append_printf (s, "%s %" G_GINT64_FORMAT, col->name, v->i);
    }
    return g_string_free (s, FALSE);
}

static double
row_x (const FtaTable *t, guint r)
{
    const FtaValue *v = fta_table_cell (t, r, 0);
    if (!v->is_null && fta_table_column (t, 0)->type != FTA_COL_STRING)
        return v->i / 1e9;
    return (double) r * fta_table_window_ns (t) / 1e9;
}

/* Without key columns: one chart per kind of value (durations, percents,
 * counts), a line per column.  With key columns (a long table: window,
 * cpu, value): one chart per value column, a line per key. */
static GPtrArray *
build_charts (const FtaTable *t)
{
    GPtrArray *charts = g_ptr_array_new_with_free_func (chart_free);
    guint nc = fta_table_n_columns (t), nr = fta_table_n_rows (t);
    GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
    GHashTable *groups = g_hash_table_new (g_str_hash, g_str_equal);
    guint *row_group = g_new0 (guint, nr ? nr : 1);
    for (guint r = 0; r < nr; r++) {
        char *l = group_label (t, r);
        gpointer idx;
        if (g_hash_table_lookup_extended (groups, l, NULL, &idx)) {
            row_group[r] = GPOINTER_TO_UINT (idx);
            g_free (l);
        } else {
            row_group[r] = labels->len;
            g_hash_table_insert (groups, l, GUINT_TO_POINTER (labels->len));
            g_ptr_array_add (labels, l);
        }
    }
    static const FtaColumnType kinds[] = { FTA_COL_DURATION, FTA_COL_PERCENT,
                                           FTA_COL_COUNT, FTA_COL_INT };
    if (labels->len <= 1) {
        for (guint k = 0; k < G_N_ELEMENTS (kinds); k++) {
            Chart *ch = NULL;
            for (guint c = 1; c < nc; c++) {
                const FtaColumn *col = fta_table_column (t, c);
                if (is_key_col (col) || col->type != kinds[k])
                    continue;
                if (!ch) {
                    ch = g_new0 (Chart, 1);
                    ch->type = kinds[k];
                    ch->lines = g_ptr_array_new_with_free_func (line_free);
                    g_ptr_array_add (charts, ch);
                }
                Line *l = line_new (col->name, col->type);
                for (guint r = 0; r < nr; r++) {
                    const FtaValue *v = fta_table_cell (t, r, c);
                    if (!v->is_null)
                        line_add (l, row_x (t, r), value_of (col, v));
                }
                g_ptr_array_add (ch->lines, l);
            }
            if (ch) {
                GString *title = g_string_new (NULL);
                for (guint i = 0; i < ch->lines->len; i++)
                    g_string_append_printf (title, "%s%s", i ? ", " : "",
                                            ((Line *) g_ptr_array_index (ch->lines, i))->name);
                ch->title = g_string_free (title, FALSE);
            }
        }
    } else {
        for (guint c = 1; c < nc; c++) {
            const FtaColumn *col = fta_table_column (t, c);
            if (is_key_col (col))
                continue;
            Chart *ch = g_new0 (Chart, 1);
            ch->type = col->type;
            ch->title = g_strdup (col->name);
            ch->lines = g_ptr_array_new_with_free_func (line_free);
            for (guint g = 0; g < labels->len; g++)
                g_ptr_array_add (ch->lines,
                                 line_new (g_ptr_array_index (labels, g), col->type));
            for (guint r = 0; r < nr; r++) {
                const FtaValue *v = fta_table_cell (t, r, c);
                if (!v->is_null)
                    line_add (g_ptr_array_index (ch->lines, row_group[r]), row_x (t, r),
                              value_of (col, v));
            }
            g_ptr_array_add (charts, ch);
        }
    }
    g_free (row_group);
    g_hash_table_destroy (groups);
    g_ptr_array_free (labels, TRUE);
    return charts;
}

#define W 900.0
#define ML 84.0
#define MR 16.0
#define MT 12.0
#define MB 42.0

static void
chart_range (const Chart *ch, double *x0, double *x1, double *ymin, double *ymax)
{
    *x0 = G_MAXDOUBLE;
    *x1 = -G_MAXDOUBLE;
    *ymin = 0;
    *ymax = 0;
    for (guint i = 0; i < ch->lines->len; i++) {
        const Line *l = g_ptr_array_index (ch->lines, i);
        for (guint k = 0; k < l->x->len; k++) {
            double x = g_array_index (l->x, double, k), y = g_array_index (l->y, double, k);
            *x0 = MIN (*x0, x);
            *x1 = MAX (*x1, x);
            *ymin = MIN (*ymin, y);
            *ymax = MAX (*ymax, y);
        }
    }
    if (*x0 > *x1)
        *x0 = *x1 = 0;
}

static void
x_ticks (FILE *out, double x0, double x1, double left, double right, double bottom)
{
    double step = nice_step (x1 - x0, 8);
    fprintf (out, "<line class=\"axis\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
             num (left), num (bottom), num (right), num (bottom));
    for (double v = ceil (x0 / step - 1e-9) * step; v <= x1 + step * 1e-6; v += step) {
        double px = left + (v - x0) / (x1 - x0) * (right - left);
        fprintf (out, "<line class=\"tick\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>"
                 "<text class=\"xl\" x=\"%s\" y=\"%s\">%s</text>\n",
                 num (px), num (bottom), num (px), num (bottom + 4), num (px),
                 num (bottom + 16), numg (fabs (v) < step * 1e-6 ? 0 : v));
    }
    fprintf (out, "<text class=\"xt\" x=\"%s\" y=\"%s\">seconds from the start of the "
             "trace</text>\n", num ((left + right) / 2), num (bottom + 34));
}

static void
legend (FILE *out, const Chart *ch)
{
    fputs ("<ul class=\"legend\">", out);
    for (guint i = 0; i < ch->lines->len; i++) {
        const Line *l = g_ptr_array_index (ch->lines, i);
        fprintf (out, "<li><span class=\"sw\" style=\"background:%s\"></span>",
                 palette[i % G_N_ELEMENTS (palette)]);
        esc (out, l->name);
        fputs ("</li>", out);
    }
    fputs ("</ul>\n", out);
}

static void
line_chart (FILE *out, const Chart *ch, double window_s)
{
    const double H = 250, left = ML, right = W - MR, top = MT, bottom = H - MB;
    double x0, x1, ymin, ymax;
    chart_range (ch, &x0, &x1, &ymin, &ymax);
    x1 = MAX (x1 + window_s, x0 + 1e-9);
    double step = nice_step (ymax - ymin, 4);
    double lo = floor (ymin / step) * step, hi = ceil (ymax / step) * step;
    if (hi <= lo)
        hi = lo + step;
    fprintf (out, "<svg class=\"chart\" viewBox=\"0 0 %s %s\" role=\"img\">"
             "<title>", num (W), num (H));
    esc (out, ch->title);
    fputs ("</title>\n", out);
    for (double v = lo; v <= hi + step * 1e-6; v += step) {
        double py = bottom - (v - lo) / (hi - lo) * (bottom - top);
        char *lab = axis_value (ch->type, fabs (v) < step * 1e-6 ? 0 : v, hi);
        fprintf (out, "<line class=\"grid\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>"
                 "<text class=\"yl\" x=\"%s\" y=\"%s\">", num (left), num (py), num (right),
                 num (py), num (left - 6), num (py + 4));
        esc (out, lab);
        fputs ("</text>\n", out);
        g_free (lab);
    }
    fprintf (out, "<line class=\"axis\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
             num (left), num (top), num (left), num (bottom));
    x_ticks (out, x0, x1, left, right, bottom);
    for (guint i = 0; i < ch->lines->len; i++) {
        const Line *l = g_ptr_array_index (ch->lines, i);
        const char *color = palette[i % G_N_ELEMENTS (palette)];
        if (l->x->len == 1) {
            double px = left + (g_array_index (l->x, double, 0) + window_s / 2 - x0)
                               / (x1 - x0) * (right - left);
            double py = bottom - (g_array_index (l->y, double, 0) - lo) / (hi - lo)
                                 * (bottom - top);
            fprintf (out, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>\n", num (px),
                     num (py), color);
            continue;
        }
        fprintf (out, "<polyline class=\"line\" stroke=\"%s\" points=\"", color);
        for (guint k = 0; k < l->x->len; k++) {
            /* a window's value is drawn at its middle */
            double px = left + (g_array_index (l->x, double, k) + window_s / 2 - x0)
                               / (x1 - x0) * (right - left);
            double py = bottom - (g_array_index (l->y, double, k) - lo) / (hi - lo)
                                 * (bottom - top);
            fprintf (out, "%s%s,%s", k ? " " : "", num (px), num (py));
        }
        fputs ("\"/>\n", out);
    }
    fputs ("</svg>\n", out);
    legend (out, ch);
}

static void
heat_color (double f, char *buf, gsize n)
{
    /* from #f7fbff (nothing) to #08306b (the most) */
    f = CLAMP (f, 0, 1);
    int r = (int) lround (0xf7 + (0x08 - 0xf7) * f);
    int g = (int) lround (0xfb + (0x30 - 0xfb) * f);
    int b = (int) lround (0xff + (0x6b - 0xff) * f);
    g_snprintf (buf, n, "#%02x%02x%02x", r, g, b);
}

/* A heatmap shows a readable row per line up to HEAT_ROWS, then one row
 * per group of consecutive lines (CPUs), coloured by the group's mean in
 * its upper band and by its maximum in the lower one. */
#define HEAT_ROWS 64

/* "cpu 42" -> 42 and the length of "cpu "; -1 when NAME ends in no number
 * after a blank. */
static gint64
heat_label_num (const char *name, gsize *prefix)
{
    gsize n = strlen (name), d = n;
    while (d > 0 && g_ascii_isdigit (name[d - 1]))
        d--;
    if (d == n || d == 0 || name[d - 1] != ' ')
        return -1;
    *prefix = d;
    return g_ascii_strtoll (name + d, NULL, 10);
}

/* Characters of a heatmap row's label in the margin: at 11 px, digits
 * and all, they fit its 118 px; the whole label is the tooltip. */
#define HEAT_LABEL_CHARS 15

typedef struct {
    char *label;
    char *shown;       /* what the margin shows of it */
    GArray *sum, *max; /* double per cell */
    GArray *count;     /* guint per cell: lines with a value there */
    guint members;
    gboolean gap_before; /* lines missing between this row and the one before */
    char *gap;           /* what is missing: "cpu 88–299" */
} HeatRow;

static void
heat_row_free (gpointer p)
{
    HeatRow *h = p;
    g_free (h->label);
    g_free (h->shown);
    g_free (h->gap);
    g_array_free (h->sum, TRUE);
    g_array_free (h->max, TRUE);
    g_array_free (h->count, TRUE);
    g_free (h);
}

/* The rows of the heatmap of CH: its lines, or groups of G of them. */
static GPtrArray *
heat_rows (const Chart *ch, double x0, double window_s, guint cells, guint g)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func (heat_row_free);
    guint n = ch->lines->len;
    gint64 prev_num = -1;
    for (guint i = 0; i < n; i += g) {
        HeatRow *h = g_new0 (HeatRow, 1);
        h->sum = g_array_sized_new (FALSE, TRUE, sizeof (double), cells);
        h->max = g_array_sized_new (FALSE, TRUE, sizeof (double), cells);
        h->count = g_array_sized_new (FALSE, TRUE, sizeof (guint), cells);
        g_array_set_size (h->sum, cells);
        g_array_set_size (h->max, cells);
        g_array_set_size (h->count, cells);
        guint last = MIN (i + g, n) - 1;
        const Line *first = g_ptr_array_index (ch->lines, i);
        const Line *lastl = g_ptr_array_index (ch->lines, last);
        gsize pre = 0, pre2 = 0;
        gint64 a = heat_label_num (first->name, &pre), b = heat_label_num (lastl->name, &pre2);
        if (last > i && a >= 0 && b >= 0)
            h->label = g_strdup_printf ("%.*s%" G_GINT64_FORMAT "\u2013%" G_GINT64_FORMAT,
                                        (int) pre, first->name, a, b);
        else if (last > i)
            h->label = g_strdup_printf ("%s \u2026 %s", first->name, lastl->name);
        else
            h->label = g_strdup (first->name);
        /* a group without a range of numbers: its first line and how many
         * more ("vm 14046 qemu\u2026 +2") */
        char *more = last > i && (a < 0 || b < 0) ? g_strdup_printf (" +%u", last - i)
                                                  : g_strdup ("");
        const char *base = *more ? first->name : h->label;
        glong room = HEAT_LABEL_CHARS - g_utf8_strlen (more, -1);
        if (g_utf8_validate (base, -1, NULL) && g_utf8_strlen (base, -1) > room) {
            /* cut at a blank, when one is not too far back */
            char *cut = g_utf8_substring (base, 0, room - 1);
            char *sp = strrchr (cut, ' ');
            if (sp && sp - cut >= 4)
                *sp = '\0';
            h->shown = g_strconcat (cut, "\u2026", more, NULL);
            g_free (cut);
        } else {
            h->shown = g_strconcat (base, more, NULL);
        }
        g_free (more);
        if (a >= 0 && prev_num >= 0 && a > prev_num + 1) {
            h->gap_before = TRUE;
            if (a > prev_num + 2)
                h->gap = g_strdup_printf ("%.*s%" G_GINT64_FORMAT "\u2013%" G_GINT64_FORMAT,
                                          (int) pre, first->name, prev_num + 1, a - 1);
            else
                h->gap = g_strdup_printf ("%.*s%" G_GINT64_FORMAT, (int) pre, first->name,
                                          prev_num + 1);
        }
        prev_num = b >= 0 ? b : -1;
        h->members = last - i + 1;
        for (guint m = i; m <= last; m++) {
            const Line *l = g_ptr_array_index (ch->lines, m);
            for (guint k = 0; k < l->x->len; k++) {
                double cx = (g_array_index (l->x, double, k) - x0) / window_s;
                if (!(cx >= -0.5) || cx >= cells - 0.5)
                    continue;
                guint c = (guint) lround (cx);
                double v = g_array_index (l->y, double, k);
                double *mx = &g_array_index (h->max, double, c);
                guint *cnt = &g_array_index (h->count, guint, c);
                g_array_index (h->sum, double, c) += v;
                if (!*cnt || v > *mx)
                    *mx = v;
                (*cnt)++;
            }
        }
        g_ptr_array_add (rows, h);
    }
    return rows;
}

static void
heat_cell (FILE *out, const char *label, double x, double y, double w, double h,
           double v, double ymax, gboolean title, FtaColumnType type, double at_s,
           const char *what)
{
    char color[8];
    heat_color (v / ymax, color, sizeof color);
    fprintf (out, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\">",
             num (x), num (y), num (w), num (h), color);
    if (title) {
        char *val = axis_value (type, v, v);
        fputs ("<title>", out);
        esc (out, label);
        fprintf (out, " at %s s: %s", numg (at_s), what);
        esc (out, val);
        fputs ("</title>", out);
        g_free (val);
    }
    fputs ("</rect>\n", out);
}

static void
heatmap (FILE *out, const Chart *ch, double window_s)
{
    guint n = ch->lines->len;
    guint g = (n + HEAT_ROWS - 1) / HEAT_ROWS; /* lines per row */
    guint nrows = (n + g - 1) / g;
    double x0, x1, ymin, ymax;
    chart_range (ch, &x0, &x1, &ymin, &ymax);
    if (window_s <= 0) {
        guint pts = 0;
        for (guint i = 0; i < n; i++)
            pts = MAX (pts, ((Line *) g_ptr_array_index (ch->lines, i))->x->len);
        window_s = pts > 1 ? (x1 - x0) / (pts - 1) : 1;
    }
    guint cells = (guint) MAX (1, lround ((x1 - x0) / window_s) + 1);
    x1 = MAX (x1 + window_s, x0 + 1e-9);
    if (ymax <= 0)
        ymax = 1;
    if (ch->type == FTA_COL_PERCENT)
        ymax = MAX (ymax, 100); /* busy % reads against the whole scale */
    GPtrArray *rows = heat_rows (ch, x0, window_s, cells, g);
    double rh = CLAMP (512.0 / nrows, 8, 18);
    const double left = ML + 40, right = W - MR, top = MT, bottom = MT + nrows * rh;
    const double H = bottom + MB;
    double cw = window_s / (x1 - x0) * (right - left);
    gboolean titles = (gsize) nrows * cells <= 6000;
    fprintf (out, "<svg class=\"chart heat\" viewBox=\"0 0 %s %s\" role=\"img\">"
             "<title>", num (W), num (H));
    esc (out, ch->title);
    fputs ("</title>\n", out);
    /* what has no value is grey: no event of that line in the window,
     * which is not the same as idle (white) */
    fprintf (out, "<rect class=\"nodata\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"/>\n",
             num (left), num (top), num (right - left), num (bottom - top));
    guint label_every = rh >= 9 ? 1 : (guint) ceil (9 / rh);
    for (guint r = 0; r < nrows; r++) {
        const HeatRow *h = g_ptr_array_index (rows, r);
        double y = top + r * rh;
        if (r % label_every == 0) {
            fprintf (out, "<text class=\"yl\" x=\"%s\" y=\"%s\">", num (left - 6),
                     num (y + rh / 2 + 3.5));
            esc (out, h->shown);
            if (strcmp (h->shown, h->label) != 0) {
                fputs ("<title>", out);
                esc (out, h->label);
                fputs ("</title>", out);
            }
            fputs ("</text>\n", out);
        }
        for (guint c = 0; c < cells; c++) {
            guint cnt = g_array_index (h->count, guint, c);
            if (!cnt)
                continue;
            double px = left + c * cw, at = x0 + c * window_s;
            double mean = g_array_index (h->sum, double, c) / cnt;
            if (h->members == 1) {
                heat_cell (out, h->label, px, y, cw + 0.3, rh, mean, ymax, titles, ch->type,
                           at, "");
                continue;
            }
            double band = rh * 2 / 3;
            heat_cell (out, h->label, px, y, cw + 0.3, band, mean, ymax, titles, ch->type,
                       at, "mean ");
            heat_cell (out, h->label, px, y + band, cw + 0.3, rh - band,
                       g_array_index (h->max, double, c), ymax, titles, ch->type, at,
                       "max ");
        }
        if (h->gap_before) {
            fprintf (out, "<line class=\"gap\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\">"
                     "<title>no events: ", num (left - 36), num (y), num (right), num (y));
            esc (out, h->gap);
            fputs ("</title></line>\n", out);
        }
    }
    x_ticks (out, x0, x1, left, right, bottom);
    fputs ("</svg>\n", out);
    char *lo = axis_value (ch->type, 0, ymax), *hi = axis_value (ch->type, ymax, ymax);
    fputs ("<div class=\"scale\"><span>", out);
    esc (out, lo);
    fputs ("</span><span class=\"grad\"></span><span>", out);
    esc (out, hi);
    fputs ("</span><span class=\"nodata\"></span><span>no event in the window</span>", out);
    if (g > 1) {
        /* "cpu 3", "vm 14046 qemu": CPUs, VMs; else lines */
        const Line *l0 = g_ptr_array_index (ch->lines, 0);
        const char *sp = strchr (l0->name, ' ');
        gsize wl = sp ? (gsize) (sp - l0->name) : 0;
        char *noun = sp && g_ascii_isdigit (sp[1]) && wl <= 3 ? g_ascii_strup (l0->name, wl)
                                                              : g_strdup ("line");
        fprintf (out, "<span>each row: %u ", g);
        esc (out, noun);
        fputs ("s, upper band their mean, lower band their maximum</span>", out);
        g_free (noun);
    }
    GString *gaps = g_string_new (NULL);
    for (guint r = 0; r < nrows; r++) {
        const HeatRow *h = g_ptr_array_index (rows, r);
        if (h->gap)
            g_string_append_printf (gaps, "%s%s", gaps->len ? ", " : "", h->gap);
    }
    if (gaps->len) {
        fputs ("<span>not shown, no events: ", out);
        esc (out, gaps->str);
        fputs ("</span>", out);
    }
    g_string_free (gaps, TRUE);
    fputs ("</div>\n", out);
    g_free (lo);
    g_free (hi);
    g_ptr_array_free (rows, TRUE);
}

static void
series_block (FILE *out, const FtaTable *t)
{
    const char *full = fta_table_full_name (t);
    double window_s = fta_table_window_ns (t) / 1e9;
    fputs ("<div class=\"series\" id=\"s-", out);
    esc (out, full);
    fputs ("\"><h3>", out);
    esc (out, fta_table_title (t));
    fputs (" <code>", out);
    esc (out, full);
    fprintf (out, "</code> <span class=\"rows\">%u rows, windows of %s s</span></h3>\n",
             fta_table_n_rows (t), numg (window_s));
    GPtrArray *charts = build_charts (t);
    for (guint i = 0; i < charts->len && fta_table_n_rows (t); i++) {
        const Chart *ch = g_ptr_array_index (charts, i);
        fputs ("<figure>", out);
        if (charts->len > 1) {
            fputs ("<figcaption>", out);
            esc (out, ch->title);
            fputs ("</figcaption>", out);
        }
        if (ch->lines->len > MAX_LINES)
            heatmap (out, ch, window_s);
        else
            line_chart (out, ch, window_s);
        fputs ("</figure>\n", out);
    }
    g_ptr_array_free (charts, TRUE);
    fputs ("</div>\n", out);
    table_block (out, t, 0, TRUE);
}

/* --- findings -------------------------------------------------------------- */

/* The findings in the order the core gives them, the most severe first
 * (and the text and JSON show them in): their indices. */
static GPtrArray *
findings_in_order (const FtaResults *r)
{
    GPtrArray *f = g_ptr_array_new ();
    for (guint i = 0; i < fta_results_n_findings (r); i++)
        g_ptr_array_add (f, GUINT_TO_POINTER (i));
    return f;
}

static void
severity_badge (FILE *out, FtaSeverity s)
{
    fprintf (out, "<span class=\"sev sev-%s\">%s</span>", fta_severity_name (s),
             fta_severity_name (s));
}

static void
recommendations (FILE *out, const FtaResults *r, GPtrArray *order)
{
    fputs ("<section id=\"recommendations\"><h2>Recommendations</h2>\n", out);
    if (!order->len)
        fputs ("<p class=\"empty\">No findings: nothing in this trace crossed a "
               "threshold of the analyzers that ran.</p>\n", out);
    for (guint k = 0; k < order->len; k++) {
        guint i = GPOINTER_TO_UINT (g_ptr_array_index (order, k));
        const FtaFinding *f = fta_results_finding (r, i);
        fprintf (out, "<article class=\"finding sev-%s\" id=\"finding-%u\"><h3>",
                 fta_severity_name (f->severity), i + 1);
        severity_badge (out, f->severity);
        fputc (' ', out);
        esc (out, f->title);
        fputs ("</h3>\n<p class=\"code\"><code>", out);
        esc (out, f->code);
        fputs ("</code></p>\n", out);
        if (f->evidence_keys->len) {
            fputs ("<table class=\"kv evidence\"><caption>Evidence</caption>", out);
            for (guint e = 0; e < f->evidence_keys->len; e++) {
                fputs ("<tr><th>", out);
                esc (out, g_ptr_array_index (f->evidence_keys, e));
                fputs ("</th><td>", out);
                esc (out, g_ptr_array_index (f->evidence_values, e));
                fputs ("</td></tr>", out);
            }
            fputs ("</table>\n", out);
        }
        if (f->cause && *f->cause) {
            fputs ("<h4>Likely cause</h4><p>", out);
            esc (out, f->cause);
            fputs ("</p>\n", out);
        }
        if (f->advice && *f->advice) {
            fputs ("<h4>What to try</h4><p>", out);
            esc (out, f->advice);
            fputs ("</p>\n", out);
        }
        fputs ("</article>\n", out);
    }
    fputs ("</section>\n", out);
}

/* --- summary --------------------------------------------------------------- */

static void
card (FILE *out, const char *label, const char *value, const char *cls)
{
    fprintf (out, "<div class=\"card%s%s\"><div class=\"v\">", cls ? " " : "", cls ? cls : "");
    esc (out, value);
    fputs ("</div><div class=\"l\">", out);
    esc (out, label);
    fputs ("</div></div>\n", out);
}

/* TRUE when COL never grows from one row to the next and is not constant:
 * the table is ranked by it. */
static gboolean
col_sorted_desc (const FtaTable *t, guint c)
{
    const FtaColumn *col = fta_table_column (t, c);
    guint nr = fta_table_n_rows (t);
    gboolean varies = FALSE;
    for (guint r = 1; r < nr; r++) {
        const FtaValue *a = fta_table_cell (t, r - 1, c), *b = fta_table_cell (t, r, c);
        if (a->is_null || b->is_null)
            return FALSE;
        double x = value_of (col, a), y = value_of (col, b);
        if (y > x)
            return FALSE;
        varies |= y < x;
    }
    return varies;
}

/* A table named "*.overview" with a "summary" column: a few rows that say
 * what the machine was in words, shown first. */
static gboolean
is_overview (const FtaTable *t)
{
    return !fta_table_is_series (t) && g_str_has_suffix (fta_table_full_name (t), ".overview")
           && fta_table_column_index (t, "summary") >= 0;
}

/* The first row of a section's first table, in words: who tops it and by
 * how much, in the table's own order. */
static void
top_entry (FILE *out, const Section *s)
{
    for (guint i = 0; i < s->tables->len; i++) {
        const FtaTable *t = g_ptr_array_index (s->tables, i);
        if (!fta_table_n_rows (t) || is_overview (t))
            continue;
        int label = -1, id = -1, metric = -1, sorted = -1;
        for (guint c = 0; c < fta_table_n_columns (t); c++) {
            const FtaColumn *col = fta_table_column (t, c);
            const FtaValue *v = fta_table_cell (t, 0, c);
            if (v->is_null)
                continue;
            if (col->type == FTA_COL_STRING && label < 0)
                label = c;
            else if (col->type == FTA_COL_INT && col->key && id < 0)
                id = c;
            else if (!col->key && (col->type == FTA_COL_DURATION || col->type == FTA_COL_COUNT
                                   || col->type == FTA_COL_PERCENT)) {
                if (metric < 0)
                    metric = c;
                if (sorted < 0 && col_sorted_desc (t, c))
                    sorted = c;
            }
        }
        if (sorted >= 0)
            metric = sorted; /* the column the analyzer ranked by */
        if (metric < 0)
            continue;
        fprintf (out, "<li><a href=\"#%s\">", s->id);
        esc (out, s->heading);
        fputs ("</a>: ", out);
        esc (out, fta_table_title (t));
        fputs (" — <b>", out);
        if (label >= 0)
            esc (out, fta_table_cell (t, 0, label)->s);
        if (id >= 0) {
            const FtaColumn *col = fta_table_column (t, id);
            fprintf (out, "%s", label >= 0 ? " (" : "");
            esc (out, col->name);
            fprintf (out, " %" G_GINT64_FORMAT "%s", fta_table_cell (t, 0, id)->i,
                     label >= 0 ? ")" : "");
        }
        fputs ("</b>, ", out);
        const FtaColumn *mc = fta_table_column (t, metric);
        char *exact, *text = summary_text (mc, fta_table_cell (t, 0, metric), &exact);
        char *h = summary_heading (mc);
        esc (out, h);
        fputc (' ', out);
        esc (out, text);
        fputs ("</li>\n", out);
        g_free (h);
        g_free (text);
        g_free (exact);
        return;
    }
}

/* "baseline: PATH", heading what follows of a comparison's input I. */
static const FtaResults *
input_heading (FILE *out, const FtaResults *r, guint i)
{
    const char *role;
    const FtaResults *in = fta_results_input (r, i, &role);
    fputs ("<h3 class=\"input-role\">", out);
    esc (out, role);
    fputs (": <code>", out);
    esc (out, fta_results_quality (in)->input_path);
    fputs ("</code></h3>\n", out);
    return in;
}

/* The tiles of one result: span, CPUs, events, findings, losses. */
static void
summary_cards (FILE *out, const FtaResults *r)
{
    const FtaQuality *q = fta_results_quality (r);
    fputs ("<div class=\"cards\">\n", out);
    gint64 span = q->first_ts_ns >= 0 ? q->last_ts_ns - q->first_ts_ns : 0;
    char *s = dur_text (span);
    card (out, "trace span", s, NULL);
    g_free (s);
    s = g_strdup_printf ("%u", q->n_cpus_seen ? q->n_cpus_seen : q->n_cpus);
    char *label = NULL;
    if (q->n_cpus_seen && q->n_cpus_seen != q->n_cpus && q->cpu_list)
        label = g_strdup_printf ("CPUs seen: %s", q->cpu_list);
    else if (q->header_cpus > 0 && q->header_cpus != q->n_cpus)
        label = g_strdup_printf ("CPUs of #P:%" G_GINT64_FORMAT, q->header_cpus);
    card (out, label ? label : "CPUs", s, NULL);
    g_free (label);
    g_free (s);
    s = int_text ((gint64) q->lines_event);
    card (out, "events", s, NULL);
    g_free (s);
    guint nsev[3] = { 0 };
    for (guint i = 0; i < fta_results_n_findings (r); i++)
        nsev[CLAMP (fta_results_finding (r, i)->severity, 0, 2)]++;
    s = g_strdup_printf ("%u", fta_results_n_findings (r));
    char *l = g_strdup_printf ("findings (%u critical, %u warning)", nsev[2], nsev[1]);
    card (out, l, s, nsev[2] ? "bad" : nsev[1] ? "warn" : NULL);
    g_free (s);
    g_free (l);
    s = int_text (q->lost_events);
    card (out, q->lost_unknown ? "events lost (and markers without a number)"
                               : "events lost", s,
          q->lost_events || q->lost_unknown ? "warn" : NULL);
    g_free (s);
    s = int_text ((gint64) q->lines_unparsed);
    card (out, "lines not understood", s, q->lines_unparsed ? "warn" : NULL);
    g_free (s);
    fputs ("</div>\n", out);
}

/* An overview (a table named "*.overview" with a "summary" column): its
 * rows in words, first thing under the tiles, the numbers a click away. */
static void
summary_overviews (FILE *out, const FtaResults *r)
{
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        const FtaTable *t = fta_results_table (r, i);
        int sum = fta_table_column_index (t, "summary");
        if (!is_overview (t) || !fta_table_n_rows (t))
            continue;
        fputs ("<h3>", out);
        esc (out, fta_table_title (t));
        fputs ("</h3>\n<ul class=\"headline overview\">\n", out);
        for (guint row = 0; row < fta_table_n_rows (t); row++) {
            const FtaValue *k = fta_table_cell (t, row, 0), *v = fta_table_cell (t, row, sum);
            if (v->is_null || !v->s)
                continue;
            fputs ("<li><b>", out);
            esc (out, k->is_null || !k->s ? "" : k->s);
            fputs ("</b> ", out);
            esc (out, v->s);
            fputs ("</li>\n", out);
        }
        fputs ("</ul>\n<details class=\"all\"><summary>The numbers</summary>\n", out);
        table_one (out, t, 0, fta_table_n_rows (t), "sortable", TRUE);
        fputs ("</details>\n", out);
    }
}

static void
summary (FILE *out, Html *h, const FtaResults *r, GPtrArray *secs, GPtrArray *order)
{
    const FtaQuality *q = fta_results_quality (r);
    fputs ("<section id=\"summary\"><h2>Summary</h2>\n<p class=\"input\">", out);
    esc (out, q->input_path);
    fputs (" — ", out);
    esc (out, q->format ? q->format : "unknown format");
    if (q->format_variant && *q->format_variant) {
        fputs (" (", out);
        esc (out, q->format_variant);
        fputs (")", out);
    }
    if (q->compression) {
        fputs (", ", out);
        esc (out, q->compression);
    }
    fputs (", profile ", out);
    esc (out, q->profile);
    const char *filt = fta_context_filter_text (h->ctx);
    if (*filt) {
        fputs (", reporting ", out);
        esc (out, filt);
    }
    fputs ("</p>\n", out);
    if (!fta_results_n_inputs (r)) {
        summary_cards (out, r);
        summary_overviews (out, r);
    }
    for (guint i = 0; i < fta_results_n_inputs (r); i++) {
        const FtaResults *in = input_heading (out, r, i);
        summary_cards (out, in);
    }

    if (order->len) {
        fputs ("<h3>Top findings</h3>\n<ol class=\"top-findings\">\n", out);
        for (guint k = 0; k < order->len && k < 5; k++) {
            guint i = GPOINTER_TO_UINT (g_ptr_array_index (order, k));
            const FtaFinding *f = fta_results_finding (r, i);
            fputs ("<li>", out);
            severity_badge (out, f->severity);
            fprintf (out, " <a href=\"#finding-%u\">", i + 1);
            esc (out, f->title);
            fputs ("</a></li>\n", out);
        }
        fputs ("</ol>\n", out);
        if (order->len > 5)
            fprintf (out, "<p><a href=\"#recommendations\">%u more findings</a></p>\n",
                     order->len - 5);
    } else {
        fputs ("<p>No findings: nothing crossed a threshold of the analyzers that "
               "ran.</p>\n", out);
    }
    fputs ("<h3>Top of each table</h3>\n<ul class=\"headline\">\n", out);
    for (guint i = 0; i < secs->len; i++)
        top_entry (out, g_ptr_array_index (secs, i));
    fputs ("</ul>\n</section>\n", out);
}

/* --- quality --------------------------------------------------------------- */

static void
kv_row (FILE *out, const char *key, const char *help, const char *value, gboolean warn)
{
    fprintf (out, "<tr%s><th><code>", warn ? " class=\"warn\"" : "");
    esc (out, key);
    fputs ("</code></th><td class=\"n\">", out);
    esc (out, value);
    fputs ("</td><td>", out);
    esc (out, help);
    fputs ("</td></tr>\n", out);
}

static void
kv_int (FILE *out, const char *key, const char *help, gint64 v, gboolean warn_if_set)
{
    char *s = g_strdup_printf ("%" G_GINT64_FORMAT, v);
    kv_row (out, key, help, s, warn_if_set && v > 0);
    g_free (s);
}

static void
quality_of (FILE *out, const FtaQuality *q)
{
    fputs ("<div class=\"tw\"><table class=\"kv quality\">\n", out);
    kv_row (out, "input_path", "the trace read", q->input_path, FALSE);
    kv_row (out, "format", "text format detected", q->format ? q->format : "", FALSE);
    kv_row (out, "format_variant", "columns of that format",
            q->format_variant ? q->format_variant : "", FALSE);
    kv_row (out, "compression", "", q->compression ? q->compression : "none", FALSE);
    kv_row (out, "profile", "profile used", q->profile ? q->profile : "", FALSE);
    if (q->file_version >= 0) {
        kv_int (out, "file_version", "trace.dat format version", q->file_version, FALSE);
        kv_int (out, "file_cpus", "CPUs the trace.dat has data for", q->file_cpus, FALSE);
        kv_row (out, "trace_clock", "the clock of the timestamps",
                q->trace_clock ? q->trace_clock : "unknown", FALSE);
        kv_row (out, "tracecmd_version", "the trace-cmd that wrote it",
                q->tracecmd_version ? q->tracecmd_version : "unknown", FALSE);
        kv_row (out, "buffer", "the buffer read (empty: the top one)",
                q->buffer ? q->buffer : "", FALSE);
        kv_row (out, "buffers", "the file's instances", q->buffers ? q->buffers : "", FALSE);
    }
    kv_int (out, "lines_total", "lines read", q->lines_total, FALSE);
    kv_int (out, "lines_event", "event lines", q->lines_event, FALSE);
    kv_int (out, "lines_header", "header and marker lines", q->lines_header, FALSE);
    kv_int (out, "lines_unparsed", "lines not understood (examples below)",
            q->lines_unparsed, TRUE);
    kv_int (out, "truncated_line", "1: the input ends without a newline",
            q->truncated_line, TRUE);
    kv_int (out, "lost_markers", "lost-event markers (CPU:N [LOST M EVENTS])",
            q->lost_markers, TRUE);
    kv_int (out, "lost_events", "events the markers say were lost", q->lost_events, TRUE);
    kv_int (out, "lost_unknown", "markers that give no number", q->lost_unknown, TRUE);
    kv_int (out, "buffer_started", "##### CPU N buffer started #### markers",
            q->buffer_started, FALSE);
    kv_int (out, "entries_in_buffer", "ring buffer entries kept (-1: not in the header)",
            q->entries_in_buffer, FALSE);
    kv_int (out, "entries_written",
            "ring buffer entries written (more than kept: the start was overwritten)",
            q->entries_written, FALSE);
    kv_int (out, "out_of_order", "event lines earlier than the previous one",
            q->out_of_order, TRUE);
    kv_int (out, "out_of_order_cpu", "... earlier than the previous one of that CPU",
            q->out_of_order_cpu, TRUE);
    kv_int (out, "events_behind", "events earlier than the latest time already read",
            q->events_behind, TRUE);
    kv_int (out, "max_step_back_ns", "the largest distance behind, ns",
            q->max_step_back_ns, FALSE);
    kv_int (out, "out_of_order_unplaced", "events --sort could not place",
            q->out_of_order_unplaced, TRUE);
    kv_int (out, "first_ts_ns", "first timestamp, ns", q->first_ts_ns, FALSE);
    kv_int (out, "last_ts_ns", "latest timestamp, ns", q->last_ts_ns, FALSE);
    kv_int (out, "cpus", "highest CPU seen + 1", q->n_cpus, FALSE);
    kv_int (out, "cpus_seen", "CPUs with events", q->n_cpus_seen, FALSE);
    kv_row (out, "cpu_list", "which CPUs had events", q->cpu_list ? q->cpu_list : "", FALSE);
    if (q->header_cpus >= 0)
        kv_int (out, "cpus_header", "CPUs the header's #P: gives", q->header_cpus, FALSE);
    kv_int (out, "inferred_switch_in", "switch-ins the sched model inferred (never recorded)",
            q->inferred_switch_in, FALSE);
    kv_int (out, "inferred_switch_out", "switch-outs the sched model inferred",
            q->inferred_switch_out, FALSE);
    kv_int (out, "switch_in_while_running", "switch-ins of a task already running",
            q->switch_in_while_running, TRUE);
    kv_int (out, "model_resets", "sched model resets at markers", q->model_resets, FALSE);
    fputs ("</table></div>\n", out);

    if (q->unparsed_examples->len) {
        fputs ("<h3>Lines not understood (first examples)</h3>\n<div class=\"tw\">"
               "<table class=\"data unparsed\"><thead><tr><th class=\"n\">line</th>"
               "<th class=\"s\">why</th><th class=\"s\">text</th></tr></thead><tbody>\n", out);
        for (guint i = 0; i < q->unparsed_examples->len; i++) {
            const FtaUnparsed *u = &g_array_index (q->unparsed_examples, FtaUnparsed, i);
            fprintf (out, "<tr><td class=\"n\">%" G_GUINT64_FORMAT "</td><td>", u->line);
            esc (out, u->why);
            fputs ("</td><td><code>", out);
            esc (out, u->text);
            fputs ("</code></td></tr>\n", out);
        }
        fputs ("</tbody></table></div>\n", out);
    }
    fputs ("<h3>Events by type</h3>\n<div class=\"tw\"><table class=\"data sortable "
           "events\"><thead><tr><th class=\"s\">event</th><th class=\"n\">count</th>"
           "</tr></thead><tbody>\n", out);
    for (guint i = 0; i < q->event_counts->len && i < q->event_names->len; i++) {
        guint64 n = g_array_index (q->event_counts, guint64, i);
        if (!n)
            continue;
        char *t = int_text ((gint64) n);
        fputs ("<tr><td>", out);
        esc (out, g_ptr_array_index (q->event_names, i));
        fprintf (out, "</td><td class=\"n\" data-v=\"%" G_GUINT64_FORMAT "\">", n);
        esc (out, t);
        fputs ("</td></tr>\n", out);
        g_free (t);
    }
    fputs ("</tbody></table></div>\n", out);
}

/* One result's quality, or each input's of a comparison. */
static void
quality (FILE *out, const FtaResults *r)
{
    fputs ("<section id=\"quality\"><h2>Input quality</h2>\n", out);
    if (!fta_results_n_inputs (r))
        quality_of (out, fta_results_quality (r));
    for (guint i = 0; i < fta_results_n_inputs (r); i++) {
        const FtaResults *in = input_heading (out, r, i);
        quality_of (out, fta_results_quality (in));
    }
    fputs ("</section>\n", out);
}

/* --- the page -------------------------------------------------------------- */

static const char css[] =
    ":root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dde3;--bg:#fff;--alt:#f5f7f9;"
    "--accent:#1f5fa8;--crit:#b3261e;--warn:#a15c00;--info:#3d6b99}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
    "'DejaVu Sans',sans-serif;color:var(--fg);background:var(--bg)}\n"
    "header{background:#22303f;color:#fff;padding:14px 24px}\n"
    "header h1{margin:0;font-size:20px;font-weight:600}\n"
    "header p{margin:2px 0 0;color:#c9d3dd;font-size:13px;word-break:break-all}\n"
    "nav{position:sticky;top:0;z-index:2;background:#eef2f6;border-bottom:1px solid "
    "var(--line);padding:6px 24px;font-size:13px}\n"
    "nav a{margin-right:14px;color:var(--accent);text-decoration:none;white-space:nowrap}\n"
    "nav a:hover{text-decoration:underline}\n"
    "main{max-width:1240px;margin:0 auto;padding:8px 24px 40px}\n"
    "section{margin-top:22px;border-top:2px solid var(--line);padding-top:6px}\n"
    "h2{font-size:19px;margin:8px 0}\n"
    "h3{font-size:15px;margin:18px 0 6px}\n"
    "h3 code{font-size:12px;color:var(--muted);font-weight:normal}\n"
    "h4{font-size:13px;margin:10px 0 2px}\n"
    ".rows{font-size:12px;color:var(--muted);font-weight:normal}\n"
    "p.rest{margin:2px 0 4px;color:var(--muted);font-size:13px}\n"
    ".blurb,.input{color:var(--muted);margin:2px 0 8px}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}\n"
    ".card{flex:1 1 150px;border:1px solid var(--line);border-radius:6px;"
    "padding:8px 12px;background:var(--alt)}\n"
    ".card .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}\n"
    ".card .l{font-size:12px;color:var(--muted)}\n"
    ".card.warn{border-color:#e0b070;background:#fff8ec}\n"
    ".card.bad{border-color:#e39a94;background:#fdf0ef}\n"
    ".sev{display:inline-block;font-size:11px;font-weight:600;text-transform:uppercase;"
    "color:#fff;border-radius:3px;padding:1px 6px;vertical-align:1px}\n"
    ".sev-critical{background:var(--crit)}.sev-warning{background:var(--warn)}"
    ".sev-info{background:var(--info)}\n"
    "ol.top-findings li,ul.headline li{margin:3px 0}\n"
    ".tw{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse;font-size:13px}\n"
    "table.data{margin:4px 0}\n"
    "table.data th,table.data td{padding:3px 8px;border-bottom:1px solid var(--line);"
    "white-space:nowrap}\n"
    "table.data thead th{background:#e9eef3;text-align:left;position:relative;"
    "font-weight:600;user-select:none}\n"
    "table.sortable thead th{cursor:pointer}\n"
    "table.data th.n,td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "table.data th.key{color:#0d3a6b}\n"
    "table.data tbody tr:nth-child(even){background:var(--alt)}\n"
    "table.data tbody tr:hover{background:#e6f0fb}\n"
    "th[aria-sort=ascending]::after{content:' \\25B2';font-size:10px}\n"
    "th[aria-sort=descending]::after{content:' \\25BC';font-size:10px}\n"
    "details.all{margin:4px 0 10px}\n"
    "details.all summary{cursor:pointer;color:var(--accent);font-size:13px}\n"
    "table.kv th{text-align:left;padding:2px 12px 2px 0;vertical-align:top;"
    "font-weight:normal;white-space:nowrap}\n"
    "table.kv td{padding:2px 12px 2px 0;vertical-align:top}\n"
    "table.kv tr.warn td.n{color:var(--warn);font-weight:600}\n"
    "table.kv caption{text-align:left;font-weight:600;font-size:13px;padding:4px 0}\n"
    "table.evidence th{color:var(--muted)}\n"
    ".finding{border:1px solid var(--line);border-left:5px solid var(--info);"
    "border-radius:4px;padding:4px 14px 10px;margin:12px 0;background:#fff}\n"
    ".finding.sev-critical{border-left-color:var(--crit);background:#fff}\n"
    ".finding.sev-warning{border-left-color:var(--warn);background:#fff}\n"
    ".finding h3{margin-top:8px}\n"
    ".finding p{margin:2px 0;max-width:110ch}\n"
    ".finding .code{font-size:12px;color:var(--muted)}\n"
    "figure{margin:6px 0 14px}\n"
    "figcaption{font-size:13px;color:var(--muted)}\n"
    "svg.chart{width:100%;max-width:1100px;height:auto;display:block}\n"
    "svg.chart text{font-size:11px;fill:#444}\n"
    "svg.chart .yl{text-anchor:end}\n"
    "svg.chart .xl,svg.chart .xt{text-anchor:middle}\n"
    "svg.chart .axis{stroke:#666;stroke-width:1}\n"
    "svg.chart .tick{stroke:#666}\n"
    "svg.chart .grid{stroke:#e3e7eb;stroke-width:1}\n"
    "svg.chart .line{fill:none;stroke-width:1.6;stroke-linejoin:round}\n"
    "ul.legend{list-style:none;padding:0;margin:2px 0 0 84px;font-size:12px}\n"
    "ul.legend li{display:inline-block;margin-right:14px}\n"
    ".sw{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:5px}\n"
    ".scale{display:flex;flex-wrap:wrap;align-items:center;gap:6px;font-size:12px;"
    "margin-left:124px}\n"
    ".scale .nodata{display:inline-block;width:14px;height:10px;margin-left:12px;"
    "background:#d4d4d4}\n"
    "svg.chart .nodata{fill:#d4d4d4}\n"
    "svg.chart .gap{stroke:#b00;stroke-width:1.2;stroke-dasharray:4 3}\n"
    ".scale .grad{display:inline-block;width:180px;height:10px;"
    "background:linear-gradient(to right,#f7fbff,#08306b)}\n"
    ".empty{color:var(--muted);font-style:italic}\n"
    "footer{color:var(--muted);font-size:12px;margin-top:30px}\n"
    "@media print{\n"
    " @page{margin:14mm}\n"
    " body{font-size:10.5px}\n"
    " header{background:none;color:#000;padding:0 0 6px;border-bottom:2px solid #000}\n"
    " header p{color:#333}\n"
    " nav,details.all,.noprint{display:none}\n"
    " main{max-width:none;padding:0}\n"
    " section{break-before:auto}\n"
    " h2,h3,h4{break-after:avoid}\n"
    " tr,figure,.card,.finding{break-inside:avoid}\n"
    " table{font-size:9.5px}\n"
    " .tw{overflow:visible}\n"
    " table.data th,table.data td{padding:1px 4px}\n"
    " a{color:inherit;text-decoration:none}\n"
    " *{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "}\n";

/* Click a heading to sort by it (numbers by their exact data-v; again to
 * reverse).  Plain DOM, no framework. */
static const char script[] =
    "(function(){\n"
    "function key(td,num){if(!td)return num?-Infinity:'';"
    "if(!num)return td.textContent.toLowerCase();"
    "var v=td.getAttribute('data-v');return v===null||v===''?-Infinity:parseFloat(v);}\n"
    "var ths=document.querySelectorAll('table.sortable thead th');\n"
    "for(var i=0;i<ths.length;i++)ths[i].addEventListener('click',function(){\n"
    " var th=this,table=th.closest('table'),body=table.tBodies[0];\n"
    " var col=Array.prototype.indexOf.call(th.parentNode.children,th);\n"
    " var num=th.classList.contains('n');\n"
    " var desc=th.getAttribute('aria-sort')!=='descending';\n"
    " var rows=Array.prototype.slice.call(body.rows);\n"
    " rows.sort(function(a,b){var x=key(a.cells[col],num),y=key(b.cells[col],num);"
    "var c=num?(x<y?-1:x>y?1:0):String(x).localeCompare(String(y));return desc?-c:c;});\n"
    " var hs=th.parentNode.children;for(var k=0;k<hs.length;k++)hs[k].removeAttribute('aria-sort');\n"
    " th.setAttribute('aria-sort',desc?'descending':'ascending');\n"
    " for(var r=0;r<rows.length;r++)body.appendChild(rows[r]);\n"
    "});\n"
    "})();\n";

static gboolean
html_render (void *self, const FtaResults *r, FILE *out, GError **error)
{
    (void) error;
    Html *h = self;
    const FtaQuality *q = fta_results_quality (r);
    guint top = fta_context_top (h->ctx);
    GPtrArray *series = g_ptr_array_new ();
    GPtrArray *secs = build_sections (r, series);
    GPtrArray *order = findings_in_order (r);

    fputs ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"generator\" content=\"ftrace-analyzer\">\n"
           "<title>ftrace-analyzer ", out);
    const char *kind = fta_results_n_inputs (r) ? "comparison" : "report";
    fprintf (out, "%s: ", kind);
    esc (out, q->input_path);
    fprintf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>"
             "ftrace-analyzer %s</h1><p>", css, kind);
    esc (out, q->input_path);
    fputs ("</p></header>\n<nav><a href=\"#summary\">Summary</a>", out);
    for (guint i = 0; i < secs->len; i++) {
        const Section *s = g_ptr_array_index (secs, i);
        fprintf (out, "<a href=\"#%s\">", s->id);
        esc (out, s->heading);
        fputs ("</a>", out);
    }
    fputs ("<a href=\"#recommendations\">Recommendations</a>"
           "<a href=\"#quality\">Input quality</a></nav>\n<main>\n", out);

    summary (out, h, r, secs, order);
    for (guint i = 0; i < secs->len; i++) {
        const Section *s = g_ptr_array_index (secs, i);
        fprintf (out, "<section id=\"%s\"><h2>", s->id);
        esc (out, s->heading);
        fputs ("</h2>\n", out);
        if (s->blurb) {
            fputs ("<p class=\"blurb\">", out);
            esc (out, s->blurb);
            fputs ("</p>\n", out);
        }
        for (guint k = 0; k < s->tables->len; k++)
            table_block (out, g_ptr_array_index (s->tables, k), top, FALSE);
        if (strcmp (s->prefix, "timeline") == 0)
            for (guint k = 0; k < series->len; k++)
                series_block (out, g_ptr_array_index (series, k));
        fputs ("</section>\n", out);
    }
    recommendations (out, r, order);
    quality (out, r);
    fprintf (out, "<footer>Written by ftrace-analyzer. Tables show their first %s rows; "
             "the JSON output (-f json) has every row and column in numbers "
             "(durations in ns).</footer>\n</main>\n<script>\n%s</script>\n</body>\n"
             "</html>\n", top ? numg (top) : "all", script);
    g_ptr_array_free (order, TRUE);
    g_ptr_array_free (secs, TRUE);
    g_ptr_array_free (series, TRUE);
    return !ferror (out);
}

static void
html_destroy (void *self)
{
    g_free (self);
}

FTA_PLUGIN_DEFINE (
    .name = "html",
    .kind = FTA_PLUGIN_SINK,
    .summary = "one self-contained HTML report: tables, SVG plots, findings, quality",
    .create = html_create,
    .render = html_render,
    .destroy = html_destroy,
    .extension = "html",
);
