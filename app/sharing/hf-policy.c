/* hf-policy.c — recipient + consent + today → the exact, deterministic set of resources shared
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules (issue 11, part 4):
 *
 * - Without a consent in force (none, revoked, expired, not yet valid) nothing is shared.
 * - A clinical record (anything but the support types below) is shared when it is not excluded,
 *   its category is permitted (or it is explicitly included), its date lies in the data range,
 *   and every sensitivity label it has is permitted.
 * - Support resources are shared when a shared record refers to them (transitively: a
 *   PractitionerRole's Organization), each subject to the labels but not to categories or dates:
 *   Practitioner, PractitionerRole, Organization, Location, Medication, Device, Specimen,
 *   Substance. The vault's person (every current Patient: a vault holds one person) is always
 *   shared, unless labelled beyond the consent. Other people and places (RelatedPerson, Group,
 *   HealthcareService, …) are records of the directory category like any other.
 * - A reference from a shared record to anything outside the share (withheld, or not in the
 *   vault at all) is removed: the Reference, and upwards while R4 requires what was removed
 *   (the backbone item whose required element it was, an array emptied of its last item); at a
 *   resource's top level a required element withholds the record ("needs a withheld record").
 *   Withholding a record can break another's reference: repeated to a fixed point.
 * - A resource changed so loses its narrative (text): a narrative cannot carry labels.
 * - meta.security: the record's effective labels (ActCode sensitivity codes, one v3
 *   Confidentiality code, NORDSCLCD for 42 CFR Part 2 records) replace the source's codings of
 *   those two systems; other security codings the source had are kept.
 *
 * Labels: hf_label_load_all gives codes without their origin, so a confidentiality "R" on a
 * record that has a known sensitivity label counts as implied by those labels (permitted when
 * they are); an "R" alone needs "R" permitted, a "V" always needs "V". Codes hf_label_is_known
 * does not know are not sensitivity labels here (they stay in meta.security as the source wrote
 * them).
 *
 * Dates: a record's day is its own date as written — the first ten characters of the source's
 * dateTime, in the source's offset — compared with the consent's calendar days, so that the
 * answer does not depend on the machine's time zone. The resource table's `effective` column
 * holds the date in UTC when it has a time; near a boundary (where a UTC day and the written
 * day can differ) the record's text is searched for the dateTime that is `effective` in UTC.
 * A year or month alone is in the range only if all of it is.
 *
 * Speed: a preview reads no record's JSON and parses none with json-glib. It reads each
 * record's share_fact (hf-share-fact.c): its columns and its skeleton, the JSON cut down to
 * what leads to its references, on which the references are found by a scanner over the text,
 * and only a record with a reference to something outside the share is walked (once per change
 * of what it misses) to learn whether R4 lets the reference go. JSON is read only for a record
 * dated near a bound of the consent's range (its written day) and for what an export writes;
 * the export walks every shared record's JSON once and writes it as it walks.
 */

#define _GNU_SOURCE   /* memmem */

#include "hf-policy.h"
#include "hf-policy-private.h"

#include <string.h>

#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-fhir-r4.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-label.h"
#include "hf-recipient.h"
#include "hf-records.h"
#include "hf-vault-private.h"

/* uuid5 (URL namespace, "urn:healthfolio:fhir-export:resource"): the namespace of the fullUrls
 * of exported resources. */
#define RESOURCE_NAMESPACE "54e00028-9f23-5464-ab64-a8bd7f4b19f9"

#define NORDSCLCD "NORDSCLCD"   /* v3-ActCode RefrainPolicy: no redisclosure without consent */

/* {{{ UUID v5 */

char *
hf_uuid_v5 (const char *namespace_uuid,
            const char *name,
            gssize      length)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 ns[16], digest[20];
  gsize digest_len = sizeof digest;
  guint n = 0;

  g_return_val_if_fail (namespace_uuid != NULL && g_uuid_string_is_valid (namespace_uuid), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (const char *p = namespace_uuid; *p != '\0' && n < 16; p++)
    if (*p != '-')
      {
        ns[n++] = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
        p++;
      }
  g_checksum_update (sha1, ns, sizeof ns);
  g_checksum_update (sha1, (const guchar *) name, length < 0 ? (gssize) strlen (name) : length);
  g_checksum_get_digest (sha1, digest, &digest_len);
  digest[6] = (digest[6] & 0x0f) | 0x50;   /* version 5 */
  digest[8] = (digest[8] & 0x3f) | 0x80;   /* variant 10 */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

char *
_hf_policy_full_url (const char *source_key,
                     const char *type,
                     const char *fhir_id)
{
  g_autofree char *name = g_strdup_printf ("%s/%s/%s", source_key, type, fhir_id);
  g_autofree char *uuid = hf_uuid_v5 (RESOURCE_NAMESPACE, name, -1);

  return g_strconcat ("urn:uuid:", uuid, NULL);
}

/* }}} */
/* {{{ words */

const char *
hf_withheld_reason_to_string (HfWithheldReason reason)
{
  switch (reason)
    {
    case HF_WITHHELD_NO_CONSENT:
      return "no consent";
    case HF_WITHHELD_REVOKED:
      return "revoked";
    case HF_WITHHELD_EXPIRED:
      return "expired";
    case HF_WITHHELD_NOT_YET_VALID:
      return "not yet valid";
    case HF_WITHHELD_EXCLUDED:
      return "excluded";
    case HF_WITHHELD_CATEGORY:
      return "category";
    case HF_WITHHELD_NOT_ASKED:
      return "not asked for";
    case HF_WITHHELD_DATE:
      return "date";
    case HF_WITHHELD_NO_DATE:
      return "no date";
    case HF_WITHHELD_LABEL:
      return "label";
    case HF_WITHHELD_NEEDS_WITHHELD:
      return "needs a withheld record";
    case HF_WITHHELD_NOT_NEEDED:
      return "not needed";
    default:
      return "withheld";
    }
}

char *
hf_policy_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static char *
label_words (const char *code)
{
  const char *name = hf_label_name (code);

  if (g_str_equal (code, "R"))
    name = "restricted";
  else if (g_str_equal (code, "V"))
    name = "very restricted";
  return name != NULL ? g_strdup_printf ("labelled %s (%s)", name, code)
                      : g_strdup_printf ("labelled %s", code);
}

/* }}} */
/* {{{ records and references */

enum { KIND_CLINICAL, KIND_SUPPORT, KIND_PATIENT };

typedef struct _Rec Rec;
struct _Rec
{
  const HfPolicyRecord *r;
  const char * const   *labels;
  Rec                  *same_key;     /* the next record of the same type and id (another source) */
  GPtrArray            *targets;      /* Rec* (or NULL: outside the vault) per reference, lazily */
  HfWithheldReason      reason;
  char                 *why;
  guint8                kind;
  guint                 candidate : 1;    /* passes its own rules */
  guint                 dropped : 1;      /* withheld: needs a withheld record */
  guint                 in_share : 1;
  guint                 redacted : 1;
  guint                 kept_checked : 1; /* last walk kept it, missing CHECKED_MISSING targets */
  guint                 checked_missing;
};

/* A record's key: its type and id, without a copy. */
typedef struct
{
  const char *type;
  gsize       type_len;
  const char *id;
  gsize       id_len;
} Key;

typedef struct
{
  const HfPolicyInput *input;
  Rec                 *recs;
  guint                n;
  GHashTable          *by_key;   /* Key* → Rec* (the first; same_key the others) */
  GArray              *keys;     /* Key, one per record */
} HfPolicyContext;

static guint
key_hash (gconstpointer p)
{
  const Key *k = p;
  guint h = 5381;

  for (gsize i = 0; i < k->type_len; i++)
    h = h * 33 + (guchar) k->type[i];
  h = h * 33 + '/';
  for (gsize i = 0; i < k->id_len; i++)
    h = h * 33 + (guchar) k->id[i];
  return h;
}

static gboolean
key_equal (gconstpointer a,
           gconstpointer b)
{
  const Key *x = a, *y = b;

  return x->type_len == y->type_len && x->id_len == y->id_len &&
         memcmp (x->type, y->type, x->type_len) == 0 && memcmp (x->id, y->id, x->id_len) == 0;
}

static const char * const no_labels[] = { "N", NULL };

static gboolean
is_support_type (const char *type)
{
  static const char * const types[] = {
    "Device", "Location", "Medication", "Organization", "Practitioner", "PractitionerRole",
    "Specimen", "Substance",
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (type, types[i]))
      return TRUE;
  return FALSE;
}

/* The record REF names, seen from SELF: its own source first, then any (the first source by
 * name). NULL when the vault has no such current record. */
static Rec *
pick (Rec *first,
      Rec *self)
{
  Rec *best = first;

  for (Rec *r = first; r != NULL; r = r->same_key)
    {
      if (g_strcmp0 (r->r->source_key, self->r->source_key) == 0)
        return r;
      if (g_strcmp0 (r->r->source_key, best->r->source_key) < 0)
        best = r;
    }
  return best;
}

/* The type and id a reference names: "Type/id", or a URL ending in it, either with
 * "/_history/N". FALSE for what names no stored record: a conditional reference, a fragment,
 * and a urn:uuid (the importer rewrote every one that named an entry of its Bundle to Type/id;
 * one left names nothing the source gave). */
static gboolean
parse_reference (const char  *ref,
                 gsize        len,
                 Key         *key)
{
  const char *end = ref + len, *slash1 = NULL, *slash2 = NULL;

  if (len == 0 || ref[0] == '#' || memchr (ref, '?', len) != NULL ||
      (len > 4 && memcmp (ref, "urn:", 4) == 0))
    return FALSE;
  for (int pass = 0; pass < 2; pass++)
    {
      slash1 = slash2 = NULL;
      for (const char *p = end; p-- > ref;)
        if (*p == '/')
          {
            if (slash1 == NULL)
              slash1 = p;
            else
              {
                slash2 = p;
                break;
              }
          }
      if (pass == 0 && slash2 != NULL && (gsize) (slash1 - slash2 - 1) == strlen ("_history") &&
          memcmp (slash2 + 1, "_history", slash1 - slash2 - 1) == 0)
        end = slash2;
      else
        break;
    }
  if (slash1 == NULL || slash1 == ref || slash1 + 1 >= end)
    return FALSE;
  key->type = slash2 != NULL ? slash2 + 1 : ref;
  key->type_len = slash1 - key->type;
  key->id = slash1 + 1;
  key->id_len = end - key->id;
  return key->type_len > 0;
}

static Rec *
resolve (HfPolicyContext *ctx,
         Rec             *self,
         const char      *ref,
         gsize            len)
{
  Key key;
  Rec *first;

  if (!parse_reference (ref, len, &key))
    return NULL;
  first = g_hash_table_lookup (ctx->by_key, &key);
  return first != NULL ? pick (first, self) : NULL;
}

/* A JSON string token (quotes included) as text: copied when it has no escape, else decoded. */
static char *
string_value (const char *token,
              gsize       len)
{
  g_autoptr(JsonNode) node = NULL;

  if (memchr (token, '\\', len) == NULL)
    return g_strndup (token + 1, len - 2);
  {
    g_autofree char *copy = g_strndup (token, len);
    node = json_from_string (copy, NULL);
  }
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? g_strdup (json_node_get_string (node))
                                                      : g_strndup (token + 1, len - 2);
}

typedef void (*ReferenceFunc) (const char *ref,
                               gsize       len,
                               gpointer    data);

/* Calls FUNC with every "reference" string of the JSON TEXT (decoded), but "#…" ones to its
 * contained resources. In JSON that passed the guard, "reference" in quotes followed by a
 * colon is a key: inside a string its quotes would be escaped. */
static void
each_reference (const char    *text,
                gsize          len,
                ReferenceFunc  func,
                gpointer       data)
{
  const char *end = text + len, *p;

  for (p = text; (p = memmem (p, end - p, "\"reference\"", 11)) != NULL;)
    {
      const char *v = p + 11, *v_end;

      while (v < end && g_ascii_isspace (*v))
        v++;
      p += 11;
      if (v >= end || *v != ':')
        continue;
      for (v++; v < end && g_ascii_isspace (*v); v++)
        ;
      if (v >= end || *v != '"')
        continue;
      v_end = hf_json_skip_string (v, end);
      p = v_end;
      if (v[1] == '#')
        continue;
      if (memchr (v, '\\', v_end - v) != NULL)
        {
          g_autofree char *decoded = string_value (v, v_end - v);
          func (decoded, strlen (decoded), data);
        }
      else
        func (v + 1, v_end - v - 2, data);
    }
}

/* What the policy decides on: the record's skeleton, or its JSON. */
static const char *
decided_on (const HfPolicyRecord *r,
            gsize                *len)
{
  if (r->skeleton != NULL)
    {
      *len = r->skeleton_len;
      return r->skeleton;
    }
  *len = r->json_len;
  return r->json;
}

typedef struct
{
  HfPolicyContext *ctx;
  Rec             *rec;
} TargetsData;

static void
add_target (const char *ref,
            gsize       len,
            gpointer    data)
{
  TargetsData *t = data;

  g_ptr_array_add (t->rec->targets, resolve (t->ctx, t->rec, ref, len));
}

/* Every reference the record holds, resolved once. */
static GPtrArray *
targets_of (HfPolicyContext *ctx,
            Rec             *rec)
{
  TargetsData t = { ctx, rec };
  gsize len;

  if (rec->targets != NULL)
    return rec->targets;
  rec->targets = g_ptr_array_new ();
  if (decided_on (rec->r, &len) != NULL)
    each_reference (decided_on (rec->r, &len), len, add_target, &t);
  return rec->targets;
}

static gboolean
target_shared (const Rec *t)
{
  return t != NULL && t->in_share;
}

/* }}} */
/* {{{ the walk: what R4 lets go, and the resource as shared */

/* The definition an element's value has, found only when needed. */
typedef struct _Def Def;
struct _Def
{
  Def        *parent;
  const char *key;
  gsize       key_len;
  const char *type;
  gboolean    resolved;
};

typedef struct
{
  HfPolicyContext *ctx;
  Rec             *self;
  const char      *p;
  const char      *end;
  GString         *out;       /* NULL: only decide */
  gboolean         changed;
} Walk;

static const char *
def_type (Def *d)
{
  if (d == NULL)
    return NULL;
  if (!d->resolved)
    {
      const char *parent = def_type (d->parent);
      char key[128];

      d->resolved = TRUE;
      if ((d->key_len == 9 && memcmp (d->key, "extension", 9) == 0) ||
          (d->key_len == 17 && memcmp (d->key, "modifierExtension", 17) == 0))
        d->type = "Extension";
      else if (parent != NULL && d->key_len < sizeof key)
        {
          memcpy (key, d->key, d->key_len);
          key[d->key_len] = '\0';
          d->type = hf_fhir_r4_element_type (parent, key);
        }
    }
  return d->type;
}

/* Whether losing the member KEY of an object of definition DEF loses the object too. */
static gboolean
member_needed (Def        *def,
               const char *key,
               gsize       key_len)
{
  const char *type = def_type (def);
  char name[128];

  if (type == NULL || key_len >= sizeof name)
    return FALSE;
  /* An extension is its value (or its extensions): without it, it says nothing. */
  if (g_str_equal (type, "Extension") && key_len > 5 && memcmp (key, "value", 5) == 0)
    return TRUE;
  memcpy (name, key, key_len);
  name[key_len] = '\0';
  return hf_fhir_r4_element_required (type, name);
}

static void
skip_ws (Walk *w)
{
  while (w->p < w->end && g_ascii_isspace (*w->p))
    w->p++;
}

static void
emit (Walk       *w,
      const char *text,
      gsize       len)
{
  if (w->out != NULL)
    g_string_append_len (w->out, text, len);
}

static void
emit_c (Walk *w,
        char  c)
{
  if (w->out != NULL)
    g_string_append_c (w->out, c);
}

static gsize
out_len (Walk *w)
{
  return w->out != NULL ? w->out->len : 0;
}

static void
out_truncate (Walk  *w,
              gsize  len)
{
  if (w->out != NULL)
    g_string_truncate (w->out, len);
}

/* A number, true, false or null at W's position, copied. */
static void
walk_scalar (Walk *w)
{
  const char *start = w->p;

  if (*w->p == '"')
    w->p = hf_json_skip_string (w->p, w->end);
  else
    while (w->p < w->end && strchr (",}] \t\r\n", *w->p) == NULL)
      w->p++;
  emit (w, start, w->p - start);
}

static gboolean walk_object (Walk *w, Def *def, gboolean root, char **cause);

static void
walk_plain (Walk *w)
{
  if (*w->p == '{')
    {
      g_autofree char *cause = NULL;
      walk_object (w, NULL, FALSE, &cause);
    }
  else if (*w->p == '[')
    {
      guint n = 0;
      emit_c (w, '[');
      for (w->p++;;)
        {
          skip_ws (w);
          if (w->p >= w->end || *w->p == ']')
            break;
          if (n++ > 0)
            emit_c (w, ',');
          walk_plain (w);
          skip_ws (w);
          if (w->p < w->end && *w->p == ',')
            w->p++;
        }
      w->p++;
      emit_c (w, ']');
    }
  else
    walk_scalar (w);
}

static gboolean
str_is (const char *s,
        gsize       len,
        const char *literal)
{
  return len == strlen (literal) && memcmp (s, literal, len) == 0;
}

/* meta, with security made of the record's labels (and the other systems' codings it had). */
static void
walk_meta (Walk *w)
{
  g_autoptr(GString) kept = g_string_new (NULL);
  guint n = 0;
  GString *out = w->out;

  emit_c (w, '{');
  for (w->p++;;)
    {
      const char *key, *key_end;

      skip_ws (w);
      if (w->p >= w->end || *w->p == '}')
        break;
      key = w->p;
      key_end = w->p = hf_json_skip_string (w->p, w->end);
      skip_ws (w);
      w->p++;   /* ':' */
      skip_ws (w);
      if (str_is (key + 1, key_end - key - 2, "security") && *w->p != '[')
        {
          /* Not a list of codings: it goes, replaced by the labels. */
          w->out = NULL;
          walk_plain (w);
          w->out = out;
        }
      else if (str_is (key + 1, key_end - key - 2, "security"))
        {
          for (w->p++;;)
            {
              const char *item;
              skip_ws (w);
              if (w->p >= w->end || *w->p == ']')
                break;
              item = w->p;
              if (*item == '{')
                {
                  g_autofree char *system = NULL;
                  g_autofree char *code = NULL;
                  gboolean ours;

                  w->out = NULL;
                  walk_plain (w);
                  w->out = out;
                  system = hf_json_dup_member_string (item, w->p - item, "system");
                  code = hf_json_dup_member_string (item, w->p - item, "code");
                  ours = g_strcmp0 (system, HF_LABEL_SYSTEM_CONFIDENTIALITY) == 0 ||
                         (g_strcmp0 (system, HF_LABEL_SYSTEM_ACTCODE) == 0 && code != NULL &&
                          (hf_label_is_known (code) || g_str_equal (code, NORDSCLCD)));
                  if (!ours)
                    {
                      w->p = item;
                      w->out = kept;
                      if (kept->len > 0)
                        g_string_append_c (kept, ',');
                      walk_plain (w);
                      w->out = out;
                    }
                }
              else
                {
                  w->out = NULL;
                  walk_plain (w);
                  w->out = out;
                }
              skip_ws (w);
              if (w->p < w->end && *w->p == ',')
                w->p++;
            }
          w->p++;
        }
      else
        {
          if (n++ > 0)
            emit_c (w, ',');
          emit (w, key, key_end - key);
          emit_c (w, ':');
          walk_plain (w);
        }
      skip_ws (w);
      if (w->p < w->end && *w->p == ',')
        w->p++;
    }
  w->p++;
  if (out != NULL)
    {
      const char *confidentiality = "N";
      gboolean part2 = FALSE;

      if (n > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "\"security\":[");
      g_string_append_len (out, kept->str, kept->len);
      for (guint i = 0; w->self->labels[i] != NULL; i++)
        {
          const char *code = w->self->labels[i];
          if (g_str_equal (code, "N") || g_str_equal (code, "R") || g_str_equal (code, "V"))
            confidentiality = code;
          else if (hf_label_is_known (code))
            {
              part2 |= hf_label_is_part2 (code);
              g_string_append_printf (out, "%s{\"system\":\"" HF_LABEL_SYSTEM_ACTCODE "\","
                                      "\"code\":\"%s\"}", out->str[out->len - 1] == '[' ? "" : ",",
                                      code);
            }
        }
      if (part2)
        g_string_append_printf (out, "%s{\"system\":\"" HF_LABEL_SYSTEM_ACTCODE "\",\"code\":\""
                                NORDSCLCD "\"}", out->str[out->len - 1] == '[' ? "" : ",");
      g_string_append_printf (out, "%s{\"system\":\"" HF_LABEL_SYSTEM_CONFIDENTIALITY "\","
                              "\"code\":\"%s\"}]}", out->str[out->len - 1] == '[' ? "" : ",",
                              confidentiality);
    }
}

/* Walks the object at W's position (writing it when W->out is set). Returns TRUE when it has to
 * go: a Reference to something outside the share, or an object that lost an element R4
 * requires; CAUSE is then the reference why. At the ROOT (a resource), meta.security is made
 * and the narrative dropped if anything was removed. */
static gboolean
walk_object (Walk      *w,
             Def       *def,
             gboolean   root,
             char     **cause)
{
  gboolean remove = FALSE, saw_meta = FALSE;
  gssize text_start = -1, text_end = -1;
  guint n = 0;

  emit_c (w, '{');
  for (w->p++;;)
    {
      const char *key, *key_end;
      gsize klen, member_start;
      Def child;

      skip_ws (w);
      if (w->p >= w->end || *w->p == '}')
        break;
      key = w->p;
      key_end = w->p = hf_json_skip_string (w->p, w->end);
      klen = key_end - key - 2;
      skip_ws (w);
      w->p++;   /* ':' */
      skip_ws (w);
      member_start = out_len (w);
      if (n > 0)
        emit_c (w, ',');
      emit (w, key, key_end - key);
      emit_c (w, ':');

      if (str_is (key + 1, klen, "reference") && *w->p == '"')
        {
          const char *v = w->p;
          w->p = hf_json_skip_string (w->p, w->end);
          if (v[1] == '#')
            emit (w, v, w->p - v);
          else
            {
              g_autofree char *ref = string_value (v, w->p - v);
              Rec *target = resolve (w->ctx, w->self, ref, strlen (ref));

              if (target_shared (target))
                {
                  if (w->out != NULL)
                    {
                      g_autofree char *url = _hf_policy_full_url (target->r->source_key,
                                                                  target->r->type,
                                                                  target->r->fhir_id);
                      g_string_append_printf (w->out, "\"%s\"", url);
                    }
                }
              else
                {
                  emit (w, v, w->p - v);
                  remove = TRUE;
                  g_free (*cause);
                  *cause = target != NULL
                    ? g_strdup_printf ("%s/%s", target->r->type, target->r->fhir_id)
                    : g_steal_pointer (&ref);
                }
            }
          n++;
        }
      else if (root && str_is (key + 1, klen, "meta"))
        {
          if (*w->p == '{')
            {
              walk_meta (w);
              saw_meta = TRUE;
              n++;
            }
          else
            {
              /* Not an object: it goes; the labels make a meta of their own. */
              GString *out = w->out;
              w->out = NULL;
              walk_plain (w);
              w->out = out;
              out_truncate (w, member_start);
            }
        }
      else if (root && str_is (key + 1, klen, "contained") && *w->p == '[')
        {
          /* Contained resources stay; one that loses what R4 requires takes its container. */
          guint items = 0;
          emit_c (w, '[');
          for (w->p++;;)
            {
              skip_ws (w);
              if (w->p >= w->end || *w->p == ']')
                break;
              if (items++ > 0)
                emit_c (w, ',');
              if (*w->p == '{')
                {
                  const char *item = w->p;
                  g_autofree char *type = NULL;
                  Def d = { NULL, NULL, 0, NULL, TRUE };
                  GString *out = w->out;

                  w->out = NULL;
                  walk_plain (w);
                  type = hf_json_dup_member_string (item, w->p - item, "resourceType");
                  g_autofree char *why = NULL;

                  w->p = item;
                  w->out = out;
                  d.type = type;
                  if (walk_object (w, &d, FALSE, &why) && !remove)
                    {
                      remove = TRUE;
                      g_free (*cause);
                      *cause = g_steal_pointer (&why);
                    }
                }
              else
                walk_plain (w);
              skip_ws (w);
              if (w->p < w->end && *w->p == ',')
                w->p++;
            }
          w->p++;
          emit_c (w, ']');
          n++;
        }
      else if (*w->p == '[')
        {
          guint kept = 0, removed = 0;
          g_autofree char *first_cause = NULL;

          child = (Def) { def, key + 1, klen, NULL, FALSE };
          emit_c (w, '[');
          for (w->p++;;)
            {
              gsize item_start;
              gboolean gone = FALSE;

              skip_ws (w);
              if (w->p >= w->end || *w->p == ']')
                break;
              item_start = out_len (w);
              if (kept > 0)
                emit_c (w, ',');
              if (*w->p == '{')
                {
                  g_autofree char *why = NULL;
                  gone = walk_object (w, &child, FALSE, &why);
                  if (gone && first_cause == NULL)
                    first_cause = g_steal_pointer (&why);
                }
              else
                walk_plain (w);
              if (gone)
                {
                  out_truncate (w, item_start);
                  removed++;
                }
              else
                kept++;
              skip_ws (w);
              if (w->p < w->end && *w->p == ',')
                w->p++;
            }
          w->p++;
          emit_c (w, ']');
          if (removed > 0)
            w->changed = TRUE;
          if (kept == 0 && removed > 0)
            {
              out_truncate (w, member_start);
              if (member_needed (def, key + 1, klen) && !remove)
                {
                  remove = TRUE;
                  g_free (*cause);
                  *cause = g_steal_pointer (&first_cause);
                }
            }
          else
            n++;
        }
      else if (*w->p == '{')
        {
          g_autofree char *why = NULL;

          child = (Def) { def, key + 1, klen, NULL, FALSE };
          if (walk_object (w, &child, FALSE, &why))
            {
              out_truncate (w, member_start);
              w->changed = TRUE;
              if (member_needed (def, key + 1, klen) && !remove)
                {
                  remove = TRUE;
                  g_free (*cause);
                  *cause = g_steal_pointer (&why);
                }
            }
          else
            n++;
        }
      else
        {
          walk_scalar (w);
          n++;
        }
      if (root && str_is (key + 1, klen, "text") && out_len (w) > member_start)
        {
          text_start = member_start;
          text_end = out_len (w);
        }
      skip_ws (w);
      if (w->p < w->end && *w->p == ',')
        w->p++;
    }
  w->p++;
  if (root && w->out != NULL)
    {
      if (w->changed && text_start >= 0)
        {
          /* The narrative goes; with the comma before it, or after it when it came first. */
          gsize from = text_start, to = text_end;
          if (w->out->str[from] != ',' && to < w->out->len && w->out->str[to] == ',')
            to++;
          g_string_erase (w->out, from, to - from);
        }
      if (!saw_meta)
        {
          g_autoptr(GString) meta = g_string_new ("{}");
          Walk m = *w;
          m.p = meta->str;
          m.end = meta->str + meta->len;
          if (w->out->str[w->out->len - 1] != '{')
            g_string_append_c (w->out, ',');
          g_string_append (w->out, "\"meta\":");
          walk_meta (&m);
        }
    }
  emit_c (w, '}');
  return remove;
}

/* Whether REC has to be withheld (BROKEN: the reference why); else OUT (if not NULL) holds it as
 * shared and CHANGED says whether anything was removed. */
static gboolean
walk_record (HfPolicyContext *ctx,
             Rec             *rec,
             GString         *out,
             gboolean        *changed,
             char           **broken)
{
  gsize len = rec->r->json_len;
  const char *text = out != NULL ? rec->r->json : decided_on (rec->r, &len);
  Walk w = { ctx, rec, text, NULL, out, FALSE };
  Def root = { NULL, NULL, 0, rec->r->type, TRUE };
  g_autofree char *cause = NULL;
  gboolean gone;

  if (text == NULL)
    return TRUE;
  w.end = text + len;
  skip_ws (&w);
  gone = w.p < w.end && *w.p == '{' ? walk_object (&w, &root, TRUE, &cause) : TRUE;
  if (changed != NULL)
    *changed = w.changed;
  if (broken != NULL)
    *broken = g_steal_pointer (&cause);
  return gone;
}

/* }}} */
/* {{{ the rules */

static gboolean
strv_has (const char * const *strv,
          const char         *s)
{
  return strv != NULL && g_strv_contains (strv, s);
}

/* The first of the record's labels the consent does not permit, or NULL. */
static const char *
label_refused (const char * const *labels,
               const char * const *permit)
{
  gboolean sensitive = FALSE;

  for (guint i = 0; labels[i] != NULL; i++)
    if (hf_label_is_known (labels[i]))
      {
        sensitive = TRUE;
        if (!strv_has (permit, labels[i]))
          return labels[i];
      }
  for (guint i = 0; labels[i] != NULL; i++)
    {
      if (g_str_equal (labels[i], "V") && !strv_has (permit, "V"))
        return labels[i];
      if (g_str_equal (labels[i], "R") && !sensitive && !strv_has (permit, "R"))
        return labels[i];
    }
  return NULL;
}

/* The last day of a year ("2019") or month ("2019-03") as YYYY-MM-DD, or NULL. */
static char *
partial_bounds (const char *day,
                char      **last)
{
  guint64 y = 0, m = 0;
  gsize len = strlen (day);
  char year[5];

  if (len == 4 && g_ascii_string_to_unsigned (day, 10, 1, 9999, &y, NULL))
    {
      *last = g_strdup_printf ("%s-12-31", day);
      return g_strdup_printf ("%s-01-01", day);
    }
  memcpy (year, day, 4);
  year[4] = '\0';
  if (len == 7 && day[4] == '-' && g_ascii_string_to_unsigned (year, 10, 1, 9999, &y, NULL) &&
      g_ascii_string_to_unsigned (day + 5, 10, 1, 12, &m, NULL))
    {
      *last = g_strdup_printf ("%s-%02u", day, (guint) g_date_get_days_in_month (m, y));
      return g_strdup_printf ("%s-01", day);
    }
  return NULL;
}

/* The record's day as its source wrote it. */
static char *
written_day (const Rec *rec)
{
  const char *eff = rec->r->effective;
  const char *text = rec->r->json, *end, *p;

  if (strchr (eff, 'T') == NULL || text == NULL)
    return g_strndup (eff, 10);
  end = text + rec->r->json_len;
  for (p = text; (p = memchr (p, '"', end - p)) != NULL;)
    {
      const char *s_end = hf_json_skip_string (p, end);
      gsize len = s_end - p - 2;

      if (len >= 16 && len < 64 && p[5] == '-' && p[8] == '-' && p[11] == 'T' &&
          g_ascii_isdigit (p[1]))
        {
          g_autofree char *s = g_strndup (p + 1, len);
          g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (s, NULL);
          g_autoptr(GDateTime) utc = dt != NULL ? g_date_time_to_utc (dt) : NULL;
          g_autofree char *sortable = utc != NULL
            ? g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;

          if (g_strcmp0 (sortable, eff) == 0)
            return g_strndup (s, 10);
        }
      p = s_end;
    }
  return g_strndup (eff, 10);
}

static char *
day_shift (const char *day,
           int         days)
{
  GDate d;
  char buf[16];

  g_date_clear (&d, 1);
  g_date_set_parse (&d, day);
  if (!g_date_valid (&d))
    return g_strdup (day);
  if (days > 0)
    g_date_add_days (&d, days);
  else
    g_date_subtract_days (&d, -days);
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &d);
  return g_strdup (buf);
}

/* Where a UTC day tells on its own (a written day is at most a day away from it). */
typedef struct
{
  char *from_in;    /* from + 1 day: a UTC day after it is in, as far as from goes */
  char *from_out;   /* from − 1 day: one before it is out */
  char *to_in;      /* to − 1 day */
  char *to_out;     /* to + 1 day */
} Range;

static void
range_init (Range                *range,
            const HfConsentTerms *terms)
{
  *range = (Range) { NULL, NULL, NULL, NULL };
  if (terms->data_from != NULL)
    {
      range->from_in = day_shift (terms->data_from, 1);
      range->from_out = day_shift (terms->data_from, -1);
    }
  if (terms->data_to != NULL)
    {
      range->to_in = day_shift (terms->data_to, -1);
      range->to_out = day_shift (terms->data_to, 1);
    }
}

static void
range_clear (Range *range)
{
  g_free (range->from_in);
  g_free (range->from_out);
  g_free (range->to_in);
  g_free (range->to_out);
}

/* Whether a record dated EFF (a UTC date and time, at least ten characters) is so near a
 * bound of the range that the day its source wrote decides. */
static gboolean
range_needs_written_day (const HfConsentTerms *terms,
                         const Range          *range,
                         const char           *eff)
{
  /* A UTC day more than a day from a boundary is on the same side whatever the offset. */
  gboolean surely_in = (terms->data_from == NULL || strncmp (eff, range->from_in, 10) > 0) &&
                       (terms->data_to == NULL || strncmp (eff, range->to_in, 10) < 0);
  gboolean surely_out = (terms->data_from != NULL && strncmp (eff, range->from_out, 10) < 0) ||
                        (terms->data_to != NULL && strncmp (eff, range->to_out, 10) > 0);

  return !surely_in && !surely_out && strchr (eff, 'T') != NULL;
}

/* Whether the record's date is in the consent's range; if not, WHY. */
static gboolean
date_permitted (const HfConsentTerms *terms,
                const Range          *range,
                const Rec            *rec,
                HfWithheldReason     *reason,
                char                **why)
{
  const char *eff = rec->r->effective;
  g_autofree char *day = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  if (terms->data_from == NULL && terms->data_to == NULL)
    return TRUE;
  if (eff == NULL || *eff == '\0')
    {
      *reason = HF_WITHHELD_NO_DATE;
      *why = g_strdup ("has no date");
      return FALSE;
    }
  if (strlen (eff) < 10)
    {
      first = partial_bounds (eff, &last);
      if (first == NULL)
        {
          *reason = HF_WITHHELD_NO_DATE;
          *why = g_strdup ("has no date");
          return FALSE;
        }
      day = g_strdup (eff);
    }
  else
    {
      day = range_needs_written_day (terms, range, eff) ? written_day (rec)
                                                         : g_strndup (eff, 10);
      first = g_strdup (day);
      last = g_strdup (day);
    }
  if (terms->data_from != NULL && strcmp (first, terms->data_from) < 0)
    {
      *reason = HF_WITHHELD_DATE;
      *why = g_strdup_printf ("dated %s, before %s", day, terms->data_from);
      return FALSE;
    }
  if (terms->data_to != NULL && strcmp (last, terms->data_to) > 0)
    {
      *reason = HF_WITHHELD_DATE;
      *why = g_strdup_printf ("dated %s, after %s", day, terms->data_to);
      return FALSE;
    }
  return TRUE;
}

static char *
type_id (const Rec *rec)
{
  return g_strdup_printf ("%s/%s", rec->r->type, rec->r->fhir_id);
}

/* A record's own rules: consent, category, date, labels. */
static void
judge (const HfPolicyInput *input,
       const Range         *range,
       Rec                 *rec)
{
  const HfConsentTerms *terms = &input->consent->terms;
  const char *refused;
  g_autofree char *key = (terms->include != NULL && terms->include[0] != NULL) ||
                          (terms->exclude != NULL && terms->exclude[0] != NULL)
    ? type_id (rec) : NULL;

  refused = label_refused (rec->labels, (const char * const *) terms->permit_labels);
  if (key != NULL && strv_has ((const char * const *) terms->exclude, key))
    {
      rec->reason = HF_WITHHELD_EXCLUDED;
      rec->why = g_strdup ("excluded by the consent");
      return;
    }
  if (rec->kind == KIND_CLINICAL)
    {
      const char *label = hf_fhir_category_label (rec->r->category);
      gboolean included = key != NULL && strv_has ((const char * const *) terms->include, key);

      if (!included && !strv_has ((const char * const *) terms->categories, rec->r->category))
        {
          rec->reason = HF_WITHHELD_CATEGORY;
          rec->why = g_strdup_printf ("its category (%s) is not permitted",
                                      label != NULL ? label : rec->r->category);
          return;
        }
      if (input->only != NULL && !strv_has (input->only, rec->r->category))
        {
          rec->reason = HF_WITHHELD_NOT_ASKED;
          rec->why = g_strdup_printf ("its category (%s) was not asked for",
                                      label != NULL ? label : rec->r->category);
          return;
        }
      if (!date_permitted (terms, range, rec, &rec->reason, &rec->why))
        return;
    }
  if (refused != NULL)
    {
      rec->reason = HF_WITHHELD_LABEL;
      rec->why = label_words (refused);
      return;
    }
  rec->candidate = TRUE;
}

/* }}} */
/* {{{ the share */

static void
shared_free (HfShared *s)
{
  g_free (s->type);
  g_free (s->fhir_id);
  g_free (s->source_key);
  g_free (s->category);
  g_free (s->title);
  g_strfreev (s->labels);
  g_free (s->full_url);
  if (s->json != NULL)
    g_string_free (s->json, TRUE);
  g_free (s);
}

static void
withheld_free (HfWithheld *w)
{
  g_free (w->type);
  g_free (w->fhir_id);
  g_free (w->category);
  g_free (w->title);
  g_free (w->why);
  g_free (w);
}

static void
group_free (HfWithheldGroup *g)
{
  g_free (g->category);
  g_free (g->why);
  g_clear_pointer (&g->titles, g_ptr_array_unref);
  g_free (g);
}

void
hf_share_free (HfShare *share)
{
  if (share == NULL)
    return;
  g_free (share->recipient);
  g_clear_pointer (&share->shared, g_ptr_array_unref);
  g_clear_pointer (&share->withheld, g_ptr_array_unref);
  g_clear_pointer (&share->unread, g_ptr_array_unref);
  g_free (share->confidentiality);
  g_free (share);
}

guint64
hf_share_n_withheld (const HfShare *share)
{
  guint64 n;

  g_return_val_if_fail (share != NULL, 0);

  n = share->withheld->len;
  for (guint i = 0; i < share->unread->len; i++)
    n += ((HfWithheldGroup *) g_ptr_array_index (share->unread, i))->count;
  return n;
}

static int
compare_recs (gconstpointer a,
              gconstpointer b)
{
  const HfPolicyRecord *x = (*(Rec * const *) a)->r, *y = (*(Rec * const *) b)->r;
  int c;

  /* Categories, types and sources are mostly the same strings (the loader's, interned). */
  if ((x->category != y->category && (c = g_strcmp0 (x->category, y->category)) != 0) ||
      (x->type != y->type && (c = g_strcmp0 (x->type, y->type)) != 0) ||
      (c = g_strcmp0 (x->fhir_id, y->fhir_id)) != 0 ||
      (x->source_key != y->source_key && (c = g_strcmp0 (x->source_key, y->source_key)) != 0))
    return c;
  return (x->id > y->id) - (x->id < y->id);
}

static int
confidentiality_rank (const char *code)
{
  return g_strcmp0 (code, "V") == 0 ? 2 : g_strcmp0 (code, "R") == 0 ? 1 : 0;
}

/* The share's sets from the records' states. */
static HfShare *
make_share (const HfPolicyInput *input,
            HfPolicyContext     *ctx)
{
  g_autoptr(HfShare) share = g_new0 (HfShare, 1);
  g_autoptr(GPtrArray) order = g_ptr_array_sized_new (ctx->n);
  const char *high = "N";

  share->recipient = g_strdup (input->recipient != NULL ? input->recipient
                               : input->consent != NULL ? input->consent->recipient : NULL);
  share->consent_version = input->consent != NULL ? input->consent->version : 0;
  share->shared = g_ptr_array_new_with_free_func ((GDestroyNotify) shared_free);
  share->withheld = g_ptr_array_new_with_free_func ((GDestroyNotify) withheld_free);
  share->unread = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  for (guint i = 0; i < ctx->n; i++)
    g_ptr_array_add (order, &ctx->recs[i]);
  g_ptr_array_sort (order, compare_recs);
  for (guint i = 0; i < order->len; i++)
    {
      Rec *rec = g_ptr_array_index (order, i);
      const HfPolicyRecord *r = rec->r;

      if (rec->in_share)
        {
          HfShared *s = g_new0 (HfShared, 1);
          guint n = g_strv_length ((char **) rec->labels);

          s->record = r->id;
          s->type = g_strdup (r->type);
          s->fhir_id = g_strdup (r->fhir_id);
          s->source_key = g_strdup (r->source_key);
          s->category = g_strdup (r->category);
          s->title = g_strdup (r->title);
          s->labels = g_strdupv ((char **) rec->labels);
          if (input->flags & HF_POLICY_EXPORT)
            s->full_url = _hf_policy_full_url (r->source_key, r->type, r->fhir_id);
          s->redacted = rec->redacted;
          for (guint k = 0; k < n; k++)
            s->part2 |= hf_label_is_part2 (rec->labels[k]);
          if (n > 0 && confidentiality_rank (rec->labels[n - 1]) > confidentiality_rank (high))
            high = rec->labels[n - 1];
          share->part2 |= s->part2;
          g_ptr_array_add (share->shared, s);
        }
      else
        {
          HfWithheld *w = g_new0 (HfWithheld, 1);

          w->record = r->id;
          w->type = g_strdup (r->type);
          w->fhir_id = g_strdup (r->fhir_id);
          w->category = g_strdup (r->category);
          w->title = g_strdup (r->title);
          w->reason = rec->reason;
          w->why = g_strdup (rec->why);
          g_ptr_array_add (share->withheld, w);
        }
    }
  share->confidentiality = g_strdup (high);
  return g_steal_pointer (&share);
}

static void
context_free (HfPolicyContext *ctx)
{
  for (guint i = 0; i < ctx->n; i++)
    {
      g_clear_pointer (&ctx->recs[i].targets, g_ptr_array_unref);
      g_free (ctx->recs[i].why);
    }
  g_free (ctx->recs);
  g_clear_pointer (&ctx->by_key, g_hash_table_unref);
  g_clear_pointer (&ctx->keys, g_array_unref);
}

/* The records in the share: the candidates, the Patient, and what they refer to. */
static void
close_share (HfPolicyContext *ctx)
{
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();

  for (guint i = 0; i < ctx->n; i++)
    {
      Rec *rec = &ctx->recs[i];
      rec->in_share = rec->candidate && !rec->dropped && rec->kind != KIND_SUPPORT;
      if (rec->in_share)
        g_ptr_array_add (queue, rec);
    }
  for (guint q = 0; q < queue->len; q++)
    {
      GPtrArray *targets = targets_of (ctx, g_ptr_array_index (queue, q));
      for (guint t = 0; t < targets->len; t++)
        {
          Rec *target = g_ptr_array_index (targets, t);
          if (target != NULL && !target->in_share && target->kind == KIND_SUPPORT &&
              target->candidate && !target->dropped)
            {
              target->in_share = TRUE;
              g_ptr_array_add (queue, target);
            }
        }
    }
}

static int
compare_rec_ids (gconstpointer a,
                 gconstpointer b)
{
  const Rec *x = *(Rec * const *) a, *y = *(Rec * const *) b;

  return (x->r->id > y->r->id) - (x->r->id < y->r->id);
}

HfShare *
hf_policy_evaluate (const HfPolicyInput  *input,
                    const HfPolicyRecord *records,
                    guint                 n_records)
{
  HfPolicyContext ctx = { input, NULL, n_records, NULL, NULL };
  const char *why = NULL;
  HfShare *share;
  Range range = { NULL, NULL, NULL, NULL };
  gboolean changed;

  g_return_val_if_fail (input != NULL && input->today != NULL, NULL);
  g_return_val_if_fail (records != NULL || n_records == 0, NULL);

  ctx.recs = g_new0 (Rec, MAX (n_records, 1));
  ctx.keys = g_array_sized_new (FALSE, FALSE, sizeof (Key), n_records);
  ctx.by_key = g_hash_table_new (key_hash, key_equal);
  for (guint i = 0; i < n_records; i++)
    {
      Rec *rec = &ctx.recs[i];
      const char * const *labels = input->labels != NULL
        ? g_hash_table_lookup (input->labels, &records[i].id) : NULL;
      Key key = { records[i].type, strlen (records[i].type),
                  records[i].fhir_id, strlen (records[i].fhir_id) };

      rec->r = &records[i];
      rec->labels = labels != NULL ? labels : no_labels;
      rec->kind = g_str_equal (records[i].type, "Patient") ? KIND_PATIENT
                : is_support_type (records[i].type) ? KIND_SUPPORT : KIND_CLINICAL;
      g_array_append_val (ctx.keys, key);
    }
  /* Keys point into the array, complete only now. */
  for (guint i = 0; i < n_records; i++)
    {
      Key *key = &g_array_index (ctx.keys, Key, i);
      Rec *first = g_hash_table_lookup (ctx.by_key, key);

      if (first == NULL)
        g_hash_table_insert (ctx.by_key, key, &ctx.recs[i]);
      else
        {
          ctx.recs[i].same_key = first->same_key;
          first->same_key = &ctx.recs[i];
        }
    }

  if (input->consent == NULL || !hf_consent_in_force (input->consent, input->today, &why))
    {
      HfWithheldReason reason = input->consent == NULL ? HF_WITHHELD_NO_CONSENT
        : g_strcmp0 (why, "revoked") == 0 ? HF_WITHHELD_REVOKED
        : g_strcmp0 (why, "expired") == 0 ? HF_WITHHELD_EXPIRED
        : HF_WITHHELD_NOT_YET_VALID;
      const char *words = input->consent == NULL ? "there is no consent"
        : reason == HF_WITHHELD_REVOKED ? "the consent was revoked"
        : reason == HF_WITHHELD_EXPIRED ? "the consent has expired"
        : "the consent is not in force yet";

      for (guint i = 0; i < n_records; i++)
        {
          ctx.recs[i].reason = reason;
          ctx.recs[i].why = g_strdup (words);
        }
      share = make_share (input, &ctx);
      share->none_reason = reason;
      context_free (&ctx);
      return share;
    }

  range_init (&range, &input->consent->terms);
  for (guint i = 0; i < n_records; i++)
    judge (input, &range, &ctx.recs[i]);
  range_clear (&range);

  /* To a fixed point: a record whose required reference broke is withheld, which can break
   * references to it. What is in the share only shrinks, so a record walked and kept with the
   * same number of missing targets needs no second walk. */
  do
    {
      changed = FALSE;
      close_share (&ctx);
      for (guint i = 0; i < n_records; i++)
        {
          Rec *rec = &ctx.recs[i];
          GPtrArray *targets;
          guint missing = 0;
          g_autofree char *broken = NULL;
          gboolean redacted = FALSE;

          if (!rec->in_share)
            continue;
          targets = targets_of (&ctx, rec);
          for (guint t = 0; t < targets->len; t++)
            missing += !target_shared (g_ptr_array_index (targets, t));
          if (missing == 0 || (rec->kept_checked && rec->checked_missing == missing))
            continue;
          if (walk_record (&ctx, rec, NULL, &redacted, &broken))
            {
              rec->dropped = TRUE;
              rec->in_share = FALSE;
              rec->reason = HF_WITHHELD_NEEDS_WITHHELD;
              g_free (rec->why);
              rec->why = g_strdup_printf ("needs a withheld record: %s",
                                          broken != NULL ? broken : "?");
              changed = TRUE;
            }
          else
            {
              rec->kept_checked = TRUE;
              rec->checked_missing = missing;
              rec->redacted = redacted;
            }
        }
    }
  while (changed);
  close_share (&ctx);

  for (guint i = 0; i < n_records; i++)
    {
      Rec *rec = &ctx.recs[i];
      if (!rec->in_share && rec->why == NULL)
        {
          rec->reason = HF_WITHHELD_NOT_NEEDED;
          rec->why = g_strdup ("no shared record refers to it");
        }
    }

  share = make_share (input, &ctx);
  if (input->flags & HF_POLICY_EXPORT)
    {
      /* Rec by record id, in the share's order. */
      g_autoptr(GHashTable) by_row = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < n_records; i++)
        if (ctx.recs[i].in_share)
          g_hash_table_insert (by_row, (gpointer) &ctx.recs[i].r->id, &ctx.recs[i]);
      /* The JSON of those read without it, in the order of their rows. */
      g_autoptr(GHashTable) unread = g_hash_table_new (NULL, NULL);   /* Rec* → HfPolicyRecord* */
      g_autoptr(GArray) texts = g_array_new (FALSE, TRUE, sizeof (HfPolicyRecord));
      g_autoptr(GPtrArray) order = g_ptr_array_new ();
      for (guint i = 0; i < n_records && input->json_for != NULL; i++)
        if (ctx.recs[i].in_share && ctx.recs[i].r->json == NULL)
          g_ptr_array_add (order, &ctx.recs[i]);
      g_ptr_array_sort (order, compare_rec_ids);
      g_array_set_size (texts, order->len);
      for (guint k = 0; k < order->len; k++)
        {
          Rec *rec = g_ptr_array_index (order, k);
          HfPolicyRecord *copy = &g_array_index (texts, HfPolicyRecord, k);
          *copy = *rec->r;
          copy->json = input->json_for (input->json_for_data, rec->r, &copy->json_len);
          g_hash_table_insert (unread, rec, copy);
        }
      for (guint i = 0; i < share->shared->len; i++)
        {
          HfShared *s = g_ptr_array_index (share->shared, i);
          Rec *rec = g_hash_table_lookup (by_row, &s->record);
          const HfPolicyRecord *as_read = rec->r;
          gboolean redacted = FALSE;

          if (rec->r->json == NULL)
            {
              HfPolicyRecord *copy = g_hash_table_lookup (unread, rec);
              if (copy == NULL || copy->json == NULL)
                continue;   /* the caller has the error */
              rec->r = copy;
            }
          s->json = g_string_sized_new (rec->r->json_len + 256);
          walk_record (&ctx, rec, s->json, &redacted, NULL);
          s->redacted = redacted;
          rec->r = as_read;
        }
    }
  share->in_force = TRUE;
  context_free (&ctx);
  return share;
}

/* }}} */
/* {{{ from the vault */

/* Rows of the resource table as HfPolicyRecords, each read once. */
typedef struct
{
  sqlite3      *db;
  GArray       *records;   /* HfPolicyRecord */
  GHashTable   *seen;      /* row ids read */
  GHashTable   *asked;     /* "Type/id" looked up */
  GStringChunk *chunk;
  GHashTable   *read_per_category;   /* category → count read */
  sqlite3_stmt *by_key;
  sqlite3_stmt *by_id;
  GError       *error;
} Loader;

/* What is read of a record: its share_fact (hf-share-fact.c), where the JSON is read only of a
 * row that has none (it always has: the import writes it, and schema 9 made those before). */
#define ROW_COLUMNS "r.id, COALESCE (f.resource_type, r.resource_type), " \
                    "COALESCE (f.fhir_id, r.fhir_id), COALESCE (f.source_key, r.source_key), " \
                    "COALESCE (f.category, r.category), COALESCE (f.effective, r.effective), " \
                    "COALESCE (f.title, r.title)"
#define FROM_FACTS " FROM resource r LEFT JOIN share_fact f ON f.category = r.category " \
                   "AND f.id = r.id WHERE "
/* Every shown row, in the order of their ids, from the index of shown rows. */
#define FROM_SHOWN_FACTS " FROM resource r INDEXED BY resource_shown LEFT JOIN share_fact f " \
                         "ON f.category = r.category AND f.id = r.id WHERE "
/* The facts of whole categories, in their order: the pages of those categories only. */
#define FACT_COLUMNS "f.id, f.resource_type, f.fhir_id, f.source_key, f.category, f.effective, " \
                     "f.title"
#define WITH_FACTS ", CASE WHEN f.id IS NULL THEN r.json END, f.skeleton" FROM_FACTS
#define SHOWN "r.superseded_by IS NULL AND r.deleted_at IS NULL AND r.linked_to IS NULL"
#define SUPPORT_TYPES "'Patient', 'Device', 'Location', 'Medication', 'Organization', " \
                      "'Practitioner', 'PractitionerRole', 'Specimen', 'Substance'"

static const char *
chunk_text (GStringChunk *chunk,
            sqlite3_stmt *stmt,
            int           column,
            gboolean      common)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  if (text == NULL)
    return NULL;
  return common ? g_string_chunk_insert_const (chunk, text) : g_string_chunk_insert (chunk, text);
}

/* Steps STMT (ROW_COLUMNS, then the JSON or NULL, then the skeleton or NULL) to its end, adding
 * the rows not read yet. */
static gboolean
load_rows (Loader       *l,
           sqlite3_stmt *stmt)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfPolicyRecord r = { 0 };
      const char *json = (const char *) sqlite3_column_text (stmt, 7);
      const char *skeleton = (const char *) sqlite3_column_text (stmt, 8);
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (g_hash_table_contains (l->seen, GSIZE_TO_POINTER ((gsize) id)))
        continue;
      r.id = id;
      r.type = chunk_text (l->chunk, stmt, 1, TRUE);
      r.fhir_id = chunk_text (l->chunk, stmt, 2, FALSE);
      r.source_key = chunk_text (l->chunk, stmt, 3, TRUE);
      r.category = chunk_text (l->chunk, stmt, 4, TRUE);
      r.effective = chunk_text (l->chunk, stmt, 5, FALSE);
      r.title = chunk_text (l->chunk, stmt, 6, FALSE);
      if (json != NULL)
        {
          r.json_len = sqlite3_column_bytes (stmt, 7);
          r.json = g_string_chunk_insert_len (l->chunk, json, r.json_len);
        }
      if (skeleton != NULL)
        {
          r.skeleton_len = sqlite3_column_bytes (stmt, 8);
          r.skeleton = g_string_chunk_insert_len (l->chunk, skeleton, r.skeleton_len);
        }
      g_array_append_val (l->records, r);
      g_hash_table_add (l->seen, GSIZE_TO_POINTER ((gsize) id));
      g_hash_table_insert (l->read_per_category, (gpointer) r.category,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (
                             g_hash_table_lookup (l->read_per_category, r.category)) + 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (l->db, rc, "reading the records to share", &l->error);
  return TRUE;
}

static gboolean
load_sql (Loader             *l,
          const char         *sql,
          const char * const *binds)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (l->db, sql, -1, &stmt, NULL);
  gboolean ok;

  if (rc != SQLITE_OK)
    return _hf_db_fail (l->db, rc, "reading the records to share", &l->error);
  for (guint i = 0; binds != NULL && binds[i] != NULL; i++)
    sqlite3_bind_text (stmt, i + 1, binds[i], -1, SQLITE_STATIC);
  ok = load_rows (l, stmt);
  sqlite3_finalize (stmt);
  return ok;
}

/* A reference from a record read: the person, place or thing it names is read too. */
static void
load_target (const char *ref,
             gsize       len,
             gpointer    data)
{
  Loader *l = data;
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  Key key;

  if (l->error != NULL || !parse_reference (ref, len, &key))
    return;
  type = g_strndup (key.type, key.type_len);
  if (!is_support_type (type) && !g_str_equal (type, "Patient"))
    return;   /* a clinical record: read with its category, or not shared */
  id = g_strndup (key.id, key.id_len);
  if (!g_hash_table_add (l->asked, g_strdup_printf ("%s/%s", type, id)))
    return;
  sqlite3_bind_text (l->by_key, 1, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (l->by_key, 2, id, -1, SQLITE_TRANSIENT);
  load_rows (l, l->by_key);
}

/* The JSON of a record read from its share_fact, for what the skeleton does not tell. */
static void
load_json (Loader         *l,
           HfPolicyRecord *r)
{
  int rc;

  if (l->by_id == NULL &&
      (rc = sqlite3_prepare_v2 (l->db, "SELECT json FROM resource WHERE id = ?1", -1,
                                &l->by_id, NULL)) != SQLITE_OK)
    {
      _hf_db_fail (l->db, rc, "reading the records to share", &l->error);
      return;
    }
  sqlite3_bind_int64 (l->by_id, 1, r->id);
  if ((rc = sqlite3_step (l->by_id)) == SQLITE_ROW)
    {
      r->json_len = sqlite3_column_bytes (l->by_id, 0);
      r->json = g_string_chunk_insert_len (l->chunk,
                                           (const char *) sqlite3_column_text (l->by_id, 0),
                                           r->json_len);
    }
  else
    _hf_db_fail (l->db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "reading the records to share",
                 &l->error);
  sqlite3_reset (l->by_id);
}

static const char *
json_for (gpointer              data,
          const HfPolicyRecord *record,
          gsize                *length)
{
  Loader *l = data;
  HfPolicyRecord copy = *record;

  if (l->error != NULL)
    return NULL;
  load_json (l, &copy);
  *length = copy.json_len;
  return copy.json;
}

static void
add_unread (HfShare     *share,
            sqlite3     *db,
            const char  *category,
            guint64      count,
            gboolean     permitted_elsewhere)
{
  HfWithheldGroup *g = g_new0 (HfWithheldGroup, 1);
  const char *label = hf_fhir_category_label (category);
  sqlite3_stmt *stmt = NULL;

  g->category = g_strdup (category);
  g->count = count;
  g->titles = g_ptr_array_new_with_free_func (g_free);
  if (!share->in_force)
    {
      g->reason = share->none_reason;
      g->why = g_strdup (hf_withheld_reason_to_string (share->none_reason));
    }
  else if (g_str_equal (category, HF_CATEGORY_DIRECTORY))
    {
      g->reason = HF_WITHHELD_NOT_NEEDED;
      g->why = g_strdup ("no shared record refers to it");
    }
  else
    {
      g->reason = permitted_elsewhere ? HF_WITHHELD_NOT_ASKED : HF_WITHHELD_CATEGORY;
      g->why = g_strdup_printf (permitted_elsewhere ? "its category (%s) was not asked for"
                                                    : "its category (%s) is not permitted",
                                label != NULL ? label : category);
    }
  /* A few of them, for the words; not the people and places (some of them are shared). */
  if (!g_str_equal (category, HF_CATEGORY_DIRECTORY) &&
      sqlite3_prepare_v2 (db, "SELECT COALESCE (f.title, r.title)" FROM_FACTS "r.category = ?1 "
                              "AND " SHOWN " ORDER BY r.effective DESC, r.id DESC LIMIT 10", -1,
                          &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, category, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (g->titles, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  sqlite3_finalize (stmt);
  g_ptr_array_add (share->unread, g);
}

HfShare *
hf_share_compute (HfVault            *vault,
                  const char         *recipient,
                  const char         *today,
                  const char * const *only,
                  HfPolicyFlags       flags,
                  GError            **error)
{
  g_autoptr(HfRecipient) who = NULL;
  g_autoptr(HfConsent) consent = NULL;
  g_autoptr(GHashTable) labels = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GPtrArray) load = g_ptr_array_new ();   /* the categories read */
  const HfConsentTerms *terms;
  HfPolicyInput input = { 0 };
  Loader l = { 0 };
  HfShare *share = NULL;
  const char *why = NULL;
  gboolean in_force, every = (flags & HF_POLICY_EVERY_RECORD) != 0;
  guint64 total = 0;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL && today != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read records", error))
    return NULL;
  if ((who = hf_recipient_find (vault, recipient, error)) == NULL)
    return NULL;
  consent = hf_consent_get (vault, who->name, &l.error);
  if (l.error != NULL)
    {
      g_propagate_error (error, l.error);
      return NULL;
    }
  terms = consent != NULL ? &consent->terms : NULL;
  if (only != NULL && terms != NULL)
    for (guint i = 0; only[i] != NULL; i++)
      if (!strv_has ((const char * const *) terms->categories, only[i]))
        {
          const char *label = hf_fhir_category_label (only[i]);
          g_autofree char *words = g_utf8_strdown (label != NULL ? label : only[i], -1);

          if (hf_vault_get_member_role (vault) == HF_ROLE_OWNER)
            g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                         "%s's consent does not allow %s; change it with “consent set” first.",
                         who->name, words);
          else
            g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                         "The owner has not allowed %s to see %s; ask the owner to change the "
                         "consent.", who->name, words);
          return NULL;
        }
  in_force = consent != NULL && hf_consent_in_force (consent, today, &why);
  if ((labels = hf_label_load_all (vault, error)) == NULL)
    return NULL;
  if (!every && (counts = hf_record_store_count_categories (vault, &total, error)) == NULL)
    return NULL;

  l.db = _hf_vault_get_db (vault);
  l.records = g_array_new (FALSE, TRUE, sizeof (HfPolicyRecord));
  l.seen = g_hash_table_new (NULL, NULL);   /* row ids, as pointers */
  l.asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  l.read_per_category = g_hash_table_new (g_str_hash, g_str_equal);
  l.chunk = g_string_chunk_new (1 << 20);

  if (in_force)
    for (guint i = 0; terms->categories != NULL && terms->categories[i] != NULL; i++)
      if (only == NULL || strv_has (only, terms->categories[i]))
        g_ptr_array_add (load, terms->categories[i]);
  if (every)
    {
      /* Every current record; the skeleton only of those the consent may share. */
      g_autoptr(GString) sql = g_string_new ("SELECT " ROW_COLUMNS ", ");
      g_autoptr(GString) shareable = g_string_new (NULL);
      if (!in_force)
        g_string_append (sql, "NULL, NULL");
      else
        {
          g_string_append (shareable, "r.resource_type IN (" SUPPORT_TYPES ")");
          for (guint i = 0; i < load->len; i++)
            g_string_append_printf (shareable, "%s?%u", i == 0 ? " OR r.category IN (" : ", ",
                                    i + 1);
          if (load->len > 0)
            g_string_append_c (shareable, ')');
          for (guint i = 0; terms->include != NULL && terms->include[i] != NULL; i++)
            g_string_append_printf (shareable, "%s?%u", i == 0 ? " OR r.resource_type || '/' || "
                                                                 "r.fhir_id IN (" : ", ",
                                    load->len + i + 1);
          if (terms->include != NULL && terms->include[0] != NULL)
            g_string_append_c (shareable, ')');
          g_string_append_printf (sql, "CASE WHEN f.id IS NULL AND (%s) THEN r.json END, "
                                  "CASE WHEN %s THEN f.skeleton END", shareable->str,
                                  shareable->str);
        }
      g_string_append (sql, FROM_SHOWN_FACTS SHOWN);
      if (in_force)
        {
          g_autoptr(GPtrArray) binds = g_ptr_array_new ();
          for (guint i = 0; i < load->len; i++)
            g_ptr_array_add (binds, g_ptr_array_index (load, i));
          for (guint i = 0; terms->include != NULL && terms->include[i] != NULL; i++)
            g_ptr_array_add (binds, terms->include[i]);
          g_ptr_array_add (binds, NULL);
          load_sql (&l, sql->str, (const char * const *) binds->pdata);
        }
      else
        load_sql (&l, sql->str, NULL);
    }
  else if (in_force)
    {
      /* The shared categories (their index), the Patient, the included records; then what
       * they refer to, by type and id (the index of current records), as far as it goes. */
      if (load->len > 0)
        {
          /* An export writes most of what it reads of the categories shared: their JSON is
           * read with them, in the same pass. */
          g_autoptr(GString) sql = g_string_new ((flags & HF_POLICY_EXPORT)
                                                 ? "SELECT " FACT_COLUMNS ", r.json, f.skeleton "
                                                   "FROM share_fact f JOIN resource r ON r.id = "
                                                   "f.id WHERE f.category IN ("
                                                 : "SELECT " FACT_COLUMNS ", NULL, f.skeleton "
                                                   "FROM share_fact f WHERE f.category IN (");
          for (guint i = 0; i < load->len; i++)
            g_string_append_printf (sql, "%s?%u", i == 0 ? "" : ", ", i + 1);
          g_string_append (sql, ") AND f.shown");
          g_ptr_array_add (load, NULL);
          load_sql (&l, sql->str, (const char * const *) load->pdata);
          g_ptr_array_set_size (load, load->len - 1);
        }
      /* A category with fewer facts than shown rows (a row written by a version of Healthfolio
       * that kept none, which schema 9 should have made): its rows themselves. */
      for (guint i = 0; i < load->len && l.error == NULL && counts != NULL; i++)
        {
          const char *category = g_ptr_array_index (load, i);
          guint64 shown = GPOINTER_TO_SIZE (g_hash_table_lookup (counts, category));
          guint64 read = GPOINTER_TO_UINT (g_hash_table_lookup (l.read_per_category, category));
          const char *binds[] = { category, NULL };

          if (read < shown)
            load_sql (&l, (flags & HF_POLICY_EXPORT)
                          ? "SELECT " ROW_COLUMNS ", r.json, f.skeleton" FROM_FACTS
                            "r.category = ?1 AND " SHOWN
                          : "SELECT " ROW_COLUMNS WITH_FACTS "r.category = ?1 AND " SHOWN, binds);
        }
      if (l.error == NULL)
        load_sql (&l, "SELECT " ROW_COLUMNS WITH_FACTS "r.resource_type = 'Patient' AND " SHOWN,
                  NULL);
      for (guint i = 0; terms->include != NULL && terms->include[i] != NULL && l.error == NULL;
           i++)
        {
          const char *slash = strchr (terms->include[i], '/');
          g_autofree char *type = slash != NULL ? g_strndup (terms->include[i],
                                                            slash - terms->include[i]) : NULL;
          const char *binds[] = { type, slash != NULL ? slash + 1 : NULL, NULL };
          if (type != NULL)
            load_sql (&l, "SELECT " ROW_COLUMNS WITH_FACTS "r.resource_type = ?1 "
                          "AND r.fhir_id = ?2 AND " SHOWN, binds);
        }
      if (l.error == NULL &&
          sqlite3_prepare_v2 (l.db, "SELECT " ROW_COLUMNS WITH_FACTS "r.resource_type = ?1 AND "
                                    "r.fhir_id = ?2 AND " SHOWN, -1, &l.by_key, NULL) != SQLITE_OK)
        _hf_db_fail (l.db, sqlite3_errcode (l.db), "reading the records to share", &l.error);
      for (guint i = 0; i < l.records->len && l.error == NULL; i++)
        {
          HfPolicyRecord *r = &g_array_index (l.records, HfPolicyRecord, i);
          gsize len;
          const char *text = decided_on (r, &len);
          if (text != NULL)
            each_reference (text, len, load_target, &l);
        }
      sqlite3_finalize (l.by_key);
    }

  /* A record dated near a bound of the consent's range is judged by the day its source wrote,
   * which only its JSON has. */
  if (l.error == NULL && in_force && (terms->data_from != NULL || terms->data_to != NULL))
    {
      Range range;

      range_init (&range, terms);
      for (guint i = 0; i < l.records->len && l.error == NULL; i++)
        {
          HfPolicyRecord *r = &g_array_index (l.records, HfPolicyRecord, i);
          if (r->json == NULL && r->skeleton != NULL && r->effective != NULL &&
              strlen (r->effective) >= 10 &&
              range_needs_written_day (terms, &range, r->effective))
            load_json (&l, r);
        }
      range_clear (&range);
    }

  if (l.error == NULL)
    {
      input.consent = consent;
      input.recipient = who->name;
      input.today = today;
      input.only = only;
      input.labels = labels;
      input.flags = flags;
      input.json_for = json_for;
      input.json_for_data = &l;
      share = hf_policy_evaluate (&input, (const HfPolicyRecord *) (void *) l.records->data,
                                  l.records->len);
      if (l.error != NULL)
        g_clear_pointer (&share, hf_share_free);
      if (share != NULL && !in_force)
        share->none_reason = consent == NULL ? HF_WITHHELD_NO_CONSENT
          : g_strcmp0 (why, "revoked") == 0 ? HF_WITHHELD_REVOKED
          : g_strcmp0 (why, "expired") == 0 ? HF_WITHHELD_EXPIRED
          : HF_WITHHELD_NOT_YET_VALID;
    }
  if (share != NULL && counts != NULL)
    {
      /* What was not read, by category (in the categories' order). */
      static const char * const order[] = {
        HF_CATEGORY_PROBLEMS, HF_CATEGORY_MEDICATIONS, HF_CATEGORY_ALLERGIES,
        HF_CATEGORY_IMMUNIZATIONS, HF_CATEGORY_LAB_RESULTS, HF_CATEGORY_VITALS,
        HF_CATEGORY_PROCEDURES, HF_CATEGORY_ENCOUNTERS, HF_CATEGORY_DOCUMENTS,
        HF_CATEGORY_CARE_PLANS, HF_CATEGORY_BILLING, HF_CATEGORY_DIRECTORY, HF_CATEGORY_OTHER,
      };
      for (guint i = 0; i < G_N_ELEMENTS (order); i++)
        {
          guint64 n = GPOINTER_TO_SIZE (g_hash_table_lookup (counts, order[i]));
          guint64 read = GPOINTER_TO_UINT (g_hash_table_lookup (l.read_per_category, order[i]));
          if (n > read)
            add_unread (share, l.db, order[i], n - read,
                        in_force && strv_has ((const char * const *) terms->categories, order[i]));
        }
    }

  sqlite3_finalize (l.by_id);
  g_array_unref (l.records);
  g_hash_table_unref (l.seen);
  g_hash_table_unref (l.asked);
  g_hash_table_unref (l.read_per_category);
  g_string_chunk_free (l.chunk);
  if (l.error != NULL)
    {
      g_clear_pointer (&share, hf_share_free);
      g_propagate_error (error, l.error);
    }
  return share;
}

/* }}} */
