/* test-pids.c - a pid's tasks in the tables, through the CLI.
 *
 * The hand-made traces of tests/data/pids (their README tells each story,
 * times in us after 100 s): a pid that names two tasks has a row per task,
 * told apart by task_seq, with its own run time; a task that exec'd has
 * one row named by the comm it ran under longest and lists the others.
 * Two traces written here: a task's lines that name it by turns, and the
 * order of the rows of switch.tasks, switch.comms and cpu.task_cpus.
 * Every number below is worked out from the trace lines by hand.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;

static char *
pids_trace (const char *name)
{
    return g_test_build_filename (G_TEST_DIST, "data", "pids", name, NULL);
}

/* The row of table TABLE whose pid is PID and task_seq SEQ; fails when
 * there is not exactly one. */
static GHashTable *
row_of (GPtrArray *rows, gint64 pid, gint64 seq)
{
    GHashTable *found = NULL;
    guint n = 0;
    for (guint i = 0; i < rows->len; i++) {
        GHashTable *r = g_ptr_array_index (rows, i);
        if (fta_test_cell_int (r, "pid") == pid && fta_test_cell_int (r, "task_seq") == seq) {
            found = r;
            n++;
        }
    }
    if (n != 1) {
        g_test_message ("%u rows for pid %" G_GINT64_FORMAT " task_seq %" G_GINT64_FORMAT, n,
                        pid, seq);
        g_test_fail ();
    }
    return found;
}

static guint
rows_of_pid (GPtrArray *rows, gint64 pid)
{
    guint n = 0;
    for (guint i = 0; i < rows->len; i++)
        n += fta_test_cell_int (g_ptr_array_index (rows, i), "pid") == pid;
    return n;
}

static GHashTable *
comm_row (GPtrArray *rows, const char *comm)
{
    for (guint i = 0; i < rows->len; i++) {
        GHashTable *r = g_ptr_array_index (rows, i);
        if (g_strcmp0 (fta_test_cell_str (r, "comm"), comm) == 0)
            return r;
    }
    return NULL;
}

#define US 1000

/* make (500) runs 100-1200 and exits; gcc gets pid 500: forked at 1500 as
 * bash, woken new at 1510, runs 1600-4700 (exec gcc at 1700). */
static void
test_reuse_after_exit (void)
{
    g_autofree char *trace = pids_trace ("reuse-after-exit.txt");
    JsonParser *p = fta_test_analyze (tmpdir, NULL, trace, NULL);
    JsonObject *doc = fta_test_root (p);
    GPtrArray *sw = fta_test_rows (doc, "switch.tasks");
    g_assert_cmpuint (rows_of_pid (sw, 500), ==, 2);
    GHashTable *make = row_of (sw, 500, 0), *gcc = row_of (sw, 500, 1),
               *bash = row_of (sw, 400, 0);
    g_assert_nonnull (make);
    g_assert_nonnull (gcc);
    g_assert_nonnull (bash);
    g_assert_cmpstr (fta_test_cell_str (make, "comm"), ==, "make");
    g_assert_cmpint (fta_test_cell_int (make, "run_ns"), ==, 1100 * US);
    g_assert_cmpint (fta_test_cell_int (make, "sched_in"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (make, "switch_out"), ==, 1);
    g_assert_null (fta_test_cell_str (make, "other_comms"));
    /* 100 us as bash, 3000 as gcc */
    g_assert_cmpstr (fta_test_cell_str (gcc, "comm"), ==, "gcc");
    g_assert_cmpstr (fta_test_cell_str (gcc, "other_comms"), ==, "bash");
    g_assert_cmpint (fta_test_cell_int (gcc, "run_ns"), ==, 3100 * US);
    g_assert_cmpint (fta_test_cell_int (gcc, "runnable_ns"), ==, 90 * US);
    g_assert_cmpint (fta_test_cell_int (gcc, "sched_in"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (gcc, "switch_out"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (bash, "run_ns"), ==, 3800 * US);

    /* per comm as the lines name them: bash in at 1200 (400) and 1600
     * (500), out at 5000; gcc out at 4700; make in at 100, out at 1200 */
    GPtrArray *comms = fta_test_rows (doc, "switch.comms");
    GHashTable *c;
    g_assert_nonnull ((c = comm_row (comms, "bash")));
    g_assert_cmpint (fta_test_cell_int (c, "sched_in"), ==, 2);
    g_assert_cmpint (fta_test_cell_int (c, "switch_out"), ==, 1);
    g_assert_nonnull ((c = comm_row (comms, "gcc")));
    g_assert_cmpint (fta_test_cell_int (c, "sched_in"), ==, 0);
    g_assert_cmpint (fta_test_cell_int (c, "switch_out"), ==, 1);
    g_assert_nonnull ((c = comm_row (comms, "make")));
    g_assert_cmpint (fta_test_cell_int (c, "sched_in"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (c, "switch_out"), ==, 1);

    /* the new task's wait to run: woken new at 1510, in at 1600 */
    GPtrArray *wk = fta_test_rows (doc, "wakeup.tasks");
    g_assert_cmpuint (rows_of_pid (wk, 500), ==, 1);
    GHashTable *w = row_of (wk, 500, 1);
    g_assert_nonnull (w);
    g_assert_cmpint (fta_test_cell_int (w, "latency_max_ns"), ==, 90 * US);

    /* bash (400) woke the new 500, not make */
    GPtrArray *pairs = fta_test_rows (doc, "wakeup.pairs");
    g_assert_cmpuint (pairs->len, ==, 1);
    GHashTable *pr = g_ptr_array_index (pairs, 0);
    g_assert_cmpint (fta_test_cell_int (pr, "waker_pid"), ==, 400);
    g_assert_cmpint (fta_test_cell_int (pr, "waker_task_seq"), ==, 0);
    g_assert_cmpint (fta_test_cell_int (pr, "wakee_pid"), ==, 500);
    g_assert_cmpint (fta_test_cell_int (pr, "wakee_task_seq"), ==, 1);
    g_assert_cmpstr (fta_test_cell_str (pr, "wakee_comm"), ==, "gcc");
    g_assert_cmpint (fta_test_cell_int (pr, "count"), ==, 1);
    g_ptr_array_unref (pairs);

    /* each task its own CPU: make on 0, gcc on 1 */
    GPtrArray *tc = fta_test_rows (doc, "cpu.task_cpus");
    GHashTable *t = row_of (tc, 500, 0);
    g_assert_nonnull (t);
    g_assert_cmpint (fta_test_cell_int (t, "cpu"), ==, 0);
    g_assert_cmpint (fta_test_cell_int (t, "run_ns"), ==, 1100 * US);
    g_assert_nonnull ((t = row_of (tc, 500, 1)));
    g_assert_cmpint (fta_test_cell_int (t, "cpu"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (t, "run_ns"), ==, 3100 * US);

    g_ptr_array_unref (sw);
    g_ptr_array_unref (comms);
    g_ptr_array_unref (wk);
    g_ptr_array_unref (tc);
    g_object_unref (p);

    /* text: the two rows are told apart */
    g_autofree char *text = fta_test_analyze_text (tmpdir, NULL, trace, NULL);
    g_assert_nonnull (strstr (text, "task_seq"));
}

/* worker (700) runs from 100, its end not in the trace; a new 700 is
 * forked at 1000 (or only woken new), runs 1100-1400 after waiting
 * 1010-1100. */
static void
test_fork_while_alive (gconstpointer data)
{
    g_autofree char *trace = pids_trace (data);
    JsonParser *p = fta_test_analyze (tmpdir, NULL, trace, NULL);
    JsonObject *doc = fta_test_root (p);
    GPtrArray *sw = fta_test_rows (doc, "switch.tasks");
    GHashTable *worker = row_of (sw, 700, 0), *bash = row_of (sw, 700, 1);
    g_assert_nonnull (worker);
    g_assert_nonnull (bash);
    g_assert_cmpstr (fta_test_cell_str (worker, "comm"), ==, "worker");
    g_assert_cmpint (fta_test_cell_int (worker, "sched_in"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (worker, "switch_out"), ==, 0);
    /* no known end: no run time, not the whole trace */
    g_assert_cmpint (fta_test_cell_int (worker, "run_ns"), ==, 0);
    g_assert_cmpstr (fta_test_cell_str (bash, "comm"), ==, "bash");
    g_assert_cmpint (fta_test_cell_int (bash, "run_ns"), ==, 300 * US);
    g_assert_cmpint (fta_test_cell_int (bash, "runnable_ns"), ==, 90 * US);
    g_assert_cmpint (fta_test_cell_int (bash, "sched_in"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (bash, "switch_out"), ==, 1);
    g_ptr_array_unref (sw);
    g_object_unref (p);
}

/* sh (600) runs 100-2300 and execs sleep at 2100; runs again 5100-5200
 * as sleep: 2000 us as sh, 300 as sleep, one task named sh. */
static void
test_exec (void)
{
    g_autofree char *trace = pids_trace ("exec.txt");
    JsonParser *p = fta_test_analyze (tmpdir, NULL, trace, NULL);
    JsonObject *doc = fta_test_root (p);
    GPtrArray *sw = fta_test_rows (doc, "switch.tasks");
    g_assert_cmpuint (rows_of_pid (sw, 600), ==, 1);
    GHashTable *t = row_of (sw, 600, 0);
    g_assert_nonnull (t);
    g_assert_cmpstr (fta_test_cell_str (t, "comm"), ==, "sh");
    g_assert_cmpstr (fta_test_cell_str (t, "other_comms"), ==, "sleep");
    g_assert_cmpint (fta_test_cell_int (t, "run_ns"), ==, 2300 * US);
    g_assert_cmpint (fta_test_cell_int (t, "sched_in"), ==, 2);
    g_assert_cmpint (fta_test_cell_int (t, "switch_out"), ==, 2);
    /* each switch under the comm its line names: sh in at 100; sleep in
     * at 5100, out at 2300 and 5200 */
    GPtrArray *comms = fta_test_rows (doc, "switch.comms");
    GHashTable *c;
    g_assert_nonnull ((c = comm_row (comms, "sh")));
    g_assert_cmpint (fta_test_cell_int (c, "sched_in"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (c, "switch_out"), ==, 0);
    g_assert_nonnull ((c = comm_row (comms, "sleep")));
    g_assert_cmpint (fta_test_cell_int (c, "sched_in"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (c, "switch_out"), ==, 2);
    g_ptr_array_unref (sw);
    g_ptr_array_unref (comms);
    g_object_unref (p);

    /* no pid names two tasks: the text has no task_seq column */
    g_autofree char *text = fta_test_analyze_text (tmpdir, NULL, trace, NULL);
    g_assert_null (strstr (text, "task_seq"));
}

/* The strings of column COL of ROWS, in order, ", "-joined (owned). */
static char *
column_text (GPtrArray *rows, const char *col)
{
    GString *o = g_string_new (NULL);
    for (guint i = 0; i < rows->len; i++) {
        GHashTable *r = g_ptr_array_index (rows, i);
        if (i)
            g_string_append (o, ", ");
        const char *str = fta_test_cell_str (r, col);
        if (str)
            g_string_append (o, str);
        else
            g_string_append_printf (o, "%" G_GINT64_FORMAT, fta_test_cell_int (r, col));
    }
    return g_string_free (o, FALSE);
}

/* A task whose lines name it a, then b (on the other CPU), then a again;
 * another task named a; names that sort otherwise than they are first
 * seen.  CPU 0: swapper/0 -> a (10) at 100, a S -> x (20) at 200, x S ->
 * swapper/0 at 300, swapper/0 -> a (30) at 500, a (30) S -> a (10) at
 * 600, a (10) S -> swapper/0 at 700.  CPU 1: swapper/1 -> ab (40) at 150,
 * ab R -> b (10) at 350, b S -> task-9 (50) at 450, task-9 S -> task-10
 * (60) at 550, task-10 S -> ab at 650, ab S -> x (20) at 750, x S ->
 * swapper/1 at 800. */
static char *
comms_trace (void)
{
    GString *s = fta_test_trace_new ();
    fta_test_sw (s, 100, 0, "swapper/0", 0, "R", "a", 10);
    fta_test_sw (s, 150, 1, "swapper/1", 0, "R", "ab", 40);
    fta_test_sw (s, 200, 0, "a", 10, "S", "x", 20);
    fta_test_sw (s, 300, 0, "x", 20, "S", "swapper/0", 0);
    fta_test_sw (s, 350, 1, "ab", 40, "R", "b", 10);
    fta_test_sw (s, 450, 1, "b", 10, "S", "task-9", 50);
    fta_test_sw (s, 500, 0, "swapper/0", 0, "R", "a", 30);
    fta_test_sw (s, 550, 1, "task-9", 50, "S", "task-10", 60);
    fta_test_sw (s, 600, 0, "a", 30, "S", "a", 10);
    fta_test_sw (s, 650, 1, "task-10", 60, "S", "ab", 40);
    fta_test_sw (s, 700, 0, "a", 10, "S", "swapper/0", 0);
    fta_test_sw (s, 750, 1, "ab", 40, "S", "x", 20);
    fta_test_sw (s, 800, 1, "x", 20, "S", "swapper/1", 0);
    char *trace = fta_test_write (tmpdir, "comms.txt", s->str);
    g_string_free (s, TRUE);
    return trace;
}

static void
test_comms_order (void)
{
    g_autofree char *trace = comms_trace ();
    JsonParser *p = fta_test_analyze_with (tmpdir, "\"switch\", \"cpu\"", "switch", NULL,
                                           trace, NULL);
    JsonObject *doc = fta_test_root (p);
    /* per comm as the lines name them, by sched_in, then by name: a in
     * at 100, 500, 600, out at 200, 600, 700 (10 and 30); ab in 150,
     * 650, out 350, 750; swapper/0 out 100, 500, in 300, 700; x in 200,
     * 750, out 300, 800; b in 350, out 450 (10); swapper/1 out 150, in
     * 800; task-10 and task-9 once each */
    GPtrArray *comms = fta_test_rows (doc, "switch.comms");
    g_autofree char *names = column_text (comms, "comm");
    g_assert_cmpstr (names, ==, "a, ab, swapper/0, x, b, swapper/1, task-10, task-9");
    g_autofree char *ins = column_text (comms, "sched_in");
    g_assert_cmpstr (ins, ==, "3, 2, 2, 2, 1, 1, 1, 1");
    g_autofree char *outs = column_text (comms, "switch_out");
    g_assert_cmpstr (outs, ==, "3, 2, 2, 2, 1, 1, 1, 1");

    /* per task by run time, then pid: 10 ran 100-200 and 600-700 as a,
     * 350-450 as b (300, named a); 40 150-350 and 650-750 (300); 20
     * 200-300 and 750-800 (150); 30, 50, 60 100 each; the idle tasks in
     * order of first sight */
    GPtrArray *sw = fta_test_rows (doc, "switch.tasks");
    g_autofree char *pids = column_text (sw, "pid");
    g_assert_cmpstr (pids, ==, "10, 40, 20, 30, 50, 60, 0, 0");
    g_autofree char *tnames = column_text (sw, "comm");
    g_assert_cmpstr (tnames, ==, "a, ab, x, a, task-9, task-10, swapper/0, swapper/1");
    g_autofree char *runs = column_text (sw, "run_ns");
    g_assert_cmpstr (runs, ==, "300000, 300000, 150000, 100000, 100000, 100000, 0, 0");
    GHashTable *t10 = g_ptr_array_index (sw, 0);
    g_assert_cmpstr (fta_test_cell_str (t10, "other_comms"), ==, "b");
    g_assert_cmpint (fta_test_cell_int (t10, "sched_in"), ==, 3);
    g_assert_cmpint (fta_test_cell_int (t10, "switch_out"), ==, 3);
    g_assert_cmpint (fta_test_cell_int (t10, "voluntary"), ==, 3);
    g_assert_cmpint (fta_test_cell_int (g_ptr_array_index (sw, 1), "preempted"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (g_ptr_array_index (sw, 1), "switch_out"), ==, 2);

    /* per task and CPU: tasks by their total, a task's CPUs by run time:
     * 10 on 0 (200) and 1 (100), 40 on 1, 20 on 0 (100) and 1 (50) */
    GPtrArray *tc = fta_test_rows (doc, "cpu.task_cpus");
    g_autofree char *tpids = column_text (tc, "pid");
    g_assert_cmpstr (tpids, ==, "10, 10, 40, 20, 20, 30, 50, 60");
    g_autofree char *tcpus = column_text (tc, "cpu");
    g_assert_cmpstr (tcpus, ==, "0, 1, 1, 0, 1, 0, 1, 1");
    g_assert_cmpfloat_with_epsilon (fta_test_cell_pct (g_ptr_array_index (tc, 0), "share_pct"),
                                    100.0 * 2 / 3, 1e-9);
    g_assert_cmpstr (fta_test_cell_str (g_ptr_array_index (tc, 1), "comm"), ==, "a");
    g_ptr_array_unref (tc);
    g_ptr_array_unref (sw);
    g_ptr_array_unref (comms);
    g_object_unref (p);

    /* --comm judges a row of cpu.task_cpus by the comm of the task's
     * latest run on that CPU: 10's on CPU 1 was b, on CPU 0 a; its row
     * in switch.tasks by its name, a; switch.comms by the lines' */
    p = fta_test_analyze_with (tmpdir, "\"switch\", \"cpu\"", "switch", NULL, trace,
                               (const char *[]) { "--comm", "^b$", NULL });
    doc = fta_test_root (p);
    tc = fta_test_rows (doc, "cpu.task_cpus");
    g_assert_cmpuint (tc->len, ==, 1);
    GHashTable *r = g_ptr_array_index (tc, 0);
    g_assert_cmpint (fta_test_cell_int (r, "pid"), ==, 10);
    g_assert_cmpint (fta_test_cell_int (r, "cpu"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (r, "run_ns"), ==, 100 * US);
    g_assert_cmpfloat_with_epsilon (fta_test_cell_pct (r, "share_pct"), 100.0, 1e-9);
    sw = fta_test_rows (doc, "switch.tasks");
    g_assert_cmpuint (sw->len, ==, 0);
    comms = fta_test_rows (doc, "switch.comms");
    g_assert_cmpuint (comms->len, ==, 1);
    r = g_ptr_array_index (comms, 0);
    g_assert_cmpstr (fta_test_cell_str (r, "comm"), ==, "b");
    g_assert_cmpint (fta_test_cell_int (r, "sched_in"), ==, 1);
    g_assert_cmpint (fta_test_cell_int (r, "switch_out"), ==, 1);
    g_ptr_array_unref (comms);
    g_ptr_array_unref (sw);
    g_ptr_array_unref (tc);
    g_object_unref (p);
}

/* Names that are not UTF-8 sort as the text the tables show them by (a
 * U+FFFD for each bad byte), two that show alike in order of first sight:
 * on CPU 0, swapper/0 -> "\xff" (10) at 100, "\xff" S -> an emoji (20)
 * at 200, the emoji S -> "\xfe" (30) at 300, which runs on. */
static void
test_comms_not_utf8 (void)
{
    GString *s = fta_test_trace_new ();
    fta_test_sw (s, 100, 0, "swapper/0", 0, "R", "\xff", 10);
    fta_test_sw (s, 200, 0, "\xff", 10, "S", "\xf0\x9f\x98\x80", 20);
    fta_test_sw (s, 300, 0, "\xf0\x9f\x98\x80", 20, "S", "\xfe", 30);
    g_autofree char *trace = fta_test_write (tmpdir, "not-utf8.txt", s->str);
    g_string_free (s, TRUE);
    JsonParser *p = fta_test_analyze_with (tmpdir, "\"switch\"", "switch", NULL, trace, NULL);
    GPtrArray *comms = fta_test_rows (fta_test_root (p), "switch.comms");
    g_autofree char *names = column_text (comms, "comm");
    g_assert_cmpstr (names, ==, "\xef\xbf\xbd, \xef\xbf\xbd, \xf0\x9f\x98\x80, swapper/0");
    /* "\xff" in and out, "\xfe" in only; swapper/0 out only */
    g_autofree char *ins = column_text (comms, "sched_in");
    g_assert_cmpstr (ins, ==, "1, 1, 1, 0");
    g_autofree char *outs = column_text (comms, "switch_out");
    g_assert_cmpstr (outs, ==, "1, 0, 1, 1");
    g_ptr_array_unref (comms);
    g_object_unref (p);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-pids-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/pids/reuse-after-exit", test_reuse_after_exit);
    g_test_add_data_func ("/pids/fork-while-alive", "fork-while-alive.txt",
                          test_fork_while_alive);
    g_test_add_data_func ("/pids/new-while-alive", "new-while-alive.txt",
                          test_fork_while_alive);
    g_test_add_func ("/pids/exec", test_exec);
    g_test_add_func ("/pids/comms-and-order", test_comms_order);
    g_test_add_func ("/pids/comms-not-utf8", test_comms_not_utf8);
    int rc = g_test_run ();
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
