/* jsonstress.c - an analyzer whose results are hard to write as JSON, for
 * the json sink's tests: every control character, quotes and backslashes
 * in names, cells, titles and evidence; UTF-8; doubles of every magnitude
 * and sign; integer extremes; empty tables; a table name and an evidence
 * key given twice; a series. */
#include <math.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

static int jsonstress_state;

static void *
jsonstress_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    return &jsonstress_state;
}

static void
jsonstress_finish (void *self, FtaResults *r)
{
    char all[128];
    for (int i = 1; i < 128; i++)
        all[i - 1] = (char) i;
    all[127] = '\0';
    static const double doubles[] = { 0.0, -0.0, 1.0, -1.0, 0.1, 100.0 / 3, 2.5e-300,
                                      1e300, 123456789012345678.0, 99.99999999999999,
                                      1e-7, 5e-324, 50.0, 12.5 };
    FtaTable *t = fta_results_add_table (r, "jsonstress", "cells", all);
    guint cs = fta_table_add_column (t, "s\"\\/\t", FTA_COL_STRING, TRUE);
    guint ci = fta_table_add_column (t, "i", FTA_COL_INT, FALSE);
    guint cd = fta_table_add_column (t, "d", FTA_COL_DURATION, FALSE);
    guint cp = fta_table_add_column (t, "p", FTA_COL_PERCENT, FALSE);
    guint cn = fta_table_add_column (t, "n", FTA_COL_COUNT, FALSE);
    for (guint k = 0; k < G_N_ELEMENTS (doubles); k++) {
        guint row = fta_table_add_row (t);
        char s[160];
        g_snprintf (s, sizeof s, "%s %u \xc3\xa9\xe2\x82\xac <b>&amp;</b>", all + (k * 9) % 120, k);
        fta_table_set_string (t, row, cs, s);
        fta_table_set_int (t, row, ci, k % 2 ? G_MININT64 + k : G_MAXINT64 - k);
        fta_table_set_int (t, row, cd, (gint64) k * 1000003);
        fta_table_set_double (t, row, cp, doubles[k]);
        if (k % 3)
            fta_table_set_int (t, row, cn, k);
    }
    fta_results_add_table (r, "jsonstress", "empty", "");
    t = fta_results_add_table (r, "jsonstress", "twice", "first");
    fta_table_add_column (t, "a", FTA_COL_INT, TRUE);
    fta_table_add_row (t);
    t = fta_results_add_table (r, "jsonstress", "norows", "columns, no rows");
    fta_table_add_column (t, "a", FTA_COL_STRING, TRUE);
    t = fta_results_add_table (r, "jsonstress", "twice", "second");
    guint cb = fta_table_add_column (t, "b", FTA_COL_STRING, FALSE);
    fta_table_set_string (t, fta_table_add_row (t), cb, "");
    t = fta_results_add_series (r, "jsonstress", "s", "series", 1000, -5);
    guint c0 = fta_table_add_column (t, "t_ns", FTA_COL_DURATION, TRUE);
    guint c1 = fta_table_add_column (t, "pct", FTA_COL_PERCENT, FALSE);
    for (guint k = 0; k < 5; k++) {
        guint row = fta_table_add_row (t);
        fta_table_set_int (t, row, c0, k * 1000);
        fta_table_set_double (t, row, c1, k / 7.0);
    }
    FtaFinding *f = fta_results_add_finding (r, FTA_SEVERITY_WARNING, "jsonstress.all",
                                             all, "cause \"x\"\n", "advice\\");
    fta_finding_add_evidence (f, "key", "one");
    fta_finding_add_evidence (f, all, all);
    fta_finding_add_evidence (f, "other", "two");
    fta_finding_add_evidence (f, "key", "three");
    fta_results_add_finding (r, FTA_SEVERITY_INFO, "jsonstress.bare", "", "", "");
}

static void
jsonstress_destroy (void *self)
{
}

FTA_PLUGIN_DEFINE (
    .name = "jsonstress",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "json sink test plugin: hostile strings and numbers",
    .create = jsonstress_create,
    .finish = jsonstress_finish,
    .destroy = jsonstress_destroy,
);
