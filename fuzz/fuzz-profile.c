/* fuzz-profile.c - libFuzzer target: the profile loader (libconfig text
 * checked key by key), then every plugin's options read from it against
 * the plugin's option table, and each plugin created with them (create
 * checks the values).  The plugins are loaded once per process.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "fuzz.h"

static GPtrArray *plugins; /* FtaPlugin* */
static FtaEngine engine;   /* its context, for the plugins' create */

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    fta_fuzz_plugin_path ();
    static const char *const names[] = { "switch", "wakeup", "cpu", "blocking", "migration",
                                         "irq", "kvm", "timeline", "diagnosis", "text",
                                         "json", "csv", "gnuplot", "html", "compare" };
    GPtrArray *dirs = fta_plugin_search_path (NULL, NULL);
    plugins = g_ptr_array_new ();
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        GError *error = NULL;
        FtaPlugin *p = fta_plugin_load (names[i], dirs, &error);
        if (!p) {
            fprintf (stderr, "fuzz-profile: %s\n", error->message);
            abort ();
        }
        g_ptr_array_add (plugins, p);
    }
    g_ptr_array_free (dirs, TRUE);
    fta_engine_init (&engine);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    /* libconfig reads a NUL-terminated string */
    char *text = g_strndup ((const char *) data, size);
    GError *error = NULL;
    FtaProfile *p = fta_profile_load_string (text, "fuzz", &error);
    g_clear_error (&error);
    for (guint i = 0; p && i < plugins->len; i++) {
        const FtaPlugin *pl = g_ptr_array_index (plugins, i);
        FtaOptions *o = fta_options_new (p, pl->desc, &error);
        g_clear_error (&error);
        if (o) {
            for (const FtaOptionSpec *s = pl->desc->options; s && s->name; s++) {
                if (s->type == FTA_OPT_INT)
                    (void) fta_options_get_int (o, s->name);
                else if (s->type == FTA_OPT_DOUBLE)
                    (void) fta_options_get_double (o, s->name);
                else if (s->type == FTA_OPT_BOOL)
                    (void) fta_options_get_bool (o, s->name);
                else
                    (void) fta_options_get_string (o, s->name);
            }
            /* create checks the values (ranges, names) */
            void *self = pl->desc->create ? pl->desc->create (&engine.ctx, o, &error) : NULL;
            g_clear_error (&error);
            if (self && pl->desc->destroy)
                pl->desc->destroy (self);
            fta_options_free (o);
        }
    }
    fta_profile_free (p);
    g_free (text);
    return 0;
}
