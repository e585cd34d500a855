/* test-pdf.c — the printable summary (hf_pdf_from_ips) read back with poppler and ZBar
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The PDFs are read by other programs, as a reader would: pdftotext (the words are text, and
 * the right ones), pdffonts (every font embedded), pdfinfo (the page count), pdftoppm (every
 * page renders) and zbarimg (the QR code on the rendered first page reads back as the text it
 * was made from). With two of the IPS IG's examples and with documents made here: a long one
 * that goes over many pages, a wallet card, and inputs that are not patient summaries.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-error.h"
#include "hf-label.h"
#include "hf-pdf.h"
#include "hf-test-util.h"

#define NOW ((gint64) 1764633600 * G_USEC_PER_SEC) /* 2025-12-02 00:00 UTC */

/* {{{ running the readers */

/* The standard output of ARGV; the test fails if it does not exit 0. */
static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

static char *
write_pdf (HfTestDir  *td,
           const char *name,
           GBytes     *pdf)
{
  char *path = g_build_filename (td->dir, name, NULL);

  hf_test_write (path, pdf);
  /* To look at them: HF_PDF_DUMP=DIR keeps a copy of each. */
  if (g_getenv ("HF_PDF_DUMP") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("HF_PDF_DUMP"), name, NULL);

      hf_test_write (copy, pdf);
    }
  return path;
}

static char *
pdf_text (const char *path,
          int         page)
{
  g_autofree char *p = g_strdup_printf ("%d", page);
  const char *all[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  /* One page in its layout, so that a table's row reads as one line. */
  const char *one[] = { "pdftotext", "-layout", "-enc", "UTF-8", "-f", p, "-l", p, path, "-",
                        NULL };

  return run (page > 0 ? one : all);
}

static int
pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *out = run (argv);
  const char *p = strstr (out, "\nPages:");

  g_assert_nonnull (p);
  if (p == NULL)
    return 0;
  return atoi (p + strlen ("\nPages:"));
}

/* Every font pdffonts lists is embedded, and there is at least one. */
static void
assert_fonts_embedded (const char *path)
{
  const char *argv[] = { "pdffonts", path, NULL };
  g_autofree char *out = run (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint fonts = 0;
  const char *head = lines[0];
  const char *emb = head ? strstr (head, "emb") : NULL;

  g_assert_nonnull (emb);
  if (emb == NULL)
    return;
  for (guint i = 2; lines[i] != NULL; i++)
    {
      gsize col = (gsize) (emb - head);

      if (lines[i][0] == '\0')
        continue;
      g_assert_cmpuint (strlen (lines[i]), >, col + 3);
      g_assert_true (strncmp (lines[i] + col, "yes", 3) == 0);
      fonts++;
    }
  g_assert_cmpuint (fonts, >, 0);
}

/* Renders every page as a PNG at DPI; returns the first page's path. */
static char *
render_pages (HfTestDir  *td,
              const char *path,
              int         pages,
              int         dpi)
{
  g_autofree char *prefix = g_build_filename (td->dir, "page", NULL);
  g_autofree char *r = g_strdup_printf ("%d", dpi);
  const char *argv[] = { "pdftoppm", "-png", "-r", r, path, prefix, NULL };
  g_autoptr(GDir) dir = NULL;
  const char *name;
  char *first = NULL;
  int n = 0;

  g_free (run (argv));
  dir = g_dir_open (td->dir, 0, NULL);
  g_assert_nonnull (dir);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "page") && g_str_has_suffix (name, ".png"))
      {
        g_autofree char *p = g_build_filename (td->dir, name, NULL);
        GStatBuf st;

        g_assert_cmpint (g_stat (p, &st), ==, 0);
        g_assert_cmpint (st.st_size, >, 1000);
        n++;
        if (first == NULL || strcmp (p, first) < 0)
          {
            g_free (first);
            first = g_steal_pointer (&p);
          }
      }
  g_assert_cmpint (n, ==, pages);
  if (g_getenv ("HF_PDF_KEEP") != NULL && first != NULL)
    g_printerr ("kept %s\n", first);
  return first;
}

static void
remove_pages (HfTestDir *td)
{
  g_autoptr(GDir) dir = g_dir_open (td->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "page") && g_str_has_suffix (name, ".png"))
      {
        g_autofree char *p = g_build_filename (td->dir, name, NULL);

        g_unlink (p);
      }
}

static char *
zbar (const char *png)
{
  const char *argv[] = { "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png,
                         NULL };
  char *out = run (argv);

  return g_strchomp (out);
}

/* The text with every run of white space made one space, lower case: pdftotext breaks lines
 * where the table's cells wrap. */
static char *
squeeze (const char *text)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p))
        space = TRUE;
      else
        {
          if (space && s->len)
            g_string_append_c (s, ' ');
          space = FALSE;
          g_string_append_c (s, g_ascii_tolower (*p));
        }
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
assert_has (const char *text,
            const char *words)
{
  g_autofree char *t = squeeze (text);
  g_autofree char *w = squeeze (words);

  if (strstr (t, w) == NULL)
    g_error ("“%s” is not in the PDF's text:\n%s", words, text);
}

static GBytes *
read_data (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("HF_TEST_DATA"), name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("%s", error->message);
  return g_bytes_new_take (data, len);
}

static char *
read_qr_text (const char *name)
{
  g_autoptr(GBytes) b = read_data (name);
  char *t = g_strndup (g_bytes_get_data (b, NULL), g_bytes_get_size (b));

  return g_strstrip (t);
}

/* }}} */
/* {{{ documents made here */

static void
add_entry (JsonBuilder *b,
           const char  *full_url,
           const char  *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "fullUrl");
  json_builder_add_string_value (b, full_url);
  json_builder_set_member_name (b, "resource");
  json_builder_add_value (b, g_steal_pointer (&node));
  json_builder_end_object (b);
}

static void
add_section (JsonBuilder *b,
             const char  *code,
             const char  *title,
             const char  *prefix,
             guint        n,
             const char  *empty_reason)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, title);
  json_builder_set_member_name (b, "code");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, "http://loinc.org");
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (n > 0)
    {
      json_builder_set_member_name (b, "entry");
      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *ref = g_strdup_printf ("urn:uuid:%s-%u", prefix, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "reference");
          json_builder_add_string_value (b, ref);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  else if (empty_reason != NULL)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/list-empty-reason\","
        "\"code\":\"%s\"}]}", empty_reason);

      json_builder_set_member_name (b, "emptyReason");
      json_builder_add_value (b, json_from_string (json, NULL));
    }
  json_builder_end_object (b);
}

/* An IPS document of N_RESULTS lab results, N_PROBLEMS problems, N_MEDS medications and two
 * allergies (or none: emptyReason nilknown), for Ana <Test> & Co Müller with a mother to call. */
static GBytes *
make_ips (guint    n_problems,
          guint    n_meds,
          gboolean allergies,
          guint    n_results)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "Bundle");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "document");
  json_builder_set_member_name (b, "entry");
  json_builder_begin_array (b);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "fullUrl");
  json_builder_add_string_value (b, "urn:uuid:composition");
  json_builder_set_member_name (b, "resource");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "Composition");
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, "Patient summary");
  json_builder_set_member_name (b, "date");
  json_builder_add_string_value (b, "2025-12-01T10:00:00Z");
  json_builder_set_member_name (b, "subject");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reference");
  json_builder_add_string_value (b, "urn:uuid:patient");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "section");
  json_builder_begin_array (b);
  add_section (b, "11450-4", "Problems", "problem", n_problems, "nilknown");
  add_section (b, "48765-2", "Allergies and intolerances", "allergy", allergies ? 2 : 0,
               "nilknown");
  add_section (b, "10160-0", "Medication summary", "med", n_meds, "nilknown");
  if (n_results > 0)
    add_section (b, "30954-2", "Results", "result", n_results, NULL);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  add_entry (b, "urn:uuid:patient",
             "{\"resourceType\":\"Patient\",\"id\":\"p1\","
             "\"name\":[{\"family\":\"Müller\",\"given\":[\"Ana <Test> & Co\"]}],"
             "\"birthDate\":\"1961-04-12\",\"gender\":\"female\","
             "\"identifier\":[{\"type\":{\"text\":\"Passport\"},\"value\":\"X1234567\"}],"
             "\"contact\":[{\"relationship\":[{\"text\":\"Mother\"}],"
             "\"name\":{\"family\":\"Müller\",\"given\":[\"Greta\"]},"
             "\"telecom\":[{\"system\":\"phone\",\"value\":\"+49 30 1234567\"}]}]}");
  for (guint i = 0; i < n_problems; i++)
    {
      g_autofree char *url = g_strdup_printf ("urn:uuid:problem-%u", i);
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{\"system\":"
        "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
        "\"code\":{\"text\":\"Problem number %u\"},\"subject\":{\"reference\":"
        "\"urn:uuid:patient\"},\"onsetDateTime\":\"2019-03-%02u\"}", i, 1 + i % 28);

      add_entry (b, url, json);
    }
  if (allergies)
    {
      add_entry (b, "urn:uuid:allergy-0",
                 "{\"resourceType\":\"AllergyIntolerance\",\"clinicalStatus\":{\"coding\":[{"
                 "\"system\":\"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
                 "\",\"code\":\"active\"}]},\"criticality\":\"high\",\"code\":{\"coding\":[{"
                 "\"system\":\"http://snomed.info/sct\",\"code\":\"91936005\",\"display\":"
                 "\"Allergy to penicillin\"}]},\"patient\":{\"reference\":\"urn:uuid:patient\"}}");
      add_entry (b, "urn:uuid:allergy-1",
                 "{\"resourceType\":\"AllergyIntolerance\",\"code\":{\"text\":\"Peanuts\"},"
                 "\"patient\":{\"reference\":\"urn:uuid:patient\"}}");
    }
  for (guint i = 0; i < n_meds; i++)
    {
      g_autofree char *url = g_strdup_printf ("urn:uuid:med-%u", i);
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"MedicationStatement\",\"status\":\"active\","
        "\"medicationCodeableConcept\":{\"text\":\"Medicine number %u 10 mg tablet\"},"
        "\"subject\":{\"reference\":\"urn:uuid:patient\"},"
        "\"dosage\":[{\"text\":\"One tablet each morning\"}]}", i);

      add_entry (b, url, json);
    }
  for (guint i = 0; i < n_results; i++)
    {
      g_autofree char *url = g_strdup_printf ("urn:uuid:result-%u", i);
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{"
        "\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
        "\"code\":\"laboratory\"}]}],\"code\":{\"text\":\"Result number %u\"},"
        "\"subject\":{\"reference\":\"urn:uuid:patient\"},"
        "\"effectiveDateTime\":\"2024-%02u-%02uT08:30:00Z\","
        "\"valueQuantity\":{\"value\":%u.5,\"unit\":\"mmol/L\",\"system\":"
        "\"http://unitsofmeasure.org\",\"code\":\"mmol/L\"}}",
        i, 1 + i % 12, 1 + i % 28, 3 + i % 5);

      add_entry (b, url, json);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* }}} */
/* {{{ tests */

static void
test_ig_minimal (HfTestDir    *td,
                 gconstpointer data)
{
  g_autoptr(GBytes) ips = read_data ("ips/bundle-minimal.json");
  g_autofree char *qr = read_qr_text ("shc/example-00-f-qr-code-numeric-value-0.txt");
  HfPdfOptions o = { HF_PDF_LAYOUT_SUMMARY, NOW, "Martha DeLarosa", "Dr. Osei",
                     "Problems, medications and allergies, for treatment, until 2026-06-01.",
                     qr, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hf_pdf_from_ips (ips, &o, &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *first = NULL;
  g_autofree char *decoded = NULL;
  int pages;

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  path = write_pdf (td, "minimal.pdf", pdf);
  text = pdf_text (path, 0);
  assert_has (text, "Martha DeLarosa");
  assert_has (text, "Menopausal flushing");
  assert_has (text, "anastrozol");
  assert_has (text, "penicillin");
  assert_has (text, "Dr. Osei");
  assert_has (text, "for treatment, until 2026-06-01");
  assert_has (text, "Scan this code");
  assert_has (text, "Page 1 of 1");
  g_assert_null (strstr (text, "42 CFR"));
  assert_fonts_embedded (path);
  pages = pdf_pages (path);
  g_assert_cmpint (pages, ==, 1);
  first = render_pages (td, path, pages, 150);
  decoded = zbar (first);
  g_assert_cmpstr (decoded, ==, qr);
  if (g_getenv ("HF_PDF_SCREENSHOT") != NULL)
    {
      remove_pages (td);
      g_free (first);
      first = render_pages (td, path, pages, 80);
      hf_test_copy (first, g_getenv ("HF_PDF_SCREENSHOT"));
    }
}

static void
test_ig_empty_sections (HfTestDir    *td,
                        gconstpointer data)
{
  g_autoptr(GBytes) ips = read_data ("ips/bundle-no-info-required-sections.json");
  HfPdfOptions o = { HF_PDF_LAYOUT_SUMMARY, NOW, "James Judge", NULL, NULL, NULL, TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hf_pdf_from_ips (ips, &o, &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *first = NULL;
  g_autofree char *notice = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  path = write_pdf (td, "empty.pdf", pdf);
  text = pdf_text (path, 0);
  assert_has (text, "James Judge");
  assert_has (text, "Influenza, seasonal, injectable");
  assert_has (text, "Problem List");
  assert_has (text, "Notice under 42 CFR Part 2");
  /* The notice's first words, as the label module has them. */
  notice = g_strndup (hf_label_part2_notice (), 60);
  assert_has (text, notice);
  assert_fonts_embedded (path);
  first = render_pages (td, path, pdf_pages (path), 72);
}

static void
test_long (HfTestDir    *td,
           gconstpointer data)
{
  g_autoptr(GBytes) ips = make_ips (25, 30, TRUE, 400);
  HfPdfOptions o = { HF_PDF_LAYOUT_SUMMARY, NOW, "Ana Müller", "Clinic <Nord>", NULL, NULL,
                     FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hf_pdf_from_ips (ips, &o, &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *first = NULL;
  int pages, continued = 0;

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  path = write_pdf (td, "long.pdf", pdf);
  text = pdf_text (path, 0);
  assert_has (text, "Ana <Test> & Co Müller");
  assert_has (text, "Clinic <Nord>");
  assert_has (text, "Passport: X1234567");
  assert_has (text, "Allergy to penicillin");
  assert_has (text, "Peanuts");
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *w = g_strdup_printf ("Problem number %u", i);

      assert_has (text, w);
    }
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *w = g_strdup_printf ("Medicine number %u 10 mg tablet", i);

      assert_has (text, w);
    }
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *w = g_strdup_printf ("Result number %u", i);
      /* Each date whole on its line: the column is wide enough for any. */
      g_autofree char *date = g_strdup_printf ("2024-%02u-%02u", 1 + i % 12, 1 + i % 28);

      assert_has (text, w);
      assert_has (text, date);
    }
  assert_has (text, "mmol/L");
  pages = pdf_pages (path);
  g_assert_cmpint (pages, >=, 5);
  /* Every page has its header and its footer; the results' table carries on with its heads. */
  for (int p = 1; p <= pages; p++)
    {
      g_autofree char *t = pdf_text (path, p);
      g_autofree char *footer = g_strdup_printf ("Page %d of %d", p, pages);

      assert_has (t, "Patient summary of Ana <Test> & Co Müller");
      assert_has (t, footer);
      assert_has (t, "Made by Ana Müller with Healthfolio on 2025-12-02 00:00 for Clinic <Nord>");
      if (p > 1)
        assert_has (t, "Name Details Date Status");
      if (strstr (t, "Results (continued)") != NULL)
        continued++;
    }
  /* The results' table starts on page 2 or 3 and goes on to the last page. */
  g_assert_cmpint (continued, >=, pages - 3);
  {
    g_autofree char *last = pdf_text (path, pages);

    assert_has (last, "Result number 399");
  }
  assert_fonts_embedded (path);
  first = render_pages (td, path, pages, 50);
}

static void
test_wallet (HfTestDir    *td,
             gconstpointer data)
{
  g_autofree char *qr = read_qr_text ("shc/example-00-f-qr-code-numeric-value-0.txt");
  HfPdfOptions o = { HF_PDF_LAYOUT_WALLET, NOW, "Ana Müller", NULL, NULL, qr, FALSE };
  g_autoptr(GError) error = NULL;
  const struct { guint problems, meds; gboolean allergies; } sizes[] = {
    { 2, 3, TRUE }, { 60, 80, TRUE }, { 1, 1, FALSE },
  };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(GBytes) ips = make_ips (sizes[s].problems, sizes[s].meds, sizes[s].allergies, 50);

      o.part2_notice = s == 2;
      g_autoptr(GBytes) pdf = hf_pdf_from_ips (ips, &o, &error);
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      g_autofree char *first = NULL;
      g_autofree char *decoded = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (pdf);
      path = write_pdf (td, "wallet.pdf", pdf);
      g_assert_cmpint (pdf_pages (path), ==, 1);
      text = pdf_text (path, 0);
      assert_has (text, "EMERGENCY HEALTH CARD");
      assert_has (text, "Ana <Test> & Co Müller");
      /* Every allergy, however long the other lists; or why there is none. */
      if (sizes[s].allergies)
        {
          assert_has (text, "Allergy to penicillin (high risk)");
          assert_has (text, "Peanuts");
        }
      else
        assert_has (text, "Allergies: No known allergies");
      assert_has (text, "Problem number 0");
      assert_has (text, "Medicine number 0");
      assert_has (text, "Greta Müller (Mother), +49 30 1234567");
      assert_has (text, "Page 1 of 1");
      g_assert_null (strstr (text, "Result number"));
      if (s == 2)
        assert_has (text, "Notice under 42 CFR Part 2");
      else
        g_assert_null (strstr (text, "42 CFR"));
      if (s == 0)
        assert_has (text, "Medicine number 2");
      else if (s == 1)
        assert_has (text, "more (see the full summary)");
      assert_fonts_embedded (path);
      remove_pages (td);
      first = render_pages (td, path, 1, 300);
      decoded = zbar (first);
      g_assert_cmpstr (decoded, ==, qr);
    }
}

static void
test_shlink_qr (HfTestDir    *td,
                gconstpointer data)
{
  const char *link = "shlink:/eyJ1cmwiOiJodHRwczovL2V4YW1wbGUub3JnL20vYWJjIiwiZmxhZyI6IkxQIiwia2V5"
                     "IjoiYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3ODkwQUIiLCJsYWJlbCI6IkZvciBE"
                     "ci4gT3NlaSJ9";
  g_autoptr(GBytes) ips = make_ips (1, 1, FALSE, 0);
  HfPdfOptions o = { HF_PDF_LAYOUT_SUMMARY, NOW, NULL, NULL, NULL, link, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hf_pdf_from_ips (ips, &o, &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *first = NULL;
  g_autofree char *decoded = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  path = write_pdf (td, "link.pdf", pdf);
  text = pdf_text (path, 0);
  /* No allergies: the section says so. */
  assert_has (text, "Allergies and intolerances No known allergies");
  first = render_pages (td, path, pdf_pages (path), 150);
  decoded = zbar (first);
  g_assert_cmpstr (decoded, ==, link);
}

/* Only what the Composition's sections refer to is printed: a resource in the Bundle that no
 * section names (as a consent that withheld it would leave it out of the sections) and a
 * section's narrative beside its entries are not. */
static void
test_only_sections (HfTestDir    *td,
                    gconstpointer data)
{
  const char *json =
    "{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:c\",\"resource\":{\"resourceType\":\"Composition\","
    "\"subject\":{\"reference\":\"Patient/p\"},\"section\":[{\"title\":\"Problems\","
    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11450-4\"}]},"
    "\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml"
    "\\\">Narrative words only</div>\"},\"entry\":[{\"reference\":\"Condition/shown\"}]}]}},"
    "{\"fullUrl\":\"https://example.org/fhir/Patient/p\",\"resource\":{\"resourceType\":"
    "\"Patient\",\"id\":\"p\",\"name\":[{\"text\":\"Kofi Osei\"}]}},"
    "{\"fullUrl\":\"https://example.org/fhir/Condition/shown\",\"resource\":{\"resourceType\":"
    "\"Condition\",\"id\":\"shown\",\"code\":{\"text\":\"Asthma\"}}},"
    "{\"fullUrl\":\"https://example.org/fhir/Condition/withheld\",\"resource\":{"
    "\"resourceType\":\"Condition\",\"id\":\"withheld\",\"code\":{\"text\":"
    "\"Opioid use disorder\"}}}]}";
  g_autoptr(GBytes) ips = g_bytes_new_static (json, strlen (json));
  HfPdfOptions o = { HF_PDF_LAYOUT_SUMMARY, NOW, NULL, NULL, NULL, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hf_pdf_from_ips (ips, &o, &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  path = write_pdf (td, "only.pdf", pdf);
  text = pdf_text (path, 0);
  assert_has (text, "Kofi Osei");
  assert_has (text, "Asthma");
  g_assert_null (strstr (text, "Opioid"));
  g_assert_null (strstr (text, "Narrative words"));
  o.layout = HF_PDF_LAYOUT_WALLET;
  g_clear_pointer (&pdf, g_bytes_unref);
  g_clear_pointer (&text, g_free);
  pdf = hf_pdf_from_ips (ips, &o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  g_free (path);
  path = write_pdf (td, "only-wallet.pdf", pdf);
  text = pdf_text (path, 0);
  assert_has (text, "Asthma");
  g_assert_null (strstr (text, "Opioid"));
}

static void
test_refused (void)
{
  const char *bad[] = {
    "",
    "not json",
    "[1,2]",
    "{\"resourceType\":\"Patient\"}",
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}",
    "{\"resourceType\":\"Bundle\",\"type\":\"document\"}",
    "{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":[1]}",
    ("{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":[{\"resource\":"
     "{\"resourceType\":\"Patient\"}}]}"),
    "{\"resourceType\":\"Bundle\",\"type\":\"document\",\"a\":1,\"a\":2}",
  };
  HfPdfOptions o = { HF_PDF_LAYOUT_SUMMARY, NOW, NULL, NULL, NULL, NULL, FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) b = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = hf_pdf_from_ips (b, &o, &error);

      g_assert_null (pdf);
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
      g_assert_true (g_str_has_suffix (error->message, "."));
    }

  /* More entries than a printed summary holds. */
  {
    g_autoptr(GString) json = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"document\","
                                            "\"entry\":[{\"resource\":{\"resourceType\":"
                                            "\"Composition\",\"section\":[{\"entry\":[");
    g_autoptr(GBytes) b = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) pdf = NULL;

    for (guint i = 0; i <= HF_PDF_MAX_ENTRIES; i++)
      g_string_append_printf (json, "%s{\"reference\":\"urn:uuid:x\"}", i ? "," : "");
    g_string_append (json, "]}]}}]}");
    b = g_bytes_new (json->str, json->len);
    pdf = hf_pdf_from_ips (b, &o, &error);
    g_assert_null (pdf);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "20001 entries"));
  }

  /* A QR text too long for one readable QR code. */
  {
    g_autoptr(GBytes) ips = make_ips (1, 1, TRUE, 0);
    g_autofree char *big = g_strnfill (6000, 'x');
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) pdf = NULL;

    o.qr_text = big;
    pdf = hf_pdf_from_ips (ips, &o, &error);
    g_assert_null (pdf);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    o.qr_text = NULL;
  }

  /* Sections and entries of every odd shape still draw: unresolved references, no title, an
   * entry that is not an object, a Composition without sections, a very long name. */
  {
    g_autofree char *long_name = g_strnfill (5000, 'W');
    g_autofree char *json = g_strdup_printf (
      "{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":["
      "{\"resource\":{\"resourceType\":\"Composition\",\"section\":[{\"entry\":["
      "{\"reference\":\"urn:uuid:nowhere\"},7,{\"reference\":\"urn:uuid:c\"}]},5,"
      "{\"title\":\"Empty\"}]}},"
      "{\"fullUrl\":\"urn:uuid:c\",\"resource\":{\"resourceType\":\"Condition\","
      "\"code\":{\"text\":\"%s\"}}}]}", long_name);
    g_autoptr(GBytes) b = g_bytes_new (json, strlen (json));
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) pdf = hf_pdf_from_ips (b, &o, &error);

    g_assert_no_error (error);
    g_assert_nonnull (pdf);
    g_assert_cmpuint (g_bytes_get_size (pdf), >, 1000);
  }
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add ("/pdf/ig-minimal", HfTestDir, NULL, hf_test_dir_setup, test_ig_minimal,
              hf_test_dir_teardown);
  g_test_add ("/pdf/ig-empty-sections", HfTestDir, NULL, hf_test_dir_setup,
              test_ig_empty_sections, hf_test_dir_teardown);
  g_test_add ("/pdf/long", HfTestDir, NULL, hf_test_dir_setup, test_long, hf_test_dir_teardown);
  g_test_add ("/pdf/wallet", HfTestDir, NULL, hf_test_dir_setup, test_wallet,
              hf_test_dir_teardown);
  g_test_add ("/pdf/shlink-qr", HfTestDir, NULL, hf_test_dir_setup, test_shlink_qr,
              hf_test_dir_teardown);
  g_test_add ("/pdf/only-sections", HfTestDir, NULL, hf_test_dir_setup, test_only_sections,
              hf_test_dir_teardown);
  g_test_add_func ("/pdf/refused", test_refused);
  return g_test_run ();
}
