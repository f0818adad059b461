/* test-html.c - the HTML report: self-contained, every section there, the
 * numbers those of the JSON of the same run, comms escaped, series drawn. */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;

#define run fta_test_run_in

#define read_text fta_test_read

static char *
unescape (const char *s, gsize n)
{
    GString *o = g_string_new (NULL);
    static const struct { const char *e, *c; } ents[] = {
        { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
        { "&#39;", "'" },
    };
    for (gsize i = 0; i < n;) {
        gboolean done = FALSE;
        for (guint k = 0; k < G_N_ELEMENTS (ents) && !done; k++) {
            gsize l = strlen (ents[k].e);
            if (i + l <= n && strncmp (s + i, ents[k].e, l) == 0) {
                g_string_append (o, ents[k].c);
                i += l;
                done = TRUE;
            }
        }
        if (!done)
            g_string_append_c (o, s[i++]);
    }
    return g_string_free (o, FALSE);
}

/* No resource from anywhere else: no URL, no src=, no stylesheet link. */
static void
check_self_contained (const char *html)
{
    g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
    g_assert_null (strstr (html, "http://"));
    g_assert_null (strstr (html, "https://"));
    g_assert_null (strstr (html, "src="));
    g_assert_null (strstr (html, "<link"));
    g_assert_null (strstr (html, "@import"));
    g_assert_null (strstr (html, "url("));
    g_assert_nonnull (strstr (html, "</html>"));
}

static gboolean
has_section (const char *html, const char *id)
{
    char *needle = g_strdup_printf ("<section id=\"%s\">", id);
    gboolean found = strstr (html, needle) != NULL;
    g_free (needle);
    return found;
}

static gboolean
json_has_prefix (JsonObject *o, const char *prefix)
{
    gboolean found = FALSE;
    GList *names = json_object_get_members (o);
    for (GList *l = names; l; l = l->next)
        found |= g_str_has_prefix (l->data, prefix);
    g_list_free (names);
    return found;
}

/* The first data row of table NAME: each cell's data-v if it has one,
 * else its text, unescaped. */
static GPtrArray *
first_row (const char *html, const char *name)
{
    char *needle = g_strdup_printf ("data-table=\"%s\"", name);
    const char *p = strstr (html, needle);
    g_free (needle);
    g_assert_nonnull (p);
    p = strstr (p, "<tbody>");
    g_assert_nonnull (p);
    const char *end = strstr (p, "</tr>");
    g_assert_nonnull (end);
    GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
    while ((p = strstr (p, "<td")) && p < end) {
        const char *gt = strchr (p, '>'), *close = strstr (gt, "</td>");
        const char *dv = g_strstr_len (p, gt - p, "data-v=\"");
        if (dv) {
            dv += 8;
            g_ptr_array_add (cells, g_strndup (dv, strchr (dv, '"') - dv));
        } else {
            g_ptr_array_add (cells, unescape (gt + 1, close - gt - 1));
        }
        p = close;
    }
    return cells;
}

/* The names (data-col) of the columns of the first table NAME. */
static GPtrArray *
first_columns (const char *html, const char *name)
{
    char *needle = g_strdup_printf ("data-table=\"%s\"", name);
    const char *p = strstr (html, needle);
    g_free (needle);
    g_assert_nonnull (p);
    const char *end = strstr (p, "<tbody>");
    g_assert_nonnull (end);
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
    while ((p = strstr (p, "data-col=\"")) && p < end) {
        p += 10;
        g_ptr_array_add (names, g_strndup (p, strchr (p, '"') - p));
    }
    return names;
}

static void
check_first_rows (const char *html, JsonObject *tables)
{
    GList *names = json_object_get_members (tables);
    for (GList *l = names; l; l = l->next) {
        JsonArray *rows = json_object_get_array_member (
            json_object_get_object_member (tables, l->data), "rows");
        if (json_array_get_length (rows) == 0)
            continue;
        JsonArray *jr = json_array_get_array_element (rows, 0);
        JsonArray *jc = json_object_get_array_member (
            json_object_get_object_member (tables, l->data), "columns");
        GPtrArray *cells = first_row (html, l->data);
        GPtrArray *heads = first_columns (html, l->data);
        g_assert_cmpuint (cells->len, ==, heads->len);
        /* the table shown first has every column but details */
        g_assert_cmpuint (cells->len, <=, json_array_get_length (jr));
        for (guint c = 0, j = 0; c < cells->len; c++, j++) {
            while (j < json_array_get_length (jc)
                   && g_strcmp0 (json_object_get_string_member (
                                     json_array_get_object_element (jc, j), "name"),
                                 g_ptr_array_index (heads, c)) != 0)
                j++;
            g_assert_cmpuint (j, <, json_array_get_length (jc));
            JsonNode *n = json_array_get_element (jr, j);
            const char *v = g_ptr_array_index (cells, c);
            if (JSON_NODE_HOLDS_NULL (n))
                g_assert_cmpstr (v, ==, "–");
            else if (json_node_get_value_type (n) == G_TYPE_STRING)
                g_assert_cmpstr (v, ==, json_node_get_string (n));
            else if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
                g_assert_cmpfloat_with_epsilon (g_ascii_strtod (v, NULL),
                                                json_node_get_double (n), 1e-9);
            else
                g_assert_cmpint (g_ascii_strtoll (v, NULL, 10), ==, json_node_get_int (n));
        }
        g_ptr_array_unref (cells);
        g_ptr_array_unref (heads);
    }
    g_list_free (names);
}

static void
test_corpus (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                         "qemu_tcg_ftrace_default.txt.gz", NULL);
    char *html_path = g_build_filename (tmpdir, "corpus.html", NULL);
    char *json_path = g_build_filename (tmpdir, "corpus.json", NULL);
    const char *a1[] = { "report", "-q", trace, "-o", html_path, NULL };
    g_assert_cmpint (run (NULL, a1, NULL), ==, 0);
    const char *a2[] = { "-q", "-f", "json", "-o", json_path, trace, NULL };
    g_assert_cmpint (run (NULL, a2, NULL), ==, 0);

    char *html = read_text (html_path);
    check_self_contained (html);
    JsonParser *jp = json_parser_new ();
    g_assert_true (json_parser_load_from_file (jp, json_path, NULL));
    JsonObject *root = json_node_get_object (json_parser_get_root (jp));
    JsonObject *tables = json_object_get_object_member (root, "tables");
    JsonObject *series = json_object_get_object_member (root, "series");

    g_assert_true (has_section (html, "summary"));
    g_assert_true (has_section (html, "recommendations"));
    g_assert_true (has_section (html, "quality"));
    /* the analyzers of the default profile in this tree */
    static const struct { const char *prefix, *id; } secs[] = {
        { "switch.", "threads" }, { "wakeup.", "wakeups" }, { "cpu.", "cpus" },
        { "blocking.", "blocking" }, { "migration.", "migration" }, { "irq.", "irq" },
        { "kvm.", "vms" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (secs); i++)
        g_assert_true (has_section (html, secs[i].id) == json_has_prefix (tables, secs[i].prefix));
    g_assert_true (has_section (html, "threads"));
    g_assert_true (has_section (html, "blocking"));
    g_assert_true (has_section (html, "migration"));
    g_assert_true (has_section (html, "irq"));
    g_assert_true (has_section (html, "vms"));
    if (json_object_get_size (series) > 0) {
        g_assert_true (has_section (html, "timeline"));
        g_assert_nonnull (strstr (html, "<svg"));
    }
    /* every finding is in the recommendations, with its advice */
    JsonArray *findings = json_object_get_array_member (root, "findings");
    for (guint i = 0; i < json_array_get_length (findings); i++) {
        char *id = g_strdup_printf ("id=\"finding-%u\"", i + 1);
        g_assert_nonnull (strstr (html, id));
        g_free (id);
    }
    g_assert_nonnull (strstr (html, "Likely cause"));
    check_first_rows (html, tables);
    /* the quality numbers */
    JsonObject *q = json_object_get_object_member (root, "quality");
    char *lt = g_strdup_printf ("<code>lines_total</code></th><td class=\"n\">%" G_GINT64_FORMAT
                                "</td>", json_object_get_int_member (q, "lines_total"));
    g_assert_nonnull (strstr (html, lt));
    g_free (lt);

    g_object_unref (jp);
    g_free (html);
    g_unlink (html_path);
    g_unlink (json_path);
    g_free (html_path);
    g_free (json_path);
    g_free (trace);
}

/* comms are the kernel's bytes: markup in them stays text */
static void
test_escape (void)
{
    static const char trace[] =
        "         <b>&\"x-101     [000] d..2.   100.000100: sched_switch: prev_comm=<b>&\"x prev_pid=101 prev_prio=120 prev_state=D ==> next_comm=it's <i> next_pid=102 next_prio=120\n"
        "        it's <i>-102     [000] d..2.   100.000500: sched_waking: comm=<b>&\"x pid=101 prio=120 target_cpu=000\n"
        "        it's <i>-102     [000] d..2.   100.000600: sched_switch: prev_comm=it's <i> prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=<b>&\"x next_pid=101 next_prio=120\n"
        "         <b>&\"x-101     [000] d..2.   100.000900: sched_switch: prev_comm=<b>&\"x prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=it's <i> next_pid=102 next_prio=120\n";
    char *path = g_build_filename (tmpdir, "esc.txt", NULL);
    char *out = g_build_filename (tmpdir, "esc.html", NULL);
    g_assert_true (g_file_set_contents (path, trace, -1, NULL));
    const char *args[] = { "report", "-q", path, "-o", out, NULL };
    g_assert_cmpint (run (NULL, args, NULL), ==, 0);
    char *html = read_text (out);
    check_self_contained (html);
    g_assert_null (strstr (html, "<b>&\"x"));
    g_assert_null (strstr (html, "<i>"));
    g_assert_nonnull (strstr (html, "&lt;b&gt;&amp;&quot;x"));
    g_assert_nonnull (strstr (html, "it&#39;s &lt;i&gt;"));
    g_free (html);
    g_unlink (out);
    g_unlink (path);
    g_free (out);
    g_free (path);
}

/* series from a test plugin: lines for a few columns, a heatmap for many
 * keys, the numbers in the data table */
static void
test_series (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *cfg = g_build_filename (tmpdir, "series.cfg", NULL);
    char *out = g_build_filename (tmpdir, "series.html", NULL);
    char *plugdir = g_test_build_filename (G_TEST_BUILT, "plugins", ".libs", NULL);
    g_assert_true (g_file_set_contents (cfg, "analyzers = [ \"switch\", \"series\" ];\n", -1,
                                        NULL));
    const char *args[] = { "report", "-q", "--plugin-dir", plugdir, "-c", cfg, trace, "-o",
                           out, NULL };
    char *err;
    int rc = run (NULL, args, &err);
    if (rc)
        g_printerr ("%s", err);
    g_assert_cmpint (rc, ==, 0);
    g_free (err);
    char *html = read_text (out);
    check_self_contained (html);
    g_assert_true (has_section (html, "timeline"));
    g_assert_true (has_section (html, "threads"));
    g_assert_nonnull (strstr (html, "id=\"s-series.load\""));
    g_assert_nonnull (strstr (html, "<polyline"));
    g_assert_nonnull (strstr (html, "class=\"chart heat\""));
    g_assert_nonnull (strstr (html, "data-table=\"series.busy\""));
    g_free (html);
    g_unlink (out);
    g_unlink (cfg);
    g_free (plugdir);
    g_free (out);
    g_free (cfg);
    g_free (trace);
}

/* The CPU heatmap of the report at OUT: the SVG text of timeline.cpu_busy's
 * first heatmap (owned), and its row labels in order. */
static char *
heatmap_of (const char *html, GPtrArray *labels)
{
    const char *sec = strstr (html, "id=\"s-timeline.cpu_busy\"");
    g_assert_nonnull (sec);
    const char *svg = strstr (sec, "<svg class=\"chart heat\"");
    g_assert_nonnull (svg);
    const char *end = strstr (svg, "</svg>");
    g_assert_nonnull (end);
    for (const char *p = svg; (p = strstr (p, "<text class=\"yl\"")) && p < end; p++) {
        const char *a = strchr (p, '>') + 1, *b = strstr (a, "</text>");
        g_ptr_array_add (labels, unescape (a, b - a));
    }
    const char *legend = strstr (end, "</div>");
    return g_strndup (svg, legend - svg);
}

static char *
heat_report (const guint *cpus, guint n, const char *name)
{
    char *trace = fta_test_write_cpu_trace (tmpdir, name, cpus, n, 40);
    char *out = g_strconcat (trace, ".html", NULL);
    const char *args[] = { "report", "-q", trace, "-o", out, NULL };
    g_assert_cmpint (run (NULL, args, NULL), ==, 0);
    char *html = read_text (out);
    g_unlink (out);
    g_unlink (trace);
    g_free (out);
    g_free (trace);
    return html;
}

/* CPUs 0-5 and 10-13: a row each, in order, the missing 6-9 marked and
 * named, not drawn as idle. */
static void
test_heatmap_gap (void)
{
    guint cpus[] = { 0, 1, 2, 3, 4, 5, 10, 11, 12, 13 };
    char *html = heat_report (cpus, G_N_ELEMENTS (cpus), "heat-gap.txt");
    GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
    char *svg = heatmap_of (html, labels);
    g_assert_cmpuint (labels->len, ==, G_N_ELEMENTS (cpus));
    for (guint i = 0; i < labels->len; i++) {
        char *want = g_strdup_printf ("cpu %u", cpus[i]);
        g_assert_cmpstr (g_ptr_array_index (labels, i), ==, want);
        g_free (want);
    }
    g_assert_nonnull (strstr (svg, "class=\"gap\""));
    g_assert_nonnull (strstr (svg, "no events: cpu 6\u20139"));
    g_assert_nonnull (strstr (svg, "not shown, no events: cpu 6\u20139"));
    g_free (svg);
    g_ptr_array_free (labels, TRUE);
    g_free (html);
}

/* 130 CPUs: at most 64 rows, groups of 3 CPUs labelled by their range,
 * each with a mean and a maximum band. */
static void
test_heatmap_wide (void)
{
    guint cpus[130];
    for (guint i = 0; i < G_N_ELEMENTS (cpus); i++)
        cpus[i] = i;
    char *html = heat_report (cpus, G_N_ELEMENTS (cpus), "heat-wide.txt");
    GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
    char *svg = heatmap_of (html, labels);
    g_assert_cmpuint (labels->len, ==, 44); /* ceil (130 / 3) rows, each labelled */
    g_assert_cmpstr (g_ptr_array_index (labels, 0), ==, "cpu 0\u20132");
    g_assert_cmpstr (g_ptr_array_index (labels, 1), ==, "cpu 3\u20135");
    g_assert_cmpstr (g_ptr_array_index (labels, 43), ==, "cpu 129");
    g_assert_nonnull (strstr (svg, "each row: 3 CPUs, upper band their mean"));
    g_assert_nonnull (strstr (svg, ": mean "));
    g_assert_nonnull (strstr (svg, ": max "));
    g_assert_null (strstr (svg, "class=\"gap\""));
    g_free (svg);
    g_ptr_array_free (labels, TRUE);
    g_free (html);
}

/* 192 VMs (tests/data/wide: VM k is tgid 14046 + k x 32768): the steal
 * heatmap has 64 rows of 3 VMs, and every label fits the margin (15
 * characters), the whole of it in its tooltip. */
static void
test_heatmap_vms (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "wide", "qemu_tcg_384cpus.txt.xz",
                                         NULL);
    char *out = g_build_filename (tmpdir, "vms.html", NULL);
    const char *args[] = { "report", "-q", trace, "-o", out, NULL };
    g_assert_cmpint (run (NULL, args, NULL), ==, 0);
    char *html = read_text (out);
    const char *sec = strstr (html, "id=\"s-kvm.vm_steal\"");
    g_assert_nonnull (sec);
    const char *svg = strstr (sec, "<svg class=\"chart heat\"");
    g_assert_nonnull (svg);
    const char *end = strstr (svg, "</svg>");
    guint n = 0;
    for (const char *p = svg; (p = strstr (p, "<text class=\"yl\"")) && p < end; p++, n++) {
        const char *a = strchr (p, '>') + 1, *b = strstr (a, "</text>");
        const char *t = g_strstr_len (a, b - a, "<title>");
        char *shown = unescape (a, (t ? t : b) - a);
        g_assert_cmpint (g_utf8_strlen (shown, -1), <=, 15);
        if (n == 0) {
            g_assert_cmpstr (shown, ==, "vm 14046\u2026 +2");
            g_assert_nonnull (t);
            g_assert_true (g_str_has_prefix (t, "<title>vm 14046 qemu-system-x86 \u2026 vm 79582 "));
        }
        g_free (shown);
    }
    /* 64 rows, labelled every other one at this height */
    g_assert_cmpuint (n, ==, 32);
    g_assert_nonnull (strstr (svg, "each row: 3 VMs, upper band their mean"));
    g_free (html);
    g_unlink (out);
    g_free (out);
    g_free (trace);
}

/* report without -o writes report.html where it runs; -f is refused */
static void
test_default_output (void)
{
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "tiny-tracefs.txt", NULL);
    char *dir = g_build_filename (tmpdir, "cwd", NULL);
    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    const char *args[] = { "report", trace, NULL };
    char *err;
    g_assert_cmpint (run (dir, args, &err), ==, 0);
    g_assert_nonnull (strstr (err, "report.html"));
    g_free (err);
    char *out = g_build_filename (dir, "report.html", NULL);
    char *html = read_text (out);
    check_self_contained (html);
    g_free (html);
    const char *bad[] = { "report", "-f", "json", trace, NULL };
    g_assert_cmpint (run (dir, bad, &err), ==, 2);
    g_assert_nonnull (strstr (err, "-f does not apply"));
    g_free (err);
    g_unlink (out);
    g_rmdir (dir);
    g_free (out);
    g_free (dir);
    g_free (trace);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-html-XXXXXX", NULL);
    g_test_add_func ("/html/corpus/qemu_tcg", test_corpus);
    g_test_add_func ("/html/escape", test_escape);
    g_test_add_func ("/html/series", test_series);
    g_test_add_func ("/html/heatmap/gap", test_heatmap_gap);
    g_test_add_func ("/html/heatmap/wide", test_heatmap_wide);
    g_test_add_func ("/html/heatmap/vms", test_heatmap_vms);
    g_test_add_func ("/html/report/default-output", test_default_output);
    int rc = g_test_run ();
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
