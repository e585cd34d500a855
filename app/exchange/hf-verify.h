/* hf-verify.h — checking a signed (and perhaps encrypted) bundle before believing it
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is one of: a compact JWS (ES256) whose payload is a FHIR Bundle, a compact JWE
 * whose plaintext is such a JWS (or a bare Bundle), or a bare FHIR Bundle (unsigned). The
 * issuer is the protected header's "iss" (or the payload's, when it is a JSON object with one
 * and the header has none); "iat", "nbf" and "exp" are checked where either carries them,
 * with HF_VERIFY_SKEW of leeway. The key is the trust store's (hf-trust.h): nothing in the
 * token itself ("jwk", "jku", "x5u", "x5c") is ever used, and hf-jose refuses such tokens.
 */

#pragma once

#include "hf-jose.h"
#include "hf-trust.h"
#include "hf-vault.h"

G_BEGIN_DECLS

#define HF_VERIFY_SKEW (5 * 60)   /* seconds */

typedef enum
{
  HF_VERIFY_OFFLINE = 1 << 0,     /* never fetch an issuer's keys */
} HfVerifyFlags;

typedef enum
{
  HF_VERIFY_KIND_JWS,
  HF_VERIFY_KIND_JWE,
  HF_VERIFY_KIND_BUNDLE,          /* a bare FHIR Bundle: unsigned */
} HfVerifyKind;

typedef enum
{
  HF_VERIFY_VALID,                /* the signature checks with a trusted key */
  HF_VERIFY_UNSIGNED,             /* no signature at all */
  HF_VERIFY_UNTRUSTED,            /* signed, but no trusted key: not checked (REASON says why) */
} HfVerifyVerdict;

typedef struct
{
  HfVerifyKind    kind;
  HfVerifyVerdict verdict;
  char           *jwe_alg;        /* for a JWE: how it was encrypted */
  char           *iss;            /* or NULL */
  char           *kid;            /* or NULL */
  gint64          iat, nbf, exp;  /* seconds since the epoch, 0 when absent */
  HfTrustSource   trust;
  char           *reason;         /* HF_VERIFY_UNTRUSTED: why, in words */
  HfError         reason_code;    /* and its code (HF_ERROR_NOT_PERMITTED, _NETWORK) */
  GBytes         *bundle;         /* the Bundle's bytes */
  guint           entries;
  GHashTable     *counts;         /* category (static) → GUINT_TO_POINTER (records) */
  char           *person_name;    /* the Bundle's Patient, or NULL */
  char           *person_birth_date;
  char           *token_sha256;   /* of the input as given */
} HfVerifyResult;

void            hf_verify_result_free    (HfVerifyResult  *result);
const char     *hf_verify_kind_to_string (HfVerifyKind     kind);      /* jws, jwe, bundle */
const char     *hf_verify_verdict_to_string (HfVerifyVerdict verdict); /* valid, unsigned,
                                                                          untrusted */

/* Whether BYTES (trailing white space aside) is one line of base64url parts joined by dots:
 * a compact JWS or JWE rather than JSON. */
gboolean        hf_verify_is_compact     (const guint8    *bytes,
                                          gsize            length);

/* Checks BYTES. A JWE is decrypted with JWE_KEY (ECDH-ES, with its private part) or
 * PASSPHRASE (PBES2) and its inner JWS verified. Refusals (no result): HF_ERROR_INTEGRITY for
 * a signature or tag that does not check out, or a token expired or not yet valid;
 * HF_ERROR_INVALID_INPUT for malformed input or a header the policy refuses; HF_ERROR_AUTH
 * for a JWE without (or with the wrong) key or passphrase. A signature whose issuer has no
 * trusted key is not a refusal: the result says HF_VERIFY_UNTRUSTED and why. EXTRA_CA_FILE:
 * see hf_trust_find_key(). */
HfVerifyResult *hf_verify_bytes          (HfVault         *vault,
                                          GBytes          *bytes,
                                          const HfJoseKey *jwe_key,
                                          const HfSecret  *passphrase,
                                          HfVerifyFlags    flags,
                                          const char      *extra_ca_file,
                                          GError         **error);

/* After importing a verified (or, asked for, unverified) signed bundle: records RESULT against
 * the import's provenance row, so that each record shows who signed it. */
gboolean        hf_verify_record_import  (HfVault               *vault,
                                          gint64                 provenance_id,
                                          const HfVerifyResult  *result,
                                          GError               **error);

typedef struct
{
  char   *status;      /* "verified" or "unverified" */
  char   *iss;
  char   *kid;
  char   *trust;       /* hand, cached, fetched, none */
  char   *reason;
  gint64  checked_at;  /* µs */
  char   *kind;        /* jws, jwe, shc (a SMART Health Card) */
  char   *card_types;  /* shc: "health-card, immunization" */
  char   *revocation;  /* shc: how revocation was checked, as a sentence */
} HfImportSignature;

void            hf_import_signature_free (HfImportSignature *signature);
/* How the import that stored record RECORD_ID (a resource row) was verified, or NULL: a plain
 * import (ERROR not set), or a failure (ERROR set). */
HfImportSignature *hf_verify_lookup_record (HfVault *vault,
                                            gint64   record_id,
                                            GError **error);
/* "Signed by ISS (kid KID), verified 1 Dec 2026" or "Unverified signature: …"; for a card
 * "SMART Health Card (health-card, immunization) signed by ISS (kid KID, key added by hand),
 * verified 1 Dec 2026. Not revoked: …". */
char           *hf_import_signature_describe (const HfImportSignature *signature);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfVerifyResult, hf_verify_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfImportSignature, hf_import_signature_free)

G_END_DECLS
