/* parser.c - one text line to one FtaEvent: the parser object and the
 * walk of a line.
 *
 * The line layout is
 *   COMM-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: EVENT: FIELDS
 * with the variants of trace-cmd report and perf script.  Everything is
 * found by anchors (the "[digits]" CPU bracket, the "-digits" pid suffix,
 * the "digits.digits:" timestamp, the known next key of each field), never
 * by splitting on blanks, and without sscanf or allocation.  The grammar
 * of each format is in its own file (see parser-private.h); this one
 * keeps the event names and the format seen, and decides which grammar
 * reads which part of a line.
 */
#include "config.h"

#include "parser-private.h"

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
    p->header_cpus = -1;
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
fta_parser_take_entries (FtaParser *p, gint64 *in_buffer, gint64 *written, gint64 *cpus)
{
    if (!p->entries_seen)
        return FALSE;
    *in_buffer = p->entries_in_buffer;
    *written = p->entries_written;
    *cpus = p->header_cpus;
    p->entries_seen = FALSE;
    return TRUE;
}

void
fta_parser_set_entries (FtaParser *p, gint64 in_buffer, gint64 written, gint64 cpus)
{
    p->entries_in_buffer = in_buffer;
    p->entries_written = written;
    p->header_cpus = cpus;
}

void
fta_parser_free (FtaParser *p)
{
    if (!p)
        return;
    g_ptr_array_free (p->names, TRUE);
    g_hash_table_destroy (p->ids);
    if (p->dump_tgids)
        g_hash_table_destroy (p->dump_tgids);
    g_free (p->variant_text);
    g_free (p);
}

gint32
fta_parser_dump_tgid (const FtaParser *p, gint32 pid)
{
    gpointer v;
    if (!p->dump_tgids
        || !g_hash_table_lookup_extended (p->dump_tgids, GINT_TO_POINTER (pid), NULL, &v))
        return -1;
    return GPOINTER_TO_INT (v);
}

guint
fta_parser_dump_threads (const FtaParser *p)
{
    return p->dump_tgids ? g_hash_table_size (p->dump_tgids) : 0;
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

void
fta_parser_set_no_nul (FtaParser *p, gboolean no_nul)
{
    p->no_nul = no_nul;
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

gint64
fta_parser_header_cpus (const FtaParser *p)
{
    return p->header_cpus;
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

/* A marker line: its event name is one of the two fixed ones. */
static FtaLineKind
marker (FtaEvent *ev)
{
    ev->name_id = ev->type == FTA_EV_LOST ? NAME_ID_LOST : NAME_ID_BUFFER_STARTED;
    return FTA_LINE_MARKER;
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

/* The other known events named without the scan of fta_parser_parse_line:
 * at Q "NAME:" then a blank or the end, where the scan stops too, after
 * perf's subsystem ("irq:"), which it skips.  Sets *NAME and *COLON (the
 * end of the name); FTA_EV_NONE when Q holds none of them. */
static inline G_ALWAYS_INLINE FtaEventType
known_name (const char *q, const char *end, const char **name, const char **colon)
{
#define NAME_IS(lit, t)                                                                   \
    if (end - q > (gssize) sizeof (lit) - 1 && same_bytes (q, lit ":", sizeof (lit))       \
        && (end - q == (gssize) sizeof (lit) || q[sizeof (lit)] == ' ')) {                \
        *name = q;                                                                        \
        *colon = q + sizeof (lit) - 1;                                                    \
        return t;                                                                         \
    }
    if (end - q < 8)
        return FTA_EV_NONE;
    if (same_bytes (q, "irq:", 4) || same_bytes (q, "kvm:", 4))
        q += 4;
    else if (same_bytes (q, "block:", 6) || same_bytes (q, "sched:", 6))
        q += 6;
    if (end - q < 8)
        return FTA_EV_NONE;
    switch (*q) {
    case 'i':
        NAME_IS ("irq_handler_entry", FTA_EV_IRQ_HANDLER_ENTRY);
        NAME_IS ("irq_handler_exit", FTA_EV_IRQ_HANDLER_EXIT);
        break;
    case 's':
        NAME_IS ("softirq_entry", FTA_EV_SOFTIRQ_ENTRY);
        NAME_IS ("softirq_exit", FTA_EV_SOFTIRQ_EXIT);
        NAME_IS ("softirq_raise", FTA_EV_SOFTIRQ_RAISE);
        NAME_IS ("sched_wakeup_new", FTA_EV_SCHED_WAKEUP_NEW);
        NAME_IS ("sched_migrate_task", FTA_EV_SCHED_MIGRATE_TASK);
        NAME_IS ("sched_process_fork", FTA_EV_SCHED_PROCESS_FORK);
        NAME_IS ("sched_process_exit", FTA_EV_SCHED_PROCESS_EXIT);
        NAME_IS ("sched_process_exec", FTA_EV_SCHED_PROCESS_EXEC);
        break;
    case 'b':
        NAME_IS ("block_rq_issue", FTA_EV_BLOCK_RQ_ISSUE);
        NAME_IS ("block_rq_complete", FTA_EV_BLOCK_RQ_COMPLETE);
        NAME_IS ("block_rq_insert", FTA_EV_BLOCK_RQ_INSERT);
        break;
    case 'k':
        NAME_IS ("kvm_entry", FTA_EV_KVM_ENTRY);
        NAME_IS ("kvm_exit", FTA_EV_KVM_EXIT);
        NAME_IS ("kvm_userspace_exit", FTA_EV_KVM_USERSPACE_EXIT);
        break;
    }
#undef NAME_IS
    return FTA_EV_NONE;
}

FtaLineKind
fta_parser_parse_line (FtaParser *p, const char *line, gsize len,
                       FtaEvent *ev, const char **why)
{
    const char *s = line, *end = line + len;
    while (end > s && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    /* the right-aligned task column: blanks eight at a time */
    s = skip_spaces8 (s, end);
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

    if (p->html != HTML_NO || (!p->seen_event && fta_systrace_starts (s, end))) {
        int k = fta_systrace_line (p, &s, &end, why);
        if (k == SYSTRACE_BAD)
            return FTA_LINE_UNPARSED;
        if (k != SYSTRACE_TEXT)
            return FTA_LINE_HEADER;
        if (s == end)
            return FTA_LINE_HEADER;
    }
    if (*s == '#') {
        if (fta_tracefs_buffer_started (s, end, ev))
            return marker (ev);
        fta_tracefs_header (p, s, end);
        return FTA_LINE_HEADER;
    }
    if (*s == 'C' && (fta_tracefs_lost (s, end, ev) || fta_tracecmd_dropped (s, end, ev)))
        return marker (ev);
    if ((*s == 'c' || *s == 'v' || *s == 'C') && fta_tracecmd_header (p, s, end))
        return FTA_LINE_HEADER;
    if (line[0] == '\t' && p->format && strcmp (p->format, "perf-script") == 0
        && fta_perf_callchain (line, s, end))
        return FTA_LINE_HEADER;
    if (!p->no_nul && memchr (s, '\0', end - s)) {
        *why = "binary data (NUL byte)";
        return FTA_LINE_UNPARSED;
    }

    const char *q;
    const char *ts = fta_scan_find_timestamp (s, end, &ev->ts_ns, &q);
    if (!ts) {
        *why = "no timestamp";
        return FTA_LINE_UNPARSED;
    }
    int variant = fta_tracefs_prefix (p, s, ts, ev, why);
    if (variant < 0)
        return FTA_LINE_UNPARSED;

    while (q < end && *q == ' ')
        q++;
    if (variant & V_PERF)
        q = fta_perf_skip_period (q, end);
    if (q < end && *q == 'P' && fta_perf_lost (q, end, ev)) {
        note_variant (p, variant);
        return marker (ev);
    }
    /* An event name is an identifier: "sys_ioctl(fd: ff, ...)" (syscall
     * tracer) and "func <-parent" (function tracer) are not events.  perf
     * prefixes the subsystem ("sched:sched_switch:") and may append
     * modifiers ("cycles:ppp:"). */
    /* the busiest events are named at once (as the scan below would) */
    FtaEventType type = FTA_EV_NONE;
    const char *c, *name, *name_end;
    /* perf's "sched:" before the name: the name is what follows it */
    const char *sq = end - q > 20 && same_bytes (q, "sched:sched_", 12) ? q + 6 : q;
    if (end - sq > 14 && same_bytes (sq, "sched_", 6)) {
        if (same_bytes (sq + 6, "switch: ", 8))
            type = FTA_EV_SCHED_SWITCH;
        else if (same_bytes (sq + 6, "waking: ", 8))
            type = FTA_EV_SCHED_WAKING;
        else if (same_bytes (sq + 6, "wakeup: ", 8))
            type = FTA_EV_SCHED_WAKEUP;
    }
    if (type != FTA_EV_NONE) {
        name = sq;
        name_end = c = sq + 12;
    } else if ((type = known_name (q, end, &name, &c)) != FTA_EV_NONE) {
        name_end = c;
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
            if (last > tok && fta_perf_is_modifier (last, name_end)) {
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
    /* trace-cmd pads the name to a column: blanks eight at a time */
    q = skip_spaces8 (q, end);
    while (q < end && *q == ' ')
        q++;
    ev->name = name;
    ev->name_len = name_end - name;
    ev->fields = q;
    ev->fields_len = end - q;
    ev->type = type != FTA_EV_NONE ? type : fta_fields_classify (name, ev->name_len);
    if (ev->type == FTA_EV_OTHER)
        ev->name_id = intern (p, name, ev->name_len);
    else
        ev->name_id = p->type_id[ev->type];
    *why = "fields of a known event could not be read";
    if (!fta_fields_parse (ev, why)) {
        return FTA_LINE_UNPARSED;
    }
    if (G_UNLIKELY (!p->format || !p->variant_text))
        note_variant (p, variant);
    p->seen_event = TRUE;
    /* systrace: a thread whose line gives no tgid, as the PROCESS DUMP
     * listed it */
    if (G_UNLIKELY (p->dump_tgids) && ev->tgid < 0 && ev->pid > 0)
        ev->tgid = fta_parser_dump_tgid (p, ev->pid);
    return FTA_LINE_EVENT;
}
