/* fta-test.h - helpers shared by the test programs that run the CLI and
 * read its JSON output. */
#ifndef FTA_TEST_H
#define FTA_TEST_H

#include <json-glib/json-glib.h>
#include <glib.h>

/* A finished run: exit status (128 + signal when killed) and what it
 * printed. */
typedef struct {
    int rc;
    char *out; /* owned */
    char *err; /* owned */
} FtaTestRun;

/* Runs $FTA_BIN ARGS... (NULL-terminated). */
FtaTestRun fta_test_run_argv (const char *const *args);
/* Runs CMD with /bin/sh -c. */
FtaTestRun fta_test_run_sh (const char *cmd);
/* The same for a command that must succeed (its standard error is shown
 * when it does not): its standard output (owned). */
char *fta_test_sh_ok (const char *cmd);
void fta_test_run_clear (FtaTestRun *r);
/* Runs $FTA_BIN ARGS... (NULL-terminated), which must succeed (its
 * standard error is shown when it does not): its standard output (owned). */
char *fta_test_run_ok (const char *const *args);
/* The same, for the JSON document it printed. */
JsonParser *fta_test_run_json (const char *const *args);
/* The JSON document in TEXT, which must parse. */
JsonParser *fta_test_parse (const char *text);
/* The JSON document in file PATH, which must parse; the file is removed. */
JsonParser *fta_test_parse_file (const char *path);
/* Removes DIR and everything below it. */
void fta_test_remove_dir (const char *dir);

/* Runs $FTA_BIN ARGS... (NULL-terminated); returns its exit status.  The
 * standard error is returned in *err_out (owned) when it is not NULL. */
int fta_test_run (const char *const *args, char **err_out);
/* The contents of file PATH, which must be readable (owned). */
char *fta_test_read (const char *path);
/* Writes TEXT to DIR/NAME and returns the path (owned). */
char *fta_test_write (const char *dir, const char *name, const char *text);
/* Writes DIR/NAME: a trace of N_CPUS CPUs (their numbers in CPUS), each
 * running its own task half of every 5 ms for ROUNDS rounds.  Returns the
 * path (owned). */
char *fta_test_write_cpu_trace (const char *dir, const char *name, const guint *cpus,
                                guint n_cpus, guint rounds);
/* Runs $FTA_BIN ARGS... (NULL-terminated) in CWD (NULL: here), its standard
 * output dropped; returns its exit status, standard error in *ERR_OUT
 * (owned) when it is not NULL. */
int fta_test_run_in (const char *cwd, const char *const *args, char **err_out);
/* The path of tests/data/corpus/NAME (owned). */
char *fta_test_corpus (const char *name);
/* FILE of recording SCENARIO: tests/data/corpus/FILE, else
 * $FTA_CORPUS_DIR/recorded/SCENARIO/FILE; NULL when neither is there
 * (owned). */
char *fta_test_recording (const char *scenario, const char *file);
/* The timestamp of KEY in the text of a recording's .counts.txt
 * ("first_ts<TAB>501.099247", 6 or 9 decimals), in ns. */
gint64 fta_test_counts_ts (const char *counts, const char *key);
/* tests/data/corpus/SCENARIO_ftrace_default.txt.gz decompressed into DIR
 * (once): its path (owned). */
char *fta_test_corpus_text (const char *dir, const char *scenario);
JsonObject *fta_test_root (JsonParser *p);
/* Every recording of tests/data/corpus (its *.txt.gz, oracles left out)
 * decompressed into DIR: their paths, sorted by name (owned). */
GPtrArray *fta_test_corpus_texts (const char *dir);
/* Runs $FTA_BIN -q -f json -o DIR/out.json ARGS... (NULL-terminated),
 * which must succeed, and returns the document it wrote (the file is
 * removed). */
JsonParser *fta_test_json (const char *dir, const char *const *args);
/* Analyzes TRACE: $FTA_BIN -q [-c PROFILE] -f json -o DIR/out.json EXTRA...
 * TRACE, where PROFILE is the text of a profile written to DIR (none when
 * NULL).  The run must succeed; returns the document. */
JsonParser *fta_test_analyze (const char *dir, const char *profile, const char *trace,
                              const char *const *extra);
/* The same with -f text: the text output (owned). */
char *fta_test_analyze_text (const char *dir, const char *profile, const char *trace,
                             const char *const *extra);
/* A profile that runs ANALYZERS (the items of a libconfig list:
 * "\"switch\", \"cpu\"") with OPTIONS (settings, or NULL) in PLUGIN's
 * section (owned). */
char *fta_test_profile (const char *analyzers, const char *plugin, const char *options);
/* fta_test_analyze and fta_test_analyze_text with that profile. */
JsonParser *fta_test_analyze_with (const char *dir, const char *analyzers, const char *plugin,
                                   const char *options, const char *trace,
                                   const char *const *extra);
char *fta_test_analyze_text_with (const char *dir, const char *analyzers, const char *plugin,
                                  const char *options, const char *trace,
                                  const char *const *extra);
/* The first finding of a JSON result whose code is CODE, or NULL. */
JsonObject *fta_test_finding (JsonObject *doc, const char *code);
/* Rows of table NAME of a JSON result as hash tables, column name ->
 * JsonNode (owned by the document). */
GPtrArray *fta_test_rows (JsonObject *doc, const char *name);
/* Rows of series NAME, as fta_test_rows; its window and start in *WINDOW
 * and *START when not NULL. */
GPtrArray *fta_test_series_rows (JsonObject *doc, const char *name, gint64 *window,
                                 gint64 *start);
/* A cell: -1 (NULL for a string) for null. */
gint64 fta_test_cell_int (GHashTable *row, const char *col);
double fta_test_cell_pct (GHashTable *row, const char *col);
const char *fta_test_cell_str (GHashTable *row, const char *col);

/* Hand-made traces in the tracefs text format, times 100 s plus US
 * microseconds. */
GString *fta_test_trace_new (void);
/* One event line of COMM-PID on CPU: "WHAT" after the timestamp. */
void fta_test_ev (GString *s, int us, int cpu, const char *comm, int pid, const char *what);
/* sched_switch from PREV (state STATE) to NEXT; pid 0 is <idle>. */
void fta_test_sw (GString *s, int us, int cpu, const char *prev, int prev_pid,
                  const char *state, const char *next, int next_pid);
/* sched_waking and, 1 us later, sched_wakeup of COMM/PID onto TARGET, by
 * BY/BY_PID running on CPU. */
void fta_test_wake (GString *s, int us, int cpu, const char *by, int by_pid, const char *comm,
                    int pid, int target);

#endif /* FTA_TEST_H */
