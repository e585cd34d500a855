#!/usr/bin/env python3
# tests/fuzz/make-corpus.py — writes the fuzz targets' seed corpora from the project's fixtures
#
# Copyright 2026 The Healthfolio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/fuzz/make-corpus.py FIXTURES_DIR CLI
#   FIXTURES_DIR  the shared fixtures (r4-examples/, ips/, synthea/, bulk-ndjson/, …)
#   CLI           a built healthfolio-cli, which makes the keyring seeds
#
# Files are copied unchanged where a target reads them as they are; the HTTP scripts of the
# smart and sync targets (tests/fuzz/hf-fuzz-http.h) put fixture resources in the answers a
# server would give. corpus/PROVENANCE.md says where every seed came from. Run it again
# after changing it; it replaces corpus/*/ entirely.

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'corpus')
BASE = 'https://fhir.example.org/r4'
SEPARATOR = '\n--hf--\n'

# Small R4 examples, two or three of each type the summaries know, and every Bundle type.
R4_RESOURCES = [
    'allergyintolerance-nka.json', 'allergyintolerance-example.json',
    'careplan-example-f001-heart.json', 'careteam-example.json',
    'claim-example-pharmacy.json', 'condition-example-stroke.json',
    'condition-example-family-history.json', 'coverage-example-selfpay.json',
    'device-example.json', 'diagnosticreport-example-papsmear.json',
    'diagnosticreport-example-dxa.json', 'documentreference-example.json',
    'encounter-example.json', 'encounter-example-f201-20130404.json',
    'explanationofbenefit-example-2.json', 'goal-example.json',
    'imagingstudy-example.json', 'immunization-example-historical.json',
    'immunization-example-refused.json', 'location-example-ambulance.json',
    'medicationexample0301.json', 'medicationadministration0308.json',
    'medicationdispense0307.json', 'medicationrequest0309.json',
    'medicationrequestexample2.json', 'medicationstatementexample6.json',
    'observation-example.json', 'observation-example-bloodpressure.json',
    'observation-example-eye-color.json', 'observation-example-genetics-1.json',
    'organization-example-good-health-care.json', 'patient-example.json',
    'patient-example-chinese.json', 'person-example.json',
    'practitioner-example-f204-ce.json', 'practitionerrole-example.json',
    'procedure-example-colonoscopy.json', 'procedure-example-appendectomy-narrative.json',
    'provenance-example-cwl.json', 'questionnaireresponse-example-gcs.json',
    'relatedperson-example-peter.json', 'servicerequest-example-ft4.json',
    'specimen-example-urine.json',
]
R4_BUNDLES = [
    'bundle-example.json', 'bundle-search-warning.json', 'bundle-transaction.json',
    'bundle-response.json', 'bundle-request-medsallergies.json',
    'bundle-response-medsallergies.json', 'location-examples-general.json',
    'message-request-link.json', 'document-example-dischargesummary.json',
]


def fixture(*parts):
    return os.path.join(FIXTURES, *parts)


def read(*parts):
    with open(fixture(*parts), encoding='utf-8') as f:
        return f.read()


def ndjson_lines(name, n):
    with open(fixture('bulk-ndjson', name), encoding='utf-8') as f:
        return [json.loads(next(f)) for _ in range(n)]


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(CORPUS, target, name), 'wb') as f:
        f.write(data)


def copy(target, *parts, name=None):
    shutil.copyfile(fixture(*parts), os.path.join(CORPUS, target, name or parts[-1]))


def answer(status, body='', content_type=None, **headers):
    lines = [str(status)]
    if content_type:
        lines.append('Content-Type: ' + content_type)
    for key, value in headers.items():
        lines.append(key.replace('_', '-') + ': ' + str(value))
    body = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return '\n'.join(lines) + '\n\n' + body


def script(*answers):
    return SEPARATOR.join(answers)


def fhir(status, resource, **headers):
    return answer(status, resource, 'application/fhir+json', **headers)


def searchset(resources, next_url=None):
    bundle = {'resourceType': 'Bundle', 'type': 'searchset', 'total': len(resources),
              'entry': [{'fullUrl': BASE + '/' + r['resourceType'] + '/' + r['id'],
                         'resource': r, 'search': {'mode': 'match'}} for r in resources]}
    if next_url:
        bundle['link'] = [{'relation': 'next', 'url': next_url}]
    return bundle


# {{{ answers a server gives

# The members SMART App Launch 2.0 §Conformance defines for .well-known/smart-configuration.
SMART_V2 = {
    'issuer': BASE, 'authorization_endpoint': BASE + '/auth/authorize',
    'token_endpoint': BASE + '/auth/token', 'registration_endpoint': BASE + '/auth/register',
    'grant_types_supported': ['authorization_code', 'refresh_token'],
    'scopes_supported': ['openid', 'fhirUser', 'launch/patient', 'offline_access',
                         'patient/*.rs'],
    'response_types_supported': ['code'],
    'capabilities': ['launch-standalone', 'client-public', 'context-standalone-patient',
                     'permission-offline', 'permission-patient', 'permission-v2'],
    'code_challenge_methods_supported': ['S256'],
}
SMART_V1 = {
    'authorization_endpoint': BASE + '/auth/authorize', 'token_endpoint': BASE + '/auth/token',
    'capabilities': ['launch-standalone', 'client-public', 'permission-offline'],
}
REGISTERED = {'client_id': 'f8a6c1d2-0b7e-4d44-9a53-3d1f0e2b6c77', 'client_name': 'Healthfolio',
              'token_endpoint_auth_method': 'none', 'redirect_uris': ['http://127.0.0.1/callback']}
TOKENS = {'access_token': 'access-2', 'token_type': 'Bearer', 'expires_in': 3600,
          'refresh_token': 'refresh-2', 'scope': 'launch/patient openid patient/*.rs',
          'patient': 'example'}


def capability(types):
    """A CapabilityStatement in the shape of the R4 examples, listing TYPES by patient."""
    c = json.loads(read('r4-examples', 'capabilitystatement-phr-example.json'))
    c['fhirVersion'] = '4.0.1'
    c['rest'][0]['resource'] = [{'type': 'Patient', 'interaction': [{'code': 'read'}]}] + [
        {'type': t, 'interaction': [{'code': 'search-type'}],
         'searchParam': [{'name': 'patient', 'type': 'reference'},
                         {'name': '_lastUpdated', 'type': 'date'}]} for t in types]
    return c


def with_oauth_uris(c):
    """The SMART v1 way: the oauth-uris extension on rest.security."""
    c = json.loads(json.dumps(c))
    c['rest'][0]['security'] = {
        'service': [{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/'
                                 'restful-security-service', 'code': 'SMART-on-FHIR'}]}],
        'extension': [{'url': 'http://fhir-registry.smarthealthit.org/StructureDefinition/'
                              'oauth-uris',
                       'extension': [{'url': 'authorize', 'valueUri': BASE + '/auth/authorize'},
                                     {'url': 'token', 'valueUri': BASE + '/auth/token'},
                                     {'url': 'register', 'valueUri': BASE + '/auth/register'}]}]}
    return c


# }}}


def json_guard():
    for name in ['patient-example.json', 'observation-example.json',
                 'questionnaireresponse-example-gcs.json', 'operationoutcome-example.json',
                 'bundle-example.json', 'bundle-transaction.json', 'bundle-response.json',
                 'document-example-dischargesummary.json', 'codesystem-search-param-type.json']:
        copy('json-guard', 'r4-examples', name)
    copy('json-guard', 'ips', 'bundle-minimal.json', name='ips-bundle-minimal.json')
    copy('json-guard', 'shc', 'example-00-a-fhirBundle.json', name='shc-example-00-bundle.json')
    copy('json-guard', 'older-fhir', 'dstu2-Abernathy_Francine_55.json')
    put('json-guard', 'ndjson-patient-line.json',
        json.dumps(ndjson_lines('Patient.000.ndjson', 1)[0], ensure_ascii=False))


def fhir_summaries():
    for name in R4_RESOURCES + R4_BUNDLES:
        copy('fhir', 'r4-examples', name)
    for name in ['bundle-minimal.json', 'bundle-no-info-required-sections.json',
                 'composition-minimal.json', 'MedicationRequest-eumfh-39-07-1-request.json']:
        copy('fhir', 'ips', name, name='ips-' + name)
    copy('fhir', 'shc', 'example-02-a-fhirBundle.json', name='shc-example-02-bundle.json')
    copy('fhir', 'synthea', 'Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json',
         name='synthea-Clemente_Kreiger.json')
    for name in ['AllergyIntolerance', 'Condition', 'Immunization', 'Device', 'Location',
                 'Patient', 'Practitioner', 'PractitionerRole', 'Procedure', 'Encounter',
                 'MedicationRequest', 'Organization']:
        put('fhir', 'ndjson-' + name + '.json',
            json.dumps(ndjson_lines(name + '.000.ndjson', 1)[0], ensure_ascii=False))


# Narratives (XHTML) of R4 examples with tables, lists, <pre> and entities.
HTML_NARRATIVES = [
    'diagnosticreport-example-lipids.json', 'diagnosticreport-example-ghp.json',
    'diagnosticreport-micro1.json', 'diagnosticreport-example-lri.json',
    'composition-example.json', 'document-example-dischargesummary.json',
    'bundle-response-medsallergies.json',
]


def narratives(value):
    if isinstance(value, dict):
        if isinstance(value.get('div'), str):
            yield value['div']
        for member in value.values():
            yield from narratives(member)
    elif isinstance(value, list):
        for item in value:
            yield from narratives(item)


def html_documents():
    for name in HTML_NARRATIVES:
        longest = max(narratives(json.loads(read('r4-examples', name))), key=len)
        put('html', 'narrative-' + name.replace('.json', '.html'), longest)
    binary = json.loads(read('r4-examples', 'xds-example.json'))
    for e in binary['entry']:
        if e['resource']['resourceType'] == 'Binary':
            put('html', 'xds-binary.txt', base64.b64decode(e['resource']['data']))
    put('html', 'hostile-script.html',
        '<html><head><style>p{}</style><script>alert(1)</script></head><body><!-- c -->'
        '<p>a &amp; b &#0; &#x110000; &#27;[2J</p><script>never closed')
    put('html', 'hostile-markup.html',
        '<table><tr><td>x</td><td title="a > b">y</td></tr></table><ul><li>one<li>two</ul>'
        '<pre>\n  kept\n</pre><b attr="open>rest')
    put('html', 'hostile-bytes.html',
        b'text \x1b[31mred\x1b[0m \x1b]0;title\x07 \xe2\x80\xaertl\xe2\x80\xac \xff\xfe bad \xc3')


def importer():
    for name in ['patient-example.json', 'observation-example.json', 'bundle-example.json',
                 'bundle-transaction.json', 'bundle-response.json',
                 'bundle-response-medsallergies.json', 'document-example-dischargesummary.json',
                 'operationoutcome-example.json', 'location-examples-general.json']:
        copy('import', 'r4-examples', name)
    copy('import', 'ips', 'bundle-minimal.json', name='ips-bundle-minimal.json')
    copy('import', 'shc', 'example-01-a-fhirBundle.json', name='shc-example-01-bundle.json')
    copy('import', 'older-fhir', 'stu3-Abernathy_Francine_55.json')
    copy('import', 'older-fhir', 'dstu2-Abernathy_Francine_55.json')
    # The R4 element check: two servers in one Bundle, R4 shapes an older check refused, and
    # a resource with an element R4 does not have.
    for name in ['bundle-references.json', 'adverseevent-example.json',
                 'contract-example-42cfr-part2.json']:
        copy('import', 'r4-examples', name)
    unknown = json.loads(read('r4-examples', 'observation-example.json'))
    unknown['context'] = {'reference': 'Encounter/example'}
    put('import', 'observation-stu3-context.json', json.dumps(unknown, ensure_ascii=False))
    copy('import', 'bulk-ndjson', 'AllergyIntolerance.000.ndjson')
    copy('import', 'bulk-ndjson', 'Device.000.ndjson')
    put('import', 'Condition-5-lines.ndjson',
        ''.join(json.dumps(r, ensure_ascii=False) + '\n'
                for r in ndjson_lines('Condition.000.ndjson', 5)))
    # A history Bundle (none among the fixtures): versions of two R4 examples, one deleted.
    patient = json.loads(read('r4-examples', 'patient-example.json'))
    observation = json.loads(read('r4-examples', 'observation-example.json'))
    older = json.loads(json.dumps(patient))
    older['meta'] = {'versionId': '1', 'lastUpdated': '2012-05-29T23:45:32Z'}
    patient['meta'] = {'versionId': '2', 'lastUpdated': '2013-05-29T23:45:32Z'}
    put('import', 'history-bundle.json', json.dumps({
        'resourceType': 'Bundle', 'type': 'history', 'entry': [
            {'fullUrl': BASE + '/Patient/example', 'resource': patient,
             'request': {'method': 'PUT', 'url': 'Patient/example'},
             'response': {'status': '200', 'etag': 'W/"2"'}},
            {'fullUrl': BASE + '/Patient/example', 'resource': older,
             'request': {'method': 'POST', 'url': 'Patient'},
             'response': {'status': '201', 'etag': 'W/"1"'}},
            {'fullUrl': BASE + '/Observation/example',
             'request': {'method': 'DELETE', 'url': 'Observation/example'},
             'response': {'status': '410'}},
            {'fullUrl': BASE + '/Observation/example', 'resource': observation,
             'request': {'method': 'POST', 'url': 'Observation'},
             'response': {'status': '201'}}]}, indent=2))
    # meta.security in odd shapes (the labels observer reads it): R4's Condition f202, whose
    # own security is TBOO, with codings that are not Codings, duplicates, confidentiality codes
    # of two levels, an ICD-10-CM code the rule table matches, and a NDJSON line of it too.
    condition = json.loads(read('r4-examples', 'condition-example-f202-malignancy.json'))
    condition['meta']['security'] += [
        'HIV', 7, None, [], {}, {'code': 'HIV'}, {'system': 1, 'code': 'HIV'},
        {'system': 'http://terminology.hl7.org/CodeSystem/v3-ActCode', 'code': 'HIV',
         'display': 'HIV/AIDS information sensitivity'},
        {'system': 'http://terminology.hl7.org/CodeSystem/v3-ActCode', 'code': 'HIV'},
        {'system': 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', 'code': 'V'},
        {'system': 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', 'code': 'R'},
        {'system': 'http://terminology.hl7.org/CodeSystem/v3-ActCode', 'code': ''},
        {'system': 'http://example.org/tags', 'code': 'x' * 100},
        {'system': 'http://example.org/tags', 'code': 'VIP', 'display': {'not': 'text'}}]
    condition['code']['coding'].append({'system': 'http://hl7.org/fhir/sid/icd-10-cm',
                                        'code': 'F19.99'})
    second = json.loads(json.dumps(condition))
    second['id'] = 'f202-security-list'
    second['meta'] = {'security': {'system': 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
                                   'code': 'PSY'}}
    put('import', 'meta-security-shapes.ndjson',
        json.dumps(condition, ensure_ascii=False) + '\n' +
        json.dumps(second, ensure_ascii=False) + '\n')


def keyring(cli):
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, HF_KDF_MINIMUM='1')
        pass1, pass2 = os.path.join(d, 'p1'), os.path.join(d, 'p2')
        with open(pass1, 'w') as f:
            f.write('seed passphrase one\n')
        with open(pass2, 'w') as f:
            f.write('seed passphrase two\n')
        vault = os.path.join(d, 'seed.hfvault')
        keys = os.path.join(d, 'seed.hfkeys')

        def run(*args):
            subprocess.run([cli, '--vault', vault, '--passphrase-file', pass1] + list(args),
                           env=env, check=True, stdout=subprocess.DEVNULL)

        run('vault', 'create', '--owner', 'Ana')
        shutil.copyfile(keys, os.path.join(CORPUS, 'keyring', 'owner-and-recovery.hfkeys'))
        run('member', 'add', 'Bernd Müller', '--role', 'caregiver', '--new-passphrase-file', pass2)
        run('member', 'add', 'リナ', '--role', 'caregiver-read-only', '--new-passphrase-file', pass2)
        shutil.copyfile(keys, os.path.join(CORPUS, 'keyring', 'four-slots.hfkeys'))
        run('member', 'remove', 'リナ')
        shutil.copyfile(keys, os.path.join(CORPUS, 'keyring', 'after-rekey.hfkeys'))


def smart():
    caps = capability(['AllergyIntolerance', 'Condition', 'DocumentReference'])
    phr = json.loads(read('r4-examples', 'capabilitystatement-phr-example.json'))
    put('smart', 'v2-register-refresh.txt', script(
        answer(200, SMART_V2, 'application/json'), fhir(200, caps),
        answer(201, REGISTERED, 'application/json'), answer(200, TOKENS, 'application/json')))
    put('smart', 'v1-oauth-uris-refused.txt', script(
        answer(404, 'Not found', 'text/plain'), fhir(200, with_oauth_uris(phr)),
        answer(400, {'error': 'invalid_client_metadata'}, 'application/json'),
        answer(400, {'error': 'invalid_grant', 'error_description': 'The refresh token expired'},
               'application/json')))
    put('smart', 'v1-no-registration.txt', script(
        answer(200, SMART_V1, 'application/json;charset=utf-8'),
        fhir(200, json.loads(read('r4-examples', 'capabilitystatement-example.json'))),
        answer(200, dict(TOKENS, token_type='bearer', expires_in='soon'), 'application/json')))
    put('smart', 'capability-only.txt', script(
        answer(404, ''), fhir(200, phr)))
    put('smart', 'not-fhir.txt', script(
        answer(200, '<html>Welcome</html>', 'text/html'),
        fhir(200, json.loads(read('r4-examples', 'operationoutcome-example.json')))))
    put('smart', 'transport-failures.txt', script(answer('0 timeout')))
    put('smart', 'http-endpoints.txt', script(
        answer(200, dict(SMART_V2, token_endpoint='http://fhir.example.org/auth/token',
                         registration_endpoint='https://other.example.com/register'),
               'application/json'),
        answer(503, '', Retry_After='120'),
        answer(500, {'error': 'server_error'}, 'application/json')))


def sync():
    caps = capability(['AllergyIntolerance', 'Condition', 'DocumentReference'])
    patient = ndjson_lines('Patient.000.ndjson', 1)[0]
    patient['id'] = 'example'
    conditions = ndjson_lines('Condition.000.ndjson', 5)
    allergies = ndjson_lines('AllergyIntolerance.000.ndjson', 2)
    doc = json.loads(read('r4-examples', 'documentreference-example.json'))
    doc['content'][0]['attachment']['url'] = BASE + '/Binary/07a6483f'
    searchfail = json.loads(read('r4-examples', 'operationoutcome-example-searchfail.json'))

    put('sync', 'open-pages-retry-document.txt', 'open\n' + script(
        answer(404, 'Not found', 'text/plain'), fhir(200, caps),
        fhir(200, patient, Date='Mon, 02 Sep 2024 10:00:00 GMT'),
        fhir(429, searchfail, Retry_After='1'),
        fhir(200, searchset(conditions[:3], BASE + '/Condition?patient=example&page=2')),
        fhir(200, searchset([doc])),
        fhir(200, searchset(conditions[3:])),
        fhir(200, searchset(allergies)),
        answer(200, '<ClinicalDocument/>', 'application/hl7-v3+xml')))
    put('sync', 'smart-expired-renew.txt', 'smart expired\n' + script(
        answer(200, SMART_V2, 'application/json'), fhir(200, caps),
        answer(200, TOKENS, 'application/json'),
        fhir(401, searchfail),
        answer(200, dict(TOKENS, access_token='access-3'), 'application/json'),
        fhir(200, patient),
        fhir(200, searchset(allergies)),
        fhir(403, searchfail),
        fhir(200, searchset([]))))
    put('sync', 'smart-refused.txt', 'smart\n' + script(
        answer(200, SMART_V2, 'application/json'), fhir(200, caps),
        fhir(401, searchfail),
        answer(400, {'error': 'invalid_grant'}, 'application/json')))
    put('sync', 'open-failures.txt', 'open\n' + script(
        answer(404, ''), fhir(200, caps), fhir(200, patient),
        fhir(500, searchfail), answer(200, 'not json', 'text/plain'),
        fhir(200, searchset(conditions[:1], 'https://elsewhere.example.com/r4/Condition?page=2')),
        answer('0 reset'), fhir(503, searchfail), answer(502, ''), fhir(200, searchfail)))
    put('sync', 'open-default-types.txt', 'open\n' + script(
        answer(404, ''), fhir(200, json.loads(read('r4-examples', 'capabilitystatement-phr-example.json'))),
        fhir(200, patient), fhir(200, searchset(conditions[:2])), fhir(404, searchfail),
        fhir(200, json.loads(read('r4-examples', 'bundle-example.json')))))
    put('sync', 'open-cancelled.txt', 'open cancel\n' + script(
        answer(404, ''), fhir(200, caps), fhir(200, patient),
        fhir(200, searchset(conditions[:2], BASE + '/Condition?patient=example&page=2')),
        fhir(200, searchset(allergies)), fhir(200, searchset([doc])),
        fhir(200, searchset(conditions[2:]))))
    put('sync', 'open-patient-missing.txt', 'open\n' + script(
        answer(404, ''), fhir(200, caps), fhir(404, searchfail)))


# RFC 7517 Appendix A.1's public EC key and A.2's private part of it, and A.1's RSA key: a key
# taken, and the kinds refused.
RFC7517_EC = {'kty': 'EC', 'crv': 'P-256', 'x': 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4',
              'y': '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM', 'use': 'enc', 'kid': '1'}
RFC7517_RSA = {
    'kty': 'RSA',
    'n': '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tS'
         'oc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65'
         'YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyr'
         'dkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzK'
         'nqDKgw',
    'e': 'AQAB', 'alg': 'RS256', 'kid': '2011-04-29'}


def consent():
    for name in sorted(os.listdir(fixture('r4-examples'))):
        if name.startswith('consent-example'):
            copy('consent', 'r4-examples', name)
    put('consent', 'jwk-rfc7517-ec.json', json.dumps(RFC7517_EC))
    put('consent', 'jwk-rfc7517-ec-private.json',
        json.dumps(dict(RFC7517_EC, d='870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE')))
    put('consent', 'jwk-rfc7517-rsa.json', json.dumps(RFC7517_RSA))
    put('consent', 'jwk-set.json', json.dumps({'keys': [RFC7517_EC, RFC7517_RSA]}))
    # A Consent of the shape Healthfolio writes (hf_consent_to_fhir), with every part.
    coding = lambda system, code: {'system': system, 'code': code}
    concept = lambda system, code: {'coding': [coding(system, code)]}
    tho = 'http://terminology.hl7.org/CodeSystem/'
    category = 'https://healthfolio.github.io/fhir/CodeSystem/category'
    data = lambda refs: [{'meaning': 'instance', 'reference': {'reference': r}} for r in refs]
    put('consent', 'healthfolio-consent.json', json.dumps({
        'resourceType': 'Consent', 'id': 'consent-1-v2', 'status': 'active',
        'scope': concept(tho + 'consentscope', 'patient-privacy'),
        'category': [concept('http://loinc.org', '59284-0')],
        'patient': {'reference': 'Patient/example', 'display': 'Peter Chalmers'},
        'dateTime': '2026-05-12T12:00:00+00:00', 'performer': [{'display': 'Carla (owner)'}],
        'policyRule': concept(tho + 'v3-ActCode', 'OPTIN'),
        'provision': {
            'type': 'permit', 'period': {'start': '2026-06-01', 'end': '2027-03-31'},
            'actor': [{'role': concept(tho + 'v3-ParticipationType', 'IRCP'),
                       'reference': {'display': 'Dr. Osei'}}],
            'action': [concept(tho + 'consentaction', 'disclose')],
            'securityLabel': [coding(tho + 'v3-ActCode', 'HIV'),
                              coding(tho + 'v3-Confidentiality', 'R')],
            'purpose': [coding(tho + 'v3-ActReason', 'TREAT'),
                        coding(tho + 'v3-ActReason', 'CAREMGT')],
            'class': [coding('http://hl7.org/fhir/resource-types', 'Immunization')],
            'code': [concept(category, 'immunizations'), concept(category, 'allergies')],
            'dataPeriod': {'start': '2019-01-01', 'end': '2020-12-31'},
            'provision': [{'type': 'deny', 'data': data(['Condition/sens-9'])},
                          {'type': 'permit', 'data': data(['Observation/x.2'])}],
        },
    }, indent=1))


def main():
    global FIXTURES
    if len(sys.argv) != 3:
        sys.exit('usage: make-corpus.py FIXTURES_DIR HEALTHFOLIO_CLI')
    FIXTURES = sys.argv[1]
    for target in ['json-guard', 'fhir', 'html', 'keyring', 'import', 'smart', 'sync',
                   'consent']:
        shutil.rmtree(os.path.join(CORPUS, target), ignore_errors=True)
        os.makedirs(os.path.join(CORPUS, target))
    json_guard()
    fhir_summaries()
    html_documents()
    importer()
    keyring(sys.argv[2])
    smart()
    sync()
    consent()


if __name__ == '__main__':
    main()
