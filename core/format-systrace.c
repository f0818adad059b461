/* format-systrace.c - Android systrace HTML: the ftrace text sits in
 * <script class="trace-data"> blocks, or (legacy) in a JavaScript string
 * 'var linuxPerfData = "\' whose lines end in '\n\'.  Everything else in
 * the file is HTML.  This steps through the file a line at a time and
 * hands the text lines on; they parse as tracefs text.
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

static gboolean
fta_systrace_line (FtaParser *p, const char **s, const char **end)
{
    const char *b = *s, *e = *end;
    switch (p->html) {
    case HTML_NO:
        p->html = HTML_OUTSIDE;
        p->format = "systrace-html";
        return FALSE;
    case HTML_OUTSIDE:
        /* the tag itself, not a script that mentions it */
        if (e - b > 7 && memcmp (b, "<script", 7) == 0
            && find (b, e, KEY ("class=\"trace-data\"")))
            p->html = HTML_BLOCK_START;
        else if (e - b > 20 && memcmp (b, "var linuxPerfData = \"", 21) == 0)
            p->html = HTML_JS_STRING;
        return FALSE;
    case HTML_BLOCK_START:
    case HTML_TEXT:
    case HTML_JSON:
        if (find (b, e, KEY ("</script>"))) {
            p->html = HTML_OUTSIDE;
            return FALSE;
        }
        if (p->html == HTML_BLOCK_START)
            p->html = (*b == '{' || *b == '[') ? HTML_JSON : HTML_TEXT;
        return p->html == HTML_TEXT;
    case HTML_JS_STRING:
        if (find (b, e, KEY ("</script>"))) {
            p->html = HTML_OUTSIDE;
            return FALSE;
        }
        if (e - b >= 2 && e[-2] == '"' && e[-1] == ';') {
            /* '...last line\n";' ends the string: parse what precedes */
            p->html = HTML_OUTSIDE;
            e -= 2;
            if (e - b >= 2 && e[-2] == '\\' && e[-1] == 'n')
                e -= 2;
            *end = rtrim (b, e);
            return TRUE;
        }
        if (e - b >= 3 && memcmp (e - 3, "\\n\\", 3) == 0)
            e -= 3;
        else if (e - b >= 1 && e[-1] == '\\')
            e -= 1;
        *end = rtrim (b, e);
        return TRUE;
    }
    return FALSE;
}

