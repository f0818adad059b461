/* test-cpu.c - the cpu plugin (cpu.cpus, cpu.task_cpus, cpu.imbalance).
 *
 * Hand-made traces whose numbers are worked out by hand in the comments,
 * then the recordings of tests/data/corpus against their oracles (the awk
 * counts per CPU, trace-cmd --profile's IRQ and softirq totals of the same
 * ring buffer), and the time partition on every recording of the shared
 * corpus ($FTA_CORPUS_DIR; skipped without it).
 *
 * Hand traces: times are 100.000000 s plus the microseconds written at the
 * start of each line's comment ("T"); the trace's span is from its first to
 * its last timestamp.
 */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

#define run_argv fta_test_run
#define write_tmp(name, text) fta_test_write (tmpdir, name, text)
#define root fta_test_root
#define rows_of fta_test_rows
#define cell fta_test_cell_int
#define cell_pct fta_test_cell_pct
#define cell_str fta_test_cell_str
#define finding fta_test_finding
#define trace_new fta_test_trace_new
#define ev fta_test_ev
#define sw fta_test_sw
#define wake fta_test_wake

static char *tmpdir;

#define US 1000 /* ns */

/* --- running the CLI ------------------------------------------------------- */

/* Analyzes TRACE with the switch plugin (for its run_ns) and cpu with
 * CPU_OPTIONS, and the extra arguments; returns the JSON document. */
static JsonParser *
analyze (const char *trace, const char *cpu_options, const char *const *extra)
{
    return fta_test_analyze_with (tmpdir, "\"switch\", \"cpu\"", "cpu", cpu_options, trace,
                                  extra);
}

static GHashTable *
cpu_row (GPtrArray *rows, gint64 cpu)
{
    for (guint i = 0; i < rows->len; i++)
        if (cell (g_ptr_array_index (rows, i), "cpu") == cpu)
            return g_ptr_array_index (rows, i);
    g_assert_not_reached ();
    return NULL;
}

/* Sum of switch.tasks run_ns: complete runs of every task. */
static gint64
switch_run_total (JsonObject *doc)
{
    GPtrArray *rows = rows_of (doc, "switch.tasks");
    gint64 sum = 0;
    for (guint i = 0; i < rows->len; i++)
        sum += cell (g_ptr_array_index (rows, i), "run_ns");
    g_ptr_array_unref (rows);
    return sum;
}

/* --- writing hand traces ------------------------------------------------------ */

/* --- hand trace 1: the partition, interrupts, pressure ------------------------- */

/* Two CPUs, 2000 us.
 * CPU 0: T0-100 before its first switch: unknown 100.  A runs 100-400
 *   (preempted), C 400-700, A 700-1000: busy 900; idle 1000-1300 (300); D
 *   from 1300 to the end at 2000: busy 700, a run cut by the trace's end
 *   (busy_truncated 700; not in switch.tasks).  busy 1600, idle 300,
 *   unknown 100: 2000.  busy_pct = 1600 / 1900.
 *   Hardirqs: 0-10 (10 us), then irq 24 at 1500 with irq 25 nested in it
 *   1510-1520, 24 exits at 1540: timed once, 40 us.  irq 50 us, 3 pairs.
 *   Softirqs: 300-350 (50 us); vec 1 enters at 1400 and never exits, vec 9
 *   enters at 1450 (vec 1 is unpaired) and exits at 1460 (10 us): 60 us,
 *   2 pairs, 1 unpaired.
 *   Runnable pressure: A waits 400-700 (preempted on CPU 0) while C runs:
 *   300.  D waits 1201-1300 while CPU 0 is idle: not pressure.
 * CPU 1: unknown 0-200 (first switch: B out, its run's start unknown);
 *   idle 200-600 (B is woken at 502 onto CPU 1 while it idles: no
 *   pressure); B 600-900: busy 300; idle 900-2000: 1100.
 *   Hardirqs: an exit at 50 whose entry is before the trace (unpaired),
 *   1100-1150 (50 us), an entry at 2000 the trace ends in (unpaired).
 *   Softirq vec 3 enters at 1600, never exits: unpaired.
 * switch.tasks: A 600 + C 300 + B 300 = 1200 = busy 1900 - truncated 700. */
static char *
trace1 (void)
{
    GString *s = trace_new ();
    ev (s, 0, 0, "<idle>", 0, "irq_handler_entry: irq=24 name=virtio0");
    ev (s, 10, 0, "<idle>", 0, "irq_handler_exit: irq=24 ret=handled");
    ev (s, 50, 1, "<idle>", 0, "irq_handler_exit: irq=36 ret=handled");
    sw (s, 100, 0, "swapper/0", 0, "R", "A", 101);
    sw (s, 200, 1, "B", 102, "S", "swapper/1", 0);
    ev (s, 300, 0, "A", 101, "softirq_entry: vec=7 [action=SCHED]");
    ev (s, 350, 0, "A", 101, "softirq_exit: vec=7 [action=SCHED]");
    sw (s, 400, 0, "A", 101, "R", "C", 103);
    wake (s, 501, 1, "<idle>", 0, "B", 102, 1);
    sw (s, 600, 1, "swapper/1", 0, "R", "B", 102);
    sw (s, 700, 0, "C", 103, "S", "A", 101);
    sw (s, 900, 1, "B", 102, "S", "swapper/1", 0);
    sw (s, 1000, 0, "A", 101, "S", "swapper/0", 0);
    ev (s, 1100, 1, "<idle>", 0, "irq_handler_entry: irq=36 name=virtio1");
    ev (s, 1150, 1, "<idle>", 0, "irq_handler_exit: irq=36 ret=handled");
    wake (s, 1200, 0, "<idle>", 0, "D", 104, 0);
    sw (s, 1300, 0, "swapper/0", 0, "R", "D", 104);
    ev (s, 1400, 0, "D", 104, "softirq_entry: vec=1 [action=TIMER]");
    ev (s, 1450, 0, "D", 104, "softirq_entry: vec=9 [action=RCU]");
    ev (s, 1460, 0, "D", 104, "softirq_exit: vec=9 [action=RCU]");
    ev (s, 1500, 0, "D", 104, "irq_handler_entry: irq=24 name=virtio0");
    ev (s, 1510, 0, "D", 104, "irq_handler_entry: irq=25 name=virtio2");
    ev (s, 1520, 0, "D", 104, "irq_handler_exit: irq=25 ret=handled");
    ev (s, 1540, 0, "D", 104, "irq_handler_exit: irq=24 ret=handled");
    ev (s, 1600, 1, "<idle>", 0, "softirq_entry: vec=3 [action=NET_RX]");
    ev (s, 2000, 1, "<idle>", 0, "irq_handler_entry: irq=36 name=virtio1");
    char *path = write_tmp ("trace1.txt", s->str);
    g_string_free (s, TRUE);
    return path;
}

typedef struct {
    gint64 cpu, busy, idle, unknown, trunc, irq, softirq, switches, events, irqs, softirqs,
        irq_unpaired, softirq_unpaired, pressure;
} CpuExp;

static void
check_cpu (GPtrArray *rows, const CpuExp *e)
{
    GHashTable *r = cpu_row (rows, e->cpu);
    g_assert_cmpint (cell (r, "busy_ns"), ==, e->busy * US);
    g_assert_cmpint (cell (r, "idle_ns"), ==, e->idle * US);
    g_assert_cmpint (cell (r, "unknown_ns"), ==, e->unknown * US);
    g_assert_cmpint (cell (r, "busy_truncated_ns"), ==, e->trunc * US);
    g_assert_cmpint (cell (r, "irq_ns"), ==, e->irq * US);
    g_assert_cmpint (cell (r, "softirq_ns"), ==, e->softirq * US);
    g_assert_cmpint (cell (r, "switches"), ==, e->switches);
    g_assert_cmpint (cell (r, "events"), ==, e->events);
    g_assert_cmpint (cell (r, "irqs"), ==, e->irqs);
    g_assert_cmpint (cell (r, "softirqs"), ==, e->softirqs);
    g_assert_cmpint (cell (r, "irq_unpaired"), ==, e->irq_unpaired);
    g_assert_cmpint (cell (r, "softirq_unpaired"), ==, e->softirq_unpaired);
    g_assert_cmpint (cell (r, "runnable_pressure_ns"), ==, e->pressure * US);
    g_assert_cmpint (cell (r, "overlap_ns"), ==, 0);
    if (e->busy + e->idle > 0)
        g_assert_cmpfloat_with_epsilon (cell_pct (r, "busy_pct"),
                                        100.0 * e->busy / (e->busy + e->idle), 1e-9);
}

static const CpuExp trace1_cpu0 = {
    .cpu = 0, .busy = 1600, .idle = 300, .unknown = 100, .trunc = 700, .irq = 50,
    .softirq = 60, .switches = 5, .events = 18, .irqs = 3, .softirqs = 2,
    .irq_unpaired = 0, .softirq_unpaired = 1, .pressure = 300,
};
static const CpuExp trace1_cpu1 = {
    .cpu = 1, .busy = 300, .idle = 1500, .unknown = 200, .trunc = 0, .irq = 50,
    .softirq = 0, .switches = 3, .events = 10, .irqs = 1, .softirqs = 0,
    .irq_unpaired = 2, .softirq_unpaired = 1, .pressure = 0,
};

static void
test_partition (void)
{
    char *trace = trace1 ();
    JsonParser *p = analyze (trace, NULL, NULL);
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    g_assert_cmpuint (rows->len, ==, 2);
    check_cpu (rows, &trace1_cpu0);
    check_cpu (rows, &trace1_cpu1);
    g_assert_cmpint (switch_run_total (root (p)), ==, 1200 * US);

    /* cpu.task_cpus: complete runs only (D's is not), tasks by run time,
     * ties by pid */
    GPtrArray *tc = rows_of (root (p), "cpu.task_cpus");
    const struct {
        gint64 pid, cpu, run;
        const char *comm;
    } want[] = { { 101, 0, 600, "A" }, { 102, 1, 300, "B" }, { 103, 0, 300, "C" } };
    g_assert_cmpuint (tc->len, ==, G_N_ELEMENTS (want));
    for (guint i = 0; i < tc->len; i++) {
        GHashTable *r = g_ptr_array_index (tc, i);
        g_assert_cmpint (cell (r, "pid"), ==, want[i].pid);
        g_assert_cmpint (cell (r, "cpu"), ==, want[i].cpu);
        g_assert_cmpint (cell (r, "run_ns"), ==, want[i].run * US);
        g_assert_cmpstr (cell_str (r, "comm"), ==, want[i].comm);
        g_assert_cmpfloat (cell_pct (r, "share_pct"), ==, 100.0);
    }

    /* CPU 0 busy 84% with A queued 300 of its 1900 us (16%), CPU 1 17%:
     * uneven, and tasks waited: a warning */
    JsonObject *f = finding (root (p), "cpu.imbalance");
    g_assert_nonnull (f);
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "warning");
    JsonObject *evd = json_object_get_object_member (f, "evidence");
    g_assert_cmpstr (json_object_get_string_member (evd, "busiest_cpu"), ==, "0");
    g_assert_cmpstr (json_object_get_string_member (evd, "idlest_cpu"), ==, "1");
    g_assert_cmpstr (json_object_get_string_member (evd, "busiest_busy_pct"), ==, "84.2");
    g_assert_cmpstr (json_object_get_string_member (evd, "idlest_busy_pct"), ==, "16.7");
    g_assert_cmpstr (json_object_get_string_member (evd, "busiest_runnable_pressure_pct"),
                     ==, "15.8");
    /* the cost: A's 300 us queued, less than CPU 1's idle time */
    g_assert_cmpint (json_object_get_int_member (f, "cost_ns"), ==, 300 * US);
    g_ptr_array_unref (tc);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    /* queued 15.8% of the busy CPU's time: a warning from 15.7%, information
     * (uneven only) from 15.9% */
    p = analyze (trace, "imbalance_pressure_pct = 15.7;", NULL);
    g_assert_cmpstr (json_object_get_string_member (finding (root (p), "cpu.imbalance"),
                                                    "severity"), ==, "warning");
    g_object_unref (p);
    p = analyze (trace, "imbalance_pressure_pct = 15.9;", NULL);
    g_assert_cmpstr (json_object_get_string_member (finding (root (p), "cpu.imbalance"),
                                                    "severity"), ==, "info");
    g_object_unref (p);

    /* the gap is 67.5 points: not reported when 70 are asked for */
    p = analyze (trace, "imbalance_pct = 70;", NULL);
    g_assert_null (finding (root (p), "cpu.imbalance"));
    g_object_unref (p);
    g_free (trace);
}

/* --cpu 1 reports CPU 1 alone, with the same numbers: the range is still
 * the whole trace, although its first and last events are on CPU 0 and 1. */
static void
test_cpu_filter (void)
{
    char *trace = trace1 ();
    JsonParser *p = analyze (trace, NULL, (const char *[]) { "--cpu", "1", NULL });
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    g_assert_cmpuint (rows->len, ==, 1);
    check_cpu (rows, &trace1_cpu1);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* --start T300 --end T1000: the range is those 700 us.
 * CPU 0: A's run 100-400 is clipped to 300-400 (100), C 400-700 (300), A
 *   700-1000 (300): busy 700, nothing unknown or idle; A's wait 400-700
 *   still overlaps C's run: pressure 300; softirq 300-350; switches at 400,
 *   700, 1000; events at 300, 350, 400, 700, 1000.
 * CPU 1: no switch before 600, and the idle task has no span: 300-600 is
 *   unknown (300); B 600-900 (300); idle 900-1000 (100); events at 501,
 *   502, 600, 900. */
static void
test_window (void)
{
    char *trace = trace1 ();
    JsonParser *p = analyze (trace, NULL,
                             (const char *[]) { "--start", "100.000300", "--end",
                                                "100.001000", NULL });
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    g_assert_cmpuint (rows->len, ==, 2);
    const CpuExp cpu0 = { .cpu = 0, .busy = 700, .softirq = 50, .switches = 3, .events = 5,
                          .softirqs = 1, .pressure = 300 };
    const CpuExp cpu1 = { .cpu = 1, .busy = 300, .idle = 100, .unknown = 300,
                          .switches = 2, .events = 4 };
    check_cpu (rows, &cpu0);
    check_cpu (rows, &cpu1);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* --- hand trace 2: a lost-event marker ------------------------------------------ */

/* CPU 0: A 0-200 (busy 200), F switched in at 200; 5 events are lost, the
 *   marker comes after T300: the model drops F's run, so 200-300 and
 *   300-800 (up to CPU 0's next switch) are unknown (600); A 800-1000
 *   (200); idle 1000-1200 (200).  irq 24 enters at 300 before the marker and
 *   exits at 600 after it: neither is timed, both unpaired.
 * CPU 1: unknown 0-100 before its first switch; E runs 100-150 (50); the
 *   CPU idles from 150 to its next switch at 900 (750): the events lost
 *   were CPU 0's, so CPU 1's idle stays certain; E runs from 900 to the
 *   end (300, cut by the end): busy 350, idle 750, unknown 100.  The
 *   softirq open at the end is unpaired; the marker (CPU 0's) does not
 *   touch CPU 1's pairs.
 * switch.tasks: A 200 + 200, E 50. */
static void
test_marker (void)
{
    GString *s = trace_new ();
    sw (s, 0, 0, "swapper/0", 0, "R", "A", 101);
    sw (s, 100, 1, "swapper/1", 0, "R", "E", 105);
    sw (s, 150, 1, "E", 105, "S", "swapper/1", 0);
    sw (s, 200, 0, "A", 101, "R", "F", 106);
    ev (s, 300, 0, "F", 106, "irq_handler_entry: irq=24 name=virtio0");
    g_string_append (s, "CPU:0 [LOST 5 EVENTS]\n");
    ev (s, 600, 0, "F", 106, "irq_handler_exit: irq=24 ret=handled");
    sw (s, 800, 0, "F", 106, "S", "A", 101);
    sw (s, 900, 1, "swapper/1", 0, "R", "E", 105);
    sw (s, 1000, 0, "A", 101, "S", "swapper/0", 0);
    ev (s, 1200, 1, "E", 105, "softirq_entry: vec=7 [action=SCHED]");
    char *trace = write_tmp ("marker.txt", s->str);
    g_string_free (s, TRUE);
    JsonParser *p = analyze (trace, NULL, NULL);
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    const CpuExp cpu0 = { .cpu = 0, .busy = 400, .idle = 200, .unknown = 600,
                          .switches = 4, .events = 6, .irq_unpaired = 2 };
    const CpuExp cpu1 = { .cpu = 1, .busy = 350, .idle = 750, .unknown = 100, .trunc = 300,
                          .switches = 3, .events = 4, .softirq_unpaired = 1 };
    check_cpu (rows, &cpu0);
    check_cpu (rows, &cpu1);
    g_assert_cmpint (switch_run_total (root (p)), ==, 450 * US);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* --- hand trace 3: a run the model dropped --------------------------------------- */

/* N is switched in on CPU 0 at 0, then on CPU 1 at 300 without a switch-out
 * on CPU 0: the model drops its CPU 0 run.  X, woken at 401 onto CPU 0, is
 * switched out there at 500 with no switch-in recorded: the model infers
 * its run 401-500.  CPU 0 from 0 to 401 is not idle (N ran part of it), it
 * is unknown: unknown 401, busy 99, idle 500-700 (200).
 * CPU 1: unknown 0-50; M 50-300 and N 300-600: busy 550; idle 600-700. */
static void
test_dropped_run (void)
{
    GString *s = trace_new ();
    sw (s, 0, 0, "swapper/0", 0, "R", "N", 201);
    sw (s, 50, 1, "swapper/1", 0, "R", "M", 202);
    sw (s, 300, 1, "M", 202, "S", "N", 201);
    wake (s, 400, 1, "N", 201, "X", 203, 0);
    sw (s, 500, 0, "X", 203, "S", "swapper/0", 0);
    sw (s, 600, 1, "N", 201, "S", "swapper/1", 0);
    wake (s, 699, 1, "<idle>", 0, "M", 202, 1);
    char *trace = write_tmp ("dropped.txt", s->str);
    g_string_free (s, TRUE);
    JsonParser *p = analyze (trace, NULL, NULL);
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    const CpuExp cpu0 = { .cpu = 0, .busy = 99, .idle = 200, .unknown = 401, .switches = 2,
                          .events = 2 };
    const CpuExp cpu1 = { .cpu = 1, .busy = 550, .idle = 100, .unknown = 50, .switches = 3,
                          .events = 7 };
    check_cpu (rows, &cpu0);
    check_cpu (rows, &cpu1);
    g_assert_cmpint (switch_run_total (root (p)), ==, 649 * US);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* --- hand trace: a CPU idle since the start of a trace that lost nothing ------ */

/* CPU 0: A runs 0-600: busy 600.  CPU 1: its idle task takes an interrupt
 * at 100-110, is switched out for B at 500; B runs 500-550; idle 550-600.
 * When the header says nothing was overwritten (entries-in-buffer =
 * entries-written) and there is no marker, CPU 1 idled from the start:
 * idle 500 + 50, unknown 0, busy_pct 50/600.  When it says events were
 * overwritten, who ran before 500 is not known: unknown 500, idle 50,
 * busy_pct 50%. */
static char *
idle_start_trace (const char *entries)
{
    GString *s = g_string_new (NULL);
    g_string_append_printf (s, "# tracer: nop\n#\n# entries-in-buffer/entries-written: %s   #P:2\n"
                               "#\n", entries);
    sw (s, 0, 0, "swapper/0", 0, "R", "A", 101);
    ev (s, 100, 1, "<idle>", 0, "irq_handler_entry: irq=36 name=virtio1");
    ev (s, 110, 1, "<idle>", 0, "irq_handler_exit: irq=36 ret=handled");
    sw (s, 500, 1, "swapper/1", 0, "R", "B", 102);
    sw (s, 550, 1, "B", 102, "S", "swapper/1", 0);
    sw (s, 600, 0, "A", 101, "S", "swapper/0", 0);
    char *path = write_tmp ("idle-start.txt", s->str);
    g_string_free (s, TRUE);
    return path;
}

static void
test_idle_start (void)
{
    const CpuExp cpu0 = { .cpu = 0, .busy = 600, .switches = 2, .events = 2 };
    const CpuExp lossless = { .cpu = 1, .busy = 50, .idle = 550, .irq = 10, .switches = 2,
                              .events = 4, .irqs = 1 };
    const CpuExp overwritten = { .cpu = 1, .busy = 50, .idle = 50, .unknown = 500, .irq = 10,
                                 .switches = 2, .events = 4, .irqs = 1 };
    char *trace = idle_start_trace ("6/6");
    JsonParser *p = analyze (trace, NULL, NULL);
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    check_cpu (rows, &cpu0);
    check_cpu (rows, &lossless);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);

    trace = idle_start_trace ("6/9");
    p = analyze (trace, NULL, NULL);
    rows = rows_of (root (p), "cpu.cpus");
    check_cpu (rows, &cpu0);
    check_cpu (rows, &overwritten);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* --- hand traces: a timestamp one step back ------------------------------------ */

/* CPU 0: A 100-300, then B is switched in at 300 and out at 299, one
 * microsecond back, for C, which runs to 500.  Taken at 300, B's run is
 * empty and C runs 300-500: busy 400 = the span, no overlap; run_ns A 200,
 * C 200.  A, preempted at 300, waits while C runs: pressure 200. */
static void
test_step_back (void)
{
    GString *s = trace_new ();
    sw (s, 100, 0, "swapper/0", 0, "R", "A", 101);
    sw (s, 300, 0, "A", 101, "R", "B", 102);
    sw (s, 299, 0, "B", 102, "S", "C", 103);
    sw (s, 500, 0, "C", 103, "S", "swapper/0", 0);
    char *trace = write_tmp ("step-back.txt", s->str);
    g_string_free (s, TRUE);
    JsonParser *p = analyze (trace, NULL, NULL);
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    const CpuExp cpu0 = { .cpu = 0, .busy = 400, .switches = 4, .events = 4, .pressure = 200 };
    check_cpu (rows, &cpu0);
    g_assert_cmpint (switch_run_total (root (p)), ==, 400 * US);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* The trace begins at T100 (CPU 1's interrupt); CPU 0's switch-in of A is
 * stamped T99, one step behind it, and A sleeps at T500: A ran the whole
 * 400 us span, not 401.  CPU 1 never switches: unknown 400. */
static void
test_step_back_start (void)
{
    GString *s = trace_new ();
    ev (s, 100, 1, "<idle>", 0, "irq_handler_entry: irq=36 name=virtio1");
    sw (s, 99, 0, "swapper/0", 0, "R", "A", 101);
    sw (s, 500, 0, "A", 101, "S", "swapper/0", 0);
    char *trace = write_tmp ("step-back-start.txt", s->str);
    g_string_free (s, TRUE);
    JsonParser *p = analyze (trace, NULL, NULL);
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    const CpuExp cpu0 = { .cpu = 0, .busy = 400, .switches = 2, .events = 2 };
    const CpuExp cpu1 = { .cpu = 1, .unknown = 400, .events = 1, .irq_unpaired = 1 };
    check_cpu (rows, &cpu0);
    check_cpu (rows, &cpu1);
    g_assert_cmpint (switch_run_total (root (p)), ==, 400 * US);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_free (trace);
}

/* --- hand trace 4: shares, and pressure counts time, not tasks ------------------- */

/* CPU 0: H runs 0-300; J is woken onto CPU 0 at 101 and K at 151; J runs
 * 300-400, K 400-500.  At least one task waited while another ran from
 * 101 to 400: pressure 299 (J's and K's waits add up to 448, but they
 * overlap).  G, woken onto CPU 0 at 701, waits while it idles.
 * G ran 10-600 on CPU 1 and 800-900 on CPU 0: 590 and 100 of its 690 us. */
static void
test_shares (void)
{
    GString *s = trace_new ();
    sw (s, 0, 0, "swapper/0", 0, "R", "H", 301);
    sw (s, 10, 1, "swapper/1", 0, "R", "G", 302);
    wake (s, 100, 0, "H", 301, "J", 303, 0);
    wake (s, 150, 0, "H", 301, "K", 304, 0);
    sw (s, 300, 0, "H", 301, "S", "J", 303);
    sw (s, 400, 0, "J", 303, "S", "K", 304);
    sw (s, 500, 0, "K", 304, "S", "swapper/0", 0);
    sw (s, 600, 1, "G", 302, "S", "swapper/1", 0);
    wake (s, 700, 0, "<idle>", 0, "G", 302, 0);
    sw (s, 800, 0, "swapper/0", 0, "R", "G", 302);
    sw (s, 900, 0, "G", 302, "S", "swapper/0", 0);
    wake (s, 1000, 1, "<idle>", 0, "H", 301, 1);
    char *trace = write_tmp ("shares.txt", s->str);
    g_string_free (s, TRUE);
    JsonParser *p = analyze (trace, NULL, NULL);
    GPtrArray *rows = rows_of (root (p), "cpu.cpus");
    g_assert_cmpint (cell (cpu_row (rows, 0), "runnable_pressure_ns"), ==, 299 * US);
    g_assert_cmpint (cell (cpu_row (rows, 1), "runnable_pressure_ns"), ==, 0);
    GPtrArray *tc = rows_of (root (p), "cpu.task_cpus");
    /* G first (690 us), its CPUs by run time; then H 300, J 100, K 100 */
    g_assert_cmpuint (tc->len, ==, 5);
    GHashTable *g1 = g_ptr_array_index (tc, 0), *g0 = g_ptr_array_index (tc, 1);
    g_assert_cmpint (cell (g1, "pid"), ==, 302);
    g_assert_cmpint (cell (g1, "cpu"), ==, 1);
    g_assert_cmpint (cell (g1, "run_ns"), ==, 590 * US);
    g_assert_cmpfloat_with_epsilon (cell_pct (g1, "share_pct"), 100.0 * 590 / 690, 1e-9);
    g_assert_cmpint (cell (g0, "pid"), ==, 302);
    g_assert_cmpint (cell (g0, "cpu"), ==, 0);
    g_assert_cmpint (cell (g0, "run_ns"), ==, 100 * US);
    g_assert_cmpfloat_with_epsilon (cell_pct (g0, "share_pct"), 100.0 * 100 / 690, 1e-9);
    g_assert_cmpint (cell (g_ptr_array_index (tc, 2), "pid"), ==, 301);
    g_assert_cmpint (cell (g_ptr_array_index (tc, 3), "pid"), ==, 303);
    g_assert_cmpint (cell (g_ptr_array_index (tc, 4), "pid"), ==, 304);
    g_ptr_array_unref (tc);
    g_ptr_array_unref (rows);
    g_object_unref (p);

    /* --pid keeps G's rows only; cpu.cpus stays whole */
    p = analyze (trace, NULL, (const char *[]) { "--pid", "302", NULL });
    tc = rows_of (root (p), "cpu.task_cpus");
    g_assert_cmpuint (tc->len, ==, 2);
    rows = rows_of (root (p), "cpu.cpus");
    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpint (cell (cpu_row (rows, 0), "busy_ns"), ==, 600 * US);
    g_ptr_array_unref (rows);
    g_ptr_array_unref (tc);
    g_object_unref (p);
    g_free (trace);
}

/* --- the corpus ------------------------------------------------------------------ */

typedef struct {
    const char *scenario;
    const char *variant;
} Recording;

static char *
data_file (const char *name)
{
    return g_test_build_filename (G_TEST_DIST, "data", "corpus", name, NULL);
}

static char *
gunzip (const char *gz)
{
    char *txt = g_build_filename (tmpdir, "trace.txt", NULL);
    char *cmd = g_strdup_printf ("gzip -dc '%s' > '%s'", gz, txt);
    char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    int status;
    GError *error = NULL;
    g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                  &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    g_free (cmd);
    return txt;
}

/* What every recording must satisfy: on each CPU busy + idle + unknown is
 * the trace's span, the model's runs never overlap, and the CPUs' busy time
 * less the runs cut by the trace's end is the tasks' run time
 * (switch.tasks).  Returns cpu.cpus's rows. */
static GPtrArray *
check_partition (JsonObject *doc)
{
    JsonObject *q = json_object_get_object_member (doc, "quality");
    gint64 span = json_object_get_int_member (q, "last_ts_ns")
                  - json_object_get_int_member (q, "first_ts_ns");
    GPtrArray *rows = rows_of (doc, "cpu.cpus");
    g_assert_cmpuint (rows->len, ==, json_object_get_int_member (q, "cpus"));
    gint64 busy = 0;
    for (guint i = 0; i < rows->len; i++) {
        GHashTable *r = g_ptr_array_index (rows, i);
        g_assert_cmpint (cell (r, "busy_ns") + cell (r, "idle_ns") + cell (r, "unknown_ns"),
                         ==, span);
        g_assert_cmpint (cell (r, "overlap_ns"), ==, 0);
        busy += cell (r, "busy_ns") - cell (r, "busy_truncated_ns");
    }
    g_assert_cmpint (busy, ==, switch_run_total (doc));
    return rows;
}

/* "## TITLE" section of a counts file: "COUNT<TAB>KEY..." lines, KEY being
 * the rest of the line. */
static gint64
counts_get (const char *text, const char *title, const char *key)
{
    char *head = g_strdup_printf ("## %s\n", title);
    const char *s = strstr (text, head);
    g_assert_nonnull (s);
    s += strlen (head);
    gint64 found = 0;
    while (*s && *s != '#') {
        const char *eol = strchr (s, '\n');
        if (!eol)
            eol = s + strlen (s);
        char *line = g_strndup (s, eol - s);
        char *tab = strchr (line, '\t');
        if (tab && strcmp (tab + 1, key) == 0)
            found = g_ascii_strtoll (line, NULL, 10);
        g_free (line);
        s = *eol ? eol + 1 : eol;
    }
    g_free (head);
    return found;
}

/* trace-cmd report --profile: the "Event: irq_handler_entry:..." (or
 * softirq_entry) lines of every task: pairs and total ns. */
static void
profile_totals (const char *text, const char *event, gint64 *n, gint64 *total)
{
    char *key = g_strdup_printf ("Event: %s:", event);
    *n = *total = 0;
    for (const char *s = strstr (text, key); s; s = strstr (s + 1, key)) {
        const char *paren = strchr (s, '(');
        *n += g_ascii_strtoll (paren + 1, NULL, 10);
        const char *eol = strchr (s, '\n');
        const char *tot = strstr (s, "Total: ");
        if (tot && (!eol || tot < eol))
            *total += g_ascii_strtoll (tot + 7, NULL, 10);
    }
    g_free (key);
}

static void
test_corpus (gconstpointer data)
{
    const Recording *rec = data;
    char *name = g_strdup_printf ("%s_%s.txt.gz", rec->scenario, rec->variant);
    char *gz = data_file (name);
    char *trace = gunzip (gz);
    JsonParser *p = analyze (trace, NULL, NULL);
    JsonObject *doc = root (p);
    GPtrArray *rows = check_partition (doc);

    /* per CPU, against the awk counts of the same file */
    char *cname = g_strdup_printf ("%s_%s.counts.txt", rec->scenario, rec->variant);
    char *cpath = data_file (cname);
    char *counts;
    g_assert_true (g_file_get_contents (cpath, &counts, NULL, NULL));
    for (guint i = 0; i < rows->len; i++) {
        GHashTable *r = g_ptr_array_index (rows, i);
        char *cpu = g_strdup_printf ("%" G_GINT64_FORMAT, cell (r, "cpu"));
        char *sw_key = g_strdup_printf ("cpu%s\tsched_switch", cpu);
        g_assert_cmpint (cell (r, "events"), ==, counts_get (counts, "events per CPU", cpu));
        g_assert_cmpint (cell (r, "switches"), ==,
                         counts_get (counts, "events per CPU and type", sw_key));
        g_free (sw_key);
        g_free (cpu);
    }

    /* IRQ and softirq time against trace-cmd --profile of the same ring
     * buffer: the same pairs; the text has microseconds, the profile
     * nanoseconds, so each pair may differ by up to 1 us */
    char *pname = g_strdup_printf ("%s_oracle_tracecmd_profile.txt", rec->scenario);
    char *ppath = data_file (pname);
    char *prof;
    g_assert_true (g_file_get_contents (ppath, &prof, NULL, NULL));
    const struct {
        const char *event, *ns, *n, *unpaired;
    } kinds[] = { { "irq_handler_entry", "irq_ns", "irqs", "irq_unpaired" },
                  { "softirq_entry", "softirq_ns", "softirqs", "softirq_unpaired" } };
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++) {
        gint64 want_n, want_ns, n = 0, ns = 0, unpaired = 0;
        profile_totals (prof, kinds[k].event, &want_n, &want_ns);
        for (guint i = 0; i < rows->len; i++) {
            n += cell (g_ptr_array_index (rows, i), kinds[k].n);
            ns += cell (g_ptr_array_index (rows, i), kinds[k].ns);
            unpaired += cell (g_ptr_array_index (rows, i), kinds[k].unpaired);
        }
        g_test_message ("%s %s: profile %" G_GINT64_FORMAT " pairs %" G_GINT64_FORMAT
                        " ns, ours %" G_GINT64_FORMAT " pairs %" G_GINT64_FORMAT " ns",
                        name, kinds[k].event, want_n, want_ns, n, ns);
        g_assert_cmpint (n, ==, want_n);
        g_assert_cmpint (unpaired, ==, 0);
        /* the _ns renderings carry the profile's own nanoseconds */
        g_assert_cmpint (ABS (ns - want_ns), <=,
                         g_str_has_suffix (rec->variant, "_ns") ? 0 : 1000 * want_n);
    }

    /* each task's CPUs add up to its run time */
    GPtrArray *tasks = rows_of (doc, "switch.tasks");
    GPtrArray *tc = rows_of (doc, "cpu.task_cpus");
    GHashTable *sum = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    for (guint i = 0; i < tc->len; i++) {
        GHashTable *r = g_ptr_array_index (tc, i);
        gpointer key = GINT_TO_POINTER ((gint) cell (r, "pid"));
        gint64 *v = g_hash_table_lookup (sum, key);
        if (!v) {
            v = g_new0 (gint64, 1);
            g_hash_table_insert (sum, key, v);
        }
        *v += cell (r, "run_ns");
    }
    guint checked = 0;
    for (guint i = 0; i < tasks->len; i++) {
        GHashTable *r = g_ptr_array_index (tasks, i);
        gint64 *v = g_hash_table_lookup (sum, GINT_TO_POINTER ((gint) cell (r, "pid")));
        if (cell (r, "pid") == 0)
            continue;
        g_assert_cmpint (v ? *v : 0, ==, cell (r, "run_ns"));
        checked++;
    }
    g_assert_cmpuint (checked, >, 10);

    g_hash_table_unref (sum);
    g_ptr_array_unref (tc);
    g_ptr_array_unref (tasks);
    g_free (prof);
    g_free (ppath);
    g_free (pname);
    g_free (counts);
    g_free (cpath);
    g_free (cname);
    g_ptr_array_unref (rows);
    g_object_unref (p);
    g_unlink (trace);
    g_free (trace);
    g_free (gz);
    g_free (name);
}

static const Recording recordings[] = {
    { "cpu_contention", "ftrace_default" },
    { "io_block", "ftrace_default" },
    { "qemu_tcg", "ftrace_default" },
    { "qemu_tcg", "tracecmd_report_ns" },
    { "quiet", "ftrace_default" },
    { "lossy", "ftrace_default" },
    { "lossy", "tracecmd_report" },
};

/* A recording of the shared corpus: the partition holds everywhere. */
static void
test_shared (gconstpointer data)
{
    const char *path = data;
    if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
        g_test_skip ("the shared corpus is gone");
        return;
    }
    JsonParser *p = analyze (path, NULL, NULL);
    g_ptr_array_unref (check_partition (root (p)));
    g_object_unref (p);
}

static void
test_no_shared (void)
{
    g_test_skip ("no shared corpus: configure --with-corpus=DIR (FTA_CORPUS_DIR)");
}

/* Every text recording under $FTA_CORPUS_DIR/recorded (not the oracles). */
static GPtrArray *
shared_recordings (void)
{
    GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
    const char *dir = g_getenv ("FTA_CORPUS_DIR");
    if (!dir || !*dir)
        return all;
    char *rec = g_build_filename (dir, "recorded", NULL);
    GDir *d = g_dir_open (rec, 0, NULL);
    for (const char *sc; d && (sc = g_dir_read_name (d));) {
        char *sub = g_build_filename (rec, sc, NULL);
        GDir *f = g_dir_open (sub, 0, NULL);
        for (const char *n; f && (n = g_dir_read_name (f));)
            if (g_str_has_suffix (n, ".txt.gz") && !strstr (n, "_oracle_"))
                g_ptr_array_add (all, g_build_filename (sub, n, NULL));
        if (f)
            g_dir_close (f);
        g_free (sub);
    }
    if (d)
        g_dir_close (d);
    g_free (rec);
    return all;
}

static int
cmp_path (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-cpu-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/cpu/hand/partition", test_partition);
    g_test_add_func ("/cpu/hand/cpu-filter", test_cpu_filter);
    g_test_add_func ("/cpu/hand/window", test_window);
    g_test_add_func ("/cpu/hand/marker", test_marker);
    g_test_add_func ("/cpu/hand/dropped-run", test_dropped_run);
    g_test_add_func ("/cpu/hand/idle-since-start", test_idle_start);
    g_test_add_func ("/cpu/hand/step-back", test_step_back);
    g_test_add_func ("/cpu/hand/step-back-at-start", test_step_back_start);
    g_test_add_func ("/cpu/hand/shares-and-pressure", test_shares);
    for (guint i = 0; i < G_N_ELEMENTS (recordings); i++) {
        char *tp = g_strdup_printf ("/cpu/corpus/%s/%s", recordings[i].scenario,
                                    recordings[i].variant);
        g_test_add_data_func (tp, &recordings[i], test_corpus);
        g_free (tp);
    }
    GPtrArray *shared = shared_recordings ();
    g_ptr_array_sort (shared, cmp_path);
    for (guint i = 0; i < shared->len; i++) {
        char *base = g_path_get_basename (g_ptr_array_index (shared, i));
        base[strlen (base) - strlen (".txt.gz")] = '\0';
        char *tp = g_strdup_printf ("/cpu/shared-corpus/%s", base);
        g_test_add_data_func (tp, g_ptr_array_index (shared, i), test_shared);
        g_free (tp);
        g_free (base);
    }
    if (shared->len == 0)
        g_test_add_func ("/cpu/shared-corpus", test_no_shared);
    int rc = g_test_run ();
    g_ptr_array_unref (shared);
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
