/* test-results.c - tables declared as data: columns from a spec, rows
 * filled from structs by field and by callback, checked cell by cell
 * against the values the structs hold; evidence by format and event
 * counts of the quality. */
#include "config.h"

#include <math.h>
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

/* what fta_table_add_row_from is given, for the callback to see */
static const char marker[] = "data";

/* twice the run time, null for pid 0: a callback's cell */
static void
get_double_run (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const Row *r = row;
    (void) scratch;
    g_assert_true (data == (gconstpointer) marker);
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
        g_assert_cmpuint (fta_table_add_row_from (t, &spec, &rows[i], marker), ==, i);
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
    /* by name: pid 0 before 42, and back by run time */
    fta_table_sort_by (t, "pid", FALSE);
    g_assert_cmpint (fta_table_cell (t, 0, 0)->i, ==, 0);
    fta_table_sort_by (t, "run_ns", TRUE);
    g_assert_cmpint (fta_table_cell (t, 0, 0)->i, ==, 42);
    fta_results_free (r);
}

/* Identifiers and distributions (ABI 1.14) and optional values (ABI 1.15)
 * read by the spec. */
typedef struct {
    gint32 cpu;
    FtaDist *lat;
    gint64 opt_ns;
    double opt_pct;
} Lat;

#define L(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (Lat, member)

static const FtaColumnSpec lat_columns[] = {
    { "t_ns", FTA_COL_DURATION, TRUE, L (FTA_FIELD_ID32, cpu) },
    { "cpu", FTA_COL_INT, TRUE, L (FTA_FIELD_ID32, cpu) },
    { "n", FTA_COL_COUNT, L (FTA_FIELD_DIST_COUNT, lat) },
    { "sum_ns", FTA_COL_DURATION, L (FTA_FIELD_DIST_SUM, lat) },
    { "avg_ns", FTA_COL_DURATION, L (FTA_FIELD_DIST_AVG, lat) },
    { "p50_ns", FTA_COL_DURATION, L (FTA_FIELD_DIST_P50, lat) },
    { "p99_ns", FTA_COL_DURATION, L (FTA_FIELD_DIST_P99, lat) },
    { "max_ns", FTA_COL_DURATION, L (FTA_FIELD_DIST_MAX, lat) },
    { "opt_ns", FTA_COL_DURATION, L (FTA_FIELD_OPT_INT64, opt_ns) },
    { "opt_pct", FTA_COL_PERCENT, L (FTA_FIELD_OPT_DOUBLE, opt_pct) },
};

static const FtaTableSpec lat_spec = FTA_TABLE_SPEC ("lat", "Latencies", lat_columns);

static void
test_spec_dist (void)
{
    FtaResults *r = fta_results_new ();
    FtaTable *t = fta_results_add_series_spec (r, "my", &lat_spec, 1000, 50);
    g_assert_true (fta_table_is_series (t));
    g_assert_cmpint (fta_table_window_ns (t), ==, 1000);
    g_assert_cmpint (fta_table_start_ns (t), ==, 50);
    g_assert_cmpstr (fta_table_full_name (t), ==, "my.lat");
    g_assert_cmpuint (fta_table_n_columns (t), ==, G_N_ELEMENTS (lat_columns));

    /* 40, 10, 30, 20: 4 values, sum 100, average 25; nearest rank: the
     * median is the 2nd smallest (20), the 99th percentile the 4th (40) */
    Lat rows[] = { { 7, fta_dist_new (), 0, 0.0 }, { -1, fta_dist_new (), -1, NAN },
                   { 0, NULL, G_MININT64, NAN } };
    static const gint64 v[] = { 40, 10, 30, 20 };
    for (guint i = 0; i < G_N_ELEMENTS (v); i++)
        fta_dist_add (rows[0].lat, v[i]);
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        fta_table_add_row_from (t, &lat_spec, &rows[i], NULL);

    static const gint64 want[] = { 7, 7, 4, 100, 25, 20, 40, 40, 0 };
    for (guint c = 0; c < G_N_ELEMENTS (want); c++) {
        g_assert_false (fta_table_cell (t, 0, c)->is_null);
        g_assert_cmpint (fta_table_cell (t, 0, c)->i, ==, want[c]);
    }
    /* a negative identifier and an empty distribution: null but for the
     * count and the sum, which are 0 */
    for (guint row = 1; row < 3; row++) {
        g_assert_cmpint (fta_table_cell (t, row, 1)->is_null, ==, row == 1);
        g_assert_cmpint (fta_table_cell (t, row, 2)->i, ==, 0);
        g_assert_false (fta_table_cell (t, row, 2)->is_null);
        g_assert_cmpint (fta_table_cell (t, row, 3)->i, ==, 0);
        g_assert_false (fta_table_cell (t, row, 3)->is_null);
        for (guint c = 4; c < 8; c++)
            g_assert_true (fta_table_cell (t, row, c)->is_null);
    }
    g_assert_cmpint (fta_table_cell (t, 2, 1)->i, ==, 0);
    g_assert_false (fta_table_omit_empty (t));
    g_assert_cmpstr (fta_table_title (t), ==, "Latencies");
    fta_table_set_title (t, "Latencies of 3");
    g_assert_cmpstr (fta_table_title (t), ==, "Latencies of 3");
    fta_table_set_title (t, NULL);
    g_assert_cmpstr (fta_table_title (t), ==, "my.lat");
    /* optional values: 0 is a value, negative and NaN are not */
    g_assert_false (fta_table_cell (t, 0, 8)->is_null);
    g_assert_cmpint (fta_table_cell (t, 0, 8)->i, ==, 0);
    g_assert_false (fta_table_cell (t, 0, 9)->is_null);
    g_assert_cmpfloat (fta_table_cell (t, 0, 9)->d, ==, 0.0);
    for (guint row = 1; row < 3; row++) {
        g_assert_true (fta_table_cell (t, row, 8)->is_null);
        g_assert_true (fta_table_cell (t, row, 9)->is_null);
    }
    fta_dist_free (rows[0].lat);
    fta_dist_free (rows[1].lat);
    fta_results_free (r);
}

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile P10 / 10 of the N sorted values V: the
 * smallest with at least that share of them at or below it. */
static gint64
nearest_rank (const gint64 *v, guint n, guint p10)
{
    guint64 rank = ((guint64) p10 * n + 999) / 1000;
    return v[CLAMP (rank, 1, n) - 1];
}

/* Percentiles are exact up to 4096 samples (as much memory as the
 * histogram that follows), then within 1/64 of the exact value; count,
 * sum, minimum and maximum stay exact. */
static void
test_dist_exact_then_bucketed (void)
{
    static const guint p10s[] = { 10, 500, 900, 990, 999, 1000 };
    GRand *rand = g_rand_new_with_seed (42);
    guint n_max = 20000;
    gint64 *v = g_new (gint64, n_max);
    FtaDist *d = fta_dist_new ();
    gint64 sum = 0;
    for (guint n = 1; n <= n_max; n++) {
        /* latencies from 1 us to about 32 ms, spread over powers of two */
        gint64 pow2 = (gint64) 1000 << g_rand_int_range (rand, 0, 15);
        v[n - 1] = pow2 + g_rand_int_range (rand, 0, (gint32) pow2);
        sum += v[n - 1];
        fta_dist_add (d, v[n - 1]);
        if (n != 1 && n != 4096 && n != 4097 && n != n_max)
            continue;
        gint64 *sorted = g_memdup2 (v, n * sizeof *v);
        qsort (sorted, n, sizeof *sorted, cmp_i64);
        g_assert_cmpuint (fta_dist_count (d), ==, n);
        g_assert_cmpint (fta_dist_sum (d), ==, sum);
        g_assert_cmpint (fta_dist_min (d), ==, sorted[0]);
        g_assert_cmpint (fta_dist_max (d), ==, sorted[n - 1]);
        for (guint i = 0; i < G_N_ELEMENTS (p10s); i++) {
            gint64 want = nearest_rank (sorted, n, p10s[i]);
            gint64 got = fta_dist_percentile (d, p10s[i] / 10.0);
            if (n <= 4096)
                g_assert_cmpint (got, ==, want);
            else
                g_assert_cmpint (ABS (got - want), <=, want / 64 + 1);
        }
        g_free (sorted);
    }
    fta_dist_free (d);
    g_free (v);
    g_rand_free (rand);
}

/* Exact percentiles whatever the values' size: the samples widen as
 * larger values come (16, 24, 32, 64 bits; negative values), percentiles
 * read between adds. */
static void
test_dist_wide_values (void)
{
    static const guint p10s[] = { 10, 500, 900, 990, 1000 };
    GRand *rand = g_rand_new_with_seed (7);
    gint64 *v = g_new (gint64, 300);
    for (guint trial = 0; trial < 40; trial++) {
        FtaDist *d = fta_dist_new ();
        guint n_max = (guint) g_rand_int_range (rand, 1, 300);
        for (guint n = 1; n <= n_max; n++) {
            /* ever larger values: up to 50 << n/8, and each trial's limit */
            static const gint32 limit[] = { 65535, (1 << 24) - 1, G_MAXINT32 - 1 };
            gint32 hi = (gint32) MIN ((gint64) limit[trial % 3], (gint64) 50 << MIN (n / 8, 30));
            gint64 x = g_rand_int_range (rand, trial % 3 == 2 && n > 150 ? -1000 : 0, hi + 1);
            if (trial % 2 && g_rand_int_range (rand, 0, 40) == 0)
                x = (g_rand_boolean (rand) ? 1 : -1) * ((gint64) 1 << 33) + x;
            v[n - 1] = x;
            fta_dist_add (d, x);
            if (g_rand_int_range (rand, 0, 5))
                continue;
            gint64 *sorted = g_memdup2 (v, n * sizeof *v);
            qsort (sorted, n, sizeof *sorted, cmp_i64);
            for (guint i = 0; i < G_N_ELEMENTS (p10s); i++)
                g_assert_cmpint (fta_dist_percentile (d, p10s[i] / 10.0), ==,
                                 nearest_rank (sorted, n, p10s[i]));
            g_assert_cmpint (fta_dist_min (d), ==, sorted[0]);
            g_assert_cmpint (fta_dist_max (d), ==, sorted[n - 1]);
            g_free (sorted);
        }
        fta_dist_free (d);
    }
    g_free (v);
    g_rand_free (rand);
}

/* Counts in powers of two (ABI 1.22): below 2 (negatives too), then
 * [2^k, 2^(k+1)); the same while exact and once bucketed, the buckets'
 * edges included. */
static void
test_dist_log2_counts (void)
{
    static const gint64 v[] = { -5, 0, 1, 2, 3, 4, 7, 8, 63, 64, 127, 128, 1000, 1023, 1024,
                                ((gint64) 1 << 40) - 1, (gint64) 1 << 40,
                                ((gint64) 1 << 62) + 5 };
    /* by hand: 0: -5 0 1; 1: 2 3; 2: 4 7; 3: 8; 5: 63; 6: 64 127; 7: 128;
     * 9: 1000 1023; 10: 1024; 39: 2^40 - 1; 40: 2^40; 62: 2^62 + 5 */
    guint64 want[64] = { 0 };
    want[0] = 3, want[1] = 2, want[2] = 2, want[3] = 1, want[5] = 1, want[6] = 2;
    want[7] = 1, want[9] = 2, want[10] = 1, want[39] = 1, want[40] = 1, want[62] = 1;
    FtaDist *d = fta_dist_new ();
    guint64 got[64];
    fta_dist_log2_counts (d, got);
    for (guint k = 0; k < 64; k++)
        g_assert_cmpuint (got[k], ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (v); i++)
        fta_dist_add (d, v[i]);
    for (guint pass = 0; pass < 2; pass++) {
        fta_dist_log2_counts (d, got);
        for (guint k = 0; k < 64; k++)
            g_assert_cmpuint (got[k], ==, want[k]);
        /* 5000 more in [2048, 4096): past the exact samples */
        for (guint i = 0; pass == 0 && i < 5000; i++)
            fta_dist_add (d, 2048 + i % 2048);
        want[11] = 5000;
    }
    fta_dist_free (d);
}

/* Rows by reference (ABI 1.20): the cells are read from the structs when
 * asked for, with the values the structs hold then; sorted as rows of
 * cells are; copies once a cell is set; and the same through a copy of
 * the results and through settling. */
static void
test_spec_ref (void)
{
    FtaResults *r = fta_results_new ();
    FtaTable *t = fta_results_add_table_spec (r, "my", &spec);
    /* 100 rows: more than the cells a table keeps at once.  Run times
     * 0, 30, 60, ... modulo 600: rows 20 apart tie. */
    Row *rows = g_new0 (Row, 100);
    for (guint i = 0; i < 100; i++) {
        rows[i] = (Row) { (gint32) (1000 + i), i % 2, (gint64) ((i * 30) % 600), i, i / 4.0,
                          i % 3 ? "a" : NULL, "" };
        g_snprintf (rows[i].comm, sizeof rows[i].comm, "task-%u", i);
        g_assert_cmpuint (fta_table_add_row_ref (t, &spec, &rows[i], marker), ==, i);
    }
    g_assert_cmpuint (fta_table_n_rows (t), ==, 100);
    /* read when asked for: a change to the struct before shows */
    rows[7].count = 77;
    for (guint i = 0; i < 100; i++) {
        g_assert_cmpint (fta_table_cell (t, i, 0)->i, ==, 1000 + i);
        g_assert_cmpint (fta_table_cell (t, i, 5)->i, ==, i == 7 ? 77 : i);
        g_assert_cmpfloat (fta_table_cell (t, i, 6)->d, ==, i / 4.0);
        g_assert_cmpint (fta_table_cell (t, i, 7)->i, ==, 2 * ((i * 30) % 600));
        g_assert_true (fta_table_cell (t, i, 3)->is_null == (i % 3 == 0));
        char *label = g_strdup_printf ("task-%u/%u", i, 1000 + i);
        g_assert_cmpstr (fta_table_cell (t, i, 8)->s, ==, label);
        g_free (label);
    }
    /* the cells of a row stay while fewer than FTA_TABLE_ROWS_KEPT other
     * rows are read */
    const FtaValue *first = fta_table_cell (t, 0, 2);
    for (guint i = 1; i < FTA_TABLE_ROWS_KEPT; i++)
        g_assert_nonnull (fta_table_cell (t, i, 2));
    g_assert_cmpstr (first->s, ==, "task-0");

    /* the order of a stable sort of the same values */
    fta_table_sort_by (t, "pid", TRUE);
    fta_table_sort_by (t, "run_ns", FALSE);
    gint64 prev_run = -1, prev_pid = G_MAXINT64;
    for (guint i = 0; i < 100; i++) {
        gint64 run = fta_table_cell (t, i, 4)->i, pid = fta_table_cell (t, i, 0)->i;
        g_assert_cmpint (run, >=, prev_run);
        if (run == prev_run)
            g_assert_cmpint (pid, <, prev_pid);
        prev_run = run;
        prev_pid = pid;
    }
    /* run 0: rows 0, 20, 40, 60 and 80, by pid descending */
    g_assert_cmpint (fta_table_cell (t, 0, 0)->i, ==, 1080);
    g_assert_cmpint (fta_table_cell (t, 4, 0)->i, ==, 1000);

    /* a copy holds its own cells */
    FtaResults *c = fta_results_copy (r);
    const FtaTable *ct = fta_results_table (c, 0);
    g_assert_cmpuint (fta_table_n_rows (ct), ==, 100);
    for (guint i = 0; i < 100; i++)
        for (guint col = 0; col < G_N_ELEMENTS (columns); col++) {
            const FtaValue *a = fta_table_cell (t, i, col), *b = fta_table_cell (ct, i, col);
            g_assert_true (a->is_null == b->is_null);
            if (!a->is_null && columns[col].type == FTA_COL_STRING)
                g_assert_cmpstr (a->s, ==, b->s);
            else if (!a->is_null)
                g_assert_true (a->i == b->i && a->d == b->d);
        }

    /* a cell set makes copies of the rows: the structs may go */
    fta_table_set_int (t, 0, 5, 5);
    memset (rows, 0, 100 * sizeof *rows);
    g_free (rows);
    g_assert_cmpint (fta_table_cell (t, 0, 5)->i, ==, 5);
    g_assert_cmpstr (fta_table_cell (t, 1, 2)->s, ==, fta_table_cell (ct, 1, 2)->s);
    g_assert_cmpint (fta_table_cell (t, 99, 0)->i, ==, fta_table_cell (ct, 99, 0)->i);
    fta_results_free (c);
    fta_results_free (r);
}

/* Rows by reference are sorted by their own code (radix, a merge of
 * string keys): each sort gives the order the stable sort of a table of
 * cells gives the same values, ties, nulls, -0 and strings sharing long
 * prefixes among them. */
typedef struct {
    gint32 id;     /* negative: null */
    gint64 run_ns; /* negative ones too */
    double share;
    const char *role;
    char comm[24];
} SortRow;

#define S(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (SortRow, member)

static const FtaColumnSpec sort_columns[] = {
    { "id", FTA_COL_INT, S (FTA_FIELD_ID32, id) },
    { "run_ns", FTA_COL_DURATION, S (FTA_FIELD_INT64, run_ns) },
    { "share_pct", FTA_COL_PERCENT, S (FTA_FIELD_DOUBLE, share) },
    { "role", FTA_COL_STRING, S (FTA_FIELD_STRING, role) },
    { "comm", FTA_COL_STRING, S (FTA_FIELD_CHARS, comm) },
};

static const FtaTableSpec sort_spec = { "sorted", NULL, sort_columns,
                                        G_N_ELEMENTS (sort_columns) };

static void
test_sort_ref (void)
{
    static const char *const roles[] = { "vcpu", "vhost", "io", "vcpu-extra", NULL };
    static const char *const stems[] = { "a", "task-", "kworker/u4:2-events", "kworker/u4:2-ev",
                                         "\xc3\xa9t\xc3\xa9", "cut\xe9", "" };
    enum { N = 3000 };
    GRand *rand = g_rand_new_with_seed (7);
    SortRow *rows = g_new0 (SortRow, N);
    FtaResults *r = fta_results_new ();
    FtaTable *refs = fta_results_add_table_spec (r, "my", &sort_spec);
    FtaTable *cells = fta_results_add_table_spec (r, "my", &sort_spec);
    for (guint i = 0; i < N; i++) {
        SortRow *x = &rows[i];
        x->id = g_rand_int_range (rand, -3, 40);
        x->run_ns = g_rand_int_range (rand, 0, 4) == 0 ? G_MININT64 + g_rand_int_range (rand, 0, 3)
                    : (gint64) g_rand_int_range (rand, -50, 50) * 1000000007;
        x->share = g_rand_int_range (rand, 0, 5) == 0 ? -0.0
                                                      : g_rand_int_range (rand, -20, 20) / 8.0;
        x->role = roles[g_rand_int_range (rand, 0, G_N_ELEMENTS (roles))];
        g_snprintf (x->comm, sizeof x->comm, "%s%d",
                    stems[g_rand_int_range (rand, 0, G_N_ELEMENTS (stems))],
                    g_rand_int_range (rand, 0, 30));
        fta_table_add_row_ref (refs, &sort_spec, x, NULL);
        fta_table_add_row_from (cells, &sort_spec, x, NULL);
    }
    for (guint k = 0; k < 40; k++) {
        guint col = g_rand_int_range (rand, 0, G_N_ELEMENTS (sort_columns));
        gboolean desc = g_rand_boolean (rand);
        fta_table_sort (refs, col, desc);
        fta_table_sort (cells, col, desc);
        for (guint i = 0; i < N; i++)
            for (guint c = 0; c < G_N_ELEMENTS (sort_columns); c++) {
                const FtaValue *a = fta_table_cell (refs, i, c), *b = fta_table_cell (cells, i, c);
                g_assert_true (a->is_null == b->is_null);
                if (a->is_null)
                    continue;
                if (sort_columns[c].type == FTA_COL_STRING)
                    g_assert_cmpstr (a->s, ==, b->s);
                else
                    g_assert_true (a->i == b->i && memcmp (&a->d, &b->d, sizeof a->d) == 0);
            }
    }
    fta_results_free (r);
    g_free (rows);
    g_rand_free (rand);
}

/* Evidence made by a format reads as the same text made by hand; the
 * count of an event is the one the quality holds, 0 for one it lacks. */
static void
test_evidence_and_counts (void)
{
    FtaResults *r = fta_results_new ();
    FtaFinding *f = fta_results_add_finding (r, FTA_SEVERITY_INFO, "my.code", "t", "c", "a");
    fta_finding_add_evidence_printf (f, "busy", "%.1f%% of %u CPUs", 12.34, 4u);
    fta_finding_add_evidence_printf (f, "plain", "%s", "as is");
    const FtaFinding *got = fta_results_finding (r, 0);
    g_assert_cmpuint (got->evidence_values->len, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (got->evidence_keys, 0), ==, "busy");
    g_assert_cmpstr (g_ptr_array_index (got->evidence_values, 0), ==, "12.3% of 4 CPUs");
    g_assert_cmpstr (g_ptr_array_index (got->evidence_values, 1), ==, "as is");

    g_assert_cmpuint (fta_quality_event_count (NULL, "sched_switch"), ==, 0);
    FtaQuality *q = fta_results_own_quality (r);
    static const char *const names[] = { "sched_switch", "sched_waking" };
    static const guint64 counts[] = { 7, 0 };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        g_ptr_array_add (q->event_names, (gpointer) names[i]);
        g_array_append_val (q->event_counts, counts[i]);
    }
    g_assert_cmpuint (fta_quality_event_count (q, "sched_switch"), ==, 7);
    g_assert_cmpuint (fta_quality_event_count (q, "sched_waking"), ==, 0);
    g_assert_cmpuint (fta_quality_event_count (q, "sched_wakeup"), ==, 0);
    const FtaQuality *seen = fta_results_quality (r);
    g_assert_cmpuint (fta_quality_event_count (seen, "sched_switch"), ==, 7);
    fta_results_free (r);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/results/table-spec", test_spec);
    g_test_add_func ("/results/table-spec-dist", test_spec_dist);
    g_test_add_func ("/results/table-spec-ref", test_spec_ref);
    g_test_add_func ("/results/table-sort-ref", test_sort_ref);
    g_test_add_func ("/results/dist-exact-then-bucketed", test_dist_exact_then_bucketed);
    g_test_add_func ("/results/dist-wide-values", test_dist_wide_values);
    g_test_add_func ("/results/dist-log2-counts", test_dist_log2_counts);
    g_test_add_func ("/results/evidence-and-counts", test_evidence_and_counts);
    return g_test_run ();
}
