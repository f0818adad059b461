/* test-systrace.c - Android systrace HTML's PROCESS DUMP block, through the
 * CLI, on tests/data/systrace/process-dump.html: a hand-written page with a
 * PROCESS DUMP block (the short `ps -A -T` form: USER PID TID CMD, six
 * threads and one line that is none), a CGROUP DUMP block and a trace block
 * whose TGID column gives only two tgids.  The expected values are read
 * off that file by eye. */
#include <string.h>

#include <json-glib/json-glib.h>

#include "fta-test.h"

static gint64
tgid_of (GPtrArray *rows, gint64 pid)
{
    for (guint i = 0; i < rows->len; i++)
        if (fta_test_cell_int (g_ptr_array_index (rows, i), "pid") == pid)
            return fta_test_cell_int (g_ptr_array_index (rows, i), "tgid");
    g_assert_not_reached ();
}

static void
test_process_dump (void)
{
    char *html = g_test_build_filename (G_TEST_DIST, "data", "systrace", "process-dump.html",
                                        NULL);
    const char *args[] = { "-q", "-f", "json", html, NULL };
    JsonParser *p = fta_test_run_json (args);
    JsonObject *doc = fta_test_root (p);
    JsonObject *q = json_object_get_object_member (doc, "quality");
    /* 45 lines: 8 events; the blocks' lines are header lines, but for the
     * one line of the dump that is no ps line */
    g_assert_cmpint (json_object_get_int_member (q, "lines_total"), ==, 45);
    g_assert_cmpint (json_object_get_int_member (q, "lines_event"), ==, 8);
    g_assert_cmpint (json_object_get_int_member (q, "lines_unparsed"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (q, "lines_header"), ==, 36);
    g_assert_cmpint (json_object_get_int_member (q, "process_dump_threads"), ==, 6);
    JsonArray *ex = json_object_get_array_member (q, "unparsed_examples");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (ex, 0), "line"),
                     ==, 17);
    GPtrArray *rows = fta_test_rows (doc, "switch.tasks");
    /* from the dump: the app's threads, the app itself */
    g_assert_cmpint (tgid_of (rows, 2015), ==, 2001);
    g_assert_cmpint (tgid_of (rows, 2016), ==, 2001);
    g_assert_cmpint (tgid_of (rows, 2001), ==, 2001);
    /* from the TGID column */
    g_assert_cmpint (tgid_of (rows, 702), ==, 640);
    g_assert_cmpint (tgid_of (rows, 1), ==, 1);
    /* in neither */
    g_assert_cmpint (tgid_of (rows, 3333), ==, -1);
    g_ptr_array_free (rows, TRUE);
    g_object_unref (p);
    g_free (html);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/systrace/process-dump", test_process_dump);
    return g_test_run ();
}
