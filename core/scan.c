/* scan.c - the shared scanning that is not inline: timestamps and
 * prev_state letters. */
#include "config.h"

#include "parser.h"
#include "scan.h"

/* The body of fta_parse_timestamp, inline in the search of a line's
 * timestamp.  LIM (at least S + LEN): how far the bytes may be read, so
 * that a number of up to seven digits is read eight bytes at once. */
static inline G_ALWAYS_INLINE gboolean
parse_timestamp (const char *s, gsize len, const char *lim, gint64 *ns)
{
    static const gint64 scale[10] = { 1000000000, 100000000, 10000000, 1000000,
                                      100000, 10000, 1000, 100, 10, 1 };
    const char *end = s + len;
    const char *q = s;
    while (q < end && *q == '0')
        q++; /* zero-padded seconds */
    const char *sig = q;
    guint64 sec = 0;
    guint64 w;
    guint n = 8;
    if (lim - q >= 8) {
        memcpy (&w, q, 8);
        n = leading_digits (w);
    }
    if (n < 8 && q + n <= end) {
        sec = n ? digits_value (w, n) : 0;
        q += n;
    } else {
        while (q < end && (guint8) (*q - '0') < 10)
            sec = sec * 10 + (guint8) (*q++ - '0');
    }
    if (q == s || q - sig > 10 || q >= end || *q != '.')
        return FALSE; /* 10 significant digits at most: no overflow */
    q++;
    const char *f = q;
    gint64 frac = 0;
    gsize digits;
    n = 8;
    if (lim - f >= 8) {
        memcpy (&w, f, 8);
        n = leading_digits (w);
    }
    if (n >= 1 && n < 8 && f + n == end) {
        frac = (gint64) digits_value (w, n);
        digits = n;
        q = end;
    } else {
        const char *stop = end - f > 9 ? f + 9 : end;
        while (q < stop && (guint8) (*q - '0') < 10)
            frac = frac * 10 + (guint8) (*q++ - '0');
        digits = q - f;
        while (q < end && (guint8) (*q - '0') < 10)
            q++; /* below a nanosecond */
    }
    if (digits == 0 || q != end)
        return FALSE;
    frac *= scale[digits];
    /* below that, no fraction can take it past G_MAXINT64 ns */
    if (G_UNLIKELY (sec > G_MAXINT64 / 1000000000 - 1)
        && (gint64) sec > (G_MAXINT64 - frac) / 1000000000)
        return FALSE;
    *ns = (gint64) sec * 1000000000 + frac;
    return TRUE;
}

gboolean
fta_parse_timestamp (const char *s, gsize len, gint64 *ns)
{
    return parse_timestamp (s, len, s + len, ns);
}


guint32
fta_parse_state (const char *s, gsize len)
{
    guint32 st = 0;
    for (gsize i = 0; i < len; i++) {
        switch (s[i]) {
        case 'R': break;
        case '+': st |= FTA_STATE_PREEMPT; break;
        case '|': break;
        case 'S': st |= FTA_STATE_S; break;
        case 'D': st |= FTA_STATE_D; break;
        case 'T': st |= FTA_STATE_T; break;
        case 't': st |= FTA_STATE_t; break;
        case 'X': st |= FTA_STATE_X; break;
        case 'Z': st |= FTA_STATE_Z; break;
        case 'P': st |= FTA_STATE_P; break;
        case 'I': st |= FTA_STATE_I; break;
        case 'K': st |= FTA_STATE_K; break;
        case 'W': st |= FTA_STATE_W; break;
        case 'N': st |= FTA_STATE_N; break;
        case 'x': st |= FTA_STATE_x; break;
        default: st |= FTA_STATE_UNKNOWN; break;
        }
    }
    return st;
}

/* Finds the timestamp: the first "digits.digits:" token that follows a
 * blank and is followed by a blank or the end.  Returns its start and sets
 * *after to the position after the colon. */
static const char *
fta_scan_find_timestamp (const char *s, const char *end, gint64 *ns, const char **after)
{
    for (const char *c = s; (c = memchr (c, ':', end - c)) != NULL; c++) {
        if (c + 1 < end && c[1] != ' ')
            continue;
        /* the common "SECONDS.FRACTION" of up to seven digits each, read
         * from the right a word at a time: what the general path below
         * reads of such a token */
        if (c - s >= 17) {
            guint64 wf, ws;
            memcpy (&wf, c - 8, 8);
            guint nf = trailing_digits (wf);
            const char *dot = c - nf - 1;
            if (nf >= 1 && nf < 8 && *dot == '.') {
                memcpy (&ws, dot - 8, 8);
                guint nsec = trailing_digits (ws);
                const char *t = dot - nsec;
                if (nsec >= 1 && nsec < 8 && (t == s || t[-1] == ' ')) {
                    static const gint64 scale[8] = { 0, 100000000, 10000000, 1000000,
                                                     100000, 10000, 1000, 100 };
                    *ns = (gint64) digits_value (ws >> (8 - nsec) * 8, nsec) * 1000000000
                          + (gint64) digits_value (wf >> (8 - nf) * 8, nf) * scale[nf];
                    *after = c + 1;
                    return t;
                }
            }
        }
        /* from the blank before it: a token holding anything but digits
         * and dots does not parse */
        const char *t = token_start (s, c);
        if (parse_timestamp (t, c - t, end, ns)) {
            *after = c + 1;
            return t;
        }
    }
    return NULL;
}

