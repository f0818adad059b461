/* loader.c - find, dlopen and check plugins (contract: fta-plugin.h). */
#include "config.h"

#include <dlfcn.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "suggest.h"

const char *
fta_plugin_kind_name (FtaPluginKind k)
{
    switch (k) {
    case FTA_PLUGIN_ANALYZER: return "analyzer";
    case FTA_PLUGIN_SINK: return "sink";
    case FTA_PLUGIN_COMPARATOR: return "comparator";
    }
    return "unknown";
}

gboolean
fta_running_uninstalled (void)
{
    char *exe = g_file_read_link ("/proc/self/exe", NULL);
    if (!exe)
        return FALSE;
    char *dir = g_path_get_dirname (exe);
    char *canon_build = realpath (FTA_BUILDDIR, NULL);
    gsize n = canon_build ? strlen (canon_build) : 0;
    gboolean r = canon_build && strncmp (dir, canon_build, n) == 0
                 && (dir[n] == '\0' || dir[n] == '/');
    free (canon_build);
    g_free (dir);
    g_free (exe);
    return r;
}

void
fta_dirs_add_env (GPtrArray *dirs, const char *var)
{
    const char *env = g_getenv (var);
    if (!env || !*env)
        return;
    char **parts = g_strsplit (env, ":", -1);
    for (char **d = parts; *d; d++)
        if (**d)
            g_ptr_array_add (dirs, g_strdup (*d));
    g_strfreev (parts);
}

char *
fta_dirs_join (GPtrArray *dirs)
{
    GString *w = g_string_new (NULL);
    for (guint i = 0; i < dirs->len; i++)
        g_string_append_printf (w, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (dirs, i));
    return g_string_free (w, FALSE);
}

/* Functions of the plugin API that nothing in the core calls: named here
 * so that the linker keeps their files in the binary, which plugins
 * resolve them against. */
typedef void (*FtaApiFunc) (void);
const FtaApiFunc fta_plugin_api_only[] = {
    (FtaApiFunc) fta_tasks_new,
};

GPtrArray *
fta_plugin_search_path (char **extra_dirs, char **profile_dirs)
{
    GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
    for (char **d = extra_dirs; d && *d; d++)
        g_ptr_array_add (dirs, g_strdup (*d));
    fta_dirs_add_env (dirs, "FTA_PLUGIN_PATH");
    for (char **d = profile_dirs; d && *d; d++)
        g_ptr_array_add (dirs, g_strdup (*d));
    g_ptr_array_add (dirs, g_build_filename (g_get_user_data_dir (),
                                             "ftrace-analyzer", "plugins", NULL));
    if (fta_running_uninstalled ())
        g_ptr_array_add (dirs, g_build_filename (FTA_BUILDDIR, "plugins", ".libs",
                                                 NULL));
    else
        g_ptr_array_add (dirs, g_strdup (FTA_PLUGINDIR));
    return dirs;
}

FtaPlugin *
fta_plugin_load_file (const char *path, GError **error)
{
    void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                     "cannot load plugin %s: %s (is it a plugin built for this "
                     "version of ftrace-analyzer?)", path, dlerror ());
        return NULL;
    }
    const FtaPluginDescriptor *d = dlsym (h, FTA_PLUGIN_SYMBOL);
    if (!d) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                     "%s is not an ftrace-analyzer plugin: it does not export "
                     "'%s' (define it with FTA_PLUGIN_DEFINE)", path,
                     FTA_PLUGIN_SYMBOL);
        dlclose (h);
        return NULL;
    }
    if (d->abi_major != FTA_PLUGIN_ABI_MAJOR || d->abi_minor > FTA_PLUGIN_ABI_MINOR) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                     "plugin %s was built for plugin ABI %u.%u; this "
                     "ftrace-analyzer accepts %u.0 to %u.%u: rebuild the plugin "
                     "against the installed headers",
                     path, d->abi_major, d->abi_minor, FTA_PLUGIN_ABI_MAJOR,
                     FTA_PLUGIN_ABI_MAJOR, FTA_PLUGIN_ABI_MINOR);
        dlclose (h);
        return NULL;
    }
    if (!d->name || !*d->name) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                     "plugin %s has an empty name in its descriptor", path);
        dlclose (h);
        return NULL;
    }
    if (d->kind == FTA_PLUGIN_SINK && !d->render) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                     "plugin %s is a sink without a render function", path);
        dlclose (h);
        return NULL;
    }
    FtaPlugin *p = g_new0 (FtaPlugin, 1);
    p->path = g_strdup (path);
    p->handle = h;
    p->desc = d;
    return p;
}

static gboolean
valid_name (const char *name)
{
    if (!*name)
        return FALSE;
    for (const char *c = name; *c; c++)
        if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
            return FALSE;
    return TRUE;
}

FtaPlugin *
fta_plugin_load (const char *name, GPtrArray *dirs, GError **error)
{
    if (!valid_name (name)) {
        g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                     "'%s' is not a plugin name (letters, digits, '-' and '_')",
                     name);
        return NULL;
    }
    char *file = g_strconcat (name, ".so", NULL);
    for (guint i = 0; i < dirs->len; i++) {
        char *path = g_build_filename (g_ptr_array_index (dirs, i), file, NULL);
        if (g_file_test (path, G_FILE_TEST_EXISTS)) {
            FtaPlugin *p = fta_plugin_load_file (path, error);
            if (p && strcmp (p->desc->name, name) != 0) {
                g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                             "plugin file %s names itself '%s', not '%s'",
                             path, p->desc->name, name);
                fta_plugin_unload (p);
                p = NULL;
            }
            g_free (path);
            g_free (file);
            return p;
        }
        g_free (path);
    }
    char *where = fta_dirs_join (dirs);
    GPtrArray *names = fta_plugin_names (dirs);
    char *near = fta_suggest_clause (name, (const char *const *) names->pdata,
                                     names->len);
    g_set_error (error, FTA_ERROR, FTA_EXIT_PLUGIN,
                 "no plugin '%s'%s (looked for %s in: %s); 'ftrace-analyzer plugins' "
                 "lists what is installed, --plugin-dir adds a directory",
                 name, near, file, where);
    g_free (near);
    g_ptr_array_free (names, TRUE);
    g_free (where);
    g_free (file);
    return NULL;
}

void
fta_plugin_unload (FtaPlugin *p)
{
    if (!p)
        return;
    /* Descriptors point into the object: unload only when nothing refers
     * to it any more (the engine unloads at exit). */
    dlclose (p->handle);
    g_free (p->path);
    g_free (p);
}

void
fta_dirs_list_names (GPtrArray *out, GPtrArray *dirs, const char *suffix)
{
    gsize n = strlen (suffix);
    for (guint i = 0; i < dirs->len; i++) {
        GDir *d = g_dir_open (g_ptr_array_index (dirs, i), 0, NULL);
        if (!d)
            continue;
        const char *f;
        while ((f = g_dir_read_name (d)))
            if (g_str_has_suffix (f, suffix) && strlen (f) > n)
                g_ptr_array_add (out, g_strndup (f, strlen (f) - n));
        g_dir_close (d);
    }
}

GPtrArray *
fta_plugin_names (GPtrArray *dirs)
{
    GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
    fta_dirs_list_names (out, dirs, ".so");
    return out;
}

static int
by_name (gconstpointer a, gconstpointer b)
{
    const FtaPlugin *x = *(FtaPlugin *const *) a, *y = *(FtaPlugin *const *) b;
    if (x->desc->kind != y->desc->kind)
        return (int) x->desc->kind - (int) y->desc->kind;
    return strcmp (x->desc->name, y->desc->name);
}

GPtrArray *
fta_plugin_discover (GPtrArray *dirs)
{
    GPtrArray *out = g_ptr_array_new ();
    GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < dirs->len; i++) {
        GDir *d = g_dir_open (g_ptr_array_index (dirs, i), 0, NULL);
        if (!d)
            continue;
        const char *f;
        GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
        while ((f = g_dir_read_name (d)))
            if (g_str_has_suffix (f, ".so"))
                g_ptr_array_add (names, g_strndup (f, strlen (f) - 3));
        g_dir_close (d);
        for (guint j = 0; j < names->len; j++) {
            const char *n = g_ptr_array_index (names, j);
            if (g_hash_table_contains (seen, n))
                continue;
            char *path = g_strconcat (g_ptr_array_index (dirs, i), "/", n, ".so", NULL);
            GError *e = NULL;
            FtaPlugin *p = fta_plugin_load_file (path, &e);
            if (p) {
                g_ptr_array_add (out, p);
                g_hash_table_add (seen, g_strdup (n));
            } else {
                g_printerr ("ftrace-analyzer: warning: %s\n", e->message);
                g_error_free (e);
            }
            g_free (path);
        }
        g_ptr_array_free (names, TRUE);
    }
    g_hash_table_destroy (seen);
    g_ptr_array_sort (out, by_name);
    return out;
}
