/* hf-label.h — sensitivity labels: from the rule table, from the source, from the patient
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-vault.h"

G_BEGIN_DECLS

#define HF_LABEL_SYSTEM_ACTCODE         "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define HF_LABEL_SYSTEM_CONFIDENTIALITY "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"

typedef enum
{
  HF_LABEL_FROM_TABLE,    /* a rule of data/sensitivity-labels.tsv matched one of its codes */
  HF_LABEL_FROM_SOURCE,   /* the record's own meta.security */
  HF_LABEL_FROM_MANUAL,   /* the patient added it (label add) */
  HF_LABEL_FROM_DERIVED,  /* the confidentiality implied by the others (R when labelled, else N) */
} HfLabelOrigin;

typedef struct
{
  char          *code;    /* "PSY", "ETH", … or "N"/"R"/"V" */
  char          *system;  /* HF_LABEL_SYSTEM_* */
  HfLabelOrigin  origin;
  char          *why;     /* in words: the rule and its source ("ICD-10-CM F01–F99, mental
                           * disorders (42 CFR … / HL7 DS4P)"), the member and date for a manual
                           * label, "in the record from its source" */
} HfLabel;

void        hf_label_free          (HfLabel    *label);

/* The label's plain name ("mental health"), or NULL for a code we do not know. */
const char *hf_label_name          (const char *code);
/* Whether CODE is a sensitivity label we know (the ActCode ones the table and UI offer). */
gboolean    hf_label_is_known      (const char *code);
/* Whether CODE falls under 42 CFR Part 2 (ETH, ETHUD, OPIOIDUD, SUD…). */
gboolean    hf_label_is_part2      (const char *code);

/* RECORD_ID is a resource row id (what `show ID` takes). The record's effective labels, the
 * sensitivity ones sorted by code, then exactly one confidentiality code; manual removals left
 * out (they are not labels any more). */
GPtrArray  *hf_label_list          (HfVault    *vault,      /* HfLabel* */
                                    gint64      record_id,
                                    GError    **error);
/* A manual decision about the record (kept for its later versions too: it is stored by type, id
 * and source); it wins over the table and the source. Needs HF_PERMISSION_WRITE_RECORDS;
 * logged in the activity log. */
gboolean    hf_label_add           (HfVault    *vault,
                                    gint64      record_id,
                                    const char *code,
                                    GError    **error);
gboolean    hf_label_remove        (HfVault    *vault,
                                    gint64      record_id,
                                    const char *code,
                                    GError    **error);

/* Every current record's effective labels at once, for the sharing policy: row id (gint64*,
 * g_int64_hash) → GStrv of codes, sorted, sensitivity codes then the confidentiality code; rows
 * without any label but the derived "N" are absent (read them as {"N"}). One query. */
GHashTable *hf_label_load_all      (HfVault    *vault,
                                    GError    **error);

/* The rule table's version (a content hash of data/sensitivity-labels.tsv) and whether every
 * record is labelled by it; hf_label_refresh labels again every record an older table labelled
 * (run when a vault opens with a newer table, and by `label refresh`). */
const char *hf_label_table_version (void);
gboolean    hf_label_refresh       (HfVault    *vault,
                                    guint      *n_changed,
                                    GError    **error);

/* Added by helper L (not in the agreed header; nothing above changed). */

/* The sensitivity codes hf_label_is_known() knows, NULL-terminated, sorted: what `label add`
 * and a consent offer (with N, R and V of v3-Confidentiality). */
const char * const *hf_label_known_codes (void);

/* One rule of the table, as written in data/sensitivity-labels.tsv; owned by the library. */
typedef struct
{
  const char *rule;     /* its name: "icd-mental" */
  const char *label;    /* "PSY" */
  const char *system;   /* "ICD-10-CM", "SNOMED-CT", "LOINC", "RxNorm" */
  const char *match;    /* "range" or "list" */
  const char *codes;    /* "F01-F09,F20-F69,F90-F99" */
  const char *source;   /* where it comes from */
  const char *note;     /* what the codes are, in words */
} HfLabelRule;

/* The table's rules in order (const HfLabelRule*, owned by the library; unref the array). */
GPtrArray  *hf_label_rules         (void);

/* The notice 42 CFR § 2.32 requires with a disclosure of Part 2 records (data/
 * 42cfr-part2-notice.txt without its comments; its citation is in that file). */
const char *hf_label_part2_notice  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfLabel, hf_label_free)

G_END_DECLS
