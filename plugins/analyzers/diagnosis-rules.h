/* diagnosis-rules.h - every rule that raises a finding, as data.
 *
 * One FTA_RULE per rule, in the order diagnosis runs its own:
 *
 *   FTA_RULE (TEST, CODE, PLUGIN, READS, TRIGGER, THRESHOLDS, SEVERITY,
 *             EVIDENCE, COST)
 *
 * TEST is the function of plugins/analyzers/diagnosis.c that applies the
 * rule, or NULL for a rule another analyzer applies where it measures the
 * symptom.  CODE is the finding's code; PLUGIN the analyzer that raises it;
 * THRESHOLDS the options of plugins.PLUGIN the rule reads, separated by
 * spaces (its profile keys); the other fields are the words of the rule
 * table of docs/diagnosis.md: what the rule reads, when it fires, how
 * severity is decided, the evidence it prints and its cost_ns.
 *
 * The includer defines FTA_RULE.  diagnosis.c builds its rule table from
 * it; tests/test-diagnosis.c checks docs/diagnosis.md against it (and
 * prints the table with FTA_PRINT_RULES=1), and that every threshold is an
 * option of its plugin.  Plain data: no text here may hold a '|'.
 */

FTA_RULE (rule_lost_events, "diagnosis.lost-events", "diagnosis",
          "the input quality",
          "the trace has lost-event or buffer-started markers",
          "lost_pct",
          "info for buffer-started markers or a loss below `lost_pct` % of the events; "
          "warning at `lost_pct` or a marker without a count; critical at 10 × (the results, "
          "not the machine, are at fault)",
          "lost events, their share, markers, markers without a count, buffer-started, "
          "model resets",
          "0")

FTA_RULE (rule_vcpu_contention, "diagnosis.vcpu-contention", "diagnosis",
          "`cpu.cpus`, `cpu.task_cpus`, `kvm.vcpus`",
          "a CPU busy `saturated_busy_pct` % of its observed time or more, with tasks queued "
          "on it (`runnable_pressure_ns`) `saturated_pressure_pct` % of it or more, vCPU "
          "threads among its tasks",
          "saturated_busy_pct saturated_pressure_pct",
          "warning (a CPU's capacity, tasks waiting for it); critical at a pressure of 2.5 × "
          "`saturated_pressure_pct`",
          "cpu, busy_pct, runnable_pressure_pct, switches_per_s, the vCPU threads, their run "
          "share (of the worst CPU when there are several, then their number, `cpu_list`, the "
          "ranges and a line for each of the next 7), vCPUs and CPUs in the trace, "
          "`kvm.vcpu-steal` if raised",
          "the CPUs' `runnable_pressure_ns`")

FTA_RULE (rule_wakeup_rate, "diagnosis.wakeup-rate", "diagnosis",
          "`wakeup.tasks`, `wakeup.pairs`, `switch.tasks`",
          "a task woken `wakeup_rate_hz` times a second or more, and `wakeup_min` times",
          "wakeup_rate_hz wakeup_min harm_wait_pct tail_min_us",
          "info; warning when the task waits (its `runnable_ns` reaches `harm_wait_pct` % of "
          "the trace) or runs late (its wakeup latency p99 reaches `tail_min_us`)",
          "pid, comm, wakeups, wakeups_per_s, top waker, its wait for a CPU, its latency p99",
          "the task's `runnable_ns`")

FTA_RULE (rule_d_blocks, "diagnosis.d-state-blocks", "diagnosis",
          "`blocking.tasks`",
          "a task with `d_rate_hz` D episodes a second or more, and `d_min`",
          "d_rate_hz d_min d_share_pct",
          "info while its D time is below `d_share_pct` % of the trace; else warning, "
          "critical at 10 × `d_rate_hz`",
          "pid, comm, d_count, d_per_s, d_total, d_share_pct, d_max, top waker, "
          "`blocking.d-state-share` if raised",
          "the task's `d_total_ns`")

FTA_RULE (rule_periodic_spikes, "diagnosis.periodic-spikes", "diagnosis",
          "`timeline.events`",
          "`spike_min` windows or more (the last one left out) with IRQs + softirqs above "
          "`spike_factor` × the median and `spike_min_rate` a second, evenly spaced (each gap "
          "within a quarter of the median gap, itself 2 windows or more)",
          "spike_factor spike_min_rate spike_min",
          "info (the trace shows no time lost to them)",
          "period, spike windows, window, median and peak per window, first spike times, "
          "`timeline.periodic` if raised",
          "0")

FTA_RULE (rule_migrations, "diagnosis.migrations", "diagnosis",
          "`migration.tasks`, `kvm.vcpus`, `switch.tasks`, `wakeup.tasks`",
          "a task migrated `migration_rate_hz` times a second or more, and `migration_min` "
          "times",
          "migration_rate_hz migration_min harm_wait_pct tail_min_us",
          "info; warning when the task waits or runs late (as for wakeup-rate); critical for "
          "such a vCPU at 5 × `migration_rate_hz`",
          "pid, comm, migrations, migrations_per_s, pingpong, vcpu, its wait for a CPU, its "
          "latency p99, `migration.pingpong` if raised",
          "the task's `runnable_ns`")

FTA_RULE (rule_priority_inversion, "diagnosis.priority-inversion", "diagnosis",
          "the scheduler events",
          "a `sched_switch` to a task of a numerically higher prio than a task waiting for "
          "that CPU (preempted there, woken with that target, or moved there; with "
          "`inversion_rt_only` only waiting tasks of prio below 100), `inversion_min` times "
          "or more for that task",
          "inversion_min inversion_rt_only inversion_wait_us",
          "info while the longest wait at such a switch is below `inversion_wait_us`; else "
          "warning, critical at 10 × `inversion_min` times",
          "pid, comm, prio, times passed over, longest wait at such a switch, first time, "
          "last CPU, the last lower-priority task switched in",
          "the whole of the waits in which it was passed over")

FTA_RULE (rule_irq_storm, "diagnosis.irq-storm", "diagnosis",
          "`irq.irq_cpus`",
          "a CPU handling `irq_storm_hz` hard IRQs a second or more, and `irq_storm_min`",
          "irq_storm_hz irq_storm_min irq_storm_time_pct",
          "info while the handlers took less than `irq_storm_time_pct` % of the trace; else "
          "warning, critical at 5 × `irq_storm_hz`",
          "cpu, irqs, irqs_per_s, irq time and its share, top IRQ",
          "the CPU's hard-IRQ time")

FTA_RULE (rule_latency_tail, "diagnosis.latency-tail", "diagnosis",
          "`wakeup.tasks`",
          "a task whose wakeup latency p99 is `tail_ratio` × its p50 or more and "
          "`tail_min_us` or more, over `tail_min_samples` wakeups or more",
          "tail_ratio tail_min_us tail_min_samples",
          "warning (a latency beyond an absolute threshold); critical at a p99 of 10 × "
          "`tail_min_us`",
          "pid, comm, p50, p99, max, ratio, samples",
          "its wakeup latency summed over its wakeups")

FTA_RULE (NULL, "kvm.vcpu-steal", "kvm",
          "the vCPU threads' Runnable spans",
          "a VM with a vCPU that waited for a CPU `steal_pct` % or more of the time it wanted "
          "to run (run + runnable), and `min_runnable_ms` or more",
          "steal_pct min_runnable_ms",
          "warning (CPU time lost to waiting); critical at 2 × `steal_pct`; info when no "
          "vCPU is above the threshold in the waits the trace shows whole (not inferred)",
          "vm, each vCPU above the threshold with its wait of the time wanted, who took "
          "their CPUs; for several VMs one finding: the worst VM, their number and their "
          "vCPUs', the range of the waits, who held the CPUs across them (by program, or the "
          "VMs' own threads), a line for each of the 8 worst VMs, `vm_list`",
          "the runnable time of the VMs' vCPUs above the threshold")

FTA_RULE (NULL, "wait.contention", "wait",
          "every task's Runnable spans and who held its CPU",
          "tasks (vCPUs left to `kvm.vcpu-steal`) that waited for a CPU `contention_pct` % "
          "or more of the time they wanted to run, and `contention_min_ms` or more",
          "contention_pct contention_min_ms contention_capacity_pct",
          "info; warning when their waits add up to `contention_capacity_pct` % of the CPUs' "
          "time over the trace (CPU time lost to waiting), critical at 2 ×; waits whose "
          "holders the model inferred (the CPU's switches not all recorded, or the task "
          "woken while it waited) do not count for it",
          "the waits' share of the CPUs' time, each task's wait of the time wanted and who "
          "held its CPU",
          "the runnable time of those tasks")

FTA_RULE (NULL, "cpu.imbalance", "cpu",
          "the CPUs' busy, idle and queued time",
          "the busiest and the idlest CPU (each observed for half the trace or more) differ "
          "by `imbalance_pct` points of busy_pct or more",
          "imbalance_pct imbalance_pressure_pct",
          "info; warning when tasks queued on the busiest CPU `imbalance_pressure_pct` % of "
          "its time or more, and its runs with both switches recorded still make the "
          "difference",
          "busiest and idlest CPU, their busy_pct, the idlest one's idle time, the busiest "
          "one's runnable pressure",
          "with tasks queued: the busiest CPU's queued time, at most the idlest one's idle "
          "time; else 0")

FTA_RULE (NULL, "migration.pingpong", "migration",
          "`sched_migrate_task` (or CPU changes between Running spans), Runnable spans",
          "tasks moved back to the CPU they came from within `pingpong_window_ms`, "
          "`pingpong_min` times or more",
          "pingpong_window_ms pingpong_min pingpong_wait_pct",
          "info; warning when a bouncing task waited for a CPU `pingpong_wait_pct` % of the "
          "trace or more",
          "tasks, the longest wait for a CPU among them, each task's bounces and last CPUs",
          "the runnable time of the bouncing tasks")

FTA_RULE (NULL, "migration.no-migrate-events", "migration",
          "the input quality",
          "the trace has no `sched_migrate_task` but has `sched_switch` (without both, "
          "`quality.missing_events` names them)",
          "",
          "info",
          "source",
          "0")

FTA_RULE (NULL, "blocking.d-state-share", "blocking",
          "Blocked (D) spans, block I/O",
          "a task in D `finding_pct` % of the trace or more",
          "finding_pct",
          "warning (D-state time); critical at 50 % of the trace",
          "pid, comm, d_share, d_total, trace span, d_count, d_avg, d_max, top waker, its own "
          "block I/O (of the worst task when there are several, then their number and a line "
          "for each of the next 7)",
          "the tasks' `d_total_ns`")

FTA_RULE (NULL, "blocking.io-unparsed", "blocking",
          "`block_rq_*` events",
          "`block_rq_*` events whose fields do not read",
          "",
          "info",
          "first_line",
          "0")

FTA_RULE (NULL, "irq.long-hardirq", "irq",
          "`irq_handler_entry`/`exit`",
          "a hard IRQ handler that ran `hardirq_warn_us` or longer at once",
          "hardirq_warn_us",
          "warning (a latency beyond an absolute threshold)",
          "irq, name, max_ns, threshold_ns, irqs_over",
          "the time of the handler named")

FTA_RULE (NULL, "irq.long-softirq", "irq",
          "`softirq_entry`/`exit`",
          "a softirq that ran `softirq_warn_us` or longer at once",
          "softirq_warn_us",
          "warning (a latency beyond an absolute threshold)",
          "vec, name, max_ns, threshold_ns, vectors_over",
          "the time of the softirq named")

FTA_RULE (NULL, "irq.unmatched", "irq",
          "`irq_handler_*`, `softirq_*`",
          "IRQ or softirq entries and exits without their other half, away from the trace's "
          "edges",
          "",
          "info when all of them are at lost-event markers; else warning (events missing)",
          "unmatched entries and exits, at trace edges, at markers, too deep",
          "0")

FTA_RULE (NULL, "timeline.burst.METRIC", "timeline",
          "the time series",
          "whole windows with more than `burst_factor` × the median count and "
          "`burst_min_rate` a second",
          "burst_factor burst_min_rate",
          "info",
          "metric, window, median and threshold per window, burst windows, the largest",
          "0")

FTA_RULE (NULL, "timeline.periodic", "timeline",
          "the time series",
          "wakeups (or switches) per window repeat with an autocorrelation of "
          "`period_min_acf` or more",
          "period_min_acf",
          "info",
          "metric, period, period_ns, autocorrelation, repeats checked, resolution",
          "0")

FTA_RULE (NULL, "timeline.trend.METRIC", "timeline",
          "the time series: wakeups and switches per window, all tasks' Runnable and D "
          "time per window",
          "over `trend_min_windows` whole windows or more, the least-squares line rises "
          "`trend_min_rise_pct` % or more from the first window to the last, with an R² of "
          "`trend_min_r2` or more, to `trend_min_rate` a second (wakeups, switches) or "
          "`trend_min_time_pct` % of the CPUs' time (Runnable, D)",
          "trend_min_windows trend_min_r2 trend_min_rise_pct trend_min_rate "
          "trend_min_time_pct trend_harm_pct",
          "info; warning for Runnable or D time whose line ends at `trend_harm_pct` % of the "
          "CPUs' time or more (time lost to waiting or blocking)",
          "metric, window, windows, the line's start and end per window, rise, slope per "
          "window, R², end per second or share of the CPUs, from and to",
          "warning: the time above the line's starting level, summed over the windows; "
          "info: 0")

FTA_RULE (NULL, "compare.regression", "compare",
          "both runs' tables, joined on their keys",
          "a wait column (`wait_metrics`) rose by `min_delta_pct` % (per second of trace for "
          "sums) and `min_abs_ms`, or a percent by `min_delta_points`",
          "wait_metrics min_delta_pct min_abs_ms min_delta_points",
          "warning (more time waited)",
          "table, metric, the rows that rose most",
          "for a sum of time: its largest rise per second of trace (`compare.regressions` "
          "`cost_ns_per_sec`) times the problem trace's span; else 0")

FTA_RULE (NULL, "compare.more-load", "compare",
          "both runs' tables, joined on their keys",
          "a load column (`load_metrics`) rose as a regression does, or a new row took it",
          "load_metrics min_delta_pct min_abs_ms",
          "warning (work competing for the CPUs)",
          "table, metric, the rows that rose most",
          "for a sum of time: its largest rise per second of trace (`compare.regressions` "
          "`cost_ns_per_sec`) times the problem trace's span; else 0")

FTA_RULE (NULL, "compare.new-finding", "compare",
          "both runs' findings",
          "a finding code of the problem run the baseline has not",
          "",
          "info",
          "code, the finding's own evidence",
          "the finding's own")
