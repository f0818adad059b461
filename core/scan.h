/* scan.h - the scanning every text format shares: numbers, keys, comms,
 * blanks (private to the parser's files).
 *
 * Inline, because the parser calls them several times a line.  None of
 * them allocates, and all of them stop at END: lines are not
 * NUL-terminated.
 */
#ifndef FTA_SCAN_H
#define FTA_SCAN_H

#include <string.h>

#include <ftrace-analyzer/fta-event.h>

static inline gboolean
is_digit (char c)
{
    return c >= '0' && c <= '9';
}

/* The digits at S, as many as lead the eight bytes there (N, 0 to 8):
 * the index of the first byte that is not one. */
static inline guint
leading_digits (guint64 w)
{
    /* a digit's high nibble is 3 before and after adding 6 (no carry
     * leaves a digit; one that a later byte gets does not matter) */
    guint64 m = ((w & G_GUINT64_CONSTANT (0xF0F0F0F0F0F0F0F0))
                 | (((w + G_GUINT64_CONSTANT (0x0606060606060606))
                     & G_GUINT64_CONSTANT (0xF0F0F0F0F0F0F0F0)) >> 4))
                ^ G_GUINT64_CONSTANT (0x3333333333333333);
    return m ? (guint) __builtin_ctzll (m) / 8 : 8;
}

/* The digits that end the eight bytes W (N, 0 to 8): the count from its
 * highest address down.  As leading_digits, with the high bit of each byte
 * cleared before the add, so that no carry crosses into a later byte (a
 * byte with it set is no digit anyway). */
static inline guint
trailing_digits (guint64 w)
{
    guint64 m = ((w & G_GUINT64_CONSTANT (0xF0F0F0F0F0F0F0F0))
                 | ((((w & G_GUINT64_CONSTANT (0x7F7F7F7F7F7F7F7F))
                      + G_GUINT64_CONSTANT (0x0606060606060606))
                     & G_GUINT64_CONSTANT (0xF0F0F0F0F0F0F0F0)) >> 4))
                ^ G_GUINT64_CONSTANT (0x3333333333333333);
    return m ? (guint) __builtin_clzll (m) / 8 : 8;
}

/* The value of the N (1 to 7) digits that lead W, the first at the lowest
 * address, computed together rather than one after the other. */
static inline guint64
digits_value (guint64 w, guint n)
{
    w -= G_GUINT64_CONSTANT (0x3030303030303030);
    w <<= (8 - n) * 8; /* the digits last, zeros before them */
    w = w * 10 + (w >> 8);
    return (((w & G_GUINT64_CONSTANT (0x000000FF000000FF))
             * G_GUINT64_CONSTANT (0x000F424000000064))
            + (((w >> 16) & G_GUINT64_CONSTANT (0x000000FF000000FF))
               * G_GUINT64_CONSTANT (0x0000271000000001)))
           >> 32;
}

/* Parses an optionally signed decimal at [s, end); sets *out and returns the
 * position after it, or NULL when there is no digit.  A value too large
 * for gint64 stops growing at its first 18 or 19 digits. */
static inline const char *
scan_int (const char *s, const char *end, gint64 *out)
{
    gboolean neg = FALSE;
    if (s < end && (*s == '-' || *s == '+')) {
        neg = *s == '-';
        s++;
    }
    const char *d = s;
    guint64 u = 0;
    if (end - s >= 8) {
        /* up to seven digits at once */
        guint64 w;
        memcpy (&w, s, 8);
        guint n = leading_digits (w);
        if (n == 0)
            return NULL;
        if (n < 8) {
            gint64 v = (gint64) digits_value (w, n);
            *out = neg ? -v : v;
            return s + n;
        }
    }
    while (s < end && (guint8) (*s - '0') < 10)
        u = u * 10 + (guint8) (*s++ - '0');
    if (s == d)
        return NULL;
    gint64 v = (gint64) u;
    if (G_UNLIKELY (s - d > 18)) {
        v = 0;
        for (const char *c = d; c < s; c++)
            if (v < G_MAXINT64 / 10)
                v = v * 10 + (*c - '0');
    }
    *out = neg ? -v : v;
    return s;
}

/* The digits that end [S, E), read from the right: returns where they
 * start (E when there is none) and sets *OUT to their value as scan_int
 * would read them.  Eight bytes at a time when S is far enough. */
static inline const char *
scan_int_back (const char *s, const char *e, gint64 *out)
{
    if (e - s >= 8) {
        guint64 w;
        memcpy (&w, e - 8, 8);
        guint n = trailing_digits (w);
        if (n < 8) {
            if (n)
                *out = (gint64) digits_value (w >> (8 - n) * 8, n);
            return e - n;
        }
    }
    const char *d = e;
    while (d > s && is_digit (d[-1]))
        d--;
    if (d < e)
        scan_int (d, e, out);
    return d;
}

/* scan_int for a number that may end [S, END) closer than eight bytes
 * (the last field of a line): read with the eight bytes that end at END
 * when LO, the lowest address that may be read, allows. */
static inline G_ALWAYS_INLINE const char *
scan_int_lo (const char *s, const char *end, const char *lo, gint64 *out)
{
    gsize k = (gsize) (end - s);
    if (k >= 1 && k < 8 && end - lo >= 8 && is_digit (*s)) {
        guint64 w;
        memcpy (&w, end - 8, 8);
        w >>= (8 - k) * 8; /* [S, END) first, zero bytes after it */
        guint n = leading_digits (w);
        *out = (gint64) digits_value (w, n);
        return s + n;
    }
    return scan_int (s, end, out);
}

/* Numbers that must fit the event's fields: a pid as the kernel's pid_t
 * prints it (0 to 2^31-1), a CPU as the [CPU] column allows (0 to 65535).
 * A value beyond is a damaged line, never wrapped into another task or
 * CPU: FALSE, with *WHY saying which number. */
#define FTA_MAX_CPU 65535
static inline gboolean
narrow_pid (gint64 v, gint32 *out, const char **why)
{
    if (G_UNLIKELY (v < 0 || v > G_MAXINT32)) {
        *why = "pid out of range (0 to 2147483647)";
        return FALSE;
    }
    *out = (gint32) v;
    return TRUE;
}

static inline gboolean
narrow_cpu (gint64 v, gint32 *out, const char **why)
{
    if (G_UNLIKELY (v < 0 || v > FTA_MAX_CPU)) {
        *why = "CPU out of range (0 to 65535)";
        return FALSE;
    }
    *out = (gint32) v;
    return TRUE;
}

/* Other numbers of 32 bits (priorities, irq and vector numbers): clamped
 * rather than wrapped. */
static inline gint32
clamp32 (gint64 v)
{
    return v > G_MAXINT32 ? G_MAXINT32 : v < G_MININT32 ? G_MININT32 : (gint32) v;
}

/* memcmp (A, B, N) == 0.  When N is known at compile time (the keys of
 * the grammars, after inlining) and at most 24, a few overlapping word
 * loads: a call to memcmp costs more than the compare for the short keys
 * of a line, and the compiler does not expand one past a few bytes. */
static inline G_ALWAYS_INLINE gboolean
same_bytes (const void *a, const void *b, gsize n)
{
    const char *x = a, *y = b;
    if (__builtin_constant_p (n) && n <= 24) {
        if (n >= 8) {
            guint64 p, q, r = 0, t = 0, u, v;
            memcpy (&p, x, 8);
            memcpy (&q, y, 8);
            if (n > 16) {
                memcpy (&r, x + 8, 8);
                memcpy (&t, y + 8, 8);
            }
            memcpy (&u, x + n - 8, 8);
            memcpy (&v, y + n - 8, 8);
            return ((p ^ q) | (r ^ t) | (u ^ v)) == 0;
        }
        if (n >= 4) {
            guint32 p, q, u, v;
            memcpy (&p, x, 4);
            memcpy (&q, y, 4);
            memcpy (&u, x + n - 4, 4);
            memcpy (&v, y + n - 4, 4);
            return ((p ^ q) | (u ^ v)) == 0;
        }
        for (gsize i = 0; i < n; i++)
            if (x[i] != y[i])
                return FALSE;
        return TRUE;
    }
    return memcmp (x, y, n) == 0;
}

/* memchr for the first byte, then memcmp: the haystacks here are a few
 * dozen bytes, where memmem's set-up costs more than the search. */
static inline G_ALWAYS_INLINE const char *
find (const char *s, const char *end, const char *needle, gsize nlen)
{
    if (s >= end || (gsize) (end - s) < nlen)
        return NULL;
    const char *last = end - nlen;
    for (const char *c = s; c <= last; c++) {
        c = memchr (c, needle[0], last - c + 1);
        if (!c)
            return NULL;
        if (same_bytes (c + 1, needle + 1, nlen - 1))
            return c;
    }
    return NULL;
}

static inline void
copy_comm (char dst[FTA_COMM_LEN], const char *s, gsize len)
{
    if (len > FTA_COMM_LEN - 1)
        len = FTA_COMM_LEN - 1;
    memcpy (dst, s, len);
    dst[len] = '\0';
}

#define KEY(k) k, sizeof (k) - 1

/* Past the blanks (' ') at S, eight bytes at a time: where a column is
 * padded.  May stop short of END's last seven bytes. */
static inline const char *
skip_spaces8 (const char *s, const char *end)
{
    while (end - s >= 8) {
        guint64 w;
        memcpy (&w, s, 8);
        w ^= G_GUINT64_CONSTANT (0x2020202020202020);
        if (w)
            return s + (guint) __builtin_ctzll (w) / 8; /* the first other byte */
        s += 8;
    }
    return s;
}

/* The high bit of each of the eight bytes at P that is a blank (' '),
 * exactly: no carry crosses a byte. */
static inline guint64
blank_bits (const char *p)
{
    const guint64 low7 = G_GUINT64_CONSTANT (0x7F7F7F7F7F7F7F7F);
    guint64 x;
    memcpy (&x, p, 8);
    x ^= G_GUINT64_CONSTANT (0x2020202020202020);
    return ~(((x & low7) + low7) | x | low7);
}

/* The first blank (' ') of [S, END), or END.  Eight bytes at a time. */
static inline const char *
next_blank (const char *s, const char *end)
{
    for (; end - s >= 8; s += 8) {
        guint64 y = blank_bits (s);
        if (y)
            return s + (guint) __builtin_ctzll (y) / 8;
    }
    while (s < end && *s != ' ')
        s++;
    return s;
}

/* The start of the last token of [S, E): after its last blank (' '), or
 * S.  Eight bytes at a time, from the right. */
static inline const char *
token_start (const char *s, const char *e)
{
    while (e - s >= 8) {
        guint64 y = blank_bits (e - 8);
        if (y)
            return e - 8 + (63 - __builtin_clzll (y)) / 8 + 1;
        e -= 8;
    }
    while (e > s && e[-1] != ' ')
        e--;
    return e;
}

static inline const char *
rtrim (const char *s, const char *e)
{
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    return e;
}

/* rtrim where a column is padded (often several blanks): the blanks (' ')
 * eight at a time from the right, then rtrim. */
static inline const char *
rtrim_column (const char *s, const char *e)
{
    while (e - s >= 8) {
        /* the high bit of each byte that is not a blank */
        guint64 y = blank_bits (e - 8) ^ G_GUINT64_CONSTANT (0x8080808080808080);
        if (y) {
            e -= (guint) __builtin_clzll (y) / 8; /* the blanks above it */
            break;
        }
        e -= 8;
    }
    return rtrim (s, e);
}

/* Reads the integer right after KEY at *pos (which must start with KEY);
 * advances *pos.  FALSE if KEY is not there. */
static inline G_ALWAYS_INLINE gboolean
expect_int (const char **pos, const char *end, const char *key, gsize klen,
            gint64 *out)
{
    const char *s = *pos;
    if ((gsize) (end - s) < klen || !same_bytes (s, key, klen))
        return FALSE;
    s = scan_int (s + klen, end, out);
    if (!s)
        return FALSE;
    *pos = s;
    return TRUE;
}

/* Finds KEY anywhere in [s, end) and reads the integer after it. */
static inline gboolean
find_int (const char *s, const char *end, const char *key, gsize klen,
          gint64 *out)
{
    const char *k = find (s, end, key, klen);
    if (!k)
        return FALSE;
    return scan_int (k + klen, end, out) != NULL;
}

/* Finds the timestamp: the first "digits.digits:" token that follows a
 * blank and is followed by a blank or the end.  Returns its start and sets
 * *after to the position after the colon. */
static const char *fta_scan_find_timestamp (const char *s, const char *end, gint64 *ns,
                                     const char **after);

#endif /* FTA_SCAN_H */
