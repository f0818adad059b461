/* select.c - what is reported: --comm, --pid, --cpu, --start/--end,
 * --events (their profile keys too), --top, --window, --color and
 * --summary.
 *
 * Owns the engine's selection fields (cpus, the time window, the --events
 * verdicts, `filter`'s comm verdicts) and the filter fields of its
 * context.  The model always sees every event: these only decide what the
 * bus passes on to plugins and what `filter` writes.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "run.h"

/* `filter --comm`: verdicts kept per distinct comm; the cache starts over
 * past this many, so a trace of endless new names stays bounded. */
#define COMM_CACHE_MAX 65536

GHashTable *
fta_parse_int_set (const char *text, const char *what, GError **error)
{
    GHashTable *set = g_hash_table_new (g_direct_hash, g_direct_equal);
    char **parts = g_strsplit (text, ",", -1);
    for (char **p = parts; *p; p++) {
        char *s = g_strstrip (*p);
        if (!*s)
            continue;
        char *end;
        errno = 0;
        gint64 a = g_ascii_strtoll (s, &end, 10), b = a;
        if (end != s && *end == '-') {
            char *e2;
            b = g_ascii_strtoll (end + 1, &e2, 10);
            if (e2 == end + 1)
                end = s;
            else
                end = e2;
        }
        if (end == s || *end || errno || a < 0 || b < a || b - a > 1000000) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                         "bad %s list '%s': use numbers and ranges, e.g. 1,4-7",
                         what, text);
            g_strfreev (parts);
            g_hash_table_destroy (set);
            return NULL;
        }
        for (gint64 v = a; v <= b; v++)
            g_hash_table_add (set, GINT_TO_POINTER ((gint) v));
    }
    g_strfreev (parts);
    return set;
}

/* "501.25" (trace seconds) or "+1.5" (from the first event). */
static gboolean
parse_time (const char *text, const char *what, gboolean *rel, gint64 *ns,
            GError **error)
{
    const char *s = text;
    *rel = *s == '+';
    if (*rel)
        s++;
    char *end;
    double v = g_ascii_strtod (s, &end);
    /* NaN fails both tests; the bound keeps the conversion to
     * nanoseconds within 64 bits */
    if (end == s || *end || !(v >= 0) || v > FTA_MAX_SECONDS) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "bad %s time '%s': give seconds as printed in the trace "
                     "(e.g. 501.2), or +SECONDS from the trace's start", what, text);
        return FALSE;
    }
    *ns = (gint64) (v * 1e9 + 0.5);
    return TRUE;
}
gboolean
fta_select_check_window (const FtaEngine *e, const char *path, GError **error)
{
    const FtaQuality *q = &e->q;
    if (q->first_ts_ns < 0)
        return TRUE;
    gboolean after = e->has_start && e->start_ns > q->last_ts_ns;
    gboolean before = e->has_end && e->end_ns < q->first_ts_ns;
    if (!after && !before)
        return TRUE;
    g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                 "%s %.6f is %s the trace: %s spans %.6f to %.6f s (+0 to +%.3f); "
                 "give a time within it, as printed or +SECONDS from its start",
                 after ? "--start" : "--end", (after ? e->start_ns : e->end_ns) / 1e9,
                 after ? "after the end of" : "before the start of", path,
                 q->first_ts_ns / 1e9, q->last_ts_ns / 1e9,
                 (q->last_ts_ns - q->first_ts_ns) / 1e9);
    return FALSE;
}

gboolean
fta_select_in_window (const FtaEngine *e, gint64 ts)
{
    return (!e->has_start || ts >= e->start_ns) && (!e->has_end || ts <= e->end_ns);
}

/* --events: the patterns run once per event name, when it is first seen. */
gboolean
fta_select_name (FtaEngine *e, guint32 name_id)
{
    if (name_id < e->name_verdict->len) {
        guint8 v = g_array_index (e->name_verdict, guint8, name_id);
        if (v)
            return v == 1;
    } else {
        g_array_set_size (e->name_verdict, name_id + 1);
    }
    const char *name = fta_parser_name (e->parser, name_id);
    gboolean ok = FALSE;
    for (guint i = 0; name && !ok && e->event_patterns[i]; i++)
        ok = g_pattern_match_simple (e->event_patterns[i], name);
    g_array_index (e->name_verdict, guint8, name_id) = ok ? 1 : 2;
    return ok;
}

/* `filter --comm`: the regex runs once per distinct comm string. */
static gboolean
comm_matches (FtaEngine *e, const char *comm)
{
    gpointer v = g_hash_table_lookup (e->comm_verdict, comm);
    if (v)
        return GPOINTER_TO_INT (v) == 1;
    if (g_hash_table_size (e->comm_verdict) >= COMM_CACHE_MAX)
        g_hash_table_remove_all (e->comm_verdict);
    /* the kernel cuts comms at 15 bytes, multibyte characters too: the
     * regex gets valid UTF-8 */
    char *valid = g_utf8_make_valid (comm, -1);
    gboolean ok = g_regex_match (e->ctx.comm_re, valid, 0, NULL);
    g_free (valid);
    g_hash_table_insert (e->comm_verdict, g_strdup (comm), GINT_TO_POINTER (ok ? 1 : 2));
    return ok;
}

/* The line's task, or a task named in the fields of a sched event. */
static gboolean
event_has_comm (FtaEngine *e, const FtaEvent *ev)
{
    if (comm_matches (e, ev->comm))
        return TRUE;
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH:
        return comm_matches (e, ev->u.sw.prev_comm)
               || comm_matches (e, ev->u.sw.next_comm);
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW:
        return comm_matches (e, ev->u.wake.comm);
    case FTA_EV_SCHED_MIGRATE_TASK:
        return comm_matches (e, ev->u.migrate.comm);
    case FTA_EV_SCHED_PROCESS_FORK:
        return comm_matches (e, ev->u.proc.comm)
               || comm_matches (e, ev->u.proc.child_comm);
    case FTA_EV_SCHED_PROCESS_EXIT:
        return comm_matches (e, ev->u.proc.comm);
    default:
        return FALSE;
    }
}

static gboolean
event_has_pid (const FtaEngine *e, const FtaEvent *ev)
{
#define HAS_PID(p) g_hash_table_contains (e->ctx.pids, GINT_TO_POINTER (p))
    if (HAS_PID (ev->pid))
        return TRUE;
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH:
        return HAS_PID (ev->u.sw.prev_pid) || HAS_PID (ev->u.sw.next_pid);
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW:
        return HAS_PID (ev->u.wake.pid);
    case FTA_EV_SCHED_MIGRATE_TASK:
        return HAS_PID (ev->u.migrate.pid);
    case FTA_EV_SCHED_PROCESS_FORK:
        return HAS_PID (ev->u.proc.pid) || HAS_PID (ev->u.proc.child_pid);
    case FTA_EV_SCHED_PROCESS_EXIT:
        return HAS_PID (ev->u.proc.pid);
    case FTA_EV_SCHED_PROCESS_EXEC:
        return HAS_PID (ev->u.proc.pid) || HAS_PID (ev->u.proc.old_pid);
    default:
        return FALSE;
    }
#undef HAS_PID
}

/* `filter`: an event line is written when it passes every filter given. */
gboolean
fta_select_line (FtaEngine *e, const FtaEvent *ev)
{
    if (e->cpus && !g_hash_table_contains (e->cpus, GINT_TO_POINTER (ev->cpu)))
        return FALSE;
    if (!fta_select_in_window (e, ev->ts_ns))
        return FALSE;
    if (e->event_patterns && !fta_select_name (e, ev->name_id))
        return FALSE;
    if (e->ctx.pids && !event_has_pid (e, ev))
        return FALSE;
    if (e->ctx.comm_re && !event_has_comm (e, ev))
        return FALSE;
    return TRUE;
}

/* "sched_switch, sched_wak*": names as the trace prints them; an unknown
 * name is no error (it matches nothing, and a note says so). */
static gboolean
parse_events (FtaEngine *e, const char *text, GError **error)
{
    char **parts = g_strsplit (text, ",", -1);
    GPtrArray *pats = g_ptr_array_new ();
    gboolean ok = TRUE;
    for (char **p = parts; *p && ok; p++) {
        char *n = g_strstrip (*p);
        for (const char *c = n; *c && ok; c++)
            ok = g_ascii_isalnum (*c) || strchr ("_-.*?", *c);
        if (ok && *n)
            g_ptr_array_add (pats, g_strdup (n));
    }
    g_strfreev (parts);
    if (!ok || pats->len == 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "bad --events list '%s': give event names as the trace prints "
                     "them, separated by commas, e.g. sched_switch,sched_wakeup "
                     "(* and ? match any characters)", text);
        g_ptr_array_free (pats, TRUE);
        return FALSE;
    }
    g_ptr_array_add (pats, NULL);
    e->event_patterns = (char **) g_ptr_array_free (pats, FALSE);
    return TRUE;
}

gboolean
fta_select_setup (FtaEngine *e, const FtaRunConfig *rc, GError **error)
{
    const FtaProfile *p = rc->profile;
    GString *text = g_string_new (NULL);
    const char *comm = fta_pick (rc->comm, p->comm);
    const char *pids = fta_pick (rc->pids, p->pids);
    const char *cpus = fta_pick (rc->cpus, p->cpus);
    const char *start = fta_pick (rc->start, p->start);
    const char *end = fta_pick (rc->end, p->end);
    gboolean ok = TRUE;

    if (comm) {
        GError *re_err = NULL;
        e->ctx.comm_re = g_regex_new (comm, G_REGEX_OPTIMIZE, 0, &re_err);
        if (!e->ctx.comm_re) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                         "bad --comm regular expression '%s': %s", comm,
                         re_err->message);
            g_error_free (re_err);
            ok = FALSE;
        }
        g_string_append_printf (text, " --comm '%s'", comm);
    }
    if (ok && pids) {
        ok = (e->ctx.pids = fta_parse_int_set (pids, "--pid", error)) != NULL;
        g_string_append_printf (text, " --pid %s", pids);
    }
    if (ok && cpus) {
        ok = (e->cpus = fta_parse_int_set (cpus, "--cpu", error)) != NULL;
        g_string_append_printf (text, " --cpu %s", cpus);
    }
    if (ok && start) {
        ok = parse_time (start, "--start", &e->start_rel, &e->start_off, error);
        e->has_start = TRUE;
        g_string_append_printf (text, " --start %s", start);
    }
    if (ok && end) {
        ok = parse_time (end, "--end", &e->end_rel, &e->end_off, error);
        e->has_end = TRUE;
        g_string_append_printf (text, " --end %s", end);
    }
    if (ok && rc->events && *rc->events) {
        ok = parse_events (e, rc->events, error);
        g_string_append_printf (text, " --events %s", rc->events);
    }
    if (ok && rc->sort)
        ok = (e->sorter = fta_sorter_new (rc->sort, fta_bus_emit_line, e,
                                          &e->q.out_of_order_unplaced, error)) != NULL;
    if (ok && e->has_start && e->has_end && e->start_rel == e->end_rel
        && e->start_off > e->end_off) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "--start %s is after --end %s: nothing would be reported", start, end);
        ok = FALSE;
    }
    e->ctx.filter_text = g_strdup (text->len ? text->str + 1 : "");
    g_string_free (text, TRUE);
    e->ctx.top = rc->top >= 0 ? (guint) rc->top : (guint) p->top;
    e->ctx.color = rc->color;
    e->ctx.summary = rc->summary;
    const char *window = fta_pick (rc->window, p->window);
    if (ok && window) {
        char *endp;
        double w = g_ascii_strtod (window, &endp);
        /* NaN fails both tests: from a microsecond to a million seconds */
        if (endp == window || *endp || !(w >= 1e-6) || !(w <= 1e6)) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                         "bad %s '%s': give seconds from 0.000001 to 1000000, e.g. 0.1",
                         rc->window ? "--window" : "window of the profile", window);
            ok = FALSE;
        } else {
            e->ctx.window_ns = (gint64) (w * 1e9 + 0.5);
        }
    }
    return ok;
}
