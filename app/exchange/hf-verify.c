/* hf-verify.c — checking a signed (and perhaps encrypted) bundle before believing it
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order matters: the JOSE header policy is applied before any key is looked up, so that a
 * token naming a "jku" or embedding a "jwk" is refused without anything being fetched; the
 * key comes from the trust store by the header's "iss" and "kid" only; the payload is read as
 * a Bundle only after its signature checked out (or, for an untrusted issuer, to show what it
 * holds, marked so).
 */

#include "hf-verify.h"

#include <string.h>

#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-json-guard.h"
#include "hf-trust-private.h"
#include "hf-vault-private.h"

void
hf_verify_result_free (HfVerifyResult *result)
{
  if (result == NULL)
    return;
  g_free (result->jwe_alg);
  g_free (result->iss);
  g_free (result->kid);
  hf_trust_source_clear (&result->trust);
  g_free (result->reason);
  g_clear_pointer (&result->bundle, g_bytes_unref);
  g_clear_pointer (&result->counts, g_hash_table_unref);
  g_free (result->person_name);
  g_free (result->person_birth_date);
  g_free (result->token_sha256);
  g_free (result);
}

const char *
hf_verify_kind_to_string (HfVerifyKind kind)
{
  switch (kind)
    {
    case HF_VERIFY_KIND_JWS:
      return "jws";
    case HF_VERIFY_KIND_JWE:
      return "jwe";
    case HF_VERIFY_KIND_BUNDLE:
    default:
      return "bundle";
    }
}

const char *
hf_verify_verdict_to_string (HfVerifyVerdict verdict)
{
  switch (verdict)
    {
    case HF_VERIFY_VALID:
      return "valid";
    case HF_VERIFY_UNSIGNED:
      return "unsigned";
    case HF_VERIFY_UNTRUSTED:
    default:
      return "untrusted";
    }
}

static gsize
trimmed_length (const guint8 *bytes,
                gsize         length)
{
  while (length > 0 && g_ascii_isspace (bytes[length - 1]))
    length--;
  return length;
}

gboolean
hf_verify_is_compact (const guint8 *bytes,
                      gsize         length)
{
  guint dots = 0;

  length = trimmed_length (bytes, length);
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      guint8 c = bytes[i];

      if (c == '.')
        dots++;
      else if (!g_ascii_isalnum (c) && c != '-' && c != '_')
        return FALSE;
    }
  return dots >= 1;
}

/* Takes the JOSE error into the HF_ERROR the commands report it with. */
static void
set_from_jose (GError      **error,
               GError       *jose,
               const char   *what)
{
  HfError code = hf_jose_error_to_hf (jose);

  g_set_error (error, HF_ERROR, code, "%s: %s", what, jose->message);
  g_error_free (jose);
}

/* An integer "NAME" of O, in seconds; FALSE (with ERROR) if it is there and not one. */
static gboolean
time_member (JsonObject  *o,
             const char  *name,
             gint64      *out,
             GError     **error)
{
  JsonNode *n;

  if (o == NULL || (n = json_object_get_member (o, name)) == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
      json_node_get_int (n) <= 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The signed bundle's “%s” is not a time in seconds.", name);
      return FALSE;
    }
  *out = json_node_get_int (n);
  return TRUE;
}

static const char *
string_of (JsonObject *o,
           const char *name)
{
  JsonNode *n;

  if (o == NULL || (n = json_object_get_member (o, name)) == NULL || !JSON_NODE_HOLDS_VALUE (n) ||
      json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static char *
day_of (gint64 seconds)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (seconds);

  return t != NULL ? g_date_time_format (t, "%-d %b %Y %H:%M UTC") : g_strdup ("?");
}

/* The times of the header and the payload: iat not in the future, nbf passed, exp not. */
static gboolean
check_times (HfVerifyResult  *result,
             JsonObject      *header,
             JsonObject      *payload,
             GError         **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!time_member (payload, "iat", &result->iat, error) ||
      !time_member (payload, "nbf", &result->nbf, error) ||
      !time_member (payload, "exp", &result->exp, error) ||
      !time_member (header, "iat", &result->iat, error) ||
      !time_member (header, "nbf", &result->nbf, error) ||
      !time_member (header, "exp", &result->exp, error))
    return FALSE;
  if (result->iat != 0 && result->iat > now + HF_VERIFY_SKEW)
    {
      g_autofree char *day = day_of (result->iat);
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The bundle says it was signed on %s, which is in the future; it is not "
                   "believed.", day);
      return FALSE;
    }
  if (result->nbf != 0 && result->nbf > now + HF_VERIFY_SKEW)
    {
      g_autofree char *day = day_of (result->nbf);
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The bundle is not valid before %s.", day);
      return FALSE;
    }
  if (result->exp != 0 && result->exp < now - HF_VERIFY_SKEW)
    {
      g_autofree char *day = day_of (result->exp);
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The bundle expired on %s.", day);
      return FALSE;
    }
  return TRUE;
}

static char *
patient_name (JsonObject *patient)
{
  JsonNode *names = json_object_get_member (patient, "name");
  JsonObject *name;
  GString *out;
  JsonNode *given;
  const char *text, *family;

  if (names == NULL || !JSON_NODE_HOLDS_ARRAY (names) ||
      json_array_get_length (json_node_get_array (names)) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (names), 0)))
    return NULL;
  name = json_array_get_object_element (json_node_get_array (names), 0);
  if ((text = string_of (name, "text")) != NULL)
    return g_strdup (text);
  out = g_string_new (NULL);
  given = json_object_get_member (name, "given");
  if (given != NULL && JSON_NODE_HOLDS_ARRAY (given))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (given)); i++)
      {
        JsonNode *g = json_array_get_element (json_node_get_array (given), i);
        if (JSON_NODE_HOLDS_VALUE (g) && json_node_get_value_type (g) == G_TYPE_STRING)
          g_string_append_printf (out, "%s%s", out->len ? " " : "", json_node_get_string (g));
      }
  if ((family = string_of (name, "family")) != NULL)
    g_string_append_printf (out, "%s%s", out->len ? " " : "", family);
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* BYTES must be one FHIR Bundle: what it holds, per category, and its Patient. PARSED: BYTES
 * already parsed (after the guard), or NULL. */
static gboolean
read_bundle (HfVerifyResult  *result,
             GBytes          *bytes,
             JsonParser      *parsed,
             GError         **error)
{
  HfJsonProblem problem = { 0 };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root, *entry;
  JsonObject *bundle;

  if (parsed != NULL)
    parser = g_object_ref (parsed);
  else if (!hf_json_guard_check (data, length, &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The bundle is not valid JSON: %s (line %u, column %u).", problem.reason,
                   problem.line, problem.column);
      hf_json_problem_clear (&problem);
      return FALSE;
    }
  if (parser == NULL)
    {
      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The bundle is not valid JSON: %s.", local->message);
          return FALSE;
        }
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      g_strcmp0 (string_of (json_node_get_object (root), "resourceType"), "Bundle") != 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "What was signed is not a FHIR Bundle.");
      return FALSE;
    }
  bundle = json_node_get_object (root);
  result->bundle = g_bytes_ref (bytes);
  result->counts = g_hash_table_new (g_str_hash, g_str_equal);
  entry = json_object_get_member (bundle, "entry");
  if (entry == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (entry))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "The bundle's “entry” is not a list.");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (entry)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (entry), i);
      JsonNode *r;
      JsonObject *resource;
      HfFhirSummary summary = { 0 };
      guint n;

      if (!JSON_NODE_HOLDS_OBJECT (e) ||
          (r = json_object_get_member (json_node_get_object (e), "resource")) == NULL ||
          !JSON_NODE_HOLDS_OBJECT (r))
        continue;
      resource = json_node_get_object (r);
      result->entries++;
      if (g_strcmp0 (string_of (resource, "resourceType"), "Patient") == 0 &&
          result->person_name == NULL)
        {
          result->person_name = patient_name (resource);
          result->person_birth_date = g_strdup (string_of (resource, "birthDate"));
        }
      hf_fhir_summarize (resource, NULL, NULL, &summary);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (result->counts, summary.category));
      g_hash_table_insert (result->counts, (gpointer) summary.category,
                           GUINT_TO_POINTER (n + 1));
      hf_fhir_summary_clear (&summary);
    }
  return TRUE;
}

/* The payload as JSON, when it is an object (a Bundle, or claims around one); *PARSED: whether
 * PARSER holds it (it passed the guard and parsed). */
static JsonObject *
payload_object (GBytes     *payload,
                JsonParser *parser,
                gboolean   *parsed)
{
  gsize length;
  const char *data = g_bytes_get_data (payload, &length);
  HfJsonProblem problem = { 0 };
  JsonNode *root;

  if (!hf_json_guard_check (data, length, &problem))
    {
      hf_json_problem_clear (&problem);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return NULL;
  *parsed = TRUE;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static gboolean
verify_jws (HfVault         *vault,
            HfVerifyResult  *result,
            const char      *token,
            gsize            length,
            HfVerifyFlags    flags,
            const char      *extra_ca_file,
            GError         **error)
{
  g_autoptr(HfJws) jws = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  JsonObject *header, *payload;
  gboolean parsed = FALSE;
  const char *iss;

  jws = hf_jws_parse (token, length, &local);
  if (jws == NULL)
    {
      set_from_jose (error, g_steal_pointer (&local), "This is not a valid signed bundle");
      return FALSE;
    }
  /* The policy first, before any key is looked for or fetched. */
  if (!hf_jws_check_header (jws, &local))
    {
      set_from_jose (error, g_steal_pointer (&local), "The signature is refused");
      return FALSE;
    }
  header = hf_jws_get_header (jws);
  payload = payload_object (hf_jws_get_payload (jws), parser, &parsed);
  iss = string_of (header, "iss");
  if (json_object_has_member (header, "iss") && iss == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "The signature's issuer (“iss”) is not text.");
      return FALSE;
    }
  if (iss == NULL)
    iss = string_of (payload, "iss");
  else if (string_of (payload, "iss") != NULL && !g_str_equal (iss, string_of (payload, "iss")))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "The signature's header and payload name different issuers.");
      return FALSE;
    }
  if (iss == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "The signed bundle does not say who signed it (no “iss”).");
      return FALSE;
    }
  result->iss = g_strdup (iss);
  result->kid = g_strdup (hf_jws_get_kid (jws));
  if (!hf_trust_check_iss (iss, error))
    return FALSE;

  key = hf_trust_find_key (vault, iss, result->kid,
                           (flags & HF_VERIFY_OFFLINE) ? HF_TRUST_OFFLINE : HF_TRUST_FLAGS_NONE,
                           extra_ca_file, &result->trust, &local);
  if (key == NULL)
    {
      if (!g_error_matches (local, HF_ERROR, HF_ERROR_NOT_PERMITTED) &&
          !g_error_matches (local, HF_ERROR, HF_ERROR_NETWORK))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      result->verdict = HF_VERIFY_UNTRUSTED;
      result->reason = g_strdup (local->message);
      result->reason_code = local->code;
    }
  else
    {
      if (!hf_jws_verify_es256 (jws, key, &local))
        {
          set_from_jose (error, g_steal_pointer (&local), "The signature does not check out");
          return FALSE;
        }
      result->verdict = HF_VERIFY_VALID;
    }
  if (!check_times (result, header, payload, error))
    return FALSE;
  return read_bundle (result, hf_jws_get_payload (jws), parsed ? parser : NULL, error);
}

HfVerifyResult *
hf_verify_bytes (HfVault         *vault,
                 GBytes          *bytes,
                 const HfJoseKey *jwe_key,
                 const HfSecret  *passphrase,
                 HfVerifyFlags    flags,
                 const char      *extra_ca_file,
                 GError         **error)
{
  g_autoptr(HfVerifyResult) result = g_new0 (HfVerifyResult, 1);
  gsize length;
  const guint8 *data;
  guint dots = 0;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  result->token_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (length > HF_JOSE_MAX_TOKEN)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The file is %" G_GSIZE_FORMAT " bytes; a signed bundle may be at most "
                   "%d MiB.", length, HF_JOSE_MAX_TOKEN >> 20);
      return NULL;
    }
  if (!hf_verify_is_compact (data, length))
    {
      gsize i = 0;

      while (i < length && g_ascii_isspace (data[i]))
        i++;
      if (i < length && data[i] == '{')
        {
          result->kind = HF_VERIFY_KIND_BUNDLE;
          result->verdict = HF_VERIFY_UNSIGNED;
          if (!read_bundle (result, bytes, NULL, error))
            return NULL;
          return g_steal_pointer (&result);
        }
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "This is neither a signed bundle (a compact JWS or JWE: one line of "
                           "base64url parts joined by dots) nor a FHIR Bundle.");
      return NULL;
    }
  length = trimmed_length (data, length);
  for (gsize i = 0; i < length; i++)
    dots += data[i] == '.';
  if (dots == 2)
    {
      result->kind = HF_VERIFY_KIND_JWS;
      if (!verify_jws (vault, result, (const char *) data, length, flags, extra_ca_file, error))
        return NULL;
      return g_steal_pointer (&result);
    }
  if (dots == 4)
    {
      g_autoptr(HfJwe) jwe = NULL;
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GError) local = NULL;
      const char *alg;
      const guint8 *inner;
      gsize inner_length;

      result->kind = HF_VERIFY_KIND_JWE;
      jwe = hf_jwe_parse ((const char *) data, length, &local);
      if (jwe == NULL)
        {
          set_from_jose (error, g_steal_pointer (&local), "This is not a valid encrypted bundle");
          return NULL;
        }
      alg = hf_jwe_get_alg (jwe);
      result->jwe_alg = g_strdup (alg);
      if (g_strcmp0 (alg, "ECDH-ES+A256KW") == 0 && jwe_key == NULL)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_AUTH,
                               "The bundle is encrypted to a key; give that key's JWK file "
                               "(with its private part) to open it.");
          return NULL;
        }
      if (g_strcmp0 (alg, "PBES2-HS512+A256KW") == 0 && passphrase == NULL)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_AUTH,
                               "The bundle is encrypted with a passphrase; give the passphrase "
                               "file to open it.");
          return NULL;
        }
      plain = hf_jwe_decrypt (jwe, jwe_key, passphrase, &local);
      if (plain == NULL)
        {
          set_from_jose (error, g_steal_pointer (&local), "The bundle cannot be opened");
          return NULL;
        }
      inner = g_bytes_get_data (plain, &inner_length);
      if (hf_verify_is_compact (inner, inner_length))
        {
          inner_length = trimmed_length (inner, inner_length);
          dots = 0;
          for (gsize i = 0; i < inner_length; i++)
            dots += inner[i] == '.';
          if (dots != 2)
            {
              g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                                   "The encrypted bundle holds a token that is not a signed "
                                   "bundle (JWS).");
              return NULL;
            }
          if (!verify_jws (vault, result, (const char *) inner, inner_length, flags,
                           extra_ca_file, error))
            return NULL;
          return g_steal_pointer (&result);
        }
      result->verdict = HF_VERIFY_UNSIGNED;
      if (!read_bundle (result, plain, NULL, error))
        return NULL;
      return g_steal_pointer (&result);
    }
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
               "This is not a signed bundle: it has %u parts, and a compact JWS has 3 and a "
               "JWE 5.", dots + 1);
  return NULL;
}

gboolean
hf_verify_record_import (HfVault               *vault,
                         gint64                 provenance_id,
                         const HfVerifyResult  *result,
                         GError               **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (provenance_id <= 0 || result->kind == HF_VERIFY_KIND_BUNDLE ||
      result->verdict == HF_VERIFY_UNSIGNED)
    return TRUE;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO import_signature (provenance_id, status, "
                               "kind, iss, kid, trust, reason, checked_at, token_sha256) "
                               "VALUES (?,?,?,?,?,?,?,?,?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, provenance_id);
      sqlite3_bind_text (stmt, 2, result->verdict == HF_VERIFY_VALID ? "verified" : "unverified",
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, hf_verify_kind_to_string (result->kind), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, result->iss, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, result->kid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, hf_trust_how_to_string (result->trust.how), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, result->reason, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 8, g_get_real_time ());
      sqlite3_bind_text (stmt, 9, result->token_sha256, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "recording how the bundle was verified", error);
  return TRUE;
}

void
hf_import_signature_free (HfImportSignature *signature)
{
  if (signature == NULL)
    return;
  g_free (signature->status);
  g_free (signature->iss);
  g_free (signature->kid);
  g_free (signature->trust);
  g_free (signature->reason);
  g_free (signature->kind);
  g_free (signature->card_types);
  g_free (signature->revocation);
  g_free (signature);
}

HfImportSignature *
hf_verify_lookup_record (HfVault  *vault,
                         gint64    record_id,
                         GError  **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  HfImportSignature *out = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT s.status, s.iss, s.kid, s.trust, s.reason, s.checked_at, "
                               "s.kind, s.card_types, s.revocation "
                               "FROM resource r JOIN import_signature s "
                               "ON s.provenance_id = r.source_id WHERE r.id = ?", -1, &stmt,
                           NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "reading how a bundle was verified", error);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, record_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      out = g_new0 (HfImportSignature, 1);
      out->status = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      out->iss = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      out->kid = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      out->trust = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      out->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      out->checked_at = sqlite3_column_int64 (stmt, 5);
      out->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      out->card_types = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      out->revocation = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
    }
  sqlite3_finalize (stmt);
  return out;
}

char *
hf_import_signature_describe (const HfImportSignature *signature)
{
  g_autoptr(GDateTime) t = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (signature != NULL, NULL);

  t = g_date_time_new_from_unix_utc (signature->checked_at / G_USEC_PER_SEC);
  day = t != NULL ? g_date_time_format (t, "%-d %b %Y") : g_strdup ("?");
  if (g_strcmp0 (signature->kind, "shc") == 0)
    {
      const char *trust = g_strcmp0 (signature->trust, "hand") == 0 ? "key added by hand"
                          : g_strcmp0 (signature->trust, "directory") == 0
                          ? "key from an imported issuer directory"
                          : g_strcmp0 (signature->trust, "cached") == 0 ? "key fetched earlier"
                          : g_strcmp0 (signature->trust, "fetched") == 0 ? "key fetched"
                          : "key not trusted";

      if (g_strcmp0 (signature->status, "verified") == 0)
        return g_strdup_printf ("SMART Health Card (%s) signed by %s (kid %s, %s), verified "
                                "%s. %s", signature->card_types ? signature->card_types : "?",
                                signature->iss, signature->kid, trust, day,
                                signature->revocation ? signature->revocation : "");
      return g_strdup_printf ("Unverified SMART Health Card (%s): claims to be signed by %s "
                              "(kid %s); imported unverified on %s: %s",
                              signature->card_types ? signature->card_types : "?",
                              signature->iss ? signature->iss : "no issuer",
                              signature->kid ? signature->kid : "none", day,
                              signature->reason ? signature->reason : "not checked");
    }
  if (g_strcmp0 (signature->status, "verified") == 0)
    return g_strdup_printf ("Signed by %s (kid %s), verified %s", signature->iss,
                            signature->kid, day);
  return g_strdup_printf ("Unverified signature: claims to be signed by %s (kid %s); imported "
                          "unverified on %s: %s", signature->iss ? signature->iss : "no issuer",
                          signature->kid ? signature->kid : "none", day,
                          signature->reason ? signature->reason : "not checked");
}
