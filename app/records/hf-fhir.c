/* hf-fhir.c — FHIR R4 facts: the resource types and the categories records are shown in
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The summaries are in hf-fhir-summary.c, the details in hf-fhir-describe.c, and the words
 * for datatypes both use in hf-fhir-text.c.
 */

#include "hf-fhir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hf-json-util.h"

/* Every resource type of FHIR R4 (4.0.1), sorted for bsearch. */
static const char * const resource_types[] = {
  "Account", "ActivityDefinition", "AdverseEvent", "AllergyIntolerance", "Appointment",
  "AppointmentResponse", "AuditEvent", "Basic", "Binary", "BiologicallyDerivedProduct",
  "BodyStructure", "Bundle", "CapabilityStatement", "CarePlan", "CareTeam", "CatalogEntry",
  "ChargeItem", "ChargeItemDefinition", "Claim", "ClaimResponse", "ClinicalImpression",
  "CodeSystem", "Communication", "CommunicationRequest", "CompartmentDefinition", "Composition",
  "ConceptMap", "Condition", "Consent", "Contract", "Coverage", "CoverageEligibilityRequest",
  "CoverageEligibilityResponse", "DetectedIssue", "Device", "DeviceDefinition", "DeviceMetric",
  "DeviceRequest", "DeviceUseStatement", "DiagnosticReport", "DocumentManifest",
  "DocumentReference", "EffectEvidenceSynthesis", "Encounter", "Endpoint", "EnrollmentRequest",
  "EnrollmentResponse", "EpisodeOfCare", "EventDefinition", "Evidence", "EvidenceVariable",
  "ExampleScenario", "ExplanationOfBenefit", "FamilyMemberHistory", "Flag", "Goal",
  "GraphDefinition", "Group", "GuidanceResponse", "HealthcareService", "ImagingStudy",
  "Immunization", "ImmunizationEvaluation", "ImmunizationRecommendation", "ImplementationGuide",
  "InsurancePlan", "Invoice", "Library", "Linkage", "List", "Location", "Measure",
  "MeasureReport", "Media", "Medication", "MedicationAdministration", "MedicationDispense",
  "MedicationKnowledge", "MedicationRequest", "MedicationStatement", "MedicinalProduct",
  "MedicinalProductAuthorization", "MedicinalProductContraindication",
  "MedicinalProductIndication", "MedicinalProductIngredient", "MedicinalProductInteraction",
  "MedicinalProductManufactured", "MedicinalProductPackaged", "MedicinalProductPharmaceutical",
  "MedicinalProductUndesirableEffect", "MessageDefinition", "MessageHeader", "MolecularSequence",
  "NamingSystem", "NutritionOrder", "Observation", "ObservationDefinition",
  "OperationDefinition", "OperationOutcome", "Organization", "OrganizationAffiliation",
  "Parameters", "Patient", "PaymentNotice", "PaymentReconciliation", "Person", "PlanDefinition",
  "Practitioner", "PractitionerRole", "Procedure", "Provenance", "Questionnaire",
  "QuestionnaireResponse", "RelatedPerson", "RequestGroup", "ResearchDefinition",
  "ResearchElementDefinition", "ResearchStudy", "ResearchSubject", "RiskAssessment",
  "RiskEvidenceSynthesis", "Schedule", "SearchParameter", "ServiceRequest", "Slot", "Specimen",
  "SpecimenDefinition", "StructureDefinition", "StructureMap", "Subscription", "Substance",
  "SubstanceNucleicAcid", "SubstancePolymer", "SubstanceProtein",
  "SubstanceReferenceInformation", "SubstanceSourceMaterial", "SubstanceSpecification",
  "SupplyDelivery", "SupplyRequest", "Task", "TerminologyCapabilities", "TestReport",
  "TestScript", "ValueSet", "VerificationResult", "VisionPrescription",
};

static int
compare_type (const void *key,
              const void *member)
{
  return strcmp (key, *(const char * const *) member);
}

gboolean
hf_fhir_is_resource_type (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return bsearch (name, resource_types, G_N_ELEMENTS (resource_types), sizeof (char *),
                  compare_type) != NULL;
}

static const struct { const char *id; const char *label; } categories[] = {
  { HF_CATEGORY_PROBLEMS, "Problems" },
  { HF_CATEGORY_MEDICATIONS, "Medications" },
  { HF_CATEGORY_ALLERGIES, "Allergies" },
  { HF_CATEGORY_IMMUNIZATIONS, "Immunizations" },
  { HF_CATEGORY_LAB_RESULTS, "Lab results" },
  { HF_CATEGORY_VITALS, "Vital signs" },
  { HF_CATEGORY_PROCEDURES, "Procedures" },
  { HF_CATEGORY_ENCOUNTERS, "Visits" },
  { HF_CATEGORY_DOCUMENTS, "Documents" },
  { HF_CATEGORY_CARE_PLANS, "Care plans" },
  { HF_CATEGORY_BILLING, "Insurance and billing" },
  { HF_CATEGORY_DIRECTORY, "People and places" },
  { HF_CATEGORY_OTHER, "Other" },
};

const char *
hf_fhir_category_label (const char *category)
{
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (g_strcmp0 (categories[i].id, category) == 0)
      return categories[i].label;
  return NULL;
}

gboolean
hf_fhir_is_category (const char *category)
{
  return hf_fhir_category_label (category) != NULL;
}
