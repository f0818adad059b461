/* test-filter.c - `filter` against independent readings of the text, and
 * --sort on traces whose lines were put out of order. */
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;

static char *
tmp (const char *name)
{
    return g_build_filename (tmpdir, name, NULL);
}

#define corpus_text(scenario) fta_test_corpus_text (tmpdir, scenario)

#define read_text fta_test_read

/* --- an independent reading of the text --------------------------------------
 * Plain string scanning, no parser: a line is a header when its first
 * non-blank character is '#' (or it is blank), a marker when it starts with
 * "CPU:", else an event line "TASK-PID [CPU] FLAGS SECONDS: name: fields". */

typedef struct {
    const char *line;   /* the whole line, NUL-terminated */
    char task[64];      /* TASK column */
    int pid, cpu;
    double ts;
    char name[64];
    const char *fields;
} Line;

static gboolean
is_kept_always (const char *l)
{
    const char *s = l + strspn (l, " \t");
    return *s == '#' || *s == '\0' || g_str_has_prefix (s, "CPU:");
}

/* Splits an event line of the corpus' default format. */
static gboolean
split_line (const char *l, Line *out)
{
    static GRegex *re;
    if (!re)
        re = g_regex_new ("^\\s*(.*)-(\\d+) +\\[(\\d+)\\] \\S+ +(\\d+\\.\\d+): "
                          "([a-z_0-9]+): (.*)$", 0, 0, NULL);
    GMatchInfo *m;
    gboolean ok = g_regex_match (re, l, 0, &m);
    if (ok) {
        char *v[7];
        for (int i = 1; i <= 6; i++)
            v[i] = g_match_info_fetch (m, i);
        out->line = l;
        g_strlcpy (out->task, v[1], sizeof out->task);
        out->pid = atoi (v[2]);
        out->cpu = atoi (v[3]);
        out->ts = g_ascii_strtod (v[4], NULL);
        g_strlcpy (out->name, v[5], sizeof out->name);
        gint start;
        g_match_info_fetch_pos (m, 6, &start, NULL);
        out->fields = l + start;
        for (int i = 1; i <= 6; i++)
            g_free (v[i]);
    }
    g_match_info_free (m);
    return ok;
}

/* "key=VALUE" with VALUE followed by a blank or the end, anywhere in S */
static gboolean
has_value (const char *s, const char *key_suffix, const char *value)
{
    char *needle = g_strdup_printf ("%s=%s", key_suffix, value);
    gboolean found = FALSE;
    gsize n = strlen (needle);
    for (const char *p = s; !found && (p = strstr (p, needle)) != NULL; p++)
        found = p[n] == ' ' || p[n] == '\0';
    g_free (needle);
    return found;
}

typedef gboolean (*LinePred) (const Line *l, gconstpointer data);

/* What `filter` must write for TRACE: every header and marker line, and
 * the event lines for which PRED holds. */
static char *
expected_output (const char *trace, LinePred pred, gconstpointer data,
                 guint *n_events)
{
    char *text = read_text (trace);
    GString *want = g_string_new (NULL);
    *n_events = 0;
    for (char *next, *l = text; l && *l; l = next) {
        next = strchr (l, '\n');
        if (next)
            *next++ = '\0';
        Line line;
        if (is_kept_always (l)) {
            g_string_append_printf (want, "%s\n", l);
        } else {
            g_assert_true (split_line (l, &line));
            if (pred (&line, data)) {
                g_string_append_printf (want, "%s\n", l);
                (*n_events)++;
            }
        }
    }
    g_free (text);
    return g_string_free (want, FALSE);
}

static void
check_filter (const char *trace, const char *const *args, LinePred pred,
              gconstpointer data)
{
    guint n;
    char *want = expected_output (trace, pred, data, &n);
    GPtrArray *a = g_ptr_array_new ();
    g_ptr_array_add (a, "filter");
    for (const char *const *p = args; *p; p++)
        g_ptr_array_add (a, (gpointer) *p);
    g_ptr_array_add (a, (gpointer) trace);
    g_ptr_array_add (a, NULL);
    FtaTestRun r = fta_test_run_argv ((const char *const *) a->pdata);
    g_assert_cmpint (r.rc, ==, 0);
    g_test_message ("%u event lines expected; %s", n, r.err);
    g_assert_cmpuint (n, >, 0);
    g_assert_cmpstr (r.out, ==, want);
    char *count = g_strdup_printf ("written (%u of ", n);
    g_assert_nonnull (strstr (r.err, count));
    g_free (count);
    fta_test_run_clear (&r);
    g_ptr_array_free (a, TRUE);
    g_free (want);
}

/* --- filters ------------------------------------------------------------------ */

static gboolean
names_comm (const Line *l, gconstpointer comm)
{
    /* the task, or any of comm=, prev_comm=, next_comm=, child_comm= */
    return strcmp (l->task, comm) == 0 || has_value (l->fields, "comm", comm);
}

static void
test_comm_with_space (void)
{
    char *trace = corpus_text ("lossy");
    check_filter (trace, (const char *[]) { "--comm", "^sleeper A$", NULL }, names_comm,
                  "sleeper A");
    /* a comm that looks like the middle of a sched_switch */
    check_filter (trace, (const char *[]) { "--comm", "^x ==> y$", NULL }, names_comm,
                  "x ==> y");
    g_free (trace);
}

static gboolean
names_pid (const Line *l, gconstpointer pid)
{
    /* the line's pid, or any of pid=, prev_pid=, next_pid=, child_pid= */
    return l->pid == atoi (pid) || has_value (l->fields, "pid", pid);
}

static void
test_pid (void)
{
    char *trace = corpus_text ("lossy");
    check_filter (trace, (const char *[]) { "--pid", "16974", NULL }, names_pid, "16974");
    g_free (trace);
}

static gboolean
on_cpu (const Line *l, gconstpointer cpu)
{
    return l->cpu == GPOINTER_TO_INT (cpu);
}

static void
test_cpu (void)
{
    char *trace = corpus_text ("cpu_contention");
    check_filter (trace, (const char *[]) { "--cpu", "0", NULL }, on_cpu,
                  GINT_TO_POINTER (0));
    g_free (trace);
}

static gboolean
is_wake (const Line *l, gconstpointer data)
{
    (void) data;
    return strcmp (l->name, "sched_waking") == 0 || strcmp (l->name, "sched_wakeup") == 0;
}

static void
test_events (void)
{
    char *trace = corpus_text ("cpu_contention");
    check_filter (trace,
                  (const char *[]) { "--events", "sched_wakeup,sched_waking", NULL },
                  is_wake, NULL);
    /* a pattern; sched_wakeup_new is no "sched_wak?ng" nor "sched_wakeup" */
    check_filter (trace,
                  (const char *[]) { "--events", "sched_wak?ng, sched_wakeup", NULL },
                  is_wake, NULL);
    g_free (trace);
}

static gboolean
in_window (const Line *l, gconstpointer data)
{
    const double *w = data;
    return l->ts >= w[0] - 1e-7 && l->ts <= w[1] + 1e-7;
}

static void
test_window (void)
{
    char *trace = corpus_text ("cpu_contention");
    double w[] = { 503.5, 505.25 };
    check_filter (trace, (const char *[]) { "--start", "503.5", "--end", "505.25", NULL },
                  in_window, w);
    /* the first event is at 501.099247 */
    check_filter (trace,
                  (const char *[]) { "--start", "+2.400753", "--end", "+4.150753", NULL },
                  in_window, w);
    g_free (trace);
}

typedef struct {
    int cpu;
    const char *comm;
} CpuComm;

static gboolean
on_cpu_and_comm (const Line *l, gconstpointer data)
{
    const CpuComm *c = data;
    return l->cpu == c->cpu && names_comm (l, c->comm);
}

/* Every filter must pass: they combine with "and". */
static void
test_combined (void)
{
    char *trace = corpus_text ("lossy");
    CpuComm c = { 1, "perf" };
    check_filter (trace, (const char *[]) { "--cpu", "1", "--comm", "^perf$", NULL },
                  on_cpu_and_comm, &c);
    g_free (trace);
}

/* The output is a trace: read back, every line is understood and the
 * buffer-started marker is still there. */
static void
test_read_back (void)
{
    char *trace = corpus_text ("lossy");
    char *cmd = g_strdup_printf ("'%1$s' filter -q --comm 'sleeper A' '%2$s' "
                                 "| '%1$s' events -", g_getenv ("FTA_BIN"), trace);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.out, " 0 not understood"));
    g_assert_nonnull (strstr (r.out, "buffer-started markers: 1"));
    /* 13 header lines and the marker */
    g_assert_nonnull (strstr (r.out, "392 events, 13 header"));
    fta_test_run_clear (&r);
    g_free (cmd);

    /* nothing filtered: the trace itself, byte for byte */
    char *all = read_text (trace);
    r = fta_test_run_argv ((const char *[]) { "filter", "-q", trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_cmpstr (r.out, ==, all);
    g_assert_cmpstr (r.err, ==, "");
    fta_test_run_clear (&r);
    g_free (all);
    g_free (trace);
}

/* Unparsed lines are dropped and counted; -o writes a file. */
static void
test_unparsed_and_output (void)
{
    char *path = tmp ("messy.txt");
    const char *text =
        "# tracer: nop\n"
        "CPU:0 [LOST 5 EVENTS]\n"
        "           taskA-101     [000] d..2.   100.000100: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=taskB next_pid=102 next_prio=120\n"
        "not a trace line\n"
        "\n"
        "           taskB-102     [001] d..2.   100.000200: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000\n";
    g_assert_true (g_file_set_contents (path, text, -1, NULL));
    char *out = tmp ("messy-out.txt");
    FtaTestRun r = fta_test_run_argv (
        (const char *[]) { "filter", "--pid", "101", "-o", out, path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_cmpstr (r.out, ==, "");
    g_assert_nonnull (strstr (r.err, "6 lines read, 5 written (2 of 2 events, 3 header "
                                     "and marker lines)"));
    g_assert_nonnull (strstr (r.err, "1 not understood (dropped)"));
    char *got = read_text (out);
    GString *want = g_string_new (text);
    char *bad = strstr (want->str, "not a trace line\n");
    g_string_erase (want, bad - want->str, strlen ("not a trace line\n"));
    g_assert_cmpstr (got, ==, want->str);
    g_string_free (want, TRUE);
    g_free (got);
    fta_test_run_clear (&r);

    /* an input without a final newline: the line is written whole */
    g_assert_true (g_file_set_contents (path, text, strlen (text) - 1, NULL));
    r = fta_test_run_argv ((const char *[]) { "filter", "-q", "--cpu", "1", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_true (g_str_has_suffix (r.out, "target_cpu=000\n"));
    fta_test_run_clear (&r);
    g_unlink (out);
    g_free (out);
    g_free (path);
}

static void
test_usage (void)
{
    char *trace = corpus_text ("lossy");
    char *empty = tmp ("empty.txt");
    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
    char *missing = tmp ("no-such-trace.txt");
    char *out = tmp ("never.txt");
    struct {
        const char *args[8];
        int rc;
        const char *msg;
    } cases[] = {
        { { "filter", "--events", "sched switch", trace, NULL }, 2, "bad --events list" },
        { { "filter", "--events", ",", trace, NULL }, 2, "bad --events list" },
        { { "filter", "--events", "sched:sched_switch", trace, NULL }, 2,
          "bad --events list" },
        { { "--events", "sched;", trace, NULL }, 2, "bad --events list" },
        { { "filter", "--pid", "x", trace, NULL }, 2, "bad --pid list" },
        { { "filter", "--comm", "([", trace, NULL }, 2, "bad --comm regular expression" },
        { { "filter", "--start", "soon", trace, NULL }, 2, "bad --start time" },
        { { "filter", "-f", "json", trace, NULL }, 2, "-f does not apply" },
        { { "filter", "--sort=later", trace, NULL }, 2, "bad --sort window" },
        { { "filter", NULL }, 2, "no trace given" },
        { { "filter", "-o", out, missing, NULL }, 3, "cannot open" },
        { { "filter", "-o", out, empty, NULL }, 4, "is empty" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        FtaTestRun r = fta_test_run_argv (cases[i].args);
        g_test_message ("case %u: rc %d, %s", i, r.rc, r.err);
        g_assert_cmpint (r.rc, ==, cases[i].rc);
        g_assert_nonnull (strstr (r.err, cases[i].msg));
        fta_test_run_clear (&r);
    }
    /* a failed run leaves no output file behind */
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

    /* an unknown event matches nothing, and a note says so */
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "filter", "--events", "no_such_event", trace,
                                         NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.err, "no event of"));
    g_assert_nonnull (strstr (r.err, "'no_such_event'"));
    g_assert_nonnull (strstr (r.err, "written (0 of 2622 events"));
    char **lines = g_strsplit (r.out, "\n", -1);
    for (char **l = lines; *l; l++)
        g_assert_true (is_kept_always (*l));
    g_strfreev (lines);
    fta_test_run_clear (&r);

    r = fta_test_run_argv ((const char *[]) { "--help", NULL });
    g_assert_nonnull (strstr (r.out, "filter TRACE"));
    g_assert_nonnull (strstr (r.out, "--events"));
    g_assert_nonnull (strstr (r.out, "--sort"));
    fta_test_run_clear (&r);
    g_free (out);
    g_free (missing);
    g_free (empty);
    g_free (trace);
}

/* analyze --events: only those events reach the analyzers. */
static void
test_analyze_events (void)
{
    char *trace = corpus_text ("lossy");
    JsonParser *p = fta_test_run_json (
        (const char *[]) { "-q", "-f", "json", "--events", "sched_waking", trace, NULL });
    JsonObject *tables = json_object_get_object_member (
        json_node_get_object (json_parser_get_root (p)), "tables");
    /* switch counts come from sched_switch events: none got through */
    JsonObject *comms = json_object_get_object_member (tables, "switch.comms");
    JsonArray *none = json_object_get_array_member (comms, "rows");
    g_assert_cmpuint (json_array_get_length (none), ==, 0);
    /* wakeups are counted from sched_waking: all of them got through */
    JsonArray *rows = json_object_get_array_member (
        json_object_get_object_member (tables, "wakeup.comms"), "rows");
    gint64 n = 0;
    for (guint i = 0; i < json_array_get_length (rows); i++)
        n += json_array_get_int_element (json_array_get_array_element (rows, i), 1);
    g_assert_cmpint (n, ==, 588);
    g_object_unref (p);
    g_free (trace);
}

/* --- --sort --------------------------------------------------------------------
 * A trace put out of order the way a bad merge of per-CPU buffers does it.
 * Lines are moved in units: the lines of one timestamp together (the text's
 * microseconds cannot order them again), with the markers just before them.
 * DELAY_CPU1 moves the units of CPU 1 alone that many units later;
 * otherwise every block of REVERSE units is reversed. */

typedef struct {
    guint index;
    guint key;
    GString *text;
    gboolean cpu1_only;
} Unit;

static int
by_key (gconstpointer a, gconstpointer b)
{
    const Unit *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

static char *
disorder (const char *trace, const char *name, guint delay_cpu1, guint reverse)
{
    char *text = read_text (trace);
    GString *head = g_string_new (NULL), *pending = g_string_new (NULL);
    GArray *units = g_array_new (FALSE, TRUE, sizeof (Unit));
    double last_ts = -1;
    for (char *next, *l = text; l && *l; l = next) {
        next = strchr (l, '\n');
        if (next)
            *next++ = '\0';
        Line line;
        gboolean marker = strstr (l, "buffer started") || g_str_has_prefix (l, "CPU:");
        if (is_kept_always (l) && !marker) {
            g_assert_cmpuint (units->len, ==, 0);
            g_string_append_printf (head, "%s\n", l);
            continue;
        }
        if (!split_line (l, &line)) {
            g_string_append_printf (pending, "%s\n", l); /* a marker */
            continue;
        }
        if (line.ts != last_ts || pending->len) {
            Unit u = { units->len, units->len, g_string_new (pending->str), TRUE };
            g_array_append_val (units, u);
            g_string_truncate (pending, 0);
            last_ts = line.ts;
        }
        Unit *u = &g_array_index (units, Unit, units->len - 1);
        g_string_append_printf (u->text, "%s\n", l);
        u->cpu1_only &= line.cpu == 1;
    }
    g_assert_cmpuint (pending->len, ==, 0);
    for (guint i = 0; i < units->len; i++) {
        Unit *u = &g_array_index (units, Unit, i);
        if (delay_cpu1)
            u->key = i + (u->cpu1_only ? delay_cpu1 : 0);
        else
            u->key = (i / reverse) * reverse + (reverse - 1 - i % reverse);
    }
    g_array_sort (units, by_key);
    for (guint i = 0; i < units->len; i++) {
        Unit *u = &g_array_index (units, Unit, i);
        g_string_append (head, u->text->str);
        g_string_free (u->text, TRUE);
    }
    char *path = tmp (name);
    g_assert_true (g_file_set_contents (path, head->str, head->len, NULL));
    g_array_free (units, TRUE);
    g_string_free (head, TRUE);
    g_string_free (pending, TRUE);
    g_free (text);
    return path;
}

static JsonParser *
analyze_json (const char *sort, const char *trace)
{
    return fta_test_run_json ((const char *[]) { "-q", "-f", "json", sort ? sort : trace,
                                                 sort ? trace : NULL, NULL });
}

static JsonNode *
member (JsonParser *p, const char *name)
{
    return json_object_get_member (json_node_get_object (json_parser_get_root (p)), name);
}

static gint64
quality (JsonParser *p, const char *name)
{
    JsonObject *q = json_node_get_object (member (p, "quality"));
    return json_object_get_int_member (q, name);
}

static void
check_sort (const char *scenario, guint delay_cpu1, guint reverse)
{
    char *trace = corpus_text (scenario);
    char *name = g_strdup_printf ("%s-disordered.txt", scenario);
    char *bad = disorder (trace, name, delay_cpu1, reverse);

    JsonParser *want = analyze_json (NULL, trace);
    JsonParser *as_is = analyze_json (NULL, bad);
    JsonParser *got = analyze_json ("--sort", bad);
    /* the test is worth something: out of order, the numbers differ */
    g_assert_cmpint (quality (as_is, "out_of_order"), >, 100);
    g_assert_false (json_node_equal (member (want, "tables"), member (as_is, "tables")));
    /* sorted, they are those of the trace in order */
    g_assert_true (json_node_equal (member (want, "tables"), member (got, "tables")));
    g_assert_cmpint (quality (got, "out_of_order"), ==, quality (as_is, "out_of_order"));
    g_assert_cmpint (quality (got, "events_behind"), ==, quality (as_is, "events_behind"));
    g_assert_cmpint (quality (got, "out_of_order_unplaced"), ==, 0);
    g_assert_cmpint (quality (as_is, "out_of_order_unplaced"), ==, 0);
    g_assert_cmpint (quality (want, "out_of_order"), ==, 0);
    g_assert_cmpint (quality (got, "buffer_started"), ==,
                     quality (want, "buffer_started"));
    g_object_unref (want);
    g_object_unref (as_is);
    g_object_unref (got);

    /* filter --sort gives back the trace, markers in place, byte for byte */
    char *orig = read_text (trace);
    const char *windows[] = { "--sort", "--sort=0.5", NULL };
    for (const char *const *w = windows; *w; w++) {
        FtaTestRun r = fta_test_run_argv ((const char *[]) { "filter", "-q", *w, bad, NULL });
        g_assert_cmpint (r.rc, ==, 0);
        g_assert_cmpstr (r.out, ==, orig);
        fta_test_run_clear (&r);
    }
    g_free (orig);

    /* a window too small: some events cannot be placed, and are counted */
    JsonParser *small = analyze_json ("--sort=0.000001", bad);
    g_assert_cmpint (quality (small, "out_of_order_unplaced"), >, 0);
    g_assert_cmpint (quality (small, "out_of_order_unplaced"), <=,
                     quality (small, "events_behind"));
    g_object_unref (small);
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "--sort=0.000001", bad, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.out, "--sort could not place"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "events", "--sort=0.000001", bad, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.out, "timestamps going back"));
    g_assert_nonnull (strstr (r.out, "--sort could not place"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "filter", "--sort=0.000001", bad, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.err, "came later than the window allows"));
    fta_test_run_clear (&r);

    g_unlink (bad);
    g_free (bad);
    g_free (name);
    g_free (trace);
}

static void
test_sort_merged (void)
{
    check_sort ("qemu_tcg", 50, 0);
}

/* the lossy recording: its buffer-started marker must stay before CPU 0's
 * first event, where the kernel printed it */
static void
test_sort_marker (void)
{
    check_sort ("lossy", 20, 0);
}

static void
test_sort_within_cpu (void)
{
    check_sort ("cpu_contention", 0, 4);
}

/* tests/data/tiny-tracefs.txt, its 20 events (one CPU) shuffled by hand */
static void
test_sort_tiny (void)
{
    char *tiny = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *text = read_text (tiny);
    char **lines = g_strsplit (text, "\n", -1);
    guint n = g_strv_length (lines) - 1; /* the last is empty */
    static const guint order[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                   14, 12, 13, 17, 15, 16, 19, 18, 21, 22, 20,
                                   25, 23, 24, 31, 26, 27, 28, 29, 30 };
    g_assert_cmpuint (n, ==, G_N_ELEMENTS (order));
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < n; i++)
        g_string_append_printf (s, "%s\n", lines[order[i]]);
    char *bad = tmp ("tiny-shuffled.txt");
    g_assert_true (g_file_set_contents (bad, s->str, s->len, NULL));
    JsonParser *want = analyze_json (NULL, tiny);
    JsonParser *got = analyze_json ("--sort", bad);
    g_assert_cmpint (quality (got, "out_of_order"), >, 0);
    g_assert_true (json_node_equal (member (want, "tables"), member (got, "tables")));
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "filter", "-q", bad, "--sort", NULL });
    g_assert_cmpstr (r.out, ==, text);
    fta_test_run_clear (&r);
    g_object_unref (want);
    g_object_unref (got);
    g_string_free (s, TRUE);
    g_strfreev (lines);
    g_free (bad);
    g_free (text);
    g_free (tiny);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-filter-XXXXXX", NULL);
    g_test_add_func ("/filter/comm-with-space", test_comm_with_space);
    g_test_add_func ("/filter/pid", test_pid);
    g_test_add_func ("/filter/cpu", test_cpu);
    g_test_add_func ("/filter/events", test_events);
    g_test_add_func ("/filter/start-end", test_window);
    g_test_add_func ("/filter/combined", test_combined);
    g_test_add_func ("/filter/read-back", test_read_back);
    g_test_add_func ("/filter/unparsed-and-output-file", test_unparsed_and_output);
    g_test_add_func ("/filter/usage", test_usage);
    g_test_add_func ("/analyze/events", test_analyze_events);
    g_test_add_func ("/sort/cpus-merged-late", test_sort_merged);
    g_test_add_func ("/sort/marker-stays", test_sort_marker);
    g_test_add_func ("/sort/within-cpu", test_sort_within_cpu);
    g_test_add_func ("/sort/tiny", test_sort_tiny);
    int rc = g_test_run ();
    fta_test_remove_dir (tmpdir);
    g_free (tmpdir);
    return rc;
}
