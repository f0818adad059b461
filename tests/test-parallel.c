/* test-parallel.c - -j N gives what -j 1 gives, byte for byte: the JSON
 * results (quality, line numbers, examples, counts), the `events` list and
 * `filter`'s lines, from files (mapped), standard input (a pipe) and
 * compressed files.  FTA_PIPELINE_BLOCK makes the blocks small, so a small
 * trace spans many of them. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

static char *tmpdir;

static int
sh (const char *cmd)
{
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    int status;
    GError *error = NULL;
    char *err = NULL;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                  &status, &error);
    g_assert_no_error (error);
    if (err && *err)
        g_test_message ("%s: %s", cmd, err);
    g_free (err);
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static char *
slurp (const char *path)
{
    char *s = NULL;
    gsize n;
    if (!g_file_get_contents (path, &s, &n, NULL))
        return g_strdup ("(missing)");
    return s;
}

/* Runs "ftrace-analyzer ARGS" (INPUT given by the shell: a path, or
 * "- < path") with -j 1 and with -j JOBS, BLOCK bytes a block; asserts that
 * the exit codes, standard error and output files are the same. */
static void
same_output (const char *args, const char *input, guint jobs, const char *block)
{
    char *out[2], *err[2];
    int rc[2];
    /* the same output path for both runs: notes on stderr name it */
    char *o = g_strdup_printf ("%s/out", tmpdir);
    for (int i = 0; i < 2; i++) {
        out[i] = g_strdup_printf ("%s/out-%d", tmpdir, i);
        err[i] = g_strdup_printf ("%s/err-%d", tmpdir, i);
        g_unlink (o);
        g_unlink (out[i]);
        char *cmd = g_strdup_printf ("FTA_PIPELINE_BLOCK=%s '%s' -j %u %s -o '%s' %s "
                                     "> '%s' 2>&1", block, g_getenv ("FTA_BIN"),
                                     i ? jobs : 1, args, o, input, err[i]);
        rc[i] = sh (cmd);
        g_rename (o, out[i]);
        g_free (cmd);
    }
    g_free (o);
    g_test_message ("%s %s -j %u (blocks of %s bytes): exit %d", args, input, jobs,
                    block, rc[1]);
    g_assert_cmpint (rc[0], ==, rc[1]);
    for (int i = 0; i < 2; i++) {
        char *a = slurp (i ? err[0] : out[0]), *b = slurp (i ? err[1] : out[1]);
        if (strcmp (a, b) != 0)
            g_test_message ("-j 1 and -j %u differ for %s %s", jobs, args, input);
        g_assert_cmpstr (a, ==, b);
        g_free (a);
        g_free (b);
    }
    for (int i = 0; i < 2; i++) {
        g_free (out[i]);
        g_free (err[i]);
    }
}

/* The JSON of PATH, as a file (compressed or mapped) and from standard
 * input, with the default blocks and with small ones. */
static void
check_file (const char *path)
{
    char *quoted = g_shell_quote (path);
    char *stdin_ = g_strdup_printf ("- < %s", quoted);
    same_output ("-f json", quoted, 4, "0");
    same_output ("-f json", quoted, 4, "65536");
    same_output ("-f json", quoted, 2, "1");
    same_output ("-f json", stdin_, 4, "0");
    same_output ("-f json", stdin_, 3, "65536");
    /* every line longer than a block: each goes alone */
    same_output ("-f json", stdin_, 2, "1");
    g_free (stdin_);
    g_free (quoted);
}

static char *
gunzip (const char *gz)
{
    char *base = g_path_get_basename (gz);
    char *dst = g_strdup_printf ("%s/%.*s", tmpdir, (int) (strlen (base) - 3), base);
    char *cmd = g_strdup_printf ("gzip -dc '%s' > '%s'", gz, dst);
    g_assert_cmpint (sh (cmd), ==, 0);
    g_free (cmd);
    g_free (base);
    return dst;
}

/* Every recording of tests/data/corpus: the .gz (a decompressed stream)
 * and its text (a mapped file), and from standard input. */
static void
test_corpus (void)
{
    char *dir = g_test_build_filename (G_TEST_DIST, "data", "corpus", NULL);
    GDir *d = g_dir_open (dir, 0, NULL);
    g_assert_nonnull (d);
    const char *name;
    guint n = 0;
    while ((name = g_dir_read_name (d)) != NULL) {
        if (!g_str_has_suffix (name, ".txt.gz"))
            continue;
        char *gz = g_build_filename (dir, name, NULL);
        char *quoted = g_shell_quote (gz);
        same_output ("-f json", quoted, 4, "0");
        same_output ("-f json", quoted, 3, "100000");
        char *txt = gunzip (gz);
        check_file (txt);
        g_unlink (txt);
        g_free (txt);
        g_free (quoted);
        g_free (gz);
        n++;
    }
    g_dir_close (d);
    g_free (dir);
    g_assert_cmpuint (n, >=, 10);
}

/* `events`, `filter` (with and without --sort) and a filtered analysis:
 * the same lines and numbers. */
static void
test_commands (void)
{
    char *gz = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                      "lossy_ftrace_default.txt.gz", NULL);
    char *txt = gunzip (gz);
    same_output ("events", txt, 4, "65536");
    same_output ("filter --comm 'stress|kworker'", txt, 4, "65536");
    same_output ("filter --sort --cpu 0-1", txt, 3, "4096");
    same_output ("--sort=0.01 -f json --events 'sched_*' --start +0.5", txt, 4, "65536");
    same_output ("-f text --comm stress", txt, 2, "65536");
    g_unlink (txt);
    g_free (txt);
    g_free (gz);
}

/* A line of more than 1 MiB (and one longer than a stream's block of 4
 * MiB), a line with a NUL byte, a second entries-in-buffer header, a name
 * first seen late, and a last line cut short: the same quality (and
 * example line numbers) as on one thread. */
static void
test_long_and_truncated (void)
{
    char *gz = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                      "cpu_contention_ftrace_default.txt.gz", NULL);
    char *txt = gunzip (gz);
    char *text = NULL;
    gsize len;
    g_assert_true (g_file_get_contents (txt, &text, &len, NULL));
    GString *s = g_string_new (NULL);
    const char *p = text;
    guint n = 0;
    while (*p) {
        const char *nl = strchr (p, '\n');
        gsize l = nl ? (gsize) (nl - p) + 1 : strlen (p);
        g_string_append_len (s, p, l);
        p += l;
        n++;
        if (n == 3000) {
            for (guint i = 0; i < (1u << 20) + 100; i++)
                g_string_append_c (s, 'x');
            g_string_append (s, "\n# entries-in-buffer/entries-written: 11/22   #P:2\n");
            g_string_append (s, "  late-4242  [001] d..2.   500.000001: late_event: a=1\n");
            g_string_append (s, "not a trace line\n");
            /* an event line with a NUL byte in it: not read as an event */
            g_string_append (s, "  nul-4243  [001] d..2.   500.000002: late_event: a=");
            g_string_append_len (s, "\0" "1\n", 3);
        }
        if (n == 4000) {
            /* more blank lines than a block takes: the block is cut */
            for (guint i = 0; i < 50000; i++)
                g_string_append_c (s, '\n');
        }
        if (n == 6000) {
            for (guint i = 0; i < (3u << 20); i++)
                g_string_append_c (s, 'y');
            g_string_append (s, "\n");
        }
        if (n == 7000) {
            /* longer than a stream's block: its head, the rest skipped */
            for (guint i = 0; i < (5u << 20) + 7; i++)
                g_string_append_c (s, 'z');
            g_string_append (s, "\n");
        }
    }
    /* the last line cut in the middle of its timestamp */
    g_string_append (s, "  cut-1  [000] d..2.   500.12");
    char *path = g_build_filename (tmpdir, "long-truncated.txt", NULL);
    g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
    check_file (path);
    char *cmd = g_strdup_printf ("gzip -c '%s' > '%s.gz'", path, path);
    g_assert_cmpint (sh (cmd), ==, 0);
    char *pathgz = g_strdup_printf ("%s.gz", path);
    same_output ("-f json", pathgz, 4, "65536");
    same_output ("-f json", pathgz, 2, "0");
    g_free (pathgz);
    g_free (cmd);
    g_free (path);
    g_string_free (s, TRUE);
    g_free (text);
    g_free (txt);
    g_free (gz);
}

/* A few files of the shared corpus: systrace HTML (parsed on one thread),
 * perf script, trace-cmd report, compressed ftrace. */
static void
test_shared_corpus (void)
{
    const char *dir = g_getenv ("FTA_CORPUS_DIR");
    if (!dir || !*dir || !g_file_test (dir, G_FILE_TEST_IS_DIR)) {
        g_test_skip ("no shared corpus (configure --with-corpus=DIR)");
        return;
    }
    static const char *const files[] = {
        "public/ARM-software__trappy/tests/trace_systrace.html",
        "public/ARM-software__trappy/tests/trace_legacy_systrace.html",
        "public/catapult-project__catapult/tracing/test_data/android_systrace.html",
        "recorded/cpu_contention/cpu_contention_perf_script.txt.gz",
        "recorded/cpu_contention/cpu_contention_tracecmd_report.txt.gz",
        "recorded/lossy/lossy_perf_script_showlost.txt.gz",
        "recorded/io_block/io_block_ftrace_default.txt.gz",
    };
    for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
        char *path = g_build_filename (dir, files[i], NULL);
        if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
            g_test_message ("not in the corpus: %s", files[i]);
            g_free (path);
            continue;
        }
        if (g_str_has_suffix (path, ".gz")) {
            char *quoted = g_shell_quote (path);
            same_output ("-f json", quoted, 4, "0");
            g_free (quoted);
            char *txt = gunzip (path);
            check_file (txt);
            g_unlink (txt);
            g_free (txt);
        } else {
            check_file (path);
        }
        g_free (path);
    }
}

/* -j as make takes it ("-j4", "-j 4", "--jobs=4"), and bad values. */
static void
test_usage (void)
{
    char *gz = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                      "quiet_ftrace_default.txt.gz", NULL);
    static const char *const good[] = { "-j4", "-j 4", "--jobs=4", "-j 0", "-j1" };
    for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
        char *cmd = g_strdup_printf ("'%s' -q events %s '%s' > /dev/null",
                                     g_getenv ("FTA_BIN"), good[i], gz);
        g_assert_cmpint (sh (cmd), ==, 0);
        g_free (cmd);
    }
    static const char *const bad[] = { "-j -1", "-j x", "-j 5000" };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
        char *cmd = g_strdup_printf ("'%s' -q events %s '%s' > /dev/null 2>&1",
                                     g_getenv ("FTA_BIN"), bad[i], gz);
        g_assert_cmpint (sh (cmd), ==, 2);
        g_free (cmd);
    }
    g_free (gz);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-parallel-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/parallel/usage", test_usage);
    g_test_add_func ("/parallel/corpus", test_corpus);
    g_test_add_func ("/parallel/commands", test_commands);
    g_test_add_func ("/parallel/long-line-and-truncated", test_long_and_truncated);
    g_test_add_func ("/parallel/shared-corpus", test_shared_corpus);
    int rc = g_test_run ();
    char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    sh (cmd);
    g_free (cmd);
    g_free (tmpdir);
    return rc;
}
