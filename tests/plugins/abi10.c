/* abi10.c - an analyzer built against the plugin ABI 1.0 headers
 * (tests/plugins/abi10/): its descriptor ends where 1.0's ended, so a core
 * that read a later field from it would read past the symbol (ASan builds
 * say so).  Counts sched_switch events and Running spans. */
#include <ftrace-analyzer/ftrace-analyzer.h>

#if FTA_PLUGIN_ABI_MINOR != 0
#error "abi10.c must be built against the 1.0 headers of tests/plugins/abi10"
#endif

typedef struct {
    guint64 switches, running;
} Abi10;

static void *
abi10_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) ctx;
    (void) opts;
    (void) error;
    return g_new0 (Abi10, 1);
}

static void
abi10_on_event (void *self, const FtaEvent *ev)
{
    if (ev->type == FTA_EV_SCHED_SWITCH)
        ((Abi10 *) self)->switches++;
}

static void
abi10_on_span (void *self, const FtaSpan *sp)
{
    if (sp->state == FTA_TASK_RUNNING)
        ((Abi10 *) self)->running++;
}

static void
abi10_finish (void *self, FtaResults *r)
{
    Abi10 *a = self;
    FtaTable *t = fta_results_add_table (r, "abi10", "counts", "ABI 1.0 plugin");
    guint c_sw = fta_table_add_column (t, "switches", FTA_COL_COUNT, FALSE);
    guint c_run = fta_table_add_column (t, "running_spans", FTA_COL_COUNT, FALSE);
    guint row = fta_table_add_row (t);
    fta_table_set_int (t, row, c_sw, (gint64) a->switches);
    fta_table_set_int (t, row, c_run, (gint64) a->running);
}

static void
abi10_destroy (void *self)
{
    g_free (self);
}

static const FtaEventType abi10_events[] = { FTA_EV_SCHED_SWITCH, FTA_EV_SPAN, FTA_EV_NONE };

FTA_PLUGIN_DEFINE (
    .name = "abi10",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "built against the ABI 1.0 headers",
    .events = abi10_events,
    .create = abi10_create,
    .on_event = abi10_on_event,
    .on_span = abi10_on_span,
    .finish = abi10_finish,
    .destroy = abi10_destroy,
);
