/* test-results.c - tables declared as data: columns from a spec, rows
 * filled from structs by field and by callback, checked cell by cell
 * against the values the structs hold. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "core.h"

typedef struct {
    gint32 pid;
    guint32 cpu;
    gint64 run_ns;
    guint64 count;
    double share;
    const char *role;
    char comm[16];
} Row;

/* twice the run time, null for pid 0: a callback's cell */
static void
get_double_run (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const Row *r = row;
    (void) scratch;
    g_assert_true (data == (gconstpointer) "data");
    if (r->pid) {
        v->is_null = FALSE;
        v->i = 2 * r->run_ns;
    }
}

/* a string built in the scratch buffer */
static void
get_label (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const Row *r = row;
    (void) data;
    g_string_append_printf (scratch, "%s/%d", r->comm, r->pid);
    v->is_null = FALSE;
    v->s = scratch->str;
}

#define F(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (Row, member)

static const FtaColumnSpec columns[] = {
    { "pid", FTA_COL_INT, TRUE, F (FTA_FIELD_INT32, pid) },
    { "cpu", FTA_COL_INT, F (FTA_FIELD_UINT32, cpu) },
    { "comm", FTA_COL_STRING, F (FTA_FIELD_CHARS, comm) },
    { "role", FTA_COL_STRING, F (FTA_FIELD_STRING, role) },
    { "run_ns", FTA_COL_DURATION, .display_unit = "us", F (FTA_FIELD_INT64, run_ns) },
    { "count", FTA_COL_COUNT, .rank = 3, F (FTA_FIELD_UINT64, count) },
    { "share_pct", FTA_COL_PERCENT, F (FTA_FIELD_DOUBLE, share) },
    { "twice_ns", FTA_COL_DURATION, .get = get_double_run },
    { "label", FTA_COL_STRING, .get = get_label },
};

static const FtaTableSpec spec = { "rows", "Rows from structs", columns,
                                   G_N_ELEMENTS (columns), TRUE };

static void
test_spec (void)
{
    FtaResults *r = fta_results_new ();
    FtaTable *t = fta_results_add_table_spec (r, "my", &spec);
    g_assert_cmpstr (fta_table_full_name (t), ==, "my.rows");
    g_assert_cmpstr (fta_table_title (t), ==, "Rows from structs");
    g_assert_true (fta_table_omit_empty (t));
    g_assert_cmpuint (fta_table_n_columns (t), ==, G_N_ELEMENTS (columns));
    for (guint i = 0; i < G_N_ELEMENTS (columns); i++) {
        const FtaColumn *c = fta_table_column (t, i);
        g_assert_cmpstr (c->name, ==, columns[i].name);
        g_assert_cmpint (c->type, ==, columns[i].type);
        g_assert_cmpint (c->key, ==, columns[i].key);
    }
    g_assert_cmpstr (fta_column_display_unit (fta_table_column (t, 4)), ==, "us");
    g_assert_cmpuint (fta_table_column (t, 5)->rank, ==, 3);

    Row rows[] = {
        { 42, 3, 1500, G_GUINT64_CONSTANT (1) << 40, 12.5, "vcpu", "CPU 0/KVM" },
        { 0, 0, 7, 0, 0, NULL, "swapper/0" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        g_assert_cmpuint (fta_table_add_row_from (t, &spec, &rows[i], "data"), ==, i);
    /* the structs may go: the table holds copies */
    memset (rows, 0, sizeof rows);

    g_assert_cmpuint (fta_table_n_rows (t), ==, 2);
    g_assert_cmpint (fta_table_cell (t, 0, 0)->i, ==, 42);
    g_assert_cmpint (fta_table_cell (t, 0, 1)->i, ==, 3);
    g_assert_cmpstr (fta_table_cell (t, 0, 2)->s, ==, "CPU 0/KVM");
    g_assert_cmpstr (fta_table_cell (t, 0, 3)->s, ==, "vcpu");
    g_assert_cmpint (fta_table_cell (t, 0, 4)->i, ==, 1500);
    g_assert_cmpint (fta_table_cell (t, 0, 5)->i, ==, G_GINT64_CONSTANT (1) << 40);
    g_assert_cmpfloat (fta_table_cell (t, 0, 6)->d, ==, 12.5);
    g_assert_cmpint (fta_table_cell (t, 0, 7)->i, ==, 3000);
    g_assert_cmpstr (fta_table_cell (t, 0, 8)->s, ==, "CPU 0/KVM/42");

    g_assert_false (fta_table_cell (t, 1, 0)->is_null);
    g_assert_cmpint (fta_table_cell (t, 1, 0)->i, ==, 0);
    g_assert_true (fta_table_cell (t, 1, 3)->is_null);  /* NULL string */
    g_assert_true (fta_table_cell (t, 1, 7)->is_null);  /* callback left it */
    g_assert_cmpstr (fta_table_cell (t, 1, 8)->s, ==, "swapper/0/0");
    fta_results_free (r);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/results/table-spec", test_spec);
    return g_test_run ();
}
