/* markdown.c - an example sink: the whole result as Markdown.
 *
 * Sinks render the generic result model and never know which analyzer
 * made a table: the input's quality first, then the findings as a list,
 * then every table (series too) as a Markdown table with its columns in
 * the units text output uses, at most --top rows each.
 *
 *   ftrace-analyzer -c ../examples.cfg -f markdown trace.txt
 *   ftrace-analyzer -c ../examples.cfg -o report.md trace.txt
 */
#include <ftrace-analyzer/ftrace-analyzer.h>

typedef struct {
    const FtaContext *ctx;
} Markdown;

static void *
markdown_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) opts;
    (void) error;
    Markdown *m = g_new0 (Markdown, 1);
    m->ctx = ctx;
    return m;
}

/* TEXT in a table cell: '|' escaped, line breaks as blanks. */
static void
markdown_text (FILE *out, const char *text)
{
    for (const char *c = text; c && *c; c++) {
        if (*c == '|')
            fputs ("\\|", out);
        else if (*c == '\n' || *c == '\r')
            fputc (' ', out);
        else
            fputc (*c, out);
    }
}

static void
markdown_cell (FILE *out, const FtaColumn *col, const FtaValue *v)
{
    if (v->is_null)
        return;
    switch (col->type) {
    case FTA_COL_STRING:
        markdown_text (out, v->s);
        break;
    case FTA_COL_PERCENT:
        fprintf (out, "%.1f", v->d);
        break;
    case FTA_COL_DURATION:
        fprintf (out, "%.3f", (double) v->i / fta_column_display_scale (col));
        break;
    default:
        fprintf (out, "%" G_GINT64_FORMAT, v->i);
        break;
    }
}

static void
markdown_table (const Markdown *m, const FtaTable *t, FILE *out)
{
    guint nc = fta_table_n_columns (t), nr = fta_table_n_rows (t);
    guint top = fta_context_top (m->ctx);
    fprintf (out, "## %s (`%s`)\n\n", fta_table_title (t), fta_table_full_name (t));
    if (!nr) {
        fputs ("(no rows)\n\n", out);
        return;
    }
    fputc ('|', out);
    for (guint c = 0; c < nc; c++) {
        char *name = fta_column_display_name (fta_table_column (t, c));
        fprintf (out, " %s |", name);
        g_free (name);
    }
    fputs ("\n|", out);
    for (guint c = 0; c < nc; c++)
        fputs (fta_table_column (t, c)->type == FTA_COL_STRING ? " --- |" : " ---: |", out);
    fputc ('\n', out);
    guint shown = top && nr > top ? top : nr;
    for (guint r = 0; r < shown; r++) {
        fputc ('|', out);
        for (guint c = 0; c < nc; c++) {
            fputc (' ', out);
            markdown_cell (out, fta_table_column (t, c), fta_table_cell (t, r, c));
            fputs (" |", out);
        }
        fputc ('\n', out);
    }
    if (shown < nr)
        fprintf (out, "\n%u more rows (--top 0 shows all).\n", nr - shown);
    fputc ('\n', out);
}

static gboolean
markdown_render (void *self, const FtaResults *r, FILE *out, GError **error)
{
    (void) error;
    const Markdown *m = self;
    const FtaQuality *q = fta_results_quality (r);
    fputs ("# ftrace-analyzer report\n\n", out);
    if (q) {
        fprintf (out, "- input: `%s` (%s)\n", q->input_path ? q->input_path : "-",
                 q->format ? q->format : "unknown format");
        fprintf (out, "- lines: %" G_GUINT64_FORMAT " read, %" G_GUINT64_FORMAT
                 " events, %" G_GUINT64_FORMAT " not understood\n",
                 q->lines_total, q->lines_event, q->lines_unparsed);
        if (q->lost_markers)
            fprintf (out, "- events lost: %" G_GINT64_FORMAT " at %" G_GUINT64_FORMAT
                     " markers\n", q->lost_events, q->lost_markers);
        fputc ('\n', out);
    }
    guint nf = fta_results_n_findings (r);
    if (nf) {
        fputs ("## Findings\n\n", out);
        for (guint i = 0; i < nf; i++) {
            const FtaFinding *f = fta_results_finding (r, i);
            fprintf (out, "- **%s** ", fta_severity_name (f->severity));
            markdown_text (out, f->title);
            fprintf (out, " (`%s`)\n", f->code);
        }
        fputc ('\n', out);
    }
    for (guint i = 0; i < fta_results_n_tables (r); i++)
        markdown_table (m, fta_results_table (r, i), out);
    return !ferror (out);
}

FTA_PLUGIN_DEFINE (
    .name = "markdown",
    .kind = FTA_PLUGIN_SINK,
    .summary = "the whole result as Markdown: quality, findings, every table",
    .create = markdown_create,
    .render = markdown_render,
    .destroy = g_free,
    .extension = "md",
);
