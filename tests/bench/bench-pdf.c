/* bench-pdf.c — drawing the printable summary of a large IPS document
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 14's budget: IPS + PDF for a 5,000-record vault ≤ 500 ms together. This measures the
 * PDF's part, hf_pdf_from_ips, on IPS documents made here: 40 problems, 60 medications, 10
 * allergies, 40 immunizations and N lab results (300, then 1,000 and 3,000 by default), with
 * a SMART Health Link's QR code on the first page; the A4 summary and the wallet card. Each
 * figure is the median of the rounds, printed with the pages and the load average. It never
 * fails on timing.
 *
 *   tests/bench/bench-pdf [--rounds N] [--results N]…
 */

#define _GNU_SOURCE
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "bench-util.h"
#include "hf-pdf.h"

static void
section (GString    *s,
         const char *code,
         const char *title,
         const char *prefix,
         guint       n)
{
  g_string_append_printf (s, "%s{\"title\":\"%s\",\"code\":{\"coding\":[{\"system\":"
                          "\"http://loinc.org\",\"code\":\"%s\"}]},\"entry\":[",
                          s->str[s->len - 1] == '[' ? "" : ",", title, code);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s{\"reference\":\"urn:uuid:%s-%u\"}", i ? "," : "", prefix, i);
  g_string_append (s, "]}");
}

static void
entry (GString    *s,
       const char *prefix,
       guint       i,
       const char *resource)
{
  g_string_append_printf (s, ",{\"fullUrl\":\"urn:uuid:%s-%u\",\"resource\":%s}", prefix, i,
                          resource);
}

static GBytes *
make_ips (guint n_results)
{
  GString *s = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":["
                             "{\"fullUrl\":\"urn:uuid:c\",\"resource\":{\"resourceType\":"
                             "\"Composition\",\"title\":\"Patient summary\",\"date\":"
                             "\"2026-12-01\",\"subject\":{\"reference\":\"urn:uuid:p\"},"
                             "\"section\":[");

  section (s, "11450-4", "Problems", "problem", 40);
  section (s, "48765-2", "Allergies and intolerances", "allergy", 10);
  section (s, "10160-0", "Medication summary", "med", 60);
  section (s, "11369-6", "Immunizations", "imm", 40);
  section (s, "30954-2", "Results", "result", n_results);
  g_string_append (s, "]}},{\"fullUrl\":\"urn:uuid:p\",\"resource\":{\"resourceType\":"
                   "\"Patient\",\"name\":[{\"family\":\"Osei\",\"given\":[\"Kofi\"]}],"
                   "\"birthDate\":\"1970-01-01\",\"contact\":[{\"name\":{\"text\":\"Ama Osei\"},"
                   "\"telecom\":[{\"value\":\"+233 20 000 0000\"}]}]}}");
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *r = g_strdup_printf (
        "{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{\"system\":"
        "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
        "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"%u\","
        "\"display\":\"Long-standing condition number %u (disorder)\"}]},"
        "\"onsetDateTime\":\"2010-01-%02u\"}", 1000 + i, i, 1 + i % 28);
      entry (s, "problem", i, r);
    }
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *r = g_strdup_printf (
        "{\"resourceType\":\"AllergyIntolerance\",\"criticality\":\"high\",\"code\":{\"text\":"
        "\"Allergen number %u\"}}", i);
      entry (s, "allergy", i, r);
    }
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *r = g_strdup_printf (
        "{\"resourceType\":\"MedicationStatement\",\"status\":\"active\","
        "\"medicationCodeableConcept\":{\"text\":\"Medicine %u 20 mg tablet\"},"
        "\"dosage\":[{\"text\":\"One tablet twice a day with food\"}],"
        "\"effectivePeriod\":{\"start\":\"2020-02-%02u\"}}", i, 1 + i % 28);
      entry (s, "med", i, r);
    }
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *r = g_strdup_printf (
        "{\"resourceType\":\"Immunization\",\"status\":\"completed\",\"vaccineCode\":{\"text\":"
        "\"Vaccine %u\"},\"occurrenceDateTime\":\"2015-05-%02u\"}", i, 1 + i % 28);
      entry (s, "imm", i, r);
    }
  for (guint i = 0; i < n_results; i++)
    {
      g_autofree char *r = g_strdup_printf (
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{"
        "\"system\":\"http://loinc.org\",\"code\":\"2345-7\",\"display\":\"Glucose [Mass/volume]"
        " in Serum or Plasma\"}]},\"effectiveDateTime\":\"2024-%02u-%02uT08:00:00Z\","
        "\"valueQuantity\":{\"value\":%u,\"unit\":\"mg/dL\",\"system\":"
        "\"http://unitsofmeasure.org\",\"code\":\"mg/dL\"},\"referenceRange\":[{\"low\":{"
        "\"value\":70},\"high\":{\"value\":99}}]}", 1 + i % 12, 1 + i % 28, 70 + i % 60);
      entry (s, "result", i, r);
    }
  g_string_append (s, "]}");
  return g_string_free_to_bytes (s);
}

static int
count_pages (GBytes *pdf)
{
  gsize n = 0;
  const char *p = g_bytes_get_data (pdf, &n);
  const char *end = p + n;
  int pages = 0;

  /* "/Type /Page" and not "/Type /Pages". */
  /* memmem: the compressed streams hold NUL bytes. */
  while (p < end && (p = memmem (p, (size_t) (end - p), "/Type /Page", 11)) != NULL)
    {
      p += strlen ("/Type /Page");
      if (p < end && *p != 's')
        pages++;
    }
  return pages;
}

static void
measure (guint n_results,
         int   n_rounds)
{
  g_autoptr(GBytes) ips = make_ips (n_results);
  const char *link = "shlink:/eyJ1cmwiOiJodHRwczovL2V4YW1wbGUub3JnL20vYWJjIiwiZmxhZyI6IkxQIiwi"
                     "a2V5IjoiYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3ODkwQUIifQ";
  HfPdfOptions options = { HF_PDF_LAYOUT_SUMMARY, g_get_real_time (), "Kofi Osei", "Dr. Mensah",
                           "Everything, for treatment.", link, FALSE };

  for (int layout = 0; layout < 2; layout++)
    {
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
      gsize size = 0;
      int pages = 0;

      options.layout = layout == 0 ? HF_PDF_LAYOUT_SUMMARY : HF_PDF_LAYOUT_WALLET;
      for (int r = 0; r < n_rounds; r++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) pdf = NULL;
          gint64 t0 = g_get_monotonic_time ();
          double t;

          pdf = hf_pdf_from_ips (ips, &options, &error);
          t = (g_get_monotonic_time () - t0) / 1000.0;
          if (pdf == NULL)
            bench_die ("pdf", "drawing the summary", error);
          g_array_append_val (ms, t);
          size = g_bytes_get_size (pdf);
          pages = count_pages (pdf);
        }
      printf ("bench-pdf: %s of an IPS of %u entries (%u results, %zu KiB of JSON): "
              "%.1f ms median of %d, %d pages, %zu KiB of PDF\n",
              layout == 0 ? "summary" : "wallet card", 150 + n_results, n_results,
              g_bytes_get_size (ips) / 1024, bench_median (ms), n_rounds, pages, size / 1024);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) results = NULL;
  int n_rounds = 11;
  GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &n_rounds, "Rounds per figure (11)", "N" },
    { "results", 0, 0, G_OPTION_ARG_STRING_ARRAY, &results,
      "Lab results in the IPS (300, 1000, 3000)", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— how fast the printable summary of an IPS is drawn");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_rounds < 1)
    {
      g_printerr ("bench-pdf: %s\n", error != NULL ? error->message : "--rounds: at least 1");
      return 2;
    }
  bench_print_load ("bench-pdf", "before");
  if (results == NULL)
    {
      measure (300, n_rounds);
      measure (1000, MAX (1, n_rounds / 2));
      measure (3000, MAX (1, n_rounds / 4));
    }
  for (guint i = 0; results != NULL && results[i] != NULL; i++)
    measure ((guint) g_ascii_strtoull (results[i], NULL, 10), n_rounds);
  bench_print_load ("bench-pdf", "after");
  return 0;
}
