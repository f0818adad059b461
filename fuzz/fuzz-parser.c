/* fuzz-parser.c - libFuzzer target: the line parser of every text format.
 *
 * One target for the four formats (tracefs, trace-cmd report, perf script,
 * systrace): they share one scanner and one parser object, which detects
 * the format from the lines themselves, so a target per format would run
 * the same code under four budgets.  The first byte of the input selects
 * the format's opening lines (none, a tracefs header, trace-cmd's cpus=N,
 * a perf script line, systrace's HTML around the text), fed first so that
 * the parser is in that format's state; the rest is cut into lines, each
 * copied to a buffer of its own size (lines are not NUL-terminated, and
 * ASan sees a read past any line's end).
 *
 * Every event must hold what the contract promises: a pid within pid_t, a
 * CPU within the [CPU] column's range, a NUL-terminated comm, a name and
 * fields inside the line.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "fuzz.h"

static const char *const preambles[] = {
    "",
    "# tracer: nop\n#\n# entries-in-buffer/entries-written: 8/8   #P:2\n#\n"
    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
    "#              | |         |   |||||     |         |\n",
    "cpus=2\n",
    "            perf 10923 [000]   501.067660:       sched:sched_waking: comm=m pid=18 "
    "prio=0 target_cpu=000\n",
    "<!DOCTYPE html>\n<html>\n<body>\n  <script class=\"trace-data\" "
    "type=\"application/text\">\n",
};

static void
check_event (const FtaEvent *ev, const char *line, size_t len)
{
    if (ev->pid < -1)
        abort ();
    if (ev->cpu < -1 || ev->cpu > 65535)
        abort ();
    if (memchr (ev->comm, '\0', sizeof ev->comm) == NULL)
        abort ();
    if (ev->name && (ev->name < line || ev->name + ev->name_len > line + len))
        abort ();
    if (ev->fields && (ev->fields < line || ev->fields + ev->fields_len > line + len))
        abort ();
}

/* The promise the parse threads rely on (parser.h): once the main parser
 * can split, a worker made from it parses every later line the same. */
static void
check_same (FtaLineKind k, const FtaEvent *a, const char *why_a, FtaLineKind kw,
            const FtaEvent *b, const char *why_b)
{
    if (k != kw)
        abort ();
    if (k == FTA_LINE_UNPARSED && strcmp (why_a, why_b) != 0)
        abort ();
    if (k != FTA_LINE_EVENT && k != FTA_LINE_MARKER)
        return;
    if (a->type != b->type || a->ts_ns != b->ts_ns || a->pid != b->pid
        || a->tgid != b->tgid || a->cpu != b->cpu || strcmp (a->comm, b->comm) != 0
        || a->name_len != b->name_len || a->fields_len != b->fields_len
        || memcmp (&a->u, &b->u, sizeof a->u) != 0)
        abort ();
    if (a->name_id < fta_parser_n_fixed_names () && a->name_id != b->name_id)
        abort ();
}

static void
parse_lines (FtaParser *p, FtaParser **worker, const char *data, size_t size)
{
    const char *s = data, *end = data + size;
    while (s < end) {
        const char *nl = memchr (s, '\n', end - s);
        size_t n = nl ? (size_t) (nl - s) : (size_t) (end - s);
        char *line = malloc (n ? n : 1);
        memcpy (line, s, n);
        FtaEvent ev, evw;
        memset (&ev, 0, sizeof ev);
        memset (&evw, 0, sizeof evw);
        const char *why = NULL, *why_w = NULL;
        FtaParser *w = worker ? *worker : NULL;
        FtaLineKind k = fta_parser_parse_line (p, line, n, &ev, &why);
        if (k == FTA_LINE_EVENT)
            check_event (&ev, line, n);
        else if (k == FTA_LINE_UNPARSED && !why)
            abort (); /* every line not understood says why */
        if (w) {
            FtaLineKind kw = fta_parser_parse_line (w, line, n, &evw, &why_w);
            check_same (k, &ev, why, kw, &evw, why_w);
        } else if (worker && k == FTA_LINE_EVENT && fta_parser_can_split (p)) {
            *worker = fta_parser_new_worker (p);
        }
        free (line);
        s += n + 1;
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *pre = preambles[data[0] % (sizeof preambles / sizeof preambles[0])];
    FtaParser *p = fta_parser_new ();
    FtaParser *w = NULL;
    parse_lines (p, &w, pre, strlen (pre));
    parse_lines (p, &w, (const char *) data + 1, size - 1);
    if (w)
        fta_parser_free (w);
    fta_parser_free (p);
    return 0;
}
