/* reader-tracedat.h - trace-cmd's binary trace.dat, decoded record by record
 * into FtaEvent (private to the core).
 *
 * The records of every CPU of one buffer come back merged in timestamp
 * order (equal timestamps: the lower CPU first, as `trace-cmd report`
 * prints them), as the lines that `trace-cmd report` would print for them:
 * a "cpus=N" header line first, then one event line per record, and a
 * marker line (FTA_EV_LOST) before a record whose page says the ring
 * buffer dropped events before it.  Line numbers count those lines.
 */
#ifndef FTA_READER_TRACEDAT_H
#define FTA_READER_TRACEDAT_H

#include "parser.h"

/* The first bytes of a trace.dat: "\027\010\104tracing". */
#define FTA_TRACEDAT_MAGIC "\027\010\104tracing"
#define FTA_TRACEDAT_MAGIC_LEN 10

typedef struct _FtaTraceDat FtaTraceDat;

typedef struct {
    gint32 file_version;          /* trace.dat format: 6, 7 */
    const char *clock;            /* trace clock ("local", "x86-tsc"), or NULL */
    gint32 cpus;                  /* CPUs the file has data for */
    const char *tracecmd_version; /* of the trace-cmd that wrote it, or NULL */
    const char *compression;      /* "zstd", "zlib", or NULL */
    const char *buffer;           /* the buffer read: "" is the top one */
    const char *buffers;          /* the instances beside it: "a, b", or "" */
} FtaTraceDatInfo;

/* What the reader renders besides the typed fields. */
typedef enum {
    /* The event's field text (its print format) for the events with no
     * typed fields whose FtaEventType is set in the mask given. */
    FTA_TRACEDAT_FIELDS = 1,
    /* Every line whole, in `trace-cmd report` layout with nanosecond
     * timestamps (`filter`): LINE is the line, FIELDS points into it. */
    FTA_TRACEDAT_LINES = 2,
} FtaTraceDatText;

/* FALSE when the build has no libtracecmd: fta_tracedat_open then fails
 * with a message that says how to convert the file to text. */
gboolean fta_tracedat_supported (void);

/* Opens buffer BUFFER of PATH (NULL or "": the top one; else the name of
 * an instance recorded with -B NAME).  Event names are interned in NAMES
 * (the run's parser), on the calling thread only.  WORKERS threads decode
 * the CPUs' records beside the caller (0: the caller decodes).  TEXT: see
 * FtaTraceDatText; FIELD_TYPES: bit (1 << FtaEventType) for the types
 * whose field text FTA_TRACEDAT_FIELDS renders.  NULL with ERROR
 * (FTA_EXIT_INPUT) when the file cannot be read or has no such buffer. */
FtaTraceDat *fta_tracedat_open (const char *path, const char *buffer, FtaParser *names,
                                guint workers, guint text, guint64 field_types,
                                GError **error);
const FtaTraceDatInfo *fta_tracedat_info (const FtaTraceDat *t);

/* The next line.  *EV (EVENT and MARKER) and *LINE stay valid until the
 * next call.  LINE is the header line, the marker line, or the event's
 * text (the whole line with FTA_TRACEDAT_LINES, else "NAME: " and its
 * field text when rendered): the event's name and fields point into it;
 * for UNPARSED it says which record could not be decoded and *WHY why.
 * FALSE at the end. */
gboolean fta_tracedat_next (FtaTraceDat *t, FtaLineKind *kind, FtaEvent **ev,
                            const char **line, gsize *len, const char **why);
/* After the last line: FALSE with ERROR when a decoding thread could not
 * read its CPUs (their lines are missing). */
gboolean fta_tracedat_finish (FtaTraceDat *t, GError **error);
/* Records read so far, and the CPU data's size (for progress). */
guint64 fta_tracedat_records (const FtaTraceDat *t);
void fta_tracedat_close (FtaTraceDat *t);

#endif /* FTA_READER_TRACEDAT_H */
