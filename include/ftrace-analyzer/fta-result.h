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
    const char *unit; /* "ns", "%", or NULL: the unit of the values */
    gboolean key;     /* part of the row's identity (pid, cpu, ...) */
    /* Durations: the unit text and HTML show them in, "ns", "us", "ms" or
     * "s", fixed by the table (fta_table_set_display_unit); NULL is "ms".
     * Since ABI 1.5: read it with fta_column_display_unit. */
    const char *display_unit;
    /* Since ABI 1.8: which columns a narrow rendering keeps.  Text fits a
     * table to its width by taking keys first, then columns by rising
     * rank (equal ranks together, in table order); FTA_RANK_DETAIL: only
     * in CSV, JSON and HTML's complete table.  0, the default, for all. */
    guint rank;
} FtaColumn;

#define FTA_RANK_DETAIL G_MAXUINT

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
    /* What the finding is about in time (since ABI 1.7): the CPU time or
     * the wait it says was lost, in ns, over the trace (or the reported
     * window); 0 when it names no such cost.  Set with
     * fta_finding_set_cost; findings are ranked by severity, then by it. */
    gint64 cost_ns;
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
                                  "systrace-html", "trace.dat" */
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
    /* --sort: events that came later than the window allows, left in
     * arrival order (since ABI 1.1) */
    guint64 out_of_order_unplaced;
    /* CPUs (since ABI 1.4): n_cpus above is the highest CPU seen + 1 */
    guint n_cpus_seen;         /* CPUs with at least one event line */
    const char *cpu_list;      /* those CPUs as a list: "0-63,86" */
    gint64 header_cpus;        /* "#P:N" of the header, -1 when absent */
    /* A trace-cmd trace.dat (since ABI 1.6); for text: -1 and NULL */
    gint32 file_version;       /* trace.dat format version: 6, 7 */
    gint32 file_cpus;          /* CPUs the file has data for */
    const char *trace_clock;   /* "local", "x86-tsc" ... */
    const char *tracecmd_version; /* of the trace-cmd that wrote the file */
    const char *buffer;        /* the buffer read: "" is the top one */
    const char *buffers;       /* the file's instances: "a, b", or "" */
    /* Android systrace: threads a PROCESS DUMP block lists (since ABI 1.6) */
    guint64 process_dump_threads;
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
/* The unit a duration column is shown in by text and HTML (ABI 1.5): "ns",
 * "us", "ms" (the default) or "s".  A column has one unit whatever its
 * values and whatever the filters: choose it for what the column measures
 * (latencies in us, totals in ms, times since the start in s).  JSON and
 * CSV keep nanoseconds. */
void fta_table_set_display_unit (FtaTable *t, guint col, const char *unit);
/* The rank of a column (ABI 1.8, FtaColumn.rank). */
void fta_table_set_column_rank (FtaTable *t, guint col, guint rank);
/* Text and HTML leave the table out when it has no rows; CSV and JSON
 * keep it (ABI 1.8). */
void fta_table_set_omit_empty (FtaTable *t, gboolean omit);
/* The events without which the table has no rows (ABI 1.17): groups
 * separated by ",", a group's alternatives by "|", as the trace names
 * them, e.g. "sched_waking|sched_wakeup,sched_switch".  When the table is
 * empty and the whole trace (not only what the filters report) has no
 * event of a group, the core names the events to record (the table
 * quality.missing_events and a note on standard error) and text and HTML
 * leave the table out. */
void fta_table_set_needs (FtaTable *t, const char *events);
/* Stable sort by COL, descending when DESCENDING; ties keep insert order. */
void fta_table_sort (FtaTable *t, guint col, gboolean descending);
/* The same by the column's name (ABI 1.18). */
void fta_table_sort_by (FtaTable *t, const char *column, gboolean descending);
/* The human heading, for one made once the table exists (ABI 1.18): NULL
 * is the table's full name. */
void fta_table_set_title (FtaTable *t, const char *title);

/* --- tables declared as data (since ABI 1.11) -----------------------------
 *
 * A table's columns as an array of FtaColumnSpec, and each row filled from
 * one struct of the analyzer's: a column names the field it reads
 * (FTA_FIELD_* and its offset, G_STRUCT_OFFSET) or a callback.  Columns
 * keep the spec's order, so a column's index is its place in the array.
 *
 *   static const FtaColumnSpec cols[] = {
 *       { "pid", FTA_COL_INT, .key = TRUE,
 *         .field = FTA_FIELD_INT32, .offset = G_STRUCT_OFFSET (My, pid) },
 *       { "run_ns", FTA_COL_DURATION,
 *         .field = FTA_FIELD_INT64, .offset = G_STRUCT_OFFSET (My, run_ns) },
 *       { "avg_ns", FTA_COL_DURATION, .display_unit = "us", .get = my_avg },
 *   };
 *   static const FtaTableSpec spec = FTA_TABLE_SPEC ("tasks", "My tasks", cols);
 *   FtaTable *t = fta_results_add_table_spec (r, "my", &spec);
 *   for (...) fta_table_add_row_from (t, &spec, &my, NULL);
 */
typedef enum {
    FTA_FIELD_NONE = 0, /* no field: the column's get callback fills it */
    FTA_FIELD_INT32,
    FTA_FIELD_UINT32,
    FTA_FIELD_INT64,
    FTA_FIELD_UINT64,
    FTA_FIELD_DOUBLE,
    FTA_FIELD_STRING,   /* const char *; NULL is a null cell */
    FTA_FIELD_CHARS,    /* a NUL-terminated char array in the struct */
    /* Since ABI 1.14: */
    FTA_FIELD_ID32,     /* a gint32 identifier (pid, tgid, CPU): negative,
                           unknown, is a null cell */
    /* An FtaDist * field: how many values, their sum (0 for a NULL
     * pointer), their average, 50th and 99th percentile and maximum (a
     * null cell when it holds no value). */
    FTA_FIELD_DIST_COUNT,
    FTA_FIELD_DIST_SUM,
    FTA_FIELD_DIST_AVG,
    FTA_FIELD_DIST_P50,
    FTA_FIELD_DIST_P99,
    FTA_FIELD_DIST_MAX,
    /* Since ABI 1.15: a value a row may not have, computed into the row
     * struct: a gint64 that is a null cell when negative, a double that is
     * one when NaN. */
    FTA_FIELD_OPT_INT64,
    FTA_FIELD_OPT_DOUBLE,
} FtaFieldKind;

typedef struct {
    const char *name;
    FtaColumnType type;
    gboolean key;
    const char *display_unit; /* durations: "ns", "us", "ms", "s"; NULL: "ms" */
    guint rank;               /* FtaColumn.rank */
    FtaFieldKind field;
    gsize offset;             /* of the field in the row struct */
    /* When set, fills the cell instead of the field: ROW is the struct,
     * DATA what fta_table_add_row_from was given.  V arrives null; set
     * v->is_null FALSE with v->i, v->d or v->s.  A string may be built in
     * SCRATCH (emptied before each call): it is copied. */
    void (*get) (gconstpointer row, gconstpointer data, FtaValue *v, GString *scratch);
} FtaColumnSpec;

typedef struct {
    const char *name;  /* the table's name within the plugin */
    const char *title;
    const FtaColumnSpec *columns;
    guint n_columns;
    gboolean omit_empty; /* fta_table_set_omit_empty */
} FtaTableSpec;

/* A table spec of the array COLUMNS (ABI 1.18). */
#define FTA_TABLE_SPEC(name, title, columns) \
    { (name), (title), (columns), G_N_ELEMENTS (columns), FALSE }

/* Creates table "PLUGIN.<spec name>" with SPEC's columns. */
FtaTable *fta_results_add_table_spec (FtaResults *r, const char *plugin,
                                      const FtaTableSpec *spec);
/* A series (fta_results_add_series) with SPEC's columns, the first its
 * window start (since ABI 1.14). */
FtaTable *fta_results_add_series_spec (FtaResults *r, const char *plugin,
                                       const FtaTableSpec *spec, gint64 window_ns,
                                       gint64 start_ns);
/* Appends a row filled from ROW (a struct) by SPEC, the spec the table was
 * made from; returns the row's index. */
guint fta_table_add_row_from (FtaTable *t, const FtaTableSpec *spec, gconstpointer row,
                              gconstpointer data);
/* The same without copying (ABI 1.20): the row is read from ROW through
 * SPEC when a sink asks for its cells, so a table of a row per task costs
 * a pointer per row, not its cells.  ROW, DATA, SPEC and what their
 * fields and callbacks read must stay valid and unchanged until the
 * results are rendered (the analyzer's destroy comes after that): the
 * structs of an FtaTasks, a static spec.  A table takes rows of one kind:
 * a row added otherwise, a cell set, or another SPEC or DATA, turns the
 * rows it has into copies first. */
guint fta_table_add_row_ref (FtaTable *t, const FtaTableSpec *spec, gconstpointer row,
                             gconstpointer data);

FtaFinding *fta_results_add_finding (FtaResults *r, FtaSeverity severity,
                                     const char *code, const char *title,
                                     const char *cause, const char *advice);
void fta_finding_add_evidence (FtaFinding *f, const char *key,
                               const char *value);
/* The same with the value made by a printf FORMAT (ABI 1.21). */
void fta_finding_add_evidence_printf (FtaFinding *f, const char *key,
                                      const char *format, ...) G_GNUC_PRINTF (3, 4);
/* The finding's cost in ns (ABI 1.7); negative values are taken as 0. */
void fta_finding_set_cost (FtaFinding *f, gint64 cost_ns);

/* --- reading (sinks) ----------------------------------------------------- */

guint fta_results_n_tables (const FtaResults *r);
const FtaTable *fta_results_table (const FtaResults *r, guint i);
const FtaTable *fta_results_find_table (const FtaResults *r,
                                        const char *full_name);
guint fta_results_n_findings (const FtaResults *r);
const FtaFinding *fta_results_finding (const FtaResults *r, guint i);
const FtaQuality *fta_results_quality (const FtaResults *r);
/* The lines of EVENT (a name as in event_names) in the whole trace, not
 * only in the reported window; 0 for a NULL Q (ABI 1.21). */
guint64 fta_quality_event_count (const FtaQuality *q, const char *event);
/* The results a comparison was made from (ABI 1.8): 0 for an analysis,
 * 2 for `compare`, input 0 the baseline.  ROLE, when not NULL, gets the
 * input's part ("baseline", "problem").  Each has its own quality and
 * findings. */
guint fta_results_n_inputs (const FtaResults *r);
const FtaResults *fta_results_input (const FtaResults *r, guint i, const char **role);

const char *fta_table_full_name (const FtaTable *t); /* "plugin.name" */
const char *fta_table_title (const FtaTable *t);
gboolean fta_table_is_series (const FtaTable *t);
gboolean fta_table_omit_empty (const FtaTable *t); /* ABI 1.8 */
const char *fta_table_needs (const FtaTable *t);   /* ABI 1.17, or NULL */
gint64 fta_table_window_ns (const FtaTable *t);
gint64 fta_table_start_ns (const FtaTable *t);
guint fta_table_n_columns (const FtaTable *t);
const FtaColumn *fta_table_column (const FtaTable *t, guint col);
/* -1 when absent */
int fta_table_column_index (const FtaTable *t, const char *name);
guint fta_table_n_rows (const FtaTable *t);
/* A cell of a table.  For a plugin of ABI 1.20 or later, a cell of a row
 * added by fta_table_add_row_ref is read when asked for and stays valid
 * only while fewer than FTA_TABLE_ROWS_KEPT other rows of the table are
 * read (its strings as long as the table): copy what you keep longer.
 * Other cells, and every cell a plugin of an earlier ABI reads, stay
 * valid as long as the results. */
const FtaValue *fta_table_cell (const FtaTable *t, guint row, guint col);
#define FTA_TABLE_ROWS_KEPT 64

const char *fta_column_type_name (FtaColumnType type);
/* What a column's cells are shown in (ABI 1.5): its display unit for a
 * duration, "%" for a percent, NULL for the others. */
const char *fta_column_display_unit (const FtaColumn *c);
/* Nanoseconds per display unit of a duration column; 1 for the others. */
double fta_column_display_scale (const FtaColumn *c);
/* The column's name with the unit it is shown in, for headings: the "ns"
 * part of a duration's name becomes its display unit ("run_ns" ->
 * "run_ms", "t_ns" -> "t_s", "run_ns_base" -> "run_ms_base", "ns" ->
 * "time_ms"), or the unit is appended; a percent's ends in "_pct".  Owned
 * by the caller. */
char *fta_column_display_name (const FtaColumn *c);
const char *fta_severity_name (FtaSeverity s);

G_END_DECLS

#endif /* FTA_RESULT_H */
