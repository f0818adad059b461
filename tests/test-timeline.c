/* test-timeline.c - the timeline plugin: time series, bursts, periodicity.
 *
 * Hand-made traces whose windows are worked out by hand in the comments,
 * then the recordings of tests/data/corpus: the series add up to the awk
 * counts of the same files and to the cpu and switch plugins' totals, and
 * the periods found are the ones the recordings' workloads have (worked out
 * from each task's wakeup times in the raw text, see the table below).
 *
 * Hand traces: times are 100.000000 s plus the microseconds written first
 * in each line's comment ("T").
 */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

#define run_argv fta_test_run
#define write_tmp(name, text) fta_test_write (tmpdir, name, text)
#define root fta_test_root
#define rows_of fta_test_rows
#define cell fta_test_cell_int
#define cell_pct fta_test_cell_pct
#define cell_str fta_test_cell_str
#define finding fta_test_finding
#define series_rows fta_test_series_rows
#define trace_new fta_test_trace_new
#define ev fta_test_ev
#define sw fta_test_sw
#define wake fta_test_wake

static char *tmpdir;

#define US 1000 /* ns */

/* --- running the CLI ------------------------------------------------------- */

/* A run's analyzers: switch and cpu (for the numbers the series are
 * compared with), and timeline with its options. */
#define TL_ANALYZERS "\"switch\", \"cpu\", \"timeline\""

/* Analyzes TRACE with the extra arguments; returns the JSON document. */
static JsonParser *
analyze (const char *trace, const char *options, const char *const *extra)
{
    return fta_test_analyze_with (tmpdir, TL_ANALYZERS, "timeline", options, trace, extra);
}

static gint64
column_sum (GPtrArray *rows, const char *col)
{
    gint64 sum = 0;
    for (guint i = 0; i < rows->len; i++)
        sum += cell (g_ptr_array_index (rows, i), col);
    return sum;
}

/* The text output of a run, for the series' headings. */
static char *
analyze_text (const char *trace, const char *options, const char *const *extra)
{
    return fta_test_analyze_text_with (tmpdir, TL_ANALYZERS, "timeline", options, trace, extra);
}

/* --- hand trace 1 ----------------------------------------------------------------- */

/* 1000 us, two CPUs.
 *   T0    CPU 0: A switched in               T300-310 CPU 1: a softirq
 *   T50   CPU 1: B woken (waking, wakeup 51)  T350 CPU 0: A preempted, C in
 *   T70   CPU 1: B switched in                T420 CPU 1: B sleeps, idle
 *   T150  CPU 0: C migrated to CPU 0          T1000 CPU 0: C sleeps (the end)
 *   T250-260 CPU 0: an IRQ
 * Runs: A 0-350, B 70-420, C 350-1000. */
static char *
trace1 (void)
{
    GString *s = trace_new ();
    sw (s, 0, 0, "swapper/0", 0, "R", "A", 101);
    wake (s, 50, 1, "<idle>", 0, "B", 102, 1);
    sw (s, 70, 1, "swapper/1", 0, "R", "B", 102);
    ev (s, 150, 0, "A", 101,
        "sched_migrate_task: comm=C pid=103 prio=120 orig_cpu=1 dest_cpu=0");
    ev (s, 250, 0, "A", 101, "irq_handler_entry: irq=24 name=virtio0");
    ev (s, 260, 0, "A", 101, "irq_handler_exit: irq=24 ret=handled");
    ev (s, 300, 1, "B", 102, "softirq_entry: vec=7 [action=SCHED]");
    ev (s, 310, 1, "B", 102, "softirq_exit: vec=7 [action=SCHED]");
    sw (s, 350, 0, "A", 101, "R", "C", 103);
    sw (s, 420, 1, "B", 102, "S", "swapper/1", 0);
    sw (s, 1000, 0, "C", 103, "S", "swapper/0", 0);
    char *path = write_tmp ("trace1.txt", s->str);
    g_string_free (s, TRUE);
    return path;
}

/* --window 0.0001: ten windows of 100 us from T0; the switch at T1000 is
 * the trace's last timestamp and counts in the last window.
 *   window  wakeups switches migrations irqs softirqs  CPU0 CPU1  A   B   C
 *     0       1       2                                 100   30  100  30
 *     1                          1                      100  100  100 100
 *     2                                     1           100  100  100 100
 *     3               1                          1      100  100   50 100  50
 *     4               1                                 100   20       20 100
 *   5..8                                                100    0          100
 *     9               1                                 100    0          100
 * The wakeup counts once (sched_waking; its sched_wakeup is not counted
 * again).  Tasks by run time: C 650, then A and B 350 each, by pid. */
static void
test_user_window (void)
{
    char *trace = trace1 ();
    JsonParser *p = analyze (trace, NULL, (const char *[]) { "--window", "0.0001", NULL });
    gint64 window, start;
    GPtrArray *ev_rows = series_rows (root (p), "timeline.events", &window, &start);
    g_assert_cmpint (window, ==, 100 * US);
    g_assert_cmpint (start, ==, G_GINT64_CONSTANT (100000000000));
    g_assert_cmpuint (ev_rows->len, ==, 10);
    const gint64 want[10][5] = {
        { 1, 2, 0, 0, 0 }, { 0, 0, 1, 0, 0 }, { 0, 0, 0, 1, 0 }, { 0, 1, 0, 0, 1 },
        { 0, 1, 0, 0, 0 }, { 0 }, { 0 }, { 0 }, { 0 }, { 0, 1, 0, 0, 0 },
    };
    const char *cols[] = { "wakeups", "switches", "migrations", "irqs", "softirqs" };
    for (guint i = 0; i < 10; i++) {
        GHashTable *r = g_ptr_array_index (ev_rows, i);
        g_assert_cmpint (cell (r, "t_ns"), ==, i * 100 * US);
        for (guint c = 0; c < 5; c++)
            g_assert_cmpint (cell (r, cols[c]), ==, want[i][c]);
    }

    GPtrArray *busy = series_rows (root (p), "timeline.cpu_busy", NULL, NULL);
    const gint64 cpu1[10] = { 30, 100, 100, 100, 20, 0, 0, 0, 0, 0 };
    g_assert_cmpuint (busy->len, ==, 20);
    for (guint i = 0; i < 20; i++) {
        GHashTable *r = g_ptr_array_index (busy, i);
        g_assert_cmpint (cell (r, "t_ns"), ==, (i / 2) * 100 * US);
        g_assert_cmpint (cell (r, "cpu"), ==, i % 2);
        gint64 us = i % 2 ? cpu1[i / 2] : 100;
        g_assert_cmpint (cell (r, "busy_ns"), ==, us * US);
        g_assert_cmpfloat_with_epsilon (cell_pct (r, "busy_pct"), (double) us, 1e-9);
    }

    GPtrArray *tasks = series_rows (root (p), "timeline.tasks", NULL, NULL);
    const struct {
        gint64 pid;
        const char *comm;
        gint64 run[10];
    } tw[] = {
        { 103, "C", { 0, 0, 0, 50, 100, 100, 100, 100, 100, 100 } },
        { 101, "A", { 100, 100, 100, 50, 0, 0, 0, 0, 0, 0 } },
        { 102, "B", { 30, 100, 100, 100, 20, 0, 0, 0, 0, 0 } },
    };
    g_assert_cmpuint (tasks->len, ==, 30);
    for (guint i = 0; i < 30; i++) {
        GHashTable *r = g_ptr_array_index (tasks, i);
        guint w = i / 3, k = i % 3;
        g_assert_cmpint (cell (r, "t_ns"), ==, w * 100 * US);
        g_assert_cmpint (cell (r, "pid"), ==, tw[k].pid);
        g_assert_cmpstr (cell_str (r, "comm"), ==, tw[k].comm);
        g_assert_cmpint (cell (r, "run_ns"), ==, tw[k].run[w] * US);
        g_assert_cmpfloat_with_epsilon (cell_pct (r, "run_pct"), (double) tw[k].run[w], 1e-9);
    }
    g_ptr_array_unref (tasks);
    g_ptr_array_unref (busy);
    g_ptr_array_unref (ev_rows);
    g_object_unref (p);

    /* top_tasks = 1: C alone */
    p = analyze (trace, "top_tasks = 1;", (const char *[]) { "--window", "0.0001", NULL });
    tasks = series_rows (root (p), "timeline.tasks", NULL, NULL);
    g_assert_cmpuint (tasks->len, ==, 10);
    for (guint i = 0; i < 10; i++)
        g_assert_cmpint (cell (g_ptr_array_index (tasks, i), "pid"), ==, 103);
    g_ptr_array_unref (tasks);
    g_object_unref (p);
    g_free (trace);
}

/* Without --window: the span, 1000 us, / 100 = 10 us, already 1 x 10^4 ns:
 * 100 windows of 10 us.  The switch at T350 is in window 35, the one at
 * T1000 in the last (99); CPU 0 is busy all 1000 us, CPU 1 350 (B). */
static void
test_auto_window (void)
{
    char *trace = trace1 ();
    JsonParser *p = analyze (trace, NULL, NULL);
    gint64 window;
    GPtrArray *rows = series_rows (root (p), "timeline.events", &window, NULL);
    g_assert_cmpint (window, ==, 10 * US);
    g_assert_cmpuint (rows->len, ==, 100);
    g_assert_cmpint (column_sum (rows, "switches"), ==, 5);
    g_assert_cmpint (column_sum (rows, "wakeups"), ==, 1);
    g_assert_cmpint (cell (g_ptr_array_index (rows, 35), "switches"), ==, 1);
    g_assert_cmpint (cell (g_ptr_array_index (rows, 99), "switches"), ==, 1);
    g_assert_cmpint (cell (g_ptr_array_index (rows, 5), "wakeups"), ==, 1);
    GPtrArray *busy = series_rows (root (p), "timeline.cpu_busy", NULL, NULL);
    gint64 b[2] = { 0, 0 };
    for (guint i = 0; i < busy->len; i++)
        b[cell (g_ptr_array_index (busy, i), "cpu")]
            += cell (g_ptr_array_index (busy, i), "busy_ns");
    g_assert_cmpint (b[0], ==, 1000 * US);
    g_assert_cmpint (b[1], ==, 350 * US);
    g_ptr_array_unref (busy);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* --window 0.000001 on a 30 ms trace would make 30000 windows: the buckets
 * double as the trace grows past 10000 of them (at T10000: 2 us; at T20000:
 * 4 us): 7500 windows of 4 us, and the title says so. */
static void
test_widened (void)
{
    GString *s = trace_new ();
    sw (s, 0, 0, "swapper/0", 0, "R", "A", 101);
    sw (s, 30000, 0, "A", 101, "S", "swapper/0", 0);
    char *trace = write_tmp ("long.txt", s->str);
    g_string_free (s, TRUE);
    const char *args[] = { "--window", "0.000001", NULL };
    JsonParser *p = analyze (trace, NULL, args);
    gint64 window;
    GPtrArray *rows = series_rows (root (p), "timeline.events", &window, NULL);
    g_assert_cmpint (window, ==, 4 * US);
    g_assert_cmpuint (rows->len, ==, 7500);
    g_assert_cmpint (column_sum (rows, "switches"), ==, 2);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    char *text = analyze_text (trace, NULL, args);
    g_assert_nonnull (strstr (text, "== Events per 4 us window (--window 1 us widened: "
                                    "at most 10000 windows) (timeline.events) =="));
    g_assert_nonnull (strstr (text, "(timeline.cpu_busy) =="));
    g_assert_nonnull (strstr (text, "(timeline.tasks) =="));
    g_free (text);
    g_free (trace);
}

/* --- bursts ------------------------------------------------------------------------- */

/* A wakeup every 1 ms from T0 to T20000, and 10 more in window 7 (T7100 to
 * T7550).  --window 0.001: 20 windows (the one at T20000, the last
 * timestamp, counts in window 19): eighteen have 1 wakeup, window 19 has 2,
 * window 7 has 11.  Median 1; with burst_factor 5 and 1000/s (1 per
 * window) the threshold is 5: window 7 alone is a burst. */
static void
test_bursts (void)
{
    GString *s = trace_new ();
    for (int k = 0; k <= 20; k++) {
        wake (s, k * 1000, 0, "<idle>", 0, "P", 400, 0);
        for (int j = 0; k == 7 && j < 10; j++)
            wake (s, 7100 + 50 * j, 0, "<idle>", 0, "Q", 401, 0);
    }
    char *trace = write_tmp ("bursts.txt", s->str);
    g_string_free (s, TRUE);
    const char *args[] = { "--window", "0.001", NULL };
    JsonParser *p = analyze (trace, NULL, args);
    JsonObject *f = finding (root (p), "timeline.burst.wakeups");
    g_assert_nonnull (f);
    JsonObject *evd = json_object_get_object_member (f, "evidence");
    g_assert_cmpstr (json_object_get_string_member (evd, "median_per_window"), ==, "1");
    g_assert_cmpstr (json_object_get_string_member (evd, "threshold_per_window"), ==, "5.0");
    g_assert_cmpstr (json_object_get_string_member (evd, "burst_windows"), ==, "1 of 20");
    g_assert_cmpstr (json_object_get_string_member (evd, "largest"), ==, "100.007000 s: 11");
    g_assert_null (finding (root (p), "timeline.burst.switches"));
    g_object_unref (p);
    /* 11 is not more than 12 x the median; nor 20 000/s */
    p = analyze (trace, "burst_factor = 12.0;", args);
    g_assert_null (finding (root (p), "timeline.burst.wakeups"));
    g_object_unref (p);
    p = analyze (trace, "burst_min_rate = 20000.0;", args);
    g_assert_null (finding (root (p), "timeline.burst.wakeups"));
    g_object_unref (p);
    g_free (trace);
}

/* --- periodicity -------------------------------------------------------------------- */

static int
cmp_int (gconstpointer a, gconstpointer b)
{
    return *(const int *) a - *(const int *) b;
}

/* One second of wakeups: with PERIODIC, 3 every 5 ms (at +0, +200 and
 * +400 us) plus 300 at random times; without, 900 at random times.  The
 * fine buckets of a 1 s trace are 100 us wide (1 us, then 10 us past 20 ms,
 * then 100 us past 200 ms): the period is 50 buckets. */
static char *
wakeups_trace (gboolean periodic, guint32 seed)
{
    GArray *t = g_array_new (FALSE, FALSE, sizeof (int));
    GRand *rand = g_rand_new_with_seed (seed);
    for (int k = 0; periodic && k < 200; k++)
        for (int j = 0; j < 3; j++) {
            int us = k * 5000 + j * 200;
            g_array_append_val (t, us);
        }
    for (guint i = 0; i < (periodic ? 300u : 900u); i++) {
        int us = g_rand_int_range (rand, 0, 1000000);
        g_array_append_val (t, us);
    }
    g_array_sort (t, cmp_int);
    GString *s = trace_new ();
    for (guint i = 0; i < t->len; i++)
        ev (s, g_array_index (t, int, i), 0, "<idle>", 0,
            "sched_waking: comm=P pid=400 prio=120 target_cpu=000");
    char *path = write_tmp (periodic ? "periodic.txt" : "random.txt", s->str);
    g_string_free (s, TRUE);
    g_rand_free (rand);
    g_array_free (t, TRUE);
    return path;
}

static gint64
period_ns (JsonObject *doc)
{
    JsonObject *f = finding (doc, "timeline.periodic");
    if (!f)
        return -1;
    JsonObject *evd = json_object_get_object_member (f, "evidence");
    return g_ascii_strtoll (json_object_get_string_member (evd, "period_ns"), NULL, 10);
}

static void
test_periodic (void)
{
    char *trace = wakeups_trace (TRUE, 7);
    JsonParser *p = analyze (trace, NULL, NULL);
    g_assert_cmpint (period_ns (root (p)), ==, 5000 * US);
    JsonObject *evd = json_object_get_object_member (finding (root (p), "timeline.periodic"),
                                                     "evidence");
    g_assert_cmpstr (json_object_get_string_member (evd, "resolution"), ==, "100 us");
    g_assert_cmpstr (json_object_get_string_member (evd, "metric"), ==, "wakeups");
    double acf = g_ascii_strtod (json_object_get_string_member (evd, "autocorrelation"), NULL);
    g_test_message ("autocorrelation at the period: %.2f", acf);
    g_assert_cmpfloat (acf, >=, 0.3);
    g_object_unref (p);
    /* not reported when a stronger one is asked for */
    char *opt = g_strdup_printf ("period_min_acf = %.2f;", MIN (acf + 0.1, 1.0));
    p = analyze (trace, opt, NULL);
    g_assert_cmpint (period_ns (root (p)), ==, -1);
    g_object_unref (p);
    g_free (opt);
    g_free (trace);
    for (guint32 seed = 1; seed <= 3; seed++) {
        trace = wakeups_trace (FALSE, seed);
        p = analyze (trace, NULL, NULL);
        g_assert_cmpint (period_ns (root (p)), ==, -1);
        g_object_unref (p);
        g_free (trace);
    }
}

/* --- the corpus ----------------------------------------------------------------------- */

typedef struct {
    const char *scenario;
    const char *variant;
    /* the period of the wakeups, -1 for none, from each task's wakeup times
     * in the raw text:
     *  - cpu_contention: cyclictest's threads wake every 2.000 and 2.500 ms
     *    and its main thread every 10.07 ms: together, every 10 ms;
     *  - io_block: the wakeups of the fio jobs and of kworker/1:1H have an
     *    autocorrelation of 0.96 to 0.98 at 5 ms (1 ms buckets);
     *  - qemu_tcg: qemu's main thread (9499 of the 11995 wakeups), 0.80 at
     *    4 ms;
     *  - quiet: "[br] z:1" sleeps 10 ms and spins 2 ms: its wakeups are
     *    12.07 ms apart (median);
     *  - lossy: 0.13 s, its CPU 0 buffer starting 42 ms in; no period. */
    gint64 period_ms;
} Recording;

static char *
data_file (const char *name)
{
    return g_test_build_filename (G_TEST_DIST, "data", "corpus", name, NULL);
}

static char *
gunzip (const char *gz)
{
    char *txt = g_build_filename (tmpdir, "trace.txt", NULL);
    char *cmd = g_strdup_printf ("gzip -dc '%s' > '%s'", gz, txt);
    char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    int status;
    GError *error = NULL;
    g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                  &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    g_free (cmd);
    return txt;
}

/* "COUNT<TAB>NAME" in the counts file's events per type; 0 if absent. */
static gint64
counts_type (const char *text, const char *type)
{
    const char *s = strstr (text, "## events per type\n");
    g_assert_nonnull (s);
    const char *end = strstr (s + 1, "\n## ");
    char *key = g_strdup_printf ("\t%s\n", type);
    const char *hit = strstr (s, key);
    gint64 n = 0;
    if (hit && (!end || hit < end)) {
        const char *bol = hit;
        while (bol > s && bol[-1] != '\n')
            bol--;
        n = g_ascii_strtoll (bol, NULL, 10);
    }
    g_free (key);
    return n;
}

#define counts_ts fta_test_counts_ts

/* docs/metrics.md, timeline: span / 100 rounded up to 1, 2 or 5 x 10^k ns. */
static gint64
expected_window (gint64 span)
{
    gint64 raw = (span + 99) / 100;
    for (gint64 p = 1;; p *= 10)
        for (const int *m = (const int[]) { 1, 2, 5, 0 }; *m; m++)
            if (*m * p >= raw)
                return *m * p;
}

static void
test_corpus (gconstpointer data)
{
    const Recording *rec = data;
    char *name = g_strdup_printf ("%s_%s.txt.gz", rec->scenario, rec->variant);
    char *gz = data_file (name);
    char *trace = gunzip (gz);
    JsonParser *p = analyze (trace, NULL, NULL);
    JsonObject *doc = root (p);
    char *cname = g_strdup_printf ("%s_%s.counts.txt", rec->scenario, rec->variant);
    char *cpath = data_file (cname);
    char *counts;
    g_assert_true (g_file_get_contents (cpath, &counts, NULL, NULL));

    /* the windows, from the span the awk counts give */
    gint64 first = counts_ts (counts, "first_ts"), last = counts_ts (counts, "last_ts");
    gint64 window, start;
    GPtrArray *rows = series_rows (doc, "timeline.events", &window, &start);
    g_assert_cmpint (window, ==, expected_window (last - first));
    g_assert_cmpint (start, ==, first);
    g_assert_cmpuint (rows->len, ==, (last - first + window - 1) / window);

    /* every event in one window */
    const struct {
        const char *col, *type;
    } sums[] = { { "switches", "sched_switch" },      { "wakeups", "sched_waking" },
                 { "migrations", "sched_migrate_task" }, { "irqs", "irq_handler_entry" },
                 { "softirqs", "softirq_entry" } };
    for (guint i = 0; i < G_N_ELEMENTS (sums); i++)
        g_assert_cmpint (column_sum (rows, sums[i].col), ==, counts_type (counts, sums[i].type));

    /* busy per CPU adds up to cpu.cpus */
    GPtrArray *cpus = rows_of (doc, "cpu.cpus");
    GPtrArray *busy = series_rows (doc, "timeline.cpu_busy", NULL, NULL);
    g_assert_cmpuint (busy->len, ==, rows->len * cpus->len);
    gint64 truncated = 0;
    for (guint c = 0; c < cpus->len; c++) {
        GHashTable *cr = g_ptr_array_index (cpus, c);
        gint64 sum = 0;
        for (guint i = 0; i < busy->len; i++)
            if (cell (g_ptr_array_index (busy, i), "cpu") == cell (cr, "cpu"))
                sum += cell (g_ptr_array_index (busy, i), "busy_ns");
        g_assert_cmpint (sum, ==, cell (cr, "busy_ns"));
        truncated += cell (cr, "busy_truncated_ns");
    }

    /* each top task's windows add up to its switch.tasks run_ns, plus at
     * most the runs cut by the trace's end */
    GPtrArray *tasks = series_rows (doc, "timeline.tasks", NULL, NULL);
    GPtrArray *sw_rows = rows_of (doc, "switch.tasks");
    g_assert_cmpuint (tasks->len, ==, rows->len * 5);
    gint64 extra = 0;
    for (guint k = 0; k < 5; k++) {
        gint64 pid = cell (g_ptr_array_index (tasks, k), "pid"), sum = 0, run = -1;
        for (guint i = k; i < tasks->len; i += 5) {
            g_assert_cmpint (cell (g_ptr_array_index (tasks, i), "pid"), ==, pid);
            sum += cell (g_ptr_array_index (tasks, i), "run_ns");
        }
        for (guint i = 0; i < sw_rows->len; i++)
            if (cell (g_ptr_array_index (sw_rows, i), "pid") == pid)
                run = cell (g_ptr_array_index (sw_rows, i), "run_ns");
        g_assert_cmpint (sum, >=, run);
        extra += sum - run;
        /* the five busiest of switch.tasks (sorted by run_ns) */
        g_assert_cmpint (cell (g_ptr_array_index (sw_rows, k), "run_ns") + truncated, >=, sum);
    }
    g_assert_cmpint (extra, <=, truncated);

    gint64 period = period_ns (doc);
    g_test_message ("%s: period %" G_GINT64_FORMAT " ns", name, period);
    if (rec->period_ms < 0)
        g_assert_cmpint (period, ==, -1);
    else
        g_assert_cmpint (ABS (period - rec->period_ms * 1000000), <=, 500000);

    /* the recordings are level: no gradual increase (docs/diagnosis.md
     * gives their lines' R², 0.08 at most) */
    const char *metrics[] = { "wakeups", "switches", "runnable", "blocked" };
    for (guint i = 0; i < G_N_ELEMENTS (metrics); i++) {
        char *code = g_strdup_printf ("timeline.trend.%s", metrics[i]);
        g_assert_null (finding (doc, code));
        g_free (code);
    }

    g_ptr_array_unref (sw_rows);
    g_ptr_array_unref (tasks);
    g_ptr_array_unref (busy);
    g_ptr_array_unref (cpus);
    g_ptr_array_unref (rows);
    g_free (counts);
    g_free (cpath);
    g_free (cname);
    g_object_unref (p);
    g_unlink (trace);
    g_free (trace);
    g_free (gz);
    g_free (name);
}


/* --- gradual increases ------------------------------------------------------------- */

/* The least-squares line through V[0..N-1] at x = 0..N-1, computed here
 * from the counts the test itself wrote: its ends, and R². */
static void
fit_line (const double *v, int n, double *start, double *end, double *r2)
{
    double xm = (n - 1) / 2.0, ym = 0, sxx = 0, sxy = 0, syy = 0;
    for (int i = 0; i < n; i++)
        ym += v[i] / n;
    for (int i = 0; i < n; i++) {
        sxx += (i - xm) * (i - xm);
        sxy += (i - xm) * (v[i] - ym);
        syy += (v[i] - ym) * (v[i] - ym);
    }
    double slope = sxy / sxx;
    *start = ym - slope * xm;
    *end = ym + slope * xm;
    *r2 = sxy * sxy / (sxx * syy);
}

/* 20 windows of 10 ms (--window 0.01): in window K, COUNTS[K] wakeups of
 * P spread over its first 5 ms; softirq raises at 0 and 200 ms make the
 * span. */
static char *
ramp_trace (const char *name, const int *counts)
{
    GString *s = trace_new ();
    ev (s, 0, 0, "<idle>", 0, "softirq_raise: vec=9 [action=RCU]");
    for (int k = 0; k < 20; k++)
        for (int j = 0; j < counts[k]; j++)
            wake (s, k * 10000 + 100 + j * 100, 0, "<idle>", 0, "P", 400, 0);
    ev (s, 200000, 0, "<idle>", 0, "softirq_raise: vec=9 [action=RCU]");
    char *path = write_tmp (name, s->str);
    g_string_free (s, TRUE);
    return path;
}

static const char *
evidence (JsonObject *f, const char *key)
{
    return json_object_get_string_member (json_object_get_object_member (f, "evidence"), key);
}

/* Wakeups rising 2, 3, ... 21 per window: an exact line (R² 1), +950 %,
 * ending at 2100 a second.  Each threshold on both sides. */
static void
test_trend_ramp (void)
{
    int counts[20];
    for (int k = 0; k < 20; k++)
        counts[k] = 2 + k;
    char *trace = ramp_trace ("ramp.txt", counts);
    const char *args[] = { "--window", "0.01", NULL };
    JsonParser *p = analyze (trace, NULL, args);
    JsonObject *f = finding (root (p), "timeline.trend.wakeups");
    g_assert_nonnull (f);
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "info");
    g_assert_cmpint (json_object_get_int_member (f, "cost_ns"), ==, 0);
    g_assert_cmpstr (evidence (f, "windows"), ==, "20");
    g_assert_cmpstr (evidence (f, "start_per_window"), ==, "2.0");
    g_assert_cmpstr (evidence (f, "end_per_window"), ==, "21.0");
    g_assert_cmpstr (evidence (f, "rise"), ==, "+950%");
    g_assert_cmpstr (evidence (f, "slope_per_window"), ==, "1.00");
    g_assert_cmpstr (evidence (f, "r2"), ==, "1.000");
    g_assert_cmpstr (evidence (f, "end_per_second"), ==, "2100");
    /* one switch-less wakeup each: no other series rises */
    g_assert_null (finding (root (p), "timeline.trend.switches"));
    g_assert_null (finding (root (p), "timeline.trend.runnable"));
    g_object_unref (p);

    const struct {
        const char *options;
        gboolean fires;
    } sides[] = {
        { "trend_min_windows = 20;", TRUE },  { "trend_min_windows = 21;", FALSE },
        { "trend_min_rise_pct = 940.0;", TRUE }, { "trend_min_rise_pct = 960.0;", FALSE },
        { "trend_min_rate = 2000.0;", TRUE },  { "trend_min_rate = 2200.0;", FALSE },
        { "trend_min_r2 = 1.0;", TRUE },
    };
    for (guint i = 0; i < G_N_ELEMENTS (sides); i++) {
        p = analyze (trace, sides[i].options, args);
        g_assert_true ((finding (root (p), "timeline.trend.wakeups") != NULL) == sides[i].fires);
        g_object_unref (p);
    }
    g_free (trace);

    /* the same rise with every other window 8 higher: R² below 1, as
     * computed here */
    double v[20], start, end, r2;
    for (int k = 0; k < 20; k++) {
        counts[k] = 2 + k + (k % 2 ? 8 : 0);
        v[k] = counts[k];
    }
    fit_line (v, 20, &start, &end, &r2);
    g_assert_cmpfloat (r2, >, 0.5);
    g_assert_cmpfloat (r2, <, 0.9);
    trace = ramp_trace ("zigzag.txt", counts);
    char *below = g_strdup_printf ("trend_min_r2 = %.4f;", r2 - 0.001);
    char *above = g_strdup_printf ("trend_min_r2 = %.4f;", r2 + 0.001);
    p = analyze (trace, below, args);
    f = finding (root (p), "timeline.trend.wakeups");
    g_assert_nonnull (f);
    char *want = g_strdup_printf ("%.3f", r2);
    g_assert_cmpstr (evidence (f, "r2"), ==, want);
    g_free (want);
    want = g_strdup_printf ("%.1f", end);
    g_assert_cmpstr (evidence (f, "end_per_window"), ==, want);
    g_free (want);
    g_object_unref (p);
    p = analyze (trace, above, args);
    g_assert_null (finding (root (p), "timeline.trend.wakeups"));
    g_object_unref (p);
    g_free (below);
    g_free (above);
    g_free (trace);

    /* level, and falling: nothing */
    for (int k = 0; k < 20; k++)
        counts[k] = 10;
    trace = ramp_trace ("level.txt", counts);
    p = analyze (trace, "trend_min_r2 = 0.0; trend_min_rise_pct = 0.0;", args);
    g_assert_null (finding (root (p), "timeline.trend.wakeups"));
    g_object_unref (p);
    g_free (trace);
    for (int k = 0; k < 20; k++)
        counts[k] = 30 - k;
    trace = ramp_trace ("falling.txt", counts);
    p = analyze (trace, "trend_min_r2 = 0.0; trend_min_rise_pct = 0.0;", args);
    g_assert_null (finding (root (p), "timeline.trend.wakeups"));
    g_object_unref (p);
    g_free (trace);
}

/* B blocked in D (K + 1) x 400 us + 1 us in window K of 20 windows of
 * 10 ms (D ends at the sched_wakeup, 1 us after the sched_waking), on two
 * CPUs (20 ms of CPU time a window): the line goes from 401 us to 8001 us,
 * 40 % of the CPUs' time, past trend_harm_pct: a warning, whose cost is
 * the D time above 401 us, 400 us x (0 + 1 + ... + 19) = 76 ms. */
static void
test_trend_blocked (void)
{
    GString *s = trace_new ();
    sw (s, 0, 1, "swapper/1", 0, "R", "B", 500);
    for (int k = 0; k < 20; k++) {
        int base = k * 10000, d = (k + 1) * 400;
        sw (s, base + 200, 1, "B", 500, "D", "swapper/1", 0);
        wake (s, base + 200 + d, 0, "<idle>", 0, "B", 500, 1);
        sw (s, base + 200 + d + 5, 1, "swapper/1", 0, "R", "B", 500);
    }
    ev (s, 200000, 0, "<idle>", 0, "softirq_raise: vec=9 [action=RCU]");
    char *trace = write_tmp ("blocked-ramp.txt", s->str);
    g_string_free (s, TRUE);
    const char *args[] = { "--window", "0.01", NULL };
    JsonParser *p = analyze (trace, NULL, args);
    JsonObject *f = finding (root (p), "timeline.trend.blocked");
    g_assert_nonnull (f);
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "warning");
    g_assert_cmpint (json_object_get_int_member (f, "cost_ns"), ==, 76000000);
    g_assert_cmpstr (evidence (f, "start_per_window"), ==, "0.401 ms");
    g_assert_cmpstr (evidence (f, "end_per_window"), ==, "8.001 ms");
    g_assert_cmpstr (evidence (f, "end_share_of_cpus"), ==, "40.0% of 2 CPUs");
    g_assert_cmpstr (evidence (f, "r2"), ==, "1.000");
    /* wakeups and switches are level */
    g_assert_null (finding (root (p), "timeline.trend.wakeups"));
    g_assert_null (finding (root (p), "timeline.trend.switches"));
    g_object_unref (p);
    /* below the harm threshold: information, costing nothing */
    p = analyze (trace, "trend_harm_pct = 41.0;", args);
    f = finding (root (p), "timeline.trend.blocked");
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "info");
    g_assert_cmpint (json_object_get_int_member (f, "cost_ns"), ==, 0);
    g_object_unref (p);
    p = analyze (trace, "trend_harm_pct = 39.0;", args);
    f = finding (root (p), "timeline.trend.blocked");
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "warning");
    g_object_unref (p);
    /* ending at 40 %: above a floor of 39 %, not of 41 % */
    p = analyze (trace, "trend_min_time_pct = 39.0;", args);
    g_assert_nonnull (finding (root (p), "timeline.trend.blocked"));
    g_object_unref (p);
    p = analyze (trace, "trend_min_time_pct = 41.0;", args);
    g_assert_null (finding (root (p), "timeline.trend.blocked"));
    g_object_unref (p);
    g_free (trace);
}

static const Recording recordings[] = {
    { "cpu_contention", "ftrace_default", 10 }, { "io_block", "ftrace_default", 5 },
    { "qemu_tcg", "ftrace_default", 4 },        { "qemu_tcg", "tracecmd_report_ns", 4 },
    { "quiet", "ftrace_default", 12 },          { "lossy", "ftrace_default", -1 },
};

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-timeline-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/timeline/hand/user-window", test_user_window);
    g_test_add_func ("/timeline/hand/auto-window", test_auto_window);
    g_test_add_func ("/timeline/hand/widened", test_widened);
    g_test_add_func ("/timeline/hand/bursts", test_bursts);
    g_test_add_func ("/timeline/hand/periodic", test_periodic);
    g_test_add_func ("/timeline/hand/trend-ramp", test_trend_ramp);
    g_test_add_func ("/timeline/hand/trend-blocked", test_trend_blocked);
    for (guint i = 0; i < G_N_ELEMENTS (recordings); i++) {
        char *tp = g_strdup_printf ("/timeline/corpus/%s/%s", recordings[i].scenario,
                                    recordings[i].variant);
        g_test_add_data_func (tp, &recordings[i], test_corpus);
        g_free (tp);
    }
    int rc = g_test_run ();
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
