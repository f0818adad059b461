/* migration.c - which tasks change CPU, between which CPUs, why, and which
 * bounce back and forth.
 *
 * Migrations are the trace's sched_migrate_task events, counted for the
 * task in their pid= field (as perf sched timehist -M does).  A trace
 * without that event still shows CPU changes: two consecutive Running spans
 * of a task on different CPUs.  Both are kept; finish reports the events
 * when the trace has any, else the CPU changes, and says which.
 *
 * Why a task moved, from the fields alone:
 *  - wakeup: try_to_wake_up picks a CPU and moves the task before enqueuing
 *    it, all in one burst on the waker's CPU: sched_waking (target_cpu = the
 *    old CPU), sched_migrate_task, then sched_wakeup (target_cpu = the new
 *    CPU, possibly on the new CPU a little later).  wake_up_new_task does
 *    the same after sched_process_fork.  With sched_waking in the trace, a
 *    migrate is a wakeup migration when the latest sched_waking (or fork) on
 *    the same CPU since that CPU's last sched_switch was for the same pid.
 *    Without sched_waking (old kernels), it is one when the task's next
 *    sched_wakeup(_new) names dest_cpu as target_cpu before the task is
 *    next switched in or migrated again.
 *  - balance: any other migrate: load balancing (idle, periodic, NUMA),
 *    active balancing and affinity or exec moves done by migration/N.
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

/* The most recent reversals, kept per task for the finding. */
typedef struct {
    gint32 from, to;
    gint64 ts;
} MigrationMove;

/* A task that moved: made at its first sched_migrate_task or CPU change.
 * Idle tasks, and pids without a task id, have one from their first
 * Running span, and keep run_cpu and runnable_ns in it; other tasks keep
 * them in a MigrationRun, as every task needs them.  Its comm is its
 * latest sched_migrate_task's, else its first Running span's. */
typedef struct {
    gint32 pid;
    guint32 task; /* task id, FTA_TASK_NONE for idle tasks */
    char comm[FTA_COMM_LEN];
    guint64 migrations;
    guint64 wake_by_waking;  /* wakeup migrations, sched_waking rule */
    guint64 wake_by_wakeup;  /* wakeup migrations, sched_wakeup rule */
    guint64 cpu_changes;
    guint64 bounces_mig;     /* reversals of the previous migrate */
    guint64 bounces_chg;     /* reversals of the previous CPU change */
    MigrationMove last_mig;  /* from = -1: none yet */
    MigrationMove last_chg;
    gint32 run_cpu;          /* CPU of the latest Running span, -1 none */
    gint64 runnable_ns;      /* time waiting for a CPU (Runnable spans) */
    /* sched_wakeup rule: the latest migrate, not yet resolved */
    gboolean pending;
    gint32 pending_from, pending_to;
    gboolean pending_counted; /* it passed the task filter for the matrix */
} MigrationTask;

typedef struct {
    gint64 key; /* from << 32 | to */
    gint32 from, to;
    guint64 migrations, wake_by_waking, wake_by_wakeup, cpu_changes;
} MigrationCell;

/* The ttwu burst in progress on a CPU: the pid of its latest sched_waking
 * or fork, until that CPU switches. */
typedef struct {
    gint32 woken_pid;   /* -1 none */
    gint32 woken_from;  /* sched_waking's target_cpu, -1 unknown */
} MigrationCpu;

/* What every task (pid > 0) needs, moved or not. */
typedef struct {
    gint64 runnable_ns; /* time waiting for a CPU (Runnable spans) */
    gint32 run_cpu;     /* CPU of the latest Running span + 1, 0 none */
    /* migration_comm_hash of its first Running span's comm (not empty),
     * 0 none: a task that execs before it first moves had another name
     * then, and finish finds it among the comms the model kept */
    guint32 comm_hash;
} MigrationRun;

/* CPUs with per-CPU state (see migration_cpu) */
#define MIGRATION_MAX_CPUS 4096
/* Cells between CPUs below this are found in Migration.matrix, others only
 * in Migration.cells: a damaged line must not make the matrix huge. */
#define MIGRATION_MATRIX_CPUS 1024

typedef struct {
    const FtaContext *ctx;
    gboolean matrix_table;
    gint64 window_ns;
    guint64 min_bounces;
    double wait_pct;    /* pingpong_wait_pct */
    FtaTasks *tasks;   /* MigrationTask per task that moved */
    GArray *runs;      /* MigrationRun by task id, for pids > 0 */
    GHashTable *cells; /* &key -> MigrationCell*, owned */
    /* from CPU -> GPtrArray of to CPU -> MigrationCell*, in cells */
    GPtrArray *matrix;
    GArray *cpus;      /* MigrationCpu by CPU number */
    guint n_pending;   /* tasks with pending set */
} Migration;

static void
migration_row_free (gpointer row)
{
    if (row)
        g_ptr_array_free (row, TRUE);
}

static void
migration_task_init (gpointer state, gint32 pid)
{
    MigrationTask *t = state;
    t->pid = pid;
    t->task = FTA_TASK_NONE;
    t->last_mig.from = t->last_chg.from = -1;
    t->run_cpu = -1;
}

static void *
migration_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    double ms = fta_options_get_double (opts, "pingpong_window_ms");
    gint64 min = fta_options_get_int (opts, "pingpong_min");
    double wait_pct = fta_options_get_double (opts, "pingpong_wait_pct");
    if (ms < 0 || min < 1 || wait_pct < 0 || wait_pct > 100) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "plugins.migration: pingpong_window_ms must be >= 0, "
                     "pingpong_min >= 1 and pingpong_wait_pct 0..100 (got %g, %"
                     G_GINT64_FORMAT " and %g)", ms, min, wait_pct);
        return NULL;
    }
    Migration *m = g_new0 (Migration, 1);
    m->ctx = ctx;
    m->matrix_table = fta_options_get_bool (opts, "matrix");
    m->window_ns = (gint64) (ms * 1e6 + 0.5);
    m->min_bounces = (guint64) min;
    m->wait_pct = fta_options_get_double (opts, "pingpong_wait_pct");
    m->tasks = fta_tasks_new (sizeof (MigrationTask), migration_task_init, NULL);
    m->cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
    m->matrix = g_ptr_array_new_with_free_func (migration_row_free);
    m->cpus = g_array_new (FALSE, FALSE, sizeof (MigrationCpu));
    m->runs = g_array_new (FALSE, TRUE, sizeof (MigrationRun));
    return m;
}

static MigrationCell *
migration_cell_lookup (Migration *m, gint32 from, gint32 to)
{
    gint64 key = ((gint64) from << 32) | (guint32) to;
    MigrationCell *c = g_hash_table_lookup (m->cells, &key);
    if (!c) {
        c = g_new0 (MigrationCell, 1);
        c->key = key;
        c->from = from;
        c->to = to;
        g_hash_table_insert (m->cells, &c->key, c);
    }
    return c;
}

/* The cell FROM -> TO, created at first sight. */
static MigrationCell *
migration_cell (Migration *m, gint32 from, gint32 to)
{
    if (from < 0 || from >= MIGRATION_MATRIX_CPUS || to < 0
        || to >= MIGRATION_MATRIX_CPUS)
        return migration_cell_lookup (m, from, to);
    if ((guint) from >= m->matrix->len)
        g_ptr_array_set_size (m->matrix, from + 1);
    GPtrArray *row = g_ptr_array_index (m->matrix, from);
    if (!row)
        row = g_ptr_array_index (m->matrix, from) = g_ptr_array_new ();
    if ((guint) to >= row->len)
        g_ptr_array_set_size (row, to + 1);
    MigrationCell **c = (MigrationCell **) &g_ptr_array_index (row, to);
    if (!*c)
        *c = migration_cell_lookup (m, from, to);
    return *c;
}

/* NULL for CPUs out of range: a damaged line must not grow the array
 * without bound. */
static MigrationCpu *
migration_cpu (Migration *m, gint32 cpu)
{
    if (cpu < 0 || cpu >= MIGRATION_MAX_CPUS)
        return NULL;
    while (m->cpus->len <= (guint) cpu) {
        MigrationCpu c = { -1, -1 };
        g_array_append_val (m->cpus, c);
    }
    return &g_array_index (m->cpus, MigrationCpu, cpu);
}

/* A move that undoes the previous one (A -> B, then B -> A) soon enough. */
static gboolean
migration_bounce (const Migration *m, MigrationMove *last, gint32 from, gint32 to,
                  gint64 ts)
{
    gboolean back = last->from >= 0 && last->from == to && last->to == from
                    && ts - last->ts <= m->window_ns;
    last->from = from;
    last->to = to;
    last->ts = ts;
    return back;
}

static void
migration_resolve (Migration *m, MigrationTask *t)
{
    if (t->pending) {
        t->pending = FALSE;
        m->n_pending--;
    }
}

static void
migration_on_migrate (Migration *m, const FtaEvent *ev)
{
    const FtaMigrateFields *f = &ev->u.migrate;
    MigrationTask *t = fta_tasks_get (m->tasks, f->task, f->pid, f->orig_cpu);
    if (f->pid > 0)
        t->task = f->task;
    if (f->comm[0])
        g_strlcpy (t->comm, f->comm, FTA_COMM_LEN);
    t->migrations++;
    if (migration_bounce (m, &t->last_mig, f->orig_cpu, f->dest_cpu, ev->ts_ns))
        t->bounces_mig++;

    gboolean selected = fta_context_task_selected_id (m->ctx, f->task, f->pid, f->comm);
    MigrationCell *c = selected ? migration_cell (m, f->orig_cpu, f->dest_cpu) : NULL;
    if (c)
        c->migrations++;

    /* sched_waking rule: this CPU's burst woke this very task */
    MigrationCpu *cpu = migration_cpu (m, ev->cpu);
    if (cpu && cpu->woken_pid == f->pid
        && (cpu->woken_from < 0 || cpu->woken_from == f->orig_cpu)) {
        t->wake_by_waking++;
        if (c)
            c->wake_by_waking++;
        cpu->woken_pid = -1;
    }

    /* sched_wakeup rule: decided by the task's next wakeup */
    if (!t->pending)
        m->n_pending++;
    t->pending = TRUE;
    t->pending_from = f->orig_cpu;
    t->pending_to = f->dest_cpu;
    t->pending_counted = selected;
}

static void
migration_on_event (void *self, const FtaEvent *ev)
{
    Migration *m = self;
    MigrationCpu *cpu;
    switch (ev->type) {
    case FTA_EV_SCHED_MIGRATE_TASK:
        migration_on_migrate (m, ev);
        break;
    case FTA_EV_SCHED_WAKING:
        if ((cpu = migration_cpu (m, ev->cpu))) {
            cpu->woken_pid = ev->u.wake.pid;
            cpu->woken_from = ev->u.wake.target_cpu;
        }
        break;
    case FTA_EV_SCHED_PROCESS_FORK:
        if ((cpu = migration_cpu (m, ev->cpu))) {
            cpu->woken_pid = ev->u.proc.child_pid;
            cpu->woken_from = -1;
        }
        break;
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW: {
        if (!m->n_pending || ev->u.wake.success == 0)
            break;
        MigrationTask *t = fta_tasks_find (m->tasks, ev->u.wake.task, ev->u.wake.pid,
                                              ev->u.wake.target_cpu);
        if (!t || !t->pending)
            break;
        if (ev->u.wake.target_cpu == t->pending_to) {
            t->wake_by_wakeup++;
            if (t->pending_counted)
                migration_cell (m, t->pending_from, t->pending_to)->wake_by_wakeup++;
        }
        migration_resolve (m, t);
        break;
    }
    case FTA_EV_SCHED_SWITCH:
        if ((cpu = migration_cpu (m, ev->cpu)))
            cpu->woken_pid = -1;
        if (m->n_pending) {
            MigrationTask *t = fta_tasks_find (m->tasks, ev->u.sw.next_task,
                                               ev->u.sw.next_pid, ev->cpu);
            if (t)
                migration_resolve (m, t);
        }
        break;
    case FTA_EV_LOST:
    case FTA_EV_BUFFER_STARTED:
        /* a burst may have lost its events: start over on that CPU */
        for (guint i = 0; i < m->cpus->len; i++)
            if (ev->cpu < 0 || (guint) ev->cpu == i)
                g_array_index (m->cpus, MigrationCpu, i).woken_pid = -1;
        break;
    default:
        break;
    }
}

/* Whether TASK of PID keeps its run CPU and wait in Migration's arrays. */
static inline gboolean
migration_by_id (gint32 pid, guint32 task)
{
    return pid > 0 && task != FTA_TASK_NONE;
}

/* The CPU change of T from RUN_CPU to the span SP's. */
static void
migration_cpu_change (Migration *m, MigrationTask *t, gint32 run_cpu, const FtaSpan *sp)
{
    t->cpu_changes++;
    if (migration_bounce (m, &t->last_chg, run_cpu, sp->cpu, sp->start_ns))
        t->bounces_chg++;
    if (fta_context_task_selected_id (m->ctx, sp->task, sp->pid, sp->comm))
        migration_cell (m, run_cpu, sp->cpu)->cpu_changes++;
}

/* COMM (FTA_COMM_LEN bytes at most, not empty) as a non-zero number. */
static guint32
migration_comm_hash (const char *comm, gsize len)
{
    guint32 h = 2166136261u; /* FNV-1a */
    for (gsize i = 0; i < len && comm[i]; i++)
        h = (h ^ (guchar) comm[i]) * 16777619u;
    return h ? h : 1;
}

static void
migration_on_span (void *self, const FtaSpan *sp)
{
    Migration *m = self;
    gboolean by_id = migration_by_id (sp->pid, sp->task);
    if (by_id && sp->task >= m->runs->len)
        g_array_set_size (m->runs, sp->task + 1);
    if (sp->state == FTA_TASK_RUNNABLE && sp->end_ns > sp->start_ns) {
        if (by_id) {
            g_array_index (m->runs, MigrationRun, sp->task).runnable_ns +=
                sp->end_ns - sp->start_ns;
        } else {
            MigrationTask *t = fta_tasks_get (m->tasks, sp->task, sp->pid, sp->cpu);
            t->runnable_ns += sp->end_ns - sp->start_ns;
        }
        return;
    }
    if (sp->state != FTA_TASK_RUNNING || sp->cpu < 0)
        return;
    if (!by_id) {
        MigrationTask *t = fta_tasks_get (m->tasks, sp->task, sp->pid, sp->cpu);
        if (sp->pid > 0)
            t->task = sp->task;
        if (!t->comm[0])
            g_strlcpy (t->comm, sp->comm, FTA_COMM_LEN);
        if (t->run_cpu >= 0 && t->run_cpu != sp->cpu)
            migration_cpu_change (m, t, t->run_cpu, sp);
        t->run_cpu = sp->cpu;
        return;
    }
    MigrationRun *run = &g_array_index (m->runs, MigrationRun, sp->task);
    if (!run->comm_hash && sp->comm[0])
        run->comm_hash = migration_comm_hash (sp->comm, FTA_COMM_LEN);
    if (run->run_cpu > 0 && run->run_cpu - 1 != sp->cpu) {
        MigrationTask *t = fta_tasks_get (m->tasks, sp->task, sp->pid, sp->cpu);
        t->task = sp->task;
        /* its first Running span's comm, when it still runs under it */
        if (!t->comm[0] && sp->comm[0]
            && migration_comm_hash (sp->comm, FTA_COMM_LEN) == run->comm_hash)
            g_strlcpy (t->comm, sp->comm, FTA_COMM_LEN);
        migration_cpu_change (m, t, run->run_cpu - 1, sp);
    }
    run->run_cpu = sp->cpu + 1;
}

/* The first Running span's comm of T, which ran under another since:
 * the one of the comms the model kept for it (its name and the others,
 * ", "-separated, where a comm may hold ", " too) with that hash. */
static void
migration_first_comm (Migration *m, MigrationTask *t)
{
    if (!migration_by_id (t->pid, t->task) || t->task >= m->runs->len)
        return;
    guint32 hash = g_array_index (m->runs, MigrationRun, t->task).comm_hash;
    const char *name = fta_context_task_comm (m->ctx, t->task);
    const char *others = fta_context_task_other_comms (m->ctx, t->task);
    if (!hash)
        return;
    if (name && migration_comm_hash (name, FTA_COMM_LEN) == hash) {
        g_strlcpy (t->comm, name, FTA_COMM_LEN);
        return;
    }
    /* every run of pieces between separators */
    for (const char *a = others; a && *a;) {
        for (const char *e = a;; e += 2) {
            const char *sep = strstr (e, ", ");
            gsize len = sep ? (gsize) (sep - a) : strlen (a);
            if (len >= FTA_COMM_LEN)
                break;
            if (migration_comm_hash (a, len) == hash) {
                memcpy (t->comm, a, len);
                t->comm[len] = '\0';
                return;
            }
            if (!sep)
                break;
            e = sep;
        }
        const char *next = strstr (a, ", ");
        a = next ? next + 2 : NULL;
    }
}

/* Whether the whole trace (not only the reported window) has EVENT. */
static gboolean
migration_trace_has (const FtaResults *r, const char *event)
{
    return fta_quality_event_count (fta_results_quality (r), event) > 0;
}

static gint
migration_by_bounces (gconstpointer a, gconstpointer b, gpointer data)
{
    const gboolean *from_events = data;
    const MigrationTask *x = *(MigrationTask *const *) a, *y = *(MigrationTask *const *) b;
    guint64 bx = *from_events ? x->bounces_mig : x->bounces_chg;
    guint64 by = *from_events ? y->bounces_mig : y->bounces_chg;
    if (bx != by)
        return bx > by ? -1 : 1;
    return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void
migration_findings (Migration *m, FtaResults *r, GPtrArray *bouncers, gboolean from_events)
{
    /* without sched_switch either, the tables are empty and the core names
     * both events once (quality.missing_events) */
    if (!from_events && migration_trace_has (r, "sched_switch")) {
        FtaFinding *f = fta_results_add_finding (
            r, FTA_SEVERITY_INFO, "migration.no-migrate-events",
            "Migrations are CPU changes between Running spans: the trace has no "
            "sched_migrate_task",
            "sched_migrate_task was not enabled when the trace was recorded. A task "
            "moved while it waited (or moved and back) shows only the CPUs it ran on, "
            "so these counts are lower bounds and wakeup / balance cannot be told apart.",
            "Record with events/sched/sched_migrate_task enabled "
            "(echo 1 > events/sched/enable enables it).");
        fta_finding_add_evidence (f, "source", "cpu_changes");
    }
    if (!bouncers->len)
        return;
    g_ptr_array_sort_with_data (bouncers, migration_by_bounces, &from_events);
    char *title = g_strdup_printf ("%u task%s bounce between CPUs (moved back within "
                                   "%g ms at least %" G_GUINT64_FORMAT " times)",
                                   bouncers->len, bouncers->len == 1 ? "" : "s",
                                   m->window_ns / 1e6, m->min_bounces);
    /* bouncing costs nothing visible by itself: a warning only when a
     * bouncing task also waited for a CPU pingpong_wait_pct of the trace */
    const FtaQuality *q = fta_results_quality (r);
    gint64 span = q->first_ts_ns >= 0 ? q->last_ts_ns - q->first_ts_ns : 0;
    gint64 waited = 0, most = 0;
    for (guint i = 0; i < bouncers->len; i++) {
        const MigrationTask *t = g_ptr_array_index (bouncers, i);
        gint64 w = migration_by_id (t->pid, t->task) && t->task < m->runs->len
                       ? g_array_index (m->runs, MigrationRun, t->task).runnable_ns
                       : t->runnable_ns;
        waited += w;
        most = MAX (most, w);
    }
    double most_pct = span > 0 ? 100.0 * most / span : 0;
    FtaFinding *f = fta_results_add_finding (
        r, most_pct >= m->wait_pct && span > 0 ? FTA_SEVERITY_WARNING : FTA_SEVERITY_INFO,
        "migration.pingpong", title,
        "A task moved from one CPU to another and straight back, repeatedly. Each move "
        "costs cache warmth; typical causes are wakeups placed on the waker's CPU "
        "followed by load balancing pulling the task back, or two CPUs taking turns "
        "being idle.",
        "See migration.tasks (wakeup_migrations vs balance_migrations) for which side "
        "moves it. Pinning the task (taskset, cpusets) or keeping the waker and wakee "
        "on one CPU stops the bouncing; for latency-critical threads consider isolating "
        "their CPUs.");
    g_free (title);
    /* the cost: the time the bouncing tasks waited for a CPU */
    fta_finding_set_cost (f, waited);
    fta_finding_add_evidence_printf (f, "tasks", "%u", bouncers->len);
    fta_finding_add_evidence_printf (f, "longest_wait_for_cpu",
                                     "%.1f%% of the trace (threshold %g%%)", most_pct,
                                     m->wait_pct);
    for (guint i = 0; i < bouncers->len && i < 5; i++) {
        MigrationTask *t = g_ptr_array_index (bouncers, i);
        MigrationMove *last = from_events ? &t->last_mig : &t->last_chg;
        char *k = g_strdup_printf ("%s[%d]", t->comm, t->pid);
        fta_finding_add_evidence_printf (
            f, k, "%" G_GUINT64_FORMAT " bounces in %" G_GUINT64_FORMAT " %s, last CPU %d <-> %d",
            from_events ? t->bounces_mig : t->bounces_chg,
            from_events ? t->migrations : t->cpu_changes,
            from_events ? "migrations" : "CPU changes", last->from, last->to);
        g_free (k);
    }
}

/* --- the tables' columns -------------------------------------------------------- */

/* A task or a pair of CPUs as its row of migration.tasks or .matrix shows it. */
typedef struct {
    gint32 pid;
    const char *comm;
    gint32 from, to;
    guint64 n;       /* migrations, or CPU changes without sched_migrate_task */
    guint64 migrations, wake_by_waking, wake_by_wakeup, cpu_changes;
    guint64 pingpong;
    guint32 task_seq; /* which task of its pid */
} MigrationRow;

/* Which events the trace has: how the kinds of migration are told apart. */
typedef struct {
    gboolean from_events; /* sched_migrate_task */
    gboolean by_waking;   /* sched_waking: its rule, else sched_wakeup's */
} MigrationSource;

/* ROW's wakeup migrations, or with BALANCE the others (load balancing,
 * affinity and exec moves); null without sched_migrate_task. */
static void
migration_kind (const MigrationRow *x, const MigrationSource *src, FtaValue *v,
                gboolean balance)
{
    if (!src->from_events)
        return;
    guint64 wakeups = src->by_waking ? x->wake_by_waking : x->wake_by_wakeup;
    v->is_null = FALSE;
    v->i = (gint64) (balance ? x->migrations - wakeups : wakeups);
}

static void
migration_get_wakeup (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    migration_kind (row, data, v, FALSE);
}

static void
migration_get_balance (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    migration_kind (row, data, v, TRUE);
}

#define ROW(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (MigrationRow, member)

static const FtaColumnSpec migration_task_columns[] = {
    { "pid", FTA_COL_INT, TRUE, ROW (FTA_FIELD_INT32, pid) },
    { "comm", FTA_COL_STRING, ROW (FTA_FIELD_STRING, comm) },
    { "migrations", FTA_COL_COUNT, ROW (FTA_FIELD_UINT64, n) },
    { "wakeup_migrations", FTA_COL_COUNT, .get = migration_get_wakeup },
    { "balance_migrations", FTA_COL_COUNT, .get = migration_get_balance },
    { "cpu_changes", FTA_COL_COUNT, ROW (FTA_FIELD_UINT64, cpu_changes) },
    { "pingpong", FTA_COL_COUNT, ROW (FTA_FIELD_UINT64, pingpong) },
    /* which task of its pid: shown when a pid names two */
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, ROW (FTA_FIELD_UINT32, task_seq) },
};
static const FtaTableSpec migration_tasks_spec = FTA_TABLE_SPEC (
    "tasks", "Migrations per task (sched_migrate_task)", migration_task_columns);

static const FtaColumnSpec migration_matrix_columns[] = {
    { "from_cpu", FTA_COL_INT, TRUE, ROW (FTA_FIELD_INT32, from) },
    { "to_cpu", FTA_COL_INT, TRUE, ROW (FTA_FIELD_INT32, to) },
    { "count", FTA_COL_COUNT, ROW (FTA_FIELD_UINT64, n) },
    { "wakeup_migrations", FTA_COL_COUNT, .get = migration_get_wakeup },
    { "balance_migrations", FTA_COL_COUNT, .get = migration_get_balance },
    { "cpu_changes", FTA_COL_COUNT, ROW (FTA_FIELD_UINT64, cpu_changes) },
};
static const FtaTableSpec migration_matrix_spec = FTA_TABLE_SPEC (
    "matrix", "Migrations by source and destination CPU", migration_matrix_columns);

static void
migration_finish (void *self, FtaResults *r)
{
    Migration *m = self;
    MigrationSource src = { migration_trace_has (r, "sched_migrate_task"),
                            migration_trace_has (r, "sched_waking") };
    gboolean from_events = src.from_events;
    FtaTable *t = fta_results_add_table_spec (r, "migration", &migration_tasks_spec);
    if (!from_events)
        fta_table_set_title (t, "Migrations per task (CPU changes between Running spans: the "
                                "trace has no sched_migrate_task)");
    fta_table_set_needs (t, "sched_switch|sched_migrate_task");
    gboolean reused = FALSE;

    GPtrArray *bouncers = g_ptr_array_new ();
    for (guint i = 0; i < fta_tasks_count (m->tasks); i++) {
        MigrationTask *k = fta_tasks_nth (m->tasks, i);
        if (!k->comm[0])
            migration_first_comm (m, k);
        if ((!k->migrations && !k->cpu_changes)
            || !fta_context_task_selected (m->ctx, k->pid, k->comm))
            continue;
        MigrationRow row = {
            .pid = k->pid,
            .comm = k->comm,
            .n = from_events ? k->migrations : k->cpu_changes,
            .migrations = k->migrations,
            .wake_by_waking = k->wake_by_waking,
            .wake_by_wakeup = k->wake_by_wakeup,
            .cpu_changes = k->cpu_changes,
            .pingpong = from_events ? k->bounces_mig : k->bounces_chg,
            .task_seq =
                k->task != FTA_TASK_NONE ? fta_context_task_seq (m->ctx, k->task) : 0,
        };
        fta_table_add_row_from (t, &migration_tasks_spec, &row, &src);
        reused |= row.task_seq > 0;
        if (row.pingpong >= m->min_bounces)
            g_ptr_array_add (bouncers, k);
    }
    if (reused)
        fta_table_set_column_rank (t, G_N_ELEMENTS (migration_task_columns) - 1, 0);
    fta_table_sort_by (t, "pid", FALSE);
    fta_table_sort_by (t, "migrations", TRUE);

    if (m->matrix_table) {
        FtaTable *x = fta_results_add_table_spec (r, "migration", &migration_matrix_spec);
        if (!from_events)
            fta_table_set_title (x, "CPU changes by source and destination CPU");
        fta_table_set_needs (x, "sched_switch|sched_migrate_task");
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init (&it, m->cells);
        while (g_hash_table_iter_next (&it, NULL, &v)) {
            MigrationCell *c = v;
            MigrationRow row = {
                .from = c->from,
                .to = c->to,
                .n = from_events ? c->migrations : c->cpu_changes,
                .migrations = c->migrations,
                .wake_by_waking = c->wake_by_waking,
                .wake_by_wakeup = c->wake_by_wakeup,
                .cpu_changes = c->cpu_changes,
            };
            if (!row.n && !c->cpu_changes)
                continue;
            fta_table_add_row_from (x, &migration_matrix_spec, &row, &src);
        }
        fta_table_sort_by (x, "to_cpu", FALSE);
        fta_table_sort_by (x, "from_cpu", FALSE);
        fta_table_sort_by (x, "count", TRUE);
    }

    migration_findings (m, r, bouncers, from_events);
    g_ptr_array_free (bouncers, TRUE);
}

static void
migration_destroy (void *self)
{
    Migration *m = self;
    g_ptr_array_free (m->matrix, TRUE);
    fta_tasks_free (m->tasks);
    g_array_free (m->runs, TRUE);
    g_hash_table_destroy (m->cells);
    g_array_free (m->cpus, TRUE);
    g_free (m);
}

static const FtaOptionSpec migration_options[] = {
    { "matrix", FTA_OPT_BOOL, "true", "also report migration.matrix (from_cpu -> to_cpu)" },
    { "pingpong_window_ms", FTA_OPT_DOUBLE, "10",
      "a move back (A -> B -> A) within this many ms counts as a bounce" },
    { "pingpong_min", FTA_OPT_INT, "10", "bounces that flag a task in the findings" },
    { "pingpong_wait_pct", FTA_OPT_DOUBLE, "10",
      "migration.pingpong is a warning when a bouncing task waited for a CPU this share (%) "
      "of the trace" },
    { NULL }
};

static const FtaEventType migration_events[] = {
    FTA_EV_SCHED_MIGRATE_TASK, FTA_EV_SCHED_WAKING, FTA_EV_SCHED_WAKEUP,
    FTA_EV_SCHED_WAKEUP_NEW, FTA_EV_SCHED_PROCESS_FORK, FTA_EV_SCHED_SWITCH,
    FTA_EV_LOST, FTA_EV_BUFFER_STARTED, FTA_EV_SPAN, FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (
    .name = "migration",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "task migrations: per task and CPU pair, wakeup vs balance, ping-pong",
    .options = migration_options,
    .events = migration_events,
    .create = migration_create,
    .on_event = migration_on_event,
    .on_span = migration_on_span,
    .finish = migration_finish,
    .destroy = migration_destroy,
);
