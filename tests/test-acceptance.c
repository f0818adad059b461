/* test-acceptance.c - every trace of the shared corpus ($FTA_CORPUS_DIR, see
 * its README.md) through the CLI, one test case per file, the files found at
 * run time so that new ones are picked up:
 *  - recorded/SCENARIO/: the text renderings (*_ftrace_*, *_tracecmd_report*,
 *    *_perf_script*, *_trace_pipe_*; .txt.gz, .txt.zst or .txt.xz);
 *  - public/: every file except the licences.
 *
 * Each file is analyzed once with '-q -f json -o OUT FILE' (the CLI reads
 * compressed files itself) while this program counts the file's lines on
 * its own (gzip/zstd/xz -dc, then '\n' count, +1 for an unterminated last
 * line).  For every file:
 *  - the exit status is 0, or 4 with a message naming the file where the
 *    corpus README says a file holds no trace event;
 *  - every line is accounted for: lines_total = lines_event + lines_header +
 *    lines_unparsed, lines_total = the real line count, truncated_last_line
 *    set exactly when the file does not end in a newline, and the events per
 *    type add up to lines_event;
 *  - lines_unparsed is 0, except for the files of the table below, whose
 *    non-event lines were counted by hand; lines_event equals the table's
 *    hand count where it gives one;
 *  - beside a *.counts.txt (tools/counts.awk on the same text, made when the
 *    corpus was recorded): event lines, events per type (both ways), lost
 *    markers (LOST + EVENTS DROPPED + PERF_RECORD_LOST lines) and the events
 *    they give, buffer-started markers, first/last timestamp and timestamps
 *    going back (globally and within a CPU) are equal.
 * A failing case names the file and every check that failed, with the first
 * lines the parser could not read.  Without a corpus the test is skipped.
 */
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

/* What a file of the corpus must give where it differs from the default
 * (exit 0, lines_unparsed 0, lines_event not checked by hand, no lost
 * marker without a count).
 *
 * How the numbers were checked, without the tool:
 *  - events: lines of the form "...-PID [(TGID)] [CPU] [FLAGS] SECS.FRAC:
 *    NAME: ", counted with
 *      RE='-[0-9]+ +(\( *[-0-9]+\) +)?\[[0-9]+\] +([^ ]+ +)?'
 *      RE="$RE"'[0-9]+\.[0-9]+: +[A-Za-z_0-9]+:( |$)'
 *      grep -cE -- "$RE" FILE
 *    and for systrace HTML on the trace block(s) only, i.e. the lines after
 *    '<script class="trace-data" ...>' or '  var linuxPerfData = "\' up to
 *    the next '</script>' (both anchored at the start of the line: the
 *    catapult JavaScript in android_trace.html quotes both strings):
 *      sed -n -e '/^ *var linuxPerfData = "\\$/,/<\/script>/p' \
 *             -e '/^ *<script class="trace-data"/,/<\/script>/p' FILE |
 *        grep -cE -- "$RE"
 *    Every other line of these files was read by eye: '#' headers, 'cpus=',
 *    'version = 6', 'CPU n is empty', blank lines, the HTML/JS wrapper, and
 *    the exceptions listed with their reason.
 *  - lines not understood: as listed per file.
 *  - lost markers without a count:
 *      gzip -dc FILE | grep -c '\[EVENTS DROPPED\]'
 */
typedef struct {
    const char *file;     /* relative to the corpus directory */
    int exit_status;      /* 0, or 4: no trace event at all */
    gint64 unparsed;      /* lines_unparsed */
    gint64 events;        /* lines_event counted by hand; -1: not checked */
    gint64 without_count; /* lost_markers_without_count */
    const char *why;
} Expect;

#define TRAPPY "public/ARM-software__trappy/"
#define CATAPULT "public/catapult-project__catapult/"
#define TC_INCUBATOR                                                                     \
    "public/eclipse-tracecompass-incubator__org.eclipse.tracecompass.incubator/"         \
    "tracetypes/org.eclipse.tracecompass.incubator."
#define SPEEDSCOPE "public/jlfwong__speedscope/sample/profiles/linux-perf/"

static const Expect expectations[] = {
    /* --- recorded --- */
    { "recorded/lossy/lossy_tcrecord_tracecmd_report.txt.gz", 0, 0, -1, 6,
      "30 'CPU:0 [N EVENTS DROPPED]' lines, 6 of them '[EVENTS DROPPED]' without N" },

    /* --- public: trappy (trace-cmd report -R, systrace HTML) --- */
    { TRAPPY "history/tests__trace.txt@1bd53051", 0, 0, 1411, 0,
      "9 header lines: 'version = 6', 'CPU n is empty' x7, 'cpus=8'" },
    { TRAPPY "tests/raw_trace.txt", 0, 0, 3, 0,
      "raw bodies, numeric prev_state 1024/1; 4 header lines" },
    { TRAPPY "tests/trace_common_clk.txt", 0, 0, 8, 0, "clock events pass through" },
    { TRAPPY "tests/trace_empty.txt", 0, 0, 51, 0,
      "'version = 6', 'cpus=5', then 51 events" },
    { TRAPPY "tests/trace_equals.txt", 0, 0, 7, 0, "bputs bodies with '='" },
    { TRAPPY "tests/trace_failed_to_parse.txt", 0, 0, 11, 0,
      "3 '[FAILED TO PARSE]' bodies of thermal events: well-formed lines of "
      "events that are not scheduling events, so they pass through as events" },
    { TRAPPY "tests/trace_filesystem.txt", 0, 0, 69, 0, "ext4/f2fs events pass through" },
    { TRAPPY "tests/trace_idle_unsorted.txt", 0, 1, 14, 0,
      "the last line (17) is cut short in the source: 'sched_switch: "
      "prev_comm=bash prev_pid=14840' and nothing after, so it is not an event" },
    { TRAPPY "tests/trace_legacy_systrace.html", 0, 0, 15, 0,
      "systrace HTML, 'var linuxPerfData = \"\\' form (here without the '\\n\\' "
      "line ends): 15 events, the rest is the HTML wrapper and '#' headers" },
    { TRAPPY "tests/trace_no_trailing_line.txt", 0, 0, 10, 0,
      "10 events, the last one without a newline" },
    { TRAPPY "tests/trace_sched.txt", 0, 0, 11, 0, "'version = 6', 'cpus=6', 11 events" },
    { TRAPPY "tests/trace_surfaceflinger.html", 0, 0, 2506, 0,
      "systrace HTML, two '<script class=\"trace-data\">' blocks: ftrace text "
      "(2506 events) and a JSON traceEvents document (not ftrace text)" },
    { TRAPPY "tests/trace_systrace.html", 0, 0, 10, 0,
      "systrace HTML, '<script class=\"trace-data\">' block with 10 events" },

    /* --- public: catapult (Android atrace / systrace) --- */
    { CATAPULT "systrace/systrace/test_data/atrace_data", 0, 0, 116, 0, "11 '#' lines" },
    { CATAPULT "systrace/systrace/test_data/atrace_data_raw", 0, 0, 116, 0,
      "a blank first line, 11 '#' lines" },
    { CATAPULT "systrace/systrace/test_data/atrace_fixed_tgids", 0, 0, 116, 0,
      "TGID column '(-----)' / '( 3)'" },
    { CATAPULT "systrace/systrace/test_data/atrace_missing_tgids", 0, 0, 116, 0,
      "TGID column '(-----)'" },
    { CATAPULT "systrace/systrace/test_data/decompressed_atrace_data.txt", 0, 0, 1042, 0,
      "tracing_mark_write bodies" },
    { CATAPULT "tracing/test_data/android_systrace.html", 0, 0, 31479, 0,
      "systrace HTML, 'var linuxPerfData = \"\\' form: every trace line ends in "
      "a literal '\\n\\' (the last in '\\n\";'), 4 '#' lines and 31479 events, "
      "the last one 'dummy-0000 [000] 0.0: 0: trace_event_clock_sync' going "
      "back 50265 s" },
    { CATAPULT "tracing/test_data/android_systrace.txt", 4, -1, 0, 0,
      "the JS string body of a systrace HTML without its HTML: every line ends "
      "in a literal '\\n\\'; the corpus README wants it reported, not analysed" },
    { CATAPULT "tracing/test_data/counter_tracks.html", 0, 0, 1611, 0,
      "systrace HTML, 'var linuxPerfData = \"\\' form: 1611 '0: C|...' marker events" },
    { CATAPULT "tracing/test_data/trivial_systrace.html", 0, 0, 4, 0,
      "systrace HTML, 'var linuxPerfData = \"\\' form: 4 '0: C|...' events and a "
      "blank last string line" },

    /* --- public: Trace Compass incubator --- */
    { TC_INCUBATOR "atrace.core.tests/res/android_trace.html", 0, 0, 537, 0,
      "systrace HTML, '<script class=\"trace-data\">' block with 537 events; the "
      "catapult JS before it quotes 'var linuxPerfData = \"\\' and 'trace-data'" },
    { TC_INCUBATOR "atrace.core.tests/res/atrace-test", 0, 0, 4454, 0, "11 '#' lines" },
    { TC_INCUBATOR "ftrace.core.tests/res/ftrace_syscalls.txt", 0, 842, 210, 0,
      "842 syscall tracer lines 'sys_foo(args)' / 'sys_foo -> 0x0' have no "
      "'event:' token and are not events (grep -cE '\\]\\s+\\S+\\s+[0-9]+\\.[0-9]+: "
      "sys_\\w+(\\(| -> )'); the other 210 lines are events" },
    { TC_INCUBATOR "ftrace.core.tests/res/trace-android-sched", 0, 0, 139, 0,
      "11 '#' lines" },
    { TC_INCUBATOR "ftrace.core.tests/res/trace-android-sched-irq", 0, 0, 139, 0,
      "overwritten buffer, header 69657/223807" },
    { TC_INCUBATOR "ftrace.core.tests/res/trace-android-sched-irq-syscall", 0, 0, 143, 0,
      "sys_enter/sys_exit events (with 'event:' tokens)" },
    { TC_INCUBATOR "ftrace.core.tests/res/trace-critical-path", 0, 0, 146, 0,
      "comms with spaces ('Web Content')" },
    { TC_INCUBATOR "ftrace.core.tests/res/trace-func-graph", 0, 0, 199, 0,
      "'cpus=8', then 199 funcgraph_entry/funcgraph_exit events in trace-cmd's "
      "raw form (events, not function-graph tracer lines)" },

    /* --- public: speedscope (perf script stack samples) --- */
    /* The corpus README: "parse or skip cleanly".  Sample lines parse as
     * events today, but skipping them as non-event lines is allowed, so only
     * "nothing unparsed" is required. */
    { SPEEDSCOPE "rust-mangled.linux-perf.txt", 0, 0, -1, 0,
      "perf script samples: 96 sample lines, callchains, blank lines" },
    { SPEEDSCOPE "simple-with-header.linux-perf.txt", 0, 0, -1, 0,
      "perf script samples with a '# ========' header" },
    { SPEEDSCOPE "system-wide.linux-perf.txt", 0, 0, -1, 0,
      "perf script samples with a [cpu] column" },

    /* --- public: trace-cmd documentation --- */
    { "public/rostedt__trace-cmd/Documentation/trace-cmd/"
      "trace-cmd-report.1.txt.example_lines.txt",
      0, 0, 91, 0,
      "91 events: trace-cmd report plugin forms, 15 sched_switch lines with a "
      "'Latency: N usecs' suffix, several examples concatenated" },
};

typedef struct {
    char *rel; /* path relative to the corpus, '/'-separated */
    char *path;
    const Expect *expect;
    gboolean recorded;
} Case;

static char *corpus;
static char *tmpdir;
static GPtrArray *cases; /* Case */

/* --- helpers ------------------------------------------------------------ */

/* Adds a failed check to REPORT. */
G_GNUC_PRINTF (2, 3)
static void
fail (GString *report, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    g_string_append (report, "\n  - ");
    g_string_append_vprintf (report, fmt, ap);
    va_end (ap);
}

static gint64
qint (JsonObject *q, const char *name, GString *report)
{
    JsonNode *n = json_object_get_member (q, name);
    if (!n || !JSON_NODE_HOLDS_VALUE (n)) {
        fail (report, "quality.%s is missing from the JSON output", name);
        return G_MININT64;
    }
    if (json_node_get_value_type (n) == G_TYPE_BOOLEAN)
        return json_node_get_boolean (n) ? 1 : 0;
    return json_node_get_int (n);
}

static void
check_eq (GString *report, const char *what, gint64 got, gint64 want, const char *source)
{
    if (got != want && got != G_MININT64)
        fail (report, "%s: got %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT " (%s)",
              what, got, want, source);
}

/* The first lines the parser could not read, from the JSON output. */
static void
add_examples (GString *report, JsonObject *q, guint max)
{
    JsonArray *ex = json_object_has_member (q, "unparsed_examples")
                        ? json_object_get_array_member (q, "unparsed_examples")
                        : NULL;
    guint n = ex ? json_array_get_length (ex) : 0;
    if (n == 0)
        return;
    g_string_append (report, "\n    first lines not understood:");
    for (guint i = 0; i < n && i < max; i++) {
        JsonObject *u = json_array_get_object_element (ex, i);
        const char *text = json_object_get_string_member (u, "text");
        g_string_append_printf (report,
                                "\n      line %" G_GINT64_FORMAT " (%s): %.160s%s",
                                json_object_get_int_member (u, "line"),
                                json_object_get_string_member (u, "why"), text,
                                strlen (text) > 160 ? "..." : "");
    }
}

/* The decompressor for a file, told by its first bytes as the CLI does;
 * NULL for plain text. */
static const char *
decompressor (const char *path, GError **error)
{
    static const guchar xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    guchar m[6] = { 0 };
    FILE *f = g_fopen (path, "rb");
    if (!f) {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot open %s", path);
        return NULL;
    }
    size_t n = fread (m, 1, sizeof m, f);
    fclose (f);
    if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        return "gzip";
    if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
        return "zstd";
    if (n >= 6 && memcmp (m, xz_magic, sizeof xz_magic) == 0)
        return "xz";
    return NULL;
}

/* Counts the lines of a file's text, decompressed by the usual tools (not
 * by the code under test): '\n' characters, +1 for a last line without one. */
static gboolean
count_lines (const char *path, guint64 *lines, gboolean *unterminated, GError **error)
{
    GError *err = NULL;
    const char *tool = decompressor (path, &err);
    if (err) {
        g_propagate_error (error, err);
        return FALSE;
    }
    GSubprocess *proc = NULL;
    GInputStream *in = NULL;
    FILE *f = NULL;
    if (tool) {
        const char *argv[] = { tool, "-dc", "--", path, NULL };
        proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
        if (!proc)
            return FALSE;
        in = g_subprocess_get_stdout_pipe (proc);
    } else if (!(f = g_fopen (path, "rb"))) {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot open %s", path);
        return FALSE;
    }
    gsize size = 1 << 20;
    char *buf = g_malloc (size);
    guint64 nl = 0, bytes = 0;
    char last = '\n';
    gboolean ok;
    for (;;) {
        gssize n;
        if (f) {
            n = fread (buf, 1, size, f);
            if (n == 0 && ferror (f)) {
                g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read %s",
                             path);
                n = -1;
            }
        } else {
            n = g_input_stream_read (in, buf, size, NULL, error);
        }
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        for (const char *p = buf, *end = buf + n; (p = memchr (p, '\n', end - p)); p++)
            nl++;
        bytes += n;
        last = buf[n - 1];
    }
    g_free (buf);
    if (f)
        fclose (f);
    if (proc) {
        if (ok)
            ok = g_subprocess_wait_check (proc, NULL, error);
        else
            g_subprocess_force_exit (proc);
        g_object_unref (proc);
    }
    *lines = nl + (bytes > 0 && last != '\n' ? 1 : 0);
    *unterminated = bytes > 0 && last != '\n';
    return ok;
}

/* --- counts files (recorded/tools/counts.awk) --------------------------- */

/* "KEY<TAB>VALUE[<TAB>KEY<TAB>VALUE]" lines before the first "## " section;
 * indented example lines are left out. */
static GHashTable *
counts_values (const char *text)
{
    GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    char **lines = g_strsplit (text, "\n", -1);
    for (char **l = lines; *l && !g_str_has_prefix (*l, "## "); l++) {
        if (**l == '#' || **l == ' ' || **l == '\0')
            continue;
        char **f = g_strsplit (*l, "\t", -1);
        for (guint i = 0; f[i] && f[i + 1]; i += 2)
            g_hash_table_insert (h, g_strdup (f[i]), g_strdup (f[i + 1]));
        g_strfreev (f);
    }
    g_strfreev (lines);
    return h;
}

/* A "## TITLE" section: "  COUNT<TAB>KEY" lines up to the next blank line. */
static GHashTable *
counts_section (const char *text, const char *title)
{
    char *head = g_strdup_printf ("\n## %s\n", title);
    const char *s = strstr (text, head);
    g_free (head);
    if (!s)
        return NULL;
    s = strchr (s + 1, '\n') + 1;
    GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    while (*s && *s != '\n' && *s != '#') {
        const char *eol = strchr (s, '\n');
        if (!eol)
            eol = s + strlen (s);
        char *line = g_strndup (s, eol - s);
        char *tab = strchr (line, '\t');
        if (tab) {
            *tab = '\0';
            gint64 *v = g_new (gint64, 1);
            *v = g_ascii_strtoll (line, NULL, 10);
            g_hash_table_insert (h, g_strdup (tab + 1), v);
        }
        g_free (line);
        s = *eol ? eol + 1 : eol;
    }
    return h;
}

/* A counts value as an integer; absent keys are DEF (G_MININT64: an error). */
static gint64
counts_int (GHashTable *kv, const char *key, gint64 def, GString *report)
{
    const char *v = g_hash_table_lookup (kv, key);
    if (!v) {
        if (def == G_MININT64)
            fail (report, "the counts file has no '%s'", key);
        return def;
    }
    return g_ascii_strtoll (v, NULL, 10);
}

/* "SECS.FRAC" with 6 or 9 decimals, in nanoseconds. */
static gint64
counts_ts (GHashTable *kv, const char *key, GString *report)
{
    const char *v = g_hash_table_lookup (kv, key);
    if (!v) {
        fail (report, "the counts file has no '%s'", key);
        return G_MININT64;
    }
    char *end;
    gint64 sec = g_ascii_strtoll (v, &end, 10), frac = 0;
    int digits = 0;
    if (*end == '.')
        for (end++; g_ascii_isdigit (*end) && digits < 9; end++, digits++)
            frac = frac * 10 + (*end - '0');
    for (; digits < 9; digits++)
        frac *= 10;
    return sec * 1000000000 + frac;
}

static void
check_counts (JsonObject *q, const char *counts_path, GString *report)
{
    char *text;
    GError *err = NULL;
    if (!g_file_get_contents (counts_path, &text, NULL, &err)) {
        fail (report, "cannot read %s: %s", counts_path, err->message);
        g_error_free (err);
        return;
    }
    char *src = g_path_get_basename (counts_path);
    GHashTable *kv = counts_values (text);

    check_eq (report, "lines_event", qint (q, "lines_event", report),
              counts_int (kv, "event_lines", G_MININT64, report), src);

    /* markers: ftrace/trace_pipe 'CPU:N [LOST M EVENTS]', trace-cmd
     * 'CPU:N [M EVENTS DROPPED]', perf 'PERF_RECORD_LOST lost M'.  Counts
     * files made before the perf rule have no perf_record_lost_lines: 0. */
    gint64 markers = counts_int (kv, "lost_event_lines", G_MININT64, report)
                     + counts_int (kv, "dropped_event_lines", G_MININT64, report)
                     + counts_int (kv, "perf_record_lost_lines", 0, report);
    gint64 lost = counts_int (kv, "lost_events_sum", G_MININT64, report)
                  + counts_int (kv, "dropped_sum", G_MININT64, report)
                  + counts_int (kv, "perf_lost_sum", 0, report);
    check_eq (report, "lost_markers", qint (q, "lost_markers", report), markers,
              "lost_event_lines + dropped_event_lines + perf_record_lost_lines");
    check_eq (report, "lost_events", qint (q, "lost_events", report), lost,
              "lost_events_sum + dropped_sum + perf_lost_sum");
    check_eq (report, "buffer_started", qint (q, "buffer_started", report),
              counts_int (kv, "buffer_started_lines", G_MININT64, report), src);
    check_eq (report, "first_ts_ns", qint (q, "first_ts_ns", report),
              counts_ts (kv, "first_ts", report), src);
    check_eq (report, "last_ts_ns", qint (q, "last_ts_ns", report),
              counts_ts (kv, "last_ts", report), src);
    check_eq (report, "out_of_order", qint (q, "out_of_order", report),
              counts_int (kv, "ts_decreasing_global", G_MININT64, report),
              "ts_decreasing_global");
    check_eq (report, "out_of_order_within_cpu",
              qint (q, "out_of_order_within_cpu", report),
              counts_int (kv, "ts_decreasing_within_cpu", G_MININT64, report),
              "ts_decreasing_within_cpu");

    /* events per type, both ways */
    GHashTable *types = counts_section (text, "events per type");
    JsonObject *by_type = json_object_has_member (q, "events_by_type")
                              ? json_object_get_object_member (q, "events_by_type")
                              : NULL;
    if (!types) {
        fail (report, "%s has no 'events per type' section", src);
    } else if (by_type) {
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init (&it, types);
        while (g_hash_table_iter_next (&it, &k, &v)) {
            gint64 got = json_object_has_member (by_type, k)
                             ? json_object_get_int_member (by_type, k)
                             : 0;
            if (got != *(gint64 *) v)
                fail (report,
                      "events_by_type.%s: got %" G_GINT64_FORMAT
                      ", want %" G_GINT64_FORMAT " (%s)",
                      (const char *) k, got, *(gint64 *) v, src);
        }
        GList *names = json_object_get_members (by_type);
        for (GList *l = names; l; l = l->next) {
            gint64 got = json_object_get_int_member (by_type, l->data);
            if (got != 0 && !g_hash_table_contains (types, l->data))
                fail (report,
                      "events_by_type.%s: got %" G_GINT64_FORMAT
                      ", but %s has no such event",
                      (const char *) l->data, got, src);
        }
        g_list_free (names);
    }
    if (types)
        g_hash_table_unref (types);
    g_hash_table_unref (kv);
    g_free (src);
    g_free (text);
}

/* The counts file beside a recorded text: NAME.txt[.gz|.zst|.xz] ->
 * NAME.counts.txt; NULL when there is none. */
static char *
counts_path_for (const char *path)
{
    char *base = g_strdup (path);
    for (const char *const *ext = (const char *[]) { ".gz", ".zst", ".xz", NULL }; *ext;
         ext++)
        if (g_str_has_suffix (base, *ext)) {
            base[strlen (base) - strlen (*ext)] = '\0';
            break;
        }
    char *counts = NULL;
    if (g_str_has_suffix (base, ".txt")) {
        base[strlen (base) - 4] = '\0';
        counts = g_strconcat (base, ".counts.txt", NULL);
        if (!g_file_test (counts, G_FILE_TEST_IS_REGULAR))
            g_clear_pointer (&counts, g_free);
    }
    g_free (base);
    return counts;
}

/* --- the test case ---------------------------------------------------- */

static void
test_file (gconstpointer data)
{
    const Case *c = data;
    static const Expect defaults = { NULL, 0, 0, -1, 0, NULL };
    const Expect *x = c->expect ? c->expect : &defaults;
    const char *bin = g_getenv ("FTA_BIN");
    g_assert_nonnull (bin);
    char *out = g_build_filename (tmpdir, "out.json", NULL);
    char *err_path = g_build_filename (tmpdir, "stderr.txt", NULL);
    g_unlink (out);

    /* the CLI runs while the lines are counted */
    GSubprocessLauncher *l
        = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_subprocess_launcher_set_stderr_file_path (l, err_path);
    GError *error = NULL;
    GSubprocess *proc = g_subprocess_launcher_spawn (l, &error, bin, "-q", "-f", "json",
                                                     "-o", out, c->path, NULL);
    g_assert_no_error (error);
    guint64 real_lines = 0;
    gboolean unterminated = FALSE;
    gboolean counted = count_lines (c->path, &real_lines, &unterminated, &error);
    g_assert_no_error (error);
    g_assert_true (counted);
    g_assert_true (g_subprocess_wait (proc, NULL, &error));
    g_assert_no_error (error);
    int status = g_subprocess_get_if_exited (proc)
                     ? g_subprocess_get_exit_status (proc)
                     : 128 + g_subprocess_get_term_sig (proc);
    char *err_text = NULL;
    if (!g_file_get_contents (err_path, &err_text, NULL, NULL))
        err_text = g_strdup ("");
    g_strstrip (err_text);

    GString *report = g_string_new (NULL);
    JsonParser *parser = json_parser_new ();
    if (status != x->exit_status) {
        fail (report, "exit status %d, want %d%s%s%s", status, x->exit_status,
              *err_text ? "; stderr: \"" : " (no message)", err_text,
              *err_text ? "\"" : "");
    } else if (status != 0) {
        /* no event at all: the message names the file and says so */
        char *base = g_path_get_basename (c->path);
        if (!strstr (err_text, base) || !strstr (err_text, "no trace event"))
            fail (report,
                  "exit %d without a clear message (want the file name and "
                  "'no trace event'): \"%s\"",
                  status, err_text);
        /* "(N lines: ...)" when it gives the line count */
        const char *paren = strstr (err_text, " (");
        if (paren && g_ascii_isdigit (paren[2]) && strstr (paren, " lines"))
            check_eq (report, "lines in the message",
                      g_ascii_strtoll (paren + 2, NULL, 10), real_lines,
                      "lines in the file");
        g_free (base);
    } else if (!json_parser_load_from_file (parser, out, &error)) {
        fail (report, "the JSON output %s cannot be read: %s", out, error->message);
        g_clear_error (&error);
    } else {
        JsonObject *doc = json_node_get_object (json_parser_get_root (parser));
        JsonObject *q = json_object_get_object_member (doc, "quality");
        gint64 total = qint (q, "lines_total", report);
        gint64 events = qint (q, "lines_event", report);
        gint64 header = qint (q, "lines_header", report);
        gint64 unparsed = qint (q, "lines_unparsed", report);

        /* every line accounted for */
        if (events != G_MININT64 && header != G_MININT64 && unparsed != G_MININT64)
            check_eq (report, "lines_total", total, events + header + unparsed,
                      "lines_event + lines_header + lines_unparsed");
        check_eq (report, "lines_total", total, real_lines, "lines in the file");
        check_eq (report, "truncated_last_line", qint (q, "truncated_last_line", report),
                  unterminated,
                  unterminated ? "the file does not end in a newline"
                               : "the file ends in a newline");
        gint64 sum = 0;
        JsonObject *by_type = json_object_get_object_member (q, "events_by_type");
        GList *names = json_object_get_members (by_type);
        for (GList *n = names; n; n = n->next)
            sum += json_object_get_int_member (by_type, n->data);
        g_list_free (names);
        check_eq (report, "sum of events_by_type", sum, events, "lines_event");

        /* lines not understood */
        if (unparsed != x->unparsed) {
            fail (report,
                  "lines_unparsed: got %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT
                  " (%s)",
                  unparsed, x->unparsed,
                  x->why ? x->why : "every line of this file is an event or a header");
            add_examples (report, q, 3);
        }
        if (x->events >= 0 && events != x->events) {
            fail (report,
                  "lines_event: got %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT
                  " (counted by hand: %s)",
                  events, x->events, x->why);
            if (unparsed == x->unparsed)
                add_examples (report, q, 3);
        }

        /* the oracle beside a recording */
        char *counts = c->recorded ? counts_path_for (c->path) : NULL;
        if (counts) {
            check_counts (q, counts, report);
            check_eq (report, "lost_markers_without_count",
                      qint (q, "lost_markers_without_count", report), x->without_count,
                      x->why ? x->why : "every lost marker gives a number");
        } else if (c->recorded) {
            g_test_message ("%s: no counts file beside it, its events are not compared",
                            c->rel);
        }
        g_free (counts);
    }
    if (report->len) {
        g_test_message ("%s:%s", c->rel, report->str);
        g_test_fail ();
    }
    g_string_free (report, TRUE);
    g_object_unref (parser);
    g_free (err_text);
    g_object_unref (proc);
    g_object_unref (l);
    g_unlink (out);
    g_unlink (err_path);
    g_free (err_path);
    g_free (out);
}

/* Every entry of the table names a file that was found: a table entry for a
 * file renamed or removed would silently check nothing. */
static void
test_table (void)
{
    GString *report = g_string_new (NULL);
    for (guint i = 0; i < G_N_ELEMENTS (expectations); i++) {
        gboolean found = FALSE;
        for (guint j = 0; j < cases->len && !found; j++)
            found = ((Case *) g_ptr_array_index (cases, j))->expect == &expectations[i];
        if (!found)
            fail (report, "%s is in the table but not in the corpus (or not picked up)",
                  expectations[i].file);
    }
    if (report->len) {
        g_test_message ("%s", report->str);
        g_test_fail ();
    }
    g_string_free (report, TRUE);
}

static void
test_no_corpus (void)
{
    g_test_skip ("no trace corpus: FTA_CORPUS_DIR is empty (configure did not find "
                 "one; --with-corpus=DIR, DIR holding recorded/ and public/)");
}

/* A corpus that was named must be there: a wrong --with-corpus is an error,
 * not a reason to check nothing. */
static void
test_corpus_found (gconstpointer data)
{
    guint n_recorded = 0, n_public = 0;
    for (guint i = 0; i < cases->len; i++)
        if (((Case *) g_ptr_array_index (cases, i))->recorded)
            n_recorded++;
        else
            n_public++;
    g_test_message ("%s: %u recorded and %u public files", corpus, n_recorded, n_public);
    if (n_recorded == 0 || n_public == 0) {
        g_test_message ("FTA_CORPUS_DIR=%s has no recorded/*/ renderings or no public/ "
                        "files: not a trace corpus",
                        corpus);
        g_test_fail ();
    }
}

/* --- finding the files ------------------------------------------------- */

static void
add_case (const char *rel, gboolean recorded)
{
    Case *c = g_new0 (Case, 1);
    c->rel = g_strdup (rel);
    c->path = g_build_filename (corpus, rel, NULL);
    c->recorded = recorded;
    for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
        if (strcmp (expectations[i].file, rel) == 0)
            c->expect = &expectations[i];
    g_ptr_array_add (cases, c);
}

/* recorded/SCENARIO/: the text renderings, not the oracles, counts,
 * per-CPU stats, trace.dat or logs. */
static gboolean
is_rendering (const char *name)
{
    static const char *const kinds[] = { "*_ftrace_*", "*_tracecmd_report*",
                                         "*_perf_script*", "*_trace_pipe_*", NULL };
    static const char *const exts[] = { ".txt.gz", ".txt.zst", ".txt.xz", NULL };
    gboolean ext = FALSE, kind = FALSE;
    for (const char *const *e = exts; *e; e++)
        ext = ext || g_str_has_suffix (name, *e);
    for (const char *const *k = kinds; *k; k++)
        kind = kind || g_pattern_match_simple (*k, name);
    return ext && kind && !strstr (name, "_oracle_") && !strstr (name, "percpu_stats");
}

static void
find_recorded (void)
{
    char *top = g_build_filename (corpus, "recorded", NULL);
    GDir *d = g_dir_open (top, 0, NULL);
    const char *scenario;
    while (d && (scenario = g_dir_read_name (d))) {
        char *sub = g_build_filename (top, scenario, NULL);
        GDir *sd = g_dir_open (sub, 0, NULL);
        const char *name;
        while (sd && (name = g_dir_read_name (sd)))
            if (is_rendering (name)) {
                char *rel = g_strconcat ("recorded/", scenario, "/", name, NULL);
                add_case (rel, TRUE);
                g_free (rel);
            }
        if (sd)
            g_dir_close (sd);
        g_free (sub);
    }
    if (d)
        g_dir_close (d);
    g_free (top);
}

/* public/: every regular file, recursively, except the licences. */
static void
find_public (const char *rel)
{
    char *dir = g_build_filename (corpus, rel, NULL);
    GDir *d = g_dir_open (dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name (d))) {
        char *sub = g_strconcat (rel, "/", name, NULL);
        char *path = g_build_filename (corpus, sub, NULL);
        if (g_file_test (path, G_FILE_TEST_IS_DIR))
            find_public (sub);
        else if (g_file_test (path, G_FILE_TEST_IS_REGULAR)
                 && !g_str_has_prefix (name, "LICENSE"))
            add_case (sub, FALSE);
        g_free (path);
        g_free (sub);
    }
    if (d)
        g_dir_close (d);
    g_free (dir);
}

static int
by_rel (gconstpointer a, gconstpointer b)
{
    return strcmp ((*(Case *const *) a)->rel, (*(Case *const *) b)->rel);
}

/* A GTest path from a corpus path: '/acceptance/' + REL, with characters
 * GTest paths dislike replaced. */
static char *
test_path (const char *rel)
{
    char *p = g_strconcat ("/acceptance/", rel, NULL);
    for (char *s = p; *s; s++)
        if (g_ascii_isspace (*s))
            *s = '_';
    return p;
}

static void
case_free (gpointer p)
{
    Case *c = p;
    g_free (c->rel);
    g_free (c->path);
    g_free (c);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    const char *dir = g_getenv ("FTA_CORPUS_DIR");
    cases = g_ptr_array_new_with_free_func (case_free);
    if (!dir || !*dir) {
        g_test_add_func ("/acceptance/corpus", test_no_corpus);
        return g_test_run ();
    }
    corpus = g_strdup (dir);
    tmpdir = g_dir_make_tmp ("fta-acceptance-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    find_recorded ();
    find_public ("public");
    g_test_add_data_func ("/acceptance/corpus", NULL, test_corpus_found);
    g_ptr_array_sort (cases, by_rel);
    for (guint i = 0; i < cases->len; i++) {
        Case *c = g_ptr_array_index (cases, i);
        char *tp = test_path (c->rel);
        g_test_add_data_func (tp, c, test_file);
        g_free (tp);
    }
    g_test_add_func ("/acceptance/table", test_table);
    int rc = g_test_run ();
    g_rmdir (tmpdir);
    g_free (tmpdir);
    g_free (corpus);
    g_ptr_array_unref (cases);
    return rc;
}
