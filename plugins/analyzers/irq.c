/* irq.c - time in hard interrupt handlers and softirqs, per IRQ, per vector
 * and per CPU, and how long raised softirqs wait to run.
 *
 * Entries and exits are paired per CPU on a stack of open handlers, so a
 * hardirq inside a softirq (or inside another hardirq, on kernels that
 * allowed it) closes first and is also counted as nested time of the
 * handler it interrupted.  An exit pairs with the innermost open entry of
 * the same IRQ (or vector); entries above it never got their exit and are
 * counted unmatched, not timed.  The same IRQ or vector cannot run nested
 * on one CPU, and softirqs never nest in softirqs: a second entry while one
 * is open means the first exit was lost.  Lost-event and buffer-started
 * markers drop what is open on their CPU.  Unmatched entries and exits are
 * counted, never timed.
 */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#define IRQ_DEPTH 8       /* open handlers kept per CPU */
#define IRQ_NAMES 4       /* handler names kept per IRQ line */
#define IRQ_RAISE_VECS 32 /* softirq vectors followed for raise latency */
#define IRQ_DIRECT 65536  /* IRQs and vectors below this are found by index */

typedef struct {
    gint32 id; /* IRQ number or softirq vector */
    gboolean soft;
    char names[IRQ_NAMES][32]; /* NUL-padded, as the parsed names are */
    guint n_names;
    guint last_name; /* of names, the one seen last */
    gboolean more_names;
    guint64 count, nested, unmatched_entry, unmatched_exit, unhandled;
    gint64 total_ns, nested_ns;
    FtaDist *dist;
    guint64 raises;
    FtaDist *raise_latency;
    GPtrArray *on_cpu; /* CPU -> IrqCpuStat* of Irq.per_cpu, or NULL */
} IrqStat;

typedef struct {
    gint32 id, cpu;
    IrqStat *stat;
    guint64 count;
    gint64 total_ns;
} IrqCpuStat;

typedef struct {
    IrqStat *stat;
    gint64 start;
    gint64 child_ns; /* closed handlers nested inside this one */
    gboolean nested; /* entered while another handler was open */
} IrqFrame;

typedef struct {
    IrqFrame stack[IRQ_DEPTH];
    guint depth;
    gboolean seen[2];                  /* an entry of each kind since reset */
    gint64 raised[IRQ_RAISE_VECS];     /* first pending raise, -1 none */
} IrqCpu;

typedef struct {
    const FtaContext *ctx;
    gboolean cpus_tables;
    gint64 hard_warn_ns, soft_warn_ns;
    GHashTable *stats[2];   /* id -> IrqStat*, owned; [0] hard, [1] soft */
    GPtrArray *by_id[2];    /* id below IRQ_DIRECT -> IrqStat* of stats */
    GPtrArray *per_cpu;     /* IrqCpuStat*, owned */
    GArray *cpus;           /* IrqCpu by CPU number */
    /* where unmatched ones come from, for the finding */
    guint64 edge_exits;     /* exit before any entry of its kind on that CPU */
    guint64 open_at_end;    /* still open when the trace (or --end) ended */
    guint64 at_markers;     /* open at a lost-event / buffer-started marker */
    guint64 overflow;       /* more than IRQ_DEPTH open */
} Irq;

static const char *const irq_softirq_names[] = {
    "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED",
    "HRTIMER", "RCU",
};

static void
irq_stat_free (gpointer p)
{
    IrqStat *s = p;
    fta_dist_free (s->dist);
    if (s->raise_latency)
        fta_dist_free (s->raise_latency);
    if (s->on_cpu)
        g_ptr_array_free (s->on_cpu, TRUE);
    g_free (s);
}

static void *
irq_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    gint64 hard = fta_options_get_int (opts, "hardirq_warn_us");
    gint64 soft = fta_options_get_int (opts, "softirq_warn_us");
    if (hard < 0 || soft < 0) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "plugins.irq: hardirq_warn_us and softirq_warn_us must be >= 0 "
                     "(0 turns the finding off)");
        return NULL;
    }
    Irq *q = g_new0 (Irq, 1);
    q->ctx = ctx;
    q->cpus_tables = fta_options_get_bool (opts, "cpus");
    q->hard_warn_ns = hard * 1000;
    q->soft_warn_ns = soft * 1000;
    for (int i = 0; i < 2; i++) {
        q->stats[i] = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                             irq_stat_free);
        q->by_id[i] = g_ptr_array_new ();
    }
    q->per_cpu = g_ptr_array_new_with_free_func (g_free);
    q->cpus = g_array_new (FALSE, FALSE, sizeof (IrqCpu));
    return q;
}

static void
irq_cpu_reset (Irq *q, IrqCpu *c, gboolean marker)
{
    for (guint i = 0; i < c->depth; i++)
        c->stack[i].stat->unmatched_entry++;
    if (marker)
        q->at_markers += c->depth;
    c->depth = 0;
    c->seen[0] = c->seen[1] = FALSE;
    for (guint v = 0; v < IRQ_RAISE_VECS; v++)
        c->raised[v] = -1;
}

/* NULL for CPUs out of range: a damaged line must not grow the array
 * without bound. */
static IrqCpu *
irq_cpu (Irq *q, gint32 cpu)
{
    if (cpu < 0 || cpu > 4095)
        return NULL;
    while (q->cpus->len <= (guint) cpu) {
        IrqCpu c;
        memset (&c, 0, sizeof c);
        irq_cpu_reset (q, &c, FALSE);
        g_array_append_val (q->cpus, c);
    }
    return &g_array_index (q->cpus, IrqCpu, cpu);
}

static IrqStat *
irq_find (Irq *q, gboolean soft, gint32 id)
{
    if (id >= 0 && id < IRQ_DIRECT)
        return (guint) id < q->by_id[soft]->len ? g_ptr_array_index (q->by_id[soft], id)
                                                : NULL;
    return g_hash_table_lookup (q->stats[soft], GINT_TO_POINTER (id));
}

static IrqStat *
irq_stat (Irq *q, gboolean soft, gint32 id, const FtaEvent *ev)
{
    IrqStat *s = irq_find (q, soft, id);
    if (s)
        return s;
    s = g_new0 (IrqStat, 1);
    s->id = id;
    s->soft = soft;
    s->dist = fta_dist_new ();
    if (soft) {
        if (id >= 0 && id < (gint32) G_N_ELEMENTS (irq_softirq_names)) {
            g_strlcpy (s->names[0], irq_softirq_names[id], sizeof s->names[0]);
        } else {
            /* a vector this table does not know: the kernel prints its
             * name as "[action=NAME]" */
            const char *f = ev->fields, *end = ev->fields + ev->fields_len;
            const char *a = f ? g_strstr_len (f, ev->fields_len, "[action=") : NULL;
            const char *e = a ? memchr (a, ']', end - a) : NULL;
            if (e && e - a - 8 > 0)
                g_strlcpy (s->names[0], a + 8, MIN ((gsize) (e - a - 8) + 1,
                                                    sizeof s->names[0]));
            else
                g_snprintf (s->names[0], sizeof s->names[0], "vec%d", id);
        }
        s->n_names = 1;
    }
    g_hash_table_insert (q->stats[soft], GINT_TO_POINTER (id), s);
    if (id >= 0 && id < IRQ_DIRECT) {
        if ((guint) id >= q->by_id[soft]->len)
            g_ptr_array_set_size (q->by_id[soft], id + 1);
        g_ptr_array_index (q->by_id[soft], id) = s;
    }
    return s;
}

/* Shared IRQ lines run one handler after another, each with its own
 * name: keep the first few. */
static void
irq_add_name (IrqStat *s, const char *name)
{
    /* NAME is the event's NUL-padded field: the same name as last time is
     * one memcmp */
    if (s->n_names && memcmp (s->names[s->last_name], name, sizeof s->names[0]) == 0)
        return;
    if (!name[0])
        return;
    for (guint i = 0; i < s->n_names; i++)
        if (strcmp (s->names[i], name) == 0) {
            s->last_name = i;
            return;
        }
    if (s->n_names < IRQ_NAMES) {
        s->last_name = s->n_names;
        g_strlcpy (s->names[s->n_names++], name, sizeof s->names[0]);
    } else {
        s->more_names = TRUE;
    }
}

/* Pops the frames at and above I as unmatched entries. */
static void
irq_drop_from (Irq *q, IrqCpu *c, guint i)
{
    (void) q;
    for (guint j = i; j < c->depth; j++)
        c->stack[j].stat->unmatched_entry++;
    c->depth = i;
}

static void
irq_entry (Irq *q, const FtaEvent *ev, gboolean soft, gint32 id)
{
    IrqCpu *c = irq_cpu (q, ev->cpu);
    IrqStat *s = irq_stat (q, soft, id, ev);
    if (!soft)
        irq_add_name (s, ev->u.irq.name);
    if (!c)
        return;
    c->seen[soft] = TRUE;
    /* the same handler cannot be running already, nor any softirq when a
     * softirq starts: their exits were lost */
    for (guint i = 0; i < c->depth; i++) {
        IrqStat *o = c->stack[i].stat;
        if (o == s || (soft && o->soft)) {
            irq_drop_from (q, c, i);
            break;
        }
    }
    if (c->depth == IRQ_DEPTH) {
        c->stack[0].stat->unmatched_entry++;
        q->overflow++;
        memmove (&c->stack[0], &c->stack[1], (IRQ_DEPTH - 1) * sizeof c->stack[0]);
        c->depth--;
    }
    IrqFrame *f = &c->stack[c->depth++];
    f->stat = s;
    f->start = ev->ts_ns;
    f->child_ns = 0;
    f->nested = c->depth > 1;

    if (soft && id >= 0 && id < IRQ_RAISE_VECS && c->raised[id] >= 0) {
        gint64 lat = ev->ts_ns - c->raised[id];
        if (lat >= 0) {
            if (!s->raise_latency)
                s->raise_latency = fta_dist_new ();
            fta_dist_add (s->raise_latency, lat);
        }
        c->raised[id] = -1;
    }
}

static void
irq_exit (Irq *q, const FtaEvent *ev, gboolean soft, gint32 id)
{
    IrqCpu *c = irq_cpu (q, ev->cpu);
    IrqStat *s = irq_stat (q, soft, id, ev);
    if (!soft && ev->u.irq.handled == 0)
        s->unhandled++;
    if (!c)
        return;
    guint i = c->depth;
    while (i > 0 && c->stack[i - 1].stat != s)
        i--;
    if (i == 0) {
        s->unmatched_exit++;
        if (!c->seen[soft])
            q->edge_exits++;
        return;
    }
    IrqFrame f = c->stack[i - 1];
    irq_drop_from (q, c, i);
    c->depth = i - 1;
    gint64 d = ev->ts_ns - f.start;
    if (d < 0) {
        /* time went back on this CPU: the pair cannot be timed */
        s->unmatched_entry++;
        s->unmatched_exit++;
        return;
    }
    s->count++;
    s->total_ns += d;
    s->nested_ns += f.child_ns;
    if (f.nested)
        s->nested++;
    fta_dist_add (s->dist, d);
    if (c->depth > 0)
        c->stack[c->depth - 1].child_ns += d;

    /* c is not NULL: the CPU is a small index */
    if (!s->on_cpu)
        s->on_cpu = g_ptr_array_new ();
    if ((guint) ev->cpu >= s->on_cpu->len)
        g_ptr_array_set_size (s->on_cpu, ev->cpu + 1);
    IrqCpuStat *pc = g_ptr_array_index (s->on_cpu, ev->cpu);
    if (!pc) {
        pc = g_new0 (IrqCpuStat, 1);
        pc->id = id;
        pc->cpu = ev->cpu;
        pc->stat = s;
        g_ptr_array_index (s->on_cpu, ev->cpu) = pc;
        g_ptr_array_add (q->per_cpu, pc);
    }
    pc->count++;
    pc->total_ns += d;
}

static void
irq_raise (Irq *q, const FtaEvent *ev)
{
    gint32 vec = ev->u.softirq.vec;
    irq_stat (q, TRUE, vec, ev)->raises++;
    IrqCpu *c = irq_cpu (q, ev->cpu);
    /* the pending bit is set once: later raises join the first */
    if (c && vec >= 0 && vec < IRQ_RAISE_VECS && c->raised[vec] < 0)
        c->raised[vec] = ev->ts_ns;
}

static void
irq_on_event (void *self, const FtaEvent *ev)
{
    Irq *q = self;
    switch (ev->type) {
    case FTA_EV_IRQ_HANDLER_ENTRY: irq_entry (q, ev, FALSE, ev->u.irq.irq); break;
    case FTA_EV_IRQ_HANDLER_EXIT: irq_exit (q, ev, FALSE, ev->u.irq.irq); break;
    case FTA_EV_SOFTIRQ_ENTRY: irq_entry (q, ev, TRUE, ev->u.softirq.vec); break;
    case FTA_EV_SOFTIRQ_EXIT: irq_exit (q, ev, TRUE, ev->u.softirq.vec); break;
    case FTA_EV_SOFTIRQ_RAISE: irq_raise (q, ev); break;
    case FTA_EV_LOST:
    case FTA_EV_BUFFER_STARTED:
        /* per-CPU ring buffers: a marker without a CPU resets them all */
        for (guint i = 0; i < q->cpus->len; i++)
            if (ev->cpu < 0 || (guint) ev->cpu == i)
                irq_cpu_reset (q, &g_array_index (q->cpus, IrqCpu, i), TRUE);
        break;
    default:
        break;
    }
}

static void
irq_names (const IrqStat *s, GString *g)
{
    for (guint i = 0; i < s->n_names; i++)
        g_string_append_printf (g, "%s%s", i ? ", " : "", s->names[i]);
    if (s->more_names)
        g_string_append (g, ", ...");
}

/* --- the tables' columns ----------------------------------------------------- */

#define STAT(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (IrqStat, member)

static void
irq_get_names (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) data;
    irq_names (row, scratch);
    v->is_null = FALSE;
    v->s = scratch->str;
}

static void
irq_get_cpu_names (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    irq_get_names (((const IrqCpuStat *) row)->stat, data, v, scratch);
}

/* Softirq raises: only when the trace has softirq_raise (DATA points to
 * that gboolean); latencies null when no raise was followed by an entry. */
static void
irq_get_raises (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    if (*(const gboolean *) data) {
        v->is_null = FALSE;
        v->i = (gint64) ((const IrqStat *) row)->raises;
    }
}

static guint64
irq_raised (gconstpointer row, gconstpointer data)
{
    const IrqStat *s = row;
    return *(const gboolean *) data && s->raise_latency ? fta_dist_count (s->raise_latency) : 0;
}

static void
irq_get_raise_avg (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    guint64 n = irq_raised (row, data);
    (void) scratch;
    if (n) {
        v->is_null = FALSE;
        v->i = fta_dist_sum (((const IrqStat *) row)->raise_latency) / (gint64) n;
    }
}

static void
irq_get_raise_max (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    if (irq_raised (row, data)) {
        v->is_null = FALSE;
        v->i = fta_dist_max (((const IrqStat *) row)->raise_latency);
    }
}

static void
irq_get_raise_p99 (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch)
{
    (void) scratch;
    if (irq_raised (row, data)) {
        v->is_null = FALSE;
        v->i = fta_dist_percentile (((const IrqStat *) row)->raise_latency, 99);
    }
}

/* DESIGN.md's order up to max_ns, then the nesting columns both share;
 * one handler's time in us, the totals in ms. */
static const FtaColumnSpec irq_columns[] = {
    { "irq", FTA_COL_INT, TRUE, STAT (FTA_FIELD_INT32, id) },
    { "name", FTA_COL_STRING, .get = irq_get_names },
    { "count", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, count) },
    { "total_ns", FTA_COL_DURATION, STAT (FTA_FIELD_INT64, total_ns) },
    { "avg_ns", FTA_COL_DURATION, .display_unit = "us", STAT (FTA_FIELD_DIST_AVG, dist) },
    { "p99_ns", FTA_COL_DURATION, .display_unit = "us", STAT (FTA_FIELD_DIST_P99, dist) },
    { "max_ns", FTA_COL_DURATION, .display_unit = "us", STAT (FTA_FIELD_DIST_MAX, dist) },
    { "nested", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, nested) },
    { "nested_ns", FTA_COL_DURATION, STAT (FTA_FIELD_INT64, nested_ns) },
    { "unmatched_entry", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, unmatched_entry) },
    { "unmatched_exit", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, unmatched_exit) },
    { "unhandled", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, unhandled) },
};

static const FtaColumnSpec softirq_columns[] = {
    { "vec", FTA_COL_INT, TRUE, STAT (FTA_FIELD_INT32, id) },
    { "name", FTA_COL_STRING, .get = irq_get_names },
    { "count", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, count) },
    { "total_ns", FTA_COL_DURATION, STAT (FTA_FIELD_INT64, total_ns) },
    { "avg_ns", FTA_COL_DURATION, .display_unit = "us", STAT (FTA_FIELD_DIST_AVG, dist) },
    { "max_ns", FTA_COL_DURATION, .display_unit = "us", STAT (FTA_FIELD_DIST_MAX, dist) },
    { "p99_ns", FTA_COL_DURATION, .display_unit = "us", STAT (FTA_FIELD_DIST_P99, dist) },
    { "raise_count", FTA_COL_COUNT, .get = irq_get_raises },
    { "raise_latency_avg_ns", FTA_COL_DURATION, .display_unit = "us",
      .get = irq_get_raise_avg },
    { "raise_latency_max_ns", FTA_COL_DURATION, .display_unit = "us",
      .get = irq_get_raise_max },
    { "raise_latency_p99_ns", FTA_COL_DURATION, .display_unit = "us",
      .get = irq_get_raise_p99 },
    { "nested", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, nested) },
    { "nested_ns", FTA_COL_DURATION, STAT (FTA_FIELD_INT64, nested_ns) },
    { "unmatched_entry", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, unmatched_entry) },
    { "unmatched_exit", FTA_COL_COUNT, STAT (FTA_FIELD_UINT64, unmatched_exit) },
};

#define PER_CPU(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (IrqCpuStat, member)

static const FtaColumnSpec irq_cpu_columns[] = {
    { "irq", FTA_COL_INT, TRUE, PER_CPU (FTA_FIELD_INT32, id) },
    { "cpu", FTA_COL_INT, TRUE, PER_CPU (FTA_FIELD_INT32, cpu) },
    { "count", FTA_COL_COUNT, PER_CPU (FTA_FIELD_UINT64, count) },
    { "total_ns", FTA_COL_DURATION, PER_CPU (FTA_FIELD_INT64, total_ns) },
    { "name", FTA_COL_STRING, .get = irq_get_cpu_names },
};

static const FtaColumnSpec softirq_cpu_columns[] = {
    { "vec", FTA_COL_INT, TRUE, PER_CPU (FTA_FIELD_INT32, id) },
    { "cpu", FTA_COL_INT, TRUE, PER_CPU (FTA_FIELD_INT32, cpu) },
    { "count", FTA_COL_COUNT, PER_CPU (FTA_FIELD_UINT64, count) },
    { "total_ns", FTA_COL_DURATION, PER_CPU (FTA_FIELD_INT64, total_ns) },
    { "name", FTA_COL_STRING, .get = irq_get_cpu_names },
};

static const FtaTableSpec irq_tables[2] = {
    FTA_TABLE_SPEC ("irqs", "Hard IRQ handlers", irq_columns),
    FTA_TABLE_SPEC ("softirqs", "Softirqs", softirq_columns),
};

static const FtaTableSpec irq_cpu_tables[2] = {
    FTA_TABLE_SPEC ("irq_cpus", "Hard IRQ time per IRQ and CPU", irq_cpu_columns),
    FTA_TABLE_SPEC ("softirq_cpus", "Softirq time per vector and CPU", softirq_cpu_columns),
};

/* Sorted by total, then by id (and CPU), whatever the order of filling. */
static void
irq_sort (FtaTable *t, gboolean per_cpu)
{
    if (per_cpu)
        fta_table_sort_by (t, "cpu", FALSE);
    fta_table_sort (t, 0, FALSE);
    fta_table_sort_by (t, "total_ns", TRUE);
}

static void
irq_cpu_table (Irq *q, FtaResults *r, gboolean soft)
{
    const FtaTableSpec *spec = &irq_cpu_tables[soft];
    FtaTable *t = fta_results_add_table_spec (r, "irq", spec);
    fta_table_set_needs (t, soft ? "softirq_entry,softirq_exit"
                                 : "irq_handler_entry,irq_handler_exit");
    for (guint i = 0; i < q->per_cpu->len; i++) {
        IrqCpuStat *pc = g_ptr_array_index (q->per_cpu, i);
        if (pc->stat->soft == soft)
            fta_table_add_row_from (t, spec, pc, NULL);
    }
    irq_sort (t, TRUE);
}

static void
irq_long_finding (FtaResults *r, GHashTable *stats, gboolean soft, gint64 warn_ns)
{
    if (!warn_ns)
        return;
    IrqStat *worst = NULL;
    guint n = 0;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, stats);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
        IrqStat *s = v;
        if (!s->count || fta_dist_max (s->dist) < warn_ns)
            continue;
        n++;
        if (!worst || fta_dist_max (s->dist) > fta_dist_max (worst->dist)
            || (fta_dist_max (s->dist) == fta_dist_max (worst->dist) && s->id < worst->id))
            worst = s;
    }
    if (!worst)
        return;
    GString *g = g_string_new (NULL);
    irq_names (worst, g);
    char *names = g_string_free (g, FALSE);
    char *title = g_strdup_printf (
        soft ? "Softirq %s ran for up to %.3f ms at a time"
             : "Interrupt handler %s ran for up to %.3f ms at a time",
        names, fta_dist_max (worst->dist) / 1e6);
    FtaFinding *f = fta_results_add_finding (
        r, FTA_SEVERITY_WARNING, soft ? "irq.long-softirq" : "irq.long-hardirq", title,
        soft ? "While a softirq runs, the task on that CPU cannot run; long NET_RX, "
               "BLOCK or TIMER softirqs usually mean a burst of packets, I/O "
               "completions or expiring timers handled in one go."
             : "While a hard interrupt handler runs, that CPU does nothing else; a "
               "handler this long delays every task and softirq on the CPU.",
        soft ? "See irq.softirq_cpus for the CPU that pays; spread the work (RPS/RFS, "
               "IRQ affinity, multi-queue devices) or move latency-sensitive tasks off "
               "that CPU."
             : "See irq.irq_cpus for the CPU that pays; set the IRQ's affinity "
               "(/proc/irq/N/smp_affinity) away from latency-sensitive CPUs, or check "
               "the driver.");
    /* the cost: the CPU time the worst handler took */
    fta_finding_set_cost (f, fta_dist_sum (worst->dist));
    char *val = g_strdup_printf ("%d", worst->id);
    fta_finding_add_evidence (f, soft ? "vec" : "irq", val);
    g_free (val);
    fta_finding_add_evidence (f, "name", names);
    val = g_strdup_printf ("%" G_GINT64_FORMAT, fta_dist_max (worst->dist));
    fta_finding_add_evidence (f, "max_ns", val);
    g_free (val);
    val = g_strdup_printf ("%" G_GINT64_FORMAT, warn_ns);
    fta_finding_add_evidence (f, "threshold_ns", val);
    g_free (val);
    val = g_strdup_printf ("%u", n);
    fta_finding_add_evidence (f, soft ? "vectors_over" : "irqs_over", val);
    g_free (val);
    g_free (title);
    g_free (names);
}

static void
irq_unmatched_finding (Irq *q, FtaResults *r)
{
    guint64 entries = 0, exits = 0;
    for (int k = 0; k < 2; k++) {
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init (&it, q->stats[k]);
        while (g_hash_table_iter_next (&it, NULL, &v)) {
            entries += ((IrqStat *) v)->unmatched_entry;
            exits += ((IrqStat *) v)->unmatched_exit;
        }
    }
    /* one handler cut at each end of each CPU's stream is expected */
    guint64 unexpected = entries + exits - q->edge_exits - q->open_at_end;
    if (!unexpected)
        return;
    char *title = g_strdup_printf ("%" G_GUINT64_FORMAT " interrupt entries or exits "
                                   "could not be paired", unexpected);
    FtaFinding *f = fta_results_add_finding (
        r, q->at_markers == unexpected ? FTA_SEVERITY_INFO : FTA_SEVERITY_WARNING,
        "irq.unmatched", title,
        "An irq_handler_entry/softirq_entry without its exit, or an exit without its "
        "entry, away from the trace's edges: events were lost (lost-event or "
        "buffer-started markers), or the recording dropped some of them. These are "
        "counted in unmatched_entry / unmatched_exit and never timed.",
        "Record with a larger buffer (buffer_size_kb) or read the trace faster; see "
        "the input-quality section for lost events.");
    g_free (title);
    const struct {
        const char *k;
        guint64 v;
    } ev[] = {
        { "unmatched_entries", entries },
        { "unmatched_exits", exits },
        { "at_trace_edges", q->edge_exits + q->open_at_end },
        { "at_markers", q->at_markers },
        { "too_deep", q->overflow },
    };
    for (guint i = 0; i < G_N_ELEMENTS (ev); i++) {
        char *v = g_strdup_printf ("%" G_GUINT64_FORMAT, ev[i].v);
        fta_finding_add_evidence (f, ev[i].k, v);
        g_free (v);
    }
}

static void
irq_finish (void *self, FtaResults *r)
{
    Irq *q = self;
    /* handlers still open at the end are partial intervals: not timed */
    for (guint i = 0; i < q->cpus->len; i++) {
        IrqCpu *c = &g_array_index (q->cpus, IrqCpu, i);
        q->open_at_end += c->depth;
        irq_cpu_reset (q, c, FALSE);
    }
    const FtaQuality *quality = fta_results_quality (r);
    gboolean raises = fta_quality_event_count (quality, "softirq_raise") > 0;

    for (int soft = 0; soft < 2; soft++) {
        const FtaTableSpec *spec = &irq_tables[soft];
        FtaTable *t = fta_results_add_table_spec (r, "irq", spec);
        fta_table_set_needs (t, soft ? "softirq_entry,softirq_exit"
                                     : "irq_handler_entry,irq_handler_exit");
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init (&it, q->stats[soft]);
        while (g_hash_table_iter_next (&it, NULL, &v))
            fta_table_add_row_from (t, spec, v, &raises);
        irq_sort (t, FALSE);
    }

    if (q->cpus_tables) {
        irq_cpu_table (q, r, FALSE);
        irq_cpu_table (q, r, TRUE);
    }
    irq_long_finding (r, q->stats[0], FALSE, q->hard_warn_ns);
    irq_long_finding (r, q->stats[1], TRUE, q->soft_warn_ns);
    irq_unmatched_finding (q, r);
}

static void
irq_destroy (void *self)
{
    Irq *q = self;
    g_ptr_array_free (q->per_cpu, TRUE);
    for (int i = 0; i < 2; i++) {
        g_ptr_array_free (q->by_id[i], TRUE);
        g_hash_table_destroy (q->stats[i]);
    }
    g_array_free (q->cpus, TRUE);
    g_free (q);
}

static const FtaOptionSpec irq_options[] = {
    { "cpus", FTA_OPT_BOOL, "true", "also report irq.irq_cpus and irq.softirq_cpus" },
    { "hardirq_warn_us", FTA_OPT_INT, "500",
      "flag a hard IRQ handler that ran this long at once (0 = never)" },
    { "softirq_warn_us", FTA_OPT_INT, "2000",
      "flag a softirq that ran this long at once (0 = never)" },
    { NULL }
};

static const FtaEventType irq_events[] = {
    FTA_EV_IRQ_HANDLER_ENTRY, FTA_EV_IRQ_HANDLER_EXIT, FTA_EV_SOFTIRQ_ENTRY,
    FTA_EV_SOFTIRQ_EXIT, FTA_EV_SOFTIRQ_RAISE, FTA_EV_LOST, FTA_EV_BUFFER_STARTED,
    FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (
    .name = "irq",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "hard IRQ and softirq time per IRQ, vector and CPU; softirq raise latency",
    .options = irq_options,
    .events = irq_events,
    .create = irq_create,
    .on_event = irq_on_event,
    .on_span = NULL,
    .finish = irq_finish,
    .destroy = irq_destroy,
);
