/* switch.c - context switches per task and per comm.
 *
 * Counts come from sched_switch events (so they equal a grep/awk count of
 * the same lines); times come from the core's task-state spans.  Only
 * complete spans are summed: the interval a task was already in when the
 * trace began, and the one it is still in when the trace ends, are not.
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

/* A comm's counts, and its row of switch.comms.  The comm comes first:
 * the record is its own key in Switch.comms. */
typedef struct {
    char comm[FTA_COMM_LEN];
    guint64 sched_in, switch_out;
} SwitchComm;

/* SwitchComms are cut from blocks of this many: a comm costs no
 * allocation of its own (a fork-heavy host may name as many as tasks). */
#define SWITCH_COMM_BLOCK 1024

typedef struct {
    gint32 pid;
    guint32 id;  /* task id, FTA_TASK_NONE for idle tasks */
    gint32 tgid;
    char comm[FTA_COMM_LEN];
    guint64 sched_in, switch_out, voluntary, preempted, inferred_in, wakeups_missing;
    gint64 run_ns, runnable_ns, preempted_wait_ns, sleep_ns, blocked_ns;
    /* switch.comms: the record of the comm (with the pid) this task's
     * events last named, NULL when that pair is filtered out; valid once
     * by_comm_set */
    gboolean by_comm_set;
    gint32 by_comm_pid;
    char by_comm[FTA_COMM_LEN];
    SwitchComm *by_comm_rec;
    /* filled for the table: which task of its pid, and the comms it ran
     * under besides its name */
    guint32 task_seq;
    const char *other_comms;
} SwitchTask;

typedef struct {
    const FtaContext *ctx;
    gboolean comms_table;
    /* SwitchTask per task, the idle task per CPU.  finish walks them in
     * order of first sight: the idle rows (all pid 0) tie in the sort and
     * keep that order. */
    FtaTasks *tasks;
    GHashTable *comms;     /* the set of SwitchComm*, found by comm */
    GPtrArray *comm_blocks; /* SWITCH_COMM_BLOCK SwitchComms each, owned */
    guint n_comms;
} Switch;

static void
switch_task_init (gpointer state, gint32 pid)
{
    SwitchTask *t = state;
    t->pid = pid;
    t->id = FTA_TASK_NONE;
    t->tgid = -1;
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
    s->comms = g_hash_table_new (g_str_hash, g_str_equal);
    s->comm_blocks = g_ptr_array_new_with_free_func (g_free);
    return s;
}

static SwitchComm *
switch_comm (Switch *s, const char *comm)
{
    SwitchComm *c = g_hash_table_lookup (s->comms, comm);
    if (!c) {
        if (s->n_comms % SWITCH_COMM_BLOCK == 0)
            g_ptr_array_add (s->comm_blocks, g_new0 (SwitchComm, SWITCH_COMM_BLOCK));
        c = (SwitchComm *) g_ptr_array_index (s->comm_blocks, s->n_comms / SWITCH_COMM_BLOCK)
            + s->n_comms % SWITCH_COMM_BLOCK;
        s->n_comms++;
        g_strlcpy (c->comm, comm, FTA_COMM_LEN);
        g_hash_table_add (s->comms, c);
    }
    return c;
}

/* The switch.comms record for an event of T naming PID and COMM, NULL when
 * the task filters leave them out.  Resolved again only when T's events
 * name another comm. */
static inline SwitchComm *
switch_task_comm (Switch *s, SwitchTask *t, gint32 pid, const char *comm)
{
    if (G_UNLIKELY (!t->by_comm_set || t->by_comm_pid != pid
                    || memcmp (t->by_comm, comm, FTA_COMM_LEN) != 0)) {
        t->by_comm_set = TRUE;
        t->by_comm_pid = pid;
        memcpy (t->by_comm, comm, FTA_COMM_LEN);
        t->by_comm_rec = fta_context_task_selected (s->ctx, pid, comm)
                             ? switch_comm (s, comm)
                             : NULL;
    }
    return t->by_comm_rec;
}

static void
switch_on_event (void *self, const FtaEvent *ev)
{
    Switch *s = self;
    const FtaSwitchFields *sw = &ev->u.sw;
    /* pid 0 is the idle task of this CPU */
    SwitchTask *prev = fta_tasks_get (s->tasks, sw->prev_task, sw->prev_pid, ev->cpu);
    switch_task_id (prev, sw->prev_task);
    if (sw->prev_comm[0])
        memcpy (prev->comm, sw->prev_comm, FTA_COMM_LEN);
    prev->switch_out++;
    if (fta_state_is_preempted (sw->prev_state))
        prev->preempted++;
    else
        prev->voluntary++;
    if (ev->tgid >= 0 && ev->pid == sw->prev_pid)
        prev->tgid = ev->tgid;
    SwitchTask *next = fta_tasks_get (s->tasks, sw->next_task, sw->next_pid, ev->cpu);
    switch_task_id (next, sw->next_task);
    if (sw->next_comm[0])
        memcpy (next->comm, sw->next_comm, FTA_COMM_LEN);
    next->sched_in++;
    if (s->comms_table) {
        SwitchComm *c = switch_task_comm (s, prev, sw->prev_pid, sw->prev_comm);
        if (c)
            c->switch_out++;
        c = switch_task_comm (s, next, sw->next_pid, sw->next_comm);
        if (c)
            c->sched_in++;
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
    if (!t->comm[0])
        g_strlcpy (t->comm, sp->comm, FTA_COMM_LEN);
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

#define TASK(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (SwitchTask, member)

static const FtaColumnSpec switch_task_columns[] = {
    { "pid", FTA_COL_INT, TRUE, TASK (FTA_FIELD_INT32, pid) },
    { "tgid", FTA_COL_INT, TASK (FTA_FIELD_ID32, tgid) },
    { "comm", FTA_COL_STRING, TASK (FTA_FIELD_CHARS, comm) },
    { "sched_in", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, sched_in) },
    { "switch_out", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, switch_out) },
    { "voluntary", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, voluntary) },
    { "preempted", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, preempted) },
    { "run_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, run_ns) },
    { "runnable_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, runnable_ns) },
    { "preempted_wait_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, preempted_wait_ns) },
    { "sleep_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, sleep_ns) },
    { "blocked_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, blocked_ns) },
    { "inferred_in", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, inferred_in) },
    { "wakeups_missing", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, wakeups_missing) },
    /* which task of its pid (in text when a pid names two), and the comms
     * it ran under besides its name (CSV, JSON and HTML only) */
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, TASK (FTA_FIELD_UINT32, task_seq) },
    { "other_comms", FTA_COL_STRING, .rank = FTA_RANK_DETAIL,
      TASK (FTA_FIELD_STRING, other_comms) },
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

static void
switch_finish (void *self, FtaResults *r)
{
    Switch *s = self;
    FtaTable *t = fta_results_add_table_spec (r, "switch", &switch_tasks_spec);
    fta_table_set_needs (t, "sched_switch");
    gboolean reused = FALSE;
    for (guint i = 0; i < fta_tasks_count (s->tasks); i++) {
        SwitchTask *k = fta_tasks_nth (s->tasks, i);
        /* the task's one name, as every table shows it */
        const char *name = k->id != FTA_TASK_NONE ? fta_context_task_comm (s->ctx, k->id)
                                                   : NULL;
        if (name)
            memcpy (k->comm, name, FTA_COMM_LEN);
        if (!fta_context_task_selected (s->ctx, k->pid, k->comm))
            continue;
        if (!k->sched_in && !k->switch_out && !k->run_ns)
            continue;
        k->task_seq = k->id != FTA_TASK_NONE ? fta_context_task_seq (s->ctx, k->id) : 0;
        k->other_comms = k->id != FTA_TASK_NONE ? fta_context_task_other_comms (s->ctx, k->id)
                                                : NULL;
        reused |= k->task_seq > 0;
        fta_table_add_row_ref (t, &switch_tasks_spec, k, NULL);
    }
    if (reused)
        fta_table_set_column_rank (t, G_N_ELEMENTS (switch_task_columns) - 2, 0);
    /* deterministic: by pid, then by the main metric */
    fta_table_sort_by (t, "pid", FALSE);
    fta_table_sort_by (t, "run_ns", TRUE);

    if (!s->comms_table)
        return;
    FtaTable *c = fta_results_add_table_spec (r, "switch", &switch_comms_spec);
    fta_table_set_needs (c, "sched_switch");
    for (guint i = 0; i < s->n_comms; i++)
        fta_table_add_row_ref (c, &switch_comms_spec,
                               (SwitchComm *) g_ptr_array_index (s->comm_blocks,
                                                                 i / SWITCH_COMM_BLOCK)
                                   + i % SWITCH_COMM_BLOCK,
                               NULL);
    fta_table_sort_by (c, "comm", FALSE);
    fta_table_sort_by (c, "sched_in", TRUE);
}

static void
switch_destroy (void *self)
{
    Switch *s = self;
    fta_tasks_free (s->tasks);
    g_hash_table_destroy (s->comms);
    g_ptr_array_free (s->comm_blocks, TRUE);
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
