/* format-tracefs.c - the kernel's own text, as
 * /sys/kernel/tracing/trace and trace_pipe write it:
 *   COMM-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: EVENT: FIELDS
 * its "# entries-in-buffer" header and its markers.  COMM may hold spaces,
 * dashes, colons and brackets, the TGID and flags columns are optional.
 * trace-cmd report and perf script print variants of the same prefix:
 * their differences are asked of format-tracecmd.c and format-perf.c.
 */
#include "config.h"

#include "parser-private.h"

static void
fta_tracefs_header (FtaParser *p, const char *s, const char *end)
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
    /* "#P:2" after it: the CPUs the kernel had when it printed */
    const char *cp = find (q, end, KEY ("#P:"));
    gint64 n;
    if (cp && scan_int (cp + 3, end, &n) && n > 0 && n <= 1 << 20)
        p->header_cpus = n;
}


/* "##### CPU 3 buffer started ####" */
static gboolean
fta_tracefs_buffer_started (const char *s, const char *end, FtaEvent *ev)
{
    gint64 cpu;
    const char *k = find (s, end, KEY ("CPU "));
    if (!k || !find (s, end, KEY (" buffer started")))
        return FALSE;
    if (!scan_int (k + 4, end, &cpu) || cpu < 0 || cpu > FTA_MAX_CPU)
        return FALSE;
    ev->type = FTA_EV_BUFFER_STARTED;
    ev->cpu = (gint32) cpu;
    return TRUE;
}


/* "CPU:1 [LOST 90 EVENTS]" */
static gboolean
fta_tracefs_lost (const char *s, const char *end, FtaEvent *ev)
{
    gint64 cpu, n;
    if (end - s < 5 || !same_bytes (s, "CPU:", 4))
        return FALSE;
    const char *q = scan_int (s + 4, end, &cpu);
    if (!q || cpu < 0 || cpu > FTA_MAX_CPU)
        return FALSE;
    const char *k = find (q, end, KEY ("[LOST "));
    if (!k)
        return FALSE;
    ev->u.marker.lost = scan_int (k + 6, end, &n) ? n : -1;
    ev->type = FTA_EV_LOST;
    ev->cpu = (gint32) cpu;
    return TRUE;
}

/* Everything before the timestamp:
 *   COMM-PID [(TGID)] [CPU] [FLAGS]         tracefs, trace-cmd report
 *   COMM-PID CPUFLAGS                       trace-cmd report -l
 *   COMM PID[/TID] [[CPU]]                  perf script
 * read from the right. */
static int
fta_tracefs_prefix (FtaParser *p, const char *s, const char *e, FtaEvent *ev, const char **why)
{
    gint64 v = 0;
    int variant = 0;
    e = rtrim_column (s, e);
    /* the last token: the CPU bracket, flags after it ("d..2.", "d.h21"),
     * or (perf without a CPU column) the pid */
    const char *t = token_start (s, e);
    if (t < e && !(*t == '[' && e[-1] == ']')) {
        const char *pe = rtrim (s, t), *pt = token_start (s, pe);
        if (pt < pe && *pt == '[' && pe[-1] == ']') {
            variant |= V_FLAGS;
            if (!p->flags_width)
                p->flags_width = (int) (e - t);
            e = pe;
            t = pt;
        }
    }
    if (e - t == 5 && *t == '[' && is_digit (t[1]) && is_digit (t[2]) && is_digit (t[3])
        && e[-1] == ']') {
        /* the common "[001]": what scan_int reads below */
        ev->cpu = (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
        e = rtrim_column (s, t); /* the pid is padded to a column */
    } else if (t < e && *t == '[' && e[-1] == ']') {
        if (!scan_int (t + 1, e - 1, &v) || v < 0 || v > FTA_MAX_CPU) {
            *why = "bad [CPU] column";
            return -1;
        }
        ev->cpu = (gint32) v;
        e = rtrim_column (s, t);
    } else if (t < e && is_digit (*t) && t > s && t[-1] == ' '
               && fta_tracecmd_latency_column (s, t, e, &v)) {
        /* "trace-cmd report -l": CPU and flags fused ("0d.h1"), the comm
         * cut to 8 characters */
        if (!narrow_cpu (v, &ev->cpu, why))
            return -1;
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
        ev->tgid = -1;
        if (scan_int (g, e - 1, &v) && !narrow_pid (v, &ev->tgid, why))
            return -1;
        variant |= V_TGID;
        e = rtrim (s, open);
    }
    const char *pd = scan_int_back (s, e, &v);
    if (pd == e || pd == s) {
        *why = "no COMM-PID before the timestamp";
        return -1;
    }
    if (pd[-1] == '/') {
        pd = fta_perf_pid_tid (s, pd, ev, why);
        if (!pd)
            return -1;
        variant |= V_PERF;
    } else if (pd[-1] == ' ') {
        variant |= V_PERF;
    } else if (pd[-1] != '-') {
        *why = "no COMM-PID before the timestamp";
        return -1;
    }
    if (!narrow_pid (v, &ev->pid, why))
        return -1;
    const char *ce = (variant & V_PERF) ? rtrim (s, pd) : pd - 1;
    if ((variant & V_NOCPU) && !(variant & V_PERF)) {
        *why = "no [CPU] column";
        return -1;
    }
    copy_comm (ev->comm, s, ce - s);
    return variant;
}

