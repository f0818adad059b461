/* delta.c - an example comparator: what changed, number by number.
 *
 * For every table both results have, rows are joined by their key
 * columns; every number that is not a key (counts, durations, plain
 * integers) and changed by at least min_change_pct percent of the
 * baseline (and by min_change at all) becomes a row of delta.changes:
 * table, row key, column, baseline, problem, change.  A row only one side
 * has is left out: the built-in `compare` says which tasks came and went.
 *
 *   ftrace-analyzer compare -c ../examples.cfg before.txt after.txt
 *   (the profile says comparator = "delta";)
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

typedef struct {
    double min_pct;
    gint64 min_abs;
} Delta;

static void *
delta_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) ctx;
    double pct = fta_options_get_double (opts, "min_change_pct");
    gint64 abs_min = fta_options_get_int (opts, "min_change");
    if (pct < 0 || abs_min < 0) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "plugins.delta: min_change_pct and min_change must be 0 or more");
        return NULL;
    }
    Delta *d = g_new0 (Delta, 1);
    d->min_pct = pct;
    d->min_abs = abs_min;
    return d;
}

/* The row's key columns as one string, "1234/qemu", owned. */
static char *
delta_row_key (const FtaTable *t, guint row)
{
    GString *k = g_string_new (NULL);
    for (guint c = 0; c < fta_table_n_columns (t); c++) {
        const FtaColumn *col = fta_table_column (t, c);
        if (!col->key)
            continue;
        const FtaValue *v = fta_table_cell (t, row, c);
        if (k->len)
            g_string_append_c (k, '/');
        if (v->is_null)
            g_string_append (k, "-");
        else if (col->type == FTA_COL_STRING)
            g_string_append (k, v->s);
        else if (col->type == FTA_COL_PERCENT)
            g_string_append_printf (k, "%g", v->d);
        else
            g_string_append_printf (k, "%" G_GINT64_FORMAT, v->i);
    }
    return g_string_free (k, FALSE);
}

static gboolean
delta_is_number (const FtaColumn *c)
{
    return !c->key && (c->type == FTA_COL_INT || c->type == FTA_COL_COUNT
                       || c->type == FTA_COL_DURATION);
}

static void
delta_compare (void *self, const FtaResults *base, const FtaResults *prob, FtaResults *out)
{
    const Delta *d = self;
    FtaTable *o = fta_results_add_table (out, "delta", "changes",
                                         "Numbers that changed from baseline to problem");
    guint c_tab = fta_table_add_column (o, "table", FTA_COL_STRING, TRUE);
    guint c_row = fta_table_add_column (o, "row", FTA_COL_STRING, TRUE);
    guint c_col = fta_table_add_column (o, "column", FTA_COL_STRING, TRUE);
    guint c_b = fta_table_add_column (o, "baseline", FTA_COL_INT, FALSE);
    guint c_p = fta_table_add_column (o, "problem", FTA_COL_INT, FALSE);
    guint c_pct = fta_table_add_column (o, "change_pct", FTA_COL_PERCENT, FALSE);

    for (guint i = 0; i < fta_results_n_tables (prob); i++) {
        const FtaTable *pt = fta_results_table (prob, i);
        const FtaTable *bt = fta_results_find_table (base, fta_table_full_name (pt));
        if (!bt || fta_table_is_series (pt))
            continue;
        /* the baseline's rows by key */
        GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
        for (guint r = 0; r < fta_table_n_rows (bt); r++)
            g_hash_table_insert (rows, delta_row_key (bt, r), GUINT_TO_POINTER (r + 1));
        for (guint r = 0; r < fta_table_n_rows (pt); r++) {
            char *key = delta_row_key (pt, r);
            guint br = GPOINTER_TO_UINT (g_hash_table_lookup (rows, key));
            for (guint c = 0; br && c < fta_table_n_columns (pt); c++) {
                const FtaColumn *col = fta_table_column (pt, c);
                int bc = fta_table_column_index (bt, col->name);
                if (!delta_is_number (col) || bc < 0)
                    continue;
                const FtaValue *pv = fta_table_cell (pt, r, c);
                const FtaValue *bv = fta_table_cell (bt, br - 1, (guint) bc);
                if (pv->is_null || bv->is_null || pv->i == bv->i)
                    continue;
                gint64 diff = pv->i - bv->i;
                gint64 b_abs = bv->i < 0 ? -bv->i : bv->i;
                double pct = b_abs ? 100.0 * (double) diff / (double) b_abs : 100.0;
                if ((pct < 0 ? -pct : pct) < d->min_pct || (diff < 0 ? -diff : diff) < d->min_abs)
                    continue;
                guint row = fta_table_add_row (o);
                fta_table_set_string (o, row, c_tab, fta_table_full_name (pt));
                fta_table_set_string (o, row, c_row, key);
                fta_table_set_string (o, row, c_col, col->name);
                fta_table_set_int (o, row, c_b, bv->i);
                fta_table_set_int (o, row, c_p, pv->i);
                fta_table_set_double (o, row, c_pct, pct);
            }
            g_free (key);
        }
        g_hash_table_destroy (rows);
    }
}

static const FtaOptionSpec delta_options[] = {
    { "min_change_pct", FTA_OPT_DOUBLE, "10", "report changes of at least this many percent" },
    { "min_change", FTA_OPT_INT, "1", "... and of at least this much (in the column's unit)" },
    { NULL, 0, NULL, NULL }
};

FTA_PLUGIN_DEFINE (
    .name = "delta",
    .kind = FTA_PLUGIN_COMPARATOR,
    .summary = "every number that changed between two results, table by table",
    .options = delta_options,
    .create = delta_create,
    .compare = delta_compare,
    .destroy = g_free,
);
