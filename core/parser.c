/* parser.c - tracefs text lines to FtaEvent.
 *
 * The line layout is
 *   COMM-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: EVENT: FIELDS
 * where COMM may hold spaces, dashes, colons and brackets, the TGID column
 * and the flags column are optional, and FIELDS values may hold spaces.
 * Everything is found by anchors (the "[digits]" CPU bracket, the "-digits"
 * pid suffix, the "digits.digits:" timestamp, the known next key of each
 * field), never by splitting on blanks, and without sscanf or allocation.
 */
#include "config.h"

#include <string.h>

#include "parser.h"

struct _FtaParser {
    GHashTable *ids;   /* name (owned) -> id + 1 */
    GPtrArray *names;  /* id -> name (owned by ids' keys) */
    gint64 entries_in_buffer;
    gint64 entries_written;
    const char *format;
    int variant;
    gboolean tracecmd_header; /* "cpus=N" or "version = N" seen */
    guint type_id[FTA_EV__COUNT]; /* known type -> its name id */
    int html;                 /* HTML_* while reading a systrace file */
    int flags_width;          /* of the first flags column seen */
    char *variant_text;       /* "5-character flags column, TGID column" */
    gboolean seen_event;
    gboolean entries_seen;    /* since fta_parser_take_entries */
};

/* Android systrace HTML: the ftrace text sits in <script class="trace-data">
 * blocks, or (legacy) in a JavaScript string 'var linuxPerfData = "\' whose
 * lines end in '\n\'.  Everything else in the file is HTML. */
enum {
    HTML_NO = 0,
    HTML_OUTSIDE,
    HTML_BLOCK_START, /* first line of a trace-data block: text or JSON? */
    HTML_TEXT,
    HTML_JSON,
    HTML_JS_STRING,
};

static const struct {
    FtaEventType type;
    const char *name;
} known_events[] = {
    { FTA_EV_SCHED_SWITCH, "sched_switch" },
    { FTA_EV_SCHED_WAKING, "sched_waking" },
    { FTA_EV_SCHED_WAKEUP, "sched_wakeup" },
    { FTA_EV_SCHED_WAKEUP_NEW, "sched_wakeup_new" },
    { FTA_EV_SCHED_MIGRATE_TASK, "sched_migrate_task" },
    { FTA_EV_SCHED_PROCESS_FORK, "sched_process_fork" },
    { FTA_EV_SCHED_PROCESS_EXIT, "sched_process_exit" },
    { FTA_EV_SCHED_PROCESS_EXEC, "sched_process_exec" },
    { FTA_EV_IRQ_HANDLER_ENTRY, "irq_handler_entry" },
    { FTA_EV_IRQ_HANDLER_EXIT, "irq_handler_exit" },
    { FTA_EV_SOFTIRQ_ENTRY, "softirq_entry" },
    { FTA_EV_SOFTIRQ_EXIT, "softirq_exit" },
    { FTA_EV_SOFTIRQ_RAISE, "softirq_raise" },
    { FTA_EV_KVM_ENTRY, "kvm_entry" },
    { FTA_EV_KVM_EXIT, "kvm_exit" },
    { FTA_EV_KVM_USERSPACE_EXIT, "kvm_userspace_exit" },
    { FTA_EV_BLOCK_RQ_ISSUE, "block_rq_issue" },
    { FTA_EV_BLOCK_RQ_COMPLETE, "block_rq_complete" },
    { FTA_EV_BLOCK_RQ_INSERT, "block_rq_insert" },
};

/* Name ids 0..N-1 are the known events in table order, then the two
 * markers, then names as first seen. */
#define NAME_ID_LOST G_N_ELEMENTS (known_events)
#define NAME_ID_BUFFER_STARTED (NAME_ID_LOST + 1)

const char *
fta_event_type_name (FtaEventType t)
{
    for (guint i = 0; i < G_N_ELEMENTS (known_events); i++)
        if (known_events[i].type == t)
            return known_events[i].name;
    switch (t) {
    case FTA_EV_LOST: return "[lost events]";
    case FTA_EV_BUFFER_STARTED: return "[buffer started]";
    case FTA_EV_SPAN: return "[span]";
    case FTA_EV_OTHER: return "[other]";
    default: return "[none]";
    }
}

static guint
intern (FtaParser *p, const char *name, gsize len)
{
    char buf[128];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy (buf, name, len);
    buf[len] = '\0';
    gpointer v = g_hash_table_lookup (p->ids, buf);
    if (v)
        return GPOINTER_TO_UINT (v) - 1;
    char *key = g_strdup (buf);
    guint id = p->names->len;
    g_ptr_array_add (p->names, key);
    g_hash_table_insert (p->ids, key, GUINT_TO_POINTER (id + 1));
    return id;
}

FtaParser *
fta_parser_new (void)
{
    FtaParser *p = g_new0 (FtaParser, 1);
    p->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    p->names = g_ptr_array_new ();
    for (guint i = 0; i < G_N_ELEMENTS (known_events); i++)
        p->type_id[known_events[i].type] =
            intern (p, known_events[i].name, strlen (known_events[i].name));
    intern (p, "[lost events]", 13);
    intern (p, "[buffer started]", 16);
    p->entries_in_buffer = -1;
    p->entries_written = -1;
    return p;
}

FtaParser *
fta_parser_new_worker (const FtaParser *main)
{
    FtaParser *p = fta_parser_new ();
    p->format = main->format;
    p->variant = main->variant;
    p->tracecmd_header = main->tracecmd_header;
    p->flags_width = main->flags_width;
    p->variant_text = g_strdup (main->variant_text);
    p->seen_event = main->seen_event;
    return p;
}

gboolean
fta_parser_can_split (const FtaParser *p)
{
    return p->seen_event && p->html == HTML_NO && p->format && p->variant_text;
}

guint
fta_parser_n_fixed_names (void)
{
    return NAME_ID_BUFFER_STARTED + 1;
}

guint
fta_parser_intern (FtaParser *p, const char *name)
{
    return intern (p, name, strlen (name));
}

gboolean
fta_parser_take_entries (FtaParser *p, gint64 *in_buffer, gint64 *written)
{
    if (!p->entries_seen)
        return FALSE;
    *in_buffer = p->entries_in_buffer;
    *written = p->entries_written;
    p->entries_seen = FALSE;
    return TRUE;
}

void
fta_parser_set_entries (FtaParser *p, gint64 in_buffer, gint64 written)
{
    p->entries_in_buffer = in_buffer;
    p->entries_written = written;
}

void
fta_parser_free (FtaParser *p)
{
    if (!p)
        return;
    g_ptr_array_free (p->names, TRUE);
    g_hash_table_destroy (p->ids);
    g_free (p->variant_text);
    g_free (p);
}

guint
fta_parser_n_names (const FtaParser *p)
{
    return p->names->len;
}

const char *
fta_parser_name (const FtaParser *p, guint id)
{
    return id < p->names->len ? g_ptr_array_index (p->names, id) : NULL;
}

gint64
fta_parser_entries_in_buffer (const FtaParser *p)
{
    return p->entries_in_buffer;
}

gint64
fta_parser_entries_written (const FtaParser *p)
{
    return p->entries_written;
}

const char *
fta_parser_format (const FtaParser *p)
{
    return p->format;
}

const char *
fta_parser_variant (const FtaParser *p)
{
    return p->variant_text;
}

/* --- small scanners ------------------------------------------------------ */

static inline gboolean
is_digit (char c)
{
    return c >= '0' && c <= '9';
}

/* Parses an optionally signed decimal at [s, end); sets *out and returns the
 * position after it, or NULL when there is no digit.  A value too large
 * for gint64 stops growing at its first 18 or 19 digits. */
static inline const char *
scan_int (const char *s, const char *end, gint64 *out)
{
    gboolean neg = FALSE;
    if (s < end && (*s == '-' || *s == '+')) {
        neg = *s == '-';
        s++;
    }
    const char *d = s;
    guint64 u = 0;
    while (s < end && (guint8) (*s - '0') < 10)
        u = u * 10 + (guint8) (*s++ - '0');
    if (s == d)
        return NULL;
    gint64 v = (gint64) u;
    if (G_UNLIKELY (s - d > 18)) {
        v = 0;
        for (const char *c = d; c < s; c++)
            if (v < G_MAXINT64 / 10)
                v = v * 10 + (*c - '0');
    }
    *out = neg ? -v : v;
    return s;
}

/* memchr for the first byte, then memcmp: the haystacks here are a few
 * dozen bytes, where memmem's set-up costs more than the search. */
static const char *
find (const char *s, const char *end, const char *needle, gsize nlen)
{
    if (s >= end || (gsize) (end - s) < nlen)
        return NULL;
    const char *last = end - nlen;
    for (const char *c = s; c <= last; c++) {
        c = memchr (c, needle[0], last - c + 1);
        if (!c)
            return NULL;
        if (memcmp (c + 1, needle + 1, nlen - 1) == 0)
            return c;
    }
    return NULL;
}

static void
copy_comm (char dst[FTA_COMM_LEN], const char *s, gsize len)
{
    if (len > FTA_COMM_LEN - 1)
        len = FTA_COMM_LEN - 1;
    memcpy (dst, s, len);
    dst[len] = '\0';
}

#define KEY(k) k, sizeof (k) - 1

static const char *
rtrim (const char *s, const char *e)
{
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    return e;
}


/* Reads the integer right after KEY at *pos (which must start with KEY);
 * advances *pos.  FALSE if KEY is not there. */
static inline G_ALWAYS_INLINE gboolean
expect_int (const char **pos, const char *end, const char *key, gsize klen,
            gint64 *out)
{
    const char *s = *pos;
    if ((gsize) (end - s) < klen || memcmp (s, key, klen) != 0)
        return FALSE;
    s = scan_int (s + klen, end, out);
    if (!s)
        return FALSE;
    *pos = s;
    return TRUE;
}

/* Finds KEY anywhere in [s, end) and reads the integer after it. */
static gboolean
find_int (const char *s, const char *end, const char *key, gsize klen,
          gint64 *out)
{
    const char *k = find (s, end, key, klen);
    if (!k)
        return FALSE;
    return scan_int (k + klen, end, out) != NULL;
}

gboolean
fta_parse_timestamp (const char *s, gsize len, gint64 *ns)
{
    static const gint64 scale[10] = { 1000000000, 100000000, 10000000, 1000000,
                                      100000, 10000, 1000, 100, 10, 1 };
    const char *end = s + len;
    const char *q = s;
    guint64 sec = 0;
    while (q < end && (guint8) (*q - '0') < 10)
        sec = sec * 10 + (guint8) (*q++ - '0');
    const char *lead = s;
    while (lead < q - 1 && *lead == '0')
        lead++; /* zero-padded seconds */
    if (q == s || q - lead > 10 || q >= end || *q != '.')
        return FALSE; /* 10 significant digits at most: no overflow */
    q++;
    const char *f = q;
    gint64 frac = 0;
    while (q < end && q - f < 9 && (guint8) (*q - '0') < 10)
        frac = frac * 10 + (guint8) (*q++ - '0');
    gsize digits = q - f;
    while (q < end && (guint8) (*q - '0') < 10)
        q++; /* below a nanosecond */
    if (digits == 0 || q != end)
        return FALSE;
    frac *= scale[digits];
    if ((gint64) sec > (G_MAXINT64 - frac) / 1000000000)
        return FALSE;
    *ns = (gint64) sec * 1000000000 + frac;
    return TRUE;
}

guint32
fta_parse_state (const char *s, gsize len)
{
    guint32 st = 0;
    for (gsize i = 0; i < len; i++) {
        switch (s[i]) {
        case 'R': break;
        case '+': st |= FTA_STATE_PREEMPT; break;
        case '|': break;
        case 'S': st |= FTA_STATE_S; break;
        case 'D': st |= FTA_STATE_D; break;
        case 'T': st |= FTA_STATE_T; break;
        case 't': st |= FTA_STATE_t; break;
        case 'X': st |= FTA_STATE_X; break;
        case 'Z': st |= FTA_STATE_Z; break;
        case 'P': st |= FTA_STATE_P; break;
        case 'I': st |= FTA_STATE_I; break;
        case 'K': st |= FTA_STATE_K; break;
        case 'W': st |= FTA_STATE_W; break;
        case 'N': st |= FTA_STATE_N; break;
        case 'x': st |= FTA_STATE_x; break;
        default: st |= FTA_STATE_UNKNOWN; break;
        }
    }
    return st;
}

static FtaEventType
classify (const char *n, gsize len)
{
    /* Length first, then bytes: no hashing for the common events. */
    switch (len) {
    case 12:
        if (memcmp (n, "sched_switch", 12) == 0) return FTA_EV_SCHED_SWITCH;
        if (memcmp (n, "sched_waking", 12) == 0) return FTA_EV_SCHED_WAKING;
        if (memcmp (n, "sched_wakeup", 12) == 0) return FTA_EV_SCHED_WAKEUP;
        if (memcmp (n, "softirq_exit", 12) == 0) return FTA_EV_SOFTIRQ_EXIT;
        break;
    case 13:
        if (memcmp (n, "softirq_entry", 13) == 0) return FTA_EV_SOFTIRQ_ENTRY;
        if (memcmp (n, "softirq_raise", 13) == 0) return FTA_EV_SOFTIRQ_RAISE;
        break;
    case 16:
        if (memcmp (n, "sched_wakeup_new", 16) == 0) return FTA_EV_SCHED_WAKEUP_NEW;
        if (memcmp (n, "irq_handler_exit", 16) == 0) return FTA_EV_IRQ_HANDLER_EXIT;
        break;
    case 17:
        if (memcmp (n, "irq_handler_entry", 17) == 0) return FTA_EV_IRQ_HANDLER_ENTRY;
        if (memcmp (n, "block_rq_complete", 17) == 0) return FTA_EV_BLOCK_RQ_COMPLETE;
        break;
    case 8:
        if (memcmp (n, "kvm_exit", 8) == 0) return FTA_EV_KVM_EXIT;
        break;
    case 9:
        if (memcmp (n, "kvm_entry", 9) == 0) return FTA_EV_KVM_ENTRY;
        break;
    case 14:
        if (memcmp (n, "block_rq_issue", 14) == 0) return FTA_EV_BLOCK_RQ_ISSUE;
        break;
    case 15:
        if (memcmp (n, "block_rq_insert", 15) == 0) return FTA_EV_BLOCK_RQ_INSERT;
        break;
    case 18:
        if (memcmp (n, "kvm_userspace_exit", 18) == 0) return FTA_EV_KVM_USERSPACE_EXIT;
        if (memcmp (n, "sched_migrate_task", 18) == 0) return FTA_EV_SCHED_MIGRATE_TASK;
        if (memcmp (n, "sched_process_fork", 18) == 0) return FTA_EV_SCHED_PROCESS_FORK;
        if (memcmp (n, "sched_process_exit", 18) == 0) return FTA_EV_SCHED_PROCESS_EXIT;
        if (memcmp (n, "sched_process_exec", 18) == 0) return FTA_EV_SCHED_PROCESS_EXEC;
        break;
    }
    return FTA_EV_OTHER;
}

/* --- typed fields ---------------------------------------------------------- */

/* The first KEY followed by an integer and then NEXT: the end of a comm
 * that may itself hold KEY. */
static const char *
find_anchor (const char *s, const char *end, const char *key, gsize klen,
             const char *next, gsize nlen)
{
    gint64 v;
    for (const char *k = s; (k = find (k, end, key, klen)) != NULL; k++) {
        const char *e = scan_int (k + klen, end, &v);
        if (e && (gsize) (end - e) >= nlen && memcmp (e, next, nlen) == 0)
            return k;
    }
    return NULL;
}

/* find_anchor for the common case first: a comm without a blank, so the
 * first blank starts KEY.  When it does, find_anchor would return it too
 * (the first KEY there is can only begin at the first blank). */
static inline G_ALWAYS_INLINE const char *
find_anchor_fast (const char *s, const char *end, const char *key, gsize klen,
                  const char *next, gsize nlen)
{
    gint64 v;
    const char *k = s;
    while (k < end && *k != ' ')
        k++;
    if ((gsize) (end - k) > klen && memcmp (k, key, klen) == 0) {
        const char *e = scan_int (k + klen, end, &v);
        if (e && (gsize) (end - e) >= nlen && memcmp (e, next, nlen) == 0)
            return k;
    }
    return find_anchor (s, end, key, klen, next, nlen);
}

/* prev_state as a number ("trace-cmd report -R").  The bits changed
 * between kernels; the values that occur alone tell them apart well:
 * 256 (4.14+ TASK_REPORT_MAX) and 1024/2048/4096 (older TASK_STATE_MAX)
 * are a preemption, 128 alone is 4.14+'s idle (I); other bits follow the
 * classic "RSDTtXZxKWPN" order trace-cmd itself prints. */
static guint32
numeric_state (const char *s, const char *e)
{
    gint64 v;
    if (!scan_int (s, e, &v) || v < 0)
        return FTA_STATE_UNKNOWN;
    if (v == 0)
        return 0;
    if (v == 256 || v == 1024 || v == 2048 || v == 4096)
        return FTA_STATE_PREEMPT;
    if (v == 128)
        return FTA_STATE_I;
    static const guint32 bits[] = { FTA_STATE_S, FTA_STATE_D, FTA_STATE_T, FTA_STATE_t,
                                    FTA_STATE_X, FTA_STATE_Z, FTA_STATE_x, FTA_STATE_K,
                                    FTA_STATE_W, FTA_STATE_P, FTA_STATE_N };
    guint32 st = 0;
    for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
        if (v & (1 << i))
            st |= bits[i];
    if (v >> G_N_ELEMENTS (bits))
        st |= FTA_STATE_UNKNOWN;
    return st;
}

/* "COMM:PID [PRIO]" ending at END (trace-cmd's plugin form); the comm may
 * hold ':' and spaces, so the pid is the digits after the last ':'. */
static gboolean
comm_pid_prio (const char *s, const char *end, char comm[FTA_COMM_LEN], gint32 *pid,
               gint32 *prio)
{
    gint64 v;
    end = rtrim (s, end);
    if (end - s < 5 || end[-1] != ']')
        return FALSE;
    const char *ob = end - 1;
    while (ob > s && *ob != '[')
        ob--;
    if (*ob != '[' || !scan_int (ob + 1, end - 1, &v))
        return FALSE;
    *prio = (gint32) v;
    const char *e = rtrim (s, ob);
    const char *d = e;
    while (d > s && is_digit (d[-1]))
        d--;
    if (d == e || d == s || d[-1] != ':' || !scan_int (d, e, &v))
        return FALSE;
    *pid = (gint32) v;
    copy_comm (comm, s, d - 1 - s);
    return TRUE;
}

/* trace-cmd: "PREV:PID [PRIO] STATE ==> NEXT:PID [PRIO]".  A comm may itself
 * hold " ==> " ("x ==> y:10981 [120] S ==> b:1 [120]"): the separator is the
 * one whose left side ends in ":PID [PRIO] STATE".  trace-cmd 3.1 labels the
 * idle state I as W (W, TASK_WAKING, never ends a switch). */
static gboolean
parse_switch_plugin (FtaSwitchFields *f, const char *s, const char *end)
{
    /* trace-cmd's latency suffix: "... [120] Latency: 4024.977 usecs" */
    const char *lat = find (s, end, KEY ("] Latency: "));
    if (lat)
        end = lat + 1;
    for (const char *k = s; (k = find (k, end, KEY (" ==> "))) != NULL; k++) {
        const char *st = k;
        while (st > s && st[-1] != ' ')
            st--;
        if (st == s || st == k)
            continue;
        if (!comm_pid_prio (s, st, f->prev_comm, &f->prev_pid, &f->prev_prio))
            continue;
        if (!comm_pid_prio (k + 5, end, f->next_comm, &f->next_pid, &f->next_prio))
            continue;
        /* very old kernels print the state in parentheses: "(S)" */
        const char *sb = st, *se = k;
        if (se - sb >= 3 && *sb == '(' && se[-1] == ')') {
            sb++;
            se--;
        }
        guint32 state = fta_parse_state (sb, se - sb);
        if (state & FTA_STATE_W)
            state = (state & ~(guint32) FTA_STATE_W) | FTA_STATE_I;
        f->prev_state = state;
        return TRUE;
    }
    return FALSE;
}

/* "prev_comm=A prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=B
 *  next_pid=2 next_prio=120".  The comms are delimited by the next key, so
 * "prev_comm=x ==> y prev_pid=..." keeps "x ==> y". */
static gboolean
parse_switch (FtaSwitchFields *f, const char *s, const char *end)
{
    gint64 v;
    if (!(end - s > 10 && memcmp (s, "prev_comm=", 10) == 0))
        return parse_switch_plugin (f, s, end);
    const char *c = s + 10;
    const char *k = find_anchor_fast (c, end, KEY (" prev_pid="), KEY (" prev_prio="));
    if (!k)
        return FALSE;
    copy_comm (f->prev_comm, c, k - c);
    s = k + 1;
    if (!expect_int (&s, end, KEY ("prev_pid="), &v))
        return FALSE;
    f->prev_pid = (gint32) v;
    if (!expect_int (&s, end, KEY (" prev_prio="), &v))
        return FALSE;
    f->prev_prio = (gint32) v;
    if (end - s < 12 || memcmp (s, " prev_state=", 12) != 0)
        return FALSE;
    s += 12;
    const char *st = s;
    while (s < end && *s != ' ')
        s++;
    f->prev_state = is_digit (*st) ? numeric_state (st, s) : fta_parse_state (st, s - st);
    /* "trace-cmd report -R" prints the raw fields without "==>" */
    if (end - s >= 15 && memcmp (s, " ==> next_comm=", 15) == 0)
        c = s + 15;
    else if (end - s >= 11 && memcmp (s, " next_comm=", 11) == 0)
        c = s + 11;
    else
        return FALSE;
    k = find_anchor_fast (c, end, KEY (" next_pid="), KEY (" next_prio="));
    if (!k)
        return FALSE;
    copy_comm (f->next_comm, c, k - c);
    s = k + 1;
    if (!expect_int (&s, end, KEY ("next_pid="), &v))
        return FALSE;
    f->next_pid = (gint32) v;
    if (!expect_int (&s, end, KEY (" next_prio="), &v))
        return FALSE;
    f->next_prio = (gint32) v;
    /* a field may follow, junk may not: "next_prio=120\n\" is a line of
     * a JavaScript string */
    return s == end || *s == ' ';
}

/* "comm=NAME pid=N NEXT..." shared by wake, migrate, fork and exit events:
 * the pid is the " pid=" followed by digits and then NEXT (" prio=", " 
 * child_comm=") or the end, so a comm holding " pid=" stays whole.
 * Returns the position after the pid. */
static const char *
parse_comm_pid (char comm[FTA_COMM_LEN], gint32 *pid, const char *s,
                const char *end, const char *next, gsize next_len)
{
    gint64 v;
    if (!(end - s > 5 && memcmp (s, "comm=", 5) == 0))
        return NULL;
    const char *c = s + 5;
    /* the common case: the first blank ends the comm */
    const char *k = c;
    while (k < end && *k != ' ')
        k++;
    if (end - k > 5 && memcmp (k, " pid=", 5) == 0) {
        const char *e = scan_int (k + 5, end, &v);
        if (e && (e == end || ((gsize) (end - e) >= next_len
                               && memcmp (e, next, next_len) == 0))) {
            copy_comm (comm, c, k - c);
            *pid = (gint32) v;
            return e;
        }
    }
    for (k = c; (k = find (k, end, KEY (" pid="))) != NULL; k++) {
        const char *e = scan_int (k + 5, end, &v);
        if (!e || !(e == end || ((gsize) (end - e) >= next_len
                                 && memcmp (e, next, next_len) == 0)))
            continue;
        copy_comm (comm, c, k - c);
        *pid = (gint32) v;
        return e;
    }
    return NULL;
}

/* trace-cmd: "COMM:PID [PRIO] CPU:005", older "... success=1 CPU:000" */
static gboolean
parse_wake_plugin (FtaWakeFields *f, const char *s, const char *end)
{
    gint64 v;
    const char *k = end;
    while (k > s && k[-1] != ' ')
        k--;
    if (end - k >= 5 && memcmp (k, "CPU:", 4) == 0 && scan_int (k + 4, end, &v) == end)
        f->target_cpu = (gint32) v;
    else if (end - k >= 3 && *k == '[' && end[-1] == ']' && scan_int (k + 1, end - 1, &v))
        f->target_cpu = (gint32) v; /* old kernels: "... success=1 [003]" */
    else
        return FALSE;
    f->success = -1;
    const char *e = rtrim (s, k);
    const char *w = e;
    while (w > s && w[-1] != ' ')
        w--;
    if (e - w > 8 && memcmp (w, "success=", 8) == 0 && scan_int (w + 8, e, &v)) {
        f->success = (gint32) v;
        e = rtrim (s, w);
    }
    return comm_pid_prio (s, e, f->comm, &f->pid, &f->prio);
}

static gboolean
parse_wake (FtaWakeFields *f, const char *s, const char *end)
{
    gint64 v;
    if (!(end - s > 5 && memcmp (s, "comm=", 5) == 0))
        return parse_wake_plugin (f, s, end);
    s = parse_comm_pid (f->comm, &f->pid, s, end, KEY (" prio="));
    if (!s)
        return FALSE;
    /* the common case: " prio=N target_cpu=N" and nothing else */
    if (end - s > 6 && memcmp (s, " prio=", 6) == 0) {
        gint64 t;
        const char *q = scan_int (s + 6, end, &v);
        if (q && end - q > 12 && memcmp (q, " target_cpu=", 12) == 0
            && scan_int (q + 12, end, &t) == end) {
            f->prio = (gint32) v;
            f->success = -1;
            f->target_cpu = (gint32) t;
            return TRUE;
        }
    }
    f->prio = find_int (s, end, KEY (" prio="), &v) ? (gint32) v : -1;
    f->success = find_int (s, end, KEY (" success="), &v) ? (gint32) v : -1;
    f->target_cpu = -1;
    const char *k = find (s, end, KEY (" target_cpu="));
    if (k) {
        const char *e = scan_int (k + 12, end, &v);
        if (!e || !(e == end || *e == ' '))
            return FALSE;
        f->target_cpu = (gint32) v;
    }
    return TRUE;
}

static gboolean
parse_migrate (FtaMigrateFields *f, const char *s, const char *end)
{
    gint64 v;
    s = parse_comm_pid (f->comm, &f->pid, s, end, KEY (" prio="));
    if (!s)
        return FALSE;
    f->prio = find_int (s, end, KEY (" prio="), &v) ? (gint32) v : -1;
    if (!find_int (s, end, KEY (" orig_cpu="), &v))
        return FALSE;
    f->orig_cpu = (gint32) v;
    if (!find_int (s, end, KEY (" dest_cpu="), &v))
        return FALSE;
    f->dest_cpu = (gint32) v;
    return TRUE;
}

static gboolean
parse_fork (FtaProcessFields *f, const char *s, const char *end)
{
    gint64 v;
    memset (f, 0, sizeof *f);
    s = parse_comm_pid (f->comm, &f->pid, s, end, KEY (" child_comm="));
    if (!s)
        return FALSE;
    if (end - s < 12 || memcmp (s, " child_comm=", 12) != 0)
        return FALSE;
    const char *c = s + 12;
    const char *k = find (c, end, KEY (" child_pid="));
    if (!k)
        return FALSE;
    copy_comm (f->child_comm, c, k - c);
    if (!scan_int (k + 11, end, &v))
        return FALSE;
    f->child_pid = (gint32) v;
    return TRUE;
}

static gboolean
parse_exit (FtaProcessFields *f, const char *s, const char *end)
{
    gint64 v;
    memset (f, 0, sizeof *f);
    s = parse_comm_pid (f->comm, &f->pid, s, end, KEY (" prio="));
    if (!s)
        return FALSE;
    f->prio = find_int (s, end, KEY (" prio="), &v) ? (gint32) v : -1;
    return TRUE;
}

/* "filename=/usr/bin/x pid=N old_pid=M": the file name may hold spaces. */
static gboolean
parse_exec (FtaProcessFields *f, const char *s, const char *end)
{
    gint64 v;
    memset (f, 0, sizeof *f);
    const char *k = find (s, end, KEY (" pid="));
    if (!k || !scan_int (k + 5, end, &v))
        return FALSE;
    f->pid = (gint32) v;
    f->old_pid = find_int (k, end, KEY (" old_pid="), &v) ? (gint32) v : f->pid;
    return TRUE;
}

static gboolean
parse_irq (FtaIrqFields *f, const char *s, const char *end, gboolean entry)
{
    gint64 v;
    if (!expect_int (&s, end, KEY ("irq="), &v))
        return FALSE;
    f->irq = (gint32) v;
    f->handled = -1;
    f->name[0] = '\0';
    if (entry) {
        if (end - s > 6 && memcmp (s, " name=", 6) == 0) {
            gsize n = end - (s + 6);
            if (n > sizeof f->name - 1)
                n = sizeof f->name - 1;
            memcpy (f->name, s + 6, n);
            f->name[n] = '\0';
        }
    } else if (end - s > 5 && memcmp (s, " ret=", 5) == 0) {
        s += 5;
        f->handled = (end - s >= 7 && memcmp (s, "handled", 7) == 0) ? 1 : 0;
    }
    return TRUE;
}

static gboolean
parse_softirq (FtaSoftirqFields *f, const char *s, const char *end)
{
    gint64 v;
    if (!expect_int (&s, end, KEY ("vec="), &v))
        return FALSE;
    f->vec = (gint32) v;
    return TRUE;
}

static gboolean
parse_fields (FtaEvent *ev)
{
    const char *s = ev->fields, *end = ev->fields + ev->fields_len;
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH: return parse_switch (&ev->u.sw, s, end);
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW: return parse_wake (&ev->u.wake, s, end);
    case FTA_EV_SCHED_MIGRATE_TASK: return parse_migrate (&ev->u.migrate, s, end);
    case FTA_EV_SCHED_PROCESS_FORK: return parse_fork (&ev->u.proc, s, end);
    case FTA_EV_SCHED_PROCESS_EXIT: return parse_exit (&ev->u.proc, s, end);
    case FTA_EV_SCHED_PROCESS_EXEC: return parse_exec (&ev->u.proc, s, end);
    case FTA_EV_IRQ_HANDLER_ENTRY: return parse_irq (&ev->u.irq, s, end, TRUE);
    case FTA_EV_IRQ_HANDLER_EXIT: return parse_irq (&ev->u.irq, s, end, FALSE);
    case FTA_EV_SOFTIRQ_ENTRY:
    case FTA_EV_SOFTIRQ_EXIT:
    case FTA_EV_SOFTIRQ_RAISE: return parse_softirq (&ev->u.softirq, s, end);
    default: return TRUE;
    }
}

/* --- headers and markers --------------------------------------------------- */

static void
parse_header (FtaParser *p, const char *s, const char *end)
{
    static const char key[] = "# entries-in-buffer/entries-written:";
    const char *k = find (s, end, key, sizeof key - 1);
    if (!k)
        return;
    gint64 a, b;
    const char *q = k + sizeof key - 1;
    while (q < end && *q == ' ')
        q++;
    q = scan_int (q, end, &a);
    if (!q || q >= end || *q != '/')
        return;
    if (!scan_int (q + 1, end, &b))
        return;
    p->entries_in_buffer = a;
    p->entries_written = b;
    p->entries_seen = TRUE;
}

/* Steps the systrace HTML state for one line.  Returns TRUE when [*s,
 * *end) is trace text to parse (trimmed of the JavaScript line ending). */
static gboolean
html_line (FtaParser *p, const char **s, const char **end)
{
    const char *b = *s, *e = *end;
    switch (p->html) {
    case HTML_NO:
        p->html = HTML_OUTSIDE;
        p->format = "systrace-html";
        return FALSE;
    case HTML_OUTSIDE:
        /* the tag itself, not a script that mentions it */
        if (e - b > 7 && memcmp (b, "<script", 7) == 0
            && find (b, e, KEY ("class=\"trace-data\"")))
            p->html = HTML_BLOCK_START;
        else if (e - b > 20 && memcmp (b, "var linuxPerfData = \"", 21) == 0)
            p->html = HTML_JS_STRING;
        return FALSE;
    case HTML_BLOCK_START:
    case HTML_TEXT:
    case HTML_JSON:
        if (find (b, e, KEY ("</script>"))) {
            p->html = HTML_OUTSIDE;
            return FALSE;
        }
        if (p->html == HTML_BLOCK_START)
            p->html = (*b == '{' || *b == '[') ? HTML_JSON : HTML_TEXT;
        return p->html == HTML_TEXT;
    case HTML_JS_STRING:
        if (find (b, e, KEY ("</script>"))) {
            p->html = HTML_OUTSIDE;
            return FALSE;
        }
        if (e - b >= 2 && e[-2] == '"' && e[-1] == ';') {
            /* '...last line\n";' ends the string: parse what precedes */
            p->html = HTML_OUTSIDE;
            e -= 2;
            if (e - b >= 2 && e[-2] == '\\' && e[-1] == 'n')
                e -= 2;
            *end = rtrim (b, e);
            return TRUE;
        }
        if (e - b >= 3 && memcmp (e - 3, "\\n\\", 3) == 0)
            e -= 3;
        else if (e - b >= 1 && e[-1] == '\\')
            e -= 1;
        *end = rtrim (b, e);
        return TRUE;
    }
    return FALSE;
}

/* trace-cmd report's header: "cpus=2", "version = 6", "CPU 3 is empty" */
static gboolean
tracecmd_header (FtaParser *p, const char *s, const char *end)
{
    gint64 v;
    gboolean yes = FALSE;
    if (end - s > 5 && memcmp (s, "cpus=", 5) == 0)
        yes = scan_int (s + 5, end, &v) == end;
    else if (end - s > 10 && memcmp (s, "version = ", 10) == 0)
        yes = scan_int (s + 10, end, &v) == end;
    else if (end - s > 13 && memcmp (s, "CPU ", 4) == 0) {
        const char *e = scan_int (s + 4, end, &v);
        yes = e && end - e == 9 && memcmp (e, " is empty", 9) == 0;
    }
    if (yes)
        p->tracecmd_header = TRUE;
    return yes;
}

/* "##### CPU 3 buffer started ####" */
static gboolean
parse_buffer_started (const char *s, const char *end, FtaEvent *ev)
{
    gint64 cpu;
    const char *k = find (s, end, KEY ("CPU "));
    if (!k || !find (s, end, KEY (" buffer started")))
        return FALSE;
    if (!scan_int (k + 4, end, &cpu))
        return FALSE;
    ev->type = FTA_EV_BUFFER_STARTED;
    ev->name_id = NAME_ID_BUFFER_STARTED;
    ev->cpu = (gint32) cpu;
    return TRUE;
}

/* "CPU:1 [LOST 90 EVENTS]" */
static gboolean
parse_lost (const char *s, const char *end, FtaEvent *ev)
{
    gint64 cpu, n;
    if (end - s < 5 || memcmp (s, "CPU:", 4) != 0)
        return FALSE;
    const char *q = scan_int (s + 4, end, &cpu);
    if (!q)
        return FALSE;
    const char *k = find (q, end, KEY ("[LOST "));
    if (k) {
        ev->u.marker.lost = scan_int (k + 6, end, &n) ? n : -1;
    } else if ((k = find (q, end, KEY ("EVENTS DROPPED]"))) != NULL) {
        /* trace-cmd: "CPU:0 [1806 EVENTS DROPPED]", "CPU:0 [EVENTS DROPPED]" */
        const char *b = memchr (q, '[', end - q);
        ev->u.marker.lost = b && scan_int (b + 1, end, &n) ? n : -1;
    } else {
        return FALSE;
    }
    ev->type = FTA_EV_LOST;
    ev->name_id = NAME_ID_LOST;
    ev->cpu = (gint32) cpu;
    return TRUE;
}

/* --- the line ---------------------------------------------------------------- */

/* Finds the timestamp: the first "digits.digits:" token that follows a
 * blank and is followed by a blank or the end.  Returns its start and sets
 * *after to the position after the colon. */
static const char *
find_timestamp (const char *s, const char *end, gint64 *ns, const char **after)
{
    for (const char *c = s; (c = memchr (c, ':', end - c)) != NULL; c++) {
        if (c + 1 < end && c[1] != ' ')
            continue;
        const char *t = c;
        while (t > s && (is_digit (t[-1]) || t[-1] == '.'))
            t--;
        if (t == c || !(t == s || t[-1] == ' '))
            continue;
        if (fta_parse_timestamp (t, c - t, ns)) {
            *after = c + 1;
            return t;
        }
    }
    return NULL;
}

/* Everything before the timestamp:
 *   COMM-PID [(TGID)] [CPU] [FLAGS]         tracefs, trace-cmd report
 *   COMM PID[/TID] [[CPU]]                  perf script
 * Returns the variant bits, or -1 with *why. */
enum {
    V_TGID = 1 << 0,
    V_FLAGS = 1 << 1,
    V_PERF = 1 << 2,
    V_NOCPU = 1 << 3,
    V_LATENCY = 1 << 4,
};

/* The fused "0d.h1" column: a CPU number, then flags. */
static gboolean
latency_column (const char *t, const char *e, gint64 *cpu)
{
    const char *f = scan_int (t, e, cpu);
    return f && f < e && !is_digit (*f);
}

/* Before the fused "0d.h1" column of the latency form: "COMM-PID". */
static gboolean
latency_prefix (const char *s, const char *t)
{
    const char *e = rtrim (s, t);
    const char *d = e;
    while (d > s && is_digit (d[-1]))
        d--;
    return d < e && d > s && d[-1] == '-';
}

static int
parse_prefix (FtaParser *p, const char *s, const char *e, FtaEvent *ev, const char **why)
{
    gint64 v = 0;
    int variant = 0;
    e = rtrim (s, e);
    /* the last token: the CPU bracket, flags after it ("d..2.", "d.h21"),
     * or (perf without a CPU column) the pid */
    const char *t = e;
    while (t > s && t[-1] != ' ')
        t--;
    if (t < e && !(*t == '[' && e[-1] == ']')) {
        const char *pe = rtrim (s, t), *pt = pe;
        while (pt > s && pt[-1] != ' ')
            pt--;
        if (pt < pe && *pt == '[' && pe[-1] == ']') {
            variant |= V_FLAGS;
            if (!p->flags_width)
                p->flags_width = (int) (e - t);
            e = pe;
            t = pt;
        }
    }
    if (t < e && *t == '[' && e[-1] == ']') {
        if (!scan_int (t + 1, e - 1, &v) || v > 65535) {
            *why = "bad [CPU] column";
            return -1;
        }
        ev->cpu = (gint32) v;
        e = rtrim (s, t);
    } else if (t < e && is_digit (*t) && t > s && t[-1] == ' '
               && latency_column (t, e, &v) && latency_prefix (s, t)) {
        /* "trace-cmd report -l": CPU and flags fused ("0d.h1"), the comm
         * cut to 8 characters */
        ev->cpu = (gint32) v;
        variant |= V_FLAGS | V_LATENCY;
        e = rtrim (s, t);
    } else if (variant & V_FLAGS) {
        *why = "no [CPU] column";
        return -1;
    } else {
        variant |= V_NOCPU;
    }
    if (e > s && e[-1] == ')') {
        const char *open = e - 1;
        while (open > s && *open != '(')
            open--;
        if (*open != '(') {
            *why = "unbalanced TGID column";
            return -1;
        }
        const char *g = open + 1;
        while (g < e && *g == ' ')
            g++;
        ev->tgid = scan_int (g, e - 1, &v) ? (gint32) v : -1;
        variant |= V_TGID;
        e = rtrim (s, open);
    }
    const char *pd = e;
    while (pd > s && is_digit (pd[-1]))
        pd--;
    if (pd == e || pd == s) {
        *why = "no COMM-PID before the timestamp";
        return -1;
    }
    scan_int (pd, e, &v);
    if (pd[-1] == '/') {
        /* perf "PID/TID": the thread is the task, the pid its group */
        const char *gd = pd - 1;
        while (gd > s && is_digit (gd[-1]))
            gd--;
        gint64 g;
        if (gd == pd - 1 || !scan_int (gd, pd - 1, &g)) {
            *why = "bad PID/TID";
            return -1;
        }
        ev->tgid = (gint32) g;
        pd = gd;
        variant |= V_PERF;
        if (pd == s || pd[-1] != ' ') {
            *why = "no COMM before PID/TID";
            return -1;
        }
    } else if (pd[-1] == ' ') {
        variant |= V_PERF;
    } else if (pd[-1] != '-') {
        *why = "no COMM-PID before the timestamp";
        return -1;
    }
    ev->pid = (gint32) v;
    const char *ce = (variant & V_PERF) ? rtrim (s, pd) : pd - 1;
    if ((variant & V_NOCPU) && !(variant & V_PERF)) {
        *why = "no [CPU] column";
        return -1;
    }
    copy_comm (ev->comm, s, ce - s);
    return variant;
}

/* The format is named by the first event line (and trace-cmd's headers). */
static void
note_variant (FtaParser *p, int variant)
{
    if (!p->variant_text) {
        GString *t = g_string_new (NULL);
        if (variant & V_FLAGS)
            g_string_append_printf (t, "%d-character flags column", p->flags_width);
        else if (!(variant & V_PERF))
            g_string_append (t, "no flags column");
        if (variant & V_TGID)
            g_string_append_printf (t, "%sTGID column", t->len ? ", " : "");
        if (variant & V_LATENCY)
            g_string_append_printf (t, "%slatency format (-l)", t->len ? ", " : "");
        if (variant & V_NOCPU)
            g_string_append_printf (t, "%sno CPU column", t->len ? ", " : "");
        p->variant_text = g_string_free (t, FALSE);
    }
    if (p->format)
        return;
    if (variant & V_PERF)
        p->format = "perf-script";
    else if (p->tracecmd_header)
        p->format = "trace-cmd";
    else
        p->format = "tracefs";
    p->variant = variant;
}

/* The bytes of an event name, with perf's "subsystem:" and ":modifiers". */
static const guint8 name_char[256] = {
    ['-'] = 1, ['.'] = 1, [':'] = 1, ['_'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
    ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* perf modifiers after an event name: "cycles:ppp", "task-clock:u" */
static gboolean
is_modifier (const char *s, const char *e)
{
    if (s == e)
        return FALSE;
    for (; s < e; s++)
        if (!strchr ("ukhpPGHIWSDe", *s))
            return FALSE;
    return TRUE;
}

FtaLineKind
fta_parser_parse_line (FtaParser *p, const char *line, gsize len,
                       FtaEvent *ev, const char **why)
{
    const char *s = line, *end = line + len;
    gint64 v;
    while (end > s && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s == end)
        return FTA_LINE_HEADER;

    ev->tgid = -1;
    ev->pid = -1;
    ev->cpu = -1;
    ev->comm[0] = '\0';
    ev->name = NULL;
    ev->name_len = 0;
    ev->fields = NULL;
    ev->fields_len = 0;
    /* nothing of the previous line shows through (the types without typed
     * fields leave the union as it is) */
    memset (&ev->u, 0, sizeof ev->u);

    if (p->html != HTML_NO || (!p->seen_event && *s == '<'
                               && (g_ascii_strncasecmp (s, "<!DOCTYPE html", 14) == 0
                                   || g_ascii_strncasecmp (s, "<html", 5) == 0))) {
        if (!html_line (p, &s, &end))
            return FTA_LINE_HEADER;
        if (s == end)
            return FTA_LINE_HEADER;
    }
    if (*s == '#') {
        if (parse_buffer_started (s, end, ev))
            return FTA_LINE_MARKER;
        parse_header (p, s, end);
        return FTA_LINE_HEADER;
    }
    if (*s == 'C' && parse_lost (s, end, ev))
        return FTA_LINE_MARKER;
    if (tracecmd_header (p, s, end))
        return FTA_LINE_HEADER;
    /* perf script callchains: "\t    ffffffff8100 sym+0x6 (dso)" */
    if (line[0] == '\t' && g_ascii_isxdigit (*s) && p->format
        && strcmp (p->format, "perf-script") == 0) {
        const char *h = s;
        while (h < end && g_ascii_isxdigit (*h))
            h++;
        if (h == end || *h == ' ')
            return FTA_LINE_HEADER;
    }
    if (memchr (s, '\0', end - s)) {
        *why = "binary data (NUL byte)";
        return FTA_LINE_UNPARSED;
    }

    const char *q;
    const char *ts = find_timestamp (s, end, &ev->ts_ns, &q);
    if (!ts) {
        *why = "no timestamp";
        return FTA_LINE_UNPARSED;
    }
    int variant = parse_prefix (p, s, ts, ev, why);
    if (variant < 0)
        return FTA_LINE_UNPARSED;

    while (q < end && *q == ' ')
        q++;
    if (variant & V_PERF) {
        /* an optional sample period before the event */
        const char *d = q;
        while (d < end && is_digit (*d))
            d++;
        if (d > q && d < end && *d == ' ') {
            q = d;
            while (q < end && *q == ' ')
                q++;
        }
    }
    if (end - q > 17 && memcmp (q, "PERF_RECORD_LOST ", 17) == 0) {
        /* perf script --show-lost-events: "PERF_RECORD_LOST lost 117" */
        const char *k = find (q, end, KEY ("lost "));
        ev->type = FTA_EV_LOST;
        ev->name_id = NAME_ID_LOST;
        ev->u.marker.lost = k && scan_int (k + 5, end, &v) ? v : -1;
        note_variant (p, variant);
        return FTA_LINE_MARKER;
    }
    /* An event name is an identifier: "sys_ioctl(fd: ff, ...)" (syscall
     * tracer) and "func <-parent" (function tracer) are not events.  perf
     * prefixes the subsystem ("sched:sched_switch:") and may append
     * modifiers ("cycles:ppp:"). */
    /* the busiest events are named at once (as the scan below would) */
    FtaEventType type = FTA_EV_NONE;
    const char *c, *name, *name_end;
    if (end - q > 14 && memcmp (q, "sched_", 6) == 0) {
        if (memcmp (q + 6, "switch: ", 8) == 0)
            type = FTA_EV_SCHED_SWITCH;
        else if (memcmp (q + 6, "waking: ", 8) == 0)
            type = FTA_EV_SCHED_WAKING;
        else if (memcmp (q + 6, "wakeup: ", 8) == 0)
            type = FTA_EV_SCHED_WAKEUP;
    }
    if (type != FTA_EV_NONE) {
        name = q;
        name_end = c = q + 12;
    } else {
        const char *tok = q;
        c = q;
        gboolean inner_colon = FALSE;
        for (; c < end && name_char[(guint8) *c]; c++) {
            if (*c == ':') {
                if (c + 1 == end || c[1] == ' ')
                    break;
                inner_colon = TRUE;
            }
        }
        if (c == tok || c >= end || *c != ':' || *tok == ':') {
            *why = "no 'event:' after the timestamp";
            return FTA_LINE_UNPARSED;
        }
        name_end = c;
        name = tok;
        while (inner_colon) {
            const char *last = name_end;
            while (last > tok && last[-1] != ':')
                last--;
            if (last > tok && is_modifier (last, name_end)) {
                name_end = last - 1; /* drop ":ppp" */
                continue;
            }
            name = last;
            break;
        }
        if (name == name_end) {
            *why = "no 'event:' after the timestamp";
            return FTA_LINE_UNPARSED;
        }
    }
    q = c + 1;
    while (q < end && *q == ' ')
        q++;
    ev->name = name;
    ev->name_len = name_end - name;
    ev->fields = q;
    ev->fields_len = end - q;
    ev->type = type != FTA_EV_NONE ? type : classify (name, ev->name_len);
    if (ev->type == FTA_EV_OTHER)
        ev->name_id = intern (p, name, ev->name_len);
    else
        ev->name_id = p->type_id[ev->type];
    if (!parse_fields (ev)) {
        *why = "fields of a known event could not be read";
        return FTA_LINE_UNPARSED;
    }
    note_variant (p, variant);
    p->seen_event = TRUE;
    return FTA_LINE_EVENT;
}

/* --- field lookup for plugins -------------------------------------------- */

const char *
fta_event_field (const FtaEvent *ev, const char *key, guint *len)
{
    if (!ev->fields || !key)
        return NULL;
    const char *s = ev->fields, *end = ev->fields + ev->fields_len;
    gsize klen = strlen (key);
    const char *q = s;
    const char *val = NULL;
    while ((q = find (q, end, key, klen)) != NULL) {
        if ((q == s || q[-1] == ' ') && q + klen < end && q[klen] == '=') {
            val = q + klen + 1;
            break;
        }
        q++;
    }
    if (!val)
        return NULL;
    /* The value ends before the next " word=". */
    const char *e = val;
    while (e < end) {
        if (*e == ' ') {
            const char *w = e + 1;
            while (w < end && (g_ascii_isalnum (*w) || *w == '_'))
                w++;
            if (w > e + 1 && w < end && *w == '=')
                break;
        }
        e++;
    }
    *len = e - val;
    return val;
}
