/* wakeup.c - who is woken, by whom, and how long it then waits for a CPU.
 *
 * A wakeup is counted once: from sched_waking when the trace has any,
 * otherwise from sched_wakeup (old kernels, or tracing set up without
 * sched_waking).  A new task's first wakeup is its sched_wakeup_new (the
 * kernel emits no sched_waking for it), counted either way, as perf sched
 * latency counts it.  Latency is sched_waking (or sched_wakeup, or
 * sched_wakeup_new) to switch-in, taken from the core's Runnable spans of
 * woken and new tasks.  Each latency also
 * goes into a fixed array of log2 buckets per task, for the histogram of
 * the tasks woken most (wakeup.latency_hist).
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

/* bucket 0 is [0, 2) ns, bucket k >= 1 is [2^k, 2^(k+1)) ns */
#define WAKE_HIST_BUCKETS 64

typedef struct {
    gint64 key; /* waker pid << 32 | wakee pid */
    gint32 waker_pid, wakee_pid;
    guint32 waker_id, wakee_id; /* task ids, FTA_TASK_NONE when unknown */
    char waker_comm[FTA_COMM_LEN];
    char wakee_comm[FTA_COMM_LEN];
    guint64 waking, wakeup;
} WakePair;

/* Pairs a task keeps at hand, most recently woken by first: enough for
 * nearly every wakeup of real traces to find its pair without hashing. */
#define WAKE_RECENT_PAIRS 8

typedef struct {
    gint32 pid;
    guint32 id; /* FTA_TASK_NONE when unknown */
    char comm[FTA_COMM_LEN];
    guint64 waking, wakeup;
    guint64 latency_unknown;
    FtaDist *latency;
    guint64 hist[WAKE_HIST_BUCKETS];
    /* wakeup.comms: the counts of the comm this task's events last named,
     * NULL when the task filters leave it out; valid once by_comm_set */
    gboolean by_comm_set;
    char by_comm[FTA_COMM_LEN];
    guint64 *by_comm_counts;
    /* a cache of Wakeup.pairs for this wakee, most recent first, with
     * their wakers' pids beside them for the search */
    guint n_recent;
    gint32 recent_waker[WAKE_RECENT_PAIRS];
    WakePair *recent[WAKE_RECENT_PAIRS];
} WakeTask;

typedef struct {
    const FtaContext *ctx;
    gboolean pairs_table;
    gint64 hist_tasks;
    guint64 total_waking;
    FtaTasks *tasks;   /* WakeTask per task */
    GHashTable *pairs; /* &key -> WakePair*, owned */
    GHashTable *comms; /* wakee comm (owned) -> guint64[2] waking, wakeup */
} Wakeup;

static void
wake_task_init (gpointer state, gint32 pid)
{
    WakeTask *t = state;
    t->pid = pid;
    t->id = FTA_TASK_NONE;
    t->latency = fta_dist_new ();
}

static void
wake_task_clear (gpointer state)
{
    fta_dist_free (((WakeTask *) state)->latency);
}

/* A pair's key holds both pids; g_int64_hash folds them with an exclusive
 * or, which maps (a, b) and (b, a), and every pair of neighbouring pids, to
 * a few small values, so lookups walk long probe chains on hosts with many
 * pairs.  A multiplicative mix spreads them. */
static guint
pair_hash (gconstpointer key)
{
    guint64 v = *(const guint64 *) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
    return (guint) (v >> 32);
}

static void *
wakeup_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    Wakeup *w = g_new0 (Wakeup, 1);
    w->ctx = ctx;
    w->pairs_table = fta_options_get_bool (opts, "pairs");
    w->hist_tasks = fta_options_get_int (opts, "hist_tasks");
    if (w->hist_tasks < 0) {
        g_set_error_literal (error, g_quark_from_string ("wakeup"), 0,
                             "hist_tasks must be 0 or more");
        g_free (w);
        return NULL;
    }
    w->tasks = fta_tasks_new (sizeof (WakeTask), wake_task_init, wake_task_clear);
    w->pairs = g_hash_table_new_full (pair_hash, g_int64_equal, NULL, g_free);
    w->comms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    return w;
}


/* The wakeup.comms counts for a wakeup of T (pid PID) naming COMM, NULL
 * when the task filters leave it out.  Looked up again only when T's
 * events name another comm. */
static inline guint64 *
wakeup_task_comm (Wakeup *w, WakeTask *t, gint32 pid, const char *comm)
{
    if (G_UNLIKELY (!t->by_comm_set || memcmp (t->by_comm, comm, FTA_COMM_LEN) != 0)) {
        t->by_comm_set = TRUE;
        memcpy (t->by_comm, comm, FTA_COMM_LEN);
        guint64 *c = NULL;
        if (fta_context_task_selected (w->ctx, pid, comm)) {
            c = g_hash_table_lookup (w->comms, comm);
            if (!c) {
                c = g_new0 (guint64, 2);
                g_hash_table_insert (w->comms, g_strdup (comm), c);
            }
        }
        t->by_comm_counts = c;
    }
    return t->by_comm_counts;
}

/* The pair WAKER_PID (id WAKER_ID) -> T, moved to the front of T's recent
 * pairs. */
static WakePair *
wakeup_pair (Wakeup *w, WakeTask *t, gint32 waker_pid, guint32 waker_id)
{
    guint i = 0;
    while (i < t->n_recent && t->recent_waker[i] != waker_pid)
        i++;
    WakePair *p;
    if (G_LIKELY (i < t->n_recent)) {
        p = t->recent[i];
    } else {
        /* the bits of both pids, whatever their sign (a shift of a negative
         * number is undefined) */
        gint64 key = (gint64) (((guint64) (guint32) waker_pid << 32) | (guint32) t->pid);
        p = g_hash_table_lookup (w->pairs, &key);
        if (!p) {
            p = g_new0 (WakePair, 1);
            p->key = key;
            p->waker_pid = waker_pid;
            p->wakee_pid = t->pid;
            p->waker_id = waker_id;
            p->wakee_id = t->id;
            g_hash_table_insert (w->pairs, &p->key, p);
        }
        if (t->n_recent < WAKE_RECENT_PAIRS)
            t->n_recent++;
        i = t->n_recent - 1;
    }
    for (; i > 0; i--) {
        t->recent_waker[i] = t->recent_waker[i - 1];
        t->recent[i] = t->recent[i - 1];
    }
    t->recent_waker[0] = waker_pid;
    t->recent[0] = p;
    return p;
}

/* g_strlcpy (DST, SRC, FTA_COMM_LEN) without a library call: it runs on
 * every wakeup. */
static inline void
wakeup_copy_comm (char dst[FTA_COMM_LEN], const char *src)
{
    guint i = 0;
    for (; i < FTA_COMM_LEN - 1 && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

static void
wakeup_on_event (void *self, const FtaEvent *ev)
{
    Wakeup *w = self;
    const FtaWakeFields *f = &ev->u.wake;
    gboolean waking = ev->type == FTA_EV_SCHED_WAKING;
    gboolean new_task = ev->type == FTA_EV_SCHED_WAKEUP_NEW;
    if (!waking && f->success == 0)
        return;
    WakeTask *t = fta_tasks_get (w->tasks, f->task, f->pid, f->target_cpu);
    if (f->task != FTA_TASK_NONE)
        t->id = f->task;
    if (f->comm[0])
        memcpy (t->comm, f->comm, FTA_COMM_LEN);
    if (waking) {
        t->waking++;
        w->total_waking++;
    } else {
        t->wakeup++;
    }
    if (new_task)
        t->waking++; /* no sched_waking comes for it */
    guint64 *c = wakeup_task_comm (w, t, f->pid, f->comm);
    if (c) {
        c[waking ? 0 : 1]++;
        if (new_task)
            c[0]++;
    }
    if (!w->pairs_table)
        return;
    WakePair *p = wakeup_pair (w, t, ev->pid, ev->task);
    /* The TASK column comes from saved_cmdlines and can be stale: prefer
     * the comm the model last saw in event fields. */
    const char *wc = ev->pid == 0 ? "<idle>" : fta_context_task_comm (w->ctx, ev->task);
    wakeup_copy_comm (p->waker_comm, wc ? wc : ev->comm);
    memcpy (p->wakee_comm, f->comm, FTA_COMM_LEN);
    if (waking || new_task)
        p->waking++;
    if (!waking)
        p->wakeup++;
}

static void
wakeup_on_span (void *self, const FtaSpan *sp)
{
    Wakeup *w = self;
    if (sp->state != FTA_TASK_RUNNABLE || sp->reason == FTA_RUNNABLE_PREEMPTED
        || (sp->flags & FTA_SPAN_TRUNCATED) || sp->waking_ns < 0)
        return;
    WakeTask *t = fta_tasks_get (w->tasks, sp->task, sp->pid, sp->cpu);
    if (sp->task != FTA_TASK_NONE)
        t->id = sp->task;
    if (!t->comm[0])
        g_strlcpy (t->comm, sp->comm, FTA_COMM_LEN);
    /* a switch-in the kernel never recorded, or one past --end: the
     * latency is not known, and a guess would bias the percentiles */
    if (sp->flags & (FTA_SPAN_INFERRED_END | FTA_SPAN_CLIPPED_END))
        t->latency_unknown++;
    else {
        gint64 v = sp->end_ns - sp->waking_ns;
        fta_dist_add (t->latency, v);
        t->hist[v < 2 ? 0 : g_bit_storage ((guint64) v) - 1]++;
    }
}

/* The latency histograms of the hist_tasks tasks with the most wakeups,
 * in the order of wakeup.tasks (T, sorted); the buckets from each task's
 * lowest to its highest non-empty one, empty ones between included. */
static void
wakeup_hist_table (Wakeup *w, FtaResults *r, const FtaTable *t, GHashTable *by_pid)
{
    FtaTable *h = fta_results_add_table (r, "wakeup", "latency_hist",
                                         "Wakeup latency histogram (log2 buckets) of the "
                                         "tasks woken most");
    fta_table_set_needs (h, "sched_waking|sched_wakeup|sched_wakeup_new,sched_switch");
    guint c_pid = fta_table_add_column (h, "pid", FTA_COL_INT, TRUE);
    guint c_comm = fta_table_add_column (h, "comm", FTA_COL_STRING, FALSE);
    guint c_lo = fta_table_add_column (h, "bucket_lo_ns", FTA_COL_DURATION, TRUE);
    guint c_hi = fta_table_add_column (h, "bucket_hi_ns", FTA_COL_DURATION, FALSE);
    fta_table_set_display_unit (h, c_lo, "us");
    fta_table_set_display_unit (h, c_hi, "us");
    guint c_n = fta_table_add_column (h, "count", FTA_COL_COUNT, FALSE);
    int t_pid = fta_table_column_index (t, "pid");
    gint64 done = 0;
    for (guint row = 0; row < fta_table_n_rows (t) && done < w->hist_tasks; row++) {
        gint32 pid = (gint32) fta_table_cell (t, row, t_pid)->i;
        WakeTask *k = g_hash_table_lookup (by_pid, GINT_TO_POINTER (pid));
        if (!k || !fta_dist_count (k->latency))
            continue;
        int lo = 0, hi = WAKE_HIST_BUCKETS - 1;
        while (!k->hist[lo])
            lo++;
        while (!k->hist[hi])
            hi--;
        for (int b = lo; b <= hi; b++) {
            guint hr = fta_table_add_row (h);
            fta_table_set_int (h, hr, c_pid, pid);
            fta_table_set_string (h, hr, c_comm, k->comm);
            fta_table_set_int (h, hr, c_lo, b ? (gint64) 1 << b : 0);
            fta_table_set_int (h, hr, c_hi, b < 63 ? (gint64) 1 << (b + 1) : G_MAXINT64);
            fta_table_set_int (h, hr, c_n, (gint64) k->hist[b]);
        }
        done++;
    }
}

static void
wakeup_finish (void *self, FtaResults *r)
{
    Wakeup *w = self;
    gboolean use_waking = w->total_waking > 0;
    FtaTable *t = fta_results_add_table (r, "wakeup", "tasks",
                                         use_waking ? "Wakeups per task (sched_waking)"
                                                    : "Wakeups per task (sched_wakeup)");
    fta_table_set_needs (t, "sched_waking|sched_wakeup|sched_wakeup_new");
    guint c_pid = fta_table_add_column (t, "pid", FTA_COL_INT, TRUE);
    guint c_comm = fta_table_add_column (t, "comm", FTA_COL_STRING, FALSE);
    guint c_n = fta_table_add_column (t, "wakeups", FTA_COL_COUNT, FALSE);
    guint c_avg = fta_table_add_column (t, "latency_avg_ns", FTA_COL_DURATION, FALSE);
    guint c_p50 = fta_table_add_column (t, "latency_p50_ns", FTA_COL_DURATION, FALSE);
    guint c_p99 = fta_table_add_column (t, "latency_p99_ns", FTA_COL_DURATION, FALSE);
    guint c_max = fta_table_add_column (t, "latency_max_ns", FTA_COL_DURATION, FALSE);
    /* latencies in us: a wakeup latency is microseconds to milliseconds */
    for (guint c = c_avg; c <= c_max; c++)
        fta_table_set_display_unit (t, c, "us");
    guint c_cnt = fta_table_add_column (t, "latency_count", FTA_COL_COUNT, FALSE);
    guint c_unk = fta_table_add_column (t, "latency_unknown", FTA_COL_COUNT, FALSE);

    /* the rows' tasks by pid, for the histograms of the first rows */
    GHashTable *by_pid = g_hash_table_new (g_direct_hash, g_direct_equal);
    for (guint i = 0; i < fta_tasks_count (w->tasks); i++) {
        WakeTask *k = fta_tasks_nth (w->tasks, i);
        /* the task's one name, as every table shows it */
        const char *name = k->id != FTA_TASK_NONE ? fta_context_task_comm (w->ctx, k->id)
                                                   : NULL;
        if (name)
            memcpy (k->comm, name, FTA_COMM_LEN);
        guint64 n = use_waking ? k->waking : k->wakeup;
        guint64 m = fta_dist_count (k->latency);
        if ((!n && !m && !k->latency_unknown)
            || !fta_context_task_selected (w->ctx, k->pid, k->comm))
            continue;
        guint row = fta_table_add_row (t);
        if (!g_hash_table_contains (by_pid, GINT_TO_POINTER (k->pid)))
            g_hash_table_insert (by_pid, GINT_TO_POINTER (k->pid), k);
        fta_table_set_int (t, row, c_pid, k->pid);
        fta_table_set_string (t, row, c_comm, k->comm);
        fta_table_set_int (t, row, c_n, n);
        fta_table_set_int (t, row, c_cnt, m);
        fta_table_set_int (t, row, c_unk, k->latency_unknown);
        if (m) {
            fta_table_set_int (t, row, c_avg, fta_dist_sum (k->latency) / (gint64) m);
            fta_table_set_int (t, row, c_p50, fta_dist_percentile (k->latency, 50));
            fta_table_set_int (t, row, c_p99, fta_dist_percentile (k->latency, 99));
            fta_table_set_int (t, row, c_max, fta_dist_max (k->latency));
        }
    }
    fta_table_sort (t, c_pid, FALSE);
    fta_table_sort (t, c_n, TRUE);
    wakeup_hist_table (w, r, t, by_pid);
    g_hash_table_destroy (by_pid);

    /* Per comm as the events name the wakee: a thread renamed mid-trace
     * counts under each name it had. */
    FtaTable *ct = fta_results_add_table (r, "wakeup", "comms", "Wakeups per comm");
    fta_table_set_needs (ct, "sched_waking|sched_wakeup|sched_wakeup_new");
    guint cc = fta_table_add_column (ct, "comm", FTA_COL_STRING, TRUE);
    guint cn = fta_table_add_column (ct, "wakeups", FTA_COL_COUNT, FALSE);
    GHashTableIter it;
    gpointer key, v;
    g_hash_table_iter_init (&it, w->comms);
    while (g_hash_table_iter_next (&it, &key, &v)) {
        guint64 *c = v;
        guint64 n = use_waking ? c[0] : c[1];
        if (!n)
            continue;
        guint row = fta_table_add_row (ct);
        fta_table_set_string (ct, row, cc, key);
        fta_table_set_int (ct, row, cn, n);
    }
    fta_table_sort (ct, cc, FALSE);
    fta_table_sort (ct, cn, TRUE);

    if (!w->pairs_table)
        return;
    FtaTable *p = fta_results_add_table (r, "wakeup", "pairs", "Top waker -> wakee pairs");
    fta_table_set_needs (p, "sched_waking|sched_wakeup|sched_wakeup_new");
    guint p_wp = fta_table_add_column (p, "waker_pid", FTA_COL_INT, TRUE);
    guint p_wc = fta_table_add_column (p, "waker_comm", FTA_COL_STRING, FALSE);
    guint p_ep = fta_table_add_column (p, "wakee_pid", FTA_COL_INT, TRUE);
    guint p_ec = fta_table_add_column (p, "wakee_comm", FTA_COL_STRING, FALSE);
    guint p_n = fta_table_add_column (p, "count", FTA_COL_COUNT, FALSE);
    g_hash_table_iter_init (&it, w->pairs);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
        WakePair *k = v;
        guint64 n = use_waking ? k->waking : k->wakeup;
        if (!n)
            continue;
        const char *name = k->wakee_id != FTA_TASK_NONE
                               ? fta_context_task_comm (w->ctx, k->wakee_id)
                               : NULL;
        if (name)
            memcpy (k->wakee_comm, name, FTA_COMM_LEN);
        name = k->waker_pid > 0 && k->waker_id != FTA_TASK_NONE
                   ? fta_context_task_comm (w->ctx, k->waker_id)
                   : NULL;
        if (name)
            memcpy (k->waker_comm, name, FTA_COMM_LEN);
        if (!fta_context_task_selected (w->ctx, k->wakee_pid, k->wakee_comm)
            && !fta_context_task_selected (w->ctx, k->waker_pid, k->waker_comm))
            continue;
        guint row = fta_table_add_row (p);
        fta_table_set_int (p, row, p_wp, k->waker_pid);
        fta_table_set_string (p, row, p_wc, k->waker_comm);
        fta_table_set_int (p, row, p_ep, k->wakee_pid);
        fta_table_set_string (p, row, p_ec, k->wakee_comm);
        fta_table_set_int (p, row, p_n, n);
    }
    fta_table_sort (p, p_ep, FALSE);
    fta_table_sort (p, p_wp, FALSE);
    fta_table_sort (p, p_n, TRUE);
}

static void
wakeup_destroy (void *self)
{
    Wakeup *w = self;
    fta_tasks_free (w->tasks);
    g_hash_table_destroy (w->pairs);
    g_hash_table_destroy (w->comms);
    g_free (w);
}

static const FtaOptionSpec wakeup_options[] = {
    { "pairs", FTA_OPT_BOOL, "true", "also report waker -> wakee pairs (wakeup.pairs)" },
    { "hist_tasks", FTA_OPT_INT, "5",
      "latency histograms (wakeup.latency_hist) of this many tasks, most woken first" },
    { NULL }
};

static const FtaEventType wakeup_events[] = {
    FTA_EV_SCHED_WAKING, FTA_EV_SCHED_WAKEUP, FTA_EV_SCHED_WAKEUP_NEW, FTA_EV_SPAN, FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (
    .name = "wakeup",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "wakeups per task, waking-to-running latency, top waker -> wakee pairs",
    .options = wakeup_options,
    .events = wakeup_events,
    .create = wakeup_create,
    .on_event = wakeup_on_event,
    .on_span = wakeup_on_span,
    .finish = wakeup_finish,
    .destroy = wakeup_destroy,
);
