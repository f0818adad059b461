/* cpu.c - where each CPU's time went: busy, idle, unknown; time in hard
 * and soft interrupts; tasks waiting for a busy CPU; which CPUs each task
 * ran on.
 *
 * The time between the reported range's first and last timestamp is split,
 * per CPU, into three parts that add up to the range exactly:
 *  - busy: the core's Running spans on that CPU (the model publishes none
 *    for the idle task, pid 0), including runs inferred by the model and
 *    the run still going on when the trace ends (busy_truncated_ns; it is
 *    not in switch.tasks run_ns, which counts complete runs only);
 *  - unknown: before the CPU's first recorded sched_switch (who ran is not
 *    known) -- unless the trace lost nothing (no marker, and the header's
 *    entries-in-buffer equal entries-written, or a trace-cmd rendering,
 *    which marks every loss) and that switch is the idle task's
 *    switch-out with no other task's event before it: then it idled; from a lost-event or buffer-started marker of that CPU (of
 *    any CPU when it names none) to the CPU's next switch (the model drops
 *    that CPU's state there); and a run the model dropped
 *    (a task seen switched in elsewhere while it ran here);
 *  - idle: the rest, i.e. time after a switch whose occupant is known and
 *    not covered by a Running span.
 * A classification cursor per CPU walks forward as spans and switches
 * arrive, so each nanosecond is classified once; busy is the plain sum of
 * spans, so busy + idle + unknown equals the range only if the model's
 * spans on a CPU never overlap (overlap_ns says by how much they did).
 *
 * Interrupt times pair irq_handler_entry/exit and softirq_entry/exit per
 * CPU.  An entry whose exit never comes (lost, or the trace ends), an exit
 * without its entry, and pairs cut by a marker are counted as unpaired and
 * never timed.  Nested hardirqs (old kernels) are timed once, from the
 * outermost entry to its exit.
 */
#include <math.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#define CPU_MAX_CPUS 4096
#define CPU_IRQ_DEPTH 4
/* Interval sets for the runnable-pressure estimate keep this many merged
 * intervals per CPU; older ones are forgotten (see cpu_ivset_add). */
#define CPU_IVSET_CAP 4096

typedef struct {
    gint64 s, e;
} CpuIv;

/* Sorted, disjoint intervals; at most CPU_IVSET_CAP + 1 for a moment. */
typedef struct {
    CpuIv *v;
    guint len, cap;
} CpuIvSet;

typedef enum {
    CPU_IDLE = 0,
    CPU_UNKNOWN,
} CpuGap;

typedef struct {
    /* time partition */
    gboolean seen;      /* classification has started, at head */
    gboolean known;     /* a switch since the start or the last marker */
    gint64 head, cursor;
    gint32 cur_pid;     /* next_pid of the last switch */
    gboolean busy_before;  /* an event of a task other than idle before
                              the first switch */
    gboolean idle_before;  /* the first switch is the idle task's
                              switch-out, and nothing else ran before it */
    gboolean cur_seen;  /* a Running span of cur_pid here since that switch */
    gint64 busy, busy_trunc, idle, unknown, overlap;
    gint64 busy_inferred; /* of busy: runs whose start or end the model inferred */
    guint64 switches, events;
    /* interrupts */
    gint32 hard_irq[CPU_IRQ_DEPTH];
    gint64 hard_ts[CPU_IRQ_DEPTH];
    guint hard_depth;
    gboolean soft_open;
    gint32 soft_vec;
    gint64 soft_ts;
    gint64 irq_ns, softirq_ns;
    guint64 irqs, softirqs, irq_unpaired, softirq_unpaired;
    /* runnable pressure: union of busy and of runnable-here intervals */
    CpuIvSet busy_set, rq_set;
    gint64 pressure;
} CpuCpu;

/* A task's complete runs on one CPU, and its row of cpu.task_cpus.  A
 * task's first CPU is its FtaTasks state; the others are in Cpu.more,
 * linked in the order of its first run on each.  No comm: the row shows
 * the core's name of the task, and --comm / --pid judge the comm of the
 * latest run there, which is judged when it ends. */
typedef struct {
    gint32 pid;
    guint32 id;
    gint64 run_ns;
    guint16 cpu;       /* CPU_NO_CPU: none yet (a state just made) */
    guint8 selected;   /* the latest run there passes --comm / --pid */
    guint8 pad;
    guint32 next;      /* the task's next CPU: index in Cpu.more, CPU_NONE */
    union {
        guint32 last;     /* in a task's state while the trace is read:
                             its latest run's record, CPU_NONE the state */
        gint64 total_ns;  /* from finish: the task's reported run time */
    } u;
    const char *comm;  /* set in finish */
} CpuRun;

#define CPU_NONE G_MAXUINT32
#define CPU_NO_CPU G_MAXUINT16

typedef struct {
    const FtaContext *ctx;
    double imbalance_pct;
    double imbalance_pressure_pct;
    gboolean task_table;
    GPtrArray *cpus;      /* CpuCpu*, index = cpu, NULL until used */
    FtaTasks *tasks;      /* CpuRun per task that ran: its first CPU */
    GArray *more;         /* CpuRun: tasks' other CPUs */
    gint64 first_ts, last_ts; /* the range seen: events and span ends */
    /* Without --start, --end or --cpu: the trace's first timestamp (its
     * first event's), below which no time is counted; else G_MININT64. */
    gboolean whole;
    gint64 floor;
} Cpu;

static void
cpu_cpu_free (gpointer p)
{
    CpuCpu *c = p;
    if (!c)
        return;
    g_free (c->busy_set.v);
    g_free (c->rq_set.v);
    g_free (c);
}

static void
cpu_task_init (gpointer state, gint32 pid)
{
    CpuRun *k = state;
    k->pid = pid;
    k->cpu = CPU_NO_CPU;
    k->next = CPU_NONE;
    k->u.last = CPU_NONE;
}

static void *
cpu_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    double imb = fta_options_get_double (opts, "imbalance_pct");
    double press = fta_options_get_double (opts, "imbalance_pressure_pct");
    if (imb < 0 || imb > 100 || press < 0 || press > 100) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "imbalance_pct = %g, imbalance_pressure_pct = %g: give percentages "
                     "between 0 and 100", imb, press);
        return NULL;
    }
    Cpu *s = g_new0 (Cpu, 1);
    s->ctx = ctx;
    s->imbalance_pct = imb;
    s->imbalance_pressure_pct = press;
    s->task_table = fta_options_get_bool (opts, "task_cpus");
    s->cpus = g_ptr_array_new_with_free_func (cpu_cpu_free);
    s->tasks = fta_tasks_new (sizeof (CpuRun), cpu_task_init, NULL);
    s->more = g_array_new (FALSE, FALSE, sizeof (CpuRun));
    s->first_ts = G_MAXINT64;
    s->last_ts = G_MININT64;
    const char *filters = fta_context_filter_text (ctx);
    s->whole = !strstr (filters, "--start") && !strstr (filters, "--end")
               && !strstr (filters, "--cpu");
    s->floor = G_MININT64;
    return s;
}

static CpuCpu *
cpu_get (Cpu *s, gint32 cpu)
{
    if (G_LIKELY ((guint) cpu < s->cpus->len)) {
        CpuCpu *c = g_ptr_array_index (s->cpus, cpu);
        if (G_LIKELY (c))
            return c;
    }
    if (cpu < 0 || cpu >= CPU_MAX_CPUS)
        return NULL;
    while (s->cpus->len <= (guint) cpu)
        g_ptr_array_add (s->cpus, NULL);
    CpuCpu *c = g_ptr_array_index (s->cpus, cpu);
    if (!c) {
        c = g_new0 (CpuCpu, 1);
        c->cur_pid = -1;
        g_ptr_array_index (s->cpus, cpu) = c;
    }
    return c;
}

static void
cpu_range (Cpu *s, gint64 a, gint64 b)
{
    if (a < s->first_ts)
        s->first_ts = a;
    if (b > s->last_ts)
        s->last_ts = b;
}

/* --- the time partition ---------------------------------------------------- */

/* What the not-yet-classified time after the cursor was: unknown unless a
 * switch told who ran; a task whose run the model dropped is unknown too. */
static CpuGap
cpu_gap_kind (const CpuCpu *c)
{
    if (!c->known)
        return CPU_UNKNOWN;
    if (c->cur_pid != 0 && !c->cur_seen)
        return CPU_UNKNOWN;
    return CPU_IDLE;
}

static void
cpu_fill (CpuCpu *c, gint64 upto)
{
    if (upto <= c->cursor)
        return;
    if (cpu_gap_kind (c) == CPU_IDLE)
        c->idle += upto - c->cursor;
    else
        c->unknown += upto - c->cursor;
    c->cursor = upto;
}

static void
cpu_start (CpuCpu *c, gint64 at)
{
    if (!c->seen) {
        c->seen = TRUE;
        c->head = c->cursor = at;
    }
}

/* --- interval sets for runnable pressure ----------------------------------- */

/* Measure of [a, b) covered by SET. */
static gint64
cpu_ivset_cover (const CpuIvSet *set, gint64 a, gint64 b)
{
    gint64 n = 0;
    for (guint k = set->len; k-- > 0;) {
        const CpuIv *v = &set->v[k];
        if (v->e <= a)
            break; /* sorted and disjoint: all earlier ones end before a */
        if (v->s >= b)
            continue;
        n += MIN (b, v->e) - MAX (a, v->s);
    }
    return n;
}

/* Adds [s, e) to SET and returns how much of the part that was new to SET
 * is covered by OTHER: each instant of SET ∩ OTHER is counted once, when
 * the later of its two intervals arrives.  Spans arrive in the order they
 * end, so the work is at the end of the arrays.  Beyond CPU_IVSET_CAP
 * intervals the oldest half is forgotten: an interval reaching back past
 * what is kept is compared only with what is kept. */
static gint64
cpu_ivset_add (CpuIvSet *set, gint64 s, gint64 e, const CpuIvSet *other)
{
    if (e <= s)
        return 0;
    CpuIv *iv = set->v;
    gint hi = (gint) set->len - 1;
    while (hi >= 0 && iv[hi].s > e)
        hi--;
    gint lo = hi;
    while (lo >= 0 && iv[lo].e >= s)
        lo--;
    /* set[lo + 1 .. hi] touch [s, e) */
    gint64 gained = 0, pos = s;
    for (gint k = lo + 1; k <= hi; k++) {
        if (iv[k].s > pos)
            gained += cpu_ivset_cover (other, pos, MIN (iv[k].s, e));
        pos = MAX (pos, iv[k].e);
    }
    if (pos < e)
        gained += cpu_ivset_cover (other, pos, e);
    if (hi > lo) {
        /* merged into the first one it touches */
        iv[lo + 1].s = MIN (s, iv[lo + 1].s);
        iv[lo + 1].e = MAX (e, iv[hi].e);
        memmove (&iv[lo + 2], &iv[hi + 1], (set->len - (guint) hi - 1) * sizeof *iv);
        set->len -= (guint) (hi - lo - 1);
    } else {
        if (set->len == set->cap) {
            set->cap = set->cap ? MIN (2 * set->cap, CPU_IVSET_CAP + 1) : 64;
            set->v = iv = g_renew (CpuIv, iv, set->cap);
        }
        memmove (&iv[lo + 2], &iv[lo + 1], (set->len - (guint) (lo + 1)) * sizeof *iv);
        iv[lo + 1].s = s;
        iv[lo + 1].e = e;
        set->len++;
    }
    if (set->len > CPU_IVSET_CAP) {
        set->len -= CPU_IVSET_CAP / 2;
        memmove (iv, &iv[CPU_IVSET_CAP / 2], set->len * sizeof *iv);
    }
    return gained;
}

/* --- events ---------------------------------------------------------------- */

static void
cpu_irq_reset (CpuCpu *c)
{
    c->irq_unpaired += c->hard_depth;
    c->hard_depth = 0;
    if (c->soft_open)
        c->softirq_unpaired++;
    c->soft_open = FALSE;
}

static void
cpu_marker (Cpu *s, const FtaEvent *ev)
{
    /* The model drops the state of the marker's CPU (of every CPU when the
     * marker names none): the run in progress there is not published, so
     * its time is not known.  Other CPUs lost nothing. */
    for (guint i = 0; i < s->cpus->len; i++) {
        CpuCpu *c = g_ptr_array_index (s->cpus, i);
        if (!c || (ev->cpu >= 0 && (guint) ev->cpu != i))
            continue;
        if (c->seen) {
            c->known = FALSE;
            cpu_fill (c, ev->ts_ns);
        }
        c->cur_pid = -1;
        cpu_irq_reset (c);
    }
}

static void
cpu_hardirq (CpuCpu *c, const FtaEvent *ev)
{
    gint32 irq = ev->u.irq.irq;
    if (ev->type == FTA_EV_IRQ_HANDLER_ENTRY) {
        if (c->hard_depth == CPU_IRQ_DEPTH) {
            /* deeper than any kernel nests: exits were lost */
            cpu_irq_reset (c);
        }
        c->hard_irq[c->hard_depth] = irq;
        c->hard_ts[c->hard_depth] = ev->ts_ns;
        c->hard_depth++;
        return;
    }
    guint k = c->hard_depth;
    while (k > 0 && c->hard_irq[k - 1] != irq)
        k--;
    if (k == 0) {
        c->irq_unpaired++; /* its entry is before the trace or was lost */
        return;
    }
    /* entries above the match lost their exits */
    c->irq_unpaired += c->hard_depth - k;
    c->irqs++;
    c->hard_depth = k - 1;
    if (c->hard_depth == 0 && ev->ts_ns >= c->hard_ts[0])
        c->irq_ns += ev->ts_ns - c->hard_ts[0];
}

static void
cpu_softirq (CpuCpu *c, const FtaEvent *ev)
{
    gint32 vec = ev->u.softirq.vec;
    if (ev->type == FTA_EV_SOFTIRQ_ENTRY) {
        /* softirqs do not nest on a CPU: an open one lost its exit */
        if (c->soft_open)
            c->softirq_unpaired++;
        c->soft_open = TRUE;
        c->soft_vec = vec;
        c->soft_ts = ev->ts_ns;
        return;
    }
    if (!c->soft_open || c->soft_vec != vec) {
        c->softirq_unpaired += c->soft_open ? 2 : 1;
        c->soft_open = FALSE;
        return;
    }
    c->soft_open = FALSE;
    c->softirqs++;
    if (ev->ts_ns >= c->soft_ts)
        c->softirq_ns += ev->ts_ns - c->soft_ts;
}

static void
cpu_on_event (void *self, const FtaEvent *ev)
{
    Cpu *s = self;
    if (ev->type == FTA_EV_LOST || ev->type == FTA_EV_BUFFER_STARTED) {
        cpu_marker (s, ev);
        return;
    }
    if (s->whole && s->floor == G_MININT64)
        s->floor = ev->ts_ns;
    CpuCpu *c = cpu_get (s, ev->cpu);
    if (!c)
        return;
    /* a line behind the trace's first counts from there, as the model
     * takes it */
    gint64 ts = MAX (ev->ts_ns, s->floor);
    cpu_range (s, ts, ts);
    c->events++;
    if (ev->pid != 0 && !c->switches)
        c->busy_before = TRUE;
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH:
        if (!c->switches++)
            c->idle_before = ev->u.sw.prev_pid == 0 && !c->busy_before;
        cpu_start (c, ts);
        cpu_fill (c, ts);
        c->known = TRUE;
        c->cur_pid = ev->u.sw.next_pid;
        c->cur_seen = FALSE;
        break;
    case FTA_EV_IRQ_HANDLER_ENTRY:
    case FTA_EV_IRQ_HANDLER_EXIT:
        cpu_hardirq (c, ev);
        break;
    case FTA_EV_SOFTIRQ_ENTRY:
    case FTA_EV_SOFTIRQ_EXIT:
        cpu_softirq (c, ev);
        break;
    default:
        break;
    }
}

static inline CpuRun *
cpu_more (Cpu *s, guint32 i)
{
    return &g_array_index (s->more, CpuRun, i);
}

/* The record of SP's task on SP's CPU (below CPU_MAX_CPUS). */
static CpuRun *
cpu_task_cpu (Cpu *s, const FtaSpan *sp)
{
    CpuRun *k = fta_tasks_get (s->tasks, sp->task, sp->pid, sp->cpu);
    guint16 cpu = (guint16) sp->cpu;
    if (G_UNLIKELY (k->cpu == CPU_NO_CPU)) {
        k->cpu = cpu;
        k->id = sp->task;
        return k;
    }
    CpuRun *r = k->u.last == CPU_NONE ? k : cpu_more (s, k->u.last);
    if (G_LIKELY (r->cpu == cpu))
        return r;
    guint32 i = CPU_NONE;
    for (r = k;; r = cpu_more (s, i)) {
        if (r->cpu == cpu) {
            k->u.last = i;
            return r;
        }
        if (r->next == CPU_NONE)
            break;
        i = r->next;
    }
    /* its first run on this CPU: after the last one of its list */
    guint32 n = s->more->len;
    g_array_set_size (s->more, n + 1);
    (i == CPU_NONE ? k : cpu_more (s, i))->next = n;
    r = cpu_more (s, n);
    *r = (CpuRun) { .pid = k->pid, .id = k->id, .cpu = cpu, .next = CPU_NONE };
    k->u.last = n;
    return r;
}

static void
cpu_on_span (void *self, const FtaSpan *sp)
{
    Cpu *s = self;
    if (sp->state != FTA_TASK_RUNNING && sp->state != FTA_TASK_RUNNABLE)
        return;
    CpuCpu *c = cpu_get (s, sp->cpu);
    if (!c)
        return;
    if (sp->state == FTA_TASK_RUNNABLE) {
        /* waiting to run on this CPU (per the model: where it was
         * preempted, woken to, or migrated to) */
        c->pressure += cpu_ivset_add (&c->rq_set, sp->start_ns, sp->end_ns, &c->busy_set);
        return;
    }
    gint64 d = sp->end_ns - sp->start_ns;
    cpu_range (s, sp->start_ns, sp->end_ns);
    cpu_start (c, sp->start_ns);
    if (sp->start_ns > c->cursor)
        cpu_fill (c, sp->start_ns);
    else
        c->overlap += MIN (c->cursor, sp->end_ns) - sp->start_ns;
    if (sp->end_ns > c->cursor)
        c->cursor = sp->end_ns;
    if (sp->pid == c->cur_pid)
        c->cur_seen = TRUE;
    c->busy += d;
    if (sp->flags & (FTA_SPAN_INFERRED_START | FTA_SPAN_INFERRED_END))
        c->busy_inferred += d;
    c->pressure += cpu_ivset_add (&c->busy_set, sp->start_ns, sp->end_ns, &c->rq_set);
    if (sp->flags & FTA_SPAN_TRUNCATED) {
        /* not a complete run (docs/sched-model.md, "Partial intervals"), but the CPU
         * was busy: in busy_ns, not in the per-task run times */
        c->busy_trunc += d;
        return;
    }
    if (!s->task_table)
        return;
    CpuRun *t = cpu_task_cpu (s, sp);
    t->selected = fta_context_task_selected_id (s->ctx, sp->task, sp->pid, sp->comm);
    t->run_ns += d;
}

/* --- results ---------------------------------------------------------------- */

static double
cpu_pct (double part, double whole)
{
    return whole > 0 ? 100.0 * part / whole : 0.0;
}

/* Busy plus idle, in doubles: a trace may span billions of seconds, where
 * sums and doubles of nanoseconds overflow 64 bits. */
static double
cpu_observed (const CpuCpu *c)
{
    return (double) c->busy + (double) c->idle;
}

/* Busiest vs idlest CPU, among CPUs observed for at least half the range. */
static void
cpu_imbalance (Cpu *s, FtaResults *r, gint64 range)
{
    CpuCpu *hi = NULL, *lo = NULL;
    guint hi_i = 0, lo_i = 0, n = 0;
    for (guint i = 0; i < s->cpus->len; i++) {
        CpuCpu *c = g_ptr_array_index (s->cpus, i);
        double obs = c ? cpu_observed (c) : 0;
        if (!c || obs * 2 < (double) range || obs <= 0)
            continue;
        n++;
        double pct = cpu_pct (c->busy, obs);
        if (!hi || pct > cpu_pct (hi->busy, cpu_observed (hi))) {
            hi = c;
            hi_i = i;
        }
        if (!lo || pct < cpu_pct (lo->busy, cpu_observed (lo))) {
            lo = c;
            lo_i = i;
        }
    }
    if (n < 2)
        return;
    double hp = cpu_pct (hi->busy, cpu_observed (hi));
    double lp = cpu_pct (lo->busy, cpu_observed (lo));
    if (hp - lp < s->imbalance_pct)
        return;
    double press = cpu_pct (hi->pressure, cpu_observed (hi));
    /* tasks queued on the busy CPU while another one idled: the load is
     * not being spread; without queueing it is only uneven */
    gboolean waited = press >= s->imbalance_pressure_pct;
    /* harm the trace shows: the busy CPU's runs it recorded both ends of
     * are still that much busier (a filtered trace makes runs up) */
    double shown = cpu_pct (hi->busy - hi->busy_inferred, cpu_observed (hi));
    gboolean shows = shown - lp >= s->imbalance_pct;
    char *title = g_strdup_printf ("CPU %u was busy %.0f%% of the time, CPU %u %.0f%%%s",
                                   hi_i, hp, lo_i, lp,
                                   waited ? ", while tasks queued on the busy one" : "");
    FtaFinding *f = fta_results_add_finding (
        r, waited && shows ? FTA_SEVERITY_WARNING : FTA_SEVERITY_INFO, "cpu.imbalance", title,
        waited ? "Work is not spread over the CPUs: tasks waited for the busy CPU "
                 "while another one had idle time (CPU affinity, cpusets, or "
                 "load balancing that does not move them)."
               : "The load is uneven across CPUs: some work is confined to a few "
                 "CPUs (affinity, IRQ routing), or the trace caught a one-sided phase.",
        "See cpu.task_cpus for the tasks on the busy CPU and their CPUs; check their "
        "affinity (taskset -p PID, cpuset cgroups) and IRQ affinity "
        "(/proc/irq/*/smp_affinity_list).");
    /* the cost: the wait on the busy CPU that the idle one could have taken */
    fta_finding_set_cost (f, waited ? MIN (hi->pressure, lo->idle) : 0);
    g_free (title);
    fta_finding_add_evidence_printf (f, "busiest_cpu", "%u", hi_i);
    fta_finding_add_evidence_printf (f, "busiest_busy_pct", "%.1f", hp);
    fta_finding_add_evidence_printf (f, "idlest_cpu", "%u", lo_i);
    fta_finding_add_evidence_printf (f, "idlest_busy_pct", "%.1f", lp);
    fta_finding_add_evidence_printf (f, "idlest_idle", "%.3f ms", lo->idle / 1e6);
    fta_finding_add_evidence_printf (f, "busiest_runnable_pressure", "%.3f ms",
                                     hi->pressure / 1e6);
    fta_finding_add_evidence_printf (f, "busiest_runnable_pressure_pct", "%.1f", press);
    if (waited && !shows)
        fta_finding_add_evidence_printf (
            f, "busiest_busy_inferred",
            "%.3f ms of CPU %u's busy time is runs whose switch-in or switch-out the trace does "
            "not have (the model inferred them: quality.inferred_switch_in; was the trace "
            "filtered?); what it shows is %.1f%% busy",
            hi->busy_inferred / 1e6, hi_i, shown);
}

/* cpu.task_cpus' order: tasks by their total run time, most first, then
 * by pid; a task's CPUs by run time, then by number.  Two tasks of one
 * pid with the same total compare greater both ways, as they always did:
 * the merge sort's result for them is the order the rows have. */
static int
cpu_task_cmp (gconstpointer a, gconstpointer b)
{
    const CpuRun *x = *(CpuRun *const *) a, *y = *(CpuRun *const *) b;
    if (x->id != y->id) {
        gint64 tx = x->u.total_ns, ty = y->u.total_ns;
        if (tx != ty)
            return tx > ty ? -1 : 1;
        return x->pid < y->pid ? -1 : 1;
    }
    if (x->run_ns != y->run_ns)
        return x->run_ns > y->run_ns ? -1 : 1;
    return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* --- the tables' columns -------------------------------------------------------- */

/* A CPU as its row of cpu.cpus shows it. */
typedef struct {
    CpuCpu c;
    gint32 cpu;
    double busy_pct; /* NaN: no time observed */
} CpuCpuRow;

#define CPU(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (CpuCpuRow, member)

static const FtaColumnSpec cpu_cpu_columns[] = {
    { "cpu", FTA_COL_INT, TRUE, CPU (FTA_FIELD_INT32, cpu) },
    { "busy_ns", FTA_COL_DURATION, CPU (FTA_FIELD_INT64, c.busy) },
    { "idle_ns", FTA_COL_DURATION, CPU (FTA_FIELD_INT64, c.idle) },
    { "busy_pct", FTA_COL_PERCENT, CPU (FTA_FIELD_OPT_DOUBLE, busy_pct) },
    { "irq_ns", FTA_COL_DURATION, CPU (FTA_FIELD_INT64, c.irq_ns) },
    { "softirq_ns", FTA_COL_DURATION, CPU (FTA_FIELD_INT64, c.softirq_ns) },
    { "switches", FTA_COL_COUNT, CPU (FTA_FIELD_UINT64, c.switches) },
    { "unknown_ns", FTA_COL_DURATION, CPU (FTA_FIELD_INT64, c.unknown) },
    { "busy_truncated_ns", FTA_COL_DURATION, CPU (FTA_FIELD_INT64, c.busy_trunc) },
    { "runnable_pressure_ns", FTA_COL_DURATION, CPU (FTA_FIELD_INT64, c.pressure) },
    { "events", FTA_COL_COUNT, CPU (FTA_FIELD_UINT64, c.events) },
    { "irqs", FTA_COL_COUNT, CPU (FTA_FIELD_UINT64, c.irqs) },
    { "softirqs", FTA_COL_COUNT, CPU (FTA_FIELD_UINT64, c.softirqs) },
    { "irq_unpaired", FTA_COL_COUNT, CPU (FTA_FIELD_UINT64, c.irq_unpaired) },
    { "softirq_unpaired", FTA_COL_COUNT, CPU (FTA_FIELD_UINT64, c.softirq_unpaired) },
    { "overlap_ns", FTA_COL_DURATION, CPU (FTA_FIELD_INT64, c.overlap) },
};
static const FtaTableSpec cpu_cpus_spec = FTA_TABLE_SPEC ("cpus", "Where each CPU's time went",
                                                           cpu_cpu_columns);

/* Cells of cpu.task_cpus the CpuRun does not hold as they show; DATA is
 * the context. */
static void
cpu_get_cpu (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) data;
    (void) scratch;
    v->is_null = FALSE;
    v->i = ((const CpuRun *) row)->cpu;
}

/* of the task's run time; null when it ran no time */
static void
cpu_get_share (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) data;
    (void) scratch;
    const CpuRun *k = row;
    if (k->u.total_ns > 0) {
        v->is_null = FALSE;
        v->d = cpu_pct (k->run_ns, k->u.total_ns);
    }
}

static void
cpu_get_task_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    const CpuRun *k = row;
    v->is_null = FALSE;
    v->i = k->pid > 0 ? fta_context_task_seq (data, k->id) : 0;
}

#define TASK(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (CpuRun, member)

static const FtaColumnSpec cpu_task_columns[] = {
    { "pid", FTA_COL_INT, TRUE, TASK (FTA_FIELD_INT32, pid) },
    { "comm", FTA_COL_STRING, TASK (FTA_FIELD_STRING, comm) },
    { "cpu", FTA_COL_INT, TRUE, .get = cpu_get_cpu },
    { "run_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, run_ns) },
    { "share_pct", FTA_COL_PERCENT, .get = cpu_get_share },
    /* which task of its pid: in text when a pid names two */
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, .get = cpu_get_task_seq },
};
static const FtaTableSpec cpu_task_spec = FTA_TABLE_SPEC (
    "task_cpus", "Where each task ran (complete runs)", cpu_task_columns);

static void
cpu_task_table (Cpu *s, FtaResults *r)
{
    FtaTable *t = fta_results_add_table_spec (r, "cpu", &cpu_task_spec);
    fta_table_set_needs (t, "sched_switch");
    gboolean reused = FALSE;
    GPtrArray *rows = g_ptr_array_new ();
    for (guint i = 0; i < fta_tasks_count (s->tasks); i++) {
        CpuRun *task = fta_tasks_nth (s->tasks, i);
        if (task->cpu == CPU_NO_CPU)
            continue;
        gint64 total = 0;
        guint first = rows->len;
        for (CpuRun *k = task;; k = cpu_more (s, k->next)) {
            if (k->selected) {
                total += k->run_ns;
                g_ptr_array_add (rows, k);
            }
            if (k->next == CPU_NONE)
                break;
        }
        if (rows->len == first)
            continue;
        /* the comm the model saw last, as switch.tasks shows it */
        const char *comm = fta_context_task_comm (s->ctx, task->id);
        if (!comm)
            comm = "";
        for (guint j = first; j < rows->len; j++) {
            CpuRun *k = g_ptr_array_index (rows, j);
            k->u.total_ns = total;
            k->comm = comm;
        }
        reused |= task->pid > 0 && fta_context_task_seq (s->ctx, task->id) > 0;
    }
    /* tasks by total run time, each task's CPUs by run time; rows in that
     * order already (a task on one CPU each, in order of their pids) need
     * no sort */
    guint i = 1;
    while (i < rows->len && cpu_task_cmp (&rows->pdata[i - 1], &rows->pdata[i]) <= 0)
        i++;
    if (i < rows->len)
        g_ptr_array_sort (rows, cpu_task_cmp);
    for (i = 0; i < rows->len; i++)
        fta_table_add_row_ref (t, &cpu_task_spec, g_ptr_array_index (rows, i), s->ctx);
    if (reused)
        fta_table_set_column_rank (t, G_N_ELEMENTS (cpu_task_columns) - 1, 0);
    g_ptr_array_free (rows, TRUE);
}

static void
cpu_finish (void *self, FtaResults *r)
{
    Cpu *s = self;
    if (s->first_ts > s->last_ts)
        s->first_ts = s->last_ts = 0; /* nothing on the selected CPUs: no rows */
    /* Without --start/--end the range is the whole trace, also when --cpu
     * leaves out the CPUs that have its first or last event.  (The context
     * does not give the time window itself: it is read from the filter.) */
    const FtaQuality *q = fta_results_quality (r);
    const char *filters = fta_context_filter_text (s->ctx);
    if (q && q->first_ts_ns >= 0 && s->cpus->len > 0 && !strstr (filters, "--start")
        && !strstr (filters, "--end")) {
        s->first_ts = MIN (s->first_ts, q->first_ts_ns);
        s->last_ts = MAX (s->last_ts, q->last_ts_ns);
    }
    gint64 range = s->last_ts - s->first_ts;
    FtaTable *t = fta_results_add_table_spec (r, "cpu", &cpu_cpus_spec);

    /* Nothing overwritten, nothing lost: a CPU whose first event is its
     * idle task's switch-out idled from the start of the trace.  The
     * tracefs header says so (entries-in-buffer = entries-written);
     * trace-cmd marks every page that lost events, also the overwritten
     * ones at the start, so its renderings without a marker lost nothing. */
    gboolean lossless
        = q && !q->lost_markers && !q->buffer_started && !strstr (filters, "--start")
          && ((q->entries_in_buffer >= 0 && q->entries_in_buffer == q->entries_written)
              || (q->format && (strcmp (q->format, "trace-cmd") == 0
                                || strcmp (q->format, "trace.dat") == 0)));
    for (guint i = 0; i < s->cpus->len; i++) {
        CpuCpu *c = g_ptr_array_index (s->cpus, i);
        if (!c)
            continue;
        if (!c->seen) {
            c->unknown = range;
        } else {
            if (lossless && c->idle_before)
                c->idle += c->head - s->first_ts;
            else
                c->unknown += c->head - s->first_ts;
            cpu_fill (c, s->last_ts);
        }
        /* entries still open at the end have no exit to pair with */
        cpu_irq_reset (c);
        double obs = cpu_observed (c);
        CpuCpuRow row = { *c, (gint32) i, obs > 0 ? cpu_pct (c->busy, obs) : NAN };
        fta_table_add_row_from (t, &cpu_cpus_spec, &row, NULL);
    }
    cpu_imbalance (s, r, range);
    if (s->task_table)
        cpu_task_table (s, r);
}

static void
cpu_destroy (void *self)
{
    Cpu *s = self;
    g_ptr_array_free (s->cpus, TRUE);
    fta_tasks_free (s->tasks);
    g_array_free (s->more, TRUE);
    g_free (s);
}

static const FtaOptionSpec cpu_options[] = {
    { "imbalance_pct", FTA_OPT_DOUBLE, "30",
      "report cpu.imbalance when the busiest and idlest CPU's busy_pct differ by "
      "this many points" },
    { "imbalance_pressure_pct", FTA_OPT_DOUBLE, "10",
      "cpu.imbalance is a warning when tasks queued on the busiest CPU this share (%) of "
      "its time" },
    { "task_cpus", FTA_OPT_BOOL, "true", "also report cpu.task_cpus" },
    { NULL }
};

/* Every event type: the events column, and the range's first and last
 * timestamp, count them all. */
static const FtaEventType cpu_events[] = {
    FTA_EV_SCHED_SWITCH, FTA_EV_SCHED_WAKING, FTA_EV_SCHED_WAKEUP,
    FTA_EV_SCHED_WAKEUP_NEW, FTA_EV_SCHED_MIGRATE_TASK, FTA_EV_SCHED_PROCESS_FORK,
    FTA_EV_SCHED_PROCESS_EXIT, FTA_EV_SCHED_PROCESS_EXEC, FTA_EV_IRQ_HANDLER_ENTRY,
    FTA_EV_IRQ_HANDLER_EXIT, FTA_EV_SOFTIRQ_ENTRY, FTA_EV_SOFTIRQ_EXIT,
    FTA_EV_SOFTIRQ_RAISE, FTA_EV_KVM_ENTRY, FTA_EV_KVM_EXIT, FTA_EV_KVM_USERSPACE_EXIT,
    FTA_EV_BLOCK_RQ_ISSUE, FTA_EV_BLOCK_RQ_COMPLETE, FTA_EV_BLOCK_RQ_INSERT,
    FTA_EV_OTHER, FTA_EV_LOST, FTA_EV_BUFFER_STARTED, FTA_EV_SPAN, FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (
    .name = "cpu",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "per CPU: busy, idle and unknown time, hard/soft IRQ time, switches, "
               "runnable pressure; which CPUs each task ran on",
    .options = cpu_options,
    .events = cpu_events,
    .create = cpu_create,
    .on_event = cpu_on_event,
    .on_span = cpu_on_span,
    .finish = cpu_finish,
    .destroy = cpu_destroy,
);
