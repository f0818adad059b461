/* test-model.c - the sched model: hand-made traces in, task-state spans out.
 *
 * Each case is a few tracefs lines, fed through the parser and the model as
 * the engine feeds them, and the spans worked out by hand from the rules in
 * core/model.c's header comment, docs/sched-model.md and the
 * span flags of fta-event.h.  Times in the traces are 100.000000 s plus a
 * few microseconds, written T (us) below.
 */
#include "config.h"

#include <string.h>

#include "core.h"

#define BASE_NS G_GINT64_CONSTANT (100000000000)
#define T(us) (BASE_NS + (gint64) (us) * 1000)
/* A quality counter the case does not check. */
#define ANY_COUNT (-1)

typedef struct {
    FtaTaskState state;
    gint32 pid;
    const char *comm;
    gint64 start_ns;
    gint64 end_ns;
    gint32 cpu;
    guint32 reason;     /* RUNNABLE only */
    gint32 waker_pid;   /* RUNNABLE woken or new only */
    gint64 waking_ns;   /* RUNNABLE woken or new only */
    guint32 prev_state; /* waiting and preempted spans only */
    guint32 flags;
} SpanExp;

typedef struct {
    const char *path;
    const char *const *lines; /* NULL-terminated */
    const SpanExp *spans;     /* terminated by pid 0; NULL: not compared */
    gint64 inferred_switch_in;
    gint64 inferred_switch_out;
    gint64 model_resets;
    gint64 switch_in_while_running;
    /* Also check that the spans still open at the end are published in
     * pid order, as fta_model_finish promises. */
    gboolean check_finish_order;
} ModelCase;

#define END_SPANS { .pid = 0 }

/* Shorthands for the expected spans. */
#define RUNNING(pid, comm, s, e, cpu, fl) \
    { FTA_TASK_RUNNING, pid, comm, T (s), T (e), cpu, 0, -1, -1, 0, fl }
#define PREEMPTED(pid, comm, s, e, cpu, prev, fl) \
    { FTA_TASK_RUNNABLE, pid, comm, T (s), T (e), cpu, FTA_RUNNABLE_PREEMPTED, -1, -1, prev, fl }
#define WOKEN(pid, comm, s, e, cpu, waker, waking, fl) \
    { FTA_TASK_RUNNABLE, pid, comm, T (s), T (e), cpu, FTA_RUNNABLE_WOKEN, waker, T (waking), 0, fl }
#define NEWTASK(pid, comm, s, e, cpu, waker, waking, fl) \
    { FTA_TASK_RUNNABLE, pid, comm, T (s), T (e), cpu, FTA_RUNNABLE_NEW, waker, T (waking), 0, fl }
#define WAITING(state, pid, comm, s, e, cpu, prev, fl) \
    { state, pid, comm, T (s), T (e), cpu, 0, -1, -1, prev, fl }

#define TR FTA_SPAN_TRUNCATED
#define INF FTA_SPAN_INFERRED_START
#define IEND FTA_SPAN_INFERRED_END
#define NOWK FTA_SPAN_NO_WAKEUP

/* --- run, preempt, run ------------------------------------------------------ */

static const char *const run_preempt_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000300: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=R ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [000] d..2.   100.000600: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.001000: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=R+ ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [001] d.h1.   100.001500: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp run_preempt_spans[] = {
    RUNNING (101, "taskA", 100, 300, 0, 0),
    RUNNING (102, "taskB", 300, 600, 0, 0),
    PREEMPTED (101, "taskA", 300, 600, 0, 0, 0),
    RUNNING (101, "taskA", 600, 1000, 0, 0),
    PREEMPTED (101, "taskA", 1000, 1500, 0, FTA_STATE_PREEMPT, TR),
    WAITING (FTA_TASK_SLEEPING, 102, "taskB", 600, 1500, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* --- sleep, waking + wakeup, switch-in ---------------------------------------- */

/* The sleep ends when the task is enqueued (sched_wakeup); the Runnable
 * span carries the sched_waking time. */
static const char *const sleep_wakeup_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d..2.   100.000500: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "           taskB-102     [001] d..3.   100.000510: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d..2.   100.000700: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000900: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d.h1.   100.001000: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp sleep_wakeup_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 200, 510, 0, FTA_STATE_S, 0),
    WOKEN (101, "taskA", 510, 700, 0, 102, 500, 0),
    RUNNING (101, "taskA", 700, 900, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 900, 1000, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* The same without sched_wakeup: the sleep ends at sched_waking. */
static const char *const waking_only_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d..2.   100.000500: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d..2.   100.000700: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000900: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d.h1.   100.001000: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp waking_only_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 200, 500, 0, FTA_STATE_S, NOWK),
    WOKEN (101, "taskA", 500, 700, 0, 102, 500, 0),
    RUNNING (101, "taskA", 700, 900, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 900, 1000, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* Woken by sched_waking, and the trace ends before the switch-in: the
 * sleep still ends at the waking, the task is Runnable from there. */
static const char *const waking_at_end_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d..2.   100.000500: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "           taskB-102     [001] d.h1.   100.001000: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp waking_at_end_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 200, 500, 0, FTA_STATE_S, NOWK),
    WOKEN (101, "taskA", 500, 1000, 0, 102, 500, TR),
    END_SPANS
};

/* A second sched_waking before the task runs is the same wakeup: the
 * first one is its start. */
static const char *const waking_twice_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d..2.   100.000300: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "           taskC-103     [001] d..2.   100.000320: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "           taskB-102     [001] d..3.   100.000330: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d..2.   100.000400: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d.h1.   100.000500: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp waking_twice_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 200, 330, 0, FTA_STATE_S, 0),
    WOKEN (101, "taskA", 330, 400, 0, 102, 300, 0),
    RUNNING (101, "taskA", 400, 500, 0, TR),
    END_SPANS
};

/* --- D, D|K, I and T ---------------------------------------------------------- */

static const char *const blocked_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=D ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [000] d..2.   100.000400: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=D|K ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [000] d.h2.   100.000600: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d.h3.   100.000605: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d..2.   100.000700: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000800: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [000] d.h1.   100.000900: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp blocked_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    RUNNING (102, "taskB", 200, 400, 0, 0),
    WAITING (FTA_TASK_BLOCKED, 101, "taskA", 200, 605, 0, FTA_STATE_D, 0),
    WOKEN (101, "taskA", 605, 700, 0, 0, 600, 0),
    RUNNING (101, "taskA", 700, 800, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 800, 900, 0, FTA_STATE_S, TR),
    WAITING (FTA_TASK_BLOCKED, 102, "taskB", 400, 900, 0, FTA_STATE_D | FTA_STATE_K, TR),
    END_SPANS
};

/* An idle kernel thread waiting for work is not blocked. */
static const char *const idle_wait_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/u8:1 next_pid=32 next_prio=120",
    "    kworker/u8:1-32      [000] d..2.   100.000300: sched_switch: prev_comm=kworker/u8:1 prev_pid=32 prev_prio=120 prev_state=I ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [000] d.s2.   100.000900: sched_waking: comm=kworker/u8:1 pid=32 prio=120 target_cpu=000",
    "          <idle>-0       [000] d.s3.   100.000905: sched_wakeup: comm=kworker/u8:1 pid=32 prio=120 target_cpu=000",
    "          <idle>-0       [000] d..2.   100.001000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/u8:1 next_pid=32 next_prio=120",
    "    kworker/u8:1-32      [000] d..2.   100.001100: sched_switch: prev_comm=kworker/u8:1 prev_pid=32 prev_prio=120 prev_state=I ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [000] d.h1.   100.001200: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp idle_wait_spans[] = {
    RUNNING (32, "kworker/u8:1", 100, 300, 0, 0),
    WAITING (FTA_TASK_IDLE_WAIT, 32, "kworker/u8:1", 300, 905, 0, FTA_STATE_I, 0),
    WOKEN (32, "kworker/u8:1", 905, 1000, 0, 0, 900, 0),
    RUNNING (32, "kworker/u8:1", 1000, 1100, 0, 0),
    WAITING (FTA_TASK_IDLE_WAIT, 32, "kworker/u8:1", 1100, 1200, 0, FTA_STATE_I, TR),
    END_SPANS
};

static const char *const stopped_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=T ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d..2.   100.000700: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "           taskB-102     [001] d..3.   100.000705: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d..2.   100.000800: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d.h1.   100.000900: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp stopped_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WAITING (FTA_TASK_OTHER, 101, "taskA", 200, 705, 0, FTA_STATE_T, 0),
    WOKEN (101, "taskA", 705, 800, 0, 102, 700, 0),
    RUNNING (101, "taskA", 800, 900, 0, TR),
    END_SPANS
};

/* --- what the trace did not see --------------------------------------------- */

/* taskA's first event is its wakeup: nothing before it is published;
 * taskB's is its switch-in. */
static const char *const first_seen_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [000] d..2.   100.000200: sched_waking: comm=taskA pid=101 prio=120 target_cpu=001",
    "           taskB-102     [000] d..3.   100.000210: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=001",
    "          <idle>-0       [001] d..2.   100.000300: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [001] d..2.   100.000500: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    "           taskB-102     [000] d..2.   100.000600: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp first_seen_spans[] = {
    WOKEN (101, "taskA", 210, 300, 1, 102, 200, 0),
    RUNNING (101, "taskA", 300, 500, 1, 0),
    RUNNING (102, "taskB", 100, 600, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 500, 600, 1, FTA_STATE_S, TR),
    WAITING (FTA_TASK_SLEEPING, 102, "taskB", 600, 600, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* The CPU's first switch: taskA ran since a time the trace does not show,
 * even though it has an event before. */
static const char *const first_switch_lines[] = {
    "           taskA-101     [000] d.h1.   100.000050: irq_handler_entry: irq=36 name=virtio1-req.0",
    "           taskA-101     [000] d..2.   100.000100: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=R ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [000] d..2.   100.000400: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000500: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [000] d.h1.   100.000600: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp first_switch_spans[] = {
    RUNNING (102, "taskB", 100, 400, 0, 0),
    PREEMPTED (101, "taskA", 100, 400, 0, 0, 0),
    RUNNING (101, "taskA", 400, 500, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 500, 600, 0, FTA_STATE_S, TR),
    WAITING (FTA_TASK_SLEEPING, 102, "taskB", 400, 600, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* CPU 1 of the corpus: idle is switched in, and later the task is switched
 * out with no switch-in recorded.  It cannot have started before the last
 * event of another task on that CPU (the idle task's irq exit at 320),
 * nor before its wakeup (315). */
static const char *const inferred_lines[] = {
    "           taskA-101     [001] d..2.   100.000100: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    "          <idle>-0       [001] d.h1.   100.000300: irq_handler_entry: irq=36 name=virtio1-req.0",
    "          <idle>-0       [001] d.h2.   100.000310: sched_waking: comm=taskA pid=101 prio=120 target_cpu=001",
    "          <idle>-0       [001] d.h3.   100.000315: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=001",
    "          <idle>-0       [001] d.h1.   100.000320: irq_handler_exit: irq=36 ret=handled",
    "           taskA-101     [001] d..2.   100.000450: sched_waking: comm=taskB pid=102 prio=120 target_cpu=000",
    "           taskA-101     [001] d..2.   100.000800: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp inferred_spans[] = {
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 100, 315, 1, FTA_STATE_S, 0),
    WOKEN (101, "taskA", 315, 320, 1, 0, 310, IEND),
    RUNNING (101, "taskA", 320, 800, 1, INF),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 800, 800, 1, FTA_STATE_S, TR),
    END_SPANS
};

/* The same, woken from CPU 0 after CPU 1's last idle event: the switch-in
 * cannot be before the wakeup (305). */
static const char *const inferred_wakeup_lines[] = {
    "           taskA-101     [001] d..2.   100.000100: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    "          <idle>-0       [001] d.h1.   100.000200: irq_handler_entry: irq=36 name=virtio1-req.0",
    "           taskB-102     [000] d..2.   100.000300: sched_waking: comm=taskA pid=101 prio=120 target_cpu=001",
    "           taskB-102     [000] d..3.   100.000305: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=001",
    "           taskA-101     [001] d..2.   100.000700: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp inferred_wakeup_spans[] = {
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 100, 305, 1, FTA_STATE_S, 0),
    WOKEN (101, "taskA", 305, 305, 1, 102, 300, IEND),
    RUNNING (101, "taskA", 305, 700, 1, INF),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 700, 700, 1, FTA_STATE_S, TR),
    END_SPANS
};

/* Waking only, then the inferred switch-in after CPU 1's idle irq (400). */
static const char *const inferred_waking_lines[] = {
    "           taskA-101     [001] d..2.   100.000100: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    "           taskB-102     [000] d..2.   100.000300: sched_waking: comm=taskA pid=101 prio=120 target_cpu=001",
    "          <idle>-0       [001] d.h1.   100.000400: irq_handler_entry: irq=36 name=virtio1-req.0",
    "           taskA-101     [001] d..2.   100.000700: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp inferred_waking_spans[] = {
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 100, 300, 1, FTA_STATE_S, NOWK),
    WOKEN (101, "taskA", 300, 400, 1, 102, 300, IEND),
    RUNNING (101, "taskA", 400, 700, 1, INF),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 700, 700, 1, FTA_STATE_S, TR),
    END_SPANS
};

/* No wake event at all for the sleeper: the sleep ends at its switch-in. */
static const char *const no_wakeup_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [000] d..2.   100.000700: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d.h1.   100.000800: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp no_wakeup_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 200, 700, 0, FTA_STATE_S, NOWK),
    RUNNING (101, "taskA", 700, 800, 0, TR),
    END_SPANS
};

/* taskA is switched in, then taskB, with no switch between them recorded,
 * is switched out.  taskB's switch-in is inferred after taskA's last event
 * on that CPU (300), and taskA is taken to have run until then. */
static const char *const inferred_out_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d.h1.   100.000300: irq_handler_entry: irq=36 name=virtio1-req.0",
    "           taskB-102     [000] d.h1.   100.000500: irq_handler_entry: irq=36 name=virtio1-req.0",
    "           taskB-102     [000] d..2.   100.000900: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [000] d.h1.   100.001000: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp inferred_out_spans[] = {
    RUNNING (101, "taskA", 100, 300, 0, IEND),
    RUNNING (102, "taskB", 300, 900, 0, INF),
    WAITING (FTA_TASK_SLEEPING, 102, "taskB", 900, 1000, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* The task running on a CPU is switched to idle without a record, then
 * idle is switched out: taskA ran until its last event (300) before the
 * idle task's events began. */
static const char *const inferred_out_idle_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d.h1.   100.000300: irq_handler_entry: irq=36 name=virtio1-req.0",
    "          <idle>-0       [000] d.h1.   100.000500: irq_handler_entry: irq=36 name=virtio1-req.0",
    "          <idle>-0       [000] d..2.   100.000900: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [000] d.h1.   100.001000: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp inferred_out_idle_spans[] = {
    RUNNING (101, "taskA", 100, 300, 0, IEND),
    RUNNING (102, "taskB", 900, 1000, 0, TR),
    END_SPANS
};

/* --- markers ----------------------------------------------------------------- */

static const char *const reset_lost_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=taskB next_pid=102 next_prio=120",
    "CPU:0 [LOST 12 EVENTS]",
    "           taskB-102     [000] d..2.   100.000500: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000600: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [000] d.h1.   100.000700: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp reset_lost_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    RUNNING (101, "taskA", 500, 600, 0, 0),
    PREEMPTED (102, "taskB", 500, 700, 0, 0, TR),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 600, 700, 0, FTA_STATE_S, TR),
    END_SPANS
};

static const char *const reset_buffer_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "##### CPU 0 buffer started ####",
    "           taskB-102     [001] d..2.   100.000500: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "           taskB-102     [001] d..3.   100.000505: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d..2.   100.000600: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000900: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp reset_buffer_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WOKEN (101, "taskA", 505, 600, 0, 102, 500, 0),
    RUNNING (101, "taskA", 600, 900, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 900, 900, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* Woken onto CPU 0 before CPU 0's marker, switched in after it: the wait
 * is certain up to CPU 0's last event before the marker (T400), and ends
 * there with an inferred end, so the wakeup's latency counts as unknown. */
static const char *const reset_pending_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d..2.   100.000300: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "           taskB-102     [001] d..3.   100.000305: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d.h1.   100.000400: irq_handler_entry: irq=36 name=virtio1-req.0",
    "CPU:0 [LOST 3 EVENTS]",
    "          <idle>-0       [000] d..2.   100.000600: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000800: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp reset_pending_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 200, 305, 0, FTA_STATE_S, 0),
    WOKEN (101, "taskA", 305, 400, 0, 102, 300, IEND),
    RUNNING (101, "taskA", 600, 800, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 800, 800, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* The same with sched_waking alone: the sleep ends at the waking. */
static const char *const reset_pending_waking_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskB-102     [001] d..2.   100.000300: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d.h1.   100.000400: irq_handler_entry: irq=36 name=virtio1-req.0",
    "##### CPU 0 buffer started ####",
    "          <idle>-0       [000] d..2.   100.000600: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000800: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp reset_pending_waking_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 200, 300, 0, FTA_STATE_S, NOWK),
    WOKEN (101, "taskA", 300, 400, 0, 102, 300, IEND),
    RUNNING (101, "taskA", 600, 800, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 800, 800, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* Events lost on CPU 1 change nothing on CPU 0: taskA's run there is
 * complete (100-500).  On CPU 1, taskB (switched out there) is forgotten:
 * its sleep is not published; taskC runs after the marker as usual. */
static const char *const reset_other_cpu_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "          <idle>-0       [001] d..2.   100.000150: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [001] d..2.   100.000200: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    "CPU:1 [LOST 5 EVENTS]",
    "           taskA-101     [000] d..2.   100.000500: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "          <idle>-0       [001] d..2.   100.000600: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskC next_pid=103 next_prio=120",
    "           taskC-103     [001] d..2.   100.000700: sched_switch: prev_comm=taskC prev_pid=103 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp reset_other_cpu_spans[] = {
    RUNNING (101, "taskA", 100, 500, 0, 0),
    RUNNING (102, "taskB", 150, 200, 1, 0),
    RUNNING (103, "taskC", 600, 700, 1, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 500, 700, 0, FTA_STATE_S, TR),
    WAITING (FTA_TASK_SLEEPING, 103, "taskC", 700, 700, 1, FTA_STATE_S, TR),
    END_SPANS
};

/* --- end of trace, new tasks, migration -------------------------------------- */

/* Pids first seen in the order 7000, 300, 20, 4242. */
static const char *const truncated_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=hog next_pid=7000 next_prio=120",
    "          <idle>-0       [001] d..2.   100.000200: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=dd next_pid=300 next_prio=120",
    "              dd-300     [001] d..2.   100.000300: sched_switch: prev_comm=dd prev_pid=300 prev_prio=120 prev_state=D ==> next_comm=kworker/1:1 next_pid=20 next_prio=120",
    "     kworker/1:1-20      [001] d..2.   100.000400: sched_waking: comm=bash pid=4242 prio=120 target_cpu=000",
    "     kworker/1:1-20      [001] d..3.   100.000405: sched_wakeup: comm=bash pid=4242 prio=120 target_cpu=000",
    "             hog-7000    [000] d.h1.   100.000900: irq_handler_entry: irq=36 name=virtio1-req.0",
    NULL
};
static const SpanExp truncated_spans[] = {
    RUNNING (300, "dd", 200, 300, 1, 0),
    RUNNING (20, "kworker/1:1", 300, 900, 1, TR),
    WAITING (FTA_TASK_BLOCKED, 300, "dd", 300, 900, 1, FTA_STATE_D, TR),
    WOKEN (4242, "bash", 405, 900, 0, 20, 400, TR),
    RUNNING (7000, "hog", 100, 900, 0, TR),
    END_SPANS
};

static const char *const wakeup_new_lines[] = {
    "            bash-4242    [000] .....   100.000100: sched_process_fork: comm=bash pid=4242 child_comm=bash child_pid=4300",
    "            bash-4242    [000] d..2.   100.000120: sched_wakeup_new: comm=bash pid=4300 prio=120 target_cpu=001",
    "          <idle>-0       [001] d..2.   100.000400: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=4300 next_prio=120",
    "            bash-4300    [001] d..2.   100.000700: sched_switch: prev_comm=bash prev_pid=4300 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp wakeup_new_spans[] = {
    NEWTASK (4300, "bash", 120, 400, 1, 4242, 120, 0),
    RUNNING (4300, "bash", 400, 700, 1, 0),
    WAITING (FTA_TASK_SLEEPING, 4300, "bash", 700, 700, 1, FTA_STATE_S, TR),
    END_SPANS
};

/* Preempted on CPU 0, migrated, run on CPU 1: a non-running span is on
 * the last CPU known. */
static const char *const migrate_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000200: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=R ==> next_comm=taskB next_pid=102 next_prio=120",
    "          <idle>-0       [001] d..2.   100.000250: sched_migrate_task: comm=taskA pid=101 prio=120 orig_cpu=0 dest_cpu=1",
    "          <idle>-0       [001] d..2.   100.000300: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [001] d..2.   100.000400: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    "           taskB-102     [000] d..2.   100.000500: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp migrate_spans[] = {
    RUNNING (101, "taskA", 100, 200, 0, 0),
    PREEMPTED (101, "taskA", 200, 300, 1, 0, 0),
    RUNNING (101, "taskA", 300, 400, 1, 0),
    RUNNING (102, "taskB", 200, 500, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 400, 500, 1, FTA_STATE_S, TR),
    WAITING (FTA_TASK_SLEEPING, 102, "taskB", 500, 500, 0, FTA_STATE_S, TR),
    END_SPANS
};

/* Timestamps that go back, on one CPU and across CPUs, and a switch-out on
 * a CPU the task is not running on: whatever the model makes of it, no
 * span may end before it starts. */
static const char *const out_of_order_lines[] = {
    "          <idle>-0       [000] d..2.   100.000500: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000300: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=R ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [000] d..2.   100.000200: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000900: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    "           taskC-103     [001] d..2.   100.000850: sched_waking: comm=taskA pid=101 prio=120 target_cpu=000",
    "           taskC-103     [001] d..3.   100.000860: sched_wakeup: comm=taskA pid=101 prio=120 target_cpu=000",
    "          <idle>-0       [000] d..2.   100.000870: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskC-103     [001] d..2.   100.000880: sched_switch: prev_comm=taskC prev_pid=103 prev_prio=120 prev_state=S ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskA-101     [001] d..2.   100.000100: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=D ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    "           taskB-102     [001] d..2.   100.000050: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=R ==> next_comm=taskC next_pid=103 next_prio=120",
    NULL
};

/* One microsecond back on CPU 0 (B's switch-out at T299 after its switch-in
 * at T300), and a line behind the trace's first (CPU 0's switch at T99
 * after CPU 1's event at T100): each is taken at the latest time already
 * seen, so no run starts before the one it follows ended, nor before the
 * trace. */
static const char *const step_back_lines[] = {
    "          <idle>-0       [001] d.h1.   100.000100: irq_handler_entry: irq=36 name=virtio1-req.0",
    "          <idle>-0       [000] d..2.   100.000099: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskA next_pid=101 next_prio=120",
    "           taskA-101     [000] d..2.   100.000300: sched_switch: prev_comm=taskA prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [000] d..2.   100.000299: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=taskC next_pid=103 next_prio=120",
    "           taskC-103     [000] d..2.   100.000500: sched_switch: prev_comm=taskC prev_pid=103 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    NULL
};
static const SpanExp step_back_spans[] = {
    RUNNING (101, "taskA", 100, 300, 0, 0),
    RUNNING (102, "taskB", 300, 300, 0, 0),
    RUNNING (103, "taskC", 300, 500, 0, 0),
    WAITING (FTA_TASK_SLEEPING, 101, "taskA", 300, 500, 0, FTA_STATE_S, TR),
    WAITING (FTA_TASK_SLEEPING, 102, "taskB", 300, 500, 0, FTA_STATE_S, TR),
    WAITING (FTA_TASK_SLEEPING, 103, "taskC", 500, 500, 0, FTA_STATE_S, TR),
    END_SPANS
};

#define CASE(p, l, s) .path = p, .lines = l, .spans = s

/* Quality counters not named are expected to stay 0. */
static const ModelCase model_cases[] = {
    { CASE ("/model/run-preempt-run", run_preempt_lines, run_preempt_spans) },
    { CASE ("/model/sleep/wakeup", sleep_wakeup_lines, sleep_wakeup_spans) },
    { CASE ("/model/sleep/waking-only", waking_only_lines, waking_only_spans) },
    { CASE ("/model/sleep/waking-only/at-end", waking_at_end_lines, waking_at_end_spans) },
    { CASE ("/model/sleep/waking-twice", waking_twice_lines, waking_twice_spans) },
    { CASE ("/model/sleep/no-wakeup", no_wakeup_lines, no_wakeup_spans) },
    { CASE ("/model/state/blocked", blocked_lines, blocked_spans) },
    { CASE ("/model/state/idle-wait", idle_wait_lines, idle_wait_spans) },
    { CASE ("/model/state/stopped", stopped_lines, stopped_spans) },
    { CASE ("/model/unseen/first-seen-mid-trace", first_seen_lines, first_seen_spans) },
    { CASE ("/model/unseen/first-switch-on-cpu", first_switch_lines, first_switch_spans) },
    { CASE ("/model/inferred/after-other-task", inferred_lines, inferred_spans),
      .inferred_switch_in = 1 },
    { CASE ("/model/inferred/after-wakeup", inferred_wakeup_lines, inferred_wakeup_spans),
      .inferred_switch_in = 1 },
    { CASE ("/model/inferred/waking-only", inferred_waking_lines, inferred_waking_spans),
      .inferred_switch_in = 1 },
    { CASE ("/model/inferred/switch-out", inferred_out_lines, inferred_out_spans),
      .inferred_switch_in = 1, .inferred_switch_out = 1 },
    { CASE ("/model/inferred/switch-out-to-idle", inferred_out_idle_lines,
            inferred_out_idle_spans),
      .inferred_switch_in = 0, .inferred_switch_out = 1 },
    { CASE ("/model/reset/lost", reset_lost_lines, reset_lost_spans), .model_resets = 1 },
    { CASE ("/model/reset/buffer-started", reset_buffer_lines, reset_buffer_spans),
      .model_resets = 1 },
    { CASE ("/model/reset/pending-wakeup", reset_pending_lines, reset_pending_spans),
      .model_resets = 1 },
    { CASE ("/model/reset/pending-waking", reset_pending_waking_lines,
            reset_pending_waking_spans),
      .model_resets = 1 },
    { CASE ("/model/reset/other-cpu", reset_other_cpu_lines, reset_other_cpu_spans),
      .model_resets = 1 },
    { CASE ("/model/finish/truncated", truncated_lines, truncated_spans) },
    { CASE ("/model/finish/pid-order", truncated_lines, NULL), .check_finish_order = TRUE },
    { CASE ("/model/wakeup-new", wakeup_new_lines, wakeup_new_spans) },
    { CASE ("/model/migrate", migrate_lines, migrate_spans) },
    { CASE ("/model/step-back", step_back_lines, step_back_spans) },
    { CASE ("/model/out-of-order", out_of_order_lines, NULL),
      .inferred_switch_in = ANY_COUNT, .inferred_switch_out = ANY_COUNT,
      .switch_in_while_running = ANY_COUNT },
};

/* --- running a trace --------------------------------------------------------- */

typedef struct {
    FtaSpan span;  /* comm and waker_comm are not valid after the callback */
    char comm[FTA_COMM_LEN];
} GotSpan;

typedef struct {
    gint64 at;
    gint32 cpu; /* -1: every CPU */
} Marker;

typedef struct {
    FtaParser *parser; /* owned */
    FtaModel *model;   /* owned */
    FtaQuality quality; /* zeroed: the model only counts into it */
    GArray *spans;     /* GotSpan, in publication order, owned */
    GArray *markers;   /* Marker: the time each marker was fed at, owned */
} ModelFixture;

static void
on_span (const FtaSpan *span, gpointer data)
{
    ModelFixture *f = data;
    GotSpan g = { .span = *span };
    g_strlcpy (g.comm, span->comm ? span->comm : "", sizeof g.comm);
    g.span.comm = NULL;
    g.span.waker_comm = NULL;
    g_array_append_val (f->spans, g);
}

static void
model_setup (ModelFixture *f, gconstpointer data)
{
    memset (&f->quality, 0, sizeof f->quality);
    f->quality.first_ts_ns = -1;
    f->parser = fta_parser_new ();
    f->model = fta_model_new (&f->quality, on_span, f);
    f->spans = g_array_new (FALSE, TRUE, sizeof (GotSpan));
    f->markers = g_array_new (FALSE, TRUE, sizeof (Marker));
}

static void
model_teardown (ModelFixture *f, gconstpointer data)
{
    fta_model_free (f->model);
    fta_parser_free (f->parser);
    g_array_free (f->spans, TRUE);
    g_array_free (f->markers, TRUE);
}

/* Feeds LINES as the engine does: events in file order, markers at the
 * latest timestamp seen, then finish at that timestamp. */
static void
run_trace (ModelFixture *f, const char *const *lines)
{
    gint64 last_ts = -1;
    for (guint i = 0; lines[i]; i++) {
        FtaEvent ev;
        const char *why = NULL;
        memset (&ev, 0, sizeof ev);
        ev.line_no = i + 1;
        switch (fta_parser_parse_line (f->parser, lines[i], strlen (lines[i]), &ev, &why)) {
        case FTA_LINE_EVENT:
            /* as the engine counts it before the model sees it */
            if (f->quality.first_ts_ns < 0)
                f->quality.first_ts_ns = ev.ts_ns;
            fta_model_feed (f->model, &ev);
            if (ev.ts_ns > last_ts)
                last_ts = ev.ts_ns;
            break;
        case FTA_LINE_MARKER:
            ev.ts_ns = last_ts;
            Marker mk = { .at = last_ts, .cpu = ev.cpu };
            g_array_append_val (f->markers, mk);
            fta_model_feed (f->model, &ev);
            break;
        case FTA_LINE_HEADER:
            break;
        case FTA_LINE_UNPARSED:
            g_error ("test trace line %u does not parse (%s): %s", i + 1, why, lines[i]);
        }
    }
    g_assert_cmpint (last_ts, >=, 0);
    fta_model_finish (f->model, last_ts);
}

static const char *
state_name (FtaTaskState s)
{
    switch (s) {
    case FTA_TASK_RUNNING: return "RUNNING";
    case FTA_TASK_RUNNABLE: return "RUNNABLE";
    case FTA_TASK_SLEEPING: return "SLEEPING";
    case FTA_TASK_BLOCKED: return "BLOCKED";
    case FTA_TASK_IDLE_WAIT: return "IDLE_WAIT";
    case FTA_TASK_OTHER: return "OTHER";
    default: return "?";
    }
}

static const char *
reason_name (guint32 r)
{
    switch (r) {
    case 0: return "-";
    case FTA_RUNNABLE_PREEMPTED: return "preempted";
    case FTA_RUNNABLE_WOKEN: return "woken";
    case FTA_RUNNABLE_NEW: return "new";
    default: return "?";
    }
}

static void
append_time (GString *s, gint64 ns)
{
    gint64 rel = ns - BASE_NS;
    if (rel >= 0 && rel % 1000 == 0)
        g_string_append_printf (s, "%" G_GINT64_FORMAT, rel / 1000);
    else
        g_string_append_printf (s, "%" G_GINT64_FORMAT "ns", ns);
}

/* One line per span with the members the rules define for its state, in
 * us after 100 s: the same text for an expected and a published span, so
 * a mismatch shows as a readable diff.  prev_state of a woken Runnable span
 * is not defined by the rules and not shown. */
static void
append_span (GString *s, FtaTaskState state, gint32 pid, const char *comm, gint64 start,
             gint64 end, gint32 cpu, guint32 reason, gint32 waker_pid, gint64 waking_ns,
             guint32 prev_state, guint32 flags)
{
    g_string_append_printf (s, "%-9s %d %s [", state_name (state), pid, comm);
    append_time (s, start);
    g_string_append_c (s, ',');
    append_time (s, end);
    g_string_append_printf (s, "] cpu%d", cpu);
    if (state == FTA_TASK_RUNNABLE)
        g_string_append_printf (s, " %s", reason_name (reason));
    else if (reason)
        g_string_append_printf (s, " reason=%u", reason);
    gboolean woken = state == FTA_TASK_RUNNABLE && reason != FTA_RUNNABLE_PREEMPTED;
    if (woken || waker_pid != -1 || waking_ns != -1) {
        g_string_append_printf (s, " waker=%d waking=", waker_pid);
        append_time (s, waking_ns);
    }
    if (!woken && (state != FTA_TASK_RUNNING || prev_state))
        g_string_append_printf (s, " prev=0x%x", prev_state);
    if (flags & FTA_SPAN_INFERRED_START)
        g_string_append (s, " INFERRED_START");
    if (flags & FTA_SPAN_INFERRED_END)
        g_string_append (s, " INFERRED_END");
    if (flags & FTA_SPAN_NO_WAKEUP)
        g_string_append (s, " NO_WAKEUP");
    if (flags & FTA_SPAN_TRUNCATED)
        g_string_append (s, " TRUNCATED");
    if (flags & ~(guint32) (FTA_SPAN_INFERRED_START | FTA_SPAN_INFERRED_END |
                            FTA_SPAN_NO_WAKEUP | FTA_SPAN_TRUNCATED))
        g_string_append_printf (s, " flags=0x%x", flags);
    g_string_append_c (s, '\n');
}

/* Published order is not part of the contract beyond "when the span ends":
 * compare both lists sorted by end, then pid, start and state. */
static int
cmp_lines (gconstpointer a, gconstpointer b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
sorted_text (GPtrArray *lines)
{
    g_ptr_array_sort (lines, cmp_lines);
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < lines->len; i++) {
        const char *l = g_ptr_array_index (lines, i);
        g_string_append (s, strchr (l, '|') + 1);
    }
    return g_string_free (s, FALSE);
}

static char *
sort_key (gint64 end, gint32 pid, gint64 start, FtaTaskState state, const GString *text)
{
    return g_strdup_printf ("%020" G_GINT64_FORMAT " %010d %020" G_GINT64_FORMAT " %d|%s",
                            end, pid, start, state, text->str);
}

static char *
expected_text (const SpanExp *exp)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
    for (const SpanExp *e = exp; e->pid != 0; e++) {
        GString *t = g_string_new (NULL);
        append_span (t, e->state, e->pid, e->comm, e->start_ns, e->end_ns, e->cpu, e->reason,
                     e->waker_pid, e->waking_ns, e->prev_state, e->flags);
        g_ptr_array_add (lines, sort_key (e->end_ns, e->pid, e->start_ns, e->state, t));
        g_string_free (t, TRUE);
    }
    char *s = sorted_text (lines);
    g_ptr_array_unref (lines);
    return s;
}

static char *
got_text (GArray *spans)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < spans->len; i++) {
        const GotSpan *g = &g_array_index (spans, GotSpan, i);
        const FtaSpan *sp = &g->span;
        GString *t = g_string_new (NULL);
        append_span (t, sp->state, sp->pid, g->comm, sp->start_ns, sp->end_ns, sp->cpu,
                     sp->reason, sp->waker_pid, sp->waking_ns, sp->prev_state, sp->flags);
        g_ptr_array_add (lines, sort_key (sp->end_ns, sp->pid, sp->start_ns, sp->state, t));
        g_string_free (t, TRUE);
    }
    char *s = sorted_text (lines);
    g_ptr_array_unref (lines);
    return s;
}

/* What holds for any trace, whatever the spans. */
static void
check_invariants (ModelFixture *f)
{
    for (guint i = 0; i < f->spans->len; i++) {
        const GotSpan *g = &g_array_index (f->spans, GotSpan, i);
        const FtaSpan *sp = &g->span;
        gboolean crosses = FALSE;
        for (guint k = 0; k < f->markers->len; k++) {
            const Marker *mk = &g_array_index (f->markers, Marker, k);
            /* Crossing: on the marker's CPU, starts at or before the
             * marker, ends after it. */
            crosses |= (mk->cpu < 0 || mk->cpu == sp->cpu) && sp->start_ns <= mk->at
                       && sp->end_ns > mk->at;
        }
        if (sp->end_ns < sp->start_ns || sp->pid <= 0 || crosses) {
            GString *t = g_string_new (NULL);
            append_span (t, sp->state, sp->pid, g->comm, sp->start_ns, sp->end_ns, sp->cpu,
                         sp->reason, sp->waker_pid, sp->waking_ns, sp->prev_state, sp->flags);
            g_test_message ("span %u %s: %s", i,
                            crosses ? "crosses a marker"
                            : sp->pid <= 0 ? "is for the idle task"
                                           : "ends before it starts",
                            t->str);
            g_string_free (t, TRUE);
            g_test_fail ();
        }
    }
}

static void
check_finish_order (ModelFixture *f)
{
    GString *order = g_string_new (NULL);
    gint32 last_pid = 0;
    gboolean sorted = TRUE;
    guint n = 0;
    for (guint i = 0; i < f->spans->len; i++) {
        const FtaSpan *sp = &g_array_index (f->spans, GotSpan, i).span;
        if (!(sp->flags & FTA_SPAN_TRUNCATED))
            continue;
        g_string_append_printf (order, " %d", sp->pid);
        sorted &= sp->pid > last_pid;
        last_pid = sp->pid;
        n++;
    }
    if (!sorted) {
        g_test_message ("spans open at the end published for pids%s", order->str);
        g_test_fail ();
    }
    g_assert_cmpuint (n, >=, 2);
    g_string_free (order, TRUE);
}

static void
test_model_case (ModelFixture *f, gconstpointer data)
{
    const ModelCase *c = data;

    run_trace (f, c->lines);
    check_invariants (f);
    if (c->spans) {
        g_autofree char *want = expected_text (c->spans);
        g_autofree char *got = got_text (f->spans);
        g_assert_cmpstr (got, ==, want);
    }
    if (c->check_finish_order)
        check_finish_order (f);
    if (c->inferred_switch_in != ANY_COUNT)
        g_assert_cmpint (f->quality.inferred_switch_in, ==, c->inferred_switch_in);
    if (c->inferred_switch_out != ANY_COUNT)
        g_assert_cmpint (f->quality.inferred_switch_out, ==, c->inferred_switch_out);
    if (c->model_resets != ANY_COUNT)
        g_assert_cmpint (f->quality.model_resets, ==, c->model_resets);
    if (c->switch_in_while_running != ANY_COUNT)
        g_assert_cmpint (f->quality.switch_in_while_running, ==, c->switch_in_while_running);
}

/* fta_model_comm keeps the latest comm a pid was seen with. */
static void
test_model_comm (ModelFixture *f, gconstpointer data)
{
    run_trace (f, first_seen_lines);
    g_assert_cmpstr (fta_model_comm (f->model, 101), ==, "taskA");
    g_assert_cmpstr (fta_model_comm (f->model, 102), ==, "taskB");
    g_assert_null (fta_model_comm (f->model, 4242));
}

/* Task ids: one per pid, dense in order of first sight, the same in
 * events, spans and wakers, also for pids above the kernel's 2^22. */
static const char *const task_id_lines[] = {
    "          <idle>-0       [000] d..2.   100.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=taskB next_pid=102 next_prio=120",
    "           taskB-102     [000] d..2.   100.000200: sched_waking: comm=big pid=5000001 prio=120 target_cpu=001",
    "           taskB-102     [000] d..3.   100.000210: sched_wakeup: comm=big pid=5000001 prio=120 target_cpu=001",
    "          <idle>-0       [001] d..2.   100.000300: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=big next_pid=5000001 next_prio=120",
    "             big-5000001 [001] d..2.   100.000400: sched_migrate_task: comm=taskB pid=102 prio=120 orig_cpu=0 dest_cpu=1",
    "             big-5000001 [001] d..2.   100.000500: sched_switch: prev_comm=big prev_pid=5000001 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
    "           taskB-102     [000] d..2.   100.000600: sched_switch: prev_comm=taskB prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
    NULL
};

static void
check_id (GHashTable *ids, gint32 pid, guint32 id)
{
    if (pid < 0) {
        g_assert_cmpuint (id, ==, FTA_TASK_NONE);
        return;
    }
    gpointer got;
    if (g_hash_table_lookup_extended (ids, GINT_TO_POINTER (pid), NULL, &got)) {
        g_assert_cmpuint (GPOINTER_TO_UINT (got), ==, id);
    } else {
        /* first sight: the next id */
        g_assert_cmpuint (id, ==, g_hash_table_size (ids));
        g_hash_table_insert (ids, GINT_TO_POINTER (pid), GUINT_TO_POINTER (id));
    }
}

static void
test_model_task_ids (ModelFixture *f, gconstpointer data)
{
    GHashTable *ids = g_hash_table_new (g_direct_hash, g_direct_equal);
    gint64 last_ts = 0;
    for (guint i = 0; task_id_lines[i]; i++) {
        FtaEvent ev;
        const char *why = NULL;
        memset (&ev, 0, sizeof ev);
        g_assert_cmpint (fta_parser_parse_line (f->parser, task_id_lines[i],
                                                strlen (task_id_lines[i]), &ev, &why),
                         ==, FTA_LINE_EVENT);
        fta_model_feed (f->model, &ev);
        check_id (ids, ev.pid, ev.task);
        switch (ev.type) {
        case FTA_EV_SCHED_SWITCH:
            check_id (ids, ev.u.sw.prev_pid, ev.u.sw.prev_task);
            check_id (ids, ev.u.sw.next_pid, ev.u.sw.next_task);
            break;
        case FTA_EV_SCHED_WAKING:
        case FTA_EV_SCHED_WAKEUP:
            check_id (ids, ev.u.wake.pid, ev.u.wake.task);
            break;
        case FTA_EV_SCHED_MIGRATE_TASK:
            check_id (ids, ev.u.migrate.pid, ev.u.migrate.task);
            break;
        default:
            g_assert_not_reached ();
        }
        last_ts = ev.ts_ns;
    }
    fta_model_finish (f->model, last_ts);
    /* pids 0, 102, 5000001 */
    g_assert_cmpuint (g_hash_table_size (ids), ==, 3);
    g_assert_cmpuint (f->spans->len, >, 0);
    gboolean woken = FALSE;
    for (guint i = 0; i < f->spans->len; i++) {
        const FtaSpan *sp = &g_array_index (f->spans, GotSpan, i).span;
        check_id (ids, sp->pid, sp->task);
        if (sp->state == FTA_TASK_RUNNABLE && sp->reason == FTA_RUNNABLE_WOKEN) {
            g_assert_cmpint (sp->pid, ==, 5000001);
            check_id (ids, sp->waker_pid, sp->waker_task);
            woken = TRUE;
        } else {
            g_assert_cmpuint (sp->waker_task, ==, FTA_TASK_NONE);
        }
    }
    g_assert_true (woken);
    guint32 big = GPOINTER_TO_UINT (g_hash_table_lookup (ids, GINT_TO_POINTER (5000001)));
    g_assert_cmpstr (fta_model_task_comm (f->model, big), ==, "big");
    g_assert_cmpstr (fta_model_comm (f->model, 5000001), ==, "big");
    g_assert_null (fta_model_task_comm (f->model, 3));
    g_assert_null (fta_model_task_comm (f->model, FTA_TASK_NONE));
    g_hash_table_destroy (ids);
}

/* --- a pid's tasks ------------------------------------------------------------ */

/* The traces of tests/data/pids (their README tells each story), and
 * their spans as "pid/task_seq state start-end cpuN truncated comm", times
 * in us after 100 s, sorted; then each task's name and other comms (but
 * the idle tasks'), in the order of task ids. */
typedef struct {
    const char *file;
    const char *spans;
    const char *names; /* "pid/seq name [others]" per task, in id order */
} PidCase;

static const PidCase pid_cases[] = {
    { "reuse-after-exit.txt",
      /* make runs 100-1200 and exits (Z); bash forks a new pid 500 at
       * 1500, woken new at 1510 on CPU 1, runs 1600-4700 and execs gcc
       * at 1700: 100 us as bash, 3000 as gcc */
      "400/0 running 1200-5000 cpu0 0 bash\n"
      "400/0 sleeping 5000-6000 cpu0 1 bash\n"
      "500/0 running 100-1200 cpu0 0 make\n"
      "500/1 runnable 1510-1600 cpu1 0 bash\n"
      "500/1 running 1600-4700 cpu1 0 gcc\n"
      "500/1 sleeping 4700-6000 cpu1 1 gcc\n",
      "500/0 make []\n400/0 bash []\n500/1 gcc [bash]\n" },
    { "fork-while-alive.txt",
      /* worker (700) runs from 100 on CPU 0; its exit and last switch are
       * not in the trace, and bash forks a new 700 at 1000: the worker's
       * run has no known end (no span), CPU 0's current task is unknown
       * until its next switch, whose prev (50) gets no span before it */
      "400/0 running 200-1100 cpu1 0 bash\n"
      "400/0 sleeping 1100-3000 cpu1 1 bash\n"
      "50/0 idle-wait 2000-3000 cpu0 1 kworker/0:1\n"
      "700/1 runnable 1010-1100 cpu1 0 bash\n"
      "700/1 running 1100-1400 cpu1 0 bash\n"
      "700/1 sleeping 1400-3000 cpu1 1 bash\n",
      "700/0 worker []\n400/0 bash []\n700/1 bash []\n"
      "50/0 kworker/0:1 []\n" },
    { "new-while-alive.txt",
      /* the same without the fork: sched_wakeup_new of a pid whose task
       * ran begins a new task all the same */
      "400/0 running 200-1100 cpu1 0 bash\n"
      "400/0 sleeping 1100-3000 cpu1 1 bash\n"
      "50/0 idle-wait 2000-3000 cpu0 1 kworker/0:1\n"
      "700/1 runnable 1010-1100 cpu1 0 bash\n"
      "700/1 running 1100-1400 cpu1 0 bash\n"
      "700/1 sleeping 1400-3000 cpu1 1 bash\n",
      "700/0 worker []\n400/0 bash []\n700/1 bash []\n"
      "50/0 kworker/0:1 []\n" },
    { "exec.txt",
      /* sh runs 100-2300 and execs sleep at 2100: 2000 us as sh, 200 as
       * sleep; sleep runs again 5100-5200: 300 us in all.  One task,
       * named sh */
      "600/0 runnable 5010-5100 cpu0 0 sleep\n"
      "600/0 running 100-2300 cpu0 0 sleep\n"
      "600/0 running 5100-5200 cpu0 0 sleep\n"
      "600/0 sleeping 2300-5010 cpu0 0 sleep\n"
      "600/0 sleeping 5200-6000 cpu0 1 sleep\n",
      "600/0 sh [sleep]\n" },
};

static const char *
pid_state_name (FtaTaskState s)
{
    switch (s) {
    case FTA_TASK_RUNNING: return "running";
    case FTA_TASK_RUNNABLE: return "runnable";
    case FTA_TASK_SLEEPING: return "sleeping";
    case FTA_TASK_BLOCKED: return "blocked";
    case FTA_TASK_IDLE_WAIT: return "idle-wait";
    default: return "other";
    }
}

static void
test_model_pid_tasks (ModelFixture *f, gconstpointer data)
{
    const PidCase *c = data;
    g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "pids", c->file, NULL);
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_auto (GStrv) lines = g_strsplit (g_strchomp (text), "\n", -1);
    run_trace (f, (const char *const *) lines);
    check_invariants (f);

    GPtrArray *got = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < f->spans->len; i++) {
        const GotSpan *g = &g_array_index (f->spans, GotSpan, i);
        const FtaSpan *sp = &g->span;
        g_assert_cmpint (fta_model_task_pid (f->model, sp->task), ==, sp->pid);
        g_ptr_array_add (got, g_strdup_printf (
            "%d/%u %s %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " cpu%d %d %s\n", sp->pid,
            fta_model_task_seq (f->model, sp->task), pid_state_name (sp->state),
            (sp->start_ns - BASE_NS) / 1000, (sp->end_ns - BASE_NS) / 1000, sp->cpu,
            (sp->flags & FTA_SPAN_TRUNCATED) ? 1 : 0, g->comm));
    }
    g_ptr_array_sort (got, cmp_lines);
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < got->len; i++)
        g_string_append (s, g_ptr_array_index (got, i));
    g_assert_cmpstr (s->str, ==, c->spans);

    g_string_truncate (s, 0);
    for (guint id = 0; id < fta_model_n_tasks (f->model); id++) {
        if (fta_model_task_pid (f->model, id) == 0)
            continue;
        const char *o = fta_model_task_other_comms (f->model, id);
        g_string_append_printf (s, "%d/%u %s [%s]\n", fta_model_task_pid (f->model, id),
                                fta_model_task_seq (f->model, id),
                                fta_model_task_comm (f->model, id), o ? o : "");
    }
    g_assert_cmpstr (s->str, ==, c->names);
    g_string_free (s, TRUE);
    g_ptr_array_unref (got);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    /* Report every wrong value of a case, not only the first. */
    g_test_set_nonfatal_assertions ();

    for (guint i = 0; i < G_N_ELEMENTS (model_cases); i++)
        g_test_add (model_cases[i].path, ModelFixture, &model_cases[i], model_setup,
                    test_model_case, model_teardown);
    g_test_add ("/model/comm", ModelFixture, NULL, model_setup, test_model_comm,
                model_teardown);
    g_test_add ("/model/task-ids", ModelFixture, NULL, model_setup, test_model_task_ids,
                model_teardown);
    for (guint i = 0; i < G_N_ELEMENTS (pid_cases); i++) {
        g_autofree char *tp = g_strdup_printf ("/model/pid-tasks/%s", pid_cases[i].file);
        g_test_add (tp, ModelFixture, &pid_cases[i], model_setup, test_model_pid_tasks,
                    model_teardown);
    }

    return g_test_run ();
}
