/* fta-schema.c - see fta-schema.h. */
#include <string.h>

#include "fta-schema.h"

typedef struct {
    JsonNode *root;
    GString *errors;
    guint n_errors;
} V;

static void
fail (V *v, const char *path, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
fail (V *v, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    if (v->n_errors++ < 50) {
        g_string_append_printf (v->errors, "%s: ", *path ? path : "(document)");
        g_string_append_vprintf (v->errors, fmt, ap);
        g_string_append_c (v->errors, '\n');
    }
    va_end (ap);
}

static gboolean
is_integer (JsonNode *n)
{
    return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64;
}

static gboolean
has_type (JsonNode *n, const char *t)
{
    if (strcmp (t, "null") == 0)
        return JSON_NODE_HOLDS_NULL (n);
    if (strcmp (t, "object") == 0)
        return JSON_NODE_HOLDS_OBJECT (n);
    if (strcmp (t, "array") == 0)
        return JSON_NODE_HOLDS_ARRAY (n);
    if (!JSON_NODE_HOLDS_VALUE (n))
        return FALSE;
    GType g = json_node_get_value_type (n);
    if (strcmp (t, "string") == 0)
        return g == G_TYPE_STRING;
    if (strcmp (t, "boolean") == 0)
        return g == G_TYPE_BOOLEAN;
    if (strcmp (t, "integer") == 0)
        return g == G_TYPE_INT64;
    if (strcmp (t, "number") == 0)
        return g == G_TYPE_INT64 || g == G_TYPE_DOUBLE;
    return FALSE;
}

static double
number (JsonNode *n)
{
    return is_integer (n) ? (double) json_node_get_int (n) : json_node_get_double (n);
}

static gboolean
equal (JsonNode *a, JsonNode *b)
{
    return json_node_equal (a, b);
}

static void validate (V *v, JsonNode *schema, JsonNode *doc, const char *path);

static JsonNode *
resolve (V *v, const char *ref, const char *path)
{
    if (!g_str_has_prefix (ref, "#/$defs/")) {
        fail (v, path, "unsupported $ref %s", ref);
        return NULL;
    }
    JsonObject *root = json_node_get_object (v->root);
    JsonObject *defs = json_object_get_object_member (root, "$defs");
    JsonNode *n = defs ? json_object_get_member (defs, ref + 8) : NULL;
    if (!n)
        fail (v, path, "no definition %s", ref);
    return n;
}

static void
check_type (V *v, JsonNode *t, JsonNode *doc, const char *path)
{
    gboolean ok = FALSE;
    if (JSON_NODE_HOLDS_ARRAY (t)) {
        JsonArray *a = json_node_get_array (t);
        for (guint i = 0; i < json_array_get_length (a) && !ok; i++)
            ok = has_type (doc, json_array_get_string_element (a, i));
    } else {
        ok = has_type (doc, json_node_get_string (t));
    }
    if (!ok) {
        char *want = json_to_string (t, FALSE), *got = json_to_string (doc, FALSE);
        fail (v, path, "%.60s is not of type %s", got, want);
        g_free (want);
        g_free (got);
    }
}

static void
check_object (V *v, JsonObject *s, JsonNode *doc, const char *path)
{
    JsonObject *o = json_node_get_object (doc);
    JsonArray *req = json_object_has_member (s, "required")
                         ? json_object_get_array_member (s, "required") : NULL;
    for (guint i = 0; req && i < json_array_get_length (req); i++) {
        const char *name = json_array_get_string_element (req, i);
        if (!json_object_has_member (o, name))
            fail (v, path, "member \"%s\" is missing", name);
    }
    JsonObject *props = json_object_has_member (s, "properties")
                            ? json_object_get_object_member (s, "properties") : NULL;
    JsonNode *extra = json_object_get_member (s, "additionalProperties");
    JsonNode *names = json_object_get_member (s, "propertyNames");
    GList *members = json_object_get_members (o);
    for (GList *m = members; m; m = m->next) {
        const char *name = m->data;
        char *p = g_strdup_printf ("%s/%s", path, name);
        JsonNode *value = json_object_get_member (o, name);
        if (names) {
            JsonNode *nn = json_node_init_string (json_node_alloc (), name);
            validate (v, names, nn, p);
            json_node_unref (nn);
        }
        if (props && json_object_has_member (props, name))
            validate (v, json_object_get_member (props, name), value, p);
        else if (extra && JSON_NODE_HOLDS_VALUE (extra) && !json_node_get_boolean (extra))
            fail (v, path, "member \"%s\" is not allowed", name);
        else if (extra && JSON_NODE_HOLDS_OBJECT (extra))
            validate (v, extra, value, p);
        g_free (p);
    }
    g_list_free (members);
}

static void
validate (V *v, JsonNode *schema, JsonNode *doc, const char *path)
{
    if (!schema)
        return;
    if (JSON_NODE_HOLDS_VALUE (schema) && json_node_get_value_type (schema) == G_TYPE_BOOLEAN) {
        if (!json_node_get_boolean (schema))
            fail (v, path, "nothing is allowed here");
        return;
    }
    JsonObject *s = json_node_get_object (schema);
    GList *keys = json_object_get_members (s);
    for (GList *k = keys; k; k = k->next) {
        const char *kw = k->data;
        JsonNode *arg = json_object_get_member (s, kw);
        if (strcmp (kw, "$schema") == 0 || strcmp (kw, "title") == 0
            || strcmp (kw, "description") == 0 || strcmp (kw, "$defs") == 0
            || strcmp (kw, "properties") == 0 || strcmp (kw, "additionalProperties") == 0
            || strcmp (kw, "propertyNames") == 0) {
            continue; /* annotations, or read with required below */
        } else if (strcmp (kw, "$ref") == 0) {
            validate (v, resolve (v, json_node_get_string (arg), path), doc, path);
        } else if (strcmp (kw, "type") == 0) {
            check_type (v, arg, doc, path);
        } else if (strcmp (kw, "const") == 0) {
            if (!equal (arg, doc))
                fail (v, path, "not the constant the schema requires");
        } else if (strcmp (kw, "enum") == 0) {
            JsonArray *a = json_node_get_array (arg);
            gboolean found = FALSE;
            for (guint i = 0; i < json_array_get_length (a) && !found; i++)
                found = equal (json_array_get_element (a, i), doc);
            if (!found) {
                char *got = json_to_string (doc, FALSE);
                fail (v, path, "%.60s is not one of the values allowed", got);
                g_free (got);
            }
        } else if (strcmp (kw, "required") == 0) {
            if (JSON_NODE_HOLDS_OBJECT (doc))
                check_object (v, s, doc, path);
        } else if (strcmp (kw, "items") == 0) {
            if (JSON_NODE_HOLDS_ARRAY (doc)) {
                JsonArray *a = json_node_get_array (doc);
                for (guint i = 0; i < json_array_get_length (a); i++) {
                    char *p = g_strdup_printf ("%s/%u", path, i);
                    validate (v, arg, json_array_get_element (a, i), p);
                    g_free (p);
                }
            }
        } else if (strcmp (kw, "minItems") == 0) {
            if (JSON_NODE_HOLDS_ARRAY (doc)
                && json_array_get_length (json_node_get_array (doc))
                       < (guint) json_node_get_int (arg))
                fail (v, path, "fewer than %" G_GINT64_FORMAT " items", json_node_get_int (arg));
        } else if (strcmp (kw, "minimum") == 0) {
            if (has_type (doc, "number") && number (doc) < number (arg))
                fail (v, path, "%g is below the minimum %g", number (doc), number (arg));
        } else if (strcmp (kw, "minLength") == 0) {
            if (has_type (doc, "string")
                && g_utf8_strlen (json_node_get_string (doc), -1) < json_node_get_int (arg))
                fail (v, path, "a string shorter than %" G_GINT64_FORMAT,
                      json_node_get_int (arg));
        } else if (strcmp (kw, "pattern") == 0) {
            if (has_type (doc, "string")
                && !g_regex_match_simple (json_node_get_string (arg),
                                          json_node_get_string (doc), 0, 0))
                fail (v, path, "\"%.60s\" does not match %s", json_node_get_string (doc),
                      json_node_get_string (arg));
        } else if (strcmp (kw, "allOf") == 0) {
            JsonArray *a = json_node_get_array (arg);
            for (guint i = 0; i < json_array_get_length (a); i++)
                validate (v, json_array_get_element (a, i), doc, path);
        } else {
            fail (v, path, "the schema uses \"%s\", which this validator does not check", kw);
        }
    }
    /* properties without required */
    if (!json_object_has_member (s, "required") && JSON_NODE_HOLDS_OBJECT (doc)
        && (json_object_has_member (s, "properties")
            || json_object_has_member (s, "additionalProperties")
            || json_object_has_member (s, "propertyNames")))
        check_object (v, s, doc, path);
    g_list_free (keys);
}

gboolean
fta_schema_validate (JsonNode *schema, JsonNode *doc, GString *errors)
{
    V v = { schema, errors, 0 };
    validate (&v, schema, doc, "");
    return v.n_errors == 0;
}
