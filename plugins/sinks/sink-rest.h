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
#include "../many-rows.h"

/* Comms named at most in the by-comm part. */
#define SINK_REST_COMMS 6

static double
sink_rest_value (const FtaColumn *c, const FtaValue *v)
{
    return c->type == FTA_COL_PERCENT ? v->d : (double) v->i;
}

/* The metric T is ranked by: of its numeric columns (a duration, a
 * percent, a count; not a key), one whose values never grow down the rows
 * and are not all equal, a duration before a percent before a count, the
 * first of a kind; -1 when none is.  The columns are tried in that order
 * and the first found is the answer: a table of a row per task is read
 * down once or twice, not once per column. */
static int
sink_ranked_column (const FtaTable *t)
{
    static const FtaColumnType kinds[] = { FTA_COL_DURATION, FTA_COL_PERCENT, FTA_COL_COUNT };
    guint nc = fta_table_n_columns (t), nr = fta_table_n_rows (t);
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        for (guint c = 0; c < nc; c++) {
            const FtaColumn *col = fta_table_column (t, c);
            if (col->key || col->type != kinds[k])
                continue;
            gboolean sorted = TRUE, varies = FALSE;
            const FtaValue *a = nr ? fta_table_cell (t, 0, c) : NULL;
            double x = a && !a->is_null ? sink_rest_value (col, a) : 0;
            sorted = nr < 2 || !a->is_null;
            for (guint r = 1; r < nr && sorted; r++) {
                const FtaValue *b = fta_table_cell (t, r, c);
                double y = b->is_null ? 0 : sink_rest_value (col, b);
                sorted = !b->is_null && y <= x;
                varies |= sorted && y < x;
                x = y;
            }
            if (sorted && varies)
                return (int) c;
        }
    return -1;
}

/* The column the rest is described by: the metric the table is ranked by
 * (RANKED, sink_ranked_column's answer; -2: find it), else its first
 * percent (a CPU's busy_pct, a VM's steal_pct), else its first duration,
 * else its first count; -1 when it has none. */
static int
sink_rest_metric (const FtaTable *t, int ranked)
{
    if (ranked == -2)
        ranked = sink_ranked_column (t);
    if (ranked >= 0)
        return ranked;
    int first[FTA_COL_PERCENT + 1] = { -1, -1, -1, -1, -1 };
    for (guint c = 0; c < fta_table_n_columns (t); c++) {
        const FtaColumn *col = fta_table_column (t, c);
        if (col->key || (col->type != FTA_COL_DURATION && col->type != FTA_COL_COUNT
                         && col->type != FTA_COL_PERCENT))
            continue;
        if (first[col->type] < 0)
            first[col->type] = (int) c;
    }
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
 * are none.  RANKED: sink_ranked_column's answer for T, -2 to find it.
 * Owned by the caller. */
static char *
sink_rest_line (const FtaTable *t, guint from, guint max_len, int ranked)
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
    int m = sink_rest_metric (t, ranked);
    guint n = 0;
    if (m >= 0) {
        const FtaColumn *col = fta_table_column (t, (guint) m);
        gboolean nan = FALSE;
        guint at_lo = 0, at_hi = 0, below_zero = 0;
        for (guint r = from; r < nr; r++) {
            const FtaValue *v = fta_table_cell (t, r, (guint) m);
            if (v->is_null)
                continue;
            double x = sink_rest_value (col, v);
            nan |= x != x;
            below_zero += x < 0;
            if (n && x < vals[at_lo])
                at_lo = n;
            if (n && x >= vals[at_hi])
                at_hi = n;
            vals[n++] = x;
        }
        /* the least, the median and the largest as a stable sort would
         * place them; a NaN has no place in an order: then sorted as they
         * were */
        double lo = 0, med = 0, hi = 0;
        if (n && nan) {
            qsort (vals, n, sizeof *vals, sink_rest_cmp_double);
            lo = vals[0];
            med = vals[n / 2];
            hi = vals[n - 1];
        } else if (n) {
            lo = vals[at_lo];
            hi = vals[at_hi];
            med = select_kth (vals, n, n / 2);
            if (med == 0) {
                /* 0 or -0 (printed apart): the one of the zeros, in row
                 * order, that the stable sort puts in the middle */
                guint want = n / 2 - below_zero, seen = 0;
                for (guint r = from; r < nr; r++) {
                    const FtaValue *v = fta_table_cell (t, r, (guint) m);
                    if (v->is_null || sink_rest_value (col, v) != 0)
                        continue;
                    if (seen++ == want) {
                        med = sink_rest_value (col, v);
                        break;
                    }
                }
            }
        }
        if (n) {
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
            sink_rest_append_value (s, col, lo);
            g_string_append (s, " to ");
            sink_rest_append_value (s, col, hi);
            g_string_append_printf (s, "%s%s, median ", unit ? sep : "", unit ? unit : "");
            sink_rest_append_value (s, col, med);
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
        CommIndex index = { NULL, 0, 0 };
        GArray *count = g_array_new (FALSE, FALSE, sizeof (SinkRestComm));
        comm_index_reserve (&index, MIN (rest, 1u << 24) + 1);
        /* a million comms miss the caches at each of their bytes and at
         * their slot: asked for a batch at a time, before they are read */
        enum { BATCH = 16 };
        const char *cs[BATCH];
        guint hs[BATCH];
        for (guint r = from; r < nr;) {
            guint k = 0;
            for (; k < BATCH && r < nr; k++, r++) {
                const FtaValue *v = fta_table_cell (t, r, (guint) comm);
                cs[k] = v->is_null ? "-" : v->s;
                __builtin_prefetch (cs[k]);
            }
            for (guint i = 0; i < k; i++) {
                hs[i] = comm_hash (cs[i]);
                __builtin_prefetch (comm_index_slot (&index, hs[i]));
            }
            for (guint i = 0; i < k; i++)
                ((SinkRestComm *) comm_index_record (&index, count, cs[i], hs[i]))->n++;
        }
        comm_index_clear (&index);
        guint nk = count->len;
        SinkRestComm by[SINK_REST_COMMS];
        /* only the first SINK_REST_COMMS are shown: kept in order in one
         * pass, not a sort of every comm (as many as tasks on a
         * fork-heavy host) */
        guint top = 0;
        for (guint j = 0; j < nk; j++) {
            SinkRestComm c = g_array_index (count, SinkRestComm, j);
            if (top == SINK_REST_COMMS && sink_rest_cmp_comm (&c, &by[top - 1]) >= 0)
                continue;
            guint at = top < SINK_REST_COMMS ? top++ : top - 1;
            for (; at > 0 && sink_rest_cmp_comm (&c, &by[at - 1]) < 0; at--)
                by[at] = by[at - 1];
            by[at] = c;
        }
        g_array_free (count, TRUE);
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
