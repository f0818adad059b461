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
#include "../many-rows.h"

/* bucket 0 is [0, 2) ns, bucket k >= 1 is [2^k, 2^(k+1)) ns, as
 * fta_dist_log2_counts counts them */
#define WAKE_HIST_BUCKETS 64

typedef struct {
    gint64 key; /* waker task id << 32 | wakee task id: a pair of tasks
                   (FTA_TASK_NONE when unknown) */
    gint32 waker_pid, wakee_pid;
    /* the counts, their low 32 bits: the rest in Wakeup.pair_high */
    guint32 waking, wakeup;
} WakePair;

/* The comms of a pair that the core may not know at the end: kept only
 * for such pairs (see wakeup_waker_name, wakeup_wakee_name). */
typedef struct {
    char waker[FTA_COMM_LEN];
    char wakee[FTA_COMM_LEN];
} WakePairComms;

/* Pairs a task keeps at hand, most recently woken by first: enough for
 * nearly every wakeup of real traces to find its pair without hashing. */
#define WAKE_RECENT_PAIRS 4

/* A task woken, or waiting after a wakeup.  Its comm is the core's (see
 * wakeup_task_name). */
typedef struct {
    gint32 pid;
    guint32 id; /* FTA_TASK_NONE when unknown */
    guint64 waking, wakeup;
    guint64 latency_unknown;
    FtaDist *latency; /* NULL before the first latency known */
    /* wakeup.comms: the comm this task's events last named (a key of
     * Wakeup.comms or .comms_out, NULL before the first) and its counts,
     * NULL when the task filters leave the task out under it */
    const char *by_comm;
    guint64 *by_comm_counts;
    /* a cache of Wakeup.pairs for this wakee, most recent first: the
     * pairs' indexes, their wakers' task ids beside them for the search */
    guint32 n_recent;
    guint32 recent_waker[WAKE_RECENT_PAIRS];
    guint32 recent[WAKE_RECENT_PAIRS];
} WakeTask;

typedef struct {
    const FtaContext *ctx;
    gboolean pairs_table;
    gint64 hist_tasks;
    guint64 total_waking;
    gboolean use_waking; /* set by finish: the tables count sched_waking */
    FtaTasks *tasks;   /* WakeTask per task */
    RecordBlocks pairs; /* WakePair, 1024 a block */
    /* the pairs by key: open addressing, a pair's index + 1 in each slot
     * (0: empty), at most 3/4 full; 2^pair_bits slots */
    guint32 *pair_slots;
    guint pair_bits;
    GHashTable *comms; /* wakee comm (owned) -> guint64[2] waking, wakeup */
    GHashTable *comms_out; /* comms (owned) of tasks the filters leave out */
    /* made on first need: the comms of tasks and pairs the core may not
     * name at the end, WakeTask * -> char[FTA_COMM_LEN] and WakePair * ->
     * WakePairComms, owned */
    GHashTable *task_comms;
    GHashTable *pair_comms;
    /* made on first need: WakePair * -> guint64[2], what its waking and
     * wakeup counts hold beyond 32 bits, owned */
    GHashTable *pair_high;
} Wakeup;

static void
wake_task_init (gpointer state, gint32 pid)
{
    WakeTask *t = state;
    t->pid = pid;
    t->id = FTA_TASK_NONE;
}

static void
wake_task_clear (gpointer state)
{
    fta_dist_free (((WakeTask *) state)->latency);
}

static inline guint32
pair_waker_id (const WakePair *p)
{
    return (guint32) ((guint64) p->key >> 32);
}

static inline guint32
pair_wakee_id (const WakePair *p)
{
    return (guint32) p->key;
}

static inline WakePair *
wakeup_pair_at (const Wakeup *w, guint32 i)
{
    return record_blocks_at (&w->pairs, i);
}

/* Whether the core names task ID (of PID) at the end: a task's comm, once
 * the core has one, stays.  When it does, a comm the events gave need not
 * be kept: finish shows the core's. */
static inline gboolean
wakeup_core_names (const Wakeup *w, gint32 pid, guint32 id)
{
    return pid > 0 && id != FTA_TASK_NONE && fta_context_task_comm (w->ctx, id) != NULL;
}

/* The comm kept for KEY in *TABLE (made on first need), SIZE bytes. */
static gpointer
wakeup_kept (GHashTable **table, gconstpointer key, gsize size)
{
    if (!*table)
        *table = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    gpointer c = g_hash_table_lookup (*table, key);
    if (!c) {
        c = g_malloc0 (size);
        g_hash_table_insert (*table, (gpointer) key, c);
    }
    return c;
}

static inline gconstpointer
wakeup_kept_find (GHashTable *table, gconstpointer key)
{
    return table ? g_hash_table_lookup (table, key) : NULL;
}

/* T's comm as every table shows it: the core's name of the task, else
 * the comm its events last named (the first Runnable span's before any
 * wakeup named one). */
static const char *
wakeup_task_name (const Wakeup *w, const WakeTask *t)
{
    const char *name = t->id != FTA_TASK_NONE ? fta_context_task_comm (w->ctx, t->id) : NULL;
    if (name)
        return name;
    const char *c = wakeup_kept_find (w->task_comms, t);
    return c ? c : "";
}

/* P's waker's comm: the core's name of the task, "<idle>" for pid 0, else
 * the comm the last wakeup's TASK column gave. */
static const char *
wakeup_waker_name (const Wakeup *w, const WakePair *p)
{
    guint32 id = pair_waker_id (p);
    if (id != FTA_TASK_NONE && p->waker_pid > 0) {
        const char *name = fta_context_task_comm (w->ctx, id);
        if (name)
            return name;
    } else if (id != FTA_TASK_NONE && p->waker_pid == 0) {
        return "<idle>";
    }
    const WakePairComms *c = wakeup_kept_find (w->pair_comms, p);
    return c ? c->waker : "";
}

/* P's wakee's comm: the core's name of the task, else the comm the last
 * wakeup named. */
static const char *
wakeup_wakee_name (const Wakeup *w, const WakePair *p)
{
    guint32 id = pair_wakee_id (p);
    const char *name = id != FTA_TASK_NONE ? fta_context_task_comm (w->ctx, id) : NULL;
    if (name)
        return name;
    const WakePairComms *c = wakeup_kept_find (w->pair_comms, p);
    return c ? c->wakee : "";
}

/* One more of P's counts, WHICH 0 its waking, 1 its wakeup: 32 bits in
 * the pair, a wrap of them counted aside (a pair woken 2^32 times). */
static inline void
wakeup_pair_add (Wakeup *w, WakePair *p, guint which)
{
    guint32 *c = which ? &p->wakeup : &p->waking;
    if (G_UNLIKELY (++*c == 0))
        ((guint64 *) wakeup_kept (&w->pair_high, p, 2 * sizeof (guint64)))[which] +=
            G_GUINT64_CONSTANT (1) << 32;
}

/* P's count of the wakeups the tables count (Wakeup.use_waking). */
static inline guint64
wakeup_pair_n (const Wakeup *w, const WakePair *p)
{
    guint which = w->use_waking ? 0 : 1;
    guint64 n = which ? p->wakeup : p->waking;
    const guint64 *high = wakeup_kept_find (w->pair_high, p);
    return high ? n + high[which] : n;
}

/* The first slot of KEY in a table of 2^BITS: a pair's key holds both
 * task ids, neighbours of each other on hosts with many pairs; a
 * multiplicative mix spreads them, its high bits the best mixed. */
static inline guint32
pair_slot (gint64 key, guint bits)
{
    return (guint32) (((guint64) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - bits));
}

/* The slot of KEY in Wakeup.pair_slots: its pair's, or the empty one where
 * it goes. */
static inline guint32 *
wakeup_pair_slot (Wakeup *w, gint64 key)
{
    guint32 mask = (1u << w->pair_bits) - 1;
    guint32 i = pair_slot (key, w->pair_bits);
    while (w->pair_slots[i] && wakeup_pair_at (w, w->pair_slots[i] - 1)->key != key)
        i = (i + 1) & mask;
    return &w->pair_slots[i];
}

/* Twice the slots, the pairs in them again. */
static void
wakeup_pairs_grow (Wakeup *w)
{
    g_free (w->pair_slots);
    w->pair_bits++;
    w->pair_slots = g_new0 (guint32, (gsize) 1 << w->pair_bits);
    for (guint32 i = 0; i < w->pairs.n; i++)
        *wakeup_pair_slot (w, wakeup_pair_at (w, i)->key) = i + 1;
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
    record_blocks_init (&w->pairs, sizeof (WakePair), 10);
    w->pair_bits = 10;
    w->pair_slots = g_new0 (guint32, (gsize) 1 << w->pair_bits);
    w->comms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    w->comms_out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    return w;
}


/* The wakeup.comms counts for a wakeup of T (pid PID) naming COMM, NULL
 * when the task filters leave it out.  Looked up again only when T's
 * events name another comm. */
static inline guint64 *
wakeup_task_comm (Wakeup *w, WakeTask *t, gint32 pid, const char *comm)
{
    if (G_UNLIKELY (!t->by_comm || strncmp (t->by_comm, comm, FTA_COMM_LEN) != 0)) {
        gpointer key, c = NULL;
        if (fta_context_task_selected (w->ctx, pid, comm)) {
            if (!g_hash_table_lookup_extended (w->comms, comm, &key, &c)) {
                key = g_strdup (comm);
                c = g_new0 (guint64, 2);
                g_hash_table_insert (w->comms, key, c);
            }
        } else if (!g_hash_table_lookup_extended (w->comms_out, comm, &key, NULL)) {
            key = g_strdup (comm);
            g_hash_table_add (w->comms_out, key);
        }
        t->by_comm = key;
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
    guint32 at;
    if (G_LIKELY (i < t->n_recent)) {
        at = t->recent[i];
    } else {
        /* a pid names one task after another: tasks make the pair */
        gint64 key = (gint64) (((guint64) waker_id << 32) | t->id);
        guint32 *slot = wakeup_pair_slot (w, key);
        if (*slot) {
            at = *slot - 1;
        } else {
            at = record_blocks_add (&w->pairs);
            *wakeup_pair_at (w, at) = (WakePair) { key, waker_pid, t->pid, 0, 0 };
            *slot = at + 1;
            if (w->pairs.n > (3u << w->pair_bits) / 4)
                wakeup_pairs_grow (w);
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
    t->recent[0] = at;
    return wakeup_pair_at (w, at);
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
    if (f->comm[0] && !wakeup_core_names (w, t->pid, t->id))
        memcpy (wakeup_kept (&w->task_comms, t, FTA_COMM_LEN), f->comm, FTA_COMM_LEN);
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
     * the comm the model last saw in event fields.  Kept only where the
     * core will not name the task at the end (wakeup_waker_name). */
    if (ev->task == FTA_TASK_NONE || ev->pid < 0
        || (ev->pid > 0 && !fta_context_task_comm (w->ctx, ev->task))) {
        const char *wc = ev->pid == 0 ? "<idle>" : fta_context_task_comm (w->ctx, ev->task);
        WakePairComms *kept = wakeup_kept (&w->pair_comms, p, sizeof *kept);
        wakeup_copy_comm (kept->waker, wc ? wc : ev->comm);
    }
    if (pair_wakee_id (p) == FTA_TASK_NONE
        || !fta_context_task_comm (w->ctx, pair_wakee_id (p)))
        memcpy (((WakePairComms *) wakeup_kept (&w->pair_comms, p, sizeof (WakePairComms)))->wakee,
                f->comm, FTA_COMM_LEN);
    if (waking || new_task)
        wakeup_pair_add (w, p, 0);
    if (!waking)
        wakeup_pair_add (w, p, 1);
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
    if (!wakeup_core_names (w, t->pid, t->id)) {
        char *c = wakeup_kept (&w->task_comms, t, FTA_COMM_LEN);
        if (!c[0])
            g_strlcpy (c, sp->comm, FTA_COMM_LEN);
    }
    /* a switch-in the kernel never recorded, or one past --end: the
     * latency is not known, and a guess would bias the percentiles */
    if (sp->flags & (FTA_SPAN_INFERRED_END | FTA_SPAN_CLIPPED_END))
        t->latency_unknown++;
    else {
        if (!t->latency)
            t->latency = fta_dist_new ();
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

/* A comm for a column: NAME, the core's or the analyzer's, lives as long
 * as the results. */
static inline void
wakeup_comm_cell (FtaValue *v, const char *name)
{
    v->is_null = FALSE;
    v->s = name;
}

static void
wakeup_task_comm_cell (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    wakeup_comm_cell (v, wakeup_task_name (data, row));
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
    { "comm", FTA_COL_STRING, .get = wakeup_task_comm_cell },
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
    v->i = (gint64) wakeup_pair_n (w, p);
}

static void
wakeup_waker_comm_cell (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    wakeup_comm_cell (v, wakeup_waker_name (data, row));
}

static void
wakeup_wakee_comm_cell (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    wakeup_comm_cell (v, wakeup_wakee_name (data, row));
}

static void
wakeup_waker_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const WakePair *p = row;
    (void) scratch;
    v->is_null = FALSE;
    v->i = p->waker_pid > 0 ? wakeup_seq (data, pair_waker_id (p)) : 0;
}

static void
wakeup_wakee_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    v->is_null = FALSE;
    v->i = wakeup_seq (data, pair_wakee_id (row));
}

#define PAIR(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (WakePair, member)

static const FtaColumnSpec wakeup_pair_columns[] = {
    { "waker_pid", FTA_COL_INT, TRUE, PAIR (FTA_FIELD_INT32, waker_pid) },
    { "waker_comm", FTA_COL_STRING, .get = wakeup_waker_comm_cell },
    { "wakee_pid", FTA_COL_INT, TRUE, PAIR (FTA_FIELD_INT32, wakee_pid) },
    { "wakee_comm", FTA_COL_STRING, .get = wakeup_wakee_comm_cell },
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
        if (!k || !k->latency)
            continue;
        guint64 hist[WAKE_HIST_BUCKETS];
        fta_dist_log2_counts (k->latency, hist);
        int lo = 0, hi = WAKE_HIST_BUCKETS - 1;
        while (!hist[lo])
            lo++;
        while (!hist[hi])
            hi--;
        for (int b = lo; b <= hi; b++) {
            WakeBucket bucket = { pid, wakeup_task_name (w, k), b ? (gint64) 1 << b : 0,
                                  b < 63 ? (gint64) 1 << (b + 1) : G_MAXINT64,
                                  (gint64) hist[b], seq };
            fta_table_add_row_from (h, &wakeup_hist_spec, &bucket, NULL);
        }
        done++;
    }
}

/* wakeup.pairs' order: by count, most first, then by waker pid, wakee
 * pid, and which task of its pid each is; the pairs' first-seen order
 * among equals. */
static int
wakeup_pair_cmp (const Wakeup *w, guint32 a, guint32 b)
{
    const WakePair *x = wakeup_pair_at (w, a), *y = wakeup_pair_at (w, b);
    guint64 nx = wakeup_pair_n (w, x), ny = wakeup_pair_n (w, y);
    if (nx != ny)
        return nx > ny ? -1 : 1;
    if (x->waker_pid != y->waker_pid)
        return x->waker_pid < y->waker_pid ? -1 : 1;
    if (x->wakee_pid != y->wakee_pid)
        return x->wakee_pid < y->wakee_pid ? -1 : 1;
    guint32 sx = x->waker_pid > 0 ? wakeup_seq (w, pair_waker_id (x)) : 0;
    guint32 sy = y->waker_pid > 0 ? wakeup_seq (w, pair_waker_id (y)) : 0;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    sx = wakeup_seq (w, pair_wakee_id (x));
    sy = wakeup_seq (w, pair_wakee_id (y));
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return (a > b) - (a < b);
}

/* Sorts the N pair indexes ORDER (a merge sort, bottom up): the table's
 * own sorts would take a key and a row index per pair, several times. */
static void
wakeup_sort_pairs (const Wakeup *w, guint32 *order, guint32 n)
{
    guint32 *tmp = g_new (guint32, MAX (n, 1));
    guint32 *from = order, *to = tmp;
    for (guint32 width = 1; width < n; width *= 2) {
        for (guint32 lo = 0; lo < n; lo += 2 * width) {
            guint32 mid = MIN (lo + width, n), hi = MIN (lo + 2 * width, n);
            guint32 i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                to[k++] = wakeup_pair_cmp (w, from[i], from[j]) <= 0 ? from[i++] : from[j++];
            while (i < mid)
                to[k++] = from[i++];
            while (j < hi)
                to[k++] = from[j++];
        }
        guint32 *swap = from;
        from = to;
        to = swap;
    }
    if (from != order)
        memcpy (order, from, (gsize) n * sizeof *order);
    g_free (tmp);
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
        guint64 n = use_waking ? k->waking : k->wakeup;
        if ((!n && !k->latency && !k->latency_unknown)
            || !fta_context_task_selected (w->ctx, k->pid, wakeup_task_name (w, k)))
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
    guint32 *order = g_new (guint32, MAX (w->pairs.n, 1)), m = 0;
    for (guint32 i = 0; i < w->pairs.n; i++) {
        WakePair *k = wakeup_pair_at (w, i);
        if (!wakeup_pair_n (w, k))
            continue;
        if (!fta_context_task_selected (w->ctx, k->wakee_pid, wakeup_wakee_name (w, k))
            && !fta_context_task_selected (w->ctx, k->waker_pid, wakeup_waker_name (w, k)))
            continue;
        pair_reused |= (k->waker_pid > 0 && wakeup_seq (w, pair_waker_id (k)) > 0)
                       || wakeup_seq (w, pair_wakee_id (k)) > 0;
        order[m++] = i;
    }
    wakeup_sort_pairs (w, order, m);
    for (guint32 i = 0; i < m; i++)
        fta_table_add_row_ref (p, &wakeup_pairs_spec, wakeup_pair_at (w, order[i]), w);
    g_free (order);
    if (pair_reused) {
        fta_table_set_column_rank (p, G_N_ELEMENTS (wakeup_pair_columns) - 2, 0);
        fta_table_set_column_rank (p, G_N_ELEMENTS (wakeup_pair_columns) - 1, 0);
    }
}

static void
wakeup_destroy (void *self)
{
    Wakeup *w = self;
    fta_tasks_free (w->tasks);
    g_free (w->pair_slots);
    record_blocks_clear (&w->pairs);
    g_hash_table_destroy (w->comms);
    g_hash_table_destroy (w->comms_out);
    g_clear_pointer (&w->task_comms, g_hash_table_destroy);
    g_clear_pointer (&w->pair_comms, g_hash_table_destroy);
    g_clear_pointer (&w->pair_high, g_hash_table_destroy);
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
