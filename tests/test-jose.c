/* test-jose.c — JOSE glue: the RFC vectors, round trips, and the hostile tokens
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vectors are the published ones (tests/data/jose/, each file names its RFC section);
 * nothing here is computed by the code under test and then compared with itself, except the
 * round trips, which also check what a reader of the token sees.
 */

#include <string.h>

#include <gio/gio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "hf-deflate.h"
#include "hf-jose-private.h"
#include "hf-shc-numeric.h"
#include "hf-jwk.h"
#include "hf-test-util.h"

/* Helpers */

static JsonObject *
load_vector (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("HF_TEST_DATA"), "jose", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static GBytes *
b64 (const char *text)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = _hf_jose_base64url_decode (text, strlen (text), &error);

  g_assert_no_error (error);
  return bytes;
}

static GBytes *
hex (const char *text)
{
  gsize n = strlen (text) / 2;
  guint8 *out = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    out[i] = g_ascii_xdigit_value (text[2 * i]) << 4 | g_ascii_xdigit_value (text[2 * i + 1]);
  return g_bytes_new_take (out, n);
}

static GBytes *
json_byte_array (JsonObject *o,
                 const char *name)
{
  JsonArray *a = json_object_get_array_member (o, name);
  guint n = json_array_get_length (a);
  guint8 *out = g_malloc (n);

  for (guint i = 0; i < n; i++)
    out[i] = json_array_get_int_element (a, i);
  return g_bytes_new_take (out, n);
}

static HfSecret *
secret_from_bytes (GBytes *bytes)
{
  gsize n;
  const guint8 *data = g_bytes_get_data (bytes, &n);

  return hf_secret_new_from_data (data, n);
}

static void
assert_secret_equals (const HfSecret *secret,
                      GBytes         *expected)
{
  g_assert_nonnull (secret);
  g_assert_cmpmem (hf_secret_peek (secret), hf_secret_get_size (secret),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static HfJoseKey *
key_from_vector (JsonObject *vector,
                 const char *member)
{
  g_autoptr(GError) error = NULL;
  HfJoseKey *key = hf_jose_key_new_from_jwk (json_object_get_object_member (vector, member),
                                             &error);

  g_assert_no_error (error);
  return key;
}

/* The refusal a user sees: the right code, and one plain sentence. */
static void
assert_refused (GError      *error,
                HfJoseError  code)
{
  gsize n;

  g_assert_error (error, HF_JOSE_ERROR, (int) code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  n = strlen (error->message);
  g_assert_cmpuint (n, >, 10);
  g_assert_cmpint (error->message[n - 1], ==, '.');
  g_assert_null (strchr (error->message, '\n'));
}

static HfJws *
parse_jws (const char *token)
{
  g_autoptr(GError) error = NULL;
  HfJws *jws = hf_jws_parse (token, strlen (token), &error);

  g_assert_no_error (error);
  return jws;
}

/* Parses and verifies TOKEN with KEY, and checks the refusal. */
static void
assert_jws_refused (const char      *token,
                    const HfJoseKey *key,
                    HfJoseError      code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJws) jws = hf_jws_parse (token, strlen (token), &error);

  if (jws != NULL)
    hf_jws_verify_es256 (jws, key, &error);
  g_assert_nonnull (error);
  assert_refused (error, code);
}

static char *
encode_text (const char *text)
{
  return hf_base64url_encode ((const guint8 *) text, strlen (text));
}

/* A compact JWS with the header HEADER_JSON (as written) over PAYLOAD, signed by KEY. */
static char *
make_jws (const HfJoseKey *key,
          const char      *header_json,
          const char      *payload)
{
  g_autofree char *h = encode_text (header_json);
  g_autofree char *p = encode_text (payload);
  g_autofree char *input = g_strconcat (h, ".", p, NULL);
  g_autofree char *sig = NULL;
  g_autoptr(GError) error = NULL;
  guint8 raw[64];

  _hf_jws_sign_raw (key, input, strlen (input), raw, &error);
  g_assert_no_error (error);
  sig = hf_base64url_encode (raw, sizeof raw);
  return g_strconcat (input, ".", sig, NULL);
}

/* TOKEN with its last part replaced by the base64url of SIG. */
static char *
with_signature (const char   *token,
                const guint8 *sig,
                gsize         length)
{
  const char *dot = strrchr (token, '.');
  g_autofree char *sig_b64 = hf_base64url_encode (sig, length);
  g_autofree char *input = g_strndup (token, dot - token);

  return g_strconcat (input, ".", sig_b64, NULL);
}

static HfJoseKey *
new_key (void)
{
  g_autoptr(GError) error = NULL;
  HfJoseKey *key = hf_jose_key_generate (&error);

  g_assert_no_error (error);
  g_assert_true (hf_jose_key_has_private (key));
  return key;
}

static char *
public_jwk_text (const HfJoseKey *key)
{
  g_autoptr(JsonObject) jwk = hf_jose_key_dup_public_jwk (key);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), jwk);

  return json_to_string (node, FALSE);
}

/* base64url */

static void
test_base64url (void)
{
  static const struct { const char *text; const char *why; } refused[] = {
    { "QQ==", "padding" },
    { "QUI=", "padding" },
    { "QU I", "a space" },
    { "QUJD\n", "a line break" },
    { "QUJD\r", "a carriage return" },
    { "a+b/", "the base64 (not url) alphabet" },
    { "QUJD!", "a character of neither alphabet" },
    { "Q", "a length no encoding has" },
    { "QUJDR", "a length no encoding has" },
    { "QR", "unused bits set" },
    { "QUJ", "unused bits set" },
  };
  guint8 data[256];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = 255 - i;
  for (gsize n = 0; n <= 10; n++)
    {
      g_autofree char *text = hf_base64url_encode (data, n);
      g_autoptr(GBytes) back = b64 (text);

      g_autofree guint8 *theirs = NULL;
      gsize theirs_length = 0;

      g_assert_null (strchr (text, '='));
      g_assert_cmpuint (strlen (text), ==, (n * 4 + 2) / 3);
      g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), data, n);
      theirs = hf_base64url_decode (text, -1, &theirs_length);
      g_assert_cmpmem (theirs, theirs_length, data, n);
    }
  /* The url alphabet: 0xfb 0xff encodes with "-" and "_". */
  {
    g_autofree char *text = hf_base64url_encode ((const guint8 *) "\xfb\xff\xbf", 3);

    g_assert_cmpstr (text, ==, "-_-_");
  }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = _hf_jose_base64url_decode (refused[i].text,
                                                           strlen (refused[i].text), &error);

      g_autofree guint8 *theirs = NULL;
      gsize theirs_length = 0;

      g_test_message ("refused for %s: “%s”", refused[i].why, refused[i].text);
      g_assert_null (bytes);
      assert_refused (error, HF_JOSE_ERROR_MALFORMED);
      /* hf-jwk's decoder, for keys, refuses the same. */
      theirs = hf_base64url_decode (refused[i].text, -1, &theirs_length);
      g_assert_null (theirs);
    }
  /* A NUL inside the given length is a character like any other. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = _hf_jose_base64url_decode ("QU\0D", 4, &error);

    g_assert_null (bytes);
    assert_refused (error, HF_JOSE_ERROR_MALFORMED);
  }
}

/* RFC vectors */

static void
test_rfc7515_a3 (void)
{
  g_autoptr(JsonObject) v = load_vector ("rfc7515-a3.json");
  const char *token = json_object_get_string_member (v, "jws");
  const char *payload = json_object_get_string_member (v, "payload");
  g_autoptr(HfJoseKey) key = key_from_vector (v, "jwk");
  g_autoptr(HfJws) jws = parse_jws (token);
  g_autoptr(GError) error = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *mine = NULL;
  g_autoptr(HfJws) mine_jws = NULL;
  g_autoptr(JsonObject) public_jwk = NULL;
  guint8 x[32], y[32];
  gsize n;
  const char *sig_b64;

  /* The private key is that of the public point (checked when the key was made), which is
   * the RFC's. */
  public_jwk = hf_jose_key_dup_public_jwk (key);
  g_assert_cmpstr (json_object_get_string_member (public_jwk, "x"), ==,
                   json_object_get_string_member (json_object_get_object_member (v, "jwk"), "x"));
  g_assert_cmpstr (json_object_get_string_member (public_jwk, "y"), ==,
                   json_object_get_string_member (json_object_get_object_member (v, "jwk"), "y"));

  g_assert_cmpstr (hf_jws_get_alg (jws), ==, "ES256");
  g_assert_cmpmem (g_bytes_get_data (hf_jws_get_payload (jws), NULL),
                   g_bytes_get_size (hf_jws_get_payload (jws)), payload, strlen (payload));

  /* The RFC's signature verifies with the RFC's public key... */
  {
    g_autoptr(HfJoseKey) pub = NULL;

    hf_jose_key_get_public (key, x, y);
    pub = hf_jose_key_new_public (x, y, &error);
    g_assert_no_error (error);
    g_assert_false (hf_jose_key_has_private (pub));
    g_assert_null (hf_jose_key_dup_private (pub));
    g_assert_true (_hf_jws_verify_signature (jws, pub, &error));
    g_assert_no_error (error);
    /* ... but its header has no "kid", which Healthfolio requires. */
    g_assert_false (hf_jws_verify_es256 (jws, pub, &error));
    assert_refused (error, HF_JOSE_ERROR_KID_MISSING);
    g_clear_error (&error);
  }

  /* One changed payload byte: "joe" → "jof". */
  {
    g_autofree char *head = g_strndup (token, strchr (token, '.') - token);
    const char *sig = strrchr (token, '.') + 1;
    g_autofree char *changed = g_strdup (payload);
    g_autofree char *changed_b64 = NULL;
    g_autoptr(HfJws) bad = NULL;

    *strstr (changed, "joe") = 'j';
    strstr (changed, "joe")[2] = 'f';
    changed_b64 = encode_text (changed);
    tampered = g_strjoin (".", head, changed_b64, sig, NULL);
    bad = parse_jws (tampered);
    g_assert_false (_hf_jws_verify_signature (bad, key, &error));
    assert_refused (error, HF_JOSE_ERROR_SIGNATURE_INVALID);
    g_clear_error (&error);
  }

  /* ECDSA is randomized: sign with the RFC's private key, then verify. */
  mine = hf_jws_sign_es256 (key, "rfc7515-a3", NULL, (const guint8 *) payload, strlen (payload),
                            &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strchr (mine, '.') + 1, !=, "");
  mine_jws = parse_jws (mine);
  g_assert_true (hf_jws_verify_es256 (mine_jws, key, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hf_jws_get_kid (mine_jws), ==, "rfc7515-a3");
  /* The payload part is the RFC's, byte for byte; the signature is raw r‖s. */
  g_assert_true (strncmp (strchr (mine, '.'), strchr (token, '.'),
                          strrchr (token, '.') - strchr (token, '.')) == 0);
  sig_b64 = strrchr (mine, '.') + 1;
  n = strlen (sig_b64);
  g_assert_cmpuint (n, ==, 86);
  {
    g_autofree char *head = g_strndup (mine, strchr (mine, '.') - mine);
    g_autoptr(GBytes) header = b64 (head);

    g_assert_cmpmem (g_bytes_get_data (header, NULL), g_bytes_get_size (header),
                     "{\"alg\":\"ES256\",\"kid\":\"rfc7515-a3\"}", 34);
  }
}

static void
test_rfc7518_c (void)
{
  g_autoptr(JsonObject) v = load_vector ("rfc7518-appendix-c.json");
  g_autoptr(HfJoseKey) alice = key_from_vector (v, "alice_ephemeral");
  g_autoptr(HfJoseKey) bob = key_from_vector (v, "bob");
  g_autoptr(GBytes) z = json_byte_array (v, "z");
  g_autoptr(GBytes) apu = b64 (json_object_get_string_member (v, "apu"));
  g_autoptr(GBytes) apv = b64 (json_object_get_string_member (v, "apv"));
  g_autoptr(GBytes) expected = b64 (json_object_get_string_member (v, "derived_key"));
  g_autoptr(HfSecret) z_alice = NULL;
  g_autoptr(HfSecret) z_bob = NULL;
  g_autoptr(HfSecret) derived = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpmem (g_bytes_get_data (apu, NULL), g_bytes_get_size (apu), "Alice", 5);
  g_assert_cmpmem (g_bytes_get_data (apv, NULL), g_bytes_get_size (apv), "Bob", 3);
  /* Both sides agree on the RFC's Z. */
  z_alice = _hf_jose_ecdh (alice, bob, &error);
  g_assert_no_error (error);
  z_bob = _hf_jose_ecdh (bob, alice, &error);
  g_assert_no_error (error);
  assert_secret_equals (z_alice, z);
  assert_secret_equals (z_bob, z);
  /* And the Concat KDF of Z gives the RFC's key. */
  derived = _hf_jose_concat_kdf (hf_secret_peek (z_bob), hf_secret_get_size (z_bob),
                                 json_object_get_string_member (v, "enc"), apu, apv,
                                 json_object_get_int_member (v, "keydatalen") / 8);
  assert_secret_equals (derived, expected);
}

static void
test_rfc7520_5_3 (void)
{
  g_autoptr(JsonObject) v = load_vector ("rfc7520-5.3.json");
  const char *password = json_object_get_string_member (v, "password");
  const char *token = json_object_get_string_member (v, "jwe");
  g_autoptr(HfSecret) pass = hf_secret_new_from_data (password, strlen (password));
  g_autoptr(HfSecret) wrong = hf_secret_new_from_data ("entrap_o-peter_long-credit_tun", 30);
  g_autoptr(GBytes) p2s = b64 (json_object_get_string_member (v, "p2s"));
  g_autoptr(GBytes) wrapped = b64 (json_object_get_string_member (v, "encrypted_key"));
  g_autoptr(GBytes) cek_expected = b64 (json_object_get_string_member (v, "cek"));
  g_autoptr(HfSecret) kek = NULL;
  g_autoptr(HfSecret) wrong_kek = NULL;
  g_autoptr(HfSecret) cek = NULL;
  g_autoptr(HfSecret) none = NULL;
  g_autoptr(HfJwe) jwe = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;

  /* U+2013 twice: 30 characters, 34 bytes. */
  g_assert_cmpuint (strlen (password), ==, 34);
  kek = _hf_jose_pbes2_kek (pass, g_bytes_get_data (p2s, NULL), g_bytes_get_size (p2s),
                            json_object_get_int_member (v, "p2c"));
  cek = _hf_jose_aes_key_unwrap (kek, g_bytes_get_data (wrapped, NULL),
                                 g_bytes_get_size (wrapped), &error);
  g_assert_no_error (error);
  assert_secret_equals (cek, cek_expected);

  /* The same password with ASCII hyphens is another password. */
  wrong_kek = _hf_jose_pbes2_kek (wrong, g_bytes_get_data (p2s, NULL), g_bytes_get_size (p2s),
                                  json_object_get_int_member (v, "p2c"));
  none = _hf_jose_aes_key_unwrap (wrong_kek, g_bytes_get_data (wrapped, NULL),
                                  g_bytes_get_size (wrapped), &error);
  g_assert_null (none);
  assert_refused (error, HF_JOSE_ERROR_WRONG_KEY);
  g_clear_error (&error);

  /* The RFC's token parses, and its A128CBC-HS256 content is refused by name. */
  jwe = hf_jwe_parse (token, strlen (token), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hf_jwe_get_alg (jwe), ==, "PBES2-HS512+A256KW");
  g_assert_cmpstr (hf_jwe_get_cty (jwe), ==, "jwk-set+json");
  plain = hf_jwe_decrypt (jwe, NULL, pass, &error);
  g_assert_null (plain);
  assert_refused (error, HF_JOSE_ERROR_ENC_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "A128CBC-HS256"));
}

static void
test_rfc3394_4_6 (void)
{
  g_autoptr(JsonObject) v = load_vector ("rfc3394-4.6.json");
  g_autoptr(GBytes) kek_bytes = hex (json_object_get_string_member (v, "kek"));
  g_autoptr(GBytes) key_bytes = hex (json_object_get_string_member (v, "key_data"));
  g_autoptr(GBytes) expected = hex (json_object_get_string_member (v, "ciphertext"));
  g_autoptr(HfSecret) kek = secret_from_bytes (kek_bytes);
  g_autoptr(HfSecret) key = secret_from_bytes (key_bytes);
  g_autoptr(HfSecret) back = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *flipped = NULL;

  wrapped = _hf_jose_aes_key_wrap (kek, key, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (wrapped, expected));
  back = _hf_jose_aes_key_unwrap (kek, g_bytes_get_data (expected, NULL),
                                  g_bytes_get_size (expected), &error);
  g_assert_no_error (error);
  assert_secret_equals (back, key_bytes);
  g_clear_pointer (&back, hf_secret_free);

  /* Any changed bit fails the integrity check. */
  flipped = g_memdup2 (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  flipped[17] ^= 0x01;
  back = _hf_jose_aes_key_unwrap (kek, flipped, g_bytes_get_size (expected), &error);
  g_assert_null (back);
  assert_refused (error, HF_JOSE_ERROR_WRONG_KEY);
}

static void
test_rfc7638_3_1 (void)
{
  g_autoptr(JsonObject) v = load_vector ("rfc7638-3.1.json");
  JsonObject *members = json_object_get_object_member (v, "members");
  /* Given out of order: the canonical form sorts them. */
  const char *names[] = { "n", "kty", "e" };
  const char *values[3];
  g_autofree char *canonical = NULL;
  g_autofree char *thumbprint = NULL;

  for (guint i = 0; i < 3; i++)
    values[i] = json_object_get_string_member (members, names[i]);
  thumbprint = _hf_jose_thumbprint (names, values, 3, &canonical);
  g_assert_cmpstr (canonical, ==, json_object_get_string_member (v, "canonical"));
  g_assert_cmpstr (thumbprint, ==, json_object_get_string_member (v, "thumbprint"));
}

static void
test_ec_thumbprint (void)
{
  g_autoptr(JsonObject) v = load_vector ("rfc7515-a3.json");
  JsonObject *jwk = json_object_get_object_member (v, "jwk");
  g_autoptr(HfJoseKey) key = key_from_vector (v, "jwk");
  g_autoptr(HfJoseKey) other = new_key ();
  const char *names[] = { "kty", "crv", "x", "y" };
  const char *values[4];
  g_autofree char *expected = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *ours = hf_jose_key_dup_thumbprint (key);
  g_autofree char *others = hf_jose_key_dup_thumbprint (other);

  /* The EC key's required members, as the JWK has them ("d" is not one of them). */
  for (guint i = 0; i < 4; i++)
    values[i] = json_object_get_string_member (jwk, names[i]);
  expected = _hf_jose_thumbprint (names, values, 4, &canonical);
  g_assert_true (g_str_has_prefix (canonical, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"f83O"));
  g_assert_cmpstr (ours, ==, expected);
  g_assert_cmpuint (strlen (ours), ==, 43);
  /* hf-jwk's thumbprint of the same public key (the recipients' keys) agrees. */
  {
    g_autofree char *json = public_jwk_text (key);
    g_autoptr(GError) error = NULL;
    g_autoptr(HfJwk) jwk_key = hf_jwk_parse_public (json, -1, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (hf_jwk_get_thumbprint (jwk_key), ==, ours);
  }
  g_assert_cmpstr (others, !=, ours);
}

static void
test_rfc7516_a1_gcm (void)
{
  g_autoptr(JsonObject) v = load_vector ("rfc7516-a1.json");
  const char *aad = json_object_get_string_member (v, "protected");
  const char *plaintext = json_object_get_string_member (v, "plaintext");
  g_autoptr(GBytes) cek_bytes = json_byte_array (v, "cek");
  g_autoptr(HfSecret) cek = secret_from_bytes (cek_bytes);
  g_autoptr(GBytes) iv = b64 (json_object_get_string_member (v, "iv"));
  g_autoptr(GBytes) ct = b64 (json_object_get_string_member (v, "ciphertext"));
  g_autoptr(GBytes) tag = b64 (json_object_get_string_member (v, "tag"));
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) bad_tag = NULL;
  g_autoptr(GError) error = NULL;
  guint8 t[16];

  plain = _hf_jose_gcm_decrypt (cek, iv, aad, strlen (aad), ct, tag, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                   plaintext, strlen (plaintext));
  g_clear_pointer (&plain, g_bytes_unref);

  /* The AAD is the header's base64url text: one character less and nothing decrypts. */
  plain = _hf_jose_gcm_decrypt (cek, iv, aad, strlen (aad) - 1, ct, tag, &error);
  g_assert_null (plain);
  assert_refused (error, HF_JOSE_ERROR_DECRYPT_FAILED);
  g_clear_error (&error);

  memcpy (t, g_bytes_get_data (tag, NULL), 16);
  t[15] ^= 0x80;
  bad_tag = g_bytes_new (t, 16);
  plain = _hf_jose_gcm_decrypt (cek, iv, aad, strlen (aad), ct, bad_tag, &error);
  g_assert_null (plain);
  assert_refused (error, HF_JOSE_ERROR_DECRYPT_FAILED);
}

/* Keys */

static void
test_keys (void)
{
  g_autoptr(JsonObject) v = load_vector ("rfc7515-a3.json");
  g_autoptr(HfJoseKey) key = key_from_vector (v, "jwk");
  g_autoptr(HfJoseKey) other = new_key ();
  g_autoptr(HfJoseKey) again = NULL;
  g_autoptr(HfJoseKey) bad = NULL;
  g_autoptr(HfSecret) d = hf_jose_key_dup_private (key);
  g_autoptr(HfSecret) d_other = hf_jose_key_dup_private (other);
  g_autoptr(GBytes) d_rfc = b64 (json_object_get_string_member (json_object_get_object_member (
                                   v, "jwk"), "d"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint8 x[32], y[32];

  assert_secret_equals (d, d_rfc);
  hf_jose_key_get_public (key, x, y);
  again = hf_jose_key_new_private (x, y, d, &error);
  g_assert_no_error (error);
  g_assert_true (hf_jose_key_equal (again, key));
  g_assert_false (hf_jose_key_equal (other, key));
  g_clear_pointer (&again, hf_jose_key_free);

  /* Another key's private part does not go with this point. */
  again = hf_jose_key_new_private (x, y, d_other, &error);
  g_assert_null (again);
  assert_refused (error, HF_JOSE_ERROR_KEY_INVALID);
  g_clear_error (&error);

  /* A point off the curve. */
  y[31] ^= 0x01;
  bad = hf_jose_key_new_public (x, y, &error);
  g_assert_null (bad);
  assert_refused (error, HF_JOSE_ERROR_KEY_INVALID);
  g_clear_error (&error);

  /* JWKs of other kinds. */
  {
    static const char *jwks[] = {
      "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
      "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
      "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}",
      "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE\","
      "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
      "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
      "\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
      "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":7,"
      "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (jwks); i++)
      {
        g_autoptr(HfJoseKey) k = NULL;

        json_parser_load_from_data (parser, jwks[i], -1, &error);
        g_assert_no_error (error);
        k = hf_jose_key_new_from_jwk (json_node_get_object (json_parser_get_root (parser)),
                                      &error);
        g_assert_null (k);
        assert_refused (error, HF_JOSE_ERROR_KEY_INVALID);
        g_clear_error (&error);
      }
  }
}

/* JWS: what a signer makes, and what a verifier refuses */

static void
test_jws_round_trip (void)
{
  g_autoptr(HfJoseKey) key = new_key ();
  g_autoptr(HfJoseKey) other = new_key ();
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autofree char *kid = hf_jose_key_dup_thumbprint (key);
  g_autofree char *token = NULL;
  g_autoptr(HfJws) jws = NULL;
  g_autoptr(GError) error = NULL;
  const char *bundle = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}";
  JsonObject *header;

  json_object_set_string_member (extra, "typ", "JOSE");
  json_object_set_string_member (extra, "cty", "application/fhir+json");
  json_object_set_string_member (extra, "iss", "https://clinic.example");
  json_object_set_int_member (extra, "iat", 1767225600);
  token = hf_jws_sign_es256 (key, kid, extra, (const guint8 *) bundle, strlen (bundle), &error);
  g_assert_no_error (error);
  jws = parse_jws (token);
  g_assert_true (hf_jws_verify_es256 (jws, key, &error));
  g_assert_no_error (error);
  header = hf_jws_get_header (jws);
  g_assert_cmpstr (hf_jws_get_kid (jws), ==, kid);
  g_assert_cmpstr (json_object_get_string_member (header, "iss"), ==, "https://clinic.example");
  g_assert_cmpint (json_object_get_int_member (header, "iat"), ==, 1767225600);
  g_assert_cmpstr (json_object_get_string_member (header, "cty"), ==, "application/fhir+json");
  /* The payload is exactly the bytes given. */
  g_assert_cmpmem (g_bytes_get_data (hf_jws_get_payload (jws), NULL),
                   g_bytes_get_size (hf_jws_get_payload (jws)), bundle, strlen (bundle));

  /* Another key did not sign it. */
  g_assert_false (hf_jws_verify_es256 (jws, other, &error));
  assert_refused (error, HF_JOSE_ERROR_SIGNATURE_INVALID);
  g_assert_cmpint (hf_jose_error_to_hf (error), ==, HF_ERROR_INTEGRITY);
}

static void
test_jws_hostile_headers (void)
{
  g_autoptr(HfJoseKey) key = new_key ();
  g_autoptr(HfJoseKey) attacker = new_key ();
  g_autofree char *jwk = public_jwk_text (key);
  g_autofree char *attacker_jwk = public_jwk_text (attacker);
  static const struct
  {
    const char *header;
    HfJoseError code;
  } cases[] = {
    { "{\"kid\":\"k\"}", HF_JOSE_ERROR_ALG_MISSING },
    { "{\"alg\":\"none\",\"kid\":\"k\"}", HF_JOSE_ERROR_ALG_NONE },
    { "{\"alg\":\"None\",\"kid\":\"k\"}", HF_JOSE_ERROR_ALG_NONE },
    { "{\"alg\":\"HS512\",\"kid\":\"k\"}", HF_JOSE_ERROR_ALG_HMAC },
    { "{\"alg\":\"RS256\",\"kid\":\"k\"}", HF_JOSE_ERROR_ALG_RSA },
    { "{\"alg\":\"PS256\",\"kid\":\"k\"}", HF_JOSE_ERROR_ALG_RSA },
    { "{\"alg\":\"ES384\",\"kid\":\"k\"}", HF_JOSE_ERROR_ALG_UNSUPPORTED },
    { "{\"alg\":\"es256\",\"kid\":\"k\"}", HF_JOSE_ERROR_ALG_UNSUPPORTED },
    { "{\"alg\":[\"ES256\"],\"kid\":\"k\"}", HF_JOSE_ERROR_MALFORMED },
    { "{\"alg\":\"ES256\"}", HF_JOSE_ERROR_KID_MISSING },
    { "{\"alg\":\"ES256\",\"kid\":\"\"}", HF_JOSE_ERROR_KID_MISSING },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"jku\":\"https://127.0.0.1:8443/jwks.json\"}",
      HF_JOSE_ERROR_JKU },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"x5u\":\"https://127.0.0.1/cert.pem\"}",
      HF_JOSE_ERROR_X5U },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"x5c\":[\"MIIB\"]}", HF_JOSE_ERROR_X5C },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"b64\":false,\"crit\":[\"b64\"]}",
      HF_JOSE_ERROR_B64_FALSE },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"b64\":\"no\"}", HF_JOSE_ERROR_MALFORMED },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"exp\":1,\"crit\":[\"exp\"]}",
      HF_JOSE_ERROR_CRIT_UNKNOWN },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"crit\":[\"urn:example:policy\"]}",
      HF_JOSE_ERROR_CRIT_UNKNOWN },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"crit\":[]}", HF_JOSE_ERROR_MALFORMED },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"crit\":\"b64\"}", HF_JOSE_ERROR_MALFORMED },
    { "{\"alg\":\"ES256\",\"kid\":\"k\",\"crit\":[\"b64\"]}", HF_JOSE_ERROR_MALFORMED },
  };

  /* Each signed correctly by KEY: only the header is wrong. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = make_jws (key, cases[i].header, "{}");

      g_test_message ("header %s", cases[i].header);
      assert_jws_refused (token, key, cases[i].code);
    }

  /* An embedded key that did sign it: the token vouches for itself. */
  {
    g_autofree char *header = g_strdup_printf ("{\"alg\":\"ES256\",\"kid\":\"k\",\"jwk\":%s}",
                                               attacker_jwk);
    g_autofree char *token = make_jws (attacker, header, "{}");

    assert_jws_refused (token, key, HF_JOSE_ERROR_EMBEDDED_JWK);
    assert_jws_refused (token, attacker, HF_JOSE_ERROR_EMBEDDED_JWK);
  }

  /* HS256 keyed with the public key (the algorithm confusion attack). */
  {
    g_autofree char *h = encode_text ("{\"alg\":\"HS256\",\"kid\":\"k\"}");
    g_autofree char *p = encode_text ("{}");
    g_autofree char *input = g_strconcat (h, ".", p, NULL);
    g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) jwk, strlen (jwk));
    guint8 mac[32];
    gsize mac_length = sizeof mac;
    g_autofree char *mac_b64 = NULL;
    g_autofree char *token = NULL;

    g_hmac_update (hmac, (const guchar *) input, strlen (input));
    g_hmac_get_digest (hmac, mac, &mac_length);
    mac_b64 = hf_base64url_encode (mac, mac_length);
    token = g_strconcat (input, ".", mac_b64, NULL);
    assert_jws_refused (token, key, HF_JOSE_ERROR_ALG_HMAC);
  }

  /* "b64": true listed in "crit" is RFC 7797's way of saying "as usual": accepted. */
  {
    g_autofree char *token = make_jws (key, "{\"alg\":\"ES256\",\"kid\":\"k\",\"b64\":true,"
                                            "\"crit\":[\"b64\"]}", "{}");
    g_autoptr(HfJws) jws = parse_jws (token);
    g_autoptr(GError) error = NULL;

    g_assert_true (hf_jws_verify_es256 (jws, key, &error));
    g_assert_no_error (error);
  }

  /* A value shown in a message is cut short. */
  {
    g_autofree char *long_alg = g_strnfill (5000, 'X');
    g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"kid\":\"k\"}", long_alg);
    g_autofree char *token = make_jws (key, header, "{}");
    g_autoptr(GError) error = NULL;
    g_autoptr(HfJws) jws = parse_jws (token);

    g_assert_false (hf_jws_verify_es256 (jws, key, &error));
    assert_refused (error, HF_JOSE_ERROR_ALG_UNSUPPORTED);
    g_assert_cmpuint (strlen (error->message), <, 200);
  }

  /* The same member twice: which "alg" is meant? */
  {
    g_autofree char *token = make_jws (key, "{\"alg\":\"ES256\",\"kid\":\"k\",\"alg\":\"none\"}",
                                       "{}");
    g_autoptr(GError) error = NULL;
    g_autoptr(HfJws) jws = hf_jws_parse (token, strlen (token), &error);

    g_assert_null (jws);
    assert_refused (error, HF_JOSE_ERROR_DUPLICATE_MEMBER);
    g_assert_cmpint (hf_jose_error_to_hf (error), ==, HF_ERROR_INVALID_INPUT);
  }
}

/* "jku" names a server on loopback: refusing it must not connect to it. */
static void
accepted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection =
    g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, NULL);

  if (connection != NULL)
    *(gboolean *) user_data = TRUE;
}

static void
test_jws_jku_loopback (void)
{
  g_autoptr(HfJoseKey) key = new_key ();
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  g_autofree char *token = NULL;
  gboolean connected = FALSE;
  gint64 until;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_socket_listener_accept_async (listener, cancellable, accepted_cb, &connected);
  header = g_strdup_printf ("{\"alg\":\"ES256\",\"kid\":\"k\","
                            "\"jku\":\"https://127.0.0.1:%u/.well-known/jwks.json\"}",
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  token = make_jws (key, header, "{}");
  assert_jws_refused (token, key, HF_JOSE_ERROR_JKU);
  until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (connected);
  g_cancellable_cancel (cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_jws_hostile_signatures (void)
{
  g_autoptr(HfJoseKey) key = new_key ();
  g_autofree char *token = hf_jws_sign_es256 (key, "k", NULL, (const guint8 *) "payload A", 9,
                                              NULL);
  g_autofree char *token_b = hf_jws_sign_es256 (key, "k", NULL, (const guint8 *) "payload B", 9,
                                                NULL);
  g_autoptr(HfJws) good = parse_jws (token);
  guint8 sig[64];
  guint8 order[32];
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_jws_verify_es256 (good, key, &error));
  g_assert_no_error (error);
  {
    g_autofree char *sig_b64 = g_strdup (strrchr (token, '.') + 1);
    g_autoptr(GBytes) raw = b64 (sig_b64);

    g_assert_cmpuint (g_bytes_get_size (raw), ==, 64);
    memcpy (sig, g_bytes_get_data (raw, NULL), 64);
  }
  {
    EC_GROUP *group = EC_GROUP_new_by_curve_name (NID_X9_62_prime256v1);

    g_assert_cmpint (BN_bn2binpad (EC_GROUP_get0_order (group), order, 32), ==, 32);
    EC_GROUP_free (group);
  }

  /* r = s = 0 */
  {
    guint8 zero[64] = { 0 };
    g_autofree char *t = with_signature (token, zero, 64);

    assert_jws_refused (t, key, HF_JOSE_ERROR_SIGNATURE_RANGE);
  }
  /* r = n, and s = n, the other half kept */
  for (guint half = 0; half < 2; half++)
    {
      guint8 s[64];
      g_autofree char *t = NULL;

      memcpy (s, sig, 64);
      memcpy (s + 32 * half, order, 32);
      t = with_signature (token, s, 64);
      assert_jws_refused (t, key, HF_JOSE_ERROR_SIGNATURE_RANGE);
    }
  /* r = n + r' wraps to a valid r modulo n if a verifier reduces it: still refused. */
  {
    guint8 s[64];
    g_autofree char *t = NULL;

    memset (s, 0xff, 32);
    memcpy (s + 32, sig + 32, 32);
    t = with_signature (token, s, 64);
    assert_jws_refused (t, key, HF_JOSE_ERROR_SIGNATURE_RANGE);
  }
  /* The same signature in DER, as OpenSSL and X.509 write it. */
  {
    ECDSA_SIG *es = ECDSA_SIG_new ();
    guint8 *der = NULL;
    int der_length;
    g_autofree char *t = NULL;
    g_autoptr(GError) e = NULL;
    g_autoptr(HfJws) jws = NULL;

    ECDSA_SIG_set0 (es, BN_bin2bn (sig, 32, NULL), BN_bin2bn (sig + 32, 32, NULL));
    der_length = i2d_ECDSA_SIG (es, &der);
    g_assert_cmpint (der_length, >, 64);
    t = with_signature (token, der, der_length);
    OPENSSL_free (der);
    ECDSA_SIG_free (es);
    jws = parse_jws (t);
    g_assert_false (hf_jws_verify_es256 (jws, key, &e));
    assert_refused (e, HF_JOSE_ERROR_SIGNATURE_ENCODING);
    g_assert_nonnull (strstr (e->message, "DER"));
  }
  /* A signature for another payload. */
  {
    g_autoptr(GBytes) other = b64 (strrchr (token_b, '.') + 1);
    g_autofree char *t = NULL;

    t = with_signature (token, g_bytes_get_data (other, NULL), 64);
    assert_jws_refused (t, key, HF_JOSE_ERROR_SIGNATURE_INVALID);
  }
  /* Every bit of the signature matters. */
  for (guint bit = 0; bit < 512; bit += 37)
    {
      guint8 s[64];
      g_autofree char *t = NULL;
      g_autoptr(HfJws) jws = NULL;
      g_autoptr(GError) e = NULL;

      memcpy (s, sig, 64);
      s[bit / 8] ^= 1 << (bit % 8);
      t = with_signature (token, s, 64);
      jws = parse_jws (t);
      g_assert_false (hf_jws_verify_es256 (jws, key, &e));
      g_assert_true (g_error_matches (e, HF_JOSE_ERROR, HF_JOSE_ERROR_SIGNATURE_INVALID)
                     || g_error_matches (e, HF_JOSE_ERROR, HF_JOSE_ERROR_SIGNATURE_RANGE));
    }
}

static void
test_jws_hostile_forms (void)
{
  g_autoptr(HfJoseKey) key = new_key ();
  g_autofree char *token = hf_jws_sign_es256 (key, "k", NULL, (const guint8 *) "{}", 2, NULL);
  gsize length = strlen (token);

  /* Cut anywhere, it never verifies. */
  for (gsize cut = 0; cut < length; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfJws) jws = hf_jws_parse (token, cut, &error);

      if (jws != NULL)
        g_assert_false (hf_jws_verify_es256 (jws, key, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == HF_JOSE_ERROR);
    }
  /* The usual truncation: the last characters of the signature lost. */
  {
    g_autofree char *cut = g_strndup (token, length - 5);

    assert_jws_refused (cut, key, HF_JOSE_ERROR_MALFORMED);
  }
  {
    /* 84 characters: 63 bytes, canonical base64url, one byte short of r‖s. */
    g_autofree char *cut = g_strndup (token, length - 2);

    assert_jws_refused (cut, key, HF_JOSE_ERROR_SIGNATURE_ENCODING);
  }
  /* Five parts (four dots) is not a JWS. */
  {
    g_autofree char *five = g_strconcat (token, ".AAAA.AAAA", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HfJws) jws = hf_jws_parse (five, strlen (five), &error);

    g_assert_null (jws);
    assert_refused (error, HF_JOSE_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "JWE"));
  }
  /* A newline at the end (a file read as it is) is not part of base64url. */
  {
    g_autofree char *line = g_strconcat (token, "\n", NULL);

    assert_jws_refused (line, key, HF_JOSE_ERROR_MALFORMED);
  }
  /* A header that is not an object, and one over 8 KiB. */
  {
    g_autofree char *h = encode_text ("[\"alg\",\"ES256\"]");
    g_autofree char *t = g_strconcat (h, ".e30.AAAA", NULL);

    assert_jws_refused (t, key, HF_JOSE_ERROR_MALFORMED);
  }
  {
    g_autoptr(GString) big = g_string_new ("{\"alg\":\"ES256\",\"kid\":\"k\",\"pad\":\"");
    g_autofree char *h = NULL;
    g_autofree char *t = NULL;

    for (guint i = 0; i < 9000; i++)
      g_string_append_c (big, 'x');
    g_string_append (big, "\"}");
    h = encode_text (big->str);
    t = g_strconcat (h, ".e30.AAAA", NULL);
    assert_jws_refused (t, key, HF_JOSE_ERROR_TOO_LARGE);
  }
}

static void
test_jws_large (void)
{
  g_autoptr(HfJoseKey) key = new_key ();
  gsize size = 10 * 1000 * 1000;
  g_autofree char *text = g_malloc (size + 1);
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* 10 MB of base64url and nothing else: not a JWS, said at once. */
  memset (text, 'A', size);
  text[size] = '\0';
  start = g_get_monotonic_time ();
  assert_jws_refused (text, key, HF_JOSE_ERROR_MALFORMED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  /* Over the cap: refused before anything is decoded. */
  {
    gsize over = HF_JOSE_MAX_TOKEN + 1;
    g_autofree char *huge = g_malloc (over);
    g_autoptr(HfJws) jws = NULL;
    g_autoptr(HfJwe) jwe = NULL;

    memset (huge, 'A', over);
    huge[10] = '.';
    huge[20] = '.';
    jws = hf_jws_parse (huge, over, &error);
    g_assert_null (jws);
    assert_refused (error, HF_JOSE_ERROR_TOO_LARGE);
    g_clear_error (&error);
    jwe = hf_jwe_parse (huge, over, &error);
    g_assert_null (jwe);
    assert_refused (error, HF_JOSE_ERROR_TOO_LARGE);
    g_clear_error (&error);
  }

  /* A 10 MB payload whose signature is not its own. */
  {
    g_autofree char *header = encode_text ("{\"alg\":\"ES256\",\"kid\":\"k\"}");
    g_autofree char *t = NULL;
    guint8 sig[64];

    memset (sig, 0x11, sizeof sig);
    text[size - 1] = '\0';  /* 9,999,999 characters: a length base64url can have */
    {
      g_autofree char *input = g_strconcat (header, ".", text, NULL);
      g_autofree char *sig_b64 = hf_base64url_encode (sig, sizeof sig);

      t = g_strconcat (input, ".", sig_b64, NULL);
    }
    start = g_get_monotonic_time ();
    assert_jws_refused (t, key, HF_JOSE_ERROR_SIGNATURE_INVALID);
    g_test_message ("a 10 MB forged JWS refused in %.0f ms",
                    (g_get_monotonic_time () - start) / 1000.0);
  }
}

/* JWE */

static HfJwe *
parse_jwe (const char *token)
{
  g_autoptr(GError) error = NULL;
  HfJwe *jwe = hf_jwe_parse (token, strlen (token), &error);

  g_assert_no_error (error);
  return jwe;
}

static void
assert_jwe_refused (const char      *token,
                    const HfJoseKey *key,
                    const HfSecret  *passphrase,
                    HfJoseError      code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJwe) jwe = hf_jwe_parse (token, strlen (token), &error);
  g_autoptr(GBytes) plain = NULL;

  if (jwe != NULL)
    plain = hf_jwe_decrypt (jwe, key, passphrase, &error);
  g_assert_null (plain);
  g_assert_nonnull (error);
  assert_refused (error, code);
}

/* TOKEN with part I (0-4) replaced by the base64url of DATA. */
static char *
with_part (const char   *token,
           guint         i,
           const guint8 *data,
           gsize         length)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 5);
  g_free (parts[i]);
  parts[i] = hf_base64url_encode (data, length);
  return g_strjoinv (".", parts);
}

static char *
with_header (const char *token,
             const char *header_json)
{
  return with_part (token, 0, (const guint8 *) header_json, strlen (header_json));
}

static void
flip_in_part (char  *token,
              guint  part)
{
  char *p = token;

  for (guint i = 0; i < part; i++)
    p = strchr (p, '.') + 1;
  /* The first character holds six whole bits: changing it keeps the base64url canonical. */
  *p = *p == 'A' ? 'B' : 'A';
}

static void
test_jwe_ecdh_round_trip (void)
{
  g_autoptr(HfJoseKey) recipient = new_key ();
  g_autoptr(HfJoseKey) other = new_key ();
  g_autoptr(HfSecret) pass = hf_test_secret ("a passphrase");
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autofree char *kid = hf_jose_key_dup_thumbprint (recipient);
  const char *inner = "eyJhbGciOiJFUzI1NiJ9.e30.AAAA";
  g_autofree char *token = NULL;
  g_autoptr(HfJwe) jwe = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *header, *epk;

  json_object_set_string_member (extra, "cty", "JOSE");
  token = hf_jwe_encrypt_ecdh_es (recipient, kid, extra, (const guint8 *) inner, strlen (inner),
                                  &error);
  g_assert_no_error (error);
  jwe = parse_jwe (token);
  header = hf_jwe_get_header (jwe);
  g_assert_cmpstr (hf_jwe_get_alg (jwe), ==, "ECDH-ES+A256KW");
  g_assert_cmpstr (json_object_get_string_member (header, "enc"), ==, "A256GCM");
  g_assert_cmpstr (hf_jwe_get_kid (jwe), ==, kid);
  g_assert_cmpstr (hf_jwe_get_cty (jwe), ==, "JOSE");
  g_assert_false (json_object_has_member (header, "zip"));
  epk = json_object_get_object_member (header, "epk");
  g_assert_cmpstr (json_object_get_string_member (epk, "kty"), ==, "EC");
  g_assert_cmpstr (json_object_get_string_member (epk, "crv"), ==, "P-256");
  g_assert_false (json_object_has_member (epk, "d"));

  plain = hf_jwe_decrypt (jwe, recipient, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                   inner, strlen (inner));

  /* Two encryptions of the same content differ (fresh ephemeral key, CEK and IV). */
  {
    g_autofree char *again = hf_jwe_encrypt_ecdh_es (recipient, kid, extra,
                                                     (const guint8 *) inner, strlen (inner),
                                                     NULL);

    g_assert_cmpstr (again, !=, token);
  }

  /* Another recipient's key, and a passphrase instead of a key. */
  assert_jwe_refused (token, other, NULL, HF_JOSE_ERROR_WRONG_KEY);
  assert_jwe_refused (token, NULL, pass, HF_JOSE_ERROR_KEY_INVALID);
  {
    guint8 x[32], y[32];
    g_autoptr(HfJoseKey) pub = NULL;

    hf_jose_key_get_public (recipient, x, y);
    pub = hf_jose_key_new_public (x, y, NULL);
    assert_jwe_refused (token, pub, NULL, HF_JOSE_ERROR_KEY_INVALID);
  }

  /* A changed tag, ciphertext, IV or encrypted key. */
  {
    static const struct { guint part; HfJoseError code; } parts[] = {
      { 1, HF_JOSE_ERROR_WRONG_KEY },
      { 2, HF_JOSE_ERROR_DECRYPT_FAILED },
      { 3, HF_JOSE_ERROR_DECRYPT_FAILED },
      { 4, HF_JOSE_ERROR_DECRYPT_FAILED },
    };

    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      {
        g_autofree char *t = g_strdup (token);

        flip_in_part (t, parts[i].part);
        assert_jwe_refused (t, recipient, NULL, parts[i].code);
      }
  }
  /* A header changed after encryption (it is the AAD): "cty" dropped. */
  {
    g_autoptr(JsonObject) h = json_object_ref (header);
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *json = NULL;
    g_autofree char *t = NULL;

    json_object_remove_member (h, "cty");
    node = json_node_init_object (json_node_alloc (), h);
    json = json_to_string (node, FALSE);
    t = with_header (token, json);
    assert_jwe_refused (t, recipient, NULL, HF_JOSE_ERROR_DECRYPT_FAILED);
  }
  /* Truncated. */
  {
    g_autofree char *t = g_strndup (token, strlen (token) - 3);

    assert_jwe_refused (t, recipient, NULL, HF_JOSE_ERROR_MALFORMED);
  }
  /* A JWS handed to the JWE parser. */
  assert_jwe_refused (inner, recipient, NULL, HF_JOSE_ERROR_MALFORMED);
}

static void
test_jwe_epk (void)
{
  g_autoptr(HfJoseKey) recipient = new_key ();
  g_autofree char *token = hf_jwe_encrypt_ecdh_es (recipient, NULL, NULL, (const guint8 *) "x",
                                                   1, NULL);
  g_autoptr(HfJwe) jwe = parse_jwe (token);
  g_autoptr(JsonObject) epk = json_object_ref (json_object_get_object_member (
                                                 hf_jwe_get_header (jwe), "epk"));
  const char *x = json_object_get_string_member (epk, "x");
  g_autofree char *x_saved = g_strdup (x);
  const char *y = json_object_get_string_member (epk, "y");
  g_autofree char *y_saved = g_strdup (y);
  struct { char *header; HfJoseError code; } cases[5];

  g_assert_null (hf_jwe_get_kid (jwe));
  {
    /* y + 1: off the curve (the invalid-curve attack on ECDH). */
    g_autoptr(GBytes) yb = b64 (y_saved);
    guint8 y2[32];
    g_autofree char *y2_b64 = NULL;

    memcpy (y2, g_bytes_get_data (yb, NULL), 32);
    y2[31] ^= 1;
    y2_b64 = hf_base64url_encode (y2, 32);
    cases[0].header = g_strdup_printf ("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\","
                                       "\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\","
                                       "\"y\":\"%s\"}}", x_saved, y2_b64);
    cases[0].code = HF_JOSE_ERROR_EPK_INVALID;
  }
  cases[1].header = g_strdup ("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\"}");
  cases[1].code = HF_JOSE_ERROR_EPK_INVALID;
  cases[2].header = g_strdup_printf ("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\","
                                     "\"epk\":{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"%s\","
                                     "\"y\":\"%s\"}}", x_saved, y_saved);
  cases[2].code = HF_JOSE_ERROR_EPK_INVALID;
  cases[3].header = g_strdup_printf ("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\","
                                     "\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\","
                                     "\"y\":\"%s\",\"d\":\"%s\"}}", x_saved, y_saved, x_saved);
  cases[3].code = HF_JOSE_ERROR_EPK_INVALID;
  cases[4].header = g_strdup_printf ("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\","
                                     "\"apu\":\"a+b\",\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\","
                                     "\"x\":\"%s\",\"y\":\"%s\"}}", x_saved, y_saved);
  cases[4].code = HF_JOSE_ERROR_MALFORMED;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *t = with_header (token, cases[i].header);

      g_test_message ("header %s", cases[i].header);
      assert_jwe_refused (t, recipient, NULL, cases[i].code);
      g_free (cases[i].header);
    }
}

static void
test_jwe_pbes2_round_trip (void)
{
  g_autoptr(HfSecret) pass = hf_test_secret ("correct horse battery staple");
  g_autoptr(HfSecret) wrong = hf_test_secret ("correct horse battery stapler");
  const char *content = "{\"resourceType\":\"Bundle\"}";
  g_autoptr(GError) error = NULL;
  g_autofree char *token = hf_jwe_encrypt_pbes2 (pass, 0, NULL, (const guint8 *) content,
                                                 strlen (content), &error);
  g_autoptr(HfJwe) jwe = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) p2s = NULL;
  JsonObject *header;

  g_assert_no_error (error);
  jwe = parse_jwe (token);
  header = hf_jwe_get_header (jwe);
  g_assert_cmpstr (hf_jwe_get_alg (jwe), ==, "PBES2-HS512+A256KW");
  g_assert_cmpstr (json_object_get_string_member (header, "enc"), ==, "A256GCM");
  g_assert_cmpint (json_object_get_int_member (header, "p2c"), ==, 210000);
  p2s = b64 (json_object_get_string_member (header, "p2s"));
  g_assert_cmpuint (g_bytes_get_size (p2s), ==, 16);
  plain = hf_jwe_decrypt (jwe, NULL, pass, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                   content, strlen (content));

  assert_jwe_refused (token, NULL, wrong, HF_JOSE_ERROR_WRONG_KEY);
  {
    g_autoptr(GError) e = NULL;
    g_autoptr(GBytes) none = hf_jwe_decrypt (jwe, NULL, wrong, &e);

    g_assert_null (none);
    g_assert_cmpint (hf_jose_error_to_hf (e), ==, HF_ERROR_AUTH);
  }
  {
    g_autoptr(HfJoseKey) key = new_key ();

    assert_jwe_refused (token, key, NULL, HF_JOSE_ERROR_KEY_INVALID);
  }
}

static void
test_jwe_pbes2_bounds (void)
{
  g_autoptr(HfSecret) pass = hf_test_secret ("p");
  /* A token whose other parts are of the right lengths, so only the header decides. */
  guint8 junk[40];
  g_autofree char *junk_b64 = NULL;
  g_autofree char *iv_b64 = NULL;
  g_autofree char *tag_b64 = NULL;
  static const struct { const char *p2; HfJoseError code; } cases[] = {
    { "\"p2s\":\"8Q1SzinasR3xchYz6ZZcHA\",\"p2c\":1000000000", HF_JOSE_ERROR_P2C_TOO_LARGE },
    { "\"p2s\":\"8Q1SzinasR3xchYz6ZZcHA\",\"p2c\":10000001", HF_JOSE_ERROR_P2C_TOO_LARGE },
    { "\"p2s\":\"8Q1SzinasR3xchYz6ZZcHA\",\"p2c\":9223372036854775807",
      HF_JOSE_ERROR_P2C_TOO_LARGE },
    { "\"p2s\":\"8Q1SzinasR3xchYz6ZZcHA\",\"p2c\":999", HF_JOSE_ERROR_P2C_TOO_SMALL },
    { "\"p2s\":\"8Q1SzinasR3xchYz6ZZcHA\",\"p2c\":-1", HF_JOSE_ERROR_P2C_TOO_SMALL },
    { "\"p2s\":\"8Q1SzinasR3xchYz6ZZcHA\",\"p2c\":\"210000\"", HF_JOSE_ERROR_MALFORMED },
    { "\"p2s\":\"8Q1SzinasR3xchYz6ZZcHA\",\"p2c\":1e9", HF_JOSE_ERROR_MALFORMED },
    { "\"p2s\":\"8Q1SzinasR3xchYz6ZZcHA\"", HF_JOSE_ERROR_MALFORMED },
    { "\"p2s\":\"AAAAAAAAAA\",\"p2c\":1000", HF_JOSE_ERROR_P2S_TOO_SHORT },
    { "\"p2c\":1000", HF_JOSE_ERROR_MALFORMED },
  };

  memset (junk, 7, sizeof junk);
  junk_b64 = hf_base64url_encode (junk, 40);
  iv_b64 = hf_base64url_encode (junk, 12);
  tag_b64 = hf_base64url_encode (junk, 16);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"alg\":\"PBES2-HS512+A256KW\","
                                               "\"enc\":\"A256GCM\",%s}", cases[i].p2);
      g_autofree char *header = encode_text (json);
      g_autofree char *t = g_strjoin (".", header, junk_b64, iv_b64, junk_b64, tag_b64, NULL);
      gint64 start = g_get_monotonic_time ();

      g_test_message ("header %s", json);
      assert_jwe_refused (t, NULL, pass, cases[i].code);
      /* Refused, not computed: 10^9 rounds of PBKDF2 would take minutes. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
    }
}

static void
test_jwe_hostile_headers (void)
{
  g_autoptr(HfJoseKey) key = new_key ();
  g_autofree char *token = hf_jwe_encrypt_ecdh_es (key, "k", NULL, (const guint8 *) "x", 1,
                                                   NULL);
  g_autoptr(HfJwe) jwe = parse_jwe (token);
  g_autoptr(JsonObject) epk = json_object_ref (json_object_get_object_member (
                                                 hf_jwe_get_header (jwe), "epk"));
  g_autoptr(JsonNode) epk_node = json_node_init_object (json_node_alloc (), epk);
  g_autofree char *epk_json = json_to_string (epk_node, FALSE);
  static const struct { const char *format; HfJoseError code; } cases[] = {
    { "{\"enc\":\"A256GCM\",\"epk\":EPK}", HF_JOSE_ERROR_ALG_MISSING },
    { "{\"alg\":\"none\",\"enc\":\"A256GCM\",\"epk\":EPK}", HF_JOSE_ERROR_ALG_NONE },
    { "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"epk\":EPK}", HF_JOSE_ERROR_ALG_UNSUPPORTED },
    { "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"epk\":EPK}", HF_JOSE_ERROR_ALG_UNSUPPORTED },
    { "{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\",\"epk\":EPK}", HF_JOSE_ERROR_ALG_RSA },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A128GCM\",\"epk\":EPK}",
      HF_JOSE_ERROR_ENC_UNSUPPORTED },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"epk\":EPK}", HF_JOSE_ERROR_ENC_UNSUPPORTED },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"zip\":\"DEF\",\"epk\":EPK}",
      HF_JOSE_ERROR_ZIP },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"jku\":\"https://127.0.0.1/\","
      "\"epk\":EPK}", HF_JOSE_ERROR_JKU },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"jwk\":{},\"epk\":EPK}",
      HF_JOSE_ERROR_EMBEDDED_JWK },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"x5c\":[],\"epk\":EPK}",
      HF_JOSE_ERROR_X5C },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"x5u\":\"https://127.0.0.1/\","
      "\"epk\":EPK}", HF_JOSE_ERROR_X5U },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"crit\":[\"exp\"],\"exp\":1,"
      "\"epk\":EPK}", HF_JOSE_ERROR_CRIT_UNKNOWN },
    { "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"enc\":\"A256GCM\",\"epk\":EPK}",
      HF_JOSE_ERROR_DUPLICATE_MEMBER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) halves = g_strsplit (cases[i].format, "EPK", 2);
      g_autofree char *json = g_strjoinv (epk_json, halves);
      g_autofree char *t = with_header (token, json);

      g_test_message ("header %s", json);
      assert_jwe_refused (t, key, NULL, cases[i].code);
    }
}

static void
test_large_round_trip (void)
{
  g_autoptr(HfJoseKey) signer = new_key ();
  g_autoptr(HfJoseKey) recipient = new_key ();
  g_autoptr(JsonObject) extra = json_object_new ();
  gsize size = 10 * 1000 * 1000;
  g_autofree char *bundle = g_malloc (size);
  g_autofree char *jws = NULL;
  g_autofree char *jwe = NULL;
  g_autoptr(HfJwe) parsed_jwe = NULL;
  g_autoptr(HfJws) parsed_jws = NULL;
  g_autoptr(GBytes) inner = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0, t1, t2;

  /* Text of a Bundle's size and shape: JSON-ish ASCII. */
  for (gsize i = 0; i < size; i++)
    bundle[i] = "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":120}},"[i % 62];
  json_object_set_string_member (extra, "cty", "JOSE");

  t0 = g_get_monotonic_time ();
  jws = hf_jws_sign_es256 (signer, "k", NULL, (const guint8 *) bundle, size, &error);
  g_assert_no_error (error);
  jwe = hf_jwe_encrypt_ecdh_es (recipient, "r", extra, (const guint8 *) jws, strlen (jws),
                                &error);
  g_assert_no_error (error);
  t1 = g_get_monotonic_time ();
  parsed_jwe = parse_jwe (jwe);
  inner = hf_jwe_decrypt (parsed_jwe, recipient, NULL, &error);
  g_assert_no_error (error);
  parsed_jws = hf_jws_parse (g_bytes_get_data (inner, NULL), g_bytes_get_size (inner), &error);
  g_assert_no_error (error);
  g_assert_true (hf_jws_verify_es256 (parsed_jws, signer, &error));
  g_assert_no_error (error);
  t2 = g_get_monotonic_time ();
  g_assert_cmpmem (g_bytes_get_data (hf_jws_get_payload (parsed_jws), NULL),
                   g_bytes_get_size (hf_jws_get_payload (parsed_jws)), bundle, size);
  g_test_message ("10 MB: sign + encrypt %.0f ms, decrypt + verify %.0f ms (JWE %.1f MB)",
                  (t1 - t0) / 1000.0, (t2 - t1) / 1000.0, strlen (jwe) / 1e6);
}

/* The fuzz seeds are tokens made by Python's cryptography (tests/fuzz/make-jose-corpus.py)
 * from the published keys: the valid ones verify and decrypt here, each hostile one is refused
 * for its own reason. */
static char *
seed (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("HF_TEST_DATA"), "..", "fuzz", "corpus",
                                            "jose", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_independent_tokens (void)
{
  g_autoptr(JsonObject) a3 = load_vector ("rfc7515-a3.json");
  g_autoptr(JsonObject) c = load_vector ("rfc7518-appendix-c.json");
  g_autoptr(JsonObject) pbes2 = load_vector ("rfc7520-5.3.json");
  g_autoptr(HfJoseKey) signer = key_from_vector (a3, "jwk");
  g_autoptr(HfJoseKey) bob = key_from_vector (c, "bob");
  const char *password = json_object_get_string_member (pbes2, "password");
  g_autoptr(HfSecret) pass = hf_secret_new_from_data (password, strlen (password));
  g_autoptr(GError) error = NULL;
  static const struct { const char *name; HfJoseError code; } jws_refused[] = {
    { "alg-none.jws", HF_JOSE_ERROR_ALG_NONE },
    { "hs256-public-key.jws", HF_JOSE_ERROR_ALG_HMAC },
    { "embedded-jwk.jws", HF_JOSE_ERROR_EMBEDDED_JWK },
    { "jku-loopback.jws", HF_JOSE_ERROR_JKU },
    { "crit-unknown.jws", HF_JOSE_ERROR_CRIT_UNKNOWN },
    { "b64-false.jws", HF_JOSE_ERROR_B64_FALSE },
    { "r-s-zero.jws", HF_JOSE_ERROR_SIGNATURE_RANGE },
    { "r-n.jws", HF_JOSE_ERROR_SIGNATURE_RANGE },
    { "der-signature.jws", HF_JOSE_ERROR_SIGNATURE_ENCODING },
    { "other-payload.jws", HF_JOSE_ERROR_SIGNATURE_INVALID },
    { "truncated.jws", HF_JOSE_ERROR_MALFORMED },
    { "four-dots.jws", HF_JOSE_ERROR_MALFORMED },
    { "duplicate-alg.jws", HF_JOSE_ERROR_DUPLICATE_MEMBER },
    { "rfc7515-a3.jws", HF_JOSE_ERROR_KID_MISSING },
  };
  static const struct { const char *name; HfJoseError code; } jwe_refused[] = {
    { "wrong-tag.jwe", HF_JOSE_ERROR_DECRYPT_FAILED },
    { "epk-off-curve.jwe", HF_JOSE_ERROR_EPK_INVALID },
    { "zip.jwe", HF_JOSE_ERROR_ZIP },
    { "p2c-1e9.jwe", HF_JOSE_ERROR_P2C_TOO_LARGE },
    { "rfc7520-5.3.jwe", HF_JOSE_ERROR_ENC_UNSUPPORTED },
  };

  {
    g_autofree char *token = seed ("es256-kid.jws");
    g_autoptr(HfJws) jws = parse_jws (token);

    g_assert_true (hf_jws_verify_es256 (jws, signer, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (hf_jws_get_kid (jws), ==, "a3");
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *token = seed (i == 0 ? "ecdh-es-a256kw.jwe" : "pbes2-1000.jwe");
      g_autoptr(HfJwe) jwe = parse_jwe (token);
      g_autoptr(GBytes) plain = hf_jwe_decrypt (jwe, i == 0 ? bob : NULL, i == 0 ? NULL : pass,
                                                &error);

      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                       "eyJhbGciOiJFUzI1NiJ9.e30.AAAA", 29);
    }
  for (guint i = 0; i < G_N_ELEMENTS (jws_refused); i++)
    {
      g_autofree char *token = seed (jws_refused[i].name);

      g_test_message ("%s", jws_refused[i].name);
      assert_jws_refused (token, signer, jws_refused[i].code);
    }
  for (guint i = 0; i < G_N_ELEMENTS (jwe_refused); i++)
    {
      g_autofree char *token = seed (jwe_refused[i].name);

      g_test_message ("%s", jwe_refused[i].name);
      assert_jwe_refused (token, bob, pass, jwe_refused[i].code);
    }
}

static void
test_error_mapping (void)
{
  static const struct { HfJoseError code; HfError hf; } map[] = {
    { HF_JOSE_ERROR_MALFORMED, HF_ERROR_INVALID_INPUT },
    { HF_JOSE_ERROR_ALG_NONE, HF_ERROR_INVALID_INPUT },
    { HF_JOSE_ERROR_P2C_TOO_LARGE, HF_ERROR_INVALID_INPUT },
    { HF_JOSE_ERROR_SIGNATURE_INVALID, HF_ERROR_INTEGRITY },
    { HF_JOSE_ERROR_SIGNATURE_RANGE, HF_ERROR_INTEGRITY },
    { HF_JOSE_ERROR_SIGNATURE_ENCODING, HF_ERROR_INTEGRITY },
    { HF_JOSE_ERROR_DECRYPT_FAILED, HF_ERROR_INTEGRITY },
    { HF_JOSE_ERROR_WRONG_KEY, HF_ERROR_AUTH },
    { HF_JOSE_ERROR_FAILED, HF_ERROR_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    {
      g_autoptr(GError) e = g_error_new_literal (HF_JOSE_ERROR, map[i].code, "x.");

      g_assert_cmpint (hf_jose_error_to_hf (e), ==, map[i].hf);
    }
  /* The exit codes DESIGN §10 gives: 3 malformed, 4 invalid signature or tampered. */
  {
    g_autoptr(GError) a = g_error_new_literal (HF_ERROR, HF_ERROR_INVALID_INPUT, "x.");
    g_autoptr(GError) b = g_error_new_literal (HF_ERROR, HF_ERROR_INTEGRITY, "x.");

    g_assert_cmpint (hf_error_exit_code (a), ==, 3);
    g_assert_cmpint (hf_error_exit_code (b), ==, 4);
  }
}

/* JWE "dir" (SMART Health Links): a round trip with a fresh IV each time, "cty" kept, another
 * key and a flipped bit refused, "zip": "DEF" inflated and capped. */
static void
test_jwe_dir (void)
{
  g_autoptr(HfSecret) key = hf_secret_new_random (32);
  g_autoptr(HfSecret) other = hf_secret_new_random (32);
  g_autoptr(JsonObject) extra = json_object_new ();
  static const char text[] = "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}";
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_auto(GStrv) pa = NULL;
  g_auto(GStrv) pb = NULL;

  json_object_set_string_member (extra, "cty", "application/fhir+json");
  a = hf_jwe_encrypt_dir (key, extra, (const guint8 *) text, strlen (text), NULL);
  b = hf_jwe_encrypt_dir (key, extra, (const guint8 *) text, strlen (text), NULL);
  g_assert_true (a != NULL && b != NULL);
  pa = g_strsplit (a, ".", -1);
  pb = g_strsplit (b, ".", -1);
  g_assert_cmpuint (g_strv_length (pa), ==, 5);
  g_assert_cmpstr (pa[1], ==, "");
  g_assert_cmpstr (pa[2], !=, pb[2]);    /* a fresh IV */
  {
    g_autoptr(HfJwe) jwe = hf_jwe_parse (a, strlen (a), NULL);
    g_autoptr(GBytes) plain = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true (jwe != NULL);
    g_assert_cmpstr (hf_jwe_get_alg (jwe), ==, "dir");
    g_assert_cmpstr (hf_jwe_get_cty (jwe), ==, "application/fhir+json");
    plain = hf_jwe_decrypt_dir (jwe, key, 1024, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), text,
                     strlen (text));
    g_assert_null (hf_jwe_decrypt_dir (jwe, other, 1024, &error));
    g_assert_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_DECRYPT_FAILED);
  }
  {
    g_autofree char *tampered = g_strdup (a);
    g_autoptr(HfJwe) jwe = NULL;
    g_autoptr(GError) error = NULL;
    char *ct = strchr (strchr (strchr (tampered, '.') + 1, '.') + 1, '.') + 1;

    ct[0] = ct[0] == 'A' ? 'B' : 'A';
    jwe = hf_jwe_parse (tampered, strlen (tampered), NULL);
    g_assert_true (jwe != NULL);
    g_assert_null (hf_jwe_decrypt_dir (jwe, key, 1024, &error));
    g_assert_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_DECRYPT_FAILED);
  }
  /* An ECDH-ES token is not a "dir" one, and the other way round. */
  {
    g_autoptr(HfJwe) jwe = hf_jwe_parse (a, strlen (a), NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null (hf_jwe_decrypt (jwe, NULL, NULL, &error));
    g_assert_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ALG_UNSUPPORTED);
  }
}

/* A "zip": "DEF" token made by hand: header {"alg":"dir","enc":"A256GCM","zip":"DEF"}. */
static char *
encrypt_dir_zipped (const HfSecret *key,
                    GBytes         *deflated)
{
  g_autoptr(JsonObject) header = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree guint8 *ct = g_malloc (g_bytes_get_size (deflated) + 1);
  g_autofree char *iv_b64 = NULL, *ct_b64 = NULL, *tag_b64 = NULL;
  guint8 iv[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  guint8 tag[16];
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0;

  json_object_set_string_member (header, "alg", "dir");
  json_object_set_string_member (header, "enc", "A256GCM");
  json_object_set_string_member (header, "zip", "DEF");
  json_node_set_object (root, header);
  json = json_to_string (root, FALSE);
  header_b64 = hf_base64url_encode ((const guint8 *) json, strlen (json));
  g_assert_true (EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, hf_secret_peek (key), iv));
  g_assert_true (EVP_EncryptUpdate (ctx, NULL, &n, (const guint8 *) header_b64,
                                    strlen (header_b64)));
  g_assert_true (EVP_EncryptUpdate (ctx, ct, &n, g_bytes_get_data (deflated, NULL),
                                    g_bytes_get_size (deflated)));
  g_assert_true (EVP_EncryptFinal_ex (ctx, ct + n, &n));
  g_assert_true (EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, 16, tag));
  EVP_CIPHER_CTX_free (ctx);
  iv_b64 = hf_base64url_encode (iv, sizeof iv);
  ct_b64 = hf_base64url_encode (ct, g_bytes_get_size (deflated));
  tag_b64 = hf_base64url_encode (tag, sizeof tag);
  return g_strjoin (".", header_b64, "", iv_b64, ct_b64, tag_b64, NULL);
}

static void
test_jwe_dir_zip (void)
{
  g_autoptr(HfSecret) key = hf_secret_new_random (32);
  g_autofree char *big = g_strnfill (3 * 1024 * 1024, 'a');   /* a bomb: ~3 KB deflated */
  g_autoptr(GBytes) deflated = hf_deflate_raw ((const guint8 *) big, strlen (big));
  g_autofree char *token = encrypt_dir_zipped (key, deflated);
  g_autoptr(HfJwe) jwe = hf_jwe_parse (token, strlen (token), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = NULL;

  g_assert_cmpuint (g_bytes_get_size (deflated), <, 8 * 1024);
  g_assert_true (jwe != NULL);
  plain = hf_jwe_decrypt_dir (jwe, key, 4 * 1024 * 1024, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (plain), ==, strlen (big));
  g_clear_pointer (&plain, g_bytes_unref);
  plain = hf_jwe_decrypt_dir (jwe, key, 1024 * 1024, &error);
  g_assert_null (plain);
  g_assert_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_TOO_LARGE);
}

/* Raw DEFLATE: round trip; truncated, trailing bytes and a zlib-wrapped stream refused. */
static void
test_deflate (void)
{
  static const char text[] = "resource:0 resource:0 resource:0 resource:1";
  g_autoptr(GBytes) z = hf_deflate_raw ((const guint8 *) text, strlen (text));
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *d = g_bytes_get_data (z, NULL);
  gsize n = g_bytes_get_size (z);
  gboolean over = TRUE;

  back = hf_inflate_raw (d, n, 1024, &over, &error);
  g_assert_no_error (error);
  g_assert_false (over);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), text, strlen (text));
  g_clear_pointer (&back, g_bytes_unref);
  g_assert_null (hf_inflate_raw (d, n - 1, 1024, &over, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_false (over);
  g_clear_error (&error);
  {
    g_autofree guint8 *longer = g_malloc (n + 1);

    memcpy (longer, d, n);
    longer[n] = 0;
    g_assert_null (hf_inflate_raw (longer, n + 1, 1024, NULL, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }
  g_assert_null (hf_inflate_raw (d, n, strlen (text) - 1, &over, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_true (over);
  g_clear_error (&error);
  {
    static const guint8 zlib_wrapped[] = { 0x78, 0x9c, 0x4b, 0x04, 0x00, 0x00, 0x62, 0x00,
                                           0x62 };   /* zlib's "a" */

    g_assert_null (hf_inflate_raw (zlib_wrapped, sizeof zlib_wrapped, 1024, NULL, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  }
}

/* The spec's example 00: its QR digits decode to exactly its JWS, and encode back. The
 * negative vectors' digit faults are refused. */
static void
test_shc_numeric (void)
{
  g_autofree char *jws_path = g_build_filename (g_getenv ("HF_TEST_DATA"), "shc",
                                                "example-00-d-jws.txt", NULL);
  g_autofree char *qr_path = g_build_filename (g_getenv ("HF_TEST_DATA"), "shc",
                                               "example-00-f-qr-code-numeric-value-0.txt",
                                               NULL);
  g_autofree char *jws = NULL;
  g_autofree char *qr = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *encoded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (jws_path, &jws, NULL, NULL));
  g_assert_true (g_file_get_contents (qr_path, &qr, NULL, NULL));
  g_strstrip (jws);
  g_strstrip (qr);
  g_assert_true (g_str_has_prefix (qr, "shc:/"));
  decoded = hf_shc_numeric_decode (qr + 5, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, jws);
  encoded = hf_shc_numeric_encode (jws, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (encoded, ==, qr + 5);

  g_assert_null (hf_shc_numeric_decode ("567", -1, &error));      /* odd */
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (hf_shc_numeric_decode ("5678", -1, &error));     /* 78 > 77 */
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (hf_shc_numeric_decode ("5677 ", -1, &error));    /* trailing */
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (hf_shc_numeric_decode ("", -1, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (hf_shc_numeric_encode ("a b", -1, &error));       /* " " < "-" */
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  {
    g_autofree char *z = hf_shc_numeric_decode ("0077", -1, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (z, ==, "-z");
  }
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/hf/jose/base64url", test_base64url);
  g_test_add_func ("/hf/jose/rfc7515-a3", test_rfc7515_a3);
  g_test_add_func ("/hf/jose/rfc7518-appendix-c", test_rfc7518_c);
  g_test_add_func ("/hf/jose/rfc7520-5.3", test_rfc7520_5_3);
  g_test_add_func ("/hf/jose/rfc3394-4.6", test_rfc3394_4_6);
  g_test_add_func ("/hf/jose/rfc7638-3.1", test_rfc7638_3_1);
  g_test_add_func ("/hf/jose/rfc7516-a1-gcm", test_rfc7516_a1_gcm);
  g_test_add_func ("/hf/jose/ec-thumbprint", test_ec_thumbprint);
  g_test_add_func ("/hf/jose/keys", test_keys);
  g_test_add_func ("/hf/jose/jws/round-trip", test_jws_round_trip);
  g_test_add_func ("/hf/jose/jws/hostile-headers", test_jws_hostile_headers);
  g_test_add_func ("/hf/jose/jws/jku-loopback", test_jws_jku_loopback);
  g_test_add_func ("/hf/jose/jws/hostile-signatures", test_jws_hostile_signatures);
  g_test_add_func ("/hf/jose/jws/hostile-forms", test_jws_hostile_forms);
  g_test_add_func ("/hf/jose/jws/large", test_jws_large);
  g_test_add_func ("/hf/jose/jwe/ecdh-round-trip", test_jwe_ecdh_round_trip);
  g_test_add_func ("/hf/jose/jwe/epk", test_jwe_epk);
  g_test_add_func ("/hf/jose/jwe/pbes2-round-trip", test_jwe_pbes2_round_trip);
  g_test_add_func ("/hf/jose/jwe/pbes2-bounds", test_jwe_pbes2_bounds);
  g_test_add_func ("/hf/jose/jwe/dir", test_jwe_dir);
  g_test_add_func ("/hf/jose/jwe/dir-zip", test_jwe_dir_zip);
  g_test_add_func ("/hf/jose/deflate", test_deflate);
  g_test_add_func ("/hf/jose/shc-numeric", test_shc_numeric);
  g_test_add_func ("/hf/jose/jwe/hostile-headers", test_jwe_hostile_headers);
  g_test_add_func ("/hf/jose/independent-tokens", test_independent_tokens);
  g_test_add_func ("/hf/jose/large-round-trip", test_large_round_trip);
  g_test_add_func ("/hf/jose/error-mapping", test_error_mapping);

  return g_test_run ();
}
