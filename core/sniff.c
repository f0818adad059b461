/* sniff.c - binary files told by their first bytes: trace-cmd's trace.dat
 * (read by reader-tracedat.c), and formats this tool does not read, each
 * with the command that turns it into text it does. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
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

/* The first bytes of FD into B when it is a regular file: how many, 0 for
 * anything else.  AT_START reads them at offset 0 and leaves the offset;
 * else they are read from the offset, which moves past them. */
static ssize_t
sniff_head (int fd, guchar b[16], gboolean at_start)
{
    struct stat st;
    ssize_t n = 0;
    if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode)) {
        do
            n = at_start ? pread (fd, b, 16, 0) : read (fd, b, 16);
        while (n < 0 && errno == EINTR);
    }
    return n;
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
    guchar b[16];
    ssize_t n = sniff_head (fd, b, TRUE);
    if (!std)
        close (fd);
    return n <= 0 || fta_sniff (b, (gsize) n, std ? "standard input" : path, FALSE, tracedat,
                                error);
}

/* Decompresses the rest of D, after the HEAD bytes already decoded, into
 * an unlinked temporary file: its descriptor, or -1 with ERROR. */
static int
unpack (FtaDecoder *d, const char *path, const char *kind, const char *head, gsize n,
        GError **error)
{
    char *name = NULL;
    GError *tmp_error = NULL;
    int fd = g_file_open_tmp ("ftrace-analyzer-XXXXXX.dat", &name, &tmp_error);
    if (fd < 0) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is a %s-compressed trace.dat and cannot be unpacked (a trace.dat "
                     "is read by seeking in it): %s; set TMPDIR to a directory with room, or "
                     "decompress it yourself", path, kind, tmp_error->message);
        g_error_free (tmp_error);
        return -1;
    }
    /* nothing is left behind, whatever happens next: the file lives as
     * long as its descriptor */
    unlink (name);
    g_free (name);
    gsize cap = 1u << 20;
    char *buf = g_malloc (cap);
    memcpy (buf, head, n);
    gssize got = (gssize) n;
    const char *failed = NULL;
    int err = 0;
    do {
        for (gssize off = 0; off < got;) {
            ssize_t w = write (fd, buf + off, (size_t) (got - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                failed = "write";
                err = errno;
                break;
            }
            off += w;
        }
        if (failed)
            break;
        got = fta_decoder_read (d, buf, cap, error);
    } while (got > 0);
    g_free (buf);
    if (failed) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s is a %s-compressed trace.dat, and unpacking it into %s failed: %s; "
                     "set TMPDIR to a directory with room, or decompress it yourself",
                     path, kind, g_get_tmp_dir (), g_strerror (err));
        close (fd);
        return -1;
    }
    if (got < 0) {
        /* the decoder's hint, to pipe what comes before, does not hold for
         * a trace.dat */
        if (error && *error && (*error)->code == FTA_EXIT_INPUT
            && strstr ((*error)->message, "damaged or cut short")) {
            g_clear_error (error);
            g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                         "%s is a %s-compressed trace.dat whose %s data is damaged or cut "
                         "short: it cannot be read (a trace.dat is read whole, by seeking in it)",
                         path, kind, kind);
        }
        close (fd);
        return -1;
    }
    return fd;
}

gboolean
fta_sniff_packed_tracedat (const char *path, int *unpacked, const char **compression,
                           GError **error)
{
    *unpacked = -1;
    *compression = NULL;
    gboolean std = strcmp (path, "-") == 0;
    /* standard input redirected from a file: opened again, so that its
     * offset stays where the text reader expects it */
    int fd = open (std ? "/dev/stdin" : path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return TRUE; /* fta_input_open says why */
    guchar b[16];
    ssize_t n = sniff_head (fd, b, FALSE);
    FtaCompression kind = n > 0 ? fta_compression_detect (b, (gsize) n) : FTA_COMPRESSION_NONE;
    if (kind == FTA_COMPRESSION_NONE) {
        close (fd);
        return TRUE;
    }
    const char *name = std ? "standard input" : path;
    /* the first bytes inside: a trace.dat, or text the input reads itself */
    FtaDecoder *d = fta_decoder_new (kind, fd, name, b, (gsize) n, NULL);
    char head[FTA_TRACEDAT_MAGIC_LEN];
    gssize got = 0;
    while (d && got < (gssize) sizeof head) {
        gssize r = fta_decoder_read (d, head + got, sizeof head - (gsize) got, NULL);
        if (r <= 0)
            break;
        got += r;
    }
    gboolean ok = TRUE;
    if (d && got == (gssize) sizeof head
        && memcmp (head, FTA_TRACEDAT_MAGIC, FTA_TRACEDAT_MAGIC_LEN) == 0) {
        *unpacked = unpack (d, name, fta_compression_name (kind), head, (gsize) got, error);
        *compression = fta_compression_name (kind);
        ok = *unpacked >= 0;
    }
    fta_decoder_free (d);
    close (fd);
    return ok;
}
