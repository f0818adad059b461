/* results.c - tables, series, findings, and the percentile helper. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct _FtaTable {
    char *full_name;
    char *title;
    gboolean series;
    gint64 window_ns;
    gint64 start_ns;
    GArray *columns; /* FtaColumn, names owned by strings */
    GPtrArray *rows; /* FtaValue[n_columns], in the slabs */
    /* Rows are cut from slabs of cells, each twice the size of the one
     * before (up to SLAB_MAX_ROWS rows): a table of a row per task does
     * not cost an allocation, a free and their overhead per row. */
    GPtrArray *slabs;  /* FtaValue[], owned */
    FtaValue *free_cells;
    gsize n_free, slab_rows;
    GStringChunk *strings;
    gboolean omit_empty; /* text and HTML leave it out when it has no rows */
    char *needs;         /* fta_table_set_needs, owned; NULL: not said */
    /* Rows by reference (fta_table_add_row_ref): the analyzer's structs,
     * read through the spec when a cell is asked for.  A table has rows
     * of one kind: refs, or rows above. */
    const FtaTableSpec *spec;
    gconstpointer spec_data;
    GPtrArray *refs;      /* gconstpointer, the row structs in row order */
    /* the cells of the rows read last: REF_RING rows of n_columns cells;
     * ring_row[slot] the row a slot holds (G_MAXUINT: none),
     * ring_filled[slot] a bit per column filled */
    FtaValue *ring;
    guint *ring_row;
    guint64 *ring_filled;
    guint ring_next; /* the slot the next row read takes */
    guint8 ring_index[256]; /* row % 256 -> its slot + 1, 0: none (checked
                               against ring_row) */
    guint8 *ref_read;       /* a RefRead per column, how its cells are read */
    GString *scratch;
};

#define REF_RING FTA_TABLE_ROWS_KEPT

#define SLAB_MAX_ROWS 4096

FtaResults *
fta_results_new (void)
{
    FtaResults *r = g_new0 (FtaResults, 1);
    r->tables = g_ptr_array_new ();
    r->findings = g_ptr_array_new ();
    r->strings = g_string_chunk_new (4096);
    return r;
}

static void
table_free (FtaTable *t)
{
    if (t->refs)
        g_ptr_array_free (t->refs, TRUE);
    g_free (t->ring);
    g_free (t->ring_row);
    g_free (t->ring_filled);
    g_free (t->ref_read);
    if (t->scratch)
        g_string_free (t->scratch, TRUE);
    g_ptr_array_free (t->slabs, TRUE);
    g_ptr_array_free (t->rows, TRUE);
    g_array_free (t->columns, TRUE);
    g_string_chunk_free (t->strings);
    g_free (t->full_name);
    g_free (t->title);
    g_free (t->needs);
    g_free (t);
}

void
fta_results_free (FtaResults *r)
{
    if (!r)
        return;
    for (guint i = 0; i < r->tables->len; i++)
        table_free (g_ptr_array_index (r->tables, i));
    g_ptr_array_free (r->tables, TRUE);
    for (guint i = 0; i < r->findings->len; i++) {
        FtaFinding *f = g_ptr_array_index (r->findings, i);
        g_ptr_array_free (f->evidence_keys, TRUE);
        g_ptr_array_free (f->evidence_values, TRUE);
        g_free (f);
    }
    g_ptr_array_free (r->findings, TRUE);
    if (r->inputs) {
        g_ptr_array_free (r->inputs, TRUE);
        g_ptr_array_free (r->input_roles, TRUE);
    }
    if (r->own_quality) {
        g_array_free (r->own_quality->unparsed_examples, TRUE);
        g_ptr_array_free (r->own_quality->event_names, TRUE);
        g_array_free (r->own_quality->event_counts, TRUE);
        g_free (r->own_quality);
    }
    g_string_chunk_free (r->strings);
    g_free (r);
}

static const char *
keep (FtaResults *r, const char *s)
{
    return s ? g_string_chunk_insert_const (r->strings, s) : NULL;
}

FtaQuality *
fta_results_own_quality (FtaResults *r)
{
    FtaQuality *q = g_new0 (FtaQuality, 1);
    q->unparsed_examples = g_array_new (FALSE, FALSE, sizeof (FtaUnparsed));
    q->event_names = g_ptr_array_new ();
    q->event_counts = g_array_new (FALSE, TRUE, sizeof (guint64));
    q->first_ts_ns = q->last_ts_ns = -1;
    q->entries_in_buffer = q->entries_written = -1;
    q->header_cpus = -1;
    q->file_version = q->file_cpus = -1;
    r->own_quality = q;
    r->quality = q;
    return q;
}

FtaQuality *
fta_results_copy_quality (FtaResults *r, const FtaQuality *sq)
{
    FtaQuality *q = fta_results_own_quality (r);
    if (sq) {
        GArray *ex = q->unparsed_examples, *counts = q->event_counts;
        GPtrArray *names = q->event_names;
        *q = *sq;
        q->unparsed_examples = ex;
        q->event_names = names;
        q->event_counts = counts;
        q->input_path = keep (r, sq->input_path);
        q->format = keep (r, sq->format);
        q->format_variant = keep (r, sq->format_variant);
        q->compression = keep (r, sq->compression);
        q->profile = keep (r, sq->profile);
        q->cpu_list = keep (r, sq->cpu_list);
        q->trace_clock = keep (r, sq->trace_clock);
        q->tracecmd_version = keep (r, sq->tracecmd_version);
        q->buffer = keep (r, sq->buffer);
        q->buffers = keep (r, sq->buffers);
        for (guint i = 0; i < sq->unparsed_examples->len; i++) {
            FtaUnparsed u = g_array_index (sq->unparsed_examples, FtaUnparsed, i);
            u.text = keep (r, u.text);
            u.why = keep (r, u.why);
            g_array_append_val (ex, u);
        }
        for (guint i = 0; i < sq->event_names->len; i++)
            g_ptr_array_add (names, (gpointer) keep (r, g_ptr_array_index (sq->event_names, i)));
        g_array_append_vals (counts, sq->event_counts->data, sq->event_counts->len);
    }
    return q;
}

FtaResults *
fta_results_copy (const FtaResults *src)
{
    FtaResults *r = fta_results_new ();
    fta_results_copy_quality (r, src->quality);
    for (guint i = 0; i < src->tables->len; i++) {
        const FtaTable *st = g_ptr_array_index (src->tables, i);
        FtaTable *t = g_new0 (FtaTable, 1);
        t->full_name = g_strdup (st->full_name);
        t->title = g_strdup (st->title);
        t->series = st->series;
        t->window_ns = st->window_ns;
        t->start_ns = st->start_ns;
        t->columns = g_array_new (FALSE, TRUE, sizeof (FtaColumn));
        t->rows = g_ptr_array_new ();
        t->slabs = g_ptr_array_new_with_free_func (g_free);
        t->strings = g_string_chunk_new (4096);
        g_ptr_array_add (r->tables, t);
        for (guint c = 0; c < st->columns->len; c++) {
            const FtaColumn *sc = &g_array_index (st->columns, FtaColumn, c);
            guint nc = fta_table_add_column (t, sc->name, sc->type, sc->key);
            if (sc->display_unit)
                fta_table_set_display_unit (t, nc, sc->display_unit);
            fta_table_set_column_rank (t, nc, sc->rank);
        }
        t->omit_empty = st->omit_empty;
        t->needs = g_strdup (st->needs);
        for (guint row = 0; row < fta_table_n_rows (st); row++) {
            guint n = fta_table_add_row (t);
            FtaValue *dst = g_ptr_array_index (t->rows, n);
            for (guint c = 0; c < st->columns->len; c++) {
                const FtaValue *sv = fta_table_cell (st, row, c);
                dst[c] = *sv;
                if (!sv->is_null && sv->s)
                    dst[c].s = g_string_chunk_insert (t->strings, sv->s);
            }
        }
    }
    for (guint i = 0; i < src->findings->len; i++) {
        const FtaFinding *sf = g_ptr_array_index (src->findings, i);
        FtaFinding *f = fta_results_add_finding (r, sf->severity, sf->code, sf->title,
                                                 sf->cause, sf->advice);
        f->cost_ns = sf->cost_ns;
        for (guint k = 0; k < sf->evidence_keys->len; k++)
            fta_finding_add_evidence (f, g_ptr_array_index (sf->evidence_keys, k),
                                      g_ptr_array_index (sf->evidence_values, k));
    }
    return r;
}

static FtaTable *
table_new (FtaResults *r, const char *plugin, const char *name,
           const char *title)
{
    FtaTable *t = g_new0 (FtaTable, 1);
    t->full_name = g_strdup_printf ("%s.%s", plugin, name);
    t->title = g_strdup (title ? title : t->full_name);
    t->columns = g_array_new (FALSE, TRUE, sizeof (FtaColumn));
    t->rows = g_ptr_array_new ();
    t->slabs = g_ptr_array_new_with_free_func (g_free);
    t->strings = g_string_chunk_new (4096);
    g_ptr_array_add (r->tables, t);
    return t;
}

FtaTable *
fta_results_add_table (FtaResults *r, const char *plugin, const char *name,
                       const char *title)
{
    return table_new (r, plugin, name, title);
}

FtaTable *
fta_results_add_series (FtaResults *r, const char *plugin, const char *name,
                        const char *title, gint64 window_ns, gint64 start_ns)
{
    FtaTable *t = table_new (r, plugin, name, title);
    t->series = TRUE;
    t->window_ns = window_ns;
    t->start_ns = start_ns;
    return t;
}

guint
fta_table_add_column (FtaTable *t, const char *name, FtaColumnType type,
                      gboolean key)
{
    /* Columns are fixed once rows exist: rows are arrays of n_columns. */
    g_return_val_if_fail (t->rows->len == 0 && !t->refs, 0);
    FtaColumn c = {
        .name = g_string_chunk_insert_const (t->strings, name),
        .type = type,
        .unit = type == FTA_COL_DURATION ? "ns"
                : type == FTA_COL_PERCENT ? "%" : NULL,
        .key = key,
    };
    g_array_append_val (t->columns, c);
    return t->columns->len - 1;
}

static const struct {
    const char *name;
    double ns;
} display_units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 } };

void
fta_table_set_display_unit (FtaTable *t, guint col, const char *unit)
{
    g_return_if_fail (col < t->columns->len && unit);
    FtaColumn *c = &g_array_index (t->columns, FtaColumn, col);
    g_return_if_fail (c->type == FTA_COL_DURATION);
    for (guint i = 0; i < G_N_ELEMENTS (display_units); i++)
        if (strcmp (unit, display_units[i].name) == 0) {
            c->display_unit = display_units[i].name;
            return;
        }
    g_return_if_reached ();
}

void
fta_table_set_column_rank (FtaTable *t, guint col, guint rank)
{
    g_return_if_fail (col < t->columns->len);
    g_array_index (t->columns, FtaColumn, col).rank = rank;
}

void
fta_table_set_omit_empty (FtaTable *t, gboolean omit)
{
    t->omit_empty = omit;
}

gboolean
fta_table_omit_empty (const FtaTable *t)
{
    return t->omit_empty;
}

void
fta_table_set_needs (FtaTable *t, const char *events)
{
    g_free (t->needs);
    t->needs = events && *events ? g_strdup (events) : NULL;
}

const char *
fta_table_needs (const FtaTable *t)
{
    return t->needs;
}

void
fta_table_set_title (FtaTable *t, const char *title)
{
    g_free (t->title);
    t->title = g_strdup (title ? title : t->full_name);
}

static void
table_spec_columns (FtaTable *t, const FtaTableSpec *spec)
{
    for (guint i = 0; i < spec->n_columns; i++) {
        const FtaColumnSpec *cs = &spec->columns[i];
        guint col = fta_table_add_column (t, cs->name, cs->type, cs->key);
        if (cs->display_unit)
            fta_table_set_display_unit (t, col, cs->display_unit);
        if (cs->rank)
            fta_table_set_column_rank (t, col, cs->rank);
    }
    t->omit_empty = spec->omit_empty;
}

FtaTable *
fta_results_add_table_spec (FtaResults *r, const char *plugin, const FtaTableSpec *spec)
{
    FtaTable *t = table_new (r, plugin, spec->name, spec->title);
    table_spec_columns (t, spec);
    return t;
}

FtaTable *
fta_results_add_series_spec (FtaResults *r, const char *plugin, const FtaTableSpec *spec,
                             gint64 window_ns, gint64 start_ns)
{
    FtaTable *t = fta_results_add_series (r, plugin, spec->name, spec->title, window_ns,
                                          start_ns);
    table_spec_columns (t, spec);
    return t;
}

/* A cell of an FtaDist * field: KIND one of FTA_FIELD_DIST_*. */
static void
table_dist_cell (FtaDist *d, FtaFieldKind kind, FtaValue *v)
{
    guint64 n = d ? fta_dist_count (d) : 0;
    v->is_null = FALSE;
    switch (kind) {
    case FTA_FIELD_DIST_COUNT: v->i = (gint64) n; return;
    case FTA_FIELD_DIST_SUM: v->i = d ? fta_dist_sum (d) : 0; return;
    default: break;
    }
    if (!n) {
        v->is_null = TRUE;
        return;
    }
    switch (kind) {
    case FTA_FIELD_DIST_AVG: v->i = fta_dist_sum (d) / (gint64) n; break;
    case FTA_FIELD_DIST_P50: v->i = fta_dist_percentile (d, 50); break;
    case FTA_FIELD_DIST_P99: v->i = fta_dist_percentile (d, 99); break;
    default: v->i = fta_dist_max (d); break;
    }
}

/* Column CS's cell of ROW (a struct) as a table holds it, in *OUT.  A
 * string may point into the struct (*STABLE TRUE: a FTA_FIELD_STRING or
 * FTA_FIELD_CHARS field, as long-lived as the struct) or into *SCRATCH
 * (made on first need), not yet checked for UTF-8. */
static void
spec_cell (const FtaColumnSpec *cs, gconstpointer row, gconstpointer data, GString **scratch,
           FtaValue *out, gboolean *stable)
{
    const char *f = (const char *) row + cs->offset;
    gboolean double_field = cs->field == FTA_FIELD_DOUBLE || cs->field == FTA_FIELD_OPT_DOUBLE;
    FtaValue v = { .is_null = TRUE };
    *stable = FALSE;
    if (cs->get) {
        if (!*scratch)
            *scratch = g_string_sized_new (64);
        g_string_truncate (*scratch, 0);
        cs->get (row, data, &v, *scratch);
    } else {
        v.is_null = FALSE;
        *stable = TRUE;
        switch (cs->field) {
        case FTA_FIELD_INT32: v.i = *(const gint32 *) f; break;
        case FTA_FIELD_UINT32: v.i = *(const guint32 *) f; break;
        case FTA_FIELD_INT64: v.i = *(const gint64 *) f; break;
        case FTA_FIELD_UINT64: v.i = (gint64) *(const guint64 *) f; break;
        case FTA_FIELD_DOUBLE: v.d = *(const double *) f; break;
        case FTA_FIELD_STRING: v.s = *(const char *const *) f; break;
        case FTA_FIELD_CHARS: v.s = f; break;
        case FTA_FIELD_ID32:
            v.i = *(const gint32 *) f;
            v.is_null = v.i < 0;
            break;
        case FTA_FIELD_OPT_INT64:
            v.i = *(const gint64 *) f;
            v.is_null = v.i < 0;
            break;
        case FTA_FIELD_OPT_DOUBLE:
            v.d = *(const double *) f;
            v.is_null = isnan (v.d);
            break;
        case FTA_FIELD_DIST_COUNT:
        case FTA_FIELD_DIST_SUM:
        case FTA_FIELD_DIST_AVG:
        case FTA_FIELD_DIST_P50:
        case FTA_FIELD_DIST_P99:
        case FTA_FIELD_DIST_MAX:
            table_dist_cell (*(FtaDist *const *) f, cs->field, &v);
            break;
        case FTA_FIELD_NONE: v.is_null = TRUE; break;
        }
        if (v.s == NULL && (cs->field == FTA_FIELD_STRING))
            v.is_null = TRUE;
    }
    *out = (FtaValue) { .is_null = TRUE };
    if (v.is_null)
        return;
    if (cs->type == FTA_COL_STRING) {
        if (v.s) {
            out->is_null = FALSE;
            out->s = v.s;
        }
    } else if (cs->type == FTA_COL_PERCENT) {
        out->is_null = FALSE;
        out->d = cs->get || double_field ? v.d : (double) v.i;
    } else {
        out->is_null = FALSE;
        out->i = double_field && !cs->get ? (gint64) v.d : v.i;
    }
}

guint
fta_table_add_row_from (FtaTable *t, const FtaTableSpec *spec, gconstpointer row,
                        gconstpointer data)
{
    g_return_val_if_fail (spec->n_columns == t->columns->len, 0);
    guint r = fta_table_add_row (t);
    GString *scratch = NULL;
    for (guint i = 0; i < spec->n_columns; i++) {
        const FtaColumnSpec *cs = &spec->columns[i];
        FtaValue v;
        gboolean stable;
        spec_cell (cs, row, data, &scratch, &v, &stable);
        if (v.is_null)
            continue;
        if (cs->type == FTA_COL_STRING)
            fta_table_set_string (t, r, i, v.s);
        else if (cs->type == FTA_COL_PERCENT)
            fta_table_set_double (t, r, i, v.d);
        else
            fta_table_set_int (t, r, i, v.i);
    }
    if (scratch)
        g_string_free (scratch, TRUE);
    return r;
}

/* Rows by reference become rows of cells: before anything changes a row,
 * and for plugins of ABI 1.19 and older (the cells they are given stay
 * valid as long as the table). */
static void
table_settle (FtaTable *t)
{
    if (!t->refs)
        return;
    GPtrArray *refs = t->refs;
    t->refs = NULL;
    g_clear_pointer (&t->ring, g_free);
    g_clear_pointer (&t->ring_row, g_free);
    g_clear_pointer (&t->ring_filled, g_free);
    g_clear_pointer (&t->ref_read, g_free);
    for (guint i = 0; i < refs->len; i++)
        fta_table_add_row_from (t, t->spec, g_ptr_array_index (refs, i), t->spec_data);
    g_ptr_array_free (refs, TRUE);
}

void
fta_results_settle (FtaResults *r)
{
    for (guint i = 0; i < r->tables->len; i++)
        table_settle (g_ptr_array_index (r->tables, i));
}

/* How a column of rows by reference is read: the plain fields of the
 * common column types straight from the struct (as spec_cell would give
 * them), the others through spec_cell.  A table of a row per task has
 * its every cell read several times (sorts, the sinks' scans), so this
 * is the path those reads take. */
typedef enum {
    REF_READ_SPEC = 0,
    REF_READ_INT32,
    REF_READ_UINT32,
    REF_READ_INT64,
    REF_READ_UINT64,
    REF_READ_ID32,
    REF_READ_OPT_INT64,
    REF_READ_DOUBLE,
    REF_READ_OPT_DOUBLE,
    REF_READ_STRING,
    REF_READ_CHARS,
} RefRead;

static RefRead
ref_read_kind (const FtaColumnSpec *cs)
{
    if (cs->get)
        return REF_READ_SPEC;
    gboolean integer = cs->type == FTA_COL_INT || cs->type == FTA_COL_COUNT
                       || cs->type == FTA_COL_DURATION;
    switch (cs->field) {
    case FTA_FIELD_INT32: return integer ? REF_READ_INT32 : REF_READ_SPEC;
    case FTA_FIELD_UINT32: return integer ? REF_READ_UINT32 : REF_READ_SPEC;
    case FTA_FIELD_INT64: return integer ? REF_READ_INT64 : REF_READ_SPEC;
    case FTA_FIELD_UINT64: return integer ? REF_READ_UINT64 : REF_READ_SPEC;
    case FTA_FIELD_ID32: return integer ? REF_READ_ID32 : REF_READ_SPEC;
    case FTA_FIELD_OPT_INT64: return integer ? REF_READ_OPT_INT64 : REF_READ_SPEC;
    case FTA_FIELD_DOUBLE:
        return cs->type == FTA_COL_PERCENT ? REF_READ_DOUBLE : REF_READ_SPEC;
    case FTA_FIELD_OPT_DOUBLE:
        return cs->type == FTA_COL_PERCENT ? REF_READ_OPT_DOUBLE : REF_READ_SPEC;
    case FTA_FIELD_STRING:
        return cs->type == FTA_COL_STRING ? REF_READ_STRING : REF_READ_SPEC;
    case FTA_FIELD_CHARS:
        return cs->type == FTA_COL_STRING ? REF_READ_CHARS : REF_READ_SPEC;
    default: return REF_READ_SPEC;
    }
}

static inline gboolean
ascii_only (const char *s)
{
    for (; *s; s++)
        if ((guchar) *s >= 0x80)
            return FALSE;
    return TRUE;
}

guint
fta_table_add_row_ref (FtaTable *t, const FtaTableSpec *spec, gconstpointer row,
                       gconstpointer data)
{
    g_return_val_if_fail (spec->n_columns == t->columns->len, 0);
    if (t->rows->len || (t->refs && (t->spec != spec || t->spec_data != data))) {
        table_settle (t);
        return fta_table_add_row_from (t, spec, row, data);
    }
    if (!t->refs) {
        t->refs = g_ptr_array_new ();
        t->spec = spec;
        t->spec_data = data;
        t->ref_read = g_new (guint8, MAX (spec->n_columns, 1));
        for (guint i = 0; i < spec->n_columns; i++)
            t->ref_read[i] = ref_read_kind (&spec->columns[i]);
    }
    g_ptr_array_add (t->refs, (gpointer) row);
    return t->refs->len - 1;
}

/* The cell of a row by reference as a table of cells would hold it: a
 * string valid UTF-8 and as long-lived as the table. */
static void
ref_value (FtaTable *t, gconstpointer row, guint col, FtaValue *v)
{
    const FtaColumnSpec *cs = &t->spec->columns[col];
    const char *f = (const char *) row + cs->offset;
    const char *str = NULL;
    *v = (FtaValue) { .is_null = FALSE };
    switch ((RefRead) t->ref_read[col]) {
    case REF_READ_INT32: v->i = *(const gint32 *) f; return;
    case REF_READ_UINT32: v->i = *(const guint32 *) f; return;
    case REF_READ_INT64: v->i = *(const gint64 *) f; return;
    case REF_READ_UINT64: v->i = (gint64) *(const guint64 *) f; return;
    case REF_READ_ID32:
        if (*(const gint32 *) f < 0)
            v->is_null = TRUE;
        else
            v->i = *(const gint32 *) f;
        return;
    case REF_READ_OPT_INT64:
        if (*(const gint64 *) f < 0)
            v->is_null = TRUE;
        else
            v->i = *(const gint64 *) f;
        return;
    case REF_READ_DOUBLE: v->d = *(const double *) f; return;
    case REF_READ_OPT_DOUBLE:
        if (isnan (*(const double *) f))
            v->is_null = TRUE;
        else
            v->d = *(const double *) f;
        return;
    case REF_READ_STRING:
        str = *(const char *const *) f;
        if (!str) {
            v->is_null = TRUE;
            return;
        }
        break;
    case REF_READ_CHARS: str = f; break;
    case REF_READ_SPEC: break;
    }
    if (str && ascii_only (str)) {
        v->s = str;
        return;
    }
    gboolean stable;
    spec_cell (cs, row, t->spec_data, &t->scratch, v, &stable);
    if (v->is_null || cs->type != FTA_COL_STRING)
        return;
    if (g_utf8_validate (v->s, -1, NULL)) {
        if (!stable)
            v->s = g_string_chunk_insert_const (t->strings, v->s);
    } else {
        char *valid = g_utf8_make_valid (v->s, -1);
        v->s = g_string_chunk_insert_const (t->strings, valid);
        g_free (valid);
    }
}

/* A cell of a row by reference, read into the ring of the rows read last
 * (the oldest row read gives its slot to a new one): valid until REF_RING
 * other rows of the table are read. */
static const FtaValue *
ref_cell (FtaTable *t, guint row, guint col)
{
    guint nc = t->columns->len;
    if (!t->ring) {
        t->ring = g_new (FtaValue, (gsize) REF_RING * nc);
        t->ring_row = g_new (guint, REF_RING);
        t->ring_filled = g_new0 (guint64, REF_RING);
        for (guint i = 0; i < REF_RING; i++)
            t->ring_row[i] = G_MAXUINT;
        t->ring_next = 0;
    }
    /* a row whose index entry another row took is read again into a
     * slot of its own: the cells given out before stay where they are */
    guint8 *at = &t->ring_index[row % G_N_ELEMENTS (t->ring_index)];
    guint slot = *at ? *at - 1u : G_MAXUINT;
    if (slot == G_MAXUINT || t->ring_row[slot] != row) {
        slot = t->ring_next;
        t->ring_next = (t->ring_next + 1) % REF_RING;
        t->ring_row[slot] = row;
        t->ring_filled[slot] = 0;
        *at = (guint8) (slot + 1);
    }
    FtaValue *cells = t->ring + (gsize) slot * nc;
    guint64 bit = col < 64 ? (guint64) 1 << col : 0;
    if (!(t->ring_filled[slot] & bit)) {
        ref_value (t, g_ptr_array_index (t->refs, row), col, &cells[col]);
        t->ring_filled[slot] |= bit;
    }
    return &cells[col];
}

void
fta_results_add_input (FtaResults *r, const char *role, const FtaResults *in)
{
    if (!r->inputs) {
        r->inputs = g_ptr_array_new ();
        r->input_roles = g_ptr_array_new ();
    }
    g_ptr_array_add (r->inputs, (gpointer) in);
    g_ptr_array_add (r->input_roles, (gpointer) keep (r, role));
}

guint
fta_results_n_inputs (const FtaResults *r)
{
    return r->inputs ? r->inputs->len : 0;
}

const FtaResults *
fta_results_input (const FtaResults *r, guint i, const char **role)
{
    g_return_val_if_fail (i < fta_results_n_inputs (r), NULL);
    if (role)
        *role = g_ptr_array_index (r->input_roles, i);
    return g_ptr_array_index (r->inputs, i);
}

const char *
fta_column_display_unit (const FtaColumn *c)
{
    if (c->type == FTA_COL_DURATION)
        return c->display_unit ? c->display_unit : "ms";
    return c->type == FTA_COL_PERCENT ? "%" : NULL;
}

double
fta_column_display_scale (const FtaColumn *c)
{
    const char *unit = fta_column_display_unit (c);
    for (guint i = 0; c->type == FTA_COL_DURATION && i < G_N_ELEMENTS (display_units); i++)
        if (strcmp (unit, display_units[i].name) == 0)
            return display_units[i].ns;
    return 1;
}

char *
fta_column_display_name (const FtaColumn *c)
{
    if (c->type == FTA_COL_PERCENT) {
        /* "latency_avg_ns_delta_pct": a percent of a time is not in ns */
        GString *n = g_string_new (c->name);
        for (char *p; (p = strstr (n->str, "_ns_")) != NULL;)
            g_string_erase (n, p - n->str, 3);
        if (!g_str_has_suffix (n->str, "pct") && !strstr (n->str, "_pct_"))
            g_string_append (n, "_pct");
        return g_string_free (n, FALSE);
    }
    if (c->type != FTA_COL_DURATION)
        return g_strdup (c->name);
    const char *unit = fta_column_display_unit (c);
    if (strcmp (c->name, "ns") == 0)
        return g_strconcat ("time_", unit, NULL);
    /* the last "ns" between underscores (or at an end) */
    const char *at = NULL;
    for (const char *p = c->name; (p = strstr (p, "ns")) != NULL; p += 2)
        if ((p == c->name || p[-1] == '_') && (p[2] == '\0' || p[2] == '_'))
            at = p;
    if (!at)
        return g_strconcat (c->name, "_", unit, NULL);
    return g_strdup_printf ("%.*s%s%s", (int) (at - c->name), c->name, unit, at + 2);
}

guint
fta_table_add_row (FtaTable *t)
{
    table_settle (t);
    gsize n = t->columns->len ? t->columns->len : 1;
    if (t->n_free < n) {
        t->slab_rows = CLAMP (t->slab_rows * 2, 16, SLAB_MAX_ROWS);
        t->free_cells = g_new (FtaValue, n * t->slab_rows);
        t->n_free = n * t->slab_rows;
        g_ptr_array_add (t->slabs, t->free_cells);
    }
    FtaValue *row = t->free_cells;
    t->free_cells += n;
    t->n_free -= n;
    memset (row, 0, n * sizeof *row);
    for (guint i = 0; i < t->columns->len; i++)
        row[i].is_null = TRUE;
    g_ptr_array_add (t->rows, row);
    return t->rows->len - 1;
}

static FtaValue *
cell (FtaTable *t, guint row, guint col)
{
    table_settle (t);
    g_return_val_if_fail (row < t->rows->len && col < t->columns->len, NULL);
    FtaValue *r = g_ptr_array_index (t->rows, row);
    return &r[col];
}

void
fta_table_set_int (FtaTable *t, guint row, guint col, gint64 v)
{
    FtaValue *c = cell (t, row, col);
    if (c) {
        c->is_null = FALSE;
        c->i = v;
    }
}

void
fta_table_set_double (FtaTable *t, guint row, guint col, double v)
{
    FtaValue *c = cell (t, row, col);
    if (c) {
        c->is_null = FALSE;
        c->d = v;
    }
}

void
fta_table_set_string (FtaTable *t, guint row, guint col, const char *s)
{
    FtaValue *c = cell (t, row, col);
    if (c && s) {
        c->is_null = FALSE;
        /* comms are bytes, and the kernel's 15-byte cut can split a
         * character: tables hold valid UTF-8 for every sink.  Copied
         * as they come: looking each up to share the copies costs a hash
         * of every string, which a table of a row per task pays for
         * every task. */
        if (g_utf8_validate (s, -1, NULL)) {
            c->s = g_string_chunk_insert (t->strings, s);
        } else {
            char *v = g_utf8_make_valid (s, -1);
            c->s = g_string_chunk_insert (t->strings, v);
            g_free (v);
        }
    }
}

static int
value_cmp (const FtaValue *a, const FtaValue *b, FtaColumnType type)
{
    if (a->is_null || b->is_null)
        return (int) b->is_null - (int) a->is_null;
    switch (type) {
    case FTA_COL_STRING: return g_strcmp0 (a->s, b->s);
    case FTA_COL_PERCENT: return (a->d > b->d) - (a->d < b->d);
    default: return (a->i > b->i) - (a->i < b->i);
    }
}

typedef struct {
    guint col;
    FtaColumnType type;
    gboolean desc;
} SortSpec;

static int
row_cmp (gconstpointer pa, gconstpointer pb, gpointer data)
{
    const SortSpec *s = data;
    const FtaValue *a = *(FtaValue *const *) pa;
    const FtaValue *b = *(FtaValue *const *) pb;
    int c = value_cmp (&a[s->col], &b[s->col], s->type);
    return s->desc ? -c : c;
}

/* A row by reference's sort key: its cell of the column, its place. */
typedef struct {
    union {
        gint64 i;
        double d;
        const char *s;
    };
    guint32 row;
    gboolean is_null;
} RefKey;

static int
ref_key_cmp (gconstpointer pa, gconstpointer pb, gpointer data)
{
    const SortSpec *s = data;
    const RefKey *a = pa, *b = pb;
    int c;
    if (a->is_null || b->is_null)
        c = (int) b->is_null - (int) a->is_null;
    else if (s->type == FTA_COL_STRING)
        c = g_strcmp0 (a->s, b->s);
    else if (s->type == FTA_COL_PERCENT)
        c = (a->d > b->d) - (a->d < b->d);
    else
        c = (a->i > b->i) - (a->i < b->i);
    if (s->desc)
        c = -c;
    /* ties keep the order they had, as the stable sort of cells does */
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

/* Rows by reference in (key, row) order: a key made of the cell so that
 * its order as an unsigned integer is the column's order (descending:
 * complemented).  Sorted by radix, stable: equal keys keep their rows'
 * order, as the comparison sort's tie-break on the row does. */
typedef struct {
    guint64 k;
    guint32 row;
} RadixKey;

static void
radix_sort (RadixKey *a, gsize n)
{
    RadixKey *tmp = g_new (RadixKey, n), *from = a, *to = tmp;
    gsize (*count)[256] = g_malloc0 (8 * sizeof *count);
    for (gsize i = 0; i < n; i++)
        for (guint b = 0; b < 8; b++)
            count[b][(a[i].k >> (8 * b)) & 0xff]++;
    for (guint b = 0; b < 8; b++) {
        guint shift = 8 * b;
        if (count[b][(from[0].k >> shift) & 0xff] == n)
            continue; /* every key has this byte */
        gsize at = 0;
        for (guint v = 0; v < 256; v++) {
            gsize c = count[b][v];
            count[b][v] = at;
            at += c;
        }
        for (gsize i = 0; i < n; i++)
            to[count[b][(from[i].k >> shift) & 0xff]++] = from[i];
        RadixKey *x = from;
        from = to;
        to = x;
    }
    if (from != a)
        memcpy (a, from, n * sizeof *a);
    g_free (count);
    g_free (tmp);
}

/* A string key: its first 8 bytes as a big-endian number (0 past its
 * end) order strings as strcmp does, the rest only where they tie. */
typedef struct {
    guint64 prefix;
    const char *s;
    guint32 row;
} StrKey;

static inline int
str_key_cmp (const StrKey *a, const StrKey *b, gboolean desc)
{
    int c;
    if (a->prefix != b->prefix)
        c = a->prefix < b->prefix ? -1 : 1;
    else if ((a->prefix & 0xff) == 0)
        c = 0; /* both end within the prefix */
    else
        c = strcmp (a->s + 8, b->s + 8);
    c = (c > 0) - (c < 0);
    if (desc)
        c = -c;
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

static void
str_merge_sort (StrKey *a, StrKey *tmp, gsize n, gboolean desc)
{
    if (n <= 16) {
        for (gsize i = 1; i < n; i++) {
            StrKey x = a[i];
            gsize j = i;
            for (; j > 0 && str_key_cmp (&x, &a[j - 1], desc) < 0; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    gsize h = n / 2;
    str_merge_sort (a, tmp, h, desc);
    str_merge_sort (a + h, tmp, n - h, desc);
    if (str_key_cmp (&a[h - 1], &a[h], desc) <= 0)
        return;
    memcpy (tmp, a, h * sizeof *a);
    gsize i = 0, j = h, k = 0;
    while (i < h && j < n)
        a[k++] = str_key_cmp (&a[j], &tmp[i], desc) < 0 ? a[j++] : tmp[i++];
    while (i < h)
        a[k++] = tmp[i++];
}

/* The order-keeping unsigned key of a non-null cell of a numeric column;
 * FALSE for a NaN, which compares equal to every value and so has no
 * place in an order. */
static gboolean
radix_key (const FtaValue *v, FtaColumnType type, guint64 *k)
{
    if (type != FTA_COL_PERCENT) {
        *k = (guint64) v->i ^ G_GUINT64_CONSTANT (0x8000000000000000);
        return TRUE;
    }
    if (isnan (v->d))
        return FALSE;
    double d = v->d == 0 ? 0.0 : v->d; /* -0 and 0 are equal */
    guint64 bits;
    memcpy (&bits, &d, sizeof bits);
    *k = bits >> 63 ? ~bits : bits | G_GUINT64_CONSTANT (0x8000000000000000);
    return TRUE;
}

/* The rows in the order of KEYS (N of them, indexes of rows in .row), the
 * rows of null cells NULLS (in row order) first (ascending) or last. */
static void
ref_reorder (FtaTable *t, const guint32 *order, gsize n, gsize stride, const guint32 *nulls,
             gsize n_nulls, gboolean desc)
{
    gpointer *old = g_memdup2 (t->refs->pdata, (gsize) t->refs->len * sizeof (gpointer));
    gsize at = 0;
    if (!desc)
        for (gsize i = 0; i < n_nulls; i++)
            t->refs->pdata[at++] = old[nulls[i]];
    for (gsize i = 0; i < n; i++)
        t->refs->pdata[at++] = old[*(const guint32 *) ((const char *) order + i * stride)];
    if (desc)
        for (gsize i = 0; i < n_nulls; i++)
            t->refs->pdata[at++] = old[nulls[i]];
    g_free (old);
}

static void
ref_sort_keys (FtaTable *t, const SortSpec *s)
{
    guint n = t->refs->len;
    RefKey *keys = g_new (RefKey, n);
    for (guint r = 0; r < n; r++) {
        FtaValue v;
        ref_value (t, g_ptr_array_index (t->refs, r), s->col, &v);
        keys[r].is_null = v.is_null;
        keys[r].row = r;
        if (s->type == FTA_COL_STRING)
            keys[r].s = v.s;
        else if (s->type == FTA_COL_PERCENT)
            keys[r].d = v.d;
        else
            keys[r].i = v.i;
    }
    g_qsort_with_data (keys, (gint) n, sizeof *keys, ref_key_cmp, (gpointer) s);
    gpointer *old = g_memdup2 (t->refs->pdata, (gsize) n * sizeof (gpointer));
    for (guint r = 0; r < n; r++)
        t->refs->pdata[r] = old[keys[r].row];
    g_free (old);
    g_free (keys);
}

static void
ref_sort (FtaTable *t, const SortSpec *s)
{
    guint n = t->refs->len;
    guint32 *nulls = g_new (guint32, MAX (n, 1));
    gsize n_nulls = 0, m = 0;
    gboolean done = TRUE;
    if (s->type == FTA_COL_STRING) {
        StrKey *keys = g_new (StrKey, MAX (n, 1));
        for (guint r = 0; r < n; r++) {
            FtaValue v;
            ref_value (t, g_ptr_array_index (t->refs, r), s->col, &v);
            if (v.is_null || !v.s) {
                nulls[n_nulls++] = r;
                continue;
            }
            guint64 p = 0;
            guint b = 0;
            for (; b < 8 && v.s[b]; b++)
                p = p << 8 | (guchar) v.s[b];
            p <<= 8 * (8 - b);
            keys[m++] = (StrKey) { p, v.s, r };
        }
        StrKey *tmp = g_new (StrKey, MAX (m / 2 + 1, 1));
        str_merge_sort (keys, tmp, m, s->desc);
        g_free (tmp);
        ref_reorder (t, &keys[0].row, m, sizeof *keys, nulls, n_nulls, s->desc);
        g_free (keys);
    } else {
        RadixKey *keys = g_new (RadixKey, MAX (n, 1));
        for (guint r = 0; r < n && done; r++) {
            FtaValue v;
            ref_value (t, g_ptr_array_index (t->refs, r), s->col, &v);
            if (v.is_null) {
                nulls[n_nulls++] = r;
                continue;
            }
            done = radix_key (&v, s->type, &keys[m].k);
            keys[m].k = s->desc ? ~keys[m].k : keys[m].k;
            keys[m++].row = r;
        }
        if (done) {
            if (m)
                radix_sort (keys, m);
            ref_reorder (t, &keys[0].row, m, sizeof *keys, nulls, n_nulls, s->desc);
        }
        g_free (keys);
    }
    g_free (nulls);
    if (!done)
        ref_sort_keys (t, s);
    for (guint i = 0; t->ring_row && i < REF_RING; i++)
        t->ring_row[i] = G_MAXUINT;
    memset (t->ring_index, 0, sizeof t->ring_index);
}

void
fta_table_sort (FtaTable *t, guint col, gboolean descending)
{
    g_return_if_fail (col < t->columns->len);
    SortSpec s = { col, g_array_index (t->columns, FtaColumn, col).type,
                   descending };
    if (t->refs) {
        ref_sort (t, &s);
        return;
    }
    /* g_ptr_array_sort_with_data is a stable merge sort. */
    g_ptr_array_sort_with_data (t->rows, row_cmp, &s);
}

void
fta_table_sort_by (FtaTable *t, const char *column, gboolean descending)
{
    int col = fta_table_column_index (t, column);
    g_return_if_fail (col >= 0);
    fta_table_sort (t, (guint) col, descending);
}

FtaFinding *
fta_results_add_finding (FtaResults *r, FtaSeverity severity,
                         const char *code, const char *title,
                         const char *cause, const char *advice)
{
    FtaFinding *f = g_new0 (FtaFinding, 1);
    f->severity = severity;
    f->code = g_string_chunk_insert_const (r->strings, code ? code : "");
    f->title = g_string_chunk_insert_const (r->strings, title ? title : "");
    f->cause = g_string_chunk_insert_const (r->strings, cause ? cause : "");
    f->advice = g_string_chunk_insert_const (r->strings, advice ? advice : "");
    f->evidence_keys = g_ptr_array_new ();
    f->evidence_values = g_ptr_array_new ();
    f->owner = r;
    g_ptr_array_add (r->findings, f);
    return f;
}

static int
finding_cmp (gconstpointer a, gconstpointer b)
{
    const FtaFinding *x = *(const FtaFinding *const *) a;
    const FtaFinding *y = *(const FtaFinding *const *) b;
    if (x->severity != y->severity)
        return (int) y->severity - (int) x->severity;
    return (y->cost_ns > x->cost_ns) - (y->cost_ns < x->cost_ns);
}

void
fta_results_sort_findings (FtaResults *r)
{
    /* g_ptr_array_sort is a stable merge sort: among findings of one
     * severity and cost, the analyzers' own order is kept */
    g_ptr_array_sort (r->findings, finding_cmp);
}

void
fta_finding_set_cost (FtaFinding *f, gint64 cost_ns)
{
    f->cost_ns = MAX (cost_ns, 0);
}

void
fta_finding_add_evidence (FtaFinding *f, const char *key, const char *value)
{
    FtaResults *r = f->owner;
    g_ptr_array_add (f->evidence_keys, g_string_chunk_insert_const (r->strings, key));
    g_ptr_array_add (f->evidence_values,
                     g_string_chunk_insert_const (r->strings, value ? value : ""));
}

void
fta_finding_add_evidence_printf (FtaFinding *f, const char *key, const char *format, ...)
{
    va_list ap;
    va_start (ap, format);
    char *value = g_strdup_vprintf (format, ap);
    va_end (ap);
    fta_finding_add_evidence (f, key, value);
    g_free (value);
}

guint
fta_results_n_tables (const FtaResults *r)
{
    return r->tables->len;
}

const FtaTable *
fta_results_table (const FtaResults *r, guint i)
{
    return i < r->tables->len ? g_ptr_array_index (r->tables, i) : NULL;
}

const FtaTable *
fta_results_find_table (const FtaResults *r, const char *full_name)
{
    for (guint i = 0; i < r->tables->len; i++) {
        const FtaTable *t = g_ptr_array_index (r->tables, i);
        if (strcmp (t->full_name, full_name) == 0)
            return t;
    }
    return NULL;
}

FtaResults *
fta_results_select (const FtaResults *r, char **patterns)
{
    FtaResults *v = g_new0 (FtaResults, 1);
    v->tables = g_ptr_array_new ();
    v->findings = g_ptr_array_ref (r->findings);
    v->strings = g_string_chunk_new (64);
    v->quality = r->quality;
    if (r->inputs) {
        v->inputs = g_ptr_array_copy (r->inputs, NULL, NULL);
        v->input_roles = g_ptr_array_copy (r->input_roles, NULL, NULL);
    }
    for (guint i = 0; i < r->tables->len; i++) {
        FtaTable *t = g_ptr_array_index (r->tables, i);
        /* a comparator's "compare.switch.tasks" is also "switch.tasks" */
        const char *dot = strchr (t->full_name, '.');
        const char *inner = dot && strchr (dot + 1, '.') ? dot + 1 : NULL;
        for (char **p = patterns; p && *p; p++)
            if (g_pattern_match_simple (*p, t->full_name)
                || (inner && g_pattern_match_simple (*p, inner))) {
                g_ptr_array_add (v->tables, t);
                break;
            }
    }
    return v;
}

void
fta_results_free_view (FtaResults *v)
{
    if (!v)
        return;
    g_ptr_array_free (v->tables, TRUE);
    g_ptr_array_unref (v->findings);
    if (v->inputs) {
        g_ptr_array_free (v->inputs, TRUE);
        g_ptr_array_free (v->input_roles, TRUE);
    }
    g_string_chunk_free (v->strings);
    g_free (v);
}

guint
fta_results_n_findings (const FtaResults *r)
{
    return r->findings->len;
}

const FtaFinding *
fta_results_finding (const FtaResults *r, guint i)
{
    return i < r->findings->len ? g_ptr_array_index (r->findings, i) : NULL;
}

const FtaQuality *
fta_results_quality (const FtaResults *r)
{
    return r->quality;
}

guint64
fta_quality_event_count (const FtaQuality *q, const char *event)
{
    if (!q || !q->event_names || !q->event_counts)
        return 0;
    for (guint i = 0; i < q->event_names->len && i < q->event_counts->len; i++)
        if (strcmp (g_ptr_array_index (q->event_names, i), event) == 0)
            return g_array_index (q->event_counts, guint64, i);
    return 0;
}

const char *fta_table_full_name (const FtaTable *t) { return t->full_name; }
const char *fta_table_title (const FtaTable *t) { return t->title; }
gboolean fta_table_is_series (const FtaTable *t) { return t->series; }
gint64 fta_table_window_ns (const FtaTable *t) { return t->window_ns; }
gint64 fta_table_start_ns (const FtaTable *t) { return t->start_ns; }
guint fta_table_n_columns (const FtaTable *t) { return t->columns->len; }
guint fta_table_n_rows (const FtaTable *t) { return t->refs ? t->refs->len : t->rows->len; }

const FtaColumn *
fta_table_column (const FtaTable *t, guint col)
{
    return col < t->columns->len ? &g_array_index (t->columns, FtaColumn, col)
                                 : NULL;
}

int
fta_table_column_index (const FtaTable *t, const char *name)
{
    for (guint i = 0; i < t->columns->len; i++)
        if (strcmp (g_array_index (t->columns, FtaColumn, i).name, name) == 0)
            return (int) i;
    return -1;
}

const FtaValue *
fta_table_cell (const FtaTable *t, guint row, guint col)
{
    if (row >= fta_table_n_rows (t) || col >= t->columns->len)
        return NULL;
    if (t->refs)
        return ref_cell ((FtaTable *) t, row, col);
    const FtaValue *r = g_ptr_array_index (t->rows, row);
    return &r[col];
}

const char *
fta_column_type_name (FtaColumnType type)
{
    switch (type) {
    case FTA_COL_STRING: return "string";
    case FTA_COL_INT: return "int";
    case FTA_COL_COUNT: return "count";
    case FTA_COL_DURATION: return "duration";
    case FTA_COL_PERCENT: return "percent";
    }
    return "unknown";
}

const char *
fta_severity_name (FtaSeverity s)
{
    switch (s) {
    case FTA_SEVERITY_INFO: return "info";
    case FTA_SEVERITY_WARNING: return "warning";
    case FTA_SEVERITY_CRITICAL: return "critical";
    }
    return "unknown";
}

/* --- distributions ------------------------------------------------------- */

/* Exact up to EXACT_MAX samples; then every sample goes to a histogram of
 * 64 sub-buckets per power of two (relative error < 1.6%).  EXACT_MAX
 * samples take at most as much memory as the histogram (32 KB): a trace
 * of thousands of busy tasks, each with a distribution, keeps its peak
 * memory at tens of MB.
 *
 * Most distributions are small and many (one per task): the samples take
 * the fewest bytes that hold every value so far, 2 (0 to 65535 ns), 3
 * (below 16.8 ms), 4 (32-bit) or 8, all widened when a value needs more;
 * the first 8 bytes of them live in the struct, the rest in an array
 * grown by half, cut to malloc's sizes. */
#define EXACT_MAX 4096
#define SUB 64

/* The samples' sizes, in the order they widen: each holds the values of
 * the ones before. */
typedef enum {
    DIST_U16,
    DIST_U24,
    DIST_I32,
    DIST_I64,
} DistWidth;

static const guint8 dist_bytes[] = { 2, 3, 4, 8 };

struct _FtaDist {
    guint64 count;
    gint64 sum, min, max;
    union {
        guint8 in[8];      /* samples while cap * their size <= 8 */
        gpointer heap;     /* samples beyond that, while exact */
        guint64 *buckets;  /* 64 * SUB, once bucketed */
    } u;
    guint32 cap;           /* samples room, while exact */
    guint8 width;          /* DistWidth of the samples */
    guint8 sorted;         /* samples are in order: no add since the last sort */
    guint8 bucketed;
};

#define DIST_INLINE_BYTES 8

FtaDist *
fta_dist_new (void)
{
    FtaDist *d = g_new0 (FtaDist, 1);
    d->width = DIST_U16;
    d->cap = DIST_INLINE_BYTES / 2;
    d->min = G_MAXINT64;
    d->max = G_MININT64;
    return d;
}

/* The narrowest width that holds V. */
static inline DistWidth
dist_width_of (gint64 v)
{
    if (G_LIKELY ((guint64) v < ((guint64) 1 << 16)))
        return DIST_U16;
    if ((guint64) v < ((guint64) 1 << 24))
        return DIST_U24;
    return v >= G_MININT32 && v <= G_MAXINT32 ? DIST_I32 : DIST_I64;
}

/* The samples, while exact: in the struct or in the array. */
static inline guint8 *
dist_samples (const FtaDist *d)
{
    return d->cap * dist_bytes[d->width] <= DIST_INLINE_BYTES ? (guint8 *) d->u.in
                                                               : d->u.heap;
}

static inline gint64
sample_get (const guint8 *s, DistWidth w, guint64 i)
{
    switch (w) {
    case DIST_U16: return ((const guint16 *) s)[i];
    case DIST_U24: {
        const guint8 *b = s + 3 * i;
        return b[0] | (guint32) b[1] << 8 | (guint32) b[2] << 16;
    }
    case DIST_I32: return ((const gint32 *) s)[i];
    default: return ((const gint64 *) s)[i];
    }
}

static inline void
sample_set (guint8 *s, DistWidth w, guint64 i, gint64 v)
{
    switch (w) {
    case DIST_U16: ((guint16 *) s)[i] = (guint16) v; return;
    case DIST_U24: {
        guint8 *b = s + 3 * i;
        b[0] = (guint8) v;
        b[1] = (guint8) (v >> 8);
        b[2] = (guint8) (v >> 16);
        return;
    }
    case DIST_I32: ((gint32 *) s)[i] = (gint32) v; return;
    default: ((gint64 *) s)[i] = v; return;
    }
}

static inline gint64
dist_sample (const FtaDist *d, guint64 i)
{
    return sample_get (dist_samples (d), d->width, i);
}

/* Room in an array for CAP samples or more of width WIDTH (never
 * narrower than theirs): the samples held moved (and widened) there.
 * Called when the samples are full or must widen, and they then never
 * fit back in the struct. */
static void
dist_resize (FtaDist *d, guint64 cap, DistWidth width)
{
    gsize size = dist_bytes[width];
    /* malloc hands out 16n + 8 usable bytes: use them all */
    gsize bytes = MAX (cap * size, DIST_INLINE_BYTES + 1);
    bytes = ((bytes + 7) & ~(gsize) 15) + 8;
    guint8 *to = g_malloc (bytes);
    guint8 *from = dist_samples (d);
    if (d->width == width)
        memcpy (to, from, d->count * size);
    else
        for (guint64 i = 0; i < d->count; i++)
            sample_set (to, width, i, sample_get (from, d->width, i));
    if (from != d->u.in)
        g_free (from);
    d->u.heap = to;
    d->cap = (guint32) (bytes / size);
    d->width = width;
}

static guint
bucket_of (gint64 v)
{
    if (v < SUB)
        return v < 0 ? 0 : (guint) v;
    guint msb = 63 - __builtin_clzll ((guint64) v);
    guint shift = msb - 6;
    return (msb - 5) * SUB + (guint) ((v >> shift) & (SUB - 1));
}

static gint64
bucket_value (guint b)
{
    if (b < SUB)
        return b;
    guint msb = b / SUB + 5;
    guint shift = msb - 6;
    gint64 lo = ((gint64) (SUB + b % SUB)) << shift;
    return lo + ((((gint64) 1) << shift) >> 1);
}

void
fta_dist_add (FtaDist *d, gint64 v)
{
    if (G_UNLIKELY (!d->bucketed && d->count == EXACT_MAX)) {
        /* the exact samples' memory goes back: the histogram from here */
        guint64 *buckets = g_new0 (guint64, 64 * SUB);
        for (guint64 i = 0; i < d->count; i++)
            buckets[bucket_of (dist_sample (d, i))]++;
        if (dist_samples (d) != d->u.in)
            g_free (d->u.heap);
        d->u.buckets = buckets;
        d->bucketed = TRUE;
        d->cap = 0;
    }
    if (G_UNLIKELY (d->bucketed)) {
        d->u.buckets[bucket_of (v)]++;
    } else {
        DistWidth w = dist_width_of (v);
        if (G_UNLIKELY (d->count == d->cap || w > d->width))
            dist_resize (d, d->count == d->cap ? d->cap + MAX (d->cap / 2, 1) : d->cap,
                         MAX (w, (DistWidth) d->width));
        sample_set (dist_samples (d), d->width, d->count, v);
        d->sorted = FALSE;
    }
    d->count++;
    d->sum += v;
    if (v < d->min)
        d->min = v;
    if (v > d->max)
        d->max = v;
}

guint64 fta_dist_count (const FtaDist *d) { return d->count; }
gint64 fta_dist_sum (const FtaDist *d) { return d->sum; }
gint64 fta_dist_max (const FtaDist *d) { return d->count ? d->max : -1; }
gint64 fta_dist_min (const FtaDist *d) { return d->count ? d->min : -1; }

static int
cmp_i64 (const void *a, const void *b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
    return (x > y) - (x < y);
}

static int
cmp_i32 (const void *a, const void *b)
{
    gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;
    return (x > y) - (x < y);
}

static int
cmp_u16 (const void *a, const void *b)
{
    return (int) *(const guint16 *) a - (int) *(const guint16 *) b;
}

static int
cmp_u24 (const void *a, const void *b)
{
    return (int) sample_get (a, DIST_U24, 0) - (int) sample_get (b, DIST_U24, 0);
}

/* by DistWidth */
static int (*const dist_cmp[]) (const void *, const void *) = { cmp_u16, cmp_u24, cmp_i32,
                                                                cmp_i64 };

gint64
fta_dist_percentile (FtaDist *d, double p)
{
    if (d->count == 0)
        return -1;
    /* nearest rank: the smallest value with at least p% at or below it */
    guint64 rank = (guint64) ((p / 100.0) * d->count + 0.999999999);
    if (rank < 1)
        rank = 1;
    if (rank > d->count)
        rank = d->count;
    if (!d->bucketed) {
        if (!d->sorted)
            qsort (dist_samples (d), d->count, dist_bytes[d->width], dist_cmp[d->width]);
        d->sorted = TRUE;
        return dist_sample (d, rank - 1);
    }
    guint64 seen = 0;
    for (guint b = 0; b < 64 * SUB; b++) {
        seen += d->u.buckets[b];
        if (seen >= rank) {
            gint64 v = bucket_value (b);
            return CLAMP (v, d->min, d->max);
        }
    }
    return d->max;
}

/* The log2 bucket of V, as fta_dist_log2_counts counts it. */
static inline guint
log2_of (gint64 v)
{
    return v < 2 ? 0 : 63 - (guint) __builtin_clzll ((guint64) v);
}

void
fta_dist_log2_counts (const FtaDist *d, guint64 counts[64])
{
    memset (counts, 0, 64 * sizeof *counts);
    if (!d->bucketed) {
        for (guint64 i = 0; i < d->count; i++)
            counts[log2_of (dist_sample (d, i))]++;
        return;
    }
    /* a bucket of the histogram holds values of one power of two: below
     * SUB, one value each (negatives with 0); above, the values of one
     * most significant bit */
    for (guint b = 0; b < 64 * SUB; b++)
        if (d->u.buckets[b])
            counts[b < SUB ? log2_of (b) : b / SUB + 5] += d->u.buckets[b];
}

void
fta_dist_free (FtaDist *d)
{
    if (!d)
        return;
    if (d->bucketed)
        g_free (d->u.buckets);
    else if (dist_samples (d) != d->u.in)
        g_free (d->u.heap);
    g_free (d);
}
