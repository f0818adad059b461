/* test-blocking.c - the blocking analyzer: a hand-made trace whose numbers
 * are worked out below, and the real io_block recording against
 * trace-cmd report --profile of the same ring buffer.
 */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;

/* --- running the CLI ---------------------------------------------------------- */

/* Analyzes TRACE (a path; gzip'd when it ends in .gz) with the switch and
 * blocking analyzers plus PROFILE_EXTRA (libconfig text) and EXTRA options;
 * returns the JSON document. */
static JsonParser *
analyze (const char *trace, const char *profile_extra, const char *extra)
{
    const char *bin = g_getenv ("FTA_BIN");
    g_assert_nonnull (bin);
    char *cfg = g_build_filename (tmpdir, "blocking.cfg", NULL);
    char *json = g_build_filename (tmpdir, "out.json", NULL);
    char *text = g_strdup_printf ("analyzers = [ \"switch\", \"blocking\" ];\n%s\n",
                                  profile_extra ? profile_extra : "");
    g_assert_true (g_file_set_contents (cfg, text, -1, NULL));
    char *cmd;
    if (g_str_has_suffix (trace, ".gz"))
        cmd = g_strdup_printf ("gzip -dc '%s' | '%s' -q -c '%s' %s -f json -o '%s' -", trace,
                               bin, cfg, extra ? extra : "", json);
    else
        cmd = g_strdup_printf ("'%s' -q -c '%s' %s -f json -o '%s' '%s'", bin, cfg,
                               extra ? extra : "", json, trace);
    FtaTestRun r = fta_test_run_sh (cmd);
    if (r.rc != 0)
        g_printerr ("%s\n%s\n", cmd, r.err);
    g_assert_cmpint (r.rc, ==, 0);
    JsonParser *p = fta_test_parse_file (json);
    g_unlink (cfg);
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (text);
    g_free (json);
    g_free (cfg);
    return p;
}

#define doc_of fta_test_root
#define rows_of(p, table) fta_test_rows (fta_test_root (p), table)
#define cell_int fta_test_cell_int
#define cell_str fta_test_cell_str

static gboolean
has_table (JsonParser *p, const char *table)
{
    return json_object_has_member (json_object_get_object_member (doc_of (p), "tables"),
                                   table);
}


/* The row whose KEY column is V (and KEY2 is V2 when KEY2 is given). */
static GHashTable *
find_row (GPtrArray *rows, const char *key, gint64 v, const char *key2, const char *v2)
{
    for (guint i = 0; i < rows->len; i++) {
        GHashTable *r = g_ptr_array_index (rows, i);
        if (cell_int (r, key) != v)
            continue;
        if (key2 && g_strcmp0 (cell_str (r, key2), v2) != 0)
            continue;
        return r;
    }
    return NULL;
}

/* --- the hand-made trace ------------------------------------------------------ */

/* Three tasks on two CPUs; times are 100.xxxxxx s.
 *
 * appA-101 (CPU 0), D episodes:
 *   E1  D at .000100, sched_wakeup from kworker/0:1-50 at .002100  = 2.000 ms
 *   E2  D at .010000, sched_wakeup from an interrupt on idle CPU 1
 *       (<idle>-0) at .015000                                        = 5.000 ms
 *   E3  D at .020000, sched_wakeup from kworker/0:1-50 at .021000   = 1.000 ms
 *   a fourth D at .050000 is still open when the trace ends (.060000): not
 *   an episode.
 *   -> d_count 3, d_total 8 ms, d_avg 8/3 ms = 2666666 ns (integer ns),
 *      d_p99 = d_max = 5 ms (nearest rank: ceil(0.99 * 3) = 3rd of 3),
 *      top_waker kworker/0:1-50 (2 episodes, 3 ms; <idle>: 1 episode, 5 ms).
 *   S at .030000, woken by appB at .040000: sleep 10 ms, apart from D.
 * appB-102 (CPU 0): D at .000050, switched in at .002500 with no wakeup
 *   recorded: an episode of 2.450 ms with no waker.  S at .003000, woken by
 *   kworker/0:1 at .035000: 32 ms; S again at .040100, still asleep at the
 *   end (not counted).
 * kworker/0:1-50 (CPU 1): only I (idle kernel thread) waits, from .002200,
 *   .005450, .021100 and .035050: never blocking, so no row.
 *
 * The time the spans cover: .000000 (appB's first run) to .060000: 60 ms, so
 * appA is in D 8/60 = 13.3% of it (a finding at the default 10%), appB
 * 2.45/60 = 4.1% (none).
 *
 * Block requests (issues on CPU 0 by the running task, completes from
 * interrupts on CPU 1):
 *   dev 8,0:  #4 appB R 0+8 (old format: no ioprio) .002600 -> .005600 = 3 ms
 *             #1 appA R 1000+8 .003100 -> .003600 = 0.5 ms
 *             #2 appA WS 2000+16 .003200 -> .005200 = 2 ms
 *             #3 appA FF 0+0 (a flush) at .003500; its complete at .003700
 *                says sector 18446744073709551615; and "WS () 0 + 0" at
 *                .003800 (a flush-sequence complete) must not end #4,
 *                which is also at sector 0
 *             a complete at 5000+8 (.004500) whose issue is not in the trace
 *             #10 appA R 20000+8 at .009000, completed as 20000+16 at
 *                .009500: not the same request, neither is timed
 *     -> issues 5, completes 7, requests 3 (0.5 + 2 + 3 = 5.5 ms, avg
 *        1833333 ns, p99 = max = 3 ms), flush_issues 1, flush_completes 2,
 *        unmatched_issues 1, unmatched_completes 2.
 *   dev 254,0: #6 appA RA 7000+8 at .005000, issued again by kworker/0:1
 *                at .005400 (requeued), complete .005900 = 0.5 ms (kworker)
 *             #7 appA W 9000+16 .006000; 8 sectors complete at .006500,
 *                the rest (9008+8) at .007000 = 1 ms
 *             #8 appA W 11000+8 inserted .007100, issued .007400 (0.3 ms
 *                queued), complete .008400 = 1 ms
 *             #9 appA R 13000+8 at .008000, never completed
 *     -> issues 5, completes 4, requests 3 (2.5 ms, avg 833333 ns, p99 =
 *        max = 1 ms), reissued 1, partial_completes 1, in_flight_end 1,
 *        inserts 1, queued 1, queue_avg = queue_max = 0.3 ms.
 *   per task: 8,0 appA 4 issues, 2 timed (2.5 ms, max 2 ms); 8,0 appB 1/1
 *   (3 ms); 254,0 appA 4 issues, 2 timed (2 ms); 254,0 kworker/0:1 1/1
 *   (0.5 ms).
 * One block_rq_issue line has fields that cannot be read (line 46).
 */
#define L0(task, pid, ts, ev) "  " task "-" pid "     [000] .....   100." ts ": " ev "\n"
#define L1(task, pid, ts, ev) "  " task "-" pid "     [001] d.h2.   100." ts ": " ev "\n"
#define SW(pc, pp, st, nc, np)                                                         \
    "sched_switch: prev_comm=" pc " prev_pid=" pp " prev_prio=120 prev_state=" st \
    " ==> next_comm=" nc " next_pid=" np " next_prio=120"
static const char hand_trace[] =
    "# tracer: nop\n"
    L0 ("<idle>", "0", "000000", SW ("swapper/0", "0", "R", "appB", "102"))
    L1 ("<idle>", "0", "000010", SW ("swapper/1", "0", "R", "kworker/0:1", "50"))
    L0 ("appB", "102", "000050", SW ("appB", "102", "D", "appA", "101"))
    L0 ("appA", "101", "000100", SW ("appA", "101", "D", "swapper/0", "0"))
    L1 ("kworker/0:1", "50", "002100", "sched_waking: comm=appA pid=101 prio=120 target_cpu=000")
    L1 ("kworker/0:1", "50", "002100", "sched_wakeup: comm=appA pid=101 prio=120 target_cpu=000")
    L1 ("kworker/0:1", "50", "002200", SW ("kworker/0:1", "50", "I", "swapper/1", "0"))
    L0 ("<idle>", "0", "002500", SW ("swapper/0", "0", "R", "appB", "102"))
    L0 ("appB", "102", "002600", "block_rq_issue: 8,0 R 4096 () 0 + 8 [appB]")
    L0 ("appB", "102", "003000", SW ("appB", "102", "S", "appA", "101"))
    L0 ("appA", "101", "003100", "block_rq_issue: 8,0 R 4096 () 1000 + 8 be,0,4 [appA]")
    L0 ("appA", "101", "003200", "block_rq_issue: 8,0 WS 8192 () 2000 + 16 be,0,4 [appA]")
    L0 ("appA", "101", "003500", "block_rq_issue: 8,0 FF 0 () 0 + 0 none,0,0 [appA]")
    L1 ("<idle>", "0", "003600", "block_rq_complete: 8,0 R () 1000 + 8 be,0,4 [0]")
    L1 ("<idle>", "0", "003700",
        "block_rq_complete: 8,0 FF () 18446744073709551615 + 0 none,0,0 [0]")
    L1 ("<idle>", "0", "003800", "block_rq_complete: 8,0 WS () 0 + 0 be,0,4 [0]")
    L1 ("<idle>", "0", "004500", "block_rq_complete: 8,0 R () 5000 + 8 be,0,4 [0]")
    L0 ("appA", "101", "005000", "block_rq_issue: 254,0 RA 4096 () 7000 + 8 be,0,4 [appA]")
    L1 ("<idle>", "0", "005200", "block_rq_complete: 8,0 WS () 2000 + 16 be,0,4 [0]")
    L1 ("<idle>", "0", "005300", "sched_waking: comm=kworker/0:1 pid=50 prio=120 target_cpu=001")
    L1 ("<idle>", "0", "005300", "sched_wakeup: comm=kworker/0:1 pid=50 prio=120 target_cpu=001")
    L1 ("<idle>", "0", "005350", SW ("swapper/1", "0", "R", "kworker/0:1", "50"))
    L1 ("kworker/0:1", "50", "005400",
        "block_rq_issue: 254,0 RA 4096 () 7000 + 8 be,0,4 [kworker/0:1]")
    L1 ("kworker/0:1", "50", "005450", SW ("kworker/0:1", "50", "I", "swapper/1", "0"))
    L1 ("<idle>", "0", "005600", "block_rq_complete: 8,0 R () 0 + 8 [0]")
    L1 ("<idle>", "0", "005900", "block_rq_complete: 254,0 RA () 7000 + 8 be,0,4 [0]")
    L0 ("appA", "101", "006000", "block_rq_issue: 254,0 W 8192 () 9000 + 16 be,0,4 [appA]")
    L1 ("<idle>", "0", "006500", "block_rq_complete: 254,0 W () 9000 + 8 be,0,4 [0]")
    L1 ("<idle>", "0", "007000", "block_rq_complete: 254,0 W () 9008 + 8 be,0,4 [0]")
    L0 ("appA", "101", "007100", "block_rq_insert: 254,0 W 4096 () 11000 + 8 be,0,4 [appA]")
    L0 ("appA", "101", "007400", "block_rq_issue: 254,0 W 4096 () 11000 + 8 be,0,4 [appA]")
    L0 ("appA", "101", "008000", "block_rq_issue: 254,0 R 4096 () 13000 + 8 be,0,4 [appA]")
    L1 ("<idle>", "0", "008400", "block_rq_complete: 254,0 W () 11000 + 8 be,0,4 [0]")
    L0 ("appA", "101", "009000", "block_rq_issue: 8,0 R 4096 () 20000 + 8 be,0,4 [appA]")
    L1 ("<idle>", "0", "009500", "block_rq_complete: 8,0 R () 20000 + 16 be,0,4 [0]")
    L0 ("appA", "101", "010000", SW ("appA", "101", "D", "swapper/0", "0"))
    L1 ("<idle>", "0", "015000", "sched_waking: comm=appA pid=101 prio=120 target_cpu=000")
    L1 ("<idle>", "0", "015000", "sched_wakeup: comm=appA pid=101 prio=120 target_cpu=000")
    L0 ("<idle>", "0", "015500", SW ("swapper/0", "0", "R", "appA", "101"))
    L0 ("appA", "101", "020000", SW ("appA", "101", "D", "swapper/0", "0"))
    L1 ("<idle>", "0", "020900", "sched_waking: comm=kworker/0:1 pid=50 prio=120 target_cpu=001")
    L1 ("<idle>", "0", "020900", "sched_wakeup: comm=kworker/0:1 pid=50 prio=120 target_cpu=001")
    L1 ("<idle>", "0", "020950", SW ("swapper/1", "0", "R", "kworker/0:1", "50"))
    L1 ("kworker/0:1", "50", "021000", "sched_waking: comm=appA pid=101 prio=120 target_cpu=000")
    L0 ("<idle>", "0", "021000", "block_rq_issue: 8,0 R")
    L1 ("kworker/0:1", "50", "021000", "sched_wakeup: comm=appA pid=101 prio=120 target_cpu=000")
    L1 ("kworker/0:1", "50", "021100", SW ("kworker/0:1", "50", "I", "swapper/1", "0"))
    L0 ("<idle>", "0", "021200", SW ("swapper/0", "0", "R", "appA", "101"))
    L0 ("appA", "101", "030000", SW ("appA", "101", "S", "swapper/0", "0"))
    L1 ("<idle>", "0", "034900", "sched_waking: comm=kworker/0:1 pid=50 prio=120 target_cpu=001")
    L1 ("<idle>", "0", "034900", "sched_wakeup: comm=kworker/0:1 pid=50 prio=120 target_cpu=001")
    L1 ("<idle>", "0", "034950", SW ("swapper/1", "0", "R", "kworker/0:1", "50"))
    L1 ("kworker/0:1", "50", "035000", "sched_waking: comm=appB pid=102 prio=120 target_cpu=000")
    L1 ("kworker/0:1", "50", "035000", "sched_wakeup: comm=appB pid=102 prio=120 target_cpu=000")
    L1 ("kworker/0:1", "50", "035050", SW ("kworker/0:1", "50", "I", "swapper/1", "0"))
    L0 ("<idle>", "0", "035100", SW ("swapper/0", "0", "R", "appB", "102"))
    L0 ("appB", "102", "040000", "sched_waking: comm=appA pid=101 prio=120 target_cpu=000")
    L0 ("appB", "102", "040000", "sched_wakeup: comm=appA pid=101 prio=120 target_cpu=000")
    L0 ("appB", "102", "040100", SW ("appB", "102", "S", "appA", "101"))
    L0 ("appA", "101", "050000", SW ("appA", "101", "D", "swapper/0", "0"))
    L1 ("<idle>", "0", "060000", "sched_waking: comm=kworker/0:1 pid=50 prio=120 target_cpu=001")
    L1 ("<idle>", "0", "060000", "sched_wakeup: comm=kworker/0:1 pid=50 prio=120 target_cpu=001");

static char *
hand_path (void)
{
    char *path = g_build_filename (tmpdir, "hand.txt", NULL);
    if (!g_file_test (path, G_FILE_TEST_EXISTS))
        g_assert_true (g_file_set_contents (path, hand_trace, -1, NULL));
    return path;
}

static void
assert_task (GPtrArray *tasks, gint64 pid, const char *comm, gint64 d_count, gint64 d_total,
             gint64 d_avg, gint64 d_p99, gint64 d_max, gint64 sleep, const char *top_waker)
{
    GHashTable *r = find_row (tasks, "pid", pid, NULL, NULL);
    g_assert_nonnull (r);
    g_assert_cmpstr (cell_str (r, "comm"), ==, comm);
    g_assert_cmpint (cell_int (r, "d_count"), ==, d_count);
    g_assert_cmpint (cell_int (r, "d_total_ns"), ==, d_total);
    g_assert_cmpint (cell_int (r, "d_avg_ns"), ==, d_avg);
    g_assert_cmpint (cell_int (r, "d_p99_ns"), ==, d_p99);
    g_assert_cmpint (cell_int (r, "d_max_ns"), ==, d_max);
    g_assert_cmpint (cell_int (r, "sleep_ns"), ==, sleep);
    g_assert_cmpstr (cell_str (r, "top_waker"), ==, top_waker);
}

static void
test_hand_tasks (void)
{
    char *path = hand_path ();
    JsonParser *p = analyze (path, NULL, NULL);
    GPtrArray *tasks = rows_of (p, "blocking.tasks");
    assert_task (tasks, 101, "appA", 3, 8000000, 2666666, 5000000, 5000000, 10000000,
                 "kworker/0:1-50");
    GHashTable *a = find_row (tasks, "pid", 101, NULL, NULL);
    g_assert_cmpint (cell_int (a, "top_waker_pid"), ==, 50);
    g_assert_cmpint (cell_int (a, "top_waker_count"), ==, 2);
    g_assert_cmpint (cell_int (a, "d_no_waker"), ==, 0);
    g_assert_cmpint (cell_int (a, "sleep_count"), ==, 1);
    assert_task (tasks, 102, "appB", 1, 2450000, 2450000, 2450000, 2450000, 32000000, NULL);
    GHashTable *b = find_row (tasks, "pid", 102, NULL, NULL);
    g_assert_cmpint (cell_int (b, "d_no_waker"), ==, 1);
    g_assert_cmpint (cell_int (b, "top_waker_pid"), ==, -1);
    /* I waits are not blocking */
    g_assert_null (find_row (tasks, "pid", 50, NULL, NULL));
    g_assert_cmpuint (tasks->len, ==, 2);
    /* the most blocked first */
    g_assert_cmpint (cell_int (g_ptr_array_index (tasks, 0), "pid"), ==, 101);

    /* the same D and S time as switch.tasks */
    GPtrArray *sw = rows_of (p, "switch.tasks");
    for (guint i = 0; i < tasks->len; i++) {
        GHashTable *r = g_ptr_array_index (tasks, i);
        GHashTable *s = find_row (sw, "pid", cell_int (r, "pid"), NULL, NULL);
        g_assert_cmpint (cell_int (s, "blocked_ns"), ==, cell_int (r, "d_total_ns"));
        g_assert_cmpint (cell_int (s, "sleep_ns"), ==, cell_int (r, "sleep_ns"));
    }
    g_ptr_array_unref (sw);

    GPtrArray *wk = rows_of (p, "blocking.wakers");
    g_assert_cmpuint (wk->len, ==, 2);
    GHashTable *w = find_row (wk, "waker_pid", 50, NULL, NULL);
    g_assert_cmpint (cell_int (w, "pid"), ==, 101);
    g_assert_cmpstr (cell_str (w, "waker_comm"), ==, "kworker/0:1");
    g_assert_cmpint (cell_int (w, "count"), ==, 2);
    g_assert_cmpint (cell_int (w, "total_ns"), ==, 3000000);
    w = find_row (wk, "waker_pid", 0, NULL, NULL);
    g_assert_cmpint (cell_int (w, "pid"), ==, 101);
    g_assert_cmpstr (cell_str (w, "waker_comm"), ==, "<idle>");
    g_assert_cmpint (cell_int (w, "count"), ==, 1);
    g_assert_cmpint (cell_int (w, "total_ns"), ==, 5000000);
    g_ptr_array_unref (wk);

    /* every episode, longest first: E2, appB's, E1, E3 */
    GPtrArray *lg = rows_of (p, "blocking.longest");
    g_assert_cmpuint (lg->len, ==, 4);
    static const struct {
        gint64 pid, start, dur, waker;
    } want[] = { { 101, 100010000000, 5000000, 0 },
                 { 102, 100000050000, 2450000, -1 },
                 { 101, 100000100000, 2000000, 50 },
                 { 101, 100020000000, 1000000, 50 } };
    for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
        GHashTable *r = g_ptr_array_index (lg, i);
        g_assert_cmpint (cell_int (r, "pid"), ==, want[i].pid);
        g_assert_cmpint (cell_int (r, "start_ns"), ==, want[i].start);
        g_assert_cmpint (cell_int (r, "duration_ns"), ==, want[i].dur);
        g_assert_cmpint (cell_int (r, "cpu"), ==, 0);
        g_assert_cmpint (cell_int (r, "waker_pid"), ==, want[i].waker);
    }
    g_assert_cmpstr (cell_str (g_ptr_array_index (lg, 0), "waker_comm"), ==, "<idle>");
    g_assert_null (cell_str (g_ptr_array_index (lg, 1), "waker_comm"));
    g_ptr_array_unref (lg);

    /* findings: appA's 13.3% of D, and the line that could not be read */
    JsonArray *f = json_object_get_array_member (doc_of (p), "findings");
    guint d_findings = 0, unparsed = 0;
    for (guint i = 0; i < json_array_get_length (f); i++) {
        JsonObject *o = json_array_get_object_element (f, i);
        JsonObject *ev = json_object_get_object_member (o, "evidence");
        const char *code = json_object_get_string_member (o, "code");
        if (strcmp (code, "blocking.d-state-share") == 0) {
            d_findings++;
            g_assert_cmpstr (json_object_get_string_member (ev, "pid"), ==, "101");
            g_assert_cmpstr (json_object_get_string_member (o, "severity"), ==, "warning");
            g_assert_true (g_str_has_prefix (json_object_get_string_member (ev, "d_share"),
                                             "13.3%"));
            g_assert_cmpstr (json_object_get_string_member (ev, "d_total"), ==, "8.000 ms");
            g_assert_cmpint (json_object_get_int_member (o, "cost_ns"), ==, 8000000);
            g_assert_true (g_str_has_prefix (json_object_get_string_member (ev, "top_waker"),
                                             "kworker/0:1-50 (2 of 3"));
            /* appA's own timed requests: 0.5 + 2 + 1 + 1 ms */
            g_assert_cmpstr (json_object_get_string_member (ev, "own_block_io"), ==,
                             "4 requests, avg 1.125 ms, max 2.000 ms");
        } else if (strcmp (code, "blocking.io-unparsed") == 0) {
            unparsed++;
            g_assert_cmpstr (json_object_get_string_member (ev, "first_line"), ==, "46");
        }
    }
    g_assert_cmpuint (d_findings, ==, 1);
    g_assert_cmpuint (unparsed, ==, 1);

    g_ptr_array_unref (tasks);
    g_object_unref (p);

    /* 13.3% is under a 15% threshold */
    p = analyze (path, "plugins = { blocking = { finding_pct = 15.0; }; };", NULL);
    f = json_object_get_array_member (doc_of (p), "findings");
    for (guint i = 0; i < json_array_get_length (f); i++)
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (f, i),
                                                        "code"),
                         !=, "blocking.d-state-share");
    g_object_unref (p);
    g_free (path);
}

static void
test_hand_longest_option (void)
{
    char *path = hand_path ();
    JsonParser *p = analyze (path, "plugins = { blocking = { longest = 2; }; };", NULL);
    GPtrArray *lg = rows_of (p, "blocking.longest");
    g_assert_cmpuint (lg->len, ==, 2);
    g_assert_cmpint (cell_int (g_ptr_array_index (lg, 0), "duration_ns"), ==, 5000000);
    g_assert_cmpint (cell_int (g_ptr_array_index (lg, 1), "duration_ns"), ==, 2450000);
    g_ptr_array_unref (lg);
    g_object_unref (p);

    p = analyze (path, "plugins = { blocking = { longest = 0; }; };", NULL);
    lg = rows_of (p, "blocking.longest");
    g_assert_cmpuint (lg->len, ==, 0);
    g_ptr_array_unref (lg);
    g_object_unref (p);

    /* a negative list length is refused, naming the option */
    char *cfg = g_build_filename (tmpdir, "bad.cfg", NULL);
    g_assert_true (g_file_set_contents (
        cfg, "analyzers = [ \"blocking\" ];\nplugins = { blocking = { longest = -1; }; };\n",
        -1, NULL));
    char *cmd = g_strdup_printf ("'%s' -q -c '%s' '%s'", g_getenv ("FTA_BIN"), cfg, path);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 5);
    g_assert_nonnull (strstr (r.err, "plugins.blocking.longest"));
    fta_test_run_clear (&r);
    g_free (cmd);
    g_unlink (cfg);
    g_free (cfg);
    g_free (path);
}

static void
assert_io (GHashTable *r, gint64 requests, gint64 total, gint64 avg, gint64 p99, gint64 max,
           gint64 issues)
{
    g_assert_nonnull (r);
    g_assert_cmpint (cell_int (r, "requests"), ==, requests);
    g_assert_cmpint (cell_int (r, "total_ns"), ==, total);
    g_assert_cmpint (cell_int (r, "avg_ns"), ==, avg);
    g_assert_cmpint (cell_int (r, "p99_ns"), ==, p99);
    g_assert_cmpint (cell_int (r, "max_ns"), ==, max);
    g_assert_cmpint (cell_int (r, "issues"), ==, issues);
}

static void
test_hand_io (void)
{
    char *path = hand_path ();
    JsonParser *p = analyze (path, NULL, NULL);
    GPtrArray *dev = rows_of (p, "blocking.devices");
    g_assert_cmpuint (dev->len, ==, 2);
    /* devices in numeric order */
    g_assert_cmpstr (cell_str (g_ptr_array_index (dev, 0), "dev"), ==, "8,0");
    GHashTable *d = find_row (dev, "requests", 3, "dev", "8,0");
    assert_io (d, 3, 5500000, 1833333, 3000000, 3000000, 5);
    static const char *const names[] = { "completes", "flush_issues", "flush_completes",
                                         "reissued", "unmatched_issues",
                                         "unmatched_completes", "partial_completes",
                                         "in_flight_end", "inserts", "queued" };
    static const gint64 want8[] = { 7, 1, 2, 0, 1, 2, 0, 0, 0, 0 };
    static const gint64 want254[] = { 4, 0, 0, 1, 0, 0, 1, 1, 1, 1 };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        g_assert_cmpint (cell_int (d, names[i]), ==, want8[i]);
    g_assert_cmpint (cell_int (d, "queue_avg_ns"), ==, -1);
    d = find_row (dev, "requests", 3, "dev", "254,0");
    assert_io (d, 3, 2500000, 833333, 1000000, 1000000, 5);
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        g_assert_cmpint (cell_int (d, names[i]), ==, want254[i]);
    g_assert_cmpint (cell_int (d, "queue_avg_ns"), ==, 300000);
    g_assert_cmpint (cell_int (d, "queue_max_ns"), ==, 300000);
    g_ptr_array_unref (dev);

    GPtrArray *io = rows_of (p, "blocking.io");
    g_assert_cmpuint (io->len, ==, 4);
    assert_io (find_row (io, "pid", 101, "dev", "8,0"), 2, 2500000, 1250000, 2000000,
               2000000, 4);
    assert_io (find_row (io, "pid", 102, "dev", "8,0"), 1, 3000000, 3000000, 3000000,
               3000000, 1);
    assert_io (find_row (io, "pid", 101, "dev", "254,0"), 2, 2000000, 1000000, 1000000,
               1000000, 4);
    GHashTable *k = find_row (io, "pid", 50, "dev", "254,0");
    assert_io (k, 1, 500000, 500000, 500000, 500000, 1);
    g_assert_cmpstr (cell_str (k, "comm"), ==, "kworker/0:1");
    g_ptr_array_unref (io);
    g_object_unref (p);
    g_free (path);
}

/* Report filters: --pid keeps appB's numbers; --end cuts E2 at the end of
 * the window, as switch.tasks does. */
static void
test_hand_filters (void)
{
    char *path = hand_path ();
    JsonParser *p = analyze (path, NULL, "--pid 102");
    GPtrArray *tasks = rows_of (p, "blocking.tasks");
    g_assert_cmpuint (tasks->len, ==, 1);
    assert_task (tasks, 102, "appB", 1, 2450000, 2450000, 2450000, 2450000, 32000000, NULL);
    GPtrArray *lg = rows_of (p, "blocking.longest");
    g_assert_cmpuint (lg->len, ==, 1);
    g_assert_cmpint (cell_int (g_ptr_array_index (lg, 0), "pid"), ==, 102);
    GPtrArray *wk = rows_of (p, "blocking.wakers");
    g_assert_cmpuint (wk->len, ==, 0);
    g_ptr_array_unref (wk);
    g_ptr_array_unref (lg);
    g_ptr_array_unref (tasks);
    g_object_unref (p);

    /* up to .012: E1 (2 ms) and 2 ms of E2, whose waker is past the end */
    p = analyze (path, NULL, "--end 100.012");
    tasks = rows_of (p, "blocking.tasks");
    GHashTable *a = find_row (tasks, "pid", 101, NULL, NULL);
    g_assert_cmpint (cell_int (a, "d_count"), ==, 2);
    g_assert_cmpint (cell_int (a, "d_total_ns"), ==, 4000000);
    g_assert_cmpint (cell_int (a, "d_no_waker"), ==, 1);
    g_assert_cmpint (cell_int (a, "top_waker_pid"), ==, 50);
    GPtrArray *sw = rows_of (p, "switch.tasks");
    g_assert_cmpint (cell_int (find_row (sw, "pid", 101, NULL, NULL), "blocked_ns"), ==,
                     4000000);
    /* no block event after .009500 is needed: the devices are the same */
    GPtrArray *dev = rows_of (p, "blocking.devices");
    g_assert_cmpuint (dev->len, ==, 2);
    g_ptr_array_unref (dev);
    g_ptr_array_unref (sw);
    g_ptr_array_unref (tasks);
    g_object_unref (p);

    /* a window without block events has no I/O tables */
    p = analyze (path, NULL, "--start 100.0212");
    g_assert_false (has_table (p, "blocking.io"));
    g_assert_false (has_table (p, "blocking.devices"));
    g_assert_true (has_table (p, "blocking.tasks"));
    g_object_unref (p);
    g_free (path);
}

/* --- the io_block recording ---------------------------------------------------- */

typedef struct {
    gint64 d_n, d_total, d_max;
    gint64 rq_issue;
} ProfileTask;

/* trace-cmd report --profile: "task: COMM-PID", then "Event: sched_switch:D
 * (N) Total: T Avg: A Max: M(ts:...) ..." and "Event: block_rq_issue:0x...
 * (N)".  trace-cmd 3.1.6 labels the kernel's I as K: a label with D is
 * D-state ("D", "DK"). */
static GHashTable *
parse_profile (const char *text)
{
    GHashTable *h = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    char *copy = g_strdup (text);
    ProfileTask *cur = NULL;
    for (char *next, *line = copy; line; line = next) {
        next = strchr (line, '\n');
        if (next)
            *next++ = '\0';
        if (g_str_has_prefix (line, "task: ")) {
            const char *dash = strrchr (line, '-');
            g_assert_nonnull (dash);
            cur = g_new0 (ProfileTask, 1);
            g_hash_table_insert (h, GINT_TO_POINTER ((gint) g_ascii_strtoll (dash + 1, NULL, 10)),
                                 cur);
            continue;
        }
        if (!cur)
            continue;
        const char *e;
        if ((e = strstr (line, "Event: block_rq_issue:"))) {
            cur->rq_issue += g_ascii_strtoll (strchr (e, '(') + 1, NULL, 10);
            continue;
        }
        if (!(e = strstr (line, "Event: sched_switch:")))
            continue;
        e += strlen ("Event: sched_switch:");
        const char *sp = strchr (e, ' ');
        if (!memchr (e, 'D', sp - e))
            continue;
        const char *tot = strstr (sp, "Total: "), *max = strstr (sp, "Max: ");
        g_assert_nonnull (tot);
        g_assert_nonnull (max);
        cur->d_n += g_ascii_strtoll (strchr (sp, '(') + 1, NULL, 10);
        cur->d_total += g_ascii_strtoll (tot + 7, NULL, 10);
        cur->d_max = MAX (cur->d_max, g_ascii_strtoll (max + 5, NULL, 10));
    }
    g_free (copy);
    return h;
}

#define corpus_file fta_test_corpus

static GHashTable *
load_profile (const char *scenario)
{
    char *name = g_strdup_printf ("%s_oracle_tracecmd_profile.txt", scenario);
    char *path = corpus_file (name);
    char *text;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    GHashTable *prof = parse_profile (text);
    g_free (text);
    g_free (path);
    g_free (name);
    return prof;
}

/* D episodes per task against the profile's sched_switch:D lines: the
 * profile's interval is switch-out(D) -> sched_wakeup, as ours.  The text
 * has microseconds and the profile nanoseconds: each interval may differ
 * by < 1 us (SLACK_NS per interval; 0 for a nanosecond rendering).  Tasks
 * whose sleeps did not all end at a recorded sched_wakeup
 * (switch.tasks wakeups_missing > 0) are left out: trace-cmd then keeps the
 * interval open until some later event of the task. */
static void
compare_profile (JsonParser *p, GHashTable *prof, const char *what, gint64 slack_ns,
                 double min_share)
{
    GPtrArray *tasks = rows_of (p, "blocking.tasks");
    GPtrArray *sw = rows_of (p, "switch.tasks");
    gint64 all = 0, covered = 0;
    guint compared = 0, left_out = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init (&it, prof);
    while (g_hash_table_iter_next (&it, &k, &v)) {
        ProfileTask *pt = v;
        gint64 pid = GPOINTER_TO_INT (k);
        if (pid == 0)
            continue;
        all += pt->d_total;
        GHashTable *s = find_row (sw, "pid", pid, NULL, NULL);
        if (s && cell_int (s, "wakeups_missing") > 0) {
            left_out++;
            continue;
        }
        GHashTable *r = find_row (tasks, "pid", pid, NULL, NULL);
        gint64 n = r ? cell_int (r, "d_count") : 0;
        gint64 total = r ? cell_int (r, "d_total_ns") : 0;
        gint64 max = r && n ? cell_int (r, "d_max_ns") : 0;
        gint64 slack = slack_ns * MAX (pt->d_n, 1);
        if (n != pt->d_n || ABS (total - pt->d_total) > slack
            || ABS (max - pt->d_max) > slack_ns)
            g_test_message ("%s: pid %" G_GINT64_FORMAT ": profile D %" G_GINT64_FORMAT
                            " x, %" G_GINT64_FORMAT " ns, max %" G_GINT64_FORMAT
                            "; ours %" G_GINT64_FORMAT " x, %" G_GINT64_FORMAT
                            " ns, max %" G_GINT64_FORMAT,
                            what, pid, pt->d_n, pt->d_total, pt->d_max, n, total, max);
        g_assert_cmpint (n, ==, pt->d_n);
        g_assert_cmpint (ABS (total - pt->d_total), <=, slack);
        g_assert_cmpint (ABS (max - pt->d_max), <=, slack_ns);
        if (pt->d_n)
            compared++;
        covered += pt->d_total;
    }
    /* and no D episode the profile does not have */
    for (guint i = 0; i < tasks->len; i++) {
        GHashTable *r = g_ptr_array_index (tasks, i);
        gint64 pid = cell_int (r, "pid");
        GHashTable *s = find_row (sw, "pid", pid, NULL, NULL);
        if (cell_int (r, "d_count") > 0 && cell_int (s, "wakeups_missing") == 0)
            g_assert_nonnull (g_hash_table_lookup (prof, GINT_TO_POINTER ((gint) pid)));
    }
    g_test_message ("%s: D of %u tasks compared, %u tasks left out (a sleep without "
                    "sched_wakeup); %.1f%% of the profile's %.3f ms of D compared",
                    what, compared, left_out, all ? 100.0 * covered / all : 0.0, all / 1e6);
    g_assert_cmpfloat (covered, >=, min_share * all);
    g_ptr_array_unref (sw);
    g_ptr_array_unref (tasks);
}

typedef struct {
    const char *scenario;
    guint min_tasks;
    double min_share;
} ProfileCase;

static void
test_profile (gconstpointer data)
{
    const ProfileCase *c = data;
    char *name = g_strdup_printf ("%s_ftrace_default.txt.gz", c->scenario);
    char *path = corpus_file (name);
    JsonParser *p = analyze (path, NULL, NULL);
    GHashTable *prof = load_profile (c->scenario);
    guint with_d = 0;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, prof);
    while (g_hash_table_iter_next (&it, NULL, &v))
        with_d += ((ProfileTask *) v)->d_n > 0;
    g_assert_cmpuint (with_d, >=, c->min_tasks);
    compare_profile (p, prof, c->scenario, 1000, c->min_share);
    g_hash_table_unref (prof);
    g_object_unref (p);
    g_free (path);
    g_free (name);
}

/* The same ring buffer as trace-cmd report -t (nanoseconds): then the D
 * totals are the profile's to the nanosecond. */
static void
test_profile_ns (void)
{
    char *path = fta_test_recording ("io_block", "io_block_tracecmd_report_ns.txt.gz");
    if (!path) {
        g_test_skip ("the shared corpus (FTA_CORPUS_DIR) is not here");
        return;
    }
    JsonParser *p = analyze (path, NULL, NULL);
    GHashTable *prof = load_profile ("io_block");
    compare_profile (p, prof, "io_block ns", 0, 0.9);

    /* block I/O: the same requests as in the microsecond text, each timed
     * within its rounding (< 1 us at each end) */
    char *us_path = corpus_file ("io_block_ftrace_default.txt.gz");
    JsonParser *u = analyze (us_path, NULL, NULL);
    GPtrArray *a = rows_of (p, "blocking.io"), *b = rows_of (u, "blocking.io");
    g_assert_cmpuint (a->len, ==, b->len);
    for (guint i = 0; i < a->len; i++) {
        GHashTable *x = g_ptr_array_index (a, i);
        GHashTable *y = find_row (b, "pid", cell_int (x, "pid"), "dev", cell_str (x, "dev"));
        g_assert_nonnull (y);
        g_assert_cmpint (cell_int (x, "requests"), ==, cell_int (y, "requests"));
        g_assert_cmpint (cell_int (x, "issues"), ==, cell_int (y, "issues"));
        g_assert_cmpint (ABS (cell_int (x, "total_ns") - cell_int (y, "total_ns")), <=,
                         2000 * cell_int (x, "requests"));
    }
    g_ptr_array_unref (a);
    g_ptr_array_unref (b);
    g_object_unref (u);
    g_free (us_path);
    g_hash_table_unref (prof);
    g_object_unref (p);
    g_free (path);
}

static gint64
counts_type (const char *counts, const char *type)
{
    char *k = g_strdup_printf ("\t%s\n", type);
    const char *s = strstr (counts, k);
    g_assert_nonnull (s);
    while (s > counts && s[-1] != '\n')
        s--;
    gint64 v = g_ascii_strtoll (s, NULL, 10);
    g_free (k);
    return v;
}

/* Every block_rq line of io_block accounted for: issues and completes equal
 * the awk counts; per task, issues equal the profile's block_rq_issue
 * counts; every complete is a timed request, part of one, a flush, or
 * unmatched, and every issue is timed, a flush, superseded, unmatched or
 * still in flight. */
static void
test_io_accounting (void)
{
    char *path = corpus_file ("io_block_ftrace_default.txt.gz");
    char *cpath = corpus_file ("io_block_ftrace_default.counts.txt");
    char *counts;
    g_assert_true (g_file_get_contents (cpath, &counts, NULL, NULL));
    JsonParser *p = analyze (path, NULL, NULL);
    GPtrArray *dev = rows_of (p, "blocking.devices");
    gint64 issues = 0, completes = 0, timed = 0;
    for (guint i = 0; i < dev->len; i++) {
        GHashTable *d = g_ptr_array_index (dev, i);
        g_assert_cmpint (cell_int (d, "issues"), ==,
                         cell_int (d, "requests") + cell_int (d, "flush_issues")
                             + cell_int (d, "reissued") + cell_int (d, "unmatched_issues")
                             + cell_int (d, "in_flight_end"));
        g_assert_cmpint (cell_int (d, "completes"), ==,
                         cell_int (d, "requests") + cell_int (d, "flush_completes")
                             + cell_int (d, "partial_completes")
                             + cell_int (d, "unmatched_completes"));
        issues += cell_int (d, "issues");
        completes += cell_int (d, "completes");
        timed += cell_int (d, "requests");
        g_test_message ("dev %s: %" G_GINT64_FORMAT " requests timed, avg %" G_GINT64_FORMAT
                        " ns; %" G_GINT64_FORMAT " completes without an issue",
                        cell_str (d, "dev"), cell_int (d, "requests"), cell_int (d, "avg_ns"),
                        cell_int (d, "unmatched_completes"));
    }
    g_assert_cmpint (issues, ==, counts_type (counts, "block_rq_issue"));
    g_assert_cmpint (completes, ==, counts_type (counts, "block_rq_complete"));
    /* most requests with data are timed, not a handful */
    g_assert_cmpint (timed, >, issues / 2);

    GHashTable *prof = load_profile ("io_block");
    GPtrArray *io = rows_of (p, "blocking.io");
    gint64 sum = 0;
    for (guint i = 0; i < io->len; i++) {
        GHashTable *r = g_ptr_array_index (io, i);
        ProfileTask *pt = g_hash_table_lookup (prof, GINT_TO_POINTER ((gint) cell_int (r, "pid")));
        g_assert_nonnull (pt);
        g_assert_cmpint (cell_int (r, "issues"), ==, pt->rq_issue);
        sum += cell_int (r, "issues");
    }
    g_assert_cmpint (sum, ==, issues);
    g_ptr_array_unref (io);
    g_hash_table_unref (prof);
    g_ptr_array_unref (dev);
    g_object_unref (p);
    g_free (counts);
    g_free (cpath);
    g_free (path);
}

static const ProfileCase profile_cases[] = {
    /* io_block: thousands of D episodes of fio, dd, kworkers, jbd2 */
    { "io_block", 8, 0.9 },
    { "cpu_contention", 1, 0.5 },
    { "qemu_tcg", 1, 0.5 },
    { "quiet", 1, 0.5 },
};

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-blocking-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/blocking/hand/tasks-wakers-longest", test_hand_tasks);
    g_test_add_func ("/blocking/hand/longest-option", test_hand_longest_option);
    g_test_add_func ("/blocking/hand/io", test_hand_io);
    g_test_add_func ("/blocking/hand/filters", test_hand_filters);
    for (guint i = 0; i < G_N_ELEMENTS (profile_cases); i++) {
        char *tp = g_strdup_printf ("/blocking/corpus/profile/%s", profile_cases[i].scenario);
        g_test_add_data_func (tp, &profile_cases[i], test_profile);
        g_free (tp);
    }
    g_test_add_func ("/blocking/corpus/profile-ns/io_block", test_profile_ns);
    g_test_add_func ("/blocking/corpus/io-accounting/io_block", test_io_accounting);
    int rc = g_test_run ();
    char *hand = g_build_filename (tmpdir, "hand.txt", NULL);
    g_unlink (hand);
    g_free (hand);
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
