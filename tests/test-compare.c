/* test-compare.c - `compare`: tables joined by name across runs whose pids
 * differ, exact deltas and statuses on hand-made traces; the corpus's CPU
 * contention against a quiet recording; a trace against itself; a saved
 * JSON result in place of a trace. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;

#define run_argv fta_test_run
#define write_tmp(name, text) fta_test_write (tmpdir, name, text)
#define root fta_test_root
#define corpus fta_test_corpus

/* `compare` of A and B with the extra arguments: the JSON document. */
static JsonParser *
compare (const char *a, const char *b, const char *const *extra)
{
    char *out = g_build_filename (tmpdir, "cmp.json", NULL);
    GPtrArray *args = g_ptr_array_new ();
    g_ptr_array_add (args, "compare");
    g_ptr_array_add (args, "-q");
    g_ptr_array_add (args, "-f");
    g_ptr_array_add (args, "json");
    g_ptr_array_add (args, "-o");
    g_ptr_array_add (args, out);
    for (const char *const *e = extra; e && *e; e++)
        g_ptr_array_add (args, (gpointer) *e);
    g_ptr_array_add (args, (gpointer) a);
    g_ptr_array_add (args, (gpointer) b);
    g_ptr_array_add (args, NULL);
    g_free (fta_test_run_ok ((const char *const *) args->pdata));
    JsonParser *p = fta_test_parse_file (out);
    g_free (out);
    g_ptr_array_free (args, TRUE);
    return p;
}

/* Table NAME's row whose column KEY is VALUE, as column -> JsonNode. */
static GHashTable *
row_where (JsonObject *doc, const char *name, const char *key, const char *value)
{
    JsonObject *t = json_object_get_object_member (
        json_object_get_object_member (doc, "tables"), name);
    g_assert_nonnull (t);
    JsonArray *cols = json_object_get_array_member (t, "columns");
    JsonArray *rows = json_object_get_array_member (t, "rows");
    for (guint i = 0; i < json_array_get_length (rows); i++) {
        JsonArray *r = json_array_get_array_element (rows, i);
        GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);
        for (guint c = 0; c < json_array_get_length (cols); c++)
            g_hash_table_insert (h, (gpointer) json_object_get_string_member (
                                        json_array_get_object_element (cols, c), "name"),
                                 json_array_get_element (r, c));
        JsonNode *k = g_hash_table_lookup (h, key);
        if (k && !JSON_NODE_HOLDS_NULL (k) && g_strcmp0 (json_node_get_string (k), value) == 0)
            return h;
        g_hash_table_unref (h);
    }
    g_assert_not_reached ();
    return NULL;
}

static gint64
int_of (GHashTable *row, const char *col)
{
    JsonNode *n = g_hash_table_lookup (row, col);
    g_assert_nonnull (n);
    g_assert_false (JSON_NODE_HOLDS_NULL (n));
    return json_node_get_int (n);
}

static gboolean
is_null (GHashTable *row, const char *col)
{
    JsonNode *n = g_hash_table_lookup (row, col);
    g_assert_nonnull (n);
    return JSON_NODE_HOLDS_NULL (n);
}

static const char *
str_of (GHashTable *row, const char *col)
{
    return json_node_get_string (g_hash_table_lookup (row, col));
}

/* --- hand-made pair ---------------------------------------------------------- */

/* Everything on CPU 0; every switch out is to sleep. */
static void
ev (GString *s, int us, const char *comm, int pid, const char *what)
{
    fta_test_ev (s, us, 0, comm, pid, what);
}

static void
sw (GString *s, int us, const char *prev, int prev_pid, const char *next, int next_pid)
{
    fta_test_sw (s, us, 0, prev, prev_pid, "S", next, next_pid);
}

/* Baseline: A (pid 100) runs 1000 us, B (pid 200) 500 us.  Problem: A
 * (now pid 300) runs 2000 us, B is gone, C (pid 400) runs 500 us.  Both
 * traces last 3000 us. */
static void
test_hand (void)
{
    GString *b = g_string_new ("# tracer: nop\n");
    ev (b, 0, "<idle>", 0, "tick_stop: success=1 dependency=NONE");
    sw (b, 100, "swapper/0", 0, "A", 100);
    sw (b, 1100, "A", 100, "B", 200);
    sw (b, 1600, "B", 200, "swapper/0", 0);
    ev (b, 3000, "<idle>", 0, "tick_stop: success=1 dependency=NONE");
    GString *p = g_string_new ("# tracer: nop\n");
    ev (p, 0, "<idle>", 0, "tick_stop: success=1 dependency=NONE");
    sw (p, 100, "swapper/0", 0, "A", 300);
    sw (p, 2100, "A", 300, "C", 400);
    sw (p, 2600, "C", 400, "swapper/0", 0);
    ev (p, 3000, "<idle>", 0, "tick_stop: success=1 dependency=NONE");
    char *base = write_tmp ("base.txt", b->str), *prob = write_tmp ("prob.txt", p->str);
    char *cfg = write_tmp ("cmp.cfg", "analyzers = [ \"switch\" ];\n"
                                      "plugins = { compare = { min_abs_ms = 0.1; }; };\n");
    const char *extra[] = { "-c", cfg, NULL };
    JsonParser *jp = compare (base, prob, extra);
    JsonObject *doc = root (jp);

    GHashTable *a = row_where (doc, "compare.switch.tasks", "comm", "A");
    g_assert_cmpstr (str_of (a, "status"), ==, "changed");
    g_assert_cmpint (int_of (a, "run_ns_base"), ==, 1000000);
    g_assert_cmpint (int_of (a, "run_ns_problem"), ==, 2000000);
    g_assert_cmpint (int_of (a, "run_ns_delta"), ==, 1000000);
    g_assert_cmpfloat_with_epsilon (
        json_node_get_double (g_hash_table_lookup (a, "run_ns_delta_pct")), 100.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (
        json_node_get_double (g_hash_table_lookup (a, "run_ns_rate_pct")), 100.0, 1e-9);
    g_assert_cmpint (int_of (a, "sched_in_delta"), ==, 0);
    g_hash_table_unref (a);

    GHashTable *bb = row_where (doc, "compare.switch.tasks", "comm", "B");
    g_assert_cmpstr (str_of (bb, "status"), ==, "vanished");
    g_assert_cmpint (int_of (bb, "run_ns_base"), ==, 500000);
    g_assert_true (is_null (bb, "run_ns_problem"));
    g_assert_cmpint (int_of (bb, "run_ns_delta"), ==, -500000);
    g_hash_table_unref (bb);

    GHashTable *c = row_where (doc, "compare.switch.tasks", "comm", "C");
    g_assert_cmpstr (str_of (c, "status"), ==, "new");
    g_assert_true (is_null (c, "run_ns_base"));
    g_assert_cmpint (int_of (c, "run_ns_problem"), ==, 500000);
    g_assert_cmpint (int_of (c, "run_ns_delta"), ==, 500000);
    g_assert_true (is_null (c, "run_ns_delta_pct"));
    g_hash_table_unref (c);

    /* pids are not keys: the joined table has none */
    JsonObject *t = json_object_get_object_member (
        json_object_get_object_member (doc, "tables"), "compare.switch.tasks");
    JsonArray *cols = json_object_get_array_member (t, "columns");
    for (guint i = 0; i < json_array_get_length (cols); i++)
        g_assert_cmpstr (json_object_get_string_member (
                             json_array_get_object_element (cols, i), "name"), !=, "pid");

    /* more CPU time: A first (the largest rise), C too */
    JsonArray *fs = json_object_get_array_member (doc, "findings");
    gboolean found = FALSE;
    for (guint i = 0; i < json_array_get_length (fs); i++) {
        JsonObject *f = json_array_get_object_element (fs, i);
        if (strcmp (json_object_get_string_member (f, "code"), "compare.more-load") != 0)
            continue;
        found = TRUE;
        g_assert_true (g_str_has_prefix (json_object_get_string_member (f, "title"),
                                         "CPU time of A rose from 1.00 ms to 2.00 ms"));
        JsonObject *e = json_object_get_object_member (f, "evidence");
        g_assert_cmpstr (json_object_get_string_member (e, "C"), ==,
                         "absent -> 500.0 us (+500.0 us)");
    }
    g_assert_true (found);
    g_object_unref (jp);
    g_string_free (b, TRUE);
    g_string_free (p, TRUE);
    g_free (base);
    g_free (prob);
    g_free (cfg);
}

/* --- the corpus ------------------------------------------------------------ */

static void
test_contention (void)
{
    char *quiet = corpus ("quiet_ftrace_default.txt.gz");
    char *busy = corpus ("cpu_contention_ftrace_default.txt.gz");
    JsonParser *jp = compare (quiet, busy, NULL);
    JsonObject *doc = root (jp);
    GHashTable *hog = row_where (doc, "compare.switch.tasks", "comm", "stress-ng-cpu");
    g_assert_cmpstr (str_of (hog, "status"), ==, "new");
    g_assert_cmpint (int_of (hog, "run_ns_problem"), >, 5000000000);
    g_hash_table_unref (hog);
    JsonArray *fs = json_object_get_array_member (doc, "findings");
    gboolean named_hog = FALSE, runnable = FALSE;
    for (guint i = 0; i < json_array_get_length (fs); i++) {
        JsonObject *f = json_array_get_object_element (fs, i);
        const char *code = json_object_get_string_member (f, "code");
        const char *title = json_object_get_string_member (f, "title");
        JsonObject *e = json_object_get_object_member (f, "evidence");
        if (strcmp (code, "compare.more-load") == 0
            && g_str_has_prefix (title, "stress-ng-cpu appeared and took"))
            named_hog = TRUE;
        if (strcmp (code, "compare.regression") == 0
            && strcmp (json_object_get_string_member (e, "metric"), "runnable_ns") == 0
            && strstr (title, "runnable wait"))
            runnable = TRUE;
    }
    g_assert_true (named_hog);
    g_assert_true (runnable);
    g_object_unref (jp);
    g_free (quiet);
    g_free (busy);
}

/* A trace against itself: every row the same, nothing to report. */
static void
check_all_same (JsonObject *doc)
{
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (doc, "findings")),
                      ==, 0);
    JsonObject *tables = json_object_get_object_member (doc, "tables");
    GList *names = json_object_get_members (tables);
    g_assert_cmpuint (g_list_length (names), >, 5);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                          json_object_get_object_member (tables, "compare.regressions"),
                          "rows")), ==, 0);
    for (GList *l = names; l; l = l->next) {
        if (strcmp (l->data, "compare.inputs") == 0
            || strcmp (l->data, "compare.regressions") == 0)
            continue; /* no rows joined: the overview and the regressions */
        JsonObject *t = json_object_get_object_member (tables, l->data);
        JsonArray *cols = json_object_get_array_member (t, "columns");
        guint st = G_MAXUINT;
        for (guint c = 0; c < json_array_get_length (cols); c++)
            if (strcmp (json_object_get_string_member (json_array_get_object_element (cols, c),
                                                       "name"), "status") == 0)
                st = c;
        g_assert_cmpuint (st, !=, G_MAXUINT);
        JsonArray *rows = json_object_get_array_member (t, "rows");
        for (guint r = 0; r < json_array_get_length (rows); r++)
            g_assert_cmpstr (json_array_get_string_element (
                                 json_array_get_array_element (rows, r), st), ==, "same");
    }
    g_list_free (names);
}

static void
test_itself (void)
{
    char *qemu = corpus ("qemu_tcg_ftrace_default.txt.gz");
    JsonParser *jp = compare (qemu, qemu, NULL);
    check_all_same (root (jp));

    /* a saved result reads back to the same comparison */
    char *saved = g_build_filename (tmpdir, "saved.json", NULL);
    const char *args[] = { "-q", "-f", "json", "-o", saved, qemu, NULL };
    g_assert_cmpint (run_argv (args, NULL), ==, 0);
    JsonParser *jp2 = compare (saved, qemu, NULL);
    check_all_same (root (jp2));
    JsonNode *t1 = json_object_get_member (root (jp), "tables");
    JsonNode *t2 = json_object_get_member (root (jp2), "tables");
    /* the overview names the saved file: alike but for the input's path */
    GHashTable *i1 = row_where (root (jp), "compare.inputs", "role", "baseline");
    GHashTable *i2 = row_where (root (jp2), "compare.inputs", "role", "baseline");
    g_assert_cmpstr (str_of (i2, "input"), ==, saved);
    static const char *const same[] = { "span_ns", "cpus", "events", "lost_events",
                                        "critical", "warning", "info" };
    for (guint i = 0; i < G_N_ELEMENTS (same); i++)
        g_assert_cmpint (int_of (i1, same[i]), ==, int_of (i2, same[i]));
    g_assert_cmpstr (str_of (i1, "busy_by_cpu"), ==, str_of (i2, "busy_by_cpu"));
    g_hash_table_unref (i1);
    g_hash_table_unref (i2);
    json_object_remove_member (json_node_get_object (t1), "compare.inputs");
    json_object_remove_member (json_node_get_object (t2), "compare.inputs");
    g_assert_true (json_node_equal (t1, t2));
    g_object_unref (jp2);
    g_unlink (saved);
    g_free (saved);
    g_object_unref (jp);
    g_free (qemu);
}


/* --- both traces side by side, regressions by cost ---------------------------- */

static double
dbl_of (GHashTable *row, const char *col)
{
    JsonNode *n = g_hash_table_lookup (row, col);
    g_assert_nonnull (n);
    g_assert_false (JSON_NODE_HOLDS_NULL (n));
    return json_node_get_double (n);
}

/* Findings of the analysis of TRACE with CFG, by severity. */
static void
findings_of (const char *trace, const char *cfg, guint sev[3])
{
    char *out = g_build_filename (tmpdir, "one.json", NULL);
    const char *args[] = { "-q", "-c", cfg, "-f", "json", "-o", out, trace, NULL };
    g_assert_cmpint (run_argv (args, NULL), ==, 0);
    JsonParser *p = json_parser_new ();
    g_assert_true (json_parser_load_from_file (p, out, NULL));
    JsonArray *fs = json_object_get_array_member (root (p), "findings");
    sev[0] = sev[1] = sev[2] = 0;
    for (guint i = 0; i < json_array_get_length (fs); i++) {
        const char *s = json_object_get_string_member (json_array_get_object_element (fs, i),
                                                       "severity");
        sev[strcmp (s, "critical") == 0 ? 2 : strcmp (s, "warning") == 0 ? 1 : 0]++;
    }
    g_object_unref (p);
    g_unlink (out);
    g_free (out);
}

/* Baseline: A runs 1000 us, B 500 us, then idle; problem: A 2000 us, C
 * 500 us.  One CPU, both traces 3 ms from their first switch, which
 * leaves no time unknown: busy 1.5 ms = 50% and 2.5 ms = 83.3%. */
static void
test_inputs (void)
{
    GString *b = g_string_new ("# tracer: nop\n");
    sw (b, 0, "swapper/0", 0, "A", 100);
    sw (b, 1000, "A", 100, "B", 200);
    sw (b, 1500, "B", 200, "swapper/0", 0);
    ev (b, 3000, "<idle>", 0, "tick_stop: success=1 dependency=NONE");
    GString *p = g_string_new ("# tracer: nop\n");
    sw (p, 0, "swapper/0", 0, "A", 300);
    sw (p, 2000, "A", 300, "C", 400);
    sw (p, 2500, "C", 400, "swapper/0", 0);
    ev (p, 3000, "<idle>", 0, "tick_stop: success=1 dependency=NONE");
    char *base = write_tmp ("base.txt", b->str), *prob = write_tmp ("prob.txt", p->str);
    char *cfg = write_tmp ("cmp.cfg", "analyzers = [ \"switch\", \"cpu\" ];\n"
                                      "plugins = { compare = { min_abs_ms = 0.1; }; };\n");
    const char *extra[] = { "-c", cfg, NULL };
    JsonParser *jp = compare (base, prob, extra);
    JsonObject *doc = root (jp);

    const char *paths[] = { base, prob };
    const gint64 busy_ns[] = { 1500000, 2500000 };
    const char *roles[] = { "baseline", "problem" };
    for (guint i = 0; i < 2; i++) {
        GHashTable *r = row_where (doc, "compare.inputs", "role", roles[i]);
        g_assert_cmpstr (str_of (r, "input"), ==, paths[i]);
        g_assert_cmpstr (str_of (r, "format"), ==, "tracefs");
        g_assert_cmpint (int_of (r, "span_ns"), ==, 3000000);
        g_assert_cmpint (int_of (r, "cpus"), ==, 1);
        g_assert_cmpint (int_of (r, "events"), ==, 4);
        g_assert_cmpfloat_with_epsilon (dbl_of (r, "busy_pct"), busy_ns[i] / 3e4, 1e-9);
        g_assert_cmpfloat_with_epsilon (dbl_of (r, "busy_min_pct"), busy_ns[i] / 3e4, 1e-9);
        g_assert_cmpfloat_with_epsilon (dbl_of (r, "busy_max_pct"), busy_ns[i] / 3e4, 1e-9);
        char *by = g_strdup_printf ("0: %.0f%%", busy_ns[i] / 3e4);
        g_assert_cmpstr (str_of (r, "busy_by_cpu"), ==, by);
        g_free (by);
        g_assert_cmpfloat_with_epsilon (dbl_of (r, "runnable_pressure_pct"), 0, 1e-9);
        g_assert_cmpint (int_of (r, "lost_events"), ==, 0);
        guint sev[3];
        findings_of (paths[i], cfg, sev);
        g_assert_cmpint (int_of (r, "critical"), ==, sev[2]);
        g_assert_cmpint (int_of (r, "warning"), ==, sev[1]);
        g_assert_cmpint (int_of (r, "info"), ==, sev[0]);
        g_hash_table_unref (r);
    }

    /* more run: A's 1 ms more over 3 ms is 333.3 ms per second of trace,
     * C's new 0.5 ms 166.7 ms; A first, in the table and the findings */
    GPtrArray *regs = fta_test_rows (doc, "compare.regressions");
    g_assert_cmpuint (regs->len, >=, 2);
    GHashTable *r0 = g_ptr_array_index (regs, 0), *r1 = g_ptr_array_index (regs, 1);
    g_assert_cmpstr (str_of (r0, "kind"), ==, "more run");
    g_assert_cmpstr (str_of (r0, "who"), ==, "A");
    g_assert_cmpstr (str_of (r0, "metric"), ==, "run_ns");
    g_assert_cmpstr (str_of (r0, "table"), ==, "switch.tasks");
    g_assert_cmpint (int_of (r0, "cost_ns_per_sec"), ==, 333333333);
    g_assert_cmpint (int_of (r0, "base_ns"), ==, 1000000);
    g_assert_cmpint (int_of (r0, "problem_ns"), ==, 2000000);
    gboolean c_found = FALSE;
    for (guint i = 1; i < regs->len; i++) {
        GHashTable *r = g_ptr_array_index (regs, i);
        if (strcmp (str_of (r, "who"), "C") == 0 && strcmp (str_of (r, "metric"), "run_ns") == 0) {
            g_assert_cmpint (int_of (r, "cost_ns_per_sec"), ==, 166666667);
            g_assert_true (is_null (r, "base_ns"));
            c_found = TRUE;
        }
    }
    g_assert_true (c_found);
    (void) r1;
    /* the finding of the costliest rise first; its cost is A's 1 ms more */
    JsonObject *f0 = json_array_get_object_element (
        json_object_get_array_member (doc, "findings"), 0);
    g_assert_cmpstr (json_object_get_string_member (f0, "code"), ==, "compare.more-load");
    g_assert_cmpint (json_object_get_int_member (f0, "cost_ns"), ==, 1000000);
    g_ptr_array_unref (regs);
    g_object_unref (jp);
    g_string_free (b, TRUE);
    g_string_free (p, TRUE);
    g_free (base);
    g_free (prob);
    g_free (cfg);
}

/* Regressions come costliest first, and their findings in that order. */
static void
test_by_cost (void)
{
    char *quiet = corpus ("quiet_ftrace_default.txt.gz");
    char *busy = corpus ("cpu_contention_ftrace_default.txt.gz");
    JsonParser *jp = compare (quiet, busy, NULL);
    JsonObject *doc = root (jp);
    GPtrArray *regs = fta_test_rows (doc, "compare.regressions");
    g_assert_cmpuint (regs->len, >, 3);
    gint64 last = G_MAXINT64;
    for (guint i = 0; i < regs->len; i++) {
        GHashTable *r = g_ptr_array_index (regs, i);
        if (is_null (r, "cost_ns_per_sec"))
            break;
        gint64 c = int_of (r, "cost_ns_per_sec");
        g_assert_cmpint (c, <=, last);
        last = c;
    }
    /* the CPU hog's wait tops both */
    GHashTable *top = g_ptr_array_index (regs, 0);
    g_assert_cmpstr (str_of (top, "who"), ==, "stress-ng-cpu");
    JsonArray *fs = json_object_get_array_member (doc, "findings");
    JsonObject *f0 = json_array_get_object_element (fs, 0);
    g_assert_true (g_str_has_prefix (json_object_get_string_member (f0, "title"),
                                     "stress-ng-cpu"));
    g_assert_cmpstr (json_object_get_string_member (
                         json_object_get_object_member (f0, "evidence"), "metric"),
                     ==, str_of (top, "metric"));
    /* empty in both traces: still in JSON */
    g_assert_true (json_object_has_member (json_object_get_object_member (doc, "tables"),
                                           "compare.kvm.vcpus"));
    g_ptr_array_unref (regs);
    g_object_unref (jp);
    g_free (quiet);
    g_free (busy);
}

/* The text of a comparison of corpus recordings: no line over 160
 * columns, both traces first, no table empty on both sides. */
static void
test_text_width (void)
{
    static const char *const pairs[][3] = {
        { "quiet_ftrace_default.txt.gz", "cpu_contention_ftrace_default.txt.gz", NULL },
        { "quiet_ftrace_default.txt.gz", "io_block_ftrace_default.txt.gz", NULL },
        { "quiet_ftrace_default.txt.gz", "qemu_tcg_ftrace_default.txt.gz", "kvm" },
        { "quiet_ftrace_default.txt.gz", "lossy_ftrace_default.txt.gz", NULL },
        { "qemu_tcg_ftrace_default.txt.gz", "cpu_contention_ftrace_default.txt.gz", NULL },
        { "io_block_ftrace_default.txt.gz", "qemu_tcg_tracecmd_report.txt.gz", "kvm" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++) {
        /* short links: a path is never cut, so keep it within the line */
        char *a = corpus (pairs[i][0]), *b = corpus (pairs[i][1]);
        char *la = g_build_filename (tmpdir, "a.txt.gz", NULL);
        char *lb = g_build_filename (tmpdir, "b.txt.gz", NULL);
        g_unlink (la);
        g_unlink (lb);
        g_assert_cmpint (symlink (a, la), ==, 0);
        g_assert_cmpint (symlink (b, lb), ==, 0);
        const char *args[] = { "compare", "-q", "-p", pairs[i][2] ? pairs[i][2] : "default",
                               la, lb, NULL };
        FtaTestRun r = fta_test_run_argv (args);
        g_test_message ("%s vs %s", pairs[i][0], pairs[i][1]);
        g_assert_cmpint (r.rc, ==, 0);
        char **lines = g_strsplit (r.out, "\n", -1);
        guint n = 0, sections = 0;
        for (char **l = lines; *l; l++, n++) {
            glong w = g_utf8_strlen (*l, -1);
            if (w > 160)
                g_test_message ("line %u: %ld columns: %s", n + 1, w, *l);
            g_assert_cmpint (w, <=, 160);
            g_assert_cmpstr (*l, !=, "  (no rows)");
            if (g_str_has_prefix (*l, "== ") && sections++ == 0)
                g_assert_true (g_str_has_suffix (*l, "(compare.inputs) =="));
        }
        g_assert_true (g_str_has_prefix (r.out, "ftrace-analyzer: comparison of 2 traces"));
        g_assert_nonnull (strstr (r.out, "(compare.regressions) =="));
        g_assert_nonnull (strstr (r.out, "== Input quality: baseline =="));
        g_assert_nonnull (strstr (r.out, "== Input quality: problem =="));
        g_assert_cmpuint (n, >, 20);
        g_strfreev (lines);
        fta_test_run_clear (&r);
        g_unlink (la);
        g_unlink (lb);
        g_free (la);
        g_free (lb);
        g_free (a);
        g_free (b);
    }
}

static void
test_usage (void)
{
    const char *one[] = { "compare", "x.txt", NULL };
    g_assert_cmpint (run_argv (one, NULL), ==, 2);
    char *bad = write_tmp ("bad.json", "{ \"version\": 7 }\n");
    char *qemu = corpus ("qemu_tcg_ftrace_default.txt.gz");
    const char *two[] = { "compare", "-q", bad, qemu, NULL };
    char *err = NULL;
    g_assert_cmpint (run_argv (two, &err), ==, 3);
    g_assert_nonnull (strstr (err, "not a result"));
    g_free (err);
    g_unlink (bad);
    g_free (bad);
    g_free (qemu);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-compare-XXXXXX", NULL);
    g_test_add_func ("/compare/hand", test_hand);
    g_test_add_func ("/compare/usage", test_usage);
    g_test_add_func ("/compare/corpus/contention", test_contention);
    g_test_add_func ("/compare/corpus/itself", test_itself);
    g_test_add_func ("/compare/inputs", test_inputs);
    g_test_add_func ("/compare/corpus/by-cost", test_by_cost);
    g_test_add_func ("/compare/corpus/text-width", test_text_width);
    int rc = g_test_run ();
    char *files[] = { "base.txt", "prob.txt", "cmp.cfg" };
    for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
        char *f = g_build_filename (tmpdir, files[i], NULL);
        g_unlink (f);
        g_free (f);
    }
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
