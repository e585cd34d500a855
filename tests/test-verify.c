/* test-verify.c — JWKS, the trust store, verifying signed bundles, and importing them
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tokens are made here with hf-jose over a real Synthea Bundle; issuers' keys are served by
 * the loopback https server (tests/hf-fhir-server.c) with its test CA, which the client is
 * given as an extra CA file, as sources are.
 */

#include <json-glib/json-glib.h>
#include <openssl/hmac.h>
#include <string.h>

#include "hf-error.h"
#include "hf-fhir-server.h"
#include "hf-import.h"
#include "hf-jose.h"
#include "hf-jwk.h"
#include "hf-jwks.h"
#include "hf-records.h"
#include "hf-test-util.h"
#include "hf-trust.h"
#include "hf-verify.h"
#include "hf-vault-private.h"

#define PASS    "the owner's long passphrase"
#define CLINIC  "https://clinic.example"
#define KID     "clinic-2026"
#define BUNDLE  "synthea/Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json"

/* RFC 7517 Appendix A.1: an EC P-256 key ("enc") and an RSA key. */
#define RFC_A1 "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\"," \
  "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\"," \
  "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\",\"use\":\"enc\",\"kid\":\"1\"}," \
  "{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86z" \
  "wu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6" \
  "Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbIS" \
  "D08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJ" \
  "zKnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}]}"
/* Appendix A.2's private part of the same EC key. */
#define RFC_D "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"

typedef struct
{
  HfTestDir     td;
  HfVault      *vault;
  HfJoseKey    *key;           /* the clinic's signing key */
  char         *jwks;          /* its public key set */
  GBytes       *bundle;        /* a Synthea patient's Bundle */
  HfFhirServer *server;        /* https, for fetched keys */
  char         *ca_file;
  char         *pass_file;
} Fixture;

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

static char *
jwks_of (const HfJoseKey *key,
         const char      *kid)
{
  g_autoptr(JsonObject) jwk = hf_jose_key_dup_public_jwk (key);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) root = NULL;

  json_object_set_string_member (jwk, "kid", kid);
  json_object_set_string_member (jwk, "use", "sig");
  json_object_set_string_member (jwk, "alg", "ES256");
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, jwk);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  json_builder_add_value (b, g_steal_pointer (&node));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The private JWK of KEY, as a file's text. */
static char *
private_jwk_of (const HfJoseKey *key)
{
  g_autoptr(JsonObject) jwk = hf_jose_key_dup_public_jwk (key);
  g_autoptr(HfSecret) d = hf_jose_key_dup_private (key);
  g_autofree char *d_text = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  if (d == NULL)
    g_error ("no private part");
  d_text = hf_base64url_encode (hf_secret_get_data (d), hf_secret_get_size (d));
  json_object_set_string_member (jwk, "d", d_text);
  json_node_set_object (node, jwk);
  return json_to_string (node, FALSE);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = data_path (BUNDLE);

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
  f->key = hf_jose_key_generate (&error);
  g_assert_no_error (error);
  f->jwks = jwks_of (f->key, KID);
  f->bundle = hf_test_read (path);
  f->server = hf_fhir_server_new_https (FALSE);
  f->ca_file = hf_test_write_file (&f->td, "test-ca.pem", hf_fhir_server_get_ca_pem ());
  f->pass_file = hf_test_write_file (&f->td, "pass", PASS);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  hf_jose_key_free (f->key);
  g_free (f->jwks);
  g_bytes_unref (f->bundle);
  hf_fhir_server_free (f->server);
  g_free (f->ca_file);
  g_free (f->pass_file);
  hf_test_dir_teardown (&f->td, data);
}

/* A JWS of PAYLOAD by KEY with the header {"alg","kid",iss,iat}. */
static char *
sign_as (const HfJoseKey *key,
         const char      *kid,
         const char      *iss,
         const guint8    *payload,
         gsize            length)
{
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *token;

  json_object_set_string_member (extra, "iss", iss);
  json_object_set_int_member (extra, "iat", g_get_real_time () / G_USEC_PER_SEC);
  token = hf_jws_sign_es256 (key, kid, extra, payload, length, &error);
  g_assert_no_error (error);
  return token;
}

static char *
sign_bundle (Fixture    *f,
             const char *iss)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (f->bundle, &length);

  return sign_as (f->key, KID, iss, data, length);
}

static HfVerifyResult *
verify_text (Fixture       *f,
             const char    *token,
             HfVerifyFlags  flags,
             GError       **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (token, strlen (token));

  return hf_verify_bytes (f->vault, bytes, NULL, NULL, flags, f->ca_file, error);
}

static void
trust_clinic (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_trust_add (f->vault, CLINIC, f->jwks, strlen (f->jwks), NULL, NULL,
                               &error));
  g_assert_no_error (error);
}

/* {{{ JWKS */

static void
test_jwks_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJwks) set = NULL;
  g_autoptr(HfJoseKey) key = hf_jose_key_generate (NULL);
  g_autofree char *one = jwks_of (key, "a");
  g_autofree char *sig = NULL;
  g_autoptr(GString) many = g_string_new ("{\"keys\":[");
  g_autoptr(GString) big = g_string_new ("{\"keys\":[],\"pad\":\"");

  /* RFC 7517 A.1: an "enc" EC key and an RSA key: nothing to check ES256 with. */
  set = hf_jwks_parse (RFC_A1, strlen (RFC_A1), &error);
  g_assert_null (set);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "no EC P-256 signing key"));
  g_clear_error (&error);

  /* The same EC key for signatures: kept, and the RSA key skipped with a note. */
  sig = g_strdup (RFC_A1);
  memcpy (strstr (sig, "\"enc\""), "\"sig\"", 5);
  set = hf_jwks_parse (sig, strlen (sig), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->keys->len, ==, 1);
  g_assert_cmpuint (set->notes->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (set->notes, 0), "2011-04-29"));
  g_assert_nonnull (hf_jwks_lookup (set, "1"));
  g_assert_null (hf_jwks_lookup (set, "2011-04-29"));
  g_clear_pointer (&set, hf_jwks_free);

  /* A.2's private part in a published set: the whole set is refused. */
  {
    g_autofree char *priv = g_strdup (sig);
    g_autofree char *with_d = NULL;
    char *at = strstr (priv, "\"use\"");
    *at = '\0';
    with_d = g_strconcat (priv, "\"d\":\"" RFC_D "\",", strstr (sig, "\"use\""), NULL);
    set = hf_jwks_parse (with_d, strlen (with_d), &error);
    g_assert_null (set);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "private part"));
    g_clear_error (&error);
  }

  /* Two keys with one kid. */
  {
    g_autofree char *inner = g_strndup (one + strlen ("{\"keys\":["),
                                        strlen (one) - strlen ("{\"keys\":[") - 2);
    g_autofree char *twice = g_strdup_printf ("{\"keys\":[%s,%s]}", inner, inner);
    set = hf_jwks_parse (twice, strlen (twice), &error);
    g_assert_null (set);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "two keys named"));
    g_clear_error (&error);

    /* 101 keys. */
    for (guint i = 0; i < 101; i++)
      {
        g_autofree char *k = g_strdup (inner);
        g_string_append_printf (many, "%s%s", i ? "," : "", k);
      }
    g_string_append (many, "]}");
    set = hf_jwks_parse (many->str, many->len, &error);
    g_assert_null (set);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "101 keys"));
    g_clear_error (&error);
  }

  /* Over 1 MB. */
  for (guint i = 0; i < HF_JWKS_MAX_SIZE; i += 16)
    g_string_append (big, "AAAAAAAAAAAAAAAA");
  g_string_append (big, "\"}");
  set = hf_jwks_parse (big->str, big->len, &error);
  g_assert_null (set);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "at most 1 MB"));
  g_clear_error (&error);

  /* Not JSON, not a set, a duplicate member. */
  for (const char * const *bad = (const char * const[]) { "", "[]", "{\"keys\":{}}",
                                                          "{\"keys\":[],\"keys\":[]}",
                                                          "{\"keys\":[1]}", NULL };
       *bad; bad++)
    {
      set = hf_jwks_parse (*bad, strlen (*bad), &error);
      g_assert_null (set);
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }

  set = hf_jwks_parse (one, strlen (one), &error);
  g_assert_no_error (error);
  g_assert_true (hf_jose_key_equal (hf_jwks_lookup (set, "a"), key));
}

/* }}} */
/* {{{ verifying */

static void
test_valid_hand (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *token = sign_bundle (f, CLINIC);
  g_autoptr(HfVerifyResult) r = NULL;
  g_autoptr(GError) error = NULL;

  /* Not trusted yet, and offline: not checked, and said so. */
  r = verify_text (f, token, HF_VERIFY_OFFLINE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_UNTRUSTED);
  g_assert_nonnull (strstr (r->reason, "not a trusted issuer"));
  g_clear_pointer (&r, hf_verify_result_free);

  trust_clinic (f);
  r = verify_text (f, token, HF_VERIFY_OFFLINE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, HF_VERIFY_KIND_JWS);
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_VALID);
  g_assert_cmpstr (r->iss, ==, CLINIC);
  g_assert_cmpstr (r->kid, ==, KID);
  g_assert_cmpint (r->trust.how, ==, HF_TRUST_HOW_HAND);
  g_assert_cmpstr (r->trust.added_by, ==, "alice");
  g_assert_cmpint (r->iat, >, 0);
  g_assert_cmpstr (r->person_name, ==, "Luigi Wiegand");
  g_assert_nonnull (r->person_birth_date);
  g_assert_cmpuint (r->entries, ==, 61);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (r->counts, "encounters")), >, 0);
  g_assert_true (g_bytes_equal (r->bundle, f->bundle));

  /* A kid the issuer's hand-added keys do not have. */
  {
    g_autoptr(HfJoseKey) other = hf_jose_key_generate (NULL);
    gsize length;
    const guint8 *payload = g_bytes_get_data (f->bundle, &length);
    g_autofree char *forged = sign_as (other, "rotated", CLINIC, payload, length);
    g_autoptr(HfVerifyResult) r2 = verify_text (f, forged, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r2->verdict, ==, HF_VERIFY_UNTRUSTED);
    g_assert_nonnull (strstr (r2->reason, "have no key “rotated”"));
  }
  /* The same kid, another key: a bad signature. */
  {
    g_autoptr(HfJoseKey) other = hf_jose_key_generate (NULL);
    gsize length;
    const guint8 *payload = g_bytes_get_data (f->bundle, &length);
    g_autofree char *forged = sign_as (other, KID, CLINIC, payload, length);
    g_autoptr(HfVerifyResult) r2 = verify_text (f, forged, 0, &error);
    g_assert_null (r2);
    g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
    g_clear_error (&error);
  }
  /* A bare Bundle: unsigned. */
  {
    g_autoptr(HfVerifyResult) r2 = hf_verify_bytes (f->vault, f->bundle, NULL, NULL, 0, NULL,
                                                    &error);
    g_assert_no_error (error);
    g_assert_cmpint (r2->kind, ==, HF_VERIFY_KIND_BUNDLE);
    g_assert_cmpint (r2->verdict, ==, HF_VERIFY_UNSIGNED);
  }
}

static char *
b64 (const char *text)
{
  return hf_base64url_encode ((const guint8 *) text, strlen (text));
}

/* HEADER (JSON text) . base64url(PAYLOAD) . SIG (bytes, base64url'd) */
static char *
assemble (const char   *header,
          const char   *payload_b64,
          const guint8 *sig,
          gsize         sig_length)
{
  g_autofree char *h = b64 (header);
  g_autofree char *s = hf_base64url_encode (sig, sig_length);

  return g_strdup_printf ("%s.%s.%s", h, payload_b64, s);
}

typedef struct
{
  const char *name;
  char       *token;
  HfError     code;
  const char *words;
} Hostile;

static void
check_hostile (Fixture *f,
               Hostile *h)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVerifyResult) r = NULL;
  gint64 start = g_get_monotonic_time ();

  g_test_message ("%s", h->name);
  r = verify_text (f, h->token, 0, &error);
  if (r != NULL)
    g_error ("%s: accepted (%s)", h->name, hf_verify_verdict_to_string (r->verdict));
  g_assert_error (error, HF_ERROR, (gint) h->code);
  if (strstr (error->message, h->words) == NULL)
    g_error ("%s: “%s” lacks “%s”", h->name, error->message, h->words);
  /* Each is refused before any expensive work. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_free (h->token);
}

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *good = NULL;
  g_autofree char *payload_b64 = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *iss_header = NULL;
  g_autofree char *evil = NULL;
  g_autoptr(HfJoseKey) other = hf_jose_key_generate (NULL);
  guint8 zero[64] = { 0 };
  guint8 n_and_one[64] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
    0x25, 0x51,
  };
  guint before;

  n_and_one[63] = 1;
  trust_clinic (f);
  good = sign_bundle (f, CLINIC);
  parts = g_strsplit (good, ".", -1);
  payload_b64 = g_strdup (parts[1]);
  header_b64 = g_strdup (parts[0]);
  iss_header = g_strdup_printf ("{\"alg\":\"ES256\",\"kid\":\"" KID "\",\"iss\":\"" CLINIC "\"}");

  /* alg none, with and without a signature part. */
  {
    Hostile h = { "alg none", assemble ("{\"alg\":\"none\",\"kid\":\"" KID "\",\"iss\":\""
                                        CLINIC "\"}", payload_b64, NULL, 0),
                  HF_ERROR_INVALID_INPUT, "not signed" };
    check_hostile (f, &h);
  }
  /* HS256 keyed with the issuer's public key (the JWKS text, and the point). */
  {
    const char *header = "{\"alg\":\"HS256\",\"kid\":\"" KID "\",\"iss\":\"" CLINIC "\"}";
    g_autofree char *h64 = b64 (header);
    g_autofree char *input = g_strdup_printf ("%s.%s", h64, payload_b64);
    guint8 mac[32];
    unsigned int mac_length = sizeof mac;
    Hostile h = { "HS256 with the public key", NULL, HF_ERROR_INVALID_INPUT, "shared secret" };

    HMAC (EVP_sha256 (), f->jwks, (int) strlen (f->jwks), (const guint8 *) input,
          strlen (input), mac, &mac_length);
    h.token = assemble (header, payload_b64, mac, mac_length);
    check_hostile (f, &h);
  }
  /* An embedded jwk: the attacker's key, and a good signature by it. */
  {
    g_autoptr(JsonObject) extra = json_object_new ();
    gsize length;
    const guint8 *payload = g_bytes_get_data (f->bundle, &length);
    JsonNode *jwk = json_node_new (JSON_NODE_OBJECT);
    Hostile h = { "embedded jwk", NULL, HF_ERROR_INVALID_INPUT, "carries its own key" };

    json_node_take_object (jwk, hf_jose_key_dup_public_jwk (other));
    json_object_set_string_member (extra, "iss", CLINIC);
    json_object_set_member (extra, "jwk", jwk);
    h.token = hf_jws_sign_es256 (other, KID, extra, payload, length, NULL);
    check_hostile (f, &h);
  }
  /* jku at the loopback server, for an issuer not trusted: nothing is fetched at all. */
  {
    g_autoptr(JsonObject) extra = json_object_new ();
    g_autofree char *jku = g_strconcat (hf_fhir_server_get_origin (f->server),
                                        "/evil/jwks.json", NULL);
    g_autofree char *other_jwks = jwks_of (other, KID);
    gsize length;
    const guint8 *payload = g_bytes_get_data (f->bundle, &length);
    Hostile h = { "jku", NULL, HF_ERROR_INVALID_INPUT, "names a URL to fetch its key" };

    hf_fhir_server_put_file (f->server, "/evil/jwks.json", "application/json", other_jwks,
                             strlen (other_jwks));
    before = hf_fhir_server_count (f->server, "request");
    json_object_set_string_member (extra, "iss", hf_fhir_server_get_origin (f->server));
    json_object_set_string_member (extra, "jku", jku);
    h.token = hf_jws_sign_es256 (other, KID, extra, payload, length, NULL);
    check_hostile (f, &h);
    g_assert_cmpuint (hf_fhir_server_count (f->server, "request"), ==, before);
    g_assert_cmpuint (hf_fhir_server_count (f->server, "path:/evil/jwks.json"), ==, 0);
  }
  /* crit with a name we do not implement. */
  {
    g_autoptr(JsonObject) extra = json_object_new ();
    JsonArray *crit = json_array_new ();
    gsize length;
    const guint8 *payload = g_bytes_get_data (f->bundle, &length);
    Hostile h = { "unknown crit", NULL, HF_ERROR_INVALID_INPUT, "requires the extension" };

    json_array_add_string_element (crit, "urn:example:must-understand");
    json_object_set_string_member (extra, "iss", CLINIC);
    json_object_set_array_member (extra, "crit", crit);
    json_object_set_int_member (extra, "urn:example:must-understand", 1);
    h.token = hf_jws_sign_es256 (f->key, KID, extra, payload, length, NULL);
    check_hostile (f, &h);
  }
  /* r = s = 0, r = n. */
  {
    Hostile h = { "r = s = 0", assemble (iss_header, payload_b64, zero, sizeof zero),
                  HF_ERROR_INTEGRITY, "r or s is zero" };
    check_hostile (f, &h);
  }
  {
    Hostile h = { "r = n", assemble (iss_header, payload_b64, n_and_one, sizeof n_and_one),
                  HF_ERROR_INTEGRITY, "not below the P-256 group order" };
    check_hostile (f, &h);
  }
  /* The good signature, DER-encoded. */
  {
    gsize sig_length;
    g_autofree guint8 *sig = hf_base64url_decode (parts[2], -1, &sig_length);
    guint8 der[72];
    gsize n = 0;
    Hostile h = { "DER signature", NULL, HF_ERROR_INTEGRITY, "DER-encoded" };

    g_assert_cmpuint (sig_length, ==, 64);
    der[n++] = 0x30;
    der[n++] = 0;
    for (guint i = 0; i < 2; i++)
      {
        const guint8 *v = sig + 32 * i;
        gsize skip = 0;
        gboolean pad;

        while (skip < 31 && v[skip] == 0)
          skip++;
        pad = (v[skip] & 0x80) != 0;
        der[n++] = 0x02;
        der[n++] = (guint8) (32 - skip + pad);
        if (pad)
          der[n++] = 0;
        memcpy (der + n, v + skip, 32 - skip);
        n += 32 - skip;
      }
    der[1] = (guint8) (n - 2);
    h.token = assemble (iss_header, payload_b64, der, n);
    /* assemble encodes the header again: keep the signed one. */
    {
      g_auto(GStrv) p = g_strsplit (h.token, ".", -1);
      g_free (h.token);
      h.token = g_strdup_printf ("%s.%s.%s", header_b64, payload_b64, p[2]);
    }
    check_hostile (f, &h);
  }
  /* The signature of another payload. */
  {
    g_autofree char *other_payload = b64 ("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
    Hostile h = { "another payload", g_strdup_printf ("%s.%s.%s", header_b64, other_payload,
                                                      parts[2]),
                  HF_ERROR_INTEGRITY, "does not match" };
    check_hostile (f, &h);
  }
  /* Truncated, 5 parts with 4 dots, 10 MB of base64url. */
  {
    Hostile h = { "truncated", g_strndup (good, strlen (good) / 2), HF_ERROR_INVALID_INPUT, "" };
    check_hostile (f, &h);
  }
  {
    Hostile h = { "4 dots", g_strdup_printf ("%s.%s.%s.%s.%s", header_b64, payload_b64,
                                             parts[2], parts[2], parts[2]),
                  HF_ERROR_INVALID_INPUT, "" };
    check_hostile (f, &h);
  }
  {
    gsize size = 10 * 1024 * 1024;
    char *huge = g_malloc (size + 1);
    Hostile h = { "10 MB of base64url", NULL, HF_ERROR_INTEGRITY, "does not match" };

    memset (huge, 'A', size);
    huge[size] = '\0';
    h.token = g_strdup_printf ("%s.%s.%s", header_b64, huge, parts[2]);
    g_free (huge);
    check_hostile (f, &h);
    evil = g_malloc (size + 1);
    memset (evil, 'A', size);
    evil[size] = '\0';
    h.name = "10 MB of base64url, no dots";
    h.token = g_steal_pointer (&evil);
    h.code = HF_ERROR_INVALID_INPUT;
    h.words = "";
    check_hostile (f, &h);
  }
  /* A PBES2 JWE asking for 10⁹ iterations: refused before any is computed. */
  {
    g_autoptr(HfSecret) pass = hf_test_secret ("a passphrase");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *h64 = b64 ("{\"alg\":\"PBES2-HS512+A256KW\",\"enc\":\"A256GCM\","
                                "\"p2s\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"p2c\":1000000000}");
    /* A 40-byte wrapped key, a 12-byte IV, 3 bytes of ciphertext, a 16-byte tag. */
    g_autofree char *token = g_strdup_printf ("%s.%s.AAAAAAAAAAAAAAAA.AAAA."
                                              "AAAAAAAAAAAAAAAAAAAAAA", h64,
                                              "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    gint64 start = g_get_monotonic_time ();
    HfVerifyResult *r;

    bytes = g_bytes_new (token, strlen (token));
    r = hf_verify_bytes (f->vault, bytes, NULL, pass, 0, NULL, &error);
    g_assert_null (r);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "1000000000 PBKDF2 iterations"));
    g_test_message ("p2c 10⁹ refused in %" G_GINT64_FORMAT " µs",
                    g_get_monotonic_time () - start);
    g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);
  }
}

static void
test_jwe (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(HfJoseKey) recipient = hf_jose_key_generate (NULL);
  g_autoptr(HfJoseKey) wrong = hf_jose_key_generate (NULL);
  g_autoptr(HfSecret) pass = hf_test_secret ("the shared passphrase");
  g_autoptr(HfSecret) wrong_pass = hf_test_secret ("not it");
  g_autofree char *jws = sign_bundle (f, CLINIC);
  g_autoptr(JsonObject) cty = json_object_new ();
  g_autofree char *jwe = NULL;
  g_autofree char *jwe_pass = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) bytes_pass = NULL;
  HfVerifyResult *r;

  trust_clinic (f);
  json_object_set_string_member (cty, "cty", "JOSE");
  jwe = hf_jwe_encrypt_ecdh_es (recipient, "me", cty, (const guint8 *) jws, strlen (jws),
                                &error);
  g_assert_no_error (error);
  jwe_pass = hf_jwe_encrypt_pbes2 (pass, 0, cty, (const guint8 *) jws, strlen (jws), &error);
  g_assert_no_error (error);
  bytes = g_bytes_new (jwe, strlen (jwe));
  bytes_pass = g_bytes_new (jwe_pass, strlen (jwe_pass));

  r = hf_verify_bytes (f->vault, bytes, recipient, NULL, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, HF_VERIFY_KIND_JWE);
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_VALID);
  g_assert_cmpstr (r->jwe_alg, ==, "ECDH-ES+A256KW");
  g_assert_cmpstr (r->iss, ==, CLINIC);
  hf_verify_result_free (r);

  r = hf_verify_bytes (f->vault, bytes_pass, NULL, pass, HF_VERIFY_OFFLINE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_VALID);
  hf_verify_result_free (r);

  /* No key; the wrong key; the wrong passphrase. */
  r = hf_verify_bytes (f->vault, bytes, NULL, NULL, 0, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_clear_error (&error);
  r = hf_verify_bytes (f->vault, bytes, wrong, NULL, 0, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "does not unwrap"));
  g_clear_error (&error);
  r = hf_verify_bytes (f->vault, bytes_pass, NULL, wrong_pass, 0, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_clear_error (&error);

  /* A wrong tag: the last part changed. */
  {
    g_autofree char *bad = g_strdup (jwe);
    gsize n = strlen (bad);
    g_autoptr(GBytes) bad_bytes = NULL;

    bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
    bad_bytes = g_bytes_new (bad, n);
    r = hf_verify_bytes (f->vault, bad_bytes, recipient, NULL, 0, NULL, &error);
    g_assert_null (r);
    g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
    g_assert_nonnull (strstr (error->message, "authentication tag"));
    g_clear_error (&error);
  }
}

/* A JWS of the Bundle with NAME = NOW + OFFSET seconds in its protected header. */
static char *
sign_with_time (Fixture    *f,
                const char *name,
                gint64      offset)
{
  g_autoptr(JsonObject) extra = json_object_new ();
  gsize length;
  const guint8 *payload = g_bytes_get_data (f->bundle, &length);

  json_object_set_string_member (extra, "iss", CLINIC);
  json_object_set_int_member (extra, name, g_get_real_time () / G_USEC_PER_SEC + offset);
  return hf_jws_sign_es256 (f->key, KID, extra, payload, length, NULL);
}

static void
test_times (Fixture       *f,
            gconstpointer  data)
{
  static const struct
  {
    const char *name;
    gint64      offset;
    gboolean    valid;
    const char *words;
  } cases[] = {
    { "exp", -3600, FALSE, "expired on" },
    { "exp", -120, TRUE, NULL },           /* within the 5 minutes of skew */
    { "exp", 3600, TRUE, NULL },
    { "nbf", 3600, FALSE, "not valid before" },
    { "nbf", 120, TRUE, NULL },
    { "iat", 3600, FALSE, "in the future" },
    { "iat", -86400 * 365, TRUE, NULL },
  };

  trust_clinic (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = sign_with_time (f, cases[i].name, cases[i].offset);
      g_autoptr(GError) error = NULL;
      g_autoptr(HfVerifyResult) r = verify_text (f, token, HF_VERIFY_OFFLINE, &error);

      g_test_message ("%s %+" G_GINT64_FORMAT, cases[i].name, cases[i].offset);
      if (cases[i].valid)
        {
          g_assert_no_error (error);
          if (r == NULL)
            g_error ("no result");
          g_assert_cmpint (r->verdict, ==, HF_VERIFY_VALID);
        }
      else
        {
          g_assert_null (r);
          g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
          g_assert_nonnull (strstr (error->message, cases[i].words));
        }
    }
  /* A time that is not a number of seconds. */
  {
    g_autoptr(JsonObject) extra = json_object_new ();
    gsize length;
    const guint8 *payload = g_bytes_get_data (f->bundle, &length);
    g_autofree char *token = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(HfVerifyResult) r = NULL;

    json_object_set_string_member (extra, "iss", CLINIC);
    json_object_set_string_member (extra, "exp", "tomorrow");
    token = hf_jws_sign_es256 (f->key, KID, extra, payload, length, NULL);
    r = verify_text (f, token, HF_VERIFY_OFFLINE, &error);
    g_assert_null (r);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  }
}

/* }}} */
/* {{{ fetching */

static void
serve_jwks (Fixture *f)
{
  hf_fhir_server_put_file (f->server, "/.well-known/jwks.json", "application/json", f->jwks,
                           strlen (f->jwks));
}

static void
test_fetch (Fixture       *f,
            gconstpointer  data)
{
  const char *iss = hf_fhir_server_get_origin (f->server);
  g_autofree char *token = sign_bundle (f, iss);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  HfVerifyResult *r;

  serve_jwks (f);
  /* Offline: never fetched. */
  r = verify_text (f, token, HF_VERIFY_OFFLINE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_UNTRUSTED);
  g_assert_nonnull (strstr (r->reason, "offline"));
  hf_verify_result_free (r);
  g_assert_cmpuint (hf_fhir_server_count (f->server, "request"), ==, 0);

  r = verify_text (f, token, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_VALID);
  g_assert_cmpint (r->trust.how, ==, HF_TRUST_HOW_FETCHED);
  hf_verify_result_free (r);
  g_assert_cmpuint (hf_fhir_server_count (f->server, "path:/.well-known/jwks.json"), ==, 1);

  /* The cache: no second request, online or off. */
  r = verify_text (f, token, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_VALID);
  g_assert_cmpint (r->trust.how, ==, HF_TRUST_HOW_CACHED);
  hf_verify_result_free (r);
  r = verify_text (f, token, HF_VERIFY_OFFLINE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->trust.how, ==, HF_TRUST_HOW_CACHED);
  hf_verify_result_free (r);
  g_assert_cmpuint (hf_fhir_server_count (f->server, "path:/.well-known/jwks.json"), ==, 1);

  /* A day later the cache is stale: offline it is not used, online it is fetched again. */
  g_assert_true (_hf_db_exec (_hf_vault_get_db (f->vault),
                              "UPDATE trust_issuer SET fetched_at = fetched_at - 86401000000",
                              &error));
  g_assert_no_error (error);
  r = verify_text (f, token, HF_VERIFY_OFFLINE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_UNTRUSTED);
  g_assert_nonnull (strstr (r->reason, "more than a day old"));
  hf_verify_result_free (r);
  r = verify_text (f, token, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->trust.how, ==, HF_TRUST_HOW_FETCHED);
  hf_verify_result_free (r);
  g_assert_cmpuint (hf_fhir_server_count (f->server, "path:/.well-known/jwks.json"), ==, 2);

  list = hf_trust_list (f->vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((HfTrustIssuer *) g_ptr_array_index (list, 0))->how, ==,
                   HF_TRUST_HOW_CACHED);

  /* A hand-added set replaces the cached one, and says so. */
  {
    gboolean replaced = FALSE;
    g_assert_true (hf_trust_add (f->vault, iss, f->jwks, strlen (f->jwks), &replaced, NULL,
                                 &error));
    g_assert_no_error (error);
    g_assert_true (replaced);
    r = verify_text (f, token, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->trust.how, ==, HF_TRUST_HOW_HAND);
    hf_verify_result_free (r);
    g_assert_false (hf_trust_add (f->vault, iss, f->jwks, strlen (f->jwks), NULL, NULL,
                                  &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_EXISTS);
  }
}

static void
expect_untrusted (Fixture    *f,
                  const char *token,
                  const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVerifyResult) r = verify_text (f, token, 0, &error);

  g_assert_no_error (error);
  if (r == NULL)
    g_error ("no result");
  g_assert_cmpint (r->verdict, ==, HF_VERIFY_UNTRUSTED);
  if (strstr (r->reason, words) == NULL)
    g_error ("“%s” lacks “%s”", r->reason, words);
}

static void
test_fetch_refused (Fixture       *f,
                    gconstpointer  data)
{
  const char *iss = hf_fhir_server_get_origin (f->server);
  g_autofree char *token = sign_bundle (f, iss);
  g_autofree char *to_http = NULL;
  g_autoptr(GString) big = g_string_new ("{\"keys\":[],\"pad\":\"");

  /* Nothing there. */
  expect_untrusted (f, token, "answered 404");
  g_assert_cmpuint (hf_fhir_server_count (f->server, "path:/.well-known/jwks.json"), ==, 1);

  /* A redirect to plain http: not followed. */
  to_http = g_strdup_printf ("http://127.0.0.1:%s/.well-known/jwks.json",
                             strrchr (iss, ':') + 1);
  hf_fhir_server_put_redirect (f->server, "/.well-known/jwks.json", to_http);
  expect_untrusted (f, token, "redirected to another site");
  g_assert_cmpuint (hf_fhir_server_count (f->server, "path:/.well-known/jwks.json"), ==, 2);

  /* 10 MB of key set: cut off at 256 KiB. */
  while (big->len < 10 * 1024 * 1024)
    g_string_append (big, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  g_string_append (big, "\"}");
  hf_fhir_server_put_file (f->server, "/.well-known/jwks.json", "application/json", big->str,
                           big->len);
  expect_untrusted (f, token, "Fetching the keys");

  /* An issuer that is not https is refused before anything. */
  {
    g_autofree char *plain = sign_bundle (f, "http://clinic.example");
    g_autoptr(GError) error = NULL;
    g_autoptr(HfVerifyResult) r = verify_text (f, plain, 0, &error);
    g_assert_null (r);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "not an https address"));
  }
  /* Nothing was cached of any of it. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = hf_trust_list (f->vault, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 0);
  }
}

/* }}} */
/* {{{ the CLI */

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

static guint64
records (Fixture *f)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) v = hf_vault_open (f->td.vault, "alice", pass, &error);
  guint64 n = 0;

  g_assert_no_error (error);
  g_assert_true (hf_record_store_count (v, NULL, &n, &error));
  g_assert_no_error (error);
  hf_vault_lock (v);
  return n;
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *token = sign_bundle (f, CLINIC);
  g_autofree char *signed_file = NULL;
  g_autofree char *jwks_file = hf_test_write_file (&f->td, "clinic.jwks", f->jwks);
  g_autofree char *tampered_file = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *line = g_strconcat (token, "\n", NULL);
  int code;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  signed_file = hf_test_write_file (&f->td, "bundle.jws", line);
  {
    g_autofree char *bad = g_strdup (line);
    char *mid = strchr (bad, '.') + 1 + 200;
    *mid = *mid == 'A' ? 'B' : 'A';
    tampered_file = hf_test_write_file (&f->td, "tampered.jws", bad);
  }

  /* Unknown issuer, offline: exit 6, in words. */
  code = cli (f, &out, &err, "verify", signed_file, "--offline", NULL);
  g_assert_cmpint (code, ==, 6);
  g_assert_nonnull (strstr (out, "Signed by:  " CLINIC " (key " KID ")"));
  g_assert_nonnull (strstr (out, "not a trusted issuer"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* ... and not imported without --unverified. */
  code = cli (f, &out, &err, "import", signed_file, "--offline", NULL);
  g_assert_cmpint (code, ==, 6);
  g_assert_nonnull (strstr (err, "Nothing was imported"));
  g_assert_cmpuint (records (f), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Refused: an issuer that is not https, a key set with a private part. */
  code = cli (f, &out, &err, "trust", "add", "http://clinic.example", "--jwks", jwks_file, NULL);
  g_assert_cmpint (code, ==, 3);
  g_assert_nonnull (strstr (err, "not an https address"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    g_autofree char *private_text = private_jwk_of (f->key);
    g_autofree char *set = g_strdup_printf ("{\"keys\":[%s]}", private_text);
    g_autofree char *bad_file = hf_test_write_file (&f->td, "private.jwks", set);
    code = cli (f, &out, &err, "trust", "add", CLINIC, "--jwks", bad_file, NULL);
    g_assert_cmpint (code, ==, 3);
    g_assert_nonnull (strstr (err, "private part"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  code = cli (f, &out, &err, "trust", "add", CLINIC, "--jwks", jwks_file, NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "Trusted " CLINIC ", added by hand"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "--json", "trust", "list", NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "\"how\" : \"hand\""));
  g_assert_nonnull (strstr (out, "\"" KID "\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  code = cli (f, &out, &err, "verify", signed_file, NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "Trusted:    yes, its key added by hand by alice"));
  g_assert_nonnull (strstr (out, "Person:     Luigi Wiegand, born "));
  g_assert_nonnull (strstr (out, "Verdict:    valid"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = hf_test_cli_stdin (&out, &err, signed_file, "--vault", f->td.vault,
                            "--passphrase-file", f->pass_file, "verify", "-", NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "Verdict:    valid"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "--json", "verify", signed_file, NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "\"verdict\" : \"valid\""));
  g_assert_nonnull (strstr (out, "\"trust\" : \"hand\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Tampered: exit 4, and nothing imported. */
  code = cli (f, &out, &err, "verify", tampered_file, NULL);
  g_assert_cmpint (code, ==, 4);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "--json", "verify", tampered_file, NULL);
  g_assert_cmpint (code, ==, 4);
  g_assert_nonnull (strstr (out, "\"verdict\" : \"invalid\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "import", tampered_file, NULL);
  g_assert_cmpint (code, ==, 4);
  g_assert_nonnull (strstr (err, "Nothing was imported"));
  g_assert_cmpuint (records (f), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Malformed: exit 3. */
  {
    g_autofree char *junk = hf_test_write_file (&f->td, "junk.jws", "abc.def\n");
    code = cli (f, &out, &err, "verify", junk, NULL);
    g_assert_cmpint (code, ==, 3);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* The signed bundle imports, verified, and show says so. */
  code = cli (f, &out, &err, "--json", "import", signed_file, NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "\"status\" : \"verified\""));
  g_assert_cmpuint (records (f), ==, 50);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "show", "1", NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "Signed by " CLINIC " (kid " KID "), verified "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "--json", "show", "1", NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "\"status\" : \"verified\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  code = cli (f, &out, &err, "trust", "remove", CLINIC, NULL);
  g_assert_cmpint (code, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "trust", "remove", CLINIC, NULL);
  g_assert_cmpint (code, !=, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
}

static void
test_cli_unverified (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HfJoseKey) recipient = hf_jose_key_generate (NULL);
  g_autofree char *jws = sign_bundle (f, CLINIC);
  g_autofree char *jwe = NULL;
  g_autofree char *jwe_file = NULL;
  g_autofree char *private_text = private_jwk_of (recipient);
  g_autofree char *key_file = hf_test_write_file (&f->td, "me.jwk", private_text);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) cty = json_object_new ();
  int code;

  json_object_set_string_member (cty, "cty", "JOSE");
  jwe = hf_jwe_encrypt_ecdh_es (recipient, "me", cty, (const guint8 *) jws, strlen (jws), NULL);
  jwe_file = hf_test_write_file (&f->td, "bundle.jwe", jwe);
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  /* Without its key: exit 2. */
  code = cli (f, &out, &err, "verify", jwe_file, NULL);
  g_assert_cmpint (code, ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "verify", jwe_file, "--key", key_file, "--offline", NULL);
  g_assert_cmpint (code, ==, 6);
  g_assert_nonnull (strstr (out, "Encrypted (ECDH-ES+A256KW); opened."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* --unverified imports it, marked so. */
  code = cli (f, &out, &err, "import", jwe_file, "--key", key_file, "--offline", "--unverified",
              NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "Not verified, imported as unverified"));
  g_assert_cmpuint (records (f), ==, 50);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "show", "1", NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "Unverified signature: claims to be signed by " CLINIC));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
}

/* The issuer's keys fetched through the CLI, with the test CA given by --ca-file. */
static void
test_cli_fetch (Fixture       *f,
                gconstpointer  data)
{
  const char *iss = hf_fhir_server_get_origin (f->server);
  g_autofree char *token = sign_bundle (f, iss);
  g_autofree char *file = hf_test_write_file (&f->td, "fetched.jws", token);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int code;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  serve_jwks (f);
  /* Without the CA, the certificate is not trusted. */
  code = cli (f, &out, &err, "verify", file, NULL);
  g_assert_cmpint (code, ==, 6);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "verify", file, "--offline", "--ca-file", f->ca_file, NULL);
  g_assert_cmpint (code, ==, 6);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpuint (hf_fhir_server_count (f->server, "path:/.well-known/jwks.json"), ==, 0);
  code = cli (f, &out, &err, "verify", file, "--ca-file", f->ca_file, NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "/.well-known/jwks.json on "));
  g_assert_nonnull (strstr (out, "add the issuer by hand to vouch for it"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* trust list shows the fetched set as such. */
  code = cli (f, &out, &err, "--json", "trust", "list", NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "\"how\" : \"fetched\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "--json", "verify", file, "--ca-file", f->ca_file, NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "\"trust\" : \"cached\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  code = cli (f, &out, &err, "--json", "verify", file, NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (strstr (out, "\"trust\" : \"cached\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpuint (hf_fhir_server_count (f->server, "path:/.well-known/jwks.json"), ==, 1);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/verify/jwks", test_jwks_parse);
#define ADD(path, func) \
  g_test_add ("/verify/" path, Fixture, NULL, setup, func, teardown)
  ADD ("hand", test_valid_hand);
  ADD ("hostile", test_hostile);
  ADD ("jwe", test_jwe);
  ADD ("times", test_times);
  ADD ("fetch", test_fetch);
  ADD ("fetch-refused", test_fetch_refused);
  ADD ("cli", test_cli);
  ADD ("cli-unverified", test_cli_unverified);
  ADD ("cli-fetch", test_cli_fetch);
#undef ADD
  return g_test_run ();
}
