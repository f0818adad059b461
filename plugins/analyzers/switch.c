/* switch.c - context switches per task and per comm.
 *
 * Counts come from sched_switch events (so they equal a grep/awk count of
 * the same lines); times come from the core's task-state spans.  Only
 * complete spans are summed: the interval a task was already in when the
 * trace began, and the one it is still in when the trace ends, are not.
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>
#include "../many-rows.h"

/* switch.comms counts a comm under the name each event prints, not the
 * task's one name: a task's events may name several (an exec, a rename).
 * A task keeps the comms its events named as a ring of these records, one
 * per comm, and counts into the one its events name now: nothing is
 * looked up by name while the trace is read.  finish merges the records
 * of one comm.  The comm comes first, zero-padded: two records name the
 * same comm when their 16 bytes are equal. */
typedef struct {
    char comm[FTA_COMM_LEN];
    guint64 sched_in, switch_out;
    guint32 next;     /* the task's next comm record (a ring) */
    gboolean selected; /* the task and this comm pass --comm / --pid */
} SwitchComm;

#define SWITCH_NONE G_MAXUINT32

/* A task's counts.  Its name is the core's (fta_context_task_comm, set
 * in comm by finish); only idle tasks (pid 0: one per CPU), which have no
 * name there, and the negative pids of damaged lines keep the one their
 * events printed. */
typedef struct {
    gint32 pid;
    guint32 id;       /* task id, FTA_TASK_NONE for idle tasks */
    gint32 tgid;
    guint32 comm_cur; /* index in Switch.comms of the comm its events name
                         now, SWITCH_NONE before the first */
    /* switch_out is voluntary + preempted; 32 bits, as a task's switches
     * are (a billion lines of its own) */
    guint32 sched_in, voluntary, preempted, inferred_in, wakeups_missing;
    gint64 run_ns, runnable_ns, preempted_wait_ns, sleep_ns, blocked_ns;
    /* the row's comm: a pid <= 0's own buffer (FTA_COMM_LEN bytes, in
     * Switch.own) while the trace is read; set for every row by finish */
    const char *comm;
} SwitchTask;

typedef struct {
    const FtaContext *ctx;
    gboolean comms_table;
    /* SwitchTask per task, the idle task per CPU.  finish walks them in
     * order of first sight: rows that tie on run time and pid (the idle
     * rows) keep that order. */
    FtaTasks *tasks;
    /* SwitchComm, the tasks' rings: blocks of 4096 records that never
     * move nor grow by doubling */
    RecordBlocks comms;
    GPtrArray *own; /* the comm buffers of pids <= 0, owned */
} Switch;

static void
switch_task_init (gpointer state, gint32 pid)
{
    SwitchTask *t = state;
    t->pid = pid;
    t->id = FTA_TASK_NONE;
    t->tgid = -1;
    t->comm_cur = SWITCH_NONE;
}

/* Remembers the task id of a state that was found by pid (idle tasks
 * have none). */
static inline void
switch_task_id (SwitchTask *t, guint32 task)
{
    if (t->pid > 0 && task != FTA_TASK_NONE)
        t->id = task;
}

static void *
switch_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) error;
    Switch *s = g_new0 (Switch, 1);
    s->ctx = ctx;
    s->comms_table = fta_options_get_bool (opts, "comms");
    s->tasks = fta_tasks_new (sizeof (SwitchTask), switch_task_init, NULL);
    record_blocks_init (&s->comms, sizeof (SwitchComm), 12);
    s->own = g_ptr_array_new_with_free_func (g_free);
    return s;
}

static inline SwitchComm *
switch_comm_at (const Switch *s, guint32 i)
{
    return record_blocks_at (&s->comms, i);
}

/* The comm buffer of T, a pid <= 0, made on first need. */
static char *
switch_own_comm (Switch *s, SwitchTask *t)
{
    if (!t->comm) {
        char *b = g_malloc0 (FTA_COMM_LEN);
        g_ptr_array_add (s->own, b);
        t->comm = b;
    }
    return (char *) t->comm;
}

/* The record of COMM among T's, made when its events never named it. */
static G_GNUC_NO_INLINE SwitchComm *
switch_comm_find (Switch *s, SwitchTask *t, const char *comm)
{
    guint32 cur = t->comm_cur;
    if (cur != SWITCH_NONE) {
        for (guint32 i = switch_comm_at (s, cur)->next; i != cur; i = switch_comm_at (s, i)->next) {
            SwitchComm *c = switch_comm_at (s, i);
            if (strncmp (c->comm, comm, FTA_COMM_LEN) == 0) {
                t->comm_cur = i;
                return c;
            }
        }
    }
    guint32 n = record_blocks_add (&s->comms);
    SwitchComm *c = switch_comm_at (s, n);
    memset (c, 0, sizeof *c);
    memcpy (c->comm, comm, strnlen (comm, FTA_COMM_LEN - 1));
    c->selected = fta_context_task_selected (s->ctx, t->pid, c->comm);
    if (cur == SWITCH_NONE) {
        c->next = n;
    } else {
        c->next = switch_comm_at (s, cur)->next;
        switch_comm_at (s, cur)->next = n;
    }
    t->comm_cur = n;
    return c;
}

/* Counts a switch-in (IN) or switch-out of T under COMM. */
static inline void
switch_count_comm (Switch *s, SwitchTask *t, const char *comm, gboolean in)
{
    SwitchComm *c = t->comm_cur != SWITCH_NONE
                        ? switch_comm_at (s, t->comm_cur)
                        : NULL;
    if (G_UNLIKELY (!c || strncmp (c->comm, comm, FTA_COMM_LEN) != 0))
        c = switch_comm_find (s, t, comm);
    if (c->selected) {
        if (in)
            c->sched_in++;
        else
            c->switch_out++;
    }
}

static void
switch_on_event (void *self, const FtaEvent *ev)
{
    Switch *s = self;
    const FtaSwitchFields *sw = &ev->u.sw;
    /* pid 0 is the idle task of this CPU */
    SwitchTask *prev = fta_tasks_get (s->tasks, sw->prev_task, sw->prev_pid, ev->cpu);
    switch_task_id (prev, sw->prev_task);
    if (G_UNLIKELY (prev->pid <= 0) && sw->prev_comm[0])
        g_strlcpy (switch_own_comm (s, prev), sw->prev_comm, FTA_COMM_LEN);
    if (fta_state_is_preempted (sw->prev_state))
        prev->preempted++;
    else
        prev->voluntary++;
    if (ev->tgid >= 0 && ev->pid == sw->prev_pid)
        prev->tgid = ev->tgid;
    SwitchTask *next = fta_tasks_get (s->tasks, sw->next_task, sw->next_pid, ev->cpu);
    switch_task_id (next, sw->next_task);
    if (G_UNLIKELY (next->pid <= 0) && sw->next_comm[0])
        g_strlcpy (switch_own_comm (s, next), sw->next_comm, FTA_COMM_LEN);
    next->sched_in++;
    if (s->comms_table) {
        switch_count_comm (s, prev, sw->prev_comm, FALSE);
        switch_count_comm (s, next, sw->next_comm, TRUE);
    }
}

static void
switch_on_span (void *self, const FtaSpan *sp)
{
    Switch *s = self;
    if (sp->flags & FTA_SPAN_TRUNCATED)
        return;
    SwitchTask *t = fta_tasks_get (s->tasks, sp->task, sp->pid, sp->cpu);
    switch_task_id (t, sp->task);
    if (G_UNLIKELY (t->pid <= 0)) {
        char *own = switch_own_comm (s, t);
        if (!own[0])
            g_strlcpy (own, sp->comm, FTA_COMM_LEN);
    }
    if (t->tgid < 0)
        t->tgid = sp->tgid;
    gint64 d = sp->end_ns - sp->start_ns;
    if (sp->flags & FTA_SPAN_NO_WAKEUP)
        t->wakeups_missing++;
    switch (sp->state) {
    case FTA_TASK_RUNNING:
        t->run_ns += d;
        if (sp->flags & FTA_SPAN_INFERRED_START)
            t->inferred_in++;
        break;
    case FTA_TASK_RUNNABLE:
        t->runnable_ns += d;
        if (sp->reason == FTA_RUNNABLE_PREEMPTED)
            t->preempted_wait_ns += d;
        break;
    case FTA_TASK_SLEEPING: t->sleep_ns += d; break;
    case FTA_TASK_BLOCKED: t->blocked_ns += d; break;
    default: break;
    }
}

/* --- the tables' columns -------------------------------------------------------- */

/* Cells the row struct does not hold; DATA is the context. */
static void
switch_get_switch_out (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) data;
    (void) scratch;
    const SwitchTask *t = row;
    v->is_null = FALSE;
    v->i = (gint64) t->voluntary + t->preempted;
}

static void
switch_get_task_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    const SwitchTask *t = row;
    v->is_null = FALSE;
    v->i = t->id != FTA_TASK_NONE ? fta_context_task_seq (data, t->id) : 0;
}

static void
switch_get_other_comms (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    const SwitchTask *t = row;
    const char *o = t->id != FTA_TASK_NONE ? fta_context_task_other_comms (data, t->id) : NULL;
    if (o) {
        v->is_null = FALSE;
        v->s = o;
    }
}

#define TASK(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (SwitchTask, member)

static const FtaColumnSpec switch_task_columns[] = {
    { "pid", FTA_COL_INT, TRUE, TASK (FTA_FIELD_INT32, pid) },
    { "tgid", FTA_COL_INT, TASK (FTA_FIELD_ID32, tgid) },
    { "comm", FTA_COL_STRING, TASK (FTA_FIELD_STRING, comm) },
    { "sched_in", FTA_COL_COUNT, TASK (FTA_FIELD_UINT32, sched_in) },
    { "switch_out", FTA_COL_COUNT, .get = switch_get_switch_out },
    { "voluntary", FTA_COL_COUNT, TASK (FTA_FIELD_UINT32, voluntary) },
    { "preempted", FTA_COL_COUNT, TASK (FTA_FIELD_UINT32, preempted) },
    { "run_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, run_ns) },
    { "runnable_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, runnable_ns) },
    { "preempted_wait_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, preempted_wait_ns) },
    { "sleep_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, sleep_ns) },
    { "blocked_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, blocked_ns) },
    { "inferred_in", FTA_COL_COUNT, TASK (FTA_FIELD_UINT32, inferred_in) },
    { "wakeups_missing", FTA_COL_COUNT, TASK (FTA_FIELD_UINT32, wakeups_missing) },
    /* which task of its pid (in text when a pid names two), and the comms
     * it ran under besides its name (CSV, JSON and HTML only) */
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, .get = switch_get_task_seq },
    { "other_comms", FTA_COL_STRING, .rank = FTA_RANK_DETAIL, .get = switch_get_other_comms },
};
static const FtaTableSpec switch_tasks_spec = FTA_TABLE_SPEC (
    "tasks", "Context switches per task", switch_task_columns);

#define COMM(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (SwitchComm, member)

static const FtaColumnSpec switch_comm_columns[] = {
    { "comm", FTA_COL_STRING, TRUE, COMM (FTA_FIELD_CHARS, comm) },
    { "sched_in", FTA_COL_COUNT, COMM (FTA_FIELD_UINT64, sched_in) },
    { "switch_out", FTA_COL_COUNT, COMM (FTA_FIELD_UINT64, switch_out) },
};
static const FtaTableSpec switch_comms_spec = FTA_TABLE_SPEC (
    "comms", "Context switches per comm", switch_comm_columns);

/* --- finish ------------------------------------------------------------------------ */

/* A row to sort: by k0, then k1, then where it was (stable). */
typedef struct {
    guint64 k0, k1;
    guint32 idx; /* its state or record */
    guint32 mv;  /* switch.comms: index + 1 of its made-valid text, 0 if
                    the comm is UTF-8 */
} SwitchKey;

/* Sorts V[N] by (k0, k1), stably: a least-significant-byte-first radix
 * sort that skips the bytes all keys share (10^6 tasks' rows in a few
 * passes, no comparisons). */
static void
switch_radix_sort (SwitchKey *v, guint n)
{
    if (n < 2)
        return;
    guint *count = g_new0 (guint, 16 * 256); /* per byte, least significant first */
    for (guint i = 0; i < n; i++)
        for (guint b = 0; b < 8; b++) {
            count[b * 256 + ((v[i].k1 >> (8 * b)) & 0xff)]++;
            count[(8 + b) * 256 + ((v[i].k0 >> (8 * b)) & 0xff)]++;
        }
    SwitchKey *tmp = NULL, *from = v;
    for (guint b = 0; b < 16; b++) {
        guint64 first = b < 8 ? v[0].k1 : v[0].k0;
        guint shift = 8 * (b % 8);
        guint *at_of = count + b * 256;
        if (at_of[(first >> shift) & 0xff] == n)
            continue; /* every key has that byte */
        if (!tmp)
            tmp = g_new (SwitchKey, n);
        guint at = 0;
        for (guint c = 0; c < 256; c++) {
            guint k = at_of[c];
            at_of[c] = at;
            at += k;
        }
        SwitchKey *to = from == v ? tmp : v;
        for (guint i = 0; i < n; i++) {
            guint64 w = b < 8 ? from[i].k1 : from[i].k0;
            to[at_of[(w >> shift) & 0xff]++] = from[i];
        }
        from = to;
    }
    if (from != v)
        memcpy (v, from, n * sizeof *v);
    g_free (tmp);
    g_free (count);
}

/* switch.tasks: by run time, most first, then by pid, then in order of
 * first sight (the idle tasks' rows). */
static void
switch_tasks_table (Switch *s, FtaResults *r)
{
    FtaTable *t = fta_results_add_table_spec (r, "switch", &switch_tasks_spec);
    fta_table_set_needs (t, "sched_switch");
    gboolean reused = FALSE;
    guint n = fta_tasks_count (s->tasks), m = 0;
    SwitchKey *keys = g_new (SwitchKey, MAX (n, 1));
    for (guint i = 0; i < n; i++) {
        SwitchTask *k = fta_tasks_nth (s->tasks, i);
        /* the task's one name, as every table shows it; the core has
         * every name a pid > 0's events printed */
        if (k->pid > 0) {
            const char *name = k->id != FTA_TASK_NONE ? fta_context_task_comm (s->ctx, k->id)
                                                       : NULL;
            k->comm = name ? name : "";
        } else if (!k->comm) {
            k->comm = "";
        }
        if (!fta_context_task_selected (s->ctx, k->pid, k->comm))
            continue;
        if (!k->sched_in && !k->voluntary && !k->preempted && !k->run_ns)
            continue;
        if (k->id != FTA_TASK_NONE && fta_context_task_seq (s->ctx, k->id) > 0)
            reused = TRUE;
        /* run_ns descending, pid ascending, as unsigned keys */
        keys[m++] = (SwitchKey) { G_MAXUINT64 - ((guint64) k->run_ns ^ G_GUINT64_CONSTANT (1) << 63),
                                  (guint32) k->pid ^ G_GUINT64_CONSTANT (0x80000000), i, 0 };
    }
    switch_radix_sort (keys, m);
    for (guint i = 0; i < m; i++)
        fta_table_add_row_ref (t, &switch_tasks_spec, fta_tasks_nth (s->tasks, keys[i].idx),
                               s->ctx);
    g_free (keys);
    if (reused)
        fta_table_set_column_rank (t, G_N_ELEMENTS (switch_task_columns) - 2, 0);
}

/* switch.comms' order where a comm is not UTF-8: by sched_in (k0), then
 * by the comm as the table shows it, then by first sight. */
typedef struct {
    const Switch *s;
    const GPtrArray *mv;
} SwitchCommOrder;

static int
switch_comm_cmp (gconstpointer pa, gconstpointer pb, gpointer data)
{
    const SwitchKey *a = pa, *b = pb;
    const SwitchCommOrder *o = data;
    if (a->k0 != b->k0)
        return a->k0 < b->k0 ? -1 : 1;
    const char *x = a->mv ? g_ptr_array_index (o->mv, a->mv - 1)
                          : switch_comm_at (o->s, a->idx)->comm;
    const char *y = b->mv ? g_ptr_array_index (o->mv, b->mv - 1)
                          : switch_comm_at (o->s, b->idx)->comm;
    int c = strcmp (x, y);
    if (c)
        return c;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

static guint64
switch_be64 (const char *p)
{
    guint64 v;
    memcpy (&v, p, sizeof v);
    return GUINT64_FROM_BE (v);
}

/* switch.comms: by sched_in, most first, then by comm as the table shows
 * it, then in order of first sight (two comms that are not UTF-8 may show
 * alike). */
static void
switch_comms_table (Switch *s, FtaResults *r)
{
    FtaTable *t = fta_results_add_table_spec (r, "switch", &switch_comms_spec);
    fta_table_set_needs (t, "sched_switch");
    guint n = 0;
    for (guint32 i = 0; i < s->comms.n; i++)
        n += switch_comm_at (s, i)->selected;
    SwitchKey *keys = g_new (SwitchKey, MAX (n, 1));
    n = 0;
    /* a comm's 16 bytes, zero-padded, as two words: they order as the
     * strings do */
    for (guint32 i = 0; i < s->comms.n; i++) {
        const SwitchComm *c = switch_comm_at (s, i);
        if (c->selected)
            keys[n++] = (SwitchKey) { switch_be64 (c->comm), switch_be64 (c->comm + 8), i, 0 };
    }
    /* one row per comm: the counts of its records in its first */
    switch_radix_sort (keys, n);
    GPtrArray *mv = g_ptr_array_new_with_free_func (g_free);
    guint m = 0;
    for (guint i = 0; i < n;) {
        SwitchComm *first = switch_comm_at (s, keys[i].idx);
        guint j = i + 1;
        for (; j < n && keys[j].k0 == keys[i].k0 && keys[j].k1 == keys[i].k1; j++) {
            const SwitchComm *c = switch_comm_at (s, keys[j].idx);
            first->sched_in += c->sched_in;
            first->switch_out += c->switch_out;
        }
        keys[m] = (SwitchKey) { G_MAXUINT64 - first->sched_in, 0, keys[i].idx, 0 };
        if (!g_utf8_validate (first->comm, -1, NULL)) {
            g_ptr_array_add (mv, g_utf8_make_valid (first->comm, -1));
            keys[m].mv = mv->len;
        }
        m++;
        i = j;
    }
    /* in order of the comm's bytes already: of its text when all are
     * UTF-8 */
    if (!mv->len) {
        switch_radix_sort (keys, m);
    } else {
        SwitchCommOrder order = { s, mv };
        g_qsort_with_data (keys, (gint) m, sizeof *keys, switch_comm_cmp, &order);
    }
    for (guint i = 0; i < m; i++)
        fta_table_add_row_ref (t, &switch_comms_spec,
                               switch_comm_at (s, keys[i].idx), NULL);
    g_ptr_array_free (mv, TRUE);
    g_free (keys);
}

static void
switch_finish (void *self, FtaResults *r)
{
    Switch *s = self;
    switch_tasks_table (s, r);
    if (s->comms_table)
        switch_comms_table (s, r);
}

static void
switch_destroy (void *self)
{
    Switch *s = self;
    fta_tasks_free (s->tasks);
    record_blocks_clear (&s->comms);
    g_ptr_array_free (s->own, TRUE);
    g_free (s);
}

static const FtaOptionSpec switch_options[] = {
    { "comms", FTA_OPT_BOOL, "true", "also report per-comm totals (switch.comms)" },
    { NULL }
};

static const FtaEventType switch_events[] = {
    FTA_EV_SCHED_SWITCH, FTA_EV_SPAN, FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (
    .name = "switch",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "context switches per task: sched-ins, voluntary vs preempted, run time",
    .options = switch_options,
    .events = switch_events,
    .create = switch_create,
    .on_event = switch_on_event,
    .on_span = switch_on_span,
    .finish = switch_finish,
    .destroy = switch_destroy,
);
