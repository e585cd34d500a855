/* hf-json-util.h — reading members of parsed JSON without fuss
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Each takes a possibly-NULL object and a member name. A missing member, a NULL object or a
 * member of another JSON type all read as absent (NULL or FALSE), never as an error: FHIR from
 * strangers has every shape, and callers chain these without checking each step. */

/* The member if it is an object, else NULL. */
JsonObject *hf_json_object        (JsonObject *o,
                                   const char *name);
/* The member if it is an array, else NULL. */
JsonArray  *hf_json_array         (JsonObject *o,
                                   const char *name);
/* The member if it is a JSON string, else NULL (numbers and booleans are not converted). */
const char *hf_json_string        (JsonObject *o,
                                   const char *name);
/* TRUE and the value in *VALUE if the member is a number, integer or not; *VALUE is left
 * alone otherwise. */
gboolean    hf_json_number        (JsonObject *o,
                                   const char *name,
                                   double     *value);
/* As hf_json_number(), and FALSE too for a number a double cannot hold (it overflowed). */
gboolean    hf_json_finite_number (JsonObject *o,
                                   const char *name,
                                   double     *value);
/* The first element of the array member if that element is an object, else NULL. */
JsonObject *hf_json_first_object  (JsonObject *o,
                                   const char *name);

G_END_DECLS
