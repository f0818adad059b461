/* kvm.c - KVM/QEMU hosts: vCPU threads, vhost workers and qemu's own
 * threads, grouped by VM; who preempts the vCPUs and how long they then
 * wait; exits per reason and time in guest when kvm_entry / kvm_exit are
 * recorded.
 *
 * Times are the core's task-state spans, summed as switch.tasks sums them
 * (complete spans only), so the per-thread numbers equal switch.tasks'
 * (from the time a thread is known here, below);
 * counts come from events.  A thread's role is read from its comm when the
 * comm changes (and kept with the thread), and from kvm_* events (a thread
 * that enters a guest is a vCPU whatever its name).  Only threads that
 * are or may be a VM's have a KvmThread (see kvm_thread_seen): from their
 * first sight when the trace has tgids or kvm_* events, or shows their
 * fork, else from the first event that names them one.  Threads are grouped
 * into VMs in finish, when everything about them is known (see kvm_group):
 *  1. vhost-PID and kvm-pit/PID name their VM's pid;
 *  2. the TGID column, when the trace has it;
 *  3. sched_process_fork: a thread created by a VM's thread is in that VM
 *     (unless it exec'd: a process of its own);
 *  4. else comm family and pid proximity: qemu creates its main thread,
 *     then its vCPU threads in index order, so consecutive-ish tids.
 */
#include <math.h>
#include <string.h>

#include <ftrace-analyzer/ftrace-analyzer.h>

typedef enum {
    KVM_ROLE_NONE = 0,
    KVM_ROLE_VCPU,     /* "CPU n/KVM", "CPU n/TCG", or enters a guest */
    KVM_ROLE_VHOST,    /* "vhost-PID" */
    KVM_ROLE_QEMU,     /* "qemu-system-*", "qemu-kvm": main thread, or a
                          thread qemu did not rename */
    KVM_ROLE_IOTHREAD, /* "IO ...", "iothread..." */
    KVM_ROLE_WORKER,   /* "worker" (qemu's thread pool), in a VM only */
    KVM_ROLE_KVM_PIT,  /* "kvm-pit/PID" kernel thread */
    KVM_ROLE_THREAD,   /* another thread of a VM's process */
} KvmRole;

static const char *const kvm_role_names[] = {
    "", "vcpu", "vhost", "qemu", "iothread", "worker", "kvm-pit", "qemu-thread",
};

/* How a thread was put in its VM (bits; a VM's row lists them all). */
enum {
    KVM_BY_TGID = 1u << 0,
    KVM_BY_NAME = 1u << 1,
    KVM_BY_FORK = 1u << 2,
    KVM_BY_PROXIMITY = 1u << 3,
};

/* What a comm says. */
typedef struct {
    KvmRole role;
    gint32 index; /* vCPU number, or the pid vhost-PID / kvm-pit/PID names */
} KvmClass;

typedef struct KvmPair KvmPair;
typedef struct KvmExit KvmExit;

/* A vCPU-like thread's run ([0]) and runnable ([1]) time in the bucket
 * IDX of Kvm.res ns. */
typedef struct {
    guint32 idx;
    gint64 ns[2];
} KvmRun;

/* What a vCPU-like thread (kvm_vcpu_like) keeps besides its KvmThread:
 * made when it first looks like one, and kept from then on.  Other
 * threads, nearly all of a host's, have none. */
typedef struct {
    /* run and runnable time per bucket of Kvm.res ns, the buckets it has
     * time in, by idx: BRUNS (NULL until the first) and then BLAST when
     * has_blast.  Its spans come in time order and mostly add to the
     * bucket of the one before, at hand here: a host of hundreds of vCPUs
     * does not reach for a table of buckets of each one per span, and
     * keeps no bucket it has no time in. */
    GArray *bruns;
    KvmRun blast;
    gboolean has_blast;
    /* its preemptions by preemptor pid (KvmPair* of Kvm.pairs): open
     * addressing, pair_mask + 1 slots at most half full; NULL until the
     * first */
    KvmPair **pairs;
    guint pair_mask, n_pairs;
    /* who held its CPU while it waited (FtaSpan.holders): holder key
     * (task id + 2, 1 idle, 0 unknown) -> KvmHold* (owned); NULL until the
     * first */
    GHashTable *holds;
    /* the preemption whose Runnable span is still open */
    KvmPair *pending;
    gint64 pending_ts;
    /* kvm events: open intervals, -1 when none */
    gint64 entry_ts;
    gint32 entry_cpu;
    guint32 exit_reason, uexit_reason;
    gint64 exit_ts, uexit_ts;
    gint64 guest_ns;
    guint64 exits;
    /* reason id -> KvmExit* of Kvm.exits, for kvm_exit [0] and
     * kvm_userspace_exit [1]; NULL until the first */
    GPtrArray *exit_recs[2];
    guint32 last_reason[2]; /* id + 1 of the last reason read, 0 none */
} KvmVcpuPart;

typedef struct {
    gint32 pid;
    guint32 task;  /* its task id, FTA_TASK_NONE unknown */
    gint32 tgid;   /* -1 unknown */
    gint32 parent; /* from sched_process_fork, -1 unknown */
    guint32 parent_task; /* its task id, FTA_TASK_NONE unknown */
    gint32 kvm_vcpu;  /* "vcpu N" of its kvm_* events, -1 */
    KvmClass cls;     /* what comm says */
    char comm[FTA_COMM_LEN]; /* NUL-padded: compared whole */
    guint exec : 1; /* exec'd after it was forked */
    guint kvm : 1;     /* has kvm_* events: a vCPU thread */
    guint selected : 1; /* set in finish */
    guint cpu_words;
    /* set in finish */
    KvmRole role;
    gint32 vm;
    guint by;
    guint64 preempted, migrations, waking, wakeup;
    gint64 run_ns, runnable_ns, preempted_wait_ns, sleep_ns, blocked_ns;
    gint64 inferred_ns; /* of runnable_ns: waits whose holders the model inferred */
    guint64 *cpus;    /* bit per CPU it ran on: cpu0 until a CPU above 63,
                         then owned */
    guint64 cpu0;
    KvmVcpuPart *v;   /* owned, NULL until it looks like a vCPU */
} KvmThread;

/* A vCPU-like thread preempted by PID: how often, and how long it then
 * waited (the Runnable span that began at that switch). */
struct KvmPair {
    KvmThread *thread; /* the one preempted, pid */
    gint32 pid, preemptor;
    guint32 preemptor_task;
    char comm[FTA_COMM_LEN];
    guint64 count;
    gint64 ns;
};

/* Time a holder held a thread's CPU while the thread waited. */
typedef struct {
    gint32 pid; /* 0 idle, -1 unknown */
    guint32 task;
    char comm[FTA_COMM_LEN];
    gint64 ns;
} KvmHold;

#define KVM_USERSPACE (1u << 31)

struct KvmExit {
    KvmThread *thread; /* pid */
    gint32 pid;
    guint32 reason; /* reason id (| KVM_USERSPACE) */
    guint64 count;
    gint64 handling_ns;
};

typedef struct {
    gint32 vm;
    const char *name;
    guint by;
    gboolean selected;
    guint64 vcpus, preempted;
    gint64 run_ns, runnable_ns, sleep_ns, blocked_ns;
    gint64 vhost_ns, iothread_ns, emulator_ns, guest_ns;
    gboolean has_guest;
} KvmVm;

/* Per-VM steal over time: run and runnable time of the vCPUs in buckets
 * of res ns from t0, res 10^k ns (or --window x 10^k), ten times wider
 * whenever a time would fall past the last bucket: memory stays bounded
 * whatever the trace's length. */
#define KVM_BUCKETS 1000

typedef struct {
    const FtaContext *ctx;
    gint64 t0, t_last;   /* G_MININT64 until the first event */
    gint64 res;          /* bucket width, ns */
    gint64 asked_ns;     /* --window, 0 without */
    double steal_pct;
    gint64 holders;      /* rows of kvm.holders per vCPU, of kvm.vm_holders per VM */
    gint64 min_runnable_ns;
    gint64 pid_gap;
    FtaTasks *threads;      /* KvmThread per task (pids > 0), in order of first sight */
    GPtrArray *pairs;    /* KvmPair* (owned) */
    GPtrArray *exits;    /* KvmExit* (owned) */
    GHashTable *reason_ids; /* reason (owned) -> id + 1 */
    GPtrArray *reasons;  /* id -> reason, borrowed from reason_ids */
    guint64 total_waking;
    gboolean has_kvm_events;
    /* every task gets its KvmThread at first sight, not only those that
     * show themselves as VM threads: until the first line of a task
     * (pid > 0) tells whether the trace has tgids, and then when it has
     * (any thread may join a VM by its tgid) or kvm_* events (a thread
     * may turn out to be a vCPU at its first) */
    gboolean keep_all, tgids_told;
} Kvm;

/* --- what a comm says ----------------------------------------------------- */

/* Digits up to the end of S: the number, or -1. */
static gint32
kvm_number (const char *s)
{
    gint64 v = 0;
    if (!g_ascii_isdigit (*s))
        return -1;
    for (; *s; s++) {
        if (!g_ascii_isdigit (*s) || v > G_MAXINT32 / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return (gint32) v;
}

static KvmClass
kvm_classify (const char *comm)
{
    KvmClass c = { KVM_ROLE_NONE, -1 };
    if (g_str_has_prefix (comm, "CPU ")) {
        /* "CPU <n>/<accelerator>": KVM, TCG, HVF, ... */
        const char *s = comm + 4, *d = s;
        gint64 n = 0;
        while (g_ascii_isdigit (*d) && n < G_MAXINT32 / 10)
            n = n * 10 + (*d++ - '0');
        if (d > s && *d == '/' && d[1]) {
            const char *a = d + 1;
            while (g_ascii_isalnum (*a))
                a++;
            if (!*a) {
                c.role = KVM_ROLE_VCPU;
                c.index = (gint32) n;
            }
        }
    } else if (g_str_has_prefix (comm, "vhost-")) {
        if ((c.index = kvm_number (comm + 6)) >= 0)
            c.role = KVM_ROLE_VHOST;
    } else if (g_str_has_prefix (comm, "kvm-pit/")) {
        if ((c.index = kvm_number (comm + 8)) >= 0)
            c.role = KVM_ROLE_KVM_PIT;
    } else if (g_str_has_prefix (comm, "qemu-system-") || strcmp (comm, "qemu-kvm") == 0) {
        c.role = KVM_ROLE_QEMU;
    } else if (g_str_has_prefix (comm, "IO ") || g_str_has_prefix (comm, "iothread")) {
        c.role = KVM_ROLE_IOTHREAD;
    } else if (strcmp (comm, "worker") == 0) {
        c.role = KVM_ROLE_WORKER;
    }
    return c;
}

/* --- per-thread state ------------------------------------------------------- */

static void
kvm_thread_clear (gpointer p)
{
    KvmThread *t = p;
    if (t->cpus != &t->cpu0)
        g_free (t->cpus);
    KvmVcpuPart *v = t->v;
    if (!v)
        return;
    if (v->bruns)
        g_array_free (v->bruns, TRUE);
    g_free (v->pairs);
    if (v->holds)
        g_hash_table_destroy (v->holds);
    for (guint i = 0; i < 2; i++)
        if (v->exit_recs[i])
            g_ptr_array_free (v->exit_recs[i], TRUE);
    g_free (v);
}

static void
kvm_thread_init (gpointer state, gint32 pid)
{
    KvmThread *t = state;
    t->pid = pid;
    t->cpus = &t->cpu0; /* the state stays where it is: FtaTasks */
    t->cpu_words = 1;
    t->tgid = -1;
    t->parent = -1;
    t->parent_task = FTA_TASK_NONE;
    t->task = FTA_TASK_NONE;
    t->kvm_vcpu = -1;
    t->vm = -1;
    t->cls = kvm_classify ("");
}

/* The thread of TASK, the task id of PID (> 0: no idle task here). */
static inline KvmThread *
kvm_thread (Kvm *k, guint32 task, gint32 pid)
{
    KvmThread *t = fta_tasks_get (k->threads, task, pid, -1);
    if (task != FTA_TASK_NONE)
        t->task = task;
    return t;
}

/* Whether COMM names a thread that is part of a VM by its name alone: a
 * vCPU, vhost worker, kvm-pit or qemu thread (not "worker", which only its
 * tgid or fork places). */
static inline gboolean
kvm_comm_names_vm (const char *comm)
{
    /* most comms fail at their first bytes here, before kvm_classify:
     * the kworkers of every event not with kvm-pit/ */
    gboolean may;
    switch (comm[0]) {
    case 'C':
        may = g_str_has_prefix (comm, "CPU ");
        break;
    case 'v':
        may = g_str_has_prefix (comm, "vhost-");
        break;
    case 'k':
        may = g_str_has_prefix (comm, "kvm-pit/");
        break;
    case 'q':
        may = g_str_has_prefix (comm, "qemu-");
        break;
    case 'I':
    case 'i':
        may = TRUE;
        break;
    default:
        return FALSE;
    }
    KvmRole r = may ? kvm_classify (comm).role : KVM_ROLE_NONE;
    return r != KVM_ROLE_NONE && r != KVM_ROLE_WORKER;
}

/* The thread of TASK as an event that names it COMM sees it: made when
 * it is one of a VM's, or may turn out to be (see Kvm.keep_all), else
 * NULL.  A task that is none keeps nothing here: on most hosts nearly
 * all of them.  It holds vCPUs' CPUs and preempts them all the same:
 * those rows keep the holder's pid and comm, and ask here only whether
 * it is a VM's thread. */
static inline KvmThread *
kvm_thread_seen (Kvm *k, guint32 task, gint32 pid, const char *comm)
{
    KvmThread *t = fta_tasks_find (k->threads, task, pid, -1);
    if (G_LIKELY (t) || (!k->keep_all && !kvm_comm_names_vm (comm)))
        return t;
    return kvm_thread (k, task, pid);
}

static void
kvm_comm_changed (KvmThread *t, const char *comm)
{
    if (!comm[0] || strcmp (comm, "<...>") == 0
        || strncmp (t->comm, comm, FTA_COMM_LEN) == 0)
        return;
    memset (t->comm, 0, FTA_COMM_LEN);
    memcpy (t->comm, comm, strnlen (comm, FTA_COMM_LEN - 1));
    t->cls = kvm_classify (t->comm);
}

/* COMM (FTA_COMM_LEN bytes, NUL-terminated) as the events' fields print it
 * (not the TASK column, which comes from saved_cmdlines and can be stale).
 * Classified when it changes.  The fields and the sched model pad their
 * comms with NULs, as t->comm is, so an unchanged comm is one memcmp. */
static inline void
kvm_set_comm (KvmThread *t, const char *comm)
{
    if (G_UNLIKELY (memcmp (t->comm, comm, FTA_COMM_LEN) != 0))
        kvm_comm_changed (t, comm);
}

static void
kvm_ran_on (KvmThread *t, gint32 cpu)
{
    if (cpu < 0 || cpu > 65535)
        return;
    guint w = (guint) cpu / 64;
    if (w >= t->cpu_words) {
        guint n = MAX (w + 1, t->cpu_words * 2);
        guint64 *more = g_new0 (guint64, n);
        memcpy (more, t->cpus, t->cpu_words * sizeof (guint64));
        if (t->cpus != &t->cpu0)
            g_free (t->cpus);
        t->cpus = more;
        t->cpu_words = n;
    }
    t->cpus[w] |= 1ull << (cpu % 64);
}

/* Could this thread be a vCPU?  Only those get preemptor rows; qemu's
 * threads are named qemu-system-* until they rename themselves. */
static gboolean
kvm_vcpu_like (const KvmThread *t)
{
    return t->kvm || t->cls.role == KVM_ROLE_VCPU || t->cls.role == KVM_ROLE_QEMU;
}

/* T's vCPU part, made at the first call. */
static KvmVcpuPart *
kvm_vcpu_part (KvmThread *t)
{
    if (G_UNLIKELY (!t->v)) {
        t->v = g_new0 (KvmVcpuPart, 1);
        t->v->entry_ts = t->v->exit_ts = t->v->uexit_ts = -1;
        t->v->entry_cpu = -1;
    }
    return t->v;
}

static void *
kvm_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    double pct = fta_options_get_double (opts, "steal_pct");
    gint64 min_ms = fta_options_get_int (opts, "min_runnable_ms");
    gint64 gap = fta_options_get_int (opts, "pid_gap");
    if (pct <= 0 || pct > 100 || min_ms < 0 || gap < 1) {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "plugins.kvm: steal_pct must be in (0, 100], min_runnable_ms 0 or "
                     "more, pid_gap 1 or more (got %g, %" G_GINT64_FORMAT ", %"
                     G_GINT64_FORMAT ")", pct, min_ms, gap);
        return NULL;
    }
    Kvm *k = g_new0 (Kvm, 1);
    k->ctx = ctx;
    k->steal_pct = pct;
    k->holders = MAX (fta_options_get_int (opts, "holders"), 0);
    k->min_runnable_ns = min_ms * 1000000;
    k->pid_gap = gap;
    k->t0 = k->t_last = G_MININT64;
    k->keep_all = TRUE;
    k->asked_ns = fta_context_window_ns (ctx);
    k->res = k->asked_ns > 0 ? k->asked_ns : 1000;
    k->threads = fta_tasks_new (sizeof (KvmThread), kvm_thread_init, kvm_thread_clear);
    k->pairs = g_ptr_array_new_with_free_func (g_free);
    k->exits = g_ptr_array_new_with_free_func (g_free);
    k->reason_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    k->reasons = g_ptr_array_new ();
    return k;
}

/* --- kvm_* events ------------------------------------------------------------ */

/* "vcpu 3 reason ..." / "vcpu 3, rip ...": 3, or -1. */
static gint32
kvm_field_vcpu (const FtaEvent *ev)
{
    const char *s = ev->fields, *end = s + ev->fields_len;
    if (ev->fields_len < 6 || memcmp (s, "vcpu ", 5) != 0)
        return -1;
    gint64 v = 0;
    const char *d = s + 5;
    for (; d < end && g_ascii_isdigit (*d) && v < G_MAXINT32 / 10; d++)
        v = v * 10 + (*d - '0');
    return d > s + 5 ? (gint32) v : -1;
}

/* The word after "reason " (kvm_exit of every generation and
 * kvm_userspace_exit), else the first word (other architectures'
 * kvm_exit forms), interned.  *LAST (id + 1, 0 none) is the caller's
 * previous reason: a vCPU exits for the same few reasons again and again,
 * so it is tried before the table. */
static guint32
kvm_reason (Kvm *k, const FtaEvent *ev, guint32 *last)
{
    const char *s = ev->fields, *end = s + ev->fields_len;
    const char *w = NULL;
    for (const char *p = s; p + 7 <= end; p++)
        if (memcmp (p, "reason ", 7) == 0 && (p == s || p[-1] == ' ')) {
            w = p + 7;
            break;
        }
    if (!w)
        w = s;
    while (w < end && *w == ' ')
        w++;
    const char *e = w;
    while (e < end && *e != ' ' && *e != ',' && *e != ':')
        e++;
    char buf[48];
    gsize n = MIN ((gsize) (e - w), sizeof buf - 1);
    memcpy (buf, w, n);
    buf[n] = '\0';
    if (!n)
        g_strlcpy (buf, "?", sizeof buf);
    if (*last && strcmp (g_ptr_array_index (k->reasons, *last - 1), buf) == 0)
        return *last - 1;
    gpointer id;
    if (!g_hash_table_lookup_extended (k->reason_ids, buf, NULL, &id)) {
        char *copy = g_strdup (buf);
        g_ptr_array_add (k->reasons, copy);
        id = GUINT_TO_POINTER (k->reasons->len);
        g_hash_table_insert (k->reason_ids, copy, id);
    }
    *last = GPOINTER_TO_UINT (id);
    return *last - 1;
}

static KvmExit *
kvm_exit_rec (Kvm *k, KvmThread *t, guint32 reason)
{
    guint user = (reason & KVM_USERSPACE) != 0;
    guint32 id = reason & ~KVM_USERSPACE;
    GPtrArray *a = t->v->exit_recs[user];
    if (!a)
        a = t->v->exit_recs[user] = g_ptr_array_new ();
    KvmExit *x = id < a->len ? g_ptr_array_index (a, id) : NULL;
    if (!x) {
        x = g_new0 (KvmExit, 1);
        x->thread = t;
        x->pid = t->pid;
        x->reason = reason;
        if (id >= a->len)
            g_ptr_array_set_size (a, id + 1);
        g_ptr_array_index (a, id) = x;
        g_ptr_array_add (k->exits, x);
    }
    return x;
}

static KvmThread *
kvm_event_thread (Kvm *k, const FtaEvent *ev)
{
    KvmThread *t = kvm_thread (k, ev->task, ev->pid);
    if (!t->comm[0]) {
        const char *c = fta_context_task_comm (k->ctx, ev->task);
        kvm_set_comm (t, c ? c : ev->comm);
    }
    if (ev->tgid >= 0)
        t->tgid = ev->tgid;
    t->kvm = TRUE;
    kvm_vcpu_part (t);
    k->has_kvm_events = k->keep_all = TRUE;
    if (t->kvm_vcpu < 0)
        t->kvm_vcpu = kvm_field_vcpu (ev);
    return t;
}

static void
kvm_on_kvm_event (Kvm *k, const FtaEvent *ev)
{
    if (ev->pid <= 0)
        return;
    KvmThread *t = kvm_event_thread (k, ev);
    KvmVcpuPart *v = t->v;
    gint64 ts = ev->ts_ns;
    switch (ev->type) {
    case FTA_EV_KVM_ENTRY:
        /* the host's part of an exit: from the exit to the next entry */
        if (v->exit_ts >= 0 && ts >= v->exit_ts)
            kvm_exit_rec (k, t, v->exit_reason)->handling_ns += ts - v->exit_ts;
        if (v->uexit_ts >= 0 && ts >= v->uexit_ts)
            kvm_exit_rec (k, t, v->uexit_reason)->handling_ns += ts - v->uexit_ts;
        v->exit_ts = v->uexit_ts = -1;
        v->entry_ts = ts;
        v->entry_cpu = ev->cpu;
        break;
    case FTA_EV_KVM_EXIT: {
        guint32 r = kvm_reason (k, ev, &v->last_reason[0]);
        kvm_exit_rec (k, t, r)->count++;
        v->exits++;
        /* in guest mode the thread cannot migrate or be switched out */
        if (v->entry_ts >= 0 && v->entry_cpu == ev->cpu && ts >= v->entry_ts)
            v->guest_ns += ts - v->entry_ts;
        v->entry_ts = -1;
        v->exit_ts = ts;
        v->exit_reason = r;
        break;
    }
    case FTA_EV_KVM_USERSPACE_EXIT: {
        guint32 r = kvm_reason (k, ev, &v->last_reason[1]) | KVM_USERSPACE;
        kvm_exit_rec (k, t, r)->count++;
        v->uexit_ts = ts;
        v->uexit_reason = r;
        break;
    }
    default:
        break;
    }
}

/* --- events and spans ---------------------------------------------------------- */

static guint
kvm_pair_home (const KvmVcpuPart *v, gint32 preemptor)
{
    return ((guint32) preemptor * 2654435761u) & v->pair_mask;
}

static void
kvm_pair_put (KvmVcpuPart *v, KvmPair *p)
{
    guint i = kvm_pair_home (v, p->preemptor);
    while (v->pairs[i])
        i = (i + 1) & v->pair_mask;
    v->pairs[i] = p;
}

/* T preempted by the next task of SW: its pair, made at the first time. */
static KvmPair *
kvm_pair (Kvm *k, KvmThread *t, const FtaSwitchFields *sw)
{
    KvmVcpuPart *v = kvm_vcpu_part (t);
    if (v->pairs)
        for (guint i = kvm_pair_home (v, sw->next_pid); v->pairs[i];
             i = (i + 1) & v->pair_mask)
            if (v->pairs[i]->preemptor == sw->next_pid)
                return v->pairs[i];
    if (!v->pairs || 2 * (v->n_pairs + 1) > v->pair_mask + 1) {
        KvmPair **old = v->pairs;
        guint old_n = old ? v->pair_mask + 1 : 0;
        v->pair_mask = old ? 2 * old_n - 1 : 7;
        v->pairs = g_new0 (KvmPair *, v->pair_mask + 1);
        for (guint i = 0; i < old_n; i++)
            if (old[i])
                kvm_pair_put (v, old[i]);
        g_free (old);
    }
    KvmPair *pr = g_new0 (KvmPair, 1);
    pr->thread = t;
    pr->pid = t->pid;
    pr->preemptor = sw->next_pid;
    pr->preemptor_task = sw->next_task;
    kvm_pair_put (v, pr);
    v->n_pairs++;
    g_ptr_array_add (k->pairs, pr);
    return pr;
}

static void
kvm_on_switch (Kvm *k, const FtaEvent *ev)
{
    const FtaSwitchFields *sw = &ev->u.sw;
    KvmThread *p;
    if (sw->prev_pid > 0 && (p = kvm_thread_seen (k, sw->prev_task, sw->prev_pid, sw->prev_comm))) {
        kvm_set_comm (p, sw->prev_comm);
        if (ev->tgid >= 0 && ev->pid == sw->prev_pid)
            p->tgid = ev->tgid;
        if (p->v) {
            p->v->entry_ts = -1; /* switched out: not in guest mode any more */
            p->v->pending = NULL;
        }
        if (fta_state_is_preempted (sw->prev_state)) {
            p->preempted++;
            if (kvm_vcpu_like (p)) {
                KvmPair *pr = kvm_pair (k, p, sw);
                g_strlcpy (pr->comm, sw->next_comm, FTA_COMM_LEN);
                pr->count++;
                p->v->pending = pr;
                p->v->pending_ts = ev->ts_ns;
            }
        }
    }
    KvmThread *n;
    if (sw->next_pid > 0 && (n = kvm_thread_seen (k, sw->next_task, sw->next_pid, sw->next_comm)))
        kvm_set_comm (n, sw->next_comm);
}

static void
kvm_reset (Kvm *k)
{
    for (guint i = 0; i < fta_tasks_count (k->threads); i++) {
        KvmVcpuPart *v = ((KvmThread *) fta_tasks_nth (k->threads, i))->v;
        if (v) {
            v->pending = NULL;
            v->entry_ts = v->exit_ts = v->uexit_ts = -1;
        }
    }
}

static void
kvm_on_event (void *self, const FtaEvent *ev)
{
    Kvm *k = self;
    if (G_UNLIKELY (k->t0 == G_MININT64))
        k->t0 = ev->ts_ns; /* the windows' start */
    k->t_last = MAX (k->t_last, ev->ts_ns);
    if (ev->tgid >= 0)
        k->keep_all = TRUE;
    else if (G_UNLIKELY (!k->tgids_told) && ev->pid > 0)
        k->keep_all = k->has_kvm_events; /* no TGID column */
    if (ev->pid > 0)
        k->tgids_told = TRUE;
    switch (ev->type) {
    case FTA_EV_SCHED_SWITCH:
        kvm_on_switch (k, ev);
        break;
    case FTA_EV_SCHED_MIGRATE_TASK: {
        const FtaMigrateFields *m = &ev->u.migrate;
        if (m->pid <= 0)
            break;
        KvmThread *t = kvm_thread_seen (k, m->task, m->pid, m->comm);
        if (!t)
            break;
        kvm_set_comm (t, m->comm);
        /* the kernel emits it only when the CPU changes */
        t->migrations++;
        break;
    }
    case FTA_EV_SCHED_WAKING:
    case FTA_EV_SCHED_WAKEUP:
    case FTA_EV_SCHED_WAKEUP_NEW: {
        const FtaWakeFields *w = &ev->u.wake;
        if (w->pid <= 0)
            break;
        KvmThread *t = kvm_thread_seen (k, w->task, w->pid, w->comm);
        if (!t)
            break;
        kvm_set_comm (t, w->comm);
        /* counted as wakeup.tasks counts them: sched_waking when the trace
         * has it, else successful sched_wakeup; sched_wakeup_new (which
         * has no sched_waking) either way */
        if (ev->type == FTA_EV_SCHED_WAKING) {
            t->waking++;
            k->total_waking++;
        } else if (w->success != 0) {
            t->wakeup++;
            if (ev->type == FTA_EV_SCHED_WAKEUP_NEW)
                t->waking++;
        }
        break;
    }
    case FTA_EV_SCHED_PROCESS_FORK: {
        const FtaProcessFields *f = &ev->u.proc;
        if (f->child_pid <= 0)
            break;
        /* every child: its parent may turn out to be a VM's thread */
        KvmThread *c = kvm_thread (k, f->child_task, f->child_pid);
        kvm_set_comm (c, f->child_comm);
        c->parent = f->pid;
        c->parent_task = f->task;
        c->exec = FALSE;
        break;
    }
    case FTA_EV_SCHED_PROCESS_EXEC: {
        /* it matters only to a child whose fork made its thread */
        KvmThread *t = ev->u.proc.pid > 0
                           ? fta_tasks_find (k->threads, ev->u.proc.task, ev->u.proc.pid, -1)
                           : NULL;
        if (t)
            t->exec = TRUE;
        break;
    }
    case FTA_EV_KVM_ENTRY:
    case FTA_EV_KVM_EXIT:
    case FTA_EV_KVM_USERSPACE_EXIT:
        kvm_on_kvm_event (k, ev);
        break;
    case FTA_EV_LOST:
    case FTA_EV_BUFFER_STARTED:
        kvm_reset (k);
        break;
    default:
        break;
    }
}

/* V's buckets all in V->bruns (none apart in blast), or back. */
static void
kvm_bruns_flush (KvmVcpuPart *v)
{
    if (v->has_blast) {
        g_array_append_val (v->bruns, v->blast);
        v->has_blast = FALSE;
    }
}

static void
kvm_bruns_unflush (KvmVcpuPart *v)
{
    if (v->bruns->len) {
        v->blast = g_array_index (v->bruns, KvmRun, v->bruns->len - 1);
        g_array_set_size (v->bruns, v->bruns->len - 1);
        v->has_blast = TRUE;
    }
}

/* Ten times wider buckets for every thread. */
static void
kvm_widen (Kvm *k)
{
    k->res *= 10;
    for (guint i = 0; i < fta_tasks_count (k->threads); i++) {
        KvmVcpuPart *v = ((KvmThread *) fta_tasks_nth (k->threads, i))->v;
        if (!v || !v->bruns)
            continue;
        /* bucket n takes 10n .. 10n + 9 */
        kvm_bruns_flush (v);
        GArray *a = v->bruns;
        guint out = 0;
        for (guint j = 0; j < a->len; j++) {
            KvmRun r = g_array_index (a, KvmRun, j);
            r.idx /= 10;
            if (out > 0 && g_array_index (a, KvmRun, out - 1).idx == r.idx) {
                g_array_index (a, KvmRun, out - 1).ns[0] += r.ns[0];
                g_array_index (a, KvmRun, out - 1).ns[1] += r.ns[1];
            } else {
                g_array_index (a, KvmRun, out++) = r;
            }
        }
        g_array_set_size (a, out);
        kvm_bruns_unflush (v);
    }
}

/* NS more of WHICH (0 run, 1 runnable) in V's bucket IDX. */
static inline void
kvm_bucket_put (KvmVcpuPart *v, guint32 idx, guint which, gint64 ns)
{
    if (G_LIKELY (v->has_blast && v->blast.idx == idx)) {
        v->blast.ns[which] += ns;
        return;
    }
    if (!v->bruns)
        v->bruns = g_array_new (FALSE, FALSE, sizeof (KvmRun));
    KvmRun r = { idx, { 0, 0 } };
    r.ns[which] = ns;
    if (!v->has_blast || v->blast.idx < idx) {
        kvm_bruns_flush (v);
        v->blast = r;
        v->has_blast = TRUE;
        return;
    }
    /* a bucket before the last one (seldom): among those kept */
    kvm_bruns_flush (v);
    GArray *a = v->bruns;
    guint j = a->len;
    while (j > 0 && g_array_index (a, KvmRun, j - 1).idx > idx)
        j--;
    if (j > 0 && g_array_index (a, KvmRun, j - 1).idx == idx)
        g_array_index (a, KvmRun, j - 1).ns[which] += ns;
    else
        g_array_insert_val (a, j, r);
    kvm_bruns_unflush (v);
}

/* V's thread ran (WHICH 0) or waited for a CPU (1) from S to E. */
static void
kvm_bucket_add (Kvm *k, KvmVcpuPart *v, gint64 s, gint64 e, guint which)
{
    if (k->t0 == G_MININT64)
        k->t0 = s;
    s = MAX (s, k->t0);
    if (e <= s)
        return;
    k->t_last = MAX (k->t_last, e);
    while ((e - 1 - k->t0) / k->res >= KVM_BUCKETS)
        kvm_widen (k);
    gint64 b0 = (s - k->t0) / k->res, b1 = (e - 1 - k->t0) / k->res;
    for (gint64 b = b0; b <= b1; b++) {
        gint64 lo = k->t0 + b * k->res, hi = lo + k->res;
        kvm_bucket_put (v, (guint32) b, which, MIN (e, hi) - MAX (s, lo));
    }
}

/* Adds the holders of SP, a complete Runnable span of V's thread. */
static void
kvm_add_holders (KvmVcpuPart *v, const FtaSpan *sp)
{
    if (!sp->n_holders)
        return;
    if (!v->holds)
        v->holds = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    for (guint i = 0; i < sp->n_holders; i++) {
        const FtaHolder *h = &sp->holders[i];
        guint key = h->pid < 0 ? 0 : h->pid == 0 ? 1 : h->task + 2;
        KvmHold *x = g_hash_table_lookup (v->holds, GUINT_TO_POINTER (key));
        if (!x) {
            x = g_new0 (KvmHold, 1);
            x->pid = h->pid < 0 ? -1 : h->pid;
            x->task = h->task;
            g_strlcpy (x->comm, h->pid < 0 ? "<unknown>" : h->pid == 0 ? "<idle>" : h->comm,
                       FTA_COMM_LEN);
            g_hash_table_insert (v->holds, GUINT_TO_POINTER (key), x);
        } else if (h->pid > 0 && h->comm[0]) {
            memcpy (x->comm, h->comm, FTA_COMM_LEN);
        }
        x->ns += h->ns;
    }
}

static void
kvm_on_span (void *self, const FtaSpan *sp)
{
    Kvm *k = self;
    if (sp->tgid >= 0)
        k->keep_all = TRUE;
    KvmThread *t = sp->pid > 0 ? kvm_thread_seen (k, sp->task, sp->pid, sp->comm) : NULL;
    if (!t)
        return;
    kvm_set_comm (t, sp->comm);
    if (sp->tgid >= 0)
        t->tgid = sp->tgid;
    if (sp->state == FTA_TASK_RUNNING)
        kvm_ran_on (t, sp->cpu);
    KvmVcpuPart *v = t->v;
    gboolean mine = v && sp->state == FTA_TASK_RUNNABLE && sp->reason == FTA_RUNNABLE_PREEMPTED
                    && v->pending && v->pending_ts == sp->start_ns;
    KvmPair *pr = mine ? v->pending : NULL;
    if (mine)
        v->pending = NULL;
    /* as switch.tasks: the interval still open at the end is not counted */
    if (sp->flags & FTA_SPAN_TRUNCATED)
        return;
    gint64 d = sp->end_ns - sp->start_ns;
    /* a vCPU's steal over time and who held its CPU, as its preemptors:
     * from when it looks like one */
    if ((sp->state == FTA_TASK_RUNNING || sp->state == FTA_TASK_RUNNABLE) && kvm_vcpu_like (t)) {
        v = kvm_vcpu_part (t);
        kvm_bucket_add (k, v, sp->start_ns, sp->end_ns, sp->state == FTA_TASK_RUNNABLE);
    } else {
        v = NULL;
    }
    switch (sp->state) {
    case FTA_TASK_RUNNING:
        t->run_ns += d;
        break;
    case FTA_TASK_RUNNABLE:
        t->runnable_ns += d;
        if (sp->flags & (FTA_SPAN_INFERRED_END | FTA_SPAN_HOLDERS_INFERRED))
            t->inferred_ns += d;
        if (sp->reason == FTA_RUNNABLE_PREEMPTED)
            t->preempted_wait_ns += d;
        if (pr)
            pr->ns += d;
        if (v)
            kvm_add_holders (v, sp);
        break;
    case FTA_TASK_SLEEPING:
        t->sleep_ns += d;
        break;
    case FTA_TASK_BLOCKED:
        t->blocked_ns += d;
        break;
    default:
        break;
    }
}

/* --- grouping into VMs ----------------------------------------------------------- */

static gboolean
kvm_vm_role (KvmRole r)
{
    return r == KVM_ROLE_VCPU || r == KVM_ROLE_QEMU || r == KVM_ROLE_IOTHREAD;
}

/* The thread that created T, when that is a thread of the same process as
 * far as the trace tells: not after an exec, not with another tgid. */
static KvmThread *
kvm_parent (Kvm *k, const KvmThread *t)
{
    if (t->parent <= 0 || t->exec || t->parent == t->pid)
        return NULL;
    if (t->tgid >= 0 && t->tgid == t->pid)
        return NULL; /* a process leader: forked, not a thread */
    KvmThread *p = fta_tasks_find (k->threads, t->parent_task, t->parent, -1);
    if (p && t->tgid >= 0 && p->tgid >= 0 && p->tgid != t->tgid)
        return NULL;
    return p;
}

/* Was T created (directly or not) by a thread that is part of a VM? */
static gboolean
kvm_forked_from_vm (Kvm *k, const KvmThread *t)
{
    for (int depth = 0; depth < 64; depth++) {
        const KvmThread *p = kvm_parent (k, t);
        if (!p)
            return FALSE;
        if (p->vm >= 0 || kvm_vm_role (p->role))
            return TRUE;
        t = p;
    }
    return FALSE;
}

static gint32
kvm_fork_vm (Kvm *k, KvmThread *t, int depth)
{
    if (t->vm >= 0 || depth > 64)
        return t->vm;
    KvmThread *p = kvm_parent (k, t);
    if (!p || kvm_fork_vm (k, p, depth + 1) < 0)
        return -1;
    t->vm = p->vm;
    t->by |= KVM_BY_FORK;
    return t->vm;
}

static int
kvm_by_pid (gconstpointer a, gconstpointer b)
{
    const KvmThread *x = *(KvmThread *const *) a, *y = *(KvmThread *const *) b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

typedef struct {
    gint32 pid;
    KvmThread *t; /* NULL for a VM pid known only from a name or tgid */
} KvmSlot;

static int
kvm_slot_cmp (gconstpointer a, gconstpointer b)
{
    const KvmSlot *x = a, *y = b;
    if (x->pid != y->pid)
        return (x->pid > y->pid) - (x->pid < y->pid);
    return (x->t == NULL) - (y->t == NULL);
}

/* Without a TGID column: walk the VM threads in pid order; a VM starts at
 * a pid that another rule already names as a VM, after a gap of more than
 * pid_gap, at a qemu thread once the current VM has vCPUs (the main thread
 * comes first), or at a vCPU whose number is not above the last one's
 * (vCPU threads are created in order).  Its pid is the first one's. */
static void
kvm_group_by_proximity (Kvm *k, GPtrArray *all, GHashTable *vm_pids)
{
    GArray *slots = g_array_new (FALSE, FALSE, sizeof (KvmSlot));
    for (guint i = 0; i < all->len; i++) {
        KvmThread *t = g_ptr_array_index (all, i);
        if (t->vm < 0 && kvm_vm_role (t->role) && !kvm_forked_from_vm (k, t)) {
            KvmSlot s = { t->pid, t };
            g_array_append_val (slots, s);
        }
    }
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init (&it, vm_pids);
    while (g_hash_table_iter_next (&it, &key, NULL)) {
        KvmSlot s = { GPOINTER_TO_INT (key), NULL };
        g_array_append_val (slots, s);
    }
    g_array_sort (slots, kvm_slot_cmp);

    gint32 cur = -1, last = -1, top_vcpu = -1;
    gboolean has_vcpu = FALSE;
    for (guint i = 0; i < slots->len; i++) {
        KvmSlot *s = &g_array_index (slots, KvmSlot, i);
        KvmThread *t = s->t;
        if (!t) {
            /* a known VM pid: it starts its VM (the thread itself, if
             * listed, comes just before and joins it) */
            if (s->pid != cur) {
                cur = s->pid;
                top_vcpu = -1;
                has_vcpu = FALSE;
            }
            last = s->pid;
            continue;
        }
        gint32 idx = t->cls.role == KVM_ROLE_VCPU ? t->cls.index : t->kvm_vcpu;
        gboolean known = g_hash_table_contains (vm_pids, GINT_TO_POINTER (t->pid));
        gboolean fresh = cur < 0 || known || (gint64) t->pid - last > k->pid_gap
                         || (t->role == KVM_ROLE_QEMU && has_vcpu)
                         || (t->role == KVM_ROLE_VCPU && idx >= 0 && idx <= top_vcpu);
        if (fresh) {
            cur = t->pid;
            top_vcpu = -1;
            has_vcpu = FALSE;
        } else {
            t->by |= KVM_BY_PROXIMITY;
        }
        t->vm = cur;
        last = t->pid;
        if (t->role == KVM_ROLE_VCPU) {
            has_vcpu = TRUE;
            if (idx > top_vcpu)
                top_vcpu = idx;
        }
    }
    g_array_free (slots, TRUE);
}

/* Roles and VMs of every thread; returns the threads in pid order. */
static GPtrArray *
kvm_group (Kvm *k)
{
    GPtrArray *all = g_ptr_array_new ();
    for (guint i = 0; i < fta_tasks_count (k->threads); i++)
        g_ptr_array_add (all, fta_tasks_nth (k->threads, i));
    g_ptr_array_sort (all, kvm_by_pid);

    /* VM pids: the processes of vCPU, qemu and iothread threads, and the
     * pids vhost-PID / kvm-pit/PID name */
    GHashTable *vm_pids = g_hash_table_new (g_direct_hash, g_direct_equal);
    for (guint i = 0; i < all->len; i++) {
        KvmThread *t = g_ptr_array_index (all, i);
        t->role = t->kvm ? KVM_ROLE_VCPU : t->cls.role;
        t->vm = -1;
        t->by = 0;
        if (t->role == KVM_ROLE_VHOST || t->role == KVM_ROLE_KVM_PIT) {
            t->vm = t->cls.index;
            t->by = KVM_BY_NAME;
            g_hash_table_add (vm_pids, GINT_TO_POINTER (t->vm));
        } else if (kvm_vm_role (t->role) && t->tgid > 0) {
            g_hash_table_add (vm_pids, GINT_TO_POINTER (t->tgid));
        }
    }
    for (guint i = 0; i < all->len; i++) {
        KvmThread *t = g_ptr_array_index (all, i);
        if (t->vm < 0 && t->tgid > 0
            && g_hash_table_contains (vm_pids, GINT_TO_POINTER (t->tgid))) {
            t->vm = t->tgid;
            t->by = KVM_BY_TGID;
        }
    }
    kvm_group_by_proximity (k, all, vm_pids);
    for (guint i = 0; i < all->len; i++)
        kvm_fork_vm (k, g_ptr_array_index (all, i), 0);
    for (guint i = 0; i < all->len; i++) {
        KvmThread *t = g_ptr_array_index (all, i);
        if (t->vm < 0)
            t->role = KVM_ROLE_NONE;
        else if (t->role == KVM_ROLE_NONE)
            t->role = KVM_ROLE_THREAD;
        t->selected = t->role != KVM_ROLE_NONE
                      && fta_context_task_selected (k->ctx, t->pid, t->comm);
    }
    g_hash_table_destroy (vm_pids);
    return all;
}

/* --- results ------------------------------------------------------------------ */

static char *
kvm_grouping_text (guint by)
{
    GString *s = g_string_new (NULL);
    static const struct {
        guint bit;
        const char *text;
    } names[] = {
        { KVM_BY_TGID, "tgid" },
        { KVM_BY_NAME, "vhost name" },
        { KVM_BY_FORK, "fork" },
        { KVM_BY_PROXIMITY, "pid proximity" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (by & names[i].bit)
            g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[i].text);
    if (!s->len)
        g_string_append (s, "pid proximity");
    return g_string_free (s, FALSE);
}

/* "0-3,6": the set bits of WORDS (N of them) as ranges. */
static char *
kvm_bits_text (const guint64 *words, guint n)
{
    GString *s = g_string_new (NULL);
    gint64 end = (gint64) n * 64;
    for (gint64 c = 0; c < end; c++) {
        if (!(words[c / 64] & (1ull << (c % 64))))
            continue;
        gint64 e = c;
        while (e + 1 < end && (words[(e + 1) / 64] & (1ull << ((e + 1) % 64))))
            e++;
        g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", c);
        if (e > c)
            g_string_append_printf (s, "-%" G_GINT64_FORMAT, e);
        c = e;
    }
    return g_string_free (s, FALSE);
}

static gint32
kvm_vcpu_index (const KvmThread *t)
{
    /* qemu's number from the name; kvm's vcpu_id (on x86 the APIC id) only
     * when the name has none */
    return t->cls.role == KVM_ROLE_VCPU ? t->cls.index : t->kvm_vcpu;
}

static double
kvm_share (gint64 run, gint64 runnable)
{
    return run + runnable > 0 ? 100.0 * runnable / (run + runnable) : 0.0;
}

static KvmVm *
kvm_vm (GHashTable *vms, gint32 id)
{
    KvmVm *m = g_hash_table_lookup (vms, GINT_TO_POINTER (id));
    if (!m) {
        m = g_new0 (KvmVm, 1);
        m->vm = id;
        g_hash_table_insert (vms, GINT_TO_POINTER (id), m);
    }
    return m;
}

static int
kvm_vcpu_cmp (gconstpointer a, gconstpointer b)
{
    const KvmThread *x = *(KvmThread *const *) a, *y = *(KvmThread *const *) b;
    if (x->vm != y->vm)
        return (x->vm > y->vm) - (x->vm < y->vm);
    guint32 i = (guint32) kvm_vcpu_index (x), j = (guint32) kvm_vcpu_index (y); /* -1 last */
    if (i != j)
        return (i > j) - (i < j);
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The vCPUs of VM in VCPUS (sorted by kvm_vcpu_cmp: a VM's are side by
 * side): the index of the first, their number in *N.  A host of many VMs
 * asks this once per VM: a search, not a pass over every vCPU. */
static guint
kvm_vm_vcpus (GPtrArray *vcpus, gint32 vm, guint *n)
{
    guint lo = 0, hi = vcpus->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (((const KvmThread *) g_ptr_array_index (vcpus, mid))->vm < vm)
            lo = mid + 1;
        else
            hi = mid;
    }
    guint end = lo;
    while (end < vcpus->len && ((const KvmThread *) g_ptr_array_index (vcpus, end))->vm == vm)
        end++;
    *n = end - lo;
    return lo;
}

static int
kvm_thread_cmp (gconstpointer a, gconstpointer b)
{
    const KvmThread *x = *(KvmThread *const *) a, *y = *(KvmThread *const *) b;
    if (x->vm != y->vm)
        return (x->vm > y->vm) - (x->vm < y->vm);
    if (x->role != y->role)
        return (x->role > y->role) - (x->role < y->role);
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* --- the tables' columns ------------------------------------------------------ */

/* A thread as its row of kvm.vcpus or kvm.threads shows it. */
typedef struct {
    KvmThread x;
    gint32 vcpu;                     /* -1: unknown */
    const char *role;
    char *cpus;                      /* owned */
    double steal_pct;                /* NaN: neither ran nor waited */
    gint64 wakeups;
    gint64 guest_ns, host_ns, exits; /* -1: no kvm_* events */
    guint32 task_seq;                /* which task of its pid */
} KvmThreadRow;

static void
kvm_thread_row (Kvm *k, KvmThreadRow *row, const KvmThread *x)
{
    row->x = *x;
    row->task_seq = x->task != FTA_TASK_NONE ? fta_context_task_seq (k->ctx, x->task) : 0;
    row->vcpu = kvm_vcpu_index (x);
    row->role = kvm_role_names[x->role];
    row->cpus = kvm_bits_text (x->cpus, x->cpu_words);
    row->steal_pct = x->run_ns + x->runnable_ns > 0 ? kvm_share (x->run_ns, x->runnable_ns)
                                                     : NAN;
    row->wakeups = (gint64) (k->total_waking ? x->waking : x->wakeup);
    row->guest_ns = x->kvm ? x->v->guest_ns : -1;
    row->host_ns = x->kvm ? MAX (x->run_ns - x->v->guest_ns, 0) : -1;
    row->exits = x->kvm ? (gint64) x->v->exits : -1;
}

#define THREAD(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (KvmThreadRow, member)
#define KVM_COL_VM { "vm", FTA_COL_INT, TRUE, THREAD (FTA_FIELD_INT32, x.vm) }
#define KVM_COL_PID { "pid", FTA_COL_INT, TRUE, THREAD (FTA_FIELD_INT32, x.pid) }
#define KVM_COL_COMM { "comm", FTA_COL_STRING, THREAD (FTA_FIELD_CHARS, x.comm) }
#define KVM_COL_ROLE { "role", FTA_COL_STRING, THREAD (FTA_FIELD_STRING, role) }
/* the task-state times both thread tables start with */
#define KVM_COLS_STATES                                                           \
    { "run_ns", FTA_COL_DURATION, THREAD (FTA_FIELD_INT64, x.run_ns) },           \
    { "runnable_ns", FTA_COL_DURATION, THREAD (FTA_FIELD_INT64, x.runnable_ns) }, \
    { "preempted", FTA_COL_COUNT, THREAD (FTA_FIELD_UINT64, x.preempted) },      \
    { "sleep_ns", FTA_COL_DURATION, THREAD (FTA_FIELD_INT64, x.sleep_ns) }
#define KVM_COL_MIGRATIONS                                                   \
    { "migrations", FTA_COL_COUNT, THREAD (FTA_FIELD_UINT64, x.migrations) }
#define KVM_COL_BLOCKED                                                      \
    { "blocked_ns", FTA_COL_DURATION, THREAD (FTA_FIELD_INT64, x.blocked_ns) }
#define KVM_COL_CPUS { "cpus", FTA_COL_STRING, THREAD (FTA_FIELD_STRING, cpus) }
/* last: which task of its pid, in text only when a pid names two */
#define KVM_COL_TASK_SEQ                                                     \
    { "task_seq", FTA_COL_INT, .rank = FTA_RANK_DETAIL,                      \
      THREAD (FTA_FIELD_UINT32, task_seq) }

/* kvm.vcpus, a row per vCPU thread */
static const FtaColumnSpec kvm_vcpu_columns[] = {
    KVM_COL_VM,
    KVM_COL_PID,
    KVM_COL_COMM,
    { "vcpu", FTA_COL_INT, THREAD (FTA_FIELD_ID32, vcpu) },
    KVM_COLS_STATES,
    KVM_COL_MIGRATIONS,
    KVM_COL_BLOCKED,
    KVM_COL_CPUS,
    KVM_COL_ROLE,
    { "steal_pct", FTA_COL_PERCENT, THREAD (FTA_FIELD_OPT_DOUBLE, steal_pct) },
    { "preempted_wait_ns", FTA_COL_DURATION, THREAD (FTA_FIELD_INT64, x.preempted_wait_ns) },
    { "wakeups", FTA_COL_COUNT, THREAD (FTA_FIELD_INT64, wakeups) },
    { "guest_ns", FTA_COL_DURATION, THREAD (FTA_FIELD_OPT_INT64, guest_ns) },
    { "host_ns", FTA_COL_DURATION, THREAD (FTA_FIELD_OPT_INT64, host_ns) },
    { "exits", FTA_COL_COUNT, THREAD (FTA_FIELD_OPT_INT64, exits) },
    KVM_COL_TASK_SEQ,
};
/* a NULL title: made in finish (fta_table_set_title) */
static const FtaTableSpec kvm_vcpus_spec = FTA_TABLE_SPEC ("vcpus", NULL, kvm_vcpu_columns);

/* kvm.threads, a row per other thread of a VM */
static const FtaColumnSpec kvm_thread_columns[] = {
    KVM_COL_VM,
    KVM_COL_PID,
    KVM_COL_COMM,
    KVM_COL_ROLE,
    KVM_COLS_STATES,
    KVM_COL_BLOCKED,
    KVM_COL_CPUS,
    KVM_COL_MIGRATIONS,
    KVM_COL_TASK_SEQ,
};
static const FtaTableSpec kvm_threads_spec = FTA_TABLE_SPEC ("threads", NULL, kvm_thread_columns);

/* A VM as its row of kvm.vms, or of kvm.vm_steal in one window, shows it. */
typedef struct {
    KvmVm m;
    gint64 t_ns;          /* kvm.vm_steal: the window's start */
    double steal_pct;     /* NaN: its vCPUs neither ran nor waited */
    gint64 guest_ns;      /* -1: no kvm_* events */
    char *grouping, *vcpu_ids, *cpus; /* owned */
    guint64 cpu_count;
    char *top_holders;    /* owned, NULL: its vCPUs never waited */
    char *steal_note;     /* owned, NULL: flagged, or no vCPU reached steal_pct */
} KvmVmRow;

static void
kvm_vm_row (KvmVmRow *row, const KvmVm *m)
{
    memset (row, 0, sizeof *row);
    row->m = *m;
    row->steal_pct = m->run_ns + m->runnable_ns > 0 ? kvm_share (m->run_ns, m->runnable_ns)
                                                     : NAN;
    row->guest_ns = m->has_guest ? m->guest_ns : -1;
}

#define VM(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (KvmVmRow, member)
#define KVM_COL_VM_ID { "vm", FTA_COL_INT, TRUE, VM (FTA_FIELD_INT32, m.vm) }
#define KVM_COL_VM_NAME { "name", FTA_COL_STRING, VM (FTA_FIELD_STRING, m.name) }
#define KVM_COL_VM_STEAL { "steal_pct", FTA_COL_PERCENT, VM (FTA_FIELD_OPT_DOUBLE, steal_pct) }

/* kvm.vms, a row per VM */
static const FtaColumnSpec kvm_vm_columns[] = {
    KVM_COL_VM_ID,
    KVM_COL_VM_NAME,
    { "vcpus", FTA_COL_COUNT, VM (FTA_FIELD_UINT64, m.vcpus) },
    { "run_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.run_ns) },
    { "runnable_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.runnable_ns) },
    { "preempted", FTA_COL_COUNT, VM (FTA_FIELD_UINT64, m.preempted) },
    { "sleep_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.sleep_ns) },
    { "blocked_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.blocked_ns) },
    KVM_COL_VM_STEAL,
    { "vhost_run_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.vhost_ns) },
    { "iothread_run_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.iothread_ns) },
    { "emulator_run_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.emulator_ns) },
    { "guest_ns", FTA_COL_DURATION, VM (FTA_FIELD_OPT_INT64, guest_ns) },
    { "grouping", FTA_COL_STRING, VM (FTA_FIELD_STRING, grouping) },
    { "vcpu_ids", FTA_COL_STRING, VM (FTA_FIELD_STRING, vcpu_ids) },
    { "cpus", FTA_COL_STRING, VM (FTA_FIELD_STRING, cpus) },
    { "cpu_count", FTA_COL_COUNT, VM (FTA_FIELD_UINT64, cpu_count) },
    { "top_holders", FTA_COL_STRING, VM (FTA_FIELD_STRING, top_holders) },
    { "steal_note", FTA_COL_STRING, VM (FTA_FIELD_STRING, steal_note) },
};
static const FtaTableSpec kvm_vms_spec = FTA_TABLE_SPEC ("vms", NULL, kvm_vm_columns);

/* kvm.vm_steal, a row per VM and window */
static const FtaColumnSpec kvm_steal_columns[] = {
    { "t_ns", FTA_COL_DURATION, TRUE, .display_unit = "s", VM (FTA_FIELD_INT64, t_ns) },
    KVM_COL_VM_ID,
    KVM_COL_VM_NAME,
    KVM_COL_VM_STEAL,
    { "run_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.run_ns) },
    { "runnable_ns", FTA_COL_DURATION, VM (FTA_FIELD_INT64, m.runnable_ns) },
};
static const FtaTableSpec kvm_steal_spec = FTA_TABLE_SPEC ("vm_steal", NULL, kvm_steal_columns);

/* A row of the tables about a vCPU thread and another thread or an exit
 * reason: kvm.preemptors, kvm.holders, kvm.vm_holders, kvm.exits. */
typedef struct {
    gint32 vm, vcpu, vcpu_pid; /* vcpu -1: the thread's number is unknown */
    const char *vcpu_comm;
    gint32 pid;                /* the preemptor, the holder, the vCPU */
    const char *comm;
    guint64 count;
    gint64 ns;
    double share;
    const char *same_vm;
    gint32 other_vm;           /* the preemptor's or holder's VM, -1 none */
    const char *other_role;    /* ... and its role there, NULL none */
    const char *reason, *kind; /* kvm.exits */
} KvmRow;

#define ROW(kind, member) .field = kind, .offset = G_STRUCT_OFFSET (KvmRow, member)
#define KVM_ROW_VCPU { "vcpu", FTA_COL_INT, ROW (FTA_FIELD_ID32, vcpu) }
#define KVM_ROW_VM { "vm", FTA_COL_INT, TRUE, ROW (FTA_FIELD_INT32, vm) }
#define KVM_ROW_VCPU_THREAD                                          \
    { "vcpu_pid", FTA_COL_INT, TRUE, ROW (FTA_FIELD_INT32, vcpu_pid) }, \
    { "vcpu_comm", FTA_COL_STRING, ROW (FTA_FIELD_STRING, vcpu_comm) }
/* who held a vCPU's CPU: holder, time, share, preemptions, whose */
#define KVM_ROW_HOLDER                                                      \
    { "holder_pid", FTA_COL_INT, TRUE, ROW (FTA_FIELD_INT32, pid) },        \
    { "holder_comm", FTA_COL_STRING, ROW (FTA_FIELD_STRING, comm) },        \
    { "wait_ns", FTA_COL_DURATION, ROW (FTA_FIELD_INT64, ns) },             \
    { "share_pct", FTA_COL_PERCENT, ROW (FTA_FIELD_DOUBLE, share) },        \
    { "preemptions", FTA_COL_COUNT, ROW (FTA_FIELD_UINT64, count) },        \
    { "same_vm", FTA_COL_STRING, ROW (FTA_FIELD_STRING, same_vm) },         \
    { "holder_role", FTA_COL_STRING, ROW (FTA_FIELD_STRING, other_role) }

static const FtaColumnSpec kvm_preemptor_columns[] = {
    KVM_ROW_VM,
    KVM_ROW_VCPU,
    { "pid", FTA_COL_INT, TRUE, ROW (FTA_FIELD_INT32, pid) },
    { "comm", FTA_COL_STRING, ROW (FTA_FIELD_STRING, comm) },
    { "count", FTA_COL_COUNT, ROW (FTA_FIELD_UINT64, count) },
    { "ns", FTA_COL_DURATION, ROW (FTA_FIELD_INT64, ns) },
    KVM_ROW_VCPU_THREAD,
    { "preemptor_vm", FTA_COL_INT, ROW (FTA_FIELD_ID32, other_vm) },
    { "preemptor_role", FTA_COL_STRING, ROW (FTA_FIELD_STRING, other_role) },
};
static const FtaTableSpec kvm_preemptors_spec = FTA_TABLE_SPEC (
    "preemptors", "Who preempted the vCPUs, and how long they then waited for a CPU",
    kvm_preemptor_columns);

static const FtaColumnSpec kvm_exit_columns[] = {
    KVM_ROW_VM,
    KVM_ROW_VCPU,
    { "pid", FTA_COL_INT, TRUE, ROW (FTA_FIELD_INT32, pid) },
    { "reason", FTA_COL_STRING, TRUE, ROW (FTA_FIELD_STRING, reason) },
    { "count", FTA_COL_COUNT, ROW (FTA_FIELD_UINT64, count) },
    { "kind", FTA_COL_STRING, TRUE, ROW (FTA_FIELD_STRING, kind) },
    { "handling_ns", FTA_COL_DURATION, ROW (FTA_FIELD_INT64, ns) },
};
static const FtaTableSpec kvm_exits_spec = FTA_TABLE_SPEC (
    "exits", "VM exits per vCPU and reason (kvm_exit, kvm_userspace_exit)", kvm_exit_columns);

static const FtaColumnSpec kvm_holder_columns[] = {
    KVM_ROW_VM,
    KVM_ROW_VCPU,
    KVM_ROW_VCPU_THREAD,
    KVM_ROW_HOLDER,
};
static const FtaTableSpec kvm_holders_spec = FTA_TABLE_SPEC (
    "holders", "Who held the vCPUs' CPUs while they waited for one", kvm_holder_columns);

static const FtaColumnSpec kvm_vm_holder_columns[] = {
    KVM_ROW_VM,
    KVM_ROW_HOLDER,
};
static const FtaTableSpec kvm_vm_holders_spec = FTA_TABLE_SPEC (
    "vm_holders", "Who held the CPUs of each VM's vCPUs while they waited for one",
    kvm_vm_holder_columns);

/* Every kvm table but exits is made of task-state spans. */
static FtaTable *
kvm_table (FtaResults *r, const FtaTableSpec *spec)
{
    FtaTable *t = fta_results_add_table_spec (r, "kvm", spec);
    fta_table_set_needs (t, "sched_switch");
    return t;
}

/* The vCPU thread V's part of a KvmRow. */
static void
kvm_row_vcpu (KvmRow *row, const KvmThread *v)
{
    row->vm = v->vm;
    row->vcpu = kvm_vcpu_index (v);
    row->vcpu_pid = v->pid;
    row->vcpu_comm = v->comm;
}

/* PID's (task TASK's) VM and role, when it belongs to one. */
static void
kvm_row_other (Kvm *k, KvmRow *row, gint32 pid, guint32 task)
{
    KvmThread *o = pid > 0 ? fta_tasks_find (k->threads, task, pid, -1) : NULL;
    row->other_vm = o && o->vm >= 0 ? o->vm : -1;
    row->other_role = o && o->vm >= 0 ? kvm_role_names[o->role] : NULL;
    row->same_vm = o && o->vm == row->vm ? "yes" : "no";
}

static void
kvm_table_threads (Kvm *k, FtaResults *r, const FtaTableSpec *spec, GPtrArray *threads,
                   const char *title)
{
    FtaTable *t = kvm_table (r, spec);
    fta_table_set_title (t, title);
    gboolean reused = FALSE;
    for (guint i = 0; i < threads->len; i++) {
        KvmThreadRow row;
        kvm_thread_row (k, &row, g_ptr_array_index (threads, i));
        fta_table_add_row_from (t, spec, &row, NULL);
        reused |= row.task_seq > 0;
        g_free (row.cpus);
    }
    if (reused)
        fta_table_set_column_rank (t, spec->n_columns - 1, 0);
}

static int
kvm_vm_cmp (gconstpointer a, gconstpointer b)
{
    const KvmVm *x = *(KvmVm *const *) a, *y = *(KvmVm *const *) b;
    return (x->vm > y->vm) - (x->vm < y->vm);
}

static void
kvm_bit_set (guint64 **words, guint *n, gint64 bit)
{
    guint w = (guint) (bit / 64);
    if (w >= *n) {
        guint m = MAX (w + 1, *n * 2);
        *words = g_renew (guint64, *words, m);
        memset (*words + *n, 0, (m - *n) * sizeof (guint64));
        *n = m;
    }
    (*words)[w] |= 1ull << (bit % 64);
}

/* The row's vcpu_ids, cpus and cpu_count: its VM's vCPUs (of VCPUS) as
 * their numbers, and the CPUs they ran on. */
static void
kvm_vm_spread (KvmVmRow *row, GPtrArray *vcpus)
{
    guint64 *idw = NULL, *cw = NULL;
    guint idn = 0, cn = 0, n;
    guint first = kvm_vm_vcpus (vcpus, row->m.vm, &n);
    for (guint i = first; i < first + n; i++) {
        const KvmThread *t = g_ptr_array_index (vcpus, i);
        if (kvm_vcpu_index (t) >= 0)
            kvm_bit_set (&idw, &idn, kvm_vcpu_index (t));
        for (guint w = 0; w < t->cpu_words; w++)
            for (guint b = 0; b < 64; b++)
                if (t->cpus[w] & (1ull << b))
                    kvm_bit_set (&cw, &cn, (gint64) w * 64 + b);
    }
    row->vcpu_ids = kvm_bits_text (idw, idn);
    row->cpus = kvm_bits_text (cw, cn);
    row->cpu_count = 0;
    for (guint w = 0; w < cn; w++)
        row->cpu_count += (guint) __builtin_popcountll (cw[w]);
    g_free (idw);
    g_free (cw);
}

static char *kvm_vm_top_holders (Kvm *k, const KvmVm *vm, GPtrArray *vcpus);
static GPtrArray *kvm_steal_bad (Kvm *k, const KvmVm *m, GPtrArray *vcpus);

/* Why VM M is not in kvm.vcpu-steal although one of its vCPUs waited
 * steal_pct of the time it wanted to run, or NULL: a trace shorter than
 * min_runnable_ms per vCPU never raises it, and a person reading a high
 * steal next to no finding should be told so. */
static char *
kvm_steal_note (Kvm *k, const KvmVm *m, GPtrArray *vcpus)
{
    GPtrArray *bad = kvm_steal_bad (k, m, vcpus);
    if (bad) {
        g_ptr_array_free (bad, TRUE);
        return NULL;
    }
    guint n, first = kvm_vm_vcpus (vcpus, m->vm, &n);
    for (guint i = first; i < first + n; i++) {
        const KvmThread *t = g_ptr_array_index (vcpus, i);
        if (t->runnable_ns > 0 && kvm_share (t->run_ns, t->runnable_ns) >= k->steal_pct) {
            return g_strdup_printf ("below the rule's %" G_GINT64_FORMAT " ms minimum wait "
                                    "per vCPU (min_runnable_ms)", k->min_runnable_ns / 1000000);
        }
    }
    return NULL;
}

static void
kvm_table_vms (Kvm *k, FtaResults *r, GPtrArray *vms, GPtrArray *vcpus, const char *how)
{
    char *title = g_strdup_printf ("VMs: their vCPUs and qemu/vhost threads %s", how);
    FtaTable *t = kvm_table (r, &kvm_vms_spec);
    fta_table_set_title (t, title);
    g_free (title);
    for (guint i = 0; i < vms->len; i++) {
        KvmVmRow row;
        kvm_vm_row (&row, g_ptr_array_index (vms, i));
        row.grouping = kvm_grouping_text (row.m.by);
        kvm_vm_spread (&row, vcpus);
        row.top_holders = kvm_vm_top_holders (k, g_ptr_array_index (vms, i), vcpus);
        row.steal_note = kvm_steal_note (k, g_ptr_array_index (vms, i), vcpus);
        fta_table_add_row_from (t, &kvm_vms_spec, &row, NULL);
        g_free (row.steal_note);
        g_free (row.grouping);
        g_free (row.vcpu_ids);
        g_free (row.cpus);
        g_free (row.top_holders);
    }
}

/* SPAN / 100 rounded up to 1, 2 or 5 x 10^k, a multiple of RES (10^j, or
 * --window x 10^j). */
static gint64
kvm_pick_window (gint64 span, gint64 res)
{
    gint64 raw = MAX ((span + 99) / 100, 1), p = 1;
    while (p <= G_MAXINT64 / 10 && p * 10 <= raw)
        p *= 10;
    gint64 w = raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
    w = MAX (w, res);
    return (w + res - 1) / res * res;
}

/* kvm.vm_steal: per window and VM, its vCPUs' run and runnable time and
 * the steal share.  Only when there are VMs. */
static void
kvm_series_steal (Kvm *k, FtaResults *r, GPtrArray *vms, GPtrArray *vcpus)
{
    if (!vms->len || k->t0 == G_MININT64)
        return;
    gint64 span = MAX (k->t_last - k->t0, 1);
    gint64 w = k->asked_ns > 0 ? MAX (k->asked_ns, k->res) : kvm_pick_window (span, k->res);
    if (w % k->res)
        w = (w + k->res - 1) / k->res * k->res;
    /* the buckets cover the vCPUs' times only: a trace that goes on long
     * after its last vCPU event must not ask for windows without bound */
    while ((span + w - 1) / w > KVM_BUCKETS && w <= G_MAXINT64 / 10)
        w *= 10;
    guint per = (guint) (w / k->res), n = (guint) ((span + w - 1) / w);
    const FtaQuality *q = fta_results_quality (r);
    gint64 first = q && q->first_ts_ns >= 0 ? MIN (q->first_ts_ns, k->t0) : k->t0;
    char *title = k->asked_ns > 0 && w != k->asked_ns
                      ? g_strdup_printf ("vCPUs' steal per VM over time (windows of %.3f ms; "
                                         "--window widened: at most %u windows)",
                                         w / 1e6, KVM_BUCKETS)
                      : g_strdup_printf ("vCPUs' steal per VM over time (windows of %.3f ms)",
                                         w / 1e6);
    FtaTable *t = fta_results_add_series_spec (r, "kvm", &kvm_steal_spec, w, k->t0);
    fta_table_set_title (t, title);
    fta_table_set_needs (t, "sched_switch");
    g_free (title);
    gint64 *sum = g_new (gint64, 2 * (gsize) n);
    for (guint v = 0; v < vms->len; v++) {
        const KvmVm *m = g_ptr_array_index (vms, v);
        memset (sum, 0, 2 * (gsize) n * sizeof *sum);
        guint n_mine, v0 = kvm_vm_vcpus (vcpus, m->vm, &n_mine);
        for (guint i = v0; i < v0 + n_mine; i++) {
            const KvmVcpuPart *x = ((const KvmThread *) g_ptr_array_index (vcpus, i))->v;
            guint nr = x && x->bruns ? x->bruns->len + x->has_blast : 0;
            for (guint j = 0; j < nr; j++) {
                const KvmRun *b = j < x->bruns->len ? &g_array_index (x->bruns, KvmRun, j)
                                                    : &x->blast;
                guint win = MIN (b->idx / per, n - 1);
                sum[2 * win] += b->ns[0];
                sum[2 * win + 1] += b->ns[1];
            }
        }
        for (guint i = 0; i < n; i++) {
            KvmVm in = *m;
            in.run_ns = sum[2 * i];
            in.runnable_ns = sum[2 * i + 1];
            KvmVmRow row;
            kvm_vm_row (&row, &in);
            row.t_ns = k->t0 - first + (gint64) i * w;
            fta_table_add_row_from (t, &kvm_steal_spec, &row, NULL);
        }
    }
    g_free (sum);
}

static int
kvm_pair_cmp (gconstpointer a, gconstpointer b)
{
    const KvmPair *x = *(KvmPair *const *) a, *y = *(KvmPair *const *) b;
    if (x->ns != y->ns)
        return (x->ns < y->ns) - (x->ns > y->ns);
    if (x->count != y->count)
        return (x->count < y->count) - (x->count > y->count);
    if (x->pid != y->pid)
        return (x->pid > y->pid) - (x->pid < y->pid);
    return (x->preemptor > y->preemptor) - (x->preemptor < y->preemptor);
}

/* Whether P, a preemption of a vCPU-like thread, is reported: its thread
 * is a vCPU the report selects. */
static gboolean
kvm_pair_reported (const KvmPair *p)
{
    return p->thread->role == KVM_ROLE_VCPU && p->thread->selected;
}

/* Preemptions of selected vCPU threads, most wait first. */
static GPtrArray *
kvm_vcpu_pairs (Kvm *k)
{
    GPtrArray *a = g_ptr_array_new ();
    for (guint i = 0; i < k->pairs->len; i++) {
        KvmPair *p = g_ptr_array_index (k->pairs, i);
        if (kvm_pair_reported (p))
            g_ptr_array_add (a, p);
    }
    g_ptr_array_sort (a, kvm_pair_cmp);
    return a;
}

static void
kvm_table_preemptors (Kvm *k, FtaResults *r, GPtrArray *pairs)
{
    FtaTable *t = kvm_table (r, &kvm_preemptors_spec);
    for (guint i = 0; i < pairs->len; i++) {
        KvmPair *p = g_ptr_array_index (pairs, i);
        KvmRow row = { .pid = p->preemptor, .comm = p->comm, .count = p->count, .ns = p->ns };
        kvm_row_vcpu (&row, p->thread);
        kvm_row_other (k, &row, p->preemptor, p->preemptor_task);
        fta_table_add_row_from (t, &kvm_preemptors_spec, &row, NULL);
    }
}

static int
kvm_exit_cmp (gconstpointer a, gconstpointer b)
{
    const KvmExit *x = *(KvmExit *const *) a, *y = *(KvmExit *const *) b;
    if (x->count != y->count)
        return (x->count < y->count) - (x->count > y->count);
    if (x->pid != y->pid)
        return (x->pid > y->pid) - (x->pid < y->pid);
    return (x->reason > y->reason) - (x->reason < y->reason);
}

static void
kvm_table_exits (Kvm *k, FtaResults *r)
{
    GPtrArray *a = g_ptr_array_new ();
    for (guint i = 0; i < k->exits->len; i++) {
        KvmExit *x = g_ptr_array_index (k->exits, i);
        if (x->thread->selected)
            g_ptr_array_add (a, x);
    }
    g_ptr_array_sort (a, kvm_exit_cmp);
    FtaTable *t = fta_results_add_table_spec (r, "kvm", &kvm_exits_spec);
    for (guint i = 0; i < a->len; i++) {
        KvmExit *x = g_ptr_array_index (a, i);
        KvmRow row = {
            .pid = x->pid,
            .reason = g_ptr_array_index (k->reasons, x->reason & ~KVM_USERSPACE),
            .count = x->count,
            .kind = (x->reason & KVM_USERSPACE) ? "kvm_userspace_exit" : "kvm_exit",
            .ns = x->handling_ns,
        };
        kvm_row_vcpu (&row, x->thread);
        fta_table_add_row_from (t, &kvm_exits_spec, &row, NULL);
    }
    g_ptr_array_free (a, TRUE);
}

/* "2.345 s", "12.3 ms", "450 us" */
static char *
kvm_dur (gint64 ns)
{
    if (ns >= 1000000000)
        return g_strdup_printf ("%.3f s", ns / 1e9);
    if (ns >= 1000000)
        return g_strdup_printf ("%.1f ms", ns / 1e6);
    return g_strdup_printf ("%.0f us", ns / 1e3);
}

typedef struct {
    gint32 pid;
    guint32 task;
    char comm[FTA_COMM_LEN];
    guint64 count;
    gint64 ns;
} KvmCulprit;

static int
kvm_culprit_cmp (gconstpointer a, gconstpointer b)
{
    const KvmCulprit *x = a, *y = b;
    if (x->ns != y->ns)
        return (x->ns < y->ns) - (x->ns > y->ns);
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Who held the CPUs of the THREADS while they waited, summed over them,
 * most time first, with their preemptions of them (from PAIRS). */
static GArray *
kvm_culprits (GPtrArray *threads)
{
    GArray *culprits = g_array_new (FALSE, TRUE, sizeof (KvmCulprit));
    GHashTable *at = g_hash_table_new (g_direct_hash, g_direct_equal); /* pid -> index + 1 */
    for (guint i = 0; i < threads->len; i++) {
        KvmVcpuPart *t = ((KvmThread *) g_ptr_array_index (threads, i))->v;
        if (!t || !t->holds)
            continue;
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init (&it, t->holds);
        while (g_hash_table_iter_next (&it, NULL, &v)) {
            KvmHold *h = v;
            if (h->pid < 0)
                continue;
            guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (at, GINT_TO_POINTER (h->pid)));
            if (!idx) {
                g_array_set_size (culprits, culprits->len + 1);
                KvmCulprit *c = &g_array_index (culprits, KvmCulprit, culprits->len - 1);
                c->pid = h->pid;
                c->task = h->task;
                g_strlcpy (c->comm, h->comm, FTA_COMM_LEN);
                idx = culprits->len;
                g_hash_table_insert (at, GINT_TO_POINTER (h->pid), GUINT_TO_POINTER (idx));
            }
            g_array_index (culprits, KvmCulprit, idx - 1).ns += h->ns;
        }
    }
    /* each thread's own preemptions, as kvm_vcpu_pairs keeps them: a host
     * of many VMs asks this once per VM and per vCPU */
    for (guint i = 0; i < threads->len; i++) {
        const KvmVcpuPart *t = ((const KvmThread *) g_ptr_array_index (threads, i))->v;
        for (guint j = 0; t && t->pairs && j <= t->pair_mask; j++) {
            const KvmPair *p = t->pairs[j];
            if (!p || !kvm_pair_reported (p))
                continue;
            guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (at, GINT_TO_POINTER (p->preemptor)));
            if (idx)
                g_array_index (culprits, KvmCulprit, idx - 1).count += p->count;
        }
    }
    g_hash_table_destroy (at);
    g_array_sort (culprits, kvm_culprit_cmp);
    return culprits;
}

/* kvm.holders (per vCPU) and kvm.vm_holders (per VM): who held the vCPUs'
 * CPUs while they waited, marked when the holder is the VM's own thread. */
static void
kvm_table_holders (Kvm *k, FtaResults *r, GPtrArray *vcpus, GPtrArray *vm_list)
{
    FtaTable *t = kvm_table (r, &kvm_holders_spec);
    FtaTable *v = kvm_table (r, &kvm_vm_holders_spec);
    for (guint m = 0; m < vm_list->len; m++) {
        const KvmVm *vm = g_ptr_array_index (vm_list, m);
        GPtrArray *mine = g_ptr_array_new ();
        gint64 runnable = 0;
        guint n, first = kvm_vm_vcpus (vcpus, vm->vm, &n);
        for (guint i = first; i < first + n; i++) {
            KvmThread *x = g_ptr_array_index (vcpus, i);
            g_ptr_array_add (mine, x);
            runnable += x->runnable_ns;
            GPtrArray *one = g_ptr_array_new ();
            g_ptr_array_add (one, x);
            GArray *cs = kvm_culprits (one);
            for (guint j = 0; j < cs->len && j < (guint) k->holders; j++) {
                KvmCulprit *c = &g_array_index (cs, KvmCulprit, j);
                KvmRow row = { .pid = c->pid, .comm = c->comm, .ns = c->ns, .count = c->count,
                               .share = x->runnable_ns > 0 ? 100.0 * c->ns / x->runnable_ns
                                                           : 0 };
                kvm_row_vcpu (&row, x);
                kvm_row_other (k, &row, c->pid, c->task);
                fta_table_add_row_from (t, &kvm_holders_spec, &row, NULL);
            }
            g_array_free (cs, TRUE);
            g_ptr_array_free (one, TRUE);
        }
        GArray *cs = kvm_culprits (mine);
        for (guint j = 0; j < cs->len && j < (guint) k->holders; j++) {
            KvmCulprit *c = &g_array_index (cs, KvmCulprit, j);
            KvmRow row = { .vm = vm->vm, .pid = c->pid, .comm = c->comm, .ns = c->ns,
                           .count = c->count,
                           .share = runnable > 0 ? 100.0 * c->ns / runnable : 0 };
            kvm_row_other (k, &row, c->pid, c->task);
            fta_table_add_row_from (v, &kvm_vm_holders_spec, &row, NULL);
        }
        g_array_free (cs, TRUE);
        g_ptr_array_free (mine, TRUE);
    }
}

/* kvm.vms' top_holders: who held the CPUs of VM's vCPUs (of VCPUS) while
 * they waited, the 3 largest, the VM's own threads marked; NULL when
 * none. */
static char *
kvm_vm_top_holders (Kvm *k, const KvmVm *vm, GPtrArray *vcpus)
{
    GPtrArray *mine = g_ptr_array_new ();
    guint n, first = kvm_vm_vcpus (vcpus, vm->vm, &n);
    for (guint i = first; i < first + n; i++)
        g_ptr_array_add (mine, g_ptr_array_index (vcpus, i));
    GArray *cs = kvm_culprits (mine);
    GString *s = g_string_new (NULL);
    for (guint j = 0; j < cs->len && j < 3; j++) {
        KvmCulprit *c = &g_array_index (cs, KvmCulprit, j);
        KvmThread *o = c->pid > 0 ? fta_tasks_find (k->threads, c->task, c->pid, -1) : NULL;
        char *d = kvm_dur (c->ns);
        g_string_append_printf (s, "%s%s[%d]%s %s", j ? ", " : "", c->comm, c->pid,
                                o && o->vm == vm->vm ? " (own)" : "", d);
        g_free (d);
    }
    g_array_free (cs, TRUE);
    g_ptr_array_free (mine, TRUE);
    return g_string_free (s, s->len == 0);
}

static int
kvm_count_cmp (gconstpointer a, gconstpointer b)
{
    const KvmCulprit *x = a, *y = b;
    if (x->count != y->count)
        return (x->count < y->count) - (x->count > y->count);
    return kvm_culprit_cmp (a, b);
}

static int
kvm_share_cmp (gconstpointer a, gconstpointer b)
{
    const KvmThread *x = *(KvmThread *const *) a, *y = *(KvmThread *const *) b;
    double s = kvm_share (x->run_ns, x->runnable_ns), u = kvm_share (y->run_ns, y->runnable_ns);
    if (s != u)
        return (s < u) - (s > u);
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* VM M's vCPUs (of VCPUS) that waited for a CPU too much of the time
 * they wanted to run, worst first; NULL when none. */
static GPtrArray *
kvm_steal_bad (Kvm *k, const KvmVm *m, GPtrArray *vcpus)
{
    GPtrArray *bad = g_ptr_array_new ();
    guint n, first = kvm_vm_vcpus (vcpus, m->vm, &n);
    for (guint i = first; i < first + n; i++) {
        KvmThread *t = g_ptr_array_index (vcpus, i);
        if (t->runnable_ns >= k->min_runnable_ns && t->runnable_ns > 0
            && kvm_share (t->run_ns, t->runnable_ns) >= k->steal_pct)
            g_ptr_array_add (bad, t);
    }
    if (!bad->len) {
        g_ptr_array_free (bad, TRUE);
        return NULL;
    }
    g_ptr_array_sort (bad, kvm_share_cmp);
    return bad;
}

/* Whether a vCPU of BAD (KvmThread*, above the threshold) is above it
 * in the waits the trace shows whole too: when none of a finding's is (a
 * filtered trace, or a recorder that leaves itself out, makes the rest
 * the model's inference), the finding is info. */
static gboolean
kvm_steal_shown (const Kvm *k, GPtrArray *bad)
{
    for (guint i = 0; i < bad->len; i++) {
        const KvmThread *t = g_ptr_array_index (bad, i);
        if (kvm_share (t->run_ns, t->runnable_ns - t->inferred_ns) >= k->steal_pct)
            return TRUE;
    }
    return FALSE;
}

/* A steal finding's severity: by its worst share TOP, info unless SHOWN. */
static FtaSeverity
kvm_steal_severity (const Kvm *k, gboolean shown, double top)
{
    if (!shown)
        return FTA_SEVERITY_INFO;
    return top >= 2 * k->steal_pct ? FTA_SEVERITY_CRITICAL : FTA_SEVERITY_WARNING;
}

/* The evidence of a steal finding lowered to info. */
static void
kvm_steal_inferred_note (FtaFinding *f, FtaSeverity sev)
{
    if (sev == FTA_SEVERITY_INFO)
        fta_finding_add_evidence (
            f, "inferred_wait",
            "the vCPUs' waits above the threshold happened while their CPUs' switches were "
            "not all recorded (the model inferred who ran: quality.inferred_switch_in; was "
            "the trace filtered?): the trace does not show the harm");
}

static const char kvm_steal_advice[] =
    "Give the vCPUs CPUs of their own: pin them (libvirt <vcpupin>/virsh vcpupin, or "
    "taskset -pc on the thread ids above), keep host work off those CPUs (isolcpus= or "
    "nohz_full= on the kernel command line, cpuset partitions, systemd AllowedCPUs= "
    "for other services), and pin qemu's emulator and I/O threads elsewhere (virsh "
    "emulatorpin, iothreadpin). If the preemptors must share those CPUs, lower their "
    "priority (nice 19, or SCHED_IDLE with chrt -i 0) rather than raising the vCPUs' "
    "to real-time (a spinning vCPU can then starve the host). Do not give a host's VMs "
    "more vCPUs than it has CPUs for them.";

static const char kvm_steal_cause[] =
    "The vCPU threads were runnable while the host ran other tasks on their CPUs; the guest "
    "sees this as steal time, and whatever the vCPU was running is delayed.";

/* "; held by A[1] 2.0 ms, B[2] 1.0 ms": who held the CPUs of THREADS
 * while they waited, the N largest, appended to S. */
static void
kvm_held_text (GString *s, GPtrArray *threads, guint n)
{
    GArray *cs = kvm_culprits (threads);
    for (guint j = 0; j < cs->len && j < n; j++) {
        KvmCulprit *c = &g_array_index (cs, KvmCulprit, j);
        char *d = kvm_dur (c->ns);
        g_string_append_printf (s, "%s%s[%d] %s", j ? ", " : "; held by ", c->comm, c->pid, d);
        g_free (d);
    }
    g_array_free (cs, TRUE);
}

/* One VM whose vCPUs waited for a CPU too much of the time they wanted to
 * run (BAD, worst first), naming who held the CPU. */
static void
kvm_find_steal (Kvm *k, FtaResults *r, const KvmVm *m, GPtrArray *bad)
{
    KvmThread *worst = g_ptr_array_index (bad, 0);
    double top = kvm_share (worst->run_ns, worst->runnable_ns);

    /* who held the affected vCPUs' CPUs while they waited, summed over
     * them, most time first; their preemptions a second number */
    GArray *culprits = kvm_culprits (bad);
    gboolean own = FALSE, other_vm = FALSE;
    GString *names = g_string_new (NULL), *list = g_string_new (NULL);
    for (guint j = 0; j < culprits->len && j < 3; j++) {
        KvmCulprit *c = &g_array_index (culprits, KvmCulprit, j);
        KvmThread *o = c->pid > 0 ? fta_tasks_find (k->threads, c->task, c->pid, -1) : NULL;
        const char *whose = "";
        if (o && o->vm == m->vm) {
            whose = " (this VM's own thread)";
            own = TRUE;
        } else if (o && o->vm >= 0) {
            whose = " (another VM's thread)";
            other_vm = TRUE;
        }
        char *d = kvm_dur (c->ns);
        g_string_append_printf (names, "%s%s[%d] (%s)", j ? ", " : "", c->comm, c->pid, d);
        g_string_append_printf (list, "%s%s[%d]%s: held the CPU %s of the wait, %"
                                G_GUINT64_FORMAT " preemption%s", j ? "; " : "", c->comm,
                                c->pid, whose, d, c->count, c->count == 1 ? "" : "s");
        g_free (d);
    }

    char *title = g_strdup_printf ("VM %d%s%s%s: %u vCPU thread%s waited for a host CPU "
                                   "up to %.1f%% of the time they wanted to run",
                                   m->vm, m->name ? " (" : "", m->name ? m->name : "",
                                   m->name ? ")" : "", bad->len, bad->len == 1 ? "" : "s",
                                   top);
    GString *cause = g_string_new (kvm_steal_cause);
    if (names->len)
        g_string_append_printf (cause, " While they waited, their CPUs ran %s.", names->str);
    if (own)
        g_string_append (cause, " Some of them are this VM's own qemu, I/O or vhost threads "
                         "sharing the vCPUs' CPUs.");
    if (other_vm)
        g_string_append (cause, " Other VMs' threads compete for the same CPUs "
                         "(overcommit).");
    FtaSeverity sev = kvm_steal_severity (k, kvm_steal_shown (k, bad), top);
    FtaFinding *f = fta_results_add_finding (r, sev, "kvm.vcpu-steal", title, cause->str,
                                             kvm_steal_advice);
    kvm_steal_inferred_note (f, sev);
    /* the cost: the time the VM's vCPUs above the threshold waited */
    gint64 waited = 0;
    for (guint i = 0; i < bad->len; i++)
        waited += ((KvmThread *) g_ptr_array_index (bad, i))->runnable_ns;
    fta_finding_set_cost (f, waited);
    char *vmv = g_strdup_printf ("%d", m->vm);
    fta_finding_add_evidence (f, "vm", vmv);
    g_free (vmv);
    for (guint i = 0; i < bad->len && i < 8; i++) {
        KvmThread *t = g_ptr_array_index (bad, i);
        char *key = kvm_vcpu_index (t) >= 0
                        ? g_strdup_printf ("vCPU %d (%s, pid %d)", kvm_vcpu_index (t), t->comm,
                                           t->pid)
                        : g_strdup_printf ("vCPU (%s, pid %d)", t->comm, t->pid);
        char *a = kvm_dur (t->runnable_ns), *b = kvm_dur (t->run_ns + t->runnable_ns);
        GPtrArray *one = g_ptr_array_new ();
        g_ptr_array_add (one, t);
        GString *held = g_string_new (NULL);
        kvm_held_text (held, one, 3);
        g_ptr_array_free (one, TRUE);
        char *val = g_strdup_printf ("runnable %s of %s wanted (%.1f%%), preempted %"
                                     G_GUINT64_FORMAT " times%s", a, b,
                                     kvm_share (t->run_ns, t->runnable_ns), t->preempted,
                                     held->str);
        g_string_free (held, TRUE);
        fta_finding_add_evidence (f, key, val);
        g_free (key);
        g_free (a);
        g_free (b);
        g_free (val);
    }
    if (bad->len > 8) {
        char *more = g_strdup_printf ("%u", bad->len - 8);
        fta_finding_add_evidence (f, "more vCPUs above the threshold", more);
        g_free (more);
    }
    if (list->len)
        fta_finding_add_evidence (f, "top holders", list->str);
    /* the preemptors by count: a second number, not who took the time */
    g_array_sort (culprits, kvm_count_cmp);
    GString *pre = g_string_new (NULL);
    for (guint j = 0, n = 0; j < culprits->len && n < 3; j++) {
        KvmCulprit *c = &g_array_index (culprits, KvmCulprit, j);
        if (!c->count)
            break;
        g_string_append_printf (pre, "%s%s[%d]: %" G_GUINT64_FORMAT " preemption%s",
                                n++ ? "; " : "", c->comm, c->pid, c->count,
                                c->count == 1 ? "" : "s");
    }
    if (pre->len)
        fta_finding_add_evidence (f, "top preemptors", pre->str);
    g_string_free (pre, TRUE);
    g_free (title);
    g_string_free (cause, TRUE);
    g_string_free (names, TRUE);
    g_string_free (list, TRUE);
    g_array_free (culprits, TRUE);
}

/* A VM of the host-wide finding: its vCPUs above the threshold. */
typedef struct {
    const KvmVm *m;
    GPtrArray *bad; /* KvmThread*, worst first */
    double top;     /* the worst one's share */
    gint64 waited;
} KvmSteal;

static int
kvm_steal_cmp (gconstpointer a, gconstpointer b)
{
    const KvmSteal *x = a, *y = b;
    if (x->top != y->top)
        return (x->top < y->top) - (x->top > y->top);
    if (x->waited != y->waited)
        return (x->waited < y->waited) - (x->waited > y->waited);
    return (x->m->vm > y->m->vm) - (x->m->vm < y->m->vm);
}

/* A kind of holder across VMs: a program, or the VMs' own threads. */
typedef struct {
    char *label;
    gint64 ns;
    GHashTable *pids; /* holder pids */
} KvmHolderGroup;

static void
kvm_holder_group_free (gpointer p)
{
    KvmHolderGroup *g = p;
    g_free (g->label);
    g_hash_table_destroy (g->pids);
    g_free (g);
}

static int
kvm_holder_group_cmp (gconstpointer a, gconstpointer b)
{
    const KvmHolderGroup *x = *(KvmHolderGroup *const *) a, *y = *(KvmHolderGroup *const *) b;
    if (x->ns != y->ns)
        return (x->ns < y->ns) - (x->ns > y->ns);
    return strcmp (x->label, y->label);
}

/* The holders of the CPUs of HIT's vCPUs while they waited, by kind: a
 * VM's own vCPUs or other threads, another VM's, or the program (comm)
 * of a host task; most time first.  OWN and OTHER tell whether VMs' own
 * threads or other VMs' threads are among the first N. */
static GPtrArray *
kvm_holder_groups (Kvm *k, GArray *hit, guint n, gboolean *own,
                   gboolean *other)
{
    GHashTable *by = g_hash_table_new (g_str_hash, g_str_equal);
    GPtrArray *groups = g_ptr_array_new_with_free_func (kvm_holder_group_free);
    for (guint i = 0; i < hit->len; i++) {
        const KvmSteal *s = &g_array_index (hit, KvmSteal, i);
        GArray *cs = kvm_culprits (s->bad);
        for (guint j = 0; j < cs->len; j++) {
            KvmCulprit *c = &g_array_index (cs, KvmCulprit, j);
            KvmThread *o = c->pid > 0 ? fta_tasks_find (k->threads, c->task, c->pid, -1) : NULL;
            const char *label = c->comm;
            if (o && o->vm >= 0 && o->role != KVM_ROLE_NONE) {
                gboolean same = o->vm == s->m->vm, vcpu = o->role == KVM_ROLE_VCPU;
                label = same ? (vcpu ? "the VMs' own vCPUs" : "the VMs' own qemu threads")
                             : (vcpu ? "other VMs' vCPUs" : "other VMs' qemu threads");
            }
            KvmHolderGroup *g = g_hash_table_lookup (by, label);
            if (!g) {
                g = g_new0 (KvmHolderGroup, 1);
                g->label = g_strdup (label);
                g->pids = g_hash_table_new (g_direct_hash, g_direct_equal);
                g_ptr_array_add (groups, g);
                g_hash_table_insert (by, g->label, g);
            }
            g->ns += c->ns;
            g_hash_table_add (g->pids, GINT_TO_POINTER (c->pid));
        }
        g_array_free (cs, TRUE);
    }
    g_hash_table_destroy (by);
    g_ptr_array_sort (groups, kvm_holder_group_cmp);
    *own = *other = FALSE;
    for (guint j = 0; j < groups->len && j < n; j++) {
        const char *l = ((KvmHolderGroup *) g_ptr_array_index (groups, j))->label;
        *own |= g_str_has_prefix (l, "the VMs' own");
        *other |= g_str_has_prefix (l, "other VMs'");
    }
    return groups;
}

/* Several VMs whose vCPUs waited for a CPU too much (HIT, one KvmSteal
 * each, of N_VMS VMs): one finding with their number, the spread of the
 * waits, the worst VMs and who held the CPUs across them.  The VMs'
 * details are in the evidence (the worst first) and in kvm.vms. */
static void
kvm_find_steal_host (Kvm *k, FtaResults *r, GArray *hit, guint n_vms, guint n_vcpus)
{
    g_array_sort (hit, kvm_steal_cmp);
    guint n_bad = 0;
    double lo = 100, hi = 0;
    gint64 waited = 0;
    for (guint i = 0; i < hit->len; i++) {
        const KvmSteal *s = &g_array_index (hit, KvmSteal, i);
        n_bad += s->bad->len;
        waited += s->waited;
        for (guint j = 0; j < s->bad->len; j++) {
            const KvmThread *t = g_ptr_array_index (s->bad, j);
            double x = kvm_share (t->run_ns, t->runnable_ns);
            lo = MIN (lo, x);
            hi = MAX (hi, x);
        }
    }
    GString *worst = g_string_new (NULL);
    for (guint i = 0; i < hit->len && i < 3; i++) {
        const KvmSteal *s = &g_array_index (hit, KvmSteal, i);
        g_string_append_printf (worst, "%sVM %d (%.1f%%)", i ? ", " : "", s->m->vm, s->top);
    }
    if (hit->len > 3)
        g_string_append (worst, ", ...");
    char *range = g_strdup_printf (lo < hi ? "%.0f\u2013%.0f%%" : "%.0f%%", lo, hi);
    char *title = g_strdup_printf ("%u of %u VMs: vCPUs waited %s of the time they wanted to "
                                   "run; worst: %s", hit->len, n_vms, range, worst->str);

    gboolean own, other;
    GPtrArray *groups = kvm_holder_groups (k, hit, 3, &own, &other);
    GString *held = g_string_new (NULL), *ran = g_string_new (NULL);
    for (guint j = 0; j < groups->len && j < 4; j++) {
        const KvmHolderGroup *g = g_ptr_array_index (groups, j);
        guint np = g_hash_table_size (g->pids);
        char *d = kvm_dur (g->ns);
        g_string_append_printf (held, "%s%s", j ? ", " : "held by ", g->label);
        if (np > 1 && !g_str_has_prefix (g->label, "the VMs'") &&
            !g_str_has_prefix (g->label, "other VMs'"))
            g_string_append_printf (held, " (%u threads)", np);
        g_string_append_printf (held, " %s", d);
        if (j < 3)
            g_string_append_printf (ran, "%s%s (%s)", j ? ", " : "", g->label, d);
        g_free (d);
    }
    GString *cause = g_string_new (kvm_steal_cause);
    if (ran->len)
        g_string_append_printf (cause, " While they waited, their CPUs ran %s.", ran->str);
    if (own)
        g_string_append (cause, " Some of them are the VMs' own qemu, I/O, vhost or vCPU "
                         "threads sharing the vCPUs' CPUs.");
    if (other)
        g_string_append (cause, " Other VMs' threads compete for the same CPUs "
                         "(overcommit).");
    gboolean shown = FALSE;
    for (guint i = 0; i < hit->len && !shown; i++)
        shown = kvm_steal_shown (k, g_array_index (hit, KvmSteal, i).bad);
    FtaSeverity sev = kvm_steal_severity (k, shown, hi);
    FtaFinding *f = fta_results_add_finding (r, sev, "kvm.vcpu-steal", title, cause->str,
                                             kvm_steal_advice);
    kvm_steal_inferred_note (f, sev);
    fta_finding_set_cost (f, waited);
    const KvmSteal *w0 = &g_array_index (hit, KvmSteal, 0);
    char *v = g_strdup_printf ("%d", w0->m->vm);
    fta_finding_add_evidence (f, "vm", v);
    g_free (v);
    v = g_strdup_printf ("%u of %u", hit->len, n_vms);
    fta_finding_add_evidence (f, "vms", v);
    g_free (v);
    v = g_strdup_printf ("%u of %u", n_bad, n_vcpus);
    fta_finding_add_evidence (f, "vcpus", v);
    g_free (v);
    v = g_strdup_printf ("%.1f\u2013%.1f%%", lo, hi);
    fta_finding_add_evidence (f, "waited_of_wanted", v);
    g_free (v);
    if (held->len)
        fta_finding_add_evidence (f, "across the VMs", held->str);
    for (guint i = 0; i < hit->len && i < 8; i++) {
        const KvmSteal *s = &g_array_index (hit, KvmSteal, i);
        char *key = g_strdup_printf ("VM %d%s%s%s", s->m->vm, s->m->name ? " (" : "",
                                     s->m->name ? s->m->name : "", s->m->name ? ")" : "");
        char *d = kvm_dur (s->waited);
        GString *val = g_string_new (NULL);
        g_string_printf (val, "%u vCPU%s up to %.1f%%, runnable %s", s->bad->len,
                         s->bad->len == 1 ? "" : "s", s->top, d);
        kvm_held_text (val, s->bad, 3);
        fta_finding_add_evidence (f, key, val->str);
        g_string_free (val, TRUE);
        g_free (d);
        g_free (key);
    }
    if (hit->len > 8) {
        v = g_strdup_printf ("%u (kvm.vms has each VM's steal_pct and top holders)",
                             hit->len - 8);
        fta_finding_add_evidence (f, "more VMs above the threshold", v);
        g_free (v);
    }
    GString *all = g_string_new (NULL);
    for (guint i = 0; i < hit->len; i++)
        g_string_append_printf (all, "%s%d", i ? ", " : "",
                                g_array_index (hit, KvmSteal, i).m->vm);
    fta_finding_add_evidence (f, "vm_list", all->str);
    g_string_free (all, TRUE);
    g_ptr_array_free (groups, TRUE);
    g_string_free (held, TRUE);
    g_string_free (ran, TRUE);
    g_string_free (cause, TRUE);
    g_string_free (worst, TRUE);
    g_free (range);
    g_free (title);
}

/* kvm.vcpu-steal: one finding for the VM whose vCPUs waited too much, one
 * for all of them when there are several. */
static void
kvm_find_steal_all (Kvm *k, FtaResults *r, GPtrArray *vm_list, GPtrArray *vcpus)
{
    GArray *hit = g_array_new (FALSE, TRUE, sizeof (KvmSteal));
    for (guint i = 0; i < vm_list->len; i++) {
        const KvmVm *m = g_ptr_array_index (vm_list, i);
        GPtrArray *bad = kvm_steal_bad (k, m, vcpus);
        if (!bad)
            continue;
        KvmSteal s = { m, bad, 0, 0 };
        const KvmThread *w = g_ptr_array_index (bad, 0);
        s.top = kvm_share (w->run_ns, w->runnable_ns);
        for (guint j = 0; j < bad->len; j++)
            s.waited += ((KvmThread *) g_ptr_array_index (bad, j))->runnable_ns;
        g_array_append_val (hit, s);
    }
    if (hit->len == 1)
        kvm_find_steal (k, r, g_array_index (hit, KvmSteal, 0).m,
                        g_array_index (hit, KvmSteal, 0).bad);
    else if (hit->len > 1)
        kvm_find_steal_host (k, r, hit, vm_list->len, vcpus->len);
    for (guint i = 0; i < hit->len; i++)
        g_ptr_array_free (g_array_index (hit, KvmSteal, i).bad, TRUE);
    g_array_free (hit, TRUE);
}

static void
kvm_finish (void *self, FtaResults *r)
{
    Kvm *k = self;
    GPtrArray *all = kvm_group (k);
    GPtrArray *vcpus = g_ptr_array_new (), *others = g_ptr_array_new ();
    GHashTable *vms = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    guint by_all = 0;
    for (guint i = 0; i < all->len; i++) {
        KvmThread *t = g_ptr_array_index (all, i);
        if (t->role == KVM_ROLE_NONE)
            continue;
        KvmVm *m = kvm_vm (vms, t->vm);
        m->by |= t->by;
        if (t->pid == t->vm && t->comm[0])
            m->name = t->comm;
        if (!t->selected)
            continue;
        by_all |= t->by;
        m->selected = TRUE;
        if (t->role == KVM_ROLE_VCPU) {
            g_ptr_array_add (vcpus, t);
            m->vcpus++;
            m->run_ns += t->run_ns;
            m->runnable_ns += t->runnable_ns;
            m->preempted += t->preempted;
            m->sleep_ns += t->sleep_ns;
            m->blocked_ns += t->blocked_ns;
            if (t->kvm) {
                m->guest_ns += t->v->guest_ns;
                m->has_guest = TRUE;
            }
        } else {
            g_ptr_array_add (others, t);
            if (t->role == KVM_ROLE_VHOST)
                m->vhost_ns += t->run_ns;
            else if (t->role == KVM_ROLE_IOTHREAD)
                m->iothread_ns += t->run_ns;
            else
                m->emulator_ns += t->run_ns;
        }
    }
    g_ptr_array_sort (vcpus, kvm_vcpu_cmp);
    g_ptr_array_sort (others, kvm_thread_cmp);
    GPtrArray *vm_list = g_ptr_array_new ();
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, vms);
    while (g_hash_table_iter_next (&it, NULL, &v))
        if (((KvmVm *) v)->selected)
            g_ptr_array_add (vm_list, v);
    g_ptr_array_sort (vm_list, kvm_vm_cmp);

    char *by = kvm_grouping_text (by_all);
    char *how = vm_list->len ? g_strdup_printf ("(VMs grouped by %s)", by)
                             : g_strdup ("(no KVM/QEMU threads reported)");
    g_free (by);
    GPtrArray *pairs = kvm_vcpu_pairs (k);
    char *title = g_strdup_printf ("vCPU threads: run, wait for a CPU (host steal), "
                                   "halt %s", how);
    kvm_table_threads (k, r, &kvm_vcpus_spec, vcpus, title);
    g_free (title);
    kvm_table_preemptors (k, r, pairs);
    kvm_table_holders (k, r, vcpus, vm_list);
    kvm_table_vms (k, r, vm_list, vcpus, how);
    title = g_strdup_printf ("VM threads other than vCPUs: qemu, I/O, vhost %s", how);
    kvm_table_threads (k, r, &kvm_threads_spec, others, title);
    g_free (title);
    if (k->has_kvm_events)
        kvm_table_exits (k, r);
    kvm_series_steal (k, r, vm_list, vcpus);
    kvm_find_steal_all (k, r, vm_list, vcpus);

    g_free (how);
    g_ptr_array_free (pairs, TRUE);
    g_ptr_array_free (vm_list, TRUE);
    g_hash_table_destroy (vms);
    g_ptr_array_free (vcpus, TRUE);
    g_ptr_array_free (others, TRUE);
    g_ptr_array_free (all, TRUE);
}

static void
kvm_destroy (void *self)
{
    Kvm *k = self;
    fta_tasks_free (k->threads);
    g_ptr_array_free (k->pairs, TRUE);
    g_ptr_array_free (k->exits, TRUE);
    g_ptr_array_free (k->reasons, TRUE);
    g_hash_table_destroy (k->reason_ids);
    g_free (k);
}

static const FtaOptionSpec kvm_options[] = {
    { "steal_pct", FTA_OPT_DOUBLE, "10",
      "report a VM whose vCPUs waited for a CPU this share (%) of the time they wanted "
      "to run (critical at twice that)" },
    { "min_runnable_ms", FTA_OPT_INT, "10",
      "... and waited at least this long (ms), so short traces do not alarm" },
    { "holders", FTA_OPT_INT, "5",
      "rows of kvm.holders per vCPU and of kvm.vm_holders per VM: the largest holders" },
    { "pid_gap", FTA_OPT_INT, "64",
      "without TGID column or fork events: a qemu/vCPU thread more than this many pids "
      "after the previous one starts another VM" },
    { NULL }
};

static const FtaEventType kvm_events[] = {
    FTA_EV_SCHED_SWITCH, FTA_EV_SCHED_MIGRATE_TASK, FTA_EV_SCHED_WAKING,
    FTA_EV_SCHED_WAKEUP, FTA_EV_SCHED_WAKEUP_NEW, FTA_EV_SCHED_PROCESS_FORK,
    FTA_EV_SCHED_PROCESS_EXEC,
    FTA_EV_KVM_ENTRY, FTA_EV_KVM_EXIT, FTA_EV_KVM_USERSPACE_EXIT,
    FTA_EV_LOST, FTA_EV_BUFFER_STARTED, FTA_EV_SPAN, FTA_EV_NONE
};

FTA_PLUGIN_DEFINE (
    .name = "kvm",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "KVM/QEMU: vCPU, vhost and qemu threads per VM, who preempts the vCPUs, "
               "VM exits and time in guest",
    .options = kvm_options,
    .events = kvm_events,
    .create = kvm_create,
    .on_event = kvm_on_event,
    .on_span = kvm_on_span,
    .finish = kvm_finish,
    .destroy = kvm_destroy,
);
