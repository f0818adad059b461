/* core.h - private interfaces between the parts of the core. */
#ifndef FTA_CORE_H
#define FTA_CORE_H

#include <signal.h>

#include <libconfig.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

#include "parser.h"

/* Exit codes, documented in ftrace-analyzer(1) and --help. */
enum {
    FTA_EXIT_OK = 0,
    FTA_EXIT_OUTPUT = 1,   /* cannot write output, or an internal error */
    FTA_EXIT_USAGE = 2,    /* bad command line or profile */
    FTA_EXIT_INPUT = 3,    /* input cannot be opened or read */
    FTA_EXIT_NO_EVENTS = 4,/* input holds no trace event */
    FTA_EXIT_PLUGIN = 5,   /* a plugin cannot be loaded or failed */
    FTA_EXIT_SOME_FAILED = 6, /* several traces: some could not be analyzed */
};

#define FTA_ERROR (fta_error_quark ())
GQuark fta_error_quark (void);
/* GError codes are the exit codes above. */

/* --- results --------------------------------------------------------------- */

struct _FtaResults {
    GPtrArray *tables;   /* FtaTable*, owned */
    GPtrArray *findings; /* FtaFinding*, owned */
    GStringChunk *strings;
    const FtaQuality *quality; /* owned by the engine, or own_quality */
    FtaQuality *own_quality;   /* saved copies: freed with the results */
    /* A comparison's inputs (borrowed: they outlive R), and their roles */
    GPtrArray *inputs;         /* (const FtaResults *), or NULL */
    GPtrArray *input_roles;    /* (const char *), in strings */
};

FtaResults *fta_results_new (void);
void fta_results_free (FtaResults *r);
/* A copy of R that outlives the run that made it: tables, series,
 * findings and the quality. */
FtaResults *fta_results_copy (const FtaResults *r);
/* Turns R's rows by reference (fta_table_add_row_ref) into rows of cells,
 * for plugins of ABI 1.19 and older, to whom a cell stays valid as long as
 * the results. */
void fta_results_settle (FtaResults *r);
/* Puts the findings in the order every sink shows them: the most severe
 * first, then the most costly (cost_ns), the first added first among
 * equals. */
void fta_results_sort_findings (FtaResults *r);
/* Gives R an empty quality of its own (for copies and loaded results). */
FtaQuality *fta_results_own_quality (FtaResults *r);
/* Gives R a copy of Q (NULL: an empty one) of its own. */
FtaQuality *fta_results_copy_quality (FtaResults *r, const FtaQuality *q);
/* A view of R holding only the tables and series whose full name matches
 * one of the glob PATTERNS (a comparator's "compare.switch.tasks" is also
 * matched as "switch.tasks"), R's findings and quality: it shares them with
 * R, which must outlive it.  Free with fta_results_free_view. */
FtaResults *fta_results_select (const FtaResults *r, char **patterns);
void fta_results_free_view (FtaResults *view);
/* Names IN, one of the results R was made from, as ROLE ("baseline",
 * "problem"): sinks show each input's summary and quality.  IN is
 * borrowed and must outlive R. */
void fta_results_add_input (FtaResults *r, const char *role, const FtaResults *in);
/* TRUE when PATH holds a saved JSON result (a '{' document), not a trace. */
gboolean fta_results_is_saved (const char *path);
/* Reads a JSON document of the json sink back (tables, series, findings,
 * quality).  NULL with ERROR (FTA_EXIT_INPUT) when it is not one. */
FtaResults *fta_results_load_json (const char *path, GError **error);
/* The same from LEN bytes at DATA; PATH names them in errors. */
FtaResults *fta_results_load_json_data (const char *data, gsize len, const char *path,
                                        GError **error);
/* Saved results are input that cannot be trusted: deeper nesting is refused
 * before it is parsed. */
#define FTA_JSON_MAX_DEPTH 64

/* --- input ----------------------------------------------------------------- */

typedef struct _FtaInput FtaInput;

/* PATH "-" is standard input.  Everything is read in large blocks (never
 * mapped: a file truncated meanwhile ends the read with an error, not a
 * SIGBUS).  Memory stays bounded by the block size. */
FtaInput *fta_input_open (const char *path, GError **error);
/* Next line without its newline.  FALSE at the end or on error (then
 * *error is set).  *too_long is set for a line longer than the limit: its
 * first bytes are returned and the rest is skipped. */
gboolean fta_input_next_line (FtaInput *in, const char **line, gsize *len,
                              gboolean *too_long, GError **error);
/* The next whole lines, read or decoded straight
 * into OUT (CAP bytes), whose first CARRIED bytes are the start of a line
 * the previous call left (its *REST bytes, moved there by the caller).
 * Reads until OUT holds at least TARGET bytes and a newline (or CAP, or
 * the end); *LEN is the length of the whole lines, and the bytes after
 * them are the next call's CARRIED (fta_input_block_rest).  A line
 * longer than CAP comes as its first CAP bytes with *CUT_SHORT set (its
 * rest is skipped); the last line of the input may lack its newline.
 * FALSE at the end or on a read error (ERROR). */
gboolean fta_input_next_block (FtaInput *in, char *out, gsize cap, gsize target,
                               gsize carried, gsize *len, gboolean *cut_short,
                               GError **error);
/* TRUE once a NUL byte was among the bytes fta_input_next_line searched
 * for the end of a line (every line it returned so far lies within
 * them): until then its lines need not be searched for one again. */
gboolean fta_input_saw_nul (const FtaInput *in);
/* The bytes after the whole lines of the last fta_input_next_block. */
gsize fta_input_block_rest (const FtaInput *in);
/* TRUE once the last line returned had no terminating newline. */
gboolean fta_input_unterminated (const FtaInput *in);
/* For progress: the file's size (0 when not a regular file), and how far
 * into it the reading is (of a compressed file: the compressed bytes). */
guint64 fta_input_size (const FtaInput *in);
const char *fta_input_path (const FtaInput *in);
guint64 fta_input_position (const FtaInput *in);
guint64 fta_input_bytes (const FtaInput *in);
void fta_input_close (FtaInput *in);
/* read(2) of up to N bytes of FD into BUF, again when a signal interrupts
 * it: the bytes read, 0 at the end, or -1 with ERROR naming PATH. */
gssize fta_read (int fd, void *buf, gsize n, const char *path, GError **error);

#define FTA_MAX_LINE (1u << 20) /* longer lines are reported, not parsed */
/* --start/--end: seconds whose nanoseconds fit 64 bits */
#define FTA_MAX_SECONDS 9.2e9

/* --- binary files (sniff.c) ----------------------------------------------- */

/* The first N bytes B of PATH: FALSE with ERROR (FTA_EXIT_INPUT) for a
 * binary format this tool does not read (perf.data, ELF, CTF; a trace.dat
 * when STREAM, read from a pipe), the message naming the command that
 * makes text of it; *TRACEDAT for a trace.dat file. */
gboolean fta_sniff (const guchar *b, gsize n, const char *path, gboolean stream,
                    gboolean *tracedat, GError **error);
/* The same for the first bytes of PATH when it is a regular file. */
gboolean fta_sniff_path (const char *path, gboolean *tracedat, GError **error);
/* A trace.dat compressed whole (gzip, zstd or xz) in the regular file
 * PATH: unpacked into an unlinked temporary file whose descriptor is
 * *UNPACKED (-1 for anything else), the compression in *COMPRESSION.
 * FALSE with ERROR (FTA_EXIT_INPUT) when the unpacking fails. */
gboolean fta_sniff_packed_tracedat (const char *path, int *unpacked, const char **compression,
                                    GError **error);

/* --- fatal signals (signals.c) -------------------------------------------- */

/* Handlers for SIGINT, SIGTERM and SIGHUP (remove the temporary files
 * tracked, then die of the signal) and SIGBUS (the same, then report the
 * mapped input as changed while read: exit 3).  Signals ignored at start
 * stay ignored. */
void fta_signals_install (void);
/* Blocks those signals in the calling thread (the mask before in *OLD,
 * restored with pthread_sigmask (SIG_SETMASK, OLD, NULL)); BLOCK is
 * scratch. */
void fta_signals_block (sigset_t *block, sigset_t *old);
/* TMP is a temporary output file to remove if a signal ends the run. */
void fta_signals_track (const char *tmp);
void fta_signals_untrack (const char *tmp);
/* PATH is mapped by a reader (a trace.dat): named if a SIGBUS comes. */
void fta_signals_mapped_input (const char *path);
/* Around libtracecmd's opening of PATH (any thread): a SIGSEGV in it is
 * a damaged file, exit 3 with a message, not a crash. */
void fta_signals_foreign_open (const char *path);
void fta_signals_foreign_done (void);

/* --- compressed input (decompress.c) -------------------------------------- */

typedef enum {
    FTA_COMPRESSION_NONE = 0,
    FTA_COMPRESSION_GZIP,
    FTA_COMPRESSION_ZSTD,
    FTA_COMPRESSION_XZ,
} FtaCompression;

typedef struct _FtaDecoder FtaDecoder;

/* By magic bytes, never by file name. */
FtaCompression fta_compression_detect (const guchar *b, gsize n);
const char *fta_compression_name (FtaCompression c);
/* Decodes what is read from FD, after HEAD (bytes already read from it). */
FtaDecoder *fta_decoder_new (FtaCompression kind, int fd, const char *path,
                             const guchar *head, gsize head_len, GError **error);
/* Up to CAP decoded bytes; 0 at the end; -1 with ERROR on damaged data. */
gssize fta_decoder_read (FtaDecoder *d, char *out, gsize cap, GError **error);
void fta_decoder_free (FtaDecoder *d);
/* "gzip" etc. once detected, NULL for plain text. */
const char *fta_input_compression (const FtaInput *in);

/* --- progress ---------------------------------------------------------------- */

typedef struct _FtaProgress FtaProgress;
/* NULL (and the calls below no-ops) unless ENABLED and standard error is a
 * terminal (or FORCE).  TOTAL: the size of the file at PATH, 0 when
 * unknown. */
FtaProgress *fta_progress_new (gboolean enabled, gboolean force, const char *path,
                               guint64 total);
/* POS: how far into the file (fta_input_position); BYTES: the text read
 * (decompressed).  Cheap enough for every few thousand lines. */
void fta_progress_update (FtaProgress *p, guint64 pos, guint64 bytes);
/* Erases the progress line. */
void fta_progress_free (FtaProgress *p);

/* --- sched model ----------------------------------------------------------- */

typedef struct _FtaModel FtaModel;
typedef void (*FtaSpanFunc) (const FtaSpan *span, gpointer data);

FtaModel *fta_model_new (FtaQuality *quality, FtaSpanFunc fn, gpointer data);
/* Where the tgid of a task whose events give none comes from (a systrace
 * PROCESS DUMP): FN (DATA, pid) is asked once, when the task is first
 * seen; -1 for unknown. */
typedef gint32 (*FtaTgidFunc) (gconstpointer data, gint32 pid);
void fta_model_set_tgid_source (FtaModel *m, FtaTgidFunc fn, gconstpointer data);
/* Feeds every event in file order (before plugins see it), and stamps
 * its task ids. */
void fta_model_feed (FtaModel *m, FtaEvent *ev);
/* Publishes the spans still open at END_NS, flagged TRUNCATED. */
void fta_model_finish (FtaModel *m, gint64 end_ns);
const char *fta_model_comm (const FtaModel *m, gint32 pid);
const char *fta_model_task_comm (const FtaModel *m, guint32 task);
/* Task ids are 0 .. fta_model_n_tasks - 1; the pid of one. */
guint fta_model_n_tasks (const FtaModel *m);
gint32 fta_model_task_pid (const FtaModel *m, guint32 task);
/* Which task of its pid TASK is: 0 for the first the trace shows, 1 for
 * the one that got the pid after it ended, and so on. */
guint32 fta_model_task_seq (const FtaModel *m, guint32 task);
/* After fta_model_finish: the other comms TASK ran under than its name,
 * ", "-separated in the order it first ran under them; NULL for none. */
const char *fta_model_task_other_comms (const FtaModel *m, guint32 task);
void fta_model_free (FtaModel *m);

/* --- plugins ---------------------------------------------------------------- */

typedef struct {
    char *path;
    void *handle; /* dlopen */
    const FtaPluginDescriptor *desc;
} FtaPlugin;

/* TRUE when this process is the binary in the build tree. */
gboolean fta_running_uninstalled (void);
/* Appends each directory of the colon-separated environment variable VAR. */
void fta_dirs_add_env (GPtrArray *dirs, const char *var);
/* Appends to OUT the names of the files in DIRS that end in SUFFIX, the
 * suffix cut off (owned strings, repeats possible). */
void fta_dirs_list_names (GPtrArray *out, GPtrArray *dirs, const char *suffix);
/* "dir1, dir2": for messages that say where something was looked for. */
char *fta_dirs_join (GPtrArray *dirs);
/* The directories searched, in order (see fta-plugin.h): EXTRA_DIRS
 * (--plugin-dir), $FTA_PLUGIN_PATH, PROFILE_DIRS (the profile's
 * plugin_dirs), the user's directory, the built-in one.  Either list may
 * be NULL. */
GPtrArray *fta_plugin_search_path (char **extra_dirs, char **profile_dirs);
FtaPlugin *fta_plugin_load (const char *name, GPtrArray *dirs, GError **error);
FtaPlugin *fta_plugin_load_file (const char *path, GError **error);
void fta_plugin_unload (FtaPlugin *p);
const char *fta_plugin_kind_name (FtaPluginKind k);
/* Every "*.so" in DIRS that loads, first of each name; FtaPlugin*. */
GPtrArray *fta_plugin_discover (GPtrArray *dirs);
/* The names of the "*.so" files in DIRS, without loading them (for "did
 * you mean"); owned strings, repeats possible. */
GPtrArray *fta_plugin_names (GPtrArray *dirs);

/* --- profiles ------------------------------------------------------------- */

typedef struct {
    char *source;     /* file path, or "built-in default" */
    config_t cfg;
    char **analyzers; /* NULL-terminated */
    char **sinks;
    gint64 top;
    char *comm;       /* regex, NULL for none */
    char *pids;       /* "1,2", NULL for none */
    char *cpus;
    char *start;      /* seconds as text, NULL */
    char *end;
    char *output;     /* NULL = stdout */
    char *window;     /* seconds as text, NULL = auto */
    char **plugin_dirs; /* plugin_dirs, made absolute; NULL-terminated */
    char *comparator;   /* the plugin `compare` runs, NULL = "compare" */
} FtaProfile;

FtaProfile *fta_profile_load_file (const char *path, GError **error);
FtaProfile *fta_profile_load_string (const char *text, const char *source,
                                     GError **error);
/* Finds profile NAME ("default", "NAME.cfg" in the profile dirs). */
FtaProfile *fta_profile_load_named (const char *name, GError **error);
void fta_profile_free (FtaProfile *p);
/* Profile directories searched by -p and listed by `profiles`. */
GPtrArray *fta_profile_dirs (void);
/* "default" and the name of every "*.cfg" in those directories; owned
 * strings, repeats possible. */
GPtrArray *fta_profile_names (void);
extern const char fta_default_profile[];

/* Options of one plugin, from its profile section, checked against the
 * descriptor (unknown keys and wrong types are errors with file:line). */
FtaOptions *fta_options_new (const FtaProfile *profile,
                             const FtaPluginDescriptor *desc, GError **error);
void fta_options_free (FtaOptions *o);
/* Checks the plugins.NAME sections of plugins not in IN_USE (those are
 * checked when set up): a misspelt name or option is an error, not a
 * silently ignored section.  Loads each descriptor without running it. */
gboolean fta_profile_check_sections (const FtaProfile *p, GPtrArray *dirs,
                                     char **in_use, GError **error);

/* --- run context and filters ---------------------------------------------- */

/* --color: auto colours a terminal only, and not with NO_COLOR set. */
typedef enum {
    FTA_COLOR_AUTO = 0,
    FTA_COLOR_NEVER,
    FTA_COLOR_ALWAYS,
} FtaColor;

struct _FtaContext {
    char *output_dir;       /* NULL = standard output */
    char *output_stem;
    gboolean output_is_dir; /* -o names a directory: DIR/report.EXT */
    const char *output_file; /* the file a sink renders, while it does */
    guint top;
    gint64 window_ns;       /* 0 = auto */
    GRegex *comm_re;        /* NULL = any */
    GHashTable *pids;       /* set of pid, NULL = any */
    GHashTable *sel_cache;  /* pid -> Selection (context.c) */
    GPtrArray *sel_by_task; /* task id -> Selection */
    char *filter_text;
    const FtaModel *model;
    FtaColor color;         /* --color */
    gboolean summary;       /* --summary: text's first screen only */
};

/* An empty context reading names from MODEL; clear frees what it owns
 * (filters, caches, output names). */
void fta_context_init (FtaContext *ctx, const FtaModel *model);
void fta_context_clear (FtaContext *ctx);

/* Parses "1,2,5-7" into a set.  FALSE with error on junk. */
GHashTable *fta_parse_int_set (const char *text, const char *what,
                               GError **error);

#endif /* FTA_CORE_H */
