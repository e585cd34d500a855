/* test-shc.c — reading SMART Health Cards: the spec's examples and negative vectors, legacy
 * chunks, revocation, QR images, importing, and hostile cards
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The spec's issuer keys (tests/data/shc/issuer/.well-known/jwks.json) are trusted by hand as
 * https://spec.smarthealth.cards/examples/issuer and everything is read offline, except the
 * fetching tests, whose issuer is the loopback https server (tests/hf-fhir-server.c) with
 * cards signed here. QR images are made here with libqrencode and libpng.
 */

#include <json-glib/json-glib.h>
#include <png.h>
#include <qrencode.h>
#include <string.h>
#include <zlib.h>

#include "hf-deflate.h"
#include "hf-error.h"
#include "hf-fhir-server.h"
#include "hf-import.h"
#include "hf-jose.h"
#include "hf-qr-image.h"
#include "hf-shc.h"
#include "hf-shc-numeric.h"
#include "hf-test-util.h"
#include "hf-trust.h"
#include "hf-verify.h"

#define PASS      "the owner's long passphrase"
#define SPEC_ISS  "https://spec.smarthealth.cards/examples/issuer"
#define SPEC_KID  "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"
#define SPEC_CRL  "shc/issuer/.well-known/crl/" SPEC_KID ".json"

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
} Fixture;

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

static GBytes *
data_bytes (const char *part)
{
  g_autofree char *path = data_path (part);

  return hf_test_read (path);
}

static void
trust_spec (HfVault *vault)
{
  g_autoptr(GBytes) jwks = data_bytes ("shc/issuer/.well-known/jwks.json");
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *text = g_bytes_get_data (jwks, &length);

  hf_trust_add (vault, SPEC_ISS, text, length, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
add_spec_crl (HfVault *vault)
{
  g_autoptr(GBytes) crl = data_bytes (SPEC_CRL);
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *text = g_bytes_get_data (crl, &length);

  hf_shc_add_crl (vault, SPEC_ISS, SPEC_KID, text, length, &error);
  g_assert_no_error (error);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
  trust_spec (f->vault);
  add_spec_crl (f->vault);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->vault);
  hf_test_dir_teardown (&f->td, data);
}

static GPtrArray *
read_files (Fixture     *f,
            const char **parts,
            guint        n,
            GError     **error)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (inputs, data_bytes (parts[i]));
  return hf_shc_read_many (f->vault, (GBytes * const *) inputs->pdata, inputs->len,
                           HF_VERIFY_OFFLINE, NULL, error);
}

static GPtrArray *
read_file (Fixture    *f,
           const char *part,
           GError    **error)
{
  return read_files (f, &part, 1, error);
}

/* {{{ the spec's examples */

static void
assert_valid_card (GPtrArray  *cards,
                   const char *kid,
                   guint       entries)
{
  HfShcCard *card;

  g_assert_true (cards != NULL);
  g_assert_cmpuint (cards->len, ==, 1);
  card = g_ptr_array_index (cards, 0);
  g_assert_cmpint (card->verdict, ==, HF_VERIFY_VALID);
  g_assert_cmpstr (card->iss, ==, SPEC_ISS);
  g_assert_cmpstr (card->kid, ==, kid);
  g_assert_cmpint (card->trust.how, ==, HF_TRUST_HOW_HAND);
  g_assert_cmpstr (card->fhir_version, ==, "4.0.1");
  g_assert_true (g_strv_contains ((const char * const *) card->types, HF_SHC_TYPE_HEALTH_CARD));
  g_assert_cmpuint (card->entries, ==, entries);
  g_assert_true (card->nbf > 1687450764.0 && card->nbf < 1687450765.0);
  g_assert_true (card->bundle != NULL);
}

static void
test_examples (Fixture       *f,
               gconstpointer  data)
{
  static const struct { const char *n; const char *kid; guint entries; } ex[] = {
    { "00", SPEC_KID, 4 },
    { "01", "EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw", 4 },
  };
  static const char *forms[] = { "d-jws.txt", "e-file.smart-health-card",
                                 "f-qr-code-numeric-value-0.txt" };

  for (guint i = 0; i < G_N_ELEMENTS (ex); i++)
    for (guint j = 0; j < G_N_ELEMENTS (forms); j++)
      {
        g_autofree char *part = g_strdup_printf ("shc/example-%s-%s", ex[i].n, forms[j]);
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) cards = read_file (f, part, &error);

        g_test_message ("%s", part);
        g_assert_no_error (error);
        assert_valid_card (cards, ex[i].kid, ex[i].entries);
      }
}

/* Example 02: a legacy card of three QR chunks, in every order; its file and JWS. */
static void
test_chunks (Fixture       *f,
             gconstpointer  data)
{
  static const guint orders[6][3] = {
    { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 }
  };
  const char *file = "shc/example-02-e-file.smart-health-card";
  const char *jws = "shc/example-02-d-jws.txt";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) by_file = read_file (f, file, &error);
  g_autoptr(GPtrArray) by_jws = NULL;
  guint entries;

  g_assert_no_error (error);
  g_assert_true (by_file != NULL);
  entries = ((HfShcCard *) g_ptr_array_index (by_file, 0))->entries;
  g_assert_cmpuint (entries, >, 50);
  assert_valid_card (by_file, SPEC_KID, entries);
  by_jws = read_file (f, jws, &error);
  g_assert_no_error (error);
  assert_valid_card (by_jws, SPEC_KID, entries);
  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      const char *parts[3];
      g_autoptr(GPtrArray) cards = NULL;
      g_autofree char *p0 = NULL, *p1 = NULL, *p2 = NULL;

      p0 = g_strdup_printf ("shc/example-02-f-qr-code-numeric-value-%u.txt", orders[i][0]);
      p1 = g_strdup_printf ("shc/example-02-f-qr-code-numeric-value-%u.txt", orders[i][1]);
      p2 = g_strdup_printf ("shc/example-02-f-qr-code-numeric-value-%u.txt", orders[i][2]);
      parts[0] = p0;
      parts[1] = p1;
      parts[2] = p2;
      cards = read_files (f, parts, 3, &error);
      g_assert_no_error (error);
      assert_valid_card (cards, SPEC_KID, entries);
      g_assert_cmpstr (((HfShcCard *) g_ptr_array_index (cards, 0))->jws, ==,
                       ((HfShcCard *) g_ptr_array_index (by_jws, 0))->jws);
    }

  /* Two of three, one twice, or a chunk with a whole card: refused. */
  {
    const char *two[] = { "shc/example-02-f-qr-code-numeric-value-0.txt",
                          "shc/example-02-f-qr-code-numeric-value-2.txt" };
    const char *twice[] = { "shc/example-02-f-qr-code-numeric-value-0.txt",
                            "shc/example-02-f-qr-code-numeric-value-1.txt",
                            "shc/example-02-f-qr-code-numeric-value-1.txt" };
    const char *mixed[] = { "shc/example-02-f-qr-code-numeric-value-0.txt",
                            "shc/example-00-f-qr-code-numeric-value-0.txt" };
    g_autoptr(GPtrArray) a = read_files (f, two, 2, &error);

    g_assert_null (a);
    g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS);
    g_assert_nonnull (strstr (error->message, "chunk 2 of 3 is missing"));
    g_clear_error (&error);
    /* The Bundle is the payload's own bytes (numbers as the issuer wrote them). */
    {
      g_autoptr(GBytes) minified = data_bytes ("shc/example-02-c-jws-payload-minified.json");
      g_autofree char *payload = g_strndup (g_bytes_get_data (minified, NULL),
                                            g_bytes_get_size (minified));
      GBytes *bundle = ((HfShcCard *) g_ptr_array_index (by_file, 0))->bundle;
      g_autofree char *bundle_text = g_strndup (g_bytes_get_data (bundle, NULL),
                                                g_bytes_get_size (bundle));

      g_assert_true (g_str_has_prefix (bundle_text, "{\"resourceType\":\"Bundle\""));
      g_assert_nonnull (strstr (payload, bundle_text));
    }
    g_clear_error (&error);
    a = read_files (f, twice, 3, &error);
    g_assert_null (a);
    g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS);
    g_assert_nonnull (strstr (error->message, "twice"));
    g_clear_error (&error);
    a = read_files (f, mixed, 2, &error);
    g_assert_null (a);
    g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS);
    g_clear_error (&error);
  }
}

/* Example 03 is in the spec's revocation list, and expired in June 2024. */
static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  static const char *forms[] = { "shc/example-03-d-jws.txt",
                                 "shc/example-03-e-file.smart-health-card",
                                 "shc/example-03-f-qr-code-numeric-value-0.txt" };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) cards = read_file (f, forms[i], &error);

      g_assert_null (cards);
      g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_REVOKED);
      g_assert_nonnull (strstr (error->message, "revoked"));
      g_assert_nonnull (strstr (error->message, "vwAjHdarZuc"));
      g_assert_nonnull (strstr (error->message, "expired on 21 Jun 2024"));
      g_assert_cmpint (hf_shc_error_to_hf (error), ==, HF_ERROR_INTEGRITY);
    }
}

/* Without the list, offline, a card of a key with crlVersion is not believed. */
static void
test_revocation_unknown (void)
{
  HfTestDir td;
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GBytes) jws = data_bytes ("shc/example-00-d-jws.txt");
  g_autoptr(GPtrArray) cards = NULL;
  HfShcCard *card;

  hf_test_dir_setup (&td, NULL);
  vault = hf_vault_create (td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
  trust_spec (vault);
  /* Example 00 has a rid and its key a crlVersion: without the list, not verified. */
  cards = hf_shc_read (vault, jws, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cards != NULL && cards->len == 1);
  card = g_ptr_array_index (cards, 0);
  g_assert_cmpint (card->verdict, ==, HF_VERIFY_UNTRUSTED);
  g_assert_cmpint (card->reason_code, ==, HF_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (card->reason, "revocation list"));
  g_clear_pointer (&cards, g_ptr_array_unref);
  g_clear_pointer (&jws, g_bytes_unref);
  /* Example 01's key has no crlVersion: verified. */
  jws = data_bytes ("shc/example-01-d-jws.txt");
  cards = hf_shc_read (vault, jws, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cards != NULL && cards->len == 1);
  card = g_ptr_array_index (cards, 0);
  g_assert_cmpint (card->verdict, ==, HF_VERIFY_VALID);
  g_assert_nonnull (strstr (card->revocation, "no revocation list"));
  g_clear_pointer (&cards, g_ptr_array_unref);
  g_clear_pointer (&jws, g_bytes_unref);
  /* With the list: example 00 is verified and not revoked. */
  add_spec_crl (vault);
  jws = data_bytes ("shc/example-00-d-jws.txt");
  cards = hf_shc_read (vault, jws, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cards != NULL && cards->len == 1);
  card = g_ptr_array_index (cards, 0);
  g_assert_cmpint (card->verdict, ==, HF_VERIFY_VALID);
  g_assert_nonnull (strstr (card->revocation, "Not revoked"));
  g_clear_object (&vault);
  hf_test_dir_teardown (&td, NULL);
}

static void
test_multi (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards =
    read_file (f, "shc/negative/test-example-00-e-file-multi-jws.smart-health-card", &error);

  g_assert_no_error (error);
  g_assert_true (cards != NULL);
  g_assert_cmpuint (cards->len, ==, 2);
  for (guint i = 0; i < cards->len; i++)
    g_assert_cmpint (((HfShcCard *) g_ptr_array_index (cards, i))->verdict, ==,
                     HF_VERIFY_VALID);
}

/* }}} */
/* {{{ the negative vectors */

static void
test_negative (Fixture       *f,
               gconstpointer  data)
{
  static const struct { const char *file; int code; const char *word; } vectors[] = {
    { "test-example-00-d-jws-der-signature.txt", HF_SHC_ERROR_SIGNATURE, "64 bytes" },
    { "test-example-00-d-jws-invalid-signature.txt", HF_SHC_ERROR_SIGNATURE, "signature" },
    { "test-example-00-d-jws-issuer-kid-mismatch.txt", -1, "no key" },
    { "test-example-00-d-jws-issuer-not-valid-with-smart-key.txt", -1, "not a trusted issuer" },
    { "test-example-00-d-jws-no_deflate.txt", HF_SHC_ERROR_ZIP, "DEF" },
    { "test-example-00-d-jws-no_jws_header_alg.txt", HF_SHC_ERROR_HEADER, "alg" },
    { "test-example-00-d-jws-no_jws_header_kid.txt", HF_SHC_ERROR_HEADER, "kid" },
    { "test-example-00-d-jws-no_jws_header_zip.txt", HF_SHC_ERROR_ZIP, "zip" },
    { "test-example-00-d-jws-trailing_chars.txt", HF_SHC_ERROR_MALFORMED, "not" },
    { "test-example-00-d-jws-utf8_bom_prefix.txt", HF_SHC_ERROR_PAYLOAD, "byte order mark" },
    { "test-example-00-d-jws-wrong_jws_header_kid.txt", -1, "no key" },
    { "test-example-00-e-file-invalid_deflate.smart-health-card", HF_SHC_ERROR_INFLATE,
      "DEFLATE" },
    { "test-example-00-e-file-invalid_issuer_url_http.smart-health-card", HF_SHC_ERROR_ISSUER,
      "https" },
    { "test-example-00-e-file-issuer_url_with_trailing_slash.smart-health-card",
      HF_SHC_ERROR_ISSUER, "trailing" },
    { "test-example-00-e-file-multi-jws-issues.smart-health-card", HF_SHC_ERROR_HEADER, "Card" },
    { "test-example-00-f-qr-code-numeric-value-0-index-out-of-range.txt", HF_SHC_ERROR_CHUNKS,
      "out of range" },
    { "test-example-00-f-qr-code-numeric-value-0-number-too-big.txt", HF_SHC_ERROR_NUMERIC,
      "77" },
    { "test-example-00-f-qr-code-numeric-value-0-odd-count.txt", HF_SHC_ERROR_NUMERIC, "odd" },
    { "test-example-00-f-qr-code-numeric-value-0-trailing_chars.txt", HF_SHC_ERROR_MALFORMED,
      "not" },
    { "test-example-00-f-qr-code-numeric-value-0-wrong-multi-chunk.txt", HF_SHC_ERROR_CHUNKS,
      "out of range" },
    { "test-example-00-f-qr-code-numeric-value-0-wrong_qr_header.txt", HF_SHC_ERROR_MALFORMED,
      "shc:/" },
    { "test-example-02-f-qr-code-numeric-value-0-qr_chunk_too_big.txt", HF_SHC_ERROR_CHUNKS,
      "too big" },
    { "test-example-02-f-qr-code-numeric-value-1-qr_chunk_too_big.txt", HF_SHC_ERROR_CHUNKS,
      "too big" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *part = g_strconcat ("shc/negative/", vectors[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) cards = read_file (f, part, &error);

      g_test_message ("%s: %s", vectors[i].file, error != NULL ? error->message : "read");
      if (vectors[i].code == -1)
        {
          HfShcCard *card;

          /* A kid the trusted issuer does not have: not verifiable, so never imported
           * without --unverified. */
          g_assert_no_error (error);
          g_assert_true (cards != NULL && cards->len == 1);
          card = g_ptr_array_index (cards, 0);
          g_assert_cmpint (card->verdict, ==, HF_VERIFY_UNTRUSTED);
          g_assert_cmpint (card->reason_code, ==, HF_ERROR_NOT_PERMITTED);
          g_assert_nonnull (strstr (card->reason, vectors[i].word));
        }
      else
        {
          g_assert_null (cards);
          g_assert_error (error, HF_SHC_ERROR, (gint) vectors[i].code);
          g_assert_nonnull (strstr (error->message, vectors[i].word));
        }
    }
}

/* The two chunks of the "too big" vectors together are refused too: each is over the limit. */
static void
test_negative_chunks_together (Fixture       *f,
                               gconstpointer  data)
{
  const char *parts[] = {
    "shc/negative/test-example-02-f-qr-code-numeric-value-1-qr_chunk_too_big.txt",
    "shc/negative/test-example-02-f-qr-code-numeric-value-0-qr_chunk_too_big.txt" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards = read_files (f, parts, 2, &error);

  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS);
  g_assert_nonnull (strstr (error->message, "1632 characters"));
}

/* }}} */
/* {{{ signing cards here */

static char *
sign_payload (const HfJoseKey *key,
              const char      *kid,
              const char      *payload,
              gsize            length)
{
  g_autoptr(GBytes) deflated = hf_deflate_raw ((const guint8 *) payload, length);
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(GError) error = NULL;
  gsize l;
  const guint8 *d = g_bytes_get_data (deflated, &l);
  char *jws;

  json_object_set_string_member (extra, "zip", "DEF");
  jws = hf_jws_sign_es256 (key, kid, extra, d, l, &error);
  g_assert_no_error (error);
  return jws;
}

static char *
card_payload (const char *iss,
              const char *rid,
              const char *type)
{
  return g_strdup_printf ("{\"iss\":\"%s\",\"nbf\":%.3f,\"vc\":{\"type\":[\"%s\"],%s%s%s"
                          "\"credentialSubject\":{\"fhirVersion\":\"4.0.1\",\"fhirBundle\":"
                          "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                          "{\"fullUrl\":\"resource:0\",\"resource\":{\"resourceType\":"
                          "\"Patient\",\"name\":[{\"family\":\"Anyperson\",\"given\":[\"John\"]}],"
                          "\"birthDate\":\"1951-01-20\"}},{\"fullUrl\":\"resource:1\","
                          "\"resource\":{\"resourceType\":\"Immunization\",\"status\":"
                          "\"completed\",\"vaccineCode\":{\"coding\":[{\"system\":"
                          "\"http://hl7.org/fhir/sid/cvx\",\"code\":\"207\"}]},\"patient\":"
                          "{\"reference\":\"resource:0\"},\"occurrenceDateTime\":\"2021-01-01\"}"
                          "}]}}}}", iss, (double) g_get_real_time () / G_USEC_PER_SEC - 60,
                          type, rid != NULL ? "\"rid\":\"" : "", rid != NULL ? rid : "",
                          rid != NULL ? "\"," : "");
}

static char *
jwks_of (const HfJoseKey *key,
         gint64           crl_version)
{
  g_autoptr(JsonObject) jwk = hf_jose_key_dup_public_jwk (key);
  g_autofree char *kid = hf_jose_key_dup_thumbprint (key);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_object_set_string_member (jwk, "kid", kid);
  json_object_set_string_member (jwk, "use", "sig");
  json_object_set_string_member (jwk, "alg", "ES256");
  if (crl_version > 0)
    json_object_set_int_member (jwk, "crlVersion", crl_version);
  json_node_set_object (node, jwk);
  text = json_to_string (node, FALSE);
  return g_strdup_printf ("{\"keys\":[%s]}", text);
}

/* A DEFLATE bomb, and a JWS that verifies but is not a health card. */
static void
test_hostile_payloads (Fixture       *f,
                       gconstpointer  data)
{
  const char *iss = "https://clinic.example";
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJoseKey) key = hf_jose_key_generate (&error);
  g_autofree char *kid = hf_jose_key_dup_thumbprint (key);
  g_autofree char *jwks = jwks_of (key, 0);
  g_autofree char *bomb = NULL;
  g_autofree char *bomb_jws = NULL;
  g_autofree char *other = NULL;
  g_autofree char *other_jws = NULL;
  g_autofree char *good = NULL;
  g_autofree char *good_jws = NULL;
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  gsize bomb_size = 64 * 1024 * 1024;

  g_assert_no_error (error);
  hf_trust_add (f->vault, iss, jwks, strlen (jwks), NULL, NULL, &error);
  g_assert_no_error (error);

  /* 64 MiB of "[" in JSON's clothes deflate to about 64 KiB. */
  bomb = g_malloc (bomb_size);
  memset (bomb, ' ', bomb_size);
  bomb[0] = '{';
  bomb[bomb_size - 1] = '}';
  bomb_jws = sign_payload (key, kid, bomb, bomb_size);
  g_assert_cmpuint (strlen (bomb_jws), <, 1024 * 1024);
  in = g_bytes_new (bomb_jws, strlen (bomb_jws));
  cards = hf_shc_read (f->vault, in, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "bomb"));
  g_clear_error (&error);
  g_clear_pointer (&in, g_bytes_unref);

  /* Signed, by a trusted key, but a plain verifiable credential. */
  other = card_payload (iss, NULL, "https://www.w3.org/2018/credentials#VerifiableCredential");
  other_jws = sign_payload (key, kid, other, strlen (other));
  in = g_bytes_new (other_jws, strlen (other_jws));
  cards = hf_shc_read (f->vault, in, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_NOT_HEALTH_CARD);
  g_assert_nonnull (strstr (error->message, "not a health card"));
  g_clear_error (&error);
  g_clear_pointer (&in, g_bytes_unref);

  /* And the same key's real card verifies. */
  good = card_payload (iss, NULL, HF_SHC_TYPE_HEALTH_CARD);
  good_jws = sign_payload (key, kid, good, strlen (good));
  in = g_bytes_new (good_jws, strlen (good_jws));
  cards = hf_shc_read (f->vault, in, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cards != NULL && cards->len == 1);
  g_assert_cmpint (((HfShcCard *) g_ptr_array_index (cards, 0))->verdict, ==, HF_VERIFY_VALID);
}

/* A key whose kid is not its thumbprint, and one not marked for signing, are refused. */
static void
test_key_rules (Fixture       *f,
                gconstpointer  data)
{
  const char *iss = "https://lab.example";
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJoseKey) key = hf_jose_key_generate (&error);
  g_autoptr(JsonObject) jwk = hf_jose_key_dup_public_jwk (key);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *jwk_text = NULL;
  g_autofree char *jwks = NULL;
  g_autofree char *payload = card_payload (iss, NULL, HF_SHC_TYPE_HEALTH_CARD);
  g_autofree char *jws = sign_payload (key, "lab-2026", payload, strlen (payload));
  g_autoptr(GBytes) in = g_bytes_new (jws, strlen (jws));
  g_autoptr(GPtrArray) cards = NULL;

  json_object_set_string_member (jwk, "kid", "lab-2026");
  json_object_set_string_member (jwk, "use", "sig");
  json_object_set_string_member (jwk, "alg", "ES256");
  json_node_set_object (node, jwk);
  jwk_text = json_to_string (node, FALSE);
  jwks = g_strdup_printf ("{\"keys\":[%s]}", jwk_text);
  hf_trust_add (f->vault, iss, jwks, strlen (jwks), NULL, NULL, &error);
  g_assert_no_error (error);
  cards = hf_shc_read (f->vault, in, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "thumbprint"));
  g_clear_error (&error);

  /* Named by its thumbprint, but without "use" and "alg": not an issuer's key. */
  {
    const char *iss2 = "https://lab2.example";
    g_autofree char *kid = hf_jose_key_dup_thumbprint (key);
    g_autoptr(JsonObject) bare = hf_jose_key_dup_public_jwk (key);
    g_autoptr(JsonNode) bare_node = json_node_new (JSON_NODE_OBJECT);
    g_autofree char *bare_text = NULL;
    g_autofree char *bare_jwks = NULL;
    g_autofree char *payload2 = card_payload (iss2, NULL, HF_SHC_TYPE_HEALTH_CARD);
    g_autofree char *jws2 = sign_payload (key, kid, payload2, strlen (payload2));
    g_autoptr(GBytes) in2 = g_bytes_new (jws2, strlen (jws2));
    g_autoptr(GPtrArray) cards2 = NULL;

    json_object_set_string_member (bare, "kid", kid);
    json_node_set_object (bare_node, bare);
    bare_text = json_to_string (bare_node, FALSE);
    bare_jwks = g_strdup_printf ("{\"keys\":[%s]}", bare_text);
    hf_trust_add (f->vault, iss2, bare_jwks, strlen (bare_jwks), NULL, NULL, &error);
    g_assert_no_error (error);
    cards2 = hf_shc_read (f->vault, in2, HF_VERIFY_OFFLINE, NULL, &error);
    g_assert_null (cards2);
    g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY);
    g_assert_nonnull (strstr (error->message, "“use”: “sig”"));
  }
}

/* The dev tools' key vectors: only valid_key.json is an issuer's key. */
static void
test_key_vectors (void)
{
  static const struct { const char *file; const char *word; } keys[] = {
    { "valid_key.json", NULL },
    { "issuer.jwks.public.not.smart.json", NULL },
    { "wrong_alg_key.json", "ES256" },
    { "wrong_curve_key.json", "P-256" },
    { "wrong_kid_key.json", "thumbprint" },
    { "wrong_kty_key.json", "EC key" },
    { "wrong_use_key.json", "sig" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *part = g_strconcat ("shc/negative/keys/", keys[i].file, NULL);
      g_autoptr(GBytes) b = data_bytes (part);
      g_autofree char *text = g_strndup (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
      g_autoptr(JsonNode) node = json_from_string (text, NULL);
      JsonArray *list;
      JsonObject *jwk;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_assert_true (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
      list = json_object_get_array_member (json_node_get_object (node), "keys");
      g_assert_cmpuint (json_array_get_length (list), ==, 1);
      jwk = json_array_get_object_element (list, 0);
      ok = hf_shc_check_issuer_key (jwk, NULL, &error);
      g_test_message ("%s: %s", keys[i].file, ok ? "an issuer's key" : error->message);
      if (keys[i].word == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY);
          g_assert_nonnull (strstr (error->message, keys[i].word));
        }
    }
}

/* }}} */
/* {{{ QR images */

/* A PNG of TEXT as the spec's QR: "shc:/" in byte mode, then the digits in numeric mode. */
static GBytes *
make_qr_png (const char *text)
{
  QRinput *input = QRinput_new2 (0, QR_ECLEVEL_L);
  QRcode *qr;
  const int scale = 4, margin = 4;
  png_image png;
  g_autofree guint8 *pixels = NULL;
  png_alloc_size_t size = 0;
  guint8 *out;
  int side;

  g_assert_nonnull (input);
  g_assert_cmpint (QRinput_append (input, QR_MODE_8, 5, (const unsigned char *) text), ==, 0);
  g_assert_cmpint (QRinput_append (input, QR_MODE_NUM, (int) strlen (text + 5),
                                   (const unsigned char *) text + 5), ==, 0);
  qr = QRcode_encodeInput (input);
  QRinput_free (input);
  g_assert_nonnull (qr);
  side = (qr->width + 2 * margin) * scale;
  pixels = g_malloc (side * side);
  memset (pixels, 255, side * side);
  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      if (qr->data[y * qr->width + x] & 1)
        for (int dy = 0; dy < scale; dy++)
          memset (pixels + ((y + margin) * scale + dy) * side + (x + margin) * scale, 0, scale);
  QRcode_free (qr);
  memset (&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = side;
  png.height = side;
  png.format = PNG_FORMAT_GRAY;
  g_assert_true (png_image_write_to_memory (&png, NULL, &size, 0, pixels, 0, NULL));
  out = g_malloc (size);
  g_assert_true (png_image_write_to_memory (&png, out, &size, 0, pixels, 0, NULL));
  return g_bytes_new_take (out, size);
}

static void
test_qr_image (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GBytes) text = data_bytes ("shc/example-00-f-qr-code-numeric-value-0.txt");
  g_autofree char *str = g_strndup (g_bytes_get_data (text, NULL), g_bytes_get_size (text));
  g_autoptr(GBytes) png = NULL;
  g_autofree char *decoded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards = NULL;

  g_strchomp (str);
  png = make_qr_png (str);
  decoded = hf_qr_image_decode (png, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, str);
  cards = hf_shc_read (f->vault, png, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  assert_valid_card (cards, SPEC_KID, 4);
}

static void
put_be32 (guint8 *p,
          guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* A white PNG is no QR code; a header claiming 60,000 × 60,000 pixels and 100 MB of bytes
 * are refused before any pixel is decoded. */
static void
test_qr_hostile (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  guint8 white[64 * 64];
  png_image png;
  png_alloc_size_t size = sizeof white * 2;
  g_autofree guint8 *buf = g_malloc (size);
  g_autoptr(GBytes) blank = NULL;
  guint8 huge[8 + 25 + 12 + 12];
  g_autoptr(GBytes) huge_bytes = NULL;
  g_autoptr(GBytes) big = NULL;

  memset (white, 255, sizeof white);
  memset (&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = png.height = 64;
  png.format = PNG_FORMAT_GRAY;
  g_assert_true (png_image_write_to_memory (&png, buf, &size, 0, white, 0, NULL));
  blank = g_bytes_new (buf, size);
  cards = hf_shc_read (f->vault, blank, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_IMAGE);
  g_assert_nonnull (strstr (error->message, "No QR code"));
  g_clear_error (&error);

  /* The signature, an IHDR of 60000 × 60000, 8-bit gray, with its CRC. */
  memcpy (huge, "\x89PNG\r\n\x1a\n", 8);
  put_be32 (huge + 8, 13);
  memcpy (huge + 12, "IHDR", 4);
  put_be32 (huge + 16, 60000);
  put_be32 (huge + 20, 60000);
  huge[24] = 8;
  huge[25] = 0;
  huge[26] = huge[27] = huge[28] = 0;
  put_be32 (huge + 29, crc32 (0, huge + 12, 17));
  /* An empty IDAT and IEND, so that the header is read whole. */
  put_be32 (huge + 33, 0);
  memcpy (huge + 37, "IDAT", 4);
  put_be32 (huge + 41, crc32 (0, huge + 37, 4));
  put_be32 (huge + 45, 0);
  memcpy (huge + 49, "IEND", 4);
  put_be32 (huge + 53, crc32 (0, huge + 49, 4));
  huge_bytes = g_bytes_new (huge, sizeof huge);
  cards = hf_shc_read (f->vault, huge_bytes, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "60000 × 60000"));
  g_clear_error (&error);

  /* 100 MB starting like a PNG: the file size is refused first (g_malloc0: pages untouched
   * but the first). */
  {
    gsize n = 100 * 1000 * 1000;
    guint8 *p = g_malloc0 (n);

    memcpy (p, huge, sizeof huge);
    big = g_bytes_new_take (p, n);
  }
  cards = hf_shc_read (f->vault, big, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "100000000 bytes"));
}

/* }}} */
/* {{{ import */

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) two =
    read_file (f, "shc/negative/test-example-00-e-file-multi-jws.smart-health-card", &error);
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfImportSignature) signature = NULL;
  g_autofree char *words = NULL;
  gint64 record_id, dangling;

  /* The file's two cards are two people's: one import, so nothing is imported. */
  g_assert_no_error (error);
  g_assert_true (two != NULL && two->len == 2);
  g_assert_false (hf_shc_import_cards (f->vault, two, FALSE, "SMART Health Card",
                                       "file:/cards.smart-health-card", NULL, &result, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "2 people"));
  g_clear_error (&error);
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM resource"), ==, 0);
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM import_signature"), ==, 0);

  cards = read_file (f, "shc/example-00-e-file.smart-health-card", &error);
  g_assert_no_error (error);
  g_assert_true (cards != NULL);
  hf_shc_import_cards (f->vault, cards, FALSE, "SMART Health Card", "file:/card.shc", NULL,
                       &result, &error);
  g_assert_no_error (error);
  g_assert_true (result != NULL);
  /* The Patient and three Immunizations. */
  g_assert_cmpuint (result->added, ==, 4);
  g_clear_pointer (&result, hf_import_result_free);

  /* What reading and importing a card costs (example 02: 55 entries), for the record. */
  {
    g_autoptr(GPtrArray) lab = NULL;
    double read_s, import_s;

    g_test_timer_start ();
    lab = read_file (f, "shc/example-02-e-file.smart-health-card", &error);
    read_s = g_test_timer_elapsed ();
    g_assert_no_error (error);
    g_test_timer_start ();
    hf_shc_import_cards (f->vault, lab, FALSE, "lab card", "file:/lab.shc", NULL, &result,
                         &error);
    import_s = g_test_timer_elapsed ();
    g_assert_no_error (error);
    g_test_message ("example 02 (55 entries): read and verified in %.1f ms, imported in %.1f ms",
                    read_s * 1000, import_s * 1000);
    g_clear_pointer (&result, hf_import_result_free);
  }
  /* Examples 00 and 02: a provenance row each, both verified. */
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM import_signature WHERE "
                                                "kind = 'shc' AND status = 'verified'"), ==, 2);
  record_id = hf_test_count_sql (f->vault, "SELECT min(id) FROM resource WHERE "
                                           "resource_type = 'Immunization'");
  g_assert_cmpint (record_id, >, 0);
  signature = hf_verify_lookup_record (f->vault, record_id, &error);
  g_assert_no_error (error);
  g_assert_true (signature != NULL);
  g_assert_cmpstr (signature->kind, ==, "shc");
  g_assert_cmpstr (signature->card_types, ==, "health-card");
  words = hf_import_signature_describe (signature);
  g_test_message ("%s", words);
  g_assert_nonnull (strstr (words, "SMART Health Card (health-card) signed by " SPEC_ISS));
  g_assert_nonnull (strstr (words, "key added by hand"));
  /* resource:N references resolved: each Immunization points to the stored Patient. */
  dangling = hf_test_count_sql (f->vault, "SELECT count(*) FROM resource WHERE "
                                          "resource_type = 'Immunization' AND json_extract (json, "
                                          "'$.patient.reference') LIKE 'resource:%'");
  g_assert_cmpint (dangling, ==, 0);
}

static void
test_import_unverified (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards =
    read_file (f, "shc/negative/test-example-00-d-jws-wrong_jws_header_kid.txt", &error);
  g_autoptr(HfImportResult) result = NULL;
  gint64 before = hf_test_count_sql (f->vault, "SELECT count(*) FROM resource");

  g_assert_no_error (error);
  g_assert_false (hf_shc_import_cards (f->vault, cards, FALSE, "card", "file:/x", NULL,
                                       &result, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "--unverified"));
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM resource"), ==, before);
  g_clear_error (&error);
  g_assert_true (hf_shc_import_cards (f->vault, cards, TRUE, "card", "file:/x", NULL, &result,
                                      &error));
  g_assert_no_error (error);
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM import_signature WHERE "
                                                "kind = 'shc' AND status = 'unverified'"), ==, 1);
}

/* }}} */
/* {{{ fetching keys and revocation lists */

static void
test_fetch (void)
{
  HfTestDir td;
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;
  HfFhirServer *server = hf_fhir_server_new_https (FALSE);
  g_autofree char *ca_file = NULL;
  g_autoptr(HfJoseKey) key = hf_jose_key_generate (&error);
  g_autofree char *kid = hf_jose_key_dup_thumbprint (key);
  g_autofree char *jwks = jwks_of (key, 2);
  g_autofree char *crl_path = NULL;
  g_autofree char *crl_count = NULL;
  g_autofree char *crl = NULL;
  const char *iss = hf_fhir_server_get_origin (server);
  g_autofree char *revoked = card_payload (iss, "revokedrid1", HF_SHC_TYPE_HEALTH_CARD);
  g_autofree char *kept = card_payload (iss, "keptrid0002", HF_SHC_TYPE_HEALTH_CARD);
  g_autofree char *revoked_jws = sign_payload (key, kid, revoked, strlen (revoked));
  g_autofree char *kept_jws = sign_payload (key, kid, kept, strlen (kept));
  g_autoptr(GBytes) a = g_bytes_new (kept_jws, strlen (kept_jws));
  g_autoptr(GBytes) b = g_bytes_new (revoked_jws, strlen (revoked_jws));
  g_autoptr(GPtrArray) cards = NULL;
  HfShcCard *card;

  hf_test_dir_setup (&td, NULL);
  vault = hf_vault_create (td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
  ca_file = hf_test_write_file (&td, "ca.pem", hf_fhir_server_get_ca_pem ());
  hf_fhir_server_put_file (server, "/.well-known/jwks.json", "application/json", jwks,
                           strlen (jwks));
  crl_path = g_strdup_printf ("/.well-known/crl/%s.json", kid);
  crl_count = g_strconcat ("path:", crl_path, NULL);
  crl = g_strdup_printf ("{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":2,\"rids\":"
                         "[\"revokedrid1\",\"keptrid0002.1000\"]}", kid);
  hf_fhir_server_put_file (server, crl_path, "application/json", crl, strlen (crl));

  /* Offline, the issuer is unknown: read, but not verified. */
  cards = hf_shc_read (vault, a, HF_VERIFY_OFFLINE, ca_file, &error);
  g_assert_no_error (error);
  card = g_ptr_array_index (cards, 0);
  g_assert_cmpint (card->verdict, ==, HF_VERIFY_UNTRUSTED);
  g_assert_nonnull (strstr (card->reason, "offline"));
  g_clear_pointer (&cards, g_ptr_array_unref);

  /* Online: keys and the list fetched; "keptrid0002.1000" revokes only cards before 1970+. */
  cards = hf_shc_read (vault, a, 0, ca_file, &error);
  g_assert_no_error (error);
  card = g_ptr_array_index (cards, 0);
  g_assert_cmpint (card->verdict, ==, HF_VERIFY_VALID);
  g_assert_cmpint (card->trust.how, ==, HF_TRUST_HOW_FETCHED);
  g_assert_nonnull (strstr (card->revocation, "Not revoked"));
  g_assert_cmpuint (hf_fhir_server_count (server, crl_count), ==, 1);
  g_clear_pointer (&cards, g_ptr_array_unref);

  cards = hf_shc_read (vault, b, 0, ca_file, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_REVOKED);
  g_assert_nonnull (strstr (error->message, "revokedrid1"));
  g_clear_error (&error);
  /* The list was kept: not fetched again while its ctr is the key's crlVersion. */
  g_assert_cmpuint (hf_fhir_server_count (server, crl_count), ==, 1);

  /* Offline now: the cached keys and list still decide. */
  cards = hf_shc_read (vault, b, HF_VERIFY_OFFLINE, ca_file, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_REVOKED);
  g_clear_error (&error);

  /* The key's crlVersion goes to 3 (its keys now added by hand): the kept list (2) is out of
   * date, so it is fetched again, and now revokes the other card too. */
  {
    g_autofree char *jwks3 = jwks_of (key, 3);
    g_autofree char *crl3 = g_strdup_printf ("{\"kid\":\"%s\",\"method\":\"rid\",\"ctr\":3,"
                                             "\"rids\":[\"revokedrid1\",\"keptrid0002\"]}", kid);
    gboolean replaced = FALSE;

    hf_fhir_server_put_file (server, crl_path, "application/json", crl3, strlen (crl3));
    hf_trust_add (vault, iss, jwks3, strlen (jwks3), &replaced, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (replaced);
    cards = hf_shc_read (vault, a, 0, ca_file, &error);
    g_assert_null (cards);
    g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_REVOKED);
    g_assert_nonnull (strstr (error->message, "version 3"));
    g_clear_error (&error);
    g_assert_cmpuint (hf_fhir_server_count (server, crl_count), ==, 2);
  }

  g_clear_object (&vault);
  hf_fhir_server_free (server);
  hf_test_dir_teardown (&td, NULL);
}

/* {{{ issuer directories */

static void
test_directory (void)
{
  HfTestDir td;
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GBytes) jwks = data_bytes ("shc/issuer/.well-known/jwks.json");
  g_autoptr(GBytes) crl = data_bytes (SPEC_CRL);
  g_autofree char *jwks_text = g_strndup (g_bytes_get_data (jwks, NULL), g_bytes_get_size (jwks));
  g_autofree char *crl_text = g_strndup (g_bytes_get_data (crl, NULL), g_bytes_get_size (crl));
  g_autoptr(JsonNode) keys_node = json_from_string (jwks_text, NULL);
  g_autofree char *keys = NULL;
  g_autofree char *snapshot = NULL;
  g_autoptr(HfShcDirectoryResult) r = NULL;
  g_autoptr(GBytes) jws = data_bytes ("shc/example-00-d-jws.txt");
  g_autoptr(GBytes) jws03 = data_bytes ("shc/example-03-d-jws.txt");
  g_autoptr(GPtrArray) cards = NULL;
  const char *names_only = "{\"participating_issuers\":[{\"iss\":\"https://myvaccinerecord."
                           "cdph.ca.gov/creds\",\"name\":\"State of California\"}]}";
  const char *http = "{\"participating_issuers\":[{\"iss\":\"http://x.example\"}]}";
  HfShcCard *card;

  hf_test_dir_setup (&td, NULL);
  vault = hf_vault_create (td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
  g_assert_true (keys_node != NULL);
  {
    g_autoptr(JsonGenerator) gen = json_generator_new ();
    json_generator_set_root (gen, json_object_get_member (json_node_get_object (keys_node),
                                                          "keys"));
    keys = json_generator_to_data (gen, NULL);
  }
  /* VCI's snapshot form: directory, time, issuerInfo with keys and crls. */
  snapshot = g_strdup_printf ("{\"directory\":\"https://example.org/vci-issuers.json\","
                              "\"time\":\"2026-12-01 12:00:00\",\"issuerInfo\":["
                              "{\"issuer\":{\"iss\":\"%s\",\"name\":\"SMART examples\"},"
                              "\"keys\":%s,\"crls\":[%s]},"
                              "{\"issuer\":{\"iss\":\"https://no-keys.example\",\"name\":"
                              "\"Without keys\"},\"keys\":[],\"errors\":[\"unreachable\"]}]}",
                              SPEC_ISS, keys, crl_text);
  r = hf_shc_import_directory (vault, snapshot, strlen (snapshot), "vci_snapshot.json", &error);
  g_assert_no_error (error);
  g_assert_true (r != NULL);
  g_assert_cmpuint (r->issuers, ==, 2);
  g_assert_cmpuint (r->with_keys, ==, 1);
  g_assert_cmpuint (r->keys, ==, 2);
  g_assert_cmpuint (r->crls, ==, 1);

  /* Example 00 verifies with the directory's key and its revocation list, offline. */
  cards = hf_shc_read (vault, jws, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cards != NULL && cards->len == 1);
  card = g_ptr_array_index (cards, 0);
  g_assert_cmpint (card->verdict, ==, HF_VERIFY_VALID);
  g_assert_cmpint (card->trust.how, ==, HF_TRUST_HOW_DIRECTORY);
  g_assert_cmpstr (card->trust.added_by, ==, "vci_snapshot.json");
  g_clear_pointer (&cards, g_ptr_array_unref);
  cards = hf_shc_read (vault, jws03, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_null (cards);
  g_assert_error (error, HF_SHC_ERROR, HF_SHC_ERROR_REVOKED);
  g_assert_nonnull (strstr (error->message, "from the imported issuer directory"));
  g_clear_error (&error);

  /* The names-only list replaces it: the spec's issuer is no longer trusted offline. */
  g_clear_pointer (&r, hf_shc_directory_result_free);
  r = hf_shc_import_directory (vault, names_only, strlen (names_only), "vci-issuers.json",
                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->issuers, ==, 1);
  g_assert_cmpuint (r->with_keys, ==, 0);
  cards = hf_shc_read (vault, jws, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((HfShcCard *) g_ptr_array_index (cards, 0))->verdict, ==,
                   HF_VERIFY_UNTRUSTED);
  g_clear_pointer (&r, hf_shc_directory_result_free);

  /* Refused with words: not a directory, an http issuer. */
  r = hf_shc_import_directory (vault, "{\"keys\":[]}", 11, "x.json", &error);
  g_assert_null (r);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "not an issuer directory"));
  g_clear_error (&error);
  r = hf_shc_import_directory (vault, http, strlen (http), "x.json", &error);
  g_assert_null (r);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);
  /* And the refused import changed nothing. */
  g_assert_cmpint (hf_test_count_sql (vault, "SELECT count(*) FROM trust_directory"), ==, 1);

  g_clear_object (&vault);
  hf_test_dir_teardown (&td, NULL);
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
  g_autofree char *pass_file = hf_test_write_file (&f->td, "pass", PASS);
  va_list ap;
  int status;

  g_clear_object (&f->vault);
  g_ptr_array_add (args, "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, "--passphrase-file");
  g_ptr_array_add (args, pass_file);
  va_start (ap, err);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  status = hf_test_cli_v (out, err, (const char * const *) args->pdata);
  g_test_message ("healthfolio-cli %s: exit %d", (char *) args->pdata[4], status);
  return status;
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *file00 = data_path ("shc/example-00-e-file.smart-health-card");
  g_autofree char *file03 = data_path ("shc/example-03-e-file.smart-health-card");
  g_autofree char *chunk0 = data_path ("shc/example-02-f-qr-code-numeric-value-0.txt");
  g_autofree char *chunk1 = data_path ("shc/example-02-f-qr-code-numeric-value-1.txt");
  g_autofree char *chunk2 = data_path ("shc/example-02-f-qr-code-numeric-value-2.txt");
  g_autofree char *wrong_kid =
    data_path ("shc/negative/test-example-00-d-jws-wrong_jws_header_kid.txt");
  g_autofree char *crl = data_path (SPEC_CRL);
  g_autoptr(GBytes) text01 = data_bytes ("shc/example-01-f-qr-code-numeric-value-0.txt");
  g_autofree char *shc01 = g_strndup (g_bytes_get_data (text01, NULL), g_bytes_get_size (text01));
  g_autoptr(GBytes) png = NULL;
  g_autofree char *png_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  gint64 record_id;

  g_strchomp (shc01);
  g_assert_cmpint (cli (f, &out, &err, "verify", "--offline", file00, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "SMART Health Card (health-card)"));
  g_assert_nonnull (strstr (out, "Verdict:    valid"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Three chunk files, out of order, with --json. */
  g_assert_cmpint (cli (f, &out, &err, "--json", "verify", "--offline", chunk2, chunk0, chunk1,
                        NULL), ==, 0);
  {
    g_autoptr(JsonNode) node = json_from_string (out, NULL);
    JsonObject *o;

    g_assert_true (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
    o = json_node_get_object (node);
    g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "valid");
    g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "shc");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "cards")), ==, 1);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* shc:/ text as the argument itself. */
  g_assert_cmpint (cli (f, &out, &err, "verify", "--offline", shc01, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Revoked and expired: exit 4, both said. */
  g_assert_cmpint (cli (f, &out, &err, "verify", "--offline", file03, NULL), ==, 4);
  g_assert_nonnull (strstr (err, "revoked"));
  g_assert_nonnull (strstr (err, "expired"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A QR image. */
  png = make_qr_png (shc01);
  png_path = g_build_filename (f->td.dir, "card.png", NULL);
  g_assert_true (g_file_set_contents (png_path, g_bytes_get_data (png, NULL),
                                     (gssize) g_bytes_get_size (png), NULL));
  g_assert_cmpint (cli (f, &out, &err, "verify", "--offline", png_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A 100 MB "image" is refused by its size, unread (a sparse file). */
  {
    g_autofree char *big = g_build_filename (f->td.dir, "big.png", NULL);
    FILE *fp = fopen (big, "wb");

    g_assert_nonnull (fp);
    g_assert_cmpint (fwrite ("\x89PNG\r\n\x1a\n", 1, 8, fp), ==, 8);
    g_assert_cmpint (fseek (fp, 100 * 1000 * 1000 - 1, SEEK_SET), ==, 0);
    g_assert_cmpint (fputc (0, fp), ==, 0);
    fclose (fp);
    g_assert_cmpint (cli (f, &out, &err, "verify", "--offline", big, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "at most 16 MiB"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* Untrusted: exit 6 and nothing imported, unless --unverified. */
  g_assert_cmpint (cli (f, &out, &err, "import", "--offline", wrong_kid, NULL), ==, 6);
  g_assert_nonnull (strstr (err, "--unverified"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli (f, &out, &err, "trust", "add-crl", SPEC_ISS, SPEC_KID, crl, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The QR image of example 00 imports its records; its file (another source) too. */
  {
    g_autoptr(GBytes) text00 = data_bytes ("shc/example-00-f-qr-code-numeric-value-0.txt");
    g_autofree char *shc00 = g_strndup (g_bytes_get_data (text00, NULL),
                                        g_bytes_get_size (text00));
    g_autoptr(GBytes) png00 = NULL;
    g_autofree char *png00_path = g_build_filename (f->td.dir, "card00.png", NULL);

    g_strchomp (shc00);
    png00 = make_qr_png (shc00);
    g_assert_true (g_file_set_contents (png00_path, g_bytes_get_data (png00, NULL),
                                        (gssize) g_bytes_get_size (png00), NULL));
    g_assert_cmpint (cli (f, &out, &err, "import", "--offline", png00_path, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "Imported 1 card: 4 added"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  g_assert_cmpint (cli (f, &out, &err, "import", "--offline", file00, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 1 card: "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* show prints the card's provenance. */
  {
    g_autoptr(HfSecret) pass = hf_test_secret (PASS);
    g_autoptr(GError) error = NULL;

    f->vault = hf_vault_open (f->td.vault, NULL, pass, &error);
    g_assert_no_error (error);
    record_id = hf_test_count_sql (f->vault, "SELECT min(id) FROM resource WHERE "
                                             "resource_type = 'Immunization'");
  }
  id = g_strdup_printf ("%" G_GINT64_FORMAT, record_id);
  g_assert_cmpint (cli (f, &out, &err, "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "SMART Health Card (health-card) signed by " SPEC_ISS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* trust import-directory: VCI's list of participating issuers; a file that is not one. */
  {
    g_autofree char *dir_file = hf_test_write_file (&f->td, "vci-issuers.json",
                                                    "{\"participating_issuers\":[{\"iss\":"
                                                    "\"https://a.example\",\"name\":\"A\"}]}");
    g_autofree char *bad_file = hf_test_write_file (&f->td, "bad.json", "[1]");

    g_assert_cmpint (cli (f, &out, &err, "trust", "import-directory", dir_file, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "1 issuers, 0 of them with 0 keys"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (cli (f, &out, &err, "trust", "list", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "Issuer directory vci-issuers.json (imported by alice"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (cli (f, &out, &err, "trust", "import-directory", bad_file, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "not a JSON object"));
  }
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)
  ADD ("/shc/examples", test_examples);
  ADD ("/shc/chunks", test_chunks);
  ADD ("/shc/revoked", test_revoked);
  g_test_add_func ("/shc/revocation-unknown", test_revocation_unknown);
  ADD ("/shc/multi", test_multi);
  ADD ("/shc/negative", test_negative);
  ADD ("/shc/negative-chunks-together", test_negative_chunks_together);
  ADD ("/shc/hostile-payloads", test_hostile_payloads);
  ADD ("/shc/key-rules", test_key_rules);
  g_test_add_func ("/shc/key-vectors", test_key_vectors);
  ADD ("/shc/qr-image", test_qr_image);
  ADD ("/shc/qr-hostile", test_qr_hostile);
  ADD ("/shc/import", test_import);
  ADD ("/shc/import-unverified", test_import_unverified);
  g_test_add_func ("/shc/fetch", test_fetch);
  g_test_add_func ("/shc/directory", test_directory);
  ADD ("/shc/cli", test_cli);
#undef ADD

  return g_test_run ();
}
