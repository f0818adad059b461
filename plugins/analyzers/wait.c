/* wait.c - who held the CPU while a task waited for it.
 *
 * The core's sched model splits every Runnable span among the tasks that
 * held the CPU the task was queued on (FtaSpan.holders, see
 * docs/sched-model.md); this analyzer sums them per task and holder.  As
 * switch.tasks, it counts complete spans only: the interval still open at
 * the end of the trace is left out, so a task's holders sum to its
 * runnable_ns there.
 *
 * Memory: a task-rich trace has tens of thousands of tasks that wait and
 * a few holders each, so both records are kept small: a comm is a 32-bit
 * index into a pool of the distinct comms seen (a task's latest name, a
 * holder's latest name while it held, as the tables show them), counts
 * are 32-bit, and a task's holders an array in the order of their keys,
 * grown by half, searched by halves: a new holder is most often a new
 * task, whose id is the largest yet, added at the end.
 */
#include <stdlib.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>
#include "../many-rows.h"

/* Keys of the holders of one task: task id + 2 for tasks, and these. */
#define WAIT_KEY_UNKNOWN 0u
#define WAIT_KEY_IDLE 1u

/* A holder of a task: 24 bytes.  Until finish, KEY says who it is (see
 * above); finish puts each task's holders in order, keeps the ones that
 * become rows of wait.holders (which reads them until the results are
 * rendered) and makes KEY the index of the task that waited. */
typedef struct {
    guint32 key;
    gint32 pid;   /* 0 idle, -1 unknown */
    gint64 ns;
    guint32 preemptions;
    guint32 comm; /* in Wait.comms: its name when it last held the CPU */
} WaitHolder;

/* A task that waited, made at its first wait the trace shows whole: one
 * that only ran has its run time in Wait.run_ns and nothing else.  Its
 * row of wait.tasks. */
typedef struct {
    gint32 pid;
    guint32 task;
    guint32 comm; /* in Wait.comms: its latest span's */
    guint32 waits, preempted;
    guint32 task_seq; /* which task of its pid, set by finish */
    gint64 runnable_ns, held_ns, idle_ns, unknown_ns;
    gint64 inferred_ns; /* of runnable_ns: waits the trace does not show whole */
    /* its holders by key, owned; after finish, most time first, its
     * largest at 0 */
    WaitHolder *holders;
    guint32 n_holders, cap_holders;
} WaitTask;

/* The distinct comms, FTA_COMM_LEN bytes each (NUL-padded), in blocks of
 * 1024 that never move, found by a table of their indexes + 1 by hash
 * (open addressing). */
typedef struct {
    RecordBlocks recs;
    guint32 *table;
    guint32 mask;
} WaitComms;

typedef struct {
    const FtaContext *ctx;
    gint64 holders_per_task;
    double contention_pct, contention_capacity_pct;
    gint64 contention_min_ns;
    FtaTasks *tasks;  /* WaitTask per task that waited */
    GArray *run_ns;   /* gint64 by task id: the run time of every task */
    WaitComms comms;
} Wait;
/* --- the pool of comms ---------------------------------------------------------- */

static const char *
wait_comm (const Wait *w, guint32 i)
{
    return record_blocks_at (&w->comms.recs, i);
}

static guint32
wait_comm_hash (const char *padded)
{
    guint64 a, b;
    memcpy (&a, padded, 8);
    memcpy (&b, padded + 8, 8);
    guint64 h = (a ^ (b * 0x9E3779B97F4A7C15u)) * 0xC2B2AE3D27D4EB4Fu;
    return (guint32) (h >> 32);
}

/* COMM's index in the pool, added at first sight. */
static guint32
wait_comm_intern (Wait *w, const char *comm)
{
    WaitComms *c = &w->comms;
    char padded[FTA_COMM_LEN] = { 0 };
    memcpy (padded, comm, strnlen (comm, FTA_COMM_LEN - 1));
    if ((c->recs.n + 1) * 2 > c->mask + 1) {
        guint32 size = c->table ? (c->mask + 1) * 2 : 64;
        g_free (c->table);
        c->table = g_new0 (guint32, size);
        c->mask = size - 1;
        for (guint32 i = 0; i < c->recs.n; i++) {
            guint32 s = wait_comm_hash (wait_comm (w, i)) & c->mask;
            while (c->table[s])
                s = (s + 1) & c->mask;
            c->table[s] = i + 1;
        }
    }
    guint32 s = wait_comm_hash (padded) & c->mask;
    for (; c->table[s]; s = (s + 1) & c->mask)
        if (memcmp (wait_comm (w, c->table[s] - 1), padded, FTA_COMM_LEN) == 0)
            return c->table[s] - 1;
    guint32 i = record_blocks_add (&c->recs);
    memcpy (record_blocks_at (&c->recs, i), padded, FTA_COMM_LEN);
    c->table[s] = i + 1;
    return i;
}

/* COMM's index, the one at *AT when it is the same name. */
static inline void
wait_comm_set (Wait *w, guint32 *at, const char *comm)
{
    if (strncmp (wait_comm (w, *at), comm, FTA_COMM_LEN) != 0)
        *at = wait_comm_intern (w, comm);
}

/* --- the analyzer ------------------------------------------------------------------ */

static void
wait_task_init (gpointer state, gint32 pid)
{
    WaitTask *t = state;
    t->pid = pid;
}

static void
wait_task_clear (gpointer state)
{
    WaitTask *t = state;
    g_free (t->holders);
}

static void *
wait_create (const FtaContext *ctx, const FtaOptions *o, GError **error)
{
    gint64 n = fta_options_get_int (o, "holders");
    if (n < 0) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "plugins.wait: holders must be 0 (all) or more");
        return NULL;
    }
    double pct = fta_options_get_double (o, "contention_pct");
    double cap = fta_options_get_double (o, "contention_capacity_pct");
    gint64 min_ms = fta_options_get_int (o, "contention_min_ms");
    if (pct <= 0 || pct > 100 || cap <= 0 || cap > 100 || min_ms < 0) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "plugins.wait: contention_pct and contention_capacity_pct must be in "
                     "(0, 100], contention_min_ms 0 or more");
        return NULL;
    }
    Wait *w = g_new0 (Wait, 1);
    w->ctx = ctx;
    w->holders_per_task = n;
    w->contention_pct = pct;
    w->contention_capacity_pct = cap;
    w->contention_min_ns = min_ms * 1000000;
    w->tasks = fta_tasks_new (sizeof (WaitTask), wait_task_init, wait_task_clear);
    w->run_ns = g_array_new (FALSE, TRUE, sizeof (gint64));
    record_blocks_init (&w->comms.recs, FTA_COMM_LEN, 10);
    /* comm 0 is "", the name of a task's state before its first span */
    wait_comm_intern (w, "");
    return w;
}

static void
wait_destroy (void *self)
{
    Wait *w = self;
    fta_tasks_free (w->tasks);
    g_array_free (w->run_ns, TRUE);
    record_blocks_clear (&w->comms.recs);
    g_free (w->comms.table);
    g_free (w);
}

static WaitHolder *
wait_holder (Wait *w, WaitTask *t, gint32 pid, guint32 task, const char *comm)
{
    guint32 key = pid < 0 ? WAIT_KEY_UNKNOWN : pid == 0 ? WAIT_KEY_IDLE : task + 2;
    /* the first holder with a key not below KEY */
    guint32 lo = 0, hi = t->n_holders;
    if (hi && t->holders[hi - 1].key < key) {
        lo = hi;
    } else {
        while (lo < hi) {
            guint32 mid = lo + (hi - lo) / 2;
            if (t->holders[mid].key < key)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    if (lo < t->n_holders && t->holders[lo].key == key) {
        WaitHolder *h = &t->holders[lo];
        if (pid > 0 && comm && comm[0])
            wait_comm_set (w, &h->comm, comm); /* the latest name */
        return h;
    }
    if (t->n_holders == t->cap_holders) {
        /* by half: most tasks have a few, a few have hundreds */
        t->cap_holders += t->cap_holders < 4 ? 1 : t->cap_holders / 2;
        t->holders = g_renew (WaitHolder, t->holders, t->cap_holders);
    }
    WaitHolder *h = &t->holders[lo];
    memmove (h + 1, h, (t->n_holders - lo) * sizeof *h);
    t->n_holders++;
    *h = (WaitHolder) {
        .key = key,
        .pid = pid < 0 ? -1 : pid,
        .comm = wait_comm_intern (w, pid < 0    ? "<unknown>"
                                     : pid == 0 ? "<idle>"
                                     : comm     ? comm
                                                : ""),
    };
    return h;
}

/* A + B of non-negative durations, at most G_MAXINT64: sums of
 * damaged timestamps overflow 64 bits. */
static gint64
wait_add (gint64 a, gint64 b)
{
    return b > G_MAXINT64 - a ? G_MAXINT64 : a + b;
}

static void
wait_on_span (void *self, const FtaSpan *sp)
{
    Wait *w = self;
    if ((sp->state != FTA_TASK_RUNNABLE && sp->state != FTA_TASK_RUNNING) || sp->pid <= 0
        || (sp->flags & FTA_SPAN_TRUNCATED))
        return;
    if (sp->state == FTA_TASK_RUNNING) {
        if (sp->task == FTA_TASK_NONE)
            return; /* a pid > 0 always has one */
        if (sp->task >= w->run_ns->len)
            g_array_set_size (w->run_ns, sp->task + 1);
        gint64 *run = &g_array_index (w->run_ns, gint64, sp->task);
        *run = wait_add (*run, sp->end_ns - sp->start_ns);
        WaitTask *t = fta_tasks_find (w->tasks, sp->task, sp->pid, sp->cpu);
        if (t)
            wait_comm_set (w, &t->comm, sp->comm);
        return;
    }
    WaitTask *t = fta_tasks_get (w->tasks, sp->task, sp->pid, sp->cpu);
    t->task = sp->task;
    wait_comm_set (w, &t->comm, sp->comm);
    t->waits++;
    t->runnable_ns = wait_add (t->runnable_ns, sp->end_ns - sp->start_ns);
    if (sp->flags & (FTA_SPAN_INFERRED_END | FTA_SPAN_HOLDERS_INFERRED))
        t->inferred_ns = wait_add (t->inferred_ns, sp->end_ns - sp->start_ns);
    for (guint i = 0; i < sp->n_holders; i++) {
        const FtaHolder *fh = &sp->holders[i];
        WaitHolder *h = wait_holder (w, t, fh->pid, fh->task, fh->comm);
        h->ns += fh->ns;
        if (fh->pid > 0)
            t->held_ns = wait_add (t->held_ns, fh->ns);
        else if (fh->pid == 0)
            t->idle_ns += fh->ns;
        else
            t->unknown_ns += fh->ns;
    }
    if (sp->reason == FTA_RUNNABLE_PREEMPTED && sp->preempted_by_pid >= 0) {
        t->preempted++;
        wait_holder (w, t, sp->preempted_by_pid, sp->preempted_by_task,
                     sp->preempted_by_pid > 0
                         ? fta_context_task_comm (w->ctx, sp->preempted_by_task) : NULL)
            ->preemptions++;
    }
}

static int
wait_holder_cmp (gconstpointer a, gconstpointer b)
{
    const WaitHolder *x = a, *y = b;
    if (x->ns != y->ns)
        return (x->ns < y->ns) - (x->ns > y->ns);
    if (x->preemptions != y->preemptions)
        return (x->preemptions < y->preemptions) - (x->preemptions > y->preemptions);
    if (x->pid != y->pid)
        return (x->pid > y->pid) - (x->pid < y->pid);
    return (x->key > y->key) - (x->key < y->key); /* a pid's tasks */
}

static int
wait_task_cmp (gconstpointer a, gconstpointer b)
{
    const WaitTask *x = *(WaitTask *const *) a, *y = *(WaitTask *const *) b;
    if (x->runnable_ns != y->runnable_ns)
        return (x->runnable_ns < y->runnable_ns) - (x->runnable_ns > y->runnable_ns);
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* "2.345 s", "12.3 ms", "450 us" */
static char *
wait_dur (gint64 ns)
{
    if (ns >= 1000000000)
        return g_strdup_printf ("%.3f s", ns / 1e9);
    if (ns >= 1000000)
        return g_strdup_printf ("%.1f ms", ns / 1e6);
    return g_strdup_printf ("%.0f us", ns / 1e3);
}

/* the run time of T */
static gint64
wait_run_ns (const Wait *w, const WaitTask *t)
{
    return t->task < w->run_ns->len ? g_array_index (w->run_ns, gint64, t->task) : 0;
}

static double
wait_share (const Wait *w, const WaitTask *t)
{
    /* in doubles: sums of damaged timestamps overflow 64 bits */
    double wanted = (double) wait_run_ns (w, t) + (double) t->runnable_ns;
    return wanted > 0 ? 100.0 * (double) t->runnable_ns / wanted : 0;
}

/* vCPU threads ("CPU n/KVM", "CPU n/TCG") are kvm.vcpu-steal's. */
static gboolean
wait_is_vcpu (const char *comm)
{
    if (strncmp (comm, "CPU ", 4) != 0 || !g_ascii_isdigit (comm[4]))
        return FALSE;
    const char *p = comm + 4;
    while (g_ascii_isdigit (*p))
        p++;
    return *p == '/';
}

static int
wait_cost_cmp (gconstpointer a, gconstpointer b)
{
    const WaitTask *x = *(WaitTask *const *) a, *y = *(WaitTask *const *) b;
    if (x->runnable_ns != y->runnable_ns)
        return (x->runnable_ns < y->runnable_ns) - (x->runnable_ns > y->runnable_ns);
    return (x->pid > y->pid) - (x->pid < y->pid);
}

static FtaSeverity
wait_severity (const Wait *w, double lost_pct)
{
    return lost_pct >= 2 * w->contention_capacity_pct ? FTA_SEVERITY_CRITICAL
           : lost_pct >= w->contention_capacity_pct   ? FTA_SEVERITY_WARNING
                                                       : FTA_SEVERITY_INFO;
}

/* One finding for the tasks that waited for a CPU a large share of the
 * time they wanted to run, each with the tasks that held its CPU, most
 * wait first.  Harm is the time lost: a warning when it is at least
 * contention_capacity_pct of the CPUs' time over the trace (critical at
 * twice that), else info.  Only waits the trace shows count for the
 * severity: a wait that ends at a switch-in the model inferred, or during
 * which the CPU's switches were not all recorded (a filtered trace, or a
 * recorder that leaves itself out), is in the finding but not in its
 * harm. */
static void
wait_find_contention (Wait *w, FtaResults *r, GPtrArray *tasks)
{
    GPtrArray *bad = g_ptr_array_new ();
    gint64 cost = 0, inferred = 0;
    for (guint i = 0; i < tasks->len; i++) {
        WaitTask *t = g_ptr_array_index (tasks, i);
        if (t->runnable_ns >= w->contention_min_ns && t->runnable_ns > 0
            && wait_share (w, t) >= w->contention_pct
            && !wait_is_vcpu (wait_comm (w, t->comm))) {
            g_ptr_array_add (bad, t);
            cost = wait_add (cost, t->runnable_ns);
            inferred = wait_add (inferred, t->inferred_ns);
        }
    }
    if (!bad->len) {
        g_ptr_array_free (bad, TRUE);
        return;
    }
    g_ptr_array_sort (bad, wait_cost_cmp);
    double top = 0;
    for (guint i = 0; i < bad->len; i++)
        top = MAX (top, wait_share (w, g_ptr_array_index (bad, i)));
    const FtaQuality *q = fta_results_quality (r);
    double capacity = q && q->first_ts_ns >= 0 && q->last_ts_ns > q->first_ts_ns
                          ? (double) (q->last_ts_ns - q->first_ts_ns) * MAX (q->n_cpus_seen, 1)
                          : 0;
    double lost_pct = capacity > 0 ? 100.0 * cost / capacity : 0;
    double shown_pct = capacity > 0 ? 100.0 * (cost - inferred) / capacity : 0;
    FtaSeverity sev = wait_severity (w, shown_pct);
    gboolean lowered = sev != wait_severity (w, lost_pct);
    char *total = wait_dur (cost);
    /* the worst, by the time they waited */
    GString *worst = g_string_new (NULL);
    for (guint i = 0; i < bad->len && i < 3; i++) {
        const WaitTask *t = g_ptr_array_index (bad, i);
        char *d = wait_dur (t->runnable_ns);
        g_string_append_printf (worst, "%s%s-%d", i ? ", " : "", wait_comm (w, t->comm),
                                t->pid);
        if (bad->len > 1)
            g_string_append_printf (worst, " (%s)", d);
        g_free (d);
    }
    if (bad->len > 3)
        g_string_append (worst, ", ...");
    char *title = g_strdup_printf ("%u task%s waited for a CPU up to %.1f%% of the time they "
                                   "wanted to run (%s in all)%s%s", bad->len,
                                   bad->len == 1 ? "" : "s", top, total,
                                   bad->len == 1 ? ": " : "; worst: ", worst->str);
    g_string_free (worst, TRUE);
    g_free (total);
    FtaFinding *f = fta_results_add_finding (
        r, sev, "wait.contention", title,
        "More tasks wanted to run than there were CPUs for them: each waited while the tasks "
        "named held its CPU (time held, then how often they preempted it).",
        "Look at the holders first: if they are CPU-bound work that can wait, lower their "
        "priority (nice, SCHED_IDLE) or confine them to other CPUs (taskset, cpusets, "
        "systemd AllowedCPUs=); if the waiting task matters, give it CPUs of its own or a "
        "higher priority. A holder of \"<idle>\" is a wakeup the idle CPU was slow to act "
        "on (deep C-states; see cpuidle).");
    fta_finding_set_cost (f, cost);
    char *lost = g_strdup_printf ("%.1f", lost_pct);
    fta_finding_add_evidence (f, "wait_vs_cpu_time_pct", lost);
    g_free (lost);
    if (lowered) {
        char *a = wait_dur (inferred), *b = wait_dur (cost);
        char *why = g_strdup_printf (
            "%s of the %s waited while the CPU's switches were not all recorded (the model "
            "inferred them: quality.inferred_switch_in; was the trace filtered?); the "
            "severity counts only the waits the trace shows (%.1f%% of the CPUs' time)",
            a, b, shown_pct);
        fta_finding_add_evidence (f, "inferred_wait", why);
        g_free (why);
        g_free (a);
        g_free (b);
    }
    for (guint i = 0; i < bad->len && i < 8; i++) {
        WaitTask *t = g_ptr_array_index (bad, i);
        char *a = wait_dur (t->runnable_ns), *b = wait_dur (wait_run_ns (w, t) + t->runnable_ns);
        GString *val = g_string_new (NULL);
        g_string_append_printf (val, "runnable %s of %s wanted (%.1f%%)", a, b, wait_share (w, t));
        /* the holders are in order (finish) */
        for (guint j = 0; j < t->n_holders && j < 3; j++) {
            const WaitHolder *h = &t->holders[j];
            if (h->ns <= 0)
                break;
            char *d = wait_dur (h->ns);
            g_string_append_printf (val, "%s%s[%d] %s (%" G_GUINT64_FORMAT " preemption%s)",
                                    j ? ", " : "; held by ", wait_comm (w, h->comm), h->pid, d,
                                    (guint64) h->preemptions, h->preemptions == 1 ? "" : "s");
            g_free (d);
        }
        char *key = g_strdup_printf ("%s (pid %d)", wait_comm (w, t->comm), t->pid);
        fta_finding_add_evidence (f, key, val->str);
        g_free (key);
        g_free (a);
        g_free (b);
        g_string_free (val, TRUE);
    }
    if (bad->len > 8) {
        char *more = g_strdup_printf ("%u", bad->len - 8);
        fta_finding_add_evidence (f, "more tasks above the threshold", more);
        g_free (more);
    }
    g_free (title);
    g_ptr_array_free (bad, TRUE);
}

/* --- the tables' columns -------------------------------------------------------- */

/* A task's row of wait.tasks is its WaitTask, a holder's row of
 * wait.holders its WaitHolder; the data of both the Wait. */
#define TASK(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (WaitTask, member)
#define HOLDER(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (WaitHolder, member)

static void
wait_get_comm (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    v->is_null = FALSE;
    v->s = wait_comm (data, ((const WaitTask *) row)->comm);
}

/* its largest holder (finish put it first), NULL none */
static const WaitHolder *
wait_top (const WaitTask *t)
{
    return t->n_holders && t->holders[0].ns > 0 ? &t->holders[0] : NULL;
}

/* the largest holder's pid: -1 (unknown) is a value, no holder none */
static void
wait_get_top_pid (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const WaitHolder *top = wait_top (row);
    (void) data, (void) scratch;
    v->is_null = top == NULL;
    v->i = top ? top->pid : 0;
}

static void
wait_get_top_comm (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const WaitHolder *top = wait_top (row);
    (void) scratch;
    if (top) {
        v->is_null = FALSE;
        v->s = wait_comm (data, top->comm);
    }
}

static void
wait_get_top_ns (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const WaitHolder *top = wait_top (row);
    (void) data, (void) scratch;
    if (top) {
        v->is_null = FALSE;
        v->i = top->ns;
    }
}

static const FtaColumnSpec wait_task_columns[] = {
    { "pid", FTA_COL_INT, TRUE, TASK (FTA_FIELD_INT32, pid) },
    { "comm", FTA_COL_STRING, .get = wait_get_comm },
    { "waits", FTA_COL_COUNT, TASK (FTA_FIELD_UINT32, waits) },
    { "preempted", FTA_COL_COUNT, TASK (FTA_FIELD_UINT32, preempted) },
    { "runnable_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, runnable_ns) },
    { "held_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, held_ns) },
    { "idle_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, idle_ns) },
    { "unknown_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, unknown_ns) },
    { "top_holder_pid", FTA_COL_INT, .get = wait_get_top_pid },
    { "top_holder_comm", FTA_COL_STRING, .get = wait_get_top_comm },
    { "top_holder_ns", FTA_COL_DURATION, .get = wait_get_top_ns },
    /* which task of its pid: in text when a pid names two */
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, TASK (FTA_FIELD_UINT32, task_seq) },
};
static const FtaTableSpec wait_tasks_spec = FTA_TABLE_SPEC (
    "tasks", "Time waiting for a CPU, by what the CPU did meanwhile", wait_task_columns);

/* the task that waited: finish made a holder's key its index */
static const WaitTask *
wait_owner (gconstpointer row, gconstpointer data)
{
    const Wait *w = data;
    return fta_tasks_nth (w->tasks, ((const WaitHolder *) row)->key);
}

static void
wait_get_owner_pid (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    v->is_null = FALSE;
    v->i = wait_owner (row, data)->pid;
}

static void
wait_get_owner_comm (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    v->is_null = FALSE;
    v->s = wait_comm (data, wait_owner (row, data)->comm);
}

static void
wait_get_holder_comm (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    v->is_null = FALSE;
    v->s = wait_comm (data, ((const WaitHolder *) row)->comm);
}

/* of the task's wait */
static void
wait_get_share (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const WaitHolder *h = row;
    const WaitTask *o = wait_owner (row, data);
    (void) scratch;
    v->is_null = FALSE;
    v->d = o->runnable_ns > 0 ? 100.0 * h->ns / o->runnable_ns : 0;
}

static void
wait_get_owner_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    v->is_null = FALSE;
    v->i = wait_owner (row, data)->task_seq;
}

static const FtaColumnSpec wait_holder_columns[] = {
    { "pid", FTA_COL_INT, TRUE, .get = wait_get_owner_pid },
    { "comm", FTA_COL_STRING, .get = wait_get_owner_comm },
    { "holder_pid", FTA_COL_INT, TRUE, HOLDER (FTA_FIELD_INT32, pid) },
    { "holder_comm", FTA_COL_STRING, .get = wait_get_holder_comm },
    { "wait_ns", FTA_COL_DURATION, HOLDER (FTA_FIELD_INT64, ns) },
    { "share_pct", FTA_COL_PERCENT, .get = wait_get_share },
    { "preemptions", FTA_COL_COUNT, HOLDER (FTA_FIELD_UINT32, preemptions) },
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, .get = wait_get_owner_seq },
};
static const FtaTableSpec wait_holders_spec = FTA_TABLE_SPEC (
    "holders", "Who held the CPU while each task waited for it", wait_holder_columns);

static void
wait_finish (void *self, FtaResults *r)
{
    Wait *w = self;
    /* a task's holders after its rows: the three of wait.contention */
    guint32 keep = w->holders_per_task ? (guint32) MIN (MAX (w->holders_per_task, 3), G_MAXUINT32)
                                       : G_MAXUINT32;
    GPtrArray *tasks = g_ptr_array_new ();
    for (guint i = 0; i < fta_tasks_count (w->tasks); i++) {
        WaitTask *t = fta_tasks_nth (w->tasks, i);
        if (!t->waits
            || !fta_context_task_selected_id (w->ctx, t->task, t->pid, wait_comm (w, t->comm))) {
            g_clear_pointer (&t->holders, g_free);
            t->n_holders = t->cap_holders = 0;
            continue;
        }
        /* its holders most time first; the ones that are no row let go;
         * then each names its task */
        if (t->n_holders > 1)
            qsort (t->holders, t->n_holders, sizeof (WaitHolder), wait_holder_cmp);
        if (t->n_holders > keep)
            t->n_holders = keep;
        if (t->cap_holders > t->n_holders) {
            t->holders = g_renew (WaitHolder, t->holders, t->n_holders);
            t->cap_holders = t->n_holders;
        }
        for (guint32 j = 0; j < t->n_holders; j++)
            t->holders[j].key = i;
        g_ptr_array_add (tasks, t);
    }
    g_ptr_array_sort (tasks, wait_task_cmp);

    FtaTable *tt = fta_results_add_table_spec (r, "wait", &wait_tasks_spec);
    FtaTable *ht = fta_results_add_table_spec (r, "wait", &wait_holders_spec);
    fta_table_set_needs (tt, "sched_switch");
    fta_table_set_needs (ht, "sched_switch");
    gboolean reused = FALSE;
    /* the tables read their rows from the tasks and their holders until
     * the results are rendered */
    for (guint i = 0; i < tasks->len; i++) {
        WaitTask *t = g_ptr_array_index (tasks, i);
        guint32 seq = t->task != FTA_TASK_NONE ? fta_context_task_seq (w->ctx, t->task) : 0;
        reused |= seq > 0;
        t->task_seq = seq;
        fta_table_add_row_ref (tt, &wait_tasks_spec, t, w);
        for (guint j = 0; j < t->n_holders; j++) {
            if (w->holders_per_task && j >= w->holders_per_task)
                break;
            fta_table_add_row_ref (ht, &wait_holders_spec, &t->holders[j], w);
        }
    }
    if (reused) {
        fta_table_set_column_rank (tt, G_N_ELEMENTS (wait_task_columns) - 1, 0);
        fta_table_set_column_rank (ht, G_N_ELEMENTS (wait_holder_columns) - 1, 0);
    }
    wait_find_contention (w, r, tasks);
    g_ptr_array_free (tasks, TRUE);
}

static const FtaOptionSpec wait_options[] = {
    { "holders", FTA_OPT_INT, "5",
      "rows of wait.holders per task: its N largest holders (0 = all)" },
    { "contention_pct", FTA_OPT_DOUBLE, "25",
      "wait.contention: a task that waited for a CPU this share (%) of the time it wanted "
      "to run ..." },
    { "contention_min_ms", FTA_OPT_INT, "100", "... and at least this long (ms)" },
    { "contention_capacity_pct", FTA_OPT_DOUBLE, "10",
      "... is a warning when such waits add up to this share (%) of the CPUs' time over "
      "the trace (critical at twice that), else info" },
    { NULL }
};

static const FtaEventType wait_events[] = { FTA_EV_SPAN, FTA_EV_NONE };

FTA_PLUGIN_DEFINE (
    .name = "wait",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "who held the CPU while each task waited for it (wait attribution)",
    .options = wait_options,
    .events = wait_events,
    .create = wait_create,
    .on_span = wait_on_span,
    .finish = wait_finish,
    .destroy = wait_destroy,
);
