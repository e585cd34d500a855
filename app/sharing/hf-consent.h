/* hf-consent.h — one consent per recipient, versioned, stored as a FHIR R4 Consent
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-vault.h"

G_BEGIN_DECLS

/* What a consent permits. Every list is a NULL-terminated, sorted, duplicate-free strv (an
 * empty one means nothing of that kind); dates are "YYYY-MM-DD" calendar days, inclusive. */
typedef struct
{
  char **categories;     /* HF_CATEGORY_* the recipient may see */
  char  *data_from;      /* records dated on or after this day, or NULL */
  char  *data_to;        /* … on or before this day, or NULL */
  char **purposes;       /* v3 PurposeOfUse codes: "TREAT", "CAREMGT", "FAMRQT", … (≥ 1) */
  char **permit_labels;  /* sensitivity labels (v3 ActCode) it permits: "PSY", "HIV", …; and
                          * "R"/"V" (v3-Confidentiality) to permit restricted records */
  char **include;        /* "Type/fhir_id" records shared although outside the categories */
  char **exclude;        /* "Type/fhir_id" records withheld although inside them */
  char  *valid_from;     /* the consent is in force from this day (NULL: from its date) */
  char  *expires;        /* … up to and including this day, or NULL for no end */
} HfConsentTerms;

void     hf_consent_terms_clear (HfConsentTerms *terms);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HfConsentTerms, hf_consent_terms_clear)

typedef struct
{
  gint64          recipient_id;
  char           *recipient;     /* the recipient's name */
  int             version;       /* 1, 2, … per recipient; every change is a new version */
  gboolean        revoked;       /* Consent.status inactive */
  gint64          date;          /* when this version was made, µs since the epoch, UTC */
  char           *performer;     /* the member who made it */
  HfRole          performer_role;
  HfConsentTerms  terms;
  char           *json;          /* the FHIR R4 Consent, as stored */
} HfConsent;

void        hf_consent_free     (HfConsent            *consent);

/* A new version (the first, or the next) for RECIPIENT. The owner may set anything; a caregiver
 * only terms within the newest version an owner made (otherwise HF_ERROR_NOT_PERMITTED, with a
 * sentence naming what the owner has not allowed); a read-only caregiver nothing. */
HfConsent  *hf_consent_set      (HfVault              *vault,
                                 const char           *recipient,
                                 const HfConsentTerms *terms,
                                 GError              **error);
/* The newest version, or NULL without an error when the recipient has none. */
HfConsent  *hf_consent_get      (HfVault              *vault,
                                 const char           *recipient,
                                 GError              **error);
/* A new version with status inactive; the earlier ones stay. */
HfConsent  *hf_consent_revoke   (HfVault              *vault,
                                 const char           *recipient,
                                 GError              **error);
GPtrArray  *hf_consent_history  (HfVault              *vault,     /* HfConsent*, oldest first */
                                 const char           *recipient,
                                 GError              **error);

/* Whether CONSENT is in force on TODAY ("YYYY-MM-DD", the patient's local day); if not, WHY is
 * set to "revoked" or "expired" or "not yet valid". */
gboolean    hf_consent_in_force (const HfConsent      *consent,
                                 const char           *today,
                                 const char          **why);
/* The consent in plain words: "Dr. Osei may see your immunizations and allergies from 2019 on,
 * for your treatment, until 31 March 2027; records about mental health are withheld." */
char       *hf_consent_describe (const HfConsent      *consent);
/* The FHIR R4 Consent for TERMS (what hf_consent_set stores), and back. */
JsonNode   *hf_consent_to_fhir  (const HfConsent      *consent);
gboolean    hf_consent_terms_from_fhir (JsonObject    *consent,
                                        HfConsentTerms *terms,
                                        GError        **error);

/* Added for issue 11 beyond the agreed header. */

/* The code system of Healthfolio's record categories in Consent.provision.code: an https URI
 * under the project's own GitHub Pages domain (the app id is io.github.healthfolio). */
#define HF_CONSENT_CATEGORY_SYSTEM "https://healthfolio.github.io/fhir/CodeSystem/category"

/* The v3 PurposeOfUse codes a consent can name, NULL-terminated, and each in plain words
 * ("TREAT" → "your treatment"); NULL for a code we do not support. */
const char * const *hf_consent_purposes     (void);
const char         *hf_consent_purpose_name (const char *code);
/* The sensitivity labels (and R, V) a consent can permit, NULL-terminated, and each in words. */
const char * const *hf_consent_labels       (void);
const char         *hf_consent_label_name   (const char *code);
/* The categories a consent can permit: every HF_CATEGORY_* but the directory (people and places
 * go with the records that refer to them), NULL-terminated. */
const char * const *hf_consent_categories   (void);

void        hf_consent_terms_copy (const HfConsentTerms *from,
                                   HfConsentTerms       *to);
/* Whether A and B say the same (lists compared as sets). */
gboolean    hf_consent_terms_equal (const HfConsentTerms *a,
                                    const HfConsentTerms *b);
/* Today in the local time zone, "YYYY-MM-DD". */
char       *hf_consent_today      (void);
/* hf_consent_describe as on TODAY ("YYYY-MM-DD"): revoked, expired or not yet valid on that day
 * say so. */
char       *hf_consent_describe_on (const HfConsent   *consent,
                                    const char        *today);
/* "Type/fhir_id" of the record with row id RECORD_ID (what `show ID` takes), for include and
 * exclude; HF_ERROR_NOT_FOUND with a sentence if there is none. */
char       *hf_consent_record_reference (HfVault     *vault,
                                         gint64       record_id,
                                         GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfConsent, hf_consent_free)

G_END_DECLS
