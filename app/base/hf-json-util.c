/* hf-json-util.c — reading members of parsed JSON without fuss
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-json-util.h"

#include <math.h>

JsonObject *
hf_json_object (JsonObject *o,
                const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

JsonArray *
hf_json_array (JsonObject *o,
               const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

const char *
hf_json_string (JsonObject *o,
                const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gboolean
hf_json_number (JsonObject *o,
                const char *name,
                double     *value)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  switch (json_node_get_value_type (n))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (n);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (n);
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
hf_json_finite_number (JsonObject *o,
                       const char *name,
                       double     *value)
{
  double v;

  if (!hf_json_number (o, name, &v) || !isfinite (v))
    return FALSE;
  *value = v;
  return TRUE;
}

JsonObject *
hf_json_first_object (JsonObject *o,
                      const char *name)
{
  JsonArray *a = hf_json_array (o, name);
  JsonNode *n;

  if (a == NULL || json_array_get_length (a) == 0)
    return NULL;
  n = json_array_get_element (a, 0);
  return JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}
