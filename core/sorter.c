/* sorter.c - --sort: lines put back in timestamp order before the model
 * sees them.
 *
 * Owns the window's rings and heap; calls nothing of the run but the emit
 * function it was given (bus.c's, in a run).
 *
 * Lines wait in arrival order in a ring of slots whose bytes are copied
 * into a ring of bytes; a heap orders them by (timestamp, arrival), so equal
 * timestamps keep their file order.  The smallest is released once the
 * newest timestamp seen is more than the time window past it, or when the
 * oldest line waiting has been passed by the window's count of lines (it
 * and everything smaller go then).  An event that arrives older than an
 * event already released cannot be placed: it goes on at once, in arrival
 * order, and is counted.  A marker has no timestamp: it waits for the next
 * event of its CPU and goes just before it, as the kernel prints it (a
 * header line of `filter` waits for the next event).  Memory: both rings
 * grow to the window and no further; nothing is allocated per line once
 * they have. */
#include "config.h"

#include <string.h>

#include "run.h"

typedef enum {
    SLOT_HELD = 0, /* a marker or header waiting for the next event */
    SLOT_QUEUED,   /* in the heap */
    SLOT_DONE,     /* released; its bytes are freed when it reaches the tail */
} SlotState;

typedef struct {
    FtaEvent ev;       /* its strings are offsets until released */
    guint64 off;       /* of the line in the byte ring (absolute) */
    guint32 len;
    gint32 cpu;        /* HELD: the CPU whose next event it waits for; -1 any */
    guint8 kind;       /* FtaLineKind */
    guint8 state;      /* SlotState */
} Slot;

typedef struct {
    gint64 ts;
    guint64 seq;
} HeapItem;

struct _FtaSorter {
    FtaSortEmit emit;
    gpointer data;
    guint64 *unplaced;   /* events too late to be placed */
    guint64 max_lines;   /* lines waiting at most */
    gint64 window_ns;    /* -1: no time window */
    Slot *slots;         /* slot of arrival SEQ: slots[SEQ & (n_slots - 1)] */
    guint64 n_slots;     /* a power of two */
    guint64 head, tail;  /* next arrival; oldest not yet freed */
    GArray *held;        /* guint64 seq of the HELD slots, in arrival order */
    GArray *held_cpu;    /* guint32 per CPU: HELD slots waiting for it */
    guint held_any;      /* HELD slots waiting for any CPU */
    char *bytes;
    guint64 n_bytes;     /* a power of two */
    guint64 bhead, btail;
    HeapItem *heap;      /* n_slots items */
    guint64 heap_len;
    gint64 max_ts;       /* newest timestamp arrived */
    gint64 last_out_ts;  /* newest timestamp released */
};

static FtaSorter *
sorter_new (guint64 max_lines, gint64 window_ns, FtaSortEmit emit, gpointer data,
            guint64 *unplaced)
{
    FtaSorter *s = g_new0 (FtaSorter, 1);
    s->emit = emit;
    s->data = data;
    s->unplaced = unplaced;
    s->max_lines = max_lines;
    s->window_ns = window_ns;
    s->n_slots = 1024;
    s->slots = g_new (Slot, s->n_slots);
    s->heap = g_new (HeapItem, s->n_slots);
    s->n_bytes = 1u << 16;
    s->bytes = g_malloc (s->n_bytes);
    s->max_ts = G_MININT64;
    s->last_out_ts = G_MININT64;
    s->held = g_array_new (FALSE, FALSE, sizeof (guint64));
    s->held_cpu = g_array_new (FALSE, TRUE, sizeof (guint32));
    return s;
}

void
fta_sorter_free (FtaSorter *s)
{
    if (!s)
        return;
    g_free (s->slots);
    g_free (s->heap);
    g_free (s->bytes);
    g_array_free (s->held, TRUE);
    g_array_free (s->held_cpu, TRUE);
    g_free (s);
}

static inline Slot *
slot_at (FtaSorter *s, guint64 seq)
{
    return &s->slots[seq & (s->n_slots - 1)];
}

static inline char *
bytes_at (FtaSorter *s, guint64 off)
{
    return s->bytes + (off & (s->n_bytes - 1));
}

static inline gboolean
heap_less (const HeapItem *a, const HeapItem *b)
{
    return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void
heap_push (FtaSorter *s, gint64 ts, guint64 seq)
{
    guint64 i = s->heap_len++;
    HeapItem it = { ts, seq };
    while (i > 0) {
        guint64 parent = (i - 1) / 2;
        if (!heap_less (&it, &s->heap[parent]))
            break;
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = it;
}

static HeapItem
heap_pop (FtaSorter *s)
{
    HeapItem top = s->heap[0];
    HeapItem last = s->heap[--s->heap_len];
    guint64 i = 0, n = s->heap_len;
    for (;;) {
        guint64 c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && heap_less (&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!heap_less (&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = last;
    return top;
}

/* Frees the slots (and their bytes) released from the tail on. */
static void
sorter_retire (FtaSorter *s)
{
    while (s->tail < s->head && slot_at (s, s->tail)->state == SLOT_DONE)
        s->tail++;
    s->btail = s->tail < s->head ? slot_at (s, s->tail)->off : s->bhead;
}

static void
sorter_release (FtaSorter *s, guint64 seq)
{
    Slot *sl = slot_at (s, seq);
    const char *line = bytes_at (s, sl->off);
    FtaEvent ev = sl->ev;
    if (sl->kind == FTA_LINE_EVENT) {
        ev.name = line + (gsize) sl->ev.name;
        ev.fields = line + (gsize) sl->ev.fields;
        if (ev.ts_ns > s->last_out_ts)
            s->last_out_ts = ev.ts_ns;
    }
    sl->state = SLOT_DONE;
    s->emit (s->data, sl->kind, &ev, line, sl->len);
}

static void
sorter_release_min (FtaSorter *s)
{
    sorter_release (s, heap_pop (s).seq);
}

static void
held_uncount (FtaSorter *s, const Slot *sl)
{
    if (sl->cpu < 0)
        s->held_any--;
    else
        g_array_index (s->held_cpu, guint32, sl->cpu)--;
}

/* The HELD slots that wait for an event on CPU (-1: all of them) leave the
 * held list, in arrival order: queued at TS, or released now when TS is
 * G_MININT64. */
static void
sorter_unhold (FtaSorter *s, gint32 cpu, gint64 ts)
{
    if (cpu >= 0 && !s->held_any
        && ((guint) cpu >= s->held_cpu->len
            || !g_array_index (s->held_cpu, guint32, cpu)))
        return;
    guint w = 0;
    for (guint r = 0; r < s->held->len; r++) {
        guint64 seq = g_array_index (s->held, guint64, r);
        Slot *sl = slot_at (s, seq);
        if (cpu >= 0 && sl->cpu >= 0 && sl->cpu != cpu) {
            g_array_index (s->held, guint64, w++) = seq;
            continue;
        }
        held_uncount (s, sl);
        if (ts == G_MININT64) {
            sorter_release (s, seq);
        } else {
            sl->state = SLOT_QUEUED;
            heap_push (s, ts, seq);
        }
    }
    g_array_set_size (s->held, w);
}

/* Makes room for one more slot: grows up to the window, else releases the
 * oldest line waiting (and everything that sorts before it). */
static void
sorter_make_room (FtaSorter *s)
{
    while (s->head - s->tail >= s->max_lines) {
        Slot *t = slot_at (s, s->tail);
        if (t->state == SLOT_HELD) {
            /* its event never came within the window: it goes now (the
             * oldest slot is the first held) */
            held_uncount (s, t);
            g_array_remove_index (s->held, 0);
            sorter_release (s, s->tail);
        }
        while (t->state != SLOT_DONE)
            sorter_release_min (s);
        sorter_retire (s);
    }
    if (s->head - s->tail < s->n_slots)
        return;
    guint64 n = s->n_slots * 2;
    Slot *slots = g_new (Slot, n);
    for (guint64 q = s->tail; q < s->head; q++)
        slots[q & (n - 1)] = *slot_at (s, q);
    g_free (s->slots);
    s->slots = slots;
    s->n_slots = n;
    s->heap = g_renew (HeapItem, s->heap, n);
}

/* Copies LEN bytes into the byte ring, contiguous; returns their offset. */
static guint64
sorter_copy (FtaSorter *s, const char *line, gsize len)
{
    guint64 pos = s->bhead & (s->n_bytes - 1);
    guint64 off = pos + len > s->n_bytes ? s->bhead + (s->n_bytes - pos) : s->bhead;
    if (off + len - s->btail > s->n_bytes) {
        /* grow, and lay the lines waiting out again from offset 0 */
        guint64 live = 0;
        for (guint64 q = s->tail; q < s->head; q++)
            live += slot_at (s, q)->len;
        guint64 n = s->n_bytes;
        while (n < 2 * (live + len))
            n *= 2;
        char *bytes = g_malloc (n);
        guint64 at = 0;
        for (guint64 q = s->tail; q < s->head; q++) {
            Slot *sl = slot_at (s, q);
            memcpy (bytes + at, bytes_at (s, sl->off), sl->len);
            sl->off = at;
            at += sl->len;
        }
        g_free (s->bytes);
        s->bytes = bytes;
        s->n_bytes = n;
        s->btail = 0;
        s->bhead = off = at;
    }
    memcpy (bytes_at (s, off), line, len);
    s->bhead = off + len;
    return off;
}

static guint64
sorter_store (FtaSorter *s, FtaLineKind kind, const FtaEvent *ev, const char *line,
              gsize len, SlotState state)
{
    sorter_make_room (s);
    guint64 seq = s->head;
    Slot *sl = slot_at (s, seq);
    sl->off = sorter_copy (s, line, len);
    sl->len = (guint32) len;
    sl->kind = kind;
    sl->state = state;
    sl->ev = *ev;
    if (kind == FTA_LINE_EVENT) {
        /* offsets into the line: the input's buffer will not last */
        sl->ev.name = (const char *) (gsize) (ev->name - line);
        sl->ev.fields = (const char *) (gsize) (ev->fields - line);
    }
    sl->cpu = -1;
    s->head++;
    if (s->tail == seq)
        s->btail = sl->off;
    return seq;
}

void
fta_sorter_push (FtaSorter *s, FtaLineKind kind, FtaEvent *ev, const char *line, gsize len)
{
    if (kind != FTA_LINE_EVENT) {
        if (s->heap_len == 0 && s->held->len == 0) {
            s->emit (s->data, kind, ev, line, len); /* nothing to keep order with */
            return;
        }
        guint64 seq = sorter_store (s, kind, ev, line, len, SLOT_HELD);
        Slot *sl = slot_at (s, seq);
        if (kind == FTA_LINE_MARKER && ev->cpu >= 0 && ev->cpu < 65536) {
            sl->cpu = ev->cpu;
            if ((guint) ev->cpu >= s->held_cpu->len)
                g_array_set_size (s->held_cpu, ev->cpu + 1);
            g_array_index (s->held_cpu, guint32, ev->cpu)++;
        } else {
            s->held_any++;
        }
        g_array_append_val (s->held, seq);
        return;
    }
    /* room first: what that releases decides whether EV is late */
    sorter_make_room (s);
    if (ev->ts_ns < s->last_out_ts) {
        /* later than the window allows: on in arrival order */
        (*s->unplaced)++;
        sorter_unhold (s, ev->cpu, G_MININT64);
        sorter_retire (s);
        s->emit (s->data, kind, ev, line, len);
        return;
    }
    sorter_unhold (s, ev->cpu, ev->ts_ns);
    heap_push (s, ev->ts_ns, sorter_store (s, kind, ev, line, len, SLOT_QUEUED));
    if (ev->ts_ns > s->max_ts)
        s->max_ts = ev->ts_ns;
    if (s->window_ns >= 0) {
        while (s->heap_len && s->max_ts - s->heap[0].ts > s->window_ns)
            sorter_release_min (s);
        sorter_retire (s);
    }
}

void
fta_sorter_finish (FtaSorter *s)
{
    while (s->heap_len)
        sorter_release_min (s);
    sorter_unhold (s, -1, G_MININT64);
    sorter_retire (s);
}

FtaSorter *
fta_sorter_new (const char *text, FtaSortEmit emit, gpointer data, guint64 *unplaced,
                GError **error)
{
    if (!*text)
        return sorter_new (FTA_SORT_EVENTS, -1, emit, data, unplaced);
    char *end;
    double v = g_ascii_strtod (text, &end);
    if (end == text || *end || !(v >= 0) || v > 1e6) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "bad --sort window '%s': give seconds of trace time, e.g. "
                     "--sort=0.5, or --sort alone for a window of %u events",
                     text, FTA_SORT_EVENTS);
        return NULL;
    }
    return sorter_new (FTA_SORT_MAX_EVENTS, (gint64) (v * 1e9 + 0.5), emit, data, unplaced);
}
