/* hf-shl-make.h — SMART Health Links made from a share, for a plain static web host
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A link is an export like the others (hf_disclosure_export(), format "shl"): the shared
 * Bundle encrypted as a compact JWE ("dir", A256GCM, a fresh random key and IV) and written,
 * with a manifest naming it, into a folder the patient copies to a static web host (their own
 * web space, an object store). No server of ours or of a vendor is involved, so nothing can
 * check a passcode or an expiry: a link never carries "P", its "exp" only tells the receiver,
 * and anyone holding it can read the file until the file is deleted from the host.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-disclosure.h"
#include "hf-vault.h"

G_BEGIN_DECLS

/* The SMART Health Links specification's limits. */
#define HF_SHL_MAX_URL    128
#define HF_SHL_MAX_LABEL  80
/* Random bytes in each file's name (the specification asks for at least 256 bits). */
#define HF_SHL_PATH_BYTES 32

typedef struct
{
  const char *dir;          /* where the host's files are written */
  const char *base_url;     /* the address DIR is served at: https (http only on loopback) */
  const char *label;        /* or NULL; at most 80 characters */
  gint64      expires;      /* "exp", seconds since the epoch; 0 for none */
  gboolean    single_file;  /* "U": the link's url is the file itself, no manifest */
  const char *qr;           /* or NULL: a PNG of the link's QR code (error correction M) */
  gboolean    ips;          /* the file holds the International Patient Summary of the Bundle
                             * (hf_ips_from_bundle) in place of the Bundle: disclosure "shl+ips" */
} HfShlOptions;

typedef struct
{
  gint64   id;
  gint64   disclosure_id;
  char    *recipient;
  char    *label;           /* or NULL */
  gint64   created_at;      /* microseconds since the epoch, UTC */
  gint64   expires_at;      /* seconds since the epoch; 0 for none */
  gint64   revoked_at;      /* microseconds; 0 while in force */
  char    *flag;            /* "" or "U" */
  char    *url;
  char    *dir;             /* absolute */
  char   **files;           /* names in DIR */
  char    *uri;             /* "shlink:/…": only from hf_shl_export() (the key is not kept) */
} HfShlMadeLink;

void          hf_shl_made_link_free  (HfShlMadeLink          *link);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfShlMadeLink, hf_shl_made_link_free)

/* "shlink:/" and base64url of PAYLOAD's compact JSON. */
char         *hf_shl_uri        (JsonObject         *payload);

/* What RECIPIENT's consent shares, as a SMART Health Link written into OPTIONS->dir: the
 * Bundle as a JWE (content type application/fhir+json) and, unless single_file, the manifest
 * {"files":[{"contentType","location"}]}, each at a name of 256 random bits (base64url); the
 * files are world-readable (0644), as a web server needs. The options are checked before
 * anything is read or written (HF_ERROR_INVALID_INPUT with a sentence). LINK (or NULL) receives
 * the link, with its "shlink:/" URI. */
HfDisclosure *hf_shl_export     (HfVault            *vault,
                                 const char         *recipient,
                                 const char         *today,
                                 gint64              now,
                                 const char * const *only,
                                 const HfShlOptions *options,
                                 HfShlMadeLink         **link,
                                 GError            **error);

/* The links made, oldest first. Needs HF_PERMISSION_READ. */
GPtrArray    *hf_shl_list       (HfVault            *vault,
                                 GError            **error);

/* Deletes link ID's files from its folder (those already gone are fine) and records the
 * revocation. A link revoked already is HF_ERROR_INVALID_INPUT; an unknown one
 * HF_ERROR_NOT_FOUND. Needs HF_PERMISSION_SHARE. */
gboolean      hf_shl_revoke     (HfVault            *vault,
                                 gint64              id,
                                 gint64              now,
                                 HfShlMadeLink         **link,
                                 GError            **error);

G_END_DECLS
