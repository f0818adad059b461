/* json.c - the whole result as one JSON document (output contract v1,
 * see docs/json.md and its schema). */
#include <json-glib/json-glib.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

typedef struct {
    gboolean pretty;
} Json;

static void *
json_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) ctx;
    (void) error;
    Json *j = g_new0 (Json, 1);
    j->pretty = fta_options_get_bool (opts, "pretty");
    return j;
}

static void
json_add_cell (JsonBuilder *b, const FtaColumn *c, const FtaValue *v)
{
    if (!v || v->is_null) {
        json_builder_add_null_value (b);
        return;
    }
    switch (c->type) {
    case FTA_COL_STRING: json_builder_add_string_value (b, v->s); break;
    case FTA_COL_PERCENT: json_builder_add_double_value (b, v->d); break;
    default: json_builder_add_int_value (b, v->i); break;
    }
}

static void
json_add_columns (JsonBuilder *b, const FtaTable *t)
{
    json_builder_set_member_name (b, "columns");
    json_builder_begin_array (b);
    for (guint c = 0; c < fta_table_n_columns (t); c++) {
        const FtaColumn *col = fta_table_column (t, c);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "name");
        json_builder_add_string_value (b, col->name);
        json_builder_set_member_name (b, "type");
        json_builder_add_string_value (b, fta_column_type_name (col->type));
        json_builder_set_member_name (b, "unit");
        if (col->unit)
            json_builder_add_string_value (b, col->unit);
        else
            json_builder_add_null_value (b);
        json_builder_set_member_name (b, "key");
        json_builder_add_boolean_value (b, col->key);
        if (col->type == FTA_COL_DURATION) {
            /* the unit text and HTML show it in: added to version 1 */
            json_builder_set_member_name (b, "display_unit");
            json_builder_add_string_value (b, fta_column_display_unit (col));
        }
        json_builder_end_object (b);
    }
    json_builder_end_array (b);
}

static void
json_add_rows (JsonBuilder *b, const FtaTable *t)
{
    json_builder_set_member_name (b, "rows");
    json_builder_begin_array (b);
    for (guint r = 0; r < fta_table_n_rows (t); r++) {
        json_builder_begin_array (b);
        for (guint c = 0; c < fta_table_n_columns (t); c++)
            json_add_cell (b, fta_table_column (t, c), fta_table_cell (t, r, c));
        json_builder_end_array (b);
    }
    json_builder_end_array (b);
}

static void
json_member_int (JsonBuilder *b, const char *name, gint64 v)
{
    json_builder_set_member_name (b, name);
    json_builder_add_int_value (b, v);
}

static void
json_add_quality (JsonBuilder *b, const FtaQuality *q)
{
    json_builder_set_member_name (b, "quality");
    json_builder_begin_object (b);
    json_member_int (b, "lines_total", q->lines_total);
    json_member_int (b, "lines_header", q->lines_header);
    json_member_int (b, "lines_event", q->lines_event);
    json_member_int (b, "lines_unparsed", q->lines_unparsed);
    json_builder_set_member_name (b, "unparsed_examples");
    json_builder_begin_array (b);
    for (guint i = 0; i < q->unparsed_examples->len; i++) {
        const FtaUnparsed *u = &g_array_index (q->unparsed_examples, FtaUnparsed, i);
        json_builder_begin_object (b);
        json_member_int (b, "line", u->line);
        json_builder_set_member_name (b, "text");
        json_builder_add_string_value (b, u->text);
        json_builder_set_member_name (b, "why");
        json_builder_add_string_value (b, u->why);
        json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_set_member_name (b, "events_by_type");
    json_builder_begin_object (b);
    for (guint i = 0; i < q->event_counts->len && i < q->event_names->len; i++) {
        guint64 n = g_array_index (q->event_counts, guint64, i);
        if (n)
            json_member_int (b, g_ptr_array_index (q->event_names, i), n);
    }
    json_builder_end_object (b);
    json_member_int (b, "lost_events", q->lost_events);
    json_member_int (b, "lost_markers", q->lost_markers);
    json_member_int (b, "lost_markers_without_count", q->lost_unknown);
    json_member_int (b, "buffer_started", q->buffer_started);
    json_member_int (b, "entries_in_buffer", q->entries_in_buffer);
    json_member_int (b, "entries_written", q->entries_written);
    json_member_int (b, "out_of_order", q->out_of_order);
    json_member_int (b, "out_of_order_within_cpu", q->out_of_order_cpu);
    json_builder_set_member_name (b, "events_behind");
    json_builder_add_int_value (b, q->events_behind);
    json_member_int (b, "out_of_order_unplaced", q->out_of_order_unplaced);
    json_member_int (b, "max_step_back_ns", q->max_step_back_ns);
    json_member_int (b, "first_ts_ns", q->first_ts_ns);
    json_member_int (b, "last_ts_ns", q->last_ts_ns);
    json_member_int (b, "cpus", q->n_cpus);
    json_member_int (b, "cpus_seen", q->n_cpus_seen);
    json_builder_set_member_name (b, "cpu_list");
    json_builder_add_string_value (b, q->cpu_list ? q->cpu_list : "");
    json_member_int (b, "cpus_header", q->header_cpus);
    json_member_int (b, "inferred_switch_in", q->inferred_switch_in);
    json_member_int (b, "inferred_switch_out", q->inferred_switch_out);
    json_member_int (b, "switch_in_while_running", q->switch_in_while_running);
    json_member_int (b, "model_resets", q->model_resets);
    if (q->process_dump_threads)
        json_member_int (b, "process_dump_threads", q->process_dump_threads);
    json_builder_set_member_name (b, "truncated_last_line");
    json_builder_add_boolean_value (b, q->truncated_line != 0);
    json_builder_end_object (b);
}

static void
json_add_findings (JsonBuilder *b, const FtaResults *r)
{
    json_builder_set_member_name (b, "findings");
    json_builder_begin_array (b);
    for (guint i = 0; i < fta_results_n_findings (r); i++) {
        const FtaFinding *f = fta_results_finding (r, i);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "severity");
        json_builder_add_string_value (b, fta_severity_name (f->severity));
        json_builder_set_member_name (b, "code");
        json_builder_add_string_value (b, f->code);
        json_builder_set_member_name (b, "title");
        json_builder_add_string_value (b, f->title);
        json_builder_set_member_name (b, "evidence");
        json_builder_begin_object (b);
        for (guint k = 0; k < f->evidence_keys->len; k++) {
            json_builder_set_member_name (b, g_ptr_array_index (f->evidence_keys, k));
            json_builder_add_string_value (b, g_ptr_array_index (f->evidence_values, k));
        }
        json_builder_end_object (b);
        json_builder_set_member_name (b, "cause");
        json_builder_add_string_value (b, f->cause);
        json_builder_set_member_name (b, "advice");
        json_builder_add_string_value (b, f->advice);
        json_builder_end_object (b);
    }
    json_builder_end_array (b);
}

static gboolean
json_render (void *self, const FtaResults *r, FILE *out, GError **error)
{
    (void) error;
    Json *j = self;
    const FtaQuality *q = fta_results_quality (r);
    JsonBuilder *b = json_builder_new ();
    json_builder_begin_object (b);
    json_member_int (b, "version", 1);
    json_builder_set_member_name (b, "tool");
    json_builder_add_string_value (b, "ftrace-analyzer");
    json_builder_set_member_name (b, "input");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "path");
    json_builder_add_string_value (b, q->input_path);
    json_builder_set_member_name (b, "format");
    json_builder_add_string_value (b, q->format ? q->format : "unknown");
    json_builder_set_member_name (b, "variant");
    json_builder_add_string_value (b, q->format_variant ? q->format_variant : "");
    json_builder_set_member_name (b, "compression");
    json_builder_add_string_value (b, q->compression ? q->compression : "none");
    json_builder_set_member_name (b, "profile");
    json_builder_add_string_value (b, q->profile);
    if (q->file_version >= 0) {
        /* a trace.dat: what its header says */
        json_member_int (b, "file_version", q->file_version);
        json_member_int (b, "file_cpus", q->file_cpus);
        json_builder_set_member_name (b, "trace_clock");
        if (q->trace_clock)
            json_builder_add_string_value (b, q->trace_clock);
        else
            json_builder_add_null_value (b);
        json_builder_set_member_name (b, "tracecmd_version");
        if (q->tracecmd_version)
            json_builder_add_string_value (b, q->tracecmd_version);
        else
            json_builder_add_null_value (b);
        json_builder_set_member_name (b, "buffer");
        json_builder_add_string_value (b, q->buffer ? q->buffer : "");
        json_builder_set_member_name (b, "buffers");
        json_builder_add_string_value (b, q->buffers ? q->buffers : "");
    }
    json_builder_end_object (b);
    json_add_quality (b, q);

    json_builder_set_member_name (b, "tables");
    json_builder_begin_object (b);
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        const FtaTable *t = fta_results_table (r, i);
        if (fta_table_is_series (t))
            continue;
        json_builder_set_member_name (b, fta_table_full_name (t));
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "title");
        json_builder_add_string_value (b, fta_table_title (t));
        json_add_columns (b, t);
        json_add_rows (b, t);
        json_builder_end_object (b);
    }
    json_builder_end_object (b);

    json_builder_set_member_name (b, "series");
    json_builder_begin_object (b);
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        const FtaTable *t = fta_results_table (r, i);
        if (!fta_table_is_series (t))
            continue;
        json_builder_set_member_name (b, fta_table_full_name (t));
        json_builder_begin_object (b);
        json_member_int (b, "window_ns", fta_table_window_ns (t));
        json_member_int (b, "start_ns", fta_table_start_ns (t));
        json_add_columns (b, t);
        json_add_rows (b, t);
        json_builder_end_object (b);
    }
    json_builder_end_object (b);
    json_add_findings (b, r);
    json_builder_end_object (b);

    JsonGenerator *g = json_generator_new ();
    json_generator_set_pretty (g, j->pretty);
    JsonNode *root = json_builder_get_root (b);
    json_generator_set_root (g, root);
    gsize len;
    char *text = json_generator_to_data (g, &len);
    gboolean ok = fwrite (text, 1, len, out) == len && fputc ('\n', out) != EOF;
    g_free (text);
    json_node_unref (root);
    g_object_unref (g);
    g_object_unref (b);
    return ok;
}

static void
json_destroy (void *self)
{
    g_free (self);
}

static const FtaOptionSpec json_options[] = {
    { "pretty", FTA_OPT_BOOL, "true", "indent the document" },
    { NULL }
};

FTA_PLUGIN_DEFINE (
    .name = "json",
    .kind = FTA_PLUGIN_SINK,
    .summary = "one JSON document with every table, finding and the quality section",
    .options = json_options,
    .create = json_create,
    .render = json_render,
    .destroy = json_destroy,
    .extension = "json",
);
