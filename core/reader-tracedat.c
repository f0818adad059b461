/* reader-tracedat.c - trace-cmd's trace.dat through libtracecmd and
 * libtraceevent, straight into FtaEvent.
 *
 * At open, every event format of the file is looked at once: the events
 * the core has typed fields for get their field handles (offset, size,
 * signedness) by name, and sched_switch's prev_state letters come from its
 * print format, so a record is decoded by integer compares and loads,
 * never by a name lookup and never through text.  The task column comes
 * from the recorded cmdlines (cached per pid).
 *
 * The CPU data of an uncompressed file is read straight from the file,
 * mapped once: each ring-buffer page goes through libtraceevent's kbuffer
 * (the reader libtracecmd itself uses), with no allocation per record.
 * libtracecmd opens the file (metadata, event formats, cmdlines) and
 * reads what this does not: compressed CPU data (version 7's default),
 * and files whose timestamps it corrects (guest clocks, TSC scaling,
 * offsets).  Which one reads a file is decided at open by reading the
 * first and the last record of every CPU both ways: the same bytes at
 * the same file offset, with the same timestamp, or libtracecmd reads
 * it all.
 *
 * Each CPU's records are decoded in blocks, by worker threads or by the
 * caller; the caller merges the CPUs' blocks in (timestamp, CPU) order.
 * libtracecmd's handles are not shared between threads: a worker that
 * reads through libtracecmd, or renders event text, opens its own.
 * Memory: a few blocks per CPU, whatever the size of the file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "reader-tracedat.h"

#ifdef HAVE_LIBTRACECMD

#include <trace-cmd.h>
#include <kbuffer.h>

/* Exported by libtracecmd without a prototype in its public header:
 * declared here only when configure found them. */
#ifdef HAVE_TRACECMD_GET_TRACE_CLOCK
const char *tracecmd_get_trace_clock (struct tracecmd_input *handle);
#endif
#ifdef HAVE_TRACECMD_GET_VERSION
const char *tracecmd_get_version (struct tracecmd_input *handle);
#endif
#ifdef HAVE_TRACECMD_CPUS
int tracecmd_cpus (struct tracecmd_input *handle);
#endif
#ifdef HAVE_TRACECMD_GET_FILE_COMPRESS_PROTO
int tracecmd_get_file_compress_proto (struct tracecmd_input *handle, const char **name,
                                      const char **version);
#endif
#ifdef HAVE_TRACECMD_PAGE_SIZE
int tracecmd_page_size (struct tracecmd_input *handle);
#endif
#ifdef HAVE_TRACECMD_READ_CPU_LAST
struct tep_record *tracecmd_read_cpu_last (struct tracecmd_input *handle, int cpu);
#endif

/* Items per block: fewer with many CPUs, so that the blocks in flight
 * (BLOCKS_AHEAD per CPU) stay within a few tens of MB. */
#define BLOCK_ITEMS_MAX 2048
#define BLOCK_ITEMS_MIN 128
#define BLOCKS_AHEAD 3
#define COMM_CACHE 4096 /* pids, direct-mapped */
/* Each decoding thread past the first opens the file again, which parses
 * every event format and kallsyms (about 0.2 s of CPU): one per this many
 * bytes of file at most. */
#define BYTES_PER_EXTRA_WORKER (32u << 20)
/* A ring-buffer page's header: its timestamp and its commit word. */
#define PAGE_HDR_MAX 16
/* kbuffer reads up to a few words past the committed data (a stored
 * lost-events count, an event header): a page closer than this to the end
 * of the file is read from a zeroed copy. */
#define PAGE_SLACK 64
#define PAGE_COMMIT_MASK ((1u << 27) - 1)
/* The mapped pages a stream has read are let go of every this many bytes:
 * what the reading keeps resident stays small whatever the file's size. */
#define RELEASE_BYTES (4u << 20)

/* One field of a record: where, how wide, signed; dynamic strings
 * (__data_loc, __rel_loc) hold a 32-bit offset/length word. */
enum { FLD_SIGNED = 1, FLD_DYNAMIC = 2, FLD_RELATIVE = 4, FLD_STRING = 8 };
typedef struct {
    gint32 off;
    gint32 size; /* 0: absent */
    guint32 flags;
} Fld;

enum { MAX_FLDS = 7 };

typedef struct {
    gboolean present;
    FtaEventType type;
    const char *name; /* owned by the opening handle's tep */
    guint name_len;
    gint32 min_size;  /* the record bytes the fields read need */
    Fld f[MAX_FLDS];
} Desc;

/* sched_switch prev_state: bit -> FtaStateBits, from the print format. */
typedef struct {
    guint64 bit[16];
    guint32 state[16];
    guint n;
    guint64 mask;    /* the bits that name letters */
    guint64 preempt; /* the "+" bit */
    gboolean known;  /* read from the print format */
} StateMap;

typedef struct {
    FtaEvent ev;
    guint32 tep_id;   /* G_MAXUINT32: no event name (markers, unparsed) */
    guint32 text_off; /* in the block's arena */
    guint32 text_len;
    guint32 name_off;   /* from text_off: the event's name, in the text so
                           that a copy of the line (--sort) keeps it */
    guint32 fields_off; /* from text_off */
    guint32 fields_len;
    const char *why;  /* UNPARSED */
    guint8 kind;      /* FtaLineKind */
} Item;

typedef struct _Block Block;
struct _Block {
    Item *items;
    guint n, pos;
    GString *arena;
    gboolean last;    /* no block of this CPU follows */
    Block *next;
};

typedef struct _Worker Worker;

typedef struct {
    gint32 cpu;
    Worker *worker;   /* its decoder */
    /* read from the mapped file: pages [page, end) (file offsets) */
    struct kbuffer *kbuf;
    guint64 page, end;
    guint64 released;       /* the file below this was read and let go of */
    const guint8 *page_ptr; /* the loaded page; NULL: load the next one */
    guint8 *copy;           /* a zeroed copy of a page near the end of the file */
    struct tep_record *pending; /* read through libtracecmd: its first record */
    /* under FtaTraceDat.lock when threaded */
    Block *ready_head, *ready_tail;
    guint n_ready;
    Block *free;
    gboolean finished; /* the decoder has queued its last block */
    /* the merging thread's */
    Block *cur;
    gboolean done;
} Stream;

struct _Worker {
    FtaTraceDat *t;
    GThread *thread;
    struct tracecmd_input *top;   /* opened by this worker (NULL: shared) */
    struct tracecmd_input *handle; /* the buffer read */
    struct tep_handle *tep;
    struct trace_seq seq;
    gboolean swap;
    GPtrArray *streams; /* Stream* this worker decodes */
    struct { gint32 pid; char comm[FTA_COMM_LEN]; } comms[COMM_CACHE];
    char *error;
};

struct _FtaTraceDat {
    char *path;
    FtaParser *names;
    guint text;
    guint64 field_types;
    FtaTraceDatInfo info;
    char *buffer, *buffers, *clock, *version, *compression;
    int buffer_index; /* -1: the top one */
    struct tracecmd_input *top;
    struct tracecmd_input *handle;
    Desc *descs;
    guint n_descs;
    Fld common_type, common_pid;
    StateMap states;
    guint block_items;
    Stream *streams;
    guint n_streams;
    Worker *workers;
    guint n_workers;
    gboolean threaded;
    gboolean direct;   /* the CPU data is read from map */
    gboolean render;   /* every line is rendered: a tep per thread */
    GMutex tep_lock;   /* field text rendered with the shared tep */
    const guint8 *map;
    gsize map_len;
    guint page_size;
    guint sys_page;    /* the machine's page size, for madvise */
    guint page_hdr;    /* bytes before a page's data: 8 + the commit word */
    gboolean page_swap;
    GMutex lock;
    GCond produced, consumed;
    gboolean stop;
    /* merge: a heap of stream indexes by the head item's (ts, cpu) */
    guint *heap;
    guint heap_len;
    gboolean header_done;
    char header[32];
    guint32 *name_ids; /* tep id -> run name id + 1 */
    guint64 records;
    Block *prev_block; /* consumed: recycled at the next call */
    Stream *prev_stream;
    guint32 lost_name_id;
};

gboolean
fta_tracedat_supported (void)
{
    return TRUE;
}

/* --- fields ------------------------------------------------------------------ */

static inline guint64
load (const guint8 *p, gint32 size, gboolean swap)
{
    switch (size) {
    case 1: return p[0];
    case 2: {
        guint16 v;
        memcpy (&v, p, 2);
        return swap ? GUINT16_SWAP_LE_BE (v) : v;
    }
    case 4: {
        guint32 v;
        memcpy (&v, p, 4);
        return swap ? GUINT32_SWAP_LE_BE (v) : v;
    }
    case 8: {
        guint64 v;
        memcpy (&v, p, 8);
        return swap ? GUINT64_SWAP_LE_BE (v) : v;
    }
    default: return 0;
    }
}

/* A number field, sign-extended when signed. */
static inline gint64
get_int (const guint8 *d, const Fld *f, gboolean swap)
{
    guint64 v = load (d + f->off, f->size, swap);
    if ((f->flags & FLD_SIGNED) && f->size < 8) {
        guint64 sign = 1ull << (f->size * 8 - 1);
        v = (v ^ sign) - sign;
    }
    return (gint64) v;
}

/* A string field (char[N] or dynamic) of a record of SIZE bytes, into DST
 * (CAP bytes with its NUL). */
static void
get_str (const guint8 *d, gint32 size, const Fld *f, gboolean swap, char *dst, gsize cap)
{
    const guint8 *s = d + f->off;
    gsize n = f->size;
    if (f->flags & FLD_DYNAMIC) {
        guint32 w = (guint32) load (d + f->off, 4, swap);
        gsize off = w & 0xffff, len = w >> 16;
        if (f->flags & FLD_RELATIVE)
            off += f->off + f->size;
        if (off > (gsize) size || len > (gsize) size - off)
            len = off = 0;
        s = d + off;
        n = len;
    }
    const guint8 *z = memchr (s, '\0', n);
    if (z)
        n = z - s;
    if (n > cap - 1)
        n = cap - 1;
    memcpy (dst, s, n);
    dst[n] = '\0';
}

static gboolean
resolve (Desc *d, guint i, struct tep_event *ev, const char *name, gboolean needed)
{
    struct tep_format_field *f = tep_find_field (ev, name);
    if (!f) {
        d->f[i].size = 0;
        return !needed;
    }
    d->f[i].off = f->offset;
    d->f[i].size = f->size;
    d->f[i].flags = ((f->flags & TEP_FIELD_IS_SIGNED) ? FLD_SIGNED : 0)
                    | ((f->flags & TEP_FIELD_IS_DYNAMIC) ? FLD_DYNAMIC : 0)
                    | ((f->flags & TEP_FIELD_IS_RELATIVE) ? FLD_RELATIVE : 0)
                    | ((f->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_ARRAY)) ? FLD_STRING : 0);
    gboolean is_string = (d->f[i].flags & (FLD_STRING | FLD_DYNAMIC)) != 0;
    if (!is_string && f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
        return FALSE;
    if (d->f[i].flags & FLD_DYNAMIC)
        d->f[i].size = 4;
    if (f->offset < 0 || f->offset > 65535)
        return FALSE;
    d->min_size = MAX (d->min_size, d->f[i].off + d->f[i].size);
    return TRUE;
}

/* The field handles of a known event; FALSE when its format lacks what
 * the typed fields need (it is then read as an event without them). */
static gboolean
resolve_known (Desc *d, struct tep_event *ev)
{
    switch (d->type) {
    case FTA_EV_SCHED_SWITCH:
        return resolve (d, 0, ev, "prev_comm", TRUE) && resolve (d, 1, ev, "prev_pid", TRUE)
               && resolve (d, 2, ev, "prev_prio", FALSE) && resolve (d, 3, ev, "prev_state", TRUE)
               && resolve (d, 4, ev, "next_comm", TRUE) && resolve (d, 5, ev, "next_pid", TRUE)
               && resolve (d, 6, ev, "next_prio", FALSE);
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW:
        return resolve (d, 0, ev, "comm", TRUE) && resolve (d, 1, ev, "pid", TRUE)
               && resolve (d, 2, ev, "prio", FALSE) && resolve (d, 3, ev, "target_cpu", FALSE)
               && resolve (d, 4, ev, "success", FALSE);
    case FTA_EV_SCHED_MIGRATE_TASK:
        return resolve (d, 0, ev, "comm", TRUE) && resolve (d, 1, ev, "pid", TRUE)
               && resolve (d, 2, ev, "prio", FALSE) && resolve (d, 3, ev, "orig_cpu", TRUE)
               && resolve (d, 4, ev, "dest_cpu", TRUE);
    case FTA_EV_SCHED_PROCESS_FORK:
        return resolve (d, 0, ev, "parent_comm", TRUE) && resolve (d, 1, ev, "parent_pid", TRUE)
               && resolve (d, 2, ev, "child_comm", TRUE) && resolve (d, 3, ev, "child_pid", TRUE);
    case FTA_EV_SCHED_PROCESS_EXIT:
        return resolve (d, 0, ev, "comm", TRUE) && resolve (d, 1, ev, "pid", TRUE)
               && resolve (d, 2, ev, "prio", FALSE);
    case FTA_EV_SCHED_PROCESS_EXEC:
        return resolve (d, 0, ev, "pid", TRUE) && resolve (d, 1, ev, "old_pid", FALSE);
    case FTA_EV_IRQ_HANDLER_ENTRY:
        return resolve (d, 0, ev, "irq", TRUE) && resolve (d, 1, ev, "name", FALSE);
    case FTA_EV_IRQ_HANDLER_EXIT:
        return resolve (d, 0, ev, "irq", TRUE) && resolve (d, 1, ev, "ret", FALSE);
    case FTA_EV_SOFTIRQ_ENTRY:
    case FTA_EV_SOFTIRQ_EXIT:
    case FTA_EV_SOFTIRQ_RAISE:
        return resolve (d, 0, ev, "vec", TRUE);
    default:
        return TRUE; /* no typed fields */
    }
}

/* sched_switch's "__print_flags(prev_state & MASK, "|", { 0x1, "S" }, ...)"
 * gives the letter of each bit on the recording's kernel; "+" is the bit
 * above the highest of them (TASK_REPORT_MAX). */
static void
find_flags (const struct tep_print_arg *a, StateMap *m, int depth)
{
    for (; a && depth < 32 && !m->known; a = a->next) {
        switch (a->type) {
        case TEP_PRINT_FLAGS:
            for (const struct tep_print_flag_sym *s = a->flags.flags; s; s = s->next) {
                if (m->n >= G_N_ELEMENTS (m->bit) || !s->value || !s->str)
                    continue;
                guint64 v = g_ascii_strtoull (s->value, NULL, 0);
                guint32 st = fta_parse_state (s->str, strlen (s->str));
                if (!v || (v & (v - 1)) || (st & FTA_STATE_UNKNOWN))
                    continue;
                m->bit[m->n] = v;
                m->state[m->n] = st;
                m->n++;
                m->mask |= v;
                if (v << 1 > m->preempt)
                    m->preempt = v << 1;
            }
            m->known = m->n > 0;
            break;
        case TEP_PRINT_OP:
            find_flags (a->op.left, m, depth + 1);
            find_flags (a->op.right, m, depth + 1);
            break;
        case TEP_PRINT_TYPE:
            find_flags (a->typecast.item, m, depth + 1);
            break;
        default:
            break;
        }
    }
}

/* The letters of the recording's kernel; without them, the numbers as
 * trace-cmd's raw form gives them (fta_state_from_number). */
static guint32
state_bits (const StateMap *m, gint64 v)
{
    if (v < 0)
        return FTA_STATE_UNKNOWN;
    if (m->known) {
        guint32 st = 0;
        guint64 u = (guint64) v;
        for (guint i = 0; i < m->n; i++)
            if (u & m->bit[i])
                st |= m->state[i];
        if (u & m->preempt)
            st |= FTA_STATE_PREEMPT;
        if (u & ~(m->mask | m->preempt | (m->preempt - 1)))
            st |= FTA_STATE_UNKNOWN;
        return st;
    }
    return fta_state_from_number (v);
}

static FtaEventType
type_of (const char *name)
{
    for (int t = FTA_EV_SCHED_SWITCH; t < FTA_EV_OTHER; t++)
        if (strcmp (fta_event_type_name ((FtaEventType) t), name) == 0)
            return (FtaEventType) t;
    return FTA_EV_OTHER;
}

/* Every event format of the file, once. */
static gboolean
describe (FtaTraceDat *t, struct tep_handle *tep, GError **error)
{
    struct tep_event **list = tep_list_events (tep, TEP_EVENT_SORT_ID);
    int max_id = -1;
    for (guint i = 0; list && list[i]; i++)
        max_id = MAX (max_id, list[i]->id);
    if (max_id < 0 || max_id > 1 << 20) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s: the trace.dat has no event formats", t->path);
        return FALSE;
    }
    t->n_descs = max_id + 1;
    t->descs = g_new0 (Desc, t->n_descs);
    t->name_ids = g_new0 (guint32, t->n_descs);
    gboolean common = FALSE;
    for (guint i = 0; list[i]; i++) {
        struct tep_event *ev = list[i];
        if (ev->id < 0 || !ev->name)
            continue;
        Desc *d = &t->descs[ev->id];
        d->present = TRUE;
        d->name = ev->name;
        d->name_len = strlen (ev->name);
        d->type = type_of (ev->name);
        if (!common) {
            struct tep_format_field *ct = tep_find_common_field (ev, "common_type");
            struct tep_format_field *cp = tep_find_common_field (ev, "common_pid");
            if (ct && cp && (ct->size == 1 || ct->size == 2 || ct->size == 4)
                && (cp->size == 4 || cp->size == 8) && ct->offset >= 0 && cp->offset >= 0
                && ct->offset < 64 && cp->offset < 64) {
                t->common_type = (Fld) { ct->offset, ct->size, 0 };
                t->common_pid = (Fld) { cp->offset, cp->size, FLD_SIGNED };
                common = TRUE;
            }
        }
        if (d->type != FTA_EV_OTHER && !resolve_known (d, ev)) {
            /* a format of another shape: counted and passed on by name */
            memset (d->f, 0, sizeof d->f);
            d->min_size = 0;
            d->type = FTA_EV_OTHER;
        }
        if (d->type == FTA_EV_SCHED_SWITCH && !t->states.known)
            find_flags (ev->print_fmt.args, &t->states, 0);
    }
    if (!common) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s: the trace.dat's event formats have no common_type/common_pid",
                     t->path);
        return FALSE;
    }
    return TRUE;
}

/* --- decoding ----------------------------------------------------------------- */

static const char *
comm_of (Worker *w, gint32 pid)
{
    guint slot = (guint) pid & (COMM_CACHE - 1);
    if (w->comms[slot].pid != pid || !w->comms[slot].comm[0]) {
        const char *c = tep_data_comm_from_pid (w->tep, pid);
        g_strlcpy (w->comms[slot].comm, c ? c : "<...>", FTA_COMM_LEN);
        w->comms[slot].pid = pid;
    }
    return w->comms[slot].comm;
}

static Item *
new_item (Block *b, FtaLineKind kind, gint32 cpu, gint64 ts)
{
    Item *it = &b->items[b->n++];
    memset (&it->ev, 0, sizeof it->ev);
    it->ev.ts_ns = ts;
    it->ev.cpu = cpu;
    it->ev.pid = -1;
    it->ev.tgid = -1;
    it->ev.task = FTA_TASK_NONE;
    it->kind = kind;
    it->tep_id = G_MAXUINT32;
    it->text_off = b->arena->len;
    it->text_len = 0;
    it->name_off = 0;
    it->fields_off = 0;
    it->fields_len = 0;
    it->why = NULL;
    return it;
}

static void
item_text_end (Block *b, Item *it)
{
    it->text_len = b->arena->len - it->text_off;
}

/* "CPU:N [M EVENTS DROPPED]", as trace-cmd report prints it. */
static void
add_lost (FtaTraceDat *t, Block *b, gint32 cpu, struct tep_record *r)
{
    Item *it = new_item (b, FTA_LINE_MARKER, cpu, (gint64) r->ts);
    it->ev.type = FTA_EV_LOST;
    it->ev.name_id = t->lost_name_id;
    it->ev.u.marker.lost = r->missed_events > 0 ? r->missed_events : -1;
    if (r->missed_events > 0)
        g_string_append_printf (b->arena, "CPU:%d [%lld EVENTS DROPPED]", cpu,
                                r->missed_events);
    else
        g_string_append_printf (b->arena, "CPU:%d [EVENTS DROPPED]", cpu);
    item_text_end (b, it);
}

static void
render_info (Worker *w, struct tep_record *r)
{
    trace_seq_reset (&w->seq);
    tep_print_event (w->tep, &w->seq, r, "%s", TEP_PRINT_INFO);
    trace_seq_terminate (&w->seq);
}

static void
decode (Worker *w, Block *b, gint32 cpu, struct tep_record *r)
{
    FtaTraceDat *t = w->t;
    const guint8 *d = r->data;
    gint32 size = r->size;
    if (r->missed_events)
        add_lost (t, b, cpu, r);
    Item *it = new_item (b, FTA_LINE_EVENT, cpu, (gint64) r->ts);
    FtaEvent *ev = &it->ev;
    gint32 hdr = MAX (t->common_type.off + t->common_type.size,
                      t->common_pid.off + t->common_pid.size);
    if (!d || size < hdr) {
        it->kind = FTA_LINE_UNPARSED;
        it->why = "record shorter than the common fields";
        g_string_append_printf (b->arena, "CPU %d record of %d bytes at %llu ns", cpu, size,
                                r->ts);
        item_text_end (b, it);
        return;
    }
    guint64 id = load (d + t->common_type.off, t->common_type.size, w->swap);
    const Desc *ds = id < t->n_descs ? &t->descs[id] : NULL;
    if (!ds || !ds->present || size < ds->min_size) {
        it->kind = FTA_LINE_UNPARSED;
        it->why = ds && ds->present ? "record shorter than its event format"
                                    : "record of an event id the file has no format for";
        g_string_append_printf (b->arena, "CPU %d record of event id %" G_GUINT64_FORMAT
                                ", %d bytes, at %llu ns", cpu, id, size, r->ts);
        item_text_end (b, it);
        return;
    }
    it->tep_id = (guint32) id;
    ev->pid = (gint32) get_int (d, &t->common_pid, w->swap);
    ev->type = ds->type;
    g_strlcpy (ev->comm, comm_of (w, ev->pid), FTA_COMM_LEN);
    const Fld *f = ds->f;
    switch (ds->type) {
    case FTA_EV_SCHED_SWITCH: {
        FtaSwitchFields *s = &ev->u.sw;
        get_str (d, size, &f[0], w->swap, s->prev_comm, FTA_COMM_LEN);
        s->prev_pid = (gint32) get_int (d, &f[1], w->swap);
        s->prev_prio = f[2].size ? (gint32) get_int (d, &f[2], w->swap) : -1;
        s->prev_state = state_bits (&t->states, get_int (d, &f[3], w->swap));
        get_str (d, size, &f[4], w->swap, s->next_comm, FTA_COMM_LEN);
        s->next_pid = (gint32) get_int (d, &f[5], w->swap);
        s->next_prio = f[6].size ? (gint32) get_int (d, &f[6], w->swap) : -1;
        break;
    }
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW: {
        FtaWakeFields *s = &ev->u.wake;
        get_str (d, size, &f[0], w->swap, s->comm, FTA_COMM_LEN);
        s->pid = (gint32) get_int (d, &f[1], w->swap);
        s->prio = f[2].size ? (gint32) get_int (d, &f[2], w->swap) : -1;
        s->target_cpu = f[3].size ? (gint32) get_int (d, &f[3], w->swap) : -1;
        s->success = f[4].size ? (gint32) get_int (d, &f[4], w->swap) : -1;
        break;
    }
    case FTA_EV_SCHED_MIGRATE_TASK: {
        FtaMigrateFields *s = &ev->u.migrate;
        get_str (d, size, &f[0], w->swap, s->comm, FTA_COMM_LEN);
        s->pid = (gint32) get_int (d, &f[1], w->swap);
        s->prio = f[2].size ? (gint32) get_int (d, &f[2], w->swap) : -1;
        s->orig_cpu = (gint32) get_int (d, &f[3], w->swap);
        s->dest_cpu = (gint32) get_int (d, &f[4], w->swap);
        break;
    }
    case FTA_EV_SCHED_PROCESS_FORK: {
        FtaProcessFields *s = &ev->u.proc;
        get_str (d, size, &f[0], w->swap, s->comm, FTA_COMM_LEN);
        s->pid = (gint32) get_int (d, &f[1], w->swap);
        get_str (d, size, &f[2], w->swap, s->child_comm, FTA_COMM_LEN);
        s->child_pid = (gint32) get_int (d, &f[3], w->swap);
        break;
    }
    case FTA_EV_SCHED_PROCESS_EXIT: {
        FtaProcessFields *s = &ev->u.proc;
        get_str (d, size, &f[0], w->swap, s->comm, FTA_COMM_LEN);
        s->pid = (gint32) get_int (d, &f[1], w->swap);
        s->prio = f[2].size ? (gint32) get_int (d, &f[2], w->swap) : -1;
        break;
    }
    case FTA_EV_SCHED_PROCESS_EXEC: {
        FtaProcessFields *s = &ev->u.proc;
        s->pid = (gint32) get_int (d, &f[0], w->swap);
        s->old_pid = f[1].size ? (gint32) get_int (d, &f[1], w->swap) : s->pid;
        break;
    }
    case FTA_EV_IRQ_HANDLER_ENTRY:
        ev->u.irq.irq = (gint32) get_int (d, &f[0], w->swap);
        ev->u.irq.handled = -1;
        if (f[1].size)
            get_str (d, size, &f[1], w->swap, ev->u.irq.name, sizeof ev->u.irq.name);
        break;
    case FTA_EV_IRQ_HANDLER_EXIT:
        ev->u.irq.irq = (gint32) get_int (d, &f[0], w->swap);
        ev->u.irq.handled = f[1].size ? (get_int (d, &f[1], w->swap) ? 1 : 0) : -1;
        break;
    case FTA_EV_SOFTIRQ_ENTRY:
    case FTA_EV_SOFTIRQ_EXIT:
    case FTA_EV_SOFTIRQ_RAISE:
        ev->u.softirq.vec = (gint32) get_int (d, &f[0], w->swap);
        break;
    default:
        break;
    }

    if (t->text & FTA_TRACEDAT_LINES) {
        /* trace-cmd report -t's layout */
        g_string_append_printf (b->arena, "%16s-%-5d [%03d] %5llu.%09llu: ", ev->comm,
                                ev->pid, cpu, r->ts / 1000000000ull, r->ts % 1000000000ull);
        it->name_off = b->arena->len - it->text_off;
        g_string_append_printf (b->arena, "%s: %.*s", ds->name,
                                ds->name_len < 20 ? (int) (20 - ds->name_len) : 0,
                                "                    ");
        render_info (w, r);
        it->fields_off = b->arena->len - it->text_off;
        g_string_append_len (b->arena, w->seq.buffer, w->seq.len);
        it->fields_len = w->seq.len;
    } else {
        g_string_append_len (b->arena, ds->name, ds->name_len);
        g_string_append_len (b->arena, ": ", 2);
        it->fields_off = b->arena->len - it->text_off;
        if ((t->text & FTA_TRACEDAT_FIELDS)
            && (ds->type >= FTA_EV_KVM_ENTRY
                || (ds->type >= FTA_EV_SOFTIRQ_ENTRY && ds->type <= FTA_EV_SOFTIRQ_RAISE
                    && (guint32) ev->u.softirq.vec >= 10))
            && (t->field_types & (G_GUINT64_CONSTANT (1) << ds->type))) {
            /* no typed fields (or a softirq vector without a name): the
             * plugins read the field text, as the kernel's format prints it.
             * libtraceevent's lookups cache in the tep: one thread at a
             * time on a shared one */
            gboolean shared = !w->top && t->threaded;
            if (shared)
                g_mutex_lock (&t->tep_lock);
            render_info (w, r);
            if (shared)
                g_mutex_unlock (&t->tep_lock);
            g_string_append_len (b->arena, w->seq.buffer, w->seq.len);
            it->fields_len = w->seq.len;
        }
    }
    item_text_end (b, it);
}

static Block *
block_new (guint items)
{
    Block *b = g_new0 (Block, 1);
    b->items = g_new (Item, items);
    b->arena = g_string_sized_new (256);
    return b;
}

static void
block_free (Block *b)
{
    if (!b)
        return;
    g_free (b->items);
    g_string_free (b->arena, TRUE);
    g_free (b);
}

/* The page of S at file offset OFF, or NULL when its commit word says
 * more than a page of data: libtracecmd stops reading the CPU there
 * ("bad page read"), and so does this. */
static const guint8 *
page_at (FtaTraceDat *t, Stream *s, guint64 off)
{
    if (off + t->page_hdr > t->map_len)
        return NULL;
    const guint8 *p = t->map + off;
    if (off + t->page_size + PAGE_SLACK > t->map_len) {
        if (!s->copy)
            s->copy = g_malloc (t->page_size + PAGE_SLACK);
        gsize n = MIN ((gsize) t->page_size, t->map_len - off);
        memcpy (s->copy, p, n);
        memset (s->copy + n, 0, t->page_size + PAGE_SLACK - n);
        p = s->copy;
    }
    guint64 commit = load (p + 8, (gint32) (t->page_hdr - 8), t->page_swap);
    if ((commit & PAGE_COMMIT_MASK) > t->page_size)
        return NULL;
    return p;
}

/* The next record of S from the mapped file into R, or FALSE at the end
 * of its data.  Pages are walked as libtracecmd walks them; a record
 * that would reach past its page's data (a damaged page) ends the page. */
static gboolean
next_direct (FtaTraceDat *t, Stream *s, struct tep_record *r)
{
    for (;;) {
        if (!s->page_ptr) {
            if (s->page >= s->end)
                return FALSE;
            if (s->page >= s->released + RELEASE_BYTES) {
                /* the records are decoded into blocks: the pages behind
                 * are not looked at again (the page cache keeps them) */
                guint64 from = (s->released + t->sys_page - 1) & ~(guint64) (t->sys_page - 1);
                guint64 to = s->page & ~(guint64) (t->sys_page - 1);
                if (to > from)
                    madvise ((void *) (t->map + from), (size_t) (to - from), MADV_DONTNEED);
                s->released = s->page;
            }
            s->page_ptr = page_at (t, s, s->page);
            if (!s->page_ptr) {
                s->page = s->end;
                return FALSE;
            }
            kbuffer_load_subbuffer (s->kbuf, (void *) s->page_ptr);
            s->page += t->page_size;
        }
        unsigned long long ts;
        const guint8 *data = kbuffer_read_event (s->kbuf, &ts);
        if (data) {
            int size = kbuffer_event_size (s->kbuf);
            const guint8 *limit = s->page_ptr + t->page_hdr + kbuffer_subbuffer_size (s->kbuf);
            if (size >= 0 && data >= s->page_ptr && data + size <= limit) {
                r->ts = ts;
                r->data = (void *) data;
                r->size = size;
                r->cpu = s->cpu;
                r->missed_events = kbuffer_missed_events (s->kbuf);
                r->offset = s->page - t->page_size + kbuffer_curr_offset (s->kbuf);
                kbuffer_next_event (s->kbuf, NULL);
                return TRUE;
            }
        }
        s->page_ptr = NULL;
    }
}

/* Fills B with the next records of stream S.  Room is kept for a marker
 * and its record. */
static void
fill_block (Worker *w, Stream *s, Block *b)
{
    FtaTraceDat *t = w->t;
    b->n = b->pos = 0;
    b->last = FALSE;
    b->next = NULL;
    g_string_truncate (b->arena, 0);
    if (t->direct) {
        struct tep_record r;
        memset (&r, 0, sizeof r);
        while (b->n + 2 <= t->block_items) {
            if (!next_direct (t, s, &r)) {
                b->last = TRUE;
                break;
            }
            decode (w, b, s->cpu, &r);
        }
        return;
    }
    while (b->n + 2 <= t->block_items) {
        struct tep_record *r = s->pending;
        s->pending = NULL;
        if (!r)
            r = tracecmd_read_data (w->handle, s->cpu);
        if (!r) {
            b->last = TRUE;
            break;
        }
        decode (w, b, s->cpu, r);
        tracecmd_free_record (r);
    }
}

/* --- workers -------------------------------------------------------------------- */

static struct tracecmd_input *
open_buffer (FtaTraceDat *t, struct tracecmd_input **top, GError **error)
{
    /* plugins only change how trace-cmd prints events: the kernel's own
     * print formats are kept, as the tracefs text shows them */
    fta_signals_foreign_open (t->path);
    *top = tracecmd_open (t->path, TRACECMD_FL_LOAD_NO_PLUGINS);
    fta_signals_foreign_done ();
    if (!*top) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s: libtracecmd cannot read this trace.dat (damaged, cut short, "
                     "or of a newer format); 'trace-cmd report -i %s' says more",
                     t->path, t->path);
        return NULL;
    }
    if (t->buffer_index < 0)
        return *top;
    struct tracecmd_input *h = tracecmd_buffer_instance_handle (*top, t->buffer_index);
    if (!h)
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "%s: cannot read buffer '%s'",
                     t->path, t->buffer);
    return h;
}

static void
worker_setup (Worker *w, struct tracecmd_input *top, struct tracecmd_input *h,
              struct tep_handle *tep)
{
    w->top = top;
    w->handle = h;
    w->tep = tep;
    w->swap = tep_is_file_bigendian (w->tep) != tep_is_local_bigendian (w->tep);
    trace_seq_init (&w->seq);
    for (guint i = 0; i < COMM_CACHE; i++)
        w->comms[i].pid = -1;
}

static gpointer
worker_run (gpointer data)
{
    Worker *w = data;
    FtaTraceDat *t = w->t;
    if (!w->tep) {
        GError *err = NULL;
        struct tracecmd_input *top = NULL;
        struct tracecmd_input *h = open_buffer (t, &top, &err);
        if (!h) {
            w->error = g_strdup (err->message);
            g_clear_error (&err);
            if (top)
                tracecmd_close (top);
        } else {
            worker_setup (w, top, h, tracecmd_get_tep (h));
        }
    }
    g_mutex_lock (&t->lock);
    if (w->error) {
        /* its CPUs end here; the error is reported at close */
        for (guint i = 0; i < w->streams->len; i++)
            ((Stream *) g_ptr_array_index (w->streams, i))->finished = TRUE;
        g_cond_broadcast (&t->produced);
        g_mutex_unlock (&t->lock);
        return NULL;
    }
    for (;;) {
        /* a stream of this worker with room, round robin: no CPU waits
         * for another's blocks to be taken */
        Stream *s = NULL;
        gboolean open = FALSE;
        while (!t->stop) {
            open = FALSE;
            for (guint i = 0; i < w->streams->len; i++) {
                Stream *c = g_ptr_array_index (w->streams, i);
                if (c->finished)
                    continue;
                open = TRUE;
                if (c->n_ready < BLOCKS_AHEAD && (!s || c->n_ready < s->n_ready))
                    s = c;
            }
            if (s || !open)
                break;
            g_cond_wait (&t->consumed, &t->lock);
        }
        if (t->stop || !s)
            break;
        Block *b = s->free;
        if (b)
            s->free = b->next;
        g_mutex_unlock (&t->lock);
        if (!b)
            b = block_new (t->block_items);
        fill_block (w, s, b);
        g_mutex_lock (&t->lock);
        if (s->ready_tail)
            s->ready_tail->next = b;
        else
            s->ready_head = b;
        s->ready_tail = b;
        s->n_ready++;
        if (b->last)
            s->finished = TRUE;
        g_cond_broadcast (&t->produced);
    }
    g_mutex_unlock (&t->lock);
    return NULL;
}

/* --- the merge -------------------------------------------------------------------- */

/* The next block of S, or NULL at its end. */
static Block *
take_block (FtaTraceDat *t, Stream *s)
{
    if (!t->threaded) {
        if (s->finished)
            return NULL;
        Block *b = s->free ? s->free : block_new (t->block_items);
        s->free = NULL;
        fill_block (s->worker, s, b);
        if (b->last)
            s->finished = TRUE;
        return b;
    }
    g_mutex_lock (&t->lock);
    while (!s->ready_head && !s->finished)
        g_cond_wait (&t->produced, &t->lock);
    Block *b = s->ready_head;
    if (b) {
        s->ready_head = b->next;
        if (!s->ready_head)
            s->ready_tail = NULL;
        s->n_ready--;
        g_cond_broadcast (&t->consumed);
    }
    g_mutex_unlock (&t->lock);
    return b;
}

static void
give_back (FtaTraceDat *t, Stream *s, Block *b)
{
    if (!t->threaded) {
        if (s->free)
            block_free (s->free);
        s->free = b;
        return;
    }
    g_mutex_lock (&t->lock);
    b->next = s->free;
    s->free = b;
    g_cond_broadcast (&t->consumed);
    g_mutex_unlock (&t->lock);
}

/* Moves S to an item to show, or marks it done. */
static gboolean
stream_advance (FtaTraceDat *t, Stream *s)
{
    while (!s->cur || s->cur->pos >= s->cur->n) {
        gboolean last = s->cur && s->cur->last;
        if (s->cur) {
            give_back (t, s, s->cur);
            s->cur = NULL;
        }
        if (last) {
            s->done = TRUE;
            return FALSE;
        }
        s->cur = take_block (t, s);
        if (!s->cur) {
            s->done = TRUE;
            return FALSE;
        }
        s->cur->pos = 0;
    }
    return TRUE;
}

static inline gboolean
head_less (const FtaTraceDat *t, guint a, guint b)
{
    const Stream *x = &t->streams[a], *y = &t->streams[b];
    const Item *i = &x->cur->items[x->cur->pos], *j = &y->cur->items[y->cur->pos];
    if (i->ev.ts_ns != j->ev.ts_ns)
        return (guint64) i->ev.ts_ns < (guint64) j->ev.ts_ns;
    return x->cpu < y->cpu;
}

static void
sift_down (FtaTraceDat *t, guint i)
{
    for (;;) {
        guint l = 2 * i + 1, r = l + 1, m = i;
        if (l < t->heap_len && head_less (t, t->heap[l], t->heap[m]))
            m = l;
        if (r < t->heap_len && head_less (t, t->heap[r], t->heap[m]))
            m = r;
        if (m == i)
            return;
        guint tmp = t->heap[i];
        t->heap[i] = t->heap[m];
        t->heap[m] = tmp;
        i = m;
    }
}

static void
heap_build (FtaTraceDat *t)
{
    t->heap_len = 0;
    for (guint i = 0; i < t->n_streams; i++)
        if (stream_advance (t, &t->streams[i]))
            t->heap[t->heap_len++] = i;
    for (guint i = t->heap_len / 2; i-- > 0;)
        sift_down (t, i);
}

gboolean
fta_tracedat_next (FtaTraceDat *t, FtaLineKind *kind, FtaEvent **ev, const char **line,
                   gsize *len, const char **why)
{
    if (!t->header_done) {
        t->header_done = TRUE;
        g_snprintf (t->header, sizeof t->header, "cpus=%d", t->info.cpus);
        *kind = FTA_LINE_HEADER;
        *ev = NULL;
        *line = t->header;
        *len = strlen (t->header);
        *why = NULL;
        heap_build (t);
        return TRUE;
    }
    /* the item shown last goes now */
    if (t->prev_stream) {
        Stream *s = t->prev_stream;
        t->prev_stream = NULL;
        s->cur->pos++;
        if (stream_advance (t, s)) {
            sift_down (t, 0);
        } else {
            t->heap[0] = t->heap[--t->heap_len];
            sift_down (t, 0);
        }
    }
    if (t->heap_len == 0)
        return FALSE;
    Stream *s = &t->streams[t->heap[0]];
    Item *it = &s->cur->items[s->cur->pos];
    t->prev_stream = s;
    const char *text = s->cur->arena->str + it->text_off;
    *kind = (FtaLineKind) it->kind;
    *ev = &it->ev;
    *line = text;
    *len = it->text_len;
    *why = it->why;
    if (it->kind == FTA_LINE_EVENT) {
        t->records++;
        guint32 *nid = &t->name_ids[it->tep_id];
        if (!*nid)
            *nid = fta_parser_intern (t->names, t->descs[it->tep_id].name) + 1;
        it->ev.name_id = *nid - 1;
        it->ev.name = text + it->name_off;
        it->ev.name_len = t->descs[it->tep_id].name_len;
        it->ev.fields = text + it->fields_off;
        it->ev.fields_len = it->fields_len;
    } else if (it->kind == FTA_LINE_UNPARSED) {
        t->records++;
    }
    return TRUE;
}

guint64
fta_tracedat_records (const FtaTraceDat *t)
{
    return t->records;
}

gboolean
fta_tracedat_finish (FtaTraceDat *t, GError **error)
{
    for (guint i = 0; i < t->n_workers; i++)
        if (t->workers[i].error) {
            g_set_error_literal (error, FTA_ERROR, FTA_EXIT_INPUT, t->workers[i].error);
            return FALSE;
        }
    return TRUE;
}

const FtaTraceDatInfo *
fta_tracedat_info (const FtaTraceDat *t)
{
    return &t->info;
}

/* --- open and close ----------------------------------------------------------------- */

/* The format version: the text after the magic ("6", "7"), or -1. */
static gint32
read_version (int fd)
{
    char b[FTA_TRACEDAT_MAGIC_LEN + 8];
    ssize_t n = pread (fd, b, sizeof b, 0);
    if (n < FTA_TRACEDAT_MAGIC_LEN + 2 || memcmp (b, FTA_TRACEDAT_MAGIC, FTA_TRACEDAT_MAGIC_LEN))
        return -1;
    gint32 v = 0;
    for (ssize_t i = FTA_TRACEDAT_MAGIC_LEN; i < n && g_ascii_isdigit (b[i]); i++)
        v = v * 10 + (b[i] - '0');
    return v;
}

/* Version 6 files put their metadata first and the CPU data last: a file
 * cut short keeps its metadata but not all its data, and libtracecmd would
 * map pages past its end.  The metadata is walked here (sizes only) up to
 * the flyrecord table of every buffer, whose CPU extents must lie in the
 * file.  Returns FALSE with a message when they do not. */
typedef struct {
    int fd;
    guint64 size, pos;
    gboolean swap;
} Walk;

static gboolean
wread (Walk *w, void *b, gsize n)
{
    if (w->pos + n > w->size || pread (w->fd, b, n, (off_t) w->pos) != (ssize_t) n)
        return FALSE;
    w->pos += n;
    return TRUE;
}

static gboolean
wu32 (Walk *w, guint64 *v)
{
    guint32 x;
    if (!wread (w, &x, 4))
        return FALSE;
    *v = w->swap ? GUINT32_SWAP_LE_BE (x) : x;
    return TRUE;
}

static gboolean
wu64 (Walk *w, guint64 *v)
{
    guint64 x;
    if (!wread (w, &x, 8))
        return FALSE;
    *v = w->swap ? GUINT64_SWAP_LE_BE (x) : x;
    return TRUE;
}

static gboolean
wskip (Walk *w, guint64 n)
{
    if (n > w->size - w->pos)
        return FALSE;
    w->pos += n;
    return TRUE;
}

static gboolean
wstring (Walk *w, char *out, gsize cap)
{
    gsize i = 0;
    for (;;) {
        char c;
        if (!wread (w, &c, 1))
            return FALSE;
        if (i < cap - 1)
            out[i++] = c;
        if (!c)
            break;
    }
    out[i] = '\0';
    return TRUE;
}

/* "flyrecord\0" then (offset, size) per CPU at the walk's position. */
static gboolean
check_flyrecord (Walk *w, guint32 cpus, const char *buffer, GString *why)
{
    char tag[12];
    if (!wread (w, tag, 10))
        return FALSE;
    if (memcmp (tag, "flyrecord", 10) != 0)
        return TRUE; /* a latency trace: text, read by libtracecmd itself */
    for (guint32 c = 0; c < cpus; c++) {
        guint64 off, size;
        if (!wu64 (w, &off) || !wu64 (w, &size))
            return FALSE;
        if (off > w->size || size > w->size - off) {
            g_string_printf (why, "the data of CPU %u%s%s ends at byte %" G_GUINT64_FORMAT
                             " but the file has %" G_GUINT64_FORMAT " bytes", c,
                             *buffer ? " of buffer " : "", buffer, off + size, w->size);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
check_v6 (const char *path, int fd, guint64 file_size, GError **error)
{
    Walk w = { fd, file_size, 0, FALSE };
    GString *why = g_string_new (NULL);
    GArray *buffers = g_array_new (FALSE, FALSE, sizeof (guint64));
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
    char b[16];
    guint64 n, v, m;
    guint8 endian;
    gboolean ok = FALSE;
    char ver[16], name[256];
    guint32 cpus = 0;
    if (!wread (&w, b, FTA_TRACEDAT_MAGIC_LEN) || !wstring (&w, ver, sizeof ver)
        || !wread (&w, &endian, 1) || !wskip (&w, 1 + 4))
        goto out;
    w.swap = (endian != 0) != (G_BYTE_ORDER == G_BIG_ENDIAN);
    /* header_page, header_event */
    for (int i = 0; i < 2; i++)
        if (!wstring (&w, name, sizeof name) || !wu64 (&w, &n) || !wskip (&w, n))
            goto out;
    /* ftrace event formats */
    if (!wu32 (&w, &m))
        goto out;
    for (guint64 i = 0; i < m; i++)
        if (!wu64 (&w, &n) || !wskip (&w, n))
            goto out;
    /* event systems */
    if (!wu32 (&w, &m))
        goto out;
    for (guint64 i = 0; i < m; i++) {
        guint64 k;
        if (!wstring (&w, name, sizeof name) || !wu32 (&w, &k))
            goto out;
        for (guint64 j = 0; j < k; j++)
            if (!wu64 (&w, &n) || !wskip (&w, n))
                goto out;
    }
    /* kallsyms, printk formats, cmdlines, CPUs */
    if (!wu32 (&w, &n) || !wskip (&w, n) || !wu32 (&w, &n) || !wskip (&w, n)
        || !wu64 (&w, &n) || !wskip (&w, n) || !wu32 (&w, &v))
        goto out;
    cpus = (guint32) v;
    if (cpus > 65536 || !wread (&w, b, 10))
        goto out;
    if (memcmp (b, "options  ", 10) == 0) {
        for (;;) {
            guint16 id16;
            guint64 osize;
            if (!wread (&w, &id16, 2))
                goto out;
            guint16 id = w.swap ? GUINT16_SWAP_LE_BE (id16) : id16;
            if (id == 0)
                break;
            if (!wu32 (&w, &osize))
                goto out;
            guint64 start = w.pos;
            if (id == 3 && osize > 8) { /* TRACECMD_OPTION_BUFFER: offset, name */
                guint64 off;
                if (!wu64 (&w, &off) || !wstring (&w, name, sizeof name))
                    goto out;
                g_array_append_val (buffers, off);
                g_ptr_array_add (names, g_strdup (name));
            }
            w.pos = start;
            if (!wskip (&w, osize))
                goto out;
        }
        if (!wread (&w, b, 10))
            goto out;
    }
    w.pos -= 10;
    ok = check_flyrecord (&w, cpus, "", why);
    for (guint i = 0; ok && i < buffers->len; i++) {
        w.pos = g_array_index (buffers, guint64, i);
        ok = w.pos < w.size && check_flyrecord (&w, cpus, g_ptr_array_index (names, i), why);
    }
out:
    if (!ok)
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s: this trace.dat is cut short%s%s: it cannot be read safely. "
                     "Record it again, or see what 'trace-cmd report -i %s' can still read",
                     path, why->len ? ": " : " (its metadata ends early)", why->str, path);
    g_array_free (buffers, TRUE);
    g_ptr_array_free (names, TRUE);
    g_string_free (why, TRUE);
    return ok;
}

/* R, as libtracecmd read it, read again from the mapped file through S
 * (its kbuffer): the same record at the same file offset, with the same
 * bytes, timestamp and dropped-events count? */
static gboolean
same_record (FtaTraceDat *t, Stream *s, const struct tep_record *r)
{
    if (!r || !r->data || r->size < 0)
        return FALSE;
    s->page = r->offset & ~(guint64) (t->page_size - 1);
    s->end = s->page + t->page_size;
    s->page_ptr = NULL;
    struct tep_record m;
    memset (&m, 0, sizeof m);
    while (next_direct (t, s, &m))
        if (m.offset == r->offset)
            return m.ts == r->ts && m.size == r->size && m.missed_events == r->missed_events
                   && memcmp (m.data, r->data, r->size) == 0;
    return FALSE;
}

/* Whether the CPU data can be read from the file itself (see the top of
 * this file); sets up the streams' page ranges when it can.  Either way,
 * the opening handle's CPUs are left where tracecmd_read_cpu_first puts
 * them, each stream's first record pending (libtracecmd reads then). */
static gboolean
direct_setup (FtaTraceDat *t, guint64 file_size)
{
    struct tracecmd_input *h = t->handle;
    struct tep_handle *tep = tracecmd_get_tep (h);
    const char *force = g_getenv ("FTA_TRACEDAT_READER");
#ifdef HAVE_TRACECMD_READ_CPU_LAST
    gboolean ok = !(force && strcmp (force, "libtracecmd") == 0);
#else
    gboolean ok = FALSE; /* no way to find where a CPU's records end */
#endif
    if (t->compression && strcmp (t->compression, "none") != 0)
        ok = FALSE;
#ifdef HAVE_TRACECMD_PAGE_SIZE
    int ps = tracecmd_page_size (h);
#else
    int ps = tep_get_page_size (tep);
#endif
    int lsize = tep_get_header_page_size (tep);
    if (ps < 256 || ps > (1 << 24) || (ps & (ps - 1)) || (lsize != 4 && lsize != 8)
        || tep_get_header_timestamp_size (tep) != 8 || file_size > G_MAXSIZE)
        ok = FALSE;
    int fd = ok ? open (t->path, O_RDONLY | O_CLOEXEC) : -1;
    void *map = fd >= 0 && file_size > 0
                    ? mmap (NULL, (size_t) file_size, PROT_READ, MAP_PRIVATE, fd, 0)
                    : MAP_FAILED;
    if (fd >= 0)
        close (fd);
    ok = ok && map != MAP_FAILED;
    if (ok) {
        t->map = map;
        t->map_len = (gsize) file_size;
        t->page_size = (guint) ps;
        long sp = sysconf (_SC_PAGESIZE);
        t->sys_page = sp > 0 && !(sp & (sp - 1)) ? (guint) sp : 4096;
        t->page_hdr = 8 + (guint) lsize;
        t->page_swap = tep_is_file_bigendian (tep) != tep_is_local_bigendian (tep);
    }
    for (guint c = 0; c < t->n_streams; c++) {
        Stream *s = &t->streams[c];
        if (ok) {
            s->kbuf = kbuffer_alloc (lsize == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
                                     tep_is_file_bigendian (tep) ? KBUFFER_ENDIAN_BIG
                                                                 : KBUFFER_ENDIAN_LITTLE);
            if (s->kbuf && tep_is_old_format (tep))
                kbuffer_set_old_format (s->kbuf);
        }
        struct tep_record *first = tracecmd_read_cpu_first (h, s->cpu);
#ifdef HAVE_TRACECMD_READ_CPU_LAST
        if (ok && first) {
            struct tep_record *last = tracecmd_read_cpu_last (h, s->cpu);
            ok = s->kbuf && same_record (t, s, first) && same_record (t, s, last)
                 && last->offset >= first->offset;
            if (ok) {
                s->page = first->offset & ~(guint64) (t->page_size - 1);
                s->end = (last->offset & ~(guint64) (t->page_size - 1)) + t->page_size;
                s->page_ptr = NULL;
                s->released = s->page;
            }
            tracecmd_free_record (last);
            tracecmd_free_record (first);
            first = tracecmd_read_cpu_first (h, s->cpu);
        }
#endif
        s->pending = first;
    }
    if (!ok && map != MAP_FAILED) {
        munmap (map, (size_t) file_size);
        t->map = NULL;
        t->map_len = 0;
    }
    t->direct = ok;
    return ok;
}

/* Workers with a handle of their own (reading through libtracecmd, or
 * rendering whole lines) are limited by the size of the file; the others
 * share the opening handle's tep, whose cmdline lookups only read once
 * primed (its field text is rendered under tep_lock). */
static void
setup_streams (FtaTraceDat *t, guint workers, guint64 file_size)
{
    gboolean own = !t->direct || t->render;
    if (workers > 1 && own)
        workers = (guint) MIN ((guint64) workers, 1 + file_size / BYTES_PER_EXTRA_WORKER);
    guint cpus = t->n_streams;
    t->n_workers = MAX (MIN (workers, cpus), 1u);
    t->threaded = workers > 0 && cpus > 0;
    t->workers = g_new0 (Worker, t->n_workers);
    for (guint i = 0; i < t->n_workers; i++) {
        t->workers[i].t = t;
        t->workers[i].streams = g_ptr_array_new ();
    }
    for (guint c = 0; c < cpus; c++) {
        Stream *s = &t->streams[c];
        s->worker = &t->workers[c % t->n_workers];
        g_ptr_array_add (s->worker->streams, s);
        if (s->pending && s->worker != &t->workers[0]) {
            /* a worker with a handle of its own starts at the first record */
            tracecmd_free_record (s->pending);
            s->pending = NULL;
        }
    }
    struct tep_handle *tep = tracecmd_get_tep (t->handle);
    tep_data_comm_from_pid (tep, 1); /* sorts the cmdlines, once */
    /* the first worker decodes with the handle opened here */
    for (guint i = 0; i < (own ? 1 : t->n_workers); i++)
        worker_setup (&t->workers[i], NULL, t->handle, tep);
}

FtaTraceDat *
fta_tracedat_open (const char *path, const char *buffer, FtaParser *names, guint workers,
                   guint text, guint64 field_types, GError **error)
{
    FtaTraceDat *t = g_new0 (FtaTraceDat, 1);
    t->path = g_strdup (path);
    t->names = names;
    t->text = text;
    t->field_types = field_types;
    t->buffer_index = -1;
    t->lost_name_id = fta_parser_intern (names, "[lost events]");
    g_mutex_init (&t->lock);
    g_mutex_init (&t->tep_lock);
    g_cond_init (&t->produced);
    g_cond_init (&t->consumed);

    int fd = open (path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat (fd, &st) != 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "cannot open %s: %s", path,
                     g_strerror (errno));
        if (fd >= 0)
            close (fd);
        fta_tracedat_close (t);
        return NULL;
    }
    t->info.file_version = read_version (fd);
    gboolean ok = TRUE;
    if (t->info.file_version < 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "%s is not a trace.dat", path);
        ok = FALSE;
    } else if (t->info.file_version < 7) {
        ok = check_v6 (path, fd, (guint64) st.st_size, error);
    }
    close (fd);
    if (!ok) {
        fta_tracedat_close (t);
        return NULL;
    }

    /* libtracecmd prints its complaints on stderr: its own error below
     * says what went wrong in the tool's words */
    tracecmd_set_loglevel (TEP_LOG_NONE);
    fta_signals_foreign_open (path);
    t->top = tracecmd_open (path, TRACECMD_FL_LOAD_NO_PLUGINS);
    fta_signals_foreign_done ();
    if (!t->top) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s: this trace.dat cannot be read (cut short, damaged, or of a "
                     "format version libtracecmd does not know); 'trace-cmd report -i %s' "
                     "may say more",
                     path, path);
        fta_tracedat_close (t);
        return NULL;
    }
    int n_inst = tracecmd_buffer_instances (t->top);
    GString *list = g_string_new (NULL);
    for (int i = 0; i < n_inst; i++) {
        const char *name = tracecmd_buffer_instance_name (t->top, i);
        if (!name)
            continue;
        g_string_append_printf (list, "%s%s", list->len ? ", " : "", name);
        if (buffer && *buffer && strcmp (buffer, name) == 0)
            t->buffer_index = i;
    }
    t->buffers = g_string_free (list, FALSE);
    t->buffer = g_strdup (buffer && *buffer ? buffer : "");
    if (*t->buffer && t->buffer_index < 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "%s has no buffer named '%s'; its buffers: the top one (the default)%s%s",
                     path, t->buffer, *t->buffers ? ", " : "", t->buffers);
        fta_tracedat_close (t);
        return NULL;
    }
    if (t->buffer_index >= 0) {
        t->handle = tracecmd_buffer_instance_handle (t->top, t->buffer_index);
        if (!t->handle) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "%s: cannot read buffer '%s'",
                         path, t->buffer);
            fta_tracedat_close (t);
            return NULL;
        }
    } else {
        t->handle = t->top;
    }
    struct tep_handle *tep = tracecmd_get_tep (t->handle);
#ifdef HAVE_TRACECMD_CPUS
    t->info.cpus = tracecmd_cpus (t->handle);
#else
    t->info.cpus = tep_get_cpus (tep);
#endif
    if (t->info.cpus < 0 || t->info.cpus > 65536) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "%s: the trace.dat claims %d CPUs",
                     path, t->info.cpus);
        fta_tracedat_close (t);
        return NULL;
    }
#ifdef HAVE_TRACECMD_GET_TRACE_CLOCK
    {
        const char *c = tracecmd_get_trace_clock (t->handle);
        t->clock = c ? g_strdup (c) : NULL;
    }
#endif
#ifdef HAVE_TRACECMD_GET_VERSION
    {
        const char *v = tracecmd_get_version (t->top);
        t->version = v ? g_strstrip (g_strdup (v)) : NULL;
    }
#endif
#ifdef HAVE_TRACECMD_GET_FILE_COMPRESS_PROTO
    {
        const char *name = NULL, *ver = NULL;
        if (tracecmd_get_file_compress_proto (t->top, &name, &ver) == 0 && name)
            t->compression = g_strdup (name);
    }
#endif
    t->info.clock = t->clock;
    t->info.tracecmd_version = t->version;
    t->info.compression = t->compression;
    t->info.buffer = t->buffer;
    t->info.buffers = t->buffers;
    if (!describe (t, tep, error)) {
        fta_tracedat_close (t);
        return NULL;
    }
    guint cpus = (guint) MAX (t->info.cpus, 0);
    t->n_streams = cpus;
    t->streams = g_new0 (Stream, MAX (cpus, 1u));
    t->heap = g_new0 (guint, MAX (cpus, 1u));
    t->block_items = CLAMP (65536 / MAX (cpus, 1u), BLOCK_ITEMS_MIN, BLOCK_ITEMS_MAX);
    for (guint c = 0; c < cpus; c++)
        t->streams[c].cpu = (gint32) c;
    t->render = (text & FTA_TRACEDAT_LINES) != 0;
    if (!direct_setup (t, (guint64) st.st_size)) {
        /* FTA_TRACEDAT_READER=direct: the tests' way to know which reader ran */
        const char *want = g_getenv ("FTA_TRACEDAT_READER");
        if (want && strcmp (want, "direct") == 0) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                         "%s: the CPU data cannot be read directly (FTA_TRACEDAT_READER=direct)",
                         path);
            fta_tracedat_close (t);
            return NULL;
        }
    }
    setup_streams (t, workers, (guint64) st.st_size);
    if (t->threaded)
        for (guint i = 0; i < t->n_workers; i++)
            t->workers[i].thread = g_thread_new ("fta-tracedat", worker_run, &t->workers[i]);
    return t;
}

void
fta_tracedat_close (FtaTraceDat *t)
{
    if (!t)
        return;
    if (t->threaded) {
        g_mutex_lock (&t->lock);
        t->stop = TRUE;
        g_cond_broadcast (&t->consumed);
        g_mutex_unlock (&t->lock);
    }
    for (guint i = 0; i < t->n_workers; i++) {
        Worker *w = &t->workers[i];
        if (w->thread)
            g_thread_join (w->thread);
        if (w->tep)
            trace_seq_destroy (&w->seq);
        if (w->top) {
            if (w->handle && w->handle != w->top)
                tracecmd_close (w->handle);
            tracecmd_close (w->top);
        }
        g_ptr_array_free (w->streams, TRUE);
        g_free (w->error);
    }
    g_free (t->workers);
    for (guint i = 0; i < t->n_streams; i++) {
        Stream *s = &t->streams[i];
        if (s->kbuf)
            kbuffer_free (s->kbuf);
        g_free (s->copy);
        if (s->pending)
            tracecmd_free_record (s->pending);
        block_free (s->cur);
        for (Block *b = s->ready_head, *n; b; b = n) {
            n = b->next;
            block_free (b);
        }
        for (Block *b = s->free, *n; b; b = n) {
            n = b->next;
            block_free (b);
        }
    }
    g_free (t->streams);
    g_free (t->heap);
    if (t->map)
        munmap ((void *) t->map, t->map_len);
    if (t->handle && t->handle != t->top)
        tracecmd_close (t->handle);
    if (t->top)
        tracecmd_close (t->top);
    g_free (t->descs);
    g_free (t->name_ids);
    g_free (t->path);
    g_free (t->buffer);
    g_free (t->buffers);
    g_free (t->clock);
    g_free (t->version);
    g_free (t->compression);
    g_mutex_clear (&t->lock);
    g_mutex_clear (&t->tep_lock);
    g_cond_clear (&t->produced);
    g_cond_clear (&t->consumed);
    g_free (t);
}

#else /* !HAVE_LIBTRACECMD */

gboolean
fta_tracedat_supported (void)
{
    return FALSE;
}

FtaTraceDat *
fta_tracedat_open (const char *path, const char *buffer, FtaParser *names, guint workers,
                   guint text, guint64 field_types, GError **error)
{
    g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                 "%s is a trace-cmd trace.dat, and this build of ftrace-analyzer cannot "
                 "read it (built without libtracecmd). Convert it to text: "
                 "'trace-cmd report -t -i %s > trace.txt', then analyze trace.txt; or "
                 "rebuild with libtracecmd-dev and libtraceevent-dev installed",
                 path, path);
    return NULL;
}

const FtaTraceDatInfo *
fta_tracedat_info (const FtaTraceDat *t)
{
    return NULL;
}

gboolean
fta_tracedat_next (FtaTraceDat *t, FtaLineKind *kind, FtaEvent **ev, const char **line,
                   gsize *len, const char **why)
{
    return FALSE;
}

guint64
fta_tracedat_records (const FtaTraceDat *t)
{
    return 0;
}

gboolean
fta_tracedat_finish (FtaTraceDat *t, GError **error)
{
    return TRUE;
}

void
fta_tracedat_close (FtaTraceDat *t)
{
}

#endif /* HAVE_LIBTRACECMD */
