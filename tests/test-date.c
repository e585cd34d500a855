/* test-date.c — dates read in the local time zone, in the core and through healthfolio-cli
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The FHIR R4 example DiagnosticReport "lipids" was taken 2011-03-04T08:30:00+11:00: someone in
 * Sydney reads the 4th, someone in London or New York the 3rd. A date without a time is never
 * shifted.
 */

#include <json-glib/json-glib.h>
#include <string.h>
#include <time.h>

#include "hf-fhir.h"
#include "hf-test-util.h"

#define PASS "dates: a long test passphrase 42"

static void
set_tz (const char *tz)
{
  g_setenv ("TZ", tz, TRUE);
  tzset ();
}

static void
assert_date (const char  *text,
             HfDateStyle  style,
             const char  *shown)
{
  g_autofree char *got = hf_fhir_date_format (text, style);

  g_assert_cmpstr (got, ==, shown);
}

static void
test_format (void)
{
  set_tz ("Australia/Sydney");
  assert_date ("2011-03-04T08:30:00+11:00", HF_DATE_STYLE_DAY, "2011-03-04");
  assert_date ("2011-03-04T08:30:00+11:00", HF_DATE_STYLE_DAY_TIME, "2011-03-04 08:30");
  assert_date ("2011-03-03T21:30:00Z", HF_DATE_STYLE_DAY, "2011-03-04");   /* the sort key */
  assert_date ("2011-03-04", HF_DATE_STYLE_DAY, "2011-03-04");
  assert_date ("2011-03-04", HF_DATE_STYLE_DAY_TIME, "2011-03-04");
  assert_date ("2011-03", HF_DATE_STYLE_DAY, "2011-03");
  assert_date ("2011", HF_DATE_STYLE_DAY_TIME, "2011");
  assert_date ("2011-03-04T00:00:00-05:00", HF_DATE_STYLE_DAY_TIME, "2011-03-04");

  set_tz ("UTC");
  assert_date ("2011-03-04T08:30:00+11:00", HF_DATE_STYLE_DAY, "2011-03-03");
  assert_date ("2011-03-04T08:30:00+11:00", HF_DATE_STYLE_DAY_TIME, "2011-03-03 21:30");
  assert_date ("2011-03-03T21:30:00Z", HF_DATE_STYLE_DAY, "2011-03-03");
  assert_date ("2011-03-04", HF_DATE_STYLE_DAY, "2011-03-04");
  assert_date ("2011-03-04T00:00:00-05:00", HF_DATE_STYLE_DAY_TIME, "2011-03-04");

  set_tz ("America/New_York");
  assert_date ("2011-03-04T08:30:00+11:00", HF_DATE_STYLE_DAY_TIME, "2011-03-03 16:30");
  assert_date ("2011-03-04", HF_DATE_STYLE_DAY, "2011-03-04");
  assert_date ("2011-03-04T08:30:00.123+11:00", HF_DATE_STYLE_DAY, "2011-03-03");

  /* Not a date: at most its first ten characters, never an error. */
  assert_date ("yesterday afternoon", HF_DATE_STYLE_DAY, "yesterday ");
  assert_date ("", HF_DATE_STYLE_DAY, NULL);
  assert_date (NULL, HF_DATE_STYLE_DAY, NULL);
  set_tz ("UTC");
}

/* The detail's dates follow the reader's zone too. */
static void
test_detail (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("HF_TEST_DATA"), "r4-examples",
                                            "diagnosticreport-example-lipids.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  static const struct { const char *tz; const char *date; const char *listed; } zones[] = {
    { "Australia/Sydney", "2011-03-04 08:30", "2011-03-04" },
    { "UTC", "2011-03-03 21:30", "2011-03-03" },
    { "America/New_York", "2011-03-03 16:30", "2011-03-03" },
  };

  JsonObject *report;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  /* The Bundle's first entry. */
  report = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (
      json_node_get_object (json_parser_get_root (parser)), "entry"), 0), "resource");
  g_assert_cmpstr (json_object_get_string_member (report, "resourceType"), ==, "DiagnosticReport");
  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(GPtrArray) fields = NULL;
      const char *date = NULL;
      HfFhirSummary s;

      set_tz (zones[z].tz);
      fields = hf_fhir_describe (report, NULL, NULL);
      for (guint i = 0; i < fields->len && date == NULL; i++)
        if (g_str_equal (((HfFhirField *) g_ptr_array_index (fields, i))->label, "Date"))
          date = ((HfFhirField *) g_ptr_array_index (fields, i))->value;
      g_assert_cmpstr (date, ==, zones[z].date);

      hf_fhir_summarize (report, NULL, NULL, &s);
      g_assert_cmpstr (s.effective, ==, "2011-03-03T21:30:00Z");   /* the sort key: UTC */
      g_assert_cmpstr (s.date, ==, zones[z].listed);
      hf_fhir_summary_clear (&s);
    }
  set_tz ("UTC");
}

/* `list` through the CLI: the DiagnosticReport's row, in each zone. */
static char *
listed_date (HfTestDir  *td,
             const char *pass_file,
             const char *tz,
             char      **json_effective)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonNode) json = NULL;
  char *date = NULL;

  set_tz (tz);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file",
                                pass_file, "list", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "DiagnosticReport") != NULL)
      {
        g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
        g_assert_nonnull (words[1]);
        g_assert_cmpstr (words[1], ==, "");
        date = g_strdup (words[2]);
      }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file",
                                pass_file, "--json", "list", NULL), ==, 0);
  json = json_from_string (out, NULL);
  g_assert_nonnull (json);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (json)); i++)
    {
      JsonObject *row = json_array_get_object_element (json_node_get_array (json), i);
      if (g_str_equal (json_object_get_string_member (row, "type"), "DiagnosticReport"))
        *json_effective = g_strdup (json_object_get_string_member (row, "effective"));
    }
  return date;
}

static void
test_cli_list (HfTestDir     *td,
               gconstpointer  data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass.txt", PASS "\n");
  g_autofree char *file = g_build_filename (g_getenv ("HF_TEST_DATA"), "r4-examples",
                                            "diagnosticreport-example-lipids.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sydney = NULL;
  g_autofree char *london = NULL;
  g_autofree char *new_york = NULL;
  g_autofree char *key_sydney = NULL;
  g_autofree char *key_london = NULL;
  g_autofree char *key_new_york = NULL;

  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file",
                                pass_file, "vault", "create", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file",
                                pass_file, "import", file, NULL), ==, 0);

  sydney = listed_date (td, pass_file, "Australia/Sydney", &key_sydney);
  london = listed_date (td, pass_file, "Europe/London", &key_london);
  new_york = listed_date (td, pass_file, "America/New_York", &key_new_york);
  set_tz ("UTC");
  g_assert_cmpstr (sydney, ==, "2011-03-04");
  g_assert_cmpstr (london, ==, "2011-03-03");
  g_assert_cmpstr (new_york, ==, "2011-03-03");
  /* What scripts read stays the sort key, the same everywhere. */
  g_assert_cmpstr (key_sydney, ==, "2011-03-03T21:30:00Z");
  g_assert_cmpstr (key_london, ==, key_sydney);
  g_assert_cmpstr (key_new_york, ==, key_sydney);
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/date/format", test_format);
  g_test_add_func ("/date/detail", test_detail);
  g_test_add ("/date/cli-list", HfTestDir, NULL, hf_test_dir_setup, test_cli_list,
              hf_test_dir_teardown);
  return g_test_run ();
}
