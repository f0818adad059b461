/* test-hostile.c - input that cannot be trusted and conditions a run does
 * not choose: a clear error, the documented exit code, no crash, no
 * half-written or destroyed file (tests/data/hostile). */
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
    int rc = g_test_run ();
    char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    FtaTestRun r = fta_test_run_sh (cmd);
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (tmpdir);
    return rc;
}
