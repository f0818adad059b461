/* saved.c - a JSON document of the json sink (output contract v1) read
 * back into results, so that `compare` takes saved results as well as
 * traces. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "core.h"

gboolean
fta_results_is_saved (const char *path)
{
    if (!path || strcmp (path, "-") == 0)
        return FALSE;
    FILE *f = fopen (path, "rb");
    if (!f)
        return FALSE;
    int c;
    do
        c = fgetc (f);
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    fclose (f);
    return c == '{';
}

/* A number as an integer: a double out of range (or not finite) is
 * clamped, not converted (undefined behaviour). */
static gint64
node_int (JsonNode *n, gint64 dflt)
{
    if (!n || json_node_get_node_type (n) != JSON_NODE_VALUE)
        return dflt;
    GType t = json_node_get_value_type (n);
    if (t == G_TYPE_INT64 || t == G_TYPE_INT)
        return json_node_get_int (n);
    if (t == G_TYPE_DOUBLE) {
        double d = json_node_get_double (n);
        if (!(d == d))
            return dflt;
        return d >= 9.2e18 ? G_MAXINT64 : d <= -9.2e18 ? G_MININT64 : (gint64) d;
    }
    if (t == G_TYPE_BOOLEAN)
        return json_node_get_boolean (n);
    return dflt;
}

static gint64
member_int (JsonObject *o, const char *name, gint64 dflt)
{
    return node_int (o ? json_object_get_member (o, name) : NULL, dflt);
}

static const char *
member_str (JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member (o, name) : NULL;
    if (!n || json_node_get_value_type (n) != G_TYPE_STRING)
        return NULL;
    return json_node_get_string (n);
}

static JsonObject *
member_obj (JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member (o, name) : NULL;
    return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
member_arr (JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member (o, name) : NULL;
    return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static gboolean
column_type (const char *name, FtaColumnType *type)
{
    static const FtaColumnType all[] = { FTA_COL_STRING, FTA_COL_INT, FTA_COL_COUNT,
                                         FTA_COL_DURATION, FTA_COL_PERCENT };
    for (guint i = 0; name && i < G_N_ELEMENTS (all); i++)
        if (strcmp (name, fta_column_type_name (all[i])) == 0) {
            *type = all[i];
            return TRUE;
        }
    return FALSE;
}

static gboolean
load_table (FtaResults *r, const char *full_name, JsonObject *o, gboolean series,
            const char *path, GError **error)
{
    const char *dot = strchr (full_name, '.');
    char *plugin = dot ? g_strndup (full_name, dot - full_name) : g_strdup (full_name);
    const char *name = dot ? dot + 1 : "";
    FtaTable *t = series ? fta_results_add_series (r, plugin, name, member_str (o, "title"),
                                                   member_int (o, "window_ns", 0),
                                                   member_int (o, "start_ns", 0))
                         : fta_results_add_table (r, plugin, name, member_str (o, "title"));
    g_free (plugin);
    JsonArray *cols = member_arr (o, "columns");
    JsonArray *rows = member_arr (o, "rows");
    if (!cols || !rows)
        goto bad;
    guint nc = json_array_get_length (cols);
    GArray *types = g_array_new (FALSE, FALSE, sizeof (FtaColumnType));
    for (guint c = 0; c < nc; c++) {
        JsonNode *cn = json_array_get_element (cols, c);
        JsonObject *co = JSON_NODE_HOLDS_OBJECT (cn) ? json_node_get_object (cn) : NULL;
        FtaColumnType type;
        if (!co || !member_str (co, "name") || !column_type (member_str (co, "type"), &type)) {
            g_array_free (types, TRUE);
            goto bad;
        }
        guint col = fta_table_add_column (t, member_str (co, "name"), type,
                                          member_int (co, "key", 0) != 0);
        const char *shown = member_str (co, "display_unit");
        if (type == FTA_COL_DURATION && shown
            && (!strcmp (shown, "ns") || !strcmp (shown, "us") || !strcmp (shown, "ms")
                || !strcmp (shown, "s")))
            fta_table_set_display_unit (t, col, shown);
        g_array_append_val (types, type);
    }
    for (guint i = 0; i < json_array_get_length (rows); i++) {
        JsonNode *rn = json_array_get_element (rows, i);
        if (!JSON_NODE_HOLDS_ARRAY (rn)
            || json_array_get_length (json_node_get_array (rn)) != nc) {
            g_array_free (types, TRUE);
            goto bad;
        }
        JsonArray *cells = json_node_get_array (rn);
        guint row = fta_table_add_row (t);
        for (guint c = 0; c < nc; c++) {
            JsonNode *v = json_array_get_element (cells, c);
            if (JSON_NODE_HOLDS_NULL (v) || !JSON_NODE_HOLDS_VALUE (v))
                continue;
            FtaColumnType type = g_array_index (types, FtaColumnType, c);
            GType vt = json_node_get_value_type (v);
            if (type == FTA_COL_STRING)
                fta_table_set_string (t, row, c, vt == G_TYPE_STRING
                                                     ? json_node_get_string (v) : "");
            else if (type == FTA_COL_PERCENT)
                fta_table_set_double (t, row, c, vt == G_TYPE_STRING
                                                     ? 0 : json_node_get_double (v));
            else
                fta_table_set_int (t, row, c, node_int (v, 0));
        }
    }
    g_array_free (types, TRUE);
    return TRUE;
bad:
    g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                 "%s: table '%s' is not as the json output writes it (columns "
                 "with name and type, rows of as many cells)", path, full_name);
    return FALSE;
}

static void
load_quality (FtaResults *r, JsonObject *root, const char *path)
{
    FtaQuality *q = fta_results_own_quality (r);
    JsonObject *in = member_obj (root, "input");
    JsonObject *o = member_obj (root, "quality");
    GStringChunk *s = r->strings;
    q->input_path = g_string_chunk_insert_const (s, path);
    const char *v;
    if ((v = member_str (in, "format")))
        q->format = g_string_chunk_insert_const (s, v);
    if ((v = member_str (in, "variant")))
        q->format_variant = g_string_chunk_insert_const (s, v);
    if ((v = member_str (in, "compression")) && strcmp (v, "none") != 0)
        q->compression = g_string_chunk_insert_const (s, v);
    if ((v = member_str (in, "profile")))
        q->profile = g_string_chunk_insert_const (s, v);
    /* a trace.dat's */
    q->file_version = (gint32) member_int (in, "file_version", -1);
    q->file_cpus = (gint32) member_int (in, "file_cpus", -1);
    if ((v = member_str (in, "trace_clock")))
        q->trace_clock = g_string_chunk_insert_const (s, v);
    if ((v = member_str (in, "tracecmd_version")))
        q->tracecmd_version = g_string_chunk_insert_const (s, v);
    if ((v = member_str (in, "buffer")))
        q->buffer = g_string_chunk_insert_const (s, v);
    if ((v = member_str (in, "buffers")))
        q->buffers = g_string_chunk_insert_const (s, v);
    q->lines_total = member_int (o, "lines_total", 0);
    q->lines_header = member_int (o, "lines_header", 0);
    q->lines_event = member_int (o, "lines_event", 0);
    q->lines_unparsed = member_int (o, "lines_unparsed", 0);
    q->lost_events = member_int (o, "lost_events", 0);
    q->lost_markers = member_int (o, "lost_markers", 0);
    q->lost_unknown = member_int (o, "lost_markers_without_count", 0);
    q->buffer_started = member_int (o, "buffer_started", 0);
    q->entries_in_buffer = member_int (o, "entries_in_buffer", -1);
    q->entries_written = member_int (o, "entries_written", -1);
    q->out_of_order = member_int (o, "out_of_order", 0);
    q->out_of_order_cpu = member_int (o, "out_of_order_within_cpu", 0);
    q->events_behind = member_int (o, "events_behind", 0);
    q->out_of_order_unplaced = member_int (o, "out_of_order_unplaced", 0);
    q->process_dump_threads = member_int (o, "process_dump_threads", 0);
    q->max_step_back_ns = member_int (o, "max_step_back_ns", 0);
    q->first_ts_ns = member_int (o, "first_ts_ns", -1);
    q->last_ts_ns = member_int (o, "last_ts_ns", -1);
    q->n_cpus = member_int (o, "cpus", 0);
    /* results saved before these keys: the CPUs below the highest */
    q->n_cpus_seen = member_int (o, "cpus_seen", q->n_cpus);
    q->header_cpus = member_int (o, "cpus_header", -1);
    if ((v = member_str (o, "cpu_list")))
        q->cpu_list = g_string_chunk_insert_const (s, v);
    q->inferred_switch_in = member_int (o, "inferred_switch_in", 0);
    q->inferred_switch_out = member_int (o, "inferred_switch_out", 0);
    q->switch_in_while_running = member_int (o, "switch_in_while_running", 0);
    q->model_resets = member_int (o, "model_resets", 0);
    q->truncated_line = member_int (o, "truncated_last_line", 0) != 0;
    JsonArray *ex = member_arr (o, "unparsed_examples");
    for (guint i = 0; ex && i < json_array_get_length (ex); i++) {
        JsonNode *n = json_array_get_element (ex, i);
        JsonObject *eo = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
        const char *text = member_str (eo, "text"), *why = member_str (eo, "why");
        FtaUnparsed u = { member_int (eo, "line", 0),
                          g_string_chunk_insert_const (s, text ? text : ""),
                          g_string_chunk_insert_const (s, why ? why : "") };
        g_array_append_val (q->unparsed_examples, u);
    }
    JsonObject *ev = member_obj (o, "events_by_type");
    GList *names = ev ? json_object_get_members (ev) : NULL;
    for (GList *l = names; l; l = l->next) {
        guint64 n = member_int (ev, l->data, 0);
        g_ptr_array_add (q->event_names, g_string_chunk_insert_const (s, l->data));
        g_array_append_val (q->event_counts, n);
    }
    g_list_free (names);
}

static void
load_findings (FtaResults *r, JsonArray *a)
{
    for (guint i = 0; a && i < json_array_get_length (a); i++) {
        JsonNode *n = json_array_get_element (a, i);
        if (!JSON_NODE_HOLDS_OBJECT (n))
            continue;
        JsonObject *o = json_node_get_object (n);
        const char *sev = member_str (o, "severity");
        FtaSeverity s = FTA_SEVERITY_INFO;
        if (g_strcmp0 (sev, "warning") == 0)
            s = FTA_SEVERITY_WARNING;
        else if (g_strcmp0 (sev, "critical") == 0)
            s = FTA_SEVERITY_CRITICAL;
        FtaFinding *f = fta_results_add_finding (r, s, member_str (o, "code"),
                                                 member_str (o, "title"),
                                                 member_str (o, "cause"),
                                                 member_str (o, "advice"));
        if (json_object_has_member (o, "cost_ns"))
            fta_finding_set_cost (f, json_object_get_int_member (o, "cost_ns"));
        JsonObject *ev = member_obj (o, "evidence");
        GList *keys = ev ? json_object_get_members (ev) : NULL;
        for (GList *l = keys; l; l = l->next)
            fta_finding_add_evidence (f, l->data, member_str (ev, l->data));
        g_list_free (keys);
    }
}

/* The deepest nesting of arrays and objects in DATA, counted up to LIMIT
 * + 1 (strings skipped).  json-glib parses recursively: a document of
 * 100000 nested brackets overflows the stack, so depth is checked first.
 * The json sink writes 5 levels. */
static guint
json_depth (const char *data, gsize len, guint limit)
{
    guint depth = 0, deepest = 0;
    gboolean in_string = FALSE;
    for (gsize i = 0; i < len; i++) {
        char c = data[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = FALSE;
        } else if (c == '"') {
            in_string = TRUE;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest && (deepest = depth) > limit)
                break;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

FtaResults *
fta_results_load_json (const char *path, GError **error)
{
    char *data;
    gsize len;
    GError *err = NULL;
    if (!g_file_get_contents (path, &data, &len, &err)) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "cannot read %s: %s", path,
                     err->message);
        g_error_free (err);
        return NULL;
    }
    FtaResults *r = fta_results_load_json_data (data, len, path, error);
    g_free (data);
    return r;
}

FtaResults *
fta_results_load_json_data (const char *data, gsize len, const char *path,
                            GError **error)
{
    if (json_depth (data, len, FTA_JSON_MAX_DEPTH) > FTA_JSON_MAX_DEPTH) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is not a JSON result: arrays and objects nested more than "
                     "%u deep", path, FTA_JSON_MAX_DEPTH);
        return NULL;
    }
    JsonParser *jp = json_parser_new ();
    GError *err = NULL;
    FtaResults *r = NULL;
    if (!json_parser_load_from_data (jp, data, (gssize) len, &err)) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "%s is not a JSON result: %s",
                     path, err->message);
        g_error_free (err);
        goto out;
    }
    JsonNode *root = json_parser_get_root (jp);
    JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                          : NULL;
    if (!o || member_int (o, "version", 0) != 1 || !member_obj (o, "tables")) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is JSON but not a result of 'ftrace-analyzer -f json' "
                     "(version 1, with \"tables\")", path);
        goto out;
    }
    r = fta_results_new ();
    load_quality (r, o, path);
    const char *groups[] = { "tables", "series" };
    for (guint g = 0; g < 2; g++) {
        JsonObject *tables = member_obj (o, groups[g]);
        GList *names = tables ? json_object_get_members (tables) : NULL;
        gboolean ok = TRUE;
        for (GList *l = names; l && ok; l = l->next) {
            JsonObject *t = member_obj (tables, l->data);
            if (t)
                ok = load_table (r, l->data, t, g == 1, path, error);
        }
        g_list_free (names);
        if (!ok) {
            fta_results_free (r);
            r = NULL;
            goto out;
        }
    }
    load_findings (r, member_arr (o, "findings"));
out:
    g_object_unref (jp);
    return r;
}
