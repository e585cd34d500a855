/* test-disclosure.c — the FHIR export and the accounting of disclosures, in the core and the CLI
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the Synthea patients of tests/data (Carla Echevarría; Tressa Bergstrom's drug overdose,
 * which the rule table labels SUD, 42 CFR Part 2). Every file an export writes is checked by
 * the FHIR R4 JSON schema with a validator that is not ours (hf_test_validate_fhir). "Bytes
 * shared" are an entry's "resource" value exactly as the file holds it: the test finds them
 * with the JSON guard's spans and hashes them itself.
 */

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hf-audit.h"
#include "hf-consent.h"
#include "hf-disclosure.h"
#include "hf-error.h"
#include "hf-import.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-label.h"
#include "hf-policy.h"
#include "hf-recipient.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASS "correct horse battery staple"
#define OSEI "Dr. Osei"
#define TODAY "2026-06-01"
#define NOW (G_GINT64_CONSTANT (1796133720) * G_USEC_PER_SEC)   /* 2026-12-01T14:02:00Z */
#define CARLA "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json"
#define TRESSA "labels/tressa-bergstrom-sud.json"

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
  char      *pass_file;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) r = NULL;

  hf_test_dir_setup (&f->td, data);
  f->pass_file = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
  f->vault = hf_vault_create (f->td.vault, "Carla", pass, &code, &error);
  g_assert_no_error (error);
  r = hf_recipient_add (f->vault, OSEI, HF_RECIPIENT_CLINICIAN, "osei@clinic.example", NULL,
                        &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  g_free (f->pass_file);
  hf_test_dir_teardown (&f->td, data);
}

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

static void
import (Fixture    *f,
        const char *part)
{
  g_autofree char *path = data_path (part);
  const char *paths[] = { path, NULL };
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
}

static void
set_consent (Fixture    *f,
             const char *allow,
             const char *permit)
{
  g_auto(HfConsentTerms) terms = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(HfConsent) c = NULL;
  const char *treat[] = { "TREAT", NULL };

  terms.categories = g_strsplit (allow, ",", -1);
  terms.permit_labels = permit != NULL ? g_strsplit (permit, ",", -1) : g_new0 (char *, 1);
  terms.include = g_new0 (char *, 1);
  terms.exclude = g_new0 (char *, 1);
  terms.purposes = g_strdupv ((char **) treat);
  terms.valid_from = g_strdup ("2020-01-01");
  c = hf_consent_set (f->vault, OSEI, &terms, &error);
  g_assert_no_error (error);
}

static HfDisclosure *
export_to (Fixture     *f,
           const char  *name,
           char       **path,
           HfShare    **share)
{
  g_autoptr(GError) error = NULL;
  HfDisclosure *d;

  *path = g_build_filename (f->td.dir, name, NULL);
  d = hf_disclosure_export_fhir (f->vault, OSEI, TODAY, NOW, NULL, *path, share, &error);
  g_assert_no_error (error);
  g_assert_nonnull (d);
  return d;
}

static JsonObject *
load_object (JsonNode  **keep,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  *keep = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_node_get_object (*keep);
}

/* {{{ the export and its accounting */

static void
test_export_accounted (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *file_sum = NULL;
  g_autoptr(HfShare) share = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfDisclosure) stored = NULL;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (HfJsonSpan));
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  HfJsonProblem problem = { 0 };
  GStatBuf st;
  gsize len = 0;
  guint n_audit = 0;
  gboolean logged = FALSE;

  import (f, CARLA);
  set_consent (f, "immunizations,allergies", NULL);
  d = export_to (f, "osei.json", &path, &share);

  /* The file: private to its owner, valid FHIR R4. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  hf_test_assert_valid_fhir_file (path);

  /* The accounting: who, what, and the hash of every resource's bytes in the file. */
  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  file_sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
  stored = hf_disclosure_get (f->vault, d->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->output_sha256, ==, file_sum);
  g_assert_cmpstr (stored->recipient, ==, OSEI);
  g_assert_cmpstr (stored->recipient_contact, ==, "osei@clinic.example");
  g_assert_cmpstr (stored->recipient_kind, ==, "clinician");
  g_assert_cmpstr (stored->actor, ==, "Carla");
  g_assert_cmpint (stored->consent_version, ==, 1);
  g_assert_cmpstr (stored->purposes[0], ==, "TREAT");
  g_assert_cmpint (stored->at, ==, NOW);
  g_assert_cmpstr (stored->summary, ==, "{\"allergies\":5,\"directory\":1,\"immunizations\":15}");
  g_assert_cmpuint (stored->items->len, ==, 21);
  g_assert_true (hf_json_guard_check_spans (text, len, spans, &problem));
  g_assert_cmpuint (spans->len, ==, stored->items->len);
  {
    g_autoptr(JsonNode) node = NULL;
    JsonArray *entries = hf_json_array (load_object (&node, path), "entry");

    for (guint i = 0; i < spans->len; i++)
      {
        HfJsonSpan *span = &g_array_index (spans, HfJsonSpan, i);
        HfDisclosureItem *item = g_ptr_array_index (stored->items, i);
        JsonObject *r = hf_json_object (json_array_get_object_element (entries, i), "resource");
        g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                            (const guchar *) text + span->offset,
                                                            span->length);
        g_assert_cmpstr (item->sha256, ==, sum);
        g_assert_cmpstr (item->type, ==, hf_json_string (r, "resourceType"));
        g_assert_cmpstr (item->fhir_id, ==, hf_json_string (r, "id"));
      }
  }

  /* In the activity log, whose chain still verifies. */
  audit = hf_audit_list (f->vault, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      HfAuditEntry *e = g_ptr_array_index (audit, i);
      if (g_str_equal (e->action, "export"))
        {
          logged = TRUE;
          g_assert_cmpstr (e->actor, ==, "Carla");
          g_assert_nonnull (strstr (e->detail, OSEI));
          g_assert_nonnull (strstr (e->detail, file_sum));
        }
    }
  g_assert_true (logged);
  g_assert_true (hf_audit_verify (f->vault, &problems, &n_audit, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* Kept: the vault refuses to delete or change a disclosure. */
  g_assert_false (_hf_db_exec (_hf_vault_get_db (f->vault), "DELETE FROM disclosure", &error));
  g_clear_error (&error);
  g_assert_false (_hf_db_exec (_hf_vault_get_db (f->vault),
                               "UPDATE disclosure_item SET sha256 = ''", &error));
  g_clear_error (&error);

  /* Which file is it? */
  {
    g_autoptr(GBytes) bytes = g_bytes_new (text, len);
    g_autoptr(HfDisclosure) found = hf_disclosure_verify (f->vault, bytes, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (found->id, ==, d->id);
  }
  {
    g_autofree char *altered = g_strdup (text);
    char *mould = strstr (altered, "Allergy to mould");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(HfDisclosure) claimed = NULL;
    g_autoptr(HfDisclosure) found = NULL;

    g_assert_nonnull (mould);
    memcpy (mould, "Allergy to mold ", 16);
    bytes = g_bytes_new (altered, len);
    found = hf_disclosure_verify (f->vault, bytes, &claimed, &error);
    g_assert_null (found);
    g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
    g_assert_cmpint (claimed->id, ==, d->id);
    g_clear_error (&error);
  }
  {
    g_autofree char *other = data_path (CARLA);
    g_autofree char *bytes_text = NULL;
    g_autoptr(GBytes) bytes = NULL;
    gsize other_len;

    g_file_get_contents (other, &bytes_text, &other_len, &error);
    g_assert_no_error (error);
    bytes = g_bytes_new (bytes_text, other_len);
    g_assert_null (hf_disclosure_verify (f->vault, bytes, NULL, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }
}

/* The same records, consent and moment give the same file, byte for byte, also after the same
 * file is imported again; every reference in it is to an entry of it. */
static void
test_export_deterministic (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  g_autoptr(GBytes) one = NULL, two = NULL, three = NULL;
  g_autoptr(HfDisclosure) d1 = NULL, d2 = NULL, d3 = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHashTable) urls = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GRegex) re = g_regex_new ("\"reference\":\"([^\"]*)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  JsonArray *entries;
  guint refs = 0;

  import (f, CARLA);
  set_consent (f, "encounters,medications,problems,immunizations", NULL);
  d1 = export_to (f, "one.json", &a, NULL);
  d2 = export_to (f, "two.json", &b, NULL);
  import (f, CARLA);
  d3 = export_to (f, "three.json", &c, NULL);
  one = hf_test_read (a);
  two = hf_test_read (b);
  three = hf_test_read (c);
  g_assert_true (g_bytes_equal (one, two));
  g_assert_true (g_bytes_equal (one, three));
  g_assert_cmpstr (d1->bundle_id, ==, d3->bundle_id);
  hf_test_assert_valid_fhir_file (a);

  entries = hf_json_array (load_object (&node, a), "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    g_hash_table_add (urls, (gpointer) hf_json_string (json_array_get_object_element (entries, i),
                                                       "fullUrl"));
  for (g_regex_match (re, g_bytes_get_data (one, NULL), 0, &m); g_match_info_matches (m);
       g_match_info_next (m, NULL))
    {
      g_autofree char *ref = g_match_info_fetch (m, 1);
      g_assert_true (g_hash_table_contains (urls, ref));
      refs++;
    }
  g_assert_cmpuint (refs, >, 100);
}

/* A CarePlan whose visit and Condition are withheld loses the references and its narrative; the
 * Patient, unchanged, keeps hers. */
static void
test_narrative_dropped (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *entries;
  guint careplans = 0;

  import (f, CARLA);
  set_consent (f, "care-plans", NULL);
  d = export_to (f, "plans.json", &path, NULL);
  hf_test_assert_valid_fhir_file (path);
  entries = hf_json_array (load_object (&node, path), "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = hf_json_object (json_array_get_object_element (entries, i), "resource");
      const char *type = hf_json_string (r, "resourceType");

      if (g_str_equal (type, "CarePlan"))
        {
          careplans++;
          g_assert_false (json_object_has_member (r, "text"));
          g_assert_false (json_object_has_member (r, "addresses"));
          g_assert_false (json_object_has_member (r, "encounter"));
        }
      else if (g_str_equal (type, "Patient"))
        g_assert_true (json_object_has_member (r, "text"));
    }
  g_assert_cmpuint (careplans, ==, 2);
}

/* Records under 42 CFR Part 2 go with the notice §2.32 asks for, and say so in their labels;
 * the Bundle says only "restricted". */
static void
test_part2 (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(HfShare) share = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *bundle;
  JsonArray *entries;
  gboolean notice = FALSE, refrain = FALSE;

  import (f, TRESSA);
  set_consent (f, "problems,encounters", "SUD");
  d = export_to (f, "part2.json", &path, &share);
  g_assert_true (share->part2);
  hf_test_assert_valid_fhir_file (path);
  bundle = load_object (&node, path);
  {
    JsonArray *security = hf_json_array (hf_json_object (bundle, "meta"), "security");
    g_assert_cmpuint (json_array_get_length (security), ==, 1);
    g_assert_cmpstr (hf_json_string (json_array_get_object_element (security, 0), "code"), ==,
                     "R");
  }
  entries = hf_json_array (bundle, "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = hf_json_object (json_array_get_object_element (entries, i), "resource");
      JsonArray *security = hf_json_array (hf_json_object (r, "meta"), "security");

      if (g_str_equal (hf_json_string (r, "resourceType"), "DocumentReference"))
        {
          JsonObject *attachment = hf_json_object (hf_json_first_object (r, "content"),
                                                   "attachment");
          gsize n = 0;
          g_autofree guchar *text = g_base64_decode (hf_json_string (attachment, "data"), &n);

          notice = TRUE;
          g_assert_cmpstr (hf_json_string (r, "status"), ==, "current");
          g_assert_cmpstr (hf_json_string (attachment, "title"), ==, "Notice under 42 CFR Part 2");
          g_assert_cmpmem (text, n, hf_label_part2_notice (), strlen (hf_label_part2_notice ()));
          continue;
        }
      for (guint k = 0; security != NULL && k < json_array_get_length (security); k++)
        refrain |= g_strcmp0 (hf_json_string (json_array_get_object_element (security, k),
                                              "code"), "NORDSCLCD") == 0;
    }
  g_assert_true (notice);
  g_assert_true (refrain);
}

/* Nothing shared (a consent in force that permits nothing of this record), no consent: no file,
 * and a sentence. */
static void
test_export_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->td.dir, "none.json", NULL);
  g_autoptr(GError) error = NULL;

  import (f, CARLA);
  g_assert_null (hf_disclosure_export_fhir (f->vault, OSEI, TODAY, NOW, NULL, path, NULL,
                                            &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_assert_cmpstr (error->message, ==, "Dr. Osei has no consent; ask the owner to set one.");
  g_clear_error (&error);
  set_consent (f, "documents", NULL);
  g_assert_null (hf_disclosure_export_fhir (f->vault, OSEI, TODAY, NOW, NULL, path, NULL,
                                            &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_assert_true (g_str_has_prefix (error->message, "Nothing would be shared with Dr. Osei"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A format's encoder: the Bundle's bytes reversed (a stand-in for signing or encrypting). */
static GBytes *
reverse_encode (GBytes   *bundle,
                gpointer  data,
                GError  **error)
{
  gsize len;
  const guint8 *in = g_bytes_get_data (bundle, &len);
  guint8 *out = g_malloc (len);

  *(guint *) data += 1;
  for (gsize i = 0; i < len; i++)
    out[i] = in[len - 1 - i];
  return g_bytes_new_take (out, len);
}

static GBytes *
refuse_encode (GBytes   *bundle,
               gpointer  data,
               GError  **error)
{
  *(guint *) data += 1;
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT, "The encoder refused.");
  return NULL;
}

/* Every format goes through hf_disclosure_export: the same consent check before the encoder
 * runs, the disclosure recorded with the format and the SHA-256 of the file's bytes (not the
 * Bundle's), and an encoder's refusal leaves no file and no record. */
static void
test_export_encoded (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->td.dir, "osei.rev", NULL);
  g_autofree char *fhir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfDisclosure) plain = NULL;
  g_autoptr(HfDisclosure) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autofree char *sum = NULL;
  guint calls = 0;

  import (f, CARLA);
  g_assert_null (hf_disclosure_export (f->vault, OSEI, TODAY, NOW, NULL, "x-reversed",
                                       reverse_encode, &calls, path, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_cmpuint (calls, ==, 0);

  set_consent (f, "immunizations", NULL);
  g_assert_null (hf_disclosure_export (f->vault, OSEI, TODAY, NOW, NULL, "x-refused",
                                       refuse_encode, &calls, path, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpuint (calls, ==, 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  list = hf_disclosure_list (f->vault, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);

  d = hf_disclosure_export (f->vault, OSEI, TODAY, NOW, NULL, "x-reversed", reverse_encode,
                            &calls, path, NULL, &error);
  g_assert_no_error (error);
  if (d == NULL)
    g_error ("no disclosure");
  g_assert_cmpuint (calls, ==, 2);
  plain = export_to (f, "osei.json", &fhir, NULL);
  file = hf_test_read (path);
  sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, file);
  g_assert_cmpstr (d->format, ==, "x-reversed");
  g_assert_cmpstr (d->output_sha256, ==, sum);
  g_assert_cmpstr (d->output_sha256, !=, plain->output_sha256);
  g_assert_cmpstr (d->bundle_id, ==, plain->bundle_id);
  g_assert_cmpuint (d->n_items, ==, plain->n_items);
  found = hf_disclosure_verify (f->vault, file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (found != NULL && found->id == d->id);
  g_assert_cmpstr (plain->format, ==, "fhir");
}

/* The accounting as IHE Basic Audit PrivacyDisclosure AuditEvents: valid R4. */
static void
test_audit_events (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(HfDisclosure) d1 = NULL, d2 = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonArray *entries;
  JsonObject *event;

  import (f, CARLA);
  set_consent (f, "immunizations", NULL);
  d1 = export_to (f, "a.json", &a, NULL);
  set_consent (f, "allergies", NULL);
  d2 = export_to (f, "b.json", &b, NULL);
  list = hf_disclosure_list (f->vault, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((HfDisclosure *) g_ptr_array_index (list, 1))->consent_version, ==, 2);
  bundle = hf_disclosure_audit_bundle (list, "Carla Echevarría", NOW);
  text = json_to_string (bundle, TRUE);
  hf_test_assert_valid_fhir (text);
  entries = hf_json_array (json_node_get_object (bundle), "entry");
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  event = hf_json_object (json_array_get_object_element (entries, 0), "resource");
  g_assert_cmpstr (hf_json_string (hf_json_object (event, "type"), "code"), ==, "110106");
  g_assert_cmpstr (hf_json_string (event, "action"), ==, "R");
  g_assert_cmpstr (hf_json_string (event, "outcome"), ==, "0");
  g_assert_nonnull (strstr (text, d1->output_sha256));
  g_assert_nonnull (strstr (text, d2->bundle_id));
}

/* }}} */
/* {{{ the command line */

static int
cli (Fixture     *f,
     const char  *member,
     const char  *pass_file,
     char       **out,
     char       **err,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, "--passphrase-file");
  g_ptr_array_add (args, (gpointer) pass_file);
  if (member != NULL)
    {
      g_ptr_array_add (args, "--member");
      g_ptr_array_add (args, (gpointer) member);
    }
  va_start (ap, err);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, err, (const char * const *) args->pdata);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *bob_pass = hf_test_write_file (&f->td, "bob.txt", "bob's own passphrase\n");
  g_autofree char *eve_pass = hf_test_write_file (&f->td, "eve.txt", "eve reads, only reads\n");
  g_autofree char *file = g_build_filename (f->td.dir, "osei.json", NULL);
  g_autofree char *copy = g_build_filename (f->td.dir, "altered.json", NULL);
  g_autofree char *carla = data_path (CARLA);
  char *out = NULL, *err = NULL;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
#define RUN(member, pass, ...) cli (f, member, pass, &out, &err, __VA_ARGS__, NULL)
#define CLEAR() do { g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free); } while (0)
  g_assert_cmpint (RUN (NULL, f->pass_file, "import", carla), ==, 0);
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "member", "add", "Bob", "--role", "caregiver",
                        "--new-passphrase-file", bob_pass), ==, 0);
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "member", "add", "Eve", "--role",
                        "caregiver-read-only", "--new-passphrase-file", eve_pass), ==, 0);
  CLEAR ();

  /* No consent: the preview says so in one sentence; the export is refused. */
  g_assert_cmpint (RUN (NULL, f->pass_file, "share", "preview", OSEI), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Nothing is shared with Dr. Osei: there is no consent"));
  g_assert_cmpstr (strchr (out, '\n') + 1, ==, "");   /* one line, not every record */
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "export", OSEI, "--format", "fhir", "--output", file),
                   ==, 6);
  g_assert_nonnull (strstr (err, "Dr. Osei has no consent; ask the owner to set one."));
  CLEAR ();

  g_assert_cmpint (RUN (NULL, f->pass_file, "consent", "set", OSEI, "--allow",
                        "immunizations,allergies", "--valid-from", "2020-01-01"), ==, 0);
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "share", "preview", OSEI), ==, 0);
  g_assert_nonnull (strstr (out, "Immunizations: 15 shared"));
  g_assert_nonnull (strstr (out, "Allergies: 5 shared"));
  g_assert_nonnull (strstr (out, "and 40 more"));
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "--json", "share", "preview", OSEI), ==, 0);
  {
    g_autoptr(JsonNode) node = json_from_string (out, NULL);
    JsonObject *o = json_node_get_object (node);
    JsonObject *first = json_array_get_object_element (hf_json_array (o, "shared"), 0);
    JsonObject *withheld = json_array_get_object_element (hf_json_array (o, "withheld"), 0);

    g_assert_cmpstr (hf_json_string (o, "recipient"), ==, OSEI);
    g_assert_cmpint (json_object_get_int_member (o, "consent_version"), ==, 1);
    g_assert_cmpuint (json_array_get_length (hf_json_array (o, "shared")), ==, 21);
    g_assert_cmpstr (hf_json_string (first, "type"), ==, "AllergyIntolerance");
    g_assert_nonnull (hf_json_string (first, "id"));
    g_assert_cmpstr (hf_json_string (first, "category"), ==, "allergies");
    g_assert_cmpstr (json_array_get_string_element (hf_json_array (first, "labels"), 0), ==, "N");
    g_assert_nonnull (hf_json_string (withheld, "reason"));
  }
  CLEAR ();

  /* A signed export before the issuer is set; a format that is none; a read-only caregiver; a
   * caregiver beyond the owner's consent. */
  g_assert_cmpint (RUN (NULL, f->pass_file, "export", OSEI, "--format", "jws", "--output", file),
                   ==, 3);
  g_assert_nonnull (strstr (err, "Set the issuer first: healthfolio-cli issuer set https://"));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "export", OSEI, "--format", "docx", "--output",
                       file), ==, 1);
  g_assert_nonnull (strstr (err, "is not an export format"));
  CLEAR ();
  g_assert_cmpint (RUN ("Eve", eve_pass, "export", OSEI, "--format", "fhir", "--output", file),
                   ==, 6);
  g_assert_nonnull (strstr (err, "read-only caregiver"));
  CLEAR ();
  g_assert_cmpint (RUN ("Bob", bob_pass, "export", OSEI, "--format", "fhir", "--output", file,
                        "--only", "immunizations,lab-results"), ==, 6);
  g_assert_nonnull (strstr (err, "The owner has not allowed Dr. Osei to see lab results; ask the "
                                 "owner to change the consent."));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  CLEAR ();

  /* Within it, the caregiver exports: a warning that the file is not encrypted. */
  g_assert_cmpint (RUN ("Bob", bob_pass, "export", OSEI, "--format", "fhir", "--output", file,
                        "--only", "immunizations"), ==, 0);
  g_assert_nonnull (strstr (err, "not encrypted"));
  g_assert_nonnull (strstr (out, "Wrote 16 records for Dr. Osei"));
  CLEAR ();
  hf_test_assert_valid_fhir_file (file);

  g_assert_cmpint (RUN (NULL, f->pass_file, "disclosures", "list"), ==, 0);
  g_assert_nonnull (strstr (out, "— Dr. Osei (clinician, osei@clinic.example): 15 immunizations, "
                                 "1 person or place, for your treatment, consent version 1, by "
                                 "Bob; file SHA-256 "));
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "disclosures", "list", "--since", "2999-01-01"), ==,
                   0);
  g_assert_cmpstr (out, ==, "No disclosures match.\n");
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "disclosures", "list", "--fhir"), ==, 0);
  hf_test_assert_valid_fhir (out);
  CLEAR ();

  g_assert_cmpint (RUN (NULL, f->pass_file, "disclosures", "verify", file), ==, 0);
  g_assert_true (g_str_has_prefix (out,
                                   "This file is a disclosure this vault made to Dr. Osei on "));
  g_assert_nonnull (strstr (out, "(16 records)"));
  CLEAR ();
  {
    g_autoptr(GBytes) bytes = hf_test_read (file);
    g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    char *vaccine = strstr (text, "HPV, quadrivalent");
    g_assert_nonnull (vaccine);
    vaccine[0] = 'X';
    g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  }
  g_assert_cmpint (RUN (NULL, f->pass_file, "disclosures", "verify", copy), ==, 4);
  g_assert_nonnull (strstr (err, "altered"));
  CLEAR ();
  g_assert_cmpint (RUN (NULL, f->pass_file, "disclosures", "verify", carla), ==, 3);
  g_assert_nonnull (strstr (err, "This vault did not disclose this file."));
  CLEAR ();

  g_assert_cmpint (RUN (NULL, f->pass_file, "audit", "verify"), ==, 0);
  CLEAR ();
#undef RUN
#undef CLEAR
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add ("/hf/disclosure/export-accounted", Fixture, NULL, setup, test_export_accounted,
              teardown);
  g_test_add ("/hf/disclosure/export-deterministic", Fixture, NULL, setup,
              test_export_deterministic, teardown);
  g_test_add ("/hf/disclosure/narrative-dropped", Fixture, NULL, setup, test_narrative_dropped,
              teardown);
  g_test_add ("/hf/disclosure/part2", Fixture, NULL, setup, test_part2, teardown);
  g_test_add ("/hf/disclosure/export-refused", Fixture, NULL, setup, test_export_refused,
              teardown);
  g_test_add ("/hf/disclosure/export-encoded", Fixture, NULL, setup, test_export_encoded,
              teardown);
  g_test_add ("/hf/disclosure/audit-events", Fixture, NULL, setup, test_audit_events, teardown);
  g_test_add ("/hf/disclosure/cli", Fixture, NULL, setup, test_cli, teardown);
  return g_test_run ();
}
