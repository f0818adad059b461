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

void
fta_test_run_clear (FtaTestRun *r)
{
    g_free (r->out);
    g_free (r->err);
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
    FtaTestRun r = fta_test_run_argv ((const char *const *) a->pdata);
    if (r.rc)
        g_printerr ("%s", r.err);
    g_assert_cmpint (r.rc, ==, 0);
    fta_test_run_clear (&r);
    JsonParser *p = json_parser_new ();
    GError *error = NULL;
    json_parser_load_from_file (p, out, &error);
    g_assert_no_error (error);
    g_unlink (out);
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
        FtaTestRun r = fta_test_run_sh (cmd);
        g_assert_cmpint (r.rc, ==, 0);
        fta_test_run_clear (&r);
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

GPtrArray *
fta_test_rows (JsonObject *doc, const char *name)
{
    JsonObject *tables = json_object_get_object_member (doc, "tables");
    g_assert_true (json_object_has_member (tables, name));
    JsonObject *t = json_object_get_object_member (tables, name);
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
    return json_node_get_string (n);
}
