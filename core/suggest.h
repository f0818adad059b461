/* suggest.h - "did you mean": the valid names nearest to a mistyped one
 * (private to the core). */
#ifndef FTA_SUGGEST_H
#define FTA_SUGGEST_H

#include <glib.h>

/* The names of CANDIDATES (N of them, or NULL-terminated when N < 0)
 * nearest to WORD, as "'a'" or "'a' or 'b'", or NULL when none is near
 * enough to be a likely typo.  Case is ignored; a name WORD is the start
 * of counts as near.  Free with g_free. */
char *fta_suggest (const char *word, const char *const *candidates, gssize n);

/* ", did you mean 'a'?" (or "" when there is nothing near): to append to
 * a message.  Free with g_free. */
char *fta_suggest_clause (const char *word, const char *const *candidates, gssize n);

/* The K distinct names of CANDIDATES (N, or NULL-terminated) nearest to
 * WORD, however far, nearest first, as "'a', 'b'"; NULL when there are
 * none.  Free with g_free. */
char *fta_suggest_nearest (const char *word, const char *const *candidates, gssize n,
                           guint k);

/* CANDIDATES (N, or NULL-terminated) sorted and joined with ", ". */
char *fta_list_join (const char *const *candidates, gssize n);

#endif /* FTA_SUGGEST_H */
