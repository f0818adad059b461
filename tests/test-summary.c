/* test-summary.c - the answer first: the text output opens with one
 * screen (the input, the findings most severe first, the top of each
 * table), --summary prints only that screen, every rendering lists the
 * findings in the same order, and tables empty for want of events are
 * named once, with the events to record, instead of each saying
 * "(no rows)". */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>

#include "fta-test.h"

static char *tmpdir;
static GPtrArray *corpus; /* decompressed recordings, owned */

/* The rows LINE takes on a terminal COLS wide. */
static guint
screen_rows (const char *line, guint cols)
{
    glong w = g_utf8_validate (line, -1, NULL) ? g_utf8_strlen (line, -1) : (glong) strlen (line);
    return w ? (guint) ((w + cols - 1) / cols) : 1;
}

static int
severity_rank (const char *name)
{
    return strcmp (name, "critical") == 0 ? 2 : strcmp (name, "warning") == 0 ? 1 : 0;
}

/* The title after "  [SEVERITY] " at the start of LINE, and its
 * severity in *SEV; NULL when LINE is no finding's line. */
static const char *
finding_line (const char *line, int *sev)
{
    static const char *const names[] = { "info", "warning", "critical" };
    for (int s = 0; s < 3; s++) {
        char *head = g_strdup_printf ("  [%s] ", names[s]);
        gboolean is = g_str_has_prefix (line, head);
        g_free (head);
        if (is) {
            *sev = s;
            return line + strlen (names[s]) + 5;
        }
    }
    return NULL;
}

/* The severities of the finding lines of TEXT, in order. */
static GArray *
text_severities (const char *text)
{
    GArray *sev = g_array_new (FALSE, FALSE, sizeof (int));
    char **lines = g_strsplit (text, "\n", -1);
    for (char **l = lines; *l; l++) {
        int s;
        if (finding_line (*l, &s))
            g_array_append_val (sev, s);
    }
    g_strfreev (lines);
    return sev;
}

/* The findings of a JSON result: severities and titles, in order. */
static void
json_findings (JsonParser *p, GArray *sev, GPtrArray *titles)
{
    JsonArray *f = json_object_get_array_member (fta_test_root (p), "findings");
    for (guint i = 0; i < json_array_get_length (f); i++) {
        JsonObject *o = json_array_get_object_element (f, i);
        int s = severity_rank (json_object_get_string_member (o, "severity"));
        /* within a severity, the most costly first */
        gint64 cost = json_object_get_int_member (o, "cost_ns");
        if (i > 0) {
            JsonObject *b = json_array_get_object_element (f, i - 1);
            if (severity_rank (json_object_get_string_member (b, "severity")) == s
                && json_object_get_int_member (b, "cost_ns") < cost)
                g_error ("finding %u costs more than the one before it", i + 1);
        }
        g_array_append_val (sev, s);
        g_ptr_array_add (titles, g_strdup (json_object_get_string_member (o, "title")));
    }
}

static void
assert_descending (GArray *sev, const char *what)
{
    for (guint i = 1; i < sev->len; i++)
        if (g_array_index (sev, int, i) > g_array_index (sev, int, i - 1))
            g_error ("%s: finding %u is more severe than the one before it", what, i + 1);
}

/* Every corpus recording, with the default and the kvm profile: --summary
 * fits a screen of 40 rows at 100 columns, lists the findings most severe
 * first, and is the beginning of the full text output. */
static void
test_screen_every_corpus_file (void)
{
    for (guint i = 0; i < corpus->len; i++) {
        const char *path = g_ptr_array_index (corpus, i);
        for (guint kvm = 0; kvm < 2; kvm++) {
            const char *pf = kvm ? "kvm" : "default";
            FtaTestRun s = fta_test_run_argv (
                (const char *[]) { "-q", "-p", pf, "--summary", path, NULL });
            g_assert_cmpint (s.rc, ==, 0);
            char **lines = g_strsplit (s.out, "\n", -1);
            guint rows = 0, n = g_strv_length (lines);
            for (guint k = 0; k + 1 < n || (k < n && *lines[k]); k++) {
                rows += screen_rows (lines[k], 100);
                /* the input line names the path, which can be long */
                if (k > 0 && screen_rows (lines[k], 100) > 1)
                    g_error ("%s -p %s: line %u runs over 100 columns: %s", path, pf, k + 1,
                             lines[k]);
            }
            if (rows > 40)
                g_error ("%s -p %s: --summary takes %u rows at 100 columns", path, pf, rows);
            g_strfreev (lines);
            g_assert_nonnull (strstr (s.out, "\n== Findings"));
            g_assert_nonnull (strstr (s.out, "\n== Top of each table ==\n"));
            g_assert_null (strstr (s.out, "(switch.tasks) =="));
            g_assert_null (strstr (s.out, "== Input quality =="));
            GArray *sev = text_severities (s.out);
            assert_descending (sev, path);
            g_array_free (sev, TRUE);

            /* the full output opens with the same screen, tables after it */
            FtaTestRun full = fta_test_run_argv ((const char *[]) { "-q", "-p", pf, path, NULL });
            g_assert_cmpint (full.rc, ==, 0);
            g_assert_true (g_str_has_prefix (full.out, s.out));
            const char *tables = strstr (full.out, " (switch.tasks) ==");
            g_assert_nonnull (tables);
            g_assert_true (tables > full.out + strlen (s.out));
            fta_test_run_clear (&full);
            fta_test_run_clear (&s);
        }
    }
}

/* JSON, text and HTML list the findings in one order, most severe first,
 * then most costly:
 * the JSON's titles are those of the text's lines (cut at 100 columns)
 * and of the HTML's articles, in the same order. */
static void
test_same_order_everywhere (void)
{
    for (guint i = 0; i < corpus->len; i++) {
        const char *path = g_ptr_array_index (corpus, i);
        JsonParser *p = fta_test_json (tmpdir, (const char *[]) { path, NULL });
        GArray *sev = g_array_new (FALSE, FALSE, sizeof (int));
        GPtrArray *titles = g_ptr_array_new_with_free_func (g_free);
        json_findings (p, sev, titles);
        assert_descending (sev, path);

        FtaTestRun s = fta_test_run_argv ((const char *[]) { "-q", "--summary", "--color",
                                                             "never", path, NULL });
        g_assert_cmpint (s.rc, ==, 0);
        char **lines = g_strsplit (s.out, "\n", -1);
        guint k = 0;
        for (char **l = lines; *l; l++) {
            int level;
            const char *title = finding_line (*l, &level);
            if (!title)
                continue;
            g_assert_cmpuint (k, <, titles->len);
            g_assert_cmpint (level, ==, g_array_index (sev, int, k));
            char *shown = g_strdup (title);
            char *cut = strstr (shown, "\u2026");
            if (cut)
                *cut = '\0';
            g_assert_true (g_str_has_prefix (g_ptr_array_index (titles, k), shown));
            g_free (shown);
            k++;
        }
        /* all of them, or the first ones and a line for the rest */
        g_assert_true (k == titles->len || strstr (s.out, " more: "));
        g_strfreev (lines);
        fta_test_run_clear (&s);

        char *html = g_build_filename (tmpdir, "order.html", NULL);
        FtaTestRun h = fta_test_run_argv ((const char *[]) { "-q", "report", "-o", html,
                                                             path, NULL });
        g_assert_cmpint (h.rc, ==, 0);
        char *doc = NULL;
        g_assert_true (g_file_get_contents (html, &doc, NULL, NULL));
        const char *at = strstr (doc, "<section id=\"recommendations\">");
        g_assert_nonnull (at);
        for (guint f = 0; f < titles->len; f++) {
            at = strstr (at, "<article class=\"finding sev-");
            g_assert_nonnull (at);
            at += strlen ("<article class=\"finding sev-");
            static const char *const names[] = { "info", "warning", "critical" };
            g_assert_true (g_str_has_prefix (at, names[g_array_index (sev, int, f)]));
        }
        g_assert_null (strstr (at, "<article class=\"finding sev-"));
        g_free (doc);
        fta_test_run_clear (&h);
        g_free (html);

        g_ptr_array_free (titles, TRUE);
        g_array_free (sev, TRUE);
        g_object_unref (p);
    }
}

/* The screen names who held the CPU: on the recordings of a saturated
 * host, every vCPU and every CPU hog it names is followed by its largest
 * holder, the first of its wait.holders rows (which test-wait checks
 * against a replay of the trace written apart from the model). */
static void
test_screen_names_holders (void)
{
    const char *scenarios[] = { "qemu_tcg", "cpu_contention" };
    for (guint s = 0; s < G_N_ELEMENTS (scenarios); s++) {
        char *trace = fta_test_corpus_text (tmpdir, scenarios[s]);
        JsonParser *p = fta_test_analyze (tmpdir, NULL, trace, NULL);
        GPtrArray *rows = fta_test_rows (fta_test_root (p), "wait.holders");
        FtaTestRun r = fta_test_run_argv ((const char *[]) { "--summary", trace, NULL });
        g_assert_cmpint (r.rc, ==, 0);
        char **lines = g_strsplit (r.out, "\n", -1);
        guint named = 0;
        for (char **l = lines; *l; l++) {
            const char *held = strstr (*l, "): held by ");
            const char *pid = g_strrstr_len (*l, held ? held - *l : 0, "pid ");
            if (!held || !pid)
                continue;
            gint64 waiter = g_ascii_strtoll (pid + 4, NULL, 10);
            GHashTable *top = NULL;
            for (guint i = 0; i < rows->len && !top; i++)
                if (fta_test_cell_int (g_ptr_array_index (rows, i), "pid") == waiter)
                    top = g_ptr_array_index (rows, i);
            g_assert_nonnull (top);
            char *want = g_strdup_printf ("): held by %s[%" G_GINT64_FORMAT "] ",
                                          fta_test_cell_str (top, "holder_comm"),
                                          fta_test_cell_int (top, "holder_pid"));
            if (!g_str_has_prefix (held, want))
                g_error ("%s: %s does not begin with %s", scenarios[s], *l, want);
            g_free (want);
            named++;
        }
        /* both vCPUs of qemu_tcg and its two hogs; the four hogs of
         * cpu_contention */
        g_assert_cmpuint (named, >=, 4);
        g_strfreev (lines);
        fta_test_run_clear (&r);
        g_ptr_array_unref (rows);
        g_object_unref (p);
        g_free (trace);
    }
}

static void
test_usage (void)
{
    const char *path = g_ptr_array_index (corpus, 0);
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "--summary", "-f", "json", path, NULL });
    g_assert_cmpint (r.rc, ==, 2);
    g_assert_nonnull (strstr (r.err, "--summary"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "report", "--summary", path, NULL });
    g_assert_cmpint (r.rc, ==, 2);
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "--summary", "-f", "text", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    fta_test_run_clear (&r);
}

/* Two tasks on CPU 0 from 100.000100 to 100.012500 s (the golden trace's
 * shape): "make" pid 500 and "gcc" pid 501. */
static const char hand_trace[] =
    "# tracer: nop\n"
    "#\n"
    "            make-500     [000] d..2. 100.000100: sched_switch: prev_comm=make "
    "prev_pid=500 prev_prio=120 prev_state=S ==> next_comm=gcc next_pid=501 next_prio=120\n"
    "             gcc-501     [000] d..2. 100.005000: sched_waking: comm=make pid=500 "
    "prio=120 target_cpu=000\n"
    "             gcc-501     [000] d..2. 100.009000: sched_switch: prev_comm=gcc "
    "prev_pid=501 prev_prio=120 prev_state=R ==> next_comm=make next_pid=500 next_prio=120\n"
    "            make-500     [000] d..2. 100.012500: sched_switch: prev_comm=make "
    "prev_pid=500 prev_prio=120 prev_state=S ==> next_comm=gcc next_pid=501 next_prio=120\n";

/* --start/--end wholly outside the trace: exit 2 and the trace's span;
 * partly outside: fine. */
static void
test_window_outside (void)
{
    char *path = fta_test_write (tmpdir, "hand.txt", hand_trace);
    struct {
        const char *opt, *value;
        int rc;
        const char *says;
    } cases[] = {
        { "--start", "+100", 2, "--start 200.000100 is after the end of the trace" },
        { "--start", "100.0126", 2, "after the end" },
        { "--end", "99.5", 2, "--end 99.500000 is before the start of the trace" },
        { "--start", "100.012", 0, NULL },
        { "--end", "100.0002", 0, NULL },
        { "--start", "+0", 0, NULL },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        FtaTestRun r = fta_test_run_argv (
            (const char *[]) { cases[i].opt, cases[i].value, "--summary", path, NULL });
        g_test_message ("%s %s: rc %d, %s", cases[i].opt, cases[i].value, r.rc, r.err);
        g_assert_cmpint (r.rc, ==, cases[i].rc);
        if (cases[i].says) {
            g_assert_nonnull (strstr (r.err, cases[i].says));
            g_assert_nonnull (strstr (r.err, "spans 100.000100 to 100.012500 s (+0 to +0.012)"));
            g_assert_cmpstr (r.out, ==, "");
        }
        fta_test_run_clear (&r);
    }
    g_free (path);
}

/* --comm/--pid that match no task: a note with the nearest names; none
 * when a task matches, or with -q. */
static void
test_no_task_matches (void)
{
    char *path = fta_test_write (tmpdir, "hand.txt", hand_trace);
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "--comm", "^mak$", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.err, "--comm '^mak$' matches no task of"));
    g_assert_nonnull (strstr (r.err, "nearest comms: 'make', 'gcc'"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "--pid", "502", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.err, "--pid matches no task of"));
    g_assert_nonnull (strstr (r.err, "nearest pids: 501 (gcc), 500 (make)"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "--comm", "gc", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_null (strstr (r.err, "matches no task"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "-q", "--comm", "xyz", path, NULL });
    g_assert_cmpstr (r.err, ==, "");
    fta_test_run_clear (&r);
    g_free (path);
}

/* --- tables empty because the trace lacks their events ---------------------- */

static char *
missing_trace (const char *name)
{
    return g_test_build_filename (G_TEST_DIST, "data", "missing", name, NULL);
}

/* The events quality.missing_events names, "a b c" in row order, and the
 * tables the row of EVENT names in *TABLES (owned by the document). */
static char *
missing_events (JsonObject *doc, const char *event, const char **tables)
{
    GPtrArray *rows = fta_test_rows (doc, "quality.missing_events");
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < rows->len; i++) {
        const char *ev = fta_test_cell_str (g_ptr_array_index (rows, i), "event");
        g_string_append_printf (s, "%s%s", i ? " " : "", ev);
        if (tables && strcmp (ev, event) == 0)
            *tables = fta_test_cell_str (g_ptr_array_index (rows, i), "tables");
    }
    g_ptr_array_free (rows, TRUE);
    return g_string_free (s, FALSE);
}

static guint
count_of (const char *text, const char *needle)
{
    guint n = 0;
    for (const char *p = strstr (text, needle); p; p = strstr (p + 1, needle))
        n++;
    return n;
}

/* Only irq and softirq events: every table of the scheduler analyzers is
 * empty, and that is said once, naming sched_switch and sched_waking. */
static void
test_missing_irq_only (void)
{
    char *path = missing_trace ("irq-only.txt");
    JsonParser *p = fta_test_analyze (tmpdir, NULL, path, NULL);
    JsonObject *doc = fta_test_root (p);
    const char *tables = NULL;
    char *events = missing_events (doc, "sched_switch", &tables);
    g_assert_cmpstr (events, ==, "sched_switch sched_waking");
    g_assert_nonnull (strstr (tables, "switch.tasks"));
    g_assert_nonnull (strstr (tables, "wait.holders"));
    g_assert_null (strstr (tables, "irq."));
    /* the migration analyzer does not say it again */
    g_assert_null (fta_test_finding (doc, "migration.no-migrate-events"));
    GPtrArray *rows = fta_test_rows (doc, "quality.missing_events");
    GHashTable *wk = g_ptr_array_index (rows, 1);
    g_assert_cmpstr (fta_test_cell_str (wk, "alternatives"), ==,
                     "sched_wakeup, sched_wakeup_new");
    g_assert_cmpstr (fta_test_cell_str (wk, "trace_cmd"), ==, "-e sched:sched_waking");
    g_assert_cmpstr (fta_test_cell_str (wk, "tracefs"), ==,
                     "echo 1 > /sys/kernel/tracing/events/sched/sched_waking/enable");
    g_ptr_array_free (rows, TRUE);
    /* the empty tables stay in JSON */
    rows = fta_test_rows (doc, "switch.tasks");
    g_assert_cmpuint (rows->len, ==, 0);
    g_ptr_array_free (rows, TRUE);
    /* the trace has two hard IRQs: their table has its rows */
    rows = fta_test_rows (doc, "irq.irqs");
    g_assert_cmpuint (rows->len, ==, 2);
    g_ptr_array_free (rows, TRUE);
    g_free (events);
    g_object_unref (p);

    FtaTestRun r = fta_test_run_argv ((const char *[]) { path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_cmpuint (count_of (r.err, "has no "), ==, 1);
    g_assert_nonnull (strstr (r.err, "has no sched_switch and sched_waking (or sched_wakeup, "
                                     "sched_wakeup_new) events"));
    g_assert_nonnull (strstr (r.err, "trace-cmd record -e sched:sched_switch "
                                     "-e sched:sched_waking"));
    g_assert_nonnull (strstr (r.err, "echo 1 > /sys/kernel/tracing/events/sched/"
                                     "sched_switch/enable"));
    /* no table says "(no rows)": each empty one is left out */
    g_assert_null (strstr (r.out, "(no rows)"));
    g_assert_null (strstr (r.out, "(switch.tasks)"));
    g_assert_nonnull (strstr (r.out, "(quality.missing_events)"));
    g_assert_nonnull (strstr (r.out, "(irq.irqs)"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "-q", path, NULL });
    g_assert_cmpstr (r.err, ==, "");
    fta_test_run_clear (&r);
    g_free (path);
}

/* Wakeups only: the wakeup tables have rows; what needs switches and the
 * irq tables are named. */
static void
test_missing_wakeup_only (void)
{
    char *path = missing_trace ("wakeup-only.txt");
    JsonParser *p = fta_test_analyze (tmpdir, NULL, path, NULL);
    JsonObject *doc = fta_test_root (p);
    const char *tables = NULL;
    char *events = missing_events (doc, "sched_switch", &tables);
    g_assert_cmpstr (events, ==, "sched_switch irq_handler_entry irq_handler_exit "
                                 "softirq_entry softirq_exit");
    /* the histogram of latencies needs the switch that ends the wait */
    g_assert_nonnull (strstr (tables, "wakeup.latency_hist"));
    g_assert_null (strstr (tables, "wakeup.tasks"));
    g_assert_null (fta_test_finding (doc, "migration.no-migrate-events"));
    GPtrArray *rows = fta_test_rows (doc, "wakeup.pairs");
    g_assert_cmpuint (rows->len, >, 0);
    g_ptr_array_free (rows, TRUE);
    g_free (events);
    g_object_unref (p);
    g_free (path);
}

/* Scheduler events, no interrupts: only the irq tables are named; tables
 * empty for another reason (no D state, no VM) still say "(no rows)". */
static void
test_missing_no_irq (void)
{
    char *path = missing_trace ("no-irq.txt");
    JsonParser *p = fta_test_analyze (tmpdir, NULL, path, NULL);
    const char *tables = NULL;
    char *events = missing_events (fta_test_root (p), "irq_handler_entry", &tables);
    g_assert_cmpstr (events, ==, "irq_handler_entry irq_handler_exit softirq_entry "
                                 "softirq_exit");
    g_assert_cmpstr (tables, ==, "irq.irqs, irq.irq_cpus");
    /* switches without sched_migrate_task: the migration analyzer says so */
    g_assert_nonnull (fta_test_finding (fta_test_root (p), "migration.no-migrate-events"));
    g_free (events);
    g_object_unref (p);
    FtaTestRun r = fta_test_run_argv ((const char *[]) { path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.err, "4 tables of irq have nothing to show"));
    g_assert_nonnull (strstr (r.err, "-e irq:softirq_exit"));
    g_assert_null (strstr (r.out, "(irq.irqs)"));
    g_assert_nonnull (strstr (r.out, "(blocking.longest) ==\n  (no rows)"));
    fta_test_run_clear (&r);
    g_free (path);
}

/* Tables the filters emptied are not blamed on the recording: the trace
 * has the events. */
static void
test_missing_not_filters (void)
{
    char *path = missing_trace ("no-irq.txt");
    const char *const filters[][3] = {
        { "--comm", "nobody", NULL },
        { "--cpu", "1", NULL },
        { "--events", "irq_*", NULL },
    };
    for (guint i = 0; i < G_N_ELEMENTS (filters); i++) {
        JsonParser *p = fta_test_analyze (tmpdir, NULL, path, filters[i]);
        char *events = missing_events (fta_test_root (p), "", NULL);
        g_assert_cmpstr (events, ==, "irq_handler_entry irq_handler_exit softirq_entry "
                                     "softirq_exit");
        g_free (events);
        g_object_unref (p);
    }
    /* a recording with every event the analyzers read lacks nothing */
    const char *full = NULL;
    for (guint i = 0; i < corpus->len; i++)
        if (g_str_has_suffix (g_ptr_array_index (corpus, i), "/cpu_contention_ftrace_default.txt"))
            full = g_ptr_array_index (corpus, i);
    g_assert_nonnull (full);
    JsonParser *p = fta_test_analyze (tmpdir, NULL, full, NULL);
    char *events = missing_events (fta_test_root (p), "", NULL);
    g_assert_cmpstr (events, ==, "");
    g_free (events);
    g_object_unref (p);
    g_free (path);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-summary-XXXXXX", NULL);
    corpus = fta_test_corpus_texts (tmpdir);
    g_test_add_func ("/summary/screen/every-corpus-file", test_screen_every_corpus_file);
    g_test_add_func ("/summary/findings/same-order-everywhere", test_same_order_everywhere);
    g_test_add_func ("/summary/screen/names-holders", test_screen_names_holders);
    g_test_add_func ("/summary/usage", test_usage);
    g_test_add_func ("/summary/filters/window-outside-the-trace", test_window_outside);
    g_test_add_func ("/summary/filters/no-task-matches", test_no_task_matches);
    g_test_add_func ("/summary/missing-events/irq-only", test_missing_irq_only);
    g_test_add_func ("/summary/missing-events/wakeup-only", test_missing_wakeup_only);
    g_test_add_func ("/summary/missing-events/no-irq", test_missing_no_irq);
    g_test_add_func ("/summary/missing-events/not-the-filters", test_missing_not_filters);
    int rc = g_test_run ();
    g_ptr_array_free (corpus, TRUE);
    fta_test_remove_dir (tmpdir);
    g_free (tmpdir);
    return rc;
}
