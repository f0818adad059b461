/* wakeup.c - who is woken, by whom, and how long it then waits for a CPU.
 *
 * A wakeup is counted once: from sched_waking when the trace has any,
 * otherwise from sched_wakeup (old kernels, or tracing set up without
 * sched_waking).  A new task's first wakeup is its sched_wakeup_new (the
 * kernel emits no sched_waking for it), counted either way, as perf sched
 * latency counts it.  Latency is sched_waking (or sched_wakeup, or
 * sched_wakeup_new) to switch-in, taken from the core's Runnable spans of
 * woken and new tasks.  The histogram of the tasks woken most
 * (wakeup.latency_hist) is counted from their latencies' FtaDist at the
 * end, exact in powers of two.
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

/* bucket 0 is [0, 2) ns, bucket k >= 1 is [2^k, 2^(k+1)) ns, as
 * fta_dist_log2_counts counts them */
#define WAKE_HIST_BUCKETS 64

typedef struct {
    gint64 key; /* waker task id << 32 | wakee task id: a pair of tasks */
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
    /* wakeup.comms: the counts of the comm this task's events last named,
     * NULL when the task filters leave it out; valid once by_comm_set */
    gboolean by_comm_set;
    char by_comm[FTA_COMM_LEN];
    guint64 *by_comm_counts;
    /* a cache of Wakeup.pairs for this wakee, most recent first, with
     * their wakers' task ids beside them for the search */
    guint n_recent;
    guint32 recent_waker[WAKE_RECENT_PAIRS];
    WakePair *recent[WAKE_RECENT_PAIRS];
} WakeTask;

typedef struct {
    const FtaContext *ctx;
    gboolean pairs_table;
    gint64 hist_tasks;
    guint64 total_waking;
    gboolean use_waking; /* set by finish: the tables count sched_waking */
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

/* The pair WAKER_PID (task WAKER_ID) -> T, moved to the front of T's recent
 * pairs. */
static WakePair *
wakeup_pair (Wakeup *w, WakeTask *t, gint32 waker_pid, guint32 waker_id)
{
    guint i = 0;
    while (i < t->n_recent && t->recent_waker[i] != waker_id)
        i++;
    WakePair *p;
    if (G_LIKELY (i < t->n_recent)) {
        p = t->recent[i];
    } else {
        /* a pid names one task after another: tasks make the pair */
        gint64 key = (gint64) (((guint64) waker_id << 32) | t->id);
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
    t->recent_waker[0] = waker_id;
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
        fta_dist_add (t->latency, sp->end_ns - sp->waking_ns);
    }
}

/* --- the tables' columns -------------------------------------------------------- */

/* The rows of wakeup.tasks and wakeup.pairs are read from the WakeTask
 * and WakePair structs (fta_table_add_row_ref), with the Wakeup as the
 * rows' data: the counts of the event counted, and which task of its pid
 * a task is, come from callbacks. */

static void
wakeup_task_wakeups (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const WakeTask *k = row;
    const Wakeup *w = data;
    (void) scratch;
    v->is_null = FALSE;
    v->i = (gint64) (w->use_waking ? k->waking : k->wakeup);
}

static guint32
wakeup_seq (const Wakeup *w, guint32 task)
{
    return task != FTA_TASK_NONE ? fta_context_task_seq (w->ctx, task) : 0;
}

static void
wakeup_task_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    v->is_null = FALSE;
    v->i = wakeup_seq (data, ((const WakeTask *) row)->id);
}

#define TASK(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (WakeTask, member)

/* latencies in us: a wakeup latency is microseconds to milliseconds */
static const FtaColumnSpec wakeup_task_columns[] = {
    { "pid", FTA_COL_INT, TRUE, TASK (FTA_FIELD_INT32, pid) },
    { "comm", FTA_COL_STRING, TASK (FTA_FIELD_CHARS, comm) },
    { "wakeups", FTA_COL_COUNT, .get = wakeup_task_wakeups },
    { "latency_avg_ns", FTA_COL_DURATION, .display_unit = "us",
      TASK (FTA_FIELD_DIST_AVG, latency) },
    { "latency_p50_ns", FTA_COL_DURATION, .display_unit = "us",
      TASK (FTA_FIELD_DIST_P50, latency) },
    { "latency_p99_ns", FTA_COL_DURATION, .display_unit = "us",
      TASK (FTA_FIELD_DIST_P99, latency) },
    { "latency_max_ns", FTA_COL_DURATION, .display_unit = "us",
      TASK (FTA_FIELD_DIST_MAX, latency) },
    { "latency_count", FTA_COL_COUNT, TASK (FTA_FIELD_DIST_COUNT, latency) },
    { "latency_unknown", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, latency_unknown) },
    /* which task of its pid: in text when a pid names two */
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, .get = wakeup_task_seq },
};
/* a NULL title: made in finish, naming the event counted */
static const FtaTableSpec wakeup_tasks_spec = FTA_TABLE_SPEC ("tasks", NULL,
                                                               wakeup_task_columns);

/* A bucket of a task's latency histogram, as its row shows it. */
typedef struct {
    gint32 pid;
    const char *comm;
    gint64 lo, hi, count;
    gint64 task_seq;
} WakeBucket;

#define BUCKET(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (WakeBucket, member)

static const FtaColumnSpec wakeup_hist_columns[] = {
    { "pid", FTA_COL_INT, TRUE, BUCKET (FTA_FIELD_INT32, pid) },
    { "comm", FTA_COL_STRING, BUCKET (FTA_FIELD_STRING, comm) },
    { "bucket_lo_ns", FTA_COL_DURATION, TRUE, .display_unit = "us",
      BUCKET (FTA_FIELD_INT64, lo) },
    { "bucket_hi_ns", FTA_COL_DURATION, .display_unit = "us", BUCKET (FTA_FIELD_INT64, hi) },
    { "count", FTA_COL_COUNT, BUCKET (FTA_FIELD_INT64, count) },
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, BUCKET (FTA_FIELD_INT64, task_seq) },
};
static const FtaTableSpec wakeup_hist_spec = FTA_TABLE_SPEC (
    "latency_hist", "Wakeup latency histogram (log2 buckets) of the tasks woken most",
    wakeup_hist_columns);

/* A wakee comm as its row of wakeup.comms shows it. */
typedef struct {
    const char *comm;
    gint64 wakeups;
} WakeComm;

#define COMM(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (WakeComm, member)

static const FtaColumnSpec wakeup_comm_columns[] = {
    { "comm", FTA_COL_STRING, TRUE, COMM (FTA_FIELD_STRING, comm) },
    { "wakeups", FTA_COL_COUNT, COMM (FTA_FIELD_INT64, wakeups) },
};
static const FtaTableSpec wakeup_comms_spec = FTA_TABLE_SPEC ("comms", "Wakeups per comm",
                                                               wakeup_comm_columns);

static void
wakeup_pair_count (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const WakePair *p = row;
    const Wakeup *w = data;
    (void) scratch;
    v->is_null = FALSE;
    v->i = (gint64) (w->use_waking ? p->waking : p->wakeup);
}

static void
wakeup_waker_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const WakePair *p = row;
    (void) scratch;
    v->is_null = FALSE;
    v->i = p->waker_pid > 0 ? wakeup_seq (data, p->waker_id) : 0;
}

static void
wakeup_wakee_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    v->is_null = FALSE;
    v->i = wakeup_seq (data, ((const WakePair *) row)->wakee_id);
}

#define PAIR(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (WakePair, member)

static const FtaColumnSpec wakeup_pair_columns[] = {
    { "waker_pid", FTA_COL_INT, TRUE, PAIR (FTA_FIELD_INT32, waker_pid) },
    { "waker_comm", FTA_COL_STRING, PAIR (FTA_FIELD_CHARS, waker_comm) },
    { "wakee_pid", FTA_COL_INT, TRUE, PAIR (FTA_FIELD_INT32, wakee_pid) },
    { "wakee_comm", FTA_COL_STRING, PAIR (FTA_FIELD_CHARS, wakee_comm) },
    { "count", FTA_COL_COUNT, .get = wakeup_pair_count },
    /* in text when a pid names two tasks */
    { "waker_task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, .get = wakeup_waker_seq },
    { "wakee_task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, .get = wakeup_wakee_seq },
};
static const FtaTableSpec wakeup_pairs_spec = FTA_TABLE_SPEC (
    "pairs", "Top waker -> wakee pairs", wakeup_pair_columns);

/* The latency histograms of the hist_tasks tasks with the most wakeups,
 * in the order of wakeup.tasks (T, sorted); the buckets from each task's
 * lowest to its highest non-empty one, empty ones between included. */
static void
wakeup_hist_table (Wakeup *w, FtaResults *r, const FtaTable *t, GHashTable *by_task)
{
    FtaTable *h = fta_results_add_table_spec (r, "wakeup", &wakeup_hist_spec);
    fta_table_set_needs (h, "sched_waking|sched_wakeup|sched_wakeup_new,sched_switch");
    int t_pid = fta_table_column_index (t, "pid");
    int t_seq = fta_table_column_index (t, "task_seq");
    fta_table_set_column_rank (h, G_N_ELEMENTS (wakeup_hist_columns) - 1,
                               fta_table_column (t, t_seq)->rank);
    gint64 done = 0;
    for (guint row = 0; row < fta_table_n_rows (t) && done < w->hist_tasks; row++) {
        gint32 pid = (gint32) fta_table_cell (t, row, t_pid)->i;
        gint64 seq = fta_table_cell (t, row, t_seq)->i;
        gint64 key = (gint64) (((guint64) seq << 32) | (guint32) pid);
        WakeTask *k = g_hash_table_lookup (by_task, &key);
        if (!k || !fta_dist_count (k->latency))
            continue;
        guint64 hist[WAKE_HIST_BUCKETS];
        fta_dist_log2_counts (k->latency, hist);
        int lo = 0, hi = WAKE_HIST_BUCKETS - 1;
        while (!hist[lo])
            lo++;
        while (!hist[hi])
            hi--;
        for (int b = lo; b <= hi; b++) {
            WakeBucket bucket = { pid, k->comm, b ? (gint64) 1 << b : 0,
                                  b < 63 ? (gint64) 1 << (b + 1) : G_MAXINT64,
                                  (gint64) hist[b], seq };
            fta_table_add_row_from (h, &wakeup_hist_spec, &bucket, NULL);
        }
        done++;
    }
}

static void
wakeup_finish (void *self, FtaResults *r)
{
    Wakeup *w = self;
    gboolean use_waking = w->use_waking = w->total_waking > 0;
    FtaTable *t = fta_results_add_table_spec (r, "wakeup", &wakeup_tasks_spec);
    fta_table_set_needs (t, "sched_waking|sched_wakeup|sched_wakeup_new");
    fta_table_set_title (t, use_waking ? "Wakeups per task (sched_waking)"
                                       : "Wakeups per task (sched_wakeup)");

    /* the rows' tasks by task_seq << 32 | pid, for the histograms of the
     * first rows */
    GHashTable *by_task = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
    gboolean reused = FALSE;
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
        guint32 seq = k->id != FTA_TASK_NONE ? fta_context_task_seq (w->ctx, k->id) : 0;
        gint64 key = (gint64) (((guint64) seq << 32) | (guint32) k->pid);
        if (!g_hash_table_contains (by_task, &key)) {
            gint64 *kp = g_new (gint64, 1);
            *kp = key;
            g_hash_table_insert (by_task, kp, k);
        }
        reused |= seq > 0;
        fta_table_add_row_ref (t, &wakeup_tasks_spec, k, w);
    }
    if (reused)
        fta_table_set_column_rank (t, G_N_ELEMENTS (wakeup_task_columns) - 1, 0);
    fta_table_sort_by (t, "pid", FALSE);
    fta_table_sort_by (t, "wakeups", TRUE);
    wakeup_hist_table (w, r, t, by_task);
    g_hash_table_destroy (by_task);

    /* Per comm as the events name the wakee: a thread renamed mid-trace
     * counts under each name it had. */
    FtaTable *ct = fta_results_add_table_spec (r, "wakeup", &wakeup_comms_spec);
    fta_table_set_needs (ct, "sched_waking|sched_wakeup|sched_wakeup_new");
    GHashTableIter it;
    gpointer key, v;
    g_hash_table_iter_init (&it, w->comms);
    while (g_hash_table_iter_next (&it, &key, &v)) {
        guint64 *c = v;
        guint64 n = use_waking ? c[0] : c[1];
        if (!n)
            continue;
        WakeComm row = { key, (gint64) n };
        fta_table_add_row_from (ct, &wakeup_comms_spec, &row, NULL);
    }
    fta_table_sort_by (ct, "comm", FALSE);
    fta_table_sort_by (ct, "wakeups", TRUE);

    if (!w->pairs_table)
        return;
    FtaTable *p = fta_results_add_table_spec (r, "wakeup", &wakeup_pairs_spec);
    fta_table_set_needs (p, "sched_waking|sched_wakeup|sched_wakeup_new");
    gboolean pair_reused = FALSE;
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
        pair_reused |= (k->waker_pid > 0 && wakeup_seq (w, k->waker_id) > 0)
                       || wakeup_seq (w, k->wakee_id) > 0;
        fta_table_add_row_ref (p, &wakeup_pairs_spec, k, w);
    }
    if (pair_reused) {
        fta_table_set_column_rank (p, G_N_ELEMENTS (wakeup_pair_columns) - 2, 0);
        fta_table_set_column_rank (p, G_N_ELEMENTS (wakeup_pair_columns) - 1, 0);
    }
    fta_table_sort_by (p, "wakee_task_seq", FALSE);
    fta_table_sort_by (p, "waker_task_seq", FALSE);
    fta_table_sort_by (p, "wakee_pid", FALSE);
    fta_table_sort_by (p, "waker_pid", FALSE);
    fta_table_sort_by (p, "count", TRUE);
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
