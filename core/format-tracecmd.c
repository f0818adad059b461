/* format-tracecmd.c - what `trace-cmd report` adds to the kernel's text:
 * its header lines, its DROPPED markers, the fused CPU-and-flags column of
 * `report -l`, and the forms its plugins print sched_switch and sched_wak*
 * in.
 */
#include "config.h"

#include "parser-private.h"

/* trace-cmd report's header: "cpus=2", "version = 6", "CPU 3 is empty" */
static gboolean
fta_tracecmd_header (FtaParser *p, const char *s, const char *end)
{
    gint64 v;
    gboolean yes = FALSE;
    if (end - s > 5 && same_bytes (s, "cpus=", 5))
        yes = scan_int (s + 5, end, &v) == end;
    else if (end - s > 10 && same_bytes (s, "version = ", 10))
        yes = scan_int (s + 10, end, &v) == end;
    else if (end - s > 13 && same_bytes (s, "CPU ", 4)) {
        const char *e = scan_int (s + 4, end, &v);
        yes = e && end - e == 9 && same_bytes (e, " is empty", 9);
    }
    if (yes)
        p->tracecmd_header = TRUE;
    return yes;
}


/* "CPU:0 [1806 EVENTS DROPPED]", "CPU:0 [EVENTS DROPPED]" */
static gboolean
fta_tracecmd_dropped (const char *s, const char *end, FtaEvent *ev)
{
    gint64 cpu, n;
    if (end - s < 5 || !same_bytes (s, "CPU:", 4))
        return FALSE;
    const char *q = scan_int (s + 4, end, &cpu);
    if (!q || cpu < 0 || cpu > FTA_MAX_CPU || !find (q, end, KEY ("EVENTS DROPPED]")))
        return FALSE;
    const char *b = memchr (q, '[', end - q);
    ev->u.marker.lost = b && scan_int (b + 1, end, &n) ? n : -1;
    ev->type = FTA_EV_LOST;
    ev->cpu = (gint32) cpu;
    return TRUE;
}

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

static gboolean
fta_tracecmd_latency_column (const char *s, const char *t, const char *e, gint64 *cpu)
{
    return latency_column (t, e, cpu) && latency_prefix (s, t);
}

/* "COMM:PID [PRIO]" ending at END (trace-cmd's plugin form); the comm may
 * hold ':' and spaces, so the pid is the digits after the last ':'. */
static gboolean
comm_pid_prio (const char *s, const char *end, char comm[FTA_COMM_LEN], gint32 *pid,
               gint32 *prio, const char **why)
{
    gint64 v = 0;
    end = rtrim (s, end);
    if (end - s < 5 || end[-1] != ']')
        return FALSE;
    const char *ob = end - 5;
    if (*ob == '[' && is_digit (ob[1]) && is_digit (ob[2]) && is_digit (ob[3])) {
        /* the common "[120]": what the search below finds */
        *prio = (ob[1] - '0') * 100 + (ob[2] - '0') * 10 + (ob[3] - '0');
    } else {
        ob = end - 1;
        while (ob > s && *ob != '[')
            ob--;
        if (*ob != '[' || !scan_int (ob + 1, end - 1, &v))
            return FALSE;
        *prio = clamp32 (v);
    }
    const char *e = rtrim (s, ob);
    /* the pid: the digits that end [s, e) */
    const char *d = scan_int_back (s, e, &v);
    if (d == e || d == s)
        return FALSE;
    if (d[-1] != ':')
        return FALSE;
    copy_comm (comm, s, d - 1 - s);
    return narrow_pid (v, pid, why);
}

/* The first " ==> " in [s, end): its '>', the rarer byte, found first. */
static inline const char *
find_arrow (const char *s, const char *end)
{
    for (const char *g = s + 3; g < end - 1; g++) {
        g = memchr (g, '>', end - 1 - g);
        if (!g)
            return NULL;
        if (g[1] == ' ' && same_bytes (g - 3, " ==", 3))
            return g - 3;
    }
    return NULL;
}

/* trace-cmd: "PREV:PID [PRIO] STATE ==> NEXT:PID [PRIO]".  A comm may itself
 * hold " ==> " ("x ==> y:10981 [120] S ==> b:1 [120]"): the separator is the
 * one whose left side ends in ":PID [PRIO] STATE".  trace-cmd 3.1 labels the
 * idle state I as W (W, TASK_WAKING, never ends a switch). */
static gboolean
fta_tracecmd_switch (FtaSwitchFields *f, const char *s, const char *end, const char **why)
{
    /* trace-cmd's latency suffix: "... [120] Latency: 4024.977 usecs" */
    /* (searched by its 'L', a rarer byte than ']') */
    const char *lat = end - s >= 11 ? s + 2 : end;
    while ((lat = find (lat, end, KEY ("Latency: "))) != NULL
           && !(lat[-2] == ']' && lat[-1] == ' '))
        lat++;
    if (lat)
        end = lat - 1;
    for (const char *k = s; (k = find_arrow (k, end)) != NULL; k++) {
        const char *st = k;
        while (st > s && st[-1] != ' ')
            st--;
        if (st == s || st == k)
            continue;
        if (!comm_pid_prio (s, st, f->prev_comm, &f->prev_pid, &f->prev_prio, why))
            continue;
        if (!comm_pid_prio (k + 5, end, f->next_comm, &f->next_pid, &f->next_prio, why))
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

/* trace-cmd: "COMM:PID [PRIO] CPU:005", older "... success=1 CPU:000" */
static gboolean
fta_tracecmd_wake (FtaWakeFields *f, const char *s, const char *end, const char **why)
{
    gint64 v = 0;
    const char *k = token_start (s, end);
    if (end - k >= 5 && same_bytes (k, "CPU:", 4) && scan_int_lo (k + 4, end, s, &v) == end)
        ;
    else if (end - k >= 3 && *k == '[' && end[-1] == ']' && scan_int (k + 1, end - 1, &v))
        ; /* old kernels: "... success=1 [003]" */
    else
        return FALSE;
    if (!narrow_cpu (v, &f->target_cpu, why))
        return FALSE;
    f->success = -1;
    const char *e = rtrim (s, k);
    const char *w = token_start (s, e);
    if (e - w > 8 && same_bytes (w, "success=", 8) && scan_int (w + 8, e, &v)) {
        f->success = clamp32 (v);
        e = rtrim (s, w);
    }
    return comm_pid_prio (s, e, f->comm, &f->pid, &f->prio, why);
}

