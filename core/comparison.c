/* comparison.c - the compare command: two traces (or saved JSON results)
 * analyzed with one profile, the comparator plugin's result rendered by
 * the sinks.
 *
 * Runs engine.c once per trace (keeping its results), and an engine of
 * its own for the comparator and the sinks.
 */
#include "config.h"

#include <string.h>

#include "run.h"

/* PATH's results: read back when it is a saved JSON result, else analyzed
 * with RC's profile and filters. */
static FtaResults *
compare_input (const FtaRunConfig *rc, const char *path, int *code, GError **error)
{
    FtaResults *r = NULL;
    if (fta_results_is_saved (path)) {
        r = fta_results_load_json (path, error);
        *code = r ? FTA_EXIT_OK : FTA_EXIT_INPUT;
        return r;
    }
    FtaRunConfig one = *rc;
    one.input_path = path;
    one.events_only = NULL;
    one.filter_lines = FALSE;
    one.keep = &r;
    one.on_results = NULL;
    *code = fta_engine_run (&one, error);
    if (*code != FTA_EXIT_OK) {
        fta_results_free (r);
        r = NULL;
    }
    return r;
}

int
fta_engine_compare (const FtaRunConfig *rc, const char *baseline, const char *problem,
                    const char *comparator, GError **error)
{
    FtaEngine e;
    fta_engine_init (&e);
    int code = FTA_EXIT_OK;
    FtaResults *base = NULL, *prob = NULL, *out = NULL;
    GPtrArray *dirs = fta_plugin_search_path (rc->plugin_dirs, rc->profile->plugin_dirs);
    const FtaProfile *p = rc->profile;
    char **sinks = rc->formats && rc->formats[0] ? rc->formats : p->sinks;
    const char *name = comparator ? comparator : "compare";

    if (!fta_select_setup (&e, rc, error))
        goto fail;
    if (!sinks || !sinks[0]) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "profile %s selects no output: give -f text (or json), or set "
                     "sinks = [ \"text\" ]; in the profile", p->source);
        goto fail;
    }
    /* the comparator and the sinks first: a bad option is reported before
     * two traces are read */
    if (!fta_bus_add_instance (e.instances, name, FTA_PLUGIN_COMPARATOR, dirs, p, error))
        goto fail;
    FtaInstance *cmp = g_ptr_array_index (e.instances, 0);
    if (cmp->plugin->desc->abi_minor < 2 || !cmp->plugin->desc->compare) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                     "plugin '%s' (%s) is a comparator without a compare callback "
                     "(it needs ABI 1.2 or later)", name, cmp->plugin->path);
        goto fail;
    }
    for (char **s = sinks; *s; s++)
        if (!fta_bus_add_instance (e.instances, *s, FTA_PLUGIN_SINK, dirs, p, error))
            goto fail;
    const char *inputs[] = { baseline, problem, NULL };
    if (!fta_output_plan (&e, fta_pick (rc->output, p->output), NULL, error)
        || !fta_output_check_sinks (&e, fta_pick (rc->output, p->output), inputs, error))
        goto fail;
    base = compare_input (rc, baseline, &code, error);
    if (!base)
        goto done;
    prob = compare_input (rc, problem, &code, error);
    if (!prob)
        goto done;
    if (!fta_bus_create_instances (&e, error))
        goto fail;

    /* the comparison's own quality is the problem run's, named after both */
    out = fta_results_new ();
    FtaQuality *q = fta_results_copy_quality (out, prob->quality);
    char *both = g_strdup_printf ("%s vs %s", baseline, problem);
    q->input_path = g_string_chunk_insert_const (out->strings, both);
    g_free (both);
    /* sinks show each input's summary and quality beside the comparison */
    fta_results_add_input (out, "baseline", base);
    fta_results_add_input (out, "problem", prob);
    cmp->plugin->desc->compare (cmp->self, base, prob, out);
    fta_results_sort_findings (out);
    code = fta_output_render_sinks (&e, rc, out, error);
    goto done;

fail:
    code = (error && *error) ? (*error)->code : FTA_EXIT_OUTPUT;
done:
    fta_results_free (out);
    fta_results_free (base);
    fta_results_free (prob);
    fta_engine_clear (&e);
    g_ptr_array_free (dirs, TRUE);
    return code;
}
