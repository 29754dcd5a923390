/* messages.c - the conversation rows TRL and LLaMA-Factory read, and the
 * prompt they carry (docs/export.md).
 *
 * TRL (checked against trl/data_utils.py, prepare_multimodal_messages):
 * every `content` is a list of parts; the images of a row fill its
 * {"type":"image"} parts in order, and their count must equal the number
 * of images.  LLaMA-Factory (src/llamafactory/data/mm_plugin.py,
 * _validate_messages): `content` is a string, and the number of "<image>"
 * in the messages must equal the number of images. */
#include "dataset/dataset_internal.h"

#include <stdlib.h>
#include <string.h>

const char sm_storyteller_prompt_version[] = "storyteller-1";

const char sm_storyteller_system_prompt[] =
    "You are a visual storyteller. You are shown frames from a film, in order. "
    "First reason inside <think></think>: for each frame a \"## Image N\" section with "
    "Characters, Objects and Setting tables, giving every character and object an id "
    "(char1, obj1, lm1 for landmarks, bg1 for backgrounds) that stays the same wherever the "
    "same one appears, with its bounding box x1,y1,x2,y2 in pixels; then a "
    "\"## Narrative Structure\" table. After </think>, tell the story with one "
    "<gdi imageN>...</gdi> block per frame, marking characters and objects with <gdo id>, "
    "their actions with <gda id>, and landmarks and backgrounds with <gdl id>, using the ids "
    "of your tables.";

const char sm_storyteller_instruction[] = "Tell the story of these frames.";

char *ds_answer_text(const char *cot, size_t cot_len, const char *story, size_t story_len,
                     size_t *len_out)
{
    static const char open[] = "<think>\n", mid[] = "\n</think>\n";
    size_t n = (sizeof open - 1) + cot_len + (sizeof mid - 1) + story_len;
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    char *p = t;
    memcpy(p, open, sizeof open - 1), p += sizeof open - 1;
    memcpy(p, cot, cot_len), p += cot_len;
    memcpy(p, mid, sizeof mid - 1), p += sizeof mid - 1;
    memcpy(p, story, story_len), p += story_len;
    *p = '\0';
    *len_out = n;
    return t;
}

static void text_part(sm_json *j, const char *text, size_t len)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "text");
    sm_json_key(j, "text");
    sm_json_stringn(j, text, len);
    sm_json_end_object(j);
}

static void message(sm_json *j, sm_export_format f, const char *role, size_t n_images,
                    const char *text, size_t len)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "role", role);
    sm_json_key(j, "content");
    if (f == SM_EXPORT_TRL) {
        sm_json_begin_array(j);
        for (size_t i = 0; i < n_images; i++) {
            sm_json_begin_object(j);
            sm_json_kv_string(j, "type", "image");
            sm_json_end_object(j);
        }
        text_part(j, text, len);
        sm_json_end_array(j);
    } else {
        /* "<image>" * n + text, built once per row. */
        size_t n = n_images * 7 + len;
        char *s = malloc(n + 1);
        if (!s) {
            j->failed = 1;
        } else {
            for (size_t i = 0; i < n_images; i++)
                memcpy(s + 7 * i, "<image>", 7);
            memcpy(s + 7 * n_images, text, len);
            sm_json_stringn(j, s, n);
            free(s);
        }
    }
    sm_json_end_object(j);
}

void ds_write_prompt_messages(sm_json *j, sm_export_format f, const ds_prompt *p, size_t n_images)
{
    message(j, f, "system", 0, p->system, strlen(p->system));
    message(j, f, "user", n_images, p->instruction, strlen(p->instruction));
}

void ds_write_assistant(sm_json *j, sm_export_format f, const char *text, size_t len)
{
    message(j, f, "assistant", 0, text, len);
}

const char *ds_placeholder_in(const char *text, size_t len)
{
    static const char *const marks[] = {"<image>", "<video>", "<audio>"};
    for (size_t i = 0; i + 7 <= len; i++) {
        if (text[i] != '<')
            continue;
        for (size_t m = 0; m < 3; m++)
            if (memcmp(text + i, marks[m], 7) == 0)
                return marks[m];
    }
    return NULL;
}

void ds_write_string_list(sm_json *j, const char *key, const char *const *v, size_t n)
{
    sm_json_key(j, key);
    sm_json_begin_array(j);
    for (size_t i = 0; i < n; i++)
        sm_json_string(j, v[i]);
    sm_json_end_array(j);
}

void ds_write_dataset_info_entry(sm_json *j, const char *name, const char *file, int ranking)
{
    /* As LLaMA-Factory's src/llamafactory/data/parser.py reads a stanza:
     * with a "tags" object every tag not given becomes None, so system_tag
     * must be named for a leading system message to be taken as the system
     * prompt (else it is a turn, and the roles no longer alternate). */
    sm_json_key(j, name);
    sm_json_begin_object(j);
    sm_json_kv_string(j, "file_name", file);
    sm_json_kv_string(j, "formatting", "sharegpt");
    if (ranking)
        sm_json_kv_bool(j, "ranking", 1);
    sm_json_key(j, "columns");
    sm_json_begin_object(j);
    sm_json_kv_string(j, "messages", "messages");
    sm_json_kv_string(j, "images", "images");
    if (ranking) {
        sm_json_kv_string(j, "chosen", "chosen");
        sm_json_kv_string(j, "rejected", "rejected");
    }
    sm_json_end_object(j);
    sm_json_key(j, "tags");
    sm_json_begin_object(j);
    sm_json_kv_string(j, "role_tag", "role");
    sm_json_kv_string(j, "content_tag", "content");
    sm_json_kv_string(j, "user_tag", "user");
    sm_json_kv_string(j, "assistant_tag", "assistant");
    sm_json_kv_string(j, "system_tag", "system");
    sm_json_end_object(j);
    sm_json_end_object(j);
}
