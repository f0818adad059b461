/* fuzz-saved.c - libFuzzer target: a saved JSON result read back (what
 * compare does with a file that starts with '{'), then compared with a
 * result of its own kind and the comparison rendered by the text and
 * json sinks, since a saved result is input that cannot be trusted all
 * the way to the output.  The comparator and sinks are loaded and created
 * once per process.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "fuzz.h"

static FtaEngine engine; /* instances: the comparator, then the sinks */
static FILE *devnull;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    fta_fuzz_plugin_path ();
    GError *error = NULL;
    FtaProfile *profile = fta_profile_load_string ("sinks = [ \"text\" ];\n", "fuzz", &error);
    if (!profile)
        abort ();
    fta_engine_init (&engine);
    GPtrArray *dirs = fta_plugin_search_path (NULL, NULL);
    if (!fta_bus_add_instance (engine.instances, "compare", FTA_PLUGIN_COMPARATOR, dirs,
                               profile, &error)
        || !fta_bus_add_instance (engine.instances, "text", FTA_PLUGIN_SINK, dirs, profile,
                                  &error)
        || !fta_bus_add_instance (engine.instances, "json", FTA_PLUGIN_SINK, dirs, profile,
                                  &error)
        || !fta_bus_create_instances (&engine, &error)) {
        fprintf (stderr, "fuzz-saved: %s\n", error->message);
        abort ();
    }
    g_ptr_array_free (dirs, TRUE);
    devnull = fopen ("/dev/null", "w");
    if (!devnull)
        abort ();
    return 0;
}

static void
compare_render (const FtaResults *base, const FtaResults *prob)
{
    FtaInstance *cmp = g_ptr_array_index (engine.instances, 0);
    FtaResults *out = fta_results_new ();
    fta_results_copy_quality (out, prob->quality);
    cmp->plugin->desc->compare (cmp->self, base, prob, out);
    for (guint i = 1; i < engine.instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (engine.instances, i);
        GError *error = NULL;
        in->plugin->desc->render (in->self, out, devnull, &error);
        g_clear_error (&error);
    }
    fta_results_free (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    GError *error = NULL;
    FtaResults *r = fta_results_load_json_data ((const char *) data, size, "fuzz", &error);
    g_clear_error (&error);
    if (!r)
        return 0;
    /* the loaded result rendered as it is, and compared with itself */
    for (guint i = 1; i < engine.instances->len; i++) {
        FtaInstance *in = g_ptr_array_index (engine.instances, i);
        in->plugin->desc->render (in->self, r, devnull, &error);
        g_clear_error (&error);
    }
    compare_render (r, r);
    fta_results_free (r);
    return 0;
}
