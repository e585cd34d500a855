/* hf-export.h — exports signed (JWS) and encrypted (JWE), through the accounted export
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every format is hf_disclosure_export() of the same Bundle: the consent, the policy and the
 * accounting of disclosures are the sharing layer's, and this module only turns the Bundle's
 * bytes into the file's. "jws" is a compact JWS (ES256, the vault's signing key) of exactly
 * the bytes the "fhir" format writes; "jwe" is that JWS inside a compact JWE (A256GCM), to the
 * recipient's P-256 key (ECDH-ES+A256KW) or with a passphrase (PBES2-HS512+A256KW).
 */

#pragma once

#include "hf-disclosure.h"
#include "hf-jose.h"
#include "hf-pdf.h"
#include "hf-vault.h"

G_BEGIN_DECLS

typedef enum
{
  HF_EXPORT_FHIR,
  HF_EXPORT_JWS,
  HF_EXPORT_JWE,
  HF_EXPORT_IPS,     /* the IPS 2.0.0 document of the Bundle (hf-ips.h) */
} HfExportFormat;

/* "fhir", "jws", "jwe", "ips"; FALSE for any other name. */
gboolean      hf_export_format_from_string (const char      *text,
                                            HfExportFormat  *format);
const char   *hf_export_format_to_string   (HfExportFormat   format);

/* The compact JWS of BUNDLE by KEY (its kid KID), protected header {"alg":"ES256","kid":KID,
 * "typ":"JOSE","cty":"application/fhir+json","iss":ISS,"iat":IAT} (iss and iat replicated as
 * header parameters, RFC 7519 §5.3; IAT in seconds since the epoch). */
char         *hf_export_sign               (const HfJoseKey *key,
                                            const char      *kid,
                                            const char      *iss,
                                            gint64           iat,
                                            const guint8    *bundle,
                                            gsize            length,
                                            GError         **error);
/* JWS inside a compact JWE with "cty":"JOSE" and A256GCM: to RECIPIENT (ECDH-ES+A256KW, "kid"
 * RECIPIENT_KID) when it is not NULL, else with PASSPHRASE (PBES2-HS512+A256KW, ITERATIONS: 0
 * for HF_JOSE_PBES2_ITERATIONS, and a 16-byte salt). */
char         *hf_export_encrypt            (const char      *jws,
                                            const HfJoseKey *recipient,
                                            const char      *recipient_kid,
                                            const HfSecret  *passphrase,
                                            guint            iterations,
                                            GError         **error);

/* What RECIPIENT's consent shares, exported to OUTPUT in FORMAT (see hf_disclosure_export():
 * the same consent, policy and accounting; the disclosure records FORMAT and the file's
 * SHA-256). "jws" and "jwe" need the issuer set (HF_ERROR_INVALID_INPUT, saying how, if not)
 * and make the signing key on first use. "jwe" is to the recipient's key, or with PASSPHRASE
 * when it is not NULL; a recipient without a key and no passphrase is HF_ERROR_INVALID_INPUT
 * with a sentence. PASSPHRASE is ignored by the other formats. */
HfDisclosure *hf_export                    (HfVault            *vault,
                                            const char         *recipient,
                                            const char         *today,
                                            gint64              now,
                                            const char * const *only,
                                            HfExportFormat      format,
                                            const HfSecret     *passphrase,
                                            const char         *output,
                                            HfShare           **share,
                                            GError            **error);

/* hf_export(), and when IPS is TRUE the file holds the IPS document of the Bundle
 * (hf_ips_from_bundle, made by the software for RECIPIENT) in place of the Bundle: FORMAT
 * "ips" (or "fhir") writes it as it is (the disclosure's format "ips"), "jws" signs it ("jws+ips")
 * and "jwe" signs and encrypts it ("jwe+ips"). hf_export() is this with IPS TRUE for
 * HF_EXPORT_IPS only. */
HfDisclosure *hf_export_full               (HfVault            *vault,
                                            const char         *recipient,
                                            const char         *today,
                                            gint64              now,
                                            const char * const *only,
                                            HfExportFormat      format,
                                            gboolean            ips,
                                            const HfSecret     *passphrase,
                                            const char         *output,
                                            HfShare           **share,
                                            GError            **error);

/* The printable summary (hf-pdf.h): the IPS document of what RECIPIENT's consent shares,
 * drawn as a PDF with LAYOUT, written to OUTPUT and recorded as a disclosure (format "pdf",
 * or "pdf-wallet"). QR_TEXT (or NULL): a card's "shc:/" or a link's "shlink:/" text to print
 * as a QR code on the first page. The 42 CFR Part 2 notice is printed when the share has
 * records under Part 2, and the consent in words. */
HfDisclosure *hf_export_pdf                (HfVault            *vault,
                                            const char         *recipient,
                                            const char         *today,
                                            gint64              now,
                                            const char * const *only,
                                            HfPdfLayout         layout,
                                            const char         *qr_text,
                                            const char         *output,
                                            HfShare           **share,
                                            GError            **error);

G_END_DECLS
