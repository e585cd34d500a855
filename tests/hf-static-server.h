/* hf-static-server.h — a plain static file server on 127.0.0.1 (libsoup 3), for the tests
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a patient's own web space does with a folder: GET of a file in it answers its bytes
 * (application/octet-stream), anything else 404; every other method 405. It never writes,
 * never lists the folder and never serves a path outside it. The query is ignored, as static
 * hosts ignore it.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HfStaticServer HfStaticServer;

/* Serves DIR (read-only) at http://127.0.0.1:PORT/ from its own thread. */
HfStaticServer *hf_static_server_new        (const char     *dir);
void            hf_static_server_free       (HfStaticServer *server);
/* "http://127.0.0.1:PORT", no trailing "/". */
const char     *hf_static_server_get_origin (HfStaticServer *server);
/* How many requests it answered, and how many of them were not GET. */
guint           hf_static_server_get_count  (HfStaticServer *server);
guint           hf_static_server_get_refused (HfStaticServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfStaticServer, hf_static_server_free)

G_END_DECLS
