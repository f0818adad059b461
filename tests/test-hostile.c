/* test-hostile.c - input that cannot be trusted and conditions a run does
 * not choose: a clear error, the documented exit code, no crash, no
 * half-written or destroyed file (tests/data/hostile). */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

static char *
data (const char *name)
{
    return g_test_build_filename (G_TEST_DIST, "data", "hostile", name, NULL);
}

/* --- numbers out of range ------------------------------------------------- */

/* A pid beyond pid_t, a CPU beyond the [CPU] column's range: the line is
 * not understood (with the reason and the line as an example), never
 * wrapped into another task or CPU. */
static void
test_pid_range (void)
{
    char *trace = data ("pid-range.txt");
    JsonParser *p = fta_test_json (tmpdir, (const char *[]) { trace, NULL });
    JsonObject *q = json_object_get_object_member (fta_test_root (p), "quality");
    /* lines 3, 4, 5 (pids) and 6 (a CPU): worked out by hand */
    g_assert_cmpint (json_object_get_int_member (q, "lines_unparsed"), ==, 4);
    g_assert_cmpint (json_object_get_int_member (q, "lines_event"), ==, 2);
    JsonArray *ex = json_object_get_array_member (q, "unparsed_examples");
    g_assert_cmpint (json_array_get_length (ex), ==, 4);
    static const struct { gint64 line; const char *why, *text; } want[] = {
        { 3, "pid out of range (0 to 2147483647)", "next_pid=99999999999" },
        { 4, "pid out of range (0 to 2147483647)", "pid=2147483648" },
        { 5, "pid out of range (0 to 2147483647)", "huge-99999999999" },
        { 6, "CPU out of range (0 to 65535)", "dest_cpu=70000" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
        JsonObject *e = json_array_get_object_element (ex, i);
        g_assert_cmpint (json_object_get_int_member (e, "line"), ==, want[i].line);
        g_assert_cmpstr (json_object_get_string_member (e, "why"), ==, want[i].why);
        g_assert_nonnull (strstr (json_object_get_string_member (e, "text"), want[i].text));
    }
    /* the largest pid there is stays a task of its own */
    GPtrArray *rows = fta_test_rows (fta_test_root (p), "switch.tasks");
    gboolean seen = FALSE;
    for (guint i = 0; i < rows->len; i++)
        seen |= fta_test_cell_int (g_ptr_array_index (rows, i), "pid") == G_MAXINT32;
    g_assert_true (seen);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* A trace spanning 9e9 seconds: nanoseconds near 2^63, where twice the
 * range overflows (found by UBSan in the CPU imbalance test).  CPU 0 busy
 * all along, CPU 1 for one second: worked out by hand. */
static void
test_huge_span (void)
{
    char *trace = data ("huge-span.txt");
    JsonParser *p = fta_test_json (tmpdir, (const char *[]) { trace, NULL });
    GPtrArray *rows = fta_test_rows (fta_test_root (p), "cpu.cpus");
    g_assert_cmpint (rows->len, ==, 2);
    g_assert_cmpint (fta_test_cell_int (g_ptr_array_index (rows, 0), "busy_ns"), ==,
                     G_GINT64_CONSTANT (8999999999000000000));
    g_assert_cmpint (fta_test_cell_int (g_ptr_array_index (rows, 1), "busy_ns"), ==,
                     1000000000);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* --- options ---------------------------------------------------------------- */

static void
expect_usage (const char *const *args, const char *needle)
{
    FtaTestRun r = fta_test_run_argv (args);
    g_assert_cmpint (r.rc, ==, 2);
    g_assert_nonnull (strstr (r.err, needle));
    g_assert_cmpstr (r.out, ==, "");
    fta_test_run_clear (&r);
}

/* Not a finite number within the documented bounds: a usage error, never
 * the automatic window in silence (NaN converted to an integer is
 * undefined behaviour). */
static void
test_window_bounds (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    static const char *const bad[] = { "nan", "-nan", "inf", "1e-12", "0", "-1",
                                       "1e7", "0.1x", NULL };
    for (const char *const *w = bad; *w; w++)
        expect_usage ((const char *[]) { "--window", *w, trace, NULL }, "bad --window");
    char *nan_cfg = data ("window-nan.cfg"), *tiny_cfg = data ("window-tiny.cfg");
    expect_usage ((const char *[]) { "-c", nan_cfg, trace, NULL }, "window of the profile 'nan'");
    expect_usage ((const char *[]) { "-c", tiny_cfg, trace, NULL }, "window of the profile");
    /* the bounds themselves are taken */
    for (const char *const *w = (const char *[]) { "0.000001", "1000000", NULL }; *w; w++) {
        FtaTestRun r = fta_test_run_argv ((const char *[]) { "-q", "--window", *w, trace, NULL });
        g_assert_cmpint (r.rc, ==, 0);
        fta_test_run_clear (&r);
    }
    static const char *const bad_times[] = { "nan", "inf", "1e300", "-1", NULL };
    for (const char *const *t = bad_times; *t; t++) {
        expect_usage ((const char *[]) { "--start", *t, trace, NULL }, "bad --start time");
        expect_usage ((const char *[]) { "--end", *t, trace, NULL }, "bad --end time");
    }
    g_free (nan_cfg);
    g_free (tiny_cfg);
    g_free (trace);
}

/* --- saved results ----------------------------------------------------------- */

/* Deeply nested JSON overflowed the stack of the recursive parser: it is
 * refused before parsing (exit 3), at 65 levels (committed) and at 100000
 * (the crash as it was found). */
static void
test_json_depth (void)
{
    char *deep = data ("deep.json");
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    GString *huge = g_string_new ("{\"a\":");
    for (int i = 0; i < 100000; i++)
        g_string_append_c (huge, '[');
    for (int i = 0; i < 100000; i++)
        g_string_append_c (huge, ']');
    g_string_append_c (huge, '}');
    char *huge_path = tmp ("huge-depth.json");
    g_assert_true (g_file_set_contents (huge_path, huge->str, huge->len, NULL));
    g_string_free (huge, TRUE);
    for (const char *const *f = (const char *[]) { deep, huge_path, NULL }; *f; f++) {
        for (int side = 0; side < 2; side++) {
            FtaTestRun r = fta_test_run_argv ((const char *[]) {
                "compare", side ? trace : *f, side ? *f : trace, NULL });
            g_assert_cmpint (r.rc, ==, 3);
            g_assert_nonnull (strstr (r.err, "nested more than 64 deep"));
            fta_test_run_clear (&r);
        }
    }
    g_free (huge_path);
    g_free (trace);
    g_free (deep);
}

/* --- the input changes while it is read ----------------------------------- */

/* The read position of PID in PATH (from /proc/PID/fdinfo), -1 while the
 * file is not open. */
static gint64
read_position (GPid pid, const char *path)
{
    char *fds = g_strdup_printf ("/proc/%d/fd", (int) pid);
    GDir *d = g_dir_open (fds, 0, NULL);
    gint64 pos = -1;
    for (const char *n; d && pos < 0 && (n = g_dir_read_name (d));) {
        char *link = g_build_filename (fds, n, NULL);
        char *target = g_file_read_link (link, NULL);
        if (g_strcmp0 (target, path) == 0) {
            char *info = g_strdup_printf ("/proc/%d/fdinfo/%s", (int) pid, n);
            char *text = NULL;
            if (g_file_get_contents (info, &text, NULL, NULL) && g_str_has_prefix (text, "pos:"))
                pos = g_ascii_strtoll (text + 4, NULL, 10);
            g_free (text);
            g_free (info);
        }
        g_free (target);
        g_free (link);
    }
    if (d)
        g_dir_close (d);
    g_free (fds);
    return pos;
}

/* A trace truncated by another process while it is read: exit 3 with "the
 * file changed while it was read", never SIGBUS (a mapped input died of
 * it).  The truncation comes once the reader is past the first block, at
 * -j 1 and -j 2; the trace is the committed huge-span trace repeated to
 * 64 MB, so that the reader is still at it. */
static void
test_shrinking_input (void)
{
    char *src = data ("huge-span.txt");
    char *one;
    gsize one_len;
    g_assert_true (g_file_get_contents (src, &one, &one_len, NULL));
    char *path = tmp ("shrinking.txt");
    for (const char *const *j = (const char *[]) { "1", "2", NULL }; *j; j++) {
        GString *big = g_string_sized_new (64u << 20);
        while (big->len < (64u << 20))
            g_string_append_len (big, one, one_len);
        g_assert_true (g_file_set_contents (path, big->str, big->len, NULL));
        gsize size = big->len;
        g_string_free (big, TRUE);
        const char *argv[] = { g_getenv ("FTA_BIN"), "-q", "-j", *j, "-o", "/dev/null", path,
                               NULL };
        GPid pid;
        int err_fd;
        g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                                 G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                                 NULL, NULL, &err_fd, NULL));
        /* past the first 4 MB block, far from the end */
        gint64 pos = -1;
        for (int i = 0; i < 200000 && (pos = read_position (pid, path)) < (4 << 20); i++)
            g_usleep (100);
        g_assert_cmpint (pos, >=, 4 << 20);
        g_assert_cmpint (pos, <, (gint64) size);
        g_assert_cmpint (truncate (path, 1000), ==, 0);
        int status;
        g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
        g_spawn_close_pid (pid);
        char err[4096];
        gssize n = read (err_fd, err, sizeof err - 1);
        close (err_fd);
        err[MAX (n, 0)] = '\0';
        g_assert_true (WIFEXITED (status));
        g_assert_cmpint (WEXITSTATUS (status), ==, 3);
        g_assert_nonnull (strstr (err, "the file changed while it was read"));
    }
    g_free (path);
    g_free (one);
    g_free (src);
}

/* A run stopped by a signal while `filter -o FILE` writes: the temporary
 * file beside FILE is removed.  Ctrl-C (SIGINT) ends the run by that
 * signal, as a shell expects; SIGBUS, what a mapped trace.dat gives when it
 * shrinks under the reader, is exit 3 with "the file changed while it was
 * read".  The input is a pipe held open, so that the run is in the middle
 * of it when the signal comes. */
static void
test_signal (gconstpointer data)
{
    int sig = GPOINTER_TO_INT (data);
    char *dir = tmp (sig == SIGBUS ? "signal-bus" : "signal-int");
    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    char *out = g_build_filename (dir, "out.txt", NULL);
    const char *argv[] = { g_getenv ("FTA_BIN"), "filter", "-q", "-o", out, "-", NULL };
    GPid pid;
    int in_fd, err_fd;
    g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                             G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                             &in_fd, NULL, &err_fd, NULL));
    static const char line[] = "          <idle>-0     [000] d..2.   100.000100: sched_switch: "
                               "prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> "
                               "next_comm=a next_pid=10 next_prio=120\n";
    g_assert_cmpint (write (in_fd, line, sizeof line - 1), ==, (gssize) sizeof line - 1);
    /* the temporary output exists once the input was opened */
    gboolean seen = FALSE;
    for (int i = 0; i < 100000 && !seen; i++) {
        GDir *d = g_dir_open (dir, 0, NULL);
        seen = d && g_dir_read_name (d) != NULL;
        if (d)
            g_dir_close (d);
        if (!seen)
            g_usleep (100);
    }
    g_assert_true (seen);
    g_assert_cmpint (kill (pid, sig), ==, 0);
    int status;
    g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
    g_spawn_close_pid (pid);
    close (in_fd);
    char err[4096];
    gssize n = read (err_fd, err, sizeof err - 1);
    close (err_fd);
    err[MAX (n, 0)] = '\0';
    if (sig == SIGBUS) {
        g_assert_true (WIFEXITED (status));
        g_assert_cmpint (WEXITSTATUS (status), ==, 3);
        g_assert_nonnull (strstr (err, "the file changed while it was read"));
    } else {
        g_assert_true (WIFSIGNALED (status));
        g_assert_cmpint (WTERMSIG (status), ==, sig);
    }
    GDir *d = g_dir_open (dir, 0, NULL);
    g_assert_nonnull (d);
    const char *left = g_dir_read_name (d);
    g_assert_cmpstr (left, ==, NULL);
    g_dir_close (d);
    g_free (out);
    g_free (dir);
}

/* --- outputs ----------------------------------------------------------------- */

#define contents fta_test_read

/* An output that is the input itself, by its name, through a symbolic or a
 * hard link, compressed, or as the standard output `filter` appends to:
 * refused (exit 2) before anything is written, the trace intact. */
static void
test_output_is_input (void)
{
    char *src = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *dir = tmp ("same/");
    g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
    char *orig = contents (src);
    char *t = tmp ("same/t.txt"), *sym = tmp ("same/sym.txt"), *hard = tmp ("same/hard.txt");
    char *gz = tmp ("same/c.txt.gz");
    g_assert_true (g_file_set_contents (t, orig, -1, NULL));
    g_assert_cmpint (symlink (t, sym), ==, 0);
    g_assert_cmpint (link (t, hard), ==, 0);
    char *cmd = g_strdup_printf ("gzip -c '%s' > '%s'", src, gz);
    g_free (fta_test_sh_ok (cmd));
    g_free (cmd);
    char *gz_orig = contents (gz);
    struct { const char *const *args; const char *keep; } cases[] = {
        { (const char *[]) { "filter", "-o", t, t, NULL }, t },
        { (const char *[]) { "-f", "text", "-o", t, t, NULL }, t },
        { (const char *[]) { "-f", "json", "-o", sym, t, NULL }, t },
        { (const char *[]) { "-f", "json", "-o", t, sym, NULL }, t },
        { (const char *[]) { "-f", "csv", "-o", hard, t, NULL }, t },
        { (const char *[]) { "report", "-o", t, t, NULL }, t },
        { (const char *[]) { "compare", "-o", t, src, t, NULL }, t },
        { (const char *[]) { "-f", "json", "-o", gz, gz, NULL }, gz },
    };
    FtaTestRun r;
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        r = fta_test_run_argv (cases[i].args);
        g_assert_cmpint (r.rc, ==, 2);
        g_assert_nonnull (strstr (r.err, "itself: writing it would destroy the trace"));
        fta_test_run_clear (&r);
        char *now = contents (cases[i].keep);
        g_assert_cmpstr (now, ==, cases[i].keep == gz ? gz_orig : orig);
        g_free (now);
    }
    cmd = g_strdup_printf ("'%s' filter '%s' >> '%s'", g_getenv ("FTA_BIN"), t, t);
    r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 2);
    g_assert_nonnull (strstr (r.err, "standard output is the input"));
    fta_test_run_clear (&r);
    g_free (cmd);
    char *now = contents (t);
    g_assert_cmpstr (now, ==, orig);
    g_free (now);
    g_free (gz_orig);
    g_free (gz);
    g_free (hard);
    g_free (sym);
    g_free (t);
    g_free (orig);
    g_free (dir);
    g_free (src);
}

/* Standard output that cannot be written (/dev/full): exit 1 with the
 * reason, for every command, --help and --version too. */
static void
test_stdout_full (void)
{
    if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS)) {
        g_test_skip ("no /dev/full");
        return;
    }
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    const char *commands[] = { "--help", "--version", "help analyze", "plugins", "profiles",
                               "events TRACE", "TRACE", "-f json TRACE", "report -o - TRACE",
                               "filter TRACE", "compare TRACE TRACE", NULL };
    for (const char *const *c = commands; *c; c++) {
        char **parts = g_strsplit (*c, "TRACE", -1);
        char *args = g_strjoinv (trace, parts);
        char *cmd = g_strdup_printf ("'%s' %s > /dev/full", g_getenv ("FTA_BIN"), args);
        FtaTestRun r = fta_test_run_sh (cmd);
        if (r.rc != 1 || !strstr (r.err, "No space left on device"))
            g_printerr ("%s: %d %s\n", cmd, r.rc, r.err);
        g_assert_cmpint (r.rc, ==, 1);
        g_assert_nonnull (strstr (r.err, "standard output: No space left on device"));
        fta_test_run_clear (&r);
        g_free (cmd);
        g_free (args);
        g_strfreev (parts);
    }
    g_free (trace);
}

/* A sink that cannot write its file (a file size limit stands in for a
 * full disk): exit 1, a message naming the file and the reason, the file
 * as it was before (or none), no temporary file left, and the other sinks'
 * files written whole. */
static void
test_sink_write_failure (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *cfg = data ("no-gnuplot-run.cfg");
    char *full = tmp ("full/"), *ref = tmp ("ref/");
    g_assert_cmpint (g_mkdir_with_parents (full, 0755), ==, 0);
    char *old_json = tmp ("full/report.json");
    g_assert_true (g_file_set_contents (old_json, "old\n", -1, NULL));
    /* 40 blocks of 512 bytes: the text report (8 KB) fits, JSON (75 KB) and
     * HTML (130 KB) do not */
    char *cmd = g_strdup_printf ("ulimit -f 40 && trap '' XFSZ && exec '%s' -c '%s' "
                                 "-f json -f html -f text -f gnuplot -o '%s' '%s'",
                                 g_getenv ("FTA_BIN"), cfg, full, trace);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 1);
    char *json_msg = g_strdup_printf ("sink 'json': cannot write %sreport.json: File too large",
                                      full);
    char *html_msg = g_strdup_printf ("sink 'html': cannot write %sreport.html: File too large",
                                      full);
    g_assert_nonnull (strstr (r.err, json_msg));
    g_assert_nonnull (strstr (r.err, html_msg));
    fta_test_run_clear (&r);
    g_free (cmd);
    char *now = contents (old_json);
    g_assert_cmpstr (now, ==, "old\n");
    g_free (now);
    char *html = tmp ("full/report.html");
    g_assert_false (g_file_test (html, G_FILE_TEST_EXISTS));
    g_free (html);
    GDir *d = g_dir_open (full, 0, NULL);
    for (const char *n; (n = g_dir_read_name (d));)
        g_assert_false (n[0] == '.'); /* no temporary file left */
    g_dir_close (d);
    /* the text and gnuplot files as a run without the limit writes them */
    r = fta_test_run_argv ((const char *[]) { "-q", "-c", cfg, "-f", "text", "-f", "gnuplot",
                                              "-o", ref, trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    fta_test_run_clear (&r);
    for (const char *const *f = (const char *[]) { "report.txt", "report.gp", NULL }; *f; f++) {
        char *a = g_build_filename (full, *f, NULL), *b = g_build_filename (ref, *f, NULL);
        char *ta = contents (a), *tb = contents (b);
        g_assert_cmpstr (ta, ==, tb);
        g_free (ta);
        g_free (tb);
        g_free (a);
        g_free (b);
    }
    g_free (json_msg);
    g_free (html_msg);
    g_free (old_json);
    g_free (ref);
    g_free (full);
    g_free (cfg);
    g_free (trace);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-hostile-XXXXXX", NULL);
    g_test_add_func ("/hostile/numbers/pid-and-cpu-range", test_pid_range);
    g_test_add_func ("/hostile/numbers/huge-span", test_huge_span);
    g_test_add_func ("/hostile/options/window-and-times", test_window_bounds);
    g_test_add_func ("/hostile/saved/json-depth", test_json_depth);
    g_test_add_func ("/hostile/input/shrinking", test_shrinking_input);
    g_test_add_data_func ("/hostile/signal/interrupt", GINT_TO_POINTER (SIGINT), test_signal);
    g_test_add_data_func ("/hostile/signal/bus", GINT_TO_POINTER (SIGBUS), test_signal);
    g_test_add_func ("/hostile/output/is-the-input", test_output_is_input);
    g_test_add_func ("/hostile/output/stdout-full", test_stdout_full);
    g_test_add_func ("/hostile/output/sink-write-failure", test_sink_write_failure);
    int rc = g_test_run ();
    fta_test_remove_dir (tmpdir);
    g_free (tmpdir);
    return rc;
}
