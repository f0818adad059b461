/* test-corpus.c - the CLI on real recordings, checked against oracles made
 * from the same ring buffer (tests/data/corpus/README.md):
 *  - counts.awk output: events per type, sched_switch per next_comm,
 *    prev_state values, sched_waking per comm: must be equal;
 *  - trace-cmd report --profile: per-task S, D and preempted (R, R+) wait
 *    totals.  The text has microsecond timestamps and the profile
 *    nanoseconds, so each interval may differ by < 1 us.  Where the kernel
 *    never recorded a task's switch-in (R is then not compared) or wakeup (S
 *    and D are not compared), trace-cmd keeps the interval open until some
 *    later event of that task (see docs/sched-model.md) while the sched
 *    model infers the switch-in or ends the sleep at sched_waking;
 *  - perf sched timehist -s (a separate recording of the same run): run
 *    time of the CPU-bound threads within 2%.
 */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

typedef struct {
    const char *scenario;
    const char *variant;
    gboolean via_stdin;
} Case;

static char *tmpdir;

#define data_file fta_test_corpus

/* The text of C's trace, decompressed. */
static char *
trace_text (const Case *c)
{
    char *gz = g_strdup_printf ("%s_%s.txt.gz", c->scenario, c->variant);
    char *path = fta_test_recording (c->scenario, gz);
    g_assert_nonnull (path);
    char *cmd = g_strdup_printf ("gzip -dc '%s'", path);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 0);
    char *text = r.out;
    g_free (r.err);
    g_free (cmd);
    g_free (path);
    g_free (gz);
    return text;
}

/* sched_wakeup_new lines per wakee comm, from the text: "comm=X pid=" in
 * tracefs and perf text, "X:PID [PRIO]" in trace-cmd report's. */
static GHashTable *
wakeup_new_per_comm (const Case *c)
{
    GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    char *text = trace_text (c);
    static const char key[] = "sched_wakeup_new:";
    for (const char *at = strstr (text, key); at; at = strstr (at + 1, key)) {
        const char *eol = strchr (at, '\n');
        if (!eol)
            eol = at + strlen (at);
        const char *s = at + strlen (key), *e = NULL;
        while (*s == ' ')
            s++;
        if (g_str_has_prefix (s, "comm=")) {
            s += 5;
            e = strstr (s, " pid=");
        } else {
            const char *br = strstr (s, " [");
            for (const char *q = s; br && q < br; q++)
                if (*q == ':')
                    e = q;
        }
        g_assert_true (e && e < eol);
        char *comm = g_strndup (s, e - s);
        gpointer n = g_hash_table_lookup (h, comm);
        g_hash_table_replace (h, comm, GINT_TO_POINTER (GPOINTER_TO_INT (n) + 1));
    }
    g_free (text);
    return h;
}

static JsonObject *
analyze (const Case *c, JsonParser **parser_out)
{
    char *gz = g_strdup_printf ("%s_%s.txt.gz", c->scenario, c->variant);
    /* the shared corpus has every rendering of every recording */
    char *path = fta_test_recording (c->scenario, gz);
    g_assert_nonnull (path);
    char *json = g_build_filename (tmpdir, "out.json", NULL);
    char *txt = g_build_filename (tmpdir, "trace.txt", NULL);
    const char *bin = g_getenv ("FTA_BIN");
    g_assert_nonnull (bin);
    char *cmd;
    if (c->via_stdin)
        cmd = g_strdup_printf ("gzip -dc '%s' | '%s' -q -f json -o '%s' -", path, bin, json);
    else
        cmd = g_strdup_printf ("gzip -dc '%s' > '%s' && '%s' -q -f json -o '%s' '%s'",
                               path, txt, bin, json, txt);
    FtaTestRun r = fta_test_run_sh (cmd);
    if (r.rc != 0)
        g_printerr ("%s\n", r.err);
    g_assert_cmpint (r.rc, ==, 0);
    *parser_out = fta_test_parse_file (json);
    g_unlink (txt);
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (txt);
    g_free (json);
    g_free (path);
    g_free (gz);
    return json_node_get_object (json_parser_get_root (*parser_out));
}

/* Rows of a table as hash tables column name -> JsonNode. */
static GPtrArray *
rows_of (JsonObject *doc, const char *table)
{
    JsonObject *tables = json_object_get_object_member (doc, "tables");
    g_assert_true (json_object_has_member (tables, table));
    JsonObject *t = json_object_get_object_member (tables, table);
    JsonArray *cols = json_object_get_array_member (t, "columns");
    JsonArray *rows = json_object_get_array_member (t, "rows");
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
    for (guint i = 0; i < json_array_get_length (rows); i++) {
        JsonArray *r = json_array_get_array_element (rows, i);
        GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);
        for (guint c = 0; c < json_array_get_length (cols); c++) {
            JsonObject *col = json_array_get_object_element (cols, c);
            g_hash_table_insert (h, (gpointer) json_object_get_string_member (col, "name"),
                                 json_array_get_element (r, c));
        }
        g_ptr_array_add (out, h);
    }
    return out;
}

static gint64
cell_int (GHashTable *row, const char *col)
{
    JsonNode *n = g_hash_table_lookup (row, col);
    g_assert_nonnull (n);
    return JSON_NODE_HOLDS_NULL (n) ? -1 : json_node_get_int (n);
}

static const char *
cell_str (GHashTable *row, const char *col)
{
    JsonNode *n = g_hash_table_lookup (row, col);
    g_assert_nonnull (n);
    return json_node_get_string (n);
}

/* A "## TITLE" section of a counts file: "  COUNT<TAB>KEY" lines. */
static GHashTable *
counts_section (const char *text, const char *title)
{
    GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    char *head = g_strdup_printf ("## %s\n", title);
    const char *s = strstr (text, head);
    g_assert_nonnull (s);
    s += strlen (head);
    while (*s && *s != '\n' && *s != '#') {
        const char *eol = strchr (s, '\n');
        if (!eol)
            eol = s + strlen (s);
        char *line = g_strndup (s, eol - s);
        char *tab = strchr (line, '\t');
        if (tab) {
            *tab = '\0';
            g_hash_table_insert (h, g_strdup (tab + 1),
                                 GINT_TO_POINTER ((gint) g_ascii_strtoll (line, NULL, 10)));
        }
        g_free (line);
        s = *eol ? eol + 1 : eol;
    }
    g_free (head);
    return h;
}

static gint64
counts_value (const char *text, const char *key)
{
    char *k = g_strdup_printf ("\n%s\t", key);
    const char *s = strstr (text, k);
    g_assert_nonnull (s);
    gint64 v = g_ascii_strtoll (s + strlen (k), NULL, 10);
    g_free (k);
    return v;
}

#define counts_ts_ns fta_test_counts_ts

static void
test_counts (gconstpointer data)
{
    const Case *c = data;
    JsonParser *p;
    JsonObject *doc = analyze (c, &p);
    char *name = g_strdup_printf ("%s_%s.counts.txt", c->scenario, c->variant);
    char *path = data_file (name);
    char *counts;
    g_assert_true (g_file_get_contents (path, &counts, NULL, NULL));

    /* every line accounted for, nothing unparsed in these recordings */
    JsonObject *q = json_object_get_object_member (doc, "quality");
    gint64 events = counts_value (counts, "event_lines");
    g_assert_cmpint (json_object_get_int_member (q, "lines_event"), ==, events);
    g_assert_cmpint (json_object_get_int_member (q, "lines_unparsed"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (q, "lines_total"), ==,
                     json_object_get_int_member (q, "lines_event")
                         + json_object_get_int_member (q, "lines_header"));
    g_assert_cmpint (json_object_get_int_member (q, "buffer_started"), ==,
                     counts_value (counts, "buffer_started_lines"));
    g_assert_cmpint (json_object_get_int_member (q, "out_of_order"), ==,
                     counts_value (counts, "ts_decreasing_global"));
    g_assert_cmpint (json_object_get_int_member (q, "first_ts_ns"), ==,
                     counts_ts_ns (counts, "first_ts"));
    g_assert_cmpint (json_object_get_int_member (q, "last_ts_ns"), ==,
                     counts_ts_ns (counts, "last_ts"));

    /* events per type */
    GHashTable *types = counts_section (counts, "events per type");
    JsonObject *by_type = json_object_get_object_member (q, "events_by_type");
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init (&it, types);
    while (g_hash_table_iter_next (&it, &k, &v)) {
        g_assert_true (json_object_has_member (by_type, k));
        g_assert_cmpint (json_object_get_int_member (by_type, k), ==, GPOINTER_TO_INT (v));
    }

    /* switch-ins per next_comm */
    GHashTable *next = counts_section (counts, "sched_switch per next_comm");
    GPtrArray *comms = rows_of (doc, "switch.comms");
    guint matched = 0;
    for (guint i = 0; i < comms->len; i++) {
        GHashTable *r = g_ptr_array_index (comms, i);
        gpointer want;
        if (g_hash_table_lookup_extended (next, cell_str (r, "comm"), NULL, &want)) {
            if (cell_int (r, "sched_in") != GPOINTER_TO_INT (want))
                g_test_message ("next_comm '%s': awk %d, ours %" G_GINT64_FORMAT,
                                cell_str (r, "comm"), GPOINTER_TO_INT (want),
                                cell_int (r, "sched_in"));
            g_assert_cmpint (cell_int (r, "sched_in"), ==, GPOINTER_TO_INT (want));
            matched++;
        } else {
            g_assert_cmpint (cell_int (r, "sched_in"), ==, 0);
        }
    }
    g_assert_cmpuint (matched, ==, g_hash_table_size (next));

    /* preempted (R, R+) vs voluntary, summed over tasks */
    GHashTable *states = counts_section (counts, "sched_switch prev_state values");
    gint64 want_pre = 0, want_vol = 0, got_pre = 0, got_vol = 0;
    g_hash_table_iter_init (&it, states);
    while (g_hash_table_iter_next (&it, &k, &v)) {
        if (strcmp (k, "R") == 0 || strcmp (k, "R+") == 0)
            want_pre += GPOINTER_TO_INT (v);
        else
            want_vol += GPOINTER_TO_INT (v);
    }
    GPtrArray *tasks = rows_of (doc, "switch.tasks");
    for (guint i = 0; i < tasks->len; i++) {
        got_pre += cell_int (g_ptr_array_index (tasks, i), "preempted");
        got_vol += cell_int (g_ptr_array_index (tasks, i), "voluntary");
    }
    g_assert_cmpint (got_pre, ==, want_pre);
    g_assert_cmpint (got_vol, ==, want_vol);

    /* wakeups per comm: sched_waking, and sched_wakeup_new (which has no
     * sched_waking) */
    GHashTable *waking = counts_section (counts, "sched_waking per comm");
    GHashTable *born = wakeup_new_per_comm (c);
    GHashTableIter bit;
    gpointer bk, bv;
    g_hash_table_iter_init (&bit, born);
    while (g_hash_table_iter_next (&bit, &bk, &bv)) {
        gpointer had = g_hash_table_lookup (waking, bk);
        g_hash_table_replace (waking, g_strdup (bk),
                              GINT_TO_POINTER (GPOINTER_TO_INT (had) + GPOINTER_TO_INT (bv)));
    }
    g_hash_table_unref (born);
    GPtrArray *wcomms = rows_of (doc, "wakeup.comms");
    matched = 0;
    for (guint i = 0; i < wcomms->len; i++) {
        GHashTable *r = g_ptr_array_index (wcomms, i);
        gpointer want;
        g_assert_true (g_hash_table_lookup_extended (waking, cell_str (r, "comm"), NULL, &want));
        g_assert_cmpint (cell_int (r, "wakeups"), ==, GPOINTER_TO_INT (want));
        matched++;
    }
    g_assert_cmpuint (matched, ==, g_hash_table_size (waking));

    g_ptr_array_unref (wcomms);
    g_ptr_array_unref (tasks);
    g_ptr_array_unref (comms);
    g_hash_table_unref (waking);
    g_hash_table_unref (states);
    g_hash_table_unref (next);
    g_hash_table_unref (types);
    g_free (counts);
    g_free (path);
    g_free (name);
    g_object_unref (p);
}

typedef struct {
    gint64 n, total;
} Acc;

typedef struct {
    Acc s, d, r;
} ProfileTask;

/* trace-cmd report --profile: "task: COMM-PID" then "Event: sched_switch:L
 * (N) Total: T".  trace-cmd 3.1.6 labels the kernel's R+ as W and I as K;
 * D-state lines are "D" (or "DK"...). */
static GHashTable *
parse_profile (const char *text)
{
    GHashTable *h = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    char *copy = g_strdup (text);
    ProfileTask *cur = NULL;
    /* lines terminated in place: g_strsplit is quadratic under ASan */
    for (char *next, *line = copy; line; line = next) {
        next = strchr (line, '\n');
        if (next)
            *next++ = '\0';
        char **l = &line;
        if (g_str_has_prefix (*l, "task: ")) {
            const char *dash = strrchr (*l, '-');
            g_assert_nonnull (dash);
            gint pid = (gint) g_ascii_strtoll (dash + 1, NULL, 10);
            cur = g_new0 (ProfileTask, 1);
            g_hash_table_insert (h, GINT_TO_POINTER (pid), cur);
            continue;
        }
        const char *e = strstr (*l, "Event: sched_switch:");
        if (!e || !cur)
            continue;
        e += strlen ("Event: sched_switch:");
        const char *sp = strchr (e, ' ');
        char *label = g_strndup (e, sp - e);
        const char *paren = strchr (sp, '(');
        gint64 n = g_ascii_strtoll (paren + 1, NULL, 10);
        const char *tot = strstr (sp, "Total: ");
        gint64 t = tot ? g_ascii_strtoll (tot + 7, NULL, 10) : 0;
        Acc *a = NULL;
        if (strcmp (label, "S") == 0)
            a = &cur->s;
        else if (strchr (label, 'D'))
            a = &cur->d;
        else if (strcmp (label, "R") == 0 || strcmp (label, "W") == 0)
            a = &cur->r;
        if (a) {
            a->n += n;
            a->total += t;
        }
        g_free (label);
    }
    g_free (copy);
    return h;
}

/* The timestamp of an event line: the number before ": EVENT:". */
static gint64
line_ts (const char *line, const char *event)
{
    const char *e = event;
    while (e > line && e[-1] != ' ')
        e--;
    /* e is at "123.456789: " */
    char *end;
    double s = g_ascii_strtod (e, &end);
    return (gint64) (s * 1e6 + 0.5) * 1000;
}

/* The value of " KEY=" in LINE (an int), -1 when absent. */
static gint64
line_int (const char *line, const char *key)
{
    const char *k = strstr (line, key);
    return k ? g_ascii_strtoll (k + strlen (key), NULL, 10) : -1;
}

typedef struct {
    char kind;  /* 's', 'd', 'r', 0 when none is open */
    gint64 start;
    gboolean crossed;
} OpenWait;

/* trace-cmd --profile drops the open interval of every task at a
 * dropped-events record of any CPU; the model keeps what does not depend
 * on that CPU.  This replays the text of the trace (independently of the
 * model) and sums, per task, the S, D and preempted intervals that are
 * open across a marker line: the part of our totals that trace-cmd's lacks.
 * A sleep ends at sched_wakeup, a preemption at the switch-in. */
static GHashTable *
crossing_waits (const Case *c)
{
    GHashTable *h = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    char *text = trace_text (c);
    GHashTable *open = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    for (char *next, *line = text; line && *line; line = next) {
        next = strchr (line, '\n');
        if (next)
            *next++ = '\0';
        if (g_str_has_prefix (line, "#####") || g_str_has_prefix (line, "CPU:")) {
            GHashTableIter it;
            gpointer v;
            g_hash_table_iter_init (&it, open);
            while (g_hash_table_iter_next (&it, NULL, &v))
                ((OpenWait *) v)->crossed = TRUE;
            continue;
        }
        const char *sw = strstr (line, ": sched_switch: ");
        const char *wk = strstr (line, ": sched_wakeup: ");
        gint64 pid = -1, ts;
        char close_kind = 0;
        if (sw) {
            ts = line_ts (line, sw);
            pid = line_int (sw, " next_pid=");
            close_kind = 'r';
        } else if (wk) {
            ts = line_ts (line, wk);
            pid = line_int (wk, " pid=");
            close_kind = 's'; /* and 'd' */
        } else {
            continue;
        }
        OpenWait *o = pid > 0 ? g_hash_table_lookup (open, GINT_TO_POINTER ((gint) pid)) : NULL;
        if (o && o->kind && (o->kind == close_kind || (close_kind == 's' && o->kind == 'd'))) {
            if (o->crossed) {
                ProfileTask *pt = g_hash_table_lookup (h, GINT_TO_POINTER ((gint) pid));
                if (!pt) {
                    pt = g_new0 (ProfileTask, 1);
                    g_hash_table_insert (h, GINT_TO_POINTER ((gint) pid), pt);
                }
                Acc *a = o->kind == 's' ? &pt->s : o->kind == 'd' ? &pt->d : &pt->r;
                a->n++;
                a->total += ts - o->start;
            }
            o->kind = 0;
        }
        if (sw) {
            gint64 prev = line_int (sw, " prev_pid=");
            const char *st = strstr (sw, " prev_state=");
            if (prev <= 0 || !st)
                continue;
            st += strlen (" prev_state=");
            OpenWait *p = g_hash_table_lookup (open, GINT_TO_POINTER ((gint) prev));
            if (!p) {
                p = g_new0 (OpenWait, 1);
                g_hash_table_insert (open, GINT_TO_POINTER ((gint) prev), p);
            }
            p->kind = *st == 'S' ? 's' : *st == 'D' ? 'd' : *st == 'R' ? 'r' : 0;
            p->start = ts;
            p->crossed = FALSE;
        }
    }
    g_hash_table_unref (open);
    g_free (text);
    return h;
}

static void
check_wait (const char *what, GHashTable *row, const Acc *want, gint64 got)
{
    gint64 slack = 1000 * MAX (want->n, 1);
    if (ABS (want->total - got) > slack)
        g_test_message ("%s of %s[%" G_GINT64_FORMAT "]: profile %" G_GINT64_FORMAT
                        " ns over %" G_GINT64_FORMAT " intervals, ours %" G_GINT64_FORMAT,
                        what, cell_str (row, "comm"), cell_int (row, "pid"), want->total,
                        want->n, got);
    g_assert_cmpint (ABS (want->total - got), <=, slack);
}

static void
test_profile (gconstpointer data)
{
    const Case *c = data;
    JsonParser *p;
    JsonObject *doc = analyze (c, &p);
    char *name = g_strdup_printf ("%s_oracle_tracecmd_profile.txt", c->scenario);
    char *path = data_file (name);
    char *text;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    GHashTable *prof = parse_profile (text);
    /* what trace-cmd dropped at markers of other CPUs, added back */
    GHashTable *crossing = crossing_waits (c);
    GHashTableIter cit;
    gpointer ck, cv;
    g_hash_table_iter_init (&cit, crossing);
    while (g_hash_table_iter_next (&cit, &ck, &cv)) {
        ProfileTask *pt = g_hash_table_lookup (prof, ck), *x = cv;
        if (!pt)
            continue;
        pt->s.total += x->s.total;
        pt->s.n += x->s.n;
        pt->d.total += x->d.total;
        pt->d.n += x->d.n;
        pt->r.total += x->r.total;
        pt->r.n += x->r.n;
    }
    g_hash_table_unref (crossing);
    GPtrArray *tasks = rows_of (doc, "switch.tasks");
    guint compared = 0, skipped = 0;
    gint64 covered = 0, all = 0;
    for (guint i = 0; i < tasks->len; i++) {
        GHashTable *r = g_ptr_array_index (tasks, i);
        gint64 pid = cell_int (r, "pid");
        ProfileTask *pt = g_hash_table_lookup (prof, GINT_TO_POINTER ((gint) pid));
        if (pid == 0 || !pt)
            continue;
        all += pt->s.total + pt->d.total + pt->r.total;
        gboolean sleeps = cell_int (r, "wakeups_missing") == 0;
        gboolean waits = cell_int (r, "inferred_in") == 0;
        if (sleeps) {
            check_wait ("S", r, &pt->s, cell_int (r, "sleep_ns"));
            check_wait ("D", r, &pt->d, cell_int (r, "blocked_ns"));
            covered += pt->s.total + pt->d.total;
        }
        if (waits) {
            check_wait ("R", r, &pt->r, cell_int (r, "preempted_wait_ns"));
            covered += pt->r.total;
        }
        if (sleeps && waits)
            compared++;
        else
            skipped++;
    }
    g_test_message ("%s: %u tasks compared in full, %u in part (a switch-in or a "
                    "wakeup the kernel never recorded); %.1f%% of the profile's wait "
                    "time compared",
                    c->scenario, compared, skipped, all ? 100.0 * covered / all : 0.0);
    g_assert_cmpuint (compared, >, 5);
    /* most of the oracle is checked, not a convenient corner of it */
    g_assert_cmpfloat (covered, >=, 0.6 * all);
    g_ptr_array_unref (tasks);
    g_hash_table_unref (prof);
    g_free (text);
    g_free (path);
    g_free (name);
    g_object_unref (p);
}

/* perf sched timehist -s: "comm[tid/pid]  parent  sched-in  run-time ..." */
static void
test_runtime (gconstpointer data)
{
    const Case *c = data;
    JsonParser *p;
    JsonObject *doc = analyze (c, &p);
    char *name = g_strdup_printf ("%s_oracle_perf_sched_timehist_s.txt", c->scenario);
    char *path = data_file (name);
    char *text;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    GPtrArray *tasks = rows_of (doc, "switch.tasks");
    GRegex *re = g_regex_new ("^\\s*(.*)\\[(\\d+)(?:/\\d+)?\\]\\s+\\d+\\s+(\\d+)\\s+([\\d.]+)",
                              G_REGEX_MULTILINE, 0, NULL);
    GMatchInfo *mi;
    guint checked = 0;
    g_regex_match (re, text, 0, &mi);
    for (; g_match_info_matches (mi); g_match_info_next (mi, NULL)) {
        char *comm = g_match_info_fetch (mi, 1);
        char *pid_s = g_match_info_fetch (mi, 2);
        char *ms_s = g_match_info_fetch (mi, 4);
        double perf_ms = g_ascii_strtod (ms_s, NULL);
        gint64 pid = g_ascii_strtoll (pid_s, NULL, 10);
        /* CPU-bound threads: the hogs and the vCPU threads */
        if (perf_ms > 3000 && (strstr (comm, "stress-ng-cpu") || strstr (comm, "/TCG"))) {
            for (guint i = 0; i < tasks->len; i++) {
                GHashTable *r = g_ptr_array_index (tasks, i);
                if (cell_int (r, "pid") != pid)
                    continue;
                double ours = cell_int (r, "run_ns") / 1e6;
                g_test_message ("%s[%" G_GINT64_FORMAT "]: perf %.3f ms, ours %.3f ms",
                                comm, pid, perf_ms, ours);
                g_assert_cmpfloat (ABS (ours - perf_ms), <=, 0.02 * perf_ms);
                checked++;
            }
        }
        g_free (comm);
        g_free (pid_s);
        g_free (ms_s);
    }
    g_match_info_free (mi);
    g_regex_unref (re);
    g_assert_cmpuint (checked, >=, 4);
    g_ptr_array_unref (tasks);
    g_free (text);
    g_free (path);
    g_free (name);
    g_object_unref (p);
}

static const Case count_cases[] = {
    { "cpu_contention", "ftrace_default", FALSE },
    { "io_block", "ftrace_default", TRUE },
    { "qemu_tcg", "ftrace_default", FALSE },
    { "qemu_tcg", "ftrace_tgid_noirqinfo", TRUE },
    { "qemu_tcg", "tracecmd_report", FALSE },
    { "qemu_tcg", "tracecmd_report_ns", TRUE },
    { "qemu_tcg", "perf_script", FALSE },
    { "quiet", "ftrace_default", TRUE },
    { "quiet", "ftrace_tgid_noirqinfo", FALSE },
    { "lossy", "ftrace_default", FALSE },
    { "lossy", "ftrace_tgid", TRUE },
    { "lossy", "ftrace_noirqinfo", FALSE },
    { "lossy", "ftrace_tgid_noirqinfo", TRUE },
    { "lossy", "tracecmd_report", FALSE },
};

static const Case profile_cases[] = {
    { "cpu_contention", "ftrace_default", FALSE },
    { "io_block", "ftrace_default", FALSE },
    { "qemu_tcg", "ftrace_default", TRUE },
    { "qemu_tcg", "tracecmd_report_ns", FALSE },
    { "quiet", "ftrace_default", FALSE },
    { "lossy", "ftrace_default", FALSE },
};

static const Case runtime_cases[] = {
    { "cpu_contention", "ftrace_default", FALSE },
    { "qemu_tcg", "ftrace_default", FALSE },
};

/* One ring buffer rendered as tracefs text and as trace-cmd report text
 * (microseconds, then nanoseconds): the same counts; the same times in
 * microseconds, and within the rounding of each interval in nanoseconds.
 * trace-cmd's wrong state letters are mapped by meaning by the parser. */
/* Tables whose rows must be equal between renderings of one buffer, but
 * for columns only some renderings can fill (tgid needs the TGID column). */
static void
assert_same_tables (JsonObject *a, JsonObject *b)
{
    JsonObject *ta = json_object_get_object_member (a, "tables");
    JsonObject *tb = json_object_get_object_member (b, "tables");
    GList *names = json_object_get_members (ta);
    for (GList *l = names; l; l = l->next) {
        g_assert_true (json_object_has_member (tb, l->data));
        JsonObject *x = json_object_get_object_member (ta, l->data);
        JsonObject *y = json_object_get_object_member (tb, l->data);
        JsonArray *cols = json_object_get_array_member (x, "columns");
        JsonArray *rx = json_object_get_array_member (x, "rows");
        JsonArray *ry = json_object_get_array_member (y, "rows");
        g_assert_cmpuint (json_array_get_length (rx), ==, json_array_get_length (ry));
        for (guint c = 0; c < json_array_get_length (cols); c++) {
            const char *cn = json_object_get_string_member (
                json_array_get_object_element (cols, c), "name");
            if (strcmp (cn, "tgid") == 0 || strcmp (cn, "vm") == 0
                || strcmp (cn, "grouping") == 0)
                continue;
            for (guint r = 0; r < json_array_get_length (rx); r++) {
                JsonNode *u = json_array_get_element (json_array_get_array_element (rx, r), c);
                JsonNode *v = json_array_get_element (json_array_get_array_element (ry, r), c);
                if (!json_node_equal (u, v))
                    g_test_message ("%s row %u column %s differs", (char *) l->data, r, cn);
                g_assert_true (json_node_equal (u, v));
            }
        }
    }
    g_list_free (names);
}

static void
test_same_buffer (gconstpointer data)
{
    const char *scenario = data;
    Case tf = { scenario, "ftrace_default", FALSE };
    Case tc = { scenario, "tracecmd_report", FALSE };
    Case ns = { scenario, "tracecmd_report_ns", TRUE };
    char *probe = g_strdup_printf ("%s_tracecmd_report.txt.gz", scenario);
    char *local = data_file (probe);
    const char *corpus = g_getenv ("FTA_CORPUS_DIR");
    gboolean have = g_file_test (local, G_FILE_TEST_EXISTS) || (corpus && *corpus);
    g_free (local);
    g_free (probe);
    if (!have) {
        g_test_skip ("this recording's trace-cmd rendering needs the shared corpus");
        return;
    }
    JsonParser *pa, *pb, *pc;
    JsonObject *a = analyze (&tf, &pa), *b = analyze (&tc, &pb), *n = analyze (&ns, &pc);
    JsonNode *ta = json_object_get_member (a, "tables");
    g_assert_true (json_node_equal (ta, json_object_get_member (b, "tables")));
    /* the other tracefs renderings of the buffer, when the corpus is here */
    if (corpus && *corpus) {
        for (const char *const *v = (const char *[]) { "ftrace_tgid", "ftrace_noirqinfo",
                                                       "ftrace_tgid_noirqinfo", NULL };
             *v; v++) {
            Case other = { scenario, *v, FALSE };
            JsonParser *po;
            JsonObject *o = analyze (&other, &po);
            assert_same_tables (a, o);
            g_object_unref (po);
        }
    }
    for (const char *const *t = (const char *[]) { "switch.tasks", "wakeup.tasks", NULL }; *t;
         t++) {
        GPtrArray *ra = rows_of (a, *t), *rn = rows_of (n, *t);
        g_assert_cmpuint (ra->len, ==, rn->len);
        JsonArray *cols = json_object_get_array_member (
            json_object_get_object_member (json_object_get_object_member (a, "tables"), *t),
            "columns");
        for (guint i = 0; i < ra->len; i++) {
            GHashTable *x = g_ptr_array_index (ra, i), *y = NULL;
            /* pid 0 has a row per CPU: match the comm too */
            for (guint j = 0; j < rn->len && !y; j++)
                if (cell_int (g_ptr_array_index (rn, j), "pid") == cell_int (x, "pid")
                    && g_strcmp0 (cell_str (g_ptr_array_index (rn, j), "comm"),
                                  cell_str (x, "comm")) == 0)
                    y = g_ptr_array_index (rn, j);
            g_assert_nonnull (y);
            /* at most 1 us of rounding per transition the row counts */
            gint64 slack = 0;
            for (const char *const *k = (const char *[]) { "sched_in", "switch_out",
                                                           "wakeups", "latency_count",
                                                           NULL };
                 *k; k++)
                if (g_hash_table_contains (x, *k))
                    slack += 2000 * (MAX (cell_int (x, *k), 0) + 1);
            for (guint c = 0; c < json_array_get_length (cols); c++) {
                JsonObject *col = json_array_get_object_element (cols, c);
                const char *cn = json_object_get_string_member (col, "name");
                const char *type = json_object_get_string_member (col, "type");
                if (strcmp (type, "duration") == 0) {
                    gint64 u = cell_int (x, cn), v = cell_int (y, cn);
                    if (u >= 0 && v >= 0)
                        g_assert_cmpint (ABS (u - v), <=, slack);
                } else {
                    g_assert_true (json_node_equal (g_hash_table_lookup (x, cn),
                                                    g_hash_table_lookup (y, cn)));
                }
            }
        }
        g_ptr_array_unref (ra);
        g_ptr_array_unref (rn);
    }
    g_object_unref (pa);
    g_object_unref (pb);
    g_object_unref (pc);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-corpus-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    for (guint i = 0; i < G_N_ELEMENTS (count_cases); i++) {
        const Case *c = &count_cases[i];
        char *tp = g_strdup_printf ("/corpus/counts/%s/%s%s", c->scenario, c->variant,
                                    c->via_stdin ? "/stdin" : "");
        g_test_add_data_func (tp, c, test_counts);
        g_free (tp);
    }
    for (guint i = 0; i < G_N_ELEMENTS (profile_cases); i++) {
        char *tp = g_strdup_printf ("/corpus/profile/%s/%s", profile_cases[i].scenario,
                                    profile_cases[i].variant);
        g_test_add_data_func (tp, &profile_cases[i], test_profile);
        g_free (tp);
    }
    for (guint i = 0; i < G_N_ELEMENTS (runtime_cases); i++) {
        char *tp = g_strdup_printf ("/corpus/runtime/%s", runtime_cases[i].scenario);
        g_test_add_data_func (tp, &runtime_cases[i], test_runtime);
        g_free (tp);
    }
    for (const char *const *s = (const char *[]) { "qemu_tcg", "lossy", "cpu_contention",
                                                   "io_block", "quiet", NULL };
         *s; s++) {
        char *tp = g_strdup_printf ("/corpus/same-buffer/%s", *s);
        g_test_add_data_func (tp, *s, test_same_buffer);
        g_free (tp);
    }
    int rc = g_test_run ();
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
