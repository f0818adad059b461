/* format-perf.c - what `perf script` prints differently: "COMM PID/TID"
 * or "COMM TID" before an optional [CPU], a sample period before the
 * event, "subsystem:event:modifiers" names, callchain lines under a
 * sample, and PERF_RECORD_LOST lines.
 */
#include "config.h"

#include "parser-private.h"

static gboolean
fta_perf_callchain (const char *line, const char *s, const char *end)
{
    if (line[0] != '\t' || !g_ascii_isxdigit (*s))
        return FALSE;
    const char *h = s;
    while (h < end && g_ascii_isxdigit (*h))
        h++;
    return h == end || *h == ' ';
}

static const char *
fta_perf_pid_tid (const char *s, const char *pd, FtaEvent *ev, const char **why)
{
    /* the thread is the task, the pid its group */
    const char *gd = pd - 1;
    while (gd > s && is_digit (gd[-1]))
        gd--;
    gint64 g;
    if (gd == pd - 1 || !scan_int (gd, pd - 1, &g)) {
        *why = "bad PID/TID";
        return NULL;
    }
    if (!narrow_pid (g, &ev->tgid, why))
        return NULL;
    if (gd == s || gd[-1] != ' ') {
        *why = "no COMM before PID/TID";
        return NULL;
    }
    return gd;
}

static const char *
fta_perf_skip_period (const char *q, const char *end)
{
    const char *d = q;
    while (d < end && is_digit (*d))
        d++;
    if (d > q && d < end && *d == ' ') {
        q = d;
        while (q < end && *q == ' ')
            q++;
    }
    return q;
}

static gboolean
fta_perf_lost (const char *q, const char *end, FtaEvent *ev)
{
    gint64 v;
    if (end - q <= 17 || !same_bytes (q, "PERF_RECORD_LOST ", 17))
        return FALSE;
    const char *k = find (q, end, KEY ("lost "));
    ev->type = FTA_EV_LOST;
    ev->u.marker.lost = k && scan_int (k + 5, end, &v) ? v : -1;
    return TRUE;
}

static gboolean
fta_perf_is_modifier (const char *s, const char *e)
{
    if (s == e)
        return FALSE;
    for (; s < e; s++)
        if (!strchr ("ukhpPGHIWSDe", *s))
            return FALSE;
    return TRUE;
}
