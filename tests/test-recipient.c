/* test-recipient.c — public P-256 JWKs, and the people a patient shares with
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-audit.h"
#include "hf-consent.h"
#include "hf-error.h"
#include "hf-jwk.h"
#include "hf-recipient.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define OWNER      "Carla"
#define PASSPHRASE "the owner's long passphrase"

/* RFC 7517 Appendix A.1, the first key: the example public EC key on P-256. */
#define RFC_X "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4"
#define RFC_Y "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"
#define RFC_KEY "{\"kty\":\"EC\",\n \"crv\":\"P-256\",\n \"x\":\"" RFC_X "\",\n \"y\":\"" \
                RFC_Y "\",\n \"use\":\"enc\",\n \"kid\":\"1\"}"
/* Its RFC 7638 thumbprint, computed apart from this code:
 *   python3 -c 'import hashlib,base64; print(base64.urlsafe_b64encode(hashlib.sha256(
 *     b"{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\",
 *     \"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\"}").digest()).rstrip(b"="))'
 * (the same value other JOSE libraries' tests assert for this key). */
#define RFC_THUMBPRINT "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s"
/* RFC 7517 Appendix A.2: the private part of the same key. */
#define RFC_D "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"

/* {{{ base64url and JWKs */

static void
test_base64url_vectors (void)
{
  /* RFC 4648 §10, in the URL-safe alphabet without padding. */
  static const struct { const char *bytes; const char *text; } vectors[] = {
    { "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg" },
    { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
  };
  /* Bytes whose standard base64 has "+" and "/": 0xfb 0xff 0xbf is "-_-_" here. */
  static const guint8 url[] = { 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *text = hf_base64url_encode ((const guint8 *) vectors[i].bytes,
                                                   strlen (vectors[i].bytes));
      g_autofree guint8 *back = NULL;
      gsize n = 99;

      g_assert_cmpstr (text, ==, vectors[i].text);
      back = hf_base64url_decode (vectors[i].text, -1, &n);
      g_assert_nonnull (back);
      g_assert_cmpmem (back, n, vectors[i].bytes, strlen (vectors[i].bytes));
    }
  {
    g_autofree char *text = hf_base64url_encode (url, sizeof url);
    g_assert_cmpstr (text, ==, "-_-_-_-_");
  }
}

static void
test_base64url_strict (void)
{
  /* Padding, the standard alphabet, white space, a lone sixth character and bits that no
   * encoder writes are refused: a key has one text. */
  static const char *const bad[] = {
    "Zg==", "Zm8=", "+/+/", "Zm9v\n", "Zm 9v", "Z", "Zh", "Zm9vYmF=",
  };
  gsize n;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree guint8 *out = hf_base64url_decode (bad[i], -1, &n);
      g_test_message ("%s", bad[i]);
      g_assert_null (out);
    }
}

static void
assert_refused (const char *text,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJwk) jwk = hf_jwk_parse_public (text, -1, &error);

  g_assert_null (jwk);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_jwk_rfc7517 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJwk) jwk = hf_jwk_parse_public (RFC_KEY, -1, &error);
  g_autoptr(HfJwk) again = NULL;
  g_autofree char *json = NULL;
  const guint8 *point;
  gsize n = 0;

  g_assert_no_error (error);
  g_assert_nonnull (jwk);
  g_assert_cmpstr (hf_jwk_get_thumbprint (jwk), ==, RFC_THUMBPRINT);
  g_assert_cmpstr (hf_jwk_get_kid (jwk), ==, "1");
  g_assert_cmpstr (hf_jwk_get_use (jwk), ==, "enc");
  point = hf_jwk_get_point (jwk, &n);
  g_assert_cmpuint (n, ==, 65);
  g_assert_cmpuint (point[0], ==, 0x04);
  g_assert_cmpuint (point[1], ==, 0x30);   /* "MKBC…" is 30 a0 42 … */
  g_assert_nonnull (hf_jwk_get_pkey (jwk));
  g_assert_cmpint (EVP_PKEY_get_bits (hf_jwk_get_pkey (jwk)), ==, 256);

  json = hf_jwk_to_json (jwk);
  g_assert_cmpstr (json, ==, "{\"crv\":\"P-256\",\"kid\":\"1\",\"kty\":\"EC\",\"use\":\"enc\","
                             "\"x\":\"" RFC_X "\",\"y\":\"" RFC_Y "\"}");
  again = hf_jwk_parse_public (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hf_jwk_get_thumbprint (again), ==, RFC_THUMBPRINT);

  /* Members the key does not need (alg, key_ops) are no reason to refuse it, and do not
   * change the thumbprint. */
  {
    g_autoptr(HfJwk) extra = hf_jwk_parse_public ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":"
                                                  "\"ECDH-ES+A256KW\",\"x\":\"" RFC_X "\","
                                                  "\"y\":\"" RFC_Y "\"}", -1, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (hf_jwk_get_thumbprint (extra), ==, RFC_THUMBPRINT);
    g_assert_null (hf_jwk_get_kid (extra));
  }
}

static void
test_jwk_refused (void)
{
  /* The last byte of y flipped (…FyM → …FyI): no longer a point of the curve. */
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC_X "\",\"y\":"
                  "\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyI\"}", "not on the P-256 curve");
  /* x cut to 31 bytes. */
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":"
                  "\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7A\",\"y\":\"" RFC_Y "\"}",
                  "31 bytes long");
  /* x with a zero byte in front: 33 bytes. */
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":"
                  "\"ADCgQkzSHClEg4otdckrN-duog2fAIk6O07uijwKr-w-\",\"y\":\"" RFC_Y "\"}",
                  "33 bytes long");
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"" RFC_X "\",\"y\":\"" RFC_Y "\"}",
                  "curve “P-384”");
  assert_refused ("{\"kty\":\"EC\",\"x\":\"" RFC_X "\",\"y\":\"" RFC_Y "\"}", "P-256");
  /* RFC 7517 A.2: the private key. Refused with the sentence the patient needs. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HfJwk) jwk = hf_jwk_parse_public ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
                                                RFC_X "\",\"y\":\"" RFC_Y "\",\"d\":\"" RFC_D
                                                "\",\"use\":\"enc\",\"kid\":\"1\"}", -1,
                                                &error);
    g_assert_null (jwk);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
    g_assert_cmpstr (error->message, ==,
                     "This is a private key; give the recipient's public key.");
  }
  /* RFC 7517 A.1's second key, RSA. */
  assert_refused ("{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx"
                  "4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W"
                  "-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSq"
                  "zs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6W"
                  "eZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
                  "\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}", "type “RSA”");
  /* Padding in base64url. */
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC_X "=\",\"y\":\"" RFC_Y "\"}",
                  "base64url without padding");
  /* The same bytes as x, written with bits no encoder sets. */
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":"
                  "\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D5\",\"y\":\"" RFC_Y "\"}",
                  "base64url");
  assert_refused ("not json at all", "not valid JSON");
  assert_refused ("[1, 2]", "not a JSON object");
  assert_refused ("{\"keys\":[" RFC_KEY "]}", "JWK set");
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC_X "\"}", "no “y”");
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":32,\"y\":\"" RFC_Y "\"}",
                  "“x” is not a string");
  assert_refused ("{\"kty\":\"EC\",\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC_X "\",\"y\":\""
                  RFC_Y "\"}", "twice");
  assert_refused ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"wrap\",\"x\":\"" RFC_X "\","
                  "\"y\":\"" RFC_Y "\"}", "“use” is “wrap”");
}

/* }}} */

/* {{{ a vault */

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) passphrase = hf_test_secret (PASSPHRASE);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, OWNER, passphrase, &code, &error);
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

static void
add_member (Fixture    *f,
            const char *name,
            HfRole      role,
            const char *passphrase)
{
  g_autoptr(HfSecret) secret = hf_test_secret (passphrase);
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_vault_add_member (f->vault, name, role, secret, NULL, &error));
  g_assert_no_error (error);
}

/* The activity log's entries with ACTION, as "actor: detail". */
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

static gint64
count_rows (HfVault    *vault,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (vault), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* }}} */

/* {{{ recipients */

static void
test_add_list_find (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) osei = NULL;
  g_autoptr(HfRecipient) clinic = NULL;
  g_autoptr(HfRecipient) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) logged = NULL;

  osei = hf_recipient_add (f->vault, "  Dr. Osei ", HF_RECIPIENT_CLINICIAN,
                           "osei@clinic.example", RFC_KEY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (osei->name, ==, "Dr. Osei");
  g_assert_cmpint (osei->kind, ==, HF_RECIPIENT_CLINICIAN);
  g_assert_cmpstr (osei->contact, ==, "osei@clinic.example");
  g_assert_cmpstr (osei->key_thumbprint, ==, RFC_THUMBPRINT);
  /* Stored canonical: what parses back to the same key, nothing else. */
  g_assert_cmpstr (osei->key_json, ==, "{\"crv\":\"P-256\",\"kid\":\"1\",\"kty\":\"EC\","
                                       "\"use\":\"enc\",\"x\":\"" RFC_X "\",\"y\":\"" RFC_Y
                                       "\"}");
  g_assert_cmpint (osei->created, >, 0);

  clinic = hf_recipient_add (f->vault, "Arbor Clinic", HF_RECIPIENT_ORGANIZATION, NULL, NULL,
                             &error);
  g_assert_no_error (error);
  g_assert_null (clinic->key_json);
  g_assert_null (clinic->key_thumbprint);

  list = hf_recipient_list (f->vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  /* By name. */
  g_assert_cmpstr (((HfRecipient *) g_ptr_array_index (list, 0))->name, ==, "Arbor Clinic");
  g_assert_cmpstr (((HfRecipient *) g_ptr_array_index (list, 1))->name, ==, "Dr. Osei");

  found = hf_recipient_find (f->vault, "DR. OSEI", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, osei->id);
  g_clear_pointer (&found, hf_recipient_free);
  found = hf_recipient_find (f->vault, "Dr. Mensah", &error);
  g_assert_null (found);
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Dr. Mensah"));

  logged = audit_of (f->vault, "recipient add");
  g_assert_cmpuint (logged->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (logged, 0), ==,
                   OWNER ": Dr. Osei (clinician); key " RFC_THUMBPRINT);
  g_assert_cmpstr (g_ptr_array_index (logged, 1), ==, OWNER ": Arbor Clinic (organization)");
}

static void
test_duplicate_and_bad (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) osei = hf_recipient_add (f->vault, "Dr. Osei", HF_RECIPIENT_CLINICIAN,
                                                  NULL, NULL, &error);
  HfRecipient *again;

  g_assert_no_error (error);
  g_assert_nonnull (osei);
  /* The same name in other letters is the same recipient. */
  again = hf_recipient_add (f->vault, "dr. OSEI", HF_RECIPIENT_OTHER, NULL, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, HF_ERROR, HF_ERROR_EXISTS);
  g_clear_error (&error);

  /* A private key is never stored; nor a signing key, nor a blank name. */
  again = hf_recipient_add (f->vault, "Dr. Mensah", HF_RECIPIENT_CLINICIAN, NULL,
                            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC_X "\",\"y\":\""
                            RFC_Y "\",\"d\":\"" RFC_D "\"}", &error);
  g_assert_null (again);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  again = hf_recipient_add (f->vault, "Dr. Mensah", HF_RECIPIENT_CLINICIAN, NULL,
                            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"sig\",\"x\":\"" RFC_X
                            "\",\"y\":\"" RFC_Y "\"}", &error);
  g_assert_null (again);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "for signatures"));
  g_clear_error (&error);
  again = hf_recipient_add (f->vault, "   ", HF_RECIPIENT_CLINICIAN, NULL, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, HF_ERROR, HF_ERROR_USAGE);
  g_clear_error (&error);
  again = hf_recipient_add (f->vault, "Dr.\nMensah", HF_RECIPIENT_CLINICIAN, NULL, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, HF_ERROR, HF_ERROR_USAGE);
  g_clear_error (&error);

  g_assert_cmpint (count_rows (f->vault, "SELECT count(*) FROM recipient"), ==, 1);
}

static void
test_remove_and_reuse (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) first = hf_recipient_add (f->vault, "Dr. Osei", HF_RECIPIENT_CLINICIAN,
                                                   NULL, NULL, &error);
  g_autoptr(HfRecipient) second = NULL;
  g_autoptr(HfConsent) consent = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) logged = NULL;
  g_autoptr(HfRecipient) gone = NULL;
  const char *cats[] = { "immunizations", NULL };
  const char *treat[] = { "TREAT", NULL };
  HfConsentTerms terms = { .categories = (char **) cats, .purposes = (char **) treat };

  g_assert_no_error (error);
  consent = hf_consent_set (f->vault, "Dr. Osei", &terms, &error);
  g_assert_no_error (error);

  g_assert_true (hf_recipient_remove (f->vault, "dr. osei", &error));
  g_assert_no_error (error);
  list = hf_recipient_list (f->vault, &error);
  g_assert_cmpuint (list->len, ==, 0);
  gone = hf_recipient_find (f->vault, "Dr. Osei", &error);
  g_assert_null (gone);
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hf_recipient_remove (f->vault, "Dr. Osei", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The consent was revoked by a version of its own, and both versions stay. */
  g_assert_cmpint (count_rows (f->vault, "SELECT count(*) FROM consent"), ==, 2);
  g_assert_cmpint (count_rows (f->vault, "SELECT count(*) FROM consent WHERE version = 2 "
                                         "AND status = 'inactive'"), ==, 1);

  /* The name is free again: a new recipient, a new row; the old row stays for the history. */
  second = hf_recipient_add (f->vault, "Dr. Osei", HF_RECIPIENT_CLINICIAN, "new@clinic.example",
                             NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second->id, !=, first->id);
  g_assert_cmpint (count_rows (f->vault, "SELECT count(*) FROM recipient"), ==, 2);
  g_clear_pointer (&consent, hf_consent_free);
  consent = hf_consent_get (f->vault, "Dr. Osei", &error);
  g_assert_no_error (error);
  g_assert_null (consent);   /* the new Dr. Osei has none: nothing carries over */

  logged = audit_of (f->vault, "recipient remove");
  g_assert_cmpuint (logged->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (logged, 0), ==,
                   OWNER ": Dr. Osei (clinician); consent revoked");
  g_clear_pointer (&logged, g_ptr_array_unref);
  logged = audit_of (f->vault, "consent revoke");
  g_assert_cmpuint (logged->len, ==, 1);
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) bob = NULL;
  g_autoptr(HfVault) reader = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) logged = NULL;

  add_member (f, "Bob", HF_ROLE_CAREGIVER, "bob's own passphrase");
  add_member (f, "Ria", HF_ROLE_CAREGIVER_READ_ONLY, "ria's own passphrase");
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  /* A caregiver shares: recipients are theirs to add and remove. */
  bob = open_as (f, "Bob", "bob's own passphrase");
  r = hf_recipient_add (bob, "Dr. Osei", HF_RECIPIENT_CLINICIAN, NULL, NULL, &error);
  g_assert_no_error (error);
  logged = audit_of (bob, "recipient add");
  g_assert_cmpstr (g_ptr_array_index (logged, 0), ==, "Bob: Dr. Osei (clinician)");
  hf_vault_lock (bob);

  /* A read-only caregiver reads, and changes nothing. */
  reader = open_as (f, "Ria", "ria's own passphrase");
  list = hf_recipient_list (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&r, hf_recipient_free);
  r = hf_recipient_add (reader, "Dr. Mensah", HF_RECIPIENT_CLINICIAN, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (hf_recipient_remove (reader, "Dr. Osei", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = hf_recipient_list (reader, &error);
  g_assert_cmpuint (list->len, ==, 1);
  hf_vault_lock (reader);
}

/* The vault of an older schema (3, before sharing) migrates to one with recipients. */
static void
test_migrates_old_vault (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *from = g_build_filename (g_getenv ("HF_TEST_DATA"), "v3-vault", "v3.hfvault",
                                            NULL);
  g_autofree char *from_keys = g_build_filename (g_getenv ("HF_TEST_DATA"), "v3-vault",
                                                 "v3.hfkeys", NULL);
  g_autofree char *to = g_build_filename (f->td.dir, "old.hfvault", NULL);
  g_autofree char *to_keys = g_build_filename (f->td.dir, "old.hfkeys", NULL);
  g_autoptr(HfSecret) secret = hf_test_secret ("records v3 fixture passphrase");
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) old = NULL;
  g_autoptr(HfRecipient) r = NULL;

  hf_test_copy (from, to);
  hf_test_copy (from_keys, to_keys);
  old = hf_vault_open (to, NULL, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (old, "PRAGMA user_version"), >=, 6);
  r = hf_recipient_add (old, "Dr. Osei", HF_RECIPIENT_CLINICIAN, NULL, RFC_KEY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->key_thumbprint, ==, RFC_THUMBPRINT);
  hf_vault_lock (old);
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
                                              : g_str_equal (member, "Ria")
                                                ? "ria's own passphrase"
                                                : "bob's own passphrase");
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
  g_autofree char *key = hf_test_write_file (&f->td, "osei.jwk", RFC_KEY);
  g_autofree char *private_key = hf_test_write_file (&f->td, "private.jwk",
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC_X "\",\"y\":\"" RFC_Y "\",\"d\":\"" RFC_D
    "\"}");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *list;
  JsonObject *o;

  add_member (f, "Ria", HF_ROLE_CAREGIVER_READ_ONLY, "ria's own passphrase");
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  g_assert_cmpint (cli (f, &out, &err, NULL, "recipient", "add", "Dr. Osei", "--kind",
                        "clinician", "--contact", "osei@clinic.example", "--key", key, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "Added Dr. Osei (clinician)."));
  g_assert_nonnull (strstr (out, RFC_THUMBPRINT));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Taken name: usage (1); a private key: bad input (3), with the sentence; a read-only
   * caregiver: not permitted (6); no kind, an unknown kind: usage. */
  g_assert_cmpint (cli (f, NULL, &err, NULL, "recipient", "add", "dr. osei", "--kind", "other",
                        NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already a recipient"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, NULL, &err, NULL, "recipient", "add", "Dr. Mensah", "--kind",
                        "clinician", "--key", private_key, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "This is a private key; give the recipient's public key."));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, NULL, &err, "Ria", "recipient", "add", "Dr. Mensah", "--kind",
                        "clinician", NULL), ==, 6);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, NULL, &err, NULL, "recipient", "add", "Dr. Mensah", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--kind"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, NULL, &err, NULL, "recipient", "add", "Dr. Mensah", "--kind",
                        "doctor", NULL), ==, 1);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli (f, &out, NULL, NULL, "recipient", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Dr. Osei (clinician) — osei@clinic.example\n  key: "
                                 RFC_THUMBPRINT "; no consent\n"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (f, &out, NULL, NULL, "consent", "set", "Dr. Osei", "--allow",
                        "immunizations", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, NULL, NULL, "--json", "recipient", "list", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  list = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  o = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "Dr. Osei");
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "clinician");
  g_assert_cmpstr (json_object_get_string_member (o, "key_thumbprint"), ==, RFC_THUMBPRINT);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "key"), "x"),
                   ==, RFC_X);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "consent"),
                                               "version"), ==, 1);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (f, &out, NULL, NULL, "recipient", "show", "Dr. Osei", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "consent (version 1): Dr. Osei may see your immunizations, "
                                 "for your treatment;"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (f, &out, NULL, NULL, "recipient", "remove", "Dr. Osei", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Removed Dr. Osei; their consent is revoked."));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, NULL, NULL, "recipient", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No recipients yet."));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, NULL, &err, NULL, "recipient", "show", "Dr. Osei", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "There is no recipient “Dr. Osei”"));
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/hf/jwk/base64url-vectors", test_base64url_vectors);
  g_test_add_func ("/hf/jwk/base64url-strict", test_base64url_strict);
  g_test_add_func ("/hf/jwk/rfc7517-example", test_jwk_rfc7517);
  g_test_add_func ("/hf/jwk/refused", test_jwk_refused);
#define ADD(path, func) \
  g_test_add ("/hf/recipient/" path, Fixture, NULL, setup, func, teardown)
  ADD ("add-list-find", test_add_list_find);
  ADD ("duplicate-and-bad", test_duplicate_and_bad);
  ADD ("remove-and-reuse", test_remove_and_reuse);
  ADD ("roles", test_roles);
  ADD ("migrates-old-vault", test_migrates_old_vault);
  ADD ("cli", test_cli);
#undef ADD
  return g_test_run ();
}
