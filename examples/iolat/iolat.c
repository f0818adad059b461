/* iolat.c - block I/O latency per device, an example analyzer on events
 * the core has no typed fields for.
 *
 * It subscribes to "block_rq_*" by name (the descriptor's event_names),
 * reads the fields of block_rq_issue and block_rq_complete from their raw
 * text, pairs each issue with the completion of the same device and
 * sector, and reports per device the requests issued and completed, the
 * sectors and the issue-to-complete latency; per issuing task, in an
 * FtaTasks (the core's per-task state), the requests and sectors.
 * Devices are named MAJOR:MINOR, as lsblk and /proc/diskstats do.
 *
 *   block_rq_issue: 254,0 RA 16384 () 34608128 + 32 be,0,4 [dd]
 *   block_rq_complete: 254,0 RA () 34608128 + 32 be,0,4 [0]
 *
 * Build: make (see Makefile); run: ftrace-analyzer -c ../examples.cfg TRACE
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

/* A request in flight, found again by its completion.  Records are
 * reused: a trace allocates only as many as were ever in flight. */
typedef struct _IolatReq IolatReq;
struct _IolatReq {
    guint64 key[2];  /* device, sector: the hash table's key */
    gint64 issue_ns;
    IolatReq *next_free;
};

typedef struct {
    guint64 dev;     /* major << 20 | minor, as the kernel's dev_t */
    guint64 issued, completed, sectors;
    FtaDist *lat;
} IolatDev;

typedef struct {
    gint32 pid;
    char comm[FTA_COMM_LEN];
    guint64 issued, sectors;
} IolatTask;

typedef struct {
    const FtaContext *ctx;
    GHashTable *inflight; /* key -> IolatReq* */
    GHashTable *devs;     /* &dev -> IolatDev*, owned */
    FtaTasks *tasks;      /* IolatTask per issuing task */
    IolatReq *free_reqs;
    GPtrArray *all_reqs;  /* every record, owned */
    guint64 unparsed;
} Iolat;

static guint
iolat_key_hash (gconstpointer k)
{
    const guint64 *v = k;
    return (guint) (v[0] * 0x9E3779B97F4A7C15ull ^ v[1] ^ (v[1] >> 32));
}

static gboolean
iolat_key_equal (gconstpointer a, gconstpointer b)
{
    const guint64 *x = a, *y = b;
    return x[0] == y[0] && x[1] == y[1];
}

static void
iolat_dev_free (gpointer p)
{
    IolatDev *d = p;
    fta_dist_free (d->lat);
    g_free (d);
}

static void
iolat_task_init (gpointer state, gint32 pid)
{
    ((IolatTask *) state)->pid = pid;
}

static void *
iolat_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) opts;
    (void) error;
    Iolat *io = g_new0 (Iolat, 1);
    io->ctx = ctx;
    io->inflight = g_hash_table_new (iolat_key_hash, iolat_key_equal);
    io->devs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, iolat_dev_free);
    io->tasks = fta_tasks_new (sizeof (IolatTask), iolat_task_init, NULL);
    io->all_reqs = g_ptr_array_new_with_free_func (g_free);
    return io;
}

/* An unsigned decimal at *P, which moves past it; FALSE when none. */
static gboolean
iolat_uint (const char **p, const char *end, guint64 *out)
{
    const char *s = *p;
    guint64 v = 0;
    while (s < end && *s >= '0' && *s <= '9')
        v = v * 10 + (guint64) (*s++ - '0');
    if (s == *p)
        return FALSE;
    *p = s;
    *out = v;
    return TRUE;
}

/* "MAJ,MIN ... (CMD) SECTOR + NR ...": the device, the sector and the
 * number of sectors.  The command between the parentheses may hold
 * anything but a ')'. */
static gboolean
iolat_parse (const FtaEvent *ev, guint64 *dev, guint64 *sector, guint64 *nr)
{
    const char *p = ev->fields, *end = ev->fields + ev->fields_len;
    guint64 maj, min;
    if (!iolat_uint (&p, end, &maj) || p >= end || *p++ != ',' || !iolat_uint (&p, end, &min))
        return FALSE;
    p = memchr (p, '(', end - p);
    p = p ? memchr (p, ')', end - p) : NULL;
    if (!p || end - p < 2 || p[1] != ' ')
        return FALSE;
    p += 2;
    if (!iolat_uint (&p, end, sector) || end - p < 3 || memcmp (p, " + ", 3) != 0)
        return FALSE;
    p += 3;
    if (!iolat_uint (&p, end, nr))
        return FALSE;
    *dev = maj << 20 | min;
    return TRUE;
}

static IolatDev *
iolat_dev (Iolat *io, guint64 dev)
{
    IolatDev *d = g_hash_table_lookup (io->devs, &dev);
    if (!d) {
        d = g_new0 (IolatDev, 1);
        d->dev = dev;
        d->lat = fta_dist_new ();
        g_hash_table_insert (io->devs, &d->dev, d);
    }
    return d;
}

static void
iolat_on_event (void *self, const FtaEvent *ev)
{
    Iolat *io = self;
    gboolean issue = ev->name_len == 14 && memcmp (ev->name, "block_rq_issue", 14) == 0;
    gboolean complete = !issue && ev->name_len == 17
                        && memcmp (ev->name, "block_rq_complete", 17) == 0;
    if (!issue && !complete)
        return; /* block_rq_insert, block_rq_requeue ... */
    guint64 dev, sector, nr;
    if (!iolat_parse (ev, &dev, &sector, &nr)) {
        io->unparsed++;
        return;
    }
    IolatDev *d = iolat_dev (io, dev);
    guint64 key[2] = { dev, sector };
    IolatReq *r = g_hash_table_lookup (io->inflight, key);
    if (issue) {
        d->issued++;
        d->sectors += nr;
        IolatTask *t = fta_tasks_get (io->tasks, ev->task, ev->pid, ev->cpu);
        t->issued++;
        t->sectors += nr;
        memcpy (t->comm, ev->comm, FTA_COMM_LEN);
        if (!r) {
            r = io->free_reqs;
            if (r)
                io->free_reqs = r->next_free;
            else
                g_ptr_array_add (io->all_reqs, r = g_new0 (IolatReq, 1));
            r->key[0] = dev;
            r->key[1] = sector;
            g_hash_table_insert (io->inflight, r->key, r);
        }
        r->issue_ns = ev->ts_ns; /* issued again: the latest issue counts */
        return;
    }
    if (!r)
        return; /* issued before the trace began */
    d->completed++;
    fta_dist_add (d->lat, ev->ts_ns - r->issue_ns);
    g_hash_table_remove (io->inflight, r->key);
    r->next_free = io->free_reqs;
    io->free_reqs = r;
}

static void
iolat_finish (void *self, FtaResults *r)
{
    Iolat *io = self;
    FtaTable *t = fta_results_add_table (r, "iolat", "devices",
                                         "Block requests per device, issue to complete");
    guint c_dev = fta_table_add_column (t, "dev", FTA_COL_STRING, TRUE);
    guint c_iss = fta_table_add_column (t, "issued", FTA_COL_COUNT, FALSE);
    guint c_cmp = fta_table_add_column (t, "completed", FTA_COL_COUNT, FALSE);
    guint c_sec = fta_table_add_column (t, "sectors", FTA_COL_COUNT, FALSE);
    guint c_avg = fta_table_add_column (t, "latency_avg_ns", FTA_COL_DURATION, FALSE);
    guint c_p99 = fta_table_add_column (t, "latency_p99_ns", FTA_COL_DURATION, FALSE);
    guint c_max = fta_table_add_column (t, "latency_max_ns", FTA_COL_DURATION, FALSE);
    for (guint c = c_avg; c <= c_max; c++)
        fta_table_set_display_unit (t, c, "us");
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, io->devs);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
        IolatDev *d = v;
        char name[32];
        g_snprintf (name, sizeof name, "%u:%u", (guint) (d->dev >> 20),
                    (guint) (d->dev & 0xfffff));
        guint row = fta_table_add_row (t);
        fta_table_set_string (t, row, c_dev, name);
        fta_table_set_int (t, row, c_iss, (gint64) d->issued);
        fta_table_set_int (t, row, c_cmp, (gint64) d->completed);
        fta_table_set_int (t, row, c_sec, (gint64) d->sectors);
        guint64 n = fta_dist_count (d->lat);
        if (n) {
            fta_table_set_int (t, row, c_avg, fta_dist_sum (d->lat) / (gint64) n);
            fta_table_set_int (t, row, c_p99, fta_dist_percentile (d->lat, 99));
            fta_table_set_int (t, row, c_max, fta_dist_max (d->lat));
        }
    }
    fta_table_sort (t, c_dev, FALSE);
    fta_table_sort (t, c_iss, TRUE);

    FtaTable *k = fta_results_add_table (r, "iolat", "tasks", "Block requests per issuing task");
    guint k_pid = fta_table_add_column (k, "pid", FTA_COL_INT, TRUE);
    guint k_comm = fta_table_add_column (k, "comm", FTA_COL_STRING, FALSE);
    guint k_iss = fta_table_add_column (k, "issued", FTA_COL_COUNT, FALSE);
    guint k_sec = fta_table_add_column (k, "sectors", FTA_COL_COUNT, FALSE);
    for (guint i = 0; i < fta_tasks_count (io->tasks); i++) {
        IolatTask *task = fta_tasks_nth (io->tasks, i);
        if (!fta_context_task_selected (io->ctx, task->pid, task->comm))
            continue;
        guint row = fta_table_add_row (k);
        fta_table_set_int (k, row, k_pid, task->pid);
        fta_table_set_string (k, row, k_comm, task->comm);
        fta_table_set_int (k, row, k_iss, (gint64) task->issued);
        fta_table_set_int (k, row, k_sec, (gint64) task->sectors);
    }
    fta_table_sort (k, k_pid, FALSE);
    fta_table_sort (k, k_iss, TRUE);
}

static void
iolat_destroy (void *self)
{
    Iolat *io = self;
    g_hash_table_destroy (io->inflight);
    g_hash_table_destroy (io->devs);
    fta_tasks_free (io->tasks);
    g_ptr_array_free (io->all_reqs, TRUE);
    g_free (io);
}

static const char *const iolat_names[] = { "block_rq_*", NULL };

FTA_PLUGIN_DEFINE (
    .name = "iolat",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "block I/O per device: requests, sectors, issue-to-complete latency",
    .event_names = iolat_names,
    .create = iolat_create,
    .on_event = iolat_on_event,
    .finish = iolat_finish,
    .destroy = iolat_destroy,
);
