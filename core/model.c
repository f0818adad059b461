/* model.c - the scheduler model: point events to task-state spans.
 *
 * Every sched event goes through here before any plugin sees it.  The
 * rules (also in docs/sched-model.md):
 *  - sched_switch's prev is authoritative about who ran on that CPU.  If
 *    its switch-in was not recorded, the model infers one at the latest
 *    time known not to be later than the truth: no earlier than the task's
 *    last wakeup or state change, no earlier than the last event on that
 *    CPU from another task.  It is counted (quality.inferred_switch_in).
 *    The time before is never charged to idle or to the task.
 *  - A task first seen mid-trace is in an unknown state: no span is
 *    published for the time before its first transition.
 *  - A sleep ends at sched_wakeup (the task is enqueued), or at
 *    sched_waking when the trace has no sched_wakeup for it; the Runnable
 *    span that follows carries the sched_waking time for latency.
 *  - A LOST / buffer-started marker of CPU N resets what depends on N:
 *    its current task and the tasks last known there (no span of theirs
 *    crosses it); a marker without a CPU resets every CPU.  A woken task
 *    waiting on N keeps its certain wait, with an inferred end.
 *  - pid 0 (the per-CPU idle tasks) has no spans.
 *  - Wait attribution: while a task is Runnable (or woken, before its
 *    sched_wakeup), it is queued on one CPU, and every stretch of that
 *    CPU's time is charged to the task that held it.  A stretch ends at a
 *    sched_switch on that CPU and is held by its prev (authoritative), or
 *    by the task the model believes runs there when the waiter leaves the
 *    queue in between (migrated, run elsewhere, end of trace).  Each
 *    sched_switch costs O(tasks queued on that CPU); nothing is allocated
 *    per event once a task's holder array has grown.
 *  - An event whose timestamp is behind its CPU's latest one, or behind
 *    the trace's first, is taken at that time: spans on a CPU never
 *    overlap, and none starts before the trace.
 */
#include "config.h"

#include <string.h>

#include "core.h"

typedef enum {
    MS_UNKNOWN = 0,
    MS_RUNNING,
    MS_RUNNABLE,
    MS_WAITING, /* switched out asleep: S, D, I or other; see prev_state */
    MS_DEAD,
} ModelState;

/* A comm a task ran under, and for how long. */
#define TASK_COMMS 4
typedef struct {
    char comm[FTA_COMM_LEN];
    gint64 run_ns;
} TaskComm;

/* What only a task with a second comm, or an exec, has: made at the
 * first of them. */
typedef struct {
    TaskComm comms[TASK_COMMS - 1]; /* its comms after the first */
    /* the run before comm_mark is charged already (an exec in a run);
     * G_MININT64 none */
    gint64 comm_mark;
    char *other_comms; /* after finish: the others, ", "-separated, owned */
} TaskMore;

/* What a task keeps only from its waking or preemption to the end of
 * that wait: who woke or preempted it, its place in a CPU's queue and who
 * held the CPU meanwhile.  Recycled with its holders' array: a host of a
 * million tasks keeps as many as wait at once, not one per task. */
typedef struct _Pending Pending;
struct _Pending {
    gint32 waker_pid;
    guint32 waker_id;
    gint32 waker_cpu;
    /* wait attribution: the CPU whose queue it is on (-1: none), its
     * index in that Cpu.queue, time charged up to; the holders so far */
    gint32 q_cpu;
    char waker_comm[FTA_COMM_LEN];
    guint q_index;
    gint32 preempted_by_pid;
    gint64 q_mark;
    guint32 preempted_by_task;
    guint last_hold; /* index of the holder charged last */
    FtaHolder *hold;
    guint n_hold, cap_hold;
    gboolean hold_inferred; /* the queue's CPU broke its switch chain meanwhile */
    Pending *next_free;
};

/* Pendings are cut from blocks of this many. */
#define PENDING_BLOCK 256

/* A task as the model knows it: a few hundred thousand of them on a
 * fork-heavy host, so its fields ordered to leave few holes, and the
 * comms beyond the first apart. */
typedef struct {
    gint32 pid;
    guint32 id;
    gint32 tgid;
    gint32 cpu;
    guint8 state;
    guint8 reason;     /* FtaRunnableReason while RUNNABLE */
    guint8 has_waking;
    guint8 n_comms;
    guint32 prev_state;
    gint64 since;
    gint64 waking_ts;  /* pending (WAITING) or of the current RUNNABLE */
    gint64 last_wakeup;
    char comm[FTA_COMM_LEN];
    Pending *p;        /* while it waits to run (or is woken), else NULL */
    /* the comms it ran under (the first TASK_COMMS), with the run time:
     * the first here, the others in more (owned, NULL until a second
     * comm or an exec) */
    TaskComm comm0;
    TaskMore *more;
} Task;

/* Tasks are cut from blocks of this many: no allocation of its own per
 * task. */
#define TASK_BLOCK 1024

typedef struct {
    gint32 cur_pid;     /* -1 unknown */
    gint32 run_pid;     /* pid of the latest run of events on this CPU */
    gint64 run_prev_ts; /* last event before that run (another pid) */
    gint64 last_ts;
    guint32 cur_task;   /* task id of cur_pid, FTA_TASK_NONE if none */
    GPtrArray *queue;   /* Task* queued here for wait attribution */
} Cpu;

/* pid -> task id of its current task: two levels of PID_PAGE ids (id + 1,
 * 0 = none) for the pids the kernel hands out (below 2^22), a hash for
 * anything else.  A pid that ends a task and begins another (reused after
 * the exit, given again by a fork) points to the new task's id; the old
 * id keeps its pid. */
#define PID_PAGE_BITS 10
#define PID_PAGES (1u << (22 - PID_PAGE_BITS))

struct _FtaModel {
    guint32 *pid_pages[PID_PAGES];
    GHashTable *big_pids; /* pid -> id + 1 */
    GArray *pids;         /* id -> gint32 pid */
    GArray *seqs;         /* id -> guint32: which task of its pid, from 0 */
    GByteArray *lives;    /* id -> LIFE_* flags */
    GPtrArray *tasks;     /* id -> Task* (in task_blocks), NULL until
                             modelled */
    GPtrArray *task_blocks; /* TASK_BLOCK Tasks each, owned */
    guint n_task_cut;     /* Tasks cut from them */
    GPtrArray *pending_blocks; /* PENDING_BLOCK Pendings each, owned */
    guint n_pending_cut;  /* Pendings cut from them */
    Pending *free_pending; /* given back, to be taken again first */
    GArray *cpus;      /* Cpu */
    guint32 replaced;     /* the task a new one's pid named before, set
                             by task_id_new for the event being fed */
    char empty_comm[FTA_COMM_LEN];
    FtaQuality *q;
    FtaSpanFunc fn;
    gpointer data;
    FtaTgidFunc tgid_of;  /* NULL: tgids only from the events */
    /* The time of the event being fed, never behind its CPU's latest
     * event nor the trace's first one: a timestamp that steps back never
     * makes a span start before the run it follows ended, nor before the
     * trace began. */
    gint64 now;
    gconstpointer tgid_data;
};

/* What the numbering knows of a task id's life. */
enum {
    LIFE_RAN = 1,  /* ran: the line's task, or in a sched_switch */
    LIFE_OVER = 2, /* switched out dead (X, Z, x): the pid's next sight
                      is another task */
};

static void
cpu_reset (Cpu *c)
{
    c->cur_pid = -1;
    c->run_pid = -1;
    c->run_prev_ts = -1;
    c->last_ts = -1;
    c->cur_task = FTA_TASK_NONE;
}

FtaModel *
fta_model_new (FtaQuality *quality, FtaSpanFunc fn, gpointer data)
{
    FtaModel *m = g_new0 (FtaModel, 1);
    m->big_pids = g_hash_table_new (g_direct_hash, g_direct_equal);
    m->pids = g_array_new (FALSE, FALSE, sizeof (gint32));
    m->seqs = g_array_new (FALSE, FALSE, sizeof (guint32));
    m->lives = g_byte_array_new ();
    m->tasks = g_ptr_array_new ();
    m->task_blocks = g_ptr_array_new_with_free_func (g_free);
    m->pending_blocks = g_ptr_array_new_with_free_func (g_free);
    m->cpus = g_array_new (FALSE, TRUE, sizeof (Cpu));
    m->replaced = FTA_TASK_NONE;
    m->q = quality;
    m->fn = fn;
    m->data = data;
    return m;
}

void
fta_model_set_tgid_source (FtaModel *m, FtaTgidFunc fn, gconstpointer data)
{
    m->tgid_of = fn;
    m->tgid_data = data;
}

void
fta_model_free (FtaModel *m)
{
    if (!m)
        return;
    for (guint i = 0; i < PID_PAGES; i++)
        g_free (m->pid_pages[i]);
    g_hash_table_destroy (m->big_pids);
    g_array_free (m->pids, TRUE);
    g_array_free (m->seqs, TRUE);
    g_byte_array_free (m->lives, TRUE);
    for (guint i = 0; i < m->tasks->len; i++) {
        Task *t = g_ptr_array_index (m->tasks, i);
        if (t && t->more) {
            g_free (t->more->other_comms);
            g_free (t->more);
        }
    }
    g_ptr_array_free (m->tasks, TRUE);
    g_ptr_array_free (m->task_blocks, TRUE);
    for (guint i = 0; i < m->n_pending_cut; i++)
        g_free (((Pending *) g_ptr_array_index (m->pending_blocks, i / PENDING_BLOCK)
                 + i % PENDING_BLOCK)->hold);
    g_ptr_array_free (m->pending_blocks, TRUE);
    for (guint i = 0; i < m->cpus->len; i++)
        g_ptr_array_free (g_array_index (m->cpus, Cpu, i).queue, TRUE);
    g_array_free (m->cpus, TRUE);
    g_free (m);
}

static Cpu *
get_cpu (FtaModel *m, gint32 cpu)
{
    if (cpu < 0 || cpu > 4095)
        return NULL;
    while (m->cpus->len <= (guint) cpu) {
        Cpu c;
        cpu_reset (&c);
        c.queue = g_ptr_array_new ();
        g_array_append_val (m->cpus, c);
    }
    return &g_array_index (m->cpus, Cpu, cpu);
}

/* PID's id + 1, 0 when it has none yet. */
static guint32
lookup_id (const FtaModel *m, gint32 pid)
{
    if ((guint32) pid < (PID_PAGES << PID_PAGE_BITS)) {
        const guint32 *page = m->pid_pages[(guint32) pid >> PID_PAGE_BITS];
        return page ? page[(guint32) pid & ((1u << PID_PAGE_BITS) - 1)] : 0;
    }
    return GPOINTER_TO_UINT (g_hash_table_lookup (m->big_pids, GINT_TO_POINTER (pid)));
}

/* A new task id for PID, its current one from now on: the pid's task
 * number SEQ. */
static guint32
new_task_id (FtaModel *m, gint32 pid, guint32 seq)
{
    guint32 id = m->pids->len;
    guint8 flags = 0;
    g_array_append_val (m->pids, pid);
    g_array_append_val (m->seqs, seq);
    g_byte_array_append (m->lives, &flags, 1);
    g_ptr_array_add (m->tasks, NULL);
    if ((guint32) pid < (PID_PAGES << PID_PAGE_BITS)) {
        guint32 **page = &m->pid_pages[(guint32) pid >> PID_PAGE_BITS];
        if (!*page)
            *page = g_new0 (guint32, 1u << PID_PAGE_BITS);
        (*page)[(guint32) pid & ((1u << PID_PAGE_BITS) - 1)] = id + 1;
    } else {
        g_hash_table_insert (m->big_pids, GINT_TO_POINTER (pid), GUINT_TO_POINTER (id + 1));
    }
    return id;
}

/* The id of PID's current task, given at first sight (a negative pid in
 * the fields of a damaged line too: the model keeps it apart like any
 * other), and anew when its task was switched out dead.  No allocation
 * once the pid's page exists, but for a new task. */
static guint32
task_id (FtaModel *m, gint32 pid)
{
    guint32 known = lookup_id (m, pid);
    if (G_LIKELY (known) && G_LIKELY (!(m->lives->data[known - 1] & LIFE_OVER)))
        return known - 1;
    return new_task_id (m, pid, known ? g_array_index (m->seqs, guint32, known - 1) + 1 : 0);
}

/* The id of a task that begins here (forked; woken new after its pid ran):
 * a new one when PID already has a task. */
static guint32
task_id_new (FtaModel *m, gint32 pid)
{
    guint32 known = lookup_id (m, pid);
    if (!known || pid <= 0)
        return task_id (m, pid);
    m->replaced = known - 1;
    return new_task_id (m, pid, g_array_index (m->seqs, guint32, known - 1) + 1);
}

/* The modelled task with id ID (created on first need), and its comm when
 * COMM is not empty. */
static Task *
get_task_id (FtaModel *m, guint32 id, const char *comm)
{
    Task *t = g_ptr_array_index (m->tasks, id);
    if (G_UNLIKELY (!t)) {
        if (m->n_task_cut % TASK_BLOCK == 0)
            g_ptr_array_add (m->task_blocks, g_new0 (Task, TASK_BLOCK));
        t = (Task *) g_ptr_array_index (m->task_blocks, m->n_task_cut / TASK_BLOCK)
            + m->n_task_cut % TASK_BLOCK;
        m->n_task_cut++;
        t->pid = g_array_index (m->pids, gint32, id);
        t->id = id;
        t->tgid = m->tgid_of ? m->tgid_of (m->tgid_data, t->pid) : -1;
        t->cpu = -1;
        t->state = MS_UNKNOWN;
        t->last_wakeup = -1;
        g_ptr_array_index (m->tasks, id) = t;
    }
    if (comm && comm[0])
        memcpy (t->comm, comm, FTA_COMM_LEN);
    return t;
}

static Task *
find_task (const FtaModel *m, gint32 pid)
{
    guint32 known = lookup_id (m, pid);
    return known ? g_ptr_array_index (m->tasks, known - 1) : NULL;
}

const char *
fta_model_comm (const FtaModel *m, gint32 pid)
{
    Task *t = find_task (m, pid);
    return t && t->comm[0] ? t->comm : NULL;
}

const char *
fta_model_task_comm (const FtaModel *m, guint32 task)
{
    Task *t = task < m->tasks->len ? g_ptr_array_index (m->tasks, task) : NULL;
    return t && t->comm[0] ? t->comm : NULL;
}

guint
fta_model_n_tasks (const FtaModel *m)
{
    return m->pids->len;
}

gint32
fta_model_task_pid (const FtaModel *m, guint32 task)
{
    return task < m->pids->len ? g_array_index (m->pids, gint32, task) : -1;
}

guint32
fta_model_task_seq (const FtaModel *m, guint32 task)
{
    return task < m->seqs->len ? g_array_index (m->seqs, guint32, task) : 0;
}

const char *
fta_model_task_other_comms (const FtaModel *m, guint32 task)
{
    Task *t = task < m->tasks->len ? g_ptr_array_index (m->tasks, task) : NULL;
    return t && t->more ? t->more->other_comms : NULL;
}

/* --- wait attribution -------------------------------------------------------- */

/* T's Pending, taken (its holders' array kept from its last use) when T
 * has none. */
static Pending *
pend (FtaModel *m, Task *t)
{
    if (G_LIKELY (t->p))
        return t->p;
    Pending *p = m->free_pending;
    if (p) {
        m->free_pending = p->next_free;
    } else {
        if (m->n_pending_cut % PENDING_BLOCK == 0)
            g_ptr_array_add (m->pending_blocks, g_new0 (Pending, PENDING_BLOCK));
        p = (Pending *) g_ptr_array_index (m->pending_blocks, m->n_pending_cut / PENDING_BLOCK)
            + m->n_pending_cut % PENDING_BLOCK;
        m->n_pending_cut++;
    }
    FtaHolder *hold = p->hold;
    guint cap = p->cap_hold;
    *p = (Pending) {
        .waker_pid = -1,
        .waker_id = FTA_TASK_NONE,
        .waker_cpu = -1,
        .q_cpu = -1,
        .preempted_by_pid = -1,
        .preempted_by_task = FTA_TASK_NONE,
        .hold = hold,
        .cap_hold = cap,
    };
    t->p = p;
    return p;
}

/* T's wait is over: its Pending goes back (T must have left its queue). */
static void
unpend (FtaModel *m, Task *t)
{
    Pending *p = t->p;
    if (!p)
        return;
    p->next_free = m->free_pending;
    m->free_pending = p;
    t->p = NULL;
}

/* Adds NS of T's wait to holder PID (task id TASK): pid 0 idle, -1
 * unknown.  Allocates only when T has more holders than ever before. */
static void
hold_charge (Pending *t, gint32 pid, guint32 task, gint64 ns)
{
    if (ns <= 0)
        return;
    if (pid <= 0) {
        pid = pid < 0 ? -1 : 0;
        task = FTA_TASK_NONE;
    }
    guint i = t->last_hold;
    if (i >= t->n_hold || t->hold[i].pid != pid || t->hold[i].task != task) {
        for (i = 0; i < t->n_hold; i++)
            if (t->hold[i].pid == pid && t->hold[i].task == task)
                break;
        if (i == t->n_hold) {
            if (t->n_hold == t->cap_hold) {
                t->cap_hold = t->cap_hold ? 2 * t->cap_hold : 4;
                t->hold = g_renew (FtaHolder, t->hold, t->cap_hold);
            }
            t->hold[i] = (FtaHolder) { .pid = pid, .task = task, .ns = 0, .comm = NULL };
            t->n_hold++;
        }
    }
    t->hold[i].ns += ns;
    t->last_hold = i;
}

/* Takes EXCESS back from T's holders, the one charged last first: the
 * wait ended before the time charged (an inferred switch-in). */
static void
hold_trim (Pending *t, gint64 excess)
{
    guint i = t->last_hold;
    for (guint step = 0; excess > 0 && step <= t->n_hold; step++) {
        if (i < t->n_hold) {
            gint64 take = MIN (excess, t->hold[i].ns);
            t->hold[i].ns -= take;
            excess -= take;
        }
        i = step < t->n_hold ? t->n_hold - 1 - step : 0;
    }
    guint k = 0;
    for (guint j = 0; j < t->n_hold; j++)
        if (t->hold[j].ns > 0)
            t->hold[k++] = t->hold[j];
    t->n_hold = k;
    t->last_hold = k ? k - 1 : 0;
}

static void
queue_leave (FtaModel *m, Task *t)
{
    Pending *p = t->p;
    if (!p || p->q_cpu < 0)
        return;
    GPtrArray *q = g_array_index (m->cpus, Cpu, p->q_cpu).queue;
    g_ptr_array_remove_index_fast (q, p->q_index);
    if (p->q_index < q->len)
        ((Task *) g_ptr_array_index (q, p->q_index))->p->q_index = p->q_index;
    p->q_cpu = -1;
}

/* T waits on CPU from TS (charged from there); -1: a CPU not known. */
static void
queue_join (FtaModel *m, Task *t, gint32 cpu, gint64 ts)
{
    queue_leave (m, t);
    Pending *p = pend (m, t);
    p->q_mark = ts;
    /* may grow m->cpus: callers hold no Cpu pointer across this */
    const Cpu *c = get_cpu (m, cpu);
    if (!c)
        return;
    GPtrArray *q = c->queue;
    p->q_cpu = cpu;
    p->q_index = q->len;
    g_ptr_array_add (q, t);
}

/* A wait begins at TS on CPU: no holders yet. */
static void
queue_enter (FtaModel *m, Task *t, gint32 cpu, gint64 ts)
{
    Pending *p = pend (m, t);
    p->n_hold = 0;
    p->last_hold = 0;
    p->hold_inferred = FALSE;
    queue_join (m, t, cpu, ts);
}

/* C's switches were not all recorded (the model inferred one): who held
 * it from here is its inference for every task waiting on it. */
static void
queue_chain_broken (Cpu *c)
{
    for (guint i = 0; i < c->queue->len; i++)
        ((Task *) g_ptr_array_index (c->queue, i))->p->hold_inferred = TRUE;
}

/* T's wait is charged up to UPTO: the rest of the stretch to the task the
 * model believes holds T's CPU, or taken back when charged beyond UPTO. */
static void
queue_settle (FtaModel *m, Task *t, gint64 upto)
{
    Pending *p = pend (m, t);
    if (p->q_mark > upto) {
        hold_trim (p, p->q_mark - upto);
    } else if (p->q_cpu >= 0) {
        const Cpu *c = &g_array_index (m->cpus, Cpu, p->q_cpu);
        hold_charge (p, c->cur_pid, c->cur_task, upto - p->q_mark);
    } else {
        hold_charge (p, -1, FTA_TASK_NONE, upto - p->q_mark);
    }
    p->q_mark = upto;
}

/* The stretch of C's time up to UPTO was held by PID (TASK): charged to
 * every task queued there. */
static void
cpu_charge (Cpu *c, gint64 upto, gint32 pid, guint32 task)
{
    for (guint i = 0; i < c->queue->len; i++) {
        Pending *p = ((Task *) g_ptr_array_index (c->queue, i))->p;
        if (upto > p->q_mark) {
            hold_charge (p, pid, task, upto - p->q_mark);
            p->q_mark = upto;
        }
    }
}

/* A waiting task moved to CPU at TS: what it waited on its old CPU stays
 * charged there. */
static void
queue_move (FtaModel *m, Task *t, gint32 cpu, gint64 ts)
{
    if (t->p && t->p->q_cpu == cpu)
        return;
    queue_settle (m, t, ts);
    queue_join (m, t, cpu, ts);
}

static void
queue_clear (FtaModel *m)
{
    for (guint i = 0; i < m->cpus->len; i++) {
        GPtrArray *q = g_array_index (m->cpus, Cpu, i).queue;
        for (guint j = 0; j < q->len; j++) {
            Pending *p = ((Task *) g_ptr_array_index (q, j))->p;
            p->q_cpu = -1;
            p->n_hold = 0;
        }
        g_ptr_array_set_size (q, 0);
    }
}

static FtaTaskState
waiting_state (guint32 prev_state)
{
    if (prev_state & FTA_STATE_D)
        return FTA_TASK_BLOCKED;
    if (prev_state & FTA_STATE_S)
        return FTA_TASK_SLEEPING;
    if (prev_state & FTA_STATE_I)
        return FTA_TASK_IDLE_WAIT;
    return FTA_TASK_OTHER;
}

/* T's Ith comm, I < n_comms. */
static inline TaskComm *
task_comm_at (Task *t, guint i)
{
    return i ? &t->more->comms[i - 1] : &t->comm0;
}

/* T's TaskMore, made on first need. */
static TaskMore *
task_more (Task *t)
{
    if (!t->more) {
        t->more = g_new0 (TaskMore, 1);
        t->more->comm_mark = G_MININT64;
    }
    return t->more;
}

/* Before this time, T's run is charged already (an exec in a run). */
static inline gint64
task_comm_mark (const Task *t)
{
    return t->more ? t->more->comm_mark : G_MININT64;
}

/* T ran D ns under its current comm. */
static void
task_ran (Task *t, gint64 d)
{
    guint i = 0;
    while (i < t->n_comms && strncmp (task_comm_at (t, i)->comm, t->comm, FTA_COMM_LEN) != 0)
        i++;
    if (i == t->n_comms) {
        if (i == TASK_COMMS)
            return; /* a fifth name: not a candidate for the row's */
        if (i == 1)
            task_more (t);
        memcpy (task_comm_at (t, i)->comm, t->comm, FTA_COMM_LEN);
        task_comm_at (t, i)->run_ns = 0;
        t->n_comms++;
    }
    task_comm_at (t, i)->run_ns += d;
}

/* The name of T's rows: the comm it ran under longest (the later one of
 * a tie), else the last one seen. */
static void
task_settle_name (Task *t)
{
    gint best = -1;
    for (guint i = 0; i < t->n_comms; i++)
        if (task_comm_at (t, i)->comm[0]
            && (best < 0 || task_comm_at (t, i)->run_ns >= task_comm_at (t, (guint) best)->run_ns))
            best = (gint) i;
    if (best < 0)
        return;
    memcpy (t->comm, task_comm_at (t, (guint) best)->comm, FTA_COMM_LEN);
    if (t->more)
        g_clear_pointer (&t->more->other_comms, g_free);
    if (t->n_comms < 2)
        return;
    GString *o = g_string_new (NULL);
    for (guint i = 0; i < t->n_comms; i++)
        if ((gint) i != best && task_comm_at (t, i)->comm[0])
            g_string_append_printf (o, "%s%s", o->len ? ", " : "", task_comm_at (t, i)->comm);
    t->more->other_comms = g_string_free (o, o->len == 0);
}

static void
emit (FtaModel *m, Task *t, FtaTaskState state, gint64 start,
      gint64 end, guint32 flags)
{
    if (end < start)
        end = start; /* out-of-order input: never a negative span */
    if (state == FTA_TASK_RUNNING) {
        /* the part before an exec in this run is charged already */
        gint64 from = MAX (start, task_comm_mark (t));
        task_ran (t, end > from ? end - from : 0);
    }
    FtaSpan s = {
        .start_ns = start,
        .end_ns = end,
        .pid = t->pid,
        .tgid = t->tgid,
        .cpu = t->cpu,
        .state = state,
        .reason = state == FTA_TASK_RUNNABLE ? t->reason : 0,
        .prev_state = (state == FTA_TASK_RUNNING) ? 0 : t->prev_state,
        .flags = flags,
        .waker_pid = -1,
        .waker_cpu = -1,
        .waking_ns = -1,
        .comm = t->comm,
        .waker_comm = NULL,
        .task = t->id,
        .waker_task = FTA_TASK_NONE,
        .preempted_by_pid = -1,
        .preempted_by_task = FTA_TASK_NONE,
    };
    Pending *p = t->p;
    if (state == FTA_TASK_RUNNABLE && p) {
        for (guint i = 0; i < p->n_hold; i++) {
            const Task *h = p->hold[i].task < m->tasks->len
                                ? g_ptr_array_index (m->tasks, p->hold[i].task) : NULL;
            p->hold[i].comm = h ? h->comm : m->empty_comm;
        }
        s.holders = p->n_hold ? p->hold : NULL;
        s.n_holders = p->n_hold;
        if (p->hold_inferred)
            s.flags |= FTA_SPAN_HOLDERS_INFERRED;
        if (t->reason == FTA_RUNNABLE_PREEMPTED) {
            s.preempted_by_pid = p->preempted_by_pid;
            s.preempted_by_task = p->preempted_by_task;
        }
    }
    if (state == FTA_TASK_RUNNABLE && t->reason != FTA_RUNNABLE_PREEMPTED) {
        s.waking_ns = t->waking_ts;
        s.waker_comm = m->empty_comm;
        if (p) {
            s.waker_pid = p->waker_pid;
            s.waker_task = p->waker_id;
            s.waker_cpu = p->waker_cpu;
            s.waker_comm = p->waker_comm;
        }
    }
    m->fn (&s, m->data);
}

/* Ends whatever non-running state T is in at TS and makes it Runnable from
 * there if it was waiting and woken.  Used at switch-in (real or inferred). */
static void
close_waiting (FtaModel *m, Task *t, gint64 ts, guint32 flags)
{
    switch (t->state) {
    case MS_RUNNABLE:
        queue_settle (m, t, ts);
        emit (m, t, FTA_TASK_RUNNABLE, t->since, ts, flags);
        break;
    case MS_WAITING:
        if (t->has_waking && t->waking_ts <= ts) {
            /* woken, but no sched_wakeup was seen: sleep ends at waking */
            emit (m, t, waiting_state (t->prev_state), t->since, t->waking_ts,
                  FTA_SPAN_NO_WAKEUP);
            t->reason = FTA_RUNNABLE_WOKEN;
            queue_settle (m, t, ts);
            emit (m, t, FTA_TASK_RUNNABLE, t->waking_ts, ts, flags);
        } else {
            emit (m, t, waiting_state (t->prev_state), t->since, ts,
                  flags | FTA_SPAN_NO_WAKEUP);
        }
        break;
    case MS_UNKNOWN:
        if (t->has_waking && t->waking_ts <= ts) {
            t->reason = FTA_RUNNABLE_WOKEN;
            queue_settle (m, t, ts);
            emit (m, t, FTA_TASK_RUNNABLE, t->waking_ts, ts, flags);
        }
        break;
    default:
        break;
    }
    t->has_waking = FALSE;
    queue_leave (m, t);
    unpend (m, t);
}

/* The CPU's current task per the model is not the prev of this switch:
 * its switch-out was not recorded either.  It ran until PREV's inferred
 * switch-in at the latest; what it did next is unknown. */
static void
end_other_run (FtaModel *m, Cpu *c, gint32 cpu, guint32 prev_task, gint64 at)
{
    if (c->cur_pid <= 0 || c->cur_task == prev_task || c->cur_task >= m->tasks->len)
        return;
    Task *o = g_ptr_array_index (m->tasks, c->cur_task);
    if (!o || o->state != MS_RUNNING || o->cpu != cpu)
        return;
    emit (m, o, FTA_TASK_RUNNING, o->since, MAX (at, o->since), FTA_SPAN_INFERRED_END);
    queue_chain_broken (c);
    o->state = MS_UNKNOWN;
    o->has_waking = FALSE;
    m->q->inferred_switch_out++;
}

static void
on_switch (FtaModel *m, const FtaEvent *ev, Cpu *c)
{
    const FtaSwitchFields *sw = &ev->u.sw;
    gint64 ts = m->now;

    if (sw->prev_pid == 0 && c->cur_pid > 0) {
        /* idle is switched out while the model believed a task ran here:
         * that task's switch to idle was not recorded */
        gint64 lower = c->run_pid == 0 ? c->run_prev_ts : c->last_ts;
        gint64 at = lower >= 0 ? MIN (lower, ts) : ts;
        cpu_charge (c, at, c->cur_pid, c->cur_task);
        end_other_run (m, c, ev->cpu, sw->prev_task, at);
    }
    if (sw->prev_pid != 0) {
        Task *p = get_task_id (m, sw->prev_task, sw->prev_comm);
        if (ev->pid == sw->prev_pid && ev->tgid >= 0)
            p->tgid = ev->tgid;
        if (p->state == MS_RUNNING && p->cpu == ev->cpu && c->cur_pid == p->pid) {
            emit (m, p, FTA_TASK_RUNNING, p->since, ts, 0);
        } else if (c->cur_pid >= 0 || p->state != MS_UNKNOWN) {
            /* The switch-in was not recorded: infer it. */
            gint64 lower = c->run_pid == p->pid ? c->run_prev_ts : c->last_ts;
            if (p->state == MS_RUNNING) {
                /* believed to run elsewhere: that switch-out was lost */
                m->q->switch_in_while_running++;
            } else if (p->state != MS_UNKNOWN && p->since > lower) {
                lower = p->since;
            }
            if (p->last_wakeup > lower)
                lower = p->last_wakeup;
            if (p->has_waking && p->waking_ts > lower)
                lower = p->waking_ts;
            if (lower < 0 || lower > ts)
                lower = ts;
            cpu_charge (c, lower, c->cur_pid, c->cur_task);
            end_other_run (m, c, ev->cpu, p->id, lower);
            if (p->state != MS_RUNNING)
                close_waiting (m, p, lower, FTA_SPAN_INFERRED_END);
            p->cpu = ev->cpu;
            emit (m, p, FTA_TASK_RUNNING, lower, ts, FTA_SPAN_INFERRED_START);
            queue_chain_broken (c);
            m->q->inferred_switch_in++;
        }
        /* else: the CPU's first switch since the trace (or a reset) began;
         * the task ran since an unknown time: no span. */
        queue_leave (m, p);
        p->cpu = ev->cpu;
        p->since = ts;
        p->prev_state = sw->prev_state;
        p->has_waking = FALSE;
        if (fta_state_is_preempted (sw->prev_state)) {
            p->state = MS_RUNNABLE;
            p->reason = FTA_RUNNABLE_PREEMPTED;
            Pending *pp = pend (m, p);
            pp->preempted_by_pid = sw->next_pid;
            pp->preempted_by_task = sw->next_pid > 0 ? sw->next_task : FTA_TASK_NONE;
        } else if (sw->prev_state & (FTA_STATE_X | FTA_STATE_Z | FTA_STATE_x)) {
            p->state = MS_DEAD;
        } else {
            p->state = MS_WAITING;
        }
    }

    /* the stretch since the last switch here was the prev's */
    cpu_charge (c, ts, sw->prev_pid, sw->prev_task);
    if (sw->prev_pid != 0 && fta_state_is_preempted (sw->prev_state))
        queue_enter (m, g_ptr_array_index (m->tasks, sw->prev_task), ev->cpu, ts);

    if (sw->next_pid != 0) {
        Task *n = get_task_id (m, sw->next_task, sw->next_comm);
        if (n->state == MS_RUNNING) {
            /* running elsewhere (or here) per the model: a switch-out was
             * lost; the span in progress is dropped, not guessed. */
            m->q->switch_in_while_running++;
            queue_leave (m, n);
        } else {
            close_waiting (m, n, ts, 0);
        }
        n->state = MS_RUNNING;
        n->cpu = ev->cpu;
        n->since = ts;
        n->has_waking = FALSE;
        n->prev_state = 0;
    }
    c->cur_pid = sw->next_pid;
    c->cur_task = sw->next_task;
}

/* T, waiting to run per the model, is woken: the kernel wakes only a
 * task that is not runnable, so T ran and slept meanwhile and the trace
 * lacks those switches: its wait is the model's inference. */
static void
task_switches_missed (FtaModel *m, Task *t)
{
    pend (m, t)->hold_inferred = TRUE;
}

static void
on_waking (FtaModel *m, const FtaEvent *ev)
{
    const FtaWakeFields *w = &ev->u.wake;
    if (w->pid == 0)
        return;
    Task *t = get_task_id (m, w->task, w->comm);
    if (t->state == MS_RUNNABLE)
        task_switches_missed (m, t);
    if (t->state == MS_RUNNING || t->state == MS_RUNNABLE || t->has_waking)
        return;
    t->has_waking = TRUE;
    t->waking_ts = m->now;
    Pending *p = pend (m, t);
    p->waker_pid = ev->pid;
    p->waker_id = ev->task;
    p->waker_cpu = ev->cpu;
    const char *wc = ev->pid >= 0 ? fta_model_task_comm (m, ev->task) : NULL;
    memcpy (p->waker_comm, wc ? wc : ev->comm, FTA_COMM_LEN);
    if (ev->pid == 0)
        g_snprintf (p->waker_comm, FTA_COMM_LEN, "swapper/%d", ev->cpu);
    queue_enter (m, t, w->target_cpu >= 0 ? w->target_cpu : t->cpu, m->now);
}

static void
on_wakeup (FtaModel *m, const FtaEvent *ev)
{
    const FtaWakeFields *w = &ev->u.wake;
    if (w->pid == 0 || w->success == 0)
        return;
    Task *t = get_task_id (m, w->task, w->comm);
    gint64 ts = m->now;
    t->last_wakeup = ts;
    if (t->state == MS_RUNNABLE)
        task_switches_missed (m, t);
    if (t->state == MS_RUNNING || t->state == MS_RUNNABLE) {
        t->has_waking = FALSE;
        return;
    }
    if (!t->has_waking) {
        on_waking (m, ev);
    }
    if (t->state == MS_WAITING)
        emit (m, t, waiting_state (t->prev_state), t->since, ts, 0);
    t->state = MS_RUNNABLE;
    t->reason = ev->type == FTA_EV_SCHED_WAKEUP_NEW ? FTA_RUNNABLE_NEW
                                                    : FTA_RUNNABLE_WOKEN;
    t->since = ts;
    t->has_waking = FALSE;
    t->prev_state = 0;
    if (w->target_cpu >= 0)
        t->cpu = w->target_cpu;
    queue_enter (m, t, t->cpu, ts);
}

/* A lost-event or buffer-started marker for CPU (all CPUs when -1): what
 * the events lost there could have changed is forgotten, the rest stays.
 * That is the CPU's current task and every task last known there (running,
 * queued or switched out there).  A woken task still waiting there gets
 * the part of its wait that is certain -- up to the CPU's last recorded
 * event -- as a Runnable span with an inferred end, so that its wakeup
 * counts as one whose latency is unknown. */
static void
reset_task (FtaModel *m, Task *t, gint64 certain)
{
    if ((t->state == MS_WAITING || t->state == MS_UNKNOWN) && t->has_waking) {
        if (t->state == MS_WAITING)
            emit (m, t, waiting_state (t->prev_state), t->since, t->waking_ts,
                  FTA_SPAN_NO_WAKEUP);
        t->state = MS_RUNNABLE;
        t->reason = FTA_RUNNABLE_WOKEN;
        t->since = t->waking_ts;
    }
    if (t->state == MS_RUNNABLE && t->reason != FTA_RUNNABLE_PREEMPTED) {
        queue_settle (m, t, MAX (certain, t->since));
        emit (m, t, FTA_TASK_RUNNABLE, t->since, MAX (certain, t->since),
              FTA_SPAN_INFERRED_END);
    }
    t->state = MS_UNKNOWN;
    t->has_waking = FALSE;
    t->last_wakeup = -1;
    queue_leave (m, t);
    unpend (m, t);
}

static void
reset (FtaModel *m, gint32 cpu)
{
    gboolean all = cpu < 0 || (guint) cpu >= m->cpus->len;
    for (guint i = 0; i < m->tasks->len; i++) {
        Task *t = g_ptr_array_index (m->tasks, i);
        if (!t || (!all && t->cpu != cpu))
            continue;
        gint64 certain = t->cpu >= 0 && (guint) t->cpu < m->cpus->len
                             ? g_array_index (m->cpus, Cpu, t->cpu).last_ts
                             : -1;
        reset_task (m, t, certain);
    }
    for (guint i = 0; i < m->cpus->len; i++) {
        if (all || i == (guint) cpu) {
            /* the tasks still waiting there: the CPU's holder is known up
             * to its last event, and from the next switch on */
            Cpu *c = &g_array_index (m->cpus, Cpu, i);
            cpu_charge (c, c->last_ts, c->cur_pid, c->cur_task);
            cpu_reset (c);
        }
    }
    m->q->model_resets++;
}

static inline void
life_mark (FtaModel *m, guint32 id, gint32 pid, guint8 flag)
{
    if (pid > 0)
        m->lives->data[id] |= flag;
}

/* Stamps EV's task ids.  A pid's task ends when it is switched out dead;
 * a fork begins a task, and so does a sched_wakeup_new of a pid whose task
 * ran (its fork was not traced): the pid then names a new task, with the
 * next task number (docs/sched-model.md, "A pid's tasks"). */
static void
number_tasks (FtaModel *m, FtaEvent *ev)
{
    /* -1: the line has no task (a marker) */
    ev->task = ev->pid == -1 ? FTA_TASK_NONE : task_id (m, ev->pid);
    if (ev->task != FTA_TASK_NONE)
        life_mark (m, ev->task, ev->pid, LIFE_RAN);
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH:
        ev->u.sw.prev_task = task_id (m, ev->u.sw.prev_pid);
        ev->u.sw.next_task = task_id (m, ev->u.sw.next_pid);
        life_mark (m, ev->u.sw.prev_task, ev->u.sw.prev_pid, LIFE_RAN);
        life_mark (m, ev->u.sw.next_task, ev->u.sw.next_pid, LIFE_RAN);
        if (ev->u.sw.prev_state & (FTA_STATE_X | FTA_STATE_Z | FTA_STATE_x))
            life_mark (m, ev->u.sw.prev_task, ev->u.sw.prev_pid, LIFE_OVER);
        break;
    case FTA_EV_SCHED_WAKEUP_NEW: {
        guint32 known = lookup_id (m, ev->u.wake.pid);
        ev->u.wake.task = known && (m->lives->data[known - 1] & LIFE_RAN)
                              ? task_id_new (m, ev->u.wake.pid)
                              : task_id (m, ev->u.wake.pid);
        break;
    }
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
        ev->u.wake.task = task_id (m, ev->u.wake.pid);
        break;
    case FTA_EV_SCHED_MIGRATE_TASK:
        ev->u.migrate.task = task_id (m, ev->u.migrate.pid);
        break;
    case FTA_EV_SCHED_PROCESS_FORK:
    case FTA_EV_SCHED_PROCESS_EXIT:
    case FTA_EV_SCHED_PROCESS_EXEC:
        ev->u.proc.task = task_id (m, ev->u.proc.pid);
        ev->u.proc.child_task = ev->type == FTA_EV_SCHED_PROCESS_FORK
                                    ? task_id_new (m, ev->u.proc.child_pid)
                                    : FTA_TASK_NONE;
        break;
    default:
        break;
    }
}

/* The task with id ID ended unseen: its pid was given to a new task while
 * the model believed it alive (its exit and last switch were lost).  What
 * it was doing since its last event is not known: no span of it. */
static void
end_life (FtaModel *m, guint32 id)
{
    Task *t = g_ptr_array_index (m->tasks, id);
    for (guint i = 0; i < m->cpus->len; i++) {
        Cpu *c = &g_array_index (m->cpus, Cpu, i);
        if (c->cur_task == id) {
            cpu_charge (c, c->last_ts, c->cur_pid, c->cur_task);
            c->cur_pid = -1;
            c->cur_task = FTA_TASK_NONE;
        }
    }
    if (!t)
        return;
    queue_leave (m, t);
    unpend (m, t);
    t->has_waking = FALSE;
    t->state = MS_DEAD;
}

void
fta_model_feed (FtaModel *m, FtaEvent *ev)
{
    m->replaced = FTA_TASK_NONE;
    number_tasks (m, ev);
    if (G_UNLIKELY (m->replaced != FTA_TASK_NONE))
        end_life (m, m->replaced);
    if (ev->type == FTA_EV_LOST || ev->type == FTA_EV_BUFFER_STARTED) {
        reset (m, ev->cpu);
        return;
    }
    Cpu *c = get_cpu (m, ev->cpu);
    if (!c)
        return;
    m->now = MAX (ev->ts_ns, c->last_ts);
    if (m->now < m->q->first_ts_ns)
        m->now = m->q->first_ts_ns;
    /* Which task ran last on this CPU, and since when others did not. */
    if (ev->pid != c->run_pid) {
        c->run_prev_ts = c->last_ts;
        c->run_pid = ev->pid;
    }

    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH:
        on_switch (m, ev, c);
        break;
    case FTA_EV_SCHED_WAKING:
        on_waking (m, ev);
        break;
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW:
        on_wakeup (m, ev);
        break;
    case FTA_EV_SCHED_MIGRATE_TASK: {
        Task *t = get_task_id (m, ev->u.migrate.task, ev->u.migrate.comm);
        if (t->state != MS_RUNNING) {
            t->cpu = ev->u.migrate.dest_cpu;
            if (t->state == MS_RUNNABLE || t->has_waking) {
                queue_move (m, t, t->cpu, m->now);
            }
        }
        break;
    }
    case FTA_EV_SCHED_PROCESS_FORK: {
        Task *t = get_task_id (m, ev->u.proc.child_task, ev->u.proc.child_comm);
        t->state = MS_UNKNOWN;
        if (!t->has_waking)
            queue_leave (m, t);
        break;
    }
    case FTA_EV_SCHED_PROCESS_EXEC: {
        /* the comm changes here: the run so far was under the old one */
        Task *t = g_ptr_array_index (m->tasks, ev->u.proc.task);
        if (t && t->state == MS_RUNNING && ev->u.proc.pid > 0) {
            gint64 from = MAX (t->since, task_comm_mark (t));
            task_ran (t, m->now > from ? m->now - from : 0);
            task_more (t)->comm_mark = m->now;
        }
        break;
    }
    default:
        break;
    }
    if (ev->pid > 0 && ev->tgid >= 0) {
        Task *t = g_ptr_array_index (m->tasks, ev->task);
        if (t)
            t->tgid = ev->tgid;
    }
    c = get_cpu (m, ev->cpu); /* a migration may have grown m->cpus */
    c->last_ts = m->now;
}

static int
cmp_u64 (gconstpointer a, gconstpointer b)
{
    guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
    return (x > y) - (x < y);
}

/* The ids of the modelled tasks in pid order, a pid's tasks in order of
 * id: sorted as 64-bit keys of pid and id, without reaching into a
 * million Tasks, and not sorted at all when the ids already come in that
 * order (a fork-heavy host's ever-growing pids). */
static GArray *
ids_by_pid (const FtaModel *m)
{
    GArray *keys = g_array_sized_new (FALSE, FALSE, sizeof (guint64), m->tasks->len);
    gboolean sorted = TRUE;
    guint64 last = 0;
    for (guint i = 0; i < m->tasks->len; i++) {
        if (!g_ptr_array_index (m->tasks, i))
            continue;
        guint32 pid = (guint32) g_array_index (m->pids, gint32, i) ^ 0x80000000u;
        guint64 k = ((guint64) pid << 32) | i;
        if (keys->len && k < last)
            sorted = FALSE;
        last = k;
        g_array_append_val (keys, k);
    }
    if (!sorted)
        g_array_sort (keys, cmp_u64);
    return keys;
}

void
fta_model_finish (FtaModel *m, gint64 end_ns)
{
    /* Publish in pid order: output must not depend on the order of
     * first sight. */
    GArray *all = ids_by_pid (m);
    for (guint i = 0; i < all->len; i++) {
        Task *t = g_ptr_array_index (m->tasks, (guint32) g_array_index (all, guint64, i));
        if (t->state == MS_WAITING && t->has_waking && t->waking_ts <= end_ns) {
            /* woken, but the trace ended before a sched_wakeup for it */
            emit (m, t, waiting_state (t->prev_state), t->since, t->waking_ts,
                  FTA_SPAN_NO_WAKEUP);
            t->state = MS_RUNNABLE;
            t->reason = FTA_RUNNABLE_WOKEN;
            t->since = t->waking_ts;
        }
        switch (t->state) {
        case MS_RUNNING:
            emit (m, t, FTA_TASK_RUNNING, t->since, end_ns, FTA_SPAN_TRUNCATED);
            break;
        case MS_RUNNABLE:
            queue_settle (m, t, end_ns);
            emit (m, t, FTA_TASK_RUNNABLE, t->since, end_ns, FTA_SPAN_TRUNCATED);
            break;
        case MS_WAITING:
            emit (m, t, waiting_state (t->prev_state), t->since, end_ns,
                  FTA_SPAN_TRUNCATED);
            break;
        default:
            break;
        }
        t->state = MS_UNKNOWN;
    }
    /* From here on (the analyzers' finish), a task's comm is its rows'
     * name, the same in every table. */
    for (guint i = 0; i < all->len; i++)
        task_settle_name (g_ptr_array_index (m->tasks, (guint32) g_array_index (all, guint64, i)));
    queue_clear (m);
    g_array_free (all, TRUE);
}
