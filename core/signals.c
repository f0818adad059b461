/* signals.c - what a fatal signal leaves behind.  Output files are written
 * to temporary files renamed into place when complete (output.c); a run
 * stopped by Ctrl-C (SIGINT), SIGTERM or SIGHUP removes the ones still
 * open before it dies of the signal.  A SIGBUS comes from a mapped file
 * that lost its data under the reader (an uncompressed trace.dat's CPU
 * data is mapped: the file shrank, or its storage failed): it is reported as
 * the input error it is, exit 3, instead of a crash.  So is a SIGSEGV
 * while libtracecmd opens a trace.dat: libtraceevent's parser of the
 * file's event formats crashes on some damaged files (trace-cmd report
 * does too), and nothing of ours runs then.
 *
 * Called from output.c (the temporary files), engine.c (the mapped input),
 * reader-tracedat.c (libtracecmd's opening) and main.c (installing the
 * handlers); calls nothing of the core.  The
 * handler uses only async-signal-safe calls. */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

#define SLOTS 64

/* the temporary files open for writing: strings of their own, replaced
 * under the lock, read by the handler without it */
static char *volatile temps[SLOTS];
static GMutex lock;
static char input[4096]; /* the file mapped last, for the message */
static volatile sig_atomic_t have_input;

void
fta_signals_track (const char *tmp)
{
    g_mutex_lock (&lock);
    for (guint i = 0; i < SLOTS; i++)
        if (!temps[i]) {
            temps[i] = g_strdup (tmp);
            break;
        }
    g_mutex_unlock (&lock);
}

void
fta_signals_untrack (const char *tmp)
{
    g_mutex_lock (&lock);
    for (guint i = 0; i < SLOTS; i++)
        if (temps[i] && strcmp (temps[i], tmp) == 0) {
            char *s = temps[i];
            temps[i] = NULL;
            g_free (s);
            break;
        }
    g_mutex_unlock (&lock);
}

void
fta_signals_mapped_input (const char *path)
{
    have_input = 0;
    g_strlcpy (input, path, sizeof input);
    have_input = 1;
}

static void
say (const char *s)
{
    size_t n = strlen (s);
    while (n) {
        ssize_t w = write (STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t) w;
    }
}

/* The temporary outputs still open: gone before the process is. */
static void
remove_temps (void)
{
    for (guint i = 0; i < SLOTS; i++) {
        char *s = temps[i];
        if (s)
            unlink (s);
    }
}

static void
on_signal (int sig)
{
    remove_temps ();
    if (sig == SIGBUS) {
        say ("ftrace-analyzer: ");
        say (have_input ? input : "the input");
        say (": the file changed while it was read (it shrank, or its storage failed): "
             "its data is gone from under the reader; nothing was written\n");
        _exit (FTA_EXIT_INPUT);
    }
    /* die of the signal, as the shell expects */
    signal (sig, SIG_DFL);
    raise (sig);
}

/* libtracecmd opening a file: how many opens are under way, the file and
 * the SIGSEGV handler before the first */
static GMutex open_lock;
static volatile sig_atomic_t opening;
static char opened[4096];
static struct sigaction segv_before;

static void
on_segv (int sig)
{
    (void) sig;
    remove_temps ();
    say ("ftrace-analyzer: ");
    say (opened);
    say (": the trace.dat is damaged: libtraceevent crashed reading its event formats "
         "(trace-cmd report does too); nothing was written\n");
    _exit (FTA_EXIT_INPUT);
}

void
fta_signals_foreign_open (const char *path)
{
    g_mutex_lock (&open_lock);
    if (opening++ == 0) {
        g_strlcpy (opened, path, sizeof opened);
        struct sigaction sa;
        memset (&sa, 0, sizeof sa);
        sa.sa_handler = on_segv;
        sigemptyset (&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction (SIGSEGV, &sa, &segv_before);
    }
    g_mutex_unlock (&open_lock);
}

void
fta_signals_foreign_done (void)
{
    g_mutex_lock (&open_lock);
    if (opening > 0 && --opening == 0)
        sigaction (SIGSEGV, &segv_before, NULL);
    g_mutex_unlock (&open_lock);
}

static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGBUS };

void
fta_signals_block (sigset_t *block, sigset_t *old)
{
    sigemptyset (block);
    for (guint i = 0; i < G_N_ELEMENTS (fatal); i++)
        sigaddset (block, fatal[i]);
    pthread_sigmask (SIG_BLOCK, block, old);
}

void
fta_signals_install (void)
{
    const int *sigs = fatal;
    for (guint i = 0; i < G_N_ELEMENTS (fatal); i++) {
        struct sigaction sa, old;
        memset (&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset (&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        /* a signal the caller ignores (nohup) stays ignored */
        if (sigaction (sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction (sigs[i], &sa, NULL);
    }
}
