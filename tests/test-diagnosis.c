/* test-diagnosis.c - the diagnosis rules.
 *
 * For each rule, a hand-made tracefs trace that triggers it and one that
 * does not, written here; the numbers that decide are worked out in the
 * comments (default thresholds unless a case says otherwise).  Times are
 * 100 s plus the microseconds given.  Then the recordings of
 * tests/data/corpus: the quiet one raises nothing alarming, the loaded ones
 * raise what their workloads explain.
 */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;

/* The rules as data: what docs/diagnosis.md's rule table must say. */
typedef struct {
    const char *code, *plugin, *reads, *trigger, *thresholds, *severity, *evidence, *cost;
} Rule;

#define FTA_RULE(test, code, plugin, reads, trigger, thresholds, severity, evidence, cost) \
    { code, plugin, reads, trigger, thresholds, severity, evidence, cost },
static const Rule rules[] = {
#include "../plugins/analyzers/diagnosis-rules.h"
};
#undef FTA_RULE

/* --- writing traces ---------------------------------------------------------- */

static void
line (GString *s, const char *comm, int pid, int cpu, gint64 us, const char *fmt, ...)
    G_GNUC_PRINTF (6, 7);

static void
line (GString *s, const char *comm, int pid, int cpu, gint64 us, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    char *text = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    gint64 t = 100000000 + us;
    g_string_append_printf (s, "%16s-%-7d [%03d] d..2. %5" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT
                            ": %s\n",
                            comm, pid, cpu, t / 1000000, t % 1000000, text);
    g_free (text);
}

static void
sw (GString *s, int cpu, gint64 us, const char *pc, int pp, int pprio, const char *state,
    const char *nc, int np, int nprio)
{
    line (s, pc, pp, cpu, us,
          "sched_switch: prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s ==> "
          "next_comm=%s next_pid=%d next_prio=%d",
          pc, pp, pprio, state, nc, np, nprio);
}

static void
wake (GString *s, const char *by, int by_pid, int cpu, gint64 us, const char *comm, int pid,
      int prio, int target)
{
    line (s, by, by_pid, cpu, us, "sched_waking: comm=%s pid=%d prio=%d target_cpu=%03d", comm,
          pid, prio, target);
    line (s, by, by_pid, cpu, us + 1, "sched_wakeup: comm=%s pid=%d prio=%d target_cpu=%03d",
          comm, pid, prio, target);
}

static char *
idle_name (int cpu)
{
    return g_strdup_printf ("swapper/%d", cpu);
}

/* A task woken from an interrupt on an idle CPU every PERIOD us, N times:
 * waking at T, switched in at T + LAT (SLOW_LAT for the iterations where
 * i % 50 == 49 when SLOW_LAT > 0), running RUN us, then switched out in
 * STATE.  With MIGRATE, each wakeup moves it to the other of CPUs 0 and 1
 * first (one sched_migrate_task per wakeup). */
static void
periodic (GString *s, const char *comm, int pid, gint64 period, int n, gint64 lat,
          gint64 slow_lat, gint64 run, const char *state, gboolean migrate)
{
    for (int i = 0; i < n; i++) {
        gint64 t = 1000 + i * period;
        int cpu = migrate ? i % 2 : 0;
        char *idle = idle_name (cpu);
        if (migrate && i > 0)
            line (s, "<idle>", 0, cpu, t - 2,
                  "sched_migrate_task: comm=%s pid=%d prio=120 orig_cpu=%d dest_cpu=%d", comm,
                  pid, 1 - cpu, cpu);
        wake (s, "<idle>", 0, cpu, t, comm, pid, 120, cpu);
        gint64 l = slow_lat > 0 && i % 50 == 49 ? slow_lat : lat;
        sw (s, cpu, t + l, idle, 0, 120, "R", comm, pid, 120);
        sw (s, cpu, t + l + run, comm, pid, 120, state, idle, 0, 120);
        g_free (idle);
    }
}

/* --- running the CLI ------------------------------------------------------------ */

#define write_tmp(name, text) fta_test_write (tmpdir, name, text)

/* Analyzes TRACE (a path) with the default analyzers and diagnosis OPTIONS
 * (libconfig text, may be NULL) plus EXTRA arguments; returns the JSON. */
static JsonParser *
analyze_path (const char *trace, const char *options, const char *extra)
{
    char *text = g_strdup_printf ("plugins = { diagnosis = { %s }; };\n", options ? options : "");
    const char *args[] = { extra, NULL };
    JsonParser *p = fta_test_analyze (tmpdir, text, trace, args);
    g_free (text);
    return p;
}

static JsonParser *
analyze (GString *trace, const char *options, const char *extra)
{
    char *path = write_tmp ("trace.txt", trace->str);
    JsonParser *p = analyze_path (path, options, extra);
    if (g_getenv ("FTA_DIAG_KEEP")) /* to look at a failing case's trace */
        g_printerr ("# kept %s\n", path);
    else
        g_unlink (path);
    g_free (path);
    return p;
}

/* The findings with CODE. */
static GPtrArray *
findings (JsonParser *p, const char *code)
{
    JsonObject *doc = json_node_get_object (json_parser_get_root (p));
    JsonArray *fs = json_object_get_array_member (doc, "findings");
    GPtrArray *out = g_ptr_array_new ();
    for (guint i = 0; i < json_array_get_length (fs); i++) {
        JsonObject *f = json_array_get_object_element (fs, i);
        if (strcmp (json_object_get_string_member (f, "code"), code) == 0)
            g_ptr_array_add (out, f);
    }
    return out;
}

static const char *
evidence (JsonObject *f, const char *key)
{
    JsonObject *e = json_object_get_object_member (f, "evidence");
    g_assert_true (json_object_has_member (e, key));
    return json_object_get_string_member (e, key);
}

static const char *
severity (JsonObject *f)
{
    return json_object_get_string_member (f, "severity");
}

/* Exactly one finding CODE, of SEVERITY; returns it (valid while P lives). */
static JsonObject *
one (JsonParser *p, const char *code, const char *sev)
{
    GPtrArray *fs = findings (p, code);
    g_assert_cmpuint (fs->len, ==, 1);
    JsonObject *f = g_ptr_array_index (fs, 0);
    g_ptr_array_free (fs, TRUE);
    g_assert_cmpstr (severity (f), ==, sev);
    g_assert_true (json_object_has_member (f, "cause"));
    g_assert_true (json_object_has_member (f, "advice"));
    return f;
}

/* TRACE with diagnosis OPTIONS raises exactly one CODE, of SEVERITY. */
static void
one_with (GString *trace, const char *options, const char *code, const char *sev)
{
    JsonParser *p = analyze (trace, options, NULL);
    one (p, code, sev);
    g_object_unref (p);
}

/* The finding's cost_ns. */
static gint64
cost (JsonObject *f)
{
    g_assert_true (json_object_has_member (f, "cost_ns"));
    return json_object_get_int_member (f, "cost_ns");
}

static void
none (JsonParser *p, const char *code)
{
    GPtrArray *fs = findings (p, code);
    g_assert_cmpuint (fs->len, ==, 0);
    g_ptr_array_free (fs, TRUE);
}

/* --- the rules ---------------------------------------------------------------------- */

/* lost-events: 2 lost-event markers of 50 each around 40 event lines:
 * 100 / (40 + 100) = 71% >= 10 x lost_pct (1%): critical.  With
 * lost_pct = 90 the same trace is below the threshold: information.
 * Without markers: nothing. */
static void
test_lost (void)
{
    GString *s = g_string_new (NULL);
    periodic (s, "a", 100, 1000, 5, 10, 0, 100, "S", FALSE);
    g_string_append (s, "CPU:0 [LOST 50 EVENTS]\n");
    GString *clean = g_string_new (s->str);
    periodic (s, "a", 100, 1000, 5, 10, 0, 100, "S", FALSE);
    g_string_append (s, "CPU:0 [LOST 50 EVENTS]\n");
    /* 5 x 4 lines each side */
    JsonParser *p = analyze (s, NULL, NULL);
    JsonObject *f = one (p, "diagnosis.lost-events", "critical");
    g_assert_cmpint (cost (f), ==, 0);
    g_assert_cmpstr (evidence (f, "lost_events"), ==, "100");
    g_assert_cmpstr (evidence (f, "lost_pct"), ==, "71.429");
    g_assert_cmpstr (evidence (f, "lost_markers"), ==, "2");
    g_object_unref (p);
    one_with (s, "lost_pct = 90.0;", "diagnosis.lost-events", "info");
    /* the clean trace: its first half, marker dropped */
    g_string_truncate (clean, clean->len - strlen ("CPU:0 [LOST 50 EVENTS]\n"));
    p = analyze (clean, NULL, NULL);
    none (p, "diagnosis.lost-events");
    g_object_unref (p);
    g_string_free (s, TRUE);
    g_string_free (clean, TRUE);
}

/* Two vCPU threads share CPU 0 for 100 ms, each preempting the other every
 * 1 ms: CPU 0 is 100% busy and from the first preemption (1 ms) on, one
 * vCPU always waits: pressure 99 ms of 100 = 99% >= 2.5 x 20%: critical.  Not triggered: the same vCPUs take turns with idle
 * time between (each runs 1 ms, sleeps, the CPU idles 1 ms): busy 50%. */
static void
test_vcpu_contention (void)
{
    GString *s = g_string_new (NULL);
    sw (s, 0, 0, "swapper/0", 0, 120, "R", "CPU 0/KVM", 1001, 120);
    for (int i = 1; i <= 100; i++) {
        gboolean odd = i % 2;
        sw (s, 0, i * 1000, odd ? "CPU 0/KVM" : "CPU 1/KVM", odd ? 1001 : 1002, 120, "R+",
            odd ? "CPU 1/KVM" : "CPU 0/KVM", odd ? 1002 : 1001, 120);
    }
    JsonParser *p = analyze (s, NULL, NULL);
    JsonObject *f = one (p, "diagnosis.vcpu-contention", "critical");
    g_assert_cmpstr (evidence (f, "cpu"), ==, "0");
    g_assert_cmpstr (evidence (f, "busy_pct"), ==, "100.0");
    g_assert_nonnull (strstr (evidence (f, "vcpu_threads"), "CPU 1/KVM-1002"));
    /* the cost: the time a vCPU was queued, 1 ms to 100 ms */
    g_assert_cmpint (cost (f), ==, 99000000);
    g_object_unref (p);
    /* with a pressure threshold of 60% it still fires, as a warning:
     * 99 < 2.5 x 60 */
    one_with (s, "saturated_pressure_pct = 60.0;", "diagnosis.vcpu-contention", "warning");

    g_string_truncate (s, 0);
    for (int i = 0; i < 50; i++) {
        gint64 t = 1000 + i * 2000;
        const char *c = i % 2 ? "CPU 1/KVM" : "CPU 0/KVM";
        int pid = i % 2 ? 1002 : 1001;
        wake (s, "<idle>", 0, 0, t, c, pid, 120, 0);
        sw (s, 0, t + 5, "swapper/0", 0, 120, "R", c, pid, 120);
        sw (s, 0, t + 1000, c, pid, 120, "S", "swapper/0", 0, 120);
    }
    p = analyze (s, NULL, NULL);
    none (p, "diagnosis.vcpu-contention");
    g_object_unref (p);
    g_string_free (s, TRUE);
}

/* wakeup-rate: "io" woken by <idle> every 100 us, 1000 times: 1000 wakeups
 * over the trace's 99.925 ms (first waking at 1000 us, last switch-out at
 * 1000 + 999 x 100 + 25 us) = 10008/s >= 2000, top waker <idle>.  Every
 * 1 ms, 100 times: 100 wakeups over 99 ms = 1010/s < 2000: nothing. */
static void
test_wakeup_rate (void)
{
    GString *s = g_string_new (NULL);
    periodic (s, "io", 2000, 100, 1000, 5, 0, 20, "S", FALSE);
    JsonParser *p = analyze (s, NULL, NULL);
    JsonObject *f = one (p, "diagnosis.wakeup-rate", "info");
    g_assert_cmpstr (evidence (f, "wakeups"), ==, "1000");
    g_assert_cmpstr (evidence (f, "wakeups_per_s"), ==, "10008");
    g_assert_true (g_str_has_prefix (evidence (f, "top_waker"), "<idle>-0"));
    /* the cost: its wait for the CPU (runnable from the sched_wakeup, 1 us
     * after the waking, to the switch-in at 5 us) */
    g_assert_cmpint (cost (f), ==, 1000 * 4000);
    g_object_unref (p);
    /* woken often, but it waits only 4 ms of 99.925 (4.0% < harm_wait_pct
     * 10) and runs 5 us after its wakings (p99 < tail_min_us): information;
     * a warning when 4.0% is enough, or when 5 us is late */
    one_with (s, "harm_wait_pct = 4.1;", "diagnosis.wakeup-rate", "info");
    one_with (s, "harm_wait_pct = 4.0;", "diagnosis.wakeup-rate", "warning");
    one_with (s, "tail_min_us = 5;", "diagnosis.wakeup-rate", "warning");
    one_with (s, "tail_min_us = 6;", "diagnosis.wakeup-rate", "info");
    g_string_truncate (s, 0);
    periodic (s, "io", 2000, 1000, 100, 5, 0, 20, "S", FALSE);
    p = analyze (s, NULL, NULL);
    none (p, "diagnosis.wakeup-rate");
    g_object_unref (p);
    g_string_free (s, TRUE);
}

/* d-state-blocks: "dd" blocks in D every 1 ms, 100 times, woken by <idle>:
 * 99 complete episodes (the last one never ends) over 99.105 ms = 999/s >= 10 x
 * 50: critical, I/O wait.  Every 25 ms, 40 times: 39 episodes over 975 ms =
 * 40/s < 50: nothing. */
static void
test_d_blocks (void)
{
    GString *s = g_string_new (NULL);
    periodic (s, "dd", 3000, 1000, 100, 5, 0, 100, "D", FALSE);
    JsonParser *p = analyze (s, NULL, NULL);
    JsonObject *f = one (p, "diagnosis.d-state-blocks", "critical");
    g_assert_cmpstr (evidence (f, "d_count"), ==, "99");
    g_assert_cmpstr (evidence (f, "d_per_s"), ==, "999");
    g_assert_nonnull (strstr (json_object_get_string_member (f, "cause"), "I/O wait"));
    /* the cost: 99 episodes from the switch-out (105 us) to the next
     * sched_wakeup (1001 us) */
    g_assert_cmpint (cost (f), ==, 99 * 896000);
    /* 88.704 ms of D in 99.105 ms: 89.5% of the trace */
    g_assert_cmpstr (evidence (f, "d_share_pct"), ==, "89.5");
    g_object_unref (p);
    one_with (s, "d_share_pct = 89.6;", "diagnosis.d-state-blocks", "info");
    one_with (s, "d_share_pct = 89.4;", "diagnosis.d-state-blocks", "critical");
    /* below 10 x d_rate_hz: a warning */
    one_with (s, "d_rate_hz = 100.0;", "diagnosis.d-state-blocks", "warning");
    g_string_truncate (s, 0);
    periodic (s, "dd", 3000, 25000, 40, 5, 0, 100, "D", FALSE);
    p = analyze (s, NULL, NULL);
    none (p, "diagnosis.d-state-blocks");
    g_object_unref (p);
    g_string_free (s, TRUE);
}

static gint
cmp_t (gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
    return x < y ? -1 : x > y;
}

/* Interrupts on CPU 1: one every BG us from 0 to SPAN us, plus SPIKE more
 * 10 us apart early in each 10 ms window listed in AT. */
static void
irq_trace (GString *s, gint64 bg, gint64 span, const int *at, int n_at, int spike)
{
    GArray *ts = g_array_new (FALSE, FALSE, sizeof (gint64));
    for (gint64 t = 0; t < span; t += bg)
        g_array_append_val (ts, t);
    for (int k = 0; k < n_at; k++)
        for (int j = 0; j < spike; j++) {
            gint64 t = at[k] * 10000 + 101 + j * 10;
            g_array_append_val (ts, t);
        }
    g_array_sort (ts, cmp_t);
    for (guint i = 0; i < ts->len; i++) {
        gint64 t = g_array_index (ts, gint64, i);
        line (s, "<idle>", 0, 1, t, "irq_handler_entry: irq=24 name=virtio0-input.0");
        line (s, "<idle>", 0, 1, t + 2, "irq_handler_exit: irq=24 ret=handled");
    }
    g_array_free (ts, TRUE);
}

/* periodic-spikes, 10 ms windows over 1 s: one IRQ every 5 ms (2 a window,
 * the median), and 50 more in windows 5, 15, ..., 95: 52 > 5 x 2 and 5200/s
 * >= 2000, ten spikes 10 windows apart: warning, period 100 ms.  The same
 * spikes at irregular windows 5, 12, 40, 47, 90 (gaps 7, 28, 7, 43):
 * nothing.  Neither is an IRQ storm: 700 and 450 IRQs over 1 s. */
static void
test_periodic_spikes (void)
{
    static const int regular[] = { 5, 15, 25, 35, 45, 55, 65, 75, 85, 95 };
    static const int irregular[] = { 5, 12, 40, 47, 90 };
    GString *s = g_string_new (NULL);
    irq_trace (s, 5000, 1000001, regular, G_N_ELEMENTS (regular), 50);
    char *path = write_tmp ("spikes.txt", s->str);
    JsonParser *p = analyze_path (path, NULL, "--window=0.01");
    /* no time lost shows: information */
    JsonObject *f = one (p, "diagnosis.periodic-spikes", "info");
    g_assert_cmpstr (evidence (f, "period"), ==, "100.000 ms");
    g_assert_cmpstr (evidence (f, "spike_windows"), ==, "10");
    g_assert_cmpstr (evidence (f, "median_per_window"), ==, "2");
    none (p, "diagnosis.irq-storm");
    g_object_unref (p);
    g_string_truncate (s, 0);
    irq_trace (s, 5000, 1000001, irregular, G_N_ELEMENTS (irregular), 50);
    g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
    p = analyze_path (path, NULL, "--window=0.01");
    none (p, "diagnosis.periodic-spikes");
    g_object_unref (p);
    g_unlink (path);
    g_free (path);
    g_string_free (s, TRUE);
}

/* irq-storm: an IRQ every 50 us for 10 ms on CPU 1: 200 over 9.952 ms =
 * 20096/s >= 10000: warning (< 5 x 10000).  Every 500 us for 100 ms: 200
 * over 99.502 ms = 2010/s: nothing. */
static void
test_irq_storm (void)
{
    GString *s = g_string_new (NULL);
    irq_trace (s, 50, 10000, NULL, 0, 0);
    JsonParser *p = analyze (s, NULL, NULL);
    JsonObject *f = one (p, "diagnosis.irq-storm", "warning");
    g_assert_cmpstr (evidence (f, "cpu"), ==, "1");
    g_assert_cmpstr (evidence (f, "irqs"), ==, "200");
    g_assert_cmpstr (evidence (f, "irqs_per_s"), ==, "20096");
    g_assert_nonnull (strstr (evidence (f, "top_irq"), "virtio0-input.0"));
    /* the cost: 200 handlers of 2 us */
    g_assert_cmpint (cost (f), ==, 200 * 2000);
    /* the handlers took 400 us of 9.952 ms: 4.02% */
    g_object_unref (p);
    one_with (s, "irq_storm_time_pct = 4.03;", "diagnosis.irq-storm", "info");
    one_with (s, "irq_storm_time_pct = 4.01;", "diagnosis.irq-storm", "warning");
    one_with (s, "irq_storm_hz = 4000.0;", "diagnosis.irq-storm", "critical");
    g_string_truncate (s, 0);
    irq_trace (s, 500, 100000, NULL, 0, 0);
    p = analyze (s, NULL, NULL);
    none (p, "diagnosis.irq-storm");
    g_object_unref (p);
    g_string_free (s, TRUE);
}

/* migrations: a vCPU woken every 10 ms, 100 times, alternating CPUs 0 and 1
 * with a sched_migrate_task before each wakeup but the first: 99 over
 * 990.1 ms = 100/s >= 50.  The same for an ordinary task: information.  10 wakeups (9 migrations < migration_min 20):
 * nothing. */
static void
test_migrations (void)
{
    GString *s = g_string_new (NULL);
    periodic (s, "CPU 0/KVM", 5000, 10000, 100, 5, 0, 100, "S", TRUE);
    JsonParser *p = analyze (s, NULL, NULL);
    /* it waits 0.4 ms of 990.1 (0.04%) and runs 5 us after its wakings:
     * moving alone costs nothing, information */
    JsonObject *f = one (p, "diagnosis.migrations", "info");
    g_assert_cmpstr (evidence (f, "migrations"), ==, "99");
    g_assert_cmpstr (evidence (f, "migrations_per_s"), ==, "100");
    g_assert_cmpstr (evidence (f, "vcpu"), ==, "yes");
    /* the cost: its wait for the CPU, 4 us after each of 100 wakeups */
    g_assert_cmpint (cost (f), ==, 100 * 4000);
    g_object_unref (p);
    one_with (s, "harm_wait_pct = 0.041;", "diagnosis.migrations", "info");
    one_with (s, "harm_wait_pct = 0.040;", "diagnosis.migrations", "warning");
    /* a vCPU that waits, at 5 x migration_rate_hz (100/s >= 5 x 19): critical */
    one_with (s, "harm_wait_pct = 0.040; migration_rate_hz = 19.0;", "diagnosis.migrations", "critical");
    g_string_truncate (s, 0);
    periodic (s, "worker", 5000, 10000, 100, 5, 0, 100, "S", TRUE);
    p = analyze (s, NULL, NULL);
    one (p, "diagnosis.migrations", "info");
    g_object_unref (p);
    g_string_truncate (s, 0);
    periodic (s, "CPU 0/KVM", 5000, 10000, 10, 5, 0, 100, "S", TRUE);
    p = analyze (s, NULL, NULL);
    none (p, "diagnosis.migrations");
    g_object_unref (p);
    g_string_free (s, TRUE);
}

/* priority-inversion: on CPU 0 "low" (4001) and "low2" (4002), prio 120,
 * take turns; every 10 ms "rt" (4000, prio PRIO) is woken onto CPU 0, and
 * before it runs CPU 0 switches low -> low2 -> low -> low2 (3 switches to a
 * prio-120 task while it waits), then low2 -> rt; rt runs 1 ms and sleeps.
 * 5 rounds: 15 times passed over >= inversion_min 3 (< 30): warning.  With
 * prio 110 (a nice -10 CFS task) nothing, as only real-time waiters count;
 * with inversion_rt_only = false it counts again. */
static GString *
inversion_trace (int prio)
{
    GString *s = g_string_new (NULL);
    sw (s, 0, 0, "swapper/0", 0, 120, "R", "low", 4001, 120);
    for (int r = 0; r < 5; r++) {
        gint64 t = 1000 + r * 10000;
        wake (s, "low", 4001, 0, t, "rt", 4000, prio, 0);
        sw (s, 0, t + 100, "low", 4001, 120, "R", "low2", 4002, 120);
        sw (s, 0, t + 200, "low2", 4002, 120, "R", "low", 4001, 120);
        sw (s, 0, t + 300, "low", 4001, 120, "R", "low2", 4002, 120);
        sw (s, 0, t + 400, "low2", 4002, 120, "R", "rt", 4000, prio);
        sw (s, 0, t + 1400, "rt", 4000, prio, "S", "low", 4001, 120);
    }
    return s;
}

static void
test_priority_inversion (void)
{
    GString *s = inversion_trace (10);
    JsonParser *p = analyze (s, NULL, NULL);
    JsonObject *f = one (p, "diagnosis.priority-inversion", "warning");
    g_assert_cmpstr (evidence (f, "pid"), ==, "4000");
    g_assert_cmpstr (evidence (f, "times_passed_over"), ==, "15");
    g_assert_cmpstr (evidence (f, "longest_wait_at_such_switch"), ==, "0.299 ms");
    g_assert_cmpstr (evidence (f, "last_switched_in"), ==, "low2-4002 (prio 120)");
    /* the cost: 5 waits from the wakeup (t + 1 us) to the switch-in (t + 400) */
    g_assert_cmpint (cost (f), ==, 5 * 399000);
    g_object_unref (p);
    /* passed over after 299 us of waiting: information below 300 us */
    one_with (s, "inversion_wait_us = 300;", "diagnosis.priority-inversion", "info");
    one_with (s, "inversion_wait_us = 299;", "diagnosis.priority-inversion", "warning");
    g_string_free (s, TRUE);
    s = inversion_trace (110);
    p = analyze (s, NULL, NULL);
    none (p, "diagnosis.priority-inversion");
    g_object_unref (p);
    one_with (s, "inversion_rt_only = false;", "diagnosis.priority-inversion", "warning");
    g_string_free (s, TRUE);
}

/* latency-tail: woken every 10 ms, 100 times; 98 wakeups run 10 us later,
 * 2 (i = 49, 99) 5 ms later.  p50 = 10 us, p99 (99th of 100) = 5 ms: 500 x
 * the median and >= 2 ms (< 20 ms): warning.  With the 98 at 1 ms instead,
 * p99 / p50 = 5 < 10: nothing. */
static void
test_latency_tail (void)
{
    GString *s = g_string_new (NULL);
    periodic (s, "tail", 6000, 10000, 100, 10, 5000, 100, "S", FALSE);
    JsonParser *p = analyze (s, NULL, NULL);
    JsonObject *f = one (p, "diagnosis.latency-tail", "warning");
    g_assert_cmpstr (evidence (f, "latency_p50"), ==, "0.010 ms");
    g_assert_cmpstr (evidence (f, "latency_p99"), ==, "5.000 ms");
    g_assert_cmpstr (evidence (f, "samples"), ==, "100");
    /* the cost: the wait after its wakeups, 98 x 10 us + 2 x 5 ms */
    g_assert_cmpint (cost (f), ==, 98 * 10000 + 2 * 5000000);
    g_object_unref (p);
    g_string_truncate (s, 0);
    periodic (s, "tail", 6000, 10000, 100, 1000, 5000, 100, "S", FALSE);
    p = analyze (s, NULL, NULL);
    none (p, "diagnosis.latency-tail");
    g_object_unref (p);
    g_string_free (s, TRUE);
}

/* Without the other analyzers the table rules are skipped silently. */
static void
test_alone (void)
{
    GString *s = g_string_new (NULL);
    periodic (s, "dd", 3000, 1000, 100, 5, 0, 100, "D", FALSE);
    char *path = write_tmp ("alone.txt", s->str);
    char *cfg = write_tmp ("alone.cfg", "analyzers = [ \"diagnosis\" ];\n");
    char *out = g_build_filename (tmpdir, "alone.json", NULL);
    const char *argv[] = { g_getenv ("FTA_BIN"), "-q", "-c", cfg, "-f", "json", "-o", out,
                           path, NULL };
    int status;
    GError *error = NULL;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                  &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    JsonParser *p = json_parser_new ();
    json_parser_load_from_file (p, out, &error);
    g_assert_no_error (error);
    JsonObject *doc = json_node_get_object (json_parser_get_root (p));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (doc, "findings")), ==,
                      0);
    g_object_unref (p);
    g_unlink (out);
    g_unlink (cfg);
    g_unlink (path);
    g_free (out);
    g_free (cfg);
    g_free (path);
    g_string_free (s, TRUE);
}

/* A bad threshold is an error naming the plugin. */
static void
test_bad_option (void)
{
    GString *s = g_string_new (NULL);
    periodic (s, "a", 100, 1000, 5, 10, 0, 100, "S", FALSE);
    char *path = write_tmp ("bad.txt", s->str);
    char *cfg = write_tmp ("bad.cfg", "plugins = { diagnosis = { tail_ratio = 0.5; }; };\n");
    const char *argv[] = { g_getenv ("FTA_BIN"), "-q", "-c", cfg, path, NULL };
    int status;
    char *err = NULL;
    GError *error = NULL;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "diagnosis"));
    g_unlink (cfg);
    g_unlink (path);
    g_free (err);
    g_free (cfg);
    g_free (path);
    g_string_free (s, TRUE);
}

/* --- the rule table ---------------------------------------------------------------- */

/* "PLUGIN KEY" -> its default, from what `ftrace-analyzer plugins` lists. */
static GHashTable *
option_defaults (void)
{
    char *out = NULL;
    const char *argv[] = { g_getenv ("FTA_BIN"), "plugins", NULL };
    int status;
    GError *error = NULL;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                  NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    char **lines = g_strsplit (out, "\n", -1);
    char *plugin = NULL;
    for (char **l = lines; *l; l++) {
        if (g_ascii_islower ((*l)[0])) {
            g_free (plugin);
            plugin = g_strndup (*l, strcspn (*l, " "));
            continue;
        }
        char **w = g_strsplit_set (g_strstrip (*l), " ", -1);
        GPtrArray *words = g_ptr_array_new ();
        for (char **x = w; *x; x++)
            if (**x)
                g_ptr_array_add (words, *x);
        /* "KEY TYPE default VALUE HELP..." */
        if (plugin && words->len >= 4 && strcmp (g_ptr_array_index (words, 2), "default") == 0)
            g_hash_table_insert (h, g_strdup_printf ("%s %s", plugin,
                                                     (char *) g_ptr_array_index (words, 0)),
                                 g_strdup (g_ptr_array_index (words, 3)));
        g_ptr_array_free (words, TRUE);
        g_strfreev (w);
    }
    g_free (plugin);
    g_strfreev (lines);
    g_free (out);
    return h;
}

/* The row of docs/diagnosis.md's rule table for rule R. */
static char *
rule_row (const Rule *r, GHashTable *defaults)
{
    GString *th = g_string_new (NULL);
    char **keys = g_strsplit (r->thresholds, " ", -1);
    for (char **k = keys; *k; k++) {
        if (!**k)
            continue;
        char *pk = g_strdup_printf ("%s %s", r->plugin, *k);
        const char *def = g_hash_table_lookup (defaults, pk);
        if (!def)
            g_test_message ("%s: %s is not an option of plugins.%s", r->code, *k, r->plugin);
        g_assert_nonnull (def);
        g_string_append_printf (th, "%s`%s` (%s)", th->len ? ", " : "", *k, def);
        g_free (pk);
    }
    g_strfreev (keys);
    char *row = g_strdup_printf ("| `%s` | %s | %s | %s | %s | %s | %s | %s |", r->code, r->plugin,
                                 r->reads, r->trigger, th->len ? th->str : "—", r->severity,
                                 r->evidence, r->cost);
    g_string_free (th, TRUE);
    return row;
}

/* docs/diagnosis.md's rule table is the rules' descriptors: each rule's
 * row, and no other; each threshold an option of its plugin, with the
 * default the plugin gives.  FTA_PRINT_RULES=1 prints the table. */
static void
test_rule_table (void)
{
    GHashTable *defaults = option_defaults ();
    char *doc_path = g_build_filename (g_getenv ("FTA_TOP_SRCDIR"), "docs", "diagnosis.md", NULL);
    char *doc;
    g_assert_true (g_file_get_contents (doc_path, &doc, NULL, NULL));
    char **lines = g_strsplit (doc, "\n", -1);
    GHashTable *want = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    gboolean print = g_getenv ("FTA_PRINT_RULES") != NULL;
    if (print)
        printf ("| code | raised by | reads | fires when | thresholds (default) | severity | "
                "evidence | cost_ns |\n|---|---|---|---|---|---|---|---|\n");
    for (guint i = 0; i < G_N_ELEMENTS (rules); i++) {
        g_assert_null (strchr (rules[i].reads, '|'));
        char *row = rule_row (&rules[i], defaults);
        if (print)
            printf ("%s\n", row);
        gboolean found = FALSE;
        for (char **l = lines; *l && !found; l++)
            found = strcmp (*l, row) == 0;
        if (!found)
            g_test_message ("docs/diagnosis.md lacks the row\n%s", row);
        g_assert_true (found || print);
        g_hash_table_add (want, row);
    }
    /* no row for a rule that is not there */
    for (char **l = lines; *l; l++)
        if (!print && g_str_has_prefix (*l, "| `") && !g_hash_table_contains (want, *l)) {
            g_test_message ("docs/diagnosis.md has a row no rule has:\n%s", *l);
            g_assert_not_reached ();
        }
    g_hash_table_destroy (want);
    g_strfreev (lines);
    g_free (doc);
    g_free (doc_path);
    g_hash_table_destroy (defaults);
}

/* --- the corpus ---------------------------------------------------------------------- */

static JsonParser *
corpus (const char *name)
{
    char *path = g_test_build_filename (G_TEST_DIST, "data", "corpus", name, NULL);
    JsonParser *p = analyze_path (path, NULL, NULL);
    g_free (path);
    return p;
}

/* Nothing alarming in a healthy trace: no finding of any analyzer above
 * information, in either rendering of quiet, with the default profile or
 * the kvm one.  quiet's tasks move CPU often (sleeper A 237 times a second,
 * "x ==> y" 56) and bounce, but none waited for a CPU 10% of the trace
 * (sleeper A 8.2%) or ran 2 ms late at p99 (sleeper A 0.741 ms). */
static void
test_quiet (void)
{
    static const char *const files[] = { "quiet_ftrace_default.txt.gz",
                                         "quiet_ftrace_tgid_noirqinfo.txt.gz" };
    for (guint k = 0; k < G_N_ELEMENTS (files) * 2; k++) {
        char *path = g_test_build_filename (G_TEST_DIST, "data", "corpus", files[k / 2], NULL);
        char *out = g_build_filename (tmpdir, "quiet.json", NULL);
        const char *argv[] = { g_getenv ("FTA_BIN"), "-q", "-p", k % 2 ? "kvm" : "default",
                               "-f", "json", "-o", out, path, NULL };
        int status;
        GError *error = NULL;
        g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                      &status, &error);
        g_assert_no_error (error);
        g_assert_true (g_spawn_check_wait_status (status, NULL));
        JsonParser *p = json_parser_new ();
        json_parser_load_from_file (p, out, &error);
        g_assert_no_error (error);
        JsonObject *doc = json_node_get_object (json_parser_get_root (p));
        JsonArray *fs = json_object_get_array_member (doc, "findings");
        for (guint i = 0; i < json_array_get_length (fs); i++) {
            JsonObject *f = json_array_get_object_element (fs, i);
            g_test_message ("%s %s: %s", files[k / 2], argv[3],
                            json_object_get_string_member (f, "code"));
            g_assert_cmpstr (severity (f), ==, "info");
        }
        g_object_unref (p);
        g_unlink (out);
        g_free (out);
        g_free (path);
    }
}

/* cpu_contention (CPU hogs beside cyclictest and sleepers, no VM): both CPUs
 * 98% busy with tasks queued 93-95% of the time, so the waits show as
 * latency tails (kworker/1:1: p50 9 us, p99 104 ms: critical); no vCPU, so
 * no vcpu-contention; cyclictest's RT threads are never passed over. */
static void
test_cpu_contention (void)
{
    JsonParser *p = corpus ("cpu_contention_ftrace_default.txt.gz");
    GPtrArray *fs = findings (p, "diagnosis.latency-tail");
    g_assert_cmpuint (fs->len, >=, 1);
    JsonObject *f = g_ptr_array_index (fs, 0);
    g_assert_cmpstr (severity (f), ==, "critical");
    g_assert_cmpstr (evidence (f, "comm"), ==, "kworker/1:1");
    g_ptr_array_free (fs, TRUE);
    none (p, "diagnosis.vcpu-contention");
    none (p, "diagnosis.priority-inversion");
    none (p, "diagnosis.lost-events");
    g_object_unref (p);
}

/* qemu_tcg: two vCPU threads and two CPU hogs on 2 CPUs, both CPUs 99-100%
 * busy with tasks queued 86% of the time: vcpu-contention on both CPUs,
 * one finding for the two, critical (86 >= 2.5 x 20), beside
 * kvm.vcpu-steal (not repeated). */
static void
test_qemu (void)
{
    JsonParser *p = corpus ("qemu_tcg_ftrace_default.txt.gz");
    GPtrArray *fs = findings (p, "diagnosis.vcpu-contention");
    g_assert_cmpuint (fs->len, ==, 1);
    JsonObject *f = g_ptr_array_index (fs, 0);
    g_assert_cmpstr (severity (f), ==, "critical");
    g_assert_cmpstr (evidence (f, "see also"), ==, "kvm.vcpu-steal");
    g_assert_cmpstr (evidence (f, "cpus"), ==, "2 of 2");
    g_assert_cmpstr (evidence (f, "cpu_list"), ==, "0-1");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (f, "title"),
                                     "2 of 2 CPUs saturated"));
    /* the CPU after the worst has its line */
    g_assert_nonnull (evidence (f, strcmp (evidence (f, "cpu"), "0") == 0 ? "CPU 1" : "CPU 0"));
    g_ptr_array_free (fs, TRUE);
    g_object_unref (p);
}

/* io_block: fio's two threads block in D ~910 times a second (critical:
 * one finding for both, the worst one's evidence first), dd 87 (warning). */
static void
test_io_block (void)
{
    JsonParser *p = corpus ("io_block_ftrace_default.txt.gz");
    GPtrArray *fs = findings (p, "diagnosis.d-state-blocks");
    g_assert_cmpuint (fs->len, ==, 2);
    JsonObject *f = g_ptr_array_index (fs, 0);
    g_assert_cmpstr (severity (f), ==, "critical");
    g_assert_cmpstr (evidence (f, "comm"), ==, "fio");
    g_assert_cmpstr (evidence (f, "tasks"), ==, "2 (the worst first)");
    const char *title = json_object_get_string_member (f, "title");
    g_assert_true (g_str_has_prefix (title, "2 tasks blocked in D state "));
    g_assert_nonnull (strstr (title, "worst: fio-"));
    f = g_ptr_array_index (fs, 1);
    g_assert_cmpstr (evidence (f, "comm"), ==, "dd");
    g_assert_cmpstr (severity (f), ==, "warning");
    g_ptr_array_free (fs, TRUE);
    g_object_unref (p);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-diagnosis-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/diagnosis/lost-events", test_lost);
    g_test_add_func ("/diagnosis/vcpu-contention", test_vcpu_contention);
    g_test_add_func ("/diagnosis/wakeup-rate", test_wakeup_rate);
    g_test_add_func ("/diagnosis/d-state-blocks", test_d_blocks);
    g_test_add_func ("/diagnosis/periodic-spikes", test_periodic_spikes);
    g_test_add_func ("/diagnosis/irq-storm", test_irq_storm);
    g_test_add_func ("/diagnosis/migrations", test_migrations);
    g_test_add_func ("/diagnosis/priority-inversion", test_priority_inversion);
    g_test_add_func ("/diagnosis/latency-tail", test_latency_tail);
    g_test_add_func ("/diagnosis/alone", test_alone);
    g_test_add_func ("/diagnosis/bad-option", test_bad_option);
    g_test_add_func ("/diagnosis/rule-table", test_rule_table);
    g_test_add_func ("/diagnosis/corpus/quiet", test_quiet);
    g_test_add_func ("/diagnosis/corpus/cpu_contention", test_cpu_contention);
    g_test_add_func ("/diagnosis/corpus/qemu_tcg", test_qemu);
    g_test_add_func ("/diagnosis/corpus/io_block", test_io_block);
    int rc = g_test_run ();
    g_rmdir (tmpdir);
    g_free (tmpdir);
    return rc;
}
