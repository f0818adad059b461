/* test-csv.c - the CSV sink: every table read back from its CSV file holds
 * the same values as the JSON document of the same run, RFC 4180 quoting
 * included (comms with commas and quotes). */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

/* An RFC 4180 reader: rows of fields, quotes undoubled. */
static GPtrArray *
csv_parse (const char *text)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
    GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
    GString *field = g_string_new (NULL);
    const char *p = text;
    gboolean quoted = FALSE, was_quoted = FALSE;
    for (; *p; p++) {
        if (quoted) {
            if (*p == '"' && p[1] == '"') {
                g_string_append_c (field, '"');
                p++;
            } else if (*p == '"') {
                quoted = FALSE;
            } else {
                g_string_append_c (field, *p);
            }
        } else if (*p == '"') {
            quoted = was_quoted = TRUE;
        } else if (*p == ',') {
            g_ptr_array_add (row, g_strdup (field->str));
            g_string_truncate (field, 0);
        } else if (*p == '\r' && p[1] == '\n') {
            continue;
        } else if (*p == '\n') {
            g_ptr_array_add (row, g_strdup (field->str));
            g_string_truncate (field, 0);
            g_ptr_array_add (rows, row);
            row = g_ptr_array_new_with_free_func (g_free);
        } else {
            g_string_append_c (field, *p);
        }
    }
    (void) was_quoted;
    g_assert_false (quoted);
    g_assert_cmpuint (row->len, ==, 0); /* every row ends in a line break */
    g_ptr_array_unref (row);
    g_string_free (field, TRUE);
    return rows;
}

static char *
run (const char *trace, const char *dir)
{
    char *out = g_strconcat (dir, "/", NULL);
    const char *argv[] = { g_getenv ("FTA_BIN"), "-q", "-f", "json", "-f", "csv", "-o", out,
                           trace, NULL };
    int status;
    char *err = NULL;
    GError *error = NULL;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                  &err, &status, &error);
    g_assert_no_error (error);
    if (status)
        g_printerr ("%s", err);
    g_assert_cmpint (status, ==, 0);
    g_free (err);
    return out;
}

static void
check_same (const char *trace)
{
    char *dir = g_dir_make_tmp ("fta-csv-XXXXXX", NULL);
    g_free (run (trace, dir));
    char *json_path = g_build_filename (dir, "report.json", NULL);
    JsonParser *jp = json_parser_new ();
    g_assert_true (json_parser_load_from_file (jp, json_path, NULL));
    JsonObject *tables = json_object_get_object_member (
        json_node_get_object (json_parser_get_root (jp)), "tables");

    char *manifest_path = g_build_filename (dir, "report.csv", NULL), *manifest;
    g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
    GPtrArray *mrows = csv_parse (manifest);
    guint checked = 0;
    for (guint m = 1; m < mrows->len; m++) {
        GPtrArray *mr = g_ptr_array_index (mrows, m);
        const char *name = g_ptr_array_index (mr, 0);
        if (!json_object_has_member (tables, name))
            continue; /* series and the quality file */
        char *path = g_build_filename (dir, (char *) g_ptr_array_index (mr, 2), NULL), *text;
        g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
        GPtrArray *rows = csv_parse (text);
        JsonObject *t = json_object_get_object_member (tables, name);
        JsonArray *cols = json_object_get_array_member (t, "columns");
        JsonArray *jrows = json_object_get_array_member (t, "rows");
        g_assert_cmpuint (rows->len, ==, json_array_get_length (jrows) + 1);
        g_assert_cmpint (g_ascii_strtoll (g_ptr_array_index (mr, 3), NULL, 10), ==,
                         json_array_get_length (jrows));
        GPtrArray *head = g_ptr_array_index (rows, 0);
        g_assert_cmpuint (head->len, ==, json_array_get_length (cols));
        for (guint c = 0; c < head->len; c++)
            g_assert_cmpstr (g_ptr_array_index (head, c), ==,
                             json_object_get_string_member (
                                 json_array_get_object_element (cols, c), "name"));
        for (guint r = 0; r < json_array_get_length (jrows); r++) {
            JsonArray *jr = json_array_get_array_element (jrows, r);
            GPtrArray *cr = g_ptr_array_index (rows, r + 1);
            g_assert_cmpuint (cr->len, ==, json_array_get_length (jr));
            for (guint c = 0; c < cr->len; c++) {
                JsonNode *n = json_array_get_element (jr, c);
                const char *v = g_ptr_array_index (cr, c);
                if (JSON_NODE_HOLDS_NULL (n))
                    g_assert_cmpstr (v, ==, "");
                else if (json_node_get_value_type (n) == G_TYPE_STRING)
                    g_assert_cmpstr (v, ==, json_node_get_string (n));
                else if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
                    g_assert_cmpfloat (g_ascii_strtod (v, NULL), ==, json_node_get_double (n));
                else
                    g_assert_cmpint (g_ascii_strtoll (v, NULL, 10), ==, json_node_get_int (n));
            }
        }
        checked++;
        g_ptr_array_unref (rows);
        g_free (text);
        g_free (path);
    }
    /* every JSON table has its CSV */
    g_assert_cmpuint (checked, ==, json_object_get_size (tables));
    g_ptr_array_unref (mrows);
    g_free (manifest);
    g_free (manifest_path);
    g_object_unref (jp);
    g_free (json_path);
    char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
    g_free (cmd);
    g_free (dir);
}

static void
test_corpus (gconstpointer data)
{
    char *gz = g_test_build_filename (G_TEST_DIST, "data", "corpus", data, NULL);
    char *dir = g_dir_make_tmp ("fta-csvin-XXXXXX", NULL);
    char *txt = g_build_filename (dir, "trace.txt", NULL);
    char *cmd = g_strdup_printf ("gzip -dc '%s' > '%s'", gz, txt);
    g_assert_cmpint (system (cmd), ==, 0);
    check_same (txt);
    g_unlink (txt);
    g_rmdir (dir);
    g_free (cmd);
    g_free (txt);
    g_free (dir);
    g_free (gz);
}

/* comms with a comma, a quote and spaces must survive the round trip */
static void
test_quoting (void)
{
    static const char trace[] =
        "           a,b\"c-101     [000] d..2.   100.000100: sched_switch: prev_comm=a,b\"c prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=sleeper A next_pid=102 next_prio=120\n"
        "       sleeper A-102     [000] d..2.   100.000500: sched_switch: prev_comm=sleeper A prev_pid=102 prev_prio=120 prev_state=R ==> next_comm=a,b\"c next_pid=101 next_prio=120\n";
    char *dir = g_dir_make_tmp ("fta-csvq-XXXXXX", NULL);
    char *path = g_build_filename (dir, "q.txt", NULL);
    g_assert_true (g_file_set_contents (path, trace, -1, NULL));
    check_same (path);
    /* and the quoted form is the RFC's */
    g_unlink (path);
    g_rmdir (dir);
    g_free (path);
    g_free (dir);
}

static void
test_needs_output (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    const char *argv[] = { g_getenv ("FTA_BIN"), "-f", "csv", trace, NULL };
    int status;
    char *err = NULL;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                  &err, &status, NULL);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) != 0);
    g_assert_nonnull (strstr (err, "give -o DIR/"));
    g_free (err);
    g_free (trace);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_data_func ("/csv/same-as-json/qemu_tcg", "qemu_tcg_ftrace_default.txt.gz",
                          test_corpus);
    g_test_add_data_func ("/csv/same-as-json/lossy", "lossy_ftrace_default.txt.gz",
                          test_corpus);
    g_test_add_func ("/csv/quoting", test_quoting);
    g_test_add_func ("/csv/needs-output", test_needs_output);
    return g_test_run ();
}
