#!/usr/bin/env python3
# build-aux/gen-hostile.py — writes tests/data/hostile/, the importer's hostile corpus
#
# Copyright 2026 The Healthfolio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every case is a file the importer must refuse (exit code 3, one sentence, nothing changed) or
# accept, as FHIR R4 and RFC 8259 say, whatever today's code does. MANIFEST.tsv lists them:
# file, expected outcome (valid/invalid/invalid-open), category, description. A file name starting with "@"
# is a recipe that tests/test-hostile.c builds at run time in its own folder (a FIFO, a
# socket, link loops, deep folders, strings over the 64 MiB limit): git cannot store them, or
# they are too big to commit. stored/STEM.json, for some valid cases (STEM: the file name
# without its extension), is the JSON list of the exact texts the import must store, one per
# record, in any order.
#
# The cases are made from the fixtures in tests/data (truncations, older FHIR versions) and
# from small invented resources. Nothing is random except truncation offsets, drawn from fixed
# seeds, so running this again rewrites the folder byte for byte. The script checks its own
# expectations where a strict RFC 8259 reader can: every case meant to break the JSON grammar
# or the encoding must fail Python's strict parse, every other case must pass it.
#
# Usage: build-aux/gen-hostile.py [--check] [OUTPUT]   (default: tests/data/hostile)
#   --check  write nothing; exit 1 if OUTPUT differs from what this script makes

import json
import os
import random
import shutil
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(TOP, "tests", "data")

BOM = b"\xef\xbb\xbf"

cases = []        # (name, expect, category, description, bytes or None)
stored = {}       # name -> [bytes, ...]
names = set()

# Categories whose invalid cases break RFC 8259 itself (grammar or encoding): a strict
# reader must refuse them. Every other case is well-formed JSON (or NDJSON of it).
RFC_BROKEN = {"json-grammar", "truncation", "utf8", "surrogate", "duplicate-key", "nul", "bom",
              "ndjson"}


def add(name, expect, category, description, data, expected_store=None):
    # invalid-open: must be refused, by a check not built yet (the issue it waits on is in
    # the description); the test reports it as incomplete, not as a failure, until then.
    assert expect in ("valid", "invalid", "invalid-open")
    assert name not in names, name
    assert "\t" not in description and "\n" not in description
    names.add(name)
    cases.append((name, expect, category, description, data))
    if expected_store is not None:
        stored[name] = expected_store


def recipe(name, expect, category, description):
    add("@" + name, expect, category, description, None)


def sub(data, old, new, count=1):
    """DATA with OLD replaced by NEW; OLD must be there."""
    assert old in data, (old, data[:80])
    return data.replace(old, new, count)


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pretty(obj):
    return json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


# {{{ invented resources

def observation(rid, text="Heart rate", value=72):
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {
            "coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}],
            "text": text,
        },
        "effectiveDateTime": "2020-01-01T10:00:00Z",
        "valueQuantity": {"value": value, "unit": "/min", "system": "http://unitsofmeasure.org",
                          "code": "/min"},
    }


def condition(rid, text="Sprained ankle"):
    return {
        "resourceType": "Condition",
        "id": rid,
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "code": "active"}]},
        "code": {"text": text},
        "recordedDate": "2021-05-04",
    }


def organization(rid, name="Northside Clinic"):
    return {"resourceType": "Organization", "id": rid, "name": name}


V_SENTINEL = "@@VALUE@@"
T_SENTINEL = "@@TEXT@@"


def with_value(raw, container, rid):
    """The container with valueQuantity.value of the hostile resource replaced by RAW bytes."""
    return container(observation(rid, value=V_SENTINEL), b'"' + V_SENTINEL.encode() + b'"', raw)


def with_text(raw, container, rid):
    """The container with code.text's content (between the quotes) replaced by RAW bytes."""
    return container(observation(rid, text=T_SENTINEL), T_SENTINEL.encode(), raw)


def in_doc(resource, sentinel, raw):
    text = pretty(resource)
    assert text.count(sentinel) == 1
    return text.replace(sentinel, raw)


def in_bundle(resource, sentinel, raw):
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:4f8b7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
             "resource": organization("hostile-org")},
            {"fullUrl": "urn:uuid:4f8b7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5c", "resource": resource},
        ],
    }
    text = pretty(bundle)
    assert text.count(sentinel) == 1
    return text.replace(sentinel, raw)


def in_ndjson(resource, sentinel, raw):
    line = compact(resource)
    assert line.count(sentinel) == 1
    return (compact(observation("hostile-line-1")) + b"\n" + line.replace(sentinel, raw) + b"\n" +
            compact(condition("hostile-line-3")) + b"\n")


CONTAINERS = (("doc", in_doc, ".json"), ("bundle", in_bundle, ".json"),
              ("ndjson", in_ndjson, ".ndjson"))

# }}}
# {{{ malformed JSON: RFC 8259 violations, several of which json-glib accepts


def grammar():
    numbers = [
        ("leading-zero", b"01", "a number with a leading zero (01)"),
        ("leading-zeros", b"007", "a number with leading zeros (007)"),
        ("negative-leading-zero", b"-01", "a negative number with a leading zero (-01)"),
        ("trailing-dot", b"1.", "a number ending in a dot (1.)"),
        ("negative-trailing-dot", b"-1.", "a negative number ending in a dot (-1.)"),
        ("dot-exponent", b"1.e3", "a number with a dot and no fraction digits (1.e3)"),
        ("hex", b"0x10", "a hexadecimal number (0x10)"),
        ("hex-upper", b"0X1F", "a hexadecimal number (0X1F)"),
        ("leading-dot", b".5", "a number without an integer part (.5)"),
        ("negative-leading-dot", b"-.5", "a negative number without an integer part (-.5)"),
        ("plus", b"+1", "a number with a plus sign (+1)"),
        ("empty-exponent", b"1e", "a number with an empty exponent (1e)"),
        ("signed-empty-exponent", b"1e+", "a number with a sign but no exponent digits (1e+)"),
        ("minus-only", b"-", "a lone minus sign as a number"),
        ("double-minus", b"--1", "a number with two minus signs (--1)"),
        ("two-dots", b"1.5.2", "a number with two dots (1.5.2)"),
        ("two-exponents", b"1e5e5", "a number with two exponents (1e5e5)"),
        ("binary", b"0b101", "a binary number (0b101)"),
        ("underscore", b"1_000", "a number with a digit separator (1_000)"),
        ("octal", b"0o17", "an octal number (0o17)"),
        ("nan", b"NaN", "NaN as a number"),
        ("infinity", b"Infinity", "Infinity as a number"),
        ("negative-infinity", b"-Infinity", "-Infinity as a number"),
        ("nan-lower", b"nan", "nan as a number"),
        ("literal-True", b"True", "True with a capital letter"),
        ("literal-nul", b"nul", "a misspelt null (nul)"),
        ("literal-undefined", b"undefined", "undefined as a value"),
        ("literal-None", b"None", "None as a value"),
        ("single-quoted", b"'72'", "a value in single quotes"),
        ("arabic-digits", "٧٢".encode(), "a number in Arabic-Indic digits"),
        ("fullwidth-digits", "７２".encode(), "a number in full-width digits"),
    ]
    everywhere = {"leading-zero", "trailing-dot", "hex", "leading-dot", "nan"}
    for n, (slug, raw, what) in enumerate(numbers):
        for k, (where, container, ext) in enumerate(CONTAINERS):
            if slug not in everywhere and k != n % 3:
                continue
            add(f"number-{slug}-{where}{ext}", "invalid", "json-grammar",
                f"{what} in valueQuantity.value ({where})",
                with_value(raw, container, f"num-{slug}"))

    texts = [
        ("raw-tab", b"Heart\trate", "a raw TAB inside a string"),
        ("raw-newline", b"Heart\nrate", "a raw line feed inside a string"),
        ("raw-cr", b"Heart\rrate", "a raw carriage return inside a string"),
        ("raw-0x01", b"Heart\x01rate", "a raw U+0001 inside a string"),
        ("raw-0x1f", b"Heart\x1frate", "a raw U+001F inside a string"),
        ("raw-backspace", b"Heart\x08rate", "a raw backspace inside a string"),
        ("raw-escape", b"Heart\x1b[1mrate", "a raw ESC (a terminal escape) inside a string"),
        ("escape-x", b"Heart\\x41rate", "the escape \\x41, which JSON does not have"),
        ("escape-a", b"Heart\\arate", "the escape \\a"),
        ("escape-quote", b"Heart\\'rate", "the escape \\' (single quote)"),
        ("escape-v", b"Heart\\vrate", "the escape \\v"),
        ("escape-zero", b"Heart\\0rate", "the escape \\0"),
        ("escape-U", b"Heart\\U00000041rate", "the escape \\U00000041"),
        ("escape-u-short", b"Heart\\u12rate", "a \\u escape with two hex digits"),
        ("escape-u-nonhex", b"Heart\\u12G4rate", "a \\u escape with a non-hex digit"),
        ("escape-u-braces", b"Heart\\u{41}rate", "a \\u{41} escape"),
        ("escape-u-end", b"Heart rate\\u", "a \\u escape at the end of a string"),
        ("escape-u-one", b"Heart rate\\u0", "a \\u escape with one hex digit at the end"),
        ("escape-space", b"Heart\\ rate", "a backslash before a space"),
        ("escaped-closing-quote", b"Heart rate\\", "a backslash that escapes the closing quote"),
    ]
    everywhere = {"raw-tab", "escape-x", "escape-u-short"}
    for n, (slug, raw, what) in enumerate(texts):
        for k, (where, container, ext) in enumerate(CONTAINERS):
            if slug not in everywhere and k != n % 3:
                continue
            add(f"string-{slug}-{where}{ext}", "invalid", "json-grammar",
                f"{what}, in code.text ({where})", with_text(raw, container, f"str-{slug}"))

    obs = pretty(observation("grammar"))
    line = compact(observation("grammar"))
    structure = [
        ("trailing-comma-object", sub(obs, b'"/min"\n  }', b'"/min",\n  }'),
         "a trailing comma in an object"),
        ("trailing-comma-array", sub(obs, b'"Heart rate"\n      }\n    ]',
                                             b'"Heart rate"\n      },\n    ]'),
         "a trailing comma in an array"),
        ("trailing-comma-root", sub(obs, b'"/min"\n  }\n}\n', b'"/min"\n  },\n}\n'),
         "a trailing comma after the last member of the root object"),
        ("trailing-comma-ndjson", line[:-1] + b",}\n", "a trailing comma in an NDJSON line"),
        ("double-comma", sub(obs, b'"status": "final",', b'"status": "final",,'),
         "two commas between members"),
        ("leading-comma-array", sub(obs, b'"coding": [', b'"coding": [,'),
         "a comma before the first element of an array"),
        ("empty-array-comma", sub(obs, b'"status": "final",',
                                          b'"status": "final",\n  "note": [,],'),
         "an array holding only a comma"),
        ("missing-comma", sub(obs, b'"status": "final",', b'"status": "final"'),
         "no comma between two members"),
        ("missing-colon", sub(obs, b'"status": "final"', b'"status" "final"'),
         "no colon between a key and its value"),
        ("equals-for-colon", sub(obs, b'"status": "final"', b'"status"= "final"'),
         "an equals sign instead of a colon"),
        ("unquoted-key", sub(obs, b'"status":', b"status:"), "an unquoted key"),
        ("single-quoted-key", sub(obs, b'"status":', b"'status':"), "a key in single quotes"),
        ("single-quoted-string", sub(obs, b'"final"', b"'final'"),
         "a string in single quotes"),
        ("single-quoted-everything", line.replace(b'"', b"'") + b"\n",
         "a resource written with single quotes throughout"),
        ("line-comment", b"// exported by a portal\n" + obs, "a // comment before the JSON"),
        ("line-comment-inside", sub(obs, b'"status": "final",',
                                            b'"status": "final", // checked\n'),
         "a // comment inside an object"),
        ("block-comment", sub(obs, b'"status": "final",', b'/* checked */ "status": "final",'),
         "a /* */ comment inside an object"),
        ("hash-comment", b"# exported by a portal\n" + obs, "a # comment before the JSON"),
        ("extra-closing-brace", obs + b"}\n", "an extra closing brace after the JSON"),
        ("extra-closing-bracket", obs.rstrip(b"\n") + b"]\n",
         "a closing bracket after the JSON"),
        ("mismatched-brackets", sub(obs, b'"Heart rate"\n      }\n    ]',
                                            b'"Heart rate"\n      }\n    }'),
         "an array closed with a brace"),
        ("trailing-garbage", obs.rstrip(b"\n") + b" x\n", "a letter after the JSON"),
        ("trailing-semicolon", obs.rstrip(b"\n") + b";\n", "a semicolon after the JSON"),
        ("two-documents", obs + sub(obs, b'"grammar"', b'"grammar-2"'),
         "two JSON documents in one file, not NDJSON"),
        ("two-values-one-line", line + sub(line, b'"grammar"', b'"grammar-2"') + b"\n",
         "two JSON values on one NDJSON line"),
        ("empty-file", b"", "an empty file"),
        ("whitespace-only", b" \n\t\r\n  \n", "a file of whitespace only"),
        ("unclosed-string", sub(obs, b'"final",', b'"final,'), "a string never closed"),
        ("value-missing", sub(obs, b'"status": "final"', b'"status": '),
         "a key without a value"),
        ("js-object-literal", b"module.exports = " + line + b";\n",
         "JavaScript around the JSON"),
        ("jsonp", b"callback(" + line + b")\n", "JSONP: the JSON inside a function call"),
        ("vertical-tab-whitespace", sub(obs, b'"status":', b'\x0b"status":'),
         "a vertical tab where whitespace may be"),
        ("form-feed-whitespace", sub(obs, b'"status":', b'\x0c"status":'),
         "a form feed where whitespace may be"),
        ("nbsp-whitespace", sub(obs, b'"status":', b'\xc2\xa0"status":'),
         "a no-break space where whitespace may be"),
    ]
    for slug, data, what in structure:
        ext = ".ndjson" if b"\n" not in data.rstrip(b"\n") and data.strip() else ".json"
        add(f"syntax-{slug}{ext}", "invalid", "json-grammar", what, data)

# }}}
# {{{ truncations of real fixtures


def truncations():
    specs = [
        # (file, seed, how many random offsets)
        ("shc/example-00-a-fhirBundle.json", 1, 12),
        ("shc/example-03-a-fhirBundle.json", 2, 4),
        ("shc/example-02-a-fhirBundle.json", 3, 3),
        ("synthea/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json", 4, 2),
    ]
    for rel, seed, count in specs:
        with open(os.path.join(DATA, rel), "rb") as f:
            data = f.read()
        last = data.rindex(b"}")     # any cut at or before the last brace is truncated
        rng = random.Random(seed)
        offsets = {1, 2, last}
        while len(offsets) < count + 3:
            offsets.add(rng.randrange(3, last))
        stem = os.path.basename(rel).split("_")[0].replace(".json", "")
        stem = stem.replace("-a-fhirBundle", "").lower()
        for off in sorted(offsets):
            add(f"truncated-{stem}-at-{off}.json", "invalid", "truncation",
                f"{rel} cut after {off} of {len(data)} bytes", data[:off])

    for rel, seed, count in (("bulk-ndjson/AllergyIntolerance.000.ndjson", 5, 6),
                             ("bulk-ndjson/Device.000.ndjson", 6, 3)):
        with open(os.path.join(DATA, rel), "rb") as f:
            data = f.read()
        rng = random.Random(seed)
        # Cut inside a line, before its closing brace: the last line is then incomplete.
        starts = [0] + [i + 1 for i, c in enumerate(data) if c == 0x0a and i + 1 < len(data)]
        offsets = set()
        while len(offsets) < count:
            start = rng.choice(starts)
            end = data.index(b"}\n", start) if b"}\n" in data[start:] else data.rindex(b"}")
            offsets.add(rng.randrange(start + 1, end))
        stem = os.path.basename(rel).split(".")[0].lower()
        for off in sorted(offsets):
            add(f"truncated-{stem}-at-{off}.ndjson", "invalid", "truncation",
                f"{rel} cut after {off} of {len(data)} bytes, inside a line", data[:off])

# }}}
# {{{ wrong JSON types for the members the importer reads


def wrong_types():
    def resource_case(slug, member_path, value, what):
        r = observation("wrong-" + slug)
        target = r
        for key in member_path[:-1]:
            target = target.setdefault(key, {})
        target[member_path[-1]] = value
        return pretty(r)

    single = [
        ("resourceType-number", ["resourceType"], 42, "resourceType is a number"),
        ("resourceType-null", ["resourceType"], None, "resourceType is null"),
        ("resourceType-true", ["resourceType"], True, "resourceType is true"),
        ("resourceType-object", ["resourceType"], {"value": "Observation"},
         "resourceType is an object"),
        ("resourceType-array", ["resourceType"], ["Observation"], "resourceType is an array"),
        ("resourceType-empty", ["resourceType"], "", "resourceType is an empty string"),
        ("resourceType-lowercase", ["resourceType"], "observation",
         "resourceType in lower case (observation)"),
        ("resourceType-unknown", ["resourceType"], "Observations", "resourceType is no R4 type"),
        ("resourceType-space", ["resourceType"], "Observation ",
         "resourceType with a trailing space"),
        ("id-number", ["id"], 42, "id is a number"),
        ("id-object", ["id"], {"value": "x"}, "id is an object"),
        ("id-array", ["id"], ["x"], "id is an array"),
        ("id-true", ["id"], True, "id is true"),
        ("id-null", ["id"], None, "id is null"),
        ("id-empty", ["id"], "", "id is an empty string"),
        ("meta-string", ["meta"], "v1", "meta is a string"),
        ("meta-array", ["meta"], [{"versionId": "1"}], "meta is an array"),
        ("meta-versionId-number", ["meta", "versionId"], 2, "meta.versionId is a number"),
        ("meta-versionId-object", ["meta", "versionId"], {"v": 2}, "meta.versionId is an object"),
        ("meta-lastUpdated-number", ["meta", "lastUpdated"], 20200101,
         "meta.lastUpdated is a number"),
        ("meta-lastUpdated-array", ["meta", "lastUpdated"], ["2020-01-01T00:00:00Z"],
         "meta.lastUpdated is an array"),
        ("identifier-object", ["identifier"], {"system": "urn:x", "value": "1"},
         "identifier is an object, not a list"),
        ("identifier-strings", ["identifier"], ["urn:x|1"], "identifier is a list of strings"),
        ("identifier-system-number", ["identifier"], [{"system": 7, "value": "1"}],
         "identifier[0].system is a number"),
        ("identifier-value-number", ["identifier"], [{"system": "urn:x", "value": 1}],
         "identifier[0].value is a number"),
    ]
    for slug, path, value, what in single:
        add(f"type-{slug}.json", "invalid", "wrong-type", what + " (a single resource)",
            resource_case(slug, path, value, what))

    for slug, data, what in (
            ("root-array", b"[" + compact(observation("wrong-root")) + b"]\n",
             "the file is a JSON array of resources"),
            ("root-string", b'"Observation"\n', "the file is a JSON string"),
            ("root-number", b"42\n", "the file is a JSON number"),
            ("root-null", b"null\n", "the file is JSON null"),
            ("root-true", b"true\n", "the file is JSON true"),
            ("root-empty-object", b"{}\n", "the file is an empty object"),
            ("ndjson-line-array", compact(observation("l1")) + b"\n[" +
             compact(observation("l2")) + b"]\n", "NDJSON whose second line is an array"),
            ("ndjson-line-string", compact(observation("l1")) + b'\n"l2"\n',
             "NDJSON whose second line is a string"),
            ("ndjson-line-resourceType-number", compact(observation("l1")) + b"\n" +
             compact(dict(observation("l2"), resourceType=7)) + b"\n",
             "NDJSON whose second line has a number as resourceType")):
        add(f"type-{slug}" + (".ndjson" if slug.startswith("ndjson") else ".json"), "invalid",
            "wrong-type", what, data)

    def bundle(entries, btype="collection", extra=None):
        b = {"resourceType": "Bundle", "type": btype}
        if extra:
            b.update(extra)
        if entries is not None:
            b["entry"] = entries
        return pretty(b)

    good = {"fullUrl": "urn:uuid:0d9c7a10-5b7f-4b9e-9a51-2f1e0c3b4a01",
            "resource": observation("bundle-good")}
    bundles = [
        ("bundle-type-number", bundle([good], btype=3), "Bundle.type is a number"),
        ("bundle-type-object", bundle([good], btype={"code": "collection"}),
         "Bundle.type is an object"),
        ("bundle-type-null", bundle([good], btype=None), "Bundle.type is null"),
        ("entry-object", bundle(good), "Bundle.entry is an object, not a list"),
        ("entry-string", bundle("entries"), "Bundle.entry is a string"),
        ("entry-number", bundle(1), "Bundle.entry is a number"),
        ("entry-null", bundle(None, extra={"entry": None}), "Bundle.entry is null"),
        ("entry-true", bundle(True), "Bundle.entry is true"),
        ("entry-element-string", bundle([good, "Observation/x"]), "Bundle.entry[1] is a string"),
        ("entry-element-number", bundle([good, 7]), "Bundle.entry[1] is a number"),
        ("entry-element-array", bundle([good, [good]]), "Bundle.entry[1] is an array"),
        ("entry-element-null", bundle([good, None]), "Bundle.entry[1] is null"),
        ("resource-array", bundle([good, {"resource": [observation("in-array")]}]),
         "Bundle.entry[1].resource is an array"),
        ("resource-string", bundle([good, {"resource": "Observation/x"}]),
         "Bundle.entry[1].resource is a string"),
        ("resource-number", bundle([good, {"resource": 5}]),
         "Bundle.entry[1].resource is a number"),
        ("resource-null", bundle([good, {"resource": None}]), "Bundle.entry[1].resource is null"),
        ("resource-true", bundle([good, {"resource": True}]), "Bundle.entry[1].resource is true"),
        ("resource-empty-object", bundle([good, {"resource": {}}]),
         "Bundle.entry[1].resource has no resourceType"),
        ("entry-resourceType-number",
         bundle([good, {"resource": dict(observation("e"), resourceType=1)}]),
         "Bundle.entry[1].resource.resourceType is a number"),
        ("entry-id-number", bundle([good, {"resource": dict(observation("e"), id=12)}]),
         "Bundle.entry[1].resource.id is a number"),
        ("fullUrl-object", bundle([{"fullUrl": {"url": "urn:uuid:x"},
                                    "resource": observation("f")}]),
         "Bundle.entry[0].fullUrl is an object"),
        ("fullUrl-number", bundle([{"fullUrl": 17, "resource": observation("f")}]),
         "Bundle.entry[0].fullUrl is a number"),
        ("fullUrl-array", bundle([{"fullUrl": ["urn:uuid:x"], "resource": observation("f")}]),
         "Bundle.entry[0].fullUrl is an array"),
        ("request-string", bundle([{"resource": observation("r"), "request": "POST Observation"}],
                                  btype="transaction"), "Bundle.entry[0].request is a string"),
        ("request-method-number",
         bundle([{"resource": observation("r"), "request": {"method": 1, "url": "Observation"}}],
                btype="transaction"), "Bundle.entry[0].request.method is a number"),
        ("request-method-object",
         bundle([{"resource": observation("r"), "request": {"method": {"code": "POST"},
                                                             "url": "Observation"}}],
                btype="transaction"), "Bundle.entry[0].request.method is an object"),
        ("request-method-lowercase",
         bundle([{"resource": observation("r"), "request": {"method": "post",
                                                             "url": "Observation"}}],
                btype="transaction"), "request.method in lower case (not a code of R4)"),
        ("request-method-unknown",
         bundle([{"resource": observation("r"), "request": {"method": "FETCH",
                                                             "url": "Observation"}}],
                btype="transaction"), "request.method FETCH (not a code of R4)"),
        ("history-delete-method-number",
         bundle([{"request": {"method": 5, "url": "Observation/x"}}], btype="history"),
         "a history entry without a resource whose request.method is a number"),
        ("history-delete-url-number",
         bundle([{"request": {"method": "DELETE", "url": 42}}], btype="history"),
         "a history DELETE whose request.url is a number"),
        ("history-delete-url-object",
         bundle([{"request": {"method": "DELETE", "url": {"ref": "Observation/x"}}}],
                btype="history"), "a history DELETE whose request.url is an object"),
        ("history-delete-request-array",
         bundle([{"request": [{"method": "DELETE", "url": "Observation/x"}]}], btype="history"),
         "a history DELETE whose request is an array"),
        ("history-delete-lastModified-number",
         bundle([{"request": {"method": "DELETE", "url": "Observation/x"},
                  "response": {"status": "200 OK", "lastModified": 1700000000}}],
                btype="history"), "a history DELETE whose response.lastModified is a number"),
        ("history-delete-response-string",
         bundle([{"request": {"method": "DELETE", "url": "Observation/x"},
                  "response": "200 OK"}], btype="history"),
         "a history DELETE whose response is a string"),
        ("reference-number",
         bundle([good, {"fullUrl": "urn:uuid:0d9c7a10-5b7f-4b9e-9a51-2f1e0c3b4a02",
                        "resource": dict(observation("ref"), subject={"reference": 12})}]),
         "a reference whose reference member is a number, in a Bundle"),
        ("nested-bundle-entry-object",
         bundle([good, {"resource": {"resourceType": "Bundle", "type": "collection",
                                     "entry": {"resource": observation("nested")}}}]),
         "a nested Bundle whose entry is an object"),
    ]
    for slug, data, what in bundles:
        add(f"type-{slug}.json", "invalid", "wrong-type", what, data)

# }}}
# {{{ numbers out of range


def number_range():
    for slug, raw, what in (
            ("1e999", b"1e999", "1e999, beyond any double"),
            ("minus-1e999", b"-1e999", "-1e999, beyond any double"),
            ("1E400", b"1E400", "1E400, beyond any double"),
            ("30-digits", b"123456789012345678901234567890",
             "123456789012345678901234567890, an integer of 30 digits"),
            ("minus-30-digits", b"-123456789012345678901234567890",
             "-123456789012345678901234567890, an integer of 30 digits"),
            ("1e999-fraction", b"1.5e999", "1.5e999, beyond any double"),
            ("400-digits", b"9" * 400, "an integer of 400 digits")):
        for k, (where, container, ext) in enumerate(CONTAINERS):
            if k > 0 and slug not in ("1e999", "30-digits"):
                continue
            add(f"range-{slug}-{where}{ext}", "invalid", "number-range",
                f"valueQuantity.value is {what} ({where})",
                with_value(raw, container, f"range-{slug}"))
    deep = observation("range-component")
    deep["component"] = [{"code": {"text": "Systolic"},
                          "valueQuantity": {"value": V_SENTINEL, "unit": "mm[Hg]"}}]
    add("range-1e999-component.json", "invalid", "number-range",
        "component[0].valueQuantity.value is 1e999",
        in_doc(deep, b'"' + V_SENTINEL.encode() + b'"', b"1e999"))
    for slug, raw, what in (("decimal-precision", b"6.30", "6.30 (trailing zero kept)"),
                            ("exponent", b"1.50e2", "1.50e2"),
                            ("minus-zero", b"-0", "-0"),
                            ("small", b"0.000001", "0.000001"),
                            ("exponent-plus", b"1E+2", "1E+2"),
                            ("18-digits", b"123456789012345678", "an integer of 18 digits")):
        data = with_value(raw, in_ndjson, f"range-ok-{slug}")
        add(f"range-ok-{slug}.ndjson", "valid", "number-range",
            f"valueQuantity.value is {what}: accepted and stored as written",
            data, [line for line in data.split(b"\n") if line])

# }}}
# {{{ nesting depth


def nested(depth, rid):
    """A Basic resource whose text nests exactly DEPTH levels of objects and arrays."""
    assert depth >= 3
    head = b'{"resourceType":"Basic","id":"' + rid.encode() + \
        b'","code":{"text":"nested extensions"}'
    # Levels: the root (1), then each "extension" list and its object add two.
    opened = 1
    inner = b""
    while opened + 2 <= depth:
        inner += b',"extension":[{"url":"http://example.org/fhir/StructureDefinition/nest"'
        opened += 2
    if opened == depth:
        bottom = b',"valueString":"bottom"'
    else:
        bottom = b',"valueCodeableConcept":{"text":"bottom"}'
        opened += 1
    assert opened == depth
    closing = b"}]" * ((depth - 1) // 2)
    return head + inner + bottom + closing + b"}"


def depth():
    for d, expect in ((200, "valid"), (255, "valid"), (256, "valid"), (257, "invalid"),
                      (1000, "invalid")):
        text = nested(d, f"deep-{d}")
        why = "accepted" if expect == "valid" else "refused: deeper than the limit of 256"
        add(f"depth-{d}.ndjson", expect, "depth", f"a resource nesting {d} levels: {why}",
            text + b"\n", [text] if expect == "valid" else None)
    inner = nested(257, "deep-in-bundle")
    data = (b'{"resourceType":"Bundle","type":"collection","entry":[{"resource":' +
            compact(organization("depth-org")) + b'},{"resource":' + inner + b"}]}")
    add("depth-257-in-bundle.json", "invalid", "depth",
        "a Bundle entry nesting deeper than 256 levels in all", b"{\n" + data[1:] + b"\n")
    text = nested(255, "deep-bundle-ok")
    data = (b'{\n"resourceType":"Bundle","type":"collection","entry":[{"resource":' + text +
            b"}]}\n")
    add("depth-258-with-bundle.json", "invalid", "depth",
        "a resource of 255 levels inside a Bundle: 258 levels in all, over the limit", data)
    add("depth-brackets-5000.json", "invalid", "depth",
        "5,000 nested arrays inside an extension",
        b'{\n"resourceType":"Basic","extension":' + b"[" * 5000 + b"]" * 5000 + b"}\n")
    add("depth-unclosed-100000.json", "invalid", "depth",
        "100,000 opening brackets, never closed",
        b'{\n"resourceType":"Basic","extension":' + b"[" * 100000 + b"\n")
    add("depth-objects-10000.ndjson", "invalid", "depth",
        "10,000 nested objects on one NDJSON line",
        b'{"resourceType":"Basic","id":"o","x":' + b'{"a":' * 10000 + b"1" + b"}" * 10000 +
        b"}\n")

# }}}
# {{{ invalid UTF-8


def utf8():
    kinds = [
        ("overlong-2-nul", b"\xc0\x80", "an overlong 2-byte NUL (C0 80)"),
        ("overlong-2-slash", b"\xc0\xaf", "an overlong 2-byte slash (C0 AF)"),
        ("overlong-c1", b"\xc1\xbf", "an overlong 2-byte sequence (C1 BF)"),
        ("overlong-3", b"\xe0\x80\x80", "an overlong 3-byte sequence (E0 80 80)"),
        ("overlong-3-max", b"\xe0\x9f\xbf", "an overlong 3-byte sequence (E0 9F BF)"),
        ("overlong-4", b"\xf0\x80\x80\x80", "an overlong 4-byte sequence (F0 80 80 80)"),
        ("overlong-4-max", b"\xf0\x8f\xbf\xbf", "an overlong 4-byte sequence (F0 8F BF BF)"),
        ("surrogate-high", b"\xed\xa0\x80", "U+D800 encoded in UTF-8 (ED A0 80)"),
        ("surrogate-high-last", b"\xed\xaf\xbf", "U+DBFF encoded in UTF-8 (ED AF BF)"),
        ("surrogate-low", b"\xed\xb0\x80", "U+DC00 encoded in UTF-8 (ED B0 80)"),
        ("surrogate-low-last", b"\xed\xbf\xbf", "U+DFFF encoded in UTF-8 (ED BF BF)"),
        ("cesu8-pair", b"\xed\xa0\xbd\xed\xb8\x80",
         "a surrogate pair encoded as two 3-byte sequences (CESU-8)"),
        ("truncated-2", b"\xc3", "a 2-byte sequence missing its last byte"),
        ("truncated-3", b"\xe2\x82", "a 3-byte sequence missing its last byte"),
        ("truncated-4", b"\xf0\x9f\x98", "a 4-byte sequence missing its last byte"),
        ("truncated-4-of-1", b"\xf0", "a 4-byte lead byte alone"),
        ("lone-continuation", b"\x80", "a lone continuation byte (80)"),
        ("lone-continuation-bf", b"\xbf\xbf", "two lone continuation bytes (BF BF)"),
        ("byte-fe", b"\xfe", "the byte FE"),
        ("byte-ff", b"\xff", "the byte FF"),
        ("five-byte", b"\xf8\x88\x80\x80\x80", "a 5-byte sequence (F8 88 80 80 80)"),
        ("six-byte", b"\xfc\x84\x80\x80\x80\x80", "a 6-byte sequence"),
        ("above-10ffff", b"\xf4\x90\x80\x80", "U+110000 (F4 90 80 80)"),
        ("lead-f5", b"\xf5\x80\x80\x80", "the lead byte F5"),
        ("lead-f7", b"\xf7\xbf\xbf\xbf", "U+1FFFFF (F7 BF BF BF)"),
        ("latin1", b"Mu\xf1oz", "Latin-1 text (Mu\\xf1oz)"),
        ("cp1252-quotes", b"\x93Heart rate\x94", "Windows-1252 curly quotes"),
    ]
    for n, (slug, raw, what) in enumerate(kinds):
        where, container, ext = CONTAINERS[n % 3]
        add(f"utf8-{slug}-{where}{ext}", "invalid", "utf8", f"{what} in code.text ({where})",
            with_text(b"Heart " + raw + b" rate", container, f"utf8-{slug}"))
    obs = pretty(observation("utf8"))
    add("utf8-in-key.json", "invalid", "utf8", "invalid UTF-8 (FF) in a key",
        sub(obs, b'"status":', b'"stat\xffus":'))
    add("utf8-between-tokens.json", "invalid", "utf8", "a byte FF between two members",
        sub(obs, b'"status": "final",', b'"status": "final",\xff'))
    add("utf8-last-byte.json", "invalid", "utf8",
        "the file's last byte starts a multi-byte sequence", obs + b"\xc3")
    add("utf8-in-ndjson-third-line.ndjson", "invalid", "utf8",
        "NDJSON whose third line has FF in a string",
        compact(observation("u1")) + b"\n" + compact(condition("u2")) + b"\n" +
        compact(observation("u3", text=T_SENTINEL)).replace(T_SENTINEL.encode(),
                                                              b"Heart \xff rate") + b"\n")
    for slug, raw, what in (("bmp", "Herzfrequenz für Ärztinnen", "accented Latin"),
                            ("cjk", "心拍数", "CJK"),
                            ("emoji", "Heart rate \U0001F493", "an emoji (4 bytes)"),
                            ("noncharacter", "Heart \uFFFF rate", "U+FFFF, a noncharacter"),
                            ("max", "Heart \U0010FFFF rate", "U+10FFFF, the last code point"),
                            ("combining", "He\u0301art rate", "a combining accent")):
        data = compact(observation(f"utf8-ok-{slug}", text=raw)) + b"\n"
        add(f"utf8-ok-{slug}.ndjson", "valid", "utf8", f"valid UTF-8: {what}", data,
            [data.rstrip(b"\n")])

# }}}
# {{{ surrogate escapes


def surrogates():
    bad = [
        ("lone-high", b"\\ud800", "a lone high surrogate escape (\\ud800)"),
        ("lone-low", b"\\udc00", "a lone low surrogate escape (\\udc00)"),
        ("lone-high-last", b"\\udbff", "a lone high surrogate escape (\\udbff)"),
        ("lone-low-last", b"\\udfff", "a lone low surrogate escape (\\udfff)"),
        ("lone-high-upper", b"\\uD800", "a lone high surrogate escape in capitals (\\uD800)"),
        ("high-then-letter", b"\\ud800x", "a high surrogate escape followed by a letter"),
        ("high-then-bmp-escape", b"\\ud83d\\u00e9",
         "a high surrogate escape followed by a non-surrogate escape"),
        ("high-then-high", b"\\ud800\\ud800", "two high surrogate escapes"),
        ("low-then-high", b"\\udc00\\ud800", "a low surrogate escape before a high one"),
        ("high-then-newline-escape", b"\\ud800\\n", "a high surrogate escape before \\n"),
        ("high-at-end", b"Heart rate \\ud83d", "a high surrogate escape ending the string"),
        ("high-then-raw-low", b"\\ud83d\xed\xb8\x80",
         "a high surrogate escape followed by a raw encoded low surrogate"),
    ]
    for n, (slug, raw, what) in enumerate(bad):
        for k, (where, container, ext) in enumerate(CONTAINERS):
            if k != n % 3 and slug not in ("lone-high", "lone-low"):
                continue
            add(f"surrogate-{slug}-{where}{ext}", "invalid", "surrogate",
                f"{what} in code.text ({where})",
                with_text(b"Heart " + raw + b" rate", container, f"sur-{slug}"))
    obs = pretty(observation("sur-key"))
    add("surrogate-in-key.json", "invalid", "surrogate", "a lone surrogate escape in a key",
        sub(obs, b'"status":', b'"status\\ud800":'))
    for slug, raw, what in (("pair", b"\\ud83d\\ude00", "\\ud83d\\ude00 (U+1F600)"),
                            ("pair-upper", b"\\uD83D\\uDE00", "\\uD83D\\uDE00 in capitals"),
                            ("pair-first", b"\\ud800\\udc00", "\\ud800\\udc00 (U+10000)"),
                            ("pair-last", b"\\udbff\\udfff", "\\udbff\\udfff (U+10FFFF)"),
                            ("two-pairs", b"\\ud83d\\udc93\\ud83d\\udc93", "two pairs in a row"),
                            ("bmp-escapes", b"\\u00e9\\u4e2d\\uffff", "escapes of BMP characters")):
        line = compact(observation(f"sur-ok-{slug}", text=T_SENTINEL)).replace(
            T_SENTINEL.encode(), b"Heart " + raw + b" rate")
        add(f"surrogate-ok-{slug}.ndjson", "valid", "surrogate",
            f"a valid escape {what}: accepted and stored as written", line + b"\n", [line])

# }}}
# {{{ byte order marks


def boms():
    obs = pretty(observation("bom-doc"))
    add("bom-document.json", "valid", "bom",
        "a UTF-8 BOM before a pretty-printed resource (RFC 8259 §8.1: may be ignored)",
        BOM + obs, [obs.strip()])
    line = compact(observation("bom-line"))
    add("bom-single-line.json", "valid", "bom", "a UTF-8 BOM before a one-line resource",
        BOM + line + b"\n", [line])
    lines = [compact(observation("bom-nd-1")), compact(condition("bom-nd-2")),
             compact(organization("bom-nd-3"))]
    add("bom-ndjson.ndjson", "valid", "bom", "a UTF-8 BOM at the start of an NDJSON file",
        BOM + b"\n".join(lines) + b"\n", lines)
    bundle = pretty({"resourceType": "Bundle", "type": "collection",
                     "entry": [{"resource": observation("bom-bundle")}]})
    add("bom-bundle.json", "valid", "bom", "a UTF-8 BOM before a Bundle", BOM + bundle)
    add("bom-second-line.ndjson", "invalid", "bom",
        "a BOM at the start of the second NDJSON line (not whitespace there)",
        lines[0] + b"\n" + BOM + lines[1] + b"\n")
    add("bom-twice.json", "invalid", "bom", "two BOMs before the JSON", BOM + BOM + obs)
    add("bom-inside.json", "invalid", "bom", "a BOM between two members",
        sub(obs, b'"status":', BOM + b'"status":'))
    add("bom-only.json", "invalid", "bom", "a file holding only a BOM", BOM)
    add("bom-utf16le.json", "invalid", "bom", "UTF-16LE with its BOM (JSON must be UTF-8)",
        b"\xff\xfe" + obs.decode().encode("utf-16-le"))
    add("bom-utf16be.json", "invalid", "bom", "UTF-16BE with its BOM (JSON must be UTF-8)",
        b"\xfe\xff" + obs.decode().encode("utf-16-be"))
    add("bom-utf32le.json", "invalid", "bom", "UTF-32LE with its BOM (JSON must be UTF-8)",
        b"\xff\xfe\x00\x00" + obs.decode().encode("utf-32-le"))

# }}}
# {{{ duplicate keys


def duplicates():
    obs = pretty(observation("dup"))
    line = compact(observation("dup"))
    cases_ = [
        ("id", sub(obs, b'"id": "dup",', b'"id": "dup",\n  "id": "dup-2",'),
         "the key id twice in the root object"),
        ("same-value", sub(obs, b'"id": "dup",', b'"id": "dup",\n  "id": "dup",'),
         "the key id twice with the same value"),
        ("resourceType", sub(obs, b'"id": "dup",', b'"id": "dup",\n  "resourceType": "Basic",'),
         "resourceType twice, with different values"),
        ("nested", sub(obs, b'"unit": "/min",', b'"unit": "/min",\n    "unit": "bpm",'),
         "a duplicate key inside valueQuantity"),
        ("escaped", sub(obs, b'"id": "dup",', b'"id": "dup",\n  "\\u0069d": "dup-2",'),
         "id and \\u0069d, the same key once unescaped"),
        ("escaped-solidus", sub(obs, b'"status": "final",',
                                        b'"status": "final",\n  "a/b": 1,\n  "a\\/b": 2,'),
         "a/b and a\\/b, the same key once unescaped"),
        ("empty-key", sub(obs, b'"status": "final",',
                                  b'"status": "final",\n  "": 1,\n  "": 2,'),
         "the empty key twice"),
        ("after-many-keys", sub(obs, b'"status": "final",', b'"status": "final",\n' +
                                        b"".join(b'  "k%02d": %d,\n' % (i, i) for i in range(24)) +
                                        b'  "k07": 99,'),
         "a duplicate among 26 keys (past the small-object comparison)"),
        ("ndjson", line + b"\n" + sub(line, b'"status":"final"',
                                              b'"status":"final","status":"amended"') + b"\n",
         "a duplicate key on the second NDJSON line"),
    ]
    for slug, data, what in cases_:
        ext = ".ndjson" if slug == "ndjson" else ".json"
        add(f"dup-{slug}{ext}", "invalid", "duplicate-key", what, data)
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": observation("dup-b1")}]}
    text = pretty(bundle)
    add("dup-entry.json", "invalid", "duplicate-key", "Bundle.entry twice",
        sub(text, b'"entry": [', b'"entry": [],\n  "entry": ['))
    add("dup-resource.json", "invalid", "duplicate-key", "an entry with resource twice",
        sub(text, b'"resource": {', b'"resource": {"resourceType": "Basic"},\n'
                     b'      "resource": {'))
    add("dup-in-entry-resource.json", "invalid", "duplicate-key",
        "a duplicate key inside a Bundle entry's resource",
        sub(text, b'"status": "final",', b'"status": "final",\n        "status": "final",'))

# }}}
# {{{ NUL bytes


def nuls():
    obs = pretty(observation("nul"))
    line = compact(observation("nul"))
    for slug, data, what in (
            ("in-string", sub(obs, b'"final"', b'"fi\x00nal"'), "a NUL byte inside a string"),
            ("between-tokens", sub(obs, b'"status":', b'\x00"status":'),
             "a NUL byte between members"),
            ("after-document", obs + b"\x00", "a NUL byte after the JSON"),
            ("before-document", b"\x00" + obs, "a NUL byte before the JSON"),
            ("padding", obs + b"\x00" * 1024, "1,024 NUL bytes after the JSON (a padded file)"),
            ("ndjson-second-line", line + b"\n" + sub(line, b'"nul"', b'"n\x00l"') + b"\n",
             "a NUL byte on the second NDJSON line"),
            ("ndjson-line", line + b"\n\x00\n" + sub(line, b'"nul"', b'"nul-2"') + b"\n",
             "an NDJSON line that is one NUL byte"),
            ("only", b"\x00" * 64, "a file of NUL bytes")):
        ext = ".ndjson" if slug.startswith("ndjson") else ".json"
        add(f"nul-{slug}{ext}", "invalid", "nul", what, data)

# }}}
# {{{ span decoys: "entry":[{"resource":…}] where no Bundle entry is


def decoys():
    a = compact(observation("decoy-real-1", text="Real one"))
    b = compact(condition("decoy-real-2", text="Real two"))
    decoy = compact(observation("decoy-fake", text="Not a record"))
    ext = (b'{"url":"http://example.org/fhir/StructureDefinition/decoy","entry":[{"resource":' +
           decoy + b"}]}")
    head = b'{"resourceType":"Bundle","type":"collection",'
    entries = b'"entry":[{"resource":' + a + b'},{"resource":' + b + b"}]"

    def doc(text):
        return text + b"\n"

    add("decoy-meta-extension-before-entry.json", "valid", "span-decoy",
        "a decoy entry/resource pair in Bundle.meta.extension before Bundle.entry",
        doc(head + b'"meta":{"extension":[' + ext + b"]}," + entries + b"}"), [a, b])
    add("decoy-meta-extension-after-entry.json", "valid", "span-decoy",
        "a decoy entry/resource pair in Bundle.meta.extension after Bundle.entry",
        doc(head + entries + b',"meta":{"extension":[' + ext + b"]}}"), [a, b])
    add("decoy-two-before-entry.json", "valid", "span-decoy",
        "two decoys in Bundle.meta.extension before Bundle.entry",
        doc(head + b'"meta":{"extension":[' + ext + b"," + ext + b"]}," + entries + b"}"),
        [a, b])
    add("decoy-entry-search-extension.json", "valid", "span-decoy",
        "a decoy in entry[0].search.extension, written before entry[0].resource",
        doc(head + b'"entry":[{"search":{"mode":"match","extension":[' + ext +
            b']},"resource":' + a + b'},{"resource":' + b + b"}]}"), [a, b])
    add("decoy-entry-request-extension.json", "valid", "span-decoy",
        "a decoy in entry[0].request.extension of a transaction, before entry[0].resource",
        doc(b'{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":'
            b'"PUT","url":"Observation/decoy-real-1","extension":[' + ext + b']},"resource":' +
            a + b'},{"request":{"method":"PUT","url":"Condition/decoy-real-2"},"resource":' + b +
            b"}]}"), [a, b])
    contained = compact(dict(observation("decoy-with-contained", text="Holds a Bundle"),
                             contained=[{"resourceType": "Bundle", "id": "inner",
                                         "type": "collection",
                                         "entry": [{"resource": json.loads(decoy)}]}]))
    add("decoy-contained-bundle.json", "valid", "span-decoy",
        "entry[0].resource contains a Bundle with entries; it is one record",
        doc(head + b'"entry":[{"resource":' + contained + b'},{"resource":' + b + b"}]}"),
        [contained, b])
    params = compact({"resourceType": "Parameters", "id": "decoy-params",
                      "parameter": [{"name": "result", "resource": {
                          "resourceType": "Bundle", "type": "collection",
                          "entry": [{"resource": json.loads(decoy)}]}}]})
    add("decoy-parameters-entry.json", "valid", "span-decoy",
        "a Parameters holding a Bundle as entry[0], before the real entry[1]",
        doc(head + b'"entry":[{"resource":' + params + b'},{"resource":' + b + b"}]}"),
        [params, b])
    add("decoy-parameters-file.json", "valid", "span-decoy",
        "a file that is a Parameters holding a Bundle with entries: one record",
        doc(params), [params])
    lookalike = compact({"url": "http://example.org/fhir/StructureDefinition/note",
                         "valueString": '"entry":[{"resource":' + decoy.decode() + "}]"})
    add("decoy-in-string.json", "valid", "span-decoy",
        "Bundle.meta.extension holds the text of an entry/resource pair in a string",
        doc(head + b'"meta":{"extension":[' + lookalike + b"]}," + entries + b"}"), [a, b])
    obj_ext = (b'{"url":"http://example.org/fhir/StructureDefinition/decoy","entry":{"resource":' +
               decoy + b"}}")
    add("decoy-entry-object.json", "valid", "span-decoy",
        "a decoy whose entry is an object, not a list, before Bundle.entry",
        doc(head + b'"meta":{"extension":[' + obj_ext + b"]}," + entries + b"}"), [a, b])
    escaped = (b'{"resourceType":"Bundle","type":"collection","\\u0065ntry":[{"resourc\\u0065":' +
               a + b'},{"resource":' + b + b"}]}")
    add("decoy-escaped-entry-key.json", "valid", "span-decoy",
        "the real entry and resource keys written with \\u escapes",
        doc(escaped), [a, b])
    inside = compact(dict(json.loads(a), id="decoy-inside",
                          extension=[json.loads(ext)]))
    add("decoy-inside-resource.json", "valid", "span-decoy",
        "a decoy inside entry[0].resource's own extension: part of that record",
        doc(head + b'"entry":[{"resource":' + inside + b'},{"resource":' + b + b"}]}"),
        [inside, b])
    line = compact(dict(json.loads(a), id="decoy-ndjson", extension=[json.loads(ext)]))
    add("decoy-ndjson.ndjson", "valid", "span-decoy",
        "an NDJSON resource with a decoy in its extension: one record, all of it",
        line + b"\n" + b + b"\n", [line, b])
    pretty_bundle = pretty({"resourceType": "Bundle", "type": "collection",
                            "meta": {"extension": [json.loads(ext)]},
                            "entry": [{"resource": json.loads(a)}, {"resource": json.loads(b)}]})
    # Pretty-printed: each stored text is the entry's resource as it is in the file.
    start_a = pretty_bundle.index(b'{\n        "resourceType": "Observation",\n        "id": '
                                  b'"decoy-real-1"')
    end_a = pretty_bundle.index(b"\n      }\n    },", start_a) + len(b"\n      }")
    start_b = pretty_bundle.index(b'{\n        "resourceType": "Condition"')
    end_b = pretty_bundle.index(b"\n      }\n    }\n  ]", start_b) + len(b"\n      }")
    add("decoy-pretty.json", "valid", "span-decoy",
        "a pretty-printed Bundle with a decoy in meta.extension before entry",
        pretty_bundle, [pretty_bundle[start_a:end_a], pretty_bundle[start_b:end_b]])

# }}}
# {{{ Bundle types and structure


def bundles():
    pr = compact({"resourceType": "Practitioner", "id": "doc-pr1",
                  "name": [{"family": "Okafor", "given": ["Ines"]}]})
    comp = compact({"resourceType": "Composition", "id": "doc-comp", "status": "final",
                    "type": {"coding": [{"system": "http://loinc.org", "code": "60591-5",
                                         "display": "Patient summary Document"}]},
                    "date": "2021-06-01T09:00:00Z",
                    "author": [{"reference": "Practitioner/doc-pr1"}],
                    "title": "Summary", "section": [{"title": "Results",
                                                     "entry": [{"reference":
                                                                "Observation/doc-obs"}]}]})
    obs = compact(observation("doc-obs"))
    document = (b'{"resourceType":"Bundle","id":"doc-1","identifier":{"system":"urn:ietf:rfc:3986",'
                b'"value":"urn:uuid:7b7e2f6a-51c1-4e0e-9f4f-61c0a8b6d901"},"type":"document",'
                b'"timestamp":"2021-06-01T09:00:00Z","entry":['
                b'{"fullUrl":"http://example.org/fhir/Composition/doc-comp","resource":' + comp +
                b'},{"fullUrl":"http://example.org/fhir/Practitioner/doc-pr1","resource":' + pr +
                b'},{"fullUrl":"http://example.org/fhir/Observation/doc-obs","resource":' + obs +
                b"}]}")
    org = compact(organization("coll-org"))
    add("bundle-collection-of-document.json", "valid", "bundle",
        "a collection Bundle whose entry holds a document Bundle",
        b'{"resourceType":"Bundle","type":"collection","entry":[{"resource":' + org +
        b'},{"resource":' + document + b"}]}\n", [org, comp, pr, obs])
    c1 = compact(condition("nest-c1"))
    o1 = compact(observation("nest-o1"))
    add("bundle-nested-three.json", "valid", "bundle",
        "collection in collection in collection",
        b'{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":'
        b'"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Bundle","type":'
        b'"collection","entry":[{"resource":' + c1 + b'}]}},{"resource":' + o1 + b"}]}}]}\n",
        [c1, o1])
    add("bundle-no-entry.json", "valid", "bundle", "a collection Bundle without entries",
        b'{"resourceType":"Bundle","type":"collection"}\n', [])
    x = compact(observation("tx-new"))
    add("bundle-transaction-delete.json", "valid", "bundle",
        "a transaction with a POST and a DELETE entry (no resource, as R4 has it)",
        b'{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":'
        b'"urn:uuid:61ad0f1c-8a59-4c5b-bb43-0e2f4d9a7c11","resource":' + x +
        b',"request":{"method":"POST","url":"Observation"}},{"request":{"method":"DELETE",'
        b'"url":"Observation/tx-old"}}]}\n', [x])
    add("bundle-transaction-only-delete.json", "valid", "bundle",
        "a transaction holding only a DELETE entry",
        b'{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE",'
        b'"url":"Condition/tx-gone"}}]}\n', [])
    y = compact(condition("batch-put"))
    add("bundle-batch-delete.json", "valid", "bundle", "a batch with a PUT and a DELETE entry",
        b'{"resourceType":"Bundle","type":"batch","entry":[{"resource":' + y +
        b',"request":{"method":"PUT","url":"Condition/batch-put"}},{"request":{"method":"DELETE",'
        b'"url":"Condition/batch-gone"}}]}\n', [y])
    z = compact(dict(observation("br-created"), meta={"versionId": "1",
                                                      "lastUpdated": "2021-03-01T00:00:00Z"}))
    add("bundle-batch-response.json", "valid", "bundle",
        "a batch-response: entries with only a response, and one with its resource",
        b'{"resourceType":"Bundle","type":"batch-response","entry":[{"response":{"status":'
        b'"201 Created","location":"Observation/br-1/_history/1","etag":"W/\\"1\\""}},'
        b'{"resource":' + z + b',"response":{"status":"201 Created","location":'
        b'"Observation/br-created/_history/1"}},{"response":{"status":"204 No Content"}}]}\n',
        [z])
    add("bundle-transaction-response.json", "valid", "bundle",
        "a transaction-response whose entries have only a response",
        b'{"resourceType":"Bundle","type":"transaction-response","entry":[{"response":'
        b'{"status":"201 Created","location":"Patient/tr-1/_history/1"}},{"response":'
        b'{"status":"200 OK"}}]}\n', [])
    s1 = compact(observation("ss-1"))
    oo = compact({"resourceType": "OperationOutcome", "id": "ss-outcome",
                  "issue": [{"severity": "information", "code": "informational",
                             "diagnostics": "Some results are withheld"}]})
    add("bundle-searchset-outcome.json", "valid", "bundle",
        "a searchset with a match and an OperationOutcome entry",
        b'{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"fullUrl":'
        b'"http://example.org/fhir/Observation/ss-1","resource":' + s1 +
        b',"search":{"mode":"match"}},{"resource":' + oo + b',"search":{"mode":"outcome"}}]}\n',
        None)
    add("bundle-searchset-entry-without-resource.json", "invalid", "bundle",
        "a searchset entry without a resource (R4 requires one outside history and batch)",
        b'{"resourceType":"Bundle","type":"searchset","entry":[{"resource":' + s1 +
        b'},{"request":{"method":"DELETE","url":"Observation/ss-2"}}]}\n')

    def history(entries):
        return (b'{"resourceType":"Bundle","type":"history","entry":[' + b",".join(entries) +
                b"]}\n")

    v1 = compact(dict(observation("hist-1", value=70),
                      meta={"versionId": "1", "lastUpdated": "2022-01-01T00:00:00Z"}))
    v2 = compact(dict(observation("hist-1", value=75),
                      meta={"versionId": "2", "lastUpdated": "2022-02-01T00:00:00Z"}))
    put1 = (b'{"fullUrl":"http://example.org/fhir/Observation/hist-1","resource":' + v1 +
            b',"request":{"method":"PUT","url":"Observation/hist-1"},"response":{"status":'
            b'"200 OK"}}')
    put2 = (b'{"fullUrl":"http://example.org/fhir/Observation/hist-1","resource":' + v2 +
            b',"request":{"method":"PUT","url":"Observation/hist-1"},"response":{"status":'
            b'"200 OK"}}')

    def delete(url=None, full_url=None, method="DELETE", when="2022-03-01T00:00:00Z"):
        parts = []
        if full_url is not None:
            parts.append(b'"fullUrl":' + json.dumps(full_url).encode())
        req = [b'"method":' + json.dumps(method).encode()]
        if url is not None:
            req.append(b'"url":' + json.dumps(url).encode())
        parts.append(b'"request":{' + b",".join(req) + b"}")
        parts.append(b'"response":{"status":"204 No Content","lastModified":' +
                     json.dumps(when).encode() + b"}")
        return b"{" + b",".join(parts) + b"}"

    add("history-delete-without-url.json", "invalid", "history",
        "a history DELETE with neither request.url nor fullUrl: which record?",
        history([delete(), put1]))
    add("history-delete-without-url-with-fullurl.json", "invalid", "history",
        "a history DELETE without request.url (R4: request.url is required), only a fullUrl",
        history([delete(full_url="http://example.org/fhir/Observation/hist-1"), put1]))
    add("history-delete-without-request.json", "invalid", "history",
        "a history entry with neither resource nor request",
        history([b'{"response":{"status":"204 No Content"}}', put1]))
    add("history-delete-url-no-type.json", "invalid", "history",
        "a history DELETE whose request.url names no resource type",
        history([delete(url="records/hist-1"), put1]))
    add("history-delete-method-lowercase.json", "invalid", "history",
        "a history entry without a resource whose method is \"delete\" (not an R4 code)",
        history([delete(url="Observation/hist-1", method="delete"), put1]))
    add("history-delete-never-imported.json", "valid", "history",
        "a history DELETE of a record never imported: nothing to delete",
        history([delete(url="Observation/never-seen"), put1]), [v1])
    add("history-delete-only.json", "valid", "history",
        "a history Bundle holding only a DELETE of an unknown record",
        history([delete(url="Condition/never-seen")]), [])
    add("history-delete-versioned-url.json", "valid", "history",
        "a history DELETE whose request.url has a _history suffix",
        history([delete(url="Observation/hist-1/_history/3"), put2, put1]), None)
    add("history-delete-absolute-url.json", "valid", "history",
        "a history DELETE whose request.url is absolute",
        history([delete(url="http://example.org/fhir/Observation/hist-1"), put1]), None)
    add("history-delete-then-restored.json", "valid", "history",
        "a DELETE followed by a newer version (the record comes back)",
        history([put2, delete(url="Observation/hist-1", when="2022-01-15T00:00:00Z"), put1]),
        None)
    add("history-versions.json", "valid", "history", "two versions of one record, newest first",
        history([put2, put1]), None)

# }}}
# {{{ NDJSON


def ndjson():
    lines = [compact(observation(f"nd-{i}", value=60 + i)) for i in range(1, 6)]
    good = b"\n".join(lines) + b"\n"

    def replace_line(k, new):
        copy = list(lines)
        copy[k] = new
        return b"\n".join(copy) + b"\n"

    for slug, data, what in (
            ("bad-middle-truncated", replace_line(2, lines[2][:40]),
             "five lines, the third cut short"),
            ("bad-middle-not-json", replace_line(2, b"this is not json"),
             "five lines, the third is not JSON"),
            ("bad-last-truncated", replace_line(4, lines[4][:-1]),
             "five lines, the last missing its closing brace"),
            ("bad-first-garbage", replace_line(0, b"<html><body>Error</body></html>"),
             "five lines, the first is HTML"),
            ("bad-middle-trailing-garbage", replace_line(2, lines[2] + b" ,"),
             "five lines, the third followed by a comma"),
            ("bad-middle-two-values", replace_line(2, lines[2] + lines[3]),
             "five lines, the third holding two values"),
            ("bad-middle-comment", replace_line(2, b"// " + lines[2]),
             "five lines, the third commented out"),
            ("cr-only", b"\r".join(lines) + b"\r",
             "lines ended by CR alone: one line of five values")):
        add(f"ndjson-{slug}.ndjson", "invalid", "ndjson", what, data)
    add("ndjson-array-wrapped.ndjson", "invalid", "wrong-type",
        "a JSON array of resources, one per line, looking like NDJSON",
        b"[\n" + b",\n".join(lines) + b"\n]\n")

    add("ndjson-blank-lines.ndjson", "valid", "ndjson", "blank lines between and after lines",
        b"\n\n" + lines[0] + b"\n\n" + lines[1] + b"\n   \n\t\n" + lines[2] + b"\n\n\n", lines[:3])
    add("ndjson-crlf.ndjson", "valid", "ndjson", "CRLF line ends",
        b"\r\n".join(lines) + b"\r\n", lines)
    add("ndjson-crlf-blank.ndjson", "valid", "ndjson", "CRLF line ends and blank CRLF lines",
        b"\r\n" + lines[0] + b"\r\n\r\n" + lines[1] + b"\r\n \r\n" + lines[2] + b"\r\n", lines[:3])
    add("ndjson-no-final-newline.ndjson", "valid", "ndjson", "no line feed after the last line",
        good.rstrip(b"\n"), lines)
    add("ndjson-padded-lines.ndjson", "valid", "ndjson", "spaces and tabs around each line",
        b"".join(b"  " + ln + b" \t\n" for ln in lines), lines)
    add("ndjson-one-line.ndjson", "valid", "ndjson", "a single line", lines[0] + b"\n",
        lines[:1])
    bundle_line = compact({"resourceType": "Bundle", "type": "collection",
                           "entry": [{"resource": observation("nd-in-bundle")}]})
    add("ndjson-bundle-line.ndjson", "valid", "ndjson", "a line that is a Bundle",
        lines[0] + b"\n" + bundle_line + b"\n",
        [lines[0], compact(observation("nd-in-bundle"))])

# }}}
# {{{ older FHIR versions


def older():
    for version, rel in (("dstu2", "older-fhir/dstu2-Abernathy_Francine_55.json"),
                         ("stu3", "older-fhir/stu3-Abernathy_Francine_55.json")):
        with open(os.path.join(DATA, rel), "rb") as f:
            data = f.read()
        add(f"older-{version}-bundle.json", "invalid", "older-fhir",
            f"{rel}: a {version.upper()} Synthea patient (R4-only check: issue 10)", data)
        bundle = json.loads(data)

        def first(type_, must=None):
            for e in bundle["entry"]:
                r = e["resource"]
                if r["resourceType"] == type_ and (must is None or must in r):
                    return r
            raise KeyError(type_)
        if version == "dstu2":
            picks = [("MedicationOrder", None, "a DSTU2 MedicationOrder (no such R4 type)"),
                     ("Condition", "patient", "a DSTU2 Condition (patient, not subject)")]
        else:
            picks = [("Observation", "context", "an STU3 Observation (context, not encounter)"),
                     ("Condition", "assertedDate", "an STU3 Condition (assertedDate, context)")]
        for type_, member, what in picks:
            r = first(type_, member)
            add(f"older-{version}-{type_.lower()}.json", "invalid", "older-fhir",
                what + f", taken from {rel} (R4-only check: issue 10)", pretty(r))
        if version == "stu3":
            rs = [first("Observation", "context"), first("Condition", "assertedDate")]
            add("older-stu3-resources.ndjson", "invalid", "older-fhir",
                f"STU3 resources as NDJSON, taken from {rel} (R4-only check: issue 10)",
                b"".join(compact(r) + b"\n" for r in rs))

    # Elements R4 does not have, with and without a sign of an older version, and the R4
    # elements a table of names must not refuse.
    def obs(**members):
        r = observation("r4-check")
        r.update(members)
        return r
    tells = [
        ("r4-unknown-element.json", "an Observation with an element R4 does not have (foo)",
         pretty(obs(foo=True))),
        ("r4-unknown-underscore.json", "an Observation with _foo: no primitive foo to extend",
         pretty(obs(_foo={"id": "x"}))),
        ("r4-underscore-of-complex.json", "_code: code is a CodeableConcept, not a primitive",
         pretty(obs(_code={"id": "x"}))),
        ("r4-fhir-comments.json", "DSTU2's JSON comments (fhir_comments)",
         pretty(obs(fhir_comments=["a comment"]))),
        ("r4-unknown-in-contained.json", "a contained Medication with an element R4 lacks",
         pretty({"resourceType": "MedicationRequest", "id": "mr", "status": "active",
                 "intent": "order", "subject": {"reference": "Patient/p"},
                 "medicationReference": {"reference": "#m"},
                 "contained": [{"resourceType": "Medication", "id": "m", "isBrand": True}]})),
        ("r4-unknown-in-entry.json", "a Bundle entry's Observation with an element R4 lacks",
         pretty({"resourceType": "Bundle", "type": "collection",
                 "entry": [{"resource": observation("ok-1")}, {"resource": obs(valueFoo=1)}]})),
        ("older-stu3-immunization.json", "an STU3 Immunization (notGiven)",
         pretty({"resourceType": "Immunization", "id": "i", "status": "completed",
                 "notGiven": False, "vaccineCode": {"text": "Influenza"},
                 "patient": {"reference": "Patient/p"}, "date": "2017-01-01"})),
        ("older-stu3-allergy-status-text.json",
         "an STU3 AllergyIntolerance (verificationStatus as a code, not a CodeableConcept)",
         pretty({"resourceType": "AllergyIntolerance", "id": "a",
                 "verificationStatus": "confirmed", "code": {"text": "Penicillin"},
                 "patient": {"reference": "Patient/p"}})),
        ("older-dstu2-encounter-class-text.json", "a DSTU2 Encounter (class as a code)",
         pretty({"resourceType": "Encounter", "id": "e", "status": "finished",
                 "class": "inpatient"})),
        ("older-stu3-procedurerequest.json", "a ProcedureRequest (STU3 and DSTU2, not R4)",
         pretty({"resourceType": "ProcedureRequest", "id": "pr", "status": "active",
                 "intent": "order", "code": {"text": "X-ray"},
                 "subject": {"reference": "Patient/p"}})),
    ]
    for name, what, data in tells:
        add(name, "invalid", "older-fhir", what + " (R4-only check: issue 10)", data)
    r4 = compact(obs(_status={"extension": [{"url": "http://example.org/x", "valueString": "y"}]},
                     effectiveDateTime="2020-01-01", _effectiveDateTime={"id": "d"},
                     extension=[{"url": "http://example.org/e", "valueBoolean": True}],
                     modifierExtension=[]))
    add("r4-primitive-extensions.ndjson", "valid", "older-fhir",
        "R4's _x siblings of primitives, choice elements and extensions: all R4", r4 + b"\n",
        [r4])

# }}}
# {{{ recipes: built by the test at run time


def recipes():
    recipe("fifo", "invalid", "special", "a FIFO with no writer: refused without blocking")
    recipe("socket", "invalid", "special", "a Unix socket")
    recipe("symlink-loop", "invalid", "special", "a symbolic link loop (a -> b -> a)")
    recipe("dev-zero", "invalid", "special", "a symbolic link to /dev/zero: endless zero bytes")
    recipe("dev-null", "invalid", "special", "a symbolic link to /dev/null: empty")
    recipe("dir-nested-40", "valid", "special",
           "a resource 40 folders deep: folders may nest as deep as the file system lets them")
    recipe("dir-nested-20", "valid", "special", "a resource 20 folders deep")
    recipe("dir-symlink-loop", "valid", "special",
           "a folder holding a link to itself and a good file: each folder is read once")
    recipe("dir-with-fifo", "invalid", "special", "a folder with a good file and a FIFO")
    recipe("dir-empty", "invalid", "special", "an empty folder: nothing to import")
    recipe("giant-string-document", "invalid", "giant",
           "a resource document with a string of 64 MiB + 1 bytes")
    recipe("giant-string-ndjson", "invalid", "giant",
           "an NDJSON line with a string of 64 MiB + 1 bytes")
    recipe("giant-key", "invalid", "giant", "a key of 64 MiB + 1 bytes")

# }}}
# {{{ checks and output


def rfc8259_ok(data):
    """A strict RFC 8259 reading of a document, or of every non-blank line of NDJSON."""
    def strict(text):
        def pairs(items):
            keys = [k for k, _ in items]
            if len(set(keys)) != len(keys):
                raise ValueError("duplicate key")
            return dict(items)

        def constant(name):
            raise ValueError(name)

        def walk(value):
            if isinstance(value, str):
                value.encode("utf-8")          # a lone surrogate escape fails here
            elif isinstance(value, dict):
                for k, v in value.items():
                    k.encode("utf-8")
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
        walk(json.loads(text, object_pairs_hook=pairs, parse_constant=constant))

    try:
        text = data.decode("utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        try:
            strict(text)
        except ValueError:
            lines = [ln for ln in text.split("\n") if ln.strip(" \t\r")]
            if len(lines) < 2:
                raise
            for ln in lines:
                strict(ln)
        return True
    except (ValueError, UnicodeError, RecursionError):
        return False


def b64url(data):
    import base64
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def card_jws(payload, rng, header=None):
    """A compact JWS as a SMART Health Card's: PAYLOAD raw-DEFLATEd, a signature of random
    bytes (no key signs these: each must be refused before a signature is checked)."""
    import zlib
    if header is None:
        header = {"alg": "ES256", "kid": "hostile-kid", "zip": "DEF"}
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = z.compress(payload) + z.flush()
    sig = bytes(rng.getrandbits(8) for _ in range(64))
    return b".".join([b64url(compact(header)), b64url(body), b64url(sig)])


def png(width, height, rows):
    """A grayscale PNG of ROWS (bytes per row) written by hand; its IHDR may claim more."""
    import struct
    import zlib

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xffffffff
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) +
            chunk(b"IEND", b""))


def cards():
    """SMART Health Cards (issue 13): what the card reader must refuse, through import."""
    rng = random.Random(1300)
    iss = "https://hostile.example/issuer"
    good = {"iss": iss, "nbf": 1700000000,
            "vc": {"type": ["https://smarthealth.cards#health-card"],
                   "credentialSubject": {"fhirVersion": "4.0.1",
                                         "fhirBundle": {"resourceType": "Bundle",
                                                        "type": "collection", "entry": []}}}}
    bomb = b" " * (16 * 1024 * 1024) + compact(good)
    add("card-deflate-bomb.smart-health-card", "invalid", "cards",
        "a card whose payload inflates to 16 MiB (the cap is 4 MiB)",
        compact({"verifiableCredential": [card_jws(bomb, rng).decode()]}))
    not_card = {"iss": iss, "nbf": 1700000000, "vc": {"type": ["VerifiableCredential"]}}
    add("card-not-a-health-card.smart-health-card", "invalid", "cards",
        "a JWS whose payload is not a health card (no health-card type, no Bundle)",
        compact({"verifiableCredential": [card_jws(compact(not_card), rng).decode()]}))
    add("card-no-zip.smart-health-card", "invalid", "cards",
        "a card's JWS without zip DEF in its header",
        compact({"verifiableCredential": [card_jws(compact(good), rng,
                                                   {"alg": "ES256", "kid": "k"}).decode()]}))
    add("card-http-issuer.smart-health-card", "invalid", "cards",
        "a card whose iss is plain http",
        compact({"verifiableCredential": [card_jws(compact(dict(good, iss="http://x.example")),
                                                   rng).decode()]}))
    add("card-no-credentials.smart-health-card", "invalid", "cards",
        "a .smart-health-card file whose verifiableCredential is empty",
        compact({"verifiableCredential": []}))
    add("card-odd-digits.txt", "invalid", "cards", "shc:/ text with an odd number of digits",
        b"shc:/567\n")
    add("card-pair-over-77.txt", "invalid", "cards", "shc:/ text with the pair 78",
        b"shc:/5678\n")
    add("card-white.png", "invalid", "cards", "a PNG image that holds no QR code",
        png(64, 64, [b"\xff" * 64] * 64))
    add("card-huge-dimensions.png", "invalid", "cards",
        "a PNG whose header claims 60000 x 60000 pixels (refused before any pixel memory)",
        png(60000, 60000, [b"\xff" * 16]))


def build():
    grammar()
    truncations()
    wrong_types()
    number_range()
    depth()
    utf8()
    surrogates()
    boms()
    duplicates()
    nuls()
    decoys()
    bundles()
    ndjson()
    older()
    cards()
    recipes()

    for name, expect, category, description, data in cases:
        if data is None:
            continue
        ok = rfc8259_ok(data)
        if category in RFC_BROKEN and expect != "valid":
            assert not ok, f"{name} is meant to break RFC 8259 but reads as JSON"
        elif category not in ("depth", "cards"):
            assert ok, f"{name} is meant to be well-formed JSON but is not"
    stems = [stored_name(name) for name in stored]
    assert len(stems) == len(set(stems))
    for name, texts in stored.items():
        for t in texts:
            assert rfc8259_ok(t), name


def stored_name(name):
    """stored/STEM.json for the case NAME (STEM: NAME without its extension)."""
    return os.path.splitext(name)[0] + ".json"


def write(out):
    os.makedirs(os.path.join(out, "stored"))
    rows = ["# tests/data/hostile/MANIFEST.tsv — generated by build-aux/gen-hostile.py; "
            "do not edit",
            "# file\texpect\tcategory\tdescription"]
    for name, expect, category, description, data in cases:
        rows.append(f"{name}\t{expect}\t{category}\t{description}")
        if data is not None:
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
    with open(os.path.join(out, "MANIFEST.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(rows) + "\n")
    for name, texts in sorted(stored.items()):
        with open(os.path.join(out, "stored", stored_name(name)), "w", encoding="utf-8",
                  newline="\n") as f:
            f.write(json.dumps([t.decode("utf-8") for t in texts], ensure_ascii=True, indent=0))
            f.write("\n")
    with open(os.path.join(out, ".gitattributes"), "w", newline="\n") as f:
        f.write("# Generated by build-aux/gen-hostile.py: the bytes are the test.\n"
                "* -text -diff\nMANIFEST.tsv text diff\n")


def tree(path):
    found = {}
    for root, dirs, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            with open(full, "rb") as f:
                found[os.path.relpath(full, path)] = f.read()
    return found


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    out = args[0] if args else os.path.join(DATA, "hostile")
    build()
    if check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = os.path.join(tmp, "hostile")
            write(fresh)
            want, have = tree(fresh), tree(out)
            if want != have:
                changed = sorted(set(want) ^ set(have) |
                                 {k for k in want if k in have and want[k] != have[k]})
                print(f"gen-hostile: {len(changed)} files differ from what the script makes, "
                      f"e.g. {changed[:5]}; run build-aux/gen-hostile.py", file=sys.stderr)
                return 1
            print(f"gen-hostile: {len(cases)} cases, all as generated")
            return 0
    if os.path.isdir(out):
        shutil.rmtree(out)
    write(out)
    valid = sum(1 for c in cases if c[1] == "valid")
    print(f"gen-hostile: {len(cases)} cases ({valid} valid, {len(cases) - valid} invalid) "
          f"in {os.path.relpath(out, TOP)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
