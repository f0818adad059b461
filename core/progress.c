/* progress.c - how far the reading is, on standard error.
 *
 * Shown only when standard error is a terminal, from a second into the
 * run (a small trace never shows it), refreshed four times a second, and
 * erased at the end so that what follows starts on a clean line.
 * FTA_PROGRESS=always shows it anyway, at every update (for the tests).
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "core.h"

#define SHOW_AFTER_US G_USEC_PER_SEC
#define REFRESH_US (G_USEC_PER_SEC / 4)

struct _FtaProgress {
    guint64 total;   /* bytes, 0 = unknown */
    gint64 t0;       /* monotonic µs */
    gint64 last;     /* of the last refresh */
    gint64 show_after;
    gint64 refresh;
    gboolean shown;
};

FtaProgress *
fta_progress_new (gboolean enabled, guint64 total)
{
    const char *force = g_getenv ("FTA_PROGRESS");
    gboolean always = force && g_strcmp0 (force, "always") == 0;
    if (!enabled || (!always && !isatty (STDERR_FILENO)))
        return NULL;
    FtaProgress *p = g_new0 (FtaProgress, 1);
    p->total = total;
    p->t0 = g_get_monotonic_time ();
    p->last = p->t0;
    p->show_after = always ? 0 : SHOW_AFTER_US;
    p->refresh = always ? 0 : REFRESH_US;
    return p;
}

void
fta_progress_update (FtaProgress *p, guint64 done)
{
    if (!p)
        return;
    gint64 now = g_get_monotonic_time ();
    if (now - p->t0 < p->show_after || (p->shown && now - p->last < p->refresh))
        return;
    p->last = now;
    double secs = MAX (now - p->t0, 1) / (double) G_USEC_PER_SEC;
    double rate = done / secs; /* bytes a second */
    char *d = g_format_size (done);
    GString *line = g_string_new (NULL);
    g_string_append_printf (line, "\rftrace-analyzer: %s", d);
    if (p->total) {
        char *t = g_format_size (p->total);
        guint pct = (guint) MIN (100.0, 100.0 * done / p->total);
        g_string_append_printf (line, " of %s (%u%%)", t, pct);
        g_free (t);
    }
    g_string_append_printf (line, ", %.0f MB/s", rate / 1e6);
    if (p->total && rate > 0 && done < p->total)
        g_string_append_printf (line, ", %.0f s left", (p->total - done) / rate + 0.5);
    g_string_append (line, "\033[K");
    fputs (line->str, stderr);
    fflush (stderr);
    g_string_free (line, TRUE);
    g_free (d);
    p->shown = TRUE;
}

void
fta_progress_free (FtaProgress *p)
{
    if (!p)
        return;
    if (p->shown) {
        fputs ("\r\033[K", stderr);
        fflush (stderr);
    }
    g_free (p);
}
