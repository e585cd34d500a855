/* hf-trust.h — the issuers whose signatures the vault believes, and their keys
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An issuer is an https URL ("iss"). Its keys come one of two ways, and the vault says which:
 * added by hand (a JWKS file given with `trust add`, by a member, at a time), or fetched from
 * ISS/.well-known/jwks.json and cached for a day with the time it was fetched. The hand-added
 * set always wins; a fetched set never replaces it.
 */

#pragma once

#include "hf-jose.h"
#include "hf-vault.h"

G_BEGIN_DECLS

/* A fetched key set is used without fetching again for this long (µs). */
#define HF_TRUST_CACHE_AGE   (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)
/* What a fetch may bring and how long it may take. */
#define HF_TRUST_FETCH_MAX   (256 * 1024)
#define HF_TRUST_FETCH_TIMEOUT_MS 10000

typedef enum
{
  HF_TRUST_FLAGS_NONE = 0,
  HF_TRUST_OFFLINE    = 1 << 0,   /* never fetch: only hand-added or cached keys */
} HfTrustFlags;

typedef enum
{
  HF_TRUST_HOW_NONE,
  HF_TRUST_HOW_HAND,       /* added by hand */
  HF_TRUST_HOW_CACHED,     /* fetched earlier, from the cache */
  HF_TRUST_HOW_FETCHED,    /* fetched just now */
  HF_TRUST_HOW_DIRECTORY,  /* listed with its keys in an imported issuer directory */
} HfTrustHow;

typedef struct
{
  HfTrustHow  how;
  char       *added_by;    /* the member who added it by hand (or imported the directory) */
  gint64      at;          /* µs since the epoch: when it was added or fetched */
} HfTrustSource;

void        hf_trust_source_clear    (HfTrustSource *source);
/* "added by hand by Alex on 1 Dec 2026", "fetched from ISS/.well-known/jwks.json on …". */
char       *hf_trust_source_describe (const HfTrustSource *source,
                                      const char          *iss);
/* "hand", "cached", "fetched", "directory" or "none". */
const char *hf_trust_how_to_string   (HfTrustHow how);

typedef struct
{
  char       *iss;
  HfTrustHow  how;          /* HAND or CACHED */
  char       *added_by;
  gint64      at;
  GStrv       kids;
} HfTrustIssuer;

void        hf_trust_issuer_free     (HfTrustIssuer *issuer);

/* ISS must be an https URL without query, fragment or user name. */
gboolean    hf_trust_check_iss       (const char    *iss,
                                      GError       **error);
/* Trusts ISS's keys in JWKS (LENGTH bytes: hf_jwks_parse() rules), added by hand by the acting
 * member (HF_PERMISSION_MANAGE). An issuer already added by hand is HF_ERROR_EXISTS; a cached
 * fetched set for it is replaced, and *REPLACED_FETCHED (may be NULL) says so. NOTES (may be
 * NULL): the keys skipped, as sentences. */
gboolean    hf_trust_add             (HfVault       *vault,
                                      const char    *iss,
                                      const char    *jwks,
                                      gsize          length,
                                      gboolean      *replaced_fetched,
                                      GPtrArray    **notes,
                                      GError       **error);
/* Forgets ISS (hand-added or cached). HF_ERROR_NOT_FOUND if it is not there. */
gboolean    hf_trust_remove          (HfVault       *vault,
                                      const char    *iss,
                                      GError       **error);
/* HfTrustIssuer*, sorted by iss. */
GPtrArray  *hf_trust_list            (HfVault       *vault,
                                      GError       **error);
/* The public key ISS names KID: from the hand-added set, else an imported issuer directory's
 * keys (trust import-directory), else a cached fetched set younger
 * than a day, else (unless HF_TRUST_OFFLINE) fetched from ISS/.well-known/jwks.json over https
 * with TLS verified (EXTRA_CA_FILE, may be NULL, added to the system's CAs: for tests and
 * private CAs), no redirect to http, at most HF_TRUST_FETCH_MAX bytes within
 * HF_TRUST_FETCH_TIMEOUT_MS, and cached. HOW (may be NULL) says where the key came from.
 * Refusals: HF_ERROR_NOT_PERMITTED for an issuer with no keys (unknown offline, fetch refused
 * with a status, key set unusable) or a KID it does not have; HF_ERROR_NETWORK when the fetch
 * could not be made; HF_ERROR_INVALID_INPUT for an ISS that is not an https URL. */
HfJoseKey  *hf_trust_find_key        (HfVault       *vault,
                                      const char    *iss,
                                      const char    *kid,
                                      HfTrustFlags   flags,
                                      const char    *extra_ca_file,
                                      HfTrustSource *how,
                                      GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfTrustIssuer, hf_trust_issuer_free)

G_END_DECLS
