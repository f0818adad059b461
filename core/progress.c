/* progress.c - how far the reading is, on standard error.
 *
 * Shown only when standard error is a terminal (or with --progress), from
 * a second into the run (a small trace never shows it), refreshed four
 * times a second, and erased at the end so that what follows starts on a
 * clean line.
 * FTA_PROGRESS=always shows it anyway, at every update (for the tests).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

#define SHOW_AFTER_US G_USEC_PER_SEC
#define REFRESH_US (G_USEC_PER_SEC / 4)

struct _FtaProgress {
    char *name;      /* the file's base name */
    guint64 total;   /* its size, 0 = unknown */
    gint64 t0;       /* monotonic µs */
    gint64 last;     /* of the last refresh */
    gint64 show_after;
    gint64 refresh;
    gboolean shown;
};

FtaProgress *
fta_progress_new (gboolean enabled, gboolean force, const char *path, guint64 total)
{
    const char *env = g_getenv ("FTA_PROGRESS");
    gboolean always = env && g_strcmp0 (env, "always") == 0;
    if (!enabled || (!always && !force && !isatty (STDERR_FILENO)))
        return NULL;
    FtaProgress *p = g_new0 (FtaProgress, 1);
    p->name = strcmp (path, "-") == 0 ? g_strdup ("standard input") : g_path_get_basename (path);
    p->total = total;
    p->t0 = g_get_monotonic_time ();
    p->last = p->t0;
    p->show_after = always ? 0 : SHOW_AFTER_US;
    p->refresh = always ? 0 : REFRESH_US;
    return p;
}

void
fta_progress_update (FtaProgress *p, guint64 pos, guint64 bytes)
{
    if (!p)
        return;
    gint64 now = g_get_monotonic_time ();
    if (now - p->t0 < p->show_after || (p->shown && now - p->last < p->refresh))
        return;
    p->last = now;
    double secs = MAX (now - p->t0, 1) / (double) G_USEC_PER_SEC;
    char *b = g_format_size (bytes);
    GString *line = g_string_new ("\rftrace-analyzer: ");
    if (p->total) {
        double f = MIN (1.0, (double) pos / p->total);
        g_string_append_printf (line, "%u%% of %s, ", (guint) (100 * f), p->name);
    }
    g_string_append_printf (line, "%s read, %.0f MB/s", b, bytes / secs / 1e6);
    if (p->total && pos > 0 && pos < p->total)
        g_string_append_printf (line, ", %.0f s left",
                                secs * (p->total - pos) / (double) pos + 0.5);
    g_string_append (line, "\033[K");
    fputs (line->str, stderr);
    fflush (stderr);
    g_string_free (line, TRUE);
    g_free (b);
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
    g_free (p->name);
    g_free (p);
}
