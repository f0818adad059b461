/* test-usage.c - the conventions of the command line: help per command,
 * "did you mean" for every kind of name, output formats by name and by
 * the extension of -o. */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;
static char *trace; /* a small real recording, decompressed */

static char *
tmp (const char *name)
{
    return g_build_filename (tmpdir, name, NULL);
}

static gboolean
has_option (const char *help, const char *opt)
{
    char *a = g_strdup_printf ("%s=", opt), *b = g_strdup_printf ("%s ", opt);
    gboolean yes = strstr (help, a) || strstr (help, b);
    g_free (a);
    g_free (b);
    return yes;
}

/* --- help ------------------------------------------------------------------ */

static const char *const commands[] = { "analyze", "report",  "compare", "events",
                                        "filter",  "plugins", "profiles", "help" };

static void
test_global_help (void)
{
    for (const char *const *how = (const char *[]) { "--help", "help", NULL }; *how; how++) {
        FtaTestRun r = fta_test_run_argv ((const char *[]) { *how, NULL });
        g_assert_cmpint (r.rc, ==, 0);
        for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
            char *line = g_strdup_printf ("\n  %s ", commands[i]);
            g_test_message ("%s: %s", *how, commands[i]);
            g_assert_nonnull (strstr (r.out, line));
            g_free (line);
        }
        g_assert_true (has_option (r.out, "--comm"));
        g_assert_true (has_option (r.out, "--plugin-dir"));
        g_assert_nonnull (strstr (r.out, "Exit status"));
        fta_test_run_clear (&r);
    }
    /* the usage shown with an error names every command too */
    FtaTestRun r = fta_test_run_argv ((const char *[]) { NULL });
    g_assert_cmpint (r.rc, ==, 2);
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        if (strcmp (commands[i], "analyze") != 0)
            g_assert_nonnull (strstr (r.err, commands[i]));
    fta_test_run_clear (&r);
}

/* Each command's help: its usage line, options that apply and no other,
 * an example; `CMD --help` and `help CMD` print the same. */
static void
test_command_help (void)
{
    struct {
        const char *cmd;
        const char *has[4];
        const char *lacks[4];
    } cases[] = {
        { "analyze", { "--comm", "--format", "--top", NULL }, { NULL } },
        { "report", { "--comm", "--output", NULL }, { "--format", NULL } },
        { "compare", { "--format", "--comm", NULL }, { NULL } },
        { "events", { "--sort", "--jobs", NULL }, { "--comm", "--format", "--top", NULL } },
        { "filter", { "--comm", "--events", "--output", NULL }, { "--format", "--top", NULL } },
        { "plugins", { "--plugin-dir", NULL }, { "--comm", "--format", NULL } },
        { "profiles", { NULL }, { "--comm", "--plugin-dir", NULL } },
        { "help", { NULL }, { "--comm", NULL } },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_test_message ("%s", cases[i].cmd);
        FtaTestRun a = fta_test_run_argv ((const char *[]) { cases[i].cmd, "--help", NULL });
        FtaTestRun b = fta_test_run_argv ((const char *[]) { "help", cases[i].cmd, NULL });
        FtaTestRun c = fta_test_run_argv ((const char *[]) { cases[i].cmd, "-h", NULL });
        g_assert_cmpint (a.rc, ==, 0);
        g_assert_cmpint (b.rc, ==, 0);
        g_assert_cmpint (c.rc, ==, 0);
        g_assert_cmpstr (a.out, ==, b.out);
        g_assert_cmpstr (a.out, ==, c.out);
        char *usage = g_strdup_printf ("ftrace-analyzer [OPTION…] %s", cases[i].cmd);
        g_assert_nonnull (strstr (a.out, usage));
        g_free (usage);
        char *example = g_strdup_printf ("\n  ftrace-analyzer %s", cases[i].cmd);
        g_assert_true (strstr (a.out, "Example") != NULL);
        if (strcmp (cases[i].cmd, "analyze") != 0)
            g_assert_nonnull (strstr (a.out, example));
        g_free (example);
        for (const char *const *o = cases[i].has; *o; o++)
            g_assert_true (has_option (a.out, *o));
        for (const char *const *o = cases[i].lacks; *o; o++)
            g_assert_false (has_option (a.out, *o));
        /* not the program's help: no list of commands */
        g_assert_null (strstr (a.out, "Commands:"));
        fta_test_run_clear (&a);
        fta_test_run_clear (&b);
        fta_test_run_clear (&c);
    }
    /* options before the command, and a command after an option's value */
    FtaTestRun a = fta_test_run_argv ((const char *[]) { "--comm", "x", "filter", "--help", NULL });
    g_assert_cmpint (a.rc, ==, 0);
    g_assert_nonnull (strstr (a.out, "[OPTION…] filter TRACE"));
    fta_test_run_clear (&a);
}

/* --- did you mean ------------------------------------------------------------ */

static void
test_did_you_mean (void)
{
    char *cfg = fta_test_write (tmpdir, "typo.cfg", "analyzers = [ \"swich\" ];\n");
    char *sec = fta_test_write (tmpdir, "section.cfg", "plugins = { wakup = { pairs = false; }; };\n");
    struct {
        const char *args[6];
        int rc;
        const char *msg;
    } cases[] = {
        { { "--comn", "x", trace, NULL }, 2, "unknown option --comn; did you mean '--comm'?" },
        { { "reprot", trace, NULL }, 2, "did you mean 'report'?" },
        { { "filtre", trace, NULL }, 2, "did you mean 'filter'?" },
        { { "help", "comapre", NULL }, 2, "no command 'comapre'; did you mean 'compare'?" },
        { { "-f", "jsno", trace, NULL }, 2, "unknown output format 'jsno'; did you mean 'json'?" },
        { { "-f", "yaml", trace, NULL }, 2, "(formats: csv, gnuplot, html, json, text" },
        { { "-p", "kvn", trace, NULL }, 2, "no profile 'kvn'; did you mean 'kvm'?" },
        { { "-c", cfg, trace, NULL }, 5, "no plugin 'swich'; did you mean 'switch'?" },
        { { "-c", sec, trace, NULL }, 2, "did you mean 'wakeup'?" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        FtaTestRun r = fta_test_run_argv (cases[i].args);
        g_test_message ("case %u: rc %d, %s", i, r.rc, r.err);
        g_assert_cmpint (r.rc, ==, cases[i].rc);
        g_assert_nonnull (strstr (r.err, cases[i].msg));
        g_assert_cmpstr (r.out, ==, "");
        fta_test_run_clear (&r);
    }
    /* nothing near: no guess, and a missing trace stays a missing trace */
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "--frobnicate", trace, NULL });
    g_assert_cmpint (r.rc, ==, 2);
    g_assert_null (strstr (r.err, "did you mean"));
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "no-such-trace.txt", NULL });
    g_assert_cmpint (r.rc, ==, 3);
    g_assert_null (strstr (r.err, "did you mean"));
    fta_test_run_clear (&r);
    g_free (cfg);
    g_free (sec);
}

/* --- formats ------------------------------------------------------------------ */

static char *
run_ok (const char *const *args)
{
    FtaTestRun r = fta_test_run_argv (args);
    if (r.rc)
        g_printerr ("%s", r.err);
    g_assert_cmpint (r.rc, ==, 0);
    char *out = r.out;
    r.out = NULL;
    fta_test_run_clear (&r);
    return out;
}

static char *
read_file (const char *path)
{
    char *text = NULL;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    return text;
}

static void
assert_json (const char *text)
{
    JsonParser *p = json_parser_new ();
    GError *error = NULL;
    json_parser_load_from_data (p, text, -1, &error);
    g_assert_no_error (error);
    g_assert_nonnull (json_object_get_object_member (fta_test_root (p), "tables"));
    g_object_unref (p);
}

static void
test_format_names (void)
{
    /* case is ignored, and a sink's extension names it too */
    char *text = run_ok ((const char *[]) { "-q", "-f", "text", trace, NULL });
    for (const char *const *f = (const char *[]) { "TEXT", "Text", "txt", NULL }; *f; f++) {
        char *o = run_ok ((const char *[]) { "-q", "-f", *f, trace, NULL });
        g_assert_cmpstr (o, ==, text);
        g_free (o);
    }
    char *o = run_ok ((const char *[]) { "-q", "-f", "JSON", trace, NULL });
    assert_json (o);
    g_free (o);
    o = run_ok ((const char *[]) { "-q", "-f", "HTML", trace, NULL });
    g_assert_true (g_str_has_prefix (o, "<!DOCTYPE html>"));
    g_free (o);
    g_free (text);
}

/* Without -f the extension of -o picks the format. */
static void
test_format_from_extension (void)
{
    struct {
        const char *name;
        const char *starts;
    } cases[] = {
        { "a.json", "{" },
        { "a.JSON", "{" },
        { "a.html", "<!DOCTYPE html>" },
        { "a.txt", "ftrace-analyzer: " },
        { "a.csv", "name,kind,file,rows,title" },
        { "a.out", "ftrace-analyzer: " }, /* no format writes .out: the profile's */
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *path = tmp (cases[i].name);
        g_test_message ("%s", cases[i].name);
        FtaTestRun r = fta_test_run_argv ((const char *[]) { "-o", path, trace, NULL });
        g_assert_cmpint (r.rc, ==, 0);
        g_assert_cmpstr (r.out, ==, "");
        g_assert_nonnull (strstr (r.err, "wrote"));
        g_assert_null (strstr (r.err, "warning"));
        char *text = read_file (path);
        g_assert_true (g_str_has_prefix (text, cases[i].starts));
        if (cases[i].starts[0] == '{')
            assert_json (text);
        g_free (text);
        fta_test_run_clear (&r);
        g_unlink (path);
        g_free (path);
    }
    /* compare and report too */
    char *path = tmp ("c.html");
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "compare", "-q", trace, trace, "-o",
                                                          path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    char *text = read_file (path);
    g_assert_true (g_str_has_prefix (text, "<!DOCTYPE html>"));
    g_free (text);
    fta_test_run_clear (&r);
    g_free (path);
    path = tmp ("c.json");
    r = fta_test_run_argv ((const char *[]) { "compare", "-q", trace, trace, "-o", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    text = read_file (path);
    assert_json (text);
    g_free (text);
    fta_test_run_clear (&r);
    g_free (path);
    path = tmp ("r.html");
    r = fta_test_run_argv ((const char *[]) { "report", "-q", trace, "-o", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    text = read_file (path);
    g_assert_true (g_str_has_prefix (text, "<!DOCTYPE html>"));
    g_free (text);
    fta_test_run_clear (&r);
    g_free (path);
}

/* -f that contradicts the extension: done as asked, with a warning. */
static void
test_format_contradicts_extension (void)
{
    char *path = tmp ("x.html");
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "-f", "json", "-o", path, trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.err, "warning: -f json writes json into"));
    char *text = read_file (path);
    assert_json (text);
    g_free (text);
    fta_test_run_clear (&r);
    /* -q: no warning */
    r = fta_test_run_argv ((const char *[]) { "-q", "-f", "json", "-o", path, trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    fta_test_run_clear (&r);
    g_free (path);
    path = tmp ("r.json");
    r = fta_test_run_argv ((const char *[]) { "report", trace, "-o", path, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.err, "warning: report writes HTML"));
    text = read_file (path);
    g_assert_true (g_str_has_prefix (text, "<!DOCTYPE html>"));
    g_free (text);
    fta_test_run_clear (&r);
    g_free (path);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-usage-XXXXXX", NULL);
    char *gz = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                      "lossy_ftrace_default.txt.gz", NULL);
    trace = tmp ("lossy.txt");
    char *cmd = g_strdup_printf ("gzip -dc '%s' > '%s'", gz, trace);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 0);
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (gz);

    g_test_add_func ("/usage/help/global", test_global_help);
    g_test_add_func ("/usage/help/per-command", test_command_help);
    g_test_add_func ("/usage/did-you-mean", test_did_you_mean);
    g_test_add_func ("/usage/formats/names", test_format_names);
    g_test_add_func ("/usage/formats/from-extension", test_format_from_extension);
    g_test_add_func ("/usage/formats/contradicting-extension",
                     test_format_contradicts_extension);
    int rc = g_test_run ();
    cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    r = fta_test_run_sh (cmd);
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (trace);
    g_free (tmpdir);
    return rc;
}
