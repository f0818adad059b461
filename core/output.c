/* output.c - where results go: -o planned into the context's output
 * directory and stem, each sink's file opened, rendered and closed,
 * `filter`'s stream finished, and the notes on standard error that go
 * with an output.
 *
 * Owns the output fields of the context (output_dir, output_stem,
 * output_is_dir).  Calls the sinks' render through the bus's instances.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "run.h"
#include "suggest.h"

/* -o PATH: a directory (existing, or named with a trailing '/') gets
 * DIR/report.EXT (DIR/STEM.EXT) from each sink; a file name is the one sink's file, or
 * PATH.EXT for each of several sinks. */
gboolean
fta_output_plan (FtaEngine *e, const char *output, const char *stem, GError **error)
{
    if (!output || strcmp (output, "-") == 0)
        return TRUE;
    if (g_file_test (output, G_FILE_TEST_IS_DIR) || g_str_has_suffix (output, "/")) {
        if (g_mkdir_with_parents (output, 0777) != 0) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot create directory %s: %s",
                         output, g_strerror (errno));
            return FALSE;
        }
        e->ctx.output_is_dir = TRUE;
        e->ctx.output_dir = g_strdup (output);
        e->ctx.output_stem = g_strdup (stem ? stem : "report");
        return TRUE;
    }
    e->ctx.output_dir = g_path_get_dirname (output);
    char *base = g_path_get_basename (output);
    char *dot = strrchr (base, '.');
    if (dot && dot != base)
        *dot = '\0';
    e->ctx.output_stem = base;
    return TRUE;
}

/* The file a sink with extension EXT writes for -o PATH; NULL for
 * standard output. */
static char *
output_file (const FtaContext *ctx, const char *path, const char *ext, gboolean several)
{
    if (!path || strcmp (path, "-") == 0)
        return NULL;
    if (ctx && ctx->output_is_dir) {
        char *name = g_strconcat (ctx->output_stem, ".", ext ? ext : "out", NULL);
        char *file = g_build_filename (path, name, NULL);
        g_free (name);
        return file;
    }
    return several ? g_strconcat (path, ".", ext ? ext : "out", NULL) : g_strdup (path);
}

gboolean
fta_output_refuse_input (const char *file, const char *const *inputs, GError **error)
{
    struct stat so, si;
    /* standard output redirected to a regular file: `filter` appending
     * to its own input would read what it writes */
    if (file ? stat (file, &so) != 0 : (fstat (1, &so) != 0 || !S_ISREG (so.st_mode)))
        return TRUE;
    for (const char *const *in = inputs; in && *in; in++) {
        gboolean std = strcmp (*in, "-") == 0;
        if ((std ? fstat (0, &si) : stat (*in, &si)) != 0 || si.st_dev != so.st_dev
            || si.st_ino != so.st_ino)
            continue;
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "%s%s is the input %s itself: writing it would destroy the trace; "
                     "give another output (-o)", file ? "-o " : "standard output",
                     file ? file : "", std ? "(standard input)" : *in);
        return FALSE;
    }
    return TRUE;
}

gboolean
fta_output_check_sinks (const FtaEngine *e, const char *output, const char *const *inputs,
                        GError **error)
{
    guint n_sinks = 0;
    for (guint i = 0; i < e->instances->len; i++)
        n_sinks += ((FtaInstance *) g_ptr_array_index (e->instances, i))->plugin->desc->kind
                   == FTA_PLUGIN_SINK;
    for (guint i = 0; i < e->instances->len; i++) {
        const FtaPluginDescriptor *d =
            ((FtaInstance *) g_ptr_array_index (e->instances, i))->plugin->desc;
        if (d->kind != FTA_PLUGIN_SINK)
            continue;
        char *file = output_file (&e->ctx, output, d->extension, n_sinks > 1);
        gboolean ok = !file || fta_output_refuse_input (file, inputs, error);
        g_free (file);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

/* Files are written through a cookie that keeps the first write error:
 * sinks learn that writing failed (ferror), the core tells why. */
struct _FtaOutCookie {
    int fd;
    int err;
};

static ssize_t
cookie_write (void *c, const char *buf, size_t n)
{
    FtaOutCookie *k = c;
    size_t done = 0;
    while (done < n) {
        ssize_t r = write (k->fd, buf + done, n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (!k->err)
                k->err = r < 0 ? errno : ENOSPC;
            return done ? (ssize_t) done : -1;
        }
        done += (size_t) r;
    }
    return (ssize_t) done;
}

static int
cookie_close (void *c)
{
    FtaOutCookie *k = c;
    if (close (k->fd) != 0 && !k->err)
        k->err = errno;
    return k->err ? -1 : 0;
}

/* O's FILE on FD, which it closes. */
static gboolean
wrap_fd (FtaOutFile *o, int fd)
{
    static const cookie_io_functions_t io = { NULL, cookie_write, NULL, cookie_close };
    o->cookie = g_new0 (FtaOutCookie, 1);
    o->cookie->fd = fd;
    o->f = fopencookie (o->cookie, "w", io);
    if (o->f)
        return TRUE;
    g_clear_pointer (&o->cookie, g_free);
    return FALSE;
}

/* A temporary file beside DEST for O, with the permissions a new file
 * gets (mkstemp's are 0600).  FALSE (errno set) when DEST's directory
 * takes no new file. */
static gboolean
open_temporary (FtaOutFile *o, const char *dest)
{
    char *dir = g_path_get_dirname (dest), *base = g_path_get_basename (dest);
    char *name = g_strdup_printf (".%s.XXXXXX", base);
    o->tmp = g_build_filename (dir, name, NULL);
    g_free (name);
    g_free (base);
    g_free (dir);
    /* made and tracked with no signal in between: a Ctrl-C at any moment
     * leaves no temporary file */
    sigset_t block, old;
    fta_signals_block (&block, &old);
    int fd = g_mkstemp_full (o->tmp, O_WRONLY | O_CLOEXEC, 0666);
    int err = errno;
    if (fd >= 0)
        fta_signals_track (o->tmp);
    pthread_sigmask (SIG_SETMASK, &old, NULL);
    errno = err;
    if (fd >= 0) {
        mode_t mask = umask (0);
        umask (mask);
        if (fchmod (fd, 0666 & ~mask) == 0 && wrap_fd (o, fd))
            return TRUE;
        err = errno;
        close (fd);
        g_unlink (o->tmp);
        fta_signals_untrack (o->tmp);
        errno = err;
    }
    g_free (o->tmp);
    o->tmp = NULL;
    return FALSE;
}

gboolean
fta_output_begin (const FtaContext *ctx, const char *path, const char *ext,
                  gboolean several, FtaOutFile *o, GError **error)
{
    memset (o, 0, sizeof *o);
    o->path = output_file (ctx, path, ext, several);
    if (!o->path) {
        o->f = stdout;
        return TRUE;
    }
    /* through a symbolic link, the file it names is replaced */
    struct stat st;
    if (lstat (o->path, &st) == 0 && S_ISLNK (st.st_mode)) {
        char *target = realpath (o->path, NULL);
        if (target) {
            g_free (o->path);
            o->path = target;
        }
    }
    /* a regular file (or a new one) is written to a temporary file beside
     * it, renamed over it once complete: a failed write (a full disk)
     * leaves the old file or none, never half of one.  A device or a pipe
     * (/dev/stdout, a FIFO) is written as it is, and so is a file in a
     * directory that takes no new file. */
    if (stat (o->path, &st) != 0 || S_ISREG (st.st_mode))
        open_temporary (o, o->path);
    if (!o->f) {
        int fd = open (o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd >= 0 && !wrap_fd (o, fd)) {
            int err = errno;
            close (fd);
            errno = err;
        }
    }
    if (!o->f) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s", o->path,
                     g_strerror (errno));
        g_free (o->path);
        o->path = NULL;
        return FALSE;
    }
    return TRUE;
}

int
fta_output_errno (const FtaOutFile *o)
{
    return o->cookie ? o->cookie->err : 0;
}

gboolean
fta_output_end (FtaOutFile *o, gboolean ok, int write_errno, GError **error)
{
    int err = write_errno;
    if (o->f && fflush (o->f) != 0 && !err)
        err = fta_output_errno (o) ? fta_output_errno (o) : errno;
    if (o->f && ferror (o->f) && !err)
        err = fta_output_errno (o) ? fta_output_errno (o) : EIO;
    if (o->f && o->path && fclose (o->f) != 0 && !err)
        err = fta_output_errno (o) ? fta_output_errno (o) : errno;
    o->f = NULL;
    g_clear_pointer (&o->cookie, g_free);
    if (!o->path)
        clearerr (stdout); /* reported here, not again at exit */
    if (ok && err) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s",
                     o->path ? o->path : "standard output", g_strerror (err));
        ok = FALSE;
    }
    if (ok && o->tmp && g_rename (o->tmp, o->path) != 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s", o->path,
                     g_strerror (errno));
        ok = FALSE;
    }
    if (!ok && o->tmp)
        g_unlink (o->tmp); /* no half-written output is left behind */
    if (o->tmp)
        fta_signals_untrack (o->tmp);
    g_free (o->tmp);
    o->tmp = NULL;
    return ok;
}

void
fta_output_clear (FtaOutFile *o)
{
    g_free (o->path);
    o->path = NULL;
}

/* --events names that no event of the trace has: likely a typo. */
void
fta_output_note_unmatched_events (const FtaEngine *e, const char *path)
{
    const FtaQuality *q = &e->q;
    for (guint i = 0; e->event_patterns && e->event_patterns[i]; i++) {
        gboolean seen = FALSE;
        for (guint id = 0; !seen && id < q->event_names->len; id++)
            seen = g_array_index (q->event_counts, guint64, id) > 0
                   && g_pattern_match_simple (e->event_patterns[i],
                                              g_ptr_array_index (q->event_names, id));
        if (!seen)
            g_printerr ("ftrace-analyzer: --events: no event of %s is named '%s'\n",
                        path, e->event_patterns[i]);
    }
}

void
fta_output_note_unmatched_tasks (const FtaEngine *e, const char *path)
{
    const FtaContext *ctx = &e->ctx;
    if ((!ctx->comm_re && !ctx->pids) || !e->model)
        return;
    guint n = fta_model_n_tasks (e->model);
    GPtrArray *comms = g_ptr_array_new ();
    for (guint id = 0; id < n; id++) {
        gint32 pid = fta_model_task_pid (e->model, id);
        const char *comm = fta_model_task_comm (e->model, id);
        if (pid <= 0 || !comm)
            continue;
        if (fta_context_task_selected_id (ctx, id, pid, comm)) {
            g_ptr_array_free (comms, TRUE);
            return;
        }
        g_ptr_array_add (comms, (gpointer) comm);
    }
    if (ctx->comm_re) {
        const char *re = g_regex_get_pattern (ctx->comm_re);
        char *near = fta_suggest_nearest (re, (const char *const *) comms->pdata,
                                          comms->len, 5);
        g_printerr ("ftrace-analyzer: --comm '%s'%s matches no task of %s%s%s\n", re,
                    ctx->pids ? " with --pid" : "", path, near ? "; nearest comms: " : "",
                    near ? near : "");
        g_free (near);
    } else {
        /* the pids nearest to the lowest one asked for, with their comms */
        GList *asked = g_hash_table_get_keys (ctx->pids);
        gint64 want = G_MAXINT32;
        for (GList *l = asked; l; l = l->next)
            want = MIN (want, GPOINTER_TO_INT (l->data));
        g_list_free (asked);
        GString *s = g_string_new (NULL);
        guint32 chosen[3];
        guint n_chosen = 0;
        while (n_chosen < G_N_ELEMENTS (chosen)) {
            guint32 best = FTA_TASK_NONE;
            gint64 bd = G_MAXINT64;
            for (guint id = 0; id < n; id++) {
                gint32 pid = fta_model_task_pid (e->model, id);
                gint64 d = ABS ((gint64) pid - want);
                gboolean taken = FALSE;
                for (guint k = 0; k < n_chosen; k++)
                    taken |= fta_model_task_pid (e->model, chosen[k]) == pid;
                if (pid > 0 && !taken && fta_model_task_comm (e->model, id) && d < bd) {
                    bd = d;
                    best = id;
                }
            }
            if (best == FTA_TASK_NONE)
                break;
            chosen[n_chosen++] = best;
            g_string_append_printf (s, "%s%d (%s)", s->len ? ", " : "",
                                    fta_model_task_pid (e->model, best),
                                    fta_model_task_comm (e->model, best));
        }
        g_printerr ("ftrace-analyzer: --pid matches no task of %s%s%s\n", path,
                    s->len ? "; nearest pids: " : "", s->str);
        g_string_free (s, TRUE);
    }
    g_ptr_array_free (comms, TRUE);
}

void
fta_output_note_filtered (const FtaEngine *e, const char *path)
{
    const FtaQuality *q = &e->q;
    g_printerr ("ftrace-analyzer: filter: %" G_GUINT64_FORMAT " lines read, %"
                G_GUINT64_FORMAT " written (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " events, %" G_GUINT64_FORMAT " header and marker lines)%s%s, %"
                G_GUINT64_FORMAT " not understood (dropped)\n",
                q->lines_total, e->written_events + e->written_other, e->written_events,
                q->lines_event, e->written_other, path ? " to " : "", path ? path : "",
                q->lines_unparsed);
    if (q->out_of_order_unplaced)
        g_printerr ("ftrace-analyzer: --sort: %" G_GUINT64_FORMAT " events came later "
                    "than the window allows and stay where they were; give a larger "
                    "window (--sort=SECONDS)\n", q->out_of_order_unplaced);
}

/* --tables patterns that match no table: likely a typo. */
static void
note_unmatched_tables (const FtaResults *results, char **patterns)
{
    guint n = fta_results_n_tables (results);
    const char **names = g_new0 (const char *, n + 1);
    for (guint i = 0; i < n; i++)
        names[i] = fta_table_full_name (fta_results_table (results, i));
    for (char **p = patterns; *p; p++) {
        char *one[] = { *p, NULL };
        FtaResults *v = fta_results_select (results, one);
        gboolean seen = fta_results_n_tables (v) > 0;
        fta_results_free_view (v);
        if (seen)
            continue;
        char *near = fta_suggest_clause (*p, names, n);
        g_printerr ("ftrace-analyzer: --tables: no table is named '%s'%s "
                    "(-f json without --tables lists every table)\n", *p, near);
        g_free (near);
    }
    g_free (names);
}

/* Renders RESULTS (only the tables --tables selects) with every sink
 * instance of E to the run's output. */
int
fta_output_render_sinks (FtaEngine *e, const FtaRunConfig *rc, const FtaResults *all,
              GError **error)
{
    FtaResults *view = rc->tables ? fta_results_select (all, rc->tables) : NULL;
    const FtaResults *results = view ? view : all;
    if (view && !rc->quiet)
        note_unmatched_tables (all, rc->tables);
    int code = FTA_EXIT_OK;
    const char *output = fta_pick (rc->output, rc->profile->output);
    guint n_sinks = 0;
    for (guint i = 0; i < e->instances->len; i++)
        n_sinks += ((FtaInstance *) g_ptr_array_index (e->instances, i))->plugin->desc->kind
                   == FTA_PLUGIN_SINK;
    for (guint i = 0; i < e->instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (e->instances, i);
        const FtaPluginDescriptor *d = in->plugin->desc;
        if (d->kind != FTA_PLUGIN_SINK)
            continue;
        /* what a sink of an earlier ABI reads stays valid */
        if (d->abi_minor < 20)
            fta_results_settle ((FtaResults *) all);
        /* a sink that fails does not stop the others: each failure is
         * reported, the run's exit code is 1 */
        GError *err = NULL;
        FtaOutFile o;
        gboolean ok = fta_output_begin (&e->ctx, output, d->extension, n_sinks > 1, &o, &err);
        if (ok) {
            e->ctx.output_file = o.path;
            int saved = 0;
            ok = d->render (in->self, results, o.f, &err);
            if (!ok)
                saved = errno;
            e->ctx.output_file = NULL;
            if (!ok && !err) {
                int why = fta_output_errno (&o) ? fta_output_errno (&o) : saved ? saved : EIO;
                g_set_error (&err, FTA_ERROR, FTA_EXIT_OUTPUT, "cannot write %s: %s",
                             o.path ? o.path : "standard output", g_strerror (why));
            }
            ok = fta_output_end (&o, ok, 0, &err) && ok;
        }
        if (!ok) {
            if (code == FTA_EXIT_OK)
                g_set_error (error, FTA_ERROR, FTA_EXIT_OUTPUT, "sink '%s': %s", d->name,
                             err->message);
            else
                g_printerr ("ftrace-analyzer: sink '%s': %s\n", d->name, err->message);
            code = FTA_EXIT_OUTPUT;
        } else if (o.path && !rc->quiet) {
            g_printerr ("ftrace-analyzer: wrote %s\n", o.path);
        }
        g_clear_error (&err);
        fta_output_clear (&o);
    }
    fta_results_free_view (view);
    return code;
}
