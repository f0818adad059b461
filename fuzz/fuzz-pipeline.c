/* fuzz-pipeline.c - libFuzzer target: a whole run on one input, from the
 * reading to every sink's files.
 *
 * The plugins (every analyzer of the default profile and the five sinks)
 * are loaded and their options read once per process, as several traces
 * in one command share them; each input gets fresh instances, as each
 * trace does.  The input is a memory file (memfd), read as a trace file
 * is; the sinks write into a directory of their own.  The first byte
 * chooses how the run reads: -j 1 or 2, with or without --sort, a --start
 * and a --cpu filter, a --window, and the sinks (all five, one run in
 * eight; else json alone).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine.h"
#include "fuzz.h"

/* the default profile's analyzers; gnuplot writes scripts, never runs */
static const char profile_text[] =
    "analyzers = [ \"switch\", \"wakeup\", \"cpu\", \"blocking\", \"migration\", \"irq\",\n"
    "              \"kvm\", \"timeline\", \"diagnosis\" ];\n"
    "sinks = [ \"text\", \"json\", \"csv\", \"gnuplot\", \"html\" ];\n"
    "plugins = { gnuplot = { run = false; }; };\n";

static FtaProfile *profile;
static FtaPluginSet *set;       /* every analyzer, the five sinks */
static FtaPluginSet *set_json;  /* every analyzer, the json sink */
static char *outdir;
static int memfd = -1;
static char input_path[64];

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    fta_fuzz_plugin_path ();
    GError *error = NULL;
    profile = fta_profile_load_string (profile_text, "fuzz", &error);
    if (!profile) {
        fprintf (stderr, "fuzz-pipeline: %s\n", error->message);
        abort ();
    }
    FtaRunConfig rc = { .input_path = "-", .profile = profile, .top = -1, .quiet = TRUE };
    set = fta_plugin_set_load (&rc, &error);
    static char *json[] = { (char *) "json", NULL };
    rc.formats = json;
    if (set)
        set_json = fta_plugin_set_load (&rc, &error);
    if (!set || !set_json) {
        fprintf (stderr, "fuzz-pipeline: %s\n", error->message);
        abort ();
    }
    const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm"
                                                                     : g_get_tmp_dir ();
    char *tmpl = g_build_filename (base, "fta-fuzz-XXXXXX", NULL);
    outdir = g_mkdtemp (tmpl);
    if (!outdir)
        abort ();
    outdir = g_strconcat (outdir, "/", NULL);
    g_free (tmpl);
    memfd = memfd_create ("fta-fuzz-input", MFD_CLOEXEC);
    if (memfd < 0)
        abort ();
    snprintf (input_path, sizeof input_path, "/proc/self/fd/%d", memfd);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    guint8 how = data[0];
    data++;
    size--;
    if (ftruncate (memfd, 0) != 0 || (size && pwrite (memfd, data, size, 0) != (ssize_t) size))
        abort ();
    FtaRunConfig rc = {
        .input_path = input_path,
        .profile = profile,
        .output = outdir,
        .top = -1,
        .quiet = TRUE,
        .jobs = (how & 1) ? 2 : 1,
        .sort = (how & 2) ? "" : NULL,
        .start = (how & 4) ? "+0.001" : NULL,
        .cpus = (how & 8) ? "0,2-3" : NULL,
        .window = (how & 16) ? "0.001" : NULL,
        /* the five sinks cost ten times the analysis: one run in eight */
        .plugins = (how & 0xe0) == 0 ? set : set_json,
    };
    GError *error = NULL;
    fta_engine_run (&rc, &error);
    g_clear_error (&error);
    return 0;
}
