/* test-contract.c - the JSON contract and its reference: every result of
 * the corpus validates against docs/ftrace-analyzer.schema.json (and each
 * row has one cell per column, of the column's type), and every table and
 * column it has is described in docs/metrics.md. */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-schema.h"
#include "fta-test.h"

static char *tmpdir;
static JsonNode *schema;
static GPtrArray *traces;  /* decompressed corpus recordings, owned paths */
static GPtrArray *results; /* their JSON results (JsonParser*), then others */

static char *
src_path (const char *rel)
{
    return g_build_filename (g_getenv ("FTA_TOP_SRCDIR"), rel, NULL);
}

static JsonParser *
load (const char *path)
{
    JsonParser *p = json_parser_new ();
    GError *error = NULL;
    json_parser_load_from_file (p, path, &error);
    g_assert_no_error (error);
    return p;
}

static gboolean
valid (JsonNode *doc, GString *why)
{
    g_string_truncate (why, 0);
    return fta_schema_validate (schema, doc, why);
}

/* --- the validator can fail ----------------------------------------------- */

static JsonNode *
parse (const char *text)
{
    return json_from_string (text, NULL);
}

/* A minimal valid document with PATCH spliced in for KEY's value. */
static char *
doc_with (const char *key, const char *value)
{
    const char *parts[][2] = {
        { "version", "1" },
        { "tool", "\"ftrace-analyzer\"" },
        { "input", "{\"path\":\"t\",\"format\":\"tracefs\",\"variant\":\"\","
                   "\"compression\":\"none\",\"profile\":\"p\"}" },
        { "quality", "{\"lines_total\":1,\"lines_header\":0,\"lines_event\":1,"
                     "\"lines_unparsed\":0,\"unparsed_examples\":[],"
                     "\"events_by_type\":{\"sched_switch\":1},\"lost_events\":0,"
                     "\"lost_markers\":0,\"lost_markers_without_count\":0,"
                     "\"buffer_started\":0,\"entries_in_buffer\":-1,\"entries_written\":-1,"
                     "\"out_of_order\":0,\"out_of_order_within_cpu\":0,\"events_behind\":0,"
                     "\"out_of_order_unplaced\":0,\"max_step_back_ns\":0,\"first_ts_ns\":5,"
                     "\"last_ts_ns\":5,\"cpus\":1,\"cpus_seen\":1,\"cpu_list\":\"0\","
                     "\"cpus_header\":-1,\"inferred_switch_in\":0,"
                     "\"inferred_switch_out\":0,\"switch_in_while_running\":0,"
                     "\"model_resets\":0,\"truncated_last_line\":false}" },
        { "tables", "{\"switch.tasks\":{\"title\":\"t\",\"columns\":[{\"name\":\"pid\","
                    "\"type\":\"int\",\"unit\":null,\"key\":true},{\"name\":\"run_ns\","
                    "\"type\":\"duration\",\"unit\":\"ns\",\"key\":false}],"
                    "\"rows\":[[1,20],[2,null]]}}" },
        { "series", "{\"timeline.events\":{\"window_ns\":10,\"start_ns\":0,\"columns\":"
                    "[{\"name\":\"t_ns\",\"type\":\"duration\",\"unit\":\"ns\",\"key\":true}],"
                    "\"rows\":[[0]]}}" },
        { "findings", "[{\"severity\":\"warning\",\"code\":\"cpu.imbalance\",\"title\":\"x\","
                      "\"evidence\":{\"cpu\":\"1\"},\"cause\":\"c\",\"advice\":\"a\","
                      "\"cost_ns\":0}]" },
    };
    GString *s = g_string_new ("{");
    for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
        gboolean this = key && strcmp (key, parts[i][0]) == 0;
        if (this && !value)
            continue;
        g_string_append_printf (s, "%s\"%s\":%s", s->len > 1 ? "," : "", parts[i][0],
                                this ? value : parts[i][1]);
    }
    if (key && value && !strstr (s->str, key))
        g_string_append_printf (s, ",\"%s\":%s", key, value);
    g_string_append_c (s, '}');
    return g_string_free (s, FALSE);
}

static void
test_validator (void)
{
    GString *why = g_string_new (NULL);
    char *good = doc_with (NULL, NULL);
    JsonNode *n = parse (good);
    g_assert_nonnull (n);
    if (!valid (n, why))
        g_printerr ("%s", why->str);
    g_assert_true (valid (n, why));
    json_node_unref (n);
    g_free (good);
    /* the contract grows: a member it does not name is fine */
    char *more = doc_with ("new_member", "{\"x\":1}");
    n = parse (more);
    g_assert_true (valid (n, why));
    json_node_unref (n);
    g_free (more);
    struct {
        const char *key, *value, *msg;
    } bad[] = {
        { "version", NULL, "\"version\" is missing" },
        { "version", "2", "constant" },
        { "tables", NULL, "\"tables\" is missing" },
        { "tables", "[]", "not of type" },
        { "tables", "{\"nodot\":{\"columns\":[{\"name\":\"a\",\"type\":\"int\",\"unit\":null,"
                    "\"key\":true}],\"rows\":[]}}", "does not match" },
        { "tables", "{\"a.b\":{\"columns\":[{\"name\":\"a\",\"type\":\"time\",\"unit\":null,"
                    "\"key\":true}],\"rows\":[]}}", "not one of the values" },
        { "tables", "{\"a.b\":{\"columns\":[{\"name\":\"a\",\"type\":\"int\",\"unit\":null,"
                    "\"key\":true}],\"rows\":[[{}]]}}", "not of type" },
        { "tables", "{\"a.b\":{\"columns\":[],\"rows\":[]}}", "fewer than 1" },
        { "series", "{\"a.b\":{\"columns\":[{\"name\":\"t_ns\",\"type\":\"duration\","
                    "\"unit\":\"ns\",\"key\":true}],\"rows\":[]}}", "\"window_ns\" is missing" },
        { "findings", "[{\"severity\":\"bad\",\"code\":\"a.b\",\"title\":\"x\",\"evidence\":{},"
                      "\"cause\":\"\",\"advice\":\"\"}]", "not one of the values" },
        { "findings", "[{\"severity\":\"info\",\"code\":\"a.b\",\"title\":\"x\","
                      "\"evidence\":{\"n\":1},\"cause\":\"\",\"advice\":\"\"}]", "not of type" },
        { "findings", "[{\"severity\":\"info\",\"code\":\"a.b\",\"title\":\"x\","
                      "\"evidence\":{},\"cause\":\"\",\"advice\":\"\",\"cost_ns\":-1}]",
          "below the minimum" },
        { "quality", "{\"lines_total\":-1}", "below the minimum" },
        { "input", "{\"path\":\"t\"}", "\"format\" is missing" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
        char *text = doc_with (bad[i].key, bad[i].value);
        n = parse (text);
        g_assert_nonnull (n);
        g_test_message ("case %u: %s", i, text);
        g_assert_false (valid (n, why));
        g_test_message ("  %s", why->str);
        g_assert_nonnull (strstr (why->str, bad[i].msg));
        json_node_unref (n);
        g_free (text);
    }
    /* a schema that says more than the validator checks is an error */
    JsonNode *strict = parse ("{\"type\":\"object\",\"maxProperties\":1}");
    JsonNode *doc = parse ("{}");
    g_string_truncate (why, 0);
    g_assert_false (fta_schema_validate (strict, doc, why));
    g_assert_nonnull (strstr (why->str, "maxProperties"));
    json_node_unref (strict);
    json_node_unref (doc);
    g_string_free (why, TRUE);
}

/* --- every corpus result ----------------------------------------------------- */

/* Beyond the schema: a row has one cell per column, of its type. */
static void
check_rows (JsonObject *tables, GString *why)
{
    GList *names = json_object_get_members (tables);
    for (GList *l = names; l; l = l->next) {
        JsonObject *t = json_object_get_object_member (tables, l->data);
        JsonArray *cols = json_object_get_array_member (t, "columns");
        JsonArray *rows = json_object_get_array_member (t, "rows");
        guint nc = json_array_get_length (cols);
        for (guint r = 0; r < json_array_get_length (rows); r++) {
            JsonArray *row = json_array_get_array_element (rows, r);
            if (json_array_get_length (row) != nc) {
                g_string_append_printf (why, "%s row %u: %u cells for %u columns\n",
                                        (char *) l->data, r, json_array_get_length (row), nc);
                continue;
            }
            for (guint c = 0; c < nc; c++) {
                JsonNode *cell = json_array_get_element (row, c);
                if (JSON_NODE_HOLDS_NULL (cell))
                    continue;
                JsonObject *col = json_array_get_object_element (cols, c);
                const char *type = json_object_get_string_member (col, "type");
                GType g = json_node_get_value_type (cell);
                gboolean ok = strcmp (type, "string") == 0 ? g == G_TYPE_STRING
                              : strcmp (type, "percent") == 0
                                  ? g == G_TYPE_DOUBLE || g == G_TYPE_INT64
                                  : g == G_TYPE_INT64;
                if (!ok)
                    g_string_append_printf (why, "%s row %u: %s is not a %s\n",
                                            (char *) l->data, r,
                                            json_object_get_string_member (col, "name"), type);
            }
        }
    }
    g_list_free (names);
}

static void
validate_result (const char *what, JsonParser *p)
{
    GString *why = g_string_new (NULL);
    JsonNode *root = json_parser_get_root (p);
    gboolean ok = fta_schema_validate (schema, root, why);
    check_rows (json_object_get_object_member (json_node_get_object (root), "tables"), why);
    check_rows (json_object_get_object_member (json_node_get_object (root), "series"), why);
    if (!ok || why->len)
        g_test_message ("%s:\n%s", what, why->str);
    g_assert_true (ok);
    g_assert_cmpuint (why->len, ==, 0);
    g_string_free (why, TRUE);
}

static JsonParser *
run_json (const char *const *args)
{
    return fta_test_json (tmpdir, args);
}

static void
test_corpus_results (void)
{
    for (guint i = 0; i < traces->len; i++) {
        const char *t = g_ptr_array_index (traces, i);
        g_test_message ("%s", t);
        JsonParser *p = run_json ((const char *[]) { t, NULL });
        validate_result (t, p);
        g_ptr_array_add (results, p);
        p = run_json ((const char *[]) { "-p", "kvm", t, NULL });
        validate_result (t, p);
        g_ptr_array_add (results, p);
    }
    /* a comparison, and one of a saved result with a trace */
    g_assert_cmpuint (traces->len, >=, 2);
    const char *a = g_ptr_array_index (traces, 0), *b = g_ptr_array_index (traces, 1);
    JsonParser *p = run_json ((const char *[]) { "compare", a, b, NULL });
    validate_result ("compare", p);
    char *saved = g_build_filename (tmpdir, "saved.json", NULL);
    g_assert_true (json_generator_to_file (
        g_object_new (JSON_TYPE_GENERATOR, "root", json_parser_get_root (
                                               g_ptr_array_index (results, 0)), NULL),
        saved, NULL));
    g_object_unref (p);
    p = run_json ((const char *[]) { "compare", saved, b, NULL });
    validate_result ("compare saved", p);
    g_object_unref (p);
    g_unlink (saved);
    g_free (saved);
}

/* --- every table and column is in docs/metrics.md ----------------------------- */

static void
test_metrics_documented (void)
{
    if (results->len == 0)
        test_corpus_results ();
    char *path = src_path ("docs/metrics.md"), *doc = NULL;
    g_assert_true (g_file_get_contents (path, &doc, NULL, NULL));
    /* "### `name`" (or "### `a`, `b`") opens a table's section; its column
     * table has rows "| `column` | ..." */
    GHashTable *documented = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    char **lines = g_strsplit (doc, "\n", -1);
    GPtrArray *current = g_ptr_array_new_with_free_func (g_free);
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix (*l, "## ")) {
            g_ptr_array_set_size (current, 0);
        } else if (g_str_has_prefix (*l, "### ")) {
            g_ptr_array_set_size (current, 0);
            for (const char *q = *l; (q = strchr (q, '`')) != NULL;) {
                const char *end = strchr (q + 1, '`');
                if (!end)
                    break;
                char *name = g_strndup (q + 1, end - q - 1);
                g_ptr_array_add (current, name);
                g_hash_table_add (documented, g_strdup (name));
                q = end + 1;
            }
        } else if (g_str_has_prefix (*l, "| `")) {
            /* "| `irq` (`vec`) |": each name in the first cell */
            char *cell = g_strndup (*l + 2, strcspn (*l + 2, "|"));
            for (const char *q = cell; (q = strchr (q, '`')) != NULL;) {
                const char *end = strchr (q + 1, '`');
                if (!end)
                    break;
                for (guint i = 0; i < current->len; i++)
                    g_hash_table_add (documented,
                                      g_strdup_printf ("%s:%.*s",
                                                       (char *) g_ptr_array_index (current, i),
                                                       (int) (end - q - 1), q + 1));
                q = end + 1;
            }
            g_free (cell);
        }
    }
    g_strfreev (lines);
    g_ptr_array_unref (current);
    GString *missing = g_string_new (NULL);
    guint tables = 0, columns = 0;
    for (guint i = 0; i < results->len; i++) {
        JsonObject *root = json_node_get_object (
            json_parser_get_root (g_ptr_array_index (results, i)));
        for (const char *const *kind = (const char *[]) { "tables", "series", NULL }; *kind;
             kind++) {
            JsonObject *ts = json_object_get_object_member (root, *kind);
            GList *names = json_object_get_members (ts);
            for (GList *n = names; n; n = n->next) {
                tables++;
                if (!g_hash_table_contains (documented, n->data)) {
                    g_string_append_printf (missing, "table %s\n", (char *) n->data);
                    continue;
                }
                JsonArray *cols = json_object_get_array_member (
                    json_object_get_object_member (ts, n->data), "columns");
                for (guint c = 0; c < json_array_get_length (cols); c++) {
                    const char *col = json_object_get_string_member (
                        json_array_get_object_element (cols, c), "name");
                    char *key = g_strdup_printf ("%s:%s", (char *) n->data, col);
                    columns++;
                    if (!g_hash_table_contains (documented, key))
                        g_string_append_printf (missing, "column %s\n", key);
                    g_free (key);
                }
            }
            g_list_free (names);
        }
    }
    g_test_message ("%u tables, %u columns checked", tables, columns);
    if (missing->len)
        g_test_message ("not in docs/metrics.md:\n%s", missing->str);
    g_assert_cmpuint (tables, >, 0);
    g_assert_cmpuint (missing->len, ==, 0);
    g_string_free (missing, TRUE);
    g_hash_table_destroy (documented);
    g_free (doc);
    g_free (path);
}

/* --- a pid's tasks ------------------------------------------------------------ */

/* The tables with a row per task keep their pid key and add task_seq, an
 * int that is not a key; no pid of the corpus names two tasks, so it is 0
 * in every row there (tests/test-pids.c has the traces where it is not). */
static void
test_task_seq (void)
{
    if (results->len == 0)
        test_corpus_results ();
    static const char *const per_task[] = { "switch.tasks", "wakeup.tasks",
                                            "wakeup.latency_hist", "wait.tasks",
                                            "wait.holders", "blocking.tasks",
                                            "migration.tasks", "cpu.task_cpus",
                                            "timeline.tasks", "kvm.vcpus", "kvm.threads",
                                            NULL };
    guint seen = 0;
    for (guint i = 0; i < results->len; i++) {
        JsonObject *root = json_node_get_object (
            json_parser_get_root (g_ptr_array_index (results, i)));
        for (const char *const *kind = (const char *[]) { "tables", "series", NULL }; *kind;
             kind++) {
            JsonObject *ts = json_object_get_object_member (root, *kind);
            for (const char *const *name = per_task; *name; name++) {
                if (!json_object_has_member (ts, *name))
                    continue;
                JsonObject *t = json_object_get_object_member (ts, *name);
                JsonArray *cols = json_object_get_array_member (t, "columns");
                int seq = -1, pid = -1;
                for (guint c = 0; c < json_array_get_length (cols); c++) {
                    JsonObject *col = json_array_get_object_element (cols, c);
                    const char *n = json_object_get_string_member (col, "name");
                    if (strcmp (n, "pid") == 0) {
                        pid = (int) c;
                        g_assert_true (json_object_get_boolean_member (col, "key"));
                    } else if (strcmp (n, "task_seq") == 0) {
                        seq = (int) c;
                        g_assert_cmpstr (json_object_get_string_member (col, "type"), ==,
                                         "int");
                        g_assert_false (json_object_get_boolean_member (col, "key"));
                    }
                }
                if (pid < 0 || seq < 0)
                    g_test_message ("%s has no pid or no task_seq column", *name);
                g_assert_cmpint (pid, >=, 0);
                g_assert_cmpint (seq, >=, 0);
                JsonArray *rows = json_object_get_array_member (t, "rows");
                for (guint r = 0; r < json_array_get_length (rows); r++)
                    g_assert_cmpint (json_array_get_int_element (
                                         json_array_get_array_element (rows, r), seq),
                                     ==, 0);
                seen++;
            }
        }
    }
    g_assert_cmpuint (seen, >, 0);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-contract-XXXXXX", NULL);
    char *sp = src_path ("docs/ftrace-analyzer.schema.json");
    JsonParser *sparser = load (sp);
    schema = json_node_copy (json_parser_get_root (sparser));
    g_object_unref (sparser);
    g_free (sp);
    /* every recording of tests/data/corpus, in each of its renderings */
    traces = fta_test_corpus_texts (tmpdir);
    results = g_ptr_array_new_with_free_func (g_object_unref);

    g_test_add_func ("/contract/validator", test_validator);
    g_test_add_func ("/contract/corpus/schema", test_corpus_results);
    g_test_add_func ("/contract/corpus/metrics-documented", test_metrics_documented);
    g_test_add_func ("/contract/corpus/task-seq", test_task_seq);
    int rc = g_test_run ();
    g_ptr_array_unref (results);
    g_ptr_array_unref (traces);
    json_node_unref (schema);
    char *rm = g_strdup_printf ("rm -rf '%s'", tmpdir);
    FtaTestRun r = fta_test_run_sh (rm);
    fta_test_run_clear (&r);
    g_free (rm);
    g_free (tmpdir);
    return rc;
}
