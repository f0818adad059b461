/* test-migirq.c - the migration and irq analyzers through the CLI.
 *
 * Hand-made traces whose numbers are worked out in the comments next to
 * them, then the real recordings against their oracles:
 *  - perf sched timehist -M ("migrated: COMM[TID] cpu A => B" lines) of the
 *    perf recording, against the perf script text of that same recording:
 *    migrations per task and per CPU pair must be equal;
 *  - the counts files: sched_migrate_task, irq_handler_entry/exit and
 *    softirq_entry/exit totals must be equal;
 *  - trace-cmd report --profile of the same ring buffer: timed intervals
 *    per IRQ and per softirq vector must be equal in number, and their
 *    totals equal to the nanosecond on trace-cmd report -t text, within
 *    1 us per interval on microsecond text.
 * Recordings not in tests/data/corpus are taken from $FTA_CORPUS_DIR
 * (the shared corpus) when it is set, and skipped otherwise.
 */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;

/* Hand-made traces start at 100 s; T(us) below is 100 s + us. */
#define HEADER "# tracer: nop\n#\n"

/* --- running the CLI --------------------------------------------------------- */

typedef struct {
    JsonParser *parser;
    JsonObject *doc;
} Out;

static void
out_clear (Out *o)
{
    g_clear_object (&o->parser);
    o->doc = NULL;
}

static int
run_sh (const char *cmd, char **err)
{
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    int status = -1;
    GError *error = NULL;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                  err, &status, &error);
    g_assert_no_error (error);
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* Analyzes PATH (gzip or plain) with the migration and irq analyzers,
 * PLUGIN_CFG added to the profile's plugins group, and EXTRA on the
 * command line. */
static Out
analyze_file (const char *path, const char *plugin_cfg, const char *extra)
{
    char *cfg = g_build_filename (tmpdir, "migirq.cfg", NULL);
    char *json = g_build_filename (tmpdir, "out.json", NULL);
    char *text = g_strdup_printf ("analyzers = [ \"migration\", \"irq\" ];\n"
                                  "plugins = { %s };\n",
                                  plugin_cfg ? plugin_cfg : "");
    g_assert_true (g_file_set_contents (cfg, text, -1, NULL));
    char *cmd = g_strdup_printf ("'%s' -q -c '%s' -f json -o '%s' %s '%s'",
                                 g_getenv ("FTA_BIN"), cfg, json, extra ? extra : "", path);
    char *err = NULL;
    int rc = run_sh (cmd, &err);
    if (rc)
        g_printerr ("%s\n", err);
    g_assert_cmpint (rc, ==, 0);
    Out o = { json_parser_new (), NULL };
    GError *error = NULL;
    json_parser_load_from_file (o.parser, json, &error);
    g_assert_no_error (error);
    o.doc = json_node_get_object (json_parser_get_root (o.parser));
    g_unlink (json);
    g_unlink (cfg);
    g_free (err);
    g_free (cmd);
    g_free (text);
    g_free (json);
    g_free (cfg);
    return o;
}

static Out
analyze_text (const char *trace, const char *plugin_cfg, const char *extra)
{
    char *path = g_build_filename (tmpdir, "trace.txt", NULL);
    g_assert_true (g_file_set_contents (path, trace, -1, NULL));
    Out o = analyze_file (path, plugin_cfg, extra);
    g_unlink (path);
    g_free (path);
    return o;
}

/* --- reading tables ----------------------------------------------------------- */

static JsonObject *
table (const Out *o, const char *name)
{
    JsonObject *tables = json_object_get_object_member (o->doc, "tables");
    g_assert_true (json_object_has_member (tables, name));
    return json_object_get_object_member (tables, name);
}

static int
col (JsonObject *t, const char *name)
{
    JsonArray *cols = json_object_get_array_member (t, "columns");
    for (guint i = 0; i < json_array_get_length (cols); i++)
        if (strcmp (json_object_get_string_member (json_array_get_object_element (cols, i),
                                                   "name"),
                    name) == 0)
            return (int) i;
    g_test_message ("no column %s", name);
    g_assert_not_reached ();
    return -1;
}

static guint
n_rows (JsonObject *t)
{
    return json_array_get_length (json_object_get_array_member (t, "rows"));
}

static JsonArray *
row_at (JsonObject *t, guint i)
{
    return json_array_get_array_element (json_object_get_array_member (t, "rows"), i);
}

/* The row whose K1 (and K2, unless NULL) have these values, or NULL. */
static JsonArray *
find_row (JsonObject *t, const char *k1, gint64 v1, const char *k2, gint64 v2)
{
    int c1 = col (t, k1), c2 = k2 ? col (t, k2) : -1;
    for (guint i = 0; i < n_rows (t); i++) {
        JsonArray *r = row_at (t, i);
        if (json_array_get_int_element (r, c1) == v1
            && (c2 < 0 || json_array_get_int_element (r, c2) == v2))
            return r;
    }
    return NULL;
}

static gboolean
is_null (JsonObject *t, JsonArray *r, const char *name)
{
    return JSON_NODE_HOLDS_NULL (json_array_get_element (r, col (t, name)));
}

static gint64
num (JsonObject *t, JsonArray *r, const char *name)
{
    g_assert_nonnull (r);
    g_assert_false (is_null (t, r, name));
    return json_array_get_int_element (r, col (t, name));
}

static const char *
str (JsonObject *t, JsonArray *r, const char *name)
{
    return json_array_get_string_element (r, col (t, name));
}

static gint64
sum_col (JsonObject *t, const char *name)
{
    gint64 s = 0;
    for (guint i = 0; i < n_rows (t); i++)
        if (!is_null (t, row_at (t, i), name))
            s += json_array_get_int_element (row_at (t, i), col (t, name));
    return s;
}

static JsonObject *
finding (const Out *o, const char *code)
{
    JsonArray *f = json_object_get_array_member (o->doc, "findings");
    for (guint i = 0; i < json_array_get_length (f); i++) {
        JsonObject *x = json_array_get_object_element (f, i);
        if (strcmp (json_object_get_string_member (x, "code"), code) == 0)
            return x;
    }
    return NULL;
}

static const char *
evidence (JsonObject *f, const char *key)
{
    JsonObject *e = json_object_get_object_member (f, "evidence");
    g_assert_true (json_object_has_member (e, key));
    return json_object_get_string_member (e, key);
}

/* Expected counts of one task in migration.tasks; -1 = null. */
static void
check_task (JsonObject *t, gint32 pid, gint64 migrations, gint64 wakeup, gint64 balance,
            gint64 changes, gint64 pingpong)
{
    JsonArray *r = find_row (t, "pid", pid, NULL, 0);
    g_assert_nonnull (r);
    g_assert_cmpint (num (t, r, "migrations"), ==, migrations);
    if (wakeup < 0) {
        g_assert_true (is_null (t, r, "wakeup_migrations"));
        g_assert_true (is_null (t, r, "balance_migrations"));
    } else {
        g_assert_cmpint (num (t, r, "wakeup_migrations"), ==, wakeup);
        g_assert_cmpint (num (t, r, "balance_migrations"), ==, balance);
    }
    g_assert_cmpint (num (t, r, "cpu_changes"), ==, changes);
    g_assert_cmpint (num (t, r, "pingpong"), ==, pingpong);
}

static void
check_cell (JsonObject *x, gint32 from, gint32 to, gint64 count, gint64 wakeup,
            gint64 balance)
{
    JsonArray *r = find_row (x, "from_cpu", from, "to_cpu", to);
    g_assert_nonnull (r);
    g_assert_cmpint (num (x, r, "count"), ==, count);
    if (wakeup < 0) {
        g_assert_true (is_null (x, r, "wakeup_migrations"));
    } else {
        g_assert_cmpint (num (x, r, "wakeup_migrations"), ==, wakeup);
        g_assert_cmpint (num (x, r, "balance_migrations"), ==, balance);
    }
}

/* --- migration: hand-made traces ------------------------------------------- */

/* With sched_waking in the trace, a migrate is a wakeup migration when the
 * latest sched_waking (or fork) on its CPU since that CPU's last switch was
 * for the same pid, with target_cpu = orig_cpu. */
static const char waking_trace[] = HEADER
    /* T100: taskB on CPU 1 wakes taskA, moves it 0 -> 1: wakeup */
    "           taskB-102     [001] d..2.   100.000100: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000\n"
    "           taskB-102     [001] d..2.   100.000102: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=0 dest_cpu=1\n"
    "           taskB-102     [001] d..3.   100.000105: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=001\n"
    /* T2000: CPU 0 pulls taskA 1 -> 0, no waking on CPU 0: balance.
     * It reverses the move at T102 within 10 ms: bounce 1 */
    "          <idle>-0       [000] d.s2.   100.002000: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=1 dest_cpu=0\n"
    /* T3020: taskA woken on CPU 0, but CPU 0 switched before the move
     * 0 -> 1: the burst was over, balance; bounce 2 */
    "           taskC-103     [000] d..2.   100.003000: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000\n"
    "           taskC-103     [000] d..2.   100.003010: sched_switch: prev_comm=taskC prev_pid=103 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n"
    "          <idle>-0       [000] d.s2.   100.003020: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=0 dest_cpu=1\n"
    /* T4004: the latest waking on CPU 1 is taskD's: taskD 1 -> 0 is a
     * wakeup, taskA 1 -> 0 at T4006 is not (balance; bounce 3) */
    "           taskB-102     [001] d..2.   100.004000: sched_waking: comm=taskA pid=101 prio=120 target_cpu=001\n"
    "           taskB-102     [001] d..2.   100.004002: sched_waking: comm=taskD pid=104 prio=120 target_cpu=001\n"
    "           taskB-102     [001] d..2.   100.004004: sched_migrate_task: comm=taskD pid=104 prio=120 orig_cpu=1 dest_cpu=0\n"
    "           taskB-102     [001] d..2.   100.004006: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=1 dest_cpu=0\n"
    /* T5002: the waking says taskE was on CPU 1, the migrate says 0: not
     * that wakeup's move, balance */
    "           taskB-102     [001] d..2.   100.005000: sched_waking: comm=taskE pid=105 prio=120 target_cpu=001\n"
    "           taskB-102     [001] d..2.   100.005002: sched_migrate_task: comm=taskE pid=105 prio=120 orig_cpu=0 dest_cpu=1\n"
    /* T6002: a new task placed by wake_up_new_task after the fork: wakeup */
    "           taskB-102     [001] d..2.   100.006000: sched_process_fork: comm=taskB pid=102 child_comm=taskB child_pid=106\n"
    "           taskB-102     [001] d..2.   100.006002: sched_migrate_task: comm=taskB pid=106 prio=120 orig_cpu=1 dest_cpu=0\n"
    "           taskB-102     [001] d..3.   100.006004: sched_wakeup_new: comm=taskB pid=106 prio=120 target_cpu=000\n";

static void
test_migration_waking (void)
{
    Out o = analyze_text (waking_trace, NULL, NULL);
    JsonObject *t = table (&o, "migration.tasks");
    g_assert_nonnull (strstr (json_object_get_string_member (t, "title"),
                              "sched_migrate_task"));
    g_assert_cmpuint (n_rows (t), ==, 4);
    /* taskA: W, B, B, B; three moves back within 10 ms */
    check_task (t, 101, 4, 1, 3, 0, 3);
    check_task (t, 104, 1, 1, 0, 0, 0);
    check_task (t, 105, 1, 0, 1, 0, 0);
    check_task (t, 106, 1, 1, 0, 0, 0);
    g_assert_cmpstr (str (t, find_row (t, "pid", 101, NULL, 0), "comm"), ==, "taskA");
    /* 0 -> 1: taskA (W, B) and taskE (B); 1 -> 0: taskA (B, B), taskD
     * (W), the new task (W) */
    JsonObject *x = table (&o, "migration.matrix");
    g_assert_cmpuint (n_rows (x), ==, 2);
    check_cell (x, 0, 1, 3, 1, 2);
    check_cell (x, 1, 0, 4, 2, 2);
    /* 3 bounces < the default pingpong_min of 10 */
    g_assert_null (finding (&o, "migration.pingpong"));
    g_assert_null (finding (&o, "migration.no-migrate-events"));
    out_clear (&o);
}

/* Without sched_waking, the task's next sched_wakeup(_new) decides: a
 * wakeup migration when it names dest_cpu, before the task is switched in
 * or moved again. */
static const char wakeup_trace[] = HEADER
    /* T102 taskA 0 -> 1, woken onto CPU 1: wakeup */
    "           taskB-102     [001] d..2.   100.000102: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=0 dest_cpu=1\n"
    "           taskB-102     [001] d..3.   100.000105: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=001\n"
    /* T2000 taskA 1 -> 0, then runs on CPU 0 before its next wakeup:
     * balance */
    "          <idle>-0       [000] d.s2.   100.002000: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=1 dest_cpu=0\n"
    "          <idle>-0       [000] d..2.   100.002010: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120\n"
    "           taskA-101     [000] d..2.   100.002500: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n"
    "           taskC-103     [001] d..3.   100.003000: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000\n"
    /* T4000 taskD 1 -> 0, the wakeup logged later on CPU 0 (a remote
     * wakeup): wakeup */
    "           taskB-102     [001] d..2.   100.004000: sched_migrate_task: comm=taskD pid=104 prio=120 orig_cpu=1 dest_cpu=0\n"
    "          <idle>-0       [000] dNh2.   100.004050: sched_wakeup: comm=taskD pid=104 prio=120 target_cpu=000\n"
    /* T5000 taskE 0 -> 1, but the wakeup names CPU 0: balance */
    "           taskB-102     [001] d..2.   100.005000: sched_migrate_task: comm=taskE pid=105 prio=120 orig_cpu=0 dest_cpu=1\n"
    "           taskB-102     [001] d..3.   100.005005: sched_wakeup: comm=taskE pid=105 prio=120 target_cpu=000\n"
    /* T6002 new task 1 -> 0, sched_wakeup_new on CPU 0: wakeup */
    "           taskB-102     [001] d..2.   100.006000: sched_process_fork: comm=taskB pid=102 child_comm=taskB child_pid=106\n"
    "           taskB-102     [001] d..2.   100.006002: sched_migrate_task: comm=taskB pid=106 prio=120 orig_cpu=1 dest_cpu=0\n"
    "           taskB-102     [001] d..3.   100.006004: sched_wakeup_new: comm=taskB pid=106 prio=120 target_cpu=000\n"
    /* T7000 taskG 0 -> 1, never woken in the trace: balance */
    "           taskB-102     [001] d..2.   100.007000: sched_migrate_task: comm=taskG pid=107 prio=120 orig_cpu=0 dest_cpu=1\n"
    /* T8000 taskA 0 -> 1 then 1 -> 0 before its wakeup onto CPU 0: the
     * first is balance, the second wakeup */
    "           taskB-102     [001] d..2.   100.008000: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=0 dest_cpu=1\n"
    "           taskB-102     [001] d..2.   100.008010: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=1 dest_cpu=0\n"
    "           taskB-102     [001] d..3.   100.008020: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000\n";

static void
test_migration_wakeup_only (void)
{
    Out o = analyze_text (wakeup_trace, NULL, NULL);
    JsonObject *t = table (&o, "migration.tasks");
    /* taskA moves 0>1 (T102), 1>0 (T2000), 0>1 (T8000), 1>0 (T8010):
     * W, B, B, W.  Each reverses the previous one, within 10 ms: 1.9 ms,
     * 6 ms, 10 us: 3 bounces.  One Running span only: no CPU change. */
    check_task (t, 101, 4, 2, 2, 0, 3);
    check_task (t, 104, 1, 1, 0, 0, 0);
    check_task (t, 105, 1, 0, 1, 0, 0);
    check_task (t, 106, 1, 1, 0, 0, 0);
    check_task (t, 107, 1, 0, 1, 0, 0);
    /* 0 -> 1: taskA W, taskE B, taskG B, taskA B; 1 -> 0: taskA B,
     * taskD W, new task W, taskA W */
    JsonObject *x = table (&o, "migration.matrix");
    check_cell (x, 0, 1, 4, 1, 3);
    check_cell (x, 1, 0, 4, 3, 1);
    out_clear (&o);
}

/* Bounces: a move that reverses the previous one within the window. */
static const char bounce_trace[] = HEADER
    "          <idle>-0       [001] d.s2.   100.001000: sched_migrate_task: comm=bouncer pid=201 prio=120 orig_cpu=0 dest_cpu=1\n"
    "          <idle>-0       [000] d.s2.   100.001500: sched_migrate_task: comm=steady pid=202 prio=120 orig_cpu=0 dest_cpu=1\n"
    "          <idle>-0       [000] d.s2.   100.002000: sched_migrate_task: comm=bouncer pid=201 prio=120 orig_cpu=1 dest_cpu=0\n"
    "          <idle>-0       [001] d.s2.   100.003000: sched_migrate_task: comm=bouncer pid=201 prio=120 orig_cpu=0 dest_cpu=1\n"
    "          <idle>-0       [000] d.s2.   100.025000: sched_migrate_task: comm=bouncer pid=201 prio=120 orig_cpu=1 dest_cpu=0\n"
    "          <idle>-0       [001] d.s2.   100.026000: sched_migrate_task: comm=bouncer pid=201 prio=120 orig_cpu=0 dest_cpu=1\n"
    "          <idle>-0       [002] d.s2.   100.027000: sched_migrate_task: comm=bouncer pid=201 prio=120 orig_cpu=1 dest_cpu=2\n"
    "          <idle>-0       [001] d.s2.   100.028000: sched_migrate_task: comm=bouncer pid=201 prio=120 orig_cpu=2 dest_cpu=1\n"
    "          <idle>-0       [000] d.s2.   100.030000: sched_migrate_task: comm=steady pid=202 prio=120 orig_cpu=1 dest_cpu=0\n"
    /* bouncer waits 20 ms for CPU 0: 40% of the trace's 50 ms */
    "          <idle>-0       [000] d.s2.   100.031000: sched_wakeup: comm=bouncer pid=201 prio=120 target_cpu=000\n"
    "          <idle>-0       [000] d..2.   100.051000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bouncer next_pid=201 next_prio=120\n";

static void
test_migration_pingpong (void)
{
    /* bouncer: 0>1 (1 ms), 1>0 (2 ms: back after 1 ms, bounce), 0>1 (3 ms:
     * bounce), 1>0 (25 ms: 22 ms later, no), 0>1 (26 ms: bounce), 1>2
     * (27 ms: not a reversal), 2>1 (28 ms: bounce): 4 bounces in 7
     * moves.  steady: back after 28.5 ms, no bounce. */
    Out o = analyze_text (bounce_trace, "migration = { pingpong_min = 4; };", NULL);
    JsonObject *t = table (&o, "migration.tasks");
    check_task (t, 201, 7, 0, 7, 0, 4);
    check_task (t, 202, 2, 0, 2, 0, 0);
    JsonObject *f = finding (&o, "migration.pingpong");
    g_assert_nonnull (f);
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "warning");
    g_assert_cmpstr (evidence (f, "tasks"), ==, "1");
    g_assert_cmpstr (evidence (f, "bouncer[201]"), ==,
                     "4 bounces in 7 migrations, last CPU 2 <-> 1");
    /* a warning because the bouncer waited 40% of the trace for a CPU */
    g_assert_cmpstr (evidence (f, "longest_wait_for_cpu"), ==,
                     "40.0% of the trace (threshold 10%)");
    g_assert_cmpint (json_object_get_int_member (f, "cost_ns"), ==, 20000000);
    out_clear (&o);
    o = analyze_text (bounce_trace, "migration = { pingpong_min = 4; pingpong_wait_pct = 40.0; };",
                      NULL);
    g_assert_cmpstr (json_object_get_string_member (finding (&o, "migration.pingpong"),
                                                    "severity"), ==, "warning");
    out_clear (&o);
    /* bouncing alone costs nothing: information */
    o = analyze_text (bounce_trace, "migration = { pingpong_min = 4; pingpong_wait_pct = 40.1; };",
                      NULL);
    g_assert_cmpstr (json_object_get_string_member (finding (&o, "migration.pingpong"),
                                                    "severity"), ==, "info");
    out_clear (&o);

    /* one bounce short of the threshold: no finding */
    o = analyze_text (bounce_trace, "migration = { pingpong_min = 5; };", NULL);
    g_assert_null (finding (&o, "migration.pingpong"));
    out_clear (&o);

    /* a 0.5 ms window: every reversal came 1 ms or later: none */
    o = analyze_text (bounce_trace,
                      "migration = { pingpong_window_ms = 0.5; pingpong_min = 1; };", NULL);
    t = table (&o, "migration.tasks");
    check_task (t, 201, 7, 0, 7, 0, 0);
    g_assert_null (finding (&o, "migration.pingpong"));
    out_clear (&o);
}

/* No sched_migrate_task: migrations are the CPU changes between
 * consecutive Running spans. */
static const char changes_trace[] = HEADER
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120\n"
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n"
    "           taskB-102     [001] d..3.   100.000250: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=001\n"
    /* T300: runs on CPU 1 after CPU 0: change 0 -> 1 */
    "          <idle>-0       [001] d..2.   100.000300: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120\n"
    "           taskA-101     [001] d..2.   100.000400: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n"
    "           taskB-102     [001] d..3.   100.000450: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=001\n"
    /* T500: CPU 1 again: no change */
    "          <idle>-0       [001] d..2.   100.000500: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120\n"
    "           taskA-101     [001] d..2.   100.000600: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n"
    "           taskB-102     [001] d..3.   100.000650: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000\n"
    /* T700: CPU 0, 400 us after the change at T300: 1 -> 0, a bounce; the
     * span is still open when the trace ends, its CPU is known */
    "          <idle>-0       [000] d..2.   100.000700: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120\n"
    "           taskB-102     [001] d.h1.   100.000800: irq_handler_entry: irq=36 name=virtio1-req.0\n";

static void
test_migration_cpu_changes (void)
{
    Out o = analyze_text (changes_trace, NULL, NULL);
    JsonObject *t = table (&o, "migration.tasks");
    g_assert_nonnull (strstr (json_object_get_string_member (t, "title"), "CPU changes"));
    g_assert_cmpuint (n_rows (t), ==, 1);
    check_task (t, 101, 2, -1, -1, 2, 1);
    JsonObject *x = table (&o, "migration.matrix");
    g_assert_cmpuint (n_rows (x), ==, 2);
    check_cell (x, 0, 1, 1, -1, -1);
    check_cell (x, 1, 0, 1, -1, -1);
    JsonObject *f = finding (&o, "migration.no-migrate-events");
    g_assert_nonnull (f);
    g_assert_cmpstr (evidence (f, "source"), ==, "cpu_changes");
    out_clear (&o);
}

/* --comm / --pid select rows, and the matrix counts only their moves. */
static void
test_migration_filters (void)
{
    Out o = analyze_text (waking_trace, NULL, "--comm '^taskA$'");
    JsonObject *t = table (&o, "migration.tasks");
    g_assert_cmpuint (n_rows (t), ==, 1);
    check_task (t, 101, 4, 1, 3, 0, 3);
    JsonObject *x = table (&o, "migration.matrix");
    check_cell (x, 0, 1, 2, 1, 1);
    check_cell (x, 1, 0, 2, 0, 2);
    out_clear (&o);

    o = analyze_text (waking_trace, NULL, "--pid 104,106");
    t = table (&o, "migration.tasks");
    g_assert_cmpuint (n_rows (t), ==, 2);
    x = table (&o, "migration.matrix");
    g_assert_cmpuint (n_rows (x), ==, 1);
    check_cell (x, 1, 0, 2, 2, 0);
    out_clear (&o);
}

/* --- irq: hand-made traces ---------------------------------------------------- */

/* Entries and exits pair per CPU: the two CPUs' IRQ 36 overlap in time. */
static const char pairs_trace[] = HEADER
    "          <idle>-0       [000] d.h1.   100.000100: irq_handler_entry: irq=36 name=virtio1-req.0\n"
    "          <idle>-0       [001] d.h1.   100.000101: irq_handler_entry: irq=36 name=virtio1-req.0\n"
    "          <idle>-0       [000] d.h1.   100.000104: irq_handler_exit: irq=36 ret=handled\n"
    "          <idle>-0       [001] d.h1.   100.000111: irq_handler_exit: irq=36 ret=handled\n"
    "          <idle>-0       [000] d.h1.   100.000200: irq_handler_entry: irq=42 name=virtio3-tx\n"
    "          <idle>-0       [000] d.h1.   100.000203: irq_handler_exit: irq=42 ret=handled\n"
    /* a shared line: two handlers, one after the other */
    "          <idle>-0       [001] d.h1.   100.000300: irq_handler_entry: irq=11 name=uhci_hcd:usb1\n"
    "          <idle>-0       [001] d.h1.   100.000301: irq_handler_exit: irq=11 ret=unhandled\n"
    "          <idle>-0       [001] d.h1.   100.000301: irq_handler_entry: irq=11 name=ehci_hcd:usb2\n"
    "          <idle>-0       [001] d.h1.   100.000303: irq_handler_exit: irq=11 ret=handled\n"
    /* a vector the kernel added after this table: named by its action */
    "          <idle>-0       [000] ..s1.   100.000400: softirq_entry: vec=10 [action=NEWVEC]\n"
    "          <idle>-0       [000] ..s1.   100.000406: softirq_exit: vec=10 [action=NEWVEC]\n";

static void
test_irq_pairs (void)
{
    Out o = analyze_text (pairs_trace, NULL, NULL);
    JsonObject *t = table (&o, "irq.irqs");
    g_assert_cmpuint (n_rows (t), ==, 3);
    /* 36: 4 us on CPU 0 (T100-T104), 10 us on CPU 1 (T101-T111) */
    JsonArray *r = find_row (t, "irq", 36, NULL, 0);
    g_assert_cmpstr (str (t, r, "name"), ==, "virtio1-req.0");
    g_assert_cmpint (num (t, r, "count"), ==, 2);
    g_assert_cmpint (num (t, r, "total_ns"), ==, 14000);
    g_assert_cmpint (num (t, r, "avg_ns"), ==, 7000);
    g_assert_cmpint (num (t, r, "p99_ns"), ==, 10000);
    g_assert_cmpint (num (t, r, "max_ns"), ==, 10000);
    g_assert_cmpint (num (t, r, "unmatched_entry"), ==, 0);
    g_assert_cmpint (num (t, r, "unmatched_exit"), ==, 0);
    r = find_row (t, "irq", 11, NULL, 0);
    g_assert_cmpstr (str (t, r, "name"), ==, "uhci_hcd:usb1, ehci_hcd:usb2");
    g_assert_cmpint (num (t, r, "count"), ==, 2);
    g_assert_cmpint (num (t, r, "total_ns"), ==, 3000);
    g_assert_cmpint (num (t, r, "unhandled"), ==, 1);
    /* sorted by total time: 36 (14 us), 42 (3 us) tied with 11 (3 us),
     * then by irq number */
    g_assert_cmpint (json_array_get_int_element (row_at (t, 0), col (t, "irq")), ==, 36);
    g_assert_cmpint (json_array_get_int_element (row_at (t, 1), col (t, "irq")), ==, 11);

    JsonObject *c = table (&o, "irq.irq_cpus");
    g_assert_cmpuint (n_rows (c), ==, 4);
    r = find_row (c, "irq", 36, "cpu", 0);
    g_assert_cmpint (num (c, r, "count"), ==, 1);
    g_assert_cmpint (num (c, r, "total_ns"), ==, 4000);
    r = find_row (c, "irq", 36, "cpu", 1);
    g_assert_cmpint (num (c, r, "total_ns"), ==, 10000);

    JsonObject *s = table (&o, "irq.softirqs");
    r = find_row (s, "vec", 10, NULL, 0);
    g_assert_cmpstr (str (s, r, "name"), ==, "NEWVEC");
    g_assert_cmpint (num (s, r, "total_ns"), ==, 6000);
    /* no softirq_raise in the trace: the raise columns are null */
    g_assert_true (is_null (s, r, "raise_count"));
    g_assert_true (is_null (s, r, "raise_latency_avg_ns"));
    g_assert_null (finding (&o, "irq.unmatched"));
    g_assert_null (finding (&o, "irq.long-hardirq"));
    out_clear (&o);

    /* --cpu 1: only CPU 1's handlers */
    o = analyze_text (pairs_trace, NULL, "--cpu 1");
    t = table (&o, "irq.irqs");
    g_assert_null (find_row (t, "irq", 42, NULL, 0));
    r = find_row (t, "irq", 36, NULL, 0);
    g_assert_cmpint (num (t, r, "count"), ==, 1);
    g_assert_cmpint (num (t, r, "total_ns"), ==, 10000);
    out_clear (&o);

    /* a 5 us threshold flags IRQ 36's 10 us */
    o = analyze_text (pairs_trace, "irq = { hardirq_warn_us = 5; };", NULL);
    JsonObject *f = finding (&o, "irq.long-hardirq");
    g_assert_nonnull (f);
    g_assert_cmpstr (evidence (f, "irq"), ==, "36");
    g_assert_cmpstr (evidence (f, "max_ns"), ==, "10000");
    g_assert_cmpstr (evidence (f, "irqs_over"), ==, "1");
    out_clear (&o);
}

/* A hardirq inside a softirq, and a hardirq inside a hardirq. */
static const char nested_trace[] = HEADER
    /* TIMER T1000-T1010 (10 us) with IRQ 36 T1002-T1005 (3 us) inside */
    "          <idle>-0       [000] ..s1.   100.001000: softirq_entry: vec=1 [action=TIMER]\n"
    "          <idle>-0       [000] d.H2.   100.001002: irq_handler_entry: irq=36 name=virtio1-req.0\n"
    "          <idle>-0       [000] d.H2.   100.001005: irq_handler_exit: irq=36 ret=handled\n"
    "          <idle>-0       [000] ..s1.   100.001010: softirq_exit: vec=1 [action=TIMER]\n"
    /* IRQ 36 T2000-T2006 (6 us) with IRQ 42 T2001-T2003 (2 us) inside */
    "          <idle>-0       [000] d.h1.   100.002000: irq_handler_entry: irq=36 name=virtio1-req.0\n"
    "          <idle>-0       [000] d.H2.   100.002001: irq_handler_entry: irq=42 name=virtio3-tx\n"
    "          <idle>-0       [000] d.H2.   100.002003: irq_handler_exit: irq=42 ret=handled\n"
    "          <idle>-0       [000] d.h1.   100.002006: irq_handler_exit: irq=36 ret=handled\n";

static void
test_irq_nested (void)
{
    Out o = analyze_text (nested_trace, NULL, NULL);
    JsonObject *t = table (&o, "irq.irqs");
    /* 36: 3 + 6 us; the first ran inside TIMER; 42 ran 2 us inside it */
    JsonArray *r = find_row (t, "irq", 36, NULL, 0);
    g_assert_cmpint (num (t, r, "count"), ==, 2);
    g_assert_cmpint (num (t, r, "total_ns"), ==, 9000);
    g_assert_cmpint (num (t, r, "max_ns"), ==, 6000);
    g_assert_cmpint (num (t, r, "nested"), ==, 1);
    g_assert_cmpint (num (t, r, "nested_ns"), ==, 2000);
    r = find_row (t, "irq", 42, NULL, 0);
    g_assert_cmpint (num (t, r, "count"), ==, 1);
    g_assert_cmpint (num (t, r, "total_ns"), ==, 2000);
    g_assert_cmpint (num (t, r, "nested"), ==, 1);
    g_assert_cmpint (num (t, r, "nested_ns"), ==, 0);
    JsonObject *s = table (&o, "irq.softirqs");
    r = find_row (s, "vec", 1, NULL, 0);
    g_assert_cmpstr (str (s, r, "name"), ==, "TIMER");
    g_assert_cmpint (num (s, r, "count"), ==, 1);
    g_assert_cmpint (num (s, r, "total_ns"), ==, 10000);
    g_assert_cmpint (num (s, r, "nested"), ==, 0);
    g_assert_cmpint (num (s, r, "nested_ns"), ==, 3000);
    g_assert_null (finding (&o, "irq.unmatched"));
    out_clear (&o);
}

/* Entries without exits and exits without entries: counted, never timed. */
static const char unmatched_trace[] = HEADER
    /* T100: the trace starts inside RCU: an exit with no entry (an edge) */
    "          <idle>-0       [000] ..s1.   100.000100: softirq_exit: vec=9 [action=RCU]\n"
    /* T200: IRQ 36's exit is lost; T300-T305 is the next one (5 us) */
    "          <idle>-0       [000] d.h1.   100.000200: irq_handler_entry: irq=36 name=virtio1-req.0\n"
    "          <idle>-0       [000] d.h1.   100.000300: irq_handler_entry: irq=36 name=virtio1-req.0\n"
    "          <idle>-0       [000] d.h1.   100.000305: irq_handler_exit: irq=36 ret=unhandled\n"
    /* T400: TIMER's exit is lost (softirqs never nest); RCU T410-T412 */
    "          <idle>-0       [000] ..s1.   100.000400: softirq_entry: vec=1 [action=TIMER]\n"
    "          <idle>-0       [000] ..s1.   100.000410: softirq_entry: vec=9 [action=RCU]\n"
    "          <idle>-0       [000] ..s1.   100.000412: softirq_exit: vec=9 [action=RCU]\n"
    /* T502: an exit of IRQ 42, never entered, inside SCHED T500-T505 */
    "          <idle>-0       [000] ..s1.   100.000500: softirq_entry: vec=7 [action=SCHED]\n"
    "          <idle>-0       [000] d.h1.   100.000502: irq_handler_exit: irq=42 ret=handled\n"
    "          <idle>-0       [000] ..s1.   100.000505: softirq_exit: vec=7 [action=SCHED]\n"
    /* T600-T610 NET_RX; IRQ 36 entered at T602 never exits: NET_RX's exit
     * closes it as unmatched, NET_RX is 10 us with no nested time */
    "          <idle>-0       [000] ..s1.   100.000600: softirq_entry: vec=3 [action=NET_RX]\n"
    "          <idle>-0       [000] d.H2.   100.000602: irq_handler_entry: irq=36 name=virtio1-req.0\n"
    "          <idle>-0       [000] ..s1.   100.000610: softirq_exit: vec=3 [action=NET_RX]\n"
    /* T700: still open when the trace ends (an edge) */
    "          <idle>-0       [000] d.h1.   100.000700: irq_handler_entry: irq=42 name=virtio3-tx\n";

static void
test_irq_unmatched (void)
{
    Out o = analyze_text (unmatched_trace, NULL, NULL);
    JsonObject *t = table (&o, "irq.irqs");
    JsonArray *r = find_row (t, "irq", 36, NULL, 0);
    g_assert_cmpint (num (t, r, "count"), ==, 1);
    g_assert_cmpint (num (t, r, "total_ns"), ==, 5000);
    g_assert_cmpint (num (t, r, "unmatched_entry"), ==, 2);
    g_assert_cmpint (num (t, r, "unmatched_exit"), ==, 0);
    g_assert_cmpint (num (t, r, "unhandled"), ==, 1);
    r = find_row (t, "irq", 42, NULL, 0);
    g_assert_cmpint (num (t, r, "count"), ==, 0);
    g_assert_cmpint (num (t, r, "total_ns"), ==, 0);
    g_assert_true (is_null (t, r, "avg_ns"));
    g_assert_true (is_null (t, r, "max_ns"));
    g_assert_cmpint (num (t, r, "unmatched_entry"), ==, 1);
    g_assert_cmpint (num (t, r, "unmatched_exit"), ==, 1);
    JsonObject *s = table (&o, "irq.softirqs");
    r = find_row (s, "vec", 9, NULL, 0);
    g_assert_cmpint (num (s, r, "count"), ==, 1);
    g_assert_cmpint (num (s, r, "total_ns"), ==, 2000);
    g_assert_cmpint (num (s, r, "unmatched_exit"), ==, 1);
    r = find_row (s, "vec", 1, NULL, 0);
    g_assert_cmpint (num (s, r, "count"), ==, 0);
    g_assert_cmpint (num (s, r, "unmatched_entry"), ==, 1);
    r = find_row (s, "vec", 7, NULL, 0);
    g_assert_cmpint (num (s, r, "total_ns"), ==, 5000);
    r = find_row (s, "vec", 3, NULL, 0);
    g_assert_cmpint (num (s, r, "total_ns"), ==, 10000);
    g_assert_cmpint (num (s, r, "nested_ns"), ==, 0);
    /* 4 unmatched entries + 2 exits; the RCU exit at T100 and IRQ 42 open
     * at the end are the trace's edges: 4 unexpected */
    JsonObject *f = finding (&o, "irq.unmatched");
    g_assert_nonnull (f);
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "warning");
    g_assert_cmpstr (evidence (f, "unmatched_entries"), ==, "4");
    g_assert_cmpstr (evidence (f, "unmatched_exits"), ==, "2");
    g_assert_cmpstr (evidence (f, "at_trace_edges"), ==, "2");
    g_assert_nonnull (strstr (json_object_get_string_member (f, "title"), "4 interrupt"));
    out_clear (&o);
}

/* Markers drop what is open on their CPU only. */
static const char markers_trace[] = HEADER
    "          <idle>-0       [000] ..s1.   100.000100: softirq_entry: vec=1 [action=TIMER]\n"
    "          <idle>-0       [001] ..s1.   100.000150: softirq_entry: vec=9 [action=RCU]\n"
    "CPU:0 [LOST 5 EVENTS]\n"
    "          <idle>-0       [000] ..s1.   100.000200: softirq_exit: vec=1 [action=TIMER]\n"
    "##### CPU 0 buffer started ####\n"
    "          <idle>-0       [001] ..s1.   100.000155: softirq_exit: vec=9 [action=RCU]\n";

static void
test_irq_markers (void)
{
    /* TIMER: entry dropped at the CPU 0 marker, exit unmatched after it.
     * RCU on CPU 1 (T150-T155) is paired across both CPU 0 markers. */
    Out o = analyze_text (markers_trace, NULL, NULL);
    JsonObject *s = table (&o, "irq.softirqs");
    JsonArray *r = find_row (s, "vec", 1, NULL, 0);
    g_assert_cmpint (num (s, r, "count"), ==, 0);
    g_assert_cmpint (num (s, r, "unmatched_entry"), ==, 1);
    g_assert_cmpint (num (s, r, "unmatched_exit"), ==, 1);
    r = find_row (s, "vec", 9, NULL, 0);
    g_assert_cmpint (num (s, r, "count"), ==, 1);
    g_assert_cmpint (num (s, r, "total_ns"), ==, 5000);
    JsonObject *f = finding (&o, "irq.unmatched");
    g_assert_nonnull (f);
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "info");
    g_assert_cmpstr (evidence (f, "at_markers"), ==, "1");
    out_clear (&o);
}

/* softirq_raise -> softirq_entry of that vector on that CPU. */
static const char raise_trace[] = HEADER
    /* TIMER raised at T100 and again at T103 (already pending), runs at
     * T110: 10 us */
    "          <idle>-0       [000] d.h1.   100.000100: softirq_raise: vec=1 [action=TIMER]\n"
    "          <idle>-0       [000] d.h1.   100.000103: softirq_raise: vec=1 [action=TIMER]\n"
    "          <idle>-0       [000] ..s1.   100.000110: softirq_entry: vec=1 [action=TIMER]\n"
    "          <idle>-0       [000] ..s1.   100.000112: softirq_exit: vec=1 [action=TIMER]\n"
    /* RCU raised on CPU 1 at T200; CPU 0's RCU at T205 is not its run;
     * CPU 1 runs it at T230: 30 us */
    "          <idle>-0       [001] d.h1.   100.000200: softirq_raise: vec=9 [action=RCU]\n"
    "          <idle>-0       [000] ..s1.   100.000205: softirq_entry: vec=9 [action=RCU]\n"
    "          <idle>-0       [000] ..s1.   100.000206: softirq_exit: vec=9 [action=RCU]\n"
    "          <idle>-0       [001] ..s1.   100.000230: softirq_entry: vec=9 [action=RCU]\n"
    "          <idle>-0       [001] ..s1.   100.000233: softirq_exit: vec=9 [action=RCU]\n"
    /* TIMER raised again at T300, run at T304: 4 us */
    "          <idle>-0       [000] d.h1.   100.000300: softirq_raise: vec=1 [action=TIMER]\n"
    "          <idle>-0       [000] ..s1.   100.000304: softirq_entry: vec=1 [action=TIMER]\n"
    "          <idle>-0       [000] ..s1.   100.000305: softirq_exit: vec=1 [action=TIMER]\n"
    /* SCHED never raised in the trace */
    "          <idle>-0       [000] ..s1.   100.000400: softirq_entry: vec=7 [action=SCHED]\n"
    "          <idle>-0       [000] ..s1.   100.000401: softirq_exit: vec=7 [action=SCHED]\n";

static void
test_irq_raise (void)
{
    Out o = analyze_text (raise_trace, NULL, NULL);
    JsonObject *s = table (&o, "irq.softirqs");
    JsonArray *r = find_row (s, "vec", 1, NULL, 0);
    g_assert_cmpint (num (s, r, "raise_count"), ==, 3);
    g_assert_cmpint (num (s, r, "raise_latency_avg_ns"), ==, 7000);
    g_assert_cmpint (num (s, r, "raise_latency_max_ns"), ==, 10000);
    r = find_row (s, "vec", 9, NULL, 0);
    g_assert_cmpint (num (s, r, "count"), ==, 2);
    g_assert_cmpint (num (s, r, "raise_count"), ==, 1);
    g_assert_cmpint (num (s, r, "raise_latency_avg_ns"), ==, 30000);
    g_assert_cmpint (num (s, r, "raise_latency_max_ns"), ==, 30000);
    r = find_row (s, "vec", 7, NULL, 0);
    g_assert_cmpint (num (s, r, "raise_count"), ==, 0);
    g_assert_true (is_null (s, r, "raise_latency_avg_ns"));
    JsonObject *c = table (&o, "irq.softirq_cpus");
    r = find_row (c, "vec", 9, "cpu", 1);
    g_assert_cmpint (num (c, r, "count"), ==, 1);
    g_assert_cmpint (num (c, r, "total_ns"), ==, 3000);
    out_clear (&o);
}

/* --- the recordings ---------------------------------------------------------- */

#define recording fta_test_recording

static char *
read_maybe_gz (const char *path)
{
    char *text = NULL;
    if (g_str_has_suffix (path, ".gz")) {
        char *cmd = g_strdup_printf ("gzip -dc '%s'", path);
        char *err = NULL;
        int status;
        g_assert_true (g_spawn_command_line_sync (cmd, &text, &err, &status, NULL));
        g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
        g_free (err);
        g_free (cmd);
    } else {
        g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    }
    return text;
}

/* "COUNT<TAB>NAME" in a counts file's "events per type" section; 0 when
 * the event is not listed. */
static gint64
counts_events (const char *counts, const char *event)
{
    const char *s = strstr (counts, "## events per type\n");
    g_assert_nonnull (s);
    const char *end = strstr (s + 3, "\n## ");
    char *pat = g_strdup_printf ("\t%s\n", event);
    const char *k = g_strstr_len (s, end ? end - s : -1, pat);
    g_free (pat);
    if (!k)
        return 0;
    const char *b = k;
    while (b > s && b[-1] != '\n')
        b--;
    return g_ascii_strtoll (b, NULL, 10);
}

typedef struct {
    const char *scenario;
    const char *variant;
} Rec;

/* Totals per event type are the counts file's, and every entry or exit is
 * either in a timed pair or counted unmatched. */
static void
test_counts (gconstpointer data)
{
    const Rec *c = data;
    char *gz = g_strdup_printf ("%s_%s.txt.gz", c->scenario, c->variant);
    char *cn = g_strdup_printf ("%s_%s.counts.txt", c->scenario, c->variant);
    char *trace = recording (c->scenario, gz), *cpath = recording (c->scenario, cn);
    if (!trace || !cpath) {
        g_test_skip ("recording not found (set FTA_CORPUS_DIR)");
        goto out;
    }
    char *counts = read_maybe_gz (cpath);
    Out o = analyze_file (trace, NULL, NULL);

    JsonObject *t = table (&o, "migration.tasks"), *x = table (&o, "migration.matrix");
    gint64 want = counts_events (counts, "sched_migrate_task");
    g_test_message ("%s: sched_migrate_task %" G_GINT64_FORMAT ", ours %" G_GINT64_FORMAT,
                    gz, want, sum_col (t, "migrations"));
    g_assert_cmpint (want, >, 0);
    g_assert_cmpint (sum_col (t, "migrations"), ==, want);
    g_assert_cmpint (sum_col (x, "count"), ==, want);
    g_assert_cmpint (sum_col (t, "wakeup_migrations") + sum_col (t, "balance_migrations"),
                     ==, want);

    JsonObject *h = table (&o, "irq.irqs"), *s = table (&o, "irq.softirqs");
    g_assert_cmpint (sum_col (h, "count") + sum_col (h, "unmatched_entry"), ==,
                     counts_events (counts, "irq_handler_entry"));
    g_assert_cmpint (sum_col (h, "count") + sum_col (h, "unmatched_exit"), ==,
                     counts_events (counts, "irq_handler_exit"));
    g_assert_cmpint (sum_col (s, "count") + sum_col (s, "unmatched_entry"), ==,
                     counts_events (counts, "softirq_entry"));
    g_assert_cmpint (sum_col (s, "count") + sum_col (s, "unmatched_exit"), ==,
                     counts_events (counts, "softirq_exit"));
    g_assert_cmpint (sum_col (s, "count"), >, 0);
    /* the per-CPU tables split the same intervals */
    g_assert_cmpint (sum_col (table (&o, "irq.irq_cpus"), "total_ns"), ==,
                     sum_col (h, "total_ns"));
    g_assert_cmpint (sum_col (table (&o, "irq.softirq_cpus"), "count"), ==,
                     sum_col (s, "count"));
    out_clear (&o);
    g_free (counts);
out:
    g_free (trace);
    g_free (cpath);
    g_free (gz);
    g_free (cn);
}

typedef struct {
    gint64 n, total;
} Acc;

/* trace-cmd report --profile: "Event: irq_handler_entry:0x24 (N) Total: T"
 * and "Event: softirq_entry:RCU (N) Total: T" per task, summed here over
 * tasks.  Keys: irq number, or 1000 + vector.  trace-cmd 3.1.6 names
 * vector 5 BLOCK_IOPOLL. */
static GHashTable *
parse_profile (const char *text)
{
    static const char *const vecs[] = { "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK",
                                        "BLOCK_IOPOLL", "TASKLET", "SCHED", "HRTIMER",
                                        "RCU" };
    GHashTable *h = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    GRegex *re = g_regex_new ("Event: (irq_handler_entry|softirq_entry):(\\S+) "
                              "\\((\\d+)\\) Total: (\\d+)", 0, 0, NULL);
    GMatchInfo *mi;
    g_regex_match (re, text, 0, &mi);
    for (; g_match_info_matches (mi); g_match_info_next (mi, NULL)) {
        char *ev = g_match_info_fetch (mi, 1), *id = g_match_info_fetch (mi, 2);
        char *n = g_match_info_fetch (mi, 3), *tot = g_match_info_fetch (mi, 4);
        gint key = -1;
        if (ev[0] == 'i') {
            key = (gint) g_ascii_strtoll (id, NULL, 16);
        } else {
            for (guint v = 0; v < G_N_ELEMENTS (vecs); v++)
                if (strcmp (vecs[v], id) == 0)
                    key = 1000 + (gint) v;
            if (key < 0)
                key = 1000 + (gint) g_ascii_strtoll (id, NULL, 10);
        }
        Acc *a = g_hash_table_lookup (h, GINT_TO_POINTER (key));
        if (!a) {
            a = g_new0 (Acc, 1);
            g_hash_table_insert (h, GINT_TO_POINTER (key), a);
        }
        a->n += g_ascii_strtoll (n, NULL, 10);
        a->total += g_ascii_strtoll (tot, NULL, 10);
        g_free (ev);
        g_free (id);
        g_free (n);
        g_free (tot);
    }
    g_match_info_free (mi);
    g_regex_unref (re);
    return h;
}

static void
test_profile (gconstpointer data)
{
    const Rec *c = data;
    char *gz = g_strdup_printf ("%s_%s.txt.gz", c->scenario, c->variant);
    char *pn = g_strdup_printf ("%s_oracle_tracecmd_profile.txt", c->scenario);
    char *trace = recording (c->scenario, gz), *ppath = recording (c->scenario, pn);
    if (!trace || !ppath) {
        g_test_skip ("recording not found (set FTA_CORPUS_DIR)");
        goto out;
    }
    char *text = read_maybe_gz (ppath);
    GHashTable *prof = parse_profile (text);
    /* report -t prints the nanoseconds the profile used */
    gboolean ns = g_str_has_suffix (c->variant, "_ns");
    Out o = analyze_file (trace, NULL, NULL);
    guint compared = 0;
    for (int soft = 0; soft < 2; soft++) {
        JsonObject *t = table (&o, soft ? "irq.softirqs" : "irq.irqs");
        for (guint i = 0; i < n_rows (t); i++) {
            JsonArray *r = row_at (t, i);
            gint64 id = num (t, r, soft ? "vec" : "irq");
            Acc *a = g_hash_table_lookup (prof, GINT_TO_POINTER ((gint) (soft ? 1000 + id : id)));
            Acc none = { 0, 0 };
            if (!a)
                a = &none;
            gint64 n = num (t, r, "count"), tot = num (t, r, "total_ns");
            g_test_message ("%s %s: profile %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT
                            " ns, ours %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT " ns",
                            soft ? "vec" : "irq", str (t, r, "name"), a->n, a->total, n, tot);
            g_assert_cmpint (n, ==, a->n);
            g_assert_cmpint (ABS (tot - a->total), <=, ns ? 0 : 1000 * a->n);
            g_hash_table_remove (prof, GINT_TO_POINTER ((gint) (soft ? 1000 + id : id)));
            compared++;
        }
    }
    /* nothing in the profile that we did not report */
    g_assert_cmpuint (g_hash_table_size (prof), ==, 0);
    g_assert_cmpuint (compared, >=, 3);
    out_clear (&o);
    g_hash_table_unref (prof);
    g_free (text);
out:
    g_free (trace);
    g_free (ppath);
    g_free (gz);
    g_free (pn);
}

/* perf sched timehist -M of the perf recording: "migrated: COMM[TID] cpu A
 * => B" (or ":TID" for a thread perf has no name for), one per
 * sched_migrate_task, counted for the migrated task. */
static void
test_perf_migrations (gconstpointer data)
{
    const char *scenario = data;
    char *gz = g_strdup_printf ("%s_perf_script.txt.gz", scenario);
    char *on = g_strdup_printf ("%s_oracle_perf_sched_timehist_state_w_M.txt.gz", scenario);
    char *trace = recording (scenario, gz), *opath = recording (scenario, on);
    if (!trace || !opath) {
        g_test_skip ("recording not found (set FTA_CORPUS_DIR)");
        goto out;
    }
    char *text = read_maybe_gz (opath);
    GHashTable *per_task = g_hash_table_new (g_direct_hash, g_direct_equal);
    GHashTable *per_pair = g_hash_table_new (g_direct_hash, g_direct_equal);
    GRegex *re = g_regex_new ("migrated: (?:.*\\[|:)(\\d+)(?:/\\d+)?\\]? cpu (\\d+) => (\\d+)",
                              0, 0, NULL);
    GMatchInfo *mi;
    guint total = 0;
    g_regex_match (re, text, 0, &mi);
    for (; g_match_info_matches (mi); g_match_info_next (mi, NULL)) {
        char *tid = g_match_info_fetch (mi, 1), *a = g_match_info_fetch (mi, 2),
             *b = g_match_info_fetch (mi, 3);
        gpointer k = GINT_TO_POINTER ((gint) g_ascii_strtoll (tid, NULL, 10));
        g_hash_table_insert (per_task, k,
                             GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (per_task, k)) + 1));
        k = GINT_TO_POINTER ((gint) (g_ascii_strtoll (a, NULL, 10) * 4096
                                     + g_ascii_strtoll (b, NULL, 10)));
        g_hash_table_insert (per_pair, k,
                             GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (per_pair, k)) + 1));
        total++;
        g_free (tid);
        g_free (a);
        g_free (b);
    }
    g_match_info_free (mi);
    g_regex_unref (re);
    g_assert_cmpuint (total, >, 0);

    Out o = analyze_file (trace, NULL, NULL);
    JsonObject *t = table (&o, "migration.tasks");
    guint moved = 0;
    for (guint i = 0; i < n_rows (t); i++) {
        JsonArray *r = row_at (t, i);
        /* rows with CPU changes but no migrate event are not perf's */
        moved += num (t, r, "migrations") > 0;
        gint pid = (gint) num (t, r, "pid");
        gint want = GPOINTER_TO_INT (g_hash_table_lookup (per_task, GINT_TO_POINTER (pid)));
        if (want != num (t, r, "migrations"))
            g_test_message ("%s[%d]: perf %d, ours %" G_GINT64_FORMAT, str (t, r, "comm"), pid,
                            want, num (t, r, "migrations"));
        g_assert_cmpint (num (t, r, "migrations"), ==, want);
    }
    g_assert_cmpuint (moved, ==, g_hash_table_size (per_task));
    JsonObject *x = table (&o, "migration.matrix");
    guint pairs = 0;
    for (guint i = 0; i < n_rows (x); i++) {
        JsonArray *r = row_at (x, i);
        pairs += num (x, r, "count") > 0;
        gint k = (gint) (num (x, r, "from_cpu") * 4096 + num (x, r, "to_cpu"));
        g_assert_cmpint (num (x, r, "count"), ==,
                         GPOINTER_TO_INT (g_hash_table_lookup (per_pair, GINT_TO_POINTER (k))));
    }
    g_assert_cmpuint (pairs, ==, g_hash_table_size (per_pair));
    g_test_message ("%s: %u migrations of %u tasks, equal", scenario, total,
                    g_hash_table_size (per_task));
    out_clear (&o);
    g_hash_table_unref (per_task);
    g_hash_table_unref (per_pair);
    g_free (text);
out:
    g_free (trace);
    g_free (opath);
    g_free (gz);
    g_free (on);
}

static const Rec count_recs[] = {
    { "qemu_tcg", "ftrace_default" },
    { "qemu_tcg", "ftrace_tgid_noirqinfo" },
    { "qemu_tcg", "tracecmd_report" },
    { "qemu_tcg", "tracecmd_report_ns" },
    { "qemu_tcg", "perf_script" },
    { "cpu_contention", "ftrace_default" },
    { "io_block", "ftrace_default" },
    { "quiet", "ftrace_default" },
    { "lossy", "ftrace_default" },
    { "lossy", "tracecmd_report" },
    /* shared corpus only */
    { "cpu_contention", "perf_script" },
    { "io_block", "perf_script" },
    { "quiet", "perf_script" },
    { "lossy", "trace_pipe_slowreader" },
};

static const Rec profile_recs[] = {
    { "qemu_tcg", "ftrace_default" },
    { "qemu_tcg", "tracecmd_report_ns" },
    { "cpu_contention", "ftrace_default" },
    { "io_block", "ftrace_default" },
    { "quiet", "ftrace_default" },
    { "lossy", "ftrace_default" },
    { "lossy", "tracecmd_report_ns" },
    /* shared corpus only */
    { "cpu_contention", "tracecmd_report_ns" },
    { "io_block", "tracecmd_report_ns" },
    { "quiet", "tracecmd_report_ns" },
};

static const char *const perf_recs[] = { "qemu_tcg", "cpu_contention", "io_block", "quiet" };

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-migirq-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/migration/classify/sched-waking", test_migration_waking);
    g_test_add_func ("/migration/classify/sched-wakeup-only", test_migration_wakeup_only);
    g_test_add_func ("/migration/pingpong", test_migration_pingpong);
    g_test_add_func ("/migration/cpu-changes-without-migrate-events",
                     test_migration_cpu_changes);
    g_test_add_func ("/migration/filters", test_migration_filters);
    g_test_add_func ("/irq/pairs-per-cpu", test_irq_pairs);
    g_test_add_func ("/irq/nested", test_irq_nested);
    g_test_add_func ("/irq/unmatched", test_irq_unmatched);
    g_test_add_func ("/irq/markers", test_irq_markers);
    g_test_add_func ("/irq/softirq-raise", test_irq_raise);
    for (guint i = 0; i < G_N_ELEMENTS (count_recs); i++) {
        char *p = g_strdup_printf ("/migirq/counts/%s/%s", count_recs[i].scenario,
                                   count_recs[i].variant);
        g_test_add_data_func (p, &count_recs[i], test_counts);
        g_free (p);
    }
    for (guint i = 0; i < G_N_ELEMENTS (profile_recs); i++) {
        char *p = g_strdup_printf ("/irq/profile/%s/%s", profile_recs[i].scenario,
                                   profile_recs[i].variant);
        g_test_add_data_func (p, &profile_recs[i], test_profile);
        g_free (p);
    }
    for (guint i = 0; i < G_N_ELEMENTS (perf_recs); i++) {
        char *p = g_strdup_printf ("/migration/perf-timehist-M/%s", perf_recs[i]);
        g_test_add_data_func (p, perf_recs[i], test_perf_migrations);
        g_free (p);
    }
    int rc = g_test_run ();
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
