/* comm-hash.h - the hash of a comm for the open-addressing tables of
 * plugins that count a million tasks' comms.  Included by plugins only. */
#ifndef FTA_PLUGINS_COMM_HASH_H
#define FTA_PLUGINS_COMM_HASH_H

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

#endif
