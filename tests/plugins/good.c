/* good.c - the smallest valid analyzer, for the loader tests.  Its
 * descriptor values are checked field by field by test-loader. */
#include <ftrace-analyzer/ftrace-analyzer.h>

static const FtaOptionSpec good_options[] = {
    { "depth", FTA_OPT_INT, "3", "how deep" },
    { NULL, 0, NULL, NULL }
};

static const FtaEventType good_events[] = { FTA_EV_SCHED_SWITCH, FTA_EV_SPAN,
                                            FTA_EV_NONE };

static int good_state;

/* Calls nothing in the core, so the test programs need not link the
 * option functions for this object to resolve. */
static void *
good_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    return &good_state;
}

static void
good_destroy (void *self)
{
}

FTA_PLUGIN_DEFINE (
    .name = "good",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "loader test plugin",
    .options = good_options,
    .events = good_events,
    .create = good_create,
    .destroy = good_destroy,
);
