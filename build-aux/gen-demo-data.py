#!/usr/bin/env python3
# build-aux/gen-demo-data.py — writes data/demo/demo-patient.json, the demo vault's record
#
# Copyright 2026 The Healthfolio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A made-up person, Maren Holloway, with five and a half years of care: type 2 diabetes,
# high blood pressure and cholesterol, a bout of bronchitis, a sore knee. Everything is invented
# (names, places, the 555-01xx phone number, the .invalid addresses); nothing is copied from
# Synthea or any real record. The output is deterministic: run it again and nothing changes.
# The JSON is committed, so nothing is generated at build time.
#
# Usage: build-aux/gen-demo-data.py [OUTPUT]   (default: data/demo/demo-patient.json)

import base64
import json
import os
import sys
import uuid

NAMESPACE = uuid.UUID("6f1c3a52-9d0e-4b7a-8c55-1e2f3a4b5c6d")
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CVX = "http://hl7.org/fhir/sid/cvx"
UCUM = "http://unitsofmeasure.org"
OBS_CAT = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"

entries = []


def rid(kind, key):
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


def ref(kind, key, display=None):
    r = {"reference": f"urn:uuid:{rid(kind, key)}"}
    if display:
        r["display"] = display
    return r


def add(kind, key, body):
    resource = {"resourceType": kind, "id": rid(kind, key)}
    resource.update(body)
    entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    return resource


def cc(system, code, display, text=None):
    c = {"coding": [{"system": system, "code": code, "display": display}]}
    if text:
        c["text"] = text
    return c


def text_cc(text):
    return {"text": text}


def qty(value, unit, code=None):
    return {"value": value, "unit": unit, "system": UCUM, "code": code or unit}


PATIENT = ref("Patient", "maren")
GP = ref("Practitioner", "achebe")
ENDO = ref("Practitioner", "solberg")
PRACTICE = ref("Organization", "practice")
LAB = ref("Organization", "lab")

# {{{ people and places

add("Patient", "maren", {
    "identifier": [{"system": "https://demo.healthfolio.invalid/patients", "value": "EFP-20417"}],
    "name": [{"use": "official", "family": "Holloway", "given": ["Maren", "Elise"]}],
    "gender": "female",
    "birthDate": "1968-09-14",
    "telecom": [{"system": "phone", "value": "555-0142", "use": "home"},
                {"system": "email", "value": "maren.holloway@example.invalid"}],
    "address": [{"line": ["14 Alder Row"], "city": "Eastbrook", "state": "OR",
                 "postalCode": "97000", "country": "US"}],
    "communication": [{"language": cc("urn:ietf:bcp:47", "en-US", "English (United States)"),
                       "preferred": True}],
})
add("Organization", "practice", {
    "name": "Eastbrook Family Practice",
    "type": [cc("http://terminology.hl7.org/CodeSystem/organization-type", "prov",
                "Healthcare Provider")],
    "telecom": [{"system": "phone", "value": "555-0100"}],
    "address": [{"line": ["200 Mill Street"], "city": "Eastbrook", "state": "OR",
                 "postalCode": "97000"}],
})
add("Organization", "lab", {
    "name": "Riverside Laboratory",
    "type": [cc("http://terminology.hl7.org/CodeSystem/organization-type", "prov",
                "Healthcare Provider")],
    "address": [{"line": ["9 Quay Road"], "city": "Eastbrook", "state": "OR",
                 "postalCode": "97001"}],
})
add("Location", "clinic", {
    "status": "active",
    "name": "Eastbrook Family Practice, Mill Street",
    "managingOrganization": PRACTICE,
    "address": {"line": ["200 Mill Street"], "city": "Eastbrook", "state": "OR",
                "postalCode": "97000"},
})
add("Practitioner", "achebe", {
    "name": [{"family": "Achebe", "given": ["Samuel"], "prefix": ["Dr."]}],
    "qualification": [{"code": text_cc("Family physician")}],
})
add("Practitioner", "solberg", {
    "name": [{"family": "Solberg", "given": ["Ingrid"], "prefix": ["Dr."]}],
    "qualification": [{"code": text_cc("Endocrinologist")}],
})
add("PractitionerRole", "achebe", {
    "practitioner": GP, "organization": PRACTICE,
    "specialty": [text_cc("Family medicine")],
})

# }}}
# {{{ visits, with vital signs at each

# date, time, reason, weight kg, systolic, diastolic, pulse, practitioner
VISITS = [
    ("2019-03-12", "09:10", "Tiredness and thirst", 92.4, 148, 94, 82, "achebe"),
    ("2019-07-02", "10:30", "Diabetes follow-up", 91.0, 146, 92, 80, "achebe"),
    ("2019-11-19", "14:00", "Diabetes follow-up", 90.1, 144, 93, 78, "solberg"),
    ("2020-02-25", "08:45", "Blood pressure check", 89.6, 150, 95, 81, "achebe"),
    ("2020-10-06", "11:15", "Diabetes follow-up", 89.9, 138, 88, 77, "solberg"),
    ("2021-04-13", "09:40", "Diabetes follow-up", 90.8, 136, 86, 76, "achebe"),
    ("2021-11-03", "11:20", "Cough and fever", 89.2, 134, 86, 92, "achebe"),
    ("2022-05-17", "10:00", "Right knee pain", 88.0, 132, 84, 74, "achebe"),
    ("2022-10-11", "09:00", "Diabetes follow-up", 87.1, 130, 83, 73, "solberg"),
    ("2023-04-18", "13:30", "Annual check-up", 86.4, 131, 82, 72, "achebe"),
    ("2023-10-24", "15:00", "Diabetes follow-up", 85.2, 128, 81, 71, "solberg"),
    ("2024-04-10", "09:20", "Annual check-up", 84.0, 127, 80, 70, "achebe"),
]
HEIGHT_CM = 167.0


def when(date, time):
    # Pacific time: standard in winter, daylight saving from March to early November.
    month = int(date[5:7])
    offset = "-07:00" if 3 < month < 11 or (month == 3 and int(date[8:10]) > 10) else "-08:00"
    return f"{date}T{time}:00{offset}"


def later(date, time, minutes):
    h, m = int(time[:2]), int(time[3:]) + minutes
    return when(date, f"{h + m // 60:02d}:{m % 60:02d}")


def vital(key, date, time, visit, code, display, value, unit, ucum=None):
    return add("Observation", key, {
        "status": "final",
        "category": [cc(OBS_CAT, "vital-signs", "Vital Signs")],
        "code": cc(LOINC, code, display, display),
        "subject": PATIENT, "encounter": visit,
        "effectiveDateTime": when(date, time), "issued": when(date, time),
        "performer": [PRACTICE],
        "valueQuantity": qty(value, unit, ucum),
    })


for n, (date, time, reason, weight, sys_bp, dia_bp, pulse, doc) in enumerate(VISITS):
    who = GP if doc == "achebe" else ENDO
    kind = ("Encounter for check up", "185349003") if "check" in reason else \
           ("Encounter for problem", "185347001") if "Diabetes" not in reason else \
           ("Follow-up encounter", "390906007")
    visit = ref("Encounter", n)
    add("Encounter", n, {
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB",
                  "display": "ambulatory"},
        "type": [cc(SNOMED, kind[1], kind[0], kind[0])],
        "subject": PATIENT,
        "participant": [{"individual": who}],
        "period": {"start": when(date, time), "end": later(date, time, 30)},
        "reasonCode": [text_cc(reason)],
        "serviceProvider": PRACTICE,
    })
    vital(f"weight-{n}", date, time, visit, "29463-7", "Body weight", weight, "kg")
    if n == 0:
        vital("height", date, time, visit, "8302-2", "Body height", HEIGHT_CM, "cm")
    vital(f"bmi-{n}", date, time, visit, "39156-5", "Body mass index (BMI)",
          round(weight / (HEIGHT_CM / 100) ** 2, 1), "kg/m2")
    vital(f"pulse-{n}", date, time, visit, "8867-4", "Heart rate", pulse, "/min")
    add("Observation", f"bp-{n}", {
        "status": "final",
        "category": [cc(OBS_CAT, "vital-signs", "Vital Signs")],
        "code": cc(LOINC, "85354-9", "Blood pressure panel with all children optional",
                   "Blood pressure"),
        "subject": PATIENT, "encounter": visit,
        "effectiveDateTime": when(date, time), "performer": [PRACTICE],
        "component": [
            {"code": cc(LOINC, "8480-6", "Systolic blood pressure"),
             "valueQuantity": qty(sys_bp, "mmHg", "mm[Hg]"),
             "interpretation": [cc(INTERP, "H" if sys_bp >= 130 else "N",
                                   "High" if sys_bp >= 130 else "Normal")]},
            {"code": cc(LOINC, "8462-4", "Diastolic blood pressure"),
             "valueQuantity": qty(dia_bp, "mmHg", "mm[Hg]"),
             "interpretation": [cc(INTERP, "H" if dia_bp >= 80 else "N",
                                   "High" if dia_bp >= 80 else "Normal")]},
        ],
    })

# }}}
# {{{ laboratory: HbA1c at most visits, a lipid panel and kidney function once a year


def lab(key, date, time, visit, code, display, name, value, unit, low=None, high=None,
        ucum=None):
    body = {
        "status": "final",
        "category": [cc(OBS_CAT, "laboratory", "Laboratory")],
        "code": cc(LOINC, code, display, name),
        "subject": PATIENT, "encounter": visit,
        "effectiveDateTime": when(date, time), "issued": later(date, time, 180),
        "performer": [LAB],
        "valueQuantity": qty(value, unit, ucum),
    }
    rng = {}
    if low is not None:
        rng["low"] = qty(low, unit, ucum)
    if high is not None:
        rng["high"] = qty(high, unit, ucum)
    if rng:
        body["referenceRange"] = [rng]
        flag = "H" if high is not None and value > high else \
               "L" if low is not None and value < low else "N"
        body["interpretation"] = [cc(INTERP, flag, {"H": "High", "L": "Low", "N": "Normal"}[flag])]
    return add("Observation", key, body)


def report(key, date, time, visit, code, display, results, name=None, conclusion=None):
    body = {
        "status": "final",
        "category": [cc("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory")],
        "code": cc(LOINC, code, display, name or display),
        "subject": PATIENT, "encounter": visit,
        "effectiveDateTime": when(date, time), "issued": later(date, time, 180),
        "performer": [LAB],
        "result": [{"reference": f"urn:uuid:{r['id']}"} for r in results],
    }
    if conclusion:
        body["conclusion"] = conclusion
    add("DiagnosticReport", key, body)


HBA1C = [7.8, 7.1, 6.8, None, 6.9, 7.2, None, None, 6.5, 6.6, 6.3, 6.2]
for n, value in enumerate(HBA1C):
    if value is None:
        continue
    date, time = VISITS[n][0], VISITS[n][1]
    lab(f"hba1c-{n}", date, time, ref("Encounter", n), "4548-4",
        "Hemoglobin A1c/Hemoglobin.total in Blood", "HbA1c", value, "%", 4.0, 5.6)

# visit, total, LDL, HDL, triglycerides, creatinine, eGFR
ANNUAL = [
    (0, 238, 156, 41, 205, 0.82, 88),
    (4, 214, 131, 43, 198, 0.84, 86),
    (5, 192, 112, 45, 176, 0.86, 84),
    (9, 181, 98, 47, 160, 0.90, 80),
    (11, 176, 92, 49, 151, 0.92, 78),
]
for n, total, ldl, hdl, tg, creat, egfr in ANNUAL:
    date, time = VISITS[n][0], VISITS[n][1]
    visit = ref("Encounter", n)
    lipids = [
        lab(f"chol-{n}", date, time, visit, "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma",
            "Total cholesterol", total, "mg/dL", None, 200),
        lab(f"ldl-{n}", date, time, visit, "13457-7",
            "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation",
            "LDL cholesterol", ldl, "mg/dL", None, 100),
        lab(f"hdl-{n}", date, time, visit, "2085-9",
            "Cholesterol in HDL [Mass/volume] in Serum or Plasma", "HDL cholesterol", hdl, "mg/dL", 40, None),
        lab(f"tg-{n}", date, time, visit, "2571-8",
            "Triglyceride [Mass/volume] in Serum or Plasma", "Triglycerides", tg, "mg/dL", None, 150),
    ]
    report(f"lipids-{n}", date, time, visit, "57698-3",
           "Lipid panel with direct LDL - Serum or Plasma", lipids, name="Cholesterol panel")
    kidney = [
        lab(f"creat-{n}", date, time, visit, "2160-0",
            "Creatinine [Mass/volume] in Serum or Plasma", "Creatinine", creat, "mg/dL", 0.5, 1.1),
        lab(f"egfr-{n}", date, time, visit, "33914-3",
            "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or "
            "Plasma by Creatinine-based formula (MDRD)", "eGFR (kidney function)", egfr, "mL/min/1.73 m2", 60, None,
            "mL/min/{1.73_m2}"),
    ]
    report(f"kidney-{n}", date, time, visit, "24362-6", "Renal function panel - Serum or Plasma",
           kidney, name="Kidney function",
           conclusion="Kidney function within normal limits." if egfr >= 60 else None)

# A lab result the laboratory could not give.
add("Observation", "urine-albumin-2022", {
    "status": "final",
    "category": [cc(OBS_CAT, "laboratory", "Laboratory")],
    "code": cc(LOINC, "14959-1", "Microalbumin/Creatinine [Mass Ratio] in Urine",
                "Urine albumin"),
    "subject": PATIENT, "encounter": ref("Encounter", 8),
    "effectiveDateTime": when("2022-10-11", "09:00"), "performer": [LAB],
    "dataAbsentReason": cc("http://terminology.hl7.org/CodeSystem/data-absent-reason", "error",
                           "Error"),
    "note": [{"text": "Sample leaked in transport; to be repeated at the next visit."}],
})
add("Observation", "smoking", {
    "status": "final",
    "category": [cc(OBS_CAT, "social-history", "Social History")],
    "code": cc(LOINC, "72166-2", "Tobacco smoking status", "Tobacco smoking status"),
    "subject": PATIENT, "effectiveDateTime": when("2019-03-12", "09:10"),
    "valueCodeableConcept": cc(SNOMED, "8517006", "Ex-smoker", "Former smoker"),
})

# }}}
# {{{ problems, allergies, medications

add("Condition", "diabetes", {
    "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active",
                         "Active"),
    "verificationStatus": cc("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                             "confirmed", "Confirmed"),
    "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category",
                    "problem-list-item", "Problem List Item")],
    "code": cc(SNOMED, "44054006", "Diabetes mellitus type 2", "Type 2 diabetes"),
    "subject": PATIENT, "onsetDateTime": "2019-03-12", "recordedDate": "2019-03-14",
    "asserter": GP,
    "note": [{"text": "Diagnosed after an HbA1c of 7.8 %. Started on metformin."}],
})
add("Condition", "hypertension", {
    "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active",
                         "Active"),
    "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category",
                    "problem-list-item", "Problem List Item")],
    "code": cc(SNOMED, "59621000", "Essential hypertension", "High blood pressure"),
    "subject": PATIENT, "onsetDateTime": "2020-02-25", "asserter": GP,
})
add("Condition", "lipids", {
    "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active",
                         "Active"),
    "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category",
                    "problem-list-item", "Problem List Item")],
    "code": cc(SNOMED, "55822004", "Hyperlipidemia", "High cholesterol"),
    "subject": PATIENT, "onsetDateTime": "2019-03-12", "asserter": GP,
})
add("Condition", "bronchitis", {
    "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "resolved",
                         "Resolved"),
    "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category",
                    "encounter-diagnosis", "Encounter Diagnosis")],
    "code": cc(SNOMED, "10509002", "Acute bronchitis", "Acute bronchitis"),
    "subject": PATIENT, "encounter": ref("Encounter", 6),
    "onsetDateTime": "2021-10-30", "abatementDateTime": "2021-11-20",
})
add("Condition", "knee", {
    "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active",
                         "Active"),
    "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category",
                    "problem-list-item", "Problem List Item")],
    "code": cc(SNOMED, "239873007", "Osteoarthritis of knee", "Osteoarthritis, right knee"),
    "subject": PATIENT, "onsetDateTime": "2022-05-17", "asserter": GP,
})

add("AllergyIntolerance", "sulfa", {
    "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                         "active", "Active"),
    "verificationStatus": cc("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                             "confirmed", "Confirmed"),
    "type": "allergy", "category": ["medication"], "criticality": "high",
    "code": text_cc("Sulfonamide antibiotics"),
    "patient": PATIENT, "recordedDate": "2019-03-12", "recorder": GP,
    "reaction": [{"manifestation": [text_cc("Widespread rash"), text_cc("Facial swelling")],
                  "severity": "severe"}],
    "note": [{"text": "Reaction to co-trimoxazole in 1994."}],
})
add("AllergyIntolerance", "cats", {
    "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                         "active", "Active"),
    "type": "allergy", "category": ["environment"], "criticality": "low",
    "code": text_cc("Cat dander"),
    "patient": PATIENT, "recordedDate": "2019-03-12",
    "reaction": [{"manifestation": [text_cc("Sneezing"), text_cc("Itchy eyes")],
                  "severity": "mild"}],
})

add("Medication", "amoxicillin", {
    "code": cc(RXNORM, "308191", "Amoxicillin 500 MG Oral Capsule", "Amoxicillin 500 mg capsule"),
    "form": text_cc("capsule"),
})


def dosage(text, dose, unit, frequency, period=1, period_unit="d", as_needed=None, route=True):
    d = {"text": text,
         "timing": {"repeat": {"frequency": frequency, "period": period,
                               "periodUnit": period_unit}},
         "doseAndRate": [{"doseQuantity": qty(dose, unit)}]}
    if route:
        d["route"] = cc(SNOMED, "26643006", "Oral route", "by mouth")
    if as_needed:
        d["asNeededCodeableConcept"] = text_cc(as_needed)
    return [d]


def prescription(key, drug, code, date, status, dose, unit, frequency, text, reason, doc,
                 medication_ref=None, as_needed=None, end=None):
    body = {
        "status": status, "intent": "order",
        "subject": PATIENT, "authoredOn": date, "requester": doc,
        "reasonReference": [ref("Condition", reason)],
        "dosageInstruction": dosage(text, dose, unit, frequency, as_needed=as_needed),
    }
    if medication_ref:
        body["medicationReference"] = medication_ref
    else:
        body["medicationCodeableConcept"] = cc(RXNORM, code, drug, drug)
    if end:
        body["dispenseRequest"] = {"validityPeriod": {"start": date, "end": end}}
    return add("MedicationRequest", key, body)


prescription("metformin-500", "Metformin hydrochloride 500 MG Oral Tablet", "861007",
             "2019-03-14", "stopped", 500, "mg", 2, "Take one tablet twice a day with meals",
             "diabetes", GP, end="2021-04-13")
prescription("metformin-1000", "Metformin hydrochloride 1000 MG Oral Tablet", "861004",
             "2021-04-13", "active", 1000, "mg", 2, "Take one tablet twice a day with meals",
             "diabetes", ENDO)
prescription("lisinopril", "Lisinopril 10 MG Oral Tablet", "314076", "2020-02-25", "active",
             10, "mg", 1, "Take one tablet every morning", "hypertension", GP)
prescription("atorvastatin", "Atorvastatin 20 MG Oral Tablet", "617310", "2019-07-02",
             "active", 20, "mg", 1, "Take one tablet at bedtime", "lipids", GP)
prescription("amoxicillin", None, None, "2021-11-03", "completed", 500, "mg", 3,
             "One capsule three times a day for 7 days", "bronchitis", GP,
             medication_ref=ref("Medication", "amoxicillin"), end="2021-11-10")
add("MedicationStatement", "ibuprofen", {
    "status": "active",
    "medicationCodeableConcept": cc(RXNORM, "197806", "Ibuprofen 400 MG Oral Tablet",
                                    "Ibuprofen 400 mg tablet"),
    "subject": PATIENT, "effectivePeriod": {"start": "2022-05-17"},
    "dateAsserted": "2022-05-17", "informationSource": PATIENT,
    "reasonReference": [ref("Condition", "knee")],
    "dosage": dosage("One tablet up to three times a day with food, when the knee hurts",
                     400, "mg", 3, as_needed="knee pain"),
})
add("MedicationDispense", "metformin-1000-2024", {
    "status": "completed",
    "medicationCodeableConcept": cc(RXNORM, "861004", "Metformin hydrochloride 1000 MG Oral Tablet",
                                    "Metformin hydrochloride 1000 MG Oral Tablet"),
    "subject": PATIENT,
    "authorizingPrescription": [ref("MedicationRequest", "metformin-1000")],
    "quantity": {"value": 180, "unit": "tablets"},
    "daysSupply": {"value": 90, "unit": "days", "system": UCUM, "code": "d"},
    "whenHandedOver": when("2024-04-11", "12:05"),
    "dosageInstruction": dosage("Take one tablet twice a day with meals", 1000, "mg", 2),
})

# }}}
# {{{ vaccinations, procedures, plans, a letter

VACCINES = [
    ("flu-2019", "2019-10-15", "158", "influenza, injectable, quadrivalent, contains preservative"),
    ("flu-2020", "2020-10-06", "158", "influenza, injectable, quadrivalent, contains preservative"),
    ("tdap-2020", "2020-10-06", "115", "Tdap"),
    ("covid-1", "2021-04-20", "208", "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, "
     "LNP, preservative free, 30 mcg/0.3mL dose"),
    ("covid-2", "2021-05-11", "208", "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, "
     "LNP, preservative free, 30 mcg/0.3mL dose"),
    ("flu-2021", "2021-10-19", "158", "influenza, injectable, quadrivalent, contains preservative"),
    ("shingles-1", "2022-10-11", "187", "zoster vaccine recombinant"),
    ("flu-2022", "2022-10-11", "158", "influenza, injectable, quadrivalent, contains preservative"),
    ("shingles-2", "2023-04-18", "187", "zoster vaccine recombinant"),
    ("flu-2023", "2023-10-24", "158", "influenza, injectable, quadrivalent, contains preservative"),
    ("pcv20", "2023-10-24", "216", "Pneumococcal conjugate PCV20, polysaccharide CRM197 "
     "conjugate, adjuvant, PF"),
]
for n, (key, date, code, display) in enumerate(VACCINES):
    add("Immunization", key, {
        "status": "completed",
        "vaccineCode": cc(CVX, code, display),
        "patient": PATIENT, "occurrenceDateTime": date, "primarySource": True,
        "location": ref("Location", "clinic"),
        "lotNumber": f"EFP{date[2:4]}{n:03d}",
        "site": text_cc("left upper arm"),
        "performer": [{"actor": PRACTICE}],
    })

add("Procedure", "colonoscopy", {
    "status": "completed",
    "code": cc(SNOMED, "73761001", "Colonoscopy", "Colonoscopy"),
    "subject": PATIENT,
    "performedPeriod": {"start": when("2020-06-09", "08:00"), "end": when("2020-06-09", "08:40")},
    "performer": [{"actor": ref("Practitioner", "achebe")}],
    "location": ref("Location", "clinic"),
    "note": [{"text": "Screening. No polyps found; repeat in 10 years."}],
})
add("Procedure", "foot-exam-2023", {
    "status": "completed",
    "code": cc(SNOMED, "401191002", "Diabetic foot examination", "Diabetic foot examination"),
    "subject": PATIENT, "encounter": ref("Encounter", 9),
    "performedDateTime": when("2023-04-18", "13:45"),
    "performer": [{"actor": GP}],
})
add("Procedure", "eye-exam-2023", {
    "status": "completed",
    "code": text_cc("Diabetic eye screening (retinal photography)"),
    "subject": PATIENT, "performedDateTime": when("2023-06-07", "10:00"),
    "note": [{"text": "No diabetic retinopathy."}],
})
add("Procedure", "knee-xray", {
    "status": "completed",
    "code": text_cc("X-ray of the right knee"),
    "subject": PATIENT, "encounter": ref("Encounter", 7),
    "performedDateTime": when("2022-05-17", "11:10"),
    "reasonReference": [ref("Condition", "knee")],
    "note": [{"text": "Mild narrowing of the inner joint space."}],
})
add("Goal", "a1c", {
    "lifecycleStatus": "active",
    "description": text_cc("Keep HbA1c below 7 %"),
    "subject": PATIENT, "startDate": "2019-03-14",
    "target": [{"measure": cc(LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"),
                "detailQuantity": qty(7.0, "%"), "dueDate": "2024-12-31"}],
})
add("CarePlan", "diabetes", {
    "status": "active", "intent": "plan",
    "title": "Diabetes care plan",
    "category": [text_cc("Diabetes self management plan")],
    "subject": PATIENT, "period": {"start": "2019-03-14"},
    "description": "HbA1c every six months, feet and eyes once a year, a walk every day.",
    "goal": [ref("Goal", "a1c")],
    "activity": [
        {"detail": {"status": "in-progress", "code": text_cc("HbA1c test every six months")}},
        {"detail": {"status": "in-progress", "code": text_cc("Yearly foot and eye checks")}},
        {"detail": {"status": "in-progress", "code": text_cc("Walk 30 minutes a day")}},
    ],
})

LETTER = """Eastbrook Family Practice — visit summary, 10 April 2024

Patient: Maren Holloway (born 14 September 1968)
Seen by: Dr. Samuel Achebe

Your diabetes is well controlled: your HbA1c is 6.2 % (it was 7.8 % when we started in 2019).
Your blood pressure today was 127/80 and your weight 84 kg, both better than last year.
Kidney function (eGFR 78) is normal for your age; we will keep checking it once a year.

Please keep taking metformin 1000 mg twice a day, lisinopril 10 mg every morning and
atorvastatin 20 mg at bedtime. Next visit in six months, with a blood test a week before.
"""
add("DocumentReference", "summary-2024", {
    "status": "current",
    "type": cc(LOINC, "34133-9", "Summary of episode note", "Visit summary"),
    "category": [cc("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                    "clinical-note", "Clinical Note")],
    "subject": PATIENT, "date": when("2024-04-10", "10:05"),
    "author": [GP], "custodian": PRACTICE,
    "description": "Visit summary, April 2024",
    "content": [{"attachment": {
        "contentType": "text/plain; charset=utf-8",
        "language": "en",
        "title": "visit-summary-2024-04-10.txt",
        "data": base64.b64encode(LETTER.encode("utf-8")).decode("ascii"),
        "size": len(LETTER.encode("utf-8")),
        "creation": "2024-04-10",
    }}],
    "context": {"encounter": [ref("Encounter", 11)],
                "period": {"start": when("2024-04-10", "09:20")}},
})

# }}}

bundle = {
    "resourceType": "Bundle",
    "id": "healthfolio-demo",
    "meta": {"lastUpdated": "2024-04-11T12:00:00Z"},
    "type": "collection",
    "timestamp": "2024-04-11T12:00:00Z",
    "entry": entries,
}

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
output = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "data", "demo",
                                                            "demo-patient.json")
os.makedirs(os.path.dirname(output), exist_ok=True)
with open(output, "w", encoding="utf-8") as f:
    json.dump(bundle, f, ensure_ascii=False, indent=1)
    f.write("\n")
