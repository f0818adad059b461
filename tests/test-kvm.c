/* test-kvm.c - the kvm analyzer through the command line:
 *  - hand-made host traces (7-character flags column, with and without the
 *    TGID column) whose numbers are worked out by hand below;
 *  - thread roles and VM grouping from comms, forks and pid proximity;
 *  - the qemu_tcg recording: both vCPU threads of the one VM, preempted by
 *    the stress-ng-cpu hogs, with numbers that reconcile with switch.tasks,
 *    wakeup.tasks and a count of the text's own lines;
 *  - the installed "kvm" profile.
 */
#include <string.h>

#include <json-glib/json-glib.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fta-test.h"

static char *tmpdir;

#define write_tmp(name, text) fta_test_write (tmpdir, name, text)
#define root fta_test_root
#define cell_int fta_test_cell_int
#define cell_str fta_test_cell_str

/* Runs the CLI with -f json and EXTRA options on TRACE. */
static JsonParser *
analyze (const char *const *extra, const char *trace)
{
    return fta_test_analyze (tmpdir, NULL, trace, extra);
}

static gboolean
has_table (JsonParser *p, const char *table)
{
    return json_object_has_member (json_object_get_object_member (root (p), "tables"), table);
}

static JsonObject *
table (JsonParser *p, const char *name)
{
    JsonObject *tables = json_object_get_object_member (root (p), "tables");
    g_assert_true (json_object_has_member (tables, name));
    return json_object_get_object_member (tables, name);
}

static guint
n_rows (JsonParser *p, const char *name)
{
    return json_array_get_length (json_object_get_array_member (table (p, name), "rows"));
}

/* A row as column name -> node (borrowed from the parser). */
static GHashTable *
row_at (JsonParser *p, const char *name, guint i)
{
    JsonArray *cols = json_object_get_array_member (table (p, name), "columns");
    JsonArray *r = json_array_get_array_element (
        json_object_get_array_member (table (p, name), "rows"), i);
    GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint c = 0; c < json_array_get_length (cols); c++)
        g_hash_table_insert (h, (gpointer) json_object_get_string_member (
                                    json_array_get_object_element (cols, c), "name"),
                             json_array_get_element (r, c));
    return h;
}

/* The one row whose integer columns K1 (and K2, if given) have these
 * values; NULL when there is none.  Free with g_hash_table_unref. */
static GHashTable *
find_row (JsonParser *p, const char *name, const char *k1, gint64 v1, const char *k2,
          gint64 v2)
{
    GHashTable *found = NULL;
    for (guint i = 0; i < n_rows (p, name); i++) {
        GHashTable *r = row_at (p, name, i);
        if (cell_int (r, k1) == v1 && (!k2 || cell_int (r, k2) == v2)) {
            g_assert_null (found);
            found = r;
        } else {
            g_hash_table_unref (r);
        }
    }
    return found;
}

static GHashTable *
must_row (JsonParser *p, const char *name, const char *k1, gint64 v1, const char *k2,
          gint64 v2)
{
    GHashTable *r = find_row (p, name, k1, v1, k2, v2);
    if (!r)
        g_test_message ("%s: no row %s=%" G_GINT64_FORMAT, name, k1, v1);
    g_assert_nonnull (r);
    return r;
}

/* --- a hand-made KVM host ---------------------------------------------------
 *
 * Two VMs on a 2-CPU host, no TGID column in the first rendering:
 *   VM A: qemu-system-x86 1000, CPU 0/KVM 1003 (A0), CPU 1/KVM 1004 (A1),
 *         vhost-1000 1500 (a kernel thread far from the VM's pids), and a
 *         qemu "worker" 1007 that only the TGID column can place;
 *   VM B: qemu-system-x86 1010, CPU 0/KVM 1012 (B0);
 *   stress 3000 and stress 3001, CPU hogs.
 * Times below are microseconds after 100 s.
 *
 * CPU 0                                       CPU 1
 *    0 idle -> A0                                0 idle -> A1
 *  100 A0 kvm_entry  400 exit EXTERNAL_INTR   2000 A1 S -> vhost
 *  450 entry        1000 exit EXTERNAL_INTR   2100/2105 vhost wakes A1
 * 1010 A0 R -> stress 3000                    2300 vhost S -> A1
 * 3010 stress R -> A0                         2400 entry 2900 exit EPT_VIOLATION
 * 3020 entry  3500 exit IO_INSTRUCTION        2950 entry 3300 exit EPT_VIOLATION
 *      3510 kvm_userspace_exit KVM_EXIT_IO    3310 A1 R -> qemu 1000
 * 3600 A0 R+ -> B0                            5020 qemu migrates A1 to CPU 0
 * 3700 B0 entry  4200 exit HLT (old form)     6000 qemu S -> qemu 1010
 * 4300 B0 S -> A0                             6500 qemu 1010 R -> stress 3000
 * 4310 entry  5000 exit HLT                   8500 stress S -> worker 1007
 * 5010 A0 S -> idle                           9000 worker S -> idle
 * 5030 idle -> A1 (migrated)
 * 5040 A1 entry 5900 exit HLT, 6000 A1 S -> idle
 * 7000/7002 A0 woken from idle, 7010 idle -> A0
 * 7020 entry  7990 exit PREEMPTION_TIMER
 * 8000 A0 R -> stress 3001
 * 9000 stress 3001 R -> A0                    (the trace ends at 9000)
 *
 * A0: run 0-1010, 3010-3600, 4300-5010, 7010-8000 = 1010+590+710+990 = 3300;
 *     runnable after preemption 1010-3010 (stress 3000), 3600-4300 (B0),
 *     8000-9000 (stress 3001) = 3700, after its wakeup 7002-7010 = 8:
 *     runnable 3708; preempted 3 times; sleep 5010-7002 = 1992;
 *     guest 300+550+480+690+970 = 2990, host 3300-2990 = 310; 5 exits.
 * A1: run 0-2000, 2300-3310, 5030-6000 = 2000+1010+970 = 3980; runnable
 *     woken 2105-2300 = 195, preempted 3310-5030 = 1720 (by qemu 1000):
 *     1915; sleep 2000-2105 = 105 (the sleep from 6000 is still open at
 *     the end: not counted); CPUs 0-1, 1 migration; guest 500+350+860 =
 *     1710, host 2270; 3 exits.
 * B0: run 3600-4300 = 700; guest 500, host 200; its sleep is still open.
 * vhost 2000-2300 = 300; qemu 1000 3310-6000 = 2690; qemu 1010 6000-6500
 * = 500 (then preempted, still waiting at the end); worker 8500-9000 = 500.
 * Exits of A0: EXTERNAL_INTERRUPT 2, handled 400->450 and 1000->3020 (the
 * wait after the preemption included) = 50+2020 = 2070; IO_INSTRUCTION 1,
 * 3500->4310 = 810; KVM_EXIT_IO 1 (userspace) 3510->4310 = 800; HLT 1,
 * 5000->7020 = 2020 (the halt included); PREEMPTION_TIMER 1, never
 * re-entered: 0.  A1: EPT_VIOLATION 2, 50 + (3300->5040) 1740 = 1790; HLT
 * 1, 0.  B0: HLT 1, 0.
 * VM A: vCPUs run 7280, runnable 5623, preempted 4, sleep 2097, vhost 300,
 * emulator 2690 (plus the worker's 500 once the TGID column places it).
 * VM B: run 700, emulator 500. */

typedef struct {
    int cpu;
    const char *comm;
    int pid, tgid;
    int us;
    const char *body;
} HandLine;

#define SW(a, ap, st, b, bp) \
    "sched_switch: prev_comm=" a " prev_pid=" #ap " prev_prio=120 prev_state=" st \
    " ==> next_comm=" b " next_pid=" #bp " next_prio=120"
#define ENTRY(v) "kvm_entry: vcpu " #v ", rip 0xffffffff81e2c4ad"
#define EXIT(v, why)                                                                   \
    "kvm_exit: vcpu " #v " reason " why " rip 0xffffffff81e2c4ad info1 0x0000000000000000" \
    " info2 0x00000000800000ec intr_info 0x00000000 error_code 0x00000000"

static const HandLine hand[] = {
    { 0, "<idle>", 0, 0, 0, SW ("swapper/0", 0, "R", "CPU 0/KVM", 1003) },
    { 1, "<idle>", 0, 0, 0, SW ("swapper/1", 0, "R", "CPU 1/KVM", 1004) },
    { 0, "CPU 0/KVM", 1003, 1000, 100, ENTRY (0) },
    { 0, "CPU 0/KVM", 1003, 1000, 400, EXIT (0, "EXTERNAL_INTERRUPT") },
    { 0, "CPU 0/KVM", 1003, 1000, 450, ENTRY (0) },
    { 0, "CPU 0/KVM", 1003, 1000, 1000, EXIT (0, "EXTERNAL_INTERRUPT") },
    { 0, "CPU 0/KVM", 1003, 1000, 1010, SW ("CPU 0/KVM", 1003, "R", "stress", 3000) },
    { 1, "CPU 1/KVM", 1004, 1000, 2000, SW ("CPU 1/KVM", 1004, "S", "vhost-1000", 1500) },
    { 1, "vhost-1000", 1500, 1500, 2100,
      "sched_waking: comm=CPU 1/KVM pid=1004 prio=120 target_cpu=001" },
    { 1, "vhost-1000", 1500, 1500, 2105,
      "sched_wakeup: comm=CPU 1/KVM pid=1004 prio=120 target_cpu=001" },
    { 1, "vhost-1000", 1500, 1500, 2300, SW ("vhost-1000", 1500, "S", "CPU 1/KVM", 1004) },
    { 1, "CPU 1/KVM", 1004, 1000, 2400, ENTRY (1) },
    { 1, "CPU 1/KVM", 1004, 1000, 2900, EXIT (1, "EPT_VIOLATION") },
    { 1, "CPU 1/KVM", 1004, 1000, 2950, ENTRY (1) },
    { 0, "stress", 3000, 3000, 3010, SW ("stress", 3000, "R", "CPU 0/KVM", 1003) },
    { 0, "CPU 0/KVM", 1003, 1000, 3020, ENTRY (0) },
    { 1, "CPU 1/KVM", 1004, 1000, 3300, EXIT (1, "EPT_VIOLATION") },
    { 1, "CPU 1/KVM", 1004, 1000, 3310, SW ("CPU 1/KVM", 1004, "R", "qemu-system-x86", 1000) },
    { 0, "CPU 0/KVM", 1003, 1000, 3500, EXIT (0, "IO_INSTRUCTION") },
    { 0, "CPU 0/KVM", 1003, 1000, 3510, "kvm_userspace_exit: reason KVM_EXIT_IO (2)" },
    { 0, "CPU 0/KVM", 1003, 1000, 3600, SW ("CPU 0/KVM", 1003, "R+", "CPU 0/KVM", 1012) },
    { 0, "CPU 0/KVM", 1012, 1010, 3700, ENTRY (0) },
    { 0, "CPU 0/KVM", 1012, 1010, 4200, "kvm_exit: reason HLT rip 0xffffffff8103a8d6 info 0 0" },
    { 0, "CPU 0/KVM", 1012, 1010, 4300, SW ("CPU 0/KVM", 1012, "S", "CPU 0/KVM", 1003) },
    { 0, "CPU 0/KVM", 1003, 1000, 4310, ENTRY (0) },
    { 0, "CPU 0/KVM", 1003, 1000, 5000, EXIT (0, "HLT") },
    { 0, "CPU 0/KVM", 1003, 1000, 5010, SW ("CPU 0/KVM", 1003, "S", "swapper/0", 0) },
    { 1, "qemu-system-x86", 1000, 1000, 5020,
      "sched_migrate_task: comm=CPU 1/KVM pid=1004 prio=120 orig_cpu=1 dest_cpu=0" },
    { 0, "<idle>", 0, 0, 5030, SW ("swapper/0", 0, "R", "CPU 1/KVM", 1004) },
    { 0, "CPU 1/KVM", 1004, 1000, 5040, ENTRY (1) },
    { 0, "CPU 1/KVM", 1004, 1000, 5900, EXIT (1, "HLT") },
    { 0, "CPU 1/KVM", 1004, 1000, 6000, SW ("CPU 1/KVM", 1004, "S", "swapper/0", 0) },
    { 1, "qemu-system-x86", 1000, 1000, 6000,
      SW ("qemu-system-x86", 1000, "S", "qemu-system-x86", 1010) },
    { 1, "qemu-system-x86", 1010, 1010, 6500, SW ("qemu-system-x86", 1010, "R", "stress", 3000) },
    { 0, "<idle>", 0, 0, 7000, "sched_waking: comm=CPU 0/KVM pid=1003 prio=120 target_cpu=000" },
    { 0, "<idle>", 0, 0, 7002, "sched_wakeup: comm=CPU 0/KVM pid=1003 prio=120 target_cpu=000" },
    { 0, "<idle>", 0, 0, 7010, SW ("swapper/0", 0, "R", "CPU 0/KVM", 1003) },
    { 0, "CPU 0/KVM", 1003, 1000, 7020, ENTRY (0) },
    { 0, "CPU 0/KVM", 1003, 1000, 7990, EXIT (0, "PREEMPTION_TIMER") },
    { 0, "CPU 0/KVM", 1003, 1000, 8000, SW ("CPU 0/KVM", 1003, "R", "stress", 3001) },
    { 1, "stress", 3000, 3000, 8500, SW ("stress", 3000, "S", "worker", 1007) },
    { 0, "stress", 3001, 3001, 9000, SW ("stress", 3001, "R", "CPU 0/KVM", 1003) },
    { 1, "worker", 1007, 1000, 9000, SW ("worker", 1007, "S", "swapper/1", 0) },
};

/* The lines as tracefs prints them with the 7-character flags column,
 * with or without the TGID column. */
static char *
hand_text (const HandLine *lines, guint n, gboolean tgid)
{
    GString *s = g_string_new ("# tracer: nop\n#\n");
    for (guint i = 0; i < n; i++) {
        const HandLine *l = &lines[i];
        const char *flags = g_str_has_prefix (l->body, "sched_switch") ? "d..2.1." : "d..1.1.";
        g_string_append_printf (s, "%16s-%-7d ", l->comm, l->pid);
        if (tgid) {
            if (l->pid == 0)
                g_string_append (s, "(-------) ");
            else
                g_string_append_printf (s, "(%7d) ", l->tgid);
        }
        g_string_append_printf (s, "[%03d] %s %5d.%06d: %s\n", l->cpu, flags, 100, l->us,
                                l->body);
    }
    return g_string_free (s, FALSE);
}

static char *
hand_trace (gboolean tgid)
{
    char *text = hand_text (hand, G_N_ELEMENTS (hand), tgid);
    char *path = write_tmp (tgid ? "hand-tgid.txt" : "hand.txt", text);
    g_free (text);
    return path;
}

static void
check_vcpu (JsonParser *p, gint64 pid, gint64 vm, gint64 vcpu, gint64 run_us,
            gint64 runnable_us, gint64 preempted, gint64 sleep_us, gint64 migrations,
            const char *cpus, gint64 guest_us, gint64 exits)
{
    GHashTable *r = must_row (p, "kvm.vcpus", "pid", pid, NULL, 0);
    g_assert_cmpint (cell_int (r, "vm"), ==, vm);
    g_assert_cmpint (cell_int (r, "vcpu"), ==, vcpu);
    g_assert_cmpint (cell_int (r, "run_ns"), ==, run_us * 1000);
    g_assert_cmpint (cell_int (r, "runnable_ns"), ==, runnable_us * 1000);
    g_assert_cmpint (cell_int (r, "preempted"), ==, preempted);
    g_assert_cmpint (cell_int (r, "sleep_ns"), ==, sleep_us * 1000);
    g_assert_cmpint (cell_int (r, "migrations"), ==, migrations);
    g_assert_cmpint (cell_int (r, "blocked_ns"), ==, 0);
    g_assert_cmpstr (cell_str (r, "cpus"), ==, cpus);
    g_assert_cmpstr (cell_str (r, "role"), ==, "vcpu");
    g_assert_cmpint (cell_int (r, "guest_ns"), ==, guest_us * 1000);
    g_assert_cmpint (cell_int (r, "host_ns"), ==, (run_us - guest_us) * 1000);
    g_assert_cmpint (cell_int (r, "exits"), ==, exits);
    g_hash_table_unref (r);
}

static void
check_holder (JsonParser *p, gint64 vcpu_pid, gint64 pid, gint64 us, gint64 preemptions,
              const char *same_vm, const char *role)
{
    GHashTable *r = must_row (p, "kvm.holders", "vcpu_pid", vcpu_pid, "holder_pid", pid);
    g_assert_cmpint (cell_int (r, "wait_ns"), ==, us * 1000);
    g_assert_cmpint (cell_int (r, "preemptions"), ==, preemptions);
    g_assert_cmpstr (cell_str (r, "same_vm"), ==, same_vm);
    g_assert_cmpstr (cell_str (r, "holder_role"), ==, role);
    g_hash_table_unref (r);
}

static void
check_preemptor (JsonParser *p, gint64 vcpu_pid, gint64 pid, gint64 vm, gint64 vcpu,
                 const char *comm, gint64 count, gint64 us, gint64 preemptor_vm,
                 const char *preemptor_role)
{
    GHashTable *r = must_row (p, "kvm.preemptors", "vcpu_pid", vcpu_pid, "pid", pid);
    g_assert_cmpint (cell_int (r, "vm"), ==, vm);
    g_assert_cmpint (cell_int (r, "vcpu"), ==, vcpu);
    g_assert_cmpstr (cell_str (r, "comm"), ==, comm);
    g_assert_cmpint (cell_int (r, "count"), ==, count);
    g_assert_cmpint (cell_int (r, "ns"), ==, us * 1000);
    g_assert_cmpint (cell_int (r, "preemptor_vm"), ==, preemptor_vm);
    g_assert_cmpstr (cell_str (r, "preemptor_role"), ==, preemptor_role);
    g_hash_table_unref (r);
}

static void
check_thread (JsonParser *p, gint64 pid, gint64 vm, const char *role, gint64 run_us)
{
    GHashTable *r = must_row (p, "kvm.threads", "pid", pid, NULL, 0);
    g_assert_cmpint (cell_int (r, "vm"), ==, vm);
    g_assert_cmpstr (cell_str (r, "role"), ==, role);
    g_assert_cmpint (cell_int (r, "run_ns"), ==, run_us * 1000);
    g_hash_table_unref (r);
}

/* count exits of REASON of kind KIND for PID, and how long they were
 * handled */
static void
check_exit (JsonParser *p, gint64 pid, const char *reason, const char *kind, gint64 count,
            gint64 handling_us)
{
    GHashTable *found = NULL;
    for (guint i = 0; i < n_rows (p, "kvm.exits"); i++) {
        GHashTable *r = row_at (p, "kvm.exits", i);
        if (cell_int (r, "pid") == pid && g_strcmp0 (cell_str (r, "reason"), reason) == 0
            && g_strcmp0 (cell_str (r, "kind"), kind) == 0) {
            g_assert_null (found);
            found = r;
        } else {
            g_hash_table_unref (r);
        }
    }
    g_assert_nonnull (found);
    g_assert_cmpint (cell_int (found, "count"), ==, count);
    g_assert_cmpint (cell_int (found, "handling_ns"), ==, handling_us * 1000);
    g_hash_table_unref (found);
}

static guint
n_findings (JsonParser *p, const char *code)
{
    JsonArray *f = json_object_get_array_member (root (p), "findings");
    guint n = 0;
    for (guint i = 0; i < json_array_get_length (f); i++)
        n += g_strcmp0 (json_object_get_string_member (json_array_get_object_element (f, i),
                                                       "code"),
                        code)
             == 0;
    return n;
}

static JsonObject *
finding (JsonParser *p, const char *code, guint nth)
{
    JsonArray *f = json_object_get_array_member (root (p), "findings");
    for (guint i = 0; i < json_array_get_length (f); i++) {
        JsonObject *o = json_array_get_object_element (f, i);
        if (g_strcmp0 (json_object_get_string_member (o, "code"), code) == 0 && nth-- == 0)
            return o;
    }
    g_assert_not_reached ();
    return NULL;
}

/* The numbers both renderings must give: grouping apart, the TGID column
 * changes nothing about a thread. */
static void
check_hand_numbers (JsonParser *p)
{
    /*                 pid   vm    vcpu run  runnable pre sleep mig cpus  guest exits */
    check_vcpu (p, 1003, 1000, 0, 3300, 3708, 3, 1992, 0, "0", 2990, 5);
    check_vcpu (p, 1004, 1000, 1, 3980, 1915, 1, 105, 1, "0-1", 1710, 3);
    check_vcpu (p, 1012, 1010, 0, 700, 0, 0, 0, 0, "0", 500, 1);
    g_assert_cmpuint (n_rows (p, "kvm.vcpus"), ==, 3);
    /* sorted by VM, then vCPU number */
    GHashTable *first = row_at (p, "kvm.vcpus", 0), *last = row_at (p, "kvm.vcpus", 2);
    g_assert_cmpint (cell_int (first, "pid"), ==, 1003);
    g_assert_cmpint (cell_int (last, "pid"), ==, 1012);
    g_hash_table_unref (first);
    g_hash_table_unref (last);

    /*                     vCPU  by    vm    vcpu comm         n  us    its vm role */
    check_preemptor (p, 1003, 3000, 1000, 0, "stress", 1, 2000, -1, NULL);
    check_preemptor (p, 1003, 1012, 1000, 0, "CPU 0/KVM", 1, 700, 1010, "vcpu");
    check_preemptor (p, 1003, 3001, 1000, 0, "stress", 1, 1000, -1, NULL);
    check_preemptor (p, 1004, 1000, 1000, 1, "qemu-system-x86", 1, 1720, 1000, "qemu");
    g_assert_cmpuint (n_rows (p, "kvm.preemptors"), ==, 4);
    /* who held the vCPUs' CPUs while they waited: A0's are stress 3000
     * (1010-3010), stress 3001 (8000-9000), B0 (3600-4300, another VM),
     * idle (7002-7010); A1's qemu 1000 (3310-5020 on CPU 1, its own VM),
     * vhost (2105-2300, its own VM), idle (5020-5030 on CPU 0) */
    check_holder (p, 1003, 3000, 2000, 1, "no", NULL);
    check_holder (p, 1003, 3001, 1000, 1, "no", NULL);
    check_holder (p, 1003, 1012, 700, 1, "no", "vcpu");
    check_holder (p, 1003, 0, 8, 0, "no", NULL);
    check_holder (p, 1004, 1000, 1710, 1, "yes", "qemu");
    check_holder (p, 1004, 1500, 195, 0, "yes", "vhost");
    check_holder (p, 1004, 0, 10, 0, "no", NULL);
    g_assert_cmpuint (n_rows (p, "kvm.holders"), ==, 7);
    GHashTable *vh = must_row (p, "kvm.vm_holders", "vm", 1000, "holder_pid", 3000);
    g_assert_cmpint (cell_int (vh, "wait_ns"), ==, 2000000);
    g_hash_table_unref (vh);
    /* most wait first */
    first = row_at (p, "kvm.preemptors", 0);
    g_assert_cmpint (cell_int (first, "pid"), ==, 3000);
    g_hash_table_unref (first);

    check_exit (p, 1003, "EXTERNAL_INTERRUPT", "kvm_exit", 2, 2070);
    check_exit (p, 1003, "IO_INSTRUCTION", "kvm_exit", 1, 810);
    check_exit (p, 1003, "KVM_EXIT_IO", "kvm_userspace_exit", 1, 800);
    check_exit (p, 1003, "HLT", "kvm_exit", 1, 2020);
    check_exit (p, 1003, "PREEMPTION_TIMER", "kvm_exit", 1, 0);
    check_exit (p, 1004, "EPT_VIOLATION", "kvm_exit", 2, 1790);
    check_exit (p, 1004, "HLT", "kvm_exit", 1, 0);
    check_exit (p, 1012, "HLT", "kvm_exit", 1, 0);
    g_assert_cmpuint (n_rows (p, "kvm.exits"), ==, 8);

    check_thread (p, 1000, 1000, "qemu", 2690);
    check_thread (p, 1500, 1000, "vhost", 300);
    check_thread (p, 1010, 1010, "qemu", 500);

    GHashTable *a = must_row (p, "kvm.vms", "vm", 1000, NULL, 0);
    g_assert_cmpstr (cell_str (a, "name"), ==, "qemu-system-x86");
    g_assert_cmpint (cell_int (a, "vcpus"), ==, 2);
    g_assert_cmpint (cell_int (a, "run_ns"), ==, 7280000);
    g_assert_cmpint (cell_int (a, "runnable_ns"), ==, 5623000);
    g_assert_cmpint (cell_int (a, "preempted"), ==, 4);
    g_assert_cmpint (cell_int (a, "sleep_ns"), ==, 2097000);
    g_assert_cmpint (cell_int (a, "vhost_run_ns"), ==, 300000);
    g_assert_cmpint (cell_int (a, "iothread_run_ns"), ==, 0);
    g_assert_cmpint (cell_int (a, "guest_ns"), ==, 4700000);
    GHashTable *b = must_row (p, "kvm.vms", "vm", 1010, NULL, 0);
    g_assert_cmpint (cell_int (b, "vcpus"), ==, 1);
    g_assert_cmpint (cell_int (b, "run_ns"), ==, 700000);
    g_assert_cmpint (cell_int (b, "emulator_run_ns"), ==, 500000);
    g_assert_cmpuint (n_rows (p, "kvm.vms"), ==, 2);
    g_hash_table_unref (a);
    g_hash_table_unref (b);

    /* with the default thresholds (10%, 10 ms) microseconds of wait are no
     * finding */
    g_assert_cmpuint (n_findings (p, "kvm.vcpu-steal"), ==, 0);
}

static void
test_hand_no_tgid (void)
{
    char *trace = hand_trace (FALSE);
    JsonParser *p = analyze (NULL, trace);
    check_hand_numbers (p);
    /* vhost-1000 names its VM; the rest by pid: 1003 and 1004 follow 1000,
     * and qemu 1010 after VM A's vCPUs starts VM B */
    GHashTable *a = must_row (p, "kvm.vms", "vm", 1000, NULL, 0);
    g_assert_cmpstr (cell_str (a, "grouping"), ==, "vhost name, pid proximity");
    g_assert_cmpint (cell_int (a, "emulator_run_ns"), ==, 2690000);
    GHashTable *b = must_row (p, "kvm.vms", "vm", 1010, NULL, 0);
    g_assert_cmpstr (cell_str (b, "grouping"), ==, "pid proximity");
    /* a thread named "worker" is anyone's without the TGID column */
    g_assert_null (find_row (p, "kvm.threads", "pid", 1007, NULL, 0));
    g_assert_cmpuint (n_rows (p, "kvm.threads"), ==, 3);
    g_assert_nonnull (strstr (json_object_get_string_member (table (p, "kvm.vcpus"), "title"),
                              "pid proximity"));
    g_hash_table_unref (a);
    g_hash_table_unref (b);
    g_object_unref (p);
    g_free (trace);
}

static void
test_hand_tgid (void)
{
    char *trace = hand_trace (TRUE);
    JsonParser *p = analyze (NULL, trace);
    check_hand_numbers (p);
    /* the vhost kernel thread's tgid is its own pid: its name places it */
    GHashTable *a = must_row (p, "kvm.vms", "vm", 1000, NULL, 0);
    g_assert_cmpstr (cell_str (a, "grouping"), ==, "tgid, vhost name");
    g_assert_cmpint (cell_int (a, "emulator_run_ns"), ==, 2690000 + 500000);
    GHashTable *b = must_row (p, "kvm.vms", "vm", 1010, NULL, 0);
    g_assert_cmpstr (cell_str (b, "grouping"), ==, "tgid");
    check_thread (p, 1007, 1000, "worker", 500);
    g_assert_cmpuint (n_rows (p, "kvm.threads"), ==, 4);
    g_hash_table_unref (a);
    g_hash_table_unref (b);
    g_object_unref (p);
    g_free (trace);
}

/* Thresholds from the profile: A0 waited 3708 of 7008 us (52.9%), A1 1915
 * of 5895 (32.5%), B0 never. */
static void
test_hand_finding (void)
{
    char *trace = hand_trace (FALSE);
    char *cfg = write_tmp ("steal40.cfg", "plugins = { kvm = { steal_pct = 40.0; "
                                          "min_runnable_ms = 0; }; };\n");
    JsonParser *p = analyze ((const char *[]) { "-c", cfg, NULL }, trace);
    g_assert_cmpuint (n_findings (p, "kvm.vcpu-steal"), ==, 1);
    JsonObject *f = finding (p, "kvm.vcpu-steal", 0);
    /* 52.9% is under twice the threshold */
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "warning");
    /* the cost: A0's wait */
    g_assert_cmpint (json_object_get_int_member (f, "cost_ns"), ==, 3708000);
    const char *title = json_object_get_string_member (f, "title");
    g_assert_nonnull (strstr (title, "VM 1000 (qemu-system-x86)"));
    g_assert_nonnull (strstr (title, "1 vCPU thread waited"));
    g_assert_nonnull (strstr (title, "52.9%"));
    JsonObject *ev = json_object_get_object_member (f, "evidence");
    g_assert_true (json_object_has_member (ev, "vCPU 0 (CPU 0/KVM, pid 1003)"));
    g_assert_false (json_object_has_member (ev, "vCPU 1 (CPU 1/KVM, pid 1004)"));
    /* who held A0's CPU while it waited: stress 3000 (1010-3010), stress
     * 3001 (8000-9000), VM B's vCPU (3600-4300), idle (7002-7010) */
    const char *top = json_object_get_string_member (ev, "top holders");
    g_assert_nonnull (top);
    const char *s1 = strstr (top, "stress[3000]: held the CPU 2.0 ms of the wait, 1 preemption");
    const char *s2 = strstr (top, "stress[3001]: held the CPU 1.0 ms of the wait, 1 preemption");
    const char *s3 = strstr (top, "CPU 0/KVM[1012] (another VM's thread): held the CPU 700 us "
                                  "of the wait, 1 preemption");
    g_assert_true (s1 && s2 && s3 && s1 < s2 && s2 < s3);
    g_assert_nonnull (strstr (json_object_get_string_member (ev, "vCPU 0 (CPU 0/KVM, pid 1003)"),
                              "held by stress[3000] 2.0 ms, stress[3001] 1.0 ms, "
                              "CPU 0/KVM[1012] 700 us"));
    /* the preemptions: a second number */
    g_assert_nonnull (strstr (json_object_get_string_member (ev, "top preemptors"),
                              "stress[3000]: 1 preemption"));
    g_assert_nonnull (strstr (json_object_get_string_member (f, "cause"), "Other VMs'"));
    g_assert_nonnull (strstr (json_object_get_string_member (f, "advice"), "isolcpus"));
    g_object_unref (p);

    /* at 25%: A1 too, and A0 is over twice the threshold */
    char *cfg25 = write_tmp ("steal25.cfg", "plugins = { kvm = { steal_pct = 25; "
                                            "min_runnable_ms = 0; }; };\n");
    p = analyze ((const char *[]) { "-c", cfg25, NULL }, trace);
    g_assert_cmpuint (n_findings (p, "kvm.vcpu-steal"), ==, 1);
    f = finding (p, "kvm.vcpu-steal", 0);
    g_assert_cmpstr (json_object_get_string_member (f, "severity"), ==, "critical");
    g_assert_nonnull (strstr (json_object_get_string_member (f, "title"), "2 vCPU threads"));
    g_assert_cmpint (json_object_get_int_member (f, "cost_ns"), ==, 3708000 + 1915000);
    ev = json_object_get_object_member (f, "evidence");
    g_assert_true (json_object_has_member (ev, "vCPU 1 (CPU 1/KVM, pid 1004)"));
    /* A1 was preempted by its own VM's qemu thread */
    g_assert_nonnull (strstr (json_object_get_string_member (f, "cause"), "own qemu"));
    g_object_unref (p);

    /* a bad option is an error that names the plugin */
    char *bad = write_tmp ("bad.cfg", "plugins = { kvm = { steal_pct = 0.0; }; };\n");
    FtaTestRun r = fta_test_run_argv ((const char *[]) { "-c", bad, trace, NULL });
    g_assert_cmpint (r.rc, ==, 5);
    g_assert_nonnull (strstr (r.err, "kvm"));
    g_assert_nonnull (strstr (r.err, "steal_pct"));
    fta_test_run_clear (&r);
    g_free (bad);
    g_free (cfg25);
    g_free (cfg);
    g_free (trace);
}

/* --comm selects rows, not numbers; VM totals are over the rows kept. */
static void
test_hand_filter (void)
{
    char *trace = hand_trace (FALSE);
    JsonParser *p = analyze ((const char *[]) { "--comm", "^CPU 0/", NULL }, trace);
    check_vcpu (p, 1003, 1000, 0, 3300, 3708, 3, 1992, 0, "0", 2990, 5);
    check_vcpu (p, 1012, 1010, 0, 700, 0, 0, 0, 0, "0", 500, 1);
    g_assert_cmpuint (n_rows (p, "kvm.vcpus"), ==, 2);
    g_assert_cmpuint (n_rows (p, "kvm.threads"), ==, 0);
    g_assert_cmpuint (n_rows (p, "kvm.preemptors"), ==, 3);
    GHashTable *a = must_row (p, "kvm.vms", "vm", 1000, NULL, 0);
    g_assert_cmpint (cell_int (a, "vcpus"), ==, 1);
    g_assert_cmpint (cell_int (a, "run_ns"), ==, 3300000);
    g_assert_cmpint (cell_int (a, "vhost_run_ns"), ==, 0);
    /* the grouping is the VM's, made with the threads not reported too */
    g_assert_cmpstr (cell_str (a, "grouping"), ==, "vhost name, pid proximity");
    g_hash_table_unref (a);
    g_object_unref (p);

    /* --end 100.003300: A0's first wait (1010-3010) is complete, A1's
     * (3310-) is not begun, B0 never ran; exits after the end are not
     * seen */
    p = analyze ((const char *[]) { "--end", "100.003300", NULL }, trace);
    check_preemptor (p, 1003, 3000, 1000, 0, "stress", 1, 2000, -1, NULL);
    g_assert_cmpuint (n_rows (p, "kvm.preemptors"), ==, 1);
    check_exit (p, 1004, "EPT_VIOLATION", "kvm_exit", 2, 50);
    g_object_unref (p);
    g_free (trace);
}

/* A kvm_exit that was never recorded: CPU 0/KVM 1003 enters the guest at
 * 10 us, is switched out asleep at 20 with no kvm_exit, runs again on the
 * same CPU from 40 and exits at 60.  Guest time is 0, not 50: a thread
 * switched out is not in guest mode.  The exit at 60 counts, and its
 * handling ends at the entry at 70. */
static const HandLine lost_exit[] = {
    { 0, "<idle>", 0, 0, 0, SW ("swapper/0", 0, "R", "CPU 0/KVM", 1003) },
    { 0, "CPU 0/KVM", 1003, 1000, 10, ENTRY (0) },
    { 0, "CPU 0/KVM", 1003, 1000, 20, SW ("CPU 0/KVM", 1003, "S", "swapper/0", 0) },
    { 0, "<idle>", 0, 0, 30, "sched_waking: comm=CPU 0/KVM pid=1003 prio=120 target_cpu=000" },
    { 0, "<idle>", 0, 0, 31, "sched_wakeup: comm=CPU 0/KVM pid=1003 prio=120 target_cpu=000" },
    { 0, "<idle>", 0, 0, 40, SW ("swapper/0", 0, "R", "CPU 0/KVM", 1003) },
    { 0, "CPU 0/KVM", 1003, 1000, 60, EXIT (0, "HLT") },
    { 0, "CPU 0/KVM", 1003, 1000, 70, ENTRY (0) },
    { 0, "CPU 0/KVM", 1003, 1000, 90, EXIT (0, "HLT") },
    { 0, "CPU 0/KVM", 1003, 1000, 100, SW ("CPU 0/KVM", 1003, "S", "swapper/0", 0) },
};

static void
test_hand_lost_exit (void)
{
    char *text = hand_text (lost_exit, G_N_ELEMENTS (lost_exit), FALSE);
    char *trace = write_tmp ("lost-exit.txt", text);
    JsonParser *p = analyze (NULL, trace);
    /* run 0-20 and 40-100 = 80; guest only 70-90 = 20; 2 exits */
    check_vcpu (p, 1003, 1003, 0, 80, 9, 0, 11, 0, "0", 20, 2);
    check_exit (p, 1003, "HLT", "kvm_exit", 2, 10);
    g_object_unref (p);
    g_free (trace);
    g_free (text);
}

/* --- a thread that becomes a vCPU ---------------------------------------------
 *
 * pid 500 runs as "bash" and renames itself "CPU 0/KVM" while it runs
 * (CPU 0; us after 100 s; the trace opens with a line of stress 3001 on
 * CPU 1, which tells whether it has a TGID column):
 *    0 idle -> bash 500             100 bash S -> stress 3000
 *  150 stress wakes bash 500        200 stress R -> bash 500
 *  400 "CPU 0/KVM" R -> stress      600 stress S -> CPU 0/KVM 500
 *  700 CPU 0/KVM S -> idle
 * Without TGID column, fork or kvm_* events, nothing tells that bash is
 * a VM's thread until its name does: kvm.vcpus counts it from the span
 * that ends under the new name, run 200-400 and 600-700 = 300, runnable
 * 400-600 = 200, preempted once (by stress), no sleep, no wakeup; while
 * switch.tasks counts it from its first sight: run 0-100 + 300 = 400,
 * runnable 150-200 + 200 = 250, sleep 100-150 = 50.  With the TGID column
 * any thread may join a VM by its tgid: kvm keeps them all from their
 * first sight, and kvm.vcpus equals switch.tasks. */
static const HandLine renamed[] = {
    { 1, "stress", 3001, 3001, 0, SW ("stress", 3001, "S", "swapper/1", 0) },
    { 0, "<idle>", 0, 0, 0, SW ("swapper/0", 0, "R", "bash", 500) },
    { 0, "bash", 500, 500, 100, SW ("bash", 500, "S", "stress", 3000) },
    { 0, "stress", 3000, 3000, 150, "sched_wakeup: comm=bash pid=500 prio=120 target_cpu=000" },
    { 0, "stress", 3000, 3000, 200, SW ("stress", 3000, "R", "bash", 500) },
    { 0, "CPU 0/KVM", 500, 500, 400, SW ("CPU 0/KVM", 500, "R", "stress", 3000) },
    { 0, "stress", 3000, 3000, 600, SW ("stress", 3000, "S", "CPU 0/KVM", 500) },
    { 0, "CPU 0/KVM", 500, 500, 700, SW ("CPU 0/KVM", 500, "S", "swapper/0", 0) },
};

static void
check_renamed (JsonParser *p, gint64 run_us, gint64 runnable_us, gint64 sleep_us,
               gint64 wakeups)
{
    GHashTable *r = must_row (p, "kvm.vcpus", "pid", 500, NULL, 0);
    g_assert_cmpint (cell_int (r, "vm"), ==, 500);
    g_assert_cmpstr (cell_str (r, "comm"), ==, "CPU 0/KVM");
    g_assert_cmpint (cell_int (r, "run_ns"), ==, run_us * 1000);
    g_assert_cmpint (cell_int (r, "runnable_ns"), ==, runnable_us * 1000);
    g_assert_cmpint (cell_int (r, "preempted"), ==, 1);
    g_assert_cmpint (cell_int (r, "sleep_ns"), ==, sleep_us * 1000);
    g_assert_cmpint (cell_int (r, "wakeups"), ==, wakeups);
    g_hash_table_unref (r);
    r = must_row (p, "kvm.preemptors", "pid", 3000, NULL, 0);
    g_assert_cmpint (cell_int (r, "vcpu_pid"), ==, 500);
    g_assert_cmpint (cell_int (r, "count"), ==, 1);
    g_assert_cmpint (cell_int (r, "ns"), ==, 200000);
    g_hash_table_unref (r);
    /* who held its CPU: counted from when it looks like a vCPU, as its
     * preemptors, so not stress's 150-200 before the rename */
    r = must_row (p, "kvm.holders", "vcpu_pid", 500, "holder_pid", 3000);
    g_assert_cmpint (cell_int (r, "wait_ns"), ==, 200000);
    g_assert_cmpint (cell_int (r, "preemptions"), ==, 1);
    g_hash_table_unref (r);
    g_assert_cmpuint (n_rows (p, "kvm.holders"), ==, 1);
    r = must_row (p, "switch.tasks", "pid", 500, NULL, 0);
    g_assert_cmpint (cell_int (r, "run_ns"), ==, 400000);
    g_hash_table_unref (r);
    g_assert_null (find_row (p, "kvm.threads", "pid", 3000, NULL, 0));
}

static void
test_hand_renamed (void)
{
    for (int tgid = 0; tgid <= 1; tgid++) {
        char *text = hand_text (renamed, G_N_ELEMENTS (renamed), tgid);
        char *trace = write_tmp (tgid ? "renamed-tgid.txt" : "renamed.txt", text);
        JsonParser *p = analyze (NULL, trace);
        if (tgid)
            check_renamed (p, 400, 250, 50, 1);
        else
            check_renamed (p, 300, 200, 0, 0);
        g_object_unref (p);
        g_free (trace);
        g_free (text);
    }
}

/* A trace whose first lines are the idle task's, without a tgid
 * ("(-------)"): call_rcu 1001, a thread of qemu 1000 that only its tgid
 * places, is migrated by one of them (us after 100 s, CPU 0):
 *    0 idle: call_rcu 1001 migrated from CPU 1
 *   10 idle -> call_rcu          100 call_rcu S -> qemu 1000
 *  300 qemu S -> idle
 * With the TGID column: call_rcu is qemu-thread of VM 1000, ran 90 us,
 * 1 migration; qemu ran 200 us.  Without it nothing places call_rcu. */
static const HandLine idle_first[] = {
    { 0, "<idle>", 0, 0, 0,
      "sched_migrate_task: comm=call_rcu pid=1001 prio=120 orig_cpu=1 dest_cpu=0" },
    { 0, "<idle>", 0, 0, 10, SW ("swapper/0", 0, "R", "call_rcu", 1001) },
    { 0, "call_rcu", 1001, 1000, 100, SW ("call_rcu", 1001, "S", "qemu-system-x86", 1000) },
    { 0, "qemu-system-x86", 1000, 1000, 300, SW ("qemu-system-x86", 1000, "S", "swapper/0", 0) },
};

static void
test_hand_idle_first (void)
{
    for (int tgid = 0; tgid <= 1; tgid++) {
        char *text = hand_text (idle_first, G_N_ELEMENTS (idle_first), tgid);
        char *trace = write_tmp (tgid ? "idle-first-tgid.txt" : "idle-first.txt", text);
        JsonParser *p = analyze (NULL, trace);
        check_thread (p, 1000, 1000, "qemu", 200);
        g_assert_cmpuint (n_rows (p, "kvm.threads"), ==, tgid ? 2 : 1);
        if (tgid) {
            check_thread (p, 1001, 1000, "qemu-thread", 90);
            GHashTable *r = must_row (p, "kvm.threads", "pid", 1001, NULL, 0);
            g_assert_cmpint (cell_int (r, "migrations"), ==, 1);
            g_hash_table_unref (r);
        }
        g_object_unref (p);
        g_free (trace);
        g_free (text);
    }
}

/* --- roles and grouping ------------------------------------------------------
 *
 * Threads run one after another on CPU 0 for 10 us each.  qemu-kvm 400
 * forks 406 (later "worker"), 410 ("call_rcu") and 411, which execs a
 * helper (a process of its own).  Expected, without TGID column:
 *   VM 400: qemu-kvm 400, CPU 3/KVM 402, CPU 12/TCG 403 (pid proximity),
 *           IO iothread0 404, iothread1 405 (proximity), worker 406 and
 *           call_rcu 410 (fork), vhost-400 450, kvm-pit/400 451 (name);
 *   VM 600: IO x 600 (more than 64 pids after 405);
 *   VM 700: qemu-system-x86 700 and its CPU 0/KVM 701;
 *   VM 702: CPU 0/KVM 702 (a second vCPU 0 starts another VM);
 *   no role: CPU0/KVM 407, vhost-abc 408, "CPU 1/KVM x" 409, the helper
 *   411. */
static const struct {
    int pid;
    const char *comm;
} roles_seq[] = {
    { 400, "qemu-kvm" },       { 402, "CPU 3/KVM" },     { 403, "CPU 12/TCG" },
    { 404, "IO iothread0" },   { 405, "iothread1" },     { 406, "worker" },
    { 407, "CPU0/KVM" },       { 408, "vhost-abc" },     { 409, "CPU 1/KVM x" },
    { 410, "call_rcu" },       { 411, "qemu-bridge-hel" }, { 450, "vhost-400" },
    { 451, "kvm-pit/400" },    { 600, "IO x" },          { 700, "qemu-system-x86" },
    { 701, "CPU 0/KVM" },      { 702, "CPU 0/KVM" },
};

static char *
roles_trace (void)
{
    GString *s = g_string_new ("# tracer: nop\n");
    guint n = G_N_ELEMENTS (roles_seq);
    const char *prev = "swapper/0";
    int prev_pid = 0;
    for (guint i = 0; i <= n; i++) {
        int us = 10 * (int) i;
        const char *next = i < n ? roles_seq[i].comm : "swapper/0";
        int next_pid = i < n ? roles_seq[i].pid : 0;
        if (prev_pid == 400)
            for (int c = 0; c < 3; c++)
                g_string_append_printf (s, "%16s-%-7d [000] ....... %5d.%06d: "
                                        "sched_process_fork: comm=qemu-kvm pid=400 "
                                        "child_comm=qemu-kvm child_pid=%d\n",
                                        "qemu-kvm", 400, 100, us - 3 + c,
                                        c == 0 ? 406 : c == 1 ? 410 : 411);
        if (prev_pid == 411)
            g_string_append_printf (s, "%16s-%-7d [000] ....... %5d.%06d: sched_process_exec: "
                                    "filename=/usr/lib/qemu/qemu-bridge-helper pid=411 "
                                    "old_pid=411\n",
                                    prev, prev_pid, 100, us - 1);
        g_string_append_printf (s, "%16s-%-7d [000] d..2.1. %5d.%06d: sched_switch: "
                                "prev_comm=%s prev_pid=%d prev_prio=120 prev_state=%s ==> "
                                "next_comm=%s next_pid=%d next_prio=120\n",
                                prev_pid ? prev : "<idle>", prev_pid, 100, us, prev, prev_pid,
                                prev_pid ? "S" : "R", next, next_pid);
        prev = next;
        prev_pid = next_pid;
    }
    char *path = write_tmp ("roles.txt", s->str);
    g_string_free (s, TRUE);
    return path;
}

static void
check_role (JsonParser *p, gint64 pid, gint64 vm, const char *role, gint64 vcpu)
{
    gboolean is_vcpu = g_strcmp0 (role, "vcpu") == 0;
    const char *t = is_vcpu ? "kvm.vcpus" : "kvm.threads";
    const char *other = is_vcpu ? "kvm.threads" : "kvm.vcpus";
    GHashTable *none = find_row (p, other, "pid", pid, NULL, 0);
    g_assert_null (none);
    if (!role) {
        g_assert_null (find_row (p, t, "pid", pid, NULL, 0));
        return;
    }
    GHashTable *r = must_row (p, t, "pid", pid, NULL, 0);
    g_test_message ("pid %" G_GINT64_FORMAT ": vm %" G_GINT64_FORMAT " role %s", pid,
                    cell_int (r, "vm"), cell_str (r, "role"));
    g_assert_cmpint (cell_int (r, "vm"), ==, vm);
    g_assert_cmpstr (cell_str (r, "role"), ==, role);
    g_assert_cmpint (cell_int (r, "run_ns"), ==, 10000);
    if (is_vcpu)
        g_assert_cmpint (cell_int (r, "vcpu"), ==, vcpu);
    g_hash_table_unref (r);
}

static void
test_roles (void)
{
    char *trace = roles_trace ();
    JsonParser *p = analyze (NULL, trace);
    check_role (p, 400, 400, "qemu", -1);
    check_role (p, 402, 400, "vcpu", 3);
    check_role (p, 403, 400, "vcpu", 12);
    check_role (p, 404, 400, "iothread", -1);
    check_role (p, 405, 400, "iothread", -1);
    check_role (p, 406, 400, "worker", -1);
    check_role (p, 407, -1, NULL, -1);
    check_role (p, 408, -1, NULL, -1);
    check_role (p, 409, -1, NULL, -1);
    check_role (p, 410, 400, "qemu-thread", -1);
    check_role (p, 411, -1, NULL, -1);
    check_role (p, 450, 400, "vhost", -1);
    check_role (p, 451, 400, "kvm-pit", -1);
    check_role (p, 600, 600, "iothread", -1);
    check_role (p, 700, 700, "qemu", -1);
    check_role (p, 701, 700, "vcpu", 0);
    check_role (p, 702, 702, "vcpu", 0);
    g_assert_cmpuint (n_rows (p, "kvm.vms"), ==, 4);
    GHashTable *v = must_row (p, "kvm.vms", "vm", 400, NULL, 0);
    g_assert_cmpstr (cell_str (v, "grouping"), ==, "vhost name, fork, pid proximity");
    g_assert_cmpint (cell_int (v, "vcpus"), ==, 2);
    g_assert_cmpint (cell_int (v, "iothread_run_ns"), ==, 20000);
    g_assert_cmpint (cell_int (v, "vhost_run_ns"), ==, 10000);
    /* qemu-kvm, worker, call_rcu; kvm-pit is no qemu thread but counts as
     * the VM's emulation too */
    g_assert_cmpint (cell_int (v, "emulator_run_ns"), ==, 40000);
    g_hash_table_unref (v);
    /* no kvm_* events: no exits table */
    g_assert_false (has_table (p, "kvm.exits"));
    g_object_unref (p);

    /* a wider pid gap lets IO x join VM 400 */
    char *cfg = write_tmp ("gap.cfg", "plugins = { kvm = { pid_gap = 300; }; };\n");
    p = analyze ((const char *[]) { "-c", cfg, NULL }, trace);
    check_role (p, 600, 400, "iothread", -1);
    check_role (p, 700, 700, "qemu", -1);
    g_assert_cmpuint (n_rows (p, "kvm.vms"), ==, 3);
    g_object_unref (p);
    g_free (cfg);
    g_free (trace);
}

/* --- the qemu_tcg recording ------------------------------------------------- */

static char *
corpus_text (const char *variant, const char *drop)
{
    char *gz = g_strdup_printf ("qemu_tcg_%s.txt.gz", variant);
    char *src = g_test_build_filename (G_TEST_DIST, "data", "corpus", gz, NULL);
    char *dst = g_strdup_printf ("%s/qemu_tcg_%s%s%s.txt", tmpdir, variant, drop ? "-no-" : "",
                                 drop ? drop : "");
    if (!g_file_test (dst, G_FILE_TEST_EXISTS)) {
        char *cmd = drop ? g_strdup_printf ("gzip -dc '%s' | grep -v ': %s: ' > '%s'", src,
                                            drop, dst)
                         : g_strdup_printf ("gzip -dc '%s' > '%s'", src, dst);
        char *argv[] = { "/bin/sh", "-c", cmd, NULL };
        int status;
        g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                                     &status, NULL));
        g_assert_cmpint (status, ==, 0);
        g_free (cmd);
    }
    g_free (src);
    g_free (gz);
    return dst;
}

/* From the text itself: sched_switch lines whose prev is PID switched out
 * as R or R+ and whose next is NEXT (any when -1); sched_migrate_task lines
 * of PID. */
typedef struct {
    gint64 preempted, migrations;
} TextCounts;

static gint64
field_int (const char *line, const char *key)
{
    const char *s = strstr (line, key);
    return s ? g_ascii_strtoll (s + strlen (key), NULL, 10) : -1;
}

static TextCounts
count_text (const char *path, gint64 pid, gint64 next)
{
    char *text;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    TextCounts c = { 0, 0 };
    for (char *nl, *line = text; line; line = nl) {
        nl = strchr (line, '\n');
        if (nl)
            *nl++ = '\0';
        if (strstr (line, ": sched_switch: ")) {
            const char *st = strstr (line, " prev_state=");
            if (field_int (line, " prev_pid=") == pid && st
                && (g_str_has_prefix (st + 12, "R ") || g_str_has_prefix (st + 12, "R+ "))
                && (next < 0 || field_int (line, " next_pid=") == next))
                c.preempted++;
        } else if (strstr (line, ": sched_migrate_task: ")) {
            if (field_int (line, " pid=") == pid)
                c.migrations++;
        }
    }
    g_free (text);
    return c;
}

static void
check_qemu_tcg (const char *variant, const char *grouping)
{
    char *trace = corpus_text (variant, NULL);
    JsonParser *p = analyze (NULL, trace);
    /* the one VM, qemu-system-x86 14046, with its two TCG vCPU threads */
    g_assert_cmpuint (n_rows (p, "kvm.vms"), ==, 1);
    GHashTable *vm = must_row (p, "kvm.vms", "vm", 14046, NULL, 0);
    g_assert_cmpint (cell_int (vm, "vcpus"), ==, 2);
    g_assert_cmpstr (cell_str (vm, "grouping"), ==, grouping);
    g_assert_cmpstr (cell_str (vm, "name"), ==, "qemu-system-x86");
    g_assert_cmpuint (n_rows (p, "kvm.vcpus"), ==, 2);
    /* qemu's main thread and the thread it created first (not renamed) */
    for (gint64 pid = 14046; pid <= 14049; pid += 3) {
        GHashTable *t = must_row (p, "kvm.threads", "pid", pid, NULL, 0);
        GHashTable *s = must_row (p, "switch.tasks", "pid", pid, NULL, 0);
        g_assert_cmpint (cell_int (t, "vm"), ==, 14046);
        g_assert_cmpstr (cell_str (t, "role"), ==, "qemu");
        g_assert_cmpint (cell_int (t, "run_ns"), ==, cell_int (s, "run_ns"));
        g_assert_cmpint (cell_int (t, "runnable_ns"), ==, cell_int (s, "runnable_ns"));
        g_hash_table_unref (t);
        g_hash_table_unref (s);
    }
    g_assert_cmpuint (n_rows (p, "kvm.threads"), ==, 2);
    /* no kvm_* events in a TCG guest */
    g_assert_false (has_table (p, "kvm.exits"));

    gint64 sum_run = 0, sum_pre = 0;
    const gint64 pids[] = { 14050, 14051 };
    for (guint i = 0; i < G_N_ELEMENTS (pids); i++) {
        GHashTable *k = must_row (p, "kvm.vcpus", "pid", pids[i], NULL, 0);
        GHashTable *s = must_row (p, "switch.tasks", "pid", pids[i], NULL, 0);
        GHashTable *w = must_row (p, "wakeup.tasks", "pid", pids[i], NULL, 0);
        char *comm = g_strdup_printf ("CPU %u/TCG", i);
        g_assert_cmpstr (cell_str (k, "comm"), ==, comm);
        g_assert_cmpint (cell_int (k, "vcpu"), ==, i);
        g_assert_cmpint (cell_int (k, "vm"), ==, 14046);
        /* the same spans and switches as switch.tasks and wakeup.tasks */
        for (const char *const *c = (const char *[]) { "run_ns", "runnable_ns", "preempted",
                                                       "sleep_ns", "blocked_ns",
                                                       "preempted_wait_ns", NULL };
             *c; c++) {
            g_test_message ("%s %s: kvm %" G_GINT64_FORMAT ", switch %" G_GINT64_FORMAT,
                            comm, *c, cell_int (k, *c), cell_int (s, *c));
            g_assert_cmpint (cell_int (k, *c), ==, cell_int (s, *c));
        }
        g_assert_cmpint (cell_int (k, "wakeups"), ==, cell_int (w, "wakeups"));
        /* and the text's own count of preempted switch-outs and
         * migrations */
        TextCounts tc = count_text (trace, pids[i], -1);
        g_assert_cmpint (cell_int (k, "preempted"), ==, tc.preempted);
        g_assert_cmpint (cell_int (k, "migrations"), ==, tc.migrations);
        g_assert_cmpint (tc.preempted, >, 1000);
        /* a vCPU that waits about as long as it runs: a steal problem */
        g_assert_cmpfloat (json_node_get_double (g_hash_table_lookup (k, "steal_pct")), >,
                           25.0);
        sum_run += cell_int (k, "run_ns");
        sum_pre += cell_int (k, "preempted");

        /* its preemptors account for every preemption and all the wait
         * after them; the CPU hogs are among them, with the counts the
         * text gives */
        gint64 n = 0, ns = 0;
        guint hogs = 0;
        for (guint j = 0; j < n_rows (p, "kvm.preemptors"); j++) {
            GHashTable *r = row_at (p, "kvm.preemptors", j);
            if (cell_int (r, "vcpu_pid") == pids[i]) {
                g_assert_cmpint (cell_int (r, "vm"), ==, 14046);
                g_assert_cmpint (cell_int (r, "vcpu"), ==, i);
                n += cell_int (r, "count");
                ns += cell_int (r, "ns");
                if (g_strcmp0 (cell_str (r, "comm"), "stress-ng-cpu") == 0) {
                    hogs++;
                    TextCounts pc = count_text (trace, pids[i], cell_int (r, "pid"));
                    g_assert_cmpint (cell_int (r, "count"), ==, pc.preempted);
                    g_assert_cmpint (cell_int (r, "count"), >, 50);
                    g_assert_cmpint (cell_int (r, "ns"), >, 100000000);
                    g_assert_cmpint (cell_int (r, "preemptor_vm"), ==, -1);
                }
            }
            g_hash_table_unref (r);
        }
        g_assert_cmpuint (hogs, ==, 2);
        g_assert_cmpint (n, ==, cell_int (s, "preempted"));
        g_assert_cmpint (ns, ==, cell_int (s, "preempted_wait_ns"));
        g_free (comm);
        g_hash_table_unref (k);
        g_hash_table_unref (s);
        g_hash_table_unref (w);
    }
    g_assert_cmpint (cell_int (vm, "run_ns"), ==, sum_run);
    g_assert_cmpint (cell_int (vm, "preempted"), ==, sum_pre);

    /* the finding names the VM and the hogs */
    g_assert_cmpuint (n_findings (p, "kvm.vcpu-steal"), ==, 1);
    JsonObject *f = finding (p, "kvm.vcpu-steal", 0);
    g_assert_nonnull (strstr (json_object_get_string_member (f, "title"), "VM 14046"));
    g_assert_nonnull (strstr (json_object_get_string_member (f, "cause"), "stress-ng-cpu["));
    g_hash_table_unref (vm);
    g_object_unref (p);
    g_free (trace);
}

static void
test_qemu_tcg_default (void)
{
    /* no TGID column; qemu 14046's sched_process_fork of 14049-14051 is in
     * the trace */
    check_qemu_tcg ("ftrace_default", "fork");
}

static void
test_qemu_tcg_tgid (void)
{
    check_qemu_tcg ("ftrace_tgid_noirqinfo", "tgid");
}

/* Without the fork events, comm family and pid proximity still find the
 * one VM: 14046, 14049, 14050, 14051. */
static void
test_qemu_tcg_proximity (void)
{
    char *trace = corpus_text ("ftrace_default", "sched_process_fork");
    JsonParser *p = analyze (NULL, trace);
    g_assert_cmpuint (n_rows (p, "kvm.vms"), ==, 1);
    GHashTable *vm = must_row (p, "kvm.vms", "vm", 14046, NULL, 0);
    g_assert_cmpint (cell_int (vm, "vcpus"), ==, 2);
    g_assert_cmpstr (cell_str (vm, "grouping"), ==, "pid proximity");
    for (gint64 pid = 14050; pid <= 14051; pid++) {
        GHashTable *r = must_row (p, "kvm.vcpus", "pid", pid, NULL, 0);
        g_assert_cmpint (cell_int (r, "vm"), ==, 14046);
        g_hash_table_unref (r);
    }
    GHashTable *t = must_row (p, "kvm.threads", "pid", 14049, NULL, 0);
    g_assert_cmpint (cell_int (t, "vm"), ==, 14046);
    g_assert_cmpstr (cell_str (t, "role"), ==, "qemu");
    g_hash_table_unref (t);
    g_hash_table_unref (vm);
    g_object_unref (p);
    g_free (trace);
}

/* A time window: the kvm view and switch.tasks clip the same spans. */
static void
test_qemu_tcg_window (void)
{
    char *trace = corpus_text ("ftrace_default", NULL);
    JsonParser *p = analyze ((const char *[]) { "--start", "+3", "--end", "+5.5", "--cpu", "0",
                                                NULL },
                             trace);
    g_assert_cmpuint (n_rows (p, "kvm.vcpus"), ==, 2);
    for (gint64 pid = 14050; pid <= 14051; pid++) {
        GHashTable *k = must_row (p, "kvm.vcpus", "pid", pid, NULL, 0);
        GHashTable *s = must_row (p, "switch.tasks", "pid", pid, NULL, 0);
        for (const char *const *c = (const char *[]) { "run_ns", "runnable_ns", "preempted",
                                                       "sleep_ns", NULL };
             *c; c++)
            g_assert_cmpint (cell_int (k, *c), ==, cell_int (s, *c));
        g_assert_cmpint (cell_int (k, "run_ns"), <=, 2500000000);
        g_assert_cmpstr (cell_str (k, "cpus"), ==, "0");
        g_hash_table_unref (k);
        g_hash_table_unref (s);
    }
    g_object_unref (p);
    g_free (trace);
}

/* -p kvm, as installed: the kvm tables first, the other analyzers'
 * rows only for the VMs' threads. */
static void
test_profile (void)
{
    char *dir = g_build_filename (g_getenv ("FTA_TOP_SRCDIR"), "config", NULL);
    g_setenv ("FTA_PROFILE_PATH", dir, TRUE);
    char *trace = corpus_text ("ftrace_default", NULL);
    JsonParser *p = analyze ((const char *[]) { "-p", "kvm", NULL }, trace);
    JsonObject *input = json_object_get_object_member (root (p), "input");
    g_assert_nonnull (strstr (json_object_get_string_member (input, "profile"), "kvm.cfg"));
    GList *names = json_object_get_members (json_object_get_object_member (root (p), "tables"));
    g_assert_cmpstr (names->data, ==, "kvm.vcpus");
    g_list_free (names);
    g_assert_cmpuint (n_rows (p, "kvm.vcpus"), ==, 2);
    g_assert_cmpuint (n_rows (p, "kvm.threads"), ==, 2);
    /* switch.tasks: the two vCPUs and the two qemu threads, no hog */
    g_assert_cmpuint (n_rows (p, "switch.tasks"), ==, 4);
    g_assert_null (find_row (p, "switch.tasks", "pid", 14047, NULL, 0));
    /* but the hogs are still named as preemptors */
    GHashTable *r = must_row (p, "kvm.preemptors", "vcpu_pid", 14050, "pid", 14047);
    g_assert_cmpstr (cell_str (r, "comm"), ==, "stress-ng-cpu");
    g_hash_table_unref (r);
    g_object_unref (p);
    g_unsetenv ("FTA_PROFILE_PATH");
    g_free (trace);
    g_free (dir);
}


/* --- kvm.vms: a VM's vCPUs and CPUs; kvm.vm_steal --------------------------- */

/* The series' rows of VM, in window order, as column name -> node. */
static GPtrArray *
steal_rows (JsonParser *p, gint64 vm)
{
    GPtrArray *all = fta_test_series_rows (root (p), "kvm.vm_steal", NULL, NULL);
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
    for (guint i = 0; i < all->len; i++)
        if (cell_int (g_ptr_array_index (all, i), "vm") == vm)
            g_ptr_array_add (out, g_hash_table_ref (g_ptr_array_index (all, i)));
    g_ptr_array_unref (all);
    return out;
}

/* The hand-made host in 1 ms windows (see the timeline above the trace).
 * VM A's vCPUs, run / runnable in us per window:
 *   0-1 ms: A0 1000 + A1 1000 / 0
 *   1-2:    A0 10 + A1 1000 / A0 990
 *   2-3:    A1 700 / A0 1000 + A1 195
 *   3-4:    A0 590 + A1 310 / A0 10 + 400, A1 690
 *   4-5:    A0 700 / A0 300 + A1 1000
 *   5-6:    A0 10 + A1 970 / A1 30
 *   6-7:    nothing
 *   7-8:    A0 990 / A0 8
 *   8-9:    0 / A0 1000
 * which add up to the 7280 and 5623 of kvm.vms.  VM B: B0 ran 3600-4300. */
static void
test_hand_vms (void)
{
    char *trace = hand_trace (TRUE);
    JsonParser *p = analyze ((const char *[]) { "--window", "0.001", NULL }, trace);
    GHashTable *a = must_row (p, "kvm.vms", "vm", 1000, NULL, 0);
    g_assert_cmpstr (cell_str (a, "vcpu_ids"), ==, "0-1");
    g_assert_cmpstr (cell_str (a, "cpus"), ==, "0-1"); /* A1 moved to CPU 0 */
    g_assert_cmpint (cell_int (a, "cpu_count"), ==, 2);
    GHashTable *b = must_row (p, "kvm.vms", "vm", 1010, NULL, 0);
    g_assert_cmpstr (cell_str (b, "vcpu_ids"), ==, "0");
    g_assert_cmpstr (cell_str (b, "cpus"), ==, "0");
    g_assert_cmpint (cell_int (b, "cpu_count"), ==, 1);

    static const gint64 run[] = { 2000, 1010, 700, 900, 700, 980, 0, 990, 0 };
    static const gint64 wait[] = { 0, 990, 1195, 1100, 1300, 30, 0, 8, 1000 };
    GPtrArray *ra = steal_rows (p, 1000);
    g_assert_cmpuint (ra->len, ==, G_N_ELEMENTS (run));
    for (guint i = 0; i < ra->len; i++) {
        GHashTable *r = g_ptr_array_index (ra, i);
        g_assert_cmpint (cell_int (r, "t_ns"), ==, (gint64) i * 1000000);
        g_assert_cmpint (cell_int (r, "run_ns"), ==, run[i] * 1000);
        g_assert_cmpint (cell_int (r, "runnable_ns"), ==, wait[i] * 1000);
        if (run[i] + wait[i])
            g_assert_cmpfloat_with_epsilon (fta_test_cell_pct (r, "steal_pct"),
                                            100.0 * wait[i] / (run[i] + wait[i]), 1e-9);
        else
            g_assert_cmpfloat (fta_test_cell_pct (r, "steal_pct"), ==, -1); /* null */
        g_assert_cmpstr (cell_str (r, "name"), ==, "qemu-system-x86");
    }
    GPtrArray *rb = steal_rows (p, 1010);
    g_assert_cmpuint (rb->len, ==, G_N_ELEMENTS (run));
    for (guint i = 0; i < rb->len; i++) {
        GHashTable *r = g_ptr_array_index (rb, i);
        g_assert_cmpint (cell_int (r, "run_ns"), ==, i == 3 ? 400000 : i == 4 ? 300000 : 0);
        g_assert_cmpint (cell_int (r, "runnable_ns"), ==, 0);
    }
    g_ptr_array_unref (ra);
    g_ptr_array_unref (rb);
    g_hash_table_unref (a);
    g_hash_table_unref (b);
    g_object_unref (p);
    g_free (trace);
}

/* The hand-made host, then one event 3000 s later on another CPU: the
 * vCPUs' buckets cover their first 9 ms only, and --window 0.001 would ask
 * for three million windows per VM.  The series is widened to at most a
 * thousand windows and still adds up to kvm.vms. */
static void
test_hand_vms_long_tail (void)
{
    char *text = hand_text (hand, G_N_ELEMENTS (hand), FALSE);
    char *long_text = g_strconcat (text, "          <idle>-0       [001] d..1.1.  3100.000000: "
                                         "sched_waking: comm=worker pid=1007 prio=120 "
                                         "target_cpu=001\n", NULL);
    char *trace = write_tmp ("hand-long-tail.txt", long_text);
    JsonParser *p = analyze ((const char *[]) { "--window", "0.001", NULL }, trace);
    gint64 window = 0;
    GPtrArray *all = fta_test_series_rows (root (p), "kvm.vm_steal", &window, NULL);
    g_assert_cmpint (window, >=, 3000 * G_GINT64_CONSTANT (1000000));
    GPtrArray *ra = steal_rows (p, 1000);
    g_assert_cmpuint (ra->len, >=, 1);
    g_assert_cmpuint (ra->len, <=, 1000);
    gint64 run = 0, runnable = 0;
    for (guint i = 0; i < ra->len; i++) {
        run += cell_int (g_ptr_array_index (ra, i), "run_ns");
        runnable += cell_int (g_ptr_array_index (ra, i), "runnable_ns");
    }
    g_assert_cmpint (run, ==, 7280 * 1000);
    g_assert_cmpint (runnable, ==, 5623 * 1000);
    g_ptr_array_unref (ra);
    g_ptr_array_unref (all);
    g_object_unref (p);
    g_free (trace);
    g_free (long_text);
    g_free (text);
}

/* A wide host of tests/data/wide: its copies run in step, so each of its
 * VMs has the numbers of the one VM of the cut of the recording it was
 * made from (lines FROM to TO after the header), on CPUs 2k and 2k+1. */
static void
check_wide (const char *file, guint from, guint to, guint copies)
{
    char *wide = g_test_build_filename (G_TEST_DIST, "data", "wide", file, NULL);
    char *src = g_test_build_filename (G_TEST_DIST, "data", "corpus",
                                       "qemu_tcg_ftrace_tgid_noirqinfo.txt.gz", NULL);
    char *one = g_build_filename (tmpdir, "cut.txt", NULL);
    char *cmd = g_strdup_printf ("(gzip -dc '%s' | head -n 6; gzip -dc '%s' | sed -n %u,%up) "
                                 "> '%s'", src, src, from, to, one);
    g_free (fta_test_sh_ok (cmd));
    JsonParser *pw = analyze (NULL, wide), *p1 = analyze (NULL, one);
    g_assert_cmpint (json_object_get_int_member (
                         json_object_get_object_member (root (pw), "quality"), "cpus_seen"),
                     ==, 2 * copies);
    g_assert_cmpuint (n_rows (p1, "kvm.vms"), ==, 1);
    g_assert_cmpuint (n_rows (pw, "kvm.vms"), ==, copies);
    GHashTable *base = row_at (p1, "kvm.vms", 0);
    gint64 vm0 = cell_int (base, "vm");
    g_assert_cmpstr (cell_str (base, "vcpu_ids"), ==, "0-1");
    GPtrArray *s1 = steal_rows (p1, vm0);
    g_assert_cmpuint (s1->len, >, 0);
    for (guint k = 0; k < copies; k++) {
        GHashTable *r = must_row (pw, "kvm.vms", "vm", vm0 + 32768 * (gint64) k, NULL, 0);
        static const char *const same[] = { "vcpus", "run_ns", "runnable_ns", "preempted" };
        for (guint i = 0; i < G_N_ELEMENTS (same); i++)
            g_assert_cmpint (cell_int (r, same[i]), ==, cell_int (base, same[i]));
        g_assert_cmpfloat (fta_test_cell_pct (r, "steal_pct"), ==, fta_test_cell_pct (base, "steal_pct"));
        g_assert_cmpstr (cell_str (r, "vcpu_ids"), ==, "0-1");
        char *cpus = g_strdup_printf ("%u-%u", 2 * k, 2 * k + 1);
        g_assert_cmpstr (cell_str (r, "cpus"), ==, cpus);
        g_assert_cmpint (cell_int (r, "cpu_count"), ==, 2);
        /* over time too: the same windows, the same numbers */
        GPtrArray *sw = steal_rows (pw, vm0 + 32768 * (gint64) k);
        g_assert_cmpuint (sw->len, ==, s1->len);
        for (guint i = 0; i < sw->len; i++) {
            GHashTable *x = g_ptr_array_index (sw, i), *y = g_ptr_array_index (s1, i);
            g_assert_cmpint (cell_int (x, "t_ns"), ==, cell_int (y, "t_ns"));
            g_assert_cmpint (cell_int (x, "run_ns"), ==, cell_int (y, "run_ns"));
            g_assert_cmpint (cell_int (x, "runnable_ns"), ==, cell_int (y, "runnable_ns"));
        }
        g_ptr_array_unref (sw);
        g_free (cpus);
        g_hash_table_unref (r);
    }
    /* and the windows add up to the table */
    gint64 run = 0, wait = 0;
    for (guint i = 0; i < s1->len; i++) {
        run += cell_int (g_ptr_array_index (s1, i), "run_ns");
        wait += cell_int (g_ptr_array_index (s1, i), "runnable_ns");
    }
    g_assert_cmpint (run, ==, cell_int (base, "run_ns"));
    g_assert_cmpint (wait, ==, cell_int (base, "runnable_ns"));
    g_ptr_array_unref (s1);
    g_hash_table_unref (base);
    g_object_unref (pw);
    g_object_unref (p1);
    g_unlink (one);
    g_free (one);
    g_free (cmd);
    g_free (src);
    g_free (wide);
}

static void
test_wide_64 (void)
{
    check_wide ("qemu_tcg_64cpus.txt.xz", 7, 2200, 32);
}

static void
test_wide_384 (void)
{
    check_wide ("qemu_tcg_384cpus.txt.xz", 1600, 1900, 192);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp ("fta-kvm-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);
    g_test_add_func ("/kvm/hand/no-tgid", test_hand_no_tgid);
    g_test_add_func ("/kvm/hand/tgid", test_hand_tgid);
    g_test_add_func ("/kvm/hand/finding", test_hand_finding);
    g_test_add_func ("/kvm/hand/filters", test_hand_filter);
    g_test_add_func ("/kvm/hand/lost-exit", test_hand_lost_exit);
    g_test_add_func ("/kvm/hand/renamed", test_hand_renamed);
    g_test_add_func ("/kvm/hand/idle-first", test_hand_idle_first);
    g_test_add_func ("/kvm/roles", test_roles);
    g_test_add_func ("/kvm/qemu_tcg/default", test_qemu_tcg_default);
    g_test_add_func ("/kvm/qemu_tcg/tgid", test_qemu_tcg_tgid);
    g_test_add_func ("/kvm/qemu_tcg/no-fork-events", test_qemu_tcg_proximity);
    g_test_add_func ("/kvm/qemu_tcg/window", test_qemu_tcg_window);
    g_test_add_func ("/kvm/profile", test_profile);
    g_test_add_func ("/kvm/hand/vms", test_hand_vms);
    g_test_add_func ("/kvm/hand/vms-long-tail", test_hand_vms_long_tail);
    g_test_add_func ("/kvm/wide/64", test_wide_64);
    g_test_add_func ("/kvm/wide/384", test_wide_384);
    int rc = g_test_run ();
    fta_test_remove_dir (tmpdir);
    g_free (tmpdir);
    return rc;
}
