/* main.c - the command line: commands, their options and help, and the
 * checks that turn a mistyped word into a usage error naming the nearest
 * valid ones.  Everything else happens in the engine. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "engine.h"
#include "suggest.h"

static char *opt_profile, *opt_config, *opt_comm, *opt_pid, *opt_cpu;
static char *opt_start, *opt_end, *opt_output, *opt_window, *opt_events, *opt_buffer;
static char *opt_sort; /* NULL: off; "": the default window */
static char **opt_formats, **opt_plugin_dirs;
static gint opt_top = -1;
static gint opt_jobs = 0;
static gboolean opt_quiet, opt_progress, opt_version, opt_summary;
static char **opt_tables;
static gboolean opt_wakeup_stats, opt_switch_stats, opt_cpu_stats;
static char *opt_color;

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
      "Output format: text, json, csv, gnuplot or html, case ignored (repeatable; "
      "replaces the profile's sinks; default: from -o's extension, else the profile's)",
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
    { "buffer", 0, 0, G_OPTION_ARG_STRING, &opt_buffer,
      "Read buffer NAME of a trace.dat (an instance recorded with trace-cmd "
      "record -B NAME; default: the top buffer)", "NAME" },
    { "window", 0, 0, G_OPTION_ARG_STRING, &opt_window,
      "Time-series window in seconds, 0.000001 to 1000000 (default: chosen from the "
      "trace's span)",
      "SECONDS" },
    { "top", 0, 0, G_OPTION_ARG_INT, &opt_top,
      "Rows per table in text output (0 = all; default 20)", "N" },
    { "summary", 0, 0, G_OPTION_ARG_NONE, &opt_summary,
      "Print only the first screen of the text output: the input, the findings "
      "one line each, the top of each table", NULL },
    { "tables", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_tables,
      "Write only the tables and series whose name matches GLOB, e.g. 'wakeup.*' "
      "(repeatable, or comma-separated; findings and input quality stay)", "GLOB" },
    { "wakeup-stats", 0, 0, G_OPTION_ARG_NONE, &opt_wakeup_stats,
      "Write only the wakeup tables (--tables 'wakeup.*')", NULL },
    { "switch-stats", 0, 0, G_OPTION_ARG_NONE, &opt_switch_stats,
      "Write only the context-switch tables (--tables 'switch.*')", NULL },
    { "cpu-stats", 0, 0, G_OPTION_ARG_NONE, &opt_cpu_stats,
      "Write only the per-CPU tables (--tables 'cpu.*')", NULL },
    { "color", 0, 0, G_OPTION_ARG_STRING, &opt_color,
      "Colour the severities of findings in text on a terminal: never, auto (the "
      "default: on a terminal, unless NO_COLOR is set) or always; never in -o files",
      "WHEN" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &opt_jobs,
      "Use N threads (default: one per online CPU; 1: no other thread): an "
      "analysis parses on N-1 of them (at least one) beside the model and "
      "plugins, events and filter on all N; several traces: N at once; the "
      "results do not depend on N", "N" },
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

/* --- commands and their help --------------------------------------------- */

/* Options that every run reading a trace takes. */
#define RUN_OPTIONS " jobs progress quiet plugin-dir "
#define FILTER_OPTIONS " profile config comm pid cpu start end events sort buffer "
#define REPORT_OPTIONS " output window top tables wakeup-stats switch-stats cpu-stats "

typedef struct {
    const char *name;
    const char *params;  /* what follows the name on its usage line */
    const char *summary; /* one line, for the list of commands */
    const char *options; /* the long names of the options it takes */
    const char *details; /* the rest of its help, examples last */
    /* options whose line in its help says another thing than the common
     * one: { long name, ARG, description, ..., NULL }, or NULL */
    const char *const *option_help;
} Command;

static const char *const filter_option_help[] = {
    "output", "FILE", "Write the lines that pass to FILE (a file, not a directory)", NULL
};

static const Command commands[] = {
    { "analyze", "TRACE|-",
      "analyze a trace with the profile (the default command)",
      FILTER_OPTIONS REPORT_OPTIONS RUN_OPTIONS " format color summary ",
      "Runs the profile's analyzers over TRACE (a file, plain or compressed\n"
      "with gzip, zstd or xz, or - for standard input; or trace-cmd's binary\n"
      "trace.dat, read directly: --buffer NAME for an instance recorded with\n"
      "trace-cmd record -B NAME) and writes their tables,\n"
      "findings and the input's quality with the profile's output formats: text\n"
      "on standard output unless -f or -o says otherwise.  Without -f, the\n"
      "extension of -o NAME.EXT picks the format: .txt text, .json json, .csv\n"
      "csv, .html html, .gp gnuplot; .png and .svg draw the gnuplot overview\n"
      "into that image (gnuplot must be installed).\n"
      "\n"
      "Filters (--comm, --pid, --cpu, --start/--end, --events) select what is\n"
      "reported; the scheduler model always sees every event, so a filter never\n"
      "changes the numbers of the tasks it keeps.  --tables (and --wakeup-stats,\n"
      "--switch-stats, --cpu-stats) select which tables are written.\n"
      "\n"
      "Several traces (-o DIR/ TRACE...): each is analyzed, up to -j at once,\n"
      "into DIR/NAME.EXT (NAME: its file name without a compression suffix and\n"
      "extension), and DIR/index.csv and DIR/index.json get a row per trace:\n"
      "its span, events, losses, busy and runnable pressure per CPU, findings\n"
      "by severity and the top finding, or the error that stopped it.  A trace\n"
      "that fails stops no other; the exit status is then 6.\n"
      "\n"
      "Examples:\n"
      "  ftrace-analyzer trace.txt\n"
      "  ftrace-analyzer --comm 'KVM' --top 10 trace.txt\n"
      "  ftrace-analyzer -o result.json trace.txt\n"
      "  ftrace-analyzer -o results/ host1.txt.gz host2.txt.gz host3.txt\n"
      "  cat /sys/kernel/tracing/trace | ftrace-analyzer -" },
    { "report", "TRACE|-",
      "the full report as one HTML file",
      FILTER_OPTIONS REPORT_OPTIONS RUN_OPTIONS,
      "Analyzes TRACE as 'analyze' does and writes every table, chart, finding\n"
      "and the input's quality into one HTML file that needs nothing else to\n"
      "be read: report.html, or the -o PATH (a directory DIR/ gets\n"
      "DIR/report.html).  Several traces with -o DIR/: DIR/NAME.html each,\n"
      "and the index, as for 'analyze'.\n"
      "\n"
      "Examples:\n"
      "  ftrace-analyzer report trace.txt\n"
      "  ftrace-analyzer report trace.txt -o trace-report.html\n"
      "  ftrace-analyzer report -o reports/ traces/*.txt" },
    { "compare", "BASELINE PROBLEM",
      "what changed between two traces or saved results",
      FILTER_OPTIONS REPORT_OPTIONS RUN_OPTIONS " format color ",
      "Runs the same profile, with the same filters, on BASELINE and PROBLEM\n"
      "(each a trace, or a result saved with -f json) and joins their tables by\n"
      "task name: deltas, new and vanished tasks, and findings for\n"
      "regressions.  The comparison is written like any result (-f, -o).\n"
      "\n"
      "Examples:\n"
      "  ftrace-analyzer compare good.txt bad.txt\n"
      "  ftrace-analyzer compare baseline.json bad.txt -o comparison.html" },
    { "events", "TRACE|-",
      "event names and counts, and the input's quality",
      " sort buffer " RUN_OPTIONS,
      "Reads TRACE without running any analyzer and prints each event name\n"
      "with its count, the input format, the line accounting (events, headers,\n"
      "lines not understood, with examples), lost events and timestamps that\n"
      "go back.  A quick look at what a trace holds.\n"
      "\n"
      "Example:\n"
      "  ftrace-analyzer events trace.txt" },
    { "filter", "TRACE|-",
      "the lines that pass the filters, unchanged",
      FILTER_OPTIONS " output jobs quiet ",
      "Writes the lines of TRACE that pass --comm, --pid, --cpu, --start/--end\n"
      "and --events, byte for byte, to standard output or -o FILE (a file, not\n"
      "a directory).  --comm and --pid keep a line when its task or a task\n"
      "named in its fields matches (both sides of a switch, the woken task,\n"
      "...).  Header lines and lost-event markers are always kept.  Of a\n"
      "trace.dat, the events are written as 'trace-cmd report -t -N' prints\n"
      "them.  Exits 0 when no line matched (the count on standard error says\n"
      "so).\n"
      "\n"
      "Examples:\n"
      "  ftrace-analyzer filter --comm 'qemu' --start +2 --end +3 trace.txt > part.txt\n"
      "  ftrace-analyzer filter --events 'sched_*' trace.txt | ftrace-analyzer -",
      filter_option_help },
    { "plugins", "",
      "the plugins found, with their options",
      " plugin-dir profile config ",
      "Lists the plugin path and every plugin found in it: name, kind\n"
      "(analyzer, sink, comparator), summary, file and ABI, and the options it\n"
      "takes in a profile's plugins.NAME section, with their defaults.  With -c\n"
      "or -p, the profile's plugin_dirs are in the path.\n"
      "\n"
      "Examples:\n"
      "  ftrace-analyzer plugins\n"
      "  ftrace-analyzer plugins -c my.cfg" },
    { "profiles", "",
      "the profiles found",
      " ",
      "Lists the profiles -p NAME finds, and the directories searched for them.\n"
      "\n"
      "Example:\n"
      "  ftrace-analyzer profiles" },
    { "help", "[COMMAND]",
      "this help, or the help of COMMAND",
      " ",
      "Prints the help of COMMAND (the same as COMMAND --help), or without one\n"
      "the help of the whole program.\n"
      "\n"
      "Example:\n"
      "  ftrace-analyzer help compare" },
};

static const Command *
find_command (const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        if (strcmp (commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static char *
command_suggestion (const char *word)
{
    const char *names[G_N_ELEMENTS (commands)];
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        names[i] = commands[i].name;
    return fta_suggest (word, names, G_N_ELEMENTS (commands));
}

static const char usage_lines[] =
    "usage: ftrace-analyzer [analyze] [OPTION...] TRACE|-\n"
    "       ftrace-analyzer [analyze|report] [OPTION...] -o DIR/ TRACE...\n"
    "       ftrace-analyzer report|events|filter [OPTION...] TRACE|-\n"
    "       ftrace-analyzer compare [OPTION...] BASELINE PROBLEM\n"
    "       ftrace-analyzer plugins|profiles\n"
    "       ftrace-analyzer help [COMMAND]   (or COMMAND --help)\n";

static const char description[] =
    "TRACE is the text of 'cat /sys/kernel/tracing/trace' or trace_pipe,\n"
    "'trace-cmd report' or 'perf script', or an Android systrace page, plain\n"
    "or compressed, or - for standard input; or trace-cmd's binary trace.dat,\n"
    "read directly (one compressed whole is unpacked into $TMPDIR first).\n"
    "A perf.data is refused with the 'perf script' command that makes text\n"
    "of it.  'ftrace-analyzer help COMMAND' (or COMMAND --help) describes\n"
    "one command and the options it takes.\n"
    "\n"
    "Recording with trace-cmd:\n"
    "  trace-cmd record -b 65536 -e sched:sched_switch -e sched:sched_waking \\\n"
    "    -e sched:sched_wakeup -e sched:sched_wakeup_new -e sched:sched_migrate_task \\\n"
    "    -e sched:sched_process_fork -e sched:sched_process_exit \\\n"
    "    -e sched:sched_process_exec -e irq sleep 10\n"
    "  ftrace-analyzer trace.dat\n"
    "-b is per CPU, in KB: a buffer that overflows loses events on that CPU,\n"
    "reported as lost_events (the model starts over there); record again\n"
    "with a larger -b or fewer events when it is not 0.\n"
    "\n"
    "--sort reorders traces whose CPUs were merged out of order before the\n"
    "model sees them (analyze, events, filter); events later than the window\n"
    "allows stay in place and are counted in the input quality.\n"
    "\n"
    "Plugins are searched in: --plugin-dir, $FTA_PLUGIN_PATH, the profile's\n"
    "plugin_dirs, ~/.local/share/ftrace-analyzer/plugins, then the installed plugin\n"
    "directory (the build tree's plugins/.libs when run uninstalled).\n"
    "Profiles: $FTA_PROFILE_PATH, ~/.config/ftrace-analyzer/profiles, the\n"
    "installed profile directory (the source tree's config/ when run\n"
    "uninstalled); 'default' is also built in.  A profile\n"
    "inherits the keys it leaves out from the default.\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  output could not be written, or an internal error\n"
    "  2  bad command line or profile (also: --start/--end wholly outside\n"
    "     the trace; the message gives its span)\n"
    "  3  the input cannot be opened or read (also: a trace.dat cut short,\n"
    "     a perf.data or another binary format)\n"
    "  4  the input holds no trace event\n"
    "  5  a plugin cannot be loaded or failed\n"
    "  6  several traces: some could not be analyzed (DIR/index.csv says\n"
    "     which and why; the others were analyzed)\n"
    "'filter' exits 0 when no line matched (the count on stderr says so).\n"
    "\n"
    "Examples:\n"
    "  ftrace-analyzer trace.txt\n"
    "  ftrace-analyzer --comm 'KVM' --top 10 trace.txt\n"
    "  ftrace-analyzer report trace.txt -o trace-report.html\n"
    "  ftrace-analyzer --buffer vm1 trace.dat\n"
    "  ftrace-analyzer filter --comm 'qemu' --start +2 --end +3 trace.txt > part.txt\n"
    "  ftrace-analyzer compare good.txt bad.txt -o comparison.json\n"
    "  cat /sys/kernel/tracing/trace | ftrace-analyzer -f json -o out.json -\n"
    "\n"
    "The manual: man ftrace-analyzer.";

/* The option context of CMD (NULL: the whole program): CMD's options are
 * shown in its help, the others are hidden but still accepted. */
static GOptionContext *
command_context (const Command *cmd, GOptionEntry **owned)
{
    GString *params = g_string_new (NULL);
    GString *summary = g_string_new (NULL);
    GOptionContext *oc;
    GOptionEntry *e = g_memdup2 (entries, sizeof entries);
    if (!cmd) {
        g_string_append (params, "[COMMAND] [TRACE|-]");
        g_string_append (summary,
                         "Analyze a Linux ftrace trace: who wakes whom, who switches, who\n"
                         "waits to run and for how long, with the input's quality accounted\n"
                         "for.\n\nCommands:\n");
        for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
            const Command *c = &commands[i];
            char *head = g_strdup_printf ("%s%s%s", c->name, *c->params ? " " : "",
                                          c->params);
            g_string_append_printf (summary, "  %-25s %s\n", head, c->summary);
            g_free (head);
        }
        g_string_truncate (summary, summary->len - 1);
    } else {
        g_string_printf (params, "%s%s%s", cmd->name, *cmd->params ? " " : "", cmd->params);
        g_string_append_printf (summary, "%s: %s.", cmd->name, cmd->summary);
        for (GOptionEntry *o = e; o->long_name; o++) {
            char *word = g_strdup_printf (" %s ", o->long_name);
            if (!strstr (cmd->options, word))
                o->flags |= G_OPTION_FLAG_HIDDEN;
            g_free (word);
            for (const char *const *h = cmd->option_help; h && *h; h += 3)
                if (strcmp (*h, o->long_name) == 0) {
                    o->arg_description = h[1];
                    o->description = h[2];
                }
        }
    }
    oc = g_option_context_new (params->str);
    g_option_context_set_summary (oc, summary->str);
    if (cmd) {
        char *d = g_strconcat (cmd->details,
                               "\n\nExit status, environment and files: "
                               "'ftrace-analyzer --help', man ftrace-analyzer.",
                               NULL);
        g_option_context_set_description (oc, d);
        g_free (d);
    } else {
        g_option_context_set_description (oc, description);
    }
    g_option_context_add_main_entries (oc, e, NULL);
    g_string_free (params, TRUE);
    g_string_free (summary, TRUE);
    *owned = e;
    return oc;
}

static const GOptionEntry *
find_entry (const char *long_name, char short_name)
{
    for (const GOptionEntry *o = entries; o->long_name; o++)
        if ((long_name && strcmp (o->long_name, long_name) == 0)
            || (!long_name && short_name && o->short_name == short_name))
            return o;
    return NULL;
}

static gboolean
takes_value (const GOptionEntry *o)
{
    return o && o->arg != G_OPTION_ARG_NONE && !(o->flags & G_OPTION_FLAG_OPTIONAL_ARG);
}

/* Before GLib parses: finds the command (the first word that is no option
 * nor an option's value) and reports an unknown long option with the
 * nearest known ones.  FALSE after printing a usage error. */
static gboolean
prescan (int argc, char **argv, const Command **cmd, const char **first_word)
{
    *cmd = NULL;
    *first_word = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp (a, "--") == 0) {
            if (i + 1 < argc && !*first_word)
                *first_word = argv[i + 1];
            break;
        }
        if (a[0] == '-' && a[1] == '-') {
            char *name = g_strndup (a + 2, strcspn (a + 2, "="));
            const GOptionEntry *o = find_entry (name, 0);
            gboolean known = o || strcmp (name, "help") == 0
                             || strcmp (name, "help-all") == 0;
            if (!known) {
                /* candidates and word with their dashes, as typed */
                char *names[G_N_ELEMENTS (entries) + 1];
                guint n = 0;
                for (const GOptionEntry *e = entries; e->long_name; e++)
                    names[n++] = g_strconcat ("--", e->long_name, NULL);
                names[n++] = g_strdup ("--help");
                char *word = g_strconcat ("--", name, NULL);
                char *near = fta_suggest_clause (word, (const char *const *) names, n);
                g_printerr ("ftrace-analyzer: unknown option %s%s (see --help)\n", word,
                            near);
                for (guint k = 0; k < n; k++)
                    g_free (names[k]);
                g_free (near);
                g_free (word);
                g_free (name);
                return FALSE;
            }
            if (!strchr (a, '=') && takes_value (o))
                i++;
            g_free (name);
            continue;
        }
        if (a[0] == '-' && a[1]) {
            const GOptionEntry *o = find_entry (NULL, a[1]);
            if (!a[2] && takes_value (o))
                i++;
            continue;
        }
        if (!*first_word)
            *first_word = a;
        if (!*cmd)
            *cmd = find_command (a);
        break;
    }
    return TRUE;
}

/* At exit, whichever way the program ends (GLib's --help exits by
 * itself): what is still buffered for standard output is written, and a
 * failure to write it (a full disk, /dev/full) is exit 1 with the reason,
 * never a success. */
static int stdout_errno; /* the first failed write of g_print */

/* g_print's own handler flushes every call, and a failure's reason is
 * lost by the next one: this one keeps it, and leaves the flushing to the
 * buffer and to the exit. */
static void
print_stdout (const char *text)
{
    if (fputs (text, stdout) == EOF && !stdout_errno)
        stdout_errno = errno ? errno : EIO;
}

static void
check_stdout (void)
{
    errno = 0;
    gboolean failed = fflush (stdout) != 0 || ferror (stdout) || stdout_errno;
    int err = stdout_errno ? stdout_errno : errno;
    if (fclose (stdout) != 0 && !failed) {
        failed = TRUE;
        err = errno;
    }
    if (!failed)
        return;
    g_printerr ("ftrace-analyzer: cannot write standard output%s%s\n", err ? ": " : "",
                err ? g_strerror (err) : "");
    _exit (FTA_EXIT_OUTPUT);
}

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

/* With -c or -p, the profile's plugin_dirs are searched too. */
static int
cmd_plugins (void)
{
    FtaProfile *profile = NULL;
    if (opt_config || opt_profile) {
        GError *error = NULL;
        profile = opt_config ? fta_profile_load_file (opt_config, &error)
                             : fta_profile_load_named (opt_profile, &error);
        if (!profile)
            return die (error);
    }
    GPtrArray *dirs = fta_plugin_search_path (opt_plugin_dirs,
                                              profile ? profile->plugin_dirs : NULL);
    fta_profile_free (profile);
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
    if (q->file_version >= 0)
        g_print ("trace.dat: version %d, %d CPUs, clock %s, written by trace-cmd %s; "
                 "buffer %s%s%s\n", q->file_version, q->file_cpus,
                 q->trace_clock ? q->trace_clock : "unknown",
                 q->tracecmd_version ? q->tracecmd_version : "(unknown)",
                 q->buffer && *q->buffer ? q->buffer : "top",
                 q->buffers && *q->buffers ? "; instances: " : "",
                 q->buffers && *q->buffers ? q->buffers : "");
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

/* --- formats ------------------------------------------------------------------ */

typedef struct {
    GPtrArray *dirs;
    GPtrArray *plugins; /* FtaPlugin*, every plugin found; NULL until needed */
} PluginScan;

static void
scan_all (PluginScan *ps)
{
    if (!ps->plugins)
        ps->plugins = fta_plugin_discover (ps->dirs);
}

static void
scan_clear (PluginScan *ps)
{
    for (guint i = 0; ps->plugins && i < ps->plugins->len; i++)
        fta_plugin_unload (g_ptr_array_index (ps->plugins, i));
    if (ps->plugins)
        g_ptr_array_free (ps->plugins, TRUE);
    g_ptr_array_free (ps->dirs, TRUE);
}

/* The sink whose name or extension is WORD (case ignored), or NULL. */
static const FtaPluginDescriptor *
find_sink (PluginScan *ps, const char *word, gboolean by_extension)
{
    scan_all (ps);
    for (guint i = 0; i < ps->plugins->len; i++) {
        const FtaPluginDescriptor *d = ((FtaPlugin *) g_ptr_array_index (ps->plugins, i))->desc;
        if (d->kind != FTA_PLUGIN_SINK)
            continue;
        if (by_extension ? d->extension && g_ascii_strcasecmp (d->extension, word) == 0
                         : g_ascii_strcasecmp (d->name, word) == 0)
            return d;
    }
    return NULL;
}

/* "csv, gnuplot, html, json, text": the sinks found. */
static char *
sink_list (PluginScan *ps, GPtrArray *names_out)
{
    scan_all (ps);
    GPtrArray *names = g_ptr_array_new ();
    for (guint i = 0; i < ps->plugins->len; i++) {
        const FtaPluginDescriptor *d = ((FtaPlugin *) g_ptr_array_index (ps->plugins, i))->desc;
        if (d->kind == FTA_PLUGIN_SINK) {
            g_ptr_array_add (names, (gpointer) d->name);
            if (names_out) {
                g_ptr_array_add (names_out, (gpointer) d->name);
                if (d->extension)
                    g_ptr_array_add (names_out, (gpointer) d->extension);
            }
        }
    }
    char *s = fta_list_join ((const char *const *) names->pdata, names->len);
    g_ptr_array_free (names, TRUE);
    return s;
}

/* -f FMT: a sink's name or its file extension ("txt", "gp"), case
 * ignored.  Each is replaced by the sink's name; an unknown one is a
 * usage error that lists the formats and the nearest names. */
static int
resolve_formats (PluginScan *ps, char **formats)
{
    for (char **f = formats; f && *f; f++) {
        char *lower = g_ascii_strdown (*f, -1);
        GPtrArray *files = fta_plugin_names (ps->dirs);
        gboolean file = FALSE;
        for (guint i = 0; i < files->len && !file; i++)
            file = strcmp (g_ptr_array_index (files, i), lower) == 0;
        g_ptr_array_free (files, TRUE);
        const FtaPluginDescriptor *d = NULL;
        if (file) {
            /* a plugin of that name: it must load, and be a sink */
            GError *error = NULL;
            FtaPlugin *p = fta_plugin_load (lower, ps->dirs, &error);
            if (!p) {
                g_free (lower);
                return die (error);
            }
            FtaPluginKind kind = p->desc->kind;
            fta_plugin_unload (p);
            if (kind != FTA_PLUGIN_SINK) {
                char *list = sink_list (ps, NULL);
                g_printerr ("ftrace-analyzer: -f %s: '%s' is %s %s, not an output format "
                            "(formats: %s)\n", *f, lower,
                            kind == FTA_PLUGIN_ANALYZER ? "an" : "a",
                            fta_plugin_kind_name (kind), list);
                g_free (list);
                g_free (lower);
                return FTA_EXIT_USAGE;
            }
        } else if (!(d = find_sink (ps, lower, TRUE))) {
            GPtrArray *names = g_ptr_array_new ();
            char *list = sink_list (ps, names);
            char *near = fta_suggest_clause (lower, (const char *const *) names->pdata,
                                             names->len);
            g_printerr ("ftrace-analyzer: unknown output format '%s'%s (formats: %s; "
                        "'ftrace-analyzer plugins' lists them)\n", *f, near, list);
            g_free (near);
            g_free (list);
            g_ptr_array_free (names, TRUE);
            g_free (lower);
            return FTA_EXIT_USAGE;
        }
        g_free (*f);
        *f = d ? g_strdup (d->name) : lower;
        if (d)
            g_free (lower);
    }
    return FTA_EXIT_OK;
}

/* The extension of -o PATH, lower case, or NULL (none, a directory, "-"). */
static char *
output_extension (const char *path)
{
    if (!path || strcmp (path, "-") == 0 || g_str_has_suffix (path, "/")
        || g_file_test (path, G_FILE_TEST_IS_DIR))
        return NULL;
    char *base = g_path_get_basename (path);
    const char *dot = strrchr (base, '.');
    char *ext = dot && dot != base && dot[1] ? g_ascii_strdown (dot + 1, -1) : NULL;
    g_free (base);
    return ext;
}

/* -o NAME.EXT without -f: the sink that writes .EXT files, when one does.
 * With one -f whose sink writes another extension: a warning. */
static void
formats_from_output (PluginScan *ps, const char *cmd, char ***formats, gboolean quiet)
{
    char *ext = output_extension (opt_output);
    if (!ext)
        return;
    const FtaPluginDescriptor *by_ext = find_sink (ps, ext, TRUE);
    /* an image: the gnuplot overview, drawn */
    if (!by_ext && (strcmp (ext, "png") == 0 || strcmp (ext, "svg") == 0))
        by_ext = find_sink (ps, "gnuplot", FALSE);
    if (strcmp (cmd, "report") == 0) {
        if (by_ext && strcmp (by_ext->name, "html") != 0 && !quiet)
            g_printerr ("ftrace-analyzer: warning: report writes HTML, also into %s "
                        "(-f %s writes .%s files: ftrace-analyzer -f %s ...)\n",
                        opt_output, by_ext->name, ext, by_ext->name);
    } else if (!*formats) {
        if (by_ext) {
            *formats = g_new0 (char *, 2);
            (*formats)[0] = g_strdup (by_ext->name);
        }
    } else if (by_ext && (*formats)[0] && !(*formats)[1]
               && strcmp ((*formats)[0], by_ext->name) != 0 && !quiet) {
        g_printerr ("ftrace-analyzer: warning: -f %s writes %s into %s, whose extension "
                    "is that of -f %s\n", (*formats)[0], (*formats)[0], opt_output,
                    by_ext->name);
    }
    g_free (ext);
}

static int
usage_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* Whether option O was given: a value other than the one it had before
 * the command line was read (BEFORE, for numbers). */
static gboolean
option_given (const GOptionEntry *o, gint before)
{
    switch (o->arg) {
    case G_OPTION_ARG_NONE:
        return *(gboolean *) o->arg_data;
    case G_OPTION_ARG_STRING:
    case G_OPTION_ARG_FILENAME:
        return *(char **) o->arg_data != NULL;
    case G_OPTION_ARG_STRING_ARRAY:
    case G_OPTION_ARG_FILENAME_ARRAY:
        return *(char ***) o->arg_data != NULL;
    case G_OPTION_ARG_INT:
        return *(gint *) o->arg_data != before;
    case G_OPTION_ARG_CALLBACK:
        return o->arg_data == (gpointer) parse_sort && opt_sort != NULL;
    default:
        return FALSE;
    }
}

static int
usage_error (const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    char *msg = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    g_printerr ("ftrace-analyzer: %s\n%s", msg, usage_lines);
    g_free (msg);
    return FTA_EXIT_USAGE;
}

static int
cmd_help (int argc, char **argv, int arg)
{
    if (argc - arg > 1)
        return usage_error ("help takes one command");
    const Command *c = NULL;
    if (argc - arg == 1 && !(c = find_command (argv[arg]))) {
        char *near = command_suggestion (argv[arg]);
        g_printerr ("ftrace-analyzer: no command '%s'%s%s%s\n%s", argv[arg],
                    near ? "; did you mean " : "", near ? near : "", near ? "?" : "",
                    usage_lines);
        g_free (near);
        return FTA_EXIT_USAGE;
    }
    GOptionEntry *owned;
    GOptionContext *oc = command_context (c, &owned);
    char *text = g_option_context_get_help (oc, TRUE, NULL);
    g_print ("%s", text);
    g_free (text);
    g_option_context_free (oc);
    g_free (owned);
    return FTA_EXIT_OK;
}

int
main (int argc, char **argv)
{
    setlocale (LC_ALL, "");
    fta_signals_install ();
    atexit (check_stdout);
    g_set_print_handler (print_stdout);
    /* not a terminal: written in large blocks, so that a failure is seen
     * where its reason (errno) still is */
    if (!isatty (STDOUT_FILENO))
        setvbuf (stdout, NULL, _IOFBF, 1u << 16);
    GError *error = NULL;
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
    const Command *command;
    const char *first_word;
    if (!prescan (argc, argv, &command, &first_word)) {
        g_ptr_array_free (rewritten, TRUE);
        return FTA_EXIT_USAGE;
    }
    GOptionEntry *owned;
    GOptionContext *oc = command_context (command, &owned);
    gint int_before[G_N_ELEMENTS (entries)];
    for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
        int_before[i] = entries[i].arg == G_OPTION_ARG_INT ? *(gint *) entries[i].arg_data : 0;
    gboolean parsed = g_option_context_parse (oc, &argc, &argv, &error);
    g_option_context_free (oc);
    g_free (owned);
    g_ptr_array_free (rewritten, TRUE);
    if (!parsed) {
        g_printerr ("ftrace-analyzer: %s (see ftrace-analyzer %s%s--help)\n",
                    error->message, command ? command->name : "", command ? " " : "");
        g_error_free (error);
        return FTA_EXIT_USAGE;
    }
    if (opt_version) {
        g_print ("%s\n", PACKAGE_STRING);
        return FTA_EXIT_OK;
    }

    const char *cmd = "analyze";
    int arg = 1;
    if (argc > 1 && find_command (argv[1])) {
        cmd = argv[1];
        arg = 2;
    }
    /* an option the command does not take is refused, not ignored: what
     * it asks for would not happen (-q, which only quiets, excepted; -f of
     * filter and report has its own message below) */
    const Command *taking = find_command (cmd);
    gboolean own_format = strcmp (cmd, "filter") == 0 || strcmp (cmd, "report") == 0;
    for (guint i = 0; entries[i].long_name; i++) {
        const GOptionEntry *o = &entries[i];
        if (strcmp (o->long_name, "quiet") == 0 || !option_given (o, int_before[i])
            || (own_format && o->arg_data == &opt_formats))
            continue;
        char *word = g_strdup_printf (" %s ", o->long_name);
        gboolean takes = strstr (taking->options, word) != NULL;
        g_free (word);
        if (!takes)
            return usage_error ("%s does not take --%s (its options: ftrace-analyzer %s "
                                "--help)",
                                cmd, o->long_name, cmd);
    }
    if (strcmp (cmd, "help") == 0)
        return cmd_help (argc, argv, arg);
    if (strcmp (cmd, "plugins") == 0)
        return cmd_plugins ();
    if (strcmp (cmd, "profiles") == 0)
        return cmd_profiles ();
    /* a misspelt command reads as a trace that is not there */
    if (arg == 1 && argc > 1 && strcmp (argv[1], "-") != 0
        && !g_file_test (argv[1], G_FILE_TEST_EXISTS)) {
        char *near = command_suggestion (argv[1]);
        if (near) {
            int code = usage_error ("no command or file '%s'; did you mean %s?", argv[1],
                                    near);
            g_free (near);
            return code;
        }
    }
    gboolean compare = strcmp (cmd, "compare") == 0;
    if (compare && argc - arg != 2)
        return usage_error ("compare takes two inputs, BASELINE and PROBLEM");
    gboolean many_ok = strcmp (cmd, "analyze") == 0 || strcmp (cmd, "report") == 0;
    if (!compare && (argc - arg == 0 || (argc - arg > 1 && !many_ok)))
        return usage_error ("%s", argc - arg == 0
                                      ? "no trace given"
                                      : "give exactly one trace (analyze and report take "
                                        "several, with -o DIR/)");
    if (opt_profile && opt_config)
        return usage_error ("use -p or -c, not both");
    if (strcmp (cmd, "filter") == 0 && opt_formats)
        return usage_error ("filter writes the trace's own lines: -f does not apply (use "
                            "analyze -f ... for a report)");
    if (strcmp (cmd, "filter") == 0 && opt_output && strcmp (opt_output, "-") != 0
        && (g_str_has_suffix (opt_output, "/")
            || g_file_test (opt_output, G_FILE_TEST_IS_DIR)))
        return usage_error ("filter writes one trace: -o takes a file, not a directory "
                            "('%s')",
                            opt_output);
    if (strcmp (cmd, "report") == 0 && opt_formats)
        return usage_error ("report writes HTML: -f does not apply (use analyze -f ... "
                            "for other formats)");
    if (opt_jobs < 0 || opt_jobs > 1024)
        return usage_error ("-j takes a number of threads from 1 to 1024 (0: one per "
                            "online CPU)");
    if (opt_top < -1)
        return usage_error ("--top must be 0 (all) or more");

    FtaColor color = FTA_COLOR_AUTO;
    if (opt_color) {
        static const char *const whens[] = { "auto", "never", "always" };
        guint i = 0;
        while (i < G_N_ELEMENTS (whens) && strcmp (opt_color, whens[i]) != 0)
            i++;
        if (i == G_N_ELEMENTS (whens)) {
            char *near = fta_suggest_clause (opt_color, whens, G_N_ELEMENTS (whens));
            int code = usage_error ("bad --color '%s'%s (never, auto or always)", opt_color,
                                    near);
            g_free (near);
            return code;
        }
        color = (FtaColor) i;
    }
    /* --tables a,b --tables c and the shortcuts: one list of patterns */
    GPtrArray *tables = g_ptr_array_new_with_free_func (g_free);
    for (char **t = opt_tables; t && *t; t++) {
        char **parts = g_strsplit (*t, ",", -1);
        for (char **p = parts; *p; p++)
            if (*g_strstrip (*p))
                g_ptr_array_add (tables, g_strdup (*p));
        g_strfreev (parts);
    }
    if (opt_wakeup_stats)
        g_ptr_array_add (tables, g_strdup ("wakeup.*"));
    if (opt_switch_stats)
        g_ptr_array_add (tables, g_strdup ("switch.*"));
    if (opt_cpu_stats)
        g_ptr_array_add (tables, g_strdup ("cpu.*"));
    gboolean any_tables = tables->len > 0 || opt_tables;
    g_ptr_array_add (tables, NULL);
    char **table_patterns = (char **) g_ptr_array_free (tables, !any_tables);
    if (opt_tables && !table_patterns[0]) {
        g_strfreev (table_patterns);
        return usage_error ("--tables takes table names or patterns, e.g. 'wakeup.*'");
    }

    /* the profile first: its plugin_dirs hold sinks -f may name */
    FtaProfile *profile = opt_config ? fta_profile_load_file (opt_config, &error)
                                     : fta_profile_load_named (opt_profile ? opt_profile
                                                                           : "default",
                                                               &error);
    if (!profile)
        return die (error);

    gboolean analysis = strcmp (cmd, "analyze") == 0 || compare
                        || strcmp (cmd, "report") == 0;
    if (analysis) {
        PluginScan ps = { fta_plugin_search_path (opt_plugin_dirs, profile->plugin_dirs),
                          NULL };
        int code = resolve_formats (&ps, opt_formats);
        if (code == FTA_EXIT_OK)
            formats_from_output (&ps, cmd, &opt_formats, opt_quiet);
        scan_clear (&ps);
        if (code != FTA_EXIT_OK) {
            fta_profile_free (profile);
            return code;
        }
    }
    if (opt_summary) {
        const char *why = NULL;
        for (char **f = opt_formats; f && *f && !why; f++)
            if (strcmp (*f, "text") != 0)
                why = *f;
        if (strcmp (cmd, "analyze") != 0 || why) {
            fta_profile_free (profile);
            g_strfreev (table_patterns);
            if (why)
                return usage_error ("--summary is the first screen of the text output: "
                                    "it does not go with -f %s", why);
            return usage_error ("--summary is the first screen of analyze's text output: "
                                "%s does not take it", cmd);
        }
        if (!opt_formats) {
            opt_formats = g_new0 (char *, 2);
            opt_formats[0] = g_strdup ("text");
        }
    }

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
        .buffer = opt_buffer,
        .sort = opt_sort,
        .top = opt_top,
        .window = opt_window,
        .tables = table_patterns,
        .color = color,
        .summary = opt_summary,
        .quiet = opt_quiet,
        .progress = opt_progress,
        .jobs = (guint) opt_jobs,
    };
    if (strcmp (cmd, "events") == 0)
        rc.events_only = print_events;
    static char *report_formats[] = { (char *) "html", NULL };
    gboolean many = !compare && argc - arg > 1;
    if (strcmp (cmd, "report") == 0) {
        rc.formats = report_formats;
        if (!rc.output && !many)
            rc.output = "report.html";
    }
    rc.filter_lines = strcmp (cmd, "filter") == 0;
    int code = compare ? fta_engine_compare (&rc, argv[arg], argv[arg + 1],
                                                  profile->comparator, &error)
               : many  ? fta_engine_run_many (&rc, argv + arg, (guint) (argc - arg), &error)
                       : fta_engine_run (&rc, &error);
    fta_profile_free (profile);
    g_strfreev (table_patterns);
    if (code != FTA_EXIT_OK)
        return error ? die (error) : code;
    return FTA_EXIT_OK;
}
