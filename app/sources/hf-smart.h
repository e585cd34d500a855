/* hf-smart.h — SMART App Launch for a public native client: discovery, PKCE, tokens
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-http.h"

G_BEGIN_DECLS

typedef struct
{
  char      *base_url;
  gboolean   has_smart;                /* .well-known/smart-configuration was found */
  gboolean   smart_v2;                 /* v2 scopes (.rs) rather than v1 (.read) */
  gboolean   pkce_s256;                /* the server says it supports S256 */
  char      *authorize_endpoint;
  char      *token_endpoint;
  char      *registration_endpoint;
  gboolean   has_capability;           /* metadata answered with a CapabilityStatement */
  char      *fhir_version;
  char      *software;
  GPtrArray *types;                    /* char*: searchable by patient, sorted */
} HfSmartConfig;

typedef struct
{
  char   *access_token;
  char   *refresh_token;
  gint64  expires_at;                  /* seconds since the epoch; 0 if not said */
  char   *scope;
  char   *patient;
} HfSmartTokens;

/* Opens URI in the system browser (or a test's stand-in). */
typedef gboolean (*HfSmartOpenUriFunc) (const char  *uri,
                                        gpointer     user_data,
                                        GError     **error);

void           hf_smart_config_free     (HfSmartConfig       *config);
HfSmartConfig *hf_smart_discover        (HfHttp              *http,
                                         const char          *base_url,
                                         GCancellable        *cancellable,
                                         GError             **error);
char          *hf_smart_config_to_json  (const HfSmartConfig *config);
HfSmartConfig *hf_smart_config_from_json (const char         *json,
                                         GError             **error);
/* What was found, in plain words, one line each. */
char          *hf_smart_config_describe (const HfSmartConfig *config);
const char    *hf_smart_config_scopes   (const HfSmartConfig *config);

void           hf_smart_tokens_free     (HfSmartTokens       *tokens);

/* What an OperationOutcome says (diagnostics, else details or codes) in one line, shortened;
 * NULL if it says nothing. */
char          *hf_smart_outcome_text    (JsonObject          *outcome);

char          *hf_smart_base64url       (const guint8        *data,
                                         gsize                length);
char          *hf_smart_pkce_challenge  (const char          *verifier);

/* RFC 7591 dynamic registration as a public native client; returns the client_id. */
char          *hf_smart_register        (HfHttp              *http,
                                         const HfSmartConfig *config,
                                         GCancellable        *cancellable,
                                         GError             **error);
/* The whole authorization code flow with PKCE through a loopback redirect on 127.0.0.1. */
HfSmartTokens *hf_smart_authorize       (HfHttp              *http,
                                         const HfSmartConfig *config,
                                         const char          *client_id,
                                         HfSmartOpenUriFunc   open_uri,
                                         gpointer             user_data,
                                         guint                timeout_seconds,
                                         GCancellable        *cancellable,
                                         GError             **error);
HfSmartTokens *hf_smart_refresh         (HfHttp              *http,
                                         const HfSmartConfig *config,
                                         const char          *client_id,
                                         const char          *refresh_token,
                                         GCancellable        *cancellable,
                                         GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfSmartConfig, hf_smart_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfSmartTokens, hf_smart_tokens_free)

G_END_DECLS
