/* pipeline.h - lines parsed on worker threads, handed back in file order
 * (private to the core). */
#ifndef FTA_PIPELINE_H
#define FTA_PIPELINE_H

#include "core.h"
#include "parser.h"

/* FtaLineKind, and one more: a line longer than FTA_MAX_LINE, not parsed
 * (its LINE is its head). */
#define FTA_LINE_TOO_LONG 4

typedef struct {
    FtaEvent ev;        /* EVENT and MARKER; line_no is not set */
    const char *line;   /* the line, in the batch's block */
    const char *why;    /* UNPARSED */
    guint32 len;
    guint8 kind;        /* FtaLineKind or FTA_LINE_TOO_LONG */
} FtaParsedLine;

/* The lines of one block, in file order.  Valid until released. */
typedef struct {
    const FtaParsedLine *lines;
    guint n_lines;
    guint worker;            /* the worker that parsed them: 0 .. N-1 */
    /* Names the worker interned for the first time in this block, in the
     * order of their ids (the worker's next ids). */
    const char *const *new_names;
    guint n_new_names;
    guint64 input_pos;       /* fta_input_position after the block */
    guint64 input_bytes;     /* fta_input_bytes after the block */
    gboolean has_entries;    /* an entries-in-buffer header was read */
    gint64 entries_in_buffer, entries_written; /* the last one's */
    gint64 header_cpus;      /* and its "#P:N", -1 */
} FtaBatch;

typedef struct _FtaPipeline FtaPipeline;

/* Reads the rest of IN on a thread of its own, in blocks of whole lines,
 * and parses them on N_WORKERS threads with parsers started from MAIN
 * (see fta_parser_new_worker).  IN belongs to the pipeline until
 * fta_pipeline_finish. */
FtaPipeline *fta_pipeline_start (FtaInput *in, const FtaParser *main, guint n_workers);
/* The next batch in file order, NULL at the end (or after a read error). */
const FtaBatch *fta_pipeline_next (FtaPipeline *pl);
void fta_pipeline_release (FtaPipeline *pl, const FtaBatch *batch);
/* Stops reading early: fta_pipeline_next returns NULL soon after. */
void fta_pipeline_abort (FtaPipeline *pl);
/* Waits for the threads and frees the pipeline; FALSE with ERROR set when
 * the input could not be read to the end. */
gboolean fta_pipeline_finish (FtaPipeline *pl, GError **error);

#endif /* FTA_PIPELINE_H */
