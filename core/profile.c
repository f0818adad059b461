/* profile.c - libconfig profiles and plugin options.
 *
 * A profile is checked completely when it is loaded: syntax errors and
 * unknown keys are reported with file and line.  Plugin sections are
 * checked against the plugin's option table when the plugin is loaded.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "suggest.h"

struct _FtaOptions {
    const FtaPluginDescriptor *desc;
    GHashTable *values; /* option name -> text value (owned) */
};

static const char *top_keys[] = { "analyzers", "sinks", "top", "filter",
                                   "output", "window", "plugins", "plugin_dirs",
                                   "comparator", NULL };
static const char *filter_keys[] = { "comm", "pids", "cpus", "start", "end",
                                     NULL };

static gboolean
in_list (const char *s, const char **list)
{
    for (; *list; list++)
        if (strcmp (s, *list) == 0)
            return TRUE;
    return FALSE;
}

static const char *
where (const FtaProfile *p, const config_setting_t *s, char *buf, gsize n)
{
    const char *file = config_setting_source_file (s);
    g_snprintf (buf, n, "%s:%u", file ? file : p->source,
                config_setting_source_line (s));
    return buf;
}

static gboolean
fail (GError **error, const FtaProfile *p, const config_setting_t *s,
      const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError **error, const FtaProfile *p, const config_setting_t *s,
      const char *fmt, ...)
{
    char loc[512];
    va_list ap;
    va_start (ap, fmt);
    char *msg = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE, "%s: %s",
                 where (p, s, loc, sizeof loc), msg);
    g_free (msg);
    return FALSE;
}

static gboolean
read_name_list (FtaProfile *p, config_t *cfg, const char *key, char ***out,
                GError **error)
{
    config_setting_t *s = config_lookup (cfg, key);
    if (!s)
        return TRUE;
    int type = config_setting_type (s);
    if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
        return fail (error, p, s, "'%s' must be a list of plugin names, "
                     "e.g. %s = [ \"switch\", \"wakeup\" ];", key, key);
    int n = config_setting_length (s);
    GPtrArray *a = g_ptr_array_new ();
    for (int i = 0; i < n; i++) {
        const char *v = config_setting_get_string_elem (s, i);
        if (!v) {
            g_ptr_array_add (a, NULL);
            g_strfreev ((char **) g_ptr_array_free (a, FALSE));
            return fail (error, p, s, "'%s' must hold only strings", key);
        }
        g_ptr_array_add (a, g_strdup (v));
    }
    g_ptr_array_add (a, NULL);
    g_strfreev (*out);
    *out = (char **) g_ptr_array_free (a, FALSE);
    return TRUE;
}

/* plugin_dirs = [ "plugins", "/opt/x/lib" ]: searched after --plugin-dir
 * and $FTA_PLUGIN_PATH, before the user's and the built-in directory.  A
 * relative path is relative to the directory of the profile's file (of the
 * current directory for a profile that is not a file), so a profile and
 * its plugins move together. */
static gboolean
read_plugin_dirs (FtaProfile *p, config_t *cfg, GError **error)
{
    config_setting_t *s = config_lookup (cfg, "plugin_dirs");
    if (!s)
        return TRUE;
    int type = config_setting_type (s);
    if (type == CONFIG_TYPE_STRING)
        return fail (error, p, s, "'plugin_dirs' must be a list of directories, "
                     "e.g. plugin_dirs = [ \"%s\" ];", config_setting_get_string (s));
    if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
        return fail (error, p, s, "'plugin_dirs' must be a list of directories, "
                     "e.g. plugin_dirs = [ \"plugins\" ];");
    const char *file = config_setting_source_file (s);
    char *base = file ? g_path_get_dirname (file) : g_get_current_dir ();
    if (!g_path_is_absolute (base)) {
        char *cwd = g_get_current_dir ();
        char *abs = g_build_filename (cwd, base, NULL);
        g_free (cwd);
        g_free (base);
        base = abs;
    }
    GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
    for (int i = 0; i < config_setting_length (s); i++) {
        const char *v = config_setting_get_string_elem (s, i);
        if (!v || !*v) {
            g_ptr_array_free (a, TRUE);
            g_free (base);
            return fail (error, p, s, "'plugin_dirs' must hold only directory names "
                         "(non-empty strings)");
        }
        g_ptr_array_add (a, g_path_is_absolute (v) ? g_strdup (v)
                                                   : g_build_filename (base, v, NULL));
    }
    g_free (base);
    g_ptr_array_set_free_func (a, NULL);
    g_ptr_array_add (a, NULL);
    g_strfreev (p->plugin_dirs);
    p->plugin_dirs = (char **) g_ptr_array_free (a, FALSE);
    return TRUE;
}

/* A filter value may be written as a string or a number. */
static gboolean
read_text (FtaProfile *p, config_setting_t *s, char **out, GError **error)
{
    char *v = NULL;
    switch (config_setting_type (s)) {
    case CONFIG_TYPE_STRING:
        v = g_strdup (config_setting_get_string (s));
        break;
    case CONFIG_TYPE_INT:
        v = g_strdup_printf ("%d", config_setting_get_int (s));
        break;
    case CONFIG_TYPE_INT64:
        v = g_strdup_printf ("%lld", config_setting_get_int64 (s));
        break;
    case CONFIG_TYPE_FLOAT:
        v = g_strdup_printf ("%.9g", config_setting_get_float (s));
        break;
    default:
        return fail (error, p, s, "'%s' must be a string or a number",
                     config_setting_name (s));
    }
    g_free (*out);
    *out = (v && *v) ? v : (g_free (v), NULL);
    return TRUE;
}

static gboolean
check (FtaProfile *p, config_t *cfg, GError **error)
{
    config_setting_t *root = config_root_setting (cfg);
    for (int i = 0; i < config_setting_length (root); i++) {
        config_setting_t *s = config_setting_get_elem (root, i);
        if (!in_list (config_setting_name (s), top_keys))
            return fail (error, p, s, "unknown key '%s' (known: analyzers, "
                         "sinks, top, filter, output, window, plugins, plugin_dirs, comparator)",
                         config_setting_name (s));
    }
    if (!read_name_list (p, cfg, "analyzers", &p->analyzers, error)
        || !read_name_list (p, cfg, "sinks", &p->sinks, error))
        return FALSE;
    if (!read_plugin_dirs (p, cfg, error))
        return FALSE;
    config_setting_t *s = config_lookup (cfg, "top");
    if (s) {
        if (config_setting_type (s) != CONFIG_TYPE_INT
            && config_setting_type (s) != CONFIG_TYPE_INT64)
            return fail (error, p, s, "'top' must be a whole number");
        p->top = config_setting_get_int64 (s);
        if (config_setting_type (s) == CONFIG_TYPE_INT)
            p->top = config_setting_get_int (s);
        if (p->top < 0)
            return fail (error, p, s, "'top' must be 0 (all) or more");
    }
    s = config_lookup (cfg, "output");
    if (s && !read_text (p, s, &p->output, error))
        return FALSE;
    s = config_lookup (cfg, "comparator");
    if (s) {
        const char *v = config_setting_type (s) == CONFIG_TYPE_STRING
                            ? config_setting_get_string (s) : NULL;
        if (!v || !*v)
            return fail (error, p, s, "'comparator' must be the name of a comparator "
                         "plugin, e.g. comparator = \"compare\";");
        g_free (p->comparator);
        p->comparator = g_strdup (v);
    }
    s = config_lookup (cfg, "window");
    if (s && !read_text (p, s, &p->window, error))
        return FALSE;
    s = config_lookup (cfg, "filter");
    if (s) {
        if (!config_setting_is_group (s))
            return fail (error, p, s, "'filter' must be a group: filter = { comm = \"...\"; };");
        for (int i = 0; i < config_setting_length (s); i++) {
            config_setting_t *f = config_setting_get_elem (s, i);
            const char *n = config_setting_name (f);
            if (!in_list (n, filter_keys))
                return fail (error, p, f, "unknown filter key '%s' (known: comm, "
                             "pids, cpus, start, end)", n);
            char **dst = strcmp (n, "comm") == 0 ? &p->comm
                         : strcmp (n, "pids") == 0 ? &p->pids
                         : strcmp (n, "cpus") == 0 ? &p->cpus
                         : strcmp (n, "start") == 0 ? &p->start : &p->end;
            if (!read_text (p, f, dst, error))
                return FALSE;
        }
    }
    s = config_lookup (cfg, "plugins");
    if (s) {
        if (!config_setting_is_group (s))
            return fail (error, p, s, "'plugins' must be a group of plugin sections");
        for (int i = 0; i < config_setting_length (s); i++) {
            config_setting_t *g = config_setting_get_elem (s, i);
            if (!config_setting_is_group (g))
                return fail (error, p, g, "plugin section '%s' must be a group: "
                             "%s = { option = value; };", config_setting_name (g),
                             config_setting_name (g));
        }
    }
    return TRUE;
}

static FtaProfile *
profile_new (const char *source)
{
    FtaProfile *p = g_new0 (FtaProfile, 1);
    p->source = g_strdup (source);
    config_init (&p->cfg);
    p->analyzers = g_new0 (char *, 1);
    p->sinks = g_new0 (char *, 1);
    p->top = 20;
    return p;
}

/* Keys a profile leaves out take their values from the built-in default,
 * so a file that only says analyzers = [ "count" ]; still has a sink. */
static void
inherit_defaults (FtaProfile *p)
{
    config_t d;
    config_init (&d);
    if (config_read_string (&d, fta_default_profile))
        check (p, &d, NULL);
    config_destroy (&d);
}

static FtaProfile *
finish_load (FtaProfile *p, int ok, GError **error)
{
    if (!ok) {
        const char *file = config_error_file (&p->cfg);
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE, "%s:%d: %s",
                     file ? file : p->source, config_error_line (&p->cfg),
                     config_error_text (&p->cfg));
        fta_profile_free (p);
        return NULL;
    }
    if (!check (p, &p->cfg, error)) {
        fta_profile_free (p);
        return NULL;
    }
    return p;
}

FtaProfile *
fta_profile_load_file (const char *path, GError **error)
{
    if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "cannot read profile %s: no such file", path);
        return NULL;
    }
    FtaProfile *p = profile_new (path);
    inherit_defaults (p);
    return finish_load (p, config_read_file (&p->cfg, path), error);
}

FtaProfile *
fta_profile_load_string (const char *text, const char *source, GError **error)
{
    FtaProfile *p = profile_new (source);
    if (text != fta_default_profile)
        inherit_defaults (p);
    return finish_load (p, config_read_string (&p->cfg, text), error);
}

GPtrArray *
fta_profile_dirs (void)
{
    GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
    fta_dirs_add_env (dirs, "FTA_PROFILE_PATH");
    g_ptr_array_add (dirs, g_build_filename (g_get_user_config_dir (),
                                             "ftrace-analyzer", "profiles", NULL));
    /* uninstalled, the source tree's profiles are the ones to use */
    if (fta_running_uninstalled ()) {
        char *src = realpath (FTA_SRCDIR, NULL);
        g_ptr_array_add (dirs, g_build_filename (src ? src : FTA_SRCDIR, "config", NULL));
        free (src);
    } else {
        g_ptr_array_add (dirs, g_strdup (FTA_PROFILEDIR));
    }
    return dirs;
}

GPtrArray *
fta_profile_names (void)
{
    GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (out, g_strdup ("default"));
    GPtrArray *dirs = fta_profile_dirs ();
    fta_dirs_list_names (out, dirs, ".cfg");
    g_ptr_array_free (dirs, TRUE);
    return out;
}

FtaProfile *
fta_profile_load_named (const char *name, GError **error)
{
    if (strchr (name, '/'))
        return fta_profile_load_file (name, error);
    char *file = g_str_has_suffix (name, ".cfg") ? g_strdup (name)
                                                 : g_strconcat (name, ".cfg", NULL);
    GPtrArray *dirs = fta_profile_dirs ();
    FtaProfile *p = NULL;
    gboolean found = FALSE;
    for (guint i = 0; i < dirs->len && !found; i++) {
        char *path = g_build_filename (g_ptr_array_index (dirs, i), file, NULL);
        if (g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
            p = fta_profile_load_file (path, error);
            found = TRUE;
        }
        g_free (path);
    }
    if (!found && (strcmp (name, "default") == 0 || strcmp (name, "default.cfg") == 0)) {
        p = fta_profile_load_string (fta_default_profile, "built-in default", error);
        found = TRUE;
    }
    if (!found) {
        char *w = fta_dirs_join (dirs);
        GPtrArray *names = fta_profile_names ();
        char *near = fta_suggest_clause (name, (const char *const *) names->pdata,
                                         names->len);
        g_set_error (error, FTA_ERROR, FTA_EXIT_USAGE,
                     "no profile '%s'%s (looked for %s in: %s); "
                     "'ftrace-analyzer profiles' lists them, -c FILE loads a file",
                     name, near, file, w);
        g_free (near);
        g_ptr_array_free (names, TRUE);
        g_free (w);
    }
    g_ptr_array_free (dirs, TRUE);
    g_free (file);
    return p;
}

void
fta_profile_free (FtaProfile *p)
{
    if (!p)
        return;
    config_destroy (&p->cfg);
    g_strfreev (p->analyzers);
    g_strfreev (p->sinks);
    g_strfreev (p->plugin_dirs);
    g_free (p->comparator);
    g_free (p->comm);
    g_free (p->pids);
    g_free (p->cpus);
    g_free (p->start);
    g_free (p->end);
    g_free (p->output);
    g_free (p->window);
    g_free (p->source);
    g_free (p);
}

/* --- plugin options ------------------------------------------------------- */

static const FtaOptionSpec *
find_spec (const FtaPluginDescriptor *d, const char *name)
{
    for (const FtaOptionSpec *o = d->options; o && o->name; o++)
        if (strcmp (o->name, name) == 0)
            return o;
    return NULL;
}

static const char *
type_word (FtaOptionType t)
{
    switch (t) {
    case FTA_OPT_INT: return "a whole number";
    case FTA_OPT_BOOL: return "true or false";
    case FTA_OPT_DOUBLE: return "a number";
    case FTA_OPT_STRING: return "a string";
    }
    return "?";
}

FtaOptions *
fta_options_new (const FtaProfile *profile, const FtaPluginDescriptor *desc,
                 GError **error)
{
    FtaOptions *o = g_new0 (FtaOptions, 1);
    o->desc = desc;
    o->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
    for (const FtaOptionSpec *s = desc->options; s && s->name; s++)
        g_hash_table_insert (o->values, (gpointer) s->name,
                             g_strdup (s->default_value ? s->default_value : ""));
    if (!profile)
        return o;
    char *path = g_strconcat ("plugins.", desc->name, NULL);
    config_setting_t *sec = config_lookup (&profile->cfg, path);
    g_free (path);
    for (int i = 0; sec && i < config_setting_length (sec); i++) {
        config_setting_t *s = config_setting_get_elem (sec, i);
        const char *n = config_setting_name (s);
        const FtaOptionSpec *spec = find_spec (desc, n);
        if (!spec) {
            GString *known = g_string_new (NULL);
            for (const FtaOptionSpec *k = desc->options; k && k->name; k++)
                g_string_append_printf (known, "%s%s", known->len ? ", " : "", k->name);
            fail (error, profile, s, "plugin '%s' has no option '%s' (its options: %s)",
                  desc->name, n, known->len ? known->str : "none");
            g_string_free (known, TRUE);
            fta_options_free (o);
            return NULL;
        }
        int t = config_setting_type (s);
        char *v = NULL;
        switch (spec->type) {
        case FTA_OPT_INT:
            if (t == CONFIG_TYPE_INT)
                v = g_strdup_printf ("%d", config_setting_get_int (s));
            else if (t == CONFIG_TYPE_INT64)
                v = g_strdup_printf ("%lld", config_setting_get_int64 (s));
            break;
        case FTA_OPT_BOOL:
            if (t == CONFIG_TYPE_BOOL)
                v = g_strdup (config_setting_get_bool (s) ? "true" : "false");
            break;
        case FTA_OPT_DOUBLE:
            if (t == CONFIG_TYPE_FLOAT && isfinite (config_setting_get_float (s)))
                v = g_strdup_printf ("%.17g", config_setting_get_float (s));
            else if (t == CONFIG_TYPE_INT)
                v = g_strdup_printf ("%d", config_setting_get_int (s));
            else if (t == CONFIG_TYPE_INT64)
                v = g_strdup_printf ("%lld", config_setting_get_int64 (s));
            break;
        case FTA_OPT_STRING:
            if (t == CONFIG_TYPE_STRING)
                v = g_strdup (config_setting_get_string (s));
            break;
        }
        if (!v) {
            fail (error, profile, s, "option '%s' of plugin '%s' must be %s",
                  n, desc->name, type_word (spec->type));
            fta_options_free (o);
            return NULL;
        }
        g_hash_table_insert (o->values, (gpointer) spec->name, v);
    }
    return o;
}

void
fta_options_free (FtaOptions *o)
{
    if (!o)
        return;
    g_hash_table_destroy (o->values);
    g_free (o);
}

static const char *
value (const FtaOptions *o, const char *name)
{
    return o ? g_hash_table_lookup (o->values, name) : NULL;
}

gint64
fta_options_get_int (const FtaOptions *o, const char *name)
{
    const char *v = value (o, name);
    return v ? g_ascii_strtoll (v, NULL, 10) : 0;
}

gboolean
fta_options_get_bool (const FtaOptions *o, const char *name)
{
    const char *v = value (o, name);
    return v && (strcmp (v, "true") == 0 || strcmp (v, "1") == 0);
}

double
fta_options_get_double (const FtaOptions *o, const char *name)
{
    const char *v = value (o, name);
    return v ? g_ascii_strtod (v, NULL) : 0.0;
}

const char *
fta_options_get_string (const FtaOptions *o, const char *name)
{
    return value (o, name);
}

gboolean
fta_profile_check_sections (const FtaProfile *p, GPtrArray *dirs, char **in_use,
                            GError **error)
{
    config_setting_t *plugins = config_lookup (&p->cfg, "plugins");
    for (int i = 0; plugins && i < config_setting_length (plugins); i++) {
        config_setting_t *sec = config_setting_get_elem (plugins, i);
        const char *name = config_setting_name (sec);
        if (in_use && g_strv_contains ((const char *const *) in_use, name))
            continue; /* checked when its plugin was set up */
        GError *err = NULL;
        FtaPlugin *pl = fta_plugin_load (name, dirs, &err);
        if (!pl) {
            fail (error, p, sec, "section plugins.%s names no plugin that can be "
                  "loaded (%s)", name, err->message);
            g_error_free (err);
            return FALSE;
        }
        FtaOptions *o = fta_options_new (p, pl->desc, error);
        fta_plugin_unload (pl);
        if (!o)
            return FALSE;
        fta_options_free (o);
    }
    return TRUE;
}
