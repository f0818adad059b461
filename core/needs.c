/* needs.c - tables left empty because the trace lacks the events they
 * need (fta_table_set_needs): which events to record, said once, in the
 * table quality.missing_events and in a note on standard error.
 *
 * An event counts as present when the whole trace has one, whatever the
 * filters report: a table that --start/--end, --cpu, --comm or --events
 * emptied is not blamed on the recording.
 */
#include "config.h"

#include <string.h>

#include "run.h"

/* A group of a table's needs that the trace lacks: its alternatives, the
 * first one the one to record, and the tables it leaves empty. */
typedef struct {
    char **alternatives;
    GString *tables;
} Missing;

/* The tracefs directory an event the analyzers know lives in; NULL for
 * others (the note then names the event alone). */
static const char *
event_system (const char *event)
{
    static const struct {
        const char *prefix, *system;
    } systems[] = {
        { "sched_", "sched" },       { "irq_handler_", "irq" }, { "softirq_", "irq" },
        { "block_", "block" },       { "kvm_", "kvm" },         { "workqueue_", "workqueue" },
        { "timer_", "timer" },       { "hrtimer_", "timer" },   { "power_", "power" },
        { "cpu_idle", "power" },     { "cpu_frequency", "power" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (systems); i++)
        if (g_str_has_prefix (event, systems[i].prefix))
            return systems[i].system;
    return NULL;
}

static char *
tracefs_command (const char *event)
{
    const char *sys = event_system (event);
    return g_strdup_printf ("echo 1 > /sys/kernel/tracing/events/%s/%s/enable",
                            sys ? sys : "*", event);
}

static char *
tracecmd_option (const char *event)
{
    const char *sys = event_system (event);
    return g_strdup_printf ("-e %s%s%s", sys ? sys : "", sys ? ":" : "", event);
}

static FtaTable *
missing_table_new (FtaResults *r)
{
    FtaTable *t = fta_results_add_table (
        r, "quality", "missing_events",
        "Events the trace lacks, the tables they leave empty, and how to record them");
    fta_table_add_column (t, "event", FTA_COL_STRING, TRUE);
    fta_table_add_column (t, "alternatives", FTA_COL_STRING, FALSE);
    fta_table_add_column (t, "trace_cmd", FTA_COL_STRING, FALSE);
    fta_table_add_column (t, "tracefs", FTA_COL_STRING, FALSE);
    /* long: JSON and CSV have it, the note on standard error names the
     * analyzers */
    guint c = fta_table_add_column (t, "tables", FTA_COL_STRING, FALSE);
    fta_table_set_column_rank (t, c, FTA_RANK_DETAIL);
    fta_table_set_omit_empty (t, TRUE);
    return t;
}

/* The entry of the event ALT[0] (the one to record), made on first sight
 * with ALT's alternatives: "sched_switch" and "sched_switch|
 * sched_migrate_task" both ask for sched_switch. */
static Missing *
missing_find (GPtrArray *list, char **alt)
{
    for (guint i = 0; i < list->len; i++) {
        Missing *m = g_ptr_array_index (list, i);
        if (strcmp (m->alternatives[0], alt[0]) == 0)
            return m;
    }
    Missing *m = g_new0 (Missing, 1);
    m->alternatives = g_strdupv (alt);
    m->tables = g_string_new (NULL);
    g_ptr_array_add (list, m);
    return m;
}

static void
missing_free (gpointer p)
{
    Missing *m = p;
    g_strfreev (m->alternatives);
    g_string_free (m->tables, TRUE);
    g_free (m);
}

static void
add_plugin (GPtrArray *plugins, const char *full_name)
{
    const char *dot = strchr (full_name, '.');
    char *plugin = g_strndup (full_name, dot ? (gsize) (dot - full_name) : strlen (full_name));
    for (guint i = 0; i < plugins->len; i++)
        if (strcmp (g_ptr_array_index (plugins, i), plugin) == 0) {
            g_free (plugin);
            return;
        }
    g_ptr_array_add (plugins, plugin);
}

/* "a, b (or c)" for the note. */
static void
append_group (GString *s, const Missing *m)
{
    g_string_append (s, m->alternatives[0]);
    if (m->alternatives[1]) {
        g_string_append (s, " (or ");
        for (guint i = 1; m->alternatives[i]; i++)
            g_string_append_printf (s, "%s%s", i > 1 ? ", " : "", m->alternatives[i]);
        g_string_append (s, ")");
    }
}

void
fta_needs_check (const FtaEngine *e, FtaResults *r, const char *path, gboolean quiet)
{
    const FtaQuality *q = &e->q;
    FtaTable *missing = missing_table_new (r);
    GPtrArray *list = g_ptr_array_new_with_free_func (missing_free);
    GPtrArray *plugins = g_ptr_array_new_with_free_func (g_free);
    guint n_tables = 0;
    for (guint i = 0; i < fta_results_n_tables (r); i++) {
        FtaTable *t = (FtaTable *) fta_results_table (r, i);
        const char *needs = fta_table_needs (t);
        if (t == missing || !needs || fta_table_n_rows (t))
            continue;
        char **groups = g_strsplit (needs, ",", -1);
        gboolean lacking = FALSE;
        for (char **g = groups; *g; g++) {
            char *group = g_strstrip (*g);
            if (!*group)
                continue;
            char **alt = g_strsplit (group, "|", -1);
            gboolean have = FALSE;
            for (char **a = alt; *a && !have; a++)
                have = fta_quality_event_count (q, g_strstrip (*a)) > 0;
            if (!have) {
                Missing *m = missing_find (list, alt);
                g_string_append_printf (m->tables, "%s%s", m->tables->len ? ", " : "",
                                        fta_table_full_name (t));
                lacking = TRUE;
            }
            g_strfreev (alt);
        }
        g_strfreev (groups);
        if (lacking) {
            fta_table_set_omit_empty (t, TRUE);
            add_plugin (plugins, fta_table_full_name (t));
            n_tables++;
        }
    }
    if (!list->len)
        goto out;
    /* with something to say, the first table; else the last */
    g_ptr_array_remove_index (r->tables, r->tables->len - 1);
    g_ptr_array_insert (r->tables, 0, missing);

    GString *names = g_string_new (NULL), *record = g_string_new ("trace-cmd record");
    GString *echo = g_string_new (NULL);
    for (guint i = 0; i < list->len; i++) {
        Missing *m = g_ptr_array_index (list, i);
        const char *event = m->alternatives[0];
        char *alts = m->alternatives[1] ? g_strjoinv (", ", m->alternatives + 1) : NULL;
        char *tracefs = tracefs_command (event), *option = tracecmd_option (event);
        guint row = fta_table_add_row (missing);
        fta_table_set_string (missing, row, 0, event);
        if (alts)
            fta_table_set_string (missing, row, 1, alts);
        fta_table_set_string (missing, row, 2, option);
        fta_table_set_string (missing, row, 3, tracefs);
        fta_table_set_string (missing, row, 4, m->tables->str);
        if (i)
            g_string_append (names, i + 1 == list->len ? " and " : ", ");
        append_group (names, m);
        g_string_append_printf (record, " %s", option);
        g_string_append_printf (echo, "  %s\n", tracefs);
        g_free (alts);
        g_free (tracefs);
        g_free (option);
    }
    if (!quiet) {
        GString *who = g_string_new (NULL);
        for (guint i = 0; i < plugins->len; i++)
            g_string_append_printf (who, "%s%s", i ? ", " : "",
                                    (const char *) g_ptr_array_index (plugins, i));
        g_printerr ("ftrace-analyzer: note: %s has no %s event%s: %u table%s of %s %s "
                    "nothing to show (quality.missing_events lists them; text leaves "
                    "them out). Record %s with\n  %s ...\nor enable %s in tracefs "
                    "before recording:\n%s",
                    path, names->str, list->len > 1 ? "s" : "", n_tables,
                    n_tables == 1 ? "" : "s", who->str, n_tables == 1 ? "has" : "have",
                    list->len > 1 ? "them" : "it", record->str,
                    list->len > 1 ? "them" : "it", echo->str);
        g_string_free (who, TRUE);
    }
    g_string_free (names, TRUE);
    g_string_free (record, TRUE);
    g_string_free (echo, TRUE);
out:
    g_ptr_array_free (plugins, TRUE);
    g_ptr_array_free (list, TRUE);
}
