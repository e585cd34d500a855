/* hf-fhir-server.h — a FHIR R4 + SMART test server on 127.0.0.1 (libsoup 3), with faults
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HfFhirServer HfFhirServer;

/* What the server does wrong, set between syncs. A TYPE field names the resource type the
 * fault applies to. */
typedef struct
{
  guint  latency_ms;            /* added to every FHIR request */
  guint  gather;                /* once: searches are held until this many are in flight
                                   (at most 10 s), then all answered */
  char  *forbidden_type;        /* 403 with an OperationOutcome */
  char  *rate_limit_type;       /* 429 with Retry-After: 1 ... */
  guint  rate_limit_count;      /* ... this many times */
  char  *error_type;            /* 500 with an OperationOutcome, always */
  char  *slow_type;             /* answers after slow_ms */
  guint  slow_ms;
  char  *truncated_type;        /* second page cut short */
  char  *html_type;             /* text/html instead of FHIR JSON */
  char  *foreign_next_type;     /* next link to another origin */
  char  *self_next_type;        /* every page's next link is the page's own URL */
  char  *loop_next_type;        /* later pages' next link is the first page's URL */
  char  *redirect_http_type;    /* 302 to a plain http address */
  char  *redirect_type;         /* 302 to the same path and query on redirect_origin; also
                                   "metadata", ".well-known" or "Binary" */
  char  *redirect_origin;
  gboolean metadata_error;      /* /metadata answers 500 with an OperationOutcome */
  char  *software_name;         /* the CapabilityStatement's software.name, as JSON text
                                   between the quotes (escapes and all) */
  gboolean expire_tokens;       /* every access token issued so far stops working */
  gboolean wrong_state;         /* the authorize redirect carries another state */
  gboolean refuse_refresh;      /* refresh tokens are refused (invalid_grant) */
  char  *token_patient;         /* the token answer's "patient", as JSON text between the
                                   quotes */
} HfFhirFaults;

HfFhirServer *hf_fhir_server_new          (gboolean      smart);
/* The same over https, with a certificate for 127.0.0.1 that every such server shares. */
HfFhirServer *hf_fhir_server_new_https    (gboolean      smart);
/* That certificate (PEM), for a client to trust. */
const char   *hf_fhir_server_get_ca_pem   (void);
void          hf_fhir_server_free         (HfFhirServer *server);
const char   *hf_fhir_server_get_base     (HfFhirServer *server);   /* ORIGIN/fhir */
const char   *hf_fhir_server_get_origin   (HfFhirServer *server);   /* scheme://host:port */
/* TYPES: NULL-terminated; N resources of each for patient "p1", touched at a fixed time. */
void          hf_fhir_server_populate     (HfFhirServer *server,
                                           const char  * const *types,
                                           guint         n_each);
/* Adds or changes one resource now (its lastUpdated becomes the current time). */
void          hf_fhir_server_put          (HfFhirServer *server,
                                           const char   *type,
                                           const char   *id);
/* The same, with JSON as the resource's text, exactly (its lastUpdated is not changed). */
void          hf_fhir_server_put_json     (HfFhirServer *server,
                                           const char   *type,
                                           const char   *id,
                                           const char   *json);
void          hf_fhir_server_add_document (HfFhirServer *server,
                                           const char   *id,
                                           gsize         size);
/* Any other PATH ("/.well-known/jwks.json") answered 200 with BODY as TYPE, or a 302 to
 * LOCATION; each request for a path outside /fhir/ and /auth/ counts as "path:PATH". */
void          hf_fhir_server_put_file     (HfFhirServer *server,
                                           const char   *path,
                                           const char   *type,
                                           const char   *body,
                                           gsize         length);
void          hf_fhir_server_put_redirect (HfFhirServer *server,
                                           const char   *path,
                                           const char   *location);
HfFhirFaults *hf_fhir_server_lock_faults  (HfFhirServer *server);
void          hf_fhir_server_unlock_faults (HfFhirServer *server);
void          hf_fhir_server_clear_faults (HfFhirServer *server);

guint         hf_fhir_server_count        (HfFhirServer *server,
                                           const char   *what);   /* "search:Observation",
                                                                     "refresh", "token",
                                                                     "request" (any),
                                                                     "authorization" (any
                                                                     that carried one) ... */
guint         hf_fhir_server_max_in_flight (HfFhirServer *server);
/* How many searches the gather fault held together when it let them go. */
guint         hf_fhir_server_gathered     (HfFhirServer *server);
/* Every access and refresh token ever issued, to check none leaked into the vault's text. */
GPtrArray    *hf_fhir_server_dup_tokens   (HfFhirServer *server);
char         *hf_fhir_server_dup_last_query (HfFhirServer *server,
                                             const char   *type);

G_END_DECLS
