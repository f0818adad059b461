/* test-loader.c - finding, opening and checking plugins (contract:
 * fta-plugin.h).  The test plugins live in tests/plugins/ of the build
 * tree; FTA_TEST_PLUGINDIR points at the directory libtool puts them in. */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "core.h"

/* A scratch directory per case.  Owned: dir (removed with its files at
 * teardown), dirs (the search path handed to the loader). */
typedef struct {
    char *dir;
    GPtrArray *dirs;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    f->dir = g_dir_make_tmp ("fta-loader-XXXXXX", &error);
    g_assert_no_error (error);
    f->dirs = g_ptr_array_new_with_free_func (g_free);
}

static void
remove_tree (const char *dir)
{
    GDir *d = g_dir_open (dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name (d))) {
        char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
        g_free (path);
    }
    if (d)
        g_dir_close (d);
    g_rmdir (dir);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
    remove_tree (f->dir);
    g_free (f->dir);
    g_ptr_array_free (f->dirs, TRUE);
}

static void
add_dir (Fixture *f, const char *dir)
{
    g_ptr_array_add (f->dirs, g_strdup (dir));
}

static char *
test_plugin_path (const char *name)
{
    char *file = g_strconcat (name, ".so", NULL);
    char *path = g_build_filename (FTA_TEST_PLUGINDIR, file, NULL);
    g_free (file);
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    return path;
}

/* Copies test plugin NAME into the scratch directory as AS.so. */
static char *
copy_plugin (Fixture *f, const char *name, const char *as)
{
    char *src = test_plugin_path (name);
    char *contents;
    gsize len;
    GError *error = NULL;
    g_file_get_contents (src, &contents, &len, &error);
    g_assert_no_error (error);
    char *file = g_strconcat (as, ".so", NULL);
    char *dst = g_build_filename (f->dir, file, NULL);
    g_file_set_contents (dst, contents, len, &error);
    g_assert_no_error (error);
    g_free (file);
    g_free (contents);
    g_free (src);
    return dst;
}

static void
test_good (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    add_dir (f, f->dir); /* empty: the search goes on to the next one */
    add_dir (f, FTA_TEST_PLUGINDIR);
    FtaPlugin *p = fta_plugin_load ("good", f->dirs, &error);
    g_assert_no_error (error);
    g_assert_nonnull (p);

    char *expect = test_plugin_path ("good");
    g_assert_cmpstr (p->path, ==, expect);
    g_free (expect);
    g_assert_nonnull (p->handle);
    const FtaPluginDescriptor *d = p->desc;
    g_assert_cmpuint (d->abi_major, ==, FTA_PLUGIN_ABI_MAJOR);
    g_assert_cmpuint (d->abi_minor, ==, FTA_PLUGIN_ABI_MINOR);
    g_assert_cmpstr (d->name, ==, "good");
    g_assert_cmpint (d->kind, ==, FTA_PLUGIN_ANALYZER);
    g_assert_cmpstr (fta_plugin_kind_name (d->kind), ==, "analyzer");
    g_assert_cmpstr (d->summary, ==, "loader test plugin");
    g_assert_nonnull (d->options);
    g_assert_cmpstr (d->options[0].name, ==, "depth");
    g_assert_cmpint (d->options[0].type, ==, FTA_OPT_INT);
    g_assert_cmpstr (d->options[0].default_value, ==, "3");
    g_assert_null (d->options[1].name);
    g_assert_nonnull (d->events);
    g_assert_cmpint (d->events[0], ==, FTA_EV_SCHED_SWITCH);
    g_assert_cmpint (d->events[1], ==, FTA_EV_SPAN);
    g_assert_cmpint (d->events[2], ==, FTA_EV_NONE);
    g_assert_nonnull (d->create);
    g_assert_nonnull (d->destroy);
    g_assert_null (d->on_event);
    g_assert_null (d->render);
    g_assert_null (d->extension);

    /* The descriptor is the object's exported symbol, not a copy. */
    g_assert_true (dlsym (p->handle, FTA_PLUGIN_SYMBOL) == (void *) d);

    void *self = d->create (NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (self);
    d->destroy (self);
    fta_plugin_unload (p);
}

static void
test_first_dir_wins (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *copy = copy_plugin (f, "good", "good");
    char *orig = test_plugin_path ("good");

    add_dir (f, f->dir);
    add_dir (f, FTA_TEST_PLUGINDIR);
    FtaPlugin *p = fta_plugin_load ("good", f->dirs, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->path, ==, copy);
    fta_plugin_unload (p);

    g_ptr_array_set_size (f->dirs, 0);
    add_dir (f, FTA_TEST_PLUGINDIR);
    add_dir (f, f->dir);
    p = fta_plugin_load ("good", f->dirs, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->path, ==, orig);
    fta_plugin_unload (p);
    g_free (copy);
    g_free (orig);
}

static void
test_abi (Fixture *f, gconstpointer data)
{
    const char *name = data;
    GError *error = NULL;
    add_dir (f, FTA_TEST_PLUGINDIR);
    FtaPlugin *p = fta_plugin_load (name, f->dirs, &error);
    g_assert_null (p);
    g_assert_error (error, FTA_ERROR, FTA_EXIT_PLUGIN);
    char *path = test_plugin_path (name);
    g_assert_nonnull (strstr (error->message, path));
    g_assert_nonnull (strstr (error->message, "ABI"));
    /* The message says what the plugin was built for and what is accepted. */
    char *built = strcmp (name, "badabi") == 0
                      ? g_strdup_printf ("%u.0", FTA_PLUGIN_ABI_MAJOR + 1)
                      : g_strdup_printf ("%u.%u", FTA_PLUGIN_ABI_MAJOR,
                                         FTA_PLUGIN_ABI_MINOR + 1);
    g_assert_nonnull (strstr (error->message, built));
    g_free (built);
    g_free (path);
    g_error_free (error);
}

static void
test_nosym (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    add_dir (f, FTA_TEST_PLUGINDIR);
    FtaPlugin *p = fta_plugin_load ("nosym", f->dirs, &error);
    g_assert_null (p);
    g_assert_error (error, FTA_ERROR, FTA_EXIT_PLUGIN);
    char *path = test_plugin_path ("nosym");
    g_assert_nonnull (strstr (error->message, path));
    g_assert_nonnull (strstr (error->message, FTA_PLUGIN_SYMBOL));
    g_free (path);
    g_error_free (error);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    add_dir (f, f->dir);
    add_dir (f, FTA_TEST_PLUGINDIR);
    FtaPlugin *p = fta_plugin_load ("absent", f->dirs, &error);
    g_assert_null (p);
    g_assert_error (error, FTA_ERROR, FTA_EXIT_PLUGIN);
    g_assert_nonnull (strstr (error->message, "absent.so"));
    /* Both directories, in search order. */
    const char *a = strstr (error->message, f->dir);
    const char *b = strstr (error->message, FTA_TEST_PLUGINDIR);
    g_assert_nonnull (a);
    g_assert_nonnull (b);
    g_assert_true (a < b);
    g_error_free (error);
}

/* "goo" is a prefix of good.so and "goodx" extends it: neither may load
 * it. */
static void
test_exact_name (Fixture *f, gconstpointer data)
{
    add_dir (f, FTA_TEST_PLUGINDIR);
    const char *names[] = { "goo", "goodx", "Good", "good.so", NULL };
    for (const char **n = names; *n; n++) {
        GError *error = NULL;
        FtaPlugin *p = fta_plugin_load (*n, f->dirs, &error);
        if (p)
            g_test_message ("'%s' loaded %s", *n, p->path);
        g_assert_null (p);
        g_assert_error (error, FTA_ERROR, FTA_EXIT_PLUGIN);
        g_error_free (error);
    }
}

/* A file whose descriptor names another plugin is not that plugin. */
static void
test_name_mismatch (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *copy = copy_plugin (f, "good", "other");
    add_dir (f, f->dir);
    FtaPlugin *p = fta_plugin_load ("other", f->dirs, &error);
    g_assert_null (p);
    g_assert_error (error, FTA_ERROR, FTA_EXIT_PLUGIN);
    g_assert_nonnull (strstr (error->message, copy));
    g_assert_nonnull (strstr (error->message, "'good'"));
    g_error_free (error);
    g_free (copy);
}

/* Names are file names inside the search path, never paths. */
static void
test_bad_name (Fixture *f, gconstpointer data)
{
    add_dir (f, FTA_TEST_PLUGINDIR);
    /* The first three reach good.so when joined to the directory. */
    const char *names[] = { "../.libs/good", "./good", "/good", "..", ".", "", NULL };
    for (const char **n = names; *n; n++) {
        GError *error = NULL;
        FtaPlugin *p = fta_plugin_load (*n, f->dirs, &error);
        if (p)
            g_test_message ("'%s' loaded %s", *n, p->path);
        g_assert_null (p);
        g_assert_error (error, FTA_ERROR, FTA_EXIT_PLUGIN);
        g_assert_nonnull (strstr (error->message, "not a plugin name"));
        g_error_free (error);
    }
}

static void
test_not_elf (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *path = g_build_filename (f->dir, "x.so", NULL);
    GString *junk = g_string_new (NULL);
    for (int i = 0; i < 32; i++)
        g_string_append (junk, "this is not an ELF object\n");
    g_file_set_contents (path, junk->str, junk->len, &error);
    g_assert_no_error (error);
    g_string_free (junk, TRUE);

    /* What the dynamic loader says about this file, to find in the error. */
    g_assert_null (dlopen (path, RTLD_NOW | RTLD_LOCAL));
    char *why = g_strdup (dlerror ());
    g_assert_nonnull (why);

    add_dir (f, f->dir);
    FtaPlugin *p = fta_plugin_load ("x", f->dirs, &error);
    g_assert_null (p);
    g_assert_error (error, FTA_ERROR, FTA_EXIT_PLUGIN);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, path));
    g_assert_nonnull (strstr (error->message, why));
    g_error_free (error);
    g_free (why);
    g_free (path);
}

static void
test_discover (Fixture *f, gconstpointer data)
{
    /* A copy of good.so in a later directory is the same plugin: listed
     * once, from the first directory. */
    char *copy = copy_plugin (f, "good", "good");
    add_dir (f, FTA_TEST_PLUGINDIR);
    add_dir (f, f->dir);
    GPtrArray *found = fta_plugin_discover (f->dirs);
    g_assert_cmpuint (found->len, ==, 1);
    FtaPlugin *p = g_ptr_array_index (found, 0);
    g_assert_cmpstr (p->desc->name, ==, "good");
    char *orig = test_plugin_path ("good");
    g_assert_cmpstr (p->path, ==, orig);
    fta_plugin_unload (p);
    g_ptr_array_free (found, TRUE);
    g_free (orig);
    g_free (copy);
}

static void
assert_dir (GPtrArray *dirs, guint i, const char *expect)
{
    g_assert_cmpuint (i, <, dirs->len);
    g_assert_cmpstr (g_ptr_array_index (dirs, i), ==, expect);
}

static void
test_search_path (Fixture *f, gconstpointer data)
{
    char *extra[] = { "/first", "/second", NULL };
    /* Empty elements of the variable mean nothing. */
    g_setenv ("FTA_PLUGIN_PATH", "/env-a::/env-b:", TRUE);
    GPtrArray *dirs = fta_plugin_search_path (extra, NULL);
    assert_dir (dirs, 0, "/first");
    assert_dir (dirs, 1, "/second");
    assert_dir (dirs, 2, "/env-a");
    assert_dir (dirs, 3, "/env-b");
    char *user = g_build_filename (g_get_user_data_dir (), "ftrace-analyzer", "plugins",
                                   NULL);
    assert_dir (dirs, 4, user);
    /* This test program runs from the build tree. */
    char *build = g_build_filename (FTA_BUILDDIR, "plugins", ".libs", NULL);
    assert_dir (dirs, 5, build);
    g_assert_cmpuint (dirs->len, ==, 6);
    g_ptr_array_free (dirs, TRUE);

    /* a profile's plugin_dirs come after the variable, before the user's */
    char *prof[] = { "/prof-a", "/prof-b", NULL };
    dirs = fta_plugin_search_path (extra, prof);
    assert_dir (dirs, 3, "/env-b");
    assert_dir (dirs, 4, "/prof-a");
    assert_dir (dirs, 5, "/prof-b");
    assert_dir (dirs, 6, user);
    assert_dir (dirs, 7, build);
    g_assert_cmpuint (dirs->len, ==, 8);
    g_ptr_array_free (dirs, TRUE);

    g_unsetenv ("FTA_PLUGIN_PATH");
    dirs = fta_plugin_search_path (NULL, NULL);
    assert_dir (dirs, 0, user);
    assert_dir (dirs, 1, build);
    g_assert_cmpuint (dirs->len, ==, 2);
    g_ptr_array_free (dirs, TRUE);
    g_free (user);
    g_free (build);
}

/* The search path a copy of the CLI in DIR prints under "Plugin path:". */
static char **
cli_plugin_path (const char *dir)
{
    const char *bin = g_getenv ("FTA_BIN");
    char *src = bin ? g_strdup (bin) : g_build_filename (FTA_BUILDDIR, "ftrace-analyzer",
                                                         NULL);
    char *contents;
    gsize len;
    GError *error = NULL;
    g_file_get_contents (src, &contents, &len, &error);
    g_assert_no_error (error);
    char *exe = g_build_filename (dir, "ftrace-analyzer", NULL);
    g_file_set_contents (exe, contents, len, &error);
    g_assert_no_error (error);
    g_chmod (exe, 0755);
    g_free (contents);
    g_free (src);

    char *argv[] = { exe, "plugins", NULL };
    char *out = NULL;
    int status;
    g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                  &error);
    g_unlink (exe);
    g_free (exe);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);

    GPtrArray *lines = g_ptr_array_new ();
    char **all = g_strsplit (out, "\n", -1);
    gboolean in_path = FALSE;
    for (char **l = all; *l; l++) {
        if (strcmp (*l, "Plugin path:") == 0)
            in_path = TRUE;
        else if (in_path && g_str_has_prefix (*l, "  "))
            g_ptr_array_add (lines, g_strdup (*l + 2));
        else if (in_path)
            break;
    }
    g_ptr_array_add (lines, NULL);
    g_strfreev (all);
    g_free (out);
    return (char **) g_ptr_array_free (lines, FALSE);
}

/* An installed binary searches the installed plugin directory, even when
 * it lives in a directory whose name merely starts with the build
 * directory's (a prefix next to the tree, e.g. --prefix=$PWD-inst). */
static void
test_search_path_installed (Fixture *f, gconstpointer data)
{
    char *canon = realpath (FTA_BUILDDIR, NULL);
    g_assert_nonnull (canon);
    /* Must be outside the build tree, and so cannot be under TMPDIR. */
    char *sibling = g_strconcat (canon, "-inst-XXXXXX", NULL);
    if (!g_mkdtemp (sibling)) {
        g_test_skip ("cannot create a directory next to the build tree");
        g_free (sibling);
        free (canon);
        return;
    }
    g_unsetenv ("FTA_PLUGIN_PATH");
    char **path = cli_plugin_path (sibling);
    g_rmdir (sibling);
    guint n = g_strv_length (path);
    g_assert_cmpuint (n, >, 0);
    g_assert_cmpstr (path[n - 1], ==, FTA_PLUGINDIR);
    g_strfreev (path);

    /* Control: the same binary in the build tree searches the tree. */
    char *inside = g_build_filename (canon, "tests", "fta-inside-XXXXXX", NULL);
    g_assert_nonnull (g_mkdtemp (inside));
    path = cli_plugin_path (inside);
    g_rmdir (inside);
    n = g_strv_length (path);
    char *build = g_build_filename (FTA_BUILDDIR, "plugins", ".libs", NULL);
    g_assert_cmpuint (n, >, 0);
    g_assert_cmpstr (path[n - 1], ==, build);
    g_strfreev (path);
    g_free (build);
    g_free (inside);
    g_free (sibling);
    free (canon);
}

static void
add (const char *path, gconstpointer data,
     void (*fn) (Fixture *, gconstpointer))
{
    g_test_add (path, Fixture, data, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    add ("/loader/good", NULL, test_good);
    add ("/loader/first-dir-wins", NULL, test_first_dir_wins);
    add ("/loader/abi/major", "badabi", test_abi);
    add ("/loader/abi/newer-minor", "newminor", test_abi);
    add ("/loader/no-symbol", NULL, test_nosym);
    add ("/loader/not-found", NULL, test_not_found);
    add ("/loader/exact-name", NULL, test_exact_name);
    add ("/loader/name-mismatch", NULL, test_name_mismatch);
    add ("/loader/bad-name", NULL, test_bad_name);
    add ("/loader/not-elf", NULL, test_not_elf);
    add ("/loader/discover", NULL, test_discover);
    add ("/loader/search-path/order", NULL, test_search_path);
    add ("/loader/search-path/installed", NULL, test_search_path_installed);
    return g_test_run ();
}
