/* hf-shc-make.h — SMART Health Cards made from a share: the card, its QR code, its revocation
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card is an export like the others (hf_disclosure_export(): the recipient's consent, the
 * policy and the accounting, format "shc"): the shared Bundle minified as the SMART Health
 * Cards framework asks, put in a verifiable credential, raw DEFLATEd and signed with the
 * vault's key (ES256, "zip": "DEF"). A card made with a revocation id ("rid") can be revoked
 * later; the vault then writes the revocation list its issuer publishes at
 * ISS/.well-known/crl/KID.json, and its JWKS carries that key's "crlVersion".
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-disclosure.h"
#include "hf-jose.h"
#include "hf-vault.h"

G_BEGIN_DECLS

/* The most characters a card's JWS may have to fit one QR code (version 22, error correction
 * L), as the framework says. */
#define HF_SHC_MAX_QR_JWS 1195

#define HF_SHC_TYPE_HEALTH_CARD "https://smarthealth.cards#health-card"

/* BUNDLE (a FHIR Bundle object, not changed) minified for a card: a "collection" of its
 * entries, each "fullUrl" "resource:N" (N from 0 in order), without Resource.id, meta other
 * than meta.security, the narrative ("text"), CodeableConcept.text and Coding.display; every
 * reference to an entry of the Bundle (by its fullUrl or TYPE/ID) rewritten to its
 * "resource:N", and every other reference removed (an element left empty by that goes too).
 * DROPPED (or NULL) receives how many references were removed. */
JsonNode  *hf_shc_minify_bundle   (JsonObject      *bundle,
                                   guint           *dropped);

/* NODE as compact JSON; a number as the shortest text that reads back as the same double
 * (json-glib writes 17 digits: 98.6 would be 98.599999999999994). */
char      *hf_shc_json_compact    (JsonNode        *node);

/* The card's JWS: {"iss":ISS,"nbf":NBF,"vc":{"type":[health-card],"credentialSubject":
 * {"fhirVersion":"4.0.1","fhirBundle":BUNDLE}[, "rid":RID]}} raw DEFLATEd and signed by KEY
 * (its kid KID) with the header {"alg":"ES256","kid":KID,"zip":"DEF"}. */
char      *hf_shc_sign            (const HfJoseKey *key,
                                   const char      *kid,
                                   const char      *iss,
                                   gint64           nbf,
                                   JsonNode        *bundle,
                                   const char      *rid,
                                   GError         **error);

/* The QR code's text: "shc:/" then the numeric digits of JWS. */
char      *hf_shc_qr_text         (const char      *jws,
                                   GError         **error);
/* The card's QR code as a PNG at PATH: a byte-mode "shc:/" segment, then the digits in numeric
 * mode, error correction L, version at most 22. A JWS longer than HF_SHC_MAX_QR_JWS is
 * HF_ERROR_INVALID_INPUT with a sentence that offers the other ways to hand the card on. */
gboolean   hf_shc_write_qr        (const char      *jws,
                                   const char      *path,
                                   GError         **error);
/* TEXT in byte mode, error correction M (a SMART Health Link's QR code), as a PNG at PATH. */
gboolean   hf_qr_write_text       (const char      *text,
                                   const char      *path,
                                   GError         **error);

typedef struct
{
  gint64  disclosure_id;
  char   *kid;
  char   *rid;            /* or NULL: made without one */
  gsize   jws_length;
  guint   dropped;        /* references removed by minifying */
  gboolean qr;            /* a QR code was written */
} HfShcMadeCard;

void       hf_shc_made_card_free       (HfShcMadeCard       *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShcMadeCard, hf_shc_made_card_free)

/* The revocation id of the card named IDENTITY: base64url of the first 64 bits of
 * HMAC-SHA-256 keyed by the vault's own secret (made on first use). Needs HF_PERMISSION_SHARE. */
char      *hf_shc_rid             (HfVault         *vault,
                                   const char      *identity,
                                   GError         **error);

/* What RECIPIENT's consent shares, as a card at OUTPUT (a .smart-health-card file,
 * {"verifiableCredential":[JWS]}) and, when QR is not NULL, its QR code at QR (refused, with
 * nothing written or recorded, when the card does not fit one). WITH_RID gives the card a
 * revocation id. The issuer must be set. CARD (or NULL) receives what was made. */
HfDisclosure *hf_shc_export       (HfVault            *vault,
                                   const char         *recipient,
                                   const char         *today,
                                   gint64              now,
                                   const char * const *only,
                                   const char         *output,
                                   const char         *qr,
                                   gboolean            with_rid,
                                   HfShcMadeCard         **card,
                                   GError            **error);

/* Revokes the card WHICH names: its rid, or the number of the disclosure that made it. Its
 * key's revocation list gets the rid and its counter goes up by one; when CRL_DIR is not NULL
 * the list is written to CRL_DIR/KID.json. KID (or NULL) receives the key's kid, RID the rid.
 * A card made without a rid, or one not made here, is HF_ERROR_INVALID_INPUT / NOT_FOUND with
 * a sentence. Needs HF_PERMISSION_SHARE. */
gboolean   hf_shc_revoke_card     (HfVault         *vault,
                                   const char      *which,
                                   const char      *crl_dir,
                                   gint64           now,
                                   char           **kid,
                                   char           **rid,
                                   GError         **error);
/* {"kid":KID,"method":"rid","ctr":N,"rids":[…]}: the revocation list of KID, or NULL with
 * ERROR unset when none of its cards is revoked. */
JsonNode  *hf_shc_crl             (HfVault         *vault,
                                   const char      *kid,
                                   GError         **error);

G_END_DECLS
