/* engine.c - one run: the plugins set up, the input read to the end, the
 * model finished, the analyzers' results rendered by the sinks.  The read
 * loop accounts for every line as it arrives (header, marker, event, not
 * understood, too long) and hands each on, in file order, to the --sort
 * window (sorter.c) or straight to the bus (bus.c).
 *
 * Owns the FtaEngine (init and clear), the quality counters of arrival
 * (lines, examples of lines not understood, timestamps going back), and
 * the input and parser while reading.  Calls select.c to set up, bus.c to
 * load and create plugins, output.c to plan and render.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pipeline.h"
#include "reader-tracedat.h"
#include "run.h"

#define MAX_EXAMPLES 10
#define EXAMPLE_CHARS 200

static void
add_example (FtaEngine *e, guint64 line_no, const char *line, gsize len,
             const char *why)
{
    if (e->q.unparsed_examples->len >= MAX_EXAMPLES)
        return;
    gsize n = MIN (len, (gsize) EXAMPLE_CHARS);
    char *tmp = g_strndup (line, n);
    /* keep the example printable: NULs and control bytes become '?' */
    for (gsize i = 0; i < n; i++)
        if ((guchar) tmp[i] < 0x20 && tmp[i] != '\t')
            tmp[i] = '?';
    char *valid = g_utf8_make_valid (tmp, n);
    FtaUnparsed u = {
        .line = line_no,
        .text = g_string_chunk_insert (e->strings, valid),
        .why = why,
    };
    g_free (valid);
    g_free (tmp);
    g_array_append_val (e->q.unparsed_examples, u);
}

/* Timestamps going back, in the order the lines arrive (before --sort):
 * steps back are counted from the previous line (as a reader of the text
 * sees them); lines behind are those earlier than the latest time already
 * read, which the model takes as they come unless --sort puts them in
 * place. */
static void
note_order (FtaEngine *e, const FtaEvent *ev)
{
    FtaQuality *q = &e->q;
    if (ev->cpu >= 0 && ev->cpu < 4096) {
        while (e->cpu_last_ts->len <= (guint) ev->cpu) {
            gint64 none = G_MININT64;
            g_array_append_val (e->cpu_last_ts, none);
        }
        gint64 *last = &g_array_index (e->cpu_last_ts, gint64, ev->cpu);
        if (ev->ts_ns < *last)
            q->out_of_order_cpu++;
        *last = ev->ts_ns;
    }
    if (!e->arrived) {
        e->arrived = TRUE;
        e->arrival_max_ts = ev->ts_ns;
    } else {
        if (ev->ts_ns < e->prev_ts)
            q->out_of_order++;
        if (ev->ts_ns < e->arrival_max_ts) {
            q->events_behind++;
            if (e->arrival_max_ts - ev->ts_ns > q->max_step_back_ns)
                q->max_step_back_ns = e->arrival_max_ts - ev->ts_ns;
        } else {
            e->arrival_max_ts = ev->ts_ns;
        }
    }
    e->prev_ts = ev->ts_ns;
}

/* A line read: on to the model (or the output) now, or through the window. */
static void
route_line (FtaEngine *e, FtaLineKind kind, FtaEvent *ev, const char *line, gsize len)
{
    if (e->sorter)
        fta_sorter_push (e->sorter, kind, ev, line, len);
    else
        fta_bus_emit_line (e, kind, ev, line, len);
}
/* --- set-up ----------------------------------------------------------------- */

/* A systrace PROCESS DUMP's tgids, for the tasks whose lines have none. */
static gint32
dump_tgid (gconstpointer parser, gint32 pid)
{
    return fta_parser_dump_tgid (parser, pid);
}

void
fta_engine_init (FtaEngine *e)
{
    memset (e, 0, sizeof *e);
    e->q.unparsed_examples = g_array_new (FALSE, FALSE, sizeof (FtaUnparsed));
    e->q.event_counts = g_array_new (FALSE, TRUE, sizeof (guint64));
    e->q.event_names = g_ptr_array_new ();
    e->q.first_ts_ns = -1;
    e->q.last_ts_ns = -1;
    e->q.entries_in_buffer = -1;
    e->q.entries_written = -1;
    e->q.header_cpus = -1;
    e->cpu_seen = g_byte_array_new ();
    e->q.file_version = -1;
    e->q.file_cpus = -1;
    e->parser = fta_parser_new ();
    e->model = fta_model_new (&e->q, fta_bus_dispatch_span, e);
    fta_model_set_tgid_source (e->model, dump_tgid, e->parser);
    fta_context_init (&e->ctx, e->model);
    e->instances = g_ptr_array_new ();
    e->cpu_last_ts = g_array_new (FALSE, FALSE, sizeof (gint64));
    e->strings = g_string_chunk_new (4096);
    e->name_verdict = g_array_new (FALSE, TRUE, sizeof (guint8));
    e->comm_verdict = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
fta_engine_clear (FtaEngine *e)
{
    for (guint i = 0; i < e->instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (e->instances, i);
        if (in->self && in->plugin->desc->destroy)
            in->plugin->desc->destroy (in->self);
        if (!in->borrowed) {
            fta_options_free (in->opts);
            fta_plugin_unload (in->plugin);
        }
        g_free (in);
    }
    g_ptr_array_free (e->instances, TRUE);
    for (guint i = 0; i < FTA_EV__COUNT; i++)
        if (e->subs[i])
            g_ptr_array_free (e->subs[i], TRUE);
    if (e->subs_by_name)
        g_ptr_array_free (e->subs_by_name, TRUE);
    if (e->cpus)
        g_hash_table_destroy (e->cpus);
    if (e->holders)
        g_array_free (e->holders, TRUE);
    fta_context_clear (&e->ctx);
    fta_model_free (e->model);
    fta_parser_free (e->parser);
    g_array_free (e->q.unparsed_examples, TRUE);
    g_array_free (e->q.event_counts, TRUE);
    g_ptr_array_free (e->q.event_names, TRUE);
    g_array_free (e->cpu_last_ts, TRUE);
    g_byte_array_free (e->cpu_seen, TRUE);
    g_string_chunk_free (e->strings);
    g_strfreev (e->event_patterns);
    g_array_free (e->name_verdict, TRUE);
    g_hash_table_destroy (e->comm_verdict);
    fta_sorter_free (e->sorter);
}
/* --- the loop --------------------------------------------------------------- */

/* One line, in file order: KIND is a FtaLineKind or FTA_LINE_TOO_LONG. */
static inline void
take_line (FtaEngine *e, guint kind, FtaEvent *ev, const char *line, gsize len,
           const char *why, guint64 line_no)
{
    FtaQuality *q = &e->q;
    switch (kind) {
    case FTA_LINE_TOO_LONG:
        q->lines_unparsed++;
        add_example (e, line_no, line, len, "line longer than 1 MiB");
        break;
    case FTA_LINE_HEADER:
        q->lines_header++;
        if (e->filter_lines)
            route_line (e, kind, ev, line, len);
        break;
    case FTA_LINE_UNPARSED:
        q->lines_unparsed++;
        add_example (e, line_no, line, len, why);
        break;
    case FTA_LINE_MARKER:
        q->lines_header++;
        route_line (e, kind, ev, line, len);
        break;
    case FTA_LINE_EVENT:
        q->lines_event++;
        note_order (e, ev);
        route_line (e, kind, ev, line, len);
        break;
    }
}

/* The CPUs that had events, as "0-3,8": a range for each run. */
static const char *
cpu_list (FtaEngine *e)
{
    GString *s = g_string_new (NULL);
    const guint8 *seen = e->cpu_seen->data;
    guint n = e->cpu_seen->len;
    for (guint c = 0; c < n; c++) {
        if (!seen[c])
            continue;
        guint last = c;
        while (last + 1 < n && seen[last + 1])
            last++;
        g_string_append_printf (s, "%s%u", s->len ? "," : "", c);
        if (last > c)
            g_string_append_printf (s, "-%u", last);
        c = last;
    }
    const char *list = g_string_chunk_insert (e->strings, s->str);
    g_string_free (s, TRUE);
    return list;
}

/* The rest of IN parsed on worker threads; the lines come back in file
 * order and go on exactly as read_all takes them.  Of E->jobs threads, an
 * analysis keeps one for this thread's model and plugins (the serial part:
 * sharing its core with a parser slows the whole run); `events` and
 * `filter`, light here, parse on all of them. */
static gboolean
read_parallel (FtaEngine *e, FtaInput *in, guint64 *line_no, FtaProgress *progress,
               GError **error)
{
    guint workers = e->counts_only || e->filter_lines ? e->jobs : MAX (e->jobs - 1, 1u);
    FtaPipeline *pl = fta_pipeline_start (in, e->parser, workers);
    const guint fixed = fta_parser_n_fixed_names ();
    /* per worker: its name ids -> the run's */
    GArray **ids = g_new (GArray *, workers);
    for (guint w = 0; w < workers; w++) {
        ids[w] = g_array_new (FALSE, FALSE, sizeof (guint));
        for (guint i = 0; i < fixed; i++)
            g_array_append_val (ids[w], i);
    }
    const FtaBatch *b;
    while (!e->write_errno && (b = fta_pipeline_next (pl)) != NULL) {
        fta_progress_update (progress, b->input_pos, b->input_bytes);
        GArray *map = ids[b->worker];
        /* new names first, in the order the worker met them: the run's ids
         * come out in the order of the file */
        for (guint i = 0; i < b->n_new_names; i++) {
            guint id = fta_parser_intern (e->parser, b->new_names[i]);
            g_array_append_val (map, id);
        }
        if (b->has_entries)
            fta_parser_set_entries (e->parser, b->entries_in_buffer, b->entries_written,
                                    b->header_cpus);
        const guint *to = (const guint *) (gpointer) map->data;
        FtaParsedLine *r = (FtaParsedLine *) b->lines, *end = r + b->n_lines;
        for (; r < end && !e->write_errno; r++) {
            ++*line_no;
            if (r->kind == FTA_LINE_EVENT && r->ev.name_id >= fixed) {
                g_assert (r->ev.name_id < map->len);
                r->ev.name_id = to[r->ev.name_id];
            }
            r->ev.line_no = *line_no;
            take_line (e, r->kind, &r->ev, r->line, r->len, r->why, *line_no);
        }
        fta_pipeline_release (pl, b);
    }
    for (guint w = 0; w < workers; w++)
        g_array_free (ids[w], TRUE);
    g_free (ids);
    return fta_pipeline_finish (pl, error);
}

/* Reads IN to the end (or to the first write error of `filter`).  With
 * -j above 1, the lines up to the first event are parsed here (they
 * decide the format), the rest on worker threads, unless the input is a
 * systrace HTML file (its lines only parse in sequence). */
static gboolean
read_all (FtaEngine *e, FtaInput *in, GError **error)
{
    const char *line;
    gsize len;
    gboolean too_long;
    guint64 line_no = 0;
    FtaEvent ev;
    GError *err = NULL;
    FtaQuality *q = &e->q;
    gboolean split = FALSE;
    gboolean no_nul = FALSE; /* told to the parser */

    memset (&ev, 0, sizeof ev);
    /* not for `filter`: its lines stream to the terminal */
    FtaProgress *progress = fta_progress_new (!e->quiet && !e->filter_lines, e->progress,
                                              fta_input_path (in),
                                              fta_input_size (in));
    while (!e->write_errno && fta_input_next_line (in, &line, &len, &too_long, &err)) {
        line_no++;
        if (G_UNLIKELY ((line_no & 0xffff) == 0))
            fta_progress_update (progress, fta_input_position (in), fta_input_bytes (in));
        if (too_long) {
            take_line (e, FTA_LINE_TOO_LONG, &ev, line, len, NULL, line_no);
            continue;
        }
        const char *why = NULL;
        ev.line_no = line_no;
        if (G_UNLIKELY (no_nul == fta_input_saw_nul (in))) {
            no_nul = !no_nul;
            fta_parser_set_no_nul (e->parser, no_nul);
        }
        FtaLineKind kind = fta_parser_parse_line (e->parser, line, len, &ev, &why);
        take_line (e, kind, &ev, line, len, why, line_no);
        if (kind == FTA_LINE_EVENT && e->jobs > 1 && fta_parser_can_split (e->parser)) {
            split = TRUE;
            break;
        }
    }
    fta_parser_set_no_nul (e->parser, FALSE);
    if (split && !e->write_errno)
        read_parallel (e, in, &line_no, progress, &err);
    fta_progress_free (progress);
    if (e->sorter && !err)
        fta_sorter_finish (e->sorter);
    q->lines_total = line_no;
    q->truncated_line = fta_input_unterminated (in) ? 1 : 0;
    q->compression = fta_input_compression (in);
    if (err) {
        g_propagate_error (error, err);
        return FALSE;
    }
    q->entries_in_buffer = fta_parser_entries_in_buffer (e->parser);
    q->entries_written = fta_parser_entries_written (e->parser);
    q->header_cpus = fta_parser_header_cpus (e->parser);
    q->cpu_list = cpu_list (e);
    for (guint i = 0; i < fta_parser_n_names (e->parser); i++)
        g_ptr_array_add (q->event_names, (gpointer) fta_parser_name (e->parser, i));
    g_array_set_size (q->event_counts, MAX (q->event_counts->len, q->event_names->len));
    q->format = fta_parser_format (e->parser);
    q->format_variant = fta_parser_variant (e->parser);
    q->process_dump_threads = fta_parser_dump_threads (e->parser);
    return TRUE;
}

/* A trace.dat, record by record (reader-tracedat.c): its lines go on
 * exactly as read_all takes a text's.  Decoding threads: as for text, an
 * analysis keeps one thread for the model and the plugins. */
static gboolean
read_tracedat (FtaEngine *e, const FtaRunConfig *rc, int unpacked, const char *packed,
               GError **error)
{
    FtaQuality *q = &e->q;
    guint text = 0;
    guint64 types = 0;
    if (e->filter_lines) {
        text = FTA_TRACEDAT_LINES;
    } else if (!e->counts_only) {
        /* the field text of events without typed fields, for the plugins
         * that read it */
        text = FTA_TRACEDAT_FIELDS;
        for (guint t = 0; t < FTA_EV__COUNT && t < 64; t++)
            if (e->subs[t] || e->by_name)
                types |= G_GUINT64_CONSTANT (1) << t;
    }
    guint workers = e->jobs <= 1 ? 0
                    : e->counts_only || e->filter_lines ? e->jobs : e->jobs - 1;
    /* standard input redirected from a trace.dat: the same file again; a
     * compressed one: the file it was unpacked into */
    char fd_path[48];
    const char *path = strcmp (rc->input_path, "-") == 0 ? "/dev/stdin" : rc->input_path;
    if (unpacked >= 0) {
        g_snprintf (fd_path, sizeof fd_path, "/proc/self/fd/%d", unpacked);
        path = fd_path;
    }
    fta_signals_mapped_input (rc->input_path);
    FtaTraceDat *t = fta_tracedat_open (path, rc->buffer, e->parser, workers, text, types,
                                        error);
    if (!t)
        return FALSE;
    FtaLineKind kind;
    FtaEvent *ev, header;
    const char *line, *why;
    gsize len;
    guint64 line_no = 0;
    memset (&header, 0, sizeof header);
    while (!e->write_errno && fta_tracedat_next (t, &kind, &ev, &line, &len, &why)) {
        line_no++;
        if (!ev)
            ev = &header;
        ev->line_no = line_no;
        take_line (e, kind, ev, line, len, why, line_no);
    }
    gboolean ok = fta_tracedat_finish (t, error);
    if (ok && e->sorter)
        fta_sorter_finish (e->sorter);
    const FtaTraceDatInfo *info = fta_tracedat_info (t);
    q->lines_total = line_no;
    q->format = "trace.dat";
    q->compression = packed;
    GString *v = g_string_new (NULL);
    g_string_printf (v, "trace-cmd file version %d", info->file_version);
    if (info->compression)
        g_string_append_printf (v, ", %s-compressed", info->compression);
    if (*info->buffer)
        g_string_append_printf (v, ", buffer %s", info->buffer);
    q->format_variant = g_string_chunk_insert (e->strings, v->str);
    g_string_free (v, TRUE);
    q->file_version = info->file_version;
    q->file_cpus = info->cpus;
    q->trace_clock = info->clock ? g_string_chunk_insert (e->strings, info->clock) : NULL;
    q->tracecmd_version = info->tracecmd_version
                          ? g_string_chunk_insert (e->strings, info->tracecmd_version)
                          : NULL;
    q->buffer = g_string_chunk_insert (e->strings, info->buffer);
    q->buffers = g_string_chunk_insert (e->strings, info->buffers);
    fta_tracedat_close (t);
    if (!ok)
        return FALSE;
    for (guint i = 0; i < fta_parser_n_names (e->parser); i++)
        g_ptr_array_add (q->event_names, (gpointer) fta_parser_name (e->parser, i));
    g_array_set_size (q->event_counts, MAX (q->event_counts->len, q->event_names->len));
    return TRUE;
}

static gboolean
check_has_events (FtaEngine *e, const char *path, GError **error)
{
    if (e->q.lines_event > 0)
        return TRUE;
    GString *m = g_string_new (NULL);
    if (e->q.lines_total == 0)
        g_string_append_printf (m, "%s is empty: no trace events to analyze", path);
    else
        g_string_append_printf (m, "no trace events found in %s (%" G_GUINT64_FORMAT
                                " lines: %" G_GUINT64_FORMAT " header, %"
                                G_GUINT64_FORMAT " not understood)",
                                path, e->q.lines_total, e->q.lines_header,
                                e->q.lines_unparsed);
    if (e->q.unparsed_examples->len) {
        FtaUnparsed *u = &g_array_index (e->q.unparsed_examples, FtaUnparsed, 0);
        g_string_append_printf (m, "; line %" G_GUINT64_FORMAT ": %s: \"%.60s\"",
                                u->line, u->why, u->text);
    }
    g_string_append (m, ". Understood: ftrace text as written by "
                     "'cat /sys/kernel/tracing/trace' or trace_pipe");
    g_set_error_literal (error, FTA_ERROR, FTA_EXIT_NO_EVENTS, m->str);
    g_string_free (m, TRUE);
    return FALSE;
}

void
fta_plugin_set_free (FtaPluginSet *set)
{
    if (!set)
        return;
    for (guint i = 0; i < set->instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (set->instances, i);
        fta_options_free (in->opts);
        fta_plugin_unload (in->plugin);
        g_free (in);
    }
    g_ptr_array_free (set->instances, TRUE);
    g_free (set);
}

FtaPluginSet *
fta_plugin_set_load (const FtaRunConfig *rc, GError **error)
{
    const FtaProfile *p = rc->profile;
    char **sinks = rc->formats && rc->formats[0] ? rc->formats : p->sinks;
    GPtrArray *dirs = fta_plugin_search_path (rc->plugin_dirs, p->plugin_dirs);
    FtaPluginSet *set = g_new0 (FtaPluginSet, 1);
    set->instances = g_ptr_array_new ();
    gboolean ok = TRUE;
    for (char **a = p->analyzers; ok && a && *a; a++)
        ok = fta_bus_add_instance (set->instances, *a, FTA_PLUGIN_ANALYZER, dirs, p, error);
    for (char **s = sinks; ok && !rc->keep && s && *s; s++)
        ok = fta_bus_add_instance (set->instances, *s, FTA_PLUGIN_SINK, dirs, p, error);
    if (ok) {
        GPtrArray *names = g_ptr_array_new ();
        for (guint i = 0; i < set->instances->len; i++)
            g_ptr_array_add (names, (gpointer) ((FtaInstance *) g_ptr_array_index (
                                                    set->instances, i))->plugin->desc->name);
        g_ptr_array_add (names, NULL);
        ok = fta_profile_check_sections (p, dirs, (char **) names->pdata, error);
        g_ptr_array_free (names, TRUE);
    }
    g_ptr_array_free (dirs, TRUE);
    if (!ok) {
        fta_plugin_set_free (set);
        return NULL;
    }
    return set;
}

int
fta_engine_run (const FtaRunConfig *rc, GError **error)
{
    FtaEngine e;
    fta_engine_init (&e);
    int code = FTA_EXIT_OK;
    FtaResults *results = NULL;
    FtaPluginSet *own_set = NULL;
    const FtaProfile *p = rc->profile;
    char **sinks = rc->formats && rc->formats[0] ? rc->formats : p->sinks;

    gboolean plugins = !rc->events_only && !rc->filter_lines;
    FtaOutFile out_file = { NULL, NULL, NULL }; /* `filter`'s */
    int unpacked = -1; /* a compressed trace.dat, unpacked */
    e.filter_lines = rc->filter_lines;
    e.counts_only = rc->events_only != NULL;
    e.quiet = rc->quiet;
    e.progress = rc->progress;
    e.jobs = rc->jobs > 0 ? rc->jobs : MAX (g_get_num_processors (), 1u);

    if (!fta_select_setup (&e, rc, error))
        goto fail;
    if (plugins && !rc->keep && (!sinks || !sinks[0])) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "profile %s selects no output: give -f text (or json), or set "
                     "sinks = [ \"text\" ]; in the profile", p->source);
        goto fail;
    }
    if (plugins) {
        const FtaPluginSet *set = rc->plugins;
        if (!set && !(set = own_set = fta_plugin_set_load (rc, error)))
            goto fail;
        /* instances of their own: the plugins and options are the set's */
        for (guint i = 0; i < set->instances->len; i++) {
            const FtaInstance *t = g_ptr_array_index (set->instances, i);
            FtaInstance *in = g_new0 (FtaInstance, 1);
            in->plugin = t->plugin;
            in->opts = t->opts;
            in->borrowed = TRUE;
            g_ptr_array_add (e.instances, in);
        }
        const char *inputs[] = { rc->input_path, NULL };
        if ((!rc->keep && (!fta_output_plan (&e, fta_pick (rc->output, p->output),
                                             rc->output_stem, error)
                           || !fta_output_check_sinks (&e, fta_pick (rc->output, p->output),
                                                       inputs, error)))
            || !fta_bus_create_instances (&e, error))
            goto fail;
    }
    e.q.input_path = rc->input_path;
    e.q.profile = p->source;
    gboolean tracedat = FALSE;
    const char *packed = NULL;
    if (!fta_sniff_path (rc->input_path, &tracedat, error)
        || (!tracedat && !fta_sniff_packed_tracedat (rc->input_path, &unpacked, &packed, error)))
        goto fail;
    tracedat = tracedat || unpacked >= 0;
    if (rc->buffer && *rc->buffer && !tracedat) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "--buffer %s: %s is not a trace.dat; buffers (instances recorded "
                     "with trace-cmd record -B NAME) are read from a trace.dat only",
                     rc->buffer, rc->input_path);
        goto fail;
    }
    FtaInput *input = NULL;
    if (!tracedat && !(input = fta_input_open (rc->input_path, error)))
        goto fail;
    if (rc->filter_lines) {
        /* opened once the input is known to open: a missing trace leaves
         * no empty output behind */
        const char *inputs[] = { rc->input_path, NULL };
        const char *to = rc->output && strcmp (rc->output, "-") != 0 ? rc->output : NULL;
        if (!fta_output_refuse_input (to, inputs, error)
            || !fta_output_begin (NULL, rc->output, NULL, FALSE, &out_file, error)) {
            if (input)
                fta_input_close (input);
            goto fail;
        }
        e.out = out_file.f;
        setvbuf (e.out, NULL, _IOFBF, 1u << 20);
    }
    gboolean read_ok;
    if (tracedat) {
        read_ok = read_tracedat (&e, rc, unpacked, packed, error);
    } else {
        read_ok = read_all (&e, input, error);
        fta_input_close (input);
    }
    if (rc->filter_lines) {
        /* on a read error, or with no event, what was written is removed */
        e.out = NULL;
        gboolean ok = read_ok && check_has_events (&e, rc->input_path, error);
        if (!fta_output_end (&out_file, ok, e.write_errno, error) || !ok)
            goto fail;
    } else if (!read_ok) {
        goto fail;
    }
    if (!check_has_events (&e, rc->input_path, error))
        goto fail;
    if (!rc->quiet)
        fta_output_note_unmatched_events (&e, rc->input_path);
    if (rc->filter_lines) {
        if (!rc->quiet)
            fta_output_note_filtered (&e, out_file.path);
        goto done;
    }
    if (!rc->events_only && !fta_select_check_window (&e, rc->input_path, error))
        goto fail;
    if (!rc->quiet && !rc->events_only)
        fta_output_note_unmatched_tasks (&e, rc->input_path);
    if (e.q.first_ts_ns >= 0)
        fta_model_finish (e.model, e.q.last_ts_ns);

    results = fta_results_new ();
    results->quality = &e.q;
    if (rc->events_only) {
        rc->events_only (results, rc->events_data);
        goto done;
    }
    for (guint i = 0; i < e.instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (e.instances, i);
        if (in->plugin->desc->kind == FTA_PLUGIN_SINK || !in->plugin->desc->finish)
            continue;
        /* what an analyzer of an earlier ABI reads stays valid */
        if (in->plugin->desc->abi_minor < 20)
            fta_results_settle (results);
        in->plugin->desc->finish (in->self, results);
    }
    fta_needs_check (&e, results, rc->input_path, rc->quiet);
    fta_results_sort_findings (results);
    if (rc->on_results)
        rc->on_results (results, rc->results_data);
    if (rc->keep) {
        *rc->keep = fta_results_copy (results);
        goto done;
    }
    code = fta_output_render_sinks (&e, rc, results, error);
    goto done;

fail:
    code = (error && *error) ? (*error)->code : FTA_EXIT_OUTPUT;
    if (out_file.f) /* a failed filter leaves no partial output */
        fta_output_end (&out_file, FALSE, 0, NULL);
done:
    if (unpacked >= 0)
        close (unpacked);
    fta_output_clear (&out_file);
    fta_results_free (results);
    fta_engine_clear (&e);
    fta_plugin_set_free (own_set);
    return code;
}
