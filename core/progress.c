/* progress.c - how far the reading is, on standard error.
 *
 * Shown only when standard error is a terminal (or with --progress), from
 * a second into the run (a small trace never shows it), refreshed four
 * times a second, no wider than the terminal (so it never wraps and each
 * refresh overwrites the last), and erased at the end so that what follows
 * starts on a clean line.
 * FTA_PROGRESS=always shows it anyway, at every update (for the tests).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* Columns the line may take: one less than the terminal's width (a
 * character in the last column makes some terminals wrap), $COLUMNS when
 * standard error is no terminal, else 80. */
static guint
line_width (void)
{
    struct winsize ws;
    if (ioctl (STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col > 1 ? ws.ws_col - 1u : 1u;
    const char *env = g_getenv ("COLUMNS");
    guint64 cols = env ? g_ascii_strtoull (env, NULL, 10) : 0;
    return cols > 1 && cols < 10000 ? (guint) cols - 1 : 79;
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
    char *size = g_format_size (bytes);
    char *pct = p->total ? g_strdup_printf ("%u%%", (guint) (100 * MIN (1.0, (double) pos
                                                                         / p->total)))
                         : NULL;
    char *of = pct ? g_strdup_printf ("%s of %s", pct, p->name) : NULL;
    char *read = g_strdup_printf ("%s read", size);
    char *rate = g_strdup_printf ("%.0f MB/s", bytes / secs / 1e6);
    char *left = p->total && pos > 0 && pos < p->total
                     ? g_strdup_printf ("%.0f s left",
                                        secs * (p->total - pos) / (double) pos + 0.5)
                     : NULL;
    /* From the whole line to the bare share: the first that fits the
     * terminal is shown, so the line never wraps and \r rewrites it. */
    const char *const forms[][5] = {
        { "ftrace-analyzer: ", of, read, rate, left },
        { "", of, read, rate, left },
        { "", pct, read, rate, left },
        { "", pct, rate, left, NULL },
        { "", pct, left, NULL, NULL },
        { "", pct ? pct : read, NULL, NULL, NULL },
    };
    guint width = line_width ();
    GString *line = g_string_new (NULL);
    for (guint f = 0; f < G_N_ELEMENTS (forms); f++) {
        g_string_assign (line, forms[f][0]);
        gboolean first = TRUE;
        for (guint k = 1; k < 5; k++) {
            if (!forms[f][k])
                continue;
            g_string_append_printf (line, "%s%s", first ? "" : ", ", forms[f][k]);
            first = FALSE;
        }
        if (g_utf8_strlen (line->str, -1) <= (glong) width)
            break;
    }
    if (g_utf8_strlen (line->str, -1) > (glong) width)
        g_string_truncate (line, g_utf8_offset_to_pointer (line->str, width) - line->str);
    fprintf (stderr, "\r%s\033[K", line->str);
    fflush (stderr);
    g_string_free (line, TRUE);
    g_free (left);
    g_free (rate);
    g_free (read);
    g_free (of);
    g_free (pct);
    g_free (size);
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
