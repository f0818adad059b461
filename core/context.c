/* context.c - the FtaContext calls plugins make while they run: the run's
 * settings, names of tasks, and whether a task is selected by --comm and
 * --pid, and whether a sink may colour its output.
 *
 * Owns the selection caches of the context (ctx->sel_cache,
 * ctx->sel_by_task); reads the sched model for names.  Set up by select.c
 * and output.c before plugins are created.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "core.h"

void
fta_context_init (FtaContext *ctx, const FtaModel *model)
{
    memset (ctx, 0, sizeof *ctx);
    ctx->model = model;
    ctx->sel_cache = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    ctx->sel_by_task = g_ptr_array_new_with_free_func (g_free);
}

void
fta_context_clear (FtaContext *ctx)
{
    if (ctx->pids)
        g_hash_table_destroy (ctx->pids);
    if (ctx->comm_re)
        g_regex_unref (ctx->comm_re);
    g_hash_table_destroy (ctx->sel_cache);
    g_ptr_array_free (ctx->sel_by_task, TRUE);
    g_free (ctx->filter_text);
    g_free (ctx->output_dir);
    g_free (ctx->output_stem);
}

guint
fta_context_top (const FtaContext *ctx)
{
    return ctx->top;
}

gboolean
fta_context_summary (const FtaContext *ctx)
{
    return ctx->summary;
}

gint64
fta_context_window_ns (const FtaContext *ctx)
{
    return ctx->window_ns;
}

const char *
fta_context_output_dir (const FtaContext *ctx)
{
    return ctx->output_dir;
}

const char *
fta_context_output_stem (const FtaContext *ctx)
{
    return ctx->output_stem ? ctx->output_stem : "ftrace-analyzer";
}

const char *
fta_context_output_file (const FtaContext *ctx)
{
    return ctx->output_file;
}

const char *
fta_context_filter_text (const FtaContext *ctx)
{
    return ctx->filter_text ? ctx->filter_text : "";
}

gboolean
fta_context_use_color (const FtaContext *ctx, FILE *out)
{
    if (!out || fileno (out) != STDOUT_FILENO)
        return FALSE;
    if (ctx->color != FTA_COLOR_AUTO)
        return ctx->color == FTA_COLOR_ALWAYS;
    const char *no = g_getenv ("NO_COLOR"), *term = g_getenv ("TERM");
    return !(no && *no) && g_strcmp0 (term, "dumb") != 0 && isatty (STDOUT_FILENO);
}

const char *
fta_context_comm (const FtaContext *ctx, gint32 pid)
{
    return ctx->model ? fta_model_comm (ctx->model, pid) : NULL;
}

const char *
fta_context_task_comm (const FtaContext *ctx, guint32 task)
{
    return ctx->model ? fta_model_task_comm (ctx->model, task) : NULL;
}

guint32
fta_context_task_seq (const FtaContext *ctx, guint32 task)
{
    return ctx->model ? fta_model_task_seq (ctx->model, task) : 0;
}

const char *
fta_context_task_other_comms (const FtaContext *ctx, guint32 task)
{
    return ctx->model ? fta_model_task_other_comms (ctx->model, task) : NULL;
}

typedef struct {
    char comm[FTA_COMM_LEN];
    gboolean known;   /* ok is the verdict for comm */
    gboolean ok;
    gboolean pid_ok;  /* by task id: the pid passes --pid */
} Selection;

static gboolean
selection_verdict (const FtaContext *ctx, Selection *sel, const char *comm)
{
    if (strncmp (sel->comm, comm, FTA_COMM_LEN) != 0 || !sel->known) {
        g_strlcpy (sel->comm, comm, FTA_COMM_LEN);
        sel->ok = g_regex_match (ctx->comm_re, comm, 0, NULL);
        sel->known = TRUE;
    }
    return sel->ok;
}

gboolean
fta_context_task_selected (const FtaContext *ctx, gint32 pid, const char *comm)
{
    if (!ctx->comm_re && !ctx->pids)
        return TRUE;
    if (ctx->pids && !g_hash_table_contains (ctx->pids, GINT_TO_POINTER (pid)))
        return FALSE;
    if (!ctx->comm_re)
        return TRUE;
    /* The regex runs once per distinct (pid, comm): a pid keeps its
     * verdict until it shows another comm. */
    Selection *sel = g_hash_table_lookup (ctx->sel_cache, GINT_TO_POINTER (pid));
    if (!sel) {
        sel = g_new0 (Selection, 1);
        g_hash_table_insert (ctx->sel_cache, GINT_TO_POINTER (pid), sel);
    }
    return selection_verdict (ctx, sel, comm ? comm : "");
}

gboolean
fta_context_task_selected_id (const FtaContext *ctx, guint32 task, gint32 pid,
                              const char *comm)
{
    if (!ctx->comm_re && !ctx->pids)
        return TRUE;
    if (task == FTA_TASK_NONE)
        return fta_context_task_selected (ctx, pid, comm);
    Selection *sel = fta_task_slot (ctx->sel_by_task, task);
    if (!sel) {
        sel = g_new0 (Selection, 1);
        sel->pid_ok = !ctx->pids || g_hash_table_contains (ctx->pids, GINT_TO_POINTER (pid));
        fta_task_slot_set (ctx->sel_by_task, task, sel);
    }
    if (!sel->pid_ok)
        return FALSE;
    if (!ctx->comm_re)
        return TRUE;
    return selection_verdict (ctx, sel, comm ? comm : "");
}
