/* engine.c - one run: input -> parser -> sched model -> bus -> plugins ->
 * results -> sinks, with the quality accounting of every line. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "core.h"
#include "engine.h"
#include "pipeline.h"

#define MAX_EXAMPLES 10
#define EXAMPLE_CHARS 200
/* `filter --comm`: verdicts kept per distinct comm; the cache starts over
 * past this many, so a trace of endless new names stays bounded. */
#define COMM_CACHE_MAX 65536

typedef struct _Sorter Sorter;

typedef struct {
    FtaPlugin *plugin;
    FtaOptions *opts;
    void *self;
} Instance;

typedef struct {
    FtaQuality q;
    FtaParser *parser;
    FtaModel *model;
    FtaContext ctx;
    GPtrArray *instances;                /* Instance*, analyzers then sinks */
    GPtrArray *subs[FTA_EV__COUNT];      /* Instance* per event type */
    GHashTable *cpus;                    /* report filter, NULL = all */
    gboolean has_start, has_end;
    gboolean start_rel, end_rel;
    gint64 start_ns, end_ns;             /* resolved at the first event */
    gint64 start_off, end_off;
    GArray *cpu_last_ts;                 /* gint64 per CPU: its previous line */
    gint64 prev_ts;                      /* the previous event line's */
    GStringChunk *strings;
    /* --events: the patterns, and the verdict per interned name id (0 not
     * yet known, 1 selected, 2 not): a pattern is matched once per name,
     * not per line. */
    char **event_patterns;               /* owned, NULL = every event */
    GArray *name_verdict;                /* guint8 */
    /* `filter --comm`: comm (owned) -> 1 matches, 2 does not */
    GHashTable *comm_verdict;
    /* timestamps as they arrive, before --sort reorders them */
    gboolean arrived;
    gint64 arrival_max_ts;
    Sorter *sorter;                      /* owned, NULL without --sort */
    /* `filter` */
    gboolean filter_lines;
    gboolean counts_only;   /* `events`: no model, no plugins */
    guint jobs;                          /* parse threads; 1 = none */
    gboolean quiet;                      /* -q: no progress either */
    gboolean progress;                   /* --progress: without a terminal too */
    FILE *out;                           /* not owned */
    int write_errno;                     /* first write error, 0 = none */
    guint64 written_events, written_other;
} Engine;

/* --- context API for plugins ---------------------------------------------- */

guint
fta_context_top (const FtaContext *ctx)
{
    return ctx->top;
}

gint64
fta_context_window_ns (const FtaContext *ctx)
{
    return ctx->window_ns;
}

const char *
fta_context_output_dir (const FtaContext *ctx)
{
    return ctx->output_dir;
}

const char *
fta_context_output_stem (const FtaContext *ctx)
{
    return ctx->output_stem ? ctx->output_stem : "ftrace-analyzer";
}

/* -o PATH: a directory (existing, or named with a trailing '/') gets
 * DIR/report.EXT from each sink; a file name is the one sink's file, or
 * PATH.EXT for each of several sinks. */
static gboolean
plan_output (Engine *e, const char *output, GError **error)
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
        e->ctx.output_stem = g_strdup ("report");
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

const char *
fta_context_filter_text (const FtaContext *ctx)
{
    return ctx->filter_text ? ctx->filter_text : "";
}

const char *
fta_context_comm (const FtaContext *ctx, gint32 pid)
{
    return ctx->model ? fta_model_comm (ctx->model, pid) : NULL;
}

const char *
fta_context_task_comm (const FtaContext *ctx, guint32 task)
{
    return ctx->model ? fta_model_task_comm (ctx->model, task) : NULL;
}

typedef struct {
    char comm[FTA_COMM_LEN];
    gboolean known;   /* ok is the verdict for comm */
    gboolean ok;
    gboolean pid_ok;  /* by task id: the pid passes --pid */
} Selection;

static gboolean
selection_verdict (const FtaContext *ctx, Selection *sel, const char *comm)
{
    if (strncmp (sel->comm, comm, FTA_COMM_LEN) != 0 || !sel->known) {
        g_strlcpy (sel->comm, comm, FTA_COMM_LEN);
        sel->ok = g_regex_match (ctx->comm_re, comm, 0, NULL);
        sel->known = TRUE;
    }
    return sel->ok;
}

gboolean
fta_context_task_selected (const FtaContext *ctx, gint32 pid, const char *comm)
{
    if (!ctx->comm_re && !ctx->pids)
        return TRUE;
    if (ctx->pids && !g_hash_table_contains (ctx->pids, GINT_TO_POINTER (pid)))
        return FALSE;
    if (!ctx->comm_re)
        return TRUE;
    /* The regex runs once per distinct (pid, comm): a pid keeps its
     * verdict until it shows another comm. */
    Selection *sel = g_hash_table_lookup (ctx->sel_cache, GINT_TO_POINTER (pid));
    if (!sel) {
        sel = g_new0 (Selection, 1);
        g_hash_table_insert (ctx->sel_cache, GINT_TO_POINTER (pid), sel);
    }
    return selection_verdict (ctx, sel, comm ? comm : "");
}

gboolean
fta_context_task_selected_id (const FtaContext *ctx, guint32 task, gint32 pid,
                              const char *comm)
{
    if (!ctx->comm_re && !ctx->pids)
        return TRUE;
    if (task == FTA_TASK_NONE)
        return fta_context_task_selected (ctx, pid, comm);
    Selection *sel = fta_task_slot (ctx->sel_by_task, task);
    if (!sel) {
        sel = g_new0 (Selection, 1);
        sel->pid_ok = !ctx->pids || g_hash_table_contains (ctx->pids, GINT_TO_POINTER (pid));
        fta_task_slot_set (ctx->sel_by_task, task, sel);
    }
    if (!sel->pid_ok)
        return FALSE;
    if (!ctx->comm_re)
        return TRUE;
    return selection_verdict (ctx, sel, comm ? comm : "");
}

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
    if (end == s || *end || v < 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "bad %s time '%s': give seconds as printed in the trace "
                     "(e.g. 501.2), or +SECONDS from the trace's start", what, text);
        return FALSE;
    }
    *ns = (gint64) (v * 1e9 + 0.5);
    return TRUE;
}

/* --- quality --------------------------------------------------------------- */

static void
add_example (Engine *e, guint64 line_no, const char *line, gsize len,
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
note_order (Engine *e, const FtaEvent *ev)
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

/* Counts an event in the order the model sees it (after --sort). */
static void
count_event (Engine *e, const FtaEvent *ev)
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

/* --- selection ------------------------------------------------------------- */

static gboolean
in_window (const Engine *e, gint64 ts)
{
    return (!e->has_start || ts >= e->start_ns) && (!e->has_end || ts <= e->end_ns);
}

/* --events: the patterns run once per event name, when it is first seen. */
static gboolean
name_selected (Engine *e, guint32 name_id)
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
comm_matches (Engine *e, const char *comm)
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
event_has_comm (Engine *e, const FtaEvent *ev)
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
event_has_pid (const Engine *e, const FtaEvent *ev)
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
static gboolean
line_selected (Engine *e, const FtaEvent *ev)
{
    if (e->cpus && !g_hash_table_contains (e->cpus, GINT_TO_POINTER (ev->cpu)))
        return FALSE;
    if (!in_window (e, ev->ts_ns))
        return FALSE;
    if (e->event_patterns && !name_selected (e, ev->name_id))
        return FALSE;
    if (e->ctx.pids && !event_has_pid (e, ev))
        return FALSE;
    if (e->ctx.comm_re && !event_has_comm (e, ev))
        return FALSE;
    return TRUE;
}

/* --- dispatch ------------------------------------------------------------- */

static void
dispatch_event (Engine *e, const FtaEvent *ev)
{
    GPtrArray *subs = e->subs[ev->type];
    if (!subs)
        return;
    if (e->cpus && !g_hash_table_contains (e->cpus, GINT_TO_POINTER (ev->cpu)))
        return;
    if (!in_window (e, ev->ts_ns))
        return;
    if (e->event_patterns && ev->type != FTA_EV_LOST && ev->type != FTA_EV_BUFFER_STARTED
        && !name_selected (e, ev->name_id))
        return;
    for (guint i = 0; i < subs->len; i++) {
        Instance *in = g_ptr_array_index (subs, i);
        in->plugin->desc->on_event (in->self, ev);
    }
}

static void
dispatch_span (const FtaSpan *span, gpointer data)
{
    Engine *e = data;
    GPtrArray *subs = e->subs[FTA_EV_SPAN];
    if (!subs)
        return;
    if (!e->cpus && !e->has_start && !e->has_end) {
        for (guint i = 0; i < subs->len; i++) {
            Instance *in = g_ptr_array_index (subs, i);
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
    for (guint i = 0; i < subs->len; i++) {
        Instance *in = g_ptr_array_index (subs, i);
        in->plugin->desc->on_span (in->self, &s);
    }
}

/* --- one line, in the order the model sees it ------------------------------ */

static void
write_line (Engine *e, const char *line, gsize len)
{
    if (e->write_errno)
        return;
    errno = 0;
    if (fwrite (line, 1, len, e->out) != len || putc ('\n', e->out) == EOF)
        e->write_errno = errno ? errno : EIO;
}

/* LINE is the text EV was parsed from (a HEADER line is only passed here
 * by `filter`).  Called in file order, or in timestamp order with --sort. */
static void
emit_line (Engine *e, FtaLineKind kind, FtaEvent *ev, const char *line, gsize len)
{
    FtaQuality *q = &e->q;
    switch (kind) {
    case FTA_LINE_EVENT:
        count_event (e, ev);
        if (e->filter_lines) {
            if (line_selected (e, ev)) {
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

/* --- the reorder window (--sort) ---------------------------------------------
 *
 * Lines wait in arrival order in a ring of slots whose bytes are copied
 * into a ring of bytes; a heap orders them by (timestamp, arrival), so equal
 * timestamps keep their file order.  The smallest is released once the
 * newest timestamp seen is more than the time window past it, or when the
 * oldest line waiting has been passed by the window's count of lines (it
 * and everything smaller go then).  An event that arrives older than an
 * event already released cannot be placed: it goes on at once, in arrival
 * order, and is counted.  A marker has no timestamp: it waits for the next
 * event of its CPU and goes just before it, as the kernel prints it (a
 * header line of `filter` waits for the next event).  Memory: both rings
 * grow to the window and no further; nothing is allocated per line once
 * they have. */

typedef enum {
    SLOT_HELD = 0, /* a marker or header waiting for the next event */
    SLOT_QUEUED,   /* in the heap */
    SLOT_DONE,     /* released; its bytes are freed when it reaches the tail */
} SlotState;

typedef struct {
    FtaEvent ev;       /* its strings are offsets until released */
    guint64 off;       /* of the line in the byte ring (absolute) */
    guint32 len;
    gint32 cpu;        /* HELD: the CPU whose next event it waits for; -1 any */
    guint8 kind;       /* FtaLineKind */
    guint8 state;      /* SlotState */
} Slot;

typedef struct {
    gint64 ts;
    guint64 seq;
} HeapItem;

struct _Sorter {
    guint64 max_lines;   /* lines waiting at most */
    gint64 window_ns;    /* -1: no time window */
    Slot *slots;         /* slot of arrival SEQ: slots[SEQ & (n_slots - 1)] */
    guint64 n_slots;     /* a power of two */
    guint64 head, tail;  /* next arrival; oldest not yet freed */
    GArray *held;        /* guint64 seq of the HELD slots, in arrival order */
    GArray *held_cpu;    /* guint32 per CPU: HELD slots waiting for it */
    guint held_any;      /* HELD slots waiting for any CPU */
    char *bytes;
    guint64 n_bytes;     /* a power of two */
    guint64 bhead, btail;
    HeapItem *heap;      /* n_slots items */
    guint64 heap_len;
    gint64 max_ts;       /* newest timestamp arrived */
    gint64 last_out_ts;  /* newest timestamp released */
};

static Sorter *
sorter_new (guint64 max_lines, gint64 window_ns)
{
    Sorter *s = g_new0 (Sorter, 1);
    s->max_lines = max_lines;
    s->window_ns = window_ns;
    s->n_slots = 1024;
    s->slots = g_new (Slot, s->n_slots);
    s->heap = g_new (HeapItem, s->n_slots);
    s->n_bytes = 1u << 16;
    s->bytes = g_malloc (s->n_bytes);
    s->max_ts = G_MININT64;
    s->last_out_ts = G_MININT64;
    s->held = g_array_new (FALSE, FALSE, sizeof (guint64));
    s->held_cpu = g_array_new (FALSE, TRUE, sizeof (guint32));
    return s;
}

static void
sorter_free (Sorter *s)
{
    if (!s)
        return;
    g_free (s->slots);
    g_free (s->heap);
    g_free (s->bytes);
    g_array_free (s->held, TRUE);
    g_array_free (s->held_cpu, TRUE);
    g_free (s);
}

static inline Slot *
slot_at (Sorter *s, guint64 seq)
{
    return &s->slots[seq & (s->n_slots - 1)];
}

static inline char *
bytes_at (Sorter *s, guint64 off)
{
    return s->bytes + (off & (s->n_bytes - 1));
}

static inline gboolean
heap_less (const HeapItem *a, const HeapItem *b)
{
    return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void
heap_push (Sorter *s, gint64 ts, guint64 seq)
{
    guint64 i = s->heap_len++;
    HeapItem it = { ts, seq };
    while (i > 0) {
        guint64 parent = (i - 1) / 2;
        if (!heap_less (&it, &s->heap[parent]))
            break;
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = it;
}

static HeapItem
heap_pop (Sorter *s)
{
    HeapItem top = s->heap[0];
    HeapItem last = s->heap[--s->heap_len];
    guint64 i = 0, n = s->heap_len;
    for (;;) {
        guint64 c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && heap_less (&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!heap_less (&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = last;
    return top;
}

/* Frees the slots (and their bytes) released from the tail on. */
static void
sorter_retire (Sorter *s)
{
    while (s->tail < s->head && slot_at (s, s->tail)->state == SLOT_DONE)
        s->tail++;
    s->btail = s->tail < s->head ? slot_at (s, s->tail)->off : s->bhead;
}

static void
sorter_release (Engine *e, guint64 seq)
{
    Sorter *s = e->sorter;
    Slot *sl = slot_at (s, seq);
    const char *line = bytes_at (s, sl->off);
    FtaEvent ev = sl->ev;
    if (sl->kind == FTA_LINE_EVENT) {
        ev.name = line + (gsize) sl->ev.name;
        ev.fields = line + (gsize) sl->ev.fields;
        if (ev.ts_ns > s->last_out_ts)
            s->last_out_ts = ev.ts_ns;
    }
    sl->state = SLOT_DONE;
    emit_line (e, sl->kind, &ev, line, sl->len);
}

static void
sorter_release_min (Engine *e)
{
    sorter_release (e, heap_pop (e->sorter).seq);
}

static void
held_uncount (Sorter *s, const Slot *sl)
{
    if (sl->cpu < 0)
        s->held_any--;
    else
        g_array_index (s->held_cpu, guint32, sl->cpu)--;
}

/* The HELD slots that wait for an event on CPU (-1: all of them) leave the
 * held list, in arrival order: queued at TS, or released now when TS is
 * G_MININT64. */
static void
sorter_unhold (Engine *e, gint32 cpu, gint64 ts)
{
    Sorter *s = e->sorter;
    if (cpu >= 0 && !s->held_any
        && ((guint) cpu >= s->held_cpu->len
            || !g_array_index (s->held_cpu, guint32, cpu)))
        return;
    guint w = 0;
    for (guint r = 0; r < s->held->len; r++) {
        guint64 seq = g_array_index (s->held, guint64, r);
        Slot *sl = slot_at (s, seq);
        if (cpu >= 0 && sl->cpu >= 0 && sl->cpu != cpu) {
            g_array_index (s->held, guint64, w++) = seq;
            continue;
        }
        held_uncount (s, sl);
        if (ts == G_MININT64) {
            sorter_release (e, seq);
        } else {
            sl->state = SLOT_QUEUED;
            heap_push (s, ts, seq);
        }
    }
    g_array_set_size (s->held, w);
}

/* Makes room for one more slot: grows up to the window, else releases the
 * oldest line waiting (and everything that sorts before it). */
static void
sorter_make_room (Engine *e)
{
    Sorter *s = e->sorter;
    while (s->head - s->tail >= s->max_lines) {
        Slot *t = slot_at (s, s->tail);
        if (t->state == SLOT_HELD) {
            /* its event never came within the window: it goes now (the
             * oldest slot is the first held) */
            held_uncount (s, t);
            g_array_remove_index (s->held, 0);
            sorter_release (e, s->tail);
        }
        while (t->state != SLOT_DONE)
            sorter_release_min (e);
        sorter_retire (s);
    }
    if (s->head - s->tail < s->n_slots)
        return;
    guint64 n = s->n_slots * 2;
    Slot *slots = g_new (Slot, n);
    for (guint64 q = s->tail; q < s->head; q++)
        slots[q & (n - 1)] = *slot_at (s, q);
    g_free (s->slots);
    s->slots = slots;
    s->n_slots = n;
    s->heap = g_renew (HeapItem, s->heap, n);
}

/* Copies LEN bytes into the byte ring, contiguous; returns their offset. */
static guint64
sorter_copy (Sorter *s, const char *line, gsize len)
{
    guint64 pos = s->bhead & (s->n_bytes - 1);
    guint64 off = pos + len > s->n_bytes ? s->bhead + (s->n_bytes - pos) : s->bhead;
    if (off + len - s->btail > s->n_bytes) {
        /* grow, and lay the lines waiting out again from offset 0 */
        guint64 live = 0;
        for (guint64 q = s->tail; q < s->head; q++)
            live += slot_at (s, q)->len;
        guint64 n = s->n_bytes;
        while (n < 2 * (live + len))
            n *= 2;
        char *bytes = g_malloc (n);
        guint64 at = 0;
        for (guint64 q = s->tail; q < s->head; q++) {
            Slot *sl = slot_at (s, q);
            memcpy (bytes + at, bytes_at (s, sl->off), sl->len);
            sl->off = at;
            at += sl->len;
        }
        g_free (s->bytes);
        s->bytes = bytes;
        s->n_bytes = n;
        s->btail = 0;
        s->bhead = off = at;
    }
    memcpy (bytes_at (s, off), line, len);
    s->bhead = off + len;
    return off;
}

static guint64
sorter_store (Engine *e, FtaLineKind kind, const FtaEvent *ev, const char *line,
              gsize len, SlotState state)
{
    Sorter *s = e->sorter;
    sorter_make_room (e);
    guint64 seq = s->head;
    Slot *sl = slot_at (s, seq);
    sl->off = sorter_copy (s, line, len);
    sl->len = (guint32) len;
    sl->kind = kind;
    sl->state = state;
    sl->ev = *ev;
    if (kind == FTA_LINE_EVENT) {
        /* offsets into the line: the input's buffer will not last */
        sl->ev.name = (const char *) (gsize) (ev->name - line);
        sl->ev.fields = (const char *) (gsize) (ev->fields - line);
    }
    sl->cpu = -1;
    s->head++;
    if (s->tail == seq)
        s->btail = sl->off;
    return seq;
}

static void
sorter_push (Engine *e, FtaLineKind kind, FtaEvent *ev, const char *line, gsize len)
{
    Sorter *s = e->sorter;
    if (kind != FTA_LINE_EVENT) {
        if (s->heap_len == 0 && s->held->len == 0) {
            emit_line (e, kind, ev, line, len); /* nothing to keep order with */
            return;
        }
        guint64 seq = sorter_store (e, kind, ev, line, len, SLOT_HELD);
        Slot *sl = slot_at (s, seq);
        if (kind == FTA_LINE_MARKER && ev->cpu >= 0 && ev->cpu < 65536) {
            sl->cpu = ev->cpu;
            if ((guint) ev->cpu >= s->held_cpu->len)
                g_array_set_size (s->held_cpu, ev->cpu + 1);
            g_array_index (s->held_cpu, guint32, ev->cpu)++;
        } else {
            s->held_any++;
        }
        g_array_append_val (s->held, seq);
        return;
    }
    /* room first: what that releases decides whether EV is late */
    sorter_make_room (e);
    if (ev->ts_ns < s->last_out_ts) {
        /* later than the window allows: on in arrival order */
        e->q.out_of_order_unplaced++;
        sorter_unhold (e, ev->cpu, G_MININT64);
        sorter_retire (s);
        emit_line (e, kind, ev, line, len);
        return;
    }
    sorter_unhold (e, ev->cpu, ev->ts_ns);
    heap_push (s, ev->ts_ns, sorter_store (e, kind, ev, line, len, SLOT_QUEUED));
    if (ev->ts_ns > s->max_ts)
        s->max_ts = ev->ts_ns;
    if (s->window_ns >= 0) {
        while (s->heap_len && s->max_ts - s->heap[0].ts > s->window_ns)
            sorter_release_min (e);
        sorter_retire (s);
    }
}

static void
sorter_finish (Engine *e)
{
    Sorter *s = e->sorter;
    while (s->heap_len)
        sorter_release_min (e);
    sorter_unhold (e, -1, G_MININT64);
    sorter_retire (s);
}

/* A line read: on to the model (or the output) now, or through the window. */
static void
route_line (Engine *e, FtaLineKind kind, FtaEvent *ev, const char *line, gsize len)
{
    if (e->sorter)
        sorter_push (e, kind, ev, line, len);
    else
        emit_line (e, kind, ev, line, len);
}

/* --- set-up ----------------------------------------------------------------- */

static void
engine_init (Engine *e)
{
    memset (e, 0, sizeof *e);
    e->q.unparsed_examples = g_array_new (FALSE, FALSE, sizeof (FtaUnparsed));
    e->q.event_counts = g_array_new (FALSE, TRUE, sizeof (guint64));
    e->q.event_names = g_ptr_array_new ();
    e->q.first_ts_ns = -1;
    e->q.last_ts_ns = -1;
    e->q.entries_in_buffer = -1;
    e->q.entries_written = -1;
    e->parser = fta_parser_new ();
    e->model = fta_model_new (&e->q, dispatch_span, e);
    e->ctx.model = e->model;
    e->ctx.sel_cache = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    e->ctx.sel_by_task = g_ptr_array_new_with_free_func (g_free);
    e->instances = g_ptr_array_new ();
    e->cpu_last_ts = g_array_new (FALSE, FALSE, sizeof (gint64));
    e->strings = g_string_chunk_new (4096);
    e->name_verdict = g_array_new (FALSE, TRUE, sizeof (guint8));
    e->comm_verdict = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
engine_clear (Engine *e)
{
    for (guint i = 0; i < e->instances->len; i++) {
        Instance *in = g_ptr_array_index (e->instances, i);
        if (in->self && in->plugin->desc->destroy)
            in->plugin->desc->destroy (in->self);
        fta_options_free (in->opts);
        fta_plugin_unload (in->plugin);
        g_free (in);
    }
    g_ptr_array_free (e->instances, TRUE);
    for (guint i = 0; i < FTA_EV__COUNT; i++)
        if (e->subs[i])
            g_ptr_array_free (e->subs[i], TRUE);
    if (e->cpus)
        g_hash_table_destroy (e->cpus);
    if (e->ctx.pids)
        g_hash_table_destroy (e->ctx.pids);
    if (e->ctx.comm_re)
        g_regex_unref (e->ctx.comm_re);
    g_hash_table_destroy (e->ctx.sel_cache);
    g_ptr_array_free (e->ctx.sel_by_task, TRUE);
    g_free (e->ctx.filter_text);
    g_free (e->ctx.output_dir);
    g_free (e->ctx.output_stem);
    fta_model_free (e->model);
    fta_parser_free (e->parser);
    g_array_free (e->q.unparsed_examples, TRUE);
    g_array_free (e->q.event_counts, TRUE);
    g_ptr_array_free (e->q.event_names, TRUE);
    g_array_free (e->cpu_last_ts, TRUE);
    g_string_chunk_free (e->strings);
    g_strfreev (e->event_patterns);
    g_array_free (e->name_verdict, TRUE);
    g_hash_table_destroy (e->comm_verdict);
    sorter_free (e->sorter);
}

static const char *
pick (const char *cli, const char *profile)
{
    return cli ? (*cli ? cli : NULL) : profile;
}

/* "sched_switch, sched_wak*": names as the trace prints them; an unknown
 * name is no error (it matches nothing, and a note says so). */
static gboolean
parse_events (Engine *e, const char *text, GError **error)
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

/* "" = FTA_SORT_EVENTS lines; "0.5" = half a second of trace time. */
static gboolean
setup_sort (Engine *e, const char *text, GError **error)
{
    if (!text)
        return TRUE;
    if (!*text) {
        e->sorter = sorter_new (FTA_SORT_EVENTS, -1);
        return TRUE;
    }
    char *end;
    double v = g_ascii_strtod (text, &end);
    if (end == text || *end || !(v >= 0) || v > 1e6) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "bad --sort window '%s': give seconds of trace time, e.g. "
                     "--sort=0.5, or --sort alone for a window of %u events",
                     text, FTA_SORT_EVENTS);
        return FALSE;
    }
    e->sorter = sorter_new (FTA_SORT_MAX_EVENTS, (gint64) (v * 1e9 + 0.5));
    return TRUE;
}

static gboolean
setup_filters (Engine *e, const FtaRunConfig *rc, GError **error)
{
    const FtaProfile *p = rc->profile;
    GString *text = g_string_new (NULL);
    const char *comm = pick (rc->comm, p->comm);
    const char *pids = pick (rc->pids, p->pids);
    const char *cpus = pick (rc->cpus, p->cpus);
    const char *start = pick (rc->start, p->start);
    const char *end = pick (rc->end, p->end);
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
    if (ok)
        ok = setup_sort (e, rc->sort, error);
    if (ok && e->has_start && e->has_end && e->start_rel == e->end_rel
        && e->start_off > e->end_off) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "--start %s is after --end %s: nothing would be reported", start, end);
        ok = FALSE;
    }
    e->ctx.filter_text = g_strdup (text->len ? text->str + 1 : "");
    g_string_free (text, TRUE);
    e->ctx.top = rc->top >= 0 ? (guint) rc->top : (guint) p->top;
    const char *window = pick (rc->window, p->window);
    if (ok && window) {
        char *endp;
        double w = g_ascii_strtod (window, &endp);
        if (endp == window || *endp || w <= 0 || w > 1e6) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                         "bad --window '%s': give seconds, e.g. 0.1", window);
            ok = FALSE;
        } else {
            e->ctx.window_ns = (gint64) (w * 1e9 + 0.5);
        }
    }
    return ok;
}

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

static gboolean
add_instance (Engine *e, const char *name, FtaPluginKind want, GPtrArray *dirs,
              const FtaProfile *profile, GError **error)
{
    for (guint i = 0; i < e->instances->len; i++) {
        Instance *in = g_ptr_array_index (e->instances, i);
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
    Instance *in = g_new0 (Instance, 1);
    in->plugin = p;
    in->opts = opts;
    g_ptr_array_add (e->instances, in);
    return TRUE;
}

static gboolean
create_instances (Engine *e, GError **error)
{
    for (guint i = 0; i < e->instances->len; i++) {
        Instance *in = g_ptr_array_index (e->instances, i);
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

/* --- the loop --------------------------------------------------------------- */

/* One line, in file order: KIND is a FtaLineKind or FTA_LINE_TOO_LONG. */
static inline void
take_line (Engine *e, guint kind, FtaEvent *ev, const char *line, gsize len,
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

/* The rest of IN parsed on worker threads; the lines come back in file
 * order and go on exactly as read_all takes them.  Of E->jobs threads, an
 * analysis keeps one for this thread's model and plugins (the serial part:
 * sharing its core with a parser slows the whole run); `events` and
 * `filter`, light here, parse on all of them. */
static gboolean
read_parallel (Engine *e, FtaInput *in, guint64 *line_no, FtaProgress *progress,
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
            fta_parser_set_entries (e->parser, b->entries_in_buffer, b->entries_written);
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
read_all (Engine *e, FtaInput *in, GError **error)
{
    const char *line;
    gsize len;
    gboolean too_long;
    guint64 line_no = 0;
    FtaEvent ev;
    GError *err = NULL;
    FtaQuality *q = &e->q;
    gboolean split = FALSE;

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
        FtaLineKind kind = fta_parser_parse_line (e->parser, line, len, &ev, &why);
        take_line (e, kind, &ev, line, len, why, line_no);
        if (kind == FTA_LINE_EVENT && e->jobs > 1 && fta_parser_can_split (e->parser)) {
            split = TRUE;
            break;
        }
    }
    if (split && !e->write_errno)
        read_parallel (e, in, &line_no, progress, &err);
    fta_progress_free (progress);
    if (e->sorter && !err)
        sorter_finish (e);
    q->lines_total = line_no;
    q->truncated_line = fta_input_unterminated (in) ? 1 : 0;
    q->compression = fta_input_compression (in);
    if (err) {
        g_propagate_error (error, err);
        return FALSE;
    }
    q->entries_in_buffer = fta_parser_entries_in_buffer (e->parser);
    q->entries_written = fta_parser_entries_written (e->parser);
    for (guint i = 0; i < fta_parser_n_names (e->parser); i++)
        g_ptr_array_add (q->event_names, (gpointer) fta_parser_name (e->parser, i));
    g_array_set_size (q->event_counts, MAX (q->event_counts->len, q->event_names->len));
    q->format = fta_parser_format (e->parser);
    q->format_variant = fta_parser_variant (e->parser);
    return TRUE;
}

static gboolean
check_has_events (Engine *e, const char *path, GError **error)
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

static FILE *
open_output (const FtaContext *ctx, const char *path, const char *ext, gboolean several,
             char **opened, GError **error)
{
    *opened = NULL;
    if (!path || strcmp (path, "-") == 0)
        return stdout;
    char *file;
    if (ctx && ctx->output_is_dir) {
        char *name = g_strconcat ("report.", ext ? ext : "out", NULL);
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
static gboolean
finish_output (Engine *e, const char *path, gboolean read_ok, GError **error)
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
static void
note_unmatched_events (const Engine *e, const char *path)
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

static void
note_filtered (const Engine *e, const char *path)
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

/* Renders RESULTS with every sink instance of E to the run's output. */
static int
render_sinks (Engine *e, const FtaRunConfig *rc, const FtaResults *results,
              GError **error)
{
    const char *output = pick (rc->output, rc->profile->output);
    guint n_sinks = 0;
    for (guint i = 0; i < e->instances->len; i++)
        n_sinks += ((Instance *) g_ptr_array_index (e->instances, i))->plugin->desc->kind
                   == FTA_PLUGIN_SINK;
    for (guint i = 0; i < e->instances->len; i++) {
        Instance *in = g_ptr_array_index (e->instances, i);
        const FtaPluginDescriptor *d = in->plugin->desc;
        if (d->kind != FTA_PLUGIN_SINK)
            continue;
        char *opened;
        FILE *out = open_output (&e->ctx, output, d->extension, n_sinks > 1, &opened, error);
        if (!out)
            return FTA_EXIT_OUTPUT;
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
            g_free (opened);
            return FTA_EXIT_OUTPUT;
        }
        if (opened && !rc->quiet)
            g_printerr ("ftrace-analyzer: wrote %s\n", opened);
        g_free (opened);
    }
    return FTA_EXIT_OK;
}

int
fta_engine_run (const FtaRunConfig *rc, GError **error)
{
    Engine e;
    engine_init (&e);
    int code = FTA_EXIT_OK;
    FtaResults *results = NULL;
    GPtrArray *dirs = fta_plugin_search_path (rc->plugin_dirs);
    const FtaProfile *p = rc->profile;
    char **sinks = rc->formats && rc->formats[0] ? rc->formats : p->sinks;

    gboolean plugins = !rc->events_only && !rc->filter_lines;
    char *out_path = NULL;
    gboolean created = FALSE; /* out_path is a file this run created */
    e.filter_lines = rc->filter_lines;
    e.counts_only = rc->events_only != NULL;
    e.quiet = rc->quiet;
    e.progress = rc->progress;
    e.jobs = rc->jobs > 0 ? rc->jobs : MAX (g_get_num_processors (), 1u);

    if (!setup_filters (&e, rc, error))
        goto fail;
    if (plugins && !rc->keep && (!sinks || !sinks[0])) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "profile %s selects no output: give -f text (or json), or set "
                     "sinks = [ \"text\" ]; in the profile", p->source);
        goto fail;
    }
    if (plugins) {
        for (char **a = p->analyzers; a && *a; a++)
            if (!add_instance (&e, *a, FTA_PLUGIN_ANALYZER, dirs, p, error))
                goto fail;
        for (char **s = sinks; !rc->keep && s && *s; s++)
            if (!add_instance (&e, *s, FTA_PLUGIN_SINK, dirs, p, error))
                goto fail;
        GPtrArray *names = g_ptr_array_new ();
        for (guint i = 0; i < e.instances->len; i++)
            g_ptr_array_add (names, (gpointer) ((Instance *) g_ptr_array_index (
                                                    e.instances, i))->plugin->desc->name);
        g_ptr_array_add (names, NULL);
        gboolean ok = fta_profile_check_sections (p, dirs, (char **) names->pdata, error);
        g_ptr_array_free (names, TRUE);
        if (!ok || (!rc->keep && !plan_output (&e, pick (rc->output, p->output), error))
            || !create_instances (&e, error))
            goto fail;
    }
    e.q.input_path = rc->input_path;
    e.q.profile = p->source;
    FtaInput *input = fta_input_open (rc->input_path, error);
    if (!input)
        goto fail;
    if (rc->filter_lines) {
        /* opened once the input is known to open: a missing trace leaves
         * no empty output behind */
        created = rc->output && strcmp (rc->output, "-") != 0
                  && !g_file_test (rc->output, G_FILE_TEST_EXISTS);
        e.out = open_output (NULL, rc->output, NULL, FALSE, &out_path, error);
        if (!e.out) {
            fta_input_close (input);
            goto fail;
        }
        setvbuf (e.out, NULL, _IOFBF, 1u << 20);
    }
    gboolean read_ok = read_all (&e, input, error);
    fta_input_close (input);
    if (rc->filter_lines) {
        if (!finish_output (&e, out_path, read_ok, error))
            goto fail;
    } else if (!read_ok) {
        goto fail;
    }
    if (!check_has_events (&e, rc->input_path, error))
        goto fail;
    if (!rc->quiet)
        note_unmatched_events (&e, rc->input_path);
    if (rc->filter_lines) {
        if (!rc->quiet)
            note_filtered (&e, out_path);
        goto done;
    }
    if (e.q.first_ts_ns >= 0)
        fta_model_finish (e.model, e.q.last_ts_ns);

    results = fta_results_new ();
    results->quality = &e.q;
    if (rc->events_only) {
        rc->events_only (results, rc->events_data);
        goto done;
    }
    for (guint i = 0; i < e.instances->len; i++) {
        Instance *in = g_ptr_array_index (e.instances, i);
        if (in->plugin->desc->kind != FTA_PLUGIN_SINK && in->plugin->desc->finish)
            in->plugin->desc->finish (in->self, results);
    }
    if (rc->keep) {
        *rc->keep = fta_results_copy (results);
        goto done;
    }
    code = render_sinks (&e, rc, results, error);
    goto done;

fail:
    code = (error && *error) ? (*error)->code : FTA_EXIT_OUTPUT;
    if (created && out_path && g_file_test (out_path, G_FILE_TEST_IS_REGULAR))
        g_unlink (out_path); /* a failed filter leaves no partial output */
done:
    g_free (out_path);
    fta_results_free (results);
    engine_clear (&e);
    g_ptr_array_free (dirs, TRUE);
    return code;
}

/* --- compare ---------------------------------------------------------------- */

/* PATH's results: read back when it is a saved JSON result, else analyzed
 * with RC's profile and filters. */
static FtaResults *
compare_input (const FtaRunConfig *rc, const char *path, int *code, GError **error)
{
    FtaResults *r = NULL;
    if (fta_results_is_saved (path)) {
        r = fta_results_load_json (path, error);
        *code = r ? FTA_EXIT_OK : FTA_EXIT_INPUT;
        return r;
    }
    FtaRunConfig one = *rc;
    one.input_path = path;
    one.events_only = NULL;
    one.filter_lines = FALSE;
    one.keep = &r;
    *code = fta_engine_run (&one, error);
    if (*code != FTA_EXIT_OK) {
        fta_results_free (r);
        r = NULL;
    }
    return r;
}

int
fta_engine_compare (const FtaRunConfig *rc, const char *baseline, const char *problem,
                    const char *comparator, GError **error)
{
    Engine e;
    engine_init (&e);
    int code = FTA_EXIT_OK;
    FtaResults *base = NULL, *prob = NULL, *out = NULL;
    GPtrArray *dirs = fta_plugin_search_path (rc->plugin_dirs);
    const FtaProfile *p = rc->profile;
    char **sinks = rc->formats && rc->formats[0] ? rc->formats : p->sinks;
    const char *name = comparator ? comparator : "compare";

    if (!setup_filters (&e, rc, error))
        goto fail;
    if (!sinks || !sinks[0]) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "profile %s selects no output: give -f text (or json), or set "
                     "sinks = [ \"text\" ]; in the profile", p->source);
        goto fail;
    }
    /* the comparator and the sinks first: a bad option is reported before
     * two traces are read */
    if (!add_instance (&e, name, FTA_PLUGIN_COMPARATOR, dirs, p, error))
        goto fail;
    Instance *cmp = g_ptr_array_index (e.instances, 0);
    if (cmp->plugin->desc->abi_minor < 2 || !cmp->plugin->desc->compare) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                     "plugin '%s' (%s) is a comparator without a compare callback "
                     "(it needs ABI 1.2 or later)", name, cmp->plugin->path);
        goto fail;
    }
    for (char **s = sinks; *s; s++)
        if (!add_instance (&e, *s, FTA_PLUGIN_SINK, dirs, p, error))
            goto fail;
    if (!plan_output (&e, pick (rc->output, p->output), error))
        goto fail;
    base = compare_input (rc, baseline, &code, error);
    if (!base)
        goto done;
    prob = compare_input (rc, problem, &code, error);
    if (!prob)
        goto done;
    if (!create_instances (&e, error))
        goto fail;

    /* the comparison's own quality is the problem run's, named after both */
    out = fta_results_new ();
    FtaQuality *q = fta_results_copy_quality (out, prob->quality);
    char *both = g_strdup_printf ("%s vs %s", baseline, problem);
    q->input_path = g_string_chunk_insert_const (out->strings, both);
    g_free (both);
    cmp->plugin->desc->compare (cmp->self, base, prob, out);
    code = render_sinks (&e, rc, out, error);
    goto done;

fail:
    code = (error && *error) ? (*error)->code : FTA_EXIT_OUTPUT;
done:
    fta_results_free (out);
    fta_results_free (base);
    fta_results_free (prob);
    engine_clear (&e);
    g_ptr_array_free (dirs, TRUE);
    return code;
}
