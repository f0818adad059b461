/* format-systrace.c - Android systrace HTML: the ftrace text sits in
 * <script class="trace-data"> blocks, or (legacy) in a JavaScript string
 * 'var linuxPerfData = "\' whose lines end in '\n\'.  Everything else in
 * the file is HTML.  This steps through the file a line at a time and
 * hands the text lines on; they parse as tracefs text.
 *
 * A block that starts "PROCESS DUMP" holds a `ps` listing of the device:
 * its thread -> process map gives the tgid of threads whose lines have
 * none ("(-----)"); see fta_parser_dump_tgid.
 */
#include "config.h"

#include "parser-private.h"

static gboolean
fta_systrace_starts (const char *s, const char *end)
{
    gsize n = end - s;
    return *s == '<' && ((n >= 14 && g_ascii_strncasecmp (s, "<!DOCTYPE html", 14) == 0)
                         || (n >= 5 && g_ascii_strncasecmp (s, "<html", 5) == 0));
}

/* The blank-separated words of [s, end): up to MAX, each [w[i], we[i]). */
static guint
systrace_words (const char *s, const char *end, const char **w, const char **we, guint max)
{
    guint n = 0;
    while (n < max) {
        while (s < end && (*s == ' ' || *s == '\t'))
            s++;
        if (s >= end)
            break;
        w[n] = s;
        while (s < end && *s != ' ' && *s != '\t')
            s++;
        we[n++] = s;
    }
    return n;
}

static gboolean
systrace_word_is (const char *w, const char *we, const char *lit)
{
    gsize n = strlen (lit);
    return (gsize) (we - w) == n && memcmp (w, lit, n) == 0;
}

static gboolean
systrace_pid (const char *w, const char *we, gint32 *v)
{
    gint64 x = 0;
    if (scan_int (w, we, &x) != we || x < 0 || x > G_MAXINT32)
        return FALSE;
    *v = (gint32) x;
    return TRUE;
}

/* One line of a PROCESS DUMP block (the header, or a thread / process). */
static int
systrace_dump_line (FtaParser *p, const char *b, const char *e, const char **why)
{
    const char *w[4], *we[4];
    guint n = systrace_words (b, e, w, we, 4);
    if (n == 0)
        return SYSTRACE_OTHER;
    if (n >= 4 && systrace_word_is (w[0], we[0], "USER") && systrace_word_is (w[1], we[1], "PID")) {
        if (systrace_word_is (w[2], we[2], "TID"))
            p->dump_form = 1;
        else if (systrace_word_is (w[2], we[2], "PPID"))
            p->dump_form = 2;
        else
            goto bad;
        return SYSTRACE_OTHER;
    }
    gint32 pid, id;
    if (p->dump_form == 0 || n < 4 || !systrace_pid (w[1], we[1], &pid)
        || !systrace_pid (w[2], we[2], &id))
        goto bad;
    if (!p->dump_tgids)
        p->dump_tgids = g_hash_table_new (g_direct_hash, g_direct_equal);
    /* threads: TID belongs to PID; processes: PID is its own main thread */
    gint32 tid = p->dump_form == 1 ? id : pid;
    g_hash_table_insert (p->dump_tgids, GINT_TO_POINTER (tid), GINT_TO_POINTER (pid));
    return SYSTRACE_OTHER;
bad:
    *why = p->dump_form ? "PROCESS DUMP line without USER PID TID/PPID numbers"
                        : "PROCESS DUMP line before its USER PID ... header";
    return SYSTRACE_BAD;
}

static int
fta_systrace_line (FtaParser *p, const char **s, const char **end, const char **why)
{
    const char *b = *s, *e = *end;
    switch (p->html) {
    case HTML_NO:
        p->html = HTML_OUTSIDE;
        p->format = "systrace-html";
        return SYSTRACE_OTHER;
    case HTML_PROCESS_DUMP:
    case HTML_OTHER_DUMP:
        if (find (b, e, KEY ("</script>"))) {
            p->html = HTML_OUTSIDE;
            return SYSTRACE_OTHER;
        }
        return p->html == HTML_PROCESS_DUMP ? systrace_dump_line (p, b, e, why)
                                            : SYSTRACE_OTHER;
    case HTML_OUTSIDE:
        /* the tag itself, not a script that mentions it */
        if (e - b > 7 && memcmp (b, "<script", 7) == 0
            && find (b, e, KEY ("class=\"trace-data\"")))
            p->html = HTML_BLOCK_START;
        else if (e - b > 20 && memcmp (b, "var linuxPerfData = \"", 21) == 0)
            p->html = HTML_JS_STRING;
        return SYSTRACE_OTHER;
    case HTML_BLOCK_START:
    case HTML_TEXT:
    case HTML_JSON:
        if (find (b, e, KEY ("</script>"))) {
            p->html = HTML_OUTSIDE;
            return SYSTRACE_OTHER;
        }
        if (p->html == HTML_BLOCK_START) {
            if (e - b >= 12 && memcmp (b, "PROCESS DUMP", 12) == 0) {
                p->html = HTML_PROCESS_DUMP;
                p->dump_form = 0;
                return SYSTRACE_OTHER;
            }
            if (e - b >= 11 && memcmp (b, "CGROUP DUMP", 11) == 0) {
                p->html = HTML_OTHER_DUMP;
                return SYSTRACE_OTHER;
            }
            p->html = (*b == '{' || *b == '[') ? HTML_JSON : HTML_TEXT;
        }
        return p->html == HTML_TEXT ? SYSTRACE_TEXT : SYSTRACE_OTHER;
    case HTML_JS_STRING:
        if (find (b, e, KEY ("</script>"))) {
            p->html = HTML_OUTSIDE;
            return SYSTRACE_OTHER;
        }
        if (e - b >= 2 && e[-2] == '"' && e[-1] == ';') {
            /* '...last line\n";' ends the string: parse what precedes */
            p->html = HTML_OUTSIDE;
            e -= 2;
            if (e - b >= 2 && e[-2] == '\\' && e[-1] == 'n')
                e -= 2;
            *end = rtrim (b, e);
            return SYSTRACE_TEXT;
        }
        if (e - b >= 3 && memcmp (e - 3, "\\n\\", 3) == 0)
            e -= 3;
        else if (e - b >= 1 && e[-1] == '\\')
            e -= 1;
        *end = rtrim (b, e);
        return SYSTRACE_TEXT;
    }
    return SYSTRACE_OTHER;
}

