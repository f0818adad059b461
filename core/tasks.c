/* tasks.c - per-task state for plugins (FtaTasks, fta-plugin.h).
 *
 * A task's state is found by its task id in a dense array, the idle task
 * (pid 0) by CPU in another: one index per event, no hashing.  Only pids
 * that came without a task id, and idle tasks of CPUs beyond the array,
 * go through a hash table, off the per-event path of real traces.
 */
#include "config.h"

#include "core.h"

/* Idle tasks of CPUs below this have a slot by CPU number. */
#define TASKS_IDLE_CPUS 4096
/* States are cut from blocks of this many, in order of creation: no
 * allocation of its own, nor a pointer in a list, per task. */
#define TASKS_BLOCK 1024

struct _FtaTasks {
    gsize size;
    FtaTaskInit init;
    GDestroyNotify clear;
    GPtrArray *by_task; /* task id -> state of a pid != 0 */
    GPtrArray *idle;    /* CPU -> state of its idle task */
    GHashTable *other;  /* &key -> state: pids without a task id, idle tasks
                           of other CPUs; created on first need */
    GPtrArray *blocks;  /* TASKS_BLOCK states each, owned: every state in
                           order of creation */
    guint n;            /* states created */
};

FtaTasks *
fta_tasks_new (gsize state_size, FtaTaskInit init, GDestroyNotify clear)
{
    FtaTasks *ts = g_new0 (FtaTasks, 1);
    ts->size = state_size ? state_size : 1;
    ts->init = init;
    ts->clear = clear;
    ts->by_task = g_ptr_array_new ();
    ts->idle = g_ptr_array_new ();
    ts->blocks = g_ptr_array_new_with_free_func (g_free);
    return ts;
}

/* The key in FtaTasks.other: a pid, or -(cpu + 1) - 2^32 for the idle task
 * of CPU, which no pid (32 bits) reaches. */
static inline gint64
tasks_key (gint32 pid, gint32 cpu)
{
    return pid == 0 ? -(gint64) cpu - 1 - ((gint64) 1 << 32) : pid;
}

static gpointer
tasks_create (FtaTasks *ts, gint32 pid)
{
    if (ts->n % TASKS_BLOCK == 0)
        g_ptr_array_add (ts->blocks, g_malloc0 (ts->size * TASKS_BLOCK));
    gpointer state = (char *) g_ptr_array_index (ts->blocks, ts->n / TASKS_BLOCK)
                     + ts->size * (ts->n % TASKS_BLOCK);
    ts->n++;
    if (ts->init)
        ts->init (state, pid);
    return state;
}

static inline gpointer *
tasks_slot (FtaTasks *ts, guint32 task, gint32 pid, gint32 cpu, gboolean grow)
{
    GPtrArray *a;
    guint32 i;
    if (pid == 0) {
        if (cpu < 0 || cpu >= TASKS_IDLE_CPUS)
            return NULL;
        a = ts->idle;
        i = (guint32) cpu;
    } else {
        if (task == FTA_TASK_NONE)
            return NULL;
        a = ts->by_task;
        i = task;
    }
    if (i >= a->len) {
        if (!grow)
            return NULL;
        g_ptr_array_set_size (a, i + 1);
    }
    return &g_ptr_array_index (a, i);
}

gpointer
fta_tasks_find (const FtaTasks *ts, guint32 task, gint32 pid, gint32 cpu)
{
    gpointer *slot = tasks_slot ((FtaTasks *) ts, task, pid, cpu, FALSE);
    if (G_LIKELY (slot))
        return *slot;
    if (pid == 0 ? (cpu >= 0 && cpu < TASKS_IDLE_CPUS) : task != FTA_TASK_NONE)
        return NULL; /* a slot not grown yet */
    if (!ts->other)
        return NULL;
    gint64 key = tasks_key (pid, cpu);
    return g_hash_table_lookup (ts->other, &key);
}

gpointer
fta_tasks_get (FtaTasks *ts, guint32 task, gint32 pid, gint32 cpu)
{
    gpointer *slot = tasks_slot (ts, task, pid, cpu, TRUE);
    if (G_LIKELY (slot)) {
        if (G_UNLIKELY (!*slot))
            *slot = tasks_create (ts, pid);
        return *slot;
    }
    if (!ts->other)
        ts->other = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
    gint64 key = tasks_key (pid, cpu);
    gpointer state = g_hash_table_lookup (ts->other, &key);
    if (!state) {
        state = tasks_create (ts, pid);
        gint64 *k = g_new (gint64, 1);
        *k = key;
        g_hash_table_insert (ts->other, k, state);
    }
    return state;
}

guint
fta_tasks_count (const FtaTasks *ts)
{
    return ts->n;
}

gpointer
fta_tasks_nth (const FtaTasks *ts, guint i)
{
    if (i >= ts->n)
        return NULL;
    return (char *) g_ptr_array_index (ts->blocks, i / TASKS_BLOCK) + ts->size * (i % TASKS_BLOCK);
}

void
fta_tasks_free (FtaTasks *ts)
{
    if (!ts)
        return;
    for (guint i = 0; ts->clear && i < ts->n; i++)
        ts->clear (fta_tasks_nth (ts, i));
    g_ptr_array_free (ts->blocks, TRUE);
    g_ptr_array_free (ts->by_task, TRUE);
    g_ptr_array_free (ts->idle, TRUE);
    if (ts->other)
        g_hash_table_destroy (ts->other);
    g_free (ts);
}
