/* fuzz_ground_verify.c - verification of a model's answer (quotations,
 * attribution, names, kept tags, clean-up) on arbitrary bytes, against the
 * sample kitchen story's chain of thought and a shortened context record. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/ground.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char context[] =
    "{\"story_id\":\"tt9999901_kitchen\",\"movie\":\"tt9999901\",\"title\":\"The Lighthouse Keeper's Ledge"
    "r (2026)\",\"fps\":23.976,\"frames\":[{\"image\":1,\"keyframe\":\"tt9999901/shot_0057_img_1.jpg\",\"sh"
    "ot\":57,\"img\":1,\"frame\":4913,\"time\":204.913,\"shot_start\":202.828,\"shot_end\":207.04,\"lines\":"
    "2},{\"image\":2,\"keyframe\":\"tt9999901/shot_0060_img_1.jpg\",\"shot\":60,\"img\":1,\"frame\":5124,\"t"
    "ime\":213.714,\"shot_start\":212.421,\"shot_end\":215.048,\"lines\":1},{\"image\":3,\"keyframe\":\"tt9"
    "999901/shot_0063_img_1.jpg\",\"shot\":63,\"img\":1,\"frame\":5365,\"time\":223.765,\"shot_start\":222"
    ".514,\"shot_end\":225.058,\"lines\":1},{\"image\":4,\"keyframe\":\"tt9999901/shot_0069_img_1.jpg\",\""
    "shot\":69,\"img\":1,\"frame\":5757,\"time\":240.115,\"shot_start\":238.197,\"shot_end\":242.034,\"line"
    "s\":2},{\"image\":5,\"keyframe\":\"tt9999901/shot_0072_img_1.jpg\",\"shot\":72,\"img\":1,\"frame\":6010"
    ",\"time\":250.667,\"shot_start\":249.124,\"shot_end\":252.211,\"lines\":1},{\"image\":6,\"keyframe\":\""
    "tt9999901/shot_0075_img_1.jpg\",\"shot\":75,\"img\":1,\"frame\":6286,\"time\":262.179,\"shot_start\":"
    "260.677,\"shot_end\":263.68,\"lines\":1},{\"image\":7,\"keyframe\":\"tt9999901/shot_0081_img_1.jpg\""
    ",\"shot\":81,\"img\":1,\"frame\":6786,\"time\":283.033,\"shot_start\":281.49,\"shot_end\":284.618,\"lin"
    "es\":2}],\"window\":{\"start\":202.828,\"end\":284.618,\"first_frame\":204.913,\"last_frame\":283.033"
    ",\"padding\":\"shots\",\"images_in_film_order\":true},\"alignment\":\"ok\",\"scenes\":[{\"scene\":4,\"hea"
    "ding\":\"INT. LIGHTHOUSE - KITCHEN - NIGHT\",\"start\":117.462,\"end\":315.8,\"frames\":[1,2,3,4,5,"
    "6,7]}],\"movienet_scenes\":[],\"script\":[{\"block\":54,\"kind\":\"dialogue\",\"scene\":4,\"speaker\":\"P"
    "RICE\",\"text\":\"Owen Price, Board of Lighthouses. You'll be the nephew.\",\"start\":204.6,\"end\""
    ":208.9,\"timing\":\"aligned\",\"frames\":[1]},{\"block\":55,\"kind\":\"dialogue\",\"scene\":4,\"speaker\":"
    "\"DANIEL\",\"text\":\"So I keep hearing.\",\"start\":209.3,\"end\":210.9,\"timing\":\"aligned\",\"frames\""
    ":[],\"between\":[1,2]},{\"block\":57,\"kind\":\"dialogue\",\"scene\":4,\"speaker\":\"MARTHA\",\"text\":\"Yo"
    "u didn't say you were bringing company.\",\"start\":213.6,\"end\":216.3,\"timing\":\"aligned\",\"fra"
    "mes\":[2]},{\"block\":58,\"kind\":\"dialogue\",\"scene\":4,\"speaker\":\"DANIEL\",\"text\":\"I didn't know"
    ".\",\"start\":216.3,\"end\":217.2,\"timing\":\"interpolated\",\"frames\":[],\"between\":[2,3]}],\"dialog"
    "ue\":[{\"cue\":35,\"segment\":1,\"start\":202.9,\"end\":204.1,\"speaker\":null,\"confidence\":0,\"text\":"
    "\"Filthy night.\",\"block\":null,\"frames\":[1]},{\"cue\":36,\"segment\":1,\"start\":204.6,\"end\":207.1"
    ",\"speaker\":\"PRICE\",\"confidence\":0.99,\"text\":\"Owen Price, Board of Lighthouses.\",\"block\":54"
    ",\"frames\":[1]},{\"cue\":37,\"segment\":1,\"start\":207.4,\"end\":208.9,\"speaker\":\"PRICE\",\"confiden"
    "ce\":0.99,\"text\":\"You'll be the nephew.\",\"block\":54,\"frames\":[],\"between\":[1,2]},{\"cue\":38,"
    "\"segment\":1,\"start\":209.3,\"end\":210.9,\"speaker\":\"DANIEL\",\"confidence\":0.99,\"text\":\"So I ke"
    "ep hearing.\",\"block\":55,\"frames\":[],\"between\":[1,2]},{\"cue\":39,\"segment\":1,\"start\":213.6,\""
    "end\":216.3,\"speaker\":\"MARTHA\",\"confidence\":0.99,\"text\":\"You didn't say you were bringing c"
    "ompany.\",\"block\":57,\"frames\":[2]},{\"cue\":40,\"segment\":1,\"start\":217.2,\"end\":221.9,\"speaker"
    "\":\"PRICE\",\"confidence\":0.99,\"text\":\"Mrs. Hale, I need to see the ledger for March, 1987.\","
    "\"block\":59,\"frames\":[],\"between\":[2,3]},{\"cue\":41,\"segment\":1,\"start\":222.6,\"end\":225.4,\"s"
    "peaker\":\"PRICE\",\"confidence\":0.8,\"text\":\"The ledger goes to the Board with the lamp.\",\"blo"
    "ck\":61,\"frames\":[3]},{\"cue\":42,\"segment\":1,\"start\":225.8,\"end\":229.3,\"speaker\":\"PRICE\",\"co"
    "nfidence\":0.99,\"text\":\"I need a signature. Your nephew has the papers.\",\"block\":61,\"frames"
    "\":[],\"between\":[3,4]}],\"synopsis\":[],\"characters\":[{\"id\":\"char1\",\"cot_name\":\"Young man\",\"n"
    "ame\":\"Daniel Hale\",\"actor\":\"Tobias Wren\",\"pid\":\"nm9990002\",\"evidence\":{\"boxes\":3,\"annotate"
    "d\":3,\"matched_frames\":[1,5,7],\"iou_mean\":0.939,\"iou_min\":0.924,\"conflicting_frames\":0,\"spe"
    "aker\":\"DANIEL\",\"speaker_lines\":5,\"speaks_in_window\":true,\"lines_on_its_frames\":3}},{\"id\":\""
    "char2\",\"cot_name\":\"Man in raincoat\",\"name\":\"Owen Price\",\"actor\":\"Gareth Lloyd-Penn\",\"pid\":"
    "\"nm9990003\",\"evidence\":{\"boxes\":4,\"annotated\":4,\"matched_frames\":[1,3,4,7],\"iou_mean\":0.95"
    "3,\"iou_min\":0.939,\"conflicting_frames\":0,\"speaker\":\"PRICE\",\"speaker_lines\":9,\"speaks_in_wi"
    "ndow\":true,\"lines_on_its_frames\":4}},{\"id\":\"char3\",\"cot_name\":\"Older woman\",\"name\":\"Martha"
    " Hale\",\"actor\":\"Rosalind Ashby\",\"pid\":\"nm9990001\",\"evidence\":{\"boxes\":4,\"annotated\":4,\"mat"
    "ched_frames\":[2,3,6,7],\"iou_mean\":0.952,\"iou_min\":0.927,\"conflicting_frames\":0,\"speaker\":\""
    "MARTHA\",\"speaker_lines\":7,\"speaks_in_window\":true,\"lines_on_its_frames\":2}}],\"problems\":[]"
    "}";

static const char cot[] =
    "## Image 1\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char1 | Young man | A young man in a dark jumper | Surprised | Opens the door | Host | 189,41,272,180 |\n"
    "| char2 | Man in raincoat | A middle-aged man in a wet raincoat | Composed | Steps in out of the rain | Antagonist | 37,22,131,180 |\n"
    "### Objects\n"
    "| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|\n"
    "| obj1 | Wooden door | Entrance | Held open by the wind | Lets the stranger in | 23,10,145,180 |\n"
    "| bg1 | Stone kitchen | Setting | Surrounds the characters | A private, enclosed space | 0,0,320,180 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Weather | Wind and rain behind the door | Stormy | Night | Brings the outside threat in |\n"
    "\n"
    "## Image 2\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char3 | Older woman | An older woman with a grey plait | Guarded | Comes down the stairs | Protagonist | 120,9,218,179 |\n"
    "### Objects\n"
    "| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|\n"
    "| obj2 | Lantern | Light source | Carried by the woman | Lights her entrance | 206,74,230,106 |\n"
    "| bg1 | Stone kitchen | Setting | Surrounds the characters | A private, enclosed space | 0,0,320,180 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Lighting | Warm lantern light in a dark stairwell | Uneasy | Night | Sets up the confrontation |\n"
    "\n"
    "## Image 3\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char2 | Man in raincoat | A middle-aged man in a wet raincoat | Insistent | Demands the book | Antagonist | 18,23,128,180 |\n"
    "| char3 | Older woman | An older woman with a grey plait | Defiant | Refuses him | Protagonist | 198,24,288,180 |\n"
    "### Objects\n"
    "| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|\n"
    "| obj3 | Ledger | Record book | Lies between them on the table | The object of dispute | 124,130,201,169 |\n"
    "| bg1 | Stone kitchen | Setting | Surrounds the characters | A private, enclosed space | 0,0,320,180 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Interior Design | A low stone kitchen with a range and two mugs | Tense | Night | Confines the argument |\n"
    "\n"
    "## Image 4\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char2 | Man in raincoat | A middle-aged man in a wet raincoat | Triumphant | Runs a finger down a page | Antagonist | 72,14,215,180 |\n"
    "### Objects\n"
    "| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|\n"
    "| obj3 | Ledger | Record book | Read line by line by the man | Reveals the hidden entry | 127,121,247,174 |\n"
    "| bg1 | Stone kitchen | Setting | Surrounds the characters | A private, enclosed space | 0,0,320,180 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Atmosphere | Silence broken by a kettle | Suspenseful | Night | Builds to the reveal |\n"
    "\n"
    "## Image 5\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char1 | Young man | A young man in a dark jumper | Shaken | Turns to the woman | Host | 93,19,228,178 |\n"
    "### Objects\n"
    "| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|\n"
    "| bg1 | Stone kitchen | Setting | Surrounds the characters | A private, enclosed space | 0,0,320,180 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Lighting | A single lamp on the table | Anxious | Night | Isolates his doubt |\n"
    "\n"
    "## Image 6\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char3 | Older woman | An older woman with a grey plait | Sorrowful | Confesses quietly | Protagonist | 75,12,210,180 |\n"
    "### Objects\n"
    "| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|\n"
    "| obj4 | Kettle | Kitchen object | Steams on the range | Marks the passing moment | 227,76,273,115 |\n"
    "| bg1 | Stone kitchen | Setting | Surrounds the characters | A private, enclosed space | 0,0,320,180 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Location | The kitchen range behind her | Heavy | Night | Frames the confession |\n"
    "\n"
    "## Image 7\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char1 | Young man | A young man in a dark jumper | Decided | Closes the ledger | Host | 118,24,208,179 |\n"
    "| char2 | Man in raincoat | A middle-aged man in a wet raincoat | Thwarted | Watches the book close | Antagonist | 17,31,94,179 |\n"
    "| char3 | Older woman | An older woman with a grey plait | Relieved | Stands beside him | Protagonist | 226,35,308,178 |\n"
    "### Objects\n"
    "| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|\n"
    "| obj3 | Ledger | Record book | Closed by the young man | Settles who keeps it | 138,106,187,139 |\n"
    "| bg1 | Stone kitchen | Setting | Surrounds the characters | A private, enclosed space | 0,0,320,180 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Interior Design | The table cleared except for the ledger | Resolved | Night | Closes the scene |\n"
    "\n"
    "## Narrative Structure\n"
    "| Narrative Phase | Description | Key Events | Images |\n"
    "|---|---|---|---|\n"
    "| Introduction | A stranger arrives at night and a woman comes down to meet him | The door opens; the woman appears with a lantern | Image 1, Image 2 |\n"
    "| Development | The stranger demands the ledger | Argument over the book on the table | Image 3 |\n"
    "| Conflict | The stranger reads an entry aloud and exposes it | A finger on the page | Image 4 |\n"
    "| Turning Point | The young man turns to the woman and she confesses | Her quiet admission | Image 5, Image 6 |\n"
    "| Conclusion | The young man closes the ledger and keeps it from the stranger | The book stays in the house | Image 7 |\n";

static const char source[] =
    "<gdi image1>The <gdo char1>young man</gdo> <gda char1>opens</gda> the <gdo obj1>door</gdo>.</gdi>"
    "<gdi image2><gdo char3>She</gdo> <gda char3>comes down</gda>.</gdi><gdi image3>x</gdi>"
    "<gdi image4>x</gdi><gdi image5>x</gdi><gdi image6>x</gdi><gdi image7>x</gdi>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sm_context_set cs;
    static sm_story_set stories;
    static const sm_story *src;
    sm_error err;
    if (!src) {
        if (sm_context_read_buffer("fuzz", context, sizeof context - 1, &cs, &err) != 0)
            __builtin_trap();
        src = sm_story_add(&stories, "tt9999901_kitchen", cot, sizeof cot - 1, source, sizeof source - 1);
        if (!src)
            return 0;
    }
    const sm_context *c = &cs.items[0];
    sm_ground_verdict v;
    if (sm_ground_verify(src, c, (const char *)data, size, size & 1, &v) == 0) {
        if (v.passed != (v.n_problems == 0))
            __builtin_trap();
        for (size_t i = 0; i < v.quotes.n_items; i++) {
            const sm_quote *q = &v.quotes.items[i];
            if ((uint64_t)q->off + q->len > v.text_len || q->open >= v.text_len ||
                (q->found && !q->segment) || (q->correct && !q->checkable) ||
                q->matched > q->words)
                __builtin_trap();
        }
        char *retry = sm_ground_retry_prompt(&v);
        free(retry);
        if (v.passed) {
            sm_json j;
            sm_json_init(&j);
            sm_ground_write_record(&j, src, c, &v, "m", 1);
            sm_json_free(&j);
        }
    }
    sm_ground_verdict_free(&v);
    return 0;
}
