/* json.h — a small strict JSON tokenizer (jsmn-style: tokens index into the source text)
 * and the few accessors the spawn spec and flint-init's spec need. */
#ifndef FLINT_JSON_H
#define FLINT_JSON_H

#include <stddef.h>

typedef enum { FJ_OBJECT = 1, FJ_ARRAY, FJ_STRING, FJ_PRIMITIVE } fj_type;

typedef struct fj_tok {
    fj_type type;
    int start, end; /* [start, end) in the source; strings exclude the quotes */
    int size;       /* children: members of an object, elements of an array */
} fj_tok;

/* Tokenize js[0..len). Returns the token count, or -1 (malformed) / -2 (too many tokens). */
int fj_parse(const char *js, size_t len, fj_tok *toks, int max_toks);

/* Index of the token after token i and all of its children. */
int fj_skip(const fj_tok *toks, int i);

/* In the object at index obj, the index of the value for key, or -1. */
int fj_get(const char *js, const fj_tok *toks, int obj, const char *key);

/* Index of element n of the array at index arr, or -1. */
int fj_elem(const fj_tok *toks, int arr, int n);

/* Unescaped copy of a string token (malloc'd, NUL-terminated), or NULL if not a string
 * (or it holds a NUL character, which no path, argv or env entry may contain). */
char *fj_strdup(const char *js, const fj_tok *t);

/* Integer value of a primitive token; returns 0 and sets *out, or -1 when not an integer. */
int fj_int(const char *js, const fj_tok *t, long long *out);

/* 1 for true, 0 for false, -1 otherwise. */
int fj_bool(const char *js, const fj_tok *t);

/* A NULL-terminated, malloc'd array of unescaped strings from an array of strings, or NULL. */
char **fj_strv(const char *js, const fj_tok *toks, int arr);
void fj_strv_free(char **v);

#endif
