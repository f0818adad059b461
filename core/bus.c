/* bus.c - the plugins in use, and the way of every line from the read
 * loop (or the --sort window) to them: counted, fed to the sched model,
 * then passed to the analyzers subscribed to its type if the report
 * filters let it through; the model's spans likewise.  `filter` writes
 * the lines instead.
 *
 * Owns the engine's instances and subscriptions, and `filter`'s output
 * stream state (out, write_errno, written_*).  Asks select.c what is
 * reported.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "run.h"

static gboolean
check_kind (const FtaPlugin *p, FtaPluginKind want, GError **error)
{
    if (p->desc->kind == want)
        return TRUE;
    const char *kind = fta_plugin_kind_name (p->desc->kind);
    g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                 "plugin '%s' (%s) is a%s %s, not a%s %s: list it under %s",
                 p->desc->name, p->path, kind[0] == 'a' ? "n" : "", kind,
                 want == FTA_PLUGIN_ANALYZER ? "n" : "", fta_plugin_kind_name (want),
                 p->desc->kind == FTA_PLUGIN_SINK ? "'sinks' (or -f)"
                 : p->desc->kind == FTA_PLUGIN_COMPARATOR ? "'compare' (the command)"
                 : "'analyzers'");
    return FALSE;
}

gboolean
fta_bus_add_instance (GPtrArray *instances, const char *name, FtaPluginKind want,
                      GPtrArray *dirs, const FtaProfile *profile, GError **error)
{
    for (guint i = 0; i < instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (instances, i);
        if (strcmp (in->plugin->desc->name, name) == 0)
            return check_kind (in->plugin, want, error); /* listed twice: run once */
    }
    FtaPlugin *p = fta_plugin_load (name, dirs, error);
    if (!p)
        return FALSE;
    if (!check_kind (p, want, error)) {
        fta_plugin_unload (p);
        return FALSE;
    }
    FtaOptions *opts = fta_options_new (profile, p->desc, error);
    if (!opts) {
        fta_plugin_unload (p);
        return FALSE;
    }
    FtaInstance *in = g_new0 (FtaInstance, 1);
    in->plugin = p;
    in->opts = opts;
    g_ptr_array_add (instances, in);
    return TRUE;
}

gboolean
fta_bus_create_instances (FtaEngine *e, GError **error)
{
    for (guint i = 0; i < e->instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (e->instances, i);
        const FtaPluginDescriptor *d = in->plugin->desc;
        if (d->create) {
            GError *err = NULL;
            in->self = d->create (&e->ctx, in->opts, &err);
            if (!in->self) {
                g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                             "plugin '%s' (%s) could not start: %s", d->name,
                             in->plugin->path, err ? err->message : "no reason given");
                g_clear_error (&err);
                return FALSE;
            }
        }
        if (d->abi_minor >= 12 && d->event_names && d->event_names[0] && d->on_event)
            e->by_name = TRUE;
        for (const FtaEventType *t = d->events; t && *t != FTA_EV_NONE; t++) {
            if (*t >= FTA_EV__COUNT)
                continue;
            if ((*t == FTA_EV_SPAN && !d->on_span) || (*t != FTA_EV_SPAN && !d->on_event))
                continue;
            if (!e->subs[*t])
                e->subs[*t] = g_ptr_array_new ();
            g_ptr_array_add (e->subs[*t], in);
        }
    }
    return TRUE;
}

static gboolean
subscribed_to_type (const FtaPluginDescriptor *d, FtaEventType type)
{
    for (const FtaEventType *t = d->events; t && *t != FTA_EV_NONE; t++)
        if (*t == type)
            return TRUE;
    return FALSE;
}

static gboolean
subscribed_to_name (const FtaPluginDescriptor *d, const char *name)
{
    if (d->abi_minor < 12 || !name)
        return FALSE;
    for (const char *const *p = d->event_names; p && *p; p++)
        if (g_pattern_match_simple (*p, name))
            return TRUE;
    return FALSE;
}

static void
free_subs (gpointer subs)
{
    if (subs)
        g_ptr_array_free (subs, TRUE);
}

/* The instances EV's name goes to: worked out at the name's first event,
 * kept for the others (an interned name always has the same type). */
static GPtrArray *
subs_of_name (FtaEngine *e, const FtaEvent *ev)
{
    if (!e->subs_by_name)
        e->subs_by_name = g_ptr_array_new_with_free_func (free_subs);
    if (ev->name_id < e->subs_by_name->len) {
        GPtrArray *subs = g_ptr_array_index (e->subs_by_name, ev->name_id);
        if (subs)
            return subs;
    } else {
        g_ptr_array_set_size (e->subs_by_name, ev->name_id + 1);
    }
    const char *name = fta_parser_name (e->parser, ev->name_id);
    GPtrArray *subs = g_ptr_array_new ();
    for (guint i = 0; i < e->instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (e->instances, i);
        const FtaPluginDescriptor *d = in->plugin->desc;
        if (d->on_event
            && (subscribed_to_type (d, ev->type) || subscribed_to_name (d, name)))
            g_ptr_array_add (subs, in);
    }
    g_ptr_array_index (e->subs_by_name, ev->name_id) = subs;
    return subs;
}

/* Counts an event in the order the model sees it (after --sort). */
static void
count_event (FtaEngine *e, const FtaEvent *ev)
{
    FtaQuality *q = &e->q;
    if (ev->name_id >= q->event_counts->len)
        g_array_set_size (q->event_counts, ev->name_id + 1);
    g_array_index (q->event_counts, guint64, ev->name_id)++;

    if (ev->cpu >= 0 && ev->cpu < 4096) {
        if ((guint) ev->cpu + 1 > q->n_cpus)
            q->n_cpus = ev->cpu + 1;
        if (ev->cpu < 256)
            q->cpus_mask_words[ev->cpu / 64] |= 1ull << (ev->cpu % 64);
        if ((guint) ev->cpu >= e->cpu_seen->len) {
            guint old = e->cpu_seen->len;
            g_byte_array_set_size (e->cpu_seen, ev->cpu + 1);
            memset (e->cpu_seen->data + old, 0, ev->cpu + 1 - old);
        }
        if (!e->cpu_seen->data[ev->cpu]) {
            e->cpu_seen->data[ev->cpu] = 1;
            q->n_cpus_seen++;
        }
    }
    if (q->first_ts_ns < 0) {
        q->first_ts_ns = ev->ts_ns;
        q->last_ts_ns = ev->ts_ns;
        e->start_ns = e->start_rel ? ev->ts_ns + e->start_off : e->start_off;
        e->end_ns = e->end_rel ? ev->ts_ns + e->end_off : e->end_off;
    } else if (ev->ts_ns > q->last_ts_ns) {
        q->last_ts_ns = ev->ts_ns;
    }
}
static void
dispatch_event (FtaEngine *e, const FtaEvent *ev)
{
    /* markers have no name of their own to subscribe to */
    GPtrArray *subs = e->by_name && ev->type != FTA_EV_LOST && ev->type != FTA_EV_BUFFER_STARTED
                          ? subs_of_name (e, ev)
                          : e->subs[ev->type];
    if (!subs || !subs->len)
        return;
    if (e->cpus && !g_hash_table_contains (e->cpus, GINT_TO_POINTER (ev->cpu)))
        return;
    if (!fta_select_in_window (e, ev->ts_ns))
        return;
    if (e->event_patterns && ev->type != FTA_EV_LOST && ev->type != FTA_EV_BUFFER_STARTED
        && !fta_select_name (e, ev->name_id))
        return;
    for (guint i = 0; i < subs->len; i++) {
        FtaInstance *in = g_ptr_array_index (subs, i);
        in->plugin->desc->on_event (in->self, ev);
    }
}

/* S was clipped from a span FULL ns long: its holders, scaled to the part
 * kept (what each held of that part is not known; its share is). */
static void
scale_holders (FtaEngine *e, FtaSpan *s, gint64 full)
{
    if (!e->holders)
        e->holders = g_array_new (FALSE, FALSE, sizeof (FtaHolder));
    g_array_set_size (e->holders, s->n_holders);
    gint64 kept = s->end_ns - s->start_ns, given = 0;
    guint largest = 0;
    for (guint i = 0; i < s->n_holders; i++) {
        FtaHolder *h = &g_array_index (e->holders, FtaHolder, i);
        *h = s->holders[i];
        h->ns = full > 0 ? (gint64) ((double) h->ns * kept / full) : 0;
        given += h->ns;
        if (h->ns > g_array_index (e->holders, FtaHolder, largest).ns)
            largest = i;
    }
    /* rounding: the holders still sum to the span */
    g_array_index (e->holders, FtaHolder, largest).ns += kept - given;
    s->holders = (const FtaHolder *) e->holders->data;
}

void
fta_bus_dispatch_span (const FtaSpan *span, gpointer data)
{
    FtaEngine *e = data;
    GPtrArray *subs = e->subs[FTA_EV_SPAN];
    if (!subs)
        return;
    if (!e->cpus && !e->has_start && !e->has_end) {
        for (guint i = 0; i < subs->len; i++) {
            FtaInstance *in = g_ptr_array_index (subs, i);
            in->plugin->desc->on_span (in->self, span);
        }
        return;
    }
    if (e->cpus && !g_hash_table_contains (e->cpus, GINT_TO_POINTER (span->cpu)))
        return;
    FtaSpan s = *span;
    if (e->has_start && s.start_ns < e->start_ns)
        s.start_ns = e->start_ns;
    if (e->has_end && s.end_ns > e->end_ns) {
        s.end_ns = e->end_ns;
        s.flags |= FTA_SPAN_CLIPPED_END;
    }
    if (s.end_ns < s.start_ns || (s.end_ns == s.start_ns && span->end_ns != span->start_ns))
        return;
    if (s.n_holders && s.end_ns - s.start_ns != span->end_ns - span->start_ns)
        scale_holders (e, &s, span->end_ns - span->start_ns);
    for (guint i = 0; i < subs->len; i++) {
        FtaInstance *in = g_ptr_array_index (subs, i);
        in->plugin->desc->on_span (in->self, &s);
    }
}
static void
write_line (FtaEngine *e, const char *line, gsize len)
{
    if (e->write_errno)
        return;
    errno = 0;
    if (fwrite (line, 1, len, e->out) != len || putc ('\n', e->out) == EOF)
        e->write_errno = errno ? errno : EIO;
}

/* LINE is the text EV was parsed from (a HEADER line is only passed here
 * by `filter`).  Called in file order, or in timestamp order with --sort. */
void
fta_bus_emit_line (gpointer engine, FtaLineKind kind, FtaEvent *ev, const char *line,
                   gsize len)
{
    FtaEngine *e = engine;
    FtaQuality *q = &e->q;
    switch (kind) {
    case FTA_LINE_EVENT:
        count_event (e, ev);
        if (e->filter_lines) {
            if (fta_select_line (e, ev)) {
                write_line (e, line, len);
                e->written_events++;
            }
            return;
        }
        if (e->counts_only)
            return;
        fta_model_feed (e->model, ev);
        dispatch_event (e, ev);
        return;
    case FTA_LINE_MARKER:
        /* a marker has no timestamp of its own, and is no event: it
         * counts in lost_markers / buffer_started only */
        ev->ts_ns = q->last_ts_ns;
        if (ev->type == FTA_EV_LOST) {
            q->lost_markers++;
            if (ev->u.marker.lost >= 0)
                q->lost_events += ev->u.marker.lost;
            else
                q->lost_unknown++;
        } else {
            q->buffer_started++;
        }
        if (e->filter_lines)
            break;
        if (e->counts_only)
            return;
        fta_model_feed (e->model, ev);
        dispatch_event (e, ev);
        return;
    case FTA_LINE_HEADER:
        break;
    case FTA_LINE_UNPARSED:
        return;
    }
    /* `filter` keeps every header and marker, so its output read back
     * still shows the losses */
    write_line (e, line, len);
    e->written_other++;
}
