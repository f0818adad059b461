/* timeline.c - how activity moves over time: per-window counts of wakeups,
 * switches, migrations, IRQs and softirqs; per-CPU busy time; the run time
 * of the busiest tasks; bursts, periodic activity and gradual increases.
 *
 * Windows start at the first timestamp the plugin sees (the trace's first,
 * or the --start window's) and are --window long, or, without --window,
 * the trace's span / 100 rounded up to 1, 2 or 5 x 10^k ns (20 to 100
 * windows).  The span is known only at the end, so counts are kept in fine
 * buckets: without --window 10^k ns wide (from 1 us, ten times wider each
 * time they would exceed TL_AUTO_BUCKETS), with --window the window itself
 * (twice wider each time it would exceed TL_USER_BUCKETS).  Memory is thus
 * bounded whatever the trace's size; a --window that would make more
 * windows is widened, and the series' window_ns says by how much.
 * Periodicity is looked for in the fine buckets.
 *
 * Busy time per CPU and run time per task are kept in coarser buckets,
 * as there are many of them: without --window a power of ten wide (from
 * 10 us, ten times wider each time they would exceed TL_BUSY_BUCKETS),
 * which divides any window the end can choose; with --window the fine
 * buckets, the windows.  A wide host thus costs at most TL_BUSY_BUCKETS
 * values per CPU and per task that runs all along, not TL_AUTO_BUCKETS.
 */
#include <math.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#define TL_AUTO_BUCKETS 20000
#define TL_USER_BUCKETS 10000
#define TL_BUSY_BUCKETS 1000
#define TL_MAX_CPUS 4096
#define TL_MAX_LAG 4000

typedef struct {
    guint32 waking, wakeup, switches, migrations, irqs, softirqs;
} TlCounts;

typedef enum {
    TL_WAKEUPS = 0,
    TL_SWITCHES,
    TL_MIGRATIONS,
    TL_IRQS,
    TL_SOFTIRQS,
    TL_N_METRICS
} TlMetric;

static const char *const tl_metric_names[TL_N_METRICS] = {
    "wakeups", "switches", "migrations", "irqs", "softirqs"
};

typedef struct {
    guint32 idx; /* task bucket */
    gint64 ns;
} TlRun;

/* A task bucket of a task's run time before its latest, in
 * Timeline.pool: one list per task, the latest bucket first. */
typedef struct {
    gint64 ns;
    guint32 idx;
    guint32 next; /* the next earlier: its index in the pool + 1, 0 none */
} TlRunNode;

/* A task that ran.  Its run time per task bucket, by idx, is OLDER and
 * then the bucket LAST_IDX, once LAST_NS > 0 (a run is never empty): the
 * bucket of a task's spans seldom changes, and a task that runs within
 * one bucket, as most short-lived ones do, has nothing in the pool.  Its
 * total is their sum. */
typedef struct {
    gint64 last_ns;
    gint32 pid;
    guint32 task;
    guint32 last_idx;
    guint32 older; /* TlRunNode index + 1 in Timeline.pool, 0 none */
} TlTask;

typedef struct {
    const FtaContext *ctx;
    guint top_n;
    double burst_factor, burst_min_rate, period_min_acf;
    /* the trend rule: see tl_trends */
    guint trend_min_windows;
    double trend_min_r2, trend_min_rise_pct, trend_min_rate, trend_min_time_pct,
        trend_harm_pct;
    gboolean automatic;     /* window chosen at the end */
    gint64 asked_ns;        /* --window, 0 without */
    gint64 res;             /* fine bucket width */
    guint factor;           /* widening step of the fine buckets */
    guint max_buckets;
    gint64 t0, t_last;      /* G_MININT64 until something is seen */
    GArray *counts;         /* TlCounts per fine bucket */
    GPtrArray *busy;        /* per CPU: GArray of gint64 per busy bucket, or NULL */
    GArray *runnable;       /* gint64 per busy bucket: all tasks' Runnable time */
    GArray *blocked;        /* ... and their Blocked (D) time */
    gint64 bres;            /* busy (and task) bucket width: res with --window */
    /* TlTask per task that ran: by task id for pids > 0 (in use once
     * last_ns > 0), else (idle tasks, one per CPU) in order of first span */
    GArray *by_id;
    FtaTasks *tasks;
    GArray *pool;           /* TlRunNode: the tasks' earlier buckets */
    guint32 pool_free;      /* the free nodes' list, as TlRunNode.next */
    /* the fine bucket last returned, while cur_ok: [cur_lo, cur_lo + res)
     * is bucket cur_b, which exists */
    gboolean cur_ok;
    gint64 cur_lo;
    guint cur_b;
    /* the same for the busy buckets: [bcur_lo, bcur_lo + bres) is bcur_b */
    gboolean bcur_ok;
    gint64 bcur_lo;
    guint bcur_b;
} Timeline;

static void
tl_task_init (gpointer state, gint32 pid)
{
    ((TlTask *) state)->pid = pid;
}

/* Tasks that ran are tl_task_nth (0 .. tl_n_tasks - 1), NULL for none:
 * of one pid in order of first sight. */
static inline guint
tl_n_tasks (const Timeline *tl)
{
    return fta_tasks_count (tl->tasks) + tl->by_id->len;
}

static inline TlTask *
tl_task_nth (const Timeline *tl, guint i)
{
    guint n = fta_tasks_count (tl->tasks);
    if (i < n)
        return fta_tasks_nth (tl->tasks, i);
    TlTask *t = &g_array_index (tl->by_id, TlTask, i - n);
    return t->last_ns > 0 ? t : NULL;
}

/* Node N (an index + 1) of the pool: valid until the next tl_node_new. */
static inline TlRunNode *
tl_node (Timeline *tl, guint32 n)
{
    return &g_array_index (tl->pool, TlRunNode, n - 1);
}

static guint32
tl_node_new (Timeline *tl, guint32 idx, gint64 ns, guint32 next)
{
    guint32 n = tl->pool_free;
    if (n) {
        tl->pool_free = tl_node (tl, n)->next;
    } else {
        g_array_set_size (tl->pool, tl->pool->len + 1);
        n = tl->pool->len;
    }
    *tl_node (tl, n) = (TlRunNode) { ns, idx, next };
    return n;
}

static void
tl_node_free (Timeline *tl, guint32 n)
{
    tl_node (tl, n)->next = tl->pool_free;
    tl->pool_free = n;
}

/* T's runs in order of bucket, into RUNS (TlRun). */
static void
tl_task_runs (Timeline *tl, const TlTask *t, GArray *runs)
{
    g_array_set_size (runs, 0);
    for (guint32 n = t->older; n; n = tl_node (tl, n)->next) {
        TlRun r = { tl_node (tl, n)->idx, tl_node (tl, n)->ns };
        g_array_prepend_val (runs, r);
    }
    if (t->last_ns > 0) {
        TlRun r = { t->last_idx, t->last_ns };
        g_array_append_val (runs, r);
    }
}

static void
tl_busy_free (gpointer p)
{
    if (p)
        g_array_free (p, TRUE);
}

static void *
tl_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    gint64 top = fta_options_get_int (opts, "top_tasks");
    double factor = fta_options_get_double (opts, "burst_factor");
    double acf = fta_options_get_double (opts, "period_min_acf");
    if (top < 0 || top > 1000) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "top_tasks = %" G_GINT64_FORMAT ": give 0 to 1000", top);
        return NULL;
    }
    if (factor < 1) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "burst_factor = %g: give a factor of at least 1", factor);
        return NULL;
    }
    if (acf <= 0 || acf > 1) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "period_min_acf = %g: give an autocorrelation in (0, 1]", acf);
        return NULL;
    }
    Timeline *tl = g_new0 (Timeline, 1);
    tl->ctx = ctx;
    tl->top_n = (guint) top;
    tl->burst_factor = factor;
    tl->burst_min_rate = MAX (fta_options_get_double (opts, "burst_min_rate"), 0.0);
    tl->period_min_acf = acf;
    gint64 min_windows = fta_options_get_int (opts, "trend_min_windows");
    double r2 = fta_options_get_double (opts, "trend_min_r2");
    if (min_windows < 3 || min_windows > 100000) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "trend_min_windows = %" G_GINT64_FORMAT ": give 3 to 100000",
                     min_windows);
        g_free (tl);
        return NULL;
    }
    if (!(r2 >= 0 && r2 <= 1)) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "trend_min_r2 = %g: give a fit quality in [0, 1]", r2);
        g_free (tl);
        return NULL;
    }
    tl->trend_min_windows = (guint) min_windows;
    tl->trend_min_r2 = r2;
    tl->trend_min_rise_pct = MAX (fta_options_get_double (opts, "trend_min_rise_pct"), 0.0);
    tl->trend_min_rate = MAX (fta_options_get_double (opts, "trend_min_rate"), 0.0);
    tl->trend_min_time_pct = MAX (fta_options_get_double (opts, "trend_min_time_pct"), 0.0);
    tl->trend_harm_pct = MAX (fta_options_get_double (opts, "trend_harm_pct"), 0.0);
    tl->asked_ns = fta_context_window_ns (ctx);
    tl->automatic = tl->asked_ns <= 0;
    if (tl->automatic) {
        tl->res = 1000;
        tl->factor = 10;
        tl->max_buckets = TL_AUTO_BUCKETS;
        /* the chosen window is at least 10 fine buckets wide (see
         * tl_pick_window), so busy buckets can start 10 times coarser */
        tl->bres = tl->res * 10;
    } else {
        tl->res = tl->asked_ns;
        tl->factor = 2;
        tl->max_buckets = TL_USER_BUCKETS;
        tl->bres = tl->res;
    }
    tl->t0 = G_MININT64;
    tl->t_last = G_MININT64;
    tl->counts = g_array_new (FALSE, TRUE, sizeof (TlCounts));
    tl->busy = g_ptr_array_new_with_free_func (tl_busy_free);
    tl->runnable = g_array_new (FALSE, TRUE, sizeof (gint64));
    tl->blocked = g_array_new (FALSE, TRUE, sizeof (gint64));
    tl->tasks = fta_tasks_new (sizeof (TlTask), tl_task_init, NULL);
    tl->by_id = g_array_new (FALSE, TRUE, sizeof (TlTask));
    tl->pool = g_array_new (FALSE, FALSE, sizeof (TlRunNode));
    return tl;
}

/* --- fine buckets ------------------------------------------------------------ */

static void
tl_coarsen_i64 (GArray *a, guint f)
{
    guint n = (a->len + f - 1) / f;
    for (guint i = 0; i < n; i++) {
        gint64 v = 0;
        for (guint j = i * f; j < MIN (a->len, (i + 1) * f); j++)
            v += g_array_index (a, gint64, j);
        g_array_index (a, gint64, i) = v;
    }
    g_array_set_size (a, n);
}

/* Makes the busy and task buckets F times wider. */
static void
tl_busy_coarsen (Timeline *tl, guint f)
{
    for (guint i = 0; i < tl->busy->len; i++)
        if (g_ptr_array_index (tl->busy, i))
            tl_coarsen_i64 (g_ptr_array_index (tl->busy, i), f);
    tl_coarsen_i64 (tl->runnable, f);
    tl_coarsen_i64 (tl->blocked, f);
    for (guint k = 0; k < tl_n_tasks (tl); k++) {
        TlTask *t = tl_task_nth (tl, k);
        if (!t)
            continue;
        /* the latest first: a bucket that falls into the later one's
         * joins it */
        t->last_idx /= f;
        guint32 prev = 0, n = t->older;
        while (n) {
            TlRunNode *x = tl_node (tl, n);
            guint32 next = x->next;
            x->idx /= f;
            if ((prev ? tl_node (tl, prev)->idx : t->last_idx) == x->idx) {
                if (prev) {
                    tl_node (tl, prev)->ns += x->ns;
                    tl_node (tl, prev)->next = next;
                } else {
                    t->last_ns += x->ns;
                    t->older = next;
                }
                tl_node_free (tl, n);
            } else {
                prev = n;
            }
            n = next;
        }
    }
    tl->bres *= f;
    tl->bcur_ok = FALSE;
}

/* Makes the fine buckets F times wider, and with --window the busy and
 * task buckets, which are the same. */
static void
tl_coarsen (Timeline *tl)
{
    guint f = tl->factor;
    GArray *c = tl->counts;
    guint n = (c->len + f - 1) / f;
    for (guint i = 0; i < n; i++) {
        TlCounts sum = { 0 };
        for (guint j = i * f; j < MIN (c->len, (i + 1) * f); j++) {
            TlCounts *x = &g_array_index (c, TlCounts, j);
            sum.waking += x->waking;
            sum.wakeup += x->wakeup;
            sum.switches += x->switches;
            sum.migrations += x->migrations;
            sum.irqs += x->irqs;
            sum.softirqs += x->softirqs;
        }
        g_array_index (c, TlCounts, i) = sum;
    }
    g_array_set_size (c, n);
    if (!tl->automatic)
        tl_busy_coarsen (tl, f);
    tl->res *= f;
    tl->cur_ok = FALSE;
}

static void
tl_see (Timeline *tl, gint64 ts)
{
    if (tl->t0 == G_MININT64)
        tl->t0 = ts;
    if (ts > tl->t_last)
        tl->t_last = ts;
}

static guint
tl_bucket_find (Timeline *tl, gint64 ts)
{
    gint64 off = ts > tl->t0 ? ts - tl->t0 : 0;
    while (off / tl->res >= tl->max_buckets)
        tl_coarsen (tl);
    guint b = (guint) (off / tl->res);
    if (b >= tl->counts->len)
        g_array_set_size (tl->counts, b + 1);
    if (ts >= tl->t0) {
        tl->cur_ok = TRUE;
        tl->cur_b = b;
        tl->cur_lo = tl->t0 + (gint64) b * tl->res;
    }
    return b;
}

/* The fine bucket of TS, widening the buckets until it fits.  Times before
 * the first one seen go to bucket 0.  Events come mostly in time order, so
 * the bucket of the previous call usually holds TS: no division then. */
static inline guint
tl_bucket (Timeline *tl, gint64 ts)
{
    if (G_LIKELY (tl->cur_ok && ts >= tl->cur_lo && ts - tl->cur_lo < tl->res))
        return tl->cur_b;
    return tl_bucket_find (tl, ts);
}

static TlCounts *
tl_counts_at (Timeline *tl, gint64 ts)
{
    guint b = tl_bucket (tl, ts);
    return &g_array_index (tl->counts, TlCounts, b);
}

static GArray *
tl_cpu_busy_new (Timeline *tl, gint32 cpu)
{
    if (cpu < 0 || cpu >= TL_MAX_CPUS)
        return NULL;
    while (tl->busy->len <= (guint) cpu)
        g_ptr_array_add (tl->busy, NULL);
    GArray *a = g_ptr_array_index (tl->busy, cpu);
    if (!a) {
        a = g_array_new (FALSE, TRUE, sizeof (gint64));
        g_ptr_array_index (tl->busy, cpu) = a;
    }
    return a;
}

/* CPU's busy time per fine bucket, made at its first event; NULL for a
 * CPU out of range. */
static inline GArray *
tl_cpu_busy (Timeline *tl, gint32 cpu)
{
    if (G_LIKELY ((guint) cpu < tl->busy->len && g_ptr_array_index (tl->busy, cpu)))
        return g_ptr_array_index (tl->busy, cpu);
    return tl_cpu_busy_new (tl, cpu);
}

static void
tl_on_event (void *self, const FtaEvent *ev)
{
    Timeline *tl = self;
    tl_see (tl, ev->ts_ns);
    tl_cpu_busy (tl, ev->cpu); /* a CPU with events gets a row, busy or not */
    TlCounts *c = tl_counts_at (tl, ev->ts_ns);
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH: c->switches++; break;
    case FTA_EV_SCHED_WAKING: c->waking++; break;
    case FTA_EV_SCHED_WAKEUP:
        if (ev->u.wake.success != 0)
            c->wakeup++;
        break;
    case FTA_EV_SCHED_MIGRATE_TASK: c->migrations++; break;
    case FTA_EV_IRQ_HANDLER_ENTRY: c->irqs++; break;
    case FTA_EV_SOFTIRQ_ENTRY: c->softirqs++; break;
    default: break;
    }
}

/* NS (> 0) more run time of T in bucket IDX. */
static void
tl_add_run (Timeline *tl, TlTask *t, guint32 idx, gint64 ns)
{
    if (G_LIKELY (t->last_ns > 0 && t->last_idx == idx)) {
        t->last_ns += ns;
        return;
    }
    if (t->last_ns == 0 || t->last_idx < idx) {
        if (t->last_ns > 0)
            t->older = tl_node_new (tl, t->last_idx, t->last_ns, t->older);
        t->last_idx = idx;
        t->last_ns = ns;
        return;
    }
    /* before its latest bucket: spans of one task come in order, so this
     * seldom runs */
    guint32 prev = 0, n = t->older;
    while (n && tl_node (tl, n)->idx > idx) {
        prev = n;
        n = tl_node (tl, n)->next;
    }
    if (n && tl_node (tl, n)->idx == idx) {
        tl_node (tl, n)->ns += ns;
        return;
    }
    guint32 x = tl_node_new (tl, idx, ns, n);
    if (prev)
        tl_node (tl, prev)->next = x;
    else
        t->older = x;
}

static void
tl_on_span (void *self, const FtaSpan *sp)
{
    Timeline *tl = self;
    GArray *waits = sp->state == FTA_TASK_RUNNABLE  ? tl->runnable
                    : sp->state == FTA_TASK_BLOCKED ? tl->blocked
                                                    : NULL;
    if ((sp->state != FTA_TASK_RUNNING && !waits) || sp->end_ns <= sp->start_ns)
        return;
    tl_see (tl, sp->start_ns);
    tl_see (tl, sp->end_ns);
    gint64 s = MAX (sp->start_ns, tl->t0), e = sp->end_ns;
    if (e <= s)
        return;
    /* widen first: indexes below stay valid.  With --window the busy
     * buckets are the fine ones. */
    if (!tl->automatic)
        tl_bucket (tl, e - 1);
    guint first, last;
    if (G_LIKELY (tl->bcur_ok && s >= tl->bcur_lo && e - 1 - tl->bcur_lo < tl->bres)) {
        first = last = tl->bcur_b;
    } else {
        /* without --window a power of ten at most span / 100: see tl_finish */
        while (tl->automatic && (e - 1 - tl->t0) / tl->bres >= TL_BUSY_BUCKETS)
            tl_busy_coarsen (tl, 10);
        last = (guint) ((e - 1 - tl->t0) / tl->bres);
        first = (guint) ((s - tl->t0) / tl->bres);
        tl->bcur_ok = TRUE;
        tl->bcur_b = last;
        tl->bcur_lo = tl->t0 + (gint64) last * tl->bres;
    }
    gint64 bres = tl->bres, t0 = tl->t0;
    if (waits) {
        if (waits->len <= last)
            g_array_set_size (waits, last + 1);
        for (guint b = first; b <= last; b++) {
            gint64 lo = t0 + (gint64) b * bres;
            g_array_index (waits, gint64, b) += MIN (e, lo + bres) - MAX (s, lo);
        }
        return;
    }
    GArray *busy = tl_cpu_busy (tl, sp->cpu);
    if (busy) {
        if (busy->len <= last)
            g_array_set_size (busy, last + 1);
        for (guint b = first; b <= last; b++) {
            gint64 lo = t0 + (gint64) b * bres;
            g_array_index (busy, gint64, b) += MIN (e, lo + bres) - MAX (s, lo);
        }
    }
    TlTask *t;
    if (sp->pid > 0 && sp->task != FTA_TASK_NONE) {
        if (sp->task >= tl->by_id->len)
            g_array_set_size (tl->by_id, sp->task + 1);
        t = &g_array_index (tl->by_id, TlTask, sp->task);
        t->pid = sp->pid;
    } else {
        t = fta_tasks_get (tl->tasks, sp->task, sp->pid, sp->cpu);
    }
    t->task = sp->task;
    for (guint b = first; b <= last; b++) {
        gint64 lo = t0 + (gint64) b * bres;
        tl_add_run (tl, t, b, MIN (e, lo + bres) - MAX (s, lo));
    }
}

/* --- the report windows ------------------------------------------------------- */

/* SPAN / 100 rounded up to 1, 2 or 5 x 10^k, and at least MIN. */
static gint64
tl_pick_window (gint64 span, gint64 min)
{
    gint64 raw = MAX ((span + 99) / 100, 1);
    gint64 p = 1;
    while (p <= G_MAXINT64 / 10 && p * 10 <= raw)
        p *= 10;
    gint64 w = raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
    return MAX (w, min);
}

typedef struct {
    gint64 window, span;
    guint n;          /* windows */
    guint per;        /* fine buckets per window */
    gboolean waking;  /* wakeups counted from sched_waking */
    gint64 *metric[TL_N_METRICS]; /* per window */
} TlWindows;

static guint32
tl_metric_of (const TlCounts *c, TlMetric m, gboolean waking)
{
    switch (m) {
    case TL_WAKEUPS: return waking ? c->waking : c->wakeup;
    case TL_SWITCHES: return c->switches;
    case TL_MIGRATIONS: return c->migrations;
    case TL_IRQS: return c->irqs;
    case TL_SOFTIRQS: return c->softirqs;
    default: return 0;
    }
}

static gint64
tl_window_len (const TlWindows *w, guint i)
{
    return MIN (w->window, w->span - (gint64) i * w->window);
}

static char *
tl_seconds (gint64 ns)
{
    return g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, ns / 1000000000,
                            (ns % 1000000000) / 1000);
}

static char *
tl_duration (gint64 ns)
{
    if (ns >= 1000000000)
        return g_strdup_printf ("%g s", ns / 1e9);
    if (ns >= 1000000)
        return g_strdup_printf ("%g ms", ns / 1e6);
    return g_strdup_printf ("%g us", ns / 1e3);
}

static int
tl_cmp_i64 (const void *a, const void *b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
    return (x > y) - (x < y);
}

/* Windows far above the median: more than burst_factor x the median and at
 * least burst_min_rate per second.  Only whole windows are compared. */
static void
tl_bursts (Timeline *tl, FtaResults *r, const TlWindows *w)
{
    guint full = (guint) (w->span / w->window);
    if (full < 10)
        return;
    gint64 *sorted = g_new (gint64, full);
    for (TlMetric m = 0; m < TL_N_METRICS; m++) {
        memcpy (sorted, w->metric[m], full * sizeof (gint64));
        qsort (sorted, full, sizeof (gint64), tl_cmp_i64);
        gint64 median = sorted[full / 2];
        double thr = MAX (tl->burst_factor * (double) median,
                          tl->burst_min_rate * (double) w->window / 1e9);
        guint n = 0, top[5];
        for (guint i = 0; i < full; i++) {
            if ((double) w->metric[m][i] <= thr || w->metric[m][i] == 0)
                continue;
            /* keep the 5 largest, largest first */
            guint k = MIN (n, 5u);
            while (k > 0 && w->metric[m][top[k - 1]] < w->metric[m][i]) {
                if (k < 5)
                    top[k] = top[k - 1];
                k--;
            }
            if (k < 5)
                top[k] = i;
            n++;
        }
        if (!n)
            continue;
        char *win = tl_duration (w->window);
        char *at = tl_seconds (tl->t0 + (gint64) top[0] * w->window);
        char *title = g_strdup_printf (
            "Bursts of %s: %u window%s of %s above %g x the median (up to %" G_GINT64_FORMAT
            " at %s s, median %" G_GINT64_FORMAT ")",
            tl_metric_names[m], n, n == 1 ? "" : "s", win, tl->burst_factor,
            w->metric[m][top[0]], at, median);
        char *code = g_strdup_printf ("timeline.burst.%s", tl_metric_names[m]);
        FtaFinding *f = fta_results_add_finding (
            r, FTA_SEVERITY_INFO, code, title,
            "Activity comes in bursts: something (a timer, an I/O completion, a "
            "batch of work, a lost-event gap ending) concentrates events in a few "
            "windows.",
            "Analyze the burst alone with --start/--end around the times shown, and "
            "compare it with a quiet window.");
        g_free (code);
        g_free (title);
        g_free (at);
        fta_finding_add_evidence (f, "metric", tl_metric_names[m]);
        fta_finding_add_evidence (f, "window", win);
        fta_finding_add_evidence_printf (f, "median_per_window", "%" G_GINT64_FORMAT, median);
        fta_finding_add_evidence_printf (f, "threshold_per_window", "%.1f", thr);
        fta_finding_add_evidence_printf (f, "burst_windows", "%u of %u", n, full);
        GString *list = g_string_new (NULL);
        for (guint k = 0; k < MIN (n, 5u); k++) {
            char *t = tl_seconds (tl->t0 + (gint64) top[k] * w->window);
            g_string_append_printf (list, "%s%s s: %" G_GINT64_FORMAT, k ? ", " : "", t,
                                    w->metric[m][top[k]]);
            g_free (t);
        }
        fta_finding_add_evidence (f, "largest", list->str);
        g_string_free (list, TRUE);
        g_free (win);
    }
    g_free (sorted);
}


/* --- gradual increases ---------------------------------------------------------- */

typedef struct {
    const char *name;   /* the finding's code is timeline.trend.NAME */
    const char *what;   /* in the title */
    gboolean time;      /* a sum of time (ns) rather than a count */
    gint64 *v;          /* per window */
} TlTrendSeries;

/* The least-squares line through the N values V at x = 0 .. N-1: its value
 * at the first and the last window, its slope per window and R² (0 when V
 * is flat). */
static void
tl_fit (const gint64 *v, guint n, double *start, double *end, double *slope, double *r2)
{
    double xm = (n - 1) / 2.0, ym = 0;
    for (guint i = 0; i < n; i++)
        ym += (double) v[i];
    ym /= n;
    double sxx = 0, sxy = 0, syy = 0;
    for (guint i = 0; i < n; i++) {
        double dx = i - xm, dy = (double) v[i] - ym;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    *slope = sxx > 0 ? sxy / sxx : 0;
    *r2 = sxx > 0 && syy > 0 ? sxy * sxy / (sxx * syy) : 0;
    *start = ym - *slope * xm;
    *end = ym + *slope * xm;
}

/* "12.5 ms" or "1234" per window, for the title and evidence. */
static char *
tl_level (const TlTrendSeries *s, double v)
{
    return s->time ? g_strdup_printf ("%.3f ms", v / 1e6) : g_strdup_printf ("%.1f", v);
}

/* Gradual increases: over the whole windows (trend_min_windows or more),
 * a least-squares line whose R² reaches trend_min_r2 and which rises by
 * trend_min_rise_pct % from the first window to the last, to
 * trend_min_rate a second (wakeups, switches) or trend_min_time_pct % of
 * the CPUs' time (Runnable, D).  Information, but for Runnable and D time
 * ending at trend_harm_pct % of the CPUs' time: a warning, whose cost is
 * the time above the line's starting level. */
static void
tl_trends (Timeline *tl, FtaResults *r, const TlWindows *w, guint64 bper)
{
    guint full = w->window > 0 ? (guint) (w->span / w->window) : 0;
    if (full < tl->trend_min_windows || full < 3)
        return;
    const FtaQuality *q = fta_results_quality (r);
    guint cpus = q && q->n_cpus_seen ? q->n_cpus_seen : MAX (tl->busy->len, 1u);
    double cpu_ns = (double) w->window * cpus; /* the CPUs' time in a window */
    gint64 *runnable = g_new0 (gint64, full), *blocked = g_new0 (gint64, full);
    /* window j / BPER of each bucket j: the buckets there are, however
     * many a window would hold (a window of hours, buckets of 10 us) */
    for (guint j = 0; j < tl->runnable->len && j / bper < full; j++)
        runnable[j / bper] += g_array_index (tl->runnable, gint64, j);
    for (guint j = 0; j < tl->blocked->len && j / bper < full; j++)
        blocked[j / bper] += g_array_index (tl->blocked, gint64, j);
    const TlTrendSeries series[] = {
        { "wakeups", "Wakeups", FALSE, w->metric[TL_WAKEUPS] },
        { "switches", "Context switches", FALSE, w->metric[TL_SWITCHES] },
        { "runnable", "Time waiting for a CPU (Runnable)", TRUE, runnable },
        { "blocked", "Time blocked in D state", TRUE, blocked },
    };
    char *win = tl_duration (w->window);
    for (guint k = 0; k < G_N_ELEMENTS (series); k++) {
        const TlTrendSeries *s = &series[k];
        double start, end, slope, r2;
        tl_fit (s->v, full, &start, &end, &slope, &r2);
        double floor = s->time ? tl->trend_min_time_pct / 100 * cpu_ns
                               : tl->trend_min_rate * (double) w->window / 1e9;
        double rise_pct = start > 0 ? 100 * (end - start) / start : G_MAXDOUBLE;
        if (slope <= 0 || r2 < tl->trend_min_r2 || end < floor || end <= 0
            || rise_pct < tl->trend_min_rise_pct)
            continue;
        double end_pct = 100 * end / cpu_ns;
        gboolean harm = s->time && end_pct >= tl->trend_harm_pct;
        char *from = tl_level (s, MAX (start, 0)), *to = tl_level (s, end);
        char *rise = start > 0 ? g_strdup_printf ("+%.0f%%", rise_pct) : g_strdup ("from 0");
        char *title = g_strdup_printf (
            "%s rise steadily over the trace: %s to %s per %s window (%s, R² %.2f, %u "
            "windows)", s->what, from, to, win, rise, r2, full);
        char *code = g_strdup_printf ("timeline.trend.%s", s->name);
        FtaFinding *f = fta_results_add_finding (
            r, harm ? FTA_SEVERITY_WARNING : FTA_SEVERITY_INFO, code, title,
            s->time ? "Something accumulates: a queue growing, a resource running out (a "
                      "lock, memory, an I/O queue) or a leak makes tasks wait longer and "
                      "longer."
                    : "Load grows over the trace: a queue filling, more clients or "
                      "timers, a leak of work that is never finished.",
            "Compare the start and the end of the trace (--start/--end, or two recordings "
            "with compare) and look for who grows most in the tables; record longer to see "
            "whether it levels off.");
        if (harm) {
            /* the time above the line's starting level */
            gint64 cost = 0;
            for (guint i = 0; i < full; i++)
                cost += MAX (s->v[i] - (gint64) MAX (start, 0), 0);
            fta_finding_set_cost (f, cost);
        }
        fta_finding_add_evidence (f, "metric", s->name);
        fta_finding_add_evidence (f, "window", win);
        fta_finding_add_evidence_printf (f, "windows", "%u", full);
        fta_finding_add_evidence (f, "start_per_window", from);
        fta_finding_add_evidence (f, "end_per_window", to);
        fta_finding_add_evidence (f, "rise", rise);
        if (s->time)
            fta_finding_add_evidence_printf (f, "slope_per_window", "%.3f ms", slope / 1e6);
        else
            fta_finding_add_evidence_printf (f, "slope_per_window", "%.2f", slope);
        fta_finding_add_evidence_printf (f, "r2", "%.3f", r2);
        if (s->time)
            fta_finding_add_evidence_printf (f, "end_share_of_cpus", "%.1f%% of %u CPUs",
                                             end_pct, cpus);
        else
            fta_finding_add_evidence_printf (f, "end_per_second", "%.0f",
                                             end * 1e9 / w->window);
        char *a = tl_seconds (tl->t0), *b = tl_seconds (tl->t0 + (gint64) full * w->window);
        fta_finding_add_evidence_printf (f, "from_to", "%s s to %s s", a, b);
        g_free (a);
        g_free (b);
        g_free (code);
        g_free (title);
        g_free (rise);
        g_free (from);
        g_free (to);
    }
    g_free (win);
    g_free (runnable);
    g_free (blocked);
}

/* --- periodicity ----------------------------------------------------------------- */

typedef struct {
    double period;  /* in fine buckets */
    double acf;     /* at the first peak */
    guint repeats;  /* peaks found at multiples of the period */
} TlPeriod;

/* S[l] = the sum of D[i] * D[i + l] over i, for each lag l below NLAGS
 * (at most N).  Each sum adds its terms in increasing i, as the plain
 * double loop does, so the results are the same to the bit; but eight lags
 * are summed side by side, in registers, so the additions no longer wait
 * on each other and D is read once for eight lags. */
static void
tl_lagged_sums (const double *d, guint n, guint nlags, double *s)
{
    guint l = 0;
    for (; l + 8 <= nlags; l += 8) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        guint m = n - (l + 7); /* below m, every lag of the block fits */
        for (guint i = 0; i < m; i++) {
            const double x = d[i], *y = d + i + l;
            a0 += x * y[0];
            a1 += x * y[1];
            a2 += x * y[2];
            a3 += x * y[3];
            a4 += x * y[4];
            a5 += x * y[5];
            a6 += x * y[6];
            a7 += x * y[7];
        }
        double a[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };
        for (guint j = 0; j < 8; j++) {
            for (guint i = m; i + l + j < n; i++)
                a[j] += d[i] * d[i + l + j];
            s[l + j] = a[j];
        }
    }
    for (; l < nlags; l++) {
        double a = 0;
        for (guint i = 0; i + l < n; i++)
            a += d[i] * d[i + l];
        s[l] = a;
    }
}

/* The dominant period of X (N buckets) by autocorrelation: the first
 * autocorrelation peak at least 0.8 x the highest one, if it is at least
 * MIN_ACF, stands 0.2 above the trough before it, and comes back at twice
 * the lag.  The period is refined from the peaks at its multiples. */
static gboolean
tl_find_period (const double *x, guint n, double min_acf, TlPeriod *out)
{
    if (n < 64)
        return FALSE;
    double mean = 0, var = 0;
    for (guint i = 0; i < n; i++)
        mean += x[i];
    mean /= n;
    double *d = g_new (double, n);
    for (guint i = 0; i < n; i++) {
        d[i] = x[i] - mean;
        var += d[i] * d[i];
    }
    guint maxlag = MIN (n / 4, (guint) TL_MAX_LAG);
    double *acf = g_new0 (double, maxlag + 2);
    gboolean found = FALSE;
    if (var <= 0)
        goto out;
    guint nlags = MIN (maxlag + 2, n);
    tl_lagged_sums (d, n, nlags, acf);
    for (guint l = 0; l < nlags; l++)
        acf[l] /= var;
    double best = 0;
    for (guint l = 2; l <= maxlag; l++)
        if (acf[l] >= acf[l - 1] && acf[l] >= acf[l + 1] && acf[l] > best)
            best = acf[l];
    if (best < min_acf)
        goto out;
    guint l0 = 2;
    while (l0 <= maxlag
           && !(acf[l0] >= acf[l0 - 1] && acf[l0] >= acf[l0 + 1] && acf[l0] >= 0.8 * best))
        l0++;
    double trough = acf[1];
    for (guint l = 1; l < l0; l++)
        trough = MIN (trough, acf[l]);
    if (acf[l0] - trough < 0.2 || 2 * l0 + 1 > maxlag)
        goto out;
    double est = l0;
    guint repeats = 1;
    for (guint k = 2; (guint) (k * est + 0.5) + 1 <= maxlag; k++) {
        guint c = (guint) (k * est + 0.5), pk = c;
        for (guint l = c - 1; l <= c + 1; l++)
            if (acf[l] > acf[pk])
                pk = l;
        if (acf[pk] < 0.5 * acf[l0])
            break;
        est = (double) pk / k;
        repeats = k;
    }
    if (repeats < 2)
        goto out;
    out->period = est;
    out->acf = acf[l0];
    out->repeats = repeats;
    found = TRUE;
out:
    g_free (acf);
    g_free (d);
    return found;
}

static void
tl_periodicity (Timeline *tl, FtaResults *r, gboolean waking)
{
    guint n = tl->counts->len;
    /* wakeups, or switches in a trace without wakeup events */
    TlMetric m = TL_WAKEUPS;
    guint64 total = 0;
    for (guint i = 0; i < n; i++)
        total += tl_metric_of (&g_array_index (tl->counts, TlCounts, i), m, waking);
    if (total < 100) {
        m = TL_SWITCHES;
        total = 0;
        for (guint i = 0; i < n; i++)
            total += tl_metric_of (&g_array_index (tl->counts, TlCounts, i), m, waking);
    }
    if (total < 100)
        return;
    /* the last bucket is usually cut short by the trace's end */
    if (n > 1)
        n--;
    double *x = g_new (double, n);
    for (guint i = 0; i < n; i++)
        x[i] = tl_metric_of (&g_array_index (tl->counts, TlCounts, i), m, waking);
    TlPeriod p;
    if (tl_find_period (x, n, tl->period_min_acf, &p)) {
        gint64 period_ns = (gint64) (p.period * (double) tl->res + 0.5);
        char *per = tl_duration (period_ns);
        char *title = g_strdup_printf ("%s repeat every %s", m == TL_WAKEUPS ? "Wakeups"
                                                                              : "Switches",
                                       per);
        FtaFinding *f = fta_results_add_finding (
            r, FTA_SEVERITY_INFO, "timeline.periodic", title,
            "Something runs on a fixed period: a timer, a polling loop, a periodic "
            "real-time task, a tick; the number of events per period is steady.",
            "Find the tasks whose wakeups come at this interval (wakeup.tasks: about "
            "span / period wakeups, or a multiple); if the period is unexpected, "
            "look at their timers or polling intervals.");
        g_free (title);
        fta_finding_add_evidence (f, "metric", tl_metric_names[m]);
        fta_finding_add_evidence (f, "period", per);
        g_free (per);
        fta_finding_add_evidence_printf (f, "period_ns", "%" G_GINT64_FORMAT, period_ns);
        fta_finding_add_evidence_printf (f, "autocorrelation", "%.2f", p.acf);
        fta_finding_add_evidence_printf (f, "repeats_checked", "%u", p.repeats);
        char *res = tl_duration (tl->res);
        fta_finding_add_evidence (f, "resolution", res);
        g_free (res);
    }
    g_free (x);
}

/* --- results -------------------------------------------------------------------- */

/* A task with its total run time, for picking the busiest. */
typedef struct {
    const TlTask *t;
    gint64 total;
} TlBusiest;

static gint64
tl_task_total (Timeline *tl, const TlTask *t)
{
    gint64 total = t->last_ns;
    for (guint32 n = t->older; n; n = tl_node (tl, n)->next)
        total += tl_node (tl, n)->ns;
    return total;
}

/* Busier first, then by pid. */
static int
tl_busiest_cmp (const TlBusiest *x, const TlBusiest *y)
{
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return (x->t->pid > y->t->pid) - (x->t->pid < y->t->pid);
}

/* The N busiest selected tasks in tl_busiest_cmp's order, of equal ones
 * the first seen first: what sorting them all and keeping the first N
 * gives, in one pass that seldom does more than compare a task with the
 * Nth. */
static GPtrArray *
tl_top_tasks (Timeline *tl, guint n)
{
    GArray *top = g_array_sized_new (FALSE, FALSE, sizeof (TlBusiest), n + 1);
    for (guint i = 0; n > 0 && i < tl_n_tasks (tl); i++) {
        TlBusiest k = { tl_task_nth (tl, i), 0 };
        if (!k.t)
            continue;
        k.total = tl_task_total (tl, k.t);
        if (top->len == n && tl_busiest_cmp (&k, &g_array_index (top, TlBusiest, n - 1)) >= 0)
            continue;
        /* the sched model's comm: what the last span carried, as a
         * task's comm there only ever changes to another non-empty one */
        const char *comm = fta_context_task_comm (tl->ctx, k.t->task);
        if (!fta_context_task_selected (tl->ctx, k.t->pid, comm ? comm : ""))
            continue;
        guint at = top->len;
        while (at > 0 && tl_busiest_cmp (&k, &g_array_index (top, TlBusiest, at - 1)) < 0)
            at--;
        g_array_insert_val (top, at, k);
        if (top->len > n)
            g_array_set_size (top, n);
    }
    GPtrArray *tasks = g_ptr_array_sized_new (top->len);
    for (guint i = 0; i < top->len; i++)
        g_ptr_array_add (tasks, (gpointer) g_array_index (top, TlBusiest, i).t);
    g_array_free (top, TRUE);
    return tasks;
}

/* --- the series' columns -------------------------------------------------------- */

/* A window's start, seconds into the trace in text and HTML. */
#define TL_COL_START(type)                                                             \
    { "t_ns", FTA_COL_DURATION, TRUE, .display_unit = "s", .field = FTA_FIELD_INT64,     \
      .offset = G_STRUCT_OFFSET (type, t_ns) }

/* A window as its row of timeline.events shows it. */
typedef struct {
    gint64 t_ns;
    gint64 metric[TL_N_METRICS]; /* by TlMetric */
} TlEventsRow;

#define EVENTS(m) .field = FTA_FIELD_INT64, .offset = G_STRUCT_OFFSET (TlEventsRow, metric[m])

/* the metrics' columns in TlMetric's order, named as tl_metric_names */
static const FtaColumnSpec tl_events_columns[] = {
    TL_COL_START (TlEventsRow),
    { "wakeups", FTA_COL_COUNT, EVENTS (TL_WAKEUPS) },
    { "switches", FTA_COL_COUNT, EVENTS (TL_SWITCHES) },
    { "migrations", FTA_COL_COUNT, EVENTS (TL_MIGRATIONS) },
    { "irqs", FTA_COL_COUNT, EVENTS (TL_IRQS) },
    { "softirqs", FTA_COL_COUNT, EVENTS (TL_SOFTIRQS) },
};
static const FtaTableSpec tl_events_spec = FTA_TABLE_SPEC ("events", "Events per window",
                                                           tl_events_columns);

/* A CPU in a window as its row of timeline.cpu_busy shows it. */
typedef struct {
    gint64 t_ns;
    guint32 cpu;
    double busy_pct; /* NaN: a window without length */
    gint64 busy_ns;
} TlBusyRow;

#define BUSY(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (TlBusyRow, member)

static const FtaColumnSpec tl_busy_columns[] = {
    TL_COL_START (TlBusyRow),
    { "cpu", FTA_COL_INT, TRUE, BUSY (FTA_FIELD_UINT32, cpu) },
    { "busy_pct", FTA_COL_PERCENT, BUSY (FTA_FIELD_OPT_DOUBLE, busy_pct) },
    { "busy_ns", FTA_COL_DURATION, BUSY (FTA_FIELD_INT64, busy_ns) },
};
static const FtaTableSpec tl_busy_spec = FTA_TABLE_SPEC ("cpu_busy", "CPU busy per window",
                                                         tl_busy_columns);

/* A task in a window as its row of timeline.tasks shows it. */
typedef struct {
    gint64 t_ns;
    gint32 pid;
    const char *comm;
    gint64 run_ns;
    double run_pct; /* NaN: a window without length */
    guint32 task_seq;
} TlTaskRow;

#define TASK(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (TlTaskRow, member)

static const FtaColumnSpec tl_task_columns[] = {
    TL_COL_START (TlTaskRow),
    { "pid", FTA_COL_INT, TRUE, TASK (FTA_FIELD_INT32, pid) },
    { "comm", FTA_COL_STRING, TASK (FTA_FIELD_STRING, comm) },
    { "run_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, run_ns) },
    { "run_pct", FTA_COL_PERCENT, TASK (FTA_FIELD_OPT_DOUBLE, run_pct) },
    /* which task of its pid (CSV, JSON and HTML) */
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, TASK (FTA_FIELD_UINT32, task_seq) },
};
static const FtaTableSpec tl_tasks_spec = FTA_TABLE_SPEC (
    "tasks", "Run time of the busiest tasks per window", tl_task_columns);

/* NS of a window LEN long, in percent; NaN when it has no length. */
static double
tl_pct (gint64 ns, gint64 len)
{
    return len > 0 ? 100.0 * (double) ns / (double) len : NAN;
}

static void
tl_finish (void *self, FtaResults *r)
{
    Timeline *tl = self;
    /* no event on the selected CPUs: the series exist, with no rows */
    gboolean empty = tl->t0 == G_MININT64;
    if (empty)
        tl->t0 = tl->t_last = 0;
    const FtaQuality *q = fta_results_quality (r);
    gint64 trace_first = q && q->first_ts_ns >= 0 ? MIN (q->first_ts_ns, tl->t0) : tl->t0;
    TlWindows w = { 0 };
    w.span = tl->t_last - tl->t0;
    if (tl->automatic) {
        /* at least 10 fine buckets: res is 10^k and res * 10 <= span / 200
         * once the buckets were widened at all */
        w.window = tl_pick_window (w.span, tl->res * 10);
    } else {
        /* widen --window with the fine buckets, so windows stay bounded */
        while (w.span / tl->res >= TL_USER_BUCKETS)
            tl_coarsen (tl);
        w.window = tl->res;
    }
    w.per = (guint) (w.window / tl->res);
    w.n = empty ? 0 : (guint) MAX ((w.span + w.window - 1) / w.window, 1);
    guint64 waking = 0, wakeup = 0;
    for (guint i = 0; i < tl->counts->len; i++) {
        waking += g_array_index (tl->counts, TlCounts, i).waking;
        wakeup += g_array_index (tl->counts, TlCounts, i).wakeup;
    }
    w.waking = waking > 0;
    for (TlMetric m = 0; m < TL_N_METRICS; m++)
        w.metric[m] = g_new0 (gint64, w.n);
    for (guint i = 0; i < tl->counts->len; i++) {
        guint win = MIN (i / w.per, w.n - 1);
        for (TlMetric m = 0; m < TL_N_METRICS; m++)
            w.metric[m][win] += tl_metric_of (&g_array_index (tl->counts, TlCounts, i), m,
                                              w.waking);
    }

    char *win = tl_duration (w.window);
    char *asked = tl->automatic || w.window == tl->asked_ns ? NULL : tl_duration (tl->asked_ns);
    char *title = asked ? g_strdup_printf ("Events per %s window (--window %s widened: at most "
                                           "%u windows)", win, asked, TL_USER_BUCKETS)
                        : g_strdup_printf ("Events per %s window%s", win,
                                           w.waking || !wakeup ? "" : " (wakeups: sched_wakeup)");
    FtaTable *t =
        fta_results_add_series_spec (r, "timeline", &tl_events_spec, w.window, tl->t0);
    fta_table_set_title (t, title);
    g_free (title);
    for (guint i = 0; i < w.n; i++) {
        TlEventsRow row = { tl->t0 - trace_first + (gint64) i * w.window, { 0 } };
        for (TlMetric m = 0; m < TL_N_METRICS; m++)
            row.metric[m] = w.metric[m][i];
        fta_table_add_row_from (t, &tl_events_spec, &row, NULL);
    }

    /* per CPU: one row per (window, CPU), so any number of CPUs fits.  The
     * busy buckets divide the window: with --window they are its fine
     * buckets; without, a power of ten that was at most the span / 100 when
     * it was chosen (or the first 10 us), and the window is 1, 2 or 5 x
     * 10^k at least that and at least res x 10, itself a power of ten. */
    g_assert (w.window % tl->bres == 0);
    guint64 bper = (guint64) (w.window / tl->bres); /* in 64 bits: times a window's index */
    title = g_strdup_printf ("CPU busy per %s window", win);
    t = fta_results_add_series_spec (r, "timeline", &tl_busy_spec, w.window, tl->t0);
    fta_table_set_title (t, title);
    fta_table_set_needs (t, "sched_switch");
    g_free (title);
    for (guint i = 0; i < w.n; i++) {
        gint64 len = tl_window_len (&w, i);
        for (guint cpu = 0; cpu < tl->busy->len; cpu++) {
            GArray *b = g_ptr_array_index (tl->busy, cpu);
            if (!b)
                continue;
            gint64 ns = 0;
            for (guint64 j = i * bper; j < MIN (b->len, (i + 1) * bper); j++)
                ns += g_array_index (b, gint64, j);
            if (i == w.n - 1)
                for (guint64 j = (i + 1) * bper; j < b->len; j++)
                    ns += g_array_index (b, gint64, j);
            TlBusyRow row = { tl->t0 - trace_first + (gint64) i * w.window, cpu,
                              tl_pct (ns, len), ns };
            fta_table_add_row_from (t, &tl_busy_spec, &row, NULL);
        }
    }

    /* the busiest tasks, one row per (window, task) */
    GPtrArray *top = tl_top_tasks (tl, tl->top_n);
    GArray **runs = g_new (GArray *, MAX (top->len, 1));
    const char **comms = g_new (const char *, MAX (top->len, 1));
    for (guint k = 0; k < top->len; k++) {
        const TlTask *task = g_ptr_array_index (top, k);
        runs[k] = g_array_new (FALSE, FALSE, sizeof (TlRun));
        tl_task_runs (tl, task, runs[k]);
        comms[k] = fta_context_task_comm (tl->ctx, task->task);
        if (!comms[k])
            comms[k] = "";
    }
    title = g_strdup_printf ("Run time of the %u busiest tasks per %s window", top->len, win);
    t = fta_results_add_series_spec (r, "timeline", &tl_tasks_spec, w.window, tl->t0);
    fta_table_set_title (t, title);
    fta_table_set_needs (t, "sched_switch");
    g_free (title);
    guint64 tper = bper; /* task buckets per window */
    guint *pos = g_new0 (guint, top->len);
    for (guint i = 0; i < w.n; i++) {
        gint64 len = tl_window_len (&w, i);
        for (guint k = 0; k < top->len; k++) {
            TlTask *task = g_ptr_array_index (top, k);
            gint64 ns = 0;
            while (pos[k] < runs[k]->len
                   && (i == w.n - 1
                       || g_array_index (runs[k], TlRun, pos[k]).idx < (i + 1) * tper))
                ns += g_array_index (runs[k], TlRun, pos[k]++).ns;
            TlTaskRow row = {
                tl->t0 - trace_first + (gint64) i * w.window, task->pid, comms[k], ns,
                tl_pct (ns, len),
                task->pid > 0 ? fta_context_task_seq (tl->ctx, task->task) : 0,
            };
            fta_table_add_row_from (t, &tl_tasks_spec, &row, NULL);
        }
    }
    g_free (pos);
    for (guint k = 0; k < top->len; k++)
        g_array_free (runs[k], TRUE);
    g_free (runs);
    g_free (comms);
    g_ptr_array_free (top, TRUE);

    tl_bursts (tl, r, &w);
    tl_periodicity (tl, r, w.waking);
    if (!empty)
        tl_trends (tl, r, &w, bper);
    for (TlMetric m = 0; m < TL_N_METRICS; m++)
        g_free (w.metric[m]);
    g_free (win);
    g_free (asked);
}

static void
tl_destroy (void *self)
{
    Timeline *tl = self;
    g_array_free (tl->counts, TRUE);
    g_ptr_array_free (tl->busy, TRUE);
    g_array_free (tl->runnable, TRUE);
    g_array_free (tl->blocked, TRUE);
    fta_tasks_free (tl->tasks);
    g_array_free (tl->by_id, TRUE);
    g_array_free (tl->pool, TRUE);
    g_free (tl);
}

static const FtaOptionSpec tl_options[] = {
    { "top_tasks", FTA_OPT_INT, "5", "tasks in timeline.tasks: the N with the most run time" },
    { "burst_factor", FTA_OPT_DOUBLE, "5",
      "a burst is a window with more than this many times the median count" },
    { "burst_min_rate", FTA_OPT_DOUBLE, "1000",
      "... and at least this many events per second" },
    { "period_min_acf", FTA_OPT_DOUBLE, "0.3",
      "report a period when the autocorrelation at it reaches this (0..1)" },
    { "trend_min_windows", FTA_OPT_INT, "10",
      "a trend is fitted over at least this many whole windows" },
    { "trend_min_r2", FTA_OPT_DOUBLE, "0.8",
      "... and reported when the straight line explains this share of the variance (R², 0..1)" },
    { "trend_min_rise_pct", FTA_OPT_DOUBLE, "100",
      "... and the fitted line rises by this many % from the first window to the last" },
    { "trend_min_rate", FTA_OPT_DOUBLE, "100",
      "... to at least this many wakeups or switches a second" },
    { "trend_min_time_pct", FTA_OPT_DOUBLE, "1",
      "... or, for Runnable and D time, to this % of the CPUs' time" },
    { "trend_harm_pct", FTA_OPT_DOUBLE, "10",
      "a rising Runnable or D time is a warning when it ends at this % of the CPUs' time" },
    { NULL }
};

/* Every event type, so that the windows start at the first timestamp and
 * every CPU with events gets a busy row. */
static const FtaEventType tl_events[] = {
    FTA_EV_SCHED_SWITCH, FTA_EV_SCHED_WAKING, FTA_EV_SCHED_WAKEUP,
    FTA_EV_SCHED_WAKEUP_NEW, FTA_EV_SCHED_MIGRATE_TASK, FTA_EV_SCHED_PROCESS_FORK,
    FTA_EV_SCHED_PROCESS_EXIT, FTA_EV_SCHED_PROCESS_EXEC, FTA_EV_IRQ_HANDLER_ENTRY,
    FTA_EV_IRQ_HANDLER_EXIT, FTA_EV_SOFTIRQ_ENTRY, FTA_EV_SOFTIRQ_EXIT,
    FTA_EV_SOFTIRQ_RAISE, FTA_EV_KVM_ENTRY, FTA_EV_KVM_EXIT, FTA_EV_KVM_USERSPACE_EXIT,
    FTA_EV_BLOCK_RQ_ISSUE, FTA_EV_BLOCK_RQ_COMPLETE, FTA_EV_BLOCK_RQ_INSERT,
    FTA_EV_OTHER, FTA_EV_SPAN, FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (
    .name = "timeline",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "time series per window: wakeups, switches, migrations, IRQs, CPU busy, "
               "busiest tasks; bursts, periodic activity and gradual increases",
    .options = tl_options,
    .events = tl_events,
    .create = tl_create,
    .on_event = tl_on_event,
    .on_span = tl_on_span,
    .finish = tl_finish,
    .destroy = tl_destroy,
);
