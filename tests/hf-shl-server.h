/* hf-shl-server.h — a SMART Health Links server on 127.0.0.1 for the tests (libsoup 3)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HfShlServer HfShlServer;

/* Plain http on loopback, which the client allows (https everywhere else). */
HfShlServer *hf_shl_server_new            (void);
void         hf_shl_server_free           (HfShlServer *server);
const char  *hf_shl_server_get_origin     (HfShlServer *server);

/* A link at ORIGIN/shl/ID: POST there for its manifest, or GET there (?recipient=…) for its
 * first file (a U link). PASSCODE NULL: none; otherwise ATTEMPTS wrong passcodes are answered
 * 401 with remainingAttempts, and then the link is disabled (404). Returns the URL (free it). */
char        *hf_shl_server_add_link       (HfShlServer *server,
                                           const char  *id,
                                           const char  *passcode,
                                           guint        attempts);
/* A file of link ID: the compact JWE, embedded in the manifest or at a location that each
 * manifest request names afresh (ORIGIN/files/RANDOM). */
void         hf_shl_server_add_file       (HfShlServer *server,
                                           const char  *id,
                                           const char  *content_type,
                                           const char  *jwe,
                                           gboolean     embedded);
/* Replaces every file of link ID. */
void         hf_shl_server_clear_files    (HfShlServer *server,
                                           const char  *id);
/* The manifest answer of link ID, exactly (NULL: made from its files again). */
void         hf_shl_server_set_manifest   (HfShlServer *server,
                                           const char  *id,
                                           const char  *json);
/* Link ID answers 404 from now on. */
void         hf_shl_server_disable_link   (HfShlServer *server,
                                           const char  *id);
/* After N more location GETs are answered, every location named so far expires (403); a new
 * manifest request names fresh ones. Once. */
void         hf_shl_server_expire_locations_after (HfShlServer *server,
                                                   guint        n);
/* Requests seen: "all", "manifest", "direct", "location", "expired" (403s of locations). */
guint        hf_shl_server_count          (HfShlServer *server,
                                           const char  *what);
/* The body of the last manifest request (free it), or NULL. */
char        *hf_shl_server_dup_last_request (HfShlServer *server);
/* The query of the last direct GET (free it), or NULL. */
char        *hf_shl_server_dup_last_query (HfShlServer *server);

G_END_DECLS
