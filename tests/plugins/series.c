/* series.c - an analyzer that emits two made-up series, for the HTML
 * sink's tests: a wide one (a few value columns, drawn as lines) and a
 * long one (window, cpu, busy_pct for 12 CPUs, drawn as a heatmap). */
#include <ftrace-analyzer/ftrace-analyzer.h>

static int series_state;

static void *
series_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    return &series_state;
}

static void
series_finish (void *self, FtaResults *r)
{
    const gint64 w = 100000000; /* 0.1 s */
    FtaTable *t = fta_results_add_series (r, "series", "load", "Made-up load", w, 0);
    guint c0 = fta_table_add_column (t, "window_ns", FTA_COL_DURATION, TRUE);
    guint c1 = fta_table_add_column (t, "run_ns", FTA_COL_DURATION, FALSE);
    guint c2 = fta_table_add_column (t, "wait_ns", FTA_COL_DURATION, FALSE);
    guint c3 = fta_table_add_column (t, "switches", FTA_COL_COUNT, FALSE);
    for (guint i = 0; i < 30; i++) {
        guint row = fta_table_add_row (t);
        fta_table_set_int (t, row, c0, i * w);
        fta_table_set_int (t, row, c1, (i * 7919) % 100000000);
        fta_table_set_int (t, row, c2, (i * 104729) % 50000000);
        fta_table_set_int (t, row, c3, (i * 31) % 200);
    }
    t = fta_results_add_series (r, "series", "busy", "Made-up CPU busy", w, 0);
    c0 = fta_table_add_column (t, "window_ns", FTA_COL_DURATION, TRUE);
    c1 = fta_table_add_column (t, "cpu", FTA_COL_INT, TRUE);
    c2 = fta_table_add_column (t, "busy_pct", FTA_COL_PERCENT, FALSE);
    for (guint i = 0; i < 30; i++)
        for (guint cpu = 0; cpu < 12; cpu++) {
            guint row = fta_table_add_row (t);
            fta_table_set_int (t, row, c0, i * w);
            fta_table_set_int (t, row, c1, cpu);
            fta_table_set_double (t, row, c2, ((i + 1) * (cpu + 3) * 37) % 101);
        }
}

static void
series_destroy (void *self)
{
}

FTA_PLUGIN_DEFINE (
    .name = "series",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "HTML test plugin: made-up series",
    .create = series_create,
    .finish = series_finish,
    .destroy = series_destroy,
);
