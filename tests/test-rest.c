/* test-rest.c - tables that summarise what they leave out: on the wide
 * hosts of tests/data/wide (64 CPUs and 32 VMs, 384 CPUs and 192 VMs),
 * each text table shows at most --top rows and then a line saying how
 * many more there are and how they are distributed.  The line's numbers
 * are recomputed here from the JSON's rows, which have them all. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fta-test.h"

#define TOP 20

typedef struct {
    char *dir; /* owned: the outputs */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
    (void) data;
    f->dir = g_dir_make_tmp ("fta-rest-XXXXXX", NULL);
    g_assert_nonnull (f->dir);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
    (void) data;
    fta_test_remove_dir (f->dir);
    g_free (f->dir);
}

/* A printed number P stands for X when they differ by at most half the
 * last digit P shows. */
static void
assert_printed (const char *table, const char *what, const char *p, double x)
{
    const char *dot = strchr (p, '.');
    int decimals = dot ? (int) strlen (dot + 1) : 0;
    double tol = 0.5 * pow (10, -decimals) + 1e-9;
    if (fabs (g_ascii_strtod (p, NULL) - x) > tol)
        g_error ("%s: %s printed %s, the JSON's rows give %.6f", table, what, p, x);
}

static int
cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* The column the rest line names by LABEL and UNIT ("run" in ms for
 * run_ns, "busy" in % for busy_pct, "time" for ns, "wakeups" with no
 * unit), from the JSON's columns. */
static const char *
column_of_label (JsonObject *table, const char *label, const char *unit, char **type)
{
    JsonArray *cols = json_object_get_array_member (table, "columns");
    static char found[64];
    char *want = !*unit                       ? g_strdup (label)
                 : strcmp (unit, "%") == 0    ? g_strconcat (label, "_pct", NULL)
                 : strcmp (label, "time") == 0 ? g_strdup ("ns")
                                               : g_strconcat (label, "_ns", NULL);
    for (guint i = 0; i < json_array_get_length (cols); i++) {
        JsonObject *c = json_array_get_object_element (cols, i);
        const char *name = json_object_get_string_member (c, "name");
        gboolean match = strcmp (name, want) == 0;
        if (match) {
            g_strlcpy (found, name, sizeof found);
            *type = g_strdup (json_object_get_string_member (c, "type"));
            g_free (want);
            return found;
        }
    }
    g_free (want);
    return NULL;
}

/* The rest line of table NAME checked against ROWS (all of them) from
 * the first not shown. */
static void
check_rest_line (const char *name, JsonObject *table, GPtrArray *rows, const char *line)
{
    guint rest = rows->len - TOP;
    GMatchInfo *mi;
    GRegex *re = g_regex_new ("^  \\.\\.\\. (\\d+) more (CPUs|tasks|VMs|rows)"
                              "(?: \\(([0-9,-]+)\\))?"
                              "(?:: (\\w+) ([0-9.]+) to ([0-9.]+) ?(%|ns|us|ms|s)?, "
                              "median ([0-9.]+) ?(?:%|ns|us|ms|s)?(?: \\((\\d+) with a value\\))?)?"
                              "(?:[;:] by comm: (.*))?"
                              " \\(all: --top 0, -f json\\)$",
                              0, 0, NULL);
    if (!g_regex_match (re, line, 0, &mi))
        g_error ("%s: the rest line does not read as expected: \"%s\"", name, line);
    char *n = g_match_info_fetch (mi, 1);
    g_assert_cmpuint (g_ascii_strtoull (n, NULL, 10), ==, rest);
    g_free (n);

    /* the CPUs left out, as ranges */
    char *cpus = g_match_info_fetch (mi, 3);
    char *noun = g_match_info_fetch (mi, 2);
    if (strcmp (noun, "CPUs") == 0) {
        g_assert_true (*cpus);
        GString *want = g_string_new (NULL);
        gint64 *ids = g_new (gint64, rest);
        for (guint r = 0; r < rest; r++)
            ids[r] = fta_test_cell_int (g_ptr_array_index (rows, TOP + r), "cpu");
        for (guint r = 1; r < rest; r++) /* insertion sort: few */
            for (guint k = r; k > 0 && ids[k - 1] > ids[k]; k--) {
                gint64 x = ids[k];
                ids[k] = ids[k - 1];
                ids[k - 1] = x;
            }
        for (guint i = 0; i < rest;) {
            guint j = i;
            while (j + 1 < rest && ids[j + 1] == ids[j] + 1)
                j++;
            g_string_append_printf (want, "%s%" G_GINT64_FORMAT, want->len ? "," : "", ids[i]);
            if (j > i)
                g_string_append_printf (want, "-%" G_GINT64_FORMAT, ids[j]);
            i = j + 1;
        }
        g_assert_cmpstr (cpus, ==, want->str);
        g_string_free (want, TRUE);
        g_free (ids);
    } else {
        g_assert_cmpstr (cpus, ==, "");
    }

    /* the metric: its smallest, largest and median value */
    char *label = g_match_info_fetch (mi, 4);
    if (*label) {
        char *type = NULL;
        char *unit = g_match_info_fetch (mi, 7);
        const char *col = column_of_label (table, label, unit, &type);
        if (!col)
            g_error ("%s: the rest line names %s, not a column", name, label);
        double scale = strcmp (type, "duration") != 0 ? 1
                       : strcmp (unit, "s") == 0      ? 1e9
                       : strcmp (unit, "ms") == 0     ? 1e6
                       : strcmp (unit, "us") == 0     ? 1e3
                                                      : 1;
        if (strcmp (type, "percent") == 0)
            g_assert_cmpstr (unit, ==, "%");
        double *v = g_new (double, rest);
        guint nv = 0;
        for (guint r = 0; r < rest; r++) {
            GHashTable *row = g_ptr_array_index (rows, TOP + r);
            JsonNode *cell = g_hash_table_lookup (row, col);
            if (!cell || JSON_NODE_HOLDS_NULL (cell))
                continue;
            v[nv++] = (strcmp (type, "percent") == 0 ? json_node_get_double (cell)
                                                      : (double) json_node_get_int (cell))
                      / scale;
        }
        g_assert_cmpuint (nv, >, 0);
        char *valued = g_match_info_fetch (mi, 9);
        g_assert_cmpuint (*valued ? g_ascii_strtoull (valued, NULL, 10) : rest, ==, nv);
        g_free (valued);
        qsort (v, nv, sizeof *v, cmp_double);
        char *lo = g_match_info_fetch (mi, 5), *hi = g_match_info_fetch (mi, 6),
             *med = g_match_info_fetch (mi, 8);
        assert_printed (name, "the smallest", lo, v[0]);
        assert_printed (name, "the largest", hi, v[nv - 1]);
        assert_printed (name, "the median", med, v[nv / 2]);
        g_free (lo);
        g_free (hi);
        g_free (med);
        g_free (v);
        g_free (unit);
        g_free (type);
    }

    /* by comm: how many of the rows left out each comm has, most first */
    char *by = g_match_info_fetch (mi, 10);
    /* by comm, unless the comm is the row's key */
    gboolean has_comm = TRUE;
    JsonArray *cols = json_object_get_array_member (table, "columns");
    for (guint i = 0; i < json_array_get_length (cols); i++) {
        JsonObject *c = json_array_get_object_element (cols, i);
        if (strcmp (json_object_get_string_member (c, "name"), "comm") == 0
            && json_object_get_boolean_member (c, "key"))
            has_comm = FALSE;
    }
    GHashTable *count = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint r = 0; r < rest && has_comm; r++) {
        JsonNode *cell = g_hash_table_lookup (g_ptr_array_index (rows, TOP + r), "comm");
        if (!cell) {
            has_comm = FALSE;
            break;
        }
        const char *c = JSON_NODE_HOLDS_NULL (cell) ? "-" : json_node_get_string (cell);
        g_hash_table_insert (count, (gpointer) c,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (count, c))
                                               + 1));
    }
    if (has_comm) {
        g_assert_true (*by);
        char **parts = g_strsplit (by, ", ", -1);
        guint listed = 0, prev = G_MAXUINT, more = 0;
        for (char **p = parts; *p; p++) {
            char *sp = strrchr (*p, ' ');
            g_assert_nonnull (sp);
            if (g_str_has_suffix (*p, " comms") || g_str_has_suffix (*p, " comm")) {
                g_assert_null (p[1]);
                more = (guint) g_ascii_strtoull (*p, NULL, 10);
                break;
            }
            char *comm = g_strndup (*p, (gsize) (sp - *p));
            guint c = (guint) g_ascii_strtoull (sp + 1, NULL, 10);
            g_assert_cmpuint (c, ==, GPOINTER_TO_UINT (g_hash_table_lookup (count, comm)));
            g_assert_cmpuint (c, <=, prev); /* the most frequent first */
            prev = c;
            listed++;
            g_free (comm);
        }
        g_assert_cmpuint (listed + more, ==, g_hash_table_size (count));
        /* none left out had more rows than the last listed */
        GHashTableIter it;
        gpointer k, val;
        g_hash_table_iter_init (&it, count);
        guint larger = 0;
        while (g_hash_table_iter_next (&it, &k, &val))
            larger += listed && GPOINTER_TO_UINT (val) > prev;
        g_assert_cmpuint (larger, <=, listed);
        g_strfreev (parts);
    } else {
        g_assert_cmpstr (by, ==, "");
    }
    g_hash_table_destroy (count);
    g_free (by);
    g_free (label);
    g_free (noun);
    g_free (cpus);
    g_match_info_free (mi);
    g_regex_unref (re);
}

/* Every table of the text: at most TOP rows, then the rest line when the
 * JSON has more, checked; returns how many rest lines there were. */
static guint
check_text (const char *trace_name, const char *text, JsonObject *doc)
{
    JsonObject *tables = json_object_get_object_member (doc, "tables");
    char **lines = g_strsplit (text, "\n", -1);
    guint checked = 0;
    for (char **l = lines; *l; l++) {
        if (!g_str_has_prefix (*l, "== ") || !g_str_has_suffix (*l, ") =="))
            continue;
        char *open = strrchr (*l, '(');
        char *name = g_strndup (open + 1, strlen (open + 1) - 4);
        if (!json_object_has_member (tables, name)) { /* a series, the quality */
            g_free (name);
            continue;
        }
        JsonObject *table = json_object_get_object_member (tables, name);
        GPtrArray *rows = fta_test_rows (doc, name);
        guint shown = 0;
        char **r = l + 1;
        if (*r && strcmp (*r, "  (no rows)") != 0)
            r++; /* the column names */
        for (; *r && **r && !g_str_has_prefix (*r, "  ... ") && !g_str_has_prefix (*r, "== ");
             r++)
            shown++;
        if (strcmp (l[1] ? l[1] : "", "  (no rows)") == 0)
            shown = 0;
        g_assert_cmpuint (shown, ==, MIN (rows->len, (guint) TOP));
        if (rows->len > TOP) {
            g_assert_nonnull (*r);
            if (!g_str_has_prefix (*r, "  ... "))
                g_error ("%s %s: %u rows and no rest line", trace_name, name, rows->len);
            check_rest_line (name, table, rows, *r);
            g_assert_cmpuint (g_utf8_strlen (*r, -1), <=, 160);
            checked++;
        } else if (*r) {
            /* no rest line; a note of the columns left out may follow */
            g_assert_false (g_str_has_prefix (*r, "  ... ") && strstr (*r, " more ") &&
                            !strstr (*r, " more columns "));
        }
        g_ptr_array_unref (rows);
        g_free (name);
    }
    g_strfreev (lines);
    return checked;
}

static void
test_wide (Fixture *f, gconstpointer data)
{
    const char *file = data;
    char *trace = g_test_build_filename (G_TEST_DIST, "data", "wide", file, NULL);
    const char *top[] = { "--top", "20", NULL };
    char *text = fta_test_analyze_text (f->dir, NULL, trace, top);
    JsonParser *p = fta_test_analyze (f->dir, NULL, trace, NULL);
    JsonObject *doc = fta_test_root (p);
    guint checked = check_text (file, text, doc);
    /* per CPU, per task, per VM and pairs: many tables leave rows out */
    g_assert_cmpuint (checked, >=, 10);

    /* the per-CPU table speaks of CPUs and how busy they were */
    g_assert_nonnull (strstr (text, "more CPUs ("));
    g_assert_nonnull (strstr (text, "more CPUs (20-"));
    char *busy = strstr (text, "more CPUs (20-");
    g_assert_true (g_str_has_prefix (strchr (busy, ':'), ": busy "));
    /* the per-task table by the switches' run time, and by comm */
    g_assert_nonnull (strstr (text, "more tasks: run "));
    g_assert_nonnull (strstr (text, "; by comm: "));

    /* the HTML says the same under its first rows */
    char *html_path = g_build_filename (f->dir, "report.html", NULL);
    const char *args[] = { "-q", "-f", "html", "--top", "20", "-o", html_path, trace, NULL };
    g_assert_cmpint (fta_test_run (args, NULL), ==, 0);
    char *html;
    g_assert_true (g_file_get_contents (html_path, &html, NULL, NULL));
    char **lines = g_strsplit (text, "\n", -1);
    guint found = 0;
    for (char **l = lines; *l; l++) {
        /* rows left out; not the columns a table keeps to CSV and JSON */
        if (!g_str_has_prefix (*l, "  ... ") || !strstr (*l, " more ")
            || strstr (*l, " more columns ("))
            continue;
        /* up to the by-comm part, which the text may cut to fit */
        char *body = g_strdup (*l + 6);
        char *cut = strstr (body, " by comm: ");
        if (!cut)
            cut = strstr (body, " (all: --top 0");
        *cut = '\0';
        char *want = g_strconcat ("<p class=\"rest\">&hellip; ", body, NULL);
        if (strstr (html, want))
            found++;
        else
            g_error ("%s: the HTML has no \"%s\"", file, want);
        g_free (want);
        g_free (body);
    }
    g_assert_cmpuint (found, ==, checked);
    g_strfreev (lines);
    g_free (html);
    g_free (html_path);
    g_object_unref (p);
    g_free (text);
    g_free (trace);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add ("/rest/text-html/64cpus", Fixture, "qemu_tcg_64cpus.txt.xz", fixture_setup,
                test_wide, fixture_teardown);
    g_test_add ("/rest/text-html/384cpus", Fixture, "qemu_tcg_384cpus.txt.xz", fixture_setup,
                test_wide, fixture_teardown);
    return g_test_run ();
}
