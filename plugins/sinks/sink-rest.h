/* sink-rest.h - what the rows a table leaves out look like, in one line:
 * "44 more CPUs (20-63): busy 97.0 to 100.0%, median 99.0%", "1004 more
 * tasks: run 0.000 to 181.180 ms, median 0.120 ms; by comm:
 * qemu-system-x86 320, CPU 0/TCG 32, 26 more comms".  For the sinks that
 * show a table's first --top rows (text, html); CSV and JSON have them all.
 *
 * Also what both count as left out: a detail column with nothing in it
 * is not.
 *
 * Included by each of those sinks: everything here is static, so each
 * plugin still exports its descriptor only.
 */
#ifndef FTA_SINK_REST_H
#define FTA_SINK_REST_H

#include <stdlib.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

/* Comms named at most in the by-comm part. */
#define SINK_REST_COMMS 6

static double
sink_rest_value (const FtaColumn *c, const FtaValue *v)
{
    return c->type == FTA_COL_PERCENT ? v->d : (double) v->i;
}

/* The column the rest is described by: the metric the table is ranked by
 * (values never growing down the rows and not all equal; a duration
 * before a percent before a count), else its first percent (a CPU's
 * busy_pct, a VM's steal_pct), else its first duration, else its first
 * count; -1 when it has none. */
static int
sink_rest_metric (const FtaTable *t)
{
    static const int pref[] = { [FTA_COL_DURATION] = 3, [FTA_COL_PERCENT] = 2,
                                [FTA_COL_COUNT] = 1 };
    guint nc = fta_table_n_columns (t), nr = fta_table_n_rows (t);
    int ranked = -1, first[FTA_COL_PERCENT + 1] = { -1, -1, -1, -1, -1 };
    for (guint c = 0; c < nc; c++) {
        const FtaColumn *col = fta_table_column (t, c);
        if (col->key || (col->type != FTA_COL_DURATION && col->type != FTA_COL_COUNT
                         && col->type != FTA_COL_PERCENT))
            continue;
        if (first[col->type] < 0)
            first[col->type] = (int) c;
        gboolean sorted = TRUE, varies = FALSE;
        for (guint r = 1; r < nr && sorted; r++) {
            const FtaValue *a = fta_table_cell (t, r - 1, c), *b = fta_table_cell (t, r, c);
            sorted = !a->is_null && !b->is_null
                     && sink_rest_value (col, b) <= sink_rest_value (col, a);
            varies |= sorted && sink_rest_value (col, b) < sink_rest_value (col, a);
        }
        if (sorted && varies
            && (ranked < 0 || pref[col->type] > pref[fta_table_column (t, ranked)->type]))
            ranked = (int) c;
    }
    if (ranked >= 0)
        return ranked;
    if (first[FTA_COL_PERCENT] >= 0)
        return first[FTA_COL_PERCENT];
    return first[FTA_COL_DURATION] >= 0 ? first[FTA_COL_DURATION] : first[FTA_COL_COUNT];
}

/* What a row of T is: "CPUs" when its one key is the cpu, "tasks" when
 * its keys are a pid (and the VM it belongs to), "VMs" when its one key
 * is the vm, else "rows". */
static const char *
sink_rest_noun (const FtaTable *t)
{
    guint keys = 0;
    gboolean cpu = FALSE, pid = FALSE, vm = FALSE;
    for (guint c = 0; c < fta_table_n_columns (t); c++) {
        const FtaColumn *col = fta_table_column (t, c);
        if (!col->key)
            continue;
        keys++;
        cpu |= strcmp (col->name, "cpu") == 0;
        pid |= strcmp (col->name, "pid") == 0;
        vm |= strcmp (col->name, "vm") == 0;
    }
    if (keys == 1 && cpu)
        return "CPUs";
    if (pid && keys == 1u + vm)
        return "tasks";
    if (keys == 1 && vm)
        return "VMs";
    return "rows";
}

static int
sink_rest_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* V in the unit the table shows column C in, as its cells are. */
static void
sink_rest_append_value (GString *s, const FtaColumn *c, double v)
{
    if (c->type == FTA_COL_PERCENT) {
        g_string_append_printf (s, "%.1f", v);
    } else if (c->type == FTA_COL_DURATION) {
        const char *unit = fta_column_display_unit (c);
        int decimals = strcmp (unit, "ns") == 0 ? 0 : strcmp (unit, "us") == 0 ? 1 : 3;
        g_string_append_printf (s, "%.*f", decimals, v / fta_column_display_scale (c));
    } else {
        g_string_append_printf (s, "%.0f", v);
    }
}

/* "20-63" or "3,5,7-9": the sorted distinct IDS (N of them). */
static void
sink_rest_append_ranges (GString *s, double *ids, guint n)
{
    qsort (ids, n, sizeof *ids, sink_rest_cmp_double);
    for (guint i = 0; i < n;) {
        guint j = i;
        while (j + 1 < n && ids[j + 1] == ids[j] + 1)
            j++;
        g_string_append_printf (s, "%s%.0f", i ? "," : "", ids[i]);
        if (j > i)
            g_string_append_printf (s, "-%.0f", ids[j]);
        i = j + 1;
        while (i < n && ids[i] == ids[i - 1])
            i++;
    }
}

typedef struct {
    const char *comm;
    guint n;
} SinkRestComm;

static int
sink_rest_cmp_comm (const void *a, const void *b)
{
    const SinkRestComm *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp (x->comm, y->comm);
}

/* The rows of T from FROM on, in one line of at most MAX_LEN characters
 * (0: no limit) where the by-comm part can be cut to fit; NULL when there
 * are none.  Owned by the caller. */
static char *
sink_rest_line (const FtaTable *t, guint from, guint max_len)
{
    guint nr = fta_table_n_rows (t);
    if (from >= nr)
        return NULL;
    guint rest = nr - from;
    const char *noun = sink_rest_noun (t);
    GString *s = g_string_new (NULL);
    g_string_append_printf (s, "%u more %s", rest,
                            rest == 1 ? (strcmp (noun, "CPUs") == 0    ? "CPU"
                                         : strcmp (noun, "tasks") == 0 ? "task"
                                         : strcmp (noun, "VMs") == 0   ? "VM"
                                                                       : "row")
                                      : noun);
    double *vals = g_new (double, rest);
    int cpu = strcmp (noun, "CPUs") == 0 ? fta_table_column_index (t, "cpu") : -1;
    if (cpu >= 0) {
        guint n = 0;
        for (guint r = from; r < nr; r++)
            if (!fta_table_cell (t, r, (guint) cpu)->is_null)
                vals[n++] = (double) fta_table_cell (t, r, (guint) cpu)->i;
        if (n) {
            g_string_append (s, " (");
            sink_rest_append_ranges (s, vals, n);
            g_string_append (s, ")");
        }
    }
    int m = sink_rest_metric (t);
    guint n = 0;
    if (m >= 0) {
        const FtaColumn *col = fta_table_column (t, (guint) m);
        for (guint r = from; r < nr; r++) {
            const FtaValue *v = fta_table_cell (t, r, (guint) m);
            if (!v->is_null)
                vals[n++] = sink_rest_value (col, v);
        }
        if (n) {
            qsort (vals, n, sizeof *vals, sink_rest_cmp_double);
            /* "run" for run_ns, "busy" for busy_pct, "time" for ns */
            gsize len = strlen (col->name);
            if (g_str_has_suffix (col->name, "_ns") || g_str_has_suffix (col->name, "_pct"))
                len = (gsize) (strrchr (col->name, '_') - col->name);
            else if (strcmp (col->name, "ns") == 0)
                len = 0;
            const char *unit = col->type == FTA_COL_DURATION  ? fta_column_display_unit (col)
                               : col->type == FTA_COL_PERCENT ? "%"
                                                              : NULL;
            const char *sep = unit && strcmp (unit, "%") != 0 ? " " : "";
            g_string_append_printf (s, ": %.*s ", len ? (int) len : 4,
                                    len ? col->name : "time");
            sink_rest_append_value (s, col, vals[0]);
            g_string_append (s, " to ");
            sink_rest_append_value (s, col, vals[n - 1]);
            g_string_append_printf (s, "%s%s, median ", unit ? sep : "", unit ? unit : "");
            sink_rest_append_value (s, col, vals[n / 2]);
            g_string_append_printf (s, "%s%s", unit ? sep : "", unit ? unit : "");
            if (n < rest)
                g_string_append_printf (s, " (%u with a value)", n);
        }
    }
    g_free (vals);
    /* by comm, unless each row is a comm (switch.comms) */
    int comm = fta_table_column_index (t, "comm");
    if (comm >= 0 && fta_table_column (t, (guint) comm)->type == FTA_COL_STRING
        && !fta_table_column (t, (guint) comm)->key) {
        GHashTable *count = g_hash_table_new (g_str_hash, g_str_equal);
        for (guint r = from; r < nr; r++) {
            const FtaValue *v = fta_table_cell (t, r, (guint) comm);
            const char *name = v->is_null ? "-" : v->s;
            g_hash_table_insert (count, (gpointer) name,
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (
                                                       g_hash_table_lookup (count, name))
                                                   + 1));
        }
        guint nk = g_hash_table_size (count), k = 0;
        SinkRestComm *by = g_new (SinkRestComm, nk);
        GHashTableIter it;
        gpointer key, value;
        g_hash_table_iter_init (&it, count);
        while (g_hash_table_iter_next (&it, &key, &value))
            by[k++] = (SinkRestComm) { key, GPOINTER_TO_UINT (value) };
        /* only the first SINK_REST_COMMS are shown: kept in order in one
         * pass, not a sort of every comm (as many as tasks on a
         * fork-heavy host) */
        guint top = 0;
        for (guint j = 0; j < nk; j++) {
            if (top == SINK_REST_COMMS && sink_rest_cmp_comm (&by[j], &by[top - 1]) >= 0)
                continue;
            SinkRestComm c = by[j];
            guint at = top < SINK_REST_COMMS ? top++ : top - 1;
            for (; at > 0 && sink_rest_cmp_comm (&c, &by[at - 1]) < 0; at--)
                by[at] = by[at - 1];
            by[at] = c;
        }
        /* as many comms as fit, the most frequent first */
        gsize base = s->len;
        for (guint shown = MIN (nk, (guint) SINK_REST_COMMS);; shown--) {
            g_string_truncate (s, base);
            g_string_append (s, m >= 0 && n ? "; by comm: " : ": by comm: ");
            for (guint i = 0; i < shown; i++)
                g_string_append_printf (s, "%s%s %u", i ? ", " : "", by[i].comm, by[i].n);
            if (shown < nk)
                g_string_append_printf (s, "%s%u %scomm%s", shown ? ", " : "", nk - shown,
                                        shown ? "more " : "", nk - shown == 1 ? "" : "s");
            if (!max_len || shown == 0 || (guint) g_utf8_strlen (s->str, -1) <= max_len)
                break;
        }
        g_free (by);
        g_hash_table_destroy (count);
    }
    return g_string_free (s, FALSE);
}

/* TRUE for a detail column of identifiers or names with nothing in it
 * (every cell null, 0 or empty): not worth a mention in text, nor a
 * complete table in HTML. */
static gboolean
sink_empty_detail (const FtaTable *t, guint c)
{
    const FtaColumn *col = fta_table_column (t, c);
    if (col->rank != FTA_RANK_DETAIL || (col->type != FTA_COL_INT && col->type != FTA_COL_STRING))
        return FALSE;
    for (guint r = 0; r < fta_table_n_rows (t); r++) {
        const FtaValue *v = fta_table_cell (t, r, c);
        if (!v->is_null && (col->type == FTA_COL_INT ? v->i != 0 : v->s && v->s[0]))
            return FALSE;
    }
    return TRUE;
}

#endif /* FTA_SINK_REST_H */
