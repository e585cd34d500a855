/* test-export.c — signing keys, the issuer, and exports as JWS and JWE, checked by npm's jose
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the vault signs and encrypts is verified and decrypted by a JOSE library that is not
 * ours (jose 5.10.0 under node, through tests/jose-interop.mjs), and what jose makes is
 * verified and decrypted by hf-jose. The payload a recipient gets out of a JWS or JWE must be
 * exactly the bytes the "fhir" format writes, and that Bundle valid FHIR R4 by HL7's schema.
 */

#include <glib/gstdio.h>
#include <string.h>

#include "hf-audit.h"
#include "hf-consent.h"
#include "hf-disclosure.h"
#include "hf-error.h"
#include "hf-export.h"
#include "hf-import.h"
#include "hf-jose.h"
#include "hf-json-util.h"
#include "hf-jwk.h"
#include "hf-recipient.h"
#include "hf-signing.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

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
  char      *osei_private;   /* the recipient's key pair, made by jose */
  char      *osei_public;
} Fixture;

/* {{{ jose */

/* Runs tests/jose-interop.mjs with ARGS; its standard output in OUT (if not NULL). The exit
 * status: 0 done, 1 refused. Anything else ends the test program: a missing tool is never
 * taken for a refusal. */
static int
jose_v (char              **out,
        const char * const *args)
{
  const char *dir = g_getenv ("HF_TESTS_DIR");
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *script = NULL;
  g_autofree char *lib = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status;

  if (dir == NULL)
    g_error ("HF_TESTS_DIR is not set; run the tests through meson test");
  if (node == NULL)
    g_error ("node is not installed, and the JOSE interoperability test needs it; run "
             "build-aux/dev deps once");
  lib = g_build_filename (dir, "node_modules", "jose", "package.json", NULL);
  if (!g_file_test (lib, G_FILE_TEST_EXISTS))
    g_error ("jose is not installed in %s/node_modules; run build-aux/dev deps once", dir);
  script = g_build_filename (dir, "jose-interop.mjs", NULL);
  g_ptr_array_add (argv, node);
  g_ptr_array_add (argv, script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc))
    g_error ("jose-interop was killed by signal %d: %s", g_subprocess_get_term_sig (proc),
             stderr_text);
  status = g_subprocess_get_exit_status (proc);
  if (status != 0 && status != 1)
    g_error ("jose-interop could not run (exit status %d): %s", status, stderr_text);
  if (status == 1)
    g_test_message ("jose refused: %s", stderr_text);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  return status;
}

#define JOSE(out, ...) jose_v (out, (const char * const []) { __VA_ARGS__, NULL })

/* What "verify" and "decrypt" print: the payload's SHA-256 and the protected header. */
typedef struct
{
  JsonNode   *root;
  const char *sha256;
  JsonObject *header;
} JoseResult;

static void
jose_result_parse (JoseResult *r,
                   const char *out)
{
  g_autoptr(GError) error = NULL;

  r->root = json_from_string (out, &error);
  g_assert_no_error (error);
  if (r->root == NULL || !JSON_NODE_HOLDS_OBJECT (r->root))
    g_error ("jose-interop printed no JSON object: %s", out);
  r->sha256 = hf_json_string (json_node_get_object (r->root), "sha256");
  r->header = hf_json_object (json_node_get_object (r->root), "header");
  if (r->sha256 == NULL || r->header == NULL)
    g_error ("jose-interop printed no sha256 or header: %s", out);
}

static void
jose_result_clear (JoseResult *r)
{
  g_clear_pointer (&r->root, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JoseResult, jose_result_clear)

/* }}} */
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

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  if (text == NULL)
    g_error ("could not read %s", path);
  return text;
}

static char *
file_sha256 (const char *path)
{
  g_autoptr(GBytes) bytes = hf_test_read (path);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
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
  g_autofree char *key_json = NULL;
  const char *paths[] = { carla, NULL };
  const char *treat[] = { "TREAT", NULL };

  hf_test_dir_setup (&f->td, data);
  f->pass_file = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
  f->osei_private = path_in (f, "osei-private.jwk");
  f->osei_public = path_in (f, "osei-public.jwk");
  g_assert_cmpint (JOSE (NULL, "keygen", f->osei_private, f->osei_public, "ECDH-ES+A256KW"), ==,
                   0);
  key_json = read_text (f->osei_public);

  f->vault = hf_vault_create (f->td.vault, "Carla", pass, &code, &error);
  g_assert_no_error (error);
  hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
  r = hf_recipient_add (f->vault, OSEI, HF_RECIPIENT_CLINICIAN, "osei@clinic.example",
                        g_strstrip (key_json), &error);
  g_assert_no_error (error);
  terms.categories = g_strsplit ("immunizations,allergies", ",", -1);
  terms.permit_labels = g_new0 (char *, 1);
  terms.include = g_new0 (char *, 1);
  terms.exclude = g_new0 (char *, 1);
  terms.purposes = g_strdupv ((char **) treat);
  terms.valid_from = g_strdup ("2020-01-01");
  consent = hf_consent_set (f->vault, OSEI, &terms, &error);
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
  g_free (f->osei_private);
  g_free (f->osei_public);
  hf_test_dir_teardown (&f->td, data);
}

/* How many entries of the activity log have ACTION. */
static guint
count_audit (Fixture    *f,
             const char *action)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  entries = hf_audit_list (f->vault, 0, 0, &error);
  g_assert_no_error (error);
  if (entries == NULL)
    g_error ("no activity log");
  for (guint i = 0; i < entries->len; i++)
    {
      HfAuditEntry *e = g_ptr_array_index (entries, i);
      n += g_strcmp0 (e->action, action) == 0;
    }
  return n;
}

/* }}} */
/* {{{ keys and issuer */

static void
test_signing_keys (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJoseKey) first = NULL;
  g_autoptr(HfJoseKey) again = NULL;
  g_autoptr(HfJoseKey) current = NULL;
  g_autoptr(JsonObject) jwk = NULL;
  g_autoptr(JsonNode) jwks = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *kid_again = NULL;
  g_autofree char *rotated = NULL;
  g_autofree char *kid_current = NULL;
  g_autofree char *thumbprint = NULL;
  JsonArray *keys;

  g_assert_cmpuint (count_audit (f, "signing key"), ==, 0);
  first = hf_signing_key_get (f->vault, &kid, &error);
  g_assert_no_error (error);
  if (first == NULL || kid == NULL)
    g_error ("no signing key");
  g_assert_true (hf_jose_key_has_private (first));
  thumbprint = hf_jose_key_dup_thumbprint (first);
  g_assert_cmpstr (kid, ==, thumbprint);
  g_assert_cmpuint (count_audit (f, "signing key"), ==, 1);

  /* The same key the next time, and after the vault is opened again: made once. */
  again = hf_signing_key_get (f->vault, &kid_again, &error);
  g_assert_no_error (error);
  g_assert_true (again != NULL && hf_jose_key_equal (first, again));
  g_assert_cmpstr (kid_again, ==, kid);
  g_assert_cmpuint (count_audit (f, "signing key"), ==, 1);

  jwk = hf_signing_public_jwk (f->vault, &error);
  g_assert_no_error (error);
  if (jwk == NULL)
    g_error ("no public JWK");
  g_assert_cmpstr (hf_json_string (jwk, "kty"), ==, "EC");
  g_assert_cmpstr (hf_json_string (jwk, "crv"), ==, "P-256");
  g_assert_cmpstr (hf_json_string (jwk, "use"), ==, "sig");
  g_assert_cmpstr (hf_json_string (jwk, "alg"), ==, "ES256");
  g_assert_cmpstr (hf_json_string (jwk, "kid"), ==, kid);
  g_assert_nonnull (hf_json_string (jwk, "x"));
  g_assert_nonnull (hf_json_string (jwk, "y"));
  g_assert_false (json_object_has_member (jwk, "d"));

  rotated = hf_signing_key_rotate (f->vault, &error);
  g_assert_no_error (error);
  if (rotated == NULL)
    g_error ("no rotated key");
  g_assert_cmpstr (rotated, !=, kid);
  g_assert_cmpuint (count_audit (f, "signing key rotate"), ==, 1);
  current = hf_signing_key_get (f->vault, &kid_current, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kid_current, ==, rotated);
  g_assert_false (current != NULL && hf_jose_key_equal (current, first));

  jwks = hf_signing_jwks (f->vault, &error);
  g_assert_no_error (error);
  if (jwks == NULL)
    g_error ("no JWKS");
  keys = hf_json_array (json_node_get_object (jwks), "keys");
  if (keys == NULL)
    g_error ("the JWKS has no keys");
  g_assert_cmpuint (json_array_get_length (keys), ==, 2);
  g_assert_cmpstr (hf_json_string (json_array_get_object_element (keys, 0), "kid"), ==, rotated);
  g_assert_cmpstr (hf_json_string (json_array_get_object_element (keys, 1), "kid"), ==, kid);
  g_assert_false (json_object_has_member (json_array_get_object_element (keys, 1), "d"));

  g_assert_true (hf_audit_verify (f->vault, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_issuer (Fixture       *f,
             gconstpointer  data)
{
  static const char * const refused[] = {
    "http://carla.example",
    "https://carla.example/",
    "https://carla.example/phr/",
    "https://carla.example?x=1",
    "https://carla.example/phr#keys",
    "https://user:pw@carla.example",
    "https:///phr",
    "carla.example",
    "https://carla example",
    "",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *issuer = NULL;

  none = hf_issuer_get (f->vault, &error);
  g_assert_no_error (error);
  g_assert_null (none);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (hf_issuer_set (f->vault, refused[i], &error));
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
      g_assert_true (g_str_has_suffix (error->message, "."));
      g_clear_error (&error);
    }
  g_assert_true (hf_issuer_set (f->vault, "https://carla.example", &error));
  g_assert_no_error (error);
  g_assert_true (hf_issuer_set (f->vault, ISSUER, &error));
  g_assert_no_error (error);
  issuer = hf_issuer_get (f->vault, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (issuer, ==, ISSUER);
  g_assert_cmpuint (count_audit (f, "issuer set"), ==, 2);
}

/* Who may do what: a caregiver signs exports (within consents) but neither rotates the key
 * nor sets the issuer; a read-only caregiver signs nothing. */
static void
test_permissions (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HfSecret) bob_pass = hf_test_secret ("bob's own passphrase");
  g_autoptr(HfSecret) eve_pass = hf_test_secret ("eve reads, only reads");
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) bob = NULL;
  g_autoptr(HfVault) eve = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autofree char *issuer = NULL;

  g_assert_true (hf_vault_add_member (f->vault, "Bob", HF_ROLE_CAREGIVER, bob_pass, &code,
                                      &error));
  g_assert_no_error (error);
  g_clear_pointer (&code, hf_secret_free);
  g_assert_true (hf_vault_add_member (f->vault, "Eve", HF_ROLE_CAREGIVER_READ_ONLY, eve_pass,
                                      &code, &error));
  g_assert_no_error (error);
  g_assert_true (hf_issuer_set (f->vault, ISSUER, &error));
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  bob = hf_vault_open (f->td.vault, "Bob", bob_pass, &error);
  g_assert_no_error (error);
  if (bob == NULL)
    g_error ("Bob cannot open the vault");
  key = hf_signing_key_get (bob, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_null (hf_signing_key_rotate (bob, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (hf_issuer_set (bob, "https://bob.example", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  hf_vault_lock (bob);

  eve = hf_vault_open (f->td.vault, "Eve", eve_pass, &error);
  g_assert_no_error (error);
  if (eve == NULL)
    g_error ("Eve cannot open the vault");
  g_assert_null (hf_signing_key_get (eve, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  issuer = hf_issuer_get (eve, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (issuer, ==, ISSUER);
  hf_vault_lock (eve);
}

/* }}} */
/* {{{ exports, by the core */

static HfDisclosure *
export (Fixture         *f,
        HfExportFormat   format,
        const HfSecret  *passphrase,
        const char      *name,
        char           **path)
{
  g_autoptr(GError) error = NULL;
  HfDisclosure *d;

  *path = path_in (f, name);
  d = hf_export (f->vault, OSEI, TODAY, NOW, NULL, format, passphrase, *path, NULL, &error);
  g_assert_no_error (error);
  if (d == NULL)
    g_error ("no disclosure");
  return d;
}

static void
write_jwks (Fixture    *f,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) jwks = hf_signing_jwks (f->vault, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  if (jwks == NULL)
    g_error ("no JWKS");
  text = json_to_string (jwks, FALSE);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
assert_recognised (Fixture            *f,
                   const char         *path,
                   const HfDisclosure *made)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = hf_test_read (path);
  g_autoptr(HfDisclosure) d = hf_disclosure_verify (f->vault, bytes, NULL, &error);

  g_assert_no_error (error);
  if (d == NULL)
    g_error ("%s is not recognised", path);
  g_assert_cmpint (d->id, ==, made->id);
  g_assert_cmpstr (d->format, ==, made->format);
}

static void
test_export_formats (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfSecret) secret = hf_test_secret ("a passphrase Dr. Osei got by phone");
  g_autofree char *secret_file = hf_test_write_file (&f->td, "secret.txt",
                                                     "a passphrase Dr. Osei got by phone\n");
  g_autofree char *fhir = NULL, *jws = NULL, *jwe = NULL, *jwe_pass = NULL;
  g_autofree char *jwks = path_in (f, "jwks.json");
  g_autofree char *inner = path_in (f, "inner.jws");
  g_autofree char *inner_pass = path_in (f, "inner-pass.jws");
  g_autofree char *payload = path_in (f, "payload.json");
  g_autofree char *fhir_sum = NULL;
  g_autofree char *out = NULL;
  g_autofree char *kid = NULL;
  g_autoptr(HfDisclosure) d_fhir = NULL;
  g_autoptr(HfDisclosure) d_jws = NULL;
  g_autoptr(HfDisclosure) d_jwe = NULL;
  g_autoptr(HfDisclosure) d_pass = NULL;
  g_autoptr(HfRecipient) osei = NULL;
  g_autoptr(HfJoseKey) signing = NULL;
  g_autofree char *refused = path_in (f, "refused.jws");

  /* No issuer: refused in a sentence that says how, and nothing written. */
  g_assert_null (hf_export (f->vault, OSEI, TODAY, NOW, NULL, HF_EXPORT_JWS, NULL, refused, NULL,
                            &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message,
                            "Set the issuer first: healthfolio-cli issuer set https://"));
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_assert_true (hf_issuer_set (f->vault, ISSUER, &error));
  g_assert_no_error (error);

  d_fhir = export (f, HF_EXPORT_FHIR, NULL, "osei.json", &fhir);
  d_jws = export (f, HF_EXPORT_JWS, NULL, "osei.jws", &jws);
  d_jwe = export (f, HF_EXPORT_JWE, NULL, "osei.jwe", &jwe);
  d_pass = export (f, HF_EXPORT_JWE, secret, "osei-pass.jwe", &jwe_pass);
  fhir_sum = file_sha256 (fhir);
  hf_test_assert_valid_fhir_file (fhir);
  g_assert_cmpstr (d_fhir->format, ==, "fhir");
  g_assert_cmpstr (d_jws->format, ==, "jws");
  g_assert_cmpstr (d_jwe->format, ==, "jwe");
  g_assert_cmpstr (d_pass->format, ==, "jwe");
  g_assert_cmpstr (d_fhir->output_sha256, ==, fhir_sum);
  {
    g_autofree char *s = file_sha256 (jws);
    g_assert_cmpstr (d_jws->output_sha256, ==, s);
  }
  {
    g_autofree char *s = file_sha256 (jwe);
    g_assert_cmpstr (d_jwe->output_sha256, ==, s);
  }
  /* Each disclosure accounts for the same records. */
  g_assert_cmpuint (d_jws->n_items, ==, d_fhir->n_items);
  g_assert_cmpuint (d_jwe->n_items, ==, d_fhir->n_items);
  g_assert_cmpstr (d_jwe->bundle_id, ==, d_fhir->bundle_id);
  assert_recognised (f, fhir, d_fhir);
  assert_recognised (f, jws, d_jws);
  assert_recognised (f, jwe, d_jwe);
  assert_recognised (f, jwe_pass, d_pass);

  signing = hf_signing_key_get (f->vault, &kid, &error);
  g_assert_no_error (error);
  write_jwks (f, jwks);

  /* The JWS: jose verifies it with the JWKS, to exactly the fhir export's bytes. */
  g_assert_cmpint (JOSE (&out, "verify", jws, jwks), ==, 0);
  {
    g_auto(JoseResult) r = { 0 };
    jose_result_parse (&r, out);
    g_assert_cmpstr (r.sha256, ==, fhir_sum);
    g_assert_cmpstr (hf_json_string (r.header, "alg"), ==, "ES256");
    g_assert_cmpstr (hf_json_string (r.header, "kid"), ==, kid);
    g_assert_cmpstr (hf_json_string (r.header, "typ"), ==, "JOSE");
    g_assert_cmpstr (hf_json_string (r.header, "cty"), ==, "application/fhir+json");
    g_assert_cmpstr (hf_json_string (r.header, "iss"), ==, ISSUER);
    g_assert_cmpint (json_object_get_int_member (r.header, "iat"), ==, NOW / G_USEC_PER_SEC);
  }
  g_clear_pointer (&out, g_free);

  /* The JWE to the recipient's key: jose decrypts it with their private key to the JWS. */
  osei = hf_recipient_find (f->vault, OSEI, &error);
  g_assert_no_error (error);
  if (osei == NULL)
    g_error ("no recipient");
  g_assert_cmpint (JOSE (&out, "decrypt", jwe, "--jwk", f->osei_private, inner), ==, 0);
  {
    g_auto(JoseResult) r = { 0 };
    jose_result_parse (&r, out);
    g_assert_cmpstr (hf_json_string (r.header, "alg"), ==, "ECDH-ES+A256KW");
    g_assert_cmpstr (hf_json_string (r.header, "enc"), ==, "A256GCM");
    g_assert_cmpstr (hf_json_string (r.header, "cty"), ==, "JOSE");
    g_assert_cmpstr (hf_json_string (r.header, "kid"), ==, osei->key_thumbprint);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (JOSE (&out, "verify", inner, jwks), ==, 0);
  {
    g_auto(JoseResult) r = { 0 };
    jose_result_parse (&r, out);
    g_assert_cmpstr (r.sha256, ==, fhir_sum);
  }
  g_clear_pointer (&out, g_free);

  /* The JWE with a passphrase: PBES2 with 210,000 iterations and a 16-byte salt. */
  g_assert_cmpint (JOSE (&out, "decrypt", jwe_pass, "--passphrase-file", secret_file,
                         inner_pass), ==, 0);
  {
    g_auto(JoseResult) r = { 0 };
    gsize salt_len = 0;
    g_autofree guint8 *salt = NULL;

    jose_result_parse (&r, out);
    g_assert_cmpstr (hf_json_string (r.header, "alg"), ==, "PBES2-HS512+A256KW");
    g_assert_cmpstr (hf_json_string (r.header, "enc"), ==, "A256GCM");
    g_assert_cmpstr (hf_json_string (r.header, "cty"), ==, "JOSE");
    g_assert_cmpint (json_object_get_int_member (r.header, "p2c"), ==, 210000);
    salt = hf_base64url_decode (hf_json_string (r.header, "p2s"), -1, &salt_len);
    g_assert_nonnull (salt);
    g_assert_cmpuint (salt_len, ==, 16);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (JOSE (&out, "verify", inner_pass, jwks), ==, 0);
  {
    g_auto(JoseResult) r = { 0 };
    jose_result_parse (&r, out);
    g_assert_cmpstr (r.sha256, ==, fhir_sum);
  }
  g_clear_pointer (&out, g_free);

  /* Another passphrase, or a JWS one byte off: jose refuses them. */
  {
    g_autofree char *wrong = hf_test_write_file (&f->td, "wrong.txt", "not the passphrase\n");
    g_autofree char *tampered = path_in (f, "tampered.jws");
    g_autofree char *text = read_text (jws);
    char *dot = strrchr (text, '.');

    g_assert_cmpint (JOSE (NULL, "decrypt", jwe_pass, "--passphrase-file", wrong, payload), ==,
                     1);
    if (dot == NULL)
      g_error ("the JWS has no signature part");
    /* A character of the payload changed. */
    dot[-3] = dot[-3] == 'A' ? 'B' : 'A';
    g_assert_true (g_file_set_contents (tampered, text, -1, NULL));
    g_assert_cmpint (JOSE (NULL, "verify", tampered, jwks), ==, 1);
  }

  /* After a rotation, the earlier export still verifies against the new JWKS. */
  {
    g_autofree char *rotated = hf_signing_key_rotate (f->vault, &error);
    g_autofree char *jwks2 = path_in (f, "jwks2.json");

    g_assert_no_error (error);
    g_assert_nonnull (rotated);
    write_jwks (f, jwks2);
    g_assert_cmpint (JOSE (&out, "verify", jws, jwks2), ==, 0);
    g_clear_pointer (&out, g_free);
  }
}

/* The recipient without a key, and no passphrase: refused, saying what to do. */
static void
test_export_no_key (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autofree char *path = path_in (f, "lee.jwe");

  g_assert_true (hf_issuer_set (f->vault, ISSUER, &error));
  r = hf_recipient_add (f->vault, "Lee", HF_RECIPIENT_CAREGIVER, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (hf_export (f->vault, "Lee", TODAY, NOW, NULL, HF_EXPORT_JWE, NULL, path, NULL,
                            &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "Lee has no key to encrypt to."));
  g_assert_nonnull (strstr (error->message, "--passphrase-file"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* }}} */
/* {{{ jose's tokens, in hf-jose */

static HfJoseKey *
key_from_file (const char *path)
{
  g_autofree char *text = read_text (path);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  HfJoseKey *key;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    g_error ("%s is not a JWK", path);
  key = hf_jose_key_new_from_jwk (json_node_get_object (node), &error);
  g_assert_no_error (error);
  if (key == NULL)
    g_error ("%s is not a key", path);
  return key;
}

static void
test_jose_tokens (Fixture       *f,
                  gconstpointer  data)
{
  static const char payload_text[] = "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}";
  g_autofree char *payload = hf_test_write_file (&f->td, "payload.json", payload_text);
  g_autofree char *signer_private = path_in (f, "signer-private.jwk");
  g_autofree char *signer_public = path_in (f, "signer-public.jwk");
  g_autofree char *ours_public = path_in (f, "ours-public.jwk");
  g_autofree char *jws_path = path_in (f, "jose.jws");
  g_autofree char *jwe_path = path_in (f, "jose.jwe");
  g_autofree char *jwe_pass_path = path_in (f, "jose-pass.jwe");
  g_autofree char *secret_file = hf_test_write_file (&f->td, "secret.txt", "from jose, by post\n");
  g_autoptr(HfSecret) secret = hf_test_secret ("from jose, by post");
  g_autoptr(HfSecret) wrong = hf_test_secret ("from jose, by pigeon");
  g_autoptr(HfJoseKey) signer = NULL;
  g_autoptr(HfJoseKey) ours = NULL;
  g_autoptr(GError) error = NULL;

  /* An ES256 JWS by jose verifies in hf-jose, to the payload; one byte off, it does not. */
  g_assert_cmpint (JOSE (NULL, "keygen", signer_private, signer_public, "ES256"), ==, 0);
  g_assert_cmpint (JOSE (NULL, "sign", payload, signer_private, "jose-signer", jws_path), ==, 0);
  signer = key_from_file (signer_public);
  {
    g_autofree char *token = read_text (jws_path);
    g_autoptr(HfJws) jws = hf_jws_parse (token, strlen (token), &error);
    g_assert_no_error (error);
    if (jws == NULL)
      g_error ("jose's JWS does not parse");
    g_assert_cmpstr (hf_jws_get_kid (jws), ==, "jose-signer");
    g_assert_true (hf_jws_verify_es256 (jws, signer, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (hf_jws_get_payload (jws), NULL),
                     g_bytes_get_size (hf_jws_get_payload (jws)), payload_text,
                     strlen (payload_text));
  }
  {
    g_autofree char *token = read_text (jws_path);
    char *dot = strrchr (token, '.');
    g_autoptr(HfJws) jws = NULL;

    if (dot == NULL)
      g_error ("no signature part");
    dot[-2] = dot[-2] == 'A' ? 'B' : 'A';
    jws = hf_jws_parse (token, strlen (token), &error);
    g_assert_no_error (error);
    if (jws == NULL)
      g_error ("the altered JWS does not parse");
    g_assert_false (hf_jws_verify_es256 (jws, signer, &error));
    g_assert_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_SIGNATURE_INVALID);
    g_clear_error (&error);
  }

  /* An ECDH-ES+A256KW JWE by jose to our key decrypts in hf-jose. */
  ours = hf_jose_key_generate (&error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonObject) jwk = hf_jose_key_dup_public_jwk (ours);
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), jwk);
    g_autofree char *text = json_to_string (node, FALSE);
    g_assert_true (g_file_set_contents (ours_public, text, -1, NULL));
  }
  g_assert_cmpint (JOSE (NULL, "encrypt-key", payload, ours_public, "ours", jwe_path), ==, 0);
  {
    g_autofree char *token = read_text (jwe_path);
    g_autoptr(HfJwe) jwe = hf_jwe_parse (token, strlen (token), &error);
    g_autoptr(GBytes) plain = NULL;
    g_autoptr(HfJoseKey) other = hf_jose_key_generate (NULL);

    g_assert_no_error (error);
    if (jwe == NULL)
      g_error ("jose's JWE does not parse");
    g_assert_cmpstr (hf_jwe_get_cty (jwe), ==, "JOSE");
    plain = hf_jwe_decrypt (jwe, ours, NULL, &error);
    g_assert_no_error (error);
    if (plain == NULL)
      g_error ("no plaintext");
    g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), payload_text,
                     strlen (payload_text));
    g_assert_null (hf_jwe_decrypt (jwe, other, NULL, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  /* A PBES2-HS512+A256KW JWE by jose decrypts in hf-jose with the passphrase, not another. */
  g_assert_cmpint (JOSE (NULL, "encrypt-passphrase", payload, secret_file, "210000",
                         jwe_pass_path), ==, 0);
  {
    g_autofree char *token = read_text (jwe_pass_path);
    g_autoptr(HfJwe) jwe = hf_jwe_parse (token, strlen (token), &error);
    g_autoptr(GBytes) plain = NULL;

    g_assert_no_error (error);
    if (jwe == NULL)
      g_error ("jose's JWE does not parse");
    plain = hf_jwe_decrypt (jwe, NULL, secret, &error);
    g_assert_no_error (error);
    if (plain == NULL)
      g_error ("no plaintext");
    g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), payload_text,
                     strlen (payload_text));
    g_assert_null (hf_jwe_decrypt (jwe, NULL, wrong, &error));
    g_assert_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_WRONG_KEY);
    g_clear_error (&error);
  }
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

/* The Bundle's text with its timestamp (which names the second of the export) cut out. */
static char *
without_timestamp (const char *text)
{
  const char *at = strstr (text, "\"timestamp\":\"");
  const char *end = at != NULL ? strchr (at + 13, '"') : NULL;

  if (at == NULL || end == NULL)
    g_error ("the Bundle has no timestamp");
  return g_strdup_printf ("%.*s%s", (int) (at - text), text, end + 1);
}

/* The payload jose gets out of the JWS at PATH (verified with JWKS), written to PAYLOAD. */
static void
assert_same_bundle (const char *jws,
                    const char *jwks,
                    const char *payload,
                    const char *fhir)
{
  g_autofree char *out = NULL;
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  g_autofree char *got_text = NULL;
  g_autofree char *want_text = NULL;

  g_assert_cmpint (JOSE (&out, "verify", jws, jwks, payload), ==, 0);
  got_text = read_text (payload);
  want_text = read_text (fhir);
  got = without_timestamp (got_text);
  want = without_timestamp (want_text);
  g_assert_cmpstr (got, ==, want);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *secret_file = hf_test_write_file (&f->td, "secret.txt",
                                                     "a passphrase Dr. Osei got by phone\n");
  g_autofree char *fhir = path_in (f, "osei.json");
  g_autofree char *jws = path_in (f, "osei.jws");
  g_autofree char *jwe = path_in (f, "osei.jwe");
  g_autofree char *jwe_pass = path_in (f, "osei-pass.jwe");
  g_autofree char *jwks = path_in (f, "jwks.json");
  g_autofree char *jwks2 = path_in (f, "jwks2.json");
  g_autofree char *inner = path_in (f, "inner.jws");
  g_autofree char *payload = path_in (f, "payload.json");
  g_autofree char *jws2 = path_in (f, "osei2.jws");
  g_autofree char *kid = NULL;
  char *out = NULL, *err = NULL;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
#define RUN(...) cli (f, &out, &err, __VA_ARGS__, NULL)
#define CLEAR() do { g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free); } while (0)

  g_assert_cmpint (RUN ("export", OSEI, "--format", "jws", "--output", jws), ==, 3);
  g_assert_nonnull (strstr (err, "Set the issuer first: healthfolio-cli issuer set https://"));
  CLEAR ();
  g_assert_cmpint (RUN ("issuer", "show"), ==, 0);
  g_assert_true (g_str_has_prefix (out, "No issuer is set"));
  CLEAR ();
  g_assert_cmpint (RUN ("issuer", "set", "http://carla.example"), ==, 3);
  g_assert_nonnull (strstr (err, "https://"));
  CLEAR ();
  g_assert_cmpint (RUN ("issuer", "set", ISSUER "/"), ==, 3);
  g_assert_nonnull (strstr (err, "must not end with “/”"));
  CLEAR ();
  g_assert_cmpint (RUN ("issuer", "set", ISSUER), ==, 0);
  CLEAR ();
  g_assert_cmpint (RUN ("issuer", "show"), ==, 0);
  g_assert_cmpstr (out, ==, ISSUER "\n");
  CLEAR ();

  g_assert_cmpint (RUN ("keys", "show", "--json"), ==, 0);
  {
    g_autoptr(JsonNode) node = json_from_string (out, NULL);
    JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                                                   : NULL;
    if (o == NULL)
      g_error ("keys show --json printed no object: %s", out);
    g_assert_cmpstr (hf_json_string (o, "alg"), ==, "ES256");
    g_assert_cmpstr (hf_json_string (o, "use"), ==, "sig");
    g_assert_false (json_object_has_member (o, "d"));
    kid = g_strdup (hf_json_string (o, "kid"));
    g_assert_nonnull (kid);
  }
  CLEAR ();
  g_assert_cmpint (RUN ("keys", "show"), ==, 0);
  g_assert_nonnull (strstr (out, kid));
  g_assert_nonnull (strstr (out, ISSUER "/.well-known/jwks.json"));
  CLEAR ();

  /* The four exports, and what each says about who can read the file. */
  g_assert_cmpint (RUN ("export", OSEI, "--format", "fhir", "--output", fhir), ==, 0);
  g_assert_nonnull (strstr (err, "is not encrypted; anyone who gets the file can read"));
  CLEAR ();
  g_assert_cmpint (RUN ("export", OSEI, "--format", "jws", "--output", jws), ==, 0);
  g_assert_nonnull (strstr (err, "is signed but not encrypted; anyone who gets the file can "
                                 "read"));
  g_assert_nonnull (strstr (out, "Wrote 21 records for Dr. Osei"));
  CLEAR ();
  g_assert_cmpint (RUN ("export", OSEI, "--format", "jwe", "--output", jwe), ==, 0);
  g_assert_null (strstr (err, "not encrypted"));
  CLEAR ();
  g_assert_cmpint (RUN ("export", OSEI, "--format", "jwe", "--passphrase-file", secret_file,
                        "--output", jwe_pass), ==, 0);
  g_assert_null (strstr (err, "not encrypted"));
  g_assert_nonnull (strstr (err, "give it to the recipient another way"));
  CLEAR ();
  g_assert_cmpint (RUN ("export", OSEI, "--format", "jws", "--passphrase-file", secret_file,
                        "--output", jws2), ==, 1);
  g_assert_nonnull (strstr (err, "--passphrase-file is for --format jwe only"));
  g_assert_false (g_file_test (jws2, G_FILE_TEST_EXISTS));
  CLEAR ();

  g_assert_cmpint (RUN ("keys", "export-jwks", jwks), ==, 0);
  g_assert_nonnull (strstr (out, "Publish it at " ISSUER "/.well-known/jwks.json."));
  CLEAR ();

  /* jose, with the JWKS the vault wrote, gets the fhir export's Bundle out of each. */
  assert_same_bundle (jws, jwks, payload, fhir);
  hf_test_assert_valid_fhir_file (payload);
  g_assert_cmpint (JOSE (NULL, "decrypt", jwe, "--jwk", f->osei_private, inner), ==, 0);
  assert_same_bundle (inner, jwks, payload, fhir);
  g_assert_cmpint (JOSE (NULL, "decrypt", jwe_pass, "--passphrase-file", secret_file, inner), ==,
                   0);
  assert_same_bundle (inner, jwks, payload, fhir);

  /* Each token file is recognised as the disclosure it is; the list names the formats. */
  g_assert_cmpint (RUN ("disclosures", "verify", jws), ==, 0);
  g_assert_true (g_str_has_prefix (out, "This file is a disclosure this vault made to Dr. Osei"));
  CLEAR ();
  g_assert_cmpint (RUN ("disclosures", "verify", jwe), ==, 0);
  g_assert_true (g_str_has_prefix (out, "This file is a disclosure this vault made to Dr. Osei"));
  CLEAR ();
  g_assert_cmpint (RUN ("disclosures", "verify", jwe_pass), ==, 0);
  CLEAR ();
  g_assert_cmpint (RUN ("disclosures", "list"), ==, 0);
  g_assert_nonnull (strstr (out, "consent version 1, by Carla; file SHA-256"));
  g_assert_nonnull (strstr (out, "consent version 1, by Carla, signed (JWS); file SHA-256"));
  g_assert_nonnull (strstr (out, "consent version 1, by Carla, signed and encrypted (JWE); file "
                                 "SHA-256"));
  CLEAR ();
  g_assert_cmpint (RUN ("--json", "disclosures", "list"), ==, 0);
  {
    g_autoptr(JsonNode) node = json_from_string (out, NULL);
    JsonArray *list = NULL;
    const char *want[] = { "fhir", "jws", "jwe", "jwe" };

    if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
      list = json_node_get_array (node);
    else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
      list = hf_json_array (json_node_get_object (node), "disclosures");
    if (list == NULL)
      g_error ("disclosures list --json printed no list: %s", out);
    g_assert_cmpuint (json_array_get_length (list), ==, G_N_ELEMENTS (want));
    for (guint i = 0; i < G_N_ELEMENTS (want); i++)
      g_assert_cmpstr (hf_json_string (json_array_get_object_element (list, i), "format"), ==,
                       want[i]);
  }
  CLEAR ();

  /* A new key: the earlier export still verifies against the JWKS, the next has the new kid. */
  g_assert_cmpint (RUN ("keys", "rotate"), ==, 0);
  g_assert_null (strstr (out, kid));
  CLEAR ();
  g_assert_cmpint (RUN ("keys", "export-jwks", jwks2), ==, 0);
  CLEAR ();
  g_assert_cmpint (JOSE (NULL, "verify", jws, jwks2), ==, 0);
  g_assert_cmpint (RUN ("export", OSEI, "--format", "jws", "--output", jws2), ==, 0);
  CLEAR ();
  g_assert_cmpint (JOSE (&out, "verify", jws2, jwks2), ==, 0);
  {
    g_auto(JoseResult) r = { 0 };
    jose_result_parse (&r, out);
    g_assert_cmpstr (hf_json_string (r.header, "kid"), !=, kid);
  }
  CLEAR ();
  /* The JWKS from before the rotation does not know the new key. */
  g_assert_cmpint (JOSE (NULL, "verify", jws2, jwks), ==, 1);

  g_assert_cmpint (RUN ("audit", "verify"), ==, 0);
  CLEAR ();
#undef RUN
#undef CLEAR
}

/* {{{ round trips */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* healthfolio-cli on the vault at VAULT (with the fixture's passphrase). */
static int
cli_on (Fixture     *f,
        const char  *vault,
        char       **out,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *err = NULL;
  va_list ap;
  int status;

  g_ptr_array_add (args, "--vault");
  g_ptr_array_add (args, (gpointer) vault);
  g_ptr_array_add (args, "--passphrase-file");
  g_ptr_array_add (args, f->pass_file);
  va_start (ap, out);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  status = hf_test_cli_v (out, &err, (const char * const *) args->pdata);
  if (status != 0)
    g_test_message ("healthfolio-cli %s: exit %d: %s", (char *) args->pdata[4], status, err);
  return status;
}

/* Every current record of the vault at PATH, "Type/id SHA-256" a line, sorted. */
static char *
records_of (Fixture    *f,
            const char *path)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = hf_vault_open (path, NULL, pass, &error);
  g_autoptr(GString) text = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (vault),
                                       "SELECT resource_type || '/' || fhir_id || ' ' || "
                                       "lower (hex (content_hash)) FROM resource WHERE "
                                       "superseded_by IS NULL ORDER BY 1", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s\n", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  hf_vault_lock (vault);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Export, verify, import: for jws, jwe to the recipient's key and jwe with a passphrase, the
 * vault that imports the signed file holds exactly the records a plain import of the shared
 * Bundle gives (type, id and the SHA-256 of each stored record), which are the records the
 * disclosure lists; `show` says each was verified, and the records are not imported without
 * the issuer's keys unless asked. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *secret_file = hf_test_write_file (&f->td, "secret.txt", "by phone\n");
  g_autofree char *fhir = path_in (f, "osei.json");
  g_autofree char *jwks = path_in (f, "jwks.json");
  g_autofree char *plain_vault = path_in (f, "plain.hfvault");
  g_autofree char *expected = NULL;
  g_autoptr(HfDisclosure) disclosure = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  struct { const char *name, *format, *key_option, *key; } cases[] = {
    { "osei.jws", "jws", NULL, NULL },
    { "osei.jwe", "jwe", "--key", f->osei_private },
    { "osei-pass.jwe", "jwe", "--passphrase-file", secret_file },
  };
  char *out = NULL;

  g_assert_true (hf_issuer_set (f->vault, ISSUER, &error));
  g_assert_no_error (error);
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  /* What is shared, imported as a plain Bundle into a vault of its own. */
  g_assert_cmpint (cli_on (f, f->td.vault, NULL, "export", OSEI, "--format", "fhir", "--output",
                           fhir, NULL), ==, 0);
  g_assert_cmpint (cli_on (f, plain_vault, NULL, "vault", "create", NULL), ==, 0);
  g_assert_cmpint (cli_on (f, plain_vault, NULL, "import", fhir, NULL), ==, 0);
  expected = records_of (f, plain_vault);
  g_assert_cmpuint (strlen (expected), >, 0);
  g_assert_cmpint (cli_on (f, f->td.vault, NULL, "keys", "export-jwks", jwks, NULL), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = path_in (f, cases[i].name);
      g_autofree char *name = g_strdup_printf ("%s.hfvault", cases[i].name);
      g_autofree char *vault = path_in (f, name);
      g_autofree char *got = NULL;
      g_autofree char *none = NULL;
      const char *key_args[3] = { cases[i].key_option, cases[i].key, NULL };

      if (g_str_equal (cases[i].format, "jwe") && cases[i].key_option[2] == 'p')
        g_assert_cmpint (cli_on (f, f->td.vault, NULL, "export", OSEI, "--format", "jwe",
                                 "--passphrase-file", secret_file, "--output", token, NULL), ==,
                         0);
      else
        g_assert_cmpint (cli_on (f, f->td.vault, NULL, "export", OSEI, "--format",
                                 cases[i].format, "--output", token, NULL), ==, 0);
      g_assert_cmpint (cli_on (f, vault, NULL, "vault", "create", NULL), ==, 0);

      /* Without the issuer's keys (offline): not imported. */
      g_assert_cmpint (cli_on (f, vault, NULL, "import", token, "--offline", key_args[0],
                               key_args[1], NULL), ==, 6);
      none = records_of (f, vault);
      g_assert_cmpstr (none, ==, "");

      g_assert_cmpint (cli_on (f, vault, NULL, "trust", "add", ISSUER, "--jwks", jwks, NULL), ==,
                       0);
      g_assert_cmpint (cli_on (f, vault, &out, "verify", token, "--offline", key_args[0],
                               key_args[1], NULL), ==, 0);
      g_assert_nonnull (strstr (out, ISSUER));
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (cli_on (f, vault, NULL, "import", token, "--offline", key_args[0],
                               key_args[1], NULL), ==, 0);
      got = records_of (f, vault);
      g_assert_cmpstr (got, ==, expected);
      g_assert_cmpint (cli_on (f, vault, &out, "show", "1", NULL), ==, 0);
      g_assert_nonnull (strstr (out, "Signed by " ISSUER));
      g_clear_pointer (&out, g_free);
    }

  /* The records are the disclosure's: the same types and ids, as many. */
  {
    g_autoptr(HfSecret) pass = hf_test_secret (PASS);
    g_autoptr(GString) ids = g_string_new (NULL);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
    g_auto(GStrv) rows = g_strsplit (expected, "\n", -1);

    f->vault = hf_vault_open (f->td.vault, NULL, pass, &error);
    g_assert_no_error (error);
    list = hf_disclosure_list (f->vault, NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1 + G_N_ELEMENTS (cases));
    disclosure = hf_disclosure_get (f->vault,
                                    ((HfDisclosure *) g_ptr_array_index (list, 0))->id, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < disclosure->items->len; i++)
      {
        HfDisclosureItem *item = g_ptr_array_index (disclosure->items, i);
        g_ptr_array_add (lines, g_strdup_printf ("%s/%s", item->type, item->fhir_id));
      }
    g_ptr_array_sort (lines, compare_strings);
    for (guint i = 0; i < lines->len; i++)
      g_string_append_printf (ids, "%s\n", (char *) g_ptr_array_index (lines, i));
    g_assert_cmpuint (g_strv_length (rows) - 1, ==, disclosure->items->len);
    for (guint i = 0; rows[i] != NULL && rows[i][0] != '\0'; i++)
      {
        g_autofree char *id = g_strndup (rows[i], strcspn (rows[i], " "));
        g_autofree char *line = g_strdup_printf ("%s\n", id);
        g_assert_nonnull (strstr (ids->str, line));
      }
  }
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add ("/hf/export/signing-keys", Fixture, NULL, setup, test_signing_keys, teardown);
  g_test_add ("/hf/export/issuer", Fixture, NULL, setup, test_issuer, teardown);
  g_test_add ("/hf/export/permissions", Fixture, NULL, setup, test_permissions, teardown);
  g_test_add ("/hf/export/formats", Fixture, NULL, setup, test_export_formats, teardown);
  g_test_add ("/hf/export/no-key", Fixture, NULL, setup, test_export_no_key, teardown);
  g_test_add ("/hf/export/jose-tokens", Fixture, NULL, setup, test_jose_tokens, teardown);
  g_test_add ("/hf/export/cli", Fixture, NULL, setup, test_cli, teardown);
  g_test_add ("/hf/export/round-trip", Fixture, NULL, setup, test_round_trip, teardown);
  return g_test_run ();
}
