/* test-tracedat.c - trace-cmd's binary trace.dat read directly, against
 * trace-cmd's own text rendering of the same buffer, and binary files told
 * apart.
 *
 * tests/data/tracedat/ (see its README.md): two-buffers.dat, a recording
 * with the top buffer and an instance "irqs" (both lost events), the same
 * file converted to format version 6 (two-buffers-v6.dat.xz), and for each
 * buffer the text `trace-cmd report -t -N` printed for it (the oracle, read
 * by the text parser); the same converted to no compression
 * (two-buffers-none.dat.xz), whose CPU data the tool reads from the file
 * itself.  With the shared corpus, every recorded *_trace.dat against its
 * *_tracecmd_report_ns.txt.gz, and lossy against the counts
 * tools/counts.awk made of trace-cmd's text; with trace-cmd installed, an
 * uncompressed conversion of each too.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "fta-test.h"

static char *tmpdir;

/* Lines of a message: each ends in a newline. */
static guint
lines_of (const char *s)
{
    guint n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static char *
data (const char *name)
{
    return g_test_build_filename (G_TEST_DIST, "data", "tracedat", name, NULL);
}

#ifdef HAVE_LIBTRACECMD

/* The analysis of ARGS (before the trace) of TRACE as JSON; exit 0. */
static JsonParser *
analyze (const char *trace, const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new ();
    g_ptr_array_add (argv, (gpointer) "-q");
    g_ptr_array_add (argv, (gpointer) "-f");
    g_ptr_array_add (argv, (gpointer) "json");
    for (const char *const *a = args; a && *a; a++)
        g_ptr_array_add (argv, (gpointer) *a);
    g_ptr_array_add (argv, (gpointer) trace);
    g_ptr_array_add (argv, NULL);
    JsonParser *p = fta_test_run_json ((const char *const *) argv->pdata);
    g_ptr_array_free (argv, TRUE);
    return p;
}

static char *
member_text (JsonParser *p, const char *name)
{
    JsonNode *n = json_object_get_member (fta_test_root (p), name);
    g_assert_nonnull (n);
    return json_to_string (n, FALSE);
}

static gint64
quality_int (JsonParser *p, const char *name)
{
    JsonObject *q = json_object_get_object_member (fta_test_root (p), "quality");
    g_assert_true (json_object_has_member (q, name));
    return json_object_get_int_member (q, name);
}

/* The tables, findings and the quality's counts of the direct reading
 * equal those of the text reading, table by table so that a failure
 * names one. */
static void
assert_same_analysis (JsonParser *dat, JsonParser *txt, const char *what)
{
    JsonObject *td = json_object_get_object_member (fta_test_root (dat), "tables");
    JsonObject *tt = json_object_get_object_member (fta_test_root (txt), "tables");
    GList *names = json_object_get_members (tt);
    g_assert_cmpuint (json_object_get_size (td), ==, json_object_get_size (tt));
    for (GList *l = names; l; l = l->next) {
        g_assert_true (json_object_has_member (td, l->data));
        char *a = json_to_string (json_object_get_member (td, l->data), FALSE);
        char *b = json_to_string (json_object_get_member (tt, l->data), FALSE);
        if (strcmp (a, b) != 0)
            g_printerr ("%s: table %s differs\n", what, (const char *) l->data);
        g_assert_cmpstr (a, ==, b);
        g_free (a);
        g_free (b);
    }
    g_list_free (names);
    char *fa = member_text (dat, "findings"), *fb = member_text (txt, "findings");
    g_assert_cmpstr (fa, ==, fb);
    g_free (fa);
    g_free (fb);
    static const char *const counts[] = {
        "lines_total", "lines_event", "lines_header", "lines_unparsed", "lost_events",
        "lost_markers", "lost_markers_without_count", "buffer_started", "out_of_order",
        "first_ts_ns", "last_ts_ns", "cpus", "inferred_switch_in", "inferred_switch_out",
        "model_resets",
    };
    for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
        g_assert_cmpint (quality_int (dat, counts[i]), ==, quality_int (txt, counts[i]));
    JsonObject *qd = json_object_get_object_member (fta_test_root (dat), "quality");
    JsonObject *qt = json_object_get_object_member (fta_test_root (txt), "quality");
    char *ea = json_to_string (json_object_get_member (qd, "events_by_type"), FALSE);
    char *eb = json_to_string (json_object_get_member (qt, "events_by_type"), FALSE);
    g_assert_cmpstr (ea, ==, eb);
    g_free (ea);
    g_free (eb);
}

static const char *
input_str (JsonParser *p, const char *name)
{
    JsonObject *in = json_object_get_object_member (fta_test_root (p), "input");
    g_assert_true (json_object_has_member (in, name));
    return json_object_get_string_member (in, name);
}

static gint64
input_int (JsonParser *p, const char *name)
{
    JsonObject *in = json_object_get_object_member (fta_test_root (p), "input");
    g_assert_true (json_object_has_member (in, name));
    return json_object_get_int_member (in, name);
}


/* The top buffer, and the instance with --buffer, give what trace-cmd's
 * text of each gives. */
static void
test_buffers (gconstpointer which)
{
    const char *buffer = which;
    char *dat = data ("two-buffers.dat");
    char *name = g_strdup_printf ("two-buffers-%s.txt.gz", *buffer ? buffer : "top");
    char *txt = data (name);
    const char *args[] = { "--buffer", buffer, NULL };
    JsonParser *d = analyze (dat, *buffer ? args : NULL);
    JsonParser *t = analyze (txt, NULL);
    assert_same_analysis (d, t, name);
    g_assert_cmpstr (input_str (d, "format"), ==, "trace.dat");
    g_assert_cmpstr (input_str (d, "buffer"), ==, buffer);
    g_assert_cmpstr (input_str (d, "buffers"), ==, "irqs");
    g_assert_cmpstr (input_str (d, "trace_clock"), ==, "local");
    g_assert_cmpint (input_int (d, "file_version"), ==, 7);
    g_assert_cmpint (input_int (d, "file_cpus"), ==, 2);
    /* both buffers of this recording overflowed */
    g_assert_cmpint (quality_int (d, "lost_markers"), >, 0);
    g_object_unref (d);
    g_object_unref (t);
    g_free (dat);
    g_free (name);
    g_free (txt);
}

static void
test_buffer_unknown (void)
{
    char *dat = data ("two-buffers.dat");
    char *err;
    const char *args[] = { "--buffer", "nope", dat, NULL };
    g_assert_cmpint (fta_test_run (args, &err), ==, 2);
    g_assert_nonnull (strstr (err, "no buffer named 'nope'"));
    g_assert_nonnull (strstr (err, "irqs"));
    g_free (err);
    /* a text trace has no buffers */
    char *txt = data ("two-buffers-top.txt.gz");
    const char *args2[] = { "--buffer", "irqs", txt, NULL };
    g_assert_cmpint (fta_test_run (args2, &err), ==, 2);
    g_assert_nonnull (strstr (err, "not a trace.dat"));
    g_free (err);
    g_free (txt);
    g_free (dat);
}

/* `filter` writes trace-cmd report's layout: with no filter, exactly what
 * `trace-cmd report -t -N` printed for the buffer. */
static void
test_filter (gconstpointer which)
{
    const char *buffer = which;
    char *dat = data ("two-buffers.dat");
    char *name = g_strdup_printf ("two-buffers-%s.txt.gz", *buffer ? buffer : "top");
    char *txt = data (name);
    char *cmd = g_strdup_printf ("gzip -dc '%s'", txt);
    FtaTestRun want = fta_test_run_sh (cmd);
    g_assert_cmpint (want.rc, ==, 0);
    const char *args[] = { "filter", "-q", "--buffer", buffer, dat, NULL };
    FtaTestRun got = fta_test_run_argv (args);
    g_assert_cmpint (got.rc, ==, 0);
    g_assert_cmpstr (got.out, ==, want.out);
    /* --sort copies each line while it waits: the same lines come out */
    const char *sorted[] = { "filter", "-q", "--sort", "--buffer", buffer, dat, NULL };
    FtaTestRun again = fta_test_run_argv (sorted);
    g_assert_cmpint (again.rc, ==, 0);
    g_assert_cmpstr (again.out, ==, want.out);
    fta_test_run_clear (&again);
    /* a selection: the lines of CPU 1, as the oracle has them */
    char *part = g_build_filename (tmpdir, "part.txt", NULL);
    const char *sel[] = { "filter", "-q", "--buffer", buffer, "--cpu", "1", "-o", part, dat, NULL };
    g_assert_cmpint (fta_test_run (sel, NULL), ==, 0);
    gint64 cpu1 = 0;
    for (const char *l = want.out; (l = strstr (l, "] ")) != NULL; l++)
        cpu1 += l >= want.out + 4 && memcmp (l - 4, "[001", 4) == 0;
    JsonParser *t = analyze (part, NULL);
    g_assert_cmpint (quality_int (t, "lines_event"), ==, cpu1);
    g_assert_cmpint (cpu1, >, 0);
    g_object_unref (t);
    g_unlink (part);
    g_free (part);
    fta_test_run_clear (&want);
    fta_test_run_clear (&got);
    g_free (cmd);
    g_free (dat);
    g_free (name);
    g_free (txt);
}

/* tests/data/tracedat/NAME.xz unpacked once into the scratch directory:
 * two-buffers-v6.dat (format version 6), two-buffers-none.dat (converted
 * with --compression none, see record.sh). */
static char *
unpack (const char *name)
{
    char *xzname = g_strconcat (name, ".xz", NULL);
    char *xz = data (xzname);
    char *out = g_build_filename (tmpdir, name, NULL);
    if (!g_file_test (out, G_FILE_TEST_EXISTS)) {
        char *cmd = g_strdup_printf ("xz -dc '%s' > '%s'", xz, out);
        g_free (fta_test_sh_ok (cmd));
        g_free (cmd);
    }
    g_free (xz);
    g_free (xzname);
    return out;
}

/* Format version 6 (metadata first, uncompressed) reads the same, its
 * CPU data read from the file itself, against libtracecmd's reading of
 * the compressed original. */
static void
test_version6 (void)
{
    char *v6 = unpack ("two-buffers-v6.dat");
    char *v7 = data ("two-buffers.dat");
    for (int i = 0; i < 2; i++) {
        const char *args[] = { "--buffer", i ? "irqs" : "", NULL };
        g_setenv ("FTA_TRACEDAT_READER", "direct", TRUE);
        JsonParser *a = analyze (v6, args);
        g_unsetenv ("FTA_TRACEDAT_READER");
        JsonParser *b = analyze (v7, args);
        assert_same_analysis (a, b, "version 6");
        g_assert_cmpint (input_int (a, "file_version"), ==, 6);
        g_object_unref (a);
        g_object_unref (b);
    }
    g_free (v6);
    g_free (v7);
}

/* An uncompressed version 7 file: read from the file itself, and (the
 * reader the others fall back on) through libtracecmd, each buffer gives
 * exactly trace-cmd's text, its DROPPED lines included, at every -j. */
static void
test_uncompressed (gconstpointer which)
{
    const char *buffer = which;
    char *dat = unpack ("two-buffers-none.dat");
    char *name = g_strdup_printf ("two-buffers-%s.txt.gz", *buffer ? buffer : "top");
    char *txt = data (name);
    char *cmd = g_strdup_printf ("gzip -dc '%s'", txt);
    FtaTestRun want = fta_test_run_sh (cmd);
    g_assert_cmpint (want.rc, ==, 0);
    g_assert_nonnull (strstr (want.out, "EVENTS DROPPED]"));
    JsonParser *t = analyze (txt, NULL);
    static const char *const readers[] = { "direct", "libtracecmd" };
    for (guint i = 0; i < G_N_ELEMENTS (readers); i++) {
        g_setenv ("FTA_TRACEDAT_READER", readers[i], TRUE);
        for (int j = 1; j <= 3; j += 2) {
            char jobs[8];
            g_snprintf (jobs, sizeof jobs, "-j%d", j);
            const char *filter[] = { "filter", "-q", jobs, "--buffer", buffer, dat, NULL };
            FtaTestRun got = fta_test_run_argv (filter);
            g_assert_cmpint (got.rc, ==, 0);
            g_assert_cmpstr (got.out, ==, want.out);
            fta_test_run_clear (&got);
            const char *jargs[] = { jobs, "--buffer", buffer, NULL };
            JsonParser *d = analyze (dat, jargs);
            assert_same_analysis (d, t, readers[i]);
            g_object_unref (d);
        }
        g_unsetenv ("FTA_TRACEDAT_READER");
    }
    /* the compressed original is not read directly */
    char *zstd = data ("two-buffers.dat");
    g_setenv ("FTA_TRACEDAT_READER", "direct", TRUE);
    const char *ev[] = { "events", "-q", zstd, NULL };
    char *err;
    g_assert_cmpint (fta_test_run (ev, &err), ==, 3);
    g_assert_nonnull (strstr (err, "cannot be read directly"));
    g_free (err);
    g_unsetenv ("FTA_TRACEDAT_READER");
    g_object_unref (t);
    fta_test_run_clear (&want);
    g_free (zstd);
    g_free (cmd);
    g_free (dat);
    g_free (name);
    g_free (txt);
}

/* The same output for every -j, for each command. */
static void
test_jobs (void)
{
    char *dat = data ("two-buffers.dat");
    static const char *const cmds[][3] = {
        { "analyze", "-f", "json" }, { "events", NULL, NULL }, { "filter", NULL, NULL },
    };
    for (guint c = 0; c < G_N_ELEMENTS (cmds); c++) {
        char *first = NULL;
        for (int j = 1; j <= 4; j++) {
            char jobs[8];
            g_snprintf (jobs, sizeof jobs, "-j%d", j);
            const char *args[] = { cmds[c][0], "-q", jobs, "--buffer", "irqs",
                                   cmds[c][1] ? cmds[c][1] : dat, cmds[c][1] ? cmds[c][2] : NULL,
                                   cmds[c][1] ? dat : NULL, NULL };
            FtaTestRun r = fta_test_run_argv (args);
            g_assert_cmpint (r.rc, ==, 0);
            if (!first)
                first = g_strdup (r.out);
            else
                g_assert_cmpstr (r.out, ==, first);
            fta_test_run_clear (&r);
        }
        g_free (first);
    }
    g_free (dat);
}

/* Cut short anywhere: a clear error (exit 3) and no output left behind,
 * never a crash; or, where the cut took only what no event needs (the
 * section names at the end of a version 7 file), exactly the output of the
 * whole file. */
static void
test_truncated (void)
{
    char *v6 = unpack ("two-buffers-v6.dat");
    char *v7 = data ("two-buffers.dat");
    char *none = unpack ("two-buffers-none.dat");
    const char *files[] = { v6, v7, none };
    char *out = g_build_filename (tmpdir, "cut-out.txt", NULL);
    char *cut = g_build_filename (tmpdir, "cut.dat", NULL);
    for (guint f = 0; f < G_N_ELEMENTS (files); f++) {
        gchar *whole;
        gsize len;
        g_assert_true (g_file_get_contents (files[f], &whole, &len, NULL));
        const char *full_args[] = { "events", "-q", "--buffer", "irqs", files[f], NULL };
        FtaTestRun full = fta_test_run_argv (full_args);
        g_assert_cmpint (full.rc, ==, 0);
        /* in the magic, the headers, the event formats, the options and
         * the CPU data; the last bytes */
        const gsize cuts[] = { 5, 40, 600, len / 8, len / 3, len / 2, len - 70000,
                               len - 9000, len - 4096, len - 100, len - 1 };
        for (guint i = 0; i < G_N_ELEMENTS (cuts); i++) {
            if (cuts[i] >= len)
                continue;
            g_assert_true (g_file_set_contents (cut, whole, cuts[i], NULL));
            const char *cmds[][6] = {
                { "events", "-q", "--buffer", "irqs", cut, NULL },
                { "-q", "-f", "json", cut, NULL, NULL },
                { "filter", "-q", "-o", out, cut, NULL },
            };
            for (guint c = 0; c < G_N_ELEMENTS (cmds); c++) {
                FtaTestRun r = fta_test_run_argv (cmds[c]);
                if (r.rc == 0 && c == 0) {
                    g_assert_cmpstr (r.out, ==, full.out);
                } else if (r.rc == 0) {
                    /* as above: the cut lost nothing */
                } else {
                    if (r.rc != 3)
                        g_printerr ("%s cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                                    ": exit %d: %s\n", files[f], cuts[i], len, r.rc, r.err);
                    g_assert_cmpint (r.rc, ==, 3);
                    g_assert_true (strstr (r.err, "cut short") || strstr (r.err, "cannot be read"));
                    g_assert_cmpuint (lines_of (r.err), ==, 1);
                    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
                }
                fta_test_run_clear (&r);
                g_unlink (out);
            }
        }
        fta_test_run_clear (&full);
        g_free (whole);
    }
    g_unlink (cut);
    g_free (cut);
    g_free (out);
    g_free (v6);
    g_free (v7);
    g_free (none);
}

/* One byte changed in the compressed event formats of the two-buffer
 * recording makes libtraceevent's format parser crash in libtracecmd's
 * open (trace-cmd report dies of SIGSEGV on it): an input error, exit 3,
 * with one line naming the file and no output left behind. */
static void
test_damaged_formats (void)
{
    char *v7 = data ("two-buffers.dat");
    gchar *whole;
    gsize len;
    g_assert_true (g_file_get_contents (v7, &whole, &len, NULL));
    g_assert_cmpuint (len, >, 100877);
    whole[100877] = 14;
    char *bad = g_build_filename (tmpdir, "damaged.dat", NULL);
    char *out = g_build_filename (tmpdir, "damaged-out.json", NULL);
    g_assert_true (g_file_set_contents (bad, whole, len, NULL));
    const char *cmds[][7] = {
        { "events", "-q", bad, NULL },
        { "-q", "-f", "json", "-o", out, bad, NULL },
    };
    for (guint c = 0; c < G_N_ELEMENTS (cmds); c++) {
        FtaTestRun r = fta_test_run_argv (cmds[c]);
        g_assert_cmpint (r.rc, ==, 3);
        g_assert_nonnull (strstr (r.err, bad));
        g_assert_true (strstr (r.err, "damaged") || strstr (r.err, "cannot be read"));
        g_assert_cmpuint (lines_of (r.err), ==, 1);
        g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
        fta_test_run_clear (&r);
    }
    g_unlink (bad);
    g_free (bad);
    g_free (out);
    g_free (whole);
    g_free (v7);
}

/* A trace.dat on a pipe: read from its path instead; standard input
 * redirected from the file is read. */
static void
test_pipe (void)
{
    char *dat = data ("two-buffers.dat");
    char *cmd = g_strdup_printf ("'%s' events -q - < '%s'", g_getenv ("FTA_BIN"), dat);
    FtaTestRun r = fta_test_run_sh (cmd);
    const char *args[] = { "events", "-q", dat, NULL };
    FtaTestRun direct = fta_test_run_argv (args);
    g_assert_cmpint (r.rc, ==, 0);
    g_assert_cmpstr (r.out, ==, direct.out);
    fta_test_run_clear (&r);
    fta_test_run_clear (&direct);
    g_free (cmd);
    cmd = g_strdup_printf ("cat '%s' | '%s' -q -", dat, g_getenv ("FTA_BIN"));
    r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 3);
    g_assert_nonnull (strstr (r.err, "trace.dat read from a pipe"));
    g_assert_nonnull (strstr (r.err, "trace-cmd report -t"));
    fta_test_run_clear (&r);
    g_free (cmd);
    g_free (dat);
}

/* A trace.dat compressed whole (as files are for transfer: .xz, .gz) reads
 * as the file itself, from its path and from standard input, and leaves
 * nothing behind in TMPDIR; one cut short is an input error. */
static void
test_packed (void)
{
    char *v6 = unpack ("two-buffers-v6.dat");
    char *xz = data ("two-buffers-v6.dat.xz");
    const char *args[] = { "--buffer", "irqs", NULL };
    JsonParser *a = analyze (xz, args), *b = analyze (v6, args);
    assert_same_analysis (a, b, "xz-compressed trace.dat");
    g_assert_cmpint (input_int (a, "file_version"), ==, 6);
    g_assert_cmpstr (input_str (a, "compression"), ==, "xz");
    g_assert_cmpstr (input_str (b, "compression"), ==, "none");
    g_object_unref (a);
    g_object_unref (b);

    char *dat = data ("two-buffers.dat");
    char *gz = g_build_filename (tmpdir, "two-buffers.dat.gz", NULL);
    char *cut = g_build_filename (tmpdir, "two-buffers-cut.dat.gz", NULL);
    char *tmp = g_build_filename (tmpdir, "unpack-tmp", NULL);
    g_mkdir_with_parents (tmp, 0700);
    char *cmd = g_strdup_printf ("gzip -c '%s' > '%s' && head -c 20000 '%s' > '%s'", dat, gz,
                                 gz, cut);
    g_free (fta_test_sh_ok (cmd));
    g_free (cmd);
    const char *direct_args[] = { "events", "-q", dat, NULL };
    FtaTestRun direct = fta_test_run_argv (direct_args), r;
    g_assert_cmpint (direct.rc, ==, 0);
    for (int stdin_ = 0; stdin_ < 2; stdin_++) {
        cmd = g_strdup_printf ("TMPDIR='%s' '%s' events -q %s'%s'", tmp, g_getenv ("FTA_BIN"),
                               stdin_ ? "- < " : "", gz);
        r = fta_test_run_sh (cmd);
        g_assert_cmpint (r.rc, ==, 0);
        /* the same but for the format line naming the compression */
        char *at = strstr (r.out, "zstd-compressed), gzip\n");
        g_assert_nonnull (at);
        memmove (at + 16, at + 22, strlen (at + 22) + 1);
        g_assert_cmpstr (r.out, ==, direct.out);
        fta_test_run_clear (&r);
        g_free (cmd);
    }
    cmd = g_strdup_printf ("TMPDIR='%s' '%s' -q '%s'", tmp, g_getenv ("FTA_BIN"), cut);
    r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 3);
    g_assert_nonnull (strstr (r.err, "gzip-compressed trace.dat"));
    g_assert_nonnull (strstr (r.err, "damaged or cut short"));
    g_assert_null (strstr (r.err, "| ftrace-analyzer -")); /* no pipe for a trace.dat */
    fta_test_run_clear (&r);
    g_free (cmd);
    /* the unpacked copies were unlinked as soon as made */
    GDir *d = g_dir_open (tmp, 0, NULL);
    g_assert_nonnull (d);
    g_assert_null (g_dir_read_name (d));
    g_dir_close (d);
    fta_test_run_clear (&direct);
    g_free (tmp);
    g_free (cut);
    g_free (gz);
    g_free (dat);
    g_free (xz);
    g_free (v6);
}

static char *
corpus (const char *rel)
{
    const char *dir = g_getenv ("FTA_CORPUS_DIR");
    if (!dir || !*dir)
        return NULL;
    char *p = g_build_filename (dir, rel, NULL);
    if (!g_file_test (p, G_FILE_TEST_EXISTS)) {
        g_free (p);
        return NULL;
    }
    return p;
}

/* counts.awk's figure KEY (the number after it on its line), or -1. */
static gint64
counts_value (const char *text, const char *key, int field)
{
    char *k = g_strconcat ("\n", key, "\t", NULL);
    const char *p = strstr (text, k);
    gint64 v = -1;
    if (p) {
        char **f = g_strsplit (p + 1, "\t", 6);
        if (g_strv_length (f) > (guint) field)
            v = g_ascii_strtoll (f[field], NULL, 10);
        g_strfreev (f);
    }
    g_free (k);
    return v;
}

/* The "## events per type" section of a counts.awk file: name -> count. */
static GHashTable *
counts_per_type (const char *text)
{
    GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    const char *p = strstr (text, "\n## events per type\n");
    g_assert_nonnull (p);
    char **lines = g_strsplit (p + 21, "\n", -1);
    for (guint i = 0; lines[i] && lines[i][0] && lines[i][0] != '#'; i++) {
        char **f = g_strsplit (g_strstrip (lines[i]), "\t", 2);
        if (g_strv_length (f) == 2)
            g_hash_table_insert (h, g_strdup (f[1]),
                                 GINT_TO_POINTER ((gint) g_ascii_strtoll (f[0], NULL, 10)));
        g_strfreev (f);
    }
    g_strfreev (lines);
    return h;
}

/* DAT converted with `trace-cmd convert --compression none` into the
 * temporary directory (the CPU data then read from the file itself), or
 * NULL without trace-cmd. */
static char *
uncompressed_copy (const char *dat, const char *name)
{
    char *tc = g_find_program_in_path ("trace-cmd");
    if (!tc)
        return NULL;
    char *out = g_build_filename (tmpdir, name, NULL);
    char *cmd = g_strdup_printf ("'%s' convert -i '%s' -o '%s' --compression none > /dev/null 2>&1",
                                 tc, dat, out);
    g_free (fta_test_sh_ok (cmd));
    g_free (cmd);
    g_free (tc);
    return out;
}

/* Every recorded *_trace.dat against trace-cmd report -t of it, and its
 * events against the counts of the tracefs text of the same ring buffer
 * (tools/counts.awk on *_ftrace_default.txt). */
static void
test_corpus (gconstpointer scenario)
{
    const char *s = scenario;
    char *rel = g_strdup_printf ("recorded/%s/%s_trace.dat", s, s);
    char *rel_txt = g_strdup_printf ("recorded/%s/%s_tracecmd_report_ns.txt.gz", s, s);
    char *rel_counts = g_strdup_printf ("recorded/%s/%s_ftrace_default.counts.txt", s, s);
    char *dat = corpus (rel), *txt = corpus (rel_txt), *counts = corpus (rel_counts);
    if (!dat || !txt || !counts) {
        g_test_skip ("no shared corpus");
    } else {
        JsonParser *d = analyze (dat, NULL), *t = analyze (txt, NULL);
        assert_same_analysis (d, t, s);
        gchar *text;
        g_assert_true (g_file_get_contents (counts, &text, NULL, NULL));
        GHashTable *want = counts_per_type (text);
        JsonObject *q = json_object_get_object_member (fta_test_root (d), "quality");
        JsonObject *by = json_object_get_object_member (q, "events_by_type");
        g_assert_cmpuint (json_object_get_size (by), ==, g_hash_table_size (want));
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init (&it, want);
        while (g_hash_table_iter_next (&it, &k, &v)) {
            g_assert_true (json_object_has_member (by, k));
            g_assert_cmpint (json_object_get_int_member (by, k), ==, GPOINTER_TO_INT (v));
        }
        g_assert_cmpint (quality_int (d, "lines_event"), ==,
                         counts_value (text, "event_lines", 1));
        g_hash_table_destroy (want);
        g_free (text);
        /* uncompressed, read from the file itself: the same, with one
         * decoding thread and with three sharing the file's tep */
        char *name = g_strdup_printf ("%s-none.dat", s);
        char *none = uncompressed_copy (dat, name);
        for (int j = 2; none && j <= 4; j += 2) {
            char jobs[8];
            g_snprintf (jobs, sizeof jobs, "-j%d", j);
            const char *jargs[] = { jobs, NULL };
            g_setenv ("FTA_TRACEDAT_READER", "direct", TRUE);
            JsonParser *n = analyze (none, jargs);
            g_unsetenv ("FTA_TRACEDAT_READER");
            assert_same_analysis (n, t, name);
            g_object_unref (n);
        }
        if (none)
            g_unlink (none);
        g_free (none);
        g_free (name);
        g_object_unref (d);
        g_object_unref (t);
    }
    g_free (rel);
    g_free (rel_txt);
    g_free (rel_counts);
    g_free (dat);
    g_free (txt);
    g_free (counts);
}

/* The lossy recording: the missed events of the trace.dat's pages are the
 * DROPPED markers trace-cmd prints, with the same counts. */
static void
test_lossy (void)
{
    char *dat = corpus ("recorded/lossy/lossy_trace.dat");
    char *counts = corpus ("recorded/lossy/lossy_tracecmd_report_ns.counts.txt");
    if (!dat || !counts) {
        g_test_skip ("no shared corpus");
        g_free (dat);
        g_free (counts);
        return;
    }
    gchar *text;
    g_assert_true (g_file_get_contents (counts, &text, NULL, NULL));
    gint64 lines = counts_value (text, "dropped_event_lines", 1);
    gint64 sum = counts_value (text, "dropped_event_lines", 3);
    gint64 events = counts_value (text, "event_lines", 1);
    g_assert_cmpint (lines, >, 0);
    /* and uncompressed, read from the file itself */
    char *none = uncompressed_copy (dat, "lossy-none.dat");
    for (int i = 0; i < (none ? 2 : 1); i++) {
        if (i)
            g_setenv ("FTA_TRACEDAT_READER", "direct", TRUE);
        JsonParser *d = analyze (i ? none : dat, NULL);
        g_unsetenv ("FTA_TRACEDAT_READER");
        g_assert_cmpint (quality_int (d, "lost_markers"), ==, lines);
        g_assert_cmpint (quality_int (d, "lost_events"), ==, sum);
        g_assert_cmpint (quality_int (d, "lines_event"), ==, events);
        g_assert_cmpint (quality_int (d, "model_resets"), ==, lines);
        g_object_unref (d);
    }
    if (none)
        g_unlink (none);
    g_free (none);
    g_free (text);
    g_free (dat);
    g_free (counts);
}

#else /* !HAVE_LIBTRACECMD */

/* Without libtracecmd: a clear error that says how to make text. */
static void
test_no_library (void)
{
    char *dat = data ("two-buffers.dat");
    char *err;
    const char *args[] = { dat, NULL };
    g_assert_cmpint (fta_test_run (args, &err), ==, 3);
    g_assert_nonnull (strstr (err, "trace-cmd report"));
    g_assert_nonnull (strstr (err, "libtracecmd"));
    g_free (err);
    g_free (dat);
}

#endif

/* perf.data, by its header: exit 3, one line naming the file type and the
 * exact perf script command; the same on a pipe. */
static void
test_perf_data (void)
{
    char header[64] = "PERFILE2";
    char *path = g_build_filename (tmpdir, "perf.data", NULL);
    g_assert_true (g_file_set_contents (path, header, sizeof header, NULL));
    char *err;
    const char *args[] = { path, NULL };
    g_assert_cmpint (fta_test_run (args, &err), ==, 3);
    char *want = g_strdup_printf ("perf script --ns -F comm,pid,tid,cpu,time,event,trace -i %s",
                                  path);
    g_assert_nonnull (strstr (err, "perf.data file"));
    g_assert_nonnull (strstr (err, want));
    g_assert_cmpuint (lines_of (err), ==, 1);
    g_free (err);
    g_free (want);
    const char *ev[] = { "events", path, NULL };
    g_assert_cmpint (fta_test_run (ev, NULL), ==, 3);
    char *cmd = g_strdup_printf ("'%s' - < '%s'", g_getenv ("FTA_BIN"), path);
    FtaTestRun r = fta_test_run_sh (cmd);
    g_assert_cmpint (r.rc, ==, 3);
    g_assert_nonnull (strstr (r.err, "perf.data file"));
    g_assert_nonnull (strstr (r.err, "perf script --ns -F comm,pid,tid,cpu,time,event,trace"));
    fta_test_run_clear (&r);
    g_free (cmd);
    /* an ELF file is no trace either */
    memcpy (header, "\177ELF\002\001\001", 7);
    g_assert_true (g_file_set_contents (path, header, sizeof header, NULL));
    g_assert_cmpint (fta_test_run (args, &err), ==, 3);
    g_assert_nonnull (strstr (err, "ELF"));
    g_free (err);
    g_unlink (path);
    g_free (path);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-tracedat-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
#ifdef HAVE_LIBTRACECMD
    g_test_add_data_func ("/tracedat/buffers/top", "", test_buffers);
    g_test_add_data_func ("/tracedat/buffers/instance", "irqs", test_buffers);
    g_test_add_func ("/tracedat/buffers/unknown", test_buffer_unknown);
    g_test_add_data_func ("/tracedat/filter/top", "", test_filter);
    g_test_add_data_func ("/tracedat/filter/instance", "irqs", test_filter);
    g_test_add_func ("/tracedat/version6", test_version6);
    g_test_add_data_func ("/tracedat/uncompressed/top", "", test_uncompressed);
    g_test_add_data_func ("/tracedat/uncompressed/instance", "irqs", test_uncompressed);
    g_test_add_func ("/tracedat/jobs", test_jobs);
    g_test_add_func ("/tracedat/truncated", test_truncated);
    g_test_add_func ("/tracedat/damaged-formats", test_damaged_formats);
    g_test_add_func ("/tracedat/pipe", test_pipe);
    g_test_add_func ("/tracedat/packed", test_packed);
    static const char *const scenarios[] = { "cpu_contention", "io_block", "qemu_tcg",
                                             "quiet", "lossy" };
    for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++) {
        char *name = g_strdup_printf ("/tracedat/corpus/%s", scenarios[i]);
        g_test_add_data_func (name, scenarios[i], test_corpus);
        g_free (name);
    }
    g_test_add_func ("/tracedat/lossy", test_lossy);
#else
    g_test_add_func ("/tracedat/no-library", test_no_library);
#endif
    g_test_add_func ("/tracedat/perf-data", test_perf_data);
    int rc = g_test_run ();
    fta_test_remove_dir (tmpdir);
    g_free (tmpdir);
    return rc;
}
