/* hf-fhir-private.h — what the summaries and the details share: datatypes in words
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-fhir.h"

G_BEGIN_DECLS

typedef struct
{
  JsonObject        *r;
  HfFhirResolveFunc  resolve;
  gpointer           data;
  HfFhirSummary     *out;
  GString           *title;
  GString           *subtitle;
  const char        *when;       /* the resource's date, as written */
} HfFhirContext;

typedef enum
{
  HF_FHIR_VALUE_NONE,
  HF_FHIR_VALUE_QUANTITY,   /* a number, shown after the name: "Weight 70 kg" */
  HF_FHIR_VALUE_WORDS,      /* words, shown after a colon: "Smoking status: Never smoker" */
} HfFhirValueKind;

void        _hf_fhir_add_concept_codes          (GString    *s,
                                                 JsonObject *cc);
char       *_hf_fhir_address_text               (JsonObject *address);
void        _hf_fhir_append_part                (GString    *s,
                                                 const char *separator,
                                                 const char *part);
int         _hf_fhir_component_rank             (JsonObject *component);
char       *_hf_fhir_components_value           (JsonArray *components);
char       *_hf_fhir_concept_code               (JsonObject *o,
                                                 const char *name);
char       *_hf_fhir_concept_codes              (JsonObject *cc);
gboolean    _hf_fhir_concept_has_code           (JsonObject *cc,
                                                 const char *code);
char       *_hf_fhir_concept_text               (JsonObject *cc);
char       *_hf_fhir_concepts_text              (JsonArray *concepts);
char       *_hf_fhir_display_date               (const char *text);
char       *_hf_fhir_dosage_phrase              (JsonObject *dosage,
                                                 const char *name);
char       *_hf_fhir_dose_text                  (JsonObject *dosage,
                                                 double     *count);
JsonObject *_hf_fhir_elem_obj                   (JsonArray *a,
                                                 guint      i);
const char *_hf_fhir_elem_str                   (JsonArray *a,
                                                 guint      i);
const char *_hf_fhir_first_date                 (JsonObject *r,
                                                 ...);
char       *_hf_fhir_format_number              (double value);
char       *_hf_fhir_human_name                 (JsonObject *name);
char       *_hf_fhir_interpretation             (JsonObject *holder,
                                                 gboolean    numeric,
                                                 double      value);
char       *_hf_fhir_join_notes                 (JsonObject *r);
guint       _hf_fhir_len                        (JsonArray *a);
char       *_hf_fhir_period_text                (JsonObject *period);
char       *_hf_fhir_quantity_text              (JsonObject  *q,
                                                 double      *value,
                                                 char       **unit_out);
char       *_hf_fhir_range_text                 (JsonObject *range);
char       *_hf_fhir_readable_date              (const char *text);
char       *_hf_fhir_reference_text             (HfFhirContext *ctx,
                                                 JsonObject    *ref);
char       *_hf_fhir_reference_text_resolved    (HfFhirContext *ctx,
                                                 JsonObject    *ref);
char       *_hf_fhir_references_text            (HfFhirContext *ctx,
                                                 JsonArray     *refs,
                                                 const char    *member);
char       *_hf_fhir_text_prefix                (const char *text,
                                                 gsize       max);
char       *_hf_fhir_sortable_date              (const char *text);
char       *_hf_fhir_timing_text                (JsonObject *dosage);
const char *_hf_fhir_type_of                    (JsonObject *r);
char       *_hf_fhir_value_text                 (JsonObject       *holder,
                                                 HfFhirValueKind  *kind,
                                                 double           *number,
                                                 char            **unit);
JsonObject *_hf_fhir_claim_total                (JsonObject *r);
const char *_hf_fhir_clinical_status            (JsonObject *r);
char       *_hf_fhir_money_text                 (JsonObject *money);
const char *_hf_fhir_observation_category_label (JsonObject *r);

/* hf-fhir-words.c: coded values in words */
const char *_hf_fhir_code_word                  (const char *system,
                                                 const char *code);
char       *_hf_fhir_empty_reason_text          (JsonObject *reason,
                                                 const char *what);
char       *_hf_fhir_narrative_text             (JsonObject *r);
const char *_hf_fhir_negation                   (JsonObject *cc);
char       *_hf_fhir_plain_text                 (const char *xhtml);
const char *_hf_fhir_status_word                (const char *code);
char       *_hf_fhir_strip_semantic_tag         (const char *text);
char       *_hf_fhir_type_words                 (const char *type);

/* hf-fhir-summary-care.c: the summaries of the clinical, care and administrative types */
gboolean    _hf_fhir_summarize_more             (HfFhirContext *ctx);
void        _hf_fhir_summarize_generic          (HfFhirContext *ctx);
void        _hf_fhir_set_primary_code           (HfFhirContext *ctx,
                                                 JsonObject    *cc);
void        _hf_fhir_add_search_text            (HfFhirContext *ctx,
                                                 GString       *notes);
/* Observations' units, test names, numbers and dates (hf-fhir-units.c, hf-fhir-loinc.c,
 * hf-fhir-date.c, hf-fhir-table.c, and the values part of hf-fhir-text.c). */
typedef enum
{
  HF_FHIR_NUMBER_TITLE,     /* at most four significant digits: "53.35" */
  HF_FHIR_NUMBER_EXACT,     /* every digit json-glib kept of the source's number: "53.3458767" */
} HfFhirNumberStyle;

GHashTable *_hf_fhir_table_load                 (const char *name);
char       *_hf_fhir_unit_display               (const char *ucum_code,
                                                 const char *unit_text);
gboolean    _hf_fhir_unit_in_table              (const char *code);
char       *_hf_fhir_quantity_unit              (JsonObject *quantity);
const char *_hf_fhir_loinc_name                 (const char *code);
const char *_hf_fhir_concept_loinc_name         (JsonObject *cc);
char       *_hf_fhir_date_for_title             (const char *fhir_date);
char       *_hf_fhir_number_text                (double            value,
                                                 HfFhirNumberStyle style);
char       *_hf_fhir_value_text_styled          (JsonObject        *holder,
                                                 HfFhirNumberStyle  style,
                                                 HfFhirValueKind   *kind,
                                                 double            *number,
                                                 char             **unit);
char       *_hf_fhir_range_text_styled          (JsonObject        *range,
                                                 HfFhirNumberStyle  style);
char       *_hf_fhir_interpretation_words       (JsonObject *holder,
                                                 gboolean    numeric,
                                                 double      value);

G_END_DECLS
