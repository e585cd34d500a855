/* hf-fhir-server.c — a FHIR R4 + SMART test server on 127.0.0.1 (libsoup 3), with faults
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server runs in its own thread and main context, so the code under test can block in
 * libcurl. Over https it presents a certificate for 127.0.0.1 made when the first such server
 * starts (libcrypto), the same for every server of the process, so that a test can trust it
 * and have two origins (two ports) that both verify. Latency and slow answers pause the
 * message and resume it from a timeout, so parallel requests wait in parallel, as they would
 * on a real network.
 */

#include "hf-fhir-server.h"

#include <libsoup/soup.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

#define PATIENT "p1"
#define POPULATED_AT "2024-01-01T00:00:00Z"
/* A client that never has that many searches out at once is answered after this anyway. */
#define GATHER_LIMIT_MS 10000
/* handle_fhir's answer when it has paused the message itself. */
#define HELD G_MAXUINT

typedef struct
{
  char *type;
  char *id;
  char *last_updated;
  char *json;
} Resource;

typedef struct
{
  char *challenge;
  char *redirect_uri;
  char *client_id;
} Code;

struct _HfFhirServer
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *soup;
  char         *base;
  char         *origin;
  guint         port;
  gboolean      smart;
  gboolean      https;

  GMutex        lock;
  GCond         ready;
  gboolean      started;
  HfFhirFaults  faults;
  GPtrArray    *resources;         /* Resource*, sorted by (type, id) when searched */
  GHashTable   *binaries;          /* id → GBytes */
  GHashTable   *codes;             /* code → Code* */
  GHashTable   *access;            /* valid access tokens */
  GHashTable   *refresh;           /* valid refresh tokens */
  GHashTable   *clients;           /* registered client ids */
  GPtrArray    *issued;            /* every token issued */
  GHashTable   *counts;            /* what → count */
  GHashTable   *last_query;        /* type → query */
  GHashTable   *first_query;       /* type → query of the last search without _offset */
  guint         serial;
  guint         in_flight;
  guint         max_in_flight;
  GPtrArray    *held;              /* SoupServerMessage*, paused by the gather fault */
  GSource      *gather_limit;
  guint         gathered;          /* searches that were waiting together when released */
  GHashTable   *files;             /* path → StaticFile*: answered as they are */
};

typedef struct
{
  char   *type;
  GBytes *body;
  char   *location;   /* a redirect instead */
} StaticFile;

static void
static_file_free (StaticFile *f)
{
  g_free (f->type);
  g_clear_pointer (&f->body, g_bytes_unref);
  g_free (f->location);
  g_free (f);
}

/* {{{ the certificate */

typedef struct
{
  char            *pem;       /* the certificate: what a client trusts */
  GTlsCertificate *tls;       /* with its key: what the server presents */
} Certificate;

static char *
bio_text (BIO *bio)
{
  char *data = NULL;
  long n = BIO_get_mem_data (bio, &data);

  return g_strndup (data, n);
}

static void
add_extension (X509       *x,
               int         nid,
               const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;

  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, x, x, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  g_assert_nonnull (ext);
  X509_add_ext (x, ext, -1);
  X509_EXTENSION_free (ext);
}

static gpointer
make_certificate (gpointer data)
{
  Certificate *cert = g_new0 (Certificate, 1);
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *x = X509_new ();
  X509_NAME *name = X509_get_subject_name (x);
  BIO *cert_bio = BIO_new (BIO_s_mem ());
  BIO *key_bio = BIO_new (BIO_s_mem ());
  g_autofree char *key_pem = NULL;
  g_autofree char *both = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (key);
  X509_set_version (x, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (x), g_random_int_range (1, G_MAXINT32));
  X509_gmtime_adj (X509_getm_notBefore (x), -3600);
  X509_gmtime_adj (X509_getm_notAfter (x), 24 * 3600);
  X509_set_pubkey (x, key);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC,
                              (const unsigned char *) "Healthfolio test server", -1, -1, 0);
  X509_set_issuer_name (x, name);
  add_extension (x, NID_basic_constraints, "critical,CA:TRUE");
  add_extension (x, NID_subject_alt_name, "IP:127.0.0.1");
  add_extension (x, NID_ext_key_usage, "serverAuth");
  g_assert_cmpint (X509_sign (x, key, EVP_sha256 ()), >, 0);
  g_assert_cmpint (PEM_write_bio_X509 (cert_bio, x), ==, 1);
  g_assert_cmpint (PEM_write_bio_PrivateKey (key_bio, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  cert->pem = bio_text (cert_bio);
  key_pem = bio_text (key_bio);
  both = g_strconcat (cert->pem, key_pem, NULL);
  cert->tls = g_tls_certificate_new_from_pem (both, -1, &error);
  g_assert_no_error (error);
  BIO_free (cert_bio);
  BIO_free (key_bio);
  X509_free (x);
  EVP_PKEY_free (key);
  return cert;
}

static Certificate *
certificate (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, make_certificate, NULL);
}

const char *
hf_fhir_server_get_ca_pem (void)
{
  return certificate ()->pem;
}

/* }}} */

static void
resource_free (Resource *r)
{
  g_free (r->type);
  g_free (r->id);
  g_free (r->last_updated);
  g_free (r->json);
  g_free (r);
}

static void
code_free (Code *c)
{
  g_free (c->challenge);
  g_free (c->redirect_uri);
  g_free (c->client_id);
  g_free (c);
}

static void
count (HfFhirServer *server,
       const char   *what)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (server->counts, what));

  g_hash_table_insert (server->counts, g_strdup (what), GUINT_TO_POINTER (n + 1));
}

static char *
now_instant (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static const char *
patient_element (const char *type)
{
  static const char *const by_patient[] = {
    "AllergyIntolerance", "Device", "ExplanationOfBenefit", "Immunization", "RelatedPerson",
  };

  if (g_str_equal (type, "Coverage"))
    return "beneficiary";
  for (guint i = 0; i < G_N_ELEMENTS (by_patient); i++)
    if (g_str_equal (type, by_patient[i]))
      return "patient";
  return "subject";
}

static char *
resource_json (const char *type,
               const char *id,
               const char *last_updated,
               guint       version)
{
  if (g_str_equal (type, "Patient"))
    return g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\",\"meta\":{\"versionId\":"
                            "\"%u\",\"lastUpdated\":\"%s\"},\"name\":[{\"family\":\"Test\","
                            "\"given\":[\"Pat\"]}],\"birthDate\":\"1970-01-01\"}", id, version,
                            last_updated);
  if (g_str_equal (type, "Observation"))
    return g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"%s\",\"meta\":"
                            "{\"versionId\":\"%u\",\"lastUpdated\":\"%s\"},\"status\":\"final\","
                            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":"
                            "\"8867-4\",\"display\":\"Heart rate\"}]},\"subject\":{\"reference\":"
                            "\"Patient/" PATIENT "\"},\"effectiveDateTime\":\"2023-05-01\","
                            "\"valueQuantity\":{\"value\":%u,\"unit\":\"/min\"}}", id, version,
                            last_updated, 60 + version);
  /* Each type names the patient by the element R4 gives it. */
  return g_strdup_printf ("{\"resourceType\":\"%s\",\"id\":\"%s\",\"meta\":{\"versionId\":"
                          "\"%u\",\"lastUpdated\":\"%s\"},\"%s\":{\"reference\":\"Patient/"
                          PATIENT "\"}}", type, id, version, last_updated, patient_element (type));
}

static Resource *
find (HfFhirServer *server,
      const char   *type,
      const char   *id)
{
  for (guint i = 0; i < server->resources->len; i++)
    {
      Resource *r = g_ptr_array_index (server->resources, i);
      if (g_str_equal (r->type, type) && g_str_equal (r->id, id))
        return r;
    }
  return NULL;
}

/* {{{ answers */

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *type,
       const char        *body,
       gssize             length)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, body,
                                      length < 0 ? strlen (body) : (gsize) length);
}

static void
reply_outcome (SoupServerMessage *msg,
               guint              status,
               const char        *text)
{
  g_autofree char *body = g_strdup_printf ("{\"resourceType\":\"OperationOutcome\",\"issue\":"
                                           "[{\"severity\":\"error\",\"code\":\"processing\","
                                           "\"diagnostics\":\"%s\"}]}", text);
  reply (msg, status, "application/fhir+json", body, -1);
}

typedef struct
{
  HfFhirServer      *server;
  SoupServerMessage *msg;
} Delayed;

static gboolean
resume_cb (gpointer data)
{
  Delayed *d = data;

  soup_server_message_unpause (d->msg);
  return G_SOURCE_REMOVE;
}

/* Also when the server stops before the answer was due (a cancelled sync). */
static void
delayed_free (gpointer data)
{
  Delayed *d = data;

  g_object_unref (d->msg);
  g_free (d);
}

static void
delay (HfFhirServer      *server,
       SoupServerMessage *msg,
       guint              ms)
{
  Delayed *d = g_new0 (Delayed, 1);
  GSource *source;

  if (ms == 0)
    {
      g_free (d);
      return;
    }
  d->server = server;
  d->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  source = g_timeout_source_new (ms);
  g_source_set_callback (source, resume_cb, d, delayed_free);
  g_source_attach (source, server->context);
  g_source_unref (source);
}

/* Answers every search held by the gather fault, and ends the fault. */
static void
release_held (HfFhirServer *server)
{
  for (guint i = 0; i < server->held->len; i++)
    soup_server_message_unpause (g_ptr_array_index (server->held, i));
  g_ptr_array_set_size (server->held, 0);
  server->faults.gather = 0;
  if (server->gather_limit != NULL)
    {
      g_source_destroy (server->gather_limit);
      g_clear_pointer (&server->gather_limit, g_source_unref);
    }
}

static gboolean
gather_limit_cb (gpointer data)
{
  HfFhirServer *server = data;

  g_mutex_lock (&server->lock);
  g_clear_pointer (&server->gather_limit, g_source_unref);
  server->gathered = server->held->len;
  release_held (server);
  g_mutex_unlock (&server->lock);
  return G_SOURCE_REMOVE;
}

/* Holds MSG until FAULTS.gather searches are waiting together. Returns TRUE if it was held. */
static gboolean
gather (HfFhirServer      *server,
        SoupServerMessage *msg)
{
  if (server->faults.gather == 0)
    return FALSE;
  if (server->held->len + 1 >= server->faults.gather)
    {
      server->gathered = server->held->len + 1;
      release_held (server);
      return FALSE;
    }
  soup_server_message_pause (msg);
  g_ptr_array_add (server->held, g_object_ref (msg));
  if (server->gather_limit == NULL)
    {
      server->gather_limit = g_timeout_source_new (GATHER_LIMIT_MS);
      g_source_set_callback (server->gather_limit, gather_limit_cb, server, NULL);
      g_source_attach (server->gather_limit, server->context);
    }
  return TRUE;
}

static const char *
query_get (GHashTable *query,
           const char *name)
{
  return query ? g_hash_table_lookup (query, name) : NULL;
}

static void
append_json_string (GString    *out,
                    const char *s)
{
  g_string_append_c (out, '"');
  for (; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}

static int
compare_resources (gconstpointer a,
                   gconstpointer b)
{
  const Resource *x = *(Resource * const *) a;
  const Resource *y = *(Resource * const *) b;
  int c = strcmp (x->type, y->type);

  return c ? c : strcmp (x->id, y->id);
}

static gboolean
matches_since (const Resource *r,
               const char     *filter)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) since = NULL;

  if (filter == NULL)
    return TRUE;
  when = g_date_time_new_from_iso8601 (r->last_updated, NULL);
  since = g_date_time_new_from_iso8601 (filter + 2, NULL);
  if (when == NULL || since == NULL)
    return TRUE;
  if (g_str_has_prefix (filter, "gt"))
    return g_date_time_compare (when, since) > 0;
  if (g_str_has_prefix (filter, "ge"))
    return g_date_time_compare (when, since) >= 0;
  return TRUE;
}

static void
search (HfFhirServer      *server,
        SoupServerMessage *msg,
        const char        *type,
        GHashTable        *query)
{
  const char *patient = query_get (query, "patient");
  const char *since = query_get (query, "_lastUpdated");
  guint page_size = query_get (query, "_count") ? atoi (query_get (query, "_count")) : 50;
  guint offset = query_get (query, "_offset") ? atoi (query_get (query, "_offset")) : 0;
  g_autoptr(GPtrArray) hits = g_ptr_array_new ();
  g_autoptr(GString) body = g_string_new (NULL);
  const char *own_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *loop = NULL;
  guint end;

  if (g_strcmp0 (patient, PATIENT) != 0)
    {
      reply (msg, 200, "application/fhir+json",
             "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}", -1);
      return;
    }
  page_size = CLAMP (page_size, 1, 1000);
  g_ptr_array_sort (server->resources, compare_resources);
  for (guint i = 0; i < server->resources->len; i++)
    {
      Resource *r = g_ptr_array_index (server->resources, i);
      if (g_str_equal (r->type, type) && matches_since (r, since))
        g_ptr_array_add (hits, r);
    }
  end = MIN (offset + page_size, hits->len);
  g_string_append_printf (body, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\","
                          "\"total\":%u,\"link\":[", hits->len);
  if (query_get (query, "_offset") == NULL)
    g_hash_table_insert (server->first_query, g_strdup (type), g_strdup (own_query));
  if (g_strcmp0 (server->faults.self_next_type, type) == 0)
    loop = g_strdup_printf ("%s/fhir/%s?%s", server->origin, type, own_query);
  else if (g_strcmp0 (server->faults.loop_next_type, type) == 0 && offset > 0)
    loop = g_strdup_printf ("%s/fhir/%s?%s", server->origin, type,
                            (char *) g_hash_table_lookup (server->first_query, type));
  if (loop != NULL)
    {
      g_string_append (body, "{\"relation\":\"next\",\"url\":");
      append_json_string (body, loop);
      g_string_append (body, "}");
    }
  else if (end < hits->len)
    {
      g_autofree char *next = NULL;
      g_autofree char *since_q = since ? g_uri_escape_string (since, NULL, FALSE) : NULL;
      const char *origin = server->origin;
      g_autofree char *foreign = NULL;

      if (g_strcmp0 (server->faults.foreign_next_type, type) == 0)
        origin = foreign = g_strdup_printf ("http://127.0.0.2:%u", server->port);
      next = g_strdup_printf ("%s/fhir/%s?patient=%s&_count=%u&_offset=%u%s%s", origin, type,
                              PATIENT, page_size, end, since ? "&_lastUpdated=" : "",
                              since ? since_q : "");
      g_string_append (body, "{\"relation\":\"next\",\"url\":");
      append_json_string (body, next);
      g_string_append (body, "}");
    }
  g_string_append (body, "],\"entry\":[");
  for (guint i = offset; i < end; i++)
    {
      Resource *r = g_ptr_array_index (hits, i);
      g_string_append_printf (body, "%s{\"fullUrl\":\"%s/fhir/%s/%s\",\"resource\":%s,"
                              "\"search\":{\"mode\":\"match\"}}", i > offset ? "," : "",
                              server->origin, r->type, r->id, r->json);
    }
  if (offset == 0 && g_str_equal (type, "Condition"))
    g_string_append_printf (body, "%s{\"resource\":{\"resourceType\":\"OperationOutcome\","
                            "\"issue\":[{\"severity\":\"information\",\"code\":\"informational\","
                            "\"diagnostics\":\"Some conditions are withheld by policy\"}]},"
                            "\"search\":{\"mode\":\"outcome\"}}", end > offset ? "," : "");
  g_string_append (body, "]}");

  if (g_strcmp0 (server->faults.truncated_type, type) == 0 && offset > 0)
    g_string_truncate (body, body->len / 2);
  reply (msg, 200, g_strcmp0 (server->faults.html_type, type) == 0
                   ? "text/html" : "application/fhir+json", body->str, body->len);
}

static gboolean
authorized (HfFhirServer      *server,
            SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  if (!server->smart)
    return TRUE;
  return auth != NULL && g_str_has_prefix (auth, "Bearer ") &&
         g_hash_table_contains (server->access, auth + 7);
}

/* Returns extra milliseconds to wait before the answer goes out. */
static guint
handle_fhir (HfFhirServer      *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query)
{
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/fhir/"), "/", 3);
  guint n = g_strv_length (parts);
  const char *type = n > 0 ? parts[0] : "";
  guint extra = 0;

  if (g_strcmp0 (server->faults.redirect_type, type) == 0 &&
      query_get (query, "_moved") == NULL)
    {
      const char *q = g_uri_get_query (soup_server_message_get_uri (msg));
      g_autofree char *to = g_strdup_printf ("%s%s?%s%s_moved=1", server->faults.redirect_origin,
                                             path, q ? q : "", q ? "&" : "");
      count (server, "redirected");
      soup_server_message_set_redirect (msg, 302, to);
      return 0;
    }
  if (g_str_equal (path, "/fhir/.well-known/smart-configuration"))
    {
      g_autofree char *body = NULL;
      if (!server->smart)
        {
          reply (msg, 404, "text/plain", "not found", -1);
          return 0;
        }
      body = g_strdup_printf ("{\"authorization_endpoint\":\"%s/auth/authorize\","
                              "\"token_endpoint\":\"%s/auth/token\",\"registration_endpoint\":"
                              "\"%s/auth/register\",\"capabilities\":[\"launch-standalone\","
                              "\"client-public\",\"context-standalone-patient\","
                              "\"permission-offline\",\"permission-v2\"],"
                              "\"code_challenge_methods_supported\":[\"S256\"]}",
                              server->origin, server->origin, server->origin);
      reply (msg, 200, "application/json", body, -1);
      return 0;
    }
  if (g_str_equal (path, "/fhir/metadata") && server->faults.metadata_error)
    {
      reply_outcome (msg, 500, "The capability service is down for maintenance");
      return 0;
    }
  if (g_str_equal (path, "/fhir/metadata"))
    {
      static const char *const types[] = {
        "AllergyIntolerance", "Condition", "DocumentReference", "Encounter", "Immunization",
        "MedicationRequest", "Observation", "Procedure",
      };
      g_autoptr(GString) body = g_string_new (NULL);

      g_string_printf (body, "{\"resourceType\":\"CapabilityStatement\",\"status\":"
                       "\"active\",\"fhirVersion\":\"4.0.1\",\"software\":{\"name\":\"%s\"},"
                       "\"rest\":[{\"mode\":\"server\",\"resource\":[{\"type\":\"Patient\"}",
                       server->faults.software_name ? server->faults.software_name
                                                    : "Healthfolio test server");
      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        g_string_append_printf (body, ",{\"type\":\"%s\",\"searchParam\":[{\"name\":\"patient\","
                                "\"type\":\"reference\"},{\"name\":\"_lastUpdated\",\"type\":"
                                "\"date\"}]}", types[i]);
      g_string_append (body, ",{\"type\":\"Binary\"}]}]}");
      reply (msg, 200, "application/fhir+json", body->str, -1);
      return 0;
    }
  if (!authorized (server, msg))
    {
      count (server, "unauthorized");
      reply_outcome (msg, 401, "The access token is missing, invalid or expired");
      return 0;
    }
  if (n == 1)
    {
      g_autofree char *what = g_strdup_printf ("search:%s", type);
      count (server, what);
    }
  if (g_strcmp0 (server->faults.redirect_http_type, type) == 0)
    {
      g_autofree char *to = g_strdup_printf ("http://127.0.0.1:%u/fhir/Elsewhere", server->port);
      soup_server_message_set_redirect (msg, 302, to);
      return 0;
    }
  if (g_strcmp0 (server->faults.forbidden_type, type) == 0)
    {
      reply_outcome (msg, 403, "This app may not read these records");
      return 0;
    }
  if (g_strcmp0 (server->faults.rate_limit_type, type) == 0 && server->faults.rate_limit_count > 0)
    {
      server->faults.rate_limit_count--;
      count (server, "rate-limited");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      reply_outcome (msg, 429, "Too many requests");
      return 0;
    }
  if (g_strcmp0 (server->faults.error_type, type) == 0)
    {
      reply_outcome (msg, 500, "Database unavailable");
      return 0;
    }
  if (g_strcmp0 (server->faults.slow_type, type) == 0)
    extra = server->faults.slow_ms;

  if (g_str_equal (type, "Binary") && n == 2)
    {
      GBytes *bytes = g_hash_table_lookup (server->binaries, parts[1]);
      count (server, "binary");
      if (bytes == NULL)
        reply_outcome (msg, 404, "No such Binary");
      else
        reply (msg, 200, "application/pdf", g_bytes_get_data (bytes, NULL),
               g_bytes_get_size (bytes));
      return extra;
    }
  if (n == 2)
    {
      Resource *r = find (server, type, parts[1]);
      count (server, g_str_equal (type, "Patient") ? "read:Patient" : "read");
      if (r == NULL)
        reply_outcome (msg, 404, "Not found");
      else
        reply (msg, 200, "application/fhir+json", r->json, -1);
      return extra;
    }
  if (n == 1)
    {
      g_hash_table_insert (server->last_query, g_strdup (type),
                           g_strdup (g_uri_get_query (soup_server_message_get_uri (msg))));
      search (server, msg, type, query);
      return gather (server, msg) ? HELD : extra;
    }
  reply_outcome (msg, 404, "Unknown path");
  return 0;
}

/* }}} */
/* {{{ SMART */

static char *
issue (HfFhirServer *server,
       const char   *prefix,
       GHashTable   *table)
{
  char *token = g_strdup_printf ("%s-%u-%08x%08x", prefix, ++server->serial, g_random_int (),
                                 g_random_int ());

  g_hash_table_add (table, g_strdup (token));
  g_ptr_array_add (server->issued, g_strdup (token));
  return token;
}

static void
handle_authorize (HfFhirServer      *server,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  const char *redirect = query_get (query, "redirect_uri");
  const char *client = query_get (query, "client_id");
  const char *state = query_get (query, "state");
  g_autoptr(GUri) ruri = redirect ? g_uri_parse (redirect, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *code = NULL;
  g_autofree char *escaped_state = NULL;
  g_autofree char *to = NULL;
  g_autofree char *base = g_strdup_printf ("%s/fhir", server->origin);
  Code *c;

  count (server, "authorize");
  if (ruri == NULL || g_strcmp0 (g_uri_get_host (ruri), "127.0.0.1") != 0 ||
      g_strcmp0 (query_get (query, "response_type"), "code") != 0 ||
      g_strcmp0 (query_get (query, "code_challenge_method"), "S256") != 0 ||
      query_get (query, "code_challenge") == NULL || state == NULL ||
      g_strcmp0 (query_get (query, "aud"), base) != 0 || client == NULL ||
      !g_hash_table_contains (server->clients, client) ||
      strstr (query_get (query, "scope") ? query_get (query, "scope") : "",
              "patient/*.rs") == NULL)
    {
      reply (msg, 400, "text/plain", "bad authorization request", -1);
      return;
    }
  code = g_strdup_printf ("code-%08x%08x", g_random_int (), g_random_int ());
  c = g_new0 (Code, 1);
  c->challenge = g_strdup (query_get (query, "code_challenge"));
  c->redirect_uri = g_strdup (redirect);
  c->client_id = g_strdup (client);
  g_hash_table_insert (server->codes, g_strdup (code), c);
  escaped_state = g_uri_escape_string (server->faults.wrong_state ? "forged-state" : state, NULL,
                                       FALSE);
  to = g_strdup_printf ("%s?code=%s&state=%s", redirect, code, escaped_state);
  soup_server_message_set_redirect (msg, 302, to);
}

static char *
challenge_of (const char *verifier)
{
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char *text;

  g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (sum, digest, &len);
  text = g_base64_encode (digest, len);
  for (char *p = text; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  if (strchr (text, '=') != NULL)
    *strchr (text, '=') = '\0';
  return text;
}

static void
token_answer (HfFhirServer      *server,
              SoupServerMessage *msg)
{
  g_autofree char *at = issue (server, "at", server->access);
  g_autofree char *rt = issue (server, "rt", server->refresh);
  g_autofree char *body = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\","
                                           "\"expires_in\":3600,\"refresh_token\":\"%s\","
                                           "\"scope\":\"launch/patient openid fhirUser "
                                           "offline_access patient/*.rs\",\"patient\":\"%s\"}",
                                           at, rt, server->faults.token_patient
                                                   ? server->faults.token_patient : PATIENT);

  reply (msg, 200, "application/json", body, -1);
}

static void
handle_token (HfFhirServer      *server,
              SoupServerMessage *msg)
{
  SoupMessageBody *req = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) flat = soup_message_body_flatten (req);
  g_autofree char *text = g_strndup (g_bytes_get_data (flat, NULL), g_bytes_get_size (flat));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *grant = g_hash_table_lookup (form, "grant_type");

  if (g_strcmp0 (grant, "authorization_code") == 0)
    {
      const char *code = g_hash_table_lookup (form, "code");
      Code *c = code ? g_hash_table_lookup (server->codes, code) : NULL;
      const char *verifier = g_hash_table_lookup (form, "code_verifier");
      g_autofree char *challenge = verifier ? challenge_of (verifier) : NULL;

      count (server, "token");
      if (c == NULL || challenge == NULL || !g_str_equal (challenge, c->challenge) ||
          g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), c->redirect_uri) != 0 ||
          g_strcmp0 (g_hash_table_lookup (form, "client_id"), c->client_id) != 0)
        {
          count (server, "token-refused");
          reply (msg, 400, "application/json", "{\"error\":\"invalid_grant\","
                 "\"error_description\":\"code or verifier does not match\"}", -1);
          return;
        }
      g_hash_table_remove (server->codes, code);
      token_answer (server, msg);
      return;
    }
  if (g_strcmp0 (grant, "refresh_token") == 0)
    {
      const char *rt = g_hash_table_lookup (form, "refresh_token");
      count (server, "refresh");
      if (server->faults.refuse_refresh || rt == NULL ||
          !g_hash_table_remove (server->refresh, rt))
        {
          reply (msg, 400, "application/json", "{\"error\":\"invalid_grant\"}", -1);
          return;
        }
      token_answer (server, msg);
      return;
    }
  reply (msg, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}", -1);
}

static void
handle_register (HfFhirServer      *server,
                 SoupServerMessage *msg)
{
  g_autofree char *id = g_strdup_printf ("dyn-client-%u", ++server->serial);
  g_autofree char *body = g_strdup_printf ("{\"client_id\":\"%s\",\"token_endpoint_auth_method\":"
                                           "\"none\"}", id);

  count (server, "register");
  g_hash_table_add (server->clients, g_strdup (id));
  reply (msg, 201, "application/json", body, -1);
}

/* }}} */

static void
finished_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  HfFhirServer *server = user_data;

  g_mutex_lock (&server->lock);
  server->in_flight--;
  g_mutex_unlock (&server->lock);
}

static void
handler (SoupServer        *soup,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  HfFhirServer *server = user_data;

  g_mutex_lock (&server->lock);
  count (server, "request");
  if (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                    "Authorization") != NULL)
    count (server, "authorization");
  server->in_flight++;
  server->max_in_flight = MAX (server->max_in_flight, server->in_flight);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), server);
  if (g_str_has_prefix (path, "/fhir/"))
    {
      guint extra = handle_fhir (server, msg, path, query);
      if (extra != HELD)
        delay (server, msg, server->faults.latency_ms + extra);
    }
  else if (g_str_equal (path, "/auth/authorize"))
    handle_authorize (server, msg, query);
  else if (g_str_equal (path, "/auth/token"))
    handle_token (server, msg);
  else if (g_str_equal (path, "/auth/register"))
    handle_register (server, msg);
  else if (g_hash_table_contains (server->files, path))
    {
      StaticFile *f = g_hash_table_lookup (server->files, path);
      g_autofree char *what = g_strconcat ("path:", path, NULL);

      count (server, what);
      if (f->location != NULL)
        soup_server_message_set_redirect (msg, 302, f->location);
      else
        {
          gsize length;
          const char *data = g_bytes_get_data (f->body, &length);
          reply (msg, 200, f->type, data, (gssize) length);
        }
    }
  else
    {
      g_autofree char *what = g_strconcat ("path:", path, NULL);
      count (server, what);
      reply (msg, 404, "text/plain", "not found", -1);
    }
  g_mutex_unlock (&server->lock);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  HfFhirServer *server = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tls = NULL;

  /* TLS here too, since the connection does not come through libsoup's listener. */
  if (server->https)
    {
      tls = g_tls_server_connection_new (G_IO_STREAM (connection), certificate ()->tls, &error);
      g_assert_no_error (error);
    }
  soup_server_accept_iostream (server->soup, tls ? tls : G_IO_STREAM (connection), local, remote,
                               &error);
  g_assert_no_error (error);
  return TRUE;
}

static gpointer
server_thread (gpointer data)
{
  HfFhirServer *server = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocketService) service = NULL;

  g_main_context_push_thread_default (server->context);
  server->soup = soup_server_new ("tls-certificate",
                                   server->https ? certificate ()->tls : NULL, NULL);
  soup_server_add_handler (server->soup, NULL, handler, server, NULL);
  /* Connections are accepted here and handed to libsoup: its own listener (3.2) leaks every
   * accepted socket and its address, which would hide our leaks among libsoup's. */
  service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), any_port, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), server);
  g_socket_service_start (service);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  server->origin = g_strdup_printf ("%s://127.0.0.1:%u", server->https ? "https" : "http",
                                    server->port);
  server->base = g_strdup_printf ("%s/fhir", server->origin);

  g_mutex_lock (&server->lock);
  server->started = TRUE;
  g_cond_signal (&server->ready);
  g_mutex_unlock (&server->lock);

  g_main_loop_run (server->loop);
  g_mutex_lock (&server->lock);
  release_held (server);
  g_mutex_unlock (&server->lock);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  soup_server_disconnect (server->soup);
  g_clear_object (&server->soup);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static HfFhirServer *
server_new (gboolean smart,
            gboolean https)
{
  HfFhirServer *server = g_new0 (HfFhirServer, 1);

  server->smart = smart;
  server->https = https;
  g_mutex_init (&server->lock);
  g_cond_init (&server->ready);
  server->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) resource_free);
  server->binaries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_bytes_unref);
  server->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) code_free);
  server->access = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->issued = g_ptr_array_new_with_free_func (g_free);
  server->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) static_file_free);
  server->last_query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->first_query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->held = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_add (server->clients, g_strdup ("fixed-client"));
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);

  g_mutex_lock (&server->lock);
  {
    Resource *p = g_new0 (Resource, 1);
    p->type = g_strdup ("Patient");
    p->id = g_strdup (PATIENT);
    p->last_updated = g_strdup (POPULATED_AT);
    p->json = resource_json ("Patient", PATIENT, POPULATED_AT, 1);
    g_ptr_array_add (server->resources, p);
  }
  g_mutex_unlock (&server->lock);

  server->thread = g_thread_new ("hf-fhir-server", server_thread, server);
  g_mutex_lock (&server->lock);
  while (!server->started)
    g_cond_wait (&server->ready, &server->lock);
  g_mutex_unlock (&server->lock);
  return server;
}

HfFhirServer *
hf_fhir_server_new (gboolean smart)
{
  return server_new (smart, FALSE);
}

HfFhirServer *
hf_fhir_server_new_https (gboolean smart)
{
  return server_new (smart, TRUE);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
hf_fhir_server_free (HfFhirServer *server)
{
  if (server == NULL)
    return;
  g_main_context_invoke (server->context, quit_cb, server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  hf_fhir_server_clear_faults (server);
  g_ptr_array_unref (server->resources);
  g_hash_table_unref (server->binaries);
  g_hash_table_unref (server->codes);
  g_hash_table_unref (server->access);
  g_hash_table_unref (server->refresh);
  g_hash_table_unref (server->clients);
  g_ptr_array_unref (server->issued);
  g_hash_table_unref (server->counts);
  g_hash_table_unref (server->files);
  g_hash_table_unref (server->last_query);
  g_hash_table_unref (server->first_query);
  g_ptr_array_unref (server->held);
  g_free (server->base);
  g_free (server->origin);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->ready);
  g_free (server);
}

const char *
hf_fhir_server_get_base (HfFhirServer *server)
{
  return server->base;
}

const char *
hf_fhir_server_get_origin (HfFhirServer *server)
{
  return server->origin;
}

void
hf_fhir_server_populate (HfFhirServer       *server,
                         const char * const *types,
                         guint               n_each)
{
  g_mutex_lock (&server->lock);
  for (guint t = 0; types[t] != NULL; t++)
    for (guint i = 0; i < n_each; i++)
      {
        Resource *r = g_new0 (Resource, 1);
        r->type = g_strdup (types[t]);
        r->id = g_strdup_printf ("%c%05u", g_ascii_tolower (types[t][0]), i);
        r->last_updated = g_strdup (POPULATED_AT);
        r->json = resource_json (r->type, r->id, r->last_updated, 1);
        g_ptr_array_add (server->resources, r);
      }
  g_mutex_unlock (&server->lock);
}

void
hf_fhir_server_put (HfFhirServer *server,
                    const char   *type,
                    const char   *id)
{
  Resource *r;

  g_mutex_lock (&server->lock);
  r = find (server, type, id);
  if (r == NULL)
    {
      r = g_new0 (Resource, 1);
      r->type = g_strdup (type);
      r->id = g_strdup (id);
      g_ptr_array_add (server->resources, r);
    }
  g_free (r->last_updated);
  g_free (r->json);
  r->last_updated = now_instant ();
  r->json = resource_json (type, id, r->last_updated, ++server->serial + 1);
  g_mutex_unlock (&server->lock);
}

void
hf_fhir_server_put_json (HfFhirServer *server,
                         const char   *type,
                         const char   *id,
                         const char   *json)
{
  Resource *r;

  hf_fhir_server_put (server, type, id);
  g_mutex_lock (&server->lock);
  r = find (server, type, id);
  g_free (r->json);
  r->json = g_strdup (json);
  g_mutex_unlock (&server->lock);
}

void
hf_fhir_server_add_document (HfFhirServer *server,
                             const char   *id,
                             gsize         size)
{
  Resource *r = g_new0 (Resource, 1);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7);
  g_mutex_lock (&server->lock);
  g_hash_table_insert (server->binaries, g_strdup (id), g_bytes_new_take (data, size));
  r->type = g_strdup ("DocumentReference");
  r->id = g_strdup (id);
  r->last_updated = g_strdup (POPULATED_AT);
  r->json = g_strdup_printf ("{\"resourceType\":\"DocumentReference\",\"id\":\"%s\",\"meta\":"
                             "{\"lastUpdated\":\"" POPULATED_AT "\"},\"status\":\"current\","
                             "\"subject\":{\"reference\":\"Patient/" PATIENT "\"},\"content\":"
                             "[{\"attachment\":{\"contentType\":\"application/pdf\",\"url\":"
                             "\"Binary/%s\",\"title\":\"Discharge letter\"}},{\"attachment\":"
                             "{\"contentType\":\"text/plain\",\"data\":\"aGVsbG8=\"}},"
                             "{\"attachment\":{\"url\":\"https://elsewhere.example/doc.pdf\"}}]}",
                             id, id);
  g_ptr_array_add (server->resources, r);
  g_mutex_unlock (&server->lock);
}

HfFhirFaults *
hf_fhir_server_lock_faults (HfFhirServer *server)
{
  g_mutex_lock (&server->lock);
  return &server->faults;
}

void
hf_fhir_server_unlock_faults (HfFhirServer *server)
{
  if (server->faults.expire_tokens)
    {
      g_hash_table_remove_all (server->access);
      server->faults.expire_tokens = FALSE;
    }
  g_mutex_unlock (&server->lock);
}

void
hf_fhir_server_clear_faults (HfFhirServer *server)
{
  HfFhirFaults *f = hf_fhir_server_lock_faults (server);

  g_clear_pointer (&f->forbidden_type, g_free);
  g_clear_pointer (&f->rate_limit_type, g_free);
  g_clear_pointer (&f->error_type, g_free);
  g_clear_pointer (&f->slow_type, g_free);
  g_clear_pointer (&f->truncated_type, g_free);
  g_clear_pointer (&f->html_type, g_free);
  g_clear_pointer (&f->foreign_next_type, g_free);
  g_clear_pointer (&f->self_next_type, g_free);
  g_clear_pointer (&f->loop_next_type, g_free);
  g_clear_pointer (&f->redirect_http_type, g_free);
  g_clear_pointer (&f->redirect_type, g_free);
  g_clear_pointer (&f->redirect_origin, g_free);
  g_clear_pointer (&f->software_name, g_free);
  g_clear_pointer (&f->token_patient, g_free);
  memset (f, 0, sizeof *f);
  hf_fhir_server_unlock_faults (server);
}

guint
hf_fhir_server_count (HfFhirServer *server,
                      const char   *what)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (server->counts, what));
  g_mutex_unlock (&server->lock);
  return n;
}

guint
hf_fhir_server_max_in_flight (HfFhirServer *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->max_in_flight;
  server->max_in_flight = 0;
  g_mutex_unlock (&server->lock);
  return n;
}

guint
hf_fhir_server_gathered (HfFhirServer *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->gathered;
  g_mutex_unlock (&server->lock);
  return n;
}

GPtrArray *
hf_fhir_server_dup_tokens (HfFhirServer *server)
{
  GPtrArray *copy;

  g_mutex_lock (&server->lock);
  copy = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < server->issued->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (server->issued, i)));
  g_mutex_unlock (&server->lock);
  return copy;
}

char *
hf_fhir_server_dup_last_query (HfFhirServer *server,
                               const char   *type)
{
  char *q;

  g_mutex_lock (&server->lock);
  q = g_strdup (g_hash_table_lookup (server->last_query, type));
  g_mutex_unlock (&server->lock);
  return q;
}

void
hf_fhir_server_put_file (HfFhirServer *server,
                         const char   *path,
                         const char   *type,
                         const char   *body,
                         gsize         length)
{
  StaticFile *f = g_new0 (StaticFile, 1);

  f->type = g_strdup (type);
  f->body = g_bytes_new (body, length);
  g_mutex_lock (&server->lock);
  g_hash_table_insert (server->files, g_strdup (path), f);
  g_mutex_unlock (&server->lock);
}

void
hf_fhir_server_put_redirect (HfFhirServer *server,
                             const char   *path,
                             const char   *location)
{
  StaticFile *f = g_new0 (StaticFile, 1);

  f->location = g_strdup (location);
  g_mutex_lock (&server->lock);
  g_hash_table_insert (server->files, g_strdup (path), f);
  g_mutex_unlock (&server->lock);
}
