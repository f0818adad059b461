/* suggest.c - the nearest valid names to a mistyped one.
 *
 * Distance is the optimal-string-alignment edit distance (insertions,
 * deletions, substitutions and swaps of two neighbours each cost 1), case
 * ignored.  A name is near enough when its distance is at most 1 for words
 * of up to 4 characters, 2 up to 8, 3 beyond: "comn" finds "comm", "yaml"
 * finds no "html".
 */
#include "config.h"

#include <string.h>

#include "suggest.h"

static guint
osa_distance (const char *a, const char *b)
{
    gsize la = strlen (a), lb = strlen (b);
    guint *d = g_new (guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
    for (gsize i = 0; i <= la; i++)
        D (i, 0) = (guint) i;
    for (gsize j = 0; j <= lb; j++)
        D (0, j) = (guint) j;
    for (gsize i = 1; i <= la; i++)
        for (gsize j = 1; j <= lb; j++) {
            guint cost = g_ascii_tolower (a[i - 1]) != g_ascii_tolower (b[j - 1]);
            guint v = MIN (D (i - 1, j) + 1, D (i, j - 1) + 1);
            v = MIN (v, D (i - 1, j - 1) + cost);
            if (i > 1 && j > 1 && g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 2])
                && g_ascii_tolower (a[i - 2]) == g_ascii_tolower (b[j - 1]))
                v = MIN (v, D (i - 2, j - 2) + 1);
            D (i, j) = v;
        }
    guint r = D (la, lb);
#undef D
    g_free (d);
    return r;
}

static gsize
count (const char *const *c, gssize n)
{
    if (n >= 0)
        return (gsize) n;
    gsize k = 0;
    while (c && c[k])
        k++;
    return k;
}

char *
fta_suggest (const char *word, const char *const *candidates, gssize n)
{
    gsize len = strlen (word), nc = count (candidates, n);
    if (!len || !nc)
        return NULL;
    guint limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    guint best = G_MAXUINT;
    guint *dist = g_new (guint, nc);
    for (gsize i = 0; i < nc; i++) {
        const char *c = candidates[i];
        dist[i] = G_MAXUINT;
        if (!c || g_ascii_strcasecmp (c, word) == 0)
            continue;
        if (len >= 3 && g_ascii_strncasecmp (c, word, len) == 0)
            dist[i] = 1; /* a beginning: as near as one typo */
        else
            dist[i] = osa_distance (word, c);
        if (dist[i] <= limit && dist[i] < best)
            best = dist[i];
    }
    char *out = NULL;
    if (best != G_MAXUINT) {
        GString *s = g_string_new (NULL);
        guint shown = 0;
        for (gsize i = 0; i < nc && shown < 3; i++) {
            if (dist[i] != best)
                continue;
            gboolean dup = FALSE;
            for (gsize k = 0; k < i && !dup; k++)
                dup = dist[k] == best && strcmp (candidates[k], candidates[i]) == 0;
            if (dup)
                continue;
            g_string_append_printf (s, "%s'%s'", shown ? " or " : "", candidates[i]);
            shown++;
        }
        out = g_string_free (s, FALSE);
    }
    g_free (dist);
    return out;
}

char *
fta_suggest_clause (const char *word, const char *const *candidates, gssize n)
{
    char *s = fta_suggest (word, candidates, n);
    char *out = s ? g_strdup_printf ("; did you mean %s?", s) : g_strdup ("");
    g_free (s);
    return out;
}

typedef struct {
    guint dist;
    const char *name;
} Near;

static int
by_dist (gconstpointer a, gconstpointer b)
{
    const Near *x = a, *y = b;
    if (x->dist != y->dist)
        return x->dist < y->dist ? -1 : 1;
    return strcmp (x->name, y->name);
}

char *
fta_suggest_nearest (const char *word, const char *const *candidates, gssize n, guint k)
{
    gsize nc = count (candidates, n);
    GArray *near = g_array_new (FALSE, FALSE, sizeof (Near));
    for (gsize i = 0; i < nc; i++) {
        if (!candidates[i])
            continue;
        Near x = { osa_distance (word, candidates[i]), candidates[i] };
        g_array_append_val (near, x);
    }
    g_array_sort (near, by_dist);
    GString *s = g_string_new (NULL);
    guint shown = 0;
    for (guint i = 0; i < near->len && shown < k; i++) {
        const Near *x = &g_array_index (near, Near, i);
        if (i && strcmp (x->name, g_array_index (near, Near, i - 1).name) == 0)
            continue;
        g_string_append_printf (s, "%s'%s'", shown ? ", " : "", x->name);
        shown++;
    }
    g_array_free (near, TRUE);
    return g_string_free (s, shown == 0);
}

static int
by_str (gconstpointer a, gconstpointer b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
fta_list_join (const char *const *candidates, gssize n)
{
    gsize nc = count (candidates, n);
    const char **v = g_new0 (const char *, nc + 1);
    gsize k = 0;
    for (gsize i = 0; i < nc; i++) {
        gboolean dup = FALSE;
        for (gsize j = 0; j < k && !dup; j++)
            dup = strcmp (v[j], candidates[i]) == 0;
        if (!dup)
            v[k++] = candidates[i];
    }
    qsort (v, k, sizeof *v, by_str);
    char *out = g_strjoinv (", ", (char **) v);
    g_free (v);
    return out;
}
