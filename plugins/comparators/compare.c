/* compare.c - what changed between two result sets of the same profile
 * (docs/compare.md).
 *
 * Generic: every table present in both results (series and tables keyed
 * by a time are left out) is joined on its key columns.  Pids change
 * between runs, so a pid-like key (pid, tgid, vm, *_pid) is replaced by
 * its name column (comm, *_comm, name) or dropped, and a role or vcpu
 * column joins the key; rows that then share a key are merged.  Each
 * count, duration and percent column becomes base, problem, delta and
 * delta_pct, additive ones (sums of time or events) also rate_pct: the
 * change per second of trace, so traces of different lengths compare.
 */
#include <math.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#define EVIDENCE_ROWS 5

typedef struct {
    double min_delta_pct, min_abs_ms, min_delta_points;
    char **wait, **load;
    GPtrArray *rises; /* Rise*, of the comparison under way */
} Compare;

typedef enum { AGG_SUM, AGG_MAX, AGG_MIN } Agg;

typedef struct {
    const char *name;
    FtaColumnType type;
    int col_b, col_p;
    Agg agg;
    gboolean additive; /* a sum over time: has a rate */
    const char *shown; /* a duration's display unit: its deltas keep it */
} Metric;

typedef struct {
    const char *name;   /* output column */
    FtaColumnType type;
    int col_b, col_p;   /* source columns */
} KeyPart;

typedef struct {
    gboolean set;
    gint64 i;
    double d;
} Num;

typedef struct {
    guint order;
    FtaValue *key;      /* one per key part; strings owned */
    Num *v[2];          /* per metric: baseline, problem */
    gboolean seen[2];
    double score;
} Joined;

static char **
split_list (const char *text)
{
    char **parts = g_strsplit (text ? text : "", ",", -1);
    for (char **p = parts; *p; p++)
        g_strstrip (*p);
    return parts;
}

static void *
compare_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) ctx;
    (void) error;
    Compare *c = g_new0 (Compare, 1);
    c->min_delta_pct = fta_options_get_double (opts, "min_delta_pct");
    c->min_abs_ms = fta_options_get_double (opts, "min_abs_ms");
    c->min_delta_points = fta_options_get_double (opts, "min_delta_points");
    c->wait = split_list (fta_options_get_string (opts, "wait_metrics"));
    c->load = split_list (fta_options_get_string (opts, "load_metrics"));
    return c;
}

static void
compare_destroy (void *self)
{
    Compare *c = self;
    g_strfreev (c->wait);
    g_strfreev (c->load);
    g_free (c);
}

static gboolean
matches (char **patterns, const char *name)
{
    for (char **p = patterns; p && *p; p++)
        if (**p && g_pattern_match_simple (*p, name))
            return TRUE;
    return FALSE;
}

static gboolean
is_pid_like (const char *n)
{
    return strcmp (n, "pid") == 0 || strcmp (n, "tgid") == 0 || strcmp (n, "vm") == 0
           || g_str_has_suffix (n, "_pid") || g_str_has_suffix (n, "_tgid")
           || g_str_has_suffix (n, "_vm");
}

/* The name column that stands for a pid-like key, or NULL. */
static char *
partner_of (const char *n)
{
    if (strcmp (n, "pid") == 0)
        return g_strdup ("comm");
    if (strcmp (n, "vm") == 0)
        return g_strdup ("name");
    if (g_str_has_suffix (n, "_pid"))
        return g_strdup_printf ("%.*s_comm", (int) (strlen (n) - 4), n);
    if (g_str_has_suffix (n, "_vm"))
        return g_strdup_printf ("%.*s_name", (int) (strlen (n) - 3), n);
    return NULL;
}

static int
col_of (const FtaTable *t, const char *name, FtaColumnType type)
{
    int c = fta_table_column_index (t, name);
    return c >= 0 && fta_table_column (t, c)->type == type ? c : -1;
}

static Agg
agg_of (const char *n)
{
    if (strstr (n, "min"))
        return AGG_MIN;
    if (strstr (n, "max") || strstr (n, "avg") || strstr (n, "_p5") || strstr (n, "_p9")
        || strstr (n, "pct"))
        return AGG_MAX; /* not additive: the worst of the merged rows */
    return AGG_SUM;
}

/* Key parts of a table, or NULL when it cannot be joined (keyed by a
 * time: a list of episodes). */
static GArray *
plan_keys (const FtaTable *b, const FtaTable *p)
{
    GArray *keys = g_array_new (FALSE, FALSE, sizeof (KeyPart));
    for (guint c = 0; c < fta_table_n_columns (b); c++) {
        const FtaColumn *col = fta_table_column (b, c);
        if (!col->key)
            continue;
        if (g_str_has_suffix (col->name, "_ns") || g_str_has_suffix (col->name, "_ts")) {
            g_array_free (keys, TRUE);
            return NULL;
        }
        const char *name = col->name;
        FtaColumnType type = col->type;
        char *partner = NULL;
        if (is_pid_like (name)) {
            partner = partner_of (name);
            if (!partner || col_of (b, partner, FTA_COL_STRING) < 0) {
                g_free (partner);
                continue; /* no name for it: dropped */
            }
            name = partner;
            type = FTA_COL_STRING;
        }
        gboolean dup = FALSE;
        for (guint k = 0; k < keys->len; k++)
            dup |= strcmp (g_array_index (keys, KeyPart, k).name, name) == 0;
        KeyPart kp = { fta_table_column (b, col_of (b, name, type))->name, type,
                       col_of (b, name, type), col_of (p, name, type) };
        g_free (partner);
        if (dup)
            continue;
        if (kp.col_p < 0) {
            g_array_free (keys, TRUE);
            return NULL;
        }
        g_array_append_val (keys, kp);
    }
    /* kvm threads: the role and the vCPU number tell them apart */
    static const struct { const char *n; FtaColumnType t; } extra[] = {
        { "role", FTA_COL_STRING }, { "vcpu", FTA_COL_INT } };
    for (guint e = 0; e < G_N_ELEMENTS (extra); e++) {
        int cb = col_of (b, extra[e].n, extra[e].t), cp = col_of (p, extra[e].n, extra[e].t);
        if (cb < 0 || cp < 0 || fta_table_column (b, cb)->key)
            continue;
        KeyPart kp = { fta_table_column (b, cb)->name, extra[e].t, cb, cp };
        g_array_append_val (keys, kp);
    }
    return keys;
}

static GArray *
plan_metrics (const FtaTable *b, const FtaTable *p)
{
    GArray *m = g_array_new (FALSE, FALSE, sizeof (Metric));
    for (guint c = 0; c < fta_table_n_columns (b); c++) {
        const FtaColumn *col = fta_table_column (b, c);
        if (col->key || (col->type != FTA_COL_COUNT && col->type != FTA_COL_DURATION
                         && col->type != FTA_COL_PERCENT))
            continue;
        int cp = col_of (p, col->name, col->type);
        if (cp < 0)
            continue;
        Metric x = { col->name, col->type, (int) c, cp, agg_of (col->name), FALSE,
                     fta_column_display_unit (col) };
        x.additive = x.agg == AGG_SUM && col->type != FTA_COL_PERCENT;
        g_array_append_val (m, x);
    }
    return m;
}

static char *
key_string (const FtaTable *t, guint row, GArray *keys, int side)
{
    GString *s = g_string_new (NULL);
    for (guint k = 0; k < keys->len; k++) {
        const KeyPart *kp = &g_array_index (keys, KeyPart, k);
        const FtaValue *v = fta_table_cell (t, row, side ? kp->col_p : kp->col_b);
        if (!v || v->is_null)
            g_string_append (s, "\x1e");
        else if (kp->type == FTA_COL_STRING)
            g_string_append (s, v->s);
        else
            g_string_append_printf (s, "%" G_GINT64_FORMAT, v->i);
        g_string_append_c (s, '\x1f');
    }
    return g_string_free (s, FALSE);
}

static void
merge (Num *n, const FtaValue *v, const Metric *m)
{
    if (!v || v->is_null)
        return;
    gboolean pct = m->type == FTA_COL_PERCENT;
    if (!n->set) {
        n->set = TRUE;
        n->i = v->i;
        n->d = v->d;
        return;
    }
    double a = pct ? n->d : (double) n->i, b = pct ? v->d : (double) v->i;
    switch (m->agg) {
    case AGG_SUM:
        n->i += v->i;
        n->d += v->d;
        break;
    case AGG_MAX:
        if (b > a) {
            n->i = v->i;
            n->d = v->d;
        }
        break;
    case AGG_MIN:
        if (b < a) {
            n->i = v->i;
            n->d = v->d;
        }
        break;
    }
}

static double
num (const Num *n, const Metric *m)
{
    if (!n->set)
        return 0;
    return m->type == FTA_COL_PERCENT ? n->d : (double) n->i;
}

static double
span_s (const FtaResults *r)
{
    const FtaQuality *q = fta_results_quality (r);
    if (!q || q->first_ts_ns < 0 || q->last_ts_ns <= q->first_ts_ns)
        return 0;
    return (q->last_ts_ns - q->first_ts_ns) / 1e9;
}

static void
fmt_value (char *buf, gsize n, const Metric *m, double v)
{
    if (m->type == FTA_COL_PERCENT)
        g_snprintf (buf, n, "%.1f%%", v);
    else if (m->type == FTA_COL_COUNT)
        g_snprintf (buf, n, "%.0f", v);
    else if (fabs (v) >= 1e9)
        g_snprintf (buf, n, "%.2f s", v / 1e9);
    else if (fabs (v) >= 1e6)
        g_snprintf (buf, n, "%.2f ms", v / 1e6);
    else if (fabs (v) >= 1e3)
        g_snprintf (buf, n, "%.1f us", v / 1e3);
    else
        g_snprintf (buf, n, "%.0f ns", v);
}

static char *
row_label (const Joined *j, GArray *keys)
{
    GString *s = g_string_new (NULL);
    for (guint k = 0; k < keys->len; k++) {
        const KeyPart *kp = &g_array_index (keys, KeyPart, k);
        const FtaValue *v = &j->key[k];
        if (v->is_null)
            continue;
        if (s->len)
            g_string_append (s, kp->type == FTA_COL_STRING ? "/" : " on ");
        if (kp->type == FTA_COL_STRING)
            g_string_append (s, v->s);
        else if (strcmp (kp->name, "cpu") == 0)
            g_string_append_printf (s, "CPU %" G_GINT64_FORMAT, v->i);
        else
            g_string_append_printf (s, "%s %" G_GINT64_FORMAT, kp->name, v->i);
    }
    if (!s->len)
        g_string_append (s, "(all)");
    return g_string_free (s, FALSE);
}

static const char *
metric_words (const char *n)
{
    static const struct { const char *name, *words; } known[] = {
        { "run_ns", "CPU time" },
        { "runnable_ns", "runnable wait" },
        { "preempted_wait_ns", "wait after preemption" },
        { "runnable_pressure_ns", "runnable pressure" },
        { "d_total_ns", "time blocked (D)" },
        { "blocked_ns", "time blocked (D)" },
        { "busy_pct", "busy share" },
        { "busy_ns", "busy time" },
        { "steal_pct", "steal" },
        { "latency_avg_ns", "average wakeup latency" },
        { "latency_p50_ns", "median wakeup latency" },
        { "latency_p99_ns", "p99 wakeup latency" },
        { "latency_max_ns", "longest wakeup latency" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (known); i++)
        if (strcmp (known[i].name, n) == 0)
            return known[i].words;
    return n;
}

typedef struct {
    gboolean in_base; /* the row is in the baseline */
    double base, prob, delta;
    double cost; /* ns per second of trace, NAN when not a sum of time */
    char *label;
} Hit;

/* The rows of one table whose metric rose past the thresholds: one
 * finding, and rows of compare.regressions. */
typedef struct {
    gboolean load;
    char *table;
    Metric m;
    GArray *hits; /* Hit, the largest rise first */
    double cost;  /* the largest of the hits' costs, or NAN */
    double delta; /* ... and of their rises, for ties */
} Rise;

static void
rise_free (gpointer p)
{
    Rise *r = p;
    for (guint h = 0; h < r->hits->len; h++)
        g_free (g_array_index (r->hits, Hit, h).label);
    g_array_free (r->hits, TRUE);
    g_free (r->table);
    g_free (r);
}

static int
by_delta (gconstpointer a, gconstpointer b)
{
    const Hit *x = a, *y = b;
    return (x->delta < y->delta) - (x->delta > y->delta);
}

/* Costs first, largest first; then the rest by their rise. */
static int
by_cost (double ca, double da, double cb, double db)
{
    gboolean ha = !isnan (ca), hb = !isnan (cb);
    if (ha != hb)
        return hb - ha;
    if (ha && ca != cb)
        return (ca < cb) - (ca > cb);
    return (da < db) - (da > db);
}

static int
rise_by_cost (gconstpointer a, gconstpointer b)
{
    const Rise *x = *(Rise *const *) a, *y = *(Rise *const *) b;
    return by_cost (x->cost, x->delta, y->cost, y->delta);
}

/* "955.00 ms/s" or "12.0/s": an additive value per second of trace. */
static void
fmt_rate (char *buf, gsize n, const Metric *m, double v, double span)
{
    if (m->type == FTA_COL_DURATION) {
        char tmp[32];
        fmt_value (tmp, sizeof tmp, m, v / span);
        g_snprintf (buf, n, "%s/s", tmp);
    } else {
        g_snprintf (buf, n, "%.1f/s", v / span);
    }
}

/* The rows whose value of metric M rose past the thresholds, kept in
 * c->rises; findings are made once every table is compared, by cost. */
static void
find_rises (Compare *c, const char *table, GPtrArray *rows, GArray *keys, const Metric *m,
            guint mi, double scale, double sb, double sp, gboolean load)
{
    GArray *hits = g_array_new (FALSE, FALSE, sizeof (Hit));
    for (guint r = 0; r < rows->len; r++) {
        Joined *j = g_ptr_array_index (rows, r);
        if (!j->seen[1])
            continue;
        double b = num (j->v[0] + mi, m), p = num (j->v[1] + mi, m);
        gboolean ok;
        double delta;
        if (m->type == FTA_COL_PERCENT) {
            delta = p - b;
            ok = delta >= c->min_delta_points && delta > 0;
        } else {
            /* additive values compare over the same length of trace */
            double ps = m->additive ? p * scale : p;
            delta = ps - b;
            ok = delta > 0 && delta >= c->min_abs_ms * 1e6 * (m->type == FTA_COL_DURATION)
                 && (b <= 0 || delta / b * 100.0 >= c->min_delta_pct);
        }
        if (ok) {
            Hit h = { j->seen[0], b, p, delta, NAN, row_label (j, keys) };
            if (m->additive && m->type == FTA_COL_DURATION && sb > 0 && sp > 0)
                h.cost = p / sp - b / sb;
            g_array_append_val (hits, h);
        }
    }
    if (!hits->len) {
        g_array_free (hits, TRUE);
        return;
    }
    g_array_sort (hits, by_delta);
    Rise *rise = g_new0 (Rise, 1);
    rise->load = load;
    rise->table = g_strdup (table);
    rise->m = *m;
    rise->hits = hits;
    rise->cost = NAN;
    rise->delta = g_array_index (hits, Hit, 0).delta;
    for (guint h = 0; h < hits->len; h++) {
        double x = g_array_index (hits, Hit, h).cost;
        if (!isnan (x) && (isnan (rise->cost) || x > rise->cost))
            rise->cost = x;
    }
    g_ptr_array_add (c->rises, rise);
}

/* "+955.0 ms per second of trace" */
static void
fmt_cost (char *buf, gsize n, double cost)
{
    static const Metric ns = { .type = FTA_COL_DURATION };
    char v[32];
    fmt_value (v, sizeof v, &ns, cost);
    g_snprintf (buf, n, "%s%s per second of trace", cost >= 0 ? "+" : "", v);
}

static void
add_finding (FtaResults *out, const Rise *rise, double sb, double sp)
{
    const Metric *m = &rise->m;
    const Hit *top = &g_array_index (rise->hits, Hit, 0);
    char bv[32], pv[32], dv[32];
    fmt_value (bv, sizeof bv, m, top->base);
    fmt_value (pv, sizeof pv, m, top->prob);
    const char *words = metric_words (m->name);
    GString *title = g_string_new (NULL);
    if (rise->load && !top->in_base)
        g_string_printf (title, "%s appeared and took %s of %s", top->label, pv, words);
    else if (!top->in_base)
        g_string_printf (title, "%s appeared with %s of %s", top->label, pv, words);
    else
        g_string_printf (title, "%s of %s rose from %s to %s", words, top->label, bv, pv);
    if (rise->hits->len > 1)
        g_string_append_printf (title, " (and %u more)", rise->hits->len - 1);
    g_string_append_printf (title, " [%s]", rise->table);
    FtaFinding *f = fta_results_add_finding (
        out, FTA_SEVERITY_WARNING, rise->load ? "compare.more-load" : "compare.regression",
        title->str,
        rise->load ? "The problem trace has work the baseline has not, or more of it: it "
                     "competes with everything else for the CPUs."
                   : "In the problem trace this waits longer than in the baseline (over "
                     "the same length of trace, for sums of time).",
        rise->load ? "Find out what started it (the new task's parent, a cron job, a "
                     "changed configuration); limit it (nice, cgroup cpu.max) or move it "
                     "to other CPUs (taskset, cpusets)."
                   : "Look at what ran instead: the CPU hogs of the problem trace, and the "
                     "compare.* tables of the tasks that grew.");
    fta_finding_add_evidence (f, "table", rise->table);
    fta_finding_add_evidence (f, "metric", m->name);
    if (!isnan (rise->cost)) {
        /* the time the rise adds over the problem trace's length */
        char cv[64];
        fmt_cost (cv, sizeof cv, rise->cost);
        fta_finding_add_evidence (f, "cost", cv);
        fta_finding_set_cost (f, (gint64) llround (rise->cost * sp));
    }
    for (guint h = 0; h < rise->hits->len && h < EVIDENCE_ROWS; h++) {
        const Hit *x = &g_array_index (rise->hits, Hit, h);
        fmt_value (bv, sizeof bv, m, x->base);
        fmt_value (pv, sizeof pv, m, x->prob);
        fmt_value (dv, sizeof dv, m, x->prob - x->base);
        char *text = g_strdup_printf ("%s -> %s (%s%s)", x->in_base ? bv : "absent",
                                      pv, x->prob >= x->base ? "+" : "", dv);
        if (m->additive && sb > 0 && sp > 0 && sb != sp) {
            char rb[48], rp[48];
            fmt_rate (rb, sizeof rb, m, x->base, sb);
            fmt_rate (rp, sizeof rp, m, x->prob, sp);
            char *more = g_strdup_printf ("%s; %s -> %s", text, rb, rp);
            g_free (text);
            text = more;
        }
        fta_finding_add_evidence (f, x->label, text);
        g_free (text);
    }
    g_string_free (title, TRUE);
}

static void
joined_free (gpointer p)
{
    g_free (p);
}

static int
by_score (gconstpointer a, gconstpointer b)
{
    const Joined *x = *(Joined *const *) a, *y = *(Joined *const *) b;
    if (x->score != y->score)
        return (x->score < y->score) - (x->score > y->score);
    return (x->order > y->order) - (x->order < y->order);
}

typedef struct {
    guint m, group;
    double score;
} Importance;

static int
by_importance (gconstpointer a, gconstpointer b)
{
    const Importance *x = a, *y = b;
    if (x->group != y->group)
        return (x->group > y->group) - (x->group < y->group);
    return (x->score < y->score) - (x->score > y->score);
}

/* What a narrow rendering keeps (FtaColumn.rank): the metrics that
 * changed, those of load first, then of wait, then the other times, percents,
 * counts; sums of time by their change per second of trace, the others by
 * their change; of each its base, problem and delta.  Relative changes
 * and unchanged metrics stay in CSV and JSON. */
static void
rank_columns (Compare *c, FtaTable *t, GArray *metrics, GPtrArray *rows, const guint *first,
              double sb, double sp)
{
    GArray *imp = g_array_new (FALSE, FALSE, sizeof (Importance));
    for (guint m = 0; m < metrics->len; m++) {
        const Metric *x = &g_array_index (metrics, Metric, m);
        gboolean time_rate = x->type == FTA_COL_DURATION && x->additive && sb > 0 && sp > 0;
        Importance i = { m, x->type == FTA_COL_DURATION ? (time_rate ? 2 : 3)
                            : x->type == FTA_COL_PERCENT ? 4 : 5, 0 };
        if (matches (c->load, x->name))
            i.group = 0;
        else if (matches (c->wait, x->name))
            i.group = 1;
        gboolean changed = FALSE;
        for (guint r = 0; r < rows->len; r++) {
            const Joined *j = g_ptr_array_index (rows, r);
            const Num *nb = &j->v[0][m], *np = &j->v[1][m];
            double b = num (nb, x), p = num (np, x);
            changed |= nb->set != np->set || b != p;
            i.score += time_rate ? fabs (p / sp - b / sb) : fabs (p - b);
        }
        guint last = first[m] + (x->additive ? 4 : 3);
        for (guint col = first[m]; col <= last; col++)
            fta_table_set_column_rank (t, col, FTA_RANK_DETAIL);
        if (changed)
            g_array_append_val (imp, i);
    }
    g_array_sort (imp, by_importance);
    for (guint k = 0; k < imp->len; k++) {
        guint m = g_array_index (imp, Importance, k).m;
        for (guint col = first[m]; col < first[m] + 3; col++)
            fta_table_set_column_rank (t, col, 1 + k);
    }
    g_array_free (imp, TRUE);
}

static void
compare_table (Compare *c, const FtaResults *base, const FtaResults *prob,
               const FtaTable *tb, const FtaTable *tp, FtaResults *out)
{
    GArray *keys = plan_keys (tb, tp);
    if (!keys)
        return;
    GArray *metrics = plan_metrics (tb, tp);
    guint nk = keys->len, nm = metrics->len;
    double sb = span_s (base), sp = span_s (prob);
    double scale = sb > 0 && sp > 0 ? sb / sp : 1.0;

    GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    GPtrArray *rows = g_ptr_array_new_with_free_func (joined_free);
    GStringChunk *strings = g_string_chunk_new (1024);
    const FtaTable *src[2] = { tb, tp };
    for (int side = 0; side < 2; side++) {
        for (guint r = 0; r < fta_table_n_rows (src[side]); r++) {
            char *k = key_string (src[side], r, keys, side);
            Joined *j = g_hash_table_lookup (index, k);
            if (!j) {
                /* one block: the row, its key cells and both value arrays */
                j = g_malloc0 (sizeof (Joined) + nk * sizeof (FtaValue)
                               + 2 * nm * sizeof (Num));
                j->key = (FtaValue *) (j + 1);
                j->v[0] = (Num *) (j->key + nk);
                j->v[1] = j->v[0] + nm;
                j->order = rows->len;
                for (guint i = 0; i < nk; i++) {
                    const KeyPart *kp = &g_array_index (keys, KeyPart, i);
                    j->key[i] = *fta_table_cell (src[side], r, side ? kp->col_p : kp->col_b);
                    if (!j->key[i].is_null && kp->type == FTA_COL_STRING)
                        j->key[i].s = g_string_chunk_insert_const (strings, j->key[i].s);
                }
                g_ptr_array_add (rows, j);
                g_hash_table_insert (index, k, j);
            } else {
                g_free (k);
            }
            j->seen[side] = TRUE;
            for (guint m = 0; m < nm; m++) {
                const Metric *x = &g_array_index (metrics, Metric, m);
                merge (&j->v[side][m], fta_table_cell (src[side], r, side ? x->col_p : x->col_b),
                       x);
            }
        }
    }
    /* the largest change of time first */
    for (guint r = 0; r < rows->len; r++) {
        Joined *j = g_ptr_array_index (rows, r);
        for (guint m = 0; m < nm; m++) {
            const Metric *x = &g_array_index (metrics, Metric, m);
            if (x->type == FTA_COL_DURATION)
                j->score = MAX (j->score, fabs (num (&j->v[1][m], x) - num (&j->v[0][m], x)));
        }
    }
    g_ptr_array_sort (rows, by_score);

    char *title = g_strdup_printf ("Compared: %s", fta_table_title (tb));
    FtaTable *t = fta_results_add_table (out, "compare", fta_table_full_name (tb), title);
    g_free (title);
    for (guint k = 0; k < nk; k++) {
        const KeyPart *kp = &g_array_index (keys, KeyPart, k);
        guint col = fta_table_add_column (t, kp->name, kp->type, TRUE);
        if (kp->type == FTA_COL_DURATION)
            fta_table_set_display_unit (
                t, col, fta_column_display_unit (fta_table_column (tb, (guint) kp->col_b)));
    }
    guint c_status = fta_table_add_column (t, "status", FTA_COL_STRING, FALSE);
    guint *first = g_new (guint, nm + 1);
    for (guint m = 0; m < nm; m++) {
        const Metric *x = &g_array_index (metrics, Metric, m);
        char *n;
        static const char *suffix[] = { "base", "problem", "delta" };
        for (guint s = 0; s < 3; s++) {
            n = g_strdup_printf ("%s_%s", x->name, suffix[s]);
            guint col = fta_table_add_column (t, n, x->type, FALSE);
            if (x->type == FTA_COL_DURATION)
                fta_table_set_display_unit (t, col, x->shown);
            if (s == 0)
                first[m] = col;
            g_free (n);
        }
        n = g_strdup_printf ("%s_delta_pct", x->name);
        fta_table_add_column (t, n, FTA_COL_PERCENT, FALSE);
        g_free (n);
        if (x->additive) {
            n = g_strdup_printf ("%s_rate_pct", x->name);
            fta_table_add_column (t, n, FTA_COL_PERCENT, FALSE);
            g_free (n);
        }
    }
    for (guint r = 0; r < rows->len; r++) {
        Joined *j = g_ptr_array_index (rows, r);
        guint row = fta_table_add_row (t);
        for (guint k = 0; k < nk; k++) {
            const KeyPart *kp = &g_array_index (keys, KeyPart, k);
            if (j->key[k].is_null)
                continue;
            if (kp->type == FTA_COL_STRING)
                fta_table_set_string (t, row, k, j->key[k].s);
            else if (kp->type == FTA_COL_PERCENT)
                fta_table_set_double (t, row, k, j->key[k].d);
            else
                fta_table_set_int (t, row, k, j->key[k].i);
        }
        gboolean same = TRUE;
        for (guint m = 0; m < nm; m++) {
            const Metric *x = &g_array_index (metrics, Metric, m);
            const Num *nb = &j->v[0][m], *np = &j->v[1][m];
            double b = num (nb, x), p = num (np, x);
            guint col = first[m];
            same &= nb->set == np->set && b == p;
            if (x->type == FTA_COL_PERCENT) {
                if (j->seen[0] && nb->set)
                    fta_table_set_double (t, row, col, b);
                if (j->seen[1] && np->set)
                    fta_table_set_double (t, row, col + 1, p);
                fta_table_set_double (t, row, col + 2, p - b);
            } else {
                if (j->seen[0] && nb->set)
                    fta_table_set_int (t, row, col, nb->i);
                if (j->seen[1] && np->set)
                    fta_table_set_int (t, row, col + 1, np->i);
                fta_table_set_int (t, row, col + 2, (np->set ? np->i : 0)
                                                        - (nb->set ? nb->i : 0));
            }
            if (b != 0)
                fta_table_set_double (t, row, col + 3, (p - b) / fabs (b) * 100.0);
            else if (p == 0)
                fta_table_set_double (t, row, col + 3, 0);
            if (x->additive && sb > 0 && sp > 0) {
                double rb = b / sb, rp = p / sp;
                if (rb != 0)
                    fta_table_set_double (t, row, col + 4, (rp - rb) / fabs (rb) * 100.0);
                else if (rp == 0)
                    fta_table_set_double (t, row, col + 4, 0);
            }
        }
        fta_table_set_string (t, row, c_status,
                              !j->seen[0]   ? "new"
                              : !j->seen[1] ? "vanished"
                              : same        ? "same"
                                            : "changed");
    }
    rank_columns (c, t, metrics, rows, first, sb, sp);
    fta_table_set_omit_empty (t, !fta_table_n_rows (tb) && !fta_table_n_rows (tp));
    g_free (first);

    for (guint m = 0; m < nm; m++) {
        const Metric *x = &g_array_index (metrics, Metric, m);
        if (matches (c->load, x->name))
            find_rises (c, fta_table_full_name (tb), rows, keys, x, m, scale, sb, sp, TRUE);
        else if (matches (c->wait, x->name))
            find_rises (c, fta_table_full_name (tb), rows, keys, x, m, scale, sb, sp, FALSE);
    }
    g_ptr_array_free (rows, TRUE);
    g_hash_table_destroy (index);
    g_string_chunk_free (strings);
    g_array_free (keys, TRUE);
    g_array_free (metrics, TRUE);
}

/* Findings of the problem run whose code the baseline has not. */
static void
new_findings (const FtaResults *base, const FtaResults *prob, FtaResults *out)
{
    GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint i = 0; i < fta_results_n_findings (base); i++)
        g_hash_table_add (seen, (gpointer) fta_results_finding (base, i)->code);
    for (guint i = 0; i < fta_results_n_findings (prob); i++) {
        const FtaFinding *f = fta_results_finding (prob, i);
        if (g_hash_table_contains (seen, f->code))
            continue;
        g_hash_table_add (seen, (gpointer) f->code);
        char *title = g_strdup_printf ("Only in the problem trace: %s", f->title);
        FtaFinding *n = fta_results_add_finding (out, FTA_SEVERITY_INFO, "compare.new-finding",
                                                 title, f->cause, f->advice);
        fta_finding_set_cost (n, f->cost_ns);
        fta_finding_add_evidence (n, "code", f->code);
        for (guint k = 0; k < f->evidence_keys->len; k++)
            fta_finding_add_evidence (n, g_ptr_array_index (f->evidence_keys, k),
                                      g_ptr_array_index (f->evidence_values, k));
        g_free (title);
    }
    g_hash_table_destroy (seen);
}

/* --- both traces side by side --------------------------------------------- */

static gint64
cell_i (const FtaTable *t, guint row, int col)
{
    const FtaValue *v = col >= 0 ? fta_table_cell (t, row, (guint) col) : NULL;
    return v && !v->is_null ? v->i : 0;
}

static int
cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* One row per input: what it is, how busy its CPUs were, how much waited
 * for them, what it lost and what it found.  Busy and pressure come from
 * cpu.cpus when the profile ran the cpu analyzer. */
static void
input_row (FtaTable *t, const char *role, const FtaResults *r)
{
    const FtaQuality *q = fta_results_quality (r);
    guint row = fta_table_add_row (t), c = 0;
    fta_table_set_string (t, row, c++, role);
    fta_table_set_string (t, row, c++, q->input_path ? q->input_path : "");
    fta_table_set_string (t, row, c++, q->format ? q->format : "");
    if (q->first_ts_ns >= 0)
        fta_table_set_int (t, row, c, q->last_ts_ns - q->first_ts_ns);
    c++;
    fta_table_set_int (t, row, c++, q->n_cpus_seen ? q->n_cpus_seen : q->n_cpus);
    fta_table_set_int (t, row, c++, (gint64) q->lines_event);

    const FtaTable *cpus = fta_results_find_table (r, "cpu.cpus");
    int c_busy = cpus ? fta_table_column_index (cpus, "busy_ns") : -1;
    int c_idle = cpus ? fta_table_column_index (cpus, "idle_ns") : -1;
    int c_press = cpus ? fta_table_column_index (cpus, "runnable_pressure_ns") : -1;
    int c_cpu = cpus ? fta_table_column_index (cpus, "cpu") : -1;
    guint n = cpus && c_busy >= 0 && c_idle >= 0 ? fta_table_n_rows (cpus) : 0;
    double busy = 0, obs = 0, press = 0;
    double *pct = g_new (double, n + 1);
    guint np = 0;
    GString *by = g_string_new (NULL);
    for (guint i = 0; i < n; i++) {
        double b = (double) cell_i (cpus, i, c_busy), o = b + (double) cell_i (cpus, i, c_idle);
        busy += b;
        obs += o;
        press += (double) cell_i (cpus, i, c_press);
        if (o <= 0)
            continue;
        pct[np++] = 100.0 * b / o;
        if (n <= 8)
            g_string_append_printf (by, "%s%" G_GINT64_FORMAT ": %.0f%%", by->len ? ", " : "",
                                    cell_i (cpus, i, c_cpu), 100.0 * b / o);
    }
    if (np) {
        qsort (pct, np, sizeof *pct, cmp_double);
        if (n > 8)
            g_string_printf (by, "min %.0f%%, median %.0f%%, p90 %.0f%%, max %.0f%%", pct[0],
                             pct[np / 2], pct[MIN (np - 1, np * 9 / 10)], pct[np - 1]);
        fta_table_set_string (t, row, c, by->str);
        fta_table_set_double (t, row, c + 1, 100.0 * busy / obs);
        fta_table_set_double (t, row, c + 2, pct[0]);
        fta_table_set_double (t, row, c + 3, pct[np - 1]);
        if (c_press >= 0) {
            fta_table_set_double (t, row, c + 4, 100.0 * press / obs);
            fta_table_set_int (t, row, c + 5, (gint64) press);
        }
    }
    c += 6;
    g_string_free (by, TRUE);
    g_free (pct);
    fta_table_set_int (t, row, c++, q->lost_events);
    guint sev[3] = { 0 };
    for (guint i = 0; i < fta_results_n_findings (r); i++)
        sev[CLAMP (fta_results_finding (r, i)->severity, 0, 2)]++;
    for (int k = 2; k >= 0; k--)
        fta_table_set_int (t, row, c++, sev[k]);
}

typedef struct {
    const char *name;
    FtaColumnType type;
    guint rank;
} ColSpec;

static void
add_columns (FtaTable *t, const ColSpec *cols, guint n, gboolean first_is_key)
{
    for (guint i = 0; i < n; i++) {
        guint col = fta_table_add_column (t, cols[i].name, cols[i].type, first_is_key && !i);
        fta_table_set_column_rank (t, col, cols[i].rank);
    }
}

static void
add_inputs (const FtaResults *base, const FtaResults *prob, FtaResults *out)
{
    FtaTable *t = fta_results_add_table (
        out, "compare", "inputs",
        "Both traces side by side (busy and runnable pressure: shares of the CPUs' "
        "observed time)");
    static const ColSpec cols[] = {
        { "role", FTA_COL_STRING, 0 },         { "input", FTA_COL_STRING, 4 },
        { "format", FTA_COL_STRING, 5 },       { "span_ns", FTA_COL_DURATION, 0 },
        { "cpus", FTA_COL_INT, 0 },            { "events", FTA_COL_COUNT, 0 },
        { "busy_by_cpu", FTA_COL_STRING, 0 },  { "busy_pct", FTA_COL_PERCENT, 1 },
        { "busy_min_pct", FTA_COL_PERCENT, 3 }, { "busy_max_pct", FTA_COL_PERCENT, 3 },
        { "runnable_pressure_pct", FTA_COL_PERCENT, 0 },
        { "runnable_pressure_ns", FTA_COL_DURATION, 2 },
        { "lost_events", FTA_COL_COUNT, 0 },   { "critical", FTA_COL_COUNT, 0 },
        { "warning", FTA_COL_COUNT, 0 },       { "info", FTA_COL_COUNT, 0 },
    };
    add_columns (t, cols, G_N_ELEMENTS (cols), TRUE);
    fta_table_set_display_unit (t, 3, "s");
    input_row (t, "baseline", base);
    input_row (t, "problem", prob);
}

/* --- regressions by cost ---------------------------------------------------- */

static FtaTable *
regressions_table (FtaResults *out)
{
    FtaTable *t = fta_results_add_table (
        out, "compare", "regressions",
        "Regressions, costliest first (cost: the rise of a sum of time per second of "
        "trace)");
    static const ColSpec cols[] = {
        { "kind", FTA_COL_STRING, 0 },        { "who", FTA_COL_STRING, 0 },
        { "what", FTA_COL_STRING, 0 },        { "cost_ns_per_sec", FTA_COL_DURATION, 0 },
        { "base_ns", FTA_COL_DURATION, 1 },   { "problem_ns", FTA_COL_DURATION, 1 },
        { "base_pct", FTA_COL_PERCENT, 2 },   { "problem_pct", FTA_COL_PERCENT, 2 },
        { "table", FTA_COL_STRING, 3 },       { "metric", FTA_COL_STRING, 4 },
    };
    add_columns (t, cols, G_N_ELEMENTS (cols), FALSE);
    fta_table_set_omit_empty (t, TRUE);
    return t;
}

/* "more run", "more blocked" or "more wait" */
static const char *
kind_of (const Rise *rise)
{
    const char *n = rise->m.name;
    if (rise->load)
        return "more run";
    if (g_str_has_prefix (n, "d_") || strstr (n, "blocked"))
        return "more blocked";
    return "more wait";
}

typedef struct {
    const Rise *rise;
    const Hit *hit;
} RegRow;

static int
regrow_by_cost (gconstpointer a, gconstpointer b)
{
    const RegRow *x = a, *y = b;
    return by_cost (x->hit->cost, x->hit->delta, y->hit->cost, y->hit->delta);
}

static void
fill_regressions (FtaTable *t, GPtrArray *rises)
{
    GArray *all = g_array_new (FALSE, FALSE, sizeof (RegRow));
    for (guint i = 0; i < rises->len; i++) {
        const Rise *rise = g_ptr_array_index (rises, i);
        for (guint h = 0; h < rise->hits->len; h++) {
            RegRow rr = { rise, &g_array_index (rise->hits, Hit, h) };
            g_array_append_val (all, rr);
        }
    }
    g_array_sort (all, regrow_by_cost);
    for (guint i = 0; i < all->len; i++) {
        const RegRow *rr = &g_array_index (all, RegRow, i);
        const Metric *m = &rr->rise->m;
        guint row = fta_table_add_row (t);
        fta_table_set_string (t, row, 0, kind_of (rr->rise));
        fta_table_set_string (t, row, 1, rr->hit->label);
        fta_table_set_string (t, row, 2, metric_words (m->name));
        if (!isnan (rr->hit->cost))
            fta_table_set_int (t, row, 3, (gint64) llround (rr->hit->cost));
        if (m->type == FTA_COL_DURATION) {
            if (rr->hit->in_base)
                fta_table_set_int (t, row, 4, (gint64) rr->hit->base);
            fta_table_set_int (t, row, 5, (gint64) rr->hit->prob);
        } else if (m->type == FTA_COL_PERCENT) {
            if (rr->hit->in_base)
                fta_table_set_double (t, row, 6, rr->hit->base);
            fta_table_set_double (t, row, 7, rr->hit->prob);
        }
        fta_table_set_string (t, row, 8, rr->rise->table);
        fta_table_set_string (t, row, 9, m->name);
    }
    g_array_free (all, TRUE);
}

static void
compare_compare (void *self, const FtaResults *base, const FtaResults *prob,
                 FtaResults *out)
{
    Compare *c = self;
    double sb = span_s (base), sp = span_s (prob);
    add_inputs (base, prob, out);
    FtaTable *reg = regressions_table (out);
    c->rises = g_ptr_array_new_with_free_func (rise_free);
    for (guint i = 0; i < fta_results_n_tables (base); i++) {
        const FtaTable *tb = fta_results_table (base, i);
        if (fta_table_is_series (tb))
            continue;
        const FtaTable *tp = fta_results_find_table (prob, fta_table_full_name (tb));
        if (tp && !fta_table_is_series (tp))
            compare_table (c, base, prob, tb, tp, out);
    }
    /* the regressions by what they cost, their findings in that order */
    g_ptr_array_sort (c->rises, rise_by_cost);
    fill_regressions (reg, c->rises);
    for (guint i = 0; i < c->rises->len; i++)
        add_finding (out, g_ptr_array_index (c->rises, i), sb, sp);
    g_ptr_array_free (c->rises, TRUE);
    c->rises = NULL;
    new_findings (base, prob, out);
}

static const FtaOptionSpec compare_options[] = {
    { "min_delta_pct", FTA_OPT_DOUBLE, "20.0",
      "a regression rises by at least this many percent (per second of trace for sums)" },
    { "min_abs_ms", FTA_OPT_DOUBLE, "10.0",
      "... and a time by at least this many ms (over the baseline's length)" },
    { "min_delta_points", FTA_OPT_DOUBLE, "10.0",
      "a percent column (busy_pct, steal_pct) regresses when it rises this many points" },
    { "wait_metrics", FTA_OPT_STRING,
      "runnable_ns,preempted_wait_ns,runnable_pressure_ns,latency_*_ns,d_total_ns,"
      "d_max_ns,blocked_ns,busy_pct,steal_pct",
      "columns whose rise is a regression (patterns, comma-separated)" },
    { "load_metrics", FTA_OPT_STRING, "run_ns",
      "columns whose rise is more load: new and grown CPU users" },
    { NULL }
};

FTA_PLUGIN_DEFINE (
    .name = "compare",
    .kind = FTA_PLUGIN_COMPARATOR,
    .summary = "what changed between two runs: every table joined on its keys, deltas, "
               "new and vanished rows, regressions",
    .options = compare_options,
    .create = compare_create,
    .destroy = compare_destroy,
    .compare = compare_compare,
);
