/* output.c - where results go: -o planned into the context's output
 * directory and stem, each sink's file opened, rendered and closed,
 * `filter`'s stream finished, and the notes on standard error that go
 * with an output.
 *
 * Owns the output fields of the context (output_dir, output_stem,
 * output_is_dir).  Calls the sinks' render through the bus's instances.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "run.h"
#include "suggest.h"

/* -o PATH: a directory (existing, or named with a trailing '/') gets
 * DIR/report.EXT (DIR/STEM.EXT) from each sink; a file name is the one sink's file, or
 * PATH.EXT for each of several sinks. */
gboolean
fta_output_plan (FtaEngine *e, const char *output, const char *stem, GError **error)
{
    if (!output || strcmp (output, "-") == 0)
        return TRUE;
    if (g_file_test (output, G_FILE_TEST_IS_DIR) || g_str_has_suffix (output, "/")) {
        if (g_mkdir_with_parents (output, 0777) != 0) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot create directory %s: %s",
                         output, g_strerror (errno));
            return FALSE;
        }
        e->ctx.output_is_dir = TRUE;
        e->ctx.output_dir = g_strdup (output);
        e->ctx.output_stem = g_strdup (stem ? stem : "report");
        return TRUE;
    }
    e->ctx.output_dir = g_path_get_dirname (output);
    char *base = g_path_get_basename (output);
    char *dot = strrchr (base, '.');
    if (dot && dot != base)
        *dot = '\0';
    e->ctx.output_stem = base;
    return TRUE;
}

FILE *
fta_output_open (const FtaContext *ctx, const char *path, const char *ext, gboolean several,
             char **opened, GError **error)
{
    *opened = NULL;
    if (!path || strcmp (path, "-") == 0)
        return stdout;
    char *file;
    if (ctx && ctx->output_is_dir) {
        char *name = g_strconcat (ctx->output_stem, ".", ext ? ext : "out", NULL);
        file = g_build_filename (path, name, NULL);
        g_free (name);
    } else {
        file = several ? g_strconcat (path, ".", ext ? ext : "out", NULL) : g_strdup (path);
    }
    FILE *f = fopen (file, "w");
    if (!f) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s",
                     file, g_strerror (errno));
        g_free (file);
        return NULL;
    }
    *opened = file;
    return f;
}

/* `filter`: flushes and closes the output.  On a read error (READ_OK
 * FALSE, ERROR set) only closes it. */
gboolean
fta_output_finish_filter (FtaEngine *e, const char *path, gboolean read_ok, GError **error)
{
    int err = e->write_errno;
    if (fflush (e->out) != 0 && !err)
        err = errno;
    if (path && fclose (e->out) != 0 && !err)
        err = errno;
    e->out = NULL;
    if (!read_ok)
        return FALSE;
    if (err) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s",
                     path ? path : "standard output", g_strerror (err));
        return FALSE;
    }
    return TRUE;
}

/* --events names that no event of the trace has: likely a typo. */
void
fta_output_note_unmatched_events (const FtaEngine *e, const char *path)
{
    const FtaQuality *q = &e->q;
    for (guint i = 0; e->event_patterns && e->event_patterns[i]; i++) {
        gboolean seen = FALSE;
        for (guint id = 0; !seen && id < q->event_names->len; id++)
            seen = g_array_index (q->event_counts, guint64, id) > 0
                   && g_pattern_match_simple (e->event_patterns[i],
                                              g_ptr_array_index (q->event_names, id));
        if (!seen)
            g_printerr ("ftrace-analyzer: --events: no event of %s is named '%s'\n",
                        path, e->event_patterns[i]);
    }
}

void
fta_output_note_unmatched_tasks (const FtaEngine *e, const char *path)
{
    const FtaContext *ctx = &e->ctx;
    if ((!ctx->comm_re && !ctx->pids) || !e->model)
        return;
    guint n = fta_model_n_tasks (e->model);
    GPtrArray *comms = g_ptr_array_new ();
    for (guint id = 0; id < n; id++) {
        gint32 pid = fta_model_task_pid (e->model, id);
        const char *comm = fta_model_task_comm (e->model, id);
        if (pid <= 0 || !comm)
            continue;
        if (fta_context_task_selected_id (ctx, id, pid, comm)) {
            g_ptr_array_free (comms, TRUE);
            return;
        }
        g_ptr_array_add (comms, (gpointer) comm);
    }
    if (ctx->comm_re) {
        const char *re = g_regex_get_pattern (ctx->comm_re);
        char *near = fta_suggest_nearest (re, (const char *const *) comms->pdata,
                                          comms->len, 5);
        g_printerr ("ftrace-analyzer: --comm '%s'%s matches no task of %s%s%s\n", re,
                    ctx->pids ? " with --pid" : "", path, near ? "; nearest comms: " : "",
                    near ? near : "");
        g_free (near);
    } else {
        /* the pids nearest to the lowest one asked for, with their comms */
        GList *asked = g_hash_table_get_keys (ctx->pids);
        gint64 want = G_MAXINT32;
        for (GList *l = asked; l; l = l->next)
            want = MIN (want, GPOINTER_TO_INT (l->data));
        g_list_free (asked);
        GString *s = g_string_new (NULL);
        guint32 chosen[3];
        guint n_chosen = 0;
        while (n_chosen < G_N_ELEMENTS (chosen)) {
            guint32 best = FTA_TASK_NONE;
            gint64 bd = G_MAXINT64;
            for (guint id = 0; id < n; id++) {
                gint32 pid = fta_model_task_pid (e->model, id);
                gint64 d = ABS ((gint64) pid - want);
                gboolean taken = FALSE;
                for (guint k = 0; k < n_chosen; k++)
                    taken |= fta_model_task_pid (e->model, chosen[k]) == pid;
                if (pid > 0 && !taken && fta_model_task_comm (e->model, id) && d < bd) {
                    bd = d;
                    best = id;
                }
            }
            if (best == FTA_TASK_NONE)
                break;
            chosen[n_chosen++] = best;
            g_string_append_printf (s, "%s%d (%s)", s->len ? ", " : "",
                                    fta_model_task_pid (e->model, best),
                                    fta_model_task_comm (e->model, best));
        }
        g_printerr ("ftrace-analyzer: --pid matches no task of %s%s%s\n", path,
                    s->len ? "; nearest pids: " : "", s->str);
        g_string_free (s, TRUE);
    }
    g_ptr_array_free (comms, TRUE);
}

void
fta_output_note_filtered (const FtaEngine *e, const char *path)
{
    const FtaQuality *q = &e->q;
    g_printerr ("ftrace-analyzer: filter: %" G_GUINT64_FORMAT " lines read, %"
                G_GUINT64_FORMAT " written (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " events, %" G_GUINT64_FORMAT " header and marker lines)%s%s, %"
                G_GUINT64_FORMAT " not understood (dropped)\n",
                q->lines_total, e->written_events + e->written_other, e->written_events,
                q->lines_event, e->written_other, path ? " to " : "", path ? path : "",
                q->lines_unparsed);
    if (q->out_of_order_unplaced)
        g_printerr ("ftrace-analyzer: --sort: %" G_GUINT64_FORMAT " events came later "
                    "than the window allows and stay where they were; give a larger "
                    "window (--sort=SECONDS)\n", q->out_of_order_unplaced);
}

/* --tables patterns that match no table: likely a typo. */
static void
note_unmatched_tables (const FtaResults *results, char **patterns)
{
    guint n = fta_results_n_tables (results);
    const char **names = g_new0 (const char *, n + 1);
    for (guint i = 0; i < n; i++)
        names[i] = fta_table_full_name (fta_results_table (results, i));
    for (char **p = patterns; *p; p++) {
        char *one[] = { *p, NULL };
        FtaResults *v = fta_results_select (results, one);
        gboolean seen = fta_results_n_tables (v) > 0;
        fta_results_free_view (v);
        if (seen)
            continue;
        char *near = fta_suggest_clause (*p, names, n);
        g_printerr ("ftrace-analyzer: --tables: no table is named '%s'%s "
                    "(-f json without --tables lists every table)\n", *p, near);
        g_free (near);
    }
    g_free (names);
}

/* Renders RESULTS (only the tables --tables selects) with every sink
 * instance of E to the run's output. */
int
fta_output_render_sinks (FtaEngine *e, const FtaRunConfig *rc, const FtaResults *all,
              GError **error)
{
    FtaResults *view = rc->tables ? fta_results_select (all, rc->tables) : NULL;
    const FtaResults *results = view ? view : all;
    if (view && !rc->quiet)
        note_unmatched_tables (all, rc->tables);
    int code = FTA_EXIT_OK;
    const char *output = fta_pick (rc->output, rc->profile->output);
    guint n_sinks = 0;
    for (guint i = 0; i < e->instances->len; i++)
        n_sinks += ((FtaInstance *) g_ptr_array_index (e->instances, i))->plugin->desc->kind
                   == FTA_PLUGIN_SINK;
    for (guint i = 0; i < e->instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (e->instances, i);
        const FtaPluginDescriptor *d = in->plugin->desc;
        if (d->kind != FTA_PLUGIN_SINK)
            continue;
        char *opened;
        FILE *out = fta_output_open (&e->ctx, output, d->extension, n_sinks > 1, &opened, error);
        if (!out) {
            code = FTA_EXIT_OUTPUT;
            break;
        }
        GError *err = NULL;
        gboolean ok = d->render (in->self, results, out, &err);
        if (fflush (out) != 0 && ok) {
            g_set_error (&err, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s",
                         opened ? opened : "standard output", g_strerror (errno));
            ok = FALSE;
        }
        if (opened && fclose (out) != 0 && ok) {
            g_set_error (&err, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s",
                         opened, g_strerror (errno));
            ok = FALSE;
        }
        if (!ok) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "sink '%s': %s", d->name,
                         err ? err->message : "failed");
            g_clear_error (&err);
            if (opened)
                g_unlink (opened); /* no half-written output is left behind */
            g_free (opened);
            code = FTA_EXIT_OUTPUT;
            break;
        }
        if (opened && !rc->quiet)
            g_printerr ("ftrace-analyzer: wrote %s\n", opened);
        g_free (opened);
    }
    fta_results_free_view (view);
    return code;
}
