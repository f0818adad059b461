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
static char *warned; /* one whose findings have a warning, decompressed */

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
        { { "--wakeup-stat", trace, NULL }, 2, "did you mean '--wakeup-stats'?" },
        { { "--color=allways", trace, NULL }, 2, "did you mean 'always'?" },
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

#define run_ok fta_test_run_ok

#define read_file fta_test_read

static void
assert_json (const char *text)
{
    JsonParser *p = fta_test_parse (text);
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


/* --- table selection ---------------------------------------------------------- */

/* The table names a text output shows, from its "== Title (name) ==" lines. */
static GPtrArray *
text_tables (const char *text)
{
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
    char **lines = g_strsplit (text, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (!g_str_has_prefix (*l, "== ") || !g_str_has_suffix (*l, ") =="))
            continue;
        const char *open = strrchr (*l, '(');
        g_ptr_array_add (names, g_strndup (open + 1, strlen (open + 1) - 4));
    }
    g_strfreev (lines);
    return names;
}

static void
assert_all_match (GPtrArray *names, const char *const *patterns)
{
    g_assert_cmpuint (names->len, >, 0);
    for (guint i = 0; i < names->len; i++) {
        gboolean ok = FALSE;
        for (const char *const *p = patterns; *p && !ok; p++)
            ok = g_pattern_match_simple (*p, g_ptr_array_index (names, i));
        g_test_message ("table %s", (char *) g_ptr_array_index (names, i));
        g_assert_true (ok);
    }
}

static void
test_tables (void)
{
    /* every table by default; the shortcut is the pattern */
    char *all = run_ok ((const char *[]) { "-q", trace, NULL });
    GPtrArray *names = text_tables (all);
    g_assert_cmpuint (names->len, >, 10);
    g_ptr_array_unref (names);
    struct {
        const char *args[5];
        const char *patterns[3];
    } cases[] = {
        { { "--wakeup-stats", NULL }, { "wakeup.*", NULL } },
        { { "--switch-stats", NULL }, { "switch.*", NULL } },
        { { "--cpu-stats", NULL }, { "cpu.*", NULL } },
        { { "--tables", "cpu.cpus,switch.*", NULL }, { "cpu.cpus", "switch.*", NULL } },
        { { "--tables", "cpu.cpus", "--tables", "switch.*", NULL }, { "cpu.cpus", "switch.*", NULL } },
        { { "--tables", "timeline.*", NULL }, { "timeline.*", NULL } },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        const char *args[9] = { "-q", NULL };
        guint n = 1;
        for (const char *const *a = cases[i].args; *a; a++)
            args[n++] = *a;
        args[n++] = trace;
        char *text = run_ok (args);
        names = text_tables (text);
        assert_all_match (names, cases[i].patterns);
        g_ptr_array_unref (names);
        /* findings and the input quality stay */
        g_assert_nonnull (strstr (text, "== Findings =="));
        g_assert_nonnull (strstr (text, "== Input quality =="));
        g_free (text);
    }
    /* the same selection in every sink */
    char *dir = tmp ("tables/");
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "-q", "--switch-stats", "-f", "json",
                                                          "-f", "csv", "-f", "html", "-o", dir,
                                                          trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    fta_test_run_clear (&r);
    char *path = g_build_filename (dir, "report.json", NULL);
    JsonParser *p = json_parser_new ();
    g_assert_true (json_parser_load_from_file (p, path, NULL));
    JsonObject *tables = json_object_get_object_member (fta_test_root (p), "tables");
    GList *members = json_object_get_members (tables);
    names = g_ptr_array_new_with_free_func (g_free);
    for (GList *m = members; m; m = m->next)
        g_ptr_array_add (names, g_strdup (m->data));
    g_list_free (members);
    assert_all_match (names, (const char *[]) { "switch.*", NULL });
    g_ptr_array_unref (names);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (fta_test_root (p),
                                                                            "findings")),
                      >, 0);
    g_object_unref (p);
    g_free (path);
    path = g_build_filename (dir, "report.csv", NULL);
    char *csv = read_file (path);
    names = g_ptr_array_new_with_free_func (g_free);
    char **lines = g_strsplit (csv, "\n", -1);
    for (char **l = lines + 1; *l && **l; l++)
        if (!g_str_has_prefix (*l, "quality,"))
            g_ptr_array_add (names, g_strndup (*l, strcspn (*l, ",")));
    g_strfreev (lines);
    assert_all_match (names, (const char *[]) { "switch.*", NULL });
    g_ptr_array_unref (names);
    g_free (csv);
    g_free (path);
    path = g_build_filename (dir, "report.html", NULL);
    char *html = read_file (path);
    g_assert_nonnull (strstr (html, "data-table=\"switch.tasks\""));
    g_assert_null (strstr (html, "data-table=\"cpu.cpus\""));
    g_assert_null (strstr (html, "data-table=\"wakeup.tasks\""));
    g_free (html);
    g_free (path);
    g_free (dir);
    /* compare: the compared tables go by their own names too */
    r = fta_test_run_argv ((const char *[]) { "compare", "-q", "--cpu-stats", trace, trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    names = text_tables (r.out);
    assert_all_match (names, (const char *[]) { "compare.cpu.*", NULL });
    g_ptr_array_unref (names);
    fta_test_run_clear (&r);
    /* a name that matches nothing: said, with the nearest */
    r = fta_test_run_argv ((const char *[]) { "--tables", "switch.task", trace, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_nonnull (strstr (r.err, "no table is named 'switch.task'; did you mean "
                                     "'switch.tasks'?"));
    names = text_tables (r.out);
    g_assert_cmpuint (names->len, ==, 0);
    g_ptr_array_unref (names);
    fta_test_run_clear (&r);
    r = fta_test_run_argv ((const char *[]) { "--tables", ",", trace, NULL });
    g_assert_cmpint (r.rc, ==, 2);
    fta_test_run_clear (&r);
    g_free (all);
}

/* --- colour --------------------------------------------------------------------- */

static gboolean
has_escape (const char *text)
{
    return strchr (text, '\033') != NULL;
}

/* Runs SHELL_CMD under a pseudo-terminal (script(1)); NULL without it. */
static char *
on_terminal (const char *shell_cmd)
{
    char *script = g_find_program_in_path ("script");
    if (!script)
        return NULL;
    char *quoted = g_shell_quote (shell_cmd);
    char *cmd = g_strdup_printf ("%s -qec %s /dev/null", script, quoted);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 0);
    char *out = r.out;
    r.out = NULL;
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (quoted);
    g_free (script);
    return out;
}

static void
test_color (void)
{
    /* a recording with findings of two severities */
    /* not a terminal: none unless asked for */
    char *o = run_ok ((const char *[]) { "-q", warned, NULL });
    g_assert_false (has_escape (o));
    g_free (o);
    o = run_ok ((const char *[]) { "-q", "--color=auto", warned, NULL });
    g_assert_false (has_escape (o));
    g_free (o);
    o = run_ok ((const char *[]) { "-q", "--color", "always", warned, NULL });
    /* only the severities are coloured, each closed again */
    g_assert_nonnull (strstr (o, "\033[1;33m[warning]\033[0m "));
    g_assert_nonnull (strstr (o, "\033[36m[info]\033[0m "));
    char *plain = run_ok ((const char *[]) { "-q", "--color=never", warned, NULL });
    g_assert_false (has_escape (plain));
    GRegex *sgr = g_regex_new ("\033\\[[0-9;]*m", 0, 0, NULL);
    char *stripped = g_regex_replace_literal (sgr, o, -1, 0, "", 0, NULL);
    g_assert_cmpstr (stripped, ==, plain);
    g_free (stripped);
    g_regex_unref (sgr);
    g_free (plain);
    g_free (o);
    /* never in a file, even when asked for */
    char *path = tmp ("color.txt");
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "-q", "--color=always", "-o", path,
                                                          warned, NULL });
    g_assert_cmpint (r.rc, ==, 0);
    char *text = read_file (path);
    g_assert_false (has_escape (text));
    g_assert_nonnull (strstr (text, "[warning]"));
    g_free (text);
    fta_test_run_clear (&r);
    g_free (path);
    /* on a terminal: coloured by default; NO_COLOR and never turn it off,
     * always wins over NO_COLOR */
    char *cmd = g_strdup_printf ("TERM=xterm \"$FTA_BIN\" -q '%s'", warned);
    o = on_terminal (cmd);
    g_free (cmd);
    if (!o) {
        g_test_skip ("no script(1) to run the binary on a terminal");
        return;
    }
    g_assert_nonnull (strstr (o, "\033[1;33m[warning]"));
    g_free (o);
    struct {
        const char *env, *opt;
        gboolean colour;
    } cases[] = {
        { "NO_COLOR=1", "", FALSE },
        { "NO_COLOR=", "", TRUE },
        { "", "--color=never", FALSE },
        { "NO_COLOR=1", "--color=always", TRUE },
        { "TERM=dumb", "", FALSE },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        cmd = g_strdup_printf ("TERM=xterm %s \"$FTA_BIN\" -q %s '%s'", cases[i].env,
                               cases[i].opt, warned);
        o = on_terminal (cmd);
        g_test_message ("%s", cmd);
        g_assert_true (strstr (o, "\033[1;33m[warning]") ? cases[i].colour : !cases[i].colour);
        g_free (o);
        g_free (cmd);
    }
}

/* --- progress ------------------------------------------------------------------- */

/* Each refresh of the progress line fits COLUMNS - 1 and no line ends. */
static void
assert_progress_fits (const char *err, guint columns)
{
    g_assert_null (strchr (err, '\n'));
    g_assert_true (g_str_has_prefix (err, "\r"));
    char **parts = g_strsplit (err + 1, "\r", -1);
    guint shown = 0;
    for (char **p = parts; *p; p++) {
        g_assert_true (g_str_has_suffix (*p, "\033[K"));
        (*p)[strlen (*p) - 3] = '\0';
        g_assert_null (strchr (*p, '\033'));
        g_assert_cmpint (g_utf8_strlen (*p, -1), <=, (glong) columns - 1);
        shown += **p != '\0';
    }
    g_assert_cmpuint (shown, >=, 1);
    g_strfreev (parts);
}

static void
test_progress_width (void)
{
    for (guint columns = 5; columns <= 125; columns += 15) {
        char *cmd = g_strdup_printf ("COLUMNS=%u FTA_PROGRESS=always FTA_PIPELINE_BLOCK=4096 "
                                     "\"$FTA_BIN\" events -j 2 '%s' >/dev/null", columns, trace);
        FtaTestRun r = fta_test_run_sh (cmd);
        g_assert_cmpint (r.rc, ==, 0);
        g_test_message ("%u columns: %s", columns, r.err);
        assert_progress_fits (r.err, columns);
        /* wide enough: the whole line */
        if (columns >= 80)
            g_assert_nonnull (strstr (r.err, "\rftrace-analyzer: 100% of lossy.txt, "));
        fta_test_run_clear (&r);
        g_free (cmd);
    }
    /* a terminal's own width (script(1) gives a pseudo-terminal) */
    char *cmd = g_strdup_printf ("stty cols 30; FTA_PROGRESS=always \"$FTA_BIN\" events -j 2 "
                                 "'%s' 2>&1 >/dev/null", trace);
    char *out = on_terminal (cmd);
    g_free (cmd);
    if (!out) {
        g_test_skip ("no script(1) to run the binary on a terminal");
        return;
    }
    /* the terminal turns "\n" into "\r\n" */
    char *last = g_strrstr (out, "\r\033[K");
    g_assert_nonnull (last);
    last[4] = '\0';
    g_test_message ("%s", out);
    assert_progress_fits (out, 30);
    g_free (out);
}

/* --- the overview as an image --------------------------------------------------- */

static void
test_image_output (void)
{
    char *scratch = tmp ("scratch");
    g_mkdir (scratch, 0700);
    char *gnuplot = g_find_program_in_path ("gnuplot");
    struct {
        const char *name;
        const char *magic;
    } cases[] = { { "overview.png", "\x89PNG" }, { "overview.svg", "<?xml" },
                  { "OVER.SVG", "<?xml" } };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *path = tmp (cases[i].name);
        char *cmd = g_strdup_printf ("TMPDIR='%s' \"$FTA_BIN\" -o '%s' '%s'", scratch, path,
                                     trace);
        FtaTestRun r = fta_test_run_sh (cmd);
        if (!gnuplot) {
            /* an error that says what to do, and no empty image left */
            g_assert_cmpint (r.rc, ==, 1);
            g_assert_nonnull (strstr (r.err, "needs gnuplot"));
            g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
        } else {
            g_assert_cmpint (r.rc, ==, 0);
            char *img = read_file (path);
            g_assert_true (g_str_has_prefix (img, cases[i].magic));
            if (cases[i].magic[0] == '<')
                g_assert_nonnull (strstr (img, "<svg"));
            g_free (img);
        }
        /* nothing beside the image, and the scratch directory is gone */
        GDir *d = g_dir_open (scratch, 0, NULL);
        g_assert_null (g_dir_read_name (d));
        g_dir_close (d);
        char *stem = g_strndup (cases[i].name, strcspn (cases[i].name, "."));
        d = g_dir_open (tmpdir, 0, NULL);
        const char *f;
        guint n = 0;
        while ((f = g_dir_read_name (d)))
            n += g_str_has_prefix (f, stem) && f[strlen (stem)] == '.';
        g_dir_close (d);
        g_assert_cmpuint (n, ==, gnuplot ? 1 : 0);
        g_free (stem);
        fta_test_run_clear (&r);
        g_unlink (path);
        g_free (cmd);
        g_free (path);
    }
    if (gnuplot) {
        /* without gnuplot on PATH: an error, and no empty image */
        char *path = tmp ("nogp.png");
        char *cmd = g_strdup_printf ("PATH=/nonexistent \"$FTA_BIN\" -o '%s' '%s'", path, trace);
        FtaTestRun r = fta_test_run_sh (cmd);
        g_assert_cmpint (r.rc, ==, 1);
        g_assert_nonnull (strstr (r.err, "drawing nogp.png needs gnuplot on PATH"));
        g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
        fta_test_run_clear (&r);
        g_free (cmd);
        g_free (path);
    }
    g_rmdir (scratch);
    g_free (scratch);
    g_free (gnuplot);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-usage-XXXXXX", NULL);
    char *gz = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                      "lossy_ftrace_default.txt.gz", NULL);
    trace = tmp ("lossy.txt");
    char *gz2 = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                       "cpu_contention_ftrace_default.txt.gz", NULL);
    warned = tmp ("contention.txt");
    char *cmd = g_strdup_printf ("gzip -dc '%s' > '%s' && gzip -dc '%s' > '%s'", gz, trace,
                                 gz2, warned);
    g_free (fta_test_sh_ok (cmd));
    g_free (cmd);
    g_free (gz);
    g_free (gz2);

    g_test_add_func ("/usage/help/global", test_global_help);
    g_test_add_func ("/usage/help/per-command", test_command_help);
    g_test_add_func ("/usage/did-you-mean", test_did_you_mean);
    g_test_add_func ("/usage/formats/names", test_format_names);
    g_test_add_func ("/usage/formats/from-extension", test_format_from_extension);
    g_test_add_func ("/usage/formats/contradicting-extension",
                     test_format_contradicts_extension);
    g_test_add_func ("/usage/formats/image", test_image_output);
    g_test_add_func ("/usage/tables", test_tables);
    g_test_add_func ("/usage/color", test_color);
    g_test_add_func ("/usage/progress-width", test_progress_width);
    int rc = g_test_run ();
    fta_test_remove_dir (tmpdir);
    g_free (trace);
    g_free (warned);
    g_free (tmpdir);
    return rc;
}
