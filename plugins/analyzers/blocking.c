/* blocking.c - who is blocked in D state, for how long, and who ends it;
 * block I/O request latency when the trace has block_rq_* events.
 *
 * D episodes are the core model's Blocked spans: from the switch-out with a
 * D state (D, D|K, ...) to the sched_wakeup that enqueues the task again
 * (or its sched_waking, or its switch-in, when no sched_wakeup was
 * recorded).  S sleeps are summed apart; I (idle kernel threads waiting for
 * work) is not blocking and is left out.  The interval a task is still in
 * when the trace ends is not an episode.
 *
 * The waker of an episode is carried by the Runnable span that follows it
 * (it starts where the episode ended): the episode stays pending on its task
 * until that span, or any other span of the task, arrives.
 *
 * Block requests are matched issue -> complete by (device, sector).
 * Requests with no data (flushes: 0 sectors, and their sector is not
 * usable) are counted, never timed; a complete without a matching issue is
 * counted, never paired with a guess.
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#define BLOCKING_MAX_LONGEST 100000

typedef struct {
    gint64 start_ns, dur_ns;
    gint32 pid, cpu, waker_pid;
    char comm[FTA_COMM_LEN];
    char waker_comm[FTA_COMM_LEN];
} BlockingEpisode;

typedef struct _BlockingWaker BlockingWaker;

/* A task that slept (S) or blocked (D), made at its first such span the
 * trace shows whole: a task that never did has none.  No allocation of
 * its own until its second D episode. */
typedef struct {
    gint32 pid;
    guint32 task; /* task id, FTA_TASK_NONE for idle tasks */
    char comm[FTA_COMM_LEN]; /* zero-padded: compared whole */
    guint64 d_count, d_no_waker, sleep_count;
    gint64 d_total_ns, sleep_ns;
    FtaDist *d_dist; /* from the second D episode: one is d_total_ns */
    /* the latest D episode, pending until its waker (or no waker) is
     * known; its pid and comm are the task's */
    gint64 ep_start_ns, ep_dur_ns;
    gint32 ep_cpu;
    gboolean pending;
    BlockingWaker *last_waker; /* of the latest episode with a waker */
    BlockingWaker *top; /* set in finish */
} BlockingTask;

struct _BlockingWaker {
    gint64 key; /* wakee pid << 32 | waker pid */
    gint32 pid, waker_pid;
    BlockingTask *task; /* the wakee */
    char waker_comm[FTA_COMM_LEN];
    guint64 count;
    gint64 total_ns;
};

/* Block I/O.  Devices are major << 32 | minor. */
typedef struct {
    guint64 dev;
    gint32 pid;
    char comm[FTA_COMM_LEN];
    guint64 issues;
    FtaDist *lat;
} BlockingIoTask;

typedef struct {
    guint64 dev;
    guint64 issues, completes, inserts, flush_issues, flush_completes, reissued,
        unmatched_issues, unmatched_completes, partial_completes, in_flight_end, queued;
    gint64 queue_sum_ns, queue_max_ns;
    FtaDist *lat;
} BlockingDev;

/* A request seen inserted or issued and not completed yet.  The key is the
 * first member, so a bare key looks the request up. */
typedef struct _BlockingReq BlockingReq;
typedef struct {
    guint64 dev, sector;
} BlockingReqKey;
struct _BlockingReq {
    BlockingReqKey key;
    guint64 nr;
    gint64 insert_ns, issue_ns; /* -1 when not seen */
    BlockingIoTask *issuer;      /* set with issue_ns */
    BlockingReq *next_free;
};

/* One block_rq_* line's fields:
 *   "254,0 RA 16384 () 34608128 + 32 be,0,4 [fio]"   issue, insert
 *   "254,0 RA () 34608128 + 32 be,0,4 [0]"           complete
 * The ioprio ("be,0,4") is absent on older kernels; bytes too on some. */
typedef struct {
    guint64 dev, sector, nr;
    const char *comm;
    guint comm_len;
} BlockingRq;

typedef struct {
    const FtaContext *ctx;
    guint longest_n;
    double finding_pct;
    FtaTasks *tasks;    /* BlockingTask per task, from its first sleep */
    GHashTable *wakers; /* &key -> BlockingWaker*, owned */
    BlockingEpisode *heap; /* min-heap of the longest episodes, longest_n slots */
    guint heap_len;
    gint64 seen_lo, seen_hi; /* time the spans cover */
    /* block I/O */
    gboolean io_seen;
    GHashTable *reqs;     /* BlockingReq* set, owned */
    GHashTable *io_tasks; /* BlockingIoTask* set, owned */
    GHashTable *devs;     /* &dev -> BlockingDev*, owned */
    BlockingDev *last_dev; /* the device of the latest event */
    FtaTasks *io_last;     /* per task: the BlockingIoTask* it issued to last */
    BlockingReq *free_reqs;
    guint64 io_unparsed, io_unparsed_line;
} Blocking;

/* --- helpers ------------------------------------------------------------ */

static guint
blocking_mix (guint64 a, guint64 b)
{
    guint64 h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x7f4a7c159e3779b9ull + (a << 6));
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return (guint) (h ^ (h >> 32));
}

static guint
blocking_req_hash (gconstpointer p)
{
    const BlockingReqKey *k = p;
    return blocking_mix (k->dev, k->sector);
}

static gboolean
blocking_req_equal (gconstpointer a, gconstpointer b)
{
    const BlockingReqKey *x = a, *y = b;
    return x->dev == y->dev && x->sector == y->sector;
}

static guint
blocking_io_task_hash (gconstpointer p)
{
    const BlockingIoTask *t = p;
    return blocking_mix (t->dev, (guint32) t->pid);
}

static gboolean
blocking_io_task_equal (gconstpointer a, gconstpointer b)
{
    const BlockingIoTask *x = a, *y = b;
    return x->dev == y->dev && x->pid == y->pid;
}

static void
blocking_task_init (gpointer state, gint32 pid)
{
    ((BlockingTask *) state)->pid = pid;
    ((BlockingTask *) state)->task = FTA_TASK_NONE;
}

static void
blocking_task_clear (gpointer p)
{
    BlockingTask *t = p;
    if (t->d_dist)
        fta_dist_free (t->d_dist);
}

static void
blocking_io_task_free (gpointer p)
{
    BlockingIoTask *t = p;
    fta_dist_free (t->lat);
    g_free (t);
}

static void
blocking_dev_free (gpointer p)
{
    BlockingDev *d = p;
    fta_dist_free (d->lat);
    g_free (d);
}

static void
blocking_copy_comm (char *dst, const char *src, gsize len)
{
    if (len >= FTA_COMM_LEN)
        len = FTA_COMM_LEN - 1;
    memcpy (dst, src, len);
    dst[len] = '\0';
}

static void *
blocking_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    gint64 n = fta_options_get_int (opts, "longest");
    double pct = fta_options_get_double (opts, "finding_pct");
    GQuark q = g_quark_from_string ("blocking");
    if (n < 0 || n > BLOCKING_MAX_LONGEST) {
        g_set_error (error, q, 1,
                     "plugins.blocking.longest is %" G_GINT64_FORMAT
                     ": give 0 (no list) to %d", n, BLOCKING_MAX_LONGEST);
        return NULL;
    }
    if (!(pct > 0 && pct <= 100)) {
        g_set_error (error, q, 1,
                     "plugins.blocking.finding_pct is %g: give a share of the "
                     "trace above 0 and at most 100", pct);
        return NULL;
    }
    Blocking *b = g_new0 (Blocking, 1);
    b->ctx = ctx;
    b->longest_n = (guint) n;
    b->finding_pct = pct;
    b->tasks = fta_tasks_new (sizeof (BlockingTask), blocking_task_init, blocking_task_clear);
    b->wakers = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
    b->heap = g_new0 (BlockingEpisode, MAX (b->longest_n, 1));
    b->seen_lo = G_MAXINT64;
    b->seen_hi = G_MININT64;
    b->reqs = g_hash_table_new_full (blocking_req_hash, blocking_req_equal, g_free, NULL);
    b->io_tasks = g_hash_table_new_full (blocking_io_task_hash, blocking_io_task_equal,
                                         blocking_io_task_free, NULL);
    b->devs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, blocking_dev_free);
    b->io_last = fta_tasks_new (sizeof (BlockingIoTask *), NULL, NULL);
    return b;
}

/* --- D episodes ------------------------------------------------------------ */

static BlockingTask *
blocking_task (Blocking *b, guint32 task, gint32 pid, gint32 cpu)
{
    BlockingTask *t = fta_tasks_get (b->tasks, task, pid, cpu);
    if (pid > 0 && task != FTA_TASK_NONE)
        t->task = task;
    return t;
}

/* Sets T's comm to COMM (NUL-terminated), cut and padded as the kernel
 * keeps it. */
static inline void
blocking_task_set_comm (BlockingTask *t, const char *comm)
{
    gsize n = strnlen (comm, FTA_COMM_LEN - 1);
    memcpy (t->comm, comm, n);
    memset (t->comm + n, 0, FTA_COMM_LEN - n);
}

/* fta_context_task_selected for T's episode EP: the context keeps the
 * verdict per task id and comm. */
static gboolean
blocking_ep_selected (Blocking *b, BlockingTask *t, const BlockingEpisode *ep)
{
    return fta_context_task_selected_id (b->ctx, t->task, ep->pid, ep->comm);
}

/* Heap order: shorter first; of equal ones, the later (then higher pid)
 * goes first, so the earliest of equal episodes stay in the list. */
static gboolean
blocking_ep_less (const BlockingEpisode *a, const BlockingEpisode *b)
{
    if (a->dur_ns != b->dur_ns)
        return a->dur_ns < b->dur_ns;
    if (a->start_ns != b->start_ns)
        return a->start_ns > b->start_ns;
    return a->pid > b->pid;
}

static void
blocking_heap_sift_down (BlockingEpisode *h, guint n, guint i)
{
    for (;;) {
        guint l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && blocking_ep_less (&h[l], &h[m]))
            m = l;
        if (r < n && blocking_ep_less (&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        BlockingEpisode tmp = h[i];
        h[i] = h[m];
        h[m] = tmp;
        i = m;
    }
}

static void
blocking_heap_offer (Blocking *b, const BlockingEpisode *ep)
{
    BlockingEpisode *h = b->heap;
    if (b->longest_n == 0)
        return;
    if (b->heap_len < b->longest_n) {
        guint i = b->heap_len++;
        h[i] = *ep;
        while (i > 0 && blocking_ep_less (&h[i], &h[(i - 1) / 2])) {
            BlockingEpisode tmp = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = tmp;
            i = (i - 1) / 2;
        }
    } else if (blocking_ep_less (&h[0], ep)) {
        h[0] = *ep;
        blocking_heap_sift_down (h, b->heap_len, 0);
    }
}

/* The task's pending episode is complete: WAKER_PID -1 when not known. */
static void
blocking_settle (Blocking *b, BlockingTask *t, gint32 waker_pid, const char *waker_comm)
{
    if (!t->pending)
        return;
    t->pending = FALSE;
    BlockingEpisode e = { t->ep_start_ns, t->ep_dur_ns, t->pid, t->ep_cpu, waker_pid };
    BlockingEpisode *ep = &e;
    memcpy (ep->comm, t->comm, FTA_COMM_LEN);
    if (waker_pid < 0) {
        t->d_no_waker++;
        ep->waker_comm[0] = '\0';
    } else {
        /* interrupts on an idle CPU: named as wakeup.pairs names them */
        g_strlcpy (ep->waker_comm, waker_pid == 0 ? "<idle>" : waker_comm ? waker_comm : "",
                   FTA_COMM_LEN);
        BlockingWaker *w = t->last_waker;
        if (!w || w->waker_pid != waker_pid) {
            gint64 key = ((gint64) t->pid << 32) | (guint32) waker_pid;
            w = g_hash_table_lookup (b->wakers, &key);
            if (!w) {
                w = g_new0 (BlockingWaker, 1);
                w->key = key;
                w->pid = t->pid;
                w->waker_pid = waker_pid;
                w->task = t;
                g_hash_table_insert (b->wakers, &w->key, w);
            }
            t->last_waker = w;
        }
        if (ep->waker_comm[0])
            memcpy (w->waker_comm, ep->waker_comm, FTA_COMM_LEN);
        w->count++;
        w->total_ns += ep->dur_ns;
    }
    if (blocking_ep_selected (b, t, ep))
        blocking_heap_offer (b, ep);
}

static void
blocking_on_span (void *self, const FtaSpan *sp)
{
    Blocking *b = self;
    if (sp->start_ns < b->seen_lo)
        b->seen_lo = sp->start_ns;
    if (sp->end_ns > b->seen_hi)
        b->seen_hi = sp->end_ns;

    BlockingTask *t = fta_tasks_find (b->tasks, sp->task, sp->pid, sp->cpu);
    if (!t) {
        /* the first sleep of a task counts it: until then it has nothing
         * to report, and its comm is that span's */
        if ((sp->state != FTA_TASK_BLOCKED && sp->state != FTA_TASK_SLEEPING)
            || (sp->flags & FTA_SPAN_TRUNCATED))
            return;
        t = blocking_task (b, sp->task, sp->pid, sp->cpu);
    }
    if (t->pending) {
        /* the span after an episode: Runnable from the episode's end when
         * woken (also when the trace or --end cut it: the waker is known) */
        if (sp->state == FTA_TASK_RUNNABLE && sp->reason == FTA_RUNNABLE_WOKEN
            && sp->start_ns == t->ep_start_ns + t->ep_dur_ns && sp->waker_pid >= 0)
            blocking_settle (b, t, sp->waker_pid, sp->waker_comm);
        else
            blocking_settle (b, t, -1, NULL);
    }
    if (sp->flags & FTA_SPAN_TRUNCATED)
        return;
    gint64 d = sp->end_ns - sp->start_ns;
    if (sp->comm && sp->comm[0])
        blocking_task_set_comm (t, sp->comm);
    if (sp->state == FTA_TASK_SLEEPING) {
        t->sleep_count++;
        t->sleep_ns += d;
    } else if (sp->state == FTA_TASK_BLOCKED) {
        if (t->d_count == 1) {
            t->d_dist = fta_dist_new ();
            fta_dist_add (t->d_dist, t->d_total_ns);
        }
        if (t->d_dist)
            fta_dist_add (t->d_dist, d);
        t->d_count++;
        t->d_total_ns += d;
        t->pending = TRUE;
        t->ep_start_ns = sp->start_ns;
        t->ep_dur_ns = d;
        t->ep_cpu = sp->cpu;
    }
}

/* --- block I/O ----------------------------------------------------------------- */

static const char *
blocking_skip_blanks (const char *s, const char *end)
{
    while (s < end && *s == ' ')
        s++;
    return s;
}

/* Decimal digits at *S; FALSE when there are none or they overflow. */
static gboolean
blocking_parse_u64 (const char **s, const char *end, guint64 *out)
{
    const char *p = *s;
    guint64 v = 0;
    if (p >= end || !g_ascii_isdigit (*p))
        return FALSE;
    for (; p < end && g_ascii_isdigit (*p); p++) {
        guint d = (guint) (*p - '0');
        if (v > (G_MAXUINT64 - d) / 10)
            return FALSE;
        v = v * 10 + d;
    }
    *s = p;
    *out = v;
    return TRUE;
}

static gboolean
blocking_parse_rq (const FtaEvent *ev, BlockingRq *rq)
{
    const char *s = ev->fields, *end = ev->fields + ev->fields_len;
    guint64 major = 0, minor = 0, bytes = 0;
    if (!s)
        return FALSE;
    s = blocking_skip_blanks (s, end);
    if (!blocking_parse_u64 (&s, end, &major) || s >= end || *s++ != ','
        || !blocking_parse_u64 (&s, end, &minor) || major > G_MAXUINT32
        || minor > G_MAXUINT32)
        return FALSE;
    rq->dev = major << 32 | minor;
    /* rwbs */
    s = blocking_skip_blanks (s, end);
    while (s < end && *s != ' ')
        s++;
    s = blocking_skip_blanks (s, end);
    /* bytes, when printed */
    if (s < end && *s != '(' && !blocking_parse_u64 (&s, end, &bytes))
        return FALSE;
    s = blocking_skip_blanks (s, end);
    /* the command: "()", or hex bytes with blanks for passthrough requests */
    if (s >= end || *s != '(')
        return FALSE;
    const char *close = memchr (s, ')', end - s);
    if (!close)
        return FALSE;
    s = blocking_skip_blanks (close + 1, end);
    if (!blocking_parse_u64 (&s, end, &rq->sector))
        return FALSE;
    s = blocking_skip_blanks (s, end);
    if (s >= end || *s++ != '+')
        return FALSE;
    s = blocking_skip_blanks (s, end);
    if (!blocking_parse_u64 (&s, end, &rq->nr))
        return FALSE;
    /* "[comm]" (issue, insert) or "[error]" (complete) ends the line,
     * after an optional ioprio; comms may hold blanks and brackets */
    s = blocking_skip_blanks (s, end);
    if (s < end && *s != '[') {
        while (s < end && *s != ' ')
            s++;
        s = blocking_skip_blanks (s, end);
    }
    while (end > s && (end[-1] == ' ' || end[-1] == '\r'))
        end--;
    if (end - s < 2 || *s != '[' || end[-1] != ']')
        return FALSE;
    rq->comm = s + 1;
    rq->comm_len = (guint) (end - s - 2);
    return TRUE;
}

static BlockingDev *
blocking_dev (Blocking *b, guint64 dev)
{
    if (b->last_dev && b->last_dev->dev == dev)
        return b->last_dev;
    BlockingDev *d = g_hash_table_lookup (b->devs, &dev);
    if (!d) {
        d = g_new0 (BlockingDev, 1);
        d->dev = dev;
        d->queue_max_ns = -1;
        d->lat = fta_dist_new ();
        g_hash_table_insert (b->devs, &d->dev, d);
    }
    b->last_dev = d;
    return d;
}

/* The issuing task PID (task id TASK) on DEV. */
static BlockingIoTask *
blocking_io_task (Blocking *b, guint64 dev, guint32 task, gint32 pid, gint32 cpu)
{
    BlockingIoTask **last = fta_tasks_get (b->io_last, task, pid, cpu);
    BlockingIoTask *t = *last;
    if (t && t->dev == dev)
        return t;
    BlockingIoTask key = { .dev = dev, .pid = pid };
    t = g_hash_table_lookup (b->io_tasks, &key);
    if (!t) {
        t = g_new0 (BlockingIoTask, 1);
        t->dev = dev;
        t->pid = pid;
        t->lat = fta_dist_new ();
        g_hash_table_add (b->io_tasks, t);
    }
    *last = t;
    return t;
}

/* Requests are recycled: a busy trace allocates only as many as were ever
 * in flight at once. */
static BlockingReq *
blocking_req_new (Blocking *b, guint64 dev, guint64 sector)
{
    BlockingReq *r = b->free_reqs;
    if (r)
        b->free_reqs = r->next_free;
    else
        r = g_new (BlockingReq, 1);
    r->key.dev = dev;
    r->key.sector = sector;
    r->nr = 0;
    r->insert_ns = -1;
    r->issue_ns = -1;
    r->issuer = NULL;
    r->next_free = NULL;
    g_hash_table_add (b->reqs, r);
    return r;
}

static void
blocking_req_drop (Blocking *b, BlockingReq *r)
{
    g_hash_table_steal (b->reqs, r);
    r->next_free = b->free_reqs;
    b->free_reqs = r;
}

/* A lost-event gap: a complete after it may belong to a request whose
 * issue was lost, so no pending issue may pair with it. */
static void
blocking_io_forget (Blocking *b)
{
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init (&it, b->reqs);
    while (g_hash_table_iter_next (&it, &k, NULL)) {
        BlockingReq *r = k;
        if (r->issue_ns >= 0)
            blocking_dev (b, r->key.dev)->unmatched_issues++;
        g_hash_table_iter_steal (&it);
        r->next_free = b->free_reqs;
        b->free_reqs = r;
    }
}

/* The request in flight at DEV and SECTOR, NULL none. */
static BlockingReq *
blocking_req_at (Blocking *b, guint64 dev, guint64 sector)
{
    BlockingReqKey key = { dev, sector };
    return g_hash_table_lookup (b->reqs, &key);
}

static void
blocking_on_insert (Blocking *b, const FtaEvent *ev, const BlockingRq *rq)
{
    BlockingDev *d = blocking_dev (b, rq->dev);
    d->inserts++;
    if (rq->nr == 0)
        return;
    BlockingReq *r = blocking_req_at (b, rq->dev, rq->sector);
    if (!r) {
        r = blocking_req_new (b, rq->dev, rq->sector);
    } else if (r->issue_ns >= 0) {
        /* inserted again before it completed: requeued */
        d->reissued++;
        r->issue_ns = -1;
        r->issuer = NULL;
    }
    r->nr = rq->nr;
    r->insert_ns = ev->ts_ns;
}

static void
blocking_on_issue (Blocking *b, const FtaEvent *ev, const BlockingRq *rq)
{
    BlockingDev *d = blocking_dev (b, rq->dev);
    d->issues++;
    BlockingIoTask *t = blocking_io_task (b, rq->dev, ev->task, ev->pid, ev->cpu);
    t->issues++;
    blocking_copy_comm (t->comm, rq->comm, rq->comm_len);
    if (rq->nr == 0) {
        d->flush_issues++;
        return;
    }
    BlockingReq *r = blocking_req_at (b, rq->dev, rq->sector);
    if (!r) {
        r = blocking_req_new (b, rq->dev, rq->sector);
    } else if (r->issue_ns >= 0) {
        /* issued again before a complete: the same request dispatched
         * again (requeued), or, with another size, a stale one */
        if (r->nr == rq->nr)
            d->reissued++;
        else
            d->unmatched_issues++;
        r->insert_ns = -1;
    } else if (r->insert_ns >= 0 && r->nr == rq->nr && ev->ts_ns >= r->insert_ns) {
        gint64 q = ev->ts_ns - r->insert_ns;
        d->queued++;
        d->queue_sum_ns += q;
        if (q > d->queue_max_ns)
            d->queue_max_ns = q;
    }
    r->nr = rq->nr;
    r->issue_ns = ev->ts_ns;
    r->issuer = t;
}

static void
blocking_on_complete (Blocking *b, const FtaEvent *ev, const BlockingRq *rq)
{
    BlockingDev *d = blocking_dev (b, rq->dev);
    d->completes++;
    if (rq->nr == 0) {
        d->flush_completes++;
        return;
    }
    BlockingReq *r = blocking_req_at (b, rq->dev, rq->sector);
    if (!r || r->issue_ns < 0) {
        d->unmatched_completes++;
        if (r)
            blocking_req_drop (b, r); /* inserted, never issued */
        return;
    }
    if (rq->nr > r->nr || ev->ts_ns < r->issue_ns) {
        /* not the request that was issued there */
        d->unmatched_completes++;
        d->unmatched_issues++;
        blocking_req_drop (b, r);
        return;
    }
    if (rq->nr < r->nr) {
        /* part of it done: the rest completes from the next sector */
        d->partial_completes++;
        BlockingReqKey rest = { rq->dev, rq->sector + rq->nr };
        BlockingReq *other = blocking_req_at (b, rest.dev, rest.sector);
        if (other) {
            if (other->issue_ns >= 0)
                d->unmatched_issues++;
            blocking_req_drop (b, other);
        }
        g_hash_table_steal (b->reqs, r);
        r->key = rest;
        r->nr -= rq->nr;
        g_hash_table_add (b->reqs, r);
        return;
    }
    gint64 lat = ev->ts_ns - r->issue_ns;
    fta_dist_add (d->lat, lat);
    fta_dist_add (r->issuer->lat, lat);
    blocking_req_drop (b, r);
}

static void
blocking_on_event (void *self, const FtaEvent *ev)
{
    Blocking *b = self;
    if (ev->type == FTA_EV_LOST || ev->type == FTA_EV_BUFFER_STARTED) {
        blocking_io_forget (b);
        return;
    }
    BlockingRq rq = { 0 };
    b->io_seen = TRUE;
    if (!blocking_parse_rq (ev, &rq)) {
        if (!b->io_unparsed++)
            b->io_unparsed_line = ev->line_no;
        return;
    }
    switch (ev->type) {
    case FTA_EV_BLOCK_RQ_INSERT: blocking_on_insert (b, ev, &rq); break;
    case FTA_EV_BLOCK_RQ_ISSUE: blocking_on_issue (b, ev, &rq); break;
    case FTA_EV_BLOCK_RQ_COMPLETE: blocking_on_complete (b, ev, &rq); break;
    default: break;
    }
}

/* --- results ------------------------------------------------------------------- */

/* "major,minor" into BUF, 24 bytes */
static void
blocking_dev_name (char *buf, guint64 dev)
{
    g_snprintf (buf, 24, "%u,%u", (guint) (dev >> 32), (guint) (dev & 0xffffffffu));
}

static char *
blocking_ms (gint64 ns)
{
    return g_strdup_printf ("%.3f ms", ns / 1e6);
}

/* The waker that ended most of a task's episodes: most episodes, then most
 * time, then the lowest pid. */
static gboolean
blocking_waker_better (const BlockingWaker *a, const BlockingWaker *b)
{
    if (a->count != b->count)
        return a->count > b->count;
    if (a->total_ns != b->total_ns)
        return a->total_ns > b->total_ns;
    return a->waker_pid < b->waker_pid;
}

/* --- the tables' columns -------------------------------------------------------- */

/* A task's row of blocking.tasks is its BlockingTask, read until the
 * results are rendered; the data the Blocking. */
#define TASK(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (BlockingTask, member)

/* The D episodes' average, 99th percentile or maximum (KIND, as the
 * FTA_FIELD_DIST_* of a table would give them): one episode is its own
 * distribution, none is a null cell. */
static void
blocking_get_d (const BlockingTask *k, FtaFieldKind kind, FtaValue *v)
{
    if (k->d_dist) {
        FtaDist *d = k->d_dist; /* a percentile sorts its samples */
        guint64 n = fta_dist_count (d);
        if (!n)
            return;
        v->is_null = FALSE;
        v->i = kind == FTA_FIELD_DIST_AVG   ? fta_dist_sum (d) / (gint64) n
               : kind == FTA_FIELD_DIST_P99 ? fta_dist_percentile (d, 99)
                                            : fta_dist_max (d);
    } else if (k->d_count == 1) {
        v->is_null = FALSE;
        v->i = k->d_total_ns;
    }
}

static void
blocking_get_d_avg (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) data, (void) scratch;
    blocking_get_d (row, FTA_FIELD_DIST_AVG, v);
}

static void
blocking_get_d_p99 (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) data, (void) scratch;
    blocking_get_d (row, FTA_FIELD_DIST_P99, v);
}

static void
blocking_get_d_max (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) data, (void) scratch;
    blocking_get_d (row, FTA_FIELD_DIST_MAX, v);
}

/* "comm-pid" of the top waker */
static void
blocking_get_top (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const BlockingWaker *top = ((const BlockingTask *) row)->top;
    (void) data;
    if (top) {
        g_string_append_printf (scratch, "%s-%d", top->waker_comm, top->waker_pid);
        v->is_null = FALSE;
        v->s = scratch->str;
    }
}

static void
blocking_get_top_pid (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const BlockingWaker *top = ((const BlockingTask *) row)->top;
    (void) data, (void) scratch;
    if (top && top->waker_pid >= 0) {
        v->is_null = FALSE;
        v->i = top->waker_pid;
    }
}

static void
blocking_get_top_count (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const BlockingWaker *top = ((const BlockingTask *) row)->top;
    (void) data, (void) scratch;
    if (top && (gint64) top->count >= 0) {
        v->is_null = FALSE;
        v->i = (gint64) top->count;
    }
}

static void
blocking_get_task_seq (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    const BlockingTask *k = row;
    (void) scratch;
    v->is_null = FALSE;
    v->i = k->task != FTA_TASK_NONE ? fta_context_task_seq (((const Blocking *) data)->ctx, k->task)
                                    : 0;
}

static const FtaColumnSpec blocking_task_columns[] = {
    { "pid", FTA_COL_INT, TRUE, TASK (FTA_FIELD_INT32, pid) },
    { "comm", FTA_COL_STRING, TASK (FTA_FIELD_CHARS, comm) },
    { "d_count", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, d_count) },
    { "d_total_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, d_total_ns) },
    { "d_avg_ns", FTA_COL_DURATION, .get = blocking_get_d_avg },
    { "d_p99_ns", FTA_COL_DURATION, .get = blocking_get_d_p99 },
    { "d_max_ns", FTA_COL_DURATION, .get = blocking_get_d_max },
    { "sleep_ns", FTA_COL_DURATION, TASK (FTA_FIELD_INT64, sleep_ns) },
    { "top_waker", FTA_COL_STRING, .get = blocking_get_top },
    { "top_waker_pid", FTA_COL_INT, .get = blocking_get_top_pid },
    { "top_waker_count", FTA_COL_COUNT, .get = blocking_get_top_count },
    { "d_no_waker", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, d_no_waker) },
    { "sleep_count", FTA_COL_COUNT, TASK (FTA_FIELD_UINT64, sleep_count) },
    /* which task of its pid: in text when a pid names two */
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL, .get = blocking_get_task_seq },
};
static const FtaTableSpec blocking_tasks_spec = FTA_TABLE_SPEC (
    "tasks", "Blocked (D) and sleeping (S) time per task", blocking_task_columns);

/* A waker of a task as its row of blocking.wakers shows it. */
typedef struct {
    BlockingWaker w;
    const char *comm; /* the wakee's */
} BlockingWakerRow;

#define WAKER(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (BlockingWakerRow, member)

static const FtaColumnSpec blocking_waker_columns[] = {
    { "pid", FTA_COL_INT, TRUE, WAKER (FTA_FIELD_INT32, w.pid) },
    { "comm", FTA_COL_STRING, WAKER (FTA_FIELD_STRING, comm) },
    { "waker_pid", FTA_COL_INT, TRUE, WAKER (FTA_FIELD_INT32, w.waker_pid) },
    { "waker_comm", FTA_COL_STRING, WAKER (FTA_FIELD_CHARS, w.waker_comm) },
    { "count", FTA_COL_COUNT, WAKER (FTA_FIELD_UINT64, w.count) },
    { "total_ns", FTA_COL_DURATION, WAKER (FTA_FIELD_INT64, w.total_ns) },
};
static const FtaTableSpec blocking_wakers_spec = FTA_TABLE_SPEC (
    "wakers", "Who ended D episodes: wakers per blocked task", blocking_waker_columns);

/* A D episode as its row of blocking.longest shows it. */
typedef struct {
    BlockingEpisode ep;
    const char *waker_comm; /* NULL: no waker */
} BlockingEpisodeRow;

#define EPISODE(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (BlockingEpisodeRow, member)

static const FtaColumnSpec blocking_longest_columns[] = {
    { "pid", FTA_COL_INT, TRUE, EPISODE (FTA_FIELD_INT32, ep.pid) },
    { "comm", FTA_COL_STRING, EPISODE (FTA_FIELD_CHARS, ep.comm) },
    { "start_ns", FTA_COL_INT, TRUE, EPISODE (FTA_FIELD_INT64, ep.start_ns) },
    { "duration_ns", FTA_COL_DURATION, EPISODE (FTA_FIELD_INT64, ep.dur_ns) },
    { "cpu", FTA_COL_INT, EPISODE (FTA_FIELD_ID32, ep.cpu) },
    { "waker_pid", FTA_COL_INT, EPISODE (FTA_FIELD_ID32, ep.waker_pid) },
    { "waker_comm", FTA_COL_STRING, EPISODE (FTA_FIELD_STRING, waker_comm) },
};
static const FtaTableSpec blocking_longest_spec = FTA_TABLE_SPEC (
    "longest", "Longest D episodes", blocking_longest_columns);

/* The latency of the requests of LAT, an FtaDist * of the row struct
 * TYPE: requests, total_ns, avg_ns, p99_ns, max_ns, one request in us,
 * their total in ms. */
#define BLOCKING_LAT_COLUMNS(type, lat)                                                     \
    { "requests", FTA_COL_COUNT, .field = FTA_FIELD_DIST_COUNT,                             \
      .offset = G_STRUCT_OFFSET (type, lat) },                                              \
    { "total_ns", FTA_COL_DURATION, .field = FTA_FIELD_DIST_SUM,                            \
      .offset = G_STRUCT_OFFSET (type, lat) },                                              \
    { "avg_ns", FTA_COL_DURATION, .display_unit = "us", .field = FTA_FIELD_DIST_AVG,        \
      .offset = G_STRUCT_OFFSET (type, lat) },                                              \
    { "p99_ns", FTA_COL_DURATION, .display_unit = "us", .field = FTA_FIELD_DIST_P99,        \
      .offset = G_STRUCT_OFFSET (type, lat) },                                              \
    { "max_ns", FTA_COL_DURATION, .display_unit = "us", .field = FTA_FIELD_DIST_MAX,        \
      .offset = G_STRUCT_OFFSET (type, lat) }

/* An issuing task of a device as its row of blocking.io shows it. */
typedef struct {
    BlockingIoTask k;
    char dev[24]; /* "major,minor" */
} BlockingIoRow;

#define IO(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (BlockingIoRow, member)

static const FtaColumnSpec blocking_io_columns[] = {
    { "dev", FTA_COL_STRING, TRUE, IO (FTA_FIELD_CHARS, dev) },
    { "pid", FTA_COL_INT, TRUE, IO (FTA_FIELD_INT32, k.pid) },
    { "comm", FTA_COL_STRING, IO (FTA_FIELD_CHARS, k.comm) },
    BLOCKING_LAT_COLUMNS (BlockingIoRow, k.lat),
    { "issues", FTA_COL_COUNT, IO (FTA_FIELD_UINT64, k.issues) },
};
static const FtaTableSpec blocking_io_spec = FTA_TABLE_SPEC (
    "io", "Block I/O latency (issue to complete) per device and issuing task",
    blocking_io_columns);

/* A device as its row of blocking.devices shows it. */
typedef struct {
    BlockingDev d;
    char dev[24];
    gint64 queue_avg_ns, queue_max_ns; /* -1: none queued */
} BlockingDevRow;

#define DEV(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (BlockingDevRow, member)

static const FtaColumnSpec blocking_dev_columns[] = {
    { "dev", FTA_COL_STRING, TRUE, DEV (FTA_FIELD_CHARS, dev) },
    BLOCKING_LAT_COLUMNS (BlockingDevRow, d.lat),
    { "issues", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.issues) },
    { "completes", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.completes) },
    { "flush_issues", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.flush_issues) },
    { "flush_completes", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.flush_completes) },
    { "reissued", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.reissued) },
    { "unmatched_issues", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.unmatched_issues) },
    { "unmatched_completes", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.unmatched_completes) },
    { "partial_completes", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.partial_completes) },
    { "in_flight_end", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.in_flight_end) },
    { "inserts", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.inserts) },
    { "queued", FTA_COL_COUNT, DEV (FTA_FIELD_UINT64, d.queued) },
    { "queue_avg_ns", FTA_COL_DURATION, .display_unit = "us",
      DEV (FTA_FIELD_OPT_INT64, queue_avg_ns) },
    { "queue_max_ns", FTA_COL_DURATION, .display_unit = "us",
      DEV (FTA_FIELD_OPT_INT64, queue_max_ns) },
};
static const FtaTableSpec blocking_devices_spec = FTA_TABLE_SPEC (
    "devices", "Block I/O per device: latency and request accounting", blocking_dev_columns);

static void
blocking_task_table (Blocking *b, FtaResults *r)
{
    FtaTable *t = fta_results_add_table_spec (r, "blocking", &blocking_tasks_spec);
    fta_table_set_needs (t, "sched_switch");
    gboolean reused = FALSE;
    for (guint i = 0; i < fta_tasks_count (b->tasks); i++) {
        BlockingTask *k = fta_tasks_nth (b->tasks, i);
        if ((!k->d_count && !k->sleep_count)
            || !fta_context_task_selected (b->ctx, k->pid, k->comm))
            continue;
        reused |= k->task != FTA_TASK_NONE && fta_context_task_seq (b->ctx, k->task) > 0;
        fta_table_add_row_ref (t, &blocking_tasks_spec, k, b);
    }
    if (reused)
        fta_table_set_column_rank (t, G_N_ELEMENTS (blocking_task_columns) - 1, 0);
    fta_table_sort_by (t, "pid", FALSE);
    fta_table_sort_by (t, "sleep_ns", TRUE);
    fta_table_sort_by (t, "d_total_ns", TRUE);
}

static void
blocking_waker_table (Blocking *b, FtaResults *r)
{
    FtaTable *t = fta_results_add_table_spec (r, "blocking", &blocking_wakers_spec);
    fta_table_set_needs (t, "sched_switch");
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, b->wakers);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
        BlockingWaker *w = v;
        BlockingTask *k = w->task;
        if (!fta_context_task_selected (b->ctx, w->pid, k->comm)
            && !fta_context_task_selected (b->ctx, w->waker_pid, w->waker_comm))
            continue;
        BlockingWakerRow row = { *w, k->comm };
        fta_table_add_row_from (t, &blocking_wakers_spec, &row, NULL);
    }
    fta_table_sort_by (t, "waker_pid", FALSE);
    fta_table_sort_by (t, "pid", FALSE);
    fta_table_sort_by (t, "total_ns", TRUE);
}

static int
blocking_ep_cmp_desc (gconstpointer a, gconstpointer b)
{
    const BlockingEpisode *x = a, *y = b;
    return blocking_ep_less (y, x) ? -1 : blocking_ep_less (x, y) ? 1 : 0;
}

static void
blocking_longest_table (Blocking *b, FtaResults *r)
{
    FtaTable *t = fta_results_add_table_spec (r, "blocking", &blocking_longest_spec);
    fta_table_set_needs (t, "sched_switch");
    qsort (b->heap, b->heap_len, sizeof *b->heap, blocking_ep_cmp_desc);
    for (guint i = 0; i < b->heap_len; i++) {
        BlockingEpisodeRow row = { b->heap[i], NULL };
        if (row.ep.waker_pid >= 0)
            row.waker_comm = b->heap[i].waker_comm;
        fta_table_add_row_from (t, &blocking_longest_spec, &row, NULL);
    }
    b->heap_len = 0; /* sorted: no longer a heap */
}

/* A hash table's keys (KEYS) or values, to sort. */
static GPtrArray *
blocking_items (GHashTable *h, gboolean keys)
{
    GPtrArray *a = g_ptr_array_sized_new (g_hash_table_size (h));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init (&it, h);
    while (g_hash_table_iter_next (&it, &k, &v))
        g_ptr_array_add (a, keys ? k : v);
    return a;
}

/* devices in numeric order (8,0 before 254,0), then tasks by pid */
static int
blocking_io_task_cmp (gconstpointer a, gconstpointer b)
{
    const BlockingIoTask *x = *(BlockingIoTask *const *) a, *y = *(BlockingIoTask *const *) b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
blocking_dev_cmp (gconstpointer a, gconstpointer b)
{
    const BlockingDev *x = *(BlockingDev *const *) a, *y = *(BlockingDev *const *) b;
    return (x->dev > y->dev) - (x->dev < y->dev);
}

static void
blocking_io_tables (Blocking *b, FtaResults *r)
{
    FtaTable *t = fta_results_add_table_spec (r, "blocking", &blocking_io_spec);
    GPtrArray *all = blocking_items (b->io_tasks, TRUE);
    g_ptr_array_sort (all, blocking_io_task_cmp);
    for (guint i = 0; i < all->len; i++) {
        BlockingIoTask *k = g_ptr_array_index (all, i);
        if (!fta_context_task_selected (b->ctx, k->pid, k->comm))
            continue;
        BlockingIoRow row = { *k, "" };
        blocking_dev_name (row.dev, k->dev);
        fta_table_add_row_from (t, &blocking_io_spec, &row, NULL);
    }
    g_ptr_array_free (all, TRUE);
    fta_table_sort_by (t, "total_ns", TRUE);

    FtaTable *d = fta_results_add_table_spec (r, "blocking", &blocking_devices_spec);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, b->reqs);
    while (g_hash_table_iter_next (&it, &v, NULL)) {
        BlockingReq *q = v;
        if (q->issue_ns >= 0)
            blocking_dev (b, q->key.dev)->in_flight_end++;
    }
    all = blocking_items (b->devs, FALSE);
    g_ptr_array_sort (all, blocking_dev_cmp);
    for (guint i = 0; i < all->len; i++) {
        BlockingDev *k = g_ptr_array_index (all, i);
        BlockingDevRow row = { *k, "", -1, -1 };
        blocking_dev_name (row.dev, k->dev);
        if (k->queued) {
            row.queue_avg_ns = k->queue_sum_ns / (gint64) k->queued;
            row.queue_max_ns = k->queue_max_ns;
        }
        fta_table_add_row_from (d, &blocking_devices_spec, &row, NULL);
    }
    g_ptr_array_free (all, TRUE);
}

static int
blocking_task_cmp_d (gconstpointer a, gconstpointer b)
{
    const BlockingTask *x = *(BlockingTask *const *) a, *y = *(BlockingTask *const *) b;
    if (x->d_total_ns != y->d_total_ns)
        return x->d_total_ns > y->d_total_ns ? -1 : 1;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Tasks a finding names one a line in its evidence, the worst included. */
#define BLOCKING_MAX_NAMED 8

/* The tasks that spend at least finding_pct of the time the trace covers
 * in D, the largest first: one finding per severity. */
static void
blocking_findings (Blocking *b, FtaResults *r)
{
    if (b->seen_hi < b->seen_lo)
        return; /* no span seen (sentinels still set) */
    gint64 span = b->seen_hi - b->seen_lo;
    if (span <= 0)
        return;
    GPtrArray *hits = g_ptr_array_new ();
    GHashTableIter it;
    gpointer v;
    for (guint i = 0; i < fta_tasks_count (b->tasks); i++) {
        BlockingTask *k = fta_tasks_nth (b->tasks, i);
        if (k->d_count && 100.0 * k->d_total_ns / span >= b->finding_pct
            && fta_context_task_selected (b->ctx, k->pid, k->comm))
            g_ptr_array_add (hits, k);
    }
    g_ptr_array_sort (hits, blocking_task_cmp_d);
    /* one finding per severity: the task's own when it is alone, else one
     * for all of them with the worst one's evidence */
    for (int sev = FTA_SEVERITY_CRITICAL; sev >= FTA_SEVERITY_WARNING; sev--) {
        GPtrArray *same = g_ptr_array_new ();
        gint64 cost = 0;
        for (guint i = 0; i < hits->len; i++) {
            BlockingTask *x = g_ptr_array_index (hits, i);
            if ((100.0 * x->d_total_ns / span >= 50) == (sev == FTA_SEVERITY_CRITICAL)) {
                g_ptr_array_add (same, x);
                cost += x->d_total_ns;
            }
        }
        if (!same->len) {
            g_ptr_array_free (same, TRUE);
            continue;
        }
        BlockingTask *k = g_ptr_array_index (same, 0);
        double share = 100.0 * k->d_total_ns / span;
        /* what the task waited for: I/O it issued itself, or a wakeup from
         * interrupt context (I/O completions run there), suggests storage */
        guint64 io_n = 0;
        gint64 io_sum = 0, io_max = -1;
        g_hash_table_iter_init (&it, b->io_tasks);
        while (g_hash_table_iter_next (&it, &v, NULL)) {
            BlockingIoTask *t = v;
            if (t->pid != k->pid)
                continue;
            io_n += fta_dist_count (t->lat);
            io_sum += fta_dist_sum (t->lat);
            io_max = MAX (io_max, fta_dist_max (t->lat));
        }
        gboolean irq_woken = k->top && (k->top->waker_pid == 0
                                        || g_str_has_prefix (k->top->waker_comm, "ksoftirqd/")
                                        || g_str_has_prefix (k->top->waker_comm, "kworker/"));
        gboolean io = io_n > 0 || irq_woken;
        char *title;
        if (same->len == 1) {
            title = g_strdup_printf ("%s-%d is blocked in D state %.1f%% of the trace",
                                     k->comm, k->pid, share);
        } else {
            const BlockingTask *last = g_ptr_array_index (same, same->len - 1);
            GString *worst = g_string_new (NULL);
            for (guint i = 0; i < same->len && i < 3; i++) {
                const BlockingTask *x = g_ptr_array_index (same, i);
                g_string_append_printf (worst, "%s%s-%d (%.1f%%)", i ? ", " : "", x->comm,
                                        x->pid, 100.0 * x->d_total_ns / span);
            }
            char *lo = g_strdup_printf ("%.1f", 100.0 * last->d_total_ns / span);
            char *hi = g_strdup_printf ("%.1f", share);
            title = g_strdup_printf ("%u tasks are blocked in D state %s%s%s%% of the trace; "
                                     "worst: %s%s", same->len, strcmp (lo, hi) ? lo : "",
                                     strcmp (lo, hi) ? "\u2013" : "", hi, worst->str,
                                     same->len > 3 ? ", ..." : "");
            g_free (lo);
            g_free (hi);
            g_string_free (worst, TRUE);
        }
        const char *cause =
            io ? "Uninterruptible sleep that interrupt context or a kernel worker ends is "
                 "most often waiting for block I/O (reads, writeback, fsync/journal "
                 "commits); the wakers and the task's own requests are in the evidence."
               : "Uninterruptible sleep ended by another task: waiting on a kernel lock "
                 "(mutex, rwsem, page lock) or a resource that task releases.";
        const char *advice =
            io ? "Compare the device latency in blocking.devices/blocking.io with what "
                 "the storage should deliver; reduce synchronous writes (fsync, O_SYNC, "
                 "O_DIRECT with small blocks) or move them off the latency-critical "
                 "thread; for a VM, check the host's I/O path (cache mode, iothreads)."
               : "Look at what the top waker does when it releases the task (its stack "
                 "with perf or the function tracer at the wakeup) and reduce contention "
                 "on that lock or resource.";
        FtaFinding *f = fta_results_add_finding (
            r, (FtaSeverity) sev, "blocking.d-state-share", title, cause, advice);
        fta_finding_set_cost (f, cost);
        char *s;
        s = g_strdup_printf ("%d", k->pid);
        fta_finding_add_evidence (f, "pid", s);
        g_free (s);
        fta_finding_add_evidence (f, "comm", k->comm);
        s = g_strdup_printf ("%.1f%% (threshold %.1f%%)", share, b->finding_pct);
        fta_finding_add_evidence (f, "d_share", s);
        g_free (s);
        s = blocking_ms (k->d_total_ns);
        fta_finding_add_evidence (f, "d_total", s);
        g_free (s);
        s = blocking_ms (span);
        fta_finding_add_evidence (f, "trace_span", s);
        g_free (s);
        s = g_strdup_printf ("%" G_GUINT64_FORMAT, k->d_count);
        fta_finding_add_evidence (f, "d_count", s);
        g_free (s);
        s = blocking_ms (k->d_total_ns / (gint64) k->d_count);
        fta_finding_add_evidence (f, "d_avg", s);
        g_free (s);
        s = blocking_ms (k->d_dist ? fta_dist_max (k->d_dist) : k->d_total_ns);
        fta_finding_add_evidence (f, "d_max", s);
        g_free (s);
        if (k->top) {
            s = g_strdup_printf ("%s-%d (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                                 " episodes)",
                                 k->top->waker_comm, k->top->waker_pid, k->top->count,
                                 k->d_count);
            fta_finding_add_evidence (f, "top_waker", s);
            g_free (s);
        }
        if (io_n) {
            s = g_strdup_printf ("%" G_GUINT64_FORMAT " requests, avg %.3f ms, max %.3f ms",
                                 io_n, io_sum / 1e6 / io_n, io_max / 1e6);
            fta_finding_add_evidence (f, "own_block_io", s);
            g_free (s);
        }
        if (same->len > 1) {
            s = g_strdup_printf ("%u (the worst first)", same->len);
            fta_finding_add_evidence (f, "tasks", s);
            g_free (s);
        }
        for (guint i = 1; i < same->len && i < BLOCKING_MAX_NAMED; i++) {
            const BlockingTask *x = g_ptr_array_index (same, i);
            char *key = g_strdup_printf ("%s-%d", x->comm, x->pid);
            char *tot = blocking_ms (x->d_total_ns);
            s = g_strdup_printf ("d_share %.1f%%, d_total %s, d_count %" G_GUINT64_FORMAT,
                                 100.0 * x->d_total_ns / span, tot, x->d_count);
            fta_finding_add_evidence (f, key, s);
            g_free (s);
            g_free (tot);
            g_free (key);
        }
        if (same->len > BLOCKING_MAX_NAMED) {
            s = g_strdup_printf ("%u", same->len - BLOCKING_MAX_NAMED);
            fta_finding_add_evidence (f, "more tasks", s);
            g_free (s);
        }
        g_free (title);
        g_ptr_array_free (same, TRUE);
    }
    g_ptr_array_free (hits, TRUE);
}

static void
blocking_finish (void *self, FtaResults *r)
{
    Blocking *b = self;
    /* episodes whose next span never came (end of the trace, --end) */
    for (guint i = 0; i < fta_tasks_count (b->tasks); i++)
        blocking_settle (b, fta_tasks_nth (b->tasks, i), -1, NULL);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, b->wakers);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
        BlockingWaker *w = v;
        BlockingTask *k = w->task;
        if (!k->top || blocking_waker_better (w, k->top))
            k->top = w;
    }
    blocking_task_table (b, r);
    blocking_waker_table (b, r);
    blocking_longest_table (b, r);
    if (b->io_seen)
        blocking_io_tables (b, r);
    blocking_findings (b, r);
    if (b->io_unparsed) {
        char *title = g_strdup_printf ("%" G_GUINT64_FORMAT " block_rq_* events were not "
                                       "understood", b->io_unparsed);
        FtaFinding *f = fta_results_add_finding (
            r, FTA_SEVERITY_INFO, "blocking.io-unparsed", title,
            "Their fields do not read as \"MAJ,MIN RWBS [BYTES] (CMD) SECTOR + "
            "NR [IOPRIO] [COMM]\".",
            "They are left out of blocking.io; please report the line.");
        char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, b->io_unparsed_line);
        fta_finding_add_evidence (f, "first_line", s);
        g_free (s);
        g_free (title);
    }
}

static void
blocking_destroy (void *self)
{
    Blocking *b = self;
    fta_tasks_free (b->tasks);
    fta_tasks_free (b->io_last);
    g_hash_table_destroy (b->wakers);
    g_hash_table_destroy (b->reqs);
    g_hash_table_destroy (b->io_tasks);
    g_hash_table_destroy (b->devs);
    while (b->free_reqs) {
        BlockingReq *r = b->free_reqs;
        b->free_reqs = r->next_free;
        g_free (r);
    }
    g_free (b->heap);
    g_free (b);
}

static const FtaOptionSpec blocking_options[] = {
    { "longest", FTA_OPT_INT, "20", "rows of blocking.longest (the longest D episodes); 0 = none" },
    { "finding_pct", FTA_OPT_DOUBLE, "10",
      "a task in D for at least this share (%) of the trace gets a finding" },
    { NULL }
};

static const FtaEventType blocking_events[] = {
    FTA_EV_SPAN, FTA_EV_BLOCK_RQ_INSERT, FTA_EV_BLOCK_RQ_ISSUE, FTA_EV_BLOCK_RQ_COMPLETE,
    FTA_EV_LOST, FTA_EV_BUFFER_STARTED, FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (
    .name = "blocking",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "D-state episodes per task and who ended them; block I/O latency",
    .options = blocking_options,
    .events = blocking_events,
    .create = blocking_create,
    .on_event = blocking_on_event,
    .on_span = blocking_on_span,
    .finish = blocking_finish,
    .destroy = blocking_destroy,
);
