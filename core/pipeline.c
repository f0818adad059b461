/* pipeline.c - lines parsed on worker threads, handed back in file order.
 *
 * A reader thread cuts the input into blocks of whole lines of about
 * FTA_HANDOFF_BLOCK bytes, in buffers of FTA_PIPE_BLOCK bytes that read(2)
 * or the decoder fill directly, the start of a line
 * that does not fit moved on to the next block (a line longer than a
 * block comes as its head, its rest skipped, as fta_input_next_line does
 * it).  Lines split exactly as they do on one thread.  A block goes to the workers' queue and, in the same order,
 * to the consumer's queue.  A worker parses every line of a block into its
 * array of parsed lines with a parser of its own; the consumer takes the
 * blocks in file order,
 * waiting for each to be parsed, and gives it back to the reader once its
 * lines were consumed (the events point into it).  Memory: BLOCKS_PER_JOB
 * x N blocks and their parsed lines, whatever the size of the input.
 */
#include "config.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pipeline.h"

/* GLib's mutexes are futexes that helgrind does not see: the hand-overs of
 * a block are told to it (no-ops when not run under valgrind). */
#if defined(__SANITIZE_THREAD__)
#define FTA_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FTA_TSAN 1
#endif
#endif
#ifdef FTA_TSAN
/* ThreadSanitizer does not see them either (--enable-tsan) */
#include <sanitizer/tsan_interface.h>
#define HANDED(b) __tsan_release ((void *) (b))
#define TAKEN(b) __tsan_acquire ((void *) (b))
#elif defined(__has_include)
#if __has_include(<valgrind/helgrind.h>)
#include <valgrind/helgrind.h>
#define HANDED(b) ANNOTATE_HAPPENS_BEFORE (b)
#define TAKEN(b) ANNOTATE_HAPPENS_AFTER (b)
#endif
#endif
#ifndef HANDED
#define HANDED(b) ((void) (b))
#define TAKEN(b) ((void) (b))
#endif

#define FTA_PIPE_BLOCK (4u << 20)
/* A block is handed on at 256 KB: four in flight per worker, with their
 * parsed lines (about 180 bytes a line, more than the line's text), cost
 * about 5 MB on one worker; at 1 MB they took 11 MB, for no speed the
 * handoffs (4,000 a GiB) could show. */
#define FTA_HANDOFF_BLOCK (256u << 10)
#define BLOCKS_PER_JOB 4
/* Parsed lines take far more memory than short lines of text: a block of
 * blank lines is cut at this many. */
#define LINES_PER_BLOCK 16384
G_STATIC_ASSERT (FTA_PIPE_BLOCK > FTA_MAX_LINE + 1);

typedef struct {
    FtaBatch batch;          /* first: a batch is its block */
    char *buf;               /* the lines, read or decoded here */
    const char *run;         /* the lines: in buf */
    gsize run_len;
    gboolean cut_short;      /* one line, cut at FTA_MAX_LINE by the line reader */
    gboolean has_nul;        /* a NUL byte somewhere in the run (or not looked for) */
    guint n_input;           /* lines in the run, counted when parsed */
    FtaParsedLine *lines;
    guint lines_cap;
    GPtrArray *names;        /* the batch's new names */
    gint done;               /* parsed: under the pipeline's lock, and atomic
                              * (ThreadSanitizer does not see GLib's futex locks) */
} Block;

typedef struct {
    FtaPipeline *pl;
    guint index;
    FtaParser *parser;
    GThread *thread;
} Worker;

struct _FtaPipeline {
    FtaInput *in;
    GError *error;           /* the reader's; read after it is joined */
    GAsyncQueue *free_q;     /* Block*: empty */
    GAsyncQueue *work_q;     /* Block*: to parse, in file order */
    GAsyncQueue *order_q;    /* Block*: to consume, in file order */
    GMutex lock;
    GCond parsed;
    gint abort;
    gboolean ended;          /* the consumer saw the end */
    Block end;               /* the end of the input, on both queues */
    Block *blocks;
    guint n_blocks;
    Worker *workers;
    guint n_workers;
    GThread *reader;
    gsize block_target;      /* a block is handed on once this full */
};

static void
submit (FtaPipeline *pl, Block *b)
{
    g_atomic_int_set (&b->done, FALSE);
    b->batch.input_pos = fta_input_position (pl->in);
    b->batch.input_bytes = fta_input_bytes (pl->in);
    HANDED (b);
    g_async_queue_push (pl->order_q, b);
    g_async_queue_push (pl->work_q, b);
}

static Block *
take_free (FtaPipeline *pl)
{
    Block *b = g_async_queue_pop (pl->free_q);
    TAKEN (b);
    b->run = NULL;
    b->run_len = 0;
    b->cut_short = FALSE;
    b->has_nul = TRUE;
    b->n_input = 0;
    return b;
}

/* Newlines in [S, S + N), and whether a NUL byte is there (*NUL):
 * sixteen bytes at a time where SSE2 is (every x86-64), a byte at a time
 * elsewhere. */
static gsize
count_newlines (const char *s, gsize n, gboolean *nul)
{
    gsize count = 0, i = 0;
    gboolean zero = FALSE;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8 ('\n');
    const __m128i z = _mm_setzero_si128 ();
    __m128i zeros = _mm_setzero_si128 ();
    while (n - i >= 16) {
        /* per-byte counts, summed before they can wrap at 255 */
        __m128i acc = _mm_setzero_si128 ();
        gsize stop = i + MIN ((n - i) / 16, (gsize) 255) * 16;
        for (; i < stop; i += 16) {
            __m128i v = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (s + i));
            acc = _mm_sub_epi8 (acc, _mm_cmpeq_epi8 (v, nl));
            zeros = _mm_or_si128 (zeros, _mm_cmpeq_epi8 (v, z));
        }
        __m128i sum = _mm_sad_epu8 (acc, _mm_setzero_si128 ());
        count += (gsize) _mm_cvtsi128_si64 (sum)
                 + (gsize) _mm_cvtsi128_si64 (_mm_unpackhi_epi64 (sum, sum));
    }
    zero = _mm_movemask_epi8 (zeros) != 0;
#endif
    for (; i < n; i++) {
        count += s[i] == '\n';
        zero |= s[i] == '\0';
    }
    *nul = zero;
    return count;
}

/* The length of the first LINES_PER_BLOCK lines of [S, S + N) when it
 * holds more, else N; *NUL: whether [S, S + N) holds a NUL byte.  The
 * reader thread has time to spare for a count (and the parsers then need
 * not search each line for a NUL); a line-by-line search it has not. */
static gsize
cut_lines (const char *s, gsize n, gboolean *nul)
{
    if (G_LIKELY (count_newlines (s, n, nul) <= LINES_PER_BLOCK))
        return n;
    const char *p = s;
    for (guint k = 0; k < LINES_PER_BLOCK; k++)
        p = (const char *) memchr (p, '\n', s + n - p) + 1;
    return (gsize) (p - s);
}

static void
reader_end (FtaPipeline *pl)
{
    g_async_queue_push (pl->order_q, &pl->end);
    for (guint i = 0; i < pl->n_workers; i++)
        g_async_queue_push (pl->work_q, &pl->end);
}

static gpointer
reader_main (gpointer data)
{
    FtaPipeline *pl = data;
    /* read or decoded straight into the blocks; the start of a line that
     * does not fit is moved to the next block */
    Block *b = take_free (pl);
    const char *rest = NULL;
    gsize n_rest = 0;
    while (!g_atomic_int_get (&pl->abort)) {
        gsize n;
        gboolean cut_short;
        /* REST lies beyond the lines of a block in flight, which nobody
         * writes; B may be that very block, back already */
        if (n_rest)
            memmove (b->buf, rest, n_rest);
        if (!fta_input_next_block (pl->in, b->buf, FTA_PIPE_BLOCK, pl->block_target, n_rest,
                                   &n, &cut_short, &pl->error))
            break;
        gsize k = cut_short ? n : cut_lines (b->buf, n, &b->has_nul);
        n_rest = fta_input_block_rest (pl->in) + (n - k);
        rest = b->buf + k;
        b->run = b->buf;
        b->run_len = k;
        b->cut_short = cut_short;
        submit (pl, b);
        b = take_free (pl);
    }
    g_async_queue_push (pl->free_q, b);
    reader_end (pl);
    return NULL;
}

static inline FtaParsedLine *
next_slot (Block *b, guint i)
{
    if (G_UNLIKELY (i >= b->lines_cap)) {
        b->lines_cap = MAX (b->lines_cap * 2, 4096u);
        b->lines = g_renew (FtaParsedLine, b->lines, b->lines_cap);
    }
    return &b->lines[i];
}

/* The block's lines are found here, as fta_input_next_line would return
 * them (a line longer than FTA_MAX_LINE is cut there). */
static void
parse_run (FtaParser *p, Block *b)
{
    const char *s = b->run, *end = b->run + b->run_len;
    guint i = 0;
    fta_parser_set_no_nul (p, !b->has_nul);
    while (s < end) {
        const char *nl = memchr (s, '\n', end - s);
        gsize n = nl ? (gsize) (nl - s) : (gsize) (end - s);
        FtaParsedLine *r = next_slot (b, i++);
        r->line = s;
        r->why = NULL;
        if (G_UNLIKELY (n > FTA_MAX_LINE || b->cut_short)) {
            r->len = FTA_MAX_LINE;
            r->kind = FTA_LINE_TOO_LONG;
        } else {
            r->len = (guint32) n;
            r->kind = (guint8) fta_parser_parse_line (p, s, r->len, &r->ev, &r->why);
        }
        s = nl ? nl + 1 : end;
    }
    fta_parser_set_no_nul (p, FALSE);
    b->n_input = i;
}

static void
parse_block (Worker *w, Block *b)
{
    FtaParser *p = w->parser;
    guint n_before = fta_parser_n_names (p);
    parse_run (p, b);
    g_ptr_array_set_size (b->names, 0);
    for (guint id = n_before; id < fta_parser_n_names (p); id++)
        g_ptr_array_add (b->names, (gpointer) fta_parser_name (p, id));
    b->batch.lines = b->lines;
    b->batch.n_lines = b->n_input;
    b->batch.worker = w->index;
    b->batch.new_names = (const char *const *) b->names->pdata;
    b->batch.n_new_names = b->names->len;
    b->batch.has_entries = fta_parser_take_entries (p, &b->batch.entries_in_buffer,
                                                    &b->batch.entries_written,
                                                    &b->batch.header_cpus);
}

static gpointer
worker_main (gpointer data)
{
    Worker *w = data;
    FtaPipeline *pl = w->pl;
    for (;;) {
        Block *b = g_async_queue_pop (pl->work_q);
        if (b == &pl->end)
            break;
        TAKEN (b);
        if (!g_atomic_int_get (&pl->abort))
            parse_block (w, b);
        HANDED (b);
        g_mutex_lock (&pl->lock);
        g_atomic_int_set (&b->done, TRUE);
        g_cond_broadcast (&pl->parsed);
        g_mutex_unlock (&pl->lock);
    }
    return NULL;
}

FtaPipeline *
fta_pipeline_start (FtaInput *in, const FtaParser *main, guint n_workers)
{
    FtaPipeline *pl = g_new0 (FtaPipeline, 1);
    pl->in = in;
    pl->free_q = g_async_queue_new ();
    pl->work_q = g_async_queue_new ();
    pl->order_q = g_async_queue_new ();
    g_mutex_init (&pl->lock);
    g_cond_init (&pl->parsed);
    pl->n_workers = MAX (n_workers, 1u);
    /* FTA_PIPELINE_BLOCK=BYTES: smaller blocks, for the tests (many blocks
     * from a small trace) */
    const char *env = g_getenv ("FTA_PIPELINE_BLOCK");
    gint64 target = env ? g_ascii_strtoll (env, NULL, 10) : 0;
    /* a buffer holds the longest line, but is handed on long before it is
     * full: parsed lines in flight cost memory too */
    gsize full = FTA_HANDOFF_BLOCK;
    pl->block_target = target > 0 && target < (gint64) full ? (gsize) target : full;
    pl->n_blocks = BLOCKS_PER_JOB * pl->n_workers;
    pl->blocks = g_new0 (Block, pl->n_blocks);
    for (guint i = 0; i < pl->n_blocks; i++) {
        Block *b = &pl->blocks[i];
        b->buf = g_malloc (FTA_PIPE_BLOCK);
        b->names = g_ptr_array_new ();
        g_async_queue_push (pl->free_q, b);
    }
    pl->workers = g_new0 (Worker, pl->n_workers);
    for (guint i = 0; i < pl->n_workers; i++) {
        Worker *w = &pl->workers[i];
        w->pl = pl;
        w->index = i;
        w->parser = fta_parser_new_worker (main);
        w->thread = g_thread_new ("fta-parse", worker_main, w);
    }
    pl->reader = g_thread_new ("fta-read", reader_main, pl);
    return pl;
}

const FtaBatch *
fta_pipeline_next (FtaPipeline *pl)
{
    if (pl->ended)
        return NULL;
    Block *b = g_async_queue_pop (pl->order_q);
    if (b == &pl->end) {
        pl->ended = TRUE;
        return NULL;
    }
    g_mutex_lock (&pl->lock);
    while (!g_atomic_int_get (&b->done))
        g_cond_wait (&pl->parsed, &pl->lock);
    g_mutex_unlock (&pl->lock);
    TAKEN (b);
    if (g_atomic_int_get (&pl->abort)) {
        /* not parsed: nothing to hand out */
        HANDED (b);
        g_async_queue_push (pl->free_q, b);
        return fta_pipeline_next (pl);
    }
    return &b->batch;
}

void
fta_pipeline_release (FtaPipeline *pl, const FtaBatch *batch)
{
    HANDED (batch);
    g_async_queue_push (pl->free_q, (gpointer) batch);
}

void
fta_pipeline_abort (FtaPipeline *pl)
{
    g_atomic_int_set (&pl->abort, 1);
}

gboolean
fta_pipeline_finish (FtaPipeline *pl, GError **error)
{
    /* the reader may wait for a free block: give back the ones in flight */
    while (!pl->ended) {
        fta_pipeline_abort (pl);
        fta_pipeline_next (pl);
    }
    g_thread_join (pl->reader);
    for (guint i = 0; i < pl->n_workers; i++)
        g_thread_join (pl->workers[i].thread);
    for (guint i = 0; i < pl->n_workers; i++)
        fta_parser_free (pl->workers[i].parser);
    for (guint i = 0; i < pl->n_blocks; i++) {
        Block *b = &pl->blocks[i];
        g_free (b->buf);
        g_free (b->lines);
        g_ptr_array_free (b->names, TRUE);
    }
    g_free (pl->blocks);
    g_free (pl->workers);
    g_async_queue_unref (pl->free_q);
    g_async_queue_unref (pl->work_q);
    g_async_queue_unref (pl->order_q);
    g_mutex_clear (&pl->lock);
    g_cond_clear (&pl->parsed);
    gboolean ok = pl->error == NULL;
    if (pl->error)
        g_propagate_error (error, pl->error);
    g_free (pl);
    return ok;
}
