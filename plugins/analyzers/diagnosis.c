/* diagnosis.c - symptoms to likely causes and next steps.
 *
 * Runs last: in finish() the other analyzers' tables are in the results,
 * and each rule reads the tables it needs by name.  A rule whose table is
 * missing (its analyzer is not in the profile) is skipped silently.  One
 * rule, priority inversion, needs what no table keeps and follows the
 * scheduler events itself.  Every threshold is an option.  The rules are
 * data in diagnosis-rules.h (what each reads, its thresholds, how severity
 * is decided, its evidence and cost), which docs/diagnosis.md is checked
 * against.  A symptom is a warning only where the trace shows its cost:
 * time waited or blocked, a latency past an absolute threshold, a CPU's
 * capacity.
 *
 * Two symptoms are already reported by the analyzer that measures them and
 * are not repeated here: vCPU steal (kvm.vcpu-steal, with the preemptors
 * named) and idle CPUs beside queued ones (cpu.imbalance).  Other rules
 * name those findings in their evidence when they are present.
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>
#include "../many-rows.h"

#define NS_PER_S 1e9

/* A waiting task passed over for lower-priority ones: made at the first
 * time, the few tasks that are kept apart from the many that wait. */
typedef struct {
    gint32 pid;
    guint32 order;     /* its DiagTask's place among them: ties' order */
    gint32 prio;
    char comm[FTA_COMM_LEN];
    guint64 count;     /* switches to a lower-priority task while it waited;
                          0 until the first */
    gint64 longest_ns; /* longest it had waited at such a switch */
    gint64 waited_ns;  /* the whole of the waits in which it was passed over */
    gint64 first_ns;
    gint32 cpu;        /* the CPU of the last one */
    gint32 low_pid, low_prio;
    char low_comm[FTA_COMM_LEN];
} Inversion;

/* A task, for the priority-inversion rule: made when it first waits for
 * a CPU, kept for the run, 48 bytes (its Inversion apart, when it has
 * one).  While it waits it is in a list of the CPU it waits for, so a
 * switch looks only at that CPU's waiters; real-time waiters (prio below
 * 100) have a list of their own, the only one a switch reads with
 * inversion_rt_only. */
typedef struct _DiagTask DiagTask;
struct _DiagTask {
    guint32 task;
    gint32 pid;
    guint32 order;     /* its place among the DiagTasks */
    gint32 prio;
    gint32 cpu;
    guint8 waiting;
    guint8 passed;     /* passed over in the wait in progress */
    gint64 since_ns;
    DiagTask *prev, *next; /* the waiters of one list (see diag_list) */
};

/* Waiters on CPUs 0 .. DIAG_MAX_CPUS - 1 are listed per CPU; a waiter on
 * any other number (a migration to a CPU the trace does not name) is in
 * lists of their own, which a switch searches by number. */
#define DIAG_MAX_CPUS 4096
#define DIAG_RT_PRIO 100

typedef struct {
    const FtaContext *ctx;
    /* thresholds */
    double saturated_busy_pct, saturated_pressure_pct;
    double wakeup_rate_hz;
    gint64 wakeup_min;
    double d_rate_hz;
    gint64 d_min;
    double spike_factor, spike_min_rate;
    gint64 spike_min;
    double migration_rate_hz;
    gint64 migration_min;
    gint64 inversion_min;
    gboolean inversion_rt_only;
    double irq_storm_hz;
    gint64 irq_storm_min;
    double tail_ratio;
    gint64 tail_min_us, tail_min_samples;
    double lost_pct;
    /* harm: what makes a symptom a warning */
    double harm_wait_pct;
    double d_share_pct;
    double irq_storm_time_pct;
    gint64 inversion_wait_us;
    /* priority inversion state */
    FtaTasks *tasks;           /* DiagTask per task, of pids > 0 */
    FtaTasks *inversions;      /* Inversion per task passed over */
    /* 2 * cpu + (0 for real-time, 1 for other waiters) -> the first
     * DiagTask of that list, or NULL */
    GPtrArray *waiters;
    DiagTask *other_waiters[2]; /* on CPUs outside 0 .. DIAG_MAX_CPUS - 1 */
    /* during finish: a table -> its PidRows (task_cell), made on first
     * need: a table of a row per task is read down once, not once per
     * task a rule names */
    GHashTable *pid_rows;
} Diag;

static void
diag_task_init (gpointer state, gint32 pid)
{
    DiagTask *t = state;
    t->pid = pid;
}

static void
diag_inversion_init (gpointer state, gint32 pid)
{
    Inversion *inv = state;
    inv->pid = pid;
}

/* The first row of each pid of a table: pid -> row + 1, the pids in
 * KEYS. */
typedef struct {
    gint64 *keys;
    GHashTable *rows;
} PidRows;

static void
pid_rows_free (gpointer p)
{
    PidRows *x = p;
    g_hash_table_destroy (x->rows);
    g_free (x->keys);
    g_free (x);
}

static void *
diag_create (const FtaContext *ctx, const FtaOptions *o, GError **error)
{
    Diag *d = g_new0 (Diag, 1);
    d->ctx = ctx;
    d->pid_rows = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, pid_rows_free);
    d->saturated_busy_pct = fta_options_get_double (o, "saturated_busy_pct");
    d->saturated_pressure_pct = fta_options_get_double (o, "saturated_pressure_pct");
    d->wakeup_rate_hz = fta_options_get_double (o, "wakeup_rate_hz");
    d->wakeup_min = fta_options_get_int (o, "wakeup_min");
    d->d_rate_hz = fta_options_get_double (o, "d_rate_hz");
    d->d_min = fta_options_get_int (o, "d_min");
    d->spike_factor = fta_options_get_double (o, "spike_factor");
    d->spike_min_rate = fta_options_get_double (o, "spike_min_rate");
    d->spike_min = fta_options_get_int (o, "spike_min");
    d->migration_rate_hz = fta_options_get_double (o, "migration_rate_hz");
    d->migration_min = fta_options_get_int (o, "migration_min");
    d->inversion_min = fta_options_get_int (o, "inversion_min");
    d->inversion_rt_only = fta_options_get_bool (o, "inversion_rt_only");
    d->irq_storm_hz = fta_options_get_double (o, "irq_storm_hz");
    d->irq_storm_min = fta_options_get_int (o, "irq_storm_min");
    d->tail_ratio = fta_options_get_double (o, "tail_ratio");
    d->tail_min_us = fta_options_get_int (o, "tail_min_us");
    d->tail_min_samples = fta_options_get_int (o, "tail_min_samples");
    d->lost_pct = fta_options_get_double (o, "lost_pct");
    d->harm_wait_pct = fta_options_get_double (o, "harm_wait_pct");
    d->d_share_pct = fta_options_get_double (o, "d_share_pct");
    d->irq_storm_time_pct = fta_options_get_double (o, "irq_storm_time_pct");
    d->inversion_wait_us = fta_options_get_int (o, "inversion_wait_us");
    if (d->saturated_busy_pct < 0 || d->saturated_busy_pct > 100 ||
        d->saturated_pressure_pct < 0 || d->saturated_pressure_pct > 100 ||
        d->wakeup_rate_hz <= 0 || d->d_rate_hz <= 0 || d->spike_factor <= 1 ||
        d->spike_min_rate < 0 || d->spike_min < 2 || d->migration_rate_hz <= 0 ||
        d->inversion_min < 1 || d->irq_storm_hz <= 0 || d->tail_ratio <= 1 ||
        d->tail_min_us < 0 || d->tail_min_samples < 1 || d->lost_pct < 0 ||
        d->wakeup_min < 0 || d->d_min < 0 || d->migration_min < 0 ||
        d->irq_storm_min < 0 || d->harm_wait_pct < 0 || d->harm_wait_pct > 100 ||
        d->d_share_pct < 0 || d->d_share_pct > 100 || d->irq_storm_time_pct < 0 ||
        d->irq_storm_time_pct > 100 || d->inversion_wait_us < 0) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "diagnosis: a threshold is out of range (percentages 0..100, "
                     "rates above 0, factors and ratios above 1, spike_min at least 2, "
                     "inversion_min at least 1, counts not negative)");
        g_free (d);
        return NULL;
    }
    d->tasks = fta_tasks_new (sizeof (DiagTask), diag_task_init, NULL);
    d->inversions = fta_tasks_new (sizeof (Inversion), diag_inversion_init, NULL);
    d->waiters = g_ptr_array_new ();
    return d;
}

static void
diag_destroy (void *self)
{
    Diag *d = self;
    fta_tasks_free (d->tasks);
    fta_tasks_free (d->inversions);
    g_ptr_array_free (d->waiters, TRUE);
    g_hash_table_destroy (d->pid_rows);
    g_free (d);
}

/* --- priority inversion: follows the events --------------------------------- */

/* The head of the list of the tasks waiting for CPU, real-time (RT) or
 * not. */
static DiagTask **
diag_list (Diag *d, gint32 cpu, gboolean rt)
{
    guint k = rt ? 0 : 1;
    if (cpu < 0 || cpu >= DIAG_MAX_CPUS)
        return &d->other_waiters[k];
    k += 2 * (guint) cpu;
    if (k >= d->waiters->len)
        g_ptr_array_set_size (d->waiters, 2 * cpu + 2);
    return (DiagTask **) &g_ptr_array_index (d->waiters, k);
}

static void
diag_unlink (Diag *d, DiagTask *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        *diag_list (d, t->cpu, t->prio < DIAG_RT_PRIO) = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->prev = t->next = NULL;
}

static void
diag_link (Diag *d, DiagTask *t)
{
    DiagTask **head = diag_list (d, t->cpu, t->prio < DIAG_RT_PRIO);
    t->prev = NULL;
    t->next = *head;
    if (*head)
        (*head)->prev = t;
    *head = t;
}

/* TASK (of PID) runs at TS (or is not known to wait any more). */
static inline void
diag_unwait (Diag *d, guint32 task, gint32 pid, gint32 cpu, gint64 ts)
{
    DiagTask *t = fta_tasks_find (d->tasks, task, pid, cpu);
    if (t && t->waiting) {
        diag_unlink (d, t);
        t->waiting = FALSE;
        if (t->passed && ts > t->since_ns)
            ((Inversion *) fta_tasks_get (d->inversions, t->task, t->pid, cpu))->waited_ns
                += ts - t->since_ns;
    }
}

/* The waiting task T waits for CPU now, with priority PRIO. */
static void
diag_move (Diag *d, DiagTask *t, gint32 cpu, gint32 prio)
{
    if (t->cpu == cpu && (t->prio < DIAG_RT_PRIO) == (prio < DIAG_RT_PRIO)) {
        t->prio = prio;
        return;
    }
    diag_unlink (d, t);
    t->cpu = cpu;
    t->prio = prio;
    diag_link (d, t);
}

static void
diag_wait (Diag *d, guint32 task, gint32 pid, gint32 prio, gint32 cpu, gint64 ts)
{
    if (pid <= 0 || cpu < 0)
        return;
    guint made = fta_tasks_count (d->tasks);
    DiagTask *t = fta_tasks_get (d->tasks, task, pid, cpu);
    if (fta_tasks_count (d->tasks) != made)
        t->order = made;
    t->task = task;
    if (t->waiting) {
        diag_move (d, t, cpu, prio);
        return;
    }
    t->waiting = TRUE;
    t->passed = FALSE;
    t->prio = prio;
    t->cpu = cpu;
    t->since_ns = ts;
    diag_link (d, t);
}

/* What waits across a gap is not known. */
static void
diag_unwait_all (Diag *d)
{
    for (guint i = 0; i < d->waiters->len + 2; i++) {
        DiagTask **head = i < d->waiters->len
                              ? (DiagTask **) &g_ptr_array_index (d->waiters, i)
                              : &d->other_waiters[i - d->waiters->len];
        for (DiagTask *t = *head, *next; t; t = next) {
            next = t->next;
            t->waiting = FALSE;
            t->prev = t->next = NULL;
        }
        *head = NULL;
    }
}

static gboolean
diag_inverted (Diag *d, gint32 waiting_prio, gint32 next_prio)
{
    if (d->inversion_rt_only && waiting_prio >= 100)
        return FALSE;
    return waiting_prio < next_prio;
}

/* The waiting task W is passed over by the switch EV. */
static void
diag_passed (Diag *d, DiagTask *w, const FtaEvent *ev)
{
    const FtaSwitchFields *s = &ev->u.sw;
    Inversion *inv = fta_tasks_get (d->inversions, w->task, w->pid, w->cpu);
    if (!inv->count) {
        inv->first_ns = ev->ts_ns;
        inv->order = w->order;
    }
    const char *c = fta_context_task_comm (d->ctx, w->task);
    g_strlcpy (inv->comm, c ? c : "?", FTA_COMM_LEN);
    inv->prio = w->prio;
    inv->count++;
    w->passed = TRUE;
    inv->longest_ns = MAX (inv->longest_ns, ev->ts_ns - w->since_ns);
    inv->cpu = ev->cpu;
    inv->low_pid = s->next_pid;
    inv->low_prio = s->next_prio;
    memcpy (inv->low_comm, s->next_comm, FTA_COMM_LEN);
}

/* The switch EV puts a task of priority next_prio on its CPU: each task
 * that was waiting for that CPU with a better priority is passed over. */
static void
diag_passed_over (Diag *d, const FtaEvent *ev)
{
    const FtaSwitchFields *s = &ev->u.sw;
    /* a waiter that is not real-time (prio 100 and above) counts only
     * without inversion_rt_only, and only for a task with a larger prio */
    guint n_lists = !d->inversion_rt_only && s->next_prio > DIAG_RT_PRIO ? 2 : 1;
    for (guint k = 0; k < n_lists; k++)
        for (DiagTask *w = *diag_list (d, ev->cpu, k == 0); w; w = w->next) {
            if (w->cpu != ev->cpu || w->since_ns >= ev->ts_ns ||
                !diag_inverted (d, w->prio, s->next_prio))
                continue;
            diag_passed (d, w, ev);
        }
}

static void
diag_on_event (void *self, const FtaEvent *ev)
{
    Diag *d = self;
    if (ev->type == FTA_EV_LOST || ev->type == FTA_EV_BUFFER_STARTED) {
        diag_unwait_all (d);
        return;
    }
    /* a task that records an event is running, not waiting */
    if (ev->pid > 0)
        diag_unwait (d, ev->task, ev->pid, ev->cpu, ev->ts_ns);
    switch (ev->type) {
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW:
        if (ev->u.wake.success != 0)
            diag_wait (d, ev->u.wake.task, ev->u.wake.pid, ev->u.wake.prio,
                       ev->u.wake.target_cpu >= 0 ? ev->u.wake.target_cpu : ev->cpu,
                       ev->ts_ns);
        break;
    case FTA_EV_SCHED_MIGRATE_TASK: {
        DiagTask *t = fta_tasks_find (d->tasks, ev->u.migrate.task, ev->u.migrate.pid,
                                      ev->u.migrate.orig_cpu);
        if (t && t->waiting)
            diag_move (d, t, ev->u.migrate.dest_cpu, t->prio);
        break;
    }
    case FTA_EV_SCHED_SWITCH: {
        const FtaSwitchFields *s = &ev->u.sw;
        diag_unwait (d, s->next_task, s->next_pid, ev->cpu, ev->ts_ns);
        if (s->next_pid > 0)
            diag_passed_over (d, ev);
        if (s->prev_pid > 0 && fta_state_is_preempted (s->prev_state))
            diag_wait (d, s->prev_task, s->prev_pid, s->prev_prio, ev->cpu, ev->ts_ns);
        break;
    }
    default:
        break;
    }
}

/* --- reading tables ---------------------------------------------------------- */

static const FtaTable *
tab (const FtaResults *r, const char *name)
{
    return fta_results_find_table (r, name);
}

static gboolean
has_cols (const FtaTable *t, const char *const *names)
{
    if (!t)
        return FALSE;
    for (const char *const *n = names; *n; n++)
        if (fta_table_column_index (t, *n) < 0)
            return FALSE;
    return TRUE;
}

static gint64
ci (const FtaTable *t, guint row, const char *col)
{
    int c = fta_table_column_index (t, col);
    if (c < 0)
        return 0;
    const FtaValue *v = fta_table_cell (t, row, (guint) c);
    return v->is_null ? 0 : v->i;
}

static gboolean
cnull (const FtaTable *t, guint row, const char *col)
{
    int c = fta_table_column_index (t, col);
    return c < 0 || fta_table_cell (t, row, (guint) c)->is_null;
}

static double
cd (const FtaTable *t, guint row, const char *col)
{
    int c = fta_table_column_index (t, col);
    if (c < 0)
        return 0;
    const FtaValue *v = fta_table_cell (t, row, (guint) c);
    return v->is_null ? 0 : v->d;
}

static const char *
cs (const FtaTable *t, guint row, const char *col)
{
    int c = fta_table_column_index (t, col);
    if (c < 0)
        return "";
    const FtaValue *v = fta_table_cell (t, row, (guint) c);
    return v->is_null || !v->s ? "" : v->s;
}

static gboolean
has_finding (const FtaResults *r, const char *code)
{
    for (guint i = 0; i < fta_results_n_findings (r); i++)
        if (strcmp (fta_results_finding (r, i)->code, code) == 0)
            return TRUE;
    return FALSE;
}

static void
ev_add (FtaFinding *f, const char *key, char *value)
{
    fta_finding_add_evidence (f, key, value);
    g_free (value);
}

static char *
ms (gint64 ns)
{
    return g_strdup_printf ("%.3f ms", ns / 1e6);
}

/* The trace's span in seconds, 0 when unknown. */
static double
span_s (const FtaResults *r)
{
    const FtaQuality *q = fta_results_quality (r);
    if (q->first_ts_ns < 0 || q->last_ts_ns <= q->first_ts_ns)
        return 0;
    return (q->last_ts_ns - q->first_ts_ns) / NS_PER_S;
}

static gboolean
is_vcpu (const FtaTable *vcpus, gint32 pid)
{
    if (!vcpus)
        return FALSE;
    for (guint i = 0; i < fta_table_n_rows (vcpus); i++)
        if (ci (vcpus, i, "pid") == pid)
            return TRUE;
    return FALSE;
}

/* --- findings about several entities --------------------------------------- *
 *
 * A rule about tasks or CPUs builds one Item per entity, then diag_emit
 * makes one finding of each severity: the entity's own finding when it is
 * alone, else one that gives their number, the spread of the rule's
 * number, the worst few, and keeps the worst one's evidence (its keys are
 * those of a single entity) followed by a line per other entity. */
typedef struct {
    FtaSeverity severity;
    char *code, *title, *cause, *advice;
    gint64 cost_ns;
    GPtrArray *keys, *vals; /* owned strings */
    char *name;             /* "fio-1234", "CPU 3": owned */
    double metric;          /* the rule's number, for the spread */
} Item;

static void
item_free (gpointer p)
{
    Item *it = p;
    g_free (it->code);
    g_free (it->title);
    g_free (it->cause);
    g_free (it->advice);
    g_free (it->name);
    g_ptr_array_free (it->keys, TRUE);
    g_ptr_array_free (it->vals, TRUE);
    g_free (it);
}

static GPtrArray *
items_new (void)
{
    return g_ptr_array_new_with_free_func (item_free);
}

static Item *
item_new (GPtrArray *items, FtaSeverity sev, const char *code, const char *title,
          const char *cause, const char *advice)
{
    Item *it = g_new0 (Item, 1);
    it->severity = sev;
    it->code = g_strdup (code);
    it->title = g_strdup (title);
    it->cause = g_strdup (cause);
    it->advice = g_strdup (advice);
    it->keys = g_ptr_array_new_with_free_func (g_free);
    it->vals = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (items, it);
    return it;
}

/* Evidence KEY: VALUE, VALUE taken. */
static void
item_ev (Item *it, const char *key, char *value)
{
    g_ptr_array_add (it->keys, g_strdup (key));
    g_ptr_array_add (it->vals, value);
}

static void
item_evs (Item *it, const char *key, const char *value)
{
    item_ev (it, key, g_strdup (value));
}

static void
item_cost (Item *it, gint64 ns)
{
    it->cost_ns = MAX (ns, 0);
}

static FtaFinding *
item_finding (FtaResults *r, const Item *it, const char *title)
{
    FtaFinding *f = fta_results_add_finding (r, it->severity, it->code, title, it->cause,
                                             it->advice);
    for (guint k = 0; k < it->keys->len; k++)
        fta_finding_add_evidence (f, g_ptr_array_index (it->keys, k),
                                  g_ptr_array_index (it->vals, k));
    return f;
}

/* The findings of ITEMS (in the rule's order, the worst first), one per
 * severity.  KIND names the entities ("tasks", "CPUs"); the title of
 * several is their number, BEFORE, the range of their metrics (PREC
 * decimals) and AFTER: "3 tasks woken 2100-5300 times a second". */
static void
diag_emit (FtaResults *r, GPtrArray *items, const char *kind, const char *before,
           const char *after, int prec)
{
    for (int sev = FTA_SEVERITY_CRITICAL; sev >= FTA_SEVERITY_INFO; sev--) {
        GPtrArray *same = g_ptr_array_new ();
        for (guint i = 0; i < items->len; i++)
            if (((Item *) g_ptr_array_index (items, i))->severity == (FtaSeverity) sev)
                g_ptr_array_add (same, g_ptr_array_index (items, i));
        if (same->len == 1) {
            const Item *it = g_ptr_array_index (same, 0);
            fta_finding_set_cost (item_finding (r, it, it->title), it->cost_ns);
        } else if (same->len > 1) {
            const Item *w = g_ptr_array_index (same, 0);
            double lo = w->metric, hi = w->metric;
            gint64 cost = 0;
            GString *worst = g_string_new (NULL);
            for (guint i = 0; i < same->len; i++) {
                const Item *it = g_ptr_array_index (same, i);
                lo = MIN (lo, it->metric);
                hi = MAX (hi, it->metric);
                cost += it->cost_ns;
                if (i < 3) {
                    char *v = g_strdup_printf ("%.*f", prec, it->metric);
                    g_string_append_printf (worst, "%s%s (%s)", i ? ", " : "", it->name, v);
                    g_free (v);
                }
            }
            if (same->len > 3)
                g_string_append (worst, ", ...");
            char *a = g_strdup_printf ("%.*f", prec, lo), *b = g_strdup_printf ("%.*f", prec, hi);
            char *range = strcmp (a, b) ? g_strdup_printf ("%s\u2013%s", a, b) : g_strdup (b);
            GString *title = g_string_new (NULL);
            g_string_printf (title, "%u %s %s %s", same->len, before, range, after);
            g_string_append_printf (title, "; worst: %s", worst->str);
            FtaFinding *f = item_finding (r, w, title->str);
            fta_finding_set_cost (f, cost);
            char *n = g_strdup_printf ("%u (the worst first)", same->len);
            fta_finding_add_evidence (f, kind, n);
            g_free (n);
            for (guint i = 1; i < same->len && i < 8; i++) {
                const Item *it = g_ptr_array_index (same, i);
                fta_finding_add_evidence (f, it->name, it->title);
            }
            if (same->len > 8) {
                char *more = g_strdup_printf ("%u", same->len - 8);
                char *key = g_strdup_printf ("more %s", kind);
                fta_finding_add_evidence (f, key, more);
                g_free (key);
                g_free (more);
            }
            g_free (a);
            g_free (b);
            g_free (range);
            g_string_free (title, TRUE);
            g_string_free (worst, TRUE);
        }
        g_ptr_array_free (same, TRUE);
    }
    g_ptr_array_free (items, TRUE);
}

/* The value of COL in PID's (first) row of TABLE, or FALLBACK when the
 * table, the column or the row is missing or the cell is null. */
static gint64
task_cell (const Diag *d, const FtaResults *r, const char *table, const char *col, gint64 pid,
           gint64 fallback)
{
    const FtaTable *t = tab (r, table);
    int c_pid = t ? fta_table_column_index (t, "pid") : -1;
    int c = t ? fta_table_column_index (t, col) : -1;
    if (c_pid < 0 || c < 0)
        return fallback;
    PidRows *x = g_hash_table_lookup (d->pid_rows, t);
    if (!x) {
        guint n = fta_table_n_rows (t);
        x = g_new (PidRows, 1);
        x->keys = g_new (gint64, MAX (n, 1));
        x->rows = g_hash_table_new (g_int64_hash, g_int64_equal);
        for (guint i = 0; i < n; i++) {
            x->keys[i] = fta_table_cell (t, i, (guint) c_pid)->i;
            if (!g_hash_table_contains (x->rows, &x->keys[i]))
                g_hash_table_insert (x->rows, &x->keys[i], GUINT_TO_POINTER (i + 1));
        }
        g_hash_table_insert (d->pid_rows, (gpointer) t, x);
    }
    guint row = GPOINTER_TO_UINT (g_hash_table_lookup (x->rows, &pid));
    if (!row)
        return fallback;
    const FtaValue *v = fta_table_cell (t, row - 1, (guint) c);
    return v->is_null ? fallback : v->i;
}

/* The time PID waited for a CPU over the trace (switch.tasks' runnable_ns). */
static gint64
task_wait_ns (const Diag *d, const FtaResults *r, gint64 pid)
{
    return task_cell (d, r, "switch.tasks", "runnable_ns", pid, 0);
}

/* Whether the task PID pays for a symptom that costs nothing by itself (a
 * wakeup or migration rate): it waited for a CPU at least harm_wait_pct of
 * the trace, or its wakeup latency p99 reached tail_min_us.  Adds both
 * numbers to F's evidence. */
static gboolean
task_harmed (const Diag *d, const FtaResults *r, Item *f, gint64 pid, double span)
{
    gint64 wait = task_wait_ns (d, r, pid);
    gint64 p99 = task_cell (d, r, "wakeup.tasks", "latency_p99_ns", pid, -1);
    double wait_pct = span > 0 ? 100.0 * wait / (span * NS_PER_S) : 0;
    item_ev (f, "waited_for_cpu", g_strdup_printf ("%.3f ms (%.1f%% of the trace)", wait / 1e6,
                                                   wait_pct));
    if (p99 >= 0)
        item_ev (f, "wakeup_latency_p99", ms (p99));
    return wait_pct >= d->harm_wait_pct || p99 >= d->tail_min_us * 1000;
}

/* --- the rules ------------------------------------------------------------------ */

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
    return x < y ? -1 : x > y;
}

/* "0-3,8,10-11": the sorted, distinct numbers of NUMS as ranges. */
static char *
num_ranges (GArray *nums)
{
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < nums->len;) {
        gint64 a = g_array_index (nums, gint64, i), b = a;
        guint j = i + 1;
        while (j < nums->len && g_array_index (nums, gint64, j) == b + 1)
            b = g_array_index (nums, gint64, j++);
        if (a == b)
            g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", a);
        else
            g_string_append_printf (s, "%s%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT,
                                    s->len ? "," : "", a, b);
        i = j;
    }
    return g_string_free (s, FALSE);
}

/* "54–76%", or "76%" when both ends round alike at PREC decimals. */
static char *
pct_range (double lo, double hi, int prec)
{
    char *a = g_strdup_printf ("%.*f", prec, lo), *b = g_strdup_printf ("%.*f", prec, hi);
    char *r = strcmp (a, b) ? g_strdup_printf ("%s\u2013%s%%", a, b) : g_strdup_printf ("%s%%", b);
    g_free (a);
    g_free (b);
    return r;
}

/* A saturated CPU with vCPU threads among its tasks. */
typedef struct {
    guint row;      /* of cpu.cpus */
    gint64 cpu;
    double busy, press;
    gint64 pressure_ns;
    guint n_vcpu;
    gint64 vcpu_run, obs;
    char *names;    /* the vCPU threads, the first 8 */
} Saturated;

static int
saturated_cmp (gconstpointer a, gconstpointer b)
{
    const Saturated *x = a, *y = b;
    if (x->press != y->press)
        return (x->press < y->press) - (x->press > y->press);
    if (x->pressure_ns != y->pressure_ns)
        return (x->pressure_ns < y->pressure_ns) - (x->pressure_ns > y->pressure_ns);
    return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

static const char vcpu_contention_cause[] =
    "Too many vCPUs (or other busy threads) for the host CPUs they may run on: "
    "host contention; the vCPUs wait for this CPU while it runs something else.";
static const char vcpu_contention_cause_many[] =
    "Too many vCPUs (or other busy threads) for the host CPUs they may run on: "
    "host contention; the vCPUs wait for these CPUs while they run something else.";
static const char vcpu_contention_advice[] =
    "Give the VMs fewer vCPUs, or pin each vCPU to its own host CPU "
    "(virsh vcpupin DOM VCPU CPU; <cputune><vcpupin/> in libvirt), keep host work "
    "off those CPUs (isolcpus=, systemd CPUAffinity=, emulatorpin), and check "
    "kvm.holders for who holds the CPU while the vCPUs wait.";

/* The CPUs saturated with tasks queued and vCPU threads among their tasks:
 * one finding naming the CPU when there is one, else one for all of them
 * with their number, the spread and the worst (the most queued). */
static void
rule_vcpu_contention (Diag *d, FtaResults *r)
{
    static const char *const cc[] = { "cpu", "busy_ns", "idle_ns", "busy_pct",
                                      "runnable_pressure_ns", "switches", NULL };
    static const char *const tc[] = { "pid", "comm", "cpu", "run_ns", NULL };
    static const char *const vc[] = { "pid", NULL };
    const FtaTable *cpus = tab (r, "cpu.cpus"), *tcpus = tab (r, "cpu.task_cpus");
    const FtaTable *vcpus = tab (r, "kvm.vcpus");
    if (!has_cols (cpus, cc) || !has_cols (tcpus, tc) || !has_cols (vcpus, vc) ||
        fta_table_n_rows (vcpus) == 0)
        return;
    double span = span_s (r);
    GHashTable *vpids = g_hash_table_new (g_direct_hash, g_direct_equal);
    for (guint i = 0; i < fta_table_n_rows (vcpus); i++)
        g_hash_table_add (vpids, GINT_TO_POINTER ((gint) ci (vcpus, i, "pid")));
    GArray *sat = g_array_new (FALSE, TRUE, sizeof (Saturated));
    for (guint i = 0; i < fta_table_n_rows (cpus); i++) {
        Saturated x = { .row = i, .cpu = ci (cpus, i, "cpu") };
        x.obs = ci (cpus, i, "busy_ns") + ci (cpus, i, "idle_ns");
        x.busy = cd (cpus, i, "busy_pct");
        x.pressure_ns = ci (cpus, i, "runnable_pressure_ns");
        x.press = x.obs > 0 ? 100.0 * x.pressure_ns / x.obs : 0;
        if (x.obs <= 0 || x.busy < d->saturated_busy_pct || x.press < d->saturated_pressure_pct)
            continue;
        g_array_append_val (sat, x);
    }
    /* the vCPU threads of each saturated CPU, in one pass over task_cpus */
    GHashTable *at = g_hash_table_new (g_int64_hash, g_int64_equal); /* cpu -> Saturated */
    for (guint i = 0; i < sat->len; i++)
        g_hash_table_insert (at, &g_array_index (sat, Saturated, i).cpu,
                             &g_array_index (sat, Saturated, i));
    /* a row per task and CPU it ran on: the columns found once */
    guint c_cpu = (guint) fta_table_column_index (tcpus, "cpu");
    guint c_pid = (guint) fta_table_column_index (tcpus, "pid");
    for (guint j = 0; j < fta_table_n_rows (tcpus); j++) {
        const FtaValue *vcell = fta_table_cell (tcpus, j, c_cpu);
        gint64 cpu = vcell->is_null ? 0 : vcell->i;
        Saturated *x = g_hash_table_lookup (at, &cpu);
        const FtaValue *vp = x ? fta_table_cell (tcpus, j, c_pid) : NULL;
        if (!x || !g_hash_table_contains (vpids, GINT_TO_POINTER ((gint) (vp->is_null ? 0 : vp->i))))
            continue;
        x->n_vcpu++;
        x->vcpu_run += ci (tcpus, j, "run_ns");
        if (x->n_vcpu <= 8) {
            char *n = g_strdup_printf ("%s%s%s-%" G_GINT64_FORMAT, x->names ? x->names : "",
                                       x->names ? ", " : "", cs (tcpus, j, "comm"),
                                       ci (tcpus, j, "pid"));
            g_free (x->names);
            x->names = n;
        }
    }
    g_hash_table_destroy (at);
    g_hash_table_destroy (vpids);
    /* only CPUs with vCPU threads among their tasks */
    for (guint i = sat->len; i-- > 0;)
        if (!g_array_index (sat, Saturated, i).n_vcpu)
            g_array_remove_index (sat, i);
    if (!sat->len) {
        g_array_free (sat, TRUE);
        return;
    }
    g_array_sort (sat, saturated_cmp);
    const Saturated *w = &g_array_index (sat, Saturated, 0);
    double blo = 100, bhi = 0, plo = 100, phi = 0;
    gint64 cost = 0;
    GArray *nums = g_array_new (FALSE, FALSE, sizeof (gint64));
    for (guint i = 0; i < sat->len; i++) {
        const Saturated *x = &g_array_index (sat, Saturated, i);
        blo = MIN (blo, x->busy);
        bhi = MAX (bhi, x->busy);
        plo = MIN (plo, x->press);
        phi = MAX (phi, x->press);
        cost += x->pressure_ns;
        g_array_append_val (nums, x->cpu);
    }
    g_array_sort (nums, cmp_i64);
    char *title;
    if (sat->len == 1) {
        title = g_strdup_printf ("CPU %" G_GINT64_FORMAT " saturated (%.0f%% busy) with "
                                 "%u vCPU thread%s among its tasks, tasks queued %.0f%% of "
                                 "the time",
                                 w->cpu, w->busy, w->n_vcpu, w->n_vcpu == 1 ? "" : "s",
                                 w->press);
    } else {
        char *busy = pct_range (blo, bhi, 0), *press = pct_range (plo, phi, 0);
        GString *worst = g_string_new (NULL);
        for (guint i = 0; i < sat->len && i < 3; i++)
            g_string_append_printf (worst, "%sCPU %" G_GINT64_FORMAT " (%.0f%%)", i ? ", " : "",
                                    g_array_index (sat, Saturated, i).cpu,
                                    g_array_index (sat, Saturated, i).press);
        title = g_strdup_printf ("%u of %u CPUs saturated with vCPU threads among their tasks: "
                                 "busy %s, tasks queued %s of the time; worst: %s%s",
                                 sat->len, fta_table_n_rows (cpus), busy, press, worst->str,
                                 sat->len > 3 ? ", ..." : "");
        g_free (busy);
        g_free (press);
        g_string_free (worst, TRUE);
    }
    FtaFinding *f = fta_results_add_finding (
        r, phi >= 2.5 * d->saturated_pressure_pct ? FTA_SEVERITY_CRITICAL : FTA_SEVERITY_WARNING,
        "diagnosis.vcpu-contention", title,
        sat->len == 1 ? vcpu_contention_cause : vcpu_contention_cause_many, vcpu_contention_advice);
    g_free (title);
    fta_finding_set_cost (f, cost);
    /* the worst CPU's numbers under the keys a single CPU has */
    ev_add (f, "cpu", g_strdup_printf ("%" G_GINT64_FORMAT, w->cpu));
    if (sat->len > 1) {
        ev_add (f, "cpus", g_strdup_printf ("%u of %u", sat->len, fta_table_n_rows (cpus)));
        ev_add (f, "cpu_list", num_ranges (nums));
        ev_add (f, "busy_pct_range", pct_range (blo, bhi, 1));
        ev_add (f, "runnable_pressure_pct_range", pct_range (plo, phi, 1));
    }
    ev_add (f, "busy_pct", g_strdup_printf ("%.1f", w->busy));
    ev_add (f, "runnable_pressure_pct", g_strdup_printf ("%.1f", w->press));
    if (span > 0)
        ev_add (f, "switches_per_s",
                g_strdup_printf ("%.0f", ci (cpus, w->row, "switches") / span));
    fta_finding_add_evidence (f, "vcpu_threads", w->names);
    ev_add (f, "vcpu_run_share_pct",
            g_strdup_printf ("%.1f", 100.0 * w->vcpu_run / (double) w->obs));
    for (guint i = 1; i < sat->len && i < 8; i++) {
        const Saturated *x = &g_array_index (sat, Saturated, i);
        char *key = g_strdup_printf ("CPU %" G_GINT64_FORMAT, x->cpu);
        ev_add (f, key, g_strdup_printf ("busy %.1f%%, tasks queued %.1f%%, vCPU threads %s",
                                         x->busy, x->press, x->names));
        g_free (key);
    }
    if (sat->len > 8)
        ev_add (f, "more CPUs", g_strdup_printf ("%u (cpu.cpus has each one's busy_pct and "
                                                 "runnable_pressure_ns)", sat->len - 8));
    ev_add (f, "vcpus_in_trace", g_strdup_printf ("%u", fta_table_n_rows (vcpus)));
    ev_add (f, "host_cpus_in_trace", g_strdup_printf ("%u", fta_table_n_rows (cpus)));
    if (has_finding (r, "kvm.vcpu-steal"))
        fta_finding_add_evidence (f, "see also", "kvm.vcpu-steal");
    for (guint i = 0; i < sat->len; i++)
        g_free (g_array_index (sat, Saturated, i).names);
    g_array_free (sat, TRUE);
    g_array_free (nums, TRUE);
}

/* The waker of most of PID's wakeups, from wakeup.pairs, as "comm-pid (n)". */
static char *
top_waker (const FtaResults *r, gint64 pid, gboolean *from_irq)
{
    const FtaTable *p = tab (r, "wakeup.pairs");
    static const char *const pc[] = { "waker_pid", "waker_comm", "wakee_pid", "count", NULL };
    *from_irq = FALSE;
    if (!has_cols (p, pc))
        return NULL;
    gint64 best = -1;
    guint best_row = 0;
    for (guint i = 0; i < fta_table_n_rows (p); i++)
        if (ci (p, i, "wakee_pid") == pid && ci (p, i, "count") > best) {
            best = ci (p, i, "count");
            best_row = i;
        }
    if (best < 0)
        return NULL;
    const char *wc = cs (p, best_row, "waker_comm");
    gint64 wp = ci (p, best_row, "waker_pid");
    *from_irq = wp == 0 || g_str_has_prefix (wc, "ksoftirqd") ||
                g_str_has_prefix (wc, "kworker") || g_str_has_prefix (wc, "irq/");
    return g_strdup_printf ("%s-%" G_GINT64_FORMAT " (%" G_GINT64_FORMAT ")", wc, wp, best);
}

/* Row I of task table T, when its column COL counts at least MIN, at
 * RATE_HZ or more a second of SPAN, and the task is selected: its count,
 * rate, pid and comm. */
static gboolean
often (Diag *d, const FtaTable *t, guint i, const char *col, gint64 min, double rate_hz,
       double span, gint64 *n, double *rate, gint64 *pid, const char **comm)
{
    *n = ci (t, i, col);
    *rate = *n / span;
    *pid = ci (t, i, "pid");
    *comm = cs (t, i, "comm");
    return !(*n < min || *rate < rate_hz)
           && fta_context_task_selected (d->ctx, (gint32) *pid, *comm);
}

/* Tasks woken very often. */
static void
rule_wakeup_rate (Diag *d, FtaResults *r)
{
    static const char *const wc[] = { "pid", "comm", "wakeups", NULL };
    const FtaTable *t = tab (r, "wakeup.tasks");
    double span = span_s (r);
    if (!has_cols (t, wc) || span <= 0)
        return;
    GPtrArray *items = items_new ();
    for (guint i = 0; i < fta_table_n_rows (t); i++) {
        gint64 w, pid;
        double rate;
        const char *comm;
        if (!often (d, t, i, "wakeups", d->wakeup_min, d->wakeup_rate_hz, span, &w, &rate, &pid,
                    &comm))
            continue;
        gboolean irq;
        char *waker = top_waker (r, pid, &irq);
        char *title = g_strdup_printf ("%s-%" G_GINT64_FORMAT " is woken %.0f times a second",
                                       comm, pid, rate);
        Item *f = item_new (
            items, FTA_SEVERITY_INFO, "diagnosis.wakeup-rate", title,
            irq ? "An I/O-heavy workload: the task mostly waits for completions (woken "
                  "from interrupts, softirqs or kworkers), one small request at a time."
                : "A chatty workload: many short waits (I/O, queues, timers or "
                  "futexes) instead of fewer, larger pieces of work.",
            "Batch the work (larger I/O requests, fewer and larger messages); in a VM, "
            "tune the virtual storage and network: virtio-blk/virtio-scsi with an "
            "iothread and aio=native, vhost-net with multiqueue (ethtool -L), interrupt "
            "coalescing (ethtool -C); see wakeup.pairs for who wakes it.");
        g_free (title);
        item_cost (f, task_wait_ns (d, r, pid));
        item_ev (f, "pid", g_strdup_printf ("%" G_GINT64_FORMAT, pid));
        item_evs (f, "comm", comm);
        item_ev (f, "wakeups", g_strdup_printf ("%" G_GINT64_FORMAT, w));
        item_ev (f, "wakeups_per_s", g_strdup_printf ("%.0f", rate));
        if (waker)
            item_ev (f, "top_waker", waker);
        f->name = g_strdup_printf ("%s-%" G_GINT64_FORMAT, comm, pid);
        f->metric = rate;
        /* woken often costs nothing by itself */
        if (task_harmed (d, r, f, pid, span))
            f->severity = FTA_SEVERITY_WARNING;
    }
    diag_emit (r, items, "tasks", "tasks woken", "times a second", 0);
}

/* Tasks that block in D state often. */
static void
rule_d_blocks (Diag *d, FtaResults *r)
{
    static const char *const bc[] = { "pid", "comm", "d_count", "d_total_ns", "d_max_ns",
                                      "top_waker", NULL };
    const FtaTable *t = tab (r, "blocking.tasks");
    double span = span_s (r);
    if (!has_cols (t, bc) || span <= 0)
        return;
    gboolean share = has_finding (r, "blocking.d-state-share");
    GPtrArray *items = items_new ();
    for (guint i = 0; i < fta_table_n_rows (t); i++) {
        gint64 c, pid;
        double rate;
        const char *comm;
        if (!often (d, t, i, "d_count", d->d_min, d->d_rate_hz, span, &c, &rate, &pid, &comm))
            continue;
        const char *waker = cs (t, i, "top_waker");
        gboolean io = g_str_has_prefix (waker, "<idle>") || g_str_has_prefix (waker, "kworker") ||
                      g_str_has_prefix (waker, "ksoftirqd") || g_str_has_prefix (waker, "irq/");
        char *title = g_strdup_printf ("%s-%" G_GINT64_FORMAT " blocked in D state %.0f times "
                                       "a second",
                                       comm, pid, rate);
        /* the harm is the time blocked */
        double d_pct = 100.0 * ci (t, i, "d_total_ns") / (span * NS_PER_S);
        FtaSeverity sev = d_pct < d->d_share_pct       ? FTA_SEVERITY_INFO
                          : rate >= 10 * d->d_rate_hz ? FTA_SEVERITY_CRITICAL
                                                      : FTA_SEVERITY_WARNING;
        Item *f = item_new (
            items, sev, "diagnosis.d-state-blocks", title,
            io ? "I/O wait: the blocks end at I/O completions (interrupt, kworker or "
                 "softirq wakers)."
               : "Lock or resource contention: the blocks end when another task "
                 "releases something (a mutex, a page, a filesystem lock).",
            "Check the storage under the task (iostat -x 1, the host's disk and its "
            "cache mode: cache=none, io=native or io_uring for VM disks); see "
            "blocking.tasks, blocking.wakers and blocking.io; for locks, "
            "cat /proc/PID/stack or perf lock.");
        g_free (title);
        item_cost (f, ci (t, i, "d_total_ns"));
        item_ev (f, "pid", g_strdup_printf ("%" G_GINT64_FORMAT, pid));
        item_evs (f, "comm", comm);
        item_ev (f, "d_count", g_strdup_printf ("%" G_GINT64_FORMAT, c));
        item_ev (f, "d_per_s", g_strdup_printf ("%.0f", rate));
        item_ev (f, "d_total", ms (ci (t, i, "d_total_ns")));
        item_ev (f, "d_share_pct", g_strdup_printf ("%.1f", d_pct));
        item_ev (f, "d_max", ms (ci (t, i, "d_max_ns")));
        if (waker[0])
            item_evs (f, "top_waker", waker);
        if (share)
            item_evs (f, "see also", "blocking.d-state-share");
        f->name = g_strdup_printf ("%s-%" G_GINT64_FORMAT, comm, pid);
        f->metric = rate;
    }
    diag_emit (r, items, "tasks", "tasks blocked in D state", "times a second", 0);
}

/* Interrupt spikes that come back on a regular period. */
static void
rule_periodic_spikes (Diag *d, FtaResults *r)
{
    static const char *const ec[] = { "t_ns", "irqs", "softirqs", NULL };
    const FtaTable *t = tab (r, "timeline.events");
    if (!has_cols (t, ec))
        return;
    guint n = fta_table_n_rows (t);
    gint64 win = fta_table_window_ns (t);
    if (n < 10 || win <= 0)
        return;
    GArray *counts = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
    for (guint i = 0; i < n; i++) {
        gint64 c = ci (t, i, "irqs") + ci (t, i, "softirqs");
        g_array_append_val (counts, c);
    }
    GArray *sorted = g_array_copy (counts);
    g_array_sort (sorted, cmp_i64);
    gint64 median = g_array_index (sorted, gint64, (n - 1) / 2);
    g_array_free (sorted, TRUE);
    /* spike windows */
    GArray *spikes = g_array_new (FALSE, FALSE, sizeof (guint));
    gint64 peak = 0;
    for (guint i = 0; i + 1 < n; i++) { /* the last window may be short */
        gint64 c = g_array_index (counts, gint64, i);
        double rate = c * NS_PER_S / (double) win;
        if ((double) c > d->spike_factor * (double) MAX (median, 1) && rate >= d->spike_min_rate) {
            g_array_append_val (spikes, i);
            peak = MAX (peak, c);
        }
    }
    g_array_free (counts, TRUE);
    if (spikes->len < (guint) d->spike_min) {
        g_array_free (spikes, TRUE);
        return;
    }
    /* regular: every gap between consecutive spikes within one window or a
     * quarter of the median gap of the median gap */
    GArray *gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
    for (guint i = 1; i < spikes->len; i++) {
        gint64 g = g_array_index (spikes, guint, i) - g_array_index (spikes, guint, i - 1);
        g_array_append_val (gaps, g);
    }
    GArray *gs = g_array_copy (gaps);
    g_array_sort (gs, cmp_i64);
    gint64 mg = g_array_index (gs, gint64, (gs->len - 1) / 2);
    g_array_free (gs, TRUE);
    gboolean regular = mg >= 2;
    for (guint i = 0; i < gaps->len && regular; i++) {
        gint64 g = g_array_index (gaps, gint64, i);
        gint64 tol = MAX (1, mg / 4);
        if (g < mg - tol || g > mg + tol)
            regular = FALSE;
    }
    g_array_free (gaps, TRUE);
    if (!regular) {
        g_array_free (spikes, TRUE);
        return;
    }
    double period_ms = mg * win / 1e6;
    char *title = g_strdup_printf ("Interrupt spikes every %.3g ms (%u windows up to %" G_GINT64_FORMAT
                                   " IRQs+softirqs, median %" G_GINT64_FORMAT ")",
                                   period_ms, spikes->len, peak, median);
    FtaFinding *f = fta_results_add_finding (
        r, FTA_SEVERITY_INFO, "diagnosis.periodic-spikes", title,
        "A timer or interrupt storm: something fires in bursts on a fixed period "
        "(a periodic timer, a polling driver, a device raising interrupts in batches).",
        "Find the source in irq.irqs / irq.softirqs and timeline.events; coalesce timers "
        "(timer_slack, a longer poll interval, nohz / nohz_full= on the CPUs), "
        "interrupt coalescing (ethtool -C), or move the IRQ (/proc/irq/N/smp_affinity_list, "
        "irqbalance).");
    g_free (title);
    ev_add (f, "period", g_strdup_printf ("%.3f ms", period_ms));
    ev_add (f, "spike_windows", g_strdup_printf ("%u", spikes->len));
    ev_add (f, "window", ms (win));
    ev_add (f, "median_per_window", g_strdup_printf ("%" G_GINT64_FORMAT, median));
    ev_add (f, "peak_per_window", g_strdup_printf ("%" G_GINT64_FORMAT, peak));
    GString *at = g_string_new (NULL);
    gint64 t0 = fta_table_start_ns (t);
    for (guint i = 0; i < spikes->len && i < 5; i++) {
        guint w = g_array_index (spikes, guint, i);
        g_string_append_printf (at, "%s%.6f", i ? ", " : "",
                                (t0 + ci (t, w, "t_ns")) / NS_PER_S);
    }
    ev_add (f, "first_spikes_at_s", g_string_free (at, FALSE));
    if (has_finding (r, "timeline.periodic"))
        fta_finding_add_evidence (f, "see also", "timeline.periodic");
    g_array_free (spikes, TRUE);
}

/* Tasks that change CPU often. */
static void
rule_migrations (Diag *d, FtaResults *r)
{
    static const char *const mc[] = { "pid", "comm", "migrations", NULL };
    const FtaTable *t = tab (r, "migration.tasks");
    const FtaTable *vcpus = tab (r, "kvm.vcpus");
    double span = span_s (r);
    if (!has_cols (t, mc) || span <= 0)
        return;
    GPtrArray *items = items_new ();
    for (guint i = 0; i < fta_table_n_rows (t); i++) {
        gint64 m, pid;
        double rate;
        const char *comm;
        if (!often (d, t, i, "migrations", d->migration_min, d->migration_rate_hz, span, &m,
                    &rate, &pid, &comm))
            continue;
        gboolean vcpu = is_vcpu (vcpus, (gint32) pid);
        char *title = g_strdup_printf ("%s%s-%" G_GINT64_FORMAT " moved between CPUs %.0f "
                                       "times a second",
                                       vcpu ? "vCPU " : "", comm, pid, rate);
        Item *f = item_new (
            items, FTA_SEVERITY_INFO, "diagnosis.migrations", title,
            "Poor CPU affinity: the scheduler keeps moving the task (load balancing "
            "or wakeups on another CPU), so it loses its caches each time.",
            vcpu ? "Pin the vCPUs (virsh vcpupin DOM VCPU CPU, or <cputune><vcpupin/>), "
                   "one host CPU each, on the VM's NUMA node; see migration.matrix."
                 : "Give the task a CPU set (taskset -pc CPUS PID, cpuset cgroups), or "
                   "leave it if it runs well; see migration.matrix for the moves.");
        g_free (title);
        item_cost (f, task_wait_ns (d, r, pid));
        item_ev (f, "pid", g_strdup_printf ("%" G_GINT64_FORMAT, pid));
        item_evs (f, "comm", comm);
        item_ev (f, "migrations", g_strdup_printf ("%" G_GINT64_FORMAT, m));
        item_ev (f, "migrations_per_s", g_strdup_printf ("%.0f", rate));
        if (!cnull (t, i, "pingpong"))
            item_ev (f, "pingpong", g_strdup_printf ("%" G_GINT64_FORMAT, ci (t, i, "pingpong")));
        item_evs (f, "vcpu", vcpu ? "yes" : "no");
        if (has_finding (r, "migration.pingpong"))
            item_evs (f, "see also", "migration.pingpong");
        /* moving costs nothing visible by itself: only a task that also
         * waits or runs late is warned about (critical: a vCPU, and far
         * above the rate) */
        if (task_harmed (d, r, f, pid, span))
            f->severity = vcpu && rate >= 5 * d->migration_rate_hz ? FTA_SEVERITY_CRITICAL
                                                                   : FTA_SEVERITY_WARNING;
        f->name = g_strdup_printf ("%s-%" G_GINT64_FORMAT, comm, pid);
        f->metric = rate;
    }
    diag_emit (r, items, "tasks", "tasks moved between CPUs", "times a second", 0);
}

/* High-priority tasks passed over for lower-priority ones on their CPU. */
static gint
cmp_inversion (gconstpointer a, gconstpointer b)
{
    const Inversion *x = *(Inversion *const *) a, *y = *(Inversion *const *) b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->pid != y->pid)
        return x->pid - y->pid;
    return (x->order > y->order) - (x->order < y->order);
}

static void
rule_priority_inversion (Diag *d, FtaResults *r)
{
    GPtrArray *all = g_ptr_array_new ();
    for (guint i = 0; i < fta_tasks_count (d->inversions); i++) {
        Inversion *inv = fta_tasks_nth (d->inversions, i);
        if ((gint64) inv->count >= d->inversion_min &&
            fta_context_task_selected (d->ctx, inv->pid, inv->comm))
            g_ptr_array_add (all, inv);
    }
    g_ptr_array_sort (all, cmp_inversion);
    GPtrArray *items = items_new ();
    for (guint i = 0; i < all->len; i++) {
        Inversion *inv = g_ptr_array_index (all, i);
        char *title = g_strdup_printf ("%s-%d (prio %d) waited while lower-priority tasks "
                                       "were switched in on its CPU %" G_GUINT64_FORMAT
                                       " times",
                                       inv->comm, inv->pid, inv->prio, inv->count);
        /* the harm is the latency: how long it had waited when passed over */
        FtaSeverity sev = inv->longest_ns < d->inversion_wait_us * 1000 ? FTA_SEVERITY_INFO
                          : (gint64) inv->count >= 10 * d->inversion_min ? FTA_SEVERITY_CRITICAL
                                                                        : FTA_SEVERITY_WARNING;
        Item *f = item_new (
            items, sev, "diagnosis.priority-inversion", title,
            "Priority inversion or a scheduling-policy problem: the waiting task's "
            "priority does not win on its CPU (RT throttling, a lower-priority task "
            "holding what it needs, or priorities that do not match the roles).",
            "Check the policies and priorities (chrt -p PID, ps -eLo pid,cls,rtprio,ni,comm), "
            "give the latency-critical threads SCHED_FIFO/SCHED_RR priorities above the "
            "tasks they wait behind, use priority-inheriting locks (PTHREAD_PRIO_INHERIT), "
            "and check RT throttling (/proc/sys/kernel/sched_rt_runtime_us).");
        g_free (title);
        item_cost (f, inv->waited_ns);
        f->name = g_strdup_printf ("%s-%d", inv->comm, inv->pid);
        f->metric = (double) inv->count;
        item_ev (f, "pid", g_strdup_printf ("%d", inv->pid));
        item_evs (f, "comm", inv->comm);
        item_ev (f, "prio", g_strdup_printf ("%d", inv->prio));
        item_ev (f, "times_passed_over", g_strdup_printf ("%" G_GUINT64_FORMAT, inv->count));
        item_ev (f, "longest_wait_at_such_switch", ms (inv->longest_ns));
        item_ev (f, "first_at_s", g_strdup_printf ("%.6f", inv->first_ns / NS_PER_S));
        item_ev (f, "last_cpu", g_strdup_printf ("%d", inv->cpu));
        item_ev (f, "last_switched_in", g_strdup_printf ("%s-%d (prio %d)", inv->low_comm,
                                                         inv->low_pid, inv->low_prio));
    }
    diag_emit (r, items, "tasks",
               "tasks waited while lower-priority tasks were switched in on their CPU",
               "times", 0);
    g_ptr_array_free (all, TRUE);
}

/* Most interrupts first, then the lower CPU. */
static gint
cmp_storm (gconstpointer a, gconstpointer b)
{
    const gint64 *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] > y[0] ? -1 : 1;
    return (x[4] > y[4]) - (x[4] < y[4]);
}

/* Interrupts per CPU. */
static void
rule_irq_storm (Diag *d, FtaResults *r)
{
    static const char *const ic[] = { "irq", "cpu", "count", "total_ns", "name", NULL };
    const FtaTable *t = tab (r, "irq.irq_cpus");
    double span = span_s (r);
    if (!has_cols (t, ic) || span <= 0)
        return;
    GHashTable *per = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    for (guint i = 0; i < fta_table_n_rows (t); i++) {
        gint64 cpu = ci (t, i, "cpu");
        gpointer key = GINT_TO_POINTER ((gint) cpu + 1);
        gint64 *acc = g_hash_table_lookup (per, key);
        if (!acc) {
            acc = g_new0 (gint64, 5); /* count, total_ns, top count, top row, cpu */
            acc[4] = cpu;
            g_hash_table_insert (per, key, acc);
        }
        gint64 c = ci (t, i, "count");
        acc[0] += c;
        acc[1] += ci (t, i, "total_ns");
        if (c > acc[2]) {
            acc[2] = c;
            acc[3] = i;
        }
    }
    GList *vals = g_list_sort (g_hash_table_get_values (per), cmp_storm);
    GPtrArray *items = items_new ();
    for (GList *l = vals; l; l = l->next) {
        gint64 *acc = l->data;
        double rate = acc[0] / span;
        if (acc[0] < d->irq_storm_min || rate < d->irq_storm_hz)
            continue;
        guint row = (guint) acc[3];
        char *title = g_strdup_printf ("CPU %" G_GINT64_FORMAT " handled %.0f interrupts a "
                                       "second (most from IRQ %" G_GINT64_FORMAT " %s)",
                                       acc[4], rate, ci (t, row, "irq"), cs (t, row, "name"));
        /* the harm is the CPU time the handlers took */
        double time_pct = 100.0 * acc[1] / (span * NS_PER_S);
        FtaSeverity sev = time_pct < d->irq_storm_time_pct ? FTA_SEVERITY_INFO
                          : rate >= 5 * d->irq_storm_hz    ? FTA_SEVERITY_CRITICAL
                                                           : FTA_SEVERITY_WARNING;
        Item *f = item_new (
            items, sev, "diagnosis.irq-storm", title,
            "An interrupt storm on one CPU: a device (or a virtual one) interrupts far "
            "more often than the work needs, and everything on that CPU pays for it.",
            "Enable interrupt coalescing (ethtool -C DEV rx-usecs N; NVMe: nvme "
            "set-feature -f 8), spread the IRQs (multiqueue, irqbalance, "
            "/proc/irq/N/smp_affinity_list), or move latency-sensitive tasks off that CPU; "
            "in a VM prefer virtio with vhost and posted interrupts.");
        g_free (title);
        item_cost (f, acc[1]);
        f->name = g_strdup_printf ("CPU %" G_GINT64_FORMAT, acc[4]);
        f->metric = rate;
        item_ev (f, "cpu", g_strdup_printf ("%" G_GINT64_FORMAT, acc[4]));
        item_ev (f, "irqs", g_strdup_printf ("%" G_GINT64_FORMAT, acc[0]));
        item_ev (f, "irqs_per_s", g_strdup_printf ("%.0f", rate));
        item_ev (f, "irq_time", ms (acc[1]));
        item_ev (f, "irq_time_pct", g_strdup_printf ("%.2f", time_pct));
        item_ev (f, "top_irq", g_strdup_printf ("%" G_GINT64_FORMAT " %s (%" G_GINT64_FORMAT ")",
                                               ci (t, row, "irq"), cs (t, row, "name"),
                                               acc[2]));
    }
    diag_emit (r, items, "CPUs", "CPUs handled", "interrupts a second", 0);
    g_list_free (vals);
    g_hash_table_destroy (per);
}

/* Wakeup latency with a long tail. */
static void
rule_latency_tail (Diag *d, FtaResults *r)
{
    static const char *const wc[] = { "pid", "comm", "latency_p50_ns", "latency_p99_ns",
                                      "latency_max_ns", "latency_count", NULL };
    const FtaTable *t = tab (r, "wakeup.tasks");
    if (!has_cols (t, wc))
        return;
    GArray *rows = g_array_new (FALSE, FALSE, sizeof (guint));
    for (guint i = 0; i < fta_table_n_rows (t); i++) {
        gint64 n = ci (t, i, "latency_count");
        gint64 p50 = ci (t, i, "latency_p50_ns"), p99 = ci (t, i, "latency_p99_ns");
        if (cnull (t, i, "latency_p99_ns") || n < d->tail_min_samples ||
            p99 < d->tail_min_us * 1000 || (double) p99 < d->tail_ratio * (double) MAX (p50, 1) ||
            !fta_context_task_selected (d->ctx, (gint32) ci (t, i, "pid"), cs (t, i, "comm")))
            continue;
        g_array_append_val (rows, i);
    }
    /* worst first */
    for (guint a = 0; a < rows->len; a++)
        for (guint b = a + 1; b < rows->len; b++)
            if (ci (t, g_array_index (rows, guint, b), "latency_p99_ns") >
                ci (t, g_array_index (rows, guint, a), "latency_p99_ns")) {
                guint x = g_array_index (rows, guint, a);
                g_array_index (rows, guint, a) = g_array_index (rows, guint, b);
                g_array_index (rows, guint, b) = x;
            }
    GPtrArray *items = items_new ();
    for (guint k = 0; k < rows->len; k++) {
        guint i = g_array_index (rows, guint, k);
        gint64 p50 = ci (t, i, "latency_p50_ns"), p99 = ci (t, i, "latency_p99_ns");
        char *title = g_strdup_printf ("%s-%" G_GINT64_FORMAT " usually runs %.3f ms after its "
                                       "wakeup, but 1%% of the time only after %.3f ms or more",
                                       cs (t, i, "comm"), ci (t, i, "pid"), p50 / 1e6, p99 / 1e6);
        Item *f = item_new (
            items, p99 >= 10 * d->tail_min_us * 1000 ? FTA_SEVERITY_CRITICAL : FTA_SEVERITY_WARNING,
            "diagnosis.latency-tail", title,
            "Occasional long waits for a CPU after wakeup: the task's CPU is sometimes "
            "busy with other work (CPU-bound neighbours, long IRQ or softirq handlers, "
            "RT tasks) that it does not preempt.",
            "See which tasks run on its CPU when it waits (wait.holders, cpu.task_cpus, "
            "irq.long-*); raise its priority (chrt -f -p N PID, or a lower nice), give it "
            "dedicated CPUs (taskset, isolcpus=), or move the neighbours away.");
        g_free (title);
        /* the cost: the wait after all its wakeups */
        item_cost (f, ci (t, i, "latency_avg_ns") * ci (t, i, "latency_count"));
        f->name = g_strdup_printf ("%s-%" G_GINT64_FORMAT, cs (t, i, "comm"), ci (t, i, "pid"));
        f->metric = p99 / 1e6;
        item_ev (f, "pid", g_strdup_printf ("%" G_GINT64_FORMAT, ci (t, i, "pid")));
        item_evs (f, "comm", cs (t, i, "comm"));
        item_ev (f, "latency_p50", ms (p50));
        item_ev (f, "latency_p99", ms (p99));
        item_ev (f, "latency_max", ms (ci (t, i, "latency_max_ns")));
        item_ev (f, "p99_over_p50", g_strdup_printf ("%.1f", p99 / (double) MAX (p50, 1)));
        item_ev (f, "samples", g_strdup_printf ("%" G_GINT64_FORMAT, ci (t, i, "latency_count")));
    }
    diag_emit (r, items, "tasks",
               "tasks run late after 1% of their wakeups: p99", "ms", 3);
    g_array_free (rows, TRUE);
}

/* Events the ring buffer lost. */
static void
rule_lost_events (Diag *d, FtaResults *r)
{
    const FtaQuality *q = fta_results_quality (r);
    if (q->lost_markers == 0 && q->buffer_started == 0)
        return;
    gint64 lost = MAX (q->lost_events, 0);
    double pct = 100.0 * lost / (double) MAX ((gint64) q->lines_event + lost, 1);
    FtaSeverity sev = FTA_SEVERITY_INFO;
    if (q->lost_markers > 0 && (pct >= d->lost_pct || q->lost_unknown > 0))
        sev = FTA_SEVERITY_WARNING;
    if (q->lost_markers > 0 && pct >= 10 * d->lost_pct && d->lost_pct > 0)
        sev = FTA_SEVERITY_CRITICAL;
    char *title;
    if (q->lost_markers > 0)
        title = g_strdup_printf ("The trace lost %s%" G_GINT64_FORMAT " events (%.2f%%) at %"
                                 G_GUINT64_FORMAT " places: results are %s",
                                 q->lost_unknown ? "at least " : "", lost, pct, q->lost_markers,
                                 sev == FTA_SEVERITY_INFO ? "slightly incomplete" : "unreliable");
    else
        title = g_strdup_printf ("%" G_GUINT64_FORMAT " CPU buffer%s started mid-trace: "
                                 "the earlier part of those CPUs was overwritten",
                                 q->buffer_started, q->buffer_started == 1 ? "" : "s");
    FtaFinding *f = fta_results_add_finding (
        r, sev, "diagnosis.lost-events", title,
        "The ring buffer was too small for the event rate, or the reader "
        "(trace_pipe, trace-cmd) did not keep up: the model resets at every gap, so "
        "counts and times around them are missing.",
        "Record again with a larger buffer (echo 65536 > /sys/kernel/tracing/buffer_size_kb, "
        "trace-cmd record -b 65536), fewer events (only sched and irq), or a shorter "
        "time; read with trace-cmd record rather than cat trace_pipe.");
    g_free (title);
    ev_add (f, "lost_events", g_strdup_printf ("%" G_GINT64_FORMAT, lost));
    ev_add (f, "lost_pct", g_strdup_printf ("%.3f", pct));
    ev_add (f, "lost_markers", g_strdup_printf ("%" G_GUINT64_FORMAT, q->lost_markers));
    ev_add (f, "lost_markers_without_count", g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                              q->lost_unknown));
    ev_add (f, "buffer_started", g_strdup_printf ("%" G_GUINT64_FORMAT, q->buffer_started));
    ev_add (f, "model_resets", g_strdup_printf ("%" G_GUINT64_FORMAT, q->model_resets));
}

/* --- the host overview ------------------------------------------------------ */

static int
cmp_double (gconstpointer a, gconstpointer b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* The least, median, p90 and largest of some values. */
typedef struct {
    double min, median, p90, max;
} Spread;

/* The nearest-rank P-quantile's place (0 < P <= 1) among N values. */
static guint
quantile_at (guint n, double p)
{
    double x = p * n;
    gsize k = (gsize) x;
    if ((double) k < x)
        k++;
    return (guint) (MIN (MAX (k, 1), n) - 1);
}

/* The spread of VALUES (not empty; reordered), as sorting them would give
 * it; sorted where a NaN has no place in an order. */
static Spread
spread_of (GArray *values)
{
    double *v = (double *) (void *) values->data;
    guint n = values->len;
    gboolean nan = FALSE;
    for (guint i = 0; i < n && !nan; i++)
        nan = v[i] != v[i];
    if (nan) {
        g_array_sort (values, cmp_double);
        return (Spread) { v[0], v[quantile_at (n, 0.5)], v[quantile_at (n, 0.9)], v[n - 1] };
    }
    Spread s = { v[0], 0, 0, v[0] };
    for (guint i = 1; i < n; i++) {
        s.min = v[i] < s.min ? v[i] : s.min;
        s.max = v[i] >= s.max ? v[i] : s.max;
    }
    s.median = select_kth (v, n, quantile_at (n, 0.5));
    s.p90 = select_kth (v, n, quantile_at (n, 0.9));
    return s;
}

/* "54–76% (median 54%, p90 76%)", or "57%" when all round alike: the
 * spread S. */
static char *
spread_text (const Spread *sp)
{
    char *range = pct_range (sp->min, sp->max, 0);
    if (g_strrstr (range, "\u2013") == NULL)
        return range; /* all alike */
    char *s = g_strdup_printf ("%s (median %.0f%%, p90 %.0f%%)", range, sp->median, sp->p90);
    g_free (range);
    return s;
}

/* One row of the overview: WHAT, their number, and the distribution of
 * METRIC over them (SP, NULL: none); FLAGGED (when >= 0) of them are
 * FLAGGED_AS; WORST names the largest; SUMMARY says it in words. */
static void
overview_row (FtaTable *t, const char *what, guint count, const char *metric, const Spread *sp,
              gint64 flagged, const char *flagged_as, const char *worst, const char *summary)
{
    guint row = fta_table_add_row (t);
    fta_table_set_string (t, row, 0, what);
    fta_table_set_int (t, row, 1, count);
    fta_table_set_string (t, row, 2, metric);
    if (sp) {
        fta_table_set_double (t, row, 3, sp->min);
        fta_table_set_double (t, row, 4, sp->median);
        fta_table_set_double (t, row, 5, sp->p90);
        fta_table_set_double (t, row, 6, sp->max);
    }
    if (flagged >= 0) {
        fta_table_set_int (t, row, 7, flagged);
        fta_table_set_string (t, row, 8, flagged_as);
    }
    if (worst && *worst)
        fta_table_set_string (t, row, 9, worst);
    fta_table_set_string (t, row, 10, summary);
}

/* An entity with its number, for the worst of a row. */
typedef struct {
    double v;
    char *name;
} Named;

/* "CPU 0 (100%), CPU 2 (99%), ...": the 3 largest of NAMED (ties in
 * table order, as a stable sort would keep them), and frees their
 * names. */
static char *
worst_text (GArray *named)
{
    Named *top[3] = { NULL };
    guint n_top = 0;
    for (guint i = 0; i < named->len; i++) {
        Named *x = &g_array_index (named, Named, i);
        /* after the ones it does not exceed; NaN exceeds none */
        guint at = n_top;
        while (at > 0 && x->v > top[at - 1]->v)
            at--;
        if (at >= 3)
            continue;
        for (guint j = MIN (n_top, 2u); j > at; j--)
            top[j] = top[j - 1];
        top[at] = x;
        n_top = MIN (n_top + 1, 3u);
    }
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < n_top; i++)
        if (top[i]->v > 0)
            g_string_append_printf (s, "%s%s (%.0f%%)", i ? ", " : "", top[i]->name, top[i]->v);
    for (guint i = 0; i < named->len; i++)
        g_free (g_array_index (named, Named, i).name);
    if (named->len > 3)
        g_string_append (s, ", ...");
    g_array_set_size (named, 0);
    return g_string_free (s, FALSE);
}

/* The number of VMs kvm.vcpu-steal names: "vms" ("32 of 32") when it
 * covers several, else 1; 0 without it. */
static gint64
steal_vms (const FtaResults *r)
{
    for (guint i = 0; i < fta_results_n_findings (r); i++) {
        const FtaFinding *f = fta_results_finding (r, i);
        if (strcmp (f->code, "kvm.vcpu-steal") != 0)
            continue;
        for (guint k = 0; k < f->evidence_keys->len; k++)
            if (strcmp (g_ptr_array_index (f->evidence_keys, k), "vms") == 0)
                return g_ascii_strtoll (g_ptr_array_index (f->evidence_values, k), NULL, 10);
        return 1;
    }
    return 0;
}

/* ": 192 below the rule's 10 ms minimum ...": the VMs of kvm.vms not in
 * kvm.vcpu-steal although their steal reached its threshold, by the
 * reason kvm gives (its steal_note), appended to SUM. */
static void
steal_notes (GString *sum, const FtaTable *vms)
{
    int col = fta_table_column_index (vms, "steal_note");
    if (col < 0)
        return;
    GHashTable *n = g_hash_table_new (g_str_hash, g_str_equal); /* note -> count */
    GPtrArray *order = g_ptr_array_new ();
    for (guint i = 0; i < fta_table_n_rows (vms); i++) {
        const FtaValue *v = fta_table_cell (vms, i, (guint) col);
        if (v->is_null || !v->s || !*v->s)
            continue;
        guint c = GPOINTER_TO_UINT (g_hash_table_lookup (n, v->s));
        if (!c)
            g_ptr_array_add (order, (gpointer) v->s);
        g_hash_table_insert (n, (gpointer) v->s, GUINT_TO_POINTER (c + 1));
    }
    for (guint i = 0; i < order->len; i++)
        g_string_append_printf (sum, "%s%u %s", i ? ", " : ": ",
                                GPOINTER_TO_UINT (g_hash_table_lookup (n, order->pdata[i])),
                                (const char *) order->pdata[i]);
    g_ptr_array_free (order, TRUE);
    g_hash_table_destroy (n);
}

/* A host task's program: its comm and the time its tasks ran. */
typedef struct {
    const char *comm;
    guint n;
    gint64 run_ns;
} Program;

static int
program_cmp (gconstpointer a, gconstpointer b)
{
    const Program *x = a, *y = b;
    if (x->run_ns != y->run_ns)
        return (x->run_ns < y->run_ns) - (x->run_ns > y->run_ns);
    return strcmp (x->comm, y->comm);
}

/* diagnosis.overview: the host in a few rows, what a person reads first
 * about a machine of many CPUs and VMs: the CPUs' busy share, the VMs'
 * and vCPUs' steal, the busiest programs outside the VMs.  A row is left
 * out when its table is missing. */
static void
diag_overview (Diag *d, FtaResults *r)
{
    static const FtaColumnSpec cols[] = {
        { "what", FTA_COL_STRING, .key = TRUE },
        { "count", FTA_COL_COUNT },
        { "metric", FTA_COL_STRING },
        { "min_pct", FTA_COL_PERCENT },
        { "median_pct", FTA_COL_PERCENT },
        { "p90_pct", FTA_COL_PERCENT },
        { "max_pct", FTA_COL_PERCENT },
        { "flagged", FTA_COL_COUNT },
        { "flagged_as", FTA_COL_STRING },
        { "worst", FTA_COL_STRING },
        { "summary", FTA_COL_STRING, .rank = FTA_RANK_DETAIL },
    };
    static const FtaTableSpec spec = { "overview", "Host overview", cols, G_N_ELEMENTS (cols) };
    static const char *const cc[] = { "cpu", "busy_ns", "idle_ns", "busy_pct",
                                      "runnable_pressure_ns", NULL };
    static const char *const vmc[] = { "vm", "steal_pct", NULL };
    static const char *const vc[] = { "vm", "pid", "comm", "run_ns", "runnable_ns", NULL };
    static const char *const sc[] = { "pid", "comm", "run_ns", NULL };
    const FtaTable *cpus = tab (r, "cpu.cpus"), *vms = tab (r, "kvm.vms");
    const FtaTable *vcpus = tab (r, "kvm.vcpus"), *threads = tab (r, "kvm.threads");
    const FtaTable *tasks = tab (r, "switch.tasks");
    FtaTable *t = fta_results_add_table_spec (r, "diagnosis", &spec);
    GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
    GArray *named = g_array_new (FALSE, FALSE, sizeof (Named));

    if (has_cols (cpus, cc) && fta_table_n_rows (cpus)) {
        gint64 saturated = 0;
        for (guint i = 0; i < fta_table_n_rows (cpus); i++) {
            double busy = cd (cpus, i, "busy_pct");
            gint64 obs = ci (cpus, i, "busy_ns") + ci (cpus, i, "idle_ns");
            double press = obs > 0 ? 100.0 * ci (cpus, i, "runnable_pressure_ns") / obs : 0;
            if (obs > 0 && busy >= d->saturated_busy_pct && press >= d->saturated_pressure_pct)
                saturated++;
            g_array_append_val (values, busy);
            Named n = { busy, g_strdup_printf ("CPU %" G_GINT64_FORMAT, ci (cpus, i, "cpu")) };
            g_array_append_val (named, n);
        }
        char *worst = worst_text (named);
        Spread sp = spread_of (values);
        char *spread = spread_text (&sp);
        char *sum = g_strdup_printf ("%u, busy %s, %" G_GINT64_FORMAT " saturated%s%s",
                                     fta_table_n_rows (cpus), spread, saturated,
                                     *worst ? "; busiest: " : "", worst);
        overview_row (t, "CPUs", fta_table_n_rows (cpus), "busy_pct", &sp, saturated,
                      "saturated (busy and tasks queued)", worst, sum);
        g_free (sum);
        g_free (spread);
        g_free (worst);
        g_array_set_size (values, 0);
    }
    if (has_cols (vms, vmc) && fta_table_n_rows (vms)) {
        for (guint i = 0; i < fta_table_n_rows (vms); i++) {
            if (cnull (vms, i, "steal_pct"))
                continue;
            double v = cd (vms, i, "steal_pct");
            g_array_append_val (values, v);
            Named n = { v, g_strdup_printf ("VM %" G_GINT64_FORMAT, ci (vms, i, "vm")) };
            g_array_append_val (named, n);
        }
        char *worst = worst_text (named);
        gint64 over = steal_vms (r);
        GString *sum = g_string_new (NULL);
        g_string_printf (sum, "%u", fta_table_n_rows (vms));
        if (has_cols (vcpus, vc))
            g_string_append_printf (sum, ", %u vCPUs", fta_table_n_rows (vcpus));
        Spread sp;
        if (values->len) {
            sp = spread_of (values);
            char *spread = spread_text (&sp);
            g_string_append_printf (sum, ", steal %s", spread);
            g_free (spread);
        }
        g_string_append_printf (sum, ", %" G_GINT64_FORMAT " in kvm.vcpu-steal", over);
        steal_notes (sum, vms);
        if (*worst)
            g_string_append_printf (sum, "; worst: %s", worst);
        overview_row (t, "VMs", fta_table_n_rows (vms), "steal_pct", values->len ? &sp : NULL, over,
                      "with vCPUs over the steal threshold (kvm.vcpu-steal)", worst, sum->str);
        g_string_free (sum, TRUE);
        g_free (worst);
        g_array_set_size (values, 0);
    }
    if (has_cols (vcpus, vc) && fta_table_n_rows (vcpus)) {
        for (guint i = 0; i < fta_table_n_rows (vcpus); i++) {
            gint64 run = ci (vcpus, i, "run_ns"), rbl = ci (vcpus, i, "runnable_ns");
            if (run + rbl <= 0)
                continue;
            double v = 100.0 * rbl / (double) (run + rbl);
            g_array_append_val (values, v);
            Named n = { v, g_strdup_printf ("%s[%" G_GINT64_FORMAT "] of VM %" G_GINT64_FORMAT,
                                            cs (vcpus, i, "comm"), ci (vcpus, i, "pid"),
                                            ci (vcpus, i, "vm")) };
            g_array_append_val (named, n);
        }
        char *worst = worst_text (named);
        GString *sum = g_string_new (NULL);
        g_string_printf (sum, "%u", fta_table_n_rows (vcpus));
        Spread sp;
        if (values->len) {
            sp = spread_of (values);
            char *spread = spread_text (&sp);
            g_string_append_printf (sum, ", steal %s", spread);
            g_free (spread);
        }
        if (*worst)
            g_string_append_printf (sum, "; worst: %s", worst);
        overview_row (t, "vCPUs", fta_table_n_rows (vcpus), "steal_pct", values->len ? &sp : NULL, -1, NULL,
                      worst, sum->str);
        g_string_free (sum, TRUE);
        g_free (worst);
        g_array_set_size (values, 0);
    }
    double span = span_s (r);
    if (has_cols (tasks, sc) && span > 0) {
        /* the tasks outside the VMs, by program */
        GHashTable *vm_pids = g_hash_table_new (g_direct_hash, g_direct_equal);
        const FtaTable *vt[] = { vcpus, threads };
        for (guint k = 0; k < G_N_ELEMENTS (vt); k++)
            if (vt[k] && fta_table_column_index (vt[k], "pid") >= 0)
                for (guint i = 0; i < fta_table_n_rows (vt[k]); i++)
                    g_hash_table_add (vm_pids, GINT_TO_POINTER ((gint) ci (vt[k], i, "pid")));
        CommIndex by = { NULL, 0, 0 };
        GArray *progs = g_array_new (FALSE, TRUE, sizeof (Program));
        guint n_tasks = 0;
        /* a row per task: its columns found once */
        guint c_pid = (guint) fta_table_column_index (tasks, "pid");
        guint c_run = (guint) fta_table_column_index (tasks, "run_ns");
        guint c_comm = (guint) fta_table_column_index (tasks, "comm");
        guint nr = fta_table_n_rows (tasks);
        comm_index_reserve (&by, MIN (nr, 1u << 24) + 1);
        /* a million comms miss the caches at their bytes and at their
         * slot: asked for a batch at a time, before they are read */
        enum { BATCH = 16 };
        const char *cs[BATCH];
        gint64 runs[BATCH];
        guint hs[BATCH];
        for (guint i = 0; i < nr;) {
            guint k = 0;
            for (; k < BATCH && i < nr; i++) {
                const FtaValue *vp = fta_table_cell (tasks, i, c_pid);
                const FtaValue *vr = fta_table_cell (tasks, i, c_run);
                gint64 pid = vp->is_null ? 0 : vp->i, run = vr->is_null ? 0 : vr->i;
                if (pid <= 0 || run <= 0
                    || g_hash_table_contains (vm_pids, GINT_TO_POINTER ((gint) pid)))
                    continue;
                n_tasks++;
                double v = 100.0 * run / (span * NS_PER_S);
                g_array_append_val (values, v);
                const FtaValue *vcomm = fta_table_cell (tasks, i, c_comm);
                cs[k] = vcomm->is_null || !vcomm->s ? "" : vcomm->s;
                runs[k] = run;
                __builtin_prefetch (cs[k]);
                k++;
            }
            for (guint j = 0; j < k; j++) {
                hs[j] = comm_hash (cs[j]);
                __builtin_prefetch (comm_index_slot (&by, hs[j]));
            }
            for (guint j = 0; j < k; j++) {
                Program *p = comm_index_record (&by, progs, cs[j], hs[j]);
                p->n++;
                p->run_ns += runs[j];
            }
        }
        /* the 3 busiest, in one pass: as many programs as tasks on a
         * fork-heavy host */
        const Program *top[3] = { NULL };
        guint n_top = 0;
        for (guint i = 0; i < progs->len; i++) {
            const Program *p = &g_array_index (progs, Program, i);
            guint at = n_top;
            while (at > 0 && program_cmp (p, top[at - 1]) < 0)
                at--;
            if (at >= 3)
                continue;
            for (guint j = MIN (n_top, 2u); j > at; j--)
                top[j] = top[j - 1];
            top[at] = p;
            n_top = MIN (n_top + 1, 3u);
        }
        GString *worst = g_string_new (NULL);
        for (guint i = 0; i < n_top; i++) {
            const Program *p = top[i];
            g_string_append_printf (worst, "%s%s", i ? ", " : "", p->comm);
            if (p->n > 1)
                g_string_append_printf (worst, " \u00d7%u", p->n);
            g_string_append_printf (worst, " (%.3f s)", p->run_ns / NS_PER_S);
        }
        if (n_tasks) {
            /* with --comm or --pid, switch.tasks has the tasks they report only */
            const char *f = fta_context_filter_text (d->ctx);
            gboolean some = g_str_has_prefix (f, "--comm ") || g_str_has_prefix (f, "--pid ")
                            || strstr (f, " --pid ") != NULL;
            char *sum = g_strdup_printf ("%u%s; busiest: %s", n_tasks,
                                         some ? " (of those --comm/--pid report)" : "",
                                         worst->str);
            Spread sp = spread_of (values);
            overview_row (t, "non-VM tasks", n_tasks, "run_pct of the trace", &sp, -1,
                          NULL, worst->str, sum);
            g_free (sum);
        }
        g_string_free (worst, TRUE);
        g_array_free (progs, TRUE);
        comm_index_clear (&by);
        g_hash_table_destroy (vm_pids);
    }
    g_array_free (values, TRUE);
    g_array_free (named, TRUE);
}

/* The rules as data (diagnosis-rules.h): diagnosis applies those with a
 * test, in order; the others are applied by the analyzers named. */
typedef void (*DiagTest) (Diag *d, FtaResults *r);

typedef struct {
    DiagTest test;
    const char *code;
} DiagRule;

#define FTA_RULE(test, code, plugin, reads, trigger, thresholds, severity, evidence, cost) \
    { test, code },
static const DiagRule diag_rules[] = {
#include "diagnosis-rules.h"
};
#undef FTA_RULE

static void
diag_finish (void *self, FtaResults *r)
{
    Diag *d = self;
    for (guint i = 0; i < G_N_ELEMENTS (diag_rules); i++)
        if (diag_rules[i].test)
            diag_rules[i].test (d, r);
    diag_overview (d, r);
    g_hash_table_remove_all (d->pid_rows);
}

static const FtaOptionSpec diag_options[] = {
    { "saturated_busy_pct", FTA_OPT_DOUBLE, "90",
      "vcpu-contention: a CPU busy at least this share (%) of its observed time ..." },
    { "saturated_pressure_pct", FTA_OPT_DOUBLE, "20",
      "... with tasks queued on it at least this share (%) (critical at 2.5x), vCPUs among them" },
    { "wakeup_rate_hz", FTA_OPT_DOUBLE, "2000",
      "wakeup-rate: a task woken this often per second (info; warning when it waits or runs late)" },
    { "wakeup_min", FTA_OPT_INT, "100", "wakeup-rate: ... and at least this many times" },
    { "d_rate_hz", FTA_OPT_DOUBLE, "50",
      "d-state-blocks: a task blocked in D this often per second (critical at 10x) ..." },
    { "d_min", FTA_OPT_INT, "20", "d-state-blocks: ... and at least this many times" },
    { "d_share_pct", FTA_OPT_DOUBLE, "0.5",
      "d-state-blocks: information only while its D time is below this share (%) of the trace" },
    { "spike_factor", FTA_OPT_DOUBLE, "5",
      "periodic-spikes: a window with more than this x the median IRQs+softirqs ..." },
    { "spike_min_rate", FTA_OPT_DOUBLE, "2000", "... and at least this many per second ..." },
    { "spike_min", FTA_OPT_INT, "3", "... at least this many such windows, evenly spaced" },
    { "migration_rate_hz", FTA_OPT_DOUBLE, "50",
      "migrations: a task migrated this often per second (info; warning when it waits or runs "
      "late, critical for such a vCPU at 5x)" },
    { "migration_min", FTA_OPT_INT, "20", "migrations: ... and at least this many times" },
    { "inversion_min", FTA_OPT_INT, "3",
      "priority-inversion: times a waiting task is passed over (critical at 10x) ..." },
    { "inversion_wait_us", FTA_OPT_INT, "100",
      "priority-inversion: information only while it had waited less than this (us) when passed "
      "over" },
    { "inversion_rt_only", FTA_OPT_BOOL, "true",
      "priority-inversion: only real-time waiting tasks (prio below 100)" },
    { "irq_storm_hz", FTA_OPT_DOUBLE, "10000",
      "irq-storm: hard IRQs per second on one CPU (critical at 5x)" },
    { "irq_storm_min", FTA_OPT_INT, "100", "irq-storm: ... and at least this many" },
    { "irq_storm_time_pct", FTA_OPT_DOUBLE, "1",
      "irq-storm: information only while the handlers took less than this share (%) of the trace" },
    { "tail_ratio", FTA_OPT_DOUBLE, "10", "latency-tail: wakeup latency p99 this x the median ..." },
    { "tail_min_us", FTA_OPT_INT, "2000", "... and at least this long (us; critical at 10x)" },
    { "tail_min_samples", FTA_OPT_INT, "50", "... over at least this many wakeups" },
    { "lost_pct", FTA_OPT_DOUBLE, "1",
      "lost-events: share (%) of events lost that makes results unreliable (critical at 10x)" },
    { "harm_wait_pct", FTA_OPT_DOUBLE, "10",
      "wakeup-rate, migrations: a task waits when it waited for a CPU this share (%) of the trace "
      "(or runs late: wakeup latency p99 of tail_min_us)" },
    { NULL, 0, NULL, NULL }
};

static const FtaEventType diag_events[] = {
    FTA_EV_SCHED_SWITCH, FTA_EV_SCHED_WAKEUP, FTA_EV_SCHED_WAKEUP_NEW,
    FTA_EV_SCHED_MIGRATE_TASK, FTA_EV_LOST, FTA_EV_BUFFER_STARTED, FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (.name = "diagnosis", .kind = FTA_PLUGIN_ANALYZER,
                   .summary = "findings: symptoms, their likely causes and what to do next",
                   .options = diag_options, .events = diag_events, .create = diag_create,
                   .on_event = diag_on_event, .finish = diag_finish, .destroy = diag_destroy);
