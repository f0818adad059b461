/* many-rows.h - for plugins that go through tables of a million tasks:
 * records in blocks that never move, the hash of a comm and an index of
 * comms to records, and a quantile by selection.  Included by plugins
 * only. */
#ifndef FTA_PLUGINS_MANY_ROWS_H
#define FTA_PLUGINS_MANY_ROWS_H

#include <string.h>

#include <glib.h>

/* Records of one size in blocks of 2^SHIFT that never move: an index
 * names its record for good, and a million of them take no copy and no
 * doubling as they come. */
typedef struct {
    GPtrArray *blocks;
    guint32 n;    /* records */
    guint32 size; /* bytes a record */
    guint shift;
} RecordBlocks;

static inline void
record_blocks_init (RecordBlocks *b, gsize size, guint shift)
{
    *b = (RecordBlocks) { g_ptr_array_new_with_free_func (g_free), 0, (guint32) size, shift };
}

static inline gpointer
record_blocks_at (const RecordBlocks *b, guint32 i)
{
    return (char *) g_ptr_array_index (b->blocks, i >> b->shift)
           + (gsize) b->size * (i & ((1u << b->shift) - 1));
}

/* The index of a new record, its bytes not set. */
static inline guint32
record_blocks_add (RecordBlocks *b)
{
    if ((b->n & ((1u << b->shift) - 1)) == 0)
        g_ptr_array_add (b->blocks, g_malloc ((gsize) b->size << b->shift));
    return b->n++;
}

static inline void
record_blocks_clear (RecordBlocks *b)
{
    if (b->blocks)
        g_ptr_array_free (b->blocks, TRUE);
    b->blocks = NULL;
    b->n = 0;
}

/* g_str_hash's low bits differ little between "task-1" and "task-2":
 * mixed (murmur3's finalizer) before they pick a slot. */
static inline guint
comm_hash (const char *comm)
{
    guint h = g_str_hash (comm);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* Comms to the index of their record: an open-addressing table, each
 * comm hashed once, its hash beside the index in a slot of 8 bytes (a
 * million comms: one cache miss a probe, and little memory beside the
 * records).  The records are the caller's, in an array (a GArray), each
 * with its comm (as long-lived as the index) as its first member. */
typedef struct {
    guint hash, at; /* at: the record's index + 1; 0: a free slot */
} CommSlot;

typedef struct {
    CommSlot *slots;
    guint size, n;
} CommIndex;

/* Room in X for N comms at most half full. */
static inline void
comm_index_reserve (CommIndex *x, guint n)
{
    if (n * 2 > x->size) {
        guint size = x->size ? x->size : 64;
        while (size < n * 2)
            size *= 2;
        CommSlot *slots = g_new0 (CommSlot, size);
        for (guint i = 0; i < x->size; i++) {
            if (!x->slots[i].at)
                continue;
            guint j = x->slots[i].hash & (size - 1);
            while (slots[j].at)
                j = (j + 1) & (size - 1);
            slots[j] = x->slots[i];
        }
        g_free (x->slots);
        x->slots = slots;
        x->size = size;
    }
}

/* The slot of X that COMM (comm_hash H) would take, to prefetch. */
static inline const CommSlot *
comm_index_slot (const CommIndex *x, guint h)
{
    return &x->slots[h & (x->size - 1)];
}

/* The record of COMM (comm_hash H) in RECORDS, records of their comm
 * first: appended, zeroed but for its comm, when new. */
static inline gpointer
comm_index_record (CommIndex *x, GArray *records, const char *comm, guint h)
{
    guint size = g_array_get_element_size (records);
    comm_index_reserve (x, x->n + 1);
    guint j = h & (x->size - 1);
    for (; x->slots[j].at; j = (j + 1) & (x->size - 1)) {
        char *r = records->data + (gsize) (x->slots[j].at - 1) * size;
        const char *c = *(const char **) r;
        if (x->slots[j].hash == h && (c == comm || strcmp (c, comm) == 0))
            return r;
    }
    g_array_set_size (records, records->len + 1);
    char *r = records->data + (gsize) (records->len - 1) * size;
    memset (r, 0, size);
    *(const char **) r = comm;
    x->slots[j] = (CommSlot) { h, records->len };
    x->n++;
    return r;
}

static inline void
comm_index_clear (CommIndex *x)
{
    g_free (x->slots);
    *x = (CommIndex) { NULL, 0, 0 };
}

/* The K-th (from 0) smallest of V[0..N) (no NaN among them), by
 * selection, V reordered: the median of a million rows without sorting
 * them.  Of values that compare equal (0 and -0) it may give another
 * than sorting would. */
static inline double
select_kth (double *v, guint n, guint k)
{
    guint lo = 0, hi = n; /* the K-th is in [lo, hi) */
    guint32 seed = 2463534242u;
    while (hi - lo > 1) {
        /* a pseudo-random pivot, a three-way partition: many rows hold
         * the same value */
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        double pivot = v[lo + seed % (hi - lo)];
        guint lt = lo, i = lo, gt = hi;
        while (i < gt) {
            double x = v[i];
            if (x < pivot) {
                v[i++] = v[lt];
                v[lt++] = x;
            } else if (x > pivot) {
                v[i] = v[--gt];
                v[gt] = x;
            } else {
                i++;
            }
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return pivot;
    }
    return v[lo];
}

#endif
