/* hf-shl.h — opening SMART Health Links (shlink:/…): the payload, the manifest, the files
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A link is a base64url JSON payload naming a manifest URL and a 32-byte key. The manifest
 * (POSTed for, or for a "U" link the one file GOT directly) lists files, each a compact JWE
 * ("dir" + A256GCM) embedded or at a location, decrypted with the link's key. Everything a
 * link holds is imported in one transaction: all or nothing.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-import.h"
#include "hf-secure.h"

G_BEGIN_DECLS

#define HF_SHL_VERSION             1                   /* the newest payload "v" understood */
#define HF_SHL_MAX_LINK            (64 * 1024)         /* link text, viewer prefix and all */
#define HF_SHL_MAX_LABEL           80                  /* characters */
#define HF_SHL_MAX_FILES           1000                /* a manifest listing more is refused */
#define HF_SHL_MAX_MANIFEST        (16 * 1024 * 1024)  /* bytes of a manifest answer */
#define HF_SHL_MAX_FILE            (16 * 1024 * 1024)  /* bytes of one encrypted file */
#define HF_SHL_MAX_INFLATED        (16 * 1024 * 1024)  /* bytes of one decrypted file */
#define HF_SHL_EMBEDDED_LENGTH_MAX (1024 * 1024)       /* asked for in the manifest request */

typedef enum
{
  HF_SHL_FLAG_LONG_TERM = 1 << 0,   /* "L": the link may be opened again later */
  HF_SHL_FLAG_PASSCODE  = 1 << 1,   /* "P": the manifest request needs a passcode */
  HF_SHL_FLAG_DIRECT    = 1 << 2,   /* "U": the url is the one file, fetched with GET */
} HfShlFlags;

typedef struct
{
  char       *url;        /* the manifest's (or with U the file's) https URL */
  HfSecret   *key;        /* 32 bytes */
  gint64      exp;        /* seconds since the epoch; 0: does not expire */
  HfShlFlags  flags;
  char       *label;      /* or NULL */
  gint        version;    /* "v", 1 when absent */
  char       *uri;        /* "shlink:/" and the payload, without a viewer prefix */
} HfShlLink;

/* TEXT: "shlink:/PAYLOAD" or a viewer's "https://…#shlink:/PAYLOAD" (LENGTH -1: nul-ended).
 * A refusal is HF_ERROR_INVALID_INPUT with a sentence saying what is wrong; nothing is
 * fetched here. Unknown payload members and unknown flag letters are ignored. */
HfShlLink  *hf_shl_link_parse      (const char       *text,
                                    gssize            length,
                                    GError          **error);
/* Whether TEXT looks like a link (so that import should open it rather than read a file). */
gboolean    hf_shl_is_link         (const char       *text);
gboolean    hf_shl_link_is_expired (const HfShlLink  *link,
                                    gint64            now);
void        hf_shl_link_free       (HfShlLink        *link);

typedef struct
{
  char *content_type;   /* the manifest's contentType */
  char *embedded;       /* the compact JWE, or NULL */
  char *location;       /* where to fetch it, or NULL */
} HfShlFile;

typedef struct
{
  char      *status;    /* "finalized", "can-change", "no-longer-valid", or NULL */
  GPtrArray *files;     /* HfShlFile */
} HfShlManifest;

/* A manifest answer's JSON. Each file has a contentType and exactly one of embedded and
 * location (an https URL, or http on loopback); more than HF_SHL_MAX_FILES files is refused.
 * Refusals are HF_ERROR_INVALID_INPUT. */
HfShlManifest *hf_shl_manifest_parse (const char   *json,
                                      gsize         length,
                                      GError      **error);
void           hf_shl_manifest_free  (HfShlManifest *manifest);

typedef struct
{
  const char     *recipient;   /* who is opening it, sent to the server; NULL: "Healthfolio" */
  const HfSecret *passcode;    /* for a P link */
  const char     *ca_file;     /* also trust this CA (PEM); NULL: the system's */
  /* For the SMART Health Cards a link holds (hf-shc.h): never fetch their issuers' keys, and
   * import a card whose issuer is not trusted (marked unverified) rather than refuse. */
  gboolean        offline;
  gboolean        allow_unverified;
} HfShlOpenOptions;

typedef struct
{
  GBytes *bytes;          /* decrypted */
  char   *content_type;   /* the media type it was read as, parameters left off */
} HfShlDocument;

typedef struct
{
  GPtrArray *documents;   /* HfShlDocument, in the manifest's order */
  GPtrArray *warnings;    /* char *, sentences */
  guint      requests;    /* HTTP requests made */
} HfShlContents;

void hf_shl_contents_free (HfShlContents *contents);

/* Fetches and decrypts everything LINK holds, refusing an expired link (or a newer "v")
 * before any request. A wrong passcode is HF_ERROR_AUTH saying how many attempts are left; a
 * link the server no longer knows is HF_ERROR_NOT_FOUND; a file that does not decrypt with
 * the link's key is HF_ERROR_INTEGRITY; a server that fails is HF_ERROR_NETWORK. */
HfShlContents *hf_shl_fetch  (const HfShlLink         *link,
                              const HfShlOpenOptions  *options,
                              GCancellable            *cancellable,
                              GError                 **error);

typedef struct
{
  HfImportResult *imported;
  GPtrArray      *warnings;   /* char * */
  guint           files;      /* files the link held */
  guint           requests;
} HfShlImport;

void hf_shl_import_free (HfShlImport *import);

/* hf_shl_fetch(), then every file imported in one transaction with IMPORT_OPTIONS: all or
 * nothing. FHIR files are imported as unsigned Bundles; SMART Health Card files are verified
 * as cards (hf_shc_read()) and their records carry the card's verification; a file of another
 * kind fails the whole import, saying what it is. */
gboolean hf_shl_import (HfVault                 *vault,
                        const HfShlLink         *link,
                        const HfShlOpenOptions  *options,
                        const HfImportOptions   *import_options,
                        GCancellable            *cancellable,
                        HfShlImport            **out,
                        GError                 **error);

/* An "L" link kept as a source: opened again by hf_shl_source_sync(). */
typedef struct
{
  char   *name;
  char   *uri;          /* the link itself, key and all: never printed */
  char   *url;          /* its manifest's address */
  char   *label;        /* or NULL */
  char   *recipient;    /* sent to its server at each sync */
  gint64  exp;          /* 0: does not expire */
  gboolean passcode;    /* a sync needs the passcode */
  gint64  added;        /* seconds since the epoch */
  gint64  last_sync;    /* 0: never */
  char   *last_status;  /* or NULL */
} HfShlSource;

void         hf_shl_source_free   (HfShlSource             *source);
/* Keeps LINK_TEXT under NAME (names are the vault's sources' names: see the CLI). Only a link
 * with the "L" flag, not expired, can be kept (HF_ERROR_INVALID_INPUT); a name in use is
 * HF_ERROR_EXISTS. Nothing is fetched. */
HfShlSource *hf_shl_source_add    (HfVault                 *vault,
                                   const char              *name,
                                   const char              *link_text,
                                   const char              *recipient,
                                   GError                 **error);
HfShlSource *hf_shl_source_get    (HfVault                 *vault,
                                   const char              *name,
                                   GError                 **error);
GPtrArray   *hf_shl_source_list   (HfVault                 *vault,
                                   GError                 **error);
gboolean     hf_shl_source_remove (HfVault                 *vault,
                                   const char              *name,
                                   GError                 **error);
/* Opens the kept link again (a new manifest request) and imports what it holds now, all or
 * nothing; what did not change is left as it is. OPTIONS: the passcode and CA file (its
 * recipient, if set, replaces the stored one for this sync). The outcome is kept as the
 * source's last status. */
gboolean     hf_shl_source_sync   (HfVault                 *vault,
                                   const char              *name,
                                   const HfShlOpenOptions  *options,
                                   const HfImportOptions   *import_options,
                                   GCancellable            *cancellable,
                                   HfShlImport            **out,
                                   GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShlSource, hf_shl_source_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShlLink, hf_shl_link_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShlManifest, hf_shl_manifest_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShlContents, hf_shl_contents_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShlImport, hf_shl_import_free)

G_END_DECLS
