#!/bin/bash
# How two-buffers.dat and its oracles were made (as root, on the corpus VM:
# 2 CPUs, kernel 6.18, trace-cmd 3.1.6).  Needs the corpus tools (lib.sh,
# sleepers.py) in TOOLS.
#
# The top buffer records the sched events, the instance "irqs" the irq and
# softirq events and sched_switch, 64 KB per CPU each, so both lose events.
# /proc/kallsyms is hidden (empty) while extracting, to keep the file small.
# two-buffers-v6.dat.xz is the same file converted to format version 6;
# two-buffers-top.txt.gz and two-buffers-irqs.txt.gz are the lines
# `trace-cmd report -t -N` printed for each buffer (it prints both, the
# instance's prefixed with "irqs: ", the top one's with 6 blanks; the event
# line after a DROPPED marker carries no prefix).
set -e
TOOLS=${TOOLS:-/work/shared/corpus/recorded/tools}
T=/sys/kernel/tracing
source $TOOLS/lib.sh
tf_setup 64 sched:sched_switch sched:sched_waking sched:sched_wakeup sched:sched_wakeup_new \
  sched:sched_migrate_task sched:sched_process_fork sched:sched_process_exit sched:sched_process_exec
mkdir -p $T/instances/irqs
echo 64 > $T/instances/irqs/buffer_size_kb
echo > $T/instances/irqs/set_event
for e in irq:irq_handler_entry irq:irq_handler_exit irq:softirq_entry irq:softirq_exit \
         sched:sched_switch; do
  echo $e >> $T/instances/irqs/set_event
done
echo > $T/instances/irqs/trace
echo 1 > $T/instances/irqs/tracing_on
echo 1 > $T/tracing_on
python3 $TOOLS/sleepers.py 0.3 &
for i in $(seq 30); do cat /proc/interrupts > /dev/null; sleep 0.01; done
wait
echo 0 > $T/tracing_on
echo 0 > $T/instances/irqs/tracing_on
: > empty
unshare -m sh -c "mount --bind $PWD/empty /proc/kallsyms &&
                  trace-cmd extract -t -a -o two-buffers.dat > /dev/null 2>&1"
rm -f empty
trace-cmd convert -i two-buffers.dat -o two-buffers-v6.dat --file-version 6 \
  --compression none > /dev/null 2>&1
xz -9 two-buffers-v6.dat
trace-cmd convert -i two-buffers.dat -o two-buffers-none.dat --compression none \
  > /dev/null 2>&1
xz -9 two-buffers-none.dat
trace-cmd report -t -N -i two-buffers.dat 2>/dev/null | awk '
NR == 1 { print > "top.txt"; print > "irqs.txt"; next }
pending != "" { print > pending; pending = ""; next }
/^irqs: / { sub(/^irqs: /, ""); print > "irqs.txt"; if ($0 ~ /DROPPED\]$/) pending = "irqs.txt"; next }
/^      / { sub(/^      /, ""); print > "top.txt"; if ($0 ~ /DROPPED\]$/) pending = "top.txt"; next }
{ print "unexpected: " $0 > "/dev/stderr"; exit 1 }'
gzip -9 -n -c top.txt > two-buffers-top.txt.gz
gzip -9 -n -c irqs.txt > two-buffers-irqs.txt.gz
rm -f top.txt irqs.txt
rmdir $T/instances/irqs 2>/dev/null || true
tf_reset
