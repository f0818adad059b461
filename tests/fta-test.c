/* fta-test.c - see fta-test.h. */
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "fta-test.h"

static FtaTestRun
spawn (char **argv)
{
    FtaTestRun r = { 0 };
    int status;
    GError *error = NULL;
    g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err, &status,
                  &error);
    g_assert_no_error (error);
    r.rc = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
    return r;
}

FtaTestRun
fta_test_run_argv (const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new ();
    g_ptr_array_add (argv, (gpointer) g_getenv ("FTA_BIN"));
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add (argv, (gpointer) *a);
    g_ptr_array_add (argv, NULL);
    FtaTestRun r = spawn ((char **) argv->pdata);
    g_ptr_array_free (argv, TRUE);
    return r;
}

FtaTestRun
fta_test_run_sh (const char *cmd)
{
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    return spawn ((char **) argv);
}

char *
fta_test_sh_ok (const char *cmd)
{
    FtaTestRun r = fta_test_run_sh (cmd);
    if (r.rc)
        g_printerr ("%s: %s", cmd, r.err);
    g_assert_cmpint (r.rc, ==, 0);
    g_free (r.err);
    return r.out;
}

void
fta_test_run_clear (FtaTestRun *r)
{
    g_free (r->out);
    g_free (r->err);
}

JsonParser *
fta_test_parse (const char *text)
{
    JsonParser *p = json_parser_new ();
    GError *error = NULL;
    json_parser_load_from_data (p, text, -1, &error);
    g_assert_no_error (error);
    return p;
}

JsonParser *
fta_test_parse_file (const char *path)
{
    JsonParser *p = json_parser_new ();
    GError *error = NULL;
    json_parser_load_from_file (p, path, &error);
    g_assert_no_error (error);
    g_unlink (path);
    return p;
}

char *
fta_test_run_ok (const char *const *args)
{
    FtaTestRun r = fta_test_run_argv (args);
    if (r.rc)
        g_printerr ("%s", r.err);
    g_assert_cmpint (r.rc, ==, 0);
    g_free (r.err);
    return r.out;
}

JsonParser *
fta_test_run_json (const char *const *args)
{
    char *out = fta_test_run_ok (args);
    JsonParser *p = fta_test_parse (out);
    g_free (out);
    return p;
}

void
fta_test_remove_dir (const char *dir)
{
    char *quoted = g_shell_quote (dir);
    char *cmd = g_strdup_printf ("rm -rf %s", quoted);
    g_free (fta_test_sh_ok (cmd));
    g_free (cmd);
    g_free (quoted);
}

int
fta_test_run (const char *const *args, char **err_out)
{
    FtaTestRun r = fta_test_run_argv (args);
    if (err_out) {
        *err_out = r.err;
        r.err = NULL;
    }
    fta_test_run_clear (&r);
    return r.rc;
}

char *
fta_test_read (const char *path)
{
    char *text = NULL;
    GError *error = NULL;
    g_file_get_contents (path, &text, NULL, &error);
    g_assert_no_error (error);
    return text;
}

char *
fta_test_write (const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename (dir, name, NULL);
    g_assert_true (g_file_set_contents (path, text, -1, NULL));
    return path;
}

char *
fta_test_write_cpu_trace (const char *dir, const char *name, const guint *cpus,
                          guint n_cpus, guint rounds)
{
    GString *t = g_string_new ("# entries-in-buffer/entries-written: 1/1   #P:1024\n");
    for (guint i = 0; i < rounds; i++)
        for (guint k = 0; k < n_cpus; k++) {
            guint cpu = cpus[k], pid = 10000 + cpu;
            gboolean in = i % 2 == 0; /* the task switches in, else out */
            char idle[24], task[24], ts[32];
            g_snprintf (idle, sizeof idle, "swapper/%u", cpu);
            g_snprintf (task, sizeof task, "task%u", cpu);
            g_ascii_formatd (ts, sizeof ts, "%.6f", 100 + i * 0.0025 + k * 1e-6);
            g_string_append_printf (t, "%16s-%-5u [%03u] d..2. %s: sched_switch: "
                                    "prev_comm=%s prev_pid=%u prev_prio=120 prev_state=%s "
                                    "==> next_comm=%s next_pid=%u next_prio=120\n",
                                    in ? idle : task, in ? 0 : pid, cpu, ts, in ? idle : task,
                                    in ? 0 : pid, in ? "R" : "S", in ? task : idle,
                                    in ? pid : 0);
        }
    char *path = fta_test_write (dir, name, t->str);
    g_string_free (t, TRUE);
    return path;
}

int
fta_test_run_in (const char *cwd, const char *const *args, char **err_out)
{
    GPtrArray *argv = g_ptr_array_new ();
    g_ptr_array_add (argv, (gpointer) g_getenv ("FTA_BIN"));
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add (argv, (gpointer) *a);
    g_ptr_array_add (argv, NULL);
    int status;
    char *err = NULL;
    GError *error = NULL;
    g_spawn_sync (cwd, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, &err, &status, &error);
    g_assert_no_error (error);
    g_ptr_array_free (argv, TRUE);
    if (err_out)
        *err_out = err;
    else
        g_free (err);
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

char *
fta_test_corpus (const char *name)
{
    return g_test_build_filename (G_TEST_DIST, "data", "corpus", name, NULL);
}

char *
fta_test_recording (const char *scenario, const char *file)
{
    char *p = fta_test_corpus (file);
    if (g_file_test (p, G_FILE_TEST_EXISTS))
        return p;
    g_free (p);
    const char *dir = g_getenv ("FTA_CORPUS_DIR");
    if (dir && *dir) {
        p = g_build_filename (dir, "recorded", scenario, file, NULL);
        if (g_file_test (p, G_FILE_TEST_EXISTS))
            return p;
        g_free (p);
    }
    return NULL;
}

gint64
fta_test_counts_ts (const char *counts, const char *key)
{
    char *k = g_strdup_printf ("\n%s\t", key);
    const char *s = strstr (counts, k);
    g_assert_nonnull (s);
    char *end;
    gint64 sec = g_ascii_strtoll (s + strlen (k), &end, 10);
    g_assert_true (*end == '.');
    gint64 frac = 0;
    int digits = 0;
    for (const char *d = end + 1; g_ascii_isdigit (*d) && digits < 9; d++, digits++)
        frac = frac * 10 + (*d - '0');
    for (; digits < 9; digits++)
        frac *= 10;
    g_free (k);
    return sec * 1000000000 + frac;
}

char *
fta_test_corpus_text (const char *dir, const char *scenario)
{
    char *gz = g_strdup_printf ("%s_ftrace_default.txt.gz", scenario);
    char *src = fta_test_corpus (gz);
    char *dst = g_strdup_printf ("%s/%s.txt", dir, scenario);
    if (!g_file_test (dst, G_FILE_TEST_EXISTS)) {
        char *cmd = g_strdup_printf ("gzip -dc '%s' > '%s'", src, dst);
        g_free (fta_test_sh_ok (cmd));
        g_free (cmd);
    }
    g_free (src);
    g_free (gz);
    return dst;
}

/* The arguments of an analysis into OUT with FORMAT; the profile written
 * to DIR when given: its path in *CFG (owned). */
static GPtrArray *
analysis_args (const char *dir, const char *profile, const char *format, const char *out,
               const char *trace, const char *const *extra, char **cfg)
{
    GPtrArray *a = g_ptr_array_new ();
    g_ptr_array_add (a, "-q");
    *cfg = NULL;
    if (profile) {
        *cfg = fta_test_write (dir, "test.cfg", profile);
        g_ptr_array_add (a, "-c");
        g_ptr_array_add (a, *cfg);
    }
    g_ptr_array_add (a, "-f");
    g_ptr_array_add (a, (gpointer) format);
    g_ptr_array_add (a, "-o");
    g_ptr_array_add (a, (gpointer) out);
    for (const char *const *e = extra; e && *e; e++)
        g_ptr_array_add (a, (gpointer) *e);
    g_ptr_array_add (a, (gpointer) trace);
    g_ptr_array_add (a, NULL);
    return a;
}

/* Runs an analysis that must succeed and returns what it wrote to OUT (the
 * file is removed). */
static char *
analysis_output (const char *dir, const char *profile, const char *format, const char *trace,
                 const char *const *extra)
{
    char *name = g_strdup_printf ("out.%s", strcmp (format, "text") ? format : "txt");
    char *out = g_build_filename (dir, name, NULL);
    char *cfg;
    GPtrArray *a = analysis_args (dir, profile, format, out, trace, extra, &cfg);
    g_free (fta_test_run_ok ((const char *const *) a->pdata));
    char *text = NULL;
    GError *error = NULL;
    g_file_get_contents (out, &text, NULL, &error);
    g_assert_no_error (error);
    g_unlink (out);
    g_ptr_array_free (a, TRUE);
    g_free (cfg);
    g_free (out);
    g_free (name);
    return text;
}

JsonParser *
fta_test_analyze (const char *dir, const char *profile, const char *trace,
                  const char *const *extra)
{
    char *text = analysis_output (dir, profile, "json", trace, extra);
    JsonParser *p = fta_test_parse (text);
    g_free (text);
    return p;
}

char *
fta_test_analyze_text (const char *dir, const char *profile, const char *trace,
                       const char *const *extra)
{
    return analysis_output (dir, profile, "text", trace, extra);
}

char *
fta_test_profile (const char *analyzers, const char *plugin, const char *options)
{
    return g_strdup_printf ("analyzers = [ %s ];\nplugins = { %s = { %s }; };\n", analyzers,
                            plugin, options ? options : "");
}

JsonParser *
fta_test_analyze_with (const char *dir, const char *analyzers, const char *plugin,
                       const char *options, const char *trace, const char *const *extra)
{
    char *profile = fta_test_profile (analyzers, plugin, options);
    JsonParser *p = fta_test_analyze (dir, profile, trace, extra);
    g_free (profile);
    return p;
}

char *
fta_test_analyze_text_with (const char *dir, const char *analyzers, const char *plugin,
                            const char *options, const char *trace, const char *const *extra)
{
    char *profile = fta_test_profile (analyzers, plugin, options);
    char *text = fta_test_analyze_text (dir, profile, trace, extra);
    g_free (profile);
    return text;
}

JsonObject *
fta_test_finding (JsonObject *doc, const char *code)
{
    JsonArray *f = json_object_get_array_member (doc, "findings");
    for (guint i = 0; i < json_array_get_length (f); i++) {
        JsonObject *o = json_array_get_object_element (f, i);
        if (strcmp (json_object_get_string_member (o, "code"), code) == 0)
            return o;
    }
    return NULL;
}

JsonParser *
fta_test_json (const char *dir, const char *const *args)
{
    char *out = g_build_filename (dir, "out.json", NULL);
    GPtrArray *a = g_ptr_array_new ();
    g_ptr_array_add (a, "-q");
    g_ptr_array_add (a, "-f");
    g_ptr_array_add (a, "json");
    g_ptr_array_add (a, "-o");
    g_ptr_array_add (a, out);
    for (const char *const *s = args; s && *s; s++)
        g_ptr_array_add (a, (gpointer) *s);
    g_ptr_array_add (a, NULL);
    g_free (fta_test_run_ok ((const char *const *) a->pdata));
    JsonParser *p = fta_test_parse_file (out);
    g_free (out);
    g_ptr_array_free (a, TRUE);
    return p;
}

GPtrArray *
fta_test_corpus_texts (const char *dir)
{
    char *src = g_test_build_filename (G_TEST_DIST, "data", "corpus", NULL);
    GDir *d = g_dir_open (src, 0, NULL);
    g_assert_nonnull (d);
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
    const char *f;
    while ((f = g_dir_read_name (d)))
        if (g_str_has_suffix (f, ".txt.gz") && !strstr (f, "oracle"))
            g_ptr_array_add (names, g_strdup (f));
    g_dir_close (d);
    g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
    GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < names->len; i++) {
        const char *gz = g_ptr_array_index (names, i);
        char *in = g_build_filename (src, gz, NULL);
        char *text = g_build_filename (dir, gz, NULL);
        text[strlen (text) - 3] = '\0';
        char *cmd = g_strdup_printf ("gzip -dc '%s' > '%s'", in, text);
        g_free (fta_test_sh_ok (cmd));
        g_ptr_array_add (out, text);
        g_free (cmd);
        g_free (in);
    }
    g_ptr_array_unref (names);
    g_free (src);
    return out;
}

JsonObject *
fta_test_root (JsonParser *p)
{
    return json_node_get_object (json_parser_get_root (p));
}

/* The rows of a table or series object T, column name -> JsonNode. */
static GPtrArray *
rows_by_name (JsonObject *t)
{
    JsonArray *cols = json_object_get_array_member (t, "columns");
    JsonArray *rows = json_object_get_array_member (t, "rows");
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
    for (guint i = 0; i < json_array_get_length (rows); i++) {
        JsonArray *r = json_array_get_array_element (rows, i);
        GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);
        for (guint c = 0; c < json_array_get_length (cols); c++)
            g_hash_table_insert (
                h,
                (gpointer) json_object_get_string_member (
                    json_array_get_object_element (cols, c), "name"),
                json_array_get_element (r, c));
        g_ptr_array_add (out, h);
    }
    return out;
}

GPtrArray *
fta_test_rows (JsonObject *doc, const char *name)
{
    JsonObject *tables = json_object_get_object_member (doc, "tables");
    g_assert_true (json_object_has_member (tables, name));
    return rows_by_name (json_object_get_object_member (tables, name));
}

GPtrArray *
fta_test_series_rows (JsonObject *doc, const char *name, gint64 *window, gint64 *start)
{
    JsonObject *all = json_object_get_object_member (doc, "series");
    g_assert_true (json_object_has_member (all, name));
    JsonObject *t = json_object_get_object_member (all, name);
    if (window)
        *window = json_object_get_int_member (t, "window_ns");
    if (start)
        *start = json_object_get_int_member (t, "start_ns");
    return rows_by_name (t);
}

gint64
fta_test_cell_int (GHashTable *row, const char *col)
{
    JsonNode *n = g_hash_table_lookup (row, col);
    g_assert_nonnull (n);
    return JSON_NODE_HOLDS_NULL (n) ? -1 : json_node_get_int (n);
}

double
fta_test_cell_pct (GHashTable *row, const char *col)
{
    JsonNode *n = g_hash_table_lookup (row, col);
    g_assert_nonnull (n);
    return JSON_NODE_HOLDS_NULL (n) ? -1 : json_node_get_double (n);
}

const char *
fta_test_cell_str (GHashTable *row, const char *col)
{
    JsonNode *n = g_hash_table_lookup (row, col);
    g_assert_nonnull (n);
    return JSON_NODE_HOLDS_NULL (n) ? NULL : json_node_get_string (n);
}

GString *
fta_test_trace_new (void)
{
    return g_string_new ("# tracer: nop\n"
                         "#\n"
                         "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
                         "#              | |         |   |||||     |         |\n");
}

void
fta_test_ev (GString *s, int us, int cpu, const char *comm, int pid, const char *what)
{
    g_string_append_printf (s, "%16s-%-7d [%03d] d..2. %6d.%06d: %s\n", comm, pid, cpu,
                            100 + us / 1000000, us % 1000000, what);
}

void
fta_test_sw (GString *s, int us, int cpu, const char *prev, int prev_pid, const char *state,
             const char *next, int next_pid)
{
    char *what = g_strdup_printf ("sched_switch: prev_comm=%s prev_pid=%d prev_prio=120 "
                                  "prev_state=%s ==> next_comm=%s next_pid=%d next_prio=120",
                                  prev, prev_pid, state, next, next_pid);
    fta_test_ev (s, us, cpu, prev_pid ? prev : "<idle>", prev_pid, what);
    g_free (what);
}

void
fta_test_wake (GString *s, int us, int cpu, const char *by, int by_pid, const char *comm,
               int pid, int target)
{
    char *what = g_strdup_printf ("sched_waking: comm=%s pid=%d prio=120 target_cpu=%03d",
                                  comm, pid, target);
    fta_test_ev (s, us, cpu, by, by_pid, what);
    g_free (what);
    what = g_strdup_printf ("sched_wakeup: comm=%s pid=%d prio=120 target_cpu=%03d", comm,
                            pid, target);
    fta_test_ev (s, us + 1, cpu, by, by_pid, what);
    g_free (what);
}
