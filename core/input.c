/* input.c - lines from a file or a pipe, without loading the input whole.
 *
 * Every input is read(2) in FTA_BLOCK blocks, regular files too: a mapped
 * file that another process truncates kills the reader with SIGBUS, while
 * read(2) just ends early, which is told from the size the file had when
 * it was opened ("the file changed while it was read", exit 3).  Reading
 * costs the same CPU time as mapping did (measured on 537 MB of trace-cmd
 * text: 1.45 s either way, -j 1 and -j 2).  Compressed files (gzip, zstd,
 * xz: recognised by their first bytes) go through a decoder.  A line is
 * kept contiguous by moving the partial tail to the front of the block.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core.h"

#define FTA_BLOCK (4u << 20)
/* The first read, for the format: the probe's bytes stay in the block. */
#define FTA_PROBE_READ (64u << 10)

struct _FtaInput {
    char *path;
    int fd;
    gboolean own_fd;
    char *buf;
    gsize cap, start, fill;
    gboolean eof;
    gboolean skipping;
    gboolean probed;       /* the first bytes were checked for compression */
    gsize carry;           /* fta_input_next_block: bytes after the lines */
    FtaDecoder *decoder;   /* NULL for plain text */
    FtaCompression compression;
    guint64 size;          /* of a regular file when opened, 0 for pipes */
    gsize pos;
    guint64 bytes;
    gboolean unterminated;
    gboolean saw_nul;      /* a NUL byte among the bytes searched for lines */
};

GQuark
fta_error_quark (void)
{
    return g_quark_from_static_string ("fta-error");
}

FtaInput *
fta_input_open (const char *path, GError **error)
{
    FtaInput *in = g_new0 (FtaInput, 1);
    in->path = g_strdup (path);
    if (strcmp (path, "-") == 0) {
        in->fd = 0;
    } else {
        in->fd = open (path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            int e = errno;
            g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "cannot open %s: %s%s",
                         path, g_strerror (e),
                         e == ENOENT ? " (check the path)" : "");
            g_free (in->path);
            g_free (in);
            return NULL;
        }
        in->own_fd = TRUE;
    }
    struct stat st;
    if (fstat (in->fd, &st) == 0) {
        if (S_ISDIR (st.st_mode)) {
            g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                         "%s is a directory: give the path of a trace file "
                         "(e.g. the output of 'cat /sys/kernel/tracing/trace')",
                         path);
            fta_input_close (in);
            return NULL;
        }
        if (S_ISREG (st.st_mode)) {
            in->size = (guint64) st.st_size;
            posix_fadvise (in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        }
    }
    in->cap = FTA_BLOCK;
    in->buf = g_malloc (in->cap);
    return in;
}

void
fta_input_close (FtaInput *in)
{
    if (!in)
        return;
    fta_decoder_free (in->decoder);
    if (in->own_fd)
        close (in->fd);
    g_free (in->buf);
    g_free (in->path);
    g_free (in);
}

gboolean
fta_input_unterminated (const FtaInput *in)
{
    return in->unterminated;
}

guint64
fta_input_bytes (const FtaInput *in)
{
    return in->bytes;
}

guint64
fta_input_size (const FtaInput *in)
{
    return in->size;
}

const char *
fta_input_path (const FtaInput *in)
{
    return in->path;
}

guint64
fta_input_position (const FtaInput *in)
{
    if (in->decoder && in->size) {
        /* compressed: how far into the file the decoder has read */
        off_t at = lseek (in->fd, 0, SEEK_CUR);
        return at > 0 ? (guint64) at : 0;
    }
    return in->bytes;
}

gssize
fta_read (int fd, void *buf, gsize n, const char *path, GError **error)
{
    gssize r;
    do
        r = read (fd, buf, n);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT, "cannot read %s: %s", path,
                     g_strerror (errno));
    return r;
}

/* Reads the first bytes of a stream and starts a decoder when they are a
 * gzip, zstd or xz header.  Plain text stays in the block. */
static gboolean
probe (FtaInput *in, GError **error)
{
    in->probed = TRUE;
    while (in->fill < 16) {
        /* a little: -j reads the rest into its own blocks, and a first
         * read of the whole block would keep its 4 MB resident */
        gsize want = MIN (in->cap - in->fill, FTA_PROBE_READ);
        gssize r = fta_read (in->fd, in->buf + in->fill, want, in->path, error);
        if (r < 0)
            return FALSE;
        if (r == 0)
            break;
        in->fill += r;
    }
    gboolean tracedat;
    if (!fta_sniff ((guchar *) in->buf, in->fill,
                    strcmp (in->path, "-") == 0 ? "standard input" : in->path, TRUE,
                    &tracedat, error))
        return FALSE;
    FtaCompression c = fta_compression_detect ((guchar *) in->buf, in->fill);
    if (c == FTA_COMPRESSION_NONE) {
        in->bytes += in->fill;
        return TRUE;
    }
    in->compression = c;
    in->decoder = fta_decoder_new (c, in->fd, in->path, (guchar *) in->buf, in->fill,
                                   error);
    in->fill = 0;
    return in->decoder != NULL;
}

const char *
fta_input_compression (const FtaInput *in)
{
    return in->decoder ? fta_compression_name (in->compression) : NULL;
}

/* At the end of a plain regular file: FALSE with ERROR when it ended
 * before the size it had when it was opened (truncated by another process,
 * or by this one writing its output over it). */
static gboolean
check_whole (FtaInput *in, GError **error)
{
    if (!in->size || in->decoder)
        return TRUE;
    off_t at = lseek (in->fd, 0, SEEK_CUR);
    if (at < 0 || (guint64) at >= in->size)
        return TRUE;
    g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                 "%s: the file changed while it was read (it ended after %" G_GUINT64_FORMAT
                 " of its %" G_GUINT64_FORMAT " bytes): analyze a copy that nothing writes "
                 "to", in->path, (guint64) at, in->size);
    return FALSE;
}

/* Reads more into the block.  Returns bytes read, 0 at EOF, -1 on error. */
static gssize
fill (FtaInput *in, GError **error)
{
    if (in->start > 0) {
        memmove (in->buf, in->buf + in->start, in->fill - in->start);
        in->fill -= in->start;
        in->pos -= in->start;
        in->start = 0;
    }
    if (in->fill == in->cap)
        return -2; /* full: caller handles an over-long line */
    if (!in->probed) {
        /* plain text: the probe's bytes are the ones read (a file's
         * first read may fill the whole block) */
        gsize before = in->fill;
        if (!probe (in, error))
            return -1;
        if (!in->decoder && in->fill > before)
            return (gssize) (in->fill - before);
    }
    if (in->decoder) {
        gssize r = fta_decoder_read (in->decoder, in->buf + in->fill,
                                     in->cap - in->fill, error);
        if (r > 0) {
            in->fill += r;
            in->bytes += r;
        }
        return r;
    }
    gssize r = fta_read (in->fd, in->buf + in->fill, in->cap - in->fill, in->path, error);
    if (r < 0 || (r == 0 && !check_whole (in, error)))
        return -1;
    in->fill += r;
    in->bytes += r;
    return r;
}

/* The first newline in [S, END), NULL when there is none; *NUL set when
 * a NUL byte comes before it.  The search for the end of a line looks for
 * a NUL on the way: the parser then need not search each line again.
 * Sixteen bytes at a time where SSE2 is (every x86-64). */
static inline const char *
find_newline (const char *s, const char *end, gboolean *nul)
{
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8 ('\n');
    const __m128i z = _mm_setzero_si128 ();
    for (; end - s >= 16; s += 16) {
        __m128i v = _mm_loadu_si128 ((const __m128i *) (gconstpointer) s);
        unsigned m = (unsigned) _mm_movemask_epi8 (
            _mm_or_si128 (_mm_cmpeq_epi8 (v, nl), _mm_cmpeq_epi8 (v, z)));
        for (; m; m &= m - 1) {
            const char *c = s + __builtin_ctz (m);
            if (*c == '\n')
                return c;
            *nul = TRUE;
        }
    }
#endif
    for (; s < end; s++) {
        if (*s == '\n')
            return s;
        if (*s == '\0')
            *nul = TRUE;
    }
    return NULL;
}

gboolean
fta_input_saw_nul (const FtaInput *in)
{
    return in->saw_nul;
}

static gboolean
next_streamed (FtaInput *in, const char **line, gsize *len,
               gboolean *too_long, GError **error)
{
    *too_long = FALSE;
    for (;;) {
        const char *nl = find_newline (in->buf + in->pos, in->buf + in->fill, &in->saw_nul);
        if (in->skipping) {
            /* the rest of an over-long line already reported */
            in->start = in->pos = nl ? (gsize) (nl - in->buf) + 1 : in->fill;
            if (nl)
                in->skipping = FALSE;
        } else if (nl) {
            *line = in->buf + in->start;
            *len = nl - *line;
            in->start = in->pos = (nl - in->buf) + 1;
            if (*len > FTA_MAX_LINE) {
                *len = FTA_MAX_LINE;
                *too_long = TRUE;
            }
            return TRUE;
        } else {
            in->pos = in->fill;
        }
        if (in->eof) {
            if (in->skipping || in->start >= in->fill)
                return FALSE;
            *line = in->buf + in->start;
            *len = MIN (in->fill - in->start, (gsize) FTA_MAX_LINE);
            *too_long = in->fill - in->start > FTA_MAX_LINE;
            in->start = in->pos = in->fill;
            in->unterminated = TRUE;
            return TRUE;
        }
        gssize r = fill (in, error);
        if (r == -1)
            return FALSE;
        if (r == 0)
            in->eof = TRUE;
        if (r == -2) {
            /* A line longer than a block: return its head now (it stays
             * valid until the next call), skip the rest afterwards. */
            *line = in->buf;
            *len = MIN (in->fill, (gsize) FTA_MAX_LINE);
            *too_long = TRUE;
            in->start = in->pos = in->fill;
            in->skipping = TRUE;
            return TRUE;
        }
    }
}

/* Up to N bytes of the stream into OUT: what the line reader holds
 * first, then read or decoded straight into OUT.  0 at the end, -1 on
 * error. */
static gssize
read_into (FtaInput *in, char *out, gsize n, GError **error)
{
    if (!in->probed && !probe (in, error))
        return -1;
    if (in->start < in->fill) {
        gsize k = MIN (n, in->fill - in->start);
        memcpy (out, in->buf + in->start, k);
        in->start += k;
        in->pos = in->start;
        return (gssize) k;
    }
    if (in->eof)
        return 0;
    gssize r;
    if (in->decoder) {
        r = fta_decoder_read (in->decoder, out, n, error);
    } else {
        r = fta_read (in->fd, out, n, in->path, error);
        if (r == 0 && !check_whole (in, error))
            r = -1;
    }
    if (r > 0)
        in->bytes += r;
    if (r == 0)
        in->eof = TRUE;
    return r;
}

gboolean
fta_input_next_block (FtaInput *in, char *out, gsize cap, gsize target, gsize carried,
                      gsize *len, gboolean *cut_short, GError **error)
{
    g_return_val_if_fail (carried < cap && target <= cap, FALSE);
    *len = 0;
    *cut_short = FALSE;
    if (!in->buf)
        return FALSE;
    gsize fill = carried;
    /* the bytes searched for a newline so far: the carried ones may hold
     * whole lines too (the caller cut a block short) */
    gsize searched = 0;
    const char *last_nl = NULL;
    for (const char *p = out + fill; p > out; p--)
        if (p[-1] == '\n') {
            last_nl = p - 1;
            break;
        }
    for (;;) {
        gsize want = fill < target ? target - fill : cap - fill;
        if (want == 0 || (fill >= target && last_nl))
            break;
        gssize r = read_into (in, out + fill, want, error);
        if (r < 0)
            return FALSE;
        if (r == 0)
            break;
        if (in->skipping) {
            /* the rest of an over-long line already handed on */
            const char *nl = memchr (out + fill, '\n', (gsize) r);
            if (!nl)
                continue;
            in->skipping = FALSE;
            gsize after = (gsize) (nl + 1 - (out + fill));
            memmove (out + fill, nl + 1, (gsize) r - after);
            r -= (gssize) after;
        }
        searched = fill;
        fill += (gsize) r;
        for (const char *p = out + fill; p > out + searched; p--)
            if (p[-1] == '\n') {
                last_nl = p - 1;
                break;
            }
    }
    if (fill == 0)
        return FALSE;
    if (last_nl) {
        *len = (gsize) (last_nl + 1 - out);
    } else if (fill == cap) {
        /* one line longer than a block: its head now, the rest skipped */
        *len = cap;
        *cut_short = TRUE;
        in->skipping = TRUE;
    } else {
        /* the end: the last line, without its newline */
        *len = fill;
        in->unterminated = TRUE;
    }
    in->carry = fill - *len;
    return TRUE;
}

gsize
fta_input_block_rest (const FtaInput *in)
{
    return in->carry;
}

gboolean
fta_input_next_line (FtaInput *in, const char **line, gsize *len,
                     gboolean *too_long, GError **error)
{
    if (!in->buf)
        return FALSE;
    return next_streamed (in, line, len, too_long, error);
}
