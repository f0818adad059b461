/* test-hostscale.c - a host of many CPUs and VMs answered in one screen.
 *
 * The traces of tests/data/wide are COPIES copies of a cut of the qemu_tcg
 * recording, side by side on their own CPUs with their own pids, running
 * in step: whatever the cut shows once, the wide host shows COPIES times.
 * So the cut, analyzed alone, is the expectation: each finding of warning
 * or above of the cut is one finding of the wide host (not COPIES of them)
 * of the same code and severity, about COPIES times as many tasks, CPUs or
 * VMs, costing COPIES times as much, and naming the worst (copy 0 keeps
 * the recording's pids and CPUs 0-1, and ties go to the lowest).  The first
 * screen stays within 40 lines and opens with the host overview, whose
 * numbers are those of the tables. */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>

#include "fta-test.h"

static char *tmpdir;

typedef struct {
    const char *file;
    guint from, to; /* the lines of the recording the cut has, after its header */
    guint copies;
    /* the cut's findings of warning and above, and the worst each names
     * (checked by hand on the cut's tables) */
    struct {
        const char *code, *severity, *worst;
    } expect[4];
} Wide;

static const Wide wide64 = {
    "qemu_tcg_64cpus.txt.xz", 7, 2200, 32,
    { { "kvm.vcpu-steal", "critical", "VM 14046 (75.6%)" },
      { "wait.contention", "warning", "stress-ng-cpu-14047" },
      { "diagnosis.d-state-blocks", "warning", "qemu-system-x86-14046 (167)" } },
};

static const Wide wide384 = {
    "qemu_tcg_384cpus.txt.xz", 1600, 1900, 192,
    { { "diagnosis.vcpu-contention", "critical", "CPU 0 (100%)" },
      { "blocking.d-state-share", "warning", "qemu-system-x86-14046 (12.1%)" } },
};

static char *
wide_path (const Wide *w)
{
    return g_test_build_filename (G_TEST_DIST, "data", "wide", w->file, NULL);
}

/* The cut the wide trace was made from, as its README says. */
static char *
cut_path (const Wide *w)
{
    char *src = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                       "qemu_tcg_ftrace_tgid_noirqinfo.txt.gz", NULL);
    char *name = g_strdup_printf ("cut-%u.txt", w->copies);
    char *one = g_build_filename (tmpdir, name, NULL);
    char *cmd = g_strdup_printf ("(gzip -dc '%s' | head -n 6; gzip -dc '%s' | sed -n %u,%up) "
                                 "> '%s'", src, src, w->from, w->to, one);
    g_free (fta_test_sh_ok (cmd));
    g_free (cmd);
    g_free (name);
    g_free (src);
    return one;
}

static gboolean
severe (JsonObject *f)
{
    const char *s = json_object_get_string_member (f, "severity");
    return strcmp (s, "warning") == 0 || strcmp (s, "critical") == 0;
}

/* The findings of DOC with CODE and SEVERITY. */
static GPtrArray *
findings (JsonObject *doc, const char *code, const char *severity)
{
    JsonArray *fs = json_object_get_array_member (doc, "findings");
    GPtrArray *out = g_ptr_array_new ();
    for (guint i = 0; i < json_array_get_length (fs); i++) {
        JsonObject *f = json_array_get_object_element (fs, i);
        if (strcmp (json_object_get_string_member (f, "code"), code) == 0 &&
            strcmp (json_object_get_string_member (f, "severity"), severity) == 0)
            g_ptr_array_add (out, f);
    }
    return out;
}

/* How many entities a finding is about: the number its title opens with
 * ("32 of 32 VMs", "64 tasks"), else 1 (a finding about one VM, CPU or
 * task names it first). */
static guint64
entities (JsonObject *f)
{
    const char *t = json_object_get_string_member (f, "title");
    return g_ascii_isdigit (t[0]) ? g_ascii_strtoull (t, NULL, 10) : 1;
}

static void
check_findings (gconstpointer data)
{
    const Wide *w = data;
    char *wpath = wide_path (w), *cpath = cut_path (w);
    JsonParser *pw = fta_test_analyze (tmpdir, NULL, wpath, NULL);
    JsonParser *pc = fta_test_analyze (tmpdir, NULL, cpath, NULL);
    JsonObject *dw = fta_test_root (pw), *dc = fta_test_root (pc);

    /* the cut's findings of warning and above are those expected */
    JsonArray *fc = json_object_get_array_member (dc, "findings");
    guint n_expect = 0, n_severe = 0;
    while (n_expect < G_N_ELEMENTS (w->expect) && w->expect[n_expect].code)
        n_expect++;
    for (guint i = 0; i < json_array_get_length (fc); i++)
        n_severe += severe (json_array_get_object_element (fc, i));
    g_assert_cmpuint (n_severe, ==, n_expect);

    /* at most 10 of them on the wide host: one per code and severity */
    JsonArray *fw = json_object_get_array_member (dw, "findings");
    n_severe = 0;
    for (guint i = 0; i < json_array_get_length (fw); i++)
        n_severe += severe (json_array_get_object_element (fw, i));
    g_assert_cmpuint (n_severe, <=, 10);
    g_assert_cmpuint (n_severe, ==, n_expect);

    for (guint k = 0; k < n_expect; k++) {
        GPtrArray *one = findings (dc, w->expect[k].code, w->expect[k].severity);
        GPtrArray *many = findings (dw, w->expect[k].code, w->expect[k].severity);
        g_assert_cmpuint (one->len, ==, 1);
        g_assert_cmpuint (many->len, ==, 1);
        JsonObject *a = g_ptr_array_index (one, 0), *b = g_ptr_array_index (many, 0);
        /* COPIES times the entities, COPIES times the cost */
        g_assert_cmpuint (entities (b), ==, w->copies * entities (a));
        g_assert_cmpint (json_object_get_int_member (b, "cost_ns"), ==,
                         (gint64) w->copies * json_object_get_int_member (a, "cost_ns"));
        /* the worst named in the title, the same keys of evidence as the cut
         * (the worst one's) and more */
        const char *title = json_object_get_string_member (b, "title");
        if (!strstr (title, w->expect[k].worst))
            g_error ("%s: \"%s\" does not name %s", w->expect[k].code, title,
                     w->expect[k].worst);
        g_assert_nonnull (strstr (title, "worst: "));
        JsonObject *ea = json_object_get_object_member (a, "evidence");
        JsonObject *eb = json_object_get_object_member (b, "evidence");
        GList *keys = json_object_get_members (ea);
        static const char *const per_entity[] = { "vCPU ", "more ", "top ", NULL };
        for (GList *l = keys; l; l = l->next) {
            /* after their number, the cut's other entities, one a line */
            if (strcmp (l->data, "tasks") == 0 || strcmp (l->data, "cpus") == 0)
                break;
            gboolean skip = FALSE;
            for (const char *const *p = per_entity; *p; p++)
                skip |= g_str_has_prefix (l->data, *p);
            if (!skip && !json_object_has_member (eb, l->data))
                g_error ("%s: evidence \"%s\" of the cut is missing", w->expect[k].code,
                         (const char *) l->data);
        }
        g_list_free (keys);
        g_ptr_array_free (one, TRUE);
        g_ptr_array_free (many, TRUE);
    }
    g_object_unref (pw);
    g_object_unref (pc);
    g_free (wpath);
    g_free (cpath);
}

/* The row WHAT of diagnosis.overview. */
static GHashTable *
overview_row (JsonObject *doc, const char *what)
{
    GPtrArray *rows = fta_test_rows (doc, "diagnosis.overview");
    GHashTable *found = NULL;
    for (guint i = 0; i < rows->len && !found; i++)
        if (strcmp (fta_test_cell_str (g_ptr_array_index (rows, i), "what"), what) == 0)
            found = g_hash_table_ref (g_ptr_array_index (rows, i));
    g_ptr_array_free (rows, TRUE);
    g_assert_nonnull (found);
    return found;
}

static void
check_pct_close (double got, double want)
{
    g_assert_cmpfloat_with_epsilon (got, want, 1e-9);
}

static int
cmp_d (gconstpointer a, gconstpointer b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* The overview against the tables it sums up, recounted here. */
static void
check_overview (JsonObject *doc, guint n_cpus, guint n_vms)
{
    GPtrArray *cpus = fta_test_rows (doc, "cpu.cpus");
    g_assert_cmpuint (cpus->len, ==, n_cpus);
    GArray *busy = g_array_new (FALSE, FALSE, sizeof (double));
    for (guint i = 0; i < cpus->len; i++) {
        double b = fta_test_cell_pct (g_ptr_array_index (cpus, i), "busy_pct");
        g_array_append_val (busy, b);
    }
    g_array_sort (busy, cmp_d);
    GHashTable *row = overview_row (doc, "CPUs");
    g_assert_cmpint (fta_test_cell_int (row, "count"), ==, n_cpus);
    check_pct_close (fta_test_cell_pct (row, "min_pct"), g_array_index (busy, double, 0));
    check_pct_close (fta_test_cell_pct (row, "max_pct"), g_array_index (busy, double, n_cpus - 1));
    /* nearest rank: the median of an even count is the lower middle one */
    check_pct_close (fta_test_cell_pct (row, "median_pct"),
                     g_array_index (busy, double, (n_cpus + 1) / 2 - 1));
    g_hash_table_unref (row);
    g_array_free (busy, TRUE);
    g_ptr_array_free (cpus, TRUE);

    GPtrArray *vms = fta_test_rows (doc, "kvm.vms");
    g_assert_cmpuint (vms->len, ==, n_vms);
    double lo = 100, hi = 0;
    for (guint i = 0; i < vms->len; i++) {
        double s = fta_test_cell_pct (g_ptr_array_index (vms, i), "steal_pct");
        lo = MIN (lo, s);
        hi = MAX (hi, s);
    }
    row = overview_row (doc, "VMs");
    g_assert_cmpint (fta_test_cell_int (row, "count"), ==, n_vms);
    check_pct_close (fta_test_cell_pct (row, "min_pct"), lo);
    check_pct_close (fta_test_cell_pct (row, "max_pct"), hi);
    char *head = g_strdup_printf ("%u, %u vCPUs, steal ", n_vms, 2 * n_vms);
    g_assert_true (g_str_has_prefix (fta_test_cell_str (row, "summary"), head));
    g_free (head);
    g_hash_table_unref (row);
    g_ptr_array_free (vms, TRUE);

    /* the tasks outside the VMs: switch.tasks less the VMs' threads and
     * the idle tasks, those that ran */
    GHashTable *vm_pids = g_hash_table_new (g_direct_hash, g_direct_equal);
    static const char *const vt[] = { "kvm.vcpus", "kvm.threads" };
    for (guint k = 0; k < G_N_ELEMENTS (vt); k++) {
        GPtrArray *rows = fta_test_rows (doc, vt[k]);
        for (guint i = 0; i < rows->len; i++)
            g_hash_table_add (vm_pids, GINT_TO_POINTER (
                                           (gint) fta_test_cell_int (g_ptr_array_index (rows, i), "pid")));
        g_ptr_array_free (rows, TRUE);
    }
    GPtrArray *tasks = fta_test_rows (doc, "switch.tasks");
    gint64 n = 0;
    for (guint i = 0; i < tasks->len; i++) {
        GHashTable *t = g_ptr_array_index (tasks, i);
        gint64 pid = fta_test_cell_int (t, "pid");
        n += pid > 0 && fta_test_cell_int (t, "run_ns") > 0 &&
             !g_hash_table_contains (vm_pids, GINT_TO_POINTER ((gint) pid));
    }
    row = overview_row (doc, "non-VM tasks");
    g_assert_cmpint (fta_test_cell_int (row, "count"), ==, n);
    g_assert_nonnull (strstr (fta_test_cell_str (row, "worst"), "stress-ng-cpu"));
    g_hash_table_unref (row);
    g_ptr_array_free (tasks, TRUE);
    g_hash_table_destroy (vm_pids);
}

/* The first screen of PROFILE (NULL: the default) on W: within 40 lines
 * of 100 columns, the overview's CPUs and VMs rows (the key column
 * KEY_COLS wide) before the findings. */
static void
check_first_screen (const Wide *w, const char *profile, guint key_cols)
{
    char *path = wide_path (w);
    char *text = fta_test_analyze_text (tmpdir, NULL, path,
                                        profile ? (const char *[]) { "-p", profile, "--summary",
                                                                     NULL }
                                                : (const char *[]) { "--summary", NULL });
    char **lines = g_strsplit (text, "\n", -1);
    guint n = g_strv_length (lines);
    if (n && !*lines[n - 1])
        n--;
    g_assert_cmpuint (n, <=, 40);
    int overview = -1, findings = -1;
    char *cpus = g_strdup_printf ("  %-*s%u, busy ", key_cols, "CPUs", 2 * w->copies);
    char *vms = g_strdup_printf ("  %-*s%u, %u vCPUs, steal ", key_cols, "VMs", w->copies,
                                 2 * w->copies);
    gboolean saw_cpus = FALSE, saw_vms = FALSE;
    gboolean body = FALSE;
    for (guint i = 0; i < n; i++) {
        /* the input lines before the first section name the trace's and
         * the profile's paths, which can be of any length */
        body |= g_str_has_prefix (lines[i], "==");
        if (body)
            g_assert_cmpuint (g_utf8_strlen (lines[i], -1), <=, 100);
        if (strcmp (lines[i], "== Host overview ==") == 0)
            overview = (int) i;
        if (g_str_has_prefix (lines[i], "== Findings"))
            findings = (int) i;
        saw_cpus |= g_str_has_prefix (lines[i], cpus);
        saw_vms |= g_str_has_prefix (lines[i], vms);
    }
    /* the overview first, then the findings */
    g_assert_cmpint (overview, >, 0);
    g_assert_cmpint (findings, >, overview);
    g_assert_true (saw_cpus);
    g_assert_true (saw_vms);
    g_free (cpus);
    g_free (vms);
    g_strfreev (lines);
    g_free (text);
    g_free (path);
}

/* S with each run of blanks and newlines made one space. */
static char *
one_line (const char *s)
{
    GString *o = g_string_new (NULL);
    for (const char *p = s; *p; p++)
        if (!g_ascii_isspace (*p))
            g_string_append_c (o, *p);
        else if (o->len && o->str[o->len - 1] != ' ')
            g_string_append_c (o, ' ');
    return g_string_free (o, FALSE);
}

static void
check_screen (gconstpointer data)
{
    const Wide *w = data;
    char *path = wide_path (w);
    JsonParser *p = fta_test_analyze (tmpdir, NULL, path, NULL);
    check_overview (fta_test_root (p), 2 * w->copies, w->copies);
    check_first_screen (w, NULL, strlen ("non-VM tasks  "));

    /* each warning or critical title is shown up to the first worst entity
     * it names, which one line of 100 columns cut: the first entity after
     * "worst: " */
    char *text = fta_test_analyze_text (tmpdir, NULL, path,
                                        (const char *[]) { "--summary", NULL });
    char *screen = one_line (text);
    JsonArray *fs = json_object_get_array_member (fta_test_root (p), "findings");
    guint checked = 0;
    for (guint i = 0; i < json_array_get_length (fs); i++) {
        JsonObject *f = json_array_get_object_element (fs, i);
        const char *title = json_object_get_string_member (f, "title");
        const char *worst = strstr (title, "worst: ");
        if (!severe (f) || !worst)
            continue;
        const char *end = strstr (worst, ", ");
        char *head = g_strndup (title, end ? (gsize) (end - title) : strlen (title));
        char *want = one_line (head);
        if (!strstr (screen, want))
            g_error ("the first screen does not show \"%s\":\n%s", want, text);
        checked++;
        g_free (want);
        g_free (head);
    }
    g_assert_cmpuint (checked, >=, 2);
    g_free (screen);
    g_free (text);
    g_object_unref (p);
    g_free (path);
}

/* -p kvm opens with the host overview too: its CPUs, VMs and vCPUs (its
 * --comm reports the VMs' threads only, so no task outside them). */
static void
check_kvm_screen (gconstpointer data)
{
    const Wide *w = data;
    check_first_screen (w, "kvm", strlen ("vCPUs  "));
    char *path = wide_path (w);
    JsonParser *p = fta_test_analyze (tmpdir, NULL, path, (const char *[]) { "-p", "kvm", NULL });
    JsonObject *doc = fta_test_root (p);
    GHashTable *row = overview_row (doc, "CPUs");
    g_assert_cmpint (fta_test_cell_int (row, "count"), ==, 2 * w->copies);
    g_hash_table_unref (row);
    row = overview_row (doc, "vCPUs");
    g_assert_cmpint (fta_test_cell_int (row, "count"), ==, 2 * w->copies);
    g_hash_table_unref (row);
    g_object_unref (p);
    g_free (path);
}

/* A VM whose vCPUs waited a large share of the time they wanted to run,
 * but none of them the rule's 10 ms (min_runnable_ms, default): the
 * overview says why kvm.vcpu-steal did not name it.  Recounted from
 * kvm.vcpus with the rule's default thresholds (steal_pct 10). */
static void
check_steal_note (gconstpointer data)
{
    const Wide *w = data;
    char *path = wide_path (w);
    JsonParser *p = fta_test_analyze (tmpdir, NULL, path, NULL);
    JsonObject *doc = fta_test_root (p);
    GHashTable *over = g_hash_table_new (g_direct_hash, g_direct_equal); /* VMs over 10% */
    GHashTable *hit = g_hash_table_new (g_direct_hash, g_direct_equal);  /* ... for 10 ms */
    GPtrArray *vcpus = fta_test_rows (doc, "kvm.vcpus");
    for (guint i = 0; i < vcpus->len; i++) {
        GHashTable *v = g_ptr_array_index (vcpus, i);
        gint64 run = fta_test_cell_int (v, "run_ns"), rbl = fta_test_cell_int (v, "runnable_ns");
        gpointer vm = GINT_TO_POINTER ((gint) fta_test_cell_int (v, "vm"));
        if (rbl > 0 && 100.0 * rbl / (double) (run + rbl) >= 10) {
            g_hash_table_add (over, vm);
            if (rbl >= 10000000)
                g_hash_table_add (hit, vm);
        }
    }
    guint short_wait = 0;
    GHashTableIter it;
    gpointer vm;
    g_hash_table_iter_init (&it, over);
    while (g_hash_table_iter_next (&it, &vm, NULL))
        short_wait += !g_hash_table_contains (hit, vm);
    /* each VM's note in kvm.vms */
    GPtrArray *vms = fta_test_rows (doc, "kvm.vms");
    guint noted = 0;
    for (guint i = 0; i < vms->len; i++) {
        GHashTable *v = g_ptr_array_index (vms, i);
        const char *note = fta_test_cell_str (v, "steal_note");
        gpointer id = GINT_TO_POINTER ((gint) fta_test_cell_int (v, "vm"));
        gboolean want = g_hash_table_contains (over, id) && !g_hash_table_contains (hit, id);
        g_assert_cmpint (note != NULL, ==, want);
        noted += note != NULL;
    }
    g_assert_cmpuint (noted, ==, short_wait);
    /* the 384-CPU trace is 53 ms long: every VM is above 10% and short */
    if (w->copies == 192)
        g_assert_cmpuint (short_wait, ==, w->copies);
    else
        g_assert_cmpuint (short_wait, ==, 0);
    GHashTable *row = overview_row (doc, "VMs");
    const char *sum = fta_test_cell_str (row, "summary");
    char *want = short_wait
                     ? g_strdup_printf (", %u in kvm.vcpu-steal: %u below the rule's 10 ms "
                                        "minimum wait per vCPU (min_runnable_ms); worst: ",
                                        g_hash_table_size (hit), short_wait)
                     : g_strdup_printf (", %u in kvm.vcpu-steal; worst: ",
                                        g_hash_table_size (hit));
    if (!strstr (sum, want))
        g_error ("the VMs' overview \"%s\" lacks \"%s\"", sum, want);
    g_assert_cmpint (fta_test_finding (doc, "kvm.vcpu-steal") != NULL, ==, short_wait == 0);
    g_free (want);
    g_hash_table_unref (row);
    g_ptr_array_free (vms, TRUE);
    g_ptr_array_free (vcpus, TRUE);
    g_hash_table_destroy (over);
    g_hash_table_destroy (hit);
    g_object_unref (p);
    g_free (path);
}

/* The 2-CPU recording the wide hosts come from: 1 VM of 2 vCPUs. */
static void
test_overview_corpus (void)
{
    char *path = fta_test_corpus ("qemu_tcg_ftrace_default.txt.gz");
    JsonParser *p = fta_test_analyze (tmpdir, NULL, path, NULL);
    check_overview (fta_test_root (p), 2, 1);
    g_object_unref (p);
    g_free (path);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-hostscale-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_data_func ("/hostscale/findings/64", &wide64, check_findings);
    g_test_add_data_func ("/hostscale/findings/384", &wide384, check_findings);
    g_test_add_data_func ("/hostscale/screen/64", &wide64, check_screen);
    g_test_add_data_func ("/hostscale/screen/384", &wide384, check_screen);
    g_test_add_data_func ("/hostscale/screen-kvm/64", &wide64, check_kvm_screen);
    g_test_add_data_func ("/hostscale/screen-kvm/384", &wide384, check_kvm_screen);
    g_test_add_data_func ("/hostscale/steal-note/64", &wide64, check_steal_note);
    g_test_add_data_func ("/hostscale/steal-note/384", &wide384, check_steal_note);
    g_test_add_func ("/hostscale/overview/qemu_tcg", test_overview_corpus);
    int rc = g_test_run ();
    fta_test_remove_dir (tmpdir);
    g_free (tmpdir);
    return rc;
}
