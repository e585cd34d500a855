/* hf-import.h — importing FHIR R4 files (Bundles, single resources, NDJSON, folders)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-vault.h"

G_BEGIN_DECLS

/* Called between resources: FILE is the file being read. */
typedef void (*HfImportProgressFunc) (const char *file,
                                      guint64     resources,
                                      guint64     bytes_done,
                                      guint64     bytes_total,
                                      gpointer    user_data);

typedef struct
{
  guint       files;
  guint64     added;       /* new records */
  guint64     updated;     /* newer versions that replaced the current one */
  guint64     history;     /* older versions, kept as history */
  guint64     deleted;     /* records a history Bundle deleted: kept, marked deleted */
  guint64     unchanged;   /* already in the vault with the same content */
  guint64     left_out;    /* other people's records, left out by HfImportOptions.person */
  GHashTable *by_type;     /* char* resource type → GUINT_TO_POINTER (records read) */
  GPtrArray  *skipped;     /* char*, the names of files in a folder that are not FHIR at all
                            * (a README, a Bulk Data client's log), skipped; or NULL */
} HfImportResult;

void      hf_import_result_free (HfImportResult        *result);

/* A vault holds one person's record (hf-person.h). */
typedef struct
{
  gboolean    same_person;   /* a Patient that does not match the vault's person is them */
  const char *person;        /* of a file holding several people, the Patient id to keep */
} HfImportOptions;

/* Imports every file (a folder: every file under it, sorted) in one transaction: all or
 * nothing. Bad input fails with HF_ERROR_INVALID_INPUT naming the file, line or entry (every
 * bad file, when there are several). A file found in a folder that is not FHIR at all (empty,
 * not a JSON object, or JSON without a resourceType) is skipped and named in skipped. */
gboolean  hf_vault_import_files (HfVault               *vault,
                                 const char * const    *paths,
                                 HfImportProgressFunc   progress,
                                 gpointer               user_data,
                                 GCancellable          *cancellable,
                                 HfImportResult       **out,
                                 GError               **error);

/* The same, with OPTIONS (NULL: none). Several people in the input, or a Patient who is not
 * the vault's person, are refused with HF_ERROR_INVALID_INPUT and nothing is imported. */
gboolean  hf_vault_import_files_with (HfVault                *vault,
                                      const char * const     *paths,
                                      const HfImportOptions  *options,
                                      HfImportProgressFunc    progress,
                                      gpointer                user_data,
                                      GCancellable           *cancellable,
                                      HfImportResult        **out,
                                      GError                **error);

/* The same for one document in memory (INPUT: a Bundle, a resource or NDJSON), such as the
 * payload of a verified signed bundle, shown as NAME, its source ORIGIN (the same origin
 * twice is the same source). OUT_PROVENANCE (may be NULL): the provenance row its records
 * were stored under, or 0 when nothing new was stored. */
gboolean  hf_vault_import_bytes (HfVault                *vault,
                                 GBytes                 *input,
                                 const char             *name,
                                 const char             *origin,
                                 const HfImportOptions  *options,
                                 GCancellable           *cancellable,
                                 HfImportResult        **out,
                                 gint64                 *out_provenance,
                                 GError                **error);

/* One document in memory, for hf_vault_import_documents(). */
typedef struct
{
  GBytes     *bytes;      /* a Bundle, a resource or NDJSON */
  const char *name;       /* what the import is shown as ("SMART Health Card from …") */
  const char *origin;     /* its source's origin (the same origin twice is the same source) */
} HfImportDocument;

/* Called inside the import's transaction once document INDEX is stored, with its provenance
 * row (0 when it stored nothing new): what is recorded about it (a signature, a card's
 * status) commits or rolls back with the records. FALSE (and ERROR) rolls everything back. */
typedef gboolean (*HfImportStoredFunc) (HfVault  *vault,
                                        guint     index,
                                        gint64    provenance_id,
                                        gpointer  user_data,
                                        GError  **error);

/* Imports DOCS[0..N) in one transaction, all or nothing, under the vault's person rules
 * (OPTIONS, may be NULL), each document its own provenance. A bad document is refused as a
 * bad file is (every bad one named); STORED (may be NULL) is called for each good one. */
gboolean  hf_vault_import_documents (HfVault                 *vault,
                                     const HfImportDocument  *docs,
                                     guint                    n,
                                     const HfImportOptions   *options,
                                     HfImportStoredFunc       stored,
                                     gpointer                 user_data,
                                     GCancellable            *cancellable,
                                     HfImportResult         **out,
                                     GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfImportResult, hf_import_result_free)

G_END_DECLS
