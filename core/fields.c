/* fields.c - the typed fields of the events the core knows, as the
 * kernel prints them ("prev_comm=A prev_pid=1 ..."), for every text
 * format; trace-cmd's plugin forms are in format-tracecmd.c.  And the
 * lookup of any field by name for plugins.
 *
 * Values may hold spaces: each is delimited by the known next key, never
 * by a blank.
 */
#include "config.h"

#include "parser-private.h"

static FtaEventType
fta_fields_classify (const char *n, gsize len)
{
    /* Length first, then bytes: no hashing for the common events. */
    switch (len) {
    case 12:
        if (same_bytes (n, "sched_switch", 12)) return FTA_EV_SCHED_SWITCH;
        if (same_bytes (n, "sched_waking", 12)) return FTA_EV_SCHED_WAKING;
        if (same_bytes (n, "sched_wakeup", 12)) return FTA_EV_SCHED_WAKEUP;
        if (same_bytes (n, "softirq_exit", 12)) return FTA_EV_SOFTIRQ_EXIT;
        break;
    case 13:
        if (same_bytes (n, "softirq_entry", 13)) return FTA_EV_SOFTIRQ_ENTRY;
        if (same_bytes (n, "softirq_raise", 13)) return FTA_EV_SOFTIRQ_RAISE;
        break;
    case 16:
        if (same_bytes (n, "sched_wakeup_new", 16)) return FTA_EV_SCHED_WAKEUP_NEW;
        if (same_bytes (n, "irq_handler_exit", 16)) return FTA_EV_IRQ_HANDLER_EXIT;
        break;
    case 17:
        if (same_bytes (n, "irq_handler_entry", 17)) return FTA_EV_IRQ_HANDLER_ENTRY;
        if (same_bytes (n, "block_rq_complete", 17)) return FTA_EV_BLOCK_RQ_COMPLETE;
        break;
    case 8:
        if (same_bytes (n, "kvm_exit", 8)) return FTA_EV_KVM_EXIT;
        break;
    case 9:
        if (same_bytes (n, "kvm_entry", 9)) return FTA_EV_KVM_ENTRY;
        break;
    case 14:
        if (same_bytes (n, "block_rq_issue", 14)) return FTA_EV_BLOCK_RQ_ISSUE;
        break;
    case 15:
        if (same_bytes (n, "block_rq_insert", 15)) return FTA_EV_BLOCK_RQ_INSERT;
        break;
    case 18:
        if (same_bytes (n, "kvm_userspace_exit", 18)) return FTA_EV_KVM_USERSPACE_EXIT;
        if (same_bytes (n, "sched_migrate_task", 18)) return FTA_EV_SCHED_MIGRATE_TASK;
        if (same_bytes (n, "sched_process_fork", 18)) return FTA_EV_SCHED_PROCESS_FORK;
        if (same_bytes (n, "sched_process_exit", 18)) return FTA_EV_SCHED_PROCESS_EXIT;
        if (same_bytes (n, "sched_process_exec", 18)) return FTA_EV_SCHED_PROCESS_EXEC;
        break;
    }
    return FTA_EV_OTHER;
}

/* The first KEY followed by an integer and then NEXT: the end of a comm
 * that may itself hold KEY. */
static const char *
find_anchor (const char *s, const char *end, const char *key, gsize klen,
             const char *next, gsize nlen)
{
    gint64 v;
    for (const char *k = s; (k = find (k, end, key, klen)) != NULL; k++) {
        const char *e = scan_int (k + klen, end, &v);
        if (e && (gsize) (end - e) >= nlen && same_bytes (e, next, nlen))
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
    const char *k = next_blank (s, end);
    if ((gsize) (end - k) > klen && same_bytes (k, key, klen)) {
        const char *e = scan_int (k + klen, end, &v);
        if (e && (gsize) (end - e) >= nlen && same_bytes (e, next, nlen))
            return k;
    }
    /* KEY starts with a blank: none is before the first one, K */
    return find_anchor (k, end, key, klen, next, nlen);
}

/* prev_state as a number ("trace-cmd report -R").  The bits changed
 * between kernels; the values that occur alone tell them apart well:
 * 256 (4.14+ TASK_REPORT_MAX) and 1024/2048/4096 (older TASK_STATE_MAX)
 * are a preemption, 128 alone is 4.14+'s idle (I); other bits follow the
 * classic "RSDTtXZxKWPN" order trace-cmd itself prints. */
guint32
fta_state_from_number (gint64 v)
{
    if (v < 0)
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

static guint32
numeric_state (const char *s, const char *e)
{
    gint64 v;
    if (!scan_int (s, e, &v))
        return FTA_STATE_UNKNOWN;
    return fta_state_from_number (v);
}

/* "prev_comm=A prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=B
 *  next_pid=2 next_prio=120".  The comms are delimited by the next key, so
 * "prev_comm=x ==> y prev_pid=..." keeps "x ==> y". */
static gboolean
parse_switch (FtaSwitchFields *f, const char *s, const char *end, const char **why)
{
    gint64 v;
    if (!(end - s > 10 && same_bytes (s, "prev_comm=", 10)))
        return fta_tracecmd_switch (f, s, end, why);
    const char *c = s + 10;
    const char *k = find_anchor_fast (c, end, KEY (" prev_pid="), KEY (" prev_prio="));
    if (!k)
        return FALSE;
    copy_comm (f->prev_comm, c, k - c);
    s = k + 1;
    if (!expect_int (&s, end, KEY ("prev_pid="), &v) || !narrow_pid (v, &f->prev_pid, why))
        return FALSE;
    if (!expect_int (&s, end, KEY (" prev_prio="), &v))
        return FALSE;
    f->prev_prio = clamp32 (v);
    if (end - s < 12 || !same_bytes (s, " prev_state=", 12))
        return FALSE;
    s += 12;
    const char *st = s;
    while (s < end && *s != ' ')
        s++;
    /* "prev_state=" may end the line: no byte to look at then */
    f->prev_state = st < s && is_digit (*st) ? numeric_state (st, s)
                                             : fta_parse_state (st, s - st);
    /* "trace-cmd report -R" prints the raw fields without "==>" */
    if (end - s >= 15 && same_bytes (s, " ==> next_comm=", 15))
        c = s + 15;
    else if (end - s >= 11 && same_bytes (s, " next_comm=", 11))
        c = s + 11;
    else
        return FALSE;
    k = find_anchor_fast (c, end, KEY (" next_pid="), KEY (" next_prio="));
    if (!k)
        return FALSE;
    copy_comm (f->next_comm, c, k - c);
    s = k + 1;
    if (!expect_int (&s, end, KEY ("next_pid="), &v) || !narrow_pid (v, &f->next_pid, why))
        return FALSE;
    /* the last field, as a rule: read with the bytes before it */
    if (end - s <= 11 || !same_bytes (s, " next_prio=", 11))
        return FALSE;
    s = scan_int_lo (s + 11, end, s, &v);
    if (!s)
        return FALSE;
    f->next_prio = clamp32 (v);
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
                const char *end, const char *next, gsize next_len, const char **why)
{
    gint64 v;
    if (!(end - s > 5 && same_bytes (s, "comm=", 5)))
        return NULL;
    const char *c = s + 5;
    /* the common case: the first blank ends the comm */
    const char *k = next_blank (c, end);
    if (end - k > 5 && same_bytes (k, " pid=", 5)) {
        const char *e = scan_int (k + 5, end, &v);
        if (e && (e == end || ((gsize) (end - e) >= next_len
                               && same_bytes (e, next, next_len)))) {
            copy_comm (comm, c, k - c);
            return narrow_pid (v, pid, why) ? e : NULL;
        }
    }
    /* " pid=" from the first blank on: none starts before it */
    for (; (k = find (k, end, KEY (" pid="))) != NULL; k++) {
        const char *e = scan_int (k + 5, end, &v);
        if (!e || !(e == end || ((gsize) (end - e) >= next_len
                                 && same_bytes (e, next, next_len))))
            continue;
        copy_comm (comm, c, k - c);
        return narrow_pid (v, pid, why) ? e : NULL;
    }
    return NULL;
}

static gboolean
parse_wake (FtaWakeFields *f, const char *s, const char *end, const char **why)
{
    gint64 v;
    if (!(end - s > 5 && same_bytes (s, "comm=", 5)))
        return fta_tracecmd_wake (f, s, end, why);
    s = parse_comm_pid (f->comm, &f->pid, s, end, KEY (" prio="), why);
    if (!s)
        return FALSE;
    /* the common case: " prio=N target_cpu=N" and nothing else */
    if (end - s > 6 && same_bytes (s, " prio=", 6)) {
        gint64 t;
        const char *q = scan_int (s + 6, end, &v);
        if (q && end - q > 12 && same_bytes (q, " target_cpu=", 12)
            && scan_int_lo (q + 12, end, q, &t) == end) {
            f->prio = clamp32 (v);
            f->success = -1;
            return narrow_cpu (t, &f->target_cpu, why);
        }
    }
    f->prio = find_int (s, end, KEY (" prio="), &v) ? clamp32 (v) : -1;
    f->success = find_int (s, end, KEY (" success="), &v) ? clamp32 (v) : -1;
    f->target_cpu = -1;
    const char *k = find (s, end, KEY (" target_cpu="));
    if (k) {
        const char *e = scan_int (k + 12, end, &v);
        if (!e || !(e == end || *e == ' ') || !narrow_cpu (v, &f->target_cpu, why))
            return FALSE;
    }
    return TRUE;
}

static gboolean
parse_migrate (FtaMigrateFields *f, const char *s, const char *end, const char **why)
{
    gint64 v;
    s = parse_comm_pid (f->comm, &f->pid, s, end, KEY (" prio="), why);
    if (!s)
        return FALSE;
    f->prio = find_int (s, end, KEY (" prio="), &v) ? clamp32 (v) : -1;
    if (!find_int (s, end, KEY (" orig_cpu="), &v) || !narrow_cpu (v, &f->orig_cpu, why))
        return FALSE;
    if (!find_int (s, end, KEY (" dest_cpu="), &v) || !narrow_cpu (v, &f->dest_cpu, why))
        return FALSE;
    return TRUE;
}

static gboolean
parse_fork (FtaProcessFields *f, const char *s, const char *end, const char **why)
{
    gint64 v;
    memset (f, 0, sizeof *f);
    s = parse_comm_pid (f->comm, &f->pid, s, end, KEY (" child_comm="), why);
    if (!s)
        return FALSE;
    if (end - s < 12 || !same_bytes (s, " child_comm=", 12))
        return FALSE;
    const char *c = s + 12;
    const char *k = find (c, end, KEY (" child_pid="));
    if (!k)
        return FALSE;
    copy_comm (f->child_comm, c, k - c);
    if (!scan_int (k + 11, end, &v))
        return FALSE;
    return narrow_pid (v, &f->child_pid, why);
    return TRUE;
}

static gboolean
parse_exit (FtaProcessFields *f, const char *s, const char *end, const char **why)
{
    gint64 v;
    memset (f, 0, sizeof *f);
    s = parse_comm_pid (f->comm, &f->pid, s, end, KEY (" prio="), why);
    if (!s)
        return FALSE;
    f->prio = find_int (s, end, KEY (" prio="), &v) ? clamp32 (v) : -1;
    return TRUE;
}

/* "filename=/usr/bin/x pid=N old_pid=M": the file name may hold spaces. */
static gboolean
parse_exec (FtaProcessFields *f, const char *s, const char *end, const char **why)
{
    gint64 v;
    memset (f, 0, sizeof *f);
    const char *k = find (s, end, KEY (" pid="));
    if (!k || !scan_int (k + 5, end, &v) || !narrow_pid (v, &f->pid, why))
        return FALSE;
    f->old_pid = f->pid;
    return !find_int (k, end, KEY (" old_pid="), &v) || narrow_pid (v, &f->old_pid, why);
}

static gboolean
parse_irq (FtaIrqFields *f, const char *s, const char *end, gboolean entry)
{
    gint64 v;
    if (!expect_int (&s, end, KEY ("irq="), &v))
        return FALSE;
    f->irq = clamp32 (v);
    f->handled = -1;
    f->name[0] = '\0';
    if (entry) {
        if (end - s > 6 && same_bytes (s, " name=", 6)) {
            gsize n = end - (s + 6);
            if (n > sizeof f->name - 1)
                n = sizeof f->name - 1;
            memcpy (f->name, s + 6, n);
            f->name[n] = '\0';
        }
    } else if (end - s > 5 && same_bytes (s, " ret=", 5)) {
        s += 5;
        f->handled = (end - s >= 7 && same_bytes (s, "handled", 7)) ? 1 : 0;
    }
    return TRUE;
}

static gboolean
parse_softirq (FtaSoftirqFields *f, const char *s, const char *end)
{
    gint64 v;
    if (!expect_int (&s, end, KEY ("vec="), &v))
        return FALSE;
    f->vec = clamp32 (v);
    return TRUE;
}

static gboolean
fta_fields_parse (FtaEvent *ev, const char **why)
{
    const char *s = ev->fields, *end = ev->fields + ev->fields_len;
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH: return parse_switch (&ev->u.sw, s, end, why);
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW: return parse_wake (&ev->u.wake, s, end, why);
    case FTA_EV_SCHED_MIGRATE_TASK: return parse_migrate (&ev->u.migrate, s, end, why);
    case FTA_EV_SCHED_PROCESS_FORK: return parse_fork (&ev->u.proc, s, end, why);
    case FTA_EV_SCHED_PROCESS_EXIT: return parse_exit (&ev->u.proc, s, end, why);
    case FTA_EV_SCHED_PROCESS_EXEC: return parse_exec (&ev->u.proc, s, end, why);
    case FTA_EV_IRQ_HANDLER_ENTRY: return parse_irq (&ev->u.irq, s, end, TRUE);
    case FTA_EV_IRQ_HANDLER_EXIT: return parse_irq (&ev->u.irq, s, end, FALSE);
    case FTA_EV_SOFTIRQ_ENTRY:
    case FTA_EV_SOFTIRQ_EXIT:
    case FTA_EV_SOFTIRQ_RAISE: return parse_softirq (&ev->u.softirq, s, end);
    default: return TRUE;
    }
}

/* --- field lookup for plugins ----------------------------------------------- */

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

/* --- field handles: the field index (ABI 1.7) ---------------------------------
 *
 * What the first event of a name says about KEY is kept per interned name
 * id: whether the event has it, where it was in the last line (the next
 * line of a fixed-width format has it at the same offset), and the key
 * that follows it, whose " next=" ends the value.  A lookup then compares
 * at the remembered offset, else searches " key=" up to the field only,
 * and finds the end with one search of " next=" over the value: never a
 * scan of the whole line, key by key. */

typedef struct {
    guint8 state;      /* FIELD_UNKNOWN, FIELD_AT, FIELD_ABSENT */
    guint32 hint;      /* offset of "key=" in the latest line */
    const char *next;  /* " next=", interned; NULL: the value runs to the end */
    guint next_len;
} FieldAt;

enum { FIELD_UNKNOWN = 0, FIELD_AT, FIELD_ABSENT };

struct _FtaField {
    char *key;
    char *needle;      /* " key=" */
    gsize klen;        /* of "key" */
    GArray *at;        /* FieldAt per name id */
};

FtaField *
fta_field_new (const char *key)
{
    g_return_val_if_fail (key && *key, NULL);
    FtaField *f = g_new0 (FtaField, 1);
    f->key = g_strdup (key);
    f->needle = g_strconcat (" ", key, "=", NULL);
    f->klen = strlen (key);
    f->at = g_array_new (FALSE, TRUE, sizeof (FieldAt));
    return f;
}

void
fta_field_free (FtaField *f)
{
    if (!f)
        return;
    g_free (f->key);
    g_free (f->needle);
    g_array_free (f->at, TRUE);
    g_free (f);
}

/* The end of the value at VAL: before the next " word=", or END. */
static const char *
field_value_end (const char *val, const char *end)
{
    for (const char *e = val; e < end; e++) {
        if (*e != ' ')
            continue;
        const char *w = e + 1;
        while (w < end && (g_ascii_isalnum (*w) || *w == '_'))
            w++;
        if (w > e + 1 && w < end && *w == '=')
            return e;
    }
    return end;
}

/* Reads what the first event of its name says about F's key. */
static void
field_resolve (FtaField *f, FieldAt *at, const FtaEvent *ev)
{
    guint len;
    const char *val = fta_event_field (ev, f->key, &len);
    if (!val) {
        at->state = FIELD_ABSENT;
        return;
    }
    at->state = FIELD_AT;
    at->hint = (guint32) (val - f->klen - 1 - ev->fields);
    const char *e = val + len, *end = ev->fields + ev->fields_len;
    if (e < end) {
        const char *w = e + 1;
        while (w < end && *w != '=')
            w++;
        char *next = g_strndup (e, w + 1 - e); /* " next=" */
        at->next = g_intern_string (next);
        at->next_len = (guint) (w + 1 - e);
        g_free (next);
    }
}

const char *
fta_field_get (FtaField *f, const FtaEvent *ev, guint *len)
{
    if (!f || !ev->fields || ev->type == FTA_EV_LOST || ev->type == FTA_EV_BUFFER_STARTED)
        return NULL;
    if (ev->name_id >= f->at->len)
        g_array_set_size (f->at, ev->name_id + 1);
    FieldAt *at = &g_array_index (f->at, FieldAt, ev->name_id);
    if (G_UNLIKELY (at->state == FIELD_UNKNOWN))
        field_resolve (f, at, ev);
    if (at->state == FIELD_ABSENT)
        return NULL;
    const char *s = ev->fields, *end = s + ev->fields_len;
    const char *key = f->needle + 1;
    gsize kl = f->klen + 1; /* "key=" */
    const char *k = s + at->hint;
    if (!(k + kl <= end && (k == s || k[-1] == ' ') && same_bytes (k, key, kl))) {
        if ((gsize) (end - s) >= kl && same_bytes (s, key, kl)) {
            k = s;
        } else {
            k = find (s, end, f->needle, kl + 1);
            if (!k)
                return NULL;
            k++;
        }
        at->hint = (guint32) (k - s);
    }
    const char *val = k + kl;
    const char *e = NULL;
    if (at->next) {
        e = find (val, end, at->next, at->next_len);
        if (!e)
            e = field_value_end (val, end);
    } else {
        e = field_value_end (val, end);
    }
    *len = (guint) (e - val);
    return val;
}

gboolean
fta_field_get_int (FtaField *f, const FtaEvent *ev, gint64 *value)
{
    guint len;
    const char *v = fta_field_get (f, ev, &len);
    if (!v || !len)
        return FALSE;
    const char *end = v + len;
    gboolean neg = *v == '-';
    if (neg)
        v++;
    guint64 n = 0;
    const char *d = v;
    if (end - v > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        for (d = v + 2; d < end && g_ascii_isxdigit (*d); d++)
            n = n * 16 + (guint64) g_ascii_xdigit_value (*d);
        if (d == v + 2)
            return FALSE;
    } else {
        for (; d < end && g_ascii_isdigit (*d); d++)
            n = n * 10 + (guint64) (*d - '0');
        if (d == v)
            return FALSE;
    }
    *value = neg ? -(gint64) n : (gint64) n;
    return TRUE;
}
