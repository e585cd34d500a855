#!/usr/bin/env node
// jose-interop.mjs — Healthfolio's JWS and JWE checked by a JOSE library that is not ours
//
// Copyright 2026 The Healthfolio authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// npm's jose 5.10.0 (tests/package.json; build-aux/dev deps installs it into tests/node_modules)
// verifies and decrypts what healthfolio-cli exports, and makes tokens for hf-jose to verify
// and decrypt. Usage:
//
//   node tests/jose-interop.mjs verify JWS_FILE KEY_FILE [OUT_FILE]
//       KEY_FILE is a public JWK or a JWKS ({"keys":[…]}, the key picked by "kid" and "alg").
//       Prints {"sha256":…,"length":…,"header":{…}}: the SHA-256 (hex) of the verified payload,
//       which is written to OUT_FILE when one is given.
//   node tests/jose-interop.mjs decrypt JWE_FILE (--jwk PRIVATE_JWK_FILE | --passphrase-file F)
//                                       OUT_FILE
//       Writes the plaintext to OUT_FILE; prints {"sha256":…,"length":…,"header":{…}}.
//   node tests/jose-interop.mjs keygen PRIVATE_JWK_FILE PUBLIC_JWK_FILE (ES256|ECDH-ES+A256KW)
//   node tests/jose-interop.mjs sign PAYLOAD_FILE PRIVATE_JWK_FILE KID OUT_FILE
//       An ES256 compact JWS, protected header {"alg":"ES256","kid":KID}.
//   node tests/jose-interop.mjs encrypt-key PLAINTEXT_FILE PUBLIC_JWK_FILE KID OUT_FILE
//       ECDH-ES+A256KW with A256GCM, {"cty":"JOSE"} in the header.
//   node tests/jose-interop.mjs encrypt-passphrase PLAINTEXT_FILE PASSPHRASE_FILE P2C OUT_FILE
//       PBES2-HS512+A256KW with A256GCM and P2C iterations, {"cty":"JOSE"} in the header.
//
// A passphrase file's first line is the passphrase (without its "\r\n" or "\n"), as
// healthfolio-cli reads one. Exit status: 0 done, 1 the token was refused (the reason on
// standard error), 2 usage or a file that cannot be read, 3 jose is not installed.
//
// Written for Node 18 (Debian 12's).

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function usage(message) {
  process.stderr.write(`jose-interop: ${message}\n`);
  process.exit(2);
}

function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    usage(`cannot read ${path}: ${e.message}`);
  }
  return '';
}

function readBytes(path) {
  try {
    return readFileSync(path);
  } catch (e) {
    usage(`cannot read ${path}: ${e.message}`);
  }
  return null;
}

function readJson(path) {
  try {
    return JSON.parse(readText(path));
  } catch (e) {
    usage(`${path} is not JSON: ${e.message}`);
  }
  return null;
}

function passphrase(path) {
  const text = readText(path);
  const nl = text.indexOf('\n');
  let line = nl >= 0 ? text.slice(0, nl) : text;
  if (line.endsWith('\r'))
    line = line.slice(0, -1);
  return new TextEncoder().encode(line);
}

// A token as a file holds it: one line, maybe with a newline after it.
function token(path) {
  return readText(path).trim();
}

function report(bytes, header) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  process.stdout.write(JSON.stringify({ sha256, length: bytes.length, header }) + '\n');
}

let jose;
try {
  jose = await import(pathToFileURL(join(here, 'node_modules', 'jose', 'dist', 'node', 'esm',
                                         'index.js')).href);
} catch (e) {
  process.stderr.write('jose-interop: jose is not installed in tests/node_modules: '
                       + `${e.message}\n`);
  process.exit(3);
}

const [command, ...args] = process.argv.slice(2);

async function run() {
  switch (command) {
    case 'verify': {
      if (args.length !== 2 && args.length !== 3)
        usage('verify JWS_FILE KEY_FILE [OUT_FILE]');
      const jwk = readJson(args[1]);
      const key = Array.isArray(jwk.keys) ? jose.createLocalJWKSet(jwk)
                                          : await jose.importJWK(jwk, 'ES256');
      const { payload, protectedHeader } = await jose.compactVerify(token(args[0]), key,
                                                                    { algorithms: ['ES256'] });
      if (args.length === 3)
        writeFileSync(args[2], payload);
      report(Buffer.from(payload), protectedHeader);
      break;
    }
    case 'decrypt': {
      if (args.length !== 4 || (args[1] !== '--jwk' && args[1] !== '--passphrase-file'))
        usage('decrypt JWE_FILE (--jwk PRIVATE_JWK_FILE | --passphrase-file FILE) OUT_FILE');
      const key = args[1] === '--jwk'
        ? await jose.importJWK(readJson(args[2]), 'ECDH-ES+A256KW')
        : passphrase(args[2]);
      const { plaintext, protectedHeader } = await jose.compactDecrypt(token(args[0]), key, {
        keyManagementAlgorithms: ['ECDH-ES+A256KW', 'PBES2-HS512+A256KW'],
        contentEncryptionAlgorithms: ['A256GCM'],
        maxPBES2Count: 10000000,
      });
      writeFileSync(args[3], plaintext);
      report(Buffer.from(plaintext), protectedHeader);
      break;
    }
    case 'keygen': {
      if (args.length !== 3)
        usage('keygen PRIVATE_JWK_FILE PUBLIC_JWK_FILE ALG');
      const { publicKey, privateKey } = await jose.generateKeyPair(args[2],
                                                                   { extractable: true });
      writeFileSync(args[0], JSON.stringify(await jose.exportJWK(privateKey)) + '\n');
      writeFileSync(args[1], JSON.stringify(await jose.exportJWK(publicKey)) + '\n');
      break;
    }
    case 'sign': {
      if (args.length !== 4)
        usage('sign PAYLOAD_FILE PRIVATE_JWK_FILE KID OUT_FILE');
      const key = await jose.importJWK(readJson(args[1]), 'ES256');
      const jws = await new jose.CompactSign(readBytes(args[0]))
        .setProtectedHeader({ alg: 'ES256', kid: args[2] })
        .sign(key);
      writeFileSync(args[3], jws);
      break;
    }
    case 'encrypt-key': {
      if (args.length !== 4)
        usage('encrypt-key PLAINTEXT_FILE PUBLIC_JWK_FILE KID OUT_FILE');
      const key = await jose.importJWK(readJson(args[1]), 'ECDH-ES+A256KW');
      const jwe = await new jose.CompactEncrypt(readBytes(args[0]))
        .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: args[2], cty: 'JOSE' })
        .encrypt(key);
      writeFileSync(args[3], jwe);
      break;
    }
    case 'encrypt-passphrase': {
      if (args.length !== 4)
        usage('encrypt-passphrase PLAINTEXT_FILE PASSPHRASE_FILE P2C OUT_FILE');
      const p2c = Number.parseInt(args[2], 10);
      const jwe = await new jose.CompactEncrypt(readBytes(args[0]))
        .setProtectedHeader({ alg: 'PBES2-HS512+A256KW', enc: 'A256GCM', cty: 'JOSE' })
        .setKeyManagementParameters({ p2c })
        .encrypt(passphrase(args[1]));
      writeFileSync(args[3], jwe);
      break;
    }
    default:
      usage('the commands are verify, decrypt, keygen, sign, encrypt-key and '
            + 'encrypt-passphrase; see the comment at the top of this script');
  }
}

try {
  await run();
} catch (e) {
  process.stderr.write(`jose-interop: refused: ${e.code ?? e.name}: ${e.message}\n`);
  process.exit(1);
}
