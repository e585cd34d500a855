/* test-shl.c — opening SMART Health Links against a loopback link server
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Links are made here (payload JSON, base64url) and their files encrypted with
 * hf_jwe_encrypt_dir (the "zip": "DEF" one by hand, as hf-jose does not compress); the server
 * is tests/hf-shl-server.c, over plain http on 127.0.0.1, which the client allows for loopback
 * only. Every case opens a real vault.
 */

#include <json-glib/json-glib.h>
#include <openssl/evp.h>
#include <string.h>

#include "hf-deflate.h"
#include "hf-error.h"
#include "hf-fhir-server.h"
#include "hf-jose.h"
#include "hf-jwk.h"
#include "hf-shl-server.h"
#include "hf-shc.h"
#include "hf-shl.h"
#include "hf-trust.h"
#include "hf-test-util.h"

#define PASS     "the owner's long passphrase"
#define FHIR     "application/fhir+json"
#define FHIR_V   "application/fhir+json;fhirVersion=4.0.1"

typedef struct
{
  HfTestDir    td;
  HfVault     *vault;
  HfShlServer *server;
  HfSecret    *key;
  char        *pass_file;
} Fixture;

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
  f->server = hf_shl_server_new ();
  f->key = hf_secret_new_random (32);
  f->pass_file = hf_test_write_file (&f->td, "pass", PASS);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  hf_shl_server_free (f->server);
  hf_secret_free (f->key);
  g_free (f->pass_file);
  hf_test_dir_teardown (&f->td, data);
}

/* A small Bundle: the patient and observation N (its own id, so files add up). */
static char *
bundle_json (guint n)
{
  return g_strdup_printf (
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:0b9b5a6e-1f0d-4c57-9d1e-00000000000%u\",\"resource\":"
    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"Example\","
    "\"given\":[\"Alice\"]}],\"birthDate\":\"1980-04-02\"}},"
    "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"obs-%u\",\"status\":\"final\","
    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\","
    "\"display\":\"Heart rate\"}]},\"subject\":{\"reference\":\"Patient/p1\"},"
    "\"effectiveDateTime\":\"2026-0%u-01T08:00:00Z\",\"valueQuantity\":{\"value\":%u,"
    "\"unit\":\"/min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}}]}",
    n % 10, n, 1 + n % 9, 60 + n);
}

static char *
encrypt (const HfSecret *key,
         const char     *cty,
         const char     *text)
{
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *token;

  if (cty != NULL)
    json_object_set_string_member (extra, "cty", cty);
  token = hf_jwe_encrypt_dir (key, extra, (const guint8 *) text, strlen (text), &error);
  g_assert_no_error (error);
  return token;
}

static char *
encrypt_bundle (Fixture *f,
                guint    n)
{
  g_autofree char *json = bundle_json (n);

  return encrypt (f->key, FHIR, json);
}

/* "zip": "DEF" by hand: hf_jwe_encrypt_dir never compresses. */
static char *
encrypt_zipped (const HfSecret *key,
                const char     *text)
{
  g_autoptr(GBytes) deflated = hf_deflate_raw ((const guint8 *) text, strlen (text));
  const char *header = "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"cty\":\"" FHIR "\","
                       "\"zip\":\"DEF\"}";
  g_autofree char *header_b64 = hf_base64url_encode ((const guint8 *) header, strlen (header));
  g_autofree guint8 *ct = g_malloc (g_bytes_get_size (deflated) + 16);
  g_autofree char *iv_b64 = NULL, *ct_b64 = NULL, *tag_b64 = NULL;
  guint8 iv[12];
  guint8 tag[16];
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0, total = 0;

  for (guint i = 0; i < sizeof iv; i++)
    iv[i] = g_random_int_range (0, 256);
  g_assert_true (EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, hf_secret_peek (key), iv));
  g_assert_true (EVP_EncryptUpdate (ctx, NULL, &n, (const guint8 *) header_b64,
                                    strlen (header_b64)));
  g_assert_true (EVP_EncryptUpdate (ctx, ct, &n, g_bytes_get_data (deflated, NULL),
                                    g_bytes_get_size (deflated)));
  total = n;
  g_assert_true (EVP_EncryptFinal_ex (ctx, ct + total, &n));
  total += n;
  g_assert_true (EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, 16, tag));
  EVP_CIPHER_CTX_free (ctx);
  iv_b64 = hf_base64url_encode (iv, sizeof iv);
  ct_b64 = hf_base64url_encode (ct, total);
  tag_b64 = hf_base64url_encode (tag, sizeof tag);
  return g_strjoin (".", header_b64, "", iv_b64, ct_b64, tag_b64, NULL);
}

/* "shlink:/" + base64url (PAYLOAD_JSON). */
static char *
link_text (const char *payload_json)
{
  g_autofree char *b64 = hf_base64url_encode ((const guint8 *) payload_json,
                                              strlen (payload_json));

  return g_strconcat ("shlink:/", b64, NULL);
}

/* A link to URL with the fixture's key; EXTRA: more members, "" for none. */
static char *
make_link (Fixture    *f,
           const char *url,
           const char *extra)
{
  g_autofree char *key = hf_base64url_encode (hf_secret_peek (f->key), 32);
  g_autofree char *payload = g_strdup_printf ("{\"url\":\"%s\",\"key\":\"%s\"%s%s}", url, key,
                                              *extra != '\0' ? "," : "", extra);

  return link_text (payload);
}

static HfShlLink *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  HfShlLink *link = hf_shl_link_parse (text, -1, &error);

  g_assert_no_error (error);
  if (link == NULL)
    g_error ("no link");
  return link;
}

static gint64
records (Fixture *f)
{
  return hf_test_count_sql (f->vault, "SELECT count(*) FROM resource");
}

static gboolean
open_link (Fixture         *f,
           const char      *text,
           const char      *passcode,
           HfShlImport    **out,
           GError         **error)
{
  g_autoptr(HfShlLink) link = parse_ok (text);
  g_autoptr(HfSecret) code = passcode != NULL ? hf_test_secret (passcode) : NULL;
  HfShlOpenOptions options = { "Dr. Test", code, NULL };

  return hf_shl_import (f->vault, link, &options, NULL, NULL, out, error);
}

/* {{{ the payload */

static void
test_parse (void)
{
  static const char key[] = "rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q";
  g_autofree char *text = NULL;
  g_autofree char *viewer = NULL;
  g_autoptr(HfShlLink) link = NULL;
  g_autoptr(HfShlLink) again = NULL;

  /* The spec's example payload, with a member and a flag letter of some later version. */
  text = link_text ("{\"url\":\"https://ehr.example.org/qr/Y9xwkUdtmN9wwoJoN3ffJIhX2UGvCL1JnlP"
                    "VNL3kDWM/m\",\"flag\":\"LPX\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAw"
                    "IWQe6uX7Q\",\"label\":\"Back-to-school immunizations for Oliver Brown\","
                    "\"exp\":1893456000,\"v\":1,\"future\":{\"x\":1}}");
  link = parse_ok (text);
  g_assert_cmpstr (link->url, ==, "https://ehr.example.org/qr/Y9xwkUdtmN9wwoJoN3ffJIhX2UGvCL1J"
                                  "nlPVNL3kDWM/m");
  g_assert_cmpuint (link->flags, ==, HF_SHL_FLAG_LONG_TERM | HF_SHL_FLAG_PASSCODE);
  g_assert_cmpstr (link->label, ==, "Back-to-school immunizations for Oliver Brown");
  g_assert_cmpint (link->exp, ==, 1893456000);
  g_assert_cmpint (link->version, ==, 1);
  g_assert_cmpuint (hf_secret_get_size (link->key), ==, 32);
  g_assert_cmpstr (link->uri, ==, text);
  g_assert_false (hf_shl_link_is_expired (link, 1893455999));
  g_assert_true (hf_shl_link_is_expired (link, 1893456000));
  {
    g_autofree char *b64 = hf_base64url_encode (hf_secret_peek (link->key), 32);

    g_assert_cmpstr (b64, ==, key);
  }

  /* Behind a viewer's prefix, with a trailing newline. */
  viewer = g_strconcat ("https://viewer.example.org/open#", text, "\n", NULL);
  g_assert_true (hf_shl_is_link (viewer));
  again = parse_ok (viewer);
  g_assert_cmpstr (again->uri, ==, text);
  g_assert_false (hf_shl_is_link ("/tmp/shlink.json"));
}

static void
refused (const char *payload,
         const char *words)
{
  g_autofree char *text = link_text (payload);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfShlLink) link = hf_shl_link_parse (text, -1, &error);

  g_assert_null (link);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” not in “%s”", words, error->message);
}

#define KEY43 "rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q"

static void
test_parse_refused (void)
{
  g_autofree char *label80 = g_strnfill (80, 'a');
  g_autofree char *label81 = g_strnfill (81, 'a');
  g_autofree char *ok80 = g_strdup_printf ("{\"url\":\"https://a.example/m\",\"key\":\"" KEY43
                                           "\",\"label\":\"%s\"}", label80);
  g_autofree char *bad81 = g_strdup_printf ("{\"url\":\"https://a.example/m\",\"key\":\"" KEY43
                                            "\",\"label\":\"%s\"}", label81);
  g_autofree char *text80 = link_text (ok80);
  g_autoptr(HfShlLink) link = parse_ok (text80);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strlen (link->label), ==, 80);
  /* Hostile: a key of 42 characters, a label of 81. */
  refused ("{\"url\":\"https://a.example/m\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7\"}",
           "42 characters");
  refused (bad81, "81 characters");
  refused ("{\"url\":\"https://a.example/m\",\"key\":\"" KEY43 "\",\"v\":2}", "version 2");
  refused ("{\"url\":\"https://a.example/m\",\"key\":\"" KEY43 "\",\"flag\":\"PL\"}",
           "alphabetical order");
  refused ("{\"url\":\"https://a.example/m\",\"key\":\"" KEY43 "\",\"flag\":\"PU\"}", "“U”");
  refused ("{\"url\":\"http://a.example/m\",\"key\":\"" KEY43 "\"}", "not allowed");
  refused ("{\"key\":\"" KEY43 "\"}", "no address");
  refused ("{\"url\":\"https://a.example/m\"}", "no key");
  refused ("{\"url\":\"https://a.example/m\",\"key\":\"" KEY43 "\",\"exp\":\"soon\"}", "expiry");
  refused ("[1]", "not a JSON object");
  refused ("{\"url\":\"https://a.example/m\",\"url\":\"https://b.example/m\",\"key\":\"" KEY43
           "\"}", "not valid JSON");
  g_assert_null (hf_shl_link_parse ("shlink:/eyJ!", -1, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (hf_shl_link_parse ("https://viewer.example/#nothing", -1, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
}

/* The spec's manifest example (STU1 "Example SHL Manifest 1"), the embedded JWE shortened. */
static void
test_manifest_parse (void)
{
  static const char example[] =
    "{\"status\":\"finalized\",\"files\":[{\"contentType\":\"application/smart-health-card\","
    "\"location\":\"https://bucket.cloud.example.org/file1?sas=MFXK6jL3oL3SI_lRfi_-cEfzIs5oHs6r"
    "RWmrsCAFzvk\"},{\"contentType\":\"application/smart-health-card\",\"embedded\":\"eyJhbGci"
    "OiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..8zH0NmUXGwMOqEya.xdGRpgyvE9vNoKzHlr4itKKW2vo\"},"
    "{\"contentType\":\"application/fhir+json;fhirVersion=4.0.1\",\"location\":\"https://bucke"
    "t.cloud.example.org/file2?sas=T34xzj1XtqTYb2lzcgj59XCY4I6vLN3AwrTUIT9GuSc\","
    "\"lastUpdated\":\"2025-03-09T15:29:46Z\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(HfShlManifest) m = hf_shl_manifest_parse (example, strlen (example), &error);
  HfShlFile *file;

  g_assert_no_error (error);
  if (m == NULL)
    g_error ("no manifest");
  g_assert_cmpstr (m->status, ==, "finalized");
  g_assert_cmpuint (m->files->len, ==, 3);
  file = g_ptr_array_index (m->files, 1);
  g_assert_cmpstr (file->content_type, ==, "application/smart-health-card");
  g_assert_nonnull (file->embedded);
  g_assert_null (file->location);

  {
    static const char both[] = "{\"files\":[{\"contentType\":\"a\",\"embedded\":\"x\","
                               "\"location\":\"https://a.example/f\"}]}";
    static const char plain[] = "{\"files\":[{\"contentType\":\"a\","
                                "\"location\":\"http://a.example/f\"}]}";

    g_assert_null (hf_shl_manifest_parse (both, strlen (both), &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    g_assert_null (hf_shl_manifest_parse (plain, strlen (plain), &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  }
}

/* }}} */
/* {{{ opening */

static void
test_embedded (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "e", NULL, 0);
  g_autofree char *text = make_link (f, url, "\"label\":\"Visit summary\"");
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *jwe = encrypt_bundle (f, i);

      hf_shl_server_add_file (f->server, "e", FHIR_V, jwe, TRUE);
    }
  g_assert_true (open_link (f, text, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result != NULL);
  g_assert_cmpuint (result->files, ==, 3);
  g_assert_cmpuint (result->requests, ==, 1);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  g_assert_cmpuint (result->imported->added, ==, 4);   /* the patient and 3 observations */
  g_assert_cmpint (records (f), ==, 4);
  body = hf_shl_server_dup_last_request (f->server);
  g_assert_nonnull (strstr (body, "\"recipient\":\"Dr. Test\""));
  g_assert_nonnull (strstr (body, "\"embeddedLengthMax\":"));
  g_assert_null (strstr (body, "passcode"));

  /* Opened again: the same source, nothing new. */
  g_clear_pointer (&result, hf_shl_import_free);
  g_assert_true (open_link (f, text, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result != NULL);
  g_assert_cmpuint (result->imported->added, ==, 0);
  g_assert_cmpint (records (f), ==, 4);
}

static void
test_location (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "l", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *jwe = encrypt_bundle (f, i);

      hf_shl_server_add_file (f->server, "l", FHIR, jwe, FALSE);
    }
  g_assert_true (open_link (f, text, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hf_shl_server_count (f->server, "location"), ==, 2);
  g_assert_cmpint (records (f), ==, 3);
}

static void
test_direct (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "u", NULL, 0);
  g_autofree char *text = make_link (f, url, "\"flag\":\"U\"");
  g_autofree char *jwe = encrypt_bundle (f, 1);
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *query = NULL;

  hf_shl_server_add_file (f->server, "u", FHIR, jwe, TRUE);
  g_assert_true (open_link (f, text, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hf_shl_server_count (f->server, "direct"), ==, 1);
  g_assert_cmpuint (hf_shl_server_count (f->server, "manifest"), ==, 0);
  query = hf_shl_server_dup_last_query (f->server);
  g_assert_cmpstr (query, ==, "recipient=Dr.%20Test");
  g_assert_cmpint (records (f), ==, 2);
}

static void
test_passcode (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "p", "1234", 3);
  g_autofree char *text = make_link (f, url, "\"flag\":\"LP\"");
  g_autofree char *jwe = encrypt_bundle (f, 1);
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  hf_shl_server_add_file (f->server, "p", FHIR, jwe, TRUE);
  /* Wrong: the attempts left in words, nothing imported. */
  g_assert_false (open_link (f, text, "4321", &result, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "2 attempts are left"));
  g_assert_cmpint (records (f), ==, 0);
  g_clear_error (&error);
  g_assert_false (open_link (f, text, "0000", &result, &error));
  g_assert_nonnull (strstr (error->message, "1 attempt is left"));
  g_clear_error (&error);
  /* No passcode at all: refused before any request. */
  g_assert_false (open_link (f, text, NULL, &result, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_cmpuint (hf_shl_server_count (f->server, "all"), ==, 2);
  g_clear_error (&error);
  /* Right. */
  g_assert_true (open_link (f, text, "1234", &result, &error));
  g_assert_no_error (error);
  body = hf_shl_server_dup_last_request (f->server);
  g_assert_nonnull (strstr (body, "\"passcode\":\"1234\""));
  g_assert_cmpint (records (f), ==, 2);
}

static void
test_passcode_exhausted (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "x", "1234", 1);
  g_autofree char *text = make_link (f, url, "\"flag\":\"P\"");
  g_autofree char *jwe = encrypt_bundle (f, 1);
  g_autoptr(GError) error = NULL;

  hf_shl_server_add_file (f->server, "x", FHIR, jwe, TRUE);
  g_assert_false (open_link (f, text, "9999", NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "no attempts are left"));
  g_clear_error (&error);
  /* The budget is spent: even the right passcode finds the link gone. */
  g_assert_false (open_link (f, text, "1234", NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no longer active"));
  g_assert_cmpint (records (f), ==, 0);
}

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "old", NULL, 0);
  g_autofree char *text = make_link (f, url, "\"exp\":1700000000");
  g_autofree char *jwe = encrypt_bundle (f, 1);
  g_autoptr(GError) error = NULL;

  hf_shl_server_add_file (f->server, "old", FHIR, jwe, TRUE);
  g_assert_false (open_link (f, text, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "expired on 2023-11-14"));
  g_assert_cmpuint (hf_shl_server_count (f->server, "all"), ==, 0);
  g_assert_cmpint (records (f), ==, 0);
}

static void
test_not_active (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "gone", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autoptr(GError) error = NULL;

  hf_shl_server_disable_link (f->server, "gone");
  g_assert_false (open_link (f, text, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no longer active"));
}

static void
test_location_expires (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "exp", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *jwe = encrypt_bundle (f, i);

      hf_shl_server_add_file (f->server, "exp", FHIR, jwe, FALSE);
    }
  /* The first file is fetched, then every location expires: the second is asked for again
   * through a new manifest request. */
  hf_shl_server_expire_locations_after (f->server, 1);
  g_assert_true (open_link (f, text, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hf_shl_server_count (f->server, "manifest"), ==, 2);
  g_assert_cmpuint (hf_shl_server_count (f->server, "expired"), ==, 1);
  g_assert_cmpuint (hf_shl_server_count (f->server, "location"), ==, 4);
  g_assert_cmpint (records (f), ==, 4);

  /* A location that has always expired: asked for again once, then refused. */
  g_clear_pointer (&result, hf_shl_import_free);
  {
    g_autofree char *url2 = hf_shl_server_add_link (f->server, "never", NULL, 0);
    g_autofree char *text2 = make_link (f, url2, "");
    g_autofree char *manifest = g_strdup_printf ("{\"files\":[{\"contentType\":\"" FHIR "\","
                                                 "\"location\":\"%s/files/none\"}]}",
                                                 hf_shl_server_get_origin (f->server));

    hf_shl_server_set_manifest (f->server, "never", manifest);
    g_assert_false (open_link (f, text2, NULL, &result, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_NETWORK);
    g_assert_nonnull (strstr (error->message, "403"));
    g_assert_cmpuint (hf_shl_server_count (f->server, "manifest"), ==, 4);
  }
  g_assert_cmpint (records (f), ==, 4);
}

static void
test_tampered (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "t", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *jwe = encrypt_bundle (f, i);

      if (i == 3)
        {
          /* One bit of the ciphertext flipped. */
          char *ct = strchr (strchr (strchr (jwe, '.') + 1, '.') + 1, '.') + 1;

          ct[2] = ct[2] == 'A' ? 'B' : 'A';
        }
      hf_shl_server_add_file (f->server, "t", FHIR, jwe, i != 2);
    }
  g_assert_false (open_link (f, text, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_assert_nonnull (strstr (error->message, "File 3"));
  g_assert_cmpint (records (f), ==, 0);

  /* Another link's key. */
  g_clear_error (&error);
  {
    g_autoptr(HfSecret) other = hf_secret_new_random (32);
    g_autofree char *json = bundle_json (9);
    g_autofree char *jwe = encrypt (other, FHIR, json);

    hf_shl_server_clear_files (f->server, "t");
    hf_shl_server_add_file (f->server, "t", FHIR, jwe, TRUE);
    g_assert_false (open_link (f, text, NULL, NULL, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  }
  g_assert_cmpint (records (f), ==, 0);
}

static void
test_zip (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "z", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autofree char *json = bundle_json (1);
  g_autofree char *jwe = encrypt_zipped (f->key, json);
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;

  hf_shl_server_add_file (f->server, "z", FHIR, jwe, TRUE);
  g_assert_true (open_link (f, text, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (records (f), ==, 2);
}

static void
test_no_cty (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "n", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autofree char *json = bundle_json (1);
  g_autofree char *jwe = encrypt (f->key, NULL, json);
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;

  hf_shl_server_add_file (f->server, "n", FHIR, jwe, TRUE);
  g_assert_true (open_link (f, text, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result != NULL);
  g_assert_cmpuint (result->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (result->warnings, 0), "“cty”"));
  g_assert_cmpint (records (f), ==, 2);
}

static void
test_other_kinds (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "k", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autofree char *fhir = encrypt_bundle (f, 1);
  g_autofree char *api = encrypt (f->key, "application/smart-api-access",
                                  "{\"aud\":\"https://ehr.example/fhir\"}");
  g_autofree char *card = encrypt (f->key, "application/smart-health-card",
                                   "{\"verifiableCredential\":[\"x.y.z\"]}");
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;

  /* An API access file is left out with a warning, the rest imported. */
  hf_shl_server_add_file (f->server, "k", FHIR, fhir, TRUE);
  hf_shl_server_add_file (f->server, "k", "application/smart-api-access", api, TRUE);
  g_assert_true (open_link (f, text, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result != NULL);
  g_assert_cmpuint (result->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (result->warnings, 0), "not supported yet"));
  g_assert_cmpint (records (f), ==, 2);

  /* A card file that holds no card: the whole link is refused, the good file with it. */
  hf_shl_server_clear_files (f->server, "k");
  {
    g_autofree char *more = encrypt_bundle (f, 2);

    hf_shl_server_add_file (f->server, "k", FHIR, more, TRUE);
  }
  hf_shl_server_add_file (f->server, "k", "application/smart-health-card", card, TRUE);
  g_assert_false (open_link (f, text, NULL, NULL, &error));
  g_assert_true (error != NULL && error->domain == HF_SHC_ERROR);
  g_assert_nonnull (strstr (error->message, "File 2 of the link is a SMART Health Card"));
  g_assert_cmpint (records (f), ==, 2);
}

/* A link holding the framework's example 00 card: refused while its issuer is not trusted
 * (offline: no key to fetch), imported with the card's verification once it is. */
#define CRL_KID "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"

static void
test_card (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "c", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autofree char *card_path = g_build_filename (g_getenv ("HF_TEST_DATA"), "shc",
                                                 "example-00-e-file.smart-health-card", NULL);
  g_autofree char *jwks_path = g_build_filename (g_getenv ("HF_TEST_DATA"), "shc", "issuer",
                                                 ".well-known", "jwks.json", NULL);
  g_autofree char *card = NULL;
  g_autofree char *jwks = NULL;
  g_autofree char *jwe = NULL;
  g_autoptr(HfShlLink) link = parse_ok (text);
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GError) error = NULL;
  HfShlOpenOptions options = { "Dr. Test", NULL, NULL, TRUE, FALSE };

  g_assert_true (g_file_get_contents (card_path, &card, NULL, NULL));
  g_assert_true (g_file_get_contents (jwks_path, &jwks, NULL, NULL));
  jwe = encrypt (f->key, "application/smart-health-card", card);
  hf_shl_server_add_file (f->server, "c", "application/smart-health-card", jwe, FALSE);

  g_assert_false (hf_shl_import (f->vault, link, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "could not be verified"));
  g_clear_error (&error);
  g_assert_cmpint (records (f), ==, 0);

  /* Its key has "crlVersion": offline, the revocation list is needed by hand too. */
  hf_trust_add (f->vault, "https://spec.smarthealth.cards/examples/issuer", jwks, strlen (jwks),
                NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *crl_path = g_build_filename (g_getenv ("HF_TEST_DATA"), "shc", "issuer",
                                                  ".well-known", "crl", CRL_KID ".json", NULL);
    g_autofree char *crl = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (crl_path, &crl, &length, NULL));
    g_assert_true (hf_shc_add_crl (f->vault, "https://spec.smarthealth.cards/examples/issuer",
                                   CRL_KID, crl, length, &error));
    g_assert_no_error (error);
  }
  hf_shl_import (f->vault, link, &options, NULL, NULL, &result, &error);
  g_assert_no_error (error);
  g_assert_true (result != NULL);
  g_assert_cmpint (records (f), ==, 4);   /* a Patient and three Immunizations */
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM import_signature WHERE "
                                                "kind = 'shc' AND status = 'verified'"), ==, 1);
}

/* An "L" link kept as a source, synced twice: the second sync adds only what was added to the
 * link since. */
static void
test_source (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "keep", NULL, 0);
  g_autofree char *text = make_link (f, url, "\"flag\":\"L\",\"label\":\"My clinic\"");
  g_autofree char *once = make_link (f, url, "");
  g_autoptr(HfShlSource) source = NULL;
  g_autoptr(HfShlSource) again = NULL;
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *jwe = encrypt_bundle (f, i);

      hf_shl_server_add_file (f->server, "keep", FHIR, jwe, i == 1);
    }
  g_assert_null (hf_shl_source_add (f->vault, "once", once, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "“L”"));
  g_clear_error (&error);

  source = hf_shl_source_add (f->vault, "clinic", text, "Dr. Keep", &error);
  g_assert_no_error (error);
  g_assert_true (source != NULL);
  g_assert_cmpstr (source->url, ==, url);
  g_assert_cmpstr (source->label, ==, "My clinic");
  g_assert_cmpint (source->last_sync, ==, 0);
  g_assert_cmpuint (hf_shl_server_count (f->server, "all"), ==, 0);   /* nothing fetched */
  g_assert_null (hf_shl_source_add (f->vault, "clinic", text, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_true (hf_shl_source_sync (f->vault, "clinic", NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result != NULL);
  g_assert_cmpuint (result->imported->added, ==, 3);
  body = hf_shl_server_dup_last_request (f->server);
  g_assert_nonnull (strstr (body, "\"recipient\":\"Dr. Keep\""));

  /* The link's holder adds a file; the next sync is a new manifest request. */
  {
    g_autofree char *jwe = encrypt_bundle (f, 3);

    hf_shl_server_add_file (f->server, "keep", FHIR, jwe, TRUE);
  }
  g_clear_pointer (&result, hf_shl_import_free);
  g_assert_true (hf_shl_source_sync (f->vault, "clinic", NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result != NULL);
  g_assert_cmpuint (result->files, ==, 3);
  g_assert_cmpuint (result->imported->added, ==, 1);
  g_assert_cmpuint (hf_shl_server_count (f->server, "manifest"), ==, 2);
  g_assert_cmpint (records (f), ==, 4);
  again = hf_shl_source_get (f->vault, "clinic", &error);
  g_assert_no_error (error);
  g_assert_true (again != NULL);
  g_assert_cmpint (again->last_sync, >, 0);
  g_assert_nonnull (strstr (again->last_status, "1 added"));

  /* The link is revoked: the sync says so, and its status keeps it. */
  hf_shl_server_disable_link (f->server, "keep");
  g_assert_false (hf_shl_source_sync (f->vault, "clinic", NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&again, hf_shl_source_free);
  again = hf_shl_source_get (f->vault, "clinic", &error);
  g_assert_true (again != NULL);
  g_assert_nonnull (strstr (again->last_status, "no longer active"));

  list = hf_shl_source_list (f->vault, &error);
  g_assert_no_error (error);
  g_assert_true (list != NULL);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (hf_shl_source_remove (f->vault, "clinic", &error));
  g_assert_no_error (error);
  g_clear_pointer (&again, hf_shl_source_free);
  again = hf_shl_source_get (f->vault, "clinic", &error);
  g_assert_null (again);
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
  g_assert_cmpint (records (f), ==, 4);   /* its records stay */
}

/* Hostile: a manifest listing 100,000 files is refused without fetching any. */
static void
test_many_files (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "many", NULL, 0);
  g_autofree char *text = make_link (f, url, "");
  g_autoptr(GString) manifest = g_string_new ("{\"files\":[");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (manifest, "%s{\"contentType\":\"" FHIR "\",\"location\":"
                            "\"%s/files/%u\"}", i > 0 ? "," : "",
                            hf_shl_server_get_origin (f->server), i);
  g_string_append (manifest, "]}");
  hf_shl_server_set_manifest (f->server, "many", manifest->str);
  g_assert_false (open_link (f, text, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "100000 files"));
  g_assert_cmpuint (hf_shl_server_count (f->server, "all"), ==, 1);
  g_assert_cmpint (records (f), ==, 0);
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
  int code;

  g_ptr_array_add (args, "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, "--passphrase-file");
  g_ptr_array_add (args, f->pass_file);
  va_start (ap, err);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  code = hf_test_cli_v (out, err, (const char * const *) args->pdata);
  g_test_message ("exit %d; out: %s; err: %s", code, *out, *err);
  return code;
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "c", "1234", 5);
  g_autofree char *text = make_link (f, url, "\"flag\":\"P\",\"label\":\"From the clinic\"");
  g_autofree char *viewer = g_strconcat ("https://viewer.example/#", text, NULL);
  g_autofree char *good = hf_test_write_file (&f->td, "code", "1234\n");
  g_autofree char *bad = hf_test_write_file (&f->td, "bad-code", "9999\n");
  g_autofree char *jwe = encrypt_bundle (f, 1);
  g_autofree char *expired = make_link (f, url, "\"exp\":1700000000");
  g_autofree char *body = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  hf_shl_server_add_file (f->server, "c", FHIR, jwe, TRUE);
  g_clear_object (&f->vault);

  g_assert_cmpint (cli (f, &out, &err, "import", text, "--passcode-file", bad, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "4 attempts are left"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli (f, &out, &err, "import", viewer, "--passcode-file", good,
                        "--recipient", "Dr. Who", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "From the clinic"));
  g_assert_nonnull (strstr (out, "2 added"));
  body = hf_shl_server_dup_last_request (f->server);
  g_assert_nonnull (strstr (body, "\"recipient\":\"Dr. Who\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli (f, &out, &err, "--json", "import", text, "--passcode-file", good,
                        NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"unchanged\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli (f, &out, &err, "import", expired, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "expired"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A link is imported alone. */
  g_assert_cmpint (cli (f, &out, &err, "import", text, f->pass_file, NULL), ==, 1);
}


static void
test_cli_source (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *url = hf_shl_server_add_link (f->server, "cs", "1234", 5);
  g_autofree char *text = make_link (f, url, "\"flag\":\"LP\"");
  g_autofree char *code = hf_test_write_file (&f->td, "code", "1234\n");
  g_autofree char *jwe = encrypt_bundle (f, 1);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  hf_shl_server_add_file (f->server, "cs", FHIR, jwe, TRUE);
  g_clear_object (&f->vault);
  g_assert_cmpint (cli (f, &out, &err, "source", "add", "clinic", text, NULL), ==, 0);
  g_assert_null (strstr (out, "shlink:/"));   /* the key is never printed */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, &err, "source", "sync", "clinic", "--passcode-file", code,
                        NULL), ==, 0);
  g_assert_nonnull (strstr (out, "clinic: 2 added"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    g_autofree char *more = encrypt_bundle (f, 2);

    hf_shl_server_add_file (f->server, "cs", FHIR, more, TRUE);
  }
  g_assert_cmpint (cli (f, &out, &err, "source", "sync", "--all", "--passcode-file", code,
                        NULL), ==, 0);
  g_assert_nonnull (strstr (out, "clinic: 1 added"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, &err, "source", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "SMART Health Link, with a passcode"));
  g_assert_null (strstr (out, "shlink:/"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, &err, "source", "remove", "clinic", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, &err, "source", "sync", "clinic", NULL), ==, 1);
}

/* Over https (the FHIR test server serves a U link's file at a path): the link's server is
 * trusted only with --ca-file, and a plain http link elsewhere than loopback is refused. */
static void
test_cli_https (Fixture       *f,
                gconstpointer  data)
{
  HfFhirServer *https = hf_fhir_server_new_https (FALSE);
  g_autofree char *ca_file = hf_test_write_file (&f->td, "ca.pem", hf_fhir_server_get_ca_pem ());
  g_autofree char *url = g_strconcat (hf_fhir_server_get_origin (https), "/shl/one", NULL);
  g_autofree char *text = make_link (f, url, "\"flag\":\"U\"");
  g_autofree char *jwe = encrypt_bundle (f, 1);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  hf_fhir_server_put_file (https, "/shl/one", "application/jose", jwe, strlen (jwe));
  g_clear_object (&f->vault);
  g_assert_cmpint (cli (f, &out, &err, "import", text, NULL), ==, 5);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, &err, "import", text, "--ca-file", ca_file, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 1 file from the link: 2 added"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A redirect from https to plain http is not followed, even to this computer. */
  {
    g_autofree char *plain = hf_shl_server_add_link (f->server, "plain", NULL, 0);
    g_autofree char *moved = g_strconcat (hf_fhir_server_get_origin (https), "/shl/moved", NULL);
    g_autofree char *moved_text = make_link (f, moved, "\"flag\":\"U\"");

    hf_shl_server_add_file (f->server, "plain", FHIR, jwe, TRUE);
    hf_fhir_server_put_redirect (https, "/shl/moved", plain);
    g_assert_cmpint (cli (f, &out, &err, "import", moved_text, "--ca-file", ca_file, NULL), ==,
                     5);
    g_assert_nonnull (strstr (err, "redirect"));
    g_assert_cmpuint (hf_shl_server_count (f->server, "all"), ==, 0);
  }
  hf_fhir_server_free (https);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/hf/shl/parse", test_parse);
  g_test_add_func ("/hf/shl/parse-refused", test_parse_refused);
  g_test_add_func ("/hf/shl/manifest-parse", test_manifest_parse);
#define ADD(path, fn) \
  g_test_add ("/hf/shl/" path, Fixture, path, setup, fn, teardown)
  ADD ("embedded", test_embedded);
  ADD ("location", test_location);
  ADD ("direct", test_direct);
  ADD ("passcode", test_passcode);
  ADD ("passcode-exhausted", test_passcode_exhausted);
  ADD ("expired", test_expired);
  ADD ("not-active", test_not_active);
  ADD ("location-expires", test_location_expires);
  ADD ("tampered", test_tampered);
  ADD ("zip", test_zip);
  ADD ("no-cty", test_no_cty);
  ADD ("other-kinds", test_other_kinds);
  ADD ("card", test_card);
  ADD ("hostile-many-files", test_many_files);
  ADD ("source", test_source);
  ADD ("cli", test_cli);
  ADD ("cli-source", test_cli_source);
  ADD ("cli-https", test_cli_https);
#undef ADD
  return g_test_run ();
}
