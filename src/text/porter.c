/* porter.c - the Porter (1980) suffix-stripping stemmer, for METEOR's stem
 * module and the aligner's word evidence.  Written from the published
 * algorithm (M.F. Porter, "An algorithm for suffix stripping", Program
 * 14(3), 1980), with the two departures that Porter's own reference
 * implementation makes and Meteor's Snowball-era English stemmer agrees
 * with on common words: step 2 maps "bli" -> "ble" (not "abli" -> "able")
 * and has "logi" -> "log".
 *
 * The stemmer works on b[0..k] (inclusive ends, as in the paper); j marks
 * the end of the stem when a suffix has been found by ends(). */
#include "storymovie/text.h"

#include <string.h>

typedef struct stemmer {
    char *b;
    int k, j;
} stemmer;

/* b[i] is a consonant: not a vowel, and 'y' only after a vowel/at start. */
static int cons(const stemmer *z, int i)
{
    switch (z->b[i]) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 0;
    case 'y': return i == 0 ? 1 : !cons(z, i - 1);
    default: return 1;
    }
}

/* m: the number of vowel-consonant sequences in b[0..j]:
 *   <c>(vc)^m<v>. */
static int measure(const stemmer *z)
{
    int n = 0, i = 0, j = z->j;
    for (;;) {
        if (i > j)
            return n;
        if (!cons(z, i))
            break;
        i++;
    }
    i++;
    for (;;) {
        for (;;) {
            if (i > j)
                return n;
            if (cons(z, i))
                break;
            i++;
        }
        i++;
        n++;
        for (;;) {
            if (i > j)
                return n;
            if (!cons(z, i))
                break;
            i++;
        }
        i++;
    }
}

static int vowel_in_stem(const stemmer *z)
{
    for (int i = 0; i <= z->j; i++)
        if (!cons(z, i))
            return 1;
    return 0;
}

static int double_consonant(const stemmer *z, int j)
{
    if (j < 1 || z->b[j] != z->b[j - 1])
        return 0;
    return cons(z, j);
}

/* cvc(i): b[i-2..i] is consonant-vowel-consonant and b[i] is not w, x, y:
 * the stem ends like "hop", where a removed "e" should come back. */
static int cvc(const stemmer *z, int i)
{
    if (i < 2 || !cons(z, i) || cons(z, i - 1) || !cons(z, i - 2))
        return 0;
    char ch = z->b[i];
    return !(ch == 'w' || ch == 'x' || ch == 'y');
}

static int ends(stemmer *z, const char *s)
{
    int length = (int)strlen(s);
    if (s[length - 1] != z->b[z->k])
        return 0;
    if (length > z->k + 1)
        return 0;
    if (memcmp(z->b + z->k - length + 1, s, (size_t)length) != 0)
        return 0;
    z->j = z->k - length;
    return 1;
}

static void setto(stemmer *z, const char *s)
{
    int length = (int)strlen(s);
    memmove(z->b + z->j + 1, s, (size_t)length);
    z->k = z->j + length;
}

static void replace_if_measure(stemmer *z, const char *s)
{
    if (measure(z) > 0)
        setto(z, s);
}

/* Plurals and -ed / -ing. */
static void step1ab(stemmer *z)
{
    char *b = z->b;
    if (b[z->k] == 's') {
        if (ends(z, "sses"))
            z->k -= 2;
        else if (ends(z, "ies"))
            setto(z, "i");
        else if (b[z->k - 1] != 's')
            z->k--;
    }
    if (ends(z, "eed")) {
        if (measure(z) > 0)
            z->k--;
    } else if ((ends(z, "ed") || ends(z, "ing")) && vowel_in_stem(z)) {
        z->k = z->j;
        if (ends(z, "at"))
            setto(z, "ate");
        else if (ends(z, "bl"))
            setto(z, "ble");
        else if (ends(z, "iz"))
            setto(z, "ize");
        else if (double_consonant(z, z->k)) {
            z->k--;
            char ch = b[z->k];
            if (ch == 'l' || ch == 's' || ch == 'z')
                z->k++;
        } else if (measure(z) == 1 && cvc(z, z->k)) {
            setto(z, "e");
        }
    }
}

/* Terminal y -> i when there is another vowel in the stem. */
static void step1c(stemmer *z)
{
    if (ends(z, "y") && vowel_in_stem(z))
        z->b[z->k] = 'i';
}

struct rule {
    const char *suffix, *replacement;
};

/* Apply the first rule whose suffix matches (only if m > 0). */
static void apply_rules(stemmer *z, const struct rule *rules)
{
    for (; rules->suffix; rules++)
        if (ends(z, rules->suffix)) {
            replace_if_measure(z, rules->replacement);
            return;
        }
}

/* Double suffixes to single ones. */
static void step2(stemmer *z)
{
    static const struct rule a[] = {{"ational", "ate"}, {"tional", "tion"}, {NULL, NULL}};
    static const struct rule c[] = {{"enci", "ence"}, {"anci", "ance"}, {NULL, NULL}};
    static const struct rule e[] = {{"izer", "ize"}, {NULL, NULL}};
    static const struct rule l[] = {{"bli", "ble"}, {"alli", "al"}, {"entli", "ent"},
                                    {"eli", "e"}, {"ousli", "ous"}, {NULL, NULL}};
    static const struct rule o[] = {{"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"},
                                    {NULL, NULL}};
    static const struct rule s[] = {{"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"},
                                    {"ousness", "ous"}, {NULL, NULL}};
    static const struct rule t[] = {{"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
                                    {NULL, NULL}};
    static const struct rule g[] = {{"logi", "log"}, {NULL, NULL}};
    if (z->k < 1)
        return;
    switch (z->b[z->k - 1]) {
    case 'a': apply_rules(z, a); break;
    case 'c': apply_rules(z, c); break;
    case 'e': apply_rules(z, e); break;
    case 'l': apply_rules(z, l); break;
    case 'o': apply_rules(z, o); break;
    case 's': apply_rules(z, s); break;
    case 't': apply_rules(z, t); break;
    case 'g': apply_rules(z, g); break;
    default: break;
    }
}

/* -ic-, -full, -ness etc. */
static void step3(stemmer *z)
{
    static const struct rule e[] = {{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {NULL, NULL}};
    static const struct rule i[] = {{"iciti", "ic"}, {NULL, NULL}};
    static const struct rule l[] = {{"ical", "ic"}, {"ful", ""}, {NULL, NULL}};
    static const struct rule s[] = {{"ness", ""}, {NULL, NULL}};
    switch (z->b[z->k]) {
    case 'e': apply_rules(z, e); break;
    case 'i': apply_rules(z, i); break;
    case 'l': apply_rules(z, l); break;
    case 's': apply_rules(z, s); break;
    default: break;
    }
}

/* -ant, -ence etc. in context <c>vcvc<v>. */
static void step4(stemmer *z)
{
    static const char *const a[] = {"al", NULL};
    static const char *const c[] = {"ance", "ence", NULL};
    static const char *const e[] = {"er", NULL};
    static const char *const i[] = {"ic", NULL};
    static const char *const l[] = {"able", "ible", NULL};
    static const char *const n[] = {"ant", "ement", "ment", "ent", NULL};
    static const char *const s[] = {"ism", NULL};
    static const char *const t[] = {"ate", "iti", NULL};
    static const char *const u[] = {"ous", NULL};
    static const char *const v[] = {"ive", NULL};
    static const char *const zz[] = {"ize", NULL};
    const char *const *list = NULL;
    if (z->k < 1)
        return;
    switch (z->b[z->k - 1]) {
    case 'a': list = a; break;
    case 'c': list = c; break;
    case 'e': list = e; break;
    case 'i': list = i; break;
    case 'l': list = l; break;
    case 'n': list = n; break;
    case 'o':
        if (ends(z, "ion") && z->j >= 0 && (z->b[z->j] == 's' || z->b[z->j] == 't'))
            break;
        if (ends(z, "ou"))
            break;
        return;
    case 's': list = s; break;
    case 't': list = t; break;
    case 'u': list = u; break;
    case 'v': list = v; break;
    case 'z': list = zz; break;
    default: return;
    }
    if (list) {
        int found = 0;
        for (; *list && !found; list++)
            found = ends(z, *list);
        if (!found)
            return;
    }
    if (measure(z) > 1)
        z->k = z->j;
}

/* Remove a final -e if m > 1 (or m = 1 and not *o), and -ll -> -l if m > 1. */
static void step5(stemmer *z)
{
    z->j = z->k;
    if (z->b[z->k] == 'e') {
        int a = measure(z);
        if (a > 1 || (a == 1 && !cvc(z, z->k - 1)))
            z->k--;
    }
    if (z->b[z->k] == 'l' && double_consonant(z, z->k) && measure(z) > 1)
        z->k--;
}

size_t sm_porter_stem(const char *word, size_t len, char *out)
{
    memcpy(out, word, len);
    out[len] = '\0';
    if (len <= 2 || len > 64)
        return len;
    for (size_t i = 0; i < len; i++)
        if (word[i] < 'a' || word[i] > 'z')
            return len;       /* digits, apostrophes, non-ASCII: leave alone */
    stemmer z = {out, (int)len - 1, 0};
    step1ab(&z);
    if (z.k > 0) {
        step1c(&z);
        step2(&z);
        step3(&z);
        step4(&z);
        step5(&z);
    }
    out[z.k + 1] = '\0';
    return (size_t)z.k + 1;
}
