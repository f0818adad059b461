/* byname.c - an analyzer using the calls of ABI 1.12: events by name with
 * a wildcard, fields through FtaField handles, per-task state in FtaTasks.
 * Sums sched_stat_runtime's runtime per task (byname.tasks), and counts
 * the events each pattern brought (byname.names). */
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

typedef struct {
    gint32 pid;
    char comm[FTA_COMM_LEN];
    guint64 events;
    gint64 runtime_ns;
} BynameTask;

typedef struct {
    FtaTasks *tasks;
    FtaField *f_pid, *f_comm, *f_runtime;
    guint64 stat_events, switch_events, missing;
} Byname;

static void
byname_task_init (gpointer state, gint32 pid)
{
    ((BynameTask *) state)->pid = pid;
}

static void *
byname_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) ctx;
    (void) opts;
    (void) error;
    Byname *b = g_new0 (Byname, 1);
    b->tasks = fta_tasks_new (sizeof (BynameTask), byname_task_init, NULL);
    b->f_pid = fta_field_new ("pid");
    b->f_comm = fta_field_new ("comm");
    b->f_runtime = fta_field_new ("runtime");
    return b;
}

static void
byname_on_event (void *self, const FtaEvent *ev)
{
    Byname *b = self;
    if (ev->type == FTA_EV_SCHED_SWITCH) {
        b->switch_events++;
        return;
    }
    b->stat_events++;
    gint64 pid, runtime;
    guint len;
    const char *comm = fta_field_get (b->f_comm, ev, &len);
    if (!fta_field_get_int (b->f_pid, ev, &pid) || !comm
        || !fta_field_get_int (b->f_runtime, ev, &runtime)) {
        b->missing++;
        return;
    }
    /* the field's pid has no task id of its own: the helper finds it by pid */
    BynameTask *t = fta_tasks_get (b->tasks, FTA_TASK_NONE, (gint32) pid, ev->cpu);
    t->events++;
    t->runtime_ns += runtime;
    memset (t->comm, 0, FTA_COMM_LEN);
    memcpy (t->comm, comm, MIN (len, FTA_COMM_LEN - 1));
}

static void
byname_finish (void *self, FtaResults *r)
{
    Byname *b = self;
    FtaTable *t = fta_results_add_table (r, "byname", "tasks", "sched_stat_runtime per task");
    guint c_pid = fta_table_add_column (t, "pid", FTA_COL_INT, TRUE);
    guint c_comm = fta_table_add_column (t, "comm", FTA_COL_STRING, FALSE);
    guint c_n = fta_table_add_column (t, "events", FTA_COL_COUNT, FALSE);
    guint c_rt = fta_table_add_column (t, "runtime_ns", FTA_COL_DURATION, FALSE);
    for (guint i = 0; i < fta_tasks_count (b->tasks); i++) {
        BynameTask *k = fta_tasks_nth (b->tasks, i);
        guint row = fta_table_add_row (t);
        fta_table_set_int (t, row, c_pid, k->pid);
        fta_table_set_string (t, row, c_comm, k->comm);
        fta_table_set_int (t, row, c_n, (gint64) k->events);
        fta_table_set_int (t, row, c_rt, k->runtime_ns);
    }
    fta_table_sort (t, c_pid, FALSE);
    FtaTable *n = fta_results_add_table (r, "byname", "names", "events received");
    guint c_stat = fta_table_add_column (n, "stat_events", FTA_COL_COUNT, FALSE);
    guint c_sw = fta_table_add_column (n, "switch_events", FTA_COL_COUNT, FALSE);
    guint c_miss = fta_table_add_column (n, "missing", FTA_COL_COUNT, FALSE);
    guint row = fta_table_add_row (n);
    fta_table_set_int (n, row, c_stat, (gint64) b->stat_events);
    fta_table_set_int (n, row, c_sw, (gint64) b->switch_events);
    fta_table_set_int (n, row, c_miss, (gint64) b->missing);
}

static void
byname_destroy (void *self)
{
    Byname *b = self;
    fta_tasks_free (b->tasks);
    fta_field_free (b->f_pid);
    fta_field_free (b->f_comm);
    fta_field_free (b->f_runtime);
    g_free (b);
}

/* sched_switch both by type and by name: it must come once */
static const FtaEventType byname_events[] = { FTA_EV_SCHED_SWITCH, FTA_EV_NONE };
static const char *const byname_names[] = { "sched_stat_*", "sched_switch", NULL };

FTA_PLUGIN_DEFINE (
    .name = "byname",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "events and fields by name, per-task state from the core",
    .events = byname_events,
    .event_names = byname_names,
    .create = byname_create,
    .on_event = byname_on_event,
    .finish = byname_finish,
    .destroy = byname_destroy,
);
