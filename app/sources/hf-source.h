/* hf-source.h — FHIR endpoints a vault pulls records from, and their sync
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-smart.h"
#include "hf-vault.h"

G_BEGIN_DECLS

typedef enum
{
  HF_SOURCE_AUTH_OPEN,
  HF_SOURCE_AUTH_SMART,
} HfSourceAuth;

typedef struct
{
  char         *name;
  char         *base_url;
  HfSourceAuth  auth;
  char         *client_id;
  char         *patient_id;
  char         *ca_file;
  gboolean      signed_in;      /* tokens are stored */
  gint64        added;          /* seconds since the epoch */
  gint64        last_sync;      /* 0: never */
  char         *last_status;
  GPtrArray    *types;          /* char*: what a sync asks for */
  char         *problem;        /* non-NULL: what is stored about the source is damaged, so
                                 * it can only be listed and removed; says so, and how */
} HfSourceInfo;

/* Knobs for network calls; NULL means the defaults. */
typedef struct
{
  guint               timeout_ms;        /* per request; 0: 30 s */
  guint               parallel;          /* requests in flight; 0: 4 */
  guint               page_size;         /* _count; 0: 100 */
  guint               login_timeout_s;   /* waiting for the browser; 0: 5 minutes */
  guint               max_retry_wait_s;  /* longest Retry-After honoured; 0: 120 s */
  guint               backoff_ms;        /* first backoff step; 0: 1000 */
  HfSmartOpenUriFunc  open_uri;          /* required for sign-in */
  gpointer            open_uri_data;
} HfSourceOptions;

typedef enum
{
  HF_SYNC_EVENT_STARTED,      /* a type's first request went out */
  HF_SYNC_EVENT_PAGE,         /* a page was stored */
  HF_SYNC_EVENT_WAITING,      /* the server asked to wait (message says how long) */
  HF_SYNC_EVENT_DONE,
  HF_SYNC_EVENT_SKIPPED,      /* 403/404: the server does not share this type */
  HF_SYNC_EVENT_FAILED,
  HF_SYNC_EVENT_ATTACHMENT,   /* a document's file was stored */
} HfSyncEvent;

typedef struct
{
  const char  *source;
  const char  *type;
  HfSyncEvent  event;
  guint        pages;         /* of this type, so far */
  guint64      resources;     /* of this type, so far */
  guint        types_done;
  guint        types_total;
  const char  *message;       /* for WAITING, SKIPPED, FAILED; or an OperationOutcome */
} HfSyncProgress;

typedef void (*HfSyncProgressFunc) (const HfSyncProgress *progress,
                                    gpointer              user_data);

typedef struct
{
  char        *type;
  HfSyncEvent  outcome;       /* DONE, SKIPPED or FAILED (or STARTED if cancelled) */
  guint        pages;
  guint64      resources;
  char        *message;
} HfSyncTypeResult;

typedef struct
{
  char      *source;
  GPtrArray *types;           /* HfSyncTypeResult*, Patient first */
  guint64    added;
  guint64    updated;
  guint64    history;
  guint64    unchanged;
  guint      pages;
  guint      requests;
  guint      attachments;
  guint      skipped;
  guint      failed;
  gint64     elapsed_us;
  gint64     store_us;        /* of it, storing pages in the vault */
} HfSyncResult;

void           hf_source_info_free   (HfSourceInfo           *info);
void           hf_sync_result_free   (HfSyncResult           *result);

/* Discovers the server and stores the source. OPEN: no sign-in (PATIENT_ID required). */
HfSourceInfo  *hf_source_add         (HfVault                *vault,
                                      const char             *name,
                                      const char             *base_url,
                                      gboolean                open,
                                      const char             *client_id,
                                      const char             *patient_id,
                                      const char             *ca_file,
                                      const HfSourceOptions  *options,
                                      HfSmartConfig         **found,
                                      GCancellable           *cancellable,
                                      GError                **error);
GPtrArray     *hf_source_list        (HfVault                *vault,
                                      GError                **error);
HfSourceInfo  *hf_source_get         (HfVault                *vault,
                                      const char             *name,
                                      GError                **error);
/* Forgets the source, its sign-in and its sync state; its records stay. */
gboolean       hf_source_remove      (HfVault                *vault,
                                      const char             *name,
                                      GError                **error);
/* SMART standalone launch in the system browser; the tokens are stored in the vault. */
gboolean       hf_source_login       (HfVault                *vault,
                                      const char             *name,
                                      const HfSourceOptions  *options,
                                      GCancellable           *cancellable,
                                      GError                **error);
/* Pulls what changed since the last sync. On failure RESULT (if asked) still says what was
 * done; what was stored stays and the next sync resumes. */
gboolean       hf_source_sync        (HfVault                *vault,
                                      const char             *name,
                                      const HfSourceOptions  *options,
                                      HfSyncProgressFunc      progress,
                                      gpointer                user_data,
                                      GCancellable           *cancellable,
                                      HfSyncResult          **result,
                                      GError                **error);

/* The same in a worker thread. PROGRESS is called in the thread-default main context of the
 * caller; USER_DATA must stay valid until CALLBACK has run. The vault's database is busy
 * meanwhile: change nothing else in the vault until the sync has finished. */
void           hf_source_sync_async  (HfVault                *vault,
                                      const char             *name,
                                      const HfSourceOptions  *options,
                                      HfSyncProgressFunc      progress,
                                      gpointer                user_data,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                callback_data);
gboolean       hf_source_sync_finish (HfVault                *vault,
                                      GAsyncResult           *result,
                                      HfSyncResult          **sync_result,
                                      GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfSourceInfo, hf_source_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfSyncResult, hf_sync_result_free)

G_END_DECLS
