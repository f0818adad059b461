/* test-gnuplot.c - the gnuplot sink: a .dat and a .gp file for every
 * series (and the latency histograms), the .dat rows equal to the JSON
 * document of the same run; with gnuplot installed, its scripts run
 * without a warning and draw non-empty PNG or SVG images. */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

#define corpus() fta_test_corpus ("qemu_tcg_ftrace_default.txt.gz")

/* Runs the CLI with ARGS; returns the exit status, standard error in ERR. */
#define run(args, err) fta_test_run_in (NULL, args, err)

/* gnuplot's messages reach the CLI's standard error: none may be a
 * warning or an error */
static void
assert_quiet (const char *err)
{
    char *low = g_ascii_strdown (err, -1);
    if (strstr (low, "warning") || strstr (low, "error"))
        g_error ("gnuplot complained:\n%s", err);
    g_free (low);
}

static void
assert_file (const char *dir, const char *name, gboolean nonempty)
{
    char *path = g_build_filename (dir, name, NULL);
    GStatBuf st;
    if (g_stat (path, &st) != 0)
        g_error ("missing %s", path);
    if (nonempty)
        g_assert_cmpint (st.st_size, >, 0);
    g_free (path);
}

/* whitespace-separated fields, "..." one field */
static GPtrArray *
split_fields (const char *line)
{
    GPtrArray *f = g_ptr_array_new_with_free_func (g_free);
    const char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *start = p;
        if (*p == '"') {
            start = ++p;
            while (*p && *p != '"')
                p++;
            g_ptr_array_add (f, g_strndup (start, p - start));
            if (*p)
                p++;
        } else {
            while (*p && *p != ' ' && *p != '\t')
                p++;
            g_ptr_array_add (f, g_strndup (start, p - start));
        }
    }
    return f;
}

/* STEM.NAME.dat holds the rows of the JSON table T, a series' first
 * column in seconds */
static void
check_dat (const char *dir, const char *name, JsonObject *t, gboolean series)
{
    char *file = g_strdup_printf ("report.%s.dat", name);
    char *path = g_build_filename (dir, file, NULL), *text;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    JsonArray *jrows = json_object_get_array_member (t, "rows");
    char **lines = g_strsplit (text, "\n", -1);
    guint r = 0;
    for (char **l = lines; *l; l++) {
        if (!(*l)[0] || (*l)[0] == '#')
            continue;
        g_assert_cmpuint (r, <, json_array_get_length (jrows));
        JsonArray *jr = json_array_get_array_element (jrows, r);
        GPtrArray *f = split_fields (*l);
        g_assert_cmpuint (f->len, ==, json_array_get_length (jr));
        for (guint c = 0; c < f->len; c++) {
            JsonNode *n = json_array_get_element (jr, c);
            const char *v = g_ptr_array_index (f, c);
            if (JSON_NODE_HOLDS_NULL (n))
                g_assert_true (strcmp (v, "NaN") == 0 || strcmp (v, "") == 0);
            else if (json_node_get_value_type (n) == G_TYPE_STRING)
                g_assert_true (strchr (json_node_get_string (n), '"')
                               || strcmp (v, json_node_get_string (n)) == 0);
            else if (series && c == 0)
                g_assert_cmpint (llround (g_ascii_strtod (v, NULL) * 1e9), ==,
                                 json_node_get_int (n));
            else if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
                g_assert_cmpfloat (g_ascii_strtod (v, NULL), ==, json_node_get_double (n));
            else
                g_assert_cmpint (g_ascii_strtoll (v, NULL, 10), ==, json_node_get_int (n));
        }
        g_ptr_array_unref (f);
        r++;
    }
    g_assert_cmpuint (r, ==, json_array_get_length (jrows));
    g_strfreev (lines);
    g_free (text);
    g_free (path);
    g_free (file);
}

/* -f json -f gnuplot -o DIR/, with profile text CFG (or none) */
static void
check_run (const char *cfg, const char *ext)
{
    char *dir = g_dir_make_tmp ("fta-gp-XXXXXX", NULL);
    char *out = g_strconcat (dir, "/out/", NULL);
    char *trace = corpus ();
    char *cfg_path = g_build_filename (dir, "p.cfg", NULL);
    g_assert_true (g_file_set_contents (cfg_path, cfg ? cfg : "", -1, NULL));
    const char *args[] = { "-q", "-c", cfg_path, "-f", "json", "-f", "gnuplot", "-o", out,
                           trace, NULL };
    char *err = NULL;
    int rc = run (args, &err);
    if (rc)
        g_printerr ("%s", err);
    g_assert_cmpint (rc, ==, 0);
    char *gnuplot = g_find_program_in_path ("gnuplot");
    gboolean have = gnuplot != NULL;
    g_free (gnuplot);
    if (have)
        assert_quiet (err);
    g_free (err);

    char *json_path = g_build_filename (out, "report.json", NULL);
    JsonParser *jp = json_parser_new ();
    g_assert_true (json_parser_load_from_file (jp, json_path, NULL));
    JsonObject *root = json_node_get_object (json_parser_get_root (jp));
    JsonObject *series = json_object_get_object_member (root, "series");
    g_assert_cmpuint (json_object_get_size (series), >, 0);
    GList *names = json_object_get_members (series);
    for (GList *n = names; n; n = n->next) {
        char *dat = g_strdup_printf ("report.%s.dat", (char *) n->data);
        char *gp = g_strdup_printf ("report.%s.gp", (char *) n->data);
        char *img = g_strdup_printf ("report.%s.%s", (char *) n->data, ext);
        assert_file (out, dat, FALSE);
        assert_file (out, gp, TRUE);
        if (have)
            assert_file (out, img, TRUE);
        check_dat (out, n->data, json_object_get_object_member (series, n->data), TRUE);
        g_free (dat);
        g_free (gp);
        g_free (img);
    }
    g_list_free (names);
    /* the latency histograms, a table */
    JsonObject *tables = json_object_get_object_member (root, "tables");
    g_assert_true (json_object_has_member (tables, "wakeup.latency_hist"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                          json_object_get_object_member (tables, "wakeup.latency_hist"),
                          "rows")),
                      >, 0);
    check_dat (out, "wakeup.latency_hist",
               json_object_get_object_member (tables, "wakeup.latency_hist"), FALSE);
    assert_file (out, "report.gp", TRUE);
    char *overview = g_strdup_printf ("report.%s", ext);
    char *hist = g_strdup_printf ("report.wakeup.latency_hist.%s", ext);
    if (have) {
        assert_file (out, overview, TRUE);
        assert_file (out, hist, TRUE);
    } else {
        assert_file (out, "report.README.txt", TRUE);
    }
    g_free (hist);
    g_free (overview);
    g_object_unref (jp);
    g_free (json_path);
    fta_test_remove_dir (dir);
    g_free (cfg_path);
    g_free (trace);
    g_free (out);
    g_free (dir);
}

static void
test_png (void)
{
    check_run (NULL, "png");
}

static void
test_svg (void)
{
    check_run ("sinks = [\"gnuplot\"];\nplugins = { gnuplot = { format = \"svg\"; }; };\n",
               "svg");
}

/* run = false: the data and scripts, no images, and a README saying how */
static void
test_no_run (void)
{
    char *dir = g_dir_make_tmp ("fta-gpn-XXXXXX", NULL);
    char *out = g_strconcat (dir, "/", NULL);
    char *trace = corpus ();
    char *cfg = g_build_filename (dir, "p.cfg", NULL);
    g_assert_true (g_file_set_contents (
        cfg, "plugins = { gnuplot = { run = false; }; };\n", -1, NULL));
    const char *args[] = { "-q", "-c", cfg, "-f", "gnuplot", "-o", out, trace, NULL };
    g_assert_cmpint (run (args, NULL), ==, 0);
    assert_file (dir, "report.timeline.events.dat", TRUE);
    char *png = g_build_filename (dir, "report.png", NULL);
    g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
    char *readme = g_build_filename (dir, "report.README.txt", NULL), *text;
    g_assert_true (g_file_get_contents (readme, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "gnuplot report.gp"));
    g_free (text);
    fta_test_remove_dir (dir);
    g_free (readme);
    g_free (png);
    g_free (cfg);
    g_free (trace);
    g_free (out);
    g_free (dir);
}

/* The heatmap's script for CPUS (run = false): its ytics line. */
static char *
heat_ytics (const guint *cpus, guint n, char **title)
{
    char *dir = g_dir_make_tmp ("fta-gph-XXXXXX", NULL);
    char *out = g_strconcat (dir, "/", NULL);
    char *trace = fta_test_write_cpu_trace (dir, "t.txt", cpus, n, 40);
    char *cfg = g_build_filename (dir, "p.cfg", NULL);
    g_assert_true (g_file_set_contents (
        cfg, "plugins = { gnuplot = { run = false; }; };\n", -1, NULL));
    const char *args[] = { "-q", "-c", cfg, "-f", "gnuplot", "-o", out, trace, NULL };
    g_assert_cmpint (run (args, NULL), ==, 0);
    char *gp = g_build_filename (dir, "report.timeline.cpu_busy.gp", NULL), *text;
    g_assert_true (g_file_get_contents (gp, &text, NULL, NULL));
    char *ytics = NULL;
    char **lines = g_strsplit (text, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix (*l, "set ytics ("))
            ytics = g_strdup (*l);
        if (g_str_has_prefix (*l, "set title ") && !*title)
            *title = g_strdup (*l);
    }
    g_strfreev (lines);
    g_assert_nonnull (ytics);
    g_free (text);
    fta_test_remove_dir (dir);
    g_free (gp);
    g_free (cfg);
    g_free (trace);
    g_free (out);
    g_free (dir);
    return ytics;
}

/* A row per CPU seen, so 6-9 (no events) take no room; past 64, groups. */
static void
test_heatmap_rows (void)
{
    guint gap[] = { 0, 1, 2, 10, 11 };
    char *title = NULL;
    char *y = heat_ytics (gap, G_N_ELEMENTS (gap), &title);
    g_assert_cmpstr (y, ==, "set ytics (\"0\" 0, \"1\" 1, \"2\" 2, \"10\" 3, \"11\" 4)");
    g_assert_null (strstr (title, "each row"));
    g_free (y);
    g_free (title);
    guint wide[130];
    for (guint i = 0; i < G_N_ELEMENTS (wide); i++)
        wide[i] = i;
    title = NULL;
    y = heat_ytics (wide, G_N_ELEMENTS (wide), &title);
    /* 44 rows of 3 CPUs (the last one alone), a label on every other */
    g_assert_true (g_str_has_prefix (y, "set ytics (\"0-2\" 0, \"6-8\" 2, "));
    g_assert_true (g_str_has_suffix (y, ", \"126-128\" 42)"));
    g_assert_nonnull (strstr (title, "each row 3 CPUs"));
    g_free (y);
    g_free (title);
}

/* 192 VMs (tests/data/wide: VM k is tgid 14046 + k x 32768): their steal
 * is a heatmap of 64 rows of 3 VMs, not 20 lines of the first VMs. */
static void
test_heatmap_vms (void)
{
    char *dir = g_dir_make_tmp ("fta-gpv-XXXXXX", NULL);
    char *out = g_strconcat (dir, "/", NULL);
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "wide", "qemu_tcg_384cpus.txt.xz",
                                         NULL);
    char *cfg = g_build_filename (dir, "p.cfg", NULL);
    g_assert_true (g_file_set_contents (
        cfg, "plugins = { gnuplot = { run = false; }; };\n", -1, NULL));
    const char *args[] = { "-q", "-c", cfg, "-f", "gnuplot", "-o", out, trace, NULL };
    g_assert_cmpint (run (args, NULL), ==, 0);
    char *gp = g_build_filename (dir, "report.kvm.vm_steal.gp", NULL), *text;
    g_assert_true (g_file_get_contents (gp, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "each row 3 VMs, upper band their mean"));
    g_assert_nonnull (strstr (text, "set ylabel \"VM\""));
    g_assert_nonnull (strstr (text, "set cblabel \"steal %\""));
    g_assert_nonnull (strstr (text, "set yrange [-0.5:63.5]"));
    /* the first group: the first three VMs; the last: the last three */
    g_assert_nonnull (strstr (text, "set ytics (\"14046-79582\" 0, "));
    char *last = g_strdup_printf ("\"%d-%d\" 62)", 14046 + 186 * 32768, 14046 + 188 * 32768);
    g_assert_nonnull (strstr (text, last));
    g_assert_null (strstr (text, "with steps"));
    g_free (last);
    g_free (text);
    fta_test_remove_dir (dir);
    g_free (gp);
    g_free (cfg);
    g_free (trace);
    g_free (out);
    g_free (dir);
}

static void
test_needs_output (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    const char *args[] = { "-f", "gnuplot", trace, NULL };
    char *err = NULL;
    g_assert_cmpint (run (args, &err), !=, 0);
    g_assert_nonnull (strstr (err, "give -o DIR/"));
    g_free (err);
    g_free (trace);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/gnuplot/png", test_png);
    g_test_add_func ("/gnuplot/svg", test_svg);
    g_test_add_func ("/gnuplot/no-run", test_no_run);
    g_test_add_func ("/gnuplot/needs-output", test_needs_output);
    g_test_add_func ("/gnuplot/heatmap-rows", test_heatmap_rows);
    g_test_add_func ("/gnuplot/heatmap-vms", test_heatmap_vms);
    return g_test_run ();
}
