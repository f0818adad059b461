/* test-units.c - one unit per column: in every sink, on every recording
 * of the corpus, a column's heading names the unit its cells are in, and
 * the cells, read back in that unit, are the JSON's nanoseconds.  In text
 * and HTML the unit is the one the table fixed for the column, the same
 * with and without filters.
 *
 * A heading's unit is the last of its parts ("_"-separated in text, CSV
 * and gnuplot names; in parentheses in HTML) that is a unit: ns, us, ms, s
 * or pct.  No unit: the cell is the JSON value itself. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;
static char *profile; /* the default profile, gnuplot drawing nothing */

typedef struct {
    const char *name;
    const char *type;
    const char *shown; /* display unit of a duration, else NULL */
    gboolean key;
} Col;

typedef struct {
    char *name;
    GArray *cols;    /* Col */
    JsonArray *rows; /* of the JSON document */
} Table;

static void
table_free (gpointer p)
{
    Table *t = p;
    g_free (t->name);
    g_array_free (t->cols, TRUE);
    g_free (t);
}

/* Every table and series of a JSON result, by name. */
static GHashTable *
json_tables (JsonObject *root)
{
    GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, table_free);
    for (const char *const *kind = (const char *[]) { "tables", "series", NULL }; *kind;
         kind++) {
        JsonObject *ts = json_object_get_object_member (root, *kind);
        GList *names = json_object_get_members (ts);
        for (GList *n = names; n; n = n->next) {
            JsonObject *o = json_object_get_object_member (ts, n->data);
            Table *t = g_new0 (Table, 1);
            t->name = g_strdup (n->data);
            t->cols = g_array_new (FALSE, TRUE, sizeof (Col));
            t->rows = json_object_get_array_member (o, "rows");
            JsonArray *cols = json_object_get_array_member (o, "columns");
            for (guint c = 0; c < json_array_get_length (cols); c++) {
                JsonObject *co = json_array_get_object_element (cols, c);
                Col col = { json_object_get_string_member (co, "name"),
                            json_object_get_string_member (co, "type"),
                            json_object_has_member (co, "display_unit")
                                ? json_object_get_string_member (co, "display_unit")
                                : NULL,
                            json_object_get_boolean_member (co, "key") };
                g_array_append_val (t->cols, col);
            }
            g_hash_table_insert (h, t->name, t);
        }
        g_list_free (names);
    }
    return h;
}

/* The unit a heading names: "ns", "us", "ms", "s", "pct", or NULL. */
static const char *
unit_of (const char *heading, const char *seps)
{
    static const char *const units[] = { "ns", "us", "ms", "s", "pct" };
    const char *found = NULL;
    char **parts = g_strsplit_set (heading, seps, -1);
    for (char **p = parts; *p; p++)
        for (guint u = 0; u < G_N_ELEMENTS (units); u++)
            if (strcmp (*p, units[u]) == 0)
                found = units[u];
    g_strfreev (parts);
    return found;
}

static double
ns_per (const char *unit)
{
    if (!unit || strcmp (unit, "pct") == 0 || strcmp (unit, "ns") == 0)
        return 1;
    return strcmp (unit, "us") == 0 ? 1e3 : strcmp (unit, "ms") == 0 ? 1e6 : 1e9;
}

/* The unit a column's cells must have in a sink that writes raw values
 * (JSON, CSV): ns for durations, pct for percents. */
static const char *
raw_unit (const Col *c)
{
    /* an int named ..._ns is a timestamp: nanoseconds too */
    return strcmp (c->type, "duration") == 0 ? "ns"
           : strcmp (c->type, "percent") == 0 ? "pct"
           : strcmp (c->type, "int") == 0 && g_str_has_suffix (c->name, "_ns") ? "ns" : NULL;
}

/* ... and in text and HTML: the display unit the table fixed. */
static const char *
shown_unit (const Col *c)
{
    return strcmp (c->type, "duration") == 0 ? c->shown : raw_unit (c);
}

typedef struct {
    const char *sink;
    const char *trace;
    guint checked;
    GString *bad;
} Check;

static void
bad (Check *k, const char *table, const char *what, ...) G_GNUC_PRINTF (3, 4);

static void
bad (Check *k, const char *table, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    if (k->bad->len < 4000) {
        g_string_append_printf (k->bad, "%s, %s, %s: ", k->trace, k->sink, table);
        g_string_append_vprintf (k->bad, fmt, ap);
        g_string_append_c (k->bad, '\n');
    }
    va_end (ap);
}

/* TEXT (a cell as written, in UNIT) against the JSON cell. */
static void
check_cell (Check *k, const Table *t, guint col, JsonNode *cell, const char *text,
            const char *unit)
{
    const Col *c = &g_array_index (t->cols, Col, col);
    k->checked++;
    if (JSON_NODE_HOLDS_NULL (cell)) {
        if (*text && strcmp (text, "-") && strcmp (text, "–") && strcmp (text, "NaN"))
            bad (k, t->name, "%s: \"%s\" for no value", c->name, text);
        return;
    }
    if (strcmp (c->type, "string") == 0)
        return;
    char *end;
    double v = g_ascii_strtod (text, &end);
    if (end == text || *end) {
        bad (k, t->name, "%s: \"%s\" is not a number", c->name, text);
        return;
    }
    const char *dot = strchr (text, '.');
    int decimals = dot ? (int) strlen (dot + 1) : 0;
    double want = JSON_NODE_HOLDS_VALUE (cell)
                          && json_node_get_value_type (cell) == G_TYPE_DOUBLE
                      ? json_node_get_double (cell) : (double) json_node_get_int (cell);
    double scale = ns_per (unit);
    double tol = 0.5 * pow (10, -decimals) * scale * (1 + 1e-9) + 1e-9 * fabs (want);
    if (fabs (v * scale - want) > tol)
        bad (k, t->name, "%s: \"%s\" read in %s is %.0f, the JSON says %.17g", c->name,
             text, unit ? unit : "its own unit", v * scale, want);
}

/* A heading: it must name the unit EXPECT (NULL: none). */
static void
check_heading (Check *k, const Table *t, guint col, const char *heading, const char *unit,
               const char *expect)
{
    const Col *c = &g_array_index (t->cols, Col, col);
    if (g_strcmp0 (unit, expect) != 0)
        bad (k, t->name, "column %s is headed \"%s\" (%s), its cells are in %s", c->name,
             heading, unit ? unit : "no unit", expect ? expect : "no unit");
}

/* --- text ---------------------------------------------------------------- */

/* Whether HEADING is how text heads column C: its name, a duration's
 * "ns" part in a display unit ("run_ns_base" as "run_ms_base"), a
 * percent's without "_ns" ("latency_avg_ns_delta_pct" as
 * "latency_avg_delta_pct"). */
static gboolean
names_column (const Col *c, const char *heading)
{
    if (strcmp (c->type, "percent") == 0) {
        GString *n = g_string_new (c->name);
        for (char *p; (p = strstr (n->str, "_ns_")) != NULL;)
            g_string_erase (n, p - n->str, 3);
        if (!g_str_has_suffix (n->str, "pct") && !strstr (n->str, "_pct_"))
            g_string_append (n, "_pct");
        gboolean same = strcmp (n->str, heading) == 0;
        g_string_free (n, TRUE);
        return same;
    }
    if (strcmp (c->type, "duration") != 0)
        return strcmp (c->name, heading) == 0;
    static const char *const units[] = { "ns", "us", "ms", "s" };
    gboolean same = FALSE;
    for (guint u = 0; u < G_N_ELEMENTS (units) && !same; u++) {
        char *a = g_strdup_printf ("%s_%s", c->name, units[u]);
        char *b = g_strdup_printf ("time_%s", units[u]);
        same = strcmp (heading, a) == 0 || (strcmp (c->name, "ns") == 0 && strcmp (heading, b) == 0);
        g_free (a);
        g_free (b);
        /* the last "ns" between underscores or at an end */
        const char *at = NULL;
        for (const char *p = c->name; (p = strstr (p, "ns")) != NULL; p += 2)
            if ((p == c->name || p[-1] == '_') && (p[2] == '\0' || p[2] == '_'))
                at = p;
        if (at && !same) {
            char *d = g_strdup_printf ("%.*s%s%s", (int) (at - c->name), c->name, units[u],
                                       at + 2);
            same = strcmp (heading, d) == 0;
            g_free (d);
        }
    }
    return same;
}

static void
check_text (Check *k, GHashTable *tables, const char *text, GPtrArray *headers_out)
{
    char **lines = g_strsplit (text, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (!g_str_has_prefix (*l, "== ") || !g_str_has_suffix (*l, ") =="))
            continue;
        const char *open = strrchr (*l, '(');
        char *name = g_strndup (open + 1, strlen (open + 1) - 4);
        Table *t = g_hash_table_lookup (tables, name);
        g_free (name);
        if (!t)
            continue; /* findings, quality */
        if (g_str_has_prefix (l[1], "  ") && strstr (l[1], "summary per column")) {
            /* a series: a line (heading, min, median, max, when) for each
             * numeric column that is no key and has a value, in order */
            char **s = l + 3;
            for (guint c = 1; c < t->cols->len && *s && g_str_has_prefix (*s, "  "); c++) {
                const Col *col = &g_array_index (t->cols, Col, c);
                JsonNode *lo = NULL, *hi = NULL;
                double vlo = 0, vhi = 0;
                for (guint r = 0; r < json_array_get_length (t->rows); r++) {
                    JsonNode *n = json_array_get_element (
                        json_array_get_array_element (t->rows, r), c);
                    if (JSON_NODE_HOLDS_NULL (n) || strcmp (col->type, "string") == 0)
                        continue;
                    double v = strcmp (col->type, "percent") == 0 ? json_node_get_double (n)
                                                                   : json_node_get_int (n);
                    if (!lo || v < vlo)
                        lo = n, vlo = v;
                    if (!hi || v > vhi)
                        hi = n, vhi = v;
                }
                if (col->key || !lo)
                    continue;
                char **w = g_strsplit_set (*s, " ", -1);
                GPtrArray *words = g_ptr_array_new ();
                for (char **p = w; *p; p++)
                    if (**p)
                        g_ptr_array_add (words, *p);
                if (words->len != 5) {
                    bad (k, t->name, "summary line \"%s\"", *s);
                } else {
                    const char *heading = g_ptr_array_index (words, 0);
                    const char *unit = unit_of (heading, "_");
                    if (headers_out)
                        g_ptr_array_add (headers_out,
                                         g_strdup_printf ("%s:%s", t->name, heading));
                    check_heading (k, t, c, heading, unit, shown_unit (col));
                    if (strcmp (col->type, "duration") == 0) {
                        check_cell (k, t, c, lo, g_ptr_array_index (words, 1), unit);
                        check_cell (k, t, c, hi, g_ptr_array_index (words, 3), unit);
                    }
                }
                g_ptr_array_free (words, TRUE);
                g_strfreev (w);
                s++;
            }
            continue;
        }
        if (!l[1] || strcmp (l[1], "  (no rows)") == 0)
            continue;
        /* the heading line: one word per column */
        char **h = g_strsplit_set (g_strstrip (g_strdup (l[1])), " ", -1);
        GPtrArray *heads = g_ptr_array_new ();
        for (char **p = h; *p; p++)
            if (**p)
                g_ptr_array_add (heads, *p);
        /* a narrow table shows some columns, in order, every key among them */
        guint *col_of = g_new (guint, heads->len + 1), next = 0;
        gboolean ok = heads->len > 0;
        for (guint i = 0; i < heads->len && ok; i++) {
            while (next < t->cols->len
                   && !names_column (&g_array_index (t->cols, Col, next),
                                     g_ptr_array_index (heads, i))) {
                if (g_array_index (t->cols, Col, next).key) {
                    bad (k, t->name, "key %s not shown", g_array_index (t->cols, Col, next).name);
                    ok = FALSE;
                }
                next++;
            }
            if (next == t->cols->len) {
                bad (k, t->name, "heading \"%s\" names no column after the previous one: %s",
                     (char *) g_ptr_array_index (heads, i), l[1]);
                ok = FALSE;
            }
            col_of[i] = next++;
        }
        if (!ok) {
            g_free (col_of);
            g_ptr_array_free (heads, TRUE);
            g_strfreev (h);
            continue;
        }
        GString *re = g_string_new ("^");
        for (guint i = 0; i < heads->len; i++) {
            const char *heading = g_ptr_array_index (heads, i);
            if (headers_out)
                g_ptr_array_add (headers_out, g_strdup_printf ("%s:%s", t->name, heading));
            check_heading (k, t, col_of[i], heading, unit_of (heading, "_"),
                           shown_unit (&g_array_index (t->cols, Col, col_of[i])));
        }
        /* each row: the JSON's strings literally, numbers captured */
        for (guint r = 0; l[2 + r] && g_str_has_prefix (l[2 + r], "  ")
                          && !g_str_has_prefix (l[2 + r], "  ... ");
             r++) {
            if (r >= json_array_get_length (t->rows)) {
                bad (k, t->name, "more rows than the JSON has");
                break;
            }
            JsonArray *row = json_array_get_array_element (t->rows, r);
            g_string_assign (re, "^");
            for (guint i = 0; i < heads->len; i++) {
                guint c = col_of[i];
                const Col *col = &g_array_index (t->cols, Col, c);
                JsonNode *cell = json_array_get_element (row, c);
                g_string_append (re, " +");
                if (strcmp (col->type, "string") == 0 && !JSON_NODE_HOLDS_NULL (cell)) {
                    char *e = g_regex_escape_string (json_node_get_string (cell), -1);
                    g_string_append_printf (re, "(%s)", e);
                    g_free (e);
                } else {
                    g_string_append (re, "(-|-?[0-9]+(?:\\.[0-9]+)?)");
                }
            }
            g_string_append (re, " *$");
            GRegex *rx = g_regex_new (re->str, 0, 0, NULL);
            GMatchInfo *m = NULL;
            if (!g_regex_match (rx, l[2 + r], 0, &m)) {
                bad (k, t->name, "row %u is not the JSON's: %s", r, l[2 + r]);
            } else {
                for (guint i = 0; i < heads->len; i++) {
                    char *cell = g_match_info_fetch (m, (int) i + 1);
                    check_cell (k, t, col_of[i], json_array_get_element (row, col_of[i]), cell,
                                unit_of (g_ptr_array_index (heads, i), "_"));
                    g_free (cell);
                }
            }
            g_match_info_free (m);
            g_regex_unref (rx);
        }
        g_string_free (re, TRUE);
        g_free (col_of);
        g_ptr_array_free (heads, TRUE);
        g_strfreev (h);
    }
    g_strfreev (lines);
}

/* --- HTML ------------------------------------------------------------------ */

static char *
html_unit (const char *heading)
{
    const char *open = strrchr (heading, '(');
    if (!open || !g_str_has_suffix (heading, ")"))
        return NULL;
    char *u = g_strndup (open + 1, strlen (open + 1) - 1);
    if (strcmp (u, "µs") == 0) {
        g_free (u);
        return g_strdup ("us");
    }
    if (strcmp (u, "%") == 0) {
        g_free (u);
        return g_strdup ("pct");
    }
    return u;
}

static void
check_html (Check *k, GHashTable *tables, const char *html)
{
    GRegex *th = g_regex_new ("<th class=\"[^\"]*\" data-col=\"([^\"]*)\"[^>]*>([^<]*)</th>",
                              0, 0, NULL);
    GRegex *tr = g_regex_new ("<tr>(.*?)</tr>", 0, 0, NULL);
    GRegex *td = g_regex_new ("<td([^>]*)>([^<]*)</td>", 0, 0, NULL);
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init (&it, tables);
    while (g_hash_table_iter_next (&it, &key, &value)) {
        Table *t = value;
        char *open = g_strdup_printf (" top\" data-table=\"%s\">", t->name);
        const char *start = strstr (html, open);
        g_free (open);
        if (!start)
            continue; /* series are charts */
        const char *end = strstr (start, "</table>");
        char *tab = g_strndup (start, end - start);
        const char *body = strstr (tab, "<tbody>");
        char *head = g_strndup (tab, body ? body - tab : (gssize) strlen (tab));
        GMatchInfo *m;
        GPtrArray *units = g_ptr_array_new_with_free_func (g_free);
        /* the first table may show some columns: in order, every key */
        GArray *col_of = g_array_new (FALSE, FALSE, sizeof (guint));
        guint next = 0;
        gboolean ok = TRUE;
        g_regex_match (th, head, 0, &m);
        while (g_match_info_matches (m)) {
            char *name = g_match_info_fetch (m, 1), *heading = g_match_info_fetch (m, 2);
            char *unit = html_unit (heading);
            while (next < t->cols->len
                   && strcmp (g_array_index (t->cols, Col, next).name, name) != 0) {
                if (g_array_index (t->cols, Col, next).key) {
                    bad (k, t->name, "key %s not shown", g_array_index (t->cols, Col, next).name);
                    ok = FALSE;
                }
                next++;
            }
            if (next < t->cols->len) {
                check_heading (k, t, next, heading, unit,
                               shown_unit (&g_array_index (t->cols, Col, next)));
                g_array_append_val (col_of, next);
                next++;
            } else {
                bad (k, t->name, "heading of %s: no such column after the previous one", name);
                ok = FALSE;
            }
            g_ptr_array_add (units, unit);
            g_free (name);
            g_free (heading);
            g_match_info_next (m, NULL);
        }
        g_match_info_free (m);
        if (!units->len)
            bad (k, t->name, "no headings");
        guint r = 0;
        g_regex_match (tr, body ? body : "", 0, &m);
        while (g_match_info_matches (m) && ok && units->len
               && r < json_array_get_length (t->rows)) {
            char *cells = g_match_info_fetch (m, 1);
            JsonArray *row = json_array_get_array_element (t->rows, r);
            GMatchInfo *cm;
            guint c = 0;
            g_regex_match (td, cells, 0, &cm);
            while (g_match_info_matches (cm) && c < col_of->len) {
                char *attrs = g_match_info_fetch (cm, 1), *text = g_match_info_fetch (cm, 2);
                guint ci = g_array_index (col_of, guint, c);
                const Col *col = &g_array_index (t->cols, Col, ci);
                JsonNode *cell = json_array_get_element (row, ci);
                if (strcmp (col->type, "count") == 0 && !JSON_NODE_HOLDS_NULL (cell)) {
                    /* thin spaces group the digits of counts */
                    char **parts = g_strsplit (text, "\u2009", -1);
                    g_free (text);
                    text = g_strjoinv ("", parts);
                    g_strfreev (parts);
                }
                if (strcmp (col->type, "string") != 0)
                    check_cell (k, t, ci, cell, text, g_ptr_array_index (units, c));
                g_free (attrs);
                g_free (text);
                c++;
                g_match_info_next (cm, NULL);
            }
            g_match_info_free (cm);
            if (c != col_of->len)
                bad (k, t->name, "row %u has %u cells", r, c);
            g_free (cells);
            r++;
            g_match_info_next (m, NULL);
        }
        g_match_info_free (m);
        g_array_free (col_of, TRUE);
        g_ptr_array_unref (units);
        g_free (head);
        g_free (tab);
    }
    g_regex_unref (td);
    g_regex_unref (tr);
    g_regex_unref (th);
}

/* --- CSV and gnuplot data: values as they are, units in the names ----------- */

/* The fields of one CSV line (RFC 4180; no line breaks in our cells). */
static GPtrArray *
csv_fields (const char *line)
{
    GPtrArray *f = g_ptr_array_new_with_free_func (g_free);
    const char *p = line;
    for (;;) {
        GString *s = g_string_new (NULL);
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"')
                    p++;
                g_string_append_c (s, *p);
            }
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ',')
                g_string_append_c (s, *p++);
        }
        g_ptr_array_add (f, g_string_free (s, FALSE));
        if (*p != ',')
            break;
        p++;
    }
    return f;
}

static void
check_columns (Check *k, const Table *t, GPtrArray *heads, gboolean gnuplot)
{
    if (heads->len != t->cols->len) {
        bad (k, t->name, "%u headings for %u columns", heads->len, t->cols->len);
        return;
    }
    for (guint c = 0; c < t->cols->len; c++) {
        const Col *col = &g_array_index (t->cols, Col, c);
        const char *h = g_ptr_array_index (heads, c);
        const char *expect = raw_unit (col);
        /* gnuplot's first column of a series is t_s: seconds */
        if (gnuplot && c == 0 && strcmp (h, "t_s") == 0)
            expect = "s";
        check_heading (k, t, c, h, unit_of (h, "_"), expect);
    }
}

static void
check_csv (Check *k, GHashTable *tables, const char *dir)
{
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init (&it, tables);
    while (g_hash_table_iter_next (&it, &key, &value)) {
        Table *t = value;
        char *name = g_strdup_printf ("report.%s.csv", t->name);
        char *path = g_build_filename (dir, name, NULL), *text = NULL;
        g_free (name);
        if (!g_file_get_contents (path, &text, NULL, NULL)) {
            bad (k, t->name, "no %s", path);
            g_free (path);
            continue;
        }
        char **lines = g_strsplit (text, "\n", -1);
        for (char **l = lines; *l; l++) /* RFC 4180 ends lines with CR LF */
            if (g_str_has_suffix (*l, "\r"))
                (*l)[strlen (*l) - 1] = '\0';
        GPtrArray *heads = csv_fields (lines[0]);
        check_columns (k, t, heads, FALSE);
        for (guint r = 0; lines[0] && lines[r + 1] && *lines[r + 1]
                          && r < json_array_get_length (t->rows) && heads->len == t->cols->len;
             r++) {
            GPtrArray *f = csv_fields (lines[r + 1]);
            JsonArray *row = json_array_get_array_element (t->rows, r);
            for (guint c = 0; c < f->len && c < t->cols->len; c++)
                check_cell (k, t, c, json_array_get_element (row, c),
                            g_ptr_array_index (f, c),
                            unit_of (g_ptr_array_index (heads, c), "_"));
            g_ptr_array_unref (f);
        }
        g_ptr_array_unref (heads);
        g_strfreev (lines);
        g_free (text);
        g_free (path);
    }
}

static void
check_dat (Check *k, GHashTable *tables, const char *dir)
{
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init (&it, tables);
    while (g_hash_table_iter_next (&it, &key, &value)) {
        Table *t = value;
        char *name = g_strdup_printf ("report.%s.dat", t->name);
        char *path = g_build_filename (dir, name, NULL), *text = NULL;
        g_free (name);
        if (!g_file_get_contents (path, &text, NULL, NULL)) {
            g_free (path);
            continue; /* gnuplot writes series and histograms only */
        }
        char **lines = g_strsplit (text, "\n", -1);
        GPtrArray *heads = NULL;
        guint r = 0;
        for (char **l = lines; *l; l++) {
            if (**l == '#') {
                /* the last comment names the columns */
                char **argv = NULL;
                if (g_shell_parse_argv (*l + 1, NULL, &argv, NULL)) {
                    if (heads)
                        g_ptr_array_unref (heads);
                    heads = g_ptr_array_new_with_free_func (g_free);
                    for (char **a = argv; *a; a++)
                        g_ptr_array_add (heads, g_strdup (*a));
                    g_strfreev (argv);
                }
                continue;
            }
            if (!**l || !heads)
                continue;
            if (r == 0)
                check_columns (k, t, heads, TRUE);
            char **argv = NULL;
            if (r >= json_array_get_length (t->rows)
                || !g_shell_parse_argv (*l, NULL, &argv, NULL)) {
                bad (k, t->name, "line %s", *l);
                break;
            }
            JsonArray *row = json_array_get_array_element (t->rows, r);
            for (guint c = 0; argv[c] && c < t->cols->len && heads->len == t->cols->len; c++)
                check_cell (k, t, c, json_array_get_element (row, c), argv[c],
                            unit_of (g_ptr_array_index (heads, c), "_"));
            g_strfreev (argv);
            r++;
        }
        if (heads)
            g_ptr_array_unref (heads);
        g_strfreev (lines);
        g_free (text);
        g_free (path);
    }
}

/* --- the corpus -------------------------------------------------------------- */

/* Every sink on TRACE (or, with TRACE2, on their comparison). */
static guint
check_run (const char *label, const char *const *inputs, const char *extra,
           GPtrArray *headers_out)
{
    char *dir = g_build_filename (tmpdir, "out/", NULL);
    GPtrArray *a = g_ptr_array_new ();
    fta_test_remove_dir (dir);
    for (const char *const *s = (const char *[]) { "-q", "-c", profile, "--top", "0", "-f",
                                                   "text", "-f", "json", "-f", "csv", "-f",
                                                   "html", "-f", "gnuplot", "-o", dir, NULL };
         *s; s++)
        g_ptr_array_add (a, (gpointer) *s);
    if (extra)
        g_ptr_array_add (a, (gpointer) extra);
    for (const char *const *s = inputs; *s; s++)
        g_ptr_array_add (a, (gpointer) *s);
    g_ptr_array_add (a, NULL);
    g_free (fta_test_run_ok ((const char *const *) a->pdata));
    g_ptr_array_free (a, TRUE);

    char *jp = g_build_filename (dir, "report.json", NULL);
    JsonParser *p = json_parser_new ();
    g_assert_true (json_parser_load_from_file (p, jp, NULL));
    GHashTable *tables = json_tables (fta_test_root (p));
    Check k = { NULL, label, 0, g_string_new (NULL) };
    /* JSON: raw units, and a display unit for every duration */
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init (&it, tables);
    while (g_hash_table_iter_next (&it, &key, &value)) {
        Table *t = value;
        k.sink = "json";
        for (guint c = 0; c < t->cols->len; c++) {
            const Col *col = &g_array_index (t->cols, Col, c);
            check_heading (&k, t, c, col->name, unit_of (col->name, "_"), raw_unit (col));
            if (strcmp (col->type, "duration") == 0 && !col->shown)
                bad (&k, t->name, "%s has no display unit", col->name);
        }
    }
    char *path = g_build_filename (dir, "report.txt", NULL), *text;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    k.sink = "text";
    check_text (&k, tables, text, headers_out);
    g_free (text);
    g_free (path);
    path = g_build_filename (dir, "report.html", NULL);
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    k.sink = "html";
    check_html (&k, tables, text);
    g_free (text);
    g_free (path);
    k.sink = "csv";
    check_csv (&k, tables, dir);
    k.sink = "gnuplot";
    check_dat (&k, tables, dir);
    if (k.bad->len)
        g_test_message ("%s", k.bad->str);
    g_assert_cmpuint (k.bad->len, ==, 0);
    g_string_free (k.bad, TRUE);
    g_hash_table_destroy (tables);
    g_object_unref (p);
    g_free (jp);
    g_free (dir);
    return k.checked;
}

static void
test_corpus (gconstpointer data)
{
    const char *trace = data;
    guint n = check_run (trace, (const char *[]) { trace, NULL }, NULL, NULL);
    g_test_message ("%u cells checked", n);
    g_assert_cmpuint (n, >, 1000);
}

static void
test_compare (gconstpointer data)
{
    const char *const *pair = data;
    guint n = check_run ("compare", (const char *[]) { "compare", pair[0], pair[1], NULL },
                         NULL, NULL);
    g_assert_cmpuint (n, >, 100);
}

/* A filter selects rows, never the unit of a column: the headings are the
 * same with --comm as without (both of the tables --comm keeps rows of). */
static void
test_filters_keep_units (gconstpointer data)
{
    const char *trace = data;
    GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
    GPtrArray *some = g_ptr_array_new_with_free_func (g_free);
    check_run (trace, (const char *[]) { trace, NULL }, NULL, all);
    check_run (trace, (const char *[]) { trace, NULL }, "--comm=^(sleeper A|kworker.*)$", some);
    GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint i = 0; i < all->len; i++)
        g_hash_table_add (h, g_ptr_array_index (all, i));
    guint same = 0;
    for (guint i = 0; i < some->len; i++) {
        g_test_message ("%s", (char *) g_ptr_array_index (some, i));
        g_assert_true (g_hash_table_contains (h, g_ptr_array_index (some, i)));
        same++;
    }
    g_assert_cmpuint (same, >, 50);
    g_hash_table_destroy (h);
    g_ptr_array_unref (all);
    g_ptr_array_unref (some);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-units-XXXXXX", NULL);
    profile = fta_test_write (tmpdir, "units.cfg", "plugins = { gnuplot = { run = false; }; };\n");
    GPtrArray *traces = fta_test_corpus_texts (tmpdir);
    for (guint i = 0; i < traces->len; i++) {
        const char *text = g_ptr_array_index (traces, i);
        char *base = g_path_get_basename (text);
        char *path = g_strdup_printf ("/units/corpus/%.*s", (int) (strlen (base) - 4), base);
        g_test_add_data_func (path, text, test_corpus);
        g_free (path);
        g_free (base);
    }
    g_assert_cmpuint (traces->len, >=, 2);
    const char *pair[] = { g_ptr_array_index (traces, 0), g_ptr_array_index (traces, 1) };
    g_test_add_data_func ("/units/compare", pair, test_compare);
    for (guint i = 0; i < traces->len; i++)
        if (strstr (g_ptr_array_index (traces, i), "lossy_ftrace_default"))
            g_test_add_data_func ("/units/filters-keep-units", g_ptr_array_index (traces, i),
                                  test_filters_keep_units);
    int rc = g_test_run ();
    fta_test_remove_dir (tmpdir);
    g_ptr_array_unref (traces);
    g_free (profile);
    g_free (tmpdir);
    return rc;
}
