/* decompress.c - gzip, zstd and xz streams, recognised by their magic
 * bytes and inflated block by block with the system libraries: never to
 * disk, never whole. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "core.h"

#define IN_BLOCK (1u << 20)

struct _FtaDecoder {
    FtaCompression kind;
    int fd;
    char *path;
    guchar *in;       /* compressed bytes read, not yet consumed */
    gsize in_len, in_pos;
    gboolean in_eof;
    gboolean done;    /* the last stream ended with the input */
    gboolean mid_stream; /* bytes of an unfinished stream were consumed */
    z_stream z;
    ZSTD_DStream *zstd;
    lzma_stream xz;
};

FtaCompression
fta_compression_detect (const guchar *b, gsize n)
{
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return FTA_COMPRESSION_GZIP;
    if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
        return FTA_COMPRESSION_ZSTD;
    if (n >= 6 && memcmp (b, "\xfd" "7zXZ\0", 6) == 0)
        return FTA_COMPRESSION_XZ;
    return FTA_COMPRESSION_NONE;
}

const char *
fta_compression_name (FtaCompression c)
{
    switch (c) {
    case FTA_COMPRESSION_GZIP: return "gzip";
    case FTA_COMPRESSION_ZSTD: return "zstd";
    case FTA_COMPRESSION_XZ: return "xz";
    default: return "none";
    }
}

static void
corrupt (FtaDecoder *d, const char *why, GError **error)
{
    static const char *const tool[] = { "", "gzip", "zstd", "xz" };
    g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                 "%s: the %s data is damaged or cut short (%s); to analyze what "
                 "comes before: %s -dc FILE | ftrace-analyzer -", d->path,
                 fta_compression_name (d->kind), why, tool[d->kind]);
}

FtaDecoder *
fta_decoder_new (FtaCompression kind, int fd, const char *path,
                 const guchar *head, gsize head_len, GError **error)
{
    FtaDecoder *d = g_new0 (FtaDecoder, 1);
    d->kind = kind;
    d->fd = fd;
    d->path = g_strdup (path);
    d->in = g_malloc (MAX (IN_BLOCK, head_len));
    memcpy (d->in, head, head_len);
    d->in_len = head_len;
    gboolean ok = TRUE;
    switch (kind) {
    case FTA_COMPRESSION_GZIP:
        /* 15 + 32: a gzip or zlib header, detected */
        ok = inflateInit2 (&d->z, 15 + 32) == Z_OK;
        break;
    case FTA_COMPRESSION_ZSTD:
        d->zstd = ZSTD_createDStream ();
        ok = d->zstd && !ZSTD_isError (ZSTD_initDStream (d->zstd));
        break;
    case FTA_COMPRESSION_XZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        d->xz = init;
        ok = lzma_stream_decoder (&d->xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
        break;
    }
    default:
        ok = FALSE;
    }
    if (!ok) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_INPUT,
                     "%s: cannot start the %s decoder", path,
                     fta_compression_name (kind));
        fta_decoder_free (d);
        return NULL;
    }
    return d;
}

void
fta_decoder_free (FtaDecoder *d)
{
    if (!d)
        return;
    if (d->kind == FTA_COMPRESSION_GZIP)
        inflateEnd (&d->z);
    if (d->zstd)
        ZSTD_freeDStream (d->zstd);
    if (d->kind == FTA_COMPRESSION_XZ)
        lzma_end (&d->xz);
    g_free (d->in);
    g_free (d->path);
    g_free (d);
}

/* Refills the compressed buffer when it is used up.  FALSE on I/O error. */
static gboolean
refill (FtaDecoder *d, GError **error)
{
    if (d->in_pos < d->in_len || d->in_eof)
        return TRUE;
    gssize r = fta_read (d->fd, d->in, IN_BLOCK, d->path, error);
    if (r < 0)
        return FALSE;
    d->in_len = r;
    d->in_pos = 0;
    d->in_eof = r == 0;
    return TRUE;
}

gssize
fta_decoder_read (FtaDecoder *d, char *out, gsize cap, GError **error)
{
    gsize produced = 0;
    while (produced < cap && !d->done) {
        if (!refill (d, error))
            return -1;
        const guchar *src = d->in + d->in_pos;
        gsize avail = d->in_len - d->in_pos;
        if (avail == 0 && d->in_eof && d->kind != FTA_COMPRESSION_XZ) {
            /* the input ended: fine only between streams */
            if (d->mid_stream) {
                corrupt (d, "it ends in the middle of a stream", error);
                return -1;
            }
            d->done = TRUE;
            break;
        }
        switch (d->kind) {
        case FTA_COMPRESSION_GZIP: {
            d->z.next_in = (Bytef *) src;
            d->z.avail_in = (uInt) avail;
            d->z.next_out = (Bytef *) out + produced;
            d->z.avail_out = (uInt) (cap - produced);
            int r = inflate (&d->z, Z_NO_FLUSH);
            d->in_pos += avail - d->z.avail_in;
            produced = cap - d->z.avail_out;
            d->mid_stream = TRUE;
            if (r == Z_STREAM_END) {
                /* another member may follow (cat a.gz b.gz) */
                inflateReset (&d->z);
                d->mid_stream = FALSE;
            } else if (r != Z_OK && r != Z_BUF_ERROR) {
                corrupt (d, d->z.msg ? d->z.msg : "inflate failed", error);
                return -1;
            }
            break;
        }
        case FTA_COMPRESSION_ZSTD: {
            ZSTD_inBuffer ib = { src, avail, 0 };
            ZSTD_outBuffer ob = { out + produced, cap - produced, 0 };
            size_t r = ZSTD_decompressStream (d->zstd, &ob, &ib);
            if (ZSTD_isError (r)) {
                corrupt (d, ZSTD_getErrorName (r), error);
                return -1;
            }
            d->in_pos += ib.pos;
            produced += ob.pos;
            d->mid_stream = r != 0; /* 0: a frame just ended */
            break;
        }
        case FTA_COMPRESSION_XZ: {
            d->xz.next_in = src;
            d->xz.avail_in = avail;
            d->xz.next_out = (guint8 *) out + produced;
            d->xz.avail_out = cap - produced;
            /* LZMA_CONCATENATED needs LZMA_FINISH to know the input ended */
            lzma_ret r = lzma_code (&d->xz, d->in_eof ? LZMA_FINISH : LZMA_RUN);
            d->in_pos += avail - d->xz.avail_in;
            produced = cap - d->xz.avail_out;
            if (r == LZMA_STREAM_END) {
                d->done = TRUE;
            } else if (r == LZMA_BUF_ERROR && d->in_eof) {
                corrupt (d, "it ends in the middle of a stream", error);
                return -1;
            } else if (r != LZMA_OK && r != LZMA_BUF_ERROR) {
                corrupt (d, r == LZMA_DATA_ERROR ? "data error" : "format error", error);
                return -1;
            }
            break;
        }
        default:
            return -1;
        }
    }
    return produced;
}
