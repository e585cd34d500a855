/* hf-shc.h — reading SMART Health Cards: checking them and importing their Bundles
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card comes as a .smart-health-card file ({"verifiableCredential":[JWS, …]}: several JWS
 * are several cards), as "shc:/" text (one QR code's content), as the chunk texts of a legacy
 * card split over several QR codes ("shc:/N/M/…"), as a bare JWS, or as a PNG image of its QR
 * code. Each JWS is checked against the SMART Health Cards framework: the JWS rules of
 * hf-jose, "zip": "DEF" (inflated under a cap), an https "iss" without a trailing "/", "nbf",
 * "vc.type" naming a health card, "credentialSubject.fhirVersion" and a FHIR Bundle; then the
 * issuer's key from the trust store (hf-trust.h), which must be an ES256 "sig" key whose kid is
 * its RFC 7638 thumbprint; then the issuer's revocation list when its key has "crlVersion";
 * then "exp".
 */

#pragma once

#include "hf-import.h"
#include "hf-trust.h"
#include "hf-verify.h"

G_BEGIN_DECLS

#define HF_SHC_ERROR (hf_shc_error_quark ())

/* A card's payload may inflate to at most this. */
#define HF_SHC_MAX_PAYLOAD   (4 * 1024 * 1024)
/* A .smart-health-card file, shc:/ text or JWS larger than this is refused unread. */
#define HF_SHC_MAX_INPUT     (16 * 1024 * 1024)
/* The most cards one file may hold, and chunks a legacy card may have. */
#define HF_SHC_MAX_CARDS     100
#define HF_SHC_MAX_CHUNKS    99
/* A legacy chunk may carry at most this many characters of the JWS (the framework's limit,
 * which keeps each QR code at version 22 or below). */
#define HF_SHC_MAX_CHUNK_JWS 1191
/* A revocation list fetched may be at most this. */
#define HF_SHC_CRL_MAX       (1024 * 1024)

/* "vc.type"'s one required member. */
#define HF_SHC_TYPE_HEALTH_CARD "https://smarthealth.cards#health-card"

/**
 * HfShcError:
 *
 * Why a card was refused: one code per reason, with a plain sentence as the message.
 * hf_shc_error_to_hf() gives the HfError (and so the exit code) a command reports it with.
 */
typedef enum
{
  HF_SHC_ERROR_MALFORMED,       /* none of a card's forms: not a file, shc:/ text, JWS or PNG */
  HF_SHC_ERROR_NUMERIC,         /* the QR digits: odd count, a pair over 77, other characters */
  HF_SHC_ERROR_CHUNKS,          /* legacy chunks: a header out of range, missing, twice, mixed */
  HF_SHC_ERROR_HEADER,          /* the JWS header policy (alg, kid, jwk, crit …) */
  HF_SHC_ERROR_ZIP,             /* no "zip": "DEF" */
  HF_SHC_ERROR_INFLATE,         /* the payload is not raw DEFLATE */
  HF_SHC_ERROR_TOO_LARGE,       /* over a cap: the input, the inflated payload, an image */
  HF_SHC_ERROR_PAYLOAD,         /* the payload is not JSON, lacks "nbf", "vc" … */
  HF_SHC_ERROR_ISSUER,          /* "iss" is not https or ends with "/" */
  HF_SHC_ERROR_NOT_HEALTH_CARD, /* "vc.type" lacks health-card, or there is no Bundle */
  HF_SHC_ERROR_KEY,             /* the issuer's key: kid not its thumbprint, use or alg wrong */
  HF_SHC_ERROR_SIGNATURE,       /* the signature does not check out (or is not r‖s) */
  HF_SHC_ERROR_REVOKED,         /* its rid is in the issuer's revocation list */
  HF_SHC_ERROR_EXPIRED,         /* past "exp" */
  HF_SHC_ERROR_NOT_YET_VALID,   /* "nbf" in the future */
  HF_SHC_ERROR_IMAGE,           /* an image that is not a PNG or holds no QR code */
  HF_SHC_ERROR_CRL,             /* a revocation list that is not one */
} HfShcError;

GQuark      hf_shc_error_quark  (void);
/* INVALID_INPUT for malformed cards, INTEGRITY for a bad signature, a revoked or expired
 * card or a key that is not what the card says. Any other domain is passed through. */
HfError     hf_shc_error_to_hf  (const GError *error);

typedef enum
{
  HF_SHC_FORM_NONE,
  HF_SHC_FORM_FILE,             /* JSON with "verifiableCredential" */
  HF_SHC_FORM_TEXT,             /* "shc:/…" */
  HF_SHC_FORM_JWS,              /* a compact JWS */
  HF_SHC_FORM_PNG,              /* the PNG signature */
} HfShcForm;

/* What DATA looks like (by its first bytes; nothing is checked). */
HfShcForm   hf_shc_sniff        (const guint8 *data,
                                 gsize         length);

/**
 * HfShcCard:
 *
 * One card read and checked. A card refused (malformed, bad signature, revoked, expired) is
 * never one of these: hf_shc_read() fails with its reason. A card whose issuer has no trusted
 * key is: verdict HF_VERIFY_UNTRUSTED, and REASON says why.
 */
typedef struct
{
  char            *jws;
  HfVerifyVerdict  verdict;         /* HF_VERIFY_VALID or HF_VERIFY_UNTRUSTED */
  char            *iss;
  char            *kid;
  gdouble          nbf;             /* seconds since the epoch (fractions allowed) */
  gdouble          exp;             /* or 0 */
  GStrv            types;           /* vc.type */
  char            *fhir_version;
  char            *rid;             /* or NULL */
  HfTrustSource    trust;
  char            *reason;          /* HF_VERIFY_UNTRUSTED: why, as a sentence */
  HfError          reason_code;
  char            *revocation;      /* how revocation was checked, as a sentence */
  GBytes          *bundle;          /* credentialSubject.fhirBundle, as JSON */
  guint            entries;
  char            *token_sha256;    /* of the JWS */
} HfShcCard;

void        hf_shc_card_free    (HfShcCard *card);
/* "health-card, immunization" (the fragments of vc.type's members). */
char       *hf_shc_card_dup_types (const HfShcCard *card);

/* The JWS that INPUTS[0..N) hold: a .smart-health-card file (all its JWS), one shc:/ text
 * (white space after it aside), the N chunk texts of one legacy card (any order), or a JWS.
 * Several inputs must all be chunks of one card, or all single texts or JWS (several cards).
 * PNG images are hf_qr_image_decode()'s. HF_SHC_ERROR_MALFORMED, _NUMERIC, _CHUNKS, _TOO_LARGE.
 * char* each. */
GPtrArray  *hf_shc_decode_inputs (GBytes * const *inputs,
                                  guint           n,
                                  GError        **error);

/* Checks one card's inflated PAYLOAD (JSON) without its signature: "iss", "nbf", "exp", "vc"
 * and its Bundle. Fills CARD's iss, nbf, exp, types, fhir_version, rid, bundle and entries. */
gboolean    hf_shc_check_payload (const guint8 *payload,
                                  gsize         length,
                                  HfShcCard    *card,
                                  GError      **error);

/* Whether JWK (one member of an issuer's key set) is what a SMART Health Card issuer's key must
 * be: "kty" "EC", "crv" "P-256", "alg" "ES256", "use" "sig", a point on the curve, and "kid"
 * its RFC 7638 thumbprint; "crlVersion", if there, a whole number from 1 (*CRL_VERSION, may
 * be NULL; 0 without). HF_SHC_ERROR_KEY, naming the fault, otherwise. */
gboolean    hf_shc_check_issuer_key (JsonObject   *jwk,
                                     gint64       *crl_version,
                                     GError      **error);

/* Reads and checks every card INPUTS[0..N) hold (see hf_shc_decode_inputs(); PNG images are
 * decoded first), in order. The issuer's keys and revocation lists come from the trust store,
 * fetched over https when missing (EXTRA_CA_FILE as hf_trust_find_key()'s), never with
 * HF_VERIFY_OFFLINE. One refused card refuses them all: the error names which.
 * HfShcCard* each. */
GPtrArray  *hf_shc_read_many    (HfVault         *vault,
                                 GBytes * const  *inputs,
                                 guint            n,
                                 HfVerifyFlags    flags,
                                 const char      *extra_ca_file,
                                 GError         **error);
/* The same for one INPUT. */
GPtrArray  *hf_shc_read         (HfVault         *vault,
                                 GBytes          *input,
                                 HfVerifyFlags    flags,
                                 const char      *extra_ca_file,
                                 GError         **error);

/* Imports the Bundles of CARDS (HfShcCard*, from hf_shc_read()) in one transaction, all or
 * nothing, each record's provenance recording the card's verification, issuer, kid, trust and
 * type. A card not verified (HF_VERIFY_UNTRUSTED) is HF_ERROR_NOT_PERMITTED unless
 * ALLOW_UNVERIFIED. NAME: what the import is shown as; ORIGIN: its source's origin (each card
 * gets ORIGIN#N when there are several). */
gboolean    hf_shc_import_cards (HfVault                *vault,
                                 GPtrArray              *cards,
                                 gboolean                allow_unverified,
                                 const char             *name,
                                 const char             *origin,
                                 const HfImportOptions  *options,
                                 HfImportResult        **out,
                                 GError                **error);

/* Stores FILE's revocation list (LENGTH bytes: {"kid", "method": "rid", "ctr", "rids"}) for
 * ISS's key KID, added by hand (HF_PERMISSION_MANAGE): it is used instead of fetching one. */
gboolean    hf_shc_add_crl      (HfVault     *vault,
                                 const char  *iss,
                                 const char  *kid,
                                 const char  *crl,
                                 gsize        length,
                                 GError     **error);

/* An issuer directory may be at most this, and list at most this many issuers. */
#define HF_SHC_MAX_DIRECTORY          (32 * 1024 * 1024)
#define HF_SHC_MAX_DIRECTORY_ISSUERS  10000

typedef struct
{
  guint      issuers;       /* listed */
  guint      with_keys;     /* of them, with usable keys */
  guint      keys;
  guint      crls;          /* revocation lists kept */
  GPtrArray *notes;         /* char*: keys and lists skipped, as phrases */
} HfShcDirectoryResult;

void        hf_shc_directory_result_free (HfShcDirectoryResult *result);

/* Imports an issuer directory (HF_PERMISSION_MANAGE), replacing the one imported before: the
 * VCI directory's snapshot ({"issuerInfo": [{"issuer": {"iss", "name"}, "keys": [JWK …],
 * "crls": […]}]}, or a bare list of such entries), or its list of participating issuers
 * ({"participating_issuers": [{"iss", "name"}]}, names without keys: their keys are fetched).
 * Its keys are then trusted (after those added by hand), as "directory", and its revocation
 * lists used. DIRECTORY: what it is shown as (its file's name). Anything else, an issuer
 * that is not https, or more than HF_SHC_MAX_DIRECTORY_ISSUERS issuers: HF_ERROR_INVALID_INPUT
 * and nothing imported. */
HfShcDirectoryResult *hf_shc_import_directory (HfVault     *vault,
                                               const char  *text,
                                               gsize        length,
                                               const char  *directory,
                                               GError     **error);

/* The directory imported last, counted into a result (its notes empty), or NULL (ERROR not
 * set) when none was; *NAME, *BY and *AT (may be NULL) say which, who imported it, and when
 * (µs). */
HfShcDirectoryResult *hf_shc_directory_summary (HfVault   *vault,
                                                char     **name,
                                                char     **by,
                                                gint64    *at,
                                                GError   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShcCard, hf_shc_card_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShcDirectoryResult, hf_shc_directory_result_free)

G_END_DECLS
