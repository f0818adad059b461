/* instances.c - an analyzer that tells how it was run, for the tests of
 * many traces in one command: the number of its instance (counted since
 * the plugin was loaded: a plugin loaded again would count from 1), how
 * many instances were alive when it was created, and the events it saw
 * (its own state, not shared with other instances). */
#include <ftrace-analyzer/ftrace-analyzer.h>

static gint instances_created;
static gint instances_alive;

typedef struct {
    gint number;
    gint alive;
    guint64 events;
} Instances;

static void *
instances_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    Instances *s = g_new0 (Instances, 1);
    s->number = g_atomic_int_add (&instances_created, 1) + 1;
    s->alive = g_atomic_int_add (&instances_alive, 1) + 1;
    return s;
}

static void
instances_event (void *self, const FtaEvent *ev)
{
    ((Instances *) self)->events++;
}

static void
instances_finish (void *self, FtaResults *r)
{
    Instances *s = self;
    FtaTable *t = fta_results_add_table (r, "instances", "run", "How this instance ran");
    guint c0 = fta_table_add_column (t, "number", FTA_COL_INT, TRUE);
    guint c1 = fta_table_add_column (t, "alive", FTA_COL_COUNT, FALSE);
    guint c2 = fta_table_add_column (t, "events", FTA_COL_COUNT, FALSE);
    guint row = fta_table_add_row (t);
    fta_table_set_int (t, row, c0, s->number);
    fta_table_set_int (t, row, c1, s->alive);
    fta_table_set_int (t, row, c2, (gint64) s->events);
}

static void
instances_destroy (void *self)
{
    g_atomic_int_add (&instances_alive, -1);
    g_free (self);
}

static const FtaEventType instances_events[] = { FTA_EV_SCHED_SWITCH, FTA_EV_NONE };

FTA_PLUGIN_DEFINE (
    .name = "instances",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "test plugin: which instance ran, and how many were alive",
    .events = instances_events,
    .create = instances_create,
    .on_event = instances_event,
    .finish = instances_finish,
    .destroy = instances_destroy,
);
