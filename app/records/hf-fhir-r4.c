/* hf-fhir-r4.c — whether a resource is FHIR R4, and which older version it looks like if not
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * R4 is told by its elements: every top-level member of a resource must be one its type has
 * in R4 (the generated table in hf-r4-elements.c: elements, choice elements expanded, the "_"
 * siblings of primitives, resourceType), and so must those of its contained resources. JSON
 * comments ("fhir_comments") were DSTU2's and are not R4. The check is a binary search per
 * member over a static sorted table, so it costs a few string comparisons per member.
 *
 * A resource that fails is then read for a sign of the version it is (the tells below: types,
 * elements and value shapes that STU3 or DSTU2 had and R4 does not), so that the refusal can
 * say "this looks like FHIR STU3" and what to ask for, rather than name an element alone.
 *
 * The element facts (hf_fhir_r4_element_type() and its siblings) answer from the generated
 * hf-r4-structure.c: every definition of the R4 JSON schema with each of its JSON members,
 * the definition the member's value is, whether it is an array and whether R4 requires it.
 * "Required" is the schema's own list (complex elements; the schema lists no primitive) plus
 * the choice groups R4 makes 1..1, for each of their alternatives: an element a program must
 * not remove, where an optional one may be dropped.
 */

#include "hf-fhir-r4.h"
#include "hf-fhir-r4-private.h"

#include <stdlib.h>
#include <string.h>

/* Resource types of STU3 or DSTU2 that R4 does not have. */
static const struct { const char *type; HfFhirVersion version; } type_tells[] = {
  { "BodySite", HF_FHIR_VERSION_STU3 },
  { "Conformance", HF_FHIR_VERSION_DSTU2 },
  { "DataElement", HF_FHIR_VERSION_STU3 },
  { "DeviceComponent", HF_FHIR_VERSION_STU3 },
  { "DeviceUseRequest", HF_FHIR_VERSION_DSTU2 },
  { "DiagnosticOrder", HF_FHIR_VERSION_DSTU2 },
  { "EligibilityRequest", HF_FHIR_VERSION_OLDER },
  { "EligibilityResponse", HF_FHIR_VERSION_OLDER },
  { "ExpansionProfile", HF_FHIR_VERSION_STU3 },
  { "ImagingManifest", HF_FHIR_VERSION_STU3 },
  { "ImagingObjectSelection", HF_FHIR_VERSION_DSTU2 },
  { "MedicationOrder", HF_FHIR_VERSION_DSTU2 },
  { "Order", HF_FHIR_VERSION_DSTU2 },
  { "OrderResponse", HF_FHIR_VERSION_DSTU2 },
  { "ProcedureRequest", HF_FHIR_VERSION_OLDER },
  { "ProcessRequest", HF_FHIR_VERSION_STU3 },
  { "ProcessResponse", HF_FHIR_VERSION_STU3 },
  { "ReferralRequest", HF_FHIR_VERSION_OLDER },
  { "Sequence", HF_FHIR_VERSION_STU3 },
  { "ServiceDefinition", HF_FHIR_VERSION_STU3 },
};

/* Elements that STU3 or DSTU2 had and R4 does not ("*" for every type). */
static const struct { const char *type, *element; HfFhirVersion version; } element_tells[] = {
  { "*", "fhir_comments", HF_FHIR_VERSION_DSTU2 },
  { "AllergyIntolerance", "assertedDate", HF_FHIR_VERSION_STU3 },
  { "AllergyIntolerance", "status", HF_FHIR_VERSION_DSTU2 },
  { "AllergyIntolerance", "substance", HF_FHIR_VERSION_DSTU2 },
  { "AllergyIntolerance", "reporter", HF_FHIR_VERSION_DSTU2 },
  { "CarePlan", "context", HF_FHIR_VERSION_OLDER },
  { "CarePlan", "definition", HF_FHIR_VERSION_STU3 },
  { "CarePlan", "participant", HF_FHIR_VERSION_DSTU2 },
  { "CarePlan", "support", HF_FHIR_VERSION_DSTU2 },
  { "Claim", "organization", HF_FHIR_VERSION_OLDER },
  { "Condition", "abatementBoolean", HF_FHIR_VERSION_OLDER },
  { "Condition", "assertedDate", HF_FHIR_VERSION_STU3 },
  { "Condition", "context", HF_FHIR_VERSION_STU3 },
  { "Condition", "dateRecorded", HF_FHIR_VERSION_DSTU2 },
  { "Condition", "patient", HF_FHIR_VERSION_DSTU2 },
  { "DiagnosticReport", "codedDiagnosis", HF_FHIR_VERSION_OLDER },
  { "DiagnosticReport", "context", HF_FHIR_VERSION_STU3 },
  { "DiagnosticReport", "request", HF_FHIR_VERSION_DSTU2 },
  { "Encounter", "incomingReferral", HF_FHIR_VERSION_STU3 },
  { "Encounter", "indication", HF_FHIR_VERSION_DSTU2 },
  { "Encounter", "patient", HF_FHIR_VERSION_DSTU2 },
  { "Encounter", "reason", HF_FHIR_VERSION_OLDER },
  { "Goal", "status", HF_FHIR_VERSION_OLDER },
  { "Goal", "targetDate", HF_FHIR_VERSION_DSTU2 },
  { "Immunization", "date", HF_FHIR_VERSION_OLDER },
  { "Immunization", "explanation", HF_FHIR_VERSION_OLDER },
  { "Immunization", "notGiven", HF_FHIR_VERSION_STU3 },
  { "Immunization", "practitioner", HF_FHIR_VERSION_STU3 },
  { "Immunization", "reported", HF_FHIR_VERSION_DSTU2 },
  { "Immunization", "requester", HF_FHIR_VERSION_DSTU2 },
  { "Immunization", "wasNotGiven", HF_FHIR_VERSION_DSTU2 },
  { "MedicationRequest", "context", HF_FHIR_VERSION_STU3 },
  { "MedicationRequest", "definition", HF_FHIR_VERSION_STU3 },
  { "MedicationStatement", "notTaken", HF_FHIR_VERSION_STU3 },
  { "MedicationStatement", "patient", HF_FHIR_VERSION_DSTU2 },
  { "MedicationStatement", "taken", HF_FHIR_VERSION_STU3 },
  { "MedicationStatement", "wasNotTaken", HF_FHIR_VERSION_DSTU2 },
  { "Observation", "comments", HF_FHIR_VERSION_DSTU2 },
  { "Observation", "context", HF_FHIR_VERSION_STU3 },
  { "Patient", "animal", HF_FHIR_VERSION_OLDER },
  { "Patient", "careProvider", HF_FHIR_VERSION_DSTU2 },
  { "Procedure", "context", HF_FHIR_VERSION_STU3 },
  { "Procedure", "definition", HF_FHIR_VERSION_STU3 },
  { "Procedure", "notPerformed", HF_FHIR_VERSION_OLDER },
  { "Procedure", "patient", HF_FHIR_VERSION_DSTU2 },
};

/* Elements that R4 has as an object (a CodeableConcept or a Coding) and STU3 or DSTU2 as a
 * code: the same name, a different shape. */
static const struct { const char *type, *element, *shape; HfFhirVersion version; }
shape_tells[] = {
  { "AllergyIntolerance", "clinicalStatus", "a CodeableConcept", HF_FHIR_VERSION_STU3 },
  { "AllergyIntolerance", "verificationStatus", "a CodeableConcept", HF_FHIR_VERSION_STU3 },
  { "Condition", "clinicalStatus", "a CodeableConcept", HF_FHIR_VERSION_OLDER },
  { "Condition", "verificationStatus", "a CodeableConcept", HF_FHIR_VERSION_OLDER },
  { "Encounter", "class", "a Coding", HF_FHIR_VERSION_DSTU2 },
};

static int
compare_type (const void *key,
              const void *item)
{
  return strcmp (key, ((const HfR4Type *) item)->type);
}

static int
compare_name (const void *key,
              const void *item)
{
  return strcmp (key, *(const char *const *) item);
}

const HfR4Type *
_hf_r4_type (const char *type)
{
  return bsearch (type, _hf_r4_types, _hf_r4_n_types, sizeof (HfR4Type), compare_type);
}

gboolean
hf_fhir_r4_is_type (const char *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  return _hf_r4_type (type) != NULL;
}

static gboolean
has_element (const HfR4Type *t,
             const char     *member)
{
  return bsearch (member, t->elements, t->n_elements, sizeof (char *), compare_name) != NULL;
}

gboolean
hf_fhir_r4_is_element (const char *type,
                       const char *member)
{
  const HfR4Type *t;

  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  return (t = _hf_r4_type (type)) != NULL && has_element (t, member);
}

/* Whether TYPE's identifier is one Identifier (a Bundle's, a Composition's…), not a list. */
gboolean
hf_fhir_r4_has_one_identifier (const char *type)
{
  const HfR4Type *t;

  g_return_val_if_fail (type != NULL, FALSE);

  return (t = _hf_r4_type (type)) != NULL && t->one_identifier;
}

static int
compare_definition (const void *key,
                    const void *item)
{
  return strcmp (key, ((const HfR4Definition *) item)->name);
}

static int
compare_element (const void *key,
                 const void *item)
{
  return strcmp (key, ((const HfR4Element *) item)->name);
}

const HfR4Definition *
_hf_r4_definition (const char *name)
{
  return bsearch (name, _hf_r4_definitions, _hf_r4_n_definitions, sizeof (HfR4Definition),
                  compare_definition);
}

const HfR4Element *
_hf_r4_element (const char *definition,
                const char *element)
{
  const HfR4Definition *d = _hf_r4_definition (definition);

  if (d == NULL)
    return NULL;
  return bsearch (element, d->elements, d->n_elements, sizeof (HfR4Element), compare_element);
}

/* The R4 definition ELEMENT of DEFINITION is: ("Encounter", "diagnosis") is
 * "Encounter_Diagnosis", ("Observation", "subject") is "Reference", ("Bundle_Entry",
 * "resource") is "ResourceList" (any resource). NULL for a primitive (a string, a code, a
 * date…) or an element DEFINITION does not have. */
const char *
hf_fhir_r4_element_type (const char *definition,
                         const char *element)
{
  const HfR4Element *e;

  g_return_val_if_fail (definition != NULL, NULL);
  g_return_val_if_fail (element != NULL, NULL);

  return (e = _hf_r4_element (definition, element)) != NULL ? e->type : NULL;
}

/* Whether R4 requires ELEMENT in DEFINITION (min >= 1): ("Immunization", "patient"),
 * ("Encounter_Diagnosis", "condition"), and every alternative of a 1..1 choice group
 * ("MedicationRequest", "medicationReference"). Primitives are never required here (the R4
 * schema leaves them out, since an extension in "_status" may stand in for "status"). */
gboolean
hf_fhir_r4_element_required (const char *definition,
                             const char *element)
{
  const HfR4Element *e;

  g_return_val_if_fail (definition != NULL, FALSE);
  g_return_val_if_fail (element != NULL, FALSE);

  return (e = _hf_r4_element (definition, element)) != NULL && (e->flags & HF_R4_REQUIRED);
}

/* Whether ELEMENT of DEFINITION is a JSON array in R4 ("Encounter", "diagnosis"). */
gboolean
hf_fhir_r4_element_is_array (const char *definition,
                             const char *element)
{
  const HfR4Element *e;

  g_return_val_if_fail (definition != NULL, FALSE);
  g_return_val_if_fail (element != NULL, FALSE);

  return (e = _hf_r4_element (definition, element)) != NULL && (e->flags & HF_R4_ARRAY);
}

static HfFhirVersion
element_tell (const char *type,
              const char *member)
{
  for (guint i = 0; i < G_N_ELEMENTS (element_tells); i++)
    if ((g_str_equal (element_tells[i].type, "*") || g_str_equal (element_tells[i].type, type)) &&
        g_str_equal (element_tells[i].element, member))
      return element_tells[i].version;
  return HF_FHIR_VERSION_UNKNOWN;
}

/* How sure a tell is: a single version beats "STU3 or DSTU2", which beats none. */
static guint
weight (HfFhirVersion version)
{
  return version == HF_FHIR_VERSION_STU3 || version == HF_FHIR_VERSION_DSTU2 ? 2
         : version == HF_FHIR_VERSION_OLDER ? 1 : 0;
}

static void
set_problem (HfFhirR4Problem *problem,
             const char      *type,
             const char      *member,
             const char      *shape,
             HfFhirVersion    version)
{
  g_free (problem->element);
  problem->element = member != NULL ? g_strdup_printf ("%s.%s", type, member)
                                    : g_utf8_make_valid (type, MIN (strlen (type), 64));
  problem->is_type = member == NULL;
  problem->shape = shape;
  problem->version = version;
}

gboolean
hf_fhir_r4_check (JsonObject      *resource,
                  HfFhirR4Problem *problem)
{
  const char *type;
  const HfR4Type *t;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;
  gboolean found = FALSE;

  g_return_val_if_fail (resource != NULL, FALSE);
  g_return_val_if_fail (problem != NULL, FALSE);

  node = json_object_get_member (resource, "resourceType");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return TRUE;   /* not a resource: the caller's to refuse */
  type = json_node_get_string (node);
  if ((t = _hf_r4_type (type)) == NULL)
    {
      HfFhirVersion version = HF_FHIR_VERSION_UNKNOWN;

      for (guint i = 0; i < G_N_ELEMENTS (type_tells); i++)
        if (g_str_equal (type_tells[i].type, type))
          version = type_tells[i].version;
      set_problem (problem, type, NULL, NULL, version);
      return FALSE;
    }

  /* Every member is looked at, so that the surest tell of them all is the one named. */
  json_object_iter_init (&iter, resource);
  while (json_object_iter_next (&iter, &member, &node))
    {
      HfFhirVersion version;

      if (has_element (t, member))
        continue;
      version = element_tell (type, member);
      if (!found || weight (version) > weight (problem->version))
        set_problem (problem, type, member, NULL, version);
      found = TRUE;
    }
  if (found)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (shape_tells); i++)
    if (g_str_equal (shape_tells[i].type, type) &&
        (node = json_object_get_member (resource, shape_tells[i].element)) != NULL &&
        JSON_NODE_HOLDS_VALUE (node))
      {
        set_problem (problem, type, shape_tells[i].element, shape_tells[i].shape,
                     shape_tells[i].version);
        return FALSE;
      }

  if ((node = json_object_get_member (resource, "contained")) != NULL &&
      JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *contained = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (contained); i++)
        {
          JsonNode *c = json_array_get_element (contained, i);
          if (JSON_NODE_HOLDS_OBJECT (c) && !hf_fhir_r4_check (json_node_get_object (c), problem))
            return FALSE;
        }
    }
  return TRUE;
}

const char *
hf_fhir_version_name (HfFhirVersion version)
{
  switch (version)
    {
    case HF_FHIR_VERSION_R4:
      return "R4";
    case HF_FHIR_VERSION_STU3:
      return "STU3";
    case HF_FHIR_VERSION_DSTU2:
      return "DSTU2";
    case HF_FHIR_VERSION_OLDER:
      return "STU3 or DSTU2";
    case HF_FHIR_VERSION_UNKNOWN:
    default:
      return NULL;
    }
}

/* A CapabilityStatement's (or Conformance's) fhirVersion: 4.0.x is R4; 3.0.x and the STU3
 * ballots (1.4 to 1.8) STU3; 1.0.x and older DSTU2 or before. Anything else (R4B, R5) is not
 * told here. */
HfFhirVersion
hf_fhir_version_from_number (const char *fhir_version)
{
  g_return_val_if_fail (fhir_version != NULL, HF_FHIR_VERSION_UNKNOWN);

  if (g_str_has_prefix (fhir_version, "4.0"))
    return HF_FHIR_VERSION_R4;
  if (g_str_has_prefix (fhir_version, "3.") || g_str_has_prefix (fhir_version, "1.4") ||
      g_str_has_prefix (fhir_version, "1.6") || g_str_has_prefix (fhir_version, "1.8"))
    return HF_FHIR_VERSION_STU3;
  if (g_str_has_prefix (fhir_version, "1.0") || g_str_has_prefix (fhir_version, "0."))
    return HF_FHIR_VERSION_DSTU2;
  return HF_FHIR_VERSION_UNKNOWN;
}

/* What is wrong with the resource at WHERE ("Bundle.entry[3]", "line 2", "the file"), as the
 * part of a sentence that follows "Cannot import “FILE”: ". */
char *
hf_fhir_r4_problem_sentence (const HfFhirR4Problem *problem,
                             const char            *where)
{
  const char *version = hf_fhir_version_name (problem->version);
  g_autofree char *what = NULL;

  g_return_val_if_fail (problem != NULL && problem->element != NULL, NULL);
  g_return_val_if_fail (where != NULL, NULL);

  if (problem->is_type)
    what = version != NULL
      ? g_strdup_printf ("%s is a %s, a resource type R4 does not have", where, problem->element)
      : g_strdup_printf ("%s has the resourceType “%s”, which is not a FHIR R4 resource type",
                         where, problem->element);
  else if (problem->shape != NULL)
    what = g_strdup_printf ("%s has a %s that is text, where R4 has %s", where,
                            problem->element, problem->shape);
  else
    what = g_strdup_printf ("%s has %s, which is not an R4 element", where, problem->element);
  if (version == NULL)
    return problem->is_type ? g_steal_pointer (&what)
                            : g_strdup_printf ("%s (Healthfolio reads FHIR R4 only)", what);
  return g_strdup_printf ("it looks like FHIR %s (%s); Healthfolio reads FHIR R4 only, so ask "
                          "for an R4 export", version, what);
}

void
hf_fhir_r4_problem_clear (HfFhirR4Problem *problem)
{
  g_clear_pointer (&problem->element, g_free);
  problem->is_type = FALSE;
  problem->shape = NULL;
  problem->version = HF_FHIR_VERSION_UNKNOWN;
}
