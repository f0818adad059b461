/* test-wait.c - wait attribution: who held the CPU while a task waited.
 *
 * Hand-made traces fed through the parser and the sched model, with the
 * holders of each Runnable span worked out by hand (times are 100 s plus
 * the microseconds written T (us) below); and an independent replay on
 * every recording of tests/data/corpus: a per-CPU timeline of who ran,
 * built from the sched_switch events alone (a stretch of a CPU's time
 * between two switches belongs to the later switch's prev), and each
 * task's queue CPU from its own events (the CPU it was preempted on, its
 * wakeup's target, sched_migrate_task's dest).  For every Runnable span
 * the model publishes, its holders must sum to its length within 1 us,
 * and per task the replay's largest holders must be the model's.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "core.h"
#include "fta-test.h"

#define BASE_NS G_GINT64_CONSTANT (100000000000)
#define T(us) (BASE_NS + (gint64) (us) * 1000)

/* One Runnable span as published, holders copied. */
typedef struct {
    gint32 pid;
    gint64 start_ns, end_ns;
    guint32 reason, flags;
    gint32 preempted_by;
    GArray *holders; /* FtaHolder, comm set to NULL */
} GotWait;

typedef struct {
    GArray *waits; /* GotWait */
    GArray *markers; /* gint64: the timestamps of markers */
} Got;

static void
got_clear (Got *g)
{
    for (guint i = 0; i < g->waits->len; i++)
        g_array_free (g_array_index (g->waits, GotWait, i).holders, TRUE);
    g_array_free (g->waits, TRUE);
    g_array_free (g->markers, TRUE);
}

static void
on_span (const FtaSpan *sp, gpointer data)
{
    Got *g = data;
    if (sp->state != FTA_TASK_RUNNABLE) {
        g_assert_cmpuint (sp->n_holders, ==, 0);
        return;
    }
    GotWait w = { .pid = sp->pid, .start_ns = sp->start_ns, .end_ns = sp->end_ns,
                  .reason = sp->reason, .flags = sp->flags,
                  .preempted_by = sp->preempted_by_pid };
    w.holders = g_array_new (FALSE, FALSE, sizeof (FtaHolder));
    for (guint i = 0; i < sp->n_holders; i++) {
        FtaHolder h = sp->holders[i];
        g_assert_nonnull (h.comm);
        if (h.pid <= 0)
            g_assert_cmpstr (h.comm, ==, "");
        h.comm = NULL;
        g_array_append_val (w.holders, h);
    }
    g_array_append_val (g->waits, w);
}

/* Parser and model over the lines of TEXT (or the NULL-terminated LINES),
 * as the engine feeds them; calls EACH (if any) with every event after the
 * model saw it. */
typedef void (*EachEvent) (const FtaEvent *ev, gpointer data);

static void
feed (Got *g, const char *text, const char *const *lines, EachEvent each, gpointer data)
{
    FtaQuality q;
    memset (&q, 0, sizeof q);
    FtaParser *p = fta_parser_new ();
    FtaModel *m = fta_model_new (&q, on_span, g);
    g->waits = g_array_new (FALSE, TRUE, sizeof (GotWait));
    g->markers = g_array_new (FALSE, FALSE, sizeof (gint64));
    gint64 last_ts = -1;
    const char *pos = text;
    for (guint n = 0;; n++) {
        const char *line;
        gsize len;
        if (lines) {
            if (!lines[n])
                break;
            line = lines[n];
            len = strlen (line);
        } else {
            if (!*pos)
                break;
            const char *nl = strchr (pos, '\n');
            line = pos;
            len = nl ? (gsize) (nl - pos) : strlen (pos);
            pos = nl ? nl + 1 : pos + len;
        }
        FtaEvent ev;
        const char *why = NULL;
        memset (&ev, 0, sizeof ev);
        ev.line_no = n + 1;
        switch (fta_parser_parse_line (p, line, len, &ev, &why)) {
        case FTA_LINE_EVENT:
            fta_model_feed (m, &ev);
            if (ev.ts_ns > last_ts)
                last_ts = ev.ts_ns;
            if (each)
                each (&ev, data);
            break;
        case FTA_LINE_MARKER:
            ev.ts_ns = last_ts;
            g_array_append_val (g->markers, last_ts);
            fta_model_feed (m, &ev);
            if (each)
                each (&ev, data);
            break;
        default:
            break;
        }
    }
    g_assert_cmpint (last_ts, >=, 0);
    fta_model_finish (m, last_ts);
    fta_model_free (m);
    fta_parser_free (p);
}

/* "pid:us pid:us ..." of a span's holders, in the order published. */
static char *
holders_text (const GotWait *w)
{
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < w->holders->len; i++) {
        const FtaHolder *h = &g_array_index (w->holders, FtaHolder, i);
        g_string_append_printf (s, "%s%d:%" G_GINT64_FORMAT, i ? " " : "", h->pid,
                                h->ns / 1000);
        if (h->ns % 1000)
            g_string_append_printf (s, ".%03d", (int) (h->ns % 1000));
    }
    return g_string_free (s, FALSE);
}

/* Every Runnable span: holders sum to its length (within 1 us). */
static void
check_sums (const Got *g)
{
    for (guint i = 0; i < g->waits->len; i++) {
        const GotWait *w = &g_array_index (g->waits, GotWait, i);
        gint64 sum = 0;
        for (guint j = 0; j < w->holders->len; j++) {
            const FtaHolder *h = &g_array_index (w->holders, FtaHolder, j);
            g_assert_cmpint (h->ns, >, 0);
            sum += h->ns;
        }
        gint64 len = w->end_ns - w->start_ns, diff = sum - len;
        if (diff > 1000 || diff < -1000) {
            g_autofree char *ht = holders_text (w);
            g_test_message ("pid %d waited %" G_GINT64_FORMAT " ns from %" G_GINT64_FORMAT
                            ", holders sum to %" G_GINT64_FORMAT ": %s",
                            w->pid, len, w->start_ns, sum, ht);
            g_test_fail ();
        }
    }
}

/* --- hand-made traces -------------------------------------------------------- */

typedef struct {
    gint32 pid;
    gint64 start_us, end_us;
    const char *holders; /* holders_text of the span */
    gint32 preempted_by; /* -1 unless preempted */
    gboolean inferred;   /* FTA_SPAN_HOLDERS_INFERRED: the CPU's switches
                            were not all recorded during the wait */
} WaitExp;

typedef struct {
    const char *path;
    const char *const *lines;
    const WaitExp *waits; /* ends with pid 0 */
} WaitCase;

#define SW(cpu, us, pc, pp, ps, nc, np)                                                 \
    "          " pc "-" #pp "     [00" #cpu "] d..2.   100." us ": sched_switch: prev_comm=" pc \
    " prev_pid=" #pp " prev_prio=120 prev_state=" ps " ==> next_comm=" nc " next_pid=" #np   \
    " next_prio=120"

/* A preempted on CPU 0 by B, moved to CPU 1 while it waits, run there
 * after C: 50 us of B (CPU 0), then 50 us of C (CPU 1). */
static const char *const migrate_lines[] = {
    SW (0, "000100", "swapper/0", 0, "R", "taskA", 101),
    SW (1, "000100", "swapper/1", 0, "R", "taskC", 103),
    SW (0, "000200", "taskA", 101, "R", "taskB", 102),
    "          <idle>-0       [001] d..2.   100.000250: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=0 dest_cpu=1",
    SW (1, "000300", "taskC", 103, "R+", "taskA", 101),
    SW (1, "000400", "taskA", 101, "S", "taskC", 103),
    SW (0, "000500", "taskB", 102, "S", "swapper/0", 0),
    NULL
};
static const WaitExp migrate_waits[] = {
    { 101, 200, 300, "102:50 103:50", 102 },
    { 103, 300, 400, "101:100", 101 },
    { 0 }
};

/* A woken onto CPU 1, which idles: the whole wait is idle's.  D woken
 * onto CPU 0 while B runs, B then sleeps and CPU 0 idles before D runs:
 * 30 us of B, 20 of idle. */
static const char *const idle_lines[] = {
    SW (1, "000100", "swapper/1", 0, "R", "taskC", 103),
    SW (0, "000100", "swapper/0", 0, "R", "taskB", 102),
    SW (1, "000150", "taskC", 103, "S", "swapper/1", 0),
    "           taskB-102     [000] d..2.   100.000200: sched_waking: comm=taskA pid=101 prio=120 target_cpu=001",
    "           taskB-102     [000] d..3.   100.000200: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=001",
    "           taskB-102     [000] d..2.   100.000200: sched_waking: comm=taskD pid=104 prio=120 target_cpu=000",
    "           taskB-102     [000] d..3.   100.000200: sched_wakeup: comm=taskD pid=104 prio=120 target_cpu=000",
    SW (0, "000230", "taskB", 102, "S", "swapper/0", 0),
    SW (0, "000250", "swapper/0", 0, "R", "taskD", 104),
    SW (1, "000260", "swapper/1", 0, "R", "taskA", 101),
    SW (1, "000300", "taskA", 101, "S", "swapper/1", 0),
    SW (0, "000300", "taskD", 104, "S", "swapper/0", 0),
    NULL
};
static const WaitExp idle_waits[] = {
    { 101, 200, 260, "0:60", -1 },
    { 104, 200, 250, "102:30 0:20", -1 },
    { 0 }
};

/* Events lost on CPU 0 while A waits there: no span crosses the marker,
 * so that wait is not published.  After it, A waits again (C holds the
 * CPU).  F waits on CPU 1 across the marker, which says nothing of CPU 1:
 * its wait is G's.  E is woken onto CPU 1, and the switch that runs E
 * says F held it. */
static const char *const lost_lines[] = {
    SW (0, "000100", "swapper/0", 0, "R", "taskA", 101),
    SW (1, "000150", "taskF", 106, "R", "taskG", 107),
    SW (0, "000200", "taskA", 101, "R", "taskB", 102),
    "CPU:0 [LOST 12 EVENTS]",
    SW (1, "000300", "taskG", 107, "S", "taskF", 106),
    SW (0, "000400", "taskB", 102, "R", "taskA", 101),
    SW (0, "000500", "taskA", 101, "R", "taskC", 103),
    SW (0, "000600", "taskC", 103, "S", "taskA", 101),
    "           taskA-101     [000] d..2.   100.000650: sched_waking: comm=taskE pid=105 prio=120 target_cpu=001",
    "           taskA-101     [000] d..3.   100.000650: sched_wakeup: comm=taskE pid=105 prio=120 target_cpu=001",
    SW (1, "000680", "taskF", 106, "R", "taskE", 105),
    SW (1, "000700", "taskE", 105, "S", "taskF", 106),
    SW (0, "000700", "taskA", 101, "S", "swapper/0", 0),
    NULL
};
static const WaitExp lost_waits[] = {
    { 102, 400, 700, NULL, 101 }, /* truncated at the end: not compared */
    { 101, 500, 600, "103:100", 103 },
    { 105, 650, 680, "106:30", -1 },
    { 106, 150, 300, "107:150", 107 },
    { 106, 680, 700, "105:20", 105 },
    { 0 }
};

/* An inferred switch-in: B was woken onto CPU 0 at 150 while A ran; B is
 * switched out at 400 with no switch-in recorded, so the model infers it
 * at A's last event (300): B waited 150 us, all of it A's. */
static const char *const inferred_lines[] = {
    SW (0, "000100", "swapper/0", 0, "R", "taskA", 101),
    "           taskA-101     [000] d..2.   100.000150: sched_waking: comm=taskB pid=102 prio=120 target_cpu=000",
    "           taskA-101     [000] d..3.   100.000150: sched_wakeup: comm=taskB pid=102 prio=120 target_cpu=000",
    "           taskA-101     [000] d.h1.   100.000300: irq_handler_entry: irq=36 name=virtio1-req.0",
    SW (0, "000400", "taskB", 102, "S", "swapper/0", 0),
    NULL
};
static const WaitExp inferred_waits[] = {
    /* A's switch-out and B's switch-in, both during B's wait, are the
     * model's: the holders are inferred */
    { 102, 150, 300, "101:150", -1, TRUE },
    { 0 }
};

/* B is preempted by C on CPU 0; the next switch there is D's, whose
 * switch-in (and C's switch-out) was not recorded: the model infers D ran
 * from the CPU's last event (200), so B's wait is D's, and says the
 * holders are inferred.  On CPU 1, E waits for F with every switch
 * recorded: the same wait, not inferred. */
static const char *const broken_lines[] = {
    SW (0, "000100", "swapper/0", 0, "R", "taskB", 102),
    SW (1, "000100", "swapper/1", 0, "R", "taskE", 105),
    SW (0, "000200", "taskB", 102, "R", "taskC", 103),
    SW (1, "000200", "taskE", 105, "R", "taskF", 106),
    SW (0, "000300", "taskD", 104, "S", "taskB", 102),
    SW (1, "000300", "taskF", 106, "S", "taskE", 105),
    SW (0, "000400", "taskB", 102, "S", "swapper/0", 0),
    SW (1, "000400", "taskE", 105, "S", "swapper/1", 0),
    NULL
};
static const WaitExp broken_waits[] = {
    { 102, 200, 300, "104:100", 103, TRUE },
    { 105, 200, 300, "106:100", 106, FALSE },
    { 0 }
};

static const WaitCase wait_cases[] = {
    { "/wait/model/switch-chain-broken", broken_lines, broken_waits },
    { "/wait/model/migration-during-wait", migrate_lines, migrate_waits },
    { "/wait/model/wakeup-onto-idle", idle_lines, idle_waits },
    { "/wait/model/lost-events-marker", lost_lines, lost_waits },
    { "/wait/model/inferred-switch-in", inferred_lines, inferred_waits },
};

static int
cmp_str (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
test_wait_case (gconstpointer data)
{
    const WaitCase *c = data;
    Got g;
    feed (&g, NULL, c->lines, NULL, NULL);
    check_sums (&g);
    GString *want = g_string_new (NULL), *got = g_string_new (NULL);
    for (const WaitExp *e = c->waits; e->pid; e++)
        g_string_append_printf (want, "%d [%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "] by %d: %s%s\n",
                                e->pid, e->start_us, e->end_us, e->preempted_by,
                                e->holders ? e->holders : "*", e->inferred ? " (inferred)" : "");
    for (guint i = 0; i < g.waits->len; i++) {
        const GotWait *w = &g_array_index (g.waits, GotWait, i);
        const WaitExp *e = c->waits;
        while (e->pid && !(e->pid == w->pid && T (e->start_us) == w->start_ns))
            e++;
        g_autofree char *ht = holders_text (w);
        g_string_append_printf (got, "%d [%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "] by %d: %s%s\n",
                                w->pid, (w->start_ns - BASE_NS) / 1000,
                                (w->end_ns - BASE_NS) / 1000, w->preempted_by,
                                e->pid && !e->holders ? "*" : ht,
                                w->flags & FTA_SPAN_HOLDERS_INFERRED ? " (inferred)" : "");
    }
    /* the same spans, in any order */
    g_auto (GStrv) wl = g_strsplit (want->str, "\n", -1);
    g_auto (GStrv) gl = g_strsplit (got->str, "\n", -1);
    qsort (wl, g_strv_length (wl), sizeof (char *), cmp_str);
    qsort (gl, g_strv_length (gl), sizeof (char *), cmp_str);
    g_autofree char *ws = g_strjoinv ("\n", wl), *gs = g_strjoinv ("\n", gl);
    g_assert_cmpstr (gs, ==, ws);
    g_string_free (want, TRUE);
    g_string_free (got, TRUE);
    got_clear (&g);
}

/* --- the replay ------------------------------------------------------------ */

typedef struct {
    gint64 ts;
    gint32 prev, next;
    guint ev;      /* its index in the CPU's events */
    guint markers; /* markers seen before it */
} Switch;

typedef struct {
    gint64 ts;
    gint32 pid;
} Ev;

/* The replay's holder of a stretch it cannot tell (see replay_held), and
 * not a holder: the time of stretches it read past a contradiction. */
#define AMBIGUOUS G_MININT32
#define CONTRADICTED (G_MININT32 + 1)

typedef struct {
    gint64 ts;
    gint32 cpu;
} QueueAt;

typedef struct {
    GArray *cpus;      /* GArray* of Switch, per CPU */
    GArray *events;    /* GArray* of Ev, per CPU: every event's time and pid */
    GHashTable *queue; /* pid -> GArray* of QueueAt, in event order */
    GHashTable *since; /* pid -> GArray* of gint64: its switch-outs and wakeups */
    guint markers;
} Replay;

static GArray *
replay_cpu (Replay *r, gint32 cpu)
{
    while (r->cpus->len <= (guint) cpu) {
        GArray *a = g_array_new (FALSE, FALSE, sizeof (Switch));
        g_array_append_val (r->cpus, a);
        a = g_array_new (FALSE, FALSE, sizeof (Ev));
        g_array_append_val (r->events, a);
    }
    return g_array_index (r->cpus, GArray *, cpu);
}

static void
replay_since (Replay *r, gint32 pid, gint64 ts)
{
    GArray *a = g_hash_table_lookup (r->since, GINT_TO_POINTER (pid));
    if (!a) {
        a = g_array_new (FALSE, FALSE, sizeof (gint64));
        g_hash_table_insert (r->since, GINT_TO_POINTER (pid), a);
    }
    g_array_append_val (a, ts);
}

/* The latest of PID's switch-outs and wakeups before TS (the switch at TS
 * is its own), or -1. */
static gint64
replay_since_before (Replay *r, gint32 pid, gint64 ts)
{
    GArray *a = g_hash_table_lookup (r->since, GINT_TO_POINTER (pid));
    gint64 best = -1;
    for (guint i = a ? a->len : 0; i-- > 0;) {
        gint64 t = g_array_index (a, gint64, i);
        if (t < ts) {
            best = t;
            break;
        }
    }
    return best;
}

static void
replay_queue (Replay *r, gint32 pid, gint64 ts, gint32 cpu)
{
    if (pid <= 0 || cpu < 0)
        return;
    GArray *a = g_hash_table_lookup (r->queue, GINT_TO_POINTER (pid));
    if (!a) {
        a = g_array_new (FALSE, FALSE, sizeof (QueueAt));
        g_hash_table_insert (r->queue, GINT_TO_POINTER (pid), a);
    }
    QueueAt q = { ts, cpu };
    g_array_append_val (a, q);
}

static void
replay_event (const FtaEvent *ev, gpointer data)
{
    Replay *r = data;
    if (ev->type == FTA_EV_LOST || ev->type == FTA_EV_BUFFER_STARTED) {
        r->markers++;
        return;
    }
    if (ev->cpu < 0)
        return;
    replay_cpu (r, ev->cpu);
    GArray *evs = g_array_index (r->events, GArray *, ev->cpu);
    Ev e = { ev->ts_ns, ev->pid };
    g_array_append_val (evs, e);
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH: {
        Switch s = { ev->ts_ns, ev->u.sw.prev_pid, ev->u.sw.next_pid, evs->len - 1, r->markers };
        g_array_append_val (replay_cpu (r, ev->cpu), s);
        if (fta_state_is_preempted (ev->u.sw.prev_state))
            replay_queue (r, ev->u.sw.prev_pid, ev->ts_ns, ev->cpu);
        replay_since (r, ev->u.sw.prev_pid, ev->ts_ns);
        break;
    }
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW:
        replay_queue (r, ev->u.wake.pid, ev->ts_ns, ev->u.wake.target_cpu);
        replay_since (r, ev->u.wake.pid, ev->ts_ns);
        break;
    case FTA_EV_SCHED_MIGRATE_TASK:
        replay_queue (r, ev->u.migrate.pid, ev->ts_ns, ev->u.migrate.dest_cpu);
        break;
    default:
        break;
    }
}

static void
add_held (GHashTable *h, gint32 who, gint64 ns)
{
    if (ns <= 0)
        return;
    gint64 *p = g_hash_table_lookup (h, GINT_TO_POINTER (who));
    if (!p) {
        p = g_new0 (gint64, 1);
        g_hash_table_insert (h, GINT_TO_POINTER (who), p);
    }
    *p += ns;
}

/* Adds to H (holder pid -> gint64* ns) who held CPU from A to B.  A
 * stretch between switches K-1 and K belongs to K's prev.  Where K's prev
 * is not K-1's next, a switch was never recorded: the stretch is K-1's
 * next's up to the last sign of something else (an event on that CPU from
 * another task than K's prev, K's prev's own last switch-out or wakeup),
 * K's prev's after.  Across a marker, the replay cannot tell. */
static void
replay_held (Replay *r, GHashTable *h, gint32 cpu, gint64 a, gint64 b)
{
    GArray *sw = (guint) cpu < r->cpus->len ? g_array_index (r->cpus, GArray *, cpu) : NULL;
    guint n = sw ? sw->len : 0;
    /* the first switch after A */
    guint lo = 0, hi = n;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (g_array_index (sw, Switch, mid).ts <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (guint k = lo; a < b; k++) {
        gint64 end = b;
        gint32 who;
        if (k < n) {
            const Switch *s = &g_array_index (sw, Switch, k);
            end = MIN (s->ts, b);
            who = s->prev;
            const Switch *before = k > 0 ? &g_array_index (sw, Switch, k - 1) : NULL;
            if (before && before->markers != s->markers) {
                who = AMBIGUOUS;
            } else if (before && before->next != who) {
                add_held (h, CONTRADICTED, end - a);
                GArray *evs = g_array_index (r->events, GArray *, cpu);
                gint64 x = before->ts;
                for (guint e = s->ev; e-- > before->ev;) {
                    if (g_array_index (evs, Ev, e).pid != who) {
                        x = MAX (x, g_array_index (evs, Ev, e).ts);
                        break;
                    }
                }
                x = MAX (x, replay_since_before (r, who, s->ts));
                x = MIN (x, s->ts);
                if (a < x) {
                    gint64 upto = MIN (x, end);
                    add_held (h, before->next, upto - a);
                    a = upto;
                }
            }
        } else {
            who = n ? g_array_index (sw, Switch, n - 1).next : -1;
        }
        add_held (h, who, end - a);
        a = end;
    }
}

/* The replay's holders of PID's wait from A to B. */
static void
replay_wait (Replay *r, GHashTable *h, gint32 pid, gint64 a, gint64 b)
{
    GArray *q = g_hash_table_lookup (r->queue, GINT_TO_POINTER (pid));
    gint32 cpu = -1;
    guint k = 0;
    /* the queue CPU at A: the last change at or before it */
    for (; q && k < q->len && g_array_index (q, QueueAt, k).ts <= a; k++)
        cpu = g_array_index (q, QueueAt, k).cpu;
    while (a < b) {
        gint64 end = b;
        if (q && k < q->len && g_array_index (q, QueueAt, k).ts < b)
            end = g_array_index (q, QueueAt, k).ts;
        if (end > a) {
            if (cpu >= 0) {
                replay_held (r, h, cpu, a, end);
            } else {
                gint64 *ns = g_hash_table_lookup (h, GINT_TO_POINTER (-1));
                if (!ns) {
                    ns = g_new0 (gint64, 1);
                    g_hash_table_insert (h, GINT_TO_POINTER (-1), ns);
                }
                *ns += end - a;
            }
        }
        a = end;
        if (q && k < q->len && g_array_index (q, QueueAt, k).ts <= a)
            cpu = g_array_index (q, QueueAt, k++).cpu;
    }
}

typedef struct {
    gint32 pid;
    gint64 ns;
} Held;

static int
held_cmp (gconstpointer a, gconstpointer b)
{
    const Held *x = a, *y = b;
    if (x->ns != y->ns)
        return (x->ns < y->ns) - (x->ns > y->ns);
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* H (holder pid -> gint64*) as Held, most first. */
static GArray *
held_sorted (GHashTable *h)
{
    GArray *a = g_array_new (FALSE, FALSE, sizeof (Held));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init (&it, h);
    while (g_hash_table_iter_next (&it, &k, &v)) {
        Held x = { GPOINTER_TO_INT (k), *(gint64 *) v };
        g_array_append_val (a, x);
    }
    g_array_sort (a, held_cmp);
    return a;
}

static gint64
held_of (GHashTable *h, gint32 pid)
{
    gint64 *ns = g_hash_table_lookup (h, GINT_TO_POINTER (pid));
    return ns ? *ns : 0;
}

static GHashTable *
per_task (GHashTable *tasks, gint32 pid)
{
    GHashTable *h = g_hash_table_lookup (tasks, GINT_TO_POINTER (pid));
    if (!h) {
        h = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
        g_hash_table_insert (tasks, GINT_TO_POINTER (pid), h);
    }
    return h;
}

static char *tmpdir;

/* The holder named I-th (0, 1) after "held by " in VALUE: its position,
 * or NULL. */
static const char *
named_at (const char *value, gint32 pid)
{
    const char *held = strstr (value, "held by ");
    if (!held)
        return NULL;
    g_autofree char *tag = g_strdup_printf ("[%d] ", pid);
    return strstr (held, tag);
}

/* The findings that name holders (kvm.vcpu-steal per vCPU, wait.contention
 * per task) name, for every task they list, the replay's two largest in
 * that order (either order when the two are within the tolerance). */
static void
check_findings (const char *path, GHashTable *replay, GHashTable *runnable)
{
    g_autofree char *base = g_path_get_basename (path);
    gboolean vm = g_str_has_prefix (base, "qemu_tcg_ftrace_default");
    if (!vm && !g_str_has_prefix (base, "cpu_contention_ftrace_default"))
        return;
    JsonParser *p = fta_test_json (tmpdir, (const char *[]) { "-p", vm ? "kvm" : "default",
                                                              path, NULL });
    JsonArray *fs = json_object_get_array_member (fta_test_root (p), "findings");
    guint named = 0;
    for (guint i = 0; i < json_array_get_length (fs); i++) {
        JsonObject *f = json_array_get_object_element (fs, i);
        const char *code = json_object_get_string_member (f, "code");
        if (strcmp (code, "kvm.vcpu-steal") != 0 && strcmp (code, "wait.contention") != 0)
            continue;
        JsonObject *ev = json_object_get_object_member (f, "evidence");
        GList *keys = json_object_get_members (ev);
        for (GList *l = keys; l; l = l->next) {
            const char *key = l->data, *pid_at = strstr (key, "pid ");
            if (!pid_at)
                continue;
            gint32 pid = atoi (pid_at + 4);
            const char *value = json_object_get_string_member (ev, key);
            GHashTable *rh = g_hash_table_lookup (replay, GINT_TO_POINTER (pid));
            g_assert_nonnull (rh);
            GArray *rs = held_sorted (rh);
            GArray *top = g_array_new (FALSE, FALSE, sizeof (Held));
            for (guint j = 0; j < rs->len && top->len < 2; j++)
                if (g_array_index (rs, Held, j).pid > CONTRADICTED)
                    g_array_append_val (top, g_array_index (rs, Held, j));
            gint64 run = *(gint64 *) g_hash_table_lookup (runnable, GINT_TO_POINTER (pid));
            gint64 tol = MAX (run / 100, 1000) + held_of (rh, CONTRADICTED);
            g_assert_cmpuint (top->len, ==, 2);
            const Held *a = &g_array_index (top, Held, 0), *b = &g_array_index (top, Held, 1);
            const char *pa = named_at (value, a->pid), *pb = named_at (value, b->pid);
            g_test_message ("%s %s: %s (replay: %d %.3f ms, %d %.3f ms)", code, key, value,
                            a->pid, a->ns / 1e6, b->pid, b->ns / 1e6);
            g_assert_nonnull (pa);
            g_assert_nonnull (pb);
            if (a->ns - b->ns > tol)
                g_assert_true (pa < pb);
            named++;
            g_array_free (top, TRUE);
            g_array_free (rs, TRUE);
        }
        g_list_free (keys);
    }
    /* both vCPUs; the four CPU hogs and more */
    g_assert_cmpuint (named, >=, vm ? 2 : 4);
    g_object_unref (p);
}

static void
test_replay (gconstpointer data)
{
    const char *path = data;
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    Replay r = { g_array_new (FALSE, FALSE, sizeof (GArray *)),
                 g_array_new (FALSE, FALSE, sizeof (GArray *)),
                 g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                        (GDestroyNotify) g_array_unref),
                 g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                        (GDestroyNotify) g_array_unref), 0 };
    Got g;
    feed (&g, text, NULL, replay_event, &r);
    check_sums (&g);

    /* per task: holder pid -> ns, the model's and the replay's */
    GHashTable *model = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                               (GDestroyNotify) g_hash_table_unref);
    GHashTable *replay = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                (GDestroyNotify) g_hash_table_unref);
    GHashTable *runnable = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    gint64 total = 0, off = 0, ambiguous = 0, contradicted = 0;
    for (guint i = 0; i < g.waits->len; i++) {
        const GotWait *w = &g_array_index (g.waits, GotWait, i);
        GHashTable *mh = per_task (model, w->pid), *rh = per_task (replay, w->pid);
        for (guint j = 0; j < w->holders->len; j++) {
            const FtaHolder *h = &g_array_index (w->holders, FtaHolder, j);
            gint64 *ns = g_hash_table_lookup (mh, GINT_TO_POINTER (h->pid));
            if (!ns) {
                ns = g_new0 (gint64, 1);
                g_hash_table_insert (mh, GINT_TO_POINTER (h->pid), ns);
            }
            *ns += h->ns;
        }
        /* the replay of this interval alone, to measure how much of it
         * the two charge differently */
        GHashTable *one = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
        replay_wait (&r, one, w->pid, w->start_ns, w->end_ns);
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init (&it, one);
        while (g_hash_table_iter_next (&it, &k, &v)) {
            gint64 *ns = g_hash_table_lookup (rh, k);
            if (!ns) {
                ns = g_new0 (gint64, 1);
                g_hash_table_insert (rh, k, ns);
            }
            *ns += *(gint64 *) v;
            gint64 mine = 0;
            for (guint j = 0; j < w->holders->len; j++)
                if (g_array_index (w->holders, FtaHolder, j).pid == GPOINTER_TO_INT (k))
                    mine += g_array_index (w->holders, FtaHolder, j).ns;
            if (GPOINTER_TO_INT (k) == AMBIGUOUS)
                ambiguous += *(gint64 *) v;
            else if (GPOINTER_TO_INT (k) == CONTRADICTED)
                contradicted += *(gint64 *) v;
            else if (*(gint64 *) v > mine)
                off += *(gint64 *) v - mine;
        }
        g_hash_table_unref (one);
        gint64 *run = g_hash_table_lookup (runnable, GINT_TO_POINTER (w->pid));
        if (!run) {
            run = g_new0 (gint64, 1);
            g_hash_table_insert (runnable, GINT_TO_POINTER (w->pid), run);
        }
        *run += w->end_ns - w->start_ns;
        total += w->end_ns - w->start_ns;
    }
    g_test_message ("%s: %u waits, %.3f s; the replay cannot tell %.3f ms, reads %.3f ms "
                    "past a contradiction, charges %.3f ms elsewhere", path, g.waits->len,
                    total / 1e9, ambiguous / 1e6, contradicted / 1e6, off / 1e6);
    /* Where the switches agree with each other, so do the two, up to the
     * part of a stretch a task saw before it left the CPU (the model
     * charges it to whom it believes runs there, the replay to the next
     * switch's prev): within 1 us per interval.  Past a contradiction,
     * the two may split a stretch at different points. */
    g_assert_cmpint (off, <=, contradicted + (gint64) g.waits->len * 1000);

    /* per task: the replay's largest holders are the model's */
    GHashTableIter it;
    gpointer k, v;
    guint checked = 0;
    g_hash_table_iter_init (&it, replay);
    while (g_hash_table_iter_next (&it, &k, &v)) {
        gint32 pid = GPOINTER_TO_INT (k);
        gint64 run = *(gint64 *) g_hash_table_lookup (runnable, k);
        GHashTable *mh = g_hash_table_lookup (model, k);
        GArray *rs = held_sorted (v), *ms = held_sorted (mh);
        gint64 tol = MAX (run / 100, 1000) + held_of (v, AMBIGUOUS) + held_of (v, CONTRADICTED);
        if (run >= 1000000 && rs->len && ms->len) {
            guint top = 0;
            while (top + 1 < rs->len && (g_array_index (rs, Held, top).pid == AMBIGUOUS
                                         || g_array_index (rs, Held, top).pid == CONTRADICTED))
                top++;
            const Held *rt = &g_array_index (rs, Held, top), *mt = &g_array_index (ms, Held, 0);
            /* the same top holder, unless the replay's top two tie */
            guint second = top + 1;
            while (second < rs->len && (g_array_index (rs, Held, second).pid == AMBIGUOUS
                                        || g_array_index (rs, Held, second).pid == CONTRADICTED))
                second++;
            gboolean tie = second < rs->len
                           && rt->ns - g_array_index (rs, Held, second).ns <= tol;
            if (rt->pid != mt->pid && !tie) {
                g_test_message ("pid %d: the replay's largest holder is %d (%" G_GINT64_FORMAT
                                " ns), the model's %d (%" G_GINT64_FORMAT " ns)",
                                pid, rt->pid, rt->ns, mt->pid, mt->ns);
                g_test_fail ();
            }
            for (guint j = 0; j < rs->len && j < 3; j++) {
                const Held *x = &g_array_index (rs, Held, j);
                if (x->pid == AMBIGUOUS || x->pid == CONTRADICTED)
                    continue;
                gint64 d = x->ns - held_of (mh, x->pid);
                if (d > tol || d < -tol) {
                    g_test_message ("pid %d: holder %d held %" G_GINT64_FORMAT
                                    " ns in the replay, %" G_GINT64_FORMAT " in the model",
                                    pid, x->pid, x->ns, held_of (mh, x->pid));
                    g_test_fail ();
                }
            }
            checked++;
        }
        g_array_free (rs, TRUE);
        g_array_free (ms, TRUE);
    }
    g_assert_cmpuint (checked, >, 0);
    check_findings (path, replay, runnable);

    g_hash_table_unref (model);
    g_hash_table_unref (replay);
    g_hash_table_unref (runnable);
    for (guint i = 0; i < r.cpus->len; i++) {
        g_array_free (g_array_index (r.cpus, GArray *, i), TRUE);
        g_array_free (g_array_index (r.events, GArray *, i), TRUE);
    }
    g_array_free (r.cpus, TRUE);
    g_array_free (r.events, TRUE);
    g_hash_table_unref (r.queue);
    g_hash_table_unref (r.since);
    got_clear (&g);
}

/* --- task identity ---------------------------------------------------------- */

/* The replay's own reading of which task each pid names: a pid's task
 * ends when it is switched out dead (X, Z, x); a fork's child, and a
 * sched_wakeup_new of a pid whose task ran (was a line's task or in a
 * switch), is a new task.  Every (pid, task number) must be one task id
 * of the model's, and each id one (pid, task number). */
typedef struct {
    GHashTable *life;  /* pid -> task number + 1 */
    GHashTable *dead;  /* pids whose task was switched out dead */
    GHashTable *ran;   /* pids whose current task ran */
    GHashTable *ids;   /* "pid/n" -> task id + 1 */
    GHashTable *keys;  /* task id -> "pid/n" (owned) */
    guint reused;      /* tasks beyond a pid's first */
} Identity;

static guint
ident_life (Identity *d, gint32 pid, gboolean begins)
{
    guint n = GPOINTER_TO_UINT (g_hash_table_lookup (d->life, GINT_TO_POINTER (pid)));
    if (n && pid > 0 && (begins || g_hash_table_contains (d->dead, GINT_TO_POINTER (pid)))) {
        n++;
        d->reused++;
        g_hash_table_remove (d->dead, GINT_TO_POINTER (pid));
        g_hash_table_remove (d->ran, GINT_TO_POINTER (pid));
    }
    if (!n)
        n = 1;
    g_hash_table_insert (d->life, GINT_TO_POINTER (pid), GUINT_TO_POINTER (n));
    return n - 1;
}

static void
ident_check (Identity *d, gint32 pid, guint32 task, gboolean begins)
{
    if (pid < 0)
        return;
    guint n = ident_life (d, pid, begins);
    char *key = g_strdup_printf ("%d/%u", pid, n);
    gpointer id = g_hash_table_lookup (d->ids, key);
    const char *named = g_hash_table_lookup (d->keys, GUINT_TO_POINTER (task + 1));
    if (!id && !named) {
        g_hash_table_insert (d->ids, g_strdup (key), GUINT_TO_POINTER (task + 1));
        g_hash_table_insert (d->keys, GUINT_TO_POINTER (task + 1), g_strdup (key));
    } else if (GPOINTER_TO_UINT (id) != task + 1 || g_strcmp0 (named, key) != 0) {
        g_test_message ("task %s is id %u for the model, which gives that id to %s",
                        key, task, named ? named : "none");
        g_test_fail ();
    }
    g_free (key);
}

static void
ident_event (const FtaEvent *ev, gpointer data)
{
    Identity *d = data;
    if (ev->pid >= 0) {
        ident_check (d, ev->pid, ev->task, FALSE);
        g_hash_table_add (d->ran, GINT_TO_POINTER (ev->pid));
    }
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH:
        ident_check (d, ev->u.sw.prev_pid, ev->u.sw.prev_task, FALSE);
        ident_check (d, ev->u.sw.next_pid, ev->u.sw.next_task, FALSE);
        g_hash_table_add (d->ran, GINT_TO_POINTER (ev->u.sw.prev_pid));
        g_hash_table_add (d->ran, GINT_TO_POINTER (ev->u.sw.next_pid));
        if (ev->u.sw.prev_state & (FTA_STATE_X | FTA_STATE_Z | FTA_STATE_x))
            g_hash_table_add (d->dead, GINT_TO_POINTER (ev->u.sw.prev_pid));
        break;
    case FTA_EV_SCHED_WAKEUP_NEW:
        ident_check (d, ev->u.wake.pid, ev->u.wake.task,
                     g_hash_table_contains (d->ran, GINT_TO_POINTER (ev->u.wake.pid)));
        break;
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
        ident_check (d, ev->u.wake.pid, ev->u.wake.task, FALSE);
        break;
    case FTA_EV_SCHED_MIGRATE_TASK:
        ident_check (d, ev->u.migrate.pid, ev->u.migrate.task, FALSE);
        break;
    case FTA_EV_SCHED_PROCESS_FORK:
        ident_check (d, ev->u.proc.pid, ev->u.proc.task, FALSE);
        ident_check (d, ev->u.proc.child_pid, ev->u.proc.child_task, TRUE);
        break;
    case FTA_EV_SCHED_PROCESS_EXIT:
    case FTA_EV_SCHED_PROCESS_EXEC:
        ident_check (d, ev->u.proc.pid, ev->u.proc.task, FALSE);
        break;
    default:
        break;
    }
}

/* DATA: a trace's path, and how many tasks of it are a pid's second or
 * later (-1: any number). */
typedef struct {
    const char *path;
    gint reused;
} IdentCase;

static void
test_identity (gconstpointer data)
{
    const IdentCase *c = data;
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (c->path, &text, NULL, NULL));
    Identity d = {
        g_hash_table_new (g_direct_hash, g_direct_equal),
        g_hash_table_new (g_direct_hash, g_direct_equal),
        g_hash_table_new (g_direct_hash, g_direct_equal),
        g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
        g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free), 0 };
    Got g;
    feed (&g, text, NULL, ident_event, &d);
    if (c->reused >= 0)
        g_assert_cmpuint (d.reused, ==, (guint) c->reused);
    g_test_message ("%s: %u tasks, %u of them a pid's second or later", c->path,
                    g_hash_table_size (d.ids), d.reused);
    got_clear (&g);
    g_hash_table_unref (d.life);
    g_hash_table_unref (d.dead);
    g_hash_table_unref (d.ran);
    g_hash_table_unref (d.ids);
    g_hash_table_unref (d.keys);
}

/* The lines of the recording FULL that contain PATTERN, as a user
 * narrowing a trace with grep gets them, in the scratch file NAME: its
 * path (owned). */
static char *
cut_recording (const char *full, const char *pattern, const char *name)
{
    char *cut = g_build_filename (tmpdir, name, NULL);
    char *cmd = g_strdup_printf ("grep '%s' '%s' > '%s'", pattern, full, cut);
    g_free (fta_test_sh_ok (cmd));
    g_free (cmd);
    return cut;
}

/* The severity of F, a finding object. */
static const char *
finding_severity (JsonObject *f)
{
    return json_object_get_string_member (f, "severity");
}

/* The contention recording claims CPU time lost to waiting; the same
 * recording cut down with grep to the lines that name ksoftirqd (as a
 * user narrowing a trace might) still has waits, but who held the CPUs
 * during them is the model's inference: the findings say so and claim no
 * harm. */
static void
test_filtered_trace (void)
{
    g_autofree char *full = fta_test_corpus_text (tmpdir, "cpu_contention");
    g_autofree char *cut = cut_recording (full, "ksoftirqd", "ksoftirqd-only.txt");

    JsonParser *pf = fta_test_analyze (tmpdir, NULL, full, NULL);
    JsonObject *f = fta_test_finding (fta_test_root (pf), "wait.contention");
    g_assert_nonnull (f);
    g_assert_cmpstr (finding_severity (f), !=, "info");
    g_assert_false (json_object_has_member (json_object_get_object_member (f, "evidence"),
                                            "inferred_wait"));

    JsonParser *pc = fta_test_analyze (tmpdir, NULL, cut, NULL);
    JsonObject *doc = fta_test_root (pc);
    JsonObject *q = json_object_get_object_member (doc, "quality");
    /* the cut trace breaks the switch chains: the model says so */
    g_assert_cmpint (json_object_get_int_member (q, "inferred_switch_in"), >, 10);
    JsonArray *fs = json_object_get_array_member (doc, "findings");
    for (guint i = 0; i < json_array_get_length (fs); i++) {
        JsonObject *o = json_array_get_object_element (fs, i);
        const char *code = json_object_get_string_member (o, "code");
        JsonObject *ev = json_object_get_object_member (o, "evidence");
        if (strcmp (code, "wait.contention") == 0) {
            g_assert_cmpstr (finding_severity (o), ==, "info");
            g_assert_true (json_object_has_member (ev, "inferred_wait"));
        } else if (strcmp (code, "cpu.imbalance") == 0
                   && strcmp (finding_severity (o), "info") != 0) {
            g_test_message ("cpu.imbalance is %s on a cut trace", finding_severity (o));
            g_test_fail ();
        }
    }
    g_object_unref (pf);
    g_object_unref (pc);
}

/* The qemu recording cut to the lines naming one vCPU thread: every
 * switch of that vCPU is kept, and the chains of its CPUs stay whole
 * where pairs of other tasks' switches went.  The other tasks, woken
 * while the model still has them waiting, have waits the trace does not
 * show: no harm claimed for them.  The vCPU's own waits are whole: its
 * steal is still a finding above info. */
static void
test_filtered_vcpu (void)
{
    g_autofree char *full = fta_test_corpus_text (tmpdir, "qemu_tcg");
    g_autofree char *cut = cut_recording (full, "CPU 1/TCG", "vcpu1-only.txt");
    JsonParser *p = fta_test_analyze (tmpdir, NULL, cut, NULL);
    JsonObject *doc = fta_test_root (p);
    JsonObject *f = fta_test_finding (doc, "wait.contention");
    g_assert_nonnull (f);
    g_assert_cmpstr (finding_severity (f), ==, "info");
    g_assert_true (json_object_has_member (json_object_get_object_member (f, "evidence"),
                                           "inferred_wait"));
    f = fta_test_finding (doc, "kvm.vcpu-steal");
    g_assert_nonnull (f);
    g_assert_cmpstr (finding_severity (f), !=, "info");
    g_object_unref (p);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (wait_cases); i++)
        g_test_add_data_func (wait_cases[i].path, &wait_cases[i], test_wait_case);
    tmpdir = g_dir_make_tmp ("fta-wait-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/wait/filtered-trace", test_filtered_trace);
    g_test_add_func ("/wait/filtered-vcpu", test_filtered_vcpu);
    GPtrArray *texts = fta_test_corpus_texts (tmpdir);
    for (guint i = 0; i < texts->len; i++) {
        const char *p = g_ptr_array_index (texts, i);
        g_autofree char *base = g_path_get_basename (p);
        char *dot = strstr (base, ".txt");
        if (dot)
            *dot = 0;
        g_autofree char *tp = g_strdup_printf ("/wait/replay/%s", base);
        g_test_add_data_func (tp, p, test_replay);
        /* no pid of the corpus names two tasks */
        IdentCase *ic = g_new0 (IdentCase, 1);
        *ic = (IdentCase) { p, 0 };
        g_autofree char *ip = g_strdup_printf ("/wait/identity/%s", base);
        g_test_add_data_func_full (ip, ic, test_identity, g_free);
    }
    static const struct { const char *file; gint reused; } pid_traces[] = {
        { "reuse-after-exit.txt", 1 }, { "fork-while-alive.txt", 1 },
        { "new-while-alive.txt", 1 }, { "exec.txt", 0 } };
    GPtrArray *pid_paths = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < G_N_ELEMENTS (pid_traces); i++) {
        IdentCase *ic = g_new0 (IdentCase, 1);
        char *path = g_test_build_filename (G_TEST_DIST, "data", "pids", pid_traces[i].file,
                                            NULL);
        g_ptr_array_add (pid_paths, path);
        *ic = (IdentCase) { path, pid_traces[i].reused };
        g_autofree char *ip = g_strdup_printf ("/wait/identity/pids/%s", pid_traces[i].file);
        g_test_add_data_func_full (ip, ic, test_identity, g_free);
    }
    int rc = g_test_run ();
    g_ptr_array_free (pid_paths, TRUE);
    for (guint i = 0; i < texts->len; i++)
        g_unlink (g_ptr_array_index (texts, i));
    g_ptr_array_free (texts, TRUE);
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
