/* test-trend.c — an observation code's values over time, in the core and the CLI
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-import.h"
#include "hf-trend.h"
#include "hf-test-util.h"

#define PASS "owner: correct horse battery staple"

/* Three HbA1c results (one of them replaced by a newer version, one without a range), two
 * blood pressures kept in components, a coded result under the HbA1c code that has no
 * number, and a weight that appears once. */
static const char bundle[] =
  "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"a1\",\"status\":\"final\","
  " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
  "  \"display\":\"Hemoglobin A1c\"}]},\"effectiveDateTime\":\"2019-03-02\","
  " \"valueQuantity\":{\"value\":6.3,\"unit\":\"%\"},"
  " \"referenceRange\":[{\"low\":{\"value\":4.0},\"high\":{\"value\":5.6}}]}},"
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"a2\",\"status\":\"final\","
  " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
  "  \"display\":\"Hemoglobin A1c\"}]},\"effectiveDateTime\":\"2018-01-15T09:30:00Z\","
  " \"valueQuantity\":{\"value\":7.1,\"unit\":\"%\"}}},"
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"a3\",\"status\":\"final\","
  " \"meta\":{\"versionId\":\"1\"},"
  " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
  "  \"display\":\"Hemoglobin A1c\"}]},\"effectiveDateTime\":\"2020-06-30\","
  " \"valueQuantity\":{\"value\":9.9,\"unit\":\"%\"}}},"
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"a4\",\"status\":\"final\","
  " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
  "  \"display\":\"Hemoglobin A1c\"}]},\"effectiveDateTime\":\"2021-01-01\","
  " \"valueCodeableConcept\":{\"text\":\"sample haemolysed\"}}},"
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"bp1\",\"status\":\"final\","
  " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\","
  "  \"display\":\"Blood pressure panel\"}]},\"effectiveDateTime\":\"2020-02-01\","
  " \"component\":["
  "  {\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\","
  "    \"display\":\"Systolic blood pressure\"}]},"
  "   \"valueQuantity\":{\"value\":128,\"unit\":\"mm[Hg]\"},"
  "   \"referenceRange\":[{\"high\":{\"value\":120}}]},"
  "  {\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8462-4\","
  "    \"display\":\"Diastolic blood pressure\"}]},"
  "   \"valueQuantity\":{\"value\":84,\"unit\":\"mm[Hg]\"}}]}},"
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"bp2\",\"status\":\"final\","
  " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\","
  "  \"display\":\"Blood pressure panel\"}]},\"effectiveDateTime\":\"2021-02-01\","
  " \"component\":["
  "  {\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\","
  "    \"display\":\"Systolic blood pressure\"}]},"
  "   \"valueQuantity\":{\"value\":118,\"unit\":\"mm[Hg]\"}},"
  "  {\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8462-4\","
  "    \"display\":\"Diastolic blood pressure\"}]},"
  "   \"valueQuantity\":{\"value\":76,\"unit\":\"mm[Hg]\"}}]}},"
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"w1\",\"status\":\"final\","
  " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"29463-7\","
  "  \"display\":\"Body weight\"}]},\"effectiveDateTime\":\"2020-02-01\","
  " \"valueQuantity\":{\"value\":81.5,\"unit\":\"kg\"}}}"
  "]}";

/* A newer version of a3: 9.9 was a typing error. */
static const char correction[] =
  "{\"resourceType\":\"Observation\",\"id\":\"a3\",\"status\":\"amended\","
  " \"meta\":{\"versionId\":\"2\"},"
  " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
  "  \"display\":\"Hemoglobin A1c\"}]},\"effectiveDateTime\":\"2020-06-30\","
  " \"valueQuantity\":{\"value\":5.9,\"unit\":\"%\"}}";

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  const char *paths[2] = { NULL, NULL };

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);

  b = hf_test_write_file (&f->td, "labs.json", bundle);
  /* The same source sends the bundle again, with a3's newer version. */
  {
    g_autofree char *newer = g_strdup (bundle);
    char *old = strstr (newer, "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"a3\"");
    char *end = strstr (old, "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"a4\"");
    g_autofree char *text = g_strdup_printf ("%.*s{\"resource\":%s},%s", (int) (old - newer),
                                             newer, correction, end);
    c = hf_test_write_file (&f->td, "labs.json", text);
  }
  paths[0] = b;
  g_assert_true (hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  paths[0] = c;
  g_assert_true (hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  hf_test_dir_teardown (&f->td, data);
}

static HfTrendPoint *
point (HfTrendSeries *s,
       guint          i)
{
  g_assert_cmpuint (i, <, s->points->len);
  return &g_array_index (s->points, HfTrendPoint, i);
}

static void
test_values (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfTrend) trend = hf_trend_load (f->vault, "http://loinc.org", "4548-4", &error);
  HfTrendSeries *s;

  g_assert_no_error (error);
  g_assert_cmpstr (trend->title, ==, "Hemoglobin A1c");
  g_assert_cmpuint (trend->series->len, ==, 1);
  s = g_ptr_array_index (trend->series, 0);
  g_assert_cmpstr (s->unit, ==, "%");
  /* Oldest first; the corrected value, not the superseded one; the coded result left out. */
  g_assert_cmpuint (s->points->len, ==, 3);
  g_assert_cmpstr (point (s, 0)->date, ==, "2018-01-15");
  g_assert_cmpfloat (point (s, 0)->value, ==, 7.1);
  g_assert_true (isnan (point (s, 0)->low) && isnan (point (s, 0)->high));
  g_assert_cmpstr (point (s, 1)->date, ==, "2019-03-02");
  g_assert_cmpfloat (point (s, 1)->value, ==, 6.3);
  g_assert_cmpfloat (point (s, 1)->low, ==, 4.0);
  g_assert_cmpfloat (point (s, 1)->high, ==, 5.6);
  g_assert_cmpstr (point (s, 2)->date, ==, "2020-06-30");
  g_assert_cmpfloat (point (s, 2)->value, ==, 5.9);
  g_assert_cmpint (point (s, 0)->time, <, point (s, 1)->time);
  g_assert_cmpint (point (s, 1)->time, ==, 1551484800);   /* 2019-03-02T00:00:00Z */
  g_assert_cmpint (point (s, 0)->record_id, >, 0);

  /* Any system matches when none is given. */
  g_clear_pointer (&trend, hf_trend_free);
  trend = hf_trend_load (f->vault, NULL, "4548-4", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trend->n_points, ==, 3);
}

static void
test_components (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfTrend) trend = hf_trend_load (f->vault, NULL, "85354-9", &error);
  HfTrendSeries *sys, *dia;

  g_assert_no_error (error);
  g_assert_cmpuint (trend->series->len, ==, 2);
  sys = g_ptr_array_index (trend->series, 0);
  dia = g_ptr_array_index (trend->series, 1);
  g_assert_cmpstr (sys->name, ==, "Systolic blood pressure");
  g_assert_cmpstr (dia->name, ==, "Diastolic blood pressure");
  g_assert_cmpstr (sys->unit, ==, "mmHg");
  g_assert_cmpuint (sys->points->len, ==, 2);
  g_assert_cmpuint (dia->points->len, ==, 2);
  g_assert_cmpfloat (point (sys, 0)->value, ==, 128);
  g_assert_cmpfloat (point (sys, 0)->high, ==, 120);
  g_assert_cmpfloat (point (dia, 1)->value, ==, 76);
  g_assert_cmpuint (trend->n_points, ==, 4);
}

static void
test_unknown_code (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfTrend) trend = hf_trend_load (f->vault, NULL, "0000-0", &error);

  g_assert_null (trend);
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "0000-0"));
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) trends = hf_trend_list (f->vault, 2, &error);
  gboolean have_a1c = FALSE, have_bp = FALSE;

  g_assert_no_error (error);
  /* The weight was measured once: no trend yet. */
  g_assert_cmpuint (trends->len, ==, 2);
  for (guint i = 0; i < trends->len; i++)
    {
      HfTrend *t = g_ptr_array_index (trends, i);
      g_assert_cmpstr (t->code, !=, "29463-7");
      if (g_strcmp0 (t->code, "4548-4") == 0)
        {
          have_a1c = TRUE;
          g_assert_cmpuint (t->n_points, ==, 3);
        }
      have_bp |= g_strcmp0 (t->code, "85354-9") == 0;
    }
  g_assert_true (have_a1c && have_bp);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *pass_file = hf_test_write_file (&f->td, "pass", PASS);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  JsonArray *series, *points;
  int status;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  status = hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file", pass_file,
                        "--json", "trend", "4548-4", NULL);
  g_assert_cmpint (status, ==, 0);
  root = json_from_string (out, NULL);
  g_assert_nonnull (root);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "title"), ==, "Hemoglobin A1c");
  series = json_object_get_array_member (o, "series");
  g_assert_cmpuint (json_array_get_length (series), ==, 1);
  points = json_object_get_array_member (json_array_get_object_element (series, 0), "points");
  g_assert_cmpuint (json_array_get_length (points), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (points, 1),
                                                     "high"), ==, 5.6);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (points, 0),
                                              "high"));

  status = hf_test_cli (&out2, &err2, "--vault", f->td.vault, "--passphrase-file", pass_file,
                        "trend", "0000-0", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err2, "0000-0"));
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/hf/trend/values", test_values);
  ADD ("/hf/trend/components", test_components);
  ADD ("/hf/trend/unknown-code", test_unknown_code);
  ADD ("/hf/trend/list", test_list);
  ADD ("/hf/trend/cli", test_cli);
#undef ADD

  return g_test_run ();
}
