/* fta-result.h - the generic result model every sink understands.
 *
 * Analyzers add tables, series and findings in their finish callback; sinks
 * read them back in render.  All objects are owned by the FtaResults that
 * created them and live until the run ends; strings passed in are copied.
 */
#ifndef FTA_RESULT_H
#define FTA_RESULT_H

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

typedef enum {
    FTA_COL_STRING = 0,
    FTA_COL_INT,      /* an identifier or plain integer (pid, cpu, irq) */
    FTA_COL_COUNT,    /* a number of occurrences */
    FTA_COL_DURATION, /* integer nanoseconds */
    FTA_COL_PERCENT,  /* a double, 0..100 */
} FtaColumnType;

typedef struct {
    const char *name;
    FtaColumnType type;
    const char *unit; /* "ns", "%", or NULL */
    gboolean key;     /* part of the row's identity (pid, cpu, ...) */
} FtaColumn;

/* One cell.  A cell never set is null (is_null TRUE). */
typedef struct {
    gboolean is_null;
    gint64 i;       /* INT, COUNT, DURATION */
    double d;       /* PERCENT */
    const char *s;  /* STRING */
} FtaValue;

typedef struct _FtaTable FtaTable;
typedef struct _FtaResults FtaResults;

typedef enum {
    FTA_SEVERITY_INFO = 0,
    FTA_SEVERITY_WARNING,
    FTA_SEVERITY_CRITICAL,
} FtaSeverity;

typedef struct {
    FtaSeverity severity;
    const char *code;   /* stable identifier, e.g. "wakeup.high-latency" */
    const char *title;
    const char *cause;
    const char *advice;
    GPtrArray *evidence_keys;   /* (const char *) */
    GPtrArray *evidence_values; /* (const char *), same length */
    void *owner;                /* private to the core */
} FtaFinding;

/* An example of a line the parser could not read. */
typedef struct {
    guint64 line;
    const char *text;
    const char *why;
} FtaUnparsed;

/* What was read, and how well.  Filled by the core; read-only for plugins. */
typedef struct {
    const char *input_path;
    const char *format;        /* "tracefs", "trace-cmd", "perf-script",
                                  "systrace-html" */
    const char *format_variant;/* "5-character flags column, TGID column" */
    const char *compression;   /* "gzip", "zstd", "xz", or NULL */
    const char *profile;       /* profile name or file */
    guint64 lines_total;
    guint64 lines_header;
    guint64 lines_event;
    guint64 lines_unparsed;
    GArray *unparsed_examples; /* FtaUnparsed */
    GPtrArray *event_names;    /* (const char *), index = name_id */
    GArray *event_counts;      /* guint64, index = name_id */
    guint64 lost_markers;
    gint64 lost_events;        /* sum of the numbers the markers give */
    guint64 lost_unknown;      /* markers without a number */
    guint64 buffer_started;
    gint64 entries_in_buffer;  /* from the header, -1 when absent */
    gint64 entries_written;
    guint64 out_of_order;      /* event lines earlier than the previous one */
    guint64 out_of_order_cpu;  /* ... than the previous one of that CPU */
    guint64 events_behind;     /* earlier than the latest time already read:
                                  taken as they came, spans never negative */
    gint64 max_step_back_ns;   /* largest distance behind the latest time */
    gint64 first_ts_ns;        /* -1 when no event */
    gint64 last_ts_ns;         /* the latest timestamp read */
    guint n_cpus;              /* highest CPU seen + 1 */
    guint64 cpus_mask_words[4]; /* bit per CPU seen, CPUs 0..255 */
    /* sched model */
    guint64 inferred_switch_in;
    guint64 inferred_switch_out;
    guint64 switch_in_while_running;
    guint64 model_resets;
    guint64 truncated_line;    /* 1 if the input ended without a newline */
} FtaQuality;

/* --- building (analyzers) ------------------------------------------------ */

/* Creates table "PLUGIN.NAME".  TITLE is the human heading. */
FtaTable *fta_results_add_table (FtaResults *r, const char *plugin,
                                 const char *name, const char *title);
/* A series is a table of time windows: its first column is the window
 * start (DURATION, ns since the trace's first timestamp). */
FtaTable *fta_results_add_series (FtaResults *r, const char *plugin,
                                  const char *name, const char *title,
                                  gint64 window_ns, gint64 start_ns);
/* Returns the column index. */
guint fta_table_add_column (FtaTable *t, const char *name, FtaColumnType type,
                            gboolean key);
/* Appends an all-null row and returns its index. */
guint fta_table_add_row (FtaTable *t);
void fta_table_set_int (FtaTable *t, guint row, guint col, gint64 v);
void fta_table_set_double (FtaTable *t, guint row, guint col, double v);
void fta_table_set_string (FtaTable *t, guint row, guint col, const char *s);
/* Stable sort by COL, descending when DESCENDING; ties keep insert order. */
void fta_table_sort (FtaTable *t, guint col, gboolean descending);

FtaFinding *fta_results_add_finding (FtaResults *r, FtaSeverity severity,
                                     const char *code, const char *title,
                                     const char *cause, const char *advice);
void fta_finding_add_evidence (FtaFinding *f, const char *key,
                               const char *value);

/* --- reading (sinks) ----------------------------------------------------- */

guint fta_results_n_tables (const FtaResults *r);
const FtaTable *fta_results_table (const FtaResults *r, guint i);
const FtaTable *fta_results_find_table (const FtaResults *r,
                                        const char *full_name);
guint fta_results_n_findings (const FtaResults *r);
const FtaFinding *fta_results_finding (const FtaResults *r, guint i);
const FtaQuality *fta_results_quality (const FtaResults *r);

const char *fta_table_full_name (const FtaTable *t); /* "plugin.name" */
const char *fta_table_title (const FtaTable *t);
gboolean fta_table_is_series (const FtaTable *t);
gint64 fta_table_window_ns (const FtaTable *t);
gint64 fta_table_start_ns (const FtaTable *t);
guint fta_table_n_columns (const FtaTable *t);
const FtaColumn *fta_table_column (const FtaTable *t, guint col);
/* -1 when absent */
int fta_table_column_index (const FtaTable *t, const char *name);
guint fta_table_n_rows (const FtaTable *t);
const FtaValue *fta_table_cell (const FtaTable *t, guint row, guint col);

const char *fta_column_type_name (FtaColumnType type);
const char *fta_severity_name (FtaSeverity s);

G_END_DECLS

#endif /* FTA_RESULT_H */
