/* test-cli.c - the command line as a user runs it: bad input, exit codes,
 * filters that select what is reported without changing the numbers. */
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

static JsonParser *
analyze_json (const char *const *extra, const char *trace)
{
    return fta_test_analyze (tmpdir, NULL, trace, extra);
}

static JsonObject *
root (JsonParser *p)
{
    return json_node_get_object (json_parser_get_root (p));
}

static JsonObject *
quality (JsonParser *p)
{
    return json_object_get_object_member (root (p), "quality");
}

static JsonArray *
rows (JsonParser *p, const char *table)
{
    JsonObject *t = json_object_get_object_member (
        json_object_get_object_member (root (p), "tables"), table);
    g_assert_nonnull (t);
    return json_object_get_array_member (t, "rows");
}

static int
col (JsonParser *p, const char *table, const char *name)
{
    JsonObject *t = json_object_get_object_member (
        json_object_get_object_member (root (p), "tables"), table);
    JsonArray *cols = json_object_get_array_member (t, "columns");
    for (guint i = 0; i < json_array_get_length (cols); i++)
        if (g_strcmp0 (json_object_get_string_member (
                           json_array_get_object_element (cols, i), "name"), name) == 0)
            return (int) i;
    g_assert_not_reached ();
    return -1;
}

/* --- bad input ----------------------------------------------------------- */

static void
test_empty (void)
{
    char *path = tmp ("empty.txt");
    g_assert_true (g_file_set_contents (path, "", 0, NULL));
    FtaTestRun r = fta_test_run_argv ((const char *[]) { path, NULL });
    g_assert_cmpint (r.rc, ==, 4);
    g_assert_nonnull (strstr (r.err, "is empty"));
    g_assert_cmpint (strlen (r.out), ==, 0);
    fta_test_run_clear (&r);
    g_free (path);
}

static void
test_garbage (void)
{
    char *path = tmp ("garbage.bin");
    GRand *rand = g_rand_new_with_seed (42);
    gsize n = 256 * 1024;
    guchar *buf = g_malloc (n);
    for (gsize i = 0; i < n; i++)
        buf[i] = (guchar) g_rand_int_range (rand, 0, 256);
    g_assert_true (g_file_set_contents (path, (char *) buf, n, NULL));
    FtaTestRun r = fta_test_run_argv ((const char *[]) { path, NULL });
    g_assert_cmpint (r.rc, ==, 4);
    g_assert_nonnull (strstr (r.err, "no trace events found"));
    g_assert_nonnull (strstr (r.err, "Understood:"));
    fta_test_run_clear (&r);
    g_free (buf);
    g_rand_free (rand);
    g_free (path);
}

static void
test_directory (void)
{
    FtaTestRun r = fta_test_run_argv ((const char *[]) { tmpdir, NULL });
    g_assert_cmpint (r.rc, ==, 3);
    g_assert_nonnull (strstr (r.err, "is a directory"));
    fta_test_run_clear (&r);
}

static void
test_missing (void)
{
    char *path = tmp ("no-such-trace.txt");
    FtaTestRun r = fta_test_run_argv ((const char *[]) { path, NULL });
    g_assert_cmpint (r.rc, ==, 3);
    g_assert_nonnull (strstr (r.err, "cannot open"));
    g_assert_nonnull (strstr (r.err, path));
    fta_test_run_clear (&r);
    g_free (path);
}

/* The first N lines of the lossy recording, as a string. */
static char *
lossy_head (guint n)
{
    char *txt = corpus_text ("lossy");
    char *all;
    g_assert_true (g_file_get_contents (txt, &all, NULL, NULL));
    char *p = all;
    for (guint i = 0; i < n && p; i++) {
        p = strchr (p, '\n');
        if (p)
            p++;
    }
    g_assert_nonnull (p);
    char *head = g_strndup (all, p - all);
    g_free (all);
    g_free (txt);
    return head;
}

static void
check_long_line (const char *trace, gboolean via_stdin)
{
    JsonParser *p;
    if (via_stdin) {
        char *out = tmp ("long.json");
        char *cmd = g_strdup_printf ("'%s' -q -f json -o '%s' - < '%s'",
                                     g_getenv ("FTA_BIN"), out, trace);
        g_free (fta_test_sh_ok (cmd));
        p = json_parser_new ();
        g_assert_true (json_parser_load_from_file (p, out, NULL));
        g_free (cmd);
        g_free (out);
    } else {
        p = analyze_json (NULL, trace);
    }
    JsonObject *q = quality (p);
    /* 12 header lines, 20 events, the long line, 10 events */
    g_assert_cmpint (json_object_get_int_member (q, "lines_total"), ==, 43);
    g_assert_cmpint (json_object_get_int_member (q, "lines_event"), ==, 30);
    g_assert_cmpint (json_object_get_int_member (q, "lines_unparsed"), ==, 1);
    JsonArray *ex = json_object_get_array_member (q, "unparsed_examples");
    g_assert_cmpuint (json_array_get_length (ex), ==, 1);
    JsonObject *e = json_array_get_object_element (ex, 0);
    g_assert_cmpint (json_object_get_int_member (e, "line"), ==, 33);
    g_assert_nonnull (strstr (json_object_get_string_member (e, "why"), "1 MiB"));
    g_assert_cmpint (strlen (json_object_get_string_member (e, "text")), <=, 200);
    g_object_unref (p);
}

static void
test_long_line (void)
{
    char *head = lossy_head (32);
    char *tail = lossy_head (42);
    GString *s = g_string_new (head);
    for (guint i = 0; i < (1u << 20) + 100; i++)
        g_string_append_c (s, 'x');
    g_string_append_c (s, '\n');
    g_string_append (s, tail + strlen (head));
    char *path = tmp ("long.txt");
    g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
    check_long_line (path, FALSE);
    check_long_line (path, TRUE);
    g_string_free (s, TRUE);
    g_free (path);
    g_free (head);
    g_free (tail);
}

/* Pids that no kernel prints (negative, or past 2^31) in the fields of
 * sched events: analyzed, never a crash, with every plugin and sink. */
static void
test_odd_pids (void)
{
    static const char trace[] =
        "  <idle>-0     [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=b next_pid=102 next_prio=120\n"
        "       b-102   [000] d..2.   100.000200: sched_waking: comm=x pid=-1 prio=120 target_cpu=001\n"
        "       b-102   [000] d..3.   100.000210: sched_wakeup: comm=x pid=-1 prio=120 target_cpu=001\n"
        "       b-102   [000] d..2.   100.000300: sched_switch: prev_comm=b prev_pid=-7 prev_prio=120 prev_state=S ==> next_comm=y next_pid=4294967295 next_prio=120\n"
        "       b-102   [000] d..2.   100.000400: sched_migrate_task: comm=z pid=-3 prio=120 orig_cpu=0 dest_cpu=1\n"
        "       b-102   [000] d..2.   100.000500: sched_process_fork: comm=b pid=102 child_comm=c child_pid=2147483648\n"
        "       b-102   [000] d..2.   100.000600: sched_switch: prev_comm=y prev_pid=-1 prev_prio=120 prev_state=D ==> next_comm=swapper/0 next_pid=0 next_prio=120\n";
    char *path = tmp ("odd-pids.txt");
    g_assert_true (g_file_set_contents (path, trace, -1, NULL));
    char *kvm = g_test_build_filename (G_TEST_DIST, "..", "config", "kvm.cfg", NULL);
    char *dir = tmp ("odd-pids-out/");
    for (const char *const *j = (const char *[]) { "1", "2", NULL }; *j; j++) {
        FtaTestRun r = fta_test_run_argv ((const char *[]) { "-q", "-j", *j, "-f", "text", "-f", "json",
                                             "-f", "csv", "-f", "gnuplot", "-f", "html",
                                             "-o", dir, path, NULL });
        g_assert_cmpint (r.rc, ==, 0);
        fta_test_run_clear (&r);
        r = fta_test_run_argv ((const char *[]) { "-q", "-j", *j, "-c", kvm, path, NULL });
        g_assert_cmpint (r.rc, ==, 0);
        g_assert_nonnull (strstr (r.out, "sched_switch"));
        fta_test_run_clear (&r);
    }
    g_free (dir);
    g_free (kvm);
    g_free (path);
}

/* CPUs seen apart from the highest CPU number and the header's #P: a
 * trace with events on CPUs 86 and 300 only, of a 400-CPU host. */
static void
test_cpus_seen (void)
{
    static const char trace[] =
        "# entries-in-buffer/entries-written: 3/3   #P:400\n"
        "       a-1     [086] d..2.   100.000000: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n"
        "       b-2     [300] d..2.   100.000100: sched_switch: prev_comm=b prev_pid=2 prev_prio=120 prev_state=S ==> next_comm=a next_pid=1 next_prio=120\n"
        "       a-1     [087] d..2.   100.000200: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=c next_pid=3 next_prio=120\n";
    char *path = tmp ("cpus-seen.txt");
    g_assert_true (g_file_set_contents (path, trace, -1, NULL));
    for (const char *const *j = (const char *[]) { "1", "2", NULL }; *j; j++) {
        JsonParser *p = analyze_json ((const char *[]) { "-j", *j, NULL }, path);
        JsonObject *q = quality (p);
        g_assert_cmpint (json_object_get_int_member (q, "cpus"), ==, 301);
        g_assert_cmpint (json_object_get_int_member (q, "cpus_seen"), ==, 3);
        g_assert_cmpstr (json_object_get_string_member (q, "cpu_list"), ==, "86-87,300");
        g_assert_cmpint (json_object_get_int_member (q, "cpus_header"), ==, 400);
        g_object_unref (p);
    }
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "-q", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.out, "3 CPUs seen (86-87,300) of #P:400"));
    fta_test_run_clear (&r);
    g_free (path);
}

static void
test_truncated_last_line (void)
{
    char *head = lossy_head (20);
    /* cut the next line in the middle of its timestamp, no newline */
    char *more = lossy_head (21);
    const char *next = more + strlen (head);
    const char *dot = strchr (next, '.');
    g_assert_nonnull (dot);
    GString *s = g_string_new (head);
    g_string_append_len (s, next, dot - next);
    char *path = tmp ("truncated.txt");
    g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
    JsonParser *p = analyze_json (NULL, path);
    JsonObject *q = quality (p);
    g_assert_cmpint (json_object_get_int_member (q, "lines_total"), ==, 21);
    g_assert_cmpint (json_object_get_int_member (q, "lines_event"), ==, 8);
    g_assert_cmpint (json_object_get_int_member (q, "lines_unparsed"), ==, 1);
    g_assert_true (json_object_get_boolean_member (q, "truncated_last_line"));
    JsonObject *e = json_array_get_object_element (
        json_object_get_array_member (q, "unparsed_examples"), 0);
    g_assert_cmpint (json_object_get_int_member (e, "line"), ==, 21);
    g_object_unref (p);
    g_string_free (s, TRUE);
    g_free (path);
    g_free (head);
    g_free (more);
}

/* --- usage errors --------------------------------------------------------- */

static void
test_usage (void)
{
    char *trace = corpus_text ("lossy");
    struct {
        const char *args[6];
        int rc;
        const char *msg;
    } cases[] = {
        { { NULL }, 2, "no trace given" },
        { { "--no-such-option", trace, NULL }, 2, "unknown option --no-such-option" },
        { { "--pid", "12,x", trace, NULL }, 2, "bad --pid list" },
        { { "--cpu", "3-1", trace, NULL }, 2, "bad --cpu list" },
        { { "--comm", "([", trace, NULL }, 2, "bad --comm regular expression" },
        { { "--start", "soon", trace, NULL }, 2, "bad --start time" },
        { { "-p", "no-such-profile", trace, NULL }, 2, "no profile 'no-such-profile'" },
        { { "-f", "no-such-sink", trace, NULL }, 2, "unknown output format 'no-such-sink'" },
        { { "-f", "switch", trace, NULL }, 2, "is an analyzer, not an output format" },
        { { trace, trace, NULL }, 2, "name a directory for their results with -o DIR/" },
        { { "events", trace, trace, NULL }, 2, "exactly one trace" },
        /* an option the command does not take would do nothing */
        { { "events", "--cpu", "0", trace, NULL }, 2, "events does not take --cpu" },
        { { "events", "-f", "json", trace, NULL }, 2, "events does not take --format" },
        { { "filter", "--top", "3", trace, NULL }, 2, "filter does not take --top" },
        { { "filter", "-f", "json", trace, NULL }, 2, "-f does not apply" },
        { { "filter", "-o", "no-such-dir/", trace, NULL }, 2, "not a directory" },
        { { "--sort", "profiles", NULL }, 2, "profiles does not take --sort" },
        { { "help", "-j", "2", NULL }, 2, "help does not take --jobs" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        FtaTestRun r = fta_test_run_argv (cases[i].args);
        g_test_message ("case %u: rc %d, %s", i, r.rc, r.err);
        g_assert_cmpint (r.rc, ==, cases[i].rc);
        g_assert_nonnull (strstr (r.err, cases[i].msg));
        fta_test_run_clear (&r);
    }
    /* what a command takes passes, -q everywhere */
    const char *ok[][6] = {
        { "events", "-j", "1", "--sort", trace, NULL },
        { "filter", "--cpu", "0", "-q", trace, NULL },
        { "-q", "plugins", NULL },
        { "profiles", "-q", NULL },
    };
    for (guint i = 0; i < G_N_ELEMENTS (ok); i++) {
        FtaTestRun r = fta_test_run_argv (ok[i]);
        g_test_message ("accepted case %u: rc %d, %s", i, r.rc, r.err);
        g_assert_cmpint (r.rc, ==, 0);
        fta_test_run_clear (&r);
    }
    g_free (trace);
}

static void
test_help (void)
{
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "--help", NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.out, "Exit status"));
    g_assert_nonnull (strstr (r.out, "--comm"));
    g_assert_nonnull (strstr (r.out, "events TRACE"));
    fta_test_run_clear (&r);
    /* a command's own line for an option it takes differently: filter
     * writes one file, never DIR/report.EXT */
    r = fta_test_run_argv ((const char *[]) { "filter", "--help", NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.out, "--output=FILE"));
    g_assert_null (strstr (r.out, "DIR/report"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "analyze", "--help", NULL });
    g_assert_nonnull (strstr (r.out, "DIR/report.EXT"));
    fta_test_run_clear (&r);
}

/* --- commands --------------------------------------------------------------- */

static void
test_events (void)
{
    char *trace = corpus_text ("lossy");
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "events", trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    /* counts from lossy_ftrace_default.counts.txt */
    g_assert_nonnull (strstr (r.out, "1097  sched_switch"));
    g_assert_nonnull (strstr (r.out, "782  sched_wakeup\n"));
    g_assert_nonnull (strstr (r.out, "588  sched_waking"));
    g_assert_nonnull (strstr (r.out, "buffer-started markers: 1"));
    fta_test_run_clear (&r);
    g_free (trace);
}

/* Progress: only on a terminal (forced here), erased at the end, never
 * with -q; the percentages climb to 100 on a file and on its gzip. */
static void
test_progress (void)
{
    char *trace = corpus_text ("lossy");
    char *gz = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                      "lossy_ftrace_default.txt.gz", NULL);
    for (const char *const *f = (const char *[]) { trace, gz, NULL }; *f; f++) {
        char *cmd = g_strdup_printf ("FTA_PROGRESS=always FTA_PIPELINE_BLOCK=4096 "
                                     "\"$FTA_BIN\" events -j 2 '%s'", *f);
        FtaTestRun r = fta_test_run_sh (cmd);
        g_assert_cmpint (r.rc, ==, 0);
        g_assert_true (g_str_has_prefix (r.err, "\rftrace-analyzer: "));
        g_assert_nonnull (strstr (r.err, " MB/s"));
        g_assert_nonnull (strstr (r.err, "100% of lossy"));
        g_assert_true (g_str_has_suffix (r.err, "\r\033[K"));
        guint last = 0, n = 0;
        for (const char *p = r.err; (p = strchr (p, '\r')) != NULL; p++) {
            unsigned pct;
            if (sscanf (p, "\rftrace-analyzer: %u%%", &pct) == 1) {
                g_assert_cmpuint (pct, >=, last);
                g_assert_cmpuint (pct, <=, 100);
                last = pct;
                n++;
            }
        }
        g_assert_cmpuint (n, >=, 2);
        fta_test_run_clear (&r);
        g_free (cmd);
        cmd = g_strdup_printf ("FTA_PROGRESS=always \"$FTA_BIN\" events -q -j 2 '%s'", *f);
        r = fta_test_run_sh (cmd);
        g_assert_cmpint (r.rc, ==, 0);
        g_assert_cmpstr (r.err, ==, "");
        fta_test_run_clear (&r);
        g_free (cmd);
    }
    /* not a terminal: nothing; --progress asks for it anyway, but a run
     * this short ends before it shows; -q wins */
    for (const char *const *opt = (const char *[]) { "-j2", "--progress", NULL }; *opt; opt++) {
        FtaTestRun r = fta_test_run_argv ((const char *[]) { "events", *opt, trace, NULL });
        g_assert_cmpint (r.rc, ==, 0);
        g_assert_cmpstr (r.err, ==, "");
        fta_test_run_clear (&r);
    }
    char *cmd = g_strdup_printf ("FTA_PROGRESS=always \"$FTA_BIN\" events --progress -q '%s'",
                                 trace);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (gz);
    g_free (trace);
}

static void
test_plugins_list (void)
{
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "plugins", NULL });
    g_assert_cmpint (r.rc, ==, 0);
    for (const char *const *n = (const char *[]) { "switch", "wakeup", "text", "json", NULL };
         *n; n++) {
        char *so = g_strdup_printf ("/%s.so", *n);
        g_assert_nonnull (strstr (r.out, so));
        g_free (so);
    }
    g_assert_nonnull (strstr (r.out, "pretty"));
    fta_test_run_clear (&r);
}

static void
test_text_output (void)
{
    char *trace = corpus_text ("qemu_tcg");
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "--top", "5", trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.out, "(switch.tasks)"));
    g_assert_nonnull (strstr (r.out, "CPU 0/TCG"));
    g_assert_nonnull (strstr (r.out, "== Input quality =="));
    /* the rows left out: how many, and how they are distributed */
    g_assert_nonnull (strstr (r.out, "  ... "));
    g_assert_nonnull (strstr (r.out, " more tasks: run "));
    fta_test_run_clear (&r);
    g_free (trace);
}

/* Same numbers from a pipe as from the mapped file. */
static void
test_stdin_equals_file (void)
{
    char *trace = corpus_text ("quiet");
    JsonParser *a = analyze_json (NULL, trace);
    char *out = tmp ("stdin.json");
    char *cmd = g_strdup_printf ("cat '%s' | '%s' -q -f json -o '%s' -", trace,
                                 g_getenv ("FTA_BIN"), out);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 0);
    JsonParser *b = json_parser_new ();
    g_assert_true (json_parser_load_from_file (b, out, NULL));
    JsonNode *ta = json_object_get_member (root (a), "tables");
    JsonNode *tb = json_object_get_member (root (b), "tables");
    g_assert_true (json_node_equal (ta, tb));
    g_object_unref (a);
    g_object_unref (b);
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (out);
    g_free (trace);
}

/* Plain, gzip, zstd and xz, from a file and from a pipe: the same result.
 * The format is told by the first bytes, so the names carry no suffix. */
static void
test_compressed (void)
{
    char *trace = corpus_text ("qemu_tcg");
    JsonParser *plain = analyze_json (NULL, trace);
    const char *tools[] = { "gzip", "zstd", "xz" };
    for (guint i = 0; i < G_N_ELEMENTS (tools); i++) {
        char *packed = tmp (tools[i]);
        char *cmd = g_strdup_printf ("%s -c < '%s' > '%s'", tools[i], trace, packed);
        g_free (fta_test_sh_ok (cmd));
        g_free (cmd);
        for (int via_pipe = 0; via_pipe < 2; via_pipe++) {
            char *out = tmp ("packed.json");
            cmd = g_strdup_printf (via_pipe ? "cat '%s' | '%s' -q -f json -o '%s' -"
                                            : "'%2$s' -q -f json -o '%3$s' '%1$s'",
                                   packed, g_getenv ("FTA_BIN"), out);
            g_free (fta_test_sh_ok (cmd));
            JsonParser *p = fta_test_parse_file (out);
            g_assert_true (json_node_equal (json_object_get_member (root (plain), "tables"),
                                            json_object_get_member (root (p), "tables")));
            JsonObject *qa = quality (plain), *qb = quality (p);
            g_assert_cmpint (json_object_get_int_member (qa, "lines_total"), ==,
                             json_object_get_int_member (qb, "lines_total"));
            g_assert_cmpint (json_object_get_int_member (qa, "last_ts_ns"), ==,
                             json_object_get_int_member (qb, "last_ts_ns"));
            JsonObject *input = json_object_get_object_member (root (p), "input");
            g_assert_cmpstr (json_object_get_string_member (input, "compression"), ==,
                             tools[i]);
            g_object_unref (p);
            g_free (cmd);
            g_free (out);
        }
        /* cut short: a clear error that says how to read what is there */
        char *cut = tmp ("cut");
        cmd = g_strdup_printf ("head -c 20000 '%s' > '%s'", packed, cut);
        FtaTestRun r = fta_test_run_sh (cmd);
        fta_test_run_clear (&r);
        r = fta_test_run_argv ((const char *[]) { cut, NULL });
        g_assert_cmpint (r.rc, ==, 3);
        g_assert_nonnull (strstr (r.err, "damaged or cut short"));
        g_assert_nonnull (strstr (r.err, tools[i]));
        fta_test_run_clear (&r);
        g_free (cmd);
        g_free (cut);
        g_free (packed);
    }
    g_object_unref (plain);
    g_free (trace);
}

/* --- filters ----------------------------------------------------------------- */

static GHashTable *
rows_by_pid (JsonParser *p, const char *table)
{
    GHashTable *h = g_hash_table_new (g_direct_hash, g_direct_equal);
    JsonArray *a = rows (p, table);
    int c = col (p, table, "pid");
    for (guint i = 0; i < json_array_get_length (a); i++) {
        JsonNode *row = json_array_get_element (a, i);
        gint64 pid = json_array_get_int_element (json_node_get_array (row), c);
        g_hash_table_insert (h, GINT_TO_POINTER ((gint) pid), row);
    }
    return h;
}

static void
test_filter_comm (void)
{
    char *trace = corpus_text ("qemu_tcg");
    JsonParser *all = analyze_json (NULL, trace);
    JsonParser *some = analyze_json ((const char *[]) { "--comm", "TCG$", NULL }, trace);
    for (const char *const *t = (const char *[]) { "switch.tasks", "wakeup.tasks", NULL };
         *t; t++) {
        GHashTable *a = rows_by_pid (all, *t), *s = rows_by_pid (some, *t);
        g_assert_cmpuint (g_hash_table_size (s), ==, 2);
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init (&it, s);
        while (g_hash_table_iter_next (&it, &k, &v)) {
            JsonArray *row = json_node_get_array (v);
            const char *comm = json_array_get_string_element (row, col (some, *t, "comm"));
            g_assert_true (g_str_has_suffix (comm, "TCG"));
            /* the same numbers as without the filter */
            g_assert_true (json_node_equal (v, g_hash_table_lookup (a, k)));
        }
        g_hash_table_unref (a);
        g_hash_table_unref (s);
    }
    g_object_unref (all);
    g_object_unref (some);
    g_free (trace);
}

static void
test_filter_pid (void)
{
    char *trace = corpus_text ("lossy");
    JsonParser *p = analyze_json ((const char *[]) { "--pid", "16974,16976", NULL }, trace);
    GHashTable *h = rows_by_pid (p, "switch.tasks");
    g_assert_cmpuint (g_hash_table_size (h), ==, 2);
    g_assert_true (g_hash_table_contains (h, GINT_TO_POINTER (16974)));
    g_assert_true (g_hash_table_contains (h, GINT_TO_POINTER (16976)));
    g_hash_table_unref (h);
    g_object_unref (p);
    g_free (trace);
}

/* Counts the sched_switch lines with [CPU] == cpu (or any when -1) and
 * timestamp in [from, to] seconds: an independent reading of the text. */
static gint64
count_switches (const char *trace, int cpu, double from, double to)
{
    char *text;
    g_assert_true (g_file_get_contents (trace, &text, NULL, NULL));
    gint64 n = 0;
    /* lines terminated in place: g_strsplit is quadratic under ASan */
    for (char *next, *line = text; line; line = next) {
        next = strchr (line, '\n');
        if (next)
            *next++ = '\0';
        char **l = &line;
        const char *ev = strstr (*l, ": sched_switch: ");
        if (!ev || **l == '#')
            continue;
        const char *ts = ev;
        while (ts > *l && ts[-1] != ' ')
            ts--;
        double t = g_ascii_strtod (ts, NULL);
        /* the CPU column is the last "[" before the timestamp: comms may
         * hold brackets too */
        const char *ob = ts;
        while (ob > *l && *ob != '[')
            ob--;
        int c = (int) g_ascii_strtoll (ob + 1, NULL, 10);
        if ((cpu < 0 || c == cpu) && t >= from && t <= to)
            n++;
    }
    g_free (text);
    return n;
}

static gint64
sum_col (JsonParser *p, const char *table, const char *name)
{
    JsonArray *a = rows (p, table);
    int c = col (p, table, name);
    gint64 s = 0;
    for (guint i = 0; i < json_array_get_length (a); i++)
        s += json_array_get_int_element (json_array_get_array_element (a, i), c);
    return s;
}

static void
test_filter_cpu_and_window (void)
{
    char *trace = corpus_text ("cpu_contention");
    JsonParser *p = analyze_json ((const char *[]) { "--cpu", "0", NULL }, trace);
    g_assert_cmpint (sum_col (p, "switch.comms", "sched_in"), ==,
                     count_switches (trace, 0, 0, 1e9));
    g_object_unref (p);

    p = analyze_json ((const char *[]) { "--start", "503.5", "--end", "505.25", NULL }, trace);
    g_assert_cmpint (sum_col (p, "switch.comms", "sched_in"), ==,
                     count_switches (trace, -1, 503.5, 505.25));
    /* no task ran longer than the window */
    JsonArray *a = rows (p, "switch.tasks");
    int c = col (p, "switch.tasks", "run_ns");
    for (guint i = 0; i < json_array_get_length (a); i++)
        g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (a, i), c),
                         <=, 1750000000);
    g_object_unref (p);

    /* relative times: the first event is at 501.099247 */
    p = analyze_json ((const char *[]) { "--start", "+2.400753", "--end", "+4.150753", NULL },
                      trace);
    g_assert_cmpint (sum_col (p, "switch.comms", "sched_in"), ==,
                     count_switches (trace, -1, 503.5, 505.25));
    g_object_unref (p);
    g_free (trace);
}

/* A hand-made trace: taskA sleeps, is woken at 100.001 and runs at
 * 100.009 (latency 8 ms); a LOST marker comes first, and one comm is not
 * valid UTF-8 (a multibyte character cut by the kernel's 15 bytes). */
static const char hand_trace[] =
    "CPU:0 [LOST 5 EVENTS]\n"
    "           taskA-101     [000] d..2.   100.000100: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=caf\xc3 next_pid=102 next_prio=120\n"
    "            caf\xc3-102     [000] d.h2.   100.001000: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000\n"
    "            caf\xc3-102     [000] dNh3.   100.001005: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000\n"
    "            caf\xc3-102     [000] d..2.   100.009000: sched_switch: prev_comm=caf\xc3 prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=taskA next_pid=101 next_prio=120\n"
    "           taskA-101     [000] d..2.   100.010000: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n";

static JsonArray *
wakeup_row (JsonParser *p, gint64 pid)
{
    JsonArray *a = rows (p, "wakeup.tasks");
    int c = col (p, "wakeup.tasks", "pid");
    for (guint i = 0; i < json_array_get_length (a); i++) {
        JsonArray *r = json_array_get_array_element (a, i);
        if (json_array_get_int_element (r, c) == pid)
            return r;
    }
    return NULL;
}

static void
test_hand_trace (void)
{
    char *path = tmp ("hand.txt");
    g_assert_true (g_file_set_contents (path, hand_trace, -1, NULL));

    /* the marker has no time: the trace starts at its first event */
    JsonParser *p = analyze_json (NULL, path);
    g_assert_cmpint (json_object_get_int_member (quality (p), "first_ts_ns"), ==,
                     100000100000);
    g_assert_cmpint (json_object_get_int_member (quality (p), "lost_events"), ==, 5);
    JsonArray *r = wakeup_row (p, 101);
    g_assert_nonnull (r);
    g_assert_cmpint (json_array_get_int_element (r, col (p, "wakeup.tasks", "latency_max_ns")),
                     ==, 8000000);
    /* the document is valid UTF-8 although a comm is not */
    g_assert_nonnull (wakeup_row (p, 101));
    g_object_unref (p);

    /* --end before the switch-in: the latency is unknown, not 1 ms */
    p = analyze_json ((const char *[]) { "--end", "100.002", NULL }, path);
    r = wakeup_row (p, 101);
    g_assert_nonnull (r);
    g_assert_cmpint (json_array_get_int_element (r, col (p, "wakeup.tasks", "latency_count")),
                     ==, 0);
    g_assert_cmpint (json_array_get_int_element (r, col (p, "wakeup.tasks", "latency_unknown")),
                     ==, 1);
    g_object_unref (p);

    /* relative times count from the first event, not from the marker */
    p = analyze_json ((const char *[]) { "--start", "+0.0089", NULL }, path);
    g_assert_cmpint (sum_col (p, "switch.comms", "sched_in"), ==, 2);
    g_object_unref (p);

    FtaTestRun run = fta_test_run_argv ((const char *[]) { "--start", "100.5", "--end", "100.1", path, NULL });
    g_assert_cmpint (run.rc, ==, 2);
    g_assert_nonnull (strstr (run.err, "is after --end"));
    fta_test_run_clear (&run);
    g_free (path);
}

/* A new task's sched_wakeup_new is its wakeup, with a latency, as perf
 * sched latency counts it (the kernel emits no sched_waking for it).
 * bash (4242) forks 4300 at T100 and wakes it new at T120 onto CPU 1;
 * 4300 is switched in at T400: latency 280 us.  4300 wakes bash at T500
 * (a sched_waking, so wakeups are counted from sched_waking), and bash
 * never runs: no latency for it.  wakeup.comms: "bash" woken twice. */
static const char new_task_trace[] =
    "# tracer: nop\n"
    "            bash-4242    [000] .....   100.000100: sched_process_fork: comm=bash pid=4242 child_comm=bash child_pid=4300\n"
    "            bash-4242    [000] d..2.   100.000120: sched_wakeup_new: comm=bash pid=4300 prio=120 target_cpu=001\n"
    "          <idle>-0       [001] d..2.   100.000400: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=4300 next_prio=120\n"
    "            bash-4300    [001] d..2.   100.000500: sched_waking: comm=bash pid=4242 prio=120 target_cpu=000\n"
    "            bash-4300    [001] d..2.   100.000700: sched_switch: prev_comm=bash prev_pid=4300 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n";

static void
test_wakeup_new (void)
{
    char *path = tmp ("new-task.txt");
    g_assert_true (g_file_set_contents (path, new_task_trace, -1, NULL));
    JsonParser *p = analyze_json (NULL, path);
    JsonArray *r = wakeup_row (p, 4300);
    g_assert_nonnull (r);
    g_assert_cmpint (json_array_get_int_element (r, col (p, "wakeup.tasks", "wakeups")), ==, 1);
    g_assert_cmpint (json_array_get_int_element (r, col (p, "wakeup.tasks", "latency_count")),
                     ==, 1);
    g_assert_cmpint (json_array_get_int_element (r, col (p, "wakeup.tasks", "latency_max_ns")),
                     ==, 280000);
    r = wakeup_row (p, 4242);
    g_assert_nonnull (r);
    g_assert_cmpint (json_array_get_int_element (r, col (p, "wakeup.tasks", "wakeups")), ==, 1);
    g_assert_cmpint (json_array_get_int_element (r, col (p, "wakeup.tasks", "latency_count")),
                     ==, 0);
    g_assert_cmpint (sum_col (p, "wakeup.comms", "wakeups"), ==, 2);
    /* the pair parent -> child */
    JsonArray *pairs = rows (p, "wakeup.pairs");
    gboolean found = FALSE;
    for (guint i = 0; i < json_array_get_length (pairs); i++) {
        JsonArray *pr = json_array_get_array_element (pairs, i);
        if (json_array_get_int_element (pr, col (p, "wakeup.pairs", "waker_pid")) == 4242
            && json_array_get_int_element (pr, col (p, "wakeup.pairs", "wakee_pid")) == 4300) {
            g_assert_cmpint (json_array_get_int_element (pr, col (p, "wakeup.pairs", "count")),
                             ==, 1);
            found = TRUE;
        }
    }
    g_assert_true (found);
    g_object_unref (p);
    g_free (path);
}

/* A thread renamed while alive, as qemu names its vCPU threads: 301 is
 * woken as "qemu-system-x86" at T100 (sched_wakeup T101), runs 200-300
 * under that name, then 400-1400 as "CPU 0/KVM".  It ran longest as
 * "CPU 0/KVM": that is its name in switch.tasks, wakeup.tasks and
 * wakeup.pairs alike, so --comm keeps or drops all its rows together. */
static const char renamed_trace[] =
    "# tracer: nop\n"
    " qemu-system-x86-300     [000] d..2.   100.000100: sched_waking: comm=qemu-system-x86 pid=301 prio=120 target_cpu=001\n"
    " qemu-system-x86-300     [000] d..2.   100.000101: sched_wakeup: comm=qemu-system-x86 pid=301 prio=120 target_cpu=001\n"
    "          <idle>-0       [001] d..2.   100.000200: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=qemu-system-x86 next_pid=301 next_prio=120\n"
    " qemu-system-x86-301     [001] d..2.   100.000300: sched_switch: prev_comm=qemu-system-x86 prev_pid=301 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n"
    "          <idle>-0       [001] d..2.   100.000400: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=CPU 0/KVM next_pid=301 next_prio=120\n"
    "       CPU 0/KVM-301     [001] d..2.   100.001400: sched_switch: prev_comm=CPU 0/KVM prev_pid=301 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n";

/* The comm of PID's row in TABLE (pid column PIDCOL), NULL when none. */
static const char *
row_comm (JsonParser *p, const char *table, const char *pidcol, const char *commcol,
          gint64 pid)
{
    JsonArray *a = rows (p, table);
    for (guint i = 0; i < json_array_get_length (a); i++) {
        JsonArray *r = json_array_get_array_element (a, i);
        if (json_array_get_int_element (r, col (p, table, pidcol)) == pid)
            return json_array_get_string_element (r, col (p, table, commcol));
    }
    return NULL;
}

static void
test_renamed (void)
{
    char *path = tmp ("renamed.txt");
    g_assert_true (g_file_set_contents (path, renamed_trace, -1, NULL));
    JsonParser *p = analyze_json (NULL, path);
    g_assert_cmpstr (row_comm (p, "switch.tasks", "pid", "comm", 301), ==, "CPU 0/KVM");
    g_assert_cmpstr (row_comm (p, "wakeup.tasks", "pid", "comm", 301), ==, "CPU 0/KVM");
    g_assert_cmpstr (row_comm (p, "wakeup.pairs", "wakee_pid", "wakee_comm", 301), ==,
                     "CPU 0/KVM");
    g_object_unref (p);
    p = analyze_json ((const char *[]) { "--comm", "^CPU", NULL }, path);
    g_assert_cmpstr (row_comm (p, "switch.tasks", "pid", "comm", 301), ==, "CPU 0/KVM");
    g_assert_cmpstr (row_comm (p, "wakeup.tasks", "pid", "comm", 301), ==, "CPU 0/KVM");
    g_assert_nonnull (row_comm (p, "wakeup.pairs", "wakee_pid", "wakee_comm", 301));
    g_object_unref (p);
    p = analyze_json ((const char *[]) { "--comm", "^qemu-system", NULL }, path);
    g_assert_null (row_comm (p, "switch.tasks", "pid", "comm", 301));
    g_assert_null (row_comm (p, "wakeup.tasks", "pid", "comm", 301));
    g_object_unref (p);
    g_free (path);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-cli-XXXXXX", NULL);
    g_test_add_func ("/cli/bad-input/empty", test_empty);
    g_test_add_func ("/cli/bad-input/binary-garbage", test_garbage);
    g_test_add_func ("/cli/bad-input/directory", test_directory);
    g_test_add_func ("/cli/bad-input/missing", test_missing);
    g_test_add_func ("/cli/bad-input/long-line", test_long_line);
    g_test_add_func ("/cli/bad-input/truncated-last-line", test_truncated_last_line);
    g_test_add_func ("/cli/bad-input/odd-pids", test_odd_pids);
    g_test_add_func ("/cli/quality/cpus-seen", test_cpus_seen);
    g_test_add_func ("/cli/usage-errors", test_usage);
    g_test_add_func ("/cli/help", test_help);
    g_test_add_func ("/cli/events", test_events);
    g_test_add_func ("/cli/progress", test_progress);
    g_test_add_func ("/cli/plugins", test_plugins_list);
    g_test_add_func ("/cli/text-output", test_text_output);
    g_test_add_func ("/cli/stdin-equals-file", test_stdin_equals_file);
    g_test_add_func ("/cli/compressed-equals-plain", test_compressed);
    g_test_add_func ("/cli/filter/comm-keeps-numbers", test_filter_comm);
    g_test_add_func ("/cli/filter/pid", test_filter_pid);
    g_test_add_func ("/cli/filter/cpu-and-window", test_filter_cpu_and_window);
    g_test_add_func ("/cli/hand-trace/markers-windows-utf8", test_hand_trace);
    g_test_add_func ("/cli/hand-trace/wakeup-new", test_wakeup_new);
    g_test_add_func ("/cli/hand-trace/renamed-thread", test_renamed);
    int rc = g_test_run ();
    fta_test_remove_dir (tmpdir);
    g_free (tmpdir);
    return rc;
}
