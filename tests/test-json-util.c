/* test-json-util.c — reading members of parsed JSON: every shape reads as present or absent
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "hf-json-util.h"
#include "hf-test-util.h"

static JsonObject *
parse (const char *text,
       JsonNode  **keep)
{
  g_autoptr(GError) error = NULL;

  *keep = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_node_get_object (*keep);
}

static void
test_shapes (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o = parse ("{\"s\": \"text\", \"i\": 7, \"d\": 6.30, \"b\": true, \"n\": null,"
                         " \"o\": {\"k\": 1}, \"a\": [{\"first\": 1}, 2], \"a2\": [2, {}],"
                         " \"e\": [], \"big\": 1e400}", &root);
  double v = -1;

  /* Strings only from strings. */
  g_assert_cmpstr (hf_json_string (o, "s"), ==, "text");
  g_assert_null (hf_json_string (o, "i"));
  g_assert_null (hf_json_string (o, "b"));
  g_assert_null (hf_json_string (o, "n"));
  g_assert_null (hf_json_string (o, "o"));
  g_assert_null (hf_json_string (o, "missing"));
  g_assert_null (hf_json_string (NULL, "s"));

  /* Numbers, whole or not; anything else leaves the value alone. */
  g_assert_true (hf_json_number (o, "i", &v));
  g_assert_cmpfloat (v, ==, 7);
  g_assert_true (hf_json_number (o, "d", &v));
  g_assert_cmpfloat (v, ==, 6.3);
  v = -1;
  g_assert_false (hf_json_number (o, "s", &v));
  g_assert_false (hf_json_number (o, "b", &v));
  g_assert_false (hf_json_number (o, "n", &v));
  g_assert_false (hf_json_number (NULL, "i", &v));
  g_assert_cmpfloat (v, ==, -1);

  /* A number too big for a double is no number on an axis. */
  g_assert_false (hf_json_finite_number (o, "big", &v));
  g_assert_true (hf_json_finite_number (o, "d", &v));
  g_assert_cmpfloat (v, ==, 6.3);

  /* Objects and arrays by type. */
  g_assert_nonnull (hf_json_object (o, "o"));
  g_assert_null (hf_json_object (o, "a"));
  g_assert_null (hf_json_object (o, "s"));
  g_assert_nonnull (hf_json_array (o, "a"));
  g_assert_null (hf_json_array (o, "o"));
  g_assert_null (hf_json_array (NULL, "a"));

  /* The first element, only when it is an object. */
  g_assert_nonnull (hf_json_first_object (o, "a"));
  g_assert_true (json_object_has_member (hf_json_first_object (o, "a"), "first"));
  g_assert_null (hf_json_first_object (o, "a2"));
  g_assert_null (hf_json_first_object (o, "e"));
  g_assert_null (hf_json_first_object (o, "o"));

  /* Chained without checks, as callers do. */
  g_assert_null (hf_json_string (hf_json_object (hf_json_object (o, "none"), "x"), "y"));
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/hf/json-util/shapes", test_shapes);
  return g_test_run ();
}
