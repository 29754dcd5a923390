/* view_page.c - the HTML around the data.
 *
 * Everything the inputs say is untrusted text: a subtitle line can read
 * "</script><img src=x onerror=alert(1)>", a story can hold "<b>".  Three
 * walls keep such text text:
 *   1. the data is JSON inside <script type="application/json">, with '<',
 *      '>' and '&' written as \u escapes, so no "</script" or "<!--" can
 *      ever appear inside the element (U+2028 and U+2029 too, for old
 *      JavaScript parsers), and bytes that are not UTF-8 become U+FFFD;
 *   2. the page's script draws every element with createElement and
 *      textContent, never parsing data as markup, and sets no inline
 *      handlers;
 *   3. a Content-Security-Policy allows exactly the page's own style and
 *      script, by their SHA-256, images from files and data: URIs, and
 *      nothing else: no other script runs even if one got in, and the page
 *      cannot reach the network. */
#include "view/view_internal.h"

#include <errno.h>
#include <openssl/evp.h>
#include <string.h>

#include "storymovie/io.h"

#include "storymovie/llm.h"

static int put(FILE *f, const char *s, size_t n, size_t *written)
{
    if (n && fwrite(s, 1, n, f) != n)
        return -1;
    *written += n;
    return 0;
}

static int puts_(FILE *f, const char *s, size_t *written) { return put(f, s, strlen(s), written); }

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_length(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int view_write_script_json(FILE *f, const char *data, size_t len, size_t *written)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t i = 0, run = 0;
    while (i < len) {
        unsigned char c = p[i];
        const char *esc = NULL;
        size_t step = 1;
        if (c == '<')
            esc = "\\u003c";
        else if (c == '>')
            esc = "\\u003e";
        else if (c == '&')
            esc = "\\u0026";
        else if (c >= 0x80) {
            step = utf8_length(p + i, len - i);
            if (step == 0)
                esc = "\\ufffd", step = 1;
            else if (step == 3 && c == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9))
                esc = p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
        }
        if (esc) {
            if (put(f, data + run, i - run, written) || put(f, esc, 6, written))
                return -1;
            i += step;
            run = i;
        } else {
            i += step;
        }
    }
    return put(f, data + run, len - run, written);
}

/* 'sha256-BASE64' of the bytes, for the policy. */
static int csp_hash(const char *s, size_t n, char out[64])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        return -1;
    memcpy(out, "'sha256-", 8);
    size_t b = sm_llm_base64(md, 32, out + 8);   /* 44 characters */
    out[8 + b] = '\'';
    out[9 + b] = '\0';
    return 0;
}

int view_page_write(FILE *f, const char *name, const char *data, size_t len, size_t *written,
                    sm_error *err)
{
    char style_hash[64], script_hash[64];
    if (csp_hash(sm_view_page_css, sm_view_page_css_len, style_hash) != 0 ||
        csp_hash(sm_view_page_js, sm_view_page_js_len, script_hash) != 0)
        return sm_fail(err, name, 0, "cannot hash the page's script (OpenSSL)");
    *written = 0;
    int bad =
        puts_(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                 "img-src file: data:; style-src ", written) ||
        puts_(f, style_hash, written) ||
        puts_(f, "; script-src ", written) ||
        puts_(f, script_hash, written) ||
        puts_(f, "; base-uri 'none'; form-action 'none'\">\n"
                 "<meta name=\"referrer\" content=\"no-referrer\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta name=\"generator\" content=\"storymovie view\">\n"
                 "<title>storymovie view</title>\n<style>", written) ||
        put(f, sm_view_page_css, sm_view_page_css_len, written) ||
        puts_(f, "</style>\n</head>\n<body>\n"
                 "<noscript><p>This page draws its stories with JavaScript; allow it to see "
                 "them.</p></noscript>\n<div id=\"app\"></div>\n"
                 "<script type=\"application/json\" id=\"sm-data\">", written) ||
        view_write_script_json(f, data, len, written) ||
        puts_(f, "</script>\n<script>", written) ||
        put(f, sm_view_page_js, sm_view_page_js_len, written) ||
        puts_(f, "</script>\n</body>\n</html>\n", written);
    if (bad)
        return sm_fail_write(err, name, errno);
    return 0;
}
