/* hf-ips.h — the International Patient Summary (IPS 2.0.0) document of what a consent shares
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IPS is made from the collection Bundle hf_disclosure_bundle() gives (only what the
 * recipient's consent shares, with the vault's person's Patient): a FHIR R4 "document" Bundle
 * whose first entry is a Composition (LOINC 60591-5) with the sections a clinician reads first.
 * The resources are copied byte for byte from the collection, so each keeps the SHA-256 the
 * disclosure recorded; only those a section holds, and what they refer to, go in.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The section LOINC codes of IPS 2.0.0, in the Composition's order. */
#define HF_IPS_SECTION_PROBLEMS      "11450-4"
#define HF_IPS_SECTION_ALLERGIES     "48765-2"
#define HF_IPS_SECTION_MEDICATIONS   "10160-0"
#define HF_IPS_SECTION_IMMUNIZATIONS "11369-6"
#define HF_IPS_SECTION_RESULTS       "30954-2"
#define HF_IPS_SECTION_PROCEDURES    "47519-4"
#define HF_IPS_SECTION_DEVICES       "46264-8"
#define HF_IPS_SECTION_VITALS        "8716-3"
#define HF_IPS_SECTION_PAST_ILLNESS  "11348-0"
#define HF_IPS_SECTION_PLAN_OF_CARE  "18776-5"
#define HF_IPS_SECTION_SOCIAL        "29762-2"
#define HF_IPS_SECTION_PREGNANCY     "10162-6"
#define HF_IPS_SECTION_DIRECTIVES    "42348-3"
#define HF_IPS_SECTION_ALERTS        "104605-1"

typedef struct
{
  gint64      now;          /* µs since the epoch: Composition.date, Bundle.timestamp */
  const char *author;       /* the acting member's name when the patient curated it, or NULL: a
                             * Device (Healthfolio) */
  const char *recipient;    /* for whom (for the narrative), or NULL */
} HfIpsOptions;

/* The IPS 2.0.0 document Bundle made from COLLECTION (the bytes hf_disclosure_bundle gives:
 * only what the consent shares, with the vault's person's Patient). Its identifier is the
 * collection's (so that "disclosures verify" knows the file). What is "current": active and
 * recurring problems (resolved ones under Past illness), active medications, allergies that
 * are not refuted or entered in error, the last value of each vital sign, result and social
 * history observation. HF_ERROR_INVALID_INPUT with a sentence when COLLECTION is no
 * collection Bundle, has no Patient or a Patient without a name. */
GBytes *hf_ips_from_bundle (GBytes             *collection,
                            const HfIpsOptions *options,
                            GError            **error);

/* For each section the IPS of COLLECTION would have (the required three always), its LOINC
 * code, its title and how many entries: an array of HfIpsSectionCount, for "share preview". */
typedef struct
{
  const char *code;     /* static */
  const char *title;    /* static */
  guint       n_entries;
} HfIpsSectionCount;

GArray *hf_ips_sections    (GBytes             *collection,
                            GError            **error);

G_END_DECLS
