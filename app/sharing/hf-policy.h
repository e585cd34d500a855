/* hf-policy.h — what exactly a recipient gets: the shared set, and what is withheld and why
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "hf-consent.h"
#include "hf-vault.h"

G_BEGIN_DECLS

/* Why a record is not shared. */
typedef enum
{
  HF_WITHHELD_NO_CONSENT,      /* the recipient has no consent */
  HF_WITHHELD_REVOKED,         /* … its consent was revoked */
  HF_WITHHELD_EXPIRED,         /* … its consent ended */
  HF_WITHHELD_NOT_YET_VALID,   /* … its consent is not in force yet */
  HF_WITHHELD_EXCLUDED,        /* the consent excludes this record */
  HF_WITHHELD_CATEGORY,        /* its category is not permitted */
  HF_WITHHELD_NOT_ASKED,       /* its category is permitted but was not asked for (--only) */
  HF_WITHHELD_DATE,            /* its date is outside the consent's data range */
  HF_WITHHELD_NO_DATE,         /* it has no date, and the consent has a data range */
  HF_WITHHELD_LABEL,           /* a sensitivity label the consent does not permit */
  HF_WITHHELD_NEEDS_WITHHELD,  /* R4 requires a reference to a record that is withheld */
  HF_WITHHELD_NOT_NEEDED,      /* a person, place or medication no shared record refers to */
} HfWithheldReason;

/* One record as the policy sees it (borrowed strings). Records are the vault's current shown
 * ones: not superseded, not deleted, not a linked copy. */
typedef struct
{
  gint64      id;            /* the row id (what `show ID` takes) */
  const char *type;
  const char *fhir_id;
  const char *source_key;
  const char *category;      /* HF_CATEGORY_* */
  const char *effective;     /* the resource table's sort key ("YYYY-MM-DD", "YYYY-MM", "YYYY" or
                              * "YYYY-MM-DDTHH:MM:SSZ", UTC), or NULL / "" without a date */
  const char *title;
  const char *json;          /* the resource as stored; may be NULL for a record the policy
                              * cannot share anyway (outside every permitted category), or when
                              * SKELETON is set and the share is a preview */
  gsize       json_len;
  const char *skeleton;      /* or NULL: the record's skeleton (share_fact.skeleton), which the
                              * policy decides on instead of JSON; JSON is then needed only to
                              * write the record (HF_POLICY_EXPORT) and for a date near the
                              * consent's bounds that may be written in another time zone */
  gsize       skeleton_len;
} HfPolicyRecord;

typedef struct
{
  gint64   record;
  char    *type;
  char    *fhir_id;
  char    *source_key;
  char    *category;
  char    *title;
  char   **labels;           /* effective label codes: sensitivity ones, then the confidentiality */
  gboolean part2;            /* a label under 42 CFR Part 2 */
  gboolean redacted;         /* references to withheld records were removed (and the narrative) */
  char    *full_url;         /* export only: "urn:uuid:…", name-based on source, type and id
                              * (hf_uuid_v5) */
  GString *json;             /* export only: the resource as shared, compact JSON in its stored
                              * member order and number text; every reference rewritten to its
                              * target's full_url; its labels in meta.security */
} HfShared;

typedef struct
{
  gint64            record;
  char             *type;
  char             *fhir_id;
  char             *category;
  char             *title;
  HfWithheldReason  reason;
  char             *why;     /* in words: "labelled mental health (PSY)", "needs a withheld
                              * record: Condition/123", "dated 2018-12-31, before 2019-01-01" */
} HfWithheld;

/* Records a preview did not read one by one: those of a category the consent does not share,
 * and the people and places no shared record refers to. */
typedef struct
{
  char             *category;
  HfWithheldReason  reason;            /* HF_WITHHELD_CATEGORY, _NOT_ASKED or _NOT_NEEDED, or
                                        * why no consent is in force */
  char             *why;
  guint64           count;
  GPtrArray        *titles;            /* char*: a few of them, newest first */
} HfWithheldGroup;

typedef struct
{
  char             *recipient;
  int               consent_version;   /* 0 without a consent */
  gboolean          in_force;
  HfWithheldReason  none_reason;       /* when not in force: why nothing is shared */
  GPtrArray        *shared;            /* HfShared*: by category, type, id, source */
  GPtrArray        *withheld;          /* HfWithheld*: in the same order */
  GPtrArray        *unread;            /* HfWithheldGroup*, by category: withheld records that
                                        * were not read one by one (none with
                                        * HF_POLICY_EVERY_RECORD) */
  gboolean          part2;             /* any shared record is under 42 CFR Part 2 */
  char             *confidentiality;   /* the highest of the shared records': "N", "R" or "V" */
} HfShare;

typedef enum
{
  HF_POLICY_PREVIEW = 0,
  HF_POLICY_EXPORT = 1 << 0,        /* also make HfShared.json */
  HF_POLICY_EVERY_RECORD = 1 << 1,  /* hf_share_compute: list every withheld record in
                                     * HfShare.withheld, not only those near the share */
} HfPolicyFlags;

typedef struct
{
  const HfConsent    *consent;   /* or NULL */
  const char         *recipient; /* for HfShare.recipient (the consent's when NULL) */
  const char         *today;     /* "YYYY-MM-DD", the patient's local day */
  const char * const *only;      /* NULL, or the permitted categories asked for */
  GHashTable         *labels;    /* hf_label_load_all's: row id → GStrv; absent rows are {"N"} */
  HfPolicyFlags       flags;
  /* With HF_POLICY_EXPORT: the JSON of a shared record read without it (SKELETON set), or
   * NULL (an error, which the caller keeps). Called in the order of the records' ids. */
  const char        *(*json_for) (gpointer              data,
                                  const HfPolicyRecord *record,
                                  gsize                *length);
  gpointer            json_for_data;
} HfPolicyInput;

void         hf_share_free              (HfShare              *share);

/* The policy itself, a pure function of its inputs: RECORDS (N of them) are every current
 * record of the vault. Deterministic: the same inputs give the same share, byte for byte. */
HfShare     *hf_policy_evaluate         (const HfPolicyInput  *input,
                                         const HfPolicyRecord *records,
                                         guint                 n_records);

/* The vault's records, labels and RECIPIENT's current consent through hf_policy_evaluate.
 * Needs HF_PERMISSION_READ; HF_ERROR_NOT_FOUND for an unknown recipient. ONLY (or NULL) names
 * categories to share, each of which the consent must permit (else HF_ERROR_NOT_PERMITTED with
 * a sentence naming it). The share is the same whatever FLAGS say; without
 * HF_POLICY_EVERY_RECORD only the records of the shared categories, the Patient and the people,
 * places and things they refer to are read one by one (indexed reads), and the others are
 * counted by category in HfShare.unread. */
HfShare     *hf_share_compute           (HfVault              *vault,
                                         const char           *recipient,
                                         const char           *today,
                                         const char * const   *only,
                                         HfPolicyFlags         flags,
                                         GError              **error);

/* How many records SHARE withholds: listed, and counted in its unread groups. */
guint64      hf_share_n_withheld        (const HfShare        *share);

/* "revoked", "category", … — the words of --json's "reason". */
const char  *hf_withheld_reason_to_string (HfWithheldReason    reason);

/* The patient's local day today, "YYYY-MM-DD". */
char        *hf_policy_today            (void);

/* A name-based UUID (RFC 9562 §5.5, SHA-1, version 5) of NAME in NAMESPACE, lower-case text. */
char        *hf_uuid_v5                 (const char           *namespace_uuid,
                                         const char           *name,
                                         gssize                length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShare, hf_share_free)

G_END_DECLS
