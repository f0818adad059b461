/* fta-schema.h - a JSON Schema validator for the tests, written for the
 * keywords docs/ftrace-analyzer.schema.json uses (draft 2020-12 meaning):
 * type, const, enum, required, properties, additionalProperties,
 * propertyNames, items, minItems, minimum, minLength, pattern, allOf and
 * $ref to "#/$defs/NAME".  Any other keyword is reported as unsupported,
 * so that the schema cannot say more than is checked. */
#ifndef FTA_SCHEMA_H
#define FTA_SCHEMA_H

#include <json-glib/json-glib.h>

/* TRUE when DOC is valid against SCHEMA (the root of the schema document).
 * Otherwise each violation is appended to ERRORS as "PATH: what\n". */
gboolean fta_schema_validate (JsonNode *schema, JsonNode *doc, GString *errors);

#endif /* FTA_SCHEMA_H */
