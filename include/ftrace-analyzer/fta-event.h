/* fta-event.h - one parsed trace line, and the task-state spans the core
 * scheduler model derives from the event stream.
 *
 * Both structs are owned by the core and are valid only for the duration of
 * the callback that receives them: copy what you keep.
 */
#ifndef FTA_EVENT_H
#define FTA_EVENT_H

#include <glib.h>

G_BEGIN_DECLS

/* The kernel's TASK_COMM_LEN: 15 characters and a NUL. */
#define FTA_COMM_LEN 16

/* Task ids (since ABI 1.3): the core's sched model gives every pid it sees
 * a small dense number, 0, 1, 2 ... in order of first sight, stable for
 * the run.  Events and spans carry them next to the pids so that plugins
 * keep per-task state in arrays indexed by id (see fta_task_slot in
 * fta-plugin.h) instead of hashing the pid on every event.  An id stands
 * for a pid, exactly as the pid does: a reused pid keeps its id. */
#define FTA_TASK_NONE G_MAXUINT32 /* no task: the line's pid is -1 */

/* Event types the core parses into typed fields.  Values are stable within
 * an ABI major version; new types are appended before FTA_EV_OTHER's
 * successor FTA_EV__COUNT. */
typedef enum {
    FTA_EV_NONE = 0,
    FTA_EV_SCHED_SWITCH,
    FTA_EV_SCHED_WAKING,
    FTA_EV_SCHED_WAKEUP,
    FTA_EV_SCHED_WAKEUP_NEW,
    FTA_EV_SCHED_MIGRATE_TASK,
    FTA_EV_SCHED_PROCESS_FORK,
    FTA_EV_SCHED_PROCESS_EXIT,
    FTA_EV_SCHED_PROCESS_EXEC,
    FTA_EV_IRQ_HANDLER_ENTRY,
    FTA_EV_IRQ_HANDLER_EXIT,
    FTA_EV_SOFTIRQ_ENTRY,
    FTA_EV_SOFTIRQ_EXIT,
    FTA_EV_SOFTIRQ_RAISE,
    /* Recognised by name (for subscriptions); fields stay raw: read them
     * with fta_event_field or FtaEvent.fields. */
    FTA_EV_KVM_ENTRY,
    FTA_EV_KVM_EXIT,
    FTA_EV_KVM_USERSPACE_EXIT,
    FTA_EV_BLOCK_RQ_ISSUE,
    FTA_EV_BLOCK_RQ_COMPLETE,
    FTA_EV_BLOCK_RQ_INSERT,
    /* Any event the core has no typed fields for: see FtaEvent.name. */
    FTA_EV_OTHER,
    /* Markers: "CPU:N [LOST M EVENTS]" (lost = M, or -1 when unknown) and
     * "##### CPU N buffer started ####".  The sched model resets what
     * depends on CPU N at both (every CPU when cpu is -1). */
    FTA_EV_LOST,
    FTA_EV_BUFFER_STARTED,
    /* Pseudo type used only in subscriptions: the task-state spans
     * published by the sched model (see FtaSpan and on_span). */
    FTA_EV_SPAN,
    FTA_EV__COUNT
} FtaEventType;

/* prev_state of sched_switch as a bit set of the kernel's letters.
 * Running ("R") is the empty set; "R+" is FTA_STATE_PREEMPT alone. */
typedef enum {
    FTA_STATE_S = 1u << 0,  /* interruptible sleep */
    FTA_STATE_D = 1u << 1,  /* uninterruptible: blocked */
    FTA_STATE_T = 1u << 2,  /* stopped */
    FTA_STATE_t = 1u << 3,  /* traced */
    FTA_STATE_X = 1u << 4,  /* dead */
    FTA_STATE_Z = 1u << 5,  /* zombie */
    FTA_STATE_P = 1u << 6,  /* parked */
    FTA_STATE_I = 1u << 7,  /* idle kernel thread wait: not D-state blocking */
    FTA_STATE_K = 1u << 8,  /* wakekill (old kernels, "D|K") */
    FTA_STATE_W = 1u << 9,  /* waking (old kernels) */
    FTA_STATE_N = 1u << 10, /* noload (old kernels) */
    FTA_STATE_x = 1u << 11, /* dead (old kernels) */
    FTA_STATE_PREEMPT = 1u << 15, /* the "+" of "R+" */
    FTA_STATE_UNKNOWN = 1u << 16  /* a letter the parser did not know */
} FtaStateBits;

/* Switched out while still runnable (R or R+). */
static inline gboolean
fta_state_is_preempted (guint32 state)
{
    return (state & ~(guint32) FTA_STATE_PREEMPT) == 0;
}

typedef struct {
    char prev_comm[FTA_COMM_LEN];
    gint32 prev_pid;
    gint32 prev_prio;
    guint32 prev_state; /* FtaStateBits */
    char next_comm[FTA_COMM_LEN];
    gint32 next_pid;
    gint32 next_prio;
    guint32 prev_task; /* task ids of prev_pid and next_pid (ABI 1.3) */
    guint32 next_task;
} FtaSwitchFields;

/* sched_waking, sched_wakeup, sched_wakeup_new */
typedef struct {
    char comm[FTA_COMM_LEN];
    gint32 pid;
    gint32 prio;
    gint32 target_cpu; /* -1 when absent */
    gint32 success;    /* -1 when absent (old kernels print success=1) */
    guint32 task;      /* task id of pid (ABI 1.3) */
} FtaWakeFields;

typedef struct {
    char comm[FTA_COMM_LEN];
    gint32 pid;
    gint32 prio;
    gint32 orig_cpu;
    gint32 dest_cpu;
    guint32 task;      /* task id of pid (ABI 1.3) */
} FtaMigrateFields;

/* sched_process_fork / exit / exec.  For exit, only comm, pid and prio are
 * set; for exec, pid and old_pid (comm is the line's comm). */
typedef struct {
    char comm[FTA_COMM_LEN];
    gint32 pid;
    gint32 prio;
    char child_comm[FTA_COMM_LEN];
    gint32 child_pid;
    gint32 old_pid;
    guint32 task;       /* task ids of pid and child_pid (ABI 1.3) */
    guint32 child_task;
} FtaProcessFields;

/* irq_handler_entry (irq, name) and irq_handler_exit (irq, handled). */
typedef struct {
    gint32 irq;
    gint32 handled; /* 1 handled, 0 unhandled, -1 absent */
    char name[32];
} FtaIrqFields;

/* softirq_entry / exit / raise */
typedef struct {
    gint32 vec;
} FtaSoftirqFields;

typedef struct {
    gint64 lost; /* events lost, -1 when the marker gives no number */
} FtaMarkerFields;

/* One trace line.  Strings point into the input buffer and are NOT
 * NUL-terminated: use the _len fields. */
typedef struct {
    gint64 ts_ns;       /* timestamp in integer nanoseconds */
    guint64 line_no;    /* 1-based line number in the input */
    gint32 cpu;         /* -1 when the line has none (some markers) */
    gint32 pid;         /* the line's task (common_pid) */
    gint32 tgid;        /* -1 when the trace has no TGID column */
    FtaEventType type;
    guint32 name_id;    /* interned event name, stable for the run */
    char comm[FTA_COMM_LEN]; /* the TASK column, "<...>" when unknown */
    const char *name;   /* event name as printed */
    guint name_len;
    const char *fields; /* raw field text after "name: " */
    guint fields_len;
    union {
        FtaSwitchFields sw;
        FtaWakeFields wake;
        FtaMigrateFields migrate;
        FtaProcessFields proc;
        FtaIrqFields irq;
        FtaSoftirqFields softirq;
        FtaMarkerFields marker;
    } u;
    guint32 task;       /* task id of pid (ABI 1.3); FTA_TASK_NONE for -1 */
} FtaEvent;

/* Looks up KEY in the event's raw field text ("key=value key2=value 2"),
 * anchored so that values may contain spaces: the value runs to the next
 * " word=" or the end.  Returns a pointer into the event (not terminated)
 * and its length in *len, or NULL.  Not for hot paths. */
const char *fta_event_field (const FtaEvent *ev, const char *key, guint *len);

/* A field read by name (ABI 1.12), for events the core has no typed
 * fields for: a plugin makes one handle per key at create, and reads the
 * key of any event with it.  The handle learns, at the first event of each
 * name, whether that event has the key, where it is and which key follows
 * it: a later read compares at the offset the key had in the previous line
 * of that name, else searches up to the key only, and ends the value at
 * the following key — no scan of the whole line, no allocation, no
 * pattern.  The value is as fta_event_field gives it: a pointer into the
 * event, not terminated, its length in *len; NULL when the event has no
 * such field.  A handle belongs to one plugin instance (not thread-safe);
 * free it at destroy. */
typedef struct _FtaField FtaField;
FtaField *fta_field_new (const char *key);
const char *fta_field_get (FtaField *field, const FtaEvent *ev, guint *len);
/* The value as a decimal (optionally negative) or 0x hexadecimal integer:
 * its leading digits ("4096 [ns]" is 4096).  FALSE when the event has no
 * such field or it starts with no digit. */
gboolean fta_field_get_int (FtaField *field, const FtaEvent *ev, gint64 *value);
void fta_field_free (FtaField *field);

/* Task states of the sched model. */
typedef enum {
    FTA_TASK_RUNNING = 0,  /* on CPU span.cpu */
    FTA_TASK_RUNNABLE,     /* waiting for a CPU: see span.reason */
    FTA_TASK_SLEEPING,     /* S */
    FTA_TASK_BLOCKED,      /* D (and D|K ...) */
    FTA_TASK_IDLE_WAIT,    /* I: idle kernel thread */
    FTA_TASK_OTHER,        /* T, t, P, X, Z, ... */
    FTA_TASK__COUNT
} FtaTaskState;

typedef enum {
    FTA_RUNNABLE_PREEMPTED = 1, /* switched out as R / R+ */
    FTA_RUNNABLE_WOKEN,         /* woken from sleep */
    FTA_RUNNABLE_NEW            /* sched_wakeup_new */
} FtaRunnableReason;

typedef enum {
    /* The Running span's switch-in was never recorded; its start was
     * inferred (see docs/sched-model.md). */
    FTA_SPAN_INFERRED_START = 1u << 0,
    /* The trace ended while the task was in this state: end = last
     * timestamp of the trace, not a transition. */
    FTA_SPAN_TRUNCATED = 1u << 1,
    /* The span's end was never recorded: a Running span ends where the
     * next task on that CPU was (inferred to be) switched in; a waiting
     * span ends at the task's inferred switch-in. */
    FTA_SPAN_INFERRED_END = 1u << 2,
    /* A sleep (S, D, I, other) that ended without a sched_wakeup for the
     * task: at its sched_waking, or at its switch-in. */
    FTA_SPAN_NO_WAKEUP = 1u << 3,
    /* --end cut the span: end_ns is the end of the reported window, not a
     * transition. */
    FTA_SPAN_CLIPPED_END = 1u << 4,
    /* A Runnable span during which switches were not recorded: of the
     * CPU it waited on (a switch-in or switch-out the model had to infer
     * there), or of the task itself (it was woken while the model believed
     * it waiting to run, which the kernel never does).  The wait and its
     * holders are the model's inference, not what the trace shows (ABI
     * 1.19). */
    FTA_SPAN_HOLDERS_INFERRED = 1u << 5,
} FtaSpanFlags;

/* Who held a CPU while a task waited for it (ABI 1.9): one entry of
 * FtaSpan.holders.  pid 0 is the CPU's idle task (the task was queued on
 * a CPU that idled: a wakeup that did not run at once), pid -1 a time
 * when the model did not know what the CPU ran (before its first
 * sched_switch, or after a lost-events marker); task is FTA_TASK_NONE
 * for both.  comm points to an FTA_COMM_LEN buffer ("" for idle and
 * unknown), valid during the callback. */
typedef struct {
    gint32 pid;
    guint32 task;
    gint64 ns;
    const char *comm;
} FtaHolder;

/* Task T was in STATE from start_ns to end_ns.  Published by the core when
 * the span ends.  A span never crosses a lost-event or buffer-started
 * marker of its CPU (of any CPU when the marker names none): the model
 * drops the open state that depends on that CPU there instead. */
typedef struct {
    gint64 start_ns;
    gint64 end_ns;
    gint32 pid;
    gint32 tgid;           /* -1 when unknown */
    gint32 cpu;            /* Running: the CPU; otherwise the last CPU known */
    FtaTaskState state;
    guint32 reason;        /* FtaRunnableReason for RUNNABLE, else 0 */
    guint32 prev_state;    /* FtaStateBits of the switch-out that began a
                              non-running span, else 0 */
    guint32 flags;         /* FtaSpanFlags */
    gint32 waker_pid;      /* RUNNABLE woken: who woke it, -1 unknown */
    gint32 waker_cpu;
    gint64 waking_ns;      /* RUNNABLE woken: the sched_waking (or wakeup)
                              timestamp; -1 when unknown */
    /* Both point to FTA_COMM_LEN-byte buffers, NUL-terminated, valid
     * during the callback: a fixed-size memcpy copies them. */
    const char *comm;
    const char *waker_comm;/* or NULL */
    guint32 task;          /* task id of pid (ABI 1.3) */
    guint32 waker_task;    /* of waker_pid; FTA_TASK_NONE when unknown */
    /* RUNNABLE (ABI 1.9): who held the CPU the task was queued on, split
     * by time (see docs/sched-model.md): the CPU it was preempted on or
     * woken onto, then each CPU sched_migrate_task moved it to, and the
     * CPU it finally ran on.  The ns sum to end_ns - start_ns of the
     * interval the model made (--start/--end clipping scales them to the
     * clipped span).  One entry per holder, in order of first charge;
     * NULL and 0 for other states. */
    const FtaHolder *holders;
    guint32 n_holders;
    /* RUNNABLE preempted (ABI 1.9): the task switched in in its place
     * (next of the sched_switch that began the span); -1 / FTA_TASK_NONE
     * otherwise, and 0 when that was the idle task. */
    gint32 preempted_by_pid;
    guint32 preempted_by_task;
} FtaSpan;

G_END_DECLS

#endif /* FTA_EVENT_H */
