/* test-shc-make.c — SMART Health Cards and Links made from a share
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card is checked on what it holds (the framework's minification rules, the payload, the
 * header), verified with the vault's own JWKS through hf-jose, and its QR code read back by
 * ZBar's zbarimg. A link is written into a folder, served by a plain static file server on
 * loopback and fetched back with hf-http, decrypted with the link's key: the shared Bundle.
 */

#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "hf-consent.h"
#include "hf-deflate.h"
#include "hf-disclosure.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-import.h"
#include "hf-jose.h"
#include "hf-json-util.h"
#include "hf-jwk.h"
#include "hf-recipient.h"
#include "hf-shc-make.h"
#include "hf-shl-make.h"
#include "hf-signing.h"
#include "hf-static-server.h"
#include "hf-trust.h"
#include "hf-test-util.h"

#define PASS "correct horse battery staple"
#define OSEI "Dr. Osei"
#define TODAY "2026-06-01"
#define NOW (G_GINT64_CONSTANT (1796133720) * G_USEC_PER_SEC)   /* 2026-12-01T14:02:00Z */
#define ISSUER "https://carla.example/phr"
#define CARLA "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json"

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
  char      *pass_file;
} Fixture;

/* {{{ fixture */

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  if (dir == NULL)
    g_error ("HF_TEST_DATA is not set; run the tests through meson test");
  return g_build_filename (dir, part, NULL);
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->td.dir, name, NULL);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfConsent) consent = NULL;
  g_auto(HfConsentTerms) terms = { 0 };
  g_autofree char *carla = data_path (CARLA);
  const char *paths[] = { carla, NULL };
  const char *treat[] = { "TREAT", NULL };

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, "Carla", pass, &code, &error);
  g_assert_no_error (error);
  hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
  r = hf_recipient_add (f->vault, OSEI, HF_RECIPIENT_CLINICIAN, "osei@clinic.example", NULL,
                        &error);
  g_assert_no_error (error);
  terms.categories = g_strsplit ("immunizations,allergies", ",", -1);
  terms.permit_labels = g_new0 (char *, 1);
  terms.include = g_new0 (char *, 1);
  terms.exclude = g_new0 (char *, 1);
  terms.purposes = g_strdupv ((char **) treat);
  terms.valid_from = g_strdup ("2020-01-01");
  consent = hf_consent_set (f->vault, OSEI, &terms, &error);
  g_assert_no_error (error);
  hf_issuer_set (f->vault, ISSUER, &error);
  g_assert_no_error (error);
}

/* A vault of the framework's example 00 (a Patient and three immunizations): small enough for
 * one QR code. */
static void
setup_small (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfConsent) consent = NULL;
  g_auto(HfConsentTerms) terms = { 0 };
  g_autofree char *example = data_path ("shc/example-00-a-fhirBundle.json");
  const char *paths[] = { example, NULL };
  const char *treat[] = { "TREAT", NULL };

  hf_test_dir_setup (&f->td, data);
  f->pass_file = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
  f->vault = hf_vault_create (f->td.vault, "John", pass, &code, &error);
  g_assert_no_error (error);
  hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
  r = hf_recipient_add (f->vault, OSEI, HF_RECIPIENT_CLINICIAN, NULL, NULL, &error);
  g_assert_no_error (error);
  terms.categories = g_strsplit ("immunizations", ",", -1);
  terms.permit_labels = g_new0 (char *, 1);
  terms.include = g_new0 (char *, 1);
  terms.exclude = g_new0 (char *, 1);
  terms.purposes = g_strdupv ((char **) treat);
  terms.valid_from = g_strdup ("2020-01-01");
  consent = hf_consent_set (f->vault, OSEI, &terms, &error);
  g_assert_no_error (error);
  hf_issuer_set (f->vault, ISSUER, &error);
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

static JsonNode *
parse_json (const char *text,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_parser_load_from_data (parser, text, length, &error);
  g_assert_no_error (error);
  if (json_parser_get_root (parser) == NULL)
    g_error ("no JSON");
  return json_node_copy (json_parser_get_root (parser));
}

/* The JWS in a .smart-health-card file. */
static char *
card_jws (const char *path)
{
  g_autoptr(GBytes) bytes = hf_test_read (path);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *vcs;
  gsize length;
  const char *text = g_bytes_get_data (bytes, &length);

  root = parse_json (text, (gssize) length);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  vcs = hf_json_array (json_node_get_object (root), "verifiableCredential");
  g_assert_true (vcs != NULL);
  g_assert_cmpuint (json_array_get_length (vcs), ==, 1);
  return g_strdup (json_array_get_string_element (vcs, 0));
}

/* The card's payload, inflated, with its JWS checked against the vault's own JWKS. */
static JsonNode *
verified_payload (Fixture    *f,
                  const char *jws)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJws) parsed = NULL;
  g_autoptr(JsonNode) jwks = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autoptr(GBytes) inflated = NULL;
  JsonArray *keys;
  JsonObject *header;
  GBytes *payload;
  gboolean over = FALSE;
  gconstpointer data;
  gsize length;

  parsed = hf_jws_parse (jws, strlen (jws), &error);
  g_assert_no_error (error);
  g_assert_true (parsed != NULL);
  header = hf_jws_get_header (parsed);
  g_assert_cmpstr (hf_json_string (header, "zip"), ==, "DEF");
  g_assert_cmpstr (hf_jws_get_alg (parsed), ==, "ES256");

  jwks = hf_signing_jwks (f->vault, &error);
  g_assert_no_error (error);
  g_assert_true (jwks != NULL);
  keys = hf_json_array (json_node_get_object (jwks), "keys");
  g_assert_true (keys != NULL);
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *jwk = json_array_get_object_element (keys, i);

      if (g_strcmp0 (hf_json_string (jwk, "kid"), hf_jws_get_kid (parsed)) == 0)
        {
          g_autofree char *thumbprint = NULL;

          key = hf_jose_key_new_from_jwk (jwk, &error);
          g_assert_no_error (error);
          g_assert_true (key != NULL);
          thumbprint = hf_jose_key_dup_thumbprint (key);
          g_assert_cmpstr (thumbprint, ==, hf_jws_get_kid (parsed));
        }
    }
  g_assert_true (key != NULL);
  g_assert_true (hf_jws_verify_es256 (parsed, key, &error));
  g_assert_no_error (error);

  payload = hf_jws_get_payload (parsed);
  data = g_bytes_get_data (payload, &length);
  inflated = hf_inflate_raw (data, length, HF_INFLATE_DEFAULT_MAX, &over, &error);
  g_assert_no_error (error);
  g_assert_true (inflated != NULL);
  data = g_bytes_get_data (inflated, &length);
  return parse_json (data, (gssize) length);
}

/* Every rule of the framework's minification, on the Bundle as it is in the card. */
static void
assert_minified_value (JsonNode   *node,
                       const char *key,
                       GHashTable *names)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (o);

      if (json_object_has_member (o, "coding"))
        g_assert_false (json_object_has_member (o, "text"));
      if (g_strcmp0 (key, "coding") == 0)
        g_assert_false (json_object_has_member (o, "display"));
      if (json_object_has_member (o, "reference"))
        g_assert_true (g_hash_table_contains (names, hf_json_string (o, "reference")));
      g_assert_cmpuint (json_object_get_size (o), >, 0);
      for (GList *l = members; l != NULL; l = l->next)
        assert_minified_value (json_object_get_member (o, l->data), l->data, names);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      g_assert_cmpuint (json_array_get_length (a), >, 0);
      for (guint i = 0; i < json_array_get_length (a); i++)
        assert_minified_value (json_array_get_element (a, i), key, names);
    }
}

static guint
assert_minified (JsonObject *bundle)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *entries = hf_json_array (bundle, "entry");

  g_assert_cmpstr (hf_json_string (bundle, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (hf_json_string (bundle, "type"), ==, "collection");
  g_assert_false (json_object_has_member (bundle, "id"));
  g_assert_true (entries != NULL);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      g_autofree char *name = g_strdup_printf ("resource:%u", i);

      g_assert_cmpstr (hf_json_string (entry, "fullUrl"), ==, name);
      g_hash_table_add (names, g_steal_pointer (&name));
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *resource = hf_json_object (entry, "resource");
      JsonObject *meta;

      g_assert_true (resource != NULL);
      g_assert_false (json_object_has_member (resource, "id"));
      g_assert_false (json_object_has_member (resource, "text"));
      if ((meta = hf_json_object (resource, "meta")) != NULL)
        {
          g_assert_cmpuint (json_object_get_size (meta), ==, 1);
          g_assert_true (json_object_has_member (meta, "security"));
        }
      assert_minified_value (json_object_get_member (entry, "resource"), NULL, names);
    }
  return json_array_get_length (entries);
}

/* Runs zbarimg on PNG: what it reads, or NULL when it finds no code. */
static char *
zbarimg (const char *png)
{
  g_autofree char *program = g_find_program_in_path ("zbarimg");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { program, "--raw", "-q", png, NULL };
  int status;

  if (program == NULL)
    g_error ("zbarimg is not installed (zbar-tools); run build-aux/dev deps once");
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_strdup (g_strchomp (out));
}

/* }}} */
/* {{{ cards */

static void
test_minify_rules (void)
{
  g_autoptr(JsonNode) input = parse_json (
    "{\"resourceType\":\"Bundle\",\"id\":\"b\",\"meta\":{\"lastUpdated\":\"2026-01-01\"},"
    "\"type\":\"collection\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:p\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\","
    "\"meta\":{\"versionId\":\"3\",\"security\":[{\"code\":\"N\"}]},"
    "\"text\":{\"status\":\"generated\",\"div\":\"<div/>\"},\"name\":[{\"text\":\"Carla E\"}]}},"
    "{\"fullUrl\":\"urn:uuid:i\",\"resource\":{\"resourceType\":\"Immunization\",\"id\":\"i1\","
    "\"meta\":{\"lastUpdated\":\"2026-01-01\"},\"vaccineCode\":{\"text\":\"Flu\",\"coding\":"
    "[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"140\",\"display\":\"Flu\"}]},"
    "\"patient\":{\"reference\":\"Patient/p1\"},\"performer\":[{\"actor\":"
    "{\"reference\":\"Practitioner/gone\"}}],\"location\":{\"reference\":\"urn:uuid:nowhere\","
    "\"display\":\"Clinic\"},\"doseQuantity\":{\"value\":0.1},\"note\":[{\"text\":\"kept\"}]}}]}",
    -1);
  g_autoptr(JsonNode) out = NULL;
  g_autofree char *text = NULL;
  guint dropped = 0;

  out = hf_shc_minify_bundle (json_node_get_object (input), &dropped);
  text = hf_shc_json_compact (out);
  g_assert_cmpstr (text, ==,
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"fullUrl\":\"resource:0\",\"resource\":{\"resourceType\":\"Patient\","
    "\"name\":[{\"text\":\"Carla E\"}],\"meta\":{\"security\":[{\"code\":\"N\"}]}}},"
    "{\"fullUrl\":\"resource:1\",\"resource\":{\"resourceType\":\"Immunization\","
    "\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"140\"}]},"
    "\"patient\":{\"reference\":\"resource:0\"},\"location\":{\"display\":\"Clinic\"},"
    "\"doseQuantity\":{\"value\":0.1},\"note\":[{\"text\":\"kept\"}]}}]}");
  /* Practitioner/gone and urn:uuid:nowhere are not in the Bundle: dropped, and the performer
   * left empty by it goes too. */
  g_assert_cmpuint (dropped, ==, 2);
}

static void
test_card_made (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfDisclosure) again = NULL;
  g_autoptr(HfShcMadeCard) card = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *output = path_in (f, "carla.smart-health-card");
  g_autofree char *jws = NULL;
  JsonObject *p, *vc, *subject;
  JsonArray *types;
  gint64 nbf = 0;

  d = hf_shc_export (f->vault, OSEI, TODAY, NOW, NULL, output, NULL, FALSE, &card, &error);
  g_assert_no_error (error);
  g_assert_true (d != NULL && card != NULL);
  g_assert_cmpstr (d->format, ==, "shc");
  g_assert_null (card->rid);
  again = hf_disclosure_get (f->vault, d->id, &error);
  g_assert_no_error (error);
  g_assert_true (again != NULL);
  g_assert_cmpstr (again->format, ==, "shc");

  jws = card_jws (output);
  g_assert_cmpuint (strlen (jws), ==, card->jws_length);
  payload = verified_payload (f, jws);
  p = json_node_get_object (payload);
  g_assert_cmpstr (hf_json_string (p, "iss"), ==, ISSUER);
  nbf = json_object_get_int_member (p, "nbf");
  g_assert_cmpint (nbf, ==, NOW / G_USEC_PER_SEC);
  vc = hf_json_object (p, "vc");
  g_assert_true (vc != NULL);
  g_assert_false (json_object_has_member (vc, "rid"));
  types = hf_json_array (vc, "type");
  g_assert_true (types != NULL);
  g_assert_cmpstr (json_array_get_string_element (types, 0), ==, HF_SHC_TYPE_HEALTH_CARD);
  subject = hf_json_object (vc, "credentialSubject");
  g_assert_true (subject != NULL);
  g_assert_cmpstr (hf_json_string (subject, "fhirVersion"), ==, "4.0.1");
  g_assert_true (hf_json_object (subject, "fhirBundle") != NULL);
  /* The shared records are all there, minified, and still FHIR R4. */
  g_assert_cmpuint (assert_minified (hf_json_object (subject, "fhirBundle")), ==, d->n_items);
  {
    g_autofree char *text = hf_shc_json_compact (json_object_get_member (subject, "fhirBundle"));

    hf_test_assert_valid_fhir (text);
  }
}

static void
test_card_qr (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfShcMadeCard) card = NULL;
  g_autofree char *output = path_in (f, "john.smart-health-card");
  g_autofree char *png = path_in (f, "john.png");
  g_autofree char *jws = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *read = NULL;

  d = hf_shc_export (f->vault, OSEI, TODAY, NOW, NULL, output, png, TRUE, &card, &error);
  g_assert_no_error (error);
  g_assert_true (d != NULL && card != NULL);
  g_test_message ("a card of %u records: a JWS of %" G_GSIZE_FORMAT " characters", d->n_items,
                  card->jws_length);
  g_assert_true (card->qr);
  jws = card_jws (output);
  expected = hf_shc_qr_text (jws, &error);
  g_assert_no_error (error);
  read = zbarimg (png);
  g_assert_cmpstr (read, ==, expected);
}

static void
test_card_too_big (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *output = path_in (f, "all.smart-health-card");
  g_autofree char *png = path_in (f, "all.png");
  g_autofree char *not_a_qr = path_in (f, "not-a-qr.png");
  g_autofree char *big = g_strnfill (HF_SHC_MAX_QR_JWS + 1, 'a');

  before = hf_disclosure_list (f->vault, NULL, 0, &error);
  g_assert_no_error (error);
  d = hf_shc_export (f->vault, OSEI, TODAY, NOW, NULL, output, png, FALSE, NULL, &error);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_null (d);
  g_assert_nonnull (strstr (error->message, "too big for one QR code"));
  g_assert_nonnull (strstr (error->message, "without --qr"));
  g_assert_nonnull (strstr (error->message, "narrower consent"));
  g_assert_nonnull (strstr (error->message, "SMART Health Link"));
  /* Nothing written, nothing recorded. */
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  after = hf_disclosure_list (f->vault, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);

  /* The same refusal for any JWS too long, checked before any QR code is tried. */
  g_assert_false (hf_shc_write_qr (big, not_a_qr, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Without --qr the file holds any size. */
  d = hf_shc_export (f->vault, OSEI, TODAY, NOW, NULL, output, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (output, G_FILE_TEST_EXISTS));
}

static void
test_card_revoked (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfDisclosure) plain = NULL;
  g_autoptr(HfShcMadeCard) card = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(JsonNode) crl = NULL;
  g_autoptr(JsonNode) jwks = NULL;
  g_autoptr(GBytes) crl_bytes = NULL;
  g_autofree char *output = path_in (f, "rid.smart-health-card");
  g_autofree char *plain_output = path_in (f, "plain.smart-health-card");
  g_autofree char *crl_dir = path_in (f, "crl");
  g_autofree char *crl_name = NULL;
  g_autofree char *crl_path = NULL;
  g_autofree char *jws = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *rid = NULL;
  g_autofree char *number = NULL;
  g_autofree char *plain_number = NULL;
  JsonObject *c, *current;
  JsonArray *rids;
  const char *text;
  gsize length;

  d = hf_shc_export (f->vault, OSEI, TODAY, NOW, NULL, output, NULL, TRUE, &card, &error);
  g_assert_no_error (error);
  g_assert_true (d != NULL && card != NULL && card->rid != NULL);
  /* 64 bits in base64url. */
  g_assert_cmpuint (strlen (card->rid), ==, 11);
  jws = card_jws (output);
  payload = verified_payload (f, jws);
  g_assert_cmpstr (hf_json_string (hf_json_object (json_node_get_object (payload), "vc"), "rid"),
                   ==, card->rid);

  /* Nothing is revoked yet: no list, no crlVersion. */
  crl = hf_shc_crl (f->vault, card->kid, &error);
  g_assert_no_error (error);
  g_assert_null (crl);

  number = g_strdup_printf ("%" G_GINT64_FORMAT, d->id);
  g_assert_true (hf_shc_revoke_card (f->vault, number, crl_dir, NOW, &kid, &rid, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kid, ==, card->kid);
  g_assert_cmpstr (rid, ==, card->rid);

  crl_name = g_strconcat (kid, ".json", NULL);
  crl_path = g_build_filename (crl_dir, crl_name, NULL);
  crl_bytes = hf_test_read (crl_path);
  text = g_bytes_get_data (crl_bytes, &length);
  crl = parse_json (text, (gssize) length);
  c = json_node_get_object (crl);
  g_assert_cmpstr (hf_json_string (c, "kid"), ==, kid);
  g_assert_cmpstr (hf_json_string (c, "method"), ==, "rid");
  g_assert_cmpint (json_object_get_int_member (c, "ctr"), ==, 1);
  rids = hf_json_array (c, "rids");
  g_assert_true (rids != NULL);
  g_assert_cmpuint (json_array_get_length (rids), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (rids, 0), ==, card->rid);

  jwks = hf_signing_jwks (f->vault, &error);
  g_assert_no_error (error);
  g_assert_true (jwks != NULL);
  current = json_array_get_object_element (hf_json_array (json_node_get_object (jwks), "keys"),
                                           0);
  g_assert_cmpstr (hf_json_string (current, "kid"), ==, kid);
  g_assert_cmpint (json_object_get_int_member (current, "crlVersion"), ==, 1);

  /* Revoking it again, by its rid, changes nothing. */
  g_assert_true (hf_shc_revoke_card (f->vault, card->rid, NULL, NOW, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT ctr FROM shc_crl"), ==, 1);

  /* A card made without --rid cannot be revoked; one never made is not found. */
  plain = hf_shc_export (f->vault, OSEI, TODAY, NOW, NULL, plain_output, NULL, FALSE, NULL,
                         &error);
  g_assert_no_error (error);
  plain_number = g_strdup_printf ("%" G_GINT64_FORMAT, plain->id);
  g_assert_false (hf_shc_revoke_card (f->vault, plain_number, NULL, NOW, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "without --rid"));
  g_clear_error (&error);
  g_assert_false (hf_shc_revoke_card (f->vault, "AAAAAAAAAAA", NULL, NOW, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
}

/* }}} */
/* {{{ links */

typedef struct
{
  JsonNode   *root;
  JsonObject *o;
} Payload;

static void
payload_clear (Payload *p)
{
  g_clear_pointer (&p->root, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Payload, payload_clear)

static void
payload_parse (Payload    *p,
               const char *uri)
{
  g_autofree guint8 *json = NULL;
  gsize length = 0;

  g_assert_true (g_str_has_prefix (uri, "shlink:/"));
  json = hf_base64url_decode (uri + strlen ("shlink:/"), -1, &length);
  g_assert_true (json != NULL);
  p->root = parse_json ((const char *) json, (gssize) length);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (p->root));
  p->o = json_node_get_object (p->root);
}

/* GET URL: its status, and its body in BODY (if not NULL). */
static long
get (const char  *url,
     GBytes     **body)
{
  g_autoptr(HfHttp) http = NULL;
  g_autoptr(HfHttpRequest) request = hf_http_request_new (url);
  g_autoptr(GError) error = NULL;

  http = hf_http_new (NULL, &error);
  g_assert_no_error (error);
  hf_http_fetch (http, request, NULL, &error);
  g_assert_no_error (error);
  if (body != NULL)
    *body = g_bytes_new (request->response->data, request->response->len);
  return request->status;
}

/* The file's JWE decrypted with the link's key (base64url KEY). */
static GBytes *
decrypt (GBytes     *jwe,
         const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJwe) parsed = NULL;
  g_autoptr(HfSecret) secret = NULL;
  g_autofree guint8 *raw = NULL;
  gsize length = 0;
  const char *text = g_bytes_get_data (jwe, &length);
  GBytes *plain;

  parsed = hf_jwe_parse (text, length, &error);
  g_assert_no_error (error);
  g_assert_true (parsed != NULL);
  g_assert_cmpstr (hf_jwe_get_alg (parsed), ==, "dir");
  g_assert_cmpstr (hf_jwe_get_cty (parsed), ==, "application/fhir+json");
  g_assert_false (json_object_has_member (hf_jwe_get_header (parsed), "zip"));
  raw = hf_base64url_decode (key, -1, &length);
  g_assert_true (raw != NULL);
  g_assert_cmpuint (length, ==, 32);
  secret = hf_secret_new_from_data (raw, length);
  plain = hf_jwe_decrypt_dir (parsed, secret, HF_INFLATE_DEFAULT_MAX, &error);
  g_assert_no_error (error);
  g_assert_true (plain != NULL);
  return plain;
}

/* What the "fhir" format writes at NOW: the Bundle a link must give back. */
static GBytes *
shared_bundle (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autofree char *path = path_in (f, "shared.json");

  d = hf_disclosure_export_fhir (f->vault, OSEI, TODAY, NOW, NULL, path, NULL, &error);
  g_assert_no_error (error);
  return hf_test_read (path);
}

static void
test_link_static (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfShlMadeLink) link = NULL;
  g_autoptr(HfShlMadeLink) revoked = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(HfStaticServer) server = NULL;
  g_autoptr(GBytes) manifest_bytes = NULL;
  g_autoptr(GBytes) jwe = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_auto(Payload) p = { 0 };
  g_autofree char *dir = path_in (f, "site");
  g_autofree char *png = path_in (f, "link.png");
  g_autofree char *read = NULL;
  g_autofree char *base = NULL;
  HfShlOptions o = { 0 };
  JsonArray *files;
  JsonObject *file;
  const char *location;
  const char *text;
  gsize length;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  server = hf_static_server_new (dir);
  base = g_strdup_printf ("%s/", hf_static_server_get_origin (server));
  o.dir = dir;
  o.base_url = base;
  o.label = "Carla's allergies and immunizations for Dr. Osei";
  o.expires = NOW / G_USEC_PER_SEC + 30 * 24 * 3600;
  o.qr = png;
  d = hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, &link, &error);
  g_assert_no_error (error);
  g_assert_true (d != NULL && link != NULL);
  g_assert_cmpstr (d->format, ==, "shl");

  /* The payload's rules. */
  payload_parse (&p, link->uri);
  g_assert_cmpuint (strlen (hf_json_string (p.o, "key")), ==, 43);
  g_assert_cmpuint (strlen (hf_json_string (p.o, "url")), <=, HF_SHL_MAX_URL);
  g_assert_true (g_str_has_prefix (hf_json_string (p.o, "url"),
                                   hf_static_server_get_origin (server)));
  g_assert_false (json_object_has_member (p.o, "flag"));
  g_assert_cmpstr (hf_json_string (p.o, "label"), ==, o.label);
  g_assert_cmpint (json_object_get_int_member (p.o, "exp"), ==, o.expires);
  /* The QR code reads back as the link. */
  read = zbarimg (png);
  g_assert_cmpstr (read, ==, link->uri);

  /* Manifest, then its file, as any static host serves them. */
  g_assert_cmpint (get (hf_json_string (p.o, "url"), &manifest_bytes), ==, 200);
  text = g_bytes_get_data (manifest_bytes, &length);
  manifest = parse_json (text, (gssize) length);
  files = hf_json_array (json_node_get_object (manifest), "files");
  g_assert_true (files != NULL);
  g_assert_cmpuint (json_array_get_length (files), ==, 1);
  file = json_array_get_object_element (files, 0);
  g_assert_cmpstr (hf_json_string (file, "contentType"), ==, "application/fhir+json");
  g_assert_false (json_object_has_member (file, "embedded"));
  location = hf_json_string (file, "location");
  g_assert_true (location != NULL);
  /* 256 random bits in each name: 43 base64url characters. */
  g_assert_cmpuint (strlen (strrchr (location, '/') + 1), ==, 43);
  g_assert_cmpuint (strlen (strrchr (hf_json_string (p.o, "url"), '/') + 1), ==, 43);
  g_assert_cmpint (get (location, &jwe), ==, 200);
  plain = decrypt (jwe, hf_json_string (p.o, "key"));
  expected = shared_bundle (f);
  g_assert_true (g_bytes_equal (plain, expected));
  g_assert_cmpuint (hf_static_server_get_refused (server), ==, 0);

  links = hf_shl_list (f->vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpstr (((HfShlMadeLink *) links->pdata[0])->label, ==, o.label);
  g_assert_cmpint (((HfShlMadeLink *) links->pdata[0])->revoked_at, ==, 0);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* Revoked: the files are gone from the folder, and the host answers 404. */
  g_assert_true (hf_shl_revoke (f->vault, link->id, NOW + 1, &revoked, &error));
  g_assert_no_error (error);
  g_assert_cmpint (get (hf_json_string (p.o, "url"), NULL), ==, 404);
  g_assert_cmpint (get (location, NULL), ==, 404);
  links = hf_shl_list (f->vault, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((HfShlMadeLink *) links->pdata[0])->revoked_at, ==, NOW + 1);
  g_assert_false (hf_shl_revoke (f->vault, link->id, NOW + 2, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (hf_shl_revoke (f->vault, 99, NOW + 2, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
}

static void
test_link_single_file (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfShlMadeLink) link = NULL;
  g_autoptr(HfStaticServer) server = NULL;
  g_autoptr(GBytes) jwe = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_auto(Payload) p = { 0 };
  g_autofree char *dir = path_in (f, "site");
  g_autofree char *url = NULL;
  HfShlOptions o = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  server = hf_static_server_new (dir);
  o.dir = dir;
  o.base_url = hf_static_server_get_origin (server);
  o.single_file = TRUE;
  d = hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, &link, &error);
  g_assert_no_error (error);
  g_assert_true (d != NULL && link != NULL);
  payload_parse (&p, link->uri);
  g_assert_cmpstr (hf_json_string (p.o, "flag"), ==, "U");
  g_assert_false (json_object_has_member (p.o, "label"));
  g_assert_false (json_object_has_member (p.o, "exp"));
  g_assert_cmpuint (g_strv_length (link->files), ==, 1);
  url = g_strdup_printf ("%s?recipient=Dr.%%20Osei", hf_json_string (p.o, "url"));
  g_assert_cmpint (get (url, &jwe), ==, 200);
  plain = decrypt (jwe, hf_json_string (p.o, "key"));
  expected = shared_bundle (f);
  g_assert_true (g_bytes_equal (plain, expected));
}

static void
test_link_refused (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *dir = path_in (f, "site");
  g_autofree char *label = g_strnfill (HF_SHL_MAX_LABEL + 1, 'x');
  g_autofree char *long_base = g_strdup_printf ("https://carla.example/%s", label);
  HfShlOptions o = { 0 };

  before = hf_disclosure_list (f->vault, NULL, 0, &error);
  g_assert_no_error (error);
  o.dir = dir;

  /* A label of 81 characters. */
  o.base_url = "https://carla.example/s";
  o.label = label;
  g_assert_null (hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "at most 80"));
  g_clear_error (&error);
  o.label = NULL;

  /* A url over 128 characters. */
  o.base_url = long_base;
  g_assert_null (hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "at most 128"));
  g_clear_error (&error);

  /* Plain http to another host, and a query. */
  o.base_url = "http://carla.example/s";
  g_assert_null (hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  o.base_url = "https://carla.example/s?x=1";
  g_assert_null (hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* An expiry in the past. */
  o.base_url = "https://carla.example/s";
  o.expires = NOW / G_USEC_PER_SEC - 1;
  g_assert_null (hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* None of them wrote or recorded anything. */
  after = hf_disclosure_list (f->vault, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

static void
test_link_fresh_encryption (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfSecret) key = hf_secret_new_random (32);
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(HfShlMadeLink) a = NULL;
  g_autoptr(HfShlMadeLink) b = NULL;
  g_autoptr(HfDisclosure) da = NULL;
  g_autoptr(HfDisclosure) db = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *dir = path_in (f, "site");
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autoptr(GBytes) file_a = NULL;
  g_autoptr(GBytes) file_b = NULL;
  HfShlOptions o = { 0 };
  const char *bundle = "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}";

  /* The same key and plaintext twice: a fresh IV each time. */
  json_object_set_string_member (extra, "cty", "application/fhir+json");
  first = hf_jwe_encrypt_dir (key, extra, (const guint8 *) bundle, strlen (bundle), &error);
  g_assert_no_error (error);
  second = hf_jwe_encrypt_dir (key, extra, (const guint8 *) bundle, strlen (bundle), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, !=, second);

  /* The same share linked twice: other names, other keys, other bytes. */
  o.dir = dir;
  o.base_url = "https://carla.example/s";
  da = hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, &a, &error);
  g_assert_no_error (error);
  db = hf_shl_export (f->vault, OSEI, TODAY, NOW, NULL, &o, &b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->url, !=, b->url);
  g_assert_cmpstr (a->uri, !=, b->uri);
  path_a = g_build_filename (dir, a->files[1], NULL);
  path_b = g_build_filename (dir, b->files[1], NULL);
  file_a = hf_test_read (path_a);
  file_b = hf_test_read (path_b);
  g_assert_false (g_bytes_equal (file_a, file_b));
  g_assert_cmpstr (da->output_sha256, !=, db->output_sha256);
}

/* }}} */
/* {{{ the command line */

static int
cli (Fixture     *f,
     char       **out,
     char       **err,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, "--passphrase-file");
  g_ptr_array_add (args, f->pass_file);
  va_start (ap, err);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, err, (const char * const *) args->pdata);
}

#define RUN(...) cli (f, &out, &err, __VA_ARGS__, NULL)
#define CLEAR() do { g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free); } while (0)

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(JsonNode) made = NULL;
  g_autoptr(JsonNode) link = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GBytes) jwks = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *card = path_in (f, "john.smart-health-card");
  g_autofree char *png = path_in (f, "john.png");
  g_autofree char *crl_dir = path_in (f, "crl");
  g_autofree char *jwks_path = path_in (f, "jwks.json");
  g_autofree char *site = path_in (f, "site");
  g_autofree char *jws = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *read = NULL;
  g_autofree char *rid = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *crl_name = NULL;
  g_autofree char *crl_path = NULL;
  g_autofree char *label = g_strnfill (HF_SHL_MAX_LABEL + 1, 'x');
  g_autoptr(GError) error = NULL;
  JsonObject *o;
  JsonArray *files;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  g_assert_cmpint (RUN ("--json", "export", OSEI, "--format", "shc", "--output", card, "--qr", png,
                        "--rid"), ==, 0);
  made = parse_json (out, -1);
  o = json_node_get_object (made);
  rid = g_strdup (hf_json_string (o, "rid"));
  kid = g_strdup (hf_json_string (o, "kid"));
  g_assert_true (rid != NULL && kid != NULL);
  g_assert_cmpstr (hf_json_string (o, "format"), ==, "shc");
  CLEAR ();
  jws = card_jws (card);
  expected = hf_shc_qr_text (jws, &error);
  g_assert_no_error (error);
  read = zbarimg (png);
  g_assert_cmpstr (read, ==, expected);

  g_assert_cmpint (RUN ("keys", "revoke-card", rid, "--crl-dir", crl_dir), ==, 0);
  g_assert_nonnull (strstr (out, "Revoked the card"));
  CLEAR ();
  crl_name = g_strconcat (kid, ".json", NULL);
  crl_path = g_build_filename (crl_dir, crl_name, NULL);
  g_assert_true (g_file_test (crl_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (RUN ("keys", "export-jwks", jwks_path), ==, 0);
  CLEAR ();
  jwks = hf_test_read (jwks_path);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (jwks, NULL), g_bytes_get_size (jwks),
                                  "\"crlVersion\" : 1"));
  g_assert_cmpint (RUN ("keys", "revoke-card", "nope"), !=, 0);
  CLEAR ();

  g_assert_cmpint (RUN ("--json", "export", OSEI, "--format", "shl", "--dir", site,
                        "--base-url", "https://john.example/s", "--label", "For Dr. Osei",
                        "--expires", "2027-01-31"), ==, 0);
  g_assert_nonnull (strstr (err, "anyone holding this link can read the records until the "
                                 "files are deleted from the host"));
  link = parse_json (out, -1);
  o = json_node_get_object (link);
  g_assert_true (g_str_has_prefix (hf_json_string (o, "link"), "shlink:/"));
  files = hf_json_array (o, "files");
  g_assert_true (files != NULL);
  g_assert_cmpuint (json_array_get_length (files), ==, 2);
  CLEAR ();
  g_assert_cmpint (RUN ("--json", "shl", "list"), ==, 0);
  list = parse_json (out, -1);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  g_assert_cmpstr (hf_json_string (json_array_get_object_element (json_node_get_array (list), 0),
                                   "label"), ==, "For Dr. Osei");
  CLEAR ();
  g_assert_cmpint (RUN ("shl", "revoke", "1"), ==, 0);
  CLEAR ();
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      g_autofree char *path = g_build_filename (site, json_array_get_string_element (files, i),
                                                NULL);

      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  g_assert_cmpint (RUN ("export", OSEI, "--format", "shl", "--dir", site, "--base-url",
                        "https://john.example/s", "--label", label), ==, 3);
  g_assert_nonnull (strstr (err, "at most 80"));
  CLEAR ();
}


/* A vault of its own at PATH (passphrase PASS) that trusts ISSUER's keys from JWKS_PATH. */
static void
receiving_vault (const char *path,
                 const char *jwks_path)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = hf_vault_create (path, "Osei's copy", pass, &code, &error);
  g_autoptr(GBytes) jwks = NULL;

  g_assert_no_error (error);
  if (jwks_path != NULL)
    {
      jwks = hf_test_read (jwks_path);
      hf_trust_add (vault, ISSUER, g_bytes_get_data (jwks, NULL), g_bytes_get_size (jwks), NULL,
                    NULL, &error);
      g_assert_no_error (error);
    }
  hf_vault_lock (vault);
}

static gint64
count_in (const char *path,
          const char *sql)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = hf_vault_open (path, NULL, pass, &error);
  gint64 n;

  g_assert_no_error (error);
  n = hf_test_count_sql (vault, sql);
  hf_vault_lock (vault);
  return n;
}

/* What one vault makes, another opens, through the command line: a card's QR code (read from
 * the PNG by ZBar) verified with the maker's published keys and imported; a link made for a
 * static web host, served by one on loopback, opened and imported; both with the records the
 * consent shares (example 00: a Patient and three immunizations). */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *card = path_in (f, "john.smart-health-card");
  g_autofree char *png = path_in (f, "john.png");
  g_autofree char *jwks_path = path_in (f, "jwks.json");
  g_autofree char *site = path_in (f, "site");
  g_autofree char *other = path_in (f, "osei.hfvault");
  g_autofree char *third = path_in (f, "third.hfvault");
  g_autofree char *fourth = path_in (f, "fourth.hfvault");
  g_autofree char *link_png = path_in (f, "link.png");
  g_autofree char *base = NULL;
  g_autoptr(HfStaticServer) server = NULL;
  g_autoptr(JsonNode) made = NULL;
  const char *shared_sql = "SELECT count(*) FROM resource WHERE superseded_by IS NULL";
  gint64 shared;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  g_assert_cmpint (RUN ("export", OSEI, "--format", "shc", "--output", card, "--qr", png), ==, 0);
  CLEAR ();
  g_assert_cmpint (RUN ("keys", "export-jwks", jwks_path), ==, 0);
  CLEAR ();
  shared = count_in (f->td.vault, shared_sql);
  g_assert_cmpint (shared, ==, 4);

  /* The card, from its QR image. */
  receiving_vault (other, jwks_path);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", other, "--passphrase-file", f->pass_file,
                                "verify", png, NULL), ==, 0);
  g_test_message ("verify: %s%s", out, err);
  CLEAR ();
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", other, "--passphrase-file", f->pass_file,
                                "import", png, NULL), ==, 0);
  CLEAR ();
  g_assert_cmpint (count_in (other, shared_sql), ==, shared);
  g_assert_cmpint (count_in (other, "SELECT count(*) FROM import_signature WHERE kind = 'shc' "
                                    "AND status = 'verified'"), ==, 1);

  /* The link, from a plain static web host (GET only: the manifest request is a POST). */
  g_assert_cmpint (g_mkdir_with_parents (site, 0700), ==, 0);
  server = hf_static_server_new (site);
  base = g_strdup_printf ("%s/", hf_static_server_get_origin (server));
  g_assert_cmpint (RUN ("--json", "export", OSEI, "--format", "shl", "--dir", site, "--base-url",
                        base, "--label", "John's immunizations"), ==, 0);
  made = parse_json (out, -1);
  CLEAR ();
  receiving_vault (third, NULL);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", third, "--passphrase-file", f->pass_file,
                                "import",
                                hf_json_string (json_node_get_object (made), "link"), NULL),
                   ==, 0);
  g_test_message ("import of the link: %s%s", out, err);
  g_assert_nonnull (strstr (err, "static web host"));
  CLEAR ();
  g_assert_cmpint (count_in (third, shared_sql), ==, shared);

  /* And a single-file ("U") link, imported from its QR code's PNG. */
  g_assert_cmpint (RUN ("export", OSEI, "--format", "shl", "--dir", site, "--base-url", base,
                        "--single-file", "--qr", link_png), ==, 0);
  CLEAR ();
  receiving_vault (fourth, NULL);
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", fourth, "--passphrase-file", f->pass_file,
                                "import", link_png, NULL), ==, 0);
  CLEAR ();
  g_assert_cmpint (count_in (fourth, shared_sql), ==, shared);
}


/* Runs ARGV (a NULL-ended program and its arguments); its standard output. */
static char *
run_tool (const char * const *argv)
{
  g_autofree char *program = g_find_program_in_path (argv[0]);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  if (program == NULL)
    g_error ("%s is not installed (poppler-utils); run build-aux/dev deps once", argv[0]);
  g_ptr_array_add (args, program);
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* export --format pdf through the command line: the summary with the QR code of a card made
 * with it (decoded from the rendered first page to exactly the card's shc:/ text), and the
 * wallet card with a link's: one page each, the shared records' names in the text, and both
 * recorded as disclosures beside the card and the link. */
static void
test_pdf_with_qr (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *pdf = path_in (f, "summary.pdf");
  g_autofree char *wallet = path_in (f, "wallet.pdf");
  g_autofree char *card = path_in (f, "with-summary.smart-health-card");
  g_autofree char *page = path_in (f, "page");
  g_autofree char *page_png = path_in (f, "page-1.png");
  g_autofree char *site = path_in (f, "site");
  g_autofree char *jws = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *info = NULL;
  g_autofree char *read = NULL;
  g_autoptr(GError) error = NULL;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  g_assert_cmpint (RUN ("export", OSEI, "--format", "pdf", "--output", pdf, "--card", card), ==,
                   0);
  g_assert_nonnull (strstr (err, "not encrypted"));
  CLEAR ();
  jws = card_jws (card);
  expected = hf_shc_qr_text (jws, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { "pdftotext", pdf, "-", NULL };

    text = run_tool (argv);
  }
  g_assert_nonnull (strstr (text, "Anyperson"));
  g_assert_nonnull (strstr (text, OSEI));
  {
    const char *argv[] = { "pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", pdf, page,
                           NULL };

    g_free (run_tool (argv));
  }
  read = zbarimg (page_png);
  g_assert_cmpstr (read, ==, expected);

  g_assert_cmpint (RUN ("export", OSEI, "--format", "pdf", "--layout", "wallet", "--output",
                        wallet, "--link-dir", site, "--base-url", "https://john.example/s"), ==, 0);
  g_assert_nonnull (strstr (err, "anyone holding the link"));
  CLEAR ();
  {
    const char *argv[] = { "pdfinfo", wallet, NULL };

    info = run_tool (argv);
  }
  g_assert_true (g_regex_match_simple ("^Pages: +1$", info, G_REGEX_MULTILINE, 0));
  g_assert_cmpint (RUN ("--json", "disclosures", "list"), ==, 0);
  g_assert_nonnull (strstr (out, "\"pdf\""));
  g_assert_nonnull (strstr (out, "\"pdf-wallet\""));
  g_assert_nonnull (strstr (out, "\"shc\""));
  g_assert_nonnull (strstr (out, "\"shl\""));
  CLEAR ();
  g_assert_cmpint (RUN ("export", OSEI, "--format", "pdf", "--output", pdf, "--card", card,
                        "--link-dir", site, "--base-url", "https://john.example/s"), ==, 1);
  CLEAR ();
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/hf/shc-make/minify-rules", test_minify_rules);
#define ADD(path, fn) g_test_add ("/hf/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("shc-make/card", test_card_made);
  g_test_add ("/hf/shc-make/qr", Fixture, NULL, setup_small, test_card_qr, teardown);
  ADD ("shc-make/too-big", test_card_too_big);
  ADD ("shc-make/revoke", test_card_revoked);
  ADD ("shl-make/static-host", test_link_static);
  ADD ("shl-make/single-file", test_link_single_file);
  ADD ("shl-make/refused", test_link_refused);
  ADD ("shl-make/fresh-encryption", test_link_fresh_encryption);
  g_test_add ("/hf/shc-make/cli", Fixture, NULL, setup_small, test_cli, teardown);
  g_test_add ("/hf/shc-make/round-trip", Fixture, NULL, setup_small, test_round_trip, teardown);
  g_test_add ("/hf/shc-make/pdf-with-qr", Fixture, NULL, setup_small, test_pdf_with_qr, teardown);
#undef ADD
  return g_test_run ();
}
