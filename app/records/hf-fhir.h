/* hf-fhir.h — understanding FHIR R4 resources: types, categories, patient-friendly summaries
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What a resource is about, for the timeline's filters. */
#define HF_CATEGORY_PROBLEMS      "problems"
#define HF_CATEGORY_MEDICATIONS   "medications"
#define HF_CATEGORY_ALLERGIES     "allergies"
#define HF_CATEGORY_IMMUNIZATIONS "immunizations"
#define HF_CATEGORY_LAB_RESULTS   "lab-results"
#define HF_CATEGORY_VITALS        "vitals"
#define HF_CATEGORY_PROCEDURES    "procedures"
#define HF_CATEGORY_ENCOUNTERS    "encounters"
#define HF_CATEGORY_DOCUMENTS     "documents"
#define HF_CATEGORY_CARE_PLANS    "care-plans"
#define HF_CATEGORY_BILLING       "billing"     /* insurance and claims: not in "All records" */
#define HF_CATEGORY_DIRECTORY     "directory"   /* people and places records refer to: not
                                                 * timeline records */
#define HF_CATEGORY_OTHER         "other"

/* Returns the display name of the resource REFERENCE ("Type/id") points to, or NULL. */
typedef char *(*HfFhirResolveFunc) (const char *reference,
                                    gpointer    user_data);

typedef struct
{
  const char *category;       /* one of HF_CATEGORY_*, static */
  char       *effective;      /* sortable: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC); or NULL */
  char       *date;           /* for display: the date as written, "YYYY-MM-DD"; or NULL */
  char       *status;
  char       *code_system;
  char       *code;
  char       *code_display;
  gboolean    has_value;
  double      value_num;
  char       *value_unit;
  char       *subject;        /* "Patient/id" */
  char       *context;        /* the visit it was made at: "Encounter/id" as written, or NULL */
  char       *title;          /* never NULL */
  char       *subtitle;
  char       *search_codes;   /* every coding's display and code, for full-text search */
  char       *search_notes;   /* notes and free text, for full-text search */
} HfFhirSummary;

gboolean     hf_fhir_is_resource_type   (const char         *name);
const char  *hf_fhir_category_label     (const char         *category);
gboolean     hf_fhir_is_category        (const char         *category);

void         hf_fhir_summarize          (JsonObject         *resource,
                                         HfFhirResolveFunc   resolve,
                                         gpointer            user_data,
                                         HfFhirSummary      *out);
void         hf_fhir_summary_clear      (HfFhirSummary      *summary);
/* "TITLE, DATE": one line for lists. */
char        *hf_fhir_summary_line       (const HfFhirSummary *summary);
/* The resource's own sensitivity or confidentiality label (meta.security: R, V, HIV, PSY, SUD,
 * ETH, STD, SEX, SDV, GDIS…), or NULL. Views of such records are logged. */
const char  *hf_fhir_sensitivity_label  (JsonObject         *resource);
/* The name a resource that others refer to is shown by (a Medication's, a Practitioner's). */
char        *hf_fhir_display_name       (JsonObject         *resource);

/* One line of a record's detail view: "Normal range" → "4–5.6 %". */
typedef struct
{
  char *label;
  char *value;
} HfFhirField;

void         hf_fhir_field_free         (HfFhirField        *field);
/* Everything a patient may want to read about RESOURCE, in reading order: what it is (names
 * with their codes), the result or dosage, status, dates, and who and where (references
 * resolved). Returns HfFhirField*. */
GPtrArray   *hf_fhir_describe           (JsonObject         *resource,
                                         HfFhirResolveFunc   resolve,
                                         gpointer            user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfFhirField, hf_fhir_field_free)

/* How a date reads (hf-fhir-date.c), for every list, detail, trend and window: a moment in the
 * local time zone; a date, month or year as written. SORTABLE_OR_FHIR is a record's sort key
 * ("2011-03-03T21:30:00Z") or any FHIR date, dateTime or instant. */
typedef enum
{
  HF_DATE_STYLE_DAY,        /* "2011-03-04" */
  HF_DATE_STYLE_DAY_TIME,   /* "2011-03-04 08:30"; a date only when there is no time of day */
} HfDateStyle;

char        *hf_fhir_date_format        (const char         *sortable_or_fhir,
                                         HfDateStyle         style);

G_END_DECLS
