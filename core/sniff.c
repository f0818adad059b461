/* sniff.c - binary files told by their first bytes: trace-cmd's trace.dat
 * (read by reader-tracedat.c), and formats this tool does not read, each
 * with the command that turns it into text it does. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "reader-tracedat.h"

/* The `perf script` output the perf-script reader parses best: every
 * tracepoint's task, process and thread id (the tgid the KVM grouping
 * uses), CPU, nanosecond time, name and fields. */
#define PERF_SCRIPT_CMD "perf script --ns -F comm,pid,tid,cpu,time,event,trace -i"

gboolean
fta_sniff (const guchar *b, gsize n, const char *path, gboolean stream, gboolean *tracedat,
           GError **error)
{
    *tracedat = FALSE;
    if (n >= FTA_TRACEDAT_MAGIC_LEN && memcmp (b, FTA_TRACEDAT_MAGIC, FTA_TRACEDAT_MAGIC_LEN) == 0) {
        if (!stream) {
            *tracedat = TRUE;
            return TRUE;
        }
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is a trace-cmd trace.dat read from a pipe: give the file's path "
                     "instead (a trace.dat is read by seeking in it), or pipe its text: "
                     "'trace-cmd report -t -i FILE | ftrace-analyzer -'",
                     path);
        return FALSE;
    }
    if (n >= 3 && n < FTA_TRACEDAT_MAGIC_LEN && memcmp (b, FTA_TRACEDAT_MAGIC, n) == 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is the start of a trace-cmd trace.dat cut short after %" G_GSIZE_FORMAT
                     " bytes: it cannot be read", path, n);
        return FALSE;
    }
    if (n >= 8 && (memcmp (b, "PERFILE2", 8) == 0 || memcmp (b, "PERFFILE", 8) == 0)) {
        const char *in = stream ? "perf.data" : path;
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is a perf.data file (perf record's binary format); make text of "
                     "it with '" PERF_SCRIPT_CMD " %s > trace.txt' and analyze trace.txt",
                     path, in);
        return FALSE;
    }
    if (n >= 4 && memcmp (b, "\177ELF", 4) == 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is an ELF file (a program, library or kernel image), not a trace",
                     path);
        return FALSE;
    }
    static const guchar ctf_le[4] = { 0xc1, 0x1f, 0xfc, 0xc1 }, ctf_be[4] = { 0xc1, 0xfc, 0x1f, 0xc1 };
    if (n >= 4 && (memcmp (b, ctf_le, 4) == 0 || memcmp (b, ctf_be, 4) == 0)) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is a Common Trace Format stream (LTTng, barectf); this tool reads "
                     "ftrace text, perf script text and trace-cmd's trace.dat",
                     path);
        return FALSE;
    }
    return TRUE;
}

gboolean
fta_sniff_path (const char *path, gboolean *tracedat, GError **error)
{
    *tracedat = FALSE;
    /* standard input redirected from a file is that file (a pipe is
     * looked at when its first bytes are read: see input.c) */
    gboolean std = strcmp (path, "-") == 0;
    int fd = std ? 0 : open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return TRUE; /* fta_input_open says why */
    struct stat st;
    guchar b[16];
    ssize_t n = 0;
    if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode)) {
        do
            n = pread (fd, b, sizeof b, 0);
        while (n < 0 && errno == EINTR);
    }
    if (!std)
        close (fd);
    return n <= 0 || fta_sniff (b, (gsize) n, std ? "standard input" : path, FALSE, tracedat,
                                error);
}
