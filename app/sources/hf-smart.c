/* hf-smart.c — SMART App Launch for a public native client: discovery, PKCE, tokens
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 8252: the system browser opens the authorize URL; the answer comes back to a listener
 * on 127.0.0.1 with a random port that serves the one callback request and closes. PKCE S256
 * (RFC 7636) binds the code to this process, and `state` (256 random bits) is compared before
 * the code is exchanged. Codes, verifiers and tokens never appear in a message.
 */

#include "hf-smart.h"

#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "hf-error.h"
#include "hf-fhir-r4.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"

#define SCOPES_V2 "launch/patient openid fhirUser offline_access patient/*.rs"
#define SCOPES_V1 "launch/patient openid fhirUser offline_access patient/*.read"
#define MAX_CALLBACK_REQUEST 8192

/* When a CapabilityStatement does not list search parameters, these are the types that a
 * patient's record holds (US Core), searched by patient if the server has them at all. */
static const char *const patient_types[] = {
  "AllergyIntolerance", "CarePlan", "CareTeam", "Condition", "Coverage", "Device",
  "DiagnosticReport", "DocumentReference", "Encounter", "ExplanationOfBenefit", "Goal",
  "Immunization", "MedicationDispense", "MedicationRequest", "MedicationStatement",
  "Observation", "Procedure", "QuestionnaireResponse", "RelatedPerson", "ServiceRequest",
  "Specimen",
};

void
hf_smart_config_free (HfSmartConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->base_url);
  g_free (config->authorize_endpoint);
  g_free (config->token_endpoint);
  g_free (config->registration_endpoint);
  g_free (config->fhir_version);
  g_free (config->software);
  g_clear_pointer (&config->types, g_ptr_array_unref);
  g_free (config);
}

void
hf_smart_tokens_free (HfSmartTokens *tokens)
{
  if (tokens == NULL)
    return;
  if (tokens->access_token != NULL)
    sodium_memzero (tokens->access_token, strlen (tokens->access_token));
  if (tokens->refresh_token != NULL)
    sodium_memzero (tokens->refresh_token, strlen (tokens->refresh_token));
  g_free (tokens->access_token);
  g_free (tokens->refresh_token);
  g_free (tokens->scope);
  g_free (tokens->patient);
  g_free (tokens);
}

char *
hf_smart_base64url (const guint8 *data,
                    gsize         length)
{
  char *text = g_base64_encode (data, length);
  gsize n = strlen (text);

  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';
  for (char *p = text; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  return text;
}

char *
hf_smart_pkce_challenge (const char *verifier)
{
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (verifier != NULL, NULL);

  g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (sum, digest, &len);
  return hf_smart_base64url (digest, len);
}

static char *
random_token (void)
{
  guint8 bytes[32];
  char *text;

  randombytes_buf (bytes, sizeof bytes);
  text = hf_smart_base64url (bytes, sizeof bytes);
  sodium_memzero (bytes, sizeof bytes);
  return text;
}

/* {{{ JSON answers */

static gboolean
array_has (JsonObject *o,
           const char *name,
           const char *value)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  JsonArray *a;

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return FALSE;
  a = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (e), value))
        return TRUE;
    }
  return FALSE;
}

/* The answer as a JSON object, or NULL and *REASON, a phrase saying what is wrong with it. */
static JsonParser *
read_answer (HfHttpRequest  *request,
             char          **reason)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  HfJsonProblem problem = { 0 };
  const char *data = (const char *) request->response->data;
  gsize length = request->response->len;

  if (!hf_json_guard_check (data, length, &problem))
    {
      *reason = problem.reason ? g_steal_pointer (&problem.reason)
                               : g_strdup ("the JSON guard refused it");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      *reason = g_strdup (parse_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *reason = g_strdup ("it is not a JSON object");
      return NULL;
    }
  return g_steal_pointer (&parser);
}

static JsonParser *
parse_answer (HfHttpRequest  *request,
              const char     *what,
              GError        **error)
{
  g_autofree char *reason = NULL;
  JsonParser *parser = read_answer (request, &reason);

  if (parser == NULL)
    g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                 "The server's answer to %s is not valid JSON (%s).", what, reason);
  return parser;
}

/* The diagnostics of an OperationOutcome in one line, shortened. */
char *
hf_smart_outcome_text (JsonObject *oo)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *issues = hf_json_array (oo, "issue");
  g_autofree char *valid = NULL;

  for (guint i = 0; issues != NULL && i < json_array_get_length (issues); i++)
    {
      JsonNode *n = json_array_get_element (issues, i);
      JsonObject *issue = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *text = hf_json_string (issue, "diagnostics");

      if (text == NULL)
        text = hf_json_string (hf_json_object (issue, "details"), "text");
      if (text == NULL)
        text = hf_json_string (issue, "code");
      if (text != NULL)
        g_string_append_printf (s, "%s%s", s->len ? "; " : "", text);
    }
  if (s->len == 0)
    return NULL;
  if (s->len > 300)
    {
      g_string_truncate (s, 300);
      g_string_append (s, "…");
    }
  valid = g_utf8_make_valid (s->str, -1);
  for (char *p = valid; *p; p++)
    if (g_ascii_iscntrl (*p))
      *p = ' ';
  return g_steal_pointer (&valid);
}

/* The OperationOutcome a failed answer may carry, in words, or NULL. */
static char *
answer_outcome (HfHttpRequest *req)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *o;

  if (req->response == NULL || req->response->len == 0 || req->content_type == NULL ||
      strstr (req->content_type, "json") == NULL)
    return NULL;
  parser = parse_answer (req, "the request", NULL);
  if (parser == NULL)
    return NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (hf_json_string (o, "resourceType"), "OperationOutcome") != 0)
    return NULL;
  return hf_smart_outcome_text (o);
}

static gboolean
is_json_type (const char *content_type)
{
  return content_type != NULL &&
         (g_str_has_prefix (content_type, "application/json") ||
          g_str_has_prefix (content_type, "application/fhir+json"));
}

/* }}} */
/* {{{ discovery */

static char *
join_url (const char *base,
          const char *path)
{
  gsize n = strlen (base);

  while (n > 0 && base[n - 1] == '/')
    n--;
  return g_strdup_printf ("%.*s/%s", (int) n, base, path);
}

static gboolean
read_smart_configuration (HfHttp         *http,
                          HfSmartConfig  *config,
                          GCancellable   *cancellable,
                          GError        **error)
{
  g_autofree char *url = join_url (config->base_url, ".well-known/smart-configuration");
  g_autoptr(HfHttpRequest) req = hf_http_request_new (url);
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *o;
  const char *s;

  req->accept = g_strdup ("application/json");
  req->max_size = 1 << 20;
  if (!hf_http_fetch (http, req, cancellable, error))
    return FALSE;
  if (req->status != 200 || !is_json_type (req->content_type))
    return TRUE;
  parser = parse_answer (req, "the SMART configuration request", NULL);
  if (parser == NULL)
    return TRUE;
  o = json_node_get_object (json_parser_get_root (parser));
  if ((s = hf_json_string (o, "authorization_endpoint")) != NULL)
    config->authorize_endpoint = g_strdup (s);
  if ((s = hf_json_string (o, "token_endpoint")) != NULL)
    config->token_endpoint = g_strdup (s);
  if ((s = hf_json_string (o, "registration_endpoint")) != NULL)
    config->registration_endpoint = g_strdup (s);
  config->has_smart = config->authorize_endpoint != NULL && config->token_endpoint != NULL;
  config->smart_v2 = array_has (o, "capabilities", "permission-v2") ||
                     array_has (o, "scopes_supported", "patient/*.rs");
  config->pkce_s256 = array_has (o, "code_challenge_methods_supported", "S256");
  return TRUE;
}

/* The oauth-uris extension of CapabilityStatement.rest.security: SMART v1 servers without
 * a .well-known document still announce their endpoints there. */
static void
read_oauth_uris (HfSmartConfig *config,
                 JsonObject    *rest)
{
  JsonObject *security = json_object_get_member (rest, "security") &&
                         JSON_NODE_HOLDS_OBJECT (json_object_get_member (rest, "security"))
                         ? json_object_get_object_member (rest, "security") : NULL;
  JsonNode *ext = security ? json_object_get_member (security, "extension") : NULL;
  JsonArray *a;

  if (config->has_smart || ext == NULL || !JSON_NODE_HOLDS_ARRAY (ext))
    return;
  a = json_node_get_array (ext);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      JsonObject *eo = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      JsonNode *inner = eo ? json_object_get_member (eo, "extension") : NULL;
      JsonArray *ia;

      if (!g_str_has_suffix (hf_json_string (eo, "url") ? hf_json_string (eo, "url") : "",
                             "oauth-uris") ||
          inner == NULL || !JSON_NODE_HOLDS_ARRAY (inner))
        continue;
      ia = json_node_get_array (inner);
      for (guint k = 0; k < json_array_get_length (ia); k++)
        {
          JsonNode *x = json_array_get_element (ia, k);
          JsonObject *xo = JSON_NODE_HOLDS_OBJECT (x) ? json_node_get_object (x) : NULL;
          const char *name = hf_json_string (xo, "url");
          const char *value = hf_json_string (xo, "valueUri");
          if (name == NULL || value == NULL)
            continue;
          if (g_str_equal (name, "authorize") && config->authorize_endpoint == NULL)
            config->authorize_endpoint = g_strdup (value);
          else if (g_str_equal (name, "token") && config->token_endpoint == NULL)
            config->token_endpoint = g_strdup (value);
          else if (g_str_equal (name, "register") && config->registration_endpoint == NULL)
            config->registration_endpoint = g_strdup (value);
        }
    }
  config->has_smart = config->authorize_endpoint != NULL && config->token_endpoint != NULL;
}

static gboolean
has_patient_param (JsonObject *resource)
{
  JsonNode *params = json_object_get_member (resource, "searchParam");
  JsonArray *a;

  if (params == NULL || !JSON_NODE_HOLDS_ARRAY (params))
    return FALSE;
  a = json_node_get_array (params);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *p = json_array_get_element (a, i);
      if (JSON_NODE_HOLDS_OBJECT (p) &&
          g_strcmp0 (hf_json_string (json_node_get_object (p), "name"), "patient") == 0)
        return TRUE;
    }
  return FALSE;
}

/* Fills in CONFIG from the CapabilityStatement. An answer that is not one leaves CONFIG as it
 * was; then *STATUS and *OUTCOME (an OperationOutcome's words), or *INVALID (why its JSON was
 * refused), say what came instead. */
static gboolean
read_capability (HfHttp         *http,
                 HfSmartConfig  *config,
                 long           *status,
                 char          **outcome,
                 char          **invalid,
                 GCancellable   *cancellable,
                 GError        **error)
{
  g_autofree char *url = join_url (config->base_url, "metadata");
  g_autoptr(HfHttpRequest) req = hf_http_request_new (url);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) listed = g_ptr_array_new ();
  gboolean any_params = FALSE;
  JsonObject *o;
  JsonNode *rest;
  const char *s;

  req->accept = g_strdup ("application/fhir+json");
  req->max_size = 16 << 20;
  if (!hf_http_fetch (http, req, cancellable, error))
    return FALSE;
  *status = req->status;
  if (req->status != 200)
    *outcome = answer_outcome (req);
  if (req->status != 200 || !is_json_type (req->content_type))
    return TRUE;
  parser = read_answer (req, invalid);
  if (parser == NULL)
    return TRUE;
  o = json_node_get_object (json_parser_get_root (parser));
  /* DSTU2 called it a Conformance: kept only to say which version the server serves. */
  if (g_strcmp0 (hf_json_string (o, "resourceType"), "Conformance") == 0)
    {
      s = hf_json_string (o, "fhirVersion");
      config->fhir_version = g_strdup (s != NULL ? s : "1.0.2");
      return TRUE;
    }
  if (g_strcmp0 (hf_json_string (o, "resourceType"), "CapabilityStatement") != 0)
    return TRUE;
  config->has_capability = TRUE;
  if ((s = hf_json_string (o, "fhirVersion")) != NULL)
    config->fhir_version = g_strdup (s);
  if (json_object_has_member (o, "software") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "software")) &&
      (s = hf_json_string (json_object_get_object_member (o, "software"), "name")) != NULL)
    config->software = g_strdup (s);

  rest = json_object_get_member (o, "rest");
  if (rest != NULL && JSON_NODE_HOLDS_ARRAY (rest))
    {
      JsonArray *ra = json_node_get_array (rest);
      for (guint i = 0; i < json_array_get_length (ra); i++)
        {
          JsonNode *r = json_array_get_element (ra, i);
          JsonObject *ro = JSON_NODE_HOLDS_OBJECT (r) ? json_node_get_object (r) : NULL;
          JsonNode *res = ro ? json_object_get_member (ro, "resource") : NULL;
          JsonArray *a;

          if (ro == NULL || g_strcmp0 (hf_json_string (ro, "mode"), "server") != 0)
            continue;
          read_oauth_uris (config, ro);
          if (res == NULL || !JSON_NODE_HOLDS_ARRAY (res))
            continue;
          a = json_node_get_array (res);
          for (guint k = 0; k < json_array_get_length (a); k++)
            {
              JsonNode *e = json_array_get_element (a, k);
              JsonObject *eo = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
              const char *type = hf_json_string (eo, "type");

              if (type == NULL || g_str_equal (type, "Patient"))
                continue;
              g_ptr_array_add (listed, (gpointer) type);
              if (json_object_has_member (eo, "searchParam"))
                any_params = TRUE;
              if (has_patient_param (eo))
                g_ptr_array_add (config->types, g_strdup (type));
            }
        }
    }
  if (!any_params)
    for (guint i = 0; i < listed->len; i++)
      for (guint k = 0; k < G_N_ELEMENTS (patient_types); k++)
        if (g_str_equal (g_ptr_array_index (listed, i), patient_types[k]))
          g_ptr_array_add (config->types, g_strdup (patient_types[k]));
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

HfSmartConfig *
hf_smart_discover (HfHttp        *http,
                   const char    *base_url,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(HfSmartConfig) config = g_new0 (HfSmartConfig, 1);
  g_autofree char *outcome = NULL;
  g_autofree char *invalid = NULL;
  HfFhirVersion version;
  long status = 0;

  g_return_val_if_fail (http != NULL, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  if (!hf_http_url_allowed (base_url, error))
    return NULL;
  config->base_url = g_strdup (base_url);
  config->types = g_ptr_array_new_with_free_func (g_free);
  if (!read_smart_configuration (http, config, cancellable, error) ||
      !read_capability (http, config, &status, &outcome, &invalid, cancellable, error))
    return NULL;
  /* FHIR R4 only: an STU3 or DSTU2 server's records would be refused one by one. */
  if (config->fhir_version != NULL &&
      (version = hf_fhir_version_from_number (config->fhir_version)) != HF_FHIR_VERSION_R4 &&
      version != HF_FHIR_VERSION_UNKNOWN)
    {
      g_autofree char *shown = g_utf8_make_valid (config->fhir_version,
                                                  MIN (strlen (config->fhir_version), 16));
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "%s serves FHIR %s (%s), not R4: Healthfolio reads FHIR R4 only, so the "
                   "source was not added; ask the provider for its FHIR R4 address.", base_url,
                   shown, hf_fhir_version_name (version));
      return NULL;
    }
  if (!config->has_capability && !config->has_smart && invalid != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "%s answered the metadata request with JSON that is not valid (%s) and "
                   "offers no SMART configuration, so the source was not added.", base_url,
                   invalid);
      return NULL;
    }
  /* A server that failed, or said why it refused, is a server: say what it said. */
  if (!config->has_capability && !config->has_smart && status >= 500)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NETWORK,
                   "%s failed when asked what it supports (HTTP %ld at /metadata%s%s); try "
                   "adding the source again later.", base_url, status,
                   outcome ? ": " : "", outcome ? outcome : "");
      return NULL;
    }
  if (!config->has_capability && !config->has_smart && outcome != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "%s refused to say what it supports (HTTP %ld at /metadata: %s); check the "
                   "address (it should be the FHIR base URL).", base_url, status, outcome);
      return NULL;
    }
  if (!config->has_capability && !config->has_smart)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "%s does not look like a FHIR server: it has neither a "
                   "CapabilityStatement at /metadata nor a SMART configuration. Check the "
                   "address (it should be the FHIR base URL).", base_url);
      return NULL;
    }
  if (config->types->len == 0)
    for (guint k = 0; k < G_N_ELEMENTS (patient_types); k++)
      g_ptr_array_add (config->types, g_strdup (patient_types[k]));
  g_ptr_array_sort (config->types, compare_strings);
  /* A type listed twice (several rest entries) is synced once. */
  for (guint i = 1; i < config->types->len;)
    {
      if (g_str_equal (g_ptr_array_index (config->types, i),
                       g_ptr_array_index (config->types, i - 1)))
        g_ptr_array_remove_index (config->types, i);
      else
        i++;
    }
  return g_steal_pointer (&config);
}

char *
hf_smart_config_to_json (const HfSmartConfig *config)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  struct { const char *name; const char *value; } strings[] = {
    { "base_url", config->base_url },
    { "authorization_endpoint", config->authorize_endpoint },
    { "token_endpoint", config->token_endpoint },
    { "registration_endpoint", config->registration_endpoint },
    { "fhir_version", config->fhir_version },
    { "software", config->software },
  };

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    if (strings[i].value != NULL)
      {
        json_builder_set_member_name (b, strings[i].name);
        json_builder_add_string_value (b, strings[i].value);
      }
  json_builder_set_member_name (b, "smart");
  json_builder_add_boolean_value (b, config->has_smart);
  json_builder_set_member_name (b, "smart_v2");
  json_builder_add_boolean_value (b, config->smart_v2);
  json_builder_set_member_name (b, "pkce_s256");
  json_builder_add_boolean_value (b, config->pkce_s256);
  json_builder_set_member_name (b, "capability");
  json_builder_add_boolean_value (b, config->has_capability);
  json_builder_set_member_name (b, "types");
  json_builder_begin_array (b);
  for (guint i = 0; i < config->types->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (config->types, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

HfSmartConfig *
hf_smart_config_from_json (const char  *json,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(HfSmartConfig) config = g_new0 (HfSmartConfig, 1);
  JsonObject *o;
  JsonNode *types;
  const char *s;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "A source's stored configuration is damaged; remove and add the source "
                   "again.");
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  config->base_url = g_strdup ((s = hf_json_string (o, "base_url")) ? s : "");
  config->authorize_endpoint = g_strdup (hf_json_string (o, "authorization_endpoint"));
  config->token_endpoint = g_strdup (hf_json_string (o, "token_endpoint"));
  config->registration_endpoint = g_strdup (hf_json_string (o, "registration_endpoint"));
  config->fhir_version = g_strdup (hf_json_string (o, "fhir_version"));
  config->software = g_strdup (hf_json_string (o, "software"));
  config->has_smart = json_object_get_boolean_member_with_default (o, "smart", FALSE);
  config->smart_v2 = json_object_get_boolean_member_with_default (o, "smart_v2", FALSE);
  config->pkce_s256 = json_object_get_boolean_member_with_default (o, "pkce_s256", FALSE);
  config->has_capability = json_object_get_boolean_member_with_default (o, "capability", FALSE);
  config->types = g_ptr_array_new_with_free_func (g_free);
  types = json_object_get_member (o, "types");
  if (types != NULL && JSON_NODE_HOLDS_ARRAY (types))
    {
      JsonArray *a = json_node_get_array (types);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          const char *t = json_node_get_string (json_array_get_element (a, i));
          if (t != NULL)
            g_ptr_array_add (config->types, g_strdup (t));
        }
    }
  return g_steal_pointer (&config);
}

const char *
hf_smart_config_scopes (const HfSmartConfig *config)
{
  return config->smart_v2 ? SCOPES_V2 : SCOPES_V1;
}

char *
hf_smart_config_describe (const HfSmartConfig *config)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (config->has_capability)
    g_string_append_printf (s, "A FHIR %s server%s%s%s.\n",
                            config->fhir_version ? config->fhir_version : "(version not said)",
                            config->software ? " (" : "",
                            config->software ? config->software : "",
                            config->software ? ")" : "");
  else
    g_string_append (s, "The server has no CapabilityStatement; Healthfolio will try the usual "
                        "patient record types.\n");
  if (config->has_smart)
    {
      g_string_append_printf (s, "It supports SMART on FHIR sign-in (%s scopes)%s.\n",
                              config->smart_v2 ? "v2" : "v1",
                              config->pkce_s256 ? " with PKCE" : "");
      if (config->registration_endpoint != NULL)
        g_string_append (s, "It lets apps register themselves, so no client id is needed.\n");
    }
  else
    g_string_append (s, "It does not offer SMART on FHIR sign-in.\n");
  g_string_append_printf (s, "Record types it can search by patient (%u): ",
                          config->types->len);
  for (guint i = 0; i < config->types->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (config->types, i));
  g_string_append (s, ".");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* }}} */
/* {{{ tokens */

static gboolean
server_refused (HfHttpRequest  *req,
                const char     *what,
                GError        **error)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *code = NULL;
  const char *description = NULL;

  if (req->response->len > 0 && is_json_type (req->content_type))
    parser = parse_answer (req, what, NULL);
  if (parser != NULL)
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      code = hf_json_string (o, "error");
      description = hf_json_string (o, "error_description");
    }
  if (code != NULL &&
      (g_str_equal (code, "invalid_grant") || g_str_equal (code, "invalid_client")))
    g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                 "The server refused %s (%s%s%s); sign in again.", what, code,
                 description ? ": " : "", description ? description : "");
  else
    g_set_error (error, HF_ERROR, HF_ERROR_NETWORK,
                 "The server refused %s (HTTP %ld%s%s).", what, req->status,
                 code ? ", " : "", code ? code : "");
  return FALSE;
}

static HfSmartTokens *
token_request (HfHttp         *http,
               HfHttpRequest  *req,
               const char     *what,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(HfSmartTokens) tokens = g_new0 (HfSmartTokens, 1);
  JsonObject *o;
  const char *s;
  JsonNode *expires;

  req->accept = g_strdup ("application/json");
  req->max_size = 1 << 20;
  if (!hf_http_fetch (http, req, cancellable, error))
    return NULL;
  if (req->status != 200)
    {
      server_refused (req, what, error);
      return NULL;
    }
  parser = parse_answer (req, what, error);
  if (parser == NULL)
    return NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  s = hf_json_string (o, "token_type");
  if (hf_json_string (o, "access_token") == NULL || s == NULL ||
      g_ascii_strcasecmp (s, "bearer") != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The server's answer to %s holds no bearer access token.", what);
      return NULL;
    }
  tokens->access_token = g_strdup (hf_json_string (o, "access_token"));
  tokens->refresh_token = g_strdup (hf_json_string (o, "refresh_token"));
  tokens->scope = g_strdup (hf_json_string (o, "scope"));
  tokens->patient = g_strdup (hf_json_string (o, "patient"));
  expires = json_object_get_member (o, "expires_in");
  if (expires != NULL && JSON_NODE_HOLDS_VALUE (expires) &&
      json_node_get_value_type (expires) == G_TYPE_INT64)
    tokens->expires_at = g_get_real_time () / G_USEC_PER_SEC + json_node_get_int (expires);
  return g_steal_pointer (&tokens);
}

HfSmartTokens *
hf_smart_refresh (HfHttp               *http,
                  const HfSmartConfig  *config,
                  const char           *client_id,
                  const char           *refresh_token,
                  GCancellable         *cancellable,
                  GError              **error)
{
  g_autoptr(HfHttpRequest) req = NULL;

  g_return_val_if_fail (http != NULL && config != NULL, NULL);

  if (config->token_endpoint == NULL || refresh_token == NULL || client_id == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                   "The sign-in has expired and cannot be renewed; sign in again.");
      return NULL;
    }
  req = hf_http_request_new (config->token_endpoint);
  hf_http_request_set_form (req, "grant_type", "refresh_token", "refresh_token", refresh_token,
                            "client_id", client_id, NULL);
  return token_request (http, req, "renewing the sign-in", cancellable, error);
}

char *
hf_smart_register (HfHttp               *http,
                   const HfSmartConfig  *config,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(HfHttpRequest) req = NULL;
  g_autoptr(JsonParser) parser = NULL;
  const char *client_id;

  g_return_val_if_fail (http != NULL && config != NULL, NULL);

  if (config->registration_endpoint == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "The server does not offer app registration; give a client id with "
                   "--client-id (ask the provider for one).");
      return NULL;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "client_name");
  json_builder_add_string_value (b, "Healthfolio");
  json_builder_set_member_name (b, "redirect_uris");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "http://127.0.0.1/callback");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "token_endpoint_auth_method");
  json_builder_add_string_value (b, "none");
  json_builder_set_member_name (b, "grant_types");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "authorization_code");
  json_builder_add_string_value (b, "refresh_token");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "response_types");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "code");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "application_type");
  json_builder_add_string_value (b, "native");
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, hf_smart_config_scopes (config));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);

  req = hf_http_request_new (config->registration_endpoint);
  req->method = g_strdup ("POST");
  req->body = json_generator_to_data (gen, &req->body_length);
  req->body_type = g_strdup ("application/json");
  req->accept = g_strdup ("application/json");
  req->max_size = 1 << 20;
  if (!hf_http_fetch (http, req, cancellable, error))
    return NULL;
  if (req->status != 200 && req->status != 201)
    {
      server_refused (req, "the app registration", error);
      return NULL;
    }
  parser = parse_answer (req, "the app registration", error);
  if (parser == NULL)
    return NULL;
  client_id = hf_json_string (json_node_get_object (json_parser_get_root (parser)), "client_id");
  if (client_id == NULL || *client_id == '\0')
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The server's answer to the app registration holds no client id.");
      return NULL;
    }
  return g_strdup (client_id);
}

/* }}} */
/* {{{ the loopback redirect */

typedef struct
{
  char *code;
  char *state;
  char *error;
  char *error_description;
} Callback;

static void
callback_clear (Callback *cb)
{
  if (cb->code != NULL)
    sodium_memzero (cb->code, strlen (cb->code));
  g_clear_pointer (&cb->code, g_free);
  g_clear_pointer (&cb->state, g_free);
  g_clear_pointer (&cb->error, g_free);
  g_clear_pointer (&cb->error_description, g_free);
}

static const char page_done[] =
  "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Healthfolio</title>"
  "</head><body style=\"font-family:sans-serif;margin:3em\"><h1>Healthfolio</h1>"
  "<p>You are signed in. You can close this tab and go back to Healthfolio.</p></body></html>";
static const char page_failed[] =
  "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Healthfolio</title>"
  "</head><body style=\"font-family:sans-serif;margin:3em\"><h1>Healthfolio</h1>"
  "<p>The sign-in did not complete. You can close this tab; Healthfolio says what to do "
  "next.</p></body></html>";

static void
respond (GSocket    *client,
         int         status,
         const char *page)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %d %s\r\nContent-Type: text/html; "
                                           "charset=utf-8\r\nContent-Length: %" G_GSIZE_FORMAT
                                           "\r\nCache-Control: no-store\r\n"
                                           "Connection: close\r\n\r\n",
                                           status, status == 200 ? "OK" : "Not Found",
                                           strlen (page));
  g_socket_send (client, head, strlen (head), NULL, NULL);
  g_socket_send (client, page, strlen (page), NULL, NULL);
}

/* Reads one request's head from CLIENT; returns the request target of a GET, or NULL. */
static char *
read_request_target (GSocket      *client,
                     GCancellable *cancellable)
{
  char buf[MAX_CALLBACK_REQUEST + 1];
  gsize have = 0;
  char *line_end;
  g_auto(GStrv) parts = NULL;

  g_socket_set_timeout (client, 10);
  while (have < MAX_CALLBACK_REQUEST)
    {
      gssize n = g_socket_receive (client, buf + have, MAX_CALLBACK_REQUEST - have,
                                   cancellable, NULL);
      if (n <= 0)
        break;
      have += n;
      buf[have] = '\0';
      if (strstr (buf, "\r\n\r\n") != NULL || strstr (buf, "\n\n") != NULL)
        break;
    }
  buf[have] = '\0';
  line_end = strpbrk (buf, "\r\n");
  if (line_end == NULL)
    {
      sodium_memzero (buf, sizeof buf);
      return NULL;
    }
  *line_end = '\0';
  parts = g_strsplit (buf, " ", 3);
  sodium_memzero (buf, sizeof buf);
  if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], "GET"))
    return NULL;
  return g_strdup (parts[1]);
}

static gboolean
parse_callback (const char *target,
                Callback   *cb)
{
  const char *query;
  g_autoptr(GHashTable) params = NULL;

  if (!g_str_has_prefix (target, "/callback"))
    return FALSE;
  query = strchr (target, '?');
  if (query == NULL)
    return TRUE;
  params = g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params == NULL)
    return TRUE;
  cb->code = g_strdup (g_hash_table_lookup (params, "code"));
  cb->state = g_strdup (g_hash_table_lookup (params, "state"));
  cb->error = g_strdup (g_hash_table_lookup (params, "error"));
  cb->error_description = g_strdup (g_hash_table_lookup (params, "error_description"));
  if (g_hash_table_lookup (params, "code") != NULL)
    {
      char *code = g_hash_table_lookup (params, "code");
      sodium_memzero (code, strlen (code));
    }
  return TRUE;
}

/* Waits for the browser's redirect to the callback path; other requests (a favicon, say)
 * are answered 404. The listener closes after the callback. */
static gboolean
wait_for_callback (GSocket       *listener,
                   guint          timeout_seconds,
                   Callback      *cb,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GSocket) client = NULL;
      g_autofree char *target = NULL;
      g_autoptr(GError) wait_error = NULL;
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0 ||
          !g_socket_condition_timed_wait (listener, G_IO_IN, left, cancellable, &wait_error))
        {
          if (g_error_matches (wait_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&wait_error));
          else
            g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                         "The sign-in was not completed within %u minutes; try again.",
                         MAX (timeout_seconds / 60, 1));
          return FALSE;
        }
      client = g_socket_accept (listener, cancellable, NULL);
      if (client == NULL)
        continue;
      target = read_request_target (client, cancellable);
      if (target != NULL && parse_callback (target, cb))
        {
          respond (client, 200, cb->code != NULL ? page_done : page_failed);
          g_socket_close (client, NULL);
          sodium_memzero (target, strlen (target));
          return TRUE;
        }
      if (target != NULL)
        respond (client, 404, page_failed);
      g_socket_close (client, NULL);
    }
}

HfSmartTokens *
hf_smart_authorize (HfHttp               *http,
                    const HfSmartConfig  *config,
                    const char           *client_id,
                    HfSmartOpenUriFunc    open_uri,
                    gpointer              user_data,
                    guint                 timeout_seconds,
                    GCancellable         *cancellable,
                    GError              **error)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) bind_addr = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *state = NULL;
  g_autofree char *redirect_uri = NULL;
  g_autoptr(GString) url = NULL;
  g_autoptr(HfHttpRequest) req = NULL;
  Callback cb = { 0 };
  HfSmartTokens *tokens;
  struct { const char *name; const char *value; } params[8];

  g_return_val_if_fail (http != NULL && config != NULL && client_id != NULL, NULL);
  g_return_val_if_fail (open_uri != NULL, NULL);

  if (!config->has_smart)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "This server does not offer SMART on FHIR sign-in.");
      return NULL;
    }
  if (!hf_http_url_allowed (config->authorize_endpoint, error) ||
      !hf_http_url_allowed (config->token_endpoint, error))
    return NULL;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                           error);
  if (listener == NULL)
    return NULL;
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  bind_addr = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_bind (listener, bind_addr, FALSE, error))
    return NULL;
  g_socket_set_listen_backlog (listener, 4);
  if (!g_socket_listen (listener, error) ||
      (local = g_socket_get_local_address (listener, error)) == NULL)
    return NULL;
  redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/callback",
                                  g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));

  verifier = random_token ();
  challenge = hf_smart_pkce_challenge (verifier);
  state = random_token ();

  params[0].name = "response_type"; params[0].value = "code";
  params[1].name = "client_id"; params[1].value = client_id;
  params[2].name = "redirect_uri"; params[2].value = redirect_uri;
  params[3].name = "scope"; params[3].value = hf_smart_config_scopes (config);
  params[4].name = "state"; params[4].value = state;
  params[5].name = "aud"; params[5].value = config->base_url;
  params[6].name = "code_challenge"; params[6].value = challenge;
  params[7].name = "code_challenge_method"; params[7].value = "S256";
  url = g_string_new (config->authorize_endpoint);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    {
      g_autofree char *v = g_uri_escape_string (params[i].value, NULL, FALSE);
      g_string_append_printf (url, "%c%s=%s",
                              i == 0 && strchr (config->authorize_endpoint, '?') == NULL
                              ? '?' : '&', params[i].name, v);
    }

  if (!open_uri (url->str, user_data, error) ||
      !wait_for_callback (listener, timeout_seconds, &cb, cancellable, error))
    {
      callback_clear (&cb);
      sodium_memzero (verifier, strlen (verifier));
      return NULL;
    }
  g_socket_close (listener, NULL);

  /* The state is checked before anything else is done with the answer. */
  if (cb.state == NULL || strlen (cb.state) != strlen (state) ||
      sodium_memcmp (cb.state, state, strlen (state)) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                   "The answer to the sign-in did not match the request (wrong state), so it "
                   "was ignored; nothing was stored. Sign in again.");
      callback_clear (&cb);
      sodium_memzero (verifier, strlen (verifier));
      return NULL;
    }
  if (cb.code == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                   "The sign-in was not granted (%s%s%s). Sign in again to retry.",
                   cb.error ? cb.error : "no code came back",
                   cb.error_description ? ": " : "",
                   cb.error_description ? cb.error_description : "");
      callback_clear (&cb);
      sodium_memzero (verifier, strlen (verifier));
      return NULL;
    }

  req = hf_http_request_new (config->token_endpoint);
  hf_http_request_set_form (req, "grant_type", "authorization_code", "code", cb.code,
                            "redirect_uri", redirect_uri, "client_id", client_id,
                            "code_verifier", verifier, NULL);
  callback_clear (&cb);
  sodium_memzero (verifier, strlen (verifier));
  tokens = token_request (http, req, "the sign-in", cancellable, error);
  sodium_memzero (state, strlen (state));
  return tokens;
}

/* }}} */
