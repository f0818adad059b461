/* test-parser.c - one trace line to one FtaEvent.
 *
 * Every table case is a real line, copied verbatim from the trace corpus
 * (the file is named next to it) or, for the function_graph tracer the
 * corpus has none of, from published output of it; a few are corpus lines
 * cut short or holding a NUL byte, as damaged files hold them.  The
 * expected values were read off the line by hand, not produced by the
 * parser.  A case that fails here is either a parser bug or a wrong
 * expectation: read the line before changing either.
 */
#include "config.h"

#include <string.h>

#include "parser.h"

#define NS(sec, usec) ((gint64) (sec) * 1000000000 + (gint64) (usec) * 1000)
/* Field not applicable to the case. */
#define ANY G_MININT32

/* cpu_contention_ftrace_default.txt with one byte overwritten by NUL, as
 * a torn write leaves it */
#define NUL_LINE                                                                         \
    "       record.sh-10914   [000] d..2.   501.099336: sched_switch: prev_comm=record.sh "  \
    "prev_pid=10914\0prev_prio=120 prev_state=S ==> next_comm=tail next_pid=10915 "     \
    "next_prio=120"

typedef struct {
    const char *prev_comm;
    gint32 prev_pid;
    gint32 prev_prio;
    guint32 prev_state;
    const char *next_comm;
    gint32 next_pid;
    gint32 next_prio;
} SwitchExp;

typedef struct {
    const char *comm;
    gint32 pid;
    gint32 prio;
    gint32 target_cpu;
    gint32 success;
} WakeExp;

typedef struct {
    const char *comm;
    gint32 pid;
    gint32 prio;
    gint32 orig_cpu;
    gint32 dest_cpu;
} MigrateExp;

/* fork: comm, pid, child_comm, child_pid; exit: comm, pid, prio;
 * exec: pid, old_pid.  Members a type does not set are ANY / NULL. */
typedef struct {
    const char *comm;
    gint32 pid;
    gint32 prio;
    const char *child_comm;
    gint32 child_pid;
    gint32 old_pid;
} ProcExp;

typedef struct {
    gint32 irq;
    gint32 handled;
    const char *name;
} IrqExp;

typedef struct {
    const char *key;
    const char *value; /* NULL: the lookup must fail */
} FieldExp;

typedef struct {
    const char *path;
    const char *line;
    gsize len; /* 0: strlen (line); set for lines holding a NUL */
    FtaLineKind kind;
    /* FTA_LINE_EVENT and FTA_LINE_MARKER */
    FtaEventType type;
    gint64 ts_ns; /* events only: markers carry no timestamp */
    gint32 cpu;
    gint32 pid;
    gint32 tgid;
    const char *comm;
    const char *name;   /* the event name as printed */
    const char *fields; /* the raw field text; NULL: not checked */
    SwitchExp sw;
    WakeExp wake;
    MigrateExp migrate;
    ProcExp proc;
    IrqExp irq;
    gint32 vec;
    gint64 lost;
    FieldExp lookups[6]; /* up to the first NULL key */
} LineCase;

#define SWITCH_CASE(p, l, ts, c, pd, tg, cm, pc, pp, ppr, ps, nc, np, npr)               \
    {                                                                                    \
        .path = p, .line = l, .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_SWITCH,       \
        .ts_ns = ts, .cpu = c, .pid = pd, .tgid = tg, .comm = cm, .name = "sched_switch", \
        .sw = { pc, pp, ppr, ps, nc, np, npr },                                          \
    }

static const LineCase line_cases[] = {
    /* Made by hand from real lines: comms holding the next key or a
     * bracket, and the 7-character flags column of newer kernels. */
    SWITCH_CASE ("/parser/tracefs/comm-holds-next-key",
                 "       a prev_pid=3-4242    [001] d..2.   100.000100: sched_switch: prev_comm=a prev_pid=3 prev_pid=4242 prev_prio=120 prev_state=S ==> next_comm=b next_pid=9 x next_pid=77 next_prio=120",
                 NS (100, 100), 1, 4242, -1, "a prev_pid=3", "a prev_pid=3", 4242, 120,
                 FTA_STATE_S, "b next_pid=9 x", 77, 120),
    SWITCH_CASE ("/parser/tracefs/comm-holds-cpu-bracket",
                 "         a [1] b-4242    [001] d..2.   100.000100: sched_switch: prev_comm=a [1] b prev_pid=4242 prev_prio=120 prev_state=R+ ==> next_comm=swapper/1 next_pid=0 next_prio=120",
                 NS (100, 100), 1, 4242, -1, "a [1] b", "a [1] b", 4242, 120,
                 FTA_STATE_PREEMPT, "swapper/1", 0, 120),
    SWITCH_CASE ("/parser/tracefs/flags7",
                 "            bash-4242    [003] d..2.1.  100.000100: sched_switch: prev_comm=bash prev_pid=4242 prev_prio=120 prev_state=D ==> next_comm=swapper/3 next_pid=0 next_prio=120",
                 NS (100, 100), 3, 4242, -1, "bash", "bash", 4242, 120, FTA_STATE_D,
                 "swapper/3", 0, 120),
    {
        .path = "/parser/tracefs/comm-holds-pid-key",
        .line = "          <idle>-0       [001] dNh2.   100.000100: sched_wakeup: comm=w pid=7 x pid=30 prio=120 target_cpu=001",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_WAKEUP,
        .ts_ns = NS (100, 100), .cpu = 1, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "sched_wakeup",
        .wake = { "w pid=7 x", 30, 120, 1, -1 },
    },
    /* --- 5-character flags column (irq-info on, kernel 6.18) ------------ */
    /* cpu_contention_ftrace_default.txt */
    SWITCH_CASE ("/parser/tracefs/flags5/sched-switch",
                 "       record.sh-10914   [000] d..2.   501.099336: sched_switch: prev_comm=record.sh prev_pid=10914 prev_prio=120 prev_state=S ==> next_comm=tail next_pid=10915 next_prio=120",
                 NS (501, 99336), 0, 10914, -1, "record.sh",
                 "record.sh", 10914, 120, FTA_STATE_S, "tail", 10915, 120),
    /* cpu_contention_ftrace_default.txt */
    {
        .path = "/parser/tracefs/flags5/sched-wakeup-new",
        .line = "       record.sh-10914   [000] d..2.   501.099267: sched_wakeup_new: comm=record.sh pid=10927 prio=120 target_cpu=001",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_WAKEUP_NEW,
        .ts_ns = NS (501, 99267), .cpu = 0, .pid = 10914, .tgid = -1, .comm = "record.sh",
        .name = "sched_wakeup_new",
        .fields = "comm=record.sh pid=10927 prio=120 target_cpu=001",
        .wake = { "record.sh", 10927, 120, 1, -1 },
    },
    /* cpu_contention_ftrace_default.txt */
    {
        .path = "/parser/tracefs/flags5/sched-process-fork",
        .line = "       record.sh-10914   [000] .....   501.099247: sched_process_fork: comm=record.sh pid=10914 child_comm=record.sh child_pid=10927",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_PROCESS_FORK,
        .ts_ns = NS (501, 99247), .cpu = 0, .pid = 10914, .tgid = -1, .comm = "record.sh",
        .name = "sched_process_fork",
        .proc = { "record.sh", 10914, ANY, "record.sh", 10927, ANY },
    },
    /* cpu_contention_ftrace_default.txt */
    {
        .path = "/parser/tracefs/flags5/sched-process-exec",
        .line = "       trace-cmd-10927   [001] .....   501.099708: sched_process_exec: filename=/usr/bin/trace-cmd pid=10927 old_pid=10927",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_PROCESS_EXEC,
        .ts_ns = NS (501, 99708), .cpu = 1, .pid = 10927, .tgid = -1, .comm = "trace-cmd",
        .name = "sched_process_exec",
        .fields = "filename=/usr/bin/trace-cmd pid=10927 old_pid=10927",
        .proc = { NULL, 10927, ANY, NULL, ANY, 10927 },
        .lookups = { { "filename", "/usr/bin/trace-cmd" }, { "pid", "10927" },
                     { "old_pid", "10927" } },
    },
    /* cpu_contention_ftrace_default.txt */
    {
        .path = "/parser/tracefs/flags5/irq-handler-entry",
        .line = "          <idle>-0       [001] d.h1.   501.100060: irq_handler_entry: irq=36 name=virtio1-req.0",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_IRQ_HANDLER_ENTRY,
        .ts_ns = NS (501, 100060), .cpu = 1, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "irq_handler_entry", .fields = "irq=36 name=virtio1-req.0",
        .irq = { 36, -1, "virtio1-req.0" },
    },
    /* cpu_contention_ftrace_default.txt */
    {
        .path = "/parser/tracefs/flags5/irq-handler-exit",
        .line = "          <idle>-0       [001] d.h1.   501.100063: irq_handler_exit: irq=36 ret=handled",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_IRQ_HANDLER_EXIT,
        .ts_ns = NS (501, 100063), .cpu = 1, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "irq_handler_exit", .fields = "irq=36 ret=handled",
        .irq = { 36, 1, "" },
    },
    /* cpu_contention_ftrace_default.txt */
    {
        .path = "/parser/tracefs/flags5/sched-migrate-task",
        .line = "       sleeper A-10979   [000] d..2.   501.428949: sched_migrate_task: comm=x ==> y pid=10981 prio=120 orig_cpu=1 dest_cpu=0",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_MIGRATE_TASK,
        .ts_ns = NS (501, 428949), .cpu = 0, .pid = 10979, .tgid = -1, .comm = "sleeper A",
        .name = "sched_migrate_task",
        .migrate = { "x ==> y", 10981, 120, 1, 0 },
    },
    /* cpu_contention_ftrace_default.txt: group_dead is a field newer
     * kernels append after prio. */
    {
        .path = "/parser/tracefs/flags5/sched-process-exit",
        .line = "        sl=eep B-10980   [000] .....   511.395977: sched_process_exit: comm=sl=eep B pid=10980 prio=120 group_dead=false",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_PROCESS_EXIT,
        .ts_ns = NS (511, 395977), .cpu = 0, .pid = 10980, .tgid = -1, .comm = "sl=eep B",
        .name = "sched_process_exit",
        .proc = { "sl=eep B", 10980, 120, NULL, ANY, ANY },
        .lookups = { { "comm", "sl=eep B" }, { "pid", "10980" }, { "group_dead", "false" },
                     { "dead", NULL } },
    },
    /* cpu_contention_ftrace_default.txt: the wakee's comm has a space */
    {
        .path = "/parser/tracefs/flags5/sched-waking",
        .line = "        sl=eep B-10980   [001] d..2.   501.398293: sched_waking: comm=py sleepers pid=10930 prio=120 target_cpu=000",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_WAKING,
        .ts_ns = NS (501, 398293), .cpu = 1, .pid = 10980, .tgid = -1, .comm = "sl=eep B",
        .name = "sched_waking",
        .wake = { "py sleepers", 10930, 120, 0, -1 },
        .lookups = { { "comm", "py sleepers" }, { "target_cpu", "000" } },
    },
    /* cpu_contention_ftrace_default.txt */
    {
        .path = "/parser/tracefs/flags5/sched-process-fork/comm-with-space",
        .line = "     py sleepers-10930   [000] .....   501.390790: sched_process_fork: comm=py sleepers pid=10930 child_comm=py sleepers child_pid=10979",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_PROCESS_FORK,
        .ts_ns = NS (501, 390790), .cpu = 0, .pid = 10930, .tgid = -1, .comm = "py sleepers",
        .name = "sched_process_fork",
        .proc = { "py sleepers", 10930, ANY, "py sleepers", 10979, ANY },
    },

    /* --- no flags column (irq-info off) --------------------------------- */
    /* cpu_contention_ftrace_noirqinfo.txt */
    SWITCH_CASE ("/parser/tracefs/noflags/sched-switch",
                 "       record.sh-10914   [000]    501.099336: sched_switch: prev_comm=record.sh prev_pid=10914 prev_prio=120 prev_state=S ==> next_comm=tail next_pid=10915 next_prio=120",
                 NS (501, 99336), 0, 10914, -1, "record.sh",
                 "record.sh", 10914, 120, FTA_STATE_S, "tail", 10915, 120),
    /* cpu_contention_ftrace_noirqinfo.txt */
    {
        .path = "/parser/tracefs/noflags/irq-handler-entry",
        .line = "          <idle>-0       [001]    501.100060: irq_handler_entry: irq=36 name=virtio1-req.0",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_IRQ_HANDLER_ENTRY,
        .ts_ns = NS (501, 100060), .cpu = 1, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "irq_handler_entry", .fields = "irq=36 name=virtio1-req.0",
        .irq = { 36, -1, "virtio1-req.0" },
    },
    /* cpu_contention_ftrace_noirqinfo.txt: "[action=BLOCK]" is not a
     * " key=" anchor, so by the fta_event_field() contract it stays in
     * the value of vec. */
    {
        .path = "/parser/tracefs/noflags/softirq-entry",
        .line = "          <idle>-0       [001]    501.100064: softirq_entry: vec=4 [action=BLOCK]",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SOFTIRQ_ENTRY,
        .ts_ns = NS (501, 100064), .cpu = 1, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "softirq_entry", .fields = "vec=4 [action=BLOCK]",
        .vec = 4,
        .lookups = { { "vec", "4 [action=BLOCK]" }, { "action", NULL } },
    },

    /* --- TGID column (record-tgid on) ------------------------------------ */
    /* cpu_contention_ftrace_tgid.txt: a thread, so tgid != pid */
    SWITCH_CASE ("/parser/tracefs/tgid/thread",
                 "       sleeper A-10979   (  10930) [001] d..2.   501.392170: sched_switch: prev_comm=sleeper A prev_pid=10979 prev_prio=120 prev_state=S ==> next_comm=stress-ng-cpu next_pid=10944 next_prio=120",
                 NS (501, 392170), 1, 10979, 10930, "sleeper A",
                 "sleeper A", 10979, 120, FTA_STATE_S, "stress-ng-cpu", 10944, 120),
    /* cpu_contention_ftrace_tgid.txt */
    {
        .path = "/parser/tracefs/tgid/dashes",
        .line = "          <idle>-0       (-------) [001] d.h1.   501.100060: irq_handler_entry: irq=36 name=virtio1-req.0",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_IRQ_HANDLER_ENTRY,
        .ts_ns = NS (501, 100060), .cpu = 1, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "irq_handler_entry", .irq = { 36, -1, "virtio1-req.0" },
    },
    /* cpu_contention_ftrace_tgid_noirqinfo.txt */
    {
        .path = "/parser/tracefs/tgid-noflags/dashes",
        .line = "          <idle>-0       (-------) [001]    501.100063: irq_handler_exit: irq=36 ret=handled",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_IRQ_HANDLER_EXIT,
        .ts_ns = NS (501, 100063), .cpu = 1, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "irq_handler_exit", .irq = { 36, 1, "" },
    },
    /* cpu_contention_ftrace_tgid_noirqinfo.txt */
    SWITCH_CASE ("/parser/tracefs/tgid-noflags/thread",
                 "       sleeper A-10979   (  10930) [001]    501.392170: sched_switch: prev_comm=sleeper A prev_pid=10979 prev_prio=120 prev_state=S ==> next_comm=stress-ng-cpu next_pid=10944 next_prio=120",
                 NS (501, 392170), 1, 10979, 10930, "sleeper A",
                 "sleeper A", 10979, 120, FTA_STATE_S, "stress-ng-cpu", 10944, 120),
    /* io_block_ftrace_tgid.txt: an event without typed fields keeps its
     * name and raw text; it has no key=value pairs to look up. */
    {
        .path = "/parser/tracefs/tgid/unknown-event",
        .line = "       trace-cmd-13116   (  13116) [001] .....   862.490247: block_rq_issue: 254,0 RA 16384 () 34608128 + 32 be,0,4 [record.sh]",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_BLOCK_RQ_ISSUE,
        .ts_ns = NS (862, 490247), .cpu = 1, .pid = 13116, .tgid = 13116,
        .comm = "trace-cmd", .name = "block_rq_issue",
        .fields = "254,0 RA 16384 () 34608128 + 32 be,0,4 [record.sh]",
        .lookups = { { "RA", NULL }, { "dev", NULL }, { "254,0", NULL } },
    },

    /* --- old Android kernels: 4-character flags, success=, (-----) ------ */
    /* catapult atrace_data */
    {
        .path = "/parser/android/flags4/sched-wakeup-success",
        .line = "          <idle>-0     [000] d..4  1212.465074: sched_wakeup: comm=ksoftirqd/0 pid=3 prio=120 success=1 target_cpu=000",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_WAKEUP,
        .ts_ns = NS (1212, 465074), .cpu = 0, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "sched_wakeup",
        .fields = "comm=ksoftirqd/0 pid=3 prio=120 success=1 target_cpu=000",
        .wake = { "ksoftirqd/0", 3, 120, 0, 1 },
    },
    /* catapult atrace_data: the TASK column is not right-aligned */
    SWITCH_CASE ("/parser/android/flags4/unindented",
                 "atrace-14446 [000] ...2  1212.465062: sched_switch: prev_comm=atrace prev_pid=14446 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
                 NS (1212, 465062), 0, 14446, -1, "atrace",
                 "atrace", 14446, 120, FTA_STATE_S, "swapper/0", 0, 120),
    /* catapult atrace_missing_tgids */
    SWITCH_CASE ("/parser/android/tgid/five-dashes",
                 "     ksoftirqd/0-3      (-----) [000] ...2  1212.465092: sched_switch: prev_comm=ksoftirqd/0 prev_pid=3 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
                 NS (1212, 465092), 0, 3, -1, "ksoftirqd/0",
                 "ksoftirqd/0", 3, 120, FTA_STATE_S, "swapper/0", 0, 120),
    /* catapult atrace_fixed_tgids */
    SWITCH_CASE ("/parser/android/tgid/unpadded",
                 "ksoftirqd/0-3 ( 3) [000] ...2  1212.465092: sched_switch: prev_comm=ksoftirqd/0 prev_pid=3 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
                 NS (1212, 465092), 0, 3, 3, "ksoftirqd/0",
                 "ksoftirqd/0", 3, 120, FTA_STATE_S, "swapper/0", 0, 120),
    /* catapult decompressed_atrace_data.txt: "<...>" is an unknown comm,
     * and the marker text itself holds a colon. */
    {
        .path = "/parser/android/unknown-comm",
        .line = "           <...>-19161 (-----) [001] ...1 683201.354908: tracing_mark_write: trace_event_clock_sync: parent_ts=683201.375000",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_OTHER,
        .ts_ns = NS (683201, 354908), .cpu = 1, .pid = 19161, .tgid = -1, .comm = "<...>",
        .name = "tracing_mark_write",
        .fields = "trace_event_clock_sync: parent_ts=683201.375000",
        .lookups = { { "parent_ts", "683201.375000" }, { "trace_event_clock_sync", NULL } },
    },
    /* trappy trace_systrace.html: a 20-character TASK column is cut to
     * the 15 characters of a kernel comm; success= then target_cpu=,
     * then a state= the typed fields ignore. */
    {
        .path = "/parser/android/long-task-column",
        .line = "com.android.systemui-611   (  611) [001] d..5 514769.086090: sched_wakeup: comm=Binder_5 pid=679 prio=120 success=1 target_cpu=001 state=W",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_WAKEUP,
        .ts_ns = NS (514769, 86090), .cpu = 1, .pid = 611, .tgid = 611,
        .comm = "com.android.sys", .name = "sched_wakeup",
        .wake = { "Binder_5", 679, 120, 1, 1 },
        .lookups = { { "state", "W" }, { "target_cpu", "001" } },
    },
    /* tracecompass atrace-test: D|K, and a 17-character TASK column */
    SWITCH_CASE ("/parser/android/state/wakekill",
                 "ca.evenko.osheaga-32403 ( 32403) [001] d..3 214168.786119: sched_switch: prev_comm=.evenko.osheaga prev_pid=32403 prev_prio=120 prev_state=D|K ==> next_comm=smem_native_rpm next_pid=41 next_prio=120",
                 NS (214168, 786119), 1, 32403, 32403, "ca.evenko.oshea",
                 ".evenko.osheaga", 32403, 120, FTA_STATE_D | FTA_STATE_K,
                 "smem_native_rpm", 41, 120),
    /* trappy trace_surfaceflinger.html: old kernels' dead state "x"; the
     * TASK column "<7951>" is a pid placeholder, the comm has digits. */
    SWITCH_CASE ("/parser/android/state/x",
                 "<7951>-7951  (-----) [004] d..3   538.070091: sched_switch: prev_comm=shell srvc 7950 prev_pid=7951 prev_prio=120 prev_state=x ==> next_comm=adbd next_pid=5833 next_prio=120",
                 NS (538, 70091), 4, 7951, -1, "<7951>",
                 "shell srvc 7950", 7951, 120, FTA_STATE_x, "adbd", 5833, 120),
    /* trappy trace_surfaceflinger.html */
    {
        .path = "/parser/android/unknown-event-free-text",
        .line = "<7951>-7951  (-----) [004] d..4   538.067045: sugov_set_iowait_boost: skipping iow boost",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_OTHER,
        .ts_ns = NS (538, 67045), .cpu = 4, .pid = 7951, .tgid = -1, .comm = "<7951>",
        .name = "sugov_set_iowait_boost", .fields = "skipping iow boost",
        .lookups = { { "skipping", NULL } },
    },

    /* --- hostile comms ------------------------------------------------- */
    /* cpu_contention_ftrace_default.txt */
    SWITCH_CASE ("/parser/comm/space",
                 "       sleeper A-10979   [001] d..2.   501.392170: sched_switch: prev_comm=sleeper A prev_pid=10979 prev_prio=120 prev_state=S ==> next_comm=stress-ng-cpu next_pid=10944 next_prio=120",
                 NS (501, 392170), 1, 10979, -1, "sleeper A",
                 "sleeper A", 10979, 120, FTA_STATE_S, "stress-ng-cpu", 10944, 120),
    /* cpu_contention_ftrace_default.txt */
    SWITCH_CASE ("/parser/comm/equals/next",
                 "   stress-ng-cpu-10944   [001] d..2.   501.403409: sched_switch: prev_comm=stress-ng-cpu prev_pid=10944 prev_prio=120 prev_state=R ==> next_comm=sl=eep B next_pid=10980 next_prio=120",
                 NS (501, 403409), 1, 10944, -1, "stress-ng-cpu",
                 "stress-ng-cpu", 10944, 120, 0, "sl=eep B", 10980, 120),
    /* cpu_contention_ftrace_default.txt */
    SWITCH_CASE ("/parser/comm/arrow/prev",
                 "         x ==> y-10981   [001] d..2.   501.400494: sched_switch: prev_comm=x ==> y prev_pid=10981 prev_prio=120 prev_state=S ==> next_comm=stress-ng-cpu next_pid=10944 next_prio=120",
                 NS (501, 400494), 1, 10981, -1, "x ==> y",
                 "x ==> y", 10981, 120, FTA_STATE_S, "stress-ng-cpu", 10944, 120),
    /* cpu_contention_ftrace_default.txt */
    SWITCH_CASE ("/parser/comm/arrow/next",
                 "   stress-ng-cpu-10944   [001] d..2.   501.402562: sched_switch: prev_comm=stress-ng-cpu prev_pid=10944 prev_prio=120 prev_state=R ==> next_comm=x ==> y next_pid=10981 next_prio=120",
                 NS (501, 402562), 1, 10944, -1, "stress-ng-cpu",
                 "stress-ng-cpu", 10944, 120, 0, "x ==> y", 10981, 120),
    /* cpu_contention_ftrace_default.txt: an RT next task (prio 19) */
    SWITCH_CASE ("/parser/comm/brackets",
                 "        [br] z:1-10982   [001] d..2.   501.428215: sched_switch: prev_comm=[br] z:1 prev_pid=10982 prev_prio=120 prev_state=R ==> next_comm=cyclictest next_pid=10940 next_prio=19",
                 NS (501, 428215), 1, 10982, -1, "[br] z:1",
                 "[br] z:1", 10982, 120, 0, "cyclictest", 10940, 19),
    /* lossy_ftrace_default.txt: both comms hostile, 4-digit seconds */
    SWITCH_CASE ("/parser/comm/arrow-to-brackets",
                 "         x ==> y-17057   [001] d..2.  2229.580173: sched_switch: prev_comm=x ==> y prev_pid=17057 prev_prio=120 prev_state=R ==> next_comm=[br] z:1 next_pid=17058 next_prio=120",
                 NS (2229, 580173), 1, 17057, -1, "x ==> y",
                 "x ==> y", 17057, 120, 0, "[br] z:1", 17058, 120),
    /* qemu_tcg_ftrace_default.txt: starts like a "CPU:N" marker */
    SWITCH_CASE ("/parser/comm/qemu-vcpu",
                 "       CPU 1/TCG-14051   [001] d..2.   965.290605: sched_switch: prev_comm=CPU 1/TCG prev_pid=14051 prev_prio=120 prev_state=R ==> next_comm=qemu-system-x86 next_pid=14049 next_prio=120",
                 NS (965, 290605), 1, 14051, -1, "CPU 1/TCG",
                 "CPU 1/TCG", 14051, 120, 0, "qemu-system-x86", 14049, 120),
    /* qemu_tcg_ftrace_default.txt */
    {
        .path = "/parser/comm/qemu-vcpu/waking",
        .line = " qemu-system-x86-14046   [001] d..2.   965.290672: sched_waking: comm=CPU 1/TCG pid=14051 prio=120 target_cpu=001",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_WAKING,
        .ts_ns = NS (965, 290672), .cpu = 1, .pid = 14046, .tgid = -1,
        .comm = "qemu-system-x86", .name = "sched_waking",
        .wake = { "CPU 1/TCG", 14051, 120, 1, -1 },
    },
    /* cpu_contention_ftrace_default.txt: kworker comms hold '/' and ':' */
    SWITCH_CASE ("/parser/comm/kworker",
                 "    kworker/u8:1-32      [001] d..2.   506.104745: sched_switch: prev_comm=kworker/u8:1 prev_pid=32 prev_prio=120 prev_state=I ==> next_comm=stress-ng-cpu next_pid=10945 next_prio=120",
                 NS (506, 104745), 1, 32, -1, "kworker/u8:1",
                 "kworker/u8:1", 32, 120, FTA_STATE_I, "stress-ng-cpu", 10945, 120),
    /* cpu_contention_ftrace_default.txt: the comm itself ends in "-91" */
    SWITCH_CASE ("/parser/comm/dash-digits",
                 " memfd:sealed-91-2861    [001] d..2.   501.120451: sched_switch: prev_comm=memfd:sealed-91 prev_pid=2861 prev_prio=120 prev_state=S ==> next_comm=ksoftirqd/1 next_pid=22 next_prio=120",
                 NS (501, 120451), 1, 2861, -1, "memfd:sealed-91",
                 "memfd:sealed-91", 2861, 120, FTA_STATE_S, "ksoftirqd/1", 22, 120),
    /* trappy trace_equals.txt: a comm with a dash, no flags column, and a
     * value that holds '=' */
    {
        .path = "/parser/comm/dash",
        .line = " systemd-journal-1662  [003]   653.065294: bputs:                0xffff0000080feeb8s: equals_event: my_field=foo=bar=baz",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_OTHER,
        .ts_ns = NS (653, 65294), .cpu = 3, .pid = 1662, .tgid = -1,
        .comm = "systemd-journal", .name = "bputs",
        .lookups = { { "my_field", "foo=bar=baz" }, { "field", NULL } },
    },
    /* io_block_ftrace_default.txt: TASK column (trace-cmd) and prev_comm
     * (record.sh) differ: the thread was renamed. */
    SWITCH_CASE ("/parser/comm/renamed",
                 "       trace-cmd-13116   [001] d..2.   862.490273: sched_switch: prev_comm=record.sh prev_pid=13116 prev_prio=120 prev_state=D ==> next_comm=swapper/1 next_pid=0 next_prio=120",
                 NS (862, 490273), 1, 13116, -1, "trace-cmd",
                 "record.sh", 13116, 120, FTA_STATE_D, "swapper/1", 0, 120),

    /* --- prev_state letters -------------------------------------------- */
    /* cpu_contention_ftrace_default.txt */
    SWITCH_CASE ("/parser/state/R-plus",
                 "       trace-cmd-10927   [001] d..2.   501.120422: sched_switch: prev_comm=trace-cmd prev_pid=10927 prev_prio=120 prev_state=R+ ==> next_comm=memfd:sealed-91 next_pid=2861 next_prio=120",
                 NS (501, 120422), 1, 10927, -1, "trace-cmd",
                 "trace-cmd", 10927, 120, FTA_STATE_PREEMPT, "memfd:sealed-91", 2861, 120),
    /* cpu_contention_ftrace_default.txt */
    SWITCH_CASE ("/parser/state/Z",
                 "       trace-cmd-10927   [001] d..2.   501.182492: sched_switch: prev_comm=trace-cmd prev_pid=10927 prev_prio=120 prev_state=Z ==> next_comm=swapper/1 next_pid=0 next_prio=120",
                 NS (501, 182492), 1, 10927, -1, "trace-cmd",
                 "trace-cmd", 10927, 120, FTA_STATE_Z, "swapper/1", 0, 120),
    /* cpu_contention_ftrace_default.txt */
    SWITCH_CASE ("/parser/state/X",
                 " memfd:sealed-91-10983   [000] d..2.   502.450778: sched_switch: prev_comm=memfd:sealed-91 prev_pid=10983 prev_prio=120 prev_state=X ==> next_comm=x ==> y next_pid=10981 next_prio=120",
                 NS (502, 450778), 0, 10983, -1, "memfd:sealed-91",
                 "memfd:sealed-91", 10983, 120, FTA_STATE_X, "x ==> y", 10981, 120),
    /* tracecompass ftrace_syscalls.txt */
    SWITCH_CASE ("/parser/state/P",
                 "           <...>-4083  [004] d...   395.706200: sched_switch: prev_comm=bash prev_pid=4083 prev_prio=120 prev_state=P ==> next_comm=kworker/4:3 next_pid=1995 next_prio=120",
                 NS (395, 706200), 4, 4083, -1, "<...>",
                 "bash", 4083, 120, FTA_STATE_P, "kworker/4:3", 1995, 120),
    /* tracecompass ftrace_syscalls.txt: a comm ending in "-8" */
    SWITCH_CASE ("/parser/state/T",
                 "           <...>-475   [000] d...   395.707857: sched_switch: prev_comm=jbd2/sdd1-8 prev_pid=475 prev_prio=120 prev_state=T ==> next_comm=swapper/0 next_pid=0 next_prio=120",
                 NS (395, 707857), 0, 475, -1, "<...>",
                 "jbd2/sdd1-8", 475, 120, FTA_STATE_T, "swapper/0", 0, 120),
    /* tracecompass trace-critical-path */
    SWITCH_CASE ("/parser/state/t",
                 "    kworker/2:0H-24678 [002] d... 26186.337384: sched_switch: prev_comm=kworker/2:0H prev_pid=24678 prev_prio=100 prev_state=t ==> next_comm=gnome-shell next_pid=1746 next_prio=120",
                 NS (26186, 337384), 2, 24678, -1, "kworker/2:0H",
                 "kworker/2:0H", 24678, 100, FTA_STATE_t, "gnome-shell", 1746, 120),
    /* tracecompass ftrace_syscalls.txt */
    {
        .path = "/parser/tracefs/flags4/softirq-raise",
        .line = "            sshd-3977  [003] d...   395.705887: softirq_raise: vec=3 [action=NET_RX]",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SOFTIRQ_RAISE,
        .ts_ns = NS (395, 705887), .cpu = 3, .pid = 3977, .tgid = -1, .comm = "sshd",
        .name = "softirq_raise", .fields = "vec=3 [action=NET_RX]", .vec = 3,
    },

    /* --- timestamps ------------------------------------------------------ */
    /* io_block_tracecmd_report_ns.txt (trace-cmd report -t): the same
     * event as /parser/tracefs/tgid/unknown-event, with nine fraction
     * digits: nanoseconds, not microseconds times 1000. */
    {
        .path = "/parser/timestamp/nine-digits",
        .line = "       trace-cmd-13116 [001]   862.490247458: block_rq_issue:       254,0 RA 16384 () 34608128 + 32 0x2,0,4 [record.sh]",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_BLOCK_RQ_ISSUE,
        .ts_ns = 862490247458, .cpu = 1, .pid = 13116, .tgid = -1, .comm = "trace-cmd",
        .name = "block_rq_issue",
    },

    /* Made by hand: zero-padded seconds and a one-digit fraction; eight
     * digits of seconds; a comm holding a token that reads as a
     * timestamp (the first one is the line's, so no COMM-PID is left) */
    {
        .path = "/parser/timestamp/zero-padded-short-fraction",
        .line = "          <idle>-0     [000] 0000501.5: softirq_entry:        vec=1 [action=TIMER]",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SOFTIRQ_ENTRY,
        .ts_ns = NS (501, 500000), .cpu = 0, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "softirq_entry", .vec = 1,
    },
    {
        .path = "/parser/timestamp/eight-digit-seconds",
        .line = "          <idle>-0     [000] 12345678.000250: softirq_entry:        vec=1 [action=TIMER]",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SOFTIRQ_ENTRY,
        .ts_ns = NS (12345678, 250), .cpu = 0, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "softirq_entry", .vec = 1,
    },
    {
        .path = "/parser/timestamp/in-comm",
        .line = "  abcdefghijklmnop 1.5: y-10 [000]   2.000001: softirq_entry:        vec=1 [action=TIMER]",
        .kind = FTA_LINE_UNPARSED,
    },

    /* --- unknown events and field lookup ------------------------------- */
    /* trappy trace_failed_to_parse.txt: values with spaces and brackets,
     * keys that are suffixes or prefixes of other keys. */
    {
        .path = "/parser/unknown/value-with-spaces",
        .line = "     kworker/5:2-1497  [005]   454.414603: thermal_power_cpu_get_power: [FAILED TO PARSE] cpumask=ARRAY[0f, 00, 00, 00, 00, 00, 00, 00] freq=0x82208 load=ARRAY[02, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00] load_len=4 dynamic_power=0 static_power=0",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_OTHER,
        .ts_ns = NS (454, 414603), .cpu = 5, .pid = 1497, .tgid = -1,
        .comm = "kworker/5:2", .name = "thermal_power_cpu_get_power",
        .fields = "[FAILED TO PARSE] cpumask=ARRAY[0f, 00, 00, 00, 00, 00, 00, 00] freq=0x82208 load=ARRAY[02, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00] load_len=4 dynamic_power=0 static_power=0",
        .lookups = { { "cpumask", "ARRAY[0f, 00, 00, 00, 00, 00, 00, 00]" },
                     { "load", "ARRAY[02, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00]" },
                     { "load_len", "4" },
                     { "static_power", "0" },
                     { "power", NULL },
                     { "FAILED", NULL } },
    },
    /* trappy trace_failed_to_parse.txt: one-letter keys that also occur
     * inside other keys */
    {
        .path = "/parser/unknown/short-keys",
        .line = "     kworker/5:2-1497  [005]   454.414610: thermal_power_allocator_pid: thermal_zone_id=0 err=-4553 err_integral=-4553 p=-2046 i=-45 d=0 output=2410",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_OTHER,
        .ts_ns = NS (454, 414610), .cpu = 5, .pid = 1497, .tgid = -1,
        .comm = "kworker/5:2", .name = "thermal_power_allocator_pid",
        .fields = "thermal_zone_id=0 err=-4553 err_integral=-4553 p=-2046 i=-45 d=0 output=2410",
        .lookups = { { "err", "-4553" }, { "p", "-2046" }, { "i", "-45" }, { "d", "0" },
                     { "output", "2410" }, { "id", NULL } },
    },

    /* --- markers ----------------------------------------------------------- */
    /* lossy_ftrace_default.txt */
    {
        .path = "/parser/marker/buffer-started",
        .line = "##### CPU 0 buffer started ####",
        .kind = FTA_LINE_MARKER, .type = FTA_EV_BUFFER_STARTED, .cpu = 0,
        .name = "[buffer started]",
    },
    /* lossy_trace_pipe_slowreader.txt */
    {
        .path = "/parser/marker/lost",
        .line = "CPU:1 [LOST 90 EVENTS]",
        .kind = FTA_LINE_MARKER, .type = FTA_EV_LOST, .cpu = 1, .lost = 90,
        .name = "[lost events]",
    },
    /* lossy_trace_pipe_slowreader.txt */
    {
        .path = "/parser/marker/lost/large",
        .line = "CPU:0 [LOST 149505 EVENTS]",
        .kind = FTA_LINE_MARKER, .type = FTA_EV_LOST, .cpu = 0, .lost = 149505,
        .name = "[lost events]",
    },

    /* --- headers and blank lines ----------------------------------------- */
    { .path = "/parser/header/tracer", .line = "# tracer: nop", .kind = FTA_LINE_HEADER },
    /* cpu_contention_ftrace_default.txt: the legend holds "=>" */
    {
        .path = "/parser/header/legend",
        .line = "#                                _-----=> irqs-off/BH-disabled",
        .kind = FTA_LINE_HEADER,
    },
    {
        .path = "/parser/header/columns",
        .line = "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
        .kind = FTA_LINE_HEADER,
    },
    /* catapult atrace_data_raw starts with an empty line */
    { .path = "/parser/header/blank", .line = "", .kind = FTA_LINE_HEADER },
    /* trappy trace_systrace.html: the indentation before </script> */
    { .path = "/parser/header/blank/spaces", .line = "  ", .kind = FTA_LINE_HEADER },

    /* --- lines that are not trace events --------------------------------- */
    /* brendangregg/perf-tools examples/funcgraph_example.txt: the corpus
     * holds no function_graph tracer text, this is real output of it. */
    {
        .path = "/parser/unparsed/function-graph/leaf",
        .line = " 0)   0.198 us    |          _raw_spin_lock_irqsave();",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/function-graph/entry",
        .line = " 0)               |  do_nanosleep() {",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/function-graph/abstime",
        .line = "7238523.638013 |   0)   0.153 us    |                    rcu_irq_enter();",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/function-graph/switch-annotation",
        .line = " 0)  platfor-3210  =>  vmstat-2854  ",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/function-graph/separator",
        .line = " ------------------------------------------",
        .kind = FTA_LINE_UNPARSED,
    },
    /* trappy trace_systrace.html: the trace is embedded between HTML
     * comments and a script tag */
    {
        .path = "/parser/unparsed/html/begin-comment",
        .line = "<!-- BEGIN TRACE -->",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/html/script",
        .line = "  <script class=\"trace-data\" type=\"application/text\">",
        .kind = FTA_LINE_UNPARSED,
    },
    /* cpu_contention_workload.log: has a " [digits] " like a CPU column */
    {
        .path = "/parser/unparsed/shell/stress-ng",
        .line = "stress-ng: info:  [10932] setting to a 10 second run per stressor",
        .kind = FTA_LINE_UNPARSED,
    },
    /* lossy_tcrecord.log: starts like a "CPU:N [LOST" marker */
    {
        .path = "/parser/unparsed/shell/events-lost",
        .line = "CPU 0: 22354 events lost",
        .kind = FTA_LINE_UNPARSED,
    },
    /* io_block_workload.log */
    {
        .path = "/parser/unparsed/shell/fio",
        .line = "syncw: (g=0): rw=randwrite, bs=(R) 4096B-4096B, (W) 4096B-4096B, (T) 4096B-4096B, ioengine=sync, iodepth=1",
        .kind = FTA_LINE_UNPARSED,
    },
    /* trappy raw_trace.txt: trace-cmd report's preamble */
    /* cpu_contention_tracecmd_report.txt: trace-cmd's plugin form; the
     * first " ==> " belongs to the comm */
    SWITCH_CASE ("/parser/trace-cmd/switch/comm-with-arrow",
                 "         x ==> y-10981 [001]   501.400494: sched_switch:         x ==> y:10981 [120] S ==> stress-ng-cpu:10944 [120]",
                 NS (501, 400494), 1, 10981, -1, "x ==> y", "x ==> y", 10981, 120, FTA_STATE_S,
                 "stress-ng-cpu", 10944, 120),
    SWITCH_CASE ("/parser/trace-cmd/switch/comm-with-colon",
                 "        [br] z:1-10982 [001]   501.403166: sched_switch:         [br] z:1:10982 [120] S ==> stress-ng-cpu:10944 [120]",
                 NS (501, 403166), 1, 10982, -1, "[br] z:1", "[br] z:1", 10982, 120, FTA_STATE_S,
                 "stress-ng-cpu", 10944, 120),
    /* trace-cmd-report.1 example: the latency suffix, and I printed as I */
    SWITCH_CASE ("/parser/trace-cmd/switch/latency-suffix",
                 "kworker/u36:1-51219 [000] d..2. 162583.266957: sched_switch:         kworker/u36:1:51219 [120] R ==> kworker/u33:2:49692 [120] Latency: 4024.977 usecs",
                 NS (162583, 266957), 0, 51219, -1, "kworker/u36:1", "kworker/u36:1", 51219, 120,
                 0, "kworker/u33:2", 49692, 120),
    /* Made by hand: pids of eight digits and more (read a byte at a time),
     * comms too short for a word before the pid, priorities of other
     * widths than three digits, a four-digit CPU column. */
    SWITCH_CASE ("/parser/trace-cmd/switch/long-pids",
                 "    stress-ng-cpu-12345678 [001]   501.400494: sched_switch:         stress-ng-cpu:12345678 [120] R ==> kworker/u33:2:2147483647 [120]",
                 NS (501, 400494), 1, 12345678, -1, "stress-ng-cpu", "stress-ng-cpu", 12345678,
                 120, 0, "kworker/u33:2", 2147483647, 120),
    SWITCH_CASE ("/parser/trace-cmd/switch/short-comms",
                 "a-1 [1234]   501.400494: sched_switch:         a:1 [7] D ==> b:22 [99]",
                 NS (501, 400494), 1234, 1, -1, "a", "a", 1, 7, FTA_STATE_D, "b", 22, 99),
    SWITCH_CASE ("/parser/trace-cmd/switch/prio-with-sign",
                 "  cyclictest-10940 [000]   501.400494: sched_switch:         cyclictest:10940 [-51] S ==> sleeper B:10981 [1200]",
                 NS (501, 400494), 0, 10940, -1, "cyclictest", "cyclictest", 10940, -51,
                 FTA_STATE_S, "sleeper B", 10981, 1200),
    /* a comm holding "Latency: " that is not the suffix */
    SWITCH_CASE ("/parser/trace-cmd/switch/comm-with-latency-word",
                 "  Latency: x-10940 [000]   501.400494: sched_switch:         Latency: x:10940 [120] S ==> b:2 [120] Latency: 12.000 usecs",
                 NS (501, 400494), 0, 10940, -1, "Latency: x", "Latency: x", 10940, 120,
                 FTA_STATE_S, "b", 2, 120),
    /* a pid of no digit before the bracket: not the plugin form */
    {
        .path = "/parser/trace-cmd/switch/no-pid",
        .line = "       trace-cmd-10927 [001]   501.120422: sched_switch:         trace-cmd:x [120] R ==> b:2 [120]",
        .kind = FTA_LINE_UNPARSED,
    },
    /* trappy trace_idle_unsorted.txt: -R raw body, numeric state, no "==>";
     * 256 alone is a preemption */
    SWITCH_CASE ("/parser/trace-cmd/switch/raw-numeric-preempt",
                 "     kworker/6:2-11630 [006]  7115.449621: sched_switch:          prev_comm=kworker/6:2 prev_pid=11630 prev_prio=120 prev_state=256 next_comm=swapper/6 next_pid=0 next_prio=120",
                 NS (7115, 449621), 6, 11630, -1, "kworker/6:2", "kworker/6:2", 11630, 120,
                 FTA_STATE_PREEMPT, "swapper/6", 0, 120),
    {
        .path = "/parser/trace-cmd/wakeup/plugin-form",
        .line = "       <idle>-0     [005] dNh2. 223087.004012: sched_wakeup:         trace-cmd:89992 [120] CPU:005",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_WAKEUP,
        .ts_ns = NS (223087, 4012), .cpu = 5, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "sched_wakeup",
        .wake = { "trace-cmd", 89992, 120, 5, -1 },
    },
    { .path = "/parser/trace-cmd/dropped/counted", .line = "CPU:0 [1806 EVENTS DROPPED]",
      .kind = FTA_LINE_MARKER, .type = FTA_EV_LOST, .cpu = 0, .lost = 1806, .name = "[lost events]" },
    { .path = "/parser/trace-cmd/dropped/uncounted", .line = "CPU:0 [EVENTS DROPPED]",
      .kind = FTA_LINE_MARKER, .type = FTA_EV_LOST, .cpu = 0, .lost = -1, .name = "[lost events]" },
    /* lossy_perf_script_showlost.txt */
    { .path = "/parser/perf-script/record-lost",
      .line = " stress-ng-switc 16940 [000]  2226.560519: PERF_RECORD_LOST lost 117",
      .kind = FTA_LINE_MARKER, .type = FTA_EV_LOST, .cpu = 0, .lost = 117, .name = "[lost events]" },
    /* "trace-cmd report -l" (the latency format, as its manual shows it):
     * CPU and flags fused, the comm cut to 8 characters */
    SWITCH_CASE ("/parser/trace-cmd/latency-format",
                 "stress-n-10944   1d..2  501.282044: sched_switch:         stress-ng-cpu:10944 [120] R ==> cyclictest:10940 [19]",
                 NS (501, 282044), 1, 10944, -1, "stress-n", "stress-ng-cpu", 10944, 120, 0,
                 "cyclictest", 10940, 19),
    /* trace-cmd report's header lines (trappy raw_trace.txt) */
    { .path = "/parser/trace-cmd/header/version", .line = "version = 6", .kind = FTA_LINE_HEADER },
    { .path = "/parser/trace-cmd/header/cpus", .line = "cpus=6", .kind = FTA_LINE_HEADER },
    {
        .path = "/parser/trace-cmd/header/cpu-empty",
        .line = "CPU 3 is empty",
        .kind = FTA_LINE_HEADER,
    },
    /* cpu_contention_perf_script_ns.txt: "COMM PID", no dash, the
     * subsystem before the event name, nanoseconds */
    {
        .path = "/parser/perf-script/ns",
        .line = "            perf 10923 [000]   501.067660242:       sched:sched_waking: comm=migration/0 pid=18 prio=0 target_cpu=000",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SCHED_WAKING,
        .ts_ns = (gint64) 501 * 1000000000 + 67660242, .cpu = 0, .pid = 10923, .tgid = -1,
        .comm = "perf", .name = "sched_waking",
        .wake = { "migration/0", 18, 0, 0, -1 },
    },
    /* perf script: the subsystem before the other known events */
    {
        .path = "/parser/perf-script/softirq-subsystem",
        .line = "         swapper     0 [001]   501.100064:          irq:softirq_entry: vec=4 [action=BLOCK]",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_SOFTIRQ_ENTRY,
        .ts_ns = NS (501, 100064), .cpu = 1, .pid = 0, .tgid = -1, .comm = "swapper",
        .name = "softirq_entry", .fields = "vec=4 [action=BLOCK]", .vec = 4,
    },
    {
        .path = "/parser/perf-script/block-subsystem",
        .line = "       trace-cmd 13116 [001]   862.490769:       block:block_rq_issue: 254,0 RA 28672 () 34608360 + 56 be,0,4 [trace-cmd]",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_BLOCK_RQ_ISSUE,
        .ts_ns = NS (862, 490769), .cpu = 1, .pid = 13116, .tgid = -1, .comm = "trace-cmd",
        .name = "block_rq_issue", .fields = "254,0 RA 28672 () 34608360 + 56 be,0,4 [trace-cmd]",
    },
    /* a name that only starts like a known one */
    {
        .path = "/parser/tracefs/name-extends-known",
        .line = "          <idle>-0       [001] d.h1.   501.100060: irq_handler_entry_x: irq=36",
        .kind = FTA_LINE_EVENT, .type = FTA_EV_OTHER,
        .ts_ns = NS (501, 100060), .cpu = 1, .pid = 0, .tgid = -1, .comm = "<idle>",
        .name = "irq_handler_entry_x", .fields = "irq=36",
    },
    /* tracecompass ftrace_syscalls.txt: syscall tracer lines have no
     * "event:" token; "sys_ioctl(fd:" is not an event name. */
    {
        .path = "/parser/unparsed/syscall/return",
        .line = "           <...>-4083  [004] ....   395.705673: sys_rt_sigprocmask -> 0x0",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/syscall/entry",
        .line = "           <...>-4083  [004] ....   395.705679: sys_ioctl(fd: ff, cmd: 5410, arg: 7ffe0babe8fc)",
        .kind = FTA_LINE_UNPARSED,
    },
    /* catapult android_systrace.txt: a JavaScript string body, every line
     * ends in a literal backslash-n-backslash; the corpus README says it
     * must be reported, not analysed. */
    {
        .path = "/parser/unparsed/js-string-body",
        .line = "          atrace-14662 [000] 50260.647576: sched_switch: prev_comm=atrace prev_pid=14662 prev_prio=120 prev_state=S ==> next_comm=kworker/0:0 next_pid=13696 next_prio=120\\n\\",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/nul-byte",
        .line = NUL_LINE,
        .len = sizeof (NUL_LINE) - 1,
        .kind = FTA_LINE_UNPARSED,
    },
    /* cpu_contention_ftrace_default.txt, cut as at the end of a file
     * copied while the trace was written */
    {
        .path = "/parser/unparsed/truncated/mid-timestamp",
        .line = "       record.sh-10914   [000] d..2.   501.09",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/truncated/after-timestamp",
        .line = "       record.sh-10914   [000] d..2.   501.099336:",
        .kind = FTA_LINE_UNPARSED,
    },
    {
        .path = "/parser/unparsed/truncated/mid-fields",
        .line = "       record.sh-10914   [000] d..2.   501.099336: sched_switch: prev_comm=record.sh prev_pid=10914 prev_pr",
        .kind = FTA_LINE_UNPARSED,
    },
};

static const char *
kind_name (FtaLineKind k)
{
    switch (k) {
    case FTA_LINE_EVENT: return "EVENT";
    case FTA_LINE_MARKER: return "MARKER";
    case FTA_LINE_HEADER: return "HEADER";
    case FTA_LINE_UNPARSED: return "UNPARSED";
    }
    return "?";
}

static void
assert_str_n (const char *s, gsize len, const char *expected)
{
    g_autofree char *got = s ? g_strndup (s, len) : NULL;
    g_assert_cmpstr (got, ==, expected);
}

static void
check_typed (const LineCase *c, const FtaEvent *ev)
{
    switch (c->type) {
    case FTA_EV_SCHED_SWITCH:
        g_assert_cmpstr (ev->u.sw.prev_comm, ==, c->sw.prev_comm);
        g_assert_cmpint (ev->u.sw.prev_pid, ==, c->sw.prev_pid);
        g_assert_cmpint (ev->u.sw.prev_prio, ==, c->sw.prev_prio);
        g_assert_cmphex (ev->u.sw.prev_state, ==, c->sw.prev_state);
        g_assert_cmpstr (ev->u.sw.next_comm, ==, c->sw.next_comm);
        g_assert_cmpint (ev->u.sw.next_pid, ==, c->sw.next_pid);
        g_assert_cmpint (ev->u.sw.next_prio, ==, c->sw.next_prio);
        break;
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW:
        g_assert_cmpstr (ev->u.wake.comm, ==, c->wake.comm);
        g_assert_cmpint (ev->u.wake.pid, ==, c->wake.pid);
        g_assert_cmpint (ev->u.wake.prio, ==, c->wake.prio);
        g_assert_cmpint (ev->u.wake.target_cpu, ==, c->wake.target_cpu);
        g_assert_cmpint (ev->u.wake.success, ==, c->wake.success);
        break;
    case FTA_EV_SCHED_MIGRATE_TASK:
        g_assert_cmpstr (ev->u.migrate.comm, ==, c->migrate.comm);
        g_assert_cmpint (ev->u.migrate.pid, ==, c->migrate.pid);
        g_assert_cmpint (ev->u.migrate.prio, ==, c->migrate.prio);
        g_assert_cmpint (ev->u.migrate.orig_cpu, ==, c->migrate.orig_cpu);
        g_assert_cmpint (ev->u.migrate.dest_cpu, ==, c->migrate.dest_cpu);
        break;
    case FTA_EV_SCHED_PROCESS_FORK:
    case FTA_EV_SCHED_PROCESS_EXIT:
    case FTA_EV_SCHED_PROCESS_EXEC:
        if (c->proc.comm)
            g_assert_cmpstr (ev->u.proc.comm, ==, c->proc.comm);
        g_assert_cmpint (ev->u.proc.pid, ==, c->proc.pid);
        if (c->proc.prio != ANY)
            g_assert_cmpint (ev->u.proc.prio, ==, c->proc.prio);
        if (c->proc.child_comm)
            g_assert_cmpstr (ev->u.proc.child_comm, ==, c->proc.child_comm);
        if (c->proc.child_pid != ANY)
            g_assert_cmpint (ev->u.proc.child_pid, ==, c->proc.child_pid);
        if (c->proc.old_pid != ANY)
            g_assert_cmpint (ev->u.proc.old_pid, ==, c->proc.old_pid);
        break;
    case FTA_EV_IRQ_HANDLER_ENTRY:
    case FTA_EV_IRQ_HANDLER_EXIT:
        g_assert_cmpint (ev->u.irq.irq, ==, c->irq.irq);
        g_assert_cmpint (ev->u.irq.handled, ==, c->irq.handled);
        g_assert_cmpstr (ev->u.irq.name, ==, c->irq.name);
        break;
    case FTA_EV_SOFTIRQ_ENTRY:
    case FTA_EV_SOFTIRQ_EXIT:
    case FTA_EV_SOFTIRQ_RAISE:
        g_assert_cmpint (ev->u.softirq.vec, ==, c->vec);
        break;
    default:
        break;
    }
}

static void
test_line (gconstpointer data)
{
    const LineCase *c = data;
    FtaParser *p = fta_parser_new ();
    FtaEvent ev;
    const char *why = NULL;
    gsize len = c->len ? c->len : strlen (c->line);

    /* Garbage in every member, so a value the parser did not set cannot
     * match an expectation by luck. */
    memset (&ev, 0x5a, sizeof ev);
    FtaLineKind kind = fta_parser_parse_line (p, c->line, len, &ev, &why);
    if (kind != c->kind) {
        /* The event's members are garbage then: check nothing else. */
        g_test_message ("line \"%s\" parsed as %s (%s), expected %s", c->line,
                        kind_name (kind), why ? why : "no reason", kind_name (c->kind));
        g_test_fail ();
        fta_parser_free (p);
        return;
    }

    switch (c->kind) {
    case FTA_LINE_UNPARSED:
        g_assert_nonnull (why);
        g_assert_cmpstr (why, !=, "");
        break;
    case FTA_LINE_HEADER:
        break;
    case FTA_LINE_MARKER:
        g_assert_cmpstr (fta_event_type_name (ev.type), ==, fta_event_type_name (c->type));
        g_assert_cmpint (ev.cpu, ==, c->cpu);
        g_assert_cmpstr (fta_parser_name (p, ev.name_id), ==, c->name);
        if (c->type == FTA_EV_LOST)
            g_assert_cmpint (ev.u.marker.lost, ==, c->lost);
        break;
    case FTA_LINE_EVENT:
        g_assert_cmpstr (fta_event_type_name (ev.type), ==, fta_event_type_name (c->type));
        g_assert_cmpint (ev.ts_ns, ==, c->ts_ns);
        g_assert_cmpint (ev.cpu, ==, c->cpu);
        g_assert_cmpint (ev.pid, ==, c->pid);
        g_assert_cmpint (ev.tgid, ==, c->tgid);
        g_assert_cmpstr (ev.comm, ==, c->comm);
        assert_str_n (ev.name, ev.name_len, c->name);
        g_assert_cmpstr (fta_parser_name (p, ev.name_id), ==, c->name);
        if (c->fields)
            assert_str_n (ev.fields, ev.fields_len, c->fields);
        /* Strings point into the line, never into a copy. */
        g_assert_true (ev.name >= c->line && ev.name + ev.name_len <= c->line + len);
        g_assert_true (ev.fields >= c->line && ev.fields + ev.fields_len <= c->line + len);
        check_typed (c, &ev);
        g_assert_cmpstr (fta_parser_format (p), ==,
                         g_str_has_prefix (c->path, "/parser/perf-script") ? "perf-script"
                                                                           : "tracefs");
        break;
    }

    /* Compared as "key=value" so a failure names the key; "key" alone
     * when the lookup must fail. */
    for (guint i = 0; i < G_N_ELEMENTS (c->lookups) && c->lookups[i].key; i++) {
        const FieldExp *l = &c->lookups[i];
        guint vlen = 0;
        const char *v = fta_event_field (&ev, l->key, &vlen);
        g_autofree char *got = v ? g_strdup_printf ("%s=%.*s", l->key, (int) vlen, v)
                                 : g_strdup (l->key);
        g_autofree char *want = l->value ? g_strdup_printf ("%s=%s", l->key, l->value)
                                         : g_strdup (l->key);
        g_assert_cmpstr (got, ==, want);
    }
    fta_parser_free (p);
}

/* --- a parser shared by consecutive lines -------------------------------- */

typedef struct {
    FtaParser *parser; /* owned */
    FtaEvent ev;
} ParserFixture;

static void
parser_setup (ParserFixture *f, gconstpointer data)
{
    f->parser = fta_parser_new ();
    memset (&f->ev, 0, sizeof f->ev);
}

static void
parser_teardown (ParserFixture *f, gconstpointer data)
{
    fta_parser_free (f->parser);
}

static FtaLineKind
parse (ParserFixture *f, const char *line)
{
    const char *why = NULL;
    return fta_parser_parse_line (f->parser, line, strlen (line), &f->ev, &why);
}

/* lossy_ftrace_default.txt, its first five lines */
static void
test_header_entries (ParserFixture *f, gconstpointer data)
{
    static const char *const head[] = {
        "# tracer: nop",
        "#",
        "# entries-in-buffer/entries-written: 2622/449556   #P:2",
        "#",
        "#                                _-----=> irqs-off/BH-disabled",
    };
    g_assert_cmpint (fta_parser_entries_in_buffer (f->parser), ==, -1);
    g_assert_cmpint (fta_parser_entries_written (f->parser), ==, -1);
    g_assert_null (fta_parser_format (f->parser));
    for (guint i = 0; i < G_N_ELEMENTS (head); i++)
        g_assert_cmpint (parse (f, head[i]), ==, FTA_LINE_HEADER);
    g_assert_cmpint (fta_parser_entries_in_buffer (f->parser), ==, 2622);
    g_assert_cmpint (fta_parser_entries_written (f->parser), ==, 449556);
    /* Headers alone do not make a format. */
    g_assert_null (fta_parser_format (f->parser));
}

/* Event names: the known ones have fixed ids, others are interned once
 * and keep their id. */
static void
test_name_ids (ParserFixture *f, gconstpointer data)
{
    /* trappy trace_idle_unsorted.txt and trace_legacy_systrace.html:
     * events the core has no type for get ids as first seen */
    static const char issue[] = "\t  <idle>-0     [000]  7115.450063: cpu_idle:             state=1 cpu_id=0";
    static const char complete[] = "            adbd-315   [002] dn.3  7480.993256: sched_load_avg_cpu: cpu=2 load_avg=63 util_avg=17";
    static const char issue2[] = "\t  <idle>-0     [002]  7115.450065: cpu_idle:             state=2 cpu_id=2";

    guint n0 = fta_parser_n_names (f->parser);
    g_assert_cmpstr (fta_parser_name (f->parser, 0), ==, "sched_switch");
    g_assert_null (fta_parser_name (f->parser, n0));

    g_assert_cmpint (parse (f, issue), ==, FTA_LINE_EVENT);
    guint issue_id = f->ev.name_id;
    g_assert_cmpuint (issue_id, ==, n0);
    g_assert_cmpint (parse (f, complete), ==, FTA_LINE_EVENT);
    g_assert_cmpuint (f->ev.name_id, ==, n0 + 1);
    g_assert_cmpint (parse (f, issue2), ==, FTA_LINE_EVENT);
    g_assert_cmpuint (f->ev.name_id, ==, issue_id);
    g_assert_cmpuint (fta_parser_n_names (f->parser), ==, n0 + 2);
    g_assert_cmpstr (fta_parser_name (f->parser, n0 + 1), ==, "sched_load_avg_cpu");
}

/* --- fta_parse_state ------------------------------------------------------ */

typedef struct {
    const char *path;
    const char *text;
    guint32 bits;
    gboolean preempted;
} StateCase;

static const StateCase state_cases[] = {
    { "/parser/parse-state/R", "R", 0, TRUE },
    { "/parser/parse-state/R-plus", "R+", FTA_STATE_PREEMPT, TRUE },
    { "/parser/parse-state/S", "S", FTA_STATE_S, FALSE },
    { "/parser/parse-state/D", "D", FTA_STATE_D, FALSE },
    { "/parser/parse-state/I", "I", FTA_STATE_I, FALSE },
    { "/parser/parse-state/Z", "Z", FTA_STATE_Z, FALSE },
    { "/parser/parse-state/X", "X", FTA_STATE_X, FALSE },
    { "/parser/parse-state/D-K", "D|K", FTA_STATE_D | FTA_STATE_K, FALSE },
    { "/parser/parse-state/T", "T", FTA_STATE_T, FALSE },
    { "/parser/parse-state/t", "t", FTA_STATE_t, FALSE },
    { "/parser/parse-state/P", "P", FTA_STATE_P, FALSE },
    { "/parser/parse-state/x", "x", FTA_STATE_x, FALSE },
    { "/parser/parse-state/W", "W", FTA_STATE_W, FALSE },
    { "/parser/parse-state/N", "N", FTA_STATE_N, FALSE },
    { "/parser/parse-state/S-W", "S|W", FTA_STATE_S | FTA_STATE_W, FALSE },
    { "/parser/parse-state/empty", "", 0, TRUE },
    /* trappy raw bodies print the kernel's numeric state */
    { "/parser/parse-state/numeric", "1", FTA_STATE_UNKNOWN, FALSE },
    { "/parser/parse-state/unknown-letter", "?", FTA_STATE_UNKNOWN, FALSE },
};

static void
test_parse_state (gconstpointer data)
{
    const StateCase *c = data;
    guint32 bits = fta_parse_state (c->text, strlen (c->text));
    g_assert_cmphex (bits, ==, c->bits);
    g_assert_cmpint (fta_state_is_preempted (bits), ==, c->preempted);
}

/* The length bounds the text: what follows it is not read. */
static void
test_parse_state_length (void)
{
    g_assert_cmphex (fta_parse_state ("D|K ==>", 1), ==, FTA_STATE_D);
    g_assert_cmphex (fta_parse_state ("R+", 1), ==, 0);
}

/* --- fta_parse_timestamp ---------------------------------------------------- */

typedef struct {
    const char *path;
    const char *text;
    gboolean ok;
    gint64 ns;
} TimestampCase;

static const TimestampCase timestamp_cases[] = {
    /* tracefs prints microseconds */
    { "/parser/parse-timestamp/six-digits", "501.099336", TRUE, 501099336000 },
    /* trace-cmd report -t and perf script --ns print nanoseconds */
    { "/parser/parse-timestamp/nine-digits", "501.099247497", TRUE, 501099247497 },
    { "/parser/parse-timestamp/nine-digits/leading-zeros", "501.000000001", TRUE, 501000000001 },
    { "/parser/parse-timestamp/large-seconds", "683201.354908", TRUE, 683201354908000 },
    { "/parser/parse-timestamp/zero", "0.000000", TRUE, 0 },
    { "/parser/parse-timestamp/zero-padded", "0000000002227.513836", TRUE, 2227513836000 },
    { "/parser/parse-timestamp/one-digit", "1.5", TRUE, 1500000000 },
    { "/parser/parse-timestamp/three-digits", "7.250", TRUE, 7250000000 },
    { "/parser/parse-timestamp/junk/empty", "", FALSE, 0 },
    { "/parser/parse-timestamp/junk/no-fraction", "501", FALSE, 0 },
    { "/parser/parse-timestamp/junk/dot-only", "501.", FALSE, 0 },
    { "/parser/parse-timestamp/junk/no-seconds", ".099336", FALSE, 0 },
    { "/parser/parse-timestamp/junk/colon", "501.099336:", FALSE, 0 },
    { "/parser/parse-timestamp/junk/two-dots", "501.099.336", FALSE, 0 },
    { "/parser/parse-timestamp/junk/negative", "-1.000000", FALSE, 0 },
    { "/parser/parse-timestamp/junk/blank", " 501.099336", FALSE, 0 },
    { "/parser/parse-timestamp/junk/flags", "d..2.", FALSE, 0 },
    /* Seconds beyond what gint64 nanoseconds can hold are junk, not a
     * wrapped value. */
    { "/parser/parse-timestamp/junk/overflow", "9223372037.000000", FALSE, 0 },
    { "/parser/parse-timestamp/junk/overflow-fraction", "9223372036.999999", FALSE, 0 },
    { "/parser/parse-timestamp/junk/huge", "99999999999999999999.000000", FALSE, 0 },
    { "/parser/parse-timestamp/max", "9223372036.854775", TRUE, 9223372036854775000 },
};

static void
check_timestamp (const TimestampCase *c)
{
    gint64 ns = -42;
    gboolean ok = fta_parse_timestamp (c->text, strlen (c->text), &ns);
    g_assert_cmpint (ok, ==, c->ok);
    if (c->ok)
        g_assert_cmpint (ns, ==, c->ns);
}

/* Run in a subprocess: an overflow under UBSan aborts, and that must fail
 * this case only, not the rest of the program. */
static void
test_parse_timestamp (gconstpointer data)
{
    if (g_test_subprocess ()) {
        check_timestamp (data);
        return;
    }
    g_test_trap_subprocess (NULL, 0, 0);
    g_test_trap_assert_passed ();
}

/* The length bounds the text, as in a line where ':' follows. */
static void
test_parse_timestamp_length (void)
{
    static const char line[] = "501.099336: sched_switch";
    gint64 ns = 0;
    g_assert_true (fta_parse_timestamp (line, 10, &ns));
    g_assert_cmpint (ns, ==, 501099336000);
    g_assert_true (fta_parse_timestamp (line, 5, &ns));
    g_assert_cmpint (ns, ==, 501000000000);
    g_assert_false (fta_parse_timestamp (line, 4, &ns));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    /* Report every wrong value of a case, not only the first. */
    g_test_set_nonfatal_assertions ();

    for (guint i = 0; i < G_N_ELEMENTS (line_cases); i++)
        g_test_add_data_func (line_cases[i].path, &line_cases[i], test_line);
    g_test_add ("/parser/header/entries", ParserFixture, NULL, parser_setup,
                test_header_entries, parser_teardown);
    g_test_add ("/parser/name-ids", ParserFixture, NULL, parser_setup, test_name_ids,
                parser_teardown);
    for (guint i = 0; i < G_N_ELEMENTS (state_cases); i++)
        g_test_add_data_func (state_cases[i].path, &state_cases[i], test_parse_state);
    g_test_add_func ("/parser/parse-state/length", test_parse_state_length);
    for (guint i = 0; i < G_N_ELEMENTS (timestamp_cases); i++)
        g_test_add_data_func (timestamp_cases[i].path, &timestamp_cases[i],
                              test_parse_timestamp);
    g_test_add_func ("/parser/parse-timestamp/length", test_parse_timestamp_length);

    return g_test_run ();
}
