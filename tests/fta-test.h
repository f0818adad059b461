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
void fta_test_run_clear (FtaTestRun *r);

/* Runs $FTA_BIN ARGS... (NULL-terminated); returns its exit status.  The
 * standard error is returned in *err_out (owned) when it is not NULL. */
int fta_test_run (const char *const *args, char **err_out);
/* Writes TEXT to DIR/NAME and returns the path (owned). */
char *fta_test_write (const char *dir, const char *name, const char *text);
/* Writes DIR/NAME: a trace of N_CPUS CPUs (their numbers in CPUS), each
 * running its own task half of every 5 ms for ROUNDS rounds.  Returns the
 * path (owned). */
char *fta_test_write_cpu_trace (const char *dir, const char *name, const guint *cpus,
                                guint n_cpus, guint rounds);
JsonObject *fta_test_root (JsonParser *p);
/* Every recording of tests/data/corpus (its *.txt.gz, oracles left out)
 * decompressed into DIR: their paths, sorted by name (owned). */
GPtrArray *fta_test_corpus_texts (const char *dir);
/* Runs $FTA_BIN -q -f json -o DIR/out.json ARGS... (NULL-terminated),
 * which must succeed, and returns the document it wrote (the file is
 * removed). */
JsonParser *fta_test_json (const char *dir, const char *const *args);
/* Rows of table NAME of a JSON result as hash tables, column name ->
 * JsonNode (owned by the document). */
GPtrArray *fta_test_rows (JsonObject *doc, const char *name);
/* A cell: -1 for null. */
gint64 fta_test_cell_int (GHashTable *row, const char *col);
double fta_test_cell_pct (GHashTable *row, const char *col);
const char *fta_test_cell_str (GHashTable *row, const char *col);

#endif /* FTA_TEST_H */
