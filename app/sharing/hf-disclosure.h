/* hf-disclosure.h — exports, and the accounting of every disclosure the vault made
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An export writes the policy's share (hf-policy.h) as a FHIR R4 collection Bundle and records
 * the disclosure: when, to whom (name, kind and contact copied: the recipient may be removed
 * later), for which purposes, under which consent version, what (counts per category, and
 * every resource with the SHA-256 of its bytes in the file), the file's SHA-256 and the acting
 * member — what HIPAA §164.528 asks of an accounting. Disclosures are kept: this module has no
 * way to delete one, and the tables refuse deletes and changes, so that the accounting outlives
 * the six years the rule asks for.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-policy.h"
#include "hf-vault.h"

G_BEGIN_DECLS

typedef struct
{
  char *type;
  char *fhir_id;
  char *source_key;
  char *sha256;      /* hex, of the resource's bytes as they are in the file (its entry's
                      * "resource" value, exactly) */
} HfDisclosureItem;

typedef struct
{
  gint64      id;
  gint64      at;                 /* microseconds since the epoch, UTC */
  gint64      recipient_id;
  char       *recipient;
  char       *recipient_kind;
  char       *recipient_contact;  /* or NULL */
  char      **purposes;           /* v3 PurposeOfUse codes */
  int         consent_version;
  char       *format;             /* "fhir", "jws", "jwe" */
  char       *summary;            /* JSON: {"immunizations": 12, …}, records per category */
  char       *output_sha256;      /* hex, of the file's bytes */
  char       *bundle_id;          /* the Bundle's identifier ("urn:uuid:…") */
  char       *actor;
  guint       n_items;
  GPtrArray  *items;              /* HfDisclosureItem*, in the file's order; NULL in lists */
} HfDisclosure;

void          hf_disclosure_free      (HfDisclosure        *disclosure);

/* The Bundle of SHARE (made with HF_POLICY_EXPORT) as bytes: a FHIR R4 collection whose id and
 * identifier come from its content, TIMESTAMP (µs, UTC) its timestamp, meta.security the
 * highest confidentiality of the resources, entries in the share's order with urn:uuid
 * fullUrls, and, when a record is under 42 CFR Part 2, a DocumentReference holding the notice
 * §2.32 asks for. ITEMS (or NULL) receives an HfDisclosureItem per shared resource, BUNDLE_ID
 * (or NULL) the identifier. The same share and timestamp give the same bytes. */
GBytes       *hf_disclosure_bundle    (const HfShare       *share,
                                       gint64               timestamp,
                                       GPtrArray          **items,
                                       char               **bundle_id);

/* Turns the Bundle's bytes (BUNDLE) into the bytes of the export's file: a signed or encrypted
 * form of them. NULL with ERROR set refuses the export (nothing is written or recorded). */
typedef GBytes *(*HfDisclosureEncodeFunc) (GBytes   *bundle,
                                           gpointer  data,
                                           GError  **error);

/* Exports what RECIPIENT's current consent shares (ONLY: or just these of its categories) to
 * OUTPUT: the FHIR Bundle (hf_disclosure_bundle, NOW its timestamp and the disclosure's time)
 * as ENCODE (with DATA) turns it into the file's bytes, or the Bundle itself when ENCODE is
 * NULL; written with mode 0600 and atomically, and the disclosure recorded (FORMAT, and the
 * SHA-256 of the file's bytes) and logged in the activity log in one transaction. Every format
 * goes through here, so the same consent, policy and accounting apply to each. Needs
 * HF_PERMISSION_SHARE; no consent in force, or nothing to share, is HF_ERROR_NOT_PERMITTED with
 * a sentence. SHARE (or NULL) receives the share. */
HfDisclosure *hf_disclosure_export      (HfVault                *vault,
                                         const char             *recipient,
                                         const char             *today,
                                         gint64                  now,
                                         const char * const     *only,
                                         const char             *format,
                                         HfDisclosureEncodeFunc  encode,
                                         gpointer                data,
                                         const char             *output,
                                         HfShare               **share,
                                         GError                **error);

/* hf_disclosure_export() of the Bundle itself, format "fhir". */
HfDisclosure *hf_disclosure_export_fhir (HfVault           *vault,
                                         const char        *recipient,
                                         const char        *today,
                                         gint64             now,
                                         const char * const *only,
                                         const char        *output,
                                         HfShare          **share,
                                         GError           **error);

/* Disclosures, oldest first: to RECIPIENT only (its name as recorded, case-insensitive) or all,
 * made at or after SINCE (µs; 0 for all). Needs HF_PERMISSION_READ. */
GPtrArray    *hf_disclosure_list      (HfVault             *vault,
                                       const char          *recipient,
                                       gint64               since,
                                       GError             **error);
/* One disclosure, with its items. */
HfDisclosure *hf_disclosure_get       (HfVault             *vault,
                                       gint64               id,
                                       GError             **error);

/* Which disclosure FILE's bytes are. Not one: HF_ERROR_INTEGRITY when the file is a Bundle
 * whose identifier this vault issued but whose bytes differ (it was altered; ALTERED, if not
 * NULL, receives the disclosure it claims to be), else HF_ERROR_INVALID_INPUT. */
HfDisclosure *hf_disclosure_verify    (HfVault             *vault,
                                       GBytes              *file,
                                       HfDisclosure       **altered,
                                       GError             **error);

/* "1 December 2026 14:02 — Dr. Osei (clinician, osei@clinic.example): 12 immunizations,
 * 3 allergies, for your treatment, consent version 2, by Carla; file SHA-256 ab12…" */
char         *hf_disclosure_describe  (const HfDisclosure  *disclosure);
/* What it shared in words: "12 immunizations, 3 allergies". */
char         *hf_disclosure_describe_counts (const char    *summary);

/* A FHIR R4 collection Bundle of IHE Basic Audit Log Patterns "PrivacyDisclosure" (at the
 * source) AuditEvents, one per disclosure; PATIENT is the vault's person's name (or NULL). */
JsonNode     *hf_disclosure_audit_bundle (GPtrArray        *disclosures,
                                          const char       *patient,
                                          gint64            now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfDisclosure, hf_disclosure_free)

G_END_DECLS
