/* hf-export.c — exports signed (JWS) and encrypted (JWE), through the accounted export
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-export.h"

#include <string.h>

#include "hf-error.h"
#include "hf-consent.h"
#include "hf-ips.h"
#include "hf-pdf.h"
#include "hf-recipient.h"
#include "hf-signing.h"

static const char * const format_names[] = { "fhir", "jws", "jwe", "ips" };

gboolean
hf_export_format_from_string (const char     *text,
                              HfExportFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_strcmp0 (text, format_names[i]) == 0)
      {
        *format = (HfExportFormat) i;
        return TRUE;
      }
  return FALSE;
}

const char *
hf_export_format_to_string (HfExportFormat format)
{
  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (format_names), NULL);

  return format_names[format];
}

/* The JOSE library's refusal as an HfError a command gives an exit code for. */
static void
propagate_jose (GError  **error,
                GError   *jose)
{
  if (jose == NULL)
    return;
  if (jose->domain == HF_JOSE_ERROR)
    {
      g_set_error_literal (error, HF_ERROR, hf_jose_error_to_hf (jose), jose->message);
      g_error_free (jose);
    }
  else
    g_propagate_error (error, jose);
}

char *
hf_export_sign (const HfJoseKey *key,
                const char      *kid,
                const char      *iss,
                gint64           iat,
                const guint8    *bundle,
                gsize            length,
                GError         **error)
{
  g_autoptr(JsonObject) extra = json_object_new ();
  GError *local = NULL;
  char *jws;

  g_return_val_if_fail (key != NULL && kid != NULL && iss != NULL, NULL);

  json_object_set_string_member (extra, "typ", "JOSE");
  json_object_set_string_member (extra, "cty", "application/fhir+json");
  json_object_set_string_member (extra, "iss", iss);
  json_object_set_int_member (extra, "iat", iat);
  jws = hf_jws_sign_es256 (key, kid, extra, bundle, length, &local);
  propagate_jose (error, local);
  return jws;
}

char *
hf_export_encrypt (const char      *jws,
                   const HfJoseKey *recipient,
                   const char      *recipient_kid,
                   const HfSecret  *passphrase,
                   guint            iterations,
                   GError         **error)
{
  g_autoptr(JsonObject) extra = json_object_new ();
  GError *local = NULL;
  char *jwe;

  g_return_val_if_fail (jws != NULL, NULL);
  g_return_val_if_fail (recipient != NULL || passphrase != NULL, NULL);

  json_object_set_string_member (extra, "cty", "JOSE");
  if (recipient != NULL)
    jwe = hf_jwe_encrypt_ecdh_es (recipient, recipient_kid, extra, (const guint8 *) jws,
                                  strlen (jws), &local);
  else
    jwe = hf_jwe_encrypt_pbes2 (passphrase, iterations, extra, (const guint8 *) jws,
                                strlen (jws), &local);
  propagate_jose (error, local);
  return jwe;
}

typedef struct
{
  HfVault        *vault;
  HfExportFormat  format;
  const char     *issuer;
  gint64          iat;
  HfJoseKey      *recipient_key;    /* NULL: PASSPHRASE */
  const char     *recipient_kid;
  const HfSecret *passphrase;
  gboolean        ips;              /* the IPS document of the Bundle, not the Bundle */
  gint64          now;
  const char     *recipient;
} Encoding;

static GBytes *
encode (GBytes   *bundle,
        gpointer  data,
        GError  **error)
{
  Encoding *e = data;
  g_autoptr(GBytes) document = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *jws = NULL;
  char *jwe;
  gconstpointer bytes;
  gsize length;

  if (e->ips)
    {
      HfIpsOptions options = { e->now, NULL, e->recipient };

      document = hf_ips_from_bundle (bundle, &options, error);
      if (document == NULL)
        return NULL;
      if (e->format == HF_EXPORT_IPS)
        return g_steal_pointer (&document);
      bundle = document;
    }

  /* A token larger than hf-jose reads would be one no Healthfolio could open: a JWE is about
   * 1.8 times the Bundle (base64url twice), a JWS 1.34 times. */
  length = g_bytes_get_size (bundle);
  if ((e->format == HF_EXPORT_JWE ? length / 3 * 4 / 3 * 4 : length / 3 * 4) + 4096 >
      HF_JOSE_MAX_TOKEN)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This export is too large to sign%s (a %.0f MB Bundle; a token may be at "
                   "most %d MB); export fewer categories at a time with --only.",
                   e->format == HF_EXPORT_JWE ? " and encrypt" : "", length / 1e6,
                   HF_JOSE_MAX_TOKEN / (1024 * 1024));
      return NULL;
    }
  /* The key is fetched (or made) only now, once the consent and policy let the export go. */
  if ((key = hf_signing_key_get (e->vault, &kid, error)) == NULL)
    return NULL;
  bytes = g_bytes_get_data (bundle, &length);
  jws = hf_export_sign (key, kid, e->issuer, e->iat, bytes, length, error);
  if (jws == NULL)
    return NULL;
  if (e->format == HF_EXPORT_JWS)
    {
      length = strlen (jws);
      return g_bytes_new_take (g_steal_pointer (&jws), length);
    }
  jwe = hf_export_encrypt (jws, e->recipient_key, e->recipient_kid, e->passphrase, 0, error);
  if (jwe == NULL)
    return NULL;
  return g_bytes_new_take (jwe, strlen (jwe));
}

HfDisclosure *
hf_export (HfVault            *vault,
           const char         *recipient,
           const char         *today,
           gint64              now,
           const char * const *only,
           HfExportFormat      format,
           const HfSecret     *passphrase,
           const char         *output,
           HfShare           **share,
           GError            **error)
{
  return hf_export_full (vault, recipient, today, now, only, format, format == HF_EXPORT_IPS,
                         passphrase, output, share, error);
}

HfDisclosure *
hf_export_full (HfVault            *vault,
                const char         *recipient,
                const char         *today,
                gint64              now,
                const char * const *only,
                HfExportFormat      format,
                gboolean            ips,
                const HfSecret     *passphrase,
                const char         *output,
                HfShare           **share,
                GError            **error)
{
  g_autoptr(HfRecipient) who = NULL;
  g_autoptr(HfJoseKey) recipient_key = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *issuer = NULL;
  Encoding e = { 0 };

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL && today != NULL && output != NULL, NULL);
  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (format_names), NULL);

  if (format == HF_EXPORT_FHIR && !ips)
    return hf_disclosure_export (vault, recipient, today, now, only, "fhir", NULL, NULL, output,
                                 share, error);
  if (format == HF_EXPORT_FHIR || format == HF_EXPORT_IPS)
    {
      e.format = HF_EXPORT_IPS;
      e.ips = TRUE;
      e.now = now;
      e.recipient = recipient;
      return hf_disclosure_export (vault, recipient, today, now, only, "ips", encode, &e, output,
                                   share, error);
    }

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "share records", error))
    return NULL;
  if ((who = hf_recipient_find (vault, recipient, error)) == NULL)
    return NULL;
  issuer = hf_issuer_get (vault, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (issuer == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "Set the issuer first: healthfolio-cli issuer set https://… (the address "
                   "recipients fetch the vault's public keys from).");
      return NULL;
    }
  if (format == HF_EXPORT_JWE && passphrase == NULL)
    {
      g_autoptr(JsonNode) node = NULL;

      if (who->key_json == NULL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "%s has no key to encrypt to. Encrypt with a passphrase instead "
                       "(--passphrase-file FILE) and give it to them another way, or add them "
                       "with their public key (recipient remove, then recipient add NAME "
                       "--key JWK_FILE and consent set again).", who->name);
          return NULL;
        }
      node = json_from_string (who->key_json, &local);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                       "%s's stored key is damaged; add the recipient again with their key.",
                       who->name);
          return NULL;
        }
      recipient_key = hf_jose_key_new_from_jwk (json_node_get_object (node), &local);
      if (recipient_key == NULL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                       "%s's stored key cannot be used (%s); add the recipient again with their "
                       "key.", who->name, local->message);
          return NULL;
        }
    }

  e.vault = vault;
  e.format = format;
  e.issuer = issuer;
  e.iat = now / G_USEC_PER_SEC;
  e.recipient_key = recipient_key;
  e.recipient_kid = who->key_thumbprint;
  e.passphrase = passphrase;
  e.ips = ips;
  e.now = now;
  e.recipient = who->name;
  return hf_disclosure_export (vault, who->name, today, now, only,
                               ips ? (format == HF_EXPORT_JWS ? "jws+ips" : "jwe+ips")
                               : format_names[format], encode, &e, output, share, error);
}

typedef struct
{
  const char  *recipient;
  gint64       now;
  HfPdfOptions pdf;
} PdfEncoding;

/* The collection → its IPS document → the PDF of it. */
static GBytes *
encode_pdf (GBytes   *bundle,
            gpointer  data,
            GError  **error)
{
  PdfEncoding *e = data;
  HfIpsOptions options = { e->now, NULL, e->recipient };
  g_autoptr(GBytes) document = NULL;
  gsize length;
  const char *text = g_bytes_get_data (bundle, &length);

  /* hf_disclosure_bundle adds the notice 42 CFR §2.32 asks for under this title when a shared
   * record is under Part 2: the printed summary carries it too. */
  e->pdf.part2_notice = g_strstr_len (text, length, "Notice under 42 CFR Part 2") != NULL;
  document = hf_ips_from_bundle (bundle, &options, error);
  if (document == NULL)
    return NULL;
  return hf_pdf_from_ips (document, &e->pdf, error);
}

HfDisclosure *
hf_export_pdf (HfVault            *vault,
               const char         *recipient,
               const char         *today,
               gint64              now,
               const char * const *only,
               HfPdfLayout         layout,
               const char         *qr_text,
               const char         *output,
               HfShare           **share,
               GError            **error)
{
  g_autoptr(HfConsent) consent = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *words = NULL;
  g_autofree char *made_by = NULL;
  PdfEncoding e = { recipient, now, { 0 } };

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL && today != NULL && output != NULL, NULL);

  /* The consent in words, as the summary's first page says what it was shared under. A
   * missing one is hf_disclosure_export's to refuse. */
  consent = hf_consent_get (vault, recipient, &local);
  if (consent != NULL)
    words = hf_consent_describe_on (consent, today);
  made_by = g_strdup (hf_vault_get_member_name (vault));
  e.pdf.layout = layout;
  e.pdf.now = now;
  e.pdf.made_by = made_by;
  e.pdf.recipient = recipient;
  e.pdf.consent = words;
  e.pdf.qr_text = qr_text;
  return hf_disclosure_export (vault, recipient, today, now, only,
                               layout == HF_PDF_LAYOUT_WALLET ? "pdf-wallet" : "pdf", encode_pdf,
                               &e, output, share, error);
}
