/* json.c — strict JSON tokenizer and accessors (see json.h). */
#include "json.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *js;
    size_t len, pos;
    fj_tok *toks;
    int max, next;
} parser;

static int parse_value(parser *p, int depth);

static void skip_ws(parser *p) {
    while (p->pos < p->len) {
        char c = p->js[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        p->pos++;
    }
}

static int new_tok(parser *p, fj_type type, int start) {
    if (p->next >= p->max) return -2;
    fj_tok *t = &p->toks[p->next];
    t->type = type;
    t->start = start;
    t->end = -1;
    t->size = 0;
    return p->next++;
}

static int is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int parse_string(parser *p) {
    size_t start = ++p->pos; /* past the quote */
    while (p->pos < p->len) {
        unsigned char c = (unsigned char)p->js[p->pos];
        if (c == '"') {
            int i = new_tok(p, FJ_STRING, (int)start);
            if (i < 0) return i;
            p->toks[i].end = (int)p->pos++;
            return i;
        }
        if (c < 0x20) return -1;
        if (c == '\\') {
            if (++p->pos >= p->len) return -1;
            switch (p->js[p->pos]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': break;
            case 'u':
                for (int k = 1; k <= 4; k++)
                    if (p->pos + (size_t)k >= p->len || !is_hex(p->js[p->pos + (size_t)k])) return -1;
                p->pos += 4;
                break;
            default: return -1;
            }
        }
        p->pos++;
    }
    return -1;
}

static int parse_primitive(parser *p) {
    size_t start = p->pos;
    while (p->pos < p->len) {
        char c = p->js[p->pos];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' ||
              (c >= 'A' && c <= 'Z')))
            break;
        p->pos++;
    }
    size_t n = p->pos - start;
    const char *s = p->js + start;
    if (n == 0) return -1;
    if (!((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5)) ||
          (n == 4 && !memcmp(s, "null", 4)) || s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
        return -1;
    if (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) {
        char *endp;
        char buf[64];
        if (n >= sizeof buf) return -1;
        memcpy(buf, s, n);
        buf[n] = 0;
        (void)strtod(buf, &endp);
        if (*endp) return -1;
    }
    int i = new_tok(p, FJ_PRIMITIVE, (int)start);
    if (i < 0) return i;
    p->toks[i].end = (int)p->pos;
    return i;
}

static int parse_container(parser *p, int depth, int is_object) {
    int i = new_tok(p, is_object ? FJ_OBJECT : FJ_ARRAY, (int)p->pos);
    if (i < 0) return i;
    char close = is_object ? '}' : ']';
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->js[p->pos] == close) {
        p->toks[i].end = (int)++p->pos;
        return i;
    }
    for (;;) {
        skip_ws(p);
        if (is_object) {
            if (p->pos >= p->len || p->js[p->pos] != '"') return -1;
            int k = parse_string(p);
            if (k < 0) return k;
            skip_ws(p);
            if (p->pos >= p->len || p->js[p->pos] != ':') return -1;
            p->pos++;
        }
        int v = parse_value(p, depth + 1);
        if (v < 0) return v;
        p->toks[i].size++;
        skip_ws(p);
        if (p->pos >= p->len) return -1;
        if (p->js[p->pos] == ',') { p->pos++; continue; }
        if (p->js[p->pos] == close) { p->toks[i].end = (int)++p->pos; return i; }
        return -1;
    }
}

static int parse_value(parser *p, int depth) {
    if (depth > 64) return -1;
    skip_ws(p);
    if (p->pos >= p->len) return -1;
    char c = p->js[p->pos];
    if (c == '{') return parse_container(p, depth, 1);
    if (c == '[') return parse_container(p, depth, 0);
    if (c == '"') return parse_string(p);
    return parse_primitive(p);
}

int fj_parse(const char *js, size_t len, fj_tok *toks, int max_toks) {
    parser p = {js, len, 0, toks, max_toks, 0};
    int r = parse_value(&p, 0);
    if (r < 0) return r;
    skip_ws(&p);
    if (p.pos != len) return -1;
    return p.next;
}

int fj_skip(const fj_tok *toks, int i) {
    int remaining = 1;
    while (remaining > 0) {
        if (toks[i].type == FJ_OBJECT) remaining += 2 * toks[i].size;
        else if (toks[i].type == FJ_ARRAY) remaining += toks[i].size;
        remaining--;
        i++;
    }
    return i;
}

static int tok_equals(const char *js, const fj_tok *t, const char *s) {
    size_t n = strlen(s);
    return t->type == FJ_STRING && (size_t)(t->end - t->start) == n && !memcmp(js + t->start, s, n);
}

int fj_get(const char *js, const fj_tok *toks, int obj, const char *key) {
    if (obj < 0 || toks[obj].type != FJ_OBJECT) return -1;
    int i = obj + 1;
    for (int m = 0; m < toks[obj].size; m++) {
        if (tok_equals(js, &toks[i], key)) return i + 1;
        i = fj_skip(toks, i + 1);
    }
    return -1;
}

int fj_elem(const fj_tok *toks, int arr, int n) {
    if (arr < 0 || toks[arr].type != FJ_ARRAY || n < 0 || n >= toks[arr].size) return -1;
    int i = arr + 1;
    for (int k = 0; k < n; k++) i = fj_skip(toks, i);
    return i;
}

static unsigned hex4(const char *s) {
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        v |= (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

static char *put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) { *o++ = (char)cp; }
    else if (cp < 0x800) { *o++ = (char)(0xC0 | (cp >> 6)); *o++ = (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12)); *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18)); *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F)); *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

char *fj_strdup(const char *js, const fj_tok *t) {
    if (t->type != FJ_STRING) return NULL;
    const char *s = js + t->start, *end = js + t->end;
    char *out = malloc((size_t)(end - s) + 1), *o = out;
    if (!out) return NULL;
    while (s < end) {
        if (*s != '\\') { *o++ = *s++; continue; }
        s++;
        switch (*s) {
        case 'b': *o++ = '\b'; s++; break;
        case 'f': *o++ = '\f'; s++; break;
        case 'n': *o++ = '\n'; s++; break;
        case 'r': *o++ = '\r'; s++; break;
        case 't': *o++ = '\t'; s++; break;
        case 'u': {
            unsigned cp = hex4(s + 1);
            s += 5;
            if (cp >= 0xD800 && cp < 0xDC00 && end - s >= 6 && s[0] == '\\' && s[1] == 'u') {
                unsigned lo = hex4(s + 2);
                if (lo >= 0xDC00 && lo < 0xE000) { cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00); s += 6; }
            }
            if (cp == 0) { free(out); return NULL; }
            o = put_utf8(o, cp);
            break;
        }
        default: *o++ = *s++; break; /* " \ / */
        }
    }
    *o = 0;
    return out;
}

int fj_int(const char *js, const fj_tok *t, long long *out) {
    if (t->type != FJ_PRIMITIVE) return -1;
    char buf[32];
    int n = t->end - t->start;
    if (n <= 0 || n >= (int)sizeof buf) return -1;
    memcpy(buf, js + t->start, (size_t)n);
    buf[n] = 0;
    char *endp;
    long long v = strtoll(buf, &endp, 10);
    if (*endp) return -1;
    *out = v;
    return 0;
}

int fj_bool(const char *js, const fj_tok *t) {
    if (t->type != FJ_PRIMITIVE) return -1;
    if (t->end - t->start == 4 && !memcmp(js + t->start, "true", 4)) return 1;
    if (t->end - t->start == 5 && !memcmp(js + t->start, "false", 5)) return 0;
    return -1;
}

char **fj_strv(const char *js, const fj_tok *toks, int arr) {
    if (arr < 0 || toks[arr].type != FJ_ARRAY) return NULL;
    int n = toks[arr].size;
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v) return NULL;
    int i = arr + 1;
    for (int k = 0; k < n; k++) {
        v[k] = fj_strdup(js, &toks[i]);
        if (!v[k]) { fj_strv_free(v); return NULL; }
        i = fj_skip(toks, i);
    }
    return v;
}

void fj_strv_free(char **v) {
    if (!v) return;
    for (char **p = v; *p; p++) free(*p);
    free(v);
}
