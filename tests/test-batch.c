/* test-batch.c - many traces in one command (`analyze -o DIR/ T1 T2 ...`):
 * a bad trace among good ones gets its row with the error and stops
 * nothing, and the exit code says so; every trace's files are those of
 * its run alone; -j 1 and -j N write the same files; the index has a row
 * per trace, in the order given, that JSON and CSV readers take; plugins
 * are loaded once and each trace gets instances of its own. */
#include <string.h>

#include "fta-test.h"

static char *tmpdir;

#define corpus fta_test_corpus

#define read_file fta_test_read

/* Every file of DIR, name -> contents. */
static GHashTable *
read_dir (const char *dir)
{
    GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    GDir *d = g_dir_open (dir, 0, NULL);
    g_assert_nonnull (d);
    const char *f;
    while ((f = g_dir_read_name (d))) {
        char *path = g_build_filename (dir, f, NULL);
        g_hash_table_insert (files, g_strdup (f), read_file (path));
        g_free (path);
    }
    g_dir_close (d);
    return files;
}

static void
assert_same_dirs (const char *a, const char *b)
{
    GHashTable *fa = read_dir (a), *fb = read_dir (b);
    g_assert_cmpuint (g_hash_table_size (fa), ==, g_hash_table_size (fb));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init (&it, fa);
    while (g_hash_table_iter_next (&it, &k, &v)) {
        const char *other = g_hash_table_lookup (fb, k);
        if (!other || strcmp (other, v) != 0)
            g_error ("%s differs between %s and %s", (char *) k, a, b);
    }
    g_hash_table_destroy (fa);
    g_hash_table_destroy (fb);
}

/* RFC 4180 rows of a CSV text (fields may be quoted, with "" inside). */
static GPtrArray *
csv_rows (const char *text)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
    GPtrArray *row = g_ptr_array_new ();
    GString *f = g_string_new (NULL);
    gboolean quoted = FALSE;
    for (const char *p = text; *p; p++) {
        if (quoted) {
            if (*p == '"' && p[1] == '"')
                g_string_append_c (f, *p++);
            else if (*p == '"')
                quoted = FALSE;
            else
                g_string_append_c (f, *p);
        } else if (*p == '"') {
            quoted = TRUE;
        } else if (*p == ',' || *p == '\n') {
            g_ptr_array_add (row, g_strdup (f->str));
            g_string_truncate (f, 0);
            if (*p == '\n') {
                g_ptr_array_add (row, NULL);
                g_ptr_array_add (rows, g_ptr_array_free (row, FALSE));
                row = g_ptr_array_new ();
            }
        } else {
            g_string_append_c (f, *p);
        }
    }
    g_assert_false (quoted);
    g_assert_cmpuint (row->len, ==, 0);
    g_ptr_array_free (row, TRUE);
    g_string_free (f, TRUE);
    return rows;
}

static const char *
csv_get (GPtrArray *rows, guint row, const char *col)
{
    char **head = g_ptr_array_index (rows, 0);
    for (guint c = 0; head[c]; c++)
        if (strcmp (head[c], col) == 0)
            return ((char **) g_ptr_array_index (rows, row))[c];
    g_error ("no column %s", col);
    return NULL;
}

static JsonArray *
load_index_json (JsonParser *p, const char *dir)
{
    char *path = g_build_filename (dir, "index.json", NULL);
    GError *error = NULL;
    json_parser_load_from_file (p, path, &error);
    g_assert_no_error (error);
    g_free (path);
    return json_node_get_array (json_parser_get_root (p));
}

/* Good traces of three formats, one that is no trace, one missing: every
 * trace has its row, the bad ones with their error and exit code, the
 * good ones with the numbers of their own runs. */
static void
test_bad_among_good (void)
{
    char *a = corpus ("lossy_ftrace_default.txt.gz");
    char *b = corpus ("qemu_tcg_perf_script.txt.gz");
    char *c = corpus ("lossy_tracecmd_report.txt.gz");
    char *bad = fta_test_write (tmpdir, "bad.txt", "this is no trace\nnor is this\n");
    char *missing = g_build_filename (tmpdir, "missing.txt", NULL);
    char *out = g_build_filename (tmpdir, "bad-among-good/", NULL);
    const char *args[] = { "-f", "json", "-f", "text", "-o", out, a, bad, b, missing, c, NULL };
    FtaTestRun r = fta_test_run_argv (args);
    g_assert_cmpint (r.rc, ==, 6);
    g_assert_nonnull (strstr (r.err, "bad.txt: no trace events found"));
    g_assert_nonnull (strstr (r.err, "missing.txt: cannot open"));
    g_assert_nonnull (strstr (r.err, "3 of 5 traces analyzed"));
    fta_test_run_clear (&r);

    char *csv_path = g_build_filename (out, "index.csv", NULL);
    char *csv = read_file (csv_path);
    GPtrArray *rows = csv_rows (csv);
    g_assert_cmpuint (rows->len, ==, 6);
    const char *paths[] = { a, bad, b, missing, c };
    const char *names[] = { "lossy_ftrace_default", "bad", "qemu_tcg_perf_script", "missing",
                            "lossy_tracecmd_report" };
    const char *status[] = { "ok", "error", "ok", "error", "ok" };
    const char *codes[] = { "0", "4", "0", "3", "0" };
    const char *formats[] = { "tracefs", "", "perf-script", "", "trace-cmd" };
    for (guint i = 0; i < 5; i++) {
        g_assert_cmpuint (g_strv_length (g_ptr_array_index (rows, i + 1)), ==,
                          g_strv_length (g_ptr_array_index (rows, 0)));
        g_assert_cmpstr (csv_get (rows, i + 1, "path"), ==, paths[i]);
        g_assert_cmpstr (csv_get (rows, i + 1, "name"), ==, names[i]);
        g_assert_cmpstr (csv_get (rows, i + 1, "status"), ==, status[i]);
        g_assert_cmpstr (csv_get (rows, i + 1, "exit_code"), ==, codes[i]);
        g_assert_cmpstr (csv_get (rows, i + 1, "format"), ==, formats[i]);
        g_assert_true ((*csv_get (rows, i + 1, "error") != '\0') == (*codes[i] != '0'));
    }

    /* each good trace: its own run's document, and the index's numbers
     * are that document's */
    JsonParser *ip = json_parser_new ();
    JsonArray *index = load_index_json (ip, out);
    g_assert_cmpuint (json_array_get_length (index), ==, 5);
    for (guint i = 0; i < 5; i += 2) {
        char *one = g_build_filename (tmpdir, "one/", NULL);
        const char *args1[] = { "-q", "-f", "json", "-f", "text", "-o", one, paths[i], NULL };
        g_assert_cmpint (fta_test_run (args1, NULL), ==, 0);
        char *name = g_strconcat (names[i], ".json", NULL);
        char *batch_json = g_build_filename (out, name, NULL);
        char *one_json = g_build_filename (one, "report.json", NULL);
        char *x = read_file (batch_json), *y = read_file (one_json);
        g_assert_cmpstr (x, ==, y);
        g_free (x);
        g_free (y);
        g_free (name);
        name = g_strconcat (names[i], ".txt", NULL);
        char *batch_txt = g_build_filename (out, name, NULL);
        char *one_txt = g_build_filename (one, "report.txt", NULL);
        x = read_file (batch_txt);
        y = read_file (one_txt);
        g_assert_cmpstr (x, ==, y);
        g_free (x);
        g_free (y);

        JsonParser *dp = json_parser_new ();
        g_assert_true (json_parser_load_from_file (dp, one_json, NULL));
        JsonObject *doc = fta_test_root (dp);
        JsonObject *q = json_object_get_object_member (doc, "quality");
        JsonObject *row = json_array_get_object_element (index, i);
        g_assert_cmpint (json_object_get_int_member (row, "events"), ==,
                         json_object_get_int_member (q, "lines_event"));
        g_assert_cmpint (json_object_get_int_member (row, "lost_events"), ==,
                         json_object_get_int_member (q, "lost_events"));
        g_assert_cmpint (json_object_get_int_member (row, "span_ns"), ==,
                         json_object_get_int_member (q, "last_ts_ns")
                         - json_object_get_int_member (q, "first_ts_ns"));
        /* busy %: the extremes of cpu.cpus busy_pct */
        GPtrArray *cpus = fta_test_rows (doc, "cpu.cpus");
        double lo = 101, hi = -1;
        for (guint k = 0; k < cpus->len; k++) {
            double v = fta_test_cell_pct (g_ptr_array_index (cpus, k), "busy_pct");
            lo = MIN (lo, v);
            hi = MAX (hi, v);
        }
        g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "busy_pct_min"),
                                        lo, 0.006);
        g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "busy_pct_max"),
                                        hi, 0.006);
        g_ptr_array_free (cpus, TRUE);
        /* findings by severity, and the first of the most severe */
        JsonArray *fs = json_object_get_array_member (doc, "findings");
        gint64 n[3] = { 0 };
        JsonObject *top = NULL;
        int top_sev = -1;
        for (guint k = 0; k < json_array_get_length (fs); k++) {
            JsonObject *f = json_array_get_object_element (fs, k);
            const char *s = json_object_get_string_member (f, "severity");
            int sev = strcmp (s, "critical") == 0 ? 2 : strcmp (s, "warning") == 0 ? 1 : 0;
            n[sev]++;
            if (sev > top_sev) {
                top_sev = sev;
                top = f;
            }
        }
        g_assert_cmpint (json_object_get_int_member (row, "findings_critical"), ==, n[2]);
        g_assert_cmpint (json_object_get_int_member (row, "findings_warning"), ==, n[1]);
        g_assert_cmpint (json_object_get_int_member (row, "findings_info"), ==, n[0]);
        g_assert_nonnull (top);
        g_assert_cmpstr (json_object_get_string_member (row, "top_code"), ==,
                         json_object_get_string_member (top, "code"));
        g_assert_cmpstr (json_object_get_string_member (row, "top_title"), ==,
                         json_object_get_string_member (top, "title"));
        g_object_unref (dp);
        g_free (name);
        g_free (batch_json);
        g_free (one_json);
        g_free (batch_txt);
        g_free (one_txt);
        g_free (one);
    }
    JsonObject *badrow = json_array_get_object_element (index, 1);
    g_assert_true (json_object_get_null_member (badrow, "events"));
    g_assert_cmpint (json_object_get_int_member (badrow, "exit_code"), ==, 4);
    g_object_unref (ip);
    g_ptr_array_free (rows, TRUE);
    g_free (csv);
    g_free (csv_path);
    g_free (out);
    g_free (missing);
    g_free (bad);
    g_free (a);
    g_free (b);
    g_free (c);
}

/* -j 1 and -j 3: the same files, byte for byte; every trace analyzed */
static void
test_jobs_same (void)
{
    char *t[] = { corpus ("cpu_contention_ftrace_default.txt.gz"),
                  corpus ("io_block_ftrace_default.txt.gz"),
                  corpus ("qemu_tcg_tracecmd_report.txt.gz"),
                  corpus ("lossy_ftrace_tgid.txt.gz") };
    char *d1 = g_build_filename (tmpdir, "j1/", NULL);
    char *d3 = g_build_filename (tmpdir, "j3/", NULL);
    const char *a1[] = { "-q", "-j", "1", "-f", "json", "-f", "csv", "-f", "text", "-o", d1,
                         t[0], t[1], t[2], t[3], NULL };
    const char *a3[] = { "-q", "-j", "3", "-f", "json", "-f", "csv", "-f", "text", "-o", d3,
                         t[0], t[1], t[2], t[3], NULL };
    g_assert_cmpint (fta_test_run (a1, NULL), ==, 0);
    g_assert_cmpint (fta_test_run (a3, NULL), ==, 0);
    assert_same_dirs (d1, d3);
    for (guint i = 0; i < G_N_ELEMENTS (t); i++)
        g_free (t[i]);
    g_free (d1);
    g_free (d3);
}

/* Names: the file name without compression suffix and extension, each
 * once; "index" is the index's. */
static void
test_names (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *text = read_file (trace);
    char *sub = g_build_filename (tmpdir, "names-sub", NULL);
    g_mkdir_with_parents (sub, 0755);
    char *x1 = fta_test_write (tmpdir, "host.txt", text);
    char *x2 = fta_test_write (sub, "host.txt", text);
    char *x3 = fta_test_write (tmpdir, "index.txt", text);
    char *x4 = fta_test_write (tmpdir, "noext", text);
    char *out = g_build_filename (tmpdir, "names/", NULL);
    const char *args[] = { "-q", "-f", "json", "-o", out, x1, x2, x3, x4, NULL };
    g_assert_cmpint (fta_test_run (args, NULL), ==, 0);
    const char *want[] = { "host.json", "host-2.json", "index-2.json", "noext.json",
                           "index.json", "index.csv" };
    for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
        char *p = g_build_filename (out, want[i], NULL);
        g_assert_true (g_file_test (p, G_FILE_TEST_IS_REGULAR));
        g_free (p);
    }
    GHashTable *files = read_dir (out);
    g_assert_cmpuint (g_hash_table_size (files), ==, G_N_ELEMENTS (want));
    g_hash_table_destroy (files);
    g_free (out);
    g_free (x1);
    g_free (x2);
    g_free (x3);
    g_free (x4);
    g_free (sub);
    g_free (text);
    g_free (trace);
}

/* Many small traces: the plugin is loaded once (its instances count up
 * from 1 across the traces), each trace gets an instance of its own,
 * created and destroyed around it (never more alive than -j), with its
 * own events. */
static void
test_many_small (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *text = read_file (trace);
    char *dir = g_build_filename (tmpdir, "small", NULL);
    g_mkdir_with_parents (dir, 0755);
    const guint n = 300;
    GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
    char *plugdir = g_test_build_filename (G_TEST_BUILT, "plugins", ".libs", NULL);
    char *cfg = fta_test_write (tmpdir, "instances.cfg",
                                "analyzers = [ \"switch\", \"instances\" ];\n");
    char *out = g_build_filename (tmpdir, "small-out/", NULL);
    const char *head[] = { "-q", "-j", "2", "--plugin-dir", plugdir, "-c", cfg, "-f", "json",
                           "-o", out };
    for (guint i = 0; i < G_N_ELEMENTS (head); i++)
        g_ptr_array_add (argv, g_strdup (head[i]));
    for (guint i = 0; i < n; i++) {
        char *name = g_strdup_printf ("t%03u.txt", i);
        /* trace i repeats the tiny trace 1 + i % 3 times */
        GString *body = g_string_new (NULL);
        for (guint k = 0; k <= i % 3; k++)
            g_string_append (body, text);
        g_ptr_array_add (argv, fta_test_write (dir, name, body->str));
        g_string_free (body, TRUE);
        g_free (name);
    }
    g_ptr_array_add (argv, NULL);
    g_assert_cmpint (fta_test_run ((const char *const *) argv->pdata, NULL), ==, 0);

    gboolean *seen = g_new0 (gboolean, n + 1);
    gint64 switches = -1;
    for (guint i = 0; i < n; i++) {
        char *name = g_strdup_printf ("t%03u.json", i);
        char *path = g_build_filename (out, name, NULL);
        JsonParser *p = json_parser_new ();
        g_assert_true (json_parser_load_from_file (p, path, NULL));
        GPtrArray *rows = fta_test_rows (fta_test_root (p), "instances.run");
        g_assert_cmpuint (rows->len, ==, 1);
        gint64 number = fta_test_cell_int (g_ptr_array_index (rows, 0), "number");
        gint64 alive = fta_test_cell_int (g_ptr_array_index (rows, 0), "alive");
        gint64 events = fta_test_cell_int (g_ptr_array_index (rows, 0), "events");
        g_assert_cmpint (number, >=, 1);
        g_assert_cmpint (number, <=, n);
        g_assert_false (seen[number]);
        seen[number] = TRUE;
        g_assert_cmpint (alive, >=, 1);
        g_assert_cmpint (alive, <=, 2);
        if (i == 0)
            switches = events;
        g_assert_cmpint (events, ==, switches * (1 + i % 3));
        g_ptr_array_free (rows, TRUE);
        g_object_unref (p);
        g_free (path);
        g_free (name);
    }
    g_assert_cmpint (switches, >, 0);
    g_free (seen);
    g_free (out);
    g_free (cfg);
    g_free (plugdir);
    g_ptr_array_free (argv, TRUE);
    g_free (dir);
    g_free (text);
    g_free (trace);
}

static void
test_usage (void)
{
    char *a = corpus ("lossy_ftrace_default.txt.gz");
    const char *no_dir[] = { "-q", a, a, NULL };
    char *err = NULL;
    g_assert_cmpint (fta_test_run (no_dir, &err), ==, 2);
    g_assert_nonnull (strstr (err, "-o DIR/"));
    g_free (err);
    char *file = g_build_filename (tmpdir, "file.json", NULL);
    const char *to_file[] = { "-q", "-o", file, a, a, NULL };
    g_assert_cmpint (fta_test_run (to_file, NULL), ==, 2);
    g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
    const char *events[] = { "events", a, a, NULL };
    g_assert_cmpint (fta_test_run (events, NULL), ==, 2);
    char *dir = g_build_filename (tmpdir, "usage/", NULL);
    const char *bad_pid[] = { "-q", "--pid", "x", "-o", dir, a, a, NULL };
    g_assert_cmpint (fta_test_run (bad_pid, NULL), ==, 2);
    g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    g_free (dir);
    g_free (file);
    g_free (a);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-batch-XXXXXX", NULL);
    g_test_add_func ("/batch/bad-among-good", test_bad_among_good);
    g_test_add_func ("/batch/jobs-same", test_jobs_same);
    g_test_add_func ("/batch/names", test_names);
    g_test_add_func ("/batch/many-small", test_many_small);
    g_test_add_func ("/batch/usage", test_usage);
    return g_test_run ();
}
