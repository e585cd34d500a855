#!/usr/bin/env python3
# count-observation-codes.py — the UCUM units and LOINC codes that FHIR test data uses
#
# Copyright 2026 The Healthfolio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: count-observation-codes.py units|loinc FILE_OR_FOLDER...
# Walks every .json and .ndjson file, every resource (Bundle entries and contained ones
# included), and counts:
#   units  every Quantity's UCUM code (a {value, code} object whose system is UCUM or absent),
#          else its unit text when it has no code, anywhere in a resource;
#   loinc  every LOINC code of an Observation's code and of its components.
# Prints "count<TAB>code" lines, most frequent first. data/ucum-display.tsv and
# data/loinc-names.tsv were checked against this count (tests/test-observation.c checks the
# copies in tests/data).

import json
import os
import sys
from collections import Counter

UCUM = 'http://unitsofmeasure.org'
LOINC = 'http://loinc.org'


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in sorted(names):
                    if n.endswith('.json') or n.endswith('.ndjson'):
                        yield os.path.join(root, n)
        else:
            yield p


def documents(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    if path.endswith('.ndjson'):
        for line in text.splitlines():
            try:
                yield json.loads(line)
            except ValueError:
                pass
    else:
        try:
            yield json.loads(text)
        except ValueError:
            pass


def walk(node, units):
    if isinstance(node, dict):
        if 'value' in node and isinstance(node.get('value'), (int, float)) \
           and not isinstance(node.get('value'), bool):
            code = node.get('code')
            system = node.get('system')
            if isinstance(code, str) and system in (UCUM, None):
                units[code] += 1
            elif code is None and isinstance(node.get('unit'), str):
                units[node['unit']] += 1
        for v in node.values():
            walk(v, units)
    elif isinstance(node, list):
        for v in node:
            walk(v, units)


def resources(node):
    if isinstance(node, dict):
        if 'resourceType' in node:
            yield node
        for v in node.values():
            yield from resources(v)
    elif isinstance(node, list):
        for v in node:
            yield from resources(v)


def loinc_codes(concept, codes):
    if not isinstance(concept, dict):
        return
    for c in concept.get('coding') or []:
        if isinstance(c, dict) and c.get('system') == LOINC and isinstance(c.get('code'), str):
            codes[c['code']] += 1


def main():
    what = sys.argv[1]
    counts = Counter()
    for path in files(sys.argv[2:]):
        for doc in documents(path):
            if what == 'units':
                walk(doc, counts)
                continue
            for r in resources(doc):
                if r.get('resourceType') != 'Observation':
                    continue
                loinc_codes(r.get('code'), counts)
                for comp in r.get('component') or []:
                    if isinstance(comp, dict):
                        loinc_codes(comp.get('code'), counts)
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print('%d\t%s' % (n, code))


if __name__ == '__main__':
    main()
