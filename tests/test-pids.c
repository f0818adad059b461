/* test-pids.c - a pid's tasks in the tables, through the CLI.
 *
 * The hand-made traces of tests/data/pids (their README tells each story,
 * times in us after 100 s): a pid that names two tasks has a row per task,
 * told apart by task_seq, with its own run time; a task that exec'd has
 * one row named by the comm it ran under longest and lists the others.
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
    int rc = g_test_run ();
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
