/* test-consent.c — per-recipient consents: versions, the FHIR R4 Consent, words, roles
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-audit.h"
#include "hf-consent.h"
#include "hf-error.h"
#include "hf-import.h"
#include "hf-recipient.h"
#include "hf-records.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define OWNER      "Carla"
#define PASSPHRASE "the owner's long passphrase"
#define BOB_PASS   "bob's own passphrase"
#define RIA_PASS   "ria's own passphrase"
#define OSEI       "Dr. Osei"

#define CARLA_FILE "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json"

/* {{{ helpers */

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
} Fixture;

static char *
data_path (const char *part)
{
  return g_build_filename (g_getenv ("HF_TEST_DATA"), part, NULL);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) passphrase = hf_test_secret (PASSPHRASE);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) r = NULL;

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, OWNER, passphrase, &code, &error);
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
  hf_test_dir_teardown (&f->td, data);
}

static void
import_carla (Fixture *f)
{
  g_autofree char *path = data_path (CARLA_FILE);
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(HfImportResult) result = NULL;

  hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
}

static void
add_members (Fixture *f)
{
  g_autoptr(HfSecret) bob = hf_test_secret (BOB_PASS);
  g_autoptr(HfSecret) ria = hf_test_secret (RIA_PASS);
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_vault_add_member (f->vault, "Bob", HF_ROLE_CAREGIVER, bob, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (hf_vault_add_member (f->vault, "Ria", HF_ROLE_CAREGIVER_READ_ONLY, ria, NULL,
                                      &error));
  g_assert_no_error (error);
}

static HfVault *
open_as (Fixture    *f,
         const char *member,
         const char *passphrase)
{
  g_autoptr(HfSecret) secret = hf_test_secret (passphrase);
  g_autoptr(GError) error = NULL;
  HfVault *vault = hf_vault_open (f->td.vault, member, secret, &error);

  g_assert_no_error (error);
  return vault;
}

/* Terms from a small description: "cats|from|to|purposes|labels|include|exclude|valid|expires"
 * (lists comma-separated, empty for none or NULL). */
static void
terms_parse (HfConsentTerms *t,
             const char     *spec)
{
  g_auto(GStrv) parts = g_strsplit (spec, "|", -1);
  char ***lists[] = { &t->categories, NULL, NULL, &t->purposes, &t->permit_labels, &t->include,
                      &t->exclude, NULL, NULL };
  char **days[] = { NULL, &t->data_from, &t->data_to, NULL, NULL, NULL, NULL, &t->valid_from,
                    &t->expires };

  if (g_strv_length (parts) != 9)
    g_error ("a spec of %u fields: %s", g_strv_length (parts), spec);
  for (guint i = 0; i < 9; i++)
    {
      if (lists[i] != NULL)
        *lists[i] = *parts[i] ? g_strsplit (parts[i], ",", -1) : g_new0 (char *, 1);
      else
        *days[i] = *parts[i] ? g_strdup (parts[i]) : NULL;
    }
}

static HfConsent *
set_ok (HfVault    *vault,
        const char *spec)
{
  g_auto(HfConsentTerms) t = { 0 };
  g_autoptr(GError) error = NULL;
  HfConsent *c;

  terms_parse (&t, spec);
  c = hf_consent_set (vault, OSEI, &t, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

static GError *
set_fails (HfVault    *vault,
           const char *spec)
{
  g_auto(HfConsentTerms) t = { 0 };
  GError *error = NULL;
  g_autoptr(HfConsent) c = NULL;

  terms_parse (&t, spec);
  c = hf_consent_set (vault, OSEI, &t, &error);
  g_assert_null (c);
  g_assert_nonnull (error);
  return error;
}

/* Writes JSON (a Consent) to be checked against the FHIR R4 JSON schema by the validator of
 * the tests' npm tools (not ours): all of a test's at once (node starts slowly). */
static void
collect_fhir (Fixture    *f,
              GPtrArray  *paths,
              const char *json,
              const char *name)
{
  g_ptr_array_add (paths, hf_test_write_file (&f->td, name, json));
}

static void
assert_valid_fhir_files (GPtrArray *paths)
{
  g_autofree char *problems = NULL;

  g_assert_cmpuint (paths->len, >, 0);
  g_ptr_array_add (paths, NULL);
  if (!hf_test_validate_fhir_files ((const char * const *) paths->pdata, &problems))
    g_error ("not valid FHIR R4: %s", problems);
  g_ptr_array_remove_index (paths, paths->len - 1);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *json)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static GPtrArray *
audit_of (HfVault    *vault,
          const char *action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = hf_audit_list (vault, 0, 0, &error);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      HfAuditEntry *e = g_ptr_array_index (all, i);
      if (g_str_equal (e->action, action))
        g_ptr_array_add (out, g_strdup_printf ("%s: %s", e->actor, e->detail));
    }
  return out;
}

/* A consent made by hand, for the words and the FHIR form: version 1 by the owner on
 * 12 May 2026 at noon UTC. */
static HfConsent *
consent_new (const char *spec)
{
  HfConsent *c = g_new0 (HfConsent, 1);
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 5, 12, 12, 0, 0);

  c->recipient_id = 7;
  c->recipient = g_strdup (OSEI);
  c->version = 1;
  c->date = g_date_time_to_unix (when) * G_USEC_PER_SEC;
  c->performer = g_strdup (OWNER);
  c->performer_role = HF_ROLE_OWNER;
  terms_parse (&c->terms, spec);
  return c;
}

/* The first current record of TYPE: its row id and "Type/fhir_id". */
static gint64
record_of (Fixture    *f,
           const char *type,
           char      **reference)
{
  HfRecordFilter filter = { .resource_type = type, .all = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = hf_record_store_query (f->vault, &filter, NULL, 1, &error);
  HfRecordRow *row;

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  *reference = g_strdup_printf ("%s/%s", row->resource_type, row->fhir_id);
  return row->id;
}

/* }}} */

/* {{{ versions */

static void
test_versions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfConsent) v1 = NULL, v2 = NULL, v3 = NULL, got = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) logged = NULL;
  g_autoptr(GError) again = NULL;
  HfConsent *h;

  got = hf_consent_get (f->vault, OSEI, &error);
  g_assert_no_error (error);
  g_assert_null (got);

  v1 = set_ok (f->vault, "immunizations,allergies|2019-01-01||TREAT|||||2027-03-31");
  g_assert_cmpint (v1->version, ==, 1);
  g_assert_false (v1->revoked);
  g_assert_cmpstr (v1->performer, ==, OWNER);
  g_assert_cmpint (v1->performer_role, ==, HF_ROLE_OWNER);
  /* Sorted, as the header promises. */
  g_assert_cmpstr (v1->terms.categories[0], ==, "allergies");
  g_assert_cmpstr (v1->terms.categories[1], ==, "immunizations");
  g_assert_null (v1->terms.categories[2]);

  v2 = set_ok (f->vault, "immunizations,allergies,lab-results|2019-01-01||TREAT,CAREMGT|HIV||||"
                         "2027-03-31");
  g_assert_cmpint (v2->version, ==, 2);
  g_assert_cmpint (v2->date, >, v1->date);

  v3 = hf_consent_revoke (f->vault, OSEI, &error);
  g_assert_no_error (error);
  g_assert_cmpint (v3->version, ==, 3);
  g_assert_true (v3->revoked);
  /* The revoked version keeps what was revoked, for the history. */
  g_assert_true (hf_consent_terms_equal (&v3->terms, &v2->terms));
  g_assert_nonnull (strstr (v3->json, "\"status\":\"inactive\""));
  g_assert_null (hf_consent_revoke (f->vault, OSEI, &again));
  g_assert_error (again, HF_ERROR, HF_ERROR_USAGE);

  history = hf_consent_history (f->vault, OSEI, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);
  h = g_ptr_array_index (history, 0);
  g_assert_cmpint (h->version, ==, 1);
  g_assert_true (hf_consent_terms_equal (&h->terms, &v1->terms));
  g_assert_cmpstr (h->json, ==, v1->json);
  h = g_ptr_array_index (history, 1);
  g_assert_true (hf_consent_terms_equal (&h->terms, &v2->terms));
  g_assert_false (h->revoked);
  h = g_ptr_array_index (history, 2);
  g_assert_true (h->revoked);

  got = hf_consent_get (f->vault, OSEI, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->version, ==, 3);
  g_assert_true (got->revoked);

  /* Setting again after a revocation is a fourth version, in force. */
  g_clear_pointer (&got, hf_consent_free);
  got = set_ok (f->vault, "immunizations|||TREAT|||||");
  g_assert_cmpint (got->version, ==, 4);
  g_assert_false (got->revoked);

  logged = audit_of (f->vault, "consent set");
  g_assert_cmpuint (logged->len, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (logged, 0),
                                   OWNER ": Dr. Osei, version 1: Dr. Osei may see your allergies "
                                   "and immunizations from 2019 on"));
  g_clear_pointer (&logged, g_ptr_array_unref);
  logged = audit_of (f->vault, "consent revoke");
  g_assert_cmpuint (logged->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (logged, 0),
                                   OWNER ": Dr. Osei, version 3: You revoked Dr. Osei's consent"));
}

/* A version, once made, is what the patient agreed to: the database refuses to change it. */
static void
test_append_only (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HfConsent) v1 = set_ok (f->vault, "immunizations|||TREAT|||||");
  sqlite3 *db = _hf_vault_get_db (f->vault);

  g_assert_cmpint (v1->version, ==, 1);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE consent SET status = 'inactive'", NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM consent", NULL, NULL, NULL), !=, SQLITE_OK);
}

static void
test_bad_terms (Fixture       *f,
                gconstpointer  data)
{
  static const struct { const char *spec; const char *words; } cases[] = {
    { "immunizations,labs|||TREAT|||||", "“labs” is not a category of records; use one of "
      "problems," },
    { "directory|||TREAT|||||", "“directory” is not a category" },
    { "immunizations|||SELL|||||", "“SELL” is not a purpose of use" },
    { "immunizations||||||||", "at least one purpose of use" },
    { "immunizations|||TREAT|PSYCH||||", "“PSYCH” is not a sensitivity label" },
    { "immunizations|2019-02-30||TREAT|||||", "“2019-02-30” is not a date" },
    { "immunizations|2020-01-01|2019-01-01|TREAT|||||", "before they start" },
    { "immunizations|||TREAT|||||31/03/2027", "not a date" },
    { "immunizations|||TREAT|||||2027-03-31", NULL },
    { "immunizations|||TREAT||||2027-04-01|2027-03-31", "expire (2027-03-31) before it starts" },
    { "immunizations|||TREAT||Condition|||", "does not name a record" },
    { "immunizations|||TREAT||Nonsense/1|||", "does not name a record" },
    { "immunizations|||TREAT||Condition/1|Condition/1||", "both included and excluded" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfConsent) c = NULL;

      if (cases[i].words == NULL)
        {
          c = set_ok (f->vault, cases[i].spec);
          continue;
        }
      error = set_fails (f->vault, cases[i].spec);
      g_test_message ("%s: %s", cases[i].spec, error->message);
      g_assert_error (error, HF_ERROR, HF_ERROR_USAGE);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
  /* Nothing but the one good set was stored. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) history = hf_consent_history (f->vault, OSEI, &error);
    g_assert_cmpuint (history->len, ==, 1);
  }
}

/* }}} */

/* {{{ the FHIR Consent */

static const char *const fhir_cases[] = {
  "immunizations,allergies|2019-01-01||TREAT|||||2027-03-31",
  "problems,lab-results,vitals,medications|2010-06-01|2020-12-31|TREAT,CAREMGT,FAMRQT|HIV,MH,R|"
    "Condition/abc-1,Observation/x.2|Condition/sens-9|2026-06-01|2027-03-31",
  "|||HRESCH||Immunization/only-1|||",
  "problems,medications,allergies,immunizations,lab-results,vitals,procedures,encounters,"
    "documents,care-plans,billing,other|||TREAT|ETH,ETHUD,OPIOIDUD,SUD,V||||",
};

/* What the Consent says, read here from its JSON without the module's reader. */
static void
assert_consent_shape (JsonObject           *o,
                      const HfConsentTerms *t,
                      gboolean              revoked)
{
  JsonObject *p = json_object_get_object_member (o, "provision");
  JsonObject *scope = json_object_get_object_member (o, "scope");
  JsonObject *coding = json_array_get_object_element (json_object_get_array_member (scope,
                                                                                     "coding"),
                                                      0);
  JsonObject *actor = json_array_get_object_element (json_object_get_array_member (p, "actor"),
                                                     0);
  JsonObject *role = json_array_get_object_element (
    json_object_get_array_member (json_object_get_object_member (actor, "role"), "coding"), 0);

  g_assert_cmpstr (json_object_get_string_member (o, "resourceType"), ==, "Consent");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==,
                   revoked ? "inactive" : "active");
  g_assert_cmpstr (json_object_get_string_member (coding, "system"), ==,
                   "http://terminology.hl7.org/CodeSystem/consentscope");
  g_assert_cmpstr (json_object_get_string_member (coding, "code"), ==, "patient-privacy");
  g_assert_true (json_object_has_member (o, "patient"));
  g_assert_true (json_object_has_member (o, "dateTime"));
  g_assert_true (json_object_has_member (o, "performer"));
  g_assert_true (json_object_has_member (o, "policyRule") || json_object_has_member (o, "policy"));
  g_assert_cmpstr (json_object_get_string_member (p, "type"), ==, "permit");
  g_assert_cmpstr (json_object_get_string_member (role, "code"), ==, "IRCP");
  g_assert_cmpstr (json_object_get_string_member (role, "system"), ==,
                   "http://terminology.hl7.org/CodeSystem/v3-ParticipationType");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (actor,
                                                                                 "reference"),
                                                  "display"), ==, OSEI);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (p, "purpose")), ==,
                    g_strv_length (t->purposes));
  if (t->categories[0] != NULL)
    {
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (p, "code")), ==,
                        g_strv_length (t->categories));
      g_assert_true (json_object_has_member (p, "class"));
    }
  else
    g_assert_false (json_object_has_member (p, "code"));
  g_assert_cmpint (json_object_has_member (p, "securityLabel"), ==, t->permit_labels[0] != NULL);
  g_assert_cmpint (json_object_has_member (p, "dataPeriod"), ==,
                   t->data_from != NULL || t->data_to != NULL);
  g_assert_cmpint (json_object_has_member (p, "period"), ==,
                   t->valid_from != NULL || t->expires != NULL);
  /* Exceptions one level below the root, never deeper: deny for the excluded, permit for the
   * included. */
  if (json_object_has_member (p, "provision"))
    {
      JsonArray *nested = json_object_get_array_member (p, "provision");
      guint n_deny = 0, n_permit = 0;

      for (guint i = 0; i < json_array_get_length (nested); i++)
        {
          JsonObject *n = json_array_get_object_element (nested, i);
          JsonArray *d = json_object_get_array_member (n, "data");
          const char *type = json_object_get_string_member (n, "type");

          g_assert_false (json_object_has_member (n, "provision"));
          for (guint k = 0; k < json_array_get_length (d); k++)
            {
              JsonObject *item = json_array_get_object_element (d, k);
              const char *ref = json_object_get_string_member (
                json_object_get_object_member (item, "reference"), "reference");
              g_assert_cmpstr (json_object_get_string_member (item, "meaning"), ==, "instance");
              g_assert_true (g_strv_contains ((const char * const *)
                                              (g_str_equal (type, "deny") ? t->exclude
                                                                          : t->include), ref));
            }
          if (g_str_equal (type, "deny"))
            n_deny += json_array_get_length (d);
          else
            n_permit += json_array_get_length (d);
        }
      g_assert_cmpuint (n_deny, ==, g_strv_length (t->exclude));
      g_assert_cmpuint (n_permit, ==, g_strv_length (t->include));
    }
  else
    g_assert_true (t->exclude[0] == NULL && t->include[0] == NULL);
}

static void
test_fhir_valid_and_round_trip (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  import_carla (f);
  for (guint i = 0; i < G_N_ELEMENTS (fhir_cases); i++)
    {
      g_autoptr(HfConsent) c = set_ok (f->vault, fhir_cases[i]);
      g_autoptr(HfConsent) revoked = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_auto(HfConsentTerms) back = { 0 };
      g_autofree char *name = g_strdup_printf ("consent-%u.json", i);
      g_autofree char *name_revoked = g_strdup_printf ("consent-%u-revoked.json", i);
      JsonObject *o = parse_object (parser, c->json);

      g_test_message ("%s", c->json);
      collect_fhir (f, paths, c->json, name);
      assert_consent_shape (o, &c->terms, FALSE);
      /* The vault's Patient, by reference and name. */
      g_assert_true (g_str_has_prefix (json_object_get_string_member (
        json_object_get_object_member (o, "patient"), "reference"), "Patient/"));
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "patient"),
                                                      "display"), ==, "Carla Echevarría");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
        json_object_get_array_member (o, "performer"), 0), "display"), ==, "Carla (owner)");

      g_assert_true (hf_consent_terms_from_fhir (o, &back, &error));
      g_assert_no_error (error);
      g_assert_true (hf_consent_terms_equal (&back, &c->terms));

      revoked = hf_consent_revoke (f->vault, OSEI, &error);
      g_assert_no_error (error);
      collect_fhir (f, paths, revoked->json, name_revoked);
      o = parse_object (parser, revoked->json);
      assert_consent_shape (o, &revoked->terms, TRUE);
    }
  assert_valid_fhir_files (paths);
}

/* hf_consent_to_fhir of an HfConsent made in memory (no vault): the same shape, valid too. */
static void
test_fhir_from_memory (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (fhir_cases); i++)
    {
      g_autoptr(HfConsent) c = consent_new (fhir_cases[i]);
      g_autoptr(JsonNode) node = hf_consent_to_fhir (c);
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autofree char *json = NULL;
      g_autofree char *name = g_strdup_printf ("memory-%u.json", i);
      g_auto(HfConsentTerms) back = { 0 };
      g_autoptr(GError) error = NULL;

      json_generator_set_root (gen, node);
      json_generator_set_pretty (gen, TRUE);
      json = json_generator_to_data (gen, NULL);
      collect_fhir (f, paths, json, name);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "id"), ==,
                       "consent-7-v1");
      g_assert_true (hf_consent_terms_from_fhir (json_node_get_object (node), &back, &error));
      g_assert_no_error (error);
      g_assert_true (hf_consent_terms_equal (&back, &c->terms));
    }
  assert_valid_fhir_files (paths);
}

/* Consents written by others (the R4 specification's examples): read or refused with a
 * sentence, never a crash. None of them names a purpose of use and several deny by default,
 * which Healthfolio's terms cannot say. */
static void
test_peer_consents (void)
{
  const char *const folders[] = { "r4-examples", "consents" };
  guint n = 0;

  for (guint d = 0; d < G_N_ELEMENTS (folders); d++)
    {
      g_autofree char *dir_path = data_path (folders[d]);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = NULL;
          g_autoptr(JsonParser) parser = json_parser_new ();
          g_autoptr(GError) error = NULL;
          g_auto(HfConsentTerms) t = { 0 };
          JsonObject *o;

          if (!g_str_has_prefix (name, "consent-example"))
            continue;
          path = g_build_filename (dir_path, name, NULL);
          g_assert_true (json_parser_load_from_file (parser, path, &error));
          o = json_node_get_object (json_parser_get_root (parser));
          n++;
          if (hf_consent_terms_from_fhir (o, &t, &error))
            {
              g_test_message ("%s: read", name);
              g_assert_nonnull (t.purposes[0]);
              continue;
            }
          g_test_message ("%s: %s", name, error->message);
          g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
          g_assert_true (g_str_has_prefix (error->message,
                                           "Healthfolio cannot read this Consent: "));
          g_assert_true (g_str_has_suffix (error->message, "."));
          if (g_str_equal (name, "consent-example-Out.json") ||
              g_str_equal (name, "consent-example-pkb.json"))
            g_assert_nonnull (strstr (error->message, "opt-out"));
        }
    }
  g_assert_cmpuint (n, ==, 12);
}

static void
test_reader_refuses (void)
{
  static const struct { const char *json; const char *words; } cases[] = {
    { "{\"resourceType\":\"Patient\"}", "not a Consent" },
    { "{\"resourceType\":\"Consent\",\"scope\":{\"coding\":[{\"system\":"
      "\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"research\"}]},"
      "\"provision\":{\"type\":\"permit\"}}", "not a privacy consent" },
    { "{\"resourceType\":\"Consent\"}", "no provision" },
    { "{\"resourceType\":\"Consent\",\"provision\":{\"type\":\"permit\",\"purpose\":[{\"system\":"
      "\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}],"
      "\"provision\":[{\"type\":\"deny\",\"provision\":[{\"type\":\"permit\"}]}]}}",
      "deeper than two levels" },
    { "{\"resourceType\":\"Consent\",\"provision\":{\"type\":\"permit\",\"purpose\":[{\"system\":"
      "\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}],"
      "\"provision\":[{\"type\":\"deny\",\"actor\":[]}]}}", "limits by “actor”" },
    { "{\"resourceType\":\"Consent\",\"provision\":{\"type\":\"permit\",\"purpose\":[{\"system\":"
      "\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}],"
      "\"dataPeriod\":{\"start\":\"20\"}}}", "not a date" },
    { "{\"resourceType\":\"Consent\",\"provision\":{\"type\":\"permit\",\"purpose\":[{\"system\":"
      "\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}],"
      "\"securityLabel\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\","
      "\"code\":\"R\"}]}}", "label Healthfolio does not know" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_auto(HfConsentTerms) t = { 0 };
      JsonObject *o = parse_object (parser, cases[i].json);

      g_assert_false (hf_consent_terms_from_fhir (o, &t, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
}

/* }}} */

/* {{{ in words, in force */

static void
test_describe (void)
{
  static const struct { const char *spec; const char *today; const char *words; } cases[] = {
    { "immunizations,allergies|2019-01-01||TREAT|||||2027-03-31", "2026-06-01",
      "Dr. Osei may see your allergies and immunizations from 2019 on, for your treatment, "
      "until 31 March 2027; sensitive records (mental health, HIV/AIDS, substance use "
      "disorders, …) are withheld." },
    { "|||TREAT|||||", "2026-06-01",
      "Dr. Osei may see none of your records: the consent allows no category of records and no "
      "record you chose." },
    { "problems,medications,allergies,immunizations,lab-results,vitals,procedures,encounters,"
      "documents,care-plans,billing,other|||CAREMGT,TREAT|||||", "2026-06-01",
      "Dr. Osei may see all your records, for your treatment and care management; sensitive "
      "records (mental health, HIV/AIDS, substance use disorders, …) are withheld." },
    { "lab-results|2019-03-01|2020-12-31|TREAT,HRESCH,FAMRQT|||||", "2026-06-01",
      "Dr. Osei may see your lab results from 1 March 2019 to the end of 2020, for your "
      "treatment, your family's requests and health research; sensitive records (mental "
      "health, HIV/AIDS, substance use disorders, …) are withheld." },
    { "vitals||2020-06-15|TREAT|||||", "2026-06-01",
      "Dr. Osei may see your vital signs up to 15 June 2020, for your treatment; sensitive "
      "records (mental health, HIV/AIDS, substance use disorders, …) are withheld." },
    { "problems|||TREAT|HIV||||", "2026-06-01",
      "Dr. Osei may see your problems, for your treatment; records about HIV/AIDS are "
      "included; other sensitive records (mental health, substance use disorders, psychiatric "
      "disorders, …) are withheld." },
    { "problems|||TREAT|MH,HIV,SUD,PSY,ETH,ETHUD,OPIOIDUD,STD,SDV,SEX,GDIS,R||||", "2026-06-01",
      "Dr. Osei may see your problems, for your treatment; records about mental health, "
      "HIV/AIDS, substance use disorders, psychiatric disorders, substance abuse, alcohol use "
      "disorders, opioid use disorders, sexually transmitted infections, sexual assault, abuse "
      "or domestic violence, sexuality and reproductive health and genetic diseases are "
      "included; restricted records are included." },
    { "immunizations|||TREAT||Condition/a,Condition/b|Immunization/c||", "2026-06-01",
      "Dr. Osei may see your immunizations, and 2 records you chose, for your treatment; "
      "sensitive records (mental health, HIV/AIDS, substance use disorders, …) are withheld; "
      "1 record you excluded is withheld." },
    { "|||TREAT||Condition/a|||", "2026-06-01",
      "Dr. Osei may see 1 record you chose, for your treatment; sensitive records (mental "
      "health, HIV/AIDS, substance use disorders, …) are withheld." },
    { "immunizations|||TREAT|||||2027-03-31", "2027-04-01",
      "Dr. Osei's consent ended on 31 March 2027; nothing is shared." },
    { "immunizations|||TREAT||||2026-07-01|", "2026-06-01",
      "Nothing is shared before 1 July 2026. From then on: Dr. Osei may see your immunizations, "
      "for your treatment, starting 1 July 2026; sensitive records (mental health, HIV/AIDS, "
      "substance use disorders, …) are withheld." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HfConsent) c = consent_new (cases[i].spec);
      g_autofree char *words = hf_consent_describe_on (c, cases[i].today);

      g_assert_cmpstr (words, ==, cases[i].words);
    }

  /* Revoked: by the owner ("You"), or by a caregiver, by name. */
  {
    g_autoptr(HfConsent) c = consent_new ("immunizations|||TREAT|||||");
    g_autofree char *words = NULL;

    c->revoked = TRUE;
    words = hf_consent_describe_on (c, "2026-06-01");
    g_assert_cmpstr (words, ==, "You revoked Dr. Osei's consent on 12 May 2026; nothing is "
                                "shared.");
    g_free (c->performer);
    c->performer = g_strdup ("Bob");
    c->performer_role = HF_ROLE_CAREGIVER;
    g_clear_pointer (&words, g_free);
    words = hf_consent_describe_on (c, "2026-06-01");
    g_assert_cmpstr (words, ==, "Bob revoked Dr. Osei's consent on 12 May 2026; nothing is "
                                "shared.");
  }
}

static void
test_in_force (void)
{
  g_autoptr(HfConsent) c = consent_new ("immunizations|||TREAT||||2026-07-01|2027-03-31");
  g_autoptr(HfConsent) plain = consent_new ("immunizations|||TREAT|||||");
  const char *why = "unset";

  /* In force on its last day, not the day after; not before its first day. */
  g_assert_true (hf_consent_in_force (c, "2027-03-31", &why));
  g_assert_null (why);
  g_assert_false (hf_consent_in_force (c, "2027-04-01", &why));
  g_assert_cmpstr (why, ==, "expired");
  g_assert_true (hf_consent_in_force (c, "2026-07-01", &why));
  g_assert_false (hf_consent_in_force (c, "2026-06-30", &why));
  g_assert_cmpstr (why, ==, "not yet valid");
  /* Without a first day: from the day it was made (12 May 2026). */
  g_assert_true (hf_consent_in_force (plain, "2026-05-12", &why));
  g_assert_false (hf_consent_in_force (plain, "2026-05-11", &why));
  g_assert_cmpstr (why, ==, "not yet valid");
  g_assert_true (hf_consent_in_force (plain, "2099-01-01", &why));
  c->revoked = TRUE;
  g_assert_false (hf_consent_in_force (c, "2027-01-01", &why));
  g_assert_cmpstr (why, ==, "revoked");
}

/* }}} */

/* {{{ roles */

static void
test_caregiver (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HfVault) bob = NULL;
  g_autoptr(HfConsent) owner = NULL, within = NULL, wider = NULL, got = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(GPtrArray) logged = NULL;
  g_autoptr(GError) error = NULL;
  static const struct { const char *spec; const char *sentence; } exceeding[] = {
    { "allergies,vitals|2019-01-01||TREAT|||||2027-03-31",
      "The owner has not allowed Dr. Osei to see vital signs; ask the owner to change the "
      "consent." },
    { "allergies|2019-01-01||TREAT|PSY||||2027-03-31",
      "The owner has not allowed Dr. Osei to see records about psychiatric disorders; ask the "
      "owner to change the consent." },
    { "allergies|2019-01-01||TREAT,HRESCH|||||2027-03-31",
      "The owner has not allowed sharing with Dr. Osei for health research; ask the owner to "
      "change the consent." },
    { "allergies|2018-06-01||TREAT|||Condition/secret||2027-03-31",
      "The owner has not allowed Dr. Osei to see records from before 1 January 2019; ask the "
      "owner to change the consent." },
    { "allergies|||TREAT|||Condition/secret||2027-03-31",
      "The owner has not allowed Dr. Osei to see records from before 1 January 2019; ask the "
      "owner to change the consent." },
    { "allergies|2019-01-01||TREAT|||Condition/secret||2027-04-01",
      "The owner has not allowed sharing with Dr. Osei after 31 March 2027; ask the owner to "
      "change the consent." },
    { "allergies|2019-01-01||TREAT|||Condition/secret||",
      "The owner has not allowed sharing with Dr. Osei after 31 March 2027; ask the owner to "
      "change the consent." },
    { "allergies|2019-01-01||TREAT||Condition/x|||2027-03-31",
      "The owner has not allowed Dr. Osei to see Condition/x (the owner did not choose it); ask "
      "the owner to change the consent." },
    { "allergies|2019-01-01||TREAT|||||2027-03-31",
      "The owner has not allowed Dr. Osei to see Condition/secret (the owner excluded it); ask "
      "the owner to change the consent." },
  };

  add_members (f);
  owner = set_ok (f->vault, "allergies,immunizations,lab-results|2019-01-01||TREAT,CAREMGT|HIV|"
                            "|Condition/secret||2027-03-31");
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  bob = open_as (f, "Bob", BOB_PASS);
  /* Within: fewer categories, a later start, an earlier end, the exclusion kept, one more. */
  within = set_ok (bob, "allergies|2020-01-01|2024-12-31|TREAT||"
                        "|Condition/other,Condition/secret||2026-12-31");
  g_assert_cmpint (within->version, ==, 2);
  g_assert_cmpstr (within->performer, ==, "Bob");
  g_assert_cmpint (within->performer_role, ==, HF_ROLE_CAREGIVER);
  g_assert_nonnull (strstr (within->json, "\"display\":\"Bob (caregiver)\""));
  /* The bound is the owner's newest version, not Bob's own narrower one. */
  wider = set_ok (bob, "allergies,immunizations,lab-results|2019-01-01||TREAT,CAREMGT|HIV|"
                       "|Condition/secret||2027-03-31");
  g_assert_cmpint (wider->version, ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (exceeding); i++)
    {
      g_autoptr(GError) e = set_fails (bob, exceeding[i].spec);
      g_assert_error (e, HF_ERROR, HF_ERROR_NOT_PERMITTED);
      g_assert_cmpstr (e->message, ==, exceeding[i].sentence);
    }
  got = hf_consent_get (bob, OSEI, &error);
  g_assert_cmpint (got->version, ==, 3);

  logged = audit_of (bob, "consent set");
  g_assert_cmpuint (logged->len, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (logged, 1), "Bob: Dr. Osei, version 2:"));

  /* A recipient the owner never set a consent for: a caregiver can allow nothing. */
  r = hf_recipient_add (bob, "Arbor Clinic", HF_RECIPIENT_ORGANIZATION, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    const char *cats[] = { "allergies", NULL };
    const char *treat[] = { "TREAT", NULL };
    HfConsentTerms t = { .categories = (char **) cats, .purposes = (char **) treat };
    g_autoptr(HfConsent) none = hf_consent_set (bob, "Arbor Clinic", &t, &error);

    g_assert_null (none);
    g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
    g_assert_cmpstr (error->message, ==, "The owner has not set a consent for Arbor Clinic, so a "
                                         "caregiver can allow nothing; ask the owner to set one.");
    g_clear_error (&error);
  }
  /* Revoking only shares less: a caregiver may. After it, the owner's version still bounds. */
  {
    g_autoptr(HfConsent) revoked = hf_consent_revoke (bob, OSEI, &error);
    g_autoptr(HfConsent) after = NULL;
    g_assert_no_error (error);
    g_assert_true (revoked->revoked);
    after = set_ok (bob, "allergies|2019-01-01||TREAT|||Condition/secret||2027-03-31");
    g_assert_cmpint (after->version, ==, 5);
  }
  hf_vault_lock (bob);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HfVault) ria = NULL;
  g_autoptr(HfConsent) owner = NULL, got = NULL, revoked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) e = NULL;
  g_autoptr(GPtrArray) history = NULL;

  add_members (f);
  owner = set_ok (f->vault, "allergies|||TREAT|||||");
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  ria = open_as (f, "Ria", RIA_PASS);
  got = hf_consent_get (ria, OSEI, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->version, ==, 1);
  /* Even the very same terms: a read-only caregiver changes nothing. */
  e = set_fails (ria, "allergies|||TREAT|||||");
  g_assert_error (e, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  revoked = hf_consent_revoke (ria, OSEI, &error);
  g_assert_null (revoked);
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  history = hf_consent_history (ria, OSEI, &error);
  g_assert_cmpuint (history->len, ==, 1);
  hf_vault_lock (ria);
}

/* }}} */

/* {{{ the command line */

static int
cli (Fixture    *f,
     char      **out,
     char      **err,
     const char *member,
     ...)
{
  g_autofree char *pass = hf_test_write_file (&f->td, member ? member : "owner.pass",
                                              member == NULL ? PASSPHRASE
                                              : g_str_equal (member, "Ria") ? RIA_PASS
                                                                             : BOB_PASS);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  const char *a;

  g_ptr_array_add (args, (gpointer) "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, (gpointer) "--passphrase-file");
  g_ptr_array_add (args, pass);
  if (member != NULL)
    {
      g_ptr_array_add (args, (gpointer) "--member");
      g_ptr_array_add (args, (gpointer) member);
    }
  va_start (ap, member);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, err, (const char * const *) args->pdata);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *condition = NULL, *immunization = NULL;
  g_autofree char *condition_id = NULL, *immunization_id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) stored_parser = json_parser_new ();
  g_autoptr(HfConsent) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(HfConsentTerms) t = { 0 };
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gint64 id;

  import_carla (f);
  add_members (f);
  id = record_of (f, "Condition", &condition);
  condition_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  id = record_of (f, "Immunization", &immunization);
  immunization_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  g_assert_cmpint (cli (f, &out, &err, NULL, "consent", "set", OSEI, "--allow",
                        "immunizations,allergies", "--from", "2019-01-01", "--expires",
                        "2027-03-31", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Version 1 of Dr. Osei's consent:\n  Dr. Osei may see your allergies "
                            "and immunizations from 2019 on, for your treatment, until 31 March "
                            "2027; sensitive records (mental health, HIV/AIDS, substance use "
                            "disorders, …) are withheld.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A change starts from the version before: only what is given is replaced. */
  g_assert_cmpint (cli (f, &out, &err, NULL, "consent", "set", OSEI, "--permit-label", "hiv",
                        "--include", condition_id, "--exclude", immunization_id, "--purpose",
                        "TREAT,caremgt", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Version 2 of Dr. Osei's consent:\n  Dr. Osei may see your allergies "
                            "and immunizations from 2019 on, and 1 record you chose, for your "
                            "treatment and care management, until 31 March 2027; records about "
                            "HIV/AIDS are included; other sensitive records (mental health, "
                            "substance use disorders, psychiatric disorders, …) are withheld; 1 "
                            "record you excluded is withheld.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* show --json is the Consent itself: the stored one, with the records as Type/id. */
  g_assert_cmpint (cli (f, &out, &err, NULL, "consent", "show", OSEI, "--json", NULL), ==, 0);
  collect_fhir (f, paths, out, "shown.json");
  assert_valid_fhir_files (paths);
  f->vault = open_as (f, NULL, PASSPHRASE);
  stored = hf_consent_get (f->vault, OSEI, &error);
  g_assert_no_error (error);
  parse_object (stored_parser, stored->json);
  parse_object (parser, out);
  g_assert_true (json_node_equal (json_parser_get_root (parser),
                                  json_parser_get_root (stored_parser)));
  g_assert_true (hf_consent_terms_from_fhir (json_node_get_object (json_parser_get_root (parser)),
                                             &t, &error));
  g_assert_cmpstr (t.include[0], ==, condition);
  g_assert_cmpstr (t.exclude[0], ==, immunization);
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Words; "none" clears a part. */
  g_assert_cmpint (cli (f, &out, NULL, NULL, "consent", "set", OSEI, "--expires", "none",
                        "--include", "none", "--exclude", "none", "--permit-label", "none",
                        "--purpose", "TREAT", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Version 3 of Dr. Osei's consent:\n  Dr. Osei may see your "
                                 "allergies and immunizations from 2019 on, for your treatment; "
                                 "sensitive records"));
  g_clear_pointer (&out, g_free);

  /* Mistakes: usage (1) with the valid names; a record number that does not exist. */
  g_assert_cmpint (cli (f, NULL, &err, NULL, "consent", "set", OSEI, "--allow", "xrays", NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "“xrays” is not a category of records; use one of problems, "
                                 "medications, allergies"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, NULL, &err, NULL, "consent", "set", OSEI, "--include", "999999",
                        NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no record 999999"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, NULL, &err, NULL, "consent", "set", "Nobody", NULL), ==, 1);
  g_clear_pointer (&err, g_free);

  /* A caregiver exceeding the owner's consent: 6, and the sentence naming what. */
  g_assert_cmpint (cli (f, NULL, &err, "Bob", "consent", "set", OSEI, "--allow",
                        "allergies,lab-results", NULL), ==, 6);
  g_assert_cmpstr (err, ==, "healthfolio-cli: The owner has not allowed Dr. Osei to see lab "
                            "results; ask the owner to change the consent.\n");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, NULL, "Bob", "consent", "set", OSEI, "--allow", "allergies",
                        NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Version 4 of Dr. Osei's consent:\n  Dr. Osei may see your "
                                 "allergies from 2019 on"));
  g_clear_pointer (&out, g_free);
  /* A read-only caregiver: 6 for any change. */
  g_assert_cmpint (cli (f, NULL, &err, "Ria", "consent", "set", OSEI, "--allow", "allergies",
                        NULL), ==, 6);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, NULL, &err, "Ria", "consent", "revoke", OSEI, NULL), ==, 6);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli (f, &out, NULL, NULL, "consent", "revoke", OSEI, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Version 5 of Dr. Osei's consent:\n  You revoked Dr. Osei's "
                                 "consent on "));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, NULL, NULL, "consent", "show", OSEI, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "nothing is shared."));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (f, &out, NULL, NULL, "consent", "history", OSEI, NULL), ==, 0);
  for (int v = 1; v <= 5; v++)
    {
      g_autofree char *line = g_strdup_printf ("Version %d, ", v);
      g_assert_nonnull (strstr (out, line));
    }
  g_assert_nonnull (strstr (out, "by Bob (caregiver), active:"));
  g_assert_nonnull (strstr (out, "by Carla (owner), revoked:"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, NULL, NULL, "--json", "consent", "history", OSEI, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))),
                    ==, 5);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/hf/consent/" path, Fixture, NULL, setup, func, teardown)
  ADD ("versions", test_versions);
  ADD ("append-only", test_append_only);
  ADD ("bad-terms", test_bad_terms);
  ADD ("fhir-valid-and-round-trip", test_fhir_valid_and_round_trip);
  ADD ("fhir-from-memory", test_fhir_from_memory);
  g_test_add_func ("/hf/consent/peer-consents", test_peer_consents);
  g_test_add_func ("/hf/consent/reader-refuses", test_reader_refuses);
  g_test_add_func ("/hf/consent/describe", test_describe);
  g_test_add_func ("/hf/consent/in-force", test_in_force);
  ADD ("caregiver", test_caregiver);
  ADD ("read-only", test_read_only);
  ADD ("cli", test_cli);
#undef ADD
  return g_test_run ();
}
