/* main.c - the command line. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "core.h"
#include "engine.h"

static char *opt_profile, *opt_config, *opt_comm, *opt_pid, *opt_cpu;
static char *opt_start, *opt_end, *opt_output, *opt_window, *opt_events;
static char *opt_sort; /* NULL: off; "": the default window */
static char **opt_formats, **opt_plugin_dirs;
static gint opt_top = -1;
static gint opt_jobs = 0;
static gboolean opt_quiet, opt_progress, opt_version;

static gboolean
parse_sort (const char *name, const char *value, gpointer data, GError **error)
{
    (void) name;
    (void) data;
    (void) error;
    g_free (opt_sort);
    opt_sort = g_strdup (value ? value : "");
    return TRUE;
}

static GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &opt_profile,
      "Use profile NAME (see 'profiles'; default: default)", "NAME" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config,
      "Use the profile in FILE", "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &opt_formats,
      "Output format: text, json, csv, gnuplot or html (repeatable; replaces the "
      "profile's sinks)",
      "FMT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
      "Write output to PATH; a directory (DIR/) gets DIR/report.EXT per format",
      "PATH" },
    { "comm", 0, 0, G_OPTION_ARG_STRING, &opt_comm,
      "Report only tasks whose name matches REGEX", "REGEX" },
    { "pid", 0, 0, G_OPTION_ARG_STRING, &opt_pid,
      "Report only these thread ids, e.g. 1234,1240-1250", "LIST" },
    { "cpu", 0, 0, G_OPTION_ARG_STRING, &opt_cpu,
      "Report only events on these CPUs, e.g. 0,2-3", "LIST" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &opt_start,
      "Report from this trace time (seconds as printed, or +S from the start)",
      "SECONDS" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &opt_end,
      "Report up to this trace time (seconds as printed, or +S from the start)",
      "SECONDS" },
    { "events", 0, 0, G_OPTION_ARG_STRING, &opt_events,
      "Report only these events, e.g. sched_switch,irq_* (filter: keep only "
      "these lines)", "LIST" },
    { "sort", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, parse_sort,
      "Put events back in timestamp order first, within 100000 events or "
      "(--sort=S) S seconds of trace time", "[SECONDS]" },
    { "window", 0, 0, G_OPTION_ARG_STRING, &opt_window,
      "Time-series window in seconds (default: chosen from the trace's span)",
      "SECONDS" },
    { "top", 0, 0, G_OPTION_ARG_INT, &opt_top,
      "Rows per table in text output (0 = all; default 20)", "N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &opt_jobs,
      "Use N threads (default: one per online CPU; 1: no other thread): an "
      "analysis parses on N-1 of them (at least one) beside the model and "
      "plugins, events and filter on all N; the results do not depend on N", "N" },
    { "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_plugin_dirs,
      "Search DIR for plugins first (repeatable)", "DIR" },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &opt_progress,
      "Show progress on standard error even when it is not a terminal", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet,
      "Print no notes and no progress on standard error", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version,
      "Print the version and exit", NULL },
    { NULL }
};

static const char summary[] =
    "Analyze a Linux ftrace text trace: who wakes whom, who switches, who\n"
    "waits to run and for how long, with the input's quality accounted for.\n"
    "\n"
    "Commands:\n"
    "  [analyze] TRACE|-   analyze TRACE (or standard input) with the profile\n"
    "  report TRACE|-      the full report as one self-contained HTML file:\n"
    "                      report.html, or the -o PATH (DIR/ gives DIR/report.html)\n"
    "  compare BASE PROB   the same analysis of two traces (or saved -f json\n"
    "                      results), joined by task name: deltas, new and\n"
    "                      vanished tasks, regressions\n"
    "  events TRACE|-      event names and counts, and the input's quality\n"
    "  filter TRACE|-      the lines of TRACE that pass --comm, --pid, --cpu,\n"
    "                      --start/--end and --events, unchanged; headers and\n"
    "                      lost-event markers are always kept\n"
    "  plugins             list the plugins found and their options\n"
    "  profiles            list the profiles found";

static const char description[] =
    "TRACE is the text of 'cat /sys/kernel/tracing/trace' or trace_pipe.\n"
    "Filters select what is reported; the scheduler model always sees every\n"
    "event, so a filter never changes the numbers of the tasks it keeps.\n"
    "In 'filter', --comm and --pid keep a line when its task or a task named\n"
    "in its fields matches (both sides of a switch, the woken task, ...).\n"
    "\n"
    "--sort reorders traces whose CPUs were merged out of order before the\n"
    "model sees them (analyze, events, filter); events later than the window\n"
    "allows stay in place and are counted in the input quality.\n"
    "\n"
    "Plugins are searched in: --plugin-dir, $FTA_PLUGIN_PATH,\n"
    "~/.local/share/ftrace-analyzer/plugins, then the installed plugin\n"
    "directory (the build tree's plugins/.libs when run uninstalled).\n"
    "Profiles: $FTA_PROFILE_PATH, ~/.config/ftrace-analyzer/profiles, the\n"
    "installed profile directory (the source tree's config/ when run\n"
    "uninstalled); 'default' is also built in.  A profile\n"
    "inherits the keys it leaves out from the default.\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  output could not be written, or an internal error\n"
    "  2  bad command line or profile\n"
    "  3  the input cannot be opened or read\n"
    "  4  the input holds no trace event\n"
    "  5  a plugin cannot be loaded or failed\n"
    "'filter' exits 0 when no line matched (the count on stderr says so).\n"
    "\n"
    "Examples:\n"
    "  ftrace-analyzer trace.txt\n"
    "  ftrace-analyzer --comm 'KVM' --top 10 trace.txt\n"
    "  ftrace-analyzer report trace.txt -o trace-report.html\n"
    "  ftrace-analyzer filter --comm 'qemu' --start +2 --end +3 trace.txt > part.txt\n"
    "  ftrace-analyzer compare good.txt bad.txt -f json -o comparison.json\n"
    "  cat /sys/kernel/tracing/trace | ftrace-analyzer -f json -o out.json -";

static int
die (GError *error)
{
    int code = error->domain == FTA_ERROR ? error->code : FTA_EXIT_USAGE;
    g_printerr ("ftrace-analyzer: %s\n", error->message);
    g_error_free (error);
    return code;
}

static void
print_option (const FtaOptionSpec *o)
{
    static const char *types[] = { "int", "bool", "double", "string" };
    g_print ("      %-14s %-6s default %-8s %s\n", o->name,
             types[o->type], o->default_value ? o->default_value : "\"\"",
             o->help ? o->help : "");
}

static int
cmd_plugins (void)
{
    GPtrArray *dirs = fta_plugin_search_path (opt_plugin_dirs);
    GPtrArray *plugins = fta_plugin_discover (dirs);
    g_print ("Plugin path:\n");
    for (guint i = 0; i < dirs->len; i++)
        g_print ("  %s\n", (char *) g_ptr_array_index (dirs, i));
    g_print ("\n");
    if (plugins->len == 0)
        g_print ("No plugins found.\n");
    for (guint i = 0; i < plugins->len; i++) {
        FtaPlugin *p = g_ptr_array_index (plugins, i);
        g_print ("%-10s %-9s %s\n           %s (ABI %u.%u)\n", p->desc->name,
                 fta_plugin_kind_name (p->desc->kind),
                 p->desc->summary ? p->desc->summary : "", p->path,
                 p->desc->abi_major, p->desc->abi_minor);
        if (p->desc->options && p->desc->options->name) {
            g_print ("    options (profile section plugins.%s):\n", p->desc->name);
            for (const FtaOptionSpec *o = p->desc->options; o->name; o++)
                print_option (o);
        }
    }
    for (guint i = 0; i < plugins->len; i++)
        fta_plugin_unload (g_ptr_array_index (plugins, i));
    g_ptr_array_free (plugins, TRUE);
    g_ptr_array_free (dirs, TRUE);
    return FTA_EXIT_OK;
}

static int
cmd_profiles (void)
{
    GPtrArray *dirs = fta_profile_dirs ();
    gboolean default_file = FALSE;
    for (guint i = 0; i < dirs->len; i++) {
        char *f = g_build_filename (g_ptr_array_index (dirs, i), "default.cfg", NULL);
        default_file |= g_file_test (f, G_FILE_TEST_IS_REGULAR);
        g_free (f);
    }
    if (!default_file)
        g_print ("%-12s %s\n", "default", "(built in)");
    for (guint i = 0; i < dirs->len; i++) {
        const char *dir = g_ptr_array_index (dirs, i);
        GDir *d = g_dir_open (dir, 0, NULL);
        if (!d)
            continue;
        const char *f;
        while ((f = g_dir_read_name (d))) {
            if (!g_str_has_suffix (f, ".cfg"))
                continue;
            char *name = g_strndup (f, strlen (f) - 4);
            g_print ("%-12s %s/%s\n", name, dir, f);
            g_free (name);
        }
        g_dir_close (d);
    }
    g_print ("\nProfile directories, searched in this order:\n");
    for (guint i = 0; i < dirs->len; i++)
        g_print ("  %s\n", (char *) g_ptr_array_index (dirs, i));
    g_ptr_array_free (dirs, TRUE);
    return FTA_EXIT_OK;
}

typedef struct {
    guint id;
    guint64 n;
} NameCount;

static int
by_count (gconstpointer a, gconstpointer b)
{
    const NameCount *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

static void
print_events (const FtaResults *r, gpointer data)
{
    (void) data;
    const FtaQuality *q = fta_results_quality (r);
    GArray *rows = g_array_new (FALSE, FALSE, sizeof (NameCount));
    for (guint i = 0; i < q->event_counts->len && i < q->event_names->len; i++) {
        NameCount nc = { i, g_array_index (q->event_counts, guint64, i) };
        if (nc.n)
            g_array_append_val (rows, nc);
    }
    g_array_sort (rows, by_count);
    g_print ("%12s  %s\n", "COUNT", "EVENT");
    for (guint i = 0; i < rows->len; i++) {
        NameCount *nc = &g_array_index (rows, NameCount, i);
        g_print ("%12" G_GUINT64_FORMAT "  %s\n", nc->n,
                 (const char *) g_ptr_array_index (q->event_names, nc->id));
    }
    g_array_free (rows, TRUE);
    g_print ("\nformat: %s%s%s%s%s%s\n", q->format ? q->format : "unknown",
             q->format_variant && *q->format_variant ? " (" : "",
             q->format_variant ? q->format_variant : "",
             q->format_variant && *q->format_variant ? ")" : "",
             q->compression ? ", " : "", q->compression ? q->compression : "");
    g_print ("%" G_GUINT64_FORMAT " lines: %" G_GUINT64_FORMAT " events, %"
             G_GUINT64_FORMAT " header, %" G_GUINT64_FORMAT " not understood; "
             "%u CPUs; %.6f s to %.6f s\n",
             q->lines_total, q->lines_event, q->lines_header, q->lines_unparsed,
             q->n_cpus, q->first_ts_ns / 1e9, q->last_ts_ns / 1e9);
    if (q->lost_markers || q->buffer_started)
        g_print ("lost-event markers: %" G_GUINT64_FORMAT " (%" G_GINT64_FORMAT
                 " events lost), buffer-started markers: %" G_GUINT64_FORMAT "\n",
                 q->lost_markers, q->lost_events, q->buffer_started);
    if (q->out_of_order || q->events_behind)
        g_print ("timestamps going back: %" G_GUINT64_FORMAT " (within a CPU: %"
                 G_GUINT64_FORMAT "); %" G_GUINT64_FORMAT " events behind the latest "
                 "time read, by up to %.6f s%s\n", q->out_of_order, q->out_of_order_cpu,
                 q->events_behind, q->max_step_back_ns / 1e9,
                 opt_sort ? "" : "; --sort puts them in order");
    if (q->out_of_order_unplaced)
        g_print ("--sort could not place %" G_GUINT64_FORMAT " events: they came later "
                 "than the window allows\n", q->out_of_order_unplaced);
    for (guint i = 0; i < q->unparsed_examples->len; i++) {
        const FtaUnparsed *u = &g_array_index (q->unparsed_examples, FtaUnparsed, i);
        g_print ("  line %" G_GUINT64_FORMAT " (%s): %s\n", u->line, u->why, u->text);
    }
}

int
main (int argc, char **argv)
{
    setlocale (LC_ALL, "");
    GError *error = NULL;
    GOptionContext *oc = g_option_context_new ("[COMMAND] [TRACE|-]");
    g_option_context_set_summary (oc, summary);
    g_option_context_set_description (oc, description);
    g_option_context_add_main_entries (oc, entries, NULL);
    /* GLib would take the trace after a bare --sort as its window */
    /* and "-j4" as "-j" followed by options, as make has it: --jobs=4 */
    GPtrArray *rewritten = g_ptr_array_new_with_free_func (g_free);
    for (int i = 1; i < argc && strcmp (argv[i], "--") != 0; i++) {
        if (strcmp (argv[i], "--sort") == 0)
            argv[i] = (char *) "--sort=";
        else if (strncmp (argv[i], "-j", 2) == 0 && argv[i][2]
                 && strspn (argv[i] + 2, "0123456789") == strlen (argv[i] + 2)) {
            argv[i] = g_strconcat ("--jobs=", argv[i] + 2, NULL);
            g_ptr_array_add (rewritten, argv[i]);
        }
    }
    if (!g_option_context_parse (oc, &argc, &argv, &error)) {
        g_printerr ("ftrace-analyzer: %s (see --help)\n", error->message);
        g_error_free (error);
        g_option_context_free (oc);
        g_ptr_array_free (rewritten, TRUE);
        return FTA_EXIT_USAGE;
    }
    g_option_context_free (oc);
    g_ptr_array_free (rewritten, TRUE);
    if (opt_version) {
        g_print ("%s\n", PACKAGE_STRING);
        return FTA_EXIT_OK;
    }

    const char *cmd = "analyze";
    int arg = 1;
    if (argc > 1 && (strcmp (argv[1], "analyze") == 0 || strcmp (argv[1], "events") == 0
                     || strcmp (argv[1], "report") == 0
                     || strcmp (argv[1], "filter") == 0
                     || strcmp (argv[1], "compare") == 0
                     || strcmp (argv[1], "plugins") == 0
                     || strcmp (argv[1], "profiles") == 0)) {
        cmd = argv[1];
        arg = 2;
    }
    if (strcmp (cmd, "plugins") == 0)
        return cmd_plugins ();
    if (strcmp (cmd, "profiles") == 0)
        return cmd_profiles ();
    gboolean compare = strcmp (cmd, "compare") == 0;
    if (compare && argc - arg != 2) {
        g_printerr ("ftrace-analyzer: compare takes two inputs\n"
                    "usage: ftrace-analyzer compare [OPTIONS] BASELINE PROBLEM  "
                    "(see --help)\n");
        return FTA_EXIT_USAGE;
    }
    if (!compare && argc - arg != 1) {
        g_printerr ("ftrace-analyzer: %s\n"
                    "usage: ftrace-analyzer [analyze|report|events|filter] [OPTIONS] TRACE|-  "
                    "(see --help)\n",
                    argc - arg == 0 ? "no trace given" : "give exactly one trace");
        return FTA_EXIT_USAGE;
    }
    if (opt_profile && opt_config) {
        g_printerr ("ftrace-analyzer: use -p or -c, not both\n");
        return FTA_EXIT_USAGE;
    }
    if (strcmp (cmd, "filter") == 0 && opt_formats) {
        g_printerr ("ftrace-analyzer: filter writes the trace's own lines: -f does not "
                    "apply (use analyze -f ... for a report)\n");
        return FTA_EXIT_USAGE;
    }
    if (strcmp (cmd, "report") == 0 && opt_formats) {
        g_printerr ("ftrace-analyzer: report writes HTML: -f does not apply (use "
                    "analyze -f ... for other formats)\n");
        return FTA_EXIT_USAGE;
    }
    if (opt_jobs < 0 || opt_jobs > 1024) {
        g_printerr ("ftrace-analyzer: -j takes a number of threads from 1 to 1024 "
                    "(0: one per online CPU)\n");
        return FTA_EXIT_USAGE;
    }
    if (opt_top < -1) {
        g_printerr ("ftrace-analyzer: --top must be 0 (all) or more\n");
        return FTA_EXIT_USAGE;
    }

    FtaProfile *profile = opt_config ? fta_profile_load_file (opt_config, &error)
                                     : fta_profile_load_named (opt_profile ? opt_profile
                                                                           : "default",
                                                               &error);
    if (!profile)
        return die (error);

    FtaRunConfig rc = {
        .input_path = argv[arg],
        .profile = profile,
        .formats = opt_formats,
        .output = opt_output,
        .plugin_dirs = opt_plugin_dirs,
        .comm = opt_comm,
        .pids = opt_pid,
        .cpus = opt_cpu,
        .start = opt_start,
        .end = opt_end,
        .events = opt_events,
        .sort = opt_sort,
        .top = opt_top,
        .window = opt_window,
        .quiet = opt_quiet,
        .progress = opt_progress,
        .jobs = (guint) opt_jobs,
    };
    if (strcmp (cmd, "events") == 0)
        rc.events_only = print_events;
    static char *report_formats[] = { (char *) "html", NULL };
    if (strcmp (cmd, "report") == 0) {
        rc.formats = report_formats;
        if (!rc.output)
            rc.output = "report.html";
    }
    rc.filter_lines = strcmp (cmd, "filter") == 0;
    int code = compare ? fta_engine_compare (&rc, argv[arg], argv[arg + 1], NULL, &error)
                       : fta_engine_run (&rc, &error);
    fta_profile_free (profile);
    if (code != FTA_EXIT_OK)
        return error ? die (error) : code;
    return FTA_EXIT_OK;
}
