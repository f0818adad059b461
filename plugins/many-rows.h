/* many-rows.h - for plugins that go through tables of a million tasks:
 * the hash of a comm for open-addressing tables that count them, and a
 * quantile by selection.  Included by plugins only. */
#ifndef FTA_PLUGINS_MANY_ROWS_H
#define FTA_PLUGINS_MANY_ROWS_H

#include <glib.h>

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
