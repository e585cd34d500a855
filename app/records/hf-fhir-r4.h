/* hf-fhir-r4.h — whether a resource is FHIR R4, and which older version it looks like if not;
 * what R4 says of each element of a definition (its type, whether it repeats, whether it is
 * required)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  HF_FHIR_VERSION_R4,
  HF_FHIR_VERSION_UNKNOWN,   /* not R4, and nothing says which version it is */
  HF_FHIR_VERSION_STU3,
  HF_FHIR_VERSION_DSTU2,
  HF_FHIR_VERSION_OLDER,     /* STU3 or DSTU2: an element both had and R4 does not */
} HfFhirVersion;

/* Why a resource is not R4. */
typedef struct
{
  char          *element;   /* "Observation.context", or a resourceType R4 does not have */
  gboolean       is_type;   /* ELEMENT is a resourceType */
  const char    *shape;     /* NULL, or what R4 has where ELEMENT is text ("a Coding") */
  HfFhirVersion  version;   /* the version the element is a sign of */
} HfFhirR4Problem;

gboolean    hf_fhir_r4_is_type          (const char       *type);
gboolean    hf_fhir_r4_is_element       (const char       *type,
                                         const char       *member);
gboolean    hf_fhir_r4_has_one_identifier (const char     *type);
gboolean    hf_fhir_r4_check            (JsonObject       *resource,
                                         HfFhirR4Problem  *problem);
char       *hf_fhir_r4_problem_sentence (const HfFhirR4Problem *problem,
                                         const char            *where);
void        hf_fhir_r4_problem_clear    (HfFhirR4Problem  *problem);
HfFhirVersion hf_fhir_version_from_number (const char     *fhir_version);
const char *hf_fhir_version_name        (HfFhirVersion     version);

const char *hf_fhir_r4_element_type     (const char       *definition,
                                         const char       *element);
gboolean    hf_fhir_r4_element_required (const char       *definition,
                                         const char       *element);
gboolean    hf_fhir_r4_element_is_array (const char       *definition,
                                         const char       *element);

G_END_DECLS
