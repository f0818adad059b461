/* standalone.c - a fuzz target without libFuzzer, for `make check`: every
 * file of fuzz/seeds/NAME and fuzz/regressions/NAME (the inputs that once
 * crashed or hung) given to the target once, a test case each, so that
 * what fuzzing found stays fixed in every build, sanitizers or not.
 * Files given on the command line after the GLib options are run instead.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fuzz.h"

static void
run_file (gconstpointer data)
{
    const char *path = data;
    char *bytes;
    gsize len;
    GError *error = NULL;
    g_assert_true (g_file_get_contents (path, &bytes, &len, &error));
    /* libFuzzer's buffers are exactly as large as the input */
    guint8 *exact = g_malloc (len ? len : 1);
    memcpy (exact, bytes, len);
    LLVMFuzzerTestOneInput (exact, len);
    g_free (exact);
    g_free (bytes);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
add_dir (const char *kind)
{
    char *dir = g_test_build_filename (G_TEST_DIST, "..", "fuzz", kind, FTA_FUZZ_NAME, NULL);
    GDir *d = g_dir_open (dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
    for (const char *n; d && (n = g_dir_read_name (d));)
        if (n[0] != '.' && g_strcmp0 (n, "README.md") != 0)
            g_ptr_array_add (names, g_strdup (n));
    if (d)
        g_dir_close (d);
    g_ptr_array_sort (names, by_name);
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index (names, i);
        char *test = g_strdup_printf ("/fuzz/%s/%s/%s", FTA_FUZZ_NAME, kind, n);
        g_test_add_data_func_full (test, g_build_filename (dir, n, NULL), run_file, g_free);
        g_free (test);
    }
    g_ptr_array_free (names, TRUE);
    g_free (dir);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    LLVMFuzzerInitialize (&argc, &argv);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            run_file (argv[i]);
        return 0;
    }
    add_dir ("seeds");
    add_dir ("regressions");
    return g_test_run ();
}
