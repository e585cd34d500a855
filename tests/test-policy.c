/* test-policy.c — what exactly a recipient gets: the policy's rules on real records
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Records are the FHIR R4 specification's examples (Roel, Patient f201; Donald Duck, pat1) and
 * the Synthea patients of tests/data. A few tests change one element of an example before it is
 * imported (a date in two time zones, a focus on a Condition, a label in meta.security), and say
 * so: that element is what they test. Labels come from the label API (hf-label.h), consents
 * from the consent API (hf-consent.h); "today" is given, so consents' validity is exact.
 */

#include <glib/gstdio.h>
#include <string.h>

#include "hf-consent.h"
#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-fhir-r4.h"
#include "hf-import.h"
#include "hf-json-util.h"
#include "hf-label.h"
#include "hf-policy.h"
#include "hf-recipient.h"
#include "hf-share-fact-private.h"
#include "hf-records.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASS "correct horse battery staple"
#define OSEI "Dr. Osei"
#define TODAY "2026-06-01"
#define CARLA "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json"
#define LUIGI "synthea/Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json"
#define CLEMENTE "synthea/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json"

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
  g_autoptr(HfRecipient) r = NULL;

  hf_test_dir_setup (&f->td, data);
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
        const char *first,
        ...)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (paths, g_path_is_absolute (p) ? g_strdup (p) : data_path (p));
  va_end (args);
  g_ptr_array_add (paths, NULL);
  hf_vault_import_files (f->vault, (const char * const *) paths->pdata, NULL, NULL, NULL,
                         &result, &error);
  g_assert_no_error (error);
}

/* A copy of the example at PART with EDIT applied to it, written to the test's folder. */
static char *
edited (Fixture    *f,
        const char *part,
        const char *name,
        void      (*edit) (JsonObject *r, gconstpointer data),
        gconstpointer data)
{
  g_autofree char *path = data_path (part);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  edit (json_node_get_object (json_parser_get_root (parser)), data);
  text = json_to_string (json_parser_get_root (parser), TRUE);
  return hf_test_write_file (&f->td, name, text);
}

static gint64
row_by_code (Fixture    *f,
             const char *type,
             const char *code)
{
  sqlite3_stmt *stmt = NULL;
  gint64 row = 0;

  sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                      "SELECT id FROM resource WHERE resource_type = ?1 AND code = ?2 AND "
                      "superseded_by IS NULL ORDER BY id LIMIT 1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    row = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (row, >, 0);
  return row;
}

static gint64
row_of (Fixture    *f,
        const char *type,
        const char *id)
{
  sqlite3_stmt *stmt = NULL;
  gint64 row = 0;

  sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                      "SELECT id FROM resource WHERE resource_type = ?1 AND fhir_id = ?2 AND "
                      "superseded_by IS NULL ORDER BY id LIMIT 1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    row = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (row, >, 0);
  return row;
}

typedef struct
{
  const char *allow;         /* comma-separated */
  const char *permit;
  const char *include;
  const char *exclude;
  const char *from;
  const char *to;
  const char *valid_from;
  const char *expires;
} Terms;

static char **
list (const char *text)
{
  return text != NULL ? g_strsplit (text, ",", -1) : g_new0 (char *, 1);
}

static void
set_consent (Fixture     *f,
             const Terms *t)
{
  g_auto(HfConsentTerms) terms = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(HfConsent) c = NULL;
  const char *treat[] = { "TREAT", NULL };

  terms.categories = list (t->allow);
  terms.permit_labels = list (t->permit);
  terms.include = list (t->include);
  terms.exclude = list (t->exclude);
  terms.purposes = g_strdupv ((char **) treat);
  terms.data_from = g_strdup (t->from);
  terms.data_to = g_strdup (t->to);
  terms.valid_from = g_strdup (t->valid_from != NULL ? t->valid_from : "2020-01-01");
  terms.expires = g_strdup (t->expires);
  c = hf_consent_set (f->vault, OSEI, &terms, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
}

/* The share, listing every withheld record; the preview that reads only what the consent may
 * share (indexed reads) must come to the same share, and count the same withheld records. */
static HfShare *
share_on (Fixture       *f,
          const char    *today,
          HfPolicyFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfShare) fast = hf_share_compute (f->vault, OSEI, today, NULL,
                                              flags & ~HF_POLICY_EVERY_RECORD, &error);
  HfShare *share;

  g_assert_no_error (error);
  share = hf_share_compute (f->vault, OSEI, today, NULL, flags | HF_POLICY_EVERY_RECORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (share);
  g_assert_cmpuint (share->unread->len, ==, 0);
  g_assert_cmpuint (fast->shared->len, ==, share->shared->len);
  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *a = g_ptr_array_index (fast->shared, i), *b = g_ptr_array_index (share->shared, i);
      g_assert_cmpint (a->record, ==, b->record);
      g_assert_cmpstr (a->full_url, ==, b->full_url);
      g_assert_cmpint (a->redacted, ==, b->redacted);
      g_assert_true (g_strv_equal ((const char * const *) a->labels,
                                   (const char * const *) b->labels));
      if (flags & HF_POLICY_EXPORT)
        g_assert_cmpstr (a->json->str, ==, b->json->str);
    }
  g_assert_cmpuint (hf_share_n_withheld (fast), ==, share->withheld->len);
  g_assert_cmpint (fast->in_force, ==, share->in_force);
  g_assert_cmpint (fast->none_reason, ==, share->none_reason);
  return share;
}

static HfShared *
find_shared (HfShare    *share,
             const char *type,
             const char *id)
{
  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);
      if (g_str_equal (s->type, type) && g_str_equal (s->fhir_id, id))
        return s;
    }
  return NULL;
}

static HfWithheld *
find_withheld (HfShare    *share,
               const char *type,
               const char *id)
{
  for (guint i = 0; i < share->withheld->len; i++)
    {
      HfWithheld *w = g_ptr_array_index (share->withheld, i);
      if (g_str_equal (w->type, type) && g_str_equal (w->fhir_id, id))
        return w;
    }
  return NULL;
}

static JsonObject *
parse_object (JsonNode  **keep,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  *keep = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_node_get_object (*keep);
}

/* Every "reference" value in TEXT. */
static GPtrArray *
references_in (const char *text)
{
  g_autoptr(GRegex) re = g_regex_new ("\"reference\":\"([^\"]*)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  GPtrArray *refs = g_ptr_array_new_with_free_func (g_free);

  for (g_regex_match (re, text, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
    g_ptr_array_add (refs, g_match_info_fetch (m, 1));
  return refs;
}

/* {{{ references to withheld records */

static void
add_focus_on_condition (JsonObject    *r,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) focus = json_from_string ("[{\"reference\":\"Condition/f201\"}]", NULL);

  json_object_set_member (r, "focus", g_steal_pointer (&focus));
}

/* Roel's fever (Condition f201), labelled mental health by hand, is referenced by his
 * Encounter f203 (diagnosis) and by a temperature Observation that has it as its focus. */
static void
test_withheld_condition (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *observation = edited (f, "r4-examples/observation-example-f202-temperature.json",
                                         "observation-f202-focus.json", add_focus_on_condition,
                                         NULL);
  g_autoptr(HfShare) share = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) enc_node = NULL;
  g_autoptr(JsonNode) obs_node = NULL;
  HfShared *enc, *obs;
  HfWithheld *cond;
  JsonObject *o;

  import (f, "policy/patient-example-f201-roel.json",
          "r4-examples/condition-example-f201-fever.json",
          "policy/encounter-example-f203-20130311.json", "policy/practitioner-example-f201-ab.json",
          observation, NULL);
  g_assert_true (hf_label_add (f->vault, row_of (f, "Condition", "f201"), "PSY", &error));
  g_assert_no_error (error);
  set_consent (f, &(Terms) { .allow = "encounters,problems,vitals" });
  share = share_on (f, TODAY, HF_POLICY_EXPORT);

  cond = find_withheld (share, "Condition", "f201");
  g_assert_nonnull (cond);
  g_assert_cmpint (cond->reason, ==, HF_WITHHELD_LABEL);
  g_assert_true (g_str_has_suffix (cond->why, "(PSY)"));

  /* Encounter.diagnosis.condition is 1..1 in R4: each diagnosis whose condition is withheld
   * (or, Condition/stroke, not in the vault) goes as a whole; diagnosis is 0..*, so the
   * Encounter itself is shared, without it. */
  g_assert_true (hf_fhir_r4_element_required ("Encounter_Diagnosis", "condition"));
  g_assert_false (hf_fhir_r4_element_required ("Encounter", "diagnosis"));
  enc = find_shared (share, "Encounter", "f203");
  g_assert_nonnull (enc);
  g_assert_true (enc->redacted);
  o = parse_object (&enc_node, enc->json->str);
  g_assert_false (json_object_has_member (o, "diagnosis"));
  g_assert_true (json_object_has_member (o, "participant"));
  g_assert_null (strstr (enc->json->str, "Condition"));

  /* Observation.focus is 0..*: the reference goes, the Observation is shared. */
  g_assert_false (hf_fhir_r4_element_required ("Observation", "focus"));
  obs = find_shared (share, "Observation", "f202");
  g_assert_nonnull (obs);
  g_assert_true (obs->redacted);
  o = parse_object (&obs_node, obs->json->str);
  g_assert_false (json_object_has_member (o, "focus"));

  /* What they still refer to is in the share, by its urn:uuid. */
  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);
      g_autoptr(GPtrArray) refs = references_in (s->json->str);
      for (guint k = 0; k < refs->len; k++)
        {
          gboolean found = FALSE;
          for (guint j = 0; j < share->shared->len && !found; j++)
            found = g_str_equal (((HfShared *) g_ptr_array_index (share->shared, j))->full_url,
                                 g_ptr_array_index (refs, k));
          g_assert_true (found);
        }
    }
  g_assert_nonnull (find_shared (share, "Practitioner", "f201"));
  g_assert_nonnull (find_shared (share, "Patient", "f201"));
}

/* A Medication is shared with the MedicationRequest that needs it, and only then; a withheld
 * Medication withholds the request, since R4 requires medication[x]. */
static void
test_medication (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  HfWithheld *w;

  import (f, "r4-examples/patient-example-a.json", "r4-examples/medicationrequestexample2.json",
          "policy/medicationexample0316.json", "policy/practitioner-example-f007-sh.json", NULL);

  {
    set_consent (f, &(Terms) { .allow = "medications" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_EXPORT);
    HfShared *mr = find_shared (share, "MedicationRequest", "medrx002");
    HfShared *med = find_shared (share, "Medication", "med0316");

    g_assert_nonnull (mr);
    g_assert_nonnull (med);
    g_assert_nonnull (find_shared (share, "Practitioner", "f007"));
    g_assert_nonnull (strstr (mr->json->str, med->full_url));
    /* Its Encounter/f001 is not in the vault: gone, as an optional element. */
    g_assert_null (strstr (mr->json->str, "\"encounter\""));
    g_assert_cmpuint (share->shared->len, ==, 4);
  }
  {
    set_consent (f, &(Terms) { .allow = "allergies" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_PREVIEW);

    g_assert_null (find_shared (share, "Medication", "med0316"));
    w = find_withheld (share, "Medication", "med0316");
    g_assert_cmpint (w->reason, ==, HF_WITHHELD_NOT_NEEDED);
    g_assert_cmpint (find_withheld (share, "MedicationRequest", "medrx002")->reason, ==,
                     HF_WITHHELD_CATEGORY);
  }
  {
    set_consent (f, &(Terms) { .allow = "medications",
                                                         .exclude = "MedicationRequest/medrx002" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_PREVIEW);

    g_assert_cmpint (find_withheld (share, "MedicationRequest", "medrx002")->reason, ==,
                     HF_WITHHELD_EXCLUDED);
    g_assert_null (find_shared (share, "Medication", "med0316"));
  }
  {
    set_consent (f, &(Terms) { .allow = "medications" });
    g_autoptr(HfShare) share = NULL;

    g_assert_true (hf_label_add (f->vault, row_of (f, "Medication", "med0316"), "HIV", &error));
    g_assert_no_error (error);
    share = share_on (f, TODAY, HF_POLICY_PREVIEW);
    g_assert_true (hf_fhir_r4_element_required ("MedicationRequest", "medicationReference"));
    g_assert_cmpint (find_withheld (share, "Medication", "med0316")->reason, ==,
                     HF_WITHHELD_LABEL);
    w = find_withheld (share, "MedicationRequest", "medrx002");
    g_assert_cmpint (w->reason, ==, HF_WITHHELD_NEEDS_WITHHELD);
    g_assert_cmpstr (w->why, ==, "needs a withheld record: Medication/med0316");
    /* Nothing of the patient's is shared but the patient. */
    g_assert_cmpuint (share->shared->len, ==, 1);
  }
}

/* }}} */
/* {{{ dates */

static void
set_effective (JsonObject    *r,
               gconstpointer  data)
{
  const char * const *what = data;   /* id, dateTime */

  json_object_set_string_member (r, "id", what[0]);
  json_object_set_string_member (r, "effectiveDateTime", what[1]);
}

/* A day is the record's own, as written: 00:30 in UTC+2 on 1 January is in a range from
 * 1 January although it is 31 December in UTC; 23:30 in UTC−5 on 31 December is out although
 * it is 1 January in UTC. */
static void
test_date_time_zones (Fixture       *f,
                      gconstpointer  data)
{
  const char *east[] = { "east", "2019-01-01T00:30:00+02:00" };
  const char *west[] = { "west", "2018-12-31T23:30:00-05:00" };
  g_autofree char *e = edited (f, "r4-examples/observation-example-f202-temperature.json",
                               "east.json", set_effective, east);
  g_autofree char *w = edited (f, "r4-examples/observation-example-f202-temperature.json",
                               "west.json", set_effective, west);

  import (f, "policy/patient-example-f201-roel.json", e, w, NULL);
  {
    set_consent (f, &(Terms) { .allow = "vitals", .from = "2019-01-01" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_PREVIEW);
    HfWithheld *out = find_withheld (share, "Observation", "west");

    g_assert_nonnull (find_shared (share, "Observation", "east"));
    g_assert_nonnull (out);
    g_assert_cmpint (out->reason, ==, HF_WITHHELD_DATE);
    g_assert_cmpstr (out->why, ==, "dated 2018-12-31, before 2019-01-01");
  }
  {
    set_consent (f, &(Terms) { .allow = "vitals", .to = "2018-12-31" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_PREVIEW);

    g_assert_nonnull (find_shared (share, "Observation", "west"));
    g_assert_cmpint (find_withheld (share, "Observation", "east")->reason, ==, HF_WITHHELD_DATE);
  }
  {
    /* The answer does not depend on the machine's time zone. */
    set_consent (f, &(Terms) { .allow = "vitals", .from = "2019-01-01",
                                                         .to = "2019-01-01" });
    g_autoptr(HfShare) share = NULL;

    g_setenv ("TZ", "Pacific/Kiritimati", TRUE);   /* UTC+14 */
    share = share_on (f, TODAY, HF_POLICY_PREVIEW);
    g_setenv ("TZ", "UTC", TRUE);
    g_assert_nonnull (find_shared (share, "Observation", "east"));
    g_assert_nonnull (find_withheld (share, "Observation", "west"));
  }
}

/* }}} */
/* {{{ consents in force or not */

static void
assert_nothing (HfShare          *share,
                HfWithheldReason  reason,
                guint             n_records)
{
  g_assert_false (share->in_force);
  g_assert_cmpuint (share->shared->len, ==, 0);
  g_assert_cmpuint (share->withheld->len, ==, n_records);
  g_assert_cmpint (share->none_reason, ==, reason);
  for (guint i = 0; i < share->withheld->len; i++)
    g_assert_cmpint (((HfWithheld *) g_ptr_array_index (share->withheld, i))->reason, ==, reason);
}

static void
test_consent_validity (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  import (f, LUIGI, NULL);
  {
    HfRecordFilter all = { .all = TRUE };
    hf_record_store_count (f->vault, &all, &n, &error);
    g_assert_no_error (error);
  }
  {
    g_autoptr(HfShare) none = share_on (f, TODAY, HF_POLICY_PREVIEW);
    assert_nothing (none, HF_WITHHELD_NO_CONSENT, n);
  }
  {
    set_consent (f, &(Terms) { .allow = "immunizations",
                                                         .valid_from = "2026-01-01",
                                                         .expires = "2026-03-31" });
    g_autoptr(HfShare) on_last_day = share_on (f, "2026-03-31", HF_POLICY_PREVIEW);
    g_autoptr(HfShare) after = share_on (f, "2026-04-01", HF_POLICY_PREVIEW);
    g_autoptr(HfShare) before = share_on (f, "2025-12-31", HF_POLICY_PREVIEW);

    g_assert_true (on_last_day->in_force);
    g_assert_cmpuint (on_last_day->shared->len, ==, 12 + 1);   /* Luigi's 12 vaccinations */
    assert_nothing (after, HF_WITHHELD_EXPIRED, n);
    assert_nothing (before, HF_WITHHELD_NOT_YET_VALID, n);
  }
  {
    g_autoptr(HfConsent) revoked = hf_consent_revoke (f->vault, OSEI, &error);
    g_autoptr(HfShare) share = NULL;

    g_assert_no_error (error);
    g_assert_true (revoked->revoked);
    share = share_on (f, "2026-03-01", HF_POLICY_PREVIEW);
    assert_nothing (share, HF_WITHHELD_REVOKED, n);
  }
}

/* }}} */
/* {{{ labels */

static void
add_security (JsonObject    *r,
              gconstpointer  data)
{
  const char * const *what = data;   /* id, system, code */
  g_autofree char *text = g_strdup_printf ("{\"security\":[{\"system\":\"%s\",\"code\":\"%s\"}]}",
                                           what[1], what[2]);

  json_object_set_string_member (r, "id", what[0]);
  json_object_set_member (r, "meta", json_from_string (text, NULL));
  /* Not the same record as the example's other copy (which a shared identifier would make it). */
  json_object_remove_member (r, "identifier");
}

/* (R4's creatinine example has no category: it is "other".) A label from
 * the source's meta.security withholds a record until the consent permits it;
 * one from the patient too; removing one by hand (here one the rule table gave) shares it. */
static void
test_labels (Fixture       *f,
             gconstpointer  data)
{
  const char *hiv[] = { "hiv", HF_LABEL_SYSTEM_ACTCODE, "HIV" };
  const char *r[] = { "restricted", HF_LABEL_SYSTEM_CONFIDENTIALITY, "R" };
  g_autofree char *a = edited (f, "r4-examples/observation-example-f203-bicarbonate.json",
                               "hiv.json", add_security, hiv);
  g_autofree char *b = edited (f, "r4-examples/observation-example-f203-bicarbonate.json",
                               "restricted.json", add_security, r);
  g_autoptr(GError) error = NULL;
  gint64 temperature;

  import (f, "policy/patient-example-f201-roel.json", a, b,
          "r4-examples/observation-example-f202-temperature.json",
          "r4-examples/observation-example-f204-creatinine.json", NULL);
  temperature = row_of (f, "Observation", "f202");
  g_assert_true (hf_label_add (f->vault, temperature, "PSY", &error));
  g_assert_no_error (error);
  {
    set_consent (f, &(Terms) { .allow = "lab-results,other,vitals" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_EXPORT);
    HfWithheld *w = find_withheld (share, "Observation", "hiv");

    g_assert_cmpint (w->reason, ==, HF_WITHHELD_LABEL);
    g_assert_true (g_str_has_suffix (w->why, "(HIV)"));
    w = find_withheld (share, "Observation", "restricted");
    g_assert_cmpint (w->reason, ==, HF_WITHHELD_LABEL);
    g_assert_cmpstr (w->why, ==, "labelled restricted (R)");
    g_assert_cmpint (find_withheld (share, "Observation", "f202")->reason, ==, HF_WITHHELD_LABEL);
    g_assert_nonnull (find_shared (share, "Observation", "f204"));
    g_assert_cmpstr (share->confidentiality, ==, "N");
  }
  {
    set_consent (f, &(Terms) { .allow = "lab-results,other,vitals",
                                                         .permit = "HIV,PSY,R" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_EXPORT);
    HfShared *s = find_shared (share, "Observation", "hiv");
    g_autoptr(JsonNode) node = NULL;
    JsonArray *security;

    g_assert_nonnull (s);
    g_assert_nonnull (find_shared (share, "Observation", "restricted"));
    g_assert_nonnull (find_shared (share, "Observation", "f202"));
    /* Its labels are in meta.security: the sensitivity code, then one confidentiality. */
    security = hf_json_array (hf_json_object (parse_object (&node, s->json->str), "meta"),
                              "security");
    g_assert_cmpuint (json_array_get_length (security), ==, 2);
    g_assert_cmpstr (hf_json_string (json_array_get_object_element (security, 0), "code"), ==,
                     "HIV");
    g_assert_cmpstr (hf_json_string (json_array_get_object_element (security, 1), "system"), ==,
                     HF_LABEL_SYSTEM_CONFIDENTIALITY);
    g_assert_cmpstr (hf_json_string (json_array_get_object_element (security, 1), "code"), ==,
                     "R");
    g_assert_cmpstr (share->confidentiality, ==, "R");
  }
  /* A manual removal wins. */
  g_assert_true (hf_label_remove (f->vault, temperature, "PSY", &error));
  g_assert_no_error (error);
  {
    set_consent (f, &(Terms) { .allow = "lab-results,other,vitals" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_PREVIEW);
    g_assert_nonnull (find_shared (share, "Observation", "f202"));
  }
}

/* The rule table labels Tressa Bergstrom's drug overdose; removing that label by hand shares
 * it. */
static void
test_table_label_removed (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  gint64 overdose;

  import (f, "labels/tressa-bergstrom-sud.json", NULL);
  overdose = row_by_code (f, "Condition", "55680006");   /* SNOMED CT: drug overdose */
  labels = hf_label_list (f->vault, overdose, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (labels->len, >=, 2);
  {
    set_consent (f, &(Terms) { .allow = "problems" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_PREVIEW);
    HfWithheld *w = NULL;

    for (guint i = 0; i < share->withheld->len; i++)
      if (((HfWithheld *) g_ptr_array_index (share->withheld, i))->record == overdose)
        w = g_ptr_array_index (share->withheld, i);
    g_assert_nonnull (w);
    g_assert_cmpint (w->reason, ==, HF_WITHHELD_LABEL);
  }
  for (guint i = 0; i < labels->len; i++)
    {
      HfLabel *l = g_ptr_array_index (labels, i);
      if (l->origin == HF_LABEL_FROM_TABLE && hf_label_is_known (l->code))
        {
          g_assert_true (hf_label_remove (f->vault, overdose, l->code, &error));
          g_assert_no_error (error);
        }
    }
  {
    set_consent (f, &(Terms) { .allow = "problems" });
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_PREVIEW);
    gboolean shared = FALSE;

    for (guint i = 0; i < share->shared->len; i++)
      shared |= ((HfShared *) g_ptr_array_index (share->shared, i))->record == overdose;
    g_assert_true (shared);
  }
}

/* }}} */
/* {{{ included and excluded */

#define HAY_FEVER_ID "312c7442-4dfc-4f80-a23a-6286ab659f96"
#define HPV_SHOT_ID  "fc050db6-e58a-471e-becf-45bbd94f68ee"
#define HAY_FEVER    "Condition/" HAY_FEVER_ID
#define HPV_SHOT     "Immunization/" HPV_SHOT_ID

/* Carla's hay fever (a problem, not permitted) included; one HPV shot (an immunization,
 * permitted) excluded: exactly those two change. */
static void
test_include_exclude (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HfShare) plain = NULL;
  g_autoptr(HfShare) share = NULL;
  HfWithheld *w;

  import (f, CARLA, NULL);
  {
    set_consent (f, &(Terms) { .allow = "immunizations" });
    plain = share_on (f, TODAY, HF_POLICY_PREVIEW);
  }
  {
    set_consent (f, &(Terms) { .allow = "immunizations",
                                                         .include = HAY_FEVER,
                                                         .exclude = HPV_SHOT });
    share = share_on (f, TODAY, HF_POLICY_PREVIEW);
  }
  g_assert_cmpuint (plain->shared->len, ==, 15 + 1);
  g_assert_cmpint (find_withheld (plain, "Condition", HAY_FEVER_ID)->reason, ==,
                   HF_WITHHELD_CATEGORY);
  g_assert_nonnull (find_shared (plain, "Immunization", HPV_SHOT_ID));

  g_assert_cmpuint (share->shared->len, ==, plain->shared->len);
  g_assert_nonnull (find_shared (share, "Condition", HAY_FEVER_ID));
  w = find_withheld (share, "Immunization", HPV_SHOT_ID);
  g_assert_nonnull (w);
  g_assert_cmpint (w->reason, ==, HF_WITHHELD_EXCLUDED);
  /* The other Conditions stay out, the other immunizations in. */
  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);
      g_assert_true (g_str_equal (s->category, "immunizations") ||
                     g_str_equal (s->type, "Patient") || g_str_equal (s->fhir_id, HAY_FEVER_ID));
    }
}

/* }}} */
/* {{{ Synthea: counted apart from the policy */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Every "reference" string anywhere in NODE. */
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
          JsonNode *v = json_object_get_member (o, l->data);
          if (g_str_equal (l->data, "reference") && JSON_NODE_HOLDS_VALUE (v) &&
              json_node_get_value_type (v) == G_TYPE_STRING)
            g_ptr_array_add (out, g_strdup (json_node_get_string (v)));
          else
            collect_references (v, out);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        collect_references (json_array_get_element (a, i), out);
    }
}

/* What a consent for the clinical TYPES should share of the Synthea Bundle at PART, from the
 * Bundle alone: its entries of those types, its Patient, and the people and places they refer
 * to (and those refer to), by fullUrl. "Type/id" strings, sorted. */
static GPtrArray *
expected_from_fixture (const char         *part,
                       const char * const *types)
{
  static const char * const people_and_places[] = {
    "Patient", "Practitioner", "PractitionerRole", "Organization", "Location", NULL
  };
  g_autofree char *path = data_path (part);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) by_url = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  JsonArray *entries;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  entries = hf_json_array (json_node_get_object (json_parser_get_root (parser)), "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      JsonObject *r = hf_json_object (e, "resource");
      const char *type = hf_json_string (r, "resourceType");
      g_hash_table_insert (by_url, (gpointer) hf_json_string (e, "fullUrl"), r);
      if (g_strv_contains (types, type) || g_str_equal (type, "Patient"))
        g_ptr_array_add (queue, r);
    }
  for (guint q = 0; q < queue->len; q++)
    {
      JsonObject *r = g_ptr_array_index (queue, q);
      g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), r);
      char *key = g_strdup_printf ("%s/%s", hf_json_string (r, "resourceType"),
                                   hf_json_string (r, "id"));

      if (!g_hash_table_add (taken, key))
        continue;
      g_ptr_array_add (out, g_strdup (key));
      collect_references (node, refs);
      for (guint k = 0; k < refs->len; k++)
        {
          JsonObject *target = g_hash_table_lookup (by_url, g_ptr_array_index (refs, k));
          if (target != NULL &&
              g_strv_contains (people_and_places, hf_json_string (target, "resourceType")))
            g_ptr_array_add (queue, target);
        }
    }
  g_ptr_array_sort (out, compare_strings);
  return out;
}

static void
synthea_case (const char         *part,
              const char         *allow,
              const char * const *types,
              guint               at_least_support)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) expected = expected_from_fixture (part, types);
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HfShare) share = NULL;
  guint support = 0;

  setup (&f, NULL);
  import (&f, part, NULL);
  {
    set_consent (&f, &(Terms) { .allow = allow });
    share = share_on (&f, TODAY, HF_POLICY_EXPORT);
  }
  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);
      g_ptr_array_add (got, g_strdup_printf ("%s/%s", s->type, s->fhir_id));
      support += g_str_equal (s->category, "directory");
    }
  g_ptr_array_sort (got, compare_strings);
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (expected, i));
  g_assert_cmpuint (support, >=, at_least_support);
  g_assert_cmpuint (share->shared->len + share->withheld->len, >, got->len);
  teardown (&f, NULL);
}

static void
test_synthea (void)
{
  const char * const imm_allergies[] = { "Immunization", "AllergyIntolerance", NULL };
  const char * const visits_meds[] = { "Encounter", "MedicationRequest", NULL };
  const char * const patients[] = { CARLA, LUIGI, CLEMENTE };

  /* Synthea's immunizations and allergies refer to the Patient and to visits only. */
  for (guint i = 0; i < G_N_ELEMENTS (patients); i++)
    synthea_case (patients[i], "immunizations,allergies", imm_allergies, 1);
  /* Visits and prescriptions bring their practitioners and organizations. */
  synthea_case (CARLA, "encounters,medications", visits_meds, 1 + 2 + 2);
}

/* }}} */
/* {{{ UUIDs, determinism */

/* RFC 9562, Appendix A.4: the UUIDv5 of "www.example.com" in the DNS namespace. */
static void
test_uuid_v5 (void)
{
  g_autofree char *uuid = hf_uuid_v5 ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com",
                                      -1);

  g_assert_cmpstr (uuid, ==, "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

static char *
share_text (HfShare *share)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *x = g_ptr_array_index (share->shared, i);
      g_string_append_printf (s, "%s %s\n", x->full_url, x->json->str);
    }
  for (guint i = 0; i < share->withheld->len; i++)
    {
      HfWithheld *x = g_ptr_array_index (share->withheld, i);
      g_string_append_printf (s, "%s/%s %s\n", x->type, x->fhir_id, x->why);
    }
  return g_string_free (s, FALSE);
}

/* The same vault and consent give the same share, byte for byte, also after the same files
 * are imported again. */
static void
test_deterministic (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  import (f, CARLA, NULL);
  set_consent (f, &(Terms) { .allow = "encounters,medications,problems,lab-results" });
  {
    g_autoptr(HfShare) a = share_on (f, TODAY, HF_POLICY_EXPORT);
    g_autoptr(HfShare) b = share_on (f, TODAY, HF_POLICY_EXPORT);
    first = share_text (a);
    second = share_text (b);
  }
  g_assert_cmpstr (first, ==, second);
  import (f, CARLA, NULL);
  {
    g_autoptr(HfShare) a = share_on (f, TODAY, HF_POLICY_EXPORT);
    third = share_text (a);
  }
  g_assert_cmpstr (first, ==, third);
}

/* Every current record has its share_fact, shown exactly when the record is: after an import,
 * a copy linked across sources, a newer version, and the upgrade that makes them for a vault
 * that had none (schema 9). */
static void
assert_facts_complete (Fixture *f)
{
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM share_fact"), ==,
                   hf_test_count_sql (f->vault, "SELECT count(*) FROM resource WHERE superseded_by IS NULL "
                                 "AND deleted_at IS NULL"));
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM share_fact WHERE shown"), ==,
                   hf_test_count_sql (f->vault, "SELECT count(*) FROM resource WHERE superseded_by IS NULL "
                                 "AND deleted_at IS NULL AND linked_to IS NULL"));
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM share_fact f JOIN resource r ON r.id = "
                                 "f.id WHERE f.category = r.category AND f.title = r.title AND "
                                 "f.effective = r.effective AND f.fhir_id = r.fhir_id AND "
                                 "f.shown = (r.linked_to IS NULL)"), ==,
                   hf_test_count_sql (f->vault, "SELECT count(*) FROM share_fact"));
}

static void
test_facts_follow_rows (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *clinic = hf_test_write_file (&f->td, "clinic.json",
    "{\"resourceType\":\"Immunization\",\"id\":\"clinic-9\",\"identifier\":[{\"system\":"
    "\"urn:oid:1.2.36.146.595.217.0.1\",\"value\":\"IMM-42\"}],\"status\":\"completed\","
    "\"vaccineCode\":{\"text\":\"Influenza\"},\"occurrenceDateTime\":\"2022-10-01\"}");
  g_autofree char *hospital = hf_test_write_file (&f->td, "hospital.ndjson",
    "{\"resourceType\":\"Immunization\",\"id\":\"H-77\",\"identifier\":[{\"system\":"
    "\"urn:oid:1.2.36.146.595.217.0.1\",\"value\":\"IMM-42\"}],\"status\":\"completed\","
    "\"vaccineCode\":{\"text\":\"Influenza\"},\"occurrenceDateTime\":\"2022-10-01\"}\n"
    "{\"resourceType\":\"Immunization\",\"id\":\"H-78\",\"status\":\"completed\","
    "\"vaccineCode\":{\"text\":\"Tetanus\"},\"occurrenceDateTime\":\"2022-11-01\"}\n");
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  import (f, CARLA, NULL);
  assert_facts_complete (f);
  import (f, clinic, hospital, NULL);
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM resource WHERE linked_to IS NOT NULL"),
                   >, 0);
  assert_facts_complete (f);
  /* A newer version of the clinic's record, from the same file name. */
  g_free (hf_test_write_file (&f->td, "clinic.json",
    "{\"resourceType\":\"Immunization\",\"id\":\"clinic-9\",\"identifier\":[{\"system\":"
    "\"urn:oid:1.2.36.146.595.217.0.1\",\"value\":\"IMM-42\"}],\"status\":\"completed\","
    "\"vaccineCode\":{\"text\":\"Influenza vaccine\"},\"occurrenceDateTime\":\"2022-10-01\"}"));
  import (f, clinic, NULL);
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM resource WHERE superseded_by IS NOT NULL"),
                   >, 0);
  assert_facts_complete (f);

  set_consent (f, &(Terms) { .allow = "immunizations,encounters,problems" });
  {
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_EXPORT);
    g_assert_nonnull (find_shared (share, "Immunization", "H-78"));
    before = share_text (share);
  }

  /* The vault as schema 8 left it: no facts, nor what later steps add. Opening it makes them. */
  g_assert_true (_hf_db_exec (_hf_vault_get_db (f->vault),
                              "DROP TRIGGER share_fact_gone; DROP TRIGGER share_fact_old; "
                              "DROP TRIGGER share_fact_linked; DROP TRIGGER share_fact_summary; "
                              "DROP TABLE shl_source; DROP TABLE shl_link; DROP TABLE shc_crl; "
                              "DROP TABLE shc_card; DROP TABLE shc_secret; "
                              "DROP TABLE share_fact; DROP TABLE trust_crl; "
                              "DROP TABLE trust_directory; DROP TABLE import_signature; "
                              "DROP TABLE trust_issuer; DROP TABLE issuer; "
                              "DROP TABLE signing_key; PRAGMA user_version = 8", NULL));
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  f->vault = hf_vault_open (f->td.vault, NULL, pass, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hf_test_count_sql (f->vault, "PRAGMA user_version"), ==, _hf_vault_schema_version ());
  assert_facts_complete (f);
  {
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_EXPORT);
    after = share_text (share);
  }
  g_assert_cmpstr (before, ==, after);

  /* A fact lost (as by a bug) is not a record lost: the preview reads that category's rows. */
  g_assert_true (_hf_db_exec (_hf_vault_get_db (f->vault),
                              "DELETE FROM share_fact WHERE id = (SELECT max (id) FROM "
                              "share_fact WHERE category = 'immunizations')", NULL));
  {
    g_autoptr(HfShare) share = share_on (f, TODAY, HF_POLICY_EXPORT);
    g_autofree char *missing = share_text (share);
    g_assert_cmpstr (before, ==, missing);
  }
}

/* {{{ skeletons */

typedef struct
{
  GPtrArray *texts;   /* char*: each example's file, whole */
  GArray    *whole;   /* HfPolicyRecord: JSON only */
  GArray    *both;    /* … JSON and skeleton */
  GArray    *bare;    /* … skeleton only, the JSON through json_for */
  GPtrArray *keep;    /* what the records borrow */
} Examples;

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static const char *
example_json_for (gpointer              data,
                  const HfPolicyRecord *record,
                  gsize                *length)
{
  Examples *e = data;
  const HfPolicyRecord *whole = &g_array_index (e->whole, HfPolicyRecord, record->id - 1);

  g_assert_cmpint (whole->id, ==, record->id);
  *length = whole->json_len;
  return whole->json;
}

static void
assert_same_share (const HfShare *a,
                   const HfShare *b,
                   gboolean       export)
{
  g_assert_cmpuint (a->shared->len, ==, b->shared->len);
  g_assert_cmpuint (a->withheld->len, ==, b->withheld->len);
  for (guint i = 0; i < a->shared->len; i++)
    {
      HfShared *x = g_ptr_array_index (a->shared, i), *y = g_ptr_array_index (b->shared, i);
      g_assert_cmpint (x->record, ==, y->record);
      g_assert_cmpint (x->redacted, ==, y->redacted);
      if (export)
        g_assert_cmpstr (x->json->str, ==, y->json->str);
    }
  for (guint i = 0; i < a->withheld->len; i++)
    {
      HfWithheld *x = g_ptr_array_index (a->withheld, i), *y = g_ptr_array_index (b->withheld, i);
      g_assert_cmpint (x->record, ==, y->record);
      g_assert_cmpint (x->reason, ==, y->reason);
      g_assert_cmpstr (x->why, ==, y->why);
    }
}

/* The policy decides on a record's skeleton (share_fact) as it would on its whole JSON: on
 * every example of the R4 specification we have (pretty-printed, contained resources, nested
 * backbone elements, references of every form), each category shared alone and all of them,
 * with and without a date range, the same share and the same exported resources. */
static void
test_skeleton_decides_the_same (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("HF_TEST_DATA"), "r4-examples", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char * const *categories = hf_consent_categories ();
  Examples e = {
    g_ptr_array_new_with_free_func (g_free),
    g_array_new (FALSE, TRUE, sizeof (HfPolicyRecord)),
    g_array_new (FALSE, TRUE, sizeof (HfPolicyRecord)),
    g_array_new (FALSE, TRUE, sizeof (HfPolicyRecord)),
    g_ptr_array_new_with_free_func (g_free),
  };
  const char *name;
  guint cases = 0, dropped = 0, redacted = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 300);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      HfFhirSummary sum = { 0 };
      HfPolicyRecord r = { 0 };
      JsonObject *o;
      char *text;
      gsize len;

      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      g_ptr_array_add (e.texts, text);
      g_assert_true (json_parser_load_from_data (parser, text, len, NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      if (hf_json_string (o, "id") == NULL)
        continue;
      hf_fhir_summarize (o, NULL, NULL, &sum);
      r.id = e.whole->len + 1;
      g_ptr_array_add (e.keep, (char *) (r.type = g_strdup (hf_json_string (o, "resourceType"))));
      g_ptr_array_add (e.keep, (char *) (r.fhir_id = g_strdup (hf_json_string (o, "id"))));
      r.source_key = "examples";
      r.category = sum.category;
      g_ptr_array_add (e.keep, (char *) (r.effective = g_strdup (sum.effective != NULL
                                                                 ? sum.effective : "")));
      g_ptr_array_add (e.keep, (char *) (r.title = g_strdup (sum.title)));
      r.json = text;
      r.json_len = len;
      g_array_append_val (e.whole, r);
      g_ptr_array_add (e.keep, (char *) (r.skeleton = _hf_share_skeleton (text, len,
                                                                          &r.skeleton_len)));
      g_assert_cmpuint (r.skeleton_len, ==, strlen (r.skeleton));
      {
        g_autoptr(JsonNode) parsed = json_from_string (r.skeleton, NULL);
        g_assert_true (parsed != NULL && JSON_NODE_HOLDS_OBJECT (parsed));
      }
      g_array_append_val (e.both, r);
      r.json = NULL;
      r.json_len = 0;
      g_array_append_val (e.bare, r);
      hf_fhir_summary_clear (&sum);
    }

  /* Each category alone, then (c == n) all of them. */
  for (guint c = 0, n = g_strv_length ((char **) categories); c <= n; c++)
    for (int ranged = 0; ranged < 2; ranged++)
      {
        HfConsent consent = { 0 };
        const char *one[] = { c < n ? categories[c] : NULL, NULL };
        const char *treat[] = { "TREAT", NULL };
        HfPolicyInput input = { &consent, OSEI, TODAY, NULL, NULL, HF_POLICY_PREVIEW, NULL,
                                NULL };

        consent.version = 1;
        consent.recipient = (char *) OSEI;
        consent.terms.categories = c < n ? (char **) one : (char **) categories;
        consent.terms.purposes = (char **) treat;
        consent.terms.permit_labels = (char **) hf_consent_labels ();
        consent.terms.valid_from = (char *) "2000-01-01";
        if (ranged)
          {
            consent.terms.data_from = (char *) "2012-01-01";
            consent.terms.data_to = (char *) "2014-12-31";
          }
        for (int export = 0; export < 2; export++)
          {
            g_autoptr(HfShare) whole = NULL;
            g_autoptr(HfShare) both = NULL;
            g_autoptr(HfShare) bare = NULL;

            input.flags = export ? HF_POLICY_EXPORT : HF_POLICY_PREVIEW;
            input.json_for = NULL;
            whole = hf_policy_evaluate (&input, (HfPolicyRecord *) (void *) e.whole->data,
                                        e.whole->len);
            both = hf_policy_evaluate (&input, (HfPolicyRecord *) (void *) e.both->data,
                                       e.both->len);
            assert_same_share (whole, both, export);
            if (!ranged)
              {
                /* Without a range no date needs the JSON: the skeleton alone decides. */
                input.json_for = example_json_for;
                input.json_for_data = &e;
                bare = hf_policy_evaluate (&input, (HfPolicyRecord *) (void *) e.bare->data,
                                           e.bare->len);
                assert_same_share (whole, bare, export);
              }
            for (guint i = 0; i < whole->withheld->len; i++)
              dropped += ((HfWithheld *) g_ptr_array_index (whole->withheld, i))->reason ==
                         HF_WITHHELD_NEEDS_WITHHELD;
            for (guint i = 0; i < whole->shared->len; i++)
              redacted += ((HfShared *) g_ptr_array_index (whole->shared, i))->redacted;
            cases++;
          }
      }
  /* The cases tell: records withheld for a broken reference, and records shared without some. */
  g_test_message ("%u cases over %u records: %u withheld for a reference, %u redacted", cases,
                  e.whole->len, dropped, redacted);
  g_assert_cmpuint (dropped, >, 0);
  g_assert_cmpuint (redacted, >, 0);

  g_ptr_array_unref (e.texts);
  g_array_unref (e.whole);
  g_array_unref (e.both);
  g_array_unref (e.bare);
  g_ptr_array_unref (e.keep);
}

/* The skeleton of what it keeps and leaves, by hand. */
static void
test_skeleton_shape (void)
{
  static const struct { const char *json, *skeleton; } cases[] = {
    { "{\"resourceType\":\"Patient\",\"id\":\"p\"}", "{}" },
    { " { \"subject\" : { \"reference\" : \"Patient/p\" , \"display\":\"P\"} } ",
      "{\"subject\":{\"reference\":\"Patient/p\"}}" },
    /* Items without one are 0 (they count as kept), and a contained reference is not one. */
    { "{\"performer\":[{\"display\":\"x\"},{\"reference\":\"Practitioner/a\"},\"s\",[1]],"
      "\"focus\":[{\"reference\":\"#c1\"}]}",
      "{\"performer\":[0,{\"reference\":\"Practitioner/a\"},0,0]}" },
    /* The root's meta goes; contained resources keep their type, and go without a reference. */
    { "{\"meta\":{\"source\":{\"reference\":\"Device/d\"}},\"contained\":["
      "{\"resourceType\":\"Organization\",\"id\":\"o\"},"
      "{\"resourceType\":\"Practitioner\",\"id\":\"x\",\"extension\":[{\"url\":\"u\","
      "\"valueReference\":{\"reference\":\"Organization/o2\"}}]}]}",
      "{\"contained\":[{\"resourceType\":\"Practitioner\",\"extension\":[{"
      "\"valueReference\":{\"reference\":\"Organization/o2\"}}]}]}" },
    /* Escapes stay as they were written. */
    { "{\"a\":{\"reference\":\"Patient/\\u0070\\\"q\"},\"b\":\"}\"}",
      "{\"a\":{\"reference\":\"Patient/\\u0070\\\"q\"}}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = 0;
      g_autofree char *skeleton = _hf_share_skeleton (cases[i].json, strlen (cases[i].json),
                                                      &len);
      g_assert_cmpstr (skeleton, ==, cases[i].skeleton);
      g_assert_cmpuint (len, ==, strlen (skeleton));
    }
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add ("/hf/policy/withheld-condition", Fixture, NULL, setup, test_withheld_condition,
              teardown);
  g_test_add ("/hf/policy/medication", Fixture, NULL, setup, test_medication, teardown);
  g_test_add ("/hf/policy/date-time-zones", Fixture, NULL, setup, test_date_time_zones,
              teardown);
  g_test_add ("/hf/policy/consent-validity", Fixture, NULL, setup, test_consent_validity,
              teardown);
  g_test_add ("/hf/policy/labels", Fixture, NULL, setup, test_labels, teardown);
  g_test_add ("/hf/policy/table-label-removed", Fixture, NULL, setup, test_table_label_removed,
              teardown);
  g_test_add ("/hf/policy/include-exclude", Fixture, NULL, setup, test_include_exclude,
              teardown);
  g_test_add_func ("/hf/policy/synthea", test_synthea);
  g_test_add_func ("/hf/policy/uuid-v5", test_uuid_v5);
  g_test_add_func ("/hf/policy/skeleton-shape", test_skeleton_shape);
  g_test_add_func ("/hf/policy/skeleton-decides-the-same", test_skeleton_decides_the_same);
  g_test_add ("/hf/policy/deterministic", Fixture, NULL, setup, test_deterministic, teardown);
  g_test_add ("/hf/policy/facts-follow-rows", Fixture, NULL, setup, test_facts_follow_rows,
              teardown);
  return g_test_run ();
}
