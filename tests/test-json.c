/* test-json.c - the json sink writes its document as a stream: what it
 * writes must be what json-glib's generator writes for the same document,
 * byte for byte (the document read back with json-glib and generated
 * again), with hostile strings and numbers, both layouts, on real traces;
 * and an object member given twice keeps its first place and last value,
 * as a JSON object does. */
#include <string.h>

#include "fta-test.h"

static char *tmpdir;

/* The document OUT, read back and written again by json-glib. */
static void
check_roundtrip (const char *out, gboolean pretty)
{
    JsonParser *p = fta_test_parse (out);
    JsonGenerator *g = json_generator_new ();
    json_generator_set_pretty (g, pretty);
    json_generator_set_root (g, json_parser_get_root (p));
    gsize len;
    char *again = json_generator_to_data (g, &len);
    gsize n = strlen (out);
    g_assert_cmpuint (n, >, 0);
    g_assert_cmpint (out[n - 1], ==, '\n');
    g_assert_cmpuint (len, ==, n - 1);
    g_assert_true (memcmp (again, out, len) == 0);
    g_free (again);
    g_object_unref (g);
    g_object_unref (p);
}

static char *
run_json (const char *cfg_text, const char *trace)
{
    char *cfg = fta_test_write (tmpdir, "json.cfg", cfg_text);
    const char *args[] = { "-q", "-c", cfg, "-f", "json", trace, NULL };
    char *out = fta_test_run_ok (args);
    g_free (cfg);
    return out;
}

static void
test_hostile (gconstpointer data)
{
    gboolean pretty = GPOINTER_TO_INT (data);
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *out = run_json (pretty ? "analyzers = [ \"switch\", \"jsonstress\" ];\n"
                                 : "analyzers = [ \"switch\", \"jsonstress\" ];\n"
                                   "plugins = { json = { pretty = false; }; };\n",
                          trace);
    check_roundtrip (out, pretty);
    g_assert_true (pretty == (strchr (out, '\n') != out + strlen (out) - 1));

    /* twice-given names: first place, last value */
    JsonParser *p = json_parser_new ();
    g_assert_true (json_parser_load_from_data (p, out, -1, NULL));
    JsonObject *tables = json_object_get_object_member (fta_test_root (p), "tables");
    GList *names = json_object_get_members (tables);
    const char *want[] = { "switch.tasks", "switch.comms", "jsonstress.cells",
                           "jsonstress.empty", "jsonstress.twice", "jsonstress.norows",
                           "quality.missing_events" };
    guint i = 0;
    for (GList *l = names; l; l = l->next, i++) {
        g_assert_cmpuint (i, <, G_N_ELEMENTS (want));
        g_assert_cmpstr (l->data, ==, want[i]);
    }
    g_assert_cmpuint (i, ==, G_N_ELEMENTS (want));
    g_list_free (names);
    JsonObject *twice = json_object_get_object_member (tables, "jsonstress.twice");
    g_assert_cmpstr (json_object_get_string_member (twice, "title"), ==, "second");
    JsonArray *findings = json_object_get_array_member (fta_test_root (p), "findings");
    JsonObject *ev = json_object_get_object_member (
        json_array_get_object_element (findings, 0), "evidence");
    g_assert_cmpuint (json_object_get_size (ev), ==, 3);
    GList *keys = json_object_get_members (ev);
    g_assert_cmpstr (keys->data, ==, "key");
    g_assert_cmpstr (keys->next->next->data, ==, "other");
    g_list_free (keys);
    g_assert_cmpstr (json_object_get_string_member (ev, "key"), ==, "three");
    /* numbers as they were set */
    JsonArray *rows = json_object_get_array_member (
        json_object_get_object_member (tables, "jsonstress.cells"), "rows");
    JsonArray *row1 = json_array_get_array_element (rows, 1);
    g_assert_cmpint (json_array_get_int_element (row1, 1), ==, G_MININT64 + 1);
    g_assert_true (JSON_NODE_HOLDS_NULL (json_array_get_element (
        json_array_get_array_element (rows, 0), 4)));
    JsonArray *row5 = json_array_get_array_element (rows, 5);
    g_assert_cmpfloat (json_array_get_double_element (row5, 3), ==, 100.0 / 3);
    g_object_unref (p);
    g_free (out);
    g_free (trace);
}

static void
test_corpus (gconstpointer data)
{
    const char *name = data;
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "corpus", name, NULL);
    char *out = run_json ("", trace);
    check_roundtrip (out, TRUE);
    g_free (out);
    out = run_json ("analyzers = [ \"switch\", \"wakeup\", \"timeline\" ];\n"
                    "plugins = { json = { pretty = false; }; };\n", trace);
    check_roundtrip (out, FALSE);
    g_free (out);
    g_free (trace);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-json-XXXXXX", NULL);
    char *plugins = g_test_build_filename (G_TEST_BUILT, "plugins", ".libs", NULL);
    const char *path = g_getenv ("FTA_PLUGIN_PATH");
    char *full = g_strconcat (plugins, path ? ":" : "", path ? path : "", NULL);
    g_setenv ("FTA_PLUGIN_PATH", full, TRUE);
    g_test_add_data_func ("/json/hostile/pretty", GINT_TO_POINTER (TRUE), test_hostile);
    g_test_add_data_func ("/json/hostile/compact", GINT_TO_POINTER (FALSE), test_hostile);
    g_test_add_data_func ("/json/corpus/cpu_contention", "cpu_contention_ftrace_default.txt.gz",
                          test_corpus);
    g_test_add_data_func ("/json/corpus/lossy-tracecmd", "lossy_tracecmd_report.txt.gz",
                          test_corpus);
    g_test_add_data_func ("/json/corpus/qemu-perf", "qemu_tcg_perf_script.txt.gz",
                          test_corpus);
    int rc = g_test_run ();
    g_free (full);
    g_free (plugins);
    return rc;
}
