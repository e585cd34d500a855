/* test-ips.c — the International Patient Summary: valid FHIR R4, the IPS invariants, "current"
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IPS of the demo vault and of each Synthea fixture is checked by HL7's R4 JSON schema
 * (tests/fhir-validate.mjs) and by the document rules of our own reading (one Composition,
 * first; the required sections with entries or an emptyReason; a generated narrative in every
 * section; every reference resolving inside the Bundle). The IPS IG's own example, imported,
 * gives an IPS with the same problems, medications and allergies.
 */

#include <glib/gstdio.h>
#include <string.h>

#include "hf-consent.h"
#include "hf-demo.h"
#include "hf-disclosure.h"
#include "hf-error.h"
#include "hf-export.h"
#include "hf-import.h"
#include "hf-ips.h"
#include "hf-jose.h"
#include "hf-json-util.h"
#include "hf-jwk.h"
#include "hf-recipient.h"
#include "hf-shl-make.h"
#include "hf-test-util.h"

#define PASS "correct horse battery staple"
#define OSEI "Dr. Osei"
#define TODAY "2026-06-01"
#define NOW (G_GINT64_CONSTANT (1796133720) * G_USEC_PER_SEC)   /* 2026-12-01T14:02:00Z */
#define ALL "allergies,care-plans,documents,immunizations,lab-results,medications,problems," \
            "procedures,vitals"

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
} Fixture;

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  if (dir == NULL)
    g_error ("HF_TEST_DATA is not set; run the tests through meson test");
  return g_build_filename (dir, part, NULL);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  hf_test_dir_setup (&f->td, data);
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

static void
make_vault (Fixture    *f,
            const char *file)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autofree char *path = file != NULL ? data_path (file) : NULL;
  const char *paths[] = { path, NULL };

  if (file == NULL)
    f->vault = hf_demo_create_vault (f->td.vault, "Carla", pass, &code, NULL, &error);
  else
    {
      f->vault = hf_vault_create (f->td.vault, "Carla", pass, &code, &error);
      g_assert_no_error (error);
      hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error);
    }
  g_assert_no_error (error);
  g_assert_true (f->vault != NULL);
}

static void
consent (Fixture    *f,
         const char *categories)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(HfConsent) c = NULL;
  g_auto(HfConsentTerms) terms = { 0 };
  const char *treat[] = { "TREAT", NULL };

  r = hf_recipient_add (f->vault, OSEI, HF_RECIPIENT_CLINICIAN, "osei@clinic.example", NULL,
                        &error);
  g_assert_no_error (error);
  terms.categories = g_strsplit (categories, ",", -1);
  terms.permit_labels = g_new0 (char *, 1);
  terms.include = g_new0 (char *, 1);
  terms.exclude = g_new0 (char *, 1);
  terms.purposes = g_strdupv ((char **) treat);
  terms.valid_from = g_strdup ("2000-01-01");
  c = hf_consent_set (f->vault, OSEI, &terms, &error);
  g_assert_no_error (error);
}

/* Exports the IPS to DIR/NAME and returns its path. */
static char *
export_ips (Fixture    *f,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  char *path = g_build_filename (f->td.dir, name, NULL);

  d = hf_export (f->vault, OSEI, TODAY, NOW, NULL, HF_EXPORT_IPS, NULL, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (d != NULL);
  g_assert_cmpstr (d->format, ==, "ips");
  return path;
}

static JsonNode *
read_json (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    g_error ("%s holds no JSON object", path);
  return node;
}

static void
collect_references (JsonNode  *node,
                    GPtrArray *out)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (o);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *child = json_object_get_member (o, l->data);
          if (g_str_equal (l->data, "reference") && JSON_NODE_HOLDS_VALUE (child) &&
              json_node_get_value_type (child) == G_TYPE_STRING)
            g_ptr_array_add (out, (gpointer) json_node_get_string (child));
          else
            collect_references (child, out);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        collect_references (json_array_get_element (a, i), out);
    }
}

static JsonObject *
find_section (JsonObject *composition,
              const char *code)
{
  JsonArray *list = hf_json_array (composition, "section");

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *s = json_array_get_object_element (list, i);
      JsonObject *coding = hf_json_first_object (hf_json_object (s, "code"), "coding");
      if (g_strcmp0 (hf_json_string (coding, "code"), code) == 0)
        return s;
    }
  return NULL;
}

/* The IPS invariants; returns the Composition (owned by ROOT). */
static JsonObject *
assert_ips (JsonNode *root)
{
  static const char * const required[] = {
    HF_IPS_SECTION_PROBLEMS, HF_IPS_SECTION_ALLERGIES, HF_IPS_SECTION_MEDICATIONS, NULL
  };
  JsonObject *bundle = json_node_get_object (root);
  JsonArray *entries = hf_json_array (bundle, "entry");
  g_autoptr(GHashTable) urls = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) refs = g_ptr_array_new ();
  JsonObject *composition;
  JsonObject *patient;
  JsonArray *list;
  guint n_compositions = 0;

  g_assert_cmpstr (hf_json_string (bundle, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (hf_json_string (bundle, "type"), ==, "document");
  g_assert_nonnull (hf_json_string (bundle, "timestamp"));
  g_assert_nonnull (hf_json_string (hf_json_object (bundle, "identifier"), "value"));
  g_assert_true (entries != NULL && json_array_get_length (entries) >= 3);
  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      JsonObject *r = hf_json_object (e, "resource");
      const char *url = hf_json_string (e, "fullUrl");

      g_assert_nonnull (url);
      g_assert_nonnull (r);
      g_assert_false (json_object_has_member (e, "request"));
      g_assert_false (json_object_has_member (e, "response"));
      g_assert_false (json_object_has_member (e, "search"));
      g_assert_false (g_hash_table_contains (urls, url));
      g_hash_table_insert (urls, (gpointer) url, r);
      n_compositions += g_strcmp0 (hf_json_string (r, "resourceType"), "Composition") == 0;
    }
  g_assert_cmpuint (n_compositions, ==, 1);
  composition = hf_json_object (json_array_get_object_element (entries, 0), "resource");
  g_assert_cmpstr (hf_json_string (composition, "resourceType"), ==, "Composition");
  g_assert_cmpstr (hf_json_string (hf_json_first_object (hf_json_object (composition, "type"),
                                                         "coding"), "code"), ==, "60591-5");
  g_assert_nonnull (hf_json_string (composition, "date"));
  g_assert_nonnull (hf_json_string (composition, "title"));
  g_assert_nonnull (hf_json_string (composition, "confidentiality"));
  g_assert_nonnull (hf_json_first_object (composition, "author"));
  patient = g_hash_table_lookup (urls, hf_json_string (hf_json_object (composition, "subject"),
                                                       "reference"));
  g_assert_true (patient != NULL);
  if (patient == NULL)
    return NULL;
  g_assert_cmpstr (hf_json_string (patient, "resourceType"), ==, "Patient");
  g_assert_nonnull (hf_json_first_object (patient, "name"));

  for (guint i = 0; required[i] != NULL; i++)
    {
      JsonObject *s = find_section (composition, required[i]);
      g_assert_true (s != NULL);
      g_assert_true ((hf_json_array (s, "entry") != NULL &&
                      json_array_get_length (hf_json_array (s, "entry")) > 0) !=
                     (hf_json_object (s, "emptyReason") != NULL));
    }
  list = hf_json_array (composition, "section");
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *s = json_array_get_object_element (list, i);
      JsonObject *text = hf_json_object (s, "text");

      g_assert_cmpstr (hf_json_string (text, "status"), ==, "generated");
      g_assert_true (g_str_has_prefix (hf_json_string (text, "div"),
                                       "<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
      g_assert_false (json_object_has_member (s, "section"));
      g_assert_nonnull (hf_json_string (s, "title"));
    }

  /* Every reference, in the Composition and in the resources, resolves inside the Bundle. */
  collect_references (root, refs);
  g_assert_cmpuint (refs->len, >, 0);
  for (guint i = 0; i < refs->len; i++)
    if (!g_hash_table_contains (urls, g_ptr_array_index (refs, i)))
      g_test_fail_printf ("the reference %s resolves to nothing in the Bundle",
                          (const char *) g_ptr_array_index (refs, i));
  return composition;
}

/* Whether an entry's FULL_URL is what REFERENCE names: the same, or a RESTful URL ending in a
 * relative "Type/id". */
static gboolean
url_is (const char *full_url,
        const char *reference)
{
  gsize n, m;

  if (full_url == NULL || reference == NULL)
    return FALSE;
  if (g_str_equal (full_url, reference))
    return TRUE;
  n = strlen (full_url);
  m = strlen (reference);
  return !g_str_has_prefix (reference, "urn:") && n > m && full_url[n - m - 1] == '/' &&
         g_str_equal (full_url + n - m, reference);
}

/* The codes (first coding) of the resources a section refers to, sorted, one per line. */
static char *
section_codes (JsonNode   *root,
               const char *code,
               const char *member)
{
  JsonObject *bundle = json_node_get_object (root);
  JsonArray *entries = hf_json_array (bundle, "entry");
  JsonObject *composition = hf_json_object (json_array_get_object_element (entries, 0),
                                            "resource");
  JsonObject *s = find_section (composition, code);
  JsonArray *list = hf_json_array (s, "entry");
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      const char *ref = hf_json_string (json_array_get_object_element (list, i), "reference");

      for (guint j = 0; j < json_array_get_length (entries); j++)
        {
          JsonObject *e = json_array_get_object_element (entries, j);
          JsonObject *r = hf_json_object (e, "resource");
          JsonObject *c;

          if (!url_is (hf_json_string (e, "fullUrl"), ref))
            continue;
          c = hf_json_object (r, member);
          if (c == NULL && g_str_equal (member, "medicationCodeableConcept"))
            {
              /* A Medication referred to: its code. */
              const char *mref = hf_json_string (hf_json_object (r, "medicationReference"),
                                                 "reference");
              for (guint k = 0; k < json_array_get_length (entries); k++)
                {
                  JsonObject *m = json_array_get_object_element (entries, k);
                  if (url_is (hf_json_string (m, "fullUrl"), mref))
                    c = hf_json_object (hf_json_object (m, "resource"), "code");
                }
            }
          c = hf_json_first_object (c, "coding");
          g_ptr_array_add (codes, g_strdup_printf ("%s|%s", hf_json_string (c, "system"),
                                                   hf_json_string (c, "code")));
        }
    }
  g_ptr_array_sort (codes, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < codes->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (codes, i));
  return g_strdup (out->str);
}

/* {{{ tests */

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *composition;

  make_vault (f, NULL);
  consent (f, ALL);
  path = export_ips (f, "demo-ips.json");
  root = read_json (path);
  composition = assert_ips (root);
  g_assert_true (composition != NULL);
  g_assert_nonnull (hf_json_array (find_section (composition, HF_IPS_SECTION_PROBLEMS),
                                   "entry"));
  g_assert_nonnull (hf_json_array (find_section (composition, HF_IPS_SECTION_MEDICATIONS),
                                   "entry"));
  g_assert_nonnull (find_section (composition, HF_IPS_SECTION_VITALS));
  hf_test_assert_valid_fhir_file (path);
}

static void
test_synthea (Fixture       *f,
              gconstpointer  data)
{
  const char *file = data;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *vitals = NULL;
  JsonObject *composition;

  make_vault (f, file);
  consent (f, ALL);
  path = export_ips (f, "synthea-ips.json");
  root = read_json (path);
  composition = assert_ips (root);
  g_assert_true (composition != NULL);
  /* The last value of each vital sign: one entry per code. */
  vitals = section_codes (root, HF_IPS_SECTION_VITALS, "code");
  {
    g_auto(GStrv) lines = g_strsplit (vitals, "\n", -1);
    for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
      g_assert_cmpstr (lines[i - 1], !=, lines[i]);
  }
  hf_test_assert_valid_fhir_file (path);
}

static void
test_no_allergies (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *composition;
  JsonObject *allergies;
  const char *div;

  make_vault (f, "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json");
  /* The consent shares no allergies: the section says nothing is available, and its narrative
   * names nothing the consent withheld. */
  consent (f, "immunizations,problems");
  path = export_ips (f, "no-allergies.json");
  root = read_json (path);
  composition = assert_ips (root);
  g_assert_true (composition != NULL);
  allergies = find_section (composition, HF_IPS_SECTION_ALLERGIES);
  g_assert_true (allergies != NULL);
  g_assert_null (hf_json_array (allergies, "entry"));
  g_assert_cmpstr (hf_json_string (hf_json_first_object (hf_json_object (allergies,
                                                                         "emptyReason"),
                                                         "coding"), "code"), ==, "unavailable");
  g_assert_null (hf_json_array (find_section (composition, HF_IPS_SECTION_MEDICATIONS),
                                "entry"));
  div = hf_json_string (hf_json_object (allergies, "text"), "div");
  g_assert_nonnull (strstr (div, "No allergies"));
  {
    /* No resource of a withheld category is in the Bundle. */
    JsonArray *entries = hf_json_array (json_node_get_object (root), "entry");
    for (guint i = 0; i < json_array_get_length (entries); i++)
      {
        const char *type = hf_json_string (hf_json_object (json_array_get_object_element
                                                           (entries, i), "resource"),
                                           "resourceType");
        g_assert_cmpstr (type, !=, "AllergyIntolerance");
        g_assert_cmpstr (type, !=, "MedicationRequest");
        g_assert_cmpstr (type, !=, "Observation");
      }
  }
  hf_test_assert_valid_fhir_file (path);
}

/* The IPS IG's example, imported, and the IPS of it: the same problems, medications and
 * allergies as the example's sections. */
static void
test_ig_example (Fixture       *f,
                 gconstpointer  data)
{
  const char *file = data;
  g_autofree char *source = data_path (file);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) original = read_json (source);
  g_autoptr(JsonNode) root = NULL;
  static const struct { const char *section; const char *member; } compare[] = {
    { HF_IPS_SECTION_PROBLEMS, "code" },
    { HF_IPS_SECTION_MEDICATIONS, "medicationCodeableConcept" },
    { HF_IPS_SECTION_ALLERGIES, "code" },
    { HF_IPS_SECTION_IMMUNIZATIONS, "vaccineCode" },
  };

  make_vault (f, file);
  consent (f, ALL);
  path = export_ips (f, "example-ips.json");
  root = read_json (path);
  g_assert_true (assert_ips (root) != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (compare); i++)
    {
      g_autofree char *want = section_codes (original, compare[i].section, compare[i].member);
      g_autofree char *got = section_codes (root, compare[i].section, compare[i].member);

      g_test_message ("section %s: %s", compare[i].section, got);
      g_assert_cmpstr (got, ==, want);
    }
  hf_test_assert_valid_fhir_file (path);
}

/* A collection that is not one, or has no named Patient, is refused in words. */
static void
test_refused (void)
{
  static const char * const inputs[] = {
    "[]",
    "{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":[]}",
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}",
    ("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"urn:uuid:"
     "1\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\"}}]}"),
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":1}",
  };
  HfIpsOptions options = { NOW, NULL, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GBytes) in = g_bytes_new_static (inputs[i], strlen (inputs[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) out = hf_ips_from_bundle (in, &options, &error);

      g_assert_null (out);
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
      g_assert_true (g_str_has_suffix (error->message, "."));
    }
}

/* A narrative escapes what the records say, and the author may be the member. */
static void
test_narrative_escaped (void)
{
  const char *input =
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"identifier\":{\"value\":\"urn:uuid:"
    "0b5c6d1e-0000-5000-8000-000000000001\"},\"entry\":[{\"fullUrl\":\"urn:uuid:p\",\"resource\":"
    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"name\":[{\"family\":\"Echevarría\","
    "\"given\":[\"Carla\"]}]}},{\"fullUrl\":\"urn:uuid:c\",\"resource\":{\"resourceType\":"
    "\"Condition\",\"id\":\"c\",\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},"
    "\"code\":{\"text\":\"<script>alert(1)</script> & more\"},\"subject\":{\"reference\":"
    "\"urn:uuid:p\"}}},{\"fullUrl\":\"urn:uuid:old\",\"resource\":{\"resourceType\":"
    "\"Condition\",\"id\":\"old\",\"clinicalStatus\":{\"coding\":[{\"code\":\"resolved\"}]},"
    "\"code\":{\"text\":\"Sprained ankle\"},\"subject\":{\"reference\":\"urn:uuid:p\"}}},"
    "{\"fullUrl\":\"urn:uuid:no\",\"resource\":{\"resourceType\":\"AllergyIntolerance\",\"id\":"
    "\"no\",\"verificationStatus\":{\"coding\":[{\"code\":\"refuted\"}]},\"code\":{\"text\":"
    "\"Penicillin\"},\"patient\":{\"reference\":\"urn:uuid:p\"}}}]}";
  g_autoptr(GBytes) in = g_bytes_new_static (input, strlen (input));
  g_autoptr(GError) error = NULL;
  HfIpsOptions options = { NOW, "Carla Echevarría", "Dr. Osei" };
  g_autoptr(GBytes) out = hf_ips_from_bundle (in, &options, &error);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *composition;
  const char *div;

  g_assert_no_error (error);
  g_assert_true (out != NULL);
  text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (root != NULL);
  composition = assert_ips (root);
  g_assert_true (composition != NULL);
  div = hf_json_string (hf_json_object (find_section (composition, HF_IPS_SECTION_PROBLEMS),
                                        "text"), "div");
  g_assert_nonnull (strstr (div, "&lt;script&gt;"));
  g_assert_null (strstr (div, "<script>"));
  g_assert_null (strstr (div, "Sprained"));
  div = hf_json_string (hf_json_object (find_section (composition, HF_IPS_SECTION_PAST_ILLNESS),
                                        "text"), "div");
  g_assert_nonnull (strstr (div, "Sprained ankle"));
  /* The refuted allergy is not current. */
  g_assert_nonnull (hf_json_object (find_section (composition, HF_IPS_SECTION_ALLERGIES),
                                    "emptyReason"));
  /* The member who curated it is the person: the author is the Patient. */
  g_assert_cmpstr (hf_json_string (hf_json_first_object (composition, "author"), "reference"),
                   ==, "urn:uuid:p");
  hf_test_assert_valid_fhir (text);
}

/* The command line: --format ips, and --bundle ips signed; the disclosure says which. */
static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ips = g_build_filename (f->td.dir, "cli-ips.json", NULL);
  g_autofree char *pass_file = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
  g_autofree char *jws = g_build_filename (f->td.dir, "cli-ips.jws", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) result = NULL;

  make_vault (f, "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json");
  consent (f, ALL);
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "--json", "export", OSEI, "--format", "ips",
                                "--output", ips, NULL), ==, 0);
  result = json_from_string (out, NULL);
  g_assert_true (result != NULL && JSON_NODE_HOLDS_OBJECT (result));
  g_assert_cmpstr (hf_json_string (json_node_get_object (result), "format"), ==, "ips");
  root = read_json (ips);
  g_assert_true (assert_ips (root) != NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "disclosures", "verify", ips, NULL), ==, 0);

  /* share preview --ips says what each section would hold; --only narrows it. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&result, json_node_unref);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "--json", "share", "preview", OSEI, "--ips", "--only",
                                "allergies", NULL), ==, 0);
  result = json_from_string (out, NULL);
  g_assert_true (result != NULL && JSON_NODE_HOLDS_OBJECT (result));
  {
    JsonArray *sections = hf_json_array (json_node_get_object (result), "ips_sections");
    g_assert_true (sections != NULL);
    g_assert_cmpuint (json_array_get_length (sections), ==, 3);
    for (guint i = 0; i < json_array_get_length (sections); i++)
      {
        JsonObject *c = json_array_get_object_element (sections, i);
        gint64 n = json_object_get_int_member (c, "entries");
        if (g_strcmp0 (hf_json_string (c, "code"), HF_IPS_SECTION_ALLERGIES) == 0)
          g_assert_cmpint (n, ==, 5);
        else
          g_assert_cmpint (n, ==, 0);
      }
  }

  /* export --only narrows one export: the IPS holds the allergies alone, and the disclosure
   * records what it shared. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&root, json_node_unref);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "export", OSEI, "--format", "ips", "--only",
                                "allergies", "--output", ips, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "5 allergies"));
  g_assert_null (strstr (out, "medications"));
  root = read_json (ips);
  {
    JsonObject *composition = assert_ips (root);
    g_assert_true (composition != NULL);
    g_assert_cmpuint (json_array_get_length (hf_json_array (find_section (composition,
                                                                          HF_IPS_SECTION_ALLERGIES),
                                                            "entry")), ==, 5);
    g_assert_nonnull (hf_json_object (find_section (composition, HF_IPS_SECTION_PROBLEMS),
                                      "emptyReason"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "disclosures", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "5 allergies"));

  /* --format jws --bundle ips signs the IPS itself. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "issuer", "set", "https://carla.example/phr", NULL),
                   ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&result, json_node_unref);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "--json", "export", OSEI, "--format", "jws",
                                "--bundle", "ips", "--output", jws, NULL), ==, 0);
  result = json_from_string (out, NULL);
  g_assert_true (result != NULL && JSON_NODE_HOLDS_OBJECT (result));
  g_assert_cmpstr (hf_json_string (json_node_get_object (result), "format"), ==, "jws+ips");
  {
    g_autofree char *token = NULL;
    g_auto(GStrv) parts = NULL;
    g_autofree guint8 *payload = NULL;
    g_autofree char *text = NULL;
    g_autoptr(JsonNode) signed_root = NULL;
    gsize len = 0;

    g_file_get_contents (jws, &token, NULL, NULL);
    g_assert_true (token != NULL);
    parts = g_strsplit (token, ".", -1);
    g_assert_cmpuint (g_strv_length (parts), ==, 3);
    payload = hf_base64url_decode (parts[1], -1, &len);
    g_assert_true (payload != NULL);
    text = g_strndup ((const char *) payload, len);
    signed_root = json_from_string (text, NULL);
    g_assert_true (signed_root != NULL && JSON_NODE_HOLDS_OBJECT (signed_root));
    g_assert_true (assert_ips (signed_root) != NULL);
  }

  /* --bundle is for signed forms only, and names one of two things. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "export", OSEI, "--format", "fhir", "--bundle", "ips",
                                "--output", ips, NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "export", OSEI, "--format", "jws", "--bundle", "pdf",
                                "--output", ips, NULL), ==, 1);
}

/* A SMART Health Link can carry the IPS: its file, decrypted with the link's key, is the IPS
 * document, and the disclosure says "shl+ips". */
static void
test_shl (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfShlMadeLink) link = NULL;
  g_autofree char *dir = g_build_filename (f->td.dir, "host", NULL);
  g_autofree char *file = NULL;
  g_autofree char *token = NULL;
  g_autofree guint8 *payload = NULL;
  g_autofree guint8 *key = NULL;
  g_autofree char *payload_text = NULL;
  g_autofree char *document = NULL;
  g_autoptr(JsonNode) p = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(HfJwe) jwe = NULL;
  g_autoptr(HfSecret) secret = NULL;
  g_autoptr(GBytes) plain = NULL;
  HfShlOptions o = { 0 };
  gsize len = 0, key_len = 0;

  make_vault (f, "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json");
  consent (f, ALL);
  o.dir = dir;
  o.base_url = "https://carla.example/s";
  o.single_file = TRUE;
  o.ips = TRUE;
  d = hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, &link, &error);
  g_assert_no_error (error);
  g_assert_true (d != NULL && link != NULL && link->files != NULL && link->files[0] != NULL);
  if (d == NULL || link == NULL || link->files == NULL || link->files[0] == NULL)
    return;
  g_assert_cmpstr (d->format, ==, "shl+ips");
  g_assert_true (g_str_has_prefix (link->uri, "shlink:/"));
  payload = hf_base64url_decode (link->uri + strlen ("shlink:/"), -1, &len);
  g_assert_true (payload != NULL);
  payload_text = g_strndup ((const char *) payload, len);
  p = json_from_string (payload_text, &error);
  g_assert_no_error (error);
  g_assert_true (p != NULL && JSON_NODE_HOLDS_OBJECT (p));
  key = hf_base64url_decode (hf_json_string (json_node_get_object (p), "key"), -1, &key_len);
  g_assert_cmpuint (key_len, ==, 32);
  secret = hf_secret_new_from_data (key, key_len);
  file = g_build_filename (dir, link->files[0], NULL);
  g_file_get_contents (file, &token, &len, &error);
  g_assert_no_error (error);
  jwe = hf_jwe_parse (token, len, &error);
  g_assert_no_error (error);
  g_assert_true (jwe != NULL);
  plain = hf_jwe_decrypt_dir (jwe, secret, 64 * 1024 * 1024, &error);
  g_assert_no_error (error);
  g_assert_true (plain != NULL);
  document = g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  root = json_from_string (document, &error);
  g_assert_no_error (error);
  g_assert_true (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
  g_assert_true (assert_ips (root) != NULL);
  hf_test_assert_valid_fhir (document);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  static const char * const synthea[] = {
    "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json",
    "synthea/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json",
    "synthea/Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json",
  };

  hf_test_init (&argc, &argv);
  g_test_add ("/ips/demo", Fixture, NULL, setup, test_demo, teardown);
  for (guint i = 0; i < G_N_ELEMENTS (synthea); i++)
    {
      g_autofree char *name = g_strdup_printf ("/ips/synthea/%u", i);
      g_test_add (name, Fixture, synthea[i], setup, test_synthea, teardown);
    }
  g_test_add ("/ips/no-allergies", Fixture, NULL, setup, test_no_allergies, teardown);
  g_test_add ("/ips/ig-example/minimal", Fixture, "ips/bundle-minimal.json", setup,
              test_ig_example, teardown);
  g_test_add ("/ips/ig-example/no-info", Fixture, "ips/bundle-no-info-required-sections.json",
              setup, test_ig_example, teardown);
  g_test_add_func ("/ips/refused", test_refused);
  g_test_add_func ("/ips/narrative-escaped", test_narrative_escaped);
  g_test_add ("/ips/cli", Fixture, NULL, setup, test_cli, teardown);
  g_test_add ("/ips/shl", Fixture, NULL, setup, test_shl, teardown);
  return g_test_run ();
}
