/* test-config.c - profiles, plugin options, and the command line's
 * precedence over them.  Profiles are written to a scratch directory per
 * case; the CLI cases run the built binary ($FTA_BIN) on tests/data. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "core.h"

/* Owned: dir, removed with its files at teardown. */
typedef struct {
    char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    f->dir = g_dir_make_tmp ("fta-config-XXXXXX", &error);
    g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
    GDir *d = g_dir_open (f->dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name (d))) {
        char *path = g_build_filename (f->dir, name, NULL);
        g_unlink (path);
        g_free (path);
    }
    if (d)
        g_dir_close (d);
    g_rmdir (f->dir);
    g_free (f->dir);
}

/* Writes TEXT to NAME in the scratch directory; returns the path. */
static char *
write_file (Fixture *f, const char *name, const char *text)
{
    GError *error = NULL;
    char *path = g_build_filename (f->dir, name, NULL);
    g_file_set_contents (path, text, -1, &error);
    g_assert_no_error (error);
    return path;
}

/* Asserts a usage error whose message starts with "PATH:LINE: " and holds
 * WHAT. */
static void
assert_error_at (GError *error, const char *path, int line, const char *what)
{
    g_assert_error (error, FTA_ERROR, FTA_EXIT_USAGE);
    g_test_message ("%s", error->message);
    char *loc = g_strdup_printf ("%s:%d: ", path, line);
    g_assert_true (g_str_has_prefix (error->message, loc));
    g_assert_nonnull (strstr (error->message, what));
    g_free (loc);
}

static void
assert_strv (char **got, const char *const *expect)
{
    g_assert_nonnull (got);
    g_assert_cmpuint (g_strv_length (got), ==, g_strv_length ((char **) expect));
    for (guint i = 0; expect[i]; i++)
        g_assert_cmpstr (got[i], ==, expect[i]);
}

/* --- the profile itself --------------------------------------------------- */

static void
check_default (FtaProfile *p)
{
    const char *analyzers[] = { "switch", "wakeup", "wait", "cpu", "blocking",
                                "migration", "irq", "kvm", "timeline", "diagnosis",
                                NULL };
    const char *sinks[] = { "text", NULL };
    assert_strv (p->analyzers, analyzers);
    assert_strv (p->sinks, sinks);
    g_assert_cmpint (p->top, ==, 20);
    /* Empty filter strings mean no filter. */
    g_assert_null (p->comm);
    g_assert_null (p->pids);
    g_assert_null (p->cpus);
    g_assert_null (p->start);
    g_assert_null (p->end);
    g_assert_null (p->output);
}

static void
test_builtin (void)
{
    GError *error = NULL;
    FtaProfile *p = fta_profile_load_string (fta_default_profile, "built-in default",
                                             &error);
    g_assert_no_error (error);
    g_assert_nonnull (p);
    g_assert_cmpstr (p->source, ==, "built-in default");
    check_default (p);
    fta_profile_free (p);
}

/* The shipped file and the compiled-in copy are the same profile. */
static void
test_shipped_file (void)
{
    GError *error = NULL;
    char *path = g_test_build_filename (G_TEST_DIST, "..", "config", "default.cfg",
                                        NULL);
    FtaProfile *p = fta_profile_load_file (path, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->source, ==, path);
    check_default (p);
    fta_profile_free (p);
    g_free (path);
}

static void
test_file_values (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *path = write_file (f, "mine.cfg",
                             "analyzers = [ \"wakeup\" ];\n"
                             "sinks = [ \"json\", \"text\" ];\n"
                             "top = 5;\n"
                             "output = \"out/report\";\n"
                             "filter = {\n"
                             "  comm = \"KVM\";\n"
                             "  pids = \"1,2-4\";\n"
                             "  cpus = 3;\n"
                             "  start = 1.5;\n"
                             "  end = \"+2\";\n"
                             "};\n");
    FtaProfile *p = fta_profile_load_file (path, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->source, ==, path);
    const char *analyzers[] = { "wakeup", NULL };
    const char *sinks[] = { "json", "text", NULL };
    assert_strv (p->analyzers, analyzers);
    assert_strv (p->sinks, sinks);
    g_assert_cmpint (p->top, ==, 5);
    g_assert_cmpstr (p->output, ==, "out/report");
    g_assert_cmpstr (p->comm, ==, "KVM");
    g_assert_cmpstr (p->pids, ==, "1,2-4");
    /* Numbers are taken as the text they stand for. */
    g_assert_cmpstr (p->cpus, ==, "3");
    g_assert_cmpstr (p->start, ==, "1.5");
    g_assert_cmpstr (p->end, ==, "+2");
    fta_profile_free (p);
    g_free (path);
}

/* What a profile leaves out keeps its default. */
static void
test_file_sparse (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *path = write_file (f, "sparse.cfg", "sinks = [ \"json\" ];\n");
    FtaProfile *p = fta_profile_load_file (path, &error);
    g_assert_no_error (error);
    const char *sinks[] = { "json", NULL };
    assert_strv (p->sinks, sinks);
    g_assert_cmpint (p->top, ==, 20);
    g_assert_null (p->output);
    fta_profile_free (p);
    g_free (path);
}

static void
test_file_missing (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *path = g_build_filename (f->dir, "absent.cfg", NULL);
    g_assert_null (fta_profile_load_file (path, &error));
    g_assert_error (error, FTA_ERROR, FTA_EXIT_USAGE);
    g_assert_nonnull (strstr (error->message, path));
    g_error_free (error);
    g_free (path);
}

/* One broken profile: its text, the line the error must name and a word
 * the message must hold. */
typedef struct {
    const char *text;
    int line;
    const char *what;
} Broken;

static const Broken syntax_error = {
    "# comment\n"
    "analyzers = [ \"switch\" ];\n"
    "\n"
    "top = = 5;\n"
    "sinks = [ \"text\" ];\n",
    4, "syntax error"
};
static const Broken unknown_key = {
    "analyzers = [ \"switch\" ];\n"
    "top = 3;\n"
    "colour = \"red\";\n",
    3, "unknown key 'colour'"
};
static const Broken unknown_filter_key = {
    "# comment\n"
    "filter = {\n"
    "  comm = \"x\";\n"
    "  pid = \"1\";\n"
    "};\n",
    4, "unknown filter key 'pid'"
};
static const Broken top_not_number = {
    "analyzers = [ \"switch\" ];\n"
    "top = \"ten\";\n",
    2, "'top'"
};
static const Broken top_negative = {
    "\n\n"
    "top = -1;\n",
    3, "'top'"
};
static const Broken sinks_not_list = {
    "sinks = \"text\";\n",
    1, "'sinks'"
};
static const Broken analyzers_not_strings = {
    "\n"
    "analyzers = [ 1, 2 ];\n",
    2, "'analyzers'"
};
static const Broken filter_not_group = {
    "filter = \"KVM\";\n",
    1, "'filter'"
};
static const Broken plugin_not_group = {
    "plugins = {\n"
    "  switch = 1;\n"
    "};\n",
    2, "'switch'"
};

static void
test_broken (Fixture *f, gconstpointer data)
{
    const Broken *b = data;
    GError *error = NULL;
    char *path = write_file (f, "broken.cfg", b->text);
    g_assert_null (fta_profile_load_file (path, &error));
    assert_error_at (error, path, b->line, b->what);
    g_clear_error (&error);

    /* A profile given as text names its source instead of a file. */
    g_assert_null (fta_profile_load_string (b->text, "inline", &error));
    assert_error_at (error, "inline", b->line, b->what);
    g_clear_error (&error);
    g_free (path);
}

/* --- plugin options --------------------------------------------------------- */

static const FtaOptionSpec probe_options[] = {
    { "depth", FTA_OPT_INT, "3", "levels" },
    { "verbose", FTA_OPT_BOOL, "false", "say more" },
    { "ratio", FTA_OPT_DOUBLE, "0.5", "a fraction" },
    { "label", FTA_OPT_STRING, "x", "a name" },
    { NULL, 0, NULL, NULL }
};

/* Not FTA_PLUGIN_DEFINE: this program must not export a descriptor. */
static const FtaPluginDescriptor probe = {
    .abi_major = FTA_PLUGIN_ABI_MAJOR,
    .abi_minor = FTA_PLUGIN_ABI_MINOR,
    .name = "probe",
    .kind = FTA_PLUGIN_ANALYZER,
    .options = probe_options,
};

static const FtaPluginDescriptor bare = {
    .abi_major = FTA_PLUGIN_ABI_MAJOR,
    .abi_minor = FTA_PLUGIN_ABI_MINOR,
    .name = "bare",
    .kind = FTA_PLUGIN_ANALYZER,
};

static FtaProfile *
load_text (Fixture *f, const char *text, char **path)
{
    GError *error = NULL;
    *path = write_file (f, "options.cfg", text);
    FtaProfile *p = fta_profile_load_file (*path, &error);
    g_assert_no_error (error);
    return p;
}

static void
assert_defaults (const FtaOptions *o, gboolean but_depth)
{
    if (!but_depth)
        g_assert_cmpint (fta_options_get_int (o, "depth"), ==, 3);
    g_assert_false (fta_options_get_bool (o, "verbose"));
    g_assert_cmpfloat (fta_options_get_double (o, "ratio"), ==, 0.5);
    g_assert_cmpstr (fta_options_get_string (o, "label"), ==, "x");
}

static void
test_options_defaults (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    FtaOptions *o = fta_options_new (NULL, &probe, &error);
    g_assert_no_error (error);
    assert_defaults (o, FALSE);
    fta_options_free (o);

    /* A profile without a section for the plugin. */
    char *path;
    FtaProfile *p = load_text (f, "analyzers = [ \"probe\" ];\n"
                                  "plugins = { other = { depth = 9; }; };\n",
                               &path);
    o = fta_options_new (p, &probe, &error);
    g_assert_no_error (error);
    assert_defaults (o, FALSE);
    fta_options_free (o);
    fta_profile_free (p);
    g_free (path);

    /* A section that sets one option leaves the others at their defaults. */
    p = load_text (f, "plugins = { probe = { depth = 7; }; };\n", &path);
    o = fta_options_new (p, &probe, &error);
    g_assert_no_error (error);
    g_assert_cmpint (fta_options_get_int (o, "depth"), ==, 7);
    assert_defaults (o, TRUE);
    fta_options_free (o);
    fta_profile_free (p);
    g_free (path);
}

static void
test_options_values (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *path;
    FtaProfile *p = load_text (f,
                               "plugins = {\n"
                               "  probe = {\n"
                               "    depth = 10000000000L;\n"
                               "    verbose = true;\n"
                               "    ratio = 0.25;\n"
                               "    label = \"CPU 0/KVM\";\n"
                               "  };\n"
                               "};\n",
                               &path);
    FtaOptions *o = fta_options_new (p, &probe, &error);
    g_assert_no_error (error);
    g_assert_cmpint (fta_options_get_int (o, "depth"), ==, G_GINT64_CONSTANT (10000000000));
    g_assert_true (fta_options_get_bool (o, "verbose"));
    g_assert_cmpfloat (fta_options_get_double (o, "ratio"), ==, 0.25);
    g_assert_cmpstr (fta_options_get_string (o, "label"), ==, "CPU 0/KVM");
    fta_options_free (o);
    fta_profile_free (p);
    g_free (path);
}

/* A whole number is a number: "ratio = 2" and the 64-bit "ratio =
 * 6000000000L" are as good as "ratio = 2.0". */
static void
test_options_double_from_int (Fixture *f, gconstpointer data)
{
    const struct {
        const char *text;
        double expect;
    } cases[] = {
        { "plugins = { probe = { ratio = 2; }; };\n", 2.0 },
        { "plugins = { probe = { ratio = 6000000000L; }; };\n", 6e9 },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        GError *error = NULL;
        char *path;
        FtaProfile *p = load_text (f, cases[i].text, &path);
        FtaOptions *o = fta_options_new (p, &probe, &error);
        /* Each entry is independent: report all that fail, not the first. */
        if (!o) {
            g_test_message ("refused: %s", error->message);
            g_test_fail ();
            g_clear_error (&error);
        } else {
            g_assert_no_error (error);
            g_assert_cmpfloat (fta_options_get_double (o, "ratio"), ==, cases[i].expect);
        }
        fta_options_free (o);
        fta_profile_free (p);
        g_free (path);
    }
}

static void
test_options_unknown (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *path;
    FtaProfile *p = load_text (f,
                               "analyzers = [ \"probe\" ];\n"
                               "plugins = {\n"
                               "  probe = {\n"
                               "    depth = 7;\n"
                               "    dpeth = 8;\n"
                               "  };\n"
                               "};\n",
                               &path);
    g_assert_null (fta_options_new (p, &probe, &error));
    assert_error_at (error, path, 5, "'dpeth'");
    /* The message lists what the plugin does accept. */
    g_assert_nonnull (strstr (error->message, "depth, verbose, ratio, label"));
    g_clear_error (&error);
    fta_profile_free (p);
    g_free (path);

    /* A plugin with no options accepts no keys. */
    p = load_text (f, "plugins = {\n  bare = { depth = 1; };\n};\n", &path);
    g_assert_null (fta_options_new (p, &bare, &error));
    assert_error_at (error, path, 2, "'depth'");
    g_clear_error (&error);
    fta_profile_free (p);
    g_free (path);
}

typedef struct {
    const char *setting;
    const char *type_word;
} Mismatch;

static void
test_options_type (Fixture *f, gconstpointer data)
{
    const Mismatch cases[] = {
        { "depth = \"four\";", "whole number" },
        { "depth = 1.5;", "whole number" },
        { "depth = true;", "whole number" },
        { "verbose = 1;", "true or false" },
        { "verbose = \"yes\";", "true or false" },
        { "ratio = \"half\";", "a number" },
        { "ratio = false;", "a number" },
        { "label = 3;", "a string" },
        { "label = [ \"a\" ];", "a string" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        GError *error = NULL;
        char *text = g_strdup_printf ("plugins = {\n"
                                      "  probe = {\n"
                                      "    # the next line is wrong\n"
                                      "    %s\n"
                                      "  };\n"
                                      "};\n",
                                      cases[i].setting);
        char *path;
        FtaProfile *p = load_text (f, text, &path);
        FtaOptions *o = fta_options_new (p, &probe, &error);
        if (o)
            g_test_message ("accepted: %s", cases[i].setting);
        g_assert_null (o);
        assert_error_at (error, path, 4, cases[i].type_word);
        g_assert_nonnull (strstr (error->message, "'probe'"));
        g_clear_error (&error);
        fta_profile_free (p);
        g_free (path);
        g_free (text);
    }
}

/* --- profiles by name ------------------------------------------------------- */

static void
test_named_default (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    g_setenv ("FTA_PROFILE_PATH", f->dir, TRUE);
    /* An installed default.cfg, if any, is the same profile as the
     * built-in one and takes its place (run from the build tree, the
     * source tree's config/ is the installed directory). */
    GPtrArray *dirs = fta_profile_dirs ();
    const char *profiledir = g_ptr_array_index (dirs, dirs->len - 1);
    if (fta_running_uninstalled ()) {
        char *src = realpath (FTA_SRCDIR, NULL);
        char *config = g_build_filename (src, "config", NULL);
        g_assert_cmpstr (profiledir, ==, config);
        g_free (config);
        free (src);
    } else {
        g_assert_cmpstr (profiledir, ==, FTA_PROFILEDIR);
    }
    char *installed = g_build_filename (profiledir, "default.cfg", NULL);
    const char *source = g_file_test (installed, G_FILE_TEST_IS_REGULAR)
                             ? installed : "built-in default";
    const char *names[] = { "default", "default.cfg", NULL };
    for (const char **n = names; *n; n++) {
        FtaProfile *p = fta_profile_load_named (*n, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (p->source, ==, source);
        check_default (p);
        fta_profile_free (p);
    }
    if (fta_running_uninstalled ()) {
        /* the shipped kvm profile is found by name before it is installed */
        FtaProfile *p = fta_profile_load_named ("kvm", &error);
        g_assert_no_error (error);
        g_assert_true (g_str_has_suffix (p->source, "/config/kvm.cfg"));
        fta_profile_free (p);
    }
    g_ptr_array_free (dirs, TRUE);
    g_free (installed);
}

static void
test_named_from_path (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *empty = g_build_filename (f->dir, "empty", NULL);
    g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
    char *path_var = g_strconcat ("/nonexistent-fta-dir:", empty, ":", f->dir, NULL);
    g_setenv ("FTA_PROFILE_PATH", path_var, TRUE);
    char *mine = write_file (f, "mine.cfg", "top = 3;\nsinks = [ \"json\" ];\n");
    char *def = write_file (f, "default.cfg", "top = 4;\n");

    const char *names[] = { "mine", "mine.cfg", NULL };
    for (const char **n = names; *n; n++) {
        FtaProfile *p = fta_profile_load_named (*n, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (p->source, ==, mine);
        g_assert_cmpint (p->top, ==, 3);
        fta_profile_free (p);
    }

    /* A default.cfg in the path overrides the built-in one. */
    FtaProfile *p = fta_profile_load_named ("default", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->source, ==, def);
    g_assert_cmpint (p->top, ==, 4);
    fta_profile_free (p);

    /* The first directory that has the file wins. */
    char *shadow = g_build_filename (empty, "mine.cfg", NULL);
    g_file_set_contents (shadow, "top = 9;\n", -1, &error);
    g_assert_no_error (error);
    p = fta_profile_load_named ("mine", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->source, ==, shadow);
    g_assert_cmpint (p->top, ==, 9);
    fta_profile_free (p);

    g_unlink (shadow);
    g_rmdir (empty);
    g_free (shadow);
    g_free (def);
    g_free (mine);
    g_free (path_var);
    g_free (empty);
}

static void
test_named_missing (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    g_setenv ("FTA_PROFILE_PATH", f->dir, TRUE);
    g_assert_null (fta_profile_load_named ("nonexistent", &error));
    g_assert_error (error, FTA_ERROR, FTA_EXIT_USAGE);
    g_assert_nonnull (strstr (error->message, "'nonexistent'"));
    g_assert_nonnull (strstr (error->message, "nonexistent.cfg"));
    g_assert_nonnull (strstr (error->message, f->dir));
    g_clear_error (&error);

    /* A broken file found by name is reported with its line. */
    char *path = write_file (f, "bad.cfg", "top = 1;\nfoo = 2;\n");
    g_assert_null (fta_profile_load_named ("bad", &error));
    assert_error_at (error, path, 2, "unknown key 'foo'");
    g_clear_error (&error);
    g_free (path);
}

/* plugin_dirs: relative to the profile's directory, absolute kept, in
 * order; a string instead of a list is an error at its line. */
static void
test_plugin_dirs (Fixture *f, gconstpointer data)
{
    GError *error = NULL;
    char *path = write_file (f, "dirs.cfg",
                             "top = 3;\nplugin_dirs = [ \"plugins\", \"/opt/fta\", \"a/../b\" ];\n");
    FtaProfile *p = fta_profile_load_file (path, &error);
    g_assert_no_error (error);
    char *rel = g_build_filename (f->dir, "plugins", NULL);
    char *rel2 = g_build_filename (f->dir, "a/../b", NULL);
    const char *const expect[] = { rel, "/opt/fta", rel2, NULL };
    assert_strv (p->plugin_dirs, expect);
    fta_profile_free (p);
    g_free (rel);
    g_free (rel2);
    g_free (path);

    /* the built-in default has none */
    p = fta_profile_load_string (fta_default_profile, "built-in default", &error);
    g_assert_no_error (error);
    g_assert_null (p->plugin_dirs);
    fta_profile_free (p);

    path = write_file (f, "str.cfg", "top = 3;\nplugin_dirs = \"plugins\";\n");
    g_assert_null (fta_profile_load_file (path, &error));
    assert_error_at (error, path, 2, "'plugin_dirs' must be a list of directories");
    g_clear_error (&error);
    g_free (path);
    path = write_file (f, "num.cfg", "\nplugin_dirs = [ 1 ];\n");
    g_assert_null (fta_profile_load_file (path, &error));
    assert_error_at (error, path, 2, "'plugin_dirs' must hold only directory names");
    g_clear_error (&error);
    g_free (path);
}

/* --- the command line ------------------------------------------------------- */

typedef struct {
    int status; /* exit code */
    char *out;
    char *err;
} Run;

static void
run_clear (Run *r)
{
    g_free (r->out);
    g_free (r->err);
}

static void
run_cli (Run *r, const char *first, ...)
{
    const char *bin = g_getenv ("FTA_BIN");
    char *fallback = g_build_filename (FTA_BUILDDIR, "ftrace-analyzer", NULL);
    GPtrArray *argv = g_ptr_array_new ();
    g_ptr_array_add (argv, (gpointer) (bin ? bin : fallback));
    va_list ap;
    va_start (ap, first);
    for (const char *a = first; a; a = va_arg (ap, const char *))
        g_ptr_array_add (argv, (gpointer) a);
    va_end (ap);
    g_ptr_array_add (argv, NULL);

    GError *error = NULL;
    int wait_status;
    g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                  &r->out, &r->err, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (wait_status));
    r->status = WEXITSTATUS (wait_status);
    g_test_message ("exit %d, stderr: %s", r->status, r->err);
    g_ptr_array_free (argv, TRUE);
    g_free (fallback);
}

/* Rows the text sink printed for TABLE, and whether it said more were
 * left out. */
static guint
text_rows (const char *out, const char *table, gboolean *more)
{
    char *heading = g_strdup_printf ("(%s) ==", table);
    char **lines = g_strsplit (out, "\n", -1);
    guint rows = 0;
    *more = FALSE;
    char **l = lines;
    while (*l && !g_str_has_suffix (*l, heading))
        l++;
    g_assert_nonnull (*l);
    for (l += 2; *l && **l; l++) { /* past the heading and the column names */
        if (g_str_has_prefix (*l, "  ... ") && strstr (*l, " more "))
            *more = TRUE;
        else
            rows++;
    }
    g_strfreev (lines);
    g_free (heading);
    return rows;
}

static void
test_cli_overrides (Fixture *f, gconstpointer data)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *cfg = write_file (f, "cli.cfg",
                            "analyzers = [ \"switch\" ];\n"
                            "sinks = [ \"json\" ];\n"
                            "top = 1;\n");
    Run r;

    /* The profile alone: JSON, which has every row whatever top says. */
    run_cli (&r, "-q", "-c", cfg, trace, NULL);
    g_assert_cmpint (r.status, ==, 0);
    JsonParser *parser = json_parser_new ();
    GError *error = NULL;
    json_parser_load_from_data (parser, r.out, -1, &error);
    g_assert_no_error (error);
    JsonObject *doc = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (doc, "version"), ==, 1);
    JsonObject *tables = json_object_get_object_member (doc, "tables");
    g_assert_true (json_object_has_member (tables, "switch.tasks"));
    JsonArray *rows = json_object_get_array_member (
        json_object_get_object_member (tables, "switch.tasks"), "rows");
    g_assert_cmpuint (json_array_get_length (rows), ==, 5);
    g_object_unref (parser);
    run_clear (&r);

    /* -f replaces the profile's sinks; the profile's top still applies. */
    gboolean more;
    run_cli (&r, "-q", "-c", cfg, "-f", "text", trace, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_false (g_str_has_prefix (r.out, "{"));
    g_assert_cmpuint (text_rows (r.out, "switch.tasks", &more), ==, 1);
    g_assert_true (more);
    run_clear (&r);

    /* --top overrides the profile's top. */
    run_cli (&r, "-q", "-c", cfg, "-f", "text", "--top", "0", trace, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpuint (text_rows (r.out, "switch.tasks", &more), ==, 5);
    g_assert_false (more);
    run_clear (&r);

    run_cli (&r, "-q", "-c", cfg, "-f", "text", "--top", "3", trace, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpuint (text_rows (r.out, "switch.tasks", &more), ==, 3);
    g_assert_true (more);
    run_clear (&r);

    g_free (cfg);
    g_free (trace);
}

static void
test_cli_missing_profile (Fixture *f, gconstpointer data)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    g_setenv ("FTA_PROFILE_PATH", f->dir, TRUE);
    Run r;
    run_cli (&r, "-p", "nonexistent", trace, NULL);
    g_assert_cmpint (r.status, ==, FTA_EXIT_USAGE);
    g_assert_cmpstr (r.out, ==, "");
    g_assert_nonnull (strstr (r.err, "no profile 'nonexistent'"));
    g_assert_nonnull (strstr (r.err, f->dir));
    run_clear (&r);

    char *absent = g_build_filename (f->dir, "absent.cfg", NULL);
    run_cli (&r, "-c", absent, trace, NULL);
    g_assert_cmpint (r.status, ==, FTA_EXIT_USAGE);
    g_assert_nonnull (strstr (r.err, absent));
    run_clear (&r);
    g_free (absent);
    g_free (trace);
}

static void
test_cli_bad_profile (Fixture *f, gconstpointer data)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    const struct {
        const char *text;
        int line;
        const char *what;
    } cases[] = {
        { syntax_error.text, syntax_error.line, syntax_error.what },
        { unknown_key.text, unknown_key.line, unknown_key.what },
        /* Checked only once the plugin is loaded, against its table. */
        { "analyzers = [ \"switch\" ];\n"
          "plugins = {\n"
          "  switch = { colour = 1; };\n"
          "};\n",
          3, "no option 'colour'" },
        /* Sections of plugins not in use are checked too: a misspelt
         * plugin name or option must not be silently ignored. */
        { "analyzers = [ \"switch\" ];\n"
          "plugins = {\n"
          "  swtich = { comms = false; };\n"
          "};\n",
          3, "names no plugin that can be loaded" },
        { "analyzers = [ \"switch\" ];\n"
          "plugins = {\n"
          "  switch = { comms = false; };\n"
          "  json = { prety = false; };\n"
          "};\n",
          4, "plugin 'json' has no option 'prety'" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *cfg = write_file (f, "bad.cfg", cases[i].text);
        char *loc = g_strdup_printf ("%s:%d: ", cfg, cases[i].line);
        Run r;
        run_cli (&r, "-c", cfg, trace, NULL);
        g_assert_cmpint (r.status, ==, FTA_EXIT_USAGE);
        g_assert_cmpstr (r.out, ==, "");
        g_assert_nonnull (strstr (r.err, loc));
        g_assert_nonnull (strstr (r.err, cases[i].what));
        run_clear (&r);
        g_free (loc);
        g_free (cfg);
    }
    g_free (trace);
}

/* A profile inherits what it leaves out from the default; one that
 * removes every sink is told so. */
static void
test_cli_inherit (Fixture *f, gconstpointer data)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *cfg = write_file (f, "only.cfg", "analyzers = [ \"switch\" ];\n");
    Run r;
    run_cli (&r, "-c", cfg, trace, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "(switch.tasks)"));
    g_assert_null (strstr (r.out, "(wakeup.tasks)"));
    run_clear (&r);
    g_free (cfg);
    cfg = write_file (f, "nosink.cfg", "sinks = [ ];\n");
    run_cli (&r, "-c", cfg, trace, NULL);
    g_assert_cmpint (r.status, ==, FTA_EXIT_USAGE);
    g_assert_nonnull (strstr (r.err, "selects no output"));
    run_clear (&r);
    g_free (cfg);
    g_free (trace);
}

static void
add (const char *path, gconstpointer data, void (*fn) (Fixture *, gconstpointer))
{
    g_test_add (path, Fixture, data, fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func ("/config/default/builtin", test_builtin);
    g_test_add_func ("/config/default/shipped-file", test_shipped_file);
    add ("/config/file/values", NULL, test_file_values);
    add ("/config/file/sparse", NULL, test_file_sparse);
    add ("/config/file/missing", NULL, test_file_missing);
    add ("/config/file/syntax-error", &syntax_error, test_broken);
    add ("/config/file/unknown-key", &unknown_key, test_broken);
    add ("/config/file/unknown-filter-key", &unknown_filter_key, test_broken);
    add ("/config/file/top-not-number", &top_not_number, test_broken);
    add ("/config/file/top-negative", &top_negative, test_broken);
    add ("/config/file/sinks-not-list", &sinks_not_list, test_broken);
    add ("/config/file/analyzers-not-strings", &analyzers_not_strings, test_broken);
    add ("/config/file/filter-not-group", &filter_not_group, test_broken);
    add ("/config/file/plugin-not-group", &plugin_not_group, test_broken);
    add ("/config/options/defaults", NULL, test_options_defaults);
    add ("/config/options/values", NULL, test_options_values);
    add ("/config/options/double-from-int", NULL, test_options_double_from_int);
    add ("/config/options/unknown", NULL, test_options_unknown);
    add ("/config/options/type-mismatch", NULL, test_options_type);
    add ("/config/file/plugin-dirs", NULL, test_plugin_dirs);
    add ("/config/named/default", NULL, test_named_default);
    add ("/config/named/from-path", NULL, test_named_from_path);
    add ("/config/named/missing", NULL, test_named_missing);
    add ("/config/cli/overrides", NULL, test_cli_overrides);
    add ("/config/cli/missing-profile", NULL, test_cli_missing_profile);
    add ("/config/cli/bad-profile", NULL, test_cli_bad_profile);
    add ("/config/cli/inherit-defaults", NULL, test_cli_inherit);
    return g_test_run ();
}
